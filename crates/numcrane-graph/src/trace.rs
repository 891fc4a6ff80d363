//! `NUMCRANE_DEBUG`, read once for the whole library, and a per-thread switch for the
//! per-launch debug lines it asks for at level 1.
//!
//! A row-fused schedule runs each of its kernels once per block of rows: a line per launch
//! would print thousands of lines, each with bandwidth figures that count whole buffers. The
//! schedule runs its blocks inside [`quietly`] and prints one summary line itself; the JIT
//! asks [`launch_lines`] before printing. It lives here, the crate both depend on.

use std::cell::Cell;
use std::sync::OnceLock;

/// `NUMCRANE_DEBUG` as a number (0 when unset or not a number), read once per process: 1
/// prints a line per kernel run and compile, 2 the plans, 3 the IR, 4 the machine code
/// (docs/env_vars.md).
pub fn debug_level() -> u32 {
    static LEVEL: OnceLock<u32> = OnceLock::new();
    *LEVEL.get_or_init(|| {
        std::env::var("NUMCRANE_DEBUG")
            .ok()
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0)
    })
}

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
