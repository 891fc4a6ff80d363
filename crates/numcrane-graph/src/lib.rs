//! numcrane's graph layer: what an array expression *is*, independent of how it is run.
//!
//! - [`dtype`]: element types and NumPy 2 promotion.
//! - [`element`]: Rust element types, scalars and casts.
//! - [`layout`]: shapes, broadcasting and strided index maps (views).
//! - [`buffer`]: aligned storage of realized data.
//! - [`op`]: the closed set of operations.
//! - [`node`]: graph nodes, poisoning and traversal.
//! - [`eval`]: the reference evaluator, the oracle every faster backend is tested against.
//!
//! This crate knows nothing of Cranelift, fusion or the public `Array` API.
#![deny(missing_docs)]

pub mod buffer;
pub mod dtype;
pub mod element;
pub mod error;
pub mod eval;
pub mod layout;
pub mod node;
pub mod op;
pub mod trace;

pub use buffer::{Buffer, OutSlot};
pub use dtype::{DType, Kind, WeakKind};
pub use element::{CastTo, Complex32, Complex64, Element, RealElement, Scalar};
pub use error::{Error, Result, ShapeDisplay, SourceLocation};
pub use layout::Layout;
pub use node::{Node, NodeRef, Realized};
pub use op::{ArgReduceOp, BinaryOp, IndexMode, Op, ReduceOp, ScanOp, ScatterOp, UnaryOp, ViewOp};
