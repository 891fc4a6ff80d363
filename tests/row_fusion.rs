//! Row-fused schedules (crates/numcrane-fuse/src/rows.rs): kernels that work row by row, like
//! softmax's four, run together on blocks of rows. Checked against the reference evaluator:
//! random row pipelines (folds over the last axis broadcast back, costly values read twice,
//! views of the input, intermediate results asked for as well), plus the plan text, the
//! schedule actually running (not its step-by-step fallback), plan replay, and the same bits
//! on 1 and 2 threads.

mod common;

use common::{cases, input};
use numcrane::{maximum, row_schedule_runs, Array, Axes, Backend, DType};
use proptest::prelude::*;

fn softmax(x: &Array) -> Array {
    let e = (x - x.max(Axes::from(1).keepdims())).exp();
    &e / e.sum(Axes::from(1).keepdims())
}

/// Every element of `a` within `tol` of `b`, relative to the largest magnitude in `b`.
fn assert_near(a: &Array, b: &Array, tol: f64) {
    assert_eq!(a.shape(), b.shape());
    let (a, b) = (
        a.astype(DType::F64).to_vec::<f64>().unwrap(),
        b.astype(DType::F64).to_vec::<f64>().unwrap(),
    );
    let scale = b.iter().fold(1.0f64, |m, v| m.max(v.abs()));
    for (i, (x, y)) in a.iter().zip(&b).enumerate() {
        assert!(
            (x - y).abs() <= tol * scale || (x.is_nan() && y.is_nan()),
            "element {i}: {x} vs {y}"
        );
    }
}

#[test]
fn softmax_runs_as_one_row_schedule() {
    for (dtype, tol) in [(DType::F32, 1e-6), (DType::F64, 1e-14)] {
        // 3000 rows of 100: several blocks, so several tasks.
        let x = input(&[3000, 100], dtype, 1);
        let s = softmax(&x);
        let plan = s.explain_plan();
        assert!(plan.contains("steps 0-3: row-fused"), "{plan}");
        assert_eq!(s.fused_kernel_count(), 4, "{plan}");
        let before = row_schedule_runs();
        let fused = s.eval_with(Backend::Jit).unwrap();
        assert_eq!(row_schedule_runs(), before + 1, "the schedule fell back");
        let reference = softmax(&x).eval_with(Backend::Eval).unwrap();
        assert_near(&fused, &reference, tol);
        // A new graph of the same structure replays the recorded schedule. (Tests running
        // at the same time may fill and so empty the plan cache in between: try again.)
        let mut replayed = false;
        for attempt in 1..=5 {
            let replays = numcrane::jit_plan_replays();
            let again = softmax(&x).eval_with(Backend::Jit).unwrap();
            assert_eq!(row_schedule_runs(), before + 1 + attempt);
            assert_near(&again, &reference, tol);
            if numcrane::jit_plan_replays() > replays {
                replayed = true;
                break;
            }
        }
        // (Checked mode always plans afresh: nothing is replayed there.)
        let checked =
            std::env::var("NUMCRANE_CHECKED").is_ok_and(|v| !matches!(v.trim(), "" | "0"));
        assert!(replayed || checked, "softmax was never replayed");
    }
}

#[test]
fn intermediate_results_asked_for_are_kept() {
    // `e` is read by two later steps of the chain and is also a root: it is computed into
    // scratch and copied out; the max fold is a root read inside the chain too.
    let x = input(&[2777, 33], DType::F32, 2);
    let m = x.max(Axes::from(1).keepdims());
    let e = (&x - &m).exp();
    let s = &e / e.sum(Axes::from(1).keepdims());
    let before = row_schedule_runs();
    numcrane::eval_all(&[&m, &e, &s]).unwrap();
    assert_eq!(row_schedule_runs(), before + 1);
    for a in [m, e, s] {
        let want = a.copy().eval_with(Backend::Eval).unwrap();
        assert_near(&a.eval().unwrap(), &want, 1e-6);
    }
}

#[test]
fn wide_rows_and_column_reductions_are_not_row_fused() {
    // Rows wider than a block: the steps run one by one.
    let wide = input(&[4, 70_000], DType::F32, 3);
    assert!(!softmax(&wide).explain_plan().contains("row-fused"));
    // Standardising each row passes only per-row values (mean, std) between its kernels,
    // which re-read x from cache anyway: not worth blocks.
    let x = input(&[300, 20], DType::F64, 4);
    let k = Axes::from(1).keepdims();
    let z = (&x - x.mean(k.clone())) / x.std(k);
    assert!(
        !z.explain_plan().contains("row-fused"),
        "{}",
        z.explain_plan()
    );
    // A fold over the rows themselves needs every row before its result is known.
    let x = input(&[300, 20], DType::F64, 4);
    let centered = &x - x.mean(Axes::from(0).keepdims());
    let z = &centered / centered.std(Axes::from(0).keepdims());
    assert!(
        !z.explain_plan().contains("row-fused"),
        "{}",
        z.explain_plan()
    );
    let reference = z.copy().eval_with(Backend::Eval).unwrap();
    assert_near(&z.eval_with(Backend::Jit).unwrap(), &reference, 1e-12);
}

#[test]
fn row_schedules_give_the_same_bits_on_one_and_two_threads() {
    let x = input(&[5000, 300], DType::F32, 5);
    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            let s = softmax(&x).eval_with(Backend::Jit).unwrap();
            s.to_vec::<f32>()
                .unwrap()
                .iter()
                .map(|v| v.to_bits())
                .collect::<Vec<u32>>()
        })
    };
    assert!(run(1) == run(2), "1 and 2 threads differ");
}

/// One step of a random row pipeline over values of shape [rows, cols] or [rows, 1].
#[derive(Clone, Debug)]
enum Step {
    /// A fold of a value over axis 1, kept as [rows, 1]: 0 max, 1 sum, 2 mean, 3 min.
    Fold(usize, u8),
    /// A full value combined with a per-row one broadcast back: 0 -, 1 +, 2 *, 3 maximum.
    Broadcast(usize, usize, u8),
    /// exp(v / 8): costly, so written once when read twice.
    Exp(usize),
    /// Two full values: 0 +, 1 *, 2 -.
    Binary(usize, usize, u8),
    /// A full value through a view: 0 reversed columns, 1 reversed rows.
    Flip(usize, u8),
}

fn step_strategy() -> impl Strategy<Value = Step> {
    let i = 0usize..12;
    prop_oneof![
        (i.clone(), any::<u8>()).prop_map(|(a, k)| Step::Fold(a, k)),
        (i.clone(), i.clone(), any::<u8>()).prop_map(|(a, b, k)| Step::Broadcast(a, b, k)),
        i.clone().prop_map(Step::Exp),
        (i.clone(), i.clone(), any::<u8>()).prop_map(|(a, b, k)| Step::Binary(a, b, k)),
        (i, any::<u8>()).prop_map(|(a, k)| Step::Flip(a, k)),
    ]
}

/// Builds the pipeline; returns every value it made (full and per-row).
fn build(x: &Array, steps: &[Step]) -> Vec<Array> {
    let float = x.dtype().is_float();
    let mut full: Vec<Array> = vec![x.clone()];
    let mut per_row: Vec<Array> = vec![x.max(Axes::from(1).keepdims())];
    let mut made = Vec::new();
    for step in steps {
        let pick = |v: &Vec<Array>, i: usize| v[i % v.len()].clone();
        let (value, is_full) = match step {
            Step::Fold(a, k) => {
                let v = pick(&full, *a);
                let axes = Axes::from(1).keepdims();
                let r = match k % 4 {
                    0 => v.max(axes),
                    1 => v.sum(axes),
                    2 if float => v.mean(axes),
                    _ => v.min(axes),
                };
                (r, false)
            }
            Step::Broadcast(a, b, k) => {
                let (v, r) = (pick(&full, *a), pick(&per_row, *b));
                let out = match k % 4 {
                    0 => &v - &r,
                    1 => &v + &r,
                    2 if float => &v * &(&r / 64.0),
                    _ => maximum(&v, &r),
                };
                (out, true)
            }
            Step::Exp(a) if float => ((pick(&full, *a) / 8.0).clip(-30.0, 30.0).exp(), true),
            Step::Exp(a) => (pick(&full, *a).abs(), true),
            Step::Binary(a, b, k) => {
                let (v, w) = (pick(&full, *a), pick(&full, *b));
                let out = match k % 3 {
                    0 => &v + &w,
                    1 if float => &v * &(&w / 16.0),
                    _ => &v - &w,
                };
                (out, true)
            }
            Step::Flip(a, k) => (pick(&full, *a).flip((k % 2) as isize), true),
        };
        if is_full {
            full.push(value.clone());
        } else {
            per_row.push(value.clone());
        }
        made.push(value);
    }
    made
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(200)))]

    #[test]
    fn row_pipelines_match_the_reference(
        // Up to 120 000 elements: several blocks of rows (a block holds 2^15 elements).
        rows in prop_oneof![2usize..90, 800usize..3000],
        cols in 1usize..40,
        dtype in 0usize..3,
        view in 0u8..3,
        steps in proptest::collection::vec(step_strategy(), 1..9),
        extra_roots in proptest::collection::vec(any::<prop::sample::Index>(), 0..3),
    ) {
        let dtype = [DType::F32, DType::F64, DType::I32][dtype];
        // The input as given, transposed from storage, or with reversed rows.
        let x = match view {
            0 => input(&[rows, cols], dtype, 7),
            1 => input(&[cols, rows], dtype, 7).T(),
            _ => input(&[rows, cols], dtype, 7).flip(0),
        };
        let fused = build(&x, &steps);
        let reference = build(&x, &steps);
        // The last value, and maybe some intermediate ones too.
        let mut picks = vec![fused.len() - 1];
        picks.extend(extra_roots.iter().map(|i| i.index(fused.len())));
        picks.dedup();
        let roots: Vec<&Array> = picks.iter().map(|&i| &fused[i]).collect();
        if let Err(e) = numcrane::eval_all(&roots) {
            return Err(TestCaseError::fail(format!("{e}")));
        }
        for &i in &picks {
            let g = &fused[i].eval().unwrap();
            let want = reference[i].eval_with(Backend::Eval).unwrap();
            if dtype == DType::I32 {
                prop_assert_eq!(g.dtype(), want.dtype());
                prop_assert_eq!(
                    g.astype(DType::I64).to_vec::<i64>().unwrap(),
                    want.astype(DType::I64).to_vec::<i64>().unwrap(),
                    "plan:\n{}",
                    roots[0].explain_plan()
                );
            } else {
                let tol = if dtype == DType::F32 { 1e-4 } else { 1e-11 };
                assert_near(g, &want, tol);
            }
        }
    }
}
