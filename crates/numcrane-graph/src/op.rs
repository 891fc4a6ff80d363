//! The closed set of graph operations.
//!
//! One `Op` enum with small `Copy` sub-enums (`UnaryOp`, `BinaryOp`, `ReduceOp`, ...) and
//! predicates, so every pass matches on it and nothing needs to downcast. The public API lowers
//! NumPy functions to these: promotion inserts explicit `Cast` nodes and broadcasting explicit
//! `View(Broadcast)` nodes, so element-wise ops always see inputs of exactly their own shape and
//! computation dtype. Composite functions (mean, var, clip, linspace, eye...) are built from
//! these ops rather than added here, so fusion sees through them.

use crate::dtype::DType;
use crate::element::Scalar;
use crate::layout::Layout;

/// Element-wise functions of one argument. Input and output dtype are equal unless noted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum UnaryOp {
    Neg,
    Abs,
    Sign,
    Square,
    Reciprocal,
    /// logical not: bool -> bool
    Not,
    /// bitwise not (invert) on bool and integers
    Invert,
    Sqrt,
    Cbrt,
    Exp,
    Exp2,
    Expm1,
    Log,
    Log2,
    Log10,
    Log1p,
    Sin,
    Cos,
    Tan,
    Arcsin,
    Arccos,
    Arctan,
    Sinh,
    Cosh,
    Tanh,
    Arcsinh,
    Arccosh,
    Arctanh,
    Floor,
    Ceil,
    Trunc,
    /// round half to even
    Rint,
    Deg2rad,
    Rad2deg,
    /// any dtype -> bool
    IsNan,
    /// any dtype -> bool
    IsInf,
    /// any dtype -> bool
    IsFinite,
    /// complex conjugate (complex only: the builder returns real inputs unchanged)
    Conj,
    /// complex -> its real dtype: the argument `atan2(im, re)` (`np.angle`)
    Angle,
    /// complex -> its real dtype: the real part
    Real,
    /// complex -> its real dtype: the imaginary part
    Imag,
}

impl UnaryOp {
    /// NumPy's name of the function.
    pub fn name(self) -> &'static str {
        use UnaryOp::*;
        match self {
            Neg => "negative",
            Abs => "absolute",
            Sign => "sign",
            Square => "square",
            Reciprocal => "reciprocal",
            Not => "logical_not",
            Invert => "invert",
            Sqrt => "sqrt",
            Cbrt => "cbrt",
            Exp => "exp",
            Exp2 => "exp2",
            Expm1 => "expm1",
            Log => "log",
            Log2 => "log2",
            Log10 => "log10",
            Log1p => "log1p",
            Sin => "sin",
            Cos => "cos",
            Tan => "tan",
            Arcsin => "arcsin",
            Arccos => "arccos",
            Arctan => "arctan",
            Sinh => "sinh",
            Cosh => "cosh",
            Tanh => "tanh",
            Arcsinh => "arcsinh",
            Arccosh => "arccosh",
            Arctanh => "arctanh",
            Floor => "floor",
            Ceil => "ceil",
            Trunc => "trunc",
            Rint => "rint",
            Deg2rad => "deg2rad",
            Rad2deg => "rad2deg",
            IsNan => "isnan",
            IsInf => "isinf",
            IsFinite => "isfinite",
            Conj => "conjugate",
            Angle => "angle",
            Real => "real",
            Imag => "imag",
        }
    }

    /// True for functions only defined on floats (integer inputs are cast to a float first).
    pub fn is_float_only(self) -> bool {
        use UnaryOp::*;
        matches!(
            self,
            Sqrt | Cbrt
                | Exp
                | Exp2
                | Expm1
                | Log
                | Log2
                | Log10
                | Log1p
                | Sin
                | Cos
                | Tan
                | Arcsin
                | Arccos
                | Arctan
                | Sinh
                | Cosh
                | Tanh
                | Arcsinh
                | Arccosh
                | Arctanh
                | Deg2rad
                | Rad2deg
        )
    }

    /// True for ops that turn a complex input into its real dtype (`absolute`, `angle`,
    /// `real`, `imag`).
    pub fn complex_to_real(self) -> bool {
        matches!(
            self,
            UnaryOp::Abs | UnaryOp::Angle | UnaryOp::Real | UnaryOp::Imag
        )
    }

    /// True for predicates that return bool whatever the input dtype.
    pub fn returns_bool(self) -> bool {
        matches!(
            self,
            UnaryOp::IsNan | UnaryOp::IsInf | UnaryOp::IsFinite | UnaryOp::Not
        )
    }
}

/// Element-wise functions of two arguments of equal dtype. Comparisons and logical ops return
/// bool; everything else returns the input dtype.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum BinaryOp {
    Add,
    Sub,
    Mul,
    /// true division (inputs are floats: integer inputs are cast first)
    Div,
    FloorDiv,
    /// Python-style remainder (sign of the divisor)
    Rem,
    Pow,
    /// NaN-propagating
    Maximum,
    /// NaN-propagating
    Minimum,
    /// NaN-ignoring
    Fmax,
    /// NaN-ignoring
    Fmin,
    Arctan2,
    Hypot,
    Logaddexp,
    Heaviside,
    /// C's fmod (`np.fmod`): remainder with the sign of the dividend
    Fmod,
    BitAnd,
    BitOr,
    BitXor,
    LeftShift,
    RightShift,
    /// bool inputs
    LogicalAnd,
    /// bool inputs
    LogicalOr,
    /// bool inputs
    LogicalXor,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl BinaryOp {
    /// NumPy's name of the function.
    pub fn name(self) -> &'static str {
        use BinaryOp::*;
        match self {
            Add => "add",
            Sub => "subtract",
            Mul => "multiply",
            Div => "true_divide",
            FloorDiv => "floor_divide",
            Rem => "remainder",
            Pow => "power",
            Maximum => "maximum",
            Minimum => "minimum",
            Fmax => "fmax",
            Fmin => "fmin",
            Arctan2 => "arctan2",
            Hypot => "hypot",
            Logaddexp => "logaddexp",
            Heaviside => "heaviside",
            Fmod => "fmod",
            BitAnd => "bitwise_and",
            BitOr => "bitwise_or",
            BitXor => "bitwise_xor",
            LeftShift => "left_shift",
            RightShift => "right_shift",
            LogicalAnd => "logical_and",
            LogicalOr => "logical_or",
            LogicalXor => "logical_xor",
            Eq => "equal",
            Ne => "not_equal",
            Lt => "less",
            Le => "less_equal",
            Gt => "greater",
            Ge => "greater_equal",
        }
    }

    /// True for ops returning bool.
    pub fn returns_bool(self) -> bool {
        use BinaryOp::*;
        matches!(
            self,
            Eq | Ne | Lt | Le | Gt | Ge | LogicalAnd | LogicalOr | LogicalXor
        )
    }

    /// True for comparisons.
    pub fn is_comparison(self) -> bool {
        use BinaryOp::*;
        matches!(self, Eq | Ne | Lt | Le | Gt | Ge)
    }

    /// True for functions only defined on floats (integer inputs are cast to a float first).
    pub fn is_float_only(self) -> bool {
        use BinaryOp::*;
        matches!(self, Div | Arctan2 | Hypot | Logaddexp | Heaviside)
    }

    /// True for ops only defined on bool and integers.
    pub fn is_bitwise(self) -> bool {
        use BinaryOp::*;
        matches!(self, BitAnd | BitOr | BitXor | LeftShift | RightShift)
    }
}

/// Reductions over axes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum ReduceOp {
    Sum,
    Prod,
    /// NaN-propagating
    Max,
    /// NaN-propagating
    Min,
    /// bool input
    Any,
    /// bool input
    All,
}

impl ReduceOp {
    /// NumPy's name.
    pub fn name(self) -> &'static str {
        match self {
            ReduceOp::Sum => "sum",
            ReduceOp::Prod => "prod",
            ReduceOp::Max => "max",
            ReduceOp::Min => "min",
            ReduceOp::Any => "any",
            ReduceOp::All => "all",
        }
    }

    /// True when the reduction has no identity, so an empty input is an error.
    pub fn needs_elements(self) -> bool {
        matches!(self, ReduceOp::Max | ReduceOp::Min)
    }
}

/// Index-of-extreme reductions along one axis (output int64).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum ArgReduceOp {
    ArgMax,
    ArgMin,
}

impl ArgReduceOp {
    /// NumPy's name.
    pub fn name(self) -> &'static str {
        match self {
            ArgReduceOp::ArgMax => "argmax",
            ArgReduceOp::ArgMin => "argmin",
        }
    }
}

/// Running (prefix) reductions along one axis.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum ScanOp {
    CumSum,
    CumProd,
}

impl ScanOp {
    /// NumPy's name.
    pub fn name(self) -> &'static str {
        match self {
            ScanOp::CumSum => "cumsum",
            ScanOp::CumProd => "cumprod",
        }
    }
}

/// Movement operations: each is an index map from the output to the input, never a copy
/// (except `Reshape` of a layout whose strides forbid it, which the evaluator copies).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ViewOp {
    /// Same elements in row-major order, new shape of equal size.
    Reshape(Vec<usize>),
    /// Output axis `i` is input axis `axes[i]`.
    Permute(Vec<usize>),
    /// Size-1 axes stretched and leading axes added to reach this shape (stride 0).
    Broadcast(Vec<usize>),
    /// One `(start, step, len)` per input axis, already normalised: `start` is a valid index
    /// when `len > 0`, `step` is nonzero (negative steps walk backwards).
    Slice(Vec<(usize, isize, usize)>),
    /// The `k`-th diagonal of the last two axes, which it replaces with one last axis.
    Diagonal(isize),
}

impl ViewOp {
    /// The layout of this view of data laid out as `input` (views compose by applying one
    /// after another). None only for a reshape whose strides cannot express it without a copy.
    pub fn apply(&self, input: &Layout) -> Option<Layout> {
        Some(match self {
            ViewOp::Reshape(shape) => return input.reshape(shape),
            ViewOp::Permute(axes) => input.permute(axes),
            ViewOp::Broadcast(shape) => input.broadcast_to(shape),
            ViewOp::Slice(specs) => {
                let mut out = input.clone();
                for (axis, &(start, step, len)) in specs.iter().enumerate() {
                    out = out.slice_axis(axis, start, step, len);
                }
                out
            }
            ViewOp::Diagonal(k) => input.diagonal(*k),
        })
    }

    /// A short name for dumps.
    pub fn name(&self) -> &'static str {
        match self {
            ViewOp::Reshape(_) => "reshape",
            ViewOp::Permute(_) => "permute",
            ViewOp::Broadcast(_) => "broadcast",
            ViewOp::Slice(_) => "slice",
            ViewOp::Diagonal(_) => "diagonal",
        }
    }
}

/// How a gather treats an index outside its axis of length `n`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IndexMode {
    /// `-n..n` is valid, negatives count from the end; anything else is an error (NumPy's
    /// indexing and `mode="raise"`).
    Raise,
    /// Only `0..n` is valid (NumPy's `choose(mode="raise")`, which does not count from the end).
    NonNegative,
    /// Taken modulo `n` (`mode="wrap"`).
    Wrap,
    /// Clipped to `0..n` (`mode="clip"`; negatives become 0).
    Clip,
}

impl IndexMode {
    /// NumPy's name of the mode.
    pub fn name(self) -> &'static str {
        match self {
            IndexMode::Raise | IndexMode::NonNegative => "raise",
            IndexMode::Wrap => "wrap",
            IndexMode::Clip => "clip",
        }
    }
}

/// A scatter's combining function: `f(element already there, new value)`.
pub type Combine<T> = fn(T, T) -> T;

/// How a scatter combines a value with the element already at its position.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ScatterOp {
    /// Replace (NumPy's `a[i] = v`: with repeated positions the last value wins).
    Set,
    /// `np.add.at`: repeated positions accumulate.
    Add,
    /// `np.multiply.at`
    Mul,
    /// `np.minimum.at` (NaN-propagating)
    Min,
    /// `np.maximum.at` (NaN-propagating)
    Max,
}

impl ScatterOp {
    /// The name used in dumps and errors.
    pub fn name(self) -> &'static str {
        match self {
            ScatterOp::Set => "at.set",
            ScatterOp::Add => "at.add",
            ScatterOp::Mul => "at.multiply",
            ScatterOp::Min => "at.min",
            ScatterOp::Max => "at.max",
        }
    }

    /// How a value is combined with the element already at its position: `None` for `Set`
    /// (replace), else the evaluator's own binary function for `T` (so every backend does the
    /// same arithmetic, bit for bit). A dtype without that arithmetic is an error naming the
    /// op at `location`.
    pub fn combine<T: crate::eval::scalar::Num>(
        self,
        location: crate::error::SourceLocation,
    ) -> crate::error::Result<Option<Combine<T>>> {
        let binary = match self {
            ScatterOp::Set => return Ok(None),
            ScatterOp::Add => BinaryOp::Add,
            ScatterOp::Mul => BinaryOp::Mul,
            ScatterOp::Min => BinaryOp::Minimum,
            ScatterOp::Max => BinaryOp::Maximum,
        };
        T::binary(binary)
            .map(Some)
            .ok_or_else(|| crate::error::Error::dtype(self.name(), T::DTYPE, location))
    }
}

/// A graph operation. The node that holds it has the inputs, output dtype and shape.
#[derive(Clone, Debug, PartialEq)]
pub enum Op {
    /// Data supplied by the user (the node is created realized).
    Leaf,
    /// Every element equal to the scalar (dtype of the node).
    Full(Scalar),
    /// `start + i * step` along a 1-D output, computed as NumPy's arange does:
    /// in the node's integer dtype for integers, `start + i * delta` in f64 for floats.
    Arange {
        /// first value
        start: Scalar,
        /// distance between values
        step: Scalar,
    },
    /// Element type conversion with `astype` semantics (input 0 -> node dtype).
    Cast,
    /// Element-wise function of input 0.
    Unary(UnaryOp),
    /// Element-wise function of inputs 0 and 1 (same shape and dtype).
    Binary(BinaryOp),
    /// `where(cond, a, b)`: inputs cond (bool), a, b (same shape; a and b the node's dtype).
    Where,
    /// Reduction of input 0 over `axes` (sorted, distinct); `keepdims` keeps them as size 1.
    Reduce {
        /// the reduction
        op: ReduceOp,
        /// reduced axes of the input
        axes: Vec<usize>,
        /// keep reduced axes with length 1
        keepdims: bool,
    },
    /// Argmin/argmax of input 0 along `axis`.
    /// The axis is removed; NumPy's `keepdims` is a reshape after it.
    ArgReduce {
        /// which extreme
        op: ArgReduceOp,
        /// the axis of the input
        axis: usize,
    },
    /// Cumulative sum/product of input 0 along `axis` (same shape).
    Scan {
        /// which scan
        op: ScanOp,
        /// the axis
        axis: usize,
    },
    /// Input 0 seen through an index map.
    View(ViewOp),
    /// Matrix product of stacks: input 0 `[batch..., m, k]` times input 1 `[batch..., k, n]`
    /// (the same batch shape, the node's dtype) is `[batch..., m, n]`. NumPy's 1-D operands
    /// and batch broadcasting are reshapes and broadcasts around it.
    MatMul,
    /// Input 0 surrounded by `before[i]` / `after[i]` elements of `value` along axis `i`.
    Pad {
        /// elements added before each axis
        before: Vec<usize>,
        /// elements added after each axis
        after: Vec<usize>,
        /// the fill value (node dtype)
        value: Scalar,
    },
    /// The inputs (any number, the node's dtype, equal shapes except along `axis`) joined
    /// end to end along `axis` (NumPy's `concatenate`).
    Concat {
        /// the joined axis
        axis: usize,
    },
    /// Input 0 (the node's dtype) with every lane along `axis` sorted ascending, stably, NaN
    /// last (NumPy's `sort(kind="stable")`).
    Sort {
        /// the sorted axis
        axis: usize,
    },
    /// The int64 positions that would sort every lane of input 0 along `axis` (stable, NaN
    /// last; NumPy's `argsort(kind="stable")`).
    ArgSort {
        /// the sorted axis
        axis: usize,
    },
    /// Order statistics: input 0 (the node's dtype) with `axis` replaced by `positions.len()`;
    /// element `j` of a lane is the element a stable ascending sort with NaN last (as
    /// [`Op::Sort`], bit for bit) puts at position `positions[j]` of that lane. Positions are
    /// any order, repeats allowed, each below the lane length.
    Select {
        /// the axis of the lanes
        axis: usize,
        /// the sorted positions read from every lane
        positions: Vec<usize>,
    },
    /// NumPy's `partition` (`arg == false`: input 0's dtype) or `argpartition` (`arg`: the
    /// int64 positions along `axis`): every lane along `axis` rearranged so that each of the
    /// positions `kth` (ascending, distinct, below the lane length) holds the element a sort
    /// (NaN last) puts there, with nothing greater before it and nothing smaller after it.
    /// The order inside the pieces is the one `eval::partition` gives, on every backend.
    Partition {
        /// the axis of the lanes
        axis: usize,
        /// the positions put in their sorted place
        kth: Vec<usize>,
        /// positions (`argpartition`) rather than values
        arg: bool,
    },
    /// Integer-array indexing: input 0 (the node's dtype) read at the positions given by
    /// inputs `1..=axes.len()` (int64 index arrays, all of one shape `I`), one per indexed
    /// axis of input 0 (`axes`, distinct). The output is the remaining axes of input 0 in order,
    /// with `I` inserted before the `at`-th of them. Indices are checked (or wrapped or
    /// clipped) per `mode` when evaluated; a bad one is an error naming `name`, the function
    /// the user called.
    Gather {
        /// the NumPy function that built the node, for errors
        name: &'static str,
        /// the indexed axes of input 0, in the order of the index inputs
        axes: Vec<usize>,
        /// where the index shape goes among the remaining axes
        at: usize,
        /// how out-of-range indices are treated
        mode: IndexMode,
    },
    /// Input 0 (the node's dtype and shape) with the elements at the flat row-major positions
    /// of input 1 (int64, any shape) combined with input 2 (the node's dtype, input 1's shape)
    /// by `op`, in row-major order of input 1 (so `Set` keeps the last of repeated positions
    /// and the others accumulate, as NumPy's `ufunc.at`).
    Scatter {
        /// how values are combined
        op: ScatterOp,
    },
}

impl Op {
    /// A short name for dumps and errors.
    pub fn name(&self) -> &'static str {
        match self {
            Op::Leaf => "leaf",
            Op::Full(_) => "full",
            Op::Arange { .. } => "arange",
            Op::Cast => "astype",
            Op::Unary(u) => u.name(),
            Op::Binary(b) => b.name(),
            Op::Where => "where",
            Op::Reduce { op, .. } => op.name(),
            Op::ArgReduce { op, .. } => op.name(),
            Op::Scan { op, .. } => op.name(),
            Op::View(v) => v.name(),
            Op::Pad { .. } => "pad",
            Op::MatMul => "matmul",
            Op::Concat { .. } => "concatenate",
            Op::Sort { .. } => "sort",
            Op::ArgSort { .. } => "argsort",
            Op::Select { .. } => "select",
            Op::Partition { arg: false, .. } => "partition",
            Op::Partition { arg: true, .. } => "argpartition",
            Op::Gather { name, .. } => name,
            Op::Scatter { op } => op.name(),
        }
    }

    /// True for ops computed independently per output element from the same position of
    /// equally shaped inputs.
    pub fn is_elementwise(&self) -> bool {
        matches!(self, Op::Cast | Op::Unary(_) | Op::Binary(_) | Op::Where)
    }

    /// True for pure index maps.
    pub fn is_movement(&self) -> bool {
        matches!(self, Op::View(_))
    }

    /// True for ops without inputs that produce data from parameters.
    pub fn is_source(&self) -> bool {
        matches!(self, Op::Leaf | Op::Full(_) | Op::Arange { .. })
    }
}

/// The dtype arguments of an op must have; used by the builder's checks and by the evaluator.
pub fn result_dtype(op: &Op, input: DType) -> DType {
    match op {
        Op::Unary(u) if u.returns_bool() => DType::Bool,
        Op::Unary(u) if u.complex_to_real() => input.real_dtype(),
        Op::Binary(b) if b.returns_bool() => DType::Bool,
        Op::ArgReduce { .. } => DType::I64,
        _ => input,
    }
}
