//! numcrane's own LU factorisation with partial pivoting (LAPACK's `getrf`) of a float64
//! matrix, and the triangular solves that give `solve` (`getrs`) and `inv` (`gesv` with the
//! identity, as NumPy calls it).
//!
//! Why our own rather than faer's: nearly all of an LU's work is matrix products, and
//! numcrane's GEMM (numcrane-kernels) runs them on every core at OpenBLAS's speed; faer's LU
//! runs one matrix on one thread here (its parallelism stays off so that stacks of matrices
//! run in parallel instead). The algorithm is LAPACK's recursive one (`getrf2`, Toledo 1997):
//! factor the left half of the columns, apply its row swaps to the right half, solve for the
//! right half's top rows (a triangular solve), subtract one GEMM from its bottom rows, factor
//! those; the triangular solves recurse the same way into GEMMs. Below a few columns the work
//! is plain loops over contiguous columns. Matrices from [`TASKS_MIN_DIM`] up are factored on
//! all threads by the blocked algorithm of [`tasks`], whose panels are factored by this one.
//!
//! Layout: numcrane hands over `A` row-major, which is `B = A^T` column-major. We factor `B`
//! in place, column-major as LAPACK does (pivot searches and updates then run along contiguous
//! columns): `B = P L U`. So `det A = det B = sign(P) prod(diag U)`, and `A x = b` is
//! `x^T P L U = b^T`: with `b` row-major (`b^T` column-major) that is two right-side triangular
//! solves and column swaps, again along contiguous columns. The pivots are those of partial
//! pivoting on `A^T` (the largest entry of each row of `A`'s remaining part), which is as
//! stable as LAPACK's choice on `A`.
//!
//! The result depends only on the input: the work is cut into pieces whose bounds depend on
//! the matrix's order alone (never on the number of threads), and each piece runs on one
//! thread.

use numcrane_kernels::{gemm_with, GemmOptions, MatMut, MatRef, SmallPath};
use rayon::prelude::*;
use std::marker::PhantomData;

mod tasks;

use crate::scratch::Scratch;

/// Panels at most this many columns wide are factored by the unblocked loop.
/// Panels at most this many columns wide are factored by the unblocked loop.
const LU_BASE: usize = 16;
/// Triangles at most this big are solved by substitution, column by column.
const TRSM_BASE: usize = 32;
/// Matrices of at least this order are factored by [`tasks`] on the rayon pool, smaller ones
/// by [`factor`] on the calling thread (at n = 144 one thread was faster, at 160 two).
const TASKS_MIN_DIM: usize = 160;

/// A mutable column-major block: `rows x cols` elements, column `j` starting `j * ld` after
/// `ptr`. Like `&mut [f64]` it is an exclusive borrow; splitting it gives disjoint blocks.
struct Block<'a> {
    ptr: *mut f64,
    rows: usize,
    cols: usize,
    ld: usize,
    _borrow: PhantomData<&'a mut [f64]>,
}

/// A read-only column-major block (a shared borrow, like `&[f64]`).
#[derive(Clone, Copy)]
struct BlockRef<'a> {
    ptr: *const f64,
    rows: usize,
    cols: usize,
    ld: usize,
    _borrow: PhantomData<&'a [f64]>,
}

// SAFETY: a Block is an exclusive borrow of f64s (like `&mut [f64]`), which may move to
// another thread.
unsafe impl Send for Block<'_> {}
// SAFETY: a BlockRef is a shared borrow of f64s (like `&[f64]`), which threads may share.
unsafe impl Send for BlockRef<'_> {}
// SAFETY: as above.
unsafe impl Sync for BlockRef<'_> {}

impl<'a> Block<'a> {
    /// The whole `rows x cols` matrix stored column-major in `data`.
    fn new(data: &'a mut [f64], rows: usize, cols: usize) -> Self {
        assert!(data.len() >= rows * cols, "LU block larger than its buffer");
        Block {
            ptr: data.as_mut_ptr(),
            rows,
            cols,
            ld: rows,
            _borrow: PhantomData,
        }
    }

    /// The block of `rows x cols` elements at `ptr`, column `j` at `ptr + j * ld`.
    ///
    /// # Safety
    /// Those elements are valid, and nothing else reads or writes them while the block lives.
    unsafe fn from_raw(ptr: *mut f64, rows: usize, cols: usize, ld: usize) -> Self {
        debug_assert!(rows <= ld || cols <= 1);
        Block {
            ptr,
            rows,
            cols,
            ld,
            _borrow: PhantomData,
        }
    }

    /// A shorter-lived exclusive borrow of the same block.
    fn rb(&mut self) -> Block<'_> {
        Block {
            ptr: self.ptr,
            rows: self.rows,
            cols: self.cols,
            ld: self.ld,
            _borrow: PhantomData,
        }
    }

    /// A shared view of the block for as long as this borrow lasts.
    fn view(&self) -> BlockRef<'_> {
        BlockRef {
            ptr: self.ptr,
            rows: self.rows,
            cols: self.cols,
            ld: self.ld,
            _borrow: PhantomData,
        }
    }

    /// The block turned read-only for the rest of its lifetime.
    fn into_view(self) -> BlockRef<'a> {
        BlockRef {
            ptr: self.ptr,
            rows: self.rows,
            cols: self.cols,
            ld: self.ld,
            _borrow: PhantomData,
        }
    }

    /// Rows `..k` and rows `k..`.
    fn split_rows(self, k: usize) -> (Block<'a>, Block<'a>) {
        assert!(k <= self.rows);
        let bottom = Block {
            // SAFETY: k <= rows <= ld, so the offset stays inside the first column (or one
            // past it).
            ptr: unsafe { self.ptr.add(k) },
            rows: self.rows - k,
            cols: self.cols,
            ld: self.ld,
            _borrow: PhantomData,
        };
        (Block { rows: k, ..self }, bottom)
    }

    /// Columns `..k` and columns `k..`.
    fn split_cols(self, k: usize) -> (Block<'a>, Block<'a>) {
        assert!(k <= self.cols);
        let right = Block {
            // SAFETY: k <= cols, so the offset stays inside the block's columns (or one past).
            ptr: unsafe { self.ptr.add(k * self.ld) },
            rows: self.rows,
            cols: self.cols - k,
            ld: self.ld,
            _borrow: PhantomData,
        };
        (Block { cols: k, ..self }, right)
    }

    /// Column `j` of the block.
    fn col(&mut self, j: usize) -> &mut [f64] {
        assert!(j < self.cols);
        // SAFETY: column j's `rows` elements lie inside the block, which this borrow holds
        // exclusively; columns do not overlap (rows <= ld).
        unsafe { std::slice::from_raw_parts_mut(self.ptr.add(j * self.ld), self.rows) }
    }

    /// Columns `i` and `j` (`i != j`) at once.
    fn two_cols(&mut self, i: usize, j: usize) -> (&mut [f64], &mut [f64]) {
        assert!(i != j && i < self.cols && j < self.cols);
        // SAFETY: as in `col`; distinct columns are disjoint, so the two slices do not alias.
        unsafe {
            (
                std::slice::from_raw_parts_mut(self.ptr.add(i * self.ld), self.rows),
                std::slice::from_raw_parts_mut(self.ptr.add(j * self.ld), self.rows),
            )
        }
    }

    /// Applies LAPACK's row interchanges: for each `k`, rows `k` and `pivots[k]` swap, in
    /// order (column by column, so each pass stays in one contiguous column).
    fn swap_rows(&mut self, pivots: &[usize]) {
        for j in 0..self.cols {
            let col = self.col(j);
            for (k, &p) in pivots.iter().enumerate() {
                col.swap(k, p);
            }
        }
    }

    /// The block as the GEMM's output view.
    fn gemm_out(&mut self) -> MatMut<'_, f64> {
        // SAFETY: every (i, j) of the block is inside it and distinct (rows <= ld); this
        // borrow holds the block exclusively for the view's lifetime.
        unsafe { MatMut::from_raw_parts(self.ptr, self.rows, self.cols, 1, self.ld as isize) }
    }
}

impl<'a> BlockRef<'a> {
    /// The read-only block of `rows x cols` elements at `ptr`, column `j` at `ptr + j * ld`.
    ///
    /// # Safety
    /// Those elements are valid, and nothing writes them while the block lives.
    unsafe fn from_raw(ptr: *const f64, rows: usize, cols: usize, ld: usize) -> Self {
        debug_assert!(rows <= ld || cols <= 1);
        BlockRef {
            ptr,
            rows,
            cols,
            ld,
            _borrow: PhantomData,
        }
    }

    /// Rows `..k` and rows `k..`.
    fn split_rows(self, k: usize) -> (BlockRef<'a>, BlockRef<'a>) {
        assert!(k <= self.rows);
        let bottom = BlockRef {
            // SAFETY: k <= rows <= ld: inside the first column or one past it.
            ptr: unsafe { self.ptr.add(k) },
            rows: self.rows - k,
            ..self
        };
        (BlockRef { rows: k, ..self }, bottom)
    }

    /// Columns `..k` and columns `k..`.
    fn split_cols(self, k: usize) -> (BlockRef<'a>, BlockRef<'a>) {
        assert!(k <= self.cols);
        let right = BlockRef {
            // SAFETY: k <= cols: inside the block's columns or one past them.
            ptr: unsafe { self.ptr.add(k * self.ld) },
            cols: self.cols - k,
            ..self
        };
        (BlockRef { cols: k, ..self }, right)
    }

    /// The four blocks of a square block split at `h`: `[[11, 12], [21, 22]]`.
    fn quarters(self, h: usize) -> [[BlockRef<'a>; 2]; 2] {
        let (top, bottom) = self.split_rows(h);
        let (t11, t12) = top.split_cols(h);
        let (t21, t22) = bottom.split_cols(h);
        [[t11, t12], [t21, t22]]
    }

    /// Column `j`, rows `from..`.
    fn col_from(&self, j: usize, from: usize) -> &'a [f64] {
        assert!(j < self.cols && from <= self.rows);
        // SAFETY: rows from..rows of column j lie inside the block, borrowed shared for 'a.
        unsafe { std::slice::from_raw_parts(self.ptr.add(from + j * self.ld), self.rows - from) }
    }

    fn get(&self, i: usize, j: usize) -> f64 {
        assert!(i < self.rows && j < self.cols);
        // SAFETY: (i, j) is inside the block, which is borrowed for 'a.
        unsafe { *self.ptr.add(i + j * self.ld) }
    }

    /// The block as a GEMM operand.
    fn gemm_in(&self) -> MatRef<'a, f64> {
        // SAFETY: every (i, j) of the block is inside it, and the shared borrow 'a keeps it
        // from being written while the view lives.
        unsafe { MatRef::from_raw_parts(self.ptr, self.rows, self.cols, 1, self.ld as isize) }
    }
}

/// `c -= a * b`, through numcrane's GEMM, on the calling thread (the callers split the work
/// between threads themselves).
fn gemm_sub(a: BlockRef<'_>, b: BlockRef<'_>, c: &mut Block<'_>) {
    if c.rows == 0 || c.cols == 0 || a.cols == 0 {
        return;
    }
    let opts = GemmOptions {
        parallel: false,
        // the direct path reads our strided blocks slower than packing them (measured)
        small: if c.rows >= 32 {
            SmallPath::Never
        } else {
            SmallPath::Auto
        },
        ..GemmOptions::default()
    };
    gemm_with(&opts, -1.0, a.gemm_in(), b.gemm_in(), 1.0, c.gemm_out())
        .expect("LU: the blocks' shapes agree by construction");
}

/// Rows per task when a right-side triangular solve splits its independent right-hand sides
/// (rows of `Y`) between threads. Fixed, not derived from the thread count, so that the
/// result never depends on the number of threads; the fastest measured at n = 1024.
const ROW_CHUNK: usize = 128;

/// Runs `f(first_row, piece)` on pieces of at most [`ROW_CHUNK`] rows of `y` (the piece's
/// first row is `first_row` of `y`), in parallel.
fn for_row_chunks(y: Block<'_>, f: &(dyn Fn(usize, Block<'_>) + Sync)) {
    fn go(first: usize, y: Block<'_>, f: &(dyn Fn(usize, Block<'_>) + Sync)) {
        if y.rows <= ROW_CHUNK {
            f(first, y);
            return;
        }
        let half = (y.rows / 2).div_ceil(ROW_CHUNK) * ROW_CHUNK;
        let (a, b) = y.split_rows(half);
        rayon::join(|| go(first, a, f), || go(first + half, b, f));
    }
    go(0, y, f)
}

/// Ends of the row pieces of `X U = I` (`n` rows) with about equal work: rows `r..` of
/// `U^-1` cost about `(n - r)^3 / 3`, so piece `i` of `p` ends where `(n - r)^3` has fallen to
/// `(1 - i / p) n^3`. Multiples of 8 rows, increasing, the last one `n`; depends on `n` only.
fn equal_work_rows(n: usize) -> Vec<usize> {
    const PIECES: usize = 4;
    let mut ends = Vec::with_capacity(PIECES);
    for i in 1..PIECES {
        let frac = 1.0 - (1.0 - i as f64 / PIECES as f64).cbrt();
        let end = ((frac * n as f64) as usize / 8 * 8).min(n);
        if end > ends.last().copied().unwrap_or(0) {
            ends.push(end);
        }
    }
    if ends.last() != Some(&n) {
        ends.push(n);
    }
    ends
}

/// The dot product of two equally long slices, with four partial sums (so that it
/// vectorises; the order is fixed, so the result is too).
fn dot(a: &[f64], b: &[f64]) -> f64 {
    let mut acc = [0.0; 4];
    let (a4, a_rest) = a.split_at(a.len() / 4 * 4);
    let (b4, b_rest) = b.split_at(a4.len());
    for (x, y) in a4.chunks_exact(4).zip(b4.chunks_exact(4)) {
        for t in 0..4 {
            acc[t] += x[t] * y[t];
        }
    }
    let tail: f64 = a_rest.iter().zip(b_rest).map(|(x, y)| x * y).sum();
    (acc[0] + acc[1]) + (acc[2] + acc[3]) + tail
}

/// `x -= f * y`, element-wise.
fn axpy(x: &mut [f64], f: f64, y: &[f64]) {
    for (x, &y) in x.iter_mut().zip(y) {
        *x -= f * y;
    }
}

/// The LU factors of `A^T` for a square row-major `A` (see the module doc): `A^T = P L U`.
pub(crate) struct Lu {
    /// `L` (unit lower, below the diagonal) and `U` (upper) of `A^T`, column-major `n x n`.
    lu: Scratch,
    n: usize,
    /// LAPACK's `ipiv`: at step `k` rows `k` and `pivots[k]` of `A^T` were swapped.
    pivots: Vec<usize>,
}

impl Lu {
    /// Factors the row-major `n x n` matrix `a` (its transpose, column-major).
    pub(crate) fn new(a: &[f64], n: usize) -> Lu {
        let mut lu = Scratch::copy_of(&a[..n * n]);
        let mut pivots = vec![0; n];
        if n >= TASKS_MIN_DIM {
            tasks::factor_blocked(&mut lu, n, &mut pivots);
        } else {
            factor(Block::new(&mut lu, n, n), &mut pivots);
        }
        Lu { lu, n, pivots }
    }

    /// `L` and `U` as one block.
    fn factors(&self) -> BlockRef<'_> {
        BlockRef {
            ptr: self.lu.as_ptr(),
            rows: self.n,
            cols: self.n,
            ld: self.n,
            _borrow: PhantomData,
        }
    }

    /// The diagonal of `U` (the pivots).
    pub(crate) fn diagonal(&self) -> Vec<f64> {
        (0..self.n).map(|i| self.lu[i * self.n + i]).collect()
    }

    /// +1 or -1: the sign of the row permutation `P` (`det A = sign * prod(diagonal)`).
    pub(crate) fn permutation_sign(&self) -> f64 {
        let swaps = self
            .pivots
            .iter()
            .enumerate()
            .filter(|(k, p)| k != *p)
            .count();
        if swaps.is_multiple_of(2) {
            1.0
        } else {
            -1.0
        }
    }

    /// Whether some pivot is exactly zero (LAPACK's `info > 0`: singular).
    pub(crate) fn is_singular(&self) -> bool {
        (0..self.n).any(|i| self.lu[i * self.n + i] == 0.0)
    }

    /// Solves `A X = B` in place for the row-major `n x k` right-hand side `b`: as `b^T` is
    /// column-major `k x n`, `X^T P L U = B^T` is solved from the right.
    pub(crate) fn solve_in_place(&self, b: &mut [f64], k: usize) {
        let n = self.n;
        if k == 1 {
            self.solve_vector(&mut b[..n]);
            return;
        }
        let mut y = Block::new(b, k, n);
        let lu = self.factors();
        // each row of Y is an independent right-hand side: pieces of rows run in parallel,
        // each on one thread
        for_row_chunks(y.rb(), &|_, mut piece| {
            solve_right_upper(lu, piece.rb(), None);
            solve_right_lower_unit(lu, piece);
        });
        self.unpivot_columns(y);
    }

    /// [`Lu::solve_in_place`] for one right-hand side: `x U = b` then `x L = y` as dot
    /// products along the contiguous columns of `U` and `L` (the blocked solves would spend
    /// their time on bookkeeping for a single row).
    fn solve_vector(&self, x: &mut [f64]) {
        let n = self.n;
        let col = |j: usize| &self.lu[j * n..(j + 1) * n];
        for j in 0..n {
            let c = col(j);
            x[j] = (x[j] - dot(&c[..j], &x[..j])) / c[j];
        }
        for j in (0..n).rev() {
            let c = col(j);
            x[j] -= dot(&c[j + 1..], &x[j + 1..]);
        }
        for (j, &p) in self.pivots.iter().enumerate().rev() {
            x.swap(j, p);
        }
    }

    /// The inverse of `A`, row-major: [`Lu::solve_in_place`] with the identity, which starts
    /// the first triangular solve with zeros it can skip (`U^-1` is upper triangular), so the
    /// whole costs `2 n^3` flops as LAPACK's `getri` rather than `gesv`'s `2.67 n^3`.
    pub(crate) fn inverse(&self) -> Vec<f64> {
        let n = self.n;
        // written element by element rather than `vec![0.0; ..]`: calloc's pages start as
        // the shared zero page, and the solve's first write to each then costs a copy-on-write
        // fault and a TLB flush on every thread (20% of the time at n = 1024, measured)
        let mut x = Vec::with_capacity(n * n);
        for i in 0..n {
            x.extend((0..n).map(|j| if i == j { 1.0 } else { 0.0 }));
        }
        let mut y = Block::new(&mut x, n, n);
        let lu = self.factors();
        // X U = I: row r of X = U^-1 is zero before column r, so the work per row falls
        // with r; pieces of equal work run in parallel, each on one thread
        let mut pieces = Vec::new();
        let mut rest = y.rb();
        let mut first = 0;
        for end in equal_work_rows(n) {
            let (piece, tail) = rest.split_rows(end - first);
            pieces.push((first, piece));
            rest = tail;
            first = end;
        }
        pieces.into_par_iter().for_each(|(first, piece)| {
            let [_, [_, u]] = lu.quarters(first);
            let (_, trailing) = piece.split_cols(first);
            solve_right_upper(u, trailing, Some(0));
        });
        for_row_chunks(y.rb(), &|_, piece| solve_right_lower_unit(lu, piece));
        self.unpivot_columns(y);
        x
    }

    /// `Y P = W`, so `Y = W P^T`: undoes the interchanges on the columns of `y`, from the last
    /// one back.
    fn unpivot_columns(&self, mut y: Block<'_>) {
        for (j, &p) in self.pivots.iter().enumerate().rev() {
            if j != p {
                let (a, b) = y.two_cols(j, p);
                a.swap_with_slice(b);
            }
        }
    }
}

/// Factors the block in place (`rows >= cols`), recording in `pivots[k]` the row (of this
/// block) swapped with row `k` at step `k`. Swaps are applied to the block's columns only;
/// the caller applies them to the columns outside. On the calling thread.
fn factor(a: Block<'_>, pivots: &mut [usize]) {
    let w = a.cols;
    if w <= LU_BASE {
        factor_panel(a, pivots);
        return;
    }
    let h = w / 2;
    let (mut left, mut right) = a.split_cols(h);
    factor(left.rb(), &mut pivots[..h]);
    right.swap_rows(&pivots[..h]);
    let (l_top, l_bottom) = left.rb().split_rows(h);
    let (mut r_top, mut r_bottom) = right.split_rows(h);
    let (l11, l21) = (l_top.into_view(), l_bottom.into_view());
    // U12 = L11^-1 A12; A22 -= L21 U12
    solve_left_lower_unit(l11, r_top.rb());
    gemm_sub(l21, r_top.view(), &mut r_bottom);
    // the bottom-right part, then its interchanges on the left half's bottom rows
    factor(r_bottom, &mut pivots[h..]);
    let (_, mut left_bottom) = left.split_rows(h);
    left_bottom.swap_rows(&pivots[h..]);
    for p in &mut pivots[h..] {
        *p += h;
    }
}

/// The unblocked LU of a panel of at most [`LU_BASE`] columns (LAPACK's `getf2`).
fn factor_panel(mut a: Block<'_>, pivots: &mut [usize]) {
    let (m, w) = (a.rows, a.cols);
    for j in 0..w.min(m) {
        // the pivot: the first largest magnitude in column j at or below the diagonal
        let col = a.col(j);
        let mut p = j;
        let mut best = col[j].abs();
        for (i, v) in col.iter().enumerate().skip(j + 1) {
            if v.abs() > best {
                best = v.abs();
                p = i;
            }
        }
        pivots[j] = p;
        let pivot = col[p];
        if pivot == 0.0 {
            // an exactly singular column: nothing below to eliminate (all zero); LAPACK
            // records it and goes on, which keeps det = 0 and lets solve/inv refuse.
            continue;
        }
        if p != j {
            for c in 0..w {
                a.col(c).swap(j, p);
            }
        }
        // LAPACK's getf2: multiply by the reciprocal unless it would overflow
        let col = a.col(j);
        if pivot.abs() >= f64::MIN_POSITIVE {
            let recip = 1.0 / pivot;
            col[j + 1..].iter_mut().for_each(|x| *x *= recip);
        } else {
            col[j + 1..].iter_mut().for_each(|x| *x /= pivot);
        }
        for c in j + 1..w {
            let (lj, cc) = a.two_cols(j, c);
            let f = cc[j];
            if f != 0.0 {
                axpy(&mut cc[j + 1..], f, &lj[j + 1..]);
            }
        }
    }
}

/// Solves `L X = B` in place, `L` the unit lower triangle of the square block `l`.
fn solve_left_lower_unit(l: BlockRef<'_>, b: Block<'_>) {
    let n = l.rows;
    if n <= TRSM_BASE {
        let mut b = b;
        for c in 0..b.cols {
            let x = b.col(c);
            for j in 0..n {
                let f = x[j];
                if f != 0.0 {
                    axpy(&mut x[j + 1..], f, l.col_from(j, j + 1));
                }
            }
        }
        return;
    }
    let h = n / 2;
    let [[l11, _], [l21, l22]] = l.quarters(h);
    let (mut b1, mut b2) = b.split_rows(h);
    solve_left_lower_unit(l11, b1.rb());
    gemm_sub(l21, b1.view(), &mut b2);
    solve_left_lower_unit(l22, b2);
}

/// Solves `X U = Y` in place (`Y` becomes `X`), `U` the upper triangle (with its diagonal)
/// of the square block `u`. With `identity_from: Some(c0)`, `y` is columns `c0..` of the
/// identity (rows below `c0 + cols` are zero, and stay zero since `U^-1` is upper
/// triangular), so only the rows above are solved.
fn solve_right_upper(u: BlockRef<'_>, y: Block<'_>, identity_from: Option<usize>) {
    let live = |cols: usize| identity_from.map_or(y.rows, |c0| (c0 + cols).min(y.rows));
    let (mut y, _) = {
        let rows = live(y.cols);
        y.split_rows(rows)
    };
    let n = u.cols;
    if n <= TRSM_BASE {
        upper_base(u, y);
        return;
    }
    let h = n / 2;
    let [[u11, u12], [_, u22]] = u.quarters(h);
    let (mut y1, mut y2) = y.rb().split_cols(h);
    solve_right_upper(u11, y1.rb(), identity_from);
    // in identity mode X1 is zero below row c0 + h
    let rows = identity_from.map_or(y1.rows, |c0| (c0 + h).min(y1.rows));
    let (x1, _) = y1.into_view().split_rows(rows);
    let (mut y2_top, _) = y2.rb().split_rows(rows);
    gemm_sub(x1, u12, &mut y2_top);
    solve_right_upper(u22, y2, identity_from.map(|c0| c0 + h));
}

/// [`solve_right_upper`] for a triangle of at most [`TRSM_BASE`] columns: substitution over
/// whole columns of `y`.
fn upper_base(u: BlockRef<'_>, mut y: Block<'_>) {
    for j in 0..u.cols {
        for i in 0..j {
            let f = u.get(i, j);
            if f != 0.0 {
                let (xi, yj) = y.two_cols(i, j);
                axpy(yj, f, xi);
            }
        }
        let d = u.get(j, j);
        y.col(j).iter_mut().for_each(|x| *x /= d);
    }
}

/// Solves `X L = Y` in place, `L` the unit lower triangle of the square block `l`.
fn solve_right_lower_unit(l: BlockRef<'_>, mut y: Block<'_>) {
    let n = l.cols;
    if n <= TRSM_BASE {
        lower_unit_base(l, y);
        return;
    }
    let h = n / 2;
    let [[l11, _], [l21, l22]] = l.quarters(h);
    let (mut y1, mut y2) = y.rb().split_cols(h);
    solve_right_lower_unit(l22, y2.rb());
    gemm_sub(y2.view(), l21, &mut y1);
    solve_right_lower_unit(l11, y1);
}

/// [`solve_right_lower_unit`] for a triangle of at most [`TRSM_BASE`] columns.
fn lower_unit_base(l: BlockRef<'_>, mut y: Block<'_>) {
    let n = l.cols;
    for j in (0..n).rev() {
        for i in j + 1..n {
            let f = l.get(i, j);
            if f != 0.0 {
                let (xi, yj) = y.two_cols(i, j);
                axpy(yj, f, xi);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A deterministic pseudo-random matrix (xorshift), entries in [-1, 1).
    fn matrix(n: usize, seed: u64) -> Vec<f64> {
        let mut s = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        (0..n * n)
            .map(|_| {
                s ^= s << 13;
                s ^= s >> 7;
                s ^= s << 17;
                (s >> 11) as f64 / (1u64 << 52) as f64 - 1.0
            })
            .collect()
    }

    /// max |P^T A^T - L U| / max |A|, with the factors read column-major.
    fn reconstruction_error(a: &[f64], f: &Lu) -> f64 {
        let n = f.n;
        // A^T column-major is A row-major: the same buffer
        let mut pb = a.to_vec();
        Block::new(&mut pb, n, n).swap_rows(&f.pivots);
        let at = |i: usize, j: usize| f.lu[i + j * n];
        let mut worst: f64 = 0.0;
        for i in 0..n {
            for j in 0..n {
                let mut s = 0.0;
                for k in 0..=i.min(j) {
                    let l = if k == i { 1.0 } else { at(i, k) };
                    s += l * at(k, j);
                }
                worst = worst.max((pb[i + j * n] - s).abs());
            }
        }
        let big = a.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        worst / big
    }

    #[test]
    fn factors_reconstruct_the_matrix_across_the_recursion_sizes() {
        for n in [1, 2, 3, 15, 16, 17, 31, 33, 64, 100, 129] {
            let a = matrix(n, n as u64);
            let f = Lu::new(&a, n);
            let e = reconstruction_error(&a, &f);
            assert!(e < 1e-13 * n as f64, "n = {n}: error {e}");
            // partial pivoting keeps every multiplier at most 1 in magnitude
            for j in 0..n {
                for i in j + 1..n {
                    assert!(f.lu[i + j * n].abs() <= 1.0, "n = {n}: L[{i}][{j}]");
                }
            }
        }
    }

    #[test]
    fn solves_and_inverts() {
        for n in [1, 5, 40, 70, 150] {
            let a = matrix(n, 7 + n as u64);
            for k in [1, 3, 90] {
                let x: Vec<f64> = matrix(n.max(k), 99)[..n * k].to_vec();
                // b = A x, row-major n x k
                let mut b = vec![0.0; n * k];
                for i in 0..n {
                    for j in 0..k {
                        b[i * k + j] = (0..n).map(|t| a[i * n + t] * x[t * k + j]).sum();
                    }
                }
                let f = Lu::new(&a, n);
                f.solve_in_place(&mut b, k);
                for (got, want) in b.iter().zip(&x) {
                    assert!(
                        (got - want).abs() < 1e-9,
                        "n = {n}, k = {k}: {got} vs {want}"
                    );
                }
            }
        }
    }

    #[test]
    fn singular_pivots_are_reported() {
        // rank 1: every row a multiple of the first
        let n = 40;
        let a: Vec<f64> = (0..n * n)
            .map(|t| ((t / n) + 1) as f64 * ((t % n) as f64 - 3.5))
            .collect();
        assert!(Lu::new(&a, n).is_singular());
        // an exactly zero row of A (a zero column of A^T) gives an exactly zero pivot
        let mut b = matrix(n, 3);
        b[20 * n..21 * n].iter_mut().for_each(|v| *v = 0.0);
        assert!(Lu::new(&b, n).is_singular());
        assert!(!Lu::new(&matrix(n, 4), n).is_singular());
    }

    #[test]
    fn permutation_sign_counts_swaps() {
        // [[0, 1], [1, 0]] needs one swap
        let f = Lu::new(&[0.0, 1.0, 1.0, 0.0], 2);
        assert_eq!(f.permutation_sign(), -1.0);
        assert_eq!(f.diagonal(), vec![1.0, 1.0]);
    }
}
