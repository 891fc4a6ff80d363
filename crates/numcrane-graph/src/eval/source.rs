//! Ops that make data: full, arange, pad.

use super::{realized_from, values};
use crate::dtype::DType;
use crate::element::{CastTo, Element, Scalar};
use crate::error::{Error, Result};
use crate::layout::{c_strides, Layout};
use crate::node::{Node, Realized};
use crate::with_dtype;

pub(super) fn full(node: &Node, value: Scalar) -> Result<Realized> {
    with_dtype!(node.dtype(), T => {
        let v = T::from_scalar(value.cast(T::DTYPE))
            .ok_or_else(|| Error::internal("full", "scalar cast"))?;
        realized_from::<T>(node, |out| {
            out.fill(v);
            Ok(())
        })
    })
}

pub(super) fn arange(node: &Node, start: Scalar, step: Scalar) -> Result<Realized> {
    let dtype = node.dtype();
    if dtype.is_float() {
        match dtype {
            DType::F32 => arange_float::<f32>(node, start.as_f64(), step.as_f64()),
            _ => arange_float::<f64>(node, start.as_f64(), step.as_f64()),
        }
    } else {
        let (s, d) = match (start.as_i128(), step.as_i128()) {
            (Some(s), Some(d)) => (s, d),
            _ => {
                return Err(Error::internal(
                    "arange",
                    "integer arange with float bounds",
                ))
            }
        };
        with_dtype!(dtype, T => realized_from::<T>(node, |out| {
            for (i, o) in out.iter_mut().enumerate() {
                let v = s.wrapping_add((i as i128).wrapping_mul(d)) as i64;
                *o = v.cast();
            }
            Ok(())
        }))
    }
}

/// NumPy's float arange fill: the first two values are computed in f64 and stored in the
/// dtype, then `value[i] = first + i * (second - first)` in the dtype.
fn arange_float<T>(node: &Node, start: f64, step: f64) -> Result<Realized>
where
    T: Element + std::ops::Add<Output = T> + std::ops::Sub<Output = T> + std::ops::Mul<Output = T>,
    f64: CastTo<T>,
    i64: CastTo<T>,
{
    let first: T = start.cast();
    let second: T = (start + step).cast();
    let delta = second - first;
    realized_from::<T>(node, |out| {
        for (i, o) in out.iter_mut().enumerate() {
            *o = first + CastTo::<T>::cast(i as i64) * delta;
        }
        Ok(())
    })
}

pub(super) fn pad(
    node: &Node,
    x: &Realized,
    before: &[usize],
    _after: &[usize],
    value: Scalar,
) -> Result<Realized> {
    with_dtype!(node.dtype(), T => {
        let fill = T::from_scalar(value.cast(T::DTYPE))
            .ok_or_else(|| Error::internal("pad", "scalar cast"))?;
        let src = values::<T>(x)?;
        realized_from::<T>(node, |out| {
            out.fill(fill);
            let strides = c_strides(node.shape());
            let offset: isize = before.iter().zip(&strides).map(|(&b, &s)| b as isize * s).sum();
            let interior = Layout { shape: x.layout.shape.clone(), strides, offset: offset as usize };
            for (o, &v) in interior.offsets().zip(src.iter()) {
                out[o] = v;
            }
            Ok(())
        })
    })
}
