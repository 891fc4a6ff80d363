//! Operands of element-wise functions: arrays, or Rust scalars acting as NEP 50 "weak" scalars.
//!
//! A Rust literal next to an array takes the array's dtype when its kind allows
//! (`&a_f32 * 2.0` stays float32, `&a_i8 + 1` stays int8), and only its kind can widen the
//! result (`&a_i32 + 1.5` is float64), exactly as Python scalars do in NumPy 2.

use crate::Array;
use numcrane_graph::{Element, Scalar};

/// An array or a weak scalar.
#[derive(Clone)]
pub enum Operand {
    /// An array operand; its dtype takes part in promotion.
    Array(Array),
    /// A Rust scalar; only its kind (bool / integer / float) takes part in promotion.
    Weak(Scalar),
}

/// Anything usable as an operand of an element-wise function: `Array`, `&Array`, or a Rust
/// scalar (`bool`, integers, floats, `Complex32` / `Complex64`).
///
/// # Examples
///
/// ```
/// use numcrane::{array, multiply, Array, IntoOperand};
/// // A helper that, like numcrane's own functions, takes arrays and scalars alike.
/// fn scale(x: &Array, factor: impl IntoOperand) -> Array {
///     multiply(x, factor)
/// }
/// let x = array([1.0f32, 2.0]);
/// assert_eq!(scale(&x, 3.0).to_vec::<f32>().unwrap(), vec![3.0, 6.0]);
/// assert_eq!(scale(&x, &x).to_vec::<f32>().unwrap(), vec![1.0, 4.0]);
/// ```
pub trait IntoOperand {
    /// Converts to an operand.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{add, array, IntoOperand};
    /// let x = array([1i8, 2]);
    /// // A Rust integer is a weak scalar: the int8 array stays int8.
    /// let y = add(&x, 1i32.into_operand());
    /// assert_eq!(y.to_vec::<i8>().unwrap(), vec![2, 3]);
    /// ```
    fn into_operand(self) -> Operand;
}

impl IntoOperand for Array {
    fn into_operand(self) -> Operand {
        Operand::Array(self)
    }
}

impl IntoOperand for &Array {
    fn into_operand(self) -> Operand {
        Operand::Array(self.clone())
    }
}

impl IntoOperand for Operand {
    fn into_operand(self) -> Operand {
        self
    }
}

macro_rules! weak_scalar {
    ($($t:ty),*) => { $(
        impl IntoOperand for $t {
            fn into_operand(self) -> Operand {
                Operand::Weak(self.to_scalar())
            }
        }
    )* };
}
weak_scalar!(bool, i8, i16, i32, i64, u8, u16, u32, u64, f32, f64);
// A complex value is a weak complex scalar (Python's `complex`): it keeps a complex array's
// dtype and makes a float32 array complex64, anything else complex128.
weak_scalar!(numcrane_graph::Complex32, numcrane_graph::Complex64);

impl IntoOperand for isize {
    fn into_operand(self) -> Operand {
        Operand::Weak(Scalar::I64(self as i64))
    }
}

impl IntoOperand for usize {
    fn into_operand(self) -> Operand {
        Operand::Weak(Scalar::U64(self as u64))
    }
}

impl Operand {
    /// The shape (scalars are 0-d).
    pub(crate) fn shape(&self) -> &[usize] {
        match self {
            Operand::Array(a) => a.shape(),
            Operand::Weak(_) => &[],
        }
    }

    /// A stand-in to report in errors about this operand.
    pub(crate) fn describe(&self) -> String {
        match self {
            Operand::Array(a) => format!("{}{:?}", a.dtype(), a.shape()),
            Operand::Weak(s) => format!("scalar {s}"),
        }
    }
}
