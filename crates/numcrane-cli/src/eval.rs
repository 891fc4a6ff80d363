//! Evaluates an expression tree into numcrane arrays, through the library's public API only.
//!
//! Each tree node becomes a [`Value`]: an array, a Python scalar (kept weak, so `x * 2` stays
//! float32 as in NumPy 2), a dtype, a tuple, a function or a bound method. Operators between
//! Python scalars are folded here with Python's rules; anything involving an array is built
//! by the library, which records a lazy graph. After every tree node the new graph nodes it
//! created are tagged with the node's span ([`Evaluator::site`]), and an error the library
//! stored on them (a broadcast mismatch, a bad axis) is reported at that span. What NumPy
//! function a name means lives in `functions`; this module knows operators, names and indexing.

use crate::ast::{BinOp, Expr, ExprKind, IndexItem, UnOp};
use crate::diagnostic::{close_matches, library_message, suggestion, Diagnostic, Span};
use crate::functions;
use numcrane::{Array, DType, IndexArg, IntoOperand, SliceArg};
use std::collections::HashMap;

/// The value of an expression node.
#[derive(Clone)]
pub enum Value {
    /// A lazy array.
    Array(Array),
    /// A Python int (a weak scalar next to arrays).
    Int(i64),
    /// A Python float (a weak scalar next to arrays).
    Float(f64),
    /// A Python bool (a weak scalar next to arrays).
    Bool(bool),
    /// A string (dtype names).
    Str(String),
    /// A dtype (`float32`, `np.int64`, `'bool'`).
    DType(DType),
    /// A tuple or list.
    Seq(Vec<Value>),
    /// `None` (also `np.newaxis`).
    None,
    /// `...`.
    Ellipsis,
    /// The `np` / `numpy` module.
    Module,
    /// A library function, by its NumPy name.
    Func(String),
    /// A method bound to an array: `x.sum`.
    Method(Array, String),
}

impl Value {
    /// The value for messages: a number as written, anything else by its kind.
    pub fn describe(&self) -> String {
        match self {
            Value::Int(i) => i.to_string(),
            Value::Float(f) => f.to_string(),
            Value::Bool(b) => if *b { "True" } else { "False" }.to_string(),
            other => other.kind().to_string(),
        }
    }

    /// What kind of value this is, for messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Array(_) => "an array",
            Value::Int(_) => "an int",
            Value::Float(_) => "a float",
            Value::Bool(_) => "a bool",
            Value::Str(_) => "a string",
            Value::DType(_) => "a dtype",
            Value::Seq(_) => "a tuple",
            Value::None => "None",
            Value::Ellipsis => "'...'",
            Value::Module => "the numpy module",
            Value::Func(_) => "a function",
            Value::Method(..) => "a method",
        }
    }
}

/// An evaluated argument and where it was written.
#[derive(Clone)]
pub struct Arg {
    /// its value
    pub value: Value,
    /// its text
    pub span: Span,
}

/// An evaluated keyword argument.
#[derive(Clone)]
pub struct KwArg {
    /// the keyword
    pub name: String,
    /// the keyword's text
    pub name_span: Span,
    /// the value
    pub arg: Arg,
}

/// Where a graph node came from.
#[derive(Clone, Debug)]
enum Origin {
    /// an `--input`
    Input(String),
    /// the expression node with this span
    Expr(Span),
}

/// A graph node's origin and op name (the op name matches library errors found later,
/// while evaluating, to the expression node that built it).
#[derive(Clone, Debug)]
struct Site {
    origin: Origin,
    op: &'static str,
}

/// Evaluates expressions over named inputs and remembers where each graph node came from.
pub struct Evaluator<'t> {
    text: &'t str,
    inputs: HashMap<String, Array>,
    sites: HashMap<u64, Site>,
}

/// NumPy's constants available by name (bare or with `np.`).
pub fn constant(name: &str) -> Option<Value> {
    Some(match name {
        "pi" => Value::Float(std::f64::consts::PI),
        "e" => Value::Float(std::f64::consts::E),
        "inf" | "Inf" | "infty" | "PINF" => Value::Float(f64::INFINITY),
        "nan" | "NaN" | "NAN" => Value::Float(f64::NAN),
        "euler_gamma" => Value::Float(0.577_215_664_901_532_9),
        "newaxis" => Value::None,
        _ => return None,
    })
}

/// Names of the constants, for suggestions.
pub const CONSTANTS: &[&str] = &["pi", "e", "inf", "nan", "euler_gamma", "newaxis"];

impl<'t> Evaluator<'t> {
    /// An evaluator for `text` with these named inputs.
    pub fn new(text: &'t str, inputs: &[crate::inputs::Input]) -> Evaluator<'t> {
        let mut ev = Evaluator {
            text,
            inputs: HashMap::new(),
            sites: HashMap::new(),
        };
        for i in inputs {
            ev.sites.insert(
                i.array.node().id(),
                Site {
                    origin: Origin::Input(i.name.clone()),
                    op: "leaf",
                },
            );
            ev.inputs.insert(i.name.clone(), i.array.clone());
        }
        ev
    }

    /// Where the graph node `id` came from, as a short text (`input x`, `` `x * y` col 3``).
    pub fn site(&self, id: u64) -> Option<String> {
        let site = self.sites.get(&id)?;
        Some(match &site.origin {
            Origin::Input(name) => format!("input {name}"),
            Origin::Expr(span) => {
                let snippet = span.snippet(self.text);
                let short: String = if snippet.chars().count() > 40 {
                    let head: String = snippet.chars().take(37).collect();
                    format!("{head}...")
                } else {
                    snippet.to_string()
                };
                format!("`{short}` col {}", span.column(self.text))
            }
        })
    }

    /// The span to blame for an error found while evaluating the graph: the expression node
    /// that built the only kind of node the error names, else the whole expression.
    pub fn span_of_runtime_error(&self, e: &numcrane::Error) -> Span {
        let whole = Span::new(0, self.text.len());
        let mut spans = self.sites.values().filter_map(|s| match s.origin {
            Origin::Expr(span) if s.op == e.op() => Some(span),
            _ => None,
        });
        match spans.next() {
            Some(first) if spans.all(|s| s == first) => first,
            _ => whole,
        }
    }

    /// Tags the graph nodes behind `a` not seen before with `span`, and reports an error the
    /// library stored on a node this expression node created.
    fn adopt(&mut self, a: &Array, span: Span) -> Result<(), Diagnostic> {
        let fresh = !self.sites.contains_key(&a.node().id());
        let mut stack = vec![a.node().clone()];
        while let Some(n) = stack.pop() {
            if self.sites.contains_key(&n.id()) {
                continue;
            }
            self.sites.insert(
                n.id(),
                Site {
                    origin: Origin::Expr(span),
                    op: n.op().name(),
                },
            );
            stack.extend(n.inputs());
        }
        match a.error() {
            Some(e) if fresh => Err(Diagnostic::eval(library_message(e), span)),
            _ => Ok(()),
        }
    }

    /// Evaluates a whole expression.
    pub fn eval(&mut self, e: &Expr) -> Result<Value, Diagnostic> {
        let v = self.eval_kind(e)?;
        match &v {
            Value::Array(a) => self.adopt(a, e.span)?,
            // nonzero's tuple of index arrays
            Value::Seq(items) => {
                for item in items {
                    if let Value::Array(a) = item {
                        self.adopt(a, e.span)?;
                    }
                }
            }
            _ => {}
        }
        Ok(v)
    }

    fn eval_kind(&mut self, e: &Expr) -> Result<Value, Diagnostic> {
        let span = e.span;
        match &e.kind {
            ExprKind::Int(i) => Ok(Value::Int(*i)),
            ExprKind::Float(f) => Ok(Value::Float(*f)),
            ExprKind::Str(s) => Ok(Value::Str(s.clone())),
            ExprKind::Bool(b) => Ok(Value::Bool(*b)),
            ExprKind::None => Ok(Value::None),
            ExprKind::Ellipsis => Ok(Value::Ellipsis),
            ExprKind::Name(n) => self.name(n, span),
            ExprKind::Unary { op, operand } => {
                let v = self.eval(operand)?;
                unary(*op, v, span)
            }
            ExprKind::Binary { op, lhs, rhs } => {
                let a = self.eval(lhs)?;
                let b = self.eval(rhs)?;
                binary(*op, &a, &b, span, (lhs.span, rhs.span))
            }
            ExprKind::Tuple(items) | ExprKind::List(items) => {
                let values = items
                    .iter()
                    .map(|i| self.eval(i))
                    .collect::<Result<_, _>>()?;
                Ok(Value::Seq(values))
            }
            ExprKind::Attribute {
                value,
                name,
                name_span,
            } => {
                let v = self.eval(value)?;
                functions::attribute(v, name, *name_span)
            }
            ExprKind::Call { func, args, kwargs } => {
                if let ExprKind::Name(n) = &func.kind {
                    let known = self.inputs.contains_key(n)
                        || n == "np"
                        || n == "numpy"
                        || module_member(n).is_some();
                    if !known {
                        return Err(functions::unknown_function(n, func.span));
                    }
                }
                let f = self.eval(func)?;
                let args: Vec<Arg> = args
                    .iter()
                    .map(|a| {
                        Ok(Arg {
                            value: self.eval(a)?,
                            span: a.span,
                        })
                    })
                    .collect::<Result<_, Diagnostic>>()?;
                let kwargs: Vec<KwArg> = kwargs
                    .iter()
                    .map(|k| {
                        Ok(KwArg {
                            name: k.name.clone(),
                            name_span: k.name_span,
                            arg: Arg {
                                value: self.eval(&k.value)?,
                                span: k.value.span,
                            },
                        })
                    })
                    .collect::<Result<_, Diagnostic>>()?;
                functions::call_value(f, func.span, args, kwargs, span)
            }
            ExprKind::Subscript { value, index } => {
                let v = self.eval(value)?;
                self.subscript(v, value.span, index, span)
            }
        }
    }

    /// An input, `np`, a constant, a dtype or a function.
    fn name(&self, n: &str, span: Span) -> Result<Value, Diagnostic> {
        if let Some(a) = self.inputs.get(n) {
            return Ok(Value::Array(a.clone()));
        }
        if n == "np" || n == "numpy" {
            return Ok(Value::Module);
        }
        if let Some(v) = module_member(n) {
            return Ok(v);
        }
        let mut known: Vec<&str> = self.inputs.keys().map(String::as_str).collect();
        known.extend(functions::FUNCTIONS);
        known.extend(CONSTANTS);
        let matches = close_matches(n, known);
        Err(Diagnostic::usage(
            format!(
                "no input named '{n}': give it with --input {n}=f32[3] (dtype and shape) or \
                 --input {n}=file.npy{}",
                suggestion(&matches)
            ),
            Some(span),
        ))
    }

    fn subscript(
        &mut self,
        v: Value,
        value_span: Span,
        index: &[IndexItem],
        span: Span,
    ) -> Result<Value, Diagnostic> {
        let array = match v {
            Value::Array(a) => a,
            Value::Seq(items) => return index_seq(&items, index, span, self),
            other => {
                return Err(Diagnostic::eval(
                    format!("{} cannot be indexed", other.kind()),
                    value_span,
                ))
            }
        };
        let mut args = Vec::new();
        for item in index {
            match item {
                IndexItem::Slice {
                    start, stop, step, ..
                } => {
                    let mut part = |e: &Option<Expr>| -> Result<Option<isize>, Diagnostic> {
                        match e {
                            None => Ok(None),
                            Some(e) => match self.eval(e)? {
                                Value::None => Ok(None),
                                v => slice_int(&v, e.span).map(Some),
                            },
                        }
                    };
                    let (start, stop) = (part(start)?, part(stop)?);
                    let step = part(step)?.unwrap_or(1);
                    args.push(IndexArg::Basic(SliceArg::Range { start, stop, step }));
                }
                // A list inside the brackets is an index array (`x[[0, 2, 1]]`, a mask
                // `x[[True, False]]`), where a tuple is several entries (`x[(0, 1)]`).
                IndexItem::Expr(e) if matches!(e.kind, ExprKind::List(_)) => {
                    let v = self.eval(e)?;
                    args.push(IndexArg::Array(list_index(&v, e.span)?));
                }
                IndexItem::Expr(e) => {
                    let v = self.eval(e)?;
                    push_index(&mut args, v, e.span)?;
                }
            }
        }
        let basic: Option<Vec<SliceArg>> = args
            .iter()
            .map(|a| match a {
                IndexArg::Basic(b) => Some(*b),
                IndexArg::Array(_) => None,
            })
            .collect();
        Ok(Value::Array(match basic {
            // Basic indexing stays a view, as in NumPy.
            Some(basic) => array.slice(basic),
            // Integer arrays and masks: a gather (a mask is evaluated now, as NumPy's is).
            None => array.index(args),
        }))
    }
}

/// A name the numpy module has here: a constant, a dtype or a function.
pub fn module_member(n: &str) -> Option<Value> {
    if let Some(c) = constant(n) {
        return Some(c);
    }
    if let Some(d) = functions::dtype_from_name(n) {
        return Some(Value::DType(d));
    }
    functions::is_function(n).then(|| Value::Func(n.to_string()))
}

/// Adds one index entry (an integer, None, ..., an integer array or a mask, True / False, or a
/// tuple of them) to `args`.
fn push_index(args: &mut Vec<IndexArg>, v: Value, span: Span) -> Result<(), Diagnostic> {
    match v {
        Value::Int(i) => args.push(SliceArg::Index(isize_of(i, span)?).into()),
        Value::None => args.push(SliceArg::NewAxis.into()),
        Value::Ellipsis => args.push(SliceArg::Ellipsis.into()),
        Value::Seq(items) => {
            for item in items {
                push_index(args, item, span)?;
            }
        }
        // NumPy: a bool array is a mask, an integer array picks positions; anything else is
        // refused by the library with its dtype in the message.
        Value::Array(a) => args.push(IndexArg::Array(a)),
        // x[True] adds a length-1 axis, x[False] a length-0 one: a 0-d mask.
        Value::Bool(b) => args.push(IndexArg::Array(Array::scalar(b))),
        other => {
            return Err(Diagnostic::eval(
                format!(
                    "an index must be an integer, a slice, None, ..., an integer array or a \
                     boolean mask, not {}",
                    other.kind()
                ),
                span,
            ))
        }
    }
    Ok(())
}

/// The index array a list literal inside brackets stands for: integers (int64), bools (a
/// mask); an empty list is an empty int64 index, as in NumPy.
fn list_index(v: &Value, span: Span) -> Result<Array, Diagnostic> {
    if matches!(v, Value::Seq(items) if items.is_empty()) {
        return Ok(Array::from_vec(Vec::<i64>::new(), vec![0]));
    }
    let a = functions::to_array(v, span)?;
    if a.dtype().is_float() {
        return Err(Diagnostic::eval(
            "arrays used as indices must be of integer (or boolean) type: this list holds \
             floats",
            span,
        ));
    }
    Ok(a)
}

/// Python indexing of a tuple (`x.shape[0]`).
fn index_seq(
    items: &[Value],
    index: &[IndexItem],
    span: Span,
    ev: &mut Evaluator<'_>,
) -> Result<Value, Diagnostic> {
    let [IndexItem::Expr(e)] = index else {
        return Err(Diagnostic::eval(
            "a tuple takes one integer index here",
            span,
        ));
    };
    let i = match ev.eval(e)? {
        Value::Int(i) => i,
        other => {
            return Err(Diagnostic::eval(
                format!("tuple indices must be integers, not {}", other.kind()),
                e.span,
            ))
        }
    };
    let n = items.len() as i64;
    let k = if i < 0 { i + n } else { i };
    usize::try_from(k)
        .ok()
        .and_then(|k| items.get(k))
        .cloned()
        .ok_or_else(|| {
            Diagnostic::eval(
                format!("tuple index {i} out of range for length {n}"),
                e.span,
            )
        })
}

fn isize_of(i: i64, span: Span) -> Result<isize, Diagnostic> {
    isize::try_from(i).map_err(|_| Diagnostic::eval(format!("{i} is too large here"), span))
}

/// A slice bound or step: an integer.
fn slice_int(v: &Value, span: Span) -> Result<isize, Diagnostic> {
    match v {
        Value::Int(i) => isize_of(*i, span),
        Value::Bool(b) => Ok(isize::from(*b)),
        other => Err(Diagnostic::eval(
            format!(
                "slice indices must be integers or None, not {}",
                other.kind()
            ),
            span,
        )),
    }
}

/// The operand of a library function for a value: arrays as they are, Python scalars as weak
/// scalars, lists as new arrays.
pub fn operand(v: &Value, span: Span) -> Result<impl IntoOperand + Clone, Diagnostic> {
    Ok(match v {
        Value::Array(a) => a.clone().into_operand(),
        Value::Int(i) => i.into_operand(),
        Value::Float(f) => f.into_operand(),
        Value::Bool(b) => b.into_operand(),
        Value::Seq(_) => functions::to_array(v, span)?.into_operand(),
        other => {
            return Err(Diagnostic::eval(
                format!("expected an array or a number, found {}", other.kind()),
                span,
            ))
        }
    })
}

fn unary(op: UnOp, v: Value, span: Span) -> Result<Value, Diagnostic> {
    let overflow = || Diagnostic::eval("integer overflow", span);
    Ok(match (op, v) {
        (UnOp::Pos, v @ (Value::Array(_) | Value::Int(_) | Value::Float(_))) => v,
        (UnOp::Pos, Value::Bool(b)) => Value::Int(i64::from(b)),
        (UnOp::Neg, Value::Int(i)) => Value::Int(i.checked_neg().ok_or_else(overflow)?),
        (UnOp::Neg, Value::Bool(b)) => Value::Int(-i64::from(b)),
        (UnOp::Neg, Value::Float(f)) => Value::Float(-f),
        (UnOp::Invert, Value::Int(i)) => Value::Int(!i),
        (UnOp::Invert, Value::Bool(b)) => Value::Bool(!b),
        (UnOp::Neg, Value::Array(a)) => Value::Array(numcrane::negative(&a)),
        (UnOp::Invert, Value::Array(a)) => Value::Array(numcrane::invert(&a)),
        (op, v @ Value::Seq(_)) => unary(op, Value::Array(functions::to_array(&v, span)?), span)?,
        (op, other) => {
            let sym = match op {
                UnOp::Neg => "-",
                UnOp::Pos => "+",
                UnOp::Invert => "~",
            };
            return Err(Diagnostic::eval(
                format!("bad operand for unary {sym}: {}", other.kind()),
                span,
            ));
        }
    })
}

/// The NumPy function an operator calls.
pub fn ufunc_of(op: BinOp) -> &'static str {
    use BinOp::*;
    match op {
        Add => "add",
        Sub => "subtract",
        Mul => "multiply",
        Div => "divide",
        FloorDiv => "floor_divide",
        Mod => "remainder",
        Pow => "power",
        MatMul => "matmul",
        BitAnd => "bitwise_and",
        BitOr => "bitwise_or",
        BitXor => "bitwise_xor",
        Shl => "left_shift",
        Shr => "right_shift",
        Lt => "less",
        Le => "less_equal",
        Gt => "greater",
        Ge => "greater_equal",
        Eq => "equal",
        Ne => "not_equal",
    }
}

fn binary(
    op: BinOp,
    a: &Value,
    b: &Value,
    span: Span,
    (lspan, rspan): (Span, Span),
) -> Result<Value, Diagnostic> {
    if op == BinOp::MatMul {
        let to_array = |v: &Value, s: Span| match v {
            Value::Array(x) => Ok(x.clone()),
            Value::Seq(_) => functions::to_array(v, s),
            _ => Err(Diagnostic::eval(
                "matmul: scalar operands are not allowed, use '*' instead",
                s,
            )),
        };
        let (x, y) = (to_array(a, lspan)?, to_array(b, rspan)?);
        return Ok(Value::Array(numcrane::matmul(&x, &y)));
    }
    let scalar = |v: &Value| matches!(v, Value::Int(_) | Value::Float(_) | Value::Bool(_));
    if scalar(a) && scalar(b) {
        return fold(op, a, b).map_err(|m| Diagnostic::eval(m, span));
    }
    let x = operand(a, lspan)?;
    let y = operand(b, rspan)?;
    functions::apply_binary(ufunc_of(op), x, y)
        .map(Value::Array)
        .ok_or_else(|| Diagnostic::eval(format!("operator {} is not supported", op.symbol()), span))
}

/// A Python number for folding.
#[derive(Clone, Copy)]
enum Num {
    I(i64),
    F(f64),
}

fn num(v: &Value) -> Num {
    match v {
        Value::Int(i) => Num::I(*i),
        Value::Bool(b) => Num::I(i64::from(*b)),
        Value::Float(f) => Num::F(*f),
        _ => Num::F(f64::NAN),
    }
}

fn as_f64(n: Num) -> f64 {
    match n {
        Num::I(i) => i as f64,
        Num::F(f) => f,
    }
}

/// `a op b` for two Python scalars, with Python's semantics.
fn fold(op: BinOp, a: &Value, b: &Value) -> Result<Value, String> {
    use BinOp::*;
    if let (Value::Bool(x), Value::Bool(y)) = (a, b) {
        match op {
            BitAnd => return Ok(Value::Bool(*x & *y)),
            BitOr => return Ok(Value::Bool(*x | *y)),
            BitXor => return Ok(Value::Bool(*x ^ *y)),
            _ => {}
        }
    }
    let (x, y) = (num(a), num(b));
    let overflow = || "integer overflow (Python integers are int64 here)".to_string();
    let zero = || "division by zero".to_string();
    let cmp = |o: std::cmp::Ordering| -> bool {
        match op {
            Lt => o.is_lt(),
            Le => o.is_le(),
            Gt => o.is_gt(),
            Ge => o.is_ge(),
            Eq => o.is_eq(),
            _ => o.is_ne(),
        }
    };
    if matches!(op, Lt | Le | Gt | Ge | Eq | Ne) {
        return Ok(Value::Bool(match (x, y) {
            (Num::I(p), Num::I(q)) => cmp(p.cmp(&q)),
            _ => match as_f64(x).partial_cmp(&as_f64(y)) {
                Some(o) => cmp(o),
                None => op == Ne,
            },
        }));
    }
    if let (Num::I(p), Num::I(q)) = (x, y) {
        let v = match op {
            Add => p.checked_add(q).ok_or_else(overflow)?,
            Sub => p.checked_sub(q).ok_or_else(overflow)?,
            Mul => p.checked_mul(q).ok_or_else(overflow)?,
            Div if q == 0 => return Err(zero()),
            Div => return Ok(Value::Float(p as f64 / q as f64)),
            FloorDiv | Mod if q == 0 => return Err(zero()),
            FloorDiv => {
                let d = p.checked_div(q).ok_or_else(overflow)?;
                if p % q != 0 && ((p < 0) != (q < 0)) {
                    d - 1
                } else {
                    d
                }
            }
            Mod => {
                let r = p.checked_rem(q).ok_or_else(overflow)?;
                if r != 0 && ((r < 0) != (q < 0)) {
                    r + q
                } else {
                    r
                }
            }
            Pow if q < 0 => return Ok(Value::Float((p as f64).powf(q as f64))),
            Pow => u32::try_from(q)
                .ok()
                .and_then(|q| p.checked_pow(q))
                .ok_or_else(overflow)?,
            BitAnd => p & q,
            BitOr => p | q,
            BitXor => p ^ q,
            Shl | Shr if q < 0 => return Err("negative shift count".into()),
            Shl => u32::try_from(q)
                .ok()
                .filter(|&s| s < 64)
                .and_then(|s| p.checked_mul(1i64 << s))
                .ok_or_else(overflow)?,
            Shr => p >> q.min(63),
            _ => return Err(format!("operator {} is not supported here", op.symbol())),
        };
        return Ok(Value::Int(v));
    }
    let (p, q) = (as_f64(x), as_f64(y));
    Ok(Value::Float(match op {
        Add => p + q,
        Sub => p - q,
        Mul => p * q,
        Div | FloorDiv | Mod if q == 0.0 => return Err(zero()),
        Div => p / q,
        FloorDiv => (p / q).floor(),
        Mod => {
            let r = p % q;
            if r != 0.0 && ((r < 0.0) != (q < 0.0)) {
                r + q
            } else {
                r
            }
        }
        Pow => p.powf(q),
        _ => {
            return Err(format!(
                "unsupported operand type for {}: 'float'",
                op.symbol()
            ))
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(op: BinOp, a: Value, b: Value) -> String {
        match fold(op, &a, &b) {
            Ok(Value::Int(i)) => format!("int {i}"),
            Ok(Value::Float(x)) => format!("float {x}"),
            Ok(Value::Bool(x)) => format!("bool {x}"),
            Ok(_) => "other".into(),
            Err(e) => format!("error {e}"),
        }
    }

    #[test]
    fn python_scalar_arithmetic() {
        use Value::*;
        assert_eq!(f(BinOp::FloorDiv, Int(-7), Int(2)), "int -4");
        assert_eq!(f(BinOp::Mod, Int(-7), Int(2)), "int 1");
        assert_eq!(f(BinOp::Mod, Float(-7.0), Float(2.0)), "float 1");
        assert_eq!(f(BinOp::Div, Int(7), Int(2)), "float 3.5");
        assert_eq!(f(BinOp::Pow, Int(2), Int(-1)), "float 0.5");
        assert_eq!(f(BinOp::Pow, Int(2), Int(10)), "int 1024");
        assert_eq!(f(BinOp::Add, Bool(true), Bool(true)), "int 2");
        assert_eq!(f(BinOp::BitAnd, Bool(true), Bool(false)), "bool false");
        assert_eq!(f(BinOp::Lt, Int(1), Float(1.5)), "bool true");
        assert_eq!(f(BinOp::Ne, Float(f64::NAN), Float(f64::NAN)), "bool true");
        assert!(f(BinOp::Mul, Int(i64::MAX), Int(2)).starts_with("error"));
        assert!(f(BinOp::Div, Int(1), Int(0)).starts_with("error"));
    }
}
