//! How a product is split over threads: one rectangle of C per part, one fork-join per call.
//!
//! Each part runs the whole serial blocked algorithm on its rectangle of C, packing its own
//! panels, so threads never wait for each other inside a call (one fork-join however large
//! the product; a barrier per rank-kc update costs a thread wake-up each time, which is
//! expensive on a loaded 2-core machine). The price is that the operand shared by all parts
//! is packed by each of them: the split runs along C's longer side, so that is the smaller
//! share of the packing.
//!
//! Work is divided only over C, never over k, so every output element is accumulated by one
//! thread in the same order whatever the split: results are bitwise identical with 1 or N
//! threads.

/// One part: rows `i0..i0 + rows` and columns `j0..j0 + cols` of C.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Part {
    pub i0: usize,
    pub rows: usize,
    pub j0: usize,
    pub cols: usize,
}

/// Splits an m x n output into at most `threads` parts whose cut lines fall on whole tiles
/// (multiples of `mr` rows or `nr` columns).
pub(crate) fn split(m: usize, n: usize, mr: usize, nr: usize, threads: usize) -> Vec<Part> {
    let whole = Part {
        i0: 0,
        rows: m,
        j0: 0,
        cols: n,
    };
    if threads <= 1 {
        return vec![whole];
    }
    let cut = |len: usize, unit: usize| -> Vec<(usize, usize)> {
        let units = len.div_ceil(unit);
        let ways = threads.min(units).max(1);
        (0..ways)
            .map(|w| {
                let (u0, u1) = (units * w / ways, units * (w + 1) / ways);
                let start = u0 * unit;
                (start, (u1 * unit).min(len) - start)
            })
            .filter(|&(_, l)| l > 0)
            .collect()
    };
    if n.div_ceil(nr) * nr >= m.div_ceil(mr) * mr {
        cut(n, nr)
            .into_iter()
            .map(|(j0, cols)| Part { j0, cols, ..whole })
            .collect()
    } else {
        cut(m, mr)
            .into_iter()
            .map(|(i0, rows)| Part { i0, rows, ..whole })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_cover_everything_once() {
        for &(m, n, threads) in &[
            (1, 1, 1),
            (1, 1, 2),
            (17, 5, 2),
            (256, 256, 2),
            (1000, 7, 3),
            (5, 1000, 4),
            (64, 64, 7),
        ] {
            let parts = split(m, n, 16, 6, threads);
            assert!(parts.len() <= threads.max(1));
            let mut seen = vec![0u8; m * n];
            for p in &parts {
                assert!(p.i0.is_multiple_of(16) && p.j0.is_multiple_of(6), "{p:?}");
                for i in p.i0..p.i0 + p.rows {
                    for j in p.j0..p.j0 + p.cols {
                        seen[i * n + j] += 1;
                    }
                }
            }
            assert!(
                seen.iter().all(|&s| s == 1),
                "m={m} n={n} threads={threads} {parts:?}"
            );
        }
    }

    #[test]
    fn balanced() {
        let parts = split(256, 256, 16, 6, 2);
        assert_eq!(parts.len(), 2);
        assert!(parts[0].cols.abs_diff(parts[1].cols) <= 6);
        let parts = split(2048, 12, 16, 6, 2);
        assert_eq!((parts[0].rows, parts[1].rows), (1024, 1024));
    }
}
