//! Reductions and scans: sum, prod, mean, var, std, min, max, argmin, argmax, any, all,
//! cumsum, cumprod.
//!
//! Axes are given NumPy's way: `..` for all axes (NumPy's `axis=None`), one integer (negative
//! counts from the end), or several; wrap them in [`keepdims`] to keep reduced axes as length 1.
//! Accumulator dtypes follow NumPy (sums of small integers and bool in int64/uint64, means of
//! integers in float64). mean/var/std are built from sum so fusion sees through them.

use crate::build;
use crate::operand::Operand;
use crate::saturating_isize;
use crate::Array;
use numcrane_graph::error::SourceLocation;
use numcrane_graph::{
    ArgReduceOp, BinaryOp, DType, Error, Op, ReduceOp, Scalar, ScanOp, UnaryOp, ViewOp,
};
use std::ops::RangeFull;

/// Which axes a reduction runs over, and whether they are kept with length 1.
///
/// # Examples
///
/// ```
/// use numcrane::{array, Axes};
/// let a = array([[1, 2], [3, 4]]);
/// assert_eq!(a.sum(Axes::all()).item::<i64>().unwrap(), 10);
/// assert_eq!(a.sum(0).to_vec::<i64>().unwrap(), vec![4, 6]);
/// assert_eq!(a.sum([0, 1]).item::<i64>().unwrap(), 10);
/// assert_eq!(a.sum(Axes::from(1).keepdims()).shape(), &[2, 1]);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Axes {
    axes: Option<Vec<isize>>,
    keepdims: bool,
}

impl Axes {
    /// All axes (NumPy's `axis=None`).
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, Axes};
    /// let a = array([[1.0, 2.0], [3.0, 4.0]]);
    /// assert_eq!(a.mean(Axes::all()).item::<f64>().unwrap(), 2.5);
    /// ```
    pub fn all() -> Axes {
        Axes {
            axes: None,
            keepdims: false,
        }
    }

    /// Keeps reduced axes as length 1 (NumPy's `keepdims=True`).
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, Axes};
    /// let a = array([[1.0, 2.0], [3.0, 4.0]]);
    /// let m = a.mean(Axes::from(1).keepdims());
    /// assert_eq!(m.shape(), &[2, 1]);
    /// // Kept axes broadcast back against the input.
    /// assert_eq!((&a - m).to_vec::<f64>().unwrap(), vec![-0.5, 0.5, -0.5, 0.5]);
    /// ```
    pub fn keepdims(mut self) -> Axes {
        self.keepdims = true;
        self
    }
}

/// `axes` with `keepdims=True`: `x.sum(keepdims(0))`.
///
/// # Examples
///
/// ```
/// use numcrane::{array, keepdims};
/// let a = array([[1, 2], [3, 4]]);
/// let s = a.sum(keepdims(0));
/// assert_eq!(s.shape(), &[1, 2]);
/// assert_eq!(s.to_vec::<i64>().unwrap(), vec![4, 6]);
/// ```
pub fn keepdims(axes: impl Into<Axes>) -> Axes {
    axes.into().keepdims()
}

impl From<RangeFull> for Axes {
    fn from(_: RangeFull) -> Axes {
        Axes::all()
    }
}

macro_rules! axes_from_int {
    ($($t:ty),*) => { $(
        impl From<$t> for Axes {
            fn from(a: $t) -> Axes {
                Axes { axes: Some(vec![saturating_isize(a)]), keepdims: false }
            }
        }
        impl<const N: usize> From<[$t; N]> for Axes {
            fn from(a: [$t; N]) -> Axes {
                Axes { axes: Some(a.iter().map(|&x| saturating_isize(x)).collect()), keepdims: false }
            }
        }
        impl From<&[$t]> for Axes {
            fn from(a: &[$t]) -> Axes {
                Axes { axes: Some(a.iter().map(|&x| saturating_isize(x)).collect()), keepdims: false }
            }
        }
        impl From<Vec<$t>> for Axes {
            fn from(a: Vec<$t>) -> Axes {
                Axes { axes: Some(a.iter().map(|&x| saturating_isize(x)).collect()), keepdims: false }
            }
        }
        impl From<Option<$t>> for Axes {
            fn from(a: Option<$t>) -> Axes {
                Axes { axes: a.map(|x| vec![saturating_isize(x)]), keepdims: false }
            }
        }
    )* };
}
axes_from_int!(i32, i64, isize, usize);

/// Resolved reduction axes: sorted distinct input axes and the output shape.
pub(crate) struct Resolved {
    pub(crate) axes: Vec<usize>,
    pub(crate) keepdims: bool,
    pub(crate) out_shape: Vec<usize>,
    pub(crate) count: usize,
}

pub(crate) fn resolve(
    op: &'static str,
    x: &Array,
    axes: Axes,
    loc: SourceLocation,
) -> Result<Resolved, Error> {
    let ndim = x.ndim();
    let mut list: Vec<usize> = match &axes.axes {
        None => (0..ndim).collect(),
        Some(given) => given
            .iter()
            .map(|&a| build::axis(op, a, ndim, loc))
            .collect::<Result<_, _>>()?,
    };
    list.sort_unstable();
    if list.windows(2).any(|w| w[0] == w[1]) {
        return Err(Error::invalid(op, "duplicate value in 'axis'", loc));
    }
    let shape = x.shape();
    let out_shape = (0..ndim)
        .filter_map(|i| match (list.contains(&i), axes.keepdims) {
            (false, _) => Some(shape[i]),
            (true, true) => Some(1),
            (true, false) => None,
        })
        .collect();
    let count = list
        .iter()
        .fold(1usize, |acc, &a| acc.saturating_mul(shape[a]));
    Ok(Resolved {
        axes: list,
        keepdims: axes.keepdims,
        out_shape,
        count,
    })
}

/// A reduction node (with the input already in its accumulator dtype).
fn reduce_node(op: ReduceOp, x: &Array, axes: Axes, loc: SourceLocation) -> Array {
    let r = match resolve(op.name(), x, axes, loc) {
        Ok(r) => r,
        Err(e) => {
            return build::poison(
                e,
                Op::Reduce {
                    op,
                    axes: vec![],
                    keepdims: false,
                },
                &[x],
                x.dtype(),
                vec![],
                loc,
            )
        }
    };
    let node_op = Op::Reduce {
        op,
        axes: r.axes.clone(),
        keepdims: r.keepdims,
    };
    // NumPy raises whenever the reduced axes hold no elements, even if the output is empty.
    if op.needs_elements() && r.count == 0 {
        let err = Error::EmptyReduction {
            op: op.name(),
            shape: x.shape().into(),
            location: loc,
        };
        return build::poison(err, node_op, &[x], x.dtype(), r.out_shape, loc);
    }
    if r.axes.is_empty() {
        return x.clone();
    }
    if r.keepdims {
        // keepdims is a reshape of the plain reduction, so `x.mean(0)` and
        // `x.mean(keepdims(0))` share one node when the plan looks for common subexpressions.
        let flat_op = Op::Reduce {
            op,
            axes: r.axes.clone(),
            keepdims: false,
        };
        let flat: Vec<usize> = (0..x.ndim())
            .filter(|a| !r.axes.contains(a))
            .map(|a| x.shape()[a])
            .collect();
        let total = build::node(flat_op, &[x], x.dtype(), flat, loc);
        let shape = r.out_shape.clone();
        return build::view(&total, ViewOp::Reshape(shape.clone()), shape, loc);
    }
    build::node(node_op, &[x], x.dtype(), r.out_shape, loc)
}

fn weak(v: f64) -> Operand {
    Operand::Weak(Scalar::F64(v))
}

impl Array {
    /// Sum over `axes` (`..` for all). Integers and bool accumulate in int64/uint64; floats use
    /// pairwise summation.
    ///
    /// ```
    /// use numcrane::{array, keepdims};
    /// let x = array([[1, 2], [3, 4]]);
    /// assert_eq!(x.sum(..).item::<i64>().unwrap(), 10);
    /// assert_eq!(x.sum(0).to_vec::<i64>().unwrap(), vec![4, 6]);
    /// assert_eq!(x.sum(keepdims(1)).shape(), &[2, 1]);
    /// ```
    #[track_caller]
    pub fn sum(&self, axes: impl Into<Axes>) -> Array {
        let loc = SourceLocation::caller();
        let acc = build::cast(self, self.dtype().sum_accumulator(), loc);
        reduce_node(ReduceOp::Sum, &acc, axes.into(), loc)
    }

    /// Product over `axes`, with the accumulator dtypes of `sum`.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::array;
    /// let a = array([[1, 2], [3, 4]]);
    /// assert_eq!(a.prod(..).item::<i64>().unwrap(), 24);
    /// assert_eq!(a.prod(1).to_vec::<i64>().unwrap(), vec![2, 12]);
    /// ```
    #[track_caller]
    pub fn prod(&self, axes: impl Into<Axes>) -> Array {
        let loc = SourceLocation::caller();
        let acc = build::cast(self, self.dtype().sum_accumulator(), loc);
        reduce_node(ReduceOp::Prod, &acc, axes.into(), loc)
    }

    /// Maximum over `axes`, propagating NaN; an error for zero elements.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::array;
    /// let a = array([[1.0, 5.0], [3.0, 2.0]]);
    /// assert_eq!(a.max(..).item::<f64>().unwrap(), 5.0);
    /// assert_eq!(a.max(0).to_vec::<f64>().unwrap(), vec![3.0, 5.0]);
    /// assert!(array([1.0, f64::NAN]).max(..).item::<f64>().unwrap().is_nan());
    /// ```
    #[track_caller]
    pub fn max(&self, axes: impl Into<Axes>) -> Array {
        reduce_node(ReduceOp::Max, self, axes.into(), SourceLocation::caller())
    }

    /// Minimum over `axes`, propagating NaN; an error for zero elements.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::array;
    /// let a = array([[1.0, 5.0], [3.0, 2.0]]);
    /// assert_eq!(a.min(..).item::<f64>().unwrap(), 1.0);
    /// assert_eq!(a.min(1).to_vec::<f64>().unwrap(), vec![1.0, 2.0]);
    /// ```
    #[track_caller]
    pub fn min(&self, axes: impl Into<Axes>) -> Array {
        reduce_node(ReduceOp::Min, self, axes.into(), SourceLocation::caller())
    }

    /// True where any element over `axes` is nonzero.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::array;
    /// let a = array([[0, 0], [0, 3]]);
    /// assert_eq!(a.any(1).to_vec::<bool>().unwrap(), vec![false, true]);
    /// assert!(a.any(..).item::<bool>().unwrap());
    /// ```
    #[track_caller]
    pub fn any(&self, axes: impl Into<Axes>) -> Array {
        let loc = SourceLocation::caller();
        reduce_node(
            ReduceOp::Any,
            &build::cast(self, DType::Bool, loc),
            axes.into(),
            loc,
        )
    }

    /// True where all elements over `axes` are nonzero.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::array;
    /// let a = array([[1, 2], [0, 3]]);
    /// assert_eq!(a.all(1).to_vec::<bool>().unwrap(), vec![true, false]);
    /// assert!(!a.all(..).item::<bool>().unwrap());
    /// ```
    #[track_caller]
    pub fn all(&self, axes: impl Into<Axes>) -> Array {
        let loc = SourceLocation::caller();
        reduce_node(
            ReduceOp::All,
            &build::cast(self, DType::Bool, loc),
            axes.into(),
            loc,
        )
    }

    /// Arithmetic mean over `axes`: float64 for integer inputs, the input's dtype for floats.
    /// The mean of zero elements is NaN.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::array;
    /// let a = array([[1, 2], [3, 4]]);
    /// assert_eq!(a.mean(..).item::<f64>().unwrap(), 2.5);
    /// assert_eq!(a.mean(0).to_vec::<f64>().unwrap(), vec![2.0, 3.0]);
    /// ```
    #[track_caller]
    pub fn mean(&self, axes: impl Into<Axes>) -> Array {
        self.mean_at(axes.into(), SourceLocation::caller())
    }

    fn mean_at(&self, axes: Axes, loc: SourceLocation) -> Array {
        let (x, count) = match self.float_input("mean", &axes, loc) {
            Ok(v) => v,
            Err(poisoned) => return poisoned,
        };
        let total = reduce_node(ReduceOp::Sum, &x, axes, loc);
        build::binary(
            BinaryOp::Div,
            Operand::Array(total),
            weak(count as f64),
            loc,
        )
    }

    /// The input of mean/var/std: `self` in float64 for integers (its own dtype for floats),
    /// and the number of elements each output reduces; or the poisoned result for bad axes.
    fn float_input(
        &self,
        op: &'static str,
        axes: &Axes,
        loc: SourceLocation,
    ) -> Result<(Array, usize), Array> {
        let dt = if self.dtype().is_inexact() {
            self.dtype()
        } else {
            DType::F64
        };
        let x = build::cast(self, dt, loc);
        match resolve(op, &x, axes.clone(), loc) {
            Ok(r) => Ok((x, r.count)),
            Err(e) => {
                let node_op = Op::Reduce {
                    op: ReduceOp::Sum,
                    axes: vec![],
                    keepdims: false,
                };
                Err(build::poison(e, node_op, &[self], dt, vec![], loc))
            }
        }
    }

    /// Variance over `axes` with `ddof = 0` (NumPy's default).
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::array;
    /// let a = array([1.0, 2.0, 3.0, 4.0]);
    /// assert_eq!(a.var(..).item::<f64>().unwrap(), 1.25);
    /// ```
    #[track_caller]
    pub fn var(&self, axes: impl Into<Axes>) -> Array {
        self.var_at("var", axes.into(), 0.0, SourceLocation::caller())
    }

    /// Variance over `axes`, dividing by `n - ddof` (`ddof = 1` gives the sample variance).
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::array;
    /// let a = array([1.0, 2.0, 3.0, 4.0]);
    /// let v = a.var_ddof(.., 1.0).item::<f64>().unwrap();
    /// assert!((v - 5.0 / 3.0).abs() < 1e-12);
    /// ```
    #[track_caller]
    pub fn var_ddof(&self, axes: impl Into<Axes>, ddof: f64) -> Array {
        self.var_at("var", axes.into(), ddof, SourceLocation::caller())
    }

    /// Standard deviation over `axes` with `ddof = 0`.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::array;
    /// let a = array([2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]);
    /// assert_eq!(a.std(..).item::<f64>().unwrap(), 2.0);
    /// ```
    #[track_caller]
    pub fn std(&self, axes: impl Into<Axes>) -> Array {
        let loc = SourceLocation::caller();
        build::unary(
            UnaryOp::Sqrt,
            &self.var_at("std", axes.into(), 0.0, loc),
            loc,
        )
    }

    /// Standard deviation over `axes`, dividing by `n - ddof`.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::array;
    /// let a = array([1.0, 3.0]);
    /// let s = a.std_ddof(.., 1.0).item::<f64>().unwrap();
    /// assert!((s - 2f64.sqrt()).abs() < 1e-12);
    /// ```
    #[track_caller]
    pub fn std_ddof(&self, axes: impl Into<Axes>, ddof: f64) -> Array {
        let loc = SourceLocation::caller();
        build::unary(
            UnaryOp::Sqrt,
            &self.var_at("std", axes.into(), ddof, loc),
            loc,
        )
    }

    /// NumPy's two-pass variance: `sum(|x - mean|^2) / max(n - ddof, 0)`.
    fn var_at(&self, op: &'static str, axes: Axes, ddof: f64, loc: SourceLocation) -> Array {
        let (x, count) = match self.float_input(op, &axes, loc) {
            Ok(v) => v,
            Err(poisoned) => return poisoned,
        };
        let mean = x.mean_at(axes.clone().keepdims(), loc);
        let d = build::binary(BinaryOp::Sub, Operand::Array(x), Operand::Array(mean), loc);
        let square = |v: Array| {
            build::binary(
                BinaryOp::Mul,
                Operand::Array(v.clone()),
                Operand::Array(v),
                loc,
            )
        };
        // Complex: `|d|^2 = re^2 + im^2` (NumPy's `(d * conj(d)).real`), a real result.
        let sq = if d.dtype().is_complex() {
            let re = build::unary(UnaryOp::Real, &d, loc);
            let im = build::unary(UnaryOp::Imag, &d, loc);
            build::binary(
                BinaryOp::Add,
                Operand::Array(square(re)),
                Operand::Array(square(im)),
                loc,
            )
        } else {
            square(d)
        };
        let total = reduce_node(ReduceOp::Sum, &sq, axes, loc);
        let denom = (count as f64 - ddof).max(0.0);
        build::binary(BinaryOp::Div, Operand::Array(total), weak(denom), loc)
    }

    /// Index of the maximum along one axis (`..` for the flattened array); the first one on
    /// ties, the first NaN if any.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::array;
    /// let a = array([[1, 9, 3], [7, 2, 7]]);
    /// assert_eq!(a.argmax(..).item::<i64>().unwrap(), 1);
    /// assert_eq!(a.argmax(1).to_vec::<i64>().unwrap(), vec![1, 0]);
    /// ```
    #[track_caller]
    pub fn argmax(&self, axis: impl Into<Axes>) -> Array {
        self.arg_reduce(ArgReduceOp::ArgMax, axis.into(), SourceLocation::caller())
    }

    /// Index of the minimum along one axis (`..` for the flattened array); the first one on
    /// ties, the first NaN if any.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::array;
    /// let a = array([[4, 1, 3], [0, 2, 0]]);
    /// assert_eq!(a.argmin(..).item::<i64>().unwrap(), 3);
    /// assert_eq!(a.argmin(0).to_vec::<i64>().unwrap(), vec![1, 0, 1]);
    /// ```
    #[track_caller]
    pub fn argmin(&self, axis: impl Into<Axes>) -> Array {
        self.arg_reduce(ArgReduceOp::ArgMin, axis.into(), SourceLocation::caller())
    }

    fn arg_reduce(&self, op: ArgReduceOp, axes: Axes, loc: SourceLocation) -> Array {
        let poison_op = Op::ArgReduce { op, axis: 0 };
        let (x, axis) = match axes.axes.as_deref() {
            None => (
                build::view(
                    self,
                    ViewOp::Reshape(vec![self.size()]),
                    vec![self.size()],
                    loc,
                ),
                0,
            ),
            Some([a]) => match build::axis(op.name(), *a, self.ndim(), loc) {
                Ok(a) => (self.clone(), a),
                Err(e) => return build::poison(e, poison_op, &[self], DType::I64, vec![], loc),
            },
            Some(_) => {
                let e = Error::invalid(op.name(), "takes one axis, not several", loc);
                return build::poison(e, poison_op, &[self], DType::I64, vec![], loc);
            }
        };
        let mut out_shape: Vec<usize> = x.shape().to_vec();
        if x.shape()[axis] == 0 {
            let err = Error::EmptyReduction {
                op: op.name(),
                shape: self.shape().into(),
                location: loc,
            };
            return build::poison(err, poison_op, &[self], DType::I64, vec![], loc);
        }
        out_shape.remove(axis);
        let node = build::node(
            Op::ArgReduce { op, axis },
            &[&x],
            DType::I64,
            out_shape,
            loc,
        );
        if !axes.keepdims {
            return node;
        }
        let kept: Vec<usize> = match axes.axes {
            None => vec![1; self.ndim()],
            Some(_) => {
                let mut s = self.shape().to_vec();
                s[axis] = 1;
                s
            }
        };
        build::view(&node, ViewOp::Reshape(kept.clone()), kept, loc)
    }

    /// Cumulative sum along one axis (`..` for the flattened array), with `sum`'s dtypes.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::array;
    /// let a = array([[1, 2], [3, 4]]);
    /// assert_eq!(a.cumsum(..).to_vec::<i64>().unwrap(), vec![1, 3, 6, 10]);
    /// assert_eq!(a.cumsum(0).to_vec::<i64>().unwrap(), vec![1, 2, 4, 6]);
    /// ```
    #[track_caller]
    pub fn cumsum(&self, axis: impl Into<Axes>) -> Array {
        self.scan(ScanOp::CumSum, axis.into(), SourceLocation::caller())
    }

    /// Cumulative product along one axis (`..` for the flattened array), with `sum`'s dtypes.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::array;
    /// let a = array([1.0, 2.0, 3.0, 4.0]);
    /// assert_eq!(a.cumprod(0).to_vec::<f64>().unwrap(), vec![1.0, 2.0, 6.0, 24.0]);
    /// ```
    #[track_caller]
    pub fn cumprod(&self, axis: impl Into<Axes>) -> Array {
        self.scan(ScanOp::CumProd, axis.into(), SourceLocation::caller())
    }

    fn scan(&self, op: ScanOp, axes: Axes, loc: SourceLocation) -> Array {
        let acc_dt = self.dtype().sum_accumulator();
        let acc = build::cast(self, acc_dt, loc);
        let poison_op = Op::Scan { op, axis: 0 };
        let (x, axis) = match axes.axes.as_deref() {
            None => (
                build::view(
                    &acc,
                    ViewOp::Reshape(vec![self.size()]),
                    vec![self.size()],
                    loc,
                ),
                0,
            ),
            Some([a]) => match build::axis(op.name(), *a, self.ndim(), loc) {
                Ok(a) => (acc, a),
                Err(e) => return build::poison(e, poison_op, &[self], acc_dt, vec![], loc),
            },
            Some(_) => {
                let e = Error::invalid(op.name(), "takes one axis, not several", loc);
                return build::poison(e, poison_op, &[self], acc_dt, vec![], loc);
            }
        };
        let shape = x.shape().to_vec();
        build::node(Op::Scan { op, axis }, &[&x], acc_dt, shape, loc)
    }
}
