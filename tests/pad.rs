//! `pad` (crates/numcrane/src/pad.rs) against a naive pad written here from the closed forms
//! of NumPy's modes (reflect and symmetric are mirror extensions with periods 2(n - 1) and 2n,
//! wrap has period n, edge clamps, constant corners take the last axis' value), on every
//! backend: dtypes, 1-d to 3-d shapes, pads wider than the array, length-1 axes, inputs that
//! are views; and the errors (wrong number of pairs, extending an empty axis, stat_length 0
//! for maximum / minimum). NumPy's own answers, and the ramp and statistic modes, are in the
//! golden files (family `pad`).

mod common;

use common::input;
use numcrane::{pad, Array, Backend, DType, PadMode, Pairs};

const BACKENDS: [Backend; 4] = [
    Backend::Eval,
    Backend::Jit,
    Backend::Interpret,
    Backend::Unfused,
];

/// The source position along an axis of length `n` of padded position `i - before` (`rel`).
fn source(rel: isize, n: usize, mode: &PadMode) -> usize {
    let n = n as isize;
    let k = match mode {
        PadMode::Edge => rel.clamp(0, n - 1),
        PadMode::Wrap => rel.rem_euclid(n),
        PadMode::Reflect if n == 1 => 0,
        PadMode::Reflect => {
            let p = 2 * (n - 1);
            let m = rel.rem_euclid(p);
            if m < n {
                m
            } else {
                p - m
            }
        }
        PadMode::Symmetric => {
            let p = 2 * n;
            let m = rel.rem_euclid(p);
            if m < n {
                m
            } else {
                p - 1 - m
            }
        }
        _ => unreachable!("index modes only"),
    };
    k as usize
}

/// Row-major strides of `shape`.
fn strides(shape: &[usize]) -> Vec<usize> {
    let mut s = vec![1; shape.len()];
    for d in (0..shape.len().saturating_sub(1)).rev() {
        s[d] = s[d + 1] * shape[d + 1];
    }
    s
}

/// NumPy's pad of `v` (shape `shape`) with one (before, after) pair per axis.
fn naive(v: &[f64], shape: &[usize], w: &[(usize, usize)], mode: &PadMode) -> Vec<f64> {
    let out_shape: Vec<usize> = shape.iter().zip(w).map(|(&n, &(b, a))| n + b + a).collect();
    let total: usize = out_shape.iter().product();
    let (si, so) = (strides(shape), strides(&out_shape));
    (0..total)
        .map(|flat| {
            let pos: Vec<usize> = (0..shape.len())
                .map(|d| flat / so[d] % out_shape[d])
                .collect();
            if let PadMode::Constant(Pairs::PerAxis(values)) = mode {
                // corners belong to the last padded axis
                for d in (0..shape.len()).rev() {
                    if pos[d] < w[d].0 {
                        return values[d].0;
                    }
                    if pos[d] >= w[d].0 + shape[d] {
                        return values[d].1;
                    }
                }
                let k: usize = (0..shape.len()).map(|d| (pos[d] - w[d].0) * si[d]).sum();
                return v[k];
            }
            let k: usize = (0..shape.len())
                .map(|d| source(pos[d] as isize - w[d].0 as isize, shape[d], mode) * si[d])
                .sum();
            v[k]
        })
        .collect()
}

fn check(x: &Array, w: Vec<(usize, usize)>, mode: PadMode, what: &str) {
    let v = x.astype(DType::F64).to_vec::<f64>().unwrap();
    let want = naive(&v, x.shape(), &w, &mode);
    let shape: Vec<usize> = x
        .shape()
        .iter()
        .zip(&w)
        .map(|(&n, &(b, a))| n + b + a)
        .collect();
    for b in BACKENDS {
        let p = pad(x, w.clone(), mode.clone());
        assert_eq!(p.dtype(), x.dtype(), "{what}");
        assert_eq!(p.shape(), shape.as_slice(), "{what}");
        let got = p.eval_with(b).unwrap().astype(DType::F64);
        assert_eq!(
            got.to_vec::<f64>().unwrap(),
            want,
            "{what} {mode:?} {w:?} {b:?}"
        );
    }
}

#[test]
fn index_modes_and_constants_match_the_closed_forms_on_every_backend() {
    let modes = |nd: usize| {
        vec![
            PadMode::Edge,
            PadMode::Reflect,
            PadMode::Symmetric,
            PadMode::Wrap,
            PadMode::Constant(Pairs::PerAxis(
                (0..nd)
                    .map(|d| (d as f64 + 1.0, -(d as f64) - 7.0))
                    .collect(),
            )),
        ]
    };
    for dt in [DType::F64, DType::F32, DType::I32, DType::U8, DType::Bool] {
        for (shape, widths) in [
            (
                vec![5],
                vec![vec![(2, 3)], vec![(11, 0)], vec![(0, 17)], vec![(4, 4)]],
            ),
            (vec![1], vec![vec![(3, 2)]]),
            (vec![2], vec![vec![(7, 5)]]),
            (
                vec![3, 4],
                vec![vec![(1, 2), (3, 0)], vec![(7, 9), (0, 10)]],
            ),
            (vec![2, 1, 3], vec![vec![(1, 1), (2, 0), (5, 4)]]),
        ] {
            let x = if dt == DType::U8 {
                input(&shape, DType::F64, 2).abs().astype(dt)
            } else {
                input(&shape, dt, 2)
            };
            for w in widths {
                for mode in modes(shape.len()) {
                    let cast_changes_constants = matches!(dt, DType::U8 | DType::Bool);
                    if cast_changes_constants && matches!(mode, PadMode::Constant(_)) {
                        continue; // negative constants do not fit; the golden cases cast
                    }
                    check(&x, w.clone(), mode, &format!("{dt:?} {shape:?}"));
                }
            }
        }
    }
}

#[test]
fn views_and_computed_inputs() {
    let x = input(&[4, 6], DType::F64, 9);
    let t = x.transpose().slice(vec![(1..3).into(), (..).into()]);
    check(
        &t,
        vec![(5, 2), (1, 3)],
        PadMode::Reflect,
        "transposed slice",
    );
    let y = &x * 2.0 + 1.0;
    check(&y, vec![(3, 3), (8, 0)], PadMode::Symmetric, "computed");
    // a pad of a pad
    let p = pad(&x, 2, PadMode::Wrap).eval().unwrap();
    check(&p, vec![(1, 1), (20, 1)], PadMode::Wrap, "pad of a pad");
}

#[test]
fn forms_of_pad_width_agree() {
    let x = input(&[3, 4], DType::F64, 4);
    let all = pad(&x, 2, PadMode::Edge).to_vec::<f64>().unwrap();
    let pair = pad(&x, (2, 2), PadMode::Edge).to_vec::<f64>().unwrap();
    let one = pad(&x, [(2, 2)], PadMode::Edge).to_vec::<f64>().unwrap();
    let each = pad(&x, vec![(2, 2), (2, 2)], PadMode::Edge)
        .to_vec::<f64>()
        .unwrap();
    assert_eq!(all, pair);
    assert_eq!(all, one);
    assert_eq!(all, each);
    // a 0-d array comes back unchanged
    let s = Array::scalar(3.5f64);
    let p = pad(&s, 4, PadMode::Reflect);
    assert_eq!(p.shape(), &[] as &[usize]);
    assert_eq!(p.to_vec::<f64>().unwrap(), vec![3.5]);
}

#[test]
fn bad_input_is_an_error_naming_pad_and_the_line() {
    let x = input(&[3, 4], DType::F64, 1);
    let empty = Array::from_vec(Vec::<f64>::new(), vec![0, 3]);
    let cases = vec![
        pad(&x, vec![(1, 1), (1, 1), (1, 1)], PadMode::Reflect),
        pad(
            &x,
            1,
            PadMode::Constant(Pairs::PerAxis(vec![(1.0, 2.0); 3])),
        ),
        pad(&empty, 1, PadMode::Edge),
        pad(&empty, [(1, 0), (0, 0)], PadMode::Wrap),
        pad(&x, 1, PadMode::Maximum(Some(Pairs::All(0)))),
        pad(&x, 1, PadMode::Minimum(Some(Pairs::Pair(2, 0)))),
        pad(&x, usize::MAX, PadMode::Edge),
    ];
    for (i, p) in cases.into_iter().enumerate() {
        let e = p.eval().expect_err("an error").to_string();
        assert!(e.contains("pad"), "case {i}: {e}");
        assert!(
            e.contains("tests/pad.rs"),
            "case {i}: no source line in {e}"
        );
    }
    // constant may extend an empty axis; other modes may pad the non-empty ones
    let c = pad(&empty, 1, PadMode::constant(4.0))
        .to_vec::<f64>()
        .unwrap();
    assert_eq!(c, vec![4.0; 10]);
    assert_eq!(
        pad(&empty, [(0, 0), (2, 1)], PadMode::Wrap).shape(),
        &[0, 6]
    );
}

/// One lane padded with reflect_type 'odd' (pads no wider than one reflection).
fn odd_lane(v: &[f64], (b, f): (usize, usize), symmetric: bool) -> Vec<f64> {
    let n = v.len() as isize;
    let s = isize::from(symmetric);
    (-(b as isize)..n + f as isize)
        .map(|r| {
            if r < 0 {
                2.0 * v[0] - v[(-r - s) as usize]
            } else if r >= n {
                2.0 * v[(n - 1) as usize] - v[(2 * (n - 1) + s - r) as usize]
            } else {
                v[r as usize]
            }
        })
        .collect()
}

#[test]
fn odd_reflections_on_every_backend() {
    let x = input(&[4, 5], DType::F64, 6);
    let v = x.to_vec::<f64>().unwrap();
    for (symmetric, mode) in [(false, PadMode::ReflectOdd), (true, PadMode::SymmetricOdd)] {
        let w = [(2, 3), (1, 4)];
        // axis 0 first (columns of the 4 x 5 input), then axis 1 over the padded rows
        let rows0 = 4 + w[0].0 + w[0].1;
        let mut mid = vec![0.0; rows0 * 5];
        for c in 0..5 {
            let col: Vec<f64> = (0..4).map(|r| v[r * 5 + c]).collect();
            for (r, y) in odd_lane(&col, w[0], symmetric).into_iter().enumerate() {
                mid[r * 5 + c] = y;
            }
        }
        let want: Vec<f64> = mid
            .chunks(5)
            .flat_map(|row| odd_lane(row, w[1], symmetric))
            .collect();
        for b in BACKENDS {
            let p = pad(&x, w, mode.clone()).eval_with(b).unwrap();
            assert_eq!(p.shape(), &[rows0, 10]);
            let got = p.to_vec::<f64>().unwrap();
            for (g, e) in got.iter().zip(&want) {
                assert!(
                    (g - e).abs() <= 1e-12 * (1.0 + e.abs()),
                    "{mode:?} {b:?}: {got:?} vs {want:?}"
                );
            }
        }
    }
    // integers wrap as NumPy's int8 arithmetic does: 2 * 100 - (-100) is 300 - 256 = 44
    let i = Array::from_vec(vec![-100i8, 100], vec![2]);
    let p = pad(&i, (0, 1), PadMode::ReflectOdd).to_vec::<i8>().unwrap();
    assert_eq!(p, vec![-100, 100, 44]);
    let bad = pad(
        &Array::from_vec(vec![true, false], vec![2]),
        1,
        PadMode::ReflectOdd,
    );
    assert!(bad.eval().unwrap_err().to_string().contains("pad"));
}

#[test]
fn pad_and_quantiles_stay_lazy() {
    let x = input(&[3, 4], DType::F64, 8);
    let y = &x * 3.0; // not evaluated
    let p = pad(&y, [(1, 2), (5, 0)], PadMode::Symmetric);
    let q = numcrane::nanquantile_with(&y, [0.2, 0.9], 1, "hazen");
    let b = numcrane::broadcast_to(&y, &[2, 3, 4]);
    assert!(!y.is_realized() && !p.is_realized() && !q.is_realized());
    // pad joins slices along each padded axis; broadcast_to is a view (no copy node)
    assert!(p.explain().contains("concatenate"), "{}", p.explain());
    assert!(!b.explain().contains("concatenate"), "{}", b.explain());
    // a zero pad is the array itself
    let same = pad(&y, 0, PadMode::Wrap);
    assert_eq!(same.explain(), y.explain());
    assert!(!y.is_realized());
    let v = p.to_vec::<f64>().unwrap();
    assert_eq!(v.len(), 6 * 9);
}

#[test]
fn very_wide_pads_stay_small_graphs() {
    let x = Array::from_vec(vec![1.0, 2.0, 4.0], vec![3]);
    let v = [1.0, 2.0, 4.0];
    for mode in [PadMode::Reflect, PadMode::Symmetric, PadMode::Wrap] {
        let w = (100_003, 99_998);
        let p = pad(&x, w, mode.clone());
        let lines = p.explain().lines().count();
        assert!(lines < 40, "{mode:?}: {lines} nodes\n{}", p.explain());
        let want = naive(&v, &[3], &[w], &mode);
        for b in BACKENDS {
            let got = p.eval_with(b).unwrap().to_vec::<f64>().unwrap();
            assert!(got == want, "{mode:?} {b:?}");
        }
    }
}
