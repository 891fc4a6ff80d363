//! Golden family `complex` (tests/numpy/golden_complex.py): complex64 / complex128 arithmetic,
//! promotion, weak complex scalars, unary ufuncs (branch cuts and special values included),
//! comparisons, reductions, sorting, casts, matmul and the functions NumPy rejects for complex.
//! The element-wise functions with real-dtype golden cases reuse tests/golden.rs's mapping.

use super::super::{arg, axes_of, binary, str_arg, unary};
use super::{Array, Case, Harness, Variants};
use numcrane::{Complex64, DType};

pub fn build(case: &Case, inputs: &[Array]) -> Harness<Variants> {
    let input = |i: usize| {
        inputs
            .get(i)
            .ok_or_else(|| format!("harness: case needs input {i}"))
    };
    let axis = || -> Harness<numcrane::Axes> { axes_of(arg(case, "axis")?) };
    let sort_axis = || -> Harness<isize> {
        arg(case, "axis")?
            .as_i64()
            .map(|a| a as isize)
            .ok_or_else(|| "harness: axis must be an integer".to_string())
    };
    let weak = || -> Harness<Complex64> {
        let part = |k: &str| arg(case, k).and_then(|v| v.as_f64().ok_or(format!("{k}?")));
        Ok(Complex64::new(part("re")?, part("im")?))
    };
    let out = match case.func.as_str() {
        "positive" => input(0)?.clone(),
        "conjugate" => {
            let a = input(0)?;
            return Ok(vec![
                ("conjugate", numcrane::conjugate(a)),
                ("conj", numcrane::conj(a)),
                ("a.conj()", a.conj()),
            ]);
        }
        "real" => {
            let a = input(0)?;
            return Ok(vec![("real", numcrane::real(a)), ("a.real()", a.real())]);
        }
        "imag" => {
            let a = input(0)?;
            return Ok(vec![("imag", numcrane::imag(a)), ("a.imag()", a.imag())]);
        }
        "angle" => numcrane::angle(input(0)?),
        "multiply_weak" => {
            let a = input(0)?;
            return Ok(vec![
                ("a * z", a * weak()?),
                ("z * a", weak()? * a),
                ("multiply(a, z)", numcrane::multiply(a, weak()?)),
            ]);
        }
        // NumPy's complex product is not commutative in the last bit (the fma fuses the
        // first operand's real part into both parts), so each order has cases of its own.
        "multiply_weak_right" => {
            let a = input(0)?;
            return Ok(vec![
                ("a * z", a * weak()?),
                ("multiply(a, z)", numcrane::multiply(a, weak()?)),
            ]);
        }
        "multiply_weak_left" => {
            let a = input(0)?;
            return Ok(vec![
                ("z * a", weak()? * a),
                ("multiply(z, a)", numcrane::multiply(weak()?, a)),
            ]);
        }
        "add_weak" => {
            let a = input(0)?;
            return Ok(vec![("a + z", a + weak()?), ("z + a", weak()? + a)]);
        }
        "astype" => {
            let dt = DType::from_name(str_arg(case, "dtype")?)
                .ok_or_else(|| "harness: unknown dtype".to_string())?;
            input(0)?.astype(dt)
        }
        "sum" => input(0)?.sum(axis()?),
        "prod" => input(0)?.prod(axis()?),
        "mean" => input(0)?.mean(axis()?),
        "var" => input(0)?.var(axis()?),
        "std" => input(0)?.std(axis()?),
        "max" => input(0)?.max(axis()?),
        "min" => input(0)?.min(axis()?),
        "any" => input(0)?.any(axis()?),
        "all" => input(0)?.all(axis()?),
        "argmax" => input(0)?.argmax(axis()?),
        "argmin" => input(0)?.argmin(axis()?),
        "cumsum" => input(0)?.cumsum(axis()?),
        "cumprod" => input(0)?.cumprod(axis()?),
        "sort" => numcrane::sort(input(0)?, Some(sort_axis()?)),
        "argsort" => numcrane::argsort(input(0)?, Some(sort_axis()?)),
        "unique" => numcrane::unique(input(0)?),
        "matmul" => numcrane::matmul(input(0)?, input(1)?),
        "where" => numcrane::where_(input(0)?, input(1)?, input(2)?),
        "concatenate" => numcrane::concatenate(&[input(0)?, input(1)?], sort_axis()?),
        "transpose" => input(0)?.transpose(),
        f => {
            return match inputs {
                [a] => unary(f, a),
                [a, b] => binary(f, a, b),
                _ => Err(format!("harness: unknown complex function {f}")),
            }
        }
    };
    Ok(vec![("function", out)])
}
