//! Result checks: before a cell is timed, its implementation's result on the case's small
//! shape is compared with numcrane's (default backend). A mismatch beyond float tolerance
//! makes the cell an error row instead of a time.

use super::workloads::Case;
use numcrane::DType;

/// Compares `got` with `want`, results of `small` (the case's check shape): matrix products
/// with [`compare_product`], everything else with [`compare`].
pub fn compare_case(small: &Case, got: &[f64], want: &[f64]) -> Result<(), String> {
    match (small.error_scale(), small.shape.as_slice()) {
        (Some(scale), &[_, k, _]) => compare_product(got, want, &scale, k, small.dtype),
        _ => compare(got, want, small.dtype),
    }
}

/// The relative tolerance of a product over `k` terms: 1e-4 sqrt(k) in float32, 1e-10
/// sqrt(k) in float64 (rounding errors of a sum grow about as its square root).
pub fn product_tolerance(dtype: DType, k: usize) -> f64 {
    let per_term = match dtype {
        DType::F32 => 1e-4,
        _ => 1e-10,
    };
    per_term * (k.max(1) as f64).sqrt()
}

/// Ok when every element of a matrix product is within `tol * scale[i]` of numcrane's, where
/// `scale[i]` is `sum_l |a[i,l]| |b[l,j]|` (the size of the terms summed, not of the sum,
/// which may cancel) and `tol` is [`product_tolerance`].
pub fn compare_product(
    got: &[f64],
    want: &[f64],
    scale: &[f64],
    k: usize,
    dtype: DType,
) -> Result<(), String> {
    if got.len() != want.len() || scale.len() != want.len() {
        return Err(format!(
            "result has {} elements, numcrane's {}",
            got.len(),
            want.len()
        ));
    }
    let tol = product_tolerance(dtype, k);
    for (i, ((&g, &w), &s)) in got.iter().zip(want).zip(scale).enumerate() {
        let close = (g - w).abs() <= tol * s || (g.is_nan() && w.is_nan());
        if !close {
            return Err(format!(
                "result differs from numcrane's at element {i}: {g} against {w} (tolerance \
                 {tol:e} of sum |a||b| = {s})"
            ));
        }
    }
    Ok(())
}

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

    #[test]
    fn products_are_judged_against_the_terms() {
        // A sum that cancels to about 0 is judged against sum |a||b|, not its own size.
        let scale = [100.0, 100.0];
        let k = 100;
        assert!(compare_product(&[1e-3, 5.0], &[0.0, 5.0], &scale, k, DType::F32).is_ok());
        assert!(compare_product(&[0.5, 5.0], &[0.0, 5.0], &scale, k, DType::F32).is_err());
        assert!(compare_product(&[1e-6, 5.0], &[0.0, 5.0], &scale, k, DType::F64).is_err());
        assert!(compare_product(&[1e-8, 5.0], &[0.0, 5.0], &scale, k, DType::F64).is_ok());
        assert!((product_tolerance(DType::F32, 100) - 1e-3).abs() < 1e-12);
    }
}
