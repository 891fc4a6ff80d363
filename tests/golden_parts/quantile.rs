//! Golden family `quantile` (tests/numpy/golden_quantile.py): quantile / percentile /
//! nanquantile / nanpercentile with NumPy's `method=` names. `axis` is null, an integer or a
//! list, `keepdims` wraps it, `q` is a number or a list. Each case runs the `_with` spelling
//! with the method's name and with the parsed `QuantileMethod`, and the plain spelling too for
//! 'linear'. Cases with `weighted: true` pass weights as the second input
//! (`quantile_weighted` / `percentile_weighted`).

use super::super::{arg, axes_of, float_of, list_of, str_arg};
use super::{Array, Case, Harness, Variants};
use numcrane::{keepdims, QuantileMethod, Quantiles};
use serde_json::Value;

pub fn build(case: &Case, inputs: &[Array]) -> Harness<Variants> {
    let a = inputs
        .first()
        .ok_or_else(|| "harness: case needs an input".to_string())?;
    let mut axes = axes_of(arg(case, "axis")?)?;
    if arg(case, "keepdims")?.as_bool() == Some(true) {
        axes = keepdims(axes);
    }
    let q = match arg(case, "q")? {
        v @ Value::Array(_) => Quantiles::from(list_of(v, float_of)?),
        v => Quantiles::from(float_of(v)?),
    };
    if case.args.get("weighted").and_then(Value::as_bool) == Some(true) {
        let w = inputs
            .get(1)
            .ok_or_else(|| "harness: weighted case needs weights".to_string())?;
        return Ok(match case.func.as_str() {
            "quantile" => vec![(
                "quantile_weighted",
                numcrane::quantile_weighted(a, q, axes, w),
            )],
            "percentile" => vec![(
                "percentile_weighted",
                numcrane::percentile_weighted(a, q, axes, w),
            )],
            f => return Err(format!("harness: no weighted {f}")),
        });
    }
    let name = str_arg(case, "method")?;
    let parsed = QuantileMethod::from_name(name);
    let (ax, q2) = (axes.clone(), q.clone());
    let mut out: Variants = match case.func.as_str() {
        "quantile" => vec![("quantile_with", numcrane::quantile_with(a, q2, ax, name))],
        "percentile" => vec![(
            "percentile_with",
            numcrane::percentile_with(a, q2, ax, name),
        )],
        "nanquantile" => vec![(
            "nanquantile_with",
            numcrane::nanquantile_with(a, q2, ax, name),
        )],
        "nanpercentile" => vec![(
            "nanpercentile_with",
            numcrane::nanpercentile_with(a, q2, ax, name),
        )],
        f => return Err(format!("harness: unknown quantile function {f}")),
    };
    if let Some(m) = parsed {
        let (ax, q2) = (axes.clone(), q.clone());
        out.push(match case.func.as_str() {
            "quantile" => ("quantile_enum", numcrane::quantile_with(a, q2, ax, m)),
            "percentile" => ("percentile_enum", numcrane::percentile_with(a, q2, ax, m)),
            "nanquantile" => ("nanquantile_enum", numcrane::nanquantile_with(a, q2, ax, m)),
            _ => (
                "nanpercentile_enum",
                numcrane::nanpercentile_with(a, q2, ax, m),
            ),
        });
    }
    if parsed == Some(QuantileMethod::Linear) {
        out.push(match case.func.as_str() {
            "quantile" => ("quantile", numcrane::quantile(a, q, axes)),
            "percentile" => ("percentile", numcrane::percentile(a, q, axes)),
            "nanquantile" => ("nanquantile", numcrane::nanquantile(a, q, axes)),
            _ => ("nanpercentile", numcrane::nanpercentile(a, q, axes)),
        });
    }
    Ok(out)
}
