//! numcrane's native compute kernels, starting with a BLAS-class GEMM.
//!
//! [`gemm`] computes `C = alpha * A * B + beta * C` for `f32` and `f64` matrices given by a
//! pointer and two element strides each (any strides: transposed, sliced, reversed and broadcast
//! inputs are read by the packing routines, never copied whole first). The structure is BLIS's:
//!
//! - `driver` runs the nc / kc / mc cache-blocking loops;
//! - `pack` copies panels of A (MR-row micro-panels) and B (NR-column
//!   micro-panels) into aligned, zero-padded buffers so the micro-kernel always runs full tiles;
//! - `microkernel` holds the register-blocked tile kernels: AVX2+FMA
//!   intrinsics chosen at run time, and a portable one written as plain loops;
//! - `threading` splits the output into one rectangle per rayon thread (each output element
//!   is computed by one thread in a fixed order, so results do not depend on the thread count);
//! - `scale` scales an operand while it is packed (`(s * A) @ B` without materialising
//!   `s * A`: [`MatRef::scaled`]);
//! - `small` is the direct path without packing for small products;
//! - `epilogue` runs a caller's element-wise function on each block of C as soon as it is
//!   final ([`gemm_with_epilogue`], [`BiasActivation`]);
//! - `intgemm` is the integer / bool product with NumPy's semantics ([`int_gemm`]: wrapping
//!   sums of wrapping products in the element type; OR of ANDs for bool), the same loops with
//!   an auto-vectorized tile;
//! - `gather` copies the elements an index selects ([`gather_rows`]), parallel over output rows,
//!   and combines values into indexed positions in their order ([`scatter_into`]);
//! - `sort` sorts lanes of an array NumPy's stable way ([`sort_axis`], [`argsort_axis`]): radix
//!   sort of order-preserving keys, parallel over lanes or inside one long lane.
//! - `select` picks a few sorted positions of every lane without sorting it ([`select_axis`]):
//!   introselect on the same keys, bit-identical to the stable sort's values there.
//!
//! This crate knows nothing about numcrane's arrays, graphs or dtypes: the array API lowers
//! matrix products onto [`gemm`] / [`gemm_raw`].
//!
//! ```
//! use numcrane_kernels::{gemm, MatMut, MatRef};
//! let a = [1.0f32, 2.0, 3.0, 4.0]; // 2x2, row-major
//! let b = [5.0f32, 6.0, 7.0, 8.0];
//! let mut c = [0.0f32; 4];
//! gemm(
//!     1.0,
//!     MatRef::row_major(&a, 2, 2).unwrap(),
//!     MatRef::row_major(&b, 2, 2).unwrap(),
//!     0.0,
//!     MatMut::row_major(&mut c, 2, 2).unwrap(),
//! )
//! .unwrap();
//! assert_eq!(c, [19.0, 22.0, 43.0, 50.0]);
//! ```
#![deny(missing_docs)]
// Kernels take BLAS-style argument lists (sizes, scalars, pointers and strides).
#![allow(clippy::too_many_arguments)]

mod api;
mod buffer;
mod config;
mod driver;
mod epilogue;
mod error;
mod gather;
mod intgemm;
mod mat;
mod microkernel;
mod pack;
mod scalar;
mod scale;
mod select;
mod small;
mod sort;
mod sort_radix;
mod threading;

pub use api::{
    gemm, gemm_raw, gemm_raw_with_epilogue, gemm_with, gemm_with_epilogue, Epilogue, GemmOptions,
    KernelChoice, SmallPath,
};
pub use config::Blocking;
pub use epilogue::{Activation, BiasActivation, EpilogueBlock};
pub use error::GemmError;
pub use gather::{gather_rows, scatter_into, GatherFault, GatherInner};
pub use intgemm::{int_gemm, int_gemm_with, IntGemmScalar, INT_BLOCKING};
pub use mat::{MatMut, MatRef};
pub use microkernel::{selected_kernel, KernelKind};
pub use scalar::GemmScalar;
pub use scale::OperandScale;
pub use select::{select_axis, SelectError};
pub use sort::{
    argsort_axis, argsort_axis_with, sort_axis, sort_axis_with, SortError, SortOptions, SortScalar,
};
pub use sort_radix::RadixKey;
