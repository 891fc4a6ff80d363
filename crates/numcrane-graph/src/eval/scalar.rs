//! Per-element semantics of every op, for every dtype, exactly as NumPy defines them.
//!
//! `Num` gives, for one Rust element type, the function implementing a `UnaryOp` or
//! `BinaryOp` (None where the op is not defined for the type: the builder rejects those before
//! they reach the evaluator). Integers wrap; integer division and remainder by zero give 0;
//! floats follow IEEE and NumPy's `npy_divmod`. Later backends are tested against these.

use crate::element::Element;
use crate::op::{BinaryOp, UnaryOp};

/// Element semantics for the reference evaluator.
pub trait Num: Element {
    /// The function for a unary op whose output has the input's dtype.
    fn unary(op: UnaryOp) -> Option<fn(Self) -> Self>;
    /// The function for a binary op whose output has the inputs' dtype.
    fn binary(op: BinaryOp) -> Option<fn(Self, Self) -> Self>;
    /// The predicate for a bool-valued unary op (isnan, isinf, isfinite).
    fn predicate(op: UnaryOp) -> Option<fn(Self) -> bool>;
    /// Additive identity.
    fn zero() -> Self;
    /// Multiplicative identity.
    fn one() -> Self;
    /// True for NaN (for complex: a NaN in either part).
    fn is_nan(self) -> bool;
    /// The function for a comparison (`Eq`..`Ge`; complex compares lexicographically).
    fn compare(op: BinaryOp) -> Option<fn(Self, Self) -> bool>;
}

/// The comparisons of an ordered Rust type, for `Num::compare`.
macro_rules! real_compare {
    ($t:ty) => {
        #[allow(clippy::float_cmp)]
        fn compare(op: BinaryOp) -> Option<fn($t, $t) -> bool> {
            use BinaryOp::*;
            Some(match op {
                Eq => |x, y| x == y,
                Ne => |x, y| x != y,
                Lt => |x, y| x < y,
                Le => |x, y| x <= y,
                Gt => |x, y| x > y,
                Ge => |x, y| x >= y,
                _ => return None,
            })
        }
    };
}

/// NumPy's `npy_divmod` for floats, `(floor quotient, Python-style remainder)`, computed in
/// the float type itself (NumPy computes float32 in float32).
macro_rules! float_divmod {
    ($name:ident, $t:ident) => {
        fn $name(a: $t, b: $t) -> ($t, $t) {
            let m = a % b;
            if b == 0.0 {
                return (a / b, m);
            }
            let mut div = (a - m) / b;
            let mut md = m;
            if md != 0.0 {
                if (b < 0.0) != (md < 0.0) {
                    md += b;
                    div -= 1.0;
                }
            } else {
                md = (0.0 as $t).copysign(b);
            }
            let floordiv = if div != 0.0 {
                let mut f = div.floor();
                if div - f > 0.5 {
                    f += 1.0;
                }
                f
            } else {
                (0.0 as $t).copysign(a / b)
            };
            (floordiv, md)
        }
    };
}
float_divmod!(float_divmod, f64);
float_divmod!(float_divmod_f32, f32);

macro_rules! float_num {
    ($t:ident, $divmod:ident) => {
        impl Num for $t {
            fn unary(op: UnaryOp) -> Option<fn($t) -> $t> {
                use UnaryOp::*;
                Some(match op {
                    Neg => |x| -x,
                    Abs => |x| x.abs(),
                    Sign => |x| {
                        if x.is_nan() {
                            x
                        } else if x > 0.0 {
                            1.0
                        } else if x < 0.0 {
                            -1.0
                        } else {
                            0.0
                        }
                    },
                    Square => |x| x * x,
                    Reciprocal => |x| 1.0 / x,
                    Sqrt => |x| x.sqrt(),
                    Cbrt => |x| x.cbrt(),
                    Exp => |x| x.exp(),
                    Exp2 => |x| x.exp2(),
                    Expm1 => |x| x.exp_m1(),
                    Log => |x| x.ln(),
                    Log2 => |x| x.log2(),
                    Log10 => |x| x.log10(),
                    Log1p => |x| x.ln_1p(),
                    Sin => |x| x.sin(),
                    Cos => |x| x.cos(),
                    Tan => |x| x.tan(),
                    Arcsin => |x| x.asin(),
                    Arccos => |x| x.acos(),
                    Arctan => |x| x.atan(),
                    Sinh => |x| x.sinh(),
                    Cosh => |x| x.cosh(),
                    Tanh => |x| x.tanh(),
                    Arcsinh => |x| asinh(x as f64) as $t,
                    Arccosh => |x| acosh(x as f64) as $t,
                    Arctanh => |x| x.atanh(),
                    Floor => |x| x.floor(),
                    Ceil => |x| x.ceil(),
                    Trunc => |x| x.trunc(),
                    Rint => |x| x.round_ties_even(),
                    Deg2rad => |x| x * (std::$t::consts::PI / 180.0),
                    Rad2deg => |x| x * (180.0 / std::$t::consts::PI),
                    Not | Invert | IsNan | IsInf | IsFinite | Conj | Angle | Real | Imag => {
                        return None
                    }
                })
            }

            fn binary(op: BinaryOp) -> Option<fn($t, $t) -> $t> {
                use BinaryOp::*;
                Some(match op {
                    Add => |a, b| a + b,
                    Sub => |a, b| a - b,
                    Mul => |a, b| a * b,
                    Div => |a, b| a / b,
                    FloorDiv => |a, b| $divmod(a, b).0,
                    Rem => |a, b| $divmod(a, b).1,
                    Fmod => |a, b| a % b,
                    Pow => |a, b| a.powf(b),
                    Maximum => |a, b| if a.is_nan() || a >= b { a } else { b },
                    Minimum => |a, b| if a.is_nan() || a <= b { a } else { b },
                    Fmax => |a, b| if b.is_nan() || a >= b { a } else { b },
                    Fmin => |a, b| if b.is_nan() || a <= b { a } else { b },
                    Arctan2 => |a, b| a.atan2(b),
                    Hypot => |a, b| a.hypot(b),
                    Logaddexp => |x, y| {
                        if x == y {
                            // Handles infinities of the same sign without producing NaN.
                            x + std::$t::consts::LN_2
                        } else {
                            let d = x - y;
                            if d > 0.0 {
                                x + (-d).exp().ln_1p()
                            } else if d <= 0.0 {
                                y + d.exp().ln_1p()
                            } else {
                                d
                            }
                        }
                    },
                    Heaviside => |x, h0| {
                        if x.is_nan() {
                            x
                        } else if x == 0.0 {
                            h0
                        } else if x < 0.0 {
                            0.0
                        } else {
                            1.0
                        }
                    },
                    BitAnd | BitOr | BitXor | LeftShift | RightShift | LogicalAnd | LogicalOr
                    | LogicalXor | Eq | Ne | Lt | Le | Gt | Ge => return None,
                })
            }

            fn predicate(op: UnaryOp) -> Option<fn($t) -> bool> {
                Some(match op {
                    UnaryOp::IsNan => |x| x.is_nan(),
                    UnaryOp::IsInf => |x| x.is_infinite(),
                    UnaryOp::IsFinite => |x| x.is_finite(),
                    _ => return None,
                })
            }

            fn zero() -> $t {
                0.0
            }
            fn one() -> $t {
                1.0
            }
            fn is_nan(self) -> bool {
                self.is_nan()
            }
            real_compare!($t);
        }
    };
}

float_num!(f64, float_divmod);
float_num!(f32, float_divmod_f32);

/// `a ** b` for integers by squaring, wrapping on overflow (the caller rejects negative b).
fn int_pow_u64(mut base: u64, mut exp: u64) -> u64 {
    let mut acc: u64 = 1;
    while exp > 0 {
        if exp & 1 == 1 {
            acc = acc.wrapping_mul(base);
        }
        base = base.wrapping_mul(base);
        exp >>= 1;
    }
    acc
}

macro_rules! int_num {
    ($t:ident, signed = $signed:expr) => {
        impl Num for $t {
            fn unary(op: UnaryOp) -> Option<fn($t) -> $t> {
                use UnaryOp::*;
                Some(match op {
                    Neg => |x| x.wrapping_neg(),
                    #[allow(unused_comparisons)]
                    Abs => |x| if x < 0 { x.wrapping_neg() } else { x },
                    #[allow(unused_comparisons)]
                    Sign => |x| {
                        if x > 0 {
                            1
                        } else if x < 0 {
                            (0 as $t).wrapping_sub(1)
                        } else {
                            0
                        }
                    },
                    Square => |x| x.wrapping_mul(x),
                    // C integer division 1 / x, with 0 for x == 0 as NumPy gives.
                    Reciprocal => |x| if x == 0 { 0 } else { (1 as $t).wrapping_div(x) },
                    Invert => |x| !x,
                    Floor | Ceil | Trunc => |x| x,
                    _ => return None,
                })
            }

            fn binary(op: BinaryOp) -> Option<fn($t, $t) -> $t> {
                use BinaryOp::*;
                const BITS: u64 = $t::BITS as u64;
                Some(match op {
                    Add => |a, b| a.wrapping_add(b),
                    Sub => |a, b| a.wrapping_sub(b),
                    Mul => |a, b| a.wrapping_mul(b),
                    #[allow(unused_comparisons)]
                    FloorDiv => |a, b| {
                        if b == 0 {
                            return 0;
                        }
                        let q = a.wrapping_div(b);
                        if a.wrapping_rem(b) != 0 && ((a < 0) != (b < 0)) {
                            q.wrapping_sub(1)
                        } else {
                            q
                        }
                    },
                    #[allow(unused_comparisons)]
                    Rem => |a, b| {
                        if b == 0 {
                            return 0;
                        }
                        let r = a.wrapping_rem(b);
                        if r != 0 && ((r < 0) != (b < 0)) {
                            r.wrapping_add(b)
                        } else {
                            r
                        }
                    },
                    Fmod => |a, b| if b == 0 { 0 } else { a.wrapping_rem(b) },
                    // Negative exponents are rejected before this runs (a value error in NumPy).
                    Pow => |a, b| int_pow_u64(a as u64, b as u64) as $t,
                    Maximum | Fmax => |a, b| if a >= b { a } else { b },
                    Minimum | Fmin => |a, b| if a <= b { a } else { b },
                    BitAnd => |a, b| a & b,
                    BitOr => |a, b| a | b,
                    BitXor => |a, b| a ^ b,
                    // NumPy's npy_lshift: shifting by the bit width or more (or by a negative
                    // amount, seen as huge) gives 0.
                    LeftShift => |a, b| {
                        if (b as u64) < BITS {
                            a << (b as u64)
                        } else {
                            0
                        }
                    },
                    #[allow(unused_comparisons)]
                    RightShift => |a, b| {
                        if (b as u64) < BITS {
                            a >> (b as u64)
                        } else if a < 0 {
                            (0 as $t).wrapping_sub(1)
                        } else {
                            0
                        }
                    },
                    _ => return None,
                })
            }

            fn predicate(op: UnaryOp) -> Option<fn($t) -> bool> {
                Some(match op {
                    UnaryOp::IsNan | UnaryOp::IsInf => |_| false,
                    UnaryOp::IsFinite => |_| true,
                    _ => return None,
                })
            }

            fn zero() -> $t {
                0
            }
            fn one() -> $t {
                1
            }
            fn is_nan(self) -> bool {
                false
            }
            real_compare!($t);
        }
    };
}

int_num!(i8, signed = true);
int_num!(i16, signed = true);
int_num!(i32, signed = true);
int_num!(i64, signed = true);
int_num!(u8, signed = false);
int_num!(u16, signed = false);
int_num!(u32, signed = false);
int_num!(u64, signed = false);

impl Num for bool {
    fn unary(op: UnaryOp) -> Option<fn(bool) -> bool> {
        use UnaryOp::*;
        Some(match op {
            Not | Invert => |x| !x,
            Abs | Floor | Ceil | Trunc => |x| x,
            _ => return None,
        })
    }

    fn binary(op: BinaryOp) -> Option<fn(bool, bool) -> bool> {
        use BinaryOp::*;
        Some(match op {
            Add | Maximum | Fmax | BitOr | LogicalOr => |a, b| a | b,
            Mul | Minimum | Fmin | BitAnd | LogicalAnd => |a, b| a & b,
            BitXor | LogicalXor => |a, b| a ^ b,
            _ => return None,
        })
    }

    fn predicate(op: UnaryOp) -> Option<fn(bool) -> bool> {
        Some(match op {
            UnaryOp::IsNan | UnaryOp::IsInf => |_| false,
            UnaryOp::IsFinite => |_| true,
            _ => return None,
        })
    }

    fn zero() -> bool {
        false
    }
    fn one() -> bool {
        true
    }
    fn is_nan(self) -> bool {
        false
    }
    real_compare!(bool);
}

/// Beyond this, `asinh(x)` and `acosh(x)` are `ln(2|x|)` to within f64 precision (the next
/// term is `1 / (4 x^2)`), and the textbook formulas Rust's std uses overflow near the top of
/// the range (`acosh(f64::MAX)` would be inf, not 710.5 as in C and NumPy).
const ASYMPTOTIC: f64 = (1u64 << 28) as f64;

/// NumPy's arcsinh: Rust's std below `ASYMPTOTIC`, `ln(2|x|)` (sign of x) above.
fn asinh(x: f64) -> f64 {
    if x.abs() >= ASYMPTOTIC {
        (x.abs().ln() + std::f64::consts::LN_2).copysign(x)
    } else {
        x.asinh()
    }
}

/// NumPy's arccosh: Rust's std below `ASYMPTOTIC`, `ln(2x)` above.
fn acosh(x: f64) -> f64 {
    if x >= ASYMPTOTIC {
        x.ln() + std::f64::consts::LN_2
    } else {
        x.acosh()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inverse_hyperbolics_do_not_overflow_near_the_top_of_the_range() {
        // NumPy: arccosh(f64 max) = 710.4758600739439, arcsinh(-1e300) = -691.4686750787736,
        // arccosh(float32 max) = 89.41599 (C's acosh/asinh); Rust's std formulas give inf.
        let acosh64 = <f64 as Num>::unary(UnaryOp::Arccosh).unwrap();
        let asinh64 = <f64 as Num>::unary(UnaryOp::Arcsinh).unwrap();
        let acosh32 = <f32 as Num>::unary(UnaryOp::Arccosh).unwrap();
        assert!((acosh64(f64::MAX) - 710.4758600739439).abs() < 1e-12);
        assert!((asinh64(-1e300) + 691.4686750787736).abs() < 1e-12);
        assert!((acosh32(f32::MAX) - 89.41599).abs() < 1e-4);
        // Below the switch, unchanged.
        assert_eq!(acosh64(3.0), 3f64.acosh());
        assert_eq!(asinh64(-0.0).to_bits(), (-0.0f64).to_bits());
    }

    #[test]
    fn python_style_remainder_and_floor_division() {
        let rem = <i32 as Num>::binary(BinaryOp::Rem).unwrap();
        let fdiv = <i32 as Num>::binary(BinaryOp::FloorDiv).unwrap();
        assert_eq!(rem(-7, 2), 1);
        assert_eq!(rem(7, -2), -1);
        assert_eq!(fdiv(-7, 2), -4);
        assert_eq!(fdiv(7, 0), 0);
        assert_eq!(rem(7, 0), 0);
        assert_eq!(fdiv(i32::MIN, -1), i32::MIN);
        let frem = <f64 as Num>::binary(BinaryOp::Rem).unwrap();
        assert_eq!(frem(-3.5, 2.0), 0.5);
        assert_eq!(frem(3.5, -2.0), -0.5);
        let ffdiv = <f32 as Num>::binary(BinaryOp::FloorDiv).unwrap();
        assert_eq!(ffdiv(1.0, 0.0), f32::INFINITY);
        assert!(ffdiv(0.0, 0.0).is_nan());
    }

    #[test]
    fn shifts_saturate_like_numpy() {
        let r = <i8 as Num>::binary(BinaryOp::RightShift).unwrap();
        let l = <i8 as Num>::binary(BinaryOp::LeftShift).unwrap();
        assert_eq!(r(-8, 10), -1);
        assert_eq!(r(8, 10), 0);
        assert_eq!(l(1, -1), 0);
        assert_eq!(l(1, 9), 0);
        assert_eq!(l(1, 3), 8);
    }

    #[test]
    fn nan_handling_of_extrema() {
        let max = <f64 as Num>::binary(BinaryOp::Maximum).unwrap();
        let fmax = <f64 as Num>::binary(BinaryOp::Fmax).unwrap();
        assert!(max(1.0, f64::NAN).is_nan());
        assert!(max(f64::NAN, 1.0).is_nan());
        assert_eq!(fmax(1.0, f64::NAN), 1.0);
        assert_eq!(fmax(f64::NAN, 1.0), 1.0);
    }
}
