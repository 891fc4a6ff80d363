//! Golden tests: numcrane against answers computed by NumPy.
//!
//! tests/numpy/gen_golden.py writes tests/golden/cases.json and the .npy arrays under
//! tests/golden/data/. Each case names a NumPy operation, its input files and arguments, and
//! either the expected output (dtype, shape and values within the case's rtol/atol) or
//! `error: true` when NumPy raises. This test maps every case to numcrane's API, evaluates it,
//! and compares. A case fails when the dtype, shape or a value differs, when numcrane returns
//! an error NumPy does not (or the reverse), when it panics, or when the harness does not know
//! the case's operation. All failures are collected and reported together at the end.
//!
//! `GOLDEN_FILTER=substring` runs only the cases whose name contains the substring;
//! `GOLDEN_VERBOSE=1` prints each case's outcome.

use numcrane::io::load_npy;
use numcrane::{keepdims, Array, Axes, DType, Element, Indexing, SliceArg};
use serde::Deserialize;
use serde_json::Value;
use std::cell::RefCell;
use std::path::{Path, PathBuf};

// Later families map their cases in their own files under tests/golden_parts/.
#[path = "golden_parts/mod.rs"]
mod parts;

/// One entry of cases.json.
#[derive(Debug, Deserialize)]
struct Case {
    name: String,
    kind: String,
    #[serde(rename = "fn")]
    func: String,
    inputs: Vec<String>,
    output: Option<String>,
    error: bool,
    #[serde(default)]
    args: serde_json::Map<String, Value>,
    rtol: f64,
    atol: f64,
}

/// A failure of the harness itself to express the case (bad arguments, unknown operation).
type Harness<T> = std::result::Result<T, String>;

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

#[test]
fn numpy_golden_cases() {
    let manifest = golden_dir().join("cases.json");
    let text = std::fs::read_to_string(&manifest)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", manifest.display()));
    let cases: Vec<Case> = serde_json::from_str(&text).expect("cases.json is valid");
    let filter = std::env::var("GOLDEN_FILTER").ok();
    let verbose = std::env::var_os("GOLDEN_VERBOSE").is_some();

    install_quiet_panic_hook();
    let mut failures = Vec::new();
    let mut ran = 0usize;
    for case in &cases {
        if filter
            .as_ref()
            .is_some_and(|f| !case.name.contains(f.as_str()))
        {
            continue;
        }
        ran += 1;
        // A panic in numcrane is a failure of that case, reported with the others.
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run_case(case)))
            .unwrap_or_else(|payload| Err(format!("PANIC: {}", panic_message(payload))));
        if verbose {
            eprintln!(
                "{} {}",
                if outcome.is_ok() { "ok  " } else { "FAIL" },
                case.name
            );
        }
        if let Err(message) = outcome {
            failures.push(format!("{}: {message}", case.name));
        }
    }
    let _ = std::panic::take_hook();
    assert!(ran > 0, "no golden case matched the filter {filter:?}");
    eprintln!(
        "golden: {} of {ran} cases passed, {} failed",
        ran - failures.len(),
        failures.len()
    );
    if !failures.is_empty() {
        panic!(
            "{} of {ran} golden cases failed:\n{}",
            failures.len(),
            failures.join("\n")
        );
    }
}

thread_local! {
    /// Where the last panic happened, recorded by the hook for the failure message.
    static PANIC_AT: RefCell<String> = const { RefCell::new(String::new()) };
}

/// Replaces the default hook (which prints every caught panic) with one that remembers where
/// the panic happened, so the collected failure list stays readable.
fn install_quiet_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        PANIC_AT.with(|p| *p.borrow_mut() = at);
    }));
}

fn panic_message(payload: Box<dyn std::any::Any + Send>) -> String {
    let text = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(non-string payload)".into());
    let at = PANIC_AT.with(|p| p.borrow().clone());
    format!("{text} (at {at})")
}

/// Runs one case; Err holds the reason it failed.
fn run_case(case: &Case) -> Harness<()> {
    let data = golden_dir().join("data");
    let inputs = case
        .inputs
        .iter()
        .map(|f| load_npy(data.join(f)).map_err(|e| format!("cannot load input {f}: {e}")))
        .collect::<Harness<Vec<Array>>>()?;
    let variants = build(case, &inputs)?;
    let expected = match (&case.output, case.error) {
        (Some(f), false) => {
            Some(load_npy(data.join(f)).map_err(|e| format!("cannot load output {f}: {e}"))?)
        }
        (None, true) => None,
        _ => return Err("harness: manifest needs an output xor error: true".into()),
    };
    for (label, array) in variants {
        let result = array.eval();
        let check = match (&expected, result) {
            (None, Err(_)) => Ok(()),
            (None, Ok(got)) => Err(format!(
                "expected an error ({}), got {} {:?}",
                case.args
                    .get("numpy_error")
                    .and_then(Value::as_str)
                    .unwrap_or("NumPy raises"),
                got.dtype(),
                got.shape()
            )),
            (Some(_), Err(e)) => Err(format!("unexpected error: {e}")),
            (Some(want), Ok(got)) => compare(&got, want, case.rtol, case.atol),
        };
        check.map_err(|m| format!("[{label}] {m}"))?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// building the numcrane expression of a case

/// The numcrane arrays that should equal the case's output: usually one, sometimes also an
/// operator or method spelling of the same function (each is checked).
type Variants = Vec<(&'static str, Array)>;

fn build(case: &Case, inputs: &[Array]) -> Harness<Variants> {
    let input = |i: usize| {
        inputs
            .get(i)
            .ok_or_else(|| format!("harness: case needs input {i}"))
    };
    match case.kind.as_str() {
        "promotion" | "binary" | "broadcast" => binary(&case.func, input(0)?, input(1)?),
        "scalar" => scalar(case, input(0)?),
        "unary" => unary(&case.func, input(0)?),
        "io" => match case.func.as_str() {
            // The loaded array itself: checks what the reader made of the file's encoding.
            "load" => Ok(vec![("load_npy", input(0)?.clone())]),
            f => Err(format!("harness: unknown io function {f}")),
        },
        "view" => {
            let ops = arg(case, "ops")?
                .as_array()
                .ok_or("harness: ops must be a list")?;
            let mut a = input(0)?.clone();
            for op in ops {
                a = view_step(&a, op)?;
            }
            Ok(vec![("view", a)])
        }
        "reduction" => reduction(case, input(0)?),
        "scan" => {
            let a = input(0)?;
            let axes = axes_of(arg(case, "axis")?)?;
            match case.func.as_str() {
                "cumsum" => Ok(vec![("cumsum", a.cumsum(axes))]),
                "cumprod" => Ok(vec![("cumprod", a.cumprod(axes))]),
                f => Err(format!("harness: unknown scan {f}")),
            }
        }
        "creation" => creation(case, inputs),
        "linalg" => linalg(case, inputs),
        "manip" => manip(case, inputs),
        "stats" => stats(case, inputs),
        "sorting" => sorting(case, inputs),
        "where" => Ok(vec![(
            "where_",
            numcrane::where_(input(0)?, input(1)?, input(2)?),
        )]),
        "clip" => {
            let a = input(0)?;
            let (lo, hi) = (arg(case, "lo")?, arg(case, "hi")?);
            let out = match str_arg(case, "scalar_kind")? {
                "int" => a.clip(int_of(lo)?, int_of(hi)?),
                "float" => a.clip(float_of(lo)?, float_of(hi)?),
                k => return Err(format!("harness: unknown scalar kind {k}")),
            };
            Ok(vec![("clip", out)])
        }
        "astype" => {
            let name = str_arg(case, "dtype")?;
            let dtype = DType::from_name(name).ok_or(format!("harness: unknown dtype {name}"))?;
            Ok(vec![("astype", input(0)?.astype(dtype))])
        }
        "workload" => match case.func.as_str() {
            "standardize" => {
                let x = input(0)?;
                Ok(vec![("w3", (x - x.mean(0)) / x.std(0))])
            }
            f => Err(format!("harness: unknown workload {f}")),
        },
        k => parts::build(k, case, inputs),
    }
}

fn arg<'a>(case: &'a Case, key: &str) -> Harness<&'a Value> {
    case.args
        .get(key)
        .ok_or_else(|| format!("harness: missing argument {key}"))
}

fn str_arg<'a>(case: &'a Case, key: &str) -> Harness<&'a str> {
    arg(case, key)?
        .as_str()
        .ok_or_else(|| format!("harness: argument {key} must be a string"))
}

fn int_of(v: &Value) -> Harness<i64> {
    v.as_i64()
        .ok_or_else(|| format!("harness: {v} is not an integer"))
}

fn float_of(v: &Value) -> Harness<f64> {
    v.as_f64()
        .ok_or_else(|| format!("harness: {v} is not a number"))
}

fn isize_of(v: &Value) -> Harness<isize> {
    isize::try_from(int_of(v)?).map_err(|e| e.to_string())
}

fn usize_of(v: &Value) -> Harness<usize> {
    v.as_u64()
        .and_then(|n| usize::try_from(n).ok())
        .ok_or_else(|| format!("harness: {v} is not a non-negative integer"))
}

fn list_of<T>(v: &Value, each: impl Fn(&Value) -> Harness<T>) -> Harness<Vec<T>> {
    v.as_array()
        .ok_or_else(|| format!("harness: {v} is not a list"))?
        .iter()
        .map(each)
        .collect()
}

/// NumPy's `axis` argument: null (all axes), an integer, or a list of integers.
fn axes_of(v: &Value) -> Harness<Axes> {
    Ok(match v {
        Value::Null => Axes::from(..),
        Value::Array(_) => Axes::from(list_of(v, isize_of)?),
        _ => Axes::from(isize_of(v)?),
    })
}

/// Calls the binary element-wise function named `$func` (a NumPy name) on two operands of
/// any `IntoOperand` types; an unknown name is a harness error.
macro_rules! binary_by_name {
    ($func:expr, $a:expr, $b:expr) => {{
        use numcrane as nc;
        let (a, b) = ($a, $b);
        match $func {
            "add" => Ok(nc::add(a, b)),
            "subtract" => Ok(nc::subtract(a, b)),
            "multiply" => Ok(nc::multiply(a, b)),
            "true_divide" => Ok(nc::true_divide(a, b)),
            "floor_divide" => Ok(nc::floor_divide(a, b)),
            "remainder" => Ok(nc::remainder(a, b)),
            "power" => Ok(nc::power(a, b)),
            "maximum" => Ok(nc::maximum(a, b)),
            "minimum" => Ok(nc::minimum(a, b)),
            "fmax" => Ok(nc::fmax(a, b)),
            "fmin" => Ok(nc::fmin(a, b)),
            "arctan2" => Ok(nc::arctan2(a, b)),
            "hypot" => Ok(nc::hypot(a, b)),
            "logaddexp" => Ok(nc::logaddexp(a, b)),
            "heaviside" => Ok(nc::heaviside(a, b)),
            "fmod" => Ok(nc::fmod(a, b)),
            "bitwise_and" => Ok(nc::bitwise_and(a, b)),
            "bitwise_or" => Ok(nc::bitwise_or(a, b)),
            "bitwise_xor" => Ok(nc::bitwise_xor(a, b)),
            "left_shift" => Ok(nc::left_shift(a, b)),
            "right_shift" => Ok(nc::right_shift(a, b)),
            "logical_and" => Ok(nc::logical_and(a, b)),
            "logical_or" => Ok(nc::logical_or(a, b)),
            "logical_xor" => Ok(nc::logical_xor(a, b)),
            "equal" => Ok(nc::equal(a, b)),
            "not_equal" => Ok(nc::not_equal(a, b)),
            "less" => Ok(nc::less(a, b)),
            "less_equal" => Ok(nc::less_equal(a, b)),
            "greater" => Ok(nc::greater(a, b)),
            "greater_equal" => Ok(nc::greater_equal(a, b)),
            f => Err(format!("harness: unknown binary function {f}")),
        }
    }};
}

/// Binary element-wise functions by NumPy name, plus the operator or method spelling where
/// numcrane has one.
fn binary(func: &str, a: &Array, b: &Array) -> Harness<Variants> {
    let main = binary_by_name!(func, a, b)?;
    let mut out = vec![("function", main)];
    let alt = match func {
        "add" => Some(("a + b", a + b)),
        "subtract" => Some(("a - b", a - b)),
        "multiply" => Some(("a * b", a * b)),
        "true_divide" => Some(("a / b", a / b)),
        "remainder" => Some(("a % b", a % b)),
        "bitwise_and" => Some(("a & b", a & b)),
        "bitwise_or" => Some(("a | b", a | b)),
        "bitwise_xor" => Some(("a ^ b", a ^ b)),
        "left_shift" => Some(("a << b", a << b)),
        "right_shift" => Some(("a >> b", a >> b)),
        "power" => Some(("a.pow(b)", a.pow(b))),
        "floor_divide" => Some(("a.floor_div(b)", a.floor_div(b))),
        "maximum" => Some(("a.maximum(b)", a.maximum(b))),
        "minimum" => Some(("a.minimum(b)", a.minimum(b))),
        "equal" => Some(("a.eq(b)", a.eq(b))),
        "not_equal" => Some(("a.ne(b)", a.ne(b))),
        "less" => Some(("a.lt(b)", a.lt(b))),
        "less_equal" => Some(("a.le(b)", a.le(b))),
        "greater" => Some(("a.gt(b)", a.gt(b))),
        "greater_equal" => Some(("a.ge(b)", a.ge(b))),
        _ => None,
    };
    out.extend(alt);
    Ok(out)
}

/// Array-with-Rust-scalar operations (NEP 50 weak scalars).
fn scalar(case: &Case, a: &Array) -> Harness<Variants> {
    let value = arg(case, "scalar")?;
    let left = str_arg(case, "side")? == "left";
    // The free function always; the operator spelling where Rust has one.
    macro_rules! with_scalar {
        ($s:expr) => {{
            let s = $s;
            let func = case.func.as_str();
            let main = if left {
                binary_by_name!(func, s, a)?
            } else {
                binary_by_name!(func, a, s)?
            };
            let mut out = vec![("function", main)];
            match (func, left) {
                ("add", false) => out.push(("a + s", a + s)),
                ("subtract", false) => out.push(("a - s", a - s)),
                ("multiply", false) => out.push(("a * s", a * s)),
                ("true_divide", false) => out.push(("a / s", a / s)),
                ("remainder", false) => out.push(("a % s", a % s)),
                ("power", false) => out.push(("a.pow(s)", a.pow(s))),
                ("floor_divide", false) => out.push(("a.floor_div(s)", a.floor_div(s))),
                ("maximum", false) => out.push(("a.maximum(s)", a.maximum(s))),
                ("less", false) => out.push(("a.lt(s)", a.lt(s))),
                ("equal", false) => out.push(("a.eq(s)", a.eq(s))),
                ("add", true) => out.push(("s + a", s + a)),
                ("subtract", true) => out.push(("s - a", s - a)),
                _ => {}
            }
            out
        }};
    }
    Ok(match str_arg(case, "scalar_kind")? {
        "int" => with_scalar!(int_of(value)?),
        "float" => with_scalar!(float_of(value)?),
        "bool" => with_scalar!(value.as_bool().ok_or("harness: scalar must be a bool")?),
        k => return Err(format!("harness: unknown scalar kind {k}")),
    })
}

fn unary(func: &str, a: &Array) -> Harness<Variants> {
    use numcrane as nc;
    let main = match func {
        "negative" => nc::negative(a),
        "absolute" => nc::absolute(a),
        "sign" => nc::sign(a),
        "square" => nc::square(a),
        "reciprocal" => nc::reciprocal(a),
        "sqrt" => nc::sqrt(a),
        "cbrt" => nc::cbrt(a),
        "exp" => nc::exp(a),
        "exp2" => nc::exp2(a),
        "expm1" => nc::expm1(a),
        "log" => nc::log(a),
        "log2" => nc::log2(a),
        "log10" => nc::log10(a),
        "log1p" => nc::log1p(a),
        "sin" => nc::sin(a),
        "cos" => nc::cos(a),
        "tan" => nc::tan(a),
        "arcsin" => nc::arcsin(a),
        "arccos" => nc::arccos(a),
        "arctan" => nc::arctan(a),
        "sinh" => nc::sinh(a),
        "cosh" => nc::cosh(a),
        "tanh" => nc::tanh(a),
        "arcsinh" => nc::arcsinh(a),
        "arccosh" => nc::arccosh(a),
        "arctanh" => nc::arctanh(a),
        "floor" => nc::floor(a),
        "ceil" => nc::ceil(a),
        "trunc" => nc::trunc(a),
        "rint" => nc::rint(a),
        "deg2rad" => nc::deg2rad(a),
        "rad2deg" => nc::rad2deg(a),
        "isnan" => nc::isnan(a),
        "isinf" => nc::isinf(a),
        "isfinite" => nc::isfinite(a),
        "logical_not" => nc::logical_not(a),
        "invert" => nc::invert(a),
        f => return Err(format!("harness: unknown unary function {f}")),
    };
    let mut out = vec![("function", main)];
    match func {
        "negative" => out.push(("-a", -a)),
        "invert" => out.push(("!a", !a)),
        "absolute" => out.push(("a.abs()", a.abs())),
        _ => {}
    }
    Ok(out)
}

/// One step of a view chain (see `apply_view` in gen_golden.py).
fn view_step(a: &Array, op: &Value) -> Harness<Array> {
    let get = |key: &str| {
        op.get(key)
            .ok_or_else(|| format!("harness: view op {op} lacks {key}"))
    };
    let name = get("op")?.as_str().ok_or("harness: op must be a string")?;
    Ok(match name {
        "reshape" => a.reshape(list_of(get("shape")?, isize_of)?),
        "transpose" => match get("axes")? {
            Value::Null => a.transpose(),
            axes => a.permute(&list_of(axes, isize_of)?),
        },
        "swapaxes" => a.swapaxes(isize_of(get("axis1")?)?, isize_of(get("axis2")?)?),
        "moveaxis" => a.moveaxis(isize_of(get("source")?)?, isize_of(get("destination")?)?),
        "squeeze" => match get("axis")? {
            Value::Null => a.squeeze(),
            axes => {
                // NumPy removes several axes at once; one at a time, the highest first, keeps
                // the lower axis numbers valid.
                let ndim = a.ndim() as isize;
                let mut axes: Vec<isize> = list_of(axes, isize_of)?
                    .into_iter()
                    .map(|x| if x < 0 { x + ndim } else { x })
                    .collect();
                axes.sort_unstable_by(|x, y| y.cmp(x));
                let mut out = a.clone();
                for axis in axes {
                    out = out.squeeze_axis(axis);
                }
                out
            }
        },
        "expand_dims" => a.expand_dims(isize_of(get("axis")?)?),
        "broadcast_to" => a.broadcast_to(&list_of(get("shape")?, usize_of)?),
        "slice" => {
            let slices = list_of(get("slices")?, |s| {
                let parts = list_of(s, |x| match x {
                    Value::Null => Ok(None),
                    v => isize_of(v).map(Some),
                })?;
                match parts.as_slice() {
                    [start, stop, step] => Ok(SliceArg::Range {
                        start: *start,
                        stop: *stop,
                        step: step.unwrap_or(1),
                    }),
                    _ => Err(format!("harness: slice {s} needs [start, stop, step]")),
                }
            })?;
            a.slice(slices)
        }
        "flip" => match get("axis")? {
            Value::Null => a.flip_all(),
            axis => a.flip(isize_of(axis)?),
        },
        "ravel" => a.ravel(),
        "diagonal" => a.diagonal(isize_of(get("k")?)?),
        other => return Err(format!("harness: unknown view op {other}")),
    })
}

fn reduction(case: &Case, a: &Array) -> Harness<Variants> {
    let mut axes = axes_of(arg(case, "axis")?)?;
    if arg(case, "keepdims")?.as_bool() == Some(true) {
        axes = keepdims(axes);
    }
    let ddof = || -> Harness<f64> { float_of(arg(case, "ddof")?) };
    let out = match case.func.as_str() {
        "sum" => a.sum(axes),
        "prod" => a.prod(axes),
        "mean" => a.mean(axes),
        "var" => a.var_ddof(axes, ddof()?),
        "std" => a.std_ddof(axes, ddof()?),
        "min" => a.min(axes),
        "max" => a.max(axes),
        "argmin" => a.argmin(axes),
        "argmax" => a.argmax(axes),
        "any" => a.any(axes),
        "all" => a.all(axes),
        f => return Err(format!("harness: unknown reduction {f}")),
    };
    Ok(vec![("method", out)])
}

fn creation(case: &Case, inputs: &[Array]) -> Harness<Variants> {
    let input = |i: usize| {
        inputs
            .get(i)
            .ok_or_else(|| format!("harness: case needs input {i}"))
    };
    let int = |k: &str| arg(case, k).and_then(int_of);
    let float = |k: &str| arg(case, k).and_then(float_of);
    let size = |k: &str| arg(case, k).and_then(usize_of);
    let out = match case.func.as_str() {
        "arange" => {
            let (start, stop, step) = (arg(case, "start")?, arg(case, "stop")?, arg(case, "step")?);
            let all_ints = [start, stop, step].iter().all(|v| v.is_i64());
            match case.args.get("dtype").and_then(Value::as_str) {
                // JSON integers make NumPy's default int64, any float makes float64.
                None if all_ints => numcrane::arange(int_of(start)?, int_of(stop)?, int_of(step)?),
                None => numcrane::arange(float_of(start)?, float_of(stop)?, float_of(step)?),
                Some("float32") => numcrane::arange(
                    float_of(start)? as f32,
                    float_of(stop)? as f32,
                    float_of(step)? as f32,
                ),
                Some("int32") => numcrane::arange(
                    int_of(start)? as i32,
                    int_of(stop)? as i32,
                    int_of(step)? as i32,
                ),
                Some("uint8") => numcrane::arange(
                    int_of(start)? as u8,
                    int_of(stop)? as u8,
                    int_of(step)? as u8,
                ),
                Some(d) => return Err(format!("harness: arange dtype {d} not mapped")),
            }
        }
        "linspace" => {
            let (start, stop, num) = (float("start")?, float("stop")?, size("num")?);
            let with = numcrane::linspace_with(
                start,
                stop,
                num,
                arg(case, "endpoint")?.as_bool() == Some(true),
            )
            .0;
            if arg(case, "endpoint")?.as_bool() == Some(true) {
                return Ok(vec![
                    ("linspace", numcrane::linspace(start, stop, num)),
                    ("linspace_with", with),
                ]);
            }
            with
        }
        "logspace" => {
            let (start, stop, num, base) = (
                float("start")?,
                float("stop")?,
                size("num")?,
                float("base")?,
            );
            if arg(case, "endpoint")?.as_bool() != Some(true) {
                numcrane::logspace_with(start, stop, num, false, base)
            } else if base == 10.0 {
                numcrane::logspace(start, stop, num)
            } else {
                numcrane::logspace_base(start, stop, num, base)
            }
        }
        "geomspace" => {
            let (start, stop, num) = (float("start")?, float("stop")?, size("num")?);
            if arg(case, "endpoint")?.as_bool() == Some(true) {
                numcrane::geomspace(start, stop, num)
            } else {
                numcrane::geomspace_with(start, stop, num, false)
            }
        }
        "tri" => {
            let k = isize::try_from(int("k")?).map_err(|e| e.to_string())?;
            numcrane::tri(size("n")?, size("m")?, k, DType::F64)
        }
        "eye" => {
            let n = size("n")?;
            let k = isize::try_from(int("k")?).map_err(|e| e.to_string())?;
            match arg(case, "m")? {
                Value::Null if k == 0 => numcrane::eye(n, DType::F64),
                Value::Null => numcrane::eye_k(n, n, k, DType::F64),
                m => numcrane::eye_k(n, usize_of(m)?, k, DType::F64),
            }
        }
        "identity" => numcrane::identity(size("n")?, DType::F64),
        "diag" => numcrane::diag(input(0)?, isize_of(arg(case, "k")?)?),
        "tril" => numcrane::tril(input(0)?, isize_of(arg(case, "k")?)?),
        "triu" => numcrane::triu(input(0)?, isize_of(arg(case, "k")?)?),
        "meshgrid" => {
            let indexing = match str_arg(case, "indexing")? {
                "xy" => Indexing::Xy,
                "ij" => Indexing::Ij,
                i => return Err(format!("harness: unknown indexing {i}")),
            };
            let grids = numcrane::meshgrid(&[input(0)?, input(1)?], indexing);
            let index = size("index")?;
            grids
                .into_iter()
                .nth(index)
                .ok_or_else(|| format!("meshgrid returned no output {index}"))?
        }
        f => return Err(format!("harness: unknown creation function {f}")),
    };
    Ok(vec![("function", out)])
}

// ---------------------------------------------------------------------------------------------
// comparing results

/// Element values widened for comparison: integers exactly, floats as f64.
enum Values {
    Int(Vec<i128>),
    Float(Vec<f64>),
}

fn values(a: &Array) -> Harness<Values> {
    fn ints<T: Element + Into<i128>>(a: &Array) -> Harness<Values> {
        let v = a.to_vec::<T>().map_err(|e| e.to_string())?;
        Ok(Values::Int(v.into_iter().map(Into::into).collect()))
    }
    fn floats<T: Element + Into<f64>>(a: &Array) -> Harness<Values> {
        let v = a.to_vec::<T>().map_err(|e| e.to_string())?;
        Ok(Values::Float(v.into_iter().map(Into::into).collect()))
    }
    match a.dtype() {
        DType::Bool => {
            let v = a.to_vec::<bool>().map_err(|e| e.to_string())?;
            Ok(Values::Int(v.into_iter().map(i128::from).collect()))
        }
        DType::I8 => ints::<i8>(a),
        DType::I16 => ints::<i16>(a),
        DType::I32 => ints::<i32>(a),
        DType::I64 => ints::<i64>(a),
        DType::U8 => ints::<u8>(a),
        DType::U16 => ints::<u16>(a),
        DType::U32 => ints::<u32>(a),
        DType::U64 => ints::<u64>(a),
        DType::F32 => floats::<f32>(a),
        DType::F64 => floats::<f64>(a),
        // Complex: the real and imaginary parts interleaved, each compared as a float.
        DType::C64 => {
            let v = a
                .to_vec::<numcrane::Complex32>()
                .map_err(|e| e.to_string())?;
            Ok(Values::Float(
                v.into_iter()
                    .flat_map(|z| [f64::from(z.re), f64::from(z.im)])
                    .collect(),
            ))
        }
        DType::C128 => {
            let v = a
                .to_vec::<numcrane::Complex64>()
                .map_err(|e| e.to_string())?;
            Ok(Values::Float(
                v.into_iter().flat_map(|z| [z.re, z.im]).collect(),
            ))
        }
    }
}

/// Checks dtype, shape and values; NaN equals NaN and the sign of zero is ignored.
fn compare(got: &Array, want: &Array, rtol: f64, atol: f64) -> Harness<()> {
    if got.dtype() != want.dtype() {
        return Err(format!(
            "dtype {} where NumPy gives {}",
            got.dtype(),
            want.dtype()
        ));
    }
    if got.shape() != want.shape() {
        return Err(format!(
            "shape {:?} where NumPy gives {:?}",
            got.shape(),
            want.shape()
        ));
    }
    let mut bad: Vec<(usize, String, String)> = Vec::new();
    let mut count = 0usize;
    let mut worst = 0.0f64;
    match (values(got)?, values(want)?) {
        (Values::Int(g), Values::Int(w)) => {
            for (i, (x, y)) in g.iter().zip(&w).enumerate() {
                if x != y {
                    count += 1;
                    if bad.len() < 5 {
                        bad.push((i, x.to_string(), y.to_string()));
                    }
                }
            }
        }
        (Values::Float(g), Values::Float(w)) => {
            for (i, (&x, &y)) in g.iter().zip(&w).enumerate() {
                let ok = if x.is_nan() || y.is_nan() {
                    x.is_nan() && y.is_nan()
                } else if x.is_infinite() || y.is_infinite() {
                    x == y
                } else {
                    (x - y).abs() <= atol + rtol * y.abs()
                };
                if !ok {
                    count += 1;
                    if x.is_finite() && y.is_finite() {
                        worst = worst.max((x - y).abs() / y.abs().max(f64::MIN_POSITIVE));
                    }
                    if bad.len() < 5 {
                        bad.push((i, format!("{x:e}"), format!("{y:e}")));
                    }
                }
            }
        }
        _ => return Err("values of different kinds".into()),
    }
    if count == 0 {
        return Ok(());
    }
    let shown: Vec<String> = bad
        .iter()
        .map(|(i, x, y)| format!("[{i}] got {x} want {y}"))
        .collect();
    let worst = if worst > 0.0 {
        format!(", worst relative error {worst:.2e}")
    } else {
        String::new()
    };
    Err(format!(
        "{count} of {} values differ (rtol {rtol:e}, atol {atol:e}{worst}): {}",
        want.size(),
        shown.join(", ")
    ))
}

/// Matrix products (family `linalg` of gen_golden.py).
fn linalg(case: &Case, inputs: &[Array]) -> Harness<Variants> {
    let input = |i: usize| {
        inputs
            .get(i)
            .ok_or_else(|| format!("harness: case needs input {i}"))
    };
    let int_arg = |name: &str| -> Harness<i64> {
        arg(case, name)?
            .as_i64()
            .ok_or_else(|| format!("harness: {name} must be an integer"))
    };
    Ok(match case.func.as_str() {
        "matmul" => {
            let (a, b) = (input(0)?, input(1)?);
            vec![
                ("matmul", numcrane::matmul(a, b)),
                ("Array::matmul", a.matmul(b)),
            ]
        }
        "dot" => vec![("dot", numcrane::dot(input(0)?, input(1)?))],
        "vdot" => vec![("vdot", numcrane::vdot(input(0)?, input(1)?))],
        "inner" => vec![("inner", numcrane::inner(input(0)?, input(1)?))],
        "outer" => vec![("outer", numcrane::outer(input(0)?, input(1)?))],
        "tensordot" => {
            let n = usize::try_from(int_arg("axes")?).map_err(|e| e.to_string())?;
            vec![("tensordot", numcrane::tensordot(input(0)?, input(1)?, n))]
        }
        "kron" => vec![("kron", numcrane::kron(input(0)?, input(1)?))],
        "trace" => {
            let offset = arg(case, "offset")
                .ok()
                .and_then(Value::as_i64)
                .unwrap_or(0);
            vec![("trace", input(0)?.trace_with(offset as isize, 0, 1))]
        }
        "einsum" => {
            let operands: Vec<&Array> = inputs.iter().collect();
            vec![(
                "einsum",
                numcrane::einsum(str_arg(case, "subscripts")?, &operands),
            )]
        }
        f => return Err(format!("harness: unknown linalg function {f}")),
    })
}

/// Joining, splitting and rearranging (family `manip` of gen_golden.py). A split's expected
/// output is its pieces flattened and joined, with their shapes in `args.shapes`.
fn manip(case: &Case, inputs: &[Array]) -> Harness<Variants> {
    let a = inputs
        .first()
        .ok_or_else(|| "harness: case needs an input".to_string())?;
    let refs: Vec<&Array> = inputs.iter().collect();
    let opt_axis = |name: &str| -> Harness<Option<isize>> {
        match arg(case, name)? {
            Value::Null => Ok(None),
            v => isize_of(v).map(Some),
        }
    };
    let pieces = |parts: Vec<Array>| -> Harness<Variants> {
        if !case.error {
            let want: Vec<Vec<usize>> = list_of(arg(case, "shapes")?, |s| list_of(s, usize_of))?;
            let got: Vec<Vec<usize>> = parts.iter().map(|p| p.shape().to_vec()).collect();
            if got != want {
                return Err(format!("piece shapes {got:?}, NumPy's {want:?}"));
            }
        }
        let refs: Vec<&Array> = parts.iter().collect();
        Ok(vec![("pieces", numcrane::concatenate_flat(&refs))])
    };
    let spec = || -> Harness<numcrane::SplitSpec> {
        Ok(match case.args.get("sections") {
            Some(v) => numcrane::SplitSpec::from(isize_of(v)?),
            None => numcrane::SplitSpec::from(list_of(arg(case, "indices")?, isize_of)?),
        })
    };
    let func = case.func.as_str();
    Ok(match func {
        "concatenate" => match opt_axis("axis")? {
            Some(axis) => vec![("concatenate", numcrane::concatenate(&refs, axis))],
            None => vec![("concatenate_flat", numcrane::concatenate_flat(&refs))],
        },
        "stack" => vec![(
            "stack",
            numcrane::stack(&refs, isize_of(arg(case, "axis")?)?),
        )],
        "vstack" => vec![("vstack", numcrane::vstack(&refs))],
        "row_stack" => vec![("row_stack", numcrane::row_stack(&refs))],
        "hstack" => vec![("hstack", numcrane::hstack(&refs))],
        "dstack" => vec![("dstack", numcrane::dstack(&refs))],
        "column_stack" => vec![("column_stack", numcrane::column_stack(&refs))],
        "split" | "array_split" => {
            let axis = isize_of(arg(case, "axis")?)?;
            let parts = if func == "split" {
                numcrane::split(a, spec()?, axis)
            } else {
                numcrane::array_split(a, spec()?, axis)
            };
            return pieces(parts);
        }
        "vsplit" => return pieces(numcrane::vsplit(a, spec()?)),
        "hsplit" => return pieces(numcrane::hsplit(a, spec()?)),
        "tile" => {
            let reps = list_of(arg(case, "reps")?, usize_of)?;
            vec![("tile", numcrane::tile(a, &reps))]
        }
        "repeat" => {
            let repeats = match arg(case, "repeats")? {
                v @ Value::Array(_) => numcrane::Repeats::from(list_of(v, isize_of)?),
                v => numcrane::Repeats::from(isize_of(v)?),
            };
            vec![("repeat", numcrane::repeat(a, repeats, opt_axis("axis")?))]
        }
        "roll" => match (arg(case, "shift")?, arg(case, "axis")?) {
            (s @ Value::Array(_), x) | (s, x @ Value::Array(_)) => {
                let list = |v: &Value| -> Harness<Vec<isize>> {
                    match v {
                        Value::Array(_) => list_of(v, isize_of),
                        _ => Ok(vec![isize_of(v)?]),
                    }
                };
                vec![("roll_axes", numcrane::roll_axes(a, &list(s)?, &list(x)?))]
            }
            (s, _) => vec![("roll", numcrane::roll(a, isize_of(s)?, opt_axis("axis")?))],
        },
        "rot90" => {
            let axes = list_of(arg(case, "axes")?, isize_of)?;
            let axes: [isize; 2] = axes
                .try_into()
                .map_err(|_| "harness: rot90 needs two axes".to_string())?;
            vec![(
                "rot90",
                numcrane::rot90(a, isize_of(arg(case, "k")?)?, axes),
            )]
        }
        "fliplr" => vec![("fliplr", numcrane::fliplr(a))],
        "flipud" => vec![("flipud", numcrane::flipud(a))],
        f => return Err(format!("harness: unknown manip function {f}")),
    })
}

/// Sorting (family `sorting` of gen_golden.py): sort and argsort with `axis` null (flattened)
/// or an integer (the method spellings too where an axis is given); median, nanmedian,
/// percentile and
/// quantile with `axis` null, an integer or a list, `keepdims`, and `q` one value or a list.
fn sorting(case: &Case, inputs: &[Array]) -> Harness<Variants> {
    let a = inputs
        .first()
        .ok_or_else(|| "harness: case needs an input".to_string())?;
    if matches!(
        case.func.as_str(),
        "median" | "nanmedian" | "percentile" | "quantile"
    ) {
        let mut axes = match arg(case, "axis")? {
            Value::Null => Axes::all(),
            v @ Value::Array(_) => Axes::from(list_of(v, isize_of)?),
            v => Axes::from(isize_of(v)?),
        };
        if arg(case, "keepdims")?.as_bool() == Some(true) {
            axes = axes.keepdims();
        }
        let q = || -> Harness<numcrane::Quantiles> {
            Ok(match arg(case, "q")? {
                v @ Value::Array(_) => numcrane::Quantiles::from(list_of(v, float_of)?),
                v => numcrane::Quantiles::from(float_of(v)?),
            })
        };
        return Ok(match case.func.as_str() {
            "median" => vec![
                ("median", numcrane::median(a, axes.clone())),
                ("median_method", a.median(axes)),
            ],
            "nanmedian" => vec![("nanmedian", numcrane::nanmedian(a, axes))],
            "percentile" => vec![("percentile", numcrane::percentile(a, q()?, axes))],
            _ => vec![("quantile", numcrane::quantile(a, q()?, axes))],
        });
    }
    let axis = match arg(case, "axis")? {
        Value::Null => None,
        v => Some(isize_of(v)?),
    };
    Ok(match (case.func.as_str(), axis) {
        ("sort", None) => vec![("sort", numcrane::sort(a, None))],
        ("sort", Some(x)) => vec![
            ("sort", numcrane::sort(a, Some(x))),
            ("sort_axis", a.sort_axis(x)),
        ],
        ("argsort", None) => vec![("argsort", numcrane::argsort(a, None))],
        ("argsort", Some(x)) => vec![
            ("argsort", numcrane::argsort(a, Some(x))),
            ("argsort_axis", a.argsort_axis(x)),
        ],
        (f, _) => return Err(format!("harness: unknown sorting function {f}")),
    })
}

/// Statistics (family `stats` of gen_golden.py): NaN reductions, ptp, count_nonzero, average,
/// diff. `axis` is null, an integer or a list; `keepdims` wraps it.
fn stats(case: &Case, inputs: &[Array]) -> Harness<Variants> {
    let a = inputs
        .first()
        .ok_or_else(|| "harness: case needs an input".to_string())?;
    let axes = || -> Harness<Axes> {
        let axes = axes_of(arg(case, "axis")?)?;
        Ok(match case.args.get("keepdims").and_then(Value::as_bool) {
            Some(true) => keepdims(axes),
            _ => axes,
        })
    };
    let ddof = case.args.get("ddof").and_then(Value::as_f64).unwrap_or(0.0);
    use numcrane as nc;
    Ok(match case.func.as_str() {
        "nansum" => vec![
            ("nansum", nc::nansum(a, axes()?)),
            ("Array::nansum", a.nansum(axes()?)),
        ],
        "nanprod" => vec![("nanprod", nc::nanprod(a, axes()?))],
        "nanmean" => vec![
            ("nanmean", nc::nanmean(a, axes()?)),
            ("Array::nanmean", a.nanmean(axes()?)),
        ],
        "nanvar" => vec![("nanvar", nc::nanvar(a, axes()?, ddof))],
        "nanstd" => vec![("nanstd", nc::nanstd(a, axes()?, ddof))],
        "nanmin" => vec![
            ("nanmin", nc::nanmin(a, axes()?)),
            ("Array::nanmin", a.nanmin(axes()?)),
        ],
        "nanmax" => vec![
            ("nanmax", nc::nanmax(a, axes()?)),
            ("Array::nanmax", a.nanmax(axes()?)),
        ],
        "nanargmin" => vec![("nanargmin", nc::nanargmin(a, axes()?))],
        "nanargmax" => vec![("nanargmax", nc::nanargmax(a, axes()?))],
        "ptp" => vec![("ptp", nc::ptp(a, axes()?)), ("Array::ptp", a.ptp(axes()?))],
        "count_nonzero" => vec![("count_nonzero", nc::count_nonzero(a, axes()?))],
        "average" => vec![("average", nc::average(a, axes()?, inputs.get(1)))],
        "diff" => {
            let n = usize_of(arg(case, "n")?)?;
            vec![("diff", nc::diff(a, n, isize_of(arg(case, "axis")?)?))]
        }
        "cov" => {
            let rowvar = arg(case, "rowvar")?.as_bool().ok_or("harness: rowvar")?;
            let bias = arg(case, "bias")?.as_bool().ok_or("harness: bias")?;
            let ddof = case.args.get("ddof").and_then(Value::as_f64);
            vec![("cov", nc::cov(a, rowvar, bias, ddof))]
        }
        "corrcoef" => {
            let rowvar = arg(case, "rowvar")?.as_bool().ok_or("harness: rowvar")?;
            vec![("corrcoef", nc::corrcoef(a, rowvar))]
        }
        f => return Err(format!("harness: unknown stats function {f}")),
    })
}
