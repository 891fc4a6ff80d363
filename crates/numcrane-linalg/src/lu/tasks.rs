//! The LU of a large matrix as tasks on blocks of columns, run by workers that each claim
//! whichever task is ready next: LAPACK's right-looking blocked `getrf` with a dynamic
//! lookahead, every task on one thread.
//!
//! Why not the recursive algorithm of the parent module on the rayon pool: that hands work to
//! the pool a few hundred times per 1024 x 1024 factorisation, and between hand-offs the
//! other thread has nothing to do, falls asleep and must be woken; on a busy virtual machine
//! a wake-up can cost far more than the work it brings (det at n = 1024 took 15-16 ms in some
//! minutes and 25-33 ms in others). Here the workers start once per factorisation and keep
//! claiming tasks until it is done; while one factors the next panel the others update the
//! rest of the matrix, and a worker with nothing ready spins on a counter rather than sleeps
//! (the wait is for a task another worker is running, a millisecond or so).
//!
//! The tasks: the columns are cut into blocks of [`block_width`] columns. Block `j` receives, in
//! order, the updates of panels `0..j` (panel `p` is block `p` once factored: its row swaps,
//! a triangular solve with its `L11`, a GEMM with its `L21`), then its own factorisation,
//! then the row swaps of panels `j+1..`. A task is ready when the panel it applies is
//! factored and, for the swaps, when no update still reads the rows they move. Each task's
//! arithmetic depends only on its block and its panel, so the result is the same bits on any
//! number of threads and in any order the workers happen to take.

use super::{factor, gemm_sub, solve_left_lower_unit, Block, BlockRef};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

/// Columns per block (the panel width) for a matrix of order `n`: from the order alone, never
/// the thread count, so that the result does not depend on it. The fastest measured on two
/// threads: 48 up to n = 384 (0.39 ms at 256, 0.43 with 64, 0.63 with 128), 96 from 512
/// (1.94 ms at 512, 2.14 with 48; at 1024-2048 widths 80-192 were within the noise).
fn block_width(n: usize) -> usize {
    if n < 512 {
        48
    } else {
        96
    }
}

/// Factors the column-major `n x n` matrix in `a` in place as [`factor`] does, recording
/// LAPACK's `ipiv` in `pivots` (`n` entries).
pub(super) fn factor_blocked(a: &mut [f64], n: usize, pivots: &mut [usize]) {
    assert!(a.len() >= n * n && pivots.len() >= n);
    let width = block_width(n);
    let blocks = n.div_ceil(width);
    let job = Job {
        matrix: a.as_mut_ptr(),
        n,
        width,
        panel_pivots: (0..blocks).map(|_| OnceLock::new()).collect(),
        schedule: Mutex::new(Schedule::new(blocks)),
        progress: AtomicUsize::new(0),
        failed: AtomicBool::new(false),
    };
    let workers = rayon::current_num_threads().clamp(1, blocks);
    rayon::scope(|s| {
        for _ in 1..workers {
            s.spawn(|_| job.work());
        }
        job.work();
    });
    for (j, piv) in job.panel_pivots.iter().enumerate() {
        let piv = piv
            .get()
            .expect("LU: every panel is factored once the workers return");
        for (k, &p) in piv.iter().enumerate() {
            pivots[j * width + k] = p + j * width;
        }
    }
}

/// What one task does to its block.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Task {
    /// Panel `panel`'s row swaps, triangular solve and GEMM on block `block` (right of it).
    Update { block: usize, panel: usize },
    /// The LU of block `block`'s rows from its diagonal down.
    Factor { block: usize },
    /// Panel `panel`'s row swaps on block `block` (left of it).
    Swap { block: usize, panel: usize },
}

/// Which tasks are done and which are running.
struct Schedule {
    /// Per block: the next panel to apply to it (`== block`: its factorisation; `== blocks`:
    /// finished).
    next: Vec<usize>,
    /// Per block: a task on it is running.
    busy: Vec<bool>,
}

impl Schedule {
    fn new(blocks: usize) -> Self {
        Schedule {
            next: vec![0; blocks],
            busy: vec![false; blocks],
        }
    }

    fn finished(&self) -> bool {
        self.next.iter().all(|&p| p == self.next.len())
    }

    fn factored(&self, panel: usize) -> bool {
        self.next[panel] > panel
    }

    /// The task block `j` is ready for, if any.
    fn ready(&self, j: usize) -> Option<Task> {
        let p = self.next[j];
        if self.busy[j] || p == self.next.len() {
            return None;
        }
        if p == j {
            return Some(Task::Factor { block: j });
        }
        if !self.factored(p) {
            return None;
        }
        if p < j {
            return Some(Task::Update { block: j, panel: p });
        }
        // the swaps move rows of block j's L21, which updates with panel j read: wait until
        // every block to its right has had panel j applied
        let reads_done = self.next[j + 1..].iter().all(|&q| q > j);
        reads_done.then_some(Task::Swap { block: j, panel: p })
    }

    /// Claims the most urgent ready task: a factorisation (the critical path), then the update
    /// of the block that becomes the next panel, then the oldest updates, then swaps.
    fn claim(&mut self) -> Option<Task> {
        let rank = |t: &Task| match *t {
            Task::Factor { block } => (0, block, block),
            Task::Update { block, panel } if block == panel + 1 => (1, panel, block),
            Task::Update { block, panel } => (2, panel, block),
            Task::Swap { block, panel } => (3, panel, block),
        };
        let task = (0..self.next.len())
            .filter_map(|j| self.ready(j))
            .min_by_key(rank)?;
        let (Task::Factor { block } | Task::Update { block, .. } | Task::Swap { block, .. }) = task;
        self.busy[block] = true;
        Some(task)
    }

    fn done(&mut self, task: Task) {
        let (Task::Factor { block } | Task::Update { block, .. } | Task::Swap { block, .. }) = task;
        self.busy[block] = false;
        self.next[block] += 1;
    }
}

/// One factorisation shared by its workers.
struct Job {
    /// The column-major `n x n` matrix; block `j` is written only by the task holding it
    /// (`Schedule::busy`), and read by others only once factored (see [`Job::run`]).
    matrix: *mut f64,
    n: usize,
    /// Columns per block.
    width: usize,
    /// Per panel: its pivots relative to its diagonal row, set when it is factored.
    panel_pivots: Vec<OnceLock<Vec<usize>>>,
    schedule: Mutex<Schedule>,
    /// Tasks finished so far: a waiting worker watches it.
    progress: AtomicUsize,
    /// A task panicked: the others stop instead of waiting for it forever.
    failed: AtomicBool,
}

// SAFETY: the raw matrix pointer is shared by workers that write disjoint blocks of columns,
// one task per block at a time, under the schedule's lock (see `Job::run`); everything else
// is Sync already.
unsafe impl Sync for Job {}

/// Sets [`Job::failed`] if the task running beside it panics.
struct FailOnPanic<'a>(&'a Job);

impl Drop for FailOnPanic<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.failed.store(true, Ordering::Release);
            self.0.progress.fetch_add(1, Ordering::Release);
        }
    }
}

impl Job {
    fn schedule(&self) -> std::sync::MutexGuard<'_, Schedule> {
        self.schedule.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Claims and runs tasks until the factorisation is finished (or a task failed).
    fn work(&self) {
        loop {
            let seen = self.progress.load(Ordering::Acquire);
            if self.failed.load(Ordering::Acquire) {
                return;
            }
            let task = {
                let mut s = self.schedule();
                if s.finished() {
                    return;
                }
                s.claim()
            };
            match task {
                Some(task) => {
                    let guard = FailOnPanic(self);
                    self.run(task);
                    drop(guard);
                    self.schedule().done(task);
                    self.progress.fetch_add(1, Ordering::Release);
                }
                None => self.wait_past(seen),
            }
        }
    }

    /// Spins until some task finishes after `seen` (yielding the core now and then, in case
    /// the worker we wait for is not running).
    fn wait_past(&self, seen: usize) {
        let mut spins = 0u32;
        while self.progress.load(Ordering::Acquire) == seen {
            spins += 1;
            if spins.is_multiple_of(1 << 12) {
                std::thread::yield_now();
            } else {
                std::hint::spin_loop();
            }
        }
    }

    /// Columns `c0..c0 + cols`, rows `r0..`, of the matrix, writable.
    ///
    /// # Safety
    /// The caller holds those columns exclusively (their block is claimed).
    unsafe fn columns_mut(&self, c0: usize, cols: usize, r0: usize) -> Block<'_> {
        // SAFETY: the range lies inside the n x n matrix; exclusivity is the caller's.
        unsafe { Block::from_raw(self.matrix.add(c0 * self.n + r0), self.n - r0, cols, self.n) }
    }

    /// Columns `c0..c0 + cols`, rows `r0..`, read-only.
    ///
    /// # Safety
    /// Nothing writes those columns while the view lives.
    unsafe fn columns(&self, c0: usize, cols: usize, r0: usize) -> BlockRef<'_> {
        // SAFETY: as in `columns_mut`; no writer is the caller's promise.
        unsafe { BlockRef::from_raw(self.matrix.add(c0 * self.n + r0), self.n - r0, cols, self.n) }
    }

    /// The first column of `block` and its number of columns.
    fn columns_of(&self, block: usize) -> (usize, usize) {
        let c0 = block * self.width;
        (c0, self.width.min(self.n - c0))
    }

    fn pivots(&self, panel: usize) -> &[usize] {
        self.panel_pivots[panel]
            .get()
            .expect("LU: a panel is applied only once factored")
    }

    fn run(&self, task: Task) {
        match task {
            Task::Factor { block } => {
                let (c0, w) = self.columns_of(block);
                let mut piv = vec![0; w];
                // SAFETY: the schedule gave this task block `block`, exclusively.
                let b = unsafe { self.columns_mut(c0, w, c0) };
                factor(b, &mut piv);
                // each panel is factored once: the cell is empty
                let _ = self.panel_pivots[block].set(piv);
            }
            Task::Update { block, panel } => {
                let (c0, w) = self.columns_of(block);
                let (r0, kb) = self.columns_of(panel);
                // SAFETY: the schedule gave this task block `block`, exclusively; panel
                // `panel` is factored and only swap tasks write it later, which wait until
                // every update with it is done.
                let (mut b, l) = unsafe { (self.columns_mut(c0, w, r0), self.columns(r0, kb, r0)) };
                b.swap_rows(self.pivots(panel));
                let (l11, l21) = l.split_rows(kb);
                let (l11, _) = l11.split_cols(kb);
                let (mut top, mut bottom) = b.split_rows(kb);
                solve_left_lower_unit(l11, top.rb());
                gemm_sub(l21, top.view(), &mut bottom);
            }
            Task::Swap { block, panel } => {
                let (c0, w) = self.columns_of(block);
                let (r0, _) = self.columns_of(panel);
                // SAFETY: the schedule gave this task block `block`, exclusively.
                let mut b = unsafe { self.columns_mut(c0, w, r0) };
                b.swap_rows(self.pivots(panel));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs the schedule on one thread, in claim order, and returns the tasks.
    fn serial_order(blocks: usize) -> Vec<Task> {
        let mut s = Schedule::new(blocks);
        let mut order = Vec::new();
        while let Some(t) = s.claim() {
            s.done(t);
            order.push(t);
        }
        assert!(s.finished());
        order
    }

    #[test]
    fn every_block_gets_every_panel_once_in_order() {
        for blocks in 1..9 {
            let order = serial_order(blocks);
            assert_eq!(order.len(), blocks * blocks);
            for j in 0..blocks {
                let panels: Vec<usize> = order
                    .iter()
                    .filter_map(|t| match *t {
                        Task::Update { block, panel } | Task::Swap { block, panel }
                            if block == j =>
                        {
                            Some(panel)
                        }
                        Task::Factor { block } if block == j => Some(j),
                        _ => None,
                    })
                    .collect();
                assert_eq!(panels, (0..blocks).collect::<Vec<_>>());
            }
        }
    }

    #[test]
    fn lookahead_factors_the_next_panel_before_the_rest_is_updated() {
        let order = serial_order(4);
        let pos = |t: Task| order.iter().position(|&u| u == t).unwrap();
        assert!(pos(Task::Factor { block: 1 }) < pos(Task::Update { block: 2, panel: 0 }));
        assert!(pos(Task::Factor { block: 2 }) < pos(Task::Update { block: 3, panel: 1 }));
    }

    #[test]
    fn a_claimed_block_is_not_offered_twice() {
        let mut s = Schedule::new(3);
        assert_eq!(s.claim(), Some(Task::Factor { block: 0 }));
        // everything else waits for panel 0
        assert_eq!(s.claim(), None);
        s.done(Task::Factor { block: 0 });
        assert_eq!(s.claim(), Some(Task::Update { block: 1, panel: 0 }));
        assert_eq!(s.claim(), Some(Task::Update { block: 2, panel: 0 }));
        assert_eq!(s.claim(), None);
    }
}
