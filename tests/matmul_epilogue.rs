//! Matrix products with their element-wise consumers fused into the GEMM as an epilogue
//! (`numcrane_fuse::epilogue`): the JIT backend's fused results against the reference
//! evaluator (within the float32 tolerance `1e-5 * sqrt(k)` of the magnitude of the terms)
//! and, bit for bit, against the unfused JIT path (the product evaluated first, then the same
//! chain over it); over odd shapes, bias kinds ([n], [1, n], [m, 1], full), scalar scales,
//! activation chains, casts, transposed operands, kept products, stacks of matrices, and the
//! cases that must stay unfused. Also: the plan shows one step for `maximum(X @ W + b, 0)`.
//!
//! With `NUMCRANE_EPILOGUE=0` nothing fuses and the plan assertions check that instead.

mod common;

use common::{cases, input};
use numcrane::{clip, eval_all, matmul, maximum, minimum, where_, Array, Backend, DType};
use proptest::prelude::*;

fn epilogue_on() -> bool {
    std::env::var("NUMCRANE_EPILOGUE").map_or(true, |v| v != "0")
}

/// `NUMCRANE_CHECKED=1` runs products and their epilogues unfused on purpose (every kernel
/// access checked) and plans afresh each time.
fn checked() -> bool {
    std::env::var("NUMCRANE_CHECKED").is_ok_and(|v| !v.is_empty() && v != "0")
}

fn vals(a: &Array) -> Vec<f64> {
    a.astype(DType::F64)
        .eval()
        .unwrap()
        .to_vec::<f64>()
        .unwrap()
}

/// The bits of every element (as f64: exact for float32 values too).
fn bits(a: &Array) -> Vec<u64> {
    vals(a).iter().map(|v| v.to_bits()).collect()
}

/// Close to the reference: within `1e-5 * sqrt(k)` of `scale` (the size of the terms the
/// product sums, bounded by the caller), NaN where the reference has NaN.
fn assert_close(got: &[f64], want: &[f64], k: usize, scale: f64, what: &str) {
    assert_eq!(got.len(), want.len(), "{what}");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        if w.is_nan() {
            assert!(g.is_nan(), "{what}: element {i}: {g} vs NaN");
            continue;
        }
        let tol = 1e-5 * (k.max(1) as f64).sqrt() * (1.0 + scale + w.abs());
        assert!((g - w).abs() <= tol, "{what}: element {i}: {g} vs {w}");
    }
}

/// How the bias is broadcast against the `[.., m, n]` product.
#[derive(Clone, Copy, Debug)]
enum Bias {
    None,
    /// `[n]`: along rows (the usual `X @ W + b`).
    Cols,
    /// `[1, n]`.
    RowVector,
    /// `[m, 1]`: along columns.
    Rows,
    /// `[.., m, n]`: a full matrix.
    Full,
}

/// The element-wise functions applied after the bias, in order.
#[derive(Clone, Copy, Debug)]
enum Act {
    Relu,
    Tanh,
    Sigmoid,
    Clip,
    MinScalar,
    MaxScalar,
    Square,
    WhereNeg,
}

fn apply(x: Array, act: Act) -> Array {
    match act {
        Act::Relu => maximum(&x, 0.0),
        Act::Tanh => x.tanh(),
        Act::Sigmoid => 1.0 / (1.0 + (-&x).exp()),
        Act::Clip => clip(&x, -1.5, 2.5),
        Act::MinScalar => minimum(&x, 3.0),
        Act::MaxScalar => maximum(-0.5, &x),
        Act::Square => &x * &x,
        Act::WhereNeg => where_(x.lt(0.0), &x * 0.1, &x),
    }
}

/// One epilogue case.
#[derive(Clone, Debug)]
struct Case {
    batch: Vec<usize>,
    m: usize,
    k: usize,
    n: usize,
    dtype: DType,
    /// X built transposed (`[k, m]` data, `.T`).
    x_transposed: bool,
    /// W built transposed (`[n, k]` data, `.T`).
    w_transposed: bool,
    scale: Option<f64>,
    bias: Bias,
    acts: Vec<Act>,
    cast: bool,
    seed: u64,
}

/// The operands (realized), the bias (realized) and the expression of a case, built on
/// `product`.
struct Built {
    x: Array,
    w: Array,
    bias: Option<Array>,
}

fn build(c: &Case) -> Built {
    let dims = |tail: [usize; 2]| -> Vec<usize> { c.batch.iter().copied().chain(tail).collect() };
    let swap_last = |a: Array| a.swapaxes(-2, -1);
    let x = if c.x_transposed {
        swap_last(input(&dims([c.k, c.m]), c.dtype, c.seed))
    } else {
        input(&dims([c.m, c.k]), c.dtype, c.seed)
    };
    let w = if c.w_transposed {
        swap_last(input(&dims([c.n, c.k]), c.dtype, c.seed + 1))
    } else {
        input(&dims([c.k, c.n]), c.dtype, c.seed + 1)
    };
    let bias = match c.bias {
        Bias::None => None,
        Bias::Cols => Some(input(&[c.n], c.dtype, c.seed + 2)),
        Bias::RowVector => Some(input(&[1, c.n], c.dtype, c.seed + 2)),
        Bias::Rows => Some(input(&[c.m, 1], c.dtype, c.seed + 2)),
        Bias::Full => Some(input(&dims([c.m, c.n]), c.dtype, c.seed + 2)),
    };
    Built { x, w, bias }
}

/// The chain of a case over `p` (the product or a realized copy of it).
fn chain(c: &Case, b: &Built, p: Array) -> Array {
    let mut y = p;
    if let Some(s) = c.scale {
        y = y * s;
    }
    if let Some(bias) = &b.bias {
        y = y + bias;
    }
    for &a in &c.acts {
        y = apply(y, a);
    }
    if c.cast {
        let other = match c.dtype {
            DType::F32 => DType::F64,
            _ => DType::F32,
        };
        y = y.astype(other);
    }
    y
}

/// Checks one case: fused JIT vs evaluator (tolerance) and vs the unfused JIT path (bits).
fn check(c: &Case) {
    let b = build(c);
    let what = format!("{c:?}");
    let fused = chain(c, &b, matmul(&b.x, &b.w));
    let plan = fused.explain_plan();
    let has_bias_or_act =
        c.scale.is_some() || !matches!(c.bias, Bias::None) || !c.acts.is_empty() || c.cast;
    if epilogue_on() && has_bias_or_act {
        assert!(plan.contains("matmul + epilogue"), "{what}\n{plan}");
        assert!(
            !plan.contains("a step of its own: matmul"),
            "{what}\n{plan}"
        );
    } else {
        assert!(!plan.contains("matmul + epilogue"), "{what}\n{plan}");
    }
    let runs = numcrane::matmul_epilogue_runs();
    let got = fused.eval_with(Backend::Jit).unwrap();
    let fused_runs = numcrane::matmul_epilogue_runs() - runs;
    let want_runs = usize::from(epilogue_on() && has_bias_or_act && !checked());
    assert_eq!(fused_runs, want_runs, "{what}\n{plan}");
    let reference = chain(c, &b, matmul(&b.x, &b.w))
        .eval_with(Backend::Eval)
        .unwrap();
    assert_eq!(got.shape(), reference.shape(), "{what}");
    assert_eq!(got.dtype(), reference.dtype(), "{what}");
    // The terms of the product are at most 7 * 7 (inputs are 7 sin(..)); the chain is
    // 1-Lipschitz except for the scale and the square.
    let mut scale = 49.0 * c.k as f64 + 7.0;
    scale *= c.scale.map_or(1.0, f64::abs).max(1.0);
    if c.acts.iter().any(|a| matches!(a, Act::Square)) {
        scale *= scale;
    }
    let tol_k = if c.dtype == DType::F32 || c.cast {
        c.k
    } else {
        0
    };
    let (g, r) = (vals(&got), vals(&reference));
    if tol_k > 0 {
        assert_close(&g, &r, tol_k, scale, &what);
    } else {
        assert_close(&g, &r, c.k, scale * 1e-8, &what);
    }
    // Unfused: the same product realized first (the same GEMM bits), then the same kernel.
    let product = matmul(&b.x, &b.w).eval_with(Backend::Jit).unwrap();
    let unfused = chain(c, &b, product).eval_with(Backend::Jit).unwrap();
    assert_eq!(bits(&got), bits(&unfused), "{what}");
}

fn act_strategy() -> impl Strategy<Value = Act> {
    prop_oneof![
        Just(Act::Relu),
        Just(Act::Tanh),
        Just(Act::Sigmoid),
        Just(Act::Clip),
        Just(Act::MinScalar),
        Just(Act::MaxScalar),
        Just(Act::Square),
        Just(Act::WhereNeg),
    ]
}

fn bias_strategy() -> impl Strategy<Value = Bias> {
    prop_oneof![
        Just(Bias::None),
        Just(Bias::Cols),
        Just(Bias::RowVector),
        Just(Bias::Rows),
        Just(Bias::Full),
    ]
}

fn case_strategy() -> impl Strategy<Value = Case> {
    (
        (
            prop_oneof![
                3 => Just(vec![]),
                1 => Just(vec![2]),
                1 => Just(vec![2, 3])
            ],
            1usize..18,
            1usize..18,
            1usize..18,
            prop_oneof![Just(DType::F32), Just(DType::F64)],
            any::<bool>(),
            any::<bool>(),
        ),
        (
            prop_oneof![Just(None), Just(Some(0.5)), Just(Some(-3.0))],
            bias_strategy(),
            proptest::collection::vec(act_strategy(), 0..3),
            any::<bool>(),
            0u64..1000,
        ),
    )
        .prop_map(
            |((batch, m, k, n, dtype, xt, wt), (scale, bias, acts, cast, seed))| Case {
                batch,
                m,
                k,
                n,
                dtype,
                x_transposed: xt,
                w_transposed: wt,
                scale,
                bias,
                acts,
                cast,
                seed,
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(48)))]

    #[test]
    fn fused_epilogues_match_the_evaluator_and_the_unfused_bits(c in case_strategy()) {
        check(&c);
    }
}

fn case(m: usize, k: usize, n: usize, bias: Bias, acts: &[Act]) -> Case {
    Case {
        batch: vec![],
        m,
        k,
        n,
        dtype: DType::F32,
        x_transposed: false,
        w_transposed: false,
        scale: None,
        bias,
        acts: acts.to_vec(),
        cast: false,
        seed: 7,
    }
}

#[test]
fn the_plan_shows_one_step_for_bias_relu() {
    let x = input(&[5, 4], DType::F32, 1);
    let w = input(&[4, 3], DType::F32, 2);
    let b = input(&[3], DType::F32, 3);
    let y = maximum(matmul(&x, &w) + &b, 0.0);
    let plan = y.explain_plan();
    let explained = y.explain();
    if epilogue_on() {
        let steps: Vec<&str> = plan.lines().filter(|l| !l.starts_with(' ')).collect();
        assert_eq!(steps.len(), 1, "{plan}");
        assert!(
            steps[0].contains("matmul + epilogue: add, maximum"),
            "{plan}"
        );
        assert!(
            explained.contains("matmul + epilogue: add, maximum"),
            "{explained}"
        );
        assert_eq!(y.fused_kernel_count(), 1);
    } else {
        assert!(
            plan.contains("on the reference evaluator: matmul"),
            "{plan}"
        );
    }
    check(&case(5, 4, 3, Bias::Cols, &[Act::Relu]));
}

#[test]
fn larger_products_span_many_tiles_and_threads() {
    // Several packed blocks, edge tiles in both directions, several kc panels (k > 256).
    check(&case(257, 300, 255, Bias::Cols, &[Act::Relu]));
    let mut c = case(130, 17, 257, Bias::Rows, &[Act::Tanh, Act::Clip]);
    c.dtype = DType::F64;
    c.w_transposed = true;
    check(&c);
}

#[test]
fn a_kept_product_is_written_too() {
    let x = input(&[9, 7], DType::F32, 11);
    let w = input(&[7, 13], DType::F32, 12);
    let b = input(&[13], DType::F32, 13);
    let p = matmul(&x, &w);
    let y = maximum(&p + &b, 0.0);
    // (The plan text for several roots is checked in numcrane-fuse's unit tests.)
    let runs = numcrane::matmul_epilogue_runs();
    eval_all(&[&p, &y]).unwrap();
    if epilogue_on() && !checked() {
        assert_eq!(numcrane::matmul_epilogue_runs(), runs + 1);
    }
    let p_ref = matmul(&x, &w).eval_with(Backend::Jit).unwrap();
    assert_eq!(bits(&p), bits(&p_ref));
    let y_ref = maximum(&p_ref + &b, 0.0).eval_with(Backend::Jit).unwrap();
    assert_eq!(bits(&y), bits(&y_ref));
}

#[test]
fn products_read_elsewhere_or_through_views_stay_unfused() {
    let x = input(&[6, 5], DType::F32, 21);
    let w = input(&[5, 6], DType::F32, 22);
    let b = input(&[6], DType::F32, 23);
    // Read by two kernels (an element-wise one and a sum).
    let p = matmul(&x, &w);
    let y = maximum(&p + &b, 0.0) + p.sum(..);
    // Read transposed inside the kernel.
    let t = maximum(matmul(&x, &w).T() + &b, 0.0);
    // Broadcast into a larger loop: [6, 1] product against a [1, 4] row.
    let col = matmul(&x, &input(&[5, 1], DType::F32, 24));
    let wide = col + input(&[1, 4], DType::F32, 25);
    // Integer products have no native GEMM.
    let xi = input(&[3, 4], DType::I32, 26);
    let yi = maximum(matmul(&xi, &xi.T()) + 1, 0);
    for (a, what) in [
        (&y, "shared"),
        (&t, "transposed"),
        (&wide, "broadcast"),
        (&yi, "int"),
    ] {
        let plan = a.explain_plan();
        assert!(!plan.contains("matmul + epilogue"), "{what}\n{plan}");
        let runs = numcrane::matmul_epilogue_runs();
        let got = vals(&a.eval_with(Backend::Jit).unwrap());
        assert_eq!(numcrane::matmul_epilogue_runs(), runs, "{what}");
        let want = vals(&a.eval_with(Backend::Eval).unwrap());
        assert_close(&got, &want, 5, 250.0, what);
    }
}

#[test]
fn stacks_of_matrices_with_broadcast_operands() {
    // [2, 3, 4, 5] @ [5, 6]: one W for every matrix; bias along rows and a full addend.
    let x = input(&[2, 3, 4, 5], DType::F32, 31);
    let w = input(&[5, 6], DType::F32, 32);
    let b = input(&[6], DType::F32, 33);
    let z = input(&[3, 1, 6], DType::F32, 34);
    let y = (matmul(&x, &w) * 2.0 + &b + &z).tanh();
    if epilogue_on() {
        assert!(y.explain_plan().contains("matmul + epilogue"));
    }
    let got = y.eval_with(Backend::Jit).unwrap();
    let want = (matmul(&x, &w) * 2.0 + &b + &z)
        .tanh()
        .eval_with(Backend::Eval)
        .unwrap();
    assert_eq!(got.shape(), &[2, 3, 4, 6]);
    assert_close(&vals(&got), &vals(&want), 5, 250.0, "stack");
    let p = matmul(&x, &w).eval_with(Backend::Jit).unwrap();
    let unfused = (p * 2.0 + &b + &z).tanh().eval_with(Backend::Jit).unwrap();
    assert_eq!(bits(&got), bits(&unfused));
}

#[test]
fn empty_products_and_empty_sums() {
    // k = 0: the product is zeros and the epilogue still runs on every tile.
    let mut c = case(4, 0, 5, Bias::Cols, &[Act::Relu]);
    check(&c);
    c.m = 0;
    c.k = 3;
    check(&c);
    c.m = 3;
    c.n = 0;
    check(&c);
}

#[test]
fn nan_and_negative_zero_propagate_as_unfused() {
    let x = Array::from_vec(vec![f32::NAN, 1.0, -0.0, 0.0, 2.0, -3.0], [3, 2]);
    let w = Array::from_vec(vec![1.0f32, 0.0, -1.0, 1.0], [2, 2]);
    let b = Array::from_vec(vec![-0.0f32, f32::INFINITY], [2]);
    let y = maximum(matmul(&x, &w) + &b, 0.0);
    let got = y.eval_with(Backend::Jit).unwrap();
    let p = matmul(&x, &w).eval_with(Backend::Jit).unwrap();
    let unfused = maximum(p + &b, 0.0).eval_with(Backend::Jit).unwrap();
    assert_eq!(bits(&got), bits(&unfused));
    let want = maximum(matmul(&x, &w) + &b, 0.0)
        .eval_with(Backend::Eval)
        .unwrap();
    assert_eq!(bits(&got), bits(&want));
}

#[test]
fn replayed_plans_give_the_same_bits() {
    let x = input(&[7, 9], DType::F32, 41);
    let w = input(&[9, 5], DType::F32, 42);
    let b = input(&[5], DType::F32, 43);
    let first = maximum(matmul(&x, &w) + &b, 0.0).eval().unwrap();
    let before = numcrane::jit_plan_replays();
    let runs = numcrane::matmul_epilogue_runs();
    let second = maximum(matmul(&x, &w) + &b, 0.0).eval().unwrap();
    let replays = std::env::var("NUMCRANE_DEBUG").is_err() && !checked();
    if numcrane::Backend::from_env() == Backend::Jit && replays {
        assert!(numcrane::jit_plan_replays() > before);
        if epilogue_on() {
            // The replayed program runs the fused product too.
            assert_eq!(numcrane::matmul_epilogue_runs(), runs + 1);
        }
    }
    assert_eq!(bits(&first), bits(&second));
    let want = maximum(matmul(&x, &w) + &b, 0.0)
        .eval_with(Backend::Eval)
        .unwrap();
    assert_close(&vals(&second), &vals(&want), 9, 441.0, "replay");
}

#[test]
fn kernels_with_many_inputs_run_unfused() {
    // 17 full-size addends besides the product: more inputs than a fused epilogue takes.
    let x = input(&[5, 3], DType::F64, 51);
    let w = input(&[3, 4], DType::F64, 52);
    let addends: Vec<Array> = (0..17)
        .map(|i| input(&[5, 4], DType::F64, 60 + i))
        .collect();
    let build = || addends.iter().fold(matmul(&x, &w), |acc, a| acc + a);
    let runs = numcrane::matmul_epilogue_runs();
    let got = build().eval_with(Backend::Jit).unwrap();
    assert_eq!(numcrane::matmul_epilogue_runs(), runs);
    let want = build().eval_with(Backend::Eval).unwrap();
    assert_close(&vals(&got), &vals(&want), 3, 200.0, "17 addends");
}
