//! Per-element semantics of complex64 and complex128, as NumPy computes them.
//!
//! NumPy's complex loops mostly call C99's `<complex.h>` functions (glibc on Linux) and, for a
//! few ufuncs, its own formulas (`npy_cpow`, Smith's division, `nc_log1p`, `nc_expm1`, the
//! lexicographic comparisons). Those formulas are copied here. The C99 functions are written
//! out with their Annex G special values (infinities, NaNs, signed zeros) where a golden test
//! checks them (`sqrt`, `exp`, `log`, the hyperbolic functions and through them the circular
//! ones); the inverse functions use Kahan's formulas, which follow the same branch cuts.
//!
//! Every formula is written once, generic over the part type ([`Part`]: f32 or f64), and
//! complex64 is computed in f32 as NumPy computes it (its `npy_cpowf`, `csqrtf`, ... work in
//! single precision): computing in f64 and rounding would differ from NumPy by far more than
//! the last bit where errors accumulate (an integer power's repeated squaring, say). The few
//! constants that depend on the precision (csqrt's overflow threshold, ctanh's cut-over) are
//! the part type's.

use super::scalar::Num;
use crate::element::{Complex32, Complex64, RealElement};
use crate::op::{BinaryOp, UnaryOp};
use num_complex::Complex;
use num_traits::Float;

/// The part type of a complex element (f32 for complex64, f64 for complex128) with the
/// precision-dependent constants of the formulas.
pub trait Part: Float + RealElement {
    /// csqrt scales its argument down from here on against overflow: `MAX / (1 + sqrt 2)`.
    const SQRT_THRESH: Self;
    /// ctanh gives `+-1` for the real part from this `|x|` on (FreeBSD's `ctanh` / `ctanhf`
    /// cut-overs: 22 for double, 9 for float).
    const TANH_BIG: Self;
    /// ln 2.
    const LN_2: Self;
    /// log2 e.
    const LOG2_E: Self;
    /// log10 e.
    const LOG10_E: Self;
    /// A literal of the formulas (exact in both types: small integers, halves, quarters).
    fn lit(v: f64) -> Self;
    /// Round half to even (NumPy's `rint`).
    fn round_even(self) -> Self;
    /// The value as f64 (exact).
    fn wide(self) -> f64;
}

impl Part for f64 {
    const SQRT_THRESH: f64 = 7.446288774449766e307;
    const TANH_BIG: f64 = 22.0;
    const LN_2: f64 = std::f64::consts::LN_2;
    const LOG2_E: f64 = std::f64::consts::LOG2_E;
    const LOG10_E: f64 = std::f64::consts::LOG10_E;
    fn lit(v: f64) -> f64 {
        v
    }
    fn round_even(self) -> f64 {
        self.round_ties_even()
    }
    fn wide(self) -> f64 {
        self
    }
}

impl Part for f32 {
    const SQRT_THRESH: f32 = f32::MAX / (1.0 + std::f32::consts::SQRT_2);
    const TANH_BIG: f32 = 9.0;
    const LN_2: f32 = std::f32::consts::LN_2;
    const LOG2_E: f32 = std::f32::consts::LOG2_E;
    const LOG10_E: f32 = std::f32::consts::LOG10_E;
    fn lit(v: f64) -> f32 {
        v as f32
    }
    fn round_even(self) -> f32 {
        self.round_ties_even()
    }
    fn wide(self) -> f64 {
        f64::from(self)
    }
}

type C = Complex64;

/// A complex binary function of part type `F`.
pub type BinaryFn<F> = fn(Complex<F>, Complex<F>) -> Complex<F>;

/// A complex comparison of part type `F`.
pub type CompareFn<F> = fn(Complex<F>, Complex<F>) -> bool;

fn c<F: Part>(re: F, im: F) -> Complex<F> {
    Complex::new(re, im)
}

fn l<F: Part>(v: f64) -> F {
    F::lit(v)
}

/// NumPy's complex division (Smith's algorithm, `loops_arithm_fp`'s `CDOUBLE_divide`).
pub fn div<F: Part>(a: Complex<F>, b: Complex<F>) -> Complex<F> {
    let (ar, ai, br, bi) = (a.re, a.im, b.re, b.im);
    let (abs_br, abs_bi) = (br.abs(), bi.abs());
    if abs_br >= abs_bi {
        if abs_br == F::zero() && abs_bi == F::zero() {
            // Division by zero gives a complex inf or nan, as NumPy's loop.
            c(ar / abs_br, ai / abs_br)
        } else {
            let rat = bi / br;
            let scl = F::one() / (br + bi * rat);
            c((ar + ai * rat) * scl, (ai - ar * rat) * scl)
        }
    } else {
        let rat = br / bi;
        let scl = F::one() / (bi + br * rat);
        c((ar * rat + ai) * scl, (ai * rat - ar) * scl)
    }
}

fn mul<F: Part>(a: Complex<F>, b: Complex<F>) -> Complex<F> {
    c(a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re)
}

/// NumPy's `multiply` loop for complex: its SIMD kernels (AVX2 / AVX-512 with FMA, which
/// x86-64 NumPy builds dispatch to) fuse one product of each part into the other,
/// `re = fma(ar, br, -(ai bi))`, `im = fma(ar, bi, ai br)`. The scalar products inside
/// `npy_cpow` are the plain [`mul`].
fn mul_fused<F: Part>(a: Complex<F>, b: Complex<F>) -> Complex<F> {
    c(
        a.re.mul_add(b.re, -(a.im * b.im)),
        a.re.mul_add(b.im, a.im * b.re),
    )
}

/// NumPy's `npy_cpow`: small integral real exponents by repeated squaring, the rest
/// `exp(b * log(a))`.
pub fn pow<F: Part>(a: Complex<F>, b: Complex<F>) -> Complex<F> {
    let (br, bi) = (b.re, b.im);
    let (zero, one) = (F::zero(), F::one());
    if br == zero && bi == zero {
        return c(one, zero);
    }
    if a.re == zero && a.im == zero {
        // NumPy 2: 0 ** b is 0 for any b with a positive real part.
        return if br > zero {
            c(zero, zero)
        } else {
            c(F::nan(), F::nan())
        };
    }
    if bi == zero && br == br.trunc() && br > l(-100.0) && br < l(100.0) {
        let n = br.wide() as i64;
        if n == 1 {
            return a;
        }
        if n == 2 {
            return mul(a, a);
        }
        if n == 3 {
            return mul(mul(a, a), a);
        }
        let mut m = n.unsigned_abs();
        let mut acc = c(one, zero);
        let mut p = a;
        loop {
            if m & 1 == 1 {
                acc = mul(acc, p);
            }
            m >>= 1;
            if m == 0 {
                break;
            }
            p = mul(p, p);
        }
        return if br < zero {
            div(c(one, zero), acc)
        } else {
            acc
        };
    }
    exp(mul(b, log(a)))
}

/// C99 `cexp` with Annex G's special values.
pub fn exp<F: Part>(z: Complex<F>) -> Complex<F> {
    let (x, y) = (z.re, z.im);
    if y == F::zero() {
        return c(x.exp(), y);
    }
    if x.is_infinite() && !y.is_finite() {
        return if x < F::zero() {
            c(F::zero(), F::zero())
        } else {
            c(F::infinity(), F::nan())
        };
    }
    if x.is_nan() {
        return c(F::nan(), F::nan());
    }
    let e = x.exp();
    if x.is_infinite() {
        // exp(-inf) = 0 and exp(inf) = inf times a finite cos/sin: keep the signs of cos/sin.
        return c(e * y.cos(), e * y.sin());
    }
    let (s, co) = y.sin_cos();
    c(e * co, e * s)
}

/// C99 `clog`: `ln|z| + i arg z`.
pub fn log<F: Part>(z: Complex<F>) -> Complex<F> {
    c(z.re.hypot(z.im).ln(), z.im.atan2(z.re))
}

/// NumPy's `nc_log1p`.
fn log1p<F: Part>(z: Complex<F>) -> Complex<F> {
    let one = F::one();
    let m = (z.re + one).hypot(z.im);
    c(m.ln(), z.im.atan2(z.re + one))
}

/// NumPy's `nc_expm1`.
fn expm1<F: Part>(z: Complex<F>) -> Complex<F> {
    let a = (z.im / l(2.0)).sin();
    c(
        z.re.exp_m1() * z.im.cos() - l::<F>(2.0) * a * a,
        z.re.exp() * z.im.sin(),
    )
}

/// C99 `csqrt` (FreeBSD's, with its scaling against overflow). `b - b` is 0 for finite b and
/// NaN for infinite or NaN b.
#[allow(clippy::eq_op)]
pub fn sqrt<F: Part>(z: Complex<F>) -> Complex<F> {
    let (a, b) = (z.re, z.im);
    let zero = F::zero();
    if a == zero && b == zero {
        return c(zero, b);
    }
    if b.is_infinite() {
        return c(F::infinity(), b);
    }
    if a.is_nan() {
        return c(a, F::nan());
    }
    if a.is_infinite() {
        return if a < zero {
            c((b - b).abs(), F::infinity().copysign(b))
        } else {
            c(a, (b - b).copysign(b))
        };
    }
    if b.is_nan() {
        return c(F::nan(), b);
    }
    let scale = a.abs() >= F::SQRT_THRESH || b.abs() >= F::SQRT_THRESH;
    let (a, b) = if scale {
        (a * l(0.25), b * l(0.25))
    } else {
        (a, b)
    };
    let half = l::<F>(0.5);
    let two = l::<F>(2.0);
    let r = if a >= zero {
        let t = ((a + a.hypot(b)) * half).sqrt();
        c(t, b / (two * t))
    } else {
        let t = ((-a + a.hypot(b)) * half).sqrt();
        c(b.abs() / (two * t), t.copysign(b))
    };
    if scale {
        c(r.re * two, r.im * two)
    } else {
        r
    }
}

/// C99 `csinh`: `sinh x cos y + i cosh x sin y`, with Annex G's special values.
fn sinh<F: Part>(z: Complex<F>) -> Complex<F> {
    let (x, y) = (z.re, z.im);
    if y == F::zero() {
        return c(x.sinh(), y);
    }
    if x == F::zero() && !y.is_finite() {
        return c(x, F::nan());
    }
    if x.is_infinite() && !y.is_finite() {
        // glibc: +inf whatever the sign of x.
        return c(F::infinity(), F::nan());
    }
    c(x.sinh() * y.cos(), x.cosh() * y.sin())
}

/// C99 `ccosh`: `cosh x cos y + i sinh x sin y`, with Annex G's special values.
fn cosh<F: Part>(z: Complex<F>) -> Complex<F> {
    let (x, y) = (z.re, z.im);
    if y == F::zero() {
        // The imaginary part is sinh(x) sin(y): a zero with the sign of x times that of y.
        return c(
            x.cosh(),
            if x.is_nan() {
                y
            } else {
                y * F::one().copysign(x)
            },
        );
    }
    if x == F::zero() && !y.is_finite() {
        return c(F::nan(), F::zero());
    }
    if x.is_infinite() && !y.is_finite() {
        return c(F::infinity(), F::nan());
    }
    c(x.cosh() * y.cos(), x.sinh() * y.sin())
}

/// C99 `ctanh` (Kahan's formula as FreeBSD writes it, accurate for large |x|).
fn tanh<F: Part>(z: Complex<F>) -> Complex<F> {
    let (x, y) = (z.re, z.im);
    let (zero, one) = (F::zero(), F::one());
    if x.is_nan() {
        return c(x, if y == zero { y } else { F::nan() });
    }
    if x.is_infinite() {
        let im = if y.is_finite() {
            zero.copysign((l::<F>(2.0) * y).sin())
        } else {
            zero
        };
        return c(one.copysign(x), im);
    }
    if !y.is_finite() {
        return c(if x == zero { x } else { F::nan() }, F::nan());
    }
    if x.abs() >= F::TANH_BIG {
        let e = (-x.abs()).exp();
        return c(one.copysign(x), l::<F>(4.0) * y.sin() * y.cos() * e * e);
    }
    let t = y.tan();
    let beta = one + t * t;
    let s = x.sinh();
    let rho = (one + s * s).sqrt();
    let denom = one + beta * s * s;
    c(beta * rho * s / denom, t / denom)
}

/// `sin z = -i sinh(i z)`, except glibc's `csin(inf|nan + i inf) = nan + i inf` whatever the
/// signs.
fn sin<F: Part>(z: Complex<F>) -> Complex<F> {
    if !z.re.is_finite() && z.im.is_infinite() {
        return c(F::nan(), F::infinity());
    }
    let w = sinh(c(-z.im, z.re));
    c(w.im, -w.re)
}

/// `cos z = cosh(i z)`.
fn cos<F: Part>(z: Complex<F>) -> Complex<F> {
    cosh(c(-z.im, z.re))
}

/// `tan z = -i tanh(i z)`.
fn tan<F: Part>(z: Complex<F>) -> Complex<F> {
    let w = tanh(c(-z.im, z.re));
    c(w.im, -w.re)
}

/// Kahan's arcsin ("Branch Cuts for Complex Elementary Functions"): exact on the cuts, where
/// the sign of a zero imaginary part picks the side, as C99's `casin`.
fn asin<F: Part>(z: Complex<F>) -> Complex<F> {
    let one = F::one();
    let s1m = sqrt(c(one - z.re, -z.im));
    let s1p = sqrt(c(one + z.re, z.im));
    c(
        (z.re / (s1m.re * s1p.re - s1m.im * s1p.im)).atan(),
        (s1m.re * s1p.im - s1m.im * s1p.re).asinh(),
    )
}

/// Kahan's arccos.
fn acos<F: Part>(z: Complex<F>) -> Complex<F> {
    let one = F::one();
    let s1m = sqrt(c(one - z.re, -z.im));
    let s1p = sqrt(c(one + z.re, z.im));
    c(
        l::<F>(2.0) * s1m.re.atan2(s1p.re),
        (s1p.re * s1m.im - s1p.im * s1m.re).asinh(),
    )
}

/// Kahan's arccosh.
fn acosh<F: Part>(z: Complex<F>) -> Complex<F> {
    let one = F::one();
    let sm1 = sqrt(c(z.re - one, z.im));
    let sp1 = sqrt(c(z.re + one, z.im));
    c(
        (sm1.re * sp1.re + sm1.im * sp1.im).asinh(),
        l::<F>(2.0) * sm1.im.atan2(sp1.re),
    )
}

/// `atanh z = (log(1 + z) - log(1 - z)) / 2`, the signs of zero parts carried through so
/// the cuts (real axis beyond +-1) take the side C99's `catanh` gives.
fn atanh<F: Part>(z: Complex<F>) -> Complex<F> {
    let one = F::one();
    let half = l::<F>(0.5);
    let p = log(c(one + z.re, z.im));
    let m = log(c(one - z.re, -z.im));
    c(half * (p.re - m.re), half * (p.im - m.im))
}

/// NumPy's complex absolute value (its SIMD `cabsolute`): an infinite part makes it inf, a NaN
/// part NaN, else `larger * sqrt(1 + (smaller / larger)^2)` with a fused multiply-add.
fn cabs<F: Part>(z: Complex<F>) -> F {
    let (re, im) = (z.re.abs(), z.im.abs());
    if re == F::infinity() || im == F::infinity() {
        return F::infinity();
    }
    if re.is_nan() || im.is_nan() {
        return F::nan();
    }
    let (larger, smaller) = if re >= im { (re, im) } else { (im, re) };
    if larger == F::zero() {
        return F::zero();
    }
    let ratio = smaller / larger;
    ratio.mul_add(ratio, F::one()).sqrt() * larger
}

/// NumPy 2's complex sign: `z / |z|`, 0 for 0, NaN for NaN, the unit of an infinite part.
fn sign<F: Part>(z: Complex<F>) -> Complex<F> {
    let (zero, one) = (F::zero(), F::one());
    let abs = z.re.hypot(z.im);
    if abs == zero {
        c(zero, zero)
    } else if abs.is_nan() {
        c(F::nan(), F::nan())
    } else if abs.is_infinite() {
        match (z.re.is_infinite(), z.im.is_infinite()) {
            (true, true) => c(F::nan(), F::nan()),
            (true, false) => c(one.copysign(z.re), zero),
            _ => c(zero, one.copysign(z.im)),
        }
    } else {
        c(z.re / abs, z.im / abs)
    }
}

/// NumPy's complex reciprocal (`nc_reciprocal`, Smith's scaling).
fn reciprocal<F: Part>(z: Complex<F>) -> Complex<F> {
    let one = F::one();
    let (r, i) = (z.re, z.im);
    if i.abs() <= r.abs() {
        let q = i / r;
        let d = r + i * q;
        c(one / d, -q / d)
    } else {
        let q = r / i;
        let d = r * q + i;
        c(q / d, -one / d)
    }
}

/// The function for a unary op in the part type `F`, or None where NumPy does not define it
/// for complex.
pub fn unary<F: Part>(op: UnaryOp) -> Option<fn(Complex<F>) -> Complex<F>> {
    use UnaryOp::*;
    Some(match op {
        Neg => |z| c(-z.re, -z.im),
        Sign => sign,
        Square => |z| c(z.re * z.re - z.im * z.im, z.re * z.im + z.im * z.re),
        Reciprocal => reciprocal,
        Conj => |z| c(z.re, -z.im),
        Sqrt => sqrt,
        Exp => exp,
        Expm1 => expm1,
        // NumPy's nc_exp2: exp(z ln 2).
        Exp2 => |z| exp(c(z.re * F::LN_2, z.im * F::LN_2)),
        Rint => |z| c(z.re.round_even(), z.im.round_even()),
        Log => log,
        Log2 => |z| {
            let w = log(z);
            c(w.re * F::LOG2_E, w.im * F::LOG2_E)
        },
        Log10 => |z| {
            let w = log(z);
            c(w.re * F::LOG10_E, w.im * F::LOG10_E)
        },
        Log1p => log1p,
        Sin => sin,
        Cos => cos,
        Tan => tan,
        Sinh => sinh,
        Cosh => cosh,
        Tanh => tanh,
        Arcsin => asin,
        Arccos => acos,
        Arctan => |z| {
            // atan z = -i atanh(i z)
            let w = atanh(c(-z.im, z.re));
            c(w.im, -w.re)
        },
        Arcsinh => |z| {
            // asinh z = -i asin(i z)
            let w = asin(c(-z.im, z.re));
            c(w.im, -w.re)
        },
        Arccosh => acosh,
        Arctanh => atanh,
        _ => return None,
    })
}

/// The f64 function for a unary op (complex128).
pub fn unary64(op: UnaryOp) -> Option<fn(C) -> C> {
    unary::<f64>(op)
}

/// The function for a complex -> real unary op (`absolute`, `angle`, `real`, `imag`).
pub fn to_real<F: Part>(op: UnaryOp) -> Option<fn(Complex<F>) -> F> {
    Some(match op {
        UnaryOp::Abs => cabs,
        UnaryOp::Angle => |z| z.im.atan2(z.re),
        UnaryOp::Real => |z| z.re,
        UnaryOp::Imag => |z| z.im,
        _ => return None,
    })
}

/// The f64 function for a complex -> real unary op (complex128).
pub fn to_real64(op: UnaryOp) -> Option<fn(C) -> f64> {
    to_real::<f64>(op)
}

/// The function for a binary op with a complex result, in the part type `F`.
pub fn binary<F: Part>(op: BinaryOp) -> Option<BinaryFn<F>> {
    use BinaryOp::*;
    Some(match op {
        Add => |a, b| c(a.re + b.re, a.im + b.im),
        Sub => |a, b| c(a.re - b.re, a.im - b.im),
        Mul => mul_fused,
        Div => div,
        Pow => pow,
        Maximum => |a, b| {
            if a.re.is_nan() || a.im.is_nan() || ge(a, b) {
                a
            } else {
                b
            }
        },
        Minimum => |a, b| {
            if a.re.is_nan() || a.im.is_nan() || le(a, b) {
                a
            } else {
                b
            }
        },
        Fmax => |a, b| {
            if b.re.is_nan() || b.im.is_nan() || ge(a, b) {
                a
            } else {
                b
            }
        },
        Fmin => |a, b| {
            if b.re.is_nan() || b.im.is_nan() || le(a, b) {
                a
            } else {
                b
            }
        },
        _ => return None,
    })
}

/// The f64 function for a binary op with a complex result (complex128).
pub fn binary64(op: BinaryOp) -> Option<fn(C, C) -> C> {
    binary::<f64>(op)
}

/// NumPy's `CGE`: lexicographic `>=`, false when an imaginary part is NaN and the real parts
/// differ.
fn ge<F: Part>(a: Complex<F>, b: Complex<F>) -> bool {
    (a.re > b.re && !a.im.is_nan() && !b.im.is_nan()) || (a.re == b.re && a.im >= b.im)
}

/// NumPy's `CLE`.
fn le<F: Part>(a: Complex<F>, b: Complex<F>) -> bool {
    (a.re < b.re && !a.im.is_nan() && !b.im.is_nan()) || (a.re == b.re && a.im <= b.im)
}

/// NumPy's complex comparisons (`CLT`, `CLE`, ...: lexicographic, NaN compares false).
pub fn compare<F: Part>(op: BinaryOp) -> Option<CompareFn<F>> {
    use BinaryOp::*;
    Some(match op {
        Eq => |a, b| a.re == b.re && a.im == b.im,
        Ne => |a, b| a.re != b.re || a.im != b.im,
        Lt => |a, b| {
            (a.re < b.re && !a.im.is_nan() && !b.im.is_nan()) || (a.re == b.re && a.im < b.im)
        },
        Le => le,
        Gt => |a, b| {
            (a.re > b.re && !a.im.is_nan() && !b.im.is_nan()) || (a.re == b.re && a.im > b.im)
        },
        Ge => ge,
        _ => return None,
    })
}

/// The f64 comparisons (complex128).
pub fn compare64(op: BinaryOp) -> Option<fn(C, C) -> bool> {
    compare::<f64>(op)
}

/// Complex functions for the evaluator, f64 or f32 parts.
pub trait ComplexNum: Num {
    /// The real part type's dtype element (f32 or f64).
    type Part: crate::element::RealElement;
    /// The function for a complex -> real unary op.
    fn to_real(op: UnaryOp) -> Option<fn(Self) -> Self::Part>;
}

/// `Num` and `ComplexNum` for `Complex<$f>`: the generic formulas at that part type.
macro_rules! complex_num {
    ($t:ty, $f:ty) => {
        impl Num for $t {
            fn unary(op: UnaryOp) -> Option<fn(Self) -> Self> {
                unary::<$f>(op)
            }
            fn binary(op: BinaryOp) -> Option<fn(Self, Self) -> Self> {
                binary::<$f>(op)
            }
            fn predicate(op: UnaryOp) -> Option<fn(Self) -> bool> {
                Some(match op {
                    UnaryOp::IsNan => |z| z.re.is_nan() || z.im.is_nan(),
                    UnaryOp::IsInf => |z| z.re.is_infinite() || z.im.is_infinite(),
                    UnaryOp::IsFinite => |z| z.re.is_finite() && z.im.is_finite(),
                    _ => return None,
                })
            }
            fn zero() -> Self {
                <$t>::new(0.0, 0.0)
            }
            fn one() -> Self {
                <$t>::new(1.0, 0.0)
            }
            fn is_nan(self) -> bool {
                self.re.is_nan() || self.im.is_nan()
            }
            fn compare(op: BinaryOp) -> Option<fn(Self, Self) -> bool> {
                compare::<$f>(op)
            }
        }

        impl ComplexNum for $t {
            type Part = $f;
            fn to_real(op: UnaryOp) -> Option<fn(Self) -> $f> {
                to_real::<$f>(op)
            }
        }
    };
}
complex_num!(Complex64, f64);
complex_num!(Complex32, f32);

#[cfg(test)]
mod tests {
    use super::*;

    fn c(re: f64, im: f64) -> Complex64 {
        Complex64::new(re, im)
    }

    #[test]
    fn complex64_is_computed_in_float32() {
        // NumPy's npy_cpowf squares in float32: z**12 = z^4 * z^8, each product rounded to
        // float32, which computing in float64 and rounding once does not reproduce.
        let z = Complex32::new(0.7, 0.3);
        let m = |a: Complex32, b: Complex32| {
            Complex32::new(a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re)
        };
        let z4 = m(m(z, z), m(z, z));
        let want = m(z4, m(z4, z4));
        let pow32 =
            <Complex32 as Num>::binary(BinaryOp::Pow).map(|f| f(z, Complex32::new(12.0, 0.0)));
        assert_eq!(pow32, Some(want));
        // csqrt's overflow scaling starts at MAX / (1 + sqrt 2) of the part type
        let big = sqrt(Complex32::new(f32::MAX, f32::MAX));
        assert!(big.re.is_finite() && big.im.is_finite());
        // the same root computed in f64, where nothing overflows
        let wide = sqrt(c(f64::from(f32::MAX), f64::from(f32::MAX)));
        assert!((f64::from(big.re) / wide.re - 1.0).abs() < 1e-6);
        assert!((f64::from(big.im) / wide.im - 1.0).abs() < 1e-6);
    }

    #[test]
    fn division_and_power_follow_numpy() {
        // np.array([1+2j]) / np.array([3-4j]) = -0.2+0.4j
        let q = div(c(1.0, 2.0), c(3.0, -4.0));
        assert!((q.re + 0.2).abs() < 1e-15 && (q.im - 0.4).abs() < 1e-15);
        // (1+1j)**4 = -4+0j exactly by repeated squaring.
        assert_eq!(pow(c(1.0, 1.0), c(4.0, 0.0)), c(-4.0, 0.0));
        assert_eq!(pow(c(0.0, 0.0), c(0.0, 0.0)), c(1.0, 0.0));
        assert!(pow(c(0.0, 0.0), c(-1.0, 0.0)).re.is_nan());
        let inf = div(c(1.0, 1.0), c(0.0, 0.0));
        assert!(inf.re.is_infinite() && inf.im.is_infinite());
    }

    #[test]
    fn sqrt_branch_cut_follows_the_sign_of_zero() {
        assert_eq!(sqrt(c(-4.0, 0.0)), c(0.0, 2.0));
        assert_eq!(sqrt(c(-4.0, -0.0)), c(0.0, -2.0));
        assert_eq!(sqrt(c(f64::NEG_INFINITY, 1.0)), c(0.0, f64::INFINITY));
    }
}
