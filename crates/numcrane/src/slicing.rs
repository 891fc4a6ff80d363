//! Basic indexing: integers, `start..stop;step` slices (negative values count from the end,
//! negative steps walk backwards), `NewAxis` and `Ellipsis`, written with the [`s!`] macro.
//!
//! `a[1:-1, ::-2, 3]` in NumPy is `a.slice(s![1..-1, ..;-2, 3])` here. The result is a view:
//! a `Slice` node followed by a reshape that drops indexed axes and inserts new ones.

use crate::build;
use crate::saturating_isize;
use crate::Array;
use numcrane_graph::error::SourceLocation;
use numcrane_graph::{Error, Op, ViewOp};
use std::ops::{Range, RangeFrom, RangeFull, RangeInclusive, RangeTo, RangeToInclusive};

/// One entry of a multi-axis index.
///
/// # Examples
///
/// ```
/// use numcrane::{arange, SliceArg};
/// let a = arange(0, 12, 1).reshape([3, 4]);
/// // a[1, ::2] written out; s![1, ..;2] builds the same list.
/// let args = vec![SliceArg::Index(1), SliceArg::Range { start: None, stop: None, step: 2 }];
/// assert_eq!(a.slice(args).to_vec::<i32>().unwrap(), vec![4, 6]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SliceArg {
    /// One position; the axis disappears. Negative counts from the end.
    Index(isize),
    /// `start..stop` with a step; None means the default end for the step's direction.
    Range {
        /// first position (None: 0, or the last element for negative steps)
        start: Option<isize>,
        /// end position, exclusive (None: past the end in the step's direction)
        stop: Option<isize>,
        /// nonzero step
        step: isize,
    },
    /// A new axis of length 1 (NumPy's `np.newaxis` / `None`).
    NewAxis,
    /// As many full slices as needed to index every axis (NumPy's `...`).
    Ellipsis,
}

/// Marker for a new length-1 axis in `s![..]`.
///
/// # Examples
///
/// ```
/// use numcrane::{array, s, NewAxis};
/// let a = array([1, 2, 3]);
/// assert_eq!(a.slice(s![NewAxis, ..]).shape(), &[1, 3]);
/// assert_eq!(a.slice(s![.., NewAxis]).shape(), &[3, 1]);
/// ```
#[derive(Clone, Copy, Debug)]
pub struct NewAxis;

/// Marker for `...` in `s![..]`.
///
/// # Examples
///
/// ```
/// use numcrane::{arange, s, Ellipsis};
/// let a = arange(0, 24, 1).reshape([2, 3, 4]);
/// // a[..., 0]: the first element of every last-axis lane.
/// let first = a.slice(s![Ellipsis, 0]);
/// assert_eq!(first.shape(), &[2, 3]);
/// assert_eq!(first.to_vec::<i32>().unwrap(), vec![0, 4, 8, 12, 16, 20]);
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Ellipsis;

/// A Rust integer usable as a slice step; converted without wrapping.
///
/// # Examples
///
/// ```
/// use numcrane::{arange, s};
/// let a = arange(0, 10, 1);
/// // The step after `;` may be any Rust integer type.
/// assert_eq!(a.slice(s![..;3usize]).to_vec::<i32>().unwrap(), vec![0, 3, 6, 9]);
/// assert_eq!(a.slice(s![..;-4i64]).to_vec::<i32>().unwrap(), vec![9, 5, 1]);
/// ```
pub trait IntoStep {
    /// The step as `isize` (saturating).
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::IntoStep;
    /// assert_eq!(3i64.into_step(), 3);
    /// assert_eq!(usize::MAX.into_step(), isize::MAX);
    /// ```
    fn into_step(self) -> isize;
}

macro_rules! into_step {
    ($($t:ty),*) => { $(
        impl IntoStep for $t {
            fn into_step(self) -> isize { saturating_isize(self) }
        }
    )* };
}
into_step!(i32, i64, isize, usize);

impl SliceArg {
    /// This entry with a step (only meaningful for ranges; an index ignores it).
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{arange, SliceArg};
    /// let a = arange(0, 10, 1);
    /// let reversed = SliceArg::from(..).step_by(-1);
    /// assert_eq!(a.slice(vec![reversed]).to_vec::<i32>().unwrap(), vec![9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    /// ```
    pub fn step_by(self, step: impl IntoStep) -> SliceArg {
        match self {
            SliceArg::Range { start, stop, .. } => SliceArg::Range {
                start,
                stop,
                step: step.into_step(),
            },
            other => other,
        }
    }
}

impl From<NewAxis> for SliceArg {
    fn from(_: NewAxis) -> SliceArg {
        SliceArg::NewAxis
    }
}
impl From<Ellipsis> for SliceArg {
    fn from(_: Ellipsis) -> SliceArg {
        SliceArg::Ellipsis
    }
}
impl From<RangeFull> for SliceArg {
    fn from(_: RangeFull) -> SliceArg {
        SliceArg::Range {
            start: None,
            stop: None,
            step: 1,
        }
    }
}

macro_rules! slice_from_int {
    ($($t:ty),*) => { $(
        impl From<$t> for SliceArg {
            fn from(i: $t) -> SliceArg { SliceArg::Index(saturating_isize(i)) }
        }
        impl From<Range<$t>> for SliceArg {
            fn from(r: Range<$t>) -> SliceArg {
                SliceArg::Range { start: Some(saturating_isize(r.start)), stop: Some(saturating_isize(r.end)), step: 1 }
            }
        }
        impl From<RangeFrom<$t>> for SliceArg {
            fn from(r: RangeFrom<$t>) -> SliceArg {
                SliceArg::Range { start: Some(saturating_isize(r.start)), stop: None, step: 1 }
            }
        }
        impl From<RangeTo<$t>> for SliceArg {
            fn from(r: RangeTo<$t>) -> SliceArg {
                SliceArg::Range { start: None, stop: Some(saturating_isize(r.end)), step: 1 }
            }
        }
        impl From<RangeInclusive<$t>> for SliceArg {
            fn from(r: RangeInclusive<$t>) -> SliceArg {
                let end = saturating_isize(*r.end());
                // `..=-1` means "through the last element", and so does an end past isize::MAX:
                // no stop.
                let stop = if end == -1 { None } else { end.checked_add(1) };
                SliceArg::Range { start: Some(saturating_isize(*r.start())), stop, step: 1 }
            }
        }
        impl From<RangeToInclusive<$t>> for SliceArg {
            fn from(r: RangeToInclusive<$t>) -> SliceArg {
                let end = saturating_isize(r.end);
                let stop = if end == -1 { None } else { end.checked_add(1) };
                SliceArg::Range { start: None, stop, step: 1 }
            }
        }
    )* };
}
slice_from_int!(i32, i64, isize, usize);

/// Builds a multi-axis index: `s![1, 2..5, ..;-1, NewAxis, Ellipsis]`.
///
/// Each entry is an integer, a Rust range (`a..b`, `a..`, `..b`, `..`, `a..=b`) optionally
/// followed by `;step`, [`NewAxis`] or [`Ellipsis`].
///
/// ```
/// use numcrane::{arange, s};
/// let a = arange(0, 10, 1);
/// assert_eq!(a.slice(s![..;-3]).to_vec::<i32>().unwrap(), vec![9, 6, 3, 0]);
/// assert_eq!(a.slice(s![-3..]).to_vec::<i32>().unwrap(), vec![7, 8, 9]);
/// ```
#[macro_export]
macro_rules! s {
    ($($e:expr $(; $step:expr)?),* $(,)?) => {
        vec![$( {
            let arg: $crate::SliceArg = ($e).into();
            $( let arg = arg.step_by($step); )?
            arg
        } ),*]
    };
}

/// Python's `slice.indices`: (start, step, len) for a range over an axis of length `n`.
/// Computed in i128 so extreme starts, stops and steps cannot overflow; a range of at most one
/// element gets step 1 so the view's stride stays within the array.
fn normalize_range(
    start: Option<isize>,
    stop: Option<isize>,
    step: isize,
    n: usize,
) -> (usize, isize, usize) {
    let (n, step_wide) = (n as i128, step as i128);
    let fix = |v: isize| {
        let v = v as i128;
        if v < 0 {
            v + n
        } else {
            v
        }
    };
    let (begin, end) = if step_wide > 0 {
        (
            start.map(fix).unwrap_or(0).clamp(0, n),
            stop.map(fix).unwrap_or(n).clamp(0, n),
        )
    } else {
        (
            start.map(fix).unwrap_or(n - 1).clamp(-1, n - 1),
            stop.map(fix).unwrap_or(-1).clamp(-1, n - 1),
        )
    };
    let distance = if step_wide > 0 {
        end - begin
    } else {
        begin - end
    };
    let len = if distance > 0 {
        (distance - 1) / step_wide.abs() + 1
    } else {
        0
    };
    let first = if len > 0 { begin as usize } else { 0 };
    let step = if len > 1 { step } else { 1 };
    (first, step, len as usize)
}

/// Per-axis `(start, step, len)` of the Slice node, and the shape after indexed axes are
/// dropped and new axes inserted.
type SlicePlan = (Vec<(usize, isize, usize)>, Vec<usize>);

impl Array {
    /// Basic indexing with a list of [`SliceArg`]s, usually written with [`s!`](crate::s).
    /// The result is a view.
    ///
    /// Integer arrays and boolean masks are [`Array::index`] with [`ix!`](crate::ix).
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{arange, s};
    /// let a = arange(0, 12, 1).reshape([3, 4]);
    /// let block = a.slice(s![1.., 1..3]);
    /// assert_eq!(block.shape(), &[2, 2]);
    /// assert_eq!(block.to_vec::<i32>().unwrap(), vec![5, 6, 9, 10]);
    /// assert_eq!(a.slice(s![-1, ..;2]).to_vec::<i32>().unwrap(), vec![8, 10]);
    /// ```
    #[track_caller]
    pub fn slice(&self, args: Vec<SliceArg>) -> Array {
        self.slice_at(&args, SourceLocation::caller())
    }

    /// [`slice`](Self::slice) with the caller's location given.
    pub(crate) fn slice_at(&self, args: &[SliceArg], loc: SourceLocation) -> Array {
        match self.slice_plan(args, loc) {
            Ok((specs, shape)) => {
                let sliced_shape: Vec<usize> = specs.iter().map(|s| s.2).collect();
                let full = specs
                    .iter()
                    .zip(self.shape())
                    .all(|(&(st, step, len), &n)| st == 0 && step == 1 && len == n);
                let sliced = if full {
                    self.clone()
                } else {
                    build::view(self, ViewOp::Slice(specs), sliced_shape, loc)
                };
                sliced.reshape_at(shape, loc)
            }
            Err(e) => build::poison(
                e,
                Op::View(ViewOp::Slice(vec![])),
                &[self],
                self.dtype(),
                self.shape().to_vec(),
                loc,
            ),
        }
    }

    /// Per-axis (start, step, len) and the final shape (indexed axes removed, new axes added).
    fn slice_plan(&self, args: &[SliceArg], loc: SourceLocation) -> Result<SlicePlan, Error> {
        let nd = self.ndim();
        let consuming = args
            .iter()
            .filter(|a| matches!(a, SliceArg::Index(_) | SliceArg::Range { .. }))
            .count();
        let ellipses = args
            .iter()
            .filter(|a| matches!(a, SliceArg::Ellipsis))
            .count();
        if ellipses > 1 {
            return Err(Error::invalid(
                "slice",
                "an index can only have a single ellipsis",
                loc,
            ));
        }
        if consuming > nd {
            return Err(Error::invalid(
                "slice",
                format!("too many indices for array: array is {nd}-dimensional, but {consuming} were indexed"),
                loc,
            ));
        }
        let mut expanded = Vec::with_capacity(args.len() + nd);
        for a in args {
            if let SliceArg::Ellipsis = a {
                expanded.extend(std::iter::repeat_n(SliceArg::from(..), nd - consuming));
            } else {
                expanded.push(*a);
            }
        }
        if ellipses == 0 {
            expanded.extend(std::iter::repeat_n(SliceArg::from(..), nd - consuming));
        }
        let mut specs = Vec::with_capacity(nd);
        let mut shape = Vec::new();
        let mut axis = 0;
        for a in expanded {
            match a {
                SliceArg::NewAxis => shape.push(1),
                SliceArg::Index(i) => {
                    let n = self.shape()[axis];
                    let pos = if i < 0 { i + n as isize } else { i };
                    if pos < 0 || pos >= n as isize {
                        return Err(Error::IndexOutOfRange {
                            op: "slice",
                            index: i,
                            axis,
                            size: n,
                            location: loc,
                        });
                    }
                    specs.push((pos as usize, 1, 1));
                    axis += 1;
                }
                SliceArg::Range { start, stop, step } => {
                    if step == 0 {
                        return Err(Error::invalid("slice", "slice step cannot be zero", loc));
                    }
                    let spec = normalize_range(start, stop, step, self.shape()[axis]);
                    shape.push(spec.2);
                    specs.push(spec);
                    axis += 1;
                }
                SliceArg::Ellipsis => {}
            }
        }
        Ok((specs, shape))
    }
}

#[cfg(test)]
mod tests {
    use super::normalize_range;

    #[test]
    fn python_slice_indices() {
        // Values from Python: slice(start, stop, step).indices(10) and len(range(...)).
        assert_eq!(normalize_range(None, None, -1, 10), (9, -1, 10));
        assert_eq!(normalize_range(Some(-3), None, 1, 10), (7, 1, 3));
        assert_eq!(normalize_range(Some(5), Some(1), -2, 10), (5, -2, 2));
        assert_eq!(normalize_range(Some(20), None, 1, 10), (0, 1, 0));
        assert_eq!(normalize_range(Some(3), None, isize::MAX, 10), (3, 1, 1));
        assert_eq!(normalize_range(None, None, isize::MIN, 10), (9, 1, 1));
        assert_eq!(normalize_range(None, Some(-20), -1, 10), (9, -1, 10));
        assert_eq!(normalize_range(None, None, 3, 0), (0, 1, 0));
    }
}
