//! Gathers fused into the consuming element-wise loop (issue 6).
//!
//! An `Op::Gather` (integer-array indexing: `take`, `x.index(ix![.., &idx])`,
//! `take_along_axis`, `choose`, ...) whose only user is an element-wise op of an element-wise
//! kernel is not materialized: the kernel computes it as an *indexed load*
//! (`InstrKind::Gather`). Its source and index arrays are the kernel's inputs, computed by
//! earlier steps or already realized: the source is read through a layout over the gather's
//! output that walks its remaining axes, each index array through one that walks the index
//! dimensions, and the indexed axes' strides and lengths are launch values
//! (`Launch::gathers`), so the kernel compiles once whatever the shapes.
//!
//! A fold over the last axis (`take(e, idx, 0).sum(-1)`) takes a gather too: its row loop is
//! the same scalar loop. What stays a step of its own (the native gather on the JIT backend):
//! a gather the user asked for (a root), one with several users, one read through a view or
//! by a fold that keeps the last axis, one with no elements (the evaluator still checks its
//! indices) and, when fusion is off, every gather.
//!
//! A bad index must never be read: a runner resolves every index of the launch by its mode
//! before running the kernel ([`check_indices`]) and fails the run when one is out of range.
//! The executor answers a failed run by evaluating the group on the reference evaluator, whose
//! gather reports the error naming the user's function and source line.

use crate::kernel::{resolve_index, ElementwiseKernel, InstrKind, Launch};
use numcrane_graph::{Buffer, Error, Layout, Node, Op, Result};

/// Whether `gather`, read by `consumer` inside the kernel rooted at `root`, joins the kernel:
/// the consumer is an element-wise op (or the root fold itself), the kernel is element-wise
/// or a fold over the last axis (a row fold, which visits every element: every index is
/// checked), and the gather has elements.
pub(crate) fn joins(consumer: &Node, root: &Node, gather: &Node) -> bool {
    let elementwise =
        |n: &Node| matches!(n.op(), Op::Cast | Op::Unary(_) | Op::Binary(_) | Op::Where);
    let row_fold = |n: &Node| match n.op() {
        Op::Reduce { axes, .. } => n
            .inputs()
            .first()
            .is_some_and(|i| axes.last().is_some_and(|&a| a + 1 == i.shape().len())),
        _ => false,
    };
    let consumer_ok = elementwise(consumer) || (consumer.id() == root.id() && row_fold(root));
    consumer_ok
        && (elementwise(root) || row_fold(root))
        && gather.shape().iter().product::<usize>() > 0
        && crate::gather::enabled()
}

/// The user functions of the gathers fused into `group` (`take, take_along_axis`), or None.
pub(crate) fn names(group: &crate::plan::Group) -> Option<String> {
    let names: Vec<&str> = group.gathers.iter().map(|g| g.op().name()).collect();
    (!names.is_empty()).then(|| names.join(", "))
}

/// Whether gathers are fused: on unless `NUMCRANE_FUSE_GATHER=0` (read once per process), for
/// comparing with the gather as a step of its own.
pub fn enabled() -> bool {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ON.get_or_init(|| std::env::var("NUMCRANE_FUSE_GATHER").map_or(true, |v| v.trim() != "0"))
}

/// The op name of [`check_indices`]' error for an index its mode rejects: the user's error,
/// not a kernel's (the executor recomputes the group on the reference evaluator, which
/// reports it; checked mode, which reports kernel errors, lets it through).
pub const BAD_INDEX: &str = "fused gather index";

/// Checks, before a kernel runs, that every index of every gather of `kernel` resolves into
/// its axis as the gather's mode says, and that every element a gather can then read lies in
/// its source buffer. `inputs` are the launch's buffers (each validated against its layout by
/// the runner). Each index array is read once per distinct element (its broadcast dimensions
/// skipped). An `Error::Internal` on a bad index: the executor then evaluates the group on the
/// reference evaluator, which reports the user's error.
pub fn check_indices(
    kernel: &ElementwiseKernel,
    launch: &Launch,
    inputs: &[&Buffer],
) -> Result<()> {
    let internal = |m: &str| Error::internal("fused gather", m.to_string());
    let count = kernel.gathers().count();
    if count != launch.gathers.len() {
        return Err(internal("the launch does not describe every gather"));
    }
    if numcrane_graph::layout::size_of(&launch.shape) == 0 {
        return Ok(());
    }
    for ((input, indices, mode), axes) in kernel.gathers().zip(&launch.gathers) {
        if axes.len() != indices.len() {
            return Err(internal("a gather's axes and indices differ in number"));
        }
        // Every element the gather may read: its layout with the indexed axes added.
        let source = inputs
            .get(input)
            .ok_or_else(|| internal("missing gather source"))?;
        let layout = launch
            .layouts
            .get(input)
            .ok_or_else(|| internal("missing gather layout"))?;
        let full = source_extent(layout, axes);
        if full.is_none_or(|(lo, hi)| lo < 0 || hi as usize > source.len()) {
            return Err(internal("a gather reaches outside its source"));
        }
        for (&v, axis) in indices.iter().zip(axes) {
            let Some(InstrKind::Load { input: k }) = kernel.instrs.get(v).map(|i| &i.kind) else {
                return Err(internal("a gather index that is not an input"));
            };
            let buffer = inputs
                .get(*k)
                .ok_or_else(|| internal("missing index input"))?;
            let layout = launch
                .layouts
                .get(*k)
                .ok_or_else(|| internal("missing index layout"))?;
            let data = buffer.as_slice::<i64>()?;
            let distinct = distinct_elements(layout);
            for o in distinct.offsets() {
                let i = *data
                    .get(o)
                    .ok_or_else(|| internal("an index layout outside its buffer"))?;
                if resolve_index(mode, i, axis.len).is_none() {
                    return Err(Error::internal(
                        BAD_INDEX,
                        "a gather index outside its axis",
                    ));
                }
            }
        }
    }
    Ok(())
}

/// The element range `[lo, hi)` a gather can read: its source layout's extent widened by every
/// indexed axis; None on overflow.
pub fn source_extent(
    layout: &Layout,
    axes: &[crate::kernel::GatherAxis],
) -> Option<(isize, isize)> {
    let mut lo = isize::try_from(layout.offset).ok()?;
    let mut hi = lo;
    let dims = layout
        .shape
        .iter()
        .zip(&layout.strides)
        .map(|(&n, &s)| (n, s))
        .chain(axes.iter().map(|a| (a.len, a.stride)));
    for (n, s) in dims {
        if n == 0 {
            // No element at all (a launch of zero size never runs).
            return Some((0, 0));
        }
        let span = (isize::try_from(n).ok()? - 1).checked_mul(s)?;
        if span < 0 {
            lo = lo.checked_add(span)?;
        } else {
            hi = hi.checked_add(span)?;
        }
    }
    Some((lo, hi.checked_add(1)?))
}

/// `layout` without its broadcast (stride 0) dimensions: each element it reads, once.
fn distinct_elements(layout: &Layout) -> Layout {
    let keep: Vec<usize> = (0..layout.shape.len())
        .filter(|&d| layout.strides[d] != 0)
        .collect();
    Layout {
        shape: keep.iter().map(|&d| layout.shape[d]).collect(),
        strides: keep.iter().map(|&d| layout.strides[d]).collect(),
        offset: layout.offset,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interpret::interpret;
    use crate::kernel::resolve_index;
    use crate::lower::lower;
    use crate::plan::{plan, Step};
    use numcrane_graph::error::SourceLocation;
    use numcrane_graph::eval::{compute, values};
    use numcrane_graph::{BinaryOp, DType, IndexMode, Node, NodeRef, Op};
    use std::sync::Arc;

    /// The evaluator's gather of `data` (a `[4]` array) at `index` in `mode`: the resolved
    /// value or None on error.
    fn evaluator(mode: IndexMode, index: i64, data: &[i32]) -> Option<i32> {
        let loc = SourceLocation::caller();
        let x = Node::leaf(
            Arc::new(Buffer::from_slice(data).ok()?),
            Layout::contiguous(&[data.len()]),
            loc,
        );
        let i = Node::leaf(
            Arc::new(Buffer::from_slice(&[index]).ok()?),
            Layout::contiguous(&[1]),
            loc,
        );
        let op = Op::Gather {
            name: "take",
            axes: vec![0],
            at: 0,
            mode,
        };
        let g = Node::new(op, vec![x.clone(), i.clone()], DType::I32, vec![1], loc);
        let r = compute(&g, &[x.realized()?, i.realized()?]).ok()?;
        let v = values::<i32>(&r).ok()?.first().copied();
        v
    }

    #[test]
    fn resolve_index_follows_the_evaluator() {
        let data = [10, 11, 12, 13];
        let modes = [
            IndexMode::Raise,
            IndexMode::NonNegative,
            IndexMode::Wrap,
            IndexMode::Clip,
        ];
        for mode in modes {
            for index in [-9, -5, -4, -1, 0, 3, 4, 7, i64::MIN, i64::MAX] {
                let ours = resolve_index(mode, index, 4).map(|r| data[r]);
                assert_eq!(ours, evaluator(mode, index, &data), "{mode:?} {index}");
            }
            assert_eq!(resolve_index(mode, 0, 0), None, "{mode:?} on an empty axis");
        }
    }

    fn leaf<T: numcrane_graph::Element>(data: &[T], shape: &[usize]) -> NodeRef {
        let buffer = Arc::new(Buffer::from_slice(data).unwrap());
        Node::leaf(buffer, Layout::contiguous(shape), SourceLocation::caller())
    }

    /// `x[:, idx] + y` with `x` transposed: one kernel with a gather instruction whose
    /// interpretation is the evaluator's result, and a bad index fails the run.
    #[test]
    fn a_consumed_gather_becomes_an_indexed_load() {
        let loc = SourceLocation::caller();
        let data: Vec<f64> = (0..12).map(f64::from).collect();
        let x0 = leaf(&data, &[4, 3]);
        let x = Node::new(
            Op::View(numcrane_graph::ViewOp::Permute(vec![1, 0])),
            vec![x0],
            DType::F64,
            vec![3, 4],
            loc,
        );
        let build = |index: &[i64]| {
            let i = leaf(index, &[2]);
            let op = Op::Gather {
                name: "take",
                axes: vec![1],
                at: 1,
                mode: IndexMode::Raise,
            };
            let g = Node::new(op, vec![x.clone(), i], DType::F64, vec![3, 2], loc);
            let y = leaf(&[0.5f64, 1.5, 2.5, 3.5, 4.5, 5.5], &[3, 2]);
            Node::new(
                Op::Binary(BinaryOp::Add),
                vec![g, y],
                DType::F64,
                vec![3, 2],
                loc,
            )
        };
        let root = build(&[-1, 1]);
        let p = plan(std::slice::from_ref(&root), &|_| true);
        assert!(
            p.describe().contains("with fused gathers (take)"),
            "{}",
            p.describe()
        );
        let Some(Step::Fused(group)) = p.steps.last() else {
            panic!("no kernel: {}", p.describe())
        };
        assert_eq!(group.gathers.len(), 1);
        // The permuted source is a zero-copy step before the kernel.
        let view = numcrane_graph::eval::compute(&x, &[x.inputs()[0].realized().unwrap()]).unwrap();
        let values_of = |id: u64| (id == x.id()).then(|| view.clone());
        let lowered = lower(group, &values_of).unwrap();
        assert_eq!(lowered.kernel.gathers().count(), 1);
        assert_eq!(lowered.launch.gathers.len(), 1);
        let inputs: Vec<&Buffer> = lowered.buffers.iter().map(|b| b.as_ref()).collect();
        check_indices(&lowered.kernel, &lowered.launch, &inputs).unwrap();
        let mut out = Buffer::zeros(DType::F64, 6, "test").unwrap();
        interpret(&lowered.kernel, &lowered.launch, &inputs, out.slot()).unwrap();
        // x.T is [[0, 3, 6, 9], [1, 4, 7, 10], [2, 5, 8, 11]]; columns -1 and 1.
        let want = [9.5, 4.5, 12.5, 7.5, 15.5, 10.5];
        assert_eq!(out.as_slice::<f64>().unwrap(), &want[..]);

        let bad = build(&[4, 0]);
        let p = plan(std::slice::from_ref(&bad), &|_| true);
        let Some(Step::Fused(group)) = p.steps.last() else {
            panic!("no kernel: {}", p.describe())
        };
        let lowered = lower(group, &values_of).unwrap();
        let inputs: Vec<&Buffer> = lowered.buffers.iter().map(|b| b.as_ref()).collect();
        assert!(check_indices(&lowered.kernel, &lowered.launch, &inputs).is_err());
        let mut out = Buffer::zeros(DType::F64, 6, "test").unwrap();
        assert!(interpret(&lowered.kernel, &lowered.launch, &inputs, out.slot()).is_err());
    }
}
