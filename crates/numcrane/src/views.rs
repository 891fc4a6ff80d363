//! Shape manipulation that never copies: reshape, transpose/permute, swapaxes, moveaxis,
//! squeeze, expand_dims, broadcast_to, flip, ravel, diagonal. Each builds a `View` node, an
//! index map over its input (reshape of a non-contiguous view copies at evaluation, as NumPy).

use crate::build;
use crate::Array;
use numcrane_graph::error::SourceLocation;
use numcrane_graph::layout::checked_size;
use numcrane_graph::{Error, Op, ViewOp};

/// Something that names a target shape that may contain one `-1` (inferred):
/// `[2, -1]`, `[rows, cols]` of `usize`, `&[2isize, 3][..]`, `vec![6]`, or a `&[usize]` shape
/// such as `other.shape()`.
///
/// # Examples
///
/// ```
/// use numcrane::arange;
/// let a = arange(0, 6, 1);
/// assert_eq!(a.reshape([2, -1]).shape(), &[2, 3]);
/// assert_eq!(a.reshape([3usize, 2]).shape(), &[3, 2]);
/// assert_eq!(a.reshape(vec![6isize]).shape(), &[6]);
/// let b = arange(10, 16, 1);
/// assert_eq!(b.reshape(a.reshape([2, 3]).shape()).shape(), &[2, 3]);
/// ```
pub trait IntoDims {
    /// The dimensions, with -1 meaning "infer".
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::IntoDims;
    /// assert_eq!([2, -1].into_dims(), vec![2, -1]);
    /// assert_eq!([4usize, 5].into_dims(), vec![4, 5]);
    /// ```
    fn into_dims(self) -> Vec<isize>;
}

impl<const N: usize> IntoDims for [isize; N] {
    fn into_dims(self) -> Vec<isize> {
        self.to_vec()
    }
}
// `[n, m]` of `usize` (shapes computed from `len()`s) and of `i32`/`i64`: with several array
// impls an unsuffixed literal such as `[2, -1]` falls back to `i32`, which is covered.
impl<const N: usize> IntoDims for [usize; N] {
    fn into_dims(self) -> Vec<isize> {
        // A size past isize::MAX stays too big (never -1, "infer").
        self.iter()
            .map(|&d| isize::try_from(d).unwrap_or(isize::MAX))
            .collect()
    }
}
impl<const N: usize> IntoDims for [i32; N] {
    fn into_dims(self) -> Vec<isize> {
        self.iter().map(|&d| d as isize).collect()
    }
}
impl<const N: usize> IntoDims for [i64; N] {
    fn into_dims(self) -> Vec<isize> {
        self.iter().map(|&d| d as isize).collect()
    }
}
impl IntoDims for &[isize] {
    fn into_dims(self) -> Vec<isize> {
        self.to_vec()
    }
}
impl IntoDims for Vec<isize> {
    fn into_dims(self) -> Vec<isize> {
        self
    }
}
impl IntoDims for &[usize] {
    fn into_dims(self) -> Vec<isize> {
        // A size past isize::MAX stays too big (never -1, "infer").
        self.iter()
            .map(|&d| isize::try_from(d).unwrap_or(isize::MAX))
            .collect()
    }
}
impl IntoDims for Vec<usize> {
    fn into_dims(self) -> Vec<isize> {
        // A size past isize::MAX stays too big (never -1, "infer").
        self.iter()
            .map(|&d| isize::try_from(d).unwrap_or(isize::MAX))
            .collect()
    }
}
impl IntoDims for isize {
    fn into_dims(self) -> Vec<isize> {
        vec![self]
    }
}

/// Resolves a -1 in `dims` against `size` elements.
fn infer_shape(dims: &[isize], size: usize) -> Option<Vec<usize>> {
    let unknown = dims.iter().filter(|&&d| d == -1).count();
    if unknown > 1 || dims.iter().any(|&d| d < -1) {
        return None;
    }
    let known: Vec<usize> = dims
        .iter()
        .filter(|&&d| d != -1)
        .map(|&d| d as usize)
        .collect();
    let known_size = checked_size(&known)?;
    let shape: Vec<usize> = if unknown == 1 {
        if known_size == 0 || !size.is_multiple_of(known_size) {
            return None;
        }
        dims.iter()
            .map(|&d| {
                if d == -1 {
                    size / known_size
                } else {
                    d as usize
                }
            })
            .collect()
    } else {
        known
    };
    (checked_size(&shape)? == size).then_some(shape)
}

/// The shape two shapes broadcast to, or None (NumPy's `broadcast_shapes` for two shapes).
///
/// # Examples
///
/// ```
/// use numcrane::broadcast_shapes;
/// assert_eq!(broadcast_shapes(&[3, 1], &[4]), Some(vec![3, 4]));
/// assert_eq!(broadcast_shapes(&[2], &[3]), None);
/// ```
pub fn broadcast_shapes(a: &[usize], b: &[usize]) -> Option<Vec<usize>> {
    numcrane_graph::layout::broadcast_shapes(a, b)
}

/// NumPy's `np.broadcast_arrays(*arrays)`: every array broadcast to the shape they all
/// broadcast to. Views (no data is copied; a broadcast axis repeats its element), as
/// NumPy's read-only results. Shapes that do not broadcast together make every result an
/// error listing them.
///
/// ```
/// use numcrane::{array, broadcast_arrays};
/// let (a, b) = (array([[1], [2]]), array([10, 20, 30]));
/// let out = broadcast_arrays(&[&a, &b]);
/// assert_eq!(out[0].shape(), &[2, 3]);
/// assert_eq!(out[0].to_vec::<i32>().unwrap(), vec![1, 1, 1, 2, 2, 2]);
/// assert_eq!(out[1].to_vec::<i32>().unwrap(), vec![10, 20, 30, 10, 20, 30]);
/// ```
#[track_caller]
pub fn broadcast_arrays(arrays: &[&Array]) -> Vec<Array> {
    let loc = SourceLocation::caller();
    let mut shape: Option<Vec<usize>> = Some(vec![]);
    for a in arrays {
        shape = shape.and_then(|s| broadcast_shapes(&s, a.shape()));
    }
    arrays
        .iter()
        .map(|a| match &shape {
            Some(s) => a.broadcast_to_at(s, loc),
            None => {
                let err = Error::invalid(
                    "broadcast_arrays",
                    format!(
                        "shape mismatch: {:?} cannot be broadcast to a single shape",
                        arrays
                            .iter()
                            .map(|a| a.shape().to_vec())
                            .collect::<Vec<_>>()
                    ),
                    loc,
                );
                build::poison(
                    err,
                    Op::View(ViewOp::Broadcast(vec![])),
                    &[a],
                    a.dtype(),
                    a.shape().to_vec(),
                    loc,
                )
            }
        })
        .collect()
}

/// NumPy's `np.broadcast_to(a, shape)`: a view of `a` repeated to `shape` under the
/// broadcasting rules (`shape` has at least `a`'s dimensions; each of `a`'s is 1 or equal to
/// the target's). Also [`Array::broadcast_to`]. A shape `a` cannot broadcast to is an error
/// naming both shapes.
///
/// ```
/// use numcrane::{array, broadcast_to};
/// let b = broadcast_to(&array([1, 2, 3]), &[2, 3]);
/// assert_eq!(b.to_vec::<i32>().unwrap(), vec![1, 2, 3, 1, 2, 3]);
/// assert!(broadcast_to(&array([1, 2]), &[2, 3]).eval().is_err());
/// ```
#[track_caller]
pub fn broadcast_to(a: &Array, shape: &[usize]) -> Array {
    a.broadcast_to_at(shape, SourceLocation::caller())
}

impl Array {
    fn poison_view(&self, err: Error, loc: SourceLocation) -> Array {
        build::poison(
            err,
            Op::View(ViewOp::Reshape(vec![])),
            &[self],
            self.dtype(),
            self.shape().to_vec(),
            loc,
        )
    }

    /// The same elements in row-major order with another shape; one dimension may be -1.
    ///
    /// ```
    /// let a = numcrane::arange(0, 6, 1).reshape([2, -1]);
    /// assert_eq!(a.shape(), &[2, 3]);
    /// ```
    #[track_caller]
    pub fn reshape(&self, dims: impl IntoDims) -> Array {
        let loc = SourceLocation::caller();
        let dims = dims.into_dims();
        match infer_shape(&dims, self.size()) {
            Some(shape) => self.reshape_at(shape, loc),
            None => self.poison_view(
                Error::BadReshape {
                    op: "reshape",
                    from: self.shape().into(),
                    to: format!("{dims:?}"),
                    location: loc,
                },
                loc,
            ),
        }
    }

    pub(crate) fn reshape_at(&self, shape: Vec<usize>, loc: SourceLocation) -> Array {
        if shape == self.shape() {
            return self.clone();
        }
        build::view(self, ViewOp::Reshape(shape.clone()), shape, loc)
    }

    /// The flattened array (a view when the layout allows, as NumPy's `ravel`).
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::array;
    /// let a = array([[1, 2], [3, 4]]);
    /// assert_eq!(a.ravel().shape(), &[4]);
    /// assert_eq!(a.T().ravel().to_vec::<i32>().unwrap(), vec![1, 3, 2, 4]);
    /// ```
    #[track_caller]
    pub fn ravel(&self) -> Array {
        self.reshape_at(vec![self.size()], SourceLocation::caller())
    }

    /// The flattened array as a copy (NumPy's `flatten`).
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::array;
    /// let a = array([[1, 2], [3, 4]]);
    /// assert_eq!(a.flatten().to_vec::<i32>().unwrap(), vec![1, 2, 3, 4]);
    /// ```
    #[track_caller]
    pub fn flatten(&self) -> Array {
        self.copy()
            .reshape_at(vec![self.size()], SourceLocation::caller())
    }

    /// Axes reversed (NumPy's `a.T` / `transpose()`).
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::array;
    /// let a = array([[1, 2, 3], [4, 5, 6]]);
    /// let t = a.transpose();
    /// assert_eq!(t.shape(), &[3, 2]);
    /// assert_eq!(t.to_vec::<i32>().unwrap(), vec![1, 4, 2, 5, 3, 6]);
    /// ```
    #[track_caller]
    pub fn transpose(&self) -> Array {
        let axes: Vec<usize> = (0..self.ndim()).rev().collect();
        self.permute_at(axes, SourceLocation::caller())
    }

    /// Axes reversed, NumPy's `a.T`.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::array;
    /// let a = array([[1.0, 2.0], [3.0, 4.0]]);
    /// // The Gram matrix a.T @ a.
    /// let g = a.T().matmul(&a);
    /// assert_eq!(g.to_vec::<f64>().unwrap(), vec![10.0, 14.0, 14.0, 20.0]);
    /// ```
    #[track_caller]
    #[allow(non_snake_case)]
    pub fn T(&self) -> Array {
        self.transpose()
    }

    /// Axes reordered: axis `i` of the result is axis `axes[i]` (NumPy's `transpose(axes)`);
    /// negative axes count from the end.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::zeros;
    /// use numcrane::DType;
    /// let a = zeros([2, 3, 4], DType::F32);
    /// assert_eq!(a.permute(&[2, 0, 1]).shape(), &[4, 2, 3]);
    /// assert_eq!(a.permute(&[-1, 1, 0]).shape(), &[4, 3, 2]);
    /// ```
    #[track_caller]
    pub fn permute(&self, axes: &[isize]) -> Array {
        let loc = SourceLocation::caller();
        let nd = self.ndim();
        if axes.len() != nd {
            return self.poison_view(
                Error::invalid(
                    "transpose",
                    format!("axes {axes:?} don't match array of {nd} dimensions"),
                    loc,
                ),
                loc,
            );
        }
        let mut list = Vec::with_capacity(nd);
        for &a in axes {
            match build::axis("transpose", a, nd, loc) {
                Ok(a) if !list.contains(&a) => list.push(a),
                Ok(_) => {
                    return self.poison_view(
                        Error::invalid("transpose", "repeated axis in transpose", loc),
                        loc,
                    )
                }
                Err(e) => return self.poison_view(e, loc),
            }
        }
        self.permute_at(list, loc)
    }

    pub(crate) fn permute_at(&self, axes: Vec<usize>, loc: SourceLocation) -> Array {
        if axes.iter().enumerate().all(|(i, &a)| i == a) {
            return self.clone();
        }
        let shape = axes.iter().map(|&a| self.shape()[a]).collect();
        build::view(self, ViewOp::Permute(axes), shape, loc)
    }

    /// Exchanges two axes.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::array;
    /// let a = array([[[1, 2]], [[3, 4]]]);
    /// let s = a.swapaxes(0, 2);
    /// assert_eq!(s.shape(), &[2, 1, 2]);
    /// assert_eq!(s.to_vec::<i32>().unwrap(), vec![1, 3, 2, 4]);
    /// ```
    #[track_caller]
    pub fn swapaxes(&self, a: isize, b: isize) -> Array {
        let loc = SourceLocation::caller();
        let nd = self.ndim();
        match (
            build::axis("swapaxes", a, nd, loc),
            build::axis("swapaxes", b, nd, loc),
        ) {
            (Ok(a), Ok(b)) => {
                let mut axes: Vec<usize> = (0..nd).collect();
                axes.swap(a, b);
                self.permute_at(axes, loc)
            }
            (Err(e), _) | (_, Err(e)) => self.poison_view(e, loc),
        }
    }

    /// Moves axis `source` to position `destination`, keeping the others in order.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{zeros, DType};
    /// let a = zeros([2, 3, 4], DType::F64);
    /// assert_eq!(a.moveaxis(0, -1).shape(), &[3, 4, 2]);
    /// assert_eq!(a.moveaxis(-1, 0).shape(), &[4, 2, 3]);
    /// ```
    #[track_caller]
    pub fn moveaxis(&self, source: isize, destination: isize) -> Array {
        let loc = SourceLocation::caller();
        let nd = self.ndim();
        match (
            build::axis("moveaxis", source, nd, loc),
            build::axis("moveaxis", destination, nd, loc),
        ) {
            (Ok(s), Ok(d)) => {
                let mut axes: Vec<usize> = (0..nd).filter(|&a| a != s).collect();
                axes.insert(d, s);
                self.permute_at(axes, loc)
            }
            (Err(e), _) | (_, Err(e)) => self.poison_view(e, loc),
        }
    }

    /// Removes all length-1 axes.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::array;
    /// let a = array([[[1], [2], [3]]]);
    /// assert_eq!(a.shape(), &[1, 3, 1]);
    /// assert_eq!(a.squeeze().shape(), &[3]);
    /// ```
    #[track_caller]
    pub fn squeeze(&self) -> Array {
        let shape = self.shape().iter().copied().filter(|&d| d != 1).collect();
        self.reshape_at(shape, SourceLocation::caller())
    }

    /// Removes the given length-1 axis (an error if its length is not 1).
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::array;
    /// let a = array([[[1], [2], [3]]]);
    /// assert_eq!(a.squeeze_axis(0).shape(), &[3, 1]);
    /// assert!(a.squeeze_axis(1).eval().is_err());
    /// ```
    #[track_caller]
    pub fn squeeze_axis(&self, axis: isize) -> Array {
        let loc = SourceLocation::caller();
        match build::axis("squeeze", axis, self.ndim(), loc) {
            Ok(a) if self.shape()[a] == 1 => {
                let mut shape = self.shape().to_vec();
                shape.remove(a);
                self.reshape_at(shape, loc)
            }
            Ok(_) => self.poison_view(
                Error::invalid(
                    "squeeze",
                    "cannot select an axis to squeeze out which has size not equal to one",
                    loc,
                ),
                loc,
            ),
            Err(e) => self.poison_view(e, loc),
        }
    }

    /// Inserts a length-1 axis at position `axis` of the result (negative counts from the end).
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::array;
    /// let a = array([1, 2, 3]);
    /// assert_eq!(a.expand_dims(0).shape(), &[1, 3]);
    /// assert_eq!(a.expand_dims(-1).shape(), &[3, 1]);
    /// ```
    #[track_caller]
    pub fn expand_dims(&self, axis: isize) -> Array {
        let loc = SourceLocation::caller();
        match build::axis("expand_dims", axis, self.ndim() + 1, loc) {
            Ok(a) => {
                let mut shape = self.shape().to_vec();
                shape.insert(a, 1);
                self.reshape_at(shape, loc)
            }
            Err(e) => self.poison_view(e, loc),
        }
    }

    /// A view repeating the array to `shape` under NumPy's broadcasting rules.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::array;
    /// let row = array([1, 2, 3]);
    /// let b = row.broadcast_to(&[2, 3]);
    /// assert_eq!(b.to_vec::<i32>().unwrap(), vec![1, 2, 3, 1, 2, 3]);
    /// assert!(row.broadcast_to(&[4]).eval().is_err());
    /// ```
    #[track_caller]
    pub fn broadcast_to(&self, shape: &[usize]) -> Array {
        self.broadcast_to_at(shape, SourceLocation::caller())
    }

    pub(crate) fn broadcast_to_at(&self, shape: &[usize], loc: SourceLocation) -> Array {
        let ok = shape.len() >= self.ndim()
            && broadcast_shapes(self.shape(), shape).as_deref() == Some(shape)
            && checked_size(shape).is_some();
        if !ok {
            let err = Error::BadReshape {
                op: "broadcast_to",
                from: self.shape().into(),
                to: format!("{shape:?}"),
                location: loc,
            };
            return self.poison_view(err, loc);
        }
        build::broadcast(self, shape, loc)
    }

    /// The elements in reverse order along `axis`.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::array;
    /// let a = array([[1, 2], [3, 4]]);
    /// assert_eq!(a.flip(0).to_vec::<i32>().unwrap(), vec![3, 4, 1, 2]);
    /// assert_eq!(a.flip(-1).to_vec::<i32>().unwrap(), vec![2, 1, 4, 3]);
    /// ```
    #[track_caller]
    pub fn flip(&self, axis: isize) -> Array {
        let loc = SourceLocation::caller();
        match build::axis("flip", axis, self.ndim(), loc) {
            Ok(a) => self.flip_axes(&[a], loc),
            Err(e) => self.poison_view(e, loc),
        }
    }

    /// The elements in reverse order along every axis (NumPy's `flip(a)` without axis).
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::array;
    /// let a = array([[1, 2], [3, 4]]);
    /// assert_eq!(a.flip_all().to_vec::<i32>().unwrap(), vec![4, 3, 2, 1]);
    /// ```
    #[track_caller]
    pub fn flip_all(&self) -> Array {
        let axes: Vec<usize> = (0..self.ndim()).collect();
        self.flip_axes(&axes, SourceLocation::caller())
    }

    fn flip_axes(&self, axes: &[usize], loc: SourceLocation) -> Array {
        let specs = self
            .shape()
            .iter()
            .enumerate()
            .map(|(i, &n)| {
                if axes.contains(&i) && n > 0 {
                    (n - 1, -1, n)
                } else {
                    (0, 1, n)
                }
            })
            .collect();
        build::view(self, ViewOp::Slice(specs), self.shape().to_vec(), loc)
    }

    /// The `k`-th diagonal over the first two axes, appended as the last axis of the result
    /// (NumPy's `a.diagonal(k)`; k > 0 above the main diagonal). A view.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::array;
    /// let m = array([[1, 2, 3], [4, 5, 6]]);
    /// assert_eq!(m.diagonal(0).to_vec::<i32>().unwrap(), vec![1, 5]);
    /// assert_eq!(m.diagonal(1).to_vec::<i32>().unwrap(), vec![2, 6]);
    /// assert_eq!(m.diagonal(-1).to_vec::<i32>().unwrap(), vec![4]);
    /// ```
    #[track_caller]
    pub fn diagonal(&self, k: isize) -> Array {
        self.diagonal_at(k, 0, 1, SourceLocation::caller())
    }

    /// The `k`-th diagonal over `axis1` and `axis2` (NumPy's `diagonal(k, axis1, axis2)`).
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::arange;
    /// // Two 2x2 matrices stacked along the last axis: shape [2, 2, 2].
    /// let a = arange(0, 8, 1).reshape([2, 2, 2]);
    /// let d = a.diagonal_axes(0, 1, 2);
    /// assert_eq!(d.shape(), &[2, 2]);
    /// assert_eq!(d.to_vec::<i32>().unwrap(), vec![0, 3, 4, 7]);
    /// ```
    #[track_caller]
    pub fn diagonal_axes(&self, k: isize, axis1: isize, axis2: isize) -> Array {
        self.diagonal_at(k, axis1, axis2, SourceLocation::caller())
    }

    fn diagonal_at(&self, k: isize, axis1: isize, axis2: isize, loc: SourceLocation) -> Array {
        let nd = self.ndim();
        if nd < 2 {
            let e = Error::invalid(
                "diagonal",
                "diag requires an array of at least two dimensions",
                loc,
            );
            return self.poison_view(e, loc);
        }
        let (a1, a2) = match (
            build::axis("diagonal", axis1, nd, loc),
            build::axis("diagonal", axis2, nd, loc),
        ) {
            (Ok(a), Ok(b)) if a != b => (a, b),
            (Ok(_), Ok(_)) => {
                return self.poison_view(
                    Error::invalid("diagonal", "axis1 and axis2 cannot be the same", loc),
                    loc,
                )
            }
            (Err(e), _) | (_, Err(e)) => return self.poison_view(e, loc),
        };
        // Move the two axes last, then take the diagonal of the last two (the layout's form).
        let mut perm: Vec<usize> = (0..nd).filter(|&a| a != a1 && a != a2).collect();
        perm.extend([a1, a2]);
        let moved = self.permute_at(perm, loc);
        let (rows, cols) = (moved.shape()[nd - 2], moved.shape()[nd - 1]);
        let (r0, c0) = if k >= 0 {
            (0, k.unsigned_abs())
        } else {
            (k.unsigned_abs(), 0)
        };
        let len = rows.saturating_sub(r0).min(cols.saturating_sub(c0));
        let mut shape = moved.shape()[..nd - 2].to_vec();
        shape.push(len);
        build::view(&moved, ViewOp::Diagonal(k), shape, loc)
    }
}
