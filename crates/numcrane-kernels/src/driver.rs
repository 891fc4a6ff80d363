//! The blocked GEMM driver: BLIS's five loops around the micro-kernel.
//!
//! ```text
//! for jc in 0..n step nc            (B panel: L3)
//!   for pc in 0..k step kc          (rank-kc update; beta applies only to the first)
//!     pack B[pc.., jc..] -> Bp      (kc x nc, NR-column micro-panels)
//!     for ic in 0..m step mc
//!       pack A[ic.., pc..] -> Ap    (mc x kc, MR-row micro-panels; L2)
//!       for jr in 0..nc step NR     (Bp micro-panel kc x NR: L1)
//!         for ir in 0..mc step MR
//!           micro-kernel(Ap[ir], Bp[jr]) -> C[ic + ir, jc + jr]
//! ```
//!
//! With several threads, [`crate::threading`] cuts C into rectangles and each runs these loops
//! on its own.
//!
//! With an epilogue, the last rank-kc update calls it on each `mcur x nn` column of tiles
//! (one `jr` iteration) right after the `ir` loop has written it: those values are final and
//! still in L1 (f32 144 x 6, f64 72 x 6: 3.4 KiB).

use crate::buffer::{with_buffer, Role};
use crate::config::Blocking;
use crate::epilogue::EpiCtx;
use crate::microkernel::MicroKernel;
use crate::pack::{pack_a, pack_b};
use crate::scalar::GemmScalar;
use crate::scale::OperandScale;
use crate::threading::{split, Part};
use rayon::prelude::*;

/// One GEMM call's operands: `C (m x n) = alpha * A (m x k) * B (k x n) + beta * C`, each
/// matrix a base pointer and row/column strides in elements.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Problem<T> {
    pub m: usize,
    pub n: usize,
    pub k: usize,
    pub alpha: T,
    pub beta: T,
    pub a: *const T,
    pub rs_a: isize,
    pub cs_a: isize,
    pub b: *const T,
    pub rs_b: isize,
    pub cs_b: isize,
    pub c: *mut T,
    pub rs_c: isize,
    pub cs_c: isize,
    /// Scaling of A's / B's elements, applied while packing (see [`crate::scale`]).
    pub scale_a: Option<OperandScale<T>>,
    pub scale_b: Option<OperandScale<T>>,
}

// SAFETY: a Problem is shared between the rayon tasks of one call. They only read A and B
// (valid for reads, not written during the call by gemm_raw's contract) and write disjoint
// tiles of C (non-overlapping by the contract; the task grid assigns each tile to one task).
unsafe impl<T: Sync> Sync for Problem<T> {}
// SAFETY: as above.
unsafe impl<T: Sync> Send for Problem<T> {}

impl<T> Problem<T> {
    /// The same product transposed: `C^T = B^T * A^T` (operands and strides swapped).
    pub(crate) fn transposed(self) -> Self {
        Problem {
            m: self.n,
            n: self.m,
            a: self.b,
            rs_a: self.cs_b,
            cs_a: self.rs_b,
            b: self.a,
            rs_b: self.cs_a,
            cs_b: self.rs_a,
            rs_c: self.cs_c,
            cs_c: self.rs_c,
            scale_a: self.scale_b,
            scale_b: self.scale_a,
            ..self
        }
    }
}

/// Runs the blocked algorithm with the given tile kernel, split over `threads` parts of C run
/// on the current rayon pool when more than one.
///
/// # Safety
/// `p` satisfies [`crate::gemm_raw`]'s contract, with `m, n, k > 0`; `kernel` is runnable on
/// this CPU. `epi` (if any) describes `p`'s C with offsets (0, 0).
pub(crate) unsafe fn gemm_packed<T: GemmScalar>(
    p: &Problem<T>,
    kernel: MicroKernel<T>,
    blocking: Blocking,
    threads: usize,
    epi: Option<EpiCtx<'_, T>>,
) {
    let blk = blocking.normalized(T::MR, T::NR);
    let parts = split(p.m, p.n, T::MR, T::NR, threads);
    let run = move |part: &Part| {
        let sub = Problem {
            m: part.rows,
            n: part.cols,
            a: p.a.wrapping_offset(part.i0 as isize * p.rs_a),
            b: p.b.wrapping_offset(part.j0 as isize * p.cs_b),
            c: p.c
                .wrapping_offset(part.i0 as isize * p.rs_c + part.j0 as isize * p.cs_c),
            ..*p
        };
        let epi = epi.map(|e| e.shifted(part.i0, part.j0));
        // SAFETY: the part's rows of A, columns of B and rectangle of C are sub-ranges of
        // the caller's; parts are disjoint rectangles of C, so no two threads write one
        // element (nor hand it to the epilogue).
        unsafe { gemm_serial(&sub, kernel, blk, epi) };
    };
    if parts.len() > 1 {
        parts.par_iter().for_each(run);
    } else {
        parts.iter().for_each(run);
    }
}

/// The serial blocked algorithm (module docs) on one thread, with normalized blocking.
///
/// # Safety
/// As [`gemm_packed`]; `epi` describes `p`'s C.
unsafe fn gemm_serial<T: GemmScalar>(
    p: &Problem<T>,
    kernel: MicroKernel<T>,
    blk: Blocking,
    epi: Option<EpiCtx<'_, T>>,
) {
    let (mr, nr) = (T::MR, T::NR);
    let nc_max = blk.nc.min(p.n.div_ceil(nr) * nr);
    let kc_max = blk.kc.min(p.k);
    let mc_max = blk.mc.min(p.m.div_ceil(mr) * mr);
    with_buffer::<T, _>(Role::B, kc_max * nc_max, |bbuf| {
        with_buffer::<T, _>(Role::A, mc_max * kc_max, |abuf| {
            for jc in (0..p.n).step_by(blk.nc) {
                let ncur = blk.nc.min(p.n - jc);
                for pc in (0..p.k).step_by(blk.kc) {
                    let kcur = blk.kc.min(p.k - pc);
                    let beta = if pc == 0 { p.beta } else { T::ONE };
                    // Only after the last rank-kc update are C's values final.
                    let epi_now = if pc + kcur == p.k { epi } else { None };
                    let bsrc =
                        p.b.wrapping_offset(pc as isize * p.rs_b + jc as isize * p.cs_b);
                    // SAFETY: bbuf holds kc_max * nc_max >= kcur * ceil(ncur / nr) * nr
                    // elements; B's kcur x ncur block at (pc, jc) is readable.
                    unsafe { pack_b(bbuf, bsrc, p.rs_b, p.cs_b, kcur, ncur, nr, p.scale_b) };
                    for ic in (0..p.m).step_by(blk.mc) {
                        let mcur = blk.mc.min(p.m - ic);
                        let asrc =
                            p.a.wrapping_offset(ic as isize * p.rs_a + pc as isize * p.cs_a);
                        // SAFETY: abuf holds mc_max * kc_max >= ceil(mcur / mr) * mr * kcur
                        // elements; A's mcur x kcur block at (ic, pc) is readable.
                        unsafe { pack_a(abuf, asrc, p.rs_a, p.cs_a, mcur, kcur, mr, p.scale_a) };
                        for (q, jr) in (0..ncur).step_by(nr).enumerate() {
                            let nn = nr.min(ncur - jr);
                            let bpanel = bbuf.wrapping_add(q * nr * kcur);
                            for (ip, ir) in (0..mcur).step_by(mr).enumerate() {
                                let mm = mr.min(mcur - ir);
                                let apanel = abuf.wrapping_add(ip * mr * kcur);
                                let (ci, cj) = ((ic + ir) as isize, (jc + jr) as isize);
                                let c = p.c.wrapping_offset(ci * p.rs_c + cj * p.cs_c);
                                // SAFETY: apanel / bpanel are full packed micro-panels of kcur
                                // steps (64-byte aligned: the buffers are, and each A panel is
                                // MR * kcur elements = 64 * kcur bytes); the mm x nn tile at c
                                // lies inside C; kernel is runnable by the caller's contract.
                                unsafe {
                                    kernel(
                                        kcur, p.alpha, apanel, bpanel, beta, c, p.rs_c, p.cs_c, mm,
                                        nn,
                                    )
                                };
                            }
                            if let Some(e) = &epi_now {
                                let c = p.c.wrapping_offset(
                                    ic as isize * p.rs_c + (jc + jr) as isize * p.cs_c,
                                );
                                // SAFETY: the mcur x nn block at (ic, jc + jr) lies inside this
                                // thread's C, was just written by the last rank-kc update (its
                                // values are final) and nothing else touches it now.
                                unsafe { e.call(ic, jc + jr, mcur, nn, c, p.rs_c, p.cs_c) };
                            }
                        }
                    }
                }
            }
        })
    });
}
