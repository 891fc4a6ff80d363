//! Memory-mapped `.npy` files: NumPy's `np.load(path, mmap_mode='r' | 'c')`.
//!
//! [`load_npy_mmap`] maps the whole file and hands the lazy graph a buffer whose elements are
//! the file's own pages (`Buffer::from_owner`, with the mapping as the owner: dropping the
//! last array that uses it unmaps the file). Nothing is read until a computation touches it.
//!
//! The header is parsed from the mapping with the same checks as [`super::load_npy`]: the file
//! must hold exactly the bytes its shape and dtype need, so a truncated or malformed file is
//! an error before any element is read. NumPy pads the header so the data starts at a multiple
//! of 64 bytes; the mapping starts on a page, so elements are aligned. When they are not (a
//! hand-made file with an odd header length), the file is byte-swapped, or a bool file holds
//! bytes other than 0 and 1, the data is copied instead, as [`super::load_npy`] would.
//!
//! Read-only maps are mapped without write permission and marked read-only in the buffer:
//! `Array::set_in_place` copies instead of writing, and no other path writes into an existing
//! buffer. Copy-on-write maps are private mappings: writes go to private copies of the pages
//! they touch, never to the file. As with any memory map, truncating the file while it is
//! mapped makes later reads of the lost pages fault (SIGBUS); do not shrink a mapped file.

use crate::Array;
use numcrane_graph::{Buffer, Error, Result, SourceLocation};
use std::path::Path;
use std::ptr::NonNull;
use std::sync::Arc;

/// How [`load_npy_mmap`] maps a file (NumPy's `mmap_mode`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MmapMode {
    /// `mmap_mode='r'`: the array reads the file; it can never be written.
    ReadOnly,
    /// `mmap_mode='c'`: the array reads the file, and writes to it (`set_in_place`) change
    /// only this process's copy of the touched pages; the file is never modified.
    CopyOnWrite,
}

const OP: &str = "load_npy_mmap";

/// Maps a `.npy` file and returns an array that reads its elements in place, without copying
/// them (NumPy's `np.load(path, mmap_mode=...)`).
///
/// Errors with `Error::InvalidArgument { op: "load_npy_mmap", .. }` naming the file when it
/// cannot be opened or mapped or is not a valid `.npy` file (a truncated file, a header whose
/// shape does not match the data's length, a wrong magic string).
///
/// ```
/// use numcrane::io::{load_npy_mmap, save_npy, MmapMode};
/// let path = std::env::temp_dir().join(format!("doc-mmap-{}.npy", std::process::id()));
/// save_npy(&path, &numcrane::array([[1.0, 2.0], [3.0, 4.0]])).unwrap();
/// let a = load_npy_mmap(&path, MmapMode::ReadOnly).unwrap();
/// assert_eq!(a.sum(..).item::<f64>().unwrap(), 10.0);
/// # drop(a);
/// # std::fs::remove_file(&path).unwrap();
/// ```
#[track_caller]
pub fn load_npy_mmap(path: impl AsRef<Path>, mode: MmapMode) -> Result<Array> {
    let location = SourceLocation::caller();
    let path = path.as_ref();
    let fail =
        |message: String| Error::invalid(OP, format!("{}: {message}", path.display()), location);
    let file = std::fs::File::open(path).map_err(|e| fail(format!("cannot open: {e}")))?;
    let len = file
        .metadata()
        .map_err(|e| fail(format!("cannot read its size: {e}")))?
        .len();
    if len == 0 {
        // An empty mapping is not possible; the format error is what the user needs.
        return Err(fail("not a .npy file: the file is empty".into()));
    }
    let map = map_file(&file, mode).map_err(|e| fail(format!("cannot map: {e}")))?;
    let bytes: &[u8] = &map;
    let info = super::npy::parse_npy(bytes).map_err(|e| match e {
        Error::InvalidArgument { message, .. } => fail(message),
        other => other,
    })?;
    let data = &bytes[info.data_offset..];
    let itemsize = info.dtype.itemsize();
    let aligned = (data.as_ptr() as usize).is_multiple_of(itemsize);
    let valid_bools = info.dtype != numcrane_graph::DType::Bool || data.iter().all(|&b| b <= 1);
    if !aligned || info.swap || !valid_bools || info.nbytes == 0 {
        // No mapping can serve these elements as they are: copy them (and drop the map).
        let (buffer, layout) = super::npy::read_npy_bytes(bytes)?;
        return Ok(Array::from_realized(Arc::new(buffer), layout));
    }
    let layout = info.layout();
    let len = info.nbytes / itemsize;
    let ptr = NonNull::new(data.as_ptr() as *mut u8)
        .ok_or_else(|| Error::internal(OP, "a mapping at address zero"))?;
    let (owner, writable): (Box<dyn std::any::Any + Send + Sync>, bool) = match map {
        Mapped::ReadOnly(m) => (Box::new(m), false),
        Mapped::Private(m) => (Box::new(m), true),
    };
    // SAFETY: `ptr` points into the mapping that `owner` holds, at the data offset; the header
    // check above proved the mapping holds exactly `len * itemsize` bytes after it, and the
    // address is a multiple of the itemsize. Every bit pattern is a valid integer or float and
    // bool data was checked to hold only 0 and 1. Moving the map into the box does not move
    // the pages. A read-only map is passed as not writable, so numcrane never writes it; a
    // private (copy-on-write) map belongs to this buffer alone, so nobody else reads or
    // writes this process's copy of it (other processes changing the file underneath is the
    // usual caveat of memory maps, documented on the module).
    let buffer = unsafe { Buffer::from_owner(owner, ptr, len, info.dtype, writable) };
    Ok(Array::from_realized(Arc::new(buffer), layout))
}

/// The mapping of a whole file in either mode.
enum Mapped {
    ReadOnly(memmap2::Mmap),
    Private(memmap2::MmapMut),
}

impl std::ops::Deref for Mapped {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Mapped::ReadOnly(m) => m,
            Mapped::Private(m) => m,
        }
    }
}

fn map_file(file: &std::fs::File, mode: MmapMode) -> std::io::Result<Mapped> {
    Ok(match mode {
        // SAFETY: memmap2's maps are unsafe because another process may change or truncate
        // the file while it is mapped; that is the documented caveat of memory-mapped arrays
        // (NumPy's too), stated in this module's documentation.
        MmapMode::ReadOnly => Mapped::ReadOnly(unsafe { memmap2::Mmap::map(file)? }),
        MmapMode::CopyOnWrite => {
            let options = memmap2::MmapOptions::new();
            // SAFETY: as above; a private mapping never writes back to the file.
            let map = unsafe { options.map_copy(file)? };
            Mapped::Private(map)
        }
    })
}
