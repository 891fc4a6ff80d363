//! Register-blocked tile kernels and their selection.
//!
//! A micro-kernel multiplies one packed MR x kc micro-panel of A by one packed kc x NR
//! micro-panel of B in registers and writes `alpha * AB + beta * C` into (the top-left m x n
//! corner of) an MR x NR tile of C. Two implementations per type: [`x86`] (AVX2+FMA
//! intrinsics, chosen when the CPU has both features) and [`generic`] (plain loops), which
//! share the packed layout so either can run any packed panel.
//!
//! The direct kernels ([`DirectKernel`]) are the small-size path's: same register tile, but
//! reading A (unit row stride) and B (any strides) in place instead of from packed panels.

pub(crate) mod generic;
#[cfg(target_arch = "x86_64")]
pub(crate) mod x86;

use crate::scalar::GemmScalar;

/// A tile kernel.
///
/// `k` steps over packed panels `a` (k groups of MR elements, 64-byte aligned) and `b` (k groups
/// of NR elements); writes `C[i, j] = alpha * AB[i, j] + beta * C[i, j]` for `i < m <= MR`,
/// `j < n <= NR` at `c + i * rs_c + j * cs_c`. When `beta == 0` C is not read.
pub type MicroKernel<T> = unsafe fn(
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
);

/// A whole small product `C = alpha * A * B + beta * C` without packing, for A with unit row
/// stride (`a + i + p * cs_a`), B and C with any strides. Same write rules as [`MicroKernel`].
pub type DirectKernel<T> = unsafe fn(
    m: usize,
    n: usize,
    k: usize,
    alpha: T,
    a: *const T,
    cs_a: isize,
    b: *const T,
    rs_b: isize,
    cs_b: isize,
    beta: T,
    c: *mut T,
    rs_c: isize,
    cs_c: isize,
);

/// Which family of tile kernels runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KernelKind {
    /// `std::arch::x86_64` AVX2 + FMA intrinsics (x86-64 CPUs with both features only).
    Avx2Fma,
    /// Portable Rust loops the compiler vectorizes for whatever the target baseline allows.
    Generic,
}

/// The fastest kernel family this CPU supports (detected at run time, cached by std).
pub fn selected_kernel() -> KernelKind {
    #[cfg(target_arch = "x86_64")]
    {
        if is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma") {
            return KernelKind::Avx2Fma;
        }
    }
    KernelKind::Generic
}

/// The f32 tile kernel of `kind`. `Avx2Fma` must only be asked for when
/// [`selected_kernel`] returned it; on other targets it falls back to generic.
pub(crate) fn f32_kernel(kind: KernelKind) -> MicroKernel<f32> {
    match kind {
        #[cfg(target_arch = "x86_64")]
        KernelKind::Avx2Fma => x86::kernel_f32,
        _ => generic::kernel::<f32, 16, 6>,
    }
}

/// The f64 tile kernel of `kind` (same rule as [`f32_kernel`]).
pub(crate) fn f64_kernel(kind: KernelKind) -> MicroKernel<f64> {
    match kind {
        #[cfg(target_arch = "x86_64")]
        KernelKind::Avx2Fma => x86::kernel_f64,
        _ => generic::kernel::<f64, 8, 6>,
    }
}

/// The f32 direct kernel of `kind`, if any.
pub(crate) fn f32_direct(kind: KernelKind) -> Option<DirectKernel<f32>> {
    match kind {
        #[cfg(target_arch = "x86_64")]
        KernelKind::Avx2Fma => Some(x86::direct_f32),
        _ => None,
    }
}

/// The f64 direct kernel of `kind`, if any.
pub(crate) fn f64_direct(kind: KernelKind) -> Option<DirectKernel<f64>> {
    match kind {
        #[cfg(target_arch = "x86_64")]
        KernelKind::Avx2Fma => Some(x86::direct_f64),
        _ => None,
    }
}

/// Writes an accumulated tile (column-major, `acc[j * mr + i]`) into C with any strides.
///
/// # Safety
/// `acc` holds at least `n * mr` elements; for `i < m`, `j < n`, `c + i * rs_c + j * cs_c`
/// must be valid for writes (and reads when `beta != 0`).
#[inline(always)]
pub(crate) unsafe fn store_tile<T: GemmScalar>(
    acc: &[T],
    mr: usize,
    alpha: T,
    beta: T,
    c: *mut T,
    rs_c: isize,
    cs_c: isize,
    m: usize,
    n: usize,
) {
    for j in 0..n {
        for i in 0..m {
            let v = alpha * acc[j * mr + i];
            // SAFETY: i < m, j < n: inside C's valid range by the caller's contract.
            let p = unsafe { c.offset(i as isize * rs_c + j as isize * cs_c) };
            if beta == T::ZERO {
                // SAFETY: as above; valid for writes.
                unsafe { p.write(v) };
            } else {
                // SAFETY: as above; valid for reads and writes when beta != 0.
                unsafe { p.write(v + beta * p.read()) };
            }
        }
    }
}
