//! `.npz` archives: NumPy's `np.savez`, `np.savez_compressed` and `np.load` of a zip of
//! `.npy` members.
//!
//! An archive is a zip file whose members are `<name>.npy` files. [`savez`] stores them
//! uncompressed and [`savez_compressed`] deflates them, as NumPy does; [`savez_positional`]
//! names them `arr_0`, `arr_1`, ... as `np.savez(path, a, b)` does. [`load_npz`] reads the
//! zip's directory at once and each member when asked ([`Npz::get`]), as NumPy's `NpzFile`;
//! the zip crate checks each member's CRC as it is read, so a corrupt member is an error.

use super::{npy, Loaded};
use crate::{Array, RecordArray};
use numcrane_graph::{Error, Result, SourceLocation};
use std::fs::File;
use std::io::{BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

/// Writes `arrays` to `path` as an uncompressed `.npz` archive, one `<name>.npy` member per
/// array in the order given (NumPy's `np.savez(path, name=array, ...)`).
///
/// Errors: evaluation errors of the arrays as they are; an empty or repeated name, or a file
/// that cannot be written, gives `Error::InvalidArgument { op: "savez", .. }`.
///
/// ```
/// use numcrane::io::{load_npz, savez};
/// let path = std::env::temp_dir().join(format!("doc-savez-{}.npz", std::process::id()));
/// let (x, y) = (numcrane::array([1.0, 2.0]), numcrane::array([[1i32, 2], [3, 4]]));
/// savez(&path, &[("x", &x), ("y", &y)]).unwrap();
/// let npz = load_npz(&path).unwrap();
/// assert_eq!(npz.names(), &["x", "y"]);
/// assert_eq!(npz.get("y").unwrap().to_vec::<i32>().unwrap(), vec![1, 2, 3, 4]);
/// # std::fs::remove_file(&path).unwrap();
/// ```
#[track_caller]
pub fn savez(path: impl AsRef<Path>, arrays: &[(&str, &Array)]) -> Result<()> {
    write(
        path.as_ref(),
        arrays,
        false,
        "savez",
        SourceLocation::caller(),
    )
}

/// As [`savez`], with every member deflate-compressed (NumPy's `np.savez_compressed`).
///
/// ```
/// use numcrane::io::{load_npz, savez_compressed};
/// let path = std::env::temp_dir().join(format!("doc-savezc-{}.npz", std::process::id()));
/// savez_compressed(&path, &[("zeros", &numcrane::zeros([1000], numcrane::DType::F64))]).unwrap();
/// assert!(std::fs::metadata(&path).unwrap().len() < 8000);
/// let z = load_npz(&path).unwrap().get("zeros").unwrap();
/// assert_eq!(z.shape(), &[1000]);
/// # std::fs::remove_file(&path).unwrap();
/// ```
#[track_caller]
pub fn savez_compressed(path: impl AsRef<Path>, arrays: &[(&str, &Array)]) -> Result<()> {
    write(
        path.as_ref(),
        arrays,
        true,
        "savez_compressed",
        SourceLocation::caller(),
    )
}

/// As [`savez`] with NumPy's names for positional arrays: `arr_0`, `arr_1`, ...
/// (`np.savez(path, a, b)`); `compressed` chooses `np.savez_compressed`.
///
/// ```
/// use numcrane::io::{load_npz, savez_positional};
/// let path = std::env::temp_dir().join(format!("doc-savezp-{}.npz", std::process::id()));
/// savez_positional(&path, &[&numcrane::array([1u8]), &numcrane::array([2u8])], false).unwrap();
/// assert_eq!(load_npz(&path).unwrap().names(), &["arr_0", "arr_1"]);
/// # std::fs::remove_file(&path).unwrap();
/// ```
#[track_caller]
pub fn savez_positional(path: impl AsRef<Path>, arrays: &[&Array], compressed: bool) -> Result<()> {
    let names: Vec<String> = (0..arrays.len()).map(|i| format!("arr_{i}")).collect();
    let named: Vec<(&str, &Array)> = names
        .iter()
        .map(|n| n.as_str())
        .zip(arrays.iter().copied())
        .collect();
    let op = if compressed {
        "savez_compressed"
    } else {
        "savez"
    };
    write(
        path.as_ref(),
        &named,
        compressed,
        op,
        SourceLocation::caller(),
    )
}

/// One member to write with [`savez_members`]: a plain or a structured array.
#[derive(Clone, Copy, Debug)]
pub enum Member<'a> {
    /// A plain array.
    Array(&'a Array),
    /// A structured array.
    Record(&'a RecordArray),
}

impl<'a> From<&'a Array> for Member<'a> {
    fn from(a: &'a Array) -> Self {
        Member::Array(a)
    }
}

impl<'a> From<&'a RecordArray> for Member<'a> {
    fn from(r: &'a RecordArray) -> Self {
        Member::Record(r)
    }
}

/// As [`savez`] (or [`savez_compressed`] when `compressed`) for members that may be
/// structured arrays: NumPy's `np.savez(path, name=array, ...)` with any dtypes.
///
/// ```
/// use numcrane::io::{load_npz, savez_members, Loaded, Member};
/// use numcrane::{array, RecordArray};
/// let path = std::env::temp_dir().join(format!("doc-savezm-{}.npz", std::process::id()));
/// let rec = RecordArray::from_fields([("id", array([1u32, 2])), ("w", array([0.5f32, 1.5]))]).unwrap();
/// let plain = array([1.0, 2.0]);
/// savez_members(&path, &[("table", Member::from(&rec)), ("x", Member::from(&plain))], false).unwrap();
/// let npz = load_npz(&path).unwrap();
/// let table = npz.get_record("table").unwrap();
/// assert_eq!(table.field("w").to_vec::<f32>().unwrap(), vec![0.5, 1.5]);
/// assert!(matches!(npz.get_any("x").unwrap(), Loaded::Array(_)));
/// # std::fs::remove_file(&path).unwrap();
/// ```
#[track_caller]
pub fn savez_members(
    path: impl AsRef<Path>,
    members: &[(&str, Member<'_>)],
    compressed: bool,
) -> Result<()> {
    let op = if compressed {
        "savez_compressed"
    } else {
        "savez"
    };
    write_members(
        path.as_ref(),
        members,
        compressed,
        op,
        SourceLocation::caller(),
    )
}

fn write(
    path: &Path,
    arrays: &[(&str, &Array)],
    compressed: bool,
    op: &'static str,
    location: SourceLocation,
) -> Result<()> {
    let members: Vec<(&str, Member<'_>)> =
        arrays.iter().map(|(n, a)| (*n, Member::Array(a))).collect();
    write_members(path, &members, compressed, op, location)
}

fn write_members(
    path: &Path,
    arrays: &[(&str, Member<'_>)],
    compressed: bool,
    op: &'static str,
    location: SourceLocation,
) -> Result<()> {
    let fail =
        |message: String| Error::invalid(op, format!("{}: {message}", path.display()), location);
    for (i, (name, _)) in arrays.iter().enumerate() {
        if name.is_empty() {
            return Err(fail(format!("array {i} has an empty name")));
        }
        if arrays[..i].iter().any(|(n, _)| n == name) {
            return Err(fail(format!("the name '{name}' is given twice")));
        }
    }
    // Evaluate everything before creating the file, so an error leaves no half-written one.
    let all: Vec<&Array> = arrays
        .iter()
        .flat_map(|(_, m)| match m {
            Member::Array(a) => vec![*a],
            Member::Record(r) => r.fields().map(|(_, a)| a).collect(),
        })
        .collect();
    crate::eval_all(&all)?;
    let mut files = Vec::with_capacity(arrays.len());
    for (name, m) in arrays {
        let bytes = match m {
            Member::Array(a) => {
                let data = a.contiguous_bytes()?;
                npy::write_npy_bytes(a.dtype(), a.shape(), &data)
            }
            Member::Record(r) => super::record_npy_bytes(r, op, location).map_err(|e| match e {
                Error::InvalidArgument { message, .. } => {
                    fail(format!("member '{name}': {message}"))
                }
                other => other,
            })?,
        };
        files.push((*name, bytes));
    }
    let file = File::create(path).map_err(|e| fail(format!("cannot create: {e}")))?;
    let mut zip = ZipWriter::new(std::io::BufWriter::new(file));
    let method = if compressed {
        CompressionMethod::Deflated
    } else {
        CompressionMethod::Stored
    };
    for (name, bytes) in files {
        let options = SimpleFileOptions::default()
            .compression_method(method)
            // Zip64 records only where the 4 GiB limit of plain zip needs them.
            .large_file(bytes.len() as u64 >= u32::MAX as u64);
        zip.start_file(format!("{name}.npy"), options)
            .map_err(|e| fail(format!("cannot add '{name}': {e}")))?;
        zip.write_all(&bytes)
            .map_err(|e| fail(format!("cannot write '{name}': {e}")))?;
    }
    let mut out = zip
        .finish()
        .map_err(|e| fail(format!("cannot finish the archive: {e}")))?;
    out.flush().map_err(|e| fail(format!("cannot write: {e}")))
}

/// An opened `.npz` archive (NumPy's `NpzFile`): the member names, and each member read and
/// parsed when asked for.
pub struct Npz {
    path: PathBuf,
    names: Vec<String>,
    /// Member index in the zip of each name.
    members: Vec<usize>,
    archive: Mutex<ZipArchive<BufReader<File>>>,
}

impl std::fmt::Debug for Npz {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Npz({}, {:?})", self.path.display(), self.names)
    }
}

/// Opens a `.npz` archive (NumPy's `np.load` of a `.npz`). Members are read by [`Npz::get`].
///
/// Errors with `Error::InvalidArgument { op: "load_npz", .. }` naming the file when it cannot
/// be opened or is not a zip archive.
#[track_caller]
pub fn load_npz(path: impl AsRef<Path>) -> Result<Npz> {
    let location = SourceLocation::caller();
    let path = path.as_ref();
    let fail = |message: String| {
        Error::invalid(
            "load_npz",
            format!("{}: {message}", path.display()),
            location,
        )
    };
    let file = File::open(path).map_err(|e| fail(format!("cannot open: {e}")))?;
    let archive = ZipArchive::new(BufReader::new(file))
        .map_err(|e| fail(format!("not a valid .npz (zip) archive: {e}")))?;
    let mut names = Vec::with_capacity(archive.len());
    let mut members = Vec::with_capacity(archive.len());
    for i in 0..archive.len() {
        let name = match archive.name_for_index(i) {
            Some(Ok(n)) => n.into_owned(),
            _ => return Err(fail(format!("member {i} has an unreadable name"))),
        };
        // NumPy lists members without their `.npy` suffix.
        names.push(name.strip_suffix(".npy").unwrap_or(&name).to_string());
        members.push(i);
    }
    Ok(Npz {
        path: path.to_path_buf(),
        names,
        members,
        archive: Mutex::new(archive),
    })
}

impl Npz {
    /// The member names in file order, without their `.npy` suffix (NumPy's `npz.files`).
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// True when the archive has a member of that name.
    pub fn contains(&self, name: &str) -> bool {
        self.names.iter().any(|n| n == name)
    }

    /// Reads and parses one member (NumPy's `npz[name]`).
    ///
    /// Errors with `Error::InvalidArgument { op: "load_npz", .. }` naming the archive and the
    /// member when there is no such member, it is corrupt (a CRC or deflate error) or it is
    /// not a valid `.npy` file.
    #[track_caller]
    pub fn get(&self, name: &str) -> Result<Array> {
        let location = SourceLocation::caller();
        let bytes = self.member_bytes(name, location)?;
        let (buffer, layout) =
            npy::read_npy_bytes(&bytes).map_err(self.name_member(name, location))?;
        Ok(Array::from_realized(Arc::new(buffer), layout))
    }

    /// Reads a member of a structured dtype (NumPy's `npz[name]` of a structured array).
    /// Errors as [`Npz::get`], and for a member of a plain dtype.
    #[track_caller]
    pub fn get_record(&self, name: &str) -> Result<RecordArray> {
        let location = SourceLocation::caller();
        let bytes = self.member_bytes(name, location)?;
        match super::read_any(&bytes, location).map_err(self.name_member(name, location))? {
            Loaded::Record(r) => Ok(r),
            Loaded::Array(_) => Err(self.name_member(name, location)(Error::invalid(
                "load_npz",
                "the member holds a plain (not structured) dtype: read it with Npz::get",
                location,
            ))),
        }
    }

    /// Reads a member of either kind of dtype.
    #[track_caller]
    pub fn get_any(&self, name: &str) -> Result<Loaded> {
        let location = SourceLocation::caller();
        let bytes = self.member_bytes(name, location)?;
        super::read_any(&bytes, location).map_err(self.name_member(name, location))
    }

    /// Re-labels a member's parse error as `load_npz`, naming the archive and member.
    fn name_member<'s>(
        &'s self,
        name: &'s str,
        location: SourceLocation,
    ) -> impl Fn(Error) -> Error + 's {
        move |e| match e {
            Error::InvalidArgument { message, .. } => Error::invalid(
                "load_npz",
                format!("{}: member '{name}': {message}", self.path.display()),
                location,
            ),
            other => other,
        }
    }

    /// The uncompressed bytes of a member.
    fn member_bytes(&self, name: &str, location: SourceLocation) -> Result<Vec<u8>> {
        let fail = |message: String| {
            Error::invalid(
                "load_npz",
                format!("{}: member '{name}': {message}", self.path.display()),
                location,
            )
        };
        let i = self.names.iter().position(|n| n == name).ok_or_else(|| {
            fail(format!(
                "no such member (the archive holds {:?})",
                self.names
            ))
        })?;
        let mut archive = self.archive.lock().unwrap_or_else(|p| p.into_inner());
        let mut member = archive
            .by_index(self.members[i])
            .map_err(|e| fail(format!("cannot read: {e}")))?;
        // The declared size is only a hint (a corrupt archive may lie): cap the reservation.
        let mut bytes = Vec::with_capacity(member.size().min(1 << 30) as usize);
        member
            .read_to_end(&mut bytes)
            .map_err(|e| fail(format!("corrupt member: {e}")))?;
        Ok(bytes)
    }

    /// Every member, in file order, with its name.
    #[track_caller]
    pub fn load_all(&self) -> Result<Vec<(String, Array)>> {
        self.names
            .iter()
            .map(|n| Ok((n.clone(), self.get(n)?)))
            .collect()
    }
}
