//! numcrane: NumPy for Rust, made lazy.
//!
//! Operations on [`Array`]s return new arrays at once without touching data: each is a node in
//! a graph with a dtype and a static shape. [`Array::eval`] computes what is needed and stores
//! the result in the node. Names and semantics follow NumPy 2 (see docs/numpy-to-numcrane.md).
//!
//! ```
//! use numcrane::{array, DType};
//! let x = array([[1.0f32, 2.0], [3.0, 4.0]]);
//! let y = (&x - x.mean(0)) / x.std(0);
//! assert_eq!(y.dtype(), DType::F32);
//! assert_eq!(y.eval().unwrap().to_vec::<f32>().unwrap(), vec![-1.0, -1.0, 1.0, 1.0]);
//! ```
#![deny(missing_docs)]

mod array;
mod backend;
mod build;
mod code;
mod counting;
mod creation;
mod dot;
mod einsum;
mod epilogue;
mod explain;
pub mod fft;
mod indexing;
mod interop;
mod intrinsics;
mod intrinsics_gather;
mod intrinsics_int;
mod intrinsics_partition;
mod intrinsics_select;
mod intrinsics_sort;
pub mod io;
pub mod linalg;
mod linalg_decomp;
mod manip;
mod operand;
mod ops;
mod pad;
pub mod poly;
mod print;
mod quantile;
pub mod random;
mod record;
mod reduce;
mod search;
mod sets;
mod slicing;
mod sorting;
mod stats;
mod ufunc;
mod views;

pub use array::{eval_all, Array, IntoShape};
pub use backend::{
    jit_compile_count, jit_live_kernels, jit_plan_replays, row_schedule_runs, Backend,
};
pub use code::KernelListing;
pub use counting::{bincount, histogram, histogram_bin_edges, Bins};
pub use creation::*;
pub use einsum::einsum;
pub use epilogue::matmul_epilogue_runs;
pub use indexing::{
    argwhere, choose, compress, extract, flatnonzero, nan_to_num_with, nonzero, put_along_axis,
    select, take, take_along_axis, At, IndexArg, TakeMode,
};
pub use interop::RawView;
pub use linalg::{dot, inner, kron, matmul, outer, tensordot, tensordot_axes, vdot};
pub use manip::{
    array_split, column_stack, concatenate, concatenate_flat, dsplit, dstack, fliplr, flipud,
    hsplit, hstack, repeat, roll, roll_axes, rot90, row_stack, split, stack, tile, vsplit, vstack,
    Repeats, SplitSpec,
};
pub use numcrane_graph::{Complex32, Complex64, DType, Element, Error, Kind, Result, Scalar};
pub use operand::IntoOperand;
pub use pad::{pad, PadMode, PadValues, PadWidth, Pairs};
// NumPy's polynomial functions live at the top level of `np` too.
pub use poly::{
    polyadd, polyder, polydiv, polyfit, polyint, polymul, polysub, polyval, roots, Poly1d,
};
pub use quantile::{
    nanpercentile, nanpercentile_with, nanquantile, nanquantile_with, percentile,
    percentile_weighted, percentile_with, quantile, quantile_weighted, quantile_with,
    IntoQuantileMethod, QuantileMethod, Quantiles,
};
pub use record::{FieldDescr, RecordArray, RecordDescr};
pub use reduce::{keepdims, Axes};
pub use search::{argpartition, digitize, partition, searchsorted, Kth, Side};
pub use sets::{
    intersect1d, intersect1d_indices, isin, setdiff1d, setxor1d, union1d, unique, unique_all,
    unique_counts, unique_inverse, unique_values, unique_with, UniqueAll,
};
pub use slicing::{Ellipsis, IntoStep, NewAxis, SliceArg};
pub use sorting::{argsort, median, nanmedian, sort};
pub use stats::{
    average, corrcoef, count_nonzero, cov, diff, nanargmax, nanargmin, nanmax, nanmean, nanmin,
    nanprod, nanstd, nansum, nanvar, ptp,
};
pub use ufunc::*;
pub use views::{broadcast_arrays, broadcast_shapes, broadcast_to, IntoDims};

/// Converts an index or axis given as any Rust integer to `isize`, saturating instead of
/// wrapping (so `usize::MAX` is "far past the end", never "-1, the last one").
pub(crate) fn saturating_isize<T: TryInto<isize> + PartialOrd + Default>(v: T) -> isize {
    let negative = v < T::default();
    v.try_into()
        .unwrap_or(if negative { isize::MIN } else { isize::MAX })
}
