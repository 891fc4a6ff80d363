//! Family `indexing` (tests/numpy/golden_indexing.py): fancy and mask indexing through
//! `Array::index`, take / take_along_axis / put_along_axis / choose, nonzero / flatnonzero /
//! argwhere, compress / extract, select, nan_to_num_with, and `Array::at` updates.
//!
//! An index is `args["index"]`: a list of {"int": i}, {"slice": [start, stop, step]},
//! {"newaxis": true}, {"ellipsis": true} or {"input": k} (input k is an index array or mask).

use super::super::{arg, float_of, isize_of, usize_of};
use super::{Array, Case, Harness, Variants};
use numcrane as nc;
use numcrane::{IndexArg, SliceArg, TakeMode};
use serde_json::Value;

fn opt_isize(v: &Value) -> Harness<Option<isize>> {
    match v {
        Value::Null => Ok(None),
        v => Ok(Some(isize_of(v)?)),
    }
}

fn opt_f64(v: &Value) -> Harness<Option<f64>> {
    match v {
        Value::Null => Ok(None),
        v => Ok(Some(float_of(v)?)),
    }
}

fn mode_of(v: &Value) -> Harness<TakeMode> {
    match v.as_str() {
        Some("raise") => Ok(TakeMode::Raise),
        Some("wrap") => Ok(TakeMode::Wrap),
        Some("clip") => Ok(TakeMode::Clip),
        _ => Err(format!("harness: bad mode {v}")),
    }
}

fn input(inputs: &[Array], k: usize) -> Harness<&Array> {
    inputs
        .get(k)
        .ok_or_else(|| format!("harness: case needs input {k}"))
}

/// The `ix!` entries of an index description.
fn index_of(v: &Value, inputs: &[Array]) -> Harness<Vec<IndexArg>> {
    let entries = v.as_array().ok_or("harness: index must be a list")?;
    entries
        .iter()
        .map(|e| {
            let part = |key: &str| e.get(key);
            Ok(if let Some(i) = part("int") {
                IndexArg::from(isize_of(i)?)
            } else if let Some(s) = part("slice") {
                let s = s.as_array().ok_or("harness: slice must be a list")?;
                let start = opt_isize(&s[0])?;
                let stop = opt_isize(&s[1])?;
                let step = opt_isize(&s[2])?.unwrap_or(1);
                IndexArg::Basic(SliceArg::Range { start, stop, step })
            } else if part("newaxis").is_some() {
                IndexArg::from(nc::NewAxis)
            } else if part("ellipsis").is_some() {
                IndexArg::from(nc::Ellipsis)
            } else if let Some(k) = part("input") {
                IndexArg::from(input(inputs, usize_of(k)?)?)
            } else {
                return Err(format!("harness: bad index entry {e}"));
            })
        })
        .collect()
}

pub fn build(case: &Case, inputs: &[Array]) -> Harness<Variants> {
    let a = input(inputs, 0)?;
    Ok(match case.func.as_str() {
        "index" => vec![("index", a.index(index_of(arg(case, "index")?, inputs)?))],
        "mask_greater" => {
            let k = usize_of(arg(case, "flat")?)?;
            let pivot = a.ravel().index(nc::ix![k as isize]);
            vec![("a[a > v]", a.index(nc::ix![a.gt(&pivot)]))]
        }
        "take" => {
            let axis = opt_isize(arg(case, "axis")?)?;
            let mode = mode_of(arg(case, "mode")?)?;
            let i = input(inputs, 1)?;
            vec![
                ("take", nc::take(a, i, axis, mode)),
                ("Array::take", a.take(i, axis, mode)),
            ]
        }
        "take_along_axis" => {
            let axis = opt_isize(arg(case, "axis")?)?;
            vec![(
                "take_along_axis",
                nc::take_along_axis(a, input(inputs, 1)?, axis),
            )]
        }
        "put_along_axis" => {
            let axis = opt_isize(arg(case, "axis")?)?;
            vec![(
                "put_along_axis",
                nc::put_along_axis(a, input(inputs, 1)?, input(inputs, 2)?, axis),
            )]
        }
        "nonzero" => {
            let k = usize_of(arg(case, "which")?)?;
            let mut parts = nc::nonzero(a);
            let mut method = a.nonzero();
            if k >= parts.len() || k >= method.len() {
                return Err(format!("harness: nonzero gave {} arrays", parts.len()));
            }
            vec![
                ("nonzero", parts.swap_remove(k)),
                ("Array::nonzero", method.swap_remove(k)),
            ]
        }
        "flatnonzero" => vec![("flatnonzero", nc::flatnonzero(a))],
        "argwhere" => vec![("argwhere", nc::argwhere(a))],
        "compress" => {
            let axis = opt_isize(arg(case, "axis")?)?;
            vec![("compress", nc::compress(a, input(inputs, 1)?, axis))]
        }
        "extract" => vec![("extract", nc::extract(a, input(inputs, 1)?))],
        "select" => {
            let n = usize_of(arg(case, "n")?)?;
            let conds: Vec<&Array> = inputs[..n].iter().collect();
            let choices: Vec<&Array> = inputs[n..].iter().collect();
            let default = arg(case, "default")?;
            let r = match default.as_i64() {
                Some(i) => nc::select(&conds, &choices, i),
                None => nc::select(&conds, &choices, float_of(default)?),
            };
            vec![("select", r)]
        }
        "choose" => {
            let choices: Vec<&Array> = inputs[1..].iter().collect();
            let mode = mode_of(arg(case, "mode")?)?;
            vec![("choose", nc::choose(a, &choices, mode))]
        }
        "nan_to_num" => {
            let nan = float_of(arg(case, "nan")?)?;
            let posinf = opt_f64(arg(case, "posinf")?)?;
            let neginf = opt_f64(arg(case, "neginf")?)?;
            let mut v = vec![(
                "nan_to_num_with",
                nc::nan_to_num_with(a, nan, posinf, neginf),
            )];
            if nan == 0.0 && posinf.is_none() && neginf.is_none() {
                v.push(("nan_to_num", nc::nan_to_num(a)));
            }
            v
        }
        "at" => {
            let value = arg(case, "value")?;
            let op = arg(case, "op")?.as_str().unwrap_or("").to_string();
            let index = || index_of(arg(case, "index")?, inputs);
            match (value.get("input"), value.get("scalar")) {
                (Some(k), _) => {
                    let v = input(inputs, usize_of(k)?)?;
                    update(case, a, index, &op, v)?
                }
                (None, Some(s)) => update(case, a, index, &op, isize_of(s)?)?,
                _ => return Err("harness: bad value".into()),
            }
        }
        f => return Err(format!("harness: unknown indexing function {f}")),
    })
}

/// `a.at(index).<op>(v)`, and for `set` also `set_in_place` on a private realized copy
/// (whose error, when NumPy has none, fails the case).
fn update<V: nc::IntoOperand + Clone>(
    case: &Case,
    a: &Array,
    index: impl Fn() -> Harness<Vec<IndexArg>>,
    op: &str,
    v: V,
) -> Harness<Variants> {
    let at = a.at(index()?);
    let mut out = vec![(
        "at",
        match op {
            "set" => at.set(v.clone()),
            "add" => at.add(v.clone()),
            "multiply" => at.multiply(v.clone()),
            "min" => at.min(v.clone()),
            "max" => at.max(v.clone()),
            _ => return Err(format!("harness: bad op {op}")),
        },
    )];
    if op == "set" {
        let mut b = a.copy();
        // `map` drops the handle `eval` returns, so `b` is the only owner again.
        let evaluated = b.eval().map(|_| ());
        let idx = index()?;
        match (evaluated.and_then(|_| b.set_in_place(idx, v)), case.error) {
            (Ok(_), _) => out.push(("set_in_place", b)),
            (Err(_), true) => {}
            (Err(e), false) => return Err(format!("[set_in_place] unexpected error: {e}")),
        }
    }
    Ok(out)
}
