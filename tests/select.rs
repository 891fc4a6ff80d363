//! Order statistics (`Op::Select`: what median / percentile / quantile read instead of a full
//! sort) on every backend against a naive stable-sort-then-pick written here and against the
//! reference evaluator, bit for bit: NaN (a lane holding one gives NaN), which of -0.0 / 0.0
//! comes out (the one the stable sort puts there), duplicates, integers keeping their dtype
//! (the discrete methods), lanes along inner, outer and several axes, strided and transposed
//! inputs. NumPy's own answers are in the golden files (families `sorting`, `quantile`).

mod common;

use common::cases;
use numcrane::{median, quantile_with, Array, Axes, Backend, DType, SliceArg};
use proptest::prelude::*;
use std::cmp::Ordering;

const BACKENDS: [Backend; 4] = [
    Backend::Eval,
    Backend::Jit,
    Backend::Interpret,
    Backend::Unfused,
];

fn total(a: f64, b: f64) -> Ordering {
    a.partial_cmp(&b)
        .unwrap_or_else(|| a.is_nan().cmp(&b.is_nan()))
}

/// The lanes over `axes` of a row-major `shape`: one per kept index (row-major), each the
/// flat positions of its elements with the reduced indices in row-major order (the order in
/// which the library flattens them, which decides where -0.0 and 0.0 go).
fn lanes(shape: &[usize], axes: &[usize]) -> Vec<Vec<usize>> {
    let size: usize = shape.iter().product();
    let kept: Vec<usize> = (0..shape.len()).filter(|d| !axes.contains(d)).collect();
    let nk: usize = kept.iter().map(|&d| shape[d]).product();
    let mut out = vec![Vec::new(); nk];
    for f in 0..size {
        let mut rest = f;
        let mut idx = vec![0; shape.len()];
        for d in (0..shape.len()).rev() {
            idx[d] = rest % shape[d];
            rest /= shape[d];
        }
        let k = kept.iter().fold(0, |acc, &d| acc * shape[d] + idx[d]);
        out[k].push(f);
    }
    out
}

/// Naive: every lane stably sorted (NaN last), the value at each position; NaN for a lane
/// holding NaN. Result `[q, lane]`, flattened.
fn naive(
    v: &[f64],
    shape: &[usize],
    axes: &[usize],
    pos: &dyn Fn(usize) -> Vec<usize>,
) -> Vec<f64> {
    let ls = lanes(shape, axes);
    let n = ls.first().map_or(0, Vec::len);
    let ps = pos(n);
    let mut out = vec![0.0; ps.len() * ls.len()];
    for (l, lane) in ls.iter().enumerate() {
        let mut s: Vec<f64> = lane.iter().map(|&f| v[f]).collect();
        s.sort_by(|a, b| total(*a, *b));
        let nan = s.iter().any(|x| x.is_nan());
        for (j, &p) in ps.iter().enumerate() {
            out[j * ls.len() + l] = if nan { f64::NAN } else { s[p] };
        }
    }
    out
}

fn same(got: &[f64], want: &[f64], what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: lengths");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        let ok = (g.is_nan() && w.is_nan()) || g.to_bits() == w.to_bits();
        assert!(
            ok,
            "{what}: element {i} is {g:?}, want {w:?}\n{got:?}\n{want:?}"
        );
    }
}

/// NumPy's 'lower' / 'higher' positions for `q` in a lane of `n`.
fn lower(n: usize, q: f64) -> usize {
    ((n - 1) as f64 * q).floor() as usize
}
fn higher(n: usize, q: f64) -> usize {
    ((n - 1) as f64 * q).ceil() as usize
}

const QS: [f64; 5] = [0.0, 0.3, 0.5, 0.75, 1.0];

/// Checks 'lower' / 'higher' quantiles (the element itself, input dtype) and the median of
/// `x` over `axes` on every backend against the naive pick and against the evaluator.
fn check(x: &Array, axes: &[usize], what: &str) {
    let shape = x.shape().to_vec();
    let v = x.astype(DType::F64).to_vec::<f64>().unwrap();
    let ax: Vec<isize> = axes.iter().map(|&a| a as isize).collect();
    type Pos = fn(usize, f64) -> usize;
    for (method, f) in [("lower", lower as Pos), ("higher", higher as Pos)] {
        let want = naive(&v, &shape, axes, &|n| QS.iter().map(|&q| f(n, q)).collect());
        let mut oracle: Option<Vec<f64>> = None;
        for b in BACKENDS {
            let r = quantile_with(x, QS, Axes::from(ax.clone()), method);
            assert_eq!(
                r.dtype(),
                x.dtype(),
                "{what} {method}: discrete keeps the dtype"
            );
            let got = r
                .eval_with(b)
                .unwrap()
                .astype(DType::F64)
                .to_vec::<f64>()
                .unwrap();
            same(&got, &want, &format!("{what} {method} {b:?}"));
            match &oracle {
                None => oracle = Some(got),
                Some(o) => same(&got, o, &format!("{what} {method} {b:?} vs Eval")),
            }
        }
    }
    // the median from the naive middle elements, averaged as NumPy does (in f64 here: the
    // inputs below are small integers, halves and signed zeros, so that is exact)
    let mid = naive(&v, &shape, axes, &|n| vec![(n - 1) / 2, n / 2]);
    let half = mid.len() / 2;
    let want: Vec<f64> = (0..half)
        .map(|l| {
            let (a, b) = (mid[l], mid[half + l]);
            if a.to_bits() == b.to_bits() || a.is_nan() {
                a
            } else {
                (a + b) / 2.0
            }
        })
        .collect();
    for b in BACKENDS {
        let m = median(x, Axes::from(ax.clone())).eval_with(b).unwrap();
        let got = m.astype(DType::F64).to_vec::<f64>().unwrap();
        // f32 averages round in f32; compare values (the sign of a zero mean is NumPy's
        // -0.0 + 0.0 = 0.0, which (a + b) / 2 above also gives)
        same(&got, &want, &format!("{what} median {b:?}"));
    }
}

/// Values with many ties, both zeros and NaN.
const POOL: [f64; 9] = [0.0, -0.0, 1.0, -1.0, 2.5, f64::NAN, 3.0, -0.0, 1.0];

fn shape_and_axes() -> impl Strategy<Value = (Vec<usize>, Vec<usize>)> {
    prop::collection::vec(1usize..6, 1..4).prop_flat_map(|shape| {
        let nd = shape.len();
        (
            Just(shape),
            prop::collection::vec(any::<bool>(), nd).prop_map(|mask| {
                let a: Vec<usize> = (0..mask.len()).filter(|&i| mask[i]).collect();
                if a.is_empty() {
                    vec![mask.len() - 1]
                } else {
                    a
                }
            }),
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(24)))]

    #[test]
    fn floats_with_ties_zeros_and_nan((shape, axes) in shape_and_axes(), seed in any::<u64>(),
                                      nan in any::<bool>()) {
        let size: usize = shape.iter().product();
        let mut s = seed | 1;
        let v: Vec<f64> = (0..size).map(|_| {
            s ^= s << 13; s ^= s >> 7; s ^= s << 17;
            let x = POOL[(s % POOL.len() as u64) as usize];
            if x.is_nan() && !nan { 0.0 } else { x }
        }).collect();
        let x = Array::from_vec(v, shape.clone());
        for dt in [DType::F64, DType::F32] {
            check(&x.astype(dt), &axes, &format!("{dt:?} {shape:?} {axes:?}"));
        }
    }

    #[test]
    fn integers((shape, axes) in shape_and_axes(), seed in any::<u64>()) {
        let size: usize = shape.iter().product();
        let mut s = seed | 1;
        let v: Vec<i64> = (0..size).map(|_| {
            s ^= s << 13; s ^= s >> 7; s ^= s << 17;
            (s % 7) as i64 - 3
        }).collect();
        let x = Array::from_vec(v, shape.clone());
        for dt in [DType::I64, DType::I8, DType::U16, DType::Bool] {
            let y = x.astype(dt);
            check(&y, &axes, &format!("{dt:?} {shape:?} {axes:?}"));
        }
    }
}

#[test]
fn zeros_come_out_as_the_stable_sort_orders_them() {
    // lanes of only zeros: the k-th sorted element is the k-th zero of the input
    let v = vec![-0.0, 0.0, 0.0, -0.0, 0.0, -0.0, -0.0];
    let x = Array::from_vec(v, [7]);
    for b in BACKENDS {
        for (k, q) in [(0usize, 0.0), (1, 1.0 / 6.0), (3, 0.5), (6, 1.0)] {
            let r = quantile_with(&x, q, .., "lower").eval_with(b).unwrap();
            let got = r.to_vec::<f64>().unwrap()[0];
            let want = [-0.0f64, 0.0, 0.0, -0.0, 0.0, -0.0, -0.0][k];
            assert_eq!(got.to_bits(), want.to_bits(), "{b:?} position {k}");
        }
    }
}

#[test]
fn strided_transposed_and_outer_axis_inputs() {
    let n = 6 * 8 * 5;
    let v: Vec<f64> = (0..n)
        .map(|i| POOL[(i * 7 + i / 5) % POOL.len()] + ((i * 3) % 4) as f64)
        .collect();
    let base = Array::from_vec(v, [6, 8, 5]);
    let stepped = base.slice(vec![
        SliceArg::Range {
            start: Some(1),
            stop: None,
            step: 2,
        },
        SliceArg::Range {
            start: None,
            stop: None,
            step: -1,
        },
        SliceArg::Range {
            start: Some(0),
            stop: Some(4),
            step: 3,
        },
    ]);
    let t = base.transpose();
    for (x, name) in [(&stepped, "stepped"), (&t, "transposed"), (&base, "base")] {
        for axes in [vec![0], vec![1], vec![2], vec![0, 2], vec![0, 1, 2]] {
            check(x, &axes, &format!("{name} {axes:?}"));
        }
    }
}

#[test]
fn plans_name_the_select_step_and_no_sort() {
    let x = Array::from_vec(
        (0..100)
            .map(|i| ((i * 37) % 100) as f64)
            .collect::<Vec<_>>(),
        [10, 10],
    );
    let m = median(&x, 1);
    let listing = m.explain();
    assert!(
        listing.contains("select axis=1 positions=[4, 5, 9]"),
        "{listing}"
    );
    assert!(!listing.contains("sort axis"), "{listing}");
    let plan = m.explain_plan();
    assert!(plan.contains("introselect"), "{plan}");
}

/// Not timed: a long single lane and many short ones through the native path agree with the
/// evaluator (the parallel and sequential kernels, and the narrowing between positions).
#[test]
fn smoke_long_lane_and_many_lanes() {
    let n = 200_001usize;
    let v: Vec<f64> = (0..n)
        .map(|i| ((i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 40) as f64 - 8e6)
        .collect();
    let x = Array::from_vec(v.clone(), [n]);
    let mut sorted = v.clone();
    sorted.sort_by(|a, b| total(*a, *b));
    let m = median(&x, ..)
        .eval_with(Backend::Jit)
        .unwrap()
        .to_vec::<f64>()
        .unwrap();
    assert_eq!(m, vec![sorted[n / 2]]);
    let p = numcrane::percentile(&x, [10.0, 50.0, 90.0], ..);
    let jit = p.eval_with(Backend::Jit).unwrap().to_vec::<f64>().unwrap();
    let ev = p.eval_with(Backend::Eval).unwrap().to_vec::<f64>().unwrap();
    same(&jit, &ev, "percentile long lane");
    // signed zeros around the median: the zero key's answer is read from the input order, in
    // parallel chunks on the long-lane path (a NaN would make every answer NaN)
    let z: Vec<f64> = v
        .iter()
        .enumerate()
        .map(|(i, &x)| match i % 5 {
            0 => -0.0,
            1 => 0.0,
            _ => x,
        })
        .collect();
    let xz = Array::from_vec(z, [n]);
    let q = quantile_with(&xz, [0.3, 0.45, 0.5, 0.55, 1.0], .., "lower");
    let jit = q.eval_with(Backend::Jit).unwrap().to_vec::<f64>().unwrap();
    let ev = q.eval_with(Backend::Eval).unwrap().to_vec::<f64>().unwrap();
    same(&jit, &ev, "long lane with signed zeros");
    let y = Array::from_vec(v[..200_000].to_vec(), [1000, 200]);
    for axis in [0isize, 1] {
        let q = quantile_with(&y, [0.1, 0.5, 0.9], axis, "nearest");
        let jit = q.eval_with(Backend::Jit).unwrap().to_vec::<f64>().unwrap();
        let ev = q.eval_with(Backend::Eval).unwrap().to_vec::<f64>().unwrap();
        same(&jit, &ev, &format!("many lanes axis {axis}"));
    }
}
