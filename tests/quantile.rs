//! Quantiles (crates/numcrane/src/quantile.rs) against a naive per-lane implementation of
//! NumPy's 13 methods written here on plain `f64` vectors, on every backend: float and
//! integer inputs, reductions over one, several and all axes, lists and single values of `q`,
//! NaN in lanes (NaN answers for `quantile`, skipped by `nanquantile`, all-NaN lanes), and the
//! errors (q out of range, unknown method, bool with an interpolating method, empty slices,
//! bad axes). NumPy's own answers are in the golden files (family `quantile`).

mod common;

use common::input;
use numcrane::{
    nanpercentile_with, nanquantile, nanquantile_with, percentile_with, quantile, quantile_with,
    Array, Axes, Backend, DType, QuantileMethod,
};

const BACKENDS: [Backend; 4] = [
    Backend::Eval,
    Backend::Jit,
    Backend::Interpret,
    Backend::Unfused,
];

const QS: [f64; 12] = [
    0.0,
    0.05,
    0.1,
    0.125,
    0.25,
    1.0 / 3.0,
    0.5,
    0.6,
    2.0 / 3.0,
    0.75,
    0.9,
    1.0,
];

/// NumPy's answer for one sorted lane without NaN (`v`, non-empty) written from the
/// definitions in numpy/lib/_function_base_impl.py.
fn naive_sorted(v: &[f64], q: f64, m: QuantileMethod) -> f64 {
    use QuantileMethod::*;
    let n = v.len() as f64;
    let take = |k: f64| v[(k.max(0.0) as usize).min(v.len() - 1)];
    let bounds = |index: f64, closest: bool| {
        let p = index.floor();
        let g = index - p;
        let keep = g == 0.0 && (!closest || p.rem_euclid(2.0) == 1.0);
        take(if keep { p } else { p + 1.0 })
    };
    let v_index = |alpha: f64, beta: f64| n * q + (alpha + q * (1.0 - alpha - beta)) - 1.0;
    let x = match m {
        InvertedCdf => return bounds(n * q - 1.0, false),
        ClosestObservation => return bounds(n * q - 1.0 - 0.5, true),
        Lower => return take(((n - 1.0) * q).floor()),
        Higher => return take(((n - 1.0) * q).ceil()),
        Nearest => return take(((n - 1.0) * q).round_ties_even()),
        AveragedInvertedCdf => n * q - 1.0,
        Midpoint => 0.5 * (((n - 1.0) * q).floor() + ((n - 1.0) * q).ceil()),
        Linear => (n - 1.0) * q,
        InterpolatedInvertedCdf => v_index(0.0, 1.0),
        Hazen => v_index(0.5, 0.5),
        Weibull => v_index(0.0, 0.0),
        MedianUnbiased => v_index(1.0 / 3.0, 1.0 / 3.0),
        NormalUnbiased => v_index(3.0 / 8.0, 3.0 / 8.0),
    };
    let (lo, hi, prev) = if x >= n - 1.0 {
        (n - 1.0, n - 1.0, -1.0)
    } else if x < 0.0 {
        (0.0, 0.0, 0.0)
    } else {
        (x.floor(), x.floor() + 1.0, x.floor())
    };
    let mut t = x - prev;
    if m == AveragedInvertedCdf {
        t = if t == 0.0 { 0.5 } else { 1.0 };
    }
    if m == Midpoint {
        t = if x.fract() == 0.0 { 0.0 } else { 0.5 };
    }
    let (a, b) = (take(lo), take(hi));
    if t >= 0.5 {
        b - (b - a) * (1.0 - t)
    } else {
        a + (b - a) * t
    }
}

/// The answer for one lane: `nan` skips NaN (NaN when none is left); otherwise any NaN gives NaN.
fn naive(lane: &[f64], q: f64, m: QuantileMethod, nan: bool) -> f64 {
    let mut v: Vec<f64> = if nan {
        lane.iter().copied().filter(|x| !x.is_nan()).collect()
    } else {
        lane.to_vec()
    };
    if v.is_empty() || v.iter().any(|x| x.is_nan()) {
        return f64::NAN;
    }
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    naive_sorted(&v, q, m)
}

/// The lanes of `x` over the reduced `axes` (sorted), as lists of values.
fn lanes_of(x: &Array, axes: &[usize]) -> Vec<Vec<f64>> {
    let nd = x.ndim();
    let kept: Vec<usize> = (0..nd).filter(|i| !axes.contains(i)).collect();
    let perm: Vec<isize> = kept.iter().chain(axes).map(|&i| i as isize).collect();
    let n: usize = axes.iter().map(|&i| x.shape()[i]).product();
    let v = x
        .astype(DType::F64)
        .permute(&perm)
        .copy()
        .to_vec::<f64>()
        .unwrap();
    v.chunks(n.max(1)).map(|c| c.to_vec()).collect()
}

fn close(got: &[f64], want: &[f64], tol: f64, what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: lengths");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        let ok = (g.is_nan() && w.is_nan()) || (g - w).abs() <= tol * (1.0 + w.abs());
        assert!(
            ok,
            "{what}: element {i} is {g}, want {w}\n got {got:?}\nwant {want:?}"
        );
    }
}

/// Checks quantile_with / nanquantile_with of `x` over `axes` for every method and backend.
fn check(x: &Array, axes: &[usize], nan: bool, what: &str) {
    let lanes = lanes_of(x, axes);
    let ax: Vec<isize> = axes.iter().map(|&a| a as isize).collect();
    for m in QuantileMethod::ALL {
        let mut want = Vec::new();
        for &q in &QS {
            want.extend(lanes.iter().map(|l| naive(l, q, m, nan)));
        }
        let tol = if x.dtype() == DType::F32 { 1e-6 } else { 1e-12 };
        let dtype = if m.is_discrete() {
            x.dtype()
        } else {
            DType::F64
        };
        let f = if nan { nanquantile_with } else { quantile_with };
        for b in BACKENDS {
            let r = f(x, QS, Axes::from(ax.clone()), m);
            assert_eq!(r.dtype(), dtype, "{what} {m:?}");
            assert_eq!(r.shape()[0], QS.len(), "{what} {m:?}");
            let got = r.eval_with(b).unwrap().astype(DType::F64);
            let got = got.to_vec::<f64>().unwrap();
            close(&got, &want, tol, &format!("{what} {m:?} nan={nan} {b:?}"));
        }
    }
}

#[test]
fn every_method_matches_the_naive_definition_on_every_backend() {
    for dt in [DType::F64, DType::F32, DType::I32, DType::U8] {
        for (shape, axes) in [
            (vec![7], vec![0]),
            (vec![4, 5], vec![1]),
            (vec![4, 5], vec![0, 1]),
            (vec![2, 3, 4], vec![0, 2]),
            (vec![1, 2], vec![0]),
        ] {
            // integer-valued data has ties, the float scale does not
            let x = if dt.is_float() {
                input(&shape, dt, 3)
            } else {
                input(&shape, DType::F64, 3).abs().astype(dt)
            };
            check(&x, &axes, false, &format!("{dt:?} {shape:?} {axes:?}"));
        }
    }
}

/// `x` with NaN at every position where `(i * 7 + seed) % 5 == 0`, and its lane 0 (along the
/// last axis) all NaN.
fn with_nans(shape: &[usize], seed: usize) -> Array {
    let base = input(shape, DType::F64, 5).to_vec::<f64>().unwrap();
    let last = shape[shape.len() - 1];
    let v: Vec<f64> = base
        .iter()
        .enumerate()
        .map(|(i, &x)| {
            if (i * 7 + seed).is_multiple_of(5) || i < last {
                f64::NAN
            } else {
                x
            }
        })
        .collect();
    Array::from_vec(v, shape.to_vec())
}

#[test]
fn nan_lanes_on_every_backend() {
    for (shape, axes) in [
        (vec![5, 6], vec![1]),
        (vec![5, 6], vec![0]),
        (vec![3, 2, 4], vec![0, 2]),
        (vec![9], vec![0]),
    ] {
        for seed in [0, 3] {
            let x = with_nans(&shape, seed);
            for dt in [DType::F64, DType::F32] {
                let x = x.astype(dt).eval().unwrap();
                let what = format!("{dt:?} {shape:?} {axes:?} seed {seed}");
                check(&x, &axes, true, &what);
                check(&x, &axes, false, &what);
            }
        }
    }
}

#[test]
fn nan_functions_equal_the_plain_ones_without_nan() {
    let x = input(&[6, 7], DType::F64, 11);
    for m in QuantileMethod::ALL {
        for b in BACKENDS {
            let plain = quantile_with(&x, 0.3, 1, m).eval_with(b).unwrap();
            let nan = nanquantile_with(&x, 0.3, 1, m).eval_with(b).unwrap();
            assert_eq!(
                plain.to_vec::<f64>().unwrap(),
                nan.to_vec::<f64>().unwrap(),
                "{m:?} {b:?}"
            );
            let p = percentile_with(&x, 30.0, 1, m).eval_with(b).unwrap();
            let np = nanpercentile_with(&x, 30.0, 1, m).eval_with(b).unwrap();
            assert_eq!(
                p.to_vec::<f64>().unwrap(),
                np.to_vec::<f64>().unwrap(),
                "{m:?} {b:?}"
            );
        }
    }
}

#[test]
fn dtypes_follow_numpy() {
    let i = Array::from_vec(vec![3i8, 1, 2, 5], vec![4]);
    let f = Array::from_vec(vec![3.0f32, 1.0, 2.0, 5.0], vec![4]);
    let b = Array::from_vec(vec![true, false, true], vec![3]);
    // discrete methods keep the dtype, interpolating ones float (float32 only for one q)
    assert_eq!(quantile_with(&i, 0.5, .., "lower").dtype(), DType::I8);
    assert_eq!(
        quantile_with(&i, 0.5, .., "nearest")
            .to_vec::<i8>()
            .unwrap(),
        [3]
    );
    assert_eq!(quantile_with(&i, 0.5, .., "hazen").dtype(), DType::F64);
    assert_eq!(quantile_with(&f, 0.5, .., "hazen").dtype(), DType::F32);
    assert_eq!(quantile_with(&f, [0.5], .., "hazen").dtype(), DType::F64);
    assert_eq!(quantile_with(&f, [0.5], .., "higher").dtype(), DType::F32);
    assert_eq!(
        quantile_with(&b, 0.5, .., "inverted_cdf")
            .to_vec::<bool>()
            .unwrap(),
        [true]
    );
    // NumPy subtracts the neighbours in int8, which wraps: 100 - (-100) is -56
    let w = Array::from_vec(vec![-100i8, 100], vec![2]);
    assert_eq!(quantile(&w, 0.5, ..).to_vec::<f64>().unwrap(), [128.0]);
}

#[test]
fn bad_input_is_an_error_naming_the_function_and_the_line() {
    let x = input(&[3, 4], DType::F64, 1);
    let b = Array::from_vec(vec![true, false], vec![2]);
    let cases: Vec<(&str, Array)> = vec![
        ("quantile", quantile(&x, 1.5, ..)),
        ("quantile", quantile(&x, [0.5, -0.5], ..)),
        ("quantile", quantile_with(&x, 0.5, .., "median")),
        ("quantile", quantile_with(&b, 0.5, .., "linear")),
        ("quantile", quantile(&x, 0.5, 2)),
        (
            "quantile",
            quantile(&Array::from_vec(Vec::<f64>::new(), vec![0]), 0.5, ..),
        ),
        ("percentile", percentile_with(&x, 101.0, .., "lower")),
        ("nanquantile", nanquantile(&x, f64::NAN, ..)),
        ("nanquantile", nanquantile_with(&x, 0.5, 0, "bogus")),
        ("nanpercentile", nanpercentile_with(&x, -3.0, 1, "hazen")),
    ];
    for (name, r) in cases {
        let e = r.eval().expect_err(name).to_string();
        assert!(e.contains(name), "{e}");
        assert!(e.contains("quantile.rs"), "no source line in {e}");
    }
    // as NumPy (nanmean), an input without elements gives NaN, whatever the method
    let empty = Array::from_vec(Vec::<f64>::new(), vec![3, 0]);
    let r = nanquantile_with(&empty, [0.5, 0.7], 0, "bogus");
    assert_eq!(r.shape(), &[0]);
    let r = nanquantile(&empty, 0.5, 1).to_vec::<f64>().unwrap();
    assert!(r.len() == 3 && r.iter().all(|v| v.is_nan()));
}

/// NumPy's weighted inverted_cdf of one lane: sort (value, weight) pairs, normalised cumulative
/// weights (zero ones count as -1), the first position whose cdf reaches q.
fn naive_weighted(lane: &[f64], w: &[f64], q: f64) -> f64 {
    if lane.iter().any(|x| x.is_nan()) {
        return f64::NAN;
    }
    let mut order: Vec<usize> = (0..lane.len()).collect();
    order.sort_by(|&a, &b| lane[a].partial_cmp(&lane[b]).unwrap());
    let mut acc = 0.0;
    let cum: Vec<f64> = order
        .iter()
        .map(|&i| {
            acc += w[i];
            acc
        })
        .collect();
    let k = cum
        .iter()
        .position(|&c| c / acc != 0.0 && c / acc >= q)
        .unwrap_or(lane.len() - 1);
    lane[order[k]]
}

#[test]
fn weighted_quantiles_on_every_backend() {
    let x = input(&[5, 8], DType::F64, 21)
        .astype(DType::I32)
        .eval()
        .unwrap();
    let xv = x.astype(DType::F64).to_vec::<f64>().unwrap();
    // integer weights with zeros, the first lane's leading ones included
    let wv: Vec<f64> = (0..40).map(|i| ((i * 7 + 3) % 4) as f64).collect();
    let w = Array::from_vec(wv.clone(), vec![5, 8]);
    let mut want = Vec::new();
    for &q in &QS {
        for r in 0..5 {
            want.push(naive_weighted(
                &xv[r * 8..r * 8 + 8],
                &wv[r * 8..r * 8 + 8],
                q,
            ));
        }
    }
    for b in BACKENDS {
        let got = numcrane::quantile_weighted(&x, QS, 1, &w);
        assert_eq!(got.dtype(), DType::I32);
        let got = got.eval_with(b).unwrap().astype(DType::F64);
        close(&got.to_vec::<f64>().unwrap(), &want, 0.0, &format!("{b:?}"));
    }
    // 1-D weights along the axis equal the broadcast ones
    let w1 = Array::from_vec(wv[..8].to_vec(), vec![8]);
    let full = w1.broadcast_to(&[5, 8]);
    assert_eq!(
        numcrane::percentile_weighted(&x, 40.0, 1, &w1)
            .to_vec::<i32>()
            .unwrap(),
        numcrane::percentile_weighted(&x, 40.0, 1, &full)
            .to_vec::<i32>()
            .unwrap()
    );
    // negative or all-zero weights are errors naming the function and the line
    let neg = Array::from_vec(vec![1.0, -1.0, 1.0], vec![3]);
    let v = Array::from_vec(vec![1.0, 2.0, 3.0], vec![3]);
    for r in [
        numcrane::quantile_weighted(&v, 0.5, .., &neg),
        numcrane::quantile_weighted(&v, 0.5, .., &(&neg * 0.0)),
    ] {
        let e = r.eval().unwrap_err().to_string();
        assert!(
            e.contains("quantile") && e.contains("tests/quantile.rs"),
            "{e}"
        );
    }
}
