//! Epilogue fusion: an element-wise function applied to each block of C as soon as its values
//! are final, while the block is still in L1/L2, instead of in a separate pass over C.
//!
//! [`crate::gemm_with_epilogue`] calls the caller's epilogue once per finished block with an
//! [`EpilogueBlock`]: the block's position in C and a strided mutable view of it. The contract
//! (see [`crate::gemm_with_epilogue`]) is that every element of C is in exactly one block, that
//! the block's values are final (`alpha * A * B + beta * C`, the same bits [`crate::gemm_with`]
//! produces) and that the block is handed over by the thread that computed it, right after it did.
//!
//! Blocks: on the packed path, one `mc x NR` column of micro-tiles (in the kernel's orientation:
//! `NR x mc` for a row-major C, which is computed transposed) right after its last rank-kc
//! update; the small path and the `k == 0` / `alpha == 0` case hand out blocks of the same size
//! once the whole (small) product is done.
//!
//! [`BiasActivation`] is a ready-made epilogue: `act(scale * x + col_bias[j] + row_bias[i])`.

use crate::mat::MatMut;
use crate::scalar::GemmScalar;

/// A finished block of C handed to an epilogue: rows `row0() .. row0() + rows()` and columns
/// `col0() .. col0() + cols()` of C (in the caller's orientation), with C's strides.
///
/// The values are final; the epilogue may read and overwrite them. The view lives only for the
/// duration of the call.
#[derive(Debug)]
pub struct EpilogueBlock<'a, T> {
    row0: usize,
    col0: usize,
    mat: MatMut<'a, T>,
}

impl<'a, T> EpilogueBlock<'a, T> {
    /// A block at `(row0, col0)` of C viewing `mat` (for calling an epilogue by hand, e.g. as a
    /// separate pass over a whole matrix: `row0 = col0 = 0`).
    pub fn new(row0: usize, col0: usize, mat: MatMut<'a, T>) -> Self {
        EpilogueBlock { row0, col0, mat }
    }

    /// Row of C of the block's first row.
    pub fn row0(&self) -> usize {
        self.row0
    }

    /// Column of C of the block's first column.
    pub fn col0(&self) -> usize {
        self.col0
    }

    /// Rows in the block.
    pub fn rows(&self) -> usize {
        self.mat.rows
    }

    /// Columns in the block.
    pub fn cols(&self) -> usize {
        self.mat.cols
    }

    /// C's row and column strides, in elements.
    pub fn strides(&self) -> (isize, isize) {
        (self.mat.rs, self.mat.cs)
    }

    /// Pointer to the block's element (0, 0) (element (i, j) is at
    /// `ptr.offset(i * rs + j * cs)` with [`Self::strides`]), for callers with their own loops.
    pub fn as_mut_ptr(&mut self) -> *mut T {
        self.mat.ptr
    }

    /// The block's element (i, j) (block-relative indices).
    ///
    /// # Panics
    /// If `i >= rows()` or `j >= cols()`.
    pub fn get_mut(&mut self, i: usize, j: usize) -> &mut T {
        assert!(
            i < self.rows() && j < self.cols(),
            "EpilogueBlock::get_mut({i}, {j}) outside {}x{}",
            self.rows(),
            self.cols()
        );
        // SAFETY: (i, j) is inside the view, whose elements are valid, distinct and exclusively
        // borrowed for 'a (MatMut's invariant); `&mut self` keeps any other reference out.
        unsafe {
            &mut *self
                .mat
                .ptr
                .offset(i as isize * self.mat.rs + j as isize * self.mat.cs)
        }
    }

    /// Row `i` of the block as a slice, when its elements are contiguous (column stride 1, or a
    /// single column); `None` otherwise.
    ///
    /// # Panics
    /// If `i >= rows()`.
    pub fn row_mut(&mut self, i: usize) -> Option<&mut [T]> {
        assert!(
            i < self.rows(),
            "EpilogueBlock::row_mut({i}) outside {} rows",
            self.rows()
        );
        if self.mat.cs != 1 && self.mat.cols > 1 {
            return None;
        }
        // SAFETY: the row's `cols` elements are consecutive (unit column stride) and inside
        // the view, valid and exclusively borrowed for 'a; `&mut self` keeps other references
        // out for the slice's lifetime.
        Some(unsafe {
            std::slice::from_raw_parts_mut(
                self.mat.ptr.offset(i as isize * self.mat.rs),
                self.mat.cols,
            )
        })
    }

    /// Column `j` of the block as a slice, when its elements are contiguous (row stride 1, or a
    /// single row); `None` otherwise.
    ///
    /// # Panics
    /// If `j >= cols()`.
    pub fn col_mut(&mut self, j: usize) -> Option<&mut [T]> {
        assert!(
            j < self.cols(),
            "EpilogueBlock::col_mut({j}) outside {} cols",
            self.cols()
        );
        if self.mat.rs != 1 && self.mat.rows > 1 {
            return None;
        }
        // SAFETY: as in `row_mut`, with a unit row stride.
        Some(unsafe {
            std::slice::from_raw_parts_mut(
                self.mat.ptr.offset(j as isize * self.mat.cs),
                self.mat.rows,
            )
        })
    }

    /// Calls `f(row, col, &mut x)` for every element, with `row` and `col` C's indices (not the
    /// block's), the unit-stride dimension innermost.
    pub fn for_each_mut(&mut self, mut f: impl FnMut(usize, usize, &mut T)) {
        let (rows, cols, rs, cs, p) = (
            self.rows(),
            self.cols(),
            self.mat.rs,
            self.mat.cs,
            self.mat.ptr,
        );
        let elem = |i: usize, j: usize| p.wrapping_offset(i as isize * rs + j as isize * cs);
        if rs.unsigned_abs() < cs.unsigned_abs() {
            for j in 0..cols {
                for i in 0..rows {
                    // SAFETY: (i, j) is inside the view (valid, distinct, exclusively borrowed);
                    // one element reference at a time.
                    f(self.row0 + i, self.col0 + j, unsafe { &mut *elem(i, j) });
                }
            }
        } else {
            for i in 0..rows {
                for j in 0..cols {
                    // SAFETY: as above.
                    f(self.row0 + i, self.col0 + j, unsafe { &mut *elem(i, j) });
                }
            }
        }
    }
}

/// The element-wise function after the bias in [`BiasActivation`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Activation<T> {
    /// `x`.
    Identity,
    /// `maximum(x, 0)` as NumPy computes it: NaN stays NaN, `-0.0` stays `-0.0`.
    Relu,
    /// `clip(x, lo, hi)` = `minimum(maximum(x, lo), hi)` (NaN propagates).
    Clip {
        /// Lower bound.
        lo: T,
        /// Upper bound.
        hi: T,
    },
    /// `tanh(x)`.
    Tanh,
}

/// A ready-made epilogue: `C[i, j] = act((scale * C[i, j] + col_bias[j]) + row_bias[i])`, each
/// operation rounded in that order (so a separate pass with the same operations gives the same
/// bits). `scale == 1` and absent biases are skipped (not multiplied by 1 or added as 0, which
/// would turn `-0.0` into `0.0`).
///
/// `col_bias` is indexed by C's column (a bias broadcast along rows, as in `X @ W + b` with a
/// row-major X), `row_bias` by C's row.
///
/// ```
/// use numcrane_kernels::{gemm_with_epilogue, BiasActivation, GemmOptions, MatMut, MatRef};
/// let (x, w, b) = ([1.0f32, -2.0], [1.0f32, 1.0, 1.0, -1.0], [0.5f32, 0.0]);
/// let mut y = [0.0f32; 2];
/// let ep = BiasActivation::bias_relu(&b); // maximum(x @ w + b, 0)
/// gemm_with_epilogue(
///     &GemmOptions::default(),
///     1.0,
///     MatRef::row_major(&x, 1, 2).unwrap(),
///     MatRef::row_major(&w, 2, 2).unwrap(),
///     0.0,
///     MatMut::row_major(&mut y, 1, 2).unwrap(),
///     &|blk| ep.apply(blk),
/// )
/// .unwrap();
/// assert_eq!(y, [0.0, 3.0]);
/// ```
#[derive(Debug, Clone, Copy)]
pub struct BiasActivation<'a, T> {
    /// Multiplies the product first (skipped when 1).
    pub scale: T,
    /// Added by column: `col_bias[j]` for column j of C (length >= C's columns).
    pub col_bias: Option<&'a [T]>,
    /// Added by row: `row_bias[i]` for row i of C (length >= C's rows).
    pub row_bias: Option<&'a [T]>,
    /// Applied last.
    pub activation: Activation<T>,
}

impl<'a, T: GemmScalar> BiasActivation<'a, T> {
    /// `maximum(x + bias[j], 0)`: bias by column, then ReLU.
    pub fn bias_relu(col_bias: &'a [T]) -> Self {
        BiasActivation {
            scale: T::ONE,
            col_bias: Some(col_bias),
            row_bias: None,
            activation: Activation::Relu,
        }
    }

    /// The function on one element of C at (i, j): the reference the block version matches
    /// bit for bit.
    ///
    /// # Panics
    /// If a bias is shorter than `j + 1` (columns) or `i + 1` (rows).
    pub fn value(&self, i: usize, j: usize, x: T) -> T {
        let mut y = x;
        if self.scale != T::ONE {
            y = self.scale * y;
        }
        if let Some(cb) = self.col_bias {
            y = y + cb[j];
        }
        if let Some(rb) = self.row_bias {
            y = y + rb[i];
        }
        act(self.activation, y)
    }

    /// Applies the function to every element of the block (call it from the epilogue closure:
    /// `&|blk| ep.apply(blk)`). Contiguous rows or columns are processed as slices, one
    /// vectorizable sweep per operation.
    ///
    /// # Panics
    /// If `col_bias` is shorter than `col0 + cols` or `row_bias` shorter than `row0 + rows`.
    pub fn apply(&self, mut blk: EpilogueBlock<'_, T>) {
        let (r0, c0, rows, cols) = (blk.row0(), blk.col0(), blk.rows(), blk.cols());
        if rows == 0 || cols == 0 {
            return;
        }
        let cb = self.col_bias.map(|b| bias_slice(b, c0, cols, "col_bias"));
        let rb = self.row_bias.map(|b| bias_slice(b, r0, rows, "row_bias"));
        let (rs, cs) = blk.strides();
        if cs == 1 || cols == 1 {
            for i in 0..rows {
                let line = blk.row_mut(i).expect("contiguous row");
                // Column bias varies along the row, row bias is one value for it.
                sweep(
                    self,
                    line,
                    cb.map(Operand::Vector),
                    rb.map(|r| Operand::Scalar(r[i])),
                );
            }
        } else if rs == 1 {
            for j in 0..cols {
                let line = blk.col_mut(j).expect("contiguous column");
                sweep(
                    self,
                    line,
                    cb.map(|c| Operand::Scalar(c[j])),
                    rb.map(Operand::Vector),
                );
            }
        } else {
            blk.for_each_mut(|i, j, x| *x = self.value(i, j, *x));
        }
    }

    /// The same function as a separate pass over a whole matrix (what a fused epilogue saves).
    pub fn apply_to(&self, c: MatMut<'_, T>) {
        self.apply(EpilogueBlock::new(0, 0, c));
    }
}

fn bias_slice<'b, T>(b: &'b [T], start: usize, len: usize, what: &str) -> &'b [T] {
    assert!(
        b.len() >= start + len,
        "BiasActivation: {what} has {} elements, the block needs {}",
        b.len(),
        start + len
    );
    &b[start..start + len]
}

/// A bias operand along one contiguous line of C.
#[derive(Clone, Copy)]
enum Operand<'b, T> {
    Scalar(T),
    Vector(&'b [T]),
}

/// `line = act((scale * line + first) + second)`, one sweep per operation (each rounds the same
/// as in [`BiasActivation::value`]; the line is in L1, so extra sweeps are cheap and each one
/// vectorizes).
#[inline(always)]
fn sweep<T: GemmScalar>(
    ep: &BiasActivation<'_, T>,
    line: &mut [T],
    first: Option<Operand<'_, T>>,
    second: Option<Operand<'_, T>>,
) {
    if ep.scale != T::ONE {
        let s = ep.scale;
        line.iter_mut().for_each(|x| *x = s * *x);
    }
    for op in [first, second].into_iter().flatten() {
        match op {
            Operand::Scalar(b) => line.iter_mut().for_each(|x| *x = *x + b),
            Operand::Vector(v) => line.iter_mut().zip(v).for_each(|(x, &b)| *x = *x + b),
        }
    }
    match ep.activation {
        Activation::Identity => {}
        Activation::Relu => line.iter_mut().for_each(|x| *x = relu(*x)),
        Activation::Clip { lo, hi } => line.iter_mut().for_each(|x| *x = clip(*x, lo, hi)),
        Activation::Tanh => line.iter_mut().for_each(|x| *x = x.tanh()),
    }
}

#[inline(always)]
fn relu<T: GemmScalar>(x: T) -> T {
    if x < T::ZERO {
        T::ZERO
    } else {
        x
    }
}

#[inline(always)]
fn clip<T: GemmScalar>(x: T, lo: T, hi: T) -> T {
    let y = if x < lo { lo } else { x };
    if y > hi {
        hi
    } else {
        y
    }
}

#[inline(always)]
fn act<T: GemmScalar>(a: Activation<T>, x: T) -> T {
    match a {
        Activation::Identity => x,
        Activation::Relu => relu(x),
        Activation::Clip { lo, hi } => clip(x, lo, hi),
        Activation::Tanh => x.tanh(),
    }
}

/// The caller's epilogue as the driver sees it: the closure, whether the driver works on the
/// transposed problem, and where the driver's C (one thread's part of it) sits in the caller's.
#[derive(Clone, Copy)]
pub(crate) struct EpiCtx<'f, T> {
    pub f: &'f (dyn Fn(EpilogueBlock<'_, T>) + Sync),
    /// The driver computes `C^T = B^T A^T`: its rows are the caller's columns.
    pub transposed: bool,
    /// Driver-orientation offset of the driver's C in the whole (driver-orientation) C.
    pub i0: usize,
    /// As `i0`, for columns.
    pub j0: usize,
}

impl<T> EpiCtx<'_, T> {
    /// The context for a sub-rectangle at driver offsets (i, j) of this one.
    pub(crate) fn shifted(self, i: usize, j: usize) -> Self {
        EpiCtx {
            i0: self.i0 + i,
            j0: self.j0 + j,
            ..self
        }
    }

    /// Calls the epilogue on the `rows x cols` block at driver position (i, j), element (0, 0)
    /// at `c`, converted to the caller's orientation.
    ///
    /// # Safety
    /// The block's elements are valid for reads and writes, distinct, hold their final values,
    /// and nothing else accesses them during the call.
    pub(crate) unsafe fn call(
        &self,
        i: usize,
        j: usize,
        rows: usize,
        cols: usize,
        c: *mut T,
        rs: isize,
        cs: isize,
    ) {
        let (gi, gj) = (self.i0 + i, self.j0 + j);
        // SAFETY: the caller's contract is MatMut::from_raw_parts's for the call's duration.
        let mat = unsafe { MatMut::from_raw_parts(c, rows, cols, rs, cs) };
        let blk = if self.transposed {
            EpilogueBlock::new(gj, gi, mat.t())
        } else {
            EpilogueBlock::new(gi, gj, mat)
        };
        (self.f)(blk);
    }

    /// Calls the epilogue over the whole `m x n` driver C at `c` (all final), in blocks of at most
    /// `mc x nr`, on the calling thread: the small path and the `k == 0` / `alpha == 0` case.
    ///
    /// # Safety
    /// As [`Self::call`] for the whole m x n matrix.
    pub(crate) unsafe fn call_all(
        &self,
        m: usize,
        n: usize,
        c: *mut T,
        rs: isize,
        cs: isize,
        mc: usize,
        nr: usize,
    ) {
        for j in (0..n).step_by(nr) {
            for i in (0..m).step_by(mc) {
                let blk = c.wrapping_offset(i as isize * rs + j as isize * cs);
                // SAFETY: a sub-block of the caller's matrix; blocks are disjoint and called
                // one at a time.
                unsafe { self.call(i, j, mc.min(m - i), nr.min(n - j), blk, rs, cs) };
            }
        }
    }
}
