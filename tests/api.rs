//! Behaviour of the public API beyond NumPy's numbers (those are in tests/golden.rs):
//! laziness, views sharing data, indexing arithmetic, data access, `eval_all`, NEP 50 weak
//! scalars, deep graphs, dropping, threads, and property tests of view chains and
//! broadcasting against naive index computations over plain vectors.

#![allow(clippy::reversed_empty_ranges)] // NumPy slices such as `5..1;-1` walk backwards

use numcrane::{
    arange, array, clip, equal, eval_all, floor_divide, full, less, ones, power, s, zeros, Array,
    DType, Ellipsis, Error, NewAxis, SliceArg,
};
use proptest::prelude::*;
use std::sync::{Arc, Barrier};

// ------------------------------------------------------------------------------------------
// Helpers
// ------------------------------------------------------------------------------------------

/// Row-major multi-indices of `shape`.
fn indices(shape: &[usize]) -> Vec<Vec<usize>> {
    let n: usize = shape.iter().product();
    let mut out = Vec::with_capacity(n);
    let mut idx = vec![0usize; shape.len()];
    for _ in 0..n {
        out.push(idx.clone());
        for ax in (0..shape.len()).rev() {
            idx[ax] += 1;
            if idx[ax] < shape[ax] {
                break;
            }
            idx[ax] = 0;
        }
    }
    out
}

/// True when two realized arrays hold the same buffer (through the doc-hidden node access):
/// the proof that a view did not copy.
fn same_buffer(a: &Array, b: &Array) -> bool {
    let (ra, rb) = (a.node().realized(), b.node().realized());
    match (ra, rb) {
        (Some(x), Some(y)) => Arc::ptr_eq(&x.buffer, &y.buffer),
        _ => panic!("both arrays must be realized"),
    }
}

// ------------------------------------------------------------------------------------------
// Laziness
// ------------------------------------------------------------------------------------------

#[test]
fn building_does_not_realize() {
    let a = array([1.0f32, 2.0, 3.0]);
    // User data is realized from the start; everything built on it is not.
    assert!(a.is_realized());
    let b = (&a * 2.0 + 1.0).exp();
    let z = zeros([1000, 1000], DType::F64);
    let r = arange(0, 10, 1);
    let total = b.sum(..);
    for x in [&b, &z, &r, &total] {
        assert!(!x.is_realized());
        assert!(x.strides().is_none());
        assert!(x.error().is_none());
    }
    // Shapes and dtypes are known without evaluating.
    assert_eq!((b.shape(), b.dtype()), (&[3][..], DType::F32));
    assert_eq!((total.shape(), total.dtype()), (&[][..], DType::F32));
    assert_eq!(z.nbytes(), 8_000_000);
    // Evaluating a root realizes it (and only it: b is an intermediate).
    let t = total.eval().unwrap();
    assert!(t.is_realized() && total.is_realized());
    assert!(!b.is_realized());
    let want: f32 = [1.0f32, 2.0, 3.0]
        .iter()
        .map(|x| (x * 2.0 + 1.0).exp())
        .sum();
    let got = total.item::<f32>().unwrap();
    assert!((got - want).abs() <= want * 1e-6, "{got} vs {want}");
}

#[test]
fn eval_twice_is_a_no_op() {
    let a = array([[1.0, 2.0], [3.0, 4.0]]);
    let b = (&a * &a).sqrt() - 1.0;
    let clone = b.clone();
    let first = b.eval().unwrap();
    // Clones share the node: realized too.
    assert!(clone.is_realized());
    let data1 = first.as_slice::<f64>().unwrap().to_vec();
    let ptr1 = first.as_slice::<f64>().unwrap().as_ptr();
    let second = b.eval().unwrap();
    assert_eq!(second.as_slice::<f64>().unwrap(), &data1[..]);
    assert_eq!(
        second.as_slice::<f64>().unwrap().as_ptr(),
        ptr1,
        "second eval recomputed"
    );
    assert_eq!(clone.to_vec::<f64>().unwrap(), vec![0.0, 1.0, 2.0, 3.0]);
    // eval of user data is a no-op as well.
    let p = a.as_slice::<f64>().unwrap().as_ptr();
    assert_eq!(a.eval().unwrap().as_slice::<f64>().unwrap().as_ptr(), p);
}

#[test]
fn realized_node_used_in_a_new_graph() {
    let a = arange(0.0f32, 4.0, 1.0);
    let b = (&a + 1.0) * 2.0;
    b.eval().unwrap();
    // Once realized, the node lets go of its inputs (it behaves as a leaf).
    assert!(b.node().inputs().is_empty());
    let c = (&b + &b).reshape([2, 2]);
    let d = c.sum(0);
    assert_eq!(d.to_vec::<f32>().unwrap(), vec![4.0 + 12.0, 8.0 + 16.0]);
    assert_eq!(c.to_vec::<f32>().unwrap(), vec![4.0, 8.0, 12.0, 16.0]);
    // b's data is unchanged and still readable without recomputation.
    assert_eq!(b.as_slice::<f32>().unwrap(), &[2.0, 4.0, 6.0, 8.0]);
    // A long iterative program: each step starts from the realized previous step.
    let mut w = full([3], 1.0f64);
    for _ in 0..50 {
        w = (&w - 0.1 * &w).eval().unwrap();
        assert!(w.node().inputs().is_empty());
    }
    let want = 0.9f64.powi(50);
    for v in w.to_vec::<f64>().unwrap() {
        assert!((v - want).abs() < 1e-12);
    }
}

// ------------------------------------------------------------------------------------------
// Views share data
// ------------------------------------------------------------------------------------------

#[test]
fn views_of_realized_arrays_share_data() {
    let a = array([[1.0f32, 2.0, 3.0], [4.0, 5.0, 6.0]]);
    assert_eq!(a.strides(), Some(vec![12, 4]));
    let t = a.transpose().eval().unwrap();
    assert_eq!(
        t.strides(),
        Some(vec![4, 12]),
        "transpose must reverse the strides"
    );
    assert!(same_buffer(&a, &t));
    assert_eq!(
        t.to_vec::<f32>().unwrap(),
        vec![1.0, 4.0, 2.0, 5.0, 3.0, 6.0]
    );

    let cases: Vec<(Array, Vec<isize>)> = vec![
        (a.flip(1), vec![12, -4]),
        (a.flip(0), vec![-12, 4]),
        (a.slice(s![.., ..;2]), vec![12, 8]),
        (a.slice(s![..;-1, ..;-2]), vec![-12, -8]),
        (a.slice(s![.., 1]), vec![12]),
        (a.swapaxes(0, 1), vec![4, 12]),
        (a.permute(&[1, 0]), vec![4, 12]),
        (a.slice(s![1]).broadcast_to(&[4, 3]), vec![0, 4]),
        (a.diagonal(0), vec![16]),
    ];
    for (v, strides) in cases {
        let v = v.eval().unwrap();
        assert_eq!(v.strides(), Some(strides.clone()), "shape {:?}", v.shape());
        assert!(same_buffer(&a, &v), "view with strides {strides:?} copied");
    }
    // Contiguous views are slices of the same memory.
    let base = a.as_slice::<f32>().unwrap().as_ptr();
    let row = a.slice(s![1]).eval().unwrap();
    assert_eq!(
        row.as_slice::<f32>().unwrap().as_ptr(),
        base.wrapping_add(3)
    );
    let flat = a.reshape([6]).eval().unwrap();
    assert_eq!(flat.as_slice::<f32>().unwrap().as_ptr(), base);
    let ravel = a.ravel().eval().unwrap();
    assert_eq!(ravel.as_slice::<f32>().unwrap().as_ptr(), base);
    let e = a.expand_dims(0).eval().unwrap();
    assert_eq!(e.as_slice::<f32>().unwrap().as_ptr(), base);
    // flatten and copy do copy.
    let f = a.flatten().eval().unwrap();
    assert_ne!(f.as_slice::<f32>().unwrap().as_ptr(), base);
    let c = a.copy().eval().unwrap();
    assert!(!same_buffer(&a, &c));
    // Views of a computed result share its buffer too.
    let computed = (&a + 1.0).eval().unwrap();
    let view = computed.transpose().slice(s![1..]).eval().unwrap();
    assert!(same_buffer(&computed, &view));
    assert_eq!(view.to_vec::<f32>().unwrap(), vec![3.0, 6.0, 4.0, 7.0]);
}

#[test]
fn reshape_of_non_contiguous_views() {
    let a = array([[1i32, 2, 3], [4, 5, 6]]);
    let t = a.transpose();
    assert_eq!(
        t.reshape([6]).to_vec::<i32>().unwrap(),
        vec![1, 4, 2, 5, 3, 6]
    );
    assert_eq!(
        t.reshape([2, 3]).to_vec::<i32>().unwrap(),
        vec![1, 4, 2, 5, 3, 6]
    );
    assert_eq!(t.reshape([2, -1]).shape(), &[2, 3]);
    // Shapes of usize (from lengths) and of i64 name the same shape; a usize too big for
    // isize is a size error, never -1 ("infer").
    let (rows, cols) = (3usize, 2usize);
    assert_eq!(t.reshape([rows, cols]).shape(), &[3, 2]);
    assert_eq!(t.reshape([6i64]).shape(), &[6]);
    assert!(t.reshape([usize::MAX]).eval().is_err());
    assert_eq!(t.ravel().to_vec::<i32>().unwrap(), vec![1, 4, 2, 5, 3, 6]);
    assert_eq!(t.flatten().to_vec::<i32>().unwrap(), vec![1, 4, 2, 5, 3, 6]);
    // The same through realized views.
    let tr = a.transpose().eval().unwrap();
    assert_eq!(
        tr.reshape([3, 2]).to_vec::<i32>().unwrap(),
        vec![1, 4, 2, 5, 3, 6]
    );
    assert_eq!(
        tr.reshape([6])
            .reshape([2, 3])
            .transpose()
            .to_vec::<i32>()
            .unwrap(),
        vec![1, 5, 4, 3, 2, 6]
    );
    // Flipped and stepped views.
    assert_eq!(
        a.flip(1).reshape([6]).to_vec::<i32>().unwrap(),
        vec![3, 2, 1, 6, 5, 4]
    );
    assert_eq!(
        a.flip_all().reshape([3, 2]).to_vec::<i32>().unwrap(),
        vec![6, 5, 4, 3, 2, 1]
    );
    assert_eq!(
        a.slice(s![.., ..;2]).reshape([4]).to_vec::<i32>().unwrap(),
        vec![1, 3, 4, 6]
    );
    // A broadcast view reshaped.
    let b = array([1i32, 2]).broadcast_to(&[3, 2]);
    assert_eq!(
        b.reshape([2, 3]).to_vec::<i32>().unwrap(),
        vec![1, 2, 1, 2, 1, 2]
    );
    // A reshape the strides allow stays a view of a non-contiguous input (NumPy: no copy).
    let x = arange(0i64, 24, 1).reshape([4, 6]).eval().unwrap();
    let v = x.slice(s![.., ..;2]).eval().unwrap();
    let split = v.reshape([2, 2, 3]).eval().unwrap();
    assert!(same_buffer(&x, &split), "splitting an axis should not copy");
    assert_eq!(split.strides(), Some(vec![96, 48, 16]));
    assert_eq!(
        split.to_vec::<i64>().unwrap(),
        vec![0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22]
    );
    let unit = v.reshape([4, 1, 3]).eval().unwrap();
    assert!(same_buffer(&x, &unit));
    // Evenly spaced elements merge into one strided axis: still a view (as NumPy).
    let merged = v.reshape([12]).eval().unwrap();
    assert!(same_buffer(&x, &merged));
    assert_eq!(merged.strides(), Some(vec![16]));
    assert_eq!(
        merged.to_vec::<i64>().unwrap(),
        vec![0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22]
    );
    // One the strides cannot express must copy (row-major) and still be right.
    let w = x.slice(s![.., ..2]).eval().unwrap();
    let copied = w.reshape([8]).eval().unwrap();
    assert_eq!(
        copied.to_vec::<i64>().unwrap(),
        vec![0, 1, 6, 7, 12, 13, 18, 19]
    );
    assert_eq!(
        copied.as_slice::<i64>().unwrap(),
        &[0, 1, 6, 7, 12, 13, 18, 19]
    );
    // Zero-size views reshape freely.
    let empty = x.slice(s![.., 6..]);
    assert_eq!(empty.reshape([0, 5]).shape(), &[0, 5]);
    assert_eq!(
        empty.reshape([-1]).to_vec::<i64>().unwrap(),
        Vec::<i64>::new()
    );
}

/// Views of arrays with no elements: flips and slices of a nonempty axis next to an empty one
/// must give empty results (NumPy), whatever offset the view computes.
#[test]
fn views_of_empty_arrays() {
    let e = Array::from_vec(Vec::<f64>::new(), [0, 2]);
    let cases: Vec<(&str, Array, Vec<usize>)> = vec![
        ("flip(1)", e.flip(1), vec![0, 2]),
        ("[:, ::-1]", e.slice(s![.., ..;-1]), vec![0, 2]),
        ("[:, 1:]", e.slice(s![.., 1..]), vec![0, 1]),
        ("[:, 1]", e.slice(s![.., 1]), vec![0]),
        ("T[::-1]", e.transpose().slice(s![..;-1]), vec![2, 0]),
        ("flip_all", e.flip_all(), vec![0, 2]),
        ("flip(1) + 1", e.flip(1) + 1.0, vec![0, 2]),
        ("flip(1).sum(1)", e.flip(1).sum(1), vec![0]),
        ("flip(1).reshape(-1)", e.flip(1).reshape([-1]), vec![0]),
        ("flip(1).copy()", e.flip(1).copy(), vec![0, 2]),
    ];
    let mut wrong = Vec::new();
    for (name, a, shape) in cases {
        if a.shape() != &shape[..] {
            wrong.push(format!("{name}: shape {:?}", a.shape()));
            continue;
        }
        match a.to_vec::<f64>() {
            Ok(v) if v.is_empty() => {}
            other => wrong.push(format!("{name}: {other:?}")),
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // Reducing the empty axis of a flipped view gives the identity.
    assert_eq!(e.flip(1).sum(0).to_vec::<f64>().unwrap(), vec![0.0, 0.0]);
}

// ------------------------------------------------------------------------------------------
// s![] against hand-computed index arithmetic
// ------------------------------------------------------------------------------------------

/// `a` holds `value(i, j, k) = 12 i + 4 j + k` over shape [2, 3, 4].
fn check_slice(name: &str, args: Vec<SliceArg>, shape: &[usize], f: impl Fn(&[usize]) -> i32) {
    let lazy = arange(0, 24, 1).reshape([2, 3, 4]);
    let realized = lazy.eval().unwrap().copy().eval().unwrap();
    let want: Vec<i32> = indices(shape).iter().map(|i| f(i)).collect();
    for (kind, base) in [("lazy", &lazy), ("realized", &realized)] {
        let v = base.slice(args.clone());
        assert_eq!(v.shape(), shape, "{name} ({kind}): shape");
        assert_eq!(v.to_vec::<i32>().unwrap(), want, "{name} ({kind}): values");
    }
}

#[test]
fn slicing_matches_index_arithmetic() {
    let v = |i: usize, j: usize, k: usize| (12 * i + 4 * j + k) as i32;
    check_slice("[1]", s![1], &[3, 4], |x| v(1, x[0], x[1]));
    check_slice("[-1, 1:, ::-1]", s![-1, 1.., ..;-1], &[2, 4], |x| {
        v(1, 1 + x[0], 3 - x[1])
    });
    check_slice(
        "[:, None, 1::2, ::-1]",
        s![.., NewAxis, 1..;2, ..;-1],
        &[2, 1, 1, 4],
        |x| v(x[0], 1, 3 - x[3]),
    );
    check_slice("[..., -1]", s![Ellipsis, -1], &[2, 3], |x| v(x[0], x[1], 3));
    check_slice(
        "[1, ..., None]",
        s![1, Ellipsis, NewAxis],
        &[3, 4, 1],
        |x| v(1, x[0], x[1]),
    );
    check_slice(
        "[None, ..., None]",
        s![NewAxis, Ellipsis, NewAxis],
        &[1, 2, 3, 4, 1],
        |x| v(x[1], x[2], x[3]),
    );
    check_slice(
        "[::-1, ::-2, 3:0:-2]",
        s![..;-1, ..;-2, 3..0;-2],
        &[2, 2, 2],
        |x| v(1 - x[0], 2 - 2 * x[1], 3 - 2 * x[2]),
    );
    check_slice(
        "[:, -100:100, 2:4]",
        s![.., -100..100, 2..=3],
        &[2, 3, 2],
        |x| v(x[0], x[1], 2 + x[2]),
    );
    check_slice("[:, :-1]", s![.., ..=-2], &[2, 2, 4], |x| {
        v(x[0], x[1], x[2])
    });
    check_slice("[:, -2:]", s![.., -2..=-1], &[2, 2, 4], |x| {
        v(x[0], 1 + x[1], x[2])
    });
    check_slice("[:, 5:1:-1]", s![.., 5..1;-1], &[2, 1, 4], |x| {
        v(x[0], 2, x[2])
    });
    check_slice("[:, :, ::100]", s![.., .., ..;100], &[2, 3, 1], |x| {
        v(x[0], x[1], 0)
    });
    check_slice("[:, :, 100::-1]", s![.., .., 100..;-1], &[2, 3, 4], |x| {
        v(x[0], x[1], 3 - x[2])
    });
    check_slice("[:, :, -100::-1]", s![.., .., -100..;-1], &[2, 3, 0], |_| 0);
    check_slice("[0, 0, 0]", s![0, 0, 0], &[], |_| 0);
    check_slice("[-1, -1, -1]", s![-1, -1, -1], &[], |_| 23);
    check_slice("[:, 3:]", s![.., 3..], &[2, 0, 4], |_| 0);
    check_slice("[...]", s![Ellipsis], &[2, 3, 4], |x| v(x[0], x[1], x[2]));
    check_slice("[]", s![], &[2, 3, 4], |x| v(x[0], x[1], x[2]));
    check_slice(
        "[1:2, ..., 1::2]",
        s![1..2, Ellipsis, 1..;2],
        &[1, 3, 2],
        |x| v(1, x[1], 1 + 2 * x[2]),
    );
    check_slice(
        "[..., None, 0]",
        s![Ellipsis, NewAxis, 0],
        &[2, 3, 1],
        |x| v(x[0], x[1], 0),
    );
    check_slice(
        "[:, 2::-1, -1::-3]",
        s![.., 2..;-1, -1..;-3],
        &[2, 3, 2],
        |x| v(x[0], 2 - x[1], 3 - 3 * x[2]),
    );
    check_slice("[-3:-1]", s![-3..-1], &[1, 3, 4], |x| v(0, x[1], x[2]));
    // SliceArg written out directly, and usize / i64 bounds.
    let by_hand = vec![
        SliceArg::Index(1),
        SliceArg::Range {
            start: None,
            stop: None,
            step: -1,
        },
        SliceArg::NewAxis,
        SliceArg::Range {
            start: Some(1),
            stop: Some(-1),
            step: 1,
        },
    ];
    check_slice("by hand", by_hand, &[3, 1, 2], |x| v(1, 2 - x[0], 1 + x[2]));
    check_slice("usize", s![1usize, 0usize..2usize], &[2, 4], |x| {
        v(1, x[0], x[1])
    });
    check_slice("i64", s![..;2i64, 1i64], &[1, 4], |x| v(0, 1, x[1]));
    // Chains of slices compose.
    let a = arange(0, 24, 1).reshape([2, 3, 4]);
    let chained = a
        .slice(s![..;-1])
        .slice(s![.., 1..])
        .slice(s![0, NewAxis])
        .slice(s![.., .., ..;-3]);
    assert_eq!(chained.shape(), &[1, 2, 2]);
    assert_eq!(
        chained.to_vec::<i32>().unwrap(),
        vec![v(1, 1, 3), v(1, 1, 0), v(1, 2, 3), v(1, 2, 0)]
    );
}

// ------------------------------------------------------------------------------------------
// Reading data
// ------------------------------------------------------------------------------------------

#[test]
fn iteration_to_vec_item_as_slice() {
    let a = array([[1.5f32, 2.5], [3.5, 4.5]]);
    let t = a.transpose();
    assert_eq!(
        t.iter::<f32>().unwrap().collect::<Vec<_>>(),
        vec![1.5, 3.5, 2.5, 4.5]
    );
    assert_eq!(t.iter::<f32>().unwrap().len(), 4);
    assert_eq!(t.to_vec::<f32>().unwrap(), vec![1.5, 3.5, 2.5, 4.5]);
    // Reading a lazy array evaluates it.
    let lazy = &t * 2.0;
    assert_eq!(lazy.iter::<f32>().unwrap().sum::<f32>(), 24.0);
    assert!(lazy.is_realized());
    // item: 0-d and any size-1 shape, lazy or realized.
    assert_eq!(Array::scalar(7u16).item::<u16>().unwrap(), 7);
    assert_eq!(a.slice(s![1, 0]).item::<f32>().unwrap(), 3.5);
    assert_eq!(a.slice(s![1.., ..1]).item::<f32>().unwrap(), 3.5);
    assert_eq!(a.sum(..).item::<f32>().unwrap(), 12.0);
    assert_eq!(a.max(keepdims_all()).shape(), &[1, 1]);
    assert_eq!(a.max(keepdims_all()).item::<f32>().unwrap(), 4.5);
    // 0-d to_vec and empty to_vec.
    assert_eq!(Array::scalar(true).to_vec::<bool>().unwrap(), vec![true]);
    assert_eq!(
        zeros([0, 3], DType::I8).to_vec::<i8>().unwrap(),
        Vec::<i8>::new()
    );
    // as_slice: realized, contiguous data without copying.
    let r = (&a + 1.0).eval().unwrap();
    let s1 = r.as_slice::<f32>().unwrap();
    assert_eq!(s1, &[2.5, 3.5, 4.5, 5.5]);
    assert_eq!(s1.as_ptr(), r.as_slice::<f32>().unwrap().as_ptr());
    // contiguous_bytes: native-endian row-major bytes.
    let bytes = t.contiguous_bytes().unwrap();
    let want: Vec<u8> = [1.5f32, 3.5, 2.5, 4.5]
        .iter()
        .flat_map(|x| x.to_ne_bytes())
        .collect();
    assert_eq!(bytes, want);
    // Display and Debug evaluate.
    let shown = format!("{}", array([1i32, 2]) + 1);
    assert!(shown.contains('2') && shown.contains('3'), "{shown}");
}

fn keepdims_all() -> numcrane::Axes {
    numcrane::keepdims(..)
}

/// Evaluated results of creation functions are ordinary C-contiguous arrays in NumPy; reading
/// them without a copy must work.
#[test]
fn as_slice_of_evaluated_creation_results() {
    let cases: Vec<(&str, Array, Vec<f64>)> = vec![
        ("zeros", zeros([2, 2], DType::F64), vec![0.0; 4]),
        ("ones", ones([3], DType::F64), vec![1.0; 3]),
        ("full", full([2], 2.5f64), vec![2.5; 2]),
        ("arange", arange(0.0, 3.0, 1.0), vec![0.0, 1.0, 2.0]),
        (
            "linspace",
            numcrane::linspace(0.0, 1.0, 3),
            vec![0.0, 0.5, 1.0],
        ),
        (
            "eye",
            numcrane::eye(2, DType::F64),
            vec![1.0, 0.0, 0.0, 1.0],
        ),
        (
            "zeros_like",
            numcrane::zeros_like(&array([1.0, 2.0])),
            vec![0.0; 2],
        ),
        ("full + 0", full([2], 2.5f64) + 0.0, vec![2.5; 2]),
    ];
    let mut wrong = Vec::new();
    for (name, a, want) in cases {
        let a = a.eval().unwrap();
        match a.as_slice::<f64>() {
            Ok(s) if s == &want[..] => {}
            Ok(s) => wrong.push(format!("{name}: {s:?}")),
            Err(e) => wrong.push(format!("{name}: {e} (strides {:?})", a.strides())),
        }
    }
    assert!(
        wrong.is_empty(),
        "as_slice failed on evaluated:\n{}",
        wrong.join("\n")
    );
}

// ------------------------------------------------------------------------------------------
// eval_all
// ------------------------------------------------------------------------------------------

#[test]
fn eval_all_evaluates_together() {
    let a = arange(0.0, 8.0, 1.0);
    let shared = (&a * 0.5).exp();
    let total = shared.sum(..);
    let shifted = &shared + 1.0;
    let view = shared.reshape([2, 4]).transpose();
    eval_all(&[&total, &shifted, &view]).unwrap();
    for x in [&total, &shifted, &view] {
        assert!(x.is_realized());
    }
    let want: Vec<f64> = (0..8).map(|i| (i as f64 * 0.5).exp()).collect();
    let sum = total.item::<f64>().unwrap();
    assert!((sum - want.iter().sum::<f64>()).abs() < 1e-9);
    let sh = shifted.to_vec::<f64>().unwrap();
    for (x, w) in sh.iter().zip(&want) {
        assert!((x - (w + 1.0)).abs() < 1e-12);
    }
    assert_eq!(view.shape(), &[4, 2]);
    let vt = view.to_vec::<f64>().unwrap();
    assert_eq!(
        vt[1],
        shared
            .reshape([2, 4])
            .slice(s![1, 0])
            .item::<f64>()
            .unwrap()
    );
    // Same results as evaluating separately.
    let again = (&(&a * 0.5).exp() + 1.0).to_vec::<f64>().unwrap();
    assert_eq!(again, sh);
    // Empty list, duplicates, already realized arrays.
    eval_all(&[]).unwrap();
    let d = &a + 2.0;
    eval_all(&[&d, &d, &a, &total]).unwrap();
    assert_eq!(d.to_vec::<f64>().unwrap()[7], 9.0);
    // An error in any root is returned.
    let bad = &a + &zeros([3], DType::F64);
    let e = eval_all(&[&d, &bad]).unwrap_err();
    assert!(matches!(e, Error::ShapeMismatch { op: "add", .. }), "{e:?}");
}

// ------------------------------------------------------------------------------------------
// NEP 50 weak scalars
// ------------------------------------------------------------------------------------------

/// Every operator with a Rust scalar on either side, as `(name, result)`, in the order of
/// the table below: op then side (l: array op scalar, r: scalar op array).
macro_rules! all_ops {
    ($a:expr, $s:expr) => {{
        let a: &Array = $a;
        let s = $s;
        vec![
            ("+l", a + s),
            ("+r", s + a),
            ("-l", a - s),
            ("-r", s - a),
            ("*l", a * s),
            ("*r", s * a),
            ("/l", a / s),
            ("/r", s / a),
            ("%l", a % s),
            ("%r", s % a),
            ("&l", a & s),
            ("&r", s & a),
            ("|l", a | s),
            ("|r", s | a),
            ("^l", a ^ s),
            ("^r", s ^ a),
            ("<<l", a << s),
            ("<<r", s << a),
            (">>l", a >> s),
            (">>r", s >> a),
            ("**l", power(a, s)),
            ("**r", power(s, a)),
            ("//l", floor_divide(a, s)),
            ("//r", floor_divide(s, a)),
            ("<l", less(a, s)),
            ("<r", less(s, a)),
            ("==l", equal(a, s)),
            ("==r", equal(s, a)),
        ]
    }};
}

/// The dtype NumPy 2.4 gives (None: it raises TypeError) for `op(np.array([1, 2], dtype),
/// scalar)` and `op(scalar, array)` with the Python scalars True, 2 and 2.0; the operators
/// for + - * / % & | ^ << >>, and np.power, np.floor_divide, np.less, np.equal for the
/// functions (`bool_array ** 2` would take NumPy's square fast path, giving int8).
#[rustfmt::skip]
const NEP50: [(&str, &str, [Option<DType>; 28]); 12] = {
    use DType::*;
    [
    // f32 with true: +l +r -l -r *l *r /l /r %l %r &l &r |l |r ^l ^r <<l <<r >>l >>r **l **r //l //r <l <r ==l ==r
    ("f32", "true", [Some(F32), Some(F32), Some(F32), Some(F32), Some(F32), Some(F32), Some(F32), Some(F32), Some(F32), Some(F32), None, None, None, None, None, None, None, None, None, None, Some(F32), Some(F32), Some(F32), Some(F32), Some(Bool), Some(Bool), Some(Bool), Some(Bool)]),
    // f32 with 2: +l +r -l -r *l *r /l /r %l %r &l &r |l |r ^l ^r <<l <<r >>l >>r **l **r //l //r <l <r ==l ==r
    ("f32", "2", [Some(F32), Some(F32), Some(F32), Some(F32), Some(F32), Some(F32), Some(F32), Some(F32), Some(F32), Some(F32), None, None, None, None, None, None, None, None, None, None, Some(F32), Some(F32), Some(F32), Some(F32), Some(Bool), Some(Bool), Some(Bool), Some(Bool)]),
    // f32 with 2.0: +l +r -l -r *l *r /l /r %l %r &l &r |l |r ^l ^r <<l <<r >>l >>r **l **r //l //r <l <r ==l ==r
    ("f32", "2.0", [Some(F32), Some(F32), Some(F32), Some(F32), Some(F32), Some(F32), Some(F32), Some(F32), Some(F32), Some(F32), None, None, None, None, None, None, None, None, None, None, Some(F32), Some(F32), Some(F32), Some(F32), Some(Bool), Some(Bool), Some(Bool), Some(Bool)]),
    // i8 with true: +l +r -l -r *l *r /l /r %l %r &l &r |l |r ^l ^r <<l <<r >>l >>r **l **r //l //r <l <r ==l ==r
    ("i8", "true", [Some(I8), Some(I8), Some(I8), Some(I8), Some(I8), Some(I8), Some(F64), Some(F64), Some(I8), Some(I8), Some(I8), Some(I8), Some(I8), Some(I8), Some(I8), Some(I8), Some(I8), Some(I8), Some(I8), Some(I8), Some(I8), Some(I8), Some(I8), Some(I8), Some(Bool), Some(Bool), Some(Bool), Some(Bool)]),
    // i8 with 2: +l +r -l -r *l *r /l /r %l %r &l &r |l |r ^l ^r <<l <<r >>l >>r **l **r //l //r <l <r ==l ==r
    ("i8", "2", [Some(I8), Some(I8), Some(I8), Some(I8), Some(I8), Some(I8), Some(F64), Some(F64), Some(I8), Some(I8), Some(I8), Some(I8), Some(I8), Some(I8), Some(I8), Some(I8), Some(I8), Some(I8), Some(I8), Some(I8), Some(I8), Some(I8), Some(I8), Some(I8), Some(Bool), Some(Bool), Some(Bool), Some(Bool)]),
    // i8 with 2.0: +l +r -l -r *l *r /l /r %l %r &l &r |l |r ^l ^r <<l <<r >>l >>r **l **r //l //r <l <r ==l ==r
    ("i8", "2.0", [Some(F64), Some(F64), Some(F64), Some(F64), Some(F64), Some(F64), Some(F64), Some(F64), Some(F64), Some(F64), None, None, None, None, None, None, None, None, None, None, Some(F64), Some(F64), Some(F64), Some(F64), Some(Bool), Some(Bool), Some(Bool), Some(Bool)]),
    // u8 with true: +l +r -l -r *l *r /l /r %l %r &l &r |l |r ^l ^r <<l <<r >>l >>r **l **r //l //r <l <r ==l ==r
    ("u8", "true", [Some(U8), Some(U8), Some(U8), Some(U8), Some(U8), Some(U8), Some(F64), Some(F64), Some(U8), Some(U8), Some(U8), Some(U8), Some(U8), Some(U8), Some(U8), Some(U8), Some(U8), Some(U8), Some(U8), Some(U8), Some(U8), Some(U8), Some(U8), Some(U8), Some(Bool), Some(Bool), Some(Bool), Some(Bool)]),
    // u8 with 2: +l +r -l -r *l *r /l /r %l %r &l &r |l |r ^l ^r <<l <<r >>l >>r **l **r //l //r <l <r ==l ==r
    ("u8", "2", [Some(U8), Some(U8), Some(U8), Some(U8), Some(U8), Some(U8), Some(F64), Some(F64), Some(U8), Some(U8), Some(U8), Some(U8), Some(U8), Some(U8), Some(U8), Some(U8), Some(U8), Some(U8), Some(U8), Some(U8), Some(U8), Some(U8), Some(U8), Some(U8), Some(Bool), Some(Bool), Some(Bool), Some(Bool)]),
    // u8 with 2.0: +l +r -l -r *l *r /l /r %l %r &l &r |l |r ^l ^r <<l <<r >>l >>r **l **r //l //r <l <r ==l ==r
    ("u8", "2.0", [Some(F64), Some(F64), Some(F64), Some(F64), Some(F64), Some(F64), Some(F64), Some(F64), Some(F64), Some(F64), None, None, None, None, None, None, None, None, None, None, Some(F64), Some(F64), Some(F64), Some(F64), Some(Bool), Some(Bool), Some(Bool), Some(Bool)]),
    // bool with true: +l +r -l -r *l *r /l /r %l %r &l &r |l |r ^l ^r <<l <<r >>l >>r **l **r //l //r <l <r ==l ==r
    ("bool", "true", [Some(Bool), Some(Bool), None, None, Some(Bool), Some(Bool), Some(F64), Some(F64), Some(I8), Some(I8), Some(Bool), Some(Bool), Some(Bool), Some(Bool), Some(Bool), Some(Bool), Some(I8), Some(I8), Some(I8), Some(I8), Some(I8), Some(I8), Some(I8), Some(I8), Some(Bool), Some(Bool), Some(Bool), Some(Bool)]),
    // bool with 2: +l +r -l -r *l *r /l /r %l %r &l &r |l |r ^l ^r <<l <<r >>l >>r **l **r //l //r <l <r ==l ==r
    ("bool", "2", [Some(I64), Some(I64), Some(I64), Some(I64), Some(I64), Some(I64), Some(F64), Some(F64), Some(I64), Some(I64), Some(I64), Some(I64), Some(I64), Some(I64), Some(I64), Some(I64), Some(I64), Some(I64), Some(I64), Some(I64), Some(I64), Some(I64), Some(I64), Some(I64), Some(Bool), Some(Bool), Some(Bool), Some(Bool)]),
    // bool with 2.0: +l +r -l -r *l *r /l /r %l %r &l &r |l |r ^l ^r <<l <<r >>l >>r **l **r //l //r <l <r ==l ==r
    ("bool", "2.0", [Some(F64), Some(F64), Some(F64), Some(F64), Some(F64), Some(F64), Some(F64), Some(F64), Some(F64), Some(F64), None, None, None, None, None, None, None, None, None, None, Some(F64), Some(F64), Some(F64), Some(F64), Some(Bool), Some(Bool), Some(Bool), Some(Bool)]),
    ]
};

#[test]
fn nep50_weak_scalars_on_both_sides() {
    let arrays = [
        ("f32", array([1.0f32, 2.0])),
        ("i8", array([1i8, 2])),
        ("u8", array([1u8, 2])),
        ("bool", array([true, false])),
    ];
    let mut wrong = Vec::new();
    for (aname, a) in &arrays {
        for (sname, results) in [
            ("true", all_ops!(a, true)),
            ("2", all_ops!(a, 2i32)),
            ("2.0", all_ops!(a, 2.0f64)),
        ] {
            let row = NEP50
                .iter()
                .find(|(x, y, _)| x == aname && *y == sname)
                .expect("table row");
            for ((op, r), want) in results.iter().zip(row.2) {
                let got = match (r.error(), r.eval()) {
                    (None, Ok(v)) => Some(v.dtype()),
                    (None, Err(e)) => {
                        wrong.push(format!("{aname} {op} {sname}: eval error {e}"));
                        continue;
                    }
                    (Some(_), _) => None,
                };
                if got != want {
                    wrong.push(format!(
                        "{aname} {op} {sname}: numcrane {got:?}, NumPy {want:?} ({:?})",
                        r.error()
                    ));
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} mismatches:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

#[test]
fn nep50_values_and_unary_operators() {
    let f = array([1.0f32, 2.0]);
    let i = array([100i8, -100]);
    let u = array([1u8, 200]);
    let b = array([true, false]);
    // The scalar takes the array's dtype, with the array's wrapping arithmetic.
    assert_eq!((&u + 255).to_vec::<u8>().unwrap(), vec![0, 199]);
    assert_eq!((&i + 100).to_vec::<i8>().unwrap(), vec![-56, 0]);
    assert_eq!((2i32 * &i).to_vec::<i8>().unwrap(), vec![-56, 56]);
    assert_eq!(
        (&f / 3).to_vec::<f32>().unwrap(),
        vec![1.0f32 / 3.0, 2.0f32 / 3.0]
    );
    // A float scalar with an integer array gives float64; with float32 stays float32.
    assert_eq!((&i * 0.5).to_vec::<f64>().unwrap(), vec![50.0, -50.0]);
    assert_eq!(
        (0.1f64 + &f).to_vec::<f32>().unwrap(),
        vec![1.0f32 + 0.1f32, 2.0f32 + 0.1f32]
    );
    // bool with an integer scalar is int64; with a bool scalar stays bool.
    assert_eq!((&b + 1).dtype(), DType::I64);
    assert_eq!((&b | true).to_vec::<bool>().unwrap(), vec![true, true]);
    // Rust's integer types are all "weak": an i64 or u64 scalar does not widen an int8 array.
    assert_eq!((&i + 1i64).dtype(), DType::I8);
    assert_eq!((&u * 2u64).dtype(), DType::U8);
    assert_eq!((&u - 1usize).dtype(), DType::U8);
    assert_eq!((&f + 1e10f64).dtype(), DType::F32);
    // Unary operators keep the dtype (wrapping), or are undefined where NumPy says so.
    assert_eq!((-&f).dtype(), DType::F32);
    assert_eq!((-&i).to_vec::<i8>().unwrap(), vec![-100, 100]);
    assert_eq!((-&u).to_vec::<u8>().unwrap(), vec![255, 56]);
    assert_eq!((!&u).to_vec::<u8>().unwrap(), vec![254, 55]);
    assert_eq!((!&i).to_vec::<i8>().unwrap(), vec![-101, 99]);
    assert_eq!((!&b).to_vec::<bool>().unwrap(), vec![false, true]);
    assert!((-&b).error().is_some());
    assert!((!&f).error().is_some());
    // where_ and clip with weak scalars (NumPy 2: clip bounds beyond the dtype are fine).
    let w = numcrane::where_(&b, &u, 7);
    assert_eq!(
        (w.dtype(), w.to_vec::<u8>().unwrap()),
        (DType::U8, vec![1, 7])
    );
    let w = numcrane::where_(&b, 1.5, &f);
    assert_eq!(w.dtype(), DType::F32);
    let c = clip(&array([1i8, 100, -5]), 0, 1000);
    assert_eq!(c.error(), None);
    assert_eq!(
        (c.dtype(), c.to_vec::<i8>().unwrap()),
        (DType::I8, vec![1, 100, 0])
    );
}

// ------------------------------------------------------------------------------------------
// Deep graphs, dropping, threads
// ------------------------------------------------------------------------------------------

/// Runs `f` on a thread with a small stack: recursion over graph depth would overflow it.
fn with_small_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap();
}

#[test]
fn deep_chain_of_additions() {
    with_small_stack(|| {
        const N: usize = 100_000;
        let mut x = zeros([4], DType::F32);
        for _ in 0..N {
            x = &x + 1.0;
        }
        assert!(!x.is_realized());
        assert_eq!(x.to_vec::<f32>().unwrap(), vec![N as f32; 4]);
        drop(x);
        // Built and dropped without evaluating.
        let mut y = array([1i64]);
        for _ in 0..N {
            y = &y + 1;
        }
        assert_eq!(y.shape(), &[1]);
        drop(y);
        // Two inputs per step (a ladder, every node used twice).
        let mut p = array([1.0f64]);
        let mut q = array([0.0f64]);
        for _ in 0..N / 2 {
            let np = 0.5 * (&p + &q);
            q = 0.5 * (&p - &q);
            p = np;
        }
        assert!(p.eval().unwrap().item::<f64>().unwrap().is_finite());
        drop((p, q));
        // A deep chain of views.
        let mut v = arange(0.0f64, 6.0, 1.0);
        for k in 0..N {
            v = if k % 2 == 0 {
                v.reshape([2, 3]).transpose()
            } else {
                v.transpose().reshape([6])
            };
        }
        assert_eq!(
            v.to_vec::<f64>().unwrap(),
            vec![0.0, 1.0, 2.0, 3.0, 4.0, 5.0]
        );
        // A poisoned node at the bottom of a deep chain.
        let mut bad = array([1.0, 2.0, 3.0]) + array([1.0, 2.0]);
        for _ in 0..N {
            bad = &bad * 2.0;
        }
        assert!(matches!(bad.eval(), Err(Error::ShapeMismatch { .. })));
    });
}

#[test]
fn dropping_intermediate_arrays() {
    let a = arange(0.0f64, 6.0, 1.0);
    let t = &a + 1.0;
    let u = &t * 2.0;
    let w = u.reshape([2, 3]).sum(1);
    drop(t);
    drop(u);
    drop(a);
    assert_eq!(w.to_vec::<f64>().unwrap(), vec![12.0, 30.0]);
    // Keep intermediates alive in a Vec, evaluate the last, drop them in several orders.
    let mut chain = vec![array([1i32, 2, 3])];
    for k in 0..1000 {
        let next = chain.last().unwrap() + (k % 3);
        chain.push(next);
    }
    let last = chain.last().unwrap().clone();
    let mid = chain[500].clone();
    assert_eq!(last.to_vec::<i32>().unwrap(), vec![1000, 1001, 1002]);
    while let Some(x) = chain.pop() {
        drop(x);
    }
    // Intermediates were not realized by evaluating `last`; they still evaluate on their own.
    assert_eq!(mid.to_vec::<i32>().unwrap(), vec![500, 501, 502]);
    // A view outlives the array it was taken from.
    let view = {
        let base = (arange(0, 6, 1) * 10).eval().unwrap();
        base.reshape([2, 3]).transpose().slice(s![1])
    };
    assert_eq!(view.to_vec::<i32>().unwrap(), vec![10, 40]);
}

#[test]
fn arrays_are_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Array>();
    assert_send_sync::<Error>();

    let a = arange(0.0f64, 1000.0, 1.0);
    let y = ((&a * 2.0).sin() + 1.0).sum(..);
    let v = (&a * 3.0).reshape([10, 100]).transpose();
    assert!(!y.is_realized());
    let barrier = Arc::new(Barrier::new(4));
    let handles: Vec<_> = (0..4)
        .map(|t| {
            let (y, v, a, barrier) = (y.clone(), v.clone(), a.clone(), barrier.clone());
            std::thread::spawn(move || {
                barrier.wait();
                let sum = y.eval().unwrap().item::<f64>().unwrap();
                let vv = v.to_vec::<f64>().unwrap();
                let own = (&a + t as f64).sum(..).item::<f64>().unwrap();
                (sum, vv, own)
            })
        })
        .collect();
    let results: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    let want: f64 = (0..1000).map(|i| (2.0 * i as f64).sin() + 1.0).sum();
    for (t, (sum, vv, own)) in results.iter().enumerate() {
        assert_eq!(
            sum.to_bits(),
            results[0].0.to_bits(),
            "thread {t} got other bits"
        );
        assert!((sum - want).abs() < 1e-9);
        assert_eq!(vv, &results[0].1);
        assert_eq!(vv[1], 300.0);
        assert_eq!(*own, 499_500.0 + 1000.0 * t as f64);
    }
    // Shared references across scoped threads.
    let z = (&a * 2.0).eval().unwrap();
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                assert_eq!(z.as_slice::<f64>().unwrap()[10], 20.0);
                assert_eq!(
                    z.slice(s![..;-1]).slice(s![0]).item::<f64>().unwrap(),
                    1998.0
                );
            });
        }
    });
}

// ------------------------------------------------------------------------------------------
// Property tests: view chains and broadcasting against naive index arithmetic
// ------------------------------------------------------------------------------------------

/// A plain row-major array: the model the views are checked against.
#[derive(Clone, Debug)]
struct Model {
    shape: Vec<usize>,
    data: Vec<i64>,
}

impl Model {
    fn get(&self, idx: &[usize]) -> i64 {
        let mut flat = 0;
        for (i, n) in idx.iter().zip(&self.shape) {
            flat = flat * n + i;
        }
        self.data[flat]
    }
    fn build(shape: Vec<usize>, f: impl Fn(&[usize]) -> i64) -> Model {
        let data = indices(&shape).iter().map(|i| f(i)).collect();
        Model { shape, data }
    }
}

/// Python's slice semantics, walked one step at a time: the positions a[start:stop:step] picks.
fn py_slice(start: Option<isize>, stop: Option<isize>, step: isize, n: usize) -> Vec<usize> {
    let n = n as isize;
    let mut out = Vec::new();
    if step > 0 {
        let clamp = |v: isize| if v < 0 { (v + n).max(0) } else { v.min(n) };
        let (mut i, end) = (start.map(clamp).unwrap_or(0), stop.map(clamp).unwrap_or(n));
        while i < end {
            out.push(i as usize);
            i += step;
        }
    } else {
        let clamp = |v: isize| if v < 0 { (v + n).max(-1) } else { v.min(n - 1) };
        let (mut i, end) = (
            start.map(clamp).unwrap_or(n - 1),
            stop.map(clamp).unwrap_or(-1),
        );
        while i > end {
            out.push(i as usize);
            i += step;
        }
    }
    out
}

/// A tiny deterministic generator driving each step of a chain from one seed.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn range(&mut self, lo: isize, hi: isize) -> isize {
        lo + self.below((hi - lo + 1) as usize) as isize
    }
}

/// Applies one random view step to both the array and the model; returns its description.
fn view_step(a: &Array, m: &Model, rng: &mut Rng) -> (Array, Model, String) {
    let nd = m.shape.len();
    let size = m.data.len();
    match rng.below(9) {
        // transpose with a random permutation
        0 if nd > 0 => {
            let mut perm: Vec<usize> = (0..nd).collect();
            for i in (1..nd).rev() {
                perm.swap(i, rng.below(i + 1));
            }
            let shape: Vec<usize> = perm.iter().map(|&p| m.shape[p]).collect();
            let model = Model::build(shape, |idx| {
                let mut src = vec![0; nd];
                for (i, &p) in perm.iter().enumerate() {
                    src[p] = idx[i];
                }
                m.get(&src)
            });
            let axes: Vec<isize> = perm.iter().map(|&p| p as isize).collect();
            (a.permute(&axes), model, format!("permute({axes:?})"))
        }
        // slice every axis with random bounds and steps, an integer index or a new axis
        1 | 2 => {
            let mut args = Vec::new();
            let mut picks: Vec<Option<Vec<usize>>> = Vec::new(); // None: new axis
            let mut desc = Vec::new();
            for &n in &m.shape {
                if rng.below(8) == 0 {
                    args.push(SliceArg::NewAxis);
                    picks.push(None);
                    desc.push("None".to_string());
                }
                let ni = n as isize;
                if n > 0 && rng.below(6) == 0 {
                    let i = rng.range(-ni, ni - 1);
                    args.push(SliceArg::Index(i));
                    let pos = if i < 0 { i + ni } else { i } as usize;
                    picks.push(Some(vec![pos, usize::MAX])); // marker: dropped axis
                    desc.push(format!("{i}"));
                    continue;
                }
                let bound = |rng: &mut Rng| {
                    if rng.below(4) == 0 {
                        None
                    } else {
                        Some(rng.range(-ni - 2, ni + 2))
                    }
                };
                let (start, stop) = (bound(rng), bound(rng));
                let mut step = rng.range(-3, 3);
                if step == 0 {
                    step = 1;
                }
                args.push(SliceArg::Range { start, stop, step });
                picks.push(Some(py_slice(start, stop, step, n)));
                desc.push(format!("{start:?}:{stop:?}:{step}"));
            }
            if rng.below(8) == 0 {
                args.push(SliceArg::NewAxis);
                picks.push(None);
                desc.push("None".to_string());
            }
            // The model: output axes are new axes (len 1) and ranges; indices drop out.
            let mut shape = Vec::new();
            for p in &picks {
                match p {
                    None => shape.push(1),
                    Some(v) if v.last() == Some(&usize::MAX) => {}
                    Some(v) => shape.push(v.len()),
                }
            }
            let model = Model::build(shape, |idx| {
                let mut src = Vec::new();
                let mut o = 0;
                for p in &picks {
                    match p {
                        None => o += 1,
                        Some(v) if v.last() == Some(&usize::MAX) => src.push(v[0]),
                        Some(v) => {
                            src.push(v[idx[o]]);
                            o += 1;
                        }
                    }
                }
                m.get(&src)
            });
            (a.slice(args), model, format!("slice[{}]", desc.join(", ")))
        }
        // flip one axis
        3 if nd > 0 => {
            let ax = rng.below(nd);
            let model = Model::build(m.shape.clone(), |idx| {
                let mut src = idx.to_vec();
                src[ax] = m.shape[ax] - 1 - idx[ax];
                m.get(&src)
            });
            let axis = if rng.below(2) == 0 {
                ax as isize
            } else {
                ax as isize - nd as isize
            };
            (a.flip(axis), model, format!("flip({axis})"))
        }
        // reshape to a random factorisation of the size (row-major data unchanged)
        4 | 5 => {
            let mut shape = Vec::new();
            let mut rest = size;
            let parts = rng.below(4);
            for _ in 0..parts {
                let divisors: Vec<usize> = (1..=rest.min(6))
                    .filter(|d| rest.is_multiple_of(*d))
                    .collect();
                let d = if rest == 0 {
                    rng.below(3)
                } else {
                    divisors[rng.below(divisors.len())]
                };
                shape.push(d);
                rest = rest.checked_div(d).unwrap_or(0);
            }
            shape.push(rest);
            if size == 0 && !shape.contains(&0) {
                shape.push(0);
            }
            // Sometimes let -1 stand for one dimension (never beside a 0).
            let mut dims: Vec<isize> = shape.iter().map(|&d| d as isize).collect();
            if !shape.contains(&0) && rng.below(2) == 0 {
                let k = rng.below(dims.len());
                dims[k] = -1;
            }
            let model = Model {
                shape: shape.clone(),
                data: m.data.clone(),
            };
            (a.reshape(dims.clone()), model, format!("reshape({dims:?})"))
        }
        // broadcast: stretch unit axes and maybe add a leading one
        6 if size <= 200 => {
            let mut shape: Vec<usize> = m
                .shape
                .iter()
                .map(|&d| if d == 1 { rng.below(4) } else { d })
                .collect();
            if rng.below(2) == 0 {
                shape.insert(0, 1 + rng.below(3));
            }
            let lead = shape.len() - nd;
            let model = Model::build(shape.clone(), |idx| {
                let src: Vec<usize> = (0..nd)
                    .map(|i| if m.shape[i] == 1 { 0 } else { idx[lead + i] })
                    .collect();
                m.get(&src)
            });
            (
                a.broadcast_to(&shape),
                model,
                format!("broadcast_to({shape:?})"),
            )
        }
        // insert or remove unit axes, swap two axes
        7 => {
            let ax = rng.below(nd + 1);
            let mut shape = m.shape.clone();
            shape.insert(ax, 1);
            let model = Model {
                shape,
                data: m.data.clone(),
            };
            (
                a.expand_dims(ax as isize),
                model,
                format!("expand_dims({ax})"),
            )
        }
        8 if nd >= 2 => {
            let (x, y) = (rng.below(nd), rng.below(nd));
            let mut shape = m.shape.clone();
            shape.swap(x, y);
            let model = Model::build(shape, |idx| {
                let mut src = idx.to_vec();
                src.swap(x, y);
                m.get(&src)
            });
            (
                a.swapaxes(x as isize, y as isize),
                model,
                format!("swapaxes({x}, {y})"),
            )
        }
        _ => {
            let shape: Vec<usize> = m.shape.iter().copied().filter(|&d| d != 1).collect();
            let model = Model {
                shape,
                data: m.data.clone(),
            };
            (a.squeeze(), model, "squeeze".to_string())
        }
    }
}

fn small_shape() -> impl Strategy<Value = Vec<usize>> {
    prop::collection::vec(0usize..5, 0..=4)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 1000,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// Random view chains (with random evaluation points) against the naive model.
    #[test]
    fn view_chains_match_naive_indexing(
        shape in small_shape(),
        seeds in prop::collection::vec(any::<u64>(), 0..8),
        lazy_base in any::<bool>(),
        eval_mask in any::<u8>(),
    ) {
        let n: usize = shape.iter().product();
        let mut m = Model { shape: shape.clone(), data: (0..n as i64).map(|x| x * 3 - 7).collect() };
        let mut a = if lazy_base {
            (arange(0i64, n as i64, 1) * 3 - 7).reshape(shape.iter().map(|&d| d as isize).collect::<Vec<_>>())
        } else {
            Array::from_vec(m.data.clone(), shape.clone())
        };
        let mut log = Vec::new();
        for (k, seed) in seeds.iter().enumerate() {
            let mut rng = Rng(*seed);
            let (next, model, desc) = view_step(&a, &m, &mut rng);
            log.push(desc);
            prop_assert!(next.error().is_none(), "{:?}: {:?}", log, next.error());
            a = next;
            m = model;
            prop_assert_eq!(a.shape(), &m.shape[..], "{:?}", log);
            if eval_mask & (1 << (k % 8)) != 0 {
                a = a.eval().unwrap();
            }
        }
        let got = a.to_vec::<i64>();
        prop_assert!(got.is_ok(), "{:?} from shape {:?}: {:?}", log, shape, got);
        prop_assert_eq!(got.unwrap(), m.data.clone(), "{:?}", log);
        // Element-wise work over the (possibly strided) result.
        let want: Vec<i64> = m.data.iter().map(|x| x * 2 + 1).collect();
        prop_assert_eq!((&a * 2 + 1).to_vec::<i64>().unwrap(), want, "{:?}", log);
        prop_assert_eq!(a.sum(..).item::<i64>().unwrap(), m.data.iter().sum::<i64>(), "{:?}", log);
        // A copy is contiguous and equal.
        let c = a.copy().eval().unwrap();
        prop_assert_eq!(c.as_slice::<i64>().unwrap(), &m.data[..], "{:?}", log);
    }

    /// Random pairs of shapes: add broadcasts as NumPy (or reports the mismatch).
    #[test]
    fn broadcasting_add_matches_naive_loop(
        out in small_shape(),
        drop_a in 0usize..5,
        drop_b in 0usize..5,
        ones_a in any::<u8>(),
        ones_b in any::<u8>(),
        spoil in any::<u8>(),
    ) {
        let derive = |drop: usize, ones: u8| -> Vec<usize> {
            let lead = drop.min(out.len());
            out[lead..]
                .iter()
                .enumerate()
                .map(|(i, &d)| if ones & (1 << i) != 0 { 1 } else { d })
                .collect()
        };
        let sa = derive(drop_a, ones_a);
        let mut sb = derive(drop_b, ones_b);
        // Sometimes make the shapes clash on one axis.
        if spoil % 4 == 0 && !sb.is_empty() {
            let i = spoil as usize / 4 % sb.len();
            sb[i] += 2;
        }
        let na: usize = sa.iter().product();
        let nb: usize = sb.iter().product();
        let a = Array::from_vec((0..na as i32).collect::<Vec<_>>(), sa.clone());
        let b = Array::from_vec((0..nb).map(|x| x as f64 * 0.5).collect::<Vec<_>>(), sb.clone());
        let r = &a + &b;
        // The naive broadcast rule.
        let nd = sa.len().max(sb.len());
        let dim = |s: &[usize], i: usize| if i < nd - s.len() { 1 } else { s[i - (nd - s.len())] };
        let mut shape = Vec::new();
        let mut ok = true;
        for i in 0..nd {
            let (x, y) = (dim(&sa, i), dim(&sb, i));
            if x == y || y == 1 { shape.push(x) } else if x == 1 { shape.push(y) } else { ok = false }
        }
        if !ok {
            match r.eval() {
                Err(Error::ShapeMismatch { op: "add", lhs, rhs, .. }) => {
                    prop_assert_eq!(lhs.0, sa);
                    prop_assert_eq!(rhs.0, sb);
                }
                other => prop_assert!(false, "{:?} + {:?}: expected ShapeMismatch, got {:?}", sa, sb, other.err()),
            }
            return Ok(());
        }
        prop_assert_eq!(r.shape(), &shape[..]);
        prop_assert_eq!(r.dtype(), DType::F64);
        let ma = Model::build(sa.clone(), |i| {
            let mut f = 0;
            for (x, n) in i.iter().zip(&sa) { f = f * n + x; }
            f as i64
        });
        let mb = Model::build(sb.clone(), |i| {
            let mut f = 0;
            for (x, n) in i.iter().zip(&sb) { f = f * n + x; }
            f as i64
        });
        let pick = |s: &[usize], idx: &[usize]| -> Vec<usize> {
            let lead = nd - s.len();
            (0..s.len()).map(|i| if s[i] == 1 { 0 } else { idx[lead + i] }).collect()
        };
        let want: Vec<f64> = indices(&shape)
            .iter()
            .map(|idx| ma.get(&pick(&sa, idx)) as f64 + mb.get(&pick(&sb, idx)) as f64 * 0.5)
            .collect();
        prop_assert_eq!(r.to_vec::<f64>().unwrap(), want.clone());
        // Commutes, also with the operands as (realized) transposed views.
        prop_assert_eq!((&b + &a).to_vec::<f64>().unwrap(), want.clone());
        let at = a.transpose().eval().unwrap().transpose();
        prop_assert_eq!((&at + &b).to_vec::<f64>().unwrap(), want);
    }
}

/// NumPy 2 compares integer arrays with out-of-range Python integers by value; near 2^63 a
/// float64 computation would round, so the answer must be exact.
#[test]
fn comparisons_with_out_of_range_integers_are_exact() {
    let big = array([i64::MAX, i64::MIN]);
    let above = 1u64 << 63;
    assert_eq!(big.lt(above).to_vec::<bool>().unwrap(), vec![true, true]);
    assert_eq!(big.eq(above).to_vec::<bool>().unwrap(), vec![false, false]);
    assert_eq!(big.ge(above).to_vec::<bool>().unwrap(), vec![false, false]);
    let unsigned = array([0u64, u64::MAX]);
    assert_eq!(unsigned.gt(-1).to_vec::<bool>().unwrap(), vec![true, true]);
    assert_eq!(unsigned.ne(-1).to_vec::<bool>().unwrap(), vec![true, true]);
    // The scalar on the left flips the relation.
    let small = array([1i8, -5]);
    assert_eq!(
        numcrane::less(300, &small).to_vec::<bool>().unwrap(),
        vec![false, false]
    );
    assert_eq!(
        numcrane::greater(300, &small).to_vec::<bool>().unwrap(),
        vec![true, true]
    );
    assert_eq!(small.le(-300).to_vec::<bool>().unwrap(), vec![false, false]);
    // A poisoned array keeps its error.
    let bad = &small + array([1i8, 2, 3]);
    assert!(bad.lt(300).eval().is_err());
}

#[test]
fn fromfunction_passes_index_grids() {
    let m = numcrane::fromfunction([3, 2], |ix| ix[0].pow(2.0) - &ix[1]);
    assert_eq!(m.shape(), &[3, 2]);
    assert_eq!(
        m.to_vec::<f64>().unwrap(),
        vec![0.0, -1.0, 1.0, 0.0, 4.0, 3.0]
    );
}
