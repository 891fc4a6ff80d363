//! Sorting with NumPy's names and semantics: `sort` and `argsort` (stable, NaN last).
//!
//! Both build one node (`Op::Sort` / `Op::ArgSort`) that the reference evaluator computes: each
//! lane along the axis is sorted with a stable sort under a total order that puts NaN after
//! every other value (NumPy's `kind="stable"`; -0.0 and 0.0 are equal and keep their order).
//! NumPy's `a.sort()` sorts in place; here every function returns a new array and leaves its
//! input as it was. `axis: None` sorts the flattened array, as NumPy. Every function is
//! `#[track_caller]`: a bad axis gives an array whose evaluation returns an error naming the
//! function (never a panic).

use crate::build;
use crate::Array;
use numcrane_graph::error::SourceLocation;
use numcrane_graph::{DType, Op};

/// Normalises `axis` for `a` (flattening for None) and builds `make(axis)` over it.
fn sort_node(
    name: &'static str,
    a: &Array,
    axis: Option<isize>,
    dtype: DType,
    make: fn(usize) -> Op,
    loc: SourceLocation,
) -> Array {
    let (x, axis) = match axis {
        None => (a.reshape_at(vec![a.size()], loc), 0),
        Some(ax) => match build::axis(name, ax, a.ndim(), loc) {
            Ok(ax) => (a.clone(), ax),
            Err(e) => return build::poison(e, make(0), &[a], dtype, a.shape().to_vec(), loc),
        },
    };
    let shape = x.shape().to_vec();
    build::node(make(axis), &[&x], dtype, shape, loc)
}

/// NumPy's `sort(a, axis, kind="stable")`: a sorted copy of `a` along `axis` (None: of the
/// flattened array), ascending, NaN last.
///
/// ```
/// use numcrane::{array, sort};
/// let x = array([[3.0, f64::NAN, 1.0], [2.0, 0.0, -1.0]]);
/// let s = sort(&x, Some(-1)).to_vec::<f64>().unwrap();
/// assert_eq!(&s[3..], &[-1.0, 0.0, 2.0]);
/// assert!(s[2].is_nan());
/// assert_eq!(sort(&x, None).shape(), &[6]);
/// ```
#[track_caller]
pub fn sort(a: &Array, axis: Option<isize>) -> Array {
    let loc = SourceLocation::caller();
    sort_node("sort", a, axis, a.dtype(), |axis| Op::Sort { axis }, loc)
}

/// NumPy's `argsort(a, axis, kind="stable")`: the int64 positions along `axis` (None: in the
/// flattened array) that sort `a`; equal elements keep their order, NaN last.
///
/// As NumPy, a zero-dimensional input gives `[0]` (shape `[1]`) whatever the axis.
///
/// ```
/// use numcrane::{argsort, array};
/// let x = array([2, 1, 2, 0]);
/// assert_eq!(argsort(&x, Some(0)).to_vec::<i64>().unwrap(), vec![3, 1, 0, 2]);
/// ```
#[track_caller]
pub fn argsort(a: &Array, axis: Option<isize>) -> Array {
    let loc = SourceLocation::caller();
    // NumPy's argsort of a 0-d array flattens it, whatever the axis.
    let axis = if a.ndim() == 0 { None } else { axis };
    sort_node(
        "argsort",
        a,
        axis,
        DType::I64,
        |axis| Op::ArgSort { axis },
        loc,
    )
}

impl Array {
    /// NumPy's `a.sort(axis)`, except that NumPy sorts in place and this returns a new sorted
    /// array (`self` is unchanged): see [`sort`].
    #[track_caller]
    pub fn sort_axis(&self, axis: isize) -> Array {
        let loc = SourceLocation::caller();
        sort_node(
            "sort",
            self,
            Some(axis),
            self.dtype(),
            |axis| Op::Sort { axis },
            loc,
        )
    }

    /// NumPy's `a.argsort(axis)`: see [`argsort`].
    #[track_caller]
    pub fn argsort_axis(&self, axis: isize) -> Array {
        let loc = SourceLocation::caller();
        let axis = (self.ndim() > 0).then_some(axis);
        sort_node(
            "argsort",
            self,
            axis,
            DType::I64,
            |axis| Op::ArgSort { axis },
            loc,
        )
    }
}
