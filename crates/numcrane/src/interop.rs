//! Zero-copy interop with Rust memory, C callers and (behind the `ndarray` feature) ndarray.
//!
//! Arrays take memory in without a copy three ways: [`Array::from_vec`] adopts a `Vec` (the
//! array owns it and may write it in place), [`Array::from_shared`] shares an `Arc<[T]>`
//! (others may hold it too, so the array never writes it: in-place updates copy first) and
//! [`Array::from_static`] borrows a `&'static [T]` (read-only as well). Borrowing a slice of
//! shorter lifetime is not offered: an `Array` is a handle that graph nodes, the kernel cache
//! and other threads may keep past any borrow, so nothing could stop it from outliving the
//! slice. Wrap the data in an `Arc<[T]>` instead; that costs one copy when the data is not
//! already there, and none after.
//!
//! Out of an array: [`Array::as_slice`] borrows the elements of a realized contiguous array,
//! [`Array::raw_view`] gives a pointer, shape and byte strides for C code, and with the
//! `ndarray` feature [`Array::to_ndarray_view`] borrows any realized array (any strides, a
//! transposed or reversed view included) as an `ndarray::ArrayViewD`, while
//! [`Array::from_ndarray`] adopts a standard-layout `ndarray::ArrayD`'s `Vec` without a copy
//! and copies any other layout.

use crate::Array;
use numcrane_graph::{Buffer, DType, Element, Error, Layout, Node, Result, SourceLocation};
use std::sync::Arc;

impl Array {
    /// An array over an `Arc<[T]>`'s elements, without a copy. The array never writes them
    /// (others may read them through their own `Arc`): `set_in_place` copies instead. A
    /// length that does not match the shape gives an error at `eval`.
    ///
    /// ```
    /// use std::sync::Arc;
    /// let data: Arc<[f32]> = vec![1.0, 2.0, 3.0, 4.0].into();
    /// let a = numcrane::Array::from_shared(data.clone(), [2, 2]);
    /// assert_eq!(a.as_slice::<f32>().unwrap().as_ptr(), data.as_ptr());
    /// assert_eq!((&a * 2.0f32).to_vec::<f32>().unwrap(), vec![2.0, 4.0, 6.0, 8.0]);
    /// ```
    #[track_caller]
    pub fn from_shared<T: Element>(data: Arc<[T]>, shape: impl crate::IntoShape) -> Array {
        let loc = SourceLocation::caller();
        let shape = shape.into_shape();
        let n = data.len();
        adopt(
            Buffer::from_shared(data),
            n,
            T::DTYPE,
            shape,
            "from_shared",
            loc,
        )
    }

    /// An array over a `'static` slice (a `static` table, leaked memory), without a copy and
    /// never written (see [`Array::from_shared`]).
    ///
    /// ```
    /// static TABLE: [i32; 3] = [1, 2, 3];
    /// let a = numcrane::Array::from_static(&TABLE, [3]);
    /// assert_eq!(a.sum(..).item::<i64>().unwrap(), 6);
    /// ```
    #[track_caller]
    pub fn from_static<T: Element>(data: &'static [T], shape: impl crate::IntoShape) -> Array {
        let loc = SourceLocation::caller();
        let shape = shape.into_shape();
        let ptr = std::ptr::NonNull::new(data.as_ptr() as *mut u8)
            .unwrap_or(std::ptr::NonNull::dangling());
        // SAFETY: a `&'static [T]` is non-null, aligned to `T`, holds `len` valid elements and
        // lives forever; shared references guarantee nobody writes it, and the buffer is made
        // read-only so numcrane does not either. The owner (the reference itself) frees nothing.
        let buffer =
            unsafe { Buffer::from_owner(Box::new(data), ptr, data.len(), T::DTYPE, false) };
        adopt(buffer, data.len(), T::DTYPE, shape, "from_static", loc)
    }

    /// The data of a realized array for C code: the address of its first element, its shape
    /// and its strides in bytes (NumPy's `__array_interface__`). Borrowed from `self`: the
    /// pointer is valid while the array lives. Errors if the array is not realized.
    ///
    /// ```
    /// let a = numcrane::array([[1i16, 2, 3], [4, 5, 6]]).transpose().eval().unwrap();
    /// let v = a.raw_view().unwrap();
    /// assert_eq!(v.shape, vec![3, 2]);
    /// assert_eq!(v.strides, vec![2, 6]);
    /// // SAFETY: element [2, 1] is inside the array, at this byte offset.
    /// let x = unsafe { *(v.ptr.offset(2 * v.strides[0] + v.strides[1]) as *const i16) };
    /// assert_eq!(x, 6);
    /// ```
    #[track_caller]
    pub fn raw_view(&self) -> Result<RawView<'_>> {
        let loc = SourceLocation::caller();
        if let Some(e) = self.error() {
            return Err(e.clone());
        }
        let r = self.node.realized().ok_or_else(|| {
            Error::invalid(
                "raw_view",
                format!(
                    "the array built at {} is not realized: call .eval() first",
                    self.node.location()
                ),
                loc,
            )
        })?;
        let item = self.itemsize();
        let ptr = if r.layout.size() == 0 {
            r.buffer.as_ptr()
        } else {
            r.buffer.as_ptr().wrapping_add(r.layout.offset * item)
        };
        Ok(RawView {
            ptr,
            dtype: self.dtype(),
            shape: r.layout.shape.clone(),
            strides: r.layout.strides.iter().map(|s| s * item as isize).collect(),
            writable: false,
            _array: std::marker::PhantomData,
        })
    }
}

/// A realized array's memory as C sees it: see [`Array::raw_view`].
///
/// # Examples
///
/// ```
/// let a = numcrane::array([[1i32, 2, 3], [4, 5, 6]]).eval().unwrap();
/// let v = a.raw_view().unwrap();
/// assert_eq!((v.shape.clone(), v.strides.clone()), (vec![2, 3], vec![12, 4]));
/// assert_eq!(v.dtype, numcrane::DType::I32);
/// assert!(!v.writable);
/// ```
#[derive(Clone, Debug)]
pub struct RawView<'a> {
    /// The first element (index `[0, 0, ...]`); elements are at `ptr + sum(i_k * strides[k])`.
    pub ptr: *const u8,
    /// The element type.
    pub dtype: DType,
    /// The length of each axis.
    pub shape: Vec<usize>,
    /// Bytes between neighbours along each axis (negative for reversed views, 0 for
    /// broadcast axes).
    pub strides: Vec<isize>,
    /// Always false: the memory may be shared by other arrays; C code must only read it.
    pub writable: bool,
    _array: std::marker::PhantomData<&'a Array>,
}

/// A leaf array over `buffer` when `n` elements fit `shape`; a poisoned one otherwise.
fn adopt(
    buffer: Buffer,
    n: usize,
    dtype: DType,
    shape: Vec<usize>,
    op: &'static str,
    loc: SourceLocation,
) -> Array {
    match numcrane_graph::layout::checked_size(&shape) {
        Some(size) if size == n => Array::from_node(Node::leaf(
            Arc::new(buffer),
            Layout::contiguous(&shape),
            loc,
        )),
        _ => {
            let err = Error::BadReshape {
                op,
                from: vec![n].as_slice().into(),
                to: format!("{shape:?}"),
                location: loc,
            };
            crate::build::poison(err, numcrane_graph::Op::Leaf, &[], dtype, shape, loc)
        }
    }
}

#[cfg(feature = "ndarray")]
mod nd {
    use super::*;
    use ndarray::{ArrayD, ArrayViewD, Axis, IxDyn, ShapeBuilder};

    impl Array {
        /// Borrows a realized array as an `ndarray::ArrayViewD` without copying, whatever its
        /// strides (transposed, sliced, reversed and broadcast views included). Errors if the
        /// array is not realized or `T` is not its dtype. Needs the `ndarray` feature.
        ///
        /// ```
        /// let a = numcrane::array([[1.0, 2.0], [3.0, 4.0]]).transpose().eval().unwrap();
        /// let v = a.to_ndarray_view::<f64>().unwrap();
        /// assert_eq!(v[[0, 1]], 3.0);
        /// ```
        #[track_caller]
        pub fn to_ndarray_view<T: Element>(&self) -> Result<ArrayViewD<'_, T>> {
            let loc = SourceLocation::caller();
            // Checks the build error, the dtype and realization.
            let raw = self.raw_view()?;
            if self.dtype() != T::DTYPE {
                return Err(Error::WrongElementType {
                    op: "to_ndarray_view",
                    actual: self.dtype(),
                    requested: T::DTYPE,
                    location: loc,
                });
            }
            let item = std::mem::size_of::<T>() as isize;
            // ndarray builds views from non-negative strides: start at the lowest address
            // and flip the reversed axes afterwards.
            let mut base = raw.ptr as *const T;
            let mut strides = Vec::with_capacity(raw.shape.len());
            for (&len, &s) in raw.shape.iter().zip(&raw.strides) {
                let s = s / item;
                if s < 0 && len > 0 {
                    base = base.wrapping_offset(s * (len as isize - 1));
                }
                strides.push(if len == 0 { 0 } else { s.unsigned_abs() });
            }
            let shape = IxDyn(&raw.shape).strides(IxDyn(&strides));
            // SAFETY: every element the view reaches is an element of this realized array
            // inside its buffer (the layout was checked against the buffer when the array was
            // made), aligned to T and of dtype T (checked above); the buffer is not written
            // while shared (`&self` keeps a reference count on it, which makes in-place
            // writers copy), and the view borrows `self`, so it cannot outlive the buffer.
            // Overlapping (broadcast) strides are allowed for read-only views.
            let mut view = unsafe { ArrayViewD::from_shape_ptr(shape, base) };
            for (axis, &s) in raw.strides.iter().enumerate() {
                if s < 0 {
                    view.invert_axis(Axis(axis));
                }
            }
            Ok(view)
        }

        /// Copies into an owned `ndarray::ArrayD` (row-major). Needs the `ndarray` feature.
        ///
        /// # Examples
        ///
        /// ```
        /// let a = numcrane::array([[1.0, 2.0], [3.0, 4.0]]).transpose();
        /// let nd = a.to_ndarray::<f64>().unwrap();
        /// assert_eq!(nd.shape(), &[2, 2]);
        /// assert_eq!(nd.iter().copied().collect::<Vec<_>>(), vec![1.0, 3.0, 2.0, 4.0]);
        /// ```
        #[track_caller]
        pub fn to_ndarray<T: Element>(&self) -> Result<ArrayD<T>> {
            let data = self.to_vec::<T>()?;
            ArrayD::from_shape_vec(IxDyn(self.shape()), data)
                .map_err(|e| Error::internal("to_ndarray", format!("shape and data disagree: {e}")))
        }

        /// An array from an `ndarray` array: a standard-layout (row-major, offset 0) array
        /// gives its `Vec` without a copy; any other layout is copied in row-major order.
        /// Needs the `ndarray` feature.
        ///
        /// ```
        /// let nd = ndarray::ArrayD::from_shape_vec(ndarray::IxDyn(&[2, 2]), vec![1i64, 2, 3, 4]).unwrap();
        /// let a = numcrane::Array::from_ndarray(nd.reversed_axes());
        /// assert_eq!(a.to_vec::<i64>().unwrap(), vec![1, 3, 2, 4]);
        /// ```
        #[track_caller]
        pub fn from_ndarray<T: Element, D: ndarray::Dimension>(a: ndarray::Array<T, D>) -> Array {
            let shape = a.shape().to_vec();
            if a.is_standard_layout() {
                let (data, offset) = a.into_raw_vec_and_offset();
                if offset.unwrap_or(0) == 0
                    && Some(data.len()) == numcrane_graph::layout::checked_size(&shape)
                {
                    return Array::from_vec(data, shape);
                }
                // Shared storage with an offset: rebuild and copy below.
                let a = ndarray::ArrayView::from_shape(
                    IxDyn(&shape),
                    data.get(offset.unwrap_or(0)..).unwrap_or_default(),
                );
                return match a {
                    Ok(v) => Array::from_vec(v.iter().copied().collect(), shape),
                    Err(_) => Array::from_vec(Vec::<T>::new(), shape),
                };
            }
            Array::from_vec(a.iter().copied().collect(), shape)
        }
    }
}
