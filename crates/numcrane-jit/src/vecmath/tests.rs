//! Accuracy tests of the inline transcendental functions against the evaluator's own.
//!
//! Each op is compiled four times, as a loop over an array applying the emitted code to `f64`,
//! `f64x2`, `f32` and `f32x4` values, and run over special values, dense sweeps (every 509th
//! `f32` bit pattern, random `f64` bit patterns) and random values across the interesting
//! ranges. The reference is `numcrane_graph::eval::scalar` (the platform libm): `f64` results
//! must be within 2 ULP of it, `f32` results within 1 ULP of the `f64` reference rounded to
//! `f32`, and special values of the same class (NaN, the same infinity, the same signed zero).

use super::kernel::Kernel;
use cranelift_codegen::ir::types;
use numcrane_graph::eval::scalar::Num;
use numcrane_graph::{BinaryOp, UnaryOp};

/// Distance in representable values, +0 and -0 being the same point.
fn ulp64(a: f64, b: f64) -> u64 {
    fn key(x: f64) -> i64 {
        let i = x.to_bits() as i64;
        if i < 0 {
            i64::MIN.wrapping_sub(i)
        } else {
            i
        }
    }
    key(a).abs_diff(key(b))
}

fn ulp32(a: f32, b: f32) -> u64 {
    fn key(x: f32) -> i64 {
        let i = x.to_bits() as i32;
        i64::from(if i < 0 { i32::MIN.wrapping_sub(i) } else { i })
    }
    key(a).abs_diff(key(b))
}

/// The error of `got` against `want` in ULP, or `None` when their classes differ.
fn error(got: f64, want: f64, ulp: fn(f64, f64) -> u64) -> Option<u64> {
    if want.is_nan() || got.is_nan() {
        return (want.is_nan() && got.is_nan()).then_some(0);
    }
    if want.is_infinite() || got.is_infinite() {
        return (want == got).then_some(0);
    }
    if want == 0.0 && got == 0.0 {
        return (want.to_bits() == got.to_bits()).then_some(0);
    }
    Some(ulp(got, want))
}

/// A small deterministic generator (xorshift64*).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn specials() -> Vec<f64> {
    let mut v = vec![
        0.0,
        1.0,
        0.5,
        2.0,
        3.0,
        10.0,
        100.0,
        1e-300,
        1e300,
        f64::INFINITY,
        f64::NAN,
        f64::MIN_POSITIVE,
        f64::MIN_POSITIVE / 2.0,
        f64::from_bits(1),
        f64::from_bits(0x000f_ffff_ffff_ffff),
        f64::MAX,
        f64::EPSILON,
        1e-17,
        1e-9,
        0.25,
        0.75,
        1.5,
        0.34657359027997264,
        1.0397207708399179,
        22.0,
        20.0,
        38.0,
        56.0 * std::f64::consts::LN_2,
        88.72283905206835,
        88.7,
        89.0,
        -87.336_544_750_553_1,
        -103.2789,
        -104.0,
        709.782712893384,
        709.7827128933841,
        709.79,
        710.4758600739439,
        710.48,
        711.0,
        708.3964185322641,
        745.1332191019411,
        745.14,
        744.44,
        1023.0,
        1023.9999,
        1024.0,
        1022.0,
        1021.5,
        1074.0,
        1074.5,
        1075.0,
        1076.0,
        126.0,
        127.99,
        128.0,
        149.0,
        149.5,
        150.0,
        0.9999999999999999,
        1.0000000000000002,
        TRIG_EDGE,
        TRIG_EDGE * 2.0,
        1e6,
        1e22,
        1e308,
        7.0 / 16.0,
        11.0 / 16.0,
        19.0 / 16.0,
        39.0 / 16.0,
        6.0e17,
        1.0e19,
    ];
    // Around multiples of pi/4 (trig quadrant boundaries) and their neighbours.
    for k in (0..64).chain([1000, 12345, 100_000, 333_000, 333_333, 666_000]) {
        let m = k as f64 * std::f64::consts::FRAC_PI_4;
        for d in [-2i64, -1, 0, 1, 2] {
            v.push(f64::from_bits((m.to_bits() as i64 + d) as u64));
        }
    }
    // Well-known hard cases for pi/2 reduction within the fast range.
    v.extend([
        6381956970095103.0 * 2f64.powi(-32),
        5706271580223013.0 * 2f64.powi(-33),
        355.0,
        103993.0,
        104348.0,
        208341.0,
        312689.0,
        833719.0,
    ]);
    let neg: Vec<f64> = v.iter().map(|x| -x).collect();
    v.extend(neg);
    // Near +-1 (log1p's pole, log's zero).
    for d in 1..40u64 {
        for s in [1.0f64, -1.0] {
            v.push(f64::from_bits(s.to_bits() + d));
            v.push(f64::from_bits(s.to_bits() - d));
        }
    }
    v
}

const TRIG_EDGE: f64 = 524288.0;

/// `f64` test inputs: specials, random bit patterns, random values at many scales.
fn inputs64() -> Vec<f64> {
    let mut v = specials();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for _ in 0..150_000 {
        v.push(f64::from_bits(rng.next()));
    }
    for s in [
        1e-5, 0.01, 0.3, 0.7, 1.0, 1.5, 2.0, 4.0, 10.0, 25.0, 40.0, 100.0, 750.0, 1100.0, 1e4, 5e5,
    ] {
        for _ in 0..15_000 {
            v.push((2.0 * rng.unit() - 1.0) * s);
        }
    }
    for _ in 0..30_000 {
        // log-uniform positive values over the whole exponent range
        let e = rng.unit() * 2098.0 - 1074.0;
        v.push(2f64.powf(e));
    }
    v
}

/// `f32` test inputs: every 509th bit pattern plus the `f64` inputs rounded.
fn inputs32() -> Vec<f32> {
    let mut v: Vec<f32> = (0..=u32::MAX).step_by(509).map(f32::from_bits).collect();
    v.extend(inputs64().iter().map(|&x| x as f32));
    for &x in &[f32::MIN_POSITIVE, f32::MAX, f32::EPSILON, f32::from_bits(1)] {
        v.extend([x, -x]);
    }
    // The float32 algorithms' thresholds and their neighbours: exp's overflow and underflow
    // (to the smallest normal, subnormal, zero), exp2's and expm1's, log's reduction
    // boundaries (sqrt(2)/2, sqrt(2)), log1p's pole, the end of sin's and cos's fast path,
    // where tanh rounds to 1.
    let edges: [u32; 22] = [
        0x42b1_7218, // 88.72284: exp overflows from here
        0x42b1_7217,
        0xc2ae_ac50, // -87.33654: exp near the smallest normal
        0xc2cf_f1b5, // -103.97208: exp near half the smallest subnormal
        0xc2ce_8ed0, // -103.27893: exp near the smallest subnormal
        0x4300_0000, // 128
        0xc2fc_0000, // -126
        0xc315_0000, // -149
        0xc315_8000, // -149.5
        0xc316_0000, // -150
        0x3f35_04f3, // sqrt(2)/2
        0x3fb5_04f3, // sqrt(2)
        0x3eb1_7218, // ln(2)/2
        0x3f31_7218, // ln(2)
        0x41dd_ce9e, // 27.73 = 40 ln 2: near where expm1 switches to exp's reconstruction
        0x418a_a123, // 17.33: expm1 near 2^25
        0x4110_2cb0, // 9.01: tanh rounds to 1
        0x4900_0000, // 2^19: sin/cos slow path beyond
        0x497f_ffff,
        0x3f80_0000, // 1
        0x4b80_0000, // 2^24: log1p's 1 + x
        0x437c_e5f1, // 252.898: the float32 nearest a multiple of pi/2 below 2^19
    ];
    for e in edges {
        for d in 0..=6u32 {
            for b in [e.wrapping_add(d), e.wrapping_sub(d)] {
                let x = f32::from_bits(b);
                v.extend([x, -x]);
            }
        }
    }
    v
}

/// Checks `op` in all four types; returns `[f64, f64x2, f32, f32x4]` max errors in ULP.
fn check(op: UnaryOp) -> [u64; 4] {
    let reference = <f64 as Num>::unary(op).expect("a float function");
    let mut worst = [0u64; 4];
    let x64 = inputs64();
    let want64: Vec<f64> = x64.iter().map(|&x| reference(x)).collect();
    for (slot, ty) in [(0, types::F64), (1, types::F64X2)] {
        let got = Kernel::new(op, ty).run(&x64);
        for ((&x, &g), &w) in x64.iter().zip(&got).zip(&want64) {
            match error(g, w, ulp64) {
                Some(e) if e <= 2 => worst[slot] = worst[slot].max(e),
                e => panic!(
                    "{op:?} {ty}: x = {x:e} ({:#x}) gives {g:e}, want {w:e} ({e:?} ULP)",
                    x.to_bits()
                ),
            }
        }
    }
    let x32 = inputs32();
    let want32: Vec<f32> = x32
        .iter()
        .map(|&x| reference(f64::from(x)) as f32)
        .collect();
    for (slot, ty) in [(2, types::F32), (3, types::F32X4)] {
        let got = Kernel::new(op, ty).run(&x32);
        for ((&x, &g), &w) in x32.iter().zip(&got).zip(&want32) {
            let e = error(f64::from(g), f64::from(w), |a, b| ulp32(a as f32, b as f32));
            match e {
                Some(e) if e <= 1 => worst[slot] = worst[slot].max(e),
                e => panic!(
                    "{op:?} {ty}: x = {x:e} ({:#x}) gives {g:e}, want {w:e} ({e:?} ULP)",
                    x.to_bits()
                ),
            }
        }
    }
    eprintln!(
        "vecmath {op:?}: max ULP f64 {} f64x2 {} f32 {} f32x4 {}",
        worst[0], worst[1], worst[2], worst[3]
    );
    worst
}

/// Checks binary `op` in all four types like [`check`]: pairs of specials, random bit
/// patterns, random values at many scales (each `x` with an independent `y`).
fn check_binary(op: BinaryOp) -> [u64; 4] {
    let reference = <f64 as Num>::binary(op).expect("a float function");
    let mut xs = Vec::new();
    let mut ys = Vec::new();
    let sp = specials();
    let few: Vec<f64> = sp.iter().copied().step_by(7).collect();
    for &a in &few {
        for &b in &few {
            xs.push(a);
            ys.push(b);
        }
    }
    let pool = inputs64();
    let mut rng = Rng(99);
    for _ in 0..50_000 {
        xs.push(20.0 * rng.unit() - 10.0);
        ys.push(20.0 * rng.unit() - 10.0);
    }
    // For pow: moderate bases and exponents, bases near 1 with large exponents, negative
    // bases with integer exponents, results near over- and underflow.
    for _ in 0..50_000 {
        xs.push(2f64.powf(20.0 * rng.unit() - 10.0));
        ys.push(200.0 * rng.unit() - 100.0);
        xs.push(1.0 + (2.0 * rng.unit() - 1.0) * 2f64.powf(-60.0 * rng.unit()));
        ys.push((2.0 * rng.unit() - 1.0) * 2f64.powf(60.0 * rng.unit()));
        xs.push(-(10.0 * rng.unit()));
        ys.push((80.0 * rng.unit() - 40.0).round());
        let b = 1.0 + 10.0 * rng.unit();
        xs.push(b);
        let sign = if rng.next() & 1 == 0 { 1.0 } else { -1.0 };
        ys.push(sign * (700.0 + 50.0 * rng.unit()) / b.ln());
    }
    for i in -40..40 {
        for j in -40..40 {
            xs.push(f64::from(i));
            ys.push(f64::from(j));
        }
    }
    for &a in &pool {
        xs.push(a);
        ys.push(pool[(rng.next() % pool.len() as u64) as usize]);
    }
    let want: Vec<f64> = xs.iter().zip(&ys).map(|(&a, &b)| reference(a, b)).collect();
    let mut worst = [0u64; 4];
    for (slot, ty) in [(0, types::F64), (1, types::F64X2)] {
        let got = Kernel::new_binary(op, ty).run2(&xs, &ys);
        for (i, (&g, &w)) in got.iter().zip(&want).enumerate() {
            match error(g, w, ulp64) {
                Some(e) if e <= 2 => worst[slot] = worst[slot].max(e),
                e => panic!(
                    "{op:?} {ty}: ({:e}, {:e}) gives {g:e}, want {w:e} ({e:?} ULP)",
                    xs[i], ys[i]
                ),
            }
        }
    }
    let x32: Vec<f32> = xs.iter().map(|&v| v as f32).collect();
    let y32: Vec<f32> = ys.iter().map(|&v| v as f32).collect();
    let want32: Vec<f32> = x32
        .iter()
        .zip(&y32)
        .map(|(&a, &b)| reference(f64::from(a), f64::from(b)) as f32)
        .collect();
    for (slot, ty) in [(2, types::F32), (3, types::F32X4)] {
        let got = Kernel::new_binary(op, ty).run2(&x32, &y32);
        for (i, (&g, &w)) in got.iter().zip(&want32).enumerate() {
            let e = error(f64::from(g), f64::from(w), |a, b| ulp32(a as f32, b as f32));
            match e {
                Some(e) if e <= 1 => worst[slot] = worst[slot].max(e),
                e => panic!(
                    "{op:?} {ty}: ({:e}, {:e}) gives {g:e}, want {w:e} ({e:?} ULP)",
                    x32[i], y32[i]
                ),
            }
        }
    }
    eprintln!(
        "vecmath {op:?}: max ULP f64 {} f64x2 {} f32 {} f32x4 {}",
        worst[0], worst[1], worst[2], worst[3]
    );
    worst
}

#[test]
fn arctan2() {
    check_binary(BinaryOp::Arctan2);
}

#[test]
fn pow() {
    check_binary(BinaryOp::Pow);
}

#[test]
fn hypot() {
    check_binary(BinaryOp::Hypot);
}

macro_rules! accuracy_tests {
    ($($name:ident: $op:ident,)*) => {
        $(
            #[test]
            fn $name() {
                check(UnaryOp::$op);
                // Where the host has FMA, the version for hosts without it too.
                if super::fma_op(UnaryOp::$op) && super::host_fma() {
                    super::without_fma(|| check(UnaryOp::$op));
                }
            }
        )*
    };
}

accuracy_tests! {
    exp: Exp,
    exp2: Exp2,
    expm1: Expm1,
    log: Log,
    log2: Log2,
    log10: Log10,
    log1p: Log1p,
    tanh: Tanh,
    sin: Sin,
    cos: Cos,
    sinh: Sinh,
    cosh: Cosh,
    arctan: Arctan,
    tan: Tan,
    arcsin: Arcsin,
    arccos: Arccos,
    cbrt: Cbrt,
    arcsinh: Arcsinh,
    arccosh: Arccosh,
    arctanh: Arctanh,
}

#[test]
fn unsupported_is_declined() {
    use super::supports_binary;
    use numcrane_graph::DType::{F32, F64, I32};
    assert!(!super::supports_unary(UnaryOp::Sqrt, F64));
    assert!(!super::supports_unary(UnaryOp::Exp, I32));
    assert!(super::supports_unary(UnaryOp::Exp, F32));
    assert!(supports_binary(BinaryOp::Pow, F32));
    assert!(!supports_binary(BinaryOp::Pow, I32));
    assert!(!supports_binary(BinaryOp::Hypot, F64));
    assert!(!supports_binary(BinaryOp::Logaddexp, F64));
}
