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
//!
//! Structured dtypes read into a [`RecordArray`] (one array per field): [`load_npy_record`],
//! [`save_npy_record`], [`load`] (either kind, as `np.load`), `.npz` members through
//! [`Npz::get_any`] and [`savez_members`], and delimited text through [`loadtxt_record`],
//! [`genfromtxt_record`] and [`savetxt_record`].

pub mod mmap;
pub mod npy;
pub mod npz;
pub mod text;

pub use mmap::{load_npy_mmap, MmapMode};
pub use npz::{load_npz, savez, savez_compressed, savez_members, savez_positional, Member, Npz};
pub use text::{
    genfromtxt, genfromtxt_names, genfromtxt_record, loadtxt, loadtxt_record, savetxt,
    savetxt_record, Column, Converter, GenFromTxt, LoadTxt, SaveTxt,
};

use crate::{Array, RecordArray};
use numcrane_graph::{Error, Result, SourceLocation};
use std::path::Path;
use std::sync::Arc;

/// Reads a `.npy` file (format version 1.0, 2.0 or 3.0; any byte order; C or Fortran order).
///
/// Errors with `Error::InvalidArgument { op: "load_npy", .. }` when the file cannot be read or
/// is not a valid `.npy` file of a dtype numcrane has.
///
/// ```
/// use numcrane::io::{load_npy, save_npy};
/// let path = std::env::temp_dir().join(format!("doc-load-{}.npy", std::process::id()));
/// save_npy(&path, &numcrane::array([[1.0, 2.0], [3.0, 4.0]])).unwrap();
/// assert_eq!(load_npy(&path).unwrap().to_vec::<f64>().unwrap(), vec![1.0, 2.0, 3.0, 4.0]);
/// # std::fs::remove_file(&path).unwrap();
/// ```
#[track_caller]
pub fn load_npy(path: impl AsRef<Path>) -> Result<Array> {
    let location = SourceLocation::caller();
    let path = path.as_ref();
    // (The direct path's errors name the file already; format errors come from the whole-file
    // path below.)
    if let Some(array) = load_npy_direct(path, location)? {
        return Ok(array);
    }
    let bytes = read_file(path, "load_npy", location)?;
    // Name the file in format errors too: the message alone does not say which one.
    read_npy(&bytes).map_err(name_path(path))
}

/// The common case of [`load_npy`] without a copy of the file in memory: a plain dtype in
/// this machine's byte order (not bool, whose bytes are checked), whose header fits in the
/// first 64 KiB. The elements are read straight into the array's buffer, as NumPy's
/// `fromfile` does. `Ok(None)`: another kind of file, read whole by the caller.
fn load_npy_direct(path: &Path, location: SourceLocation) -> Result<Option<Array>> {
    use std::io::Read;
    const PREFIX: usize = 1 << 16;
    let cannot = |e: std::io::Error| {
        Error::invalid(
            "load_npy",
            format!("cannot read {}: {e}", path.display()),
            location,
        )
    };
    let mut file = std::fs::File::open(path).map_err(cannot)?;
    let file_len = file.metadata().map_err(cannot)?.len();
    let Ok(file_len) = usize::try_from(file_len) else {
        return Ok(None);
    };
    let mut prefix = vec![0u8; file_len.min(PREFIX)];
    file.read_exact(&mut prefix).map_err(cannot)?;
    let Ok(info) = npy::parse_npy_prefix(&prefix, file_len, location) else {
        return Ok(None);
    };
    let npy::ItemKind::Plain(dtype, order) = info.kind else {
        return Ok(None);
    };
    let swap = dtype.itemsize() > 1 && order != npy::ByteOrder::Native;
    if swap || dtype == numcrane_graph::DType::Bool {
        return Ok(None);
    }
    let len = info.nbytes / dtype.itemsize();
    // Zeroed memory (fresh pages for large buffers: no zeroing pass), overwritten below.
    let mut buffer = numcrane_graph::Buffer::zeros(dtype, len, "load_npy")?;
    // SAFETY: the buffer is ours alone, writable, and holds `len * itemsize = nbytes`
    // initialised (zero) bytes; the slice is dropped before the buffer is shared.
    let out = unsafe { std::slice::from_raw_parts_mut(buffer.as_mut_ptr(), info.nbytes) };
    let in_prefix = prefix
        .len()
        .saturating_sub(info.data_offset)
        .min(info.nbytes);
    out[..in_prefix].copy_from_slice(&prefix[info.data_offset..info.data_offset + in_prefix]);
    file.read_exact(&mut out[in_prefix..]).map_err(cannot)?;
    let layout = npy::NpyInfo {
        dtype,
        swap,
        fortran_order: info.fortran_order,
        shape: info.shape,
        data_offset: info.data_offset,
        nbytes: info.nbytes,
    }
    .layout();
    Ok(Some(Array::from_realized(Arc::new(buffer), layout)))
}

/// Parses the bytes of a whole `.npy` file held in memory (see [`load_npy`]).
#[track_caller]
pub fn read_npy(bytes: &[u8]) -> Result<Array> {
    let (buffer, layout) = npy::read_npy_bytes(bytes)?;
    Ok(Array::from_realized(Arc::new(buffer), layout))
}

/// Evaluates `a` and writes it to `path` as a version 1.0 `.npy` file (C order,
/// little-endian), replacing any existing file. A C-contiguous result is written from its
/// buffer as it is (no copy).
///
/// Errors from evaluating `a` are returned as they are; failing to write gives
/// `Error::InvalidArgument { op: "save_npy", .. }` naming the path.
#[track_caller]
pub fn save_npy(path: impl AsRef<Path>, a: &Array) -> Result<()> {
    use std::io::Write;
    let location = SourceLocation::caller();
    let path = path.as_ref();
    let cannot = |e: std::io::Error| {
        Error::invalid(
            "save_npy",
            format!("cannot write {}: {e}", path.display()),
            location,
        )
    };
    let header = npy::npy_header(a.dtype(), a.shape());
    let write = |data: &[u8]| -> Result<()> {
        let mut file = std::fs::File::create(path).map_err(cannot)?;
        file.write_all(&header).map_err(cannot)?;
        if cfg!(target_endian = "big") && a.dtype().itemsize() > 1 {
            let bytes = npy::write_npy_bytes(a.dtype(), a.shape(), data);
            file.write_all(&bytes[header.len()..]).map_err(cannot)?;
        } else {
            file.write_all(data).map_err(cannot)?;
        }
        Ok(())
    };
    a.with_contiguous_bytes(write)?
}

/// What [`load`] and [`Npz::get_any`] return: a plain array or a structured one, as NumPy's
/// `np.load` returns either kind of `ndarray`.
#[derive(Clone, Debug)]
pub enum Loaded {
    /// A file of a plain dtype.
    Array(Array),
    /// A file of a structured dtype.
    Record(RecordArray),
}

impl Loaded {
    /// The plain array, or `None` for a structured one.
    pub fn into_array(self) -> Option<Array> {
        match self {
            Loaded::Array(a) => Some(a),
            Loaded::Record(_) => None,
        }
    }

    /// The structured array, or `None` for a plain one.
    pub fn into_record(self) -> Option<RecordArray> {
        match self {
            Loaded::Array(_) => None,
            Loaded::Record(r) => Some(r),
        }
    }
}

/// Reads a whole file, naming the path in errors.
fn read_file(path: &Path, op: &'static str, location: SourceLocation) -> Result<Vec<u8>> {
    std::fs::read(path)
        .map_err(|e| Error::invalid(op, format!("cannot read {}: {e}", path.display()), location))
}

/// Prefixes format errors with the file's path.
fn name_path(path: &Path) -> impl Fn(Error) -> Error + '_ {
    move |e| match e {
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
    }
}

/// Reads a `.npy` file of either a plain or a structured dtype (NumPy's `np.load` of a
/// `.npy`).
///
/// ```
/// use numcrane::io::{load, save_npy_record, Loaded};
/// use numcrane::{array, RecordArray};
/// let path = std::env::temp_dir().join(format!("doc-load-{}.npy", std::process::id()));
/// let rec = RecordArray::from_fields([("a", array([1i16, 2]))]).unwrap();
/// save_npy_record(&path, &rec).unwrap();
/// match load(&path).unwrap() {
///     Loaded::Record(r) => assert_eq!(r.field("a").to_vec::<i16>().unwrap(), vec![1, 2]),
///     Loaded::Array(_) => panic!("expected a structured array"),
/// }
/// # std::fs::remove_file(&path).unwrap();
/// ```
#[track_caller]
pub fn load(path: impl AsRef<Path>) -> Result<Loaded> {
    let location = SourceLocation::caller();
    let path = path.as_ref();
    let bytes = read_file(path, "load_npy", location)?;
    read_any(&bytes, location).map_err(name_path(path))
}

/// [`load`] of the bytes of a whole file held in memory.
pub(crate) fn read_any(bytes: &[u8], location: SourceLocation) -> Result<Loaded> {
    let info = npy::parse_npy_any(bytes, location)?;
    Ok(match info.kind {
        npy::ItemKind::Plain(..) => {
            let (buffer, layout) = npy::read_npy_bytes(bytes)?;
            Loaded::Array(Array::from_realized(Arc::new(buffer), layout))
        }
        npy::ItemKind::Record(_) => Loaded::Record(read_record_at(bytes, location)?),
    })
}

/// Reads a `.npy` file of a structured dtype into a [`RecordArray`] (one realized array per
/// field; a Fortran-order file gives transposed views, as [`load_npy`]). Padding bytes are
/// skipped and remembered, so [`save_npy_record`] writes the same descr back.
///
/// Errors with `Error::InvalidArgument { op: "load_npy", .. }` naming the file for anything
/// [`load_npy`] refuses, for a plain dtype, and for field types numcrane lacks (strings, raw
/// bytes), nested structures, sub-array fields and field titles.
///
/// ```
/// use numcrane::io::{load_npy_record, save_npy_record};
/// use numcrane::{array, RecordArray};
/// let path = std::env::temp_dir().join(format!("doc-npyrec-{}.npy", std::process::id()));
/// let rec = RecordArray::from_fields([("x", array([1.5, 2.5])), ("n", array([3i32, 4]))]).unwrap();
/// save_npy_record(&path, &rec).unwrap();
/// let back = load_npy_record(&path).unwrap();
/// assert_eq!(back.dtype_descr(), "[('x', '<f8'), ('n', '<i4')]");
/// assert_eq!(back.field("n").to_vec::<i32>().unwrap(), vec![3, 4]);
/// # std::fs::remove_file(&path).unwrap();
/// ```
#[track_caller]
pub fn load_npy_record(path: impl AsRef<Path>) -> Result<RecordArray> {
    let location = SourceLocation::caller();
    let path = path.as_ref();
    let bytes = read_file(path, "load_npy", location)?;
    read_record_at(&bytes, location).map_err(name_path(path))
}

/// [`load_npy_record`] of the bytes of a whole file held in memory.
#[track_caller]
pub fn read_npy_record(bytes: &[u8]) -> Result<RecordArray> {
    read_record_at(bytes, SourceLocation::caller())
}

fn read_record_at(bytes: &[u8], location: SourceLocation) -> Result<RecordArray> {
    let (descr, buffers) = npy::read_npy_record_bytes(bytes, location)?;
    let fields = buffers
        .into_iter()
        .map(|(buffer, layout)| Array::from_realized(Arc::new(buffer), layout))
        .collect();
    RecordArray::with_descr(descr, fields).map_err(|m| Error::invalid("load_npy", m, location))
}

/// The bytes of a `.npy` file of a structured array (evaluating its fields).
pub(crate) fn record_npy_bytes(
    rec: &RecordArray,
    op: &'static str,
    location: SourceLocation,
) -> Result<Vec<u8>> {
    let arrays: Vec<&Array> = rec.fields().map(|(_, a)| a).collect();
    crate::eval_all(&arrays)?;
    let data = arrays
        .iter()
        .map(|a| a.contiguous_bytes())
        .collect::<Result<Vec<_>>>()?;
    npy::write_npy_record_bytes(rec.descr(), rec.shape(), &data)
        .map_err(|m| Error::invalid(op, m, location))
}

/// Evaluates the fields of `rec` and writes it to `path` as a version 1.0 `.npy` file of its
/// structured dtype (C order; each field in its descr's byte order, padding bytes zero), as
/// `np.save` writes it: NumPy reads it back as an equal structured array.
///
/// Errors: evaluation errors of the fields as they are; a field name that cannot be written
/// in the header (quotes, backslashes, non-ASCII) or a file that cannot be written gives
/// `Error::InvalidArgument { op: "save_npy", .. }`.
///
/// ```
/// use numcrane::io::{load_npy_record, save_npy_record};
/// use numcrane::{array, RecordArray};
/// let path = std::env::temp_dir().join(format!("doc-saverec-{}.npy", std::process::id()));
/// let rec = RecordArray::from_fields([("ok", array([true, false]))]).unwrap();
/// save_npy_record(&path, &rec).unwrap();
/// assert_eq!(load_npy_record(&path).unwrap().names(), ["ok"]);
/// # std::fs::remove_file(&path).unwrap();
/// ```
#[track_caller]
pub fn save_npy_record(path: impl AsRef<Path>, rec: &RecordArray) -> Result<()> {
    let location = SourceLocation::caller();
    let path = path.as_ref();
    let bytes = record_npy_bytes(rec, "save_npy", location).map_err(name_path(path))?;
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
