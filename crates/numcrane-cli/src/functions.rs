//! NumPy's functions, methods and attributes by name, mapped onto numcrane's public API.
//!
//! `call_value` calls what an expression names: a function (`exp`, `np.sum`), a bound method
//! (`x.sum`), a dtype (`np.float32(2)`). Arguments are bound to NumPy's parameter names
//! ([`Params`]) so that positional and keyword forms both work and mistakes name the
//! parameter. Python scalars stay weak scalars where NumPy treats them so (operands of
//! element-wise functions); where a function needs an array (`exp(1)`), a scalar becomes a
//! 0-d array of NumPy's default dtype (int64, float64, bool).

use crate::diagnostic::{close_matches, suggestion, Diagnostic, Span};
use crate::eval::{operand, Arg, KwArg, Value};
use numcrane::{self as nc, Array, Axes, DType, IntoOperand};

/// Every function name `call` knows (for name lookup and suggestions).
pub const FUNCTIONS: &[&str] = &[
    // matrix products
    "matmul",
    "dot",
    "vdot",
    "inner",
    "outer",
    "tensordot",
    "kron",
    "trace",
    "einsum",
    // sorting, order statistics, NaN-reductions, sets
    "sort",
    "argsort",
    "median",
    "nanmedian",
    "percentile",
    "quantile",
    "nanpercentile",
    "nanquantile",
    "nansum",
    "nanprod",
    "nanmean",
    "nanmax",
    "nanmin",
    "nanvar",
    "nanstd",
    "unique",
    "roll",
    // indexing
    "nonzero",
    "flatnonzero",
    "argwhere",
    "take",
    // element-wise, one argument
    "negative",
    "positive",
    "abs",
    "absolute",
    "fabs",
    "sign",
    "square",
    "reciprocal",
    "logical_not",
    "invert",
    "bitwise_not",
    "bitwise_invert",
    "sqrt",
    "cbrt",
    "exp",
    "exp2",
    "expm1",
    "log",
    "log2",
    "log10",
    "log1p",
    "sin",
    "cos",
    "tan",
    "arcsin",
    "asin",
    "arccos",
    "acos",
    "arctan",
    "atan",
    "sinh",
    "cosh",
    "tanh",
    "arcsinh",
    "asinh",
    "arccosh",
    "acosh",
    "arctanh",
    "atanh",
    "floor",
    "ceil",
    "trunc",
    "fix",
    "rint",
    "deg2rad",
    "radians",
    "rad2deg",
    "degrees",
    "isnan",
    "isinf",
    "isfinite",
    "real",
    "imag",
    "conj",
    "conjugate",
    "angle",
    "nan_to_num",
    // element-wise, two arguments
    "add",
    "subtract",
    "multiply",
    "divide",
    "true_divide",
    "floor_divide",
    "remainder",
    "mod",
    "fmod",
    "power",
    "pow",
    "maximum",
    "minimum",
    "fmax",
    "fmin",
    "arctan2",
    "atan2",
    "hypot",
    "logaddexp",
    "heaviside",
    "bitwise_and",
    "bitwise_or",
    "bitwise_xor",
    "left_shift",
    "right_shift",
    "bitwise_left_shift",
    "bitwise_right_shift",
    "logical_and",
    "logical_or",
    "logical_xor",
    "equal",
    "not_equal",
    "less",
    "less_equal",
    "greater",
    "greater_equal",
    // other element-wise
    "where",
    "clip",
    "round",
    "around",
    "copy",
    "astype",
    // reductions and scans
    "sum",
    "prod",
    "max",
    "amax",
    "min",
    "amin",
    "any",
    "all",
    "mean",
    "var",
    "std",
    "argmax",
    "argmin",
    "cumsum",
    "cumprod",
    // views
    "reshape",
    "transpose",
    "permute_dims",
    "ravel",
    "squeeze",
    "expand_dims",
    "swapaxes",
    "moveaxis",
    "broadcast_to",
    "flip",
    "diagonal",
    // creation
    "array",
    "asarray",
    "zeros",
    "ones",
    "empty",
    "full",
    "zeros_like",
    "ones_like",
    "empty_like",
    "full_like",
    "arange",
    "linspace",
    "logspace",
    "geomspace",
    "eye",
    "identity",
    "tri",
    "tril",
    "triu",
    "diag",
];

/// NumPy functions numcrane does not have yet (a clearer error than "unknown").
const NOT_YET: &[&str] = &[
    "concatenate",
    "stack",
    "hstack",
    "vstack",
    "dstack",
    "split",
    "repeat",
    "tile",
    "histogram",
    "pad",
    "cross",
    "linalg",
    "fft",
    "random",
];

/// Array methods `method` knows.
pub const METHODS: &[&str] = &[
    "dot",
    "trace",
    "sum",
    "prod",
    "max",
    "min",
    "any",
    "all",
    "mean",
    "var",
    "std",
    "argmax",
    "argmin",
    "cumsum",
    "cumprod",
    "reshape",
    "transpose",
    "flatten",
    "ravel",
    "squeeze",
    "swapaxes",
    "astype",
    "copy",
    "clip",
    "round",
    "diagonal",
    "conj",
    "conjugate",
];

/// Array attributes `attribute` knows.
const ATTRIBUTES: &[&str] = &[
    "T", "mT", "shape", "ndim", "size", "dtype", "itemsize", "nbytes", "real", "imag",
];

/// True for a name `call` implements.
pub fn is_function(name: &str) -> bool {
    FUNCTIONS.contains(&name)
}

/// A dtype by NumPy's name (`float32`, `bool_`, `double`, `f4`), by Rust's (`f32`, `i64`),
/// or Python's type (`float`, `int`, `bool`). As in `--input` specs, `i8`/`u8` are Rust's
/// int8/uint8 (NumPy's typecode `'i8'` would be int64).
pub fn dtype_from_name(name: &str) -> Option<DType> {
    DType::from_name(name).or(match name {
        "double" | "float_" | "f8" | "d" => Some(DType::F64),
        "single" | "f4" | "f" => Some(DType::F32),
        "byte" | "i1" | "b" => Some(DType::I8),
        "ubyte" | "u1" | "B" => Some(DType::U8),
        "short" | "i2" | "h" => Some(DType::I16),
        "ushort" | "u2" | "H" => Some(DType::U16),
        "intc" | "i4" => Some(DType::I32),
        "uintc" | "u4" => Some(DType::U32),
        "intp" | "int_" | "longlong" | "long" => Some(DType::I64),
        "uintp" | "uint" | "ulonglong" | "ulong" => Some(DType::U64),
        _ => None,
    })
}

/// Calls `f` (the value of the callee, written at `fspan`).
pub fn call_value(
    f: Value,
    fspan: Span,
    args: Vec<Arg>,
    kwargs: Vec<KwArg>,
    span: Span,
) -> Result<Value, Diagnostic> {
    match f {
        Value::Func(name) => call(&name, args, kwargs, span),
        Value::Method(recv, name) => {
            let mut all = vec![Arg {
                value: Value::Array(recv.clone()),
                span: fspan,
            }];
            method(&recv, &name, &mut all, args, kwargs, span)
        }
        Value::DType(dt) => {
            let p = Params::bind("dtype", &["x"], 1, args, kwargs, span)?;
            let x = p.array(0)?;
            Ok(Value::Array(x.astype(dt)))
        }
        other => Err(Diagnostic::eval(
            format!("{} is not callable", other.kind()),
            fspan,
        )),
    }
}

/// `value.name` (a method is returned bound, to be called).
pub fn attribute(v: Value, name: &str, name_span: Span) -> Result<Value, Diagnostic> {
    match v {
        Value::Module => crate::eval::module_member(name).ok_or_else(|| {
            let what = if NOT_YET.contains(&name) {
                format!("numpy.{name} is not supported yet by numcrane")
            } else {
                let mut known: Vec<&str> = FUNCTIONS.to_vec();
                known.extend(crate::eval::CONSTANTS);
                format!(
                    "numcrane has no numpy.{name}{}",
                    suggestion(&close_matches(name, known))
                )
            };
            Diagnostic::eval(what, name_span)
        }),
        Value::Array(a) => array_attribute(a, name, name_span),
        Value::DType(d) if name == "itemsize" => Ok(Value::Int(d.itemsize() as i64)),
        other => Err(Diagnostic::eval(
            format!("{} has no attribute '{name}'", other.kind()),
            name_span,
        )),
    }
}

fn array_attribute(a: Array, name: &str, span: Span) -> Result<Value, Diagnostic> {
    let int = |n: usize| Value::Int(i64::try_from(n).unwrap_or(i64::MAX));
    Ok(match name {
        "T" => Value::Array(a.T()),
        "mT" => Value::Array(a.swapaxes(-1, -2)),
        "shape" => Value::Seq(a.shape().iter().map(|&d| int(d)).collect()),
        "ndim" => int(a.ndim()),
        "size" => int(a.size()),
        "itemsize" => int(a.itemsize()),
        "nbytes" => int(a.nbytes()),
        "dtype" => Value::DType(a.dtype()),
        "real" => Value::Array(numcrane::real(&a)),
        "imag" => Value::Array(numcrane::imag(&a)),
        m if METHODS.contains(&m) => Value::Method(a, m.to_string()),
        other => {
            let hint = if is_function(other) {
                format!("; write {other}(x) instead")
            } else {
                let mut known = METHODS.to_vec();
                known.extend(ATTRIBUTES);
                suggestion(&close_matches(other, known))
            };
            return Err(Diagnostic::eval(
                format!("arrays have no attribute or method '{other}' here{hint}"),
                span,
            ));
        }
    })
}

/// Arguments bound to a function's parameter names.
pub struct Params {
    func: String,
    names: &'static [&'static str],
    slots: Vec<Option<Arg>>,
    span: Span,
}

impl Params {
    /// Binds positional and keyword arguments to `names`; the first `required` must be given.
    pub fn bind(
        func: &str,
        names: &'static [&'static str],
        required: usize,
        args: Vec<Arg>,
        kwargs: Vec<KwArg>,
        span: Span,
    ) -> Result<Params, Diagnostic> {
        if let Some(extra) = args.get(names.len()) {
            return Err(Diagnostic::eval(
                format!(
                    "{func}() takes at most {} positional arguments ({})",
                    names.len(),
                    names.join(", ")
                ),
                extra.span,
            ));
        }
        let mut slots: Vec<Option<Arg>> = vec![None; names.len()];
        for (slot, a) in slots.iter_mut().zip(args) {
            *slot = Some(a);
        }
        for k in kwargs {
            let Some(i) = names.iter().position(|n| *n == k.name) else {
                let m = close_matches(&k.name, names.iter().copied());
                return Err(Diagnostic::eval(
                    format!(
                        "{func}() has no argument '{}' (it takes {}){}",
                        k.name,
                        names.join(", "),
                        suggestion(&m)
                    ),
                    k.name_span,
                ));
            };
            if slots[i].is_some() {
                return Err(Diagnostic::eval(
                    format!("{func}() got multiple values for argument '{}'", k.name),
                    k.name_span,
                ));
            }
            slots[i] = Some(k.arg);
        }
        if let Some(missing) = (0..required).find(|&i| slots[i].is_none()) {
            return Err(Diagnostic::eval(
                format!("{func}() missing required argument '{}'", names[missing]),
                span,
            ));
        }
        let p = Params {
            func: func.to_string(),
            names,
            slots,
            span,
        };
        if let Some(out) = p.given("out") {
            return Err(Diagnostic::eval(
                "out= is not supported: numcrane arrays are immutable",
                out.span,
            ));
        }
        Ok(p)
    }

    /// The argument `i`, unless missing or None.
    fn get(&self, i: usize) -> Option<&Arg> {
        self.slots
            .get(i)
            .and_then(Option::as_ref)
            .filter(|a| !matches!(a.value, Value::None))
    }

    /// The argument named `name`, unless missing or None.
    fn given(&self, name: &str) -> Option<&Arg> {
        let i = self.names.iter().position(|n| *n == name)?;
        self.get(i)
    }

    fn wrong(&self, i: usize, wanted: &str) -> Diagnostic {
        let (span, kind) = match self.slots.get(i).and_then(Option::as_ref) {
            Some(a) => (a.span, a.value.describe()),
            None => (self.span, "nothing".to_string()),
        };
        Diagnostic::eval(
            format!(
                "{}(): '{}' must be {wanted}, not {kind}",
                self.func,
                self.names.get(i).copied().unwrap_or("?")
            ),
            span,
        )
    }

    /// Argument `i` as an array (numbers and lists become arrays).
    pub fn array(&self, i: usize) -> Result<Array, Diagnostic> {
        let a = self.get(i).ok_or_else(|| self.wrong(i, "an array"))?;
        to_array(&a.value, a.span)
    }

    /// Argument `i` as an element-wise operand (numbers stay weak scalars).
    pub fn operand(&self, i: usize) -> Result<impl IntoOperand + Clone, Diagnostic> {
        let a = self
            .get(i)
            .ok_or_else(|| self.wrong(i, "an array or a number"))?;
        operand(&a.value, a.span)
    }

    /// Argument `i` as an integer, or `default`.
    pub fn int_or(&self, i: usize, default: i64) -> Result<i64, Diagnostic> {
        match self.get(i).map(|a| &a.value) {
            None => Ok(default),
            Some(Value::Int(v)) => Ok(*v),
            Some(Value::Bool(b)) => Ok(i64::from(*b)),
            Some(_) => Err(self.wrong(i, "an integer")),
        }
    }

    /// Argument `i` as an isize, or `default`.
    pub fn isize_or(&self, i: usize, default: isize) -> Result<isize, Diagnostic> {
        let v = self.int_or(i, default as i64)?;
        isize::try_from(v).map_err(|_| self.wrong(i, "a smaller integer"))
    }

    /// Argument `i` as a count (non-negative), or `default`.
    pub fn count_or(&self, i: usize, default: usize) -> Result<usize, Diagnostic> {
        let v = self.int_or(i, default as i64)?;
        usize::try_from(v).map_err(|_| self.wrong(i, "a non-negative integer"))
    }

    /// Argument `i` as a number.
    pub fn float(&self, i: usize) -> Result<f64, Diagnostic> {
        self.float_or(i, None)
    }

    /// Argument `i` as a number, or `default` when given.
    pub fn float_or(&self, i: usize, default: Option<f64>) -> Result<f64, Diagnostic> {
        match (self.get(i).map(|a| &a.value), default) {
            (Some(Value::Int(v)), _) => Ok(*v as f64),
            (Some(Value::Float(v)), _) => Ok(*v),
            (Some(Value::Bool(b)), _) => Ok(f64::from(u8::from(*b))),
            (None, Some(d)) => Ok(d),
            _ => Err(self.wrong(i, "a number")),
        }
    }

    /// Argument `i` as a bool, or `default`.
    pub fn bool_or(&self, i: usize, default: bool) -> Result<bool, Diagnostic> {
        match self.get(i).map(|a| &a.value) {
            None => Ok(default),
            Some(Value::Bool(b)) => Ok(*b),
            Some(Value::Int(v)) => Ok(*v != 0),
            Some(_) => Err(self.wrong(i, "True or False")),
        }
    }

    /// Argument `i` as a dtype, if given.
    pub fn dtype(&self, i: usize) -> Result<Option<DType>, Diagnostic> {
        match self.get(i) {
            None => Ok(None),
            Some(a) => to_dtype(&a.value, a.span).map(Some),
        }
    }

    /// Axes `i` (None: all) with `keepdims` from argument `k` (if any).
    pub fn axes(&self, i: usize, k: Option<usize>) -> Result<Axes, Diagnostic> {
        let axes = match self.get(i).map(|a| &a.value) {
            None => Axes::all(),
            Some(Value::Int(a)) => Axes::from(self.isize_or(i, *a as isize)?),
            Some(Value::Seq(items)) => {
                let list = items
                    .iter()
                    .map(|v| match v {
                        Value::Int(a) => isize::try_from(*a).ok(),
                        _ => None,
                    })
                    .collect::<Option<Vec<isize>>>()
                    .ok_or_else(|| self.wrong(i, "an integer or a tuple of integers"))?;
                Axes::from(list)
            }
            Some(_) => return Err(self.wrong(i, "an integer, a tuple of integers or None")),
        };
        let keep = match k {
            Some(k) => self.bool_or(k, false)?,
            None => false,
        };
        Ok(if keep { axes.keepdims() } else { axes })
    }

    /// Argument `i` as a shape (an integer or a tuple of them, -1 allowed when `signed`).
    pub fn dims(&self, i: usize, signed: bool) -> Result<Vec<isize>, Diagnostic> {
        let a = self.get(i).ok_or_else(|| self.wrong(i, "a shape"))?;
        to_dims(&a.value, a.span, signed)
    }

    /// Argument `i` as a shape of non-negative dimensions.
    pub fn shape(&self, i: usize) -> Result<Vec<usize>, Diagnostic> {
        Ok(self
            .dims(i, false)?
            .into_iter()
            .map(|d| d as usize)
            .collect())
    }

    /// True when argument `i` was given as an explicit `None`.
    pub fn is_none(&self, i: usize) -> bool {
        matches!(
            self.slots.get(i).and_then(Option::as_ref).map(|a| &a.value),
            Some(Value::None)
        )
    }

    /// Argument `i` as quantiles: one number or a list of numbers.
    pub fn quantiles(&self, i: usize) -> Result<nc::Quantiles, Diagnostic> {
        let number = |v: &Value| match v {
            Value::Int(q) => Some(*q as f64),
            Value::Float(q) => Some(*q),
            _ => None,
        };
        match self.get(i).map(|a| &a.value) {
            Some(Value::Seq(items)) => items
                .iter()
                .map(number)
                .collect::<Option<Vec<f64>>>()
                .map(nc::Quantiles::from)
                .ok_or_else(|| self.wrong(i, "a number or a list of numbers")),
            Some(v) => number(v)
                .map(nc::Quantiles::from)
                .ok_or_else(|| self.wrong(i, "a number or a list of numbers")),
            None => Err(self.wrong(i, "a number or a list of numbers")),
        }
    }

    /// True when argument `i` was given (and is not None).
    pub fn has(&self, i: usize) -> bool {
        self.get(i).is_some()
    }

    /// Argument `i`'s value, if given.
    pub fn value(&self, i: usize) -> Option<&Value> {
        self.get(i).map(|a| &a.value)
    }
}

/// The tuple of index arrays `nonzero` gives, as a value.
fn index_tuple(arrays: Vec<Array>) -> Value {
    Value::Seq(arrays.into_iter().map(Value::Array).collect())
}

/// A shape from an integer or a sequence of integers.
fn to_dims(v: &Value, span: Span, signed: bool) -> Result<Vec<isize>, Diagnostic> {
    let one = |v: &Value| match v {
        Value::Int(d) if signed || *d >= 0 => isize::try_from(*d).ok(),
        _ => None,
    };
    let dims = match v {
        Value::Seq(items) => items.iter().map(one).collect::<Option<Vec<_>>>(),
        v => one(v).map(|d| vec![d]),
    };
    dims.ok_or_else(|| {
        Diagnostic::eval(
            format!(
                "a shape must be {} integer or a tuple of them, not {}",
                if signed { "an" } else { "a non-negative" },
                v.describe()
            ),
            span,
        )
    })
}

/// A dtype from a dtype value or a string naming one.
pub fn to_dtype(v: &Value, span: Span) -> Result<DType, Diagnostic> {
    match v {
        Value::DType(d) => Ok(*d),
        Value::Str(s) => dtype_from_name(s).ok_or_else(|| {
            let what = if matches!(s.as_str(), "float16" | "f2" | "half" | "e") {
                "float16 is not supported by numcrane".to_string()
            } else if s.starts_with("complex") || s.starts_with('c') {
                "complex dtypes are not supported by numcrane".to_string()
            } else {
                format!("'{s}' is not a dtype")
            };
            Diagnostic::eval(what, span)
        }),
        other => Err(Diagnostic::eval(
            format!("expected a dtype, found {}", other.kind()),
            span,
        )),
    }
}

/// An array from a value: arrays as they are, numbers as 0-d arrays of NumPy's default
/// dtype, (nested) lists of numbers as new arrays.
pub fn to_array(v: &Value, span: Span) -> Result<Array, Diagnostic> {
    match v {
        Value::Array(a) => Ok(a.clone()),
        Value::Int(i) => Ok(Array::scalar(*i)),
        Value::Float(f) => Ok(Array::scalar(*f)),
        Value::Bool(b) => Ok(Array::scalar(*b)),
        Value::Seq(_) => {
            let mut shape = Vec::new();
            let mut leaves = Vec::new();
            flatten(v, 0, &mut shape, &mut leaves, span)?;
            let a = if leaves.iter().any(|l| matches!(l, Value::Float(_))) {
                let data = leaves.iter().map(|l| match l {
                    Value::Int(i) => *i as f64,
                    Value::Float(f) => *f,
                    Value::Bool(b) => f64::from(u8::from(*b)),
                    _ => 0.0,
                });
                Array::from_vec(data.collect(), shape)
            } else if leaves.iter().any(|l| matches!(l, Value::Int(_))) {
                let data = leaves.iter().map(|l| match l {
                    Value::Int(i) => *i,
                    Value::Bool(b) => i64::from(*b),
                    _ => 0,
                });
                Array::from_vec(data.collect(), shape)
            } else if leaves.is_empty() {
                Array::from_vec(Vec::<f64>::new(), shape)
            } else {
                let data = leaves.iter().map(|l| matches!(l, Value::Bool(true)));
                Array::from_vec(data.collect(), shape)
            };
            Ok(a)
        }
        other => Err(Diagnostic::eval(
            format!("expected an array, found {}", other.kind()),
            span,
        )),
    }
}

/// Collects the numbers of a nested list, checking that it is rectangular.
fn flatten(
    v: &Value,
    depth: usize,
    shape: &mut Vec<usize>,
    leaves: &mut Vec<Value>,
    span: Span,
) -> Result<(), Diagnostic> {
    let ragged = || Diagnostic::eval("nested lists must be rectangular (same lengths)", span);
    match v {
        Value::Seq(items) => {
            match shape.get(depth) {
                Some(&n) if n != items.len() => return Err(ragged()),
                Some(_) => {}
                None if depth == shape.len() && leaves.is_empty() => shape.push(items.len()),
                None => return Err(ragged()),
            }
            for item in items {
                flatten(item, depth + 1, shape, leaves, span)?;
            }
            Ok(())
        }
        Value::Int(_) | Value::Float(_) | Value::Bool(_) if depth == shape.len() => {
            leaves.push(v.clone());
            Ok(())
        }
        Value::Int(_) | Value::Float(_) | Value::Bool(_) => Err(ragged()),
        other => Err(Diagnostic::eval(
            format!(
                "a list literal may hold numbers only here, not {}",
                other.kind()
            ),
            span,
        )),
    }
}

/// The two-argument ufuncs `apply_binary` knows.
const BINARY: &[&str] = &[
    "add",
    "subtract",
    "multiply",
    "divide",
    "true_divide",
    "floor_divide",
    "remainder",
    "mod",
    "fmod",
    "power",
    "pow",
    "maximum",
    "minimum",
    "fmax",
    "fmin",
    "arctan2",
    "atan2",
    "hypot",
    "logaddexp",
    "heaviside",
    "bitwise_and",
    "bitwise_or",
    "bitwise_xor",
    "left_shift",
    "right_shift",
    "bitwise_left_shift",
    "bitwise_right_shift",
    "logical_and",
    "logical_or",
    "logical_xor",
    "equal",
    "not_equal",
    "less",
    "less_equal",
    "greater",
    "greater_equal",
];

/// A binary ufunc by name; None when `name` is not one.
pub fn apply_binary(name: &str, a: impl IntoOperand, b: impl IntoOperand) -> Option<Array> {
    Some(match name {
        "add" => nc::add(a, b),
        "subtract" => nc::subtract(a, b),
        "multiply" => nc::multiply(a, b),
        "divide" | "true_divide" => nc::divide(a, b),
        "floor_divide" => nc::floor_divide(a, b),
        "remainder" | "mod" => nc::remainder(a, b),
        "fmod" => nc::fmod(a, b),
        "power" | "pow" => nc::power(a, b),
        "maximum" => nc::maximum(a, b),
        "minimum" => nc::minimum(a, b),
        "fmax" => nc::fmax(a, b),
        "fmin" => nc::fmin(a, b),
        "arctan2" | "atan2" => nc::arctan2(a, b),
        "hypot" => nc::hypot(a, b),
        "logaddexp" => nc::logaddexp(a, b),
        "heaviside" => nc::heaviside(a, b),
        "bitwise_and" => nc::bitwise_and(a, b),
        "bitwise_or" => nc::bitwise_or(a, b),
        "bitwise_xor" => nc::bitwise_xor(a, b),
        "left_shift" | "bitwise_left_shift" => nc::left_shift(a, b),
        "right_shift" | "bitwise_right_shift" => nc::right_shift(a, b),
        "logical_and" => nc::logical_and(a, b),
        "logical_or" => nc::logical_or(a, b),
        "logical_xor" => nc::logical_xor(a, b),
        "equal" => nc::equal(a, b),
        "not_equal" => nc::not_equal(a, b),
        "less" => nc::less(a, b),
        "less_equal" => nc::less_equal(a, b),
        "greater" => nc::greater(a, b),
        "greater_equal" => nc::greater_equal(a, b),
        _ => return None,
    })
}

/// A one-argument ufunc by name.
fn unary_fn(name: &str) -> Option<fn(&Array) -> Array> {
    Some(match name {
        "negative" => nc::negative,
        "abs" | "absolute" | "fabs" => nc::abs,
        "sign" => nc::sign,
        "square" => nc::square,
        "reciprocal" => nc::reciprocal,
        "logical_not" => nc::logical_not,
        "invert" | "bitwise_not" | "bitwise_invert" => nc::invert,
        "sqrt" => nc::sqrt,
        "cbrt" => nc::cbrt,
        "exp" => nc::exp,
        "exp2" => nc::exp2,
        "expm1" => nc::expm1,
        "log" => nc::log,
        "log2" => nc::log2,
        "log10" => nc::log10,
        "log1p" => nc::log1p,
        "sin" => nc::sin,
        "cos" => nc::cos,
        "tan" => nc::tan,
        "arcsin" | "asin" => nc::arcsin,
        "arccos" | "acos" => nc::arccos,
        "arctan" | "atan" => nc::arctan,
        "sinh" => nc::sinh,
        "cosh" => nc::cosh,
        "tanh" => nc::tanh,
        "arcsinh" | "asinh" => nc::arcsinh,
        "arccosh" | "acosh" => nc::arccosh,
        "arctanh" | "atanh" => nc::arctanh,
        "floor" => nc::floor,
        "ceil" => nc::ceil,
        "trunc" | "fix" => nc::trunc,
        "rint" => nc::rint,
        "deg2rad" | "radians" => nc::deg2rad,
        "rad2deg" | "degrees" => nc::rad2deg,
        "isnan" => nc::isnan,
        "isinf" => nc::isinf,
        "isfinite" => nc::isfinite,
        "real" => nc::real,
        "imag" => nc::imag,
        "conj" | "conjugate" => nc::conj,
        "angle" => nc::angle,
        "nan_to_num" => nc::nan_to_num,
        _ => return None,
    })
}

/// The error for calling a name that is no function here.
pub fn unknown_function(name: &str, span: Span) -> Diagnostic {
    if NOT_YET.contains(&name) {
        return Diagnostic::eval(format!("{name}() is not supported yet by numcrane"), span);
    }
    Diagnostic::eval(
        format!(
            "unknown function '{name}'{}",
            suggestion(&close_matches(name, FUNCTIONS.iter().copied()))
        ),
        span,
    )
}

/// Calls the function `name`.
pub fn call(
    name: &str,
    args: Vec<Arg>,
    kwargs: Vec<KwArg>,
    span: Span,
) -> Result<Value, Diagnostic> {
    let bind = |names: &'static [&'static str], required: usize| {
        Params::bind(name, names, required, args.clone(), kwargs.clone(), span)
    };
    let arr = |a: Array| Ok(Value::Array(a));
    if let Some(f) = unary_fn(name) {
        let p = bind(&["x"], 1)?;
        return arr(f(&p.array(0)?));
    }
    if name == "positive" {
        return arr(bind(&["x"], 1)?.array(0)?);
    }
    if BINARY.contains(&name) {
        let p = bind(&["x1", "x2"], 2)?;
        let r = apply_binary(name, p.operand(0)?, p.operand(1)?);
        return r
            .map(Value::Array)
            .ok_or_else(|| Diagnostic::eval(format!("unknown function '{name}'"), span));
    }
    match name {
        "sort" | "argsort" => {
            let p = bind(&["a", "axis", "kind", "order", "stable"], 1)?;
            // axis=None flattens; no axis means the last one.
            let axis = if p.is_none(1) {
                None
            } else {
                Some(p.isize_or(1, -1)?)
            };
            let a = p.array(0)?;
            return arr(if name == "sort" {
                nc::sort(&a, axis)
            } else {
                nc::argsort(&a, axis)
            });
        }
        "median" | "nanmedian" => {
            let p = bind(&["a", "axis", "out", "overwrite_input", "keepdims"], 1)?;
            let (a, axes) = (p.array(0)?, p.axes(1, Some(4))?);
            return arr(if name == "median" {
                nc::median(&a, axes)
            } else {
                nc::nanmedian(&a, axes)
            });
        }
        "percentile" | "quantile" | "nanpercentile" | "nanquantile" => {
            let p = bind(
                &[
                    "a",
                    "q",
                    "axis",
                    "out",
                    "overwrite_input",
                    "method",
                    "keepdims",
                ],
                2,
            )?;
            let (a, q, axes) = (p.array(0)?, p.quantiles(1)?, p.axes(2, Some(6))?);
            let method = match p.value(5) {
                None => "linear".to_string(),
                Some(Value::Str(m)) => m.clone(),
                Some(_) => return Err(p.wrong(5, "a method name")),
            };
            return arr(match name {
                "percentile" => nc::percentile_with(&a, q, axes, method),
                "quantile" => nc::quantile_with(&a, q, axes, method),
                "nanpercentile" => nc::nanpercentile_with(&a, q, axes, method),
                _ => nc::nanquantile_with(&a, q, axes, method),
            });
        }
        "nansum" | "nanprod" | "nanmean" | "nanmax" | "nanmin" => {
            let p = bind(&["a", "axis", "out", "keepdims"], 1)?;
            let (a, axes) = (p.array(0)?, p.axes(1, Some(3))?);
            return arr(match name {
                "nansum" => nc::nansum(&a, axes),
                "nanprod" => nc::nanprod(&a, axes),
                "nanmean" => nc::nanmean(&a, axes),
                "nanmax" => nc::nanmax(&a, axes),
                _ => nc::nanmin(&a, axes),
            });
        }
        "nanvar" | "nanstd" => {
            let p = bind(&["a", "axis", "dtype", "out", "ddof", "keepdims"], 1)?;
            let (a, axes) = (p.array(0)?, p.axes(1, Some(5))?);
            let ddof = p.float_or(4, Some(0.0))?;
            return arr(if name == "nanvar" {
                nc::nanvar(&a, axes, ddof)
            } else {
                nc::nanstd(&a, axes, ddof)
            });
        }
        "unique" => {
            let p = bind(
                &["ar", "return_index", "return_inverse", "return_counts"],
                1,
            )?;
            for i in 1..4 {
                if p.bool_or(i, false)? {
                    return Err(p.wrong(
                        i,
                        "False here (the numcrane command prints one array; \
                         the Rust API has unique_with)",
                    ));
                }
            }
            return arr(nc::unique(&p.array(0)?));
        }
        "roll" => {
            let p = bind(&["a", "shift", "axis"], 2)?;
            let axis = if p.has(2) {
                Some(p.isize_or(2, 0)?)
            } else {
                None
            };
            return arr(nc::roll(&p.array(0)?, p.isize_or(1, 0)?, axis));
        }
        "matmul" | "dot" | "vdot" | "inner" | "outer" | "kron" => {
            let p = bind(&["a", "b"], 2)?;
            let (a, b) = (p.array(0)?, p.array(1)?);
            return arr(match name {
                "matmul" => nc::matmul(&a, &b),
                "dot" => nc::dot(&a, &b),
                "vdot" => nc::vdot(&a, &b),
                "inner" => nc::inner(&a, &b),
                "outer" => nc::outer(&a, &b),
                _ => nc::kron(&a, &b),
            });
        }
        "einsum" => {
            // np.einsum(subscripts, *operands, dtype=None, optimize=False): the subscripts
            // string, then the operands. `optimize` picks NumPy's contraction order; numcrane
            // contracts pairwise in its own order whatever it says (the same values up to
            // rounding), so any of NumPy's values is accepted. `dtype` computes in that dtype
            // (NumPy's default casting='safe': the operands must cast to it safely).
            let mut dtype: Option<(DType, Span)> = None;
            for kw in &kwargs {
                match kw.name.as_str() {
                    "optimize" => match &kw.arg.value {
                        Value::Bool(_) => {}
                        Value::Str(s) if matches!(s.as_str(), "greedy" | "optimal") => {}
                        other => {
                            return Err(Diagnostic::eval(
                                format!(
                                    "einsum: optimize must be True, False, 'greedy' or \
                                     'optimal', not {}",
                                    other.kind()
                                ),
                                kw.arg.span,
                            ))
                        }
                    },
                    "dtype" => dtype = Some((to_dtype(&kw.arg.value, kw.arg.span)?, kw.arg.span)),
                    _ => {
                        return Err(Diagnostic::eval(
                            format!("einsum: keyword argument '{}' is not supported", kw.name),
                            kw.name_span,
                        ))
                    }
                }
            }
            let mut rest = args.iter();
            let subscripts = match rest.next() {
                Some(Arg {
                    value: Value::Str(s),
                    ..
                }) => s.clone(),
                Some(other) => {
                    return Err(Diagnostic::eval(
                        format!(
                            "einsum: the first argument must be the subscripts string, not {}",
                            other.value.kind()
                        ),
                        other.span,
                    ))
                }
                None => {
                    return Err(Diagnostic::eval(
                        "einsum() needs a subscripts string and at least one operand",
                        span,
                    ))
                }
            };
            let operands: Vec<Array> = rest
                .map(|a| to_array(&a.value, a.span))
                .collect::<Result<_, _>>()?;
            let operands = match dtype {
                None => operands,
                Some((d, dspan)) => {
                    // NumPy's 'safe' rule: the operand's dtype promotes to the target.
                    if let Some(bad) = operands.iter().find(|a| a.dtype().promote(d) != d) {
                        return Err(Diagnostic::eval(
                            format!(
                                "einsum: cannot cast array data from {} to {d} according to \
                                 the rule 'safe'",
                                bad.dtype()
                            ),
                            dspan,
                        ));
                    }
                    operands.iter().map(|a| a.astype(d)).collect()
                }
            };
            let refs: Vec<&Array> = operands.iter().collect();
            return arr(nc::einsum(&subscripts, &refs));
        }
        "tensordot" => {
            let p = bind(&["a", "b", "axes"], 2)?;
            let n = p.int_or(2, 2)?;
            let n = usize::try_from(n).map_err(|_| {
                Diagnostic::eval(format!("tensordot: axes must be >= 0, got {n}"), span)
            })?;
            return arr(nc::tensordot(&p.array(0)?, &p.array(1)?, n));
        }
        "trace" => {
            let p = bind(&["a", "offset", "axis1", "axis2"], 1)?;
            let (o, a1, a2) = (p.isize_or(1, 0)?, p.isize_or(2, 0)?, p.isize_or(3, 1)?);
            return arr(p.array(0)?.trace_with(o, a1, a2));
        }
        _ => {}
    }
    match name {
        "sum" | "prod" | "max" | "amax" | "min" | "amin" | "any" | "all" | "mean" | "argmax"
        | "argmin" | "cumsum" | "cumprod" | "var" | "std" | "round" | "around" | "clip"
        | "copy" | "astype" | "reshape" | "transpose" | "permute_dims" | "ravel" | "squeeze"
        | "swapaxes" | "diagonal" => {
            let mut all = Vec::new();
            let mut rest = args.into_iter();
            let Some(first) = rest.next() else {
                return Err(Diagnostic::eval(
                    format!("{name}() missing its array argument"),
                    span,
                ));
            };
            let recv = to_array(&first.value, first.span)?;
            all.push(first);
            let mname = match name {
                "amax" => "max",
                "amin" => "min",
                "around" => "round",
                "permute_dims" => "transpose",
                other => other,
            };
            method_impl(&recv, mname, true, &mut all, rest.collect(), kwargs, span)
        }
        "where" => {
            let p = bind(&["condition", "x", "y"], 1)?;
            match (p.has(1), p.has(2)) {
                // NumPy: where(condition) is nonzero(condition), a tuple of index arrays.
                (false, false) => Ok(index_tuple(nc::nonzero(&p.array(0)?))),
                (true, true) => arr(numcrane::where_(
                    p.operand(0)?,
                    p.operand(1)?,
                    p.operand(2)?,
                )),
                _ => Err(Diagnostic::eval(
                    "where(): give either condition alone or condition, x and y",
                    span,
                )),
            }
        }
        "nonzero" => Ok(index_tuple(nc::nonzero(&bind(&["a"], 1)?.array(0)?))),
        "flatnonzero" => arr(nc::flatnonzero(&bind(&["a"], 1)?.array(0)?)),
        "argwhere" => arr(nc::argwhere(&bind(&["a"], 1)?.array(0)?)),
        "take" => {
            let p = bind(&["a", "indices", "axis", "out", "mode"], 2)?;
            let axis = if p.has(2) {
                Some(p.isize_or(2, 0)?)
            } else {
                None
            };
            let mode = match p.value(4) {
                None => nc::TakeMode::Raise,
                Some(Value::Str(m)) if m == "raise" => nc::TakeMode::Raise,
                Some(Value::Str(m)) if m == "wrap" => nc::TakeMode::Wrap,
                Some(Value::Str(m)) if m == "clip" => nc::TakeMode::Clip,
                Some(_) => return Err(p.wrong(4, "'raise', 'wrap' or 'clip'")),
            };
            if p.has(3) {
                return Err(p.wrong(3, "None (numcrane has no out=)"));
            }
            arr(nc::take(&p.array(0)?, &p.array(1)?, axis, mode))
        }
        "expand_dims" => {
            let p = bind(&["a", "axis"], 2)?;
            let mut a = p.array(0)?;
            let mut axes = p.dims(1, true)?;
            axes.sort_unstable();
            for ax in axes {
                a = a.expand_dims(ax);
            }
            arr(a)
        }
        "moveaxis" => {
            let p = bind(&["a", "source", "destination"], 3)?;
            arr(p.array(0)?.moveaxis(p.isize_or(1, 0)?, p.isize_or(2, 0)?))
        }
        "broadcast_to" => {
            let p = bind(&["array", "shape"], 2)?;
            arr(p.array(0)?.broadcast_to(&p.shape(1)?))
        }
        "flip" => {
            let p = bind(&["m", "axis"], 1)?;
            let a = p.array(0)?;
            match p.value(1) {
                None => arr(a.flip_all()),
                Some(_) => {
                    let mut out = a;
                    for ax in p.dims(1, true)? {
                        out = out.flip(ax);
                    }
                    arr(out)
                }
            }
        }
        "array" | "asarray" => {
            let p = bind(&["object", "dtype"], 1)?;
            let a = p.array(0)?;
            let a = if name == "array" && p.value(0).is_some_and(|v| matches!(v, Value::Array(_))) {
                a.copy()
            } else {
                a
            };
            arr(match p.dtype(1)? {
                Some(dt) => a.astype(dt),
                None => a,
            })
        }
        "zeros" | "ones" | "empty" => {
            let p = bind(&["shape", "dtype"], 1)?;
            let shape = p.shape(0)?;
            let dt = p.dtype(1)?.unwrap_or(DType::F64);
            arr(match name {
                "zeros" => numcrane::zeros(shape, dt),
                "ones" => numcrane::ones(shape, dt),
                _ => numcrane::empty(shape, dt),
            })
        }
        "full" => {
            let p = bind(&["shape", "fill_value", "dtype"], 2)?;
            let shape = p.shape(0)?;
            let a = match p.value(1) {
                Some(Value::Int(v)) => numcrane::full(shape, *v),
                Some(Value::Bool(v)) => numcrane::full(shape, *v),
                _ => numcrane::full(shape, p.float(1)?),
            };
            arr(match p.dtype(2)? {
                Some(dt) => a.astype(dt),
                None => a,
            })
        }
        "zeros_like" | "ones_like" | "empty_like" | "full_like" => {
            let full = name == "full_like";
            let names: &'static [&'static str] = if full {
                &["a", "fill_value", "dtype"]
            } else {
                &["a", "dtype"]
            };
            let p = bind(names, if full { 2 } else { 1 })?;
            let mut a = p.array(0)?;
            if let Some(dt) = p.dtype(if full { 2 } else { 1 })? {
                a = numcrane::zeros_like(&a).astype(dt);
            }
            arr(match name {
                "zeros_like" | "empty_like" => numcrane::zeros_like(&a),
                "ones_like" => numcrane::ones_like(&a),
                _ => match p.value(1) {
                    Some(Value::Int(v)) => numcrane::full_like(&a, *v),
                    Some(Value::Bool(v)) => numcrane::full_like(&a, *v),
                    _ => numcrane::full_like(&a, p.float(1)?),
                },
            })
        }
        "arange" => {
            let p = bind(&["start", "stop", "step", "dtype"], 1)?;
            let (start, stop) = if p.has(1) { (0, 1) } else { (usize::MAX, 0) };
            let is_float = (0..3).any(|i| matches!(p.value(i), Some(Value::Float(_))));
            let a = if is_float {
                let lo = if start == 0 { p.float(0)? } else { 0.0 };
                numcrane::arange(lo, p.float(stop)?, p.float_or(2, Some(1.0))?)
            } else {
                let lo = if start == 0 { p.int_or(0, 0)? } else { 0 };
                let hi = match p.value(stop) {
                    Some(Value::Int(v)) => *v,
                    Some(Value::Bool(b)) => i64::from(*b),
                    _ => return Err(p.wrong(stop, "a number")),
                };
                numcrane::arange(lo, hi, p.int_or(2, 1)?)
            };
            arr(match p.dtype(3)? {
                Some(dt) => a.astype(dt),
                None => a,
            })
        }
        "linspace" | "logspace" | "geomspace" => {
            let names: &'static [&'static str] = if name == "logspace" {
                &["start", "stop", "num", "endpoint", "base", "dtype"]
            } else {
                &["start", "stop", "num", "endpoint", "retstep", "dtype"]
            };
            let p = bind(names, 2)?;
            let (start, stop) = (p.float(0)?, p.float(1)?);
            let num = p.count_or(2, 50)?;
            let endpoint = p.bool_or(3, true)?;
            let a = match name {
                "linspace" => {
                    if p.bool_or(4, false)? {
                        return Err(Diagnostic::eval(
                            "retstep=True is not supported (the result is one array)",
                            span,
                        ));
                    }
                    numcrane::linspace_with(start, stop, num, endpoint).0
                }
                "logspace" => {
                    let base = p.float_or(4, Some(10.0))?;
                    numcrane::logspace_with(start, stop, num, endpoint, base)
                }
                _ => numcrane::geomspace_with(start, stop, num, endpoint),
            };
            arr(match p.dtype(5)? {
                Some(dt) => a.astype(dt),
                None => a,
            })
        }
        "eye" | "tri" => {
            let p = bind(&["N", "M", "k", "dtype"], 1)?;
            let n = p.count_or(0, 0)?;
            let m = p.count_or(1, n)?;
            let k = p.isize_or(2, 0)?;
            let dt = p.dtype(3)?.unwrap_or(DType::F64);
            arr(if name == "eye" {
                numcrane::eye_k(n, m, k, dt)
            } else {
                numcrane::tri(n, m, k, dt)
            })
        }
        "identity" => {
            let p = bind(&["n", "dtype"], 1)?;
            arr(numcrane::identity(
                p.count_or(0, 0)?,
                p.dtype(1)?.unwrap_or(DType::F64),
            ))
        }
        "tril" | "triu" | "diag" => {
            let p = bind(&["m", "k"], 1)?;
            let (m, k) = (p.array(0)?, p.isize_or(1, 0)?);
            arr(match name {
                "tril" => numcrane::tril(&m, k),
                "triu" => numcrane::triu(&m, k),
                _ => numcrane::diag(&m, k),
            })
        }
        _ => Err(unknown_function(name, span)),
    }
}

/// Calls the method `name` of `recv`; `all` holds the receiver as argument 0.
fn method(
    recv: &Array,
    name: &str,
    all: &mut Vec<Arg>,
    args: Vec<Arg>,
    kwargs: Vec<KwArg>,
    span: Span,
) -> Result<Value, Diagnostic> {
    method_impl(recv, name, false, all, args, kwargs, span)
}

/// A method, or the function of the same name with the array first (`function`: called as
/// `np.reshape(a, shape)` rather than `a.reshape(*shape)`).
fn method_impl(
    recv: &Array,
    name: &str,
    function: bool,
    all: &mut Vec<Arg>,
    args: Vec<Arg>,
    kwargs: Vec<KwArg>,
    span: Span,
) -> Result<Value, Diagnostic> {
    // `x.reshape(3, -1)` and `x.transpose(1, 0)` take their tuple spread out.
    if !function && matches!(name, "reshape" | "transpose") && args.len() > 1 {
        let whole = args[0].span.to(args[args.len() - 1].span);
        let seq = Value::Seq(args.into_iter().map(|a| a.value).collect());
        all.push(Arg {
            value: seq,
            span: whole,
        });
    } else {
        all.extend(args);
    }
    let bind = |names: &'static [&'static str], required: usize| {
        Params::bind(name, names, required, all.clone(), kwargs.clone(), span)
    };
    let arr = |a: Array| Ok(Value::Array(a));
    let cast = |a: Array, dt: Option<DType>| match dt {
        Some(dt) => a.astype(dt),
        None => a,
    };
    match name {
        "dot" => {
            let p = bind(&["a", "b"], 2)?;
            arr(nc::dot(recv, &p.array(1)?))
        }
        "trace" => {
            let p = bind(&["a", "offset", "axis1", "axis2"], 1)?;
            let (o, a1, a2) = (p.isize_or(1, 0)?, p.isize_or(2, 0)?, p.isize_or(3, 1)?);
            arr(recv.trace_with(o, a1, a2))
        }
        "sum" | "prod" | "mean" => {
            let p = bind(&["a", "axis", "dtype", "out", "keepdims"], 1)?;
            let dt = p.dtype(2)?;
            let x = cast(recv.clone(), dt);
            let axes = p.axes(1, Some(4))?;
            arr(cast(
                match name {
                    "sum" => x.sum(axes),
                    "prod" => x.prod(axes),
                    _ => x.mean(axes),
                },
                dt,
            ))
        }
        "max" | "min" | "any" | "all" | "argmax" | "argmin" => {
            let p = bind(&["a", "axis", "out", "keepdims"], 1)?;
            let axes = p.axes(1, Some(3))?;
            arr(match name {
                "max" => recv.max(axes),
                "min" => recv.min(axes),
                "any" => recv.any(axes),
                "all" => recv.all(axes),
                "argmax" => recv.argmax(axes),
                _ => recv.argmin(axes),
            })
        }
        "var" | "std" => {
            let p = bind(&["a", "axis", "dtype", "out", "ddof", "keepdims"], 1)?;
            let dt = p.dtype(2)?;
            let x = cast(recv.clone(), dt);
            let axes = p.axes(1, Some(5))?;
            let ddof = p.float_or(4, Some(0.0))?;
            arr(cast(
                if name == "var" {
                    x.var_ddof(axes, ddof)
                } else {
                    x.std_ddof(axes, ddof)
                },
                dt,
            ))
        }
        "cumsum" | "cumprod" => {
            let p = bind(&["a", "axis", "dtype", "out"], 1)?;
            let dt = p.dtype(2)?;
            let x = cast(recv.clone(), dt);
            let axes = p.axes(1, None)?;
            let r = if name == "cumsum" {
                x.cumsum(axes)
            } else {
                x.cumprod(axes)
            };
            arr(cast(r, dt))
        }
        "reshape" => {
            let names: &'static [&'static str] = if function {
                &["a", "shape"]
            } else {
                &["a", "shape", "order"]
            };
            let p = bind(names, 2)?;
            if let Some(Value::Str(o)) = p.value(2) {
                if o != "C" {
                    return Err(Diagnostic::eval(
                        "only order='C' reshapes are supported",
                        span,
                    ));
                }
            }
            arr(recv.reshape(p.dims(1, true)?))
        }
        "transpose" => {
            let p = bind(&["a", "axes"], 1)?;
            match p.value(1) {
                None => arr(recv.transpose()),
                Some(_) => arr(recv.permute(&p.dims(1, true)?)),
            }
        }
        "flatten" | "ravel" => {
            bind(&["a"], 1)?;
            arr(if name == "flatten" {
                recv.flatten()
            } else {
                recv.ravel()
            })
        }
        "squeeze" => {
            let p = bind(&["a", "axis"], 1)?;
            match p.value(1) {
                None => arr(recv.squeeze()),
                Some(_) => {
                    let mut axes = p.dims(1, true)?;
                    let ndim = recv.ndim() as isize;
                    // Remove from the last axis down, so earlier positions stay valid.
                    axes.sort_unstable_by_key(|&a| {
                        std::cmp::Reverse(if a < 0 { a + ndim } else { a })
                    });
                    let mut out = recv.clone();
                    for ax in axes {
                        out = out.squeeze_axis(ax);
                    }
                    arr(out)
                }
            }
        }
        "swapaxes" => {
            let p = bind(&["a", "axis1", "axis2"], 3)?;
            arr(recv.swapaxes(p.isize_or(1, 0)?, p.isize_or(2, 0)?))
        }
        "diagonal" => {
            let p = bind(&["a", "offset", "axis1", "axis2"], 1)?;
            arr(recv.diagonal_axes(p.isize_or(1, 0)?, p.isize_or(2, 0)?, p.isize_or(3, 1)?))
        }
        "astype" => {
            let p = bind(&["a", "dtype"], 2)?;
            let dt = p.dtype(1)?.ok_or_else(|| p.wrong(1, "a dtype"))?;
            arr(recv.astype(dt))
        }
        "copy" => {
            bind(&["a"], 1)?;
            arr(recv.copy())
        }
        "conj" | "conjugate" => {
            bind(&["a"], 1)?;
            arr(numcrane::conj(recv))
        }
        "clip" => {
            let names: &'static [&'static str] = if function {
                &["a", "a_min", "a_max", "out", "min", "max"]
            } else {
                &["a", "min", "max", "out", "a_min", "a_max"]
            };
            let p = bind(names, 1)?;
            // Bounds by position (1, 2) or by the other pair of names (4, 5).
            let lo = if p.has(1) { 1 } else { 4 };
            let hi = if p.has(2) { 2 } else { 5 };
            match (p.has(lo), p.has(hi)) {
                (true, true) => arr(recv.clip(p.operand(lo)?, p.operand(hi)?)),
                (true, false) => arr(numcrane::maximum(recv, p.operand(lo)?)),
                (false, true) => arr(numcrane::minimum(recv, p.operand(hi)?)),
                (false, false) => Err(Diagnostic::eval(
                    "clip() needs a lower or an upper bound",
                    span,
                )),
            }
        }
        "round" => {
            let p = bind(&["a", "decimals"], 1)?;
            let d = p.int_or(1, 0)?;
            let d = i32::try_from(d).map_err(|_| p.wrong(1, "a small integer"))?;
            arr(recv.round(d))
        }
        other => Err(Diagnostic::eval(
            format!(
                "arrays have no method '{other}' here{}",
                suggestion(&close_matches(other, METHODS.iter().copied()))
            ),
            span,
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_function_is_known() {
        let span = Span::new(0, 1);
        for name in FUNCTIONS {
            let msg = match call(name, vec![], vec![], span) {
                Ok(_) => String::new(),
                Err(d) => d.message,
            };
            assert!(!msg.starts_with("unknown function"), "{name}: {msg}");
        }
    }

    #[test]
    fn every_listed_method_is_known() {
        let x = Array::scalar(1.0f64);
        for name in METHODS {
            let mut all = vec![Arg {
                value: Value::Array(x.clone()),
                span: Span::new(0, 1),
            }];
            let msg = match method(&x, name, &mut all, vec![], vec![], Span::new(0, 1)) {
                Ok(_) => String::new(),
                Err(d) => d.message,
            };
            assert!(!msg.contains("no method"), "{name}: {msg}");
        }
    }

    #[test]
    fn every_binary_name_applies() {
        let x = Array::scalar(1.0f64);
        for name in BINARY {
            assert!(apply_binary(name, &x, &x).is_some(), "{name}");
            assert!(FUNCTIONS.contains(name), "{name}");
        }
    }

    #[test]
    fn einsum_takes_optimize_and_dtype() {
        let span = Span::new(0, 1);
        let a = Array::from_vec(vec![1i32, 2, 3, 4], [2, 2]);
        let arg = |value: Value| Arg { value, span };
        let kw = |name: &str, value: Value| KwArg {
            name: name.to_string(),
            name_span: span,
            arg: arg(value),
        };
        let args = || {
            vec![
                arg(Value::Str("ij,jk->ik".into())),
                arg(Value::Array(a.clone())),
                arg(Value::Array(a.clone())),
            ]
        };
        let result = |kwargs: Vec<KwArg>| match call("einsum", args(), kwargs, span) {
            Ok(Value::Array(r)) => Ok(r),
            Ok(_) => panic!("einsum returned a non-array"),
            Err(d) => Err(d.message),
        };
        // [[1, 2], [3, 4]] @ itself = [[7, 10], [15, 22]].
        let plain = result(vec![kw("optimize", Value::Str("greedy".into()))]).unwrap();
        assert_eq!(plain.dtype(), DType::I32);
        assert_eq!(plain.to_vec::<i32>().unwrap(), vec![7, 10, 15, 22]);
        let wide = result(vec![
            kw("dtype", Value::Str("float64".into())),
            kw("optimize", Value::Bool(true)),
        ])
        .unwrap();
        assert_eq!(wide.dtype(), DType::F64);
        assert_eq!(wide.to_vec::<f64>().unwrap(), vec![7.0, 10.0, 15.0, 22.0]);
        let unsafe_cast = result(vec![kw("dtype", Value::Str("int8".into()))]).unwrap_err();
        assert!(unsafe_cast.contains("rule 'safe'"), "{unsafe_cast}");
        let bad = result(vec![kw("optimize", Value::Str("fast".into()))]).unwrap_err();
        assert!(bad.contains("optimize must be"), "{bad}");
        let unknown = result(vec![kw("casting", Value::Str("unsafe".into()))]).unwrap_err();
        assert!(unknown.contains("not supported"), "{unknown}");
    }

    #[test]
    fn dtype_names() {
        assert_eq!(dtype_from_name("float32"), Some(DType::F32));
        assert_eq!(dtype_from_name("f4"), Some(DType::F32));
        assert_eq!(dtype_from_name("double"), Some(DType::F64));
        assert_eq!(dtype_from_name("bool_"), Some(DType::Bool));
        assert_eq!(dtype_from_name("float16"), None);
    }
}
