//! Rust element types and dynamically typed scalars.
//!
//! `Element` ties each Rust primitive to its `DType`; `Scalar` is one value of any dtype, used
//! for constants in the graph and for `item()`. `CastTo` is the element conversion NumPy's
//! `astype` performs (C casts: wrap for integers, truncate toward zero for float to int,
//! nonzero test for bool; complex to real keeps the real part, as NumPy's `astype` does after
//! its ComplexWarning), written once for all 169 dtype pairs.
//!
//! Complex elements are `num_complex::Complex<f32>` / `Complex<f64>` (`repr(C)`, real then
//! imaginary part, as NumPy stores them). They have no `PartialOrd`, so `Element` does not
//! require it: code that compares elements asks for [`RealElement`] (every element type but
//! the complex ones) or orders through [`Element::lex_lt`], NumPy's complex order.

use crate::dtype::{DType, WeakKind};
pub use num_complex::{Complex32, Complex64};
use std::fmt;

mod sealed {
    pub trait Sealed {}
}

/// A Rust type that can be an array element: bool, i8..i64, u8..u64, f32, f64, and the
/// complex `Complex32` / `Complex64`.
pub trait Element:
    Copy + Send + Sync + fmt::Debug + fmt::Display + PartialEq + Default + 'static + sealed::Sealed
{
    /// The dtype of arrays of this element.
    const DTYPE: DType;
    /// The scalar holding this value.
    fn to_scalar(self) -> Scalar;
    /// The value of a scalar of the same dtype (None if the dtype differs).
    fn from_scalar(s: Scalar) -> Option<Self>;
    /// The kind this value has as a weak scalar (NEP 50).
    const WEAK: WeakKind;
    /// NumPy's sort order, NaN last: `<` for real types; for complex, lexicographic on
    /// (real, imaginary) with any value holding a NaN after every value without one.
    fn lex_lt(self, other: Self) -> bool;
}

/// An element type with a total-enough order (`PartialOrd`): every element type but complex.
pub trait RealElement: Element + PartialOrd {}

macro_rules! impl_element {
    ($t:ty, $dt:ident, $weak:ident) => {
        impl sealed::Sealed for $t {}
        impl Element for $t {
            const DTYPE: DType = DType::$dt;
            const WEAK: WeakKind = WeakKind::$weak;
            fn to_scalar(self) -> Scalar {
                Scalar::$dt(self)
            }
            fn from_scalar(s: Scalar) -> Option<Self> {
                match s {
                    Scalar::$dt(v) => Some(v),
                    _ => None,
                }
            }
            #[inline(always)]
            #[allow(clippy::eq_op)]
            fn lex_lt(self, other: Self) -> bool {
                // NaN (the only value unequal to itself) after everything else.
                self < other || (other != other && self == self)
            }
        }
        impl RealElement for $t {}
    };
}

macro_rules! impl_complex_element {
    ($t:ty, $dt:ident) => {
        impl sealed::Sealed for $t {}
        impl Element for $t {
            const DTYPE: DType = DType::$dt;
            const WEAK: WeakKind = WeakKind::Complex;
            fn to_scalar(self) -> Scalar {
                Scalar::$dt(self)
            }
            fn from_scalar(s: Scalar) -> Option<Self> {
                match s {
                    Scalar::$dt(v) => Some(v),
                    _ => None,
                }
            }
            #[inline]
            fn lex_lt(self, other: Self) -> bool {
                complex_lt(self.re, self.im, other.re, other.im)
            }
        }
    };
}
impl_complex_element!(Complex32, C64);
impl_complex_element!(Complex64, C128);

/// NumPy's complex order (`npy_sort`'s CLT): lexicographic on (re, im), where a NaN in either
/// part sorts after everything without one; among NaN-holding values, by which parts are NaN.
#[inline]
#[allow(clippy::eq_op)]
pub fn complex_lt<F: PartialOrd + Copy>(ar: F, ai: F, br: F, bi: F) -> bool {
    if ar < br {
        ai == ai || bi != bi
    } else if ar > br {
        bi != bi && ai == ai
    } else if ar == br || (ar != ar && br != br) {
        ai < bi || (bi != bi && ai == ai)
    } else {
        br != br
    }
}

impl_element!(bool, Bool, Bool);
impl_element!(i8, I8, Int);
impl_element!(i16, I16, Int);
impl_element!(i32, I32, Int);
impl_element!(i64, I64, Int);
impl_element!(u8, U8, Int);
impl_element!(u16, U16, Int);
impl_element!(u32, U32, Int);
impl_element!(u64, U64, Int);
impl_element!(f32, F32, Float);
impl_element!(f64, F64, Float);

/// Conversion of one element to another type with NumPy's `astype` semantics.
pub trait CastTo<U> {
    /// Converts the value.
    fn cast(self) -> U;
}

macro_rules! cast_numeric {
    ($($from:ty),*) => { $( cast_numeric!(@to $from; i8, i16, i32, i64, u8, u16, u32, u64, f32, f64); )* };
    (@to $from:ty; $($to:ty),*) => { $(
        impl CastTo<$to> for $from {
            #[inline(always)]
            fn cast(self) -> $to { self as $to }
        }
    )* };
}
cast_numeric!(i8, i16, i32, i64, u8, u16, u32, u64, f32, f64);

macro_rules! cast_bool {
    ($($t:ty),*) => { $(
        impl CastTo<$t> for bool {
            #[inline(always)]
            fn cast(self) -> $t { self as u8 as $t }
        }
        impl CastTo<bool> for $t {
            #[inline(always)]
            #[allow(clippy::float_cmp)]
            fn cast(self) -> bool { self != (0 as $t) }
        }
    )* };
}
cast_bool!(i8, i16, i32, i64, u8, u16, u32, u64, f32, f64);

impl CastTo<bool> for bool {
    #[inline(always)]
    fn cast(self) -> bool {
        self
    }
}

macro_rules! cast_complex {
    ($($c:ident : $f:ty),*) => { $(
        cast_complex!(@real $c : $f; i8, i16, i32, i64, u8, u16, u32, u64, f32, f64);
        impl CastTo<$c> for bool {
            #[inline(always)]
            fn cast(self) -> $c { $c::new(self as u8 as $f, 0.0) }
        }
        // NumPy's nonzero test: true unless both parts are zero (NaN parts are nonzero).
        impl CastTo<bool> for $c {
            #[inline(always)]
            #[allow(clippy::float_cmp)]
            fn cast(self) -> bool { self.re != 0.0 || self.im != 0.0 }
        }
        impl CastTo<Complex32> for $c {
            #[inline(always)]
            fn cast(self) -> Complex32 { Complex32::new(self.re as f32, self.im as f32) }
        }
        impl CastTo<Complex64> for $c {
            #[inline(always)]
            fn cast(self) -> Complex64 { Complex64::new(self.re as f64, self.im as f64) }
        }
    )* };
    (@real $c:ident : $f:ty; $($t:ty),*) => { $(
        impl CastTo<$c> for $t {
            #[inline(always)]
            fn cast(self) -> $c { $c::new(self as $f, 0.0) }
        }
        // Complex to real drops the imaginary part (NumPy warns, then does the same). A
        // negative real part wraps into unsigned types through int64, as NumPy's C cast does
        // on x86-64 (`-3.75 -> 253` for uint8), where Rust's `as` would saturate at 0.
        impl CastTo<$t> for $c {
            #[inline(always)]
            fn cast(self) -> $t {
                if <$t as Element>::DTYPE.is_unsigned_int() && self.re < 0.0 {
                    (self.re as i64) as $t
                } else {
                    self.re as $t
                }
            }
        }
    )* };
}
cast_complex!(Complex32: f32, Complex64: f64);

/// Runs `$body` with the type alias `$T` bound to the Rust type of the dtype `$dt`.
#[macro_export]
macro_rules! with_dtype {
    ($dt:expr, $T:ident => $body:expr) => {
        match $dt {
            $crate::DType::Bool => {
                type $T = bool;
                $body
            }
            $crate::DType::I8 => {
                type $T = i8;
                $body
            }
            $crate::DType::I16 => {
                type $T = i16;
                $body
            }
            $crate::DType::I32 => {
                type $T = i32;
                $body
            }
            $crate::DType::I64 => {
                type $T = i64;
                $body
            }
            $crate::DType::U8 => {
                type $T = u8;
                $body
            }
            $crate::DType::U16 => {
                type $T = u16;
                $body
            }
            $crate::DType::U32 => {
                type $T = u32;
                $body
            }
            $crate::DType::U64 => {
                type $T = u64;
                $body
            }
            $crate::DType::F32 => {
                type $T = f32;
                $body
            }
            $crate::DType::F64 => {
                type $T = f64;
                $body
            }
            $crate::DType::C64 => {
                type $T = $crate::element::Complex32;
                $body
            }
            $crate::DType::C128 => {
                type $T = $crate::element::Complex64;
                $body
            }
        }
    };
}

/// Runs `$body` with the type alias `$T` bound to the Rust type of the dtype `$dt` when it is
/// not complex (so `$T: RealElement`, ordered); for complex64/complex128 it evaluates
/// `$complex` instead (typically an error naming the op and the dtype).
#[macro_export]
macro_rules! with_real_dtype {
    ($dt:expr, $T:ident => $body:expr, complex => $complex:expr) => {
        match $dt {
            $crate::DType::Bool => {
                type $T = bool;
                $body
            }
            $crate::DType::I8 => {
                type $T = i8;
                $body
            }
            $crate::DType::I16 => {
                type $T = i16;
                $body
            }
            $crate::DType::I32 => {
                type $T = i32;
                $body
            }
            $crate::DType::I64 => {
                type $T = i64;
                $body
            }
            $crate::DType::U8 => {
                type $T = u8;
                $body
            }
            $crate::DType::U16 => {
                type $T = u16;
                $body
            }
            $crate::DType::U32 => {
                type $T = u32;
                $body
            }
            $crate::DType::U64 => {
                type $T = u64;
                $body
            }
            $crate::DType::F32 => {
                type $T = f32;
                $body
            }
            $crate::DType::F64 => {
                type $T = f64;
                $body
            }
            $crate::DType::C64 | $crate::DType::C128 => $complex,
        }
    };
}

/// One value of any dtype.
#[derive(Clone, Copy, Debug, PartialEq)]
#[allow(missing_docs)]
pub enum Scalar {
    Bool(bool),
    I8(i8),
    I16(i16),
    I32(i32),
    I64(i64),
    U8(u8),
    U16(u16),
    U32(u32),
    U64(u64),
    F32(f32),
    F64(f64),
    C64(Complex32),
    C128(Complex64),
}

/// Runs `$body` with `$v` bound to the value inside the scalar `$s`.
macro_rules! with_scalar {
    ($s:expr, $v:ident => $body:expr) => {
        match $s {
            Scalar::Bool($v) => $body,
            Scalar::I8($v) => $body,
            Scalar::I16($v) => $body,
            Scalar::I32($v) => $body,
            Scalar::I64($v) => $body,
            Scalar::U8($v) => $body,
            Scalar::U16($v) => $body,
            Scalar::U32($v) => $body,
            Scalar::U64($v) => $body,
            Scalar::F32($v) => $body,
            Scalar::F64($v) => $body,
            Scalar::C64($v) => $body,
            Scalar::C128($v) => $body,
        }
    };
}

impl Scalar {
    /// The scalar's dtype.
    pub fn dtype(self) -> DType {
        with_scalar!(self, v => element_dtype(v))
    }

    /// Converts to another dtype with `astype` semantics.
    pub fn cast(self, to: DType) -> Scalar {
        with_scalar!(self, v => with_dtype!(to, U => CastTo::<U>::cast(v).to_scalar()))
    }

    /// The value as a complex128 (real values get a zero imaginary part).
    pub fn as_c128(self) -> Complex64 {
        with_scalar!(self, v => CastTo::<Complex64>::cast(v))
    }

    /// The value as f64 (exact for everything but large 64-bit integers; the real part of a
    /// complex).
    pub fn as_f64(self) -> f64 {
        with_scalar!(self, v => CastTo::<f64>::cast(v))
    }

    /// The value as i128 when it is a bool or integer; floats give None.
    pub fn as_i128(self) -> Option<i128> {
        match self {
            Scalar::Bool(v) => Some(v as i128),
            Scalar::I8(v) => Some(v as i128),
            Scalar::I16(v) => Some(v as i128),
            Scalar::I32(v) => Some(v as i128),
            Scalar::I64(v) => Some(v as i128),
            Scalar::U8(v) => Some(v as i128),
            Scalar::U16(v) => Some(v as i128),
            Scalar::U32(v) => Some(v as i128),
            Scalar::U64(v) => Some(v as i128),
            Scalar::F32(_) | Scalar::F64(_) | Scalar::C64(_) | Scalar::C128(_) => None,
        }
    }

    /// Converts a weak scalar (a Rust literal) to the dtype an operation with an array of
    /// `target` dtype uses. Integers that do not fit the target integer dtype give None, as
    /// NumPy 2 raises OverflowError for `np.int8_array + 300`.
    pub fn weak_to(self, target: DType) -> Option<Scalar> {
        match (self.as_i128(), target.int_range()) {
            (Some(v), Some((lo, hi))) if !self.dtype().is_bool() && (v < lo || v > hi) => None,
            _ => Some(self.cast(target)),
        }
    }
}

fn element_dtype<T: Element>(_: T) -> DType {
    T::DTYPE
}

impl fmt::Display for Scalar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            // Python's spelling, `(1+2j)`, for error messages.
            Scalar::C64(v) => write!(f, "({}{:+}j)", v.re, v.im),
            Scalar::C128(v) => write!(f, "({}{:+}j)", v.re, v.im),
            _ => with_scalar!(*self, v => fmt::Display::fmt(&v, f)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn casts_follow_c_semantics() {
        assert_eq!(Scalar::I32(300).cast(DType::U8), Scalar::U8(44));
        assert_eq!(Scalar::F64(-2.7).cast(DType::I16), Scalar::I16(-2));
        assert_eq!(Scalar::F64(f64::NAN).cast(DType::Bool), Scalar::Bool(true));
        assert_eq!(Scalar::Bool(true).cast(DType::F32), Scalar::F32(1.0));
        assert_eq!(Scalar::I8(-1).cast(DType::U64), Scalar::U64(u64::MAX));
    }

    #[test]
    fn complex_casts_follow_numpy() {
        let z = Complex64::new(-2.7, 3.0);
        assert_eq!(Scalar::C128(z).cast(DType::I16), Scalar::I16(-2));
        assert_eq!(Scalar::C128(z).cast(DType::F32), Scalar::F32(-2.7));
        assert_eq!(
            Scalar::C128(Complex64::new(0.0, 1.0)).cast(DType::Bool),
            Scalar::Bool(true)
        );
        assert_eq!(
            Scalar::C64(Complex32::new(0.0, -0.0)).cast(DType::Bool),
            Scalar::Bool(false)
        );
        assert_eq!(
            Scalar::I32(3).cast(DType::C64),
            Scalar::C64(Complex32::new(3.0, 0.0))
        );
        assert_eq!(
            Scalar::C128(z).cast(DType::C64),
            Scalar::C64(Complex32::new(-2.7, 3.0))
        );
    }

    #[test]
    fn complex_order_is_lexicographic_with_nan_last() {
        let c = Complex64::new;
        let nan = f64::NAN;
        assert!(c(1.0, 5.0).lex_lt(c(2.0, 0.0)));
        assert!(c(1.0, 0.0).lex_lt(c(1.0, 1.0)));
        assert!(!c(1.0, 1.0).lex_lt(c(1.0, 1.0)));
        assert!(c(9.0, 9.0).lex_lt(c(nan, 0.0)));
        assert!(c(9.0, 9.0).lex_lt(c(0.0, nan)));
        assert!(!c(nan, 0.0).lex_lt(c(9.0, 9.0)));
        // NumPy: [nan+0j, 0+nanj, nan+nanj] sorts to [0+nanj, nan+0j, nan+nanj].
        assert!(c(0.0, nan).lex_lt(c(nan, 0.0)));
        assert!(c(nan, 0.0).lex_lt(c(nan, nan)));
    }

    #[test]
    fn weak_ints_out_of_range_are_rejected() {
        assert_eq!(Scalar::I32(300).weak_to(DType::I8), None);
        assert_eq!(Scalar::I32(-1).weak_to(DType::U8), None);
        assert_eq!(Scalar::I32(100).weak_to(DType::I8), Some(Scalar::I8(100)));
        assert_eq!(Scalar::I32(3).weak_to(DType::F32), Some(Scalar::F32(3.0)));
    }
}
