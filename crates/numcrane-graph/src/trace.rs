//! Per-thread switch for the per-launch debug lines (`NUMCRANE_DEBUG>=1`).
//!
//! A row-fused schedule runs each of its kernels once per block of rows: a line per launch
//! would print thousands of lines, each with bandwidth figures that count whole buffers. The
//! schedule runs its blocks inside [`quietly`] and prints one summary line itself; the JIT
//! asks [`launch_lines`] before printing. It lives here, the crate both depend on.

use std::cell::Cell;

thread_local! {
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f` with per-launch debug lines off on this thread.
pub fn quietly<R>(f: impl FnOnce() -> R) -> R {
    let before = QUIET.with(|q| q.replace(true));
    let result = f();
    QUIET.with(|q| q.set(before));
    result
}

/// Whether per-launch debug lines are on for this thread.
pub fn launch_lines() -> bool {
    !QUIET.with(Cell::get)
}
