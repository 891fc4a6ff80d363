//! Rust element types and dynamically typed scalars.
//!
//! `Element` ties each Rust primitive to its `DType`; `Scalar` is one value of any dtype, used
//! for constants in the graph and for `item()`. `CastTo` is the element conversion NumPy's
//! `astype` performs (C casts: wrap for integers, truncate toward zero for float to int,
//! nonzero test for bool), written once for all 121 dtype pairs.

use crate::dtype::{DType, WeakKind};
use std::fmt;

mod sealed {
    pub trait Sealed {}
}

/// A Rust type that can be an array element: bool, i8..i64, u8..u64, f32, f64.
pub trait Element:
    Copy + Send + Sync + fmt::Debug + fmt::Display + PartialOrd + Default + 'static + sealed::Sealed
{
    /// The dtype of arrays of this element.
    const DTYPE: DType;
    /// The scalar holding this value.
    fn to_scalar(self) -> Scalar;
    /// The value of a scalar of the same dtype (None if the dtype differs).
    fn from_scalar(s: Scalar) -> Option<Self>;
    /// The kind this value has as a weak scalar (NEP 50).
    const WEAK: WeakKind;
}

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
        }
    };
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

    /// The value as f64 (exact for everything but large 64-bit integers).
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
            Scalar::F32(_) | Scalar::F64(_) => None,
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
        with_scalar!(*self, v => fmt::Display::fmt(&v, f))
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
    fn weak_ints_out_of_range_are_rejected() {
        assert_eq!(Scalar::I32(300).weak_to(DType::I8), None);
        assert_eq!(Scalar::I32(-1).weak_to(DType::U8), None);
        assert_eq!(Scalar::I32(100).weak_to(DType::I8), Some(Scalar::I8(100)));
        assert_eq!(Scalar::I32(3).weak_to(DType::F32), Some(Scalar::F32(3.0)));
    }
}
