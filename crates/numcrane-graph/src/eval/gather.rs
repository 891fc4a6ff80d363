//! Integer-array indexing (`Op::Gather`) and indexed updates (`Op::Scatter`).
//!
//! A gather reads input 0 through one int64 index array per indexed axis (all of one shape
//! `I`). The output is the remaining axes of the input with `I` inserted at position `at`,
//! so it splits into `[outer, I, inner]` blocks: `outer` runs over the remaining axes before
//! `at`, `inner` over those after it. Every element is `data[off_outer + off_index + off_inner]`
//! with the three offsets precomputed once (the index offsets are where indices are checked,
//! so an out-of-range index is found before anything is written).
//!
//! A scatter copies input 0 and then, in row-major order of the positions, combines each value
//! with the element at its flat position: `Set` replaces (so the last of repeated positions
//! wins, as NumPy's `a[i] = v`), the others accumulate (NumPy's `ufunc.at`).

use super::scalar::Num;
use super::{realized_from, values};
use crate::error::{Error, Result};
use crate::node::{Node, Realized};
use crate::op::{IndexMode, ScatterOp};
use crate::with_dtype;

/// Row-major strides of `shape` (in elements).
fn strides(shape: &[usize]) -> Vec<usize> {
    let mut s = vec![1; shape.len()];
    for i in (0..shape.len().saturating_sub(1)).rev() {
        s[i] = s[i + 1] * shape[i + 1];
    }
    s
}

/// The offsets of every position of `dims` (row-major) given each dim's stride.
fn offsets(dims: &[(usize, usize)]) -> Vec<usize> {
    let mut out = vec![0usize];
    for &(len, stride) in dims {
        let mut next = Vec::with_capacity(out.len() * len);
        for &o in &out {
            next.extend((0..len).map(|k| o + k * stride));
        }
        out = next;
    }
    out
}

/// An index resolved to `0..n` per `mode`, or the error naming the function.
fn resolve(
    node: &Node,
    name: &'static str,
    mode: IndexMode,
    i: i64,
    axis: usize,
    n: usize,
) -> Result<usize> {
    let bad = || Error::IndexOutOfRange {
        op: name,
        index: i as isize,
        axis,
        size: n,
        location: node.location(),
    };
    let n_i = n as i128;
    let v = i as i128;
    match mode {
        IndexMode::Raise => {
            let p = if v < 0 { v + n_i } else { v };
            if p < 0 || p >= n_i {
                return Err(bad());
            }
            Ok(p as usize)
        }
        IndexMode::NonNegative => {
            if v < 0 || v >= n_i {
                return Err(Error::Value {
                    op: name,
                    message: format!(
                        "invalid entry in choice array: {i} is not in 0..{n} (mode raise)"
                    ),
                    location: node.location(),
                });
            }
            Ok(v as usize)
        }
        IndexMode::Wrap | IndexMode::Clip if n == 0 => Err(Error::Value {
            op: name,
            message: format!("cannot do a non-empty {name} from an empty axis (axis {axis})"),
            location: node.location(),
        }),
        IndexMode::Wrap => Ok(v.rem_euclid(n_i) as usize),
        IndexMode::Clip => Ok(v.clamp(0, n_i - 1) as usize),
    }
}

pub(super) fn gather(
    node: &Node,
    name: &'static str,
    axes: &[usize],
    at: usize,
    mode: IndexMode,
    args: &[&Realized],
) -> Result<Realized> {
    let internal = |m: &str| Error::internal(name, m.to_string());
    let (data, indices) = args
        .split_first()
        .ok_or_else(|| internal("gather without input"))?;
    let shape = &data.layout.shape;
    if indices.len() != axes.len() || axes.iter().any(|&a| a >= shape.len()) {
        return Err(internal("gather axes do not fit the input"));
    }
    let index_shape = indices
        .first()
        .map(|i| i.layout.shape.clone())
        .unwrap_or_default();
    if indices.iter().any(|i| i.layout.shape != index_shape) {
        return Err(internal("gather index arrays differ in shape"));
    }
    let st = strides(shape);
    let rest: Vec<(usize, usize)> = (0..shape.len())
        .filter(|a| !axes.contains(a))
        .map(|a| (shape[a], st[a]))
        .collect();
    if at > rest.len() {
        return Err(internal("gather position past the remaining axes"));
    }
    let mut out_shape: Vec<usize> = rest[..at].iter().map(|d| d.0).collect();
    out_shape.extend(&index_shape);
    out_shape.extend(rest[at..].iter().map(|d| d.0));
    if out_shape != node.shape() {
        return Err(internal("gather output shape"));
    }
    let count: usize = index_shape.iter().product();
    // Offsets of every index position, checking each index against its axis.
    let mut index_off = vec![0usize; count];
    for (&axis, idx) in axes.iter().zip(indices) {
        let vals = values::<i64>(idx)?;
        for (o, &v) in index_off.iter_mut().zip(vals.iter()) {
            *o += resolve(node, name, mode, v, axis, shape[axis])? * st[axis];
        }
    }
    let size: usize = node.shape().iter().product();
    if size == 0 {
        return with_dtype!(node.dtype(), T => realized_from::<T>(node, |_| Ok(())));
    }
    let outer = offsets(&rest[..at]);
    let inner = offsets(&rest[at..]);
    with_dtype!(node.dtype(), T => {
        let src = values::<T>(data)?;
        realized_from::<T>(node, |out| {
            let mut k = 0;
            for &o in &outer {
                for &p in &index_off {
                    for &i in &inner {
                        out[k] = *src
                            .get(o + p + i)
                            .ok_or_else(|| internal("gather read outside the input"))?;
                        k += 1;
                    }
                }
            }
            Ok(())
        })
    })
}

fn scatter_typed<T: Num>(
    node: &Node,
    op: ScatterOp,
    data: &Realized,
    positions: &Realized,
    vals: &Realized,
) -> Result<Realized> {
    let name = op.name();
    let combine = op.combine::<T>(node.location())?;
    let src = values::<T>(data)?;
    let pos = values::<i64>(positions)?;
    let new = values::<T>(vals)?;
    if pos.len() != new.len() {
        return Err(Error::internal(name, "positions and values differ in size"));
    }
    realized_from::<T>(node, |out| {
        out.copy_from_slice(&src);
        for (&p, &v) in pos.iter().zip(new.iter()) {
            let slot = usize::try_from(p)
                .ok()
                .and_then(|p| out.get_mut(p))
                .ok_or_else(|| Error::internal(name, "scatter position outside the array"))?;
            *slot = match combine {
                Some(f) => f(*slot, v),
                None => v,
            };
        }
        Ok(())
    })
}

pub(super) fn scatter(
    node: &Node,
    op: ScatterOp,
    data: &Realized,
    positions: &Realized,
    vals: &Realized,
) -> Result<Realized> {
    if data.layout.shape != node.shape() || positions.layout.shape != vals.layout.shape {
        return Err(Error::internal(op.name(), "scatter shapes do not fit"));
    }
    with_dtype!(node.dtype(), T => scatter_typed::<T>(node, op, data, positions, vals))
}

#[cfg(test)]
mod tests {
    use super::{offsets, resolve, strides};
    use crate::error::SourceLocation;
    use crate::node::Node;
    use crate::op::{IndexMode, Op};
    use crate::DType;

    #[test]
    fn strides_and_offsets_are_row_major() {
        assert_eq!(strides(&[2, 3, 4]), vec![12, 4, 1]);
        assert_eq!(strides(&[]), Vec::<usize>::new());
        assert_eq!(offsets(&[(2, 12), (3, 1)]), vec![0, 1, 2, 12, 13, 14]);
        assert_eq!(offsets(&[]), vec![0]);
        assert!(offsets(&[(0, 5), (3, 1)]).is_empty());
    }

    #[test]
    fn index_modes_follow_numpy() {
        let node = Node::new(
            Op::Leaf,
            vec![],
            DType::I64,
            vec![],
            SourceLocation::caller(),
        );
        let r = |mode, i, n| resolve(&node, "take", mode, i, 0, n).ok();
        assert_eq!(r(IndexMode::Raise, -1, 5), Some(4));
        assert_eq!(r(IndexMode::Raise, -5, 5), Some(0));
        assert_eq!(r(IndexMode::Raise, -6, 5), None);
        assert_eq!(r(IndexMode::Raise, 5, 5), None);
        assert_eq!(r(IndexMode::NonNegative, -1, 5), None);
        assert_eq!(r(IndexMode::NonNegative, 4, 5), Some(4));
        assert_eq!(r(IndexMode::Wrap, -1, 5), Some(4));
        assert_eq!(r(IndexMode::Wrap, 12, 5), Some(2));
        assert_eq!(
            r(IndexMode::Wrap, i64::MIN, 5),
            Some((i64::MIN as i128).rem_euclid(5) as usize)
        );
        assert_eq!(r(IndexMode::Clip, -7, 5), Some(0));
        assert_eq!(r(IndexMode::Clip, 70, 5), Some(4));
        // An empty axis has no valid index in any mode.
        for mode in [
            IndexMode::Raise,
            IndexMode::NonNegative,
            IndexMode::Wrap,
            IndexMode::Clip,
        ] {
            assert_eq!(r(mode, 0, 0), None);
        }
    }
}
