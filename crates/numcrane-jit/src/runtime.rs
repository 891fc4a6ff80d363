//! Running a compiled kernel over buffers.
//!
//! [`run`] checks everything the generated code relies on before calling it (input count and
//! dtypes, every layout inside its buffer, inner stride classes, output size and dtype), then
//! walks the outer dimensions of the launch shape with an odometer and calls the kernel's row
//! function once per inner row. Rows are independent and the row function is reentrant, so
//! chunks of rows run on rayon's threads.
//!
//! In checked mode ([`Checks::Bounds`], `NUMCRANE_CHECKED=1`) the kernel is compiled with
//! bounds checks and every row call gets the bytes it may touch: for input `k` its layout's
//! extent (already checked to lie inside the buffer), for the output the elements of the
//! calling task. A refused access stops the launch with an `Error` naming the input, the row
//! and the launch shape. Validation still runs first; the checks catch what it misses.

use crate::cache;
use crate::codegen::{Bounds, Checks, CompiledKernel, OutOfBounds};
use crate::reduction;
use numcrane_fuse::kernel::{component_len, ElementwiseKernel, InnerClass, Launch, ReduceInner};
use numcrane_graph::{Buffer, Error, Layout, OutSlot, Result};
use rayon::prelude::*;
use smallvec::SmallVec;

const OP: &str = "jit run";

fn internal(message: impl Into<String>) -> Error {
    Error::internal(OP, message)
}

/// The element range `[lo, hi)` a layout touches, with overflow checks (`Layout::extent`
/// without the risk of overflowing on absurd strides); None on overflow.
fn checked_extent(layout: &Layout) -> Option<(isize, isize)> {
    let offset = isize::try_from(layout.offset).ok()?;
    if layout.size() == 0 {
        return Some((offset, offset));
    }
    let (mut lo, mut hi) = (offset, offset);
    for (&n, &s) in layout.shape.iter().zip(&layout.strides) {
        let span = (isize::try_from(n).ok()? - 1).checked_mul(s)?;
        if span < 0 {
            lo = lo.checked_add(span)?;
        } else {
            hi = hi.checked_add(span)?;
        }
    }
    Some((lo, hi.checked_add(1)?))
}

/// How much of a launch `launch_kernel` checks before running it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Validation {
    /// Everything the generated code relies on.
    Full,
    /// Everything except that each layout lies inside its buffer and agrees with its input's
    /// inner class: only for checked code, whose own checks then stop a stray access.
    SkipExtents,
}

/// Checks one input: dtype, shape, strides, extent within the buffer, inner class (the last
/// two only with `Validation::Full`).
fn check_input(
    k: usize,
    kernel: &ElementwiseKernel,
    launch: &Launch,
    layout: &Layout,
    buffer: &Buffer,
    validation: Validation,
) -> Result<()> {
    let spec = kernel.inputs[k];
    // A complex buffer is read as its interleaved parts (`numcrane_fuse::complex`).
    let Some(len) = component_len(buffer.dtype(), buffer.len(), spec.dtype) else {
        return Err(internal(format!(
            "input {k} is a {:?} buffer but the kernel reads {:?}",
            buffer.dtype(),
            spec.dtype
        )));
    };
    if layout.shape != launch.shape || layout.strides.len() != layout.shape.len() {
        return Err(internal(format!(
            "input {k} has layout shape {:?} / strides {:?} for launch shape {:?}",
            layout.shape, layout.strides, launch.shape
        )));
    }
    if layout.size() == 0 || validation == Validation::SkipExtents {
        return Ok(());
    }
    let (lo, hi) = checked_extent(layout)
        .ok_or_else(|| internal(format!("input {k}: layout offsets overflow")))?;
    if lo < 0 || hi as usize > len {
        return Err(internal(format!(
            "input {k}: layout reaches elements {lo}..{hi} of a buffer of {len}"
        )));
    }
    let inner_len = launch.shape.last().copied().unwrap_or(1);
    let inner_stride = layout.strides.last().copied().unwrap_or(0);
    // With one element per row only element 0 is read, which every class reads correctly.
    let ok = inner_len <= 1
        || match spec.inner {
            InnerClass::Contiguous => inner_stride == 1,
            InnerClass::Broadcast => inner_stride == 0,
            InnerClass::Strided => true,
        };
    if !ok {
        return Err(internal(format!(
            "input {k} is compiled as {:?} but its inner stride is {inner_stride}",
            spec.inner
        )));
    }
    Ok(())
}

/// The bytes checked code may read of input `k` (`buffer`, through `layout`): the layout's
/// extent (widened by the indexed axes of a gather's source), clamped to the buffer (a no-op
/// for a validated launch; for an unvalidated one it keeps the bounds inside memory the buffer
/// owns).
fn input_bounds(kernel: &ElementwiseKernel, launch: &Launch, k: usize, buffer: &Buffer) -> Bounds {
    // In elements as the kernel reads them (a complex buffer's parts).
    let len = (buffer.len() * element_count(buffer.dtype())) as isize;
    let layout = &launch.layouts[k];
    let gathered = kernel
        .gathers()
        .zip(&launch.gathers)
        .find(|((input, _, _), _)| *input == k);
    let extent = match gathered {
        Some((_, axes)) => numcrane_fuse::gather::source_extent(layout, axes),
        None => checked_extent(layout),
    };
    let (lo, hi) = extent.unwrap_or((0, len));
    let lo = lo.clamp(0, len);
    let hi = hi.clamp(lo, len);
    let isz = buffer.dtype().real_dtype().itemsize();
    Bounds::of_bytes(
        buffer.as_ptr().wrapping_add(lo as usize * isz),
        (hi - lo) as usize * isz,
    )
}

/// The error for an access checked code refused. `bounds` are the call's (inputs, then the
/// output), `at` says which call (row, elements) in words.
pub(crate) fn out_of_bounds(
    what: OutOfBounds,
    bounds: &[Bounds],
    launch: &Launch,
    at: &str,
) -> Error {
    let (access, b) = match what {
        OutOfBounds::Input(k) => (format!("read input {k}"), bounds[k]),
        OutOfBounds::Output => ("access the output".to_string(), bounds[bounds.len() - 1]),
    };
    let e = internal(format!(
        "checked mode: the kernel stopped before it would {access} outside its bounds \
         ({} bytes at {:#x}) at {at} of launch shape {:?}; nothing outside them was read or \
         written (a validated launch never gets here)",
        b.hi.saturating_sub(b.lo),
        b.lo,
        launch.shape
    ));
    // The fusion executor answers a failed kernel run by evaluating the group on the reference
    // evaluator, which would hide the error: say it here as well.
    eprintln!("numcrane-jit: {e}");
    e
}

/// Computes `kernel` over `launch` into `out`: element `(i0, i1, ...)` of the launch shape
/// reads input `k` at `launch.layouts[k]` in `inputs[k]`, and the results are written to `out`
/// contiguously in row-major order of the launch shape.
///
/// Compiles the kernel on the first use (see [`cache::get_or_compile`]), with bounds checks
/// when `NUMCRANE_CHECKED` asks for them ([`Checks::from_env`]; see [`run_with`]). Returns
/// `Error::Internal`, without running anything, if the kernel, the launch and the buffers do
/// not agree: input count or dtypes, a layout's shape differing from the launch shape or
/// reaching outside its buffer, an inner stride that contradicts the input's `InnerClass`
/// (checked for rows longer than one element), an output buffer of the wrong dtype or length.
/// An empty launch shape does nothing.
pub fn run(
    kernel: &ElementwiseKernel,
    launch: &Launch,
    inputs: &[&Buffer],
    out: &mut Buffer,
) -> Result<()> {
    run_with(kernel, launch, inputs, out, Checks::from_env())
}

/// [`run`] with the kernel compiled in mode `checks` whatever the environment says. With
/// `Checks::Bounds`, an access the generated code refuses stops the launch with
/// `Error::Internal` (op `"jit run"`) naming the input or the output, the row and the launch
/// shape, and printed to stderr (the fusion executor would otherwise hide it by falling back
/// to the reference evaluator); output elements of other rows may have been written.
pub fn run_with(
    kernel: &ElementwiseKernel,
    launch: &Launch,
    inputs: &[&Buffer],
    out: &mut Buffer,
    checks: Checks,
) -> Result<()> {
    launch_kernel(kernel, launch, inputs, out.slot(), checks, Validation::Full)
}

/// [`run`] writing into a slot of a buffer (a part of a larger result that other threads
/// write other parts of), with the checks the environment asks for.
pub fn run_into(
    kernel: &ElementwiseKernel,
    launch: &Launch,
    inputs: &[&Buffer],
    out: OutSlot<'_>,
) -> Result<()> {
    run_into_with(kernel, launch, inputs, out, Checks::from_env())
}

/// [`run_into`] with the kernel compiled in mode `checks` (see [`run_with`]).
pub fn run_into_with(
    kernel: &ElementwiseKernel,
    launch: &Launch,
    inputs: &[&Buffer],
    out: OutSlot<'_>,
    checks: Checks,
) -> Result<()> {
    launch_kernel(kernel, launch, inputs, out, checks, Validation::Full)
}

/// For tests of checked mode only: [`run_with`] with `Checks::Bounds`, without checking that
/// each layout lies inside its buffer or agrees with its input's inner class (dtypes, shapes,
/// counts and the output are still checked). The generated code's own checks, against each
/// layout's extent clamped to its buffer, must then stop every stray access.
#[doc(hidden)]
pub fn run_unvalidated_checked(
    kernel: &ElementwiseKernel,
    launch: &Launch,
    inputs: &[&Buffer],
    out: &mut Buffer,
) -> Result<()> {
    launch_kernel(
        kernel,
        launch,
        inputs,
        out.slot(),
        Checks::Bounds,
        Validation::SkipExtents,
    )
}

fn launch_kernel(
    kernel: &ElementwiseKernel,
    launch: &Launch,
    inputs: &[&Buffer],
    mut out: OutSlot<'_>,
    checks: Checks,
    validation: Validation,
) -> Result<()> {
    // Without checks in the code nothing would stop a stray access.
    if validation == Validation::SkipExtents && checks != Checks::Bounds {
        return Err(internal("an unvalidated launch must run checked code"));
    }
    let nin = kernel.inputs.len();
    if inputs.len() != nin || launch.layouts.len() != nin {
        return Err(internal(format!(
            "the kernel has {nin} inputs, the launch {} layouts and the call {} buffers",
            launch.layouts.len(),
            inputs.len()
        )));
    }
    if kernel.output >= kernel.instrs.len() {
        return Err(internal("kernel output is not one of its values"));
    }
    if out.dtype() != kernel.out_dtype() {
        return Err(internal(format!(
            "the output buffer is {:?} but the kernel computes {:?}",
            out.dtype(),
            kernel.out_dtype()
        )));
    }
    let size = numcrane_graph::layout::checked_size(&launch.shape)
        .ok_or_else(|| internal("launch shape overflows"))?;
    let out_len = launch.output_len(kernel).ok_or_else(|| {
        internal(format!(
            "a launch of shape {:?} keeping {:?} dims does not fit the kernel",
            launch.shape, launch.reduce_kept
        ))
    })?;
    // The run writes output elements out_offset .. out_offset + out_len.
    if launch
        .out_offset
        .checked_add(out_len)
        .is_none_or(|end| end > out.len())
    {
        return Err(internal(format!(
            "the output buffer has {} elements for launch shape {:?} at offset {}",
            out.len(),
            launch.shape,
            launch.out_offset
        )));
    }
    for (k, (layout, buffer)) in launch.layouts.iter().zip(inputs).enumerate() {
        check_input(k, kernel, launch, layout, buffer, validation)?;
    }
    // Fused gathers: every index resolves into its axis and every element they can read lies
    // in the source, or the launch does not run (the executor then evaluates the group, and
    // the reference evaluator reports the bad index). Also checks that the launch describes
    // each gather's axes (read by the code after the inputs' strides).
    if kernel.gathers().next().is_some() || !launch.gathers.is_empty() {
        if kernel
            .reduce
            .is_some_and(|r| r.inner == ReduceInner::Columns)
        {
            return Err(internal("a column fold with fused gathers"));
        }
        numcrane_fuse::gather::check_indices(kernel, launch, inputs)?;
    }
    if size == 0 {
        // An empty fold would have to write identities: lowering never makes one.
        return match kernel.reduce {
            Some(_) if out_len > 0 => Err(internal("an empty reduction launch")),
            _ => Ok(()),
        };
    }
    let compiled = cache::get_or_compile_with(kernel, checks)?;
    let started = (crate::codegen::debug_level() >= 1 && numcrane_graph::trace::launch_lines())
        .then(std::time::Instant::now);
    let bounds: Option<Vec<Bounds>> = (checks == Checks::Bounds).then(|| {
        inputs
            .iter()
            .enumerate()
            .map(|(k, b)| input_bounds(kernel, launch, k, b))
            .collect()
    });
    if let Some(r) = &kernel.reduce {
        reduction::run(kernel, r, &compiled, launch, inputs, &mut out, bounds)?;
        report(kernel, launch, inputs, &out, started);
        return Ok(());
    }

    let ndim = launch.shape.len();
    let (outer, n) = if ndim == 0 {
        (&[][..], 1)
    } else {
        (&launch.shape[..ndim - 1], launch.shape[ndim - 1])
    };
    // A raw pointer, never a slice: `out` may come from `Buffer::for_overwrite`, whose elements
    // are not initialised until the kernel writes them.
    let out_base: *mut u8 = out
        .as_mut_ptr()
        .wrapping_add(launch.out_offset * out.dtype().itemsize());
    let rows = Rows {
        compiled: &compiled,
        launch,
        bounds,
        outer,
        n,
        layouts: &launch.layouts,
        inner_strides: call_strides(launch),
        itemsizes: itemsizes(inputs),
        bases: inputs.iter().map(|b| b.as_ptr()).collect(),
        out_base,
        out_itemsize: out.dtype().itemsize(),
    };
    // Element-wise results do not depend on how the range is split, so any split gives the
    // same bits; large launches are cut into chunks that rayon spreads over the cores.
    let chunk = (size / (4 * rayon::current_num_threads().max(1))).max(PARALLEL_MIN_CHUNK);
    if size <= chunk {
        rows.run_range(0, size)?;
    } else {
        let chunks = size.div_ceil(chunk);
        // An error (checked code only) stops rayon from starting further chunks.
        (0..chunks)
            .into_par_iter()
            .try_for_each(|c| rows.run_range(c * chunk, ((c + 1) * chunk).min(size)))?;
    }
    report(kernel, launch, inputs, &out, started);
    Ok(())
}

/// The NUMCRANE_DEBUG>=1 line of one kernel run.
fn report(
    kernel: &ElementwiseKernel,
    launch: &Launch,
    inputs: &[&Buffer],
    out: &OutSlot<'_>,
    started: Option<std::time::Instant>,
) {
    if let Some(t) = started {
        let seconds = t.elapsed().as_secs_f64();
        let out_bytes = out.len() * out.dtype().itemsize();
        let bytes: usize = inputs.iter().map(|b| b.nbytes()).sum::<usize>() + out_bytes;
        let what = match &kernel.reduce {
            Some(r) => format!("{} fold ({:?})", r.op.name(), r.inner),
            None => "kernel".to_string(),
        };
        let name = if launch.name.is_empty() {
            "a launch"
        } else {
            launch.name
        };
        eprintln!(
            "numcrane-jit: ran {name} ({what} of {} values) over {:?} in {:.3} ms ({:.2} GB/s, buffers touched)",
            kernel.instrs.len(),
            launch.shape,
            seconds * 1e3,
            bytes as f64 / seconds.max(1e-9) / 1e9
        );
    }
}

/// Per input, the stride (in elements) of the launch's inner dimension.
pub(crate) fn inner_strides(launch: &Launch) -> PerInput<isize> {
    launch
        .layouts
        .iter()
        .map(|l| l.strides.last().copied().unwrap_or(0))
        .collect()
}

/// The `strides` argument of an element-wise kernel's row calls: [`inner_strides`], then per
/// fused gather and indexed axis its stride (in elements) and its length (see `codegen`).
pub(crate) fn call_strides(launch: &Launch) -> PerInput<isize> {
    let mut strides = inner_strides(launch);
    for axis in launch.gathers.iter().flatten() {
        strides.extend([axis.stride, axis.len as isize]);
    }
    strides
}

/// Per input buffer, the size in bytes of the elements kernels read: a complex buffer is
/// only ever read as its parts (`numcrane_fuse::complex`), layouts then counting parts.
pub(crate) fn itemsizes(inputs: &[&Buffer]) -> PerInput<isize> {
    inputs
        .iter()
        .map(|b| b.dtype().real_dtype().itemsize() as isize)
        .collect()
}

/// How many elements kernels read per element of a `dtype` buffer: 2 for complex (its
/// parts), else 1.
fn element_count(dtype: numcrane_graph::DType) -> usize {
    if dtype.is_complex() {
        2
    } else {
        1
    }
}

/// Fewest elements worth a task of their own.
const PARALLEL_MIN_CHUNK: usize = 1 << 15;

/// One entry per kernel input, on the stack for up to 8 inputs: small launches (the per-call
/// case) should not pay an allocation per list.
pub(crate) type PerInput<T> = SmallVec<[T; 8]>;

/// Everything needed to compute any range of output elements of one validated launch.
struct Rows<'a> {
    compiled: &'a CompiledKernel,
    launch: &'a Launch,
    /// Checked code: the bytes each input may be read from (see `input_bounds`).
    bounds: Option<Vec<Bounds>>,
    outer: &'a [usize],
    n: usize,
    layouts: &'a [Layout],
    /// Per input the inner stride, then the fused gathers' axes (see `call_strides`).
    inner_strides: PerInput<isize>,
    itemsizes: PerInput<isize>,
    bases: PerInput<*const u8>,
    out_base: *mut u8,
    out_itemsize: usize,
}

// SAFETY: `Rows` is shared between rayon workers only inside `run`, while the input buffers
// are borrowed and the output buffer is mutably borrowed; the raw pointers point into them.
// Workers read inputs (shared) and write disjoint output ranges (`run_range` writes exactly
// elements start..end of the output), so no element is written by two threads or read while
// written.
unsafe impl Sync for Rows<'_> {}

impl Rows<'_> {
    /// Computes output elements `start..end` (row-major over the launch shape). Fails only in
    /// checked mode, at the first access the code refuses.
    fn run_range(&self, start: usize, end: usize) -> Result<()> {
        let nin = self.bases.len();
        let mut row_ptrs: PerInput<*const u8> = smallvec::smallvec![std::ptr::null(); nin];
        let mut offsets: PerInput<isize> = smallvec::smallvec![0; nin];
        // Checked code: the inputs' bounds, then this range of the output.
        let bounds: Option<Vec<Bounds>> = self.bounds.as_ref().map(|inputs| {
            let first = self.out_base.wrapping_add(start * self.out_itemsize);
            let output = Bounds::of_bytes(first, (end - start) * self.out_itemsize);
            inputs.iter().copied().chain([output]).collect()
        });
        let mut pos = start;
        while pos < end {
            let (row, j) = (pos / self.n, pos % self.n);
            let len = (self.n - j).min(end - pos);
            // Unravel the row number over the outer dimensions (row-major).
            let mut rest = row;
            for (off, l) in offsets.iter_mut().zip(self.layouts) {
                *off = l.offset as isize;
            }
            for d in (0..self.outer.len()).rev() {
                let i = (rest % self.outer[d]) as isize;
                rest /= self.outer[d];
                for (off, l) in offsets.iter_mut().zip(self.layouts) {
                    *off = off.wrapping_add(i.wrapping_mul(l.strides[d]));
                }
            }
            for k in 0..nin {
                let element =
                    offsets[k].wrapping_add((j as isize).wrapping_mul(self.inner_strides[k]));
                row_ptrs[k] =
                    self.bases[k].wrapping_offset(element.wrapping_mul(self.itemsizes[k]));
            }
            let out_ptr = self.out_base.wrapping_add(pos * self.out_itemsize);
            match &bounds {
                // SAFETY: every input layout lies inside its buffer (checked by
                // `launch_kernel`, which skips that only for checked code), so for each input k
                // and t < len, element offsets[k] + (j + t) * inner_strides[k] is the layout's
                // element (row index, j + t), an element of buffer k; buffers hold initialised
                // elements of the dtype the kernel was compiled for (checked), bools 0 or 1
                // (Buffer's invariant). Output elements pos..pos + len lie inside `out` (its
                // length is the launch size) and belong to this range only (see `Sync` above).
                // `row_ptrs` and `inner_strides` hold `nin == compiled.num_inputs()` entries,
                // `inner_strides` then the gathers' axes, whose every index was checked to
                // resolve into its axis and every reachable element to lie in the source
                // (`check_indices`, called by `launch_kernel`).
                None => unsafe {
                    self.compiled.call_row(
                        len,
                        out_ptr,
                        row_ptrs.as_ptr(),
                        self.inner_strides.as_ptr(),
                    );
                },
                Some(bounds) => {
                    // SAFETY: the kernel was compiled with `Checks::Bounds` (`launch_kernel`
                    // asked the cache for it) and `bounds` holds one entry per input and the output.
                    // Input k's bounds are its layout's extent clamped to buffer k: initialised
                    // elements of the kernel's dtype (checked). The output's are elements
                    // start..end of `out`, inside it and written by this range only (see `Sync`
                    // above); an element-wise kernel never reads them. `row_ptrs` and
                    // `inner_strides` hold `nin == compiled.num_inputs()` entries.
                    let status = unsafe {
                        self.compiled.call_row_checked(
                            len,
                            out_ptr,
                            row_ptrs.as_ptr(),
                            self.inner_strides.as_ptr(),
                            bounds,
                        )
                    };
                    if let Err(what) = status {
                        let at = format!("row {row}, elements {j}..{}", j + len);
                        return Err(out_of_bounds(what, bounds, self.launch, &at));
                    }
                }
            }
            pos += len;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checked_extent_agrees_with_layout_extent() {
        let l = Layout {
            shape: vec![3, 4],
            strides: vec![-4, 1],
            offset: 8,
        };
        assert_eq!(checked_extent(&l), Some(l.extent()));
        let huge = Layout {
            shape: vec![3],
            strides: vec![isize::MAX],
            offset: 0,
        };
        assert_eq!(checked_extent(&huge), None);
    }
}
