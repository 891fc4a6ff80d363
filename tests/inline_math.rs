//! Inline transcendental functions inside fused kernels, against the reference evaluator.
//!
//! Generated code computes exp, log, sin, ... with inline polynomials (vector loops
//! included), within 1 ULP (float32) / 2 ULP (float64) of libm instead of bit-identical to the
//! evaluator, which calls libm. These tests compare whole fused expressions ending in such a
//! function with a 2-ULP bound, over ordinary values and the special ones (NaN, infinities,
//! signed zeros, subnormals, huge arguments).

mod common;

use common::cases;
use numcrane::{arange, arctan2, Array, Backend, DType};
use proptest::prelude::*;

/// Distance in representable values between two floats of the same class (NaN, equal
/// infinities, or finite of the same sign); None when the classes differ.
fn ulps(a: f64, b: f64, f32: bool) -> Option<u64> {
    if a.is_nan() || b.is_nan() || a.is_infinite() || b.is_infinite() {
        return ((a.is_nan() && b.is_nan()) || a == b).then_some(0);
    }
    if a.is_sign_negative() != b.is_sign_negative() {
        return None;
    }
    Some(if f32 {
        ((a as f32).to_bits() as i64 - (b as f32).to_bits() as i64).unsigned_abs()
    } else {
        (a.to_bits() as i64 - b.to_bits() as i64).unsigned_abs()
    })
}

fn assert_within(fused: &Array, reference: &Array, max_ulps: u64, what: &str) {
    let is_f32 = fused.dtype() == DType::F32;
    let f = fused.astype(DType::F64).to_vec::<f64>().unwrap();
    let r = reference.astype(DType::F64).to_vec::<f64>().unwrap();
    assert_eq!(f.len(), r.len());
    for (x, y) in f.iter().zip(&r) {
        let d = ulps(*x, *y, is_f32);
        assert!(
            d.is_some_and(|d| d <= max_ulps),
            "{what}: jit {x:e} vs evaluator {y:e} ({d:?} ULP)"
        );
    }
}

/// Ordinary values over several magnitudes, then the special ones.
fn domain(dtype: DType) -> Array {
    let mut v: Vec<f64> = (0..4000)
        .map(|i| (i as f64 * 0.0123).sin() * (i as f64 * 0.01 - 20.0).exp2())
        .collect();
    v.extend([
        0.0,
        -0.0,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
        1e-310,
        -1e-310,
        5e-324,
        1e-40,
        -1e-40,
        f64::MAX,
        -f64::MAX,
        88.7,
        -103.9,
        709.7,
        -745.1,
        1e6,
        -3e7,
        std::f64::consts::FRAC_PI_2,
        std::f64::consts::PI,
        1.0,
        -1.0,
    ]);
    let n = v.len();
    Array::from_vec(v, [n]).astype(dtype)
}

const UNARY: [&str; 17] = [
    "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sin", "cos", "tan", "tanh", "sinh",
    "cosh", "arctan", "arcsin", "arccos", "cbrt",
];

fn apply(name: &str, x: &Array) -> Array {
    match name {
        "exp" => x.exp(),
        "exp2" => x.exp2(),
        "expm1" => x.expm1(),
        "log" => x.log(),
        "log2" => x.log2(),
        "log10" => x.log10(),
        "log1p" => x.log1p(),
        "sin" => x.sin(),
        "cos" => x.cos(),
        "tan" => x.tan(),
        "tanh" => x.tanh(),
        "sinh" => x.sinh(),
        "cosh" => x.cosh(),
        "arctan" => x.arctan(),
        "arcsin" => x.arcsin(),
        "arccos" => x.arccos(),
        "cbrt" => x.cbrt(),
        _ => unreachable!("{name}"),
    }
}

#[test]
fn every_inline_function_over_its_domain() {
    for dtype in [DType::F32, DType::F64] {
        let x = domain(dtype).eval().unwrap();
        for name in UNARY {
            // Contiguous (vector loop) and reversed (strided, scalar loop).
            for input in [x.clone(), x.flip(0)] {
                let reference = apply(name, &input).eval_with(Backend::Eval).unwrap();
                let fused = apply(name, &input).eval_with(Backend::Jit).unwrap();
                assert_within(&fused, &reference, 2, &format!("{name} {dtype:?}"));
            }
        }
        let y = x.flip(0).eval().unwrap();
        let reference = arctan2(&x, &y).eval_with(Backend::Eval).unwrap();
        let fused = arctan2(&x, &y).eval_with(Backend::Jit).unwrap();
        assert_within(&fused, &reference, 2, &format!("arctan2 {dtype:?}"));
    }
}

#[test]
fn w2_fused_with_inline_functions() {
    for dtype in [DType::F32, DType::F64] {
        let [x, y, z] = [0.1, 0.2, 0.3].map(|p| {
            ((arange(0.0, 10_000.0, 1.0) * 0.001 + p).sin() * 3.0)
                .astype(dtype)
                .eval()
                .unwrap()
        });
        let w2 = || (-(&x * &x) / 2.0).exp() * y.sin() + z.abs().log1p();
        let fused = w2();
        assert_eq!(fused.fused_kernel_count(), 1, "{}", fused.explain_plan());
        let reference = w2().eval_with(Backend::Eval).unwrap();
        let fused = fused.eval_with(Backend::Jit).unwrap();
        // Three functions, each within 2 ULP, then a product and a sum: a few ULP in all.
        let f = fused.astype(DType::F64).to_vec::<f64>().unwrap();
        let r = reference.astype(DType::F64).to_vec::<f64>().unwrap();
        let eps = if dtype == DType::F32 {
            f32::EPSILON as f64
        } else {
            f64::EPSILON
        };
        for (a, b) in f.iter().zip(&r) {
            assert!((a - b).abs() <= 8.0 * eps * (b.abs() + 1.0), "{a} vs {b}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(200)))]

    /// A random exact chain (views, arithmetic) feeding one inline function.
    #[test]
    fn fused_chains_ending_in_an_inline_function(
        func in 0usize..17,
        f32 in any::<bool>(),
        scale in -3i8..4,
        flip in any::<bool>(),
        transpose in any::<bool>(),
        cols in 1usize..40,
    ) {
        let dtype = if f32 { DType::F32 } else { DType::F64 };
        let n = 3 * cols;
        let x = ((arange(0.0, n as f64, 1.0) * 0.7).sin() * 4.0)
            .astype(dtype)
            .reshape([3, cols as isize])
            .eval()
            .unwrap();
        let build = || {
            let mut v = &x * (scale as f64 / 2.0) + 0.25;
            if flip {
                v = v.flip(1);
            }
            if transpose {
                v = v.T();
            }
            apply(UNARY[func], &v)
        };
        let reference = build().eval_with(Backend::Eval).unwrap();
        let fused = build();
        prop_assert_eq!(fused.fused_kernel_count(), 1);
        let fused = fused.eval_with(Backend::Jit).unwrap();
        assert_within(&fused, &reference, 2, UNARY[func]);
    }
}
