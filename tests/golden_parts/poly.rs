//! Golden family `poly` (tests/numpy/golden_poly.py): `numcrane::poly`'s `polyval` (Rust
//! float and array coefficients), `polyfit` (one case per output: coefficients, residuals,
//! singular values, covariance), the coefficient functions and `Poly1d`'s operations.
//! Coefficient inputs arrive as float64 arrays and are realized to slices.

use super::super::{arg, float_of, usize_of};
use super::{Array, Case, Harness, Variants};
use numcrane::poly::{self, Cov, Poly1d};
use serde_json::Value;

fn input(inputs: &[Array], i: usize) -> Harness<&Array> {
    inputs
        .get(i)
        .ok_or_else(|| format!("harness: case needs input {i}"))
}

fn coeffs(inputs: &[Array], i: usize) -> Harness<Vec<f64>> {
    input(inputs, i)?
        .to_vec::<f64>()
        .map_err(|e| format!("harness: coefficients: {e}"))
}

fn floats(v: &Value) -> Harness<Vec<f64>> {
    v.as_array()
        .ok_or_else(|| format!("harness: expected a list, got {v}"))?
        .iter()
        .map(float_of)
        .collect()
}

fn vector(v: Vec<f64>) -> Array {
    let n = v.len();
    Array::from_vec(v, [n])
}

pub fn build(case: &Case, inputs: &[Array]) -> Harness<Variants> {
    let out = match case.func.as_str() {
        "polyval" => poly::polyval(&floats(arg(case, "p")?)?, input(inputs, 0)?),
        "polyval_array" => poly::polyval_array(input(inputs, 0)?, input(inputs, 1)?),
        "polyfit" => {
            let deg = usize_of(arg(case, "deg")?)?;
            let rcond = match arg(case, "rcond")? {
                Value::Null => None,
                v => Some(float_of(v)?),
            };
            let w = if arg(case, "w")?.as_bool() == Some(true) {
                Some(input(inputs, 2)?)
            } else {
                None
            };
            let cov = match case.args.get("cov").and_then(Value::as_str) {
                Some("True") => Cov::Scaled,
                Some("unscaled") => Cov::Unscaled,
                _ => Cov::No,
            };
            let fit = poly::polyfit(input(inputs, 0)?, input(inputs, 1)?, deg, rcond, w, cov);
            match arg(case, "out")?.as_str() {
                Some("coeffs") => fit.coeffs,
                Some("residuals") => fit.residuals,
                Some("s") => fit.singular_values,
                Some("cov") => fit.cov.ok_or("harness: no covariance")?,
                o => return Err(format!("harness: bad polyfit output {o:?}")),
            }
        }
        "polyadd" => vector(poly::polyadd(&coeffs(inputs, 0)?, &coeffs(inputs, 1)?)),
        "polysub" => vector(poly::polysub(&coeffs(inputs, 0)?, &coeffs(inputs, 1)?)),
        "polymul" => vector(poly::polymul(&coeffs(inputs, 0)?, &coeffs(inputs, 1)?)),
        "polydiv_q" | "polydiv_r" => {
            let (q, r) = poly::polydiv(&coeffs(inputs, 0)?, &coeffs(inputs, 1)?)
                .map_err(|e| e.to_string())?;
            vector(if case.func == "polydiv_q" { q } else { r })
        }
        "polyder" => {
            let m = usize_of(arg(case, "m")?)?;
            vector(poly::polyder(&coeffs(inputs, 0)?, m))
        }
        "polyint" => {
            let m = usize_of(arg(case, "m")?)?;
            let k = floats(arg(case, "k")?)?;
            vector(poly::polyint(&coeffs(inputs, 0)?, m, &k).map_err(|e| e.to_string())?)
        }
        "poly1d" => {
            let p = Poly1d::new(&coeffs(inputs, 0)?);
            let q = Poly1d::new(&coeffs(inputs, 1)?);
            let op = arg(case, "op")?.as_str().ok_or("harness: op")?;
            let c = |x: Poly1d| vector(x.coeffs().to_vec());
            match op {
                "add" => c(&p + &q),
                "sub" => c(&p - &q),
                "mul" => c(&p * &q),
                "div_q" => c(p.div(&q).map_err(|e| e.to_string())?.0),
                "div_r" => c(p.div(&q).map_err(|e| e.to_string())?.1),
                "deriv" => c(p.deriv(2)),
                "integ" => c(p.integ(2, &[1.0, 2.0]).map_err(|e| e.to_string())?),
                "pow" => c(p.pow(3)),
                "scale" => c(&p * 2.5),
                "neg" => c(-&p),
                "call" => p.eval_array(&numcrane::linspace(-1.0, 1.0, 5)),
                o => return Err(format!("harness: unknown poly1d op {o}")),
            }
        }
        other => return Err(format!("harness: unknown poly function {other}")),
    };
    Ok(vec![("poly", out)])
}
