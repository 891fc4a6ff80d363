//! Reading and writing array files (.npy now; .npz, memory maps and CSV come later).
//!
//! [`load_npy`], [`save_npy`] and [`read_npy`] move whole arrays between numcrane and NumPy's
//! `.npy` format; the byte-level work lives in [`npy`]. Loading gives a realized array (a
//! Fortran-order file becomes a transposed view of its data, not a copy); saving evaluates the
//! array and writes it in C order, little-endian, exactly as `np.save` would.

pub mod npy;

use crate::Array;
use numcrane_graph::{Error, Result, SourceLocation};
use std::path::Path;
use std::sync::Arc;

/// Reads a `.npy` file (format version 1.0, 2.0 or 3.0; any byte order; C or Fortran order).
///
/// Errors with `Error::InvalidArgument { op: "load_npy", .. }` when the file cannot be read or
/// is not a valid `.npy` file of a dtype numcrane has.
#[track_caller]
pub fn load_npy(path: impl AsRef<Path>) -> Result<Array> {
    let location = SourceLocation::caller();
    let path = path.as_ref();
    let bytes = std::fs::read(path).map_err(|e| {
        Error::invalid(
            "load_npy",
            format!("cannot read {}: {e}", path.display()),
            location,
        )
    })?;
    read_npy(&bytes).map_err(|e| match e {
        // Name the file in format errors too: the message alone does not say which one.
        Error::InvalidArgument {
            op,
            message,
            location,
        } => Error::InvalidArgument {
            op,
            message: format!("{}: {message}", path.display()),
            location,
        },
        other => other,
    })
}

/// Parses the bytes of a whole `.npy` file held in memory (see [`load_npy`]).
#[track_caller]
pub fn read_npy(bytes: &[u8]) -> Result<Array> {
    let (buffer, layout) = npy::read_npy_bytes(bytes)?;
    Ok(Array::from_realized(Arc::new(buffer), layout))
}

/// Evaluates `a` and writes it to `path` as a version 1.0 `.npy` file (C order,
/// little-endian), replacing any existing file.
///
/// Errors from evaluating `a` are returned as they are; failing to write gives
/// `Error::InvalidArgument { op: "save_npy", .. }` naming the path.
#[track_caller]
pub fn save_npy(path: impl AsRef<Path>, a: &Array) -> Result<()> {
    let location = SourceLocation::caller();
    let path = path.as_ref();
    let data = a.contiguous_bytes()?;
    let bytes = npy::write_npy_bytes(a.dtype(), a.shape(), &data);
    std::fs::write(path, bytes).map_err(|e| {
        Error::invalid(
            "save_npy",
            format!("cannot write {}: {e}", path.display()),
            location,
        )
    })
}
