//! Running a compiled kernel over buffers.
//!
//! [`run`] checks everything the generated code relies on before calling it (input count and
//! dtypes, every layout inside its buffer, inner stride classes, output size and dtype), then
//! walks the outer dimensions of the launch shape with an odometer and calls the kernel's row
//! function once per inner row. Rows are independent and the row function is reentrant, so a
//! later version can hand rows to several threads.

use crate::cache;
use crate::codegen::CompiledKernel;
use crate::reduction;
use numcrane_fuse::kernel::{ElementwiseKernel, InnerClass, Launch};
use numcrane_graph::{Buffer, Error, Layout, Result};
use rayon::prelude::*;

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

/// Checks one input: dtype, shape, strides, extent within the buffer, inner class.
fn check_input(
    k: usize,
    kernel: &ElementwiseKernel,
    launch: &Launch,
    layout: &Layout,
    buffer: &Buffer,
) -> Result<()> {
    let spec = kernel.inputs[k];
    if buffer.dtype() != spec.dtype {
        return Err(internal(format!(
            "input {k} is a {:?} buffer but the kernel reads {:?}",
            buffer.dtype(),
            spec.dtype
        )));
    }
    if layout.shape != launch.shape || layout.strides.len() != layout.shape.len() {
        return Err(internal(format!(
            "input {k} has layout shape {:?} / strides {:?} for launch shape {:?}",
            layout.shape, layout.strides, launch.shape
        )));
    }
    if layout.size() == 0 {
        return Ok(());
    }
    let (lo, hi) = checked_extent(layout)
        .ok_or_else(|| internal(format!("input {k}: layout offsets overflow")))?;
    if lo < 0 || hi as usize > buffer.len() {
        return Err(internal(format!(
            "input {k}: layout reaches elements {lo}..{hi} of a buffer of {}",
            buffer.len()
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

/// Computes `kernel` over `launch` into `out`: element `(i0, i1, ...)` of the launch shape
/// reads input `k` at `launch.layouts[k]` in `inputs[k]`, and the results are written to `out`
/// contiguously in row-major order of the launch shape.
///
/// Compiles the kernel on the first use (see [`cache::get_or_compile`]). Returns
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
    let out_len = match (&kernel.reduce, launch.reduce_kept) {
        (None, None) => size,
        (Some(r), Some(_)) => reduction::output_len(r, launch)?,
        _ => return Err(internal("reduction kernel and launch disagree")),
    };
    if out.len() != out_len {
        return Err(internal(format!(
            "the output buffer has {} elements for launch shape {:?}",
            out.len(),
            launch.shape
        )));
    }
    for (k, (layout, buffer)) in launch.layouts.iter().zip(inputs).enumerate() {
        check_input(k, kernel, launch, layout, buffer)?;
    }
    if size == 0 {
        // An empty fold would have to write identities: lowering never makes one.
        return match kernel.reduce {
            Some(_) if out_len > 0 => Err(internal("an empty reduction launch")),
            _ => Ok(()),
        };
    }
    let compiled = cache::get_or_compile(kernel)?;
    let started = (crate::codegen::debug_level() >= 1).then(std::time::Instant::now);
    if let Some(r) = &kernel.reduce {
        reduction::run(kernel, r, &compiled, launch, inputs, out)?;
        report(kernel, launch, inputs, out, started);
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
    let out_base: *mut u8 = out.as_mut_ptr();
    let rows = Rows {
        compiled: &compiled,
        outer,
        n,
        layouts: &launch.layouts,
        inner_strides: launch
            .layouts
            .iter()
            .map(|l| l.strides.last().copied().unwrap_or(0))
            .collect(),
        itemsizes: inputs
            .iter()
            .map(|b| b.dtype().itemsize() as isize)
            .collect(),
        bases: inputs.iter().map(|b| b.as_ptr()).collect(),
        out_base,
        out_itemsize: out.dtype().itemsize(),
    };
    // Element-wise results do not depend on how the range is split, so any split gives the
    // same bits; large launches are cut into chunks that rayon spreads over the cores.
    let chunk = (size / (4 * rayon::current_num_threads().max(1))).max(PARALLEL_MIN_CHUNK);
    if size <= chunk {
        rows.run_range(0, size);
    } else {
        let chunks = size.div_ceil(chunk);
        (0..chunks)
            .into_par_iter()
            .for_each(|c| rows.run_range(c * chunk, ((c + 1) * chunk).min(size)));
    }
    report(kernel, launch, inputs, out, started);
    Ok(())
}

/// The NUMCRANE_DEBUG>=1 line of one kernel run.
fn report(
    kernel: &ElementwiseKernel,
    launch: &Launch,
    inputs: &[&Buffer],
    out: &Buffer,
    started: Option<std::time::Instant>,
) {
    if let Some(t) = started {
        let seconds = t.elapsed().as_secs_f64();
        let bytes: usize = inputs.iter().map(|b| b.nbytes()).sum::<usize>() + out.nbytes();
        let what = match &kernel.reduce {
            Some(r) => format!("{} fold ({:?})", r.op.name(), r.inner),
            None => "kernel".to_string(),
        };
        eprintln!(
            "numcrane-jit: ran a {what} of {} values over {:?} in {:.3} ms ({:.2} GB/s, buffers touched)",
            kernel.instrs.len(),
            launch.shape,
            seconds * 1e3,
            bytes as f64 / seconds.max(1e-9) / 1e9
        );
    }
}

/// Fewest elements worth a task of their own.
const PARALLEL_MIN_CHUNK: usize = 1 << 15;

/// Everything needed to compute any range of output elements of one validated launch.
struct Rows<'a> {
    compiled: &'a CompiledKernel,
    outer: &'a [usize],
    n: usize,
    layouts: &'a [Layout],
    inner_strides: Vec<isize>,
    itemsizes: Vec<isize>,
    bases: Vec<*const u8>,
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
    /// Computes output elements `start..end` (row-major over the launch shape).
    fn run_range(&self, start: usize, end: usize) {
        let nin = self.bases.len();
        let mut row_ptrs: Vec<*const u8> = vec![std::ptr::null(); nin];
        let mut pos = start;
        while pos < end {
            let (row, j) = (pos / self.n, pos % self.n);
            let len = (self.n - j).min(end - pos);
            // Unravel the row number over the outer dimensions (row-major).
            let mut rest = row;
            let mut offsets: Vec<isize> = self.layouts.iter().map(|l| l.offset as isize).collect();
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
            // SAFETY: every input layout lies inside its buffer (checked by `run`), so for each
            // input k and t < len, element offsets[k] + (j + t) * inner_strides[k] is the
            // layout's element (row index, j + t), an element of buffer k; buffers hold
            // initialised elements of the dtype the kernel was compiled for (checked), bools 0
            // or 1 (Buffer's invariant). Output elements pos..pos + len lie inside `out` (its
            // length is the launch size) and belong to this range only (see `Sync` above).
            // `row_ptrs` and `inner_strides` hold `nin == compiled.num_inputs()` entries.
            unsafe {
                self.compiled.call_row(
                    len,
                    out_ptr,
                    row_ptrs.as_ptr(),
                    self.inner_strides.as_ptr(),
                );
            }
            pos += len;
        }
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
