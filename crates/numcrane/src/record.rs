//! Structured (record) arrays: NumPy's arrays of a dtype with named fields, stored here as a
//! struct of arrays.
//!
//! A NumPy structured array keeps each record's fields side by side in one buffer. numcrane
//! keeps one ordinary lazy [`Array`] per field, all of the same shape, so a field is an array
//! like any other (fused, JIT-compiled, printed) and taking it copies nothing. What NumPy's
//! dtype adds besides the fields (their byte offsets, byte order and the record size, which
//! aligned dtypes pad) is kept in a [`RecordDescr`], so a `.npy` file read with
//! [`crate::io::load_npy_record`] is written back by [`crate::io::save_npy_record`] with the
//! same header.
//!
//! Operations on the records (row selection, sorting by fields) apply the same lazy operation
//! to every field. Sorting compares the fields named in `order` first, then the remaining
//! fields in dtype order, as `np.sort(a, order=...)` does; it is built from stable `argsort`
//! passes (least significant key first), so it stays lazy and breaks full ties by position.

use crate::indexing::{index_or_poison, take_along_axis_at, take_or_poison, IndexArg, TakeMode};
use crate::slicing::SliceArg;
use crate::Array;
use numcrane_graph::{DType, Error, Op, Result, SourceLocation};
use std::fmt;

/// One field of a structured dtype: its name, element dtype, byte offset in a record and the
/// byte order it has in files (`np.dtype.descr`'s `<`, `>` or `|`).
///
/// # Examples
///
/// ```
/// use numcrane::{DType, FieldDescr, RecordDescr};
/// let f = FieldDescr { name: "a".into(), dtype: DType::F32, offset: 0, big_endian: true };
/// let d = RecordDescr::new(vec![f], 4).unwrap();
/// assert_eq!(d.fields()[0].name, "a");
/// assert_eq!(d.descr(), "[('a', '>f4')]");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldDescr {
    /// The field's name.
    pub name: String,
    /// The element type of the field.
    pub dtype: DType,
    /// The field's first byte within a record.
    pub offset: usize,
    /// The field is stored big-endian in files (`>` in its descr).
    pub big_endian: bool,
}

/// NumPy's structured dtype as `np.save` describes it: the fields in offset order and the
/// size of a record (larger than the sum of the fields when an aligned dtype pads them).
///
/// # Examples
///
/// ```
/// use numcrane::{DType, RecordDescr};
/// let d = RecordDescr::packed([("x", DType::I8), ("y", DType::F64)]);
/// assert_eq!(d.itemsize(), 9);
/// assert_eq!(d.repr(), "[('x', 'i1'), ('y', '<f8')]");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordDescr {
    fields: Vec<FieldDescr>,
    itemsize: usize,
}

impl RecordDescr {
    /// The packed (unaligned, little-endian) dtype of these fields, as
    /// `np.dtype([(name, dtype), ...])` builds it: each field right after the previous one.
    ///
    /// ```
    /// use numcrane::{DType, RecordDescr};
    /// let d = RecordDescr::packed([("a", DType::U8), ("b", DType::F64)]);
    /// assert_eq!((d.fields()[1].offset, d.itemsize()), (1, 9));
    /// assert_eq!(d.descr(), "[('a', '|u1'), ('b', '<f8')]");
    /// ```
    pub fn packed<'a>(fields: impl IntoIterator<Item = (&'a str, DType)>) -> RecordDescr {
        let mut offset = 0;
        let fields = fields
            .into_iter()
            .map(|(name, dtype)| {
                let f = FieldDescr {
                    name: name.to_string(),
                    dtype,
                    offset,
                    big_endian: false,
                };
                offset += dtype.itemsize();
                f
            })
            .collect();
        RecordDescr {
            fields,
            itemsize: offset,
        }
    }

    /// A descr from fields and a record size, checked: at least one field, non-empty and
    /// distinct names, fields in offset order without overlap, all inside `itemsize`.
    ///
    /// ```
    /// use numcrane::{DType, FieldDescr, RecordDescr};
    /// // np.dtype([('a', 'i1'), ('b', '<f8')], align=True)
    /// let field = |name: &str, dtype, offset| FieldDescr { name: name.into(), dtype, offset, big_endian: false };
    /// let d = RecordDescr::new(vec![field("a", DType::I8, 0), field("b", DType::F64, 8)], 16).unwrap();
    /// assert_eq!(d.descr(), "[('a', '|i1'), ('', '|V7'), ('b', '<f8')]");
    /// assert!(RecordDescr::new(vec![field("a", DType::I8, 0), field("b", DType::F64, 8)], 12).is_err());
    /// ```
    pub fn new(fields: Vec<FieldDescr>, itemsize: usize) -> std::result::Result<Self, String> {
        if fields.is_empty() {
            return Err("a structured dtype needs at least one field".into());
        }
        let mut end = 0usize;
        for (i, f) in fields.iter().enumerate() {
            if f.name.is_empty() {
                return Err(format!("field {i} has an empty name"));
            }
            if fields[..i].iter().any(|g| g.name == f.name) {
                return Err(format!("the field name '{}' appears twice", f.name));
            }
            if f.offset < end {
                return Err(format!(
                    "field '{}' at offset {} overlaps the previous field or is out of order",
                    f.name, f.offset
                ));
            }
            end = f
                .offset
                .checked_add(f.dtype.itemsize())
                .ok_or_else(|| format!("field '{}' has an offset past usize", f.name))?;
        }
        if end > itemsize {
            return Err(format!(
                "the fields need {end} bytes but the record size (itemsize) is {itemsize}"
            ));
        }
        Ok(RecordDescr { fields, itemsize })
    }

    /// The fields in offset order.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{DType, RecordDescr};
    /// let d = RecordDescr::packed([("a", DType::I32), ("b", DType::F64)]);
    /// let f = d.fields();
    /// assert_eq!(f.len(), 2);
    /// assert_eq!((f[1].name.as_str(), f[1].dtype, f[1].offset), ("b", DType::F64, 4));
    /// ```
    pub fn fields(&self) -> &[FieldDescr] {
        &self.fields
    }

    /// The size of one record in bytes (NumPy's `dtype.itemsize`).
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{DType, RecordDescr};
    /// let d = RecordDescr::packed([("a", DType::I32), ("b", DType::F64)]);
    /// assert_eq!(d.itemsize(), 12);
    /// ```
    pub fn itemsize(&self) -> usize {
        self.itemsize
    }

    /// The descr `np.save` writes in a `.npy` header (NumPy's `dtype.descr`): a list of
    /// `(name, typestr)` pairs with `('', '|Vn')` entries for padding bytes, e.g.
    /// `[('x', '|i1'), ('', '|V7'), ('y', '<f8')]`.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{DType, RecordDescr};
    /// let d = RecordDescr::packed([("a", DType::U8), ("b", DType::F64)]);
    /// assert_eq!(d.descr(), "[('a', '|u1'), ('b', '<f8')]");
    /// ```
    pub fn descr(&self) -> String {
        let mut parts = Vec::with_capacity(self.fields.len() * 2);
        let mut at = 0;
        for f in &self.fields {
            if f.offset > at {
                parts.push(format!("('', '|V{}')", f.offset - at));
            }
            parts.push(format!(
                "('{}', '{}')",
                f.name,
                typestr(f.dtype, f.big_endian)
            ));
            at = f.offset + f.dtype.itemsize();
        }
        if self.itemsize > at {
            parts.push(format!("('', '|V{}')", self.itemsize - at));
        }
        format!("[{}]", parts.join(", "))
    }

    /// NumPy's `repr` of the dtype, as it ends a structured array's repr:
    /// `[('x', 'i1'), ('y', '<f8')]` for a packed dtype, the dict form for a padded one.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{DType, FieldDescr, RecordDescr};
    /// let d = RecordDescr::packed([("x", DType::I8), ("y", DType::F64)]);
    /// assert_eq!(d.repr(), "[('x', 'i1'), ('y', '<f8')]");
    /// let field = |name: &str, dtype, offset| FieldDescr { name: name.into(), dtype, offset, big_endian: false };
    /// let aligned = RecordDescr::new(vec![field("a", DType::I8, 0), field("b", DType::F64, 8)], 16).unwrap();
    /// assert_eq!(
    ///     aligned.repr(),
    ///     "{'names': ['a', 'b'], 'formats': ['i1', '<f8'], 'offsets': [0, 8], 'itemsize': 16}"
    /// );
    /// ```
    pub fn repr(&self) -> String {
        let short = |f: &FieldDescr| {
            let s = typestr(f.dtype, f.big_endian);
            match f.dtype {
                DType::Bool => "?".to_string(),
                _ if f.dtype.itemsize() == 1 => s[1..].to_string(),
                _ => s,
            }
        };
        let packed = self.fields.iter().scan(0, |at, f| {
            let ok = f.offset == *at;
            *at = f.offset + f.dtype.itemsize();
            Some(ok)
        });
        let packed = packed.into_iter().all(|ok| ok)
            && self
                .fields
                .last()
                .is_some_and(|f| f.offset + f.dtype.itemsize() == self.itemsize);
        if packed {
            let parts: Vec<String> = self
                .fields
                .iter()
                .map(|f| format!("('{}', '{}')", f.name, short(f)))
                .collect();
            format!("[{}]", parts.join(", "))
        } else {
            let names: Vec<String> = self
                .fields
                .iter()
                .map(|f| format!("'{}'", f.name))
                .collect();
            let formats: Vec<String> = self
                .fields
                .iter()
                .map(|f| format!("'{}'", short(f)))
                .collect();
            let offsets: Vec<String> = self.fields.iter().map(|f| f.offset.to_string()).collect();
            format!(
                "{{'names': [{}], 'formats': [{}], 'offsets': [{}], 'itemsize': {}}}",
                names.join(", "),
                formats.join(", "),
                offsets.join(", "),
                self.itemsize
            )
        }
    }
}

/// NumPy's `dtype.str` of a field: `|b1`, `|i1`, `<f8`, `>i4`.
pub(crate) fn typestr(dtype: DType, big_endian: bool) -> String {
    let code = match dtype {
        DType::Bool => "b1",
        DType::I8 => "i1",
        DType::I16 => "i2",
        DType::I32 => "i4",
        DType::I64 => "i8",
        DType::U8 => "u1",
        DType::U16 => "u2",
        DType::U32 => "u4",
        DType::U64 => "u8",
        DType::F32 => "f4",
        DType::F64 => "f8",
        DType::C64 => "c8",
        DType::C128 => "c16",
    };
    let order = if dtype.itemsize() == 1 {
        '|'
    } else if big_endian {
        '>'
    } else {
        '<'
    };
    format!("{order}{code}")
}

/// A structured array: named fields, each an ordinary lazy [`Array`] of the record shape.
///
/// ```
/// use numcrane::{array, RecordArray};
/// let rec = RecordArray::from_fields([("x", array([3.0, 1.0, 2.0])), ("id", array([7i32, 8, 9]))])
///     .unwrap();
/// assert_eq!(rec.names(), ["x", "id"]);
/// assert_eq!(rec.shape(), &[3]);
/// let sorted = rec.sort_by(&["x"]);
/// assert_eq!(sorted.field("id").to_vec::<i32>().unwrap(), vec![8, 9, 7]);
/// assert_eq!(rec.dtype_descr(), "[('x', '<f8'), ('id', '<i4')]");
/// ```
#[derive(Clone)]
pub struct RecordArray {
    descr: RecordDescr,
    /// One array per field of `descr`, in the same order, all of shape `shape`.
    fields: Vec<Array>,
    shape: Vec<usize>,
}

impl RecordArray {
    /// Builds a structured array from named fields of the same shape, with the packed dtype
    /// `np.dtype([(name, field.dtype), ...])`.
    ///
    /// Errors with `Error::InvalidArgument { op: "RecordArray::from_fields", .. }` when there
    /// is no field, a name is empty or repeated, or the shapes differ.
    ///
    /// ```
    /// use numcrane::{array, RecordArray};
    /// let rec = RecordArray::from_fields([("a", array([1, 2])), ("b", array([0.5, 1.5]))]).unwrap();
    /// assert_eq!(rec.len(), 2);
    /// assert!(RecordArray::from_fields([("a", array([1, 2])), ("b", array([1.0]))]).is_err());
    /// ```
    #[track_caller]
    pub fn from_fields<S: Into<String>>(
        fields: impl IntoIterator<Item = (S, Array)>,
    ) -> Result<RecordArray> {
        let location = SourceLocation::caller();
        let (names, arrays): (Vec<String>, Vec<Array>) =
            fields.into_iter().map(|(n, a)| (n.into(), a)).unzip();
        let fail = |m: String| Error::invalid("RecordArray::from_fields", m, location);
        let descr = RecordDescr::packed(
            names
                .iter()
                .map(String::as_str)
                .zip(arrays.iter().map(Array::dtype)),
        );
        let descr = RecordDescr::new(descr.fields, descr.itemsize).map_err(fail)?;
        Self::with_descr(descr, arrays).map_err(fail)
    }

    /// A structured array of the fields of `descr` (same order and dtypes) and the arrays
    /// holding them, all of one shape.
    pub(crate) fn with_descr(
        descr: RecordDescr,
        fields: Vec<Array>,
    ) -> std::result::Result<RecordArray, String> {
        if fields.len() != descr.fields.len() {
            return Err(format!(
                "{} arrays for {} fields",
                fields.len(),
                descr.fields.len()
            ));
        }
        let shape = fields
            .first()
            .map(|a| a.shape().to_vec())
            .unwrap_or_default();
        for (f, a) in descr.fields.iter().zip(&fields) {
            if a.shape() != shape.as_slice() {
                return Err(format!(
                    "field '{}' has shape {:?}, field '{}' has shape {:?}: all fields need one shape",
                    f.name,
                    a.shape(),
                    descr.fields[0].name,
                    shape
                ));
            }
            if a.dtype() != f.dtype {
                return Err(format!(
                    "field '{}' is declared {} but its array is {}",
                    f.name,
                    f.dtype,
                    a.dtype()
                ));
            }
        }
        Ok(RecordArray {
            descr,
            fields,
            shape,
        })
    }

    /// The same fields over new arrays of one (new) shape, keeping the descr.
    fn map_fields(&self, mut f: impl FnMut(&Array) -> Array) -> RecordArray {
        let fields: Vec<Array> = self.fields.iter().map(&mut f).collect();
        let shape = fields
            .first()
            .map(|a| a.shape().to_vec())
            .unwrap_or_default();
        RecordArray {
            descr: self.descr.clone(),
            fields,
            shape,
        }
    }

    /// The field names in dtype order (NumPy's `a.dtype.names`).
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, RecordArray};
    /// let rec = RecordArray::from_fields([("id", array([1i64, 2])), ("w", array([0.5, 1.25]))]).unwrap();
    /// assert_eq!(rec.names(), ["id", "w"]);
    /// ```
    pub fn names(&self) -> Vec<&str> {
        self.descr.fields.iter().map(|f| f.name.as_str()).collect()
    }

    /// The shape of the array of records.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, RecordArray};
    /// let rec = RecordArray::from_fields([("id", array([1i64, 2])), ("w", array([0.5, 1.25]))]).unwrap();
    /// assert_eq!(rec.shape(), &[2]);
    /// ```
    pub fn shape(&self) -> &[usize] {
        &self.shape
    }

    /// The number of dimensions.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, RecordArray};
    /// let rec = RecordArray::from_fields([("id", array([1i64, 2])), ("w", array([0.5, 1.25]))]).unwrap();
    /// assert_eq!(rec.ndim(), 1);
    /// ```
    pub fn ndim(&self) -> usize {
        self.shape.len()
    }

    /// The number of records.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, RecordArray};
    /// let rec = RecordArray::from_fields([("id", array([1i64, 2])), ("w", array([0.5, 1.25]))]).unwrap();
    /// assert_eq!(rec.size(), 2);
    /// ```
    pub fn size(&self) -> usize {
        self.shape.iter().product()
    }

    /// The length of the first axis (Python's `len(a)`; 0 for a 0-d array, which NumPy
    /// refuses).
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, RecordArray};
    /// let rec = RecordArray::from_fields([("id", array([1i64, 2])), ("w", array([0.5, 1.25]))]).unwrap();
    /// assert_eq!(rec.len(), 2);
    /// ```
    pub fn len(&self) -> usize {
        self.shape.first().copied().unwrap_or(0)
    }

    /// True when the first axis has length 0.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, s, RecordArray};
    /// let rec = RecordArray::from_fields([("id", array([1i64, 2])), ("w", array([0.5, 1.25]))]).unwrap();
    /// assert!(!rec.is_empty());
    /// assert!(rec.slice(s![2..]).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The structured dtype (names, dtypes, offsets, record size).
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, RecordArray};
    /// let rec = RecordArray::from_fields([("id", array([1i64, 2])), ("w", array([0.5, 1.25]))]).unwrap();
    /// let d = rec.descr();
    /// assert_eq!(d.itemsize(), 16);
    /// assert_eq!(d.fields()[1].offset, 8);
    /// ```
    pub fn descr(&self) -> &RecordDescr {
        &self.descr
    }

    /// The dtype's descr as `np.save` writes it, e.g. `[('x', '<f8'), ('y', '<i4')]`.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, RecordArray};
    /// let rec = RecordArray::from_fields([("id", array([1i64, 2])), ("w", array([0.5, 1.25]))]).unwrap();
    /// assert_eq!(rec.dtype_descr(), "[('id', '<i8'), ('w', '<f8')]");
    /// ```
    pub fn dtype_descr(&self) -> String {
        self.descr.descr()
    }

    /// The field's array, or `None` when there is no such field.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, RecordArray};
    /// let rec = RecordArray::from_fields([("id", array([1i64, 2])), ("w", array([0.5, 1.25]))]).unwrap();
    /// assert_eq!(rec.get("w").unwrap().to_vec::<f64>().unwrap(), vec![0.5, 1.25]);
    /// assert!(rec.get("z").is_none());
    /// ```
    pub fn get(&self, name: &str) -> Option<&Array> {
        let i = self.descr.fields.iter().position(|f| f.name == name)?;
        self.fields.get(i)
    }

    /// Every field with its name, in dtype order.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, RecordArray};
    /// let rec = RecordArray::from_fields([("id", array([1i64, 2])), ("w", array([0.5, 1.25]))]).unwrap();
    /// let names: Vec<&str> = rec.fields().map(|(name, _)| name).collect();
    /// assert_eq!(names, ["id", "w"]);
    /// assert!(rec.fields().all(|(_, a)| a.shape() == [2]));
    /// ```
    pub fn fields(&self) -> impl Iterator<Item = (&str, &Array)> {
        self.descr
            .fields
            .iter()
            .map(|f| f.name.as_str())
            .zip(self.fields.iter())
    }

    /// NumPy's `a["name"]`: the field as an ordinary lazy array (no copy). An unknown name
    /// gives an array whose evaluation errors with `op: "RecordArray::field"`, listing the
    /// fields.
    ///
    /// ```
    /// use numcrane::{array, RecordArray};
    /// let rec = RecordArray::from_fields([("t", array([1.0, 2.0])), ("v", array([3.0, 4.0]))]).unwrap();
    /// let speed = rec.field("v") / rec.field("t");
    /// assert_eq!(speed.to_vec::<f64>().unwrap(), vec![3.0, 2.0]);
    /// assert!(rec.field("w").eval().is_err());
    /// ```
    #[track_caller]
    pub fn field(&self, name: &str) -> Array {
        let loc = SourceLocation::caller();
        match self.get(name) {
            Some(a) => a.clone(),
            None => self.poison(
                "RecordArray::field",
                format!("no field '{name}' (the fields are {:?})", self.names()),
                DType::F64,
                self.shape.clone(),
                loc,
            ),
        }
    }

    fn poison(
        &self,
        op: &'static str,
        message: String,
        dtype: DType,
        shape: Vec<usize>,
        loc: SourceLocation,
    ) -> Array {
        crate::build::poison(
            Error::invalid(op, message, loc),
            Op::Sort { axis: 0 },
            &[],
            dtype,
            shape,
            loc,
        )
    }

    /// Evaluates every field (in one pass, sharing their common work) and returns the
    /// structured array of the realized fields.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, RecordArray};
    /// let t = array([1.0, 2.0]);
    /// let rec = RecordArray::from_fields([("t", t.clone()), ("t2", &t + &t)]).unwrap();
    /// let done = rec.eval().unwrap();
    /// assert_eq!(done.field("t2").to_vec::<f64>().unwrap(), vec![2.0, 4.0]);
    /// assert_eq!(done.names(), rec.names());
    /// ```
    #[track_caller]
    pub fn eval(&self) -> Result<RecordArray> {
        let arrays: Vec<&Array> = self.fields.iter().collect();
        crate::eval_all(&arrays)?;
        let fields = self
            .fields
            .iter()
            .map(Array::eval)
            .collect::<Result<Vec<_>>>()?;
        Ok(RecordArray {
            descr: self.descr.clone(),
            fields,
            shape: self.shape.clone(),
        })
    }

    /// NumPy's `a[start:stop:step, ...]` on the records: the same basic slice of every field.
    ///
    /// ```
    /// use numcrane::{array, s, RecordArray};
    /// let rec = RecordArray::from_fields([("a", array([1, 2, 3, 4]))]).unwrap();
    /// assert_eq!(rec.slice(s![1..;2]).field("a").to_vec::<i32>().unwrap(), vec![2, 4]);
    /// ```
    #[track_caller]
    pub fn slice(&self, args: Vec<SliceArg>) -> RecordArray {
        let loc = SourceLocation::caller();
        self.map_fields(|a| a.slice_at(&args, loc))
    }

    /// NumPy's `a[index]` with integer arrays and masks (see [`Array::index`]) on the
    /// records: the same selection of every field. A mask is evaluated once per field.
    ///
    /// ```
    /// use numcrane::{array, ix, RecordArray};
    /// let rec = RecordArray::from_fields([("a", array([5, 6, 7])), ("b", array([1.0, 2.0, 3.0]))])
    ///     .unwrap();
    /// let big = rec.index(ix![rec.field("a").gt(5)]);
    /// assert_eq!(big.field("b").to_vec::<f64>().unwrap(), vec![2.0, 3.0]);
    /// ```
    #[track_caller]
    pub fn index(&self, args: Vec<IndexArg>) -> RecordArray {
        let loc = SourceLocation::caller();
        self.map_fields(|a| index_or_poison(a, &args, loc))
    }

    /// NumPy's `a.take(indices, axis=0)`: the records at `indices` along the first axis
    /// (negative indices count from the end; out of range is an evaluation error).
    ///
    /// ```
    /// use numcrane::{array, RecordArray};
    /// let rec = RecordArray::from_fields([("a", array([5, 6, 7]))]).unwrap();
    /// let t = rec.take(&array([2i64, 0]));
    /// assert_eq!(t.field("a").to_vec::<i32>().unwrap(), vec![7, 5]);
    /// ```
    #[track_caller]
    pub fn take(&self, indices: &Array) -> RecordArray {
        let loc = SourceLocation::caller();
        self.map_fields(|a| take_or_poison(a, indices, Some(0), TakeMode::Raise, loc))
    }

    /// NumPy's `np.argsort(a, order=order, kind="stable")` along the last axis: the int64
    /// positions that sort the records by the fields in `order`, then by the remaining
    /// fields in dtype order (NaN after every number, as NumPy). An unknown or repeated name
    /// gives an array whose evaluation errors with `op: "RecordArray::argsort"`.
    ///
    /// ```
    /// use numcrane::{array, RecordArray};
    /// let rec = RecordArray::from_fields([("k", array([2, 1, 2, 1])), ("v", array([0.5, 3.0, 0.1, 1.0]))])
    ///     .unwrap();
    /// assert_eq!(rec.argsort(&["k"]).to_vec::<i64>().unwrap(), vec![3, 1, 2, 0]);
    /// assert_eq!(rec.argsort(&["v"]).to_vec::<i64>().unwrap(), vec![2, 0, 3, 1]);
    /// ```
    #[track_caller]
    pub fn argsort(&self, order: &[&str]) -> Array {
        let loc = SourceLocation::caller();
        let keys = match self.sort_keys(order) {
            Ok(k) => k,
            Err(m) => {
                let shape = if self.ndim() == 0 {
                    vec![1]
                } else {
                    self.shape.clone()
                };
                return self.poison("RecordArray::argsort", m, DType::I64, shape, loc);
            }
        };
        if self.ndim() == 0 {
            // NumPy's argsort of a 0-d array flattens it.
            return crate::sorting::argsort(&self.fields[0], None);
        }
        // Least significant key first: each stable pass keeps the order of the previous one
        // among equal keys, so the last pass (the first key) decides, then the next, ...
        let mut perm: Option<Array> = None;
        for &k in keys.iter().rev() {
            let key = &self.fields[k];
            perm = Some(match perm {
                None => key.argsort_axis(-1),
                Some(p) => {
                    let sub = take_along_axis_at(key, &p, Some(-1), loc);
                    let o = sub.argsort_axis(-1);
                    take_along_axis_at(&p, &o, Some(-1), loc)
                }
            });
        }
        perm.unwrap_or_else(|| self.fields[0].argsort_axis(-1))
    }

    /// NumPy's `np.sort(a, order=order)` along the last axis: the records sorted by the
    /// fields in `order`, then by the remaining fields in dtype order; every field is
    /// gathered by the same permutation (all lazy). Bad names: every field's evaluation
    /// errors with `op: "RecordArray::argsort"`.
    ///
    /// ```
    /// use numcrane::{array, RecordArray};
    /// let rec = RecordArray::from_fields([("name_id", array([3, 1, 2])), ("score", array([0.5, 0.5, 0.9]))])
    ///     .unwrap();
    /// let by_score = rec.sort_by(&["score"]);
    /// assert_eq!(by_score.field("name_id").to_vec::<i32>().unwrap(), vec![1, 3, 2]);
    /// ```
    #[track_caller]
    pub fn sort_by(&self, order: &[&str]) -> RecordArray {
        let loc = SourceLocation::caller();
        if self.ndim() == 0 {
            return self.clone();
        }
        let perm = self.argsort(order);
        self.map_fields(|a| take_along_axis_at(a, &perm, Some(-1), loc))
    }

    /// The field positions to compare: `order` then the rest in dtype order.
    fn sort_keys(&self, order: &[&str]) -> std::result::Result<Vec<usize>, String> {
        let mut keys = Vec::with_capacity(self.fields.len());
        for name in order {
            let i = self
                .descr
                .fields
                .iter()
                .position(|f| f.name == *name)
                .ok_or_else(|| format!("no field '{name}' (the fields are {:?})", self.names()))?;
            if keys.contains(&i) {
                return Err(format!("the field '{name}' appears twice in order"));
            }
            keys.push(i);
        }
        let rest: Vec<usize> = (0..self.fields.len())
            .filter(|i| !keys.contains(i))
            .collect();
        keys.extend(rest);
        Ok(keys)
    }
}

impl fmt::Debug for RecordArray {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match crate::print::format_records(self, true) {
            Some(text) => f.write_str(&text),
            None => write!(
                f,
                "RecordArray(shape={:?}, dtype={})",
                self.shape,
                self.descr.repr()
            ),
        }
    }
}

impl fmt::Display for RecordArray {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match crate::print::format_records(self, false) {
            Some(text) => f.write_str(&text),
            None => write!(
                f,
                "RecordArray(shape={:?}, dtype={})",
                self.shape,
                self.descr.repr()
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::array;

    #[test]
    fn descr_text_matches_numpy() {
        // np.dtype([('x', 'i1'), ('y', '<f8'), ('z', 'i1')], align=True).descr
        let aligned = RecordDescr::new(
            vec![
                FieldDescr {
                    name: "x".into(),
                    dtype: DType::I8,
                    offset: 0,
                    big_endian: false,
                },
                FieldDescr {
                    name: "y".into(),
                    dtype: DType::F64,
                    offset: 8,
                    big_endian: false,
                },
                FieldDescr {
                    name: "z".into(),
                    dtype: DType::I8,
                    offset: 16,
                    big_endian: false,
                },
            ],
            24,
        )
        .unwrap();
        assert_eq!(
            aligned.descr(),
            "[('x', '|i1'), ('', '|V7'), ('y', '<f8'), ('z', '|i1'), ('', '|V7')]"
        );
        let packed = RecordDescr::packed([("a", DType::Bool), ("b", DType::I32)]);
        assert_eq!(packed.descr(), "[('a', '|b1'), ('b', '<i4')]");
        assert_eq!(packed.repr(), "[('a', '?'), ('b', '<i4')]");
        assert_eq!(packed.itemsize(), 5);
    }

    #[test]
    fn descr_checks() {
        let f = |name: &str, offset| FieldDescr {
            name: name.into(),
            dtype: DType::I32,
            offset,
            big_endian: false,
        };
        assert!(RecordDescr::new(vec![], 0)
            .unwrap_err()
            .contains("at least one"));
        assert!(RecordDescr::new(vec![f("a", 0), f("a", 4)], 8)
            .unwrap_err()
            .contains("twice"));
        assert!(RecordDescr::new(vec![f("a", 0), f("b", 2)], 8)
            .unwrap_err()
            .contains("overlaps"));
        assert!(RecordDescr::new(vec![f("a", 0), f("b", 4)], 7)
            .unwrap_err()
            .contains("itemsize"));
        assert!(RecordDescr::new(vec![f("", 0)], 4)
            .unwrap_err()
            .contains("empty"));
    }

    #[test]
    fn sort_uses_remaining_fields_for_ties() {
        let rec = RecordArray::from_fields([
            ("a", array([1, 0, 1, 0])),
            ("b", array([2.0, 9.0, 1.0, f64::NAN])),
        ])
        .unwrap();
        // np.sort(rec, order='a'): ties in 'a' broken by 'b', NaN last.
        let s = rec.sort_by(&["a"]);
        assert_eq!(s.field("a").to_vec::<i32>().unwrap(), vec![0, 0, 1, 1]);
        let b = s.field("b").to_vec::<f64>().unwrap();
        assert_eq!(b[0], 9.0);
        assert!(b[1].is_nan());
        assert_eq!(&b[2..], &[1.0, 2.0]);
        let err = rec.argsort(&["c"]).eval().unwrap_err().to_string();
        assert!(err.contains("no field 'c'"), "{err}");
        assert!(rec.argsort(&["a", "a"]).eval().is_err());
    }
}
