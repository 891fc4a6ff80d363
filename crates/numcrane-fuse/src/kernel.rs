//! The kernel IR: one fused element-wise loop, as data.
//!
//! An `ElementwiseKernel` is the structure of a loop body in SSA form: loads from input
//! buffers, constants, casts, unary and binary ops, fused multiply-adds and selects, ending in
//! one value stored to the output, or, for a reduction, folded into it (`Reduction`). It holds
//! no sizes, strides or pointers: those are run-time arguments, so the kernel (with the class
//! of each input's innermost stride) is the compilation cache key and a graph of the same
//! structure compiles once whatever the shapes.
//!
//! A `Launch` is one run of a kernel: the iteration shape and, per input, the layout through
//! which element (i0, i1, ...) of the loop reads it (already composed with every view and
//! broadcast and collapsed to as few dimensions as possible); for a fold, how many leading
//! dimensions are kept; and where in the output buffer the run writes.

use numcrane_graph::{BinaryOp, DType, IndexMode, Layout, ReduceOp, Scalar, UnaryOp};

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
    /// `a * b + c` rounded once (a fused multiply-add, IEEE 754's `fusedMultiplyAdd`, as
    /// `f64::mul_add` / `f32::mul_add`): float32 or float64 only, all three operands of the
    /// instruction's dtype. No NumPy op is an fma on its own; NumPy's complex `multiply` loop
    /// computes each part with one (see `crate::complex`), so kernels need the single
    /// rounding, never a product and a sum.
    MulAdd {
        /// first factor
        a: ValueId,
        /// second factor
        b: ValueId,
        /// addend
        c: ValueId,
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
    /// An indexed load (a fused `Op::Gather`): the element of input `input` at the current
    /// element's position through the input's launch layout (which walks the source's
    /// remaining, non-indexed axes) plus, for each indexed axis `a`, `resolve(indices[a]) *
    /// stride_a`, where `indices[a]` is an int64 value, resolved into `0..len_a` by `mode`. The
    /// axes' strides and lengths are run-time values: the launch's [`Launch::gathers`] entry of
    /// this instruction (gathers are numbered in instruction order). Only an element-wise
    /// kernel or a row fold (`ReduceInner::Row`) has gathers, and every index value is a
    /// `Load` of an int64 input,
    /// so a runner can check every index before running (see [`Launch::gathers`]).
    Gather {
        /// the source (read only through gathers, never by a plain `Load`)
        input: usize,
        /// one int64 index value per indexed axis
        indices: Vec<ValueId>,
        /// what an index outside its axis does
        mode: IndexMode,
    },
    /// A complex value (complex64 from float32 parts, complex128 from float64 ones) made of
    /// its real and imaginary parts: only ever the kernel's output, stored as the interleaved
    /// pair NumPy's complex layout is. Complex arithmetic itself is lowered to real
    /// instructions on the parts (see `crate::complex`), and a complex input is read as two
    /// real inputs over the same buffer (see [`component_len`]).
    Complex {
        /// the real part
        re: ValueId,
        /// the imaginary part
        im: ValueId,
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
    /// None: an element-wise loop storing each value. Some: the values are folded into the
    /// output by a reduction (see [`Reduction`]).
    pub reduce: Option<Reduction>,
}

/// How a reduction kernel folds its values into the output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Reduction {
    /// The fold.
    pub op: ReduceOp,
    /// Whether the inner loop runs along a kept or a reduced dimension.
    pub inner: ReduceInner,
}

/// The two inner loops of a reduction kernel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ReduceInner {
    /// The inner dimension is kept: `out[j] = op(out[j], value[j])` for the row's `n`
    /// elements (`x.sum(axis=0)` of a C-ordered matrix adds whole rows).
    Columns,
    /// The inner dimension is reduced: `out[0] = op(out[0], fold of value[0..n])`, folded in
    /// vector registers (`x.sum(axis=-1)`, full reductions).
    Row,
}

impl Reduction {
    /// The element-wise op that folds two values of `dtype` (bool folds are logical).
    pub fn combine(&self, dtype: DType) -> BinaryOp {
        let boolean = dtype == DType::Bool;
        match self.op {
            ReduceOp::Any => BinaryOp::LogicalOr,
            ReduceOp::All => BinaryOp::LogicalAnd,
            ReduceOp::Sum | ReduceOp::Max if boolean => BinaryOp::LogicalOr,
            ReduceOp::Prod | ReduceOp::Min if boolean => BinaryOp::LogicalAnd,
            ReduceOp::Sum => BinaryOp::Add,
            ReduceOp::Prod => BinaryOp::Mul,
            ReduceOp::Max => BinaryOp::Maximum,
            ReduceOp::Min => BinaryOp::Minimum,
        }
    }

    /// The value the fold starts from: `op(identity, x) == x` for every x (the
    /// NaN-propagating max starts from -inf, and from the smallest integer).
    pub fn identity(&self, dtype: DType) -> Scalar {
        let boolean = dtype == DType::Bool;
        let low = matches!(self.op, ReduceOp::Max) || (boolean && self.op == ReduceOp::Sum);
        match self.op {
            ReduceOp::Any => Scalar::Bool(false),
            ReduceOp::All => Scalar::Bool(true),
            _ if boolean => Scalar::Bool(!low),
            ReduceOp::Sum => Scalar::F64(0.0).cast(dtype),
            ReduceOp::Prod => Scalar::F64(1.0).cast(dtype),
            ReduceOp::Max | ReduceOp::Min => extreme(dtype, low),
        }
    }
}

/// The lowest (`low`) or highest value of a non-bool dtype: -inf / +inf for floats.
fn extreme(dtype: DType, low: bool) -> Scalar {
    let pick = |lo: Scalar, hi: Scalar| if low { lo } else { hi };
    match dtype {
        // (Complex values are never folded in kernels; the cast keeps this total.)
        DType::F32 | DType::F64 | DType::C64 | DType::C128 => {
            pick(Scalar::F64(f64::NEG_INFINITY), Scalar::F64(f64::INFINITY)).cast(dtype)
        }
        DType::I8 => pick(Scalar::I8(i8::MIN), Scalar::I8(i8::MAX)),
        DType::I16 => pick(Scalar::I16(i16::MIN), Scalar::I16(i16::MAX)),
        DType::I32 => pick(Scalar::I32(i32::MIN), Scalar::I32(i32::MAX)),
        DType::I64 => pick(Scalar::I64(i64::MIN), Scalar::I64(i64::MAX)),
        DType::U8 => pick(Scalar::U8(0), Scalar::U8(u8::MAX)),
        DType::U16 => pick(Scalar::U16(0), Scalar::U16(u16::MAX)),
        DType::U32 => pick(Scalar::U32(0), Scalar::U32(u32::MAX)),
        DType::U64 => pick(Scalar::U64(0), Scalar::U64(u64::MAX)),
        DType::Bool => Scalar::Bool(!low),
    }
}

impl ElementwiseKernel {
    /// The output's dtype.
    pub fn out_dtype(&self) -> DType {
        self.instrs[self.output].dtype
    }

    /// A hash of the kernel's structure (float constants by their bits), for cache lookups:
    /// no allocation, unlike [`key`](Self::key). Kernels with equal fingerprints are told
    /// apart by [`same_structure`](Self::same_structure).
    pub fn fingerprint(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = rustc_hash::FxHasher::default();
        self.inputs.hash(&mut h);
        self.output.hash(&mut h);
        self.reduce.hash(&mut h);
        for i in &self.instrs {
            i.dtype.hash(&mut h);
            std::mem::discriminant(&i.kind).hash(&mut h);
            match &i.kind {
                InstrKind::Load { input } => input.hash(&mut h),
                InstrKind::Const(s) => {
                    s.dtype().hash(&mut h);
                    scalar_bits(*s).hash(&mut h);
                }
                InstrKind::Cast { value } => value.hash(&mut h),
                InstrKind::Unary { op, value } => (op, value).hash(&mut h),
                InstrKind::Binary { op, lhs, rhs } => (op, lhs, rhs).hash(&mut h),
                InstrKind::MulAdd { a, b, c } => (a, b, c).hash(&mut h),
                InstrKind::Where {
                    cond,
                    then,
                    otherwise,
                } => (cond, then, otherwise).hash(&mut h),
                InstrKind::Gather {
                    input,
                    indices,
                    mode,
                } => (input, indices, mode).hash(&mut h),
                InstrKind::Complex { re, im } => (re, im).hash(&mut h),
            }
        }
        h.finish()
    }

    /// Equality that compares float constants by their bits (NaN equals the same NaN, and
    /// -0.0 differs from 0.0): two kernels with the same structure compile to the same code.
    pub fn same_structure(&self, other: &ElementwiseKernel) -> bool {
        self.inputs == other.inputs
            && self.output == other.output
            && self.reduce == other.reduce
            && self.instrs.len() == other.instrs.len()
            && self.instrs.iter().zip(&other.instrs).all(|(a, b)| {
                a.dtype == b.dtype
                    && match (&a.kind, &b.kind) {
                        (InstrKind::Const(x), InstrKind::Const(y)) => {
                            x.dtype() == y.dtype() && scalar_bits(*x) == scalar_bits(*y)
                        }
                        (x, y) => x == y,
                    }
            })
    }

    /// A canonical text of the kernel, for dumps (and a stable cache key in tests).
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
            "{:?}|{:?}|{}|{:x?}|{:?}",
            self.inputs, self.instrs, self.output, bits, self.reduce
        )
    }
}

impl Launch {
    /// How many output elements a run of `kernel` over this launch writes (starting at
    /// `out_offset`); None if the launch does not fit the kernel (a fold without kept dims or
    /// an element-wise kernel with them) or its size overflows.
    pub fn output_len(&self, kernel: &ElementwiseKernel) -> Option<usize> {
        let nd = self.shape.len();
        match (&kernel.reduce, self.reduce_kept) {
            (None, None) => numcrane_graph::layout::checked_size(&self.shape),
            (Some(r), Some(kept)) if kept < nd => {
                let outer = numcrane_graph::layout::checked_size(&self.shape[..kept])?;
                match r.inner {
                    ReduceInner::Row => Some(outer),
                    ReduceInner::Columns => outer.checked_mul(self.shape[nd - 1]),
                }
            }
            _ => None,
        }
    }
}

/// How many elements of `spec` dtype a kernel input reads from `buffer`: its length when the
/// dtypes agree; twice it when the buffer is complex and `spec` its parts' float dtype (a
/// complex input is read as its interleaved parts: layouts over it count parts, an element's
/// real part at `2 * i`, its imaginary part at `2 * i + 1`); None for any other pair.
///
/// ```
/// use numcrane_fuse::kernel::component_len;
/// use numcrane_graph::DType;
/// assert_eq!(component_len(DType::C64, 3, DType::F32), Some(6));
/// assert_eq!(component_len(DType::F64, 3, DType::F64), Some(3));
/// assert_eq!(component_len(DType::C128, 3, DType::F32), None);
/// ```
pub fn component_len(buffer: DType, len: usize, spec: DType) -> Option<usize> {
    if buffer == spec {
        Some(len)
    } else if buffer.is_complex() && buffer.real_dtype() == spec {
        len.checked_mul(2)
    } else {
        None
    }
}

/// The bits of a scalar's value (floats by their IEEE bits, integers two's complement,
/// complex values by both parts' bits: the real part's above the imaginary part's), exact:
/// equal bits are the same value of a dtype.
///
/// ```
/// use numcrane_fuse::kernel::scalar_bits;
/// use numcrane_graph::{Complex64, Scalar};
/// let z = |re, im| scalar_bits(Scalar::C128(Complex64::new(re, im)));
/// assert_ne!(z(1.0, 2.0), z(1.0, 3.0));
/// assert_ne!(z(0.0, 0.0), z(-0.0, 0.0));
/// ```
pub fn scalar_bits(s: Scalar) -> u128 {
    match s {
        Scalar::F32(v) => u128::from(v.to_bits()),
        Scalar::F64(v) => u128::from(v.to_bits()),
        Scalar::C64(z) => u128::from(z.re.to_bits()) << 64 | u128::from(z.im.to_bits()),
        Scalar::C128(z) => u128::from(z.re.to_bits()) << 64 | u128::from(z.im.to_bits()),
        other => other.as_i128().map_or(0, |v| u128::from(v as u64)),
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
    /// For a reduction kernel: how many leading dimensions of `shape` are kept. The shape is
    /// then `[kept..., reduced..., inner]`; the output is row-major over the kept dimensions
    /// (and the inner one for `ReduceInner::Columns`). None for element-wise kernels.
    pub reduce_kept: Option<usize>,
    /// Where in the output buffer this run's first output element goes (0 unless the launch
    /// computes one block of rows of a larger result, as row-interleaved schedules do).
    pub out_offset: usize,
    /// What the kernel computes, for logs (NumPy's name of the root op: "add", "sum", ...).
    pub name: &'static str,
    /// Per `InstrKind::Gather` of the kernel, in instruction order: per indexed axis, its
    /// stride (in elements of the source buffer) and its length. Empty for kernels without
    /// gathers.
    pub gathers: Vec<Vec<GatherAxis>>,
}

/// One indexed axis of a fused gather's source.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct GatherAxis {
    /// The axis's stride in elements of the source buffer.
    pub stride: isize,
    /// The axis's length: indices are resolved into `0..len`.
    pub len: usize,
}

/// An index resolved into `0..len` as `mode` says (NumPy's rules, those of the reference
/// evaluator's gather), or None where the evaluator reports an error.
///
/// ```
/// use numcrane_fuse::kernel::resolve_index;
/// use numcrane_graph::IndexMode;
/// assert_eq!(resolve_index(IndexMode::Raise, -1, 5), Some(4));
/// assert_eq!(resolve_index(IndexMode::Raise, 5, 5), None);
/// assert_eq!(resolve_index(IndexMode::NonNegative, -1, 5), None);
/// assert_eq!(resolve_index(IndexMode::Wrap, -7, 5), Some(3));
/// assert_eq!(resolve_index(IndexMode::Clip, 99, 5), Some(4));
/// assert_eq!(resolve_index(IndexMode::Clip, 0, 0), None);
/// ```
pub fn resolve_index(mode: IndexMode, index: i64, len: usize) -> Option<usize> {
    let n = len as i128;
    let v = i128::from(index);
    let r = match mode {
        IndexMode::Raise if v < 0 => v + n,
        IndexMode::Raise | IndexMode::NonNegative => v,
        _ if n == 0 => return None,
        IndexMode::Wrap => v.rem_euclid(n),
        IndexMode::Clip => v.clamp(0, n - 1),
    };
    (0..n).contains(&r).then_some(r as usize)
}

impl ElementwiseKernel {
    /// The kernel's gathers, in instruction order: (source input, index values, mode).
    pub fn gathers(&self) -> impl Iterator<Item = (usize, &[ValueId], IndexMode)> + '_ {
        self.instrs.iter().filter_map(|i| match &i.kind {
            InstrKind::Gather {
                input,
                indices,
                mode,
            } => Some((*input, &indices[..], *mode)),
            _ => None,
        })
    }
}
