//! Chooses how graphs are evaluated.
//!
//! Today every graph goes through the reference evaluator (`numcrane_graph::eval`). The fused
//! JIT backend will be selected here by default, with `NUMCRANE_BACKEND=eval` keeping the
//! reference evaluator available (docs/env_vars.md lists the variables).

use numcrane_graph::{NodeRef, Result};

/// Computes the nodes and stores their data in them.
pub(crate) fn realize(nodes: &[NodeRef]) -> Result<()> {
    numcrane_graph::eval::evaluate(nodes)
}
