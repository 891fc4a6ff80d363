//! Delimited text: NumPy's `np.loadtxt`, `np.genfromtxt` and `np.savetxt`.
//!
//! Reading splits the file into lines, drops the skipped ones, cuts comments, splits each
//! line into fields (on a delimiter, or on runs of whitespace) and converts the fields of
//! chunks of rows in parallel (rayon); a conversion error names the 1-based line and column
//! of the file, and the first one in file order is the one reported. Numbers are parsed with
//! the standard library's correctly rounded parsers (`str::parse`), which accept what NumPy's
//! own parser accepts for the common cases (`1.5`, `-2e-3`, `inf`, `nan`), surrounding
//! whitespace trimmed. Complex fields follow NumPy's loadtxt parser: `1.5`, `2j`, `1+2j`,
//! `1-2j`, `inf+nanj`, optionally in parentheses (parts parsed as float64, rounded once for
//! complex64).
//!
//! [`loadtxt`] refuses missing or malformed values; [`genfromtxt`] turns them into a filling
//! value (NaN for floats, -1 for integers, as NumPy). Both shape the result as NumPy does:
//! rows x columns, with length-1 axes squeezed and then `ndmin` dimensions ensured.
//!
//! [`savetxt`] writes 1-D (one value per line) and 2-D arrays with a printf-style format
//! (NumPy's default `%.18e`), formatting numbers as Python's `%` operator does: the
//! conversions `d i u e E f F g G s`, flags `- + space 0 #`, width and precision. Complex
//! arrays are written as NumPy writes them (` (re+imj)` per value, see [`savetxt`]).

use crate::{Array, RecordArray, RecordDescr};
use numcrane_graph::{DType, Element, Error, Result, Scalar, SourceLocation};
use rayon::prelude::*;
use std::borrow::Cow;
use std::path::Path;
use std::sync::Arc;

/// Options of [`loadtxt`] (NumPy's keyword arguments of the same names).
#[derive(Clone, Debug)]
pub struct LoadTxt {
    /// The field separator; `None` (the default) splits on runs of whitespace.
    pub delimiter: Option<String>,
    /// Comment markers: a line is cut at the first of them. Default `["#"]`.
    pub comments: Vec<String>,
    /// Lines skipped at the start of the file, comments and blank lines included.
    pub skiprows: usize,
    /// The columns to read (negative counts from the end); all of them when `None`.
    pub usecols: Option<Vec<isize>>,
    /// The dtype of the result. Default float64.
    pub dtype: DType,
    /// Read at most this many rows of data (blank and comment lines do not count).
    pub max_rows: Option<usize>,
    /// The result has at least this many dimensions (0, 1 or 2).
    pub ndmin: usize,
    /// NumPy 2's `quotechar`: a field that starts with it runs to the matching one, and may
    /// hold the delimiter and comment markers; a doubled quote inside stands for one quote.
    /// `None` (the default) turns quoting off.
    pub quotechar: Option<char>,
    /// NumPy's `converters`: a function per file column (index, negative from the end) that
    /// turns the field's text into a number, used instead of the dtype's parser. Its value
    /// must fit the column's dtype exactly (an integer for integer dtypes).
    pub converters: Vec<(isize, Converter)>,
}

impl Default for LoadTxt {
    fn default() -> Self {
        LoadTxt {
            delimiter: None,
            comments: vec!["#".to_string()],
            skiprows: 0,
            usecols: None,
            dtype: DType::F64,
            max_rows: None,
            ndmin: 0,
            quotechar: None,
            converters: Vec::new(),
        }
    }
}

/// A per-column text converter for [`LoadTxt::converters`]: the field's text (trimmed) to a
/// number, or an error message (reported with the line and column).
#[derive(Clone)]
pub struct Converter(Arc<ConvertFn>);

/// The closure a [`Converter`] holds.
type ConvertFn = dyn Fn(&str) -> std::result::Result<f64, String> + Send + Sync;

impl Converter {
    /// Wraps a closure.
    ///
    /// ```
    /// use numcrane::io::{loadtxt, Converter, LoadTxt};
    /// let path = std::env::temp_dir().join(format!("doc-conv-{}.csv", std::process::id()));
    /// std::fs::write(&path, "1,50%\n2,7.5%\n").unwrap();
    /// let percent = Converter::new(|s| {
    ///     let v: f64 = s.trim_end_matches('%').parse().map_err(|e| format!("{e}"))?;
    ///     Ok(v / 100.0)
    /// });
    /// let opts = LoadTxt { delimiter: Some(",".into()), converters: vec![(1, percent)], ..Default::default() };
    /// assert_eq!(loadtxt(&path, &opts).unwrap().to_vec::<f64>().unwrap(), vec![1.0, 0.5, 2.0, 0.075]);
    /// # std::fs::remove_file(&path).unwrap();
    /// ```
    pub fn new(
        f: impl Fn(&str) -> std::result::Result<f64, String> + Send + Sync + 'static,
    ) -> Self {
        Converter(Arc::new(f))
    }
}

impl std::fmt::Debug for Converter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Converter(..)")
    }
}

/// A column of the result named in a per-column option: its position among the columns read
/// (after `usecols`; negative from the end) or its name (with `names`), as the keys of
/// NumPy's `missing_values` and `filling_values` dicts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Column {
    /// Position among the columns read.
    Index(isize),
    /// Name from the header line (or the dtype).
    Name(String),
}

impl From<isize> for Column {
    fn from(i: isize) -> Self {
        Column::Index(i)
    }
}

impl From<i32> for Column {
    fn from(i: i32) -> Self {
        Column::Index(i as isize)
    }
}

impl From<&str> for Column {
    fn from(n: &str) -> Self {
        Column::Name(n.to_string())
    }
}

/// Options of [`genfromtxt`] (NumPy's keyword arguments of the same names).
#[derive(Clone, Debug)]
pub struct GenFromTxt {
    /// The field separator; `None` (the default) splits on runs of whitespace.
    pub delimiter: Option<String>,
    /// Comment markers: a line is cut at the first of them. Default `["#"]`.
    pub comments: Vec<String>,
    /// Lines skipped at the start of the file.
    pub skip_header: usize,
    /// Rows of data dropped at the end.
    pub skip_footer: usize,
    /// The columns to read (negative counts from the end); all of them when `None`.
    pub usecols: Option<Vec<isize>>,
    /// The first line after `skip_header` (which may start with a comment marker) holds the
    /// column names: it is not data. [`genfromtxt_names`] returns the names.
    pub names: bool,
    /// Field texts that mean "missing" besides the empty field.
    pub missing_values: Vec<String>,
    /// The value of missing and unconvertible fields; `None` means NumPy's default (NaN for
    /// floats, -1 for integers, true for bool).
    pub filling_values: Option<f64>,
    /// Missing markers of single columns, added to `missing_values` there (NumPy's
    /// `missing_values={col: ...}`).
    pub missing_values_by_column: Vec<(Column, Vec<String>)>,
    /// Filling values of single columns, over `filling_values` there (NumPy's
    /// `filling_values={col: ...}` or a list).
    pub filling_values_by_column: Vec<(Column, f64)>,
    /// The dtype of the result. Default float64.
    pub dtype: DType,
    /// Read at most this many rows of data.
    pub max_rows: Option<usize>,
    /// The result has at least this many dimensions (0, 1 or 2).
    pub ndmin: usize,
}

impl Default for GenFromTxt {
    fn default() -> Self {
        GenFromTxt {
            delimiter: None,
            comments: vec!["#".to_string()],
            skip_header: 0,
            skip_footer: 0,
            usecols: None,
            names: false,
            missing_values: Vec::new(),
            filling_values: None,
            missing_values_by_column: Vec::new(),
            filling_values_by_column: Vec::new(),
            dtype: DType::F64,
            max_rows: None,
            ndmin: 0,
        }
    }
}

/// Options of [`savetxt`] (NumPy's keyword arguments of the same names).
#[derive(Clone, Debug)]
pub struct SaveTxt {
    /// A format for one value (repeated for each column, joined by `delimiter`) or for a whole
    /// row (one `%` conversion per column). Default `%.18e`.
    pub fmt: String,
    /// Between the columns. Default a space.
    pub delimiter: String,
    /// After each row. Default `\n`.
    pub newline: String,
    /// Written first, each of its lines after `comments`, when not empty.
    pub header: String,
    /// Written last, each of its lines after `comments`, when not empty.
    pub footer: String,
    /// Before the header and footer lines. Default `# `.
    pub comments: String,
}

impl Default for SaveTxt {
    fn default() -> Self {
        SaveTxt {
            fmt: "%.18e".to_string(),
            delimiter: " ".to_string(),
            newline: "\n".to_string(),
            header: String::new(),
            footer: String::new(),
            comments: "# ".to_string(),
        }
    }
}

/// Reads a delimited text file of numbers into an array (NumPy's `np.loadtxt`).
///
/// Errors with `Error::InvalidArgument { op: "loadtxt", .. }` naming the file, and the line
/// and column for a field that does not convert (`line 7, column 3: could not convert 'abc'
/// to float64`) or a row whose number of columns differs from the first row's.
///
/// ```
/// use numcrane::io::{loadtxt, LoadTxt};
/// let path = std::env::temp_dir().join(format!("doc-loadtxt-{}.csv", std::process::id()));
/// std::fs::write(&path, "# x,y\n1,2.5\n3,4.5\n").unwrap();
/// let opts = LoadTxt { delimiter: Some(",".into()), ..Default::default() };
/// let a = loadtxt(&path, &opts).unwrap();
/// assert_eq!(a.shape(), &[2, 2]);
/// assert_eq!(a.to_vec::<f64>().unwrap(), vec![1.0, 2.5, 3.0, 4.5]);
/// # std::fs::remove_file(&path).unwrap();
/// ```
#[track_caller]
pub fn loadtxt(path: impl AsRef<Path>, opts: &LoadTxt) -> Result<Array> {
    let location = SourceLocation::caller();
    let path = path.as_ref();
    let text = read_text(path, "loadtxt", location)?;
    let fail = |m: String| Error::invalid("loadtxt", format!("{}: {m}", path.display()), location);
    let (lines, cfgs) = loadtxt_prepare(&text, opts).map_err(fail)?;
    build(&lines, &cfgs, opts.dtype, opts.ndmin, Mode::Refuse).map_err(fail)
}

/// The data lines loadtxt reads and the configuration of each column it keeps.
fn loadtxt_prepare<'a>(
    text: &'a str,
    opts: &'a LoadTxt,
) -> std::result::Result<(Vec<Line<'a>>, Vec<ColCfg>), String> {
    let lines = data_lines(
        text,
        opts.skiprows,
        &opts.comments,
        opts.delimiter.as_deref(),
        opts.quotechar,
    );
    let mut lines: Vec<Line<'_>> = match opts.max_rows {
        Some(n) => lines.take(n).collect(),
        None => lines.collect(),
    };
    let cols = select_columns(&mut lines, opts.usecols.as_deref(), true)?;
    let width = lines.first().map_or(0, |l| l.fields.len());
    let cfgs = cols
        .iter()
        .map(|&c| {
            // Converter keys are file columns, negative from the end of the first row.
            let converter = opts
                .converters
                .iter()
                .rev()
                .find(|(k, _)| resolve_index(*k, width) == Some(c))
                .map(|(_, f)| f.clone());
            ColCfg {
                col: c,
                markers: Vec::new(),
                fill: None,
                converter,
            }
        })
        .collect();
    Ok((lines, cfgs))
}

/// Reads a delimited text file into a structured array, one field per column read (NumPy's
/// `np.loadtxt(path, dtype=[(name, dtype), ...])`): `fields` gives each column's name and
/// dtype, in the order of the columns read (after `usecols`). The result is 1-D (0-d for a
/// single row unless `ndmin` asks for more, as NumPy). The options are [`loadtxt`]'s, whose
/// `dtype` is ignored here.
///
/// Errors as [`loadtxt`], and when the number of fields differs from the number of columns.
///
/// ```
/// use numcrane::io::{loadtxt_record, LoadTxt};
/// use numcrane::DType;
/// let path = std::env::temp_dir().join(format!("doc-loadtxtrec-{}.csv", std::process::id()));
/// std::fs::write(&path, "1,2.5\n3,4.5\n").unwrap();
/// let opts = LoadTxt { delimiter: Some(",".into()), ..Default::default() };
/// let rec = loadtxt_record(&path, &opts, &[("id", DType::I64), ("w", DType::F64)]).unwrap();
/// assert_eq!(rec.field("id").to_vec::<i64>().unwrap(), vec![1, 3]);
/// assert_eq!(rec.field("w").to_vec::<f64>().unwrap(), vec![2.5, 4.5]);
/// # std::fs::remove_file(&path).unwrap();
/// ```
#[track_caller]
pub fn loadtxt_record(
    path: impl AsRef<Path>,
    opts: &LoadTxt,
    fields: &[(&str, DType)],
) -> Result<RecordArray> {
    let location = SourceLocation::caller();
    let path = path.as_ref();
    let text = read_text(path, "loadtxt", location)?;
    let fail = |m: String| Error::invalid("loadtxt", format!("{}: {m}", path.display()), location);
    let (lines, cfgs) = loadtxt_prepare(&text, opts).map_err(fail)?;
    if !lines.is_empty() && fields.len() != cfgs.len() {
        return Err(fail(format!(
            "the dtype has {} fields but {} columns are read",
            fields.len(),
            cfgs.len()
        )));
    }
    let names: Vec<String> = fields.iter().map(|(n, _)| n.to_string()).collect();
    let dtypes: Vec<DType> = fields.iter().map(|(_, d)| *d).collect();
    build_record(&lines, &cfgs, &names, &dtypes, opts.ndmin, Mode::Refuse).map_err(fail)
}

/// Reads a delimited text file of numbers, filling missing and malformed fields (NumPy's
/// `np.genfromtxt` for a plain, non-structured dtype).
///
/// ```
/// use numcrane::io::{genfromtxt, GenFromTxt};
/// let path = std::env::temp_dir().join(format!("doc-genfromtxt-{}.csv", std::process::id()));
/// std::fs::write(&path, "1,,3\n4,abc,6\n").unwrap();
/// let opts = GenFromTxt { delimiter: Some(",".into()), ..Default::default() };
/// let a = genfromtxt(&path, &opts).unwrap().to_vec::<f64>().unwrap();
/// assert!(a[1].is_nan() && a[4].is_nan());
/// assert_eq!((a[0], a[5]), (1.0, 6.0));
/// # std::fs::remove_file(&path).unwrap();
/// ```
#[track_caller]
pub fn genfromtxt(path: impl AsRef<Path>, opts: &GenFromTxt) -> Result<Array> {
    Ok(genfromtxt_at(path.as_ref(), opts, SourceLocation::caller())?.1)
}

/// As [`genfromtxt`], also returning the column names read from the header line when
/// `opts.names` is true (empty otherwise). NumPy would return a structured array; numcrane
/// returns the names beside a plain 2-D array whose columns follow them.
///
/// ```
/// use numcrane::io::{genfromtxt_names, GenFromTxt};
/// let path = std::env::temp_dir().join(format!("doc-gfnames-{}.txt", std::process::id()));
/// std::fs::write(&path, "# a b\n1 2\nNA 4\n").unwrap();
/// let opts = GenFromTxt { names: true, missing_values: vec!["NA".into()], ..Default::default() };
/// let (names, a) = genfromtxt_names(&path, &opts).unwrap();
/// assert_eq!(names, ["a", "b"]);
/// assert!(a.to_vec::<f64>().unwrap()[2].is_nan());
/// # std::fs::remove_file(&path).unwrap();
/// ```
#[track_caller]
pub fn genfromtxt_names(path: impl AsRef<Path>, opts: &GenFromTxt) -> Result<(Vec<String>, Array)> {
    genfromtxt_at(path.as_ref(), opts, SourceLocation::caller())
}

fn genfromtxt_at(
    path: &Path,
    opts: &GenFromTxt,
    location: SourceLocation,
) -> Result<(Vec<String>, Array)> {
    let text = read_text(path, "genfromtxt", location)?;
    let fail =
        |m: String| Error::invalid("genfromtxt", format!("{}: {m}", path.display()), location);
    let (names, lines, cfgs) = genfromtxt_prepare(&text, opts).map_err(fail)?;
    let array = build(&lines, &cfgs, opts.dtype, opts.ndmin, Mode::Fill).map_err(fail)?;
    Ok((names, array))
}

/// The header names (empty without `names`), the data lines and each column's configuration.
type Prepared<'a> = (Vec<String>, Vec<Line<'a>>, Vec<ColCfg>);

/// The header names (empty without `names`), the data lines and each column's configuration
/// for genfromtxt.
fn genfromtxt_prepare<'a>(
    text: &'a str,
    opts: &'a GenFromTxt,
) -> std::result::Result<Prepared<'a>, String> {
    let mut lines: Vec<Line<'_>> = data_lines(
        text,
        opts.skip_header,
        &opts.comments,
        opts.delimiter.as_deref(),
        None,
    )
    .collect();
    let mut names = Vec::new();
    if opts.names {
        // The header line: the first line after skip_header even if it is a comment, so it
        // is looked up in the raw text rather than among the data lines.
        let header = text
            .lines()
            .skip(opts.skip_header)
            .map(|l| {
                let t = l.trim();
                opts.comments
                    .iter()
                    .filter(|c| !c.is_empty())
                    .find_map(|c| t.strip_prefix(c.as_str()))
                    .unwrap_or(t)
            })
            .enumerate()
            .find(|(_, l)| !l.trim().is_empty());
        if let Some((offset, header)) = header {
            let header_line = opts.skip_header + offset + 1;
            names = split_fields(header, opts.delimiter.as_deref(), None)
                .into_iter()
                .map(|n| n.trim().replace(' ', "_"))
                .collect();
            lines.retain(|l| l.number > header_line);
        }
    }
    let keep = lines.len().saturating_sub(opts.skip_footer);
    lines.truncate(keep);
    if let Some(n) = opts.max_rows {
        lines.truncate(n);
    }
    let cols = select_columns(&mut lines, opts.usecols.as_deref(), false)?;
    if opts.names && !names.is_empty() {
        names = cols
            .iter()
            .map(|&c| names.get(c).cloned().unwrap_or_else(|| format!("f{c}")))
            .collect();
    }
    let n = cols.len();
    let matches = |key: &Column, j: usize| match key {
        Column::Index(i) => resolve_index(*i, n) == Some(j),
        Column::Name(name) => names.get(j) == Some(name),
    };
    let cfgs = cols
        .iter()
        .enumerate()
        .map(|(j, &c)| {
            let mut markers = opts.missing_values.clone();
            for (key, m) in &opts.missing_values_by_column {
                if matches(key, j) {
                    markers.extend(m.iter().cloned());
                }
            }
            let fill = opts
                .filling_values_by_column
                .iter()
                .rev()
                .find(|(key, _)| matches(key, j))
                .map(|(_, v)| *v)
                .or(opts.filling_values);
            ColCfg {
                col: c,
                markers,
                fill,
                converter: None,
            }
        })
        .collect();
    Ok((names, lines, cfgs))
}

/// Reads a delimited text file into a structured array, one field per column read (NumPy's
/// `np.genfromtxt` with a structured `dtype`, or `dtype=None`).
///
/// `fields: Some(list)` gives each column's name and dtype; `None` infers each column's dtype
/// as NumPy's `dtype=None` does from its non-missing fields: bool if all are `True`/`False`
/// (any case), else int64 if all are integers, else float64 if all are numbers (an all-missing
/// column is bool). Text columns are not supported: an error names the column and the first
/// field that is not a number. Names come from the header line with `opts.names` (over the
/// list's), else from the list, else `f0`, `f1`, ... Missing and malformed fields are filled
/// as [`genfromtxt`] fills them (per column with `missing_values_by_column` and
/// `filling_values_by_column`); a missing bool is false, as NumPy. The result is 1-D (0-d for
/// a single row unless `ndmin` asks for more).
///
/// ```
/// use numcrane::io::{genfromtxt_record, GenFromTxt};
/// use numcrane::DType;
/// let path = std::env::temp_dir().join(format!("doc-gfrec-{}.csv", std::process::id()));
/// std::fs::write(&path, "id,score,ok\n1,2.5,True\n2,,false\n").unwrap();
/// let opts = GenFromTxt { delimiter: Some(",".into()), names: true, ..Default::default() };
/// let rec = genfromtxt_record(&path, &opts, None).unwrap();
/// assert_eq!(rec.names(), ["id", "score", "ok"]);
/// assert_eq!(rec.field("id").dtype(), DType::I64);
/// assert!(rec.field("score").to_vec::<f64>().unwrap()[1].is_nan());
/// assert_eq!(rec.field("ok").to_vec::<bool>().unwrap(), vec![true, false]);
/// # std::fs::remove_file(&path).unwrap();
/// ```
#[track_caller]
pub fn genfromtxt_record(
    path: impl AsRef<Path>,
    opts: &GenFromTxt,
    fields: Option<&[(&str, DType)]>,
) -> Result<RecordArray> {
    let location = SourceLocation::caller();
    let path = path.as_ref();
    let text = read_text(path, "genfromtxt", location)?;
    let fail =
        |m: String| Error::invalid("genfromtxt", format!("{}: {m}", path.display()), location);
    let (header, lines, mut cfgs) = genfromtxt_prepare(&text, opts).map_err(fail)?;
    if let Some(list) = fields {
        if !lines.is_empty() && list.len() != cfgs.len() {
            return Err(fail(format!(
                "the dtype has {} fields but {} columns are read",
                list.len(),
                cfgs.len()
            )));
        }
    }
    let n = fields.map_or(cfgs.len(), <[_]>::len);
    let names: Vec<String> = (0..n)
        .map(|j| {
            header
                .get(j)
                .cloned()
                .or_else(|| fields.map(|l| l[j].0.to_string()))
                .unwrap_or_else(|| format!("f{j}"))
        })
        .collect();
    let dtypes: Vec<DType> = match fields {
        Some(list) => list.iter().map(|(_, d)| *d).collect(),
        None => cfgs
            .iter()
            .zip(&names)
            .enumerate()
            .map(|(j, (cfg, name))| infer_dtype(&lines, cfg, j, name))
            .collect::<std::result::Result<_, _>>()
            .map_err(fail)?,
    };
    for (cfg, d) in cfgs.iter_mut().zip(&dtypes) {
        // NumPy fills a missing bool with False (its bool converter's default).
        if *d == DType::Bool && cfg.fill.is_none() {
            cfg.fill = Some(0.0);
        }
    }
    build_record(&lines, &cfgs, &names, &dtypes, opts.ndmin, Mode::Fill).map_err(fail)
}

/// NumPy's `dtype=None` guess for one column from its non-missing fields.
fn infer_dtype(
    lines: &[Line<'_>],
    cfg: &ColCfg,
    j: usize,
    name: &str,
) -> std::result::Result<DType, String> {
    let (mut saw_bool, mut saw_number, mut all_int) = (false, false, true);
    for line in lines {
        let field = line.fields.get(cfg.col).map_or("", |f| f.trim());
        if field.is_empty() || cfg.markers.iter().any(|m| m == field) {
            continue;
        }
        if field.eq_ignore_ascii_case("true") || field.eq_ignore_ascii_case("false") {
            saw_bool = true;
        } else {
            saw_number = true;
            all_int &= field.parse::<i64>().is_ok();
        }
        // Text, or bools mixed with numbers: NumPy falls back to a string dtype.
        let text = !all_int && field.parse::<f64>().is_err() && !saw_bool;
        if text || (saw_bool && saw_number) {
            return Err(format!(
                "line {}, column {} ('{name}'): '{field}' is not a number{}; text fields are not \
                 supported (NumPy would give this column a string dtype)",
                line.number,
                j + 1,
                if text {
                    ""
                } else {
                    " like the rest of the column"
                }
            ));
        }
    }
    Ok(if !saw_number {
        DType::Bool
    } else if all_int {
        DType::I64
    } else {
        DType::F64
    })
}

/// A structured array of the columns `cfgs`, field `j` named `names[j]` of dtype `dtypes[j]`.
fn build_record(
    lines: &[Line<'_>],
    cfgs: &[ColCfg],
    names: &[String],
    dtypes: &[DType],
    ndmin: usize,
    mode: Mode,
) -> std::result::Result<RecordArray, String> {
    if ndmin > 2 {
        return Err(format!("ndmin must be 0, 1 or 2, got {ndmin}"));
    }
    let shape = numpy_shape(&[lines.len(), 1], lines.is_empty(), ndmin);
    let mut arrays = Vec::with_capacity(dtypes.len());
    for (j, &dtype) in dtypes.iter().enumerate() {
        // No lines (an empty file) read no columns: each field is then empty.
        let cfg = cfgs.get(j).cloned().unwrap_or(ColCfg {
            col: j,
            markers: Vec::new(),
            fill: None,
            converter: None,
        });
        let array = numcrane_graph::with_real_dtype!(dtype, T => {
            Array::from_vec(column::<T>(lines, &cfg, mode, dtype)?, shape.clone())
        }, complex => match dtype {
            DType::C64 => Array::from_vec(
                column::<numcrane_graph::Complex32>(lines, &cfg, mode, dtype)?,
                shape.clone(),
            ),
            _ => Array::from_vec(
                column::<numcrane_graph::Complex64>(lines, &cfg, mode, dtype)?,
                shape.clone(),
            ),
        });
        arrays.push(array);
    }
    let descr = RecordDescr::packed(names.iter().map(String::as_str).zip(dtypes.iter().copied()));
    let descr = RecordDescr::new(descr.fields().to_vec(), descr.itemsize())?;
    RecordArray::with_descr(descr, arrays)
}

/// Writes a structured array as delimited text, one record per line and one column per
/// field (NumPy's `np.savetxt` of a 1-D structured array). `opts.fmt` is one format for every
/// field or one conversion per field, as in [`savetxt`].
///
/// Errors as [`savetxt`], and for a structured array that is not 1-D.
///
/// ```
/// use numcrane::io::{savetxt_record, SaveTxt};
/// use numcrane::{array, RecordArray};
/// let path = std::env::temp_dir().join(format!("doc-savetxtrec-{}.csv", std::process::id()));
/// let rec = RecordArray::from_fields([("id", array([1i64, 2])), ("w", array([0.5, 1.25]))]).unwrap();
/// let opts = SaveTxt { fmt: "%d,%.2f".into(), header: "id,w".into(), ..Default::default() };
/// savetxt_record(&path, &rec, &opts).unwrap();
/// assert_eq!(std::fs::read_to_string(&path).unwrap(), "# id,w\n1,0.50\n2,1.25\n");
/// # std::fs::remove_file(&path).unwrap();
/// ```
#[track_caller]
pub fn savetxt_record(path: impl AsRef<Path>, rec: &RecordArray, opts: &SaveTxt) -> Result<()> {
    let location = SourceLocation::caller();
    let path = path.as_ref();
    let fail = |m: String| Error::invalid("savetxt", format!("{}: {m}", path.display()), location);
    let rows = match rec.shape() {
        [n] => *n,
        s => {
            return Err(fail(format!(
                "expected a 1-D structured array, got {}-D (shape {s:?})",
                s.len()
            )))
        }
    };
    let rec = rec.eval()?;
    let columns: Vec<Vec<Value>> = rec
        .fields()
        .map(|(name, a)| {
            // NumPy writes a complex field's real part only (with a ComplexWarning): refused
            // here rather than losing the imaginary parts silently
            numcrane_graph::with_real_dtype!(a.dtype(), T => Ok(a.to_vec::<T>()?.into_iter().map(value_of).collect()),
                complex => Err(fail(format!(
                    "field '{name}' is {}: NumPy's savetxt would write only its real parts; \
                     save the real and imaginary parts as two fields (real(), imag())",
                    a.dtype()
                ))))
        })
        .collect::<Result<_>>()?;
    let cols = columns.len();
    let values: Vec<Value> = (0..rows)
        .flat_map(|r| columns.iter().map(move |c| c[r]))
        .collect();
    write_table(path, &values, rows, cols, false, opts, &fail)
}

/// Writes a 1-D or 2-D array as delimited text (NumPy's `np.savetxt`).
///
/// Errors with `Error::InvalidArgument { op: "savetxt", .. }` for an array of another number
/// of dimensions, a format with an unsupported conversion or a number of conversions that is
/// neither 1 nor the number of columns, an integer conversion of NaN or infinity, or a file
/// that cannot be written. Evaluation errors of `a` are returned as they are.
///
/// Complex arrays are written as NumPy writes them: a format with one conversion becomes
/// ` (%f+%fj)` for each value (`fmt` applied to the real and the imaginary part), a format with
/// two conversions per column is used as it is, and every `+-` in a row becomes `-`.
///
/// ```
/// use numcrane::io::{savetxt, SaveTxt};
/// let path = std::env::temp_dir().join(format!("doc-savetxt-{}.txt", std::process::id()));
/// let opts = SaveTxt { fmt: "%.2f".into(), delimiter: ",".into(), ..Default::default() };
/// savetxt(&path, &numcrane::array([[1.0, 2.5], [3.0, -4.125]]), &opts).unwrap();
/// assert_eq!(std::fs::read_to_string(&path).unwrap(), "1.00,2.50\n3.00,-4.12\n");
/// # std::fs::remove_file(&path).unwrap();
/// ```
#[track_caller]
pub fn savetxt(path: impl AsRef<Path>, a: &Array, opts: &SaveTxt) -> Result<()> {
    let location = SourceLocation::caller();
    let path = path.as_ref();
    let fail = |m: String| Error::invalid("savetxt", format!("{}: {m}", path.display()), location);
    let (rows, cols) = match a.shape() {
        [n] => (*n, 1),
        [r, c] => (*r, *c),
        s => {
            return Err(fail(format!(
                "expected a 1-D or 2-D array, got {}-D (shape {s:?})",
                s.len()
            )))
        }
    };
    let complex = a.dtype().is_complex();
    let values: Vec<Value> = numcrane_graph::with_real_dtype!(a.dtype(), T => a.to_vec::<T>()?.into_iter().map(value_of).collect(),
        // the real and the imaginary part of each value, as two values (complex64 parts
        // widen exactly, as NumPy's formatting of `number.real` does)
        complex => a
            .astype(DType::C128)
            .to_vec::<numcrane_graph::Complex64>()?
            .into_iter()
            .flat_map(|z| [Value::Float(z.re), Value::Float(z.im)])
            .collect());
    write_table(path, &values, rows, cols, complex, opts, &fail)
}

/// Formats `rows x cols` values (row-major) with `opts` and writes them to `path`. With
/// `complex`, `values` holds two parts per value (NumPy's complex `savetxt`).
fn write_table(
    path: &Path,
    values: &[Value],
    rows: usize,
    cols: usize,
    complex: bool,
    opts: &SaveTxt,
    fail: &dyn Fn(String) -> Error,
) -> Result<()> {
    let row_format = Format::parse(&opts.fmt).map_err(fail)?;
    // NumPy: one conversion is repeated per column (as ` (%f+%fj)` for complex); otherwise
    // the format needs one conversion per column (two for complex).
    let per_value = if complex { 2 } else { 1 };
    let row_format = match row_format.specs() {
        1 => {
            let each = if complex {
                format!(" ({0}+{0}j)", opts.fmt)
            } else {
                opts.fmt.clone()
            };
            let one = vec![each.as_str(); cols].join(&opts.delimiter);
            Format::parse(&one).map_err(fail)?
        }
        n if n == cols * per_value => row_format,
        n => {
            return Err(fail(format!(
                "fmt '{}' has {n} conversions for {cols} columns",
                opts.fmt
            )))
        }
    };
    let mut out = String::new();
    let commented = |text: &str| {
        format!(
            "{}{}{}",
            opts.comments,
            text.replace('\n', &format!("\n{}", opts.comments)),
            opts.newline
        )
    };
    if !opts.header.is_empty() {
        out.push_str(&commented(&opts.header));
    }
    let width = cols * per_value;
    for r in 0..rows {
        let row = values.get(r * width..(r + 1) * width).unwrap_or_default();
        if complex {
            // NumPy writes `s.replace('+-', '-')` for complex rows
            let mut line = String::new();
            row_format
                .write(row, &mut line)
                .map_err(|m| fail(format!("row {r}: {m}")))?;
            out.push_str(&line.replace("+-", "-"));
        } else {
            row_format
                .write(row, &mut out)
                .map_err(|m| fail(format!("row {r}: {m}")))?;
        }
        out.push_str(&opts.newline);
    }
    if !opts.footer.is_empty() {
        out.push_str(&commented(&opts.footer));
    }
    std::fs::write(path, out).map_err(|e| fail(format!("cannot write: {e}")))
}

fn read_text(path: &Path, op: &'static str, location: SourceLocation) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|e| {
        Error::invalid(op, format!("cannot read {}: {e}", path.display()), location)
    })?;
    String::from_utf8(bytes).map_err(|e| {
        Error::invalid(
            op,
            format!("{}: not UTF-8 text: {e}", path.display()),
            location,
        )
    })
}

/// One line of data: its 1-based number in the file and its fields (borrowed from the text,
/// or unquoted copies with `quotechar`).
struct Line<'a> {
    number: usize,
    fields: Vec<Cow<'a, str>>,
}

/// The data lines after `skip` lines: comments cut, blank lines dropped, fields split (with
/// a delimiter, empty fields are kept: loadtxt refuses them, genfromtxt fills them).
fn data_lines<'a>(
    text: &'a str,
    skip: usize,
    comments: &'a [String],
    delimiter: Option<&'a str>,
    quote: Option<char>,
) -> impl Iterator<Item = Line<'a>> + 'a {
    text.lines()
        .enumerate()
        .skip(skip)
        .filter_map(move |(i, line)| {
            let line = &line[..comment_start(line, comments, quote)];
            if line.trim().is_empty() {
                return None;
            }
            Some(Line {
                number: i + 1,
                fields: split_fields(line, delimiter, quote),
            })
        })
}

/// Where the first comment marker starts (the line's length if none); with `quote`, markers
/// inside quoted fields do not count.
fn comment_start(line: &str, comments: &[String], quote: Option<char>) -> usize {
    let markers = comments.iter().filter(|c| !c.is_empty());
    let Some(q) = quote else {
        return markers
            .filter_map(|c| line.find(c.as_str()))
            .min()
            .unwrap_or(line.len());
    };
    let mut quoted = false;
    for (i, ch) in line.char_indices() {
        if ch == q {
            // A doubled quote inside a quoted field toggles twice: it stays quoted.
            quoted = !quoted;
        } else if !quoted
            && comments
                .iter()
                .any(|c| !c.is_empty() && line[i..].starts_with(c.as_str()))
        {
            return i;
        }
    }
    line.len()
}

fn split_fields<'a>(
    line: &'a str,
    delimiter: Option<&str>,
    quote: Option<char>,
) -> Vec<Cow<'a, str>> {
    let delimiter = delimiter.filter(|d| !d.is_empty());
    let Some(q) = quote else {
        return match delimiter {
            Some(d) => line.split(d).map(Cow::Borrowed).collect(),
            None => line.split_whitespace().map(Cow::Borrowed).collect(),
        };
    };
    // NumPy 2's quoting: a quote opens a quoted part only at the start of a field (after
    // leading whitespace); inside it, a doubled quote is one quote and the closing quote
    // ends it. An unclosed quote runs to the end of the line.
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut was_quoted = false;
    let mut rest = line;
    while let Some(ch) = rest.chars().next() {
        let width = ch.len_utf8();
        if quoted {
            if ch == q {
                if rest[width..].starts_with(q) {
                    field.push(q);
                    rest = &rest[2 * width..];
                    continue;
                }
                quoted = false;
            } else {
                field.push(ch);
            }
            rest = &rest[width..];
            continue;
        }
        match delimiter {
            Some(d) if rest.starts_with(d) => {
                fields.push(Cow::Owned(std::mem::take(&mut field)));
                was_quoted = false;
                rest = &rest[d.len()..];
                continue;
            }
            None if ch.is_whitespace() => {
                if !field.is_empty() || was_quoted {
                    fields.push(Cow::Owned(std::mem::take(&mut field)));
                }
                was_quoted = false;
                rest = &rest[width..];
                continue;
            }
            _ => {}
        }
        if ch == q && field.trim().is_empty() && !was_quoted {
            field.clear();
            quoted = true;
            was_quoted = true;
        } else {
            field.push(ch);
        }
        rest = &rest[width..];
    }
    if delimiter.is_some() || !field.is_empty() || was_quoted {
        fields.push(Cow::Owned(field));
    }
    fields
}

/// `i` as a position in `0..n`, negative counting from the end.
fn resolve_index(i: isize, n: usize) -> Option<usize> {
    if i < 0 {
        n.checked_sub(i.unsigned_abs())
    } else {
        Some(i as usize).filter(|&i| i < n)
    }
}

/// The 0-based file columns to read, checked against every row. `strict` (loadtxt) also
/// requires every row to have the first row's number of columns when all are read.
fn select_columns(
    lines: &mut [Line<'_>],
    usecols: Option<&[isize]>,
    strict: bool,
) -> std::result::Result<Vec<usize>, String> {
    let Some(first) = lines.first() else {
        return Ok(Vec::new());
    };
    let width = first.fields.len();
    match usecols {
        None => {
            if let Some(bad) = lines.iter().find(|l| l.fields.len() != width) {
                return Err(if strict {
                    format!(
                        "line {}: the number of columns changed from {width} to {}; use usecols to select a subset",
                        bad.number,
                        bad.fields.len()
                    )
                } else {
                    format!(
                        "line {}: got {} columns instead of {width}",
                        bad.number,
                        bad.fields.len()
                    )
                });
            }
            Ok((0..width).collect())
        }
        Some(cols) => {
            let mut out = Vec::with_capacity(cols.len());
            for &c in cols {
                let resolved = if c < 0 {
                    width.checked_sub(c.unsigned_abs())
                } else {
                    Some(c as usize).filter(|&c| c < width)
                };
                let col = resolved.ok_or_else(|| {
                    format!(
                        "line {}: usecols index {c} is out of range for {width} columns",
                        first.number
                    )
                })?;
                out.push(col);
            }
            let need = out.iter().max().map_or(0, |m| m + 1);
            if let Some(bad) = lines.iter().find(|l| l.fields.len() < need) {
                return Err(format!(
                    "line {}: {} columns, but usecols reads column {}",
                    bad.number,
                    bad.fields.len(),
                    need
                ));
            }
            Ok(out)
        }
    }
}

/// What to do with a field that is empty, a missing marker or not a number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// loadtxt: an error naming the line and column.
    Refuse,
    /// genfromtxt: the column's filling value.
    Fill,
}

/// How one column of the result is read.
#[derive(Clone, Debug)]
struct ColCfg {
    /// The 0-based column of the file.
    col: usize,
    /// Texts meaning "missing" besides the empty field (genfromtxt).
    markers: Vec<String>,
    /// The filling value; `None` is the dtype's default.
    fill: Option<f64>,
    /// Used instead of the dtype's parser.
    converter: Option<Converter>,
}

/// Rows parsed per parallel task.
const CHUNK_ROWS: usize = 4096;

/// One field of `line` in column `cfg` as a `T`.
fn cell<T: TextElement>(
    line: &Line<'_>,
    cfg: &ColCfg,
    mode: Mode,
    dtype: DType,
) -> std::result::Result<T, String> {
    let field = line.fields.get(cfg.col).map_or("", |f| f.trim());
    let missing = mode == Mode::Fill && cfg.markers.iter().any(|m| m == field);
    let parsed = if missing {
        None
    } else if let Some(conv) = &cfg.converter {
        let v = (conv.0)(field).map_err(|m| {
            format!(
                "line {}, column {}: the converter failed on '{field}': {m}",
                line.number,
                cfg.col + 1
            )
        })?;
        Some(T::from_f64(v).ok_or_else(|| {
            format!(
                "line {}, column {}: the converter gave {v} for '{field}', which is not a {dtype}",
                line.number,
                cfg.col + 1
            )
        })?)
    } else if mode == Mode::Fill {
        T::parse_python(field)
    } else {
        T::parse_field(field)
    };
    match (parsed, mode) {
        (Some(v), _) => Ok(v),
        (None, Mode::Fill) => Ok(T::fill(cfg.fill)),
        (None, Mode::Refuse) => Err(format!(
            "line {}, column {}: could not convert '{field}' to {dtype}",
            line.number,
            cfg.col + 1
        )),
    }
}

/// One column of every line, converted in parallel chunks; the first error in file order
/// wins.
fn column<T: TextElement>(
    lines: &[Line<'_>],
    cfg: &ColCfg,
    mode: Mode,
    dtype: DType,
) -> std::result::Result<Vec<T>, String> {
    let chunks: Vec<std::result::Result<Vec<T>, String>> = lines
        .par_chunks(CHUNK_ROWS)
        .map(|chunk| {
            chunk
                .iter()
                .map(|l| cell::<T>(l, cfg, mode, dtype))
                .collect()
        })
        .collect();
    let mut data = Vec::with_capacity(lines.len());
    for chunk in chunks {
        data.extend(chunk?);
    }
    Ok(data)
}

fn build(
    lines: &[Line<'_>],
    cfgs: &[ColCfg],
    dtype: DType,
    ndmin: usize,
    mode: Mode,
) -> std::result::Result<Array, String> {
    if ndmin > 2 {
        return Err(format!("ndmin must be 0, 1 or 2, got {ndmin}"));
    }
    let dims = [lines.len(), cfgs.len()];
    numcrane_graph::with_real_dtype!(dtype, T => {
        // Each chunk converts its rows; the first error in file order wins.
        let chunks: Vec<std::result::Result<Vec<T>, String>> = lines
            .par_chunks(CHUNK_ROWS)
            .map(|chunk| {
                let mut out = Vec::with_capacity(chunk.len() * cfgs.len());
                for line in chunk {
                    for cfg in cfgs {
                        out.push(cell::<T>(line, cfg, mode, dtype)?);
                    }
                }
                Ok(out)
            })
            .collect();
        let mut data: Vec<T> = Vec::with_capacity(dims[0] * dims[1]);
        for chunk in chunks {
            data.extend(chunk?);
        }
        Ok(Array::from_vec(data, numpy_shape(&dims, lines.is_empty(), ndmin)))
    }, complex => match dtype {
        DType::C64 => complex_build::<numcrane_graph::Complex32>(lines, cfgs, dims, ndmin, mode, dtype),
        _ => complex_build::<numcrane_graph::Complex64>(lines, cfgs, dims, ndmin, mode, dtype),
    })
}

/// `build` for a complex dtype (`with_real_dtype!` gives real types only; the conversion is
/// the same, through `TextElement`).
fn complex_build<T: TextElement>(
    lines: &[Line<'_>],
    cfgs: &[ColCfg],
    dims: [usize; 2],
    ndmin: usize,
    mode: Mode,
    dtype: DType,
) -> std::result::Result<Array, String> {
    let mut data: Vec<T> = Vec::with_capacity(dims[0] * dims[1]);
    for line in lines {
        for cfg in cfgs {
            data.push(cell::<T>(line, cfg, mode, dtype)?);
        }
    }
    Ok(Array::from_vec(
        data,
        numpy_shape(&dims, lines.is_empty(), ndmin),
    ))
}

/// The end of the longest prefix of `s` that reads as a float in Python's syntax (an optional
/// sign, then digits with an optional point and exponent, or `inf` / `infinity` / `nan` in any
/// case), as `PyOS_string_to_double` finds it; 0 when none does.
fn float_prefix(s: &str) -> usize {
    let b = s.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    let rest = &s[i..];
    for word in ["infinity", "inf", "nan"] {
        if rest.len() >= word.len() && rest[..word.len()].eq_ignore_ascii_case(word) {
            return i + word.len();
        }
    }
    let digits = |from: usize| b[from..].iter().take_while(|c| c.is_ascii_digit()).count();
    let int = digits(i);
    i += int;
    let mut frac = 0;
    if b.get(i) == Some(&b'.') {
        frac = digits(i + 1);
        if int + frac > 0 {
            i += 1 + frac;
        }
    }
    if int + frac == 0 {
        return 0;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        let sign = usize::from(matches!(b.get(i + 1), Some(b'+' | b'-')));
        let exp = digits(i + 1 + sign);
        if exp > 0 {
            i += 1 + sign + exp;
        }
    }
    i
}

/// Python's `float(s)` for one part of a complex: the standard parser, with `_` allowed
/// between two digits.
fn python_float(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    let ok = b.iter().enumerate().all(|(i, &c)| {
        c != b'_'
            || (i > 0
                && b[i - 1].is_ascii_digit()
                && b.get(i + 1).is_some_and(|n| n.is_ascii_digit()))
    });
    if !ok {
        return None;
    }
    s.replace('_', "").parse().ok()
}

/// Python's `complex(s)`, genfromtxt's complex converter: `1`, `2j`, `j`, `-J`, `1+2j`,
/// `1e+2-3J`, `inf+nanj`, optionally in parentheses; unlike loadtxt, no `1+-2j` and no
/// spaces around the sign.
fn python_complex(s: &str) -> Option<(f64, f64)> {
    let s = s.trim();
    let s = match s.strip_prefix('(') {
        Some(inner) => inner.strip_suffix(')')?.trim(),
        None => s,
    };
    let Some(body) = s.strip_suffix(['j', 'J']) else {
        return Some((python_float(s)?, 0.0));
    };
    // `1`, `+`, `-` alone before the unit are 1, 1, -1
    let imag = |t: &str| match t {
        "" | "+" => Some(1.0),
        "-" => Some(-1.0),
        _ => python_float(t),
    };
    let b = body.as_bytes();
    // the sign that starts the imaginary part: the last one that is neither the first
    // character nor an exponent's
    let split = (1..b.len())
        .rev()
        .find(|&i| matches!(b[i], b'+' | b'-') && !matches!(b[i - 1], b'e' | b'E'));
    match split {
        Some(i) => {
            let im = &body[i..];
            // Python refuses a second sign: "1+-2j"
            if matches!(im.as_bytes().get(1), Some(b'+' | b'-')) {
                return None;
            }
            Some((python_float(&body[..i])?, imag(im)?))
        }
        None => Some((0.0, imag(body)?)),
    }
}

/// NumPy's loadtxt complex parser (`to_complex_int`): `1.5`, `2j`, `1+2j`, `1-2j`, `inf+nanj`,
/// each optionally in parentheses with spaces inside, `j` the imaginary unit.
fn parse_complex(s: &str) -> Option<(f64, f64)> {
    let s = s.trim();
    let (s, parens) = match s.strip_prefix('(') {
        Some(inner) => (inner.trim_start(), true),
        None => (s, false),
    };
    let re_end = float_prefix(s);
    if re_end == 0 {
        return None;
    }
    let first: f64 = s[..re_end].parse().ok()?;
    let mut rest = &s[re_end..];
    let (re, im) = if let Some(r) = rest.strip_prefix('j') {
        rest = r;
        (0.0, first)
    } else if rest.starts_with(['+', '-']) {
        // NumPy skips a '+' so that "1+-2j" reads as 1-2j
        let t = rest.strip_prefix('+').unwrap_or(rest);
        let im_end = float_prefix(t);
        if im_end == 0 {
            return None;
        }
        let im: f64 = t[..im_end].parse().ok()?;
        rest = t[im_end..].strip_prefix('j')?;
        (first, im)
    } else {
        (first, 0.0)
    };
    if parens {
        rest = rest.trim_start().strip_prefix(')')?;
    }
    rest.trim().is_empty().then_some((re, im))
}

/// NumPy's result shape for `rows x cols` values: squeeze length-1 axes when there are more
/// than `ndmin` axes, then add axes up to `ndmin` (a 1-D result becomes a column for 2).
/// No rows at all gives shape (0,) as NumPy (the columns are unknown).
fn numpy_shape(dims: &[usize; 2], empty: bool, ndmin: usize) -> Vec<usize> {
    let mut shape: Vec<usize> = if empty { vec![0] } else { dims.to_vec() };
    if shape.len() > ndmin {
        shape.retain(|&d| d != 1);
    }
    match (shape.len(), ndmin) {
        (0, 1) => vec![1],
        (0, 2) => vec![1, 1],
        (1, 2) => vec![shape[0], 1],
        _ => shape,
    }
}

/// Parsing one field as an element, and NumPy's default filling value.
trait TextElement: Element {
    fn parse_field(s: &str) -> Option<Self>;
    /// genfromtxt's parser: Python's constructor of the type, where it differs from
    /// loadtxt's (complex only).
    fn parse_python(s: &str) -> Option<Self> {
        Self::parse_field(s)
    }
    fn fill(value: Option<f64>) -> Self;
    /// A converter's value as an element, when the dtype holds it exactly.
    fn from_f64(v: f64) -> Option<Self>;
}

impl TextElement for bool {
    fn parse_field(s: &str) -> Option<Self> {
        // Any case, as NumPy's `str2bool` (which upper-cases the text first).
        if s.eq_ignore_ascii_case("true") {
            Some(true)
        } else if s.eq_ignore_ascii_case("false") {
            Some(false)
        } else {
            s.parse::<i64>().ok().map(|v| v != 0)
        }
    }
    fn fill(value: Option<f64>) -> Self {
        value.is_none_or(|v| v != 0.0)
    }
    fn from_f64(v: f64) -> Option<Self> {
        (!v.is_nan()).then_some(v != 0.0)
    }
}

macro_rules! text_int {
    ($($t:ty),*) => { $(
        impl TextElement for $t {
            fn parse_field(s: &str) -> Option<Self> {
                s.parse::<$t>().ok()
            }
            fn fill(value: Option<f64>) -> Self {
                // `as` saturates: a filling value outside the type's range clamps to it.
                value.map_or((-1i8) as $t, |v| v as $t)
            }
            fn from_f64(v: f64) -> Option<Self> {
                // Exactly representable: integral and inside the type's range.
                // `MAX as f64 + 1.0` is the first value past the range (2^k, rounded up).
                let inside = v >= <$t>::MIN as f64 && v < <$t>::MAX as f64 + 1.0;
                (v.fract() == 0.0 && inside).then_some(v as $t)
            }
        }
    )* };
}
text_int!(i8, i16, i32, i64, u8, u16, u32, u64);

macro_rules! text_float {
    ($($t:ty),*) => { $(
        impl TextElement for $t {
            fn parse_field(s: &str) -> Option<Self> {
                s.parse::<$t>().ok()
            }
            fn fill(value: Option<f64>) -> Self {
                value.map_or(<$t>::NAN, |v| v as $t)
            }
            fn from_f64(v: f64) -> Option<Self> {
                Some(v as $t)
            }
        }
    )* };
}
text_float!(f32, f64);

macro_rules! text_complex {
    ($($t:ty: $f:ty),*) => { $(
        impl TextElement for $t {
            fn parse_field(s: &str) -> Option<Self> {
                // parsed in double, then each part rounded (NumPy's `npy_to_cfloat`)
                parse_complex(s).map(|(re, im)| <$t>::new(re as $f, im as $f))
            }
            fn parse_python(s: &str) -> Option<Self> {
                python_complex(s).map(|(re, im)| <$t>::new(re as $f, im as $f))
            }
            fn fill(value: Option<f64>) -> Self {
                // genfromtxt's complex default is nan+0j
                <$t>::new(value.map_or(<$f>::NAN, |v| v as $f), 0.0)
            }
            fn from_f64(v: f64) -> Option<Self> {
                Some(<$t>::new(v as $f, 0.0))
            }
        }
    )* };
}
text_complex!(numcrane_graph::Complex32: f32, numcrane_graph::Complex64: f64);

/// A value to format: integers exactly, floats as themselves.
#[derive(Clone, Copy, Debug)]
enum Value {
    Int(i128),
    Float(f64),
}

fn value_of<T: Element>(v: T) -> Value {
    match v.to_scalar() {
        Scalar::Bool(b) => Value::Int(b as i128),
        Scalar::I8(v) => Value::Int(v.into()),
        Scalar::I16(v) => Value::Int(v.into()),
        Scalar::I32(v) => Value::Int(v.into()),
        Scalar::I64(v) => Value::Int(v.into()),
        Scalar::U8(v) => Value::Int(v.into()),
        Scalar::U16(v) => Value::Int(v.into()),
        Scalar::U32(v) => Value::Int(v.into()),
        Scalar::U64(v) => Value::Int(v.into()),
        Scalar::F32(v) => Value::Float(v.into()),
        Scalar::F64(v) => Value::Float(v),
        // (savetxt rejects complex arrays before formatting.)
        Scalar::C64(v) => Value::Float(v.re.into()),
        Scalar::C128(v) => Value::Float(v.re),
    }
}

/// A printf-style format: literal text and conversions.
#[derive(Debug)]
struct Format {
    parts: Vec<Part>,
}

#[derive(Debug)]
enum Part {
    Text(String),
    Spec(Spec),
}

#[derive(Clone, Copy, Debug, Default)]
struct Spec {
    left: bool,
    plus: bool,
    space: bool,
    zero: bool,
    alt: bool,
    width: usize,
    precision: Option<usize>,
    conv: char,
}

impl Format {
    fn parse(fmt: &str) -> std::result::Result<Format, String> {
        let mut parts = Vec::new();
        let mut text = String::new();
        let mut chars = fmt.chars().peekable();
        while let Some(c) = chars.next() {
            if c != '%' {
                text.push(c);
                continue;
            }
            if chars.peek() == Some(&'%') {
                chars.next();
                text.push('%');
                continue;
            }
            let mut spec = Spec::default();
            while let Some(&f) = chars.peek() {
                match f {
                    '-' => spec.left = true,
                    '+' => spec.plus = true,
                    ' ' => spec.space = true,
                    '0' => spec.zero = true,
                    '#' => spec.alt = true,
                    _ => break,
                }
                chars.next();
            }
            let digits = |chars: &mut std::iter::Peekable<std::str::Chars<'_>>| {
                let mut n: usize = 0;
                while let Some(d) = chars.peek().and_then(|c| c.to_digit(10)) {
                    n = n.saturating_mul(10).saturating_add(d as usize);
                    chars.next();
                }
                n
            };
            spec.width = digits(&mut chars);
            if chars.peek() == Some(&'.') {
                chars.next();
                spec.precision = Some(digits(&mut chars));
            }
            spec.conv = match chars.next() {
                Some(c @ ('d' | 'i' | 'u' | 'e' | 'E' | 'f' | 'F' | 'g' | 'G' | 's')) => c,
                Some(c) => return Err(format!("fmt '{fmt}': unsupported conversion '%{c}'")),
                None => return Err(format!("fmt '{fmt}': incomplete conversion at the end")),
            };
            parts.push(Part::Text(std::mem::take(&mut text)));
            parts.push(Part::Spec(spec));
        }
        parts.push(Part::Text(text));
        Ok(Format { parts })
    }

    fn specs(&self) -> usize {
        self.parts
            .iter()
            .filter(|p| matches!(p, Part::Spec(_)))
            .count()
    }

    fn write(&self, values: &[Value], out: &mut String) -> std::result::Result<(), String> {
        let mut values = values.iter();
        for part in &self.parts {
            match part {
                Part::Text(t) => out.push_str(t),
                Part::Spec(s) => {
                    let v = values.next().ok_or("fewer values than conversions")?;
                    out.push_str(&s.format(*v)?);
                }
            }
        }
        Ok(())
    }
}

impl Spec {
    /// Python's `'%<spec>' % value`.
    fn format(&self, v: Value) -> std::result::Result<String, String> {
        let (negative, body) = match self.conv {
            'd' | 'i' | 'u' => {
                let i = match v {
                    Value::Int(i) => i,
                    Value::Float(f) if f.is_finite() => f.trunc() as i128,
                    Value::Float(f) => {
                        return Err(format!(
                            "cannot convert {f} to an integer for %{}",
                            self.conv
                        ))
                    }
                };
                let mut digits = i.unsigned_abs().to_string();
                if let Some(p) = self.precision {
                    if digits.len() < p {
                        digits = format!("{}{digits}", "0".repeat(p - digits.len()));
                    }
                }
                (i < 0, digits)
            }
            's' => {
                let s = match v {
                    Value::Int(i) => i.to_string(),
                    Value::Float(f) => python_str(f),
                };
                let s = match self.precision {
                    Some(p) => s.chars().take(p).collect(),
                    None => s,
                };
                return Ok(self.pad(String::new(), s, false));
            }
            conv => {
                let f = match v {
                    Value::Int(i) => i as f64,
                    Value::Float(f) => f,
                };
                let body = if f.is_nan() {
                    "nan".to_string()
                } else if f.is_infinite() {
                    "inf".to_string()
                } else {
                    float_body(f.abs(), conv.to_ascii_lowercase(), self.precision, self.alt)
                };
                let body = if conv.is_ascii_uppercase() {
                    body.to_ascii_uppercase()
                } else {
                    body
                };
                (f.is_sign_negative() && !f.is_nan(), body)
            }
        };
        let sign = if negative {
            "-"
        } else if self.plus {
            "+"
        } else if self.space {
            " "
        } else {
            ""
        };
        // Zero padding does not apply to nan and inf (C and Python pad them with spaces).
        let numeric = body.starts_with(|c: char| c.is_ascii_digit());
        Ok(self.pad(sign.to_string(), body, numeric))
    }

    fn pad(&self, sign: String, body: String, zero_ok: bool) -> String {
        let len = sign.len() + body.chars().count();
        if len >= self.width {
            return sign + &body;
        }
        let fill = self.width - len;
        if self.left {
            format!("{sign}{body}{}", " ".repeat(fill))
        } else if self.zero && zero_ok {
            format!("{sign}{}{body}", "0".repeat(fill))
        } else {
            format!("{}{sign}{body}", " ".repeat(fill))
        }
    }
}

/// The digits of a finite, non-negative `f` in `%e`, `%f` or `%g` style (C's rules).
fn float_body(f: f64, conv: char, precision: Option<usize>, alt: bool) -> String {
    let p = precision.unwrap_or(6);
    match conv {
        'f' => {
            let s = format!("{f:.p$}");
            if alt && p == 0 {
                s + "."
            } else {
                s
            }
        }
        'e' => {
            let s = exp_style(f, p);
            if alt && p == 0 {
                s.replacen('e', ".e", 1)
            } else {
                s
            }
        }
        _ => {
            // %g: the exponent X of the value rounded to P significant digits decides
            // between %e and %f; trailing zeros go unless '#'.
            let p = if p == 0 { 1 } else { p };
            let e = exp_style(f, p - 1);
            let x: i64 = e
                .rsplit_once('e')
                .and_then(|(_, x)| x.parse().ok())
                .unwrap_or(0);
            let s = if -4 <= x && x < p as i64 {
                let decimals = (p as i64 - 1 - x).max(0) as usize;
                format!("{f:.decimals$}")
            } else {
                e
            };
            if alt {
                return s;
            }
            match s.split_once('e') {
                Some((mantissa, exp)) => format!("{}e{exp}", strip_zeros(mantissa)),
                None => strip_zeros(&s).to_string(),
            }
        }
    }
}

/// `d.ddde+XX`: Rust's `{:e}` digits with C's exponent (a sign and at least two digits).
fn exp_style(f: f64, p: usize) -> String {
    let s = format!("{f:.p$e}");
    match s.split_once('e') {
        Some((mantissa, exp)) => {
            let (sign, digits) = match exp.strip_prefix('-') {
                Some(d) => ('-', d),
                None => ('+', exp),
            };
            format!("{mantissa}e{sign}{digits:0>2}")
        }
        None => s,
    }
}

fn strip_zeros(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

/// Python's `str(float)` for the common cases: the shortest repr, with `.0` on integers.
fn python_str(f: f64) -> String {
    if f.is_nan() {
        return "nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf".into() } else { "-inf".into() };
    }
    let s = format!("{f}");
    if f.fract() == 0.0 && f.abs() < 1e16 && !s.contains('.') {
        s + ".0"
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(spec: &str, v: Value) -> String {
        let f = Format::parse(spec).unwrap();
        let mut out = String::new();
        f.write(&[v], &mut out).unwrap();
        out
    }

    #[test]
    fn printf_matches_python() {
        // Expected strings are Python's `'%spec' % value` for these inputs.
        let cases: &[(&str, Value, &str)] = &[
            ("%.18e", Value::Float(1.0), "1.000000000000000000e+00"),
            ("%g", Value::Float(1e-5), "1e-05"),
            ("%10.3f", Value::Float(1.23456), "     1.235"),
            ("%d", Value::Int(42), "42"),
            ("%-5d|", Value::Int(7), "7    |"),
            ("%+.2e", Value::Float(-12345.678), "-1.23e+04"),
            ("%g", Value::Float(123456789.0), "1.23457e+08"),
            ("%g", Value::Float(0.0001), "0.0001"),
            ("%g", Value::Float(100000.0), "100000"),
            ("%g", Value::Float(1000000.0), "1e+06"),
            ("%.3g", Value::Float(2.5), "2.5"),
            ("%08.2f", Value::Float(-3.5), "-0003.50"),
            ("%e", Value::Float(f64::NAN), "nan"),
            ("%5.1f", Value::Float(f64::NEG_INFINITY), " -inf"),
            ("%d", Value::Float(-2.7), "-2"),
            ("%.3e", Value::Float(1e-300), "1.000e-300"),
            ("%G", Value::Float(1e-10), "1E-10"),
            ("%s", Value::Float(2.0), "2.0"),
            ("%.1f%%", Value::Float(50.0), "50.0%"),
        ];
        for (spec, v, want) in cases {
            assert_eq!(fmt(spec, *v), *want, "{spec} of {v:?}");
        }
    }

    #[test]
    fn bad_formats_are_errors() {
        assert!(Format::parse("%q").unwrap_err().contains("%q"));
        assert!(Format::parse("%.2").is_err());
        let f = Format::parse("%d").unwrap();
        assert!(f
            .write(&[Value::Float(f64::NAN)], &mut String::new())
            .is_err());
    }

    #[test]
    fn shapes_follow_numpy() {
        assert_eq!(numpy_shape(&[3, 1], false, 0), vec![3]);
        assert_eq!(numpy_shape(&[1, 4], false, 0), vec![4]);
        assert_eq!(numpy_shape(&[1, 1], false, 0), Vec::<usize>::new());
        assert_eq!(numpy_shape(&[1, 1], false, 1), vec![1]);
        assert_eq!(numpy_shape(&[1, 3], false, 2), vec![1, 3]);
        assert_eq!(numpy_shape(&[3, 1], false, 1), vec![3]);
        assert_eq!(numpy_shape(&[3, 1], false, 2), vec![3, 1]);
        assert_eq!(numpy_shape(&[0, 0], true, 0), vec![0]);
        assert_eq!(numpy_shape(&[2, 2], false, 0), vec![2, 2]);
    }
}
