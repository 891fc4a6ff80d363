//! Chooses how graphs are evaluated.
//!
//! - `Backend::Eval`: the reference evaluator (`numcrane_graph::eval`), one op at a time. The
//!   default until the JIT backend lands.
//! - `Backend::Interpret`: the fusion plan (`numcrane_fuse`) with each fused kernel run by the
//!   kernel interpreter. Same answers as `Eval` by construction; it tests the fusion pass.
//!
//! `NUMCRANE_BACKEND=eval|interpret` overrides the default (docs/env_vars.md).

use numcrane_graph::{Node, NodeRef, Result};
use std::sync::OnceLock;

/// A way of evaluating graphs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// The reference evaluator.
    Eval,
    /// Fusion plan, kernels run by the interpreter.
    Interpret,
}

impl Backend {
    /// The backend named by `NUMCRANE_BACKEND`, or the default.
    pub fn from_env() -> Backend {
        static CHOSEN: OnceLock<Backend> = OnceLock::new();
        *CHOSEN.get_or_init(|| match std::env::var("NUMCRANE_BACKEND").as_deref() {
            Ok("interpret") => Backend::Interpret,
            _ => Backend::Eval,
        })
    }
}

/// Computes the nodes with the chosen backend and stores their data in them.
pub(crate) fn realize(nodes: &[NodeRef]) -> Result<()> {
    realize_with(nodes, Backend::from_env())
}

/// Computes the nodes with `backend`.
pub(crate) fn realize_with(nodes: &[NodeRef], backend: Backend) -> Result<()> {
    match backend {
        Backend::Eval => numcrane_graph::eval::evaluate(nodes),
        Backend::Interpret => {
            let plan = numcrane_fuse::plan(nodes, &all_supported);
            numcrane_fuse::execute(nodes, &plan, &numcrane_fuse::interpret::interpret)
        }
    }
}

/// The interpreter runs every element-wise op.
fn all_supported(_: &Node) -> bool {
    true
}

/// The fusion plan the fused backends would run for these nodes, as text.
pub(crate) fn plan_text(nodes: &[NodeRef]) -> (String, usize) {
    let plan = numcrane_fuse::plan(nodes, &all_supported);
    (plan.describe(), plan.kernel_count())
}
