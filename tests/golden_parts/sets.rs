//! Family `sets` (tests/numpy/golden_sets.py): searchsorted, digitize, partition /
//! argpartition (what NumPy defines of them), unique and the NumPy 2 unique_* functions, the
//! set routines, bincount, histogram and histogram_bin_edges. Multi-output functions name the
//! output a case checks in args["out"].

use super::super::{arg, float_of, isize_of, list_of, str_arg, usize_of};
use super::{Array, Case, Harness, Variants};
use numcrane as nc;
use serde_json::Value;

fn input(inputs: &[Array], i: usize) -> Harness<&Array> {
    inputs
        .get(i)
        .ok_or_else(|| format!("harness: case needs input {i}"))
}

fn bool_arg(case: &Case, key: &str) -> Harness<bool> {
    arg(case, key)?
        .as_bool()
        .ok_or_else(|| format!("harness: argument {key} must be a bool"))
}

fn axis_arg(case: &Case) -> Harness<Option<isize>> {
    match arg(case, "axis")? {
        Value::Null => Ok(None),
        v => Ok(Some(isize_of(v)?)),
    }
}

fn kth_arg(case: &Case) -> Harness<Vec<isize>> {
    match arg(case, "kth")? {
        v @ Value::Array(_) => list_of(v, isize_of),
        v => Ok(vec![isize_of(v)?]),
    }
}

/// NumPy's `np.take(p, kth, axis)` for a scalar or list kth: the elements at the kth
/// positions along `axis` (None: of the flattened array).
fn take(p: &Array, kth: &[isize], scalar: bool, axis: Option<isize>) -> Array {
    let (p, axis) = match axis {
        None => (p.ravel(), 0usize),
        Some(a) if a < 0 => (p.clone(), (p.ndim() as isize + a) as usize),
        Some(a) => (p.clone(), a as usize),
    };
    let pick = |k: isize| {
        let full = nc::SliceArg::Range {
            start: None,
            stop: None,
            step: 1,
        };
        let mut args = vec![full; axis];
        args.push(nc::SliceArg::Index(k));
        p.slice(args)
    };
    if scalar {
        return pick(kth[0]);
    }
    let parts: Vec<Array> = kth.iter().map(|&k| pick(k)).collect();
    let refs: Vec<&Array> = parts.iter().collect();
    nc::stack(&refs, axis as isize)
}

fn range_arg(case: &Case) -> Harness<Option<(f64, f64)>> {
    match arg(case, "range")? {
        Value::Null => Ok(None),
        v => {
            let r = list_of(v, float_of)?;
            match r.as_slice() {
                [lo, hi] => Ok(Some((*lo, *hi))),
                _ => Err("harness: range must have two values".into()),
            }
        }
    }
}

pub fn build(case: &Case, inputs: &[Array]) -> Harness<Variants> {
    let a = input(inputs, 0)?;
    let out = || str_arg(case, "out");
    Ok(match case.func.as_str() {
        "searchsorted" => {
            let side = match str_arg(case, "side")? {
                "left" => nc::Side::Left,
                _ => nc::Side::Right,
            };
            let v = input(inputs, 1)?;
            let sorter = inputs.get(2);
            let mut vs = vec![("searchsorted", nc::searchsorted(a, v, side, sorter))];
            if sorter.is_none() {
                vs.push(("method", a.searchsorted(v, side)));
            }
            vs
        }
        "digitize" => vec![(
            "digitize",
            nc::digitize(a, input(inputs, 1)?, bool_arg(case, "right")?),
        )],
        "partition" | "argpartition" => {
            let axis = axis_arg(case)?;
            let kth = kth_arg(case)?;
            let scalar = !arg(case, "kth")?.is_array();
            let p = if case.func == "partition" {
                nc::partition(a, kth.clone(), axis)
            } else {
                nc::argpartition(a, kth.clone(), axis)
            };
            let sort_axis = Some(axis.unwrap_or(-1));
            match out()? {
                "sorted" => vec![("sorted", nc::sort(&p, sort_axis))],
                _ => vec![("kth", take(&p, &kth, scalar, axis))],
            }
        }
        "unique" | "unique_values" | "unique_counts" | "unique_inverse" | "unique_all" => {
            let u = match case.func.as_str() {
                "unique" => nc::unique_with(a, axis_arg(case)?, bool_arg(case, "equal_nan")?),
                "unique_values" => {
                    // NumPy's order is unspecified: the case holds the sorted values
                    let v = nc::unique_values(a);
                    return Ok(vec![("unique_values", nc::sort(&v, None))]);
                }
                "unique_counts" => {
                    let (v, c) = nc::unique_counts(a);
                    return Ok(vec![(
                        "unique_counts",
                        if out()? == "values" { v } else { c },
                    )]);
                }
                "unique_inverse" => {
                    let (v, i) = nc::unique_inverse(a);
                    return Ok(vec![(
                        "unique_inverse",
                        if out()? == "values" { v } else { i },
                    )]);
                }
                _ => nc::unique_all(a),
            };
            let mut vs = vec![(
                "unique",
                match out()? {
                    "values" => u.values,
                    "index" => u.indices,
                    "inverse" => u.inverse_indices,
                    _ => u.counts,
                },
            )];
            if case.func == "unique"
                && out()? == "values"
                && arg(case, "axis")?.is_null()
                && bool_arg(case, "equal_nan")?
            {
                vs.push(("unique_plain", nc::unique(a)));
            }
            vs
        }
        "intersect1d" => {
            let b = input(inputs, 1)?;
            let assume = bool_arg(case, "assume_unique")?;
            let (v, ia, ib) = nc::intersect1d_indices(a, b, assume);
            match out()? {
                "values" => vec![
                    ("intersect1d_indices", v),
                    ("intersect1d", nc::intersect1d(a, b, assume)),
                ],
                "ind1" => vec![("ind1", ia)],
                _ => vec![("ind2", ib)],
            }
        }
        "union1d" => vec![("union1d", nc::union1d(a, input(inputs, 1)?))],
        "setdiff1d" => vec![(
            "setdiff1d",
            nc::setdiff1d(a, input(inputs, 1)?, bool_arg(case, "assume_unique")?),
        )],
        "setxor1d" => vec![(
            "setxor1d",
            nc::setxor1d(a, input(inputs, 1)?, bool_arg(case, "assume_unique")?),
        )],
        "isin" => vec![(
            "isin",
            nc::isin(
                a,
                input(inputs, 1)?,
                bool_arg(case, "assume_unique")?,
                bool_arg(case, "invert")?,
            ),
        )],
        "bincount" => vec![(
            "bincount",
            nc::bincount(a, inputs.get(1), usize_of(arg(case, "minlength")?)?),
        )],
        "histogram" | "histogram_bin_edges" => {
            let weighted = case.args.get("weights").and_then(Value::as_bool) == Some(true);
            let (weights, edge_input) = if weighted {
                (Some(input(inputs, 1)?), 2)
            } else {
                (None, 1)
            };
            let bins = match arg(case, "bins")? {
                Value::String(_) => nc::Bins::Edges(input(inputs, edge_input)?.clone()),
                v => nc::Bins::Count(usize_of(v)?),
            };
            let range = range_arg(case)?;
            if case.func == "histogram_bin_edges" {
                return Ok(vec![(
                    "histogram_bin_edges",
                    nc::histogram_bin_edges(a, bins, range),
                )]);
            }
            let (h, e) = nc::histogram(a, bins, range, bool_arg(case, "density")?, weights);
            match out()? {
                "hist" => vec![("hist", h)],
                _ => vec![("edges", e)],
            }
        }
        f => return Err(format!("harness: unknown sets function {f}")),
    })
}
