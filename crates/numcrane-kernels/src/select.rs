//! Order statistics along one axis without a full sort: [`select_axis`] returns, for every
//! lane, the values a stable sort (NumPy's `kind="stable"`, NaN last, `-0.0 == 0.0`) would put
//! at a few given positions, in expected `O(len)` per lane instead of a sort's `O(len log len)`.
//!
//! Each lane is copied into a scratch row of order keys ([`SortScalar::key`], the same keys as
//! the sort kernels: their integer order is the sort order), then the standard library's
//! introselect (`select_nth_unstable`) places each wanted position in ascending order, every
//! next one searched only in the part right of the previous one. Equal keys are identical
//! values except for the two keys that stand for several bit patterns: the zero key
//! (`0.0` / `-0.0`) and the NaN key (every NaN). An unstable selection cannot tell which of
//! them lands at a position, so for those the answer is taken from the input the way the
//! stable sort orders them: the run of equal keys starts after the elements with smaller keys,
//! and holds the input's elements with that key in input order, so position `p` holds the
//! `(p - smaller)`-th of them.
//!
//! Data is `[outer, len, inner]` in C order (lanes along the middle axis); the result is
//! `[outer, positions.len(), inner]`. Lanes run in parallel on rayon; a single long lane (a
//! `median` of a whole array) is split over the threads instead ([`select_long_lane`]: a
//! parallel histogram of the keys' top bits, then a selection among the keys of the buckets
//! holding the wanted positions only).

use crate::sort::SortScalar;
use crate::sort_radix::RadixKey;
use rayon::prelude::*;
use std::fmt;

/// Why [`select_axis`] refused its arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SelectError {
    /// The slices do not hold `outer * len * inner` / `outer * positions * inner` elements.
    Shape {
        /// `[outer, len, inner]` as given.
        dims: [usize; 3],
        /// The number of positions asked for.
        positions: usize,
        /// Length of the input slice.
        src: usize,
        /// Length of the output slice.
        dst: usize,
    },
    /// A position is not below the lane length.
    Position {
        /// The position asked for.
        position: usize,
        /// The lane length.
        len: usize,
    },
}

impl fmt::Display for SelectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SelectError::Shape {
                dims,
                positions,
                src,
                dst,
            } => write!(
                f,
                "select: lanes {dims:?} ([outer, len, inner]) with {positions} positions do not \
                 fit an input of {src} and an output of {dst} elements"
            ),
            SelectError::Position { position, len } => {
                write!(f, "select: position {position} is outside a lane of {len}")
            }
        }
    }
}

impl std::error::Error for SelectError {}

/// For every lane of `src` (`[outer, len, inner]`, C order), the values at sorted positions
/// `positions` (any order, repeats allowed, each below `len`): `dst[o, j, i]` is the element a
/// stable ascending sort with NaN last puts at `positions[j]` of lane `(o, i)`, bit for bit
/// (the same `-0.0` / `0.0` and the same NaN payload as the sort).
///
/// ```
/// use numcrane_kernels::select_axis;
/// let x = [3.0, f64::NAN, -0.0, 1.0, 0.0];
/// let mut out = [0.0; 3];
/// select_axis(&x, [1, 5, 1], &[4, 0, 1], &mut out).unwrap();
/// assert!(out[0].is_nan());
/// assert!(out[1] == 0.0 && out[1].is_sign_negative()); // -0.0 comes first in the input
/// assert!(out[2] == 0.0 && out[2].is_sign_positive());
/// ```
pub fn select_axis<T: SortScalar>(
    src: &[T],
    dims: [usize; 3],
    positions: &[usize],
    dst: &mut [T],
) -> Result<(), SelectError> {
    let [outer, len, inner] = dims;
    let m = positions.len();
    let need = |d: usize| outer.checked_mul(d).and_then(|x| x.checked_mul(inner));
    if need(len) != Some(src.len()) || need(m) != Some(dst.len()) {
        return Err(SelectError::Shape {
            dims,
            positions: m,
            src: src.len(),
            dst: dst.len(),
        });
    }
    if let Some(&position) = positions.iter().find(|&&p| p >= len) {
        return Err(SelectError::Position { position, len });
    }
    if dst.is_empty() {
        return Ok(());
    }
    // The distinct positions in ascending order, and where each asked one is among them.
    let mut order: Vec<usize> = positions.to_vec();
    order.sort_unstable();
    order.dedup();
    let slot: Vec<usize> = positions
        .iter()
        .map(|p| order.partition_point(|q| q < p))
        .collect();
    let lanes = outer * inner;
    // Lane-major results ([lane, distinct position]), scattered into `dst` afterwards.
    let mut found = vec![T::default(); lanes * order.len()];
    let work = |(l, res): (usize, &mut [T]), keys: &mut Vec<T::Key>| {
        let start = (l / inner) * len * inner + l % inner;
        let at = |k: usize| src[start + k * inner];
        select_lane(len, &at, &order, keys, res);
    };
    // Below this many elements in all, threads cost more than they save.
    const PARALLEL_MIN: usize = 1 << 15;
    if lanes > 1 && src.len() >= PARALLEL_MIN {
        found
            .par_chunks_mut(order.len())
            .enumerate()
            .for_each_init(|| Vec::with_capacity(len), |keys, job| work(job, keys));
    } else if lanes == 1 && len >= LONG_LANE_MIN && rayon::current_num_threads() > 1 {
        // One lane (so `inner == 1` and `src` is the lane): split the work inside it.
        select_long_lane(src, &order, &mut found);
    } else {
        let mut keys = Vec::with_capacity(len);
        for job in found.chunks_mut(order.len()).enumerate() {
            work(job, &mut keys);
        }
    }
    for l in 0..lanes {
        let (o, i) = (l / inner, l % inner);
        for (j, &s) in slot.iter().enumerate() {
            dst[o * m * inner + j * inner + i] = found[l * order.len() + s];
        }
    }
    Ok(())
}

/// The values at the ascending distinct positions `order` of one lane of `len` elements read
/// with `at`, into `res`; `keys` is scratch.
fn select_lane<T: SortScalar>(
    len: usize,
    at: &impl Fn(usize) -> T,
    order: &[usize],
    keys: &mut Vec<T::Key>,
    res: &mut [T],
) {
    keys.clear();
    keys.extend((0..len).map(|k| at(k).key()));
    // Everything left of `lo` is already in its sorted place (not above keys[lo..]).
    let mut lo = 0;
    for (&p, r) in order.iter().zip(res.iter_mut()) {
        let (_, &mut key, _) = keys[lo..].select_nth_unstable(p - lo);
        lo = p + 1;
        let value = T::from_key(key);
        *r = if T::FLOAT && (value.is_zero() || value.is_nan()) {
            stable_pick(len, at, key, p)
        } else {
            value
        };
    }
}

/// Below this lane length one thread selects faster than the histogram pass costs.
const LONG_LANE_MIN: usize = 1 << 17;

/// Buckets of the histogram in [`select_long_lane`]: the top 16 bits of the key.
const BUCKETS: usize = 1 << 16;

/// The histogram bucket of a key: its top 16 bits (the whole key for 8 and 16-bit keys), so
/// buckets are in key order.
fn bucket<K: RadixKey>(k: K) -> usize {
    match K::BYTES {
        1 => k.byte(0),
        b => (k.byte(b - 1) << 8) | k.byte(b - 2),
    }
}

/// [`select_lane`] for one long lane, on every thread; the same answers, because the answer
/// at a position depends only on the key a sort puts there (and, for the zero and NaN keys,
/// on the input order, read by [`stable_pick_par`]). The keys are made in parallel, counted
/// into buckets of their top 16 bits in parallel chunks, and the buckets holding a wanted
/// position are gathered (in parallel, keys only); a position's rank among the gathered keys
/// is its position less the elements of the buckets below it that were not gathered, and the
/// gathered keys are selected as `select_lane` does. When one bucket holds most of the lane
/// (data in a narrow range), the selection inside it runs on one thread as before.
fn select_long_lane<T: SortScalar>(lane: &[T], order: &[usize], res: &mut [T]) {
    let len = lane.len();
    let mut keys: Vec<T::Key> = Vec::with_capacity(len);
    lane.par_iter().map(|x| x.key()).collect_into_vec(&mut keys);
    let chunk = len.div_ceil(rayon::current_num_threads() * 4).max(1 << 14);
    let counts = keys
        .par_chunks(chunk)
        .map(|c| {
            let mut h = vec![0usize; BUCKETS];
            for &k in c {
                h[bucket(k)] += 1;
            }
            h
        })
        .reduce(
            || vec![0usize; BUCKETS],
            |mut a, b| {
                a.iter_mut().zip(&b).for_each(|(x, y)| *x += y);
                a
            },
        );
    // starts[b]: how many keys fall in buckets below b.
    let mut starts = Vec::with_capacity(BUCKETS + 1);
    let mut acc = 0;
    starts.push(0);
    for &c in &counts {
        acc += c;
        starts.push(acc);
    }
    let bucket_of = |p: usize| starts.partition_point(|&s| s <= p) - 1;
    let mut wanted = vec![false; BUCKETS];
    for &p in order {
        wanted[bucket_of(p)] = true;
    }
    let mut sub: Vec<T::Key> = keys
        .par_iter()
        .copied()
        .filter(|&k| wanted[bucket(k)])
        .collect();
    drop(keys);
    // skipped[b]: elements in buckets below b that were not gathered.
    let mut skipped = Vec::with_capacity(BUCKETS);
    let mut acc = 0;
    for (b, &c) in counts.iter().enumerate() {
        skipped.push(acc);
        if !wanted[b] {
            acc += c;
        }
    }
    let mut lo = 0;
    for (&p, r) in order.iter().zip(res.iter_mut()) {
        let q = p - skipped[bucket_of(p)];
        let (_, &mut key, _) = sub[lo..].select_nth_unstable(q - lo);
        lo = q + 1;
        let value = T::from_key(key);
        *r = if T::FLOAT && (value.is_zero() || value.is_nan()) {
            stable_pick_par(lane, key, p)
        } else {
            value
        };
    }
}

/// [`stable_pick`] on a contiguous lane, counting in parallel chunks: the
/// `(p - #smaller keys)`-th element with key `key` in input order.
fn stable_pick_par<T: SortScalar>(lane: &[T], key: T::Key, p: usize) -> T {
    let smaller = lane.par_iter().filter(|x| x.key() < key).count();
    let mut rank = p - smaller;
    let chunk = 1 << 16;
    let equal: Vec<usize> = lane
        .par_chunks(chunk)
        .map(|c| c.iter().filter(|x| x.key() == key).count())
        .collect();
    for (c, n) in lane.chunks(chunk).zip(equal) {
        if rank < n {
            return c
                .iter()
                .copied()
                .filter(|x| x.key() == key)
                .nth(rank)
                .unwrap_or_else(|| T::from_key(key));
        }
        rank -= n;
    }
    // The selection put `key` at `p`, so at least `rank + 1` elements have it.
    T::from_key(key)
}

/// The element a stable sort puts at position `p` of the lane, given that its key is `key`:
/// the `(p - #smaller keys)`-th element with that key in input order.
fn stable_pick<T: SortScalar>(len: usize, at: &impl Fn(usize) -> T, key: T::Key, p: usize) -> T {
    let smaller = (0..len).filter(|&k| at(k).key() < key).count();
    let rank = p - smaller;
    (0..len)
        .map(at)
        .filter(|x| x.key() == key)
        .nth(rank)
        // The selection put `key` at `p`, so at least `rank + 1` elements have it.
        .unwrap_or_else(|| T::from_key(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator (xorshift), so the tests need no dependency.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
    }

    /// Stable sort of every lane, then the positions: the definition.
    fn naive<T: SortScalar>(src: &[T], [outer, len, inner]: [usize; 3], pos: &[usize]) -> Vec<T> {
        let m = pos.len();
        let mut out = vec![T::default(); outer * m * inner];
        for o in 0..outer {
            for i in 0..inner {
                let mut lane: Vec<T> = (0..len)
                    .map(|k| src[o * len * inner + k * inner + i])
                    .collect();
                lane.sort_by_key(|x| x.key());
                for (j, &p) in pos.iter().enumerate() {
                    out[o * m * inner + j * inner + i] = lane[p];
                }
            }
        }
        out
    }

    fn bits(v: &[f64]) -> Vec<u64> {
        v.iter().map(|x| x.to_bits()).collect()
    }

    #[test]
    fn floats_with_zeros_nans_and_duplicates_match_a_stable_sort_bit_for_bit() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let nan2 = f64::from_bits(f64::NAN.to_bits() | 1);
        let neg_nan = -f64::NAN;
        let pool = [
            0.0,
            -0.0,
            1.5,
            -1.5,
            f64::NAN,
            nan2,
            neg_nan,
            2.0,
            f64::INFINITY,
            -3.0,
        ];
        for trial in 0..300 {
            let (outer, len, inner) = (1 + trial % 3, 1 + (trial * 7) % 40, 1 + trial % 4);
            let src: Vec<f64> = (0..outer * len * inner)
                .map(|_| pool[(rng.next() % pool.len() as u64) as usize])
                .collect();
            let pos: Vec<usize> = (0..1 + trial % 5)
                .map(|_| (rng.next() % len as u64) as usize)
                .collect();
            let mut out = vec![7.0; outer * pos.len() * inner];
            select_axis(&src, [outer, len, inner], &pos, &mut out).unwrap();
            let want = naive(&src, [outer, len, inner], &pos);
            assert_eq!(bits(&out), bits(&want), "trial {trial}: {src:?} at {pos:?}");
        }
    }

    #[test]
    fn integers_and_every_position_of_a_long_lane_in_parallel() {
        let mut rng = Rng(12345);
        let src: Vec<i32> = (0..3 * 5000)
            .map(|_| (rng.next() % 200) as i32 - 100)
            .collect();
        let pos: Vec<usize> = (0..5000).step_by(499).chain([4999, 0, 2500]).collect();
        let mut out = vec![0; 3 * pos.len()];
        select_axis(&src, [3, 5000, 1], &pos, &mut out).unwrap();
        assert_eq!(out, naive(&src, [3, 5000, 1], &pos));
        let u: Vec<u8> = src.iter().map(|&x| x as u8).collect();
        let mut out = vec![0u8; 3 * pos.len()];
        select_axis(&u, [1, 5000, 3], &pos, &mut out).unwrap();
        assert_eq!(out, naive(&u, [1, 5000, 3], &pos));
        let b: Vec<bool> = src.iter().map(|&x| x > 10).collect();
        let mut out = vec![false; 3 * pos.len()];
        select_axis(&b, [3, 5000, 1], &pos, &mut out).unwrap();
        assert_eq!(out, naive(&b, [3, 5000, 1], &pos));
    }

    #[test]
    fn one_long_lane_split_over_threads_matches_a_stable_sort() {
        let mut rng = Rng(0x1234_5678_9abc_def1);
        let len = LONG_LANE_MIN + 4321;
        let pos: Vec<usize> = [0, 1, len / 3, len / 2, len / 2 + 1, len - 2, len - 1]
            .into_iter()
            .chain((0..5).map(|_| (rng.next() % len as u64) as usize))
            .collect();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(3)
            .build()
            .unwrap();
        let run = |src: &[f64]| {
            let mut out = vec![0.0; pos.len()];
            pool.install(|| select_axis(src, [1, len, 1], &pos, &mut out).unwrap());
            out
        };
        let nan2 = f64::from_bits(f64::NAN.to_bits() | 1);
        // spread values; many zeros of both signs and NaN payloads; one narrow range (almost
        // everything in one bucket); all equal
        let wide: Vec<f64> = (0..len)
            .map(|_| match rng.next() % 10 {
                0 => -0.0,
                1 => 0.0,
                2 => f64::NAN,
                3 => nan2,
                _ => (rng.next() % 2_000_001) as f64 / 1000.0 - 1000.0,
            })
            .collect();
        let narrow: Vec<f64> = (0..len)
            .map(|_| 1.0 + (rng.next() % 1000) as f64 * 1e-9)
            .collect();
        let same = vec![-0.0; len];
        for (name, src) in [("wide", &wide), ("narrow", &narrow), ("same", &same)] {
            let want = naive(src, [1, len, 1], &pos);
            assert_eq!(bits(&run(src)), bits(&want), "{name}");
        }
        let ints: Vec<i64> = (0..len)
            .map(|_| (rng.next() % 5000) as i64 - 2500)
            .collect();
        let mut out = vec![0; pos.len()];
        pool.install(|| select_axis(&ints, [1, len, 1], &pos, &mut out).unwrap());
        assert_eq!(out, naive(&ints, [1, len, 1], &pos));
        let small: Vec<i8> = ints.iter().map(|&x| x as i8).collect();
        let mut out = vec![0; pos.len()];
        pool.install(|| select_axis(&small, [1, len, 1], &pos, &mut out).unwrap());
        assert_eq!(out, naive(&small, [1, len, 1], &pos));
        let f: Vec<f32> = wide.iter().map(|&x| x as f32).collect();
        let mut out = vec![0.0f32; pos.len()];
        pool.install(|| select_axis(&f, [1, len, 1], &pos, &mut out).unwrap());
        let fb = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(fb(&out), fb(&naive(&f, [1, len, 1], &pos)));
    }

    #[test]
    fn bad_shapes_and_positions_are_errors() {
        let src = [1.0f32, 2.0, 3.0];
        let mut out = [0.0f32; 1];
        assert_eq!(
            select_axis(&src, [1, 3, 1], &[3], &mut out),
            Err(SelectError::Position {
                position: 3,
                len: 3
            })
        );
        assert!(matches!(
            select_axis(&src, [1, 2, 1], &[0], &mut out),
            Err(SelectError::Shape { .. })
        ));
        assert!(matches!(
            select_axis(&src, [1, 3, 1], &[0, 1], &mut out),
            Err(SelectError::Shape { .. })
        ));
        let mut none: [f32; 0] = [];
        assert_eq!(select_axis(&src, [1, 3, 1], &[], &mut none), Ok(()));
        assert!(select_axis(&src, [1, 3, 1], &[2], &mut out).is_ok());
        assert_eq!(out, [3.0]);
    }
}
