//! Matrix products reading an operand scaled by a constant while the GEMM packs it
//! (`numcrane_fuse::prologue`): `(s * X) @ W`, `X @ (W / s)` and their mixes run as one step,
//! with exactly the bits of materialising the scaled operand first, and within the float
//! tolerance of the reference evaluator; over transposed operands, stacks, epilogues, replays
//! and the interpreter backend (which cannot scale while packing, so it runs the scaling kernel
//! first); and the cases that must not take a prologue.
//!
//! With `NUMCRANE_PROLOGUE=0` nothing is attached and the plan assertions check that instead.

mod common;

use common::{cases, input};
use numcrane::{matmul, maximum, Array, Backend, DType};
use proptest::prelude::*;

fn prologue_on() -> bool {
    std::env::var("NUMCRANE_PROLOGUE").map_or(true, |v| v != "0")
        && std::env::var("NUMCRANE_BACKEND").map_or(true, |v| v == "jit")
}

fn vals(a: &Array) -> Vec<f64> {
    a.astype(DType::F64)
        .eval()
        .unwrap()
        .to_vec::<f64>()
        .unwrap()
}

fn bits(a: &Array) -> Vec<u64> {
    vals(a).iter().map(|v| v.to_bits()).collect()
}

/// How one operand is scaled.
#[derive(Clone, Copy, Debug)]
enum How {
    None,
    /// `X * s`
    MulRight(f64),
    /// `s * X`
    MulLeft(f64),
    /// `X / s`
    Div(f64),
}

fn scale(x: &Array, how: How) -> Array {
    match how {
        How::None => x.clone(),
        How::MulRight(s) => x * s,
        How::MulLeft(s) => s * x,
        How::Div(s) => x / s,
    }
}

#[derive(Clone, Debug)]
struct Case {
    batch: Vec<usize>,
    m: usize,
    k: usize,
    n: usize,
    dtype: DType,
    x_transposed: bool,
    a: How,
    b: How,
    epilogue: bool,
    seed: u64,
}

fn operands(c: &Case) -> (Array, Array) {
    let dims = |tail: [usize; 2]| -> Vec<usize> { c.batch.iter().copied().chain(tail).collect() };
    let x = if c.x_transposed {
        input(&dims([c.k, c.m]), c.dtype, c.seed).swapaxes(-2, -1)
    } else {
        input(&dims([c.m, c.k]), c.dtype, c.seed)
    };
    (x, input(&dims([c.k, c.n]), c.dtype, c.seed + 1))
}

/// The case's expression over the (possibly scaled) operands `a`, `b`.
fn expr(c: &Case, a: &Array, b: &Array, bias: &Array) -> Array {
    let p = matmul(a, b);
    match c.epilogue {
        true => maximum(&(p + bias), 0.0),
        false => p,
    }
}

fn check(c: &Case) {
    let what = format!("{c:?}");
    let (x, w) = operands(c);
    let bias = input(&[c.n], c.dtype, c.seed + 2);
    let fused = expr(c, &scale(&x, c.a), &scale(&w, c.b), &bias);
    let plan = fused.explain_plan();
    let scaled = !matches!(c.a, How::None) || !matches!(c.b, How::None);
    if prologue_on() && scaled {
        assert!(plan.contains("read scaled while packed"), "{what}\n{plan}");
        assert!(!plan.contains("kernel mul"), "{what}\n{plan}");
        assert!(!plan.contains("kernel div"), "{what}\n{plan}");
    } else {
        assert!(!plan.contains("read scaled while packed"), "{what}\n{plan}");
    }
    let got = fused.eval().unwrap();
    // The same expression with the scaled operands materialised first: the same bits.
    let (sa, sb) = (
        scale(&x, c.a).eval().unwrap(),
        scale(&w, c.b).eval().unwrap(),
    );
    let unfused = expr(c, &sa, &sb, &bias).eval().unwrap();
    assert_eq!(bits(&got), bits(&unfused), "{what}\n{plan}");
    // A second graph of the same structure replays the recorded program.
    let again = expr(c, &scale(&x, c.a), &scale(&w, c.b), &bias)
        .eval()
        .unwrap();
    assert_eq!(bits(&again), bits(&got), "{what} (replayed)");
    // The interpreter backend runs the scaling kernels first: same values up to rounding of
    // its own product (the reference evaluator's), checked against the evaluator.
    let reference = expr(c, &scale(&x, c.a), &scale(&w, c.b), &bias)
        .eval_with(Backend::Eval)
        .unwrap();
    let interpreted = expr(c, &scale(&x, c.a), &scale(&w, c.b), &bias)
        .eval_with(Backend::Interpret)
        .unwrap();
    let tol = if c.dtype == DType::F32 { 1e-5 } else { 1e-13 };
    let size = |h: How| match h {
        How::None => 1.0,
        How::MulLeft(s) | How::MulRight(s) => f64::max(s.abs(), 1.0),
        How::Div(s) => f64::max(1.0 / s.abs(), 1.0),
    };
    let bound = 49.0 * c.k as f64 * size(c.a) * size(c.b) + 7.0;
    for (label, other) in [("evaluator", &reference), ("interpreter", &interpreted)] {
        for (i, (g, r)) in vals(&got).iter().zip(vals(other)).enumerate() {
            let t = tol * (c.k.max(1) as f64).sqrt() * (1.0 + bound);
            assert!(
                (g - r).abs() <= t,
                "{what}: element {i}: {g} vs {label} {r}"
            );
        }
    }
}

fn how() -> impl Strategy<Value = How> {
    prop_oneof![
        2 => Just(How::None),
        1 => prop_oneof![Just(0.5), Just(-3.0), Just(1e-3)].prop_map(How::MulRight),
        1 => prop_oneof![Just(2.0), Just(-0.25)].prop_map(How::MulLeft),
        1 => prop_oneof![Just(3.0), Just(-7.0)].prop_map(How::Div),
    ]
}

fn case_strategy() -> impl Strategy<Value = Case> {
    (
        (
            prop_oneof![3 => Just(vec![]), 1 => Just(vec![2]), 1 => Just(vec![2, 3])],
            1usize..40,
            1usize..40,
            1usize..40,
            prop_oneof![Just(DType::F32), Just(DType::F64)],
        ),
        (any::<bool>(), how(), how(), any::<bool>(), 0u64..1000),
    )
        .prop_map(
            |((batch, m, k, n, dtype), (x_transposed, a, b, epilogue, seed))| Case {
                batch,
                m,
                k,
                n,
                dtype,
                x_transposed,
                a,
                b,
                epilogue,
                seed,
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(40)))]

    #[test]
    fn scaled_operands_match_the_materialised_bits(c in case_strategy()) {
        check(&c);
    }
}

/// Large enough for the packed, multithreaded GEMM with several cache blocks.
#[test]
fn large_scaled_products() {
    for (a, b, epilogue) in [
        (How::MulLeft(0.125), How::None, false),
        (How::Div(3.0), How::MulRight(-2.0), true),
    ] {
        let c = Case {
            batch: vec![],
            m: 300,
            k: 530,
            n: 270,
            dtype: DType::F32,
            x_transposed: false,
            a,
            b,
            epilogue,
            seed: 5,
        };
        check(&c);
    }
}

/// The plan text of the README's example: one step, the scale named.
#[test]
fn plan_names_the_prologue() {
    let x = input(&[64, 32], DType::F32, 1);
    let w = input(&[32, 16], DType::F32, 2);
    let y = matmul(&(0.5 * &x), &w);
    let plan = y.explain_plan();
    if prologue_on() {
        assert_eq!(
            plan.lines()
                .filter(|l| l.starts_with(char::is_numeric))
                .count(),
            1,
            "{plan}"
        );
        assert!(
            plan.contains("operand 0 read scaled while packed (x * 0.5, not materialised)"),
            "{plan}"
        );
    }
}

/// A scaled operand that is also used elsewhere, or a root, or scaled by an array (not a
/// constant) is materialised as before.
#[test]
fn shared_or_non_constant_scalings_are_materialised() {
    let x = input(&[8, 6], DType::F64, 3);
    let w = input(&[6, 5], DType::F64, 4);
    let sx = 2.0 * &x;
    let y = matmul(&sx, &w) + sx.sum(..);
    let plan = y.explain_plan();
    assert!(!plan.contains("read scaled while packed"), "{plan}");
    let col = input(&[8, 1], DType::F64, 5);
    let y = matmul(&(&x * &col), &w);
    let plan = y.explain_plan();
    assert!(!plan.contains("read scaled while packed"), "{plan}");
    // Both the scaled operand and the product as roots.
    let sx = &x / 4.0;
    let p = matmul(&sx, &w);
    numcrane::eval_all(&[&sx, &p]).unwrap();
    let want = matmul(&(&x / 4.0).eval().unwrap(), &w).eval().unwrap();
    assert_eq!(bits(&p), bits(&want));
    // An integer product has no prologue (the integer GEMM does not scale).
    let xi = x.astype(DType::I64);
    let wi = w.astype(DType::I64);
    let plan = matmul(&(&xi * 3), &wi).explain_plan();
    assert!(!plan.contains("read scaled while packed"), "{plan}");
}
