//! numcrane's JIT: fused element-wise kernels compiled to native code with Cranelift.
//!
//! - [`codegen`]: one `numcrane_fuse::kernel::ElementwiseKernel` -> one native row function
//!   (scalar loop for every supported op and dtype, a 128-bit vector loop where the kernel
//!   allows), and [`supports`] / [`supports_node`], which tell the fusion pass which
//!   instructions it may give us. [`listing`] returns a kernel's Cranelift IR and machine
//!   code as text (what `NUMCRANE_DEBUG=3` / `4` print while compiling).
//! - [`cache`]: compiled kernels keyed by their structure and `Checks` mode, bounded,
//!   thread-safe.
//! - [`runtime`]: [`run`] validates a `Launch` against its buffers and calls the row function
//!   for every row of the iteration shape.
//! - Checked mode ([`Checks`], `NUMCRANE_CHECKED=1`): the same kernels compiled with a bounds
//!   check before every memory access, for hunting bugs in the launcher or the code
//!   generator: a stray access becomes an `Error` instead of touching memory.
//!
//! - `reduction`: runs fold kernels (sums, extrema, ...) in shape-determined pieces combined
//!   in a fixed order, so the bits do not depend on the number of threads.
//! - `vecmath`: inline polynomial code for exp, log, sin, ... (scalar and vector).
//!
//! Generated code computes exactly what the reference evaluator
//! (`numcrane_graph::eval::scalar`) computes, bit for bit (NaN payloads aside), except the
//! transcendental functions, within 1 ULP (float32) / 2 ULP (float64) of it, and float sums
//! and products, whose order of operations differs (within the usual error bounds).
//!
//! This crate knows nothing of the public `Array` API.
#![deny(missing_docs)]

pub mod cache;
mod callout;
pub mod codegen;
mod reduction;
pub mod runtime;
mod vecmath;

pub use cache::{compile_count, get_or_compile, get_or_compile_with};
pub use codegen::{
    check_kernel, listing, listing_with, live_kernels, supports, supports_node, Bounds, Checks,
    CompiledKernel, Listing, OutOfBounds,
};
pub use runtime::{run, run_into, run_into_with, run_with};
