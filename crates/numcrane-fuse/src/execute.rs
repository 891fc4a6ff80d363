//! Running a plan: fused groups through a kernel runner (the JIT), everything else through the
//! reference evaluator, with temporaries freed after their last use and the roots' results
//! stored in their nodes.
//!
//! The runner is a parameter so this crate stays free of code generation. A group the runner
//! cannot take (or that cannot be lowered) is evaluated op by op by the reference evaluator,
//! so the plan never changes the answer, only the speed. Row chains (see [`crate::rows`]) run
//! as one schedule over blocks of rows when their launches line up, else step by step.

use crate::concat::{
    copy_kernel, geometry, kernel_part, run_concat, ConcatPart, ConcatStep, PartPlan, PartRun,
};
use crate::epilogue::{EpilogueResult, TileEpilogue};
use crate::kernel::{ElementwiseKernel, Launch};
use crate::lower::{lower, lower_tiles, Lowered};
use crate::plan::{Epilogue, Group, Plan, Step};
use crate::program::{Program, ProgramStep};
use crate::prologue::{Prologue, Scales};
use crate::rows::{split_rows, RowChain, RowSchedule, RowSource, RowStep};
use numcrane_graph::eval::compute;
use numcrane_graph::{Buffer, Error, Layout, Node, NodeRef, OutSlot, Realized, Result};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::sync::Arc;

/// What runs the steps of a plan that are not the reference evaluator's: compiled kernels
/// and, optionally, native intrinsics (hand-written kernels for ops such as a matrix
/// product). Any `Fn(kernel, launch, inputs, out)` closure is a runner without intrinsics.
/// Row-fused schedules call it from several threads at once.
pub trait Runner: Sync {
    /// Runs a compiled element-wise kernel: `(kernel, launch, inputs, out)`, writing the
    /// launch's output elements at `launch.out_offset` in `out`. `out` may hold uninitialised
    /// recycled memory: a runner writes it only through `OutSlot::as_mut_ptr`, and returns Ok
    /// only after writing every element of the launch's output.
    fn kernel(
        &self,
        kernel: &ElementwiseKernel,
        launch: &Launch,
        inputs: &[&Buffer],
        out: OutSlot<'_>,
    ) -> Result<()>;

    /// Computes a node the plan leaves to the reference evaluator natively, or None to let
    /// the evaluator do it. The default: None.
    fn intrinsic(&self, _node: &Node, _inputs: &[&Realized]) -> Option<Result<Realized>> {
        None
    }

    /// Computes the matrix product `matmul` of `operands` with `epilogue` applied to each
    /// output tile as it is finished (see [`crate::epilogue`]), or None when the runner cannot
    /// (the executor then computes the product with [`Runner::intrinsic`] and runs the kernel
    /// after it). The default: None.
    fn matmul_epilogue(
        &self,
        _matmul: &Node,
        _operands: &[&Realized],
        _epilogue: &TileEpilogue<'_>,
    ) -> Option<Result<EpilogueResult>> {
        None
    }

    /// Computes the matrix product `matmul` of `operands`, each read scaled as `scales` says
    /// while the GEMM packs it (see [`crate::prologue`]), or None when the runner cannot (the
    /// executor then materialises the scaled operands first). The default: None.
    fn matmul_prologue(
        &self,
        _matmul: &Node,
        _operands: &[&Realized],
        _scales: &Scales,
    ) -> Option<Result<Realized>> {
        None
    }
}

impl<F> Runner for F
where
    F: Fn(&ElementwiseKernel, &Launch, &[&Buffer], OutSlot<'_>) -> Result<()> + Sync,
{
    fn kernel(
        &self,
        kernel: &ElementwiseKernel,
        launch: &Launch,
        inputs: &[&Buffer],
        out: OutSlot<'_>,
    ) -> Result<()> {
        self(kernel, launch, inputs, out)
    }
}

/// The runner a plan executes with.
pub type KernelRunner<'a> = &'a dyn Runner;

/// A single step: natively when the runner has an intrinsic for it, else on the reference
/// evaluator.
pub(crate) fn compute_single(
    node: &Node,
    args: &[&Realized],
    run: KernelRunner<'_>,
) -> Result<Realized> {
    match run.intrinsic(node, args) {
        Some(result) => result,
        None => compute(node, args),
    }
}

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

    fn rows(&mut self, lowered: LoweredChain) {
        let nodes = self.positions(lowered.roots.iter().map(|n| n.id()));
        let outside = self.positions(lowered.outside_ids.iter().copied());
        self.program.steps.push(ProgramStep::Rows {
            nodes,
            schedule: lowered.schedule,
            outside,
        });
    }

    fn scaled(&mut self, node: &NodeRef, operands: &[NodeRef], scales: Scales) {
        let node = self.positions(std::iter::once(node.id()));
        let operands = self.positions(operands.iter().map(|i| i.id()));
        if let [node] = node[..] {
            self.program.steps.push(ProgramStep::Scaled {
                node,
                operands,
                scales,
            });
        }
    }

    fn epilogue(
        &mut self,
        root: &NodeRef,
        product: &Epilogue,
        operands: &[NodeRef],
        tiles: TileLowering,
        scales: Scales,
    ) {
        let node = self.positions(std::iter::once(root.id()));
        let matmul = self.positions(std::iter::once(product.matmul.id()));
        let operands = self.positions(operands.iter().map(|i| i.id()));
        let sources = self.positions(tiles.lowered.sources.iter().copied());
        if let (&[node], &[matmul]) = (&node[..], &matmul[..]) {
            self.program.steps.push(ProgramStep::Epilogue {
                node,
                matmul,
                keep: product.keep,
                operands,
                kernel: tiles.lowered.kernel,
                launch: tiles.lowered.launch,
                product_input: tiles.product_input,
                sources,
                scales,
            });
        }
    }

    fn concat(&mut self, node: &NodeRef, axis: usize, parts: &[PartPlan<u64>]) {
        let node = self.positions(std::iter::once(node.id()));
        let mut parts_at = Vec::with_capacity(parts.len());
        for p in parts {
            let mapped = p.map(&mut |id| self.pos.get(&id).copied());
            match mapped {
                Some(m) => parts_at.push(m),
                None => self.replayable = false,
            }
        }
        if let [node] = node[..] {
            self.program.steps.push(ProgramStep::Concat {
                node,
                axis,
                parts: parts_at,
            });
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
            Step::Fused(g) => match &g.product {
                // The product is computed by this step from its operands.
                Some(p) => g
                    .boundaries
                    .iter()
                    .filter(|b| b.id() != p.matmul.id())
                    .cloned()
                    .chain(plan.operand_nodes(&p.matmul))
                    .collect(),
                None => g.boundaries.clone(),
            },
            Step::Single { node, .. } => plan.operand_nodes(node),
            Step::Concat(c) => c.reads(),
        })
        .collect();
    let mut uses: HashMap<u64, usize> = HashMap::default();
    for inputs in &step_inputs {
        for i in inputs {
            *uses.entry(i.id()).or_default() += 1;
        }
    }
    let mut values: HashMap<u64, Realized> = HashMap::default();
    let release = |inputs: &[NodeRef],
                   uses: &mut HashMap<u64, usize>,
                   values: &mut HashMap<u64, Realized>| {
        for i in inputs {
            if let Some(n) = uses.get_mut(&i.id()) {
                *n -= 1;
                if *n == 0 && !root_ids.contains(&i.id()) {
                    values.remove(&i.id());
                }
            }
        }
    };
    let mut at = 0;
    while at < plan.steps.len() {
        let chain = plan.row_chains.iter().find(|c| c.steps.start == at);
        if let Some(chain) = chain.filter(|_| crate::rows::enabled()) {
            // A result is kept in full when it is a root or read after the chain.
            let keep = |id: u64| {
                root_ids.contains(&id)
                    || step_inputs[chain.steps.end..]
                        .iter()
                        .any(|ins| ins.iter().any(|i| i.id() == id))
            };
            if let Some(lowered) = lower_chain(plan, chain, &keep, &values) {
                let outside: Vec<&Buffer> = lowered.outside.iter().map(|b| b.as_ref()).collect();
                if let Ok(results) = lowered.schedule.run(&outside, run) {
                    for (node, result) in lowered.roots.iter().zip(results) {
                        if let Some(buffer) = result {
                            let value = Realized {
                                buffer: Arc::new(buffer),
                                layout: Layout::contiguous(node.shape()),
                            };
                            values.insert(node.id(), value);
                        }
                    }
                    if let Some(rec) = rec.as_deref_mut() {
                        rec.rows(lowered);
                    }
                    for inputs in &step_inputs[chain.steps.clone()] {
                        release(inputs, &mut uses, &mut values);
                    }
                    at = chain.steps.end;
                    continue;
                }
            }
        }
        let (step, inputs) = (&plan.steps[at], &step_inputs[at]);
        let (node, value) = match step {
            Step::Single { node, .. } => match plan.prologues.get(&node.id()) {
                Some(prologues) => {
                    let value = scaled_product(
                        plan,
                        node,
                        prologues,
                        inputs,
                        &mut values,
                        run,
                        rec.as_deref_mut(),
                    )?;
                    (node, value)
                }
                None => {
                    if let Some(rec) = rec.as_deref_mut() {
                        rec.single(node, inputs);
                    }
                    (node, single(node, inputs, &values, run)?)
                }
            },
            Step::Concat(c) => (&c.node, concat_step(c, &values, run, rec.as_deref_mut())?),
            Step::Fused(g) if g.product.is_some() => {
                let p = g
                    .product
                    .as_ref()
                    .ok_or_else(|| Error::internal("execute", "no product"))?;
                let prologues = plan.prologues.get(&p.matmul.id()).map(|v| &v[..]);
                let value = epilogue_step(
                    g,
                    p,
                    (plan, prologues.unwrap_or_default()),
                    &mut values,
                    run,
                    rec.as_deref_mut(),
                )?;
                (&g.root, value)
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
        release(inputs, &mut uses, &mut values);
        at += 1;
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

/// A matrix product with scaled operands (see [`crate::prologue`]): the runner scales them
/// while packing, or the kernels that materialise them run first and then the plain product.
fn scaled_product(
    plan: &Plan,
    node: &NodeRef,
    prologues: &[Prologue],
    inputs: &[NodeRef],
    values: &mut HashMap<u64, Realized>,
    run: KernelRunner<'_>,
    rec: Option<&mut Recording>,
) -> Result<Realized> {
    let args: Vec<Realized> = inputs
        .iter()
        .map(|i| lookup(i, values))
        .collect::<Result<_>>()?;
    let refs: Vec<&Realized> = args.iter().collect();
    let scales = crate::prologue::scales(prologues);
    if let Some(Ok(value)) = run.matmul_prologue(node, &refs, &scales) {
        if let Some(rec) = rec {
            rec.scaled(node, inputs, scales);
        }
        return Ok(value);
    }
    let (operands, rec) = materialise(plan, node, prologues, values, rec)?;
    let refs: Vec<&Realized> = operands.iter().collect();
    let value = compute_single(node, &refs, run)?;
    if let Some(rec) = rec {
        let plain: Vec<NodeRef> = node.inputs().iter().map(|i| plan.resolve(i)).collect();
        rec.single(node, &plain);
    }
    Ok(value)
}

/// The plain operands of the product `m` whose scaled operands the runner could not take:
/// each scaled one computed by the reference evaluator (see `crate::prologue::materialised`).
/// Such a step is not replayed.
fn materialise<'r>(
    plan: &Plan,
    m: &NodeRef,
    prologues: &[Prologue],
    values: &HashMap<u64, Realized>,
    rec: Option<&'r mut Recording>,
) -> Result<(Vec<Realized>, Option<&'r mut Recording>)> {
    let mut rec = rec;
    if let Some(r) = rec.as_deref_mut() {
        r.replayable = false;
    }
    let operands = m
        .inputs()
        .iter()
        .enumerate()
        .map(|(k, i)| match prologues.iter().find(|p| p.operand == k) {
            Some(p) => {
                let x = lookup(&p.source, values)?;
                crate::prologue::materialised(&x, p.scale, m.location())
            }
            None => lookup(&plan.resolve(i), values),
        })
        .collect::<Result<_>>()?;
    Ok((operands, rec))
}

fn single(
    node: &NodeRef,
    inputs: &[NodeRef],
    values: &HashMap<u64, Realized>,
    run: KernelRunner<'_>,
) -> Result<Realized> {
    let args: Vec<Realized> = inputs
        .iter()
        .map(|i| lookup(i, values))
        .collect::<Result<_>>()?;
    let refs: Vec<&Realized> = args.iter().collect();
    compute_single(node, &refs, run)
}

/// A row chain lowered to a schedule, with the buffers it reads from outside.
struct LoweredChain {
    schedule: RowSchedule,
    /// The steps' roots, one per schedule step.
    roots: Vec<NodeRef>,
    /// The buffers read from outside the chain and their nodes (ids).
    outside: Vec<Arc<Buffer>>,
    outside_ids: Vec<u64>,
}

/// Lowers the groups of `chain` into a row schedule, reading results of the chain's own steps
/// from per-block scratch: None when a group cannot be lowered or its launch does not line up
/// with the rows (the steps then run one by one).
fn lower_chain(
    plan: &Plan,
    chain: &RowChain,
    keep: &dyn Fn(u64) -> bool,
    values: &HashMap<u64, Realized>,
) -> Option<LoweredChain> {
    let groups: Vec<&Group> = plan
        .steps
        .get(chain.steps.clone())?
        .iter()
        .map(|s| match s {
            Step::Fused(g) => Some(g),
            Step::Single { .. } | Step::Concat(_) => None,
        })
        .collect::<Option<_>>()?;
    let roots: Vec<NodeRef> = groups.iter().map(|g| g.root.clone()).collect();
    // Stand-ins for the chain's own results, with their full layouts (each its own buffer,
    // so lowering tells them apart); the schedule reads scratch rows instead.
    let mut stand_ins: HashMap<u64, Realized> = HashMap::default();
    for r in &roots {
        let buffer = Buffer::zeros(r.dtype(), 0, "row schedule").ok()?;
        let layout = Layout::contiguous(r.shape());
        stand_ins.insert(
            r.id(),
            Realized {
                buffer: Arc::new(buffer),
                layout,
            },
        );
    }
    let mut outside: Vec<Arc<Buffer>> = Vec::new();
    let mut outside_ids: Vec<u64> = Vec::new();
    let mut steps = Vec::with_capacity(groups.len());
    for g in &groups {
        let value_of = |id: u64| {
            stand_ins
                .get(&id)
                .cloned()
                .or_else(|| values.get(&id).cloned())
        };
        let mut lowered = lower(g, &value_of).ok()?;
        split_rows(&mut lowered.launch, chain.rows);
        let out_len = lowered.launch.output_len(&lowered.kernel)?;
        if out_len != g.root.shape().iter().product::<usize>() {
            return None;
        }
        let mut sources = Vec::with_capacity(lowered.sources.len());
        for (id, buffer) in lowered.sources.iter().zip(&lowered.buffers) {
            sources.push(match roots.iter().position(|r| r.id() == *id) {
                Some(t) => RowSource::Step(t),
                None => RowSource::Outside(match outside_ids.iter().position(|o| o == id) {
                    Some(k) => k,
                    None => {
                        outside_ids.push(*id);
                        outside.push(buffer.clone());
                        outside.len() - 1
                    }
                }),
            });
        }
        steps.push(RowStep {
            row_len: out_len / chain.rows,
            kernel: lowered.kernel,
            launch: lowered.launch,
            sources,
            keep: keep(g.root.id()),
            read_in_chain: false,
        });
    }
    let schedule = RowSchedule::new(steps, chain.rows, chain.block_rows)?;
    Some(LoweredChain {
        schedule,
        roots,
        outside,
        outside_ids,
    })
}

/// A matrix-product epilogue lowered for tiles (see [`crate::epilogue`]).
pub(crate) struct TileLowering {
    pub lowered: Lowered,
    /// Which kernel input is the product.
    pub product_input: usize,
}

/// A buffer with no elements standing for a product not computed yet (the runner reads the
/// finished tiles instead).
pub(crate) fn stand_in(matmul: &Node) -> Result<Realized> {
    Ok(Realized {
        buffer: Arc::new(Buffer::zeros(matmul.dtype(), 0, "matmul epilogue")?),
        layout: Layout::contiguous(matmul.shape()),
    })
}

/// Lowers an epilogue group for tiles: None unless the kernel runs over the product's shape and
/// reads the product once, element for element (no view of it inside the kernel).
fn lower_epilogue(
    group: &Group,
    matmul: &Node,
    values: &HashMap<u64, Realized>,
) -> Option<TileLowering> {
    let product = stand_in(matmul).ok()?;
    let value_of = |id: u64| {
        if id == matmul.id() {
            Some(product.clone())
        } else {
            values.get(&id).cloned()
        }
    };
    let lowered = lower_tiles(group, &value_of).ok()?;
    let reads: Vec<usize> = (0..lowered.sources.len())
        .filter(|&k| lowered.sources[k] == matmul.id())
        .collect();
    let [k] = reads[..] else { return None };
    let fits = lowered.launch.shape == matmul.shape()
        && lowered.launch.layouts[k] == product.layout
        && Arc::ptr_eq(&lowered.buffers[k], &product.buffer)
        && lowered.launch.output_len(&lowered.kernel) == Some(product.layout.size());
    fits.then(|| TileLowering {
        lowered,
        product_input: k,
    })
}

/// Checks what a runner returned for a fused product: the kernel's output and (when kept) the
/// product, each contiguous with its node's shape and dtype.
pub(crate) fn check_epilogue_result(
    root: &Node,
    matmul: &Node,
    keep: bool,
    result: &EpilogueResult,
) -> Result<()> {
    let fits = |r: &Realized, n: &Node| {
        r.layout == Layout::contiguous(n.shape())
            && r.buffer.dtype() == n.dtype()
            && r.buffer.len() == r.layout.size()
    };
    let product_ok = match &result.product {
        Some(p) => keep && fits(p, matmul),
        None => !keep,
    };
    if fits(&result.out, root) && product_ok {
        Ok(())
    } else {
        Err(Error::internal(
            "matmul epilogue",
            "the runner returned a result of another shape or dtype",
        ))
    }
}

/// Runs a product with its epilogue: through the runner's fused GEMM when it takes it, else
/// the product alone (its intrinsic or the evaluator) and then the kernel as a step of its
/// own. Leaves the product in `values` when it is kept.
fn epilogue_step(
    group: &Group,
    product: &Epilogue,
    (plan, prologues): (&Plan, &[Prologue]),
    values: &mut HashMap<u64, Realized>,
    run: KernelRunner<'_>,
    rec: Option<&mut Recording>,
) -> Result<Realized> {
    let m = &product.matmul;
    // Inputs are read before checking `realized`: a product realized meanwhile by another
    // thread evaluating an overlapping graph has dropped them, and is then read as data.
    // Scaled operands are read unscaled (see `crate::prologue`).
    let inputs: Vec<NodeRef> = plan.operand_nodes(m);
    if let Some(r) = m.realized().cloned() {
        values.insert(m.id(), r);
        let (out, _) = fused(group, values, run)?;
        if let Some(rec) = rec {
            rec.replayable = false;
        }
        return Ok(out);
    }
    let operands: Vec<Realized> = inputs
        .iter()
        .map(|i| lookup(i, values))
        .collect::<Result<_>>()?;
    let refs: Vec<&Realized> = operands.iter().collect();
    let scales = crate::prologue::scales(prologues);
    if let Some(tiles) = lower_epilogue(group, m, values) {
        let buffers: Vec<&Buffer> = tiles.lowered.buffers.iter().map(|b| b.as_ref()).collect();
        let epilogue = TileEpilogue {
            kernel: &tiles.lowered.kernel,
            launch: &tiles.lowered.launch,
            inputs: &buffers,
            product_input: tiles.product_input,
            keep_product: product.keep,
            scales,
        };
        if let Some(Ok(result)) = run.matmul_epilogue(m, &refs, &epilogue) {
            check_epilogue_result(&group.root, m, product.keep, &result)?;
            if let Some(p) = result.product {
                values.insert(m.id(), p);
            }
            if let Some(rec) = rec {
                rec.epilogue(&group.root, product, &inputs, tiles, scales);
            }
            return Ok(result.out);
        }
    }
    // Unfused: the product (its scaled operands materialised first), then the kernel reading
    // it.
    let (operands, rec) = match prologues.is_empty() {
        true => (operands, rec),
        false => materialise(plan, m, prologues, values, rec)?,
    };
    let refs: Vec<&Realized> = operands.iter().collect();
    let value = compute_single(m, &refs, run)?;
    values.insert(m.id(), value);
    let (out, lowered) = fused(group, values, run)?;
    if !product.keep {
        values.remove(&m.id());
    }
    if let Some(rec) = rec {
        let plain: Vec<NodeRef> = m.inputs().iter().map(|i| plan.resolve(i)).collect();
        rec.single(m, &plain);
        rec.fused(&group.root, lowered);
    }
    Ok(out)
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
        if run
            .kernel(&lowered.kernel, &lowered.launch, &inputs, out.slot())
            .is_ok()
        {
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
    // Members in an order where each comes after its (resolved) inputs: a post-order walk.
    // Not by node id: a common subexpression may resolve to a node built later than its user.
    let mut members: Vec<NodeRef> = Vec::new();
    let mut stack = vec![(group.root.clone(), false)];
    let mut seen = HashSet::default();
    while let Some((n, expanded)) = stack.pop() {
        if expanded {
            members.push(n);
            continue;
        }
        if !group.members.contains(&n.id()) || !seen.insert(n.id()) {
            continue;
        }
        let inputs: Vec<NodeRef> = n.inputs().iter().map(|i| group.resolve(i)).collect();
        stack.push((n, true));
        stack.extend(inputs.into_iter().map(|i| (i, false)));
    }
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

/// Runs a fused concatenation (see [`crate::concat`]): its kernels write their parts into the
/// output, the other parts are copied. A part whose group cannot be lowered is computed on the
/// evaluator and copied; a run that fails (a launch the runner refuses) is redone by the
/// evaluator's concatenation of the parts.
fn concat_step(
    step: &ConcatStep,
    values: &HashMap<u64, Realized>,
    run: KernelRunner<'_>,
    rec: Option<&mut Recording>,
) -> Result<Realized> {
    let node = &step.node;
    let (outer, _) = geometry(node.shape(), step.axis);
    let inner: usize = node.shape()[step.axis + 1..].iter().product();
    // Parts computed here by the evaluator, and whether the step can be replayed.
    let mut local: HashMap<u64, Realized> = HashMap::default();
    let mut replayable = true;
    let mut parts: Vec<PartPlan<u64>> = Vec::with_capacity(step.parts.len());
    for part in &step.parts {
        let (shape, id) = match part {
            ConcatPart::Kernel(g, None) => (g.root.shape(), g.root.id()),
            ConcatPart::Kernel(g, Some(view)) => (view.shape(), g.root.id()),
            ConcatPart::Copy(n) => (n.shape(), n.id()),
        };
        let width = shape.get(step.axis).copied().unwrap_or(0) * inner;
        let planned = match part {
            ConcatPart::Kernel(g, view) => {
                let value_of = |id: u64| values.get(&id).cloned();
                lower_tiles(g, &value_of)
                    .ok()
                    .and_then(|mut l| {
                        if view.is_some() {
                            // The launch over the reshape's shape: each input's layout
                            // reshaped (None when one cannot be without a copy).
                            l.launch.layouts = l
                                .launch
                                .layouts
                                .iter()
                                .map(|lay| lay.reshape(shape))
                                .collect::<Option<_>>()?;
                            l.launch.shape = shape.to_vec();
                        }
                        Some(l)
                    })
                    .and_then(|l| {
                        kernel_part(l.kernel, l.launch, l.sources, step.axis, outer, width)
                    })
            }
            ConcatPart::Copy(n) => {
                let v = lookup(n, values)?;
                if v.layout.is_c_contiguous() {
                    Some(PartPlan {
                        width,
                        run: PartRun::Copy { source: id },
                    })
                } else {
                    let (kernel, launch) = copy_kernel(&v.buffer, &v.layout);
                    // (A complex part is read as two inputs over its buffer.)
                    let sources = vec![id; kernel.inputs.len()];
                    kernel_part(kernel, launch, sources, step.axis, outer, width)
                }
            }
        };
        let planned = match (planned, part) {
            (Some(p), _) => p,
            (None, ConcatPart::Kernel(g, _)) => {
                // Computed into its own buffer (by its kernel when it runs), then copied.
                replayable = false;
                let (value, _) = fused(g, values, run)?;
                local.insert(id, reshaped(value, shape)?);
                PartPlan {
                    width,
                    run: PartRun::Copy { source: id },
                }
            }
            (None, ConcatPart::Copy(_)) => {
                return Err(Error::internal(
                    "concatenate",
                    "a copied part has no launch",
                ))
            }
        };
        parts.push(planned);
    }
    let reads = step.reads();
    let value_of = |id: u64| -> Result<Realized> {
        if let Some(v) = local.get(&id) {
            return Ok(v.clone());
        }
        match reads.iter().find(|n| n.id() == id) {
            Some(n) => lookup(n, values),
            None => values
                .get(&id)
                .cloned()
                .ok_or_else(|| Error::internal("concatenate", "a part's input is not computed")),
        }
    };
    let buffer_of = |id: u64| value_of(id).map(|v| v.buffer);
    match run_concat(node, step.axis, &parts, &buffer_of, &value_of, run) {
        Ok(value) => {
            if let Some(rec) = rec {
                if replayable {
                    rec.concat(node, step.axis, &parts);
                } else {
                    rec.replayable = false;
                }
            }
            Ok(value)
        }
        Err(_) => {
            if let Some(rec) = rec {
                rec.replayable = false;
            }
            // The evaluator's concatenation of every part, each computed on the evaluator.
            let mut args: Vec<Realized> = Vec::with_capacity(step.parts.len());
            for part in &step.parts {
                args.push(match part {
                    ConcatPart::Kernel(g, view) => match local.get(&g.root.id()) {
                        Some(v) => v.clone(),
                        None => {
                            let value = evaluate_group(g, values)?;
                            match view {
                                Some(v) => reshaped(value, v.shape())?,
                                None => value,
                            }
                        }
                    },
                    ConcatPart::Copy(n) => lookup(n, values)?,
                });
            }
            let refs: Vec<&Realized> = args.iter().collect();
            compute(node, &refs)
        }
    }
}

/// `value` seen with `shape` (a reshape without a copy).
fn reshaped(value: Realized, shape: &[usize]) -> Result<Realized> {
    if value.layout.shape == shape {
        return Ok(value);
    }
    let layout = value
        .layout
        .reshape(shape)
        .ok_or_else(|| Error::internal("concatenate", "a part's result cannot be reshaped"))?;
    Ok(Realized {
        buffer: value.buffer,
        layout,
    })
}
