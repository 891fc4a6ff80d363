//! Node builders: where NumPy's rules are applied as the graph is built.
//!
//! Every public operation goes through these. They resolve dtypes (promotion, weak scalars,
//! the computation dtype of each function), insert explicit `Cast` and `Broadcast` nodes so
//! element-wise ops see inputs of exactly their shape and dtype, and turn bad arguments into
//! poisoned nodes that carry an `Error` naming the op, the shapes/dtypes and the user's line.

use crate::operand::Operand;
use crate::Array;
use numcrane_graph::error::SourceLocation;
use numcrane_graph::layout::broadcast_shapes;
use numcrane_graph::{BinaryOp, DType, Error, Node, Op, Scalar, UnaryOp, ViewOp, WeakKind};

/// An array that failed to build: evaluating it returns `err`.
pub(crate) fn poison(
    err: Error,
    op: Op,
    inputs: &[&Array],
    dtype: DType,
    shape: Vec<usize>,
    loc: SourceLocation,
) -> Array {
    let inputs = inputs.iter().map(|a| a.node.clone()).collect();
    Array::from_node(Node::poisoned(err, op, inputs, dtype, shape, loc))
}

/// A new node over array inputs.
pub(crate) fn node(
    op: Op,
    inputs: &[&Array],
    dtype: DType,
    shape: Vec<usize>,
    loc: SourceLocation,
) -> Array {
    let inputs = inputs.iter().map(|a| a.node.clone()).collect();
    Array::from_node(Node::new(op, inputs, dtype, shape, loc))
}

/// `x` converted to `dtype` (x itself when it already has it).
pub(crate) fn cast(x: &Array, dtype: DType, loc: SourceLocation) -> Array {
    if x.dtype() == dtype {
        return x.clone();
    }
    node(Op::Cast, &[x], dtype, x.shape().to_vec(), loc)
}

/// `x` broadcast to `shape` (x itself when it already has it). The caller checked the shapes.
pub(crate) fn broadcast(x: &Array, shape: &[usize], loc: SourceLocation) -> Array {
    if x.shape() == shape {
        return x.clone();
    }
    node(
        Op::View(ViewOp::Broadcast(shape.to_vec())),
        &[x],
        x.dtype(),
        shape.to_vec(),
        loc,
    )
}

/// A view node with a precomputed output shape.
pub(crate) fn view(x: &Array, v: ViewOp, shape: Vec<usize>, loc: SourceLocation) -> Array {
    node(Op::View(v), &[x], x.dtype(), shape, loc)
}

/// An array of `shape` with every element `value` (already of the wanted dtype); evaluating it
/// fills a buffer, as NumPy's `full` does.
pub(crate) fn full(shape: Vec<usize>, value: Scalar, loc: SourceLocation) -> Array {
    node(Op::Full(value), &[], value.dtype(), shape, loc)
}

/// A scalar operand: a 0-d constant broadcast to `shape` (one element, no buffer of `shape`).
pub(crate) fn constant(shape: &[usize], value: Scalar, loc: SourceLocation) -> Array {
    broadcast(&full(vec![], value, loc), shape, loc)
}

/// The dtype a weak scalar of `kind` has when it stands alone (Python's int is int64, etc.).
fn default_dtype(kind: WeakKind) -> DType {
    match kind {
        WeakKind::Bool => DType::Bool,
        WeakKind::Int => DType::I64,
        WeakKind::Float => DType::F64,
        WeakKind::Complex => DType::C128,
    }
}

fn weak_kind(s: Scalar) -> WeakKind {
    let dt = s.dtype();
    if dt.is_bool() {
        WeakKind::Bool
    } else if dt.is_float() {
        WeakKind::Float
    } else if dt.is_complex() {
        WeakKind::Complex
    } else {
        WeakKind::Int
    }
}

/// NumPy's result dtype for two operands (NEP 50).
pub(crate) fn promote_operands(a: &Operand, b: &Operand) -> DType {
    match (a, b) {
        (Operand::Array(x), Operand::Array(y)) => x.dtype().promote(y.dtype()),
        (Operand::Array(x), Operand::Weak(s)) | (Operand::Weak(s), Operand::Array(x)) => {
            x.dtype().promote_weak(weak_kind(*s))
        }
        (Operand::Weak(s), Operand::Weak(t)) => {
            default_dtype(weak_kind(*s)).promote(default_dtype(weak_kind(*t)))
        }
    }
}

/// NumPy 2 compares integer arrays with out-of-range Python integers by value
/// (`int8_array < 300` is all true). Such a comparison has the same answer for every element:
/// that answer with the array operand, or None when the comparison needs computing.
fn out_of_range_comparison<'a>(
    op: BinaryOp,
    a: &'a Operand,
    b: &'a Operand,
) -> Option<(bool, &'a Array)> {
    let (array, scalar, array_on_left) = match (a, b) {
        (Operand::Array(x), Operand::Weak(s)) => (x, s, true),
        (Operand::Weak(s), Operand::Array(x)) => (x, s, false),
        _ => return None,
    };
    let (min, max) = array
        .dtype()
        .int_range()
        .filter(|_| array.dtype().is_int())?;
    let value = scalar.as_i128().filter(|_| !scalar.dtype().is_bool())?;
    // Is the left operand smaller than the right one, for every element?
    let left_smaller = match (value > max, value < min) {
        (true, _) => array_on_left,
        (_, true) => !array_on_left,
        _ => return None,
    };
    let answer = match op {
        BinaryOp::Lt | BinaryOp::Le => left_smaller,
        BinaryOp::Gt | BinaryOp::Ge => !left_smaller,
        BinaryOp::Ne => true,
        _ => false,
    };
    Some((answer, array))
}

/// The dtype a binary op computes in, given the promoted dtype of its operands.
fn binary_compute_dtype(op: BinaryOp, common: DType) -> Result<DType, String> {
    use BinaryOp::*;
    if common.is_complex()
        && !matches!(
            op,
            Add | Sub
                | Mul
                | Div
                | Pow
                | Maximum
                | Minimum
                | Fmax
                | Fmin
                | LogicalAnd
                | LogicalOr
                | LogicalXor
                | Eq
                | Ne
                | Lt
                | Le
                | Gt
                | Ge
        )
    {
        // NumPy defines no complex loop for these (floor_divide, remainder, arctan2, the
        // bitwise ops...): "ufunc 'remainder' not supported for the input types".
        return Err(String::new());
    }
    if op == Div {
        return Ok(if common.is_inexact() {
            common
        } else {
            DType::F64
        });
    }
    if op.is_float_only() {
        return Ok(common.float_for_inexact());
    }
    if matches!(op, LogicalAnd | LogicalOr | LogicalXor) {
        return Ok(DType::Bool);
    }
    if op.is_bitwise() && common.is_float() {
        return Err(String::new());
    }
    if common.is_bool() {
        return match op {
            Sub => Err("; use bitwise_xor (^) or logical_xor instead".into()),
            Pow | FloorDiv | Rem | Fmod | LeftShift | RightShift => Ok(DType::I8),
            _ => Ok(DType::Bool),
        };
    }
    Ok(common)
}

/// Converts one operand to an array of the compute dtype (scalars become constants of
/// `shape`), or the error for a scalar out of range.
fn operand_to_array(
    x: Operand,
    op: BinaryOp,
    common: DType,
    compute: DType,
    shape: &[usize],
    loc: SourceLocation,
) -> Result<Array, Error> {
    match x {
        Operand::Array(a) => Ok(cast(&a, compute, loc)),
        Operand::Weak(s) => {
            // Logical ops test truth; float computations hold any Rust integer; integer
            // computations need the value to fit the array's dtype (NumPy 2 raises otherwise).
            let value = if compute.is_bool() || compute.is_inexact() {
                s.cast(compute)
            } else {
                s.weak_to(common)
                    .ok_or_else(|| Error::ScalarOutOfRange {
                        op: op.name(),
                        value: s.to_string(),
                        dtype: common,
                        location: loc,
                    })?
                    .cast(compute)
            };
            Ok(constant(shape, value, loc))
        }
    }
}

/// `op(a, b)` with NumPy's promotion and broadcasting.
pub(crate) fn binary(op: BinaryOp, a: Operand, b: Operand, loc: SourceLocation) -> Array {
    if let Some((answer, array)) = op
        .is_comparison()
        .then(|| out_of_range_comparison(op, &a, &b))
        .flatten()
    {
        if let Some(e) = array.error() {
            return poison(
                e.clone(),
                Op::Binary(op),
                &[array],
                DType::Bool,
                array.shape().to_vec(),
                loc,
            );
        }
        return constant(array.shape(), Scalar::Bool(answer), loc);
    }
    let common = promote_operands(&a, &b);
    let compute = binary_compute_dtype(op, common);
    let out_dtype = |c: DType| if op.returns_bool() { DType::Bool } else { c };
    let shape = broadcast_shapes(a.shape(), b.shape());
    // The array operands, for poisoned results only (building them costs allocations on
    // every call otherwise: small arrays pay per op).
    let arrays = || -> Vec<&Array> {
        [&a, &b]
            .into_iter()
            .filter_map(|o| match o {
                Operand::Array(x) => Some(x),
                Operand::Weak(_) => None,
            })
            .collect()
    };
    let compute = match compute {
        Ok(c) => c,
        Err(detail) => {
            let err = Error::DTypeNotSupported {
                op: op.name(),
                dtype: common,
                detail,
                location: loc,
            };
            let shape = shape.unwrap_or_else(|| a.shape().to_vec());
            return poison(
                err,
                Op::Binary(op),
                &arrays(),
                out_dtype(common),
                shape,
                loc,
            );
        }
    };
    let Some(shape) = shape else {
        let err = Error::ShapeMismatch {
            op: op.name(),
            lhs: a.shape().into(),
            rhs: b.shape().into(),
            location: loc,
        };
        return poison(
            err,
            Op::Binary(op),
            &arrays(),
            out_dtype(compute),
            a.shape().to_vec(),
            loc,
        );
    };
    if let Err(err) = check_size(op.name(), &shape, loc) {
        return poison(
            err,
            Op::Binary(op),
            &arrays(),
            out_dtype(compute),
            a.shape().to_vec(),
            loc,
        );
    }
    let input = |x: &Operand| {
        operand_to_array(x.clone(), op, common, compute, &shape, loc)
            .map(|arr| broadcast(&arr, &shape, loc))
    };
    match (input(&a), input(&b)) {
        (Ok(lhs), Ok(rhs)) => node(
            Op::Binary(op),
            &[&lhs, &rhs],
            out_dtype(compute),
            shape,
            loc,
        ),
        (Err(e), _) | (_, Err(e)) => {
            poison(e, Op::Binary(op), &arrays(), out_dtype(compute), shape, loc)
        }
    }
}

/// The dtype a unary op computes in for input dtype `dt`, or the detail of why it can't.
fn unary_compute_dtype(op: UnaryOp, dt: DType) -> Result<DType, String> {
    use UnaryOp::*;
    if dt.is_complex() {
        // The functions NumPy has complex loops for; the others (floor, cbrt, invert...) are
        // "not supported for the input types".
        return match op {
            Cbrt | Floor | Ceil | Trunc | Deg2rad | Rad2deg | Invert => Err(String::new()),
            Not => Ok(DType::Bool),
            _ => Ok(dt),
        };
    }
    if matches!(op, Conj | Angle | Real | Imag) {
        // Only complex inputs reach these nodes: `conj`, `angle`, `real` and `imag` of real
        // arrays are built from other ops (ufunc.rs).
        return Err("; only complex inputs".into());
    }
    if op.is_float_only() || (op == Rint && !dt.is_inexact()) {
        return Ok(dt.float_for_inexact());
    }
    match (op, dt.kind()) {
        (Not, _) => Ok(DType::Bool),
        (Invert, numcrane_graph::Kind::Float) => Err(String::new()),
        (Neg, numcrane_graph::Kind::Bool) => {
            Err("; use the ~ operator (invert) or logical_not instead".into())
        }
        (Sign, numcrane_graph::Kind::Bool) => Err(String::new()),
        (Square | Reciprocal, numcrane_graph::Kind::Bool) => Ok(DType::I8),
        _ => Ok(dt),
    }
}

/// `op(x)` with NumPy's dtype rules.
pub(crate) fn unary(op: UnaryOp, x: &Array, loc: SourceLocation) -> Array {
    let dt = x.dtype();
    let shape = x.shape().to_vec();
    match unary_compute_dtype(op, dt) {
        Ok(compute) => {
            let input = cast(x, compute, loc);
            let out = if op.returns_bool() {
                DType::Bool
            } else if op.complex_to_real() {
                compute.real_dtype()
            } else {
                compute
            };
            node(Op::Unary(op), &[&input], out, shape, loc)
        }
        Err(detail) => {
            let err = Error::DTypeNotSupported {
                op: op.name(),
                dtype: dt,
                detail,
                location: loc,
            };
            poison(err, Op::Unary(op), &[x], dt, shape, loc)
        }
    }
}

/// `where(cond, a, b)`: cond is tested for truth, a and b are promoted, all three broadcast.
pub(crate) fn select(cond: Operand, a: Operand, b: Operand, loc: SourceLocation) -> Array {
    let dtype = promote_operands(&a, &b);
    let refs_owned: Vec<Array> = [&cond, &a, &b]
        .iter()
        .filter_map(|o| match o {
            Operand::Array(x) => Some(x.clone()),
            Operand::Weak(_) => None,
        })
        .collect();
    let refs: Vec<&Array> = refs_owned.iter().collect();
    let shape =
        broadcast_shapes(cond.shape(), a.shape()).and_then(|s| broadcast_shapes(&s, b.shape()));
    let Some(shape) = shape else {
        let err = Error::invalid(
            "where",
            format!(
                "operands could not be broadcast together: condition {}, x {}, y {}",
                cond.describe(),
                a.describe(),
                b.describe()
            ),
            loc,
        );
        return poison(err, Op::Where, &refs, dtype, cond.shape().to_vec(), loc);
    };
    if let Err(err) = check_size("where", &shape, loc) {
        return poison(err, Op::Where, &refs, dtype, cond.shape().to_vec(), loc);
    }
    let to_array = |o: Operand, dt: DType| -> Result<Array, Error> {
        match o {
            Operand::Array(x) => Ok(broadcast(&cast(&x, dt, loc), &shape, loc)),
            Operand::Weak(s) => {
                let v = if dt.is_bool() {
                    Some(s.cast(dt))
                } else {
                    s.weak_to(dt)
                };
                let v = v.ok_or_else(|| Error::ScalarOutOfRange {
                    op: "where",
                    value: s.to_string(),
                    dtype: dt,
                    location: loc,
                })?;
                Ok(constant(&shape, v.cast(dt), loc))
            }
        }
    };
    let parts = (|| {
        Ok::<_, Error>([
            to_array(cond, DType::Bool)?,
            to_array(a, dtype)?,
            to_array(b, dtype)?,
        ])
    })();
    match parts {
        Ok([c, x, y]) => node(Op::Where, &[&c, &x, &y], dtype, shape, loc),
        Err(e) => poison(e, Op::Where, &refs, dtype, shape, loc),
    }
}

/// An error naming `op` when a result shape has more elements than `usize` can count.
pub(crate) fn check_size(
    op: &'static str,
    shape: &[usize],
    loc: SourceLocation,
) -> Result<(), Error> {
    match numcrane_graph::layout::checked_size(shape) {
        Some(_) => Ok(()),
        None => Err(Error::invalid(
            op,
            format!("array is too big: the product of shape {shape:?} overflows"),
            loc,
        )),
    }
}

/// Normalises an axis for an op, or the error naming it.
pub(crate) fn axis(
    op: &'static str,
    axis: isize,
    ndim: usize,
    loc: SourceLocation,
) -> Result<usize, Error> {
    numcrane_graph::layout::normalize_axis(axis, ndim).ok_or(Error::AxisOutOfRange {
        op,
        axis,
        ndim,
        location: loc,
    })
}
