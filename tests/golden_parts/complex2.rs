//! Family `complex2` (tests/numpy/golden_complex2.py): the complex-number gaps of issue 8.
//! nan_to_num on complex arrays, real_if_close, angle in degrees, complex64 arithmetic and
//! power in float32, searchsorted and the set routines in NumPy's complex order, unique along
//! an axis, diff / cumsum / trace and the products on complex arrays, and digitize's errors.
//! Multi-output functions name the output a case checks in args["out"].

use super::super::{arg, binary, float_of, isize_of, str_arg, unary, usize_of};
use super::{Array, Case, Harness, Variants};
use numcrane as nc;
use numcrane::{Complex64, Side};
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

fn opt_float(case: &Case, key: &str) -> Harness<Option<f64>> {
    match arg(case, key)? {
        Value::Null => Ok(None),
        v => Ok(Some(float_of(v)?)),
    }
}

pub fn build(case: &Case, inputs: &[Array]) -> Harness<Variants> {
    let x = |i| input(inputs, i);
    let out = match case.func.as_str() {
        "nan_to_num" => {
            let a = x(0)?;
            return Ok(vec![
                ("nan_to_num", nc::nan_to_num(a)),
                (
                    "nan_to_num_with defaults",
                    nc::nan_to_num_with(a, 0.0, None, None),
                ),
            ]);
        }
        "nan_to_num_with" => nc::nan_to_num_with(
            x(0)?,
            float_of(arg(case, "nan")?)?,
            opt_float(case, "posinf")?,
            opt_float(case, "neginf")?,
        ),
        "real_if_close" => nc::real_if_close(x(0)?, float_of(arg(case, "tol")?)?),
        "angle" => {
            let deg = bool_arg(case, "deg")?;
            if !deg {
                return Ok(vec![
                    ("angle_with(false)", nc::angle_with(x(0)?, false)),
                    ("angle", nc::angle(x(0)?)),
                ]);
            }
            nc::angle_with(x(0)?, true)
        }
        "power_scalar" => {
            let n = float_of(arg(case, "n")?)?;
            let a = x(0)?;
            return Ok(vec![
                ("power(a, weak n+0j)", nc::power(a, Complex64::new(n, 0.0))),
                (
                    "power(a, 0-d array)",
                    nc::power(
                        a,
                        nc::full(Vec::<usize>::new(), Complex64::new(n, 0.0)).astype(a.dtype()),
                    ),
                ),
            ]);
        }
        "searchsorted" => {
            let side = match str_arg(case, "side")? {
                "left" => Side::Left,
                _ => Side::Right,
            };
            nc::searchsorted(x(0)?, x(1)?, side, None)
        }
        "searchsorted_sorter" => nc::searchsorted(x(0)?, x(1)?, Side::Left, Some(x(2)?)),
        "intersect1d" => nc::intersect1d(x(0)?, x(1)?, bool_arg(case, "assume_unique")?),
        "setdiff1d" => nc::setdiff1d(x(0)?, x(1)?, bool_arg(case, "assume_unique")?),
        "setxor1d" => nc::setxor1d(x(0)?, x(1)?, bool_arg(case, "assume_unique")?),
        "intersect1d_indices" => {
            let (v, ia, ib) = nc::intersect1d_indices(x(0)?, x(1)?, false);
            match usize_of(arg(case, "out")?)? {
                0 => v,
                1 => ia,
                _ => ib,
            }
        }
        "union1d" => nc::union1d(x(0)?, x(1)?),
        "unique" => nc::unique(x(0)?),
        "isin" => nc::isin(x(0)?, x(1)?, false, bool_arg(case, "invert")?),
        "unique_all" => {
            let axis = match arg(case, "axis")? {
                Value::Null => None,
                v => Some(isize_of(v)?),
            };
            let u = nc::unique_with(x(0)?, axis, true);
            match usize_of(arg(case, "out")?)? {
                0 => u.values,
                1 => u.indices,
                2 => u.inverse_indices,
                _ => u.counts,
            }
        }
        "diff" => nc::diff(
            x(0)?,
            usize_of(arg(case, "n")?)?,
            isize_of(arg(case, "axis")?)?,
        ),
        "cumsum" => x(0)?.cumsum(1),
        "trace" => x(0)?.trace(),
        "dot" => nc::dot(x(0)?, x(1)?),
        "vdot" => nc::vdot(x(0)?, x(1)?),
        "inner" => nc::inner(x(0)?, x(1)?),
        "outer" => nc::outer(x(0)?, x(1)?),
        "kron" => nc::kron(x(0)?, x(1)?),
        "tensordot" => nc::tensordot(x(0)?, x(1)?, usize_of(arg(case, "n")?)?),
        "einsum" => nc::einsum(str_arg(case, "subscripts")?, &[x(0)?, x(1)?]),
        "digitize" => nc::digitize(x(0)?, x(1)?, false),
        f => {
            return match inputs {
                [a] => unary(f, a),
                [a, b] => binary(f, a, b),
                _ => Err(format!("harness: unknown complex2 function {f}")),
            }
        }
    };
    Ok(vec![("function", out)])
}
