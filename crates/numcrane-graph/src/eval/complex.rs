//! Per-element semantics of complex64 and complex128, as NumPy computes them.
//!
//! NumPy's complex loops mostly call C99's `<complex.h>` functions (glibc on Linux) and, for a
//! few ufuncs, its own formulas (`npy_cpow`, Smith's division, `nc_log1p`, `nc_expm1`, the
//! lexicographic comparisons). Those formulas are copied here. The C99 functions are written
//! out with their Annex G special values (infinities, NaNs, signed zeros) where a golden test
//! checks them (`sqrt`, `exp`, `log`, the hyperbolic functions and through them the circular
//! ones); the inverse functions use `num_complex`'s formulas, which follow the same branch
//! cuts. Everything is computed in f64; complex64 rounds the f64 result to f32 (NumPy computes
//! in f32, so the two can differ in the last bit: the goldens compare complex64 with f32
//! tolerance).

use super::scalar::Num;
use crate::element::{Complex32, Complex64};
use crate::op::{BinaryOp, UnaryOp};

type C = Complex64;

fn c(re: f64, im: f64) -> C {
    C::new(re, im)
}

/// NumPy's complex division (Smith's algorithm, `loops_arithm_fp`'s `CDOUBLE_divide`).
pub fn div(a: C, b: C) -> C {
    let (ar, ai, br, bi) = (a.re, a.im, b.re, b.im);
    let (abs_br, abs_bi) = (br.abs(), bi.abs());
    if abs_br >= abs_bi {
        if abs_br == 0.0 && abs_bi == 0.0 {
            // Division by zero gives a complex inf or nan, as NumPy's loop.
            c(ar / abs_br, ai / abs_br)
        } else {
            let rat = bi / br;
            let scl = 1.0 / (br + bi * rat);
            c((ar + ai * rat) * scl, (ai - ar * rat) * scl)
        }
    } else {
        let rat = br / bi;
        let scl = 1.0 / (bi + br * rat);
        c((ar * rat + ai) * scl, (ai * rat - ar) * scl)
    }
}

fn mul(a: C, b: C) -> C {
    c(a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re)
}

/// NumPy's `npy_cpow`: small integral real exponents by repeated squaring, the rest
/// `exp(b * log(a))`.
pub fn pow(a: C, b: C) -> C {
    let (br, bi) = (b.re, b.im);
    if br == 0.0 && bi == 0.0 {
        return c(1.0, 0.0);
    }
    if a.re == 0.0 && a.im == 0.0 {
        // NumPy 2: 0 ** b is 0 for any b with a positive real part.
        return if br > 0.0 {
            c(0.0, 0.0)
        } else {
            c(f64::NAN, f64::NAN)
        };
    }
    if bi == 0.0 && br == br.trunc() && br > -100.0 && br < 100.0 {
        let n = br as i64;
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
        let mut acc = c(1.0, 0.0);
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
        return if br < 0.0 { div(c(1.0, 0.0), acc) } else { acc };
    }
    exp(mul(b, log(a)))
}

/// C99 `cexp` with Annex G's special values.
pub fn exp(z: C) -> C {
    let (x, y) = (z.re, z.im);
    if y == 0.0 {
        return c(x.exp(), y);
    }
    if x.is_infinite() && !y.is_finite() {
        return if x < 0.0 {
            c(0.0, 0.0)
        } else {
            c(f64::INFINITY, f64::NAN)
        };
    }
    if x.is_nan() {
        return c(f64::NAN, f64::NAN);
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
pub fn log(z: C) -> C {
    c(z.re.hypot(z.im).ln(), z.im.atan2(z.re))
}

/// NumPy's `nc_log1p`.
fn log1p(z: C) -> C {
    let l = (z.re + 1.0).hypot(z.im);
    c(l.ln(), z.im.atan2(z.re + 1.0))
}

/// NumPy's `nc_expm1`.
fn expm1(z: C) -> C {
    let a = (z.im / 2.0).sin();
    c(
        z.re.exp_m1() * z.im.cos() - 2.0 * a * a,
        z.re.exp() * z.im.sin(),
    )
}

/// C99 `csqrt` (FreeBSD's, with its scaling against overflow). `b - b` is 0 for finite b and
/// NaN for infinite or NaN b.
#[allow(clippy::eq_op)]
pub fn sqrt(z: C) -> C {
    let (a, b) = (z.re, z.im);
    if a == 0.0 && b == 0.0 {
        return c(0.0, b);
    }
    if b.is_infinite() {
        return c(f64::INFINITY, b);
    }
    if a.is_nan() {
        return c(a, f64::NAN);
    }
    if a.is_infinite() {
        return if a < 0.0 {
            c((b - b).abs(), f64::INFINITY.copysign(b))
        } else {
            c(a, (b - b).copysign(b))
        };
    }
    if b.is_nan() {
        return c(f64::NAN, b);
    }
    const THRESH: f64 = 7.446288774449766e307;
    let scale = a.abs() >= THRESH || b.abs() >= THRESH;
    let (a, b) = if scale { (a * 0.25, b * 0.25) } else { (a, b) };
    let r = if a >= 0.0 {
        let t = ((a + a.hypot(b)) * 0.5).sqrt();
        c(t, b / (2.0 * t))
    } else {
        let t = ((-a + a.hypot(b)) * 0.5).sqrt();
        c(b.abs() / (2.0 * t), t.copysign(b))
    };
    if scale {
        c(r.re * 2.0, r.im * 2.0)
    } else {
        r
    }
}

/// C99 `csinh`: `sinh x cos y + i cosh x sin y`, with Annex G's special values.
fn sinh(z: C) -> C {
    let (x, y) = (z.re, z.im);
    if y == 0.0 {
        return c(x.sinh(), y);
    }
    if x == 0.0 && !y.is_finite() {
        return c(x, f64::NAN);
    }
    if x.is_infinite() && !y.is_finite() {
        // glibc: +inf whatever the sign of x.
        return c(f64::INFINITY, f64::NAN);
    }
    c(x.sinh() * y.cos(), x.cosh() * y.sin())
}

/// C99 `ccosh`: `cosh x cos y + i sinh x sin y`, with Annex G's special values.
fn cosh(z: C) -> C {
    let (x, y) = (z.re, z.im);
    if y == 0.0 {
        // The imaginary part is sinh(x) sin(y): a zero with the sign of x times that of y.
        return c(
            x.cosh(),
            if x.is_nan() {
                y
            } else {
                y * 1.0f64.copysign(x)
            },
        );
    }
    if x == 0.0 && !y.is_finite() {
        return c(f64::NAN, 0.0);
    }
    if x.is_infinite() && !y.is_finite() {
        return c(f64::INFINITY, f64::NAN);
    }
    c(x.cosh() * y.cos(), x.sinh() * y.sin())
}

/// C99 `ctanh` (Kahan's formula as FreeBSD writes it, accurate for large |x|).
fn tanh(z: C) -> C {
    let (x, y) = (z.re, z.im);
    if x.is_nan() {
        return c(x, if y == 0.0 { y } else { f64::NAN });
    }
    if x.is_infinite() {
        let im = if y.is_finite() {
            (0.0f64).copysign((2.0 * y).sin())
        } else {
            0.0
        };
        return c(1.0f64.copysign(x), im);
    }
    if !y.is_finite() {
        return c(if x == 0.0 { x } else { f64::NAN }, f64::NAN);
    }
    if x.abs() >= 22.0 {
        let e = (-x.abs()).exp();
        return c(1.0f64.copysign(x), 4.0 * y.sin() * y.cos() * e * e);
    }
    let t = y.tan();
    let beta = 1.0 + t * t;
    let s = x.sinh();
    let rho = (1.0 + s * s).sqrt();
    let denom = 1.0 + beta * s * s;
    c(beta * rho * s / denom, t / denom)
}

/// `sin z = -i sinh(i z)`, except glibc's `csin(inf|nan + i inf) = nan + i inf` whatever the
/// signs.
fn sin(z: C) -> C {
    if !z.re.is_finite() && z.im.is_infinite() {
        return c(f64::NAN, f64::INFINITY);
    }
    let w = sinh(c(-z.im, z.re));
    c(w.im, -w.re)
}

/// `cos z = cosh(i z)`.
fn cos(z: C) -> C {
    cosh(c(-z.im, z.re))
}

/// `tan z = -i tanh(i z)`.
fn tan(z: C) -> C {
    let w = tanh(c(-z.im, z.re));
    c(w.im, -w.re)
}

/// Kahan's arcsin ("Branch Cuts for Complex Elementary Functions"): exact on the cuts, where
/// the sign of a zero imaginary part picks the side, as C99's `casin`.
fn asin(z: C) -> C {
    let s1m = sqrt(c(1.0 - z.re, -z.im));
    let s1p = sqrt(c(1.0 + z.re, z.im));
    c(
        (z.re / (s1m.re * s1p.re - s1m.im * s1p.im)).atan(),
        (s1m.re * s1p.im - s1m.im * s1p.re).asinh(),
    )
}

/// Kahan's arccos.
fn acos(z: C) -> C {
    let s1m = sqrt(c(1.0 - z.re, -z.im));
    let s1p = sqrt(c(1.0 + z.re, z.im));
    c(
        2.0 * s1m.re.atan2(s1p.re),
        (s1p.re * s1m.im - s1p.im * s1m.re).asinh(),
    )
}

/// Kahan's arccosh.
fn acosh(z: C) -> C {
    let sm1 = sqrt(c(z.re - 1.0, z.im));
    let sp1 = sqrt(c(z.re + 1.0, z.im));
    c(
        (sm1.re * sp1.re + sm1.im * sp1.im).asinh(),
        2.0 * sm1.im.atan2(sp1.re),
    )
}

/// `atanh z = (log(1 + z) - log(1 - z)) / 2`, the signs of zero parts carried through so
/// the cuts (real axis beyond +-1) take the side C99's `catanh` gives.
fn atanh(z: C) -> C {
    let p = log(c(1.0 + z.re, z.im));
    let m = log(c(1.0 - z.re, -z.im));
    c(0.5 * (p.re - m.re), 0.5 * (p.im - m.im))
}

/// NumPy's complex absolute value (its SIMD `cabsolute`): an infinite part makes it inf, a NaN
/// part NaN, else `larger * sqrt(1 + (smaller / larger)^2)` with a fused multiply-add.
macro_rules! cabs {
    ($name:ident, $t:ty) => {
        fn $name(re: $t, im: $t) -> $t {
            let (re, im) = (re.abs(), im.abs());
            if re == <$t>::INFINITY || im == <$t>::INFINITY {
                return <$t>::INFINITY;
            }
            if re.is_nan() || im.is_nan() {
                return <$t>::NAN;
            }
            let (larger, smaller) = if re >= im { (re, im) } else { (im, re) };
            if larger == 0.0 {
                return 0.0;
            }
            let ratio = smaller / larger;
            ratio.mul_add(ratio, 1.0).sqrt() * larger
        }
    };
}
cabs!(abs64, f64);
cabs!(abs32, f32);

/// NumPy 2's complex sign: `z / |z|`, 0 for 0, NaN for NaN, the unit of an infinite part.
fn sign(z: C) -> C {
    let abs = z.re.hypot(z.im);
    if abs == 0.0 {
        c(0.0, 0.0)
    } else if abs.is_nan() {
        c(f64::NAN, f64::NAN)
    } else if abs.is_infinite() {
        match (z.re.is_infinite(), z.im.is_infinite()) {
            (true, true) => c(f64::NAN, f64::NAN),
            (true, false) => c(1.0f64.copysign(z.re), 0.0),
            _ => c(0.0, 1.0f64.copysign(z.im)),
        }
    } else {
        c(z.re / abs, z.im / abs)
    }
}

/// NumPy's complex reciprocal (`nc_reciprocal`, Smith's scaling).
fn reciprocal(z: C) -> C {
    let (r, i) = (z.re, z.im);
    if i.abs() <= r.abs() {
        let q = i / r;
        let d = r + i * q;
        c(1.0 / d, -q / d)
    } else {
        let q = r / i;
        let d = r * q + i;
        c(q / d, -1.0 / d)
    }
}

/// The f64 function for a unary op, or None where NumPy does not define it for complex.
pub fn unary64(op: UnaryOp) -> Option<fn(C) -> C> {
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
        Exp2 => |z| {
            exp(c(
                z.re * std::f64::consts::LN_2,
                z.im * std::f64::consts::LN_2,
            ))
        },
        Rint => |z| c(z.re.round_ties_even(), z.im.round_ties_even()),
        Log => log,
        Log2 => |z| {
            let l = log(z);
            c(
                l.re * std::f64::consts::LOG2_E,
                l.im * std::f64::consts::LOG2_E,
            )
        },
        Log10 => |z| {
            let l = log(z);
            c(
                l.re * std::f64::consts::LOG10_E,
                l.im * std::f64::consts::LOG10_E,
            )
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

/// The f64 function for a complex -> real unary op (`absolute`, `angle`, `real`, `imag`).
pub fn to_real64(op: UnaryOp) -> Option<fn(C) -> f64> {
    Some(match op {
        UnaryOp::Abs => |z| abs64(z.re, z.im),
        UnaryOp::Angle => |z| z.im.atan2(z.re),
        UnaryOp::Real => |z| z.re,
        UnaryOp::Imag => |z| z.im,
        _ => return None,
    })
}

/// The f64 function for a binary op with a complex result.
pub fn binary64(op: BinaryOp) -> Option<fn(C, C) -> C> {
    use BinaryOp::*;
    Some(match op {
        Add => |a, b| c(a.re + b.re, a.im + b.im),
        Sub => |a, b| c(a.re - b.re, a.im - b.im),
        Mul => mul,
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

/// NumPy's `CGE`: lexicographic `>=`, false when an imaginary part is NaN and the real parts
/// differ.
fn ge(a: C, b: C) -> bool {
    (a.re > b.re && !a.im.is_nan() && !b.im.is_nan()) || (a.re == b.re && a.im >= b.im)
}

/// NumPy's `CLE`.
fn le(a: C, b: C) -> bool {
    (a.re < b.re && !a.im.is_nan() && !b.im.is_nan()) || (a.re == b.re && a.im <= b.im)
}

/// NumPy's complex comparisons (`CLT`, `CLE`, ...: lexicographic, NaN compares false).
pub fn compare64(op: BinaryOp) -> Option<fn(C, C) -> bool> {
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

/// Lifts f64 functions to complex64 by computing in complex128 and rounding the result.
macro_rules! lift32 {
    ($f:expr, $z:expr) => {{
        let w = $f(Complex64::new($z.re as f64, $z.im as f64));
        Complex32::new(w.re as f32, w.im as f32)
    }};
}

/// Complex functions for the evaluator, f64 or f32 parts.
pub trait ComplexNum: Num {
    /// The real part type's dtype element (f32 or f64).
    type Part: crate::element::RealElement;
    /// The function for a complex -> real unary op.
    fn to_real(op: UnaryOp) -> Option<fn(Self) -> Self::Part>;
}

impl Num for Complex64 {
    fn unary(op: UnaryOp) -> Option<fn(Self) -> Self> {
        unary64(op)
    }
    fn binary(op: BinaryOp) -> Option<fn(Self, Self) -> Self> {
        binary64(op)
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
        c(0.0, 0.0)
    }
    fn one() -> Self {
        c(1.0, 0.0)
    }
    fn is_nan(self) -> bool {
        self.re.is_nan() || self.im.is_nan()
    }
    fn compare(op: BinaryOp) -> Option<fn(Self, Self) -> bool> {
        compare64(op)
    }
}

impl ComplexNum for Complex64 {
    type Part = f64;
    fn to_real(op: UnaryOp) -> Option<fn(Self) -> f64> {
        to_real64(op)
    }
}

// Each f32 function is a closure over the f64 one, chosen by a match: `fn` pointers cannot
// capture, so every op gets its own closure.
macro_rules! unary32 {
    ($op:expr; $($name:ident),*) => {
        match $op {
            $( UnaryOp::$name => {
                let f: fn(Complex32) -> Complex32 = |z| {
                    lift32!(|w| unary64(UnaryOp::$name).map_or(c(f64::NAN, f64::NAN), |f| f(w)), z)
                };
                unary64(UnaryOp::$name).map(|_| f)
            } )*
            _ => None,
        }
    };
}

macro_rules! binary32 {
    ($op:expr; $($name:ident),*) => {
        match $op {
            $( BinaryOp::$name => {
                let f: fn(Complex32, Complex32) -> Complex32 = |a, b| {
                    let (a, b) = (
                        Complex64::new(a.re as f64, a.im as f64),
                        Complex64::new(b.re as f64, b.im as f64),
                    );
                    let w = binary64(BinaryOp::$name).map_or(c(f64::NAN, f64::NAN), |f| f(a, b));
                    Complex32::new(w.re as f32, w.im as f32)
                };
                binary64(BinaryOp::$name).map(|_| f)
            } )*
            _ => None,
        }
    };
}

impl Num for Complex32 {
    fn unary(op: UnaryOp) -> Option<fn(Self) -> Self> {
        unary32!(op; Neg, Sign, Square, Reciprocal, Conj, Sqrt, Exp, Exp2, Rint, Expm1, Log, Log2, Log10,
            Log1p, Sin, Cos, Tan, Sinh, Cosh, Tanh, Arcsin, Arccos, Arctan, Arcsinh, Arccosh,
            Arctanh)
    }
    fn binary(op: BinaryOp) -> Option<fn(Self, Self) -> Self> {
        use BinaryOp::*;
        match op {
            // Exact in f32 already (one rounding per part, as NumPy's f32 loop).
            Add => Some(|a, b| Complex32::new(a.re + b.re, a.im + b.im)),
            Sub => Some(|a, b| Complex32::new(a.re - b.re, a.im - b.im)),
            // The ordering ops pick one of their arguments: no rounding at all.
            _ => binary32!(op; Mul, Div, Pow, Maximum, Minimum, Fmax, Fmin),
        }
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
        Complex32::new(0.0, 0.0)
    }
    fn one() -> Self {
        Complex32::new(1.0, 0.0)
    }
    fn is_nan(self) -> bool {
        self.re.is_nan() || self.im.is_nan()
    }
    fn compare(op: BinaryOp) -> Option<fn(Self, Self) -> bool> {
        // f32 -> f64 is exact, so comparing in f64 is comparing the f32 values.
        macro_rules! cmp32 {
            ($($name:ident),*) => {
                match op {
                    $( BinaryOp::$name => Some(|a: Complex32, b: Complex32| {
                        let f = compare64(BinaryOp::$name).unwrap_or(|_, _| false);
                        f(
                            Complex64::new(a.re as f64, a.im as f64),
                            Complex64::new(b.re as f64, b.im as f64),
                        )
                    }), )*
                    _ => None,
                }
            };
        }
        cmp32!(Eq, Ne, Lt, Le, Gt, Ge)
    }
}

impl ComplexNum for Complex32 {
    type Part = f32;
    fn to_real(op: UnaryOp) -> Option<fn(Self) -> f32> {
        Some(match op {
            UnaryOp::Abs => |z| abs32(z.re, z.im),
            UnaryOp::Angle => |z| z.im.atan2(z.re),
            UnaryOp::Real => |z| z.re,
            UnaryOp::Imag => |z| z.im,
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
