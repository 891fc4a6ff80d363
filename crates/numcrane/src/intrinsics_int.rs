//! Integer and bool matrix products on numcrane-kernels' [`int_gemm`]: NumPy's semantics
//! (products and sums in the result dtype, wrapping; OR of ANDs for bool), operands read
//! through their layouts (transposed, sliced and reversed stacks are packed by the kernel,
//! never copied whole first). Called from [`crate::intrinsics::NativeRunner`].

use numcrane_graph::{Buffer, DType, Element, Error, Layout, Node, Realized, Result};
use numcrane_kernels::{int_gemm, IntGemmScalar, MatMut, MatRef};
use std::sync::Arc;

fn internal(detail: impl std::fmt::Display) -> Error {
    Error::internal("matmul", detail.to_string())
}

/// `a @ b` for an integer or bool result dtype, or `None` for the other dtypes.
pub(crate) fn matmul_int(
    dtype: DType,
    node: &Node,
    a: &Realized,
    b: &Realized,
) -> Option<Result<Realized>> {
    Some(match dtype {
        DType::Bool => matmul::<bool>(node, a, b),
        DType::I8 => matmul::<i8>(node, a, b),
        DType::I16 => matmul::<i16>(node, a, b),
        DType::I32 => matmul::<i32>(node, a, b),
        DType::I64 => matmul::<i64>(node, a, b),
        DType::U8 => matmul::<u8>(node, a, b),
        DType::U16 => matmul::<u16>(node, a, b),
        DType::U32 => matmul::<u32>(node, a, b),
        DType::U64 => matmul::<u64>(node, a, b),
        DType::F32 | DType::F64 | DType::C64 | DType::C128 => return None,
    })
}

/// `a @ b` for stacks `[batch..., m, k]` and `[batch..., k, n]` of the node's dtype, one
/// product per matrix of the batch, into a fresh contiguous `[batch..., m, n]`.
fn matmul<T: IntGemmScalar + Element>(node: &Node, a: &Realized, b: &Realized) -> Result<Realized> {
    let shape = node.shape();
    let nd = shape.len();
    let (al, bl) = (&a.layout, &b.layout);
    if nd < 2 || al.shape.len() != nd || bl.shape.len() != nd {
        return Err(internal("operands are not stacks of matrices"));
    }
    let (m, k, n) = (al.shape[nd - 2], al.shape[nd - 1], bl.shape[nd - 1]);
    if al.shape[..nd - 2] != shape[..nd - 2]
        || bl.shape[..nd - 2] != shape[..nd - 2]
        || bl.shape[nd - 2] != k
        || shape[nd - 2] != m
        || shape[nd - 1] != n
    {
        return Err(internal("operand shapes do not fit the result"));
    }
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
            let (Ok(oa), Ok(ob)) = (usize::try_from(oa), usize::try_from(ob)) else {
                return Err(internal("an operand starts before its buffer"));
            };
            let (sa, sb) = (&al.strides[nd - 2..], &bl.strides[nd - 2..]);
            let av = MatRef::from_slice(ad, oa, m, k, sa[0], sa[1]).map_err(internal)?;
            let bv = MatRef::from_slice(bd, ob, k, n, sb[0], sb[1]).map_err(internal)?;
            let cv = MatMut::row_major(c, m, n).map_err(internal)?;
            int_gemm(av, bv, cv).map_err(internal)?;
        }
    }
    Ok(Realized {
        buffer: Arc::new(out),
        layout,
    })
}
