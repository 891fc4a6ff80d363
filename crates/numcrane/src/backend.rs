//! Chooses how graphs are evaluated.
//!
//! - `Backend::Jit` (the default): the fusion plan (`numcrane_fuse`) with each fused kernel
//!   compiled by Cranelift (`numcrane_jit`) and cached; ops the JIT does not generate code for
//!   (reductions, scans, signed integer power, ...) run on the reference evaluator.
//! - `Backend::Eval`: the reference evaluator (`numcrane_graph::eval`), one op at a time; the
//!   oracle.
//! - `Backend::Interpret`: the fusion plan with each fused kernel run by the kernel
//!   interpreter. Same answers as `Eval` by construction; it tests the fusion pass alone.
//!
//! `NUMCRANE_BACKEND=jit|eval|interpret` overrides the default (docs/env_vars.md).

use crate::intrinsics::NativeRunner;
use numcrane_fuse::Programs;
use numcrane_fuse::{ElementwiseKernel, Launch};
use numcrane_graph::{Buffer, Error, Node, NodeRef, OutSlot, Result};
use std::sync::{LazyLock, Mutex, OnceLock};

/// A way of evaluating graphs.
///
/// # Examples
///
/// ```
/// use numcrane::{array, Backend};
/// let y = array([1.0, 4.0]).sqrt();
/// for backend in [Backend::Jit, Backend::Eval, Backend::Interpret, Backend::Unfused] {
///     assert_eq!(y.eval_with(backend).unwrap().to_vec::<f64>().unwrap(), vec![1.0, 2.0]);
/// }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// Fusion plan, kernels compiled to native code (the default).
    Jit,
    /// The reference evaluator.
    Eval,
    /// Fusion plan, kernels run by the interpreter.
    Interpret,
    /// Fusion off: one JIT-compiled kernel per operation (views and scalars still read in
    /// place), as evaluating op by op would; for measuring what fusion buys.
    Unfused,
}

impl Backend {
    /// The backend named by `NUMCRANE_BACKEND`, or the default.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, Backend};
    /// // Jit unless NUMCRANE_BACKEND names another one.
    /// let backend = Backend::from_env();
    /// let y = (array([1, 2]) * 2).eval_with(backend).unwrap();
    /// assert_eq!(y.to_vec::<i32>().unwrap(), vec![2, 4]);
    /// ```
    pub fn from_env() -> Backend {
        static CHOSEN: OnceLock<Backend> = OnceLock::new();
        *CHOSEN.get_or_init(|| match std::env::var("NUMCRANE_BACKEND").as_deref() {
            Ok("interpret") => Backend::Interpret,
            Ok("eval") => Backend::Eval,
            Ok("unfused") => Backend::Unfused,
            _ => Backend::Jit,
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
        Backend::Jit if numcrane_jit::Checks::from_env() == numcrane_jit::Checks::Bounds => {
            realize_checked(nodes)
        }
        Backend::Jit if debug_level() < 2 => {
            // Graphs of a structure seen before replay their plan (no planning, no lowering).
            numcrane_fuse::run_cached(
                nodes,
                &PROGRAMS,
                &numcrane_jit::supports_node,
                &NativeRunner,
            )
        }
        Backend::Jit => {
            let plan = numcrane_fuse::plan(nodes, &numcrane_jit::supports_node);
            eprint!("numcrane: plan\n{}", plan.describe());
            numcrane_fuse::execute(nodes, &plan, &NativeRunner)
        }
        Backend::Unfused => {
            let options = numcrane_fuse::PlanOptions {
                fuse: false,
                ..Default::default()
            };
            let plan = numcrane_fuse::plan_with(nodes, &numcrane_jit::supports_node, options);
            numcrane_fuse::execute(nodes, &plan, &NativeRunner)
        }
        Backend::Interpret => {
            // The interpreter has no GEMM to fuse epilogues into.
            let options = numcrane_fuse::PlanOptions {
                epilogue: false,
                ..Default::default()
            };
            let plan = numcrane_fuse::plan_with(nodes, &all_supported, options);
            numcrane_fuse::execute(nodes, &plan, &numcrane_fuse::interpret::interpret)
        }
    }
}

/// `NUMCRANE_CHECKED=1`: kernels check every access, and the first kernel error (an access
/// out of bounds) is returned instead of quietly recomputing that kernel on the evaluator.
/// A bad index of a fused gather is not a kernel error: that kernel is recomputed, and the
/// evaluator reports the index (`numcrane_fuse::gather::BAD_INDEX`).
fn realize_checked(nodes: &[NodeRef]) -> Result<()> {
    let first: Mutex<Option<Error>> = Mutex::new(None);
    let run = |k: &ElementwiseKernel, l: &Launch, i: &[&Buffer], o: OutSlot<'_>| {
        let result = numcrane_jit::run_into(k, l, i, o);
        let kernel_error = result
            .as_ref()
            .err()
            .filter(|e| e.op() != numcrane_fuse::gather::BAD_INDEX);
        if let Some(e) = kernel_error {
            let mut slot = first.lock().unwrap_or_else(|p| p.into_inner());
            slot.get_or_insert_with(|| e.clone());
        }
        result
    };
    let plan = numcrane_fuse::plan(nodes, &numcrane_jit::supports_node);
    let result = numcrane_fuse::execute(nodes, &plan, &run);
    match first.into_inner().unwrap_or_else(|p| p.into_inner()) {
        Some(e) => Err(e),
        None => result,
    }
}

/// The JIT backend's cache of plans by graph structure.
static PROGRAMS: LazyLock<Programs> = LazyLock::new(Programs::new);

/// How many JIT evaluations so far replayed the plan of an earlier graph of the same
/// structure instead of planning (for tests).
#[doc(hidden)]
pub fn jit_plan_replays() -> usize {
    PROGRAMS.replays()
}

/// The interpreter runs every element-wise op.
fn all_supported(_: &Node) -> bool {
    true
}

/// The fusion plan the JIT backend would run for these nodes, as text, and its kernel count.
pub(crate) fn plan_text(nodes: &[NodeRef]) -> (String, usize) {
    let plan = numcrane_fuse::plan(nodes, &numcrane_jit::supports_node);
    (plan.describe(), plan.kernel_count())
}

/// The plan text with nodes named by `label`.
pub(crate) fn plan_with_labels(nodes: &[NodeRef], label: &dyn Fn(u64) -> Option<String>) -> String {
    numcrane_fuse::plan(nodes, &numcrane_jit::supports_node).describe_with(label)
}

/// `NUMCRANE_DEBUG` (read once): 2 and up print each plan before it runs.
fn debug_level() -> u32 {
    numcrane_graph::trace::debug_level()
}

/// How many kernels the JIT has compiled in this process (for tests of the kernel cache).
#[doc(hidden)]
pub fn jit_compile_count() -> usize {
    numcrane_jit::compile_count()
}

/// How many JIT-compiled kernels are alive (cached or still held by a caller): evicted
/// kernels free their code, so this stays near the cache's bound however many are compiled
/// (for the hardening tests, issue 11).
#[doc(hidden)]
pub fn jit_live_kernels() -> usize {
    numcrane_jit::live_kernels()
}

/// How many row-fused schedules (see `numcrane_fuse::rows`) the calling thread has run (for
/// tests telling a row schedule from its step-by-step fallback).
#[doc(hidden)]
pub fn row_schedule_runs() -> usize {
    numcrane_fuse::rows::schedule_runs()
}

/// The fusion plan the JIT backend would run for these nodes (for drawings of it).
pub(crate) fn jit_plan(nodes: &[NodeRef]) -> numcrane_fuse::Plan {
    numcrane_fuse::plan(nodes, &numcrane_jit::supports_node)
}
