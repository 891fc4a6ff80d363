//! Row-fused schedules: consecutive kernels that work row by row run together, block of rows
//! by block of rows, so what one kernel writes the next reads from cache.
//!
//! Softmax over the last axis is four kernels (the max fold, `e = exp(x - max)`, the sum fold
//! of `e`, the division). Run one after the other they stream `x` twice and `e` three times
//! through memory. But each kernel only needs the *same rows* of what the earlier ones
//! computed: row `r` of `e` needs row `r` of `x` and `max[r]`. A *row chain* is a run of
//! consecutive fused steps whose results share their leading dimension (the rows) and that read
//! each other's results only at their own row. It runs by blocks of rows: for rows `r0..r1`
//! every kernel of the chain in turn, on those rows only, writing into a small scratch buffer
//! (at most 128 KiB of float32, in cache) that the next kernels read. Results needed after
//! the chain are written straight into their full buffers (or copied there from scratch when
//! a later kernel of the chain reads them too); the others never exist in full. Inputs from
//! outside stream from memory once per block and are re-read from cache.
//!
//! Planning finds the chains from the graph alone ([`find_row_chains`]); execution lowers the
//! chain's kernels and checks that every launch agrees ([`RowSchedule::new`]), else the steps
//! run one by one as usual. Blocks are a fixed number of rows derived from the shapes and
//! spread over the cores; each block is computed the same way whichever thread runs it, so
//! results do not depend on the number of threads.

use crate::execute::KernelRunner;
use crate::kernel::{ElementwiseKernel, Launch};
use crate::plan::{iteration_size, Group, Step};
use numcrane_graph::{Buffer, DType, Error, Node, NodeRef, Op, OutSlot, Result, ViewOp};
use rayon::prelude::*;
use rustc_hash::FxHashSet as HashSet;
use std::cell::{Cell, RefCell};
use std::ops::Range;

thread_local! {
    /// How many row schedules this thread has run to completion (for tests).
    static RUNS: Cell<usize> = const { Cell::new(0) };
}

/// How many row-fused schedules the calling thread has run so far (tests use it to tell a
/// row schedule from the step-by-step fallback; per thread, so tests running at the same time
/// do not see each other's).
pub fn schedule_runs() -> usize {
    RUNS.with(Cell::get)
}

/// False when `NUMCRANE_ROW_FUSION=0`: row chains then run step by step (to measure what
/// row fusion buys). Read once per process.
pub fn enabled() -> bool {
    static ENABLED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ENABLED.get_or_init(|| std::env::var("NUMCRANE_ROW_FUSION").map_or(true, |v| v != "0"))
}

/// The most loop elements a block holds: 128 KiB of float32 per array, so a block's input,
/// its intermediates and its output stay in the L2 cache, and a block's launches are small
/// enough to run on one thread (each block costs a launch per kernel: on a 16384 x 1024 row
/// standardisation, one thread, 2^13 took 13.3 ms, 2^15 11.4 ms, 2^17 10.5 ms).
pub const BLOCK_ELEMENTS: usize = 1 << 15;

/// Consecutive plan steps run together by blocks of rows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowChain {
    /// The steps (indices into `Plan::steps`).
    pub steps: Range<usize>,
    /// The leading dimension every step's result shares.
    pub rows: usize,
    /// Rows per block.
    pub block_rows: usize,
}

/// The row chains of a plan's steps: maximal runs of fused steps whose results have the same
/// leading dimension (folds not reducing it), where each step reads earlier steps' results
/// only row to row, at least one step reads a whole-row result of another (softmax's
/// `exp(x - max)`; measured: chains passing only per-row values, as a standardisation over
/// rows, ran slower by blocks than step by step), and a row of every loop holds at most
/// `BLOCK_ELEMENTS` elements.
pub(crate) fn find_row_chains(steps: &[Step]) -> Vec<RowChain> {
    let mut chains = Vec::new();
    let mut start = 0;
    while start < steps.len() {
        match chain_from(steps, start) {
            Some(chain) => {
                start = chain.steps.end;
                chains.push(chain);
            }
            None => start += 1,
        }
    }
    chains
}

fn chain_from(steps: &[Step], start: usize) -> Option<RowChain> {
    // A matrix product's epilogue runs inside the GEMM, not by blocks of rows.
    let Some(Step::Fused(first)) = steps.get(start).filter(|s| !is_epilogue(s)) else {
        return None;
    };
    let (rows, mut width) = rows_of(first)?;
    let mut produced: HashSet<u64> = std::iter::once(first.root.id()).collect();
    // Whether a later step reads a whole-row result of an earlier one (more than one element
    // per row): what the chain keeps out of memory. Per-row values alone (a row's mean) are
    // small, and their kernels read their inputs from cache anyway.
    let mut linked = false;
    let mut end = start + 1;
    while let Some(Step::Fused(g)) = steps.get(end).filter(|s| !is_epilogue(s)) {
        match rows_of(g) {
            Some((r, w)) if r == rows && reads_own_rows(g, &produced) => {
                linked |= g
                    .boundaries
                    .iter()
                    .any(|b| produced.contains(&b.id()) && elements(b) > rows);
                width = width.max(w);
                produced.insert(g.root.id());
                end += 1;
            }
            _ => break,
        }
    }
    linked.then(|| RowChain {
        steps: start..end,
        rows,
        block_rows: (BLOCK_ELEMENTS / width).clamp(1, rows),
    })
}

fn is_epilogue(step: &Step) -> bool {
    matches!(step, Step::Fused(g) if g.product.is_some())
}

fn elements(n: &Node) -> usize {
    n.shape().iter().product()
}

/// The rows of a kernel's result (its leading dimension, at least 2, not reduced) and the
/// loop elements per row, when a row fits a block.
fn rows_of(g: &Group) -> Option<(usize, usize)> {
    // A fused gather's launch describes whole gathers (its index checks run per launch).
    if !g.gathers.is_empty() {
        return None;
    }
    let rows = *g.root.shape().first()?;
    if let Op::Reduce { axes, .. } = g.root.op() {
        if axes.contains(&0) {
            return None;
        }
    }
    let width = iteration_size(&g.root) / rows.max(1);
    (rows >= 2 && (1..=BLOCK_ELEMENTS).contains(&width)).then_some((rows, width))
}

/// True when every path from the kernel's root to a value in `produced` keeps the rows
/// aligned: row `r` of the root reads only row `r` of that value.
fn reads_own_rows(g: &Group, produced: &HashSet<u64>) -> bool {
    let mut seen: HashSet<(u64, bool)> = HashSet::default();
    visit(g, &g.root, true, produced, &mut seen)
}

fn visit(
    g: &Group,
    node: &NodeRef,
    aligned: bool,
    produced: &HashSet<u64>,
    seen: &mut HashSet<(u64, bool)>,
) -> bool {
    if !seen.insert((node.id(), aligned)) {
        return true;
    }
    node.inputs().iter().all(|input| {
        let input = g.resolve(input);
        let aligned = aligned && keeps_rows(node, &input);
        if g.members.contains(&input.id()) && input.realized().is_none() {
            visit(g, &input, aligned, produced, seen)
        } else {
            aligned || !produced.contains(&input.id())
        }
    })
}

/// True when row `r` (leading index) of `node` depends only on row `r` of its input `input`.
fn keeps_rows(node: &Node, input: &Node) -> bool {
    let (ns, is) = (node.shape(), input.shape());
    let same_lead = !ns.is_empty() && ns.first() == is.first();
    let same_rank = ns.len() == is.len();
    same_lead
        && match node.op() {
            Op::Reduce { axes, .. } => !axes.contains(&0),
            Op::Cast | Op::Unary(_) | Op::Binary(_) | Op::Where => same_rank,
            // Row-major order is kept by reshapes, so equal leading dims map rows to rows.
            Op::View(ViewOp::Reshape(_)) => true,
            Op::View(ViewOp::Permute(p)) => p.first() == Some(&0),
            Op::View(ViewOp::Broadcast(_)) => same_rank,
            Op::View(ViewOp::Slice(specs)) => specs
                .first()
                .is_some_and(|&(start, step, _)| start == 0 && step == 1),
            _ => false,
        }
}

/// Where a kernel of a row schedule reads one of its inputs from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RowSource {
    /// The result of an earlier step of the schedule, by step index (its scratch rows).
    Step(usize),
    /// A buffer from outside the chain, by index into the schedule's outside buffers.
    Outside(usize),
}

/// One kernel of a row schedule.
#[derive(Debug)]
pub(crate) struct RowStep {
    pub kernel: ElementwiseKernel,
    /// The launch over all rows (its leading dimension is the rows).
    pub launch: Launch,
    /// Per kernel input, where its buffer comes from.
    pub sources: Vec<RowSource>,
    /// Elements of the step's result per row.
    pub row_len: usize,
    /// Whether the full result is needed after the chain (else it lives in scratch only).
    pub keep: bool,
    /// Whether a later step of the chain reads it (set by [`RowSchedule::new`]).
    pub read_in_chain: bool,
}

/// A row chain lowered to kernels and launches whose rows line up.
#[derive(Debug)]
pub(crate) struct RowSchedule {
    pub steps: Vec<RowStep>,
    pub rows: usize,
    pub block_rows: usize,
}

impl RowSchedule {
    /// The schedule, when every launch runs over the rows in its leading dimension, writes
    /// its result row by row, and reads earlier steps' results only within its own row.
    pub(crate) fn new(mut steps: Vec<RowStep>, rows: usize, block_rows: usize) -> Option<Self> {
        if rows == 0 || block_rows == 0 {
            return None;
        }
        for s in 0..steps.len() {
            let read = steps
                .iter()
                .any(|t| t.sources.contains(&RowSource::Step(s)));
            steps[s].read_in_chain = read;
        }
        for (s, step) in steps.iter().enumerate() {
            let launch = &step.launch;
            let out_len = launch.output_len(&step.kernel)?;
            let rows_ok = launch.shape.first() == Some(&rows)
                && launch.reduce_kept.is_none_or(|k| k >= 1)
                && launch.out_offset == 0
                && step.row_len > 0
                && out_len == rows.checked_mul(step.row_len)?
                && step.sources.len() == launch.layouts.len()
                && launch.layouts.iter().all(|l| l.shape == launch.shape);
            if !rows_ok {
                return None;
            }
            for (layout, source) in launch.layouts.iter().zip(&step.sources) {
                let RowSource::Step(t) = *source else {
                    continue;
                };
                let producer = steps.get(t).filter(|_| t < s)?;
                let row_len = producer.row_len as isize;
                // Row r reads elements offset + r*row_len + (within the row) only.
                let (mut lo, mut hi) = (layout.offset as isize, layout.offset as isize);
                for (&n, &st) in layout.shape.iter().zip(&layout.strides).skip(1) {
                    let reach = (n as isize - 1) * st;
                    if reach < 0 {
                        lo += reach;
                    } else {
                        hi += reach;
                    }
                }
                if layout.strides.first() != Some(&row_len) || lo < 0 || hi >= row_len {
                    return None;
                }
            }
        }
        Some(RowSchedule {
            steps,
            rows,
            block_rows,
        })
    }

    /// Runs the schedule reading `outside` buffers; returns the full result of every step
    /// marked `keep` (None for the others).
    pub(crate) fn run(
        &self,
        outside: &[&Buffer],
        run: KernelRunner<'_>,
    ) -> Result<Vec<Option<Buffer>>> {
        let started = (numcrane_graph::trace::debug_level() >= 1).then(std::time::Instant::now);
        let mut kept: Vec<Option<Buffer>> = Vec::with_capacity(self.steps.len());
        for step in &self.steps {
            kept.push(if step.keep {
                let len = self.rows * step.row_len;
                // SAFETY: the blocks below write every row of this result through its slot
                // (blocks cover rows 0..rows); the buffer is returned only when all blocks
                // succeeded, and dropped unread otherwise.
                Some(unsafe {
                    Buffer::for_overwrite(step.kernel.out_dtype(), len, step.launch.name)?
                })
            } else {
                None
            });
        }
        // Tasks take consecutive blocks; each writes its rows of the kept results through
        // its own slots.
        let blocks = self.rows.div_ceil(self.block_rows);
        let tasks = blocks.min(4 * rayon::current_num_threads().max(1));
        let spans: Vec<Range<usize>> = (0..tasks)
            .map(|t| t * blocks / tasks..(t + 1) * blocks / tasks)
            .collect();
        let mut slots: Vec<Vec<Option<OutSlot<'_>>>> = spans.iter().map(|_| Vec::new()).collect();
        for (buffer, step) in kept.iter_mut().zip(&self.steps) {
            let mut rest = buffer.as_mut().map(|b| b.slot());
            for (span, task) in spans.iter().zip(&mut slots) {
                task.push(rest.take().map(|r| {
                    let (mine, others) = r.split_at(self.rows_of(span) * step.row_len);
                    rest = Some(others);
                    mine
                }));
            }
        }
        slots
            .into_par_iter()
            .zip(spans)
            .try_for_each(|(slots, span)| {
                let scratch: Vec<Buffer> = self
                    .steps
                    .iter()
                    .zip(&slots)
                    .map(|(s, slot)| {
                        // Results written straight to their slot need no scratch.
                        let direct = slot.is_some() && !s.read_in_chain;
                        let len = if direct {
                            0
                        } else {
                            self.block_rows * s.row_len
                        };
                        take_scratch(s.kernel.out_dtype(), len)
                    })
                    .collect::<Result<_>>()?;
                let mut task = Task {
                    first_row: span.start * self.block_rows,
                    scratch,
                    // Each block's launches are these, with the rows changed in place.
                    launches: self.steps.iter().map(|s| s.launch.clone()).collect(),
                    slots,
                };
                // One debug line for the schedule (below), not one per block and kernel.
                let result = numcrane_graph::trace::quietly(|| {
                    for block in span {
                        self.run_block(block, &mut task, outside, run)?;
                    }
                    Ok(())
                });
                give_back_scratch(task.scratch);
                result
            })?;
        RUNS.with(|r| r.set(r.get() + 1));
        if let Some(t) = started {
            let names: Vec<&str> = self.steps.iter().map(|s| s.launch.name).collect();
            eprintln!(
                "numcrane: ran a row schedule of {} kernels ({}) over {} rows, {} blocks of {} \
                 rows, in {:.3} ms",
                self.steps.len(),
                names.join(", "),
                self.rows,
                blocks,
                self.block_rows,
                t.elapsed().as_secs_f64() * 1e3
            );
        }
        Ok(kept)
    }

    /// How many rows the blocks `span` hold.
    fn rows_of(&self, span: &Range<usize>) -> usize {
        let end = (span.end * self.block_rows).min(self.rows);
        end.saturating_sub(span.start * self.block_rows)
    }

    /// Computes the rows of block `block` for every step: into the step's slot (rows from
    /// `first_row` on) when its result is kept and no later step reads it, else into scratch,
    /// copied to the slot when kept.
    fn run_block(
        &self,
        block: usize,
        task: &mut Task<'_>,
        outside: &[&Buffer],
        run: KernelRunner<'_>,
    ) -> Result<()> {
        let r0 = block * self.block_rows;
        let n = self.block_rows.min(self.rows - r0);
        let Task {
            first_row,
            scratch,
            launches,
            slots,
        } = task;
        let first_row = *first_row;
        for ((s, step), launch) in self.steps.iter().enumerate().zip(launches.iter_mut()) {
            block_launch(step, r0, n, launch)?;
            let (earlier, rest) = scratch.split_at_mut(s);
            let inputs: Vec<&Buffer> = step
                .sources
                .iter()
                .map(|src| match *src {
                    RowSource::Step(t) => &earlier[t],
                    RowSource::Outside(k) => outside[k],
                })
                .collect();
            let at = (r0 - first_row) * step.row_len;
            match &mut slots[s] {
                Some(slot) if !step.read_in_chain => {
                    launch.out_offset = at;
                    run.kernel(&step.kernel, launch, &inputs, slot.reborrow())?;
                }
                slot => {
                    let out = &mut rest[0];
                    run.kernel(&step.kernel, launch, &inputs, out.slot())?;
                    if let Some(slot) = slot {
                        let len = n * step.row_len;
                        if at + len > slot.len() || len > out.len() {
                            return Err(Error::internal("row schedule", "rows outside a slot"));
                        }
                        let itemsize = out.dtype().itemsize();
                        // SAFETY: the run returned Ok, so it wrote elements 0..len of `out`,
                        // whose dtype is the slot's (both the kernel's output dtype); the
                        // slot holds elements at..at+len (checked above) and is this task's
                        // alone; scratch and slot are different allocations.
                        unsafe {
                            std::ptr::copy_nonoverlapping(
                                out.as_ptr(),
                                slot.as_mut_ptr().add(at * itemsize),
                                len * itemsize,
                            );
                        }
                    }
                }
            }
        }
        Ok(())
    }
}

/// What one task (a run of consecutive blocks) works with.
struct Task<'s> {
    /// The first row of the task's first block: where its slots start.
    first_row: usize,
    /// Per step, the block's rows of its result (empty when written straight to its slot).
    scratch: Vec<Buffer>,
    /// Per step, the launch of the current block.
    launches: Vec<Launch>,
    /// Per step, the task's rows of the step's kept result.
    slots: Vec<Option<OutSlot<'s>>>,
}

thread_local! {
    /// Each thread's scratch buffers between schedules: allocating and freeing them per call
    /// makes the allocator return and re-fault their pages every time.
    static SCRATCH: RefCell<Vec<Buffer>> = const { RefCell::new(Vec::new()) };
}

/// The most scratch buffers a thread keeps.
const SCRATCH_KEPT: usize = 16;

/// A scratch buffer of `dtype` with at least `len` elements (initialised: zeros or values of
/// an earlier schedule), from this thread's cache when it has one.
fn take_scratch(dtype: DType, len: usize) -> Result<Buffer> {
    let cached = SCRATCH.with(|cache| {
        let mut cache = cache.borrow_mut();
        let fit = cache
            .iter()
            .position(|b| b.dtype() == dtype && b.len() >= len)?;
        Some(cache.swap_remove(fit))
    });
    match cached {
        Some(b) => Ok(b),
        None => Buffer::zeros(dtype, len, "row schedule"),
    }
}

/// Returns scratch buffers to this thread's cache (the largest ones are kept).
fn give_back_scratch(buffers: Vec<Buffer>) {
    SCRATCH.with(|cache| {
        let mut cache = cache.borrow_mut();
        cache.extend(buffers.into_iter().filter(|b| !b.is_empty()));
        cache.sort_by_key(|b| std::cmp::Reverse(b.nbytes()));
        cache.truncate(SCRATCH_KEPT);
    });
}

/// Undoes the merging of the rows with the dimensions after them: lowering collapses
/// dimensions every input walks contiguously, so a launch over `rows` rows may have a leading
/// dimension of `rows * k`, which is split back into `[rows, k]` (for a fold, both kept).
pub(crate) fn split_rows(launch: &mut Launch, rows: usize) {
    let Some(&first) = launch.shape.first() else {
        return;
    };
    if rows == 0 || first == rows || first % rows != 0 {
        return;
    }
    let k = first / rows;
    launch.shape.splice(0..1, [rows, k]);
    for layout in &mut launch.layouts {
        let Some(&stride) = layout.strides.first() else {
            continue;
        };
        layout.shape.splice(0..1, [rows, k]);
        layout.strides.splice(0..1, [stride * k as isize, stride]);
    }
    if let Some(kept) = &mut launch.reduce_kept {
        *kept += 1;
    }
}

/// Makes `launch` (a copy of the step's) the launch of rows `r0..r0+n`: outside inputs start
/// at row `r0`, earlier steps' results at the scratch's first row.
fn block_launch(step: &RowStep, r0: usize, n: usize, launch: &mut Launch) -> Result<()> {
    launch.shape[0] = n;
    launch.out_offset = 0;
    let whole = step.launch.layouts.iter().zip(&step.sources);
    for (layout, (full, source)) in launch.layouts.iter_mut().zip(whole) {
        layout.shape[0] = n;
        if let RowSource::Outside(_) = source {
            // The address of element (r0, 0, ...): inside the input, so not negative.
            layout.offset = (r0 as isize)
                .checked_mul(full.strides[0])
                .and_then(|d| (full.offset as isize).checked_add(d))
                .and_then(|s| usize::try_from(s).ok())
                .ok_or_else(|| Error::internal("row schedule", "a block outside its input"))?;
        }
    }
    Ok(())
}
