//! Golden family `fft` (tests/numpy/golden_fft.py): `numcrane::fft::fftfreq` / `rfftfreq`
//! and the lazy `fftshift` / `ifftshift` over every `axes` form. The transforms themselves
//! are checked at the slice level by crates/numcrane-fft/tests/numpy_golden.rs.

use super::super::{arg, float_of, int_of, usize_of};
use super::{Array, Case, Harness, Variants};
use numcrane::fft;
use serde_json::Value;

pub fn build(case: &Case, inputs: &[Array]) -> Harness<Variants> {
    match case.func.as_str() {
        "fftfreq" | "rfftfreq" => {
            let n = usize_of(arg(case, "n")?)?;
            let d = float_of(arg(case, "d")?)?;
            let out = if case.func == "fftfreq" {
                fft::fftfreq(n, d)
            } else {
                fft::rfftfreq(n, d)
            };
            Ok(vec![("freq", out)])
        }
        "fftshift" | "ifftshift" => {
            let x = inputs
                .first()
                .ok_or_else(|| "harness: case needs an input".to_string())?;
            let axes: Option<Vec<isize>> = match arg(case, "axes")? {
                Value::Null => None,
                Value::Array(a) => Some(
                    a.iter()
                        .map(|v| int_of(v).map(|i| i as isize))
                        .collect::<Harness<_>>()?,
                ),
                v => return Err(format!("harness: bad axes {v}")),
            };
            let out = if case.func == "fftshift" {
                fft::fftshift(x, axes.as_deref())
            } else {
                fft::ifftshift(x, axes.as_deref())
            };
            Ok(vec![("shift", out)])
        }
        other => Err(format!("harness: unknown fft function {other}")),
    }
}
