//! Inline, branch-free Cranelift IR for transcendental functions, for scalars and vectors alike.
//!
//! Today every transcendental op is a call per element into the evaluator's own libm function
//! (`callout`), which also rules out the vector loop for any kernel containing one. This module
//! emits the functions instead as straight-line IR that is generic over the Cranelift type of
//! the value: `F64`, `F64X2`, `F32` or `F32X4`. The same emitter serves the scalar and the vector
//! loop: constants are splatted when the type is a vector, lane choices are `select` (scalar) or
//! `bitselect` on an `fcmp` mask (vector), and float <-> integer reinterpretation is a
//! little-endian `bitcast`.
//!
//! # Accuracy contract
//! - `f64`: within 2 ULP of Rust's `std` (the platform libm, which the evaluator calls);
//! - `f32`: within 1 ULP of the correctly rounded result;
//! - special values (NaN, infinities, signed zeros, subnormal inputs and results, overflow,
//!   domain errors) of the same class as libm's.
//!
//! # How
//! The `f64` functions, and the `f32` functions without an algorithm of their own, are
//! computed in `f64`: `f32` values are promoted (a vector of four `f32` is split into two
//! `f64x2` halves), run through the `f64` algorithm, and rounded back. An `f64` result good
//! to about 1 ULP of `f64` rounds to within 1 ULP of the correctly rounded `f32` (usually to
//! it), and the `f32` overflow and subnormal thresholds come out of the final rounding. This
//! costs the `f32` vector loop half its lanes.
//!
//! ## float32 algorithms
//! The hot functions have `f32` algorithms of their own ([`native_f32`]); all but `sin`,
//! `cos` and `tanh` use no `f64` arithmetic at all, four lanes per vector (scalar `F32` runs
//! the same code):
//! - `exp`: Cody-Waite `x = n ln2 + r` with `ln2` in a 15-bit high part (so `n ln2_hi` and
//!   `x - n ln2_hi` are exact) and a low part; `e^r = 1 + (r + r^2 P(r))`, `P` of degree 4;
//!   `2^n` applied as two normal powers of two so that subnormal results are rounded once
//!   and overflow happens where it should.
//!   That full version is the cold path: while every lane has `|x| <= 86.5` (results normal
//!   and finite) no clamp is needed and `2^n` is an integer add to the exponent field.
//!   `exp2`: `n = round(x)`, `r ln2` as the exact product of `r` cut to 12 bits with `ln2`
//!   cut to 12 bits plus a small rest, then as exp with `e^r = 1 + (r + (r^2 P(r) + e))`,
//!   `e` the rounding error of `r` (Fast2Sum). `expm1`: reduced as exp, with
//!   `2^n - 1 + 2^n (e^r - 1)` summed in double-float (Fast2Sum) and rounded once.
//! - `log`, `log1p`, `log2`, `log10`: the schemes of FreeBSD's `e_logf.c`, `s_log1pf.c`,
//!   `e_log2f.c`, `e_log10f.c` made branch-free: `x = 2^k (1 + f)`, `1 + f` in
//!   [sqrt(2)/2, sqrt(2)) by integer operations on the bit pattern (subnormals scaled by
//!   2^23 first), `s = f / (2 + f)`, `log(1 + f) = f - (f^2/2 - s (f^2/2 + R(s^2)))` with
//!   FreeBSD's four `Lg` coefficients; `log1p` adds the rounding error of `1 + x` as
//!   `c / (1 + x)` (`c` by Fast2Sum of `max(x, 1) + min(x, 1)`; its special values in a
//!   cold block, taken when any lane is `<= -1`, `+inf` or NaN); `log2`/`log10` split
//!   `f - f^2/2` at 12 bits so its product with the (split) constant is exact.
//! - `sin` ([`sin32`]) runs in `f64` lanes, one rounding to `f32` at the end: `n = round(x/pi)`,
//!   `r = x - n pi` with pi in two parts (`n pi_hi` and the subtraction exact), then
//!   `(-1)^n (r + r^3 S(r^2))`, `S` a minimax polynomial of degree 3 for `|r| <= pi/2`
//!   (relative error 2^-27.3); the slow path beyond 2^19.
//! - `cos`: `n = round(x 2/pi)` and the small polynomial terms in `f32` lanes, but
//!   `r = x - n pi/2` and the final sums `r + r^3 S` and `(1 - r^2/2) + r^4 C` in `f64`
//!   ([`sin_cos_32`]): the pi/2 reduction needs more precision than `f32` arithmetic gives
//!   cheaply (the `f32` nearest a multiple of pi/2 below 2^19, 252.898, is 2^-27.8 from
//!   it); one rounding to `f32` at the end; the slow path beyond 2^19.
//! - `tanh` runs in `f64` lanes with polynomials of `f32` accuracy ([`Em::tanh_f32`]):
//!   `m / (m + 2)`, `m = e^2|x| - 1`, as `f32`'s `1 - 2 / (e^2x + 1)` would cancel.
//!
//! Exhaustive check (every one of the 2^32 `f32` inputs through the `f32x4` code, against
//! Rust's `f64` function rounded to `f32`: `examples/vecmath_exhaustive.rs`), as maximum
//! error and number of results that are not that rounded reference:
//!
//! | function | max error | not correctly rounded |
//! |----------|-----------|-----------------------|
//! | `exp`    | 1 ULP     | 18 198 777 (0.42%)    |
//! | `exp2`   | 1 ULP     | 18 123 334 (0.42%)    |
//! | `expm1`  | 1 ULP     | 8 100 381 (0.19%)     |
//! | `log`    | 1 ULP     | 13 452 237 (0.31%)    |
//! | `log2`   | 1 ULP     | 11 476 491 (0.27%)    |
//! | `log10`  | 1 ULP     | 12 313 145 (0.29%)    |
//! | `log1p`  | 1 ULP     | 16 519 324 (0.38%)    |
//! | `sin`    | 1 ULP     | 18 452 000 (0.43%)    |
//! | `cos`    | 1 ULP     | 13 361 778 (0.31%)    |
//! | `tanh`   | 1 ULP     | 2 366 (0.00006%)      |
//!
//! and no result of the wrong class (NaN, infinity, signed zero) anywhere. The scalar `F32`
//! code (the same operations, `select` for `bitselect`) is checked by the tests, on every
//! 509th bit pattern, the thresholds and the special values; exhaustively (`--scalar`) for
//! `exp`, `log` and `sin`, with the same counts as above.
//!
//! The `f64` algorithms are mostly the classic ones of Sun's fdlibm (as documented in its
//! sources, in Muller's "Elementary Functions" and in Tang's papers), rewritten branch-free:
//! Cody-Waite argument reduction with constants split so the large products are exact, then a
//! minimax polynomial or rational kernel, then reconstruction. Every branch of the original
//! becomes a computed alternative chosen by a lane mask. Departures, each to stay within the
//! contract where fdlibm's version would not: `tanh` below 0.625 uses Cephes' rational form and
//! above it a double-double `e^2x + 1`; `sinh`/`cosh` use Taylor series below 1 and a
//! double-double `e^x` above; the pi/2 reduction keeps every round's rounding error; `cbrt` is
//! Bruce Evans' FreeBSD scheme; `pow` follows fdlibm's e_pow.c with a tail polynomial fitted
//! for this module; `arcsinh`/`arccosh`/`arctanh` reproduce the evaluator's formulas (Rust's
//! `std` ones, not libm calls, and `ln(2|x|)` for huge arguments). Coefficients are the
//! published fdlibm/Cephes/FreeBSD minimax ones (checked against mpmath) or fitted with
//! mpmath (the `f32` polynomials for `exp`, `sin`, `cos` and `tanh` were fitted for this
//! module: Chebyshev fits with mpmath, `sin`'s by iteratively reweighted least squares
//! against mpmath, coefficients rounded to the working precision, the resulting errors noted
//! at each); the split constants
//! (`LN2_HI`/`LN2_LO`, the three-part pi/2, ...) were computed with mpmath at 300 bits; all are
//! given as exact bit patterns. Integer work avoids float <-> int conversions, which x86 lacks
//! for 64-bit lanes before AVX-512: `n = round(v)` is `(v + 1.5 * 2^52) - 1.5 * 2^52`, whose bit
//! pattern also holds `n` in its low bits, and `2^n` is built by shifting `n + 1023` into the
//! exponent field.
//!
//! # Fused multiply-add
//! Where the host has FMA ([`host_fma`]: FMA3 and AVX on x86-64, always on aarch64; decided
//! when the code is emitted, the same CPUID bits from which cranelift-native enables
//! `has_fma`), `exp`, `log1p`, `sin` and `cos` ([`fma_op`]) use fused multiply-adds inside
//! their own algorithms (never for the user's `a*b + c`: NumPy's rounding rule is about that):
//! Horner steps, `x*c + MAGIC` roundings, and reductions whose first step `x - n C`, with `C`
//! the constant to the full working precision, is exact in one `fma` (argued at each). The
//! versions differ:
//! - `f64` `exp` ([`Em::exp_fma`]): no division: `e^r = 1 + (hi + (r^2 P(r) - lo))`, `P` of
//!   degree 9, and the same cold-block scheme as `f32` `exp` (`|x| <= 708` on the common
//!   path, `2^n` an integer add to the exponent field);
//! - `f64` `log1p` ([`Em::log1p_fma`]): `f32` `log1p`'s common path and cold block;
//! - `f64` `sin`/`cos`: [`Em::rem_pio2_fma`] (two parts of pi/2 and a Fast2Sum instead of
//!   three rounds) and [`Em::ksin_kcos_fma`];
//! - `f32` `exp`, `log1p`, `sin`: the same algorithms with the products fused into their sums
//!   (`sin`'s reduction `x - n PI` exact in one `fma`, and `r (1 + z S)` for `r + r^3 S`).
//!
//! Elsewhere, and on hosts without FMA, each product is rounded, then each sum, as the
//! algorithms' error analyses assume; the tests check both versions of these functions, and
//! `examples/vecmath_exhaustive.rs --no-fma` the `f32` one. The table above holds for both
//! (with FMA, `exp` has 17 369 287 results not correctly rounded, `log1p` 16 515 724, `sin`
//! the same count).
//!
//! The branches: `sin`, `cos` and `tan` reduce by pi/2 in three parts, exact while
//! `|x| <= 2^19`; a value (or any lane of a vector) beyond that takes a rare, cold slow path that
//! recomputes every lane by calling the evaluator's own `f64` function (`callout`), one lane at
//! a time (`f32` `sin` and `cos`: the same, per `f64x2` half, with the result rounded). `f32`
//! `exp` takes a cold block with its full branch-free code when any lane has `|x| > 86.5` or
//! is NaN, `f32` `log1p` when any lane is `<= -1`, `+inf` or NaN (with FMA, `f64` `exp` and
//! `log1p` too). A cold block computes from scratch, with constants the optimizer cannot
//! merge with the common path's ([`Em::cold_unless`]): shared values would live across the
//! branch and, with 16 vector registers, be spilled on every iteration of the common path.
//!
//! Measured against mpmath on 20 000 random arguments each (the tests measure against `std`),
//! the `f64` functions err by at most 0.62 (`log10`) to 0.90 (`arccos`) ULP, `pow` 0.81, except
//! `arctan2` (1.26 ULP: the quotient `y/x` is rounded once) and `arcsinh`/`arccosh`/`arctanh`,
//! which are as accurate as the evaluator's formulas for them.
//!
//! This module knows nothing of kernels or loops: the code generator hands it a value and its
//! type and gets back the result value.

use crate::callout;
use cranelift_codegen::ir::condcodes::FloatCC;
use cranelift_codegen::ir::{
    types, AbiParam, BlockArg, ConstantData, Endianness, InstBuilder, MemFlagsData, Signature,
    Type, Value,
};
use cranelift_frontend::FunctionBuilder;
use numcrane_graph::{BinaryOp, DType, UnaryOp};

/// Whether [`emit_unary`] computes `op` on `dt` inline.
pub(crate) fn supports_unary(op: UnaryOp, dt: DType) -> bool {
    matches!(dt, DType::F32 | DType::F64) && supported(op)
}

/// Whether [`emit_binary`] computes `op` on `dt` inline.
pub(crate) fn supports_binary(op: BinaryOp, dt: DType) -> bool {
    matches!(dt, DType::F32 | DType::F64) && binary_supported(op)
}

/// Whether the host has fused multiply-add instructions that Cranelift emits for `fma`:
/// on x86-64, FMA3 and AVX (cranelift-native turns on `has_fma` and `has_avx` from the same
/// CPUID bits, and the x64 backend needs both; without them `fma` would become a libcall);
/// always on aarch64. [`without_fma`] turns it off for the current thread.
pub(crate) fn host_fma() -> bool {
    if NO_FMA.with(std::cell::Cell::get) {
        return false;
    }
    #[cfg(target_arch = "x86_64")]
    {
        static HAS: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
        *HAS.get_or_init(|| {
            std::is_x86_feature_detected!("fma") && std::is_x86_feature_detected!("avx")
        })
    }
    #[cfg(target_arch = "aarch64")]
    {
        true
    }
    #[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
    {
        false
    }
}

thread_local! {
    static NO_FMA: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// `f()` with code emitted on this thread as for a host without fused multiply-add (the
/// tests and the exhaustive check use it to cover both versions of each algorithm).
#[allow(dead_code)]
pub(crate) fn without_fma<R>(f: impl FnOnce() -> R) -> R {
    let old = NO_FMA.with(|c| c.replace(true));
    let r = f();
    NO_FMA.with(|c| c.set(old));
    r
}

/// Binary ops [`emit_binary`] (and so the code generator) computes inline.
fn binary_supported(op: BinaryOp) -> bool {
    matches!(op, BinaryOp::Arctan2 | BinaryOp::Pow)
}

/// Binary ops implemented and tested here. `Hypot` (nearly correctly rounded, within 1 ULP of
/// glibc's) is not advertised yet: turning it on changes generated code, and the JIT's exact
/// differential tests (`tests/random_kernels.rs`) still list it among bit-identical ops.
/// Not `Logaddexp` at all: the evaluator's `x + log1p(exp(-d))` cancels when `x < 0 <` the
/// log1p term, turning libm's last-bit choices into many ULP that only bit-identical `exp`
/// and `log1p` could reproduce.
fn binary_implemented(op: BinaryOp) -> bool {
    binary_supported(op) || op == BinaryOp::Hypot
}

fn supported(op: UnaryOp) -> bool {
    use UnaryOp::*;
    matches!(
        op,
        Exp | Exp2
            | Expm1
            | Log
            | Log2
            | Log10
            | Log1p
            | Tanh
            | Sin
            | Cos
            | Tan
            | Sinh
            | Cosh
            | Arctan
            | Arcsin
            | Arccos
            | Cbrt
            | Arcsinh
            | Arccosh
            | Arctanh
    )
}

/// Emits `op(x)` at the builder's current position, where `ty` is the type of `x`: `F32`, `F64`,
/// `F32X4` or `F64X2`. Returns `None`, emitting nothing, when `op` or `ty` is not supported.
///
/// The result has type `ty`. `Sin`, `Cos`, `Tan` and `f32` `Exp` and `Log1p` may end the
/// current block (their slow path for huge or special arguments is a branch): the builder is
/// left positioned in a new, sealed block where the caller continues. The slow path calls with the calling convention of the function being
/// built, so that function must use the host's default convention (every numcrane kernel does).
pub(crate) fn emit_unary(
    b: &mut FunctionBuilder,
    op: UnaryOp,
    ty: Type,
    x: Value,
) -> Option<Value> {
    if !supported(op) {
        return None;
    }
    // float32 functions with an algorithm of their own; the others are computed in f64.
    let f32_native = matches!(ty, types::F32 | types::F32X4) && native_f32(op);
    let f32_via_f64 = |op, em: &mut Em, x| match op {
        UnaryOp::Tanh => em.tanh_f32(x),
        _ => em.unary(op, x),
    };
    let fma = fma_op(op);
    match ty {
        types::F64 | types::F64X2 => Some(Em::new(b, ty).fused(fma).unary(op, x)),
        _ if f32_native && op == UnaryOp::Sin => {
            let r = sin32(b, ty, x, fma);
            Some(Em::new(b, ty).f32_slow_path(op, x, r))
        }
        _ if f32_native && op == UnaryOp::Cos => {
            let r = sin_cos_32(b, ty, x, true);
            Some(Em::new(b, ty).f32_slow_path(op, x, r))
        }
        _ if f32_native && !via_f64(op) => Some(Em::new(b, ty).fused(fma).unary32(op, x)),
        types::F32 => {
            let wide = b.ins().fpromote(types::F64, x);
            let r = f32_via_f64(op, &mut Em::new(b, types::F64), wide);
            let r = b.ins().fdemote(types::F32, r);
            Some(if f32_native {
                Em::new(b, ty).f32_slow_path(op, x, r)
            } else {
                r
            })
        }
        types::F32X4 => {
            let (low, high) = split_f32x4(b, x);
            let rl = f32_via_f64(op, &mut Em::new(b, types::F64X2), low);
            let rh = f32_via_f64(op, &mut Em::new(b, types::F64X2), high);
            let r = join_f32x4(b, rl, rh);
            Some(if f32_native {
                Em::new(b, ty).f32_slow_path(op, x, r)
            } else {
                r
            })
        }
        _ => None,
    }
}

/// Unary ops whose algorithms (`f64` and `f32`) use fused multiply-adds where the host has
/// them ([`host_fma`]); the others keep their plain version everywhere.
fn fma_op(op: UnaryOp) -> bool {
    matches!(
        op,
        UnaryOp::Exp | UnaryOp::Log1p | UnaryOp::Sin | UnaryOp::Cos
    )
}

/// Unary ops with a float32 algorithm of their own (rather than the f64 one rounded).
fn native_f32(op: UnaryOp) -> bool {
    use UnaryOp::*;
    matches!(
        op,
        Exp | Exp2 | Expm1 | Log | Log2 | Log10 | Log1p | Sin | Cos | Tanh
    )
}

/// Of [`native_f32`]'s ops, those whose float32 algorithm runs in f64 lanes (tanh's
/// `1 - 2 / (e^2|x| + 1)` cancels) or partly so (sin: [`sin32`]; cos: [`sin_cos_32`]).
fn via_f64(op: UnaryOp) -> bool {
    matches!(op, UnaryOp::Sin | UnaryOp::Cos | UnaryOp::Tanh)
}

/// An `F32` or `F32X4` value as its `F64` or `F64X2` pieces, widened exactly.
fn widen32(b: &mut FunctionBuilder, ty: Type, x: Value) -> Vec<Value> {
    if ty.is_vector() {
        let (l, h) = split_f32x4(b, x);
        vec![l, h]
    } else {
        vec![b.ins().fpromote(types::F64, x)]
    }
}

/// The inverse of [`widen32`], each lane rounded to f32.
fn narrow64(b: &mut FunctionBuilder, parts: &[Value]) -> Value {
    match parts {
        [l, h] => join_f32x4(b, *l, *h),
        [x] => b.ins().fdemote(types::F32, *x),
        _ => unreachable!("one or two pieces"),
    }
}

/// sin of float32 `x` (`F32` or `F32X4`) in f64 lanes throughout, rounded once: `n = round(x/pi)`,
/// `r = (x - n P1) - n P2` (`P1` = pi to 33 bits, so `n P1` and the subtraction are exact,
/// `P2` the f64 rest: `r` within 2^-41 |r| of `x - n pi`, as the f32 nearest a multiple of
/// pi below 2^19 is at least 2^-27.8 from it), then `(-1)^n (r + r^3 S(r^2))` with `S` of
/// [`SIN32_PI`] (relative error 2^-27.3 for `|r| <= pi/2`). One
/// polynomial instead of [`sin_cos_32`]'s two and a quadrant choice, no f32 <-> f64 traffic
/// but the argument and the result. Beyond 2^19 the result is garbage: the caller adds
/// [`Em::f32_slow_path`].
///
/// With fused multiply-adds (`fma` and [`host_fma`]): `r = (x - n PI) - n PI_T`, the first
/// step one exact `fma` (`PI` is pi to 53 bits, `x - n PI` a multiple of 2^-51 below 2), and
/// `r (1 + z S(z))`, `z = r^2`, which keeps the sign of `x = -0`.
fn sin32(b: &mut FunctionBuilder, ty: Type, x: Value, fma: bool) -> Value {
    let wide = if ty.is_vector() {
        types::F64X2
    } else {
        types::F64
    };
    let xs = widen32(b, ty, x);
    let mut outs = Vec::new();
    if Em::new(b, wide).fused(fma).fma {
        for &xh in &xs {
            let mut e = Em::new(b, wide).fused(true);
            let magic = e.c(MAGIC);
            let t = e.mlak(xh, INV_PI_64, magic);
            let n = e.addc(t, -MAGIC);
            let r = e.mlak(n, -PI, xh);
            let r = e.mlak(n, -PI_T, r);
            let z = e.mul(r, r);
            let p = e.poly(z, &SIN32_PI);
            let w = e.mlac(z, p, 1.0);
            let res = e.mul(r, w);
            // (-1)^n: n's parity is the low bit of `t`'s bits.
            let nb = e.bits(t);
            let one = e.ci(1);
            let odd = e.b.ins().band(nb, one);
            let flip = e.b.ins().ishl_imm_u(odd, 63);
            let rb = e.bits(res);
            let rb = e.b.ins().bxor(rb, flip);
            outs.push(e.float(rb));
        }
        return narrow64(b, &outs);
    }
    for &xh in &xs {
        let mut e = Em::new(b, wide);
        let v = e.mulc(xh, INV_PI_64);
        let (n, nb) = e.round_int(v);
        let np1 = e.mulc(n, PI32_1);
        let t = e.sub(xh, np1);
        let np2 = e.mulc(n, PI32_2);
        let r = e.sub(t, np2);
        let z = e.mul(r, r);
        let p = e.poly(z, &SIN32_PI);
        let rz = e.mul(r, z);
        let q = e.mul(rz, p);
        let res = e.add(r, q);
        // (-1)^n: n's parity is the low bit of `nb`.
        let one = e.ci(1);
        let odd = e.b.ins().band(nb, one);
        let flip = e.b.ins().ishl_imm_u(odd, 63);
        let rb = e.bits(res);
        let rb = e.b.ins().bxor(rb, flip);
        outs.push(e.float(rb));
    }
    let res = narrow64(b, &outs);
    let mut e = Em::new(b, ty);
    // sin(-0) = -0.
    let zero = e.cmpc(FloatCC::Equal, x, 0.0);
    e.sel(zero, x, res)
}

/// sin or cos of float32 `x` (`F32` or `F32X4`), f64 used only where f32 falls short:
/// `n = round(x 2/pi)` in f32 (not always the nearest integer: |r| <= 0.87 below 2^19);
/// `r = (x - n P1) - n P2` in f64 (`P1` of 33 bits, so `n P1` is exact and the subtraction
/// exact by Sterbenz; error below 2^-52 |r| + 2^-80, while the f32 nearest a multiple of
/// pi/2 below 2^19 is 2^-27.8 from it); the small terms `r^3 S(r^2)` and `r^4 C(r^2)` in f32
/// from `r` rounded to f32; the sums `r + ...` and `(1 - r^2/2) + ...` in f64, rounded once
/// to f32; then the quadrant picks one and its sign. Beyond 2^19 the result is garbage: the
/// caller adds [`Em::f32_slow_path`].
fn sin_cos_32(b: &mut FunctionBuilder, ty: Type, x: Value, cos: bool) -> Value {
    let wide = if ty.is_vector() {
        types::F64X2
    } else {
        types::F64
    };
    let (n, nb) = {
        let mut e = Em::new(b, ty);
        let v = e.mulc(x, INV_PIO2_32);
        e.round32(v)
    };
    let xs = widen32(b, ty, x);
    let ns = widen32(b, ty, n);
    let mut rs = Vec::new();
    let mut leads = Vec::new();
    for (&xh, &nh) in xs.iter().zip(&ns) {
        let mut e = Em::new(b, wide);
        let np1 = e.mulc(nh, PIO2_1);
        let t = e.sub(xh, np1);
        let np2 = e.mulc(nh, PIO2_2);
        let r = e.sub(t, np2);
        let z = e.mul(r, r);
        let hz = e.mulc(z, 0.5);
        leads.push(e.rsubc(1.0, hz));
        rs.push(r);
    }
    let r32 = narrow64(b, &rs);
    let (cs, cc) = {
        let mut e = Em::new(b, ty);
        let z = e.mul(r32, r32);
        let sp = e.poly(z, &SIN32_S);
        let rz = e.mul(r32, z);
        let cs = e.mul(rz, sp);
        let cp = e.poly(z, &COS32_C);
        let zz = e.mul(z, z);
        let cc = e.mul(zz, cp);
        (cs, cc)
    };
    let css = widen32(b, ty, cs);
    let ccs = widen32(b, ty, cc);
    let mut sins = Vec::new();
    let mut coss = Vec::new();
    for i in 0..rs.len() {
        sins.push(b.ins().fadd(rs[i], css[i]));
        coss.push(b.ins().fadd(leads[i], ccs[i]));
    }
    let ks = narrow64(b, &sins);
    let kc = narrow64(b, &coss);
    let mut e = Em::new(b, ty);
    // cos(x) = sin(x + pi/2): one more quadrant.
    let q = if cos {
        let one = e.ci(1);
        e.b.ins().iadd(nb, one)
    } else {
        nb
    };
    let one = e.ci(1);
    let odd = e.b.ins().band(q, one);
    let swap = e.b.ins().ineg(odd);
    let ksb = e.bits(ks);
    let kcb = e.bits(kc);
    let pick = e.b.ins().bitselect(swap, kcb, ksb);
    let two = e.ci(2);
    let neg = e.b.ins().band(q, two);
    let neg = e.b.ins().ishl_imm_u(neg, 30);
    let res = e.b.ins().bxor(pick, neg);
    let res = e.float(res);
    if cos {
        res
    } else {
        // sin(-0) = -0.
        let zero = e.cmpc(FloatCC::Equal, x, 0.0);
        e.sel(zero, x, res)
    }
}

/// Emits `op(x, y)` at the builder's current position, like [`emit_unary`]; `x` and `y`
/// both have type `ty`. Supported: `Arctan2` (`x` is the numerator, as in NumPy's
/// `arctan2(x1, x2)`) and float `Pow` (`x` to the power `y`).
pub(crate) fn emit_binary(
    b: &mut FunctionBuilder,
    op: BinaryOp,
    ty: Type,
    x: Value,
    y: Value,
) -> Option<Value> {
    if !binary_supported(op) {
        return None;
    }
    emit_binary_any(b, op, ty, x, y)
}

/// [`emit_binary`] for every binary op this module implements, advertised or not.
pub(crate) fn emit_binary_any(
    b: &mut FunctionBuilder,
    op: BinaryOp,
    ty: Type,
    x: Value,
    y: Value,
) -> Option<Value> {
    if !binary_implemented(op) {
        return None;
    }
    match ty {
        types::F64 | types::F64X2 => Some(Em::new(b, ty).binary(op, x, y)),
        types::F32 => {
            let wx = b.ins().fpromote(types::F64, x);
            let wy = b.ins().fpromote(types::F64, y);
            let r = Em::new(b, types::F64).binary(op, wx, wy);
            Some(b.ins().fdemote(types::F32, r))
        }
        types::F32X4 => {
            let (xl, xh) = split_f32x4(b, x);
            let (yl, yh) = split_f32x4(b, y);
            let rl = Em::new(b, types::F64X2).binary(op, xl, yl);
            let rh = Em::new(b, types::F64X2).binary(op, xh, yh);
            Some(join_f32x4(b, rl, rh))
        }
        _ => None,
    }
}

/// An `f32x4` as two `f64x2`: lanes 0-1 and lanes 2-3, widened (exactly).
fn split_f32x4(b: &mut FunctionBuilder, x: Value) -> (Value, Value) {
    let little = MemFlagsData::new().with_endianness(Endianness::Little);
    let low = b.ins().fvpromote_low(x);
    // Lanes 2 and 3 moved down to 0 and 1, then promoted.
    let bytes = b.ins().bitcast(types::I8X16, little, x);
    let mask = shuffle_mask(b, |i| 8 + i % 8);
    let moved = b.ins().shuffle(bytes, bytes, mask);
    let moved = b.ins().bitcast(types::F32X4, little, moved);
    let high = b.ins().fvpromote_low(moved);
    (low, high)
}

/// The inverse of [`split_f32x4`], each lane rounded to `f32`.
fn join_f32x4(b: &mut FunctionBuilder, low: Value, high: Value) -> Value {
    let little = MemFlagsData::new().with_endianness(Endianness::Little);
    // `fvdemote` fills lanes 0 and 1 and zeroes 2 and 3: keep the low 8 bytes of each.
    let dl = b.ins().fvdemote(low);
    let dh = b.ins().fvdemote(high);
    let dl = b.ins().bitcast(types::I8X16, little, dl);
    let dh = b.ins().bitcast(types::I8X16, little, dh);
    let mask = shuffle_mask(b, |i| if i < 8 { i } else { 8 + i });
    let joined = b.ins().shuffle(dl, dh, mask);
    b.ins().bitcast(types::F32X4, little, joined)
}

fn shuffle_mask(
    b: &mut FunctionBuilder,
    lane: impl Fn(u8) -> u8,
) -> cranelift_codegen::ir::Immediate {
    let bytes: Vec<u8> = (0..16).map(lane).collect();
    b.func.dfg.immediates.push(ConstantData::from(bytes))
}

// ---------------------------------------------------------------------------------------------
// Constants. Split constants: `*_HI` has enough trailing zero bits that its product with any
// reduction multiple `n` met here is exact; `*_LO` is the rest, rounded to 53 bits.

/// 1.5 * 2^52: adding and subtracting it rounds a float of magnitude < 2^51 to an integer.
const MAGIC: f64 = 6755399441055744.0;

const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000); // ln 2, 32 significant bits
const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);
const INV_LN2: f64 = f64::from_bits(0x3ff7_1547_652b_82fe);
const LN2: f64 = f64::from_bits(0x3fe6_2e42_fefa_39ef);
const LN2_H26: f64 = f64::from_bits(0x3fe6_2e42_f800_0000); // ln 2, 26 significant bits
const LN2_L26: f64 = f64::from_bits(0x3e4b_e8e7_bcd5_e4f2);
const IVLN2_HI: f64 = f64::from_bits(0x3ff7_1547_0000_0000); // 1/ln 2, 21 significant bits
const IVLN2_LO: f64 = f64::from_bits(0x3e99_4ae0_bf85_ddf4);
const IVLN10_HI: f64 = f64::from_bits(0x3fdb_cb7b_0000_0000); // 1/ln 10, 21 significant bits
const IVLN10_LO: f64 = f64::from_bits(0x3e55_26e5_0e32_a6ab);
const LOG10_2_HI: f64 = f64::from_bits(0x3fd3_4413_0000_0000); // log10(2), 21 significant bits
const LOG10_2_LO: f64 = f64::from_bits(0x3e74_27de_7fbc_c47c);
const INV_PIO2: f64 = f64::from_bits(0x3fe4_5f30_6dc9_c883);
// pi/2 = PIO2_1 + PIO2_2 + PIO2_3 + PIO2_3T, the first three of 33 significant bits each
// (products with |n| < 2^20 exact).
const PIO2_1: f64 = f64::from_bits(0x3ff9_21fb_5440_0000);
const PIO2_2: f64 = f64::from_bits(0x3dd0_b461_1a60_0000);
const PIO2_3: f64 = f64::from_bits(0x3ba3_198a_2e00_0000);
const PIO2_3T: f64 = f64::from_bits(0x397b_839a_2520_49c1);
/// pi/2 - PIO2_HI - PIO2_LO, rounded.
const PIO2_T2: f64 = f64::from_bits(0xb91f_1976_b7ed_8fbc);
/// From this |x| on the evaluator's arcsinh and arccosh are `ln(2|x|)` (as `ln|x| + ln 2`).
const ASYMPTOTIC: f64 = 268435456.0; // 2^28
/// Above this `|x|`, `n * PIO2_k` is no longer exact: `sin`/`cos` take the slow path.
const TRIG_FAST_MAX: f64 = 524288.0; // 2^19

/// exp: R(z) ~ r (e^r + 1) / (e^r - 1) = 2 + P1 z + ... + P5 z^5 on |r| <= ln2/2 (fdlibm).
const EXP_P: [f64; 5] = [
    f64::from_bits(0x3fc5_5555_5555_553e), // 1.66666666666666019037e-01
    f64::from_bits(0xbf66_c16c_16be_bd93), // -2.77777777770155933842e-03
    f64::from_bits(0x3f11_566a_af25_de2c), // 6.61375632143793436117e-05
    f64::from_bits(0xbebb_bd41_c5d2_6bf1), // -1.65339022054652515390e-06
    f64::from_bits(0x3e66_3769_72be_a4d0), // 4.13813679705723846039e-08
];
/// exp with fused multiply-adds: P(r) ~ (e^r - 1 - r) / r^2 on |r| <= 0.3466, degree 9
/// (Chebyshev fit made with mpmath; relative error of P 2^-51.9, of `1 + r + r^2 P` as e^r
/// 2^-55.8, with the coefficients rounded to f64).
const EXP64_P: [f64; 10] = [
    f64::from_bits(0x3fe0_0000_0000_0001), // 5.00000000000000111e-01
    f64::from_bits(0x3fc5_5555_5555_5556), // 1.66666666666666685e-01
    f64::from_bits(0x3fa5_5555_5555_3d64), // 4.16666666666241359e-02
    f64::from_bits(0x3f81_1111_1111_09b4), // 8.33333333333006326e-03
    f64::from_bits(0x3f56_c16c_1788_b646), // 1.38888889172096705e-03
    f64::from_bits(0x3f2a_01a0_1a7c_3d59), // 1.98412698630505061e-04
    f64::from_bits(0x3efa_019b_90ee_fe8e), // 2.48015213022410817e-05
    f64::from_bits(0x3ec7_1de0_daf7_a6cc), // 2.75572684648316275e-06
    f64::from_bits(0x3e92_8918_3468_6c7e), // 2.76200854550184136e-07
    f64::from_bits(0x3e5a_f38a_71a1_8cb9), // 2.51003831958670213e-08
];
/// ln 2 rounded to f64, and the rest (rounded).
const LN2_T: f64 = f64::from_bits(0x3c7a_bc9e_3b39_803f);
/// pi's rest after [`PI`] (rounded).
const PI_T: f64 = f64::from_bits(0x3ca1_a626_3314_5c07);
/// expm1: R1(hxs) ~ (6/r)((e^r + 1)/(e^r - 1) - 2/r), hxs = r^2/2, |r| <= ln2/2 (fdlibm).
const EXPM1_Q: [f64; 5] = [
    f64::from_bits(0xbfa1_1111_1111_10f4), // -3.33333333333331316428e-02
    f64::from_bits(0x3f5a_01a0_19fe_5585), // 1.58730158725481460165e-03
    f64::from_bits(0xbf14_ce19_9eaa_dbb7), // -7.93650757867487942473e-05
    f64::from_bits(0x3ed0_cfca_86e6_5239), // 4.00821782732936239552e-06
    f64::from_bits(0xbe8a_fdb7_6e09_c32d), // -2.01099218183624371326e-07
];
/// log: R(s^2) ~ (log((1+s)/(1-s)) - 2s)/s on 0 <= s <= 0.1716 (fdlibm Lg1..Lg7).
const LOG_LG: [f64; 7] = [
    f64::from_bits(0x3fe5_5555_5555_5593), // 6.666666666666735130e-01
    f64::from_bits(0x3fd9_9999_9997_fa04), // 3.999999999940941908e-01
    f64::from_bits(0x3fd2_4924_9422_9359), // 2.857142874366239149e-01
    f64::from_bits(0x3fcc_71c5_1d8e_78af), // 2.222219843214978396e-01
    f64::from_bits(0x3fc7_4664_96cb_03de), // 1.818357216161805012e-01
    f64::from_bits(0x3fc3_9a09_d078_c69f), // 1.531383769920937332e-01
    f64::from_bits(0x3fc2_f112_df3e_5244), // 1.479819860511658591e-01
];
/// sin on |x| <= pi/4: x + S1 x^3 + ... + S6 x^13 (fdlibm __kernel_sin).
const SIN_S: [f64; 6] = [
    f64::from_bits(0xbfc5_5555_5555_5549), // -1.66666666666666324348e-01
    f64::from_bits(0x3f81_1111_1110_f8a6), // 8.33333333332248946124e-03
    f64::from_bits(0xbf2a_01a0_19c1_61d5), // -1.98412698298579493134e-04
    f64::from_bits(0x3ec7_1de3_57b1_fe7d), // 2.75573137070700676789e-06
    f64::from_bits(0xbe5a_e5e6_8a2b_9ceb), // -2.50507602534068634195e-08
    f64::from_bits(0x3de5_d93a_5acf_d57c), // 1.58969099521155010221e-10
];
/// cos on |x| <= pi/4: 1 - x^2/2 + C1 x^4 + ... + C6 x^14 (fdlibm __kernel_cos).
const COS_C: [f64; 6] = [
    f64::from_bits(0x3fa5_5555_5555_554c), // 4.16666666666666019037e-02
    f64::from_bits(0xbf56_c16c_16c1_5177), // -1.38888888888741095749e-03
    f64::from_bits(0x3efa_01a0_19cb_1590), // 2.48015872894767294178e-05
    f64::from_bits(0xbe92_7e4f_809c_52ad), // -2.75573143513906633035e-07
    f64::from_bits(0x3e21_ee9e_bdb4_b1c4), // 2.08757232129817482790e-09
    f64::from_bits(0xbda8_fae9_be88_38d4), // -1.13596475577881948265e-11
];
/// atan on |x| <= 7/16: x - x (aT0 z + aT1 z^2 + ... + aT10 z^11), z = x^2 (fdlibm s_atan).
const ATAN_T: [f64; 11] = [
    f64::from_bits(0x3fd5_5555_5555_550d), // 3.33333333333329318027e-01
    f64::from_bits(0xbfc9_9999_9998_ebc4), // -1.99999999998764832476e-01
    f64::from_bits(0x3fc2_4924_9200_83ff), // 1.42857142725034663711e-01
    f64::from_bits(0xbfbc_71c6_fe23_1671), // -1.11111104054623557880e-01
    f64::from_bits(0x3fb7_45cd_c54c_206e), // 9.09088713343650656196e-02
    f64::from_bits(0xbfb3_b0f2_af74_9a6d), // -7.69187620504482999495e-02
    f64::from_bits(0x3fb1_0d66_a0d0_3d51), // 6.66107313738753120669e-02
    f64::from_bits(0xbfad_de2d_52de_fd9a), // -5.83357013379057348645e-02
    f64::from_bits(0x3fa9_7b4b_2476_0deb), // 4.97687799461593236017e-02
    f64::from_bits(0xbfa2_b444_2c6a_6c2f), // -3.65315727442169155270e-02
    f64::from_bits(0x3f90_ad3a_e322_da11), // 1.62858201153657823623e-02
];
/// tan on |x| <= 0.6744: x + T0 x^3 + ... + T12 x^27 (fdlibm __kernel_tan).
const TAN_T: [f64; 13] = [
    f64::from_bits(0x3fd5_5555_5555_5563), // 3.33333333333334091986e-01
    f64::from_bits(0x3fc1_1111_1110_fe7a), // 1.33333333333201242699e-01
    f64::from_bits(0x3fab_a1ba_1bb3_41fe), // 5.39682539762260521377e-02
    f64::from_bits(0x3f96_64f4_8406_d637), // 2.18694882948595424599e-02
    f64::from_bits(0x3f82_26e3_e96e_8493), // 8.86323982359930005737e-03
    f64::from_bits(0x3f6d_6d22_c956_0328), // 3.59207910759131235356e-03
    f64::from_bits(0x3f57_dbc8_fee0_8315), // 1.45620945432529025516e-03
    f64::from_bits(0x3f43_44d8_f2f2_6501), // 5.88041240820264096874e-04
    f64::from_bits(0x3f30_26f7_1a8d_1068), // 2.46463134818469906812e-04
    f64::from_bits(0x3f14_7e88_a037_92a6), // 7.81794442939557092300e-05
    f64::from_bits(0x3f12_b80f_32f0_a7e9), // 7.14072491382608190305e-05
    f64::from_bits(0xbef3_75cb_db60_5373), // -1.85586374855275456654e-05
    f64::from_bits(0x3efb_2a70_74bf_7ad4), // 2.59073051863633712884e-05
];
/// asin's rational R(t) = t P(t) / (1 + t Q(t)) on 0 <= t <= 1/4 (fdlibm pS0..pS5, qS1..qS4).
const ASIN_P: [f64; 6] = [
    f64::from_bits(0x3fc5_5555_5555_5555), // 1.66666666666666657415e-01
    f64::from_bits(0xbfd4_d612_03eb_6f7d), // -3.25565818622400915405e-01
    f64::from_bits(0x3fc9_c155_0e88_4455), // 2.01212532134862925881e-01
    f64::from_bits(0xbfa4_8228_b568_8f3b), // -4.00555345006794114027e-02
    f64::from_bits(0x3f49_efe0_7501_b288), // 7.91534994289814532176e-04
    f64::from_bits(0x3f02_3de1_0dfd_f709), // 3.47933107596021167570e-05
];
const ASIN_Q: [f64; 4] = [
    f64::from_bits(0xc003_3a27_1c8a_2d4b), // -2.40339491173441421878e+00
    f64::from_bits(0x4000_2ae5_9c59_8ac8), // 2.02094576023350569471e+00
    f64::from_bits(0xbfe6_066c_1b8d_0159), // -6.88283971605453293030e-01
    f64::from_bits(0x3fb3_b8c5_b12e_9282), // 7.70381505559019352791e-02
];
const PIO2_HI: f64 = f64::from_bits(0x3ff9_21fb_5444_2d18);
const PIO2_LO: f64 = f64::from_bits(0x3c91_a626_3314_5c07);
const PI: f64 = f64::from_bits(0x4009_21fb_5444_2d18);
/// cbrt's polynomial correction of the initial guess (FreeBSD s_cbrt.c P0..P4).
const CBRT_P: [f64; 5] = [
    f64::from_bits(0x3ffe_03e6_0f61_e692), // 1.87595182427177009643
    f64::from_bits(0xbffe_28e0_92f0_2420), // -1.88497979543377169875
    f64::from_bits(0x3ff9_f160_4a49_d6c2), // 1.621429720105354466140
    f64::from_bits(0xbfe8_44cb_bee7_51d9), // -0.758397934778766047437
    f64::from_bits(0x3fc2_b000_d4e4_edd7), // 0.145996192886612446982
];
/// pow: r = s^4 L(s^2) ~ 3 (s^4/5 + s^6/7 + ...) on s^2 <= 0.0295 (least-squares fit with
/// mpmath, weighted for absolute error in r).
const POW_L: [f64; 8] = [
    f64::from_bits(0x3fe3_3333_3333_3330), // 0.5999999999999996
    f64::from_bits(0x3fdb_6db6_db6d_c900), // 0.4285714285716864
    f64::from_bits(0x3fd5_5555_5541_7948), // 0.3333333332610846
    f64::from_bits(0x3fd1_745d_2295_3373), // 0.27272728326061396
    f64::from_bits(0x3fcd_89d1_2658_804e), // 0.23076834080075276
    f64::from_bits(0x3fc9_9b14_98b6_d3b0), // 0.2000451799082419
    f64::from_bits(0x3fc6_6a28_1590_c045), // 0.1751146416950197
    f64::from_bits(0x3fc7_06bb_5165_d4f1), // 0.17989293550969124
];
/// 2/3 = TWO3_H (21 significant bits) + TWO3_L.
const TWO3_H: f64 = f64::from_bits(0x3fe5_5555_0000_0000);
const TWO3_L: f64 = f64::from_bits(0x3e85_5555_5555_5555);
const PIO4_HI: f64 = f64::from_bits(0x3fe9_21fb_5444_2d18);
const PIO4_LO: f64 = f64::from_bits(0x3c81_a626_3314_5c07);

/// atan(0.5), atan(1), atan(1.5), atan(inf) as high + low parts.
const ATAN_HI: [f64; 4] = [
    f64::from_bits(0x3fdd_ac67_0561_bb4f),
    f64::from_bits(0x3fe9_21fb_5444_2d18),
    f64::from_bits(0x3fef_730b_d281_f69b),
    f64::from_bits(0x3ff9_21fb_5444_2d18),
];
const ATAN_LO: [f64; 4] = [
    f64::from_bits(0x3c7a_2b7f_222f_65e2),
    f64::from_bits(0x3c81_a626_3314_5c07),
    f64::from_bits(0x3c70_0788_7af0_cbbd),
    f64::from_bits(0x3c91_a626_3314_5c07),
];

/// tanh on |x| < 0.625: numerator P(z) and monic denominator Q(z) of Cephes' `tanh.c`
/// (constant term first).
const TANH_P: [f64; 3] = [
    f64::from_bits(0xc099_3ac0_3058_0563), // -1.61468768441708447952e+03
    f64::from_bits(0xc058_d26a_0e26_682d), // -9.92877231001918586564e+01
    f64::from_bits(0xbfee_dc5b_aafd_6f4b), // -9.64399179425052238628e-01
];
const TANH_Q: [f64; 3] = [
    f64::from_bits(0x40b2_ec10_2442_040c), // 4.84406305325125486048e+03
    f64::from_bits(0x40a1_76fa_0e55_35fa), // 2.23548839060100448583e+03
    f64::from_bits(0x405c_33f2_8a58_1b86), // 1.12811678491632931402e+02
];

/// `1 / n!`, rounded once more than `n!` (exact up to 18!) for the tail terms: harmless.
const fn inv_factorial(n: u32) -> f64 {
    let mut f = 1.0;
    let mut i = 2;
    while i <= n {
        f *= i as f64;
        i += 1;
    }
    1.0 / f
}

/// sinh(x) = x + x z (1/3! + z/5! + ... + z^9/21!), z = x^2.
const SINH_TAYLOR: [f64; 10] = {
    let mut c = [0.0; 10];
    let mut k = 0;
    while k < 10 {
        c[k] = inv_factorial(2 * k as u32 + 3);
        k += 1;
    }
    c
};

/// cosh(x) = 1 + z (1/2! + z/4! + ... + z^10/22!), z = x^2.
const COSH_TAYLOR: [f64; 11] = {
    let mut c = [0.0; 11];
    let mut k = 0;
    while k < 11 {
        c[k] = inv_factorial(2 * k as u32 + 2);
        k += 1;
    }
    c
};

const SIGN_BIT: i64 = i64::MIN;

// ---------------------------------------------------------------------------------------------

/// The emitter: a builder plus the `f64` value type it works in (`F64` or `F64X2`) and the
/// matching integer type for bit manipulation.
struct Em<'a, 'f> {
    b: &'a mut FunctionBuilder<'f>,
    ty: Type,
    ity: Type,
    /// Whether the algorithms may use fused multiply-adds ([`Em::fused`]).
    fma: bool,
    /// Whether code goes to a cold block ([`Em::cold_unless`]): constants are then built
    /// in a way the optimizer does not merge with the common path's.
    cold: bool,
}

impl<'a, 'f> Em<'a, 'f> {
    fn new(b: &'a mut FunctionBuilder<'f>, ty: Type) -> Self {
        let ity = match ty {
            types::F64X2 => types::I64X2,
            types::F32X4 => types::I32X4,
            types::F32 => types::I32,
            _ => types::I64,
        };
        Em {
            b,
            ty,
            ity,
            fma: false,
            cold: false,
        }
    }

    /// This emitter, allowed to use fused multiply-adds when the host has them
    /// ([`host_fma`]).
    fn fused(mut self, on: bool) -> Self {
        self.fma = on && host_fma();
        self
    }

    /// Whether the lanes are `f32`.
    fn is32(&self) -> bool {
        self.ty.lane_type() == types::F32
    }

    fn binary(&mut self, op: BinaryOp, x: Value, y: Value) -> Value {
        match op {
            BinaryOp::Arctan2 => self.atan2(x, y),
            BinaryOp::Pow => self.pow(x, y),
            BinaryOp::Hypot => self.hypot(x, y),
            _ => unreachable!("binary_implemented lists {op:?} without an emitter"),
        }
    }

    fn unary(&mut self, op: UnaryOp, x: Value) -> Value {
        use UnaryOp::*;
        match op {
            Exp => self.exp(x),
            Exp2 => self.exp2(x),
            Expm1 => self.expm1(x),
            Log => self.log(x),
            Log2 => self.log2_10(x, false),
            Log10 => self.log2_10(x, true),
            Log1p => self.log1p(x),
            Tanh => self.tanh(x),
            Sin => self.sin_cos(x, false),
            Cos => self.sin_cos(x, true),
            Sinh => self.sinh_cosh(x, false),
            Cosh => self.sinh_cosh(x, true),
            Arctan => self.atan(x),
            Tan => self.tan(x),
            Arcsin => self.asin(x),
            Arccos => self.acos(x),
            Cbrt => self.cbrt(x),
            Arcsinh => self.asinh(x),
            Arccosh => self.acosh(x),
            Arctanh => self.atanh(x),
            _ => unreachable!("vecmath::supported lists {op:?} without an emitter"),
        }
    }

    // --- small helpers --------------------------------------------------------------------

    /// The constant `v` in every lane (rounded to `f32` for `f32` lanes).
    fn c(&mut self, v: f64) -> Value {
        if self.cold {
            // The bits as an integer constant, reinterpreted: the common path's constants are
            // float constants, which the optimizer does not identify with these.
            let bits = if self.is32() {
                i64::from((v as f32).to_bits())
            } else {
                v.to_bits() as i64
            };
            let i = self.ci_plain(bits);
            return self.float(i);
        }
        let s = if self.is32() {
            self.b.ins().f32const(v as f32)
        } else {
            self.b.ins().f64const(v)
        };
        if self.ty.is_vector() {
            self.b.ins().splat(self.ty, s)
        } else {
            s
        }
    }

    /// The integer `v` in every lane of the integer type (truncated to 32 bits for `f32`).
    fn ci(&mut self, v: i64) -> Value {
        if self.cold {
            // The integer's bits as a float constant, reinterpreted (see `c`).
            let f = if self.is32() {
                let s = self.b.ins().f32const(f32::from_bits(v as u32));
                if self.ty.is_vector() {
                    self.b.ins().splat(self.ty, s)
                } else {
                    s
                }
            } else {
                let s = self.b.ins().f64const(f64::from_bits(v as u64));
                if self.ty.is_vector() {
                    self.b.ins().splat(self.ty, s)
                } else {
                    s
                }
            };
            return self.bits(f);
        }
        self.ci_plain(v)
    }

    fn ci_plain(&mut self, v: i64) -> Value {
        let s = if self.is32() {
            self.b.ins().iconst(types::I32, i64::from(v as u32))
        } else {
            self.b.ins().iconst(types::I64, v)
        };
        if self.ity.is_vector() {
            self.b.ins().splat(self.ity, s)
        } else {
            s
        }
    }

    fn add(&mut self, a: Value, b: Value) -> Value {
        self.b.ins().fadd(a, b)
    }
    fn sub(&mut self, a: Value, b: Value) -> Value {
        self.b.ins().fsub(a, b)
    }
    fn mul(&mut self, a: Value, b: Value) -> Value {
        self.b.ins().fmul(a, b)
    }
    fn div(&mut self, a: Value, b: Value) -> Value {
        self.b.ins().fdiv(a, b)
    }
    fn addc(&mut self, a: Value, k: f64) -> Value {
        let k = self.c(k);
        self.add(a, k)
    }
    fn mulc(&mut self, a: Value, k: f64) -> Value {
        let k = self.c(k);
        self.mul(a, k)
    }
    /// `k - a`
    fn rsubc(&mut self, k: f64, a: Value) -> Value {
        let k = self.c(k);
        self.sub(k, a)
    }

    fn bits(&mut self, v: Value) -> Value {
        let little = MemFlagsData::new().with_endianness(Endianness::Little);
        self.b.ins().bitcast(self.ity, little, v)
    }
    fn float(&mut self, v: Value) -> Value {
        let little = MemFlagsData::new().with_endianness(Endianness::Little);
        self.b.ins().bitcast(self.ty, little, v)
    }

    /// Lane mask (scalar: 0/1 byte) of `a cc b`.
    fn cmp(&mut self, cc: FloatCC, a: Value, b: Value) -> Value {
        self.b.ins().fcmp(cc, a, b)
    }
    fn cmpc(&mut self, cc: FloatCC, a: Value, k: f64) -> Value {
        let k = self.c(k);
        self.cmp(cc, a, k)
    }

    /// `mask ? a : other`, `mask` from [`Em::cmp`].
    fn sel(&mut self, mask: Value, a: Value, other: Value) -> Value {
        if self.ty.is_vector() {
            let m = self.float(mask);
            self.b.ins().bitselect(m, a, other)
        } else {
            self.b.ins().select(mask, a, other)
        }
    }
    fn selc(&mut self, mask: Value, a: f64, other: Value) -> Value {
        let a = self.c(a);
        self.sel(mask, a, other)
    }

    /// `mask ? a : other` for an integer all-ones/all-zeros mask per lane (scalars too), as
    /// made by integer arithmetic rather than `fcmp`.
    fn bitsel(&mut self, mask: Value, a: Value, other: Value) -> Value {
        let ab = self.bits(a);
        let ob = self.bits(other);
        let r = self.b.ins().bitselect(mask, ab, ob);
        self.float(r)
    }

    /// Either of two masks.
    fn or(&mut self, a: Value, b: Value) -> Value {
        self.b.ins().bor(a, b)
    }

    /// `a` with its sign bit replaced by `s`'s.
    fn copysign(&mut self, a: Value, s: Value) -> Value {
        let ab = self.bits(a);
        let sb = self.bits(s);
        let sign = self.ci(SIGN_BIT);
        let keep = self.ci(!SIGN_BIT);
        let sb = self.b.ins().band(sb, sign);
        let ab = self.b.ins().band(ab, keep);
        let r = self.b.ins().bor(ab, sb);
        self.float(r)
    }

    /// `a` with the low `n` bits of its significand cleared.
    fn clear_low_bits(&mut self, a: Value, n: u32) -> Value {
        let ab = self.bits(a);
        let m = self.ci(-1i64 << n);
        let r = self.b.ins().band(ab, m);
        self.float(r)
    }

    /// Horner: `c[0] + z (c[1] + z (... + z c[last]))`.
    fn poly(&mut self, z: Value, c: &[f64]) -> Value {
        let (last, rest) = c.split_last().expect("a polynomial has coefficients");
        let mut acc = self.c(*last);
        for &k in rest.iter().rev() {
            acc = self.mlac(z, acc, k);
        }
        acc
    }

    /// `c[0] + c[1] r + ... `, `z = r^2`, by pairs: `(c[0] + c[1] r) + z ((c[2] + c[3] r) +
    /// z (...))` (half Horner's dependency chain; the same operation count).
    fn poly_estrin(&mut self, r: Value, z: Value, c: &[f64]) -> Value {
        let mut pairs = Vec::new();
        for ch in c.chunks(2) {
            pairs.push(match ch {
                [a, b] => {
                    let bv = self.c(*b);
                    self.mlac(r, bv, *a)
                }
                [a] => self.c(*a),
                _ => unreachable!("chunks of two"),
            });
        }
        let mut acc = pairs.pop().expect("a polynomial has coefficients");
        while let Some(p) = pairs.pop() {
            acc = self.mla(z, acc, p);
        }
        acc
    }

    /// `a b + c`: one fused multiply-add when the emitter may use them, else the product
    /// rounded, then the sum.
    fn mla(&mut self, a: Value, b: Value, c: Value) -> Value {
        if self.fma {
            self.b.ins().fma(a, b, c)
        } else {
            let t = self.mul(a, b);
            self.add(t, c)
        }
    }
    fn mlac(&mut self, a: Value, b: Value, k: f64) -> Value {
        let k = self.c(k);
        self.mla(a, b, k)
    }
    /// `a k + c` for a constant `k`.
    fn mlak(&mut self, a: Value, k: f64, c: Value) -> Value {
        let k = self.c(k);
        self.mla(a, k, c)
    }

    /// `(n, bits)`: `v` rounded to the nearest integer `n` (ties to even), valid for
    /// `|v| < 2^51`, and an integer whose low bits are those of `n` in two's complement.
    fn round_int(&mut self, v: Value) -> (Value, Value) {
        let t = self.addc(v, MAGIC);
        let n = self.addc(t, -MAGIC);
        let bits = self.bits(t);
        (n, bits)
    }

    /// `2^k` for an integer-valued `k` in [-1022, 1023].
    fn pow2(&mut self, k: Value) -> Value {
        let (_, kb) = self.round_int(k);
        // bits(k + MAGIC) = bits(MAGIC) + k, and bits(MAGIC) has 12 zero low bits, which the
        // shift below pushes out: what remains is (k + 1023) in the exponent field.
        let bias = self.ci(1023);
        let e = self.b.ins().iadd(kb, bias);
        let e = self.b.ins().ishl_imm_u(e, 52);
        self.float(e)
    }

    /// `y * 2^n` for an integer-valued `n` in [-1160, 1160] and `y` near 1, rounded once:
    /// two factors keep each power of two normal, and the first product is exact.
    fn scale(&mut self, y: Value, n: Value) -> Value {
        let half = self.mulc(n, 0.5);
        let (n1, _) = self.round_int(half);
        let n2 = self.sub(n, n1);
        let p1 = self.pow2(n1);
        let p2 = self.pow2(n2);
        let y = self.mul(y, p1);
        self.mul(y, p2)
    }

    /// Clamps `x` into `[lo, hi]`; NaN stays NaN.
    fn clamp(&mut self, x: Value, lo: f64, hi: f64) -> Value {
        let over = self.cmpc(FloatCC::GreaterThan, x, hi);
        let x = self.selc(over, hi, x);
        let under = self.cmpc(FloatCC::LessThan, x, lo);
        self.selc(under, lo, x)
    }

    // --- exp family ---------------------------------------------------------------------

    /// fdlibm's exp kernel: `t` with `e^(hi - lo) = 1 - t`, for `|hi - lo| <= ~0.35`, `lo`
    /// small, from the rational form `1 + 2r / (2 - c)` rearranged so the leading 1 is added
    /// last. `-t` itself is accurate to about an ulp of `t`, which callers needing more than
    /// `1 - t` rounded use.
    fn exp_kernel(&mut self, hi: Value, lo: Value) -> Value {
        let r = self.sub(hi, lo);
        let z = self.mul(r, r);
        let p = self.poly(z, &EXP_P);
        let zp = self.mul(z, p);
        let c = self.sub(r, zp);
        let rc = self.mul(r, c);
        let d = self.rsubc(2.0, c);
        let q = self.div(rc, d);
        let a = self.sub(lo, q);
        self.sub(a, hi)
    }

    /// [`Em::exp_parts`] with `t` as a double-double `(t_hi, t_lo)`: the kernel's last
    /// subtraction `(lo - q) - hi` is followed by its exact rounding error (Fast2Sum, valid as
    /// `|hi| >= |lo - q|` wherever the error is not negligible anyway).
    fn exp_parts_dd(&mut self, x: Value) -> (Value, Value, Value) {
        let x = self.clamp(x, -800.0, 800.0);
        let v = self.mulc(x, INV_LN2);
        let (n, _) = self.round_int(v);
        let nh = self.mulc(n, LN2_HI);
        let hi = self.sub(x, nh);
        let lo = self.mulc(n, LN2_LO);
        let r = self.sub(hi, lo);
        let z = self.mul(r, r);
        let p = self.poly(z, &EXP_P);
        let zp = self.mul(z, p);
        let c = self.sub(r, zp);
        let rc = self.mul(r, c);
        let d = self.rsubc(2.0, c);
        let q = self.div(rc, d);
        let a = self.sub(lo, q);
        let t_hi = self.sub(a, hi);
        let back = self.add(t_hi, hi);
        let t_lo = self.sub(a, back);
        (t_hi, t_lo, n)
    }

    /// `(t, n)` with `e^x = (1 - t) 2^n`, `x` clamped to +-800 first (far past over- and
    /// underflow). Cody-Waite: `n = round(x / ln2)`, `r = (x - n LN2_HI) - n LN2_LO`, the
    /// product exact (|n| < 2^11) and the subtraction exact by Sterbenz's lemma.
    fn exp_parts(&mut self, x: Value) -> (Value, Value, Value) {
        let x = self.clamp(x, -800.0, 800.0);
        let v = self.mulc(x, INV_LN2);
        let (n, nb) = self.round_int(v);
        let nh = self.mulc(n, LN2_HI);
        let hi = self.sub(x, nh);
        let lo = self.mulc(n, LN2_LO);
        (self.exp_kernel(hi, lo), n, nb)
    }

    fn exp(&mut self, x: Value) -> Value {
        if self.fma {
            return self.exp_fma(x);
        }
        let (t, _, nb) = self.exp_parts(x);
        let y = self.rsubc(1.0, t);
        self.scale_bits(y, nb)
    }

    /// exp with fused multiply-adds: `n = round(x / ln2)`, `hi = x - n LN2` in one exact
    /// `fma` (`LN2` is ln 2 to 53 bits: `hi` is a multiple of 2^-54 below 1/2), `lo = n
    /// LN2_T` (the rest of ln 2), then `e^r = 1 + (hi + (r^2 P(r) - lo))` with `r = hi - lo`
    /// and `P` of [`EXP64_P`] (no division). While every lane has `|x| <= 708` (results normal
    /// and finite) `2^n` is an integer add to the exponent field; a cold block serves other
    /// vectors: `x` clamped, and `2^n` applied as two powers of two ([`Em::scale_bits`]).
    fn exp_fma(&mut self, x: Value) -> Value {
        let fast = self.exp_fma_core(x, false);
        let ax = self.b.ins().fabs(x);
        let out = self.cmpc(FloatCC::UnorderedOrGreaterThan, ax, 708.0);
        self.cold_unless(out, fast, x, |em, x| em.exp_fma_core(x, true))
    }

    /// The two versions of [`Em::exp_fma`]: `full` for any `x`, else for `|x| <= 708`.
    fn exp_fma_core(&mut self, x: Value, full: bool) -> Value {
        let x = if full {
            self.clamp(x, -800.0, 800.0)
        } else {
            x
        };
        let magic = self.c(MAGIC);
        let t = self.mlak(x, INV_LN2, magic);
        let n = self.addc(t, -MAGIC);
        let nb = self.bits(t);
        let hi = self.mlak(n, -LN2, x);
        let nlo = self.mulc(n, -LN2_T);
        let r = self.add(hi, nlo);
        let z = self.mul(r, r);
        let p = self.poly_estrin(r, z, &EXP64_P);
        let w = self.mla(z, p, nlo);
        let w = self.add(hi, w);
        let y = self.addc(w, 1.0);
        if full {
            return self.scale_bits(y, nb);
        }
        // bits(MAGIC + n) << 52 = n << 52: MAGIC's low 12 bits are zero.
        let sh = self.b.ins().ishl_imm_u(nb, 52);
        let yb = self.bits(y);
        let rb = self.b.ins().iadd(yb, sh);
        self.float(rb)
    }

    /// [`Em::scale`] with `n` given as the bits of [`Em::round_int`] (`|n| <= 2048`), in
    /// integer operations: `n1 = floor(n / 2)`, `n2 = n - n1`, the powers of two built in
    /// the exponent field (a logical shift: x86 has no 64-bit arithmetic one before AVX-512).
    fn scale_bits(&mut self, y: Value, nb: Value) -> Value {
        let magic = self.ci(MAGIC.to_bits() as i64 - 4096);
        let h = self.b.ins().isub(nb, magic); // n + 4096
        let h = self.b.ins().ushr_imm_u(h, 1); // floor(n / 2) + 2048
        let bias1 = self.ci(1023 - 2048);
        let e1 = self.b.ins().iadd(h, bias1);
        let e1 = self.b.ins().ishl_imm_u(e1, 52);
        // n2 + 1023 = (n + 1023 + 2048) - (floor(n / 2) + 2048)
        let magic2 = self.ci(MAGIC.to_bits() as i64 - 1023 - 2048);
        let e2 = self.b.ins().isub(nb, magic2);
        let e2 = self.b.ins().isub(e2, h);
        let e2 = self.b.ins().ishl_imm_u(e2, 52);
        let p1 = self.float(e1);
        let p2 = self.float(e2);
        let y = self.mul(y, p1);
        self.mul(y, p2)
    }

    /// `2^x = 2^n e^(r ln2)`, `n = round(x)`, `r = x - n` exact. `r ln2` is formed as an
    /// unevaluated sum (Dekker's split of `r` and `ln2` into 26-bit halves) so it adds no error.
    fn exp2(&mut self, x: Value) -> Value {
        let x = self.clamp(x, -1100.0, 1100.0);
        let (n, nb) = self.round_int(x);
        let r = self.sub(x, n);
        let rh = self.clear_low_bits(r, 27);
        let rl = self.sub(r, rh);
        let hi = self.mulc(rh, LN2_H26);
        let a = self.mulc(rh, LN2_L26);
        let b = self.mulc(rl, LN2);
        let lo = self.add(a, b);
        let zero = self.c(0.0);
        let lo = self.sub(zero, lo);
        let t = self.exp_kernel(hi, lo);
        let y = self.rsubc(1.0, t);
        self.scale_bits(y, nb)
    }

    /// fdlibm's expm1 with its branches on `n` turned into selected alternatives: reduce as
    /// exp does (keeping the reduction's rounding error `c`), evaluate expm1 on the reduced
    /// argument with the rational kernel, then rebuild `2^n (1 + e) - 1` in the order that is
    /// exact for the range of `n`.
    fn expm1(&mut self, x0: Value) -> Value {
        let x = self.clamp(x0, -60.0, 720.0);
        let v = self.mulc(x, INV_LN2);
        let (n, _) = self.round_int(v);
        let nh = self.mulc(n, LN2_HI);
        let hi = self.sub(x, nh);
        let lo = self.mulc(n, LN2_LO);
        let r = self.sub(hi, lo);
        let hr = self.sub(hi, r);
        let c = self.sub(hr, lo);

        let hfx = self.mulc(r, 0.5);
        let hxs = self.mul(r, hfx);
        let q = self.poly(hxs, &EXPM1_Q);
        let q = self.mul(hxs, q);
        let r1 = self.addc(q, 1.0);
        let t = self.mul(r1, hfx);
        let t = self.rsubc(3.0, t);
        let num = self.sub(r1, t);
        let rt = self.mul(r, t);
        let den = self.rsubc(6.0, rt);
        let e = self.div(num, den);
        let e = self.mul(hxs, e);

        // n == 0: r - (r e - hxs)
        let re = self.mul(r, e);
        let re = self.sub(re, hxs);
        let v0 = self.sub(r, re);
        // e2 = (r (e - c) - c) - hxs
        let ec = self.sub(e, c);
        let e2 = self.mul(r, ec);
        let e2 = self.sub(e2, c);
        let e2 = self.sub(e2, hxs);
        let re2 = self.sub(r, e2);
        // n == -1: (r - e2)/2 - 1/2
        let vm1 = self.mulc(re2, 0.5);
        let vm1 = self.addc(vm1, -0.5);
        // n == 1: r < -1/4 ? -2 (e2 - (r + 1/2)) : 1 + 2 (r - e2)
        let rh = self.addc(r, 0.5);
        let a = self.sub(e2, rh);
        let a = self.mulc(a, -2.0);
        let bb = self.mulc(re2, 2.0);
        let bb = self.addc(bb, 1.0);
        let small = self.cmpc(FloatCC::LessThan, r, -0.25);
        let v1 = self.sel(small, a, bb);
        // n <= -2 or n > 56: (1 - (e2 - r)) 2^n - 1
        let er = self.sub(e2, r);
        let y = self.rsubc(1.0, er);
        let y = self.scale(y, n);
        let vbig = self.addc(y, -1.0);
        // 2 <= n < 20: ((1 - 2^-n) - (e2 - r)) 2^n
        let mn = self.mulc(n, -1.0);
        let tpm = self.pow2(mn);
        let tp = self.pow2(n);
        let one_m = self.rsubc(1.0, tpm);
        let ymid = self.sub(one_m, er);
        let vmid = self.mul(ymid, tp);
        // 20 <= n <= 56: ((r - (e2 + 2^-n)) + 1) 2^n
        let et = self.add(e2, tpm);
        let yhi = self.sub(r, et);
        let yhi = self.addc(yhi, 1.0);
        let vhi = self.mul(yhi, tp);

        let lt20 = self.cmpc(FloatCC::LessThan, n, 20.0);
        let mut res = self.sel(lt20, vmid, vhi);
        let le_m2 = self.cmpc(FloatCC::LessThanOrEqual, n, -2.0);
        let gt56 = self.cmpc(FloatCC::GreaterThan, n, 56.0);
        let big = self.or(le_m2, gt56);
        res = self.sel(big, vbig, res);
        let is1 = self.cmpc(FloatCC::Equal, n, 1.0);
        res = self.sel(is1, v1, res);
        let ism1 = self.cmpc(FloatCC::Equal, n, -1.0);
        res = self.sel(ism1, vm1, res);
        let is0 = self.cmpc(FloatCC::Equal, n, 0.0);
        res = self.sel(is0, v0, res);
        // expm1(+-0) = +-0.
        let zero = self.cmpc(FloatCC::Equal, x0, 0.0);
        self.sel(zero, x0, res)
    }

    // --- log family ---------------------------------------------------------------------

    /// `(k, f)` with `x = 2^k (1 + f)`, `1 + f` in [sqrt(2)/2, sqrt(2)), for positive finite
    /// `x` (subnormals scaled by 2^54 first when `subnormal`); `f` is exact.
    fn log_reduce(&mut self, x: Value, subnormal: bool) -> (Value, Value) {
        let (x, kadj) = if subnormal {
            let tiny = self.cmpc(FloatCC::LessThan, x, f64::MIN_POSITIVE);
            let scaled = self.mulc(x, 18014398509481984.0); // 2^54
            let x = self.sel(tiny, scaled, x);
            let zero = self.c(0.0);
            let kadj = self.selc(tiny, -54.0, zero);
            (x, Some(kadj))
        } else {
            (x, None)
        };
        // Adding 1 - sqrt(2)/2's significand moves the exponent boundary to sqrt(2)/2.
        let xb = self.bits(x);
        let shift = self.ci(0x3ff0_0000_0000_0000 - 0x3fe6_a09e_667f_3bcd);
        let ix = self.b.ins().iadd(xb, shift);
        let ke = self.b.ins().ushr_imm_u(ix, 52);
        // Integer -> float without a conversion instruction: OR into 2^52's significand.
        let two52 = self.ci(0x4330_0000_0000_0000);
        let kb = self.b.ins().bor(ke, two52);
        let kf = self.float(kb);
        let k = self.addc(kf, -(4503599627370496.0 + 1023.0));
        let k = match kadj {
            Some(a) => self.add(k, a),
            None => k,
        };
        let mmask = self.ci(0x000f_ffff_ffff_ffff);
        let m = self.b.ins().band(ix, mmask);
        let sqrt_half = self.ci(0x3fe6_a09e_667f_3bcd);
        let m = self.b.ins().iadd(m, sqrt_half);
        let m = self.float(m);
        let f = self.addc(m, -1.0);
        (k, f)
    }

    /// `(s, hfsq, R)` of fdlibm's log kernel: `log(1 + f) = f - hfsq + s (hfsq + R)`.
    fn log_kernel(&mut self, f: Value) -> (Value, Value, Value) {
        let ff = self.mul(f, f);
        let hfsq = self.mulc(ff, 0.5);
        let d = self.addc(f, 2.0);
        let s = self.div(f, d);
        let z = self.mul(s, s);
        let w = self.mul(z, z);
        // Even and odd coefficients in two chains, as fdlibm does.
        let t1 = self.poly(w, &[LOG_LG[1], LOG_LG[3], LOG_LG[5]]);
        let t1 = self.mul(w, t1);
        let t2 = self.poly(w, &[LOG_LG[0], LOG_LG[2], LOG_LG[4], LOG_LG[6]]);
        let t2 = self.mul(z, t2);
        let r = self.add(t2, t1);
        (s, hfsq, r)
    }

    /// Special inputs of log, log2, log10: NaN and negatives give NaN, 0 gives -inf, inf
    /// gives inf.
    fn log_specials(&mut self, x: Value, r: Value) -> Value {
        let inf = self.cmpc(FloatCC::Equal, x, f64::INFINITY);
        let r = self.selc(inf, f64::INFINITY, r);
        let zero = self.cmpc(FloatCC::Equal, x, 0.0);
        let r = self.selc(zero, f64::NEG_INFINITY, r);
        let bad = self.cmpc(FloatCC::UnorderedOrLessThan, x, 0.0);
        self.selc(bad, f64::NAN, r)
    }

    /// fdlibm log: `k ln2 + log(1 + f)`, `log(1 + f) = 2s + s R(s^2)`, `s = f / (2 + f)`,
    /// summed small to large with `ln2` in two parts.
    fn log(&mut self, x: Value) -> Value {
        let (k, f) = self.log_reduce(x, true);
        let (s, hfsq, r) = self.log_kernel(f);
        let klo = self.mulc(k, LN2_LO);
        let khi = self.mulc(k, LN2_HI);
        let hr = self.add(hfsq, r);
        let t = self.mul(s, hr);
        let t = self.add(t, klo);
        let t = self.sub(hfsq, t);
        let t = self.sub(t, f);
        let res = self.sub(khi, t);
        self.log_specials(x, res)
    }

    /// FreeBSD's log2/log10 scheme: `log(1 + f)` as `hi + lo` with `hi` of 21 bits, so that
    /// `hi * 1/ln(b)` (constant also split) is exact, and the final sum with `k log_b(2)` done
    /// with its rounding error carried.
    fn log2_10(&mut self, x: Value, ten: bool) -> Value {
        let (k, f) = self.log_reduce(x, true);
        let (s, hfsq, r) = self.log_kernel(f);
        let hr = self.add(hfsq, r);
        let r = self.mul(s, hr);
        let hi = self.sub(f, hfsq);
        let hi = self.clear_low_bits(hi, 32);
        let lo = self.sub(f, hi);
        let lo = self.sub(lo, hfsq);
        let lo = self.add(lo, r);
        let (ihi, ilo) = if ten {
            (IVLN10_HI, IVLN10_LO)
        } else {
            (IVLN2_HI, IVLN2_LO)
        };
        let val_hi = self.mulc(hi, ihi);
        let lh = self.add(lo, hi);
        let a = self.mulc(lh, ilo);
        let bb = self.mulc(lo, ihi);
        let mut val_lo = self.add(a, bb);
        let y = if ten {
            let kl = self.mulc(k, LOG10_2_LO);
            val_lo = self.add(kl, val_lo);
            self.mulc(k, LOG10_2_HI)
        } else {
            k
        };
        let w = self.add(y, val_hi);
        let yw = self.sub(y, w);
        let yw = self.add(yw, val_hi);
        let val_lo = self.add(val_lo, yw);
        let res = self.add(val_lo, w);
        self.log_specials(x, res)
    }

    /// fdlibm log1p: reduce `u = 1 + x` like log and add the rounding error of `1 + x`
    /// relative to `u`, `c = (x - (u - 1)) / u` (or `(1 - (u - x)) / u` for `x >= 1`, each
    /// form exact in its range).
    fn log1p(&mut self, x: Value) -> Value {
        if self.fma {
            return self.log1p_fma(x);
        }
        self.log1p_full(x)
    }

    /// log1p with fused multiply-adds, for vectors whose every lane is in (-1, inf): `c` by
    /// Fast2Sum of `max(x, 1) + min(x, 1)`, the kernel's sums `k LN2_LO + c`,
    /// `s (hfsq + R) + ...` and `k LN2_HI - ...` fused (the last is exact either way);
    /// other vectors take a cold block with [`Em::log1p_full`].
    fn log1p_fma(&mut self, x: Value) -> Value {
        let u = self.addc(x, 1.0);
        let (k, f) = self.log_reduce(u, false);
        let one = self.c(1.0);
        let gt1 = self.cmp(FloatCC::LessThan, one, x);
        let a = self.sel(gt1, x, one);
        let lt1 = self.cmp(FloatCC::LessThan, x, one);
        let bb = self.sel(lt1, x, one);
        let ua = self.sub(u, a);
        let c = self.sub(bb, ua);
        let c = self.div(c, u);
        let (s, hfsq, r) = self.log_kernel(f);
        let klo = self.mlak(k, LN2_LO, c);
        let hr = self.add(hfsq, r);
        let t = self.mla(s, hr, klo);
        let t = self.sub(hfsq, t);
        let t = self.sub(f, t);
        let res = self.mlak(k, LN2_HI, t);
        let zero = self.cmpc(FloatCC::Equal, x, 0.0);
        let fast = self.sel(zero, x, res);
        let low = self.cmpc(FloatCC::UnorderedOrLessThanOrEqual, x, -1.0);
        let inf = self.cmpc(FloatCC::Equal, x, f64::INFINITY);
        let out = self.or(low, inf);
        self.cold_unless(out, fast, x, |em, x| em.log1p_full(x))
    }

    /// log1p for every `x`, branch-free.
    fn log1p_full(&mut self, x: Value) -> Value {
        let u = self.addc(x, 1.0);
        let (k, f) = self.log_reduce(u, false);
        let um1 = self.addc(u, -1.0);
        let c_small = self.sub(x, um1);
        let umx = self.sub(u, x);
        let c_big = self.rsubc(1.0, umx);
        let ge1 = self.cmpc(FloatCC::GreaterThanOrEqual, x, 1.0);
        let c = self.sel(ge1, c_big, c_small);
        let c = self.div(c, u);
        let (s, hfsq, r) = self.log_kernel(f);
        let klo = self.mulc(k, LN2_LO);
        let klo = self.add(klo, c);
        let khi = self.mulc(k, LN2_HI);
        let hr = self.add(hfsq, r);
        let t = self.mul(s, hr);
        let t = self.add(t, klo);
        let t = self.sub(hfsq, t);
        let t = self.sub(t, f);
        let res = self.sub(khi, t);
        let inf = self.cmpc(FloatCC::Equal, x, f64::INFINITY);
        let res = self.selc(inf, f64::INFINITY, res);
        let m1 = self.cmpc(FloatCC::Equal, x, -1.0);
        let res = self.selc(m1, f64::NEG_INFINITY, res);
        let bad = self.cmpc(FloatCC::UnorderedOrLessThan, x, -1.0);
        let res = self.selc(bad, f64::NAN, res);
        let zero = self.cmpc(FloatCC::Equal, x, 0.0);
        self.sel(zero, x, res)
    }

    // --- hyperbolic ---------------------------------------------------------------------

    /// The evaluator's arcsinh: below 2^28 Rust's own `f64::asinh` (std computes it, not libm),
    /// reproduced operation for operation: `copysign(log1p(|x| + |x| / (hypot(1, 1/|x|) +
    /// 1/|x|)), x)`; above, `copysign(ln|x| + ln 2, x)`. `hypot(1, t)`
    /// is `sqrt(1 + t^2)` with `1 + t^2` as an exact double-double (Dekker's product, TwoSum)
    /// and one Newton correction of the square root, so it is within a hair of correctly
    /// rounded like libm's; past t = 2^30 it is `t` itself.
    fn asinh(&mut self, x: Value) -> Value {
        let ax = self.b.ins().fabs(x);
        let one = self.c(1.0);
        let t = self.div(one, ax);
        // Past 2^30, hypot(1, t) = t; 1 stands in for t there so the split below cannot
        // overflow in lanes whose result is not used.
        let big = self.cmpc(FloatCC::GreaterThan, t, 1073741824.0);
        let tc = self.selc(big, 1.0, t);
        let (p, pe) = self.two_square(tc);
        let (s_hi, s_lo) = self.two_sum(one, p);
        let s_lo = self.add(s_lo, pe);
        let h0 = self.b.ins().sqrt(s_hi);
        let (q, qe) = self.two_square(h0);
        let d = self.sub(s_hi, q);
        let d = self.sub(d, qe);
        let d = self.add(d, s_lo);
        let h2 = self.add(h0, h0);
        let corr = self.div(d, h2);
        let h = self.add(h0, corr);
        let h = self.sel(big, t, h);
        let den = self.add(h, t);
        let q = self.div(ax, den);
        let arg = self.add(ax, q);
        let r = self.log1p(arg);
        // The evaluator switches to ln|x| + ln 2 from 2^28 on (std's formula overflows near
        // the top of the range).
        let l = self.log(ax);
        let l = self.addc(l, LN2);
        let asym = self.cmpc(FloatCC::GreaterThanOrEqual, ax, ASYMPTOTIC);
        let r = self.sel(asym, l, r);
        self.copysign(r, x)
    }

    /// `a^2` as `(p, e)`, `p + e` exact (Dekker's split product; `|a| < 2^995`).
    fn two_square(&mut self, a: Value) -> (Value, Value) {
        let c = self.mulc(a, 134217729.0); // 2^27 + 1
        let cd = self.sub(c, a);
        let ah = self.sub(c, cd);
        let al = self.sub(a, ah);
        let p = self.mul(a, a);
        let hh = self.mul(ah, ah);
        let e = self.sub(hh, p);
        let hl = self.mul(ah, al);
        let hl2 = self.add(hl, hl);
        let e = self.add(e, hl2);
        let ll = self.mul(al, al);
        let e = self.add(e, ll);
        (p, e)
    }

    /// `a + b` as `(s, e)`, `s + e` exact (Knuth's TwoSum, any order of magnitudes).
    fn two_sum(&mut self, a: Value, b: Value) -> (Value, Value) {
        let s = self.add(a, b);
        let bv = self.sub(s, a);
        let av = self.sub(s, bv);
        let ea = self.sub(a, av);
        let eb = self.sub(b, bv);
        let e = self.add(ea, eb);
        (s, e)
    }

    /// The evaluator's arccosh: NaN below 1, Rust's `f64::acosh` formula
    /// `ln(x + sqrt(x - 1) sqrt(x + 1))` below 2^28, `ln x + ln 2` above.
    fn acosh(&mut self, x: Value) -> Value {
        let xm = self.addc(x, -1.0);
        let xp = self.addc(x, 1.0);
        let a = self.b.ins().sqrt(xm);
        let bb = self.b.ins().sqrt(xp);
        let p = self.mul(a, bb);
        let arg = self.add(x, p);
        // From 2^28 on the evaluator computes ln x + ln 2 instead (as C does).
        let asym = self.cmpc(FloatCC::GreaterThanOrEqual, x, ASYMPTOTIC);
        let arg = self.sel(asym, x, arg);
        let r = self.log(arg);
        let zero = self.c(0.0);
        let k = self.selc(asym, LN2, zero);
        let r = self.add(r, k);
        let below = self.cmpc(FloatCC::LessThan, x, 1.0);
        self.selc(below, f64::NAN, r)
    }

    /// Rust's `f64::atanh`: `log1p(2x / (1 - x)) / 2`.
    fn atanh(&mut self, x: Value) -> Value {
        let x2 = self.add(x, x);
        let d = self.rsubc(1.0, x);
        let q = self.div(x2, d);
        let r = self.log1p(q);
        self.mulc(r, 0.5)
    }

    /// tanh: for |x| < 0.625 the Cephes rational form `x + x z P(z) / Q(z)`, z = x^2 (the
    /// correction is at most 13% of the result, so its few roundings cost little), else
    /// `1 - 2 / (e^2|x| + 1)` with `e^2|x| + 1` carried as a double-double; with the sign
    /// of x.
    fn tanh(&mut self, x: Value) -> Value {
        let a = self.b.ins().fabs(x);
        let z = self.mul(a, a);
        let p = self.poly(z, &TANH_P);
        let q = self.addc(z, TANH_Q[2]);
        let q = self.mul(q, z);
        let q = self.addc(q, TANH_Q[1]);
        let q = self.mul(q, z);
        let q = self.addc(q, TANH_Q[0]);
        let az = self.mul(a, z);
        let r = self.mul(az, p);
        let r = self.div(r, q);
        let small = self.add(a, r);
        // Past 2|x| = 50, tanh is 1 in f64; the clamp keeps 2^n a normal power of two.
        // D = e^2|x| + 1 = (2^n + 1) - 2^n t as a double-double (2^n + 1 exact while it
        // matters, the products exact), then 1 - 2/D = (1 - qh) + qh dl/dh to first order,
        // 1 - qh kept exact by Fast2Sum: one rounding at full weight, at the end.
        let a2 = self.add(a, a);
        let a2 = self.clamp(a2, 0.0, 50.0);
        let (th, tl, n) = self.exp_parts_dd(a2);
        let p = self.pow2(n);
        let big_a = self.addc(p, 1.0);
        let pth = self.mul(p, th);
        let ptl = self.mul(p, tl);
        let dh = self.sub(big_a, pth);
        let dl = self.sub(big_a, dh);
        let dl = self.sub(dl, pth);
        let dl = self.sub(dl, ptl);
        let two = self.c(2.0);
        let qh = self.div(two, dh);
        let ratio = self.div(dl, dh);
        let corr = self.mul(qh, ratio);
        let s1 = self.rsubc(1.0, qh);
        let e1 = self.rsubc(1.0, s1);
        let e1 = self.sub(e1, qh);
        let tail = self.add(e1, corr);
        let big = self.add(s1, tail);
        let lt = self.cmpc(FloatCC::LessThan, a, 0.625);
        let z = self.sel(lt, small, big);
        self.copysign(z, x)
    }

    /// sinh and cosh. |x| < 1 (cosh: 0.75): Taylor series to x^21 / x^22 (coefficients 1/k!;
    /// the truncation error is below 2^-70), summed as `x + x z P(z)` and `1 + z Q(z)` so the
    /// leading term is added last. Above: `E/2 +- 1/(2E)` with `E/2 = 2^(n-1) (1 - t)`
    /// expanded so that only the final addition rounds at full weight; past |x| = 22 the
    /// `1/(2E)` term is negligible and `E/2` is scaled in two steps to reach the top of the
    /// range without overflowing early.
    fn sinh_cosh(&mut self, x: Value, cosh: bool) -> Value {
        let a = self.b.ins().fabs(x);
        let z = self.mul(a, a);
        let small = if cosh {
            let q = self.poly(z, &COSH_TAYLOR);
            let q = self.mul(z, q);
            self.addc(q, 1.0)
        } else {
            let p = self.poly(z, &SINH_TAYLOR);
            let az = self.mul(a, z);
            let p = self.mul(az, p);
            self.add(a, p)
        };
        let (t, tl, n) = self.exp_parts_dd(a);
        let y = self.rsubc(1.0, t);
        // Mid range, 0.75 (cosh) or 1 <= |x| < 22, n in [1, 32]: E/2 = p - p t_hi - p t_lo
        // with p = 2^(n-1), p - p t_hi split exactly by Fast2Sum, everything small summed
        // before the last addition.
        let n1 = self.addc(n, -1.0);
        let p = self.pow2(n1);
        let pth = self.mul(p, t);
        let ptl = self.mul(p, tl);
        let s1 = self.sub(p, pth);
        let e1 = self.sub(p, s1);
        let e1 = self.sub(e1, pth);
        let e1 = self.sub(e1, ptl);
        let py = self.mul(p, y);
        let quarter = self.c(0.25);
        let inv = self.div(quarter, py);
        let u = if cosh {
            self.add(e1, inv)
        } else {
            self.sub(e1, inv)
        };
        let mid = self.add(s1, u);
        // Large range.
        let h = self.scale(y, n1);
        let inv = self.div(quarter, h);
        let big = if cosh {
            self.add(h, inv)
        } else {
            self.sub(h, inv)
        };
        let lt22 = self.cmpc(FloatCC::LessThan, a, 22.0);
        let r = self.sel(lt22, mid, big);
        // The series is the more accurate below these bounds (its correction term is then at
        // most ~20% of the result), the exponential form above.
        let bound = if cosh { 0.75 } else { 1.0 };
        let lt = self.cmpc(FloatCC::LessThan, a, bound);
        let r = self.sel(lt, small, r);
        if cosh {
            r
        } else {
            self.copysign(r, x)
        }
    }

    // --- trigonometric ------------------------------------------------------------------

    /// fdlibm __kernel_sin: sin(x + y) for |x + y| <= pi/4, y the reduction's tail.
    fn ksin(&mut self, x: Value, y: Value) -> Value {
        let z = self.mul(x, x);
        let w = self.mul(z, z);
        let r1 = self.poly(z, &SIN_S[1..4]);
        let r2 = self.poly(z, &SIN_S[4..6]);
        let zw = self.mul(z, w);
        let r2 = self.mul(zw, r2);
        let r = self.add(r1, r2);
        let v = self.mul(z, x);
        let hy = self.mulc(y, 0.5);
        let vr = self.mul(v, r);
        let t = self.sub(hy, vr);
        let t = self.mul(z, t);
        let t = self.sub(t, y);
        let vs = self.mulc(v, SIN_S[0]);
        let t = self.sub(t, vs);
        self.sub(x, t)
    }

    /// fdlibm __kernel_cos: cos(x + y) for |x + y| <= pi/4, with `1 - z/2` rounded first and
    /// its rounding error added back.
    fn kcos(&mut self, x: Value, y: Value) -> Value {
        let z = self.mul(x, x);
        let w = self.mul(z, z);
        let r1 = self.poly(z, &COS_C[0..3]);
        let r1 = self.mul(z, r1);
        let r2 = self.poly(z, &COS_C[3..6]);
        let ww = self.mul(w, w);
        let r2 = self.mul(ww, r2);
        let r = self.add(r1, r2);
        let hz = self.mulc(z, 0.5);
        let w = self.rsubc(1.0, hz);
        let t = self.rsubc(1.0, w);
        let t = self.sub(t, hz);
        let zr = self.mul(z, r);
        let xy = self.mul(x, y);
        let u = self.sub(zr, xy);
        let t = self.add(t, u);
        self.add(w, t)
    }

    /// `(y0, y1, nb)`: `x - n pi/2 = y0 + y1` (a double-double, |y0| <= ~pi/4) and an
    /// integer whose low bits are `n`'s. Cody-Waite reduction by pi/2 in three 33-bit parts
    /// plus a tail (as in fdlibm's __ieee754_rem_pio2 medium case); exact enough for
    /// `|x| <= TRIG_FAST_MAX`, garbage beyond (callers take the slow path there).
    fn rem_pio2(&mut self, x: Value) -> (Value, Value, Value) {
        let v = self.mulc(x, INV_PIO2);
        let (n, nb) = self.round_int(v);
        // t = x - n PIO2_1 is exact (n PIO2_1 exact, Sterbenz). Each later part is subtracted
        // with its rounding error kept (the Fast2Sum step `(t - r) - w`), and the errors and
        // the last tail summed apart: doing fdlibm's third round unconditionally would drop
        // the second round's error.
        let np1 = self.mulc(n, PIO2_1);
        let t = self.sub(x, np1);
        let w2 = self.mulc(n, PIO2_2);
        let r2 = self.sub(t, w2);
        let e2 = self.sub(t, r2);
        let e2 = self.sub(e2, w2);
        let w3 = self.mulc(n, PIO2_3);
        let r3 = self.sub(r2, w3);
        let e3 = self.sub(r2, r3);
        let e3 = self.sub(e3, w3);
        let tail = self.add(e3, e2);
        let nt = self.mulc(n, PIO2_3T);
        let tail = self.sub(tail, nt);
        let y0 = self.add(r3, tail);
        let y1 = self.sub(r3, y0);
        let y1 = self.add(y1, tail);
        (y0, y1, nb)
    }

    /// [`Em::rem_pio2`] with fused multiply-adds: `r1 = x - n PIO2_HI` in one exact `fma`
    /// (`PIO2_HI` is pi/2 to 53 bits: `r1` is a multiple of 2^-53 below 1), `w = n PIO2_LO`
    /// with its exact rounding error (an `fma`) plus `n PIO2_T2`, and `r1 - w` by Fast2Sum
    /// (exact: `r1` is a multiple of `ulp(w)`), normalized into `y0 + y1`.
    fn rem_pio2_fma(&mut self, x: Value) -> (Value, Value, Value) {
        let magic = self.c(MAGIC);
        let t = self.mlak(x, INV_PIO2, magic);
        let n = self.addc(t, -MAGIC);
        let nb = self.bits(t);
        let r1 = self.mlak(n, -PIO2_HI, x);
        let w = self.mulc(n, PIO2_LO);
        let nw = self.b.ins().fneg(w);
        let wl = self.mlak(n, PIO2_LO, nw);
        let wl = self.mlak(n, PIO2_T2, wl);
        let s = self.sub(r1, w);
        let e = self.sub(r1, s);
        let e = self.sub(e, w);
        let tail = self.sub(e, wl);
        let y0 = self.add(s, tail);
        let y1 = self.sub(s, y0);
        let y1 = self.add(y1, tail);
        (y0, y1, nb)
    }

    /// fdlibm's __kernel_sin and __kernel_cos ([`Em::ksin`], [`Em::kcos`]) with fused
    /// multiply-adds: the same sums, each product feeding a sum fused into it, the
    /// polynomials by Horner's rule.
    fn ksin_kcos_fma(&mut self, x: Value, y: Value) -> (Value, Value) {
        let z = self.mul(x, x);
        let ny = self.b.ins().fneg(y);
        // sin: x - ((z (y/2 - v r) - y) - v S1), v = z x, r = S2 + z S3 + ...
        let neg_s: Vec<f64> = SIN_S[1..].iter().map(|c| -c).collect();
        let nr = self.poly(z, &neg_s);
        let v = self.mul(z, x);
        let hy = self.mulc(y, 0.5);
        let q = self.mla(v, nr, hy);
        let q = self.mla(z, q, ny);
        let q = self.mlak(v, -SIN_S[0], q);
        let ks = self.sub(x, q);
        // cos: w + (((1 - w) - z/2) + (z^2 C(z) - x y)), w = 1 - z/2.
        let c = self.poly(z, &COS_C);
        let zz = self.mul(z, z);
        let nxy = self.mul(x, ny);
        let u = self.mla(zz, c, nxy);
        let hz = self.mulc(z, 0.5);
        let w = self.rsubc(1.0, hz);
        let t = self.rsubc(1.0, w);
        let t = self.sub(t, hz);
        let t = self.add(t, u);
        let kc = self.add(w, t);
        (ks, kc)
    }

    /// sin or cos: [`Em::rem_pio2`], both kernels, then the
    /// quadrant picks kernel and sign with integer masks. Huge arguments go to the slow path.
    fn sin_cos(&mut self, x: Value, cos: bool) -> Value {
        let (y0, y1, nb) = if self.fma {
            self.rem_pio2_fma(x)
        } else {
            self.rem_pio2(x)
        };
        let (ks, kc) = if self.fma {
            self.ksin_kcos_fma(y0, y1)
        } else {
            (self.ksin(y0, y1), self.kcos(y0, y1))
        };
        // cos(x) = sin(x + pi/2): one more quadrant.
        let q = if cos {
            let one = self.ci(1);
            self.b.ins().iadd(nb, one)
        } else {
            nb
        };
        let one = self.ci(1);
        let odd = self.b.ins().band(q, one);
        let swap = self.b.ins().ineg(odd);
        let ksb = self.bits(ks);
        let kcb = self.bits(kc);
        let pick = self.b.ins().bitselect(swap, kcb, ksb);
        let two = self.ci(2);
        let neg = self.b.ins().band(q, two);
        let neg = self.b.ins().ishl_imm_u(neg, 62);
        let res = self.b.ins().bxor(pick, neg);
        let res = self.float(res);
        let ax = self.b.ins().fabs(x);
        let huge = self.cmpc(FloatCC::GreaterThan, ax, TRIG_FAST_MAX);
        // sin(-0) = -0: the reduction's sums may turn -0 into +0.
        let res = if cos {
            res
        } else {
            let zero = self.cmpc(FloatCC::Equal, x, 0.0);
            self.sel(zero, x, res)
        };
        let op = if cos { UnaryOp::Cos } else { UnaryOp::Sin };
        self.slow_path(op, huge, x, res)
    }

    /// tan: [`Em::rem_pio2`], then fdlibm's __kernel_tan made branch-free: for |y| >= 0.6744
    /// the argument becomes pi/4 - |y| (tan(pi/4 - u) = (1 - tan u) / (1 + tan u), folded into
    /// the final expression), and in odd quadrants the result is -1/tan, computed with the
    /// reciprocal corrected by a split (low 32 bits cleared) Newton step.
    fn tan(&mut self, x: Value) -> Value {
        let (y0, y1, nb) = self.rem_pio2(x);
        let one = self.ci(1);
        let odd_i = self.b.ins().band(nb, one);
        let odd = self.b.ins().ineg(odd_i);
        let ay0 = self.b.ins().fabs(y0);
        let big = self.cmpc(FloatCC::GreaterThanOrEqual, ay0, 0.6744);
        let neg = self.cmpc(FloatCC::LessThan, y0, 0.0);
        let ny1 = self.b.ins().fneg(y1);
        let ay1 = self.sel(neg, ny1, y1);
        let zb = self.rsubc(PIO4_HI, ay0);
        let wb = self.rsubc(PIO4_LO, ay1);
        let xb = self.add(zb, wb);
        let x1 = self.sel(big, xb, y0);
        let zero = self.c(0.0);
        let y = self.sel(big, zero, y1);
        let z = self.mul(x1, x1);
        let w = self.mul(z, z);
        let r = self.poly(
            w,
            &[TAN_T[1], TAN_T[3], TAN_T[5], TAN_T[7], TAN_T[9], TAN_T[11]],
        );
        let v = self.poly(
            w,
            &[TAN_T[2], TAN_T[4], TAN_T[6], TAN_T[8], TAN_T[10], TAN_T[12]],
        );
        let v = self.mul(z, v);
        let s = self.mul(z, x1);
        let rv = self.add(r, v);
        let t = self.mul(s, rv);
        let t = self.add(t, y);
        let t = self.mul(z, t);
        let r = self.add(y, t);
        let ts = self.mulc(s, TAN_T[0]);
        let r = self.add(r, ts);
        let w = self.add(x1, r);
        // |y| >= 0.6744: sign(y) (iy - 2 (x - (w^2 / (w + iy) - r))), iy = -1 in odd quadrants.
        let m1 = self.c(-1.0);
        let p1 = self.c(1.0);
        let iy = self.bitsel(odd, m1, p1);
        let ww = self.mul(w, w);
        let wv = self.add(w, iy);
        let q = self.div(ww, wv);
        let q = self.sub(q, r);
        let q = self.sub(x1, q);
        let q = self.mulc(q, 2.0);
        let vb = self.sub(iy, q);
        let nvb = self.b.ins().fneg(vb);
        let vb = self.sel(neg, nvb, vb);
        // Odd quadrant, small |y|: -1/(x + r) with the reciprocal's error corrected.
        let zz = self.clear_low_bits(w, 32);
        let zx = self.sub(zz, x1);
        let vv = self.sub(r, zx);
        let mone = self.c(-1.0);
        let a = self.div(mone, w);
        let tt = self.clear_low_bits(a, 32);
        let tz = self.mul(tt, zz);
        let s2 = self.addc(tz, 1.0);
        let tv = self.mul(tt, vv);
        let s2 = self.add(s2, tv);
        let s2 = self.mul(a, s2);
        let vo = self.add(tt, s2);
        let small = self.bitsel(odd, vo, w);
        let res = self.sel(big, vb, small);
        let zero = self.cmpc(FloatCC::Equal, x, 0.0);
        let res = self.sel(zero, x, res);
        let ax = self.b.ins().fabs(x);
        let huge = self.cmpc(FloatCC::GreaterThan, ax, TRIG_FAST_MAX);
        self.slow_path(UnaryOp::Tan, huge, x, res)
    }

    /// fdlibm's `R(t) = p(t) / q(t)` of asin: asin(x) = x + x R(x^2) for |x| <= 1/2.
    fn asin_r(&mut self, t: Value) -> Value {
        let p = self.poly(t, &ASIN_P);
        let p = self.mul(t, p);
        let q = self.poly(t, &ASIN_Q);
        let q = self.mul(t, q);
        let q = self.addc(q, 1.0);
        self.div(p, q)
    }

    /// fdlibm asin, both branches computed: |x| < 1/2 as `x + x R(x^2)`; else with
    /// `t = (1 - |x|)/2`, `s = sqrt(t)`, asin|x| = pi/2 - 2 asin(s) = pi/2 - 2 (s + s R(t)),
    /// for |x| < 0.975 with `s` split (low 32 bits cleared) and pi/4 in two parts so the
    /// cancellation against pi/2 stays exact.
    fn asin(&mut self, x: Value) -> Value {
        let a = self.b.ins().fabs(x);
        let t = self.mul(x, x);
        let r = self.asin_r(t);
        let xr = self.mul(x, r);
        let small = self.add(x, xr);
        let w = self.rsubc(1.0, a);
        let t = self.mulc(w, 0.5);
        let r = self.asin_r(t);
        let s = self.b.ins().sqrt(t);
        // |x| >= 0.975: pi/2 - (2 (s + s r) - pio2_lo)
        let sr = self.mul(s, r);
        let ssr = self.add(s, sr);
        let ssr = self.mulc(ssr, 2.0);
        let ssr = self.addc(ssr, -PIO2_LO);
        let near1 = self.rsubc(PIO2_HI, ssr);
        // 1/2 <= |x| < 0.975: pio4_hi - ((2 s r - (pio2_lo - 2 c)) - (pio4_hi - 2 w))
        let wh = self.clear_low_bits(s, 32);
        let ww = self.mul(wh, wh);
        let c = self.sub(t, ww);
        let sw = self.add(s, wh);
        let c = self.div(c, sw);
        let s2 = self.mulc(s, 2.0);
        let p = self.mul(s2, r);
        let c2 = self.mulc(c, 2.0);
        let pl = self.rsubc(PIO2_LO, c2);
        let p = self.sub(p, pl);
        let w2 = self.mulc(wh, 2.0);
        let q = self.rsubc(PIO4_HI, w2);
        let pq = self.sub(p, q);
        let mid = self.rsubc(PIO4_HI, pq);
        let ge975 = self.cmpc(FloatCC::GreaterThanOrEqual, a, 0.975);
        let big = self.sel(ge975, near1, mid);
        let big = self.copysign(big, x);
        let lt = self.cmpc(FloatCC::LessThan, a, 0.5);
        let res = self.sel(lt, small, big);
        // |x| > 1 gives NaN by itself (sqrt of a negative); NaN stays NaN.
        res
    }

    /// fdlibm acos, all three branches computed: |x| < 1/2 as
    /// `pi/2 - (x - (pio2_lo - x R(x^2)))`; x <= -1/2 as `pi - 2 (s + (s R(z) - pio2_lo))`;
    /// x >= 1/2 as `2 (s_hi + (s R(z) + c))`, `z = (1 - |x|)/2`, `s = sqrt(z)` and `s_hi + c`
    /// its split so the sum is exact.
    fn acos(&mut self, x: Value) -> Value {
        let a = self.b.ins().fabs(x);
        let z = self.mul(x, x);
        let r = self.asin_r(z);
        let xr = self.mul(x, r);
        let t = self.rsubc(PIO2_LO, xr);
        let t = self.sub(x, t);
        let small = self.rsubc(PIO2_HI, t);
        let w = self.rsubc(1.0, a);
        let z = self.mulc(w, 0.5);
        let s = self.b.ins().sqrt(z);
        let r = self.asin_r(z);
        let rs = self.mul(r, s);
        // x <= -1/2
        let wn = self.addc(rs, -PIO2_LO);
        let sw = self.add(s, wn);
        let sw = self.mulc(sw, 2.0);
        let neg = self.rsubc(PI, sw);
        // x >= 1/2
        let df = self.clear_low_bits(s, 32);
        let dd = self.mul(df, df);
        let c = self.sub(z, dd);
        let sd = self.add(s, df);
        let c = self.div(c, sd);
        // x = 1: s = 0 makes c 0/0; it is 0.
        let s0 = self.cmpc(FloatCC::Equal, s, 0.0);
        let c = self.selc(s0, 0.0, c);
        let wp = self.add(rs, c);
        let wp = self.add(df, wp);
        let pos = self.mulc(wp, 2.0);
        let isneg = self.cmpc(FloatCC::LessThan, x, 0.0);
        let big = self.sel(isneg, neg, pos);
        let lt = self.cmpc(FloatCC::LessThan, a, 0.5);
        self.sel(lt, small, big)
    }

    /// cbrt, Bruce Evans' scheme in FreeBSD's s_cbrt.c (< 0.667 ULP): a 5-bit guess from
    /// the exponent bits divided by 3 (`hx / 3 + B`, the bias constant correcting the
    /// exponent), a polynomial correction to 23 bits, rounding away from zero to 23 bits so
    /// that `t^2` is exact, and one Newton step in the form `t + t (x/t^2 - t) / (2t + x/t^2)`.
    /// Computed on |x| (the scheme is odd) with the sign put back at the end; the integer
    /// division by 3 is a float division (exact operands, truncated quotient).
    fn cbrt(&mut self, x: Value) -> Value {
        let a = self.b.ins().fabs(x);
        let tiny = self.cmpc(FloatCC::LessThan, a, f64::MIN_POSITIVE);
        let scaled = self.mulc(a, 18014398509481984.0); // 2^54
        let a2 = self.sel(tiny, scaled, a);
        let b1 = self.c(715094163.0);
        let bias = self.selc(tiny, 696219795.0, b1);
        // hx = high word of a2, as an exact float.
        let ab = self.bits(a2);
        let hx = self.b.ins().ushr_imm_u(ab, 32);
        let two52 = self.ci(0x4330_0000_0000_0000);
        let hf = self.b.ins().bor(hx, two52);
        let hf = self.float(hf);
        let hf = self.addc(hf, -4503599627370496.0);
        let three = self.c(3.0);
        let q = self.div(hf, three);
        let q = self.b.ins().trunc(q);
        let hi = self.add(q, bias);
        // Back to bits: hi + 2^52 holds hi in its low 32 bits.
        let hb = self.addc(hi, 4503599627370496.0);
        let hb = self.bits(hb);
        let hb = self.b.ins().ishl_imm_u(hb, 32);
        let t = self.float(hb);
        // r = t^3 / x, then t *= P(r), good to 23 bits.
        let tt = self.mul(t, t);
        let tx = self.div(t, a);
        let r = self.mul(tt, tx);
        let p1 = self.mulc(r, CBRT_P[2]);
        let p1 = self.addc(p1, CBRT_P[1]);
        let p1 = self.mul(r, p1);
        let p1 = self.addc(p1, CBRT_P[0]);
        let p2 = self.mulc(r, CBRT_P[4]);
        let p2 = self.addc(p2, CBRT_P[3]);
        let rr = self.mul(r, r);
        let rrr = self.mul(rr, r);
        let p2 = self.mul(rrr, p2);
        let p = self.add(p1, p2);
        let t = self.mul(t, p);
        // Round away from zero to 23 bits.
        let tb = self.bits(t);
        let round = self.ci(0x8000_0000);
        let tb = self.b.ins().iadd(tb, round);
        let keep = self.ci(0xffff_ffff_c000_0000_u64 as i64);
        let tb = self.b.ins().band(tb, keep);
        let t = self.float(tb);
        // One Newton step.
        let s = self.mul(t, t);
        let r = self.div(a, s);
        let w = self.add(t, t);
        let num = self.sub(r, t);
        let den = self.add(w, r);
        let r = self.div(num, den);
        let tr = self.mul(t, r);
        let y = self.add(t, tr);
        let y = self.copysign(y, x);
        // 0, inf and NaN come back as x + x.
        let special = self.cmpc(FloatCC::UnorderedOrGreaterThanOrEqual, a, f64::INFINITY);
        let z = self.cmpc(FloatCC::Equal, a, 0.0);
        let special = self.or(special, z);
        let xx = self.add(x, x);
        self.sel(special, xx, y)
    }

    /// `fast`, unless `mask` holds for some lane: then every lane is recomputed by calling the
    /// evaluator's own f64 function for `op` (for f32 lanes, widened and the result rounded).
    /// The branch is the only one this module emits.
    fn slow_path(&mut self, op: UnaryOp, mask: Value, x: Value, fast: Value) -> Value {
        let Some(addr) = callout::unary(op, DType::F64) else {
            return fast;
        };
        self.cold_unless(mask, fast, x, |em, x| em.call_per_lane(addr, x, x))
    }

    /// `fast`, unless `mask` holds for some lane: then the value `slow` computes from `x`,
    /// emitted in a cold block. There `slow` gets `x + -0` (which is `x`, NaNs aside), a value
    /// the optimizer cannot identify with `x`, so that nothing `slow` computes is merged with
    /// the common path's values and kept alive (spilled) across the branch. (A block
    /// parameter would not do: Cranelift removes parameters with a single incoming value.)
    /// Leaves the builder in a new sealed block where the caller continues.
    fn cold_unless(
        &mut self,
        mask: Value,
        fast: Value,
        x: Value,
        slow: impl FnOnce(&mut Self, Value) -> Value,
    ) -> Value {
        let any = if self.ty.is_vector() {
            self.b.ins().vany_true(mask)
        } else {
            mask
        };
        let cold = self.b.create_block();
        let done = self.b.create_block();
        let out = self.b.append_block_param(done, self.ty);
        self.b.set_cold_block(cold);
        self.b
            .ins()
            .brif(any, cold, &[], done, &[BlockArg::Value(fast)]);
        self.b.switch_to_block(cold);
        self.b.seal_block(cold);
        let was = std::mem::replace(&mut self.cold, true);
        let x = self.addc(x, -0.0);
        let res = slow(self, x);
        self.cold = was;
        self.b.ins().jump(done, &[BlockArg::Value(res)]);
        self.b.switch_to_block(done);
        self.b.seal_block(done);
        out
    }

    /// Every lane of `x` through the f64 function at `addr` (f32 lanes widened, the result
    /// rounded), assembled into a value shaped like `like`.
    fn call_per_lane(&mut self, addr: *const u8, x: Value, like: Value) -> Value {
        let mut sig = Signature::new(self.b.func.signature.call_conv);
        sig.params.push(AbiParam::new(types::F64));
        sig.returns.push(AbiParam::new(types::F64));
        let sigref = self.b.import_signature(sig);
        let ptr = if usize::BITS == 64 {
            types::I64
        } else {
            types::I32
        };
        let callee = self.b.ins().iconst(ptr, addr as usize as i64);
        let mut res = like;
        let lanes = self.ty.lane_count();
        for lane in 0..lanes {
            let xi = if self.ty.is_vector() {
                self.b.ins().extractlane(x, lane as u8)
            } else {
                x
            };
            // f32 lanes: the f64 function, rounded (the reference of the f32 contract).
            let xi = if self.is32() {
                self.b.ins().fpromote(types::F64, xi)
            } else {
                xi
            };
            let call = self.b.ins().call_indirect(sigref, callee, &[xi]);
            let ri = self.b.inst_results(call)[0];
            let ri = if self.is32() {
                self.b.ins().fdemote(types::F32, ri)
            } else {
                ri
            };
            res = if self.ty.is_vector() {
                self.b.ins().insertlane(res, ri, lane as u8)
            } else {
                ri
            };
        }
        res
    }

    /// fdlibm atan: |x| reduced to |t| <= 7/16 by atan(|x|) = atan(c) + atan((|x| - c) /
    /// (1 + c |x|)) with c in {0, 1/2, 1, 3/2, inf}; one division for all five cases, its
    /// numerator and denominator built from per-lane constants.
    fn atan(&mut self, x: Value) -> Value {
        let a = self.b.ins().fabs(x);
        let res = self.atan_abs(a);
        self.copysign(res, x)
    }

    /// atan(a) for `a >= 0` (or NaN); see [`Em::atan`].
    fn atan_abs(&mut self, a: Value) -> Value {
        // Case:            none     0.5      1       1.5      inf
        // t = (a*A + B) / (a*C + D)
        //   A:             1        2        1       1        -
        //   B:             0       -1       -1      -1.5     (-1)
        //   C:             0        1        1       1.5      1
        //   D:             1        2        1       1        0
        let cases: [(f64, f64, f64, f64); 4] = [
            (2.0, -1.0, 1.0, 2.0),
            (1.0, -1.0, 1.0, 1.0),
            (1.0, -1.5, 1.5, 1.0),
            (0.0, -1.0, 1.0, 0.0),
        ];
        let bounds = [7.0 / 16.0, 11.0 / 16.0, 19.0 / 16.0, 39.0 / 16.0];
        let (mut ca, mut cb, mut cc, mut cd) = (self.c(1.0), self.c(0.0), self.c(0.0), self.c(1.0));
        let (mut hi, mut lo) = (self.c(0.0), self.c(0.0));
        for i in 0..4 {
            // NaN compares false everywhere and so ends in the last case, which keeps it NaN.
            let m = self.cmpc(FloatCC::UnorderedOrGreaterThanOrEqual, a, bounds[i]);
            let (ka, kb, kc, kd) = cases[i];
            ca = self.selc(m, ka, ca);
            cb = self.selc(m, kb, cb);
            cc = self.selc(m, kc, cc);
            cd = self.selc(m, kd, cd);
            hi = self.selc(m, ATAN_HI[i], hi);
            lo = self.selc(m, ATAN_LO[i], lo);
        }
        let na = self.mul(a, ca);
        let num = self.add(na, cb);
        // For |x| = inf, a * 0 would be NaN: the last case's numerator is -1 outright.
        let last = self.cmpc(FloatCC::UnorderedOrGreaterThanOrEqual, a, bounds[3]);
        let num = self.selc(last, -1.0, num);
        let da = self.mul(a, cc);
        let den = self.add(da, cd);
        let t = self.div(num, den);
        let z = self.mul(t, t);
        let w = self.mul(z, z);
        let s1 = self.poly(
            w,
            &[
                ATAN_T[0], ATAN_T[2], ATAN_T[4], ATAN_T[6], ATAN_T[8], ATAN_T[10],
            ],
        );
        let s1 = self.mul(z, s1);
        let s2 = self.poly(w, &[ATAN_T[1], ATAN_T[3], ATAN_T[5], ATAN_T[7], ATAN_T[9]]);
        let s2 = self.mul(w, s2);
        let s = self.add(s1, s2);
        let ts = self.mul(t, s);
        // Unreduced: a - a s; reduced: hi - ((t s - lo) - t).
        let plain = self.sub(a, ts);
        let r = self.sub(ts, lo);
        let r = self.sub(r, t);
        let red = self.sub(hi, r);
        let first = self.cmpc(FloatCC::UnorderedOrGreaterThanOrEqual, a, bounds[0]);
        self.sel(first, red, plain)
    }

    /// pow(x, y) = exp(y ln|x|) with `ln|x|` and the product carried as double-doubles, the
    /// scheme of fdlibm's e_pow.c (in natural-log units): |x| = 2^k m, `s = (m-1)/(m+1)`
    /// split into a 21-bit head and a tail, `ln m = (2/3) s (3 + s^2 + r)` with
    /// `r = s^4 L(s^2)` (L: a least-squares fit made for this module with mpmath at 200
    /// bits, |error in r| < 2e-21 on the range), every product of heads exact, then
    /// `y ln|x|` with `y` split likewise, and exp's kernel on the double-double result.
    /// The special cases of C99 (and NumPy) `pow` are selected afterwards.
    fn pow(&mut self, x: Value, y: Value) -> Value {
        let ax = self.b.ins().fabs(x);
        let (k, f) = self.log_reduce(ax, true);
        // 2 + f = d1 + d2 exactly, d1 of 21 bits.
        let d = self.addc(f, 2.0);
        let d1 = self.clear_low_bits(d, 32);
        let d1m2 = self.addc(d1, -2.0);
        let d2 = self.sub(f, d1m2);
        // s = s_h + s_l: f - s_h d1 is exact (Sterbenz), s_h d2 small.
        let ss = self.div(f, d);
        let s_h = self.clear_low_bits(ss, 32);
        let n1 = self.mul(s_h, d1);
        let num = self.sub(f, n1);
        let n2 = self.mul(s_h, d2);
        let num = self.sub(num, n2);
        let s_l = self.div(num, d);
        // t = 3 + s^2 + r = t_h + t_l, with s^2 = s_h^2 + s_l (s_h + s).
        let z = self.mul(ss, ss);
        let l = self.poly(z, &POW_L);
        let z2 = self.mul(z, z);
        let r = self.mul(z2, l);
        let shs = self.add(s_h, ss);
        let c = self.mul(s_l, shs);
        let r = self.add(r, c);
        let sh2 = self.mul(s_h, s_h);
        let th = self.addc(sh2, 3.0);
        let th = self.add(th, r);
        let t_h = self.clear_low_bits(th, 32);
        let tl = self.addc(t_h, -3.0);
        let tl = self.sub(tl, sh2);
        let t_l = self.sub(r, tl);
        // s t = u + v, u exact; p = p_h + p_l with p_h of 21 bits.
        let u = self.mul(s_h, t_h);
        let v1 = self.mul(s_l, t_h);
        let v2 = self.mul(t_l, ss);
        let v = self.add(v1, v2);
        let p = self.add(u, v);
        let p_h = self.clear_low_bits(p, 32);
        let pu = self.sub(p_h, u);
        let p_l = self.sub(v, pu);
        // ln m = (2/3) p = z_h + z_l, z_h exact.
        let z_h = self.mulc(p_h, TWO3_H);
        let zl1 = self.mulc(p_h, TWO3_L);
        let zl2 = self.mulc(p_l, 2.0 / 3.0);
        let z_l = self.add(zl1, zl2);
        // ln|x| = k LN2_HI + z_h (TwoSum) + the small terms, then split l1 (21 bits) + l2.
        let a = self.mulc(k, LN2_HI);
        let (sh, e) = self.two_sum(a, z_h);
        let klo = self.mulc(k, LN2_LO);
        let lo = self.add(z_l, klo);
        let lo = self.add(lo, e);
        let lsum = self.add(sh, lo);
        let l1 = self.clear_low_bits(lsum, 32);
        let l2 = self.sub(sh, l1);
        let l2 = self.add(l2, lo);
        // Y = y ln|x| = yh + yl, yh exact.
        let y1 = self.clear_low_bits(y, 32);
        let yh = self.mul(y1, l1);
        let yy = self.sub(y, y1);
        let yl1 = self.mul(yy, l1);
        let yl2 = self.mul(y, l2);
        let yl = self.add(yl1, yl2);
        // Far past over- and underflow, clamp (the result saturates the same way).
        let ys = self.add(yh, yl);
        let over = self.cmpc(FloatCC::GreaterThan, ys, 800.0);
        let under = self.cmpc(FloatCC::LessThan, ys, -800.0);
        let ext = self.or(over, under);
        let yh = self.selc(over, 800.0, yh);
        let yh = self.selc(under, -800.0, yh);
        let zero = self.c(0.0);
        let yl = self.sel(ext, zero, yl);
        let ys = self.add(yh, yl);
        // e^Y: Cody-Waite as in exp, with Y's tail joining the reduction's.
        let v = self.mulc(ys, INV_LN2);
        let (n, _) = self.round_int(v);
        let nh = self.mulc(n, LN2_HI);
        let hi = self.sub(yh, nh);
        let nl = self.mulc(n, LN2_LO);
        let lo = self.sub(nl, yl);
        let t = self.exp_kernel(hi, lo);
        let e = self.rsubc(1.0, t);
        let r = self.scale(e, n);

        // Special cases, on |x| first.
        let ylt0 = self.cmpc(FloatCC::LessThan, y, 0.0);
        let inf = self.c(f64::INFINITY);
        let zero_or_inf = self.selc(ylt0, f64::INFINITY, zero);
        let inf_or_zero = self.selc(ylt0, 0.0, inf);
        let x0 = self.cmpc(FloatCC::Equal, ax, 0.0);
        let r = self.sel(x0, zero_or_inf, r);
        let xinf = self.cmpc(FloatCC::Equal, ax, f64::INFINITY);
        let r = self.sel(xinf, inf_or_zero, r);
        // y = +-inf: 1 if |x| = 1, else inf or 0 by whether |x| > 1 agrees with y > 0.
        let gt1 = self.cmpc(FloatCC::GreaterThan, ax, 1.0);
        let ygt0 = self.cmpc(FloatCC::GreaterThan, y, 0.0);
        let differ = self.b.ins().bxor(gt1, ygt0);
        let ry = self.selc(differ, 0.0, inf);
        let x1 = self.cmpc(FloatCC::Equal, ax, 1.0);
        let ry = self.selc(x1, 1.0, ry);
        let ay = self.b.ins().fabs(y);
        let yinf = self.cmpc(FloatCC::Equal, ay, f64::INFINITY);
        let r = self.sel(yinf, ry, r);
        // Negative x: odd integer y gives x's sign (also for -0 and -inf); a finite negative
        // x with a non-integer y gives NaN.
        let yt = self.b.ins().trunc(y);
        let half = self.mulc(y, 0.5);
        let ht = self.b.ins().trunc(half);
        let yint = self.cmp(FloatCC::Equal, yt, y);
        let hfrac = self.cmp(FloatCC::NotEqual, ht, half);
        let yodd = self.b.ins().band(yint, hfrac);
        let one = self.c(1.0);
        let sign = self.sel(yodd, x, one);
        let r = self.copysign(r, sign);
        let xneg = self.cmpc(FloatCC::LessThan, x, 0.0);
        let xfin = self.cmpc(FloatCC::GreaterThan, x, f64::NEG_INFINITY);
        let ynot = self.cmp(FloatCC::NotEqual, yt, y);
        let bad = self.b.ins().band(xneg, xfin);
        let bad = self.b.ins().band(bad, ynot);
        let r = self.selc(bad, f64::NAN, r);
        let nan = self.cmp(FloatCC::Unordered, x, y);
        let xy = self.add(x, y);
        let r = self.sel(nan, xy, r);
        // pow(x, 0) = 1 and pow(1, y) = 1, even for NaN.
        let y0 = self.cmpc(FloatCC::Equal, y, 0.0);
        let r = self.selc(y0, 1.0, r);
        let xone = self.cmpc(FloatCC::Equal, x, 1.0);
        self.selc(xone, 1.0, r)
    }

    /// hypot: `a = max(|x|, |y|)`, `b = min`, both scaled by a power of two into a range where
    /// squares neither overflow nor underflow (exactly), `a^2 + b^2` as an exact
    /// double-double (Dekker squares, TwoSum), its square root with one Newton correction
    /// (nearly correctly rounded, as glibc's is), scaled back. Infinities win over NaN (C99).
    fn hypot(&mut self, x: Value, y: Value) -> Value {
        let ax = self.b.ins().fabs(x);
        let ay = self.b.ins().fabs(y);
        let xbig = self.cmp(FloatCC::GreaterThan, ax, ay);
        let a = self.sel(xbig, ax, ay);
        let b = self.sel(xbig, ay, ax);
        let big = self.cmpc(FloatCC::GreaterThan, a, 2f64.powi(500));
        let tiny = self.cmpc(FloatCC::LessThan, a, 2f64.powi(-500));
        let one = self.c(1.0);
        let pre = self.selc(big, 2f64.powi(-600), one);
        let pre = self.selc(tiny, 2f64.powi(600), pre);
        let post = self.selc(big, 2f64.powi(600), one);
        let post = self.selc(tiny, 2f64.powi(-600), post);
        let a1 = self.mul(a, pre);
        let b1 = self.mul(b, pre);
        let (p1, e1) = self.two_square(a1);
        let (p2, e2) = self.two_square(b1);
        let (s_hi, se) = self.two_sum(p1, p2);
        let lo = self.add(e1, e2);
        let lo = self.add(se, lo);
        let h0 = self.b.ins().sqrt(s_hi);
        let (q, qe) = self.two_square(h0);
        let d = self.sub(s_hi, q);
        let d = self.sub(d, qe);
        let d = self.add(d, lo);
        let h2 = self.add(h0, h0);
        let corr = self.div(d, h2);
        let h = self.add(h0, corr);
        let h = self.mul(h, post);
        let zero = self.cmpc(FloatCC::Equal, a, 0.0);
        let h = self.selc(zero, 0.0, h);
        let nan = self.cmp(FloatCC::Unordered, x, y);
        let xy = self.add(x, y);
        let h = self.sel(nan, xy, h);
        let xi = self.cmpc(FloatCC::Equal, ax, f64::INFINITY);
        let yi = self.cmpc(FloatCC::Equal, ay, f64::INFINITY);
        let inf = self.or(xi, yi);
        self.selc(inf, f64::INFINITY, h)
    }

    /// fdlibm's atan2 made branch-free: `z = atan(|y| / |x|)`, then by the signs
    /// `z`, `-z`, `pi - (z - pi_lo)`, `(z - pi_lo) - pi`, choosing on x's sign bit so that
    /// -0 counts as negative. The special cases need no code of their own except 0/0
    /// (z = 0) and inf/inf (z = pi/4): the quotient's overflow to inf, underflow to 0 and
    /// the signed-zero rules come out of the general formula.
    fn atan2(&mut self, y: Value, x: Value) -> Value {
        let ay = self.b.ins().fabs(y);
        let ax = self.b.ins().fabs(x);
        let q = self.div(ay, ax);
        let z = self.atan_abs(q);
        let yz = self.cmpc(FloatCC::Equal, ay, 0.0);
        let xz = self.cmpc(FloatCC::Equal, ax, 0.0);
        let both0 = self.b.ins().band(yz, xz);
        let z = self.selc(both0, 0.0, z);
        let yi = self.cmpc(FloatCC::Equal, ay, f64::INFINITY);
        let xi = self.cmpc(FloatCC::Equal, ax, f64::INFINITY);
        let both_inf = self.b.ins().band(yi, xi);
        let z = self.selc(both_inf, PIO4_HI, z);
        // x's sign bit as an all-ones mask.
        let xb = self.bits(x);
        let xneg = self.b.ins().sshr_imm_u(xb, 63);
        let zl = self.addc(z, -PIO2_LO * 2.0);
        let left = self.rsubc(PI, zl);
        let r = self.bitsel(xneg, left, z);
        let r = self.copysign(r, y);
        let nan = self.cmp(FloatCC::Unordered, x, y);
        let xy = self.add(x, y);
        self.sel(nan, xy, r)
    }
}

// ---------------------------------------------------------------------------------------------
// float32 constants (see the module doc for where they come from).

/// 1.5 * 2^23: adding and subtracting it rounds an `f32` of magnitude < 2^22 to an integer,
/// and the sum's bit pattern is `0x4b40_0000 + n`.
const MAGIC32: f64 = 12582912.0;
const MAGIC32_BITS: i64 = 0x4b40_0000;
const INV_LN2_32: f64 = f32::from_bits(0x3fb8_aa3b) as f64;
/// ln 2 = L2H32 (15 significant bits: `k * L2H32` exact for |k| < 2^9) + L2L32.
const L2H32: f64 = f32::from_bits(0x3f31_7200) as f64;
const L2L32: f64 = f32::from_bits(0x35bf_be8e) as f64;
/// Below this `|x|`, `n = round(x / ln 2)` is in [-125, 127] and `e^x` normal and finite.
const EXP32_FAST_MAX: f64 = 86.5;
/// exp: (e^r - 1 - r) / r^2 on |r| <= 0.3467, degree 4 (Chebyshev fit made with mpmath,
/// relative error 2^-22.8 with the coefficients rounded to f32; the term `r^2 P(r)` is at
/// most 7% of the result).
const EXP32_P: [f64; 5] = [
    f32::from_bits(0x3f00_0000) as f64, // 5.000000000e-01
    f32::from_bits(0x3e2a_aa6e) as f64, // 1.666657627e-01
    f32::from_bits(0x3d2a_aa8d) as f64, // 4.166655615e-02
    f32::from_bits(0x3c09_05c8) as f64, // 8.363194764e-03
    f32::from_bits(0x3ab6_8896) as f64, // 1.392620383e-03
];
/// logf: R(z) ~ (log((1+s)/(1-s)) - 2s)/s, z = s^2, |s| <= 0.1716 (FreeBSD e_logf.c Lg1..Lg4,
/// error < 2^-34.24).
const LOG32_LG: [f64; 4] = [
    f32::from_bits(0x3f2a_aaaa) as f64, // 6.6666662693e-01
    f32::from_bits(0x3ecc_ce13) as f64, // 4.0000972152e-01
    f32::from_bits(0x3e91_e9ee) as f64, // 2.8498786688e-01
    f32::from_bits(0x3e78_9e26) as f64, // 2.4279078841e-01
];
/// 1/ln 2, 1/ln 10 (12 significant bits each, rounded) and log10(2) (16 bits) as high + low
/// parts (FreeBSD's e_log2f.c/e_log10f.c split, recomputed with mpmath).
const IVLN2_HI32: f64 = f32::from_bits(0x3fb8_b000) as f64;
const IVLN2_LO32: f64 = f32::from_bits(0xb938_9ad4) as f64;
const IVLN10_HI32: f64 = f32::from_bits(0x3ede_6000) as f64;
const IVLN10_LO32: f64 = f32::from_bits(0xb804_ead9) as f64;
const LOG10_2_HI32: f64 = f32::from_bits(0x3e9a_2100) as f64;
const LOG10_2_LO32: f64 = f32::from_bits(0xb64a_f608) as f64;
/// ln 2 to 12 significant bits, and the rest.
const LN2_H12: f64 = f32::from_bits(0x3f31_7000) as f64;
const LN2_L12: f64 = f32::from_bits(0x3805_fdf4) as f64;
const LN2_32: f64 = f32::from_bits(0x3f31_7218) as f64;
/// ln 2 - LN2_32, rounded to f32.
const L2T32: f64 = f32::from_bits(0xb102_e308) as f64;
/// tanh of float32 arguments, evaluated in f64: (e^r - 1 - r) / r^2 on |r| <= 0.3467,
/// degree 6 (Chebyshev fit made with mpmath, relative error 2^-34).
const TANH32_E: [f64; 7] = [
    f64::from_bits(0x3fe0_0000_0000_0000), // 5.00000000000000000e-01
    f64::from_bits(0x3fc5_5555_5675_a7df), // 1.66666667191122081e-01
    f64::from_bits(0x3fa5_5555_55c8_a024), // 4.16666667190954965e-02
    f64::from_bits(0x3f81_110c_61e5_0f27), // 8.33329843283754472e-03
    f64::from_bits(0x3f56_c168_57b3_af8e), // 1.38888539987200603e-03
    f64::from_bits(0x3f2a_151a_41f3_6204), // 1.98993163371921741e-04
    f64::from_bits(0x3efa_1134_1e45_2c9d), // 2.48596205818905670e-05
];
/// sin and cos of float32 arguments: sin r = r + r^3 S(r^2) and cos r = 1 - r^2/2 +
/// r^4 C(r^2) on |r| <= 0.87 (Chebyshev fits made with mpmath, coefficients rounded to f32,
/// relative error of `S` 2^-22.0, of `C` 2^-23.0; the terms they give are at most 13% and 4%
/// of the result).
const SIN32_S: [f64; 3] = [
    f32::from_bits(0xbe2a_aaa8) as f64, // -1.666666269e-01
    f32::from_bits(0x3c08_84d8) as f64, // 8.332453668e-03
    f32::from_bits(0xb94c_cb9d) as f64, // -1.953080791e-04
];
const COS32_C: [f64; 3] = [
    f32::from_bits(0x3d2a_aaaa) as f64, // 4.166666418e-02
    f32::from_bits(0xbab6_086c) as f64, // -1.388800796e-03
    f32::from_bits(0x37cd_716e) as f64, // 2.449072417e-05
];
const INV_PIO2_32: f64 = f32::from_bits(0x3f22_f983) as f64;
/// [`sin32`]'s pi = PI32_1 (33 significant bits: `n PI32_1` exact for |n| < 2^20) + PI32_2
/// (pi - PI32_1 rounded; the rest is 7.0e-27): twice fdlibm's `pio2_1` and `pio2_1t`.
const PI32_1: f64 = f64::from_bits(0x4009_21fb_5440_0000);
const PI32_2: f64 = f64::from_bits(0x3de0_b461_1a62_6331);
const INV_PI_64: f64 = f64::from_bits(0x3fd4_5f30_6dc9_c883);
/// sin(r) = r + r^3 S(r^2) for |r| <= pi/2: minimax (relative error of sin) fitted for this
/// module by iteratively reweighted least squares, error 2^-27.3 (checked with mpmath).
const SIN32_PI: [f64; 4] = [
    f64::from_bits(0xbfc5_5554_bc75_a86e), // -1.666665954792878e-01
    f64::from_bits(0x3f81_10ed_3555_528e), // 8.333066167929528e-03
    f64::from_bits(0xbf29_f6ff_5f03_a01d), // -1.980959637031273e-04
    f64::from_bits(0x3ec5_dbd6_4b92_b134), // 2.605764703197738e-06
];

/// float32 algorithms (`F32` or `F32X4` lanes; [`Em::tanh_f32`] works in f64 lanes).
impl Em<'_, '_> {
    fn unary32(&mut self, op: UnaryOp, x: Value) -> Value {
        use UnaryOp::*;
        match op {
            Exp => self.exp32(x),
            Log => self.log32(x),
            Log1p => self.log1p32(x),
            Exp2 => self.exp2_32(x),
            Expm1 => self.expm1_32(x),
            Log2 => self.log2_10_32(x, false),
            Log10 => self.log2_10_32(x, true),
            _ => unreachable!("native_f32 lists {op:?} without an emitter"),
        }
    }

    /// `(n, bits)`: `v` rounded to the nearest integer `n` (|v| < 2^22) and the bit pattern
    /// `MAGIC32_BITS + n`.
    fn round32(&mut self, v: Value) -> (Value, Value) {
        let t = self.addc(v, MAGIC32);
        let n = self.addc(t, -MAGIC32);
        let bits = self.bits(t);
        (n, bits)
    }

    /// `y * 2^n` rounded once, `nb` from [`Em::round32`] with `n` in [-252, 254]: two
    /// normal powers of two, the first product exact for `y` near 1.
    fn scale32(&mut self, y: Value, nb: Value) -> Value {
        let magic = self.ci(MAGIC32_BITS);
        let n = self.b.ins().isub(nb, magic);
        let n1 = self.b.ins().sshr_imm_u(n, 1);
        let n2 = self.b.ins().isub(n, n1);
        let bias = self.ci(127);
        let e1 = self.b.ins().iadd(n1, bias);
        let e1 = self.b.ins().ishl_imm_u(e1, 23);
        let e2 = self.b.ins().iadd(n2, bias);
        let e2 = self.b.ins().ishl_imm_u(e2, 23);
        let p1 = self.float(e1);
        let p2 = self.float(e2);
        let y = self.mul(y, p1);
        self.mul(y, p2)
    }

    /// `e^(hi - lo)` for `|hi - lo| <= 0.3467`, `lo` small: `1 + (r + (r^2 P(r) + e))` with
    /// `r = hi - lo` and `e` its rounding error.
    fn exp32_core(&mut self, hi: Value, lo: Value) -> Value {
        self.exp32_poly(hi, lo, true)
    }

    /// [`Em::exp32_core`], or without the rounding error of `r` when not `compensated`:
    /// `1 + (r + r^2 P(r))` (enough for exp's reduction, whose `r` is within 2^-25.5 of
    /// 0.3466 at most: still within 1 ULP everywhere, exhaustively checked).
    fn exp32_poly(&mut self, hi: Value, lo: Value, compensated: bool) -> Value {
        if !compensated {
            let r = self.sub(hi, lo);
            let z = self.mul(r, r);
            let p = self.poly(r, &EXP32_P);
            let q = self.mul(z, p);
            let t = self.add(r, q);
            return self.addc(t, 1.0);
        }
        let r = self.sub(hi, lo);
        let e = self.sub(hi, r);
        let e = self.sub(e, lo);
        let z = self.mul(r, r);
        let p = self.poly(r, &EXP32_P);
        let q = self.mul(z, p);
        let q = self.add(q, e);
        let t = self.add(r, q);
        self.addc(t, 1.0)
    }

    /// exp: `x` clamped to [-104, 89] (the results saturate to 0 and inf there), Cody-Waite
    /// `x = n ln2 + r` with `n ln2`'s high part exact, [`Em::exp32_core`], [`Em::scale32`].
    ///
    /// Emitted twice: the common path for `|x| <= EXP32_FAST_MAX` (every lane's result
    /// normal and finite, so `2^n` is added to the exponent field of `e^r` as an integer,
    /// and no clamp), and a cold block with the full version ([`Em::exp32_full`]), taken
    /// when any lane is out of that range (or NaN); the builder continues in a new, sealed
    /// block.
    fn exp32(&mut self, x: Value) -> Value {
        if self.fma {
            let fast = self.exp32_fma(x, false);
            let ax = self.b.ins().fabs(x);
            let out = self.cmpc(FloatCC::UnorderedOrGreaterThan, ax, EXP32_FAST_MAX);
            return self.cold_unless(out, fast, x, |em, x| em.exp32_fma(x, true));
        }
        let v = self.mulc(x, INV_LN2_32);
        let (n, nb) = self.round32(v);
        let nh = self.mulc(n, L2H32);
        let hi = self.sub(x, nh);
        let lo = self.mulc(n, L2L32);
        let y = self.exp32_poly(hi, lo, false);
        // bits(MAGIC32 + n) << 23 = n << 23: MAGIC32_BITS's low 22 bits are zero.
        let sh = self.b.ins().ishl_imm_u(nb, 23);
        let yb = self.bits(y);
        let rb = self.b.ins().iadd(yb, sh);
        let fast = self.float(rb);
        let ax = self.b.ins().fabs(x);
        let out = self.cmpc(FloatCC::UnorderedOrGreaterThan, ax, EXP32_FAST_MAX);
        self.cold_unless(out, fast, x, |em, x| em.exp32_full(x))
    }

    /// [`Em::exp32`] with fused multiply-adds, `full` for any `x`, else for
    /// `|x| <= EXP32_FAST_MAX`: `n` rounded from the exact `x / ln2`, `hi = x - n LN2_32`
    /// exact in one `fma` (`LN2_32` is ln 2 to 24 bits: `hi` is a multiple of 2^-25 below
    /// 1/2), `r = hi - n L2T32` in another, `1 + (r + r^2 P(r))` with `P` by `fma`s.
    fn exp32_fma(&mut self, x: Value, full: bool) -> Value {
        let x = if full { self.clamp(x, -104.0, 89.0) } else { x };
        let magic = self.c(MAGIC32);
        let t = self.mlak(x, INV_LN2_32, magic);
        let n = self.addc(t, -MAGIC32);
        let nb = self.bits(t);
        let hi = self.mlak(n, -LN2_32, x);
        let r = self.mlak(n, -L2T32, hi);
        let z = self.mul(r, r);
        let p = self.poly(r, &EXP32_P);
        let w = self.mla(z, p, r);
        let y = self.addc(w, 1.0);
        if full {
            return self.scale32(y, nb);
        }
        let sh = self.b.ins().ishl_imm_u(nb, 23);
        let yb = self.bits(y);
        let rb = self.b.ins().iadd(yb, sh);
        self.float(rb)
    }

    /// exp for every `x`, branch-free: the slow path of [`Em::exp32`].
    fn exp32_full(&mut self, x: Value) -> Value {
        let x = self.clamp(x, -104.0, 89.0);
        let v = self.mulc(x, INV_LN2_32);
        let (n, nb) = self.round32(v);
        let nh = self.mulc(n, L2H32);
        let hi = self.sub(x, nh);
        let lo = self.mulc(n, L2L32);
        let y = self.exp32_poly(hi, lo, false);
        self.scale32(y, nb)
    }

    /// `(k, f)` with `x = 2^k (1 + f)`, `1 + f` in [sqrt(2)/2, sqrt(2)), for positive finite
    /// `x` (subnormals scaled by 2^23 first when `subnormal`); `f` is exact.
    fn log_reduce32(&mut self, x: Value, subnormal: bool) -> (Value, Value) {
        let (x, kadj) = if subnormal {
            let tiny = self.cmpc(FloatCC::LessThan, x, f64::from(f32::MIN_POSITIVE));
            let scaled = self.mulc(x, 8388608.0); // 2^23
            let x = self.sel(tiny, scaled, x);
            let zero = self.c(0.0);
            let kadj = self.selc(tiny, -23.0, zero);
            (x, Some(kadj))
        } else {
            (x, None)
        };
        let xb = self.bits(x);
        let shift = self.ci(0x3f80_0000 - 0x3f35_04f3);
        let ix = self.b.ins().iadd(xb, shift);
        let ke = self.b.ins().sshr_imm_u(ix, 23);
        let bias = self.ci(127);
        let ke = self.b.ins().isub(ke, bias);
        let k = self.b.ins().fcvt_from_sint(self.ty, ke);
        let k = match kadj {
            Some(a) => self.add(k, a),
            None => k,
        };
        let mmask = self.ci(0x007f_ffff);
        let m = self.b.ins().band(ix, mmask);
        let sqrt_half = self.ci(0x3f35_04f3);
        let m = self.b.ins().iadd(m, sqrt_half);
        let m = self.float(m);
        let f = self.addc(m, -1.0);
        (k, f)
    }

    /// `log(1 + f) + c`, `|c|` tiny, plus `k ln 2`: FreeBSD's logf evaluation order,
    /// `k ln2_hi - ((hfsq - (s (hfsq + R) + (k ln2_lo + c))) - f)`, `s = f / (2 + f)`.
    fn log32_core(&mut self, k: Value, f: Value, c: Option<Value>) -> Value {
        let ff = self.mul(f, f);
        let hfsq = self.mulc(ff, 0.5);
        let d = self.addc(f, 2.0);
        let s = self.div(f, d);
        let z = self.mul(s, s);
        let w = self.mul(z, z);
        let t1 = self.poly(w, &[LOG32_LG[1], LOG32_LG[3]]);
        let t1 = self.mul(w, t1);
        let t2 = self.poly(w, &[LOG32_LG[0], LOG32_LG[2]]);
        let t2 = self.mul(z, t2);
        let r = self.add(t2, t1);
        if self.fma {
            // The same sums, fused where a product feeds them (`k L2H32` is exact).
            let klo = match c {
                Some(c) => self.mlak(k, L2L32, c),
                None => self.mulc(k, L2L32),
            };
            let hr = self.add(hfsq, r);
            let t = self.mla(s, hr, klo);
            let t = self.sub(hfsq, t);
            let t = self.sub(f, t);
            return self.mlak(k, L2H32, t);
        }
        let klo = self.mulc(k, L2L32);
        let klo = match c {
            Some(c) => self.add(klo, c),
            None => klo,
        };
        let khi = self.mulc(k, L2H32);
        let hr = self.add(hfsq, r);
        let t = self.mul(s, hr);
        let t = self.add(t, klo);
        let t = self.sub(hfsq, t);
        let t = self.sub(t, f);
        self.sub(khi, t)
    }

    fn log32(&mut self, x: Value) -> Value {
        let (k, f) = self.log_reduce32(x, true);
        let r = self.log32_core(k, f, None);
        self.log_specials(x, r)
    }

    /// log1p: `u = 1 + x` reduced like log, plus the rounding error of `1 + x` relative to
    /// `u`, `c / u` with `c = x - (u - 1)` (or `1 - (u - x)` for `x >= 1`; both exact).
    ///
    /// The common path, for every lane in (-1, inf), takes `c` by Fast2Sum of
    /// `max(x, 1) + min(x, 1)` and needs no special values but `-0`; a cold block with the
    /// full version ([`Em::log1p32_full`]) serves vectors with any other lane.
    fn log1p32(&mut self, x: Value) -> Value {
        let u = self.addc(x, 1.0);
        let (k, f) = self.log_reduce32(u, false);
        let one = self.c(1.0);
        let gt1 = self.cmp(FloatCC::LessThan, one, x);
        let a = self.sel(gt1, x, one);
        let lt1 = self.cmp(FloatCC::LessThan, x, one);
        let bb = self.sel(lt1, x, one);
        let ua = self.sub(u, a);
        let c = self.sub(bb, ua);
        let c = self.div(c, u);
        let res = self.log32_core(k, f, Some(c));
        let zero = self.cmpc(FloatCC::Equal, x, 0.0);
        let fast = self.sel(zero, x, res);
        let low = self.cmpc(FloatCC::UnorderedOrLessThanOrEqual, x, -1.0);
        let inf = self.cmpc(FloatCC::Equal, x, f64::INFINITY);
        let out = self.or(low, inf);
        self.cold_unless(out, fast, x, |em, x| em.log1p32_full(x))
    }

    /// log1p for every `x`, branch-free: the slow path of [`Em::log1p32`].
    fn log1p32_full(&mut self, x: Value) -> Value {
        let u = self.addc(x, 1.0);
        let (k, f) = self.log_reduce32(u, false);
        let um1 = self.addc(u, -1.0);
        let c_small = self.sub(x, um1);
        let umx = self.sub(u, x);
        let c_big = self.rsubc(1.0, umx);
        let ge1 = self.cmpc(FloatCC::GreaterThanOrEqual, x, 1.0);
        let c = self.sel(ge1, c_big, c_small);
        let c = self.div(c, u);
        let res = self.log32_core(k, f, Some(c));
        let inf = self.cmpc(FloatCC::Equal, x, f64::INFINITY);
        let res = self.selc(inf, f64::INFINITY, res);
        let m1 = self.cmpc(FloatCC::Equal, x, -1.0);
        let res = self.selc(m1, f64::NEG_INFINITY, res);
        let bad = self.cmpc(FloatCC::UnorderedOrLessThan, x, -1.0);
        let res = self.selc(bad, f64::NAN, res);
        let zero = self.cmpc(FloatCC::Equal, x, 0.0);
        self.sel(zero, x, res)
    }

    /// `2^x = 2^n e^(r ln2)`, `n = round(x)`, `r = x - n` exact; `r ln2` as the unevaluated
    /// sum of `r_h LN2_H12` (exact: `r_h` is `r` cut to 12 significant bits) and the small
    /// rest, fed to [`Em::exp32_core`].
    fn exp2_32(&mut self, x: Value) -> Value {
        let x = self.clamp(x, -160.0, 130.0);
        let (n, nb) = self.round32(x);
        let r = self.sub(x, n);
        let rh = self.clear_low_bits(r, 12);
        let rl = self.sub(r, rh);
        let hi = self.mulc(rh, LN2_H12);
        let a = self.mulc(rh, LN2_L12);
        let b = self.mulc(rl, LN2_32);
        let lo = self.add(a, b);
        let lo = self.b.ins().fneg(lo);
        let y = self.exp32_core(hi, lo);
        self.scale32(y, nb)
    }

    /// expm1: reduced as exp (`x` clamped to [-30, 89]), `e^r - 1 = p_hi + p_lo` exactly
    /// up to the polynomial's error (the reduction's rounding error folded in, the sum split
    /// by Fast2Sum), then `2^n - 1 + 2^n (p_hi + p_lo)` with `2^n - 1` and the first sum
    /// carried as double-floats, one rounding at full weight. For `n > 40` the `- 1` is
    /// negligible and the result is exp's.
    fn expm1_32(&mut self, x0: Value) -> Value {
        let x = self.clamp(x0, -30.0, 89.0);
        let v = self.mulc(x, INV_LN2_32);
        let (n, nb) = self.round32(v);
        let nh = self.mulc(n, L2H32);
        let hi = self.sub(x, nh);
        let lo = self.mulc(n, L2L32);
        let r = self.sub(hi, lo);
        let e = self.sub(hi, r);
        let e = self.sub(e, lo);
        let z = self.mul(r, r);
        let p = self.poly(r, &EXP32_P);
        let q = self.mul(z, p);
        let q = self.add(q, e);
        let ph = self.add(r, q);
        let pl = self.sub(ph, r);
        let pl = self.sub(q, pl);
        // Large n: exp.
        let y = self.addc(ph, 1.0);
        let big = self.scale32(y, nb);
        // 2^n for n in [-44, 40] (other lanes are not used).
        let magic = self.ci(MAGIC32_BITS - 127);
        let ni = self.b.ins().isub(nb, magic);
        let ni = self.b.ins().ishl_imm_u(ni, 23);
        let p2 = self.float(ni);
        let s = self.addc(p2, -1.0);
        let serr = self.sub(s, p2);
        let serr = self.rsubc(-1.0, serr);
        let th = self.mul(p2, ph);
        let tl = self.mul(p2, pl);
        let sum = self.add(s, th);
        let err = self.sub(sum, s);
        let err = self.sub(th, err);
        let lo = self.add(err, serr);
        let lo = self.add(lo, tl);
        let mid = self.add(sum, lo);
        let gt = self.cmpc(FloatCC::GreaterThan, n, 40.0);
        let res = self.sel(gt, big, mid);
        // expm1(+-0) = +-0.
        let zero = self.cmpc(FloatCC::Equal, x0, 0.0);
        self.sel(zero, x0, res)
    }

    /// log2 and log10 (FreeBSD's e_log2f.c/e_log10f.c scheme): `log(1 + f) = hi + lo` with
    /// `hi = f - f^2/2` cut to 12 significant bits, so `hi * IVLN_HI` is exact, then the
    /// small terms summed first and `k log_b 2` (exact high part) last.
    fn log2_10_32(&mut self, x: Value, ten: bool) -> Value {
        let (k, f) = self.log_reduce32(x, true);
        let ff = self.mul(f, f);
        let hfsq = self.mulc(ff, 0.5);
        let d = self.addc(f, 2.0);
        let s = self.div(f, d);
        let z = self.mul(s, s);
        let w = self.mul(z, z);
        let t1 = self.poly(w, &[LOG32_LG[1], LOG32_LG[3]]);
        let t1 = self.mul(w, t1);
        let t2 = self.poly(w, &[LOG32_LG[0], LOG32_LG[2]]);
        let t2 = self.mul(z, t2);
        let r = self.add(t2, t1);
        let hr = self.add(hfsq, r);
        let r = self.mul(s, hr);
        let hi = self.sub(f, hfsq);
        let hi = self.clear_low_bits(hi, 12);
        let lo = self.sub(f, hi);
        let lo = self.sub(lo, hfsq);
        let lo = self.add(lo, r);
        let (ihi, ilo) = if ten {
            (IVLN10_HI32, IVLN10_LO32)
        } else {
            (IVLN2_HI32, IVLN2_LO32)
        };
        let lh = self.add(lo, hi);
        let a = self.mulc(lh, ilo);
        let bb = self.mulc(lo, ihi);
        let mut acc = self.add(a, bb);
        let hh = self.mulc(hi, ihi);
        let res = if ten {
            let kl = self.mulc(k, LOG10_2_LO32);
            acc = self.add(kl, acc);
            let acc = self.add(acc, hh);
            let kh = self.mulc(k, LOG10_2_HI32);
            self.add(acc, kh)
        } else {
            let acc = self.add(acc, hh);
            self.add(acc, k)
        };
        self.log_specials(x, res)
    }

    /// tanh of a float32 argument given widened to f64: `m / (m + 2)` with
    /// `m = e^2|x| - 1 = (2^n - 1) + 2^n expm1(r)` (`2|x|` clamped to 20, where tanh is 1 in
    /// float32; `r` reduced as exp does; `expm1(r) = r + r^2 P(r)`), every step good to a few
    /// f64 ULP, with the sign of `x`; the caller rounds once to f32.
    fn tanh_f32(&mut self, x: Value) -> Value {
        let a = self.b.ins().fabs(x);
        let a2 = self.add(a, a);
        let a2 = self.clamp(a2, 0.0, 20.0);
        let v = self.mulc(a2, INV_LN2);
        let (n, nb) = self.round_int(v);
        let nh = self.mulc(n, LN2_HI);
        let hi = self.sub(a2, nh);
        let lo = self.mulc(n, LN2_LO);
        let r = self.sub(hi, lo);
        let z = self.mul(r, r);
        let p = self.poly(r, &TANH32_E);
        let q = self.mul(z, p);
        let q = self.add(r, q);
        // 2^n from the bits of n + MAGIC (see `pow2`).
        let bias = self.ci(1023);
        let e = self.b.ins().iadd(nb, bias);
        let e = self.b.ins().ishl_imm_u(e, 52);
        let p2 = self.float(e);
        let s = self.addc(p2, -1.0);
        let t = self.mul(p2, q);
        let m = self.add(s, t);
        let d = self.addc(m, 2.0);
        let res = self.div(m, d);
        self.copysign(res, x)
    }

    /// The slow path of [`sin_cos_32`], taken on the f32 value (scalar or all four
    /// lanes at once, after the halves are joined: one branch per vector, and no constant of
    /// the fast path live across the calls); `fast` for other ops.
    fn f32_slow_path(&mut self, op: UnaryOp, x: Value, fast: Value) -> Value {
        if !matches!(op, UnaryOp::Sin | UnaryOp::Cos) {
            return fast;
        }
        let ax = self.b.ins().fabs(x);
        let huge = self.cmpc(FloatCC::GreaterThan, ax, TRIG_FAST_MAX);
        self.slow_path(op, huge, x, fast)
    }
}

// Explicit paths: the benchmark and the exhaustive example include this file by path.
#[cfg(test)]
#[path = "vecmath/kernel.rs"]
mod kernel;
#[cfg(test)]
#[path = "vecmath/tests.rs"]
mod tests;
