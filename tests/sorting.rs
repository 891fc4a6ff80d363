//! Sorting (crates/numcrane/src/sorting.rs) against Rust's own stable sort written here, on
//! every backend: every dtype class, NaN placement (last), stability of argsort on equal keys
//! (and -0.0 / 0.0), empty arrays, axis None and negative axes, inputs that are views or
//! computed chains, and bad axes; median / percentile / quantile against a naive sort-and-
//! interpolate (nanmedian against a naive filter-and-sort), with NaN, integers, keepdims, lists of q and the errors NumPy raises. NumPy's own answers are in the golden files (family
//! `sorting`).

mod common;

use common::input;
use numcrane::{
    argsort, keepdims, median, nanmedian, percentile, quantile, sort, Array, Backend, DType,
};
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

/// The lanes of a row-major `shape` array along `axis`, as lists of flat positions.
fn lanes(shape: &[usize], axis: usize) -> Vec<Vec<usize>> {
    let outer: usize = shape[..axis].iter().product();
    let inner: usize = shape[axis + 1..].iter().product();
    let len = shape[axis];
    let mut out = Vec::new();
    for o in 0..outer {
        for i in 0..inner {
            out.push((0..len).map(|k| o * len * inner + k * inner + i).collect());
        }
    }
    out
}

/// Naive (sorted values, argsort) of `v` with `shape` along `axis`.
fn naive(v: &[f64], shape: &[usize], axis: usize) -> (Vec<f64>, Vec<i64>) {
    let mut vals = vec![0.0; v.len()];
    let mut idx = vec![0i64; v.len()];
    for lane in lanes(shape, axis) {
        let mut order: Vec<usize> = (0..lane.len()).collect();
        order.sort_by(|&a, &b| total(v[lane[a]], v[lane[b]]));
        for (k, &p) in order.iter().enumerate() {
            vals[lane[k]] = v[lane[p]];
            idx[lane[k]] = p as i64;
        }
    }
    (vals, idx)
}

fn same(got: &[f64], want: &[f64], what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: lengths");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        let ok =
            (g.is_nan() && w.is_nan()) || (g == w && g.is_sign_negative() == w.is_sign_negative());
        assert!(
            ok,
            "{what}: element {i} is {g}, want {w} ({got:?} vs {want:?})"
        );
    }
}

fn check(x: &Array, axis: Option<isize>, what: &str) {
    let v = x.astype(DType::F64).to_vec::<f64>().unwrap();
    let (flat, shape): (Vec<f64>, Vec<usize>) = match axis {
        None => (v.clone(), vec![v.len()]),
        Some(_) => (v.clone(), x.shape().to_vec()),
    };
    let ax = match axis {
        None => 0,
        Some(a) if a < 0 => (shape.len() as isize + a) as usize,
        Some(a) => a as usize,
    };
    let (want_v, want_i) = naive(&flat, &shape, ax);
    for b in BACKENDS {
        let s = sort(x, axis);
        let i = argsort(x, axis);
        assert_eq!(s.dtype(), x.dtype(), "{what}");
        assert_eq!(i.dtype(), DType::I64, "{what}");
        assert_eq!(s.shape(), shape.as_slice(), "{what}");
        assert_eq!(i.shape(), shape.as_slice(), "{what}");
        let s = s.eval_with(b).unwrap();
        let i = i.eval_with(b).unwrap();
        same(
            &s.astype(DType::F64).to_vec::<f64>().unwrap(),
            &want_v,
            &format!("sort {what} {axis:?} {b:?}"),
        );
        assert_eq!(
            i.to_vec::<i64>().unwrap(),
            want_i,
            "argsort {what} {axis:?} {b:?}"
        );
    }
}

const DTYPES: [DType; 11] = [
    DType::Bool,
    DType::I8,
    DType::I16,
    DType::I32,
    DType::I64,
    DType::U8,
    DType::U16,
    DType::U32,
    DType::U64,
    DType::F32,
    DType::F64,
];

#[test]
fn every_dtype_every_axis_every_backend() {
    for dt in DTYPES {
        for shape in [vec![7], vec![4, 5], vec![2, 3, 4]] {
            let x = input(&shape, dt, 5);
            let nd = shape.len() as isize;
            let mut axes: Vec<Option<isize>> = vec![None];
            for a in -nd..nd {
                axes.push(Some(a));
            }
            for axis in axes {
                check(&x, axis, &format!("{dt:?} {shape:?}"));
            }
        }
    }
}

#[test]
fn nan_sorts_last_and_signed_zeros_keep_order() {
    let v = vec![
        f64::NAN,
        3.0,
        -0.0,
        f64::NEG_INFINITY,
        0.0,
        f64::NAN,
        -0.0,
        f64::INFINITY,
        1.0,
        0.0,
        -2.0,
        f64::NAN,
    ];
    for dt in [DType::F64, DType::F32] {
        let x = Array::from_vec(v.clone(), [3, 4]).astype(dt);
        for axis in [None, Some(0), Some(1), Some(-1)] {
            check(&x, axis, &format!("nan {dt:?}"));
        }
    }
    let s = sort(&Array::from_vec(v.clone(), [12]), None)
        .to_vec::<f64>()
        .unwrap();
    assert!(s[9..].iter().all(|x| x.is_nan()));
    assert_eq!(s[0], f64::NEG_INFINITY);
    assert_eq!(s[8], f64::INFINITY);
    // -0.0, 0.0, -0.0, 0.0 in input order
    let signs: Vec<bool> = s[2..6].iter().map(|x| x.is_sign_negative()).collect();
    assert_eq!(signs, vec![true, false, true, false]);
}

#[test]
fn argsort_is_stable_on_equal_keys() {
    let x = Array::from_vec(vec![2i64, 1, 2, 1, 0, 2, 1, 0], [8]);
    for b in BACKENDS {
        assert_eq!(
            argsort(&x, Some(0))
                .eval_with(b)
                .unwrap()
                .to_vec::<i64>()
                .unwrap(),
            vec![4, 7, 1, 3, 6, 0, 2, 5]
        );
    }
    let y = Array::from_vec(vec![true, false, true, false], [4]);
    assert_eq!(argsort(&y, None).to_vec::<i64>().unwrap(), vec![1, 3, 0, 2]);
    assert_eq!(
        sort(&y, None).to_vec::<bool>().unwrap(),
        vec![false, false, true, true]
    );
}

#[test]
fn empty_and_zero_dimensional() {
    for shape in [vec![0], vec![3, 0], vec![0, 4], vec![2, 0, 3]] {
        let x = input(&shape, DType::F64, 1);
        let nd = shape.len() as isize;
        for axis in std::iter::once(None).chain((-nd..nd).map(Some)) {
            check(&x, axis, &format!("empty {shape:?}"));
        }
    }
    let s = Array::from_vec(vec![4.0], []);
    assert_eq!(sort(&s, None).shape(), &[1]);
    assert_eq!(sort(&s, None).to_vec::<f64>().unwrap(), vec![4.0]);
    assert!(sort(&s, Some(0)).eval().is_err());
}

#[test]
fn views_and_chains_are_sorted() {
    let x = input(&[4, 6], DType::F64, 2);
    let t = x.transpose();
    check(&t, Some(1), "transposed");
    let chain = (&x * 2.0).sin() + 1.0;
    check(&chain, Some(0), "chain");
    // a consumer of the sort fuses/evaluates on every backend
    let want = sort(&x, Some(1)).to_vec::<f64>().unwrap();
    for b in BACKENDS {
        let y = (sort(&x, Some(1)) * 2.0).eval_with(b).unwrap();
        let got = y.to_vec::<f64>().unwrap();
        let w: Vec<f64> = want.iter().map(|v| v * 2.0).collect();
        assert_eq!(got, w, "{b:?}");
    }
    // methods
    assert_eq!(x.sort_axis(-1).to_vec::<f64>().unwrap(), want);
    assert_eq!(
        x.argsort_axis(-1).to_vec::<i64>().unwrap(),
        argsort(&x, Some(1)).to_vec::<i64>().unwrap()
    );
}

#[test]
fn bad_axis_is_an_error() {
    let x = input(&[2, 3], DType::F64, 0);
    for axis in [2, -3] {
        let e = sort(&x, Some(axis)).eval().unwrap_err().to_string();
        assert!(e.contains("sort"), "{e}");
        let e = argsort(&x, Some(axis)).eval().unwrap_err().to_string();
        assert!(e.contains("argsort"), "{e}");
    }
}

/// Naive linear-method quantile of one lane (NaN if the lane holds NaN).
fn naive_quantile(lane: &[f64], q: f64) -> f64 {
    if lane.iter().any(|x| x.is_nan()) {
        return f64::NAN;
    }
    let mut v = lane.to_vec();
    v.sort_by(|a, b| total(*a, *b));
    let pos = q * (v.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = (lo + 1).min(v.len() - 1);
    v[lo] + (v[hi] - v[lo]) * (pos - lo as f64)
}

fn close(got: &[f64], want: &[f64], what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: lengths");
    for (g, w) in got.iter().zip(want) {
        let ok = (g.is_nan() && w.is_nan()) || (g - w).abs() <= 1e-12 * (1.0 + w.abs());
        assert!(ok, "{what}: {got:?} vs {want:?}");
    }
}

#[test]
fn median_and_percentile_match_naive_on_every_backend() {
    let mut data = input(&[4, 6], DType::F64, 9).to_vec::<f64>().unwrap();
    data[7] = f64::NAN; // row 1 and column 1 hold a NaN
    for nan in [false, true] {
        let v: Vec<f64> = if nan {
            data.clone()
        } else {
            data.iter()
                .map(|x| if x.is_nan() { 2.5 } else { *x })
                .collect()
        };
        let x = Array::from_vec(v.clone(), [4, 6]);
        let rows: Vec<Vec<f64>> = (0..4).map(|r| v[r * 6..r * 6 + 6].to_vec()).collect();
        let cols: Vec<Vec<f64>> = (0..6)
            .map(|c| (0..4).map(|r| v[r * 6 + c]).collect())
            .collect();
        for b in BACKENDS {
            let what = format!("nan={nan} {b:?}");
            let got = median(&x, 1).eval_with(b).unwrap().to_vec::<f64>().unwrap();
            let want: Vec<f64> = rows.iter().map(|l| naive_quantile(l, 0.5)).collect();
            close(&got, &want, &format!("median rows {what}"));
            let got = median(&x, ..)
                .eval_with(b)
                .unwrap()
                .to_vec::<f64>()
                .unwrap();
            close(
                &got,
                &[naive_quantile(&v, 0.5)],
                &format!("median all {what}"),
            );
            for q in [0.0, 12.5, 37.0, 50.0, 90.0, 100.0] {
                let got = percentile(&x, q, 0)
                    .eval_with(b)
                    .unwrap()
                    .to_vec::<f64>()
                    .unwrap();
                let want: Vec<f64> = cols.iter().map(|l| naive_quantile(l, q / 100.0)).collect();
                close(&got, &want, &format!("percentile {q} {what}"));
                let got = quantile(&x, q / 100.0, -1)
                    .eval_with(b)
                    .unwrap()
                    .to_vec::<f64>()
                    .unwrap();
                let want: Vec<f64> = rows.iter().map(|l| naive_quantile(l, q / 100.0)).collect();
                close(&got, &want, &format!("quantile {q} {what}"));
            }
        }
    }
}

#[test]
fn order_statistics_dtypes_shapes_and_errors() {
    let x = Array::from_vec(vec![5i32, 1, 4, 2, 3, 9], [2, 3]);
    let m = median(&x, keepdims(1));
    assert_eq!(m.dtype(), DType::F64);
    assert_eq!(m.shape(), &[2, 1]);
    assert_eq!(m.to_vec::<f64>().unwrap(), vec![4.0, 3.0]);
    assert_eq!(x.median(..).to_vec::<f64>().unwrap(), vec![3.5]);
    let f = x.astype(DType::F32);
    assert_eq!(median(&f, 0).dtype(), DType::F32);
    assert_eq!(percentile(&f, 50.0, 0).dtype(), DType::F32);
    // a list of q: a leading axis, float64 as NumPy
    let p = percentile(&f, [0.0, 50.0, 100.0], 1);
    assert_eq!(p.dtype(), DType::F64);
    assert_eq!(p.shape(), &[3, 2]);
    assert_eq!(
        p.to_vec::<f64>().unwrap(),
        vec![1.0, 2.0, 4.0, 3.0, 5.0, 9.0]
    );
    // median of nothing is NaN; a quantile of nothing, q out of range and bool are errors
    let e = Array::from_vec(Vec::<f64>::new(), [0]);
    assert!(median(&e, ..).to_vec::<f64>().unwrap()[0].is_nan());
    assert!(percentile(&e, 50.0, ..).eval().is_err());
    assert!(percentile(&x, 101.0, ..).eval().is_err());
    assert!(quantile(&x, -0.1, ..).eval().is_err());
    assert!(quantile(&x, 0.5, 2).eval().is_err());
    let bools = Array::from_vec(vec![true, false, true], [3]);
    assert!(quantile(&bools, 0.5, ..).eval().is_err());
    assert_eq!(median(&bools, ..).to_vec::<f64>().unwrap(), vec![1.0]);
}

#[test]
fn nanmedian_ignores_nan_on_every_backend() {
    let mut v = input(&[5, 6], DType::F64, 4).to_vec::<f64>().unwrap();
    for (i, x) in v.iter_mut().enumerate() {
        // row 1 all NaN, column 2 all NaN, row 3 mostly NaN, a few more
        if i / 6 == 1 || i % 6 == 2 || (i / 6 == 3 && i % 6 < 5) || i % 7 == 0 {
            *x = f64::NAN;
        }
    }
    let naive = |lane: Vec<f64>| {
        let mut l: Vec<f64> = lane.into_iter().filter(|x| !x.is_nan()).collect();
        l.sort_by(|a, b| total(*a, *b));
        match l.len() {
            0 => f64::NAN,
            n if n % 2 == 1 => l[n / 2],
            n => (l[n / 2 - 1] + l[n / 2]) / 2.0,
        }
    };
    for dt in [DType::F64, DType::F32] {
        let x = Array::from_vec(v.clone(), [5, 6]).astype(dt);
        let xv = x.astype(DType::F64).to_vec::<f64>().unwrap();
        let rows: Vec<f64> = (0..5)
            .map(|r| naive(xv[r * 6..r * 6 + 6].to_vec()))
            .collect();
        let cols: Vec<f64> = (0..6)
            .map(|c| naive((0..5).map(|r| xv[r * 6 + c]).collect()))
            .collect();
        let tol = if dt == DType::F32 { 1e-6 } else { 1e-12 };
        for b in BACKENDS {
            for (axis, want) in [(1isize, &rows), (0, &cols)] {
                let m = nanmedian(&x, axis).eval_with(b).unwrap();
                assert_eq!(m.dtype(), dt);
                let got = m.astype(DType::F64).to_vec::<f64>().unwrap();
                for (g, w) in got.iter().zip(want.iter()) {
                    let ok = (g.is_nan() && w.is_nan()) || (g - w).abs() <= tol * (1.0 + w.abs());
                    assert!(
                        ok,
                        "nanmedian {dt:?} axis {axis} {b:?}: {got:?} vs {want:?}"
                    );
                }
            }
            let all = nanmedian(&x, ..).eval_with(b).unwrap();
            let want = naive(xv.clone());
            let got = all.astype(DType::F64).to_vec::<f64>().unwrap()[0];
            assert!(
                (got - want).abs() <= tol * (1.0 + want.abs()),
                "{got} vs {want}"
            );
        }
    }
    // integers: as median
    let i = Array::from_vec(vec![3i64, 1, 2, 8], [4]);
    assert_eq!(nanmedian(&i, ..).to_vec::<f64>().unwrap(), vec![2.5]);
    let e = Array::from_vec(Vec::<f32>::new(), [0, 3]);
    let m = nanmedian(&e, 0);
    assert_eq!(m.shape(), &[3]);
    assert!(m.to_vec::<f32>().unwrap().iter().all(|x| x.is_nan()));
}

/// Random values of `dtype`, `n` of them: floats mix NaNs of four payload/sign patterns,
/// signed zeros, infinities, a few small repeated values and arbitrary bit patterns; integers
/// mix few distinct values (ties) with the full range; bools are random.
fn random_values(dtype: DType, n: usize, seed: u64) -> Array {
    let mut s = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let bits: Vec<u64> = (0..n)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            s
        })
        .collect();
    let int = |b: u64| if b & 1 == 0 { (b >> 8) % 7 } else { b >> 1 };
    let f64_of = |b: u64| {
        let nan = f64::NAN.to_bits();
        let specials = [
            f64::from_bits(nan),
            f64::from_bits(nan | 7),
            -f64::NAN,
            f64::from_bits((-f64::NAN).to_bits() | 3),
            0.0,
            -0.0,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ];
        match b % 4 {
            0 => specials[((b >> 8) % 8) as usize],
            1 => ((b >> 8) % 9) as f64 - 4.0,
            _ => f64::from_bits(b >> 2),
        }
    };
    let f32_of = |b: u64| {
        let nan = f32::NAN.to_bits();
        let specials = [
            f32::from_bits(nan),
            f32::from_bits(nan | 7),
            -f32::NAN,
            f32::from_bits((-f32::NAN).to_bits() | 3),
            0.0,
            -0.0,
            f32::INFINITY,
            f32::NEG_INFINITY,
        ];
        match b % 4 {
            0 => specials[((b >> 8) % 8) as usize],
            1 => ((b >> 8) % 9) as f32 - 4.0,
            _ => f32::from_bits((b >> 7) as u32),
        }
    };
    match dtype {
        DType::Bool => Array::from_vec(bits.iter().map(|b| b % 3 == 0).collect(), n),
        DType::I8 => Array::from_vec(bits.iter().map(|&b| int(b) as i8).collect(), n),
        DType::I16 => Array::from_vec(bits.iter().map(|&b| int(b) as i16).collect(), n),
        DType::I32 => Array::from_vec(bits.iter().map(|&b| int(b) as i32).collect(), n),
        DType::I64 => Array::from_vec(bits.iter().map(|&b| int(b) as i64).collect(), n),
        DType::U8 => Array::from_vec(bits.iter().map(|&b| int(b) as u8).collect(), n),
        DType::U16 => Array::from_vec(bits.iter().map(|&b| int(b) as u16).collect(), n),
        DType::U32 => Array::from_vec(bits.iter().map(|&b| int(b) as u32).collect(), n),
        DType::U64 => Array::from_vec(bits.iter().map(|&b| int(b)).collect(), n),
        DType::F32 => Array::from_vec(bits.iter().map(|&b| f32_of(b)).collect(), n),
        DType::F64 => Array::from_vec(bits.iter().map(|&b| f64_of(b)).collect(), n),
        // Parts from two draws, so equal real parts (ordered by the imaginary ones) and NaN
        // in either part both occur.
        DType::C64 => Array::from_vec(
            bits.iter()
                .map(|&b| numcrane::Complex32::new(f32_of(b), f32_of(b.rotate_left(29))))
                .collect(),
            n,
        ),
        DType::C128 => Array::from_vec(
            bits.iter()
                .map(|&b| numcrane::Complex64::new(f64_of(b), f64_of(b.rotate_left(29))))
                .collect(),
            n,
        ),
    }
}

/// The JIT backend (native radix sort) against the reference evaluator, bit for bit (NaN
/// payloads and the sign of zero included): every dtype, lanes along inner and outer axes,
/// views as inputs (transposed, reversed, stepped), and sizes large enough for the parallel
/// paths (many lanes; one long lane split across threads).
#[test]
fn native_sort_is_bit_identical_to_the_evaluator() {
    let check = |x: &Array, axis: Option<isize>, what: &str| {
        for (name, op) in [("sort", sort(x, axis)), ("argsort", argsort(x, axis))] {
            let want = op.copy().eval_with(Backend::Eval).unwrap();
            let got = op.eval_with(Backend::Jit).unwrap();
            assert_eq!(got.dtype(), want.dtype(), "{name} {what} {axis:?}");
            assert_eq!(got.shape(), want.shape(), "{name} {what} {axis:?}");
            assert!(
                got.contiguous_bytes().unwrap() == want.contiguous_bytes().unwrap(),
                "{name} {what} axis {axis:?}: JIT and evaluator differ"
            );
        }
    };
    for (d, dt) in DTYPES.into_iter().enumerate() {
        let seed = d as u64 * 10;
        let x = random_values(dt, 2 * 3 * 300, seed).reshape([2isize, 300, 3]);
        for axis in [None, Some(0), Some(1), Some(-1)] {
            check(&x, axis, &format!("{dt:?} [2, 300, 3]"));
        }
        let m = random_values(dt, 40 * 70, seed + 1).reshape([40isize, 70]);
        check(&m.T(), Some(1), &format!("{dt:?} transposed"));
        check(&m.flip(1), Some(1), &format!("{dt:?} reversed"));
        check(
            &m.slice(numcrane::s![..;3, 1..;2]),
            Some(0),
            &format!("{dt:?} stepped"),
        );
    }
    for dt in [DType::F32, DType::F64, DType::I64, DType::U8] {
        let long = random_values(dt, 150_000, 99);
        check(&long, Some(0), &format!("{dt:?} one long lane"));
        let wide = random_values(dt, 300 * 400, 98).reshape([300isize, 400]);
        check(&wide, Some(0), &format!("{dt:?} many lanes, outer axis"));
        check(&wide, Some(1), &format!("{dt:?} many lanes, inner axis"));
    }
}
