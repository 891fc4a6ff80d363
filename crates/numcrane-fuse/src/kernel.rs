//! The kernel IR: one fused element-wise loop, as data.
//!
//! An `ElementwiseKernel` is the structure of a loop body in SSA form: loads from input
//! buffers, constants, casts, unary and binary ops and selects, ending in one value stored to
//! the output. It holds no sizes, strides or pointers: those are run-time arguments, so the
//! kernel (with the class of each input's innermost stride) is the compilation cache key and a
//! graph of the same structure compiles once whatever the shapes.
//!
//! A `Launch` is one run of a kernel: the iteration shape and, per input, the layout through
//! which element (i0, i1, ...) of the loop reads it (already composed with every view and
//! broadcast and collapsed to as few dimensions as possible).

use numcrane_graph::{BinaryOp, DType, Layout, Scalar, UnaryOp};

/// Index of a value in `ElementwiseKernel::instrs`.
pub type ValueId = usize;

/// How an input's innermost dimension is laid out, which decides the inner loop's code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum InnerClass {
    /// stride 1: consecutive elements (vector loads)
    Contiguous,
    /// stride 0: one element for the whole row (load once, splat)
    Broadcast,
    /// any other stride (scalar loads with a run-time stride)
    Strided,
}

/// One SSA instruction. Its result has dtype `Instr::dtype`.
#[derive(Clone, Debug, PartialEq)]
pub enum InstrKind {
    /// The current element of input `input` (of `ElementwiseKernel::inputs[input].dtype`).
    Load {
        /// which input
        input: usize,
    },
    /// A constant of the instruction's dtype.
    Const(Scalar),
    /// `astype` conversion of `value` to the instruction's dtype.
    Cast {
        /// the converted value
        value: ValueId,
    },
    /// `op(value)`, with the semantics of the reference evaluator.
    Unary {
        /// the function
        op: UnaryOp,
        /// its argument
        value: ValueId,
    },
    /// `op(lhs, rhs)`; both have the same dtype.
    Binary {
        /// the function
        op: BinaryOp,
        /// left argument
        lhs: ValueId,
        /// right argument
        rhs: ValueId,
    },
    /// `cond ? then : otherwise`; `cond` is bool.
    Where {
        /// the condition
        cond: ValueId,
        /// value where true
        then: ValueId,
        /// value where false
        otherwise: ValueId,
    },
}

/// An instruction with the dtype of its result.
#[derive(Clone, Debug, PartialEq)]
pub struct Instr {
    /// what it computes
    pub kind: InstrKind,
    /// the dtype of its result
    pub dtype: DType,
}

/// What the kernel knows about each input at compile time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct InputSpec {
    /// element type
    pub dtype: DType,
    /// innermost stride class
    pub inner: InnerClass,
}

/// The structure of a fused element-wise loop.
#[derive(Clone, Debug, PartialEq)]
pub struct ElementwiseKernel {
    /// SSA body; value `i` is the result of `instrs[i]`, operands refer to earlier values.
    pub instrs: Vec<Instr>,
    /// The value stored to the output (its dtype is the output dtype).
    pub output: ValueId,
    /// The inputs, in `Load` numbering.
    pub inputs: Vec<InputSpec>,
}

impl ElementwiseKernel {
    /// The output's dtype.
    pub fn out_dtype(&self) -> DType {
        self.instrs[self.output].dtype
    }

    /// A canonical text of the kernel, used as its cache key and in dumps.
    pub fn key(&self) -> String {
        // `{:?}` writes every NaN as "NaN", so the bits of float constants are added: kernels
        // whose constants differ only in a NaN's sign or payload must not share code.
        let bits: Vec<u64> = self
            .instrs
            .iter()
            .filter_map(|i| match i.kind {
                InstrKind::Const(Scalar::F32(v)) => Some(u64::from(v.to_bits())),
                InstrKind::Const(Scalar::F64(v)) => Some(v.to_bits()),
                _ => None,
            })
            .collect();
        format!(
            "{:?}|{:?}|{}|{:x?}",
            self.inputs, self.instrs, self.output, bits
        )
    }
}

/// One run of a kernel over concrete data.
#[derive(Clone, Debug, PartialEq)]
pub struct Launch {
    /// The iteration shape (at least one dimension; the last one is the inner loop). The
    /// output is written contiguously in this order.
    pub shape: Vec<usize>,
    /// Per input, the layout (in elements of its buffer) it is read through, with `shape`.
    pub layouts: Vec<Layout>,
}
