//! AVX2 + FMA tile kernels (x86-64), selected at run time by
//! [`super::selected_kernel`].
//!
//! Tiles: f32 16 x 6 and f64 8 x 6, i.e. two 256-bit vectors of a column of A times six
//! broadcast elements of a row of B per k step: 12 accumulators + 2 A vectors + 1 broadcast =
//! 15 of the 16 ymm registers, 12 FMAs per 2 loads (BLIS's Haswell/Zen shape, transposed to
//! suit column-major tiles). C is written with vector loads/stores when the tile is full and
//! its columns are contiguous (`rs_c == 1`); otherwise through a spilled tile with any strides.
//!
//! Every function here is `#[target_feature(enable = "avx2,fma")]`; callers must only reach
//! them after `is_x86_feature_detected!` confirmed both features
//! ([`super::selected_kernel`] does).

use super::store_tile;
use std::arch::x86_64::*;

/// Columns of the register tile (both types).
const NR: usize = 6;

macro_rules! x86_kernels {
    (
        $t:ty, $lanes:expr, $kernel:ident, $direct:ident, $tile_direct:ident, $write:ident,
        $v:ty, $zero:ident, $load:ident, $loadu:ident, $storeu:ident, $set1:ident,
        $fmadd:ident, $mul:ident, $maskload:ident, $mask_t:ty, $maski:ident
    ) => {
        /// The packed AVX2+FMA tile kernel ([`super::MicroKernel`]).
        ///
        /// # Safety
        /// The CPU supports AVX2 and FMA; `a` is 32-byte aligned and readable for
        /// `k * 2 * LANES` elements, `b` readable for `k * 6`; C's m x n corner is valid for
        /// writes (and reads when `beta != 0`), `m <= 2 * LANES`, `n <= 6`.
        #[target_feature(enable = "avx2,fma")]
        pub(crate) unsafe fn $kernel(
            k: usize,
            alpha: $t,
            a: *const $t,
            b: *const $t,
            beta: $t,
            c: *mut $t,
            rs_c: isize,
            cs_c: isize,
            m: usize,
            n: usize,
        ) {
            const L: usize = $lanes;
            const MR: usize = 2 * L;
            let mut acc = [[$zero(); 2]; NR];
            if rs_c == 1 {
                for j in 0..n {
                    // Warm the C tile's columns while the k loop runs (a hint only: the
                    // address is never dereferenced here).
                    let cp = c.wrapping_offset(j as isize * cs_c);
                    _mm_prefetch::<_MM_HINT_T0>(cp.cast());
                    _mm_prefetch::<_MM_HINT_T0>(cp.wrapping_add(MR - 1).cast());
                }
            }
            let (mut a, mut b) = (a, b);
            // One k step at offset `u` steps from (a, b).
            macro_rules! step {
                ($u:expr) => {{
                    let a0 = $load(a.add($u * MR));
                    let a1 = $load(a.add($u * MR + L));
                    for j in 0..NR {
                        let bj = $set1(*b.add($u * NR + j));
                        acc[j][0] = $fmadd(a0, bj, acc[j][0]);
                        acc[j][1] = $fmadd(a1, bj, acc[j][1]);
                    }
                }};
            }
            // Unrolled by 4 (loop overhead), with the panels 8 steps ahead prefetched.
            for _ in 0..k / 4 {
                // SAFETY: 4 of the k steps, each reading MR elements of a (32-byte aligned:
                // the panel is 64-byte aligned and MR * size_of = 64 bytes) and NR of b,
                // inside the ranges the caller guarantees. Prefetches are hints and never
                // dereference their (possibly out-of-range, wrapping) addresses.
                unsafe {
                    _mm_prefetch::<_MM_HINT_T0>(a.wrapping_add(8 * MR).cast());
                    _mm_prefetch::<_MM_HINT_T0>(a.wrapping_add(9 * MR).cast());
                    step!(0);
                    step!(1);
                    _mm_prefetch::<_MM_HINT_T0>(a.wrapping_add(10 * MR).cast());
                    _mm_prefetch::<_MM_HINT_T0>(a.wrapping_add(11 * MR).cast());
                    step!(2);
                    step!(3);
                    a = a.add(4 * MR);
                    b = b.add(4 * NR);
                }
            }
            for _ in 0..k % 4 {
                // SAFETY: one of the remaining k steps, as above.
                unsafe {
                    step!(0);
                    a = a.add(MR);
                    b = b.add(NR);
                }
            }
            // SAFETY: C's m x n corner is valid per this function's contract.
            unsafe { $write(&acc, alpha, beta, c, rs_c, cs_c, m, n) };
        }

        /// Writes `alpha * acc + beta * C` into C's m x n corner: vector stores for a full
        /// tile with unit row stride, else through a spilled tile with any strides.
        ///
        /// # Safety
        /// AVX2+FMA available; C's m x n corner valid for writes (and reads if `beta != 0`).
        #[target_feature(enable = "avx2,fma")]
        #[inline]
        unsafe fn $write(
            acc: &[[$v; 2]; NR],
            alpha: $t,
            beta: $t,
            c: *mut $t,
            rs_c: isize,
            cs_c: isize,
            m: usize,
            n: usize,
        ) {
            const L: usize = $lanes;
            const MR: usize = 2 * L;
            if rs_c == 1 && m == MR && n == NR {
                let va = $set1(alpha);
                let vb = $set1(beta);
                for (j, col) in acc.iter().enumerate() {
                    // SAFETY: full tile with unit row stride: column j is MR contiguous
                    // elements at c + j * cs_c, valid by the caller's contract.
                    unsafe {
                        let cp = c.offset(j as isize * cs_c);
                        let mut r0 = $mul(col[0], va);
                        let mut r1 = $mul(col[1], va);
                        if beta != 0.0 {
                            r0 = $fmadd($loadu(cp), vb, r0);
                            r1 = $fmadd($loadu(cp.add(L)), vb, r1);
                        }
                        $storeu(cp, r0);
                        $storeu(cp.add(L), r1);
                    }
                }
            } else {
                let mut tile = [0.0 as $t; MR * NR];
                for (j, col) in acc.iter().enumerate() {
                    // SAFETY: tile has MR * NR elements; column j occupies [j*MR, (j+1)*MR).
                    unsafe {
                        $storeu(tile.as_mut_ptr().add(j * MR), col[0]);
                        $storeu(tile.as_mut_ptr().add(j * MR + L), col[1]);
                    }
                }
                // SAFETY: C's m x n corner is valid per the contract.
                unsafe { store_tile(&tile, MR, alpha, beta, c, rs_c, cs_c, m, n) };
            }
        }

        /// One tile of the direct (unpacked) path: A read in place with unit row stride
        /// (masked loads when `m < MR`), B broadcast from any strides (columns past `n`
        /// re-read column `n - 1` and are discarded).
        ///
        /// # Safety
        /// AVX2+FMA available; `1 <= m <= MR`, `1 <= n <= 6`; `a + i + p * cs_a` readable for
        /// `i < m`, `p < k`; `b + p * rs_b + j * cs_b` readable for `p < k`, `j < n`; C as in
        /// [`super::MicroKernel`].
        #[target_feature(enable = "avx2,fma")]
        unsafe fn $tile_direct(
            k: usize,
            alpha: $t,
            a: *const $t,
            cs_a: isize,
            b: *const $t,
            rs_b: isize,
            cs_b: isize,
            beta: $t,
            c: *mut $t,
            rs_c: isize,
            cs_c: isize,
            m: usize,
            n: usize,
        ) {
            const L: usize = $lanes;
            const MR: usize = 2 * L;
            let mut acc = [[$zero(); 2]; NR];
            let mut bcol = [b; NR];
            for (j, p) in bcol.iter_mut().enumerate() {
                // wrapping_offset: pure address arithmetic; only valid columns (j < n) are used.
                *p = b.wrapping_offset(j.min(n - 1) as isize * cs_b);
            }
            if m == MR {
                for p in 0..k as isize {
                    // SAFETY: rows 0..MR of column p of A and element (p, min(j, n-1)) of B
                    // are inside the ranges the caller guarantees.
                    unsafe {
                        let ap = a.offset(p * cs_a);
                        let a0 = $loadu(ap);
                        let a1 = $loadu(ap.add(L));
                        for j in 0..NR {
                            let bj = $set1(*bcol[j].offset(p * rs_b));
                            acc[j][0] = $fmadd(a0, bj, acc[j][0]);
                            acc[j][1] = $fmadd(a1, bj, acc[j][1]);
                        }
                    }
                }
            } else {
                let mut lanes = [0 as $mask_t; MR];
                for l in lanes.iter_mut().take(m) {
                    *l = -1;
                }
                // SAFETY: lanes has MR elements; each load reads L of them.
                let (m0, m1) = unsafe {
                    (
                        $maski(lanes.as_ptr().cast()),
                        $maski(lanes.as_ptr().add(L).cast()),
                    )
                };
                for p in 0..k as isize {
                    // SAFETY: masked loads touch only rows i < m of column p of A (masked-off
                    // lanes are not accessed and cannot fault); B as above.
                    unsafe {
                        let ap = a.offset(p * cs_a);
                        let a0 = $maskload(ap, m0);
                        let a1 = $maskload(ap.wrapping_add(L), m1);
                        for j in 0..NR {
                            let bj = $set1(*bcol[j].offset(p * rs_b));
                            acc[j][0] = $fmadd(a0, bj, acc[j][0]);
                            acc[j][1] = $fmadd(a1, bj, acc[j][1]);
                        }
                    }
                }
            }
            // SAFETY: C's m x n corner is valid per this function's contract.
            unsafe { $write(&acc, alpha, beta, c, rs_c, cs_c, m, n) };
        }

        /// The direct small-size kernel ([`super::DirectKernel`]).
        ///
        /// # Safety
        /// AVX2+FMA available; the [`super::DirectKernel`] contract.
        #[target_feature(enable = "avx2,fma")]
        pub(crate) unsafe fn $direct(
            m: usize,
            n: usize,
            k: usize,
            alpha: $t,
            a: *const $t,
            cs_a: isize,
            b: *const $t,
            rs_b: isize,
            cs_b: isize,
            beta: $t,
            c: *mut $t,
            rs_c: isize,
            cs_c: isize,
        ) {
            const MR: usize = 2 * $lanes;
            for j0 in (0..n).step_by(NR) {
                let nn = NR.min(n - j0);
                for i0 in (0..m).step_by(MR) {
                    let mm = MR.min(m - i0);
                    let (i0s, j0s) = (i0 as isize, j0 as isize);
                    // SAFETY: the sub-blocks start inside A (row i0), B (column j0) and C
                    // (i0, j0) and keep the caller's ranges; AVX2+FMA per the contract.
                    unsafe {
                        $tile_direct(
                            k,
                            alpha,
                            a.wrapping_offset(i0s),
                            cs_a,
                            b.wrapping_offset(j0s * cs_b),
                            rs_b,
                            cs_b,
                            beta,
                            c.wrapping_offset(i0s * rs_c + j0s * cs_c),
                            rs_c,
                            cs_c,
                            mm,
                            nn,
                        )
                    };
                }
            }
        }
    };
}

x86_kernels!(
    f32,
    8,
    kernel_f32,
    direct_f32,
    tile_direct_f32,
    write_f32,
    __m256,
    _mm256_setzero_ps,
    _mm256_load_ps,
    _mm256_loadu_ps,
    _mm256_storeu_ps,
    _mm256_set1_ps,
    _mm256_fmadd_ps,
    _mm256_mul_ps,
    _mm256_maskload_ps,
    i32,
    load_mask_ps
);

x86_kernels!(
    f64,
    4,
    kernel_f64,
    direct_f64,
    tile_direct_f64,
    write_f64,
    __m256d,
    _mm256_setzero_pd,
    _mm256_load_pd,
    _mm256_loadu_pd,
    _mm256_storeu_pd,
    _mm256_set1_pd,
    _mm256_fmadd_pd,
    _mm256_mul_pd,
    _mm256_maskload_pd,
    i64,
    load_mask_pd
);

/// Loads 8 i32 lane masks.
///
/// # Safety
/// `p` readable for 8 i32; AVX available.
#[inline(always)]
unsafe fn load_mask_ps(p: *const __m256i) -> __m256i {
    // SAFETY: per the contract.
    unsafe { _mm256_loadu_si256(p) }
}

/// Loads 4 i64 lane masks.
///
/// # Safety
/// `p` readable for 4 i64; AVX available.
#[inline(always)]
unsafe fn load_mask_pd(p: *const __m256i) -> __m256i {
    // SAFETY: per the contract.
    unsafe { _mm256_loadu_si256(p) }
}
