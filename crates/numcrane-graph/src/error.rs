//! The one error type of numcrane.
//!
//! Every variant names the operation, the shapes or dtypes involved, and the place in the
//! user's code that built the bad node (captured with `#[track_caller]`). Errors found while a
//! node is built are stored on the node ("poisoned") and returned by `.eval()`, so building an
//! expression never panics.

use crate::dtype::DType;
use std::fmt;
use std::panic::Location;

/// Where in the user's source a node was built.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct SourceLocation(pub &'static Location<'static>);

impl SourceLocation {
    /// The caller's location (use inside `#[track_caller]` functions).
    #[track_caller]
    pub fn caller() -> Self {
        SourceLocation(Location::caller())
    }
}

impl fmt::Display for SourceLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.0.file(), self.0.line(), self.0.column())
    }
}

impl fmt::Debug for SourceLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// A shape written the way NumPy prints it: `(3, 4)`, `(5,)`, `()`.
#[derive(Clone, PartialEq, Eq)]
pub struct ShapeDisplay(pub Vec<usize>);

impl fmt::Display for ShapeDisplay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.as_slice() {
            [one] => write!(f, "({one},)"),
            dims => {
                let parts: Vec<String> = dims.iter().map(|d| d.to_string()).collect();
                write!(f, "({})", parts.join(", "))
            }
        }
    }
}

impl fmt::Debug for ShapeDisplay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl From<&[usize]> for ShapeDisplay {
    fn from(s: &[usize]) -> Self {
        ShapeDisplay(s.to_vec())
    }
}

/// Everything that can go wrong in numcrane.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum Error {
    /// Operand shapes that cannot be broadcast together (or must be equal and are not).
    #[error(
        "{op}: operands could not be broadcast together with shapes {lhs} {rhs} (at {location})"
    )]
    ShapeMismatch {
        /// the operation
        op: &'static str,
        /// first shape
        lhs: ShapeDisplay,
        /// second shape
        rhs: ShapeDisplay,
        /// where the node was built
        location: SourceLocation,
    },
    /// A reshape (or broadcast_to) to a shape of another size or an invalid shape.
    #[error("{op}: cannot reshape array of shape {from} into shape {to} (at {location})")]
    BadReshape {
        /// the operation
        op: &'static str,
        /// the input shape
        from: ShapeDisplay,
        /// the requested shape, with -1 where given
        to: String,
        /// where the node was built
        location: SourceLocation,
    },
    /// An axis outside `-ndim..ndim`, or the same axis twice.
    #[error("{op}: axis {axis} is out of bounds for array of dimension {ndim} (at {location})")]
    AxisOutOfRange {
        /// the operation
        op: &'static str,
        /// the axis as given
        axis: isize,
        /// the array's number of dimensions
        ndim: usize,
        /// where the node was built
        location: SourceLocation,
    },
    /// An integer index outside `-size..size`.
    #[error(
        "{op}: index {index} is out of bounds for axis {axis} with size {size} (at {location})"
    )]
    IndexOutOfRange {
        /// the operation
        op: &'static str,
        /// the index as given
        index: isize,
        /// the axis indexed
        axis: usize,
        /// its length
        size: usize,
        /// where the node was built
        location: SourceLocation,
    },
    /// An operation applied to a dtype it is not defined for.
    #[error("{op}: not supported for dtype {dtype}{detail} (at {location})")]
    DTypeNotSupported {
        /// the operation
        op: &'static str,
        /// the offending dtype
        dtype: DType,
        /// more words, starting with "; " when present
        detail: String,
        /// where the node was built
        location: SourceLocation,
    },
    /// A Rust scalar that does not fit the array's dtype (NEP 50 overflow).
    #[error("{op}: Rust integer {value} out of bounds for {dtype} (at {location})")]
    ScalarOutOfRange {
        /// the operation
        op: &'static str,
        /// the scalar
        value: String,
        /// the array's dtype
        dtype: DType,
        /// where the node was built
        location: SourceLocation,
    },
    /// A reduction with no identity (min, max, argmin, argmax) over zero elements.
    #[error("{op}: zero-size array to reduction operation {op} which has no identity (input shape {shape}, at {location})")]
    EmptyReduction {
        /// the operation
        op: &'static str,
        /// the input shape
        shape: ShapeDisplay,
        /// where the node was built
        location: SourceLocation,
    },
    /// Reading data as a Rust type other than the array's dtype.
    #[error("{op}: array has dtype {actual}, not {requested} (use astype first) (at {location})")]
    WrongElementType {
        /// the reading operation
        op: &'static str,
        /// the array's dtype
        actual: DType,
        /// the Rust type asked for
        requested: DType,
        /// where the read was asked for
        location: SourceLocation,
    },
    /// Any other invalid argument (bad count, bad step, shape overflow, ...).
    #[error("{op}: {message} (at {location})")]
    InvalidArgument {
        /// the operation
        op: &'static str,
        /// what is wrong
        message: String,
        /// where the node was built
        location: SourceLocation,
    },
    /// A value-dependent error found while evaluating (e.g. integer to a negative power).
    #[error("{op}: {message} (at {location})")]
    Value {
        /// the operation
        op: &'static str,
        /// what is wrong
        message: String,
        /// where the node was built
        location: SourceLocation,
    },
    /// A linear-algebra failure that depends on the values, NumPy's `LinAlgError`: a singular
    /// matrix, one that is not positive definite, a solver that did not converge, or an array
    /// with the wrong number of dimensions or a non-square matrix where one is needed.
    #[error("{op}: LinAlgError: {message} (at {location})")]
    LinAlg {
        /// the operation
        op: &'static str,
        /// what is wrong, with the shapes involved
        message: String,
        /// where the node was built
        location: SourceLocation,
    },
    /// An allocation the system refused.
    #[error("out of memory: could not allocate {bytes} bytes for {op}")]
    OutOfMemory {
        /// the operation needing memory
        op: &'static str,
        /// the size asked for
        bytes: usize,
    },
    /// A failure inside numcrane that user input should never cause: please report it.
    #[error("internal error in {op}: {message} (please report this as a numcrane bug)")]
    Internal {
        /// where it happened
        op: &'static str,
        /// what happened
        message: String,
    },
}

impl Error {
    /// The name of the operation the error is about.
    pub fn op(&self) -> &'static str {
        match self {
            Error::ShapeMismatch { op, .. }
            | Error::BadReshape { op, .. }
            | Error::AxisOutOfRange { op, .. }
            | Error::IndexOutOfRange { op, .. }
            | Error::DTypeNotSupported { op, .. }
            | Error::ScalarOutOfRange { op, .. }
            | Error::EmptyReduction { op, .. }
            | Error::WrongElementType { op, .. }
            | Error::InvalidArgument { op, .. }
            | Error::Value { op, .. }
            | Error::LinAlg { op, .. }
            | Error::OutOfMemory { op, .. }
            | Error::Internal { op, .. } => op,
        }
    }

    /// Shorthand for `Error::InvalidArgument`.
    pub fn invalid(op: &'static str, message: impl Into<String>, location: SourceLocation) -> Self {
        Error::InvalidArgument {
            op,
            message: message.into(),
            location,
        }
    }

    /// Shorthand for `Error::LinAlg`.
    pub fn linalg(op: &'static str, message: impl Into<String>, location: SourceLocation) -> Self {
        Error::LinAlg {
            op,
            message: message.into(),
            location,
        }
    }

    /// Shorthand for `Error::DTypeNotSupported` without detail.
    pub fn dtype(op: &'static str, dtype: DType, location: SourceLocation) -> Self {
        Error::DTypeNotSupported {
            op,
            dtype,
            detail: String::new(),
            location,
        }
    }

    /// Shorthand for `Error::Internal`.
    pub fn internal(op: &'static str, message: impl Into<String>) -> Self {
        Error::Internal {
            op,
            message: message.into(),
        }
    }
}

/// numcrane's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
