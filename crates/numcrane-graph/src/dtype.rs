//! Data types and NumPy 2 (NEP 50) type promotion.
//!
//! `DType` names every element type numcrane stores. `promote` is NumPy's array-array promotion
//! table; `promote_weak` is what happens when a Rust scalar (a "weak" Python-style scalar under
//! NEP 50) meets an array. The rules for which dtype an operation computes in (true division of
//! integers, transcendental functions of integers, reductions' accumulators) live here too, so the
//! public API and every backend agree on them.

use std::fmt;

/// An element type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DType {
    /// `bool`, stored as one byte holding 0 or 1.
    Bool,
    /// `int8`
    I8,
    /// `int16`
    I16,
    /// `int32`
    I32,
    /// `int64`
    I64,
    /// `uint8`
    U8,
    /// `uint16`
    U16,
    /// `uint32`
    U32,
    /// `uint64`
    U64,
    /// `float32`
    F32,
    /// `float64`
    F64,
    /// `complex64`: two `float32` (real, imaginary), interleaved
    C64,
    /// `complex128`: two `float64` (real, imaginary), interleaved
    C128,
}

/// The broad family of a dtype, as NumPy's `dtype.kind`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// bool (`'b'`)
    Bool,
    /// unsigned integer (`'u'`)
    Unsigned,
    /// signed integer (`'i'`)
    Signed,
    /// floating point (`'f'`)
    Float,
    /// complex floating point (`'c'`)
    Complex,
}

/// The kind of a weak (Rust literal / Python-style) scalar under NEP 50.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WeakKind {
    /// a `bool` value
    Bool,
    /// any Rust integer value
    Int,
    /// any Rust float value
    Float,
    /// any complex value (`Complex<f32>` or `Complex<f64>`, Python's `complex`)
    Complex,
}

impl DType {
    /// Every dtype, in the order NumPy's promotion tables list them.
    pub const ALL: [DType; 13] = [
        DType::Bool,
        DType::I8,
        DType::I16,
        DType::I32,
        DType::I64,
        DType::U8,
        DType::U16,
        DType::U32,
        DType::U64,
        DType::F32,
        DType::F64,
        DType::C64,
        DType::C128,
    ];

    /// Size of one element in bytes.
    pub const fn itemsize(self) -> usize {
        match self {
            DType::Bool | DType::I8 | DType::U8 => 1,
            DType::I16 | DType::U16 => 2,
            DType::I32 | DType::U32 | DType::F32 => 4,
            DType::I64 | DType::U64 | DType::F64 | DType::C64 => 8,
            DType::C128 => 16,
        }
    }

    /// NumPy's name for the dtype (`"float32"`, `"bool"`, ...).
    pub const fn name(self) -> &'static str {
        match self {
            DType::Bool => "bool",
            DType::I8 => "int8",
            DType::I16 => "int16",
            DType::I32 => "int32",
            DType::I64 => "int64",
            DType::U8 => "uint8",
            DType::U16 => "uint16",
            DType::U32 => "uint32",
            DType::U64 => "uint64",
            DType::F32 => "float32",
            DType::F64 => "float64",
            DType::C64 => "complex64",
            DType::C128 => "complex128",
        }
    }

    /// Parses NumPy's name of a dtype (also accepts `f32`-style Rust names).
    pub fn from_name(name: &str) -> Option<DType> {
        Some(match name {
            "bool" | "bool_" => DType::Bool,
            "int8" | "i8" => DType::I8,
            "int16" | "i16" => DType::I16,
            "int32" | "i32" => DType::I32,
            "int64" | "i64" | "int" => DType::I64,
            "uint8" | "u8" => DType::U8,
            "uint16" | "u16" => DType::U16,
            "uint32" | "u32" => DType::U32,
            "uint64" | "u64" => DType::U64,
            "float32" | "f32" => DType::F32,
            "float64" | "f64" | "float" => DType::F64,
            "complex64" | "c64" => DType::C64,
            "complex128" | "c128" | "complex" => DType::C128,
            _ => return None,
        })
    }

    /// The dtype's kind.
    pub const fn kind(self) -> Kind {
        match self {
            DType::Bool => Kind::Bool,
            DType::I8 | DType::I16 | DType::I32 | DType::I64 => Kind::Signed,
            DType::U8 | DType::U16 | DType::U32 | DType::U64 => Kind::Unsigned,
            DType::F32 | DType::F64 => Kind::Float,
            DType::C64 | DType::C128 => Kind::Complex,
        }
    }

    /// True for complex64 and complex128.
    pub const fn is_complex(self) -> bool {
        matches!(self.kind(), Kind::Complex)
    }

    /// True for floats and complex (NumPy's `np.inexact`).
    pub const fn is_inexact(self) -> bool {
        matches!(self.kind(), Kind::Float | Kind::Complex)
    }

    /// The dtype of one part of a complex dtype (complex64 -> float32, complex128 -> float64):
    /// what `abs`, `real`, `imag`, `angle` and `var` return. Other dtypes are returned as they are.
    pub const fn real_dtype(self) -> DType {
        match self {
            DType::C64 => DType::F32,
            DType::C128 => DType::F64,
            other => other,
        }
    }

    /// The complex dtype whose parts have the float dtype this one promotes to: float32 (and
    /// complex64) -> complex64, anything else -> complex128 (bool and integers, as NumPy's
    /// `result_type(x, 1j)`).
    pub const fn complex_dtype(self) -> DType {
        match self {
            DType::F32 | DType::C64 => DType::C64,
            _ => DType::C128,
        }
    }

    /// True for f32 and f64.
    pub const fn is_float(self) -> bool {
        matches!(self.kind(), Kind::Float)
    }

    /// True for signed and unsigned integers (not bool).
    pub const fn is_int(self) -> bool {
        matches!(self.kind(), Kind::Signed | Kind::Unsigned)
    }

    /// True for signed integers.
    pub const fn is_signed_int(self) -> bool {
        matches!(self.kind(), Kind::Signed)
    }

    /// True for unsigned integers.
    pub const fn is_unsigned_int(self) -> bool {
        matches!(self.kind(), Kind::Unsigned)
    }

    /// True for bool.
    pub const fn is_bool(self) -> bool {
        matches!(self, DType::Bool)
    }

    fn bits(self) -> usize {
        self.itemsize() * 8
    }

    fn signed_of_bits(bits: usize) -> Option<DType> {
        Some(match bits {
            8 => DType::I8,
            16 => DType::I16,
            32 => DType::I32,
            64 => DType::I64,
            _ => return None,
        })
    }

    /// The dtype an array-array operation between `self` and `other` computes in
    /// (NumPy's `np.promote_types`).
    pub fn promote(self, other: DType) -> DType {
        use Kind::*;
        if self == other {
            return self;
        }
        match (self.kind(), other.kind()) {
            // A complex's parts promote as floats do: complex64 + int32 is complex128 because
            // float32 + int32 is float64.
            (Complex, _) | (_, Complex) => self
                .real_dtype()
                .promote(other.real_dtype())
                .complex_dtype(),
            (Bool, _) => other,
            (_, Bool) => self,
            (Float, Float) => self.max_by_size(other),
            (Float, _) => float_for(self, other),
            (_, Float) => float_for(other, self),
            (Signed, Signed) | (Unsigned, Unsigned) => self.max_by_size(other),
            (Signed, Unsigned) => mixed_sign(self, other),
            (Unsigned, Signed) => mixed_sign(other, self),
        }
    }

    fn max_by_size(self, other: DType) -> DType {
        if self.itemsize() >= other.itemsize() {
            self
        } else {
            other
        }
    }

    /// The dtype of an operation between an array of dtype `self` and a weak scalar of `kind`
    /// (NEP 50: the scalar's value never widens the array's dtype, only its kind can).
    pub fn promote_weak(self, kind: WeakKind) -> DType {
        match (self.kind(), kind) {
            (Kind::Complex, _) => self,
            (_, WeakKind::Complex) => self.complex_dtype(),
            (_, WeakKind::Bool) => self,
            (Kind::Bool, WeakKind::Int) => DType::I64,
            (_, WeakKind::Int) => self,
            (Kind::Float, WeakKind::Float) => self,
            (_, WeakKind::Float) => DType::F64,
        }
    }

    /// The float dtype an inexact function (sqrt, exp, true division, mean...) computes in for
    /// inputs of this dtype. NumPy would use float16 for bool/int8/uint8, which numcrane does not
    /// have; numcrane uses float32 there (documented in docs/numpy-to-numcrane.md).
    pub fn float_for_inexact(self) -> DType {
        match self {
            DType::F32 | DType::F64 | DType::C64 | DType::C128 => self,
            DType::Bool | DType::I8 | DType::U8 | DType::I16 | DType::U16 => DType::F32,
            _ => DType::F64,
        }
    }

    /// The accumulator dtype NumPy uses for `sum`, `prod`, `cumsum`, `cumprod`: small integers
    /// and bool widen to the platform integer (int64 / uint64), everything else stays.
    pub fn sum_accumulator(self) -> DType {
        match self.kind() {
            Kind::Bool | Kind::Signed => DType::I64,
            Kind::Unsigned => DType::U64,
            Kind::Float | Kind::Complex => self,
        }
    }

    /// The smallest and largest value of a bool or integer dtype (None for floats); used to
    /// range-check weak scalars.
    pub fn int_range(self) -> Option<(i128, i128)> {
        Some(match self {
            DType::Bool => (0, 1),
            DType::I8 => (i8::MIN as i128, i8::MAX as i128),
            DType::I16 => (i16::MIN as i128, i16::MAX as i128),
            DType::I32 => (i32::MIN as i128, i32::MAX as i128),
            DType::I64 => (i64::MIN as i128, i64::MAX as i128),
            DType::U8 => (0, u8::MAX as i128),
            DType::U16 => (0, u16::MAX as i128),
            DType::U32 => (0, u32::MAX as i128),
            DType::U64 => (0, u64::MAX as i128),
            DType::F32 | DType::F64 | DType::C64 | DType::C128 => return None,
        })
    }
}

/// float + integer: the smallest float that holds every value of the integer type.
fn float_for(float: DType, int: DType) -> DType {
    if float == DType::F64 || int.itemsize() >= 4 {
        DType::F64
    } else {
        DType::F32
    }
}

/// signed + unsigned: the smallest signed type holding both, or float64 past 64 bits.
fn mixed_sign(signed: DType, unsigned: DType) -> DType {
    let bits = signed.bits().max(unsigned.bits() * 2);
    DType::signed_of_bits(bits).unwrap_or(DType::F64)
}

impl fmt::Display for DType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn promotion_matches_numpy_examples() {
        use DType::*;
        assert_eq!(I8.promote(U8), I16);
        assert_eq!(I32.promote(U32), I64);
        assert_eq!(I64.promote(U64), F64);
        assert_eq!(U8.promote(I64), I64);
        assert_eq!(I16.promote(F32), F32);
        assert_eq!(I32.promote(F32), F64);
        assert_eq!(Bool.promote(I8), I8);
        assert_eq!(F32.promote(F64), F64);
    }

    #[test]
    fn promotion_is_symmetric() {
        for a in DType::ALL {
            for b in DType::ALL {
                assert_eq!(a.promote(b), b.promote(a), "{a} {b}");
            }
        }
    }

    #[test]
    fn complex_promotion_matches_numpy() {
        use DType::*;
        // np.promote_types(np.complex64, x) for every real dtype (NumPy 2).
        for (x, want) in [
            (Bool, C64),
            (I8, C64),
            (I16, C64),
            (I32, C128),
            (I64, C128),
            (U8, C64),
            (U16, C64),
            (U32, C128),
            (U64, C128),
            (F32, C64),
            (F64, C128),
            (C64, C64),
            (C128, C128),
        ] {
            assert_eq!(C64.promote(x), want, "complex64 with {x}");
            assert_eq!(C128.promote(x), C128, "complex128 with {x}");
        }
        assert_eq!(F32.promote_weak(WeakKind::Complex), C64);
        assert_eq!(F64.promote_weak(WeakKind::Complex), C128);
        assert_eq!(I8.promote_weak(WeakKind::Complex), C128);
        assert_eq!(Bool.promote_weak(WeakKind::Complex), C128);
        assert_eq!(C64.promote_weak(WeakKind::Float), C64);
        assert_eq!(C64.promote_weak(WeakKind::Complex), C64);
        assert_eq!(C64.real_dtype(), F32);
        assert_eq!(C128.itemsize(), 16);
    }

    #[test]
    fn weak_scalars_do_not_widen() {
        assert_eq!(DType::F32.promote_weak(WeakKind::Float), DType::F32);
        assert_eq!(DType::I32.promote_weak(WeakKind::Float), DType::F64);
        assert_eq!(DType::I8.promote_weak(WeakKind::Int), DType::I8);
        assert_eq!(DType::Bool.promote_weak(WeakKind::Int), DType::I64);
    }
}
