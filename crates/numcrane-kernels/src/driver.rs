//! The blocked GEMM driver: BLIS's five loops around the micro-kernel.
//!
//! ```text
//! for jc in 0..n step nc            (B panel: L3)
//!   for pc in 0..k step kc          (rank-kc update; beta applies only to the first)
//!     pack B[pc.., jc..] -> Bp      (kc x nc, NR-column micro-panels; in parallel)
//!     for each task (ic block, B micro-panel range)        (in parallel, see threading)
//!       pack A[ic.., pc..] -> Ap    (mc x kc, MR-row micro-panels; L2)
//!       for jr over the task's B micro-panels             (kc x NR: L1)
//!         for ir in 0..mc step MR
//!           micro-kernel(Ap[ir], Bp[jr]) -> C[ic + ir, jc + jr]
//! ```

use crate::buffer::{with_buffer, Role};
use crate::config::Blocking;
use crate::microkernel::MicroKernel;
use crate::pack::{pack_a, pack_b, pack_b_panel};
use crate::scalar::GemmScalar;
use crate::threading::plan;
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
            ..self
        }
    }
}

/// A pointer to the shared packed B panel, passed to the tasks that fill and read it.
#[derive(Clone, Copy)]
struct PackedB<T>(*mut T);
// SAFETY: during packing each task writes a disjoint micro-panel; during compute all tasks
// only read it; the fork-join of rayon orders the two phases.
unsafe impl<T> Sync for PackedB<T> {}
// SAFETY: as above.
unsafe impl<T> Send for PackedB<T> {}

/// Runs the blocked algorithm with the given tile kernel on `threads` threads (the current
/// rayon pool when more than one).
///
/// # Safety
/// `p` satisfies [`crate::gemm_raw`]'s contract, with `m, n, k > 0`; `kernel` is runnable on
/// this CPU.
pub(crate) unsafe fn gemm_packed<T: GemmScalar>(
    p: &Problem<T>,
    kernel: MicroKernel<T>,
    blocking: Blocking,
    threads: usize,
) {
    let (mr, nr) = (T::MR, T::NR);
    let blk = blocking.normalized(mr, nr);
    let nc_max = blk.nc.min(p.n.div_ceil(nr) * nr);
    let kc_max = blk.kc.min(p.k);
    let grid = plan(p.m, mr, blk.mc, threads);
    with_buffer::<T, _>(Role::B, kc_max * nc_max, |bbuf| {
        let bp = PackedB(bbuf);
        for jc in (0..p.n).step_by(blk.nc) {
            let ncur = blk.nc.min(p.n - jc);
            let panels = ncur.div_ceil(nr);
            for pc in (0..p.k).step_by(blk.kc) {
                let kcur = blk.kc.min(p.k - pc);
                let beta = if pc == 0 { p.beta } else { T::ONE };
                let bsrc = |p: &Problem<T>| {
                    p.b.wrapping_offset(pc as isize * p.rs_b + jc as isize * p.cs_b)
                };
                if threads > 1 && panels > 1 {
                    (0..panels).into_par_iter().for_each(move |panel| {
                        let (p, bp) = (p, bp);
                        let bsrc = bsrc(p);
                        // SAFETY: the buffer holds kc_max * nc_max >= kcur * panels * nr
                        // elements; each task writes its own micro-panel; B's block at
                        // (pc, jc) of kcur x ncur is readable by the contract.
                        unsafe {
                            pack_b_panel(
                                bp.0,
                                bsrc,
                                p.rs_b,
                                p.cs_b,
                                kcur,
                                ncur,
                                nr,
                                panel,
                                panel * nr,
                            )
                        };
                    });
                } else {
                    // SAFETY: as above, on one thread.
                    unsafe { pack_b(bp.0, bsrc(p), p.rs_b, p.cs_b, kcur, ncur, nr) };
                }
                let task = move |t: usize| {
                    let (p, bp) = (p, bp);
                    let (i0, rows, p0, np) = grid.task(t, p.m, panels);
                    if rows == 0 || np == 0 {
                        return;
                    }
                    let asrc =
                        p.a.wrapping_offset(i0 as isize * p.rs_a + pc as isize * p.cs_a);
                    with_buffer::<T, _>(Role::A, rows.div_ceil(mr) * mr * kcur, |abuf| {
                        // SAFETY: abuf holds ceil(rows / mr) * mr * kcur elements; A's block at
                        // (i0, pc) of rows x kcur is readable by the contract.
                        unsafe { pack_a(abuf, asrc, p.rs_a, p.cs_a, rows, kcur, mr) };
                        for q in p0..p0 + np {
                            let j = q * nr;
                            let nn = nr.min(ncur - j);
                            let bpanel = bp.0.wrapping_add(q * nr * kcur);
                            for (ip, ir) in (0..rows).step_by(mr).enumerate() {
                                let mm = mr.min(rows - ir);
                                let apanel = abuf.wrapping_add(ip * mr * kcur);
                                let (ci, cj) = ((i0 + ir) as isize, (jc + j) as isize);
                                let c = p.c.wrapping_offset(ci * p.rs_c + cj * p.cs_c);
                                // SAFETY: apanel / bpanel are full packed micro-panels of
                                // kcur steps (64-byte aligned: buffers are, and panel sizes
                                // are multiples of 64 bytes for f32 MR = 16 / f64 MR = 8);
                                // the mm x nn tile at c lies inside C; this task alone
                                // writes it; kernel is runnable by the caller's contract.
                                unsafe {
                                    kernel(
                                        kcur, p.alpha, apanel, bpanel, beta, c, p.rs_c, p.cs_c, mm,
                                        nn,
                                    )
                                };
                            }
                        }
                    });
                };
                if threads > 1 && grid.tasks() > 1 {
                    (0..grid.tasks()).into_par_iter().for_each(task);
                } else {
                    (0..grid.tasks()).for_each(task);
                }
            }
        }
    });
}
