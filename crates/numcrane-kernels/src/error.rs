//! The one error type of the safe GEMM entry points: bad views and mismatched shapes.
//!
//! Only the safe wrappers return it; [`crate::gemm_raw`] has a safety contract instead.

use std::fmt;

/// Why a safe GEMM call or a matrix view was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GemmError {
    /// A view would address an element outside its slice (or its offsets overflow `isize`).
    OutOfBounds {
        /// Which view: "A", "B", "C" or "view".
        what: &'static str,
        /// Rows and columns of the view.
        shape: (usize, usize),
        /// Row and column strides, in elements.
        strides: (isize, isize),
        /// Offset of element (0, 0) in the slice.
        offset: usize,
        /// Length of the slice.
        len: usize,
    },
    /// A mutable view whose strides make two different elements share one memory location.
    Overlapping {
        /// Rows and columns of the view.
        shape: (usize, usize),
        /// Row and column strides, in elements.
        strides: (isize, isize),
    },
    /// The inner dimensions of A and B or the outer ones of A, B and C do not agree.
    ShapeMismatch {
        /// Shape of A.
        a: (usize, usize),
        /// Shape of B.
        b: (usize, usize),
        /// Shape of C.
        c: (usize, usize),
    },
}

impl fmt::Display for GemmError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GemmError::OutOfBounds {
                what,
                shape,
                strides,
                offset,
                len,
            } => write!(
                f,
                "gemm: {what} view of shape {shape:?} with strides {strides:?} at offset {offset} \
                 addresses elements outside its slice of length {len}"
            ),
            GemmError::Overlapping { shape, strides } => write!(
                f,
                "gemm: output view of shape {shape:?} with strides {strides:?} maps two elements \
                 to one location"
            ),
            GemmError::ShapeMismatch { a, b, c } => write!(
                f,
                "gemm: shapes do not agree: A {a:?} @ B {b:?} -> C {c:?} (need A m x k, B k x n, \
                 C m x n)"
            ),
        }
    }
}

impl std::error::Error for GemmError {}
