//! Fused gathers (`InstrKind::Gather`) compiled by the JIT and run directly through
//! `numcrane_jit::run` (no fallback to hide a failed run): planned and lowered by
//! numcrane-fuse from small graphs, compared with the interpreter (the fusion pass's oracle)
//! bit for bit in every index mode, on strided and reversed sources, with one and two index
//! arrays, unchecked and bounds-checked; a bad index makes the run fail before anything is
//! read.

use numcrane_fuse::interpret::interpret;
use numcrane_fuse::{lower, plan, Lowered, Step};
use numcrane_graph::eval::compute;
use numcrane_graph::{
    BinaryOp, Buffer, DType, IndexMode, Layout, Node, NodeRef, Op, Realized, SourceLocation,
    UnaryOp, ViewOp,
};
use numcrane_jit::{run_with, Checks};
use std::sync::Arc;

fn leaf_f64(data: &[f64], shape: &[usize]) -> NodeRef {
    let buffer = Arc::new(Buffer::from_slice(data).unwrap());
    Node::leaf(buffer, Layout::contiguous(shape), SourceLocation::caller())
}

fn leaf_i64(data: &[i64], shape: &[usize]) -> NodeRef {
    let buffer = Arc::new(Buffer::from_slice(data).unwrap());
    Node::leaf(buffer, Layout::contiguous(shape), SourceLocation::caller())
}

/// `-(gather(source, indices) * 3 + 1)`, a `[rows, cols]` kernel; `view` (if any) is a
/// zero-copy step computing the source from `base`.
fn lowered(
    source: &NodeRef,
    indices: &[NodeRef],
    axes: Vec<usize>,
    at: usize,
    mode: IndexMode,
    shape: Vec<usize>,
) -> Lowered {
    let loc = SourceLocation::caller();
    let op = Op::Gather {
        name: "take",
        axes,
        at,
        mode,
    };
    let mut inputs = vec![source.clone()];
    inputs.extend(indices.iter().cloned());
    let g = Node::new(op, inputs, DType::F64, shape.clone(), loc);
    let three = Node::new(
        Op::Full(numcrane_graph::Scalar::F64(3.0)),
        vec![],
        DType::F64,
        vec![],
        loc,
    );
    let three = Node::new(
        Op::View(ViewOp::Broadcast(shape.clone())),
        vec![three],
        DType::F64,
        shape.clone(),
        loc,
    );
    let m = Node::new(
        Op::Binary(BinaryOp::Mul),
        vec![g, three],
        DType::F64,
        shape.clone(),
        loc,
    );
    let root = Node::new(Op::Unary(UnaryOp::Neg), vec![m], DType::F64, shape, loc);
    let p = plan(std::slice::from_ref(&root), &numcrane_jit::supports_node);
    let Some(Step::Fused(group)) = p.steps.last() else {
        panic!("no kernel: {}", p.describe())
    };
    assert_eq!(group.gathers.len(), 1, "{}", p.describe());
    // The source, when a view, is computed by the step before.
    let value: Option<Realized> = source.realized().cloned().or_else(|| {
        let base = source.inputs()[0].clone();
        Some(compute(source, &[base.realized()?]).unwrap())
    });
    let id = source.id();
    lower(group, &|i| (i == id).then(|| value.clone()).flatten()).unwrap()
}

/// Runs `l` on the JIT (unchecked and checked) and on the interpreter: the same bits, or all
/// three fail.
fn run_all(l: &Lowered) -> Option<Vec<f64>> {
    let n: usize = l.launch.shape.iter().product();
    let inputs: Vec<&Buffer> = l.buffers.iter().map(|b| b.as_ref()).collect();
    let mut want = Buffer::zeros(DType::F64, n, "test").unwrap();
    let oracle = interpret(&l.kernel, &l.launch, &inputs, want.slot());
    let mut results = Vec::new();
    for checks in [Checks::Off, Checks::Bounds] {
        let mut out = Buffer::zeros(DType::F64, n, "test").unwrap();
        let r = run_with(&l.kernel, &l.launch, &inputs, &mut out, checks);
        assert_eq!(r.is_ok(), oracle.is_ok(), "{checks:?}: {r:?} vs {oracle:?}");
        results.push(out);
    }
    oracle.ok()?;
    let want: Vec<u64> = want
        .as_slice::<f64>()
        .unwrap()
        .iter()
        .map(|v| v.to_bits())
        .collect();
    for out in &results {
        let got: Vec<u64> = out
            .as_slice::<f64>()
            .unwrap()
            .iter()
            .map(|v| v.to_bits())
            .collect();
        assert_eq!(got, want);
    }
    Some(results[0].as_slice::<f64>().unwrap().to_vec())
}

#[test]
fn take_along_each_mode_matches_the_interpreter() {
    let data: Vec<f64> = (0..35).map(|v| f64::from(v) * 1.5 - 7.0).collect();
    let x = leaf_f64(&data, &[5, 7]);
    let values = [-9, -7, -1, 0, 3, 6, 7, 13];
    for mode in [
        IndexMode::Raise,
        IndexMode::NonNegative,
        IndexMode::Wrap,
        IndexMode::Clip,
    ] {
        // Along axis 1: output [5, 8], the index dimension last.
        let i = leaf_i64(&values, &[8]);
        let l = lowered(&x, &[i], vec![1], 1, mode, vec![5, 8]);
        let got = run_all(&l);
        let valid = !matches!(mode, IndexMode::Raise | IndexMode::NonNegative);
        assert_eq!(got.is_some(), valid, "{mode:?}");
        if let Some(got) = got {
            // Element (r, k) is -(x[r, resolve(values[k])] * 3).
            for r in 0..5 {
                for (k, &v) in values.iter().enumerate() {
                    let c = match mode {
                        IndexMode::Wrap => v.rem_euclid(7),
                        _ => v.clamp(0, 6),
                    } as usize;
                    assert_eq!(got[r * 8 + k], -(data[r * 7 + c] * 3.0), "{mode:?}");
                }
            }
        }
        // Valid indices in every mode (negatives only where they count from the end).
        let ok: Vec<i64> = match mode {
            IndexMode::NonNegative => vec![0, 6, 2, 3],
            _ => vec![-7, 6, -1, 3],
        };
        let i = leaf_i64(&ok, &[2, 2]);
        let l = lowered(&x, &[i], vec![1], 1, mode, vec![5, 2, 2]);
        assert!(run_all(&l).is_some(), "{mode:?}");
    }
}

#[test]
fn strided_sources_and_two_index_arrays() {
    let data: Vec<f64> = (0..60).map(f64::from).collect();
    let base = leaf_f64(&data, &[3, 4, 5]);
    let loc = SourceLocation::caller();
    // Reversed along axis 0, every other element of axis 2, then permuted: a source with
    // negative and large strides.
    let sliced = Node::new(
        Op::View(ViewOp::Slice(vec![(2, -1, 3), (0, 1, 4), (0, 2, 3)])),
        vec![base],
        DType::F64,
        vec![3, 4, 3],
        loc,
    );
    let src = Node::new(
        Op::View(ViewOp::Permute(vec![2, 0, 1])),
        vec![sliced],
        DType::F64,
        vec![3, 3, 4],
        loc,
    );
    let src = materialized_view(&src);
    // One array along the middle axis, the index dimensions first (at 0).
    let i = leaf_i64(&[2, -3, 1, 0, -1, 2], &[2, 3]);
    let l = lowered(&src, &[i], vec![1], 0, IndexMode::Raise, vec![2, 3, 3, 4]);
    assert!(run_all(&l).is_some());
    // Two arrays on the first and last axes (separated: index dims first).
    let j = leaf_i64(&[0, -1, 2, 2], &[4]);
    let k = leaf_i64(&[2, 0, -3, 1], &[4]);
    let l = lowered(&src, &[j, k], vec![0, 2], 0, IndexMode::Raise, vec![4, 3]);
    let got = run_all(&l).expect("valid indices");
    // Element (q, m) is -(src[j[q], m, k[q]] * 3); src[a, b, c] = base[2 - b, c, 2 a].
    let (js, ks) = ([0usize, 2, 2, 2], [2usize, 0, 1, 1]);
    for q in 0..4 {
        for m in 0..3 {
            let v = data[(2 - m) * 20 + ks[q] * 5 + 2 * js[q]];
            assert_eq!(got[q * 3 + m], -(v * 3.0), "({q}, {m})");
        }
    }
}

/// A leaf holding `view`'s realized value (the same buffer and layout), standing for the
/// zero-copy step that computes it.
fn materialized_view(view: &NodeRef) -> NodeRef {
    let r = eval_view(view);
    Node::leaf(r.buffer, r.layout, SourceLocation::caller())
}

fn eval_view(view: &NodeRef) -> Realized {
    if let Some(r) = view.realized() {
        return r.clone();
    }
    let inner = eval_view(&view.inputs()[0]);
    compute(view, &[&inner]).unwrap()
}

#[test]
fn a_bad_index_stops_the_run_before_any_read() {
    let x = leaf_f64(&[1.0, 2.0, 3.0], &[3]);
    for bad in [3i64, -4, i64::MIN, i64::MAX] {
        let i = leaf_i64(&[0, bad, 1], &[3]);
        let l = lowered(&x, &[i], vec![0], 0, IndexMode::Raise, vec![3]);
        assert!(run_all(&l).is_none(), "{bad}");
    }
}

/// `gather(x, idx, axis 0).sum(-1)`: the gather inside a row fold, run by the JIT (unchecked
/// and checked) and compared with the interpreter; small integers in float64, so every
/// association gives the same exact sums.
#[test]
fn a_row_fold_takes_the_gather() {
    let loc = SourceLocation::caller();
    let data: Vec<f64> = (0..35).map(|v| f64::from(v % 11) - 4.0).collect();
    let x = leaf_f64(&data, &[5, 7]);
    for (values, ok) in [(vec![4i64, -5, 2, 2, -1, 0], true), (vec![1, 5], false)] {
        let n = values.len();
        let i = leaf_i64(&values, &[n]);
        let op = Op::Gather {
            name: "take",
            axes: vec![0],
            at: 0,
            mode: IndexMode::Raise,
        };
        let g = Node::new(op, vec![x.clone(), i], DType::F64, vec![n, 7], loc);
        let fold = Op::Reduce {
            op: numcrane_graph::ReduceOp::Sum,
            axes: vec![1],
            keepdims: false,
        };
        let root = Node::new(fold, vec![g], DType::F64, vec![n], loc);
        let p = plan(std::slice::from_ref(&root), &numcrane_jit::supports_node);
        let Some(Step::Fused(group)) = p.steps.last() else {
            panic!("no kernel: {}", p.describe())
        };
        assert_eq!(group.gathers.len(), 1, "{}", p.describe());
        let l = lower(group, &|_| None).unwrap();
        assert!(l.kernel.reduce.is_some());
        let inputs: Vec<&Buffer> = l.buffers.iter().map(|b| b.as_ref()).collect();
        let mut want = Buffer::zeros(DType::F64, n, "test").unwrap();
        let oracle = interpret(&l.kernel, &l.launch, &inputs, want.slot());
        assert_eq!(oracle.is_ok(), ok);
        for checks in [Checks::Off, Checks::Bounds] {
            // A fold reads its output: it starts from zeros (the sum's identity).
            let mut out = Buffer::zeros(DType::F64, n, "test").unwrap();
            let r = run_with(&l.kernel, &l.launch, &inputs, &mut out, checks);
            assert_eq!(r.is_ok(), ok, "{checks:?}: {r:?}");
            if ok {
                assert_eq!(
                    out.as_slice::<f64>().unwrap(),
                    want.as_slice::<f64>().unwrap()
                );
                let row = |r: usize| data[r * 7..r * 7 + 7].iter().sum::<f64>();
                assert_eq!(out.as_slice::<f64>().unwrap()[1], row(0));
            }
        }
    }
}
