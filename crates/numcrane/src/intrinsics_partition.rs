//! `Partition` (NumPy's `partition` / `argpartition`) on the JIT backend: the reference
//! evaluator's own lane functions (`numcrane_graph::eval::partition`), run on rayon over lanes.
//! NumPy leaves the order inside the pieces open, so sharing the deterministic per-lane
//! introselect is what keeps the two backends bit-identical; only the scheduling differs.
//! Called from [`crate::intrinsics::NativeRunner`].

use numcrane_graph::eval::partition::{
    argpartition_lane, dims, partition_lane, read_lane, through_lanes,
};
use numcrane_graph::eval::values;
use numcrane_graph::{with_dtype, Buffer, DType, Element, Layout, Node, Realized, Result};
use rayon::prelude::*;
use std::sync::Arc;

/// Below this many elements in all, threads cost more than they save.
const PARALLEL_MIN: usize = 1 << 14;

/// The node's result: every lane along `axis` of `x` partitioned at `kth` (positions if `arg`).
pub(crate) fn partition(
    node: &Node,
    axis: usize,
    kth: &[usize],
    arg: bool,
    x: &Realized,
) -> Result<Realized> {
    let d = dims(node, axis, kth, arg, x)?;
    with_dtype!(x.buffer.dtype(), T => partition_typed::<T>(node, d, kth, arg, x))
}

fn partition_typed<T: Element>(
    node: &Node,
    d: [usize; 3],
    kth: &[usize],
    arg: bool,
    x: &Realized,
) -> Result<Realized> {
    let layout = Layout::contiguous(node.shape());
    let dtype = if arg { DType::I64 } else { T::DTYPE };
    let mut out = Buffer::zeros(dtype, layout.size(), node.op().name())?;
    let len = d[1];
    if layout.size() > 0 {
        let src = values::<T>(x)?;
        let parallel = layout.size() >= PARALLEL_MIN && d[0] * d[2] > 1;
        if arg {
            let work = |(l, chunk): (usize, &mut [i64]), lane: &mut Vec<T>| {
                read_lane(&src, d, l, lane);
                argpartition_lane(lane, kth, chunk);
            };
            through_lanes(d, out.as_mut_slice::<i64>()?, |buf| {
                if parallel {
                    buf.par_chunks_mut(len)
                        .enumerate()
                        .for_each_init(|| vec![T::default(); len], |lane, job| work(job, lane));
                } else {
                    let mut lane = vec![T::default(); len];
                    buf.chunks_mut(len)
                        .enumerate()
                        .for_each(|job| work(job, &mut lane));
                }
                Ok(())
            })?;
        } else {
            let work = |(l, chunk): (usize, &mut [T])| {
                read_lane(&src, d, l, chunk);
                partition_lane(chunk, kth);
            };
            through_lanes(d, out.as_mut_slice::<T>()?, |buf| {
                if parallel {
                    buf.par_chunks_mut(len).enumerate().for_each(work);
                } else {
                    buf.chunks_mut(len).enumerate().for_each(work);
                }
                Ok(())
            })?;
        }
    }
    Ok(Realized {
        buffer: Arc::new(out),
        layout,
    })
}
