//! Running a plan: fused groups through a kernel runner (the JIT), everything else through the
//! reference evaluator, with temporaries freed after their last use and the roots' results
//! stored in their nodes.
//!
//! The runner is a parameter so this crate stays free of code generation. A group the runner
//! cannot take (or that cannot be lowered) is evaluated op by op by the reference evaluator,
//! so the plan never changes the answer, only the speed.

use crate::kernel::{ElementwiseKernel, Launch};
use crate::lower::{lower, Lowered};
use crate::plan::{Group, Plan, Step};
use crate::program::{Program, ProgramStep};
use numcrane_graph::eval::compute;
use numcrane_graph::{Buffer, Error, Layout, NodeRef, Realized, Result};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::sync::Arc;

/// Runs a compiled element-wise kernel: `(kernel, launch, inputs, out)`. `out` may hold
/// uninitialised recycled memory: a runner writes it only through `Buffer::as_mut_ptr`, and
/// returns Ok only after writing every element.
pub type KernelRunner<'a> =
    &'a dyn Fn(&ElementwiseKernel, &Launch, &[&Buffer], &mut Buffer) -> Result<()>;

/// Executes `plan`, which must have been made for `roots`.
pub fn execute(roots: &[NodeRef], plan: &Plan, run: KernelRunner<'_>) -> Result<()> {
    execute_inner(roots, plan, run, None)
}

/// [`execute`], also recording what it did as a [`Program`] over the positions of `order`
/// (the roots' topological order): None when a step cannot be replayed (a group that fell
/// back to the evaluator).
pub(crate) fn execute_recorded(
    roots: &[NodeRef],
    plan: &Plan,
    run: KernelRunner<'_>,
    order: &[NodeRef],
) -> Result<Option<Program>> {
    let mut rec = Recording {
        pos: order.iter().enumerate().map(|(i, n)| (n.id(), i)).collect(),
        program: Program::default(),
        replayable: true,
    };
    execute_inner(roots, plan, run, Some(&mut rec))?;
    let roots: Option<Vec<usize>> = roots
        .iter()
        .map(|r| rec.pos.get(&plan.resolve(r).id()).copied())
        .collect();
    match roots {
        Some(roots) if rec.replayable => {
            rec.program.roots = roots;
            rec.program.finish();
            Ok(Some(rec.program))
        }
        _ => Ok(None),
    }
}

/// What `execute_recorded` collects.
struct Recording {
    pos: HashMap<u64, usize>,
    program: Program,
    replayable: bool,
}

impl Recording {
    fn positions(&mut self, ids: impl Iterator<Item = u64>) -> Vec<usize> {
        let mut out = Vec::new();
        for id in ids {
            match self.pos.get(&id) {
                Some(&p) => out.push(p),
                None => self.replayable = false,
            }
        }
        out
    }

    fn single(&mut self, node: &NodeRef, inputs: &[NodeRef]) {
        let node = self.positions(std::iter::once(node.id()));
        let inputs = self.positions(inputs.iter().map(|i| i.id()));
        if let [node] = node[..] {
            self.program
                .steps
                .push(ProgramStep::Single { node, inputs });
        }
    }

    fn fused(&mut self, root: &NodeRef, lowered: Option<Lowered>) {
        let Some(lowered) = lowered else {
            self.replayable = false;
            return;
        };
        let node = self.positions(std::iter::once(root.id()));
        let sources = self.positions(lowered.sources.iter().copied());
        if let [node] = node[..] {
            self.program.steps.push(ProgramStep::Fused {
                node,
                kernel: lowered.kernel,
                launch: lowered.launch,
                sources,
            });
        }
    }
}

fn execute_inner(
    roots: &[NodeRef],
    plan: &Plan,
    run: KernelRunner<'_>,
    mut rec: Option<&mut Recording>,
) -> Result<()> {
    if let Some(err) = roots.iter().find_map(|r| r.error()) {
        return Err(err.clone());
    }
    let root_ids: HashSet<u64> = roots.iter().map(|r| plan.resolve(r).id()).collect();
    let step_inputs: Vec<Vec<NodeRef>> = plan
        .steps
        .iter()
        .map(|s| match s {
            Step::Fused(g) => g.boundaries.clone(),
            Step::Single { node, .. } => node.inputs().iter().map(|i| plan.resolve(i)).collect(),
        })
        .collect();
    let mut uses: HashMap<u64, usize> = HashMap::default();
    for inputs in &step_inputs {
        for i in inputs {
            *uses.entry(i.id()).or_default() += 1;
        }
    }
    let mut values: HashMap<u64, Realized> = HashMap::default();
    for (step, inputs) in plan.steps.iter().zip(&step_inputs) {
        let (node, value) = match step {
            Step::Single { node, .. } => {
                if let Some(rec) = rec.as_deref_mut() {
                    rec.single(node, inputs);
                }
                (node, single(node, inputs, &values)?)
            }
            Step::Fused(g) => {
                let (value, lowered) = fused(g, &values, run)?;
                if let Some(rec) = rec.as_deref_mut() {
                    rec.fused(&g.root, lowered);
                }
                (&g.root, value)
            }
        };
        values.insert(node.id(), value);
        for i in inputs {
            if let Some(n) = uses.get_mut(&i.id()) {
                *n -= 1;
                if *n == 0 && !root_ids.contains(&i.id()) {
                    values.remove(&i.id());
                }
            }
        }
    }
    for root in roots {
        if root.realized().is_none() {
            let r = values
                .get(&plan.resolve(root).id())
                .ok_or_else(|| Error::internal("execute", "root not computed"))?;
            root.set_realized(r.clone());
        }
    }
    Ok(())
}

fn lookup(node: &NodeRef, values: &HashMap<u64, Realized>) -> Result<Realized> {
    node.realized()
        .cloned()
        .or_else(|| values.get(&node.id()).cloned())
        .ok_or_else(|| Error::internal("execute", format!("input {} not computed", node.id())))
}

fn single(node: &NodeRef, inputs: &[NodeRef], values: &HashMap<u64, Realized>) -> Result<Realized> {
    let args: Vec<Realized> = inputs
        .iter()
        .map(|i| lookup(i, values))
        .collect::<Result<_>>()?;
    let refs: Vec<&Realized> = args.iter().collect();
    compute(node, &refs)
}

/// Runs a group as one kernel, or on the evaluator if it cannot be lowered or run; returns
/// the kernel's lowering when it ran.
fn fused(
    group: &Group,
    values: &HashMap<u64, Realized>,
    run: KernelRunner<'_>,
) -> Result<(Realized, Option<Lowered>)> {
    let value_of = |id: u64| values.get(&id).cloned();
    let lowered = lower(group, &value_of).ok().filter(|l| {
        // One run writes the whole output (a runner only writes the launch's elements).
        l.launch.out_offset == 0
            && l.launch.output_len(&l.kernel) == Some(group.root.shape().iter().product())
    });
    if let Some(lowered) = lowered {
        let dtype = lowered.kernel.out_dtype();
        let layout = Layout::contiguous(group.root.shape());
        // SAFETY: a runner that returns Ok has written every element of the launch's output
        // range through its raw pointer, and that range is all of `out` (checked above); on
        // Err the buffer is dropped here without being read.
        let mut out =
            unsafe { Buffer::for_overwrite(dtype, layout.size(), group.root.op().name())? };
        let inputs: Vec<&Buffer> = lowered.buffers.iter().map(|b| b.as_ref()).collect();
        if run(&lowered.kernel, &lowered.launch, &inputs, &mut out).is_ok() {
            let value = Realized {
                buffer: Arc::new(out),
                layout,
            };
            return Ok((value, Some(lowered)));
        }
    }
    Ok((evaluate_group(group, values)?, None))
}

/// The fallback: the group's nodes one at a time on the reference evaluator.
fn evaluate_group(group: &Group, values: &HashMap<u64, Realized>) -> Result<Realized> {
    // Inputs are always built before their users, so increasing node ids is a valid order.
    let mut members: Vec<NodeRef> = Vec::new();
    let mut stack = vec![group.root.clone()];
    let mut seen = HashSet::default();
    while let Some(n) = stack.pop() {
        if group.members.contains(&n.id()) && seen.insert(n.id()) {
            stack.extend(n.inputs().iter().map(|i| group.resolve(i)));
            members.push(n);
        }
    }
    members.sort_by_key(|n| n.id());
    let mut local: HashMap<u64, Realized> = HashMap::default();
    for node in members {
        let inputs = node.inputs();
        if let Some(r) = node.realized() {
            // Realized meanwhile by another thread evaluating an overlapping graph.
            local.insert(node.id(), r.clone());
            continue;
        }
        let args: Vec<Realized> = inputs
            .iter()
            .map(|i| group.resolve(i))
            .map(|i| {
                local
                    .get(&i.id())
                    .cloned()
                    .map(Ok)
                    .unwrap_or_else(|| lookup(&i, values))
            })
            .collect::<Result<_>>()?;
        let refs: Vec<&Realized> = args.iter().collect();
        local.insert(node.id(), compute(&node, &refs)?);
    }
    local
        .remove(&group.root.id())
        .ok_or_else(|| Error::internal("execute", "group root not computed"))
}
