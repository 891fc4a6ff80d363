//! Element-wise ops: cast, unary, binary, where. Inputs have the node's shape (the builder
//! broadcast them) and the op's computation dtype (the builder cast them).

use super::complex::ComplexNum;
use super::scalar::Num;
use super::{realized_from, values};
use crate::dtype::DType;
use crate::element::{CastTo, Element};
use crate::element::{Complex32, Complex64};
use crate::error::{Error, Result};
use crate::node::{Node, Realized};
use crate::op::{BinaryOp, UnaryOp};
use crate::with_dtype;

fn unsupported(node: &Node, dtype: DType) -> Error {
    Error::dtype(node.op().name(), dtype, node.location())
}

pub(super) fn cast(node: &Node, x: &Realized) -> Result<Realized> {
    let from = x.buffer.dtype();
    with_dtype!(from, S => with_dtype!(node.dtype(), D => cast_typed::<S, D>(node, x)))
}

fn cast_typed<S: Element + CastTo<D>, D: Element>(node: &Node, x: &Realized) -> Result<Realized> {
    let src = values::<S>(x)?;
    realized_from::<D>(node, |out| {
        for (o, &v) in out.iter_mut().zip(src.iter()) {
            *o = v.cast();
        }
        Ok(())
    })
}

pub(super) fn unary(node: &Node, op: UnaryOp, x: &Realized) -> Result<Realized> {
    let dtype = x.buffer.dtype();
    if op.complex_to_real() && dtype.is_complex() {
        return match dtype {
            DType::C64 => complex_to_real::<Complex32>(node, op, x),
            _ => complex_to_real::<Complex64>(node, op, x),
        };
    }
    with_dtype!(dtype, T => {
        if op.returns_bool() && op != UnaryOp::Not {
            let f = T::predicate(op).ok_or_else(|| unsupported(node, dtype))?;
            map1::<T, bool>(node, x, f)
        } else {
            let f = T::unary(op).ok_or_else(|| unsupported(node, dtype))?;
            map1::<T, T>(node, x, f)
        }
    })
}

fn complex_to_real<T: ComplexNum>(node: &Node, op: UnaryOp, x: &Realized) -> Result<Realized> {
    let f = T::to_real(op).ok_or_else(|| unsupported(node, T::DTYPE))?;
    map1::<T, T::Part>(node, x, f)
}

fn map1<T: Element, U: Element>(node: &Node, x: &Realized, f: fn(T) -> U) -> Result<Realized> {
    let src = values::<T>(x)?;
    realized_from::<U>(node, |out| {
        for (o, &v) in out.iter_mut().zip(src.iter()) {
            *o = f(v);
        }
        Ok(())
    })
}

pub(super) fn binary(node: &Node, op: BinaryOp, a: &Realized, b: &Realized) -> Result<Realized> {
    let dtype = a.buffer.dtype();
    with_dtype!(dtype, T => binary_typed::<T>(node, op, a, b))
}

fn binary_typed<T: Num>(node: &Node, op: BinaryOp, a: &Realized, b: &Realized) -> Result<Realized> {
    use BinaryOp::*;
    let f: fn(T, T) -> bool = match op {
        Eq | Ne | Lt | Le | Gt | Ge => T::compare(op).ok_or_else(|| unsupported(node, T::DTYPE))?,
        LogicalAnd | LogicalOr | LogicalXor if T::DTYPE == DType::Bool => {
            // Inputs are bool (the builder casts them); reuse bool's own functions.
            let g = T::binary(op).ok_or_else(|| unsupported(node, T::DTYPE))?;
            return map2::<T, T>(node, a, b, g);
        }
        _ => {
            if op == Pow && T::DTYPE.is_signed_int() {
                check_no_negative_exponent::<T>(node, b)?;
            }
            let g = T::binary(op).ok_or_else(|| unsupported(node, T::DTYPE))?;
            return map2::<T, T>(node, a, b, g);
        }
    };
    map2::<T, bool>(node, a, b, f)
}

fn check_no_negative_exponent<T: Num>(node: &Node, b: &Realized) -> Result<()> {
    let zero = T::zero();
    if values::<T>(b)?.iter().any(|&v| v.lex_lt(zero)) {
        return Err(Error::Value {
            op: "power",
            message: "Integers to negative integer powers are not allowed".into(),
            location: node.location(),
        });
    }
    Ok(())
}

fn map2<T: Element, U: Element>(
    node: &Node,
    a: &Realized,
    b: &Realized,
    f: fn(T, T) -> U,
) -> Result<Realized> {
    let (xs, ys) = (values::<T>(a)?, values::<T>(b)?);
    realized_from::<U>(node, |out| {
        for ((o, &x), &y) in out.iter_mut().zip(xs.iter()).zip(ys.iter()) {
            *o = f(x, y);
        }
        Ok(())
    })
}

pub(super) fn select(node: &Node, c: &Realized, a: &Realized, b: &Realized) -> Result<Realized> {
    let cond = values::<bool>(c)?;
    with_dtype!(node.dtype(), T => {
        let (xs, ys) = (values::<T>(a)?, values::<T>(b)?);
        realized_from::<T>(node, |out| {
            for (i, o) in out.iter_mut().enumerate() {
                *o = if cond[i] { xs[i] } else { ys[i] };
            }
            Ok(())
        })
    })
}
