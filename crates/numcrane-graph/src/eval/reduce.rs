//! Reductions (sum, prod, max, min, any, all), argmin/argmax, and cumulative scans.
//!
//! Each moves the reduced axes last with a permuted layout, reads the elements in that order,
//! and reduces each contiguous run. Float sums are pairwise over f64, so they are at least as
//! accurate as NumPy's pairwise float32/float64 sums on every axis.

use super::scalar::Num;
use super::{realized_from, values};
use crate::buffer::Buffer;
use crate::element::{CastTo, Complex32, Complex64};
use crate::error::{Error, Result};
use crate::layout::Layout;
use crate::node::{Node, Realized};
use crate::op::{ArgReduceOp, BinaryOp, ReduceOp, ScanOp};
use crate::with_dtype;
use std::sync::Arc;

/// `x` viewed with `moved` axes last (in order) and the other axes first (in order).
fn move_axes_last(x: &Realized, moved: &[usize]) -> Realized {
    let nd = x.layout.ndim();
    let mut perm: Vec<usize> = (0..nd).filter(|a| !moved.contains(a)).collect();
    perm.extend_from_slice(moved);
    Realized {
        buffer: x.buffer.clone(),
        layout: x.layout.permute(&perm),
    }
}

/// Pairwise sum in f64 (blocks of 8 summed directly, as NumPy does below 8 elements).
fn pairwise_sum<T: Copy + CastTo<f64>>(xs: &[T]) -> f64 {
    if xs.len() <= 8 {
        // From +0.0 as NumPy (Iterator::sum starts at -0.0, so an empty sum would be -0.0).
        return xs.iter().fold(0.0, |acc, &v| acc + CastTo::<f64>::cast(v));
    }
    let mid = xs.len() / 2;
    pairwise_sum(&xs[..mid]) + pairwise_sum(&xs[mid..])
}

/// Per-type sums for `ReduceOp::Sum`: of one contiguous run, and column-wise over rows.
trait Total: Num {
    fn total(xs: &[Self]) -> Self;
    /// `out[j] = sum over i of data[i * k + j]` for `r` rows of `k` elements.
    fn column_totals(data: &[Self], k: usize) -> Vec<Self>;
}

macro_rules! float_total {
    ($($t:ty),*) => { $( impl Total for $t {
        fn total(xs: &[$t]) -> $t { pairwise_sum(xs) as $t }
        fn column_totals(data: &[$t], k: usize) -> Vec<$t> {
            // Row by row in f64: memory is read in order, and the f64 error bound (rows x
            // 2^-53) is far below float32 NumPy's own row-by-row float32 sums.
            let mut acc = vec![0f64; k];
            for row in data.chunks_exact(k) {
                for (a, &v) in acc.iter_mut().zip(row) {
                    *a += v as f64;
                }
            }
            acc.into_iter().map(|a| a as $t).collect()
        }
    } )* };
}
float_total!(f32, f64);

macro_rules! int_total {
    ($($t:ty),*) => { $( impl Total for $t {
        fn total(xs: &[$t]) -> $t { xs.iter().fold(0, |a: $t, &b| a.wrapping_add(b)) }
        fn column_totals(data: &[$t], k: usize) -> Vec<$t> {
            fold_columns(data, k, vec![0; k], |a: $t, b| a.wrapping_add(b))
        }
    } )* };
}
int_total!(i8, i16, i32, i64, u8, u16, u32, u64);

/// Pairwise sum of complex values, each part in f64 (as `pairwise_sum`).
fn pairwise_sum_complex<T: Copy + CastTo<Complex64>>(xs: &[T]) -> Complex64 {
    if xs.len() <= 8 {
        return xs.iter().fold(Complex64::new(0.0, 0.0), |acc, &v| {
            let v: Complex64 = v.cast();
            Complex64::new(acc.re + v.re, acc.im + v.im)
        });
    }
    let mid = xs.len() / 2;
    pairwise_sum_complex(&xs[..mid]) + pairwise_sum_complex(&xs[mid..])
}

macro_rules! complex_total {
    ($($t:ty),*) => { $( impl Total for $t {
        fn total(xs: &[$t]) -> $t { pairwise_sum_complex(xs).cast() }
        fn column_totals(data: &[$t], k: usize) -> Vec<$t> {
            let mut acc = vec![Complex64::new(0.0, 0.0); k];
            for row in data.chunks_exact(k) {
                for (a, &v) in acc.iter_mut().zip(row) {
                    let v: Complex64 = v.cast();
                    *a = Complex64::new(a.re + v.re, a.im + v.im);
                }
            }
            acc.into_iter().map(CastTo::cast).collect()
        }
    } )* };
}
complex_total!(Complex32, Complex64);

impl Total for bool {
    fn total(xs: &[bool]) -> bool {
        xs.iter().any(|&b| b)
    }
    fn column_totals(data: &[bool], k: usize) -> Vec<bool> {
        fold_columns(data, k, vec![false; k], |a, b| a | b)
    }
}

/// `init[j]` folded with `f` over column j of `data` (rows of `k` elements), in row order.
fn fold_columns<T: Copy>(data: &[T], k: usize, mut acc: Vec<T>, f: impl Fn(T, T) -> T) -> Vec<T> {
    for row in data.chunks_exact(k) {
        for (a, &v) in acc.iter_mut().zip(row) {
            *a = f(*a, v);
        }
    }
    acc
}

/// Reduces one contiguous run of elements to a value.
type RunReducer<T> = Box<dyn Fn(&[T]) -> T>;

pub(super) fn reduce(
    node: &Node,
    op: ReduceOp,
    axes: &[usize],
    _keepdims: bool,
    x: &Realized,
) -> Result<Realized> {
    let nd = x.layout.ndim();
    let inner = axes
        .iter()
        .fold(1usize, |acc, &a| acc.saturating_mul(x.layout.shape[a]));
    let kept = node.shape().iter().product::<usize>();
    // When the innermost axis is kept (e.g. X.sum(axis=0)), walk the reduced axes outermost
    // so memory is read in order, accumulating whole rows of outputs.
    if nd > 0 && !axes.contains(&(nd - 1)) && kept > 0 && inner > 0 {
        let mut perm = axes.to_vec();
        perm.extend((0..nd).filter(|a| !axes.contains(a)));
        let moved = Realized {
            buffer: x.buffer.clone(),
            layout: x.layout.permute(&perm),
        };
        return with_dtype!(x.buffer.dtype(), T => reduce_columns::<T>(node, op, kept, &moved));
    }
    let moved = move_axes_last(x, axes);
    with_dtype!(x.buffer.dtype(), T => reduce_typed::<T>(node, op, inner, &moved))
}

/// Reduction over leading (reduced) axes of `x`, whose trailing `k` elements per row are the
/// outputs.
fn reduce_columns<T: Total>(node: &Node, op: ReduceOp, k: usize, x: &Realized) -> Result<Realized> {
    let data = values::<T>(x)?;
    let unsupported = || Error::dtype(op.name(), T::DTYPE, node.location());
    let first = || data.get(..k).map(|row| row.to_vec()).unwrap_or_default();
    let totals = match op {
        ReduceOp::Sum | ReduceOp::Any => T::column_totals(&data, k),
        ReduceOp::Prod | ReduceOp::All => fold_columns(
            &data,
            k,
            vec![T::one(); k],
            T::binary(BinaryOp::Mul).ok_or_else(unsupported)?,
        ),
        ReduceOp::Max => fold_columns(
            &data,
            k,
            first(),
            T::binary(BinaryOp::Maximum).ok_or_else(unsupported)?,
        ),
        ReduceOp::Min => fold_columns(
            &data,
            k,
            first(),
            T::binary(BinaryOp::Minimum).ok_or_else(unsupported)?,
        ),
    };
    realized_from::<T>(node, |out| {
        if out.len() != totals.len() {
            return Err(Error::internal(op.name(), "reduction output size"));
        }
        out.copy_from_slice(&totals);
        Ok(())
    })
}

fn reduce_typed<T: Total>(
    node: &Node,
    op: ReduceOp,
    inner: usize,
    x: &Realized,
) -> Result<Realized> {
    let data = values::<T>(x)?;
    let fold = |f: fn(T, T) -> T, init: T| move |run: &[T]| run.iter().fold(init, |a, &b| f(a, b));
    let unsupported = || Error::dtype(op.name(), T::DTYPE, node.location());
    let reduce_run: RunReducer<T> = match op {
        ReduceOp::Sum | ReduceOp::Any => Box::new(T::total),
        ReduceOp::Prod | ReduceOp::All => Box::new(fold(
            T::binary(BinaryOp::Mul).ok_or_else(unsupported)?,
            T::one(),
        )),
        ReduceOp::Max | ReduceOp::Min => {
            let which = if op == ReduceOp::Max {
                BinaryOp::Maximum
            } else {
                BinaryOp::Minimum
            };
            let f = T::binary(which).ok_or_else(unsupported)?;
            Box::new(move |run: &[T]| match run.split_first() {
                Some((&first, rest)) => rest.iter().fold(first, |a, &b| f(a, b)),
                None => T::zero(),
            })
        }
    };
    realized_from::<T>(node, |out| {
        for (i, o) in out.iter_mut().enumerate() {
            *o = reduce_run(&data[i * inner..(i + 1) * inner]);
        }
        Ok(())
    })
}

pub(super) fn arg_reduce(
    node: &Node,
    op: ArgReduceOp,
    axis: usize,
    x: &Realized,
) -> Result<Realized> {
    let moved = move_axes_last(x, &[axis]);
    let inner = x.layout.shape[axis];
    with_dtype!(x.buffer.dtype(), T => arg_reduce_typed::<T>(node, op, inner, &moved))
}

fn arg_reduce_typed<T: Num>(
    node: &Node,
    op: ArgReduceOp,
    inner: usize,
    x: &Realized,
) -> Result<Realized> {
    let data = values::<T>(x)?;
    // Complex compares lexicographically (NumPy's CGT / CLT).
    let better = T::compare(match op {
        ArgReduceOp::ArgMax => BinaryOp::Gt,
        ArgReduceOp::ArgMin => BinaryOp::Lt,
    })
    .ok_or_else(|| Error::dtype(op.name(), T::DTYPE, node.location()))?;
    realized_from::<i64>(node, |out| {
        for (i, o) in out.iter_mut().enumerate() {
            let run = &data[i * inner..(i + 1) * inner];
            let mut best = 0usize;
            for (j, &v) in run.iter().enumerate().skip(1) {
                if run[best].is_nan() {
                    break;
                }
                // The first NaN wins, as in NumPy.
                if v.is_nan() || better(v, run[best]) {
                    best = j;
                }
            }
            *o = best as i64;
        }
        Ok(())
    })
}

pub(super) fn scan(node: &Node, op: ScanOp, axis: usize, x: &Realized) -> Result<Realized> {
    with_dtype!(x.buffer.dtype(), T => scan_typed::<T>(node, op, axis, x))
}

fn scan_typed<T: Num>(node: &Node, op: ScanOp, axis: usize, x: &Realized) -> Result<Realized> {
    let moved = move_axes_last(x, &[axis]);
    let inner = x.layout.shape[axis];
    let data = values::<T>(&moved)?;
    let which = match op {
        ScanOp::CumSum => BinaryOp::Add,
        ScanOp::CumProd => BinaryOp::Mul,
    };
    let f = T::binary(which).ok_or_else(|| Error::dtype(op.name(), T::DTYPE, node.location()))?;
    let mut buffer = Buffer::zeros(T::DTYPE, data.len(), op.name())?;
    let out = buffer.as_mut_slice::<T>()?;
    if inner > 0 {
        for (src, dst) in data.chunks(inner).zip(out.chunks_mut(inner)) {
            let mut acc = src[0];
            dst[0] = acc;
            for (d, &v) in dst[1..].iter_mut().zip(&src[1..]) {
                acc = f(acc, v);
                *d = acc;
            }
        }
    }
    // The result was written with the scanned axis last; view it back in the input's order.
    let nd = x.layout.ndim();
    let mut perm: Vec<usize> = (0..nd).filter(|&a| a != axis).collect();
    perm.push(axis);
    let mut inverse = vec![0; nd];
    for (i, &p) in perm.iter().enumerate() {
        inverse[p] = i;
    }
    Ok(Realized {
        buffer: Arc::new(buffer),
        layout: Layout::contiguous(&moved.layout.shape).permute(&inverse),
    })
}
