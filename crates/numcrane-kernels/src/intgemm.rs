//! Integer and bool matrix products with NumPy's semantics: `C = A @ B` for `i8`..`i64`,
//! `u8`..`u64` with every product and sum in the element type, wrapping on overflow (two's
//! complement, as NumPy's integer matmul), and for `bool` the OR over `k` of `a & b`.
//!
//! The structure is the float GEMM's (BLIS loops around a register tile), written once for all
//! types as plain loops the compiler vectorizes:
//!
//! - the `jc` (nc) / `pc` (kc) loops pack a kc x nc block of B into NR-column micro-panels;
//! - the row blocks (mc) of A are packed into MR-row micro-panels and run in parallel on rayon
//!   (split further along the columns when there are fewer row blocks than threads);
//! - the micro-kernel keeps an MR x NR accumulator tile (`[[T; NR]; MR]`, NR = 64 bytes of
//!   elements) and adds one broadcast element of A times a contiguous row of B per row and k
//!   step: a vector multiply and add per 32 bytes. It is compiled twice, for the build target
//!   and with AVX2 enabled, and chosen at run time.
//!
//! Wrapping sums are exact in any order, so the result does not depend on blocking, kernel or
//! thread count. Packing pads edge tiles with zeros (`false`), which add nothing.

use crate::api::{GemmOptions, KernelChoice, SmallPath};
use crate::config::Blocking;
use crate::error::GemmError;
use crate::mat::{MatMut, MatRef};
use rayon::prelude::*;
use std::fmt::Debug;

mod sealed {
    pub trait Sealed {}
    macro_rules! seal {
        ($($t:ty),*) => { $(impl Sealed for $t {})* };
    }
    seal!(i8, i16, i32, i64, u8, u16, u32, u64, bool);
}

/// Register-tile rows (broadcast elements of A per k step), the same for every type.
const MR: usize = 4;

/// An element type [`int_gemm`] supports: the eight integer types (wrapping arithmetic) and
/// `bool` (OR of ANDs).
pub trait IntGemmScalar: sealed::Sealed + Copy + Send + Sync + PartialEq + Debug + 'static {
    /// The additive identity (`0` / `false`), also the padding of edge tiles.
    const ZERO: Self;

    /// NumPy's sum of two elements: wrapping add, or OR for bool.
    fn add(self, other: Self) -> Self;

    /// NumPy's product of two elements: wrapping multiply, or AND for bool.
    fn mul(self, other: Self) -> Self;

    /// Runs the packed driver with this type's tile width.
    #[doc(hidden)]
    fn packed(opts: &GemmOptions, p: &Problem<Self>);
}

macro_rules! int_scalar {
    ($($t:ty),*) => {$(
        impl IntGemmScalar for $t {
            const ZERO: Self = 0;
            #[inline(always)]
            fn add(self, other: Self) -> Self {
                self.wrapping_add(other)
            }
            #[inline(always)]
            fn mul(self, other: Self) -> Self {
                self.wrapping_mul(other)
            }
            fn packed(opts: &GemmOptions, p: &Problem<Self>) {
                // NR: two 32-byte vectors of elements per tile row.
                packed::<Self, { 64 / std::mem::size_of::<$t>() }>(opts, p)
            }
        }
    )*};
}
int_scalar!(i8, i16, i32, i64, u8, u16, u32, u64);

impl IntGemmScalar for bool {
    const ZERO: Self = false;
    #[inline(always)]
    fn add(self, other: Self) -> Self {
        self | other
    }
    #[inline(always)]
    fn mul(self, other: Self) -> Self {
        self & other
    }
    fn packed(opts: &GemmOptions, p: &Problem<Self>) {
        packed::<Self, 64>(opts, p)
    }
}

/// Default blocking of the integer kernels (elements): an mc x kc block of A is at most
/// 128 * 256 * 8 B = 256 KiB (L2), a kc x NR micro-panel of B 256 * 64 B = 16 KiB (L1).
pub const INT_BLOCKING: Blocking = Blocking {
    mc: 128,
    kc: 256,
    nc: 4096,
};

/// Below this many multiply-adds (m * n * k) a product runs on the calling thread.
const PARALLEL_MIN_WORK: usize = 48 * 48 * 48;

/// Up to this many multiply-adds the direct path (no packing) is used when allowed.
const SMALL_MAX_WORK: usize = 16 * 16 * 16;

/// `C = A @ B` with NumPy's integer / bool semantics (C is overwritten, never read), default
/// options. Fails if the shapes do not agree.
///
/// ```
/// use numcrane_kernels::{int_gemm, MatMut, MatRef};
/// let a = [i8::MAX, 2, 3, 4]; // 2x2, row-major
/// let b = [2i8, 0, 0, 1];
/// let mut c = [0i8; 4];
/// int_gemm(
///     MatRef::row_major(&a, 2, 2).unwrap(),
///     MatRef::row_major(&b, 2, 2).unwrap(),
///     MatMut::row_major(&mut c, 2, 2).unwrap(),
/// )
/// .unwrap();
/// assert_eq!(c, [-2, 2, 6, 4]); // 127 * 2 wraps to -2, as in NumPy
/// ```
pub fn int_gemm<T: IntGemmScalar>(
    a: MatRef<'_, T>,
    b: MatRef<'_, T>,
    c: MatMut<'_, T>,
) -> Result<(), GemmError> {
    int_gemm_with(&GemmOptions::default(), a, b, c)
}

/// [`int_gemm`] with explicit options: `kernel` (`Generic` skips the AVX2 build of the
/// micro-kernel), `small` (`Never` always packs), `blocking` (default [`INT_BLOCKING`]) and
/// `parallel`. The result is the same for every choice.
pub fn int_gemm_with<T: IntGemmScalar>(
    opts: &GemmOptions,
    a: MatRef<'_, T>,
    b: MatRef<'_, T>,
    c: MatMut<'_, T>,
) -> Result<(), GemmError> {
    let (m, k, n) = (a.rows, a.cols, b.cols);
    if b.rows != k || c.rows != m || c.cols != n {
        return Err(GemmError::ShapeMismatch {
            a: (a.rows, a.cols),
            b: (b.rows, b.cols),
            c: (c.rows, c.cols),
        });
    }
    let mut p = Problem {
        m,
        n,
        k,
        a: Src::of(&a),
        b: Src::of(&b),
        c: Dst {
            ptr: c.ptr,
            rs: c.rs,
            cs: c.cs,
        },
    };
    if m == 0 || n == 0 {
        return Ok(());
    }
    // The tile's contiguous direction is along n: make it C's unit-stride direction by
    // computing C^T = B^T A^T when C is column-major-like. A matrix-vector product (one of m,
    // n is 1, where C's strides say nothing) puts the long side along n, so the NR-wide tile
    // columns are not mostly padding.
    let transpose = if m == 1 || n == 1 {
        n < m
    } else {
        c.cs.unsigned_abs() > c.rs.unsigned_abs()
    };
    if transpose {
        p = p.transposed();
    }
    if k == 0 {
        // SAFETY: the views were validated (every (i, j) of C is in its slice, distinct (i, j)
        // are distinct locations) and C is borrowed mutably for this call.
        unsafe { fill_zero(&p) };
        return Ok(());
    }
    if opts.small == SmallPath::Auto && m.saturating_mul(n).saturating_mul(k) <= SMALL_MAX_WORK {
        // SAFETY: as above; A and B are validated shared views.
        unsafe { direct(&p) };
        return Ok(());
    }
    T::packed(opts, &p);
    Ok(())
}

/// A read-only operand: base pointer and element strides.
#[derive(Clone, Copy)]
#[doc(hidden)]
pub struct Src<T> {
    ptr: *const T,
    rs: isize,
    cs: isize,
}

impl<T> Src<T> {
    fn of(v: &MatRef<'_, T>) -> Self {
        Src {
            ptr: v.ptr,
            rs: v.rs,
            cs: v.cs,
        }
    }

    /// Pointer to element (i, j).
    ///
    /// # Safety
    /// (i, j) must be inside the view this was made from, which must still be borrowed.
    #[inline(always)]
    unsafe fn ptr(&self, i: usize, j: usize) -> *const T {
        // SAFETY: the caller keeps (i, j) inside a validated view, whose offsets fit isize.
        unsafe { self.ptr.offset(i as isize * self.rs + j as isize * self.cs) }
    }

    /// Element (i, j).
    ///
    /// # Safety
    /// As [`Src::ptr`].
    #[inline(always)]
    unsafe fn at(&self, i: usize, j: usize) -> T
    where
        T: Copy,
    {
        // SAFETY: the caller's contract; the element is readable and not being written.
        unsafe { *self.ptr(i, j) }
    }
}

/// The output: base pointer and element strides (distinct elements at distinct locations).
#[derive(Clone, Copy)]
#[doc(hidden)]
pub struct Dst<T> {
    ptr: *mut T,
    rs: isize,
    cs: isize,
}

impl<T> Dst<T> {
    /// Pointer to element (i, j).
    ///
    /// # Safety
    /// (i, j) must be inside the validated output view.
    #[inline(always)]
    unsafe fn at(&self, i: usize, j: usize) -> *mut T {
        // SAFETY: the caller keeps (i, j) inside the view, whose offsets fit isize.
        unsafe { self.ptr.offset(i as isize * self.rs + j as isize * self.cs) }
    }
}

/// One product `C (m x n) = A (m x k) @ B (k x n)` over raw views.
#[doc(hidden)]
pub struct Problem<T> {
    m: usize,
    n: usize,
    k: usize,
    a: Src<T>,
    b: Src<T>,
    c: Dst<T>,
}

// SAFETY: a Problem is made from a shared borrow of A and B and an exclusive borrow of C that
// outlive it. Threads read A and B and write disjoint elements of C (the driver hands each
// task its own rectangle of C), which is what `&[T]` / `&mut [T]` split into parts would allow
// for `T: Send + Sync`.
unsafe impl<T: Send + Sync> Sync for Problem<T> {}
// SAFETY: as above.
unsafe impl<T: Send + Sync> Send for Problem<T> {}

impl<T> Problem<T> {
    /// The same product transposed: `C^T (n x m) = B^T @ A^T`.
    fn transposed(self) -> Self {
        Problem {
            m: self.n,
            n: self.m,
            k: self.k,
            a: Src {
                ptr: self.b.ptr,
                rs: self.b.cs,
                cs: self.b.rs,
            },
            b: Src {
                ptr: self.a.ptr,
                rs: self.a.cs,
                cs: self.a.rs,
            },
            c: Dst {
                ptr: self.c.ptr,
                rs: self.c.cs,
                cs: self.c.rs,
            },
        }
    }
}

/// C = 0 (an empty sum).
///
/// # Safety
/// `p` describes validated views that are still borrowed.
unsafe fn fill_zero<T: IntGemmScalar>(p: &Problem<T>) {
    for i in 0..p.m {
        for j in 0..p.n {
            // SAFETY: (i, j) is inside C (caller's contract).
            unsafe { *p.c.at(i, j) = T::ZERO };
        }
    }
}

/// Small products: each element as one dot product read in place, no packing.
///
/// # Safety
/// `p` describes validated views that are still borrowed, with k > 0.
unsafe fn direct<T: IntGemmScalar>(p: &Problem<T>) {
    for i in 0..p.m {
        for j in 0..p.n {
            let mut acc = T::ZERO;
            for q in 0..p.k {
                // SAFETY: i < m, q < k, j < n are inside A, B and C (caller's contract).
                acc = acc.add(unsafe { p.a.at(i, q).mul(p.b.at(q, j)) });
            }
            // SAFETY: as above.
            unsafe { *p.c.at(i, j) = acc };
        }
    }
}

/// Copies rows `i0..i0 + mc` and columns `p0..p0 + kc` of A into MR-row micro-panels: panel
/// `r` holds, for each q, the MR elements `A[i0 + r*MR + i][p0 + q]` contiguously (rows past
/// `mc` are zero).
///
/// # Safety
/// The block must lie inside A (rows past the end are not read).
unsafe fn pack_a<T: IntGemmScalar>(
    dst: &mut [T],
    a: &Src<T>,
    i0: usize,
    mc: usize,
    p0: usize,
    kc: usize,
) {
    for (r, panel) in dst.chunks_exact_mut(MR * kc).enumerate() {
        let rows = mc.saturating_sub(r * MR).min(MR);
        for (q, col) in panel.chunks_exact_mut(MR).enumerate() {
            for (i, d) in col.iter_mut().enumerate() {
                *d = if i < rows {
                    // SAFETY: row i0 + r*MR + i < i0 + mc and column p0 + q < p0 + kc are
                    // inside A (caller's contract).
                    unsafe { a.at(i0 + r * MR + i, p0 + q) }
                } else {
                    T::ZERO
                };
            }
        }
    }
}

/// Copies rows `p0..p0 + kc` and columns `j0..j0 + nc` of B into NR-column micro-panels:
/// panel `s` holds, for each q, the NR elements `B[p0 + q][j0 + s*NR + j]` contiguously
/// (columns past `nc` are zero).
///
/// # Safety
/// The block must lie inside B.
unsafe fn pack_b<T: IntGemmScalar, const NR: usize>(
    dst: &mut [T],
    b: &Src<T>,
    p0: usize,
    kc: usize,
    j0: usize,
    nc: usize,
) {
    for (s, panel) in dst.chunks_exact_mut(NR * kc).enumerate() {
        let cols = nc.saturating_sub(s * NR).min(NR);
        for (q, row) in panel.chunks_exact_mut(NR).enumerate() {
            if cols == NR && b.cs == 1 {
                // SAFETY: the NR elements of this row of the block are inside B and contiguous
                // (unit column stride); B is not written during the call.
                let src = unsafe { std::slice::from_raw_parts(b.ptr(p0 + q, j0 + s * NR), NR) };
                row.copy_from_slice(src);
            } else {
                for (j, d) in row.iter_mut().enumerate() {
                    *d = if j < cols {
                        // SAFETY: row p0 + q and column j0 + s*NR + j < j0 + nc are inside B.
                        unsafe { b.at(p0 + q, j0 + s * NR + j) }
                    } else {
                        T::ZERO
                    };
                }
            }
        }
    }
}

/// The register tile: `acc[i][j] = sum_q a[q][i] * b[q][j]` over one micro-panel pair.
#[inline(always)]
fn tile<T: IntGemmScalar, const NR: usize>(a: &[[T; MR]], b: &[[T; NR]]) -> [[T; NR]; MR] {
    let mut acc = [[T::ZERO; NR]; MR];
    for (ap, bp) in a.iter().zip(b) {
        for (row, &ai) in acc.iter_mut().zip(ap) {
            for (x, &bj) in row.iter_mut().zip(bp) {
                *x = x.add(ai.mul(bj));
            }
        }
    }
    acc
}

/// The `jr` / `ir` loops over one packed block pair: C rows `i0..i0 + mc`, columns
/// `j0..j0 + nc`; the first kc panel (`first`) overwrites C, later ones add to it.
///
/// # Safety
/// The rectangle must be inside C and written by no one else during the call; the packed
/// buffers must be `ceil(mc / MR) * MR * kc` and `ceil(nc / NR) * NR * kc` long.
#[inline(always)]
unsafe fn block_body<T: IntGemmScalar, const NR: usize>(
    c: &Dst<T>,
    apack: &[T],
    bpack: &[T],
    (i0, mc): (usize, usize),
    (j0, nc): (usize, usize),
    kc: usize,
    first: bool,
) {
    let (apanels, _) = apack.as_chunks::<MR>();
    let (bpanels, _) = bpack.as_chunks::<NR>();
    for (s, bp) in bpanels.chunks_exact(kc).enumerate() {
        let cols = nc.saturating_sub(s * NR).min(NR);
        for (r, ap) in apanels.chunks_exact(kc).enumerate() {
            let rows = mc.saturating_sub(r * MR).min(MR);
            let acc = tile::<T, NR>(ap, bp);
            for (i, accrow) in acc.iter().enumerate().take(rows) {
                let (ci, cj) = (i0 + r * MR + i, j0 + s * NR);
                if c.cs == 1 && cols == NR {
                    // SAFETY: the NR elements C[ci][cj..cj + NR] are inside C's rectangle,
                    // contiguous (unit column stride) and written only by this task.
                    let out = unsafe { std::slice::from_raw_parts_mut(c.at(ci, cj), NR) };
                    for (o, &v) in out.iter_mut().zip(accrow) {
                        *o = if first { v } else { o.add(v) };
                    }
                } else {
                    for (j, &v) in accrow.iter().enumerate().take(cols) {
                        // SAFETY: (ci, cj + j) is inside the rectangle (j < cols).
                        unsafe {
                            let o = c.at(ci, cj + j);
                            *o = if first { v } else { (*o).add(v) };
                        }
                    }
                }
            }
        }
    }
}

/// [`block_body`] compiled for the build target.
///
/// # Safety
/// As [`block_body`].
unsafe fn block_generic<T: IntGemmScalar, const NR: usize>(
    c: &Dst<T>,
    apack: &[T],
    bpack: &[T],
    rows: (usize, usize),
    cols: (usize, usize),
    kc: usize,
    first: bool,
) {
    // SAFETY: the caller's contract is block_body's.
    unsafe { block_body::<T, NR>(c, apack, bpack, rows, cols, kc, first) }
}

/// [`block_body`] compiled with AVX2 (32-byte integer vectors).
///
/// # Safety
/// As [`block_body`], and the CPU must support AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn block_avx2<T: IntGemmScalar, const NR: usize>(
    c: &Dst<T>,
    apack: &[T],
    bpack: &[T],
    rows: (usize, usize),
    cols: (usize, usize),
    kc: usize,
    first: bool,
) {
    // SAFETY: the caller's contract is block_body's.
    unsafe { block_body::<T, NR>(c, apack, bpack, rows, cols, kc, first) }
}

/// Whether the AVX2 build of the block kernel may run.
fn use_avx2(opts: &GemmOptions) -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        opts.kernel == KernelChoice::Auto && std::arch::is_x86_feature_detected!("avx2")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = opts;
        false
    }
}

/// The packed driver: `jc` / `pc` loops packing B once per block, then the row blocks of A
/// (and, when there are fewer of them than threads, column groups of the B block) as
/// independent tasks, in parallel for large products.
fn packed<T: IntGemmScalar, const NR: usize>(opts: &GemmOptions, p: &Problem<T>) {
    let bl = opts.blocking.unwrap_or(INT_BLOCKING).normalized(MR, NR);
    let avx2 = use_avx2(opts);
    let work = p.m.saturating_mul(p.n).saturating_mul(p.k);
    let threads = if opts.parallel && work >= PARALLEL_MIN_WORK {
        rayon::current_num_threads()
    } else {
        1
    };
    let nc_max = bl.nc.min(p.n.div_ceil(NR) * NR);
    let kc_max = bl.kc.min(p.k);
    let mut bpack = vec![T::ZERO; nc_max * kc_max];
    for j0 in (0..p.n).step_by(bl.nc) {
        let nc = bl.nc.min(p.n - j0);
        for p0 in (0..p.k).step_by(bl.kc) {
            let kc = bl.kc.min(p.k - p0);
            let blen = nc.div_ceil(NR) * NR * kc;
            let bbuf = &mut bpack[..blen];
            // SAFETY: rows p0..p0 + kc and columns j0..j0 + nc are inside B.
            unsafe { pack_b::<T, NR>(bbuf, &p.b, p0, kc, j0, nc) };
            let bbuf = &*bbuf;
            let row_blocks = p.m.div_ceil(bl.mc);
            let panels = nc.div_ceil(NR);
            // Column groups (whole NR panels) so that there are about as many tasks as threads.
            let groups = threads.div_ceil(row_blocks).clamp(1, panels);
            let per_group = panels.div_ceil(groups);
            let task = |t: usize, apack: &mut Vec<T>| {
                let (rb, g) = (t / groups, t % groups);
                let i0 = rb * bl.mc;
                let mc = bl.mc.min(p.m - i0);
                let s0 = g * per_group;
                let s1 = ((g + 1) * per_group).min(panels);
                if s0 >= s1 {
                    return;
                }
                let cj0 = s0 * NR;
                let cnc = (s1 * NR).min(nc) - cj0;
                apack.clear();
                apack.resize(mc.div_ceil(MR) * MR * kc, T::ZERO);
                // SAFETY: rows i0..i0 + mc, columns p0..p0 + kc are inside A.
                unsafe { pack_a(apack, &p.a, i0, mc, p0, kc) };
                let bsub = &bbuf[s0 * NR * kc..s1 * NR * kc];
                let (rows, cols) = ((i0, mc), (j0 + cj0, cnc));
                // SAFETY: the rectangle rows x cols is inside C and belongs to this task
                // alone (tasks are distinct (row block, column group) pairs); the packed
                // buffers have the lengths block_body needs; AVX2 was detected.
                unsafe {
                    #[cfg(target_arch = "x86_64")]
                    if avx2 {
                        block_avx2::<T, NR>(&p.c, apack, bsub, rows, cols, kc, p0 == 0);
                        return;
                    }
                    let _ = avx2;
                    block_generic::<T, NR>(&p.c, apack, bsub, rows, cols, kc, p0 == 0);
                }
            };
            let tasks = row_blocks * groups;
            if threads > 1 && tasks > 1 {
                (0..tasks)
                    .into_par_iter()
                    .for_each_init(Vec::new, |apack, t| task(t, apack));
            } else {
                let mut apack = Vec::new();
                for t in 0..tasks {
                    task(t, &mut apack);
                }
            }
        }
    }
}
