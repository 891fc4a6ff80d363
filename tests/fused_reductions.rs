//! Reductions fused with the element-wise work feeding them, against the reference evaluator.
//!
//! Kernel counts show `(x*y).sum()` and friends are one loop; differential property tests
//! reduce random element-wise producers over random axes (keepdims or not, views included) and
//! require integer, bool, max and min results to be identical and float sums and products to
//! be within the error bound of any summation order; determinism tests require the same bits
//! from 1 and 2 threads, on sizes that split folds into many pieces.

mod common;

use common::{cases, input};
use numcrane::{Array, Axes, Backend, DType};
use proptest::prelude::*;

#[test]
fn dot_product_and_axis_sums_are_one_kernel() {
    let x = input(&[1000], DType::F32, 1);
    let y = input(&[1000], DType::F32, 2);
    let dot = (&x * &y).sum(..);
    assert_eq!(dot.fused_kernel_count(), 1, "{}", dot.explain_plan());
    let m = input(&[30, 40, 5], DType::F64, 3);
    for axes in [
        Axes::from(0),
        Axes::from(1),
        Axes::from(2),
        Axes::from(vec![0, 2]),
    ] {
        let r = (&m * 2.0 - 1.0).abs().sum(axes.clone());
        assert_eq!(
            r.fused_kernel_count(),
            1,
            "{:?}: {}",
            axes,
            r.explain_plan()
        );
        let r = m.max(axes.keepdims());
        assert_eq!(r.fused_kernel_count(), 1, "{}", r.explain_plan());
    }
}

#[test]
fn softmax_plan() {
    let x = input(&[64, 100], DType::F32, 4);
    let e = (&x - x.max(Axes::from(1).keepdims())).exp();
    let softmax = &e / e.sum(Axes::from(1).keepdims());
    // The max fold; e = exp(x - max), written once (exp costs more than reading e back, so
    // it is not recomputed in its two users); the sum fold over e; the division.
    let plan = softmax.explain_plan();
    assert!(plan.contains("MultipleConsumers"), "{plan}");
    assert_eq!(
        softmax.fused_kernel_count(),
        4,
        "{}",
        softmax.explain_plan()
    );
    // explain(): the graph with source lines, then the plan naming the nodes.
    let text = softmax.explain();
    assert!(text.starts_with("graph (10 nodes"), "{text}");
    assert!(text.contains("= exp(%4)"), "{text}");
    assert!(text.contains("tests/fused_reductions.rs:"), "{text}");
    assert!(text.contains("computes %2 %3 %4 %5; reads %0 %1"), "{text}");
    // Without a costly function the shared value is recomputed instead.
    let d = &x - x.max(Axes::from(1).keepdims());
    let centered = &d / (&d * &d).sum(Axes::from(1).keepdims());
    let plan = centered.explain_plan();
    assert!(plan.contains("recomputed"), "{plan}");
    assert_eq!(centered.fused_kernel_count(), 3, "{plan}");
    let reference = softmax.copy().eval_with(Backend::Eval).unwrap();
    let fused = softmax.eval_with(Backend::Jit).unwrap();
    assert_close(&fused, &reference, 64 * 100);
}

/// Every element of `a` within the f32/f64 error bound of a `terms`-term sum of `b`.
fn assert_close(a: &Array, b: &Array, terms: usize) {
    let (a, b) = (
        a.astype(DType::F64).to_vec::<f64>().unwrap(),
        b.astype(DType::F64).to_vec::<f64>().unwrap(),
    );
    for (x, y) in a.iter().zip(&b) {
        assert!(
            (x - y).abs() <= terms as f64 * 1.2e-7 * y.abs().max(1.0),
            "{x} vs {y}"
        );
    }
}

/// The producer a random case reduces.
fn producer(x: &Array, y: &Array, kind: u8) -> Array {
    match kind % 6 {
        0 => x.clone(),
        1 => x * y,
        2 => (x - y).abs(),
        3 => x.T(),
        4 => x.flip(0) + y,
        _ => numcrane::maximum(x, y.flip(-1)),
    }
}

#[derive(Clone, Copy, Debug)]
enum Fold {
    Sum,
    Prod,
    Max,
    Min,
    Any,
    All,
    Mean,
}

const FOLDS: [Fold; 7] = [
    Fold::Sum,
    Fold::Prod,
    Fold::Max,
    Fold::Min,
    Fold::Any,
    Fold::All,
    Fold::Mean,
];

const DTYPES: [DType; 6] = [
    DType::F32,
    DType::F64,
    DType::I32,
    DType::U8,
    DType::I64,
    DType::Bool,
];

/// `fold` of `p` over `axes`, which reduce `terms` elements per output.
fn reduce(p: &Array, fold: Fold, axes: Axes, terms: usize) -> Array {
    match fold {
        Fold::Sum => p.sum(axes),
        // |p| <= 49, so the factors' logarithms add up to at most 30 in magnitude: no
        // overflow and no subnormals (where the relative error bound no longer holds), in
        // any order.
        Fold::Prod if p.dtype().is_float() => (p * (30.0 / (49.0 * terms as f64))).exp().prod(axes),
        Fold::Prod => p.prod(axes),
        Fold::Max => p.max(axes),
        Fold::Min => p.min(axes),
        Fold::Any => p.any(axes),
        Fold::All => p.all(axes),
        Fold::Mean => p.mean(axes),
    }
}

/// Compares a fused result with the reference: exact for integers, bools and float extrema;
/// float sums, products and means within twice the worst-case error of a `terms`-term fold
/// (any order: error <= (terms - 1) * eps * sum |x|), NaN where the reference has NaN.
fn check(fused: &Array, reference: &Array, magnitude: &Array, fold: Fold, terms: usize) {
    assert_eq!(fused.dtype(), reference.dtype());
    assert_eq!(fused.shape(), reference.shape());
    let exact = !fused.dtype().is_float() || matches!(fold, Fold::Max | Fold::Min);
    let f = fused.astype(DType::F64).to_vec::<f64>().unwrap();
    let r = reference.astype(DType::F64).to_vec::<f64>().unwrap();
    let m = magnitude.to_vec::<f64>().unwrap();
    let eps = if fused.dtype() == DType::F32 {
        f32::EPSILON as f64
    } else {
        f64::EPSILON
    };
    for ((x, y), s) in f.iter().zip(&r).zip(&m) {
        if exact || y.is_nan() || y.is_infinite() {
            assert!(
                x == y || (x.is_nan() && y.is_nan()),
                "{x} vs {y} ({fold:?})"
            );
        } else {
            let bound = 2.0 * terms as f64 * eps * s + eps * y.abs();
            assert!((x - y).abs() <= bound, "{x} vs {y} > {bound} ({fold:?})");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(400)))]

    #[test]
    fn fused_reductions_match_the_reference(
        shape in proptest::collection::vec(1usize..40, 1..4),
        dtype in 0usize..6,
        kind in any::<u8>(),
        fold in 0usize..7,
        axis_mask in 0u8..8,
        keepdims in any::<bool>(),
    ) {
        // Square the trailing plane so transposes and flips keep the shape.
        let mut shape = shape;
        if shape.len() >= 2 {
            let n = shape.len();
            shape[n - 2] = shape[n - 1];
        }
        let dtype = DTYPES[dtype];
        let fold = FOLDS[fold];
        let x = input(&shape, dtype, 1);
        let y = input(&shape, dtype, 2);
        let nd = shape.len();
        let axes: Vec<isize> = (0..nd).filter(|a| axis_mask & (1 << a) != 0).map(|a| a as isize).collect();
        let terms: usize = if axes.is_empty() {
            shape.iter().product()
        } else {
            axes.iter().map(|&a| shape[a as usize]).product()
        };
        let make_axes = || {
            let a = if axes.is_empty() { Axes::all() } else { Axes::from(axes.clone()) };
            if keepdims { a.keepdims() } else { a }
        };
        let build = || reduce(&producer(&x, &y, kind), fold, make_axes(), terms);
        let reference = build().eval_with(Backend::Eval);
        let fused = build().eval_with(Backend::Jit);
        let interpreted = build().eval_with(Backend::Interpret);
        let unfused = build().eval_with(Backend::Unfused);
        match (reference, fused, interpreted) {
            (Ok(r), Ok(f), Ok(i)) => {
                let u = unfused.map_err(|e| TestCaseError::fail(format!("unfused: {e}")))?;
                let magnitude = if dtype == DType::Bool {
                    r.astype(DType::F64)
                } else {
                    producer(&x, &y, kind).astype(DType::F64).abs().sum(make_axes())
                };
                let magnitude = magnitude.eval_with(Backend::Eval).unwrap();
                let magnitude = if matches!(fold, Fold::Prod) {
                    r.astype(DType::F64).abs().eval().unwrap()
                } else {
                    magnitude
                };
                check(&f, &r, &magnitude, fold, terms);
                check(&i, &r, &magnitude, fold, terms);
                check(&u, &r, &magnitude, fold, terms);
            }
            (Err(r), Err(f), Err(i)) => {
                prop_assert_eq!(r.to_string(), f.to_string());
                prop_assert_eq!(r.to_string(), i.to_string());
            }
            (r, f, i) => prop_assert!(false, "backends disagree: {:?} / {:?} / {:?}", r.err(), f.err(), i.err()),
        }
    }
}

/// Raw bits of every element.
fn bits(a: &Array) -> Vec<u64> {
    match a.dtype() {
        DType::F32 => a
            .to_vec::<f32>()
            .unwrap()
            .iter()
            .map(|v| u64::from(v.to_bits()))
            .collect(),
        _ => a
            .astype(DType::F64)
            .to_vec::<f64>()
            .unwrap()
            .iter()
            .map(|v| v.to_bits())
            .collect(),
    }
}

fn on_threads(threads: usize, f: impl Fn() -> Array + Send + Sync) -> Vec<u64> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    pool.install(|| bits(&f().eval_with(Backend::Jit).unwrap()))
}

#[test]
fn reductions_give_the_same_bits_on_one_and_two_threads() {
    let x = input(&[1_000_003], DType::F32, 5);
    let y = input(&[1_000_003], DType::F32, 6);
    let m = input(&[700, 900], DType::F64, 7);
    // Enough rows for a column fold in two groups (at least 2^20 elements each).
    let tall = input(&[3000, 700], DType::F32, 8);
    let cases: Vec<Box<dyn Fn() -> Array + Send + Sync>> = vec![
        Box::new(|| (&x * &y).sum(..)),
        Box::new(|| x.max(..)),
        Box::new(|| (&x * 2.0).prod(..)),
        Box::new(|| m.sum(0)),
        Box::new(|| m.sum(1)),
        Box::new(|| m.T().sum(1)),
        Box::new(|| (&m * &m).sum(..)),
        Box::new(|| m.mean(Axes::from(0).keepdims())),
        Box::new(|| m.reshape([7, 100, 900]).sum(vec![0, 2])),
        Box::new(|| (&tall * 2.0).sum(0)),
    ];
    for (i, case) in cases.iter().enumerate() {
        let one = on_threads(1, case);
        let two = on_threads(2, case);
        assert!(one == two, "case {i}: 1 and 2 threads differ");
    }
    // And the big ones are right: the two-group column fold...
    let reference = (&tall * 2.0).sum(0).eval_with(Backend::Eval).unwrap();
    let fused = (&tall * 2.0).sum(0).eval_with(Backend::Jit).unwrap();
    assert_close(&fused, &reference, 3000);
    // ...and the many-piece row fold.
    let reference = (&x * &y).sum(..).eval_with(Backend::Eval).unwrap();
    let fused = (&x * &y).sum(..).eval_with(Backend::Jit).unwrap();
    let s = (&x * &y)
        .astype(DType::F64)
        .abs()
        .sum(..)
        .eval()
        .unwrap()
        .item::<f64>()
        .unwrap();
    let (f, r) = (
        fused.item::<f32>().unwrap() as f64,
        reference.item::<f32>().unwrap() as f64,
    );
    // Blocks of 512 in float32 (at most 64 terms per lane), totals in f64.
    assert!(
        (f - r).abs() <= 130.0 * f32::EPSILON as f64 * s,
        "{f} vs {r}"
    );
}
