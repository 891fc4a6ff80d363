//! Result checks: before a cell is timed, its implementation's result on the case's small
//! shape is compared with numcrane's (default backend). A mismatch beyond float tolerance
//! makes the cell an error row instead of a time.

use numcrane::DType;

/// Relative tolerance per dtype: loose enough for different summation orders and 1-ULP
/// transcendental functions, tight enough to catch a wrong result.
pub fn tolerance(dtype: DType) -> f64 {
    match dtype {
        DType::F32 => 1e-4,
        _ => 1e-9,
    }
}

/// Ok when `got` matches `want` within `|g - w| <= tol * (|w| + scale)`, where `scale` is the
/// mean magnitude of `want` (so values near zero are judged against the result's scale);
/// otherwise the first difference, as a message.
pub fn compare(got: &[f64], want: &[f64], dtype: DType) -> Result<(), String> {
    if got.len() != want.len() {
        return Err(format!(
            "result has {} elements, numcrane's {}",
            got.len(),
            want.len()
        ));
    }
    let tol = tolerance(dtype);
    let scale = if want.is_empty() {
        0.0
    } else {
        want.iter().map(|w| w.abs()).sum::<f64>() / want.len() as f64
    };
    for (i, (&g, &w)) in got.iter().zip(want).enumerate() {
        let close = (g - w).abs() <= tol * (w.abs() + scale) || (g.is_nan() && w.is_nan());
        if !close {
            return Err(format!(
                "result differs from numcrane's at element {i}: {g} against {w} (relative \
                 tolerance {tol:e})"
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_values_pass_and_wrong_ones_fail() {
        let want = [1.0, -2.0, 1e-9, 3.0];
        let near = [1.000_01, -2.000_01, 0.0, 3.0];
        assert!(compare(&near, &want, DType::F32).is_ok());
        assert!(compare(&near, &want, DType::F64).is_err());
        let wrong = [1.0, 2.0, 0.0, 3.0];
        let e = compare(&wrong, &want, DType::F32).unwrap_err();
        assert!(e.contains("element 1"), "{e}");
        assert!(compare(&[1.0], &want, DType::F32).is_err());
        assert!(compare(&[f64::NAN], &[f64::NAN], DType::F32).is_ok());
        assert!(compare(&[f64::NAN], &[1.0], DType::F32).is_err());
    }
}
