//! Running a compiled reduction kernel: splitting the fold into calls of the row function,
//! spreading them over threads, and combining partial results in a fixed order.
//!
//! A reduction launch has the shape `[kept..., reduced..., n]` (see
//! `numcrane_fuse::kernel::Launch::reduce_kept`). Every output starts at the fold's identity;
//! each call of the row function folds one row (or one block of a long row) into it, or for
//! column folds up to `CALL_ROWS` rows.
//!
//! - `ReduceInner::Columns` (`x.sum(axis=0)`): the row function adds whole rows of values into
//!   a row of outputs (several rows per call: `CompiledKernel::call_rows`, which folds them in
//!   order, a few at a time per pass over the columns). The rows are cut into groups of at
//!   least `GROUP_ELEMENTS` elements (at most `MAX_GROUPS`), a function of the shape only; each
//!   group folds its rows in order into its own copy of the output, and the copies are
//!   combined in group order. Float sums
//!   accumulate in the dtype, as NumPy's do along axis 0 (grouping only shortens the chains).
//! - `ReduceInner::Row` (`x.sum(axis=-1)`, `x.sum()`): the fold of one output is cut into
//!   *pieces* of about `PIECE` elements, a function of the shape only. Each piece is folded by
//!   one thread; the pieces' partial results are combined in piece order. So 1 or 16 threads
//!   give the same bits. Float sums fold blocks of at most `BLOCK` elements in vector
//!   registers and add the block totals in f64, so the error grows with `BLOCK`, not with the
//!   length of the row (NumPy's pairwise summation has the same aim).
//!
//! In checked mode every call gets bounds (see `runtime`): the inputs' layout extents, and for
//! the output exactly the elements that call folds into. The first refused access is kept as
//! the launch's error; tasks that start after it do nothing.

use crate::codegen::{Bounds, CompiledKernel};
use crate::runtime::{call_strides, itemsizes, out_of_bounds, PerInput};
use numcrane_fuse::kernel::{ElementwiseKernel, Launch, ReduceInner, Reduction};
use numcrane_graph::eval::scalar::Num;
use numcrane_graph::{
    with_dtype, Buffer, CastTo, Element, Error, Layout, OutSlot, ReduceOp, Result,
};
use rayon::prelude::*;
use std::sync::OnceLock;

/// Most elements one call of the row function folds in a float sum.
const BLOCK: usize = 512;
/// Elements per piece: the unit of parallel work, and of partial results in a row fold.
const PIECE: usize = 1 << 16;
/// Column folds: most row groups (partial copies of the output), and fewest elements each.
const MAX_GROUPS: usize = 64;
const GROUP_ELEMENTS: usize = 1 << 20;
/// Column folds: most rows one call of the row function folds (its pointer table's length).
const CALL_ROWS: usize = 64;

fn internal(message: impl Into<String>) -> Error {
    Error::internal("jit reduce", message)
}

/// Everything needed to call the row function on any row of one validated launch.
struct Fold<'a> {
    compiled: &'a CompiledKernel,
    launch: &'a Launch,
    /// Checked code: the bytes each input may be read from.
    bounds: Option<Vec<Bounds>>,
    /// How many output elements one call folds into: `len` (Columns) or 1 (Row).
    inner: ReduceInner,
    out_itemsize: usize,
    /// The first access checked code refused; once set, tasks stop calling the kernel.
    failure: OnceLock<Error>,
    /// `[kept..., reduced...]`
    outer: &'a [usize],
    kept: usize,
    n: usize,
    layouts: &'a [Layout],
    inner_strides: PerInput<isize>,
    itemsizes: PerInput<isize>,
    bases: PerInput<*const u8>,
}

// SAFETY: `Fold` is shared between rayon workers only inside `run`, while the input buffers it
// points into are borrowed; workers only read through these pointers.
unsafe impl Sync for Fold<'_> {}

/// A raw output pointer that workers write disjoint elements through.
#[derive(Clone, Copy)]
struct OutPtr(*mut u8);
// SAFETY: shared only inside `run` while the output buffer is mutably borrowed; every task
// writes a set of elements no other task touches (documented at each use).
unsafe impl Sync for OutPtr {}
// SAFETY: as for Sync.
unsafe impl Send for OutPtr {}

impl OutPtr {
    /// The pointer (a method, so closures capture the whole `Sync` wrapper, not the field).
    fn get(self) -> *mut u8 {
        self.0
    }
}

/// Per-task scratch space for `Fold::call` (no allocation per call, and none at all for
/// kernels of up to 8 inputs folding one row per call: row folds make one per output row).
struct Scratch {
    offsets: PerInput<isize>,
    ptrs: PerInput<*const u8>,
    /// Checked code: the inputs' bounds, then the output's (set per call).
    bounds: Option<Vec<Bounds>>,
}

impl Fold<'_> {
    fn scratch(&self) -> Scratch {
        Scratch {
            offsets: smallvec::smallvec![0; self.bases.len()],
            ptrs: smallvec::smallvec![std::ptr::null(); self.bases.len()],
            bounds: self
                .bounds
                .as_ref()
                .map(|b| b.iter().copied().chain([Bounds::EVERYWHERE]).collect()),
        }
    }

    /// Whether a checked call has failed: further calls are pointless.
    fn failed(&self) -> bool {
        self.failure.get().is_some()
    }

    /// The launch's result: the first refused access, if any.
    fn result(self) -> Result<()> {
        match self.failure.into_inner() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// Calls the row function on `len` elements starting at column `j` of the `rows` rows with
    /// kept index `o` and reduced indices `r..r + rows` (row-major over their dimensions), with
    /// output `out`. `rows` must be 1 unless the kernel is a column fold, which folds the rows
    /// in order.
    ///
    /// # Safety
    ///
    /// `o`, `r + rows - 1` and `j + len <= n` must lie inside the launch (whose layouts were
    /// checked against their buffers, unless the code is checked), and `out` must be valid for
    /// the kernel's output reads and writes: `len` initialised elements for `Columns`, one for
    /// `Row`, that no other thread accesses meanwhile.
    ///
    /// Checked code that refuses an access records the error in `failure` (the first one wins)
    /// and returns false; true otherwise.
    #[allow(clippy::too_many_arguments)]
    unsafe fn call(
        &self,
        s: &mut Scratch,
        o: usize,
        r: usize,
        rows: usize,
        j: usize,
        len: usize,
        out: *mut u8,
    ) -> bool {
        let count = self.bases.len();
        s.ptrs.resize(rows * count, std::ptr::null());
        for t in 0..rows {
            for (off, l) in s.offsets.iter_mut().zip(self.layouts) {
                *off = l.offset as isize;
            }
            let mut unravel = |mut index: usize, dims: std::ops::Range<usize>| {
                for d in dims.rev() {
                    let i = (index % self.outer[d]) as isize;
                    index /= self.outer[d];
                    for (off, l) in s.offsets.iter_mut().zip(self.layouts) {
                        *off = off.wrapping_add(i.wrapping_mul(l.strides[d]));
                    }
                }
            };
            unravel(o, 0..self.kept);
            unravel(r + t, self.kept..self.outer.len());
            for k in 0..count {
                let element =
                    s.offsets[k].wrapping_add((j as isize).wrapping_mul(self.inner_strides[k]));
                s.ptrs[t * count + k] =
                    self.bases[k].wrapping_offset(element.wrapping_mul(self.itemsizes[k]));
            }
        }
        let Some(bounds) = &mut s.bounds else {
            // SAFETY: by the contract above every element the call reads is an element of its
            // input's layout inside its buffer, and the output accesses are allowed; `ptrs`
            // holds one entry per kernel input and row, `inner_strides` one per input.
            unsafe {
                self.compiled.call_rows(
                    len,
                    out,
                    s.ptrs.as_ptr(),
                    self.inner_strides.as_ptr(),
                    rows,
                )
            };
            return true;
        };
        let outputs = match self.inner {
            ReduceInner::Columns => len,
            ReduceInner::Row => 1,
        };
        let last = bounds.len() - 1;
        bounds[last] = Bounds::of_bytes(out, outputs * self.out_itemsize);
        // SAFETY: the kernel was compiled with `Checks::Bounds` (the runtime asked the cache
        // for it) and `bounds` holds one entry per input and the output. Input bounds are
        // layout extents clamped to their buffers: initialised elements of the kernel's dtypes.
        // The output's are the elements the contract above allows. `ptrs` holds one entry per
        // kernel input and row, `inner_strides` one per input.
        let status = unsafe {
            self.compiled.call_rows_checked(
                len,
                out,
                s.ptrs.as_ptr(),
                self.inner_strides.as_ptr(),
                rows,
                bounds,
            )
        };
        match status {
            Ok(()) => true,
            Err(what) => {
                let at = if rows == 1 {
                    format!("output {o}, reduced row {r}, elements {j}..{}", j + len)
                } else {
                    format!(
                        "output {o}, reduced rows {r}..{}, elements {j}..{}",
                        r + rows,
                        j + len
                    )
                };
                // Only the first error is kept (and printed).
                if !self.failed() {
                    let _ = self
                        .failure
                        .set(out_of_bounds(what, bounds, self.launch, &at));
                }
                false
            }
        }
    }
}

/// Folds `launch` into `out` (already checked: inputs, layouts, output dtype and length).
/// `bounds`: for checked code, the bytes each input may be read from.
pub(crate) fn run(
    kernel: &ElementwiseKernel,
    reduction: &Reduction,
    compiled: &CompiledKernel,
    launch: &Launch,
    inputs: &[&Buffer],
    out: &mut OutSlot<'_>,
    bounds: Option<Vec<Bounds>>,
) -> Result<()> {
    let nd = launch.shape.len();
    let kept = launch.reduce_kept.unwrap_or(0);
    let fold = Fold {
        compiled,
        launch,
        bounds,
        inner: reduction.inner,
        out_itemsize: out.dtype().itemsize(),
        failure: OnceLock::new(),
        outer: &launch.shape[..nd - 1],
        kept,
        n: launch.shape[nd - 1],
        layouts: &launch.layouts,
        inner_strides: call_strides(launch),
        itemsizes: itemsizes(inputs),
        bases: inputs.iter().map(|b| b.as_ptr()).collect(),
    };
    let outputs = launch.shape[..kept].iter().product::<usize>();
    let rows = launch.shape[kept..nd - 1].iter().product::<usize>();
    let dtype = kernel.out_dtype();
    with_dtype!(dtype, T => {
        let identity = T::from_scalar(reduction.identity(dtype))
            .ok_or_else(|| internal("identity of the wrong dtype"))?;
        // Checked by the caller: elements out_offset .. out_offset + output_len lie in `out`.
        let out_ptr = OutPtr(out.as_mut_ptr().wrapping_add(launch.out_offset * std::mem::size_of::<T>()));
        match reduction.inner {
            ReduceInner::Columns => {
                columns::<T>(&fold, reduction, identity, outputs, rows, out_ptr)?
            }
            ReduceInner::Row => {
                row_folds::<T>(&fold, reduction, identity, outputs, rows, out_ptr)?
            }
        }
    });
    fold.result()
}

/// Column folds. The reduced rows are cut into groups (a function of the shape only); each
/// group folds its rows, in order, into its own copy of the output rows (group 0 into `out`)
/// and the copies are combined in group order. Threads take (group, output row, column range)
/// pieces: whole groups stream contiguous memory, column ranges only split who computes.
fn columns<T: Num>(
    fold: &Fold<'_>,
    reduction: &Reduction,
    identity: T,
    outputs: usize,
    rows: usize,
    out: OutPtr,
) -> Result<()> {
    let n = fold.n;
    let rows_per_group = rows.div_ceil(MAX_GROUPS).max(GROUP_ELEMENTS.div_ceil(n));
    let groups = rows.div_ceil(rows_per_group).max(1);
    let out_len = outputs * n;
    let extra = (groups - 1).saturating_mul(out_len);
    let mut partials: Vec<T> = Vec::new();
    partials
        .try_reserve_exact(extra)
        .map_err(|_| Error::OutOfMemory {
            op: reduction.op.name(),
            bytes: extra.saturating_mul(std::mem::size_of::<T>()),
        })?;
    partials.resize(extra, identity);
    let part = OutPtr(partials.as_mut_ptr().cast());

    let per_output = rayon::current_num_threads().div_ceil(outputs * groups);
    let ranges = per_output.clamp(1, (n / 1024).max(1));
    let width = n.div_ceil(ranges);
    let isz = std::mem::size_of::<T>();
    (0..groups * outputs * ranges)
        .into_par_iter()
        .for_each(|task| {
            let (g, rest) = (task / (outputs * ranges), task % (outputs * ranges));
            let (o, c) = (rest / ranges, rest % ranges);
            let (j, end) = (c * width, ((c + 1) * width).min(n));
            if j >= end || fold.failed() {
                return;
            }
            let base = if g == 0 {
                let base = out.get().wrapping_add((o * n + j) * isz);
                for t in 0..end - j {
                    // SAFETY: output elements o*n + j .. o*n + end lie inside `out` (its
                    // length is outputs * n) and belong to this task only.
                    unsafe { (base as *mut T).add(t).write_unaligned(identity) };
                }
                base
            } else {
                // Group g's copy, already at the identity; elements of this task only.
                part.get()
                    .wrapping_add(((g - 1) * out_len + o * n + j) * isz)
            };
            let mut scratch = fold.scratch();
            let last = ((g + 1) * rows_per_group).min(rows);
            for r in (g * rows_per_group..last).step_by(CALL_ROWS) {
                let count = CALL_ROWS.min(last - r);
                // SAFETY: o < outputs, r + count <= rows, end <= n: inside the launch; the
                // rows fold into `end - j` initialised output elements of this task (in `out`
                // or `partials`).
                if !unsafe { fold.call(&mut scratch, o, r, count, j, end - j, base) } {
                    return;
                }
            }
        });
    if fold.failed() {
        // Some tasks stopped early: the output is incomplete and the error says why.
        return Ok(());
    }
    if groups > 1 {
        let combine = T::binary(reduction.combine(T::DTYPE))
            .ok_or_else(|| internal(format!("no fold of {:?} values", T::DTYPE)))?;
        // SAFETY: `out` holds `out_len` initialised elements of T now (every task wrote its
        // range of group 0) and no task is running.
        let out = unsafe { std::slice::from_raw_parts_mut(out.get() as *mut T, out_len) };
        for copy in partials.chunks_exact(out_len) {
            for (o, &p) in out.iter_mut().zip(copy) {
                *o = combine(*o, p);
            }
        }
    }
    Ok(())
}

/// Row folds: each output's rows (and blocks of long rows) are cut into pieces of about
/// `PIECE` elements; pieces are folded in parallel and combined in order.
fn row_folds<T>(
    fold: &Fold<'_>,
    reduction: &Reduction,
    identity: T,
    outputs: usize,
    rows: usize,
    out: OutPtr,
) -> Result<()>
where
    T: Num + CastTo<f64>,
    f64: CastTo<T>,
{
    let n = fold.n;
    let float_sum = reduction.op == ReduceOp::Sum && T::DTYPE.is_float();
    // A unit is one call: a block of a row. Float sums use short blocks (accuracy); other
    // folds take whole rows unless a row alone is more than a piece.
    let block = if float_sum {
        BLOCK.min(n)
    } else {
        PIECE.min(n)
    };
    let blocks_per_row = n.div_ceil(block);
    let units = rows * blocks_per_row;
    let units_per_piece = (PIECE / block).max(1);
    let pieces = units.div_ceil(units_per_piece);
    let combine = T::binary(reduction.combine(T::DTYPE))
        .ok_or_else(|| internal(format!("no fold of {:?} values", T::DTYPE)))?;

    // One piece: units [p * units_per_piece, ...) of output o, as f64 (float sums) or T.
    let piece = |o: usize, p: usize| -> Partial<T> {
        let first = p * units_per_piece;
        let last = (first + units_per_piece).min(units);
        let mut total = 0f64;
        let mut acc = identity;
        let mut scratch = fold.scratch();
        for u in first..last {
            if fold.failed() {
                break;
            }
            let (r, blk) = (u / blocks_per_row, u % blocks_per_row);
            let j = blk * block;
            let len = block.min(n - j);
            if float_sum {
                let mut slot = identity;
                // SAFETY: o < outputs, r < rows, j + len <= n; the call folds into one T,
                // `slot`, a local.
                unsafe { fold.call(&mut scratch, o, r, 1, j, len, (&mut slot as *mut T).cast()) };
                total += CastTo::<f64>::cast(slot);
            } else {
                // SAFETY: as above, the call folds into the local `acc`.
                unsafe { fold.call(&mut scratch, o, r, 1, j, len, (&mut acc as *mut T).cast()) };
            }
        }
        if float_sum {
            Partial::Sum(total)
        } else {
            Partial::Value(acc)
        }
    };
    let finish = |parts: &mut dyn Iterator<Item = Partial<T>>| -> T {
        let mut total = 0f64;
        let mut acc = identity;
        for part in parts {
            match part {
                Partial::Sum(s) => total += s,
                Partial::Value(v) => acc = combine(acc, v),
            }
        }
        if float_sum {
            CastTo::<T>::cast(total)
        } else {
            acc
        }
    };
    let write = |o: usize, v: T| {
        // SAFETY: o < outputs == the output length, and each o is written by one task.
        unsafe { (out.get() as *mut T).add(o).write_unaligned(v) };
    };
    if pieces <= 1 {
        // Many outputs: tasks take runs of whole outputs.
        let per_task = (PIECE / (rows * n).max(1)).max(1);
        (0..outputs.div_ceil(per_task))
            .into_par_iter()
            .for_each(|t| {
                for o in t * per_task..((t + 1) * per_task).min(outputs) {
                    let v = finish(&mut std::iter::once(piece(o, 0)));
                    write(o, v);
                }
            });
    } else {
        let count = outputs.saturating_mul(pieces);
        let mut parts: Vec<Partial<T>> = Vec::new();
        // A fold of more than ~2^50 elements needs more partials than memory holds (and
        // years to run): an error, as the evaluator would give.
        parts
            .try_reserve_exact(count)
            .map_err(|_| Error::OutOfMemory {
                op: reduction.op.name(),
                bytes: count.saturating_mul(std::mem::size_of::<Partial<T>>()),
            })?;
        (0..count)
            .into_par_iter()
            .map(|t| piece(t / pieces, t % pieces))
            .collect_into_vec(&mut parts);
        for (o, chunk) in parts.chunks(pieces).enumerate() {
            let v = finish(&mut chunk.iter().copied());
            write(o, v);
        }
    }
    Ok(())
}

/// A piece's result: an f64 total for float sums, else the fold's value.
#[derive(Clone, Copy)]
enum Partial<T> {
    Sum(f64),
    Value(T),
}
