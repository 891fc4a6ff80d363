//! Reading and writing array files: `.npy`, `.npz`, memory-mapped `.npy` and delimited text.
//!
//! [`load_npy`], [`save_npy`] and [`read_npy`] move whole arrays between numcrane and NumPy's
//! `.npy` format; the byte-level work lives in [`npy`]. Loading gives a realized array (a
//! Fortran-order file becomes a transposed view of its data, not a copy); saving evaluates the
//! array and writes it in C order, little-endian, exactly as `np.save` would.
//!
//! The other formats have a file each: [`npz`] (zip archives of `.npy` members: [`savez`],
//! [`savez_compressed`], [`load_npz`]), [`mmap`] ([`load_npy_mmap`]: arrays that read a file's
//! pages in place) and [`text`] ([`loadtxt`], [`genfromtxt`], [`savetxt`]).

pub mod mmap;
pub mod npy;
pub mod npz;
pub mod text;

pub use mmap::{load_npy_mmap, MmapMode};
pub use npz::{load_npz, savez, savez_compressed, savez_positional, Npz};
pub use text::{genfromtxt, genfromtxt_names, loadtxt, savetxt, GenFromTxt, LoadTxt, SaveTxt};

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

#[cfg(test)]
mod tests {
    use super::*;
    use numcrane_graph::DType;

    /// A fresh path in the system's temporary directory.
    fn temp_path(name: &str) -> std::path::PathBuf {
        std::env::temp_dir().join(format!("numcrane-io-{}-{name}", std::process::id()))
    }

    #[test]
    fn save_then_load_gives_the_same_array() {
        // A transposed view: saving must write it in C order of the view, not of its buffer.
        let a = Array::from_vec((0..6).map(|v| v as f32 * 1.5).collect(), [2, 3]).transpose();
        let path = temp_path("roundtrip.npy");
        save_npy(&path, &a).unwrap();
        let b = load_npy(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        assert_eq!(b.dtype(), DType::F32);
        assert_eq!(b.shape(), &[3, 2]);
        assert_eq!(b.to_vec::<f32>().unwrap(), a.to_vec::<f32>().unwrap());
    }

    #[test]
    fn fortran_files_load_as_views() {
        let data: Vec<u8> = [0i16, 3, 1, 4, 2, 5]
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect();
        let header = b"{'descr': '<i2', 'fortran_order': True, 'shape': (2, 3), }\n";
        let mut file = b"\x93NUMPY\x01\x00".to_vec();
        file.extend_from_slice(&(header.len() as u16).to_le_bytes());
        file.extend_from_slice(header);
        file.extend_from_slice(&data);
        let a = read_npy(&file).unwrap();
        assert_eq!(a.shape(), &[2, 3]);
        assert_eq!(a.to_vec::<i16>().unwrap(), vec![0, 1, 2, 3, 4, 5]);
    }

    #[test]
    fn io_failures_name_the_operation_and_path() {
        let missing = temp_path("does-not-exist.npy");
        match load_npy(&missing) {
            Err(Error::InvalidArgument { op, message, .. }) => {
                assert_eq!(op, "load_npy");
                assert!(message.contains("does-not-exist.npy"), "{message}");
            }
            other => panic!("expected InvalidArgument, got {other:?}"),
        }
        let bad_dir = temp_path("no-such-dir").join("a.npy");
        let a = Array::from_vec(vec![1u8, 2], [2]);
        match save_npy(&bad_dir, &a) {
            Err(Error::InvalidArgument { op, message, .. }) => {
                assert_eq!(op, "save_npy");
                assert!(message.contains("no-such-dir"), "{message}");
            }
            other => panic!("expected InvalidArgument, got {other:?}"),
        }
        let garbage = temp_path("garbage.npy");
        std::fs::write(&garbage, b"not an npy file").unwrap();
        let err = load_npy(&garbage).unwrap_err();
        std::fs::remove_file(&garbage).unwrap();
        assert!(err.to_string().contains("garbage.npy"), "{err}");
        assert!(err.to_string().contains("magic"), "{err}");
    }
}
