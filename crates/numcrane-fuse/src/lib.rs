//! numcrane's fusion pass: which nodes of a graph run as one element-wise loop.
//!
//! - [`plan`]: groups element-wise chains (with their views and constants) into kernels and
//!   names why each kernel ends where it does.
//! - [`kernel`]: the kernel IR, pure data: the loop body in SSA form and its launch (iteration
//!   shape and composed index maps).
//! - [`lower`]: a planned group plus its realized inputs becomes a kernel and a launch.
//! - [`complex`]: complex values lowered to pairs of real values (interleaved re/im).
//! - [`interpret`]: a kernel runner built from the reference evaluator (tests, baseline).
//! - [`execute`]: runs a plan, with fused groups through a caller-supplied kernel runner and
//!   the rest through the reference evaluator.
//! - [`gather`]: gathers (integer-array indexing) computed inside the consuming element-wise
//!   loop as indexed loads.
//! - [`epilogue`]: the element-wise kernel consuming a matrix product, attached to the
//!   product's GEMM and run on each output tile while it is in cache.
//! - [`prologue`]: an operand of a matrix product scaled by a constant, read scaled while the
//!   GEMM packs it instead of materialised first.
//! - [`concat`]: a concatenation whose parts' kernels write straight into its output, and
//!   whose other parts are copied natively.
//! - [`rows`]: consecutive kernels that work row by row run together on blocks of rows
//!   that stay in cache (row-fused softmax).
//! - [`program`]: replays what an execution did on later graphs of the same structure,
//!   skipping planning and lowering (the per-call cost of small arrays).
//!
//! This crate knows nothing of Cranelift (the runner is a parameter) nor of the public API.
#![deny(missing_docs)]

pub mod complex;
pub mod concat;
pub mod epilogue;
pub mod execute;
pub mod gather;
pub mod interpret;
pub mod kernel;
pub mod lower;
pub mod plan;
pub mod program;
pub mod prologue;
pub mod rows;

pub use concat::{ConcatPart, ConcatStep};
pub use epilogue::{EpilogueResult, TileEpilogue};
pub use execute::{execute, KernelRunner, Runner};
pub use kernel::{
    ElementwiseKernel, GatherAxis, InnerClass, InputSpec, Instr, InstrKind, Launch, ValueId,
};
pub use lower::{lower, lower_tiles, LowerError, Lowered};
pub use plan::{plan, plan_with, Boundary, Epilogue, Group, Plan, PlanOptions, Step};
pub use program::{run_cached, run_cached_with, Programs};
pub use prologue::{Prologue, Scale, Scales};
pub use rows::RowChain;
