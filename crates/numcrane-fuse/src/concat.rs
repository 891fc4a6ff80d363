//! Concatenation fused with its producers: each part is written straight into its slice of
//! the output, instead of being computed into a buffer of its own and copied.
//!
//! Without this, `concatenate([sin(a), cos(b)])` is three steps: two kernels each write a
//! temporary, then the reference evaluator allocates the output and copies both in. Here the
//! plan ([`attach`]) gives the concatenation the kernels computing its parts when nothing else
//! reads their results (`Step::Concat`), and the executor runs each such kernel with the
//! concatenation's output as its output:
//!
//! - When every axis before the concatenation axis has length 1 (axis 0 of a C-contiguous
//!   result, the common case), a part is one contiguous range of the output: one launch
//!   writes it, at any size, in parallel inside the runner.
//! - Otherwise a part is `outer` ranges of `width` elements, one per index of the axes before
//!   the concatenation axis (each row of `hstack`). A part whose ranges hold at least
//!   [`DIRECT_MIN`] elements is written by one launch per range (the kernel's launch over the
//!   part's full shape, cut at the concatenation axis), the ranges spread over threads;
//!   narrower parts are computed into a buffer of their own and copied (a launch per short
//!   range would cost more than the copy it saves).
//!
//! A part that is a reshape of such a kernel's result (`stack` adds its new axis so) is
//! written in place the same way: the kernel's elements, in its own row-major order, are the
//! reshape's.
//!
//! Parts that are realized values (leaves, views, results of other steps) are copied natively,
//! in parallel for large outputs: contiguous ones by `memcpy` of each range, strided ones (a
//! slice, a flip, a broadcast) through a one-load kernel written like a computed part. The
//! output is allocated uninitialised (`Buffer::for_overwrite`): its ranges, one per (outer
//! index, part), tile it exactly, and each is written in full (a copy of its length, or a
//! launch whose output length is checked to be the range's) before the result is shared. A
//! kernel the runner refuses makes the whole step fall back to the reference evaluator's
//! concatenation, so the plan changes speed, never answers. Stack, the `*stack` forms, `roll`,
//! `repeat` and `pad` are built on `Op::Concat` and get the same step.
//!
//! `NUMCRANE_CONCAT=0` turns the fused step off (the evaluator's concatenation, as before).

use crate::execute::KernelRunner;
use crate::kernel::{ElementwiseKernel, InnerClass, InputSpec, Instr, InstrKind, Launch};
use crate::lower::collapse;
use crate::plan::{Group, Step};
use numcrane_graph::{
    Buffer, DType, Error, Layout, Node, NodeRef, Op, OutSlot, Realized, Result, ViewOp,
};
use rayon::prelude::*;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::sync::Arc;

/// The fewest elements of one range a part is written in place with when the output has
/// several ranges per part: below this a launch per range costs more than the copy it saves.
pub const DIRECT_MIN: usize = 2048;

/// Bytes of output copied by one task: large outputs are copied in parallel in pieces of
/// about this size.
const COPY_CHUNK: usize = 256 << 10;

/// False when `NUMCRANE_CONCAT=0`: concatenations then run on the reference evaluator, each
/// part computed into its own buffer first. Read once per process.
pub fn enabled() -> bool {
    static ENABLED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ENABLED.get_or_init(|| std::env::var("NUMCRANE_CONCAT").map_or(true, |v| v != "0"))
}

/// A concatenation with its parts written straight into its output.
#[derive(Clone, Debug)]
pub struct ConcatStep {
    /// The `Op::Concat` node.
    pub node: NodeRef,
    /// The concatenation axis.
    pub axis: usize,
    /// One entry per input of the node, in order.
    pub parts: Vec<ConcatPart>,
}

/// How one part of a fused concatenation is produced.
#[derive(Clone, Debug)]
pub enum ConcatPart {
    /// A fused element-wise kernel writing the part into the output (its result is read by
    /// nothing else). With a node: the concatenation reads a reshape of the kernel's result
    /// (`stack` adds the new axis with one), read by nothing else either; the kernel writes its
    /// elements in the reshape's row-major order, which is its own.
    Kernel(Group, Option<NodeRef>),
    /// A value computed by an earlier step or already realized, copied into the output.
    Copy(NodeRef),
}

impl ConcatStep {
    /// The nodes the step reads, each once: the copied parts and the kernels' inputs.
    pub fn reads(&self) -> Vec<NodeRef> {
        let mut out: Vec<NodeRef> = Vec::new();
        for p in &self.parts {
            let nodes: Vec<&NodeRef> = match p {
                ConcatPart::Kernel(g, _) => g.boundaries.iter().collect(),
                ConcatPart::Copy(n) => vec![n],
            };
            for n in nodes {
                if !out.iter().any(|o| o.id() == n.id()) {
                    out.push(n.clone());
                }
            }
        }
        out
    }

    /// The kernels writing parts in place.
    pub fn kernels(&self) -> impl Iterator<Item = &Group> {
        self.parts.iter().filter_map(|p| match p {
            ConcatPart::Kernel(g, _) => Some(g),
            ConcatPart::Copy(_) => None,
        })
    }

    /// One line: `concat[axis 0] <- kernel sin, kernel add, copy`.
    pub fn summary(&self) -> String {
        let parts: Vec<String> = self
            .parts
            .iter()
            .map(|p| match p {
                ConcatPart::Kernel(g, None) => format!("kernel {}", g.root.op().name()),
                ConcatPart::Kernel(g, Some(_)) => {
                    format!("kernel {} (reshaped)", g.root.op().name())
                }
                ConcatPart::Copy(_) => "copy".to_string(),
            })
            .collect();
        format!("concat[axis {}] <- {}", self.axis, parts.join(", "))
    }
}

/// Turns every concatenation computed by a step of its own into a `Step::Concat`, moving into
/// it the fused element-wise kernels computing its parts that nothing else reads (their
/// steps are removed).
pub(crate) fn attach(steps: &mut Vec<Step>, aliases: &HashMap<u64, NodeRef>, roots: &HashSet<u64>) {
    let resolve = |n: &NodeRef| aliases.get(&n.id()).unwrap_or(n).clone();
    // Which steps read each node.
    let mut readers: HashMap<u64, Vec<usize>> = HashMap::default();
    for (i, step) in steps.iter().enumerate() {
        let reads: Vec<u64> = match step {
            Step::Fused(g) => g
                .boundaries
                .iter()
                .map(|b| b.id())
                .chain(g.product.iter().flat_map(|p| {
                    p.matmul
                        .inputs()
                        .iter()
                        .map(|n| resolve(n).id())
                        .collect::<Vec<_>>()
                }))
                .collect(),
            Step::Single { node, .. } => node.inputs().iter().map(|n| resolve(n).id()).collect(),
            Step::Concat(c) => c.reads().iter().map(|n| n.id()).collect(),
        };
        for id in reads {
            let r = readers.entry(id).or_default();
            if !r.contains(&i) {
                r.push(i);
            }
        }
    }
    let step_of: HashMap<u64, usize> = steps
        .iter()
        .enumerate()
        .filter_map(|(i, s)| match s {
            Step::Fused(g) => Some((g.root.id(), i)),
            _ => None,
        })
        .collect();
    let single_of: HashMap<u64, usize> = steps
        .iter()
        .enumerate()
        .filter_map(|(i, s)| match s {
            Step::Single { node, .. } => Some((node.id(), i)),
            _ => None,
        })
        .collect();
    let mut moved: HashSet<usize> = HashSet::default();
    for i in 0..steps.len() {
        let Step::Single { node, .. } = &steps[i] else {
            continue;
        };
        let Op::Concat { axis } = *node.op() else {
            continue;
        };
        if node.error().is_some() || node.realized().is_some() || axis >= node.shape().len() {
            continue;
        }
        let node = node.clone();
        let inputs: Vec<NodeRef> = node.inputs().iter().map(resolve).collect();
        let mut parts = Vec::with_capacity(inputs.len());
        for input in &inputs {
            let once = inputs.iter().filter(|n| n.id() == input.id()).count() == 1;
            let only = |id: u64, step: usize| readers.get(&id).is_some_and(|r| r[..] == [step]);
            // A kernel with fused gathers runs as a launch of its own (its index checks run
            // per whole launch: see `crate::gather`), so it is not cut into part launches.
            let elementwise = |j: usize| {
                matches!(&steps[j], Step::Fused(g) if g.product.is_none()
                    && g.gathers.is_empty()
                    && matches!(g.root.op(), Op::Cast | Op::Unary(_) | Op::Binary(_) | Op::Where))
            };
            // The kernel computing `n`, when only step `reader` reads it.
            let kernel_of = |n: &NodeRef, reader: usize, moved: &HashSet<usize>| {
                step_of.get(&n.id()).copied().filter(|&j| {
                    only(n.id(), reader)
                        && !roots.contains(&n.id())
                        && !moved.contains(&j)
                        && elementwise(j)
                })
            };
            let direct = if once {
                kernel_of(input, i, &moved)
            } else {
                None
            };
            // Or a reshape of a kernel's result (stack's new axis), read only here.
            let reshaped = match (direct, input.op(), single_of.get(&input.id())) {
                (None, Op::View(ViewOp::Reshape(_)), Some(&s))
                    if once && only(input.id(), i) && !roots.contains(&input.id()) =>
                {
                    let source = input.inputs().first().map(resolve);
                    source
                        .and_then(|r| kernel_of(&r, s, &moved))
                        .map(|j| (j, s))
                }
                _ => None,
            };
            match (direct, reshaped) {
                (Some(j), _) => {
                    if let Step::Fused(g) = &steps[j] {
                        parts.push(ConcatPart::Kernel(g.clone(), None));
                        moved.insert(j);
                        continue;
                    }
                }
                (None, Some((j, s))) => {
                    if let Step::Fused(g) = &steps[j] {
                        parts.push(ConcatPart::Kernel(g.clone(), Some(input.clone())));
                        moved.insert(j);
                        moved.insert(s);
                        continue;
                    }
                }
                _ => {}
            }
            parts.push(ConcatPart::Copy(input.clone()));
        }
        steps[i] = Step::Concat(ConcatStep { node, axis, parts });
    }
    let mut i = 0;
    steps.retain(|_| {
        i += 1;
        !moved.contains(&(i - 1))
    });
}

/// How one part is run, with its inputs named by `K` (node ids when executing a plan, node
/// positions when replaying one).
#[derive(Clone, Debug)]
pub(crate) enum PartRun<K> {
    /// No elements: nothing to write.
    Empty,
    /// A kernel writing each of the part's ranges in place: `launch` runs over the part's
    /// full shape (dimensions not merged) and is cut at the concatenation axis into one launch
    /// per range ([`range_launch`]); the kernel's inner classes are those of these launches.
    Direct {
        kernel: ElementwiseKernel,
        launch: Launch,
        sources: Vec<K>,
    },
    /// A kernel computing the part into a buffer of its own (`launch` collapsed), which is then
    /// copied.
    Staged {
        kernel: ElementwiseKernel,
        launch: Launch,
        sources: Vec<K>,
    },
    /// A C-contiguous value copied range by range.
    Copy { source: K },
}

/// A part to run and its number of elements per range (its length along the axis times the
/// product of the axes after it).
#[derive(Clone, Debug)]
pub(crate) struct PartPlan<K> {
    pub width: usize,
    pub run: PartRun<K>,
}

impl<K: Copy> PartPlan<K> {
    /// The part with its inputs renamed by `f`; None when `f` does not know one.
    pub(crate) fn map<J>(&self, f: &mut dyn FnMut(K) -> Option<J>) -> Option<PartPlan<J>> {
        let run = match &self.run {
            PartRun::Empty => PartRun::Empty,
            PartRun::Direct {
                kernel,
                launch,
                sources,
            } => PartRun::Direct {
                kernel: kernel.clone(),
                launch: launch.clone(),
                sources: sources.iter().map(|&s| f(s)).collect::<Option<_>>()?,
            },
            PartRun::Staged {
                kernel,
                launch,
                sources,
            } => PartRun::Staged {
                kernel: kernel.clone(),
                launch: launch.clone(),
                sources: sources.iter().map(|&s| f(s)).collect::<Option<_>>()?,
            },
            PartRun::Copy { source } => PartRun::Copy {
                source: f(*source)?,
            },
        };
        Some(PartPlan {
            width: self.width,
            run,
        })
    }

    /// The values the part reads.
    pub(crate) fn sources(&self) -> Vec<K> {
        match &self.run {
            PartRun::Empty => Vec::new(),
            PartRun::Direct { sources, .. } | PartRun::Staged { sources, .. } => sources.clone(),
            PartRun::Copy { source } => vec![*source],
        }
    }
}

/// `(outer, row)`: the number of ranges per part (the product of the axes before `axis`) and
/// the elements of one output row (all parts' ranges for one outer index).
pub(crate) fn geometry(shape: &[usize], axis: usize) -> (usize, usize) {
    let outer = shape[..axis.min(shape.len())].iter().product();
    let row = shape[axis.min(shape.len())..].iter().product();
    (outer, row)
}

/// The part computed by `kernel` over `launch` (the part's full shape, not collapsed), run in
/// place or staged depending on the size of its ranges.
pub(crate) fn kernel_part<K>(
    mut kernel: ElementwiseKernel,
    launch: Launch,
    sources: Vec<K>,
    axis: usize,
    outer: usize,
    width: usize,
) -> Option<PartPlan<K>> {
    if outer == 0 || width == 0 {
        return Some(PartPlan {
            width,
            run: PartRun::Empty,
        });
    }
    if launch.shape.len() <= axis || launch.reduce_kept.is_some() {
        return None;
    }
    let run = if outer == 1 || width >= DIRECT_MIN {
        let first = range_launch(&launch, axis, 0)?;
        fit_inner_classes(&mut kernel, &first);
        PartRun::Direct {
            kernel,
            launch,
            sources,
        }
    } else {
        let (shape, layouts) = collapse(&launch.shape, &launch.layouts);
        let launch = Launch {
            shape,
            layouts,
            ..launch
        };
        fit_inner_classes(&mut kernel, &launch);
        PartRun::Staged {
            kernel,
            launch,
            sources,
        }
    };
    Some(PartPlan { width, run })
}

/// A kernel reading one input through `layout` (a strided realized part) and storing it: a
/// cast to its own dtype, which every runner computes as the identity. A complex part is read
/// as its two parts (two inputs over the buffer, see `crate::complex`) and stored as a pair.
pub(crate) fn copy_kernel(buffer: &Buffer, layout: &Layout) -> (ElementwiseKernel, Launch) {
    let dtype = buffer.dtype();
    if let Some(copy) = complex_copy_kernel(dtype, layout) {
        return copy;
    }
    let kernel = ElementwiseKernel {
        instrs: vec![
            Instr {
                kind: InstrKind::Load { input: 0 },
                dtype,
            },
            Instr {
                kind: InstrKind::Cast { value: 0 },
                dtype,
            },
        ],
        output: 1,
        inputs: vec![InputSpec {
            dtype,
            inner: InnerClass::Strided,
        }],
        reduce: None,
    };
    let launch = Launch {
        shape: layout.shape.clone(),
        layouts: vec![layout.clone()],
        reduce_kept: None,
        out_offset: 0,
        name: "copy",
        gathers: Vec::new(),
    };
    (kernel, launch)
}

/// [`copy_kernel`] for a complex `dtype`: the real and imaginary parts read through `layout`
/// counted in parts, packed into the output. None for other dtypes, or when the layout in
/// parts overflows (the part is then copied by a kernel the runner refuses, and computed on
/// the evaluator).
fn complex_copy_kernel(dtype: DType, layout: &Layout) -> Option<(ElementwiseKernel, Launch)> {
    if !dtype.is_complex() {
        return None;
    }
    let part = dtype.real_dtype();
    let strides = layout
        .strides
        .iter()
        .map(|s| s.checked_mul(2))
        .collect::<Option<Vec<isize>>>()?;
    let offset = layout.offset.checked_mul(2)?;
    let parts = [offset, offset.checked_add(1)?].map(|offset| Layout {
        shape: layout.shape.clone(),
        strides: strides.clone(),
        offset,
    });
    let load = |input| Instr {
        kind: InstrKind::Load { input },
        dtype: part,
    };
    let spec = InputSpec {
        dtype: part,
        inner: InnerClass::Strided,
    };
    let kernel = ElementwiseKernel {
        instrs: vec![
            load(0),
            load(1),
            Instr {
                kind: InstrKind::Complex { re: 0, im: 1 },
                dtype,
            },
        ],
        output: 2,
        inputs: vec![spec, spec],
        reduce: None,
    };
    let launch = Launch {
        shape: layout.shape.clone(),
        layouts: parts.to_vec(),
        reduce_kept: None,
        out_offset: 0,
        name: "copy",
        gathers: Vec::new(),
    };
    Some((kernel, launch))
}

/// Sets each kernel input's inner class to that of its layout in `launch`.
fn fit_inner_classes(kernel: &mut ElementwiseKernel, launch: &Launch) {
    for (spec, l) in kernel.inputs.iter_mut().zip(&launch.layouts) {
        spec.inner = match l.strides.last() {
            Some(1) | None => InnerClass::Contiguous,
            Some(0) => InnerClass::Broadcast,
            Some(_) => InnerClass::Strided,
        };
    }
}

/// The launch writing range `o` (an outer index, row-major over the axes before `axis`) of a
/// part computed over `full` (its whole shape): the axes from `axis` on, each layout moved to
/// the range's first element, dimensions merged. None if an offset leaves the index space.
pub(crate) fn range_launch(full: &Launch, axis: usize, mut o: usize) -> Option<Launch> {
    let mut moved: Vec<isize> = vec![0; full.layouts.len()];
    for d in (0..axis).rev() {
        let n = full.shape[d];
        let i = isize::try_from(o % n.max(1)).ok()?;
        o /= n.max(1);
        for (m, l) in moved.iter_mut().zip(&full.layouts) {
            *m = m.checked_add(i.checked_mul(*l.strides.get(d)?)?)?;
        }
    }
    let shape = full.shape[axis..].to_vec();
    let layouts: Vec<Layout> = full
        .layouts
        .iter()
        .zip(&moved)
        .map(|(l, &m)| {
            let offset = isize::try_from(l.offset).ok()?.checked_add(m)?;
            Some(Layout {
                shape: shape.clone(),
                strides: l.strides.get(axis..)?.to_vec(),
                offset: usize::try_from(offset).ok()?,
            })
        })
        .collect::<Option<_>>()?;
    let (shape, layouts) = collapse(&shape, &layouts);
    Some(Launch {
        shape,
        layouts,
        reduce_kept: None,
        out_offset: 0,
        name: full.name,
        // Part kernels have no fused gathers (see `attach`).
        gathers: Vec::new(),
    })
}

/// Where a range's bytes are copied from: a C-contiguous buffer region holding the part as
/// `[outer, width]`.
struct Source<'a> {
    buffer: &'a Buffer,
    /// Byte offset of the part's first element.
    start: usize,
}

/// What writes one range of the output.
enum Writer<'a> {
    /// The part's kernel, over its launch cut at the axis.
    Kernel {
        kernel: &'a ElementwiseKernel,
        launch: &'a Launch,
        inputs: Vec<&'a Buffer>,
    },
    /// A copy from a contiguous source.
    Copy(Source<'a>),
    /// Nothing (an empty part).
    None,
}

/// Runs a fused concatenation of `node` along `axis`: `buffer_of` / `value_of` give the
/// values the parts read. Any failure (a launch the runner refuses, a value not as recorded)
/// is an error, and the output, possibly not fully written, is dropped unread.
pub(crate) fn run_concat<K: Copy>(
    node: &Node,
    axis: usize,
    parts: &[PartPlan<K>],
    buffer_of: &dyn Fn(K) -> Result<Arc<Buffer>>,
    value_of: &dyn Fn(K) -> Result<Realized>,
    run: KernelRunner<'_>,
) -> Result<Realized> {
    let internal = |m: &str| Error::internal("concatenate", m.to_string());
    let shape = node.shape();
    let dtype = node.dtype();
    let size = shape.iter().product::<usize>();
    let (outer, row) = geometry(shape, axis);
    if parts.iter().map(|p| p.width).sum::<usize>() != row || axis >= shape.len() {
        return Err(internal("part widths do not add up to the output's rows"));
    }
    let itemsize = dtype.itemsize();
    // Values each part reads: staged parts computed first, into buffers of their own.
    let mut held: Vec<Vec<Arc<Buffer>>> = Vec::with_capacity(parts.len());
    let mut copies: Vec<Option<Realized>> = Vec::with_capacity(parts.len());
    for p in parts {
        let (buffers, copy) = match &p.run {
            PartRun::Empty => (Vec::new(), None),
            PartRun::Direct { sources, .. } => (
                sources
                    .iter()
                    .map(|&s| buffer_of(s))
                    .collect::<Result<_>>()?,
                None,
            ),
            PartRun::Staged {
                kernel,
                launch,
                sources,
            } => {
                let buffers: Vec<Arc<Buffer>> = sources
                    .iter()
                    .map(|&s| buffer_of(s))
                    .collect::<Result<_>>()?;
                let len = outer * p.width;
                if launch.out_offset != 0 || launch.output_len(kernel) != Some(len) {
                    return Err(internal("a staged part's launch does not cover it"));
                }
                // SAFETY: the runner returns Ok only after writing every element of the
                // launch's output, which is all `len` elements (checked above); on Err the
                // buffer is dropped unread.
                let mut out = unsafe { Buffer::for_overwrite(dtype, len, "concatenate")? };
                let inputs: Vec<&Buffer> = buffers.iter().map(|b| b.as_ref()).collect();
                run.kernel(kernel, launch, &inputs, out.slot())?;
                let value = Realized {
                    buffer: Arc::new(out),
                    layout: Layout::contiguous(&[outer, p.width]),
                };
                (Vec::new(), Some(value))
            }
            PartRun::Copy { source } => (Vec::new(), Some(value_of(*source)?)),
        };
        if let Some(v) = &copy {
            let fits = v.buffer.dtype() == dtype
                && v.layout.size() == outer * p.width
                && v.layout.is_c_contiguous()
                && v.layout
                    .offset
                    .checked_add(v.layout.size())
                    .is_some_and(|end| end <= v.buffer.len());
            if !fits {
                return Err(internal(
                    "a copied part is not a contiguous value of its size",
                ));
            }
        }
        held.push(buffers);
        copies.push(copy);
    }
    let writers: Vec<Writer<'_>> = parts
        .iter()
        .zip(&held)
        .zip(&copies)
        .map(|((p, buffers), copy)| match (&p.run, copy) {
            (_, Some(v)) => Writer::Copy(Source {
                buffer: &v.buffer,
                start: v.layout.offset * itemsize,
            }),
            (PartRun::Direct { kernel, launch, .. }, None) => Writer::Kernel {
                kernel,
                launch,
                inputs: buffers.iter().map(|b| b.as_ref()).collect(),
            },
            _ => Writer::None,
        })
        .collect();
    let widths: Vec<usize> = parts.iter().map(|p| p.width).collect();

    // SAFETY: the output's elements are tiled exactly by the ranges (outer index o, part p),
    // in order: `widths` add up to `row` (checked above) and there are `outer` rows. Every
    // range is written in full before the buffer is shared: copies write `width` elements,
    // launches write their output length, checked in `write_range` to equal `width`; an empty
    // part has no elements. If any write fails the buffer is dropped here unread.
    let mut out = unsafe { Buffer::for_overwrite(dtype, size, "concatenate")? };
    if size > 0 {
        let mut jobs: Vec<(OutSlot<'_>, usize, usize, usize)> = Vec::new();
        let mut rest = out.slot();
        if outer == 1 {
            // One range per part: large copies are cut into pieces written in parallel.
            let chunk = (COPY_CHUNK / itemsize).max(1);
            for (p, &w) in widths.iter().enumerate() {
                let piece = match writers[p] {
                    Writer::Copy(_) => chunk,
                    _ => w.max(1),
                };
                let mut at = 0;
                while at < w {
                    let n = piece.min(w - at);
                    let (head, tail) = rest.split_at(n);
                    jobs.push((head, p, 0, at));
                    rest = tail;
                    at += n;
                }
            }
            jobs.into_par_iter().try_for_each(|(slot, p, o, at)| {
                write_range(&writers[p], slot, o, at, widths[p], axis, itemsize, run)
            })?;
        } else {
            // Blocks of whole rows, written in parallel.
            let rows_per_block = (COPY_CHUNK / (row * itemsize).max(1)).clamp(1, outer);
            let mut o = 0;
            while o < outer {
                let n = rows_per_block.min(outer - o);
                let (head, tail) = rest.split_at(n * row);
                jobs.push((head, o, n, 0));
                rest = tail;
                o += n;
            }
            jobs.into_par_iter()
                .try_for_each(|(mut block, first, n, _)| -> Result<()> {
                    for o in first..first + n {
                        for (p, &w) in widths.iter().enumerate() {
                            let (range, tail) = block.split_at(w);
                            write_range(&writers[p], range, o, 0, w, axis, itemsize, run)?;
                            block = tail;
                        }
                    }
                    Ok(())
                })?;
        }
    }
    Ok(Realized {
        buffer: Arc::new(out),
        layout: Layout::contiguous(shape),
    })
}

/// Writes elements `at .. at + slot.len()` of range `o` (of `width` elements) of one part
/// into `slot`. A kernel writes whole ranges only (`at == 0`, `slot.len() == width`).
#[allow(clippy::too_many_arguments)]
fn write_range(
    writer: &Writer<'_>,
    mut slot: OutSlot<'_>,
    o: usize,
    at: usize,
    width: usize,
    axis: usize,
    itemsize: usize,
    run: KernelRunner<'_>,
) -> Result<()> {
    let internal = |m: &str| Error::internal("concatenate", m.to_string());
    match writer {
        Writer::None => {
            if slot.is_empty() {
                Ok(())
            } else {
                Err(internal("an empty part given elements to write"))
            }
        }
        Writer::Copy(src) => {
            let bytes = slot.len() * itemsize;
            let from = src.start + (o * width + at) * itemsize;
            if from + bytes > src.buffer.nbytes() {
                return Err(internal("a copy reaching outside its source"));
            }
            // SAFETY: the source bytes lie inside its buffer (checked above), which is
            // realized (fully initialised) and not written while shared; `slot` holds
            // exactly `bytes` bytes, exclusively borrowed, written through its raw pointer;
            // the two cannot overlap (the output buffer is new).
            unsafe {
                std::ptr::copy_nonoverlapping(
                    src.buffer.as_ptr().add(from),
                    slot.as_mut_ptr(),
                    bytes,
                )
            };
            Ok(())
        }
        Writer::Kernel {
            kernel,
            launch,
            inputs,
        } => {
            let l = range_launch(launch, axis, o)
                .ok_or_else(|| internal("a part's range has no launch"))?;
            if at != 0 || slot.len() != width || l.output_len(kernel) != Some(width) {
                return Err(internal("a part's launch does not cover its range"));
            }
            run.kernel(kernel, &l, inputs, slot.reborrow())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{plan_with, PlanOptions};
    use numcrane_graph::error::SourceLocation;
    use numcrane_graph::UnaryOp;

    fn leaf(shape: &[usize]) -> NodeRef {
        let n: usize = shape.iter().product();
        let values: Vec<f64> = (0..n).map(|i| i as f64 - 3.5).collect();
        let buffer = Buffer::from_slice(&values).unwrap();
        Node::leaf(
            Arc::new(buffer),
            Layout::contiguous(shape),
            SourceLocation::caller(),
        )
    }

    fn node(op: Op, inputs: Vec<NodeRef>, shape: &[usize]) -> NodeRef {
        Node::new(
            op,
            inputs,
            DType::F64,
            shape.to_vec(),
            SourceLocation::caller(),
        )
    }

    fn abs(x: &NodeRef) -> NodeRef {
        node(Op::Unary(UnaryOp::Abs), vec![x.clone()], x.shape())
    }

    fn concat_steps(roots: &[NodeRef], concat: bool) -> Vec<ConcatStep> {
        let options = PlanOptions {
            concat,
            ..PlanOptions::default()
        };
        plan_with(roots, &|_| true, options)
            .steps
            .into_iter()
            .filter_map(|s| match s {
                Step::Concat(c) => Some(c),
                _ => None,
            })
            .collect()
    }

    fn summary(steps: &[ConcatStep]) -> Vec<String> {
        steps.iter().map(|c| c.summary()).collect()
    }

    #[test]
    fn kernels_read_only_by_the_concatenation_move_into_it() {
        let (x, y) = (leaf(&[2, 3]), leaf(&[4, 3]));
        let c = node(Op::Concat { axis: 0 }, vec![abs(&x), y], &[6, 3]);
        let p = plan_with(std::slice::from_ref(&c), &|_| true, PlanOptions::default());
        // One step: the kernel's own step is gone.
        assert_eq!(p.steps.len(), 1, "{}", p.describe());
        assert_eq!(p.kernel_count(), 1);
        assert_eq!(
            summary(&concat_steps(std::slice::from_ref(&c), true)),
            ["concat[axis 0] <- kernel absolute, copy"]
        );
        // Off: the evaluator's step, the kernel separate.
        assert!(concat_steps(&[c], false).is_empty());
    }

    #[test]
    fn kernels_read_elsewhere_are_copied() {
        let x = leaf(&[2, 3]);
        let a = abs(&x);
        // The same kernel twice in one concatenation, and a kernel that is also a root.
        let twice = node(Op::Concat { axis: 1 }, vec![a.clone(), a.clone()], &[2, 6]);
        assert_eq!(
            summary(&concat_steps(&[twice], true)),
            ["concat[axis 1] <- copy, copy"]
        );
        let b = abs(&x);
        let c = node(Op::Concat { axis: 0 }, vec![b.clone(), x.clone()], &[4, 3]);
        assert_eq!(
            summary(&concat_steps(&[c.clone(), b], true)),
            ["concat[axis 0] <- copy, copy"]
        );
        // Read by a second concatenation.
        let e = node(Op::Unary(UnaryOp::Neg), vec![x.clone()], &[2, 3]);
        let c1 = node(Op::Concat { axis: 0 }, vec![e.clone(), x.clone()], &[4, 3]);
        let c2 = node(Op::Concat { axis: 0 }, vec![x, e], &[4, 3]);
        let both = concat_steps(&[c1, c2], true);
        assert_eq!(
            summary(&both),
            [
                "concat[axis 0] <- copy, copy",
                "concat[axis 0] <- copy, copy"
            ]
        );
    }

    #[test]
    fn range_launches_cut_the_part_at_the_axis() {
        // A part [2, 3, 4] read transposed from a [4, 3, 2] buffer, cut at axis 1.
        let layout = Layout::contiguous(&[4, 3, 2]).permute(&[2, 1, 0]);
        let full = Launch {
            shape: vec![2, 3, 4],
            layouts: vec![layout.clone()],
            reduce_kept: None,
            out_offset: 0,
            name: "t",
            gathers: Vec::new(),
        };
        let l = range_launch(&full, 1, 1).unwrap();
        // Range 1 is row 1 of axis 0: elements x[.., .., 1], 12 of them.
        assert_eq!(l.shape.iter().product::<usize>(), 12);
        assert_eq!(l.layouts[0].offset, 1);
        let offsets: Vec<usize> = l.layouts[0].offsets().collect();
        let expected: Vec<usize> = layout
            .offsets()
            .collect::<Vec<_>>()
            .chunks(12)
            .nth(1)
            .unwrap()
            .to_vec();
        assert_eq!(offsets, expected);
    }

    #[test]
    fn complex_parts_are_copied_as_pairs_of_parts() {
        use numcrane_graph::Complex64;
        let values: Vec<Complex64> = (0..12)
            .map(|k| Complex64::new(k as f64, -(k as f64) - 0.5))
            .collect();
        let buffer = Buffer::from_vec(values.clone());
        // The transposed [4, 3] view of a [3, 4] array.
        let layout = Layout::contiguous(&[3, 4]).permute(&[1, 0]);
        let (kernel, launch) = copy_kernel(&buffer, &layout);
        assert_eq!(kernel.inputs.len(), 2);
        let mut out = Buffer::zeros(DType::C128, 12, "test").unwrap();
        crate::interpret::interpret(&kernel, &launch, &[&buffer, &buffer], out.slot()).unwrap();
        let want: Vec<Complex64> = layout.offsets().map(|o| values[o]).collect();
        assert_eq!(out.as_slice::<Complex64>().unwrap(), &want[..]);
    }
}
