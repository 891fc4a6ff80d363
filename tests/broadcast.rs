//! `broadcast_to` and `broadcast_arrays` (crates/numcrane/src/views.rs) on every backend:
//! the values each result repeats, checked against indices computed here; inputs that are
//! views or computed; and shapes that do not broadcast (errors naming the function and the
//! user's line).

mod common;

use common::input;
use numcrane::{broadcast_arrays, broadcast_to, Array, Backend, DType};

const BACKENDS: [Backend; 4] = [
    Backend::Eval,
    Backend::Jit,
    Backend::Interpret,
    Backend::Unfused,
];

/// `v` (of `shape`) broadcast to `target`, computed element by element.
fn naive(v: &[f64], shape: &[usize], target: &[usize]) -> Vec<f64> {
    let total: usize = target.iter().product();
    let off = target.len() - shape.len();
    (0..total)
        .map(|flat| {
            let mut rest = flat;
            let mut pos = vec![0; target.len()];
            for d in (0..target.len()).rev() {
                pos[d] = rest % target[d];
                rest /= target[d];
            }
            let mut k = 0;
            for (d, &n) in shape.iter().enumerate() {
                let i = if n == 1 { 0 } else { pos[d + off] };
                k = k * n + i;
            }
            v[k]
        })
        .collect()
}

#[test]
fn broadcast_values_on_every_backend() {
    for (shape, target) in [
        (vec![3], vec![4, 3]),
        (vec![2, 1], vec![2, 5]),
        (vec![1, 3, 1], vec![2, 3, 4]),
        (vec![], vec![2, 2]),
        (vec![4], vec![4]),
    ] {
        let x = input(&shape, DType::F64, 7);
        let v = x.to_vec::<f64>().unwrap();
        let want = naive(&v, &shape, &target);
        for b in BACKENDS {
            let f = broadcast_to(&x, &target).eval_with(b).unwrap();
            assert_eq!(
                f.to_vec::<f64>().unwrap(),
                want,
                "{shape:?} {target:?} {b:?}"
            );
            let m = x.broadcast_to(&target).eval_with(b).unwrap();
            assert_eq!(
                m.to_vec::<f64>().unwrap(),
                want,
                "{shape:?} {target:?} {b:?}"
            );
        }
    }
}

#[test]
fn broadcast_arrays_of_views_and_computed_arrays() {
    let a = input(&[3, 1], DType::F32, 1);
    let b = input(&[2, 4], DType::I32, 2).slice(vec![(0..1).into(), (..).into()]);
    let c = &input(&[4], DType::F64, 3) * 2.0;
    let out = broadcast_arrays(&[&a, &b, &c]);
    assert_eq!(out.len(), 3);
    for (x, o) in [&a, &b, &c].iter().zip(&out) {
        assert_eq!(o.shape(), &[3, 4]);
        assert_eq!(o.dtype(), x.dtype());
        let want = naive(
            &x.astype(DType::F64).to_vec::<f64>().unwrap(),
            x.shape(),
            &[3, 4],
        );
        for bk in BACKENDS {
            let got = o.eval_with(bk).unwrap().astype(DType::F64);
            assert_eq!(got.to_vec::<f64>().unwrap(), want, "{bk:?}");
        }
    }
    assert!(broadcast_arrays(&[]).is_empty());
}

#[test]
fn shapes_that_do_not_broadcast_are_errors() {
    let x = input(&[2, 3], DType::F64, 1);
    let bad = [
        broadcast_to(&x, &[3, 3]),
        broadcast_to(&x, &[3]),
        x.broadcast_to(&[2, 3, 2]),
    ];
    for r in bad {
        let e = r.eval().expect_err("an error").to_string();
        assert!(e.contains("broadcast_to"), "{e}");
        assert!(e.contains("tests/broadcast.rs"), "{e}");
    }
    let y = Array::from_vec(vec![1.0, 2.0], vec![2]);
    for r in broadcast_arrays(&[&x, &y]) {
        let e = r.eval().expect_err("an error").to_string();
        assert!(
            e.contains("broadcast_arrays") && e.contains("[2, 3]"),
            "{e}"
        );
        assert!(e.contains("tests/broadcast.rs"), "{e}");
    }
}
