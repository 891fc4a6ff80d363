//! `Array`: the user's handle to a lazy array, its attributes, evaluation and data access.
//!
//! An `Array` is a cheap-to-clone `Arc` to an immutable graph node. Building operations never
//! touches data; `eval` computes and stores the data in the node; reading data evaluates first
//! when needed.

use crate::backend;
use numcrane_graph::error::SourceLocation;
use numcrane_graph::layout::checked_size;
use numcrane_graph::{Buffer, DType, Element, Error, Layout, Node, NodeRef, Op, Realized, Result};
use std::sync::Arc;

/// A lazy n-dimensional array.
///
/// ```
/// use numcrane::array;
/// let a = array([1i32, 2, 3]);
/// let b = (&a * 2 + 1).eval().unwrap();
/// assert_eq!(b.to_vec::<i32>().unwrap(), vec![3, 5, 7]);
/// ```
#[derive(Clone)]
pub struct Array {
    pub(crate) node: NodeRef,
}

/// Something that names a shape: `[2, 3]`, `&[2, 3]`, `vec![2, 3]`, `5` (1-d) or `[]` (0-d).
///
/// # Examples
///
/// ```
/// use numcrane::{zeros, DType};
/// // Any of these name the shape [2, 3].
/// assert_eq!(zeros([2, 3], DType::F64).shape(), &[2, 3]);
/// assert_eq!(zeros(vec![2, 3], DType::F64).shape(), &[2, 3]);
/// assert_eq!(zeros(&[2usize, 3][..], DType::F64).shape(), &[2, 3]);
/// // A number is 1-d, `[]` is 0-d.
/// assert_eq!(zeros(4, DType::I32).shape(), &[4]);
/// assert_eq!(zeros([], DType::I32).ndim(), 0);
/// ```
pub trait IntoShape {
    /// The dimensions.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::IntoShape;
    /// assert_eq!([2usize, 3].into_shape(), vec![2, 3]);
    /// assert_eq!(5usize.into_shape(), vec![5]);
    /// assert_eq!(Vec::<usize>::new().into_shape(), Vec::<usize>::new());
    /// ```
    fn into_shape(self) -> Vec<usize>;
}

impl<const N: usize> IntoShape for [usize; N] {
    fn into_shape(self) -> Vec<usize> {
        self.to_vec()
    }
}
impl IntoShape for &[usize] {
    fn into_shape(self) -> Vec<usize> {
        self.to_vec()
    }
}
impl IntoShape for Vec<usize> {
    fn into_shape(self) -> Vec<usize> {
        self
    }
}
impl IntoShape for &Vec<usize> {
    fn into_shape(self) -> Vec<usize> {
        self.clone()
    }
}
impl IntoShape for usize {
    fn into_shape(self) -> Vec<usize> {
        vec![self]
    }
}

impl Array {
    pub(crate) fn from_node(node: NodeRef) -> Array {
        Array { node }
    }

    /// An array holding already computed data (used by readers such as `io::read_npy`).
    #[doc(hidden)]
    #[track_caller]
    pub fn from_realized(buffer: Arc<Buffer>, layout: Layout) -> Array {
        Array::from_node(Node::leaf(buffer, layout, SourceLocation::caller()))
    }

    /// An array of the given shape holding `data` in row-major order. The `Vec`'s memory
    /// becomes the array's buffer without a copy (it keeps the `Vec`'s alignment, that of
    /// `T`; numcrane's own buffers are 64-byte aligned, and no kernel needs more than the
    /// element's alignment). A length that does not match the shape gives an error at `eval`.
    ///
    /// ```
    /// let a = numcrane::Array::from_vec(vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0], [2, 3]);
    /// assert_eq!(a.shape(), &[2, 3]);
    /// ```
    #[track_caller]
    pub fn from_vec<T: Element>(data: Vec<T>, shape: impl IntoShape) -> Array {
        let loc = SourceLocation::caller();
        let shape = shape.into_shape();
        match checked_size(&shape) {
            Some(n) if n == data.len() => {}
            _ => {
                let err = Error::BadReshape {
                    op: "from_vec",
                    from: vec![data.len()].as_slice().into(),
                    to: format!("{:?}", shape),
                    location: loc,
                };
                return Array::from_node(Node::poisoned(
                    err,
                    Op::Leaf,
                    vec![],
                    T::DTYPE,
                    shape,
                    loc,
                ));
            }
        }
        // The Vec's allocation becomes the array's buffer: no copy (see `Buffer::from_vec`).
        let b = Buffer::from_vec(data);
        Array::from_node(Node::leaf(Arc::new(b), Layout::contiguous(&shape), loc))
    }

    /// A 0-d array holding one value.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{Array, DType};
    /// let s = Array::scalar(2.5f32);
    /// assert_eq!((s.ndim(), s.dtype()), (0, DType::F32));
    /// assert_eq!(s.item::<f32>().unwrap(), 2.5);
    /// ```
    #[track_caller]
    pub fn scalar<T: Element>(value: T) -> Array {
        Array::from_vec(vec![value], [])
    }

    /// The graph node (for backends and debugging tools).
    #[doc(hidden)]
    pub fn node(&self) -> &NodeRef {
        &self.node
    }

    /// The dimensions.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::array;
    /// let a = array([[1, 2, 3], [4, 5, 6]]);
    /// assert_eq!(a.shape(), &[2, 3]);
    /// assert_eq!(a.sum(0).shape(), &[3]);
    /// ```
    pub fn shape(&self) -> &[usize] {
        self.node.shape()
    }

    /// Number of dimensions.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, Array};
    /// assert_eq!(array([[1.0, 2.0], [3.0, 4.0]]).ndim(), 2);
    /// assert_eq!(Array::scalar(1.0).ndim(), 0);
    /// ```
    pub fn ndim(&self) -> usize {
        self.shape().len()
    }

    /// Number of elements.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::array;
    /// assert_eq!(array([[1, 2, 3], [4, 5, 6]]).size(), 6);
    /// ```
    pub fn size(&self) -> usize {
        // Saturates for the shape of a node poisoned for being too big.
        numcrane_graph::layout::size_of(self.shape())
    }

    /// The element type.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, DType};
    /// assert_eq!(array([1.0f32, 2.0]).dtype(), DType::F32);
    /// // Integer inputs of a true division give float64, as in NumPy.
    /// assert_eq!((array([1i32, 2]) / 2).dtype(), DType::F64);
    /// ```
    pub fn dtype(&self) -> DType {
        self.node.dtype()
    }

    /// Bytes per element.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, DType};
    /// assert_eq!(array([1.0f32]).itemsize(), 4);
    /// assert_eq!(array([1u8]).astype(DType::I64).itemsize(), 8);
    /// ```
    pub fn itemsize(&self) -> usize {
        self.dtype().itemsize()
    }

    /// Bytes the elements take (`size * itemsize`), as NumPy's `nbytes`.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{zeros, DType};
    /// assert_eq!(zeros([3, 4], DType::F64).nbytes(), 96);
    /// ```
    pub fn nbytes(&self) -> usize {
        self.size().saturating_mul(self.itemsize())
    }

    /// Strides in bytes of a realized array (None before evaluation), as NumPy's `strides`.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::array;
    /// let a = array([[1i32, 2, 3], [4, 5, 6]]);
    /// assert_eq!(a.eval().unwrap().strides(), Some(vec![12, 4]));
    /// // A lazy result has no memory yet; evaluated, it has.
    /// let t = a.T();
    /// assert_eq!(t.eval().unwrap().strides().map(|s| s.len()), Some(2));
    /// ```
    pub fn strides(&self) -> Option<Vec<isize>> {
        let r = self.node.realized()?;
        let item = self.itemsize() as isize;
        Some(r.layout.strides.iter().map(|s| s * item).collect())
    }

    /// True once the data has been computed.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::array;
    /// let a = array([1.0, 2.0]);
    /// let b = &a * 2.0;
    /// assert!(!b.is_realized());
    /// let b = b.eval().unwrap();
    /// assert!(b.is_realized());
    /// ```
    pub fn is_realized(&self) -> bool {
        self.node.realized().is_some()
    }

    /// The error this array was built with, if any (the one `eval` would return), without
    /// evaluating anything.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::array;
    /// let bad = array([1.0, 2.0]) + array([1.0, 2.0, 3.0]);
    /// let err = bad.error().expect("shapes [2] and [3] do not broadcast");
    /// assert!(err.to_string().contains("add"));
    /// assert!((array([1.0]) + 1.0).error().is_none());
    /// ```
    pub fn error(&self) -> Option<&Error> {
        self.node.error()
    }

    /// Computes the array and returns it realized. Evaluating a realized array does nothing.
    ///
    /// Errors made while building the expression (incompatible shapes, bad axes, ...) come out
    /// here, naming the operation and the line that built it.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::array;
    /// let x = array([1.0, 2.0, 3.0]);
    /// let y = (&x * &x).sum(..).eval().unwrap();
    /// assert_eq!(y.item::<f64>().unwrap(), 14.0);
    /// // A shape error made while building comes out of eval.
    /// assert!((x + array([1.0, 2.0])).eval().is_err());
    /// ```
    pub fn eval(&self) -> Result<Array> {
        backend::realize(std::slice::from_ref(&self.node))?;
        Ok(self.clone())
    }

    /// Computes the array with a chosen backend (see [`Backend`](crate::Backend)); `eval` uses
    /// the default one.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, Backend};
    /// let y = array([1.0, 2.0]) * 3.0;
    /// let a = y.eval_with(Backend::Eval).unwrap();
    /// let b = y.eval_with(Backend::Jit).unwrap();
    /// assert_eq!(a.to_vec::<f64>().unwrap(), b.to_vec::<f64>().unwrap());
    /// ```
    pub fn eval_with(&self, backend: crate::Backend) -> Result<Array> {
        backend::realize_with(std::slice::from_ref(&self.node), backend)?;
        Ok(self.clone())
    }

    /// What evaluating this array will do, as text: the recorded graph (one line per node,
    /// inputs first, with its dtype, shape and the source line that created it) and the
    /// fusion plan (each kernel with the nodes it computes and reads, and why it ends where
    /// it does).
    ///
    /// ```
    /// use numcrane::array;
    /// let x = array([1.0f32, 2.0, 3.0]);
    /// let text = (&x * 2.0 + 1.0).sum(..).explain();
    /// assert!(text.contains("graph") && text.contains("kernel sum"));
    /// ```
    pub fn explain(&self) -> String {
        crate::explain::explain(std::slice::from_ref(&self.node))
    }

    /// The fusion plan for this array as text: one line per kernel or evaluator step, with the
    /// reason each kernel ends where it does.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::array;
    /// let x = array([1.0f32, 2.0, 3.0]);
    /// let plan = (&x * 2.0 + 1.0).explain_plan();
    /// assert!(plan.contains("kernel"));
    /// ```
    pub fn explain_plan(&self) -> String {
        backend::plan_text(std::slice::from_ref(&self.node)).0
    }

    /// How many fused kernels evaluating this array takes (for tests of the fusion pass).
    #[doc(hidden)]
    pub fn fused_kernel_count(&self) -> usize {
        backend::plan_text(std::slice::from_ref(&self.node)).1
    }

    pub(crate) fn realized(&self) -> Result<&Realized> {
        if self.node.realized().is_none() {
            backend::realize(std::slice::from_ref(&self.node))?;
        }
        self.node
            .realized()
            .ok_or_else(|| Error::internal("eval", "node not realized after evaluation"))
    }

    /// The elements in row-major order, evaluating first if needed. `T` must be the dtype's
    /// Rust type (use `astype` to convert).
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, DType};
    /// let a = array([[1, 2], [3, 4]]);
    /// assert_eq!(a.T().to_vec::<i32>().unwrap(), vec![1, 3, 2, 4]);
    /// // The type must be the dtype's: convert with astype first.
    /// assert!(a.to_vec::<f64>().is_err());
    /// assert_eq!(a.astype(DType::F64).to_vec::<f64>().unwrap(), vec![1.0, 2.0, 3.0, 4.0]);
    /// ```
    #[track_caller]
    pub fn to_vec<T: Element>(&self) -> Result<Vec<T>> {
        self.check_type::<T>("to_vec")?;
        Ok(numcrane_graph::eval::values::<T>(self.realized()?)?.into_owned())
    }

    /// The single element of a one-element array (any shape), evaluating first if needed.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::array;
    /// let total = array([[1, 2], [3, 4]]).sum(..);
    /// assert_eq!(total.item::<i64>().unwrap(), 10);
    /// assert!(array([1, 2]).item::<i32>().is_err());
    /// ```
    #[track_caller]
    pub fn item<T: Element>(&self) -> Result<T> {
        self.check_type::<T>("item")?;
        if self.size() != 1 {
            return Err(Error::invalid(
                "item",
                format!(
                    "can only convert an array of size 1 to a scalar, not size {} (shape {:?})",
                    self.size(),
                    self.shape()
                ),
                SourceLocation::caller(),
            ));
        }
        let values = numcrane_graph::eval::values::<T>(self.realized()?)?;
        values
            .first()
            .copied()
            .ok_or_else(|| Error::internal("item", "size-1 array without element"))
    }

    /// An iterator over the elements in row-major order (evaluates first if needed).
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::array;
    /// let a = array([1.0, 2.0, 3.0]);
    /// let doubled: Vec<f64> = a.iter::<f64>().unwrap().map(|v| v * 2.0).collect();
    /// assert_eq!(doubled, vec![2.0, 4.0, 6.0]);
    /// ```
    #[track_caller]
    pub fn iter<T: Element>(&self) -> Result<std::vec::IntoIter<T>> {
        Ok(self.to_vec::<T>()?.into_iter())
    }

    /// The elements of a realized, row-major contiguous array without copying.
    /// Errors if the array is not realized, not contiguous, or `T` is not its dtype.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::array;
    /// let a = (array([1.0, 2.0]) + 1.0).eval().unwrap();
    /// assert_eq!(a.as_slice::<f64>().unwrap(), &[2.0, 3.0]);
    /// // Not yet evaluated: no slice to borrow.
    /// assert!((array([1.0]) * 2.0).as_slice::<f64>().is_err());
    /// ```
    #[track_caller]
    pub fn as_slice<T: Element>(&self) -> Result<&[T]> {
        let loc = SourceLocation::caller();
        self.check_type::<T>("as_slice")?;
        let r = self.node.realized().ok_or_else(|| {
            Error::invalid(
                "as_slice",
                format!(
                    "the array built at {} is not realized: call .eval() first",
                    self.node.location()
                ),
                loc,
            )
        })?;
        if !r.layout.is_c_contiguous() {
            return Err(Error::invalid(
                "as_slice",
                format!(
                    "the array built at {} is a non-contiguous view: use to_vec() or .copy() first",
                    self.node.location()
                ),
                loc,
            ));
        }
        let start = if r.layout.size() == 0 {
            0
        } else {
            r.layout.offset
        };
        r.buffer
            .as_slice::<T>()?
            .get(start..start + r.layout.size())
            .ok_or_else(|| Error::internal("as_slice", "layout outside its buffer"))
    }

    /// Calls `f` with the elements' bytes in row-major order (native byte order), evaluating
    /// first if needed: the realized buffer itself when it is C-contiguous, else a copy.
    pub(crate) fn with_contiguous_bytes<R>(&self, f: impl FnOnce(&[u8]) -> R) -> Result<R> {
        fn run<T: Element, R>(r: &Realized, f: impl FnOnce(&[u8]) -> R) -> Result<R> {
            let values = numcrane_graph::eval::values::<T>(r)?;
            let n = std::mem::size_of_val(values.as_ref());
            // SAFETY: `values` is a slice of plain elements (integers, floats, bool bytes,
            // pairs of floats) without padding; viewing its memory as `n` initialised bytes is
            // valid while it lives, which outlasts `f`.
            let bytes = unsafe { std::slice::from_raw_parts(values.as_ptr() as *const u8, n) };
            Ok(f(bytes))
        }
        let r = self.realized()?;
        numcrane_graph::with_dtype!(self.dtype(), T => run::<T, R>(r, f))
    }

    /// The elements as native-endian bytes in row-major order (evaluates first if needed).
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::array;
    /// let bytes = array([1u16, 258]).contiguous_bytes().unwrap();
    /// let mut expected = 1u16.to_ne_bytes().to_vec();
    /// expected.extend(258u16.to_ne_bytes());
    /// assert_eq!(bytes, expected);
    /// ```
    pub fn contiguous_bytes(&self) -> Result<Vec<u8>> {
        fn bytes_of<T: Element>(r: &Realized) -> Result<Vec<u8>> {
            let values = numcrane_graph::eval::values::<T>(r)?;
            let n = std::mem::size_of_val(values.as_ref());
            // SAFETY: `values` is a slice of plain integer/float/bool elements without padding;
            // viewing its memory as `n` initialised bytes is valid for its lifetime.
            let bytes = unsafe { std::slice::from_raw_parts(values.as_ptr() as *const u8, n) };
            Ok(bytes.to_vec())
        }
        let r = self.realized()?;
        numcrane_graph::with_dtype!(self.dtype(), T => bytes_of::<T>(r))
    }

    /// The checks every read starts with: the array's own build error first (the mistake the
    /// user made earliest), then the element type.
    #[track_caller]
    fn check_type<T: Element>(&self, op: &'static str) -> Result<()> {
        if let Some(e) = self.error() {
            return Err(e.clone());
        }
        if T::DTYPE == self.dtype() {
            Ok(())
        } else {
            Err(Error::WrongElementType {
                op,
                actual: self.dtype(),
                requested: T::DTYPE,
                location: SourceLocation::caller(),
            })
        }
    }
}

/// Evaluates several arrays together, sharing the work on their common inputs.
///
/// # Examples
///
/// ```
/// use numcrane::{array, eval_all};
/// let x = array([1.0, 2.0, 3.0]);
/// let centered = &x - x.mean(0);
/// let (lo, hi) = (centered.min(0), centered.max(0));
/// eval_all(&[&lo, &hi]).unwrap();
/// assert!(lo.is_realized() && hi.is_realized());
/// assert_eq!((lo.item::<f64>().unwrap(), hi.item::<f64>().unwrap()), (-1.0, 1.0));
/// ```
pub fn eval_all(arrays: &[&Array]) -> Result<()> {
    let nodes: Vec<NodeRef> = arrays.iter().map(|a| a.node.clone()).collect();
    backend::realize(&nodes)
}

impl std::fmt::Display for Array {
    /// NumPy's `str(a)`; evaluates the array (an error prints as `<error: ...>`).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.realized() {
            Ok(r) => f.write_str(&crate::print::format_array(
                r,
                self.dtype(),
                self.shape(),
                false,
            )),
            Err(e) => write!(f, "<error: {e}>"),
        }
    }
}

impl std::fmt::Debug for Array {
    /// NumPy's `repr(a)`; evaluates the array (an error prints as `<error: ...>`).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.realized() {
            Ok(r) => f.write_str(&crate::print::format_array(
                r,
                self.dtype(),
                self.shape(),
                true,
            )),
            Err(e) => write!(f, "<error: {e}>"),
        }
    }
}
