//! Strided matrix views over slices, validated once at construction.
//!
//! A view is a base pointer plus rows, columns and two signed element strides. Building one
//! from a slice checks that every element it addresses lies inside the slice, and for
//! [`MatMut`] that no two elements share a location, so the safe [`crate::gemm`] only has to
//! compare shapes. Zero and negative strides are allowed on [`MatRef`] (broadcast and reversed
//! inputs).

use crate::error::GemmError;
use crate::scale::OperandScale;
use std::marker::PhantomData;

/// Smallest and largest element offset (relative to element (0, 0)) that a view addresses, or
/// `None` when the view is empty or the arithmetic overflows `isize`.
fn offset_range(rows: usize, cols: usize, rs: isize, cs: isize) -> Option<(isize, isize)> {
    if rows == 0 || cols == 0 {
        return None;
    }
    let r = isize::try_from(rows - 1).ok()?.checked_mul(rs)?;
    let c = isize::try_from(cols - 1).ok()?.checked_mul(cs)?;
    let lo = r.min(0).checked_add(c.min(0))?;
    let hi = r.max(0).checked_add(c.max(0))?;
    Some((lo, hi))
}

/// Checks that a view of `len` elements starting at `offset` stays inside the slice.
fn check_bounds(
    what: &'static str,
    len: usize,
    offset: usize,
    rows: usize,
    cols: usize,
    rs: isize,
    cs: isize,
) -> Result<(), GemmError> {
    let err = || GemmError::OutOfBounds {
        what,
        shape: (rows, cols),
        strides: (rs, cs),
        offset,
        len,
    };
    if rows == 0 || cols == 0 {
        return if offset <= len { Ok(()) } else { Err(err()) };
    }
    let (lo, hi) = offset_range(rows, cols, rs, cs).ok_or_else(err)?;
    let off = isize::try_from(offset).map_err(|_| err())?;
    let first = off.checked_add(lo).ok_or_else(err)?;
    let last = off.checked_add(hi).ok_or_else(err)?;
    if first < 0 || last as usize >= len {
        return Err(err());
    }
    Ok(())
}

/// True when distinct (i, j) of a rows x cols view map to distinct offsets. The sufficient
/// test used: with the dimensions ordered by |stride|, the smaller one's whole extent fits
/// strictly inside one step of the larger one.
pub(crate) fn is_non_overlapping(rows: usize, cols: usize, rs: isize, cs: isize) -> bool {
    if rows == 0 || cols == 0 {
        return true;
    }
    let mut dims: Vec<(usize, usize)> = [(rows, rs.unsigned_abs()), (cols, cs.unsigned_abs())]
        .into_iter()
        .filter(|d| d.0 > 1)
        .collect();
    match dims.len() {
        0 => true,
        1 => dims[0].1 != 0,
        _ => {
            dims.sort_by_key(|d| d.1);
            let (n0, s0) = dims[0];
            let (_, s1) = dims[1];
            s0 != 0 && (n0 - 1).checked_mul(s0).is_some_and(|ext| ext < s1)
        }
    }
}

/// A read-only strided view of a `rows x cols` matrix.
#[derive(Debug, Clone, Copy)]
pub struct MatRef<'a, T> {
    pub(crate) ptr: *const T,
    pub(crate) rows: usize,
    pub(crate) cols: usize,
    pub(crate) rs: isize,
    pub(crate) cs: isize,
    /// Applied to each element as it is read (see [`MatRef::scaled`]).
    pub(crate) scale: Option<OperandScale<T>>,
    _marker: PhantomData<&'a [T]>,
}

// SAFETY: a MatRef is a shared borrow of `T`s (like `&'a [T]`), so it may cross threads
// whenever `&[T]` may, i.e. when `T: Sync`.
unsafe impl<T: Sync> Send for MatRef<'_, T> {}
// SAFETY: as above; the view only ever reads through its pointer.
unsafe impl<T: Sync> Sync for MatRef<'_, T> {}

impl<'a, T> MatRef<'a, T> {
    /// A view of `data[offset + i * rs + j * cs]` for `i < rows`, `j < cols`. Any strides,
    /// including zero and negative ones; fails if an element would fall outside `data`.
    pub fn from_slice(
        data: &'a [T],
        offset: usize,
        rows: usize,
        cols: usize,
        rs: isize,
        cs: isize,
    ) -> Result<Self, GemmError> {
        check_bounds("view", data.len(), offset, rows, cols, rs, cs)?;
        Ok(MatRef {
            // wrapping_add: for an empty view `offset` may equal `len`; the pointer is never read.
            ptr: data.as_ptr().wrapping_add(offset),
            rows,
            cols,
            rs,
            cs,
            scale: None,
            _marker: PhantomData,
        })
    }

    /// A contiguous row-major view (`rs = cols`, `cs = 1`) of the first `rows * cols` elements.
    pub fn row_major(data: &'a [T], rows: usize, cols: usize) -> Result<Self, GemmError> {
        let rs = isize::try_from(cols).unwrap_or(isize::MAX);
        Self::from_slice(data, 0, rows, cols, rs, 1)
    }

    /// A contiguous column-major view (`rs = 1`, `cs = rows`).
    pub fn col_major(data: &'a [T], rows: usize, cols: usize) -> Result<Self, GemmError> {
        let cs = isize::try_from(rows).unwrap_or(isize::MAX);
        Self::from_slice(data, 0, rows, cols, 1, cs)
    }

    /// A view from a raw pointer.
    ///
    /// # Safety
    /// For all `i < rows`, `j < cols`, `ptr.offset(i * rs + j * cs)` must be valid for reads
    /// and not written to during `'a`; the offsets must not overflow `isize`.
    pub unsafe fn from_raw_parts(
        ptr: *const T,
        rows: usize,
        cols: usize,
        rs: isize,
        cs: isize,
    ) -> Self {
        MatRef {
            ptr,
            rows,
            cols,
            rs,
            cs,
            scale: None,
            _marker: PhantomData,
        }
    }

    /// The transposed view (no data moves).
    pub fn t(self) -> Self {
        MatRef {
            rows: self.cols,
            cols: self.rows,
            rs: self.cs,
            cs: self.rs,
            ..self
        }
    }

    /// The same view read scaled: each element `x` is used as `x * s` ([`OperandScale::Mul`])
    /// or `x / s` ([`OperandScale::Div`]), applied while the GEMM packs the operand, so
    /// `(s * A) @ B` never materialises `s * A`. The product has the same bits as scaling
    /// first (the same multiply or divide per element, then the same GEMM). Replaces any
    /// earlier scale; the transposed view keeps it.
    pub fn scaled(self, s: OperandScale<T>) -> Self {
        MatRef {
            scale: Some(s),
            ..self
        }
    }

    /// The scale the GEMM applies to this view's elements, if any.
    pub fn scale(&self) -> Option<OperandScale<T>>
    where
        T: Copy,
    {
        self.scale
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Number of columns.
    pub fn cols(&self) -> usize {
        self.cols
    }

    /// Row and column strides in elements.
    pub fn strides(&self) -> (isize, isize) {
        (self.rs, self.cs)
    }
}

/// A mutable strided view of a `rows x cols` matrix whose elements do not overlap.
#[derive(Debug)]
pub struct MatMut<'a, T> {
    pub(crate) ptr: *mut T,
    pub(crate) rows: usize,
    pub(crate) cols: usize,
    pub(crate) rs: isize,
    pub(crate) cs: isize,
    _marker: PhantomData<&'a mut [T]>,
}

// SAFETY: a MatMut is an exclusive borrow of `T`s (like `&'a mut [T]`), which is Send when
// `T: Send`.
unsafe impl<T: Send> Send for MatMut<'_, T> {}
// SAFETY: `&MatMut` gives no access to the elements, so sharing it is harmless (as for
// `&&mut [T]` with `T: Sync`).
unsafe impl<T: Sync> Sync for MatMut<'_, T> {}

impl<'a, T> MatMut<'a, T> {
    /// A mutable view of `data[offset + i * rs + j * cs]`. Negative strides are allowed; fails
    /// if an element falls outside `data` or two elements share a location (e.g. a zero
    /// stride on a dimension longer than 1).
    pub fn from_slice(
        data: &'a mut [T],
        offset: usize,
        rows: usize,
        cols: usize,
        rs: isize,
        cs: isize,
    ) -> Result<Self, GemmError> {
        check_bounds("C", data.len(), offset, rows, cols, rs, cs)?;
        if !is_non_overlapping(rows, cols, rs, cs) {
            return Err(GemmError::Overlapping {
                shape: (rows, cols),
                strides: (rs, cs),
            });
        }
        Ok(MatMut {
            ptr: data.as_mut_ptr().wrapping_add(offset),
            rows,
            cols,
            rs,
            cs,
            _marker: PhantomData,
        })
    }

    /// A contiguous row-major view (`rs = cols`, `cs = 1`).
    pub fn row_major(data: &'a mut [T], rows: usize, cols: usize) -> Result<Self, GemmError> {
        let rs = isize::try_from(cols).unwrap_or(isize::MAX);
        Self::from_slice(data, 0, rows, cols, rs, 1)
    }

    /// A contiguous column-major view (`rs = 1`, `cs = rows`).
    pub fn col_major(data: &'a mut [T], rows: usize, cols: usize) -> Result<Self, GemmError> {
        let cs = isize::try_from(rows).unwrap_or(isize::MAX);
        Self::from_slice(data, 0, rows, cols, 1, cs)
    }

    /// A view from a raw pointer.
    ///
    /// # Safety
    /// For all `i < rows`, `j < cols`, `ptr.offset(i * rs + j * cs)` must be valid for reads
    /// and writes, distinct (i, j) must give distinct locations, nothing else may access them
    /// during `'a`, and the offsets must not overflow `isize`.
    pub unsafe fn from_raw_parts(
        ptr: *mut T,
        rows: usize,
        cols: usize,
        rs: isize,
        cs: isize,
    ) -> Self {
        MatMut {
            ptr,
            rows,
            cols,
            rs,
            cs,
            _marker: PhantomData,
        }
    }

    /// The transposed view (no data moves).
    pub fn t(self) -> Self {
        MatMut {
            rows: self.cols,
            cols: self.rows,
            rs: self.cs,
            cs: self.rs,
            ..self
        }
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Number of columns.
    pub fn cols(&self) -> usize {
        self.cols
    }

    /// Row and column strides in elements.
    pub fn strides(&self) -> (isize, isize) {
        (self.rs, self.cs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds() {
        let d = [0.0f32; 12];
        assert!(MatRef::from_slice(&d, 0, 3, 4, 4, 1).is_ok());
        assert!(MatRef::from_slice(&d, 1, 3, 4, 4, 1).is_err());
        assert!(MatRef::from_slice(&d, 11, 3, 4, -4, -1).is_ok());
        assert!(MatRef::from_slice(&d, 10, 3, 4, -4, -1).is_err());
        assert!(MatRef::from_slice(&d, 0, 100, 4, 0, 1).is_ok());
        assert!(MatRef::from_slice(&d, 12, 0, 4, 4, 1).is_ok());
        assert!(MatRef::from_slice(&d, 13, 0, 4, 4, 1).is_err());
        assert!(MatRef::from_slice(&d, 0, 2, 2, isize::MAX, 1).is_err());
    }

    #[test]
    fn overlap() {
        assert!(is_non_overlapping(3, 4, 4, 1));
        assert!(is_non_overlapping(3, 4, 1, 3));
        assert!(!is_non_overlapping(3, 4, 1, 2));
        assert!(!is_non_overlapping(3, 4, 0, 1));
        assert!(is_non_overlapping(1, 4, 0, 1));
        assert!(is_non_overlapping(3, 4, -4, -1));
        let mut d = [0.0f64; 12];
        assert!(MatMut::from_slice(&mut d, 0, 3, 4, 0, 1).is_err());
    }
}
