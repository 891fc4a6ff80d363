//! Statistics (crates/numcrane/src/stats.rs) against naive computations written here, on
//! every backend: the NaN-ignoring reductions with NaN placements (none, some, a whole slice,
//! everything), empty inputs, integer and float dtypes, keepdims and negative axes; ptp,
//! count_nonzero, average with weights, diff; the errors NumPy raises (all-NaN slices of
//! nanargmin/nanargmax, weights summing to zero); and that a NaN reduction of a chain stays a
//! few fused kernels. NumPy's own answers are in the golden files (family `stats`).

mod common;

use common::input;
use numcrane::{
    average, count_nonzero, diff, keepdims, nanargmax, nanargmin, nanmax, nanmean, nanmin, nanprod,
    nanstd, nansum, nanvar, ptp, Array, Axes, Backend, DType,
};

const BACKENDS: [Backend; 4] = [
    Backend::Eval,
    Backend::Jit,
    Backend::Interpret,
    Backend::Unfused,
];

const R: usize = 4;
const C: usize = 5;

/// A 4x5 float64 array of `common::input` values with NaN placed by `placement`.
fn with_nans(placement: &str, seed: u64) -> Vec<f64> {
    let mut v = input(&[R, C], DType::F64, seed).to_vec::<f64>().unwrap();
    for (i, x) in v.iter_mut().enumerate() {
        let (r, c) = (i / C, i % C);
        let nan = match placement {
            "none" => false,
            "some" => (i * 7) % 3 == 0,
            // row 1 and column 2 entirely NaN, plus one more
            "slice" => r == 1 || c == 2 || i == 0,
            "all" => true,
            _ => unreachable!(),
        };
        if nan {
            *x = f64::NAN;
        }
    }
    v
}

/// The slices `axis` (0, 1 or None for all) reduces over a row-major RxC array.
fn slices(v: &[f64], axis: Option<usize>) -> Vec<Vec<f64>> {
    match axis {
        None => vec![v.to_vec()],
        Some(0) => (0..C)
            .map(|c| (0..R).map(|r| v[r * C + c]).collect())
            .collect(),
        Some(_) => (0..R).map(|r| v[r * C..(r + 1) * C].to_vec()).collect(),
    }
}

fn valid(s: &[f64]) -> Vec<f64> {
    s.iter().copied().filter(|x| !x.is_nan()).collect()
}

fn naive(f: &str, s: &[f64], ddof: f64) -> f64 {
    let v = valid(s);
    let n = v.len() as f64;
    let mean = v.iter().sum::<f64>() / n;
    let var = || {
        if n - ddof <= 0.0 {
            f64::NAN
        } else {
            v.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - ddof)
        }
    };
    match f {
        "nansum" => v.iter().sum(),
        "nanprod" => v.iter().product(),
        "nanmean" => mean,
        "nanvar" => var(),
        "nanstd" => var().sqrt(),
        "nanmin" if v.is_empty() => f64::NAN,
        "nanmax" if v.is_empty() => f64::NAN,
        "nanmin" => v.iter().copied().fold(f64::INFINITY, f64::min),
        "nanmax" => v.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        _ => unreachable!(),
    }
}

fn assert_close(got: &[f64], want: &[f64], tol: f64, what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: lengths");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        let ok = (g.is_nan() && w.is_nan()) || g == w || (g - w).abs() <= tol * (1.0 + w.abs());
        assert!(ok, "{what}: element {i} is {g}, want {w} (got {got:?})");
    }
}

fn run(f: &str, x: &Array, axes: Axes, ddof: f64) -> Array {
    match f {
        "nansum" => nansum(x, axes),
        "nanprod" => nanprod(x, axes),
        "nanmean" => nanmean(x, axes),
        "nanvar" => nanvar(x, axes, ddof),
        "nanstd" => nanstd(x, axes, ddof),
        "nanmin" => nanmin(x, axes),
        "nanmax" => nanmax(x, axes),
        _ => unreachable!(),
    }
}

#[test]
fn nan_reductions_match_naive_on_every_backend() {
    let fns = [
        "nansum", "nanprod", "nanmean", "nanvar", "nanstd", "nanmin", "nanmax",
    ];
    for placement in ["none", "some", "slice", "all"] {
        let data = with_nans(placement, 3);
        for (dtype, tol) in [(DType::F64, 1e-12), (DType::F32, 1e-5)] {
            let x = Array::from_vec(data.clone(), [R, C]).astype(dtype);
            for f in fns {
                for ddof in [0.0, 1.0] {
                    // (axes, naive axis, keepdims shape)
                    let cases: [(Axes, Option<usize>, Vec<usize>); 5] = [
                        (Axes::from(0), Some(0), vec![C]),
                        (Axes::from(-1), Some(1), vec![R]),
                        (Axes::from(..), None, vec![]),
                        (keepdims(1), Some(1), vec![R, 1]),
                        (keepdims(..), None, vec![1, 1]),
                    ];
                    for (axes, axis, shape) in cases {
                        let what = format!("{f} {placement} {dtype:?} {axes:?} ddof {ddof}");
                        let want: Vec<f64> = slices(&data, axis)
                            .iter()
                            .map(|s| {
                                let s: Vec<f64> = if dtype == DType::F32 {
                                    s.iter().map(|&v| v as f32 as f64).collect()
                                } else {
                                    s.clone()
                                };
                                naive(f, &s, ddof)
                            })
                            .collect();
                        for b in BACKENDS {
                            let y = run(f, &x, axes.clone(), ddof);
                            assert_eq!(y.dtype(), dtype, "{what}");
                            assert_eq!(y.shape(), &shape[..], "{what}");
                            let got = y.eval_with(b).unwrap().astype(DType::F64);
                            let got = got.to_vec::<f64>().unwrap();
                            assert_close(&got, &want, tol, &format!("{what} {b:?}"));
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn nanargmin_nanargmax_ignore_nan_and_reject_all_nan_slices() {
    let data = with_nans("some", 5);
    let x = Array::from_vec(data.clone(), [R, C]);
    for (axis, naive_axis) in [(1isize, 1usize), (-1, 1), (0, 0)] {
        let want_min: Vec<i64> = slices(&data, Some(naive_axis))
            .iter()
            .map(|s| {
                let m = valid(s).into_iter().fold(f64::INFINITY, f64::min);
                s.iter().position(|&v| v == m).unwrap() as i64
            })
            .collect();
        let want_max: Vec<i64> = slices(&data, Some(naive_axis))
            .iter()
            .map(|s| {
                let m = valid(s).into_iter().fold(f64::NEG_INFINITY, f64::max);
                s.iter().position(|&v| v == m).unwrap() as i64
            })
            .collect();
        for b in BACKENDS {
            let got = nanargmin(&x, axis).eval_with(b).unwrap();
            assert_eq!(got.to_vec::<i64>().unwrap(), want_min, "{axis} {b:?}");
            let got = nanargmax(&x, axis).eval_with(b).unwrap();
            assert_eq!(got.to_vec::<i64>().unwrap(), want_max, "{axis} {b:?}");
        }
    }
    assert_eq!(nanargmin(&x, keepdims(1)).shape(), &[R, 1]);
    // Row 1 is all NaN: along axis 1 that is an error, along axis 0 it is not.
    let y = Array::from_vec(with_nans("slice", 5), [R, C]);
    let e = nanargmin(&y, 1).eval().unwrap_err().to_string();
    assert!(e.contains("All-NaN slice"), "{e}");
    assert!(
        e.contains("tests/stats.rs"),
        "error points at the caller: {e}"
    );
    assert!(nanargmax(&y, ..).eval().is_ok());
    let all = Array::from_vec(with_nans("all", 5), [R, C]);
    assert!(nanargmax(&all, ..).eval().is_err());
    // Integers: the plain argmin/argmax.
    let i = input(&[R, C], DType::I32, 2);
    assert_eq!(
        nanargmax(&i, 1).to_vec::<i64>().unwrap(),
        i.argmax(1).to_vec::<i64>().unwrap()
    );
}

#[test]
fn integer_and_bool_inputs_behave_as_the_plain_reductions() {
    for dtype in [DType::I8, DType::I32, DType::U8, DType::I64, DType::Bool] {
        let x = input(&[R, C], dtype, 7);
        let pairs = [
            (nansum(&x, 0), x.sum(0)),
            (nanprod(&x, -1), x.prod(-1)),
            (nanmean(&x, ..), x.mean(..)),
            (nanvar(&x, 1, 1.0), x.var_ddof(1, 1.0)),
            (nanstd(&x, 0, 0.0), x.std(0)),
            (nanmin(&x, 1), x.min(1)),
            (nanmax(&x, keepdims(0)), x.max(keepdims(0))),
        ];
        for (got, want) in pairs {
            assert_eq!(got.dtype(), want.dtype(), "{dtype:?}");
            assert_eq!(got.shape(), want.shape(), "{dtype:?}");
            for b in BACKENDS {
                let g = got.eval_with(b).unwrap().astype(DType::F64);
                let w = want.eval_with(Backend::Eval).unwrap().astype(DType::F64);
                assert_close(
                    &g.to_vec::<f64>().unwrap(),
                    &w.to_vec::<f64>().unwrap(),
                    1e-12,
                    &format!("{dtype:?} {b:?}"),
                );
            }
        }
    }
}

#[test]
fn empty_inputs() {
    let e = Array::from_vec(Vec::<f64>::new(), [0, 3]);
    for b in BACKENDS {
        let s = nansum(&e, 0).eval_with(b).unwrap();
        assert_eq!(s.to_vec::<f64>().unwrap(), vec![0.0; 3]);
        let m = nanmean(&e, 0)
            .eval_with(b)
            .unwrap()
            .to_vec::<f64>()
            .unwrap();
        assert!(m.len() == 3 && m.iter().all(|v| v.is_nan()));
        let v = nanvar(&e, .., 0.0).eval_with(b).unwrap();
        assert!(v.item::<f64>().unwrap().is_nan());
        assert_eq!(nansum(&e, 1).eval_with(b).unwrap().shape(), &[0]);
        assert!(nanmin(&e, 0).eval_with(b).is_err());
        assert!(nanargmax(&e, 0).eval_with(b).is_err());
        assert_eq!(
            count_nonzero(&e, ..)
                .eval_with(b)
                .unwrap()
                .item::<i64>()
                .unwrap(),
            0
        );
    }
}

#[test]
fn ptp_count_nonzero_in_numpy_dtypes() {
    let u = Array::from_vec(vec![250u8, 5, 7, 9], [2, 2]);
    let i = Array::from_vec(vec![-100i8, 100], [2]);
    let f = Array::from_vec(vec![1.5f32, f64::NAN as f32, -2.0, 4.0], [2, 2]);
    for b in BACKENDS {
        let p = ptp(&u, ..).eval_with(b).unwrap();
        assert_eq!(p.dtype(), DType::U8);
        assert_eq!(p.item::<u8>().unwrap(), 245);
        assert_eq!(
            ptp(&u, 1).eval_with(b).unwrap().to_vec::<u8>().unwrap(),
            vec![245, 2]
        );
        // 100 - (-100) = 200 wraps in int8, as NumPy's does
        assert_eq!(ptp(&i, 0).eval_with(b).unwrap().item::<i8>().unwrap(), -56);
        let p = ptp(&f, -1).eval_with(b).unwrap().to_vec::<f32>().unwrap();
        assert!(p[0].is_nan() && p[1] == 6.0);
        let c = count_nonzero(&f, keepdims(0)).eval_with(b).unwrap();
        assert_eq!(c.dtype(), DType::I64);
        assert_eq!(c.shape(), &[1, 2]);
        assert_eq!(c.to_vec::<i64>().unwrap(), vec![2, 2]);
        let z = Array::from_vec(vec![0i32, 3, 0, -1, 0, 0], [2, 3]);
        assert_eq!(
            count_nonzero(&z, -1)
                .eval_with(b)
                .unwrap()
                .to_vec::<i64>()
                .unwrap(),
            vec![1, 1]
        );
    }
    assert!(ptp(&Array::from_vec(vec![true, false], [2]), ..)
        .eval()
        .is_err());
}

#[test]
fn average_with_weights() {
    let a = input(&[3, 4], DType::F64, 11);
    let av = a.to_vec::<f64>().unwrap();
    let w1: Vec<f64> = vec![1.0, 2.0, 0.5, 3.0];
    let w = Array::from_vec(w1.clone(), [4]);
    let want: Vec<f64> = (0..3)
        .map(|r| (0..4).map(|c| av[r * 4 + c] * w1[c]).sum::<f64>() / 6.5)
        .collect();
    let wfull = Array::from_vec(
        (0..12).map(|i| (i % 5) as f64 + 1.0).collect::<Vec<_>>(),
        [3, 4],
    );
    let wf = wfull.to_vec::<f64>().unwrap();
    let want_full: f64 =
        av.iter().zip(&wf).map(|(x, y)| x * y).sum::<f64>() / wf.iter().sum::<f64>();
    let ai = input(&[3, 4], DType::I32, 11);
    for b in BACKENDS {
        let got = average(&a, -1, Some(&w)).eval_with(b).unwrap();
        assert_close(&got.to_vec::<f64>().unwrap(), &want, 1e-12, "1-D weights");
        let got = average(&a, keepdims(1), Some(&w)).eval_with(b).unwrap();
        assert_eq!(got.shape(), &[3, 1]);
        let got = average(&a, .., Some(&wfull)).eval_with(b).unwrap();
        assert_close(&[got.item::<f64>().unwrap()], &[want_full], 1e-12, "full");
        let got = average(&a, 0, None).eval_with(b).unwrap();
        assert_close(
            &got.to_vec::<f64>().unwrap(),
            &a.mean(0).to_vec::<f64>().unwrap(),
            1e-12,
            "no weights",
        );
        // integer a with integer weights: float64
        let wi = Array::from_vec(vec![1i32, 2, 0, 3], [4]);
        let got = average(&ai, 1, Some(&wi)).eval_with(b).unwrap();
        assert_eq!(got.dtype(), DType::F64);
    }
    let f32a = input(&[3, 4], DType::F32, 1);
    let f32w = Array::from_vec(vec![1.0f32, 2.0, 3.0, 4.0], [4]);
    assert_eq!(average(&f32a, 1, Some(&f32w)).dtype(), DType::F32);
    // errors NumPy raises
    let zero = Array::from_vec(vec![1.0, -1.0, 0.0, 0.0], [4]);
    let e = average(&a, 1, Some(&zero)).eval().unwrap_err().to_string();
    assert!(e.contains("sum to zero"), "{e}");
    assert!(average(&a, .., Some(&w)).eval().is_err());
    assert!(average(&a, 0, Some(&w)).eval().is_err());
    assert!(average(&a, 1, Some(&Array::from_vec(vec![1.0; 4], [1, 4])))
        .eval()
        .is_err());
}

#[test]
fn diff_slices_and_bool() {
    let x = input(&[3, 5], DType::I64, 4);
    let v = x.to_vec::<i64>().unwrap();
    let d1: Vec<i64> = (0..3)
        .flat_map(|r| (0..4).map(move |c| (r, c)))
        .map(|(r, c)| v[r * 5 + c + 1] - v[r * 5 + c])
        .collect();
    let d0: Vec<i64> = (0..2)
        .flat_map(|r| (0..5).map(move |c| (r, c)))
        .map(|(r, c)| v[(r + 1) * 5 + c] - v[r * 5 + c])
        .collect();
    let d2: Vec<i64> = (0..3)
        .flat_map(|r| (0..3).map(move |c| (r, c)))
        .map(|(r, c)| d1[r * 4 + c + 1] - d1[r * 4 + c])
        .collect();
    let bools = Array::from_vec(vec![true, true, false, true, false, false], [6]);
    let u = Array::from_vec(vec![5u8, 3, 10], [3]);
    for b in BACKENDS {
        let run = |a: &Array| a.eval_with(b).unwrap();
        assert_eq!(run(&diff(&x, 1, -1)).to_vec::<i64>().unwrap(), d1);
        assert_eq!(run(&diff(&x, 1, 0)).to_vec::<i64>().unwrap(), d0);
        assert_eq!(run(&diff(&x, 2, 1)).to_vec::<i64>().unwrap(), d2);
        assert_eq!(run(&diff(&x, 0, 1)).to_vec::<i64>().unwrap(), v);
        assert_eq!(run(&diff(&x, 7, 1)).shape(), &[3, 0]);
        let db = run(&diff(&bools, 1, 0));
        assert_eq!(db.dtype(), DType::Bool);
        assert_eq!(
            db.to_vec::<bool>().unwrap(),
            vec![false, true, true, true, false]
        );
        // uint8 wraps: 3 - 5 = 254
        assert_eq!(run(&diff(&u, 1, 0)).to_vec::<u8>().unwrap(), vec![254, 7]);
    }
    assert!(diff(&Array::scalar(1.0), 1, 0).eval().is_err());
    assert!(diff(&x, 1, 2).eval().is_err());
}

#[test]
fn nan_reductions_of_a_chain_fuse() {
    let x = input(&[64, 33], DType::F64, 9);
    let chain = (&x * 2.0 + 1.0).sqrt();
    let m = nanmean(&chain, 1);
    let s = nansum(&chain, ..);
    let mx = nanmax(&chain, 0);
    let v = nanvar(&chain, -1, 1.0);
    // The chain is recomputed inside each reduction kernel, never materialized: nansum is
    // one kernel; nanmean/nanmax are their two reductions (values, count / all-NaN) plus the
    // element-wise epilogue; nanvar adds the second pass.
    for (a, most) in [(&s, 1), (&m, 3), (&mx, 3), (&v, 5)] {
        assert!(a.fused_kernel_count() <= most, "{}", a.explain_plan());
        assert!(!a.explain_plan().contains("sqrt ["), "{}", a.explain_plan());
    }
}

#[test]
fn cov_and_corrcoef_match_naive() {
    let x = input(&[3, 6], DType::F64, 13);
    let v = x.to_vec::<f64>().unwrap();
    let mean: Vec<f64> = (0..3)
        .map(|r| v[r * 6..r * 6 + 6].iter().sum::<f64>() / 6.0)
        .collect();
    let c = |i: usize, j: usize, ddof: f64| {
        (0..6)
            .map(|k| (v[i * 6 + k] - mean[i]) * (v[j * 6 + k] - mean[j]))
            .sum::<f64>()
            / (6.0 - ddof)
    };
    let want: Vec<f64> = (0..9).map(|i| c(i / 3, i % 3, 1.0)).collect();
    let want_bias: Vec<f64> = (0..9).map(|i| c(i / 3, i % 3, 0.0)).collect();
    let want_r: Vec<f64> = (0..9)
        .map(|i| c(i / 3, i % 3, 1.0) / (c(i / 3, i / 3, 1.0) * c(i % 3, i % 3, 1.0)).sqrt())
        .collect();
    for b in BACKENDS {
        let got = numcrane::cov(&x, true, false, None).eval_with(b).unwrap();
        assert_close(&got.to_vec::<f64>().unwrap(), &want, 1e-12, "cov");
        let got = numcrane::cov(&x.transpose(), false, true, None)
            .eval_with(b)
            .unwrap();
        assert_close(&got.to_vec::<f64>().unwrap(), &want_bias, 1e-12, "cov bias");
        let got = numcrane::corrcoef(&x, true).eval_with(b).unwrap();
        assert_close(&got.to_vec::<f64>().unwrap(), &want_r, 1e-12, "corrcoef");
    }
    assert_eq!(
        numcrane::cov(&x.astype(DType::F32), true, false, None).dtype(),
        DType::F64
    );
    assert_eq!(
        numcrane::cov(
            &x.slice(vec![numcrane::SliceArg::Index(0)]),
            true,
            false,
            None
        )
        .ndim(),
        0
    );
    assert!(
        numcrane::cov(&input(&[2, 2, 2], DType::F64, 1), true, false, None)
            .eval()
            .is_err()
    );
}
