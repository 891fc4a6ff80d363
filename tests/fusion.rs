//! The fusion pass against the reference evaluator.
//!
//! Kernel-count tests prove element-wise chains (with their views and constants) become one
//! loop; differential property tests build random graphs several times and evaluate one copy
//! with the reference evaluator and the others through the fusion plan (kernels run by the
//! interpreter, and compiled by the JIT), requiring identical bits.

mod common;

use common::{cases, input};
use numcrane::{array, s, where_, Array, Backend, DType};
use proptest::prelude::*;

#[test]
fn w1_is_one_kernel() {
    let [a, b, c, d, e] = [1, 2, 3, 4, 5].map(|s| input(&[1000], DType::F32, s));
    let w1 = &a * &b + &c * &d - &e;
    assert_eq!(w1.fused_kernel_count(), 1, "{}", w1.explain_plan());
}

#[test]
fn chains_through_views_and_broadcasts_are_one_kernel() {
    let x = input(&[4, 5], DType::F64, 1);
    let row = input(&[5], DType::F64, 2);
    let y = ((&x.T() * 2.0).T() + &row).slice(s![..;-1, 1..;2]).exp() - 1.5;
    assert_eq!(y.fused_kernel_count(), 1, "{}", y.explain_plan());
    let z = where_(x.gt(0.0), &x, row.reshape([1, -1])).astype(DType::F32);
    assert_eq!(z.fused_kernel_count(), 1, "{}", z.explain_plan());
    // A value computed on the small row is computed once, not once per broadcast element.
    let w = where_(x.gt(0.0), &x, &row.reshape([1, -1]) * 3.0).astype(DType::F32);
    assert_eq!(w.fused_kernel_count(), 2, "{}", w.explain_plan());
    assert!(w.explain_plan().contains("because Broadcast"));
}

#[test]
fn shared_subexpressions_are_materialized_once() {
    let x = input(&[8], DType::F32, 3);
    let t = &x * 2.0 + 1.0;
    let y = &t * &t - &t;
    // t is read three times, all inside y's loop: it is computed once there.
    assert_eq!(y.fused_kernel_count(), 1, "{}", y.explain_plan());
    // Used by two folds, t is computed in both instead of written out and read back.
    let z = (&t * &t).sum(..) + t.sum(..);
    assert_eq!(z.fused_kernel_count(), 3, "{}", z.explain_plan());
    let plan = z.explain_plan();
    assert!(plan.contains("recomputed"), "{plan}");
}

#[test]
fn constant_expressions_are_folded() {
    let x = input(&[5, 3], DType::F32, 4);
    // A constant row (exp(3) + 1, computed once) broadcast over x: one kernel, no per-element
    // exp, no separate kernel for the small constant row.
    let c = (numcrane::ones([3], DType::F32) * 3.0).exp() + 1.0;
    let y = (&x * &c + &c).sqrt();
    let plan = y.explain_plan();
    assert!(plan.contains("3 constant expressions folded"), "{plan}");
    assert_eq!(y.fused_kernel_count(), 1, "{plan}");
    let reference = y.copy().eval_with(Backend::Eval).unwrap();
    assert_eq!(bits(&y.eval_with(Backend::Jit).unwrap()), bits(&reference));
    // Integer division by a constant zero folds to NumPy's 0, not a trap.
    let xi = x.astype(DType::I32);
    let ones = numcrane::ones([5, 3], DType::I32);
    let zeros = numcrane::zeros([5, 3], DType::I32);
    let z = (&ones * 7).floor_div(&zeros) + (&ones * 7 % &zeros) + &xi;
    let reference = z.copy().eval_with(Backend::Eval).unwrap();
    for backend in [Backend::Jit, Backend::Interpret] {
        assert_eq!(
            bits(&z.copy().eval_with(backend).unwrap()),
            bits(&reference)
        );
    }
    assert_eq!(bits(&z.eval().unwrap()), bits(&xi));
}

/// A kernel that falls back to the evaluator (an empty fold) where a common subexpression
/// resolves to a node built after its user: the fallback must order the kernel's nodes by
/// their inputs, not by when they were built (it failed with "input not computed").
#[test]
fn evaluator_fallback_follows_common_subexpressions() {
    use numcrane::{where_, Axes};
    let x = numcrane::zeros([0, 3], DType::F64).eval().unwrap();
    let mask = x.isnan();
    let k = Axes::from(0).keepdims();
    let xm = where_(&mask, 0.0, &x);
    let count = mask.logical_not().sum(k.clone());
    let mean = xm.sum(k) / &count;
    // This `0.0` is merged with the earlier one but sorts before it in the graph.
    let d = where_(&mask, 0.0, &x - &mean);
    let var = (&d * &d).sum(0) / count.reshape([3]);
    let reference = var.copy().eval_with(Backend::Eval).unwrap();
    for backend in [Backend::Jit, Backend::Interpret, Backend::Unfused] {
        let got = var.copy().eval_with(backend).unwrap();
        assert_eq!(bits(&got), bits(&reference), "{backend:?}");
    }
    assert!(numcrane::nanvar(&x, 0, 0.0).eval().is_ok());
}

#[test]
fn w3_matches_with_reductions_in_kernels() {
    let x = input(&[16, 12], DType::F32, 4);
    let build = || (&x - x.mean(0)) / x.std(0);
    let reference = build().eval_with(Backend::Eval).unwrap();
    // The interpreter folds with the evaluator's own sums: identical bits.
    let interpreted = build().eval_with(Backend::Interpret).unwrap();
    assert_eq!(bits(&interpreted), bits(&reference));
    // Generated code sums float32 columns in float32 (as NumPy does): a few ULP apart.
    let jit = build()
        .eval_with(Backend::Jit)
        .unwrap()
        .to_vec::<f32>()
        .unwrap();
    for (j, r) in jit.iter().zip(reference.to_vec::<f32>().unwrap()) {
        assert!((j - r).abs() <= 1e-5 * r.abs().max(1.0), "{j} vs {r}");
    }
    // The column sums of x.mean(0) (shared with the std's own mean: a common
    // subexpression); the two means, x.mean(0) and the std's keepdims one (rows, computed
    // once each instead of per element of the big loops that broadcast them); the sum of
    // squared deviations; the std (a row again); and the result.
    let plan = build().explain_plan();
    assert_eq!(build().fused_kernel_count(), 6, "{plan}");
    assert!(plan.contains("common subexpressions"), "{plan}");
    assert!(plan.contains("because Broadcast"), "{plan}");
    assert!(plan.contains("ReductionResult"), "{plan}");
}

#[test]
fn long_chains_are_capped_and_still_exact() {
    let x = input(&[10], DType::I64, 5);
    let mut y = x.clone();
    for i in 0..1000 {
        y = &y + (i % 7) as i64;
    }
    let kernels = y.fused_kernel_count();
    assert!(
        kernels >= 1000 / numcrane_fuse_cap() && kernels < 1000,
        "{kernels} kernels"
    );
    let z = y
        .eval_with(Backend::Interpret)
        .unwrap()
        .to_vec::<i64>()
        .unwrap();
    let expected: i64 = (0..1000).map(|i| i % 7).sum();
    let x = x.to_vec::<i64>().unwrap();
    assert_eq!(z, x.iter().map(|v| v + expected).collect::<Vec<_>>());
}

fn numcrane_fuse_cap() -> usize {
    // At most 64 nodes per kernel, each step of the chain at least one (its add; the seven
    // distinct constants are common subexpressions shared by every step).
    64
}

#[test]
fn empty_and_zero_d_arrays() {
    let e = input(&[0, 3], DType::F32, 1);
    let y = (&e + 1.0).sqrt().eval_with(Backend::Interpret).unwrap();
    assert_eq!(y.shape(), &[0, 3]);
    let z = (array([2.0f64]).reshape(Vec::<isize>::new()) * 3.0)
        .eval_with(Backend::Interpret)
        .unwrap();
    assert_eq!(z.item::<f64>().unwrap(), 6.0);
}

/// Raw bits of every element, so NaN payloads and signed zeros count.
fn bits(a: &Array) -> Vec<u64> {
    let a = a.astype(a.dtype()).eval().expect("eval");
    match a.dtype() {
        DType::F32 => a
            .to_vec::<f32>()
            .unwrap()
            .iter()
            .map(|v| v.to_bits() as u64)
            .collect(),
        DType::F64 => a
            .to_vec::<f64>()
            .unwrap()
            .iter()
            .map(|v| v.to_bits())
            .collect(),
        _ => a
            .astype(DType::I64)
            .to_vec::<i64>()
            .unwrap()
            .iter()
            .map(|&v| v as u64)
            .collect(),
    }
}

/// A random element-wise program over arrays of one shape: each step makes a new value from
/// earlier ones through an op, possibly seen through a shape-preserving view chain.
#[derive(Clone, Debug)]
enum Step {
    Unary(usize, u8),
    Binary(usize, usize, u8),
    Scalar(usize, u8, i8),
    Flip(usize, usize),
    TransposeRoundTrip(usize, u8),
    ReshapeRoundTrip(usize),
    BroadcastFirstRow(usize),
    Where(usize, usize, usize),
    Cast(usize, u8),
}

const DTYPES: [DType; 6] = [
    DType::F32,
    DType::F64,
    DType::I32,
    DType::U8,
    DType::I64,
    DType::Bool,
];

fn step_strategy() -> impl Strategy<Value = Step> {
    let i = 0usize..16;
    prop_oneof![
        (i.clone(), any::<u8>()).prop_map(|(a, o)| Step::Unary(a, o)),
        (i.clone(), i.clone(), any::<u8>()).prop_map(|(a, b, o)| Step::Binary(a, b, o)),
        (i.clone(), any::<u8>(), any::<i8>()).prop_map(|(a, o, v)| Step::Scalar(a, o, v)),
        (i.clone(), 0usize..3).prop_map(|(a, ax)| Step::Flip(a, ax)),
        (i.clone(), any::<u8>()).prop_map(|(a, o)| Step::TransposeRoundTrip(a, o)),
        i.clone().prop_map(Step::ReshapeRoundTrip),
        i.clone().prop_map(Step::BroadcastFirstRow),
        (i.clone(), i.clone(), i.clone()).prop_map(|(c, a, b)| Step::Where(c, a, b)),
        (i, 0u8..6).prop_map(|(a, d)| Step::Cast(a, d)),
    ]
}

/// Builds the program; ops not defined for a value's dtype are skipped (they would only
/// produce the same error on both backends).
fn build(inputs: &[Array], steps: &[Step]) -> Vec<Array> {
    use numcrane::{fmax, fmin, maximum, minimum};
    let mut vals: Vec<Array> = inputs.to_vec();
    let pick = |vals: &Vec<Array>, i: usize| vals[i % vals.len()].clone();
    for step in steps {
        let v = match step {
            Step::Unary(a, o) => {
                let x = pick(&vals, *a);
                let float = x.dtype().is_float();
                match o % 8 {
                    0 if !x.dtype().is_bool() => -&x,
                    1 => x.abs(),
                    2 => x.square(),
                    3 if float => x.sqrt(),
                    4 => x.floor(),
                    5 => x.isnan(),
                    6 if !float => !&x,
                    7 if float => x.rint(),
                    _ => x.logical_not(),
                }
            }
            Step::Binary(a, b, o) => {
                let (x, y) = (pick(&vals, *a), pick(&vals, *b));
                let ints = !x.dtype().is_float() && !y.dtype().is_float();
                match o % 12 {
                    0 => &x + &y,
                    1 if !(x.dtype().is_bool() && y.dtype().is_bool()) => &x - &y,
                    2 => &x * &y,
                    3 => &x / &y,
                    4 => x.floor_div(&y),
                    5 => &x % &y,
                    6 => maximum(&x, &y),
                    7 => minimum(&x, &y),
                    8 => fmax(&x, &y),
                    9 => fmin(&x, &y),
                    10 if ints => &x & &y,
                    _ => x.lt(&y),
                }
            }
            Step::Scalar(a, o, v) => {
                let x = pick(&vals, *a);
                match o % 4 {
                    0 => &x * (*v as f64 / 4.0),
                    1 if x.dtype().is_float() => &x + (*v as f64),
                    2 => x.ge(*v as f64),
                    _ => x.clip(-2.5, 3.0),
                }
            }
            Step::Flip(a, ax) => {
                let x = pick(&vals, *a);
                x.flip((*ax % x.ndim().max(1)) as isize)
            }
            Step::TransposeRoundTrip(a, o) => {
                let x = pick(&vals, *a);
                let t = x.T();
                let t = if o % 2 == 0 { t.abs() } else { &t * &t };
                t.T()
            }
            Step::ReshapeRoundTrip(a) => {
                let x = pick(&vals, *a);
                let shape: Vec<isize> = x.shape().iter().map(|&d| d as isize).collect();
                (x.ravel() + 1u8).reshape(shape)
            }
            Step::BroadcastFirstRow(a) => {
                let x = pick(&vals, *a);
                let row = x.slice(s![0..1]);
                &x * &row
            }
            Step::Where(c, a, b) => {
                let cond = pick(&vals, *c);
                where_(&cond, pick(&vals, *a), pick(&vals, *b))
            }
            Step::Cast(a, d) => pick(&vals, *a).astype(DTYPES[*d as usize % DTYPES.len()]),
        };
        vals.push(v);
    }
    vals.split_off(inputs.len())
}

fn shape_strategy() -> impl Strategy<Value = Vec<usize>> {
    proptest::collection::vec(1usize..5, 1..4)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(300)))]

    #[test]
    fn fused_plan_matches_reference_evaluator(
        shape in shape_strategy(),
        dtypes in proptest::collection::vec(0usize..6, 1..4),
        steps in proptest::collection::vec(step_strategy(), 1..12),
    ) {
        let inputs: Vec<Array> = dtypes
            .iter()
            .enumerate()
            .map(|(i, &d)| input(&shape, DTYPES[d], i as u64))
            .collect();
        let reference = build(&inputs, &steps);
        for backend in [Backend::Interpret, Backend::Jit, Backend::Unfused] {
            let fused = build(&inputs, &steps);
            for (r, f) in reference.iter().zip(&fused) {
                let r = r.eval_with(Backend::Eval);
                let f = f.eval_with(backend);
                match (r, f) {
                    (Ok(r), Ok(f)) => {
                        prop_assert_eq!(r.dtype(), f.dtype());
                        prop_assert_eq!(r.shape(), f.shape());
                        prop_assert_eq!(bits(&r), bits(&f), "{:?}, plan:\n{}", backend, f.explain_plan());
                    }
                    (Err(r), Err(f)) => prop_assert_eq!(r.to_string(), f.to_string()),
                    (r, f) => prop_assert!(false, "backends disagree: {:?} vs {:?}", r.err(), f.err()),
                }
            }
        }
    }
}

/// Threads evaluating overlapping graphs: a node one thread realizes (dropping its inputs)
/// may be inside another thread's kernel at that moment; every result must still be exact.
#[test]
fn overlapping_graphs_on_several_threads() {
    for round in 0..20 {
        let x = input(&[64, 33], DType::F64, round);
        let shared = (&x * 2.0 + 1.0).abs().sqrt();
        let users: Vec<Array> = (0..4)
            .map(|k| (&shared * (k as f64) - &x).floor())
            .collect();
        let expected: Vec<Vec<u64>> = users
            .iter()
            .map(|u| bits(&u.copy().eval_with(Backend::Eval).unwrap()))
            .collect();
        std::thread::scope(|s| {
            s.spawn(|| shared.eval_with(Backend::Jit).unwrap());
            for (u, e) in users.iter().zip(&expected) {
                s.spawn(move || assert_eq!(&bits(&u.eval_with(Backend::Jit).unwrap()), e));
            }
        });
    }
}
