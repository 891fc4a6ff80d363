//! Lowering a planned group to the kernel IR, once its inputs are realized.
//!
//! The group's nodes become SSA instructions. Views inside the group are not instructions:
//! they are pushed down to the group's inputs, where they compose with each input's own
//! layout into the index map the loop reads it through (a transposed sum of a flipped input is
//! one strided read, no intermediate). Constants become immediates. Finally dimensions that
//! every index map walks contiguously are merged, so most loops run over one long row.

use crate::complex::Pair;
use crate::kernel::{
    scalar_bits, ElementwiseKernel, GatherAxis, InnerClass, InputSpec, Instr, InstrKind, Launch,
    ReduceInner, Reduction, ValueId,
};
use crate::plan::Group;
use numcrane_graph::error::SourceLocation;
use numcrane_graph::eval::{compute, values};
use numcrane_graph::{
    with_dtype, Buffer, DType, Element, Layout, Node, NodeRef, Op, Realized, Scalar, ViewOp,
};
use rustc_hash::FxHashMap as HashMap;
use std::sync::Arc;

/// Why a group could not be lowered (the caller then evaluates it op by op).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LowerError {
    /// A reshape inside the group cannot be expressed as an index map of an input's layout.
    ReshapeNeedsCopy,
    /// A boundary node has no realized value (a planning bug).
    MissingInput(u64),
    /// The group's root is not an element-wise op or a reduction (a planning bug).
    NotElementwise,
    /// A reduction of zero elements (the evaluator writes its identities).
    EmptyReduction,
    /// A gather inside the group that the kernel cannot express: seen through a view, inside
    /// a fold, or with operands that do not fit it (a planning bug).
    Gather,
    /// A complex value the kernel cannot express: an op without a lowering (see
    /// [`crate::complex::lowerable`]), a complex fold, or a layout whose strides in parts
    /// overflow.
    Complex,
}

/// A lowered group: the kernel, its launch, and the buffers of its inputs in `Load` order.
pub struct Lowered {
    /// The loop's structure (the cache key).
    pub kernel: ElementwiseKernel,
    /// Shape and index maps of this run.
    pub launch: Launch,
    /// The input buffers, one per kernel input.
    pub buffers: Vec<Arc<Buffer>>,
    /// The node each input buffer is read from (its id), one per kernel input.
    pub sources: Vec<u64>,
}

pub(crate) struct Builder<'a> {
    pub(crate) group: &'a Group,
    values: &'a dyn Fn(u64) -> Option<Realized>,
    pub(crate) instrs: Vec<Instr>,
    inputs: Vec<(Arc<Buffer>, Layout)>,
    sources: Vec<u64>,
    memo: HashMap<(u64, Vec<ViewOp>), ValueId>,
    /// The parts of complex values (see [`crate::complex`]), like `memo`.
    pub(crate) complex_memo: HashMap<(u64, Vec<ViewOp>), Pair>,
    /// Per gather instruction, in order: its indexed axes (see `Launch::gathers`).
    gathers: Vec<Vec<GatherAxis>>,
}

/// Lowers `group`; `values(id)` gives the realized value of a boundary node. Identical
/// instructions are computed once.
pub fn lower(
    group: &Group,
    values: &dyn Fn(u64) -> Option<Realized>,
) -> Result<Lowered, LowerError> {
    lower_with(group, values, true)
}

/// [`lower`] for an element-wise group without merging dimensions: the launch has the root's
/// shape and every layout its full rank, so a runner can cut it into tiles by row and column
/// (a matrix-product epilogue, see [`crate::epilogue`]). Each input's inner class is that of
/// the last dimension.
pub fn lower_tiles(
    group: &Group,
    values: &dyn Fn(u64) -> Option<Realized>,
) -> Result<Lowered, LowerError> {
    if matches!(group.root.op(), Op::Reduce { .. }) {
        return Err(LowerError::NotElementwise);
    }
    lower_with(group, values, false)
}

fn lower_with(
    group: &Group,
    values: &dyn Fn(u64) -> Option<Realized>,
    merge: bool,
) -> Result<Lowered, LowerError> {
    let root = &group.root;
    let (value_node, reduction) = match root.op() {
        Op::Cast | Op::Unary(_) | Op::Binary(_) | Op::Where => (root.clone(), None),
        Op::Reduce { op, axes, .. } => {
            let input = root.inputs().first().map(|i| group.resolve(i));
            let input = input.ok_or(LowerError::MissingInput(root.id()))?;
            (input, Some((*op, axes.clone())))
        }
        _ => return Err(LowerError::NotElementwise),
    };
    let mut b = Builder {
        group,
        values,
        instrs: Vec::new(),
        inputs: Vec::new(),
        sources: Vec::new(),
        memo: HashMap::default(),
        complex_memo: HashMap::default(),
        gathers: Vec::new(),
    };
    let output = if value_node.dtype().is_complex() {
        // A complex result: its parts, stored interleaved.
        if reduction.is_some() {
            return Err(LowerError::Complex);
        }
        let Pair { re, im } = b.complex_value(&value_node, &[])?;
        b.push(InstrKind::Complex { re, im }, value_node.dtype())
    } else {
        b.value(&value_node, &[])?
    };
    let shape = value_node.shape().to_vec();
    let mut layouts: Vec<Layout> = b.inputs.iter().map(|(_, l)| l.clone()).collect();
    let (shape, layouts, reduce, reduce_kept) = match reduction {
        None if merge => {
            let (shape, layouts) = collapse(&shape, &layouts);
            (shape, layouts, None, None)
        }
        None => (shape, layouts, None, None),
        Some((op, axes)) => {
            if shape.contains(&0) {
                // An empty fold only writes identities: not worth a kernel.
                return Err(LowerError::EmptyReduction);
            }
            layouts.push(reduced_output_layout(&shape, &axes));
            let (shape, layouts) = collapse(&shape, &layouts);
            let (shape, mut layouts, kept) = kept_dims_first(shape, layouts);
            let out = layouts.pop().ok_or(LowerError::NotElementwise)?;
            let inner = if out.strides.last() == Some(&0) {
                ReduceInner::Row
            } else {
                ReduceInner::Columns
            };
            // Gathers run in row folds only (the plan admits them where the last axis is
            // reduced; a unit last axis collapsed away can still make a column fold).
            if inner == ReduceInner::Columns && !b.gathers.is_empty() {
                return Err(LowerError::Gather);
            }
            (shape, layouts, Some(Reduction { op, inner }), Some(kept))
        }
    };
    let specs = b
        .inputs
        .iter()
        .zip(&layouts)
        .map(|((buf, _), l)| InputSpec {
            // A complex buffer is only ever read as its parts (see `crate::complex`).
            dtype: buf.dtype().real_dtype(),
            inner: inner_class(l),
        })
        .collect();
    Ok(Lowered {
        kernel: ElementwiseKernel {
            instrs: b.instrs,
            output,
            inputs: specs,
            reduce,
        },
        launch: Launch {
            shape,
            layouts,
            reduce_kept,
            out_offset: 0,
            name: root.op().name(),
            gathers: b.gathers,
        },
        buffers: b.inputs.into_iter().map(|(buf, _)| buf).collect(),
        sources: b.sources,
    })
}

/// Where element `i` of a reduction's input lands in its (row-major) output: stride 0 along
/// the reduced `axes`.
fn reduced_output_layout(shape: &[usize], axes: &[usize]) -> Layout {
    let mut strides = vec![0isize; shape.len()];
    let mut step = 1isize;
    for d in (0..shape.len()).rev() {
        if !axes.contains(&d) {
            strides[d] = step;
            step = step.saturating_mul(shape[d] as isize);
        }
    }
    Layout {
        shape: shape.to_vec(),
        strides,
        offset: 0,
    }
}

/// Reorders the outer dimensions of a collapsed reduction launch (the last layout is the
/// output's) to `[kept..., reduced..., inner]`, so the folds of one output are consecutive.
/// Returns the number of kept outer dimensions.
fn kept_dims_first(shape: Vec<usize>, layouts: Vec<Layout>) -> (Vec<usize>, Vec<Layout>, usize) {
    let nd = shape.len();
    let out = &layouts[layouts.len() - 1];
    let outer = 0..nd.saturating_sub(1);
    let mut perm: Vec<usize> = outer.clone().filter(|&d| out.strides[d] != 0).collect();
    let kept = perm.len();
    perm.extend(outer.filter(|&d| out.strides[d] == 0));
    perm.extend(nd.checked_sub(1));
    let shape = perm.iter().map(|&d| shape[d]).collect();
    let layouts = layouts.iter().map(|l| l.permute(&perm)).collect();
    (shape, layouts, kept)
}

impl Builder<'_> {
    /// Appends an instruction, or returns the identical one already computed (value
    /// numbering: `exp(x) + exp(x)` built as two nodes computes `exp(x)` once).
    pub(crate) fn push(&mut self, kind: InstrKind, dtype: numcrane_graph::DType) -> ValueId {
        // Constant folding: an op of constants is computed once, here, not per element.
        let kind = match fold_constants(&self.instrs, &kind, dtype) {
            Some(value) => InstrKind::Const(value),
            None => kind,
        };
        let instr = Instr { kind, dtype };
        if let Some(existing) = self.instrs.iter().position(|i| same_instr(i, &instr)) {
            return existing;
        }
        self.instrs.push(instr);
        self.instrs.len() - 1
    }

    /// The value of `node` seen through `views` (outermost first).
    pub(crate) fn value(
        &mut self,
        node: &NodeRef,
        views: &[ViewOp],
    ) -> Result<ValueId, LowerError> {
        let node = &self.group.resolve(node);
        let key = (node.id(), views.to_vec());
        if let Some(&v) = self.memo.get(&key) {
            return Ok(v);
        }
        // Complex values are pairs of real ones (`complex_value`).
        if node.dtype().is_complex() {
            return Err(LowerError::Complex);
        }
        // Inputs are read before checking `realized`: a node realized meanwhile by another
        // thread has dropped its inputs, and then it is read as data instead.
        let inputs = node.inputs();
        let v = if !self.group.members.contains(&node.id()) || node.realized().is_some() {
            self.load(node, views)?
        } else if let Some(v) = self.real_of_complex(node, views)? {
            v
        } else {
            let input = |i: usize| {
                inputs
                    .get(i)
                    .cloned()
                    .ok_or(LowerError::MissingInput(node.id()))
            };
            match node.op() {
                Op::Full(s) => self.push(InstrKind::Const(*s), node.dtype()),
                Op::View(v) => {
                    let mut deeper = views.to_vec();
                    deeper.push(v.clone());
                    self.value(&input(0)?, &deeper)?
                }
                Op::Cast => {
                    let value = self.value(&input(0)?, views)?;
                    self.push(InstrKind::Cast { value }, node.dtype())
                }
                Op::Unary(op) => {
                    let value = self.value(&input(0)?, views)?;
                    self.push(InstrKind::Unary { op: *op, value }, node.dtype())
                }
                Op::Binary(op) => {
                    let lhs = self.value(&input(0)?, views)?;
                    let rhs = self.value(&input(1)?, views)?;
                    self.push(InstrKind::Binary { op: *op, lhs, rhs }, node.dtype())
                }
                Op::Where => {
                    let cond = self.value(&input(0)?, views)?;
                    let then = self.value(&input(1)?, views)?;
                    let otherwise = self.value(&input(2)?, views)?;
                    self.push(
                        InstrKind::Where {
                            cond,
                            then,
                            otherwise,
                        },
                        node.dtype(),
                    )
                }
                Op::Gather { axes, at, mode, .. } => {
                    if !views.is_empty() {
                        return Err(LowerError::Gather);
                    }
                    self.gather(node, &inputs, axes, *at, *mode)?
                }
                _ => self.load(node, views)?,
            }
        };
        self.memo.insert(key, v);
        Ok(v)
    }

    /// The realized value of a boundary node.
    pub(crate) fn realized(&self, node: &NodeRef) -> Result<Realized, LowerError> {
        node.realized()
            .cloned()
            .or_else(|| (self.values)(node.id()))
            .ok_or(LowerError::MissingInput(node.id()))
    }

    /// A fused gather (`Op::Gather` computed inside the loop, seen through no view): its
    /// source and index arrays are boundaries. The source is read through a layout over the
    /// gather's output shape that walks the source's remaining axes (stride 0 along the index
    /// dimensions); each index array through one that walks its own shape along the index
    /// dimensions (stride 0 along the remaining axes). The indexed axes' strides and lengths
    /// go to the launch.
    fn gather(
        &mut self,
        node: &NodeRef,
        inputs: &[NodeRef],
        axes: &[usize],
        at: usize,
        mode: numcrane_graph::IndexMode,
    ) -> Result<ValueId, LowerError> {
        let (source, indices) = inputs.split_first().ok_or(LowerError::Gather)?;
        let source = self.realized(&self.group.resolve(source))?;
        let src = &source.layout;
        let out_shape = node.shape();
        let index_shape = indices
            .first()
            .map(|i| i.shape().to_vec())
            .unwrap_or_default();
        let rest: Vec<usize> = (0..src.shape.len()).filter(|a| !axes.contains(a)).collect();
        let fits = !indices.is_empty()
            && indices.len() == axes.len()
            && axes.iter().all(|&a| a < src.shape.len())
            && at <= rest.len()
            && out_shape.len() == rest.len() + index_shape.len()
            && indices
                .iter()
                .all(|i| i.shape() == index_shape && i.dtype() == DType::I64);
        if !fits {
            return Err(LowerError::Gather);
        }
        let ni = index_shape.len();
        // Output dimension d reads remaining axis rest[d] before the index dimensions and
        // rest[d - ni] after them.
        let strides = (0..out_shape.len())
            .map(|d| match d {
                d if d < at => src.strides[rest[d]],
                d if d < at + ni => 0,
                d => src.strides[rest[d - ni]],
            })
            .collect();
        let layout = Layout {
            shape: out_shape.to_vec(),
            strides,
            offset: src.offset,
        };
        // Never shared with a plain read of the same buffer and layout: the gather adds the
        // indexed offsets to every element.
        self.inputs.push((source.buffer.clone(), layout));
        self.sources.push(self.group.resolve(&inputs[0]).id());
        let input = self.inputs.len() - 1;
        let mut values = Vec::with_capacity(indices.len());
        for index in indices {
            let index = self.group.resolve(index);
            let realized = self.realized(&index)?;
            let il = &realized.layout;
            if il.shape != index_shape {
                return Err(LowerError::Gather);
            }
            let strides = (0..out_shape.len())
                .map(|d| match d {
                    d if d < at || d >= at + ni => 0,
                    d => il.strides[d - at],
                })
                .collect();
            let layout = Layout {
                shape: out_shape.to_vec(),
                strides,
                offset: il.offset,
            };
            values.push(self.load_layout(&index, &realized, layout));
        }
        self.gathers.push(
            axes.iter()
                .map(|&a| GatherAxis {
                    stride: src.strides[a],
                    len: src.shape[a],
                })
                .collect(),
        );
        Ok(self.push(
            InstrKind::Gather {
                input,
                indices: values,
                mode,
            },
            node.dtype(),
        ))
    }

    /// A boundary read through `views`: compose the views (innermost first) with its layout.
    fn load(&mut self, node: &NodeRef, views: &[ViewOp]) -> Result<ValueId, LowerError> {
        let realized = self.realized(node)?;
        let layout = self.composed(&realized, views)?;
        Ok(self.load_layout(node, &realized, layout))
    }

    /// The layout of `realized` seen through `views` (innermost first).
    pub(crate) fn composed(
        &self,
        realized: &Realized,
        views: &[ViewOp],
    ) -> Result<Layout, LowerError> {
        let mut layout = realized.layout.clone();
        for v in views.iter().rev() {
            layout = v.apply(&layout).ok_or(LowerError::ReshapeNeedsCopy)?;
        }
        Ok(layout)
    }

    /// A boundary read through `layout` (over the loop's shape); identical reads are shared.
    fn load_layout(&mut self, node: &NodeRef, realized: &Realized, layout: Layout) -> ValueId {
        self.load_part(node, realized, layout, node.dtype())
    }

    /// A read of `realized`'s buffer through `layout` as elements of `dtype`: the node's own
    /// dtype, or for a complex node its parts' (`layout` then counts parts).
    pub(crate) fn load_part(
        &mut self,
        node: &NodeRef,
        realized: &Realized,
        layout: Layout,
        dtype: DType,
    ) -> ValueId {
        let same =
            |(b, l): &(Arc<Buffer>, Layout)| Arc::ptr_eq(b, &realized.buffer) && *l == layout;
        let input = match self.inputs.iter().position(same) {
            Some(i) => i,
            None => {
                self.inputs.push((realized.buffer.clone(), layout));
                self.sources.push(node.id());
                self.inputs.len() - 1
            }
        };
        self.push(InstrKind::Load { input }, dtype)
    }
}

/// The value of an op whose operands are all constants, computed by the reference evaluator
/// (so with its exact semantics: integer division by zero, NaN rules, casts); None when an
/// operand is not a constant or the evaluator refuses.
fn fold_constants(instrs: &[Instr], kind: &InstrKind, dtype: DType) -> Option<Scalar> {
    let constant = |v: ValueId| match instrs.get(v) {
        Some(Instr {
            kind: InstrKind::Const(c),
            ..
        }) => Some(*c),
        _ => None,
    };
    let (op, operands): (Op, Vec<ValueId>) = match *kind {
        // No graph op is an fma: folded here, rounded once as the kernels do.
        InstrKind::MulAdd { a, b, c } => {
            return match (constant(a)?, constant(b)?, constant(c)?) {
                (Scalar::F64(x), Scalar::F64(y), Scalar::F64(z)) if dtype == DType::F64 => {
                    Some(Scalar::F64(x.mul_add(y, z)))
                }
                (Scalar::F32(x), Scalar::F32(y), Scalar::F32(z)) if dtype == DType::F32 => {
                    Some(Scalar::F32(x.mul_add(y, z)))
                }
                _ => None,
            }
        }
        InstrKind::Cast { value } => (Op::Cast, vec![value]),
        InstrKind::Unary { op, value } => (Op::Unary(op), vec![value]),
        InstrKind::Binary { op, lhs, rhs } => (Op::Binary(op), vec![lhs, rhs]),
        InstrKind::Where {
            cond,
            then,
            otherwise,
        } => (Op::Where, vec![cond, then, otherwise]),
        InstrKind::Load { .. }
        | InstrKind::Const(_)
        | InstrKind::Gather { .. }
        | InstrKind::Complex { .. } => return None,
    };
    let location = SourceLocation::caller();
    let args: Vec<Realized> = operands
        .iter()
        .map(|&v| match instrs.get(v)? {
            Instr {
                kind: InstrKind::Const(c),
                dtype,
            } => {
                let full = Node::new(Op::Full(*c), vec![], *dtype, vec![], location);
                compute(&full, &[]).ok()
            }
            _ => None,
        })
        .collect::<Option<_>>()?;
    let refs: Vec<&Realized> = args.iter().collect();
    let node = Node::new(op, vec![], dtype, vec![], location);
    let result = compute(&node, &refs).ok()?;
    with_dtype!(dtype, T => values::<T>(&result).ok()?.first().map(|v| v.to_scalar()))
}

/// Structural equality that also tells constants apart by their bits (so NaN equals the same
/// NaN, and -0.0 differs from 0.0).
fn same_instr(a: &Instr, b: &Instr) -> bool {
    match (&a.kind, &b.kind) {
        (InstrKind::Const(x), InstrKind::Const(y)) => {
            a.dtype == b.dtype && x.dtype() == y.dtype() && scalar_bits(*x) == scalar_bits(*y)
        }
        _ => a == b,
    }
}

fn inner_class(l: &Layout) -> InnerClass {
    match l.strides.last() {
        Some(1) | None => InnerClass::Contiguous,
        Some(0) => InnerClass::Broadcast,
        Some(_) => InnerClass::Strided,
    }
}

/// Drops length-1 dimensions and merges neighbours that every layout walks as one
/// (`stride[i] == stride[i + 1] * shape[i + 1]`); the output, row-major, always allows it.
/// Keeps at least one dimension.
pub fn collapse(shape: &[usize], layouts: &[Layout]) -> (Vec<usize>, Vec<Layout>) {
    // An empty launch runs nothing: one empty dimension. (Merging the dimensions of an empty
    // shape such as [0, 2^62, 4] would overflow both the merged length and the strides.)
    if shape.contains(&0) {
        let layouts = layouts
            .iter()
            .map(|l| Layout {
                shape: vec![0],
                strides: vec![1],
                offset: l.offset,
            })
            .collect();
        return (vec![0], layouts);
    }
    let keep: Vec<usize> = (0..shape.len()).filter(|&i| shape[i] != 1).collect();
    let mut out_shape: Vec<usize> = Vec::new();
    let mut out_strides: Vec<Vec<isize>> = vec![Vec::new(); layouts.len()];
    for &i in &keep {
        let mergeable = !out_shape.is_empty()
            && layouts.iter().zip(&out_strides).all(|(l, s)| {
                // Checked: a layout not yet validated against its buffer may have absurd
                // strides; an overflowing product simply does not merge.
                let outer = isize::try_from(shape[i])
                    .ok()
                    .and_then(|n| l.strides[i].checked_mul(n));
                outer.is_some() && s.last().copied() == outer
            });
        if mergeable {
            if let Some(n) = out_shape.last_mut() {
                *n *= shape[i];
            }
            for (l, s) in layouts.iter().zip(out_strides.iter_mut()) {
                if let Some(last) = s.last_mut() {
                    *last = l.strides[i];
                }
            }
        } else {
            out_shape.push(shape[i]);
            for (l, s) in layouts.iter().zip(out_strides.iter_mut()) {
                s.push(l.strides[i]);
            }
        }
    }
    if out_shape.is_empty() {
        out_shape.push(1);
        for s in out_strides.iter_mut() {
            s.push(1);
        }
    }
    let layouts = layouts
        .iter()
        .zip(out_strides)
        .map(|(l, strides)| Layout {
            shape: out_shape.clone(),
            strides,
            offset: l.offset,
        })
        .collect();
    (out_shape, layouts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collapse_merges_contiguous_and_keeps_transposed() {
        let c = Layout::contiguous(&[4, 5, 6]);
        let (shape, ls) = collapse(&[4, 5, 6], std::slice::from_ref(&c));
        assert_eq!(shape, vec![120]);
        assert_eq!(ls[0].strides, vec![1]);
        let t = Layout::contiguous(&[6, 5]).permute(&[1, 0]);
        let (shape, ls) = collapse(
            &[5, 6],
            &[c.reshape(&[20, 6]).unwrap().slice_axis(0, 0, 1, 5), t],
        );
        assert_eq!(shape, vec![5, 6]);
        assert_eq!(ls[1].strides, vec![1, 5]);
        let b = Layout::contiguous(&[1, 6]).broadcast_to(&[5, 6]);
        let (shape, ls) = collapse(&[5, 6], &[b]);
        assert_eq!(shape, vec![5, 6]);
        assert_eq!(ls[0].strides, vec![0, 1]);
    }

    #[test]
    fn identical_instructions_are_computed_once() {
        use crate::plan::{plan, Step};
        use numcrane_graph::error::SourceLocation;
        use numcrane_graph::{BinaryOp, DType, Node, Op, Scalar, UnaryOp};
        let loc = SourceLocation::caller();
        let buffer = Arc::new(Buffer::from_slice(&[1.0f64, 2.0, 3.0]).unwrap());
        let x = Node::leaf(buffer, Layout::contiguous(&[3]), loc);
        let exp = || {
            Node::new(
                Op::Unary(UnaryOp::Exp),
                vec![x.clone()],
                DType::F64,
                vec![3],
                loc,
            )
        };
        let sum = Node::new(
            Op::Binary(BinaryOp::Add),
            vec![exp(), exp()],
            DType::F64,
            vec![3],
            loc,
        );
        let constant =
            |v: f64| Node::new(Op::Full(Scalar::F64(v)), vec![], DType::F64, vec![3], loc);
        // +0.0 and -0.0 are different constants and must stay two instructions (their sum
        // is folded into one constant: +0.0, the one already there).
        let signed = Node::new(
            Op::Binary(BinaryOp::Add),
            vec![constant(-0.0), constant(0.0)],
            DType::F64,
            vec![3],
            loc,
        );
        let root = Node::new(
            Op::Binary(BinaryOp::Mul),
            vec![sum, signed],
            DType::F64,
            vec![3],
            loc,
        );
        let p = plan(std::slice::from_ref(&root), &|_| true);
        let Some(Step::Fused(group)) = p.steps.last() else {
            panic!("no kernel: {}", p.describe())
        };
        let lowered = lower(group, &|_| None).unwrap();
        // load x, exp, add, -0.0, 0.0, mul
        let instrs = &lowered.kernel.instrs;
        assert_eq!(instrs.len(), 6, "{instrs:?}");
        let consts: Vec<u64> = instrs
            .iter()
            .filter_map(|i| match i.kind {
                InstrKind::Const(Scalar::F64(v)) => Some(v.to_bits()),
                _ => None,
            })
            .collect();
        assert_eq!(consts, vec![(-0.0f64).to_bits(), 0.0f64.to_bits()]);
        assert!(
            matches!(
                instrs[5].kind,
                InstrKind::Binary {
                    op: BinaryOp::Mul,
                    lhs: 2,
                    rhs: 4
                }
            ),
            "{instrs:?}"
        );
    }

    #[test]
    fn constants_are_folded_with_numpy_semantics() {
        use crate::plan::{plan, Step};
        use numcrane_graph::error::SourceLocation;
        use numcrane_graph::{BinaryOp, DType, Node, Op, Scalar, UnaryOp};
        let loc = SourceLocation::caller();
        let buffer = Arc::new(Buffer::from_slice(&[1i32, 2, 3]).unwrap());
        let x = Node::leaf(buffer, Layout::contiguous(&[3]), loc);
        let c = |v: i32| Node::new(Op::Full(Scalar::I32(v)), vec![], DType::I32, vec![3], loc);
        let bin = |op, a, b| Node::new(Op::Binary(op), vec![a, b], DType::I32, vec![3], loc);
        // (7 // 0) is 0 in NumPy; -(2 * 3) = -6; x * 0 + x - 6.
        let zero_div = bin(BinaryOp::FloorDiv, c(7), c(0));
        let six = Node::new(
            Op::Unary(UnaryOp::Neg),
            vec![bin(BinaryOp::Mul, c(2), c(3))],
            DType::I32,
            vec![3],
            loc,
        );
        let root = bin(
            BinaryOp::Add,
            bin(BinaryOp::Add, bin(BinaryOp::Mul, x.clone(), zero_div), x),
            six,
        );
        let p = plan(std::slice::from_ref(&root), &|_| true);
        assert_eq!(p.folded.len(), 3, "{}", p.describe());
        assert!(p.describe().contains("3 constant expressions folded"));
        let Some(Step::Fused(group)) = p.steps.last() else {
            panic!("no kernel: {}", p.describe())
        };
        let lowered = lower(group, &|_| None).unwrap();
        let instrs = &lowered.kernel.instrs;
        let ops = instrs
            .iter()
            .filter(|i| matches!(i.kind, InstrKind::Binary { .. } | InstrKind::Unary { .. }))
            .count();
        // Only the three operations on x remain.
        assert_eq!(ops, 3, "{instrs:?}");
        let consts: Vec<i32> = instrs
            .iter()
            .filter_map(|i| match i.kind {
                InstrKind::Const(Scalar::I32(v)) => Some(v),
                _ => None,
            })
            .collect();
        assert!(consts.contains(&0) && consts.contains(&-6), "{instrs:?}");
    }

    #[test]
    fn collapse_of_all_unit_dims_keeps_one() {
        let (shape, ls) = collapse(&[1, 1], &[Layout::contiguous(&[1, 1])]);
        assert_eq!(shape, vec![1]);
        assert_eq!(ls[0].shape, vec![1]);
    }
}
