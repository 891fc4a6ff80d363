//! The small-size path: products small enough that packing would cost more than it saves.
//!
//! Runs the direct kernel (A read in place, which needs unit row stride, B broadcast from any
//! strides) on one thread. Chosen by size only (never by thread count), so a problem takes the
//! same path, and gives the same bits, on any pool.

use crate::driver::Problem;
use crate::microkernel::DirectKernel;

/// Largest m * n * k the direct path takes (64^3).
pub(crate) const MAX_WORK: usize = 64 * 64 * 64;

/// Largest m or n the direct path takes: beyond it B's columns would be re-read from memory
/// too often without packing.
pub(crate) const MAX_DIM: usize = 96;

/// Whether `p` is small enough, and laid out suitably (`rs_a == 1`), for the direct path.
pub(crate) fn fits<T>(p: &Problem<T>) -> bool {
    p.rs_a == 1
        && p.m <= MAX_DIM
        && p.n <= MAX_DIM
        && p.m.saturating_mul(p.n).saturating_mul(p.k) <= MAX_WORK
}

/// Runs the direct kernel over the whole problem.
///
/// # Safety
/// `p` satisfies [`crate::gemm_raw`]'s contract with `m, n, k > 0` and `rs_a == 1`; `kernel`
/// is runnable on this CPU.
pub(crate) unsafe fn gemm_direct<T: Copy>(p: &Problem<T>, kernel: DirectKernel<T>) {
    // SAFETY: forwarded contract: A with unit row stride and B, C readable/writable over
    // their m x k, k x n, m x n ranges.
    unsafe {
        kernel(
            p.m, p.n, p.k, p.alpha, p.a, p.cs_a, p.b, p.rs_b, p.cs_b, p.beta, p.c, p.rs_c, p.cs_c,
        )
    }
}
