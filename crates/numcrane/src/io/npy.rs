//! The `.npy` file format: NumPy's one-array binary file.
//!
//! A file is the magic `\x93NUMPY`, a version (1.0, 2.0 or 3.0), the length of a header
//! (2 bytes little-endian in 1.0, 4 bytes in 2.0 and 3.0), the header itself and the raw
//! elements. The header is a Python dict literal such as
//! `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }`, padded with spaces and a
//! newline so the data starts at a multiple of 64 bytes.
//!
//! The reader accepts every version, both byte orders and both element orders for the dtypes
//! numcrane has; it parses the header by hand (no `eval`), checks every length before reading
//! and returns `Error::InvalidArgument { op: "load_npy", .. }` for anything malformed. The
//! writer produces exactly the bytes `np.save` produces for a C-order little-endian array.

use crate::record::{FieldDescr, RecordDescr};
use numcrane_graph::layout::checked_size;
use numcrane_graph::{Buffer, DType, Element, Error, Layout, Result, SourceLocation};

/// The first six bytes of every .npy file.
const MAGIC: &[u8; 6] = b"\x93NUMPY";
/// NumPy aligns the start of the data to this many bytes.
const ARRAY_ALIGN: usize = 64;
/// NumPy leaves room for the growing axis to reach this many digits (`np.lib.format`).
const GROWTH_AXIS_MAX_DIGITS: usize = 21;
/// The operation named in read errors.
const OP: &str = "load_npy";

/// Parses a whole .npy file held in memory.
///
/// Returns the elements in a native-endian buffer and the layout that views them with the
/// file's shape: row-major for C order; for Fortran order the buffer is the row-major array of
/// the reversed shape, seen through the reversed axis permutation (so no data is moved).
#[track_caller]
pub fn read_npy_bytes(bytes: &[u8]) -> Result<(Buffer, Layout)> {
    let info = parse_npy(bytes)?;
    let data = bytes.get(info.data_offset..).unwrap_or_default();
    let buffer = numcrane_graph::with_dtype!(info.dtype, T => fill::<T>(data, info.swap))?;
    Ok((buffer, info.layout()))
}

/// What a .npy header says, checked against the file's length.
#[derive(Clone, Debug)]
pub(crate) struct NpyInfo {
    pub dtype: DType,
    /// The elements are stored in the other byte order than this machine's.
    pub swap: bool,
    pub fortran_order: bool,
    pub shape: Vec<usize>,
    /// Where the elements start in the file; the file holds exactly `nbytes` after it.
    pub data_offset: usize,
    pub nbytes: usize,
}

impl NpyInfo {
    /// The layout that views a row-major buffer of the elements with the file's shape:
    /// row-major for C order; for Fortran order the buffer is the row-major array of the
    /// reversed shape, seen through the reversed axis permutation (so no data is moved).
    pub fn layout(&self) -> Layout {
        if self.fortran_order {
            let rev_shape: Vec<usize> = self.shape.iter().rev().copied().collect();
            let rev_axes: Vec<usize> = (0..self.shape.len()).rev().collect();
            Layout::contiguous(&rev_shape).permute(&rev_axes)
        } else {
            Layout::contiguous(&self.shape)
        }
    }
}

/// Parses and checks the header of a whole .npy file (every length is checked: the data
/// after the header must be exactly what the shape and dtype need). A structured dtype is an
/// error here (see [`parse_npy_any`]).
#[track_caller]
pub(crate) fn parse_npy(bytes: &[u8]) -> Result<NpyInfo> {
    let location = SourceLocation::caller();
    let info = parse_npy_any(bytes, location)?;
    match info.kind {
        ItemKind::Plain(dtype, order) => Ok(NpyInfo {
            dtype,
            swap: dtype.itemsize() > 1 && order != ByteOrder::Native,
            fortran_order: info.fortran_order,
            shape: info.shape,
            data_offset: info.data_offset,
            nbytes: info.nbytes,
        }),
        ItemKind::Record(descr) => Err(Error::invalid(
            OP,
            format!(
                "the file holds a structured dtype {}: read it with io::load_npy_record or io::load",
                descr.descr()
            ),
            location,
        )),
    }
}

/// The element type of a file: a plain dtype or a structured one.
#[derive(Clone, Debug)]
pub(crate) enum ItemKind {
    Plain(DType, ByteOrder),
    Record(RecordDescr),
}

/// A checked header of either kind of element.
#[derive(Clone, Debug)]
pub(crate) struct NpyAny {
    pub kind: ItemKind,
    pub fortran_order: bool,
    pub shape: Vec<usize>,
    pub data_offset: usize,
    pub nbytes: usize,
}

impl NpyAny {
    /// See [`NpyInfo::layout`].
    fn layout(&self) -> Layout {
        NpyInfo {
            dtype: DType::U8,
            swap: false,
            fortran_order: self.fortran_order,
            shape: self.shape.clone(),
            data_offset: self.data_offset,
            nbytes: self.nbytes,
        }
        .layout()
    }
}

/// Parses and checks the header of a whole .npy file of a plain or a structured dtype.
pub(crate) fn parse_npy_any(bytes: &[u8], location: SourceLocation) -> Result<NpyAny> {
    parse_npy_prefix(bytes, bytes.len(), location)
}

/// [`parse_npy_any`] from the first bytes of a file of `file_len` bytes (at least its whole
/// header): the data's length is checked against what the file holds after the header.
pub(crate) fn parse_npy_prefix(
    bytes: &[u8],
    file_len: usize,
    location: SourceLocation,
) -> Result<NpyAny> {
    let fail = |message: String| Error::invalid(OP, message, location);

    let header = split_header(bytes).map_err(&fail)?;
    let parsed = parse_header(header.text).map_err(&fail)?;
    let (kind, itemsize, what) = match &parsed.descr {
        Descr::Simple(d) => {
            let (dtype, order) = parse_descr(d).map_err(&fail)?;
            (
                ItemKind::Plain(dtype, order),
                dtype.itemsize(),
                dtype.to_string(),
            )
        }
        Descr::Fields(list) => {
            let descr = record_descr(list).map_err(&fail)?;
            let itemsize = descr.itemsize();
            let what = format!("structured dtype {}", descr.descr());
            (ItemKind::Record(descr), itemsize, what)
        }
    };

    let size = checked_size(&parsed.shape)
        .ok_or_else(|| fail(format!("shape {:?} has too many elements", parsed.shape)))?;
    // Strides are `isize` and every axis length, even beside a zero-length axis, takes part
    // in them: refuse shapes whose non-zero lengths cannot be addressed in bytes.
    let addressable = parsed
        .shape
        .iter()
        .try_fold(itemsize, |acc, &d| acc.checked_mul(d.max(1)))
        .is_some_and(|n| n <= isize::MAX as usize);
    if !addressable {
        return Err(fail(format!(
            "shape {:?} of {what} is too large to address",
            parsed.shape
        )));
    }
    let nbytes = size * itemsize;
    let data_offset = bytes.len() - header.data.len();
    let data_len = file_len.saturating_sub(data_offset);
    if data_len != nbytes {
        return Err(fail(format!(
            "data size mismatch: shape {:?} of {what} needs {nbytes} bytes, the file has {data_len}",
            parsed.shape,
        )));
    }
    Ok(NpyAny {
        kind,
        fortran_order: parsed.fortran_order,
        shape: parsed.shape,
        data_offset,
        nbytes,
    })
}

/// The structured dtype of a descr list, as NumPy's `descr_to_dtype` builds it: fields one
/// after the other, `('', '|Vn')` entries being n bytes of padding.
fn record_descr(list: &[(String, String)]) -> Result<RecordDescr, String> {
    let mut fields = Vec::with_capacity(list.len());
    let mut offset = 0usize;
    for (name, typestr) in list {
        let void = typestr.trim_start_matches(['|', '<', '>', '=']);
        if let Some(n) = void.strip_prefix('V') {
            let n: usize = n
                .parse()
                .map_err(|_| format!("structured dtype: bad void type '{typestr}'"))?;
            if !name.is_empty() {
                return Err(format!(
                    "structured dtype: field '{name}' has the raw bytes type '{typestr}', which is not supported"
                ));
            }
            offset = offset
                .checked_add(n)
                .ok_or("structured dtype: the record size overflows usize")?;
            continue;
        }
        let (dtype, _) =
            parse_descr(typestr).map_err(|e| format!("structured dtype: field '{name}': {e}"))?;
        let big_endian = match typestr.as_bytes().first() {
            Some(b'>') => true,
            Some(b'=') => cfg!(target_endian = "big"),
            _ => false,
        } && dtype.itemsize() > 1;
        fields.push(FieldDescr {
            name: name.clone(),
            dtype,
            offset,
            big_endian,
        });
        offset = offset
            .checked_add(dtype.itemsize())
            .ok_or("structured dtype: the record size overflows usize")?;
    }
    RecordDescr::new(fields, offset).map_err(|e| format!("structured dtype: {e}"))
}

/// Parses a whole .npy file of a structured dtype into one buffer per field, each with the
/// file's layout (see [`NpyInfo::layout`]). A plain dtype is an error.
pub(crate) fn read_npy_record_bytes(
    bytes: &[u8],
    location: SourceLocation,
) -> Result<(RecordDescr, Vec<(Buffer, Layout)>)> {
    let info = parse_npy_any(bytes, location)?;
    let ItemKind::Record(descr) = &info.kind else {
        return Err(Error::invalid(
            OP,
            "the file holds a plain (not structured) dtype: read it with io::load_npy or io::load",
            location,
        ));
    };
    let data = bytes.get(info.data_offset..).unwrap_or_default();
    let layout = info.layout();
    let host_big = cfg!(target_endian = "big");
    let mut out = Vec::with_capacity(descr.fields().len());
    for f in descr.fields() {
        let swap = f.dtype.itemsize() > 1 && f.big_endian != host_big;
        let buffer = numcrane_graph::with_dtype!(f.dtype, T => {
            fill_strided::<T>(data, descr.itemsize(), f.offset, swap)
        })?;
        out.push((buffer, layout.clone()));
    }
    Ok((descr.clone(), out))
}

/// The header dict of a file, padded as `np.save` pads it, for a descr given as its Python
/// text. Version 1.0, or 2.0 when the header does not fit in 1.0's 65535 bytes.
fn header_bytes(descr: &str, shape: &[usize]) -> Vec<u8> {
    let shape_repr = match shape {
        [one] => format!("({one},)"),
        dims => {
            let parts: Vec<String> = dims.iter().map(|d| d.to_string()).collect();
            format!("({})", parts.join(", "))
        }
    };
    let mut header =
        format!("{{'descr': {descr}, 'fortran_order': False, 'shape': {shape_repr}, }}");
    // NumPy's spare room so the first axis can grow in place.
    if let Some(first) = shape.first() {
        let digits = first.to_string().len();
        header.push_str(&" ".repeat(GROWTH_AXIS_MAX_DIGITS.saturating_sub(digits)));
    }

    let wrap = |len_bytes: usize| {
        let hlen = header.len() + 1; // + the final newline
        let padlen = ARRAY_ALIGN - (MAGIC.len() + 2 + len_bytes + hlen) % ARRAY_ALIGN;
        (hlen + padlen, padlen)
    };
    let (total, padlen) = wrap(2);
    let mut out = Vec::with_capacity(MAGIC.len() + 6 + total);
    out.extend_from_slice(MAGIC);
    if let Ok(total16) = u16::try_from(total) {
        out.extend_from_slice(&[1, 0]);
        out.extend_from_slice(&total16.to_le_bytes());
        out.extend_from_slice(header.as_bytes());
        out.extend(std::iter::repeat_n(b' ', padlen));
    } else {
        let (total, padlen) = wrap(4);
        out.extend_from_slice(&[2, 0]);
        // A header of 4 GiB cannot come from a real shape; saturate rather than panic.
        out.extend_from_slice(&u32::try_from(total).unwrap_or(u32::MAX).to_le_bytes());
        out.extend_from_slice(header.as_bytes());
        out.extend(std::iter::repeat_n(b' ', padlen));
    }
    out.push(b'\n');
    out
}

/// Serialises a structured array as a version 1.0 .npy file, as `np.save` writes it: the
/// descr list (padding included), then the records, each field in its descr's byte order.
///
/// `fields` holds each field's elements as native-endian bytes in row-major order, one entry
/// per field of `descr`, each `size(shape) * itemsize` bytes long. Field names that a
/// Python string literal would have to escape (quotes, backslashes, control or non-ASCII
/// characters) are refused, as are fields of the wrong length.
pub fn write_npy_record_bytes(
    descr: &RecordDescr,
    shape: &[usize],
    fields: &[Vec<u8>],
) -> Result<Vec<u8>, String> {
    for f in descr.fields() {
        if !f.name.chars().all(|c| c.is_ascii_graphic() || c == ' ')
            || f.name.contains(['\'', '"', '\\'])
        {
            return Err(format!(
                "field name {:?} cannot be written in a .npy header (only printable ASCII without quotes or backslashes)",
                f.name
            ));
        }
    }
    let n = checked_size(shape).ok_or("the shape has too many elements")?;
    if fields.len() != descr.fields().len() {
        return Err(format!(
            "{} fields of data for {} fields",
            fields.len(),
            descr.fields().len()
        ));
    }
    let itemsize = descr.itemsize();
    let total = n
        .checked_mul(itemsize)
        .ok_or("the data size overflows usize")?;
    let mut out = header_bytes(&descr.descr(), shape);
    let start = out.len();
    out.resize(start + total, 0);
    let records = &mut out[start..];
    let host_big = cfg!(target_endian = "big");
    for (f, bytes) in descr.fields().iter().zip(fields) {
        let size = f.dtype.itemsize();
        if bytes.len() != n * size {
            return Err(format!(
                "field '{}' has {} bytes of data, its shape needs {}",
                f.name,
                bytes.len(),
                n * size
            ));
        }
        let swap = size > 1 && f.big_endian != host_big;
        // a complex value is two numbers, each byte-swapped on its own (NumPy's '>c16')
        let part = if f.dtype.is_complex() { size / 2 } else { size };
        for (record, value) in records
            .chunks_exact_mut(itemsize)
            .zip(bytes.chunks_exact(size))
        {
            let slot = &mut record[f.offset..f.offset + size];
            slot.copy_from_slice(value);
            if swap {
                slot.chunks_exact_mut(part).for_each(<[u8]>::reverse);
            }
        }
    }
    Ok(out)
}

/// Serialises a C-contiguous array as a version 1.0 .npy file, byte for byte as `np.save`
/// writes it: little-endian elements, `fortran_order: False`, header padded to 64 bytes.
///
/// `data` holds the elements as native-endian bytes in row-major order and should be
/// `size(shape) * dtype.itemsize()` bytes long; it is written as given. A header too long for
/// version 1.0 (only possible with thousands of axes) is written as version 2.0, as NumPy does.
pub fn write_npy_bytes(dtype: DType, shape: &[usize], data: &[u8]) -> Vec<u8> {
    let mut out = npy_header(dtype, shape);
    out.reserve(data.len());
    let itemsize = dtype.itemsize();
    if cfg!(target_endian = "big") && itemsize > 1 {
        for chunk in data.chunks(itemsize) {
            out.extend(chunk.iter().rev());
        }
    } else {
        out.extend_from_slice(data);
    }
    out
}

/// The bytes before the data of a version 1.0 `.npy` file of a C-order little-endian array.
pub(crate) fn npy_header(dtype: DType, shape: &[usize]) -> Vec<u8> {
    header_bytes(&format!("'{}'", descr_of(dtype)), shape)
}

/// NumPy's `dtype.str` for the little-endian version of a dtype.
fn descr_of(dtype: DType) -> &'static str {
    match dtype {
        DType::Bool => "|b1",
        DType::I8 => "|i1",
        DType::I16 => "<i2",
        DType::I32 => "<i4",
        DType::I64 => "<i8",
        DType::U8 => "|u1",
        DType::U16 => "<u2",
        DType::U32 => "<u4",
        DType::U64 => "<u8",
        DType::F32 => "<f4",
        DType::F64 => "<f8",
        DType::C64 => "<c8",
        DType::C128 => "<c16",
    }
}

/// Whether the file's elements need their bytes reversed on this machine.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ByteOrder {
    Native,
    Swapped,
}

/// The header text and the element bytes of a file.
struct Split<'a> {
    text: &'a [u8],
    data: &'a [u8],
}

/// Checks the magic and version and cuts the file into header and data.
fn split_header(bytes: &[u8]) -> Result<Split<'_>, String> {
    let rest = bytes
        .strip_prefix(MAGIC.as_slice())
        .ok_or_else(|| "not a .npy file: the magic string \\x93NUMPY is missing".to_string())?;
    let (major, minor, rest) = match rest {
        [major, minor, rest @ ..] => (*major, *minor, rest),
        _ => return Err("truncated file: no format version".to_string()),
    };
    let (hlen, rest) = match (major, minor) {
        (1, 0) => match rest {
            [a, b, rest @ ..] => (u16::from_le_bytes([*a, *b]) as usize, rest),
            _ => return Err("truncated file: no header length".to_string()),
        },
        (2, 0) | (3, 0) => match rest {
            [a, b, c, d, rest @ ..] => (u32::from_le_bytes([*a, *b, *c, *d]) as usize, rest),
            _ => return Err("truncated file: no header length".to_string()),
        },
        _ => {
            return Err(format!(
                "unsupported .npy format version {major}.{minor} (1.0, 2.0 and 3.0 are read)"
            ))
        }
    };
    if rest.len() < hlen {
        return Err(format!(
            "truncated header: {hlen} bytes announced, {} present",
            rest.len()
        ));
    }
    let (text, data) = rest.split_at(hlen);
    Ok(Split { text, data })
}

/// The three entries of a header dict.
#[derive(Debug, PartialEq)]
struct Header {
    descr: Descr,
    fortran_order: bool,
    shape: Vec<usize>,
}

/// The header's `descr`: a type string such as `'<f8'`, or a structured dtype's list of
/// `(name, type string)` pairs (padding entries included).
#[derive(Debug, PartialEq)]
enum Descr {
    Simple(String),
    Fields(Vec<(String, String)>),
}

/// A cursor over the header text; every read is bounds-checked.
struct Cursor<'a> {
    text: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn expect(&mut self, c: u8) -> Result<(), String> {
        self.skip_ws();
        match self.peek() {
            Some(got) if got == c => {
                self.pos += 1;
                Ok(())
            }
            Some(got) => Err(format!(
                "bad header: expected '{}' at byte {}, found '{}'",
                c as char,
                self.pos,
                got.escape_ascii()
            )),
            None => Err(format!(
                "bad header: expected '{}', found the end of the header",
                c as char
            )),
        }
    }

    /// A Python string literal in single or double quotes, without escapes (NumPy never
    /// writes any in the three keys and their values).
    fn string(&mut self) -> Result<String, String> {
        self.skip_ws();
        let quote = match self.peek() {
            Some(q @ (b'\'' | b'"')) => q,
            _ => {
                return Err(format!(
                    "bad header: expected a string at byte {}",
                    self.pos
                ))
            }
        };
        let start = self.pos + 1;
        let len = self.text[start..]
            .iter()
            .position(|&c| c == quote || c == b'\\' || c == b'\n')
            .ok_or_else(|| "bad header: unterminated string".to_string())?;
        if self.text[start + len] != quote {
            return Err("bad header: escapes and line breaks in strings are not supported".into());
        }
        self.pos = start + len + 1;
        Ok(String::from_utf8_lossy(&self.text[start..start + len]).into_owned())
    }

    /// A structured dtype's descr: `[('x', '<f8'), ('', '|V4'), ('y', '<i4')]`. Field titles,
    /// nested structures and sub-array fields are refused with a message saying so.
    fn descr_list(&mut self) -> Result<Vec<(String, String)>, String> {
        self.expect(b'[')?;
        let mut fields = Vec::new();
        loop {
            self.skip_ws();
            if self.peek() == Some(b']') {
                self.pos += 1;
                return Ok(fields);
            }
            self.expect(b'(')?;
            self.skip_ws();
            if self.peek() == Some(b'(') {
                return Err(
                    "structured dtype: field titles ((title, name) pairs) are not supported".into(),
                );
            }
            let name = self.string()?;
            self.expect(b',')?;
            self.skip_ws();
            if self.peek() == Some(b'[') {
                return Err(format!(
                    "structured dtype: field '{name}' is itself structured; nested fields are not supported"
                ));
            }
            let typestr = self.string()?;
            self.skip_ws();
            if self.peek() == Some(b',') {
                self.pos += 1;
                self.skip_ws();
                if self.peek() == Some(b'(') {
                    return Err(format!(
                        "structured dtype: field '{name}' has a sub-array shape; sub-array fields are not supported"
                    ));
                }
            }
            self.expect(b')')?;
            fields.push((name, typestr));
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {}
                _ => {
                    return Err(format!(
                        "bad header: expected ',' or ']' in the descr list at byte {}",
                        self.pos
                    ))
                }
            }
        }
    }

    /// A bare word such as `True` or `False`.
    fn word(&mut self) -> &[u8] {
        self.skip_ws();
        let start = self.pos;
        while matches!(self.peek(), Some(c) if c.is_ascii_alphanumeric() || c == b'_') {
            self.pos += 1;
        }
        &self.text[start..self.pos]
    }

    /// A non-negative decimal integer, with Python 2's optional `L` suffix.
    fn uint(&mut self) -> Result<usize, String> {
        self.skip_ws();
        let start = self.pos;
        let mut value = 0usize;
        while let Some(c @ b'0'..=b'9') = self.peek() {
            value = value
                .checked_mul(10)
                .and_then(|v| v.checked_add(usize::from(c - b'0')))
                .ok_or_else(|| "bad header: shape dimension does not fit in usize".to_string())?;
            self.pos += 1;
        }
        if self.pos == start {
            return Err(format!(
                "bad header: expected a non-negative integer in the shape at byte {}",
                self.pos
            ));
        }
        if matches!(self.peek(), Some(b'L' | b'l')) {
            self.pos += 1;
        }
        Ok(value)
    }

    /// A tuple of integers: `()`, `(3,)`, `(3, 4)`, `(3, 4,)`.
    fn shape(&mut self) -> Result<Vec<usize>, String> {
        self.skip_ws();
        if self.peek() != Some(b'(') {
            return Err("bad header: 'shape' must be a tuple of integers".into());
        }
        self.pos += 1;
        let mut dims = Vec::new();
        let mut trailing_comma = false;
        loop {
            self.skip_ws();
            if self.peek() == Some(b')') {
                self.pos += 1;
                break;
            }
            if !dims.is_empty() && !trailing_comma {
                return Err(format!(
                    "bad header: expected ',' or ')' at byte {}",
                    self.pos
                ));
            }
            dims.push(self.uint()?);
            self.skip_ws();
            trailing_comma = self.peek() == Some(b',');
            if trailing_comma {
                self.pos += 1;
            }
        }
        // `(3)` is the integer 3 in Python, not a tuple.
        if dims.len() == 1 && !trailing_comma {
            return Err("bad header: 'shape' must be a tuple, e.g. (3,), not (3)".into());
        }
        Ok(dims)
    }
}

/// Parses the header dict. Exactly the keys `descr`, `fortran_order` and `shape` must appear,
/// each once, as NumPy requires.
fn parse_header(text: &[u8]) -> Result<Header, String> {
    let mut c = Cursor { text, pos: 0 };
    let (mut descr, mut fortran, mut shape) = (None, None, None);
    c.expect(b'{')?;
    loop {
        c.skip_ws();
        if c.peek() == Some(b'}') {
            c.pos += 1;
            break;
        }
        let key = c.string()?;
        c.expect(b':')?;
        c.skip_ws();
        let duplicate = match key.as_str() {
            "descr" => {
                let value = if c.peek() == Some(b'[') {
                    Descr::Fields(c.descr_list()?)
                } else {
                    Descr::Simple(c.string()?)
                };
                descr.replace(value).is_some()
            }
            "fortran_order" => {
                let value = match c.word() {
                    b"True" => true,
                    b"False" => false,
                    _ => return Err("bad header: 'fortran_order' must be True or False".into()),
                };
                fortran.replace(value).is_some()
            }
            "shape" => shape.replace(c.shape()?).is_some(),
            other => return Err(format!("bad header: unexpected key '{other}'")),
        };
        if duplicate {
            return Err(format!("bad header: key '{key}' appears twice"));
        }
        c.skip_ws();
        match c.peek() {
            Some(b',') => c.pos += 1,
            Some(b'}') => {}
            _ => {
                return Err(format!(
                    "bad header: expected ',' or '}}' at byte {}",
                    c.pos
                ))
            }
        }
    }
    c.skip_ws();
    if c.pos != text.len() {
        return Err(format!(
            "bad header: unexpected text after the dict at byte {}",
            c.pos
        ));
    }
    let missing = |k: &str| format!("bad header: key '{k}' is missing");
    Ok(Header {
        descr: descr.ok_or_else(|| missing("descr"))?,
        fortran_order: fortran.ok_or_else(|| missing("fortran_order"))?,
        shape: shape.ok_or_else(|| missing("shape"))?,
    })
}

/// Maps a descr such as `<f4`, `>i8` or `|b1` to a dtype and whether its bytes need reversing.
fn parse_descr(descr: &str) -> Result<(DType, ByteOrder), String> {
    let (order, code) = match descr.as_bytes().first() {
        Some(b'<') => (Some(false), &descr[1..]),
        Some(b'>') => (Some(true), &descr[1..]),
        Some(b'|' | b'=') => (None, &descr[1..]),
        _ => (None, descr),
    };
    let dtype = match code {
        "b1" | "?" => DType::Bool,
        "i1" => DType::I8,
        "i2" => DType::I16,
        "i4" => DType::I32,
        "i8" => DType::I64,
        "u1" => DType::U8,
        "u2" => DType::U16,
        "u4" => DType::U32,
        "u8" => DType::U64,
        "f4" => DType::F32,
        "f8" => DType::F64,
        "c8" => DType::C64,
        "c16" => DType::C128,
        _ => {
            return Err(format!(
                "unsupported dtype '{descr}' (numcrane reads bool, int8..int64, uint8..uint64, \
                 float32, float64, complex64 and complex128)"
            ))
        }
    };
    let big_endian_host = cfg!(target_endian = "big");
    let order = match order {
        Some(file_big) if file_big != big_endian_host => ByteOrder::Swapped,
        _ => ByteOrder::Native,
    };
    Ok((dtype, order))
}

/// Element types that can be decoded from their native-endian bytes.
trait FromNeBytes: Element {
    /// How many numbers one element holds (2 for complex: real and imaginary part, each
    /// byte-swapped on its own in a file of the other byte order).
    const PARTS: usize = 1;
    /// Decodes one element from exactly `size_of::<Self>()` bytes.
    fn from_ne(bytes: &[u8]) -> Self;
}

impl FromNeBytes for bool {
    fn from_ne(bytes: &[u8]) -> Self {
        // Any nonzero byte is true, as in NumPy; storing it as 1 keeps the buffer's promise
        // that bool elements hold only 0 or 1.
        bytes.first().is_some_and(|&b| b != 0)
    }
}

macro_rules! from_ne_bytes {
    ($($t:ty),*) => { $(
        impl FromNeBytes for $t {
            fn from_ne(bytes: &[u8]) -> Self {
                let mut raw = [0u8; std::mem::size_of::<$t>()];
                let n = raw.len().min(bytes.len());
                raw[..n].copy_from_slice(&bytes[..n]);
                <$t>::from_ne_bytes(raw)
            }
        }
    )* };
}
from_ne_bytes!(i8, i16, i32, i64, u8, u16, u32, u64, f32, f64);

/// Decodes the field at byte `offset` of every `itemsize`-byte record of `data` into a new
/// buffer (a short last record, impossible after the size checks, is left out).
fn fill_strided<T: FromNeBytes>(
    data: &[u8],
    itemsize: usize,
    offset: usize,
    swap: bool,
) -> Result<Buffer> {
    let size = std::mem::size_of::<T>();
    let mut buffer = Buffer::zeros(T::DTYPE, data.len() / itemsize.max(1), OP)?;
    let out = buffer.as_mut_slice::<T>()?;
    // 16 bytes: a complex128 field (it panicked on a big-endian one with 8)
    let mut scratch = [0u8; 16];
    for (dst, record) in out.iter_mut().zip(data.chunks_exact(itemsize.max(1))) {
        let Some(chunk) = record.get(offset..offset + size) else {
            continue;
        };
        *dst = if swap {
            let tmp = &mut scratch[..size];
            tmp.copy_from_slice(chunk);
            // each part of a complex value is swapped on its own, as in `fill`
            for part in tmp.chunks_exact_mut(size / T::PARTS) {
                part.reverse();
            }
            T::from_ne(tmp)
        } else {
            T::from_ne(chunk)
        };
    }
    Ok(buffer)
}

macro_rules! complex_from_ne_bytes {
    ($($c:ident : $t:ty),*) => { $(
        impl FromNeBytes for numcrane_graph::$c {
            const PARTS: usize = 2;
            fn from_ne(bytes: &[u8]) -> Self {
                let half = std::mem::size_of::<$t>();
                let part = |i: usize| <$t>::from_ne(bytes.get(i * half..(i + 1) * half).unwrap_or(&[]));
                numcrane_graph::$c::new(part(0), part(1))
            }
        }
    )* };
}
complex_from_ne_bytes!(Complex32: f32, Complex64: f64);

/// Decodes `data` (a whole number of elements, checked by the caller) into a new buffer.
fn fill<T: FromNeBytes>(data: &[u8], swap: bool) -> Result<Buffer> {
    let itemsize = std::mem::size_of::<T>();
    let mut buffer = Buffer::zeros(T::DTYPE, data.len() / itemsize, OP)?;
    let out = buffer.as_mut_slice::<T>()?;
    let mut scratch = [0u8; 16];
    for (dst, chunk) in out.iter_mut().zip(data.chunks_exact(itemsize)) {
        *dst = if swap {
            let tmp = &mut scratch[..itemsize];
            tmp.copy_from_slice(chunk);
            for part in tmp.chunks_exact_mut(itemsize / T::PARTS) {
                part.reverse();
            }
            T::from_ne(tmp)
        } else {
            T::from_ne(chunk)
        };
    }
    Ok(buffer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use numcrane_graph::with_dtype;

    /// Native-endian bytes of a slice of elements.
    fn ne_bytes<T: Element + ToNe>(values: &[T]) -> Vec<u8> {
        values.iter().flat_map(|v| v.to_ne()).collect()
    }

    trait ToNe {
        fn to_ne(&self) -> Vec<u8>;
    }
    impl ToNe for bool {
        fn to_ne(&self) -> Vec<u8> {
            vec![*self as u8]
        }
    }
    macro_rules! to_ne {
        ($($t:ty),*) => { $( impl ToNe for $t {
            fn to_ne(&self) -> Vec<u8> { self.to_ne_bytes().to_vec() }
        } )* };
    }
    to_ne!(i8, i16, i32, i64, u8, u16, u32, u64, f32, f64);
    impl ToNe for numcrane_graph::Complex32 {
        fn to_ne(&self) -> Vec<u8> {
            [self.re.to_ne_bytes(), self.im.to_ne_bytes()].concat()
        }
    }
    impl ToNe for numcrane_graph::Complex64 {
        fn to_ne(&self) -> Vec<u8> {
            [self.re.to_ne_bytes(), self.im.to_ne_bytes()].concat()
        }
    }

    /// Builds a file by hand from a header text and data bytes, as version (major, 0).
    fn file(major: u8, header: &str, data: &[u8]) -> Vec<u8> {
        let mut out = MAGIC.to_vec();
        out.extend_from_slice(&[major, 0]);
        if major == 1 {
            out.extend_from_slice(&(header.len() as u16).to_le_bytes());
        } else {
            out.extend_from_slice(&(header.len() as u32).to_le_bytes());
        }
        out.extend_from_slice(header.as_bytes());
        out.extend_from_slice(data);
        out
    }

    fn read_values<T: Element>(bytes: &[u8]) -> (Vec<T>, Layout) {
        let (buf, layout) = read_npy_bytes(bytes).expect("valid file");
        let values = buf.as_slice::<T>().unwrap();
        (layout.offsets().map(|o| values[o]).collect(), layout)
    }

    fn err_message(bytes: &[u8]) -> String {
        match read_npy_bytes(bytes) {
            Err(Error::InvalidArgument { op, message, .. }) => {
                assert_eq!(op, "load_npy");
                message
            }
            other => panic!("expected InvalidArgument, got {other:?}"),
        }
    }

    fn roundtrip<T: Element + ToNe>(values: &[T], shape: &[usize]) {
        let bytes = write_npy_bytes(T::DTYPE, shape, &ne_bytes(values));
        let header_end = bytes.len() - std::mem::size_of_val(values);
        assert_eq!(header_end % ARRAY_ALIGN, 0, "data is 64-byte aligned");
        assert_eq!(bytes[header_end - 1], b'\n');
        let (got, layout) = read_values::<T>(&bytes);
        assert_eq!(layout, Layout::contiguous(shape));
        assert_eq!(ne_bytes(&got), ne_bytes(values), "{}", T::DTYPE);
    }

    #[test]
    fn roundtrip_every_dtype() {
        roundtrip(&[true, false, true, true, false, false], &[2, 3]);
        roundtrip(&[i8::MIN, -1, 0, 1, i8::MAX], &[5]);
        roundtrip(&[i16::MIN, -2, 0, 300, i16::MAX, 7], &[3, 2]);
        roundtrip(&[i32::MIN, -1, 0, 70000, i32::MAX, 9], &[1, 2, 3]);
        roundtrip(&[i64::MIN, -1, 0, 1 << 40, i64::MAX, 3], &[6]);
        roundtrip(&[0u8, 1, 128, 255], &[2, 2]);
        roundtrip(&[0u16, 1, 40000, u16::MAX], &[4, 1]);
        roundtrip(&[0u32, 1, 3_000_000_000, u32::MAX], &[4]);
        roundtrip(&[0u64, 1, 1 << 63, u64::MAX], &[2, 1, 2]);
        roundtrip(
            &[0.0f32, -0.0, 1.5, f32::NAN, f32::INFINITY, -1e-40],
            &[2, 3],
        );
        roundtrip(
            &[0.0f64, -0.0, 1.5, f64::NAN, f64::NEG_INFINITY, 5e-324],
            &[3, 2],
        );
        roundtrip(&[42.0f64], &[]);
        roundtrip(
            &[
                numcrane_graph::Complex32::new(1.5, -2.0),
                numcrane_graph::Complex32::new(f32::NAN, f32::INFINITY),
            ],
            &[2],
        );
        roundtrip(
            &[
                numcrane_graph::Complex64::new(-0.0, 5e-324),
                numcrane_graph::Complex64::new(1e300, -1.0),
                numcrane_graph::Complex64::new(0.25, 0.5),
            ],
            &[3, 1],
        );
        roundtrip::<f32>(&[], &[0]);
        roundtrip::<i32>(&[], &[3, 0, 2]);
    }

    #[test]
    fn writer_matches_numpy_bytes() {
        // np.save of np.arange(3, dtype='<i4'): header of 118 bytes, data at offset 128.
        let bytes = write_npy_bytes(DType::I32, &[3], &ne_bytes(&[0i32, 1, 2]));
        let mut expected = MAGIC.to_vec();
        expected.extend_from_slice(&[1, 0, 118, 0]);
        let header = "{'descr': '<i4', 'fortran_order': False, 'shape': (3,), }";
        expected.extend_from_slice(header.as_bytes());
        expected.extend(std::iter::repeat_n(b' ', 118 - header.len() - 1));
        expected.push(b'\n');
        expected.extend_from_slice(&[0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0]);
        assert_eq!(bytes, expected);

        // A 0-d array has no growth padding; np.save gives 128 header bytes here too.
        let bytes = write_npy_bytes(DType::F64, &[], &ne_bytes(&[1.0f64]));
        assert_eq!(bytes.len(), 128 + 8);
        let header = b"{'descr': '<f8', 'fortran_order': False, 'shape': (), }";
        assert_eq!(&bytes[10..10 + header.len()], header.as_slice());
    }

    #[test]
    fn reads_every_version() {
        let data = ne_bytes(&[1.0f64, 2.0]);
        let header = "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }\n";
        for major in [1, 2, 3] {
            let (v, _) = read_values::<f64>(&file(major, header, &data));
            assert_eq!(v, vec![1.0, 2.0]);
        }
        assert!(err_message(&file(4, header, &data)).contains("version 4.0"));
    }

    #[test]
    fn reads_big_endian() {
        let mut data = Vec::new();
        for v in [1i32, -2, 70000] {
            data.extend_from_slice(&v.to_be_bytes());
        }
        let header = "{'descr': '>i4', 'fortran_order': False, 'shape': (3,), }";
        let (v, _) = read_values::<i32>(&file(1, header, &data));
        assert_eq!(v, vec![1, -2, 70000]);

        let data: Vec<u8> = [1.5f64, f64::NEG_INFINITY]
            .iter()
            .flat_map(|v| v.to_be_bytes())
            .collect();
        let header = "{'descr': '>f8', 'fortran_order': False, 'shape': (2,), }";
        let (v, _) = read_values::<f64>(&file(1, header, &data));
        assert_eq!(v, vec![1.5, f64::NEG_INFINITY]);

        // Complex: each part byte-swapped on its own, real part first (NumPy's '>c16').
        let data: Vec<u8> = [1.5f64, -2.25, 3.0, f64::INFINITY]
            .iter()
            .flat_map(|v| v.to_be_bytes())
            .collect();
        let header = "{'descr': '>c16', 'fortran_order': False, 'shape': (2,), }";
        let (v, _) = read_values::<numcrane_graph::Complex64>(&file(1, header, &data));
        assert_eq!(
            v,
            vec![
                numcrane_graph::Complex64::new(1.5, -2.25),
                numcrane_graph::Complex64::new(3.0, f64::INFINITY)
            ]
        );
        let data: Vec<u8> = [0.5f32, -1.0]
            .iter()
            .flat_map(|v| v.to_be_bytes())
            .collect();
        let header = "{'descr': '>c8', 'fortran_order': False, 'shape': (1,), }";
        let (v, _) = read_values::<numcrane_graph::Complex32>(&file(1, header, &data));
        assert_eq!(v, vec![numcrane_graph::Complex32::new(0.5, -1.0)]);

        let data: Vec<u8> = [7u16, 65000].iter().flat_map(|v| v.to_le_bytes()).collect();
        let header = "{'descr': '<u2', 'fortran_order': False, 'shape': (2,), }";
        let (v, _) = read_values::<u16>(&file(1, header, &data));
        assert_eq!(v, vec![7, 65000]);
    }

    #[test]
    fn reads_fortran_order() {
        // np.asfortranarray(np.arange(6).reshape(2, 3)) stores 0 3 1 4 2 5.
        let data = ne_bytes(&[0i64, 3, 1, 4, 2, 5]);
        let header = "{'descr': '<i8', 'fortran_order': True, 'shape': (2, 3), }";
        let (v, layout) = read_values::<i64>(&file(1, header, &data));
        assert_eq!(layout.shape, vec![2, 3]);
        assert_eq!(layout.strides, vec![1, 2]);
        assert_eq!(v, vec![0, 1, 2, 3, 4, 5]);

        // Three axes: element (i, j, k) sits at i + 2 j + 6 k.
        let shape = [2usize, 3, 4];
        let mut data = vec![0i32; 24];
        for i in 0..2 {
            for j in 0..3 {
                for k in 0..4 {
                    data[i + 2 * j + 6 * k] = (i * 100 + j * 10 + k) as i32;
                }
            }
        }
        let header = "{'descr': '<i4', 'fortran_order': True, 'shape': (2, 3, 4), }";
        let (v, layout) = read_values::<i32>(&file(1, header, &ne_bytes(&data)));
        assert_eq!(layout.shape, shape);
        let expected: Vec<i32> = (0..2)
            .flat_map(|i| (0..3).flat_map(move |j| (0..4).map(move |k| i * 100 + j * 10 + k)))
            .collect();
        assert_eq!(v, expected);
    }

    #[test]
    fn accepts_header_variants() {
        let data = ne_bytes(&[1u8, 2, 3, 4]);
        for header in [
            "{\"descr\": \"|u1\", \"fortran_order\": False, \"shape\": (2, 2)}",
            "{'shape': (2,2,), 'fortran_order': False, 'descr': 'u1'}\n",
            "  { 'descr' : '|u1' , 'fortran_order' : False , 'shape' : ( 2L , 2L ) , }   \n",
        ] {
            let (v, layout) = read_values::<u8>(&file(1, header, &data));
            assert_eq!(layout.shape, vec![2, 2], "{header}");
            assert_eq!(v, vec![1, 2, 3, 4]);
        }
        let header = "{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }";
        let (v, _) = read_values::<bool>(&file(1, header, &[0, 1, 7]));
        assert_eq!(v, vec![false, true, true]);
        let header = "{'descr': '<f4', 'fortran_order': False, 'shape': (), }";
        let (v, layout) = read_values::<f32>(&file(1, header, &ne_bytes(&[2.5f32])));
        assert_eq!((v, layout.shape), (vec![2.5], vec![]));
    }

    #[test]
    fn rejects_malformed_files() {
        let ok = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }";
        let data = ne_bytes(&[1.0f32, 2.0]);
        assert!(err_message(b"").contains("magic"));
        assert!(err_message(b"\x93NUMPX\x01\x00").contains("magic"));
        assert!(err_message(b"\x93NUMPY").contains("truncated"));
        assert!(err_message(b"\x93NUMPY\x01\x00\x10").contains("truncated"));
        assert!(err_message(b"\x93NUMPY\x02\x00\x10\x00").contains("truncated"));
        assert!(err_message(b"\x93NUMPY\x01\x00\xff\x00{'descr'").contains("truncated"));
        let whole = file(1, ok, &data);
        for cut in 0..whole.len() {
            // Every prefix is an error, never a panic.
            assert!(read_npy_bytes(&whole[..cut]).is_err(), "prefix {cut}");
        }

        let bad = |header: &str| err_message(&file(1, header, &data));
        assert!(bad("").contains("expected '{'"));
        assert!(bad("{'descr': '<f4', 'fortran_order': False}").contains("'shape' is missing"));
        assert!(bad("{'descr': '<f4', 'fortran_order': 0, 'shape': (2,)}").contains("True or"));
        assert!(bad("{'descr': '<f4', 'fortran_order': False, 'shape': (2)}").contains("tuple"));
        assert!(bad("{'descr': '<f4', 'fortran_order': False, 'shape': [2]}").contains("tuple"));
        assert!(
            bad("{'descr': '<f4', 'fortran_order': False, 'shape': (-2,)}").contains("integer")
        );
        assert!(
            bad("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': 1}")
                .contains("unexpected key")
        );
        assert!(
            bad("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2,)}")
                .contains("twice")
        );
        assert!(
            bad("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), } x")
                .contains("after the dict")
        );
        assert!(
            bad("{'descr': '<f4, 'fortran_order': False, 'shape': (2,)}").contains("bad header")
        );
        assert!(bad("{'descr': '<f4' 'fortran_order': False, 'shape': (2,)}").contains("expected"));
        assert!(
            bad("{'descr': '<f2', 'fortran_order': False, 'shape': (2,)}")
                .contains("unsupported dtype '<f2'")
        );
        assert!(
            bad("{'descr': '<c32', 'fortran_order': False, 'shape': (2,)}")
                .contains("unsupported dtype")
        );
        assert!(
            bad("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,)}")
                .contains("structured")
        );
        assert!(
            bad("{'descr': '<f4', 'fortran_order': False, 'shape': (3,)}").contains("mismatch")
        );
        assert!(
            bad("{'descr': '<f4', 'fortran_order': False, 'shape': (1,)}").contains("mismatch")
        );
        assert!(bad(
            "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999999,)}"
        )
        .contains("usize"));
        let huge = format!(
            "{{'descr': '<f4', 'fortran_order': False, 'shape': ({0}, {0}, {0}), }}",
            1u64 << 30
        );
        assert!(bad(&huge).contains("too many elements"));
        let huge_empty = format!(
            "{{'descr': '<f4', 'fortran_order': False, 'shape': (0, {0}, {0}), }}",
            1u64 << 40
        );
        assert!(err_message(&file(1, &huge_empty, &[])).contains("too large"));
    }

    #[test]
    fn read_write_agree_for_all_dtypes() {
        for dtype in DType::ALL {
            let bytes = vec![1u8; dtype.itemsize() * 6];
            let file = write_npy_bytes(dtype, &[3, 2], &bytes);
            let (buf, layout) = read_npy_bytes(&file).unwrap();
            assert_eq!(buf.dtype(), dtype);
            assert_eq!(layout.shape, vec![3, 2]);
            with_dtype!(dtype, T => assert_eq!(buf.as_slice::<T>().unwrap().len(), 6));
        }
    }
}
