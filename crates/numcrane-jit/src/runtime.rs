//! Running a compiled kernel over buffers.
//!
//! [`run`] checks everything the generated code relies on before calling it (input count and
//! dtypes, every layout inside its buffer, inner stride classes, output size and dtype), then
//! walks the outer dimensions of the launch shape with an odometer and calls the kernel's row
//! function once per inner row. Rows are independent and the row function is reentrant, so a
//! later version can hand rows to several threads.

use crate::cache;
use numcrane_fuse::kernel::{ElementwiseKernel, InnerClass, Launch};
use numcrane_graph::{with_dtype, Buffer, Error, Layout, Result};

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
    if out.len() != size {
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
        return Ok(());
    }
    let compiled = cache::get_or_compile(kernel)?;

    let ndim = launch.shape.len();
    let (outer, n) = if ndim == 0 {
        (&[][..], 1)
    } else {
        (&launch.shape[..ndim - 1], launch.shape[ndim - 1])
    };
    let inner_strides: Vec<isize> = launch
        .layouts
        .iter()
        .map(|l| l.strides.last().copied().unwrap_or(0))
        .collect();
    let itemsizes: Vec<isize> = inputs
        .iter()
        .map(|b| b.dtype().itemsize() as isize)
        .collect();
    let bases: Vec<*const u8> = inputs.iter().map(|b| b.as_ptr()).collect();
    let out_isz = out.dtype().itemsize();
    let out_base: *mut u8 =
        with_dtype!(out.dtype(), T => out.as_mut_slice::<T>()?.as_mut_ptr().cast::<u8>());

    // Element offset of the current row's first element, per input; wrapping arithmetic keeps
    // the odometer free of overflow panics (every offset actually used is inside the extent).
    let mut offsets: Vec<isize> = launch.layouts.iter().map(|l| l.offset as isize).collect();
    let mut index = vec![0usize; outer.len()];
    let mut row_ptrs: Vec<*const u8> = vec![std::ptr::null(); nin];
    let mut out_offset = 0usize;
    loop {
        for k in 0..nin {
            row_ptrs[k] = bases[k].wrapping_offset(offsets[k].wrapping_mul(itemsizes[k]));
        }
        let out_ptr = out_base.wrapping_add(out_offset * out_isz);
        // SAFETY: every input layout lies inside its buffer (checked above), so for each input
        // k and j < n, element offsets[k] + j * inner_strides[k] is an element of buffer k
        // (it is the layout's element (index, j)); buffers hold initialised elements of the
        // dtype the kernel was compiled for (checked), bools 0 or 1 (Buffer's invariant).
        // The output row out_offset..out_offset + n lies inside `out` (its length is the
        // launch size, rows are written in row-major order), and `out` is borrowed mutably,
        // so nothing else reads or writes it; inputs are shared borrows of other buffers.
        // `row_ptrs` and `inner_strides` hold `nin == compiled.num_inputs()` entries.
        unsafe {
            compiled.call_row(n, out_ptr, row_ptrs.as_ptr(), inner_strides.as_ptr());
        }
        out_offset += n;
        // Next row.
        let mut d = outer.len();
        loop {
            if d == 0 {
                return Ok(());
            }
            d -= 1;
            index[d] += 1;
            for (off, l) in offsets.iter_mut().zip(&launch.layouts) {
                *off = off.wrapping_add(l.strides[d]);
            }
            if index[d] < outer[d] {
                break;
            }
            for (off, l) in offsets.iter_mut().zip(&launch.layouts) {
                *off = off.wrapping_sub(l.strides[d].wrapping_mul(outer[d] as isize));
            }
            index[d] = 0;
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
