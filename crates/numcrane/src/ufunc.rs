//! Element-wise functions with NumPy's names, as free functions and as methods.
//!
//! Unary functions take `&Array`; binary functions take anything `IntoOperand` (arrays or Rust
//! scalars) on both sides and broadcast. Integer inputs of float functions are computed in the
//! float NumPy uses (float64 for 32/64-bit integers; float32 where NumPy would use float16).

use crate::build;
use crate::operand::{IntoOperand, Operand};
use crate::Array;
use numcrane_graph::error::SourceLocation;
use numcrane_graph::{BinaryOp, DType, Op, Scalar, UnaryOp};

macro_rules! unary_functions {
    ($($(#[$doc:meta])* $name:ident => $op:ident;)*) => {
        $(
            $(#[$doc])*
            #[track_caller]
            pub fn $name(x: &Array) -> Array {
                build::unary(UnaryOp::$op, x, SourceLocation::caller())
            }
        )*
        impl Array {
            $(
                $(#[$doc])*
                #[track_caller]
                pub fn $name(&self) -> Array {
                    build::unary(UnaryOp::$op, self, SourceLocation::caller())
                }
            )*
        }
    };
}

unary_functions! {
    /// Numerical negative, `-x` (wraps for integers; not defined for bool).
    negative => Neg;
    /// Absolute value, `|x|`.
    abs => Abs;
    /// Absolute value (NumPy's long name).
    absolute => Abs;
    /// -1, 0 or 1 by sign (NaN stays NaN).
    sign => Sign;
    /// `x * x`.
    square => Square;
    /// `1 / x` (integer division for integers, 0 for 1/0).
    reciprocal => Reciprocal;
    /// Logical not: true where x is zero.
    logical_not => Not;
    /// Bitwise not on integers, logical not on bool (the `~` / `!` operator).
    invert => Invert;
    /// Square root.
    sqrt => Sqrt;
    /// Cube root.
    cbrt => Cbrt;
    /// `e**x`.
    exp => Exp;
    /// `2**x`.
    exp2 => Exp2;
    /// `exp(x) - 1`, accurate near 0.
    expm1 => Expm1;
    /// Natural logarithm.
    log => Log;
    /// Base-2 logarithm.
    log2 => Log2;
    /// Base-10 logarithm.
    log10 => Log10;
    /// `log(1 + x)`, accurate near 0.
    log1p => Log1p;
    /// Sine.
    sin => Sin;
    /// Cosine.
    cos => Cos;
    /// Tangent.
    tan => Tan;
    /// Inverse sine.
    arcsin => Arcsin;
    /// Inverse cosine.
    arccos => Arccos;
    /// Inverse tangent.
    arctan => Arctan;
    /// Hyperbolic sine.
    sinh => Sinh;
    /// Hyperbolic cosine.
    cosh => Cosh;
    /// Hyperbolic tangent.
    tanh => Tanh;
    /// Inverse hyperbolic sine.
    arcsinh => Arcsinh;
    /// Inverse hyperbolic cosine.
    arccosh => Arccosh;
    /// Inverse hyperbolic tangent.
    arctanh => Arctanh;
    /// Largest integer not greater than x (integers unchanged).
    floor => Floor;
    /// Smallest integer not less than x (integers unchanged).
    ceil => Ceil;
    /// x rounded toward zero (integers unchanged).
    trunc => Trunc;
    /// Nearest integer, ties to even.
    rint => Rint;
    /// Degrees to radians.
    deg2rad => Deg2rad;
    /// Radians to degrees.
    rad2deg => Rad2deg;
    /// True where x is NaN.
    isnan => IsNan;
    /// True where x is +inf or -inf.
    isinf => IsInf;
    /// True where x is neither NaN nor infinite.
    isfinite => IsFinite;
}

macro_rules! binary_functions {
    ($($(#[$doc:meta])* $name:ident => $op:ident;)*) => { $(
        $(#[$doc])*
        #[track_caller]
        pub fn $name(a: impl IntoOperand, b: impl IntoOperand) -> Array {
            build::binary(BinaryOp::$op, a.into_operand(), b.into_operand(), SourceLocation::caller())
        }
    )* };
}

binary_functions! {
    /// `a + b`.
    add => Add;
    /// `a - b`.
    subtract => Sub;
    /// `a * b`.
    multiply => Mul;
    /// `a / b`, true division (integers give float64).
    divide => Div;
    /// `a / b`, true division (NumPy's `true_divide`).
    true_divide => Div;
    /// `a // b`, floor division (integer division by zero gives 0).
    floor_divide => FloorDiv;
    /// `a % b` with the sign of the divisor (integer modulo by zero gives 0).
    remainder => Rem;
    /// C remainder with the sign of the dividend.
    fmod => Fmod;
    /// `a ** b` (integers to negative integer powers are an error at eval).
    power => Pow;
    /// Element-wise maximum, propagating NaN.
    maximum => Maximum;
    /// Element-wise minimum, propagating NaN.
    minimum => Minimum;
    /// Element-wise maximum, ignoring NaN.
    fmax => Fmax;
    /// Element-wise minimum, ignoring NaN.
    fmin => Fmin;
    /// Angle of the point (b, a), quadrant-aware.
    arctan2 => Arctan2;
    /// `sqrt(a**2 + b**2)` without overflow.
    hypot => Hypot;
    /// `log(exp(a) + exp(b))` without overflow.
    logaddexp => Logaddexp;
    /// Step function: 0 for x < 0, h0 at 0, 1 for x > 0.
    heaviside => Heaviside;
    /// Bitwise and (bool and integers).
    bitwise_and => BitAnd;
    /// Bitwise or (bool and integers).
    bitwise_or => BitOr;
    /// Bitwise xor (bool and integers).
    bitwise_xor => BitXor;
    /// `a << b` (0 when shifting by the bit width or more).
    left_shift => LeftShift;
    /// `a >> b` (arithmetic for signed integers).
    right_shift => RightShift;
    /// Truth of a and b.
    logical_and => LogicalAnd;
    /// Truth of a or b.
    logical_or => LogicalOr;
    /// Truth of a xor b.
    logical_xor => LogicalXor;
    /// `a == b`.
    equal => Eq;
    /// `a != b`.
    not_equal => Ne;
    /// `a < b`.
    less => Lt;
    /// `a <= b`.
    less_equal => Le;
    /// `a > b`.
    greater => Gt;
    /// `a >= b`.
    greater_equal => Ge;
}

macro_rules! binary_methods {
    ($($(#[$doc:meta])* $name:ident => $op:ident;)*) => {
        impl Array { $(
            $(#[$doc])*
            #[track_caller]
            pub fn $name(&self, other: impl IntoOperand) -> Array {
                build::binary(BinaryOp::$op, Operand::Array(self.clone()), other.into_operand(), SourceLocation::caller())
            }
        )* }
    };
}

binary_methods! {
    /// `self ** other`.
    pow => Pow;
    /// `self // other`.
    floor_div => FloorDiv;
    /// Element-wise maximum, propagating NaN.
    maximum => Maximum;
    /// Element-wise minimum, propagating NaN.
    minimum => Minimum;
    /// `self == other`, as a bool array.
    eq => Eq;
    /// `self != other`, as a bool array.
    ne => Ne;
    /// `self < other`, as a bool array.
    lt => Lt;
    /// `self <= other`, as a bool array.
    le => Le;
    /// `self > other`, as a bool array.
    gt => Gt;
    /// `self >= other`, as a bool array.
    ge => Ge;
    /// Truth of self and other.
    logical_and => LogicalAnd;
    /// Truth of self or other.
    logical_or => LogicalOr;
    /// Truth of self xor other.
    logical_xor => LogicalXor;
}

/// `where(cond, a, b)`: elements of `a` where `cond` is true, of `b` elsewhere, all
/// broadcast together (`where` is a Rust keyword, hence the underscore).
///
/// ```
/// use numcrane::{array, where_};
/// let x = array([-1.0, 2.0, -3.0]);
/// let y = where_(&x.gt(0.0), &x, 0.0);
/// assert_eq!(y.to_vec::<f64>().unwrap(), vec![0.0, 2.0, 0.0]);
/// ```
#[track_caller]
pub fn where_(cond: impl IntoOperand, a: impl IntoOperand, b: impl IntoOperand) -> Array {
    build::select(
        cond.into_operand(),
        a.into_operand(),
        b.into_operand(),
        SourceLocation::caller(),
    )
}

/// `min(max(x, lo), hi)` (NumPy's `clip`). As in NumPy, an integer bound beyond the range of
/// an integer array's dtype on the side it limits (`clip(u8, -3, 300)`) limits nothing.
#[track_caller]
pub fn clip(x: &Array, lo: impl IntoOperand, hi: impl IntoOperand) -> Array {
    let loc = SourceLocation::caller();
    let (lo, hi) = (lo.into_operand(), hi.into_operand());
    let mut y = x.clone();
    if !bound_is_vacuous(x, &lo, true) {
        y = build::binary(BinaryOp::Maximum, Operand::Array(y), lo, loc);
    }
    if !bound_is_vacuous(x, &hi, false) {
        y = build::binary(BinaryOp::Minimum, Operand::Array(y), hi, loc);
    }
    y
}

/// True for a Rust integer bound below (lower) or above (upper) every value of `x`'s
/// integer dtype.
fn bound_is_vacuous(x: &Array, bound: &Operand, lower: bool) -> bool {
    let (Operand::Weak(s), Some((min, max))) = (bound, x.dtype().int_range()) else {
        return false;
    };
    match s.as_i128() {
        Some(v) if x.dtype().is_int() => (lower && v < min) || (!lower && v > max),
        _ => false,
    }
}

/// Rounds to `decimals` decimal places, ties to even (NumPy's `round` / `around`): scales by
/// a power of ten, rounds, and scales back, as NumPy does.
#[track_caller]
pub fn round(x: &Array, decimals: i32) -> Array {
    let loc = SourceLocation::caller();
    let dt = x.dtype();
    if !dt.is_float() {
        if decimals >= 0 {
            return x.clone();
        }
        let scale = 10f64.powf(-(decimals as f64));
        let scaled = build::binary(
            BinaryOp::Div,
            Operand::Array(x.clone()),
            Operand::Weak(Scalar::F64(scale)),
            loc,
        );
        let rounded = build::unary(UnaryOp::Rint, &scaled, loc);
        let back = build::binary(
            BinaryOp::Mul,
            Operand::Array(rounded),
            Operand::Weak(Scalar::F64(scale)),
            loc,
        );
        return build::cast(&back, dt, loc);
    }
    let (op_in, op_out, scale) = if decimals >= 0 {
        (BinaryOp::Mul, BinaryOp::Div, 10f64.powf(decimals as f64))
    } else {
        (BinaryOp::Div, BinaryOp::Mul, 10f64.powf(-(decimals as f64)))
    };
    let scaled = build::binary(
        op_in,
        Operand::Array(x.clone()),
        Operand::Weak(Scalar::F64(scale)),
        loc,
    );
    let rounded = build::unary(UnaryOp::Rint, &scaled, loc);
    build::binary(
        op_out,
        Operand::Array(rounded),
        Operand::Weak(Scalar::F64(scale)),
        loc,
    )
}

/// Replaces NaN with 0 and infinities with the largest finite values (NumPy's defaults).
#[track_caller]
pub fn nan_to_num(x: &Array) -> Array {
    let loc = SourceLocation::caller();
    let (big, small) = match x.dtype() {
        DType::F32 => (Scalar::F32(f32::MAX), Scalar::F32(f32::MIN)),
        DType::F64 => (Scalar::F64(f64::MAX), Scalar::F64(f64::MIN)),
        _ => return x.clone(),
    };
    let a = Operand::Array(x.clone());
    let is_pos = build::binary(
        BinaryOp::Eq,
        a.clone(),
        Operand::Weak(Scalar::F64(f64::INFINITY)),
        loc,
    );
    let is_neg = build::binary(
        BinaryOp::Eq,
        a.clone(),
        Operand::Weak(Scalar::F64(f64::NEG_INFINITY)),
        loc,
    );
    let nan = build::unary(UnaryOp::IsNan, x, loc);
    let y = build::select(Operand::Array(nan), Operand::Weak(Scalar::F64(0.0)), a, loc);
    let y = build::select(
        Operand::Array(is_pos),
        Operand::Weak(big),
        Operand::Array(y),
        loc,
    );
    build::select(
        Operand::Array(is_neg),
        Operand::Weak(small),
        Operand::Array(y),
        loc,
    )
}

/// The real part: float32 for complex64, float64 for complex128, the array itself for real
/// dtypes (NumPy's `np.real`).
///
/// ```
/// use numcrane::{array, real, Complex64};
/// let z = array([Complex64::new(1.0, 2.0), Complex64::new(3.0, -4.0)]);
/// assert_eq!(real(&z).to_vec::<f64>().unwrap(), vec![1.0, 3.0]);
/// ```
#[track_caller]
pub fn real(x: &Array) -> Array {
    if x.dtype().is_complex() {
        build::unary(UnaryOp::Real, x, SourceLocation::caller())
    } else {
        x.clone()
    }
}

/// The imaginary part: float32 for complex64, float64 for complex128, zeros for real dtypes
/// (NumPy's `np.imag`).
///
/// ```
/// use numcrane::{array, imag, Complex64};
/// let z = array([Complex64::new(1.0, 2.0), Complex64::new(3.0, -4.0)]);
/// assert_eq!(imag(&z).to_vec::<f64>().unwrap(), vec![2.0, -4.0]);
/// ```
#[track_caller]
pub fn imag(x: &Array) -> Array {
    let loc = SourceLocation::caller();
    if x.dtype().is_complex() {
        return build::unary(UnaryOp::Imag, x, loc);
    }
    let zero = Scalar::Bool(false).cast(x.dtype());
    match x.error() {
        Some(e) => build::poison(
            e.clone(),
            Op::Full(zero),
            &[x],
            x.dtype(),
            x.shape().to_vec(),
            loc,
        ),
        None => build::full(x.shape().to_vec(), zero, loc),
    }
}

/// The complex conjugate (the array itself for real dtypes).
///
/// ```
/// use numcrane::{array, conj, Complex64};
/// let z = array([Complex64::new(1.0, 2.0)]);
/// assert_eq!(conj(&z).to_vec::<Complex64>().unwrap(), vec![Complex64::new(1.0, -2.0)]);
/// ```
#[track_caller]
pub fn conj(x: &Array) -> Array {
    if x.dtype().is_complex() {
        build::unary(UnaryOp::Conj, x, SourceLocation::caller())
    } else {
        x.clone()
    }
}

/// The complex conjugate (NumPy's long name of [`conj`]).
///
/// ```
/// use numcrane::{array, conjugate, Complex32};
/// let z = array([Complex32::new(0.5, -1.0)]);
/// assert_eq!(conjugate(&z).to_vec::<Complex32>().unwrap(), vec![Complex32::new(0.5, 1.0)]);
/// ```
#[track_caller]
pub fn conjugate(x: &Array) -> Array {
    conj(x)
}

/// The angle of each element in radians, `atan2(imag, real)`: 0 for non-negative reals, pi
/// for negative ones; float32 for complex64, float64 for complex128.
///
/// ```
/// use numcrane::{angle, array, Complex64};
/// let z = array([Complex64::new(0.0, 1.0)]);
/// let a = angle(&z).to_vec::<f64>().unwrap();
/// assert!((a[0] - std::f64::consts::FRAC_PI_2).abs() < 1e-15);
/// ```
#[track_caller]
pub fn angle(x: &Array) -> Array {
    if x.dtype().is_complex() {
        return build::unary(UnaryOp::Angle, x, SourceLocation::caller());
    }
    build::binary(
        BinaryOp::Arctan2,
        Operand::Weak(Scalar::F64(0.0)),
        Operand::Array(x.clone()),
        SourceLocation::caller(),
    )
}

/// True where an element has a nonzero imaginary part (all false for real dtypes; NumPy's
/// `np.iscomplex`).
///
/// ```
/// use numcrane::{array, iscomplex, Complex64};
/// let z = array([Complex64::new(1.0, 0.0), Complex64::new(1.0, 2.0)]);
/// assert_eq!(iscomplex(&z).to_vec::<bool>().unwrap(), vec![false, true]);
/// ```
#[track_caller]
pub fn iscomplex(x: &Array) -> Array {
    let loc = SourceLocation::caller();
    build::binary(
        BinaryOp::Ne,
        Operand::Array(imag(x)),
        Operand::Weak(Scalar::Bool(false)),
        loc,
    )
}

/// True where an element has a zero imaginary part (all true for real dtypes; NumPy's
/// `np.isreal`).
///
/// ```
/// use numcrane::{array, isreal, Complex64};
/// let z = array([Complex64::new(1.0, 0.0), Complex64::new(1.0, 2.0)]);
/// assert_eq!(isreal(&z).to_vec::<bool>().unwrap(), vec![true, false]);
/// ```
#[track_caller]
pub fn isreal(x: &Array) -> Array {
    let loc = SourceLocation::caller();
    build::binary(
        BinaryOp::Eq,
        Operand::Array(imag(x)),
        Operand::Weak(Scalar::Bool(false)),
        loc,
    )
}

/// True when the array's dtype is complex (NumPy's `np.iscomplexobj`).
///
/// ```
/// use numcrane::{array, iscomplexobj, Complex64};
/// assert!(iscomplexobj(&array([Complex64::new(1.0, 0.0)])));
/// assert!(!iscomplexobj(&array([1.0])));
/// ```
pub fn iscomplexobj(x: &Array) -> bool {
    x.dtype().is_complex()
}

/// True when the array's dtype is not complex (NumPy's `np.isrealobj`).
///
/// ```
/// use numcrane::{array, isrealobj, Complex64};
/// assert!(isrealobj(&array([1.0])));
/// assert!(!isrealobj(&array([Complex64::new(1.0, 0.0)])));
/// ```
pub fn isrealobj(x: &Array) -> bool {
    !x.dtype().is_complex()
}

impl Array {
    /// The real part ([`real`]).
    ///
    /// ```
    /// use numcrane::{array, Complex64};
    /// let z = array([Complex64::new(1.0, 2.0)]);
    /// assert_eq!(z.real().to_vec::<f64>().unwrap(), vec![1.0]);
    /// ```
    #[track_caller]
    pub fn real(&self) -> Array {
        real(self)
    }

    /// The imaginary part ([`imag`]).
    ///
    /// ```
    /// use numcrane::{array, Complex64};
    /// let z = array([Complex64::new(1.0, 2.0)]);
    /// assert_eq!(z.imag().to_vec::<f64>().unwrap(), vec![2.0]);
    /// ```
    #[track_caller]
    pub fn imag(&self) -> Array {
        imag(self)
    }

    /// The complex conjugate ([`conj`]).
    ///
    /// ```
    /// use numcrane::{array, Complex64};
    /// let z = array([Complex64::new(1.0, 2.0)]);
    /// assert_eq!(z.conj().to_vec::<Complex64>().unwrap(), vec![Complex64::new(1.0, -2.0)]);
    /// ```
    #[track_caller]
    pub fn conj(&self) -> Array {
        conj(self)
    }
}

impl Array {
    /// A copy converted to `dtype` with NumPy's `astype` rules (C casts: integers wrap, floats
    /// truncate toward zero, nonzero is true).
    #[track_caller]
    pub fn astype(&self, dtype: DType) -> Array {
        build::cast(self, dtype, SourceLocation::caller())
    }

    /// A new array with the same values that shares nothing with `self` once evaluated.
    #[track_caller]
    pub fn copy(&self) -> Array {
        build::node(
            Op::Cast,
            &[self],
            self.dtype(),
            self.shape().to_vec(),
            SourceLocation::caller(),
        )
    }

    /// `clip(self, lo, hi)`.
    #[track_caller]
    pub fn clip(&self, lo: impl IntoOperand, hi: impl IntoOperand) -> Array {
        clip(self, lo, hi)
    }

    /// `round(self, decimals)`.
    #[track_caller]
    pub fn round(&self, decimals: i32) -> Array {
        round(self, decimals)
    }
}
