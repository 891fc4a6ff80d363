//! A kernel runner without code generation: each instruction of the kernel is computed over
//! the whole launch by the reference evaluator's own `compute`.
//!
//! It exists to test the fusion pass on its own (plan + lowering + index-map composition +
//! dimension collapsing) against the reference evaluator, and as the baseline a JIT runner is
//! compared with: op semantics are the oracle's by construction, so any difference between
//! this runner and plain evaluation is a fusion bug. Like every kernel runner it writes the
//! output only through its raw pointer (it may be uninitialised recycled memory).

use crate::kernel::{
    component_len, resolve_index, ElementwiseKernel, GatherAxis, InstrKind, Launch, ReduceInner,
    Reduction,
};
use numcrane_graph::element::{Complex32, Complex64};
use numcrane_graph::error::SourceLocation;
use numcrane_graph::eval::{compute, values};
use numcrane_graph::{
    with_dtype, Buffer, DType, Error, IndexMode, Layout, Node, Op, OutSlot, Realized, Result,
};
use std::sync::Arc;

/// Runs `kernel` over `launch`, writing `out` (contiguous, the launch's element count).
#[track_caller]
pub fn interpret(
    kernel: &ElementwiseKernel,
    launch: &Launch,
    inputs: &[&Buffer],
    mut out: OutSlot<'_>,
) -> Result<()> {
    let loc = SourceLocation::caller();
    let n = numcrane_graph::layout::size_of(&launch.shape);
    if n == 0 {
        return Ok(());
    }
    let flat = vec![n];
    let mut columns: Vec<Realized> = Vec::with_capacity(kernel.instrs.len());
    for instr in &kernel.instrs {
        let col = |v: usize| {
            columns
                .get(v)
                .ok_or_else(|| Error::internal("interpret", "operand out of order"))
        };
        let node = |op: Op| Node::new(op, vec![], instr.dtype, flat.clone(), loc);
        let column = match &instr.kind {
            InstrKind::Load { input } => {
                let buffer = inputs
                    .get(*input)
                    .ok_or_else(|| Error::internal("interpret", "missing input"))?;
                let layout = launch
                    .layouts
                    .get(*input)
                    .ok_or_else(|| Error::internal("interpret", "missing layout"))?;
                gather(buffer, layout, instr.dtype)?
            }
            InstrKind::Const(s) => compute(&node(Op::Full(*s)), &[])?,
            InstrKind::Cast { value } => compute(&node(Op::Cast), &[col(*value)?])?,
            InstrKind::Unary { op, value } => compute(&node(Op::Unary(*op)), &[col(*value)?])?,
            InstrKind::Binary { op, lhs, rhs } => {
                compute(&node(Op::Binary(*op)), &[col(*lhs)?, col(*rhs)?])?
            }
            InstrKind::MulAdd { a, b, c } => mul_add(col(*a)?, col(*b)?, col(*c)?, instr.dtype)?,
            InstrKind::Where {
                cond,
                then,
                otherwise,
            } => compute(
                &node(Op::Where),
                &[col(*cond)?, col(*then)?, col(*otherwise)?],
            )?,
            InstrKind::Gather {
                input,
                indices,
                mode,
            } => {
                let number = kernel.gathers().take_while(|g| g.0 != *input).count();
                let axes = launch
                    .gathers
                    .get(number)
                    .ok_or_else(|| Error::internal("interpret", "a gather without its axes"))?;
                let index_columns = indices
                    .iter()
                    .map(|&v| col(v).and_then(values::<i64>))
                    .collect::<Result<Vec<_>>>()?;
                let buffer = inputs
                    .get(*input)
                    .ok_or_else(|| Error::internal("interpret", "missing input"))?;
                let layout = launch
                    .layouts
                    .get(*input)
                    .ok_or_else(|| Error::internal("interpret", "missing layout"))?;
                indexed_gather(buffer, layout, axes, &index_columns, *mode)?
            }
            InstrKind::Complex { re, im } => pack_complex(col(*re)?, col(*im)?, instr.dtype)?,
        };
        columns.push(column);
    }
    let mut result = columns
        .get(kernel.output)
        .ok_or_else(|| Error::internal("interpret", "no output"))?
        .clone();
    if let Some(r) = &kernel.reduce {
        result = fold(r, launch, result, loc)?;
    }
    if result.buffer.dtype() != out.dtype() {
        return Err(Error::internal(
            "interpret",
            "output dtype differs from the kernel's",
        ));
    }
    with_dtype!(out.dtype(), T => {
        let src = values::<T>(&result)?;
        if launch.out_offset.checked_add(src.len()).is_none_or(|end| end > out.len()) {
            return Err(Error::internal("interpret", "output size differs from the launch"));
        }
        // SAFETY: `out` holds elements out_offset .. out_offset + src.len() of `T` (dtype and
        // length checked above) and is exclusively borrowed; writing through the raw pointer
        // creates no reference to its possibly uninitialised contents (see
        // `Buffer::for_overwrite`).
        unsafe {
            let dst = (out.as_mut_ptr() as *mut T).add(launch.out_offset);
            std::ptr::copy_nonoverlapping(src.as_ptr(), dst, src.len())
        };
    });
    Ok(())
}

/// The reference evaluator's reduction of the launch-ordered `values` over the launch's
/// reduced dimensions; its result is in the kernel's output order.
fn fold(r: &Reduction, launch: &Launch, values: Realized, loc: SourceLocation) -> Result<Realized> {
    let nd = launch.shape.len();
    let kept = launch
        .reduce_kept
        .ok_or_else(|| Error::internal("interpret", "a reduction launch without kept dims"))?;
    let last = match r.inner {
        ReduceInner::Row => nd,
        ReduceInner::Columns => nd.saturating_sub(1),
    };
    let axes: Vec<usize> = (kept..last).collect();
    let shape: Vec<usize> = (0..nd)
        .filter(|d| !axes.contains(d))
        .map(|d| launch.shape[d])
        .collect();
    let dtype = values.buffer.dtype();
    let values = Realized {
        buffer: values.buffer,
        layout: Layout::contiguous(&launch.shape),
    };
    let op = Op::Reduce {
        op: r.op,
        axes,
        keepdims: false,
    };
    compute(&Node::new(op, vec![], dtype, shape, loc), &[&values])
}

/// The elements of `buffer` read through `layout` as `dtype`, as a contiguous 1-d column: a
/// complex buffer read as float is read as its interleaved parts (`layout` counts parts).
fn gather(buffer: &Buffer, layout: &Layout, dtype: DType) -> Result<Realized> {
    let (lo, hi) = layout.extent();
    let len = component_len(buffer.dtype(), buffer.len(), dtype)
        .ok_or_else(|| Error::internal("interpret", "a load of another dtype than its input"))?;
    if lo < 0 || hi as usize > len {
        return Err(Error::internal("interpret", "layout outside its buffer"));
    }
    with_dtype!(dtype, T => {
        let data: &[T] = if buffer.dtype() == dtype {
            buffer.as_slice::<T>()?
        } else {
            // SAFETY: the buffer is complex with parts of `T` (checked by `component_len`):
            // `num_complex`'s types are `repr(C)` pairs of their part, so its memory holds
            // `2 * buffer.len()` initialised, aligned `T`s, borrowed for `buffer`'s lifetime.
            unsafe { std::slice::from_raw_parts(buffer.as_ptr() as *const T, len) }
        };
        let column: Vec<T> = layout.offsets().map(|o| data[o]).collect();
        let n = column.len();
        Ok(Realized { buffer: Arc::new(Buffer::from_slice(&column)?), layout: Layout::contiguous(&[n]) })
    })
}

/// The column `a * b + c` of float `dtype`, each element rounded once (`mul_add`, an exact
/// fused multiply-add on every target: the graph has no op of its own for it).
fn mul_add(a: &Realized, b: &Realized, c: &Realized, dtype: DType) -> Result<Realized> {
    fn column<T: numcrane_graph::element::Element>(
        a: &Realized,
        b: &Realized,
        c: &Realized,
        f: fn(T, T, T) -> T,
    ) -> Result<Buffer> {
        let (a, b, c) = (values::<T>(a)?, values::<T>(b)?, values::<T>(c)?);
        if a.len() != b.len() || a.len() != c.len() {
            return Err(Error::internal(
                "interpret",
                "fused multiply-add operands of different lengths",
            ));
        }
        let v: Vec<T> = a
            .iter()
            .zip(b.iter())
            .zip(c.iter())
            .map(|((&x, &y), &z)| f(x, y, z))
            .collect();
        Ok(Buffer::from_vec(v))
    }
    let column = match dtype {
        DType::F32 => column::<f32>(a, b, c, f32::mul_add)?,
        DType::F64 => column::<f64>(a, b, c, f64::mul_add)?,
        _ => {
            return Err(Error::internal(
                "interpret",
                "a fused multiply-add of a non-float dtype",
            ))
        }
    };
    let n = column.len();
    Ok(Realized {
        buffer: Arc::new(column),
        layout: Layout::contiguous(&[n]),
    })
}

/// The complex column of dtype `dtype` whose parts are the columns `re` and `im`.
fn pack_complex(re: &Realized, im: &Realized, dtype: DType) -> Result<Realized> {
    let column = match dtype {
        DType::C64 => {
            let (re, im) = (values::<f32>(re)?, values::<f32>(im)?);
            let v: Vec<Complex32> = re
                .iter()
                .zip(im.iter())
                .map(|(&r, &i)| Complex32::new(r, i))
                .collect();
            Buffer::from_vec(v)
        }
        DType::C128 => {
            let (re, im) = (values::<f64>(re)?, values::<f64>(im)?);
            let v: Vec<Complex64> = re
                .iter()
                .zip(im.iter())
                .map(|(&r, &i)| Complex64::new(r, i))
                .collect();
            Buffer::from_vec(v)
        }
        _ => {
            return Err(Error::internal(
                "interpret",
                "a complex value of a real dtype",
            ))
        }
    };
    let n = column.len();
    Ok(Realized {
        buffer: Arc::new(column),
        layout: Layout::contiguous(&[n]),
    })
}

/// A fused gather's column: element `e` of the launch reads `buffer` at `layout`'s offset of
/// `e` plus each resolved index times its axis's stride. An index its mode rejects fails the
/// run (the executor then evaluates the group on the reference evaluator, whose error names
/// the user's function); so does an offset outside the buffer (a lowering bug).
fn indexed_gather(
    buffer: &Buffer,
    layout: &Layout,
    axes: &[GatherAxis],
    indices: &[std::borrow::Cow<'_, [i64]>],
    mode: IndexMode,
) -> Result<Realized> {
    if axes.len() != indices.len() {
        return Err(Error::internal(
            "interpret",
            "gather axes and indices differ",
        ));
    }
    let bad = || Error::internal("interpret", "a gather index outside its axis");
    let mut offsets = Vec::with_capacity(layout.size());
    for (e, base) in layout.offsets().enumerate() {
        let mut at = base as i128;
        for (axis, column) in axes.iter().zip(indices) {
            let i = *column.get(e).ok_or_else(bad)?;
            let r = resolve_index(mode, i, axis.len).ok_or_else(bad)?;
            at += r as i128 * axis.stride as i128;
        }
        let at = usize::try_from(at)
            .ok()
            .filter(|&a| a < buffer.len())
            .ok_or_else(|| Error::internal("interpret", "a gather read outside its buffer"))?;
        offsets.push(at);
    }
    with_dtype!(buffer.dtype(), T => {
        let data = buffer.as_slice::<T>()?;
        let column: Vec<T> = offsets.iter().map(|&o| data[o]).collect();
        let n = column.len();
        Ok(Realized { buffer: Arc::new(Buffer::from_slice(&column)?), layout: Layout::contiguous(&[n]) })
    })
}
