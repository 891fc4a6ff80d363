//! The portable tile kernel: plain loops over a fixed-size accumulator array.
//!
//! With MR and NR as const generics the loops have constant trip counts, so the compiler
//! unrolls them and vectorizes the MR dimension for whatever SIMD the build target has. Used
//! on non-x86 targets and on x86 CPUs without AVX2/FMA; tests force it on x86 too.

use super::store_tile;
use crate::scalar::GemmScalar;

/// Generic [`super::MicroKernel`] for an MR x NR tile.
///
/// # Safety
/// The [`super::MicroKernel`] contract: `a` readable for `k * MR` elements, `b` for `k * NR`,
/// C's m x n corner valid for writes (and reads when `beta != 0`), `m <= MR`, `n <= NR`.
pub(crate) unsafe fn kernel<T: GemmScalar, const MR: usize, const NR: usize>(
    k: usize,
    alpha: T,
    a: *const T,
    b: *const T,
    beta: T,
    c: *mut T,
    rs_c: isize,
    cs_c: isize,
    m: usize,
    n: usize,
) {
    let mut acc = [[T::ZERO; MR]; NR];
    // SAFETY: the caller guarantees k * MR readable elements at a and k * NR at b.
    let (pa, pb) = unsafe {
        (
            std::slice::from_raw_parts(a, k * MR),
            std::slice::from_raw_parts(b, k * NR),
        )
    };
    for (ap, bp) in pa.chunks_exact(MR).zip(pb.chunks_exact(NR)) {
        for j in 0..NR {
            let bj = bp[j];
            for i in 0..MR {
                acc[j][i] = acc[j][i] + ap[i] * bj;
            }
        }
    }
    // SAFETY: acc holds NR * MR elements, laid out column by column.
    let flat = unsafe { std::slice::from_raw_parts(acc.as_ptr().cast::<T>(), MR * NR) };
    // SAFETY: C's m x n corner is valid per this function's contract.
    unsafe { store_tile(flat, MR, alpha, beta, c, rs_c, cs_c, m, n) };
}
