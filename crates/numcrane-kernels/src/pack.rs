//! Packing: copying a block of A or B, with any strides, into the micro-kernel's layout.
//!
//! A block of A (m x k) becomes ceil(m / MR) micro-panels, each k groups of MR consecutive
//! elements (column p of the panel's rows); B (k x n) becomes ceil(n / NR) micro-panels of k
//! groups of NR elements (row p of the panel's columns). Rows and columns past the matrix edge
//! are written as zeros, so the micro-kernel always runs a full tile. The loop order follows
//! the smaller source stride, so transposed and row/column-major sources both read memory
//! mostly in order. Nothing here knows about threads or cache sizes.

use crate::scalar::GemmScalar;
use crate::scale::{DivBy, ElementMap, MulBy, OperandScale, Unchanged};

/// Runs `$body` with `$map` bound to the [`ElementMap`] of an optional operand scale.
macro_rules! with_map {
    ($scale:expr, $map:ident => $body:expr) => {
        match $scale {
            None => {
                let $map = Unchanged;
                $body
            }
            Some(OperandScale::Mul(s)) => {
                let $map = MulBy(s);
                $body
            }
            Some(OperandScale::Div(s)) => {
                let $map = DivBy(s);
                $body
            }
        }
    };
}

/// Packs an `m x k` block of A (element (i, p) at `a + i * rs + p * cs`) into `dst`, each
/// element scaled by `scale` when given.
///
/// # Safety
/// `dst` writable for `ceil(m / mr) * mr * k` elements and not aliasing A; every element
/// (i, p) with `i < m`, `p < k` readable.
pub(crate) unsafe fn pack_a<T: GemmScalar>(
    dst: *mut T,
    a: *const T,
    rs: isize,
    cs: isize,
    m: usize,
    k: usize,
    mr: usize,
    scale: Option<OperandScale<T>>,
) {
    with_map!(scale, map => {
        for (panel, i0) in (0..m).step_by(mr).enumerate() {
            let rows = mr.min(m - i0);
            // SAFETY: panel < ceil(m / mr), so the panel's mr * k elements lie inside dst.
            let d = unsafe { dst.add(panel * mr * k) };
            let src = a.wrapping_offset(i0 as isize * rs);
            // SAFETY: d covers mr * k elements; src's rows < `rows` and columns < k are
            // readable.
            unsafe { pack_panel(d, src, rs, cs, rows, k, mr, map) };
        }
    })
}

/// Packs a `k x n` block of B (element (p, j) at `b + p * rs + j * cs`) into `dst`, each
/// element scaled by `scale` when given.
///
/// # Safety
/// `dst` writable for `ceil(n / nr) * nr * k` elements and not aliasing B; every element
/// (p, j) with `p < k`, `j < n` readable.
pub(crate) unsafe fn pack_b<T: GemmScalar>(
    dst: *mut T,
    b: *const T,
    rs: isize,
    cs: isize,
    k: usize,
    n: usize,
    nr: usize,
    scale: Option<OperandScale<T>>,
) {
    with_map!(scale, map => {
        for (panel, j0) in (0..n).step_by(nr).enumerate() {
            // SAFETY: as in pack_a, with B's transpose: panel j0 of B^T is rows j0.. of B^T.
            unsafe { pack_b_panel(dst, b, rs, cs, k, n, nr, panel, j0, map) };
        }
    })
}

/// Packs micro-panel `panel` (columns `j0..j0 + nr`) of B; see [`pack_b`].
///
/// # Safety
/// As [`pack_b`], for this one panel.
#[inline]
unsafe fn pack_b_panel<T: GemmScalar, M: ElementMap<T>>(
    dst: *mut T,
    b: *const T,
    rs: isize,
    cs: isize,
    k: usize,
    n: usize,
    nr: usize,
    panel: usize,
    j0: usize,
    map: M,
) {
    let cols = nr.min(n - j0);
    // SAFETY: panel < ceil(n / nr), so its nr * k elements lie inside dst.
    let d = unsafe { dst.add(panel * nr * k) };
    let src = b.wrapping_offset(j0 as isize * cs);
    // Packing columns of B is packing rows of B^T (strides swapped).
    // SAFETY: d covers nr * k elements; B^T's rows < cols and columns < k are readable.
    unsafe { pack_panel(d, src, cs, rs, cols, k, nr, map) };
}

/// Packs one micro-panel: `rows <= w` rows of a matrix with strides (rs, cs) into `w`-wide
/// groups, `d[p * w + i] = map(src[i * rs + p * cs])`, zero for `rows <= i < w` (padding is
/// never mapped).
///
/// # Safety
/// `d` writable for `w * k` elements, not aliasing src; src (i, p) readable for `i < rows`,
/// `p < k`.
#[inline]
unsafe fn pack_panel<T: GemmScalar, M: ElementMap<T>>(
    d: *mut T,
    src: *const T,
    rs: isize,
    cs: isize,
    rows: usize,
    k: usize,
    w: usize,
    map: M,
) {
    if rows == w && rs == 1 {
        // Contiguous groups: one copy of w elements per p (fixed-size for the tile widths in
        // use, so it compiles to a few vector moves instead of a memmove call).
        // SAFETY: forwarded contract, rows == w, unit row stride.
        unsafe {
            match w {
                6 => copy_groups::<T, M, 6>(d, src, cs, k, map),
                8 => copy_groups::<T, M, 8>(d, src, cs, k, map),
                16 => copy_groups::<T, M, 16>(d, src, cs, k, map),
                _ if M::IDENTITY => {
                    for p in 0..k {
                        std::ptr::copy_nonoverlapping(src.offset(p as isize * cs), d.add(p * w), w)
                    }
                }
                _ => {
                    for p in 0..k {
                        for i in 0..w {
                            d.add(p * w + i)
                                .write(map.map(*src.offset(p as isize * cs + i as isize)));
                        }
                    }
                }
            }
        }
        return;
    }
    if cs == 1 && rows == w {
        // Full panel of rows that are contiguous (row-major A, or B of a row-major A^T):
        // walk the w rows together so the writes stay sequential.
        // SAFETY: forwarded contract, rows == w.
        let done = unsafe {
            match w {
                6 => pack_rows::<T, M, 6>(d, src, rs, k, map),
                8 => pack_rows::<T, M, 8>(d, src, rs, k, map),
                16 => pack_rows::<T, M, 16>(d, src, rs, k, map),
                _ => false,
            }
        };
        if done {
            return;
        }
    }
    if rs.unsigned_abs() <= cs.unsigned_abs() || k == 1 {
        // Column by column (rows are closer in memory).
        for p in 0..k {
            let col = src.wrapping_offset(p as isize * cs);
            for i in 0..w {
                let v = if i < rows {
                    // SAFETY: (i, p) with i < rows, p < k is readable.
                    map.map(unsafe { *col.offset(i as isize * rs) })
                } else {
                    T::ZERO
                };
                // SAFETY: p * w + i < k * w.
                unsafe { d.add(p * w + i).write(v) };
            }
        }
    } else {
        // Row by row (columns are closer in memory: e.g. row-major A).
        for i in 0..rows {
            let row = src.wrapping_offset(i as isize * rs);
            for p in 0..k {
                // SAFETY: (i, p) readable; p * w + i < k * w.
                unsafe {
                    d.add(p * w + i)
                        .write(map.map(*row.offset(p as isize * cs)))
                };
            }
        }
        for p in 0..k {
            for i in rows..w {
                // SAFETY: p * w + i < k * w.
                unsafe { d.add(p * w + i).write(T::ZERO) };
            }
        }
    }
}

/// [`pack_panel`] for a full panel of `W` unit-column-stride rows; returns true.
///
/// # Safety
/// `d` writable for `W * k` elements; `src + i * rs + p` readable for `i < W`, `p < k`.
#[inline]
unsafe fn pack_rows<T: GemmScalar, M: ElementMap<T>, const W: usize>(
    d: *mut T,
    src: *const T,
    rs: isize,
    k: usize,
    map: M,
) -> bool {
    let mut rowp = [src; W];
    for (i, r) in rowp.iter_mut().enumerate() {
        *r = src.wrapping_offset(i as isize * rs);
    }
    for p in 0..k {
        for (i, r) in rowp.iter().enumerate() {
            // SAFETY: (i, p) readable with i < W, p < k; p * W + i < k * W.
            unsafe { d.add(p * W + i).write(map.map(*r.add(p))) };
        }
    }
    true
}

/// [`pack_panel`] for a full panel with unit row stride: `W` contiguous elements per step.
///
/// # Safety
/// `d` writable for `W * k` elements, not aliasing src; `src + p * cs + i` readable for
/// `i < W`, `p < k`.
#[inline]
unsafe fn copy_groups<T: GemmScalar, M: ElementMap<T>, const W: usize>(
    d: *mut T,
    src: *const T,
    cs: isize,
    k: usize,
    map: M,
) {
    for p in 0..k {
        // SAFETY: column p's W elements are readable; group p of d is writable; the read is
        // unaligned-safe (read_unaligned) and the ranges do not overlap.
        unsafe {
            let v = src
                .offset(p as isize * cs)
                .cast::<[T; W]>()
                .read_unaligned()
                .map(|x| map.map(x));
            d.add(p * W).cast::<[T; W]>().write_unaligned(v);
        }
    }
}
