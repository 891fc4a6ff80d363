//! Kernel IR -> Cranelift IR -> native code.
//!
//! [`compile`] turns an [`ElementwiseKernel`] into one native function
//!
//! ```text
//! extern "C" fn(n: usize, out: *mut u8, inputs: *const *const u8, strides: *const isize)
//! ```
//!
//! that computes `n` consecutive output elements (one inner row): element `j` of input `k` is
//! read at `inputs[k] + j * strides[k]` elements, the body is evaluated and the result stored at
//! `out + j` elements. The input's [`InnerClass`] picks the code at compile time: contiguous
//! inputs are read through a pointer that advances by the element size, broadcast inputs are
//! loaded once before the loop, strided inputs advance by `strides[k]` elements.
//!
//! Kernels whose every instruction has a straightforward 128-bit vector lowering, with no
//! strided input and one element width (see [`vector_width`]), get a vector loop (two vectors
//! per iteration: F32X4, F64X2, I32X4, I8X16, ...) followed by the scalar loop as the tail.
//! Everything else runs the scalar loop. Values of every dtype follow the reference evaluator
//! (`numcrane_graph::eval::scalar`) bit for bit, NaN payloads aside: no product and sum
//! contracted into a fused multiply-add (unless [`fast_math`]; the IR's own `MulAdd` is always
//! one: a native `fma` where the CPU has FMA, else the exact call `build` links),
//! NaN-propagating extrema written as compares and selects, integer division guarded against
//! zero and `MIN / -1`, float-to-int casts saturating like Rust's `as`. The exceptions are the transcendental functions (exp, log, sin, ..., `arctan2`,
//! `power`), inline polynomial code from `vecmath.rs` within 1 ULP (float32, of the correctly
//! rounded value) or 2 ULP (float64, of libm) of the evaluator ([`inline_math_unary`]). Float
//! `fmod`/`floor_divide`/`remainder`, `hypot` and `logaddexp` call the oracle's own scalar
//! function (see `callout.rs`).
//!
//! A fold kernel (`ElementwiseKernel::reduce`) combines each value into the output instead of
//! storing it: `Columns` folds several rows per call (an extra `rows` argument, and `inputs`
//! holding each row's pointers), loading and storing each output vector once per few rows
//! ([`CompiledKernel::call_rows`]); `Row` keeps one vector
//! accumulator per unrolled step and folds it lane by lane, in order, into `out[0]` at the end
//! of the row (see `reduction.rs` for how launches are split).
//!
//! In registers a bool is an `i8` holding 0 or 1 in the scalar loop, and a lane mask (all ones
//! or zero, as wide as the kernel's element width) in the vector loop.
//!
//! Checked code ([`Checks::Bounds`], `NUMCRANE_CHECKED=1`) has the signature
//!
//! ```text
//! extern "C" fn(n, out, inputs, strides, bounds: *const Bounds) -> usize
//! ```
//!
//! with one [`Bounds`] (a byte range) per input and one for the output. Every load from an
//! input, every load and store of the output, is preceded by a subtraction, one compare and
//! one branch (`Gen::check`): when the bytes it covers (16 for a vector access) are not all inside their
//! bounds, the function returns `slot + 1` without making the access; otherwise it ends by
//! returning 0. The unchecked function has none of this, so it is exactly as fast as before.

use crate::{callout, vecmath};
use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::immediates::{Ieee32, Ieee64};
use cranelift_codegen::ir::{
    types, AbiParam, Block, BlockArg, InstBuilder, LibCall, MemFlagsData, Signature, Type, Value,
};
use cranelift_codegen::isa::{CallConv, OwnedTargetIsa};
use cranelift_codegen::settings::{self, Configurable};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext, Variable};
use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::{default_libcall_names, Module};
use numcrane_fuse::kernel::{
    ElementwiseKernel, InnerClass, InstrKind, ReduceInner, Reduction, ValueId,
};
use numcrane_graph::eval::scalar::Num;
use numcrane_graph::{with_dtype, BinaryOp, DType, Error, Node, Op, Result, Scalar, UnaryOp};
use std::mem::offset_of;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

const OP: &str = "jit";

fn internal(message: impl Into<String>) -> Error {
    Error::internal(OP, message)
}

/// Whether the JIT compiles an instruction `kind` whose result has dtype `dtype` and whose
/// (first non-condition) operand has dtype `arg_dtype` (None for `Load`, `Const` and `Where`).
///
/// True exactly where the reference evaluator defines the op for these dtypes, except signed
/// integer `power` (the evaluator reports negative exponents as an error, which a kernel cannot
/// return). Every supported op matches the evaluator bit for bit (NaN payloads aside).
pub fn supports(kind: &InstrKind, dtype: DType, arg_dtype: Option<DType>) -> bool {
    // Complex values are pairs of real ones (`numcrane_fuse::complex`); only the output
    // packs a pair, stored interleaved.
    if let InstrKind::Complex { .. } = kind {
        return dtype.is_complex() && arg_dtype == Some(dtype.real_dtype());
    }
    if dtype.is_complex() || arg_dtype.is_some_and(DType::is_complex) {
        return false;
    }
    match kind {
        InstrKind::Complex { .. } => false,
        InstrKind::Load { .. } | InstrKind::Where { .. } | InstrKind::Gather { .. } => true,
        // Cranelift's `fma`, one rounding: native where the CPU has FMA, else a call to an
        // exact fma (see `build`).
        InstrKind::MulAdd { .. } => {
            matches!(dtype, DType::F32 | DType::F64) && arg_dtype == Some(dtype)
        }
        InstrKind::Const(s) => s.dtype() == dtype,
        InstrKind::Cast { .. } => arg_dtype.is_some(),
        InstrKind::Unary { op, .. } => {
            let Some(arg) = arg_dtype else {
                return false;
            };
            match op {
                UnaryOp::Not => arg == DType::Bool && dtype == DType::Bool,
                UnaryOp::IsNan | UnaryOp::IsInf | UnaryOp::IsFinite => {
                    dtype == DType::Bool
                        && with_dtype!(arg, T => <T as Num>::predicate(*op).is_some())
                }
                _ => dtype == arg && with_dtype!(arg, T => <T as Num>::unary(*op).is_some()),
            }
        }
        InstrKind::Binary { op, .. } => {
            let Some(arg) = arg_dtype else {
                return false;
            };
            if op.is_comparison() {
                dtype == DType::Bool
            } else if matches!(
                op,
                BinaryOp::LogicalAnd | BinaryOp::LogicalOr | BinaryOp::LogicalXor
            ) {
                arg == DType::Bool && dtype == DType::Bool
            } else if *op == BinaryOp::Pow && arg.is_signed_int() {
                false
            } else {
                dtype == arg && with_dtype!(arg, T => <T as Num>::binary(*op).is_some())
            }
        }
    }
}

/// Whether generated code computes `op` on `dtype` with inline polynomial code (exp, log,
/// sin, ...: see `vecmath.rs`). Such results are within 1 ULP (float32, of the correctly
/// rounded value) or 2 ULP (float64, of the platform libm) instead of bit-identical to the
/// reference evaluator, which calls libm.
pub fn inline_math_unary(op: UnaryOp, dtype: DType) -> bool {
    vecmath::supports_unary(op, dtype)
}

/// [`inline_math_unary`] for binary ops (`arctan2`).
pub fn inline_math_binary(op: BinaryOp, dtype: DType) -> bool {
    vecmath::supports_binary(op, dtype)
}

/// [`supports`] for a graph node, in the form `numcrane_fuse::plan` takes: whether the JIT can
/// compute this node inside a fused loop. Views (index maps, no code) and constants of the
/// node's dtype are supported; element-wise ops as `supports` says; every other op is not.
pub fn supports_node(node: &Node) -> bool {
    // Complex nodes are lowered to real instructions the JIT compiles (see
    // `numcrane_fuse::complex`), or not at all.
    if numcrane_fuse::plan::involves_complex(node) {
        return numcrane_fuse::complex::lowerable(node);
    }
    let first_input = || node.inputs().first().map(|i| i.dtype());
    match node.op() {
        Op::View(_) => true,
        Op::Full(s) => s.dtype() == node.dtype(),
        Op::Cast => first_input().is_some(),
        Op::Unary(op) => supports(
            &InstrKind::Unary { op: *op, value: 0 },
            node.dtype(),
            first_input(),
        ),
        Op::Binary(op) => supports(
            &InstrKind::Binary {
                op: *op,
                lhs: 0,
                rhs: 0,
            },
            node.dtype(),
            first_input(),
        ),
        // A fused gather is an indexed load of any dtype (see `numcrane_fuse::gather`).
        Op::Where | Op::Gather { .. } => true,
        Op::Reduce { op, .. } => {
            let fold = Reduction {
                op: *op,
                inner: ReduceInner::Row,
            };
            supports_fold(&fold, node.dtype())
        }
        _ => false,
    }
}

/// Whether the JIT folds values of `dtype` with `reduction`.
fn supports_fold(reduction: &Reduction, dtype: DType) -> bool {
    let combine = InstrKind::Binary {
        op: reduction.combine(dtype),
        lhs: 0,
        rhs: 0,
    };
    supports(&combine, dtype, Some(dtype))
}

/// The dtype of the operand `supports` looks at, for instruction `i` of `kernel`.
fn arg_dtype(kernel: &ElementwiseKernel, i: usize) -> Result<Option<DType>> {
    let operand = |v: ValueId| {
        if v < i {
            Ok(kernel.instrs[v].dtype)
        } else {
            Err(internal(format!(
                "kernel value {i} uses value {v}, which is not defined before it"
            )))
        }
    };
    let instr = &kernel.instrs[i];
    Ok(match &instr.kind {
        InstrKind::Load { input } => {
            let spec = kernel.inputs.get(*input).ok_or_else(|| {
                internal(format!(
                    "kernel value {i} loads input {input}, which does not exist"
                ))
            })?;
            if spec.dtype != instr.dtype {
                return Err(internal(format!(
                    "kernel value {i} loads input {input} of dtype {:?} as {:?}",
                    spec.dtype, instr.dtype
                )));
            }
            None
        }
        InstrKind::Const(_) => None,
        InstrKind::Cast { value } => Some(operand(*value)?),
        InstrKind::Unary { value, .. } => Some(operand(*value)?),
        InstrKind::Binary { lhs, rhs, .. } => {
            let (l, r) = (operand(*lhs)?, operand(*rhs)?);
            if l != r {
                return Err(internal(format!(
                    "kernel value {i} combines dtypes {l:?} and {r:?}"
                )));
            }
            Some(l)
        }
        InstrKind::MulAdd { a, b, c } => {
            let (x, y, z) = (operand(*a)?, operand(*b)?, operand(*c)?);
            if x != y || x != z {
                return Err(internal(format!(
                    "kernel value {i} is a multiply-add of dtypes ({x:?}, {y:?}, {z:?})"
                )));
            }
            Some(x)
        }
        InstrKind::Complex { re, im } => {
            let (r, m) = (operand(*re)?, operand(*im)?);
            if r != m || i != kernel.output || kernel.reduce.is_some() {
                return Err(internal(format!(
                    "kernel value {i} packs parts of dtypes {r:?} and {m:?} (only an \
                     element-wise kernel's output packs a complex value)"
                )));
            }
            Some(r)
        }
        InstrKind::Where {
            cond,
            then,
            otherwise,
        } => {
            let (c, t, o) = (operand(*cond)?, operand(*then)?, operand(*otherwise)?);
            if c != DType::Bool || t != instr.dtype || o != instr.dtype {
                return Err(internal(format!(
                    "kernel value {i} is a where of dtypes ({c:?}, {t:?}, {o:?}) giving {:?}",
                    instr.dtype
                )));
            }
            None
        }
        InstrKind::Gather { input, indices, .. } => {
            let spec = kernel.inputs.get(*input).ok_or_else(|| {
                internal(format!(
                    "kernel value {i} gathers from input {input}, which does not exist"
                ))
            })?;
            // Every index is a load of an int64 input: the runner checks them all before
            // the kernel runs (`numcrane_fuse::gather::check_indices`).
            let loaded = |v: ValueId| {
                v < i
                    && kernel.instrs[v].dtype == DType::I64
                    && matches!(kernel.instrs[v].kind, InstrKind::Load { .. })
            };
            if spec.dtype != instr.dtype
                || indices.is_empty()
                || !indices.iter().all(|&v| loaded(v))
                || is_column_fold(kernel)
            {
                return Err(internal(format!(
                    "kernel value {i} is a gather the JIT does not compile: {:?} giving {:?}",
                    instr.kind, instr.dtype
                )));
            }
            None
        }
    })
}

/// Checks that `kernel` is well formed (operands defined before use, dtypes consistent) and
/// that the JIT supports every instruction; `Error::Internal` says what is wrong.
pub fn check_kernel(kernel: &ElementwiseKernel) -> Result<()> {
    if kernel.output >= kernel.instrs.len() {
        return Err(internal(format!(
            "kernel output {} is not one of its {} values",
            kernel.output,
            kernel.instrs.len()
        )));
    }
    for (i, instr) in kernel.instrs.iter().enumerate() {
        let arg = arg_dtype(kernel, i)?;
        if !supports(&instr.kind, instr.dtype, arg) {
            return Err(internal(format!(
                "the JIT does not support kernel value {i}: {:?} giving {:?} from {arg:?}",
                instr.kind, instr.dtype
            )));
        }
    }
    if let Some(r) = &kernel.reduce {
        if !supports_fold(r, kernel.out_dtype()) {
            return Err(internal(format!(
                "the JIT does not fold {:?} values with {:?}",
                kernel.out_dtype(),
                r.op
            )));
        }
    }
    Ok(())
}

/// The values the output depends on.
fn live_values(kernel: &ElementwiseKernel) -> Vec<bool> {
    let mut live = vec![false; kernel.instrs.len()];
    live[kernel.output] = true;
    for i in (0..kernel.instrs.len()).rev() {
        if !live[i] {
            continue;
        }
        match kernel.instrs[i].kind {
            InstrKind::Load { .. } | InstrKind::Const(_) => {}
            InstrKind::Cast { value } | InstrKind::Unary { value, .. } => live[value] = true,
            InstrKind::Binary { lhs, rhs, .. } => {
                live[lhs] = true;
                live[rhs] = true;
            }
            InstrKind::MulAdd { a, b, c } => {
                live[a] = true;
                live[b] = true;
                live[c] = true;
            }
            InstrKind::Where {
                cond,
                then,
                otherwise,
            } => {
                live[cond] = true;
                live[then] = true;
                live[otherwise] = true;
            }
            InstrKind::Gather { ref indices, .. } => {
                for &v in indices {
                    live[v] = true;
                }
            }
            InstrKind::Complex { re, im } => {
                live[re] = true;
                live[im] = true;
            }
        }
    }
    live
}

fn vector_unary_ok(op: UnaryOp, arg: DType, width: u32) -> bool {
    use UnaryOp::*;
    if arg.is_float() {
        vecmath::supports_unary(op, arg)
            || matches!(
                op,
                Neg | Abs
                    | Sign
                    | Square
                    | Reciprocal
                    | Sqrt
                    | Floor
                    | Ceil
                    | Trunc
                    | Rint
                    | Deg2rad
                    | Rad2deg
                    | IsNan
                    | IsInf
                    | IsFinite
            )
    } else if arg.is_int() {
        match op {
            Neg | Invert | Abs | Sign | Reciprocal | Floor | Ceil | Trunc | IsNan | IsInf
            | IsFinite => true,
            Square => width >= 2,
            _ => false,
        }
    } else {
        matches!(
            op,
            Not | Invert | Abs | Floor | Ceil | Trunc | IsNan | IsInf | IsFinite
        )
    }
}

fn vector_binary_ok(op: BinaryOp, arg: DType, width: u32) -> bool {
    use BinaryOp::*;
    if op.is_comparison() {
        return true;
    }
    if arg.is_float() {
        vecmath::supports_binary(op, arg)
            || matches!(
                op,
                Add | Sub | Mul | Div | Maximum | Minimum | Fmax | Fmin | Heaviside
            )
    } else if arg.is_int() {
        match op {
            Add | Sub | BitAnd | BitOr | BitXor | Maximum | Minimum | Fmax | Fmin => true,
            Mul => width >= 2,
            _ => false,
        }
    } else {
        // bool: every op the evaluator defines is an and/or/xor
        true
    }
}

fn vector_cast_ok(from: DType, to: DType) -> bool {
    use DType::*;
    from == to
        || from == Bool
        || to == Bool
        || (from.is_int() && to.is_int())
        || matches!((from, to), (I32 | U32, F32) | (F32, I32 | U32))
}

/// The element width in bytes of the vector loop for `kernel`, or None when it runs the scalar
/// loop only. A kernel is vectorised when no input it reads is strided, every non-bool value it
/// computes has the same width (bool values become masks of that width; bool loads and a bool
/// output need width 1) and every instruction is in the vector subset: float arithmetic,
/// extrema, sqrt, rounding, abs/neg/sign, comparisons and predicates; integer add/sub/mul
/// (not 8-bit)/bitwise/extrema/neg/abs/sign; bool logic; where; same-width casts and
/// i32/u32 <-> f32.
pub fn vector_width(kernel: &ElementwiseKernel) -> Option<u32> {
    let live = live_values(kernel);
    let mut width = None;
    for (i, instr) in kernel.instrs.iter().enumerate() {
        if !live[i] || instr.dtype == DType::Bool {
            continue;
        }
        let w = instr.dtype.itemsize() as u32;
        match width {
            None => width = Some(w),
            Some(x) if x != w => return None,
            _ => {}
        }
    }
    let width = width.unwrap_or(1);
    let dtype_of = |v: ValueId| kernel.instrs[v].dtype;
    for (i, instr) in kernel.instrs.iter().enumerate() {
        if !live[i] {
            continue;
        }
        let ok = match &instr.kind {
            InstrKind::Load { input } => {
                kernel.inputs[*input].inner != InnerClass::Strided
                    && (instr.dtype != DType::Bool || width == 1)
            }
            InstrKind::Const(_) | InstrKind::Where { .. } => true,
            // Indexed loads run in the scalar loop (one load per element anyway).
            InstrKind::Gather { .. } => false,
            // A complex output is stored part by part from the scalar loop.
            InstrKind::Complex { .. } => false,
            InstrKind::Cast { value } => vector_cast_ok(dtype_of(*value), instr.dtype),
            InstrKind::Unary { op, value } => vector_unary_ok(*op, dtype_of(*value), width),
            InstrKind::Binary { op, lhs, .. } => vector_binary_ok(*op, dtype_of(*lhs), width),
            // F32X4 / F64X2 `fma` (lane by lane through the exact fma call without FMA).
            InstrKind::MulAdd { .. } => instr.dtype.is_float(),
        };
        if !ok {
            return None;
        }
    }
    if kernel.out_dtype() == DType::Bool && width != 1 {
        return None;
    }
    if let Some(r) = &kernel.reduce {
        let out = kernel.out_dtype();
        // Bool folds along a row stay scalar (no mask horizontal reduction).
        let row_bool = r.inner == ReduceInner::Row && out == DType::Bool;
        if row_bool || !vector_binary_ok(r.combine(out), out, width) {
            return None;
        }
    }
    Some(width)
}

/// The calling convention and the ISA every kernel is compiled for: the host's, with the
/// features cranelift-native detects (AVX, FMA, SSE4.1 for native rounding, ...). Code
/// emitted as for a host without FMA (`vecmath::without_fma`, for tests) gets the same ISA
/// with `has_fma` off, so its `fma` instructions take the exact call `build` links.
fn isa() -> Result<OwnedTargetIsa> {
    type Made = std::result::Result<OwnedTargetIsa, String>;
    static NATIVE: OnceLock<Made> = OnceLock::new();
    static NO_FMA: OnceLock<Made> = OnceLock::new();
    let make = |fma_off: bool| -> Made {
        let mut flags = settings::builder();
        let set = |f: &mut dyn Configurable, k: &str, v: &str| {
            f.set(k, v).map_err(|e| format!("setting {k}={v}: {e}"))
        };
        set(&mut flags, "opt_level", "speed")?;
        set(&mut flags, "use_colocated_libcalls", "false")?;
        set(&mut flags, "is_pic", "false")?;
        let mut builder = cranelift_native::builder().map_err(|e| e.to_string())?;
        if fma_off && cfg!(target_arch = "x86_64") {
            set(&mut builder, "has_fma", "false")?;
        }
        builder
            .finish(settings::Flags::new(flags))
            .map_err(|e| e.to_string())
    };
    let isa = if vecmath::host_fma() {
        NATIVE.get_or_init(|| make(false))
    } else {
        NO_FMA.get_or_init(|| make(true))
    };
    isa.clone()
        .map_err(|e| internal(format!("no Cranelift ISA for this host: {e}")))
}

/// The names Cranelift gives its library calls, with `fma` and `fmaf` (what its `fma`
/// instruction becomes on an x86-64 CPU without FMA, per scalar or per lane) renamed to
/// numcrane's own exact fused multiply-adds (`callout::fma_f64` / `fma_f32`, which `build`
/// links), so the result never depends on which C library the process found.
fn libcall_name(call: LibCall) -> String {
    match call {
        LibCall::FmaF64 => callout::FMA_F64.to_string(),
        LibCall::FmaF32 => callout::FMA_F32.to_string(),
        other => default_libcall_names()(other),
    }
}

/// `NUMCRANE_DEBUG` (read once per process).
pub(crate) fn debug_level() -> u32 {
    numcrane_graph::trace::debug_level()
}

/// Whether `NUMCRANE_FAST_MATH` (anything but empty or `0`, read once) allows contracting
/// `a*b + c` into one fused multiply-add. Off by default: NumPy rounds the product, then the
/// sum, and so does numcrane unless the user opts in. Only where the CPU has FMA.
pub fn fast_math() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| {
        let asked =
            std::env::var("NUMCRANE_FAST_MATH").is_ok_and(|v| !matches!(v.trim(), "" | "0"));
        #[cfg(target_arch = "x86_64")]
        let fma = std::is_x86_feature_detected!("fma");
        #[cfg(not(target_arch = "x86_64"))]
        let fma = false;
        asked && fma
    })
}

/// A float add or subtract that fast-math code computes as one fused multiply-add:
/// `±(a*b) ± c` with the product's instruction not computed on its own.
#[derive(Clone, Copy)]
struct Contraction {
    a: ValueId,
    b: ValueId,
    c: ValueId,
    negate_product: bool,
    negate_addend: bool,
}

/// For each instruction, the contraction that replaces it (fast math only), and which
/// products are thereby not computed separately. A product contracts when it is a float
/// multiply used once, by an add or subtract of its dtype.
fn contractions(
    kernel: &ElementwiseKernel,
    live: &[bool],
) -> (Vec<Option<Contraction>>, Vec<bool>) {
    let n = kernel.instrs.len();
    let mut uses = vec![0usize; n];
    uses[kernel.output] += 1;
    for (i, instr) in kernel.instrs.iter().enumerate() {
        if !live[i] {
            continue;
        }
        match &instr.kind {
            &InstrKind::Cast { value } | &InstrKind::Unary { value, .. } => uses[value] += 1,
            &InstrKind::Binary { lhs, rhs, .. } => {
                uses[lhs] += 1;
                uses[rhs] += 1;
            }
            &InstrKind::MulAdd { a, b, c } => {
                uses[a] += 1;
                uses[b] += 1;
                uses[c] += 1;
            }
            &InstrKind::Where {
                cond,
                then,
                otherwise,
            } => {
                uses[cond] += 1;
                uses[then] += 1;
                uses[otherwise] += 1;
            }
            InstrKind::Gather { indices, .. } => {
                for &v in indices {
                    uses[v] += 1;
                }
            }
            &InstrKind::Complex { re, im } => {
                uses[re] += 1;
                uses[im] += 1;
            }
            InstrKind::Load { .. } | InstrKind::Const(_) => {}
        }
    }
    let mut fused = vec![None; n];
    let mut absorbed = vec![false; n];
    if !fast_math() {
        return (fused, absorbed);
    }
    let product = |v: ValueId, absorbed: &[bool]| match kernel.instrs[v].kind {
        InstrKind::Binary {
            op: BinaryOp::Mul,
            lhs,
            rhs,
        } if kernel.instrs[v].dtype.is_float()
            && uses[v] == 1
            && !absorbed[v]
            && v != kernel.output =>
        {
            Some((lhs, rhs))
        }
        _ => None,
    };
    for (i, instr) in kernel.instrs.iter().enumerate() {
        let InstrKind::Binary { op, lhs, rhs } = instr.kind else {
            continue;
        };
        if !live[i] || !instr.dtype.is_float() || !matches!(op, BinaryOp::Add | BinaryOp::Sub) {
            continue;
        }
        let sub = op == BinaryOp::Sub;
        let found = match (product(lhs, &absorbed), product(rhs, &absorbed)) {
            (Some((a, b)), _) => Some((lhs, a, b, rhs, false, sub)),
            (None, Some((a, b))) => Some((rhs, a, b, lhs, sub, false)),
            _ => None,
        };
        if let Some((mul, a, b, c, negate_product, negate_addend)) = found {
            absorbed[mul] = true;
            fused[i] = Some(Contraction {
                a,
                b,
                c,
                negate_product,
                negate_addend,
            });
        }
    }
    (fused, absorbed)
}

/// Whether generated code checks its own memory accesses.
///
/// A launch is validated before any generated code runs (see `runtime::run`), so the default
/// code trusts it and checks nothing. Checked code is the debugging net under that
/// validation: it catches a bug in the validation, in the row odometer or in code generation
/// itself (a vector loop running one vector too far, a wrong stride) as an error instead of a
/// read or write of memory it does not own.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Checks {
    /// No checks in the generated code (the default).
    #[default]
    Off,
    /// Before every load from an input and every load or store of the output, the generated
    /// code compares the bytes the access covers (16 for a vector access) with that buffer's
    /// [`Bounds`]; an access outside them is not made, and the call returns which bounds it
    /// violated ([`CompiledKernel::call_row_checked`]).
    Bounds,
}

impl Checks {
    /// `Bounds` when `NUMCRANE_CHECKED` is set to anything but empty or `0`, else `Off`;
    /// read once per process.
    pub fn from_env() -> Checks {
        static CHOSEN: OnceLock<Checks> = OnceLock::new();
        *CHOSEN.get_or_init(|| match std::env::var("NUMCRANE_CHECKED") {
            Ok(v) if !matches!(v.trim(), "" | "0") => Checks::Bounds,
            _ => Checks::Off,
        })
    }
}

/// The bytes a checked kernel may access in one buffer: addresses `lo..hi`.
///
/// `repr(C)`: generated code reads `lo` at byte 0 and `hi` at byte 8 of each entry.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bounds {
    /// The first address that may be accessed.
    pub lo: usize,
    /// One past the last address that may be accessed.
    pub hi: usize,
}

impl Bounds {
    /// Every address: checks that can never fail.
    pub const EVERYWHERE: Bounds = Bounds {
        lo: 0,
        hi: usize::MAX,
    };

    /// The `len` bytes from `start` (clamped at the end of the address space).
    pub fn of_bytes(start: *const u8, len: usize) -> Bounds {
        let lo = start.addr();
        Bounds {
            lo,
            hi: lo.saturating_add(len),
        }
    }
}

/// The access a checked kernel refused to make: outside the bounds of this buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutOfBounds {
    /// A read of input `k`.
    Input(usize),
    /// A read or write of the output.
    Output,
}

/// The native signature of an unchecked kernel: compute `n` output elements of one row.
type KernelFn = unsafe extern "C" fn(usize, *mut u8, *const *const u8, *const isize);

/// The native signature of a checked kernel: the unchecked arguments plus one [`Bounds`] per
/// input and one for the output; returns 0, or `s + 1` when an access fell outside bounds `s`
/// (the call then stopped before making it).
type CheckedKernelFn =
    unsafe extern "C" fn(usize, *mut u8, *const *const u8, *const isize, *const Bounds) -> usize;

/// The native signature of an unchecked column fold: `(n, out, inputs, strides, rows)`, with
/// `rows * num_inputs` input pointers (row by row) folded in order into the `n` outputs.
type ColumnsFn = unsafe extern "C" fn(usize, *mut u8, *const *const u8, *const isize, usize);

/// The native signature of a checked column fold: [`ColumnsFn`]'s arguments plus the bounds,
/// returning the status as [`CheckedKernelFn`] does.
type CheckedColumnsFn = unsafe extern "C" fn(
    usize,
    *mut u8,
    *const *const u8,
    *const isize,
    usize,
    *const Bounds,
) -> usize;

/// A compiled kernel function, as its [`Checks`] mode and its kind (column fold or not)
/// declare it.
#[derive(Clone, Copy)]
enum KernelCode {
    Unchecked(KernelFn),
    Checked(CheckedKernelFn),
    Columns(ColumnsFn),
    CheckedColumns(CheckedColumnsFn),
}

/// Whether `kernel` is a column fold, whose function has the extra `rows` parameter.
fn is_column_fold(kernel: &ElementwiseKernel) -> bool {
    kernel
        .reduce
        .is_some_and(|r| r.inner == ReduceInner::Columns)
}

/// Turns the address of a finalized kernel function into a callable function pointer.
///
/// # Safety
///
/// `code` must be the address of a function finalized in a live `JITModule`, compiled by
/// `build` in mode `checks`: the parameters `(i64 n, i64 out, i64 inputs, i64 strides)`, then
/// `i64 rows` if `columns` (a column fold), then `i64 bounds` and an `i64` result for
/// `Checks::Bounds`, and the host's default calling convention (System V on x86-64 Linux, the
/// C ABI), which is what `KernelFn`, `CheckedKernelFn`, `ColumnsFn` and `CheckedColumnsFn`
/// declare. The pointer must only be called while that module is alive.
unsafe fn kernel_fn(code: *const u8, checks: Checks, columns: bool) -> KernelCode {
    match (checks, columns) {
        (Checks::Off, false) => {
            // SAFETY: per the contract above, `code` points to executable code with exactly
            // the ABI and signature of `KernelFn`; function and data pointers have the same
            // size on every target Cranelift JITs for.
            let f = unsafe { std::mem::transmute::<*const u8, KernelFn>(code) };
            KernelCode::Unchecked(f)
        }
        (Checks::Bounds, false) => {
            // SAFETY: as above, with the signature of `CheckedKernelFn`.
            let f = unsafe { std::mem::transmute::<*const u8, CheckedKernelFn>(code) };
            KernelCode::Checked(f)
        }
        (Checks::Off, true) => {
            // SAFETY: as above, with the signature of `ColumnsFn`.
            let f = unsafe { std::mem::transmute::<*const u8, ColumnsFn>(code) };
            KernelCode::Columns(f)
        }
        (Checks::Bounds, true) => {
            // SAFETY: as above, with the signature of `CheckedColumnsFn`.
            let f = unsafe { std::mem::transmute::<*const u8, CheckedColumnsFn>(code) };
            KernelCode::CheckedColumns(f)
        }
    }
}

/// A kernel compiled to native code. It owns the code's `JITModule` and frees its memory when
/// dropped; the function pointer never leaves this struct, so no call can outlive the code.
pub struct CompiledKernel {
    func: KernelCode,
    /// Never read: it keeps the code alive and is freed in `Drop`. The Mutex makes the struct
    /// `Sync` (`JITModule` is `Send` but not `Sync`); nothing locks it during calls.
    module: Mutex<Option<JITModule>>,
    vector_width: Option<u32>,
    compile_time: Duration,
    num_inputs: usize,
}

impl std::fmt::Debug for CompiledKernel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CompiledKernel")
            .field("checks", &self.checks())
            .field("vector_width", &self.vector_width)
            .field("compile_time", &self.compile_time)
            .field("num_inputs", &self.num_inputs)
            .finish_non_exhaustive()
    }
}

impl CompiledKernel {
    /// The element width in bytes of its vector loop, or None if it has only the scalar loop.
    pub fn vector_width(&self) -> Option<u32> {
        self.vector_width
    }

    /// How long compiling it took (IR building, Cranelift, linking).
    pub fn compile_time(&self) -> Duration {
        self.compile_time
    }

    /// The number of input pointers and strides each call reads.
    pub fn num_inputs(&self) -> usize {
        self.num_inputs
    }

    /// Whether its code checks its memory accesses.
    pub fn checks(&self) -> Checks {
        match self.func {
            KernelCode::Unchecked(_) | KernelCode::Columns(_) => Checks::Off,
            KernelCode::Checked(_) | KernelCode::CheckedColumns(_) => Checks::Bounds,
        }
    }

    /// Computes one row of `n` output elements.
    ///
    /// The function is reentrant: distinct rows may be computed concurrently from any threads.
    /// A checked kernel runs with bounds that admit every address (the contract below already
    /// keeps every access in range); use [`call_row_checked`](Self::call_row_checked) to give
    /// it real ones.
    ///
    /// # Safety
    ///
    /// `inputs` and `strides` must point to `num_inputs()` readable pointers and strides (in
    /// elements). For every input `k` and `j < n`, `inputs[k] + j * strides[k]` elements must be
    /// a readable, initialised element of the kernel's input dtype (a valid bool is 0 or 1), and
    /// `out + j` elements must be writable elements of the output dtype that nothing else
    /// accesses during the call. Pointers need no alignment beyond one byte. If `n == 0`,
    /// nothing is read or written.
    ///
    /// One exception to "nothing else": for a kernel that is not a fold, an input of the
    /// output's dtype read with stride 1 (or with `n == 1`) may start at `out` itself (the
    /// row is computed in place). The generated loop reads every input element of output
    /// element `j` before it stores element `j`, and the stores of one step go to elements no
    /// later step reads (input loads are ordinary loads, never moved past a store).
    pub unsafe fn call_row(
        &self,
        n: usize,
        out: *mut u8,
        inputs: *const *const u8,
        strides: *const isize,
    ) {
        // SAFETY: one row is what `call_rows` with `rows == 1` reads, under the same contract.
        unsafe { self.call_rows(n, out, inputs, strides, 1) }
    }

    /// For a column fold (`Reduction` with `ReduceInner::Columns`): folds `rows` rows of `n`
    /// elements, in order, into the `n` outputs. `inputs` holds `rows * num_inputs()` pointers,
    /// row by row (input `k` of row `r` at `inputs[r * num_inputs() + k]`); the strides are
    /// the same for every row. Any other kernel computes one row, and `rows` must be 1.
    ///
    /// # Panics
    ///
    /// If `rows != 1` and the kernel is not a column fold.
    ///
    /// # Safety
    ///
    /// The contract of [`call_row`](Self::call_row) for each row `r < rows` (with that row's
    /// pointers); `out` must hold `n` initialised outputs.
    pub unsafe fn call_rows(
        &self,
        n: usize,
        out: *mut u8,
        inputs: *const *const u8,
        strides: *const isize,
        rows: usize,
    ) {
        let everywhere = || vec![Bounds::EVERYWHERE; self.num_inputs + 1];
        match self.func {
            KernelCode::Columns(f) => {
                // SAFETY: `f` was compiled for this signature and its module lives as long as
                // `self`; the caller upholds the memory contract documented above, which is
                // all the generated code relies on.
                unsafe { f(n, out, inputs, strides, rows) }
            }
            KernelCode::CheckedColumns(f) => {
                let bounds = everywhere();
                // SAFETY: as above; `bounds` holds the `num_inputs + 1` entries the code reads,
                // and admitting every address relaxes nothing the contract above does not
                // already guarantee.
                let status = unsafe { f(n, out, inputs, strides, rows, bounds.as_ptr()) };
                debug_assert_eq!(status, 0, "an access outside the whole address space");
            }
            KernelCode::Unchecked(f) => {
                assert_eq!(
                    rows, 1,
                    "several rows in one call of a kernel that is no column fold"
                );
                // SAFETY: as above, for one row.
                unsafe { f(n, out, inputs, strides) }
            }
            KernelCode::Checked(f) => {
                assert_eq!(
                    rows, 1,
                    "several rows in one call of a kernel that is no column fold"
                );
                let bounds = everywhere();
                // SAFETY: as above, for one row, with bounds admitting every address.
                let status = unsafe { f(n, out, inputs, strides, bounds.as_ptr()) };
                debug_assert_eq!(status, 0, "an access outside the whole address space");
            }
        }
    }

    /// Computes one row of `n` output elements like [`call_row`](Self::call_row), but with
    /// every access checked: `bounds[k]` are the bytes input `k` may be read from,
    /// `bounds[num_inputs()]` those of the output. An access outside its bounds is not made:
    /// the call returns at once with which bounds it violated. Elements computed before that
    /// point have been written (they were inside the output's bounds).
    ///
    /// # Panics
    ///
    /// If the kernel was not compiled with `Checks::Bounds` (its code could not honour the
    /// bounds), or `bounds` does not hold `num_inputs() + 1` entries.
    ///
    /// # Safety
    ///
    /// `inputs` and `strides` must point to `num_inputs()` readable pointers and strides (in
    /// elements); the pointers themselves may point anywhere. Every byte of `bounds[k]` must be
    /// readable and hold initialised elements of input `k`'s dtype, every byte of the output's
    /// bounds writable memory of the output dtype (initialised, for a fold kernel, which reads
    /// its output) that nothing else accesses during the call.
    pub unsafe fn call_row_checked(
        &self,
        n: usize,
        out: *mut u8,
        inputs: *const *const u8,
        strides: *const isize,
        bounds: &[Bounds],
    ) -> std::result::Result<(), OutOfBounds> {
        // SAFETY: one row is what `call_rows_checked` with `rows == 1` reads, under the same
        // contract.
        unsafe { self.call_rows_checked(n, out, inputs, strides, 1, bounds) }
    }

    /// [`call_rows`](Self::call_rows) with every access checked as in
    /// [`call_row_checked`](Self::call_row_checked): `bounds[k]` holds the bytes input `k` of
    /// every row may be read from. Rows before the refused access have been folded in.
    ///
    /// # Panics
    ///
    /// As [`call_row_checked`](Self::call_row_checked), and if `rows != 1` for a kernel that
    /// is no column fold.
    ///
    /// # Safety
    ///
    /// As [`call_row_checked`](Self::call_row_checked), with `rows * num_inputs()` readable
    /// pointers in `inputs` (they may point anywhere).
    pub unsafe fn call_rows_checked(
        &self,
        n: usize,
        out: *mut u8,
        inputs: *const *const u8,
        strides: *const isize,
        rows: usize,
        bounds: &[Bounds],
    ) -> std::result::Result<(), OutOfBounds> {
        assert_eq!(
            bounds.len(),
            self.num_inputs + 1,
            "one Bounds per input and one for the output"
        );
        let status = match self.func {
            KernelCode::Checked(f) => {
                assert_eq!(
                    rows, 1,
                    "several rows in one call of a kernel that is no column fold"
                );
                // SAFETY: `f` was compiled for this signature and its module lives as long as
                // `self`; it reads `num_inputs()` pointers and strides (the caller's contract)
                // and `num_inputs() + 1` bounds (asserted), and accesses memory only inside the
                // bounds the caller vouches for.
                unsafe { f(n, out, inputs, strides, bounds.as_ptr()) }
            }
            KernelCode::CheckedColumns(f) => {
                // SAFETY: as above, reading `rows * num_inputs()` pointers (the caller's
                // contract).
                unsafe { f(n, out, inputs, strides, rows, bounds.as_ptr()) }
            }
            KernelCode::Unchecked(_) | KernelCode::Columns(_) => {
                panic!("call_row_checked on a kernel compiled without checks")
            }
        };
        match status {
            0 => Ok(()),
            s if s <= self.num_inputs => Err(OutOfBounds::Input(s - 1)),
            _ => Err(OutOfBounds::Output),
        }
    }
}

/// Compiled kernels alive now (each owns its code memory): a kernel the cache evicts must
/// free its code once no caller holds it, which tests observe through this count (issue 11).
static LIVE_KERNELS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// How many compiled kernels (and so blocks of generated code) are alive in this process.
pub fn live_kernels() -> usize {
    LIVE_KERNELS.load(std::sync::atomic::Ordering::Relaxed)
}

impl Drop for CompiledKernel {
    fn drop(&mut self) {
        LIVE_KERNELS.fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
        let module = match self.module.get_mut() {
            Ok(m) => m.take(),
            Err(poisoned) => poisoned.into_inner().take(),
        };
        if let Some(module) = module {
            // SAFETY: `func`, the only pointer into this module's code, is private to `self`
            // and only called through `&self` (`call_row`), so while `drop` runs (with `&mut
            // self`) no call is executing and none can start afterwards. The generated code
            // references no data in the module.
            unsafe { module.free_memory() };
        }
    }
}

/// Compiles `kernel` to native code without checks (uncached: see `cache::get_or_compile`).
///
/// Fails with `Error::Internal` if the kernel is malformed or uses an op the JIT does not
/// support (see [`supports`]).
pub fn compile(kernel: &ElementwiseKernel) -> Result<CompiledKernel> {
    compile_with(kernel, Checks::Off)
}

/// [`compile`], with the generated code checking its memory accesses as `checks` says.
pub fn compile_with(kernel: &ElementwiseKernel, checks: Checks) -> Result<CompiledKernel> {
    compile_inner(kernel, checks, None)
}

/// The generated code of one kernel as text: what `NUMCRANE_DEBUG=3` and `=4` print while
/// compiling, collected instead (see [`listing`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Listing {
    /// The kernel function in Cranelift IR, after building and before Cranelift's own
    /// optimisations (`function u0:0(i64, i64, i64, i64) ... { block0(...): ... }`).
    pub ir: String,
    /// The machine code Cranelift emitted for it, as Cranelift's disassembly of its final
    /// machine instructions (registers allocated, one instruction a line).
    pub asm: String,
    /// The element width in bytes of its vector loop, or None if it has only the scalar loop.
    pub vector_width: Option<u32>,
    /// Whether the code checks its memory accesses.
    pub checks: Checks,
}

/// Compiles `kernel` as the JIT would in this process (checks as `NUMCRANE_CHECKED` says) and
/// returns its Cranelift IR and machine code as text, printing nothing. The code is freed
/// before it returns and the kernel cache is not touched.
///
/// Fails as [`compile`] does.
pub fn listing(kernel: &ElementwiseKernel) -> Result<Listing> {
    listing_with(kernel, Checks::from_env())
}

/// [`listing`] of the code compiled in mode `checks`.
pub fn listing_with(kernel: &ElementwiseKernel, checks: Checks) -> Result<Listing> {
    let mut text = Listing {
        checks,
        ..Listing::default()
    };
    let compiled = compile_inner(kernel, checks, Some(&mut text))?;
    text.vector_width = compiled.vector_width();
    Ok(text)
}

/// [`compile_with`]; with `capture`, the IR and machine code go there instead of to stderr
/// (whatever `NUMCRANE_DEBUG` says), and nothing is printed.
fn compile_inner(
    kernel: &ElementwiseKernel,
    checks: Checks,
    mut capture: Option<&mut Listing>,
) -> Result<CompiledKernel> {
    let start = Instant::now();
    check_kernel(kernel)?;
    let log = debug_level() >= 1 && capture.is_none();
    let width = vector_width(kernel);
    let (built, vector_width) = match build_guarded(kernel, width, checks, capture.as_deref_mut()) {
        Ok(built) => (built, width),
        Err(e) if width.is_some() => {
            if log {
                eprintln!("numcrane-jit: vector loop failed ({e}); compiling the scalar loop only");
            }
            (build_guarded(kernel, None, checks, capture)?, None)
        }
        Err(e) => return Err(e),
    };
    let Built(module, code) = built;
    let compile_time = start.elapsed();
    if log {
        eprintln!(
            "numcrane-jit: compiled a kernel of {} values ({}{}) in {:.3} ms",
            kernel.instrs.len(),
            match vector_width {
                Some(w) => format!("vector loop, {w}-byte lanes"),
                None => "scalar loop".to_string(),
            },
            match checks {
                Checks::Off => "",
                Checks::Bounds => ", bounds-checked",
            },
            compile_time.as_secs_f64() * 1e3
        );
    }
    // SAFETY: `code` is the finalized address of the function `build` compiled in mode
    // `checks` in `module`, which the returned struct keeps alive as long as the pointer.
    let func = unsafe { kernel_fn(code, checks, is_column_fold(kernel)) };
    LIVE_KERNELS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    Ok(CompiledKernel {
        func,
        module: Mutex::new(Some(module)),
        vector_width,
        compile_time,
        num_inputs: kernel.inputs.len(),
    })
}

/// A finished module and the address of its kernel function.
struct Built(JITModule, *const u8);

fn module_error(e: impl std::fmt::Display) -> Error {
    internal(format!("Cranelift: {e}"))
}

/// `build`, with a panic inside Cranelift turned into an error: a compiler bug must not take
/// the user's program down (the reference evaluator can still compute the kernel).
fn build_guarded(
    kernel: &ElementwiseKernel,
    width: Option<u32>,
    checks: Checks,
    capture: Option<&mut Listing>,
) -> Result<Built> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        build(kernel, width, checks, capture)
    }))
    .unwrap_or_else(|panic| {
        let what = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Err(internal(format!("Cranelift panicked: {what}")))
    })
}

/// Builds and finalizes the kernel function in a fresh module.
fn build(
    kernel: &ElementwiseKernel,
    width: Option<u32>,
    checks: Checks,
    capture: Option<&mut Listing>,
) -> Result<Built> {
    let isa = isa()?;
    let mut builder = JITBuilder::with_isa(isa, Box::new(libcall_name));
    builder.symbol(callout::FMA_F64, callout::fma_f64 as *const u8);
    builder.symbol(callout::FMA_F32, callout::fma_f32 as *const u8);
    let mut module = JITModule::new(builder);
    match define(&mut module, kernel, width, checks, capture) {
        Ok(code) => Ok(Built(module, code)),
        Err(e) => {
            // SAFETY: no pointer into this module's code was handed out (`define` failed), so
            // nothing can call it.
            unsafe { module.free_memory() };
            Err(e)
        }
    }
}

fn define(
    module: &mut JITModule,
    kernel: &ElementwiseKernel,
    width: Option<u32>,
    checks: Checks,
    mut capture: Option<&mut Listing>,
) -> Result<*const u8> {
    let ptr = module.target_config().pointer_type();
    let call_conv = module.target_config().default_call_conv;
    let mut sig = module.make_signature();
    // (n, out, inputs, strides), (rows) for a column fold, and for checked code (bounds) ->
    // status.
    let mut params = 4 + usize::from(is_column_fold(kernel));
    if checks == Checks::Bounds {
        sig.returns.push(AbiParam::new(ptr));
        params += 1;
    }
    for _ in 0..params {
        sig.params.push(AbiParam::new(ptr));
    }
    let id = module
        .declare_anonymous_function(&sig)
        .map_err(module_error)?;
    let mut ctx = module.make_context();
    ctx.func.signature = sig;
    // The code's text goes to `capture` when given, else to stderr at NUMCRANE_DEBUG=3 / 4.
    let level = debug_level();
    let (want_ir, want_asm) = match capture {
        Some(_) => (true, true),
        None => (level >= 3, level >= 4),
    };
    if want_asm {
        ctx.set_disasm(true);
    }
    let mut fctx = FunctionBuilderContext::new();
    {
        let mut b = FunctionBuilder::new(&mut ctx.func, &mut fctx);
        let live = live_values(kernel);
        let (contracted, absorbed) = contractions(kernel, &live);
        let mut g = Gen {
            kernel,
            contracted,
            absorbed,
            live,
            mem: MemFlagsData::new().with_notrap(),
            input_mem: MemFlagsData::new().with_notrap(),
            ptr,
            call_conv,
            guard: None,
            gathers: Vec::new(),
        };
        g.function(&mut b, width, checks)?;
        b.seal_all_blocks();
        b.finalize(module.target_config());
    }
    if want_ir {
        let ir = ctx.func.display().to_string();
        match capture.as_deref_mut() {
            Some(c) => c.ir = ir,
            None => eprintln!("numcrane-jit: Cranelift IR\n{ir}"),
        }
    }
    module.define_function(id, &mut ctx).map_err(|e| {
        internal(format!(
            "Cranelift could not compile the kernel: {e:?}\n{}",
            ctx.func.display()
        ))
    })?;
    if want_asm {
        if let Some(vcode) = ctx.compiled_code().and_then(|c| c.vcode.as_ref()) {
            match capture {
                Some(c) => c.asm = vcode.clone(),
                None => eprintln!("numcrane-jit: machine code\n{vcode}"),
            }
        }
    }
    module.clear_context(&mut ctx);
    module.finalize_definitions().map_err(module_error)?;
    Ok(module.get_finalized_function(id))
}

/// Scalar loop or vector loop with element width `w` bytes.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mode {
    Scalar,
    Vector(u32),
}

fn scalar_type(dt: DType) -> Type {
    match dt {
        DType::Bool | DType::I8 | DType::U8 => types::I8,
        DType::I16 | DType::U16 => types::I16,
        DType::I32 | DType::U32 => types::I32,
        DType::I64 | DType::U64 => types::I64,
        // Complex kernels are rejected by `check_kernel` before code is generated; the part
        // type keeps this total.
        DType::F32 | DType::C64 => types::F32,
        DType::F64 | DType::C128 => types::F64,
    }
}

fn int_type_of_bytes(w: u32) -> Type {
    match w {
        1 => types::I8,
        2 => types::I16,
        4 => types::I32,
        _ => types::I64,
    }
}

/// Where a kernel input's elements come from inside the loops.
#[derive(Clone, Copy)]
enum Source {
    /// not read by the kernel
    Unused,
    /// advancing pointer (contiguous or strided)
    Pointer(Variable),
    /// loaded once: (scalar value, vector value for the vector loop)
    Hoisted(Value, Option<Value>),
}

struct Gen<'k> {
    kernel: &'k ElementwiseKernel,
    live: Vec<bool>,
    /// Fast math only: adds computed as fused multiply-adds, and the products they absorb.
    contracted: Vec<Option<Contraction>>,
    absorbed: Vec<bool>,
    mem: MemFlagsData,
    /// The flags of loads from the kernel's inputs: `mem`, or in unchecked column folds
    /// `mem` plus readonly and can-move (see `columns_function`).
    input_mem: MemFlagsData,
    ptr: Type,
    call_conv: CallConv,
    /// Checked code only: the bounds every access is compared with (set up by `function`).
    guard: Option<Guard>,
    /// Per `InstrKind::Gather` in instruction order, per indexed axis: its stride in bytes
    /// and its length, read from the `strides` argument after the inputs' strides (set up by
    /// `function`).
    gathers: Vec<Vec<(Value, Value)>>,
}

/// The bounds checks of checked code. Slots are the kernel's inputs in order, then the output
/// (the layout of the `bounds` argument).
struct Guard {
    /// Where a failed check branches, with the failed slot + 1: returns it as the status.
    fail: Block,
    slots: Vec<SlotBounds>,
}

/// One slot's bounds in the form the checks use, computed once per call. An access of `size`
/// bytes at `addr` lies inside `lo..hi` iff `addr - lo < limit` (wrapping subtraction, unsigned
/// compare) with `limit = hi - lo - size + 1`, or `limit = 0` when no access of that size fits
/// (or `hi < lo`): an address below `lo` wraps to more than `hi - lo`, so one compare and one
/// branch cover both ends.
#[derive(Clone, Copy)]
struct SlotBounds {
    lo: Value,
    /// For scalar accesses (the slot's element size).
    scalar_limit: Value,
    /// For 16-byte accesses, when the kernel has a vector loop.
    vector_limit: Option<Value>,
}

impl Gen<'_> {
    fn ty(&self, mode: Mode, dt: DType) -> Type {
        match mode {
            Mode::Scalar => scalar_type(dt),
            Mode::Vector(w) => {
                let lane = if dt == DType::Bool {
                    int_type_of_bytes(w)
                } else {
                    scalar_type(dt)
                };
                lane.by(16 / lane.bytes()).unwrap_or(lane)
            }
        }
    }

    fn splat(&self, b: &mut FunctionBuilder, mode: Mode, dt: DType, scalar: Value) -> Value {
        match mode {
            Mode::Scalar => scalar,
            Mode::Vector(_) => {
                let ty = self.ty(mode, dt);
                b.ins().splat(ty, scalar)
            }
        }
    }

    /// An integer constant (two's complement bits) of an integer dtype.
    fn int_const(&self, b: &mut FunctionBuilder, mode: Mode, dt: DType, bits: u64) -> Value {
        let lane = scalar_type(dt);
        let masked = if lane.bits() >= 64 {
            bits
        } else {
            bits & ((1u64 << lane.bits()) - 1)
        };
        let c = b.ins().iconst(lane, masked as i64);
        self.splat(b, mode, dt, c)
    }

    fn bool_const(&self, b: &mut FunctionBuilder, mode: Mode, v: bool) -> Value {
        match mode {
            Mode::Scalar => b.ins().iconst(types::I8, i64::from(v)),
            Mode::Vector(w) => {
                let lane = int_type_of_bytes(w);
                let bits = if !v {
                    0
                } else if lane.bits() >= 64 {
                    -1i64
                } else {
                    ((1u64 << lane.bits()) - 1) as i64
                };
                let c = b.ins().iconst(lane, bits);
                let ty = self.ty(mode, DType::Bool);
                b.ins().splat(ty, c)
            }
        }
    }

    /// A float constant of F32 or F64 from exact bits of that type.
    fn float_bits(&self, b: &mut FunctionBuilder, mode: Mode, dt: DType, bits: u64) -> Value {
        let c = if dt == DType::F32 {
            b.ins().f32const(Ieee32::with_bits(bits as u32))
        } else {
            b.ins().f64const(Ieee64::with_bits(bits))
        };
        self.splat(b, mode, dt, c)
    }

    /// A float constant; `v` must be exactly representable in `dt` (small integers, inf).
    fn float_const(&self, b: &mut FunctionBuilder, mode: Mode, dt: DType, v: f64) -> Value {
        let bits = if dt == DType::F32 {
            u64::from((v as f32).to_bits())
        } else {
            v.to_bits()
        };
        self.float_bits(b, mode, dt, bits)
    }

    /// Zero of any dtype.
    fn zero(&self, b: &mut FunctionBuilder, mode: Mode, dt: DType) -> Value {
        match dt {
            DType::Bool => self.bool_const(b, mode, false),
            DType::F32 | DType::F64 => self.float_const(b, mode, dt, 0.0),
            _ => self.int_const(b, mode, dt, 0),
        }
    }

    fn scalar_const(&self, b: &mut FunctionBuilder, mode: Mode, s: Scalar) -> Value {
        match s {
            Scalar::Bool(v) => self.bool_const(b, mode, v),
            Scalar::F32(v) => self.float_bits(b, mode, DType::F32, u64::from(v.to_bits())),
            Scalar::F64(v) => self.float_bits(b, mode, DType::F64, v.to_bits()),
            Scalar::I8(v) => self.int_const(b, mode, DType::I8, v as u64),
            Scalar::I16(v) => self.int_const(b, mode, DType::I16, v as u64),
            Scalar::I32(v) => self.int_const(b, mode, DType::I32, v as u64),
            Scalar::I64(v) => self.int_const(b, mode, DType::I64, v as u64),
            Scalar::U8(v) => self.int_const(b, mode, DType::U8, u64::from(v)),
            Scalar::U16(v) => self.int_const(b, mode, DType::U16, u64::from(v)),
            Scalar::U32(v) => self.int_const(b, mode, DType::U32, u64::from(v)),
            Scalar::U64(v) => self.int_const(b, mode, DType::U64, v),
            // Unreachable (see `scalar_type`): the real part.
            Scalar::C64(v) => self.float_bits(b, mode, DType::F32, u64::from(v.re.to_bits())),
            Scalar::C128(v) => self.float_bits(b, mode, DType::F64, v.re.to_bits()),
        }
    }

    /// `cond ? a : other` where `cond` is a bool value (0/1 byte or lane mask).
    fn select(
        &self,
        b: &mut FunctionBuilder,
        mode: Mode,
        cond: Value,
        a: Value,
        other: Value,
    ) -> Value {
        match mode {
            Mode::Scalar => b.ins().select(cond, a, other),
            Mode::Vector(_) => {
                let ty = b.func.dfg.value_type(a);
                let mask = if b.func.dfg.value_type(cond) != ty {
                    b.ins().bitcast(ty, MemFlagsData::new(), cond)
                } else {
                    cond
                };
                b.ins().bitselect(mask, a, other)
            }
        }
    }

    fn bool_not(&self, b: &mut FunctionBuilder, mode: Mode, x: Value) -> Value {
        match mode {
            Mode::Scalar => {
                let one = b.ins().iconst(types::I8, 1);
                b.ins().bxor(x, one)
            }
            Mode::Vector(_) => b.ins().bnot(x),
        }
    }

    fn is_nan(&self, b: &mut FunctionBuilder, x: Value) -> Value {
        b.ins().fcmp(FloatCC::Unordered, x, x)
    }

    /// In checked code, branches to the guard's `fail` block unless the access of one element
    /// (`Mode::Scalar`) or 16 bytes (`Mode::Vector`) at `p + offset` lies inside the bounds of
    /// `slot`, and goes on in a new block; in unchecked code, emits nothing.
    fn check(&self, b: &mut FunctionBuilder, mode: Mode, slot: usize, p: Value, offset: i32) {
        let Some(guard) = &self.guard else {
            return;
        };
        let bounds = guard.slots[slot];
        let limit = match mode {
            Mode::Scalar => Some(bounds.scalar_limit),
            Mode::Vector(_) => bounds.vector_limit,
        };
        // A vector access without vector bounds cannot happen (both come from `width`);
        // limit 0 would fail it safely anyway.
        let limit = limit.unwrap_or_else(|| b.ins().iconst(self.ptr, 0));
        let addr = if offset == 0 {
            p
        } else {
            b.ins().iadd_imm_s(p, i64::from(offset))
        };
        let rel = b.ins().isub(addr, bounds.lo);
        let inside = b.ins().icmp(IntCC::UnsignedLessThan, rel, limit);
        let status = b.ins().iconst(self.ptr, slot as i64 + 1);
        let next = b.create_block();
        b.ins()
            .brif(inside, next, &[], guard.fail, &[BlockArg::Value(status)]);
        b.switch_to_block(next);
    }

    /// The bounds slot of the output (after the inputs').
    fn out_slot(&self) -> usize {
        self.kernel.inputs.len()
    }

    /// Loads one element (or one vector) of dtype `dt` from bounds slot `slot` (checked code
    /// checks the access first) and converts it to register form.
    fn load(
        &self,
        b: &mut FunctionBuilder,
        mode: Mode,
        dt: DType,
        slot: usize,
        p: Value,
        offset: i32,
    ) -> Value {
        self.check(b, mode, slot, p, offset);
        match (mode, dt) {
            (Mode::Vector(_), DType::Bool) => {
                let raw = b.ins().load(types::I8X16, self.mem, p, offset);
                let zero = b.ins().iconst(types::I8, 0);
                let zero = b.ins().splat(types::I8X16, zero);
                b.ins().icmp(IntCC::NotEqual, raw, zero)
            }
            _ => {
                let ty = self.ty(mode, dt);
                let flags = if slot == self.out_slot() {
                    self.mem
                } else {
                    self.input_mem
                };
                b.ins().load(ty, flags, p, offset)
            }
        }
    }

    /// Stores a value of dtype `dt` in memory form to the output (checked code checks the
    /// access first).
    fn store(
        &self,
        b: &mut FunctionBuilder,
        mode: Mode,
        dt: DType,
        v: Value,
        p: Value,
        offset: i32,
    ) {
        self.check(b, mode, self.out_slot(), p, offset);
        let v = match (mode, dt) {
            (Mode::Vector(_), DType::Bool) => {
                let one = b.ins().iconst(types::I8, 1);
                let one = b.ins().splat(types::I8X16, one);
                b.ins().band(v, one)
            }
            _ => v,
        };
        b.ins().store(self.mem, v, p, offset);
    }

    /// The whole kernel function.
    fn function(
        &mut self,
        b: &mut FunctionBuilder,
        width: Option<u32>,
        checks: Checks,
    ) -> Result<()> {
        let kernel = self.kernel;
        if let Some(r) = kernel.reduce.filter(|r| r.inner == ReduceInner::Columns) {
            return self.columns_function(b, width, checks, r.combine(kernel.out_dtype()));
        }
        let ptr = self.ptr;
        let entry = b.create_block();
        let setup = b.create_block();
        let exit = b.create_block();
        b.append_block_params_for_function_params(entry);
        b.switch_to_block(entry);
        let params = b.block_params(entry).to_vec();
        let (n, out, inputs, strides) = (params[0], params[1], params[2], params[3]);
        let bounds = (checks == Checks::Bounds).then(|| params[4]);
        let zero = b.ins().iconst(ptr, 0);
        let empty = b.ins().icmp(IntCC::Equal, n, zero);
        b.ins().brif(empty, exit, &[], setup, &[]);
        // A row fold ends in `finish`, which folds the row's value into `out[0]`.
        let fold = kernel.reduce.map(|r| (r, r.combine(kernel.out_dtype())));
        let row_fold = fold.filter(|(r, _)| r.inner == ReduceInner::Row);
        let finish = if row_fold.is_some() {
            b.create_block()
        } else {
            exit
        };

        b.switch_to_block(setup);
        if let Some(bounds) = bounds {
            self.guard = Some(self.guard_setup(b, bounds, width));
        }
        let reads = |k: usize, kind: &InstrKind| match kind {
            InstrKind::Load { input } | InstrKind::Gather { input, .. } => *input == k,
            _ => false,
        };
        let used: Vec<bool> = (0..kernel.inputs.len())
            .map(|k| {
                kernel
                    .instrs
                    .iter()
                    .enumerate()
                    .any(|(i, instr)| self.live[i] && reads(k, &instr.kind))
            })
            .collect();
        // A gather's source pointer walks its remaining axes by the run-time stride whatever
        // its class (a broadcast source is not one element: the indices move the reads).
        let gathered: Vec<bool> = (0..kernel.inputs.len())
            .map(|k| kernel.gathers().any(|(input, _, _)| input == k))
            .collect();
        // The gathers' axes: (stride, length) pairs after the inputs' strides.
        let mut slot = kernel.inputs.len();
        let mut gathers = Vec::new();
        for (input, indices, _) in kernel.gathers() {
            let isz = kernel.inputs[input].dtype.itemsize() as i64;
            let mut axes = Vec::with_capacity(indices.len());
            for _ in indices {
                let stride = b.ins().load(ptr, self.mem, strides, (8 * slot) as i32);
                let len = b.ins().load(ptr, self.mem, strides, (8 * slot + 8) as i32);
                axes.push((b.ins().imul_imm_s(stride, isz), len));
                slot += 2;
            }
            gathers.push(axes);
        }
        self.gathers = gathers;
        let vmode = width.map(Mode::Vector);
        let mut sources = Vec::with_capacity(kernel.inputs.len());
        // Byte step of each pointer input per scalar element.
        let mut steps: Vec<Option<Value>> = Vec::with_capacity(kernel.inputs.len());
        for (k, spec) in kernel.inputs.iter().enumerate() {
            if !used[k] {
                sources.push(Source::Unused);
                steps.push(None);
                continue;
            }
            let p = b.ins().load(ptr, self.mem, inputs, (8 * k) as i32);
            let isz = spec.dtype.itemsize() as i64;
            let class = if gathered[k] {
                InnerClass::Strided
            } else {
                spec.inner
            };
            match class {
                InnerClass::Broadcast => {
                    let s = self.load(b, Mode::Scalar, spec.dtype, k, p, 0);
                    let v = vmode.map(|m| self.scalar_to_vector(b, m, spec.dtype, s));
                    sources.push(Source::Hoisted(s, v));
                    steps.push(None);
                }
                InnerClass::Contiguous => {
                    let var = b.declare_var(ptr);
                    b.def_var(var, p);
                    sources.push(Source::Pointer(var));
                    steps.push(Some(b.ins().iconst(ptr, isz)));
                }
                InnerClass::Strided => {
                    let var = b.declare_var(ptr);
                    b.def_var(var, p);
                    sources.push(Source::Pointer(var));
                    let s = b.ins().load(ptr, self.mem, strides, (8 * k) as i32);
                    let isz = b.ins().iconst(ptr, isz);
                    steps.push(Some(b.ins().imul(s, isz)));
                }
            }
        }
        let out_dt = kernel.out_dtype();
        let out_isz = out_dt.itemsize() as i64;
        let out_var = b.declare_var(ptr);
        b.def_var(out_var, out);
        let i_var = b.declare_var(ptr);
        b.def_var(i_var, zero);
        // The scalar accumulator of a row fold, from the fold's identity.
        let acc_var = b.declare_var(scalar_type(out_dt));
        if let Some((r, _)) = row_fold {
            let identity = self.scalar_const(b, Mode::Scalar, r.identity(out_dt));
            b.def_var(acc_var, identity);
        }

        let shead = b.create_block();
        let sbody = b.create_block();

        if let Some(w) = width {
            let mode = Mode::Vector(w);
            const UNROLL: i64 = 2;
            let lanes = (16 / w) as i64;
            let per_iter = lanes * UNROLL;
            let vhead = b.create_block();
            let vbody = b.create_block();
            let vdone = b.create_block();
            let mask = b.ins().iconst(ptr, !(per_iter - 1));
            let vend = b.ins().band(n, mask);
            // One vector accumulator per unrolled step, so consecutive folds do not wait for
            // each other.
            let vacc: Vec<Variable> = match row_fold {
                Some((r, _)) => (0..UNROLL)
                    .map(|_| {
                        let var = b.declare_var(self.ty(mode, out_dt));
                        let identity = self.scalar_const(b, mode, r.identity(out_dt));
                        b.def_var(var, identity);
                        var
                    })
                    .collect(),
                None => Vec::new(),
            };
            b.ins().jump(vhead, &[]);

            b.switch_to_block(vhead);
            let i = b.use_var(i_var);
            let more = b.ins().icmp(IntCC::UnsignedLessThan, i, vend);
            b.ins().brif(more, vbody, &[], vdone, &[]);

            b.switch_to_block(vbody);
            let ptrs: Vec<Option<Value>> = sources
                .iter()
                .map(|s| match s {
                    Source::Pointer(var) => Some(b.use_var(*var)),
                    _ => None,
                })
                .collect();
            let optr = b.use_var(out_var);
            for u in 0..UNROLL {
                let loads: Vec<Loaded> = kernel
                    .inputs
                    .iter()
                    .enumerate()
                    .map(|(k, spec)| match (sources[k], ptrs[k]) {
                        (Source::Pointer(_), Some(p)) => {
                            Loaded::At(p, (u * lanes * spec.dtype.itemsize() as i64) as i32)
                        }
                        (Source::Hoisted(_, Some(v)), _) => Loaded::Value(v),
                        _ => Loaded::None,
                    })
                    .collect();
                let v = self.body(b, mode, &loads)?;
                let offset = (u * lanes * out_isz) as i32;
                match fold {
                    None => self.store(b, mode, out_dt, v, optr, offset),
                    Some((_, combine)) => {
                        let var = vacc[u as usize];
                        let acc = b.use_var(var);
                        let acc = self.binary(b, mode, combine, out_dt, acc, v)?;
                        b.def_var(var, acc);
                    }
                }
            }
            for (k, spec) in kernel.inputs.iter().enumerate() {
                if let (Source::Pointer(var), Some(p)) = (sources[k], ptrs[k]) {
                    let next = b
                        .ins()
                        .iadd_imm_s(p, per_iter * spec.dtype.itemsize() as i64);
                    b.def_var(var, next);
                }
            }
            let next = b.ins().iadd_imm_s(optr, per_iter * out_isz);
            b.def_var(out_var, next);
            let i = b.use_var(i_var);
            let next = b.ins().iadd_imm_s(i, per_iter);
            b.def_var(i_var, next);
            b.ins().jump(vhead, &[]);

            // Vector accumulators -> the scalar one: lane-wise, then lane by lane in order.
            b.switch_to_block(vdone);
            if let Some((_, combine)) = row_fold {
                let mut acc = b.use_var(vacc[0]);
                for var in &vacc[1..] {
                    let next = b.use_var(*var);
                    acc = self.binary(b, mode, combine, out_dt, acc, next)?;
                }
                let mut total = b.use_var(acc_var);
                for lane in 0..self.ty(mode, out_dt).lane_count() {
                    let x = b.ins().extractlane(acc, lane as u8);
                    total = self.binary(b, Mode::Scalar, combine, out_dt, total, x)?;
                }
                b.def_var(acc_var, total);
            }
            b.ins().jump(shead, &[]);
        } else {
            b.ins().jump(shead, &[]);
        }

        b.switch_to_block(shead);
        let i = b.use_var(i_var);
        let more = b.ins().icmp(IntCC::UnsignedLessThan, i, n);
        b.ins().brif(more, sbody, &[], finish, &[]);

        b.switch_to_block(sbody);
        let loads: Vec<Loaded> = sources
            .iter()
            .map(|s| match s {
                Source::Pointer(var) => Loaded::At(b.use_var(*var), 0),
                Source::Hoisted(v, _) => Loaded::Value(*v),
                Source::Unused => Loaded::None,
            })
            .collect();
        let vals = self.body_values(b, Mode::Scalar, &loads)?;
        let optr = b.use_var(out_var);
        match fold {
            None => self.store_output(b, &vals, optr)?,
            Some((_, combine)) => {
                let v =
                    vals[kernel.output].ok_or_else(|| internal("kernel output not computed"))?;
                let acc = b.use_var(acc_var);
                let acc = self.binary(b, Mode::Scalar, combine, out_dt, acc, v)?;
                b.def_var(acc_var, acc);
            }
        }
        for (k, source) in sources.iter().enumerate() {
            if let (Source::Pointer(var), Loaded::At(p, _), Some(step)) =
                (source, loads[k], steps[k])
            {
                let next = b.ins().iadd(p, step);
                b.def_var(*var, next);
            }
        }
        let next = b.ins().iadd_imm_s(optr, out_isz);
        b.def_var(out_var, next);
        let i = b.use_var(i_var);
        let next = b.ins().iadd_imm_s(i, 1);
        b.def_var(i_var, next);
        b.ins().jump(shead, &[]);

        if let Some((_, combine)) = row_fold {
            b.switch_to_block(finish);
            let old = self.load(b, Mode::Scalar, out_dt, self.out_slot(), out, 0);
            let acc = b.use_var(acc_var);
            let v = self.binary(b, Mode::Scalar, combine, out_dt, old, acc)?;
            self.store(b, Mode::Scalar, out_dt, v, out, 0);
            b.ins().jump(exit, &[]);
        }

        b.switch_to_block(exit);
        match checks {
            Checks::Off => b.ins().return_(&[]),
            Checks::Bounds => {
                let ok = b.ins().iconst(ptr, 0);
                b.ins().return_(&[ok])
            }
        };
        if let Some(guard) = &self.guard {
            b.switch_to_block(guard.fail);
            let status = b.block_params(guard.fail)[0];
            b.ins().return_(&[status]);
        }
        Ok(())
    }

    /// A column fold, `(n, out, inputs, strides, rows[, bounds])`: folds `rows` rows, in
    /// order, into the `n` outputs; `inputs` holds each row's input pointers, row by row. The
    /// rows are taken [`COLUMN_ROWS`] at a time while that many are left, then one at a time:
    /// a pass over the columns loads each output vector once, folds the pass's rows into it in
    /// row order (the producer computed per element as usual) and stores it once. Every output
    /// element sees the same operations in the same order as when the rows are folded one
    /// call each, so the bits do not depend on how the rows are blocked.
    fn columns_function(
        &mut self,
        b: &mut FunctionBuilder,
        width: Option<u32>,
        checks: Checks,
        combine: BinaryOp,
    ) -> Result<()> {
        let kernel = self.kernel;
        let ptr = self.ptr;
        let entry = b.create_block();
        let setup = b.create_block();
        let head = b.create_block();
        let exit = b.create_block();
        b.append_block_params_for_function_params(entry);
        b.switch_to_block(entry);
        let params = b.block_params(entry).to_vec();
        let (n, out, inputs, strides, rows) =
            (params[0], params[1], params[2], params[3], params[4]);
        let bounds = (checks == Checks::Bounds).then(|| params[5]);
        let zero = b.ins().iconst(ptr, 0);
        let no_columns = b.ins().icmp(IntCC::Equal, n, zero);
        let no_rows = b.ins().icmp(IntCC::Equal, rows, zero);
        let empty = b.ins().bor(no_columns, no_rows);
        b.ins().brif(empty, exit, &[], setup, &[]);

        b.switch_to_block(setup);
        match bounds {
            Some(bounds) => self.guard = Some(self.guard_setup(b, bounds, width)),
            // Nothing writes the inputs during a call (the output is another buffer), and
            // no check guards their loads: Cranelift may place them at their use like pure
            // instructions. Otherwise it would issue every row's loads first and compute
            // afterwards (at the stores, the first use of the arithmetic), keeping all the
            // loaded vectors live at once and spilling them.
            None => self.input_mem = self.mem.with_readonly().with_can_move(),
        }
        let used = self.used_inputs();
        // Byte step per element of each input read through a pointer.
        let mut steps: Vec<Option<Step>> = Vec::with_capacity(kernel.inputs.len());
        for (k, spec) in kernel.inputs.iter().enumerate() {
            let isz = spec.dtype.itemsize() as i64;
            steps.push(match spec.inner {
                _ if !used[k] => None,
                InnerClass::Broadcast => None,
                InnerClass::Contiguous => Some(Step::Const(isz)),
                InnerClass::Strided => {
                    let s = b.ins().load(ptr, self.mem, strides, (8 * k) as i32);
                    Some(Step::Dynamic(b.ins().imul_imm_s(s, isz)))
                }
            });
        }
        let table_var = b.declare_var(ptr);
        b.def_var(table_var, inputs);
        let left_var = b.declare_var(ptr);
        b.def_var(left_var, rows);
        b.ins().jump(head, &[]);

        let many = column_rows(&steps);
        let pass = PassArgs {
            width,
            combine,
            n,
            out,
            table_var,
            left_var,
            head,
            steps: &steps,
            used: &used,
        };
        b.switch_to_block(head);
        let left = b.use_var(left_var);
        let one = b.create_block();
        let some = b.create_block();
        if many > 1 {
            let block = b.create_block();
            let enough = b
                .ins()
                .icmp_imm_u(IntCC::UnsignedGreaterThanOrEqual, left, many as i64);
            b.ins().brif(enough, block, &[], some, &[]);
            b.switch_to_block(block);
            self.columns_pass(b, &pass, many)?;
        } else {
            b.ins().jump(some, &[]);
        }
        b.switch_to_block(some);
        let left = b.use_var(left_var);
        let more = b.ins().icmp_imm_u(IntCC::NotEqual, left, 0);
        b.ins().brif(more, one, &[], exit, &[]);
        b.switch_to_block(one);
        self.columns_pass(b, &pass, 1)?;

        b.switch_to_block(exit);
        match checks {
            Checks::Off => b.ins().return_(&[]),
            Checks::Bounds => {
                let ok = b.ins().iconst(ptr, 0);
                b.ins().return_(&[ok])
            }
        };
        if let Some(guard) = &self.guard {
            b.switch_to_block(guard.fail);
            let status = b.block_params(guard.fail)[0];
            b.ins().return_(&[status]);
        }
        Ok(())
    }

    /// Which inputs the kernel reads.
    fn used_inputs(&self) -> Vec<bool> {
        (0..self.kernel.inputs.len())
            .map(|k| {
                self.kernel.instrs.iter().enumerate().any(|(i, instr)| {
                    self.live[i] && matches!(instr.kind, InstrKind::Load { input } if input == k)
                })
            })
            .collect()
    }

    /// One pass of a column fold over all `n` columns, folding the `rows` rows at the head of
    /// the pointer table into the outputs, in the current block; then drops those rows from the
    /// table and jumps back to `head`.
    fn columns_pass(&self, b: &mut FunctionBuilder, a: &PassArgs, rows: usize) -> Result<()> {
        let kernel = self.kernel;
        let ptr = self.ptr;
        let count = kernel.inputs.len();
        let out_dt = kernel.out_dtype();
        let out_isz = out_dt.itemsize() as i64;
        let out_slot = self.out_slot();
        let vmode = a.width.map(Mode::Vector);
        let table = b.use_var(a.table_var);
        // Each row's inputs: a base pointer, or the value of a broadcast input.
        let mut sources: Vec<Vec<RowSource>> = Vec::with_capacity(rows);
        for r in 0..rows {
            let mut row = Vec::with_capacity(count);
            for (k, spec) in kernel.inputs.iter().enumerate() {
                let at = (8 * (r * count + k)) as i32;
                row.push(match (spec.inner, a.steps[k]) {
                    (InnerClass::Broadcast, _) if a.used[k] => {
                        let p = b.ins().load(ptr, self.mem, table, at);
                        let s = self.load(b, Mode::Scalar, spec.dtype, k, p, 0);
                        let v = vmode.map(|m| self.scalar_to_vector(b, m, spec.dtype, s));
                        RowSource::Hoisted(s, v)
                    }
                    (_, Some(_)) => RowSource::Pointer(b.ins().load(ptr, self.mem, table, at)),
                    _ => RowSource::Unused,
                });
            }
            sources.push(row);
        }
        // Byte offsets from the bases, one per element size of contiguous data, one per strided
        // input. The first is the output's, and counts the loop's elements.
        let zero = b.ins().iconst(ptr, 0);
        let counter = b.declare_var(ptr);
        b.def_var(counter, zero);
        let mut offsets: Vec<(Variable, Step)> = vec![(counter, Step::Const(out_isz))];
        let mut offset_of: Vec<Option<usize>> = Vec::with_capacity(count);
        for step in a.steps {
            offset_of.push(step.map(|step| {
                let shared = match step {
                    Step::Const(_) => offsets.iter().position(|(_, s)| *s == step),
                    Step::Dynamic(_) => None,
                };
                shared.unwrap_or_else(|| {
                    let var = b.declare_var(ptr);
                    b.def_var(var, zero);
                    offsets.push((var, step));
                    offsets.len() - 1
                })
            }));
        }
        // The loop ends, as byte offsets of the output.
        let end = b.ins().imul_imm_s(a.n, out_isz);
        // The address of each pointer input of each row at the current offsets.
        let addresses = |b: &mut FunctionBuilder| -> Vec<Vec<Option<Value>>> {
            let offs: Vec<Value> = offsets.iter().map(|(var, _)| b.use_var(*var)).collect();
            sources
                .iter()
                .map(|row| {
                    row.iter()
                        .zip(&offset_of)
                        .map(|(source, class)| match (source, class) {
                            (RowSource::Pointer(p), Some(c)) => Some(b.ins().iadd(*p, offs[*c])),
                            _ => None,
                        })
                        .collect()
                })
                .collect()
        };
        let advance = |b: &mut FunctionBuilder, elements: i64| {
            for (var, step) in &offsets {
                let off = b.use_var(*var);
                let next = match *step {
                    Step::Const(isz) => b.ins().iadd_imm_s(off, elements * isz),
                    Step::Dynamic(s) => {
                        let by = if elements == 1 {
                            s
                        } else {
                            b.ins().imul_imm_s(s, elements)
                        };
                        b.ins().iadd(off, by)
                    }
                };
                b.def_var(*var, next);
            }
        };
        // The output elements at the current offset.
        let output = |b: &mut FunctionBuilder| {
            let off = b.use_var(counter);
            b.ins().iadd(a.out, off)
        };

        let shead = b.create_block();
        let sbody = b.create_block();
        let done = b.create_block();
        if let Some(w) = a.width {
            let mode = Mode::Vector(w);
            let lanes = (16 / w) as i64;
            let per_iter = lanes * COLUMN_UNROLL;
            let vhead = b.create_block();
            let vbody = b.create_block();
            let vdone = b.create_block();
            let vend = b.ins().band_imm_s(end, !(per_iter * out_isz - 1));
            b.ins().jump(vhead, &[]);

            b.switch_to_block(vhead);
            let off = b.use_var(counter);
            let more = b.ins().icmp(IntCC::UnsignedLessThan, off, vend);
            b.ins().brif(more, vbody, &[], vdone, &[]);

            b.switch_to_block(vbody);
            let optr = output(b);
            let at = addresses(b);
            // One output vector at a time (checked code then stores the vectors before the
            // first one out of bounds, as the element-wise loop does).
            for u in 0..COLUMN_UNROLL {
                let offset = (u * lanes * out_isz) as i32;
                let mut acc = self.load(b, mode, out_dt, out_slot, optr, offset);
                for (row, at) in sources.iter().zip(&at) {
                    let loads: Vec<Loaded> = kernel
                        .inputs
                        .iter()
                        .zip(row.iter().zip(at))
                        .map(|(spec, (source, p))| match (source, p) {
                            (_, Some(p)) => {
                                let off = u * lanes * spec.dtype.itemsize() as i64;
                                Loaded::At(*p, off as i32)
                            }
                            (RowSource::Hoisted(_, Some(v)), _) => Loaded::Value(*v),
                            _ => Loaded::None,
                        })
                        .collect();
                    let v = self.body(b, mode, &loads)?;
                    acc = self.binary(b, mode, a.combine, out_dt, acc, v)?;
                }
                self.store(b, mode, out_dt, acc, optr, offset);
            }
            advance(b, per_iter);
            b.ins().jump(vhead, &[]);

            b.switch_to_block(vdone);
        }
        b.ins().jump(shead, &[]);

        b.switch_to_block(shead);
        let off = b.use_var(counter);
        let more = b.ins().icmp(IntCC::UnsignedLessThan, off, end);
        b.ins().brif(more, sbody, &[], done, &[]);

        b.switch_to_block(sbody);
        let optr = output(b);
        let mut acc = self.load(b, Mode::Scalar, out_dt, out_slot, optr, 0);
        let at = addresses(b);
        for (row, at) in sources.iter().zip(&at) {
            let loads: Vec<Loaded> = row
                .iter()
                .zip(at)
                .map(|(source, p)| match (source, p) {
                    (_, Some(p)) => Loaded::At(*p, 0),
                    (RowSource::Hoisted(s, _), _) => Loaded::Value(*s),
                    _ => Loaded::None,
                })
                .collect();
            let v = self.body(b, Mode::Scalar, &loads)?;
            acc = self.binary(b, Mode::Scalar, a.combine, out_dt, acc, v)?;
        }
        self.store(b, Mode::Scalar, out_dt, acc, optr, 0);
        advance(b, 1);
        b.ins().jump(shead, &[]);

        b.switch_to_block(done);
        let table = b.use_var(a.table_var);
        let next = b.ins().iadd_imm_s(table, (8 * rows * count) as i64);
        b.def_var(a.table_var, next);
        let left = b.use_var(a.left_var);
        let next = b.ins().iadd_imm_s(left, -(rows as i64));
        b.def_var(a.left_var, next);
        b.ins().jump(a.head, &[]);
        Ok(())
    }

    /// Reads the `bounds` argument (one `Bounds { lo, hi }` per input, then the output's) into
    /// the values the checks compare with, and creates the block a failed check goes to.
    fn guard_setup(&self, b: &mut FunctionBuilder, bounds: Value, width: Option<u32>) -> Guard {
        let ptr = self.ptr;
        let fail = b.create_block();
        b.append_block_param(fail, ptr);
        b.set_cold_block(fail);
        let sizes = self
            .kernel
            .inputs
            .iter()
            .map(|spec| spec.dtype.itemsize())
            .chain([self.kernel.out_dtype().itemsize()]);
        let slots = sizes
            .enumerate()
            .map(|(slot, itemsize)| {
                let entry = std::mem::size_of::<Bounds>() * slot;
                let field = |offset: usize| (entry + offset) as i32;
                let lo = b
                    .ins()
                    .load(ptr, self.mem, bounds, field(offset_of!(Bounds, lo)));
                let hi = b
                    .ins()
                    .load(ptr, self.mem, bounds, field(offset_of!(Bounds, hi)));
                let span = b.ins().isub(hi, lo);
                let ordered = b.ins().icmp(IntCC::UnsignedGreaterThanOrEqual, hi, lo);
                let zero = b.ins().iconst(ptr, 0);
                let mut limit = |size: i64| {
                    // span - size + 1 where span >= size (and hi >= lo), else 0
                    let size_v = b.ins().iconst(ptr, size);
                    let fits = b
                        .ins()
                        .icmp(IntCC::UnsignedGreaterThanOrEqual, span, size_v);
                    let fits = b.ins().band(fits, ordered);
                    let limit = b.ins().iadd_imm_s(span, 1 - size);
                    b.ins().select(fits, limit, zero)
                };
                SlotBounds {
                    lo,
                    scalar_limit: limit(itemsize as i64),
                    vector_limit: width.map(|_| limit(16)),
                }
            })
            .collect();
        Guard { fail, slots }
    }

    /// Converts a scalar register value (bool: 0/1 byte) to a vector one (bool: mask).
    fn scalar_to_vector(&self, b: &mut FunctionBuilder, mode: Mode, dt: DType, s: Value) -> Value {
        if let (DType::Bool, Mode::Vector(w)) = (dt, mode) {
            // 0/1 byte -> all-ones/zero lanes of width w
            let lane = int_type_of_bytes(w);
            let wide = if lane == types::I8 {
                s
            } else {
                b.ins().uextend(lane, s)
            };
            let ty = self.ty(mode, DType::Bool);
            let v = b.ins().splat(ty, wide);
            let zero = b.ins().iconst(lane, 0);
            let zero = b.ins().splat(ty, zero);
            b.ins().icmp(IntCC::NotEqual, v, zero)
        } else {
            self.splat(b, mode, dt, s)
        }
    }

    /// The loop body for one element (scalar mode) or one vector: every live value in order.
    fn body(&self, b: &mut FunctionBuilder, mode: Mode, loads: &[Loaded]) -> Result<Value> {
        let vals = self.body_values(b, mode, loads)?;
        vals[self.kernel.output].ok_or_else(|| internal("kernel output not computed"))
    }

    /// The kernel's values for one element (or vector), by instruction (None where not
    /// computed: dead, or absorbed by a contraction).
    fn body_values(
        &self,
        b: &mut FunctionBuilder,
        mode: Mode,
        loads: &[Loaded],
    ) -> Result<Vec<Option<Value>>> {
        let kernel = self.kernel;
        let mut vals: Vec<Option<Value>> = vec![None; kernel.instrs.len()];
        for (i, instr) in kernel.instrs.iter().enumerate() {
            if !self.live[i] || self.absorbed[i] {
                continue;
            }
            let val = |v: ValueId| {
                vals[v].ok_or_else(|| internal("kernel value used before its definition"))
            };
            let dt = instr.dtype;
            if let Some(f) = self.contracted[i] {
                let a = val(f.a)?;
                let a = if f.negate_product { b.ins().fneg(a) } else { a };
                let c = val(f.c)?;
                let c = if f.negate_addend { b.ins().fneg(c) } else { c };
                let product_by = val(f.b)?;
                vals[i] = Some(b.ins().fma(a, product_by, c));
                continue;
            }
            let v = match &instr.kind {
                InstrKind::Load { input } => match loads[*input] {
                    Loaded::At(p, off) => self.load(b, mode, dt, *input, p, off),
                    Loaded::Value(v) => v,
                    Loaded::None => return Err(internal("kernel input not loaded")),
                },
                InstrKind::Const(s) => self.scalar_const(b, mode, *s),
                InstrKind::Cast { value } => {
                    let from = kernel.instrs[*value].dtype;
                    self.cast(b, mode, from, dt, val(*value)?)?
                }
                InstrKind::Unary { op, value } => {
                    let arg = kernel.instrs[*value].dtype;
                    self.unary(b, mode, *op, arg, val(*value)?)?
                }
                InstrKind::Binary { op, lhs, rhs } => {
                    let arg = kernel.instrs[*lhs].dtype;
                    self.binary(b, mode, *op, arg, val(*lhs)?, val(*rhs)?)?
                }
                // One rounding, scalar or vector: never a product and a sum.
                InstrKind::MulAdd { a, b: by, c } => {
                    let (x, y, z) = (val(*a)?, val(*by)?, val(*c)?);
                    b.ins().fma(x, y, z)
                }
                InstrKind::Where {
                    cond,
                    then,
                    otherwise,
                } => self.select(b, mode, val(*cond)?, val(*then)?, val(*otherwise)?),
                InstrKind::Gather {
                    input,
                    indices,
                    mode: index_mode,
                } => {
                    self.scalar_only(mode, "a gather")?;
                    let Loaded::At(p, off) = loads[*input] else {
                        return Err(internal("gather source not read through a pointer"));
                    };
                    let number = kernel.instrs[..i]
                        .iter()
                        .filter(|x| matches!(x.kind, InstrKind::Gather { .. }))
                        .count();
                    let axes = self
                        .gathers
                        .get(number)
                        .ok_or_else(|| internal("a gather without its axes"))?;
                    if axes.len() != indices.len() {
                        return Err(internal("a gather's axes and indices differ"));
                    }
                    let index_values = indices
                        .iter()
                        .map(|&v| val(v))
                        .collect::<Result<Vec<_>>>()?;
                    self.gather(b, dt, *input, p, off, *index_mode, &index_values, axes)
                }
                // Stands for the pair; `store_output` stores both parts.
                InstrKind::Complex { re, .. } => {
                    self.scalar_only(mode, "a complex output")?;
                    val(*re)?
                }
            };
            vals[i] = Some(v);
        }
        Ok(vals)
    }

    /// Stores the output of one element from `vals` at `p` (scalar loop, element-wise): a
    /// complex output as its real then imaginary part, interleaved.
    fn store_output(
        &self,
        b: &mut FunctionBuilder,
        vals: &[Option<Value>],
        p: Value,
    ) -> Result<()> {
        let kernel = self.kernel;
        let out = &kernel.instrs[kernel.output];
        let val = |v: ValueId| vals[v].ok_or_else(|| internal("kernel output not computed"));
        match out.kind {
            InstrKind::Complex { re, im } => {
                let part = out.dtype.real_dtype();
                // One check of the whole element (the output's bounds count complex
                // elements), then its two parts.
                self.check(b, Mode::Scalar, self.out_slot(), p, 0);
                b.ins().store(self.mem, val(re)?, p, 0);
                b.ins().store(self.mem, val(im)?, p, part.itemsize() as i32);
            }
            _ => self.store(b, Mode::Scalar, out.dtype, val(kernel.output)?, p, 0),
        }
        Ok(())
    }

    /// One element of a gather (scalar loop): each index resolved into its axis by `mode`,
    /// the element at `p + off` plus each resolved index times its axis's byte stride. The
    /// runner checked every index before the call (`numcrane_fuse::gather::check_indices`);
    /// an index outside its axis all the same (a bug) reads nothing and gives zero.
    #[allow(clippy::too_many_arguments)]
    fn gather(
        &self,
        b: &mut FunctionBuilder,
        dt: DType,
        input: usize,
        p: Value,
        off: i32,
        mode: numcrane_graph::IndexMode,
        indices: &[Value],
        axes: &[(Value, Value)],
    ) -> Value {
        use numcrane_graph::IndexMode;
        let ptr = self.ptr;
        let mut offset = b.ins().iconst(ptr, i64::from(off));
        let mut inside = b.ins().iconst(types::I8, 1);
        for (&index, &(stride, len)) in indices.iter().zip(axes) {
            let zero = b.ins().iconst(ptr, 0);
            let r = match mode {
                IndexMode::Raise => {
                    let negative = b.ins().icmp(IntCC::SignedLessThan, index, zero);
                    let wrapped = b.ins().iadd(index, len);
                    b.ins().select(negative, wrapped, index)
                }
                IndexMode::NonNegative => index,
                IndexMode::Wrap => {
                    // Divisor 1 for an empty axis (never reached: the range check fails).
                    let one = b.ins().iconst(ptr, 1);
                    let empty = b.ins().icmp(IntCC::Equal, len, zero);
                    let divisor = b.ins().select(empty, one, len);
                    let rem = b.ins().srem(index, divisor);
                    let negative = b.ins().icmp(IntCC::SignedLessThan, rem, zero);
                    let up = b.ins().iadd(rem, divisor);
                    b.ins().select(negative, up, rem)
                }
                IndexMode::Clip => {
                    let last = b.ins().iadd_imm_s(len, -1);
                    let low = b.ins().smax(index, zero);
                    b.ins().smin(low, last)
                }
            };
            let ok = b.ins().icmp(IntCC::UnsignedLessThan, r, len);
            inside = b.ins().band(inside, ok);
            let step = b.ins().imul(r, stride);
            offset = b.ins().iadd(offset, step);
        }
        let read = b.create_block();
        let done = b.create_block();
        b.append_block_param(done, scalar_type(dt));
        let zero = self.zero(b, Mode::Scalar, dt);
        b.ins()
            .brif(inside, read, &[], done, &[BlockArg::Value(zero)]);
        b.switch_to_block(read);
        let addr = b.ins().iadd(p, offset);
        let v = self.load(b, Mode::Scalar, dt, input, addr, 0);
        b.ins().jump(done, &[BlockArg::Value(v)]);
        b.switch_to_block(done);
        b.block_params(done)[0]
    }

    fn scalar_only(&self, mode: Mode, what: &str) -> Result<()> {
        if mode == Mode::Scalar {
            Ok(())
        } else {
            Err(internal(format!("{what} has no vector lowering")))
        }
    }

    fn cast(
        &self,
        b: &mut FunctionBuilder,
        mode: Mode,
        from: DType,
        to: DType,
        x: Value,
    ) -> Result<Value> {
        if from == to {
            return Ok(x);
        }
        let to_ty = self.ty(mode, to);
        if to == DType::Bool {
            let zero = self.zero(b, mode, from);
            return Ok(if from.is_float() {
                // NaN != 0 is true, as in C and Rust.
                b.ins().fcmp(FloatCC::NotEqual, x, zero)
            } else {
                b.ins().icmp(IntCC::NotEqual, x, zero)
            });
        }
        if from == DType::Bool {
            return Ok(match mode {
                Mode::Scalar => {
                    if to.is_float() {
                        b.ins().fcvt_from_uint(to_ty, x)
                    } else if to_ty == types::I8 {
                        x
                    } else {
                        b.ins().uextend(to_ty, x)
                    }
                }
                Mode::Vector(_) => {
                    let one = if to.is_float() {
                        self.float_const(b, mode, to, 1.0)
                    } else {
                        self.int_const(b, mode, to, 1)
                    };
                    let zero = self.zero(b, mode, to);
                    self.select(b, mode, x, one, zero)
                }
            });
        }
        let from_ty = self.ty(mode, from);
        match (from.is_float(), to.is_float()) {
            (false, false) => {
                let (fb, tb) = (from_ty.lane_bits(), to_ty.lane_bits());
                if fb == tb {
                    Ok(x)
                } else {
                    self.scalar_only(mode, "an integer width change")?;
                    Ok(if tb < fb {
                        b.ins().ireduce(to_ty, x)
                    } else if from.is_signed_int() {
                        b.ins().sextend(to_ty, x)
                    } else {
                        b.ins().uextend(to_ty, x)
                    })
                }
            }
            (true, true) => {
                self.scalar_only(mode, "a float width change")?;
                Ok(if to == DType::F64 {
                    b.ins().fpromote(to_ty, x)
                } else {
                    b.ins().fdemote(to_ty, x)
                })
            }
            (false, true) => {
                if mode != Mode::Scalar && !(from_ty == types::I32X4 && to_ty == types::F32X4) {
                    return Err(internal("this int-to-float cast has no vector lowering"));
                }
                Ok(if from.is_signed_int() {
                    b.ins().fcvt_from_sint(to_ty, x)
                } else {
                    b.ins().fcvt_from_uint(to_ty, x)
                })
            }
            (true, false) => {
                if mode != Mode::Scalar {
                    if !(from_ty == types::F32X4 && to_ty == types::I32X4) {
                        return Err(internal("this float-to-int cast has no vector lowering"));
                    }
                    return Ok(if to.is_signed_int() {
                        b.ins().fcvt_to_sint_sat(to_ty, x)
                    } else {
                        b.ins().fcvt_to_uint_sat(to_ty, x)
                    });
                }
                // Rust `as`: saturating, NaN -> 0. Narrow targets saturate through i32.
                if to_ty.bits() >= 32 {
                    return Ok(if to.is_signed_int() {
                        b.ins().fcvt_to_sint_sat(to_ty, x)
                    } else {
                        b.ins().fcvt_to_uint_sat(to_ty, x)
                    });
                }
                let (lo, hi) = to.int_range().ok_or_else(|| internal("integer range"))?;
                let wide = if to.is_signed_int() {
                    let v = b.ins().fcvt_to_sint_sat(types::I32, x);
                    let lo = b.ins().iconst(types::I32, lo as i64);
                    let v = b.ins().smax(v, lo);
                    let hi = b.ins().iconst(types::I32, hi as i64);
                    b.ins().smin(v, hi)
                } else {
                    let v = b.ins().fcvt_to_uint_sat(types::I32, x);
                    let hi = b.ins().iconst(types::I32, hi as i64);
                    b.ins().umin(v, hi)
                };
                Ok(b.ins().ireduce(to_ty, wide))
            }
        }
    }

    fn callout(&self, b: &mut FunctionBuilder, addr: *const u8, args: &[Value], ty: Type) -> Value {
        let mut sig = Signature::new(self.call_conv);
        for _ in args {
            sig.params.push(AbiParam::new(ty));
        }
        sig.returns.push(AbiParam::new(ty));
        let sigref = b.import_signature(sig);
        let callee = b.ins().iconst(self.ptr, addr as usize as i64);
        let call = b.ins().call_indirect(sigref, callee, args);
        b.inst_results(call)[0]
    }

    fn unary(
        &self,
        b: &mut FunctionBuilder,
        mode: Mode,
        op: UnaryOp,
        dt: DType,
        x: Value,
    ) -> Result<Value> {
        use UnaryOp::*;
        if let Mode::Vector(w) = mode {
            if !vector_unary_ok(op, dt, w) {
                return Err(internal(format!("{op:?} on {dt:?} has no vector lowering")));
            }
        }
        if matches!(op, IsNan | IsInf | IsFinite) {
            if !dt.is_float() {
                return Ok(self.bool_const(b, mode, op == IsFinite));
            }
            return Ok(match op {
                IsNan => self.is_nan(b, x),
                IsInf => {
                    let a = b.ins().fabs(x);
                    let inf = self.float_const(b, mode, dt, f64::INFINITY);
                    b.ins().fcmp(FloatCC::Equal, a, inf)
                }
                _ => {
                    let a = b.ins().fabs(x);
                    let inf = self.float_const(b, mode, dt, f64::INFINITY);
                    b.ins().fcmp(FloatCC::LessThan, a, inf)
                }
            });
        }
        if dt == DType::Bool {
            return Ok(match op {
                Not | Invert => self.bool_not(b, mode, x),
                Abs | Floor | Ceil | Trunc => x,
                _ => return Err(internal(format!("{op:?} on bool"))),
            });
        }
        if dt.is_float() {
            let c = |g: &Self, b: &mut FunctionBuilder, v: f64| g.float_const(b, mode, dt, v);
            return Ok(match op {
                Neg => b.ins().fneg(x),
                Abs => b.ins().fabs(x),
                Sign => {
                    let zero = c(self, b, 0.0);
                    let one = c(self, b, 1.0);
                    let minus = c(self, b, -1.0);
                    let nan = self.is_nan(b, x);
                    let r = self.select(b, mode, nan, x, zero);
                    let lt = b.ins().fcmp(FloatCC::LessThan, x, zero);
                    let r = self.select(b, mode, lt, minus, r);
                    let gt = b.ins().fcmp(FloatCC::GreaterThan, x, zero);
                    self.select(b, mode, gt, one, r)
                }
                Square => b.ins().fmul(x, x),
                Reciprocal => {
                    let one = c(self, b, 1.0);
                    b.ins().fdiv(one, x)
                }
                Sqrt => b.ins().sqrt(x),
                Floor => b.ins().floor(x),
                Ceil => b.ins().ceil(x),
                Trunc => b.ins().trunc(x),
                Rint => b.ins().nearest(x),
                Deg2rad | Rad2deg => {
                    // The evaluator's constants, computed in the dtype itself.
                    let bits = match (op, dt) {
                        (Deg2rad, DType::F32) => {
                            u64::from((std::f32::consts::PI / 180.0).to_bits())
                        }
                        (Deg2rad, _) => (std::f64::consts::PI / 180.0).to_bits(),
                        (_, DType::F32) => u64::from((180.0 / std::f32::consts::PI).to_bits()),
                        _ => (180.0 / std::f64::consts::PI).to_bits(),
                    };
                    let k = self.float_bits(b, mode, dt, bits);
                    b.ins().fmul(x, k)
                }
                _ => {
                    let ty = self.ty(mode, dt);
                    if let Some(v) = vecmath::emit_unary(b, op, ty, x) {
                        return Ok(v);
                    }
                    self.scalar_only(mode, "a transcendental function")?;
                    let addr = callout::unary(op, dt)
                        .ok_or_else(|| internal(format!("no function for {op:?} on {dt:?}")))?;
                    self.callout(b, addr, &[x], scalar_type(dt))
                }
            });
        }
        // integers
        let signed = dt.is_signed_int();
        Ok(match op {
            Neg => b.ins().ineg(x),
            Abs => {
                if signed {
                    let zero = self.int_const(b, mode, dt, 0);
                    let neg = b.ins().icmp(IntCC::SignedLessThan, x, zero);
                    let nx = b.ins().ineg(x);
                    self.select(b, mode, neg, nx, x)
                } else {
                    x
                }
            }
            Sign => {
                let zero = self.int_const(b, mode, dt, 0);
                let one = self.int_const(b, mode, dt, 1);
                if signed {
                    let minus = self.int_const(b, mode, dt, u64::MAX);
                    let lt = b.ins().icmp(IntCC::SignedLessThan, x, zero);
                    let r = self.select(b, mode, lt, minus, zero);
                    let gt = b.ins().icmp(IntCC::SignedGreaterThan, x, zero);
                    self.select(b, mode, gt, one, r)
                } else {
                    let nz = b.ins().icmp(IntCC::NotEqual, x, zero);
                    self.select(b, mode, nz, one, zero)
                }
            }
            Square => b.ins().imul(x, x),
            Reciprocal => {
                // 1 / x in C integer division, 0 for x == 0: 1 for 1, -1 for -1, else 0.
                let zero = self.int_const(b, mode, dt, 0);
                let one = self.int_const(b, mode, dt, 1);
                let is_one = b.ins().icmp(IntCC::Equal, x, one);
                let r = self.select(b, mode, is_one, one, zero);
                if signed {
                    let minus = self.int_const(b, mode, dt, u64::MAX);
                    let is_minus = b.ins().icmp(IntCC::Equal, x, minus);
                    self.select(b, mode, is_minus, minus, r)
                } else {
                    r
                }
            }
            Invert => b.ins().bnot(x),
            Floor | Ceil | Trunc => x,
            _ => return Err(internal(format!("{op:?} on {dt:?}"))),
        })
    }

    fn binary(
        &self,
        b: &mut FunctionBuilder,
        mode: Mode,
        op: BinaryOp,
        dt: DType,
        x: Value,
        y: Value,
    ) -> Result<Value> {
        use BinaryOp::*;
        if let Mode::Vector(w) = mode {
            if !vector_binary_ok(op, dt, w) {
                return Err(internal(format!("{op:?} on {dt:?} has no vector lowering")));
            }
        }
        if op.is_comparison() {
            return Ok(if dt.is_float() {
                let cc = match op {
                    Eq => FloatCC::Equal,
                    Ne => FloatCC::NotEqual,
                    Lt => FloatCC::LessThan,
                    Le => FloatCC::LessThanOrEqual,
                    Gt => FloatCC::GreaterThan,
                    _ => FloatCC::GreaterThanOrEqual,
                };
                b.ins().fcmp(cc, x, y)
            } else {
                // bool compares unsigned: false < true holds for 0/1 bytes and for masks.
                let signed = dt.is_signed_int();
                let cc = match (op, signed) {
                    (Eq, _) => IntCC::Equal,
                    (Ne, _) => IntCC::NotEqual,
                    (Lt, true) => IntCC::SignedLessThan,
                    (Le, true) => IntCC::SignedLessThanOrEqual,
                    (Gt, true) => IntCC::SignedGreaterThan,
                    (Ge, true) => IntCC::SignedGreaterThanOrEqual,
                    (Lt, false) => IntCC::UnsignedLessThan,
                    (Le, false) => IntCC::UnsignedLessThanOrEqual,
                    (Gt, false) => IntCC::UnsignedGreaterThan,
                    _ => IntCC::UnsignedGreaterThanOrEqual,
                };
                b.ins().icmp(cc, x, y)
            });
        }
        if dt == DType::Bool {
            return Ok(match op {
                Add | Maximum | Fmax | BitOr | LogicalOr => b.ins().bor(x, y),
                Mul | Minimum | Fmin | BitAnd | LogicalAnd => b.ins().band(x, y),
                BitXor | LogicalXor => b.ins().bxor(x, y),
                _ => return Err(internal(format!("{op:?} on bool"))),
            });
        }
        if dt.is_float() {
            return Ok(match op {
                Add => b.ins().fadd(x, y),
                Sub => b.ins().fsub(x, y),
                Mul => b.ins().fmul(x, y),
                Div => b.ins().fdiv(x, y),
                // if a.is_nan() || a >= b { a } else { b }
                Maximum | Minimum => {
                    let cc = if op == Maximum {
                        FloatCC::GreaterThanOrEqual
                    } else {
                        FloatCC::LessThanOrEqual
                    };
                    let nan = self.is_nan(b, x);
                    let cmp = b.ins().fcmp(cc, x, y);
                    let c = b.ins().bor(nan, cmp);
                    self.select(b, mode, c, x, y)
                }
                // if b.is_nan() || a >= b { a } else { b }
                Fmax | Fmin => {
                    let cc = if op == Fmax {
                        FloatCC::GreaterThanOrEqual
                    } else {
                        FloatCC::LessThanOrEqual
                    };
                    let nan = self.is_nan(b, y);
                    let cmp = b.ins().fcmp(cc, x, y);
                    let c = b.ins().bor(nan, cmp);
                    self.select(b, mode, c, x, y)
                }
                Heaviside => {
                    let zero = self.float_const(b, mode, dt, 0.0);
                    let one = self.float_const(b, mode, dt, 1.0);
                    let lt = b.ins().fcmp(FloatCC::LessThan, x, zero);
                    let r = self.select(b, mode, lt, zero, one);
                    let eq = b.ins().fcmp(FloatCC::Equal, x, zero);
                    let r = self.select(b, mode, eq, y, r);
                    let nan = self.is_nan(b, x);
                    self.select(b, mode, nan, x, r)
                }
                _ => {
                    let ty = self.ty(mode, dt);
                    if let Some(v) = vecmath::emit_binary(b, op, ty, x, y) {
                        return Ok(v);
                    }
                    self.scalar_only(mode, "a called-out float op")?;
                    let (addr, _) = callout::binary(op, dt)
                        .ok_or_else(|| internal(format!("no function for {op:?} on {dt:?}")))?;
                    self.callout(b, addr, &[x, y], scalar_type(dt))
                }
            });
        }
        // integers
        let signed = dt.is_signed_int();
        let ty = self.ty(mode, dt);
        Ok(match op {
            Add => b.ins().iadd(x, y),
            Sub => b.ins().isub(x, y),
            Mul => b.ins().imul(x, y),
            BitAnd => b.ins().band(x, y),
            BitOr => b.ins().bor(x, y),
            BitXor => b.ins().bxor(x, y),
            Maximum | Fmax | Minimum | Fmin => {
                let cc = match (op, signed) {
                    (Maximum | Fmax, true) => IntCC::SignedGreaterThanOrEqual,
                    (Maximum | Fmax, false) => IntCC::UnsignedGreaterThanOrEqual,
                    (_, true) => IntCC::SignedLessThanOrEqual,
                    (_, false) => IntCC::UnsignedLessThanOrEqual,
                };
                let c = b.ins().icmp(cc, x, y);
                self.select(b, mode, c, x, y)
            }
            FloorDiv | Rem | Fmod => {
                self.scalar_only(mode, "integer division")?;
                self.int_divmod(b, op, dt, x, y)?
            }
            LeftShift | RightShift => {
                self.scalar_only(mode, "a shift")?;
                // npy_lshift / npy_rshift: amounts >= the bit width (negative ones are huge
                // as unsigned) give 0, or -1 for a negative value shifted right.
                let bits = self.int_const(b, mode, dt, u64::from(ty.bits()));
                let in_range = b.ins().icmp(IntCC::UnsignedLessThan, y, bits);
                let zero = self.int_const(b, mode, dt, 0);
                if op == LeftShift {
                    let s = b.ins().ishl(x, y);
                    self.select(b, mode, in_range, s, zero)
                } else if signed {
                    let s = b.ins().sshr(x, y);
                    let minus = self.int_const(b, mode, dt, u64::MAX);
                    let neg = b.ins().icmp(IntCC::SignedLessThan, x, zero);
                    let fill = self.select(b, mode, neg, minus, zero);
                    self.select(b, mode, in_range, s, fill)
                } else {
                    let s = b.ins().ushr(x, y);
                    self.select(b, mode, in_range, s, zero)
                }
            }
            Pow => {
                self.scalar_only(mode, "integer power")?;
                let (addr, abi) = callout::binary(op, dt)
                    .ok_or_else(|| internal(format!("no function for {op:?} on {dt:?}")))?;
                match abi {
                    callout::Abi::Native => self.callout(b, addr, &[x, y], ty),
                    callout::Abi::Widened32 => {
                        let xw = b.ins().uextend(types::I32, x);
                        let yw = b.ins().uextend(types::I32, y);
                        let r = self.callout(b, addr, &[xw, yw], types::I32);
                        b.ins().ireduce(ty, r)
                    }
                }
            }
            _ => return Err(internal(format!("{op:?} on {dt:?}"))),
        })
    }

    /// Integer `//`, `%` (Python-style) and `fmod` (C-style) with the evaluator's guards: a zero
    /// divisor gives 0, and `MIN / -1` wraps instead of trapping.
    fn int_divmod(
        &self,
        b: &mut FunctionBuilder,
        op: BinaryOp,
        dt: DType,
        x: Value,
        y: Value,
    ) -> Result<Value> {
        let mode = Mode::Scalar;
        let ty = scalar_type(dt);
        let zero = b.ins().iconst(ty, 0);
        let one = b.ins().iconst(ty, 1);
        let is_zero = b.ins().icmp(IntCC::Equal, y, zero);
        if !dt.is_signed_int() {
            let safe = self.select(b, mode, is_zero, one, y);
            let r = match op {
                BinaryOp::FloorDiv => b.ins().udiv(x, safe),
                _ => b.ins().urem(x, safe),
            };
            return Ok(self.select(b, mode, is_zero, zero, r));
        }
        let minus = self.int_const(b, mode, dt, u64::MAX);
        let is_minus = b.ins().icmp(IntCC::Equal, y, minus);
        let bad = b.ins().bor(is_zero, is_minus);
        // Divisor 1 where it is 0 or -1: the quotient is fixed up below, the remainder is 0,
        // which is right for both.
        let safe = self.select(b, mode, bad, one, y);
        let q = b.ins().sdiv(x, safe);
        let r = b.ins().srem(x, safe);
        Ok(match op {
            BinaryOp::Fmod => r,
            BinaryOp::Rem => {
                // r != 0 && (r < 0) != (y < 0): r + y
                let rnz = b.ins().icmp(IntCC::NotEqual, r, zero);
                let xor = b.ins().bxor(r, y);
                let diff = b.ins().icmp(IntCC::SignedLessThan, xor, zero);
                let adj = b.ins().band(rnz, diff);
                let ry = b.ins().iadd(r, y);
                self.select(b, mode, adj, ry, r)
            }
            _ => {
                // r != 0 && (x < 0) != (y < 0): q - 1; y == -1: -x (wrapping); y == 0: 0
                let rnz = b.ins().icmp(IntCC::NotEqual, r, zero);
                let xor = b.ins().bxor(x, y);
                let diff = b.ins().icmp(IntCC::SignedLessThan, xor, zero);
                let adj = b.ins().band(rnz, diff);
                let q1 = b.ins().isub(q, one);
                let q = self.select(b, mode, adj, q1, q);
                let nx = b.ins().ineg(x);
                let q = self.select(b, mode, is_minus, nx, q);
                self.select(b, mode, is_zero, zero, q)
            }
        })
    }
}

/// Rows one pass of a column fold folds at a time: enough that the output vectors are loaded
/// and stored once per several rows, few enough that each row's input pointers stay in
/// registers.
fn column_rows(steps: &[Option<Step>]) -> usize {
    let pointers = steps.iter().flatten().count().max(1);
    (COLUMN_POINTERS / pointers).clamp(1, COLUMN_ROWS)
}

/// Most rows a column fold pass folds at a time.
const COLUMN_ROWS: usize = 8;
/// Row pointers a column fold pass may keep (rows times inputs read through pointers).
const COLUMN_POINTERS: usize = 8;
/// Vectors per row per iteration of a column fold's vector loop.
const COLUMN_UNROLL: i64 = 2;

/// How far an input's pointer moves per element, in bytes.
#[derive(Clone, Copy, PartialEq)]
enum Step {
    /// a contiguous input: its element size
    Const(i64),
    /// a strided input: computed once per call
    Dynamic(Value),
}

/// Where one row of a column fold pass reads an input.
#[derive(Clone, Copy)]
enum RowSource {
    /// not read by the kernel
    Unused,
    /// the row's first element
    Pointer(Value),
    /// loaded once per pass: (scalar value, vector value for the vector loop)
    Hoisted(Value, Option<Value>),
}

/// What every pass of a column fold shares.
struct PassArgs<'a> {
    width: Option<u32>,
    combine: BinaryOp,
    n: Value,
    out: Value,
    /// The pointer table's first row not folded yet, and how many are left.
    table_var: Variable,
    left_var: Variable,
    /// The block that picks the next pass.
    head: Block,
    /// Per input: how its pointer moves, None for unused and broadcast inputs.
    steps: &'a [Option<Step>],
    /// Per input: whether the kernel reads it.
    used: &'a [bool],
}

/// How the body gets an input's current element.
#[derive(Clone, Copy)]
enum Loaded {
    /// load at pointer + byte offset
    At(Value, i32),
    /// already in a register (broadcast input)
    Value(Value),
    /// the input is not read
    None,
}

#[cfg(test)]
mod tests {
    use super::*;
    use numcrane_fuse::kernel::{InputSpec, Instr};

    /// `load 0 * load 1 + load 2` of float `dt`, contiguous inputs (the vector loop).
    fn mul_add_kernel(dt: DType) -> ElementwiseKernel {
        let instr = |kind, dtype| Instr { kind, dtype };
        ElementwiseKernel {
            reduce: None,
            instrs: vec![
                instr(InstrKind::Load { input: 0 }, dt),
                instr(InstrKind::Load { input: 1 }, dt),
                instr(InstrKind::Load { input: 2 }, dt),
                instr(InstrKind::MulAdd { a: 0, b: 1, c: 2 }, dt),
            ],
            output: 3,
            inputs: vec![
                InputSpec {
                    dtype: dt,
                    inner: InnerClass::Contiguous,
                };
                3
            ],
        }
    }

    /// Runs the compiled `kernel` over one contiguous row of `a`, `b`, `c`.
    fn run_row<T: Copy + Default>(kernel: &CompiledKernel, a: &[T], b: &[T], c: &[T]) -> Vec<T> {
        let n = a.len();
        assert!(b.len() == n && c.len() == n);
        let mut out = vec![T::default(); n];
        let inputs = [
            a.as_ptr() as *const u8,
            b.as_ptr() as *const u8,
            c.as_ptr() as *const u8,
        ];
        let strides = [1isize; 3];
        // SAFETY: the kernel has three contiguous inputs of `T` read at `j < n` elements (each
        // slice holds `n`), and writes `n` elements of `T` to `out`, which nothing else uses.
        unsafe {
            kernel.call_row(
                n,
                out.as_mut_ptr() as *mut u8,
                inputs.as_ptr(),
                strides.as_ptr(),
            )
        };
        out
    }

    /// Code emitted as for a CPU without FMA calls the exact fma (`callout::fma_f64` /
    /// `fma_f32`) per scalar and per vector lane, never a multiply and an add: the results
    /// are `mul_add`'s on values where one rounding and two differ.
    #[test]
    fn mul_add_without_fma_calls_the_exact_fma() {
        vecmath::without_fma(|| {
            for dt in [DType::F64, DType::F32] {
                let kernel = mul_add_kernel(dt);
                let listing = listing_with(&kernel, Checks::Off).expect("listing");
                assert_eq!(listing.vector_width, Some(dt.itemsize() as u32));
                // (aarch64 always has fused multiply-adds: there `without_fma` changes nothing.)
                if cfg!(target_arch = "x86_64") {
                    assert!(!listing.asm.contains("vfmadd"), "{}", listing.asm);
                    assert!(listing.asm.contains("call"), "{}", listing.asm);
                }
                let compiled = compile(&kernel).expect("compile");
                // 11 elements: vector iterations and a scalar tail; `(1 + e) 2^k (1 - e) - 2^k`
                // is `-e^2 2^k` in one rounding, 0 in two.
                let n = 11;
                if dt == DType::F64 {
                    let e = 2f64.powi(-30);
                    let a: Vec<f64> = (0..n).map(|k| (1.0 + e) * 2.0_f64.powi(k as i32)).collect();
                    let b = vec![1.0 - e; n];
                    let c: Vec<f64> = (0..n).map(|k| -2.0_f64.powi(k as i32)).collect();
                    let got = run_row(&compiled, &a, &b, &c);
                    for k in 0..n {
                        let want = a[k].mul_add(b[k], c[k]);
                        assert_ne!(want, a[k] * b[k] + c[k]);
                        assert_eq!(got[k].to_bits(), want.to_bits(), "element {k}");
                    }
                } else {
                    let e = 2f32.powi(-13);
                    let a: Vec<f32> = (0..n).map(|k| (1.0 + e) * 2.0_f32.powi(k as i32)).collect();
                    let b = vec![1.0 - e; n];
                    let c: Vec<f32> = (0..n).map(|k| -2.0_f32.powi(k as i32)).collect();
                    let got = run_row(&compiled, &a, &b, &c);
                    for k in 0..n {
                        let want = a[k].mul_add(b[k], c[k]);
                        assert_ne!(want, a[k] * b[k] + c[k]);
                        assert_eq!(got[k].to_bits(), want.to_bits(), "element {k}");
                    }
                }
            }
        });
    }
}
