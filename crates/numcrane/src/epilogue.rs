//! The JIT backend's fused matrix products: numcrane-kernels' GEMM with the plan's
//! element-wise epilogue kernel (compiled by the JIT) applied to every output tile as soon as
//! the GEMM has finished it (see `numcrane_fuse::epilogue` for what the plan attaches).
//!
//! The GEMM hands each finished block of C (at most `mc x NR` elements, in L1) to a closure
//! that calls the compiled kernel's row function once per row of the block, with every input
//! pointer moved to the block's row/column (and matrix, in a stack) and the product read
//! straight from the block. The kernel is the one the unfused plan would launch over the
//! product, so each element gets the same operations in the same order: the result equals the
//! unfused path bit for bit (the GEMM's bits do not depend on the epilogue either).
//!
//! Everything the row function relies on is checked once per product, before the GEMM runs:
//! input dtypes and inner classes, and that every input's layout lies inside its buffer over the
//! whole launch (each row call reads a part of it). Checked mode (`NUMCRANE_CHECKED=1`) does not
//! fuse: the product and the kernel then run separately, the kernel with its accesses checked.

use crate::intrinsics::{batch_parallel, stack_operands, SendPtr};
use numcrane_fuse::kernel::InnerClass;
use numcrane_fuse::{EpilogueResult, TileEpilogue};
use numcrane_graph::{Buffer, DType, Element, Error, Layout, Node, Realized, Result};
use numcrane_jit::{Checks, CompiledKernel};
use numcrane_kernels::MatMut;
use numcrane_kernels::{gemm_with_epilogue, EpilogueBlock, GemmOptions, GemmScalar};
use rayon::prelude::*;
use std::cell::Cell;
use std::sync::Arc;

thread_local! {
    /// How many fused products this thread has run to completion (for tests).
    static RUNS: Cell<usize> = const { Cell::new(0) };
}

/// How many matrix products the calling thread has run with their epilogue fused into the
/// GEMM (tests use it to tell the fused path from the unfused fallback; per thread, so tests
/// running at the same time do not see each other's).
#[doc(hidden)]
pub fn matmul_epilogue_runs() -> usize {
    RUNS.with(Cell::get)
}

/// `matmul` of `operands` with `epilogue` fused, or None when this runner does not fuse it
/// (not float32/float64, or checked mode).
pub(crate) fn matmul_epilogue(
    matmul: &Node,
    operands: &[&Realized],
    epilogue: &TileEpilogue<'_>,
) -> Option<Result<EpilogueResult>> {
    if Checks::from_env() == Checks::Bounds {
        return None;
    }
    match (matmul.dtype(), operands) {
        (DType::F32, [a, b]) => Some(fused::<f32>(matmul, a, b, epilogue)),
        (DType::F64, [a, b]) => Some(fused::<f64>(matmul, a, b, epilogue)),
        _ => None,
    }
}

fn internal(detail: impl std::fmt::Display) -> Error {
    Error::internal("matmul epilogue", detail.to_string())
}

/// The element range `[lo, hi)` a layout touches, None on overflow.
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

/// Checks what the row function relies on for the whole launch: each input's dtype, its layout
/// shaped like the launch and inside its buffer, its last stride agreeing with its inner class;
/// the product input contiguous (it is read from C's row-major blocks).
fn validate(shape: &[usize], ep: &TileEpilogue<'_>, product: DType) -> Result<()> {
    let (kernel, launch) = (ep.kernel, ep.launch);
    let nin = kernel.inputs.len();
    if kernel.reduce.is_some()
        || ep.inputs.len() != nin
        || launch.layouts.len() != nin
        || ep.product_input >= nin
        || launch.shape != shape
        || kernel.output >= kernel.instrs.len()
    {
        return Err(internal(
            "the kernel, its launch and the product do not agree",
        ));
    }
    if nin > MAX_INPUTS {
        return Err(internal(format!(
            "{nin} inputs (at most {MAX_INPUTS} are fused)"
        )));
    }
    let n = shape.last().copied().unwrap_or(1);
    for (k, (layout, buffer)) in launch.layouts.iter().zip(ep.inputs).enumerate() {
        let spec = kernel.inputs[k];
        if layout.shape != shape || layout.strides.len() != shape.len() {
            return Err(internal(format!(
                "input {k} is not laid out like the product"
            )));
        }
        if k == ep.product_input {
            if spec.dtype != product || spec.inner != InnerClass::Contiguous {
                return Err(internal("the product is not read contiguously"));
            }
            continue;
        }
        if buffer.dtype() != spec.dtype {
            return Err(internal(format!("input {k} has another dtype")));
        }
        let inside = checked_extent(layout)
            .is_some_and(|(lo, hi)| layout.size() == 0 || (lo >= 0 && hi as usize <= buffer.len()));
        let stride = layout.strides.last().copied().unwrap_or(0);
        let class_ok = n <= 1
            || match spec.inner {
                InnerClass::Contiguous => stride == 1,
                InnerClass::Broadcast => stride == 0,
                InnerClass::Strided => true,
            };
        if !inside || !class_ok {
            return Err(internal(format!(
                "input {k}'s layout does not fit its buffer"
            )));
        }
    }
    Ok(())
}

/// The most kernel inputs an epilogue takes (more run unfused): the per-row pointer and
/// stride lists live on the stack.
const MAX_INPUTS: usize = 16;

/// Raw pointers shared by the GEMM's threads.
struct Shared {
    /// Per kernel input: its buffer's first byte (the product's is unused).
    bases: Vec<*const u8>,
    /// The epilogue's output buffer.
    out: *mut u8,
}

// SAFETY: the input buffers are only read, and are borrowed for the whole GEMM; the output
// buffer is exclusively owned by `fused` during the GEMM, and each epilogue call writes only
// the output elements of its own block (blocks are disjoint: the GEMM's contract), so no
// element is written by two threads or read while written.
unsafe impl Sync for Shared {}

/// One matrix of the stack: where each input's part of the launch starts (elements).
fn matrix_offsets(layouts: &[Layout], batch: &[usize], t: usize) -> Vec<isize> {
    layouts
        .iter()
        .map(|l| {
            let (mut rest, mut off) = (t, l.offset as isize);
            for d in (0..batch.len()).rev() {
                let i = (rest % batch[d]) as isize;
                rest /= batch[d];
                off += i * l.strides[d];
            }
            off
        })
        .collect()
}

fn fused<T: GemmScalar + Element>(
    node: &Node,
    a: &Realized,
    b: &Realized,
    ep: &TileEpilogue<'_>,
) -> Result<EpilogueResult> {
    let shape = node.shape();
    let nd = shape.len();
    let (al, bl) = (&a.layout, &b.layout);
    if nd < 2 || al.shape.len() != nd || bl.shape.len() != nd {
        return Err(internal("operands are not stacks of matrices"));
    }
    validate(shape, ep, T::DTYPE)?;
    let trace = numcrane_graph::trace::debug_level() >= 1 && numcrane_graph::trace::launch_lines();
    let started = trace.then(std::time::Instant::now);
    let kernel = ep.kernel;
    let compiled: Arc<CompiledKernel> = numcrane_jit::get_or_compile(kernel)?;
    let (m, k, n) = (al.shape[nd - 2], al.shape[nd - 1], bl.shape[nd - 1]);
    let layout = Layout::contiguous(shape);
    let size = layout.size();
    let out_dtype = kernel.out_dtype();
    // SAFETY: the buffer is returned only after every GEMM below returned Ok, and each calls
    // the epilogue on every element of its C exactly once (numcrane-kernels' contract), which
    // writes that element's output; the matrices of the stack cover the whole buffer. On an
    // error the buffer is dropped unread.
    let mut out = unsafe { Buffer::for_overwrite(out_dtype, size, "matmul")? };
    // A product nobody keeps, of the output's dtype, is computed in the output buffer itself:
    // the epilogue then overwrites each finished block of C with its results in place (the
    // kernel reads an element before it writes it: `in_place` below). No second 4-8 bytes per
    // element written, no second buffer.
    let in_place = !ep.keep_product && out_dtype == T::DTYPE;
    let mut product = match in_place {
        true => None,
        // SAFETY: as for `out`: the GEMMs (beta = 0) write every element of C without reading
        // it, and the buffer is kept only when every GEMM returned Ok.
        false => Some(unsafe { Buffer::for_overwrite(T::DTYPE, size, "matmul")? }),
    };
    let c_base = match &mut product {
        Some(p) => p.as_mut_ptr(),
        None => out.as_mut_ptr(),
    } as *mut T;
    let out_isz = out_dtype.itemsize();
    let shared = Shared {
        bases: ep.inputs.iter().map(|b| b.as_ptr()).collect(),
        out: out.as_mut_ptr(),
    };
    let itemsizes: Vec<isize> = ep
        .inputs
        .iter()
        .map(|b| b.dtype().itemsize() as isize)
        .collect();
    let layouts = &ep.launch.layouts;
    let row_strides: Vec<isize> = layouts.iter().map(|l| l.strides[nd - 2]).collect();
    let col_strides: Vec<isize> = layouts.iter().map(|l| l.strides[nd - 1]).collect();
    let (ad, bd) = (a.buffer.as_slice::<T>()?, b.buffer.as_slice::<T>()?);
    let batch = &shape[..nd - 2];
    let tile = m * n;
    let pk = ep.product_input;
    let row_stride = isize::try_from(n).map_err(internal)?;
    let count = size.checked_div(tile).unwrap_or(0);
    let c_base = SendPtr(c_base);
    let one = |t: usize, parallel: bool| -> Result<()> {
        let (av, bv) = stack_operands((ad, al), (bd, bl), t, &ep.scales)?;
        // SAFETY: matrix t of the stack is elements t * tile .. (t + 1) * tile of C's
        // buffer (`product`, or `out` in place: both `size` elements of T, t < count =
        // size / tile), row-major with rows of n: valid, distinct locations that only this
        // GEMM and its epilogue (through the block it is handed) access while it runs
        // (each t is computed by one call only).
        let cv = unsafe { MatMut::from_raw_parts(c_base.get().add(t * tile), m, n, row_stride, 1) };
        let starts = matrix_offsets(layouts, batch, t);
        let out_start = t * tile;
        let (shared, itemsizes) = (&shared, &itemsizes);
        let (row_strides, col_strides) = (&row_strides, &col_strides);
        let (starts, compiled) = (&starts, &compiled);
        let tile_fn = move |mut blk: EpilogueBlock<'_, T>| {
            let (r0, c0, rows, cols) = (blk.row0(), blk.col0(), blk.rows(), blk.cols());
            let (rs, cs) = blk.strides();
            let c_ptr = blk.as_mut_ptr();
            let nin = shared.bases.len();
            // On the stack: no allocation per block (`validate` bounds `nin`).
            let mut ptrs = [std::ptr::null::<u8>(); MAX_INPUTS];
            let mut strides = [0isize; MAX_INPUTS];
            strides[..nin].copy_from_slice(col_strides);
            strides[pk] = cs;
            // A row of the block is one call when C's columns are contiguous (always, for
            // the row-major C allocated above); else one call per element.
            let (runs, len) = if cs == 1 || cols <= 1 {
                (1, cols)
            } else {
                (cols, 1)
            };
            for i in 0..rows {
                for r in 0..runs {
                    let (row, col) = (r0 + i, c0 + r * len);
                    for q in 0..nin {
                        if q == pk {
                            let at = i as isize * rs + (r * len) as isize * cs;
                            ptrs[q] = c_ptr.wrapping_offset(at) as *const u8;
                        } else {
                            let e = starts[q]
                                + row as isize * row_strides[q]
                                + col as isize * col_strides[q];
                            ptrs[q] = shared.bases[q].wrapping_offset(e * itemsizes[q]);
                        }
                    }
                    let o = (out_start + row * n + col) * out_isz;
                    // In place, the output is the block's own row: written through the
                    // pointer the GEMM handed over, at the product elements just read.
                    let dst = match in_place {
                        true => ptrs[pk] as *mut u8,
                        false => shared.out.wrapping_add(o),
                    };
                    // SAFETY: for every input q but the product and j < len, element
                    // starts[q] + row * row_strides[q] + (col + j) * col_strides[q] is the
                    // launch layout's element (t, row, col + j), inside buffer q (checked by
                    // `validate` over the whole launch) and of the dtype the kernel was
                    // compiled for; the product's elements are the block's row i, columns
                    // r * len .. + len (valid, final, exclusively ours for this call), read
                    // with their stride cs, which agrees with the product's Contiguous
                    // class whenever len > 1 (cs == 1). Output elements out_start + row * n
                    // + col .. + len are inside `out` (t < batch, row < m, col + len <= n)
                    // and belong to this block only (blocks are disjoint); `ptrs` and
                    // `strides` hold at least one entry per kernel input (nin <= MAX_INPUTS).
                    // In place (`dst` is the product input's pointer, same dtype, stride 1
                    // when len > 1): the row function reads every input of element j before
                    // storing element j and never reads an element it has stored (an
                    // element-wise loop, no fold), so each element is read, then replaced;
                    // `call_row`'s contract allows this aliasing.
                    unsafe {
                        compiled.call_row(len, dst, ptrs.as_ptr(), strides.as_ptr());
                    }
                }
            }
        };
        let opts = GemmOptions {
            parallel,
            ..GemmOptions::default()
        };
        gemm_with_epilogue(&opts, T::ONE, av, bv, T::ZERO, cv, &tile_fn).map_err(internal)
    };
    if batch_parallel(count, m, n, k) {
        (0..count).into_par_iter().try_for_each(|t| one(t, false))?;
    } else {
        (0..count).try_for_each(|t| one(t, true))?;
    }
    RUNS.with(|r| r.set(r.get() + 1));
    if let Some(t) = started {
        // The NUMCRANE_DEBUG=1 line, next to the JIT's per-launch lines.
        eprintln!(
            "numcrane: ran matmul + epilogue ({} values, {} inputs) over {shape:?} (k = {k}) in \
             {:.3} ms",
            kernel.instrs.len(),
            kernel.inputs.len(),
            t.elapsed().as_secs_f64() * 1e3
        );
    }
    let product = match (ep.keep_product, product) {
        (true, Some(p)) => Some(Realized {
            buffer: Arc::new(p),
            layout: layout.clone(),
        }),
        _ => None,
    };
    Ok(EpilogueResult {
        out: Realized {
            buffer: Arc::new(out),
            layout,
        },
        product,
    })
}
