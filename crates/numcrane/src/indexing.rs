//! NumPy's advanced indexing: integer arrays ("fancy" indexing), boolean masks, and the
//! functions built on them (`take`, `take_along_axis`, `put_along_axis`, `choose`, `compress`,
//! `extract`, `nonzero`, `flatnonzero`, `argwhere`, `select`, `nan_to_num_with`), plus
//! functional updates `a.at(index).set(v)` / `.add(v)` / ... and an in-place
//! [`Array::set_in_place`].
//!
//! Spelling: NumPy's `a[1:, [0, 2], mask]` is `a.index(ix![1.., &idx, &mask])`. [`IndexArg`]
//! is a basic [`SliceArg`] (integer, range with step, `NewAxis`, `Ellipsis`) or an array: an
//! integer array is a fancy index, a bool array a mask over as many axes as it has. Basic-only
//! indices stay views ([`Array::slice`]).
//!
//! Graph: integer indices become one `Op::Gather` node over a view of the basic part (the
//! basic entries are applied first as a slice; the indexed axes are kept whole), with NumPy's
//! result shape: the index arrays broadcast together; when the advanced indices are adjacent
//! their result dims replace them in place, otherwise they go first. An integer next to an
//! array counts as a 0-d index array, as in NumPy (`a[0, :, [1, 2]]` has shape `(2, n1)`).
//! Indices are checked when the gather is evaluated, so an out-of-range one is an `Err` of
//! `eval` naming the function, the axis, its length and the user's line.
//!
//! Masks are data-dependent: building the index evaluates the mask (only the mask) and turns
//! its true positions into int64 index arrays, then goes on lazily with a static gather. The
//! same holds for `nonzero`, `flatnonzero`, `argwhere`, `compress` and `extract`. The
//! positions are found in parallel chunks (count per chunk, prefix sums, fill), the same for
//! any thread count. A mask over every axis of `a` (`a[a > 0.5]`) gathers from `a` flattened
//! with the flat positions: one index array instead of one per axis.
//!
//! Updates: `a.at(index)` computes the flat positions the index selects (the same index
//! applied to `arange(a.size).reshape(a.shape)`, so every rule and check is shared) and an
//! `Op::Scatter` node writes the values there in a copy of `a`: `set` keeps the last of
//! repeated positions (NumPy's `a[i] = v`); `add`, `multiply`, `min` and `max` accumulate over
//! repeated positions like NumPy's `np.add.at` (not like `a[i] += v`, which keeps one).
//! Values are cast to the array's dtype (as NumPy's assignment does) and broadcast to the
//! indexed shape. Gathers and scatters are steps of their own (not fused); on the JIT backend
//! both run natively (`crate::intrinsics_gather`: a strided input read in place, parallel for
//! large outputs, the evaluator's results and errors bit for bit).

use crate::build;
use crate::operand::{IntoOperand, Operand};
use crate::slicing::{IntoStep, SliceArg};
use crate::Array;
use numcrane_graph::error::SourceLocation;
use numcrane_graph::layout::broadcast_shapes;
use numcrane_graph::{
    BinaryOp, Buffer, DType, Error, IndexMode, Layout, Node, Op, Result, Scalar, ScatterOp, UnaryOp,
};
use rayon::prelude::*;
use std::sync::Arc;

/// One entry of an advanced index: a basic [`SliceArg`] or an index array (integers: fancy
/// indexing; bool: a mask over as many axes as it has).
///
/// # Examples
///
/// ```
/// use numcrane::{array, ix, IndexArg};
/// let a = array([[1, 2, 3], [4, 5, 6]]);
/// let rows = array([1i64, 0]);
/// // A range and an index array: what ix! builds.
/// let args: Vec<IndexArg> = vec![(&rows).into(), (1..).into()];
/// assert_eq!(a.index(args).to_vec::<i32>().unwrap(), vec![5, 6, 2, 3]);
/// assert_eq!(a.index(ix![&rows, 1..]).to_vec::<i32>().unwrap(), vec![5, 6, 2, 3]);
/// ```
#[derive(Clone, Debug)]
pub enum IndexArg {
    /// An integer, range, `NewAxis` or `Ellipsis`.
    Basic(SliceArg),
    /// An integer index array or a boolean mask.
    Array(Array),
}

impl IndexArg {
    /// This entry with a step (only meaningful for ranges).
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, IndexArg};
    /// let a = array([0, 1, 2, 3, 4, 5]);
    /// let every_other = IndexArg::from(..).step_by(2);
    /// assert_eq!(a.index(vec![every_other]).to_vec::<i32>().unwrap(), vec![0, 2, 4]);
    /// ```
    pub fn step_by(self, step: impl IntoStep) -> IndexArg {
        match self {
            IndexArg::Basic(b) => IndexArg::Basic(b.step_by(step)),
            other => other,
        }
    }
}

impl<T: Into<SliceArg>> From<T> for IndexArg {
    fn from(b: T) -> IndexArg {
        IndexArg::Basic(b.into())
    }
}

impl From<Array> for IndexArg {
    fn from(a: Array) -> IndexArg {
        IndexArg::Array(a)
    }
}

impl From<&Array> for IndexArg {
    fn from(a: &Array) -> IndexArg {
        IndexArg::Array(a.clone())
    }
}

/// Builds an advanced index: `ix![1.., &idx, &mask, ..;-1, NewAxis, Ellipsis]`, like
/// [`s!`](crate::s) but also taking arrays (`&Array` or `Array`).
///
/// ```
/// use numcrane::{array, ix};
/// let a = array([[1, 2, 3], [4, 5, 6]]);
/// let idx = array([2i64, 0]);
/// assert_eq!(a.index(ix![.., &idx]).to_vec::<i32>().unwrap(), vec![3, 1, 6, 4]);
/// ```
#[macro_export]
macro_rules! ix {
    ($($e:expr $(; $step:expr)?),* $(,)?) => {
        vec![$( {
            let arg: $crate::IndexArg = ($e).into();
            $( let arg = arg.step_by($step); )?
            arg
        } ),*]
    };
}

/// What `take` and `choose` do with an index outside the axis (NumPy's `mode`).
///
/// # Examples
///
/// ```
/// use numcrane::{array, take, TakeMode};
/// let a = array([10, 20, 30]);
/// let idx = array([0i64, 4, -1]);
/// assert_eq!(take(&a, &idx, None, TakeMode::Wrap).to_vec::<i32>().unwrap(), vec![10, 20, 30]);
/// assert_eq!(take(&a, &idx, None, TakeMode::Clip).to_vec::<i32>().unwrap(), vec![10, 30, 10]);
/// assert!(take(&a, &idx, None, TakeMode::Raise).eval().is_err());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TakeMode {
    /// An error (the default).
    Raise,
    /// Modulo the axis length.
    Wrap,
    /// Clipped to the axis (negative indices become 0).
    Clip,
}

impl TakeMode {
    fn graph(self, raise: IndexMode) -> IndexMode {
        match self {
            TakeMode::Raise => raise,
            TakeMode::Wrap => IndexMode::Wrap,
            TakeMode::Clip => IndexMode::Clip,
        }
    }
}

/// A contiguous int64 leaf (positions computed at build time).
fn leaf_i64(values: &[i64], shape: &[usize], loc: SourceLocation) -> Result<Array> {
    let buffer = Buffer::from_slice(values)?;
    Ok(Array::from_node(Node::leaf(
        Arc::new(buffer),
        Layout::contiguous(shape),
        loc,
    )))
}

/// A 0-d int64 constant.
fn scalar_i64(v: i64, loc: SourceLocation) -> Array {
    build::full(vec![], Scalar::I64(v), loc)
}

/// `arange(a.size).reshape(a.shape)` as int64: the flat position of every element.
fn positions_of(shape: &[usize], loc: SourceLocation) -> Array {
    let size: usize = shape.iter().product();
    let flat = build::node(
        Op::Arange {
            start: Scalar::I64(0),
            step: Scalar::I64(1),
        },
        &[],
        DType::I64,
        vec![size],
        loc,
    );
    flat.reshape_at(shape.to_vec(), loc)
}

/// `0..n` as int64, shaped `[1, .., n, .., 1]` (n at `axis` of `ndim`).
fn axis_range(n: usize, axis: usize, ndim: usize, loc: SourceLocation) -> Array {
    let r = positions_of(&[n], loc);
    let mut shape = vec![1; ndim];
    shape[axis] = n;
    r.reshape_at(shape, loc)
}

/// The truth of every element of `a`, evaluated now (the data-dependent step of masks).
fn truth(a: &Array) -> Result<Vec<bool>> {
    let flags = if a.dtype() == DType::Bool {
        a.clone()
    } else {
        a.astype(DType::Bool)
    };
    flags.to_vec::<bool>()
}

/// The multi-indices (one list per axis) of the true elements of `flags` of `shape`, in
/// row-major order.
fn true_positions(flags: &[bool], shape: &[usize]) -> Vec<Vec<i64>> {
    let mut per_axis = vec![Vec::new(); shape.len()];
    for (flat, _) in flags.iter().enumerate().filter(|(_, &f)| f) {
        let mut rest = flat;
        for axis in (0..shape.len()).rev() {
            let n = shape[axis].max(1);
            per_axis[axis].push((rest % n) as i64);
            rest /= n;
        }
    }
    per_axis
}

/// Mask elements per chunk of the parallel passes over a mask: large enough that a chunk's
/// work dwarfs scheduling it.
const MASK_CHUNK: usize = 1 << 16;

/// The number of true values in `flags` (a sum of 0/1 bytes, which vectorizes).
fn count_true(flags: &[bool]) -> usize {
    flags.iter().map(|&f| f as usize).sum()
}

/// The flat (row-major) positions of the true values of `flags`, as an int64 buffer: counted
/// per chunk, the counts prefix-summed into each chunk's share of the output, then every
/// chunk filled on its own (in parallel for large masks; the result is the same for any
/// thread count).
fn flat_true_positions(flags: &[bool]) -> Result<Buffer> {
    let chunks: Vec<&[bool]> = flags.chunks(MASK_CHUNK).collect();
    let parallel = chunks.len() > 1;
    let counts: Vec<usize> = if parallel {
        chunks.par_iter().map(|c| count_true(c)).collect()
    } else {
        chunks.iter().map(|c| count_true(c)).collect()
    };
    let count = counts.iter().sum();
    let mut buffer = Buffer::zeros(DType::I64, count, "index")?;
    let mut parts = Vec::with_capacity(chunks.len());
    let mut rest = buffer.as_mut_slice::<i64>()?;
    for (k, &c) in counts.iter().enumerate() {
        let (head, tail) = rest.split_at_mut(c);
        parts.push((k, head));
        rest = tail;
    }
    let fill = |(k, part): (usize, &mut [i64])| {
        let base = k * MASK_CHUNK;
        let mut j = 0;
        // Branch-free on the flag (a mask of mixed values would mispredict half the time):
        // every position is written at the next free slot, which only a true one takes.
        for (i, &f) in chunks[k].iter().enumerate() {
            if let Some(slot) = part.get_mut(j) {
                *slot = (base + i) as i64;
            }
            j += f as usize;
        }
    };
    if parallel {
        parts.into_par_iter().for_each(fill);
    } else {
        parts.into_iter().for_each(fill);
    }
    Ok(buffer)
}

/// The true positions of `m` (evaluated now, read in place): their count and the flat
/// positions as an int64 buffer.
fn mask_flat_positions(m: &Array) -> Result<(usize, Buffer)> {
    let flags = if m.dtype() == DType::Bool {
        m.clone()
    } else {
        m.astype(DType::Bool)
    };
    let values = numcrane_graph::eval::values::<bool>(flags.realized()?)?;
    let positions = flat_true_positions(&values)?;
    Ok((positions.len(), positions))
}

/// A contiguous int64 leaf of shape `[buffer.len()]`.
fn leaf_of(buffer: Buffer, loc: SourceLocation) -> Array {
    let n = buffer.len();
    Array::from_node(Node::leaf(Arc::new(buffer), Layout::contiguous(&[n]), loc))
}

/// The true positions of `m` as one int64 leaf per axis (multi-indices in row-major order),
/// unravelled from the flat positions in parallel chunks.
fn mask_positions_per_axis(m: &Array, loc: SourceLocation) -> Result<(usize, Vec<Array>)> {
    let (count, flat) = mask_flat_positions(m)?;
    let shape = m.shape();
    if shape.len() == 1 {
        return Ok((count, vec![leaf_of(flat, loc)]));
    }
    let flat_v = flat.as_slice::<i64>()?;
    let mut out = Vec::with_capacity(shape.len());
    for axis in 0..shape.len() {
        let stride: usize = shape[axis + 1..].iter().product();
        let n = shape[axis].max(1);
        let mut buffer = Buffer::zeros(DType::I64, count, "index")?;
        let dst = buffer.as_mut_slice::<i64>()?;
        let unravel = |(d, s): (&mut [i64], &[i64])| {
            for (o, &f) in d.iter_mut().zip(s) {
                *o = ((f as usize / stride.max(1)) % n) as i64;
            }
        };
        if count > MASK_CHUNK {
            dst.par_chunks_mut(MASK_CHUNK)
                .zip(flat_v.par_chunks(MASK_CHUNK))
                .for_each(unravel);
        } else {
            unravel((dst, flat_v));
        }
        out.push(leaf_of(buffer, loc));
    }
    Ok((count, out))
}

/// Checks an index array's dtype: float index arrays are an error, as in NumPy (bool ones are
/// masks or, for `take` and `choose`, 0/1 integers).
fn check_index_dtype(name: &'static str, idx: &Array, loc: SourceLocation) -> Result<()> {
    if idx.dtype().is_float() {
        return Err(Error::DTypeNotSupported {
            op: name,
            dtype: idx.dtype(),
            detail: "; arrays used as indices must be of integer (or boolean) type".into(),
            location: loc,
        });
    }
    Ok(())
}

/// The gather node: `data` with `axes` indexed by `indices` (broadcast together), the index
/// dims placed before the `at`-th remaining axis.
fn gather(
    name: &'static str,
    data: &Array,
    axes: Vec<usize>,
    indices: &[Array],
    at: usize,
    mode: IndexMode,
    loc: SourceLocation,
) -> Result<Array> {
    // The index arrays broadcast together (a 0-d shape broadcasts with anything).
    let mut shape: Vec<usize> = vec![];
    for idx in indices {
        shape = broadcast_shapes(&shape, idx.shape()).ok_or_else(|| {
            let shapes: Vec<String> = indices
                .iter()
                .map(|i| numcrane_graph::ShapeDisplay(i.shape().to_vec()).to_string())
                .collect();
            Error::invalid(
                name,
                format!(
                    "shape mismatch: indexing arrays could not be broadcast together with shapes {}",
                    shapes.join(" ")
                ),
                loc,
            )
        })?;
    }
    let idx: Vec<Array> = indices
        .iter()
        .map(|i| build::broadcast(&build::cast(i, DType::I64, loc), &shape, loc))
        .collect();
    let rest: Vec<usize> = (0..data.ndim())
        .filter(|a| !axes.contains(a))
        .map(|a| data.shape()[a])
        .collect();
    let mut out = rest[..at].to_vec();
    out.extend(&shape);
    out.extend(&rest[at..]);
    build::check_size(name, &out, loc)?;
    let mut inputs: Vec<&Array> = vec![data];
    inputs.extend(idx.iter());
    Ok(build::node(
        Op::Gather {
            name,
            axes,
            at,
            mode,
        },
        &inputs,
        data.dtype(),
        out,
        loc,
    ))
}

/// One entry after expansion: a kept axis (range), a new axis, or an advanced index (int64
/// array or 0-d integer) over one axis of the sliced data.
enum Entry {
    Basic(SliceArg),
    Adv(Array),
    /// A 0-d bool mask: a new length-1 axis indexed with `count` zeros.
    NewAxisAdv(Array),
}

/// A function's result that failed: the error (which names the function) as a poisoned node
/// of `a`'s dtype.
fn fail(e: Error, a: &Array, loc: SourceLocation) -> Array {
    build::poison(
        e,
        Op::View(numcrane_graph::ViewOp::Slice(vec![])),
        &[a],
        a.dtype(),
        vec![0],
        loc,
    )
}

/// NumPy's `a[index]` for any mix of basic and advanced entries.
pub(crate) fn index_at(
    a: &Array,
    args: &[IndexArg],
    name: &'static str,
    loc: SourceLocation,
) -> Result<Array> {
    if args.iter().all(|x| matches!(x, IndexArg::Basic(_))) {
        let basic: Vec<SliceArg> = args
            .iter()
            .filter_map(|x| match x {
                IndexArg::Basic(b) => Some(*b),
                IndexArg::Array(_) => None,
            })
            .collect();
        let out = a.slice_at(&basic, loc);
        if let Some(e) = out.error() {
            return Err(e.clone());
        }
        return Ok(out);
    }
    let nd = a.ndim();
    let mut consumed = 0;
    let mut ellipses = 0;
    for x in args {
        match x {
            IndexArg::Basic(SliceArg::Index(_) | SliceArg::Range { .. }) => consumed += 1,
            IndexArg::Basic(SliceArg::NewAxis) => {}
            IndexArg::Basic(SliceArg::Ellipsis) => ellipses += 1,
            IndexArg::Array(m) if m.dtype() == DType::Bool => consumed += m.ndim(),
            IndexArg::Array(i) => {
                check_index_dtype(name, i, loc)?;
                consumed += 1
            }
        }
    }
    if ellipses > 1 {
        return Err(Error::invalid(
            name,
            "an index can only have a single ellipsis",
            loc,
        ));
    }
    if consumed > nd {
        return Err(Error::invalid(
            name,
            format!(
                "too many indices for array: array is {nd}-dimensional, but {consumed} were indexed"
            ),
            loc,
        ));
    }
    let full = SliceArg::from(..);
    let mut entries = Vec::with_capacity(nd + args.len());
    let mut axis = 0;
    for x in args {
        match x {
            IndexArg::Basic(SliceArg::Ellipsis) => {
                for _ in 0..nd - consumed {
                    entries.push(Entry::Basic(full));
                    axis += 1;
                }
            }
            IndexArg::Basic(SliceArg::NewAxis) => entries.push(Entry::Basic(SliceArg::NewAxis)),
            IndexArg::Basic(SliceArg::Index(i)) => {
                entries.push(Entry::Adv(scalar_i64(*i as i64, loc)));
                axis += 1;
            }
            IndexArg::Basic(r) => {
                entries.push(Entry::Basic(*r));
                axis += 1;
            }
            IndexArg::Array(m) if m.dtype() == DType::Bool => {
                let k = m.ndim();
                let dims = &a.shape()[axis..axis + k];
                if let Some(j) = (0..k).find(|&j| m.shape()[j] != dims[j]) {
                    return Err(Error::invalid(
                        name,
                        format!(
                            "boolean index did not match indexed array along axis {}; size of axis is {} but size of corresponding boolean axis is {} (array shape {}, mask shape {})",
                            axis + j,
                            dims[j],
                            m.shape()[j],
                            numcrane_graph::ShapeDisplay(a.shape().to_vec()),
                            numcrane_graph::ShapeDisplay(m.shape().to_vec()),
                        ),
                        loc,
                    ));
                }
                if k == 0 {
                    let count = truth(m)?.iter().filter(|&&f| f).count();
                    entries.push(Entry::NewAxisAdv(leaf_i64(&vec![0; count], &[count], loc)?));
                } else if k == nd && args.len() == 1 {
                    // `a[mask]` over every axis: the flat positions index `a` flattened (a
                    // view when `a` is contiguous), one index array instead of one per axis.
                    let (_, flat) = mask_flat_positions(m)?;
                    let data = a.reshape_at(vec![a.size()], loc);
                    let pos = leaf_of(flat, loc);
                    return gather(name, &data, vec![0], &[pos], 0, IndexMode::Raise, loc);
                } else {
                    for pos in mask_positions_per_axis(m, loc)?.1 {
                        entries.push(Entry::Adv(pos));
                    }
                }
                axis += k;
            }
            IndexArg::Array(i) => {
                entries.push(Entry::Adv(i.clone()));
                axis += 1;
            }
        }
    }
    for _ in axis..nd {
        entries.push(Entry::Basic(full));
    }
    let basic: Vec<SliceArg> = entries
        .iter()
        .map(|e| match e {
            Entry::Basic(b) => *b,
            Entry::Adv(_) => full,
            Entry::NewAxisAdv(_) => SliceArg::NewAxis,
        })
        .collect();
    let data = a.slice_at(&basic, loc);
    if let Some(e) = data.error() {
        return Err(e.clone());
    }
    let mut axes = Vec::new();
    let mut indices = Vec::new();
    for (pos, e) in entries.into_iter().enumerate() {
        match e {
            Entry::Basic(_) => {}
            Entry::Adv(i) | Entry::NewAxisAdv(i) => {
                axes.push(pos);
                indices.push(i);
            }
        }
    }
    let adjacent = axes.windows(2).all(|w| w[1] == w[0] + 1);
    let at = if adjacent { axes[0] } else { 0 };
    gather(name, &data, axes, &indices, at, IndexMode::Raise, loc)
}

impl Array {
    /// NumPy's `a[index]` with integer arrays, boolean masks and basic entries mixed, usually
    /// written with [`ix!`](crate::ix): `a[1:, [0, 2]]` is `a.index(ix![1.., &idx])`,
    /// `a[a > 25]` is `a.index(ix![a.gt(25)])`.
    ///
    /// The result shape is NumPy's: index arrays broadcast together; adjacent advanced indices
    /// put their dims in place, separated ones put them first. A mask is evaluated at once
    /// (its true positions decide the shape); the rest stays lazy. Out-of-range indices, float
    /// index arrays, mask shape mismatches and too many indices are errors of `eval`.
    ///
    /// ```
    /// use numcrane::{arange, array, ix};
    /// let a = arange(0i64, 12, 1).reshape([3, 4]);
    /// let rows = array([2i64, 0, -1]);
    /// let picked = a.index(ix![&rows, 1..3]);
    /// assert_eq!(picked.shape(), &[3, 2]);
    /// assert_eq!(picked.to_vec::<i64>().unwrap(), vec![9, 10, 1, 2, 9, 10]);
    /// let big = a.index(ix![a.gt(8)]);
    /// assert_eq!(big.to_vec::<i64>().unwrap(), vec![9, 10, 11]);
    /// ```
    #[track_caller]
    pub fn index(&self, args: Vec<IndexArg>) -> Array {
        let loc = SourceLocation::caller();
        index_at(self, &args, "index", loc).unwrap_or_else(|e| fail(e, self, loc))
    }

    /// Functional indexed update: `a.at(index).set(v)` is NumPy's `a[index] = v` on a copy
    /// (`a` is unchanged). See [`At`].
    ///
    /// ```
    /// use numcrane::{array, ix};
    /// let a = array([1.0, 2.0, 3.0, 4.0]);
    /// let idx = array([0i64, 0, 2]);
    /// assert_eq!(a.at(ix![&idx]).add(10.0).to_vec::<f64>().unwrap(), vec![21.0, 2.0, 13.0, 4.0]);
    /// assert_eq!(a.at(ix![1..]).set(0.0).to_vec::<f64>().unwrap(), vec![1.0, 0.0, 0.0, 0.0]);
    /// ```
    #[track_caller]
    pub fn at(&self, index: Vec<IndexArg>) -> At {
        At {
            array: self.clone(),
            index,
            loc: SourceLocation::caller(),
        }
    }

    /// NumPy's `a[index] = v` in place, when it can be: `self` is realized, row-major
    /// contiguous, and nothing else holds its node or its buffer. That is checked with the
    /// reference counts of both (`Arc::get_mut` on the node, then on its buffer): another
    /// `Array` handle, a graph node reading it, or a view of its data each keep a count and so
    /// force the copy, and so does a read-only buffer (a read-only memory map from
    /// `io::load_npy_mmap`, an `Array::from_shared` or `from_static` slice), whose memory
    /// others read. Returns `Ok(true)` when the data was written in place; otherwise
    /// `self` becomes the updated copy (as [`At::set`]) and `Ok(false)` is returned. The
    /// positions and values are evaluated first; their errors come back as `Err` and leave
    /// `self` unchanged.
    ///
    /// ```
    /// use numcrane::{array, ix};
    /// let mut a = array([1, 2, 3, 4]).eval().unwrap();
    /// let in_place = a.set_in_place(ix![1..3], 0).unwrap();
    /// assert!(in_place);
    /// assert_eq!(a.to_vec::<i32>().unwrap(), vec![1, 0, 0, 4]);
    /// let b = a.clone(); // a second handle: the next write copies
    /// assert!(!a.set_in_place(ix![0], 9).unwrap());
    /// assert_eq!(b.to_vec::<i32>().unwrap(), vec![1, 0, 0, 4]);
    /// assert_eq!(a.to_vec::<i32>().unwrap(), vec![9, 0, 0, 4]);
    /// ```
    #[track_caller]
    pub fn set_in_place(&mut self, index: Vec<IndexArg>, v: impl IntoOperand) -> Result<bool> {
        let loc = SourceLocation::caller();
        let (pos, vals) = update_parts(self, &index, v.into_operand(), "at.set", loc)?;
        drop(index);
        crate::eval_all(&[&pos, &vals])?;
        let pos_v = pos.to_vec::<i64>()?;
        let written = write_in_place(self, &pos_v, &vals)?;
        if !written {
            *self = build::node(
                Op::Scatter { op: ScatterOp::Set },
                &[self, &pos, &vals],
                self.dtype(),
                self.shape().to_vec(),
                loc,
            );
        }
        Ok(written)
    }
}

/// Writes `vals` at the flat positions `pos` of `a`'s buffer if `a` is exclusively owned,
/// realized and contiguous; false when it is not.
fn write_in_place(a: &mut Array, pos: &[i64], vals: &Array) -> Result<bool> {
    let Some(node) = Arc::get_mut(&mut a.node) else {
        return Ok(false);
    };
    let Some(r) = node.realized_mut() else {
        return Ok(false);
    };
    if !r.layout.is_c_contiguous() {
        return Ok(false);
    }
    let offset = r.layout.offset;
    let Some(buffer) = Arc::get_mut(&mut r.buffer) else {
        return Ok(false);
    };
    // A read-only memory map or a shared Rust slice: others read this memory, so the update
    // becomes a copy (the scatter node) instead.
    if !buffer.is_writable() {
        return Ok(false);
    }
    numcrane_graph::with_dtype!(vals.dtype(), T => {
        let new = vals.to_vec::<T>()?;
        let data = buffer.as_mut_slice::<T>()?;
        for (&p, v) in pos.iter().zip(new) {
            let slot = usize::try_from(p)
                .ok()
                .and_then(|p| data.get_mut(offset + p))
                .ok_or_else(|| Error::internal("set_in_place", "position outside the buffer"))?;
            *slot = v;
        }
    });
    Ok(true)
}

/// The flat positions (int64, the indexed shape) and the values (cast to `a`'s dtype and
/// broadcast to that shape) of an update of `a` at `index`.
fn update_parts(
    a: &Array,
    index: &[IndexArg],
    v: Operand,
    name: &'static str,
    loc: SourceLocation,
) -> Result<(Array, Array)> {
    let pos = index_at(&positions_of(a.shape(), loc), index, name, loc)?;
    update_values(a, &pos, v, name, loc)
}

/// A pending indexed update of an array, from [`Array::at`]. Each method returns a new array;
/// the original is unchanged.
///
/// `set` is NumPy's `a[index] = v` (with repeated positions the last value wins); `add`,
/// `multiply`, `min` and `max` are NumPy's `np.add.at(a, index, v)` etc.: repeated positions
/// accumulate every value. Values are cast to the array's dtype and broadcast to the indexed
/// shape.
///
/// # Examples
///
/// ```
/// use numcrane::{array, ix};
/// let hist = array([0, 0, 0, 0]);
/// let samples = array([1i64, 3, 1, 1]);
/// // np.add.at(hist, samples, 1): every repeated position counts.
/// let counted = hist.at(ix![&samples]).add(1);
/// assert_eq!(counted.to_vec::<i32>().unwrap(), vec![0, 3, 0, 1]);
/// // The original is unchanged.
/// assert_eq!(hist.to_vec::<i32>().unwrap(), vec![0, 0, 0, 0]);
/// ```
#[derive(Clone, Debug)]
pub struct At {
    array: Array,
    index: Vec<IndexArg>,
    loc: SourceLocation,
}

impl At {
    fn update(&self, op: ScatterOp, v: Operand) -> Array {
        let (a, loc) = (&self.array, self.loc);
        match update_parts(a, &self.index, v, op.name(), loc) {
            Ok((pos, vals)) => build::node(
                Op::Scatter { op },
                &[a, &pos, &vals],
                a.dtype(),
                a.shape().to_vec(),
                loc,
            ),
            Err(e) => build::poison(
                e,
                Op::Scatter { op },
                &[a],
                a.dtype(),
                a.shape().to_vec(),
                loc,
            ),
        }
    }

    /// `a[index] = v` on a copy (last value wins on repeated positions).
    ///
    /// ```
    /// use numcrane::{array, ix};
    /// let a = array([1, 2, 3]);
    /// let b = a.at(ix![a.gt(1)]).set(0);
    /// assert_eq!(b.to_vec::<i32>().unwrap(), vec![1, 0, 0]);
    /// ```
    pub fn set(&self, v: impl IntoOperand) -> Array {
        self.update(ScatterOp::Set, v.into_operand())
    }

    /// `np.add.at(a, index, v)` on a copy: repeated positions add every value.
    ///
    /// ```
    /// use numcrane::{array, ix};
    /// let a = array([0, 0, 0]);
    /// let idx = array([1i64, 1, 1]);
    /// assert_eq!(a.at(ix![&idx]).add(2).to_vec::<i32>().unwrap(), vec![0, 6, 0]);
    /// ```
    pub fn add(&self, v: impl IntoOperand) -> Array {
        self.update(ScatterOp::Add, v.into_operand())
    }

    /// `np.multiply.at(a, index, v)` on a copy.
    ///
    /// ```
    /// use numcrane::{array, ix};
    /// let a = array([1, 2, 3]);
    /// let idx = array([2i64, 2]);
    /// assert_eq!(a.at(ix![&idx]).multiply(2).to_vec::<i32>().unwrap(), vec![1, 2, 12]);
    /// ```
    pub fn multiply(&self, v: impl IntoOperand) -> Array {
        self.update(ScatterOp::Mul, v.into_operand())
    }

    /// `np.minimum.at(a, index, v)` on a copy (NaN propagates).
    ///
    /// ```
    /// use numcrane::{array, ix};
    /// let a = array([5, 5, 5]);
    /// assert_eq!(a.at(ix![..2]).min(3).to_vec::<i32>().unwrap(), vec![3, 3, 5]);
    /// ```
    pub fn min(&self, v: impl IntoOperand) -> Array {
        self.update(ScatterOp::Min, v.into_operand())
    }

    /// `np.maximum.at(a, index, v)` on a copy (NaN propagates).
    ///
    /// ```
    /// use numcrane::{array, ix};
    /// let a = array([5, 5, 5]);
    /// assert_eq!(a.at(ix![1..]).max(7).to_vec::<i32>().unwrap(), vec![5, 7, 7]);
    /// ```
    pub fn max(&self, v: impl IntoOperand) -> Array {
        self.update(ScatterOp::Max, v.into_operand())
    }
}

impl Array {
    /// NumPy's `a.take(indices, axis, mode)`: see [`take`].
    ///
    /// ```
    /// use numcrane::{array, TakeMode};
    /// let a = array([10, 20, 30]);
    /// let t = a.take(&array([2i64, -3]), None, TakeMode::Raise);
    /// assert_eq!(t.to_vec::<i32>().unwrap(), vec![30, 10]);
    /// ```
    #[track_caller]
    pub fn take(&self, indices: &Array, axis: Option<isize>, mode: TakeMode) -> Array {
        let loc = SourceLocation::caller();
        take_at(self, indices, axis, mode, loc).unwrap_or_else(|e| fail(e, self, loc))
    }

    /// NumPy's `a.nonzero()`: see [`nonzero`] (evaluates `self` now).
    ///
    /// ```
    /// use numcrane::array;
    /// let nz = array([0, 7, 0, 9]).nonzero();
    /// assert_eq!(nz[0].to_vec::<i64>().unwrap(), vec![1, 3]);
    /// ```
    #[track_caller]
    pub fn nonzero(&self) -> Vec<Array> {
        nonzero_or_poison(self, SourceLocation::caller())
    }
}

/// `a` flattened for `axis: None`, or `a` with the axis normalised.
fn axis_or_flat(
    name: &'static str,
    a: &Array,
    axis: Option<isize>,
    loc: SourceLocation,
) -> Result<(Array, usize)> {
    match axis {
        None => Ok((a.reshape_at(vec![a.size()], loc), 0)),
        Some(ax) => Ok((a.clone(), build::axis(name, ax, a.ndim(), loc)?)),
    }
}

fn take_at(
    a: &Array,
    indices: &Array,
    axis: Option<isize>,
    mode: TakeMode,
    loc: SourceLocation,
) -> Result<Array> {
    check_index_dtype("take", indices, loc)?;
    let (x, ax) = axis_or_flat("take", a, axis, loc)?;
    gather(
        "take",
        &x,
        vec![ax],
        std::slice::from_ref(indices),
        ax,
        mode.graph(IndexMode::Raise),
        loc,
    )
}

/// NumPy's `take(a, indices, axis, mode)`: the elements at `indices` along `axis` (None: of
/// the flattened array). The result shape is `a.shape[..axis] + indices.shape +
/// a.shape[axis+1..]`. `mode` says what an index outside the axis does: an error
/// ([`TakeMode::Raise`], negatives count from the end), wrap around, or clip.
///
/// ```
/// use numcrane::{array, take, TakeMode};
/// let a = array([[1, 2, 3], [4, 5, 6]]);
/// let i = array([2i64, -1, 5]);
/// assert_eq!(take(&a, &i, Some(1), TakeMode::Wrap).to_vec::<i32>().unwrap(), vec![3, 3, 3, 6, 6, 6]);
/// assert_eq!(take(&a, &i, None, TakeMode::Clip).to_vec::<i32>().unwrap(), vec![3, 1, 6]);
/// assert!(take(&a, &array([6i64]), None, TakeMode::Raise).eval().is_err());
/// ```
#[track_caller]
pub fn take(a: &Array, indices: &Array, axis: Option<isize>, mode: TakeMode) -> Array {
    let loc = SourceLocation::caller();
    take_at(a, indices, axis, mode, loc).unwrap_or_else(|e| fail(e, a, loc))
}

/// [`Array::index`] at an explicit source location (one index applied to many arrays, as
/// the fields of a record array, keeps the user's line).
pub(crate) fn index_or_poison(a: &Array, args: &[IndexArg], loc: SourceLocation) -> Array {
    index_at(a, args, "index", loc).unwrap_or_else(|e| fail(e, a, loc))
}

/// [`take`] at an explicit source location.
pub(crate) fn take_or_poison(
    a: &Array,
    indices: &Array,
    axis: Option<isize>,
    mode: TakeMode,
    loc: SourceLocation,
) -> Array {
    take_at(a, indices, axis, mode, loc).unwrap_or_else(|e| fail(e, a, loc))
}

/// [`take_along_axis`] at an explicit source location.
pub(crate) fn take_along_axis_at(
    arr: &Array,
    indices: &Array,
    axis: Option<isize>,
    loc: SourceLocation,
) -> Array {
    along_axis_positions("take_along_axis", arr.shape(), indices, axis, arr, loc)
        .unwrap_or_else(|e| fail(e, arr, loc))
}

fn along_axis_positions(
    name: &'static str,
    shape: &[usize],
    indices: &Array,
    axis: Option<isize>,
    data: &Array,
    loc: SourceLocation,
) -> Result<Array> {
    if !indices.dtype().is_int() {
        return Err(Error::DTypeNotSupported {
            op: name,
            dtype: indices.dtype(),
            detail: "; `indices` must be an integer array".into(),
            location: loc,
        });
    }
    let (x, ax) = match axis {
        None => {
            if indices.ndim() != 1 {
                return Err(Error::invalid(
                    name,
                    format!(
                        "when axis=None, `indices` must have a single dimension (indices shape {})",
                        numcrane_graph::ShapeDisplay(indices.shape().to_vec())
                    ),
                    loc,
                ));
            }
            (data.reshape_at(vec![data.size()], loc), 0)
        }
        Some(a) => (data.clone(), build::axis(name, a, shape.len(), loc)?),
    };
    if indices.ndim() != x.ndim() {
        return Err(Error::invalid(
            name,
            format!(
                "`indices` and `arr` must have the same number of dimensions (indices shape {}, arr shape {})",
                numcrane_graph::ShapeDisplay(indices.shape().to_vec()),
                numcrane_graph::ShapeDisplay(shape.to_vec())
            ),
            loc,
        ));
    }
    let nd = x.ndim();
    let idx: Vec<Array> = (0..nd)
        .map(|j| {
            if j == ax {
                indices.clone()
            } else {
                axis_range(x.shape()[j], j, nd, loc)
            }
        })
        .collect();
    gather(name, &x, (0..nd).collect(), &idx, 0, IndexMode::Raise, loc)
}

/// NumPy's `take_along_axis(arr, indices, axis)`: `indices` (an integer array with as many
/// dims as `arr`; 1-d for `axis: None`) picks along `axis` and broadcasts against `arr` on
/// the other axes, as `argsort` output does.
///
/// ```
/// use numcrane::{argsort, array, take_along_axis};
/// let a = array([[3, 1, 2], [9, 7, 8]]);
/// let order = argsort(&a, Some(1));
/// let sorted = take_along_axis(&a, &order, Some(1));
/// assert_eq!(sorted.to_vec::<i32>().unwrap(), vec![1, 2, 3, 7, 8, 9]);
/// ```
#[track_caller]
pub fn take_along_axis(arr: &Array, indices: &Array, axis: Option<isize>) -> Array {
    let loc = SourceLocation::caller();
    along_axis_positions("take_along_axis", arr.shape(), indices, axis, arr, loc)
        .unwrap_or_else(|e| fail(e, arr, loc))
}

/// NumPy's `put_along_axis(arr, indices, values, axis)`, functionally: a copy of `arr` with
/// `values` (cast to its dtype, broadcast to the indexed shape) written where
/// [`take_along_axis`] would read; repeated positions keep the last value.
///
/// ```
/// use numcrane::{array, put_along_axis};
/// let a = array([[10, 30, 20], [60, 40, 50]]);
/// let i = array([[1i64], [0]]);
/// let b = put_along_axis(&a, &i, 0, Some(1));
/// assert_eq!(b.to_vec::<i32>().unwrap(), vec![10, 0, 20, 0, 40, 50]);
/// ```
#[track_caller]
pub fn put_along_axis(
    arr: &Array,
    indices: &Array,
    values: impl IntoOperand,
    axis: Option<isize>,
) -> Array {
    let loc = SourceLocation::caller();
    let name = "put_along_axis";
    let built = (|| {
        let pos = along_axis_positions(
            name,
            arr.shape(),
            indices,
            axis,
            &positions_of(arr.shape(), loc),
            loc,
        )?;
        let (p, vals) = update_values(arr, &pos, values.into_operand(), name, loc)?;
        Ok::<_, Error>(build::node(
            Op::Scatter { op: ScatterOp::Set },
            &[arr, &p, &vals],
            arr.dtype(),
            arr.shape().to_vec(),
            loc,
        ))
    })();
    built.unwrap_or_else(|e| {
        build::poison(
            e,
            Op::Scatter { op: ScatterOp::Set },
            &[arr],
            arr.dtype(),
            arr.shape().to_vec(),
            loc,
        )
    })
}

/// The positions with the values of an update: `v` cast to `a`'s dtype (as NumPy's
/// assignment casts; a Rust integer that does not fit an integer dtype is an error, as NumPy
/// 2's Python integers) and broadcast to the positions' shape.
fn update_values(
    a: &Array,
    pos: &Array,
    v: Operand,
    name: &'static str,
    loc: SourceLocation,
) -> Result<(Array, Array)> {
    let dt = a.dtype();
    let vals = match v {
        Operand::Array(x) => build::cast(&x, dt, loc),
        Operand::Weak(s) => {
            let value = if dt.is_int() && !s.dtype().is_float() && !s.dtype().is_bool() {
                s.weak_to(dt).ok_or_else(|| Error::ScalarOutOfRange {
                    op: name,
                    value: s.to_string(),
                    dtype: dt,
                    location: loc,
                })?
            } else {
                s.cast(dt)
            };
            build::full(vec![], value.cast(dt), loc)
        }
    };
    match broadcast_shapes(vals.shape(), pos.shape()) {
        Some(s) if s == pos.shape() => {}
        _ => {
            return Err(Error::invalid(
                name,
                format!(
                    "shape mismatch: value array of shape {} could not be broadcast to indexing result of shape {}",
                    numcrane_graph::ShapeDisplay(vals.shape().to_vec()),
                    numcrane_graph::ShapeDisplay(pos.shape().to_vec())
                ),
                loc,
            ))
        }
    }
    Ok((pos.clone(), build::broadcast(&vals, pos.shape(), loc)))
}

/// NumPy's `nonzero(a)`: one int64 array per axis with the positions of the nonzero (true,
/// NaN included) elements, in row-major order. `a` is evaluated now (the result's length
/// depends on its data). A 0-d input is an error, as in NumPy 2; so is an input that fails to
/// evaluate: each returned array then carries the error.
///
/// ```
/// use numcrane::{array, nonzero};
/// let a = array([[0, 3], [4, 0]]);
/// let nz = nonzero(&a);
/// assert_eq!(nz[0].to_vec::<i64>().unwrap(), vec![0, 1]);
/// assert_eq!(nz[1].to_vec::<i64>().unwrap(), vec![1, 0]);
/// ```
#[track_caller]
pub fn nonzero(a: &Array) -> Vec<Array> {
    nonzero_or_poison(a, SourceLocation::caller())
}

/// [`nonzero`], or one poisoned array per axis (at least one) carrying the error.
fn nonzero_or_poison(a: &Array, loc: SourceLocation) -> Vec<Array> {
    nonzero_at(a, "nonzero", loc).unwrap_or_else(|e| {
        (0..a.ndim().max(1))
            .map(|_| build::poison(e.clone(), Op::Leaf, &[a], DType::I64, vec![0], loc))
            .collect()
    })
}

fn nonzero_at(a: &Array, name: &'static str, loc: SourceLocation) -> Result<Vec<Array>> {
    if a.ndim() == 0 {
        return Err(Error::invalid(
            name,
            "Calling nonzero on 0d arrays is not allowed. Use atleast_1d(scalar).nonzero() instead",
            loc,
        ));
    }
    Ok(mask_positions_per_axis(a, loc)?.1)
}

/// NumPy's `flatnonzero(a)`: the int64 positions of the nonzero elements of `a` flattened
/// (evaluates `a` now).
///
/// ```
/// use numcrane::{array, flatnonzero};
/// let a = array([[0.0, 1.0], [f64::NAN, 0.0]]);
/// assert_eq!(flatnonzero(&a).to_vec::<i64>().unwrap(), vec![1, 2]);
/// ```
#[track_caller]
pub fn flatnonzero(a: &Array) -> Array {
    let loc = SourceLocation::caller();
    let flat = a.reshape_at(vec![a.size()], loc);
    match nonzero_at(&flat, "flatnonzero", loc) {
        Ok(mut v) => v.remove(0),
        Err(e) => build::poison(e, Op::Leaf, &[a], DType::I64, vec![0], loc),
    }
}

/// NumPy's `argwhere(a)`: the positions of the nonzero elements as an int64 array of shape
/// `(count, a.ndim)` (evaluates `a` now). A 0-d input gives shape `(1, 0)` or `(0, 0)`.
///
/// ```
/// use numcrane::{argwhere, array};
/// let a = array([[0, 3], [4, 0]]);
/// let w = argwhere(&a);
/// assert_eq!(w.shape(), &[2, 2]);
/// assert_eq!(w.to_vec::<i64>().unwrap(), vec![0, 1, 1, 0]);
/// ```
#[track_caller]
pub fn argwhere(a: &Array) -> Array {
    let loc = SourceLocation::caller();
    let built = (|| {
        let flags = truth(a)?;
        let count = flags.iter().filter(|&&f| f).count();
        let per_axis = true_positions(&flags, a.shape());
        let nd = a.ndim();
        let mut out = Vec::with_capacity(count * nd);
        for k in 0..count {
            out.extend(per_axis.iter().map(|p| p[k]));
        }
        leaf_i64(&out, &[count, nd], loc)
    })();
    built.unwrap_or_else(|e| build::poison(e, Op::Leaf, &[a], DType::I64, vec![0, a.ndim()], loc))
}

/// NumPy's `compress(condition, a, axis)`: the slices of `a` along `axis` (None: elements of
/// the flattened array) where the 1-d `condition` is true. A condition shorter than the axis
/// counts as false beyond its end; a true entry past the end is an index error. Evaluates
/// `condition` now.
///
/// ```
/// use numcrane::{array, compress};
/// let a = array([[1, 2], [3, 4], [5, 6]]);
/// let c = array([false, true, true]);
/// assert_eq!(compress(&c, &a, Some(0)).to_vec::<i32>().unwrap(), vec![3, 4, 5, 6]);
/// ```
#[track_caller]
pub fn compress(condition: &Array, a: &Array, axis: Option<isize>) -> Array {
    let loc = SourceLocation::caller();
    let built = (|| {
        if condition.ndim() != 1 {
            return Err(Error::invalid(
                "compress",
                format!(
                    "condition must be a 1-d array (got shape {})",
                    numcrane_graph::ShapeDisplay(condition.shape().to_vec())
                ),
                loc,
            ));
        }
        let (x, ax) = axis_or_flat("compress", a, axis, loc)?;
        let pos = nonzero_at(condition, "compress", loc)?.remove(0);
        gather("compress", &x, vec![ax], &[pos], ax, IndexMode::Raise, loc)
    })();
    built.unwrap_or_else(|e| fail(e, a, loc))
}

/// NumPy's `extract(condition, arr)`: the elements of `arr` flattened at the positions where
/// `condition` flattened is nonzero (`take(ravel(arr), flatnonzero(condition))`). Evaluates
/// `condition` now.
///
/// ```
/// use numcrane::{arange, extract};
/// let a = arange(0i64, 6, 1).reshape([2, 3]);
/// let odd = &a % 2;
/// assert_eq!(extract(&odd, &a).to_vec::<i64>().unwrap(), vec![1, 3, 5]);
/// ```
#[track_caller]
pub fn extract(condition: &Array, arr: &Array) -> Array {
    let loc = SourceLocation::caller();
    let built = (|| {
        let flat_c = condition.reshape_at(vec![condition.size()], loc);
        let pos = nonzero_at(&flat_c, "extract", loc)?.remove(0);
        let flat = arr.reshape_at(vec![arr.size()], loc);
        gather("extract", &flat, vec![0], &[pos], 0, IndexMode::Raise, loc)
    })();
    built.unwrap_or_else(|e| fail(e, arr, loc))
}

/// NumPy's `select(condlist, choicelist, default)`: element-wise, the choice of the first
/// true condition, else `default`. Conditions must be bool; everything broadcasts; the dtype
/// is NumPy's promotion of the choices and the default (a Rust scalar default is weak, as
/// NumPy's Python scalar).
///
/// ```
/// use numcrane::{arange, select};
/// let x = arange(0i64, 6, 1);
/// let r = select(&[&x.lt(2), &x.gt(3)], &[&x, &(&x * 10)], -1);
/// assert_eq!(r.to_vec::<i64>().unwrap(), vec![0, 1, -1, -1, 40, 50]);
/// ```
#[track_caller]
pub fn select(condlist: &[&Array], choicelist: &[&Array], default: impl IntoOperand) -> Array {
    let loc = SourceLocation::caller();
    let default = default.into_operand();
    let any = condlist
        .first()
        .or(choicelist.first())
        .map(|a| (*a).clone())
        .unwrap_or_else(|| build::full(vec![], Scalar::I64(0), loc));
    let check = || {
        if condlist.len() != choicelist.len() {
            return Err(Error::invalid(
                "select",
                format!(
                    "list of cases must be same length as list of conditions ({} conditions, {} choices)",
                    condlist.len(),
                    choicelist.len()
                ),
                loc,
            ));
        }
        if condlist.is_empty() {
            return Err(Error::invalid(
                "select",
                "select with an empty condition list is not possible",
                loc,
            ));
        }
        if let Some(i) = condlist.iter().position(|c| c.dtype() != DType::Bool) {
            return Err(Error::DTypeNotSupported {
                op: "select",
                dtype: condlist[i].dtype(),
                detail: format!("; invalid entry {i} in condlist: should be boolean ndarray"),
                location: loc,
            });
        }
        Ok(())
    };
    if let Err(e) = check() {
        return build::poison(e, Op::Where, &[&any], any.dtype(), vec![], loc);
    }
    let mut result = default;
    for (c, x) in condlist.iter().zip(choicelist).rev() {
        result = Operand::Array(build::select(
            Operand::Array((*c).clone()),
            Operand::Array((*x).clone()),
            result,
            loc,
        ));
    }
    match result {
        Operand::Array(r) => r,
        Operand::Weak(_) => build::poison(
            Error::internal("select", "no condition applied"),
            Op::Where,
            &[&any],
            any.dtype(),
            vec![],
            loc,
        ),
    }
}

/// NumPy's `choose(a, choices, mode)`: element-wise `choices[a[i]][i]`, with `a` (integers)
/// and every choice broadcast together; the dtype is the choices' promotion. `mode` treats an
/// entry of `a` outside `0..choices.len()`: an error (negatives too, as NumPy), wrap or clip.
///
/// ```
/// use numcrane::{array, choose, TakeMode};
/// let a = array([0i64, 1, 2, 1]);
/// let c0 = array([10, 11, 12, 13]);
/// let c1 = array([20, 21, 22, 23]);
/// let r = choose(&a, &[&c0, &c1], TakeMode::Clip);
/// assert_eq!(r.to_vec::<i32>().unwrap(), vec![10, 21, 22, 23]);
/// ```
#[track_caller]
pub fn choose(a: &Array, choices: &[&Array], mode: TakeMode) -> Array {
    let loc = SourceLocation::caller();
    let built = (|| {
        check_index_dtype("choose", a, loc)?;
        if choices.is_empty() {
            return Err(Error::invalid("choose", "choices must not be empty", loc));
        }
        let mut shape = a.shape().to_vec();
        let mut dtype = choices[0].dtype();
        for c in choices {
            dtype = dtype.promote(c.dtype());
            shape = broadcast_shapes(&shape, c.shape()).ok_or_else(|| Error::ShapeMismatch {
                op: "choose",
                lhs: numcrane_graph::ShapeDisplay(shape.clone()),
                rhs: numcrane_graph::ShapeDisplay(c.shape().to_vec()),
                location: loc,
            })?;
        }
        build::check_size("choose", &shape, loc)?;
        let parts: Vec<Array> = choices
            .iter()
            .map(|c| {
                build::broadcast(&build::cast(c, dtype, loc), &shape, loc)
                    .reshape_at([&[1], shape.as_slice()].concat(), loc)
            })
            .collect();
        let refs: Vec<&Array> = parts.iter().collect();
        let stacked = crate::concatenate(&refs, 0);
        let nd = shape.len();
        let mut idx = vec![a.clone()];
        idx.extend((0..nd).map(|j| axis_range(shape[j], j, nd, loc)));
        gather(
            "choose",
            &stacked,
            (0..=nd).collect(),
            &idx,
            0,
            mode.graph(IndexMode::NonNegative),
            loc,
        )
    })();
    built.unwrap_or_else(|e| fail(e, a, loc))
}

/// NumPy's `nan_to_num(x, nan=..., posinf=..., neginf=...)`: NaN becomes `nan`, +inf
/// `posinf` and -inf `neginf` (None: the dtype's largest / most negative finite value, as
/// NumPy); integers and bools pass through. [`nan_to_num`](crate::nan_to_num) is this with
/// every default.
///
/// A complex array has NaN and infinities replaced in its real and imaginary parts
/// separately, with the same three values cast to the part dtype (as NumPy's `copyto`: 1e300
/// is inf for complex64). The graph has no op that assembles a complex value from two parts
/// exactly, so a complex `x` is evaluated when this is called.
///
/// ```
/// use numcrane::{array, nan_to_num_with};
/// let x = array([f64::NAN, f64::INFINITY, -f64::INFINITY, 1.5]);
/// let y = nan_to_num_with(&x, -1.0, Some(9.0), None);
/// assert_eq!(y.to_vec::<f64>().unwrap(), vec![-1.0, 9.0, f64::MIN, 1.5]);
/// ```
#[track_caller]
pub fn nan_to_num_with(x: &Array, nan: f64, posinf: Option<f64>, neginf: Option<f64>) -> Array {
    let loc = SourceLocation::caller();
    let (big, small) = match x.dtype() {
        DType::F32 => (f32::MAX as f64, f32::MIN as f64),
        DType::F64 => (f64::MAX, f64::MIN),
        DType::C64 | DType::C128 => {
            return crate::ufunc::nan_to_num_complex(x, nan, posinf, neginf, loc)
        }
        _ => return x.clone(),
    };
    let dt = x.dtype();
    let value = |v: f64| Operand::Array(build::full(vec![], Scalar::F64(v).cast(dt), loc));
    let a = Operand::Array(x.clone());
    let is_nan = build::unary(UnaryOp::IsNan, x, loc);
    let is_pos = build::binary(
        BinaryOp::Eq,
        a.clone(),
        Operand::Weak(Scalar::F64(f64::INFINITY)),
        loc,
    );
    let is_neg = build::binary(
        BinaryOp::Eq,
        a.clone(),
        Operand::Weak(Scalar::F64(f64::NEG_INFINITY)),
        loc,
    );
    let y = build::select(Operand::Array(is_nan), value(nan), a, loc);
    let y = build::select(
        Operand::Array(is_pos),
        value(posinf.unwrap_or(big)),
        Operand::Array(y),
        loc,
    );
    build::select(
        Operand::Array(is_neg),
        value(neginf.unwrap_or(small)),
        Operand::Array(y),
        loc,
    )
}
