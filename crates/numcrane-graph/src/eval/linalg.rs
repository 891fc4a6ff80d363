//! Matrix products for the reference evaluator: `MatMul` of two stacks of matrices.
//!
//! Plain loops: the oracle native GEMM kernels are tested against. Floats accumulate in f64
//! and round once (at least as accurate as any BLAS summation order); integers wrap in their
//! own dtype, as NumPy's integer matmul does; bool is `any(a & b)` (NumPy's bool matmul).

use super::scalar::Num;
use super::{realized_from, values};
use crate::element::{CastTo, Element};
use crate::error::{Error, Result};
use crate::node::{Node, Realized};
use crate::op::BinaryOp;
use crate::with_dtype;

/// `a @ b` for inputs of shapes `[batch..., m, k]` and `[batch..., k, n]` (same batch
/// dimensions, the node's dtype) into the node's `[batch..., m, n]`.
pub(crate) fn matmul(node: &Node, a: &Realized, b: &Realized) -> Result<Realized> {
    let bad = |what: &str| Error::internal("matmul", what.to_string());
    let out = node.shape();
    let nd = out.len();
    let (ash, bsh) = (&a.layout.shape, &b.layout.shape);
    if nd < 2 || ash.len() != nd || bsh.len() != nd || ash[..nd - 2] != out[..nd - 2] {
        return Err(bad(
            "operands are not stacks of matrices of the result's batch shape",
        ));
    }
    if bsh[..nd - 2] != out[..nd - 2] || ash[nd - 1] != bsh[nd - 2] {
        return Err(bad("core dimensions differ"));
    }
    let (m, k, n) = (ash[nd - 2], ash[nd - 1], bsh[nd - 1]);
    if out[nd - 2] != m || out[nd - 1] != n {
        return Err(bad("result shape differs"));
    }
    with_dtype!(node.dtype(), T => {
        let av = values::<T>(a)?;
        let bv = values::<T>(b)?;
        realized_from::<T>(node, |dst| {
            let float = T::DTYPE.is_float();
            let add = T::binary(BinaryOp::Add).ok_or_else(|| bad("no addition"))?;
            let mul = T::binary(BinaryOp::Mul).ok_or_else(|| bad("no product"))?;
            for (batch, out) in dst.chunks_mut((m * n).max(1)).enumerate() {
                let a = &av[batch * m * k..][..m * k];
                let b = &bv[batch * k * n..][..k * n];
                for i in 0..m {
                    for j in 0..n {
                        out[i * n + j] = if float {
                            let mut acc = 0f64;
                            for p in 0..k {
                                let x: f64 = CastTo::cast(a[i * k + p]);
                                let y: f64 = CastTo::cast(b[p * n + j]);
                                acc += x * y;
                            }
                            CastTo::cast(acc)
                        } else {
                            let mut acc = T::zero();
                            for p in 0..k {
                                acc = add(acc, mul(a[i * k + p], b[p * n + j]));
                            }
                            acc
                        };
                    }
                }
            }
            Ok(())
        })
    })
}
