//! Gather: copying the elements an index selects into a fresh row-major array
//! ([`gather_rows`]).
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
    let at = |off: isize| usize::try_from(off).map_err(|_| GatherFault::OutOfBounds);
    match inner {
        GatherInner::Contiguous(1) => {
            for slot in out.iter_mut() {
                let base = *outer.get(o).ok_or(GatherFault::OutOfBounds)?;
                let off = base + index(p).ok_or(GatherFault::BadIndex)?;
                *slot = *src.get(at(off)?).ok_or(GatherFault::OutOfBounds)?;
                p += 1;
                if p == count {
                    (o, p) = (o + 1, 0);
                }
            }
        }
        GatherInner::Contiguous(n) => {
            for row in out.chunks_exact_mut(n) {
                let base = *outer.get(o).ok_or(GatherFault::OutOfBounds)?;
                let start = at(base + index(p).ok_or(GatherFault::BadIndex)?)?;
                let from = start
                    .checked_add(n)
                    .and_then(|end| src.get(start..end))
                    .ok_or(GatherFault::OutOfBounds)?;
                row.copy_from_slice(from);
                p += 1;
                if p == count {
                    (o, p) = (o + 1, 0);
                }
            }
        }
        GatherInner::Offsets(offs) => {
            for row in out.chunks_exact_mut(row_len) {
                let base = *outer.get(o).ok_or(GatherFault::OutOfBounds)?;
                let start = base + index(p).ok_or(GatherFault::BadIndex)?;
                for (slot, &i) in row.iter_mut().zip(offs) {
                    *slot = *src.get(at(start + i)?).ok_or(GatherFault::OutOfBounds)?;
                }
                p += 1;
                if p == count {
                    (o, p) = (o + 1, 0);
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{gather_rows, GatherFault, GatherInner};

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
}
