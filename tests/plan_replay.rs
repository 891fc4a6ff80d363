//! Plan replay: a graph with the structure of an earlier one runs the recorded program
//! (no planning, no lowering). These tests evaluate each structure several times with new
//! data and compare every result with the reference evaluator, and check that structures
//! differing only in what a plan depends on (buffer sharing, layouts, constants) are told
//! apart.

use numcrane::{arange, jit_plan_replays, s, Array, Axes, Backend, DType};

fn data(shape: &[usize], dtype: DType, seed: f64) -> Array {
    let n: usize = shape.iter().product();
    ((arange(0.0, n as f64, 1.0) * 0.37 + seed).sin() * 5.0)
        .astype(dtype)
        .reshape(shape.iter().map(|&d| d as isize).collect::<Vec<_>>())
        .eval()
        .unwrap()
}

fn same_values(a: &Array, b: &Array) {
    assert_eq!(a.shape(), b.shape());
    assert_eq!(a.dtype(), b.dtype());
    let (x, y) = (
        a.astype(DType::F64).to_vec::<f64>().unwrap(),
        b.astype(DType::F64).to_vec::<f64>().unwrap(),
    );
    for (p, q) in x.iter().zip(&y) {
        assert!(
            (p - q).abs() <= 1e-5 * q.abs().max(1.0) || (p.is_nan() && q.is_nan()),
            "{p} vs {q}"
        );
    }
}

type Build = fn(&Array, &Array) -> Array;

#[test]
fn replayed_plans_compute_the_new_data() {
    let cases: Vec<(&str, Build)> = vec![
        ("a + b", |a, b| a + b),
        ("w1", |a, b| a * b + a * 2.0 - b),
        ("views", |a, b| (&a.T() * 2.0).T() + b.slice(s![..;-1, ..])),
        ("sum", |a, b| (a * b).sum(1)),
        ("softmax", |a, _| {
            let e = (a - a.max(Axes::from(1).keepdims())).exp();
            &e / e.sum(Axes::from(1).keepdims())
        }),
        ("w3", |a, _| (a - a.mean(0)) / a.std(0)),
        ("scan", |a, b| (a + b).cumsum(0) * 2.0),
        ("argmax", |a, b| (a * b).argmax(1)),
    ];
    for (name, build) in cases {
        for round in 0..3 {
            let a = data(&[6, 7], DType::F32, round as f64);
            let b = data(&[6, 7], DType::F32, 10.0 + round as f64);
            let before = jit_plan_replays();
            let fused = build(&a, &b).eval_with(Backend::Jit).unwrap();
            if round > 0 && std::env::var_os("NUMCRANE_DEBUG").is_none() {
                assert!(
                    jit_plan_replays() > before,
                    "{name}: round {round} planned again"
                );
            }
            let reference = build(&a, &b).eval_with(Backend::Eval).unwrap();
            same_values(&fused, &reference);
        }
    }
}

#[test]
fn structures_a_plan_depends_on_are_told_apart() {
    let a = data(&[5, 4], DType::F64, 1.0);
    let b = data(&[5, 4], DType::F64, 2.0);
    // Same ops and shapes: one input used twice; two nodes sharing one buffer (read once by
    // the kernel); two inputs.
    let a2 = a.T().T().eval().unwrap();
    for (x, y) in [(&a, &a), (&a, &a2), (&a, &b), (&b, &b)] {
        let fused = (x * 3.0 - y).eval_with(Backend::Jit).unwrap();
        let reference = (x * 3.0 - y).eval_with(Backend::Eval).unwrap();
        same_values(&fused, &reference);
    }
    // Same shapes, different layouts of the realized inputs.
    let t = data(&[4, 5], DType::F64, 3.0).T().eval().unwrap();
    for x in [&a, &t, &b] {
        let fused = (x + 1.0).exp().eval_with(Backend::Jit).unwrap();
        let reference = (x + 1.0).exp().eval_with(Backend::Eval).unwrap();
        same_values(&fused, &reference);
    }
    // Different constants (including -0.0 against 0.0: 1 / x).
    for c in [1.0, 2.5, 0.0, -0.0] {
        let fused = (&a * 0.0 + c).reciprocal().eval_with(Backend::Jit).unwrap();
        let reference = (&a * 0.0 + c)
            .reciprocal()
            .eval_with(Backend::Eval)
            .unwrap();
        assert_eq!(
            fused.to_vec::<f64>().unwrap()[0].to_bits(),
            reference.to_vec::<f64>().unwrap()[0].to_bits(),
            "1 / ({c})"
        );
    }
}

#[test]
fn errors_are_not_cached_away() {
    let a = data(&[3], DType::I64, 1.0);
    for _ in 0..3 {
        let e = (&a + 1i64).reshape([2, 2]).eval();
        assert!(e.is_err());
        let ok = (&a + 1i64).eval_with(Backend::Jit).unwrap();
        assert_eq!(ok.shape(), &[3]);
    }
}
