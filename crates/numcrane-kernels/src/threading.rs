//! How one rank-kc update is split over threads: a grid of output tiles.
//!
//! Work is divided only over C (blocks of rows of A times chunks of the packed B panel), never
//! over k, so every output element is accumulated by one thread in the same order whatever the
//! thread count: results are bitwise identical with 1 or N threads. The row blocks are sized
//! so that their count is a multiple of the thread count (balanced), and when A has too few
//! rows to share, the columns of the B panel are split instead.

/// The task grid of one call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Plan {
    /// Rows of A per task (a multiple of MR, at most the blocking's mc unless m is smaller).
    pub mc: usize,
    /// Number of row blocks: ceil(m / mc).
    pub row_blocks: usize,
    /// Number of column chunks the packed B panel is split into.
    pub col_ways: usize,
}

impl Plan {
    /// Total number of tasks.
    pub(crate) fn tasks(&self) -> usize {
        self.row_blocks * self.col_ways
    }

    /// The (row start, rows, first B micro-panel, micro-panels) of task `t` for a B panel of
    /// `panels` micro-panels and `m` rows.
    pub(crate) fn task(&self, t: usize, m: usize, panels: usize) -> (usize, usize, usize, usize) {
        let (rb, cw) = (t / self.col_ways, t % self.col_ways);
        let i0 = rb * self.mc;
        let rows = self.mc.min(m - i0);
        let p0 = panels * cw / self.col_ways;
        let p1 = panels * (cw + 1) / self.col_ways;
        (i0, rows, p0, p1 - p0)
    }
}

/// Plans the grid for an `m`-row problem with `mc` (a multiple of `mr`) as the largest row
/// block, on `threads` threads.
pub(crate) fn plan(m: usize, mr: usize, mc: usize, threads: usize) -> Plan {
    let m = m.max(1);
    if threads <= 1 {
        return Plan {
            mc,
            row_blocks: m.div_ceil(mc),
            col_ways: 1,
        };
    }
    if m < threads * 2 * mr {
        // Too few rows to give each thread two tiles' worth: split the columns.
        return Plan {
            mc,
            row_blocks: m.div_ceil(mc),
            col_ways: threads,
        };
    }
    let blocks = m.div_ceil(mc).div_ceil(threads) * threads;
    let mc_eff = m.div_ceil(blocks).div_ceil(mr) * mr;
    Plan {
        mc: mc_eff,
        row_blocks: m.div_ceil(mc_eff),
        col_ways: 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tasks_cover_everything_once() {
        for &(m, threads) in &[
            (1, 1),
            (1, 2),
            (17, 2),
            (256, 2),
            (1000, 2),
            (1000, 3),
            (64, 4),
        ] {
            let p = plan(m, 16, 144, threads);
            assert!(p.mc.is_multiple_of(16) && p.mc <= 144, "{p:?}");
            let panels = 11;
            let mut seen = vec![0u8; m * panels];
            for t in 0..p.tasks() {
                let (i0, rows, p0, np) = p.task(t, m, panels);
                for i in i0..i0 + rows {
                    for q in p0..p0 + np {
                        seen[i * panels + q] += 1;
                    }
                }
            }
            assert!(
                seen.iter().all(|&s| s == 1),
                "m={m} threads={threads} {p:?}"
            );
        }
    }

    #[test]
    fn balanced_row_blocks() {
        let p = plan(256, 16, 144, 2);
        assert_eq!((p.mc, p.row_blocks), (128, 2));
        let p = plan(2048, 16, 144, 2);
        assert_eq!(p.row_blocks % 2, 0);
    }
}
