//! Operand scaling applied while packing: the GEMM's prologue.
//!
//! `(s * A) @ B` and `(A / s) @ B` usually materialise the scaled operand first: one more pass
//! over A, written to memory and read back. Packing already copies every element of A (and
//! B) once per rank-kc update, so it can scale each element on the way at no memory cost. The
//! packed panel then holds exactly the values the materialised `s * A` would have held (the same
//! IEEE multiply or divide per element; edge padding stays zero, as it is never scaled), so the
//! product has the same bits as scaling first.

use crate::scalar::GemmScalar;

/// An element-wise scaling of one GEMM operand, applied as it is packed (see
/// [`crate::MatRef::scaled`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum OperandScale<T> {
    /// Each element `x` is read as `x * s`.
    Mul(T),
    /// Each element `x` is read as `x / s`.
    Div(T),
}

/// What packing does to each element it copies; one monomorphised packing loop per map, so
/// the plain copy stays a plain copy.
pub(crate) trait ElementMap<T>: Copy {
    /// The packed value of `v`.
    fn map(self, v: T) -> T;
    /// True for the identity (packing may then copy whole groups with `memcpy`).
    const IDENTITY: bool = false;
}

/// Packing without scaling.
#[derive(Clone, Copy)]
pub(crate) struct Unchanged;

impl<T> ElementMap<T> for Unchanged {
    #[inline(always)]
    fn map(self, v: T) -> T {
        v
    }
    const IDENTITY: bool = true;
}

/// Packing `x * s`.
#[derive(Clone, Copy)]
pub(crate) struct MulBy<T>(pub T);

impl<T: GemmScalar> ElementMap<T> for MulBy<T> {
    #[inline(always)]
    fn map(self, v: T) -> T {
        v * self.0
    }
}

/// Packing `x / s`.
#[derive(Clone, Copy)]
pub(crate) struct DivBy<T>(pub T);

impl<T: GemmScalar> ElementMap<T> for DivBy<T> {
    #[inline(always)]
    fn map(self, v: T) -> T {
        v / self.0
    }
}
