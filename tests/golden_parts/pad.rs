//! Golden family `pad` (tests/numpy/golden_pad.py): `np.pad(a, pad_width, mode, **kw)`.
//! `pad_width` / `stat_length` are an integer, a pair `[b, a]` or a list of pairs;
//! `constant_values` / `end_values` the same with numbers; `reflect_type` is "even" or "odd".

use super::super::{arg, float_of, str_arg, usize_of};
use super::{Array, Case, Harness, Variants};
use numcrane::{PadMode, Pairs, SliceArg};
use serde_json::Value;

/// NumPy's pair forms: `n`, `[b, a]`, `[[b, a], ...]`.
fn pairs<T>(v: &Value, each: &dyn Fn(&Value) -> Harness<T>) -> Harness<Pairs<T>> {
    let pair = |p: &Value| -> Harness<(T, T)> {
        match p.as_array().map(|l| l.as_slice()) {
            Some([b, a]) => Ok((each(b)?, each(a)?)),
            _ => Err(format!("harness: {p} is not a pair")),
        }
    };
    match v {
        Value::Array(items) if items.iter().all(Value::is_array) => Ok(Pairs::PerAxis(
            items.iter().map(pair).collect::<Harness<_>>()?,
        )),
        Value::Array(_) => {
            let (b, a) = pair(v)?;
            Ok(Pairs::Pair(b, a))
        }
        v => Ok(Pairs::All(each(v)?)),
    }
}

pub fn build(case: &Case, inputs: &[Array]) -> Harness<Variants> {
    let a = inputs
        .first()
        .ok_or_else(|| "harness: case needs an input".to_string())?;
    let width = pairs(arg(case, "pad_width")?, &usize_of)?;
    let values = |key: &str, default: f64| -> Harness<Pairs<f64>> {
        match case.args.get(key) {
            Some(v) => pairs(v, &float_of),
            None => Ok(Pairs::All(default)),
        }
    };
    let stat = || -> Harness<Option<Pairs<usize>>> {
        case.args
            .get("stat_length")
            .map(|v| pairs(v, &usize_of))
            .transpose()
    };
    let mode = match str_arg(case, "mode")? {
        "constant" => PadMode::Constant(values("constant_values", 0.0)?),
        "edge" => PadMode::Edge,
        "linear_ramp" => PadMode::LinearRamp(values("end_values", 0.0)?),
        "maximum" => PadMode::Maximum(stat()?),
        "minimum" => PadMode::Minimum(stat()?),
        "mean" => PadMode::Mean(stat()?),
        "median" => PadMode::Median(stat()?),
        "reflect" | "symmetric" => {
            let odd = match case.args.get("reflect_type").and_then(Value::as_str) {
                None | Some("even") => false,
                Some("odd") => true,
                Some(t) => return Err(format!("harness: unknown reflect_type {t}")),
            };
            match (str_arg(case, "mode")?, odd) {
                ("reflect", false) => PadMode::Reflect,
                ("reflect", true) => PadMode::ReflectOdd,
                (_, false) => PadMode::Symmetric,
                (_, true) => PadMode::SymmetricOdd,
            }
        }
        "wrap" => PadMode::Wrap,
        // any values in the padding: the case holds the shape or the unpadded region
        "empty" => {
            let p = numcrane::pad(a, width.clone(), PadMode::Empty);
            if str_arg(case, "check")? == "shape" {
                let dims: Vec<i64> = p.shape().iter().map(|&d| d as i64).collect();
                return Ok(vec![("pad", numcrane::array(dims))]);
            }
            let per_axis = match width {
                Pairs::All(w) => vec![(w, w); a.ndim()],
                Pairs::Pair(b, f) => vec![(b, f); a.ndim()],
                Pairs::PerAxis(v) => v,
            };
            let inner: Vec<SliceArg> = per_axis
                .iter()
                .zip(a.shape())
                .map(|(&(b, _), &n)| SliceArg::Range {
                    start: Some(b as isize),
                    stop: Some((b + n) as isize),
                    step: 1,
                })
                .collect();
            return Ok(vec![("pad", p.slice(inner))]);
        }
        m => return Err(format!("harness: unknown pad mode {m}")),
    };
    Ok(vec![("pad", numcrane::pad(a, width, mode))])
}
