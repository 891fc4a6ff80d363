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
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, negative};
    /// let x = array([1.5, -2.0, 0.0]);
    /// assert_eq!(negative(&x).to_vec::<f64>().unwrap(), vec![-1.5, 2.0, -0.0]);
    /// assert_eq!(array([3i8, -128]).negative().to_vec::<i8>().unwrap(), vec![-3, -128]);
    /// ```
    negative => Neg;
    /// Absolute value, `|x|`.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{abs, array};
    /// let x = array([-1.5, 2.0, -0.0]);
    /// assert_eq!(abs(&x).to_vec::<f64>().unwrap(), vec![1.5, 2.0, 0.0]);
    /// assert_eq!(array([-3i32, 4]).abs().to_vec::<i32>().unwrap(), vec![3, 4]);
    /// ```
    abs => Abs;
    /// Absolute value (NumPy's long name).
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{absolute, array};
    /// let x = array([-1.5, 2.0]);
    /// assert_eq!(absolute(&x).to_vec::<f64>().unwrap(), vec![1.5, 2.0]);
    /// assert_eq!(x.absolute().to_vec::<f64>().unwrap(), vec![1.5, 2.0]);
    /// ```
    absolute => Abs;
    /// -1, 0 or 1 by sign (NaN stays NaN).
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, sign};
    /// let x = array([-2.5, 0.0, 7.0, f64::NAN]);
    /// let s = sign(&x).to_vec::<f64>().unwrap();
    /// assert_eq!(&s[..3], &[-1.0, 0.0, 1.0]);
    /// assert!(s[3].is_nan());
    /// assert_eq!(array([-4i32, 0, 9]).sign().to_vec::<i32>().unwrap(), vec![-1, 0, 1]);
    /// ```
    sign => Sign;
    /// `x * x`.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, square};
    /// let x = array([-3i32, 2, 5]);
    /// assert_eq!(square(&x).to_vec::<i32>().unwrap(), vec![9, 4, 25]);
    /// assert_eq!(array([1.5]).square().to_vec::<f64>().unwrap(), vec![2.25]);
    /// ```
    square => Square;
    /// `1 / x` (integer division for integers, 0 for 1/0).
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, reciprocal};
    /// let x = array([2.0, 4.0, -0.5]);
    /// assert_eq!(reciprocal(&x).to_vec::<f64>().unwrap(), vec![0.5, 0.25, -2.0]);
    /// // Integers divide as integers: 1/2 is 0, 1/0 is 0.
    /// assert_eq!(array([1i32, 2, 0]).reciprocal().to_vec::<i32>().unwrap(), vec![1, 0, 0]);
    /// ```
    reciprocal => Reciprocal;
    /// Logical not: true where x is zero.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, logical_not};
    /// let x = array([0.0, 1.5, -2.0]);
    /// assert_eq!(logical_not(&x).to_vec::<bool>().unwrap(), vec![true, false, false]);
    /// assert_eq!(array([true, false]).logical_not().to_vec::<bool>().unwrap(), vec![false, true]);
    /// ```
    logical_not => Not;
    /// Bitwise not on integers, logical not on bool (the `~` / `!` operator).
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, invert};
    /// assert_eq!(invert(&array([0u8, 255, 15])).to_vec::<u8>().unwrap(), vec![255, 0, 240]);
    /// assert_eq!(array([0i32, -1]).invert().to_vec::<i32>().unwrap(), vec![-1, 0]);
    /// assert_eq!(array([true, false]).invert().to_vec::<bool>().unwrap(), vec![false, true]);
    /// ```
    invert => Invert;
    /// Square root.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, sqrt};
    /// let x = array([4.0, 9.0, 0.25]);
    /// assert_eq!(sqrt(&x).to_vec::<f64>().unwrap(), vec![2.0, 3.0, 0.5]);
    /// assert!(array([-1.0]).sqrt().item::<f64>().unwrap().is_nan());
    /// // Integers are computed in float64, as NumPy does.
    /// assert_eq!(array([16i32]).sqrt().to_vec::<f64>().unwrap(), vec![4.0]);
    /// ```
    sqrt => Sqrt;
    /// Cube root.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, cbrt};
    /// let y = cbrt(&array([8.0, -27.0])).to_vec::<f64>().unwrap();
    /// assert!((y[0] - 2.0).abs() < 1e-12 && (y[1] + 3.0).abs() < 1e-12);
    /// assert!((array([64.0]).cbrt().item::<f64>().unwrap() - 4.0).abs() < 1e-12);
    /// ```
    cbrt => Cbrt;
    /// `e**x`.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, exp};
    /// let y = exp(&array([0.0, 1.0])).to_vec::<f64>().unwrap();
    /// assert_eq!(y[0], 1.0);
    /// assert!((y[1] - std::f64::consts::E).abs() < 1e-12);
    /// assert!((array([2.0]).exp().item::<f64>().unwrap() - 2f64.exp()).abs() < 1e-12);
    /// ```
    exp => Exp;
    /// `2**x`.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, exp2};
    /// let y = exp2(&array([0.0, 3.0, -1.0])).to_vec::<f64>().unwrap();
    /// assert!((y[0] - 1.0).abs() < 1e-12 && (y[1] - 8.0).abs() < 1e-12 && (y[2] - 0.5).abs() < 1e-12);
    /// assert!((array([10.0]).exp2().item::<f64>().unwrap() - 1024.0).abs() < 1e-9);
    /// ```
    exp2 => Exp2;
    /// `exp(x) - 1`, accurate near 0.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, expm1};
    /// let x = array([1e-10, 0.0]);
    /// let y = expm1(&x).to_vec::<f64>().unwrap();
    /// // exp(x) - 1 would lose most digits of 1e-10; expm1 keeps them.
    /// assert!((y[0] - 1.00000000005e-10).abs() < 1e-22);
    /// assert_eq!(x.expm1().to_vec::<f64>().unwrap()[1], 0.0);
    /// ```
    expm1 => Expm1;
    /// Natural logarithm.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, log};
    /// let y = log(&array([1.0, std::f64::consts::E])).to_vec::<f64>().unwrap();
    /// assert_eq!(y[0], 0.0);
    /// assert!((y[1] - 1.0).abs() < 1e-12);
    /// assert_eq!(array([0.0]).log().item::<f64>().unwrap(), f64::NEG_INFINITY);
    /// ```
    log => Log;
    /// Base-2 logarithm.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, log2};
    /// let y = log2(&array([1.0, 8.0, 0.5])).to_vec::<f64>().unwrap();
    /// assert!((y[0]).abs() < 1e-12 && (y[1] - 3.0).abs() < 1e-12 && (y[2] + 1.0).abs() < 1e-12);
    /// assert!((array([1024.0]).log2().item::<f64>().unwrap() - 10.0).abs() < 1e-12);
    /// ```
    log2 => Log2;
    /// Base-10 logarithm.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, log10};
    /// let y = log10(&array([1.0, 1000.0])).to_vec::<f64>().unwrap();
    /// assert!(y[0].abs() < 1e-12 && (y[1] - 3.0).abs() < 1e-12);
    /// assert!((array([0.01]).log10().item::<f64>().unwrap() + 2.0).abs() < 1e-12);
    /// ```
    log10 => Log10;
    /// `log(1 + x)`, accurate near 0.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, log1p};
    /// let x = array([1e-10, 0.0]);
    /// let y = log1p(&x).to_vec::<f64>().unwrap();
    /// // log(1 + 1e-10) would round 1 + 1e-10 first; log1p keeps the digits.
    /// assert!((y[0] - 9.9999999995e-11).abs() < 1e-22);
    /// assert_eq!(x.log1p().to_vec::<f64>().unwrap()[1], 0.0);
    /// ```
    log1p => Log1p;
    /// Sine.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, sin};
    /// use std::f64::consts::PI;
    /// let y = sin(&array([0.0, PI / 2.0, PI / 6.0])).to_vec::<f64>().unwrap();
    /// assert_eq!(y[0], 0.0);
    /// assert!((y[1] - 1.0).abs() < 1e-12 && (y[2] - 0.5).abs() < 1e-12);
    /// assert!(array([PI]).sin().item::<f64>().unwrap().abs() < 1e-12);
    /// ```
    sin => Sin;
    /// Cosine.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, cos};
    /// use std::f64::consts::PI;
    /// let y = cos(&array([0.0, PI, PI / 3.0])).to_vec::<f64>().unwrap();
    /// assert_eq!(y[0], 1.0);
    /// assert!((y[1] + 1.0).abs() < 1e-12 && (y[2] - 0.5).abs() < 1e-12);
    /// assert!(array([PI / 2.0]).cos().item::<f64>().unwrap().abs() < 1e-12);
    /// ```
    cos => Cos;
    /// Tangent.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, tan};
    /// use std::f64::consts::PI;
    /// let y = tan(&array([0.0, PI / 4.0])).to_vec::<f64>().unwrap();
    /// assert_eq!(y[0], 0.0);
    /// assert!((y[1] - 1.0).abs() < 1e-12);
    /// assert!((array([-PI / 4.0]).tan().item::<f64>().unwrap() + 1.0).abs() < 1e-12);
    /// ```
    tan => Tan;
    /// Inverse sine.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{arcsin, array};
    /// use std::f64::consts::PI;
    /// let y = arcsin(&array([0.0, 1.0, 0.5])).to_vec::<f64>().unwrap();
    /// assert!(y[0].abs() < 1e-12 && (y[1] - PI / 2.0).abs() < 1e-12 && (y[2] - PI / 6.0).abs() < 1e-12);
    /// assert!(array([2.0]).arcsin().item::<f64>().unwrap().is_nan());
    /// ```
    arcsin => Arcsin;
    /// Inverse cosine.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{arccos, array};
    /// use std::f64::consts::PI;
    /// let y = arccos(&array([1.0, -1.0, 0.5])).to_vec::<f64>().unwrap();
    /// assert!(y[0].abs() < 1e-12 && (y[1] - PI).abs() < 1e-12 && (y[2] - PI / 3.0).abs() < 1e-12);
    /// assert!((array([0.0]).arccos().item::<f64>().unwrap() - PI / 2.0).abs() < 1e-12);
    /// ```
    arccos => Arccos;
    /// Inverse tangent.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{arctan, array};
    /// use std::f64::consts::PI;
    /// let y = arctan(&array([0.0, 1.0, -1.0])).to_vec::<f64>().unwrap();
    /// assert!(y[0].abs() < 1e-12 && (y[1] - PI / 4.0).abs() < 1e-12 && (y[2] + PI / 4.0).abs() < 1e-12);
    /// assert!((array([f64::INFINITY]).arctan().item::<f64>().unwrap() - PI / 2.0).abs() < 1e-12);
    /// ```
    arctan => Arctan;
    /// Hyperbolic sine.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, sinh};
    /// let y = sinh(&array([0.0, 1.0])).to_vec::<f64>().unwrap();
    /// assert_eq!(y[0], 0.0);
    /// assert!((y[1] - 1f64.sinh()).abs() < 1e-12);
    /// assert!((array([-1.0]).sinh().item::<f64>().unwrap() + 1f64.sinh()).abs() < 1e-12);
    /// ```
    sinh => Sinh;
    /// Hyperbolic cosine.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, cosh};
    /// let y = cosh(&array([0.0, 1.0])).to_vec::<f64>().unwrap();
    /// assert_eq!(y[0], 1.0);
    /// assert!((y[1] - 1f64.cosh()).abs() < 1e-12);
    /// assert!((array([-1.0]).cosh().item::<f64>().unwrap() - 1f64.cosh()).abs() < 1e-12);
    /// ```
    cosh => Cosh;
    /// Hyperbolic tangent.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, tanh};
    /// let y = tanh(&array([0.0, 1.0, 50.0])).to_vec::<f64>().unwrap();
    /// assert_eq!(y[0], 0.0);
    /// assert!((y[1] - 1f64.tanh()).abs() < 1e-12 && (y[2] - 1.0).abs() < 1e-12);
    /// assert!((array([-50.0]).tanh().item::<f64>().unwrap() + 1.0).abs() < 1e-12);
    /// ```
    tanh => Tanh;
    /// Inverse hyperbolic sine.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{arcsinh, array};
    /// let y = arcsinh(&array([0.0, 1f64.sinh()])).to_vec::<f64>().unwrap();
    /// assert!(y[0].abs() < 1e-12 && (y[1] - 1.0).abs() < 1e-12);
    /// assert!((array([-(2f64.sinh())]).arcsinh().item::<f64>().unwrap() + 2.0).abs() < 1e-12);
    /// ```
    arcsinh => Arcsinh;
    /// Inverse hyperbolic cosine.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{arccosh, array};
    /// let y = arccosh(&array([1.0, 2f64.cosh()])).to_vec::<f64>().unwrap();
    /// assert!(y[0].abs() < 1e-12 && (y[1] - 2.0).abs() < 1e-12);
    /// assert!(array([0.5]).arccosh().item::<f64>().unwrap().is_nan());
    /// ```
    arccosh => Arccosh;
    /// Inverse hyperbolic tangent.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{arctanh, array};
    /// let y = arctanh(&array([0.0, 0.5f64.tanh()])).to_vec::<f64>().unwrap();
    /// assert!(y[0].abs() < 1e-12 && (y[1] - 0.5).abs() < 1e-12);
    /// assert_eq!(array([1.0]).arctanh().item::<f64>().unwrap(), f64::INFINITY);
    /// ```
    arctanh => Arctanh;
    /// Largest integer not greater than x (integers unchanged).
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, floor};
    /// let x = array([-1.5, 0.2, 2.0]);
    /// assert_eq!(floor(&x).to_vec::<f64>().unwrap(), vec![-2.0, 0.0, 2.0]);
    /// assert_eq!(array([7i32]).floor().to_vec::<i32>().unwrap(), vec![7]);
    /// ```
    floor => Floor;
    /// Smallest integer not less than x (integers unchanged).
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, ceil};
    /// let x = array([-1.5, 0.2, 2.0]);
    /// assert_eq!(ceil(&x).to_vec::<f64>().unwrap(), vec![-1.0, 1.0, 2.0]);
    /// assert_eq!(array([7i32]).ceil().to_vec::<i32>().unwrap(), vec![7]);
    /// ```
    ceil => Ceil;
    /// x rounded toward zero (integers unchanged).
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, trunc};
    /// let x = array([-1.7, 0.2, 2.9]);
    /// assert_eq!(trunc(&x).to_vec::<f64>().unwrap(), vec![-1.0, 0.0, 2.0]);
    /// assert_eq!(x.trunc().to_vec::<f64>().unwrap(), vec![-1.0, 0.0, 2.0]);
    /// ```
    trunc => Trunc;
    /// Nearest integer, ties to even.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, rint};
    /// let x = array([0.5, 1.5, 2.5, -0.6]);
    /// assert_eq!(rint(&x).to_vec::<f64>().unwrap(), vec![0.0, 2.0, 2.0, -1.0]);
    /// assert_eq!(array([3.7]).rint().to_vec::<f64>().unwrap(), vec![4.0]);
    /// ```
    rint => Rint;
    /// Degrees to radians.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, deg2rad};
    /// use std::f64::consts::PI;
    /// let y = deg2rad(&array([180.0, 90.0])).to_vec::<f64>().unwrap();
    /// assert!((y[0] - PI).abs() < 1e-12 && (y[1] - PI / 2.0).abs() < 1e-12);
    /// assert!((array([360.0]).deg2rad().item::<f64>().unwrap() - 2.0 * PI).abs() < 1e-12);
    /// ```
    deg2rad => Deg2rad;
    /// Radians to degrees.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, rad2deg};
    /// use std::f64::consts::PI;
    /// let y = rad2deg(&array([PI, PI / 2.0])).to_vec::<f64>().unwrap();
    /// assert!((y[0] - 180.0).abs() < 1e-9 && (y[1] - 90.0).abs() < 1e-9);
    /// assert!((array([-PI]).rad2deg().item::<f64>().unwrap() + 180.0).abs() < 1e-9);
    /// ```
    rad2deg => Rad2deg;
    /// True where x is NaN.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, isnan};
    /// let x = array([1.0, f64::NAN, f64::INFINITY]);
    /// assert_eq!(isnan(&x).to_vec::<bool>().unwrap(), vec![false, true, false]);
    /// assert_eq!(array([3i32]).isnan().to_vec::<bool>().unwrap(), vec![false]);
    /// ```
    isnan => IsNan;
    /// True where x is +inf or -inf.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, isinf};
    /// let x = array([1.0, f64::NAN, f64::INFINITY, f64::NEG_INFINITY]);
    /// assert_eq!(isinf(&x).to_vec::<bool>().unwrap(), vec![false, false, true, true]);
    /// assert_eq!(x.isinf().to_vec::<bool>().unwrap()[0], false);
    /// ```
    isinf => IsInf;
    /// True where x is neither NaN nor infinite.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, isfinite};
    /// let x = array([1.0, f64::NAN, f64::INFINITY]);
    /// assert_eq!(isfinite(&x).to_vec::<bool>().unwrap(), vec![true, false, false]);
    /// assert_eq!(array([5i32]).isfinite().to_vec::<bool>().unwrap(), vec![true]);
    /// ```
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
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{add, array};
    /// let a = array([[1, 2], [3, 4]]);
    /// let b = array([10, 20]);
    /// // b broadcasts over the rows of a.
    /// let c = add(&a, &b);
    /// assert_eq!(c.shape(), &[2, 2]);
    /// assert_eq!(c.to_vec::<i32>().unwrap(), vec![11, 22, 13, 24]);
    /// assert_eq!(add(&b, 1).to_vec::<i32>().unwrap(), vec![11, 21]);
    /// ```
    add => Add;
    /// `a - b`.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, subtract};
    /// let a = array([5.0, 7.0]);
    /// assert_eq!(subtract(&a, 2.0).to_vec::<f64>().unwrap(), vec![3.0, 5.0]);
    /// assert_eq!(subtract(10.0, &a).to_vec::<f64>().unwrap(), vec![5.0, 3.0]);
    /// ```
    subtract => Sub;
    /// `a * b`.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, multiply};
    /// let a = array([[1.0], [2.0]]);
    /// let b = array([1.0, 10.0, 100.0]);
    /// let c = multiply(&a, &b);
    /// assert_eq!(c.shape(), &[2, 3]);
    /// assert_eq!(c.to_vec::<f64>().unwrap(), vec![1.0, 10.0, 100.0, 2.0, 20.0, 200.0]);
    /// ```
    multiply => Mul;
    /// `a / b`, true division (integers give float64).
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, divide, DType};
    /// let q = divide(&array([1i32, 3, 5]), 2);
    /// assert_eq!(q.dtype(), DType::F64);
    /// assert_eq!(q.to_vec::<f64>().unwrap(), vec![0.5, 1.5, 2.5]);
    /// ```
    divide => Div;
    /// `a / b`, true division (NumPy's `true_divide`).
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, true_divide};
    /// let q = true_divide(&array([7i64, -7]), 2);
    /// assert_eq!(q.to_vec::<f64>().unwrap(), vec![3.5, -3.5]);
    /// ```
    true_divide => Div;
    /// `a // b`, floor division (integer division by zero gives 0).
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, floor_divide};
    /// let a = array([7i32, -7, 7]);
    /// assert_eq!(floor_divide(&a, array([2i32, 2, 0])).to_vec::<i32>().unwrap(), vec![3, -4, 0]);
    /// assert_eq!(floor_divide(&array([7.5]), 2.0).to_vec::<f64>().unwrap(), vec![3.0]);
    /// ```
    floor_divide => FloorDiv;
    /// `a % b` with the sign of the divisor (integer modulo by zero gives 0).
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, remainder};
    /// // The result has the sign of the divisor, as Python's %.
    /// let r = remainder(&array([7i32, -7, 7]), array([3i32, 3, -3]));
    /// assert_eq!(r.to_vec::<i32>().unwrap(), vec![1, 2, -2]);
    /// ```
    remainder => Rem;
    /// C remainder with the sign of the dividend.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, fmod};
    /// // The result has the sign of the dividend, as C's fmod.
    /// let r = fmod(&array([7i32, -7, 7]), array([3i32, 3, -3]));
    /// assert_eq!(r.to_vec::<i32>().unwrap(), vec![1, -1, 1]);
    /// assert_eq!(fmod(&array([5.5]), 2.0).to_vec::<f64>().unwrap(), vec![1.5]);
    /// ```
    fmod => Fmod;
    /// `a ** b` (integers to negative integer powers are an error at eval).
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, power};
    /// assert_eq!(power(&array([2i32, 3, 4]), 2).to_vec::<i32>().unwrap(), vec![4, 9, 16]);
    /// let p = power(2.0, &array([0.5, -1.0])).to_vec::<f64>().unwrap();
    /// assert!((p[0] - 2f64.sqrt()).abs() < 1e-15 && p[1] == 0.5);
    /// ```
    power => Pow;
    /// Element-wise maximum, propagating NaN.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, maximum};
    /// let m = maximum(&array([1.0, 5.0, f64::NAN]), array([3.0, 2.0, 0.0])).to_vec::<f64>().unwrap();
    /// assert_eq!(&m[..2], &[3.0, 5.0]);
    /// assert!(m[2].is_nan());
    /// ```
    maximum => Maximum;
    /// Element-wise minimum, propagating NaN.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, minimum};
    /// let m = minimum(&array([1.0, 5.0, f64::NAN]), array([3.0, 2.0, 0.0])).to_vec::<f64>().unwrap();
    /// assert_eq!(&m[..2], &[1.0, 2.0]);
    /// assert!(m[2].is_nan());
    /// ```
    minimum => Minimum;
    /// Element-wise maximum, ignoring NaN.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, fmax};
    /// let m = fmax(&array([1.0, 5.0, f64::NAN]), array([3.0, 2.0, 0.0]));
    /// assert_eq!(m.to_vec::<f64>().unwrap(), vec![3.0, 5.0, 0.0]);
    /// ```
    fmax => Fmax;
    /// Element-wise minimum, ignoring NaN.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, fmin};
    /// let m = fmin(&array([1.0, 5.0, f64::NAN]), array([3.0, 2.0, 0.0]));
    /// assert_eq!(m.to_vec::<f64>().unwrap(), vec![1.0, 2.0, 0.0]);
    /// ```
    fmin => Fmin;
    /// Angle of the point (b, a), quadrant-aware.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{arctan2, array};
    /// use std::f64::consts::PI;
    /// // (y, x) = (1, -1) is in the second quadrant, which arctan(y / x) cannot tell.
    /// let a = arctan2(&array([1.0, 1.0, -1.0]), array([1.0, -1.0, -1.0])).to_vec::<f64>().unwrap();
    /// assert!((a[0] - PI / 4.0).abs() < 1e-12);
    /// assert!((a[1] - 3.0 * PI / 4.0).abs() < 1e-12);
    /// assert!((a[2] + 3.0 * PI / 4.0).abs() < 1e-12);
    /// ```
    arctan2 => Arctan2;
    /// `sqrt(a**2 + b**2)` without overflow.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, hypot};
    /// let h = hypot(&array([3.0, 5.0, 1e200]), array([4.0, 12.0, 1e200])).to_vec::<f64>().unwrap();
    /// assert!((h[0] - 5.0).abs() < 1e-12 && (h[1] - 13.0).abs() < 1e-12);
    /// assert!(h[2].is_finite());
    /// ```
    hypot => Hypot;
    /// `log(exp(a) + exp(b))` without overflow.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, logaddexp};
    /// let y = logaddexp(&array([0.0, 1000.0]), array([0.0, 1000.0])).to_vec::<f64>().unwrap();
    /// assert!((y[0] - 2f64.ln()).abs() < 1e-12);
    /// // exp(1000) overflows, logaddexp does not.
    /// assert!((y[1] - (1000.0 + 2f64.ln())).abs() < 1e-9);
    /// ```
    logaddexp => Logaddexp;
    /// Step function: 0 for x < 0, h0 at 0, 1 for x > 0.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, heaviside};
    /// let h = heaviside(&array([-1.5, 0.0, 2.0]), 0.5);
    /// assert_eq!(h.to_vec::<f64>().unwrap(), vec![0.0, 0.5, 1.0]);
    /// ```
    heaviside => Heaviside;
    /// Bitwise and (bool and integers).
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, bitwise_and};
    /// let r = bitwise_and(&array([0b1100u8, 0b1010]), 0b0110u8);
    /// assert_eq!(r.to_vec::<u8>().unwrap(), vec![0b0100, 0b0010]);
    /// assert_eq!(bitwise_and(&array([true, true]), array([true, false])).to_vec::<bool>().unwrap(), vec![true, false]);
    /// ```
    bitwise_and => BitAnd;
    /// Bitwise or (bool and integers).
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, bitwise_or};
    /// let r = bitwise_or(&array([0b1100u8, 0b1010]), 0b0110u8);
    /// assert_eq!(r.to_vec::<u8>().unwrap(), vec![0b1110, 0b1110]);
    /// ```
    bitwise_or => BitOr;
    /// Bitwise xor (bool and integers).
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, bitwise_xor};
    /// let r = bitwise_xor(&array([0b1100u8, 0b1010]), 0b0110u8);
    /// assert_eq!(r.to_vec::<u8>().unwrap(), vec![0b1010, 0b1100]);
    /// ```
    bitwise_xor => BitXor;
    /// `a << b` (0 when shifting by the bit width or more).
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, left_shift};
    /// assert_eq!(left_shift(&array([1i32, 3]), 4).to_vec::<i32>().unwrap(), vec![16, 48]);
    /// // Shifting by the bit width or more gives 0.
    /// assert_eq!(left_shift(&array([1u8]), 8u8).to_vec::<u8>().unwrap(), vec![0]);
    /// ```
    left_shift => LeftShift;
    /// `a >> b` (arithmetic for signed integers).
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, right_shift};
    /// assert_eq!(right_shift(&array([16i32, -16]), 2).to_vec::<i32>().unwrap(), vec![4, -4]);
    /// ```
    right_shift => RightShift;
    /// Truth of a and b.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, logical_and};
    /// let r = logical_and(&array([true, true, false]), array([1.0, 0.0, 1.0]));
    /// assert_eq!(r.to_vec::<bool>().unwrap(), vec![true, false, false]);
    /// ```
    logical_and => LogicalAnd;
    /// Truth of a or b.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, logical_or};
    /// let r = logical_or(&array([true, false, false]), array([0i32, 2, 0]));
    /// assert_eq!(r.to_vec::<bool>().unwrap(), vec![true, true, false]);
    /// ```
    logical_or => LogicalOr;
    /// Truth of a xor b.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, logical_xor};
    /// let r = logical_xor(&array([true, true, false]), array([true, false, false]));
    /// assert_eq!(r.to_vec::<bool>().unwrap(), vec![false, true, false]);
    /// ```
    logical_xor => LogicalXor;
    /// `a == b`.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, equal};
    /// let r = equal(&array([1, 2, 3]), array([1, 5, 3]));
    /// assert_eq!(r.to_vec::<bool>().unwrap(), vec![true, false, true]);
    /// assert_eq!(equal(&array([f64::NAN]), f64::NAN).to_vec::<bool>().unwrap(), vec![false]);
    /// ```
    equal => Eq;
    /// `a != b`.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, not_equal};
    /// let r = not_equal(&array([1, 2, 3]), 2);
    /// assert_eq!(r.to_vec::<bool>().unwrap(), vec![true, false, true]);
    /// ```
    not_equal => Ne;
    /// `a < b`.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, less};
    /// let r = less(&array([1.0, 2.0, 3.0]), 2.0);
    /// assert_eq!(r.to_vec::<bool>().unwrap(), vec![true, false, false]);
    /// ```
    less => Lt;
    /// `a <= b`.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, less_equal};
    /// let r = less_equal(&array([1.0, 2.0, 3.0]), 2.0);
    /// assert_eq!(r.to_vec::<bool>().unwrap(), vec![true, true, false]);
    /// ```
    less_equal => Le;
    /// `a > b`.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, greater};
    /// let r = greater(&array([1.0, 2.0, 3.0]), 2.0);
    /// assert_eq!(r.to_vec::<bool>().unwrap(), vec![false, false, true]);
    /// ```
    greater => Gt;
    /// `a >= b`.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, greater_equal};
    /// let r = greater_equal(&array([1.0, 2.0, 3.0]), 2.0);
    /// assert_eq!(r.to_vec::<bool>().unwrap(), vec![false, true, true]);
    /// ```
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
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::array;
    /// let x = array([1.0, 2.0, 3.0]);
    /// assert_eq!(x.pow(2.0).to_vec::<f64>().unwrap(), vec![1.0, 4.0, 9.0]);
    /// assert_eq!(x.pow(&x).to_vec::<f64>().unwrap(), vec![1.0, 4.0, 27.0]);
    /// ```
    pow => Pow;
    /// `self // other`.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::array;
    /// let x = array([7i32, -7]);
    /// assert_eq!(x.floor_div(2).to_vec::<i32>().unwrap(), vec![3, -4]);
    /// ```
    floor_div => FloorDiv;
    /// Element-wise maximum, propagating NaN.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::array;
    /// let x = array([1.0, 5.0, -2.0]);
    /// assert_eq!(x.maximum(0.0).to_vec::<f64>().unwrap(), vec![1.0, 5.0, 0.0]);
    /// ```
    maximum => Maximum;
    /// Element-wise minimum, propagating NaN.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::array;
    /// let x = array([1.0, 5.0, -2.0]);
    /// assert_eq!(x.minimum(2.0).to_vec::<f64>().unwrap(), vec![1.0, 2.0, -2.0]);
    /// ```
    minimum => Minimum;
    /// `self == other`, as a bool array.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::array;
    /// let x = array([1, 2, 3]);
    /// assert_eq!(x.eq(2).to_vec::<bool>().unwrap(), vec![false, true, false]);
    /// ```
    eq => Eq;
    /// `self != other`, as a bool array.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::array;
    /// let x = array([1, 2, 3]);
    /// assert_eq!(x.ne(array([1, 0, 3])).to_vec::<bool>().unwrap(), vec![false, true, false]);
    /// ```
    ne => Ne;
    /// `self < other`, as a bool array.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::array;
    /// let x = array([1.0, 2.0, 3.0]);
    /// assert_eq!(x.lt(2.0).to_vec::<bool>().unwrap(), vec![true, false, false]);
    /// ```
    lt => Lt;
    /// `self <= other`, as a bool array.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::array;
    /// let x = array([1.0, 2.0, 3.0]);
    /// assert_eq!(x.le(2.0).to_vec::<bool>().unwrap(), vec![true, true, false]);
    /// ```
    le => Le;
    /// `self > other`, as a bool array.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::array;
    /// let x = array([1.0, 2.0, 3.0]);
    /// // A mask, e.g. to count or select the large values.
    /// assert_eq!(x.gt(1.5).to_vec::<bool>().unwrap(), vec![false, true, true]);
    /// ```
    gt => Gt;
    /// `self >= other`, as a bool array.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::array;
    /// let x = array([1.0, 2.0, 3.0]);
    /// assert_eq!(x.ge(2.0).to_vec::<bool>().unwrap(), vec![false, true, true]);
    /// ```
    ge => Ge;
    /// Truth of self and other.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::array;
    /// let x = array([1.0, 5.0, 9.0]);
    /// let inside = x.gt(2.0).logical_and(x.lt(8.0));
    /// assert_eq!(inside.to_vec::<bool>().unwrap(), vec![false, true, false]);
    /// ```
    logical_and => LogicalAnd;
    /// Truth of self or other.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::array;
    /// let x = array([1.0, 5.0, 9.0]);
    /// let outside = x.lt(2.0).logical_or(x.gt(8.0));
    /// assert_eq!(outside.to_vec::<bool>().unwrap(), vec![true, false, true]);
    /// ```
    logical_or => LogicalOr;
    /// Truth of self xor other.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::array;
    /// let a = array([true, true, false]);
    /// assert_eq!(a.logical_xor(array([false, true, false])).to_vec::<bool>().unwrap(), vec![true, false, false]);
    /// ```
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
///
/// # Examples
///
/// ```
/// use numcrane::{array, clip};
/// let x = array([-5, 0, 5, 10]);
/// assert_eq!(clip(&x, 0, 6).to_vec::<i32>().unwrap(), vec![0, 0, 5, 6]);
/// // A bound outside a u8's range limits nothing.
/// assert_eq!(clip(&array([1u8, 200]), -3, 300).to_vec::<u8>().unwrap(), vec![1, 200]);
/// ```
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
///
/// # Examples
///
/// ```
/// use numcrane::{array, round};
/// let x = array([1.234, 2.5, 3.5, -0.5]);
/// assert_eq!(round(&x, 0).to_vec::<f64>().unwrap(), vec![1.0, 2.0, 4.0, -0.0]);
/// assert_eq!(round(&array([1234i32, 1250]), -2).to_vec::<i32>().unwrap(), vec![1200, 1200]);
/// let r = round(&array([1.234]), 2).item::<f64>().unwrap();
/// assert!((r - 1.23).abs() < 1e-12);
/// ```
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
/// Complex arrays have their real and imaginary parts replaced separately (the float32 limits
/// for complex64), and are evaluated when called (see [`nan_to_num_with`](crate::nan_to_num_with)).
///
/// # Examples
///
/// ```
/// use numcrane::{array, nan_to_num};
/// let x = array([f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 1.5]);
/// let y = nan_to_num(&x).to_vec::<f64>().unwrap();
/// assert_eq!(y, vec![0.0, f64::MAX, f64::MIN, 1.5]);
/// ```
#[track_caller]
pub fn nan_to_num(x: &Array) -> Array {
    let loc = SourceLocation::caller();
    let (big, small) = match x.dtype() {
        DType::F32 => (Scalar::F32(f32::MAX), Scalar::F32(f32::MIN)),
        DType::F64 => (Scalar::F64(f64::MAX), Scalar::F64(f64::MIN)),
        DType::C64 | DType::C128 => return nan_to_num_complex(x, 0.0, None, None, loc),
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

/// NumPy's `nan_to_num` of a complex array: NaN, +inf and -inf are replaced in the real and
/// imaginary parts separately, each with the same `nan` / `posinf` / `neginf` (None: the part
/// dtype's largest / most negative finite value); the values are cast to the part dtype first,
/// as NumPy's `copyto` does (so 1e300 becomes inf for complex64).
///
/// Evaluates `x` when called: the graph has no op that assembles a complex value from two
/// real parts, and arithmetic on `re + im * 1j` would turn an infinite part into NaN and lose
/// the sign of zero parts. An `x` that fails to evaluate gives an array returning its error.
pub(crate) fn nan_to_num_complex(
    x: &Array,
    nan: f64,
    posinf: Option<f64>,
    neginf: Option<f64>,
    loc: SourceLocation,
) -> Array {
    use crate::search::{finish, host};
    use numcrane_graph::{Complex32, Complex64};
    macro_rules! parts {
        ($c:ty, $f:ty) => {{
            let nan = nan as $f;
            let pos = posinf.map_or(<$f>::MAX, |v| v as $f);
            let neg = neginf.map_or(<$f>::MIN, |v| v as $f);
            let fix = |v: $f| {
                if v.is_nan() {
                    nan
                } else if v == <$f>::INFINITY {
                    pos
                } else if v == <$f>::NEG_INFINITY {
                    neg
                } else {
                    v
                }
            };
            let r = host::<$c>(x, loc).map(|v| {
                v.into_iter()
                    .map(|z| <$c>::new(fix(z.re), fix(z.im)))
                    .collect::<Vec<_>>()
            });
            finish(r, x.shape().to_vec(), loc)
        }};
    }
    match x.dtype() {
        DType::C64 => parts!(Complex32, f32),
        _ => parts!(Complex64, f64),
    }
}

/// NumPy's `real_if_close(a, tol)`: the real part of a complex `a` when every imaginary part
/// is smaller in magnitude than `tol`, else `a` unchanged (its dtype kept); real dtypes pass
/// through. A `tol` above 1 counts machine epsilons of the part dtype (NumPy's default is
/// 100: `100 * f64::EPSILON` for complex128, `100 * f32::EPSILON` for complex64); one of at
/// most 1 is an absolute bound. The comparison is made in the part dtype, as NumPy's; a NaN
/// imaginary part is never close.
///
/// The result dtype depends on the data, so a complex `a` is evaluated when called; one that
/// fails to evaluate gives an array returning its error.
///
/// # Examples
///
/// ```
/// use numcrane::{array, real_if_close, Complex64, DType};
/// let z = array([Complex64::new(2.0, 1e-15), Complex64::new(-1.0, 0.0)]);
/// let r = real_if_close(&z, 100.0);
/// assert_eq!(r.dtype(), DType::F64);
/// assert_eq!(r.to_vec::<f64>().unwrap(), vec![2.0, -1.0]);
/// let far = array([Complex64::new(2.0, 1e-3)]);
/// assert_eq!(real_if_close(&far, 100.0).dtype(), DType::C128);
/// ```
#[track_caller]
pub fn real_if_close(a: &Array, tol: f64) -> Array {
    use crate::search::{failed, host, leaf};
    use numcrane_graph::{Complex32, Complex64};
    let loc = SourceLocation::caller();
    macro_rules! close {
        ($c:ty, $f:ty) => {{
            let tol = if tol > 1.0 {
                <$f>::EPSILON * tol as $f
            } else {
                tol as $f
            };
            match host::<$c>(a, loc) {
                Ok(v) if v.iter().all(|z| z.im.abs() < tol) => {
                    let re: Vec<$f> = v.iter().map(|z| z.re).collect();
                    leaf(re, a.shape().to_vec(), loc)
                }
                Ok(v) => leaf(v, a.shape().to_vec(), loc),
                Err(e) => failed(e, a.dtype(), a.shape().to_vec(), loc),
            }
        }};
    }
    match a.dtype() {
        DType::C64 => close!(Complex32, f32),
        DType::C128 => close!(Complex64, f64),
        _ => a.clone(),
    }
}

/// The real part: float32 for complex64, float64 for complex128, the array itself for real
/// dtypes (NumPy's `np.real`).
///
/// # Examples
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
/// # Examples
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
/// # Examples
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
    angle_at(x, false, SourceLocation::caller())
}

/// NumPy's `angle(z, deg)`: [`angle`] in radians, or in degrees with `deg = true` (the
/// radians times `180 / pi`, multiplied in the result dtype as NumPy does, so complex64 gives
/// float32 degrees).
///
/// # Examples
///
/// ```
/// use numcrane::{angle_with, array, Complex64};
/// let z = array([Complex64::new(1.0, 1.0), Complex64::new(-1.0, 0.0)]);
/// let d = angle_with(&z, true).to_vec::<f64>().unwrap();
/// assert!((d[0] - 45.0).abs() < 1e-12 && (d[1] - 180.0).abs() < 1e-12);
/// ```
#[track_caller]
pub fn angle_with(x: &Array, deg: bool) -> Array {
    angle_at(x, deg, SourceLocation::caller())
}

fn angle_at(x: &Array, deg: bool, loc: SourceLocation) -> Array {
    let rad = if x.dtype().is_complex() {
        build::unary(UnaryOp::Angle, x, loc)
    } else {
        build::binary(
            BinaryOp::Arctan2,
            Operand::Weak(Scalar::F64(0.0)),
            Operand::Array(x.clone()),
            loc,
        )
    };
    if !deg {
        return rad;
    }
    // NumPy: `a *= 180 / pi`, a Python float (weak) against the float result.
    build::binary(
        BinaryOp::Mul,
        Operand::Array(rad),
        Operand::Weak(Scalar::F64(180.0 / std::f64::consts::PI)),
        loc,
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
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, DType};
    /// let x = array([1.9, -1.9, 300.0]);
    /// // Floats truncate toward zero; nonzero numbers are true.
    /// assert_eq!(x.astype(DType::I32).to_vec::<i32>().unwrap(), vec![1, -1, 300]);
    /// assert_eq!(array([0, 2]).astype(DType::Bool).to_vec::<bool>().unwrap(), vec![false, true]);
    /// ```
    #[track_caller]
    pub fn astype(&self, dtype: DType) -> Array {
        build::cast(self, dtype, SourceLocation::caller())
    }

    /// A new array with the same values that shares nothing with `self` once evaluated.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::array;
    /// let a = array([1, 2, 3]);
    /// let b = a.copy();
    /// assert_eq!(b.to_vec::<i32>().unwrap(), a.to_vec::<i32>().unwrap());
    /// assert_eq!(b.shape(), a.shape());
    /// ```
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
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::array;
    /// let x = array([0.1, 0.5, 1.7]);
    /// assert_eq!(x.clip(0.2, 1.0).to_vec::<f64>().unwrap(), vec![0.2, 0.5, 1.0]);
    /// ```
    #[track_caller]
    pub fn clip(&self, lo: impl IntoOperand, hi: impl IntoOperand) -> Array {
        clip(self, lo, hi)
    }

    /// `round(self, decimals)`.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::array;
    /// let x = array([0.5, 1.5, 2.675]);
    /// let r = x.round(0).to_vec::<f64>().unwrap();
    /// assert_eq!(r, vec![0.0, 2.0, 3.0]);
    /// ```
    #[track_caller]
    pub fn round(&self, decimals: i32) -> Array {
        round(self, decimals)
    }
}
