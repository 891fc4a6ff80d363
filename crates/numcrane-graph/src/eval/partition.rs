//! `Op::Partition` (NumPy's `partition` / `argpartition`): every lane along `axis` rearranged
//! so that each `kth` position holds the element a sort puts there, nothing before it is
//! greater and nothing after it smaller (NaN last, `-0.0 == 0.0`).
//!
//! NumPy leaves the order inside the pieces unspecified, so two correct backends could
//! disagree. To keep the reference evaluator an exact oracle, the lane work lives here as
//! public functions ([`partition_lane`], [`argpartition_lane`], [`through_lanes`]) that the
//! native backend calls too, only spread over threads: the same deterministic introselect
//! (`select_nth_unstable_by`, expected `O(len)`) on the same lane gives the same bits whoever
//! runs it.
//!
//! With the input seen as `[outer, len, inner]`, lane `l` starts at
//! `(l / inner) * len * inner + l % inner` with stride `inner`. The lanes are computed
//! lane-major (`len` consecutive results per lane) and moved into C order afterwards when
//! `inner > 1`.

use super::sort::total;
use super::{realized_from, values};
use crate::element::Element;
use crate::error::{Error, Result};
use crate::node::{Node, Realized};
use crate::{with_dtype, DType};

/// Checks the node against its input and returns `[outer, len, inner]`: the shape is kept, the
/// dtype is the input's (int64 for `arg`), and every `kth` is below a non-empty lane.
pub fn dims(
    node: &Node,
    axis: usize,
    kth: &[usize],
    arg: bool,
    x: &Realized,
) -> Result<[usize; 3]> {
    let name = node.op().name();
    let shape = &x.layout.shape;
    if axis >= shape.len() || shape.as_slice() != node.shape() {
        return Err(Error::internal(
            name,
            "axis or shape does not fit the input",
        ));
    }
    let want = if arg { DType::I64 } else { x.buffer.dtype() };
    if node.dtype() != want {
        return Err(Error::internal(
            name,
            "the result dtype does not fit the input",
        ));
    }
    let len = shape[axis];
    if len > 0 && kth.iter().any(|&k| k >= len) {
        return Err(Error::internal(name, "a kth position is outside the lane"));
    }
    Ok([
        shape[..axis].iter().product(),
        len,
        shape[axis + 1..].iter().product(),
    ])
}

/// Places the sorted positions `kth` (ascending, distinct, each below `lane.len()`) of `lane`:
/// each one is searched only right of the previous one, whose left side is already final.
pub fn partition_lane<T: Element>(lane: &mut [T], kth: &[usize]) {
    let mut lo = 0;
    for &k in kth {
        lane[lo..].select_nth_unstable_by(k - lo, total);
        lo = k + 1;
    }
}

/// Fills `order` with the positions `0..len` of `lane` arranged as [`partition_lane`] would
/// arrange the values (ties in any, but deterministic, order).
pub fn argpartition_lane<T: Element>(lane: &[T], kth: &[usize], order: &mut [i64]) {
    for (k, o) in order.iter_mut().enumerate() {
        *o = k as i64;
    }
    let mut lo = 0;
    for &k in kth {
        order[lo..]
            .select_nth_unstable_by(k - lo, |&a, &b| total(&lane[a as usize], &lane[b as usize]));
        lo = k + 1;
    }
}

/// Copies lane `l` of `src` (`[outer, len, inner]`) into `lane`.
pub fn read_lane<T: Element>(src: &[T], [_, len, inner]: [usize; 3], l: usize, lane: &mut [T]) {
    let start = (l / inner) * len * inner + l % inner;
    for (k, v) in lane.iter_mut().enumerate().take(len) {
        *v = src[start + k * inner];
    }
}

/// Runs `fill` on a lane-major buffer of `out.len()` results (`len` per lane) and leaves them
/// in C order (`[outer, len, inner]`) in `out`: in place when `inner == 1`, else through a
/// scratch buffer.
pub fn through_lanes<O: Copy + Default>(
    [outer, len, inner]: [usize; 3],
    out: &mut [O],
    fill: impl FnOnce(&mut [O]) -> Result<()>,
) -> Result<()> {
    if inner == 1 {
        return fill(out);
    }
    let mut lanes = vec![O::default(); out.len()];
    fill(&mut lanes)?;
    for o in 0..outer {
        for i in 0..inner {
            let lane = &lanes[(o * inner + i) * len..][..len];
            for (k, &v) in lane.iter().enumerate() {
                out[o * len * inner + k * inner + i] = v;
            }
        }
    }
    Ok(())
}

/// The evaluator's `Op::Partition`: lane after lane.
pub(super) fn partition(
    node: &Node,
    axis: usize,
    kth: &[usize],
    arg: bool,
    x: &Realized,
) -> Result<Realized> {
    let d = dims(node, axis, kth, arg, x)?;
    let len = d[1];
    with_dtype!(x.buffer.dtype(), T => {
        if arg {
            realized_from::<i64>(node, |out| {
                if out.is_empty() {
                    return Ok(());
                }
                let src = values::<T>(x)?;
                let mut lane = vec![T::default(); len];
                through_lanes(d, out, |buf| {
                    for (l, chunk) in buf.chunks_mut(len).enumerate() {
                        read_lane(&src, d, l, &mut lane);
                        argpartition_lane(&lane, kth, chunk);
                    }
                    Ok(())
                })
            })
        } else {
            realized_from::<T>(node, |out| {
                if out.is_empty() {
                    return Ok(());
                }
                let src = values::<T>(x)?;
                through_lanes(d, out, |buf| {
                    for (l, chunk) in buf.chunks_mut(len).enumerate() {
                        read_lane(&src, d, l, chunk);
                        partition_lane(chunk, kth);
                    }
                    Ok(())
                })
            })
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The contract: every kth holds its sorted value, nothing before is greater, nothing
    /// after smaller.
    fn holds(lane: &[f64], kth: &[usize]) -> bool {
        let mut sorted = lane.to_vec();
        sorted.sort_by(total);
        kth.iter().all(|&k| {
            total(&lane[k], &sorted[k]).is_eq()
                && lane[..k].iter().all(|v| total(v, &lane[k]).is_le())
                && lane[k + 1..].iter().all(|v| total(v, &lane[k]).is_ge())
        })
    }

    #[test]
    fn lanes_meet_the_contract_with_nans_and_zeros() {
        let base = [3.0, f64::NAN, -0.0, 1.0, 0.0, 7.0, f64::NAN, -2.0, 1.0];
        for kth in [
            vec![0],
            vec![8],
            vec![2, 5],
            vec![0, 1, 2, 3, 4, 5, 6, 7, 8],
        ] {
            let mut lane = base.to_vec();
            partition_lane(&mut lane, &kth);
            assert!(holds(&lane, &kth), "{lane:?} {kth:?}");
            let mut order = vec![0i64; base.len()];
            argpartition_lane(&base, &kth, &mut order);
            let picked: Vec<f64> = order.iter().map(|&i| base[i as usize]).collect();
            assert!(holds(&picked, &kth), "{picked:?} {kth:?}");
            let mut seen = order.clone();
            seen.sort_unstable();
            assert_eq!(seen, (0..base.len() as i64).collect::<Vec<_>>());
        }
    }

    #[test]
    fn through_lanes_moves_lane_major_results_into_c_order() {
        let mut out = [0u8; 6];
        through_lanes([1, 3, 2], &mut out, |buf| {
            buf.copy_from_slice(&[1, 2, 3, 4, 5, 6]);
            Ok(())
        })
        .unwrap();
        assert_eq!(out, [1, 4, 2, 5, 3, 6]);
    }
}
