//! The sorting engines under [`crate::sort`]: a stable LSD radix sort on unsigned keys (one
//! byte per pass, passes where every key has the same byte skipped), a stable merge, and a
//! parallel merge sort that radix-sorts its leaves on rayon threads and merges them with a
//! parallel merge (each merge split at a co-rank found by binary search).
//!
//! Elements are generic (`E`) with a key function, so the same code sorts bare keys (values)
//! and (key, index) pairs (argsort). Stability is what makes argsort NumPy's `kind="stable"`;
//! for bare keys it does not matter (equal keys are identical).

/// An unsigned radix key: compared as an integer, split into bytes (least significant first).
pub trait RadixKey: Copy + Ord + Send + Sync + 'static {
    /// Number of bytes, i.e. of radix passes.
    const BYTES: usize;
    /// Byte `i` (0 = least significant) as a bucket index.
    fn byte(self, i: usize) -> usize;
}

macro_rules! radix_key {
    ($($t:ty),*) => {$(
        impl RadixKey for $t {
            const BYTES: usize = std::mem::size_of::<$t>();
            #[inline(always)]
            fn byte(self, i: usize) -> usize {
                ((self >> (8 * i)) & 0xFF) as usize
            }
        }
    )*};
}
radix_key!(u8, u16, u32, u64);

/// Stable LSD radix sort of `v` by `key`, using `buf` (same length) as the other half of
/// each pass; the result is in `v`.
pub(crate) fn radix_sort<E: Copy, K: RadixKey>(v: &mut [E], buf: &mut [E], key: &impl Fn(&E) -> K) {
    let n = v.len();
    debug_assert_eq!(n, buf.len());
    if n < 2 {
        return;
    }
    // All byte histograms in one read of the data.
    let mut counts = vec![[0usize; 256]; K::BYTES];
    for e in v.iter() {
        let k = key(e);
        for (d, c) in counts.iter_mut().enumerate() {
            c[k.byte(d)] += 1;
        }
    }
    let mut in_v = true;
    for (d, c) in counts.iter().enumerate() {
        // A byte all keys share moves nothing: skip the pass (e.g. the high bytes of small
        // integers, or the sign byte of all-positive floats).
        if c.contains(&n) {
            continue;
        }
        let mut offsets = [0usize; 256];
        let mut sum = 0;
        for (o, &cnt) in offsets.iter_mut().zip(c) {
            *o = sum;
            sum += cnt;
        }
        let (src, dst): (&[E], &mut [E]) = if in_v { (v, buf) } else { (buf, v) };
        for e in src {
            let b = key(e).byte(d);
            dst[offsets[b]] = *e;
            offsets[b] += 1;
        }
        in_v = !in_v;
    }
    if !in_v {
        v.copy_from_slice(buf);
    }
}

/// Stable merge of the sorted runs `a` and `b` into `out` (`a`'s elements first among equal
/// keys). `out.len()` must be `a.len() + b.len()`.
fn merge<E: Copy, K: Ord>(a: &[E], b: &[E], out: &mut [E], key: &impl Fn(&E) -> K) {
    let (mut i, mut j) = (0, 0);
    for o in out.iter_mut() {
        // Take from b only when it is strictly smaller (or a is used up): stability.
        let take_a = j >= b.len() || (i < a.len() && key(&a[i]) <= key(&b[j]));
        if take_a {
            *o = a[i];
            i += 1;
        } else {
            *o = b[j];
            j += 1;
        }
    }
}

/// Below this many elements a merge runs on one thread.
const MERGE_SEQ: usize = 1 << 15;

/// [`merge`] split recursively at the middle of the longer run, the two halves merged in
/// parallel. The split keeps the merge stable: equal keys of `a` stay before those of `b`.
fn par_merge<E: Copy + Send + Sync, K: Ord>(
    a: &[E],
    b: &[E],
    out: &mut [E],
    key: &(impl Fn(&E) -> K + Sync),
) {
    if out.len() <= MERGE_SEQ || a.is_empty() || b.is_empty() {
        merge(a, b, out, key);
        return;
    }
    let (i, j, pivot_from_a) = if a.len() >= b.len() {
        let i = a.len() / 2;
        let ka = key(&a[i]);
        // b's elements equal to a[i] belong after it.
        (i, b.partition_point(|x| key(x) < ka), true)
    } else {
        let j = b.len() / 2;
        let kb = key(&b[j]);
        // a's elements equal to b[j] belong before it.
        (a.partition_point(|x| key(x) <= kb), j, false)
    };
    let (left, rest) = out.split_at_mut(i + j);
    let (mid, right) = rest.split_at_mut(1);
    let (ar, br) = if pivot_from_a {
        mid[0] = a[i];
        (&a[i + 1..], &b[j..])
    } else {
        mid[0] = b[j];
        (&a[i..], &b[j + 1..])
    };
    rayon::join(
        || par_merge(&a[..i], &b[..j], left, key),
        || par_merge(ar, br, right, key),
    );
}

/// Stable parallel sort of `v` (scratch `buf`, same length): halves sorted recursively on
/// rayon, leaves of at most `leaf` elements radix-sorted, runs merged with [`par_merge`]. The
/// result lands in `buf` when `into_buf`, else in `v`.
pub(crate) fn par_sort<E: Copy + Send + Sync, K: RadixKey>(
    v: &mut [E],
    buf: &mut [E],
    into_buf: bool,
    leaf: usize,
    key: &(impl Fn(&E) -> K + Sync),
) {
    if v.len() <= leaf.max(2) {
        radix_sort(v, buf, key);
        if into_buf {
            buf.copy_from_slice(v);
        }
        return;
    }
    let mid = v.len() / 2;
    {
        let (vl, vr) = v.split_at_mut(mid);
        let (bl, br) = buf.split_at_mut(mid);
        // Halves land in the other array than the result, so the merge moves them back.
        rayon::join(
            || par_sort(vl, bl, !into_buf, leaf, key),
            || par_sort(vr, br, !into_buf, leaf, key),
        );
    }
    if into_buf {
        let (l, r) = v.split_at(mid);
        par_merge(l, r, buf, key);
    } else {
        let (l, r) = buf.split_at(mid);
        par_merge(l, r, v, key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lcg(n: usize, seed: u64, modulo: u64) -> Vec<(u64, u32)> {
        let mut s = seed;
        (0..n)
            .map(|i| {
                s = s
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                ((s >> 20) % modulo, i as u32)
            })
            .collect()
    }

    #[test]
    fn radix_and_par_sort_are_stable() {
        for (n, modulo) in [
            (0, 1),
            (1, 5),
            (7, 3),
            (1000, 10),
            (5000, u64::MAX),
            (70000, 300),
        ] {
            let mut want = lcg(n, n as u64, modulo);
            // Tuple order (key, index) = stable order by key.
            let v0 = want.clone();
            want.sort();
            let mut v = v0.clone();
            let mut buf = v0.clone();
            radix_sort(&mut v, &mut buf, &|e: &(u64, u32)| e.0);
            assert_eq!(v, want);
            for leaf in [1, 3, 100, 1 << 20] {
                for into_buf in [false, true] {
                    let mut v = v0.clone();
                    let mut buf = v0.clone();
                    par_sort(&mut v, &mut buf, into_buf, leaf, &|e: &(u64, u32)| e.0);
                    assert_eq!(if into_buf { &buf } else { &v }, &want, "{n} {leaf}");
                }
            }
        }
    }
}
