//! Gathers fused into the consuming element-wise loop (issue 6, crates/numcrane-fuse/src/
//! gather.rs): `take(x, idx) * 2 + y` runs as one kernel whose gather is an indexed load.
//!
//! The JIT backend and the interpreter (the fusion pass's oracle) are compared with the
//! reference evaluator bit for bit over dtypes, shapes, axes, index modes, negative and
//! out-of-range indices and strided, transposed and reversed sources; a bad index gives the
//! evaluator's error text on every backend; the plan shows the gather inside the kernel; a
//! graph of the same structure replays its program (and a bad index in the replayed graph is
//! still the evaluator's error).

mod common;

use common::{cases, input};
use numcrane::{choose, ix, take_along_axis, where_, Array, Backend, DType, IndexArg, TakeMode};
use proptest::prelude::*;

const DTYPES: [DType; 7] = [
    DType::Bool,
    DType::I8,
    DType::U16,
    DType::I32,
    DType::F32,
    DType::I64,
    DType::F64,
];

/// dtype, shape and the bits of every element (floats by their bit patterns).
fn bits(a: &Array) -> (DType, Vec<usize>, Vec<u64>) {
    let v: Vec<u64> = match a.dtype() {
        DType::Bool => a
            .to_vec::<bool>()
            .unwrap()
            .into_iter()
            .map(u64::from)
            .collect(),
        DType::I8 => a
            .to_vec::<i8>()
            .unwrap()
            .into_iter()
            .map(|x| x as u64)
            .collect(),
        DType::U16 => a
            .to_vec::<u16>()
            .unwrap()
            .into_iter()
            .map(u64::from)
            .collect(),
        DType::I32 => a
            .to_vec::<i32>()
            .unwrap()
            .into_iter()
            .map(|x| x as u64)
            .collect(),
        DType::F32 => a
            .to_vec::<f32>()
            .unwrap()
            .into_iter()
            .map(|x| x.to_bits().into())
            .collect(),
        DType::I64 => a
            .to_vec::<i64>()
            .unwrap()
            .into_iter()
            .map(|x| x as u64)
            .collect(),
        DType::F64 => a
            .to_vec::<f64>()
            .unwrap()
            .into_iter()
            .map(f64::to_bits)
            .collect(),
        other => panic!("no bit reader for {other:?}"),
    };
    (a.dtype(), a.shape().to_vec(), v)
}

/// Evaluates `make()` on the reference evaluator, the JIT and the interpreter: all succeed
/// with the same bits, or all fail with the same message. Returns the evaluator's outcome.
fn same_everywhere(what: &str, make: impl Fn() -> Array) -> Result<Array, String> {
    let want = make().eval_with(Backend::Eval);
    for backend in [Backend::Jit, Backend::Interpret] {
        let got = make().eval_with(backend);
        match (&want, &got) {
            (Ok(w), Ok(g)) => assert_eq!(bits(g), bits(w), "{what} on {backend:?}"),
            (Err(w), Err(g)) => {
                assert_eq!(g.to_string(), w.to_string(), "{what} on {backend:?}")
            }
            _ => panic!(
                "{what}: evaluator {:?}, {backend:?} {:?}",
                want.as_ref()
                    .map(|a| a.shape().to_vec())
                    .map_err(|e| e.to_string()),
                got.as_ref()
                    .map(|a| a.shape().to_vec())
                    .map_err(|e| e.to_string()),
            ),
        }
    }
    want.map_err(|e| e.to_string())
}

/// An int64 index array.
fn idx(values: Vec<i64>, shape: &[usize]) -> Array {
    Array::from_vec(values, shape.to_vec())
}

/// Indices in `-2n..2n` (some out of range) or, when `valid`, in `-n..n`.
fn index_values(n: usize, len: usize, seed: u64, valid: bool) -> Vec<i64> {
    let span = if valid { n as i64 } else { 2 * n as i64 };
    let mut s = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (0..len)
        .map(|_| {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            if span == 0 {
                return (s >> 33) as i64 % 3 - 1;
            }
            ((s >> 33) as i64).rem_euclid(2 * span) - span
        })
        .collect()
}

/// The source as the test wants it: contiguous, transposed, or reversed with a step.
fn source(shape: &[usize], dtype: DType, seed: u64, view: u8) -> Array {
    let a = input(shape, dtype, seed);
    match view {
        0 => a,
        1 => a.transpose(),
        _ => a.index(ix![..;-1]),
    }
}

/// An element-wise consumer defined for every dtype (bool included), reading the gathered
/// values once: picked or not against a second array of their shape and dtype, then added
/// to it, so the kernel has plain inputs next to the indexed one.
fn consume(g: &Array, seed: u64) -> Array {
    let other = input(g.shape(), g.dtype(), seed ^ 0x5eed);
    let picked = where_(input(g.shape(), DType::Bool, seed), g, &other);
    &picked + &other
}

/// Whether the plan of `a` computes a gather inside a kernel.
fn fused(a: &Array) -> bool {
    a.explain_plan().contains("with fused gathers")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(48)))]

    /// `take` along every axis (and flat) in every mode, consumed by an element-wise op.
    #[test]
    fn take_consumed_matches_evaluator(
        dt in 0usize..DTYPES.len(),
        shape in prop::collection::vec(1usize..5, 1..4),
        view in 0u8..3,
        idx_shape in prop::collection::vec(1usize..4, 1..3),
        seed in 0u64..1000,
        mode in 0usize..3,
        valid in any::<bool>(),
    ) {
        let a = source(&shape, DTYPES[dt], seed, view);
        let mode = [TakeMode::Raise, TakeMode::Wrap, TakeMode::Clip][mode];
        let len: usize = idx_shape.iter().product();
        for axis in (0..a.ndim() as isize).map(Some).chain([None]) {
            let n = match axis {
                Some(ax) => a.shape()[ax as usize],
                None => a.size(),
            };
            let i = idx(index_values(n, len, seed, valid), &idx_shape);
            let what = format!("{shape:?} view {view} axis {axis:?} {mode:?} {idx_shape:?}");
            let make = || consume(&a.take(&i, axis, mode), seed);
            prop_assert!(fused(&make()), "{what}: {}", make().explain_plan());
            let r = same_everywhere(&what, make);
            if valid || mode != TakeMode::Raise {
                prop_assert!(r.is_ok(), "{what}: {r:?}");
            }
        }
    }

    /// `a.index(ix![..])` with one index array on any axis or two (adjacent or separated),
    /// on any source view and dtype, with negative and out-of-range indices.
    #[test]
    fn fancy_index_consumed_matches_evaluator(
        dt in 0usize..DTYPES.len(),
        shape in prop::collection::vec(1usize..5, 1..4),
        view in 0u8..3,
        idx_shape in prop::collection::vec(1usize..4, 0..3),
        seed in 0u64..1000,
        valid in any::<bool>(),
        two in any::<bool>(),
    ) {
        let a = source(&shape, DTYPES[dt], seed, view);
        let len: usize = idx_shape.iter().product();
        let i0 = idx(index_values(a.shape()[0], len, seed, valid), &idx_shape);
        let last = a.ndim() - 1;
        let i1 = idx(index_values(a.shape()[last], len, seed + 1, valid), &idx_shape);
        let what = format!("{shape:?} view {view} idx {idx_shape:?} two {two}");
        if two && last > 0 {
            let make = || {
                let g = if last == 1 { a.index(ix![&i0, &i1]) } else { a.index(ix![&i0, .., &i1]) };
                consume(&g, seed)
            };
            prop_assert!(fused(&make()), "{what}: {}", make().explain_plan());
            let _ = same_everywhere(&what, make);
        } else {
            let make = || {
                let mut args: Vec<IndexArg> = (0..last).map(|_| IndexArg::from(..)).collect();
                args.push(IndexArg::from(&i1));
                consume(&a.index(args), seed)
            };
            prop_assert!(fused(&make()), "{what}: {}", make().explain_plan());
            let _ = same_everywhere(&what, make);
            let _ = same_everywhere(&what, || consume(&a.index(ix![&i0]), seed));
        }
    }
}

#[test]
fn plan_shows_the_gather_inside_the_kernel() {
    let x = input(&[50, 8], DType::F64, 1);
    let y = input(&[7, 8], DType::F64, 2);
    let i = idx(vec![3, -1, 0, 49, 7, 7, -50], &[7]);
    let z = &x.take(&i, Some(0), TakeMode::Raise) * 2.0 + &y;
    let plan = z.explain_plan();
    assert_eq!(z.fused_kernel_count(), 1, "{plan}");
    assert!(plan.contains("with fused gathers (take)"), "{plan}");
    // No step of its own for the gather.
    assert!(!plan.contains("gather/scatter"), "{plan}");
    let want = z.copy().eval_with(Backend::Eval).unwrap();
    for backend in [Backend::Jit, Backend::Interpret] {
        let got = (&x.take(&i, Some(0), TakeMode::Raise) * 2.0 + &y)
            .eval_with(backend)
            .unwrap();
        assert_eq!(bits(&got), bits(&want), "{backend:?}");
    }
    // Row 1 of the result is row 49 (index -1) times two plus y's row 1.
    let xs = x.to_vec::<f64>().unwrap();
    let ys = y.to_vec::<f64>().unwrap();
    let zs = want.to_vec::<f64>().unwrap();
    for c in 0..8 {
        assert_eq!(zs[8 + c], xs[49 * 8 + c] * 2.0 + ys[8 + c]);
    }
}

#[test]
fn gathers_stay_steps_where_they_cannot_fuse() {
    // Integers: the JIT's float folds may differ from the evaluator's in the last bit.
    let x = input(&[6, 5], DType::I32, 3);
    let i = idx(vec![1, 0, 5], &[3]);
    // Asked for by the user: materialized by the native gather.
    let g = x.take(&i, Some(0), TakeMode::Raise);
    assert!(!fused(&g), "{}", g.explain_plan());
    // Read by a fold keeping the last axis (a column fold): the fold's kernel reads the
    // gathered array.
    let s = x.take(&i, Some(0), TakeMode::Raise).sum(0);
    assert!(!fused(&s), "{}", s.explain_plan());
    let want = s.copy().eval_with(Backend::Eval).unwrap();
    for backend in [Backend::Jit, Backend::Interpret] {
        let got = x
            .take(&i, Some(0), TakeMode::Raise)
            .sum(0)
            .eval_with(backend)
            .unwrap();
        assert_eq!(bits(&got), bits(&want), "{backend:?}");
    }
    // Read through a view (here a transpose): a step of its own, so that every index is
    // still checked even where the view would skip it.
    let t = &x.take(&i, Some(0), TakeMode::Raise).transpose() + 1;
    assert!(!fused(&t), "{}", t.explain_plan());
    // An empty gather: the evaluator still checks its indices.
    let e = input(&[6, 0], DType::F32, 4);
    let bad = idx(vec![9], &[1]);
    let r = same_everywhere("empty", || &e.take(&bad, Some(0), TakeMode::Raise) + 1.0f32);
    assert!(r.is_err());
}

#[test]
fn a_bad_index_is_the_evaluators_error_on_every_backend() {
    let x = input(&[4, 3], DType::I32, 5);
    let y = input(&[4, 3], DType::I32, 6);
    let bad = idx(vec![0, 3, -5, 1], &[4]);
    let line = line!() + 1;
    let make = || &x.take(&bad, Some(0), TakeMode::Raise) * 3 + &y;
    assert!(fused(&make()), "{}", make().explain_plan());
    let err = same_everywhere("take", make).unwrap_err();
    assert!(err.contains("take"), "{err}");
    assert!(err.contains(&format!("gather_fused.rs:{line}")), "{err}");
    assert!(err.contains("-5"), "{err}");
    // Fancy indexing and choose (whose negative choices are errors, not counted from the end).
    let e = same_everywhere("index", || &x.index(ix![.., &idx(vec![2, 3], &[2])]) + 1).unwrap_err();
    assert!(e.contains("index 3"), "{e}");
    let c0 = input(&[6], DType::I32, 1);
    let c1 = input(&[6], DType::I32, 2);
    let picks = idx(vec![0, 1, 1, 0, 1, -1], &[6]);
    let make = || &choose(&picks, &[&c0, &c1], TakeMode::Raise) + 1;
    let e = same_everywhere("choose", make).unwrap_err();
    assert!(e.contains("choose"), "{e}");
}

#[test]
fn large_gathers_run_in_parallel_chunks() {
    let n = 300_000usize;
    let x = input(&[1000], DType::F32, 7);
    let values: Vec<i64> = (0..n as i64).map(|k| (k * 7919) % 1999 - 999).collect();
    let i = idx(values.clone(), &[n]);
    let y = input(&[n], DType::F32, 8);
    let make = || &x.take(&i, None, TakeMode::Raise) - &y;
    assert!(fused(&make()));
    same_everywhere("large", make).unwrap();
    // The same with one bad index far in.
    let mut bad = values;
    bad[n - 3] = 1000;
    let b = idx(bad, &[n]);
    let e = same_everywhere("large bad", || &x.take(&b, None, TakeMode::Raise) - &y).unwrap_err();
    assert!(e.contains("1000"), "{e}");
}

#[test]
fn same_structure_graphs_replay_their_program() {
    let run = |seed: u64, bad: bool| {
        let x = input(&[9, 4], DType::F64, seed);
        let y = input(&[4, 5], DType::F64, seed + 1);
        let mut values = index_values(4, 5, seed, true);
        if bad {
            values[2] = 4;
        }
        let i = idx(values, &[5]);
        let f = || &x.index(ix![..4, &i]) * 0.5 + &y;
        let want = f().eval_with(Backend::Eval);
        let got = f().eval_with(Backend::Jit);
        match (want, got) {
            (Ok(w), Ok(g)) => assert_eq!(bits(&g), bits(&w)),
            (Err(w), Err(g)) => assert_eq!(g.to_string(), w.to_string()),
            (w, g) => panic!("evaluator {w:?}, JIT {g:?}"),
        }
        f().explain_plan()
    };
    let plan = run(10, false);
    assert!(plan.contains("with fused gathers"), "{plan}");
    let before = numcrane::jit_plan_replays();
    for seed in 11..14 {
        run(seed, false);
    }
    assert!(numcrane::jit_plan_replays() > before);
    // A bad index in a graph whose program is cached: still the evaluator's error.
    run(20, true);
}

#[test]
fn take_along_axis_and_computed_indices_fuse() {
    let x = input(&[3, 6], DType::F32, 9);
    let i = idx(vec![5, 0, -1, 2, 2, 3], &[3, 2]);
    let make = || &take_along_axis(&x, &i, Some(1)) * 2.0f32;
    assert!(fused(&make()), "{}", make().explain_plan());
    same_everywhere("take_along_axis", make).unwrap();
    let bad = idx(vec![5, 0, -7, 2, 2, 3], &[3, 2]);
    let e = same_everywhere("take_along_axis bad", || {
        &take_along_axis(&x, &bad, Some(1)) * 2.0f32
    })
    .unwrap_err();
    assert!(e.contains("take_along_axis"), "{e}");
    // Indices computed by an earlier kernel (read as data by the gather).
    let j = idx(vec![7, 8, 9, 10], &[4]);
    let make = || &x.take(&(&j - 5), Some(1), TakeMode::Raise) + 1.0f32;
    assert!(fused(&make()), "{}", make().explain_plan());
    same_everywhere("computed indices", make).unwrap();
}

/// Folds over the last axis (row folds) take the gather: `take(e, idx, 0).sum(-1)` (an
/// embedding-bag sum) and full reductions, in integers (bit for bit with the evaluator) and
/// floats (within rounding: float folds may associate differently).
#[test]
fn row_folds_take_the_gather() {
    let e = input(&[40, 6], DType::I32, 11);
    let i = idx(vec![3, -1, 0, 39, 7, 7, -40, 12, 5], &[3, 3]);
    let make = || e.take(&i, Some(0), TakeMode::Raise).sum(-1);
    assert!(fused(&make()), "{}", make().explain_plan());
    assert_eq!(make().fused_kernel_count(), 1, "{}", make().explain_plan());
    same_everywhere("row fold", make).unwrap();
    let make = || (&e.take(&i, Some(0), TakeMode::Wrap) * 3).max(..);
    assert!(fused(&make()), "{}", make().explain_plan());
    same_everywhere("full fold", make).unwrap();
    // A bad index in a fold: the evaluator's error on every backend.
    let bad = idx(vec![3, 40], &[2]);
    let err = same_everywhere("bad fold", || {
        e.take(&bad, Some(0), TakeMode::Raise).sum(-1)
    })
    .unwrap_err();
    assert!(err.contains("40"), "{err}");
    // Floats: the fused fold against the evaluator, within float32 rounding.
    let f = input(&[40, 300], DType::F32, 12);
    let g = f.take(&i, Some(0), TakeMode::Raise).sum(-1);
    assert!(fused(&g), "{}", g.explain_plan());
    let want = g
        .copy()
        .eval_with(Backend::Eval)
        .unwrap()
        .to_vec::<f32>()
        .unwrap();
    let got = f
        .take(&i, Some(0), TakeMode::Raise)
        .sum(-1)
        .eval_with(Backend::Jit)
        .unwrap()
        .to_vec::<f32>()
        .unwrap();
    assert_eq!(got.len(), 9);
    for (a, b) in got.iter().zip(&want) {
        assert!(
            (a - b).abs() <= 1e-4 * b.abs().max(1.0),
            "{got:?} vs {want:?}"
        );
    }
}

/// Several gathers in one kernel: two takes of the same array (its buffer read through two
/// indexed inputs), in different modes, and a fancy index of another array.
#[test]
fn several_gathers_in_one_kernel() {
    let x = input(&[7, 5], DType::I64, 13);
    let y = input(&[4, 6], DType::I64, 14);
    let i = idx(vec![-1, 3, 9, 0], &[4]);
    let j = idx(vec![2, 2, -8, 6], &[4]);
    let k = idx(vec![5, -6, 0, 1, 1], &[5]);
    let make = || {
        let a = x.take(&i, Some(0), TakeMode::Wrap);
        let b = x.take(&j, Some(0), TakeMode::Clip);
        let c = y.index(ix![.., &k]).index(ix![..4, ..]);
        &(&a - &b) * &c
    };
    let plan = make().explain_plan();
    // All three gathers inside the one kernel.
    assert_eq!(make().fused_kernel_count(), 1, "{plan}");
    assert!(
        plan.contains("with fused gathers (index, take, take)"),
        "{plan}"
    );
    same_everywhere("several", make).unwrap();
    // One bad index among them: the evaluator's error.
    let bad = idx(vec![5, -7, 0, 1, 1], &[5]);
    let e = same_everywhere("several bad", || {
        &(&x.take(&i, Some(0), TakeMode::Wrap) - &x.take(&j, Some(0), TakeMode::Clip))
            * &y.index(ix![.., &bad]).index(ix![..4, ..])
    })
    .unwrap_err();
    assert!(e.contains("-7"), "{e}");
}
