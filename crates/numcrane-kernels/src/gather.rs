//! Gather: copying the elements an index selects into a fresh row-major array
//! ([`gather_rows`]); scatter: combining values into indexed positions in their order
//! ([`scatter_into`]).
//!
//! The output is seen as `[outer, count, inner]`: `outer` positions of the axes before the
//! indexed ones, `count` index positions, and `inner` positions of the axes after them. Output
//! element `(o, p, i)` is `src[outer[o] + index(p) + inner(i)]`, all in elements of `src`.
//! `index` is the caller's: it resolves index position `p` to an offset or reports a bad
//! index (`None`), so the checking rules (wrap, clip, raise) stay with the caller.
//!
//! Fast paths: a single element per row (`inner` of one, the 1-D `take`) is one read per
//! index; rows contiguous in `src` are copied with `copy_from_slice`. Large outputs are split
//! over rayon threads by whole rows; each element is a plain copy, so the result does not
//! depend on the split or the thread count.
//!
//! This module knows nothing about dtypes: callers instantiate it by element size.

use rayon::prelude::*;

/// How the elements of one output row lie in the source, relative to the row's start.
#[derive(Clone, Copy, Debug)]
pub enum GatherInner<'a> {
    /// `len` consecutive elements (stride 1).
    Contiguous(usize),
    /// One element at each of these offsets.
    Offsets(&'a [isize]),
}

impl GatherInner<'_> {
    fn len(&self) -> usize {
        match self {
            GatherInner::Contiguous(n) => *n,
            GatherInner::Offsets(o) => o.len(),
        }
    }
}

/// Why a gather stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GatherFault {
    /// `index` reported a bad index (the caller finds which one and says why).
    BadIndex,
    /// An offset fell outside `src`, or `out` does not have `outer * count * inner` elements:
    /// a caller bug.
    OutOfBounds,
}

/// Output elements below which one thread does the whole gather (a fork-join costs more).
const PARALLEL_MIN: usize = 1 << 16;

/// Rows per parallel task: enough work per task to amortize scheduling, several tasks per
/// thread so an uneven machine still balances.
fn rows_per_task(rows: usize, row_len: usize, threads: usize) -> usize {
    let by_threads = rows.div_ceil(threads * 4).max(1);
    let by_size = (PARALLEL_MIN / row_len.max(1)).max(1);
    by_threads.max(by_size.min(rows.max(1)))
}

/// Fills `out` (`outer.len() * count * inner.len()` elements, row-major) with the gathered
/// elements; see the module doc. `parallel` allows rayon threads for large outputs.
pub fn gather_rows<T, F>(
    src: &[T],
    outer: &[isize],
    count: usize,
    inner: GatherInner<'_>,
    index: F,
    out: &mut [T],
    parallel: bool,
) -> Result<(), GatherFault>
where
    T: Copy + Send + Sync,
    F: Fn(usize) -> Option<isize> + Sync,
{
    let row_len = inner.len();
    let rows = outer
        .len()
        .checked_mul(count)
        .ok_or(GatherFault::OutOfBounds)?;
    if rows.checked_mul(row_len) != Some(out.len()) {
        return Err(GatherFault::OutOfBounds);
    }
    if out.is_empty() {
        return Ok(());
    }
    let threads = rayon::current_num_threads().max(1);
    if !parallel || threads == 1 || out.len() < PARALLEL_MIN {
        return fill_rows(src, outer, count, inner, &index, 0, out);
    }
    let per = rows_per_task(rows, row_len, threads);
    out.par_chunks_mut(per * row_len)
        .enumerate()
        .try_for_each(|(t, chunk)| fill_rows(src, outer, count, inner, &index, t * per, chunk))
}

/// Rows resolved at a time: their offsets are computed first, then the rows copied, so the
/// copy loop is a run of independent loads the CPU overlaps (resolving and loading row by
/// row measured several times slower on random indices: one cache miss at a time).
const BLOCK: usize = 256;

/// The rows `first..` of the output that fit in `out` (a whole number of rows).
fn fill_rows<T: Copy, F: Fn(usize) -> Option<isize>>(
    src: &[T],
    outer: &[isize],
    count: usize,
    inner: GatherInner<'_>,
    index: &F,
    first: usize,
    out: &mut [T],
) -> Result<(), GatherFault> {
    let row_len = inner.len();
    // Row r is (o, p) = (r / count, r % count): walk them with counters, no division per row.
    let (mut o, mut p) = (first / count, first % count);
    let mut starts = [0isize; BLOCK];
    // A negative offset becomes a huge usize, which `get` rejects like any other outside one.
    let get = |off: isize| src.get(off as usize).ok_or(GatherFault::OutOfBounds);
    for block in out.chunks_mut(BLOCK * row_len) {
        let rows = block.len() / row_len;
        for start in starts.iter_mut().take(rows) {
            let base = *outer.get(o).ok_or(GatherFault::OutOfBounds)?;
            *start = base + index(p).ok_or(GatherFault::BadIndex)?;
            p += 1;
            if p == count {
                (o, p) = (o + 1, 0);
            }
        }
        let starts = &starts[..rows];
        match inner {
            GatherInner::Contiguous(1) => {
                for (slot, &off) in block.iter_mut().zip(starts) {
                    *slot = *get(off)?;
                }
            }
            GatherInner::Contiguous(n) => {
                for (row, &off) in block.chunks_exact_mut(n).zip(starts) {
                    let start = off as usize;
                    let from = start
                        .checked_add(n)
                        .and_then(|end| src.get(start..end))
                        .ok_or(GatherFault::OutOfBounds)?;
                    row.copy_from_slice(from);
                }
            }
            GatherInner::Offsets(offs) => {
                for (row, &off) in block.chunks_exact_mut(row_len).zip(starts) {
                    for (slot, &i) in row.iter_mut().zip(offs) {
                        *slot = *get(off + i)?;
                    }
                }
            }
        }
    }
    Ok(())
}

/// Combines `vals[k]` into `out[pos[k]]` for every `k` in order: `combine(old, new)`, or
/// `new` itself when `combine` is None (the last of repeated positions wins). Every position
/// is checked to be in `out` before anything is written.
///
/// Large updates run on rayon threads, each owning one range of `out` and applying, in the
/// order of `pos`, the updates that fall in its range: every element sees its updates in the
/// same order as one thread would apply them, so the result is the same bits for any thread
/// count (floating-point accumulation included).
pub fn scatter_into<T: Copy + Send + Sync>(
    out: &mut [T],
    pos: &[i64],
    vals: &[T],
    combine: Option<fn(T, T) -> T>,
    parallel: bool,
) -> Result<(), GatherFault> {
    if pos.len() != vals.len() {
        return Err(GatherFault::OutOfBounds);
    }
    let len = out.len();
    let in_range = |&p: &i64| usize::try_from(p).is_ok_and(|p| p < len);
    let threads = rayon::current_num_threads().max(1);
    let big = parallel && threads > 1 && pos.len() >= PARALLEL_MIN && len >= PARALLEL_MIN;
    let all_in = if big {
        pos.par_iter().all(in_range)
    } else {
        pos.iter().all(in_range)
    };
    if !all_in {
        return Err(GatherFault::OutOfBounds);
    }
    // Positions are in 0..len from here on; the range test below keeps each part's writes
    // inside its own slice.
    let apply = |lo: usize, part: &mut [T]| {
        for (&p, &v) in pos.iter().zip(vals) {
            if let Some(slot) = (p as usize).checked_sub(lo).and_then(|i| part.get_mut(i)) {
                *slot = match combine {
                    Some(f) => f(*slot, v),
                    None => v,
                };
            }
        }
    };
    if big {
        let per = len.div_ceil(threads);
        out.par_chunks_mut(per)
            .enumerate()
            .for_each(|(t, part)| apply(t * per, part));
    } else {
        apply(0, out);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{gather_rows, scatter_into, GatherFault, GatherInner};

    /// The same gather written as three plain loops.
    fn naive(src: &[u32], outer: &[isize], idx: &[isize], inner: &[isize]) -> Option<Vec<u32>> {
        let mut out = vec![];
        for &o in outer {
            for &p in idx {
                for &i in inner {
                    out.push(*src.get(usize::try_from(o + p + i).ok()?)?);
                }
            }
        }
        Some(out)
    }

    #[test]
    fn every_path_matches_plain_loops() {
        let src: Vec<u32> = (0..5000).map(|v| v * 7 + 3).collect();
        let idx: Vec<isize> = (0..3000).map(|k| (k * 37 % 50) * 10).collect();
        let outer = [0isize, 1, 2];
        let strided = [500isize, 503, 501];
        let cases: [(GatherInner<'_>, Vec<isize>); 3] = [
            (GatherInner::Contiguous(1), vec![0]),
            (GatherInner::Contiguous(4), vec![0, 1, 2, 3]),
            (GatherInner::Offsets(&strided), strided.to_vec()),
        ];
        for parallel in [false, true] {
            for (inner, offs) in &cases {
                let want = naive(&src, &outer, &idx, offs).unwrap();
                let mut got = vec![0u32; want.len()];
                let res = gather_rows(
                    &src,
                    &outer,
                    idx.len(),
                    *inner,
                    |p| Some(idx[p]),
                    &mut got,
                    parallel,
                );
                assert_eq!(res, Ok(()));
                assert_eq!(got, want);
            }
        }
    }

    #[test]
    fn bad_indices_and_bad_offsets_are_reported() {
        let src = [1u8, 2, 3];
        let mut out = vec![0u8; 200_000];
        let bad = gather_rows(
            &src,
            &[0],
            200_000,
            GatherInner::Contiguous(1),
            |p| (p != 150_000).then_some(1),
            &mut out,
            true,
        );
        assert_eq!(bad, Err(GatherFault::BadIndex));
        let outside = gather_rows(
            &src,
            &[0],
            2,
            GatherInner::Contiguous(2),
            |p| Some(p as isize * 2),
            &mut out[..4],
            false,
        );
        assert_eq!(outside, Err(GatherFault::OutOfBounds));
        let wrong_size = gather_rows(
            &src,
            &[0],
            2,
            GatherInner::Contiguous(1),
            |_| Some(0),
            &mut out[..3],
            false,
        );
        assert_eq!(wrong_size, Err(GatherFault::OutOfBounds));
    }

    #[test]
    fn scatter_keeps_the_serial_order_on_every_split() {
        let n = 100_000;
        let pos: Vec<i64> = (0..300_000).map(|k| (k * 7919 % n) as i64).collect();
        let vals: Vec<f64> = (0..300_000).map(|k| (k as f64).sin()).collect();
        let add: fn(f64, f64) -> f64 = |a, b| a + b;
        for combine in [None, Some(add)] {
            let mut want = vec![0.5f64; n];
            for (&p, &v) in pos.iter().zip(&vals) {
                let slot = &mut want[p as usize];
                *slot = combine.map_or(v, |f| f(*slot, v));
            }
            for parallel in [false, true] {
                let mut got = vec![0.5f64; n];
                assert_eq!(
                    scatter_into(&mut got, &pos, &vals, combine, parallel),
                    Ok(())
                );
                let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                assert_eq!(bits(&got), bits(&want));
            }
        }
        let mut small = [0u8; 4];
        let bad = scatter_into(&mut small, &[1, 4], &[1, 2], None, false);
        assert_eq!(bad, Err(GatherFault::OutOfBounds));
        assert_eq!(small, [0; 4], "nothing written before the check");
    }
}
