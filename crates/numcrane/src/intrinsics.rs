//! Native kernels for the steps the fusion plan leaves to the reference evaluator: float32
//! and float64 matrix products run on numcrane-kernels' packed GEMM (with an element-wise
//! epilogue on each tile in `crate::epilogue`), integer and bool ones on its integer GEMM
//! (`intrinsics_int`), sorts on its radix sort (`intrinsics_sort`), order statistics on its
//! introselect (`intrinsics_select`), partitions on the evaluator's lane code spread over
//! threads (`intrinsics_partition`), gathers and scatters on its gather and scatter
//! (`intrinsics_gather`), everything else on the evaluator. [`NativeRunner`] is the JIT
//! backend's runner: compiled kernels through
//! `numcrane_jit::run_into`, intrinsics here.

use numcrane_fuse::{
    ElementwiseKernel, EpilogueResult, Launch, Runner, Scale, Scales, TileEpilogue,
};
use numcrane_graph::{Buffer, DType, Element, Error, Layout, Node, Op, OutSlot, Realized, Result};
use numcrane_kernels::{gemm_with, GemmOptions, GemmScalar, MatMut, MatRef, OperandScale};
use rayon::prelude::*;
use std::sync::Arc;

/// The JIT backend's runner.
pub(crate) struct NativeRunner;

impl Runner for NativeRunner {
    fn kernel(
        &self,
        kernel: &ElementwiseKernel,
        launch: &Launch,
        inputs: &[&Buffer],
        out: OutSlot<'_>,
    ) -> Result<()> {
        numcrane_jit::run_into(kernel, launch, inputs, out)
    }

    fn intrinsic(&self, node: &Node, inputs: &[&Realized]) -> Option<Result<Realized>> {
        // The native kernels (GEMM, radix sort, introselect, gathers) are written for real
        // dtypes: complex values run on the reference evaluator.
        if node.dtype().is_complex() || inputs.iter().any(|r| r.buffer.dtype().is_complex()) {
            return None;
        }
        match (node.op(), node.dtype(), inputs) {
            (Op::MatMul, DType::F32, [a, b]) => Some(matmul::<f32>(node, a, b, &[None, None])),
            (Op::MatMul, DType::F64, [a, b]) => Some(matmul::<f64>(node, a, b, &[None, None])),
            (Op::MatMul, dtype, [a, b]) => crate::intrinsics_int::matmul_int(dtype, node, a, b),
            (Op::Sort { axis }, _, [x]) => Some(crate::intrinsics_sort::sort(node, *axis, x)),
            (Op::ArgSort { axis }, _, [x]) => Some(crate::intrinsics_sort::argsort(node, *axis, x)),
            (Op::Partition { axis, kth, arg }, _, [x]) => Some(
                crate::intrinsics_partition::partition(node, *axis, kth, *arg, x),
            ),
            (Op::Select { axis, positions }, _, [x]) => {
                Some(crate::intrinsics_select::select(node, *axis, positions, x))
            }
            (
                Op::Gather {
                    name,
                    axes,
                    at,
                    mode,
                },
                _,
                _,
            ) => Some(crate::intrinsics_gather::gather(
                node, name, axes, *at, *mode, inputs,
            )),
            (Op::Scatter { op }, _, [data, pos, vals]) => Some(crate::intrinsics_gather::scatter(
                node, *op, data, pos, vals,
            )),
            _ => None,
        }
    }

    fn matmul_epilogue(
        &self,
        matmul: &Node,
        operands: &[&Realized],
        epilogue: &TileEpilogue<'_>,
    ) -> Option<Result<EpilogueResult>> {
        crate::epilogue::matmul_epilogue(matmul, operands, epilogue)
    }

    fn matmul_prologue(
        &self,
        node: &Node,
        operands: &[&Realized],
        scales: &Scales,
    ) -> Option<Result<Realized>> {
        match (node.op(), node.dtype(), operands) {
            (Op::MatMul, DType::F32, [a, b]) => Some(matmul::<f32>(node, a, b, scales)),
            (Op::MatMul, DType::F64, [a, b]) => Some(matmul::<f64>(node, a, b, scales)),
            _ => None,
        }
    }
}

fn internal(detail: impl std::fmt::Display) -> Error {
    Error::internal("matmul", detail.to_string())
}

/// Whether a stack of `count` products of `m x k` by `k x n` runs its GEMMs in parallel (each
/// on one thread) rather than one after the other (each on every thread): when there are
/// several matrices and each is small enough that splitting it costs more than it gains (a
/// fork-join and a packing of the shared operand per part and call), or when there are many.
pub(crate) fn batch_parallel(count: usize, m: usize, n: usize, k: usize) -> bool {
    let threads = rayon::current_num_threads();
    let work = m.saturating_mul(n).saturating_mul(k);
    threads > 1 && count > 1 && (work <= SMALL_PRODUCT || count >= 4 * threads)
}

/// Multiply-adds of a product small enough to run whole on one thread within a stack.
const SMALL_PRODUCT: usize = 128 * 128 * 128;

/// The GEMM's form of a plan's operand scale (see `numcrane_fuse::prologue`); an error if the
/// factor is not of the product's dtype.
pub(crate) fn operand_scale<T: Element>(scale: &Option<Scale>) -> Result<Option<OperandScale<T>>> {
    let Some(s) = scale else { return Ok(None) };
    let factor = T::from_scalar(s.factor)
        .ok_or_else(|| internal("an operand scale of another dtype than the product"))?;
    Ok(Some(match s.divide {
        true => OperandScale::Div(factor),
        false => OperandScale::Mul(factor),
    }))
}

/// The operands of matrix `t` of a stack `a @ b` (`[batch..., m, k]` and `[batch..., k, n]`,
/// read through their layouts): each start moved along the batch strides by `t` unravelled,
/// each read scaled by its `scales` entry while packed.
pub(crate) fn stack_operands<'a, T: Element>(
    (a, al): (&'a [T], &Layout),
    (b, bl): (&'a [T], &Layout),
    t: usize,
    scales: &Scales,
) -> Result<(MatRef<'a, T>, MatRef<'a, T>)> {
    let nd = al.shape.len();
    let start = |l: &Layout| {
        let (mut rest, mut off) = (t, l.offset as isize);
        for d in (0..nd - 2).rev() {
            let i = (rest % l.shape[d]) as isize;
            rest /= l.shape[d];
            off += i * l.strides[d];
        }
        usize::try_from(off).map_err(|_| internal("an operand starts before its buffer"))
    };
    let (m, k, n) = (al.shape[nd - 2], al.shape[nd - 1], bl.shape[nd - 1]);
    let (sa, sb) = (&al.strides[nd - 2..], &bl.strides[nd - 2..]);
    let mut av = MatRef::from_slice(a, start(al)?, m, k, sa[0], sa[1]).map_err(internal)?;
    let mut bv = MatRef::from_slice(b, start(bl)?, k, n, sb[0], sb[1]).map_err(internal)?;
    if let Some(s) = operand_scale::<T>(&scales[0])? {
        av = av.scaled(s);
    }
    if let Some(s) = operand_scale::<T>(&scales[1])? {
        bv = bv.scaled(s);
    }
    Ok((av, bv))
}

/// A raw pointer handed to the threads of a stack's GEMMs (each writes its own matrix).
#[derive(Clone, Copy)]
pub(crate) struct SendPtr<T>(pub(crate) *mut T);

impl<T> SendPtr<T> {
    /// The pointer (a method, so closures capture the wrapper, not its field).
    pub(crate) fn get(self) -> *mut T {
        self.0
    }
}

// SAFETY: the pointer is only used to build disjoint `MatMut`s, one per matrix of the stack,
// each written by one thread (see `matmul`); the buffer outlives the parallel loop.
unsafe impl<T> Send for SendPtr<T> {}
// SAFETY: as above; sharing the wrapper shares only the address.
unsafe impl<T> Sync for SendPtr<T> {}

/// `a @ b` for stacks `[batch..., m, k]` and `[batch..., k, n]` read through their layouts
/// (transposed and sliced operands are packed by the GEMM, never copied first), one GEMM per
/// matrix of the batch, into a fresh contiguous `[batch..., m, n]`. A stack of small matrices
/// runs its GEMMs in parallel, each on one thread (see [`batch_parallel`]); the bits are the
/// same either way (numcrane-kernels' GEMM gives the same bits on any number of threads).
/// Operands with a `scales` entry are read scaled while packed (the plan's prologue).
fn matmul<T: GemmScalar + Element>(
    node: &Node,
    a: &Realized,
    b: &Realized,
    scales: &Scales,
) -> Result<Realized> {
    let shape = node.shape();
    let nd = shape.len();
    let (al, bl) = (&a.layout, &b.layout);
    if nd < 2 || al.shape.len() != nd || bl.shape.len() != nd {
        return Err(internal("operands are not stacks of matrices"));
    }
    let (m, k, n) = (al.shape[nd - 2], al.shape[nd - 1], bl.shape[nd - 1]);
    let layout = Layout::contiguous(shape);
    // SAFETY: every GEMM below runs with beta = 0, which writes each element of its C without
    // reading it (numcrane-kernels' contract, k = 0 included), and the matrices of the stack
    // tile the whole buffer; the buffer is returned only when every GEMM returned Ok, else it
    // is dropped unread. Recycled memory instead of fresh zeroed pages: no page faults and no
    // zeroing pass over a result that is overwritten anyway.
    let mut out = unsafe { Buffer::for_overwrite(T::DTYPE, layout.size(), "matmul")? };
    let (ad, bd) = (a.buffer.as_slice::<T>()?, b.buffer.as_slice::<T>()?);
    let tile = m * n;
    if out.dtype() != T::DTYPE || out.len() != layout.size() {
        return Err(internal("the product buffer has another dtype or size"));
    }
    let base = SendPtr(out.as_mut_ptr() as *mut T);
    let row_stride = isize::try_from(n).map_err(internal)?;
    let count = layout.size().checked_div(tile).unwrap_or(0);
    let one = |t: usize, parallel: bool| -> Result<()> {
        let (av, bv) = stack_operands((ad, al), (bd, bl), t, scales)?;
        // SAFETY: matrix t of the stack is elements t * tile .. (t + 1) * tile of `out` (t <
        // count = size / tile, checked size and dtype above), row-major with rows of n: valid,
        // distinct locations that nothing else accesses while this GEMM runs (`out` is ours
        // alone, and each t is computed by one call only); the GEMM writes them without
        // reading (beta = 0).
        let cv = unsafe { MatMut::from_raw_parts(base.get().add(t * tile), m, n, row_stride, 1) };
        let opts = GemmOptions {
            parallel,
            ..GemmOptions::default()
        };
        gemm_with(&opts, T::ONE, av, bv, T::ZERO, cv).map_err(internal)
    };
    if batch_parallel(count, m, n, k) {
        (0..count).into_par_iter().try_for_each(|t| one(t, false))?;
    } else {
        (0..count).try_for_each(|t| one(t, true))?;
    }
    Ok(Realized {
        buffer: Arc::new(out),
        layout,
    })
}
