//! Which parallelism faer gets for one matrix, and the faer calls that take it (the symmetric
//! eigendecomposition, the SVD and the QR factorisation).
//!
//! faer's high-level solvers (`self_adjoint_eigen()`, `svd()`, ...) read one process-wide
//! setting. numcrane decides per call instead, from the matrix's order alone, so that a result
//! never depends on what else runs or on the thread count (faer's parallel and sequential
//! paths give different bits for these solvers at n = 1024): matrices of order at least
//! [`PARALLEL_MIN_DIM`] run on the rayon pool, smaller ones on the calling thread (stacks of
//! them run in parallel over the matrices, in `numcrane::linalg`). The process-wide setting is
//! pinned to sequential once ([`pin_global_sequential`]) for the calls still made through the
//! high-level API (Cholesky, eig, the complex functions).

use faer::diag::Diag;
use faer::dyn_stack::{MemBuffer, MemStack};
use faer::linalg::evd::{self, ComputeEigenvectors};
use faer::linalg::svd::{self, ComputeSvdVectors};
use faer::{Mat, MatRef, Par};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Once;

/// Symmetric matrices of at least this order get their eigendecomposition on the rayon pool
/// (measured on the 2-core machine, docs/performance.md: 1.4x faster at 1024, 1.1x at 256).
pub const EIGH_PARALLEL_MIN_DIM: usize = 256;

/// Matrices with at least this many rows and columns get their SVD on the rayon pool (1.2x
/// faster at 1024; at 256 the hand-offs cost more than they save, 11.8 against 10.7 ms).
pub const SVD_PARALLEL_MIN_DIM: usize = 512;

/// Matrices with at least this many rows and columns get their QR factorisation (and `Q`) on
/// the rayon pool (measured on the 2-core machine, reduced mode with `Q`: 1.24x faster at
/// 1024, 1.19x at 768; at 512 slower, 23.7 against 19.6 ms, and at 256 2.3x slower).
pub const QR_PARALLEL_MIN_DIM: usize = 768;

/// How many parallel tasks faer splits a large decomposition into: a constant rather than the
/// pool's thread count, because faer's results depend on the split (on 1, 2 and 3 threads
/// `Par::rayon(0)` gave three different eigendecompositions); a pool with fewer threads runs
/// the same tasks, in turn, to the same bits.
const PARALLEL_TASKS: usize = 2;

/// The parallelism for a decomposition of a matrix of order `dim`, parallel from `min_dim`:
/// a function of the shape only.
fn par_for(dim: usize, min_dim: usize) -> Par {
    if dim >= min_dim {
        Par::rayon(PARALLEL_TASKS)
    } else {
        Par::Seq
    }
}

/// Runs `f`, which hands its parallel parts to the rayon pool when `par` says so, with a
/// second pool thread waiting for them by spinning rather than sleeping.
///
/// Why: faer's parallel decompositions hand work to the pool hundreds of times per matrix,
/// with sequential stretches between; an idle rayon thread falls asleep after a few dozen
/// microseconds and must then be woken, which on a busy virtual machine can take longer than
/// the work it gets (the same cause as the LU's slow minutes, `lu/tasks.rs`). The helper is a
/// pool job that steals and runs pending jobs (`rayon::yield_now`) until `f` is done, and
/// yields the core to the OS scheduler when there are none (never sleeping). If no thread is
/// free to take the helper, the caller runs it after `f`, and it returns at once. Measured on
/// the 2-core machine: eigh 1024 105-116 ms against 122-125 without, eigh 256 3.9-4.0 against
/// 5.5, svd 1024 287 against 347 (alternating runs, one quiet minute).
fn with_spinning_helper<R: Send>(par: Par, f: impl FnOnce() -> R + Send) -> R {
    if par == Par::Seq {
        return f();
    }
    let done = AtomicBool::new(false);
    /// Sets `done` even when `f` panics, so that the helper stops and the panic can leave.
    struct Done<'a>(&'a AtomicBool);
    impl Drop for Done<'_> {
        fn drop(&mut self) {
            self.0.store(true, Ordering::Release);
        }
    }
    let (r, ()) = rayon::join(
        || {
            let _done = Done(&done);
            f()
        },
        || {
            while !done.load(Ordering::Acquire) {
                if rayon::yield_now() != Some(rayon::Yield::Executed) {
                    // give the core to any other runnable thread (a busy machine, or more
                    // pool threads than cores): on an idle one this returns at once and the
                    // core stays awake
                    std::thread::yield_now();
                }
            }
        },
    );
    r
}

/// Sets faer's process-wide parallelism to sequential, once (its default with the `rayon`
/// feature is the whole pool, which would make the high-level calls parallel on any size).
pub(crate) fn pin_global_sequential() {
    static PIN: Once = Once::new();
    PIN.call_once(|| faer::set_global_parallelism(Par::Seq));
}

/// The eigenvalues of the symmetric matrix `a` (read from its lower triangle, faer's
/// convention: pass the transpose for the upper one) and, with `vectors`, its eigenvectors as
/// columns.
pub(crate) fn symmetric_eigen(
    a: MatRef<'_, f64>,
    vectors: bool,
) -> Result<(Diag<f64>, Option<Mat<f64>>), evd::EvdError> {
    let n = a.nrows();
    let par = par_for(n, EIGH_PARALLEL_MIN_DIM);
    let compute = if vectors {
        ComputeEigenvectors::Yes
    } else {
        ComputeEigenvectors::No
    };
    let mut u = vectors.then(|| Mat::<f64>::zeros(n, n));
    let mut s = Diag::<f64>::zeros(n);
    let mut mem = MemBuffer::new(evd::self_adjoint_evd_scratch::<f64>(
        n,
        compute,
        par,
        Default::default(),
    ));
    with_spinning_helper(par, || {
        evd::self_adjoint_evd(
            a,
            s.as_mut(),
            u.as_mut().map(|u| u.as_mut()),
            par,
            MemStack::new(&mut mem),
            Default::default(),
        )
    })?;
    Ok((s, u))
}

/// Which singular vectors [`singular_decomposition`] computes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Vectors {
    None,
    Thin,
    Full,
}

/// The singular vectors `U` and `V` (as columns).
pub(crate) type UV = (Mat<f64>, Mat<f64>);

/// The SVD `a = U diag(S) V^T`: the singular values and the vectors asked for.
pub(crate) fn singular_decomposition(
    a: MatRef<'_, f64>,
    vectors: Vectors,
) -> Result<(Diag<f64>, Option<UV>), svd::SvdError> {
    let (m, n) = a.shape();
    let k = m.min(n);
    let par = par_for(k, SVD_PARALLEL_MIN_DIM);
    let compute = match vectors {
        Vectors::None => ComputeSvdVectors::No,
        Vectors::Thin => ComputeSvdVectors::Thin,
        Vectors::Full => ComputeSvdVectors::Full,
    };
    let (ucols, vcols) = match vectors {
        Vectors::Thin => (k, k),
        _ => (m, n),
    };
    let mut uv = (vectors != Vectors::None)
        .then(|| (Mat::<f64>::zeros(m, ucols), Mat::<f64>::zeros(n, vcols)));
    let mut s = Diag::<f64>::zeros(k);
    let mut mem = MemBuffer::new(svd::svd_scratch::<f64>(
        m,
        n,
        compute,
        compute,
        par,
        Default::default(),
    ));
    let (u, v) = match uv.as_mut() {
        Some((u, v)) => (Some(u.as_mut()), Some(v.as_mut())),
        None => (None, None),
    };
    with_spinning_helper(par, || {
        svd::svd(
            a,
            s.as_mut(),
            u,
            v,
            par,
            MemStack::new(&mut mem),
            Default::default(),
        )
    })?;
    Ok((s, uv))
}

/// The QR factorisation of `a` (`m x n`, `k = min(m, n)`) by faer's blocked Householder QR:
/// `R`, the upper trapezoid (`k x n`), and with `want_q` the factor `Q`, `m x m` (`complete`)
/// or `m x k`. What faer's `Qr::new`, `compute_Q` and `compute_thin_Q` do, with the
/// parallelism chosen from the shape ([`QR_PARALLEL_MIN_DIM`]) rather than the global setting.
pub(crate) fn householder_qr(
    a: MatRef<'_, f64>,
    complete: bool,
    want_q: bool,
) -> (Mat<f64>, Option<Mat<f64>>) {
    use faer::linalg::householder as hh;
    use faer::linalg::qr::no_pivoting::factor;
    let (m, n) = a.shape();
    let k = m.min(n);
    let par = par_for(k, QR_PARALLEL_MIN_DIM);
    let mut qr = a.to_owned();
    let block = factor::recommended_block_size::<f64>(m, n);
    let mut coeff = Mat::<f64>::zeros(block, k);
    let mut mem = MemBuffer::new(factor::qr_in_place_scratch::<f64>(
        m,
        n,
        block,
        par,
        Default::default(),
    ));
    with_spinning_helper(par, || {
        factor::qr_in_place(
            qr.as_mut(),
            coeff.as_mut(),
            par,
            MemStack::new(&mut mem),
            Default::default(),
        )
    });
    let r = Mat::from_fn(k, n, |i, j| if i <= j { qr[(i, j)] } else { 0.0 });
    if !want_q {
        return (r, None);
    }
    // the Householder vectors: the first k columns below the diagonal, with a unit diagonal
    let basis = Mat::from_fn(m, k, |i, j| match i.cmp(&j) {
        std::cmp::Ordering::Greater => qr[(i, j)],
        std::cmp::Ordering::Equal => 1.0,
        std::cmp::Ordering::Less => 0.0,
    });
    let cols = if complete { m } else { k };
    let mut q = Mat::<f64>::identity(m, cols);
    let mut mem = MemBuffer::new(
        hh::apply_block_householder_sequence_on_the_left_in_place_scratch::<f64>(m, block, cols),
    );
    with_spinning_helper(par, || {
        hh::apply_block_householder_sequence_on_the_left_in_place_with_conj(
            basis.as_ref(),
            coeff.as_ref(),
            faer::Conj::No,
            q.as_mut(),
            par,
            MemStack::new(&mut mem),
        )
    });
    (r, Some(q))
}
