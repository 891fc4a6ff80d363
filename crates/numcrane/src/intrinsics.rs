//! Native kernels for the steps the fusion plan leaves to the reference evaluator: float32
//! and float64 matrix products run on numcrane-kernels' packed GEMM (with an element-wise
//! epilogue on each tile in `crate::epilogue`), integer and bool ones on its integer GEMM
//! (`intrinsics_int`), sorts on its radix sort (`intrinsics_sort`), order statistics on its
//! introselect (`intrinsics_select`), partitions on the evaluator's lane code spread over
//! threads (`intrinsics_partition`), gathers and scatters on its gather and scatter
//! (`intrinsics_gather`), everything else on the evaluator. [`NativeRunner`] is the JIT
//! backend's runner: compiled kernels through
//! `numcrane_jit::run_into`, intrinsics here.

use numcrane_fuse::{ElementwiseKernel, EpilogueResult, Launch, Runner, TileEpilogue};
use numcrane_graph::{Buffer, DType, Element, Error, Layout, Node, Op, OutSlot, Realized, Result};
use numcrane_kernels::{gemm, GemmScalar, MatMut, MatRef};
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
        match (node.op(), node.dtype(), inputs) {
            (Op::MatMul, DType::F32, [a, b]) => Some(matmul::<f32>(node, a, b)),
            (Op::MatMul, DType::F64, [a, b]) => Some(matmul::<f64>(node, a, b)),
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
}

fn internal(detail: impl std::fmt::Display) -> Error {
    Error::internal("matmul", detail.to_string())
}

/// `a @ b` for stacks `[batch..., m, k]` and `[batch..., k, n]` read through their layouts
/// (transposed and sliced operands are packed by the GEMM, never copied first), one GEMM per
/// matrix of the batch, into a fresh contiguous `[batch..., m, n]`.
fn matmul<T: GemmScalar + Element>(node: &Node, a: &Realized, b: &Realized) -> Result<Realized> {
    let shape = node.shape();
    let nd = shape.len();
    let (al, bl) = (&a.layout, &b.layout);
    if nd < 2 || al.shape.len() != nd || bl.shape.len() != nd {
        return Err(internal("operands are not stacks of matrices"));
    }
    let (m, k, n) = (al.shape[nd - 2], al.shape[nd - 1], bl.shape[nd - 1]);
    let layout = Layout::contiguous(shape);
    let mut out = Buffer::zeros(T::DTYPE, layout.size(), "matmul")?;
    let (ad, bd) = (a.buffer.as_slice::<T>()?, b.buffer.as_slice::<T>()?);
    let batch = &shape[..nd - 2];
    let tile = m * n;
    if tile > 0 {
        for (t, c) in out.as_mut_slice::<T>()?.chunks_exact_mut(tile).enumerate() {
            // The batch index t, unravelled, moves each operand's start along its strides.
            let (mut rest, mut oa, mut ob) = (t, al.offset as isize, bl.offset as isize);
            for d in (0..batch.len()).rev() {
                let i = (rest % batch[d]) as isize;
                rest /= batch[d];
                oa += i * al.strides[d];
                ob += i * bl.strides[d];
            }
            let (oa, ob) = (usize::try_from(oa), usize::try_from(ob));
            let (Ok(oa), Ok(ob)) = (oa, ob) else {
                return Err(internal("an operand starts before its buffer"));
            };
            let (sa, sb) = (&al.strides[nd - 2..], &bl.strides[nd - 2..]);
            let av = MatRef::from_slice(ad, oa, m, k, sa[0], sa[1]).map_err(internal)?;
            let bv = MatRef::from_slice(bd, ob, k, n, sb[0], sb[1]).map_err(internal)?;
            let cv = MatMut::row_major(c, m, n).map_err(internal)?;
            gemm(T::ONE, av, bv, T::ZERO, cv).map_err(internal)?;
        }
    }
    Ok(Realized {
        buffer: Arc::new(out),
        layout,
    })
}
