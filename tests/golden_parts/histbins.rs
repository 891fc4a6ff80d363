//! Golden family `histbins` (tests/numpy/golden_histbins.py): `histogram_bin_edges` and
//! `histogram` with NumPy's string bin estimators (`Bins::Estimator`), with and without
//! `range`, and their errors (an unknown estimator, weights).

use super::super::{arg, float_of, str_arg};
use super::{Array, Case, Harness, Variants};
use numcrane as nc;
use serde_json::Value;

pub fn build(case: &Case, inputs: &[Array]) -> Harness<Variants> {
    let a = inputs
        .first()
        .ok_or_else(|| "harness: case needs an input".to_string())?;
    let bins = nc::Bins::from(str_arg(case, "bins")?);
    let range = match arg(case, "range")? {
        Value::Null => None,
        Value::Array(r) => match r.as_slice() {
            [lo, hi] => Some((float_of(lo)?, float_of(hi)?)),
            _ => return Err("harness: range must have two values".into()),
        },
        v => return Err(format!("harness: bad range {v}")),
    };
    if case.func == "histogram_bin_edges" {
        return Ok(vec![(
            "histogram_bin_edges",
            nc::histogram_bin_edges(a, bins, range),
        )]);
    }
    let weights = if case.args.get("weights").and_then(Value::as_bool) == Some(true) {
        Some(
            inputs
                .get(1)
                .ok_or_else(|| "harness: weights input missing".to_string())?,
        )
    } else {
        None
    };
    let (h, _) = nc::histogram(a, bins, range, false, weights);
    Ok(vec![("histogram", h)])
}
