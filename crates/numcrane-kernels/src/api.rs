//! The public entry points: the safe [`gemm`] / [`gemm_with`] over validated views and the raw
//! [`gemm_raw`], plus the options that force a kernel or path (for tests and benchmarks).
//!
//! Everything here is dispatch: trivial cases (empty, `k == 0`, `alpha == 0`), orienting the
//! problem so C's unit stride runs along the micro-kernel's vector dimension, and choosing
//! between the small direct path and the packed driver.

use crate::config::Blocking;
use crate::driver::{gemm_packed, Problem};
use crate::epilogue::{EpiCtx, EpilogueBlock};
use crate::error::GemmError;
use crate::mat::{MatMut, MatRef};
use crate::microkernel::{selected_kernel, KernelKind};
use crate::scalar::GemmScalar;
use crate::small;

/// Which tile kernels to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum KernelChoice {
    /// The fastest this CPU supports ([`selected_kernel`]).
    #[default]
    Auto,
    /// The portable kernel, even where AVX2+FMA is available (tests, comparisons).
    Generic,
}

/// Whether small products skip packing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SmallPath {
    /// Direct kernel for small products with a suitable layout, packed otherwise.
    #[default]
    Auto,
    /// Always pack.
    Never,
}

/// Knobs of [`gemm_with`]. The default is what [`gemm`] does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GemmOptions {
    /// Tile kernel family.
    pub kernel: KernelChoice,
    /// Small-size path.
    pub small: SmallPath,
    /// Cache blocking; `None` for the type's defaults ([`GemmScalar::default_blocking`]).
    pub blocking: Option<Blocking>,
    /// Use the current rayon pool's threads for large products (`false`: the calling
    /// thread only). Results are bitwise the same either way.
    pub parallel: bool,
}

impl Default for GemmOptions {
    fn default() -> Self {
        GemmOptions {
            kernel: KernelChoice::Auto,
            small: SmallPath::Auto,
            blocking: None,
            parallel: true,
        }
    }
}

/// Below this many multiply-adds (m * n * k) a product runs on the calling thread.
const PARALLEL_MIN_WORK: usize = 48 * 48 * 48;

/// `C = alpha * A * B + beta * C` over validated views, with default options.
///
/// `beta == 0` overwrites C without reading it (NaN in C does not propagate); `alpha == 0` or
/// `k == 0` only scales C by beta, as BLAS does. Fails if the shapes do not agree.
///
/// # Panics
/// Only if allocating the packing buffers fails (they are at most kc x nc elements per
/// thread, a few MiB with the default blocking).
pub fn gemm<T: GemmScalar>(
    alpha: T,
    a: MatRef<'_, T>,
    b: MatRef<'_, T>,
    beta: T,
    c: MatMut<'_, T>,
) -> Result<(), GemmError> {
    gemm_with(&GemmOptions::default(), alpha, a, b, beta, c)
}

/// [`gemm`] with explicit options.
pub fn gemm_with<T: GemmScalar>(
    opts: &GemmOptions,
    alpha: T,
    a: MatRef<'_, T>,
    b: MatRef<'_, T>,
    beta: T,
    c: MatMut<'_, T>,
) -> Result<(), GemmError> {
    checked(opts, alpha, a, b, beta, c, None)
}

/// An element-wise function run on each block of C as soon as it is final (see
/// [`gemm_with_epilogue`]).
pub type Epilogue<'f, T> = dyn Fn(EpilogueBlock<'_, T>) + Sync + 'f;

/// [`gemm_with`], then `epilogue` on every element of C, fused: called on each block of C as
/// soon as the block's values are final, while it is still in cache, so that e.g.
/// `maximum(X @ W + b, 0)` is one pass over C (see [`crate::BiasActivation`] for a ready-made
/// bias + activation).
///
/// Contract (tested):
/// - every element of C is in exactly one block, and `epilogue` is called once per block (not
///   at all when C is empty); blocks come in no particular order;
/// - a block's values are final: the same bits [`gemm_with`] leaves in C (whatever the thread
///   count), not yet touched by the epilogue; what the epilogue writes is left in C;
/// - each call is made by the thread that computed the block, right after its last update;
///   calls on different blocks may run concurrently on different threads (hence `Sync`), so the
///   epilogue must only write inside its block (or synchronize);
/// - blocks are small enough to be in L1: on the packed path, one column of micro-tiles of the
///   kernel's orientation, at most `mc x NR` (f32 144 x 6, f64 72 x 6 with the default
///   blocking; `NR x mc` for a row-major C, which is computed transposed). Products on the
///   small path, and those with `k == 0` or `alpha == 0`, are computed whole first and then
///   handed out in blocks of the same size (they fit in L2).
///
/// A per-row/per-column operand (a bias, a scale) is indexed with the block's
/// [`EpilogueBlock::row0`] / [`EpilogueBlock::col0`]. To cast or write elsewhere, read the
/// block and write to your own output at those indices (C keeps the pre-epilogue values
/// unless you write them back).
///
/// If the epilogue panics, the panic propagates after the other threads' parts finish; C is
/// then partly computed.
pub fn gemm_with_epilogue<T: GemmScalar>(
    opts: &GemmOptions,
    alpha: T,
    a: MatRef<'_, T>,
    b: MatRef<'_, T>,
    beta: T,
    c: MatMut<'_, T>,
    epilogue: &Epilogue<'_, T>,
) -> Result<(), GemmError> {
    checked(opts, alpha, a, b, beta, c, Some(epilogue))
}

/// The safe entry points' shape check and hand-over to [`run`].
fn checked<T: GemmScalar>(
    opts: &GemmOptions,
    alpha: T,
    a: MatRef<'_, T>,
    b: MatRef<'_, T>,
    beta: T,
    c: MatMut<'_, T>,
    epilogue: Option<&Epilogue<'_, T>>,
) -> Result<(), GemmError> {
    if a.cols != b.rows || a.rows != c.rows || b.cols != c.cols {
        return Err(GemmError::ShapeMismatch {
            a: (a.rows, a.cols),
            b: (b.rows, b.cols),
            c: (c.rows, c.cols),
        });
    }
    let p = Problem {
        m: c.rows,
        n: c.cols,
        k: a.cols,
        alpha,
        beta,
        a: a.ptr,
        rs_a: a.rs,
        cs_a: a.cs,
        b: b.ptr,
        rs_b: b.rs,
        cs_b: b.cs,
        c: c.ptr,
        rs_c: c.rs,
        cs_c: c.cs,
        scale_a: a.scale,
        scale_b: b.scale,
    };
    // SAFETY: the views were validated at construction (every element in bounds of its
    // slice, C non-overlapping); A and B are shared borrows and C an exclusive one, so C
    // does not alias them and nothing else accesses them during the call.
    unsafe { run(opts, p, epilogue) };
    Ok(())
}

/// `C = alpha * A * B + beta * C` on raw strided operands (the entry point for the array
/// library). C is m x n, A m x k, B k x n; element (i, j) of X is at
/// `x.offset(i * rs_x + j * cs_x)`. Same semantics as [`gemm`].
///
/// # Safety
/// - For all `i < m`, `p < k`: `a.offset(i * rs_a + p * cs_a)` is valid for reads; likewise B
///   for `p < k`, `j < n`. Strides may be zero or negative.
/// - For all `i < m`, `j < n`: `c.offset(i * rs_c + j * cs_c)` is valid for reads and writes,
///   and distinct (i, j) give distinct locations.
/// - C's elements do not overlap any element of A or B, and nothing else reads or writes C, or
///   writes A or B, until the call returns (other rayon tasks included).
/// - None of these offsets overflows `isize`.
/// - When `m`, `n` or `k` is 0 the corresponding pointers are not read and may dangle.
pub unsafe fn gemm_raw<T: GemmScalar>(
    m: usize,
    n: usize,
    k: usize,
    alpha: T,
    a: *const T,
    rs_a: isize,
    cs_a: isize,
    b: *const T,
    rs_b: isize,
    cs_b: isize,
    beta: T,
    c: *mut T,
    rs_c: isize,
    cs_c: isize,
) {
    let p = Problem {
        m,
        n,
        k,
        alpha,
        beta,
        a,
        rs_a,
        cs_a,
        b,
        rs_b,
        cs_b,
        c,
        rs_c,
        cs_c,
        scale_a: None,
        scale_b: None,
    };
    // SAFETY: forwarded contract.
    unsafe { run(&GemmOptions::default(), p, None) }
}

/// [`gemm_raw`] with options and a fused epilogue (the contract of [`gemm_with_epilogue`]).
///
/// # Safety
/// [`gemm_raw`]'s contract.
pub unsafe fn gemm_raw_with_epilogue<T: GemmScalar>(
    opts: &GemmOptions,
    m: usize,
    n: usize,
    k: usize,
    alpha: T,
    a: *const T,
    rs_a: isize,
    cs_a: isize,
    b: *const T,
    rs_b: isize,
    cs_b: isize,
    beta: T,
    c: *mut T,
    rs_c: isize,
    cs_c: isize,
    epilogue: &Epilogue<'_, T>,
) {
    let p = Problem {
        m,
        n,
        k,
        alpha,
        beta,
        a,
        rs_a,
        cs_a,
        b,
        rs_b,
        cs_b,
        c,
        rs_c,
        cs_c,
        scale_a: None,
        scale_b: None,
    };
    // SAFETY: forwarded contract.
    unsafe { run(opts, p, Some(epilogue)) }
}

/// Dispatch shared by the entry points.
///
/// # Safety
/// `p` satisfies [`gemm_raw`]'s contract.
unsafe fn run<T: GemmScalar>(
    opts: &GemmOptions,
    mut p: Problem<T>,
    epilogue: Option<&Epilogue<'_, T>>,
) {
    if p.m == 0 || p.n == 0 {
        return;
    }
    // The micro-kernels write columns of a tile as vectors: make C's unit stride (if any) run
    // down the columns, transposing the whole problem (C^T = B^T A^T) when C is row-major.
    let prefer_t = p.rs_c != 1 && (p.cs_c == 1 || (p.rs_a != 1 && p.cs_b == 1));
    if prefer_t {
        p = p.transposed();
    }
    let epi = epilogue.map(|f| EpiCtx {
        f,
        transposed: prefer_t,
        i0: 0,
        j0: 0,
    });
    let blocking = opts
        .blocking
        .unwrap_or_else(T::default_blocking)
        .normalized(T::MR, T::NR);
    // Epilogue over the whole C once it is final (paths that do not block C themselves).
    let epilogue_all = |p: &Problem<T>| {
        if let Some(e) = &epi {
            // SAFETY: C's m x n elements are valid, final, and only this thread touches them.
            unsafe { e.call_all(p.m, p.n, p.c, p.rs_c, p.cs_c, blocking.mc, T::NR) };
        }
    };
    if p.k == 0 || p.alpha == T::ZERO {
        // SAFETY: C's m x n elements are valid for reads and writes.
        unsafe { scale_c(&p) };
        epilogue_all(&p);
        return;
    }
    let kind = match opts.kernel {
        KernelChoice::Auto => selected_kernel(),
        KernelChoice::Generic => KernelKind::Generic,
    };
    let work = p.m.saturating_mul(p.n).saturating_mul(p.k);
    let threads = if opts.parallel && work >= PARALLEL_MIN_WORK {
        rayon::current_num_threads()
    } else {
        1
    };
    // A scaled operand is scaled while packing, so it takes the packed path (which gives the
    // direct path's bits: see `small`).
    let scaled = p.scale_a.is_some() || p.scale_b.is_some();
    if opts.small == SmallPath::Auto
        && !scaled
        && small::eligible(&p, blocking.kc)
        && (threads == 1 || work <= small::ALWAYS_WORK)
    {
        if let Some(direct) = T::direct_kernel(kind) {
            // SAFETY: contract forwarded; rs_a == 1 checked by eligible; the direct kernel of
            // `kind` is runnable (Avx2Fma only when detected).
            unsafe { small::gemm_direct(&p, direct) };
            epilogue_all(&p);
            return;
        }
    }
    // SAFETY: contract forwarded, m, n, k > 0; the kernel of `kind` is runnable.
    unsafe { gemm_packed(&p, T::micro_kernel(kind), blocking, threads, epi) };
}

/// `C = beta * C` (zeros when `beta == 0`, without reading C).
///
/// # Safety
/// C's m x n elements are valid for reads and writes.
unsafe fn scale_c<T: GemmScalar>(p: &Problem<T>) {
    if p.beta == T::ONE {
        return;
    }
    for j in 0..p.n {
        for i in 0..p.m {
            // SAFETY: (i, j) is inside C.
            unsafe {
                let c = p.c.offset(i as isize * p.rs_c + j as isize * p.cs_c);
                c.write(if p.beta == T::ZERO {
                    T::ZERO
                } else {
                    p.beta * c.read()
                });
            }
        }
    }
}
