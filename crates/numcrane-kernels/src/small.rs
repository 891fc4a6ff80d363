//! The small-size path: products small enough that packing would cost more than it saves.
//!
//! Runs the direct kernel (A read in place, which needs unit row stride, B broadcast from any
//! strides) on one thread. It is only eligible where it computes exactly what the packed path
//! would (k within one rank-kc update), so whether it runs (which may depend on the thread
//! count: two threads beat it from about n = 64 on) never changes the result.

use crate::driver::Problem;
use crate::microkernel::DirectKernel;

/// Largest m * n * k the direct path takes on one thread (measured on Zen: the direct
/// kernel beats packing up to about n = 128 when operands sit in L2).
pub(crate) const MAX_WORK: usize = 128 * 128 * 128;

/// Up to this much work the direct path is taken even when threads are available (a
/// fork-join costs more than the second thread saves).
pub(crate) const ALWAYS_WORK: usize = 64 * 64 * 64;

/// Largest m or n the direct path takes: beyond it the unpacked operands fall out of cache.
pub(crate) const MAX_DIM: usize = 128;

/// Whether `p` may take the direct path: small, A with unit row stride, and `k <= kc` (one
/// rank-k update, so the direct kernel performs exactly the packed path's operations in the
/// same order and the choice between them never changes a bit of the result).
pub(crate) fn eligible<T>(p: &Problem<T>, kc: usize) -> bool {
    p.rs_a == 1
        && p.k <= kc
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
