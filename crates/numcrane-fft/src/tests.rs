//! The transforms against a naive O(n^2) DFT written from the definition, over many sizes
//! (primes, 1, powers of two), every norm mode, padding and truncation, strided and
//! negative-stride lanes, f32 and f64, and the errors.

use super::*;
use proptest::prelude::*;

/// A deterministic pseudo-random sequence in [-1, 1) (no rand dependency needed).
fn noise(seed: u64, len: usize) -> Vec<f64> {
    let mut s = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (0..len)
        .map(|_| {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((s >> 11) as f64 / (1u64 << 53) as f64) * 2.0 - 1.0
        })
        .collect()
}

fn cnoise(seed: u64, len: usize) -> Vec<Complex<f64>> {
    let v = noise(seed, 2 * len);
    v.chunks(2).map(|p| Complex::new(p[0], p[1])).collect()
}

/// The DFT from its definition, with NumPy's scaling.
fn naive(x: &[Complex<f64>], inverse: bool, norm: Norm) -> Vec<Complex<f64>> {
    let n = x.len();
    let sign = if inverse { 1.0 } else { -1.0 };
    let f = norm.factor(n, inverse).unwrap_or(1.0);
    (0..n)
        .map(|k| {
            let mut acc = Complex::new(0.0, 0.0);
            for (j, &v) in x.iter().enumerate() {
                // Reduce j*k mod n first so the angle stays small and accurate.
                let ang = sign * 2.0 * std::f64::consts::PI * ((j * k) % n) as f64 / n as f64;
                acc += v * Complex::new(ang.cos(), ang.sin());
            }
            acc * f
        })
        .collect()
}

/// A lane padded with zeros or truncated to `n`, as NumPy does with the `n` argument.
fn fit<E: Copy + Default>(x: &[E], n: usize) -> Vec<E> {
    (0..n)
        .map(|i| if i < x.len() { x[i] } else { E::default() })
        .collect()
}

fn close(a: &[Complex<f64>], b: &[Complex<f64>], tol: f64) -> std::result::Result<(), String> {
    if a.len() != b.len() {
        return Err(format!("lengths {} vs {}", a.len(), b.len()));
    }
    let scale = b.iter().map(|v| v.norm()).fold(1.0, f64::max);
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        if (x - y).norm() > tol * scale {
            return Err(format!(
                "element {i}: {x} vs {y} (tol {tol}, scale {scale})"
            ));
        }
    }
    Ok(())
}

fn one_d<E>(x: &[E]) -> (Vec<usize>, Vec<isize>) {
    (vec![x.len()], vec![1])
}

const NORMS: [Norm; 3] = [Norm::Backward, Norm::Ortho, Norm::Forward];

fn check_c2c(len: usize, n: Option<usize>, inverse: bool, norm: Norm) {
    let x = cnoise(len as u64 * 7 + 1, len);
    let (shape, strides) = one_d(&x);
    let got = c2c(Strided::new(&x, &shape, &strides), 0, n, inverse, norm).unwrap();
    let want = naive(&fit(&x, n.unwrap_or(len)), inverse, norm);
    assert_eq!(got.shape, vec![want.len()]);
    close(&got.data, &want, 1e-12 * (want.len() as f64).max(1.0))
        .unwrap_or_else(|e| panic!("c2c len {len} n {n:?} inverse {inverse} {norm:?}: {e}"));
}

#[test]
fn c2c_matches_naive_dft_over_sizes_and_norms() {
    let sizes = (1..=33).chain([64, 97, 100, 101, 128, 210, 257, 509, 1024]);
    for len in sizes {
        for norm in NORMS {
            check_c2c(len, None, false, norm);
            check_c2c(len, None, true, norm);
        }
    }
}

#[test]
fn c2c_pads_and_truncates_to_n() {
    for (len, n) in [(5, 8), (8, 5), (1, 7), (13, 1), (0, 4), (17, 17)] {
        check_c2c(len, Some(n), false, Norm::Backward);
        check_c2c(len, Some(n), true, Norm::Ortho);
    }
}

#[test]
fn inverse_undoes_forward_in_every_norm() {
    let x = cnoise(3, 45);
    let (shape, strides) = one_d(&x);
    for norm in NORMS {
        let y = c2c(Strided::new(&x, &shape, &strides), 0, None, false, norm).unwrap();
        let z = c2c(y.view(&strides), 0, None, true, norm).unwrap();
        close(&z.data, &x, 1e-13).unwrap();
    }
}

#[test]
fn zero_points_are_numpys_error() {
    let x: Vec<Complex<f64>> = vec![];
    let (shape, strides) = one_d(&x);
    let e = c2c(
        Strided::new(&x, &shape, &strides),
        0,
        None,
        false,
        Norm::Backward,
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "Invalid number of FFT data points (0) specified."
    );
    let y = cnoise(1, 3);
    let (shape, strides) = one_d(&y);
    let e = c2c(
        Strided::new(&y, &shape, &strides),
        0,
        Some(0),
        true,
        Norm::Backward,
    )
    .unwrap_err();
    assert_eq!(e, FftError::InvalidPoints(0));
    // irfft of one term: n defaults to 2 * (1 - 1) = 0.
    let e = c2r(Strided::new(&y[..1], &[1], &[1]), 0, None, Norm::Backward).unwrap_err();
    assert_eq!(e, FftError::InvalidPoints(0));
    let r = [1.0f64];
    let e = r2c(Strided::new(&r, &[1], &[1]), 0, Some(0), Norm::Backward).unwrap_err();
    assert_eq!(e, FftError::InvalidPoints(0));
}

#[test]
fn bad_axis_and_layout_are_errors() {
    let x = cnoise(2, 6);
    let e = c2c(
        Strided::new(&x, &[2, 3], &[3, 1]),
        2,
        None,
        false,
        Norm::Backward,
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "axis 2 is out of bounds for array of dimension 2"
    );
    let e = c2c(
        Strided::new(&x, &[2, 4], &[4, 1]),
        0,
        None,
        false,
        Norm::Backward,
    )
    .unwrap_err();
    assert!(matches!(e, FftError::BadLayout(_)), "{e:?}");
    let e = c2c(
        Strided {
            data: &x,
            shape: &[3],
            strides: &[-1],
            offset: 1,
        },
        0,
        None,
        false,
        Norm::Backward,
    )
    .unwrap_err();
    assert!(matches!(e, FftError::BadLayout(_)), "{e:?}");
}

/// The naive DFT of every lane of a C-contiguous 3-d buffer along `axis`.
fn naive_along(
    x: &[Complex<f64>],
    shape: [usize; 3],
    axis: usize,
    inverse: bool,
) -> Vec<Complex<f64>> {
    let mut out = x.to_vec();
    let strides = [shape[1] * shape[2], shape[2], 1];
    let others: Vec<usize> = (0..3).filter(|&d| d != axis).collect();
    for i in 0..shape[others[0]] {
        for j in 0..shape[others[1]] {
            let base = i * strides[others[0]] + j * strides[others[1]];
            let lane: Vec<_> = (0..shape[axis])
                .map(|k| x[base + k * strides[axis]])
                .collect();
            for (k, v) in naive(&lane, inverse, Norm::Backward)
                .into_iter()
                .enumerate()
            {
                out[base + k * strides[axis]] = v;
            }
        }
    }
    out
}

#[test]
fn every_axis_of_a_3d_buffer_and_parallel_lanes() {
    // Large enough for the rayon path (PAR_MIN outputs) on the last shape.
    for shape in [[2, 3, 5], [4, 7, 6], [64, 33, 17]] {
        let len = shape.iter().product();
        let x = cnoise(11, len);
        let strides = c_strides(&shape);
        for axis in 0..3 {
            let got = c2c(
                Strided::new(&x, &shape, &strides),
                axis as isize,
                None,
                false,
                Norm::Backward,
            )
            .unwrap();
            assert_eq!(got.shape, shape.to_vec());
            close(&got.data, &naive_along(&x, shape, axis, false), 1e-11)
                .unwrap_or_else(|e| panic!("shape {shape:?} axis {axis}: {e}"));
        }
    }
}

#[test]
fn transposed_and_reversed_views() {
    // x viewed as its transpose (3 x 4 of a 4 x 3 buffer) and reversed along the lane.
    let x = cnoise(5, 12);
    let t = c2c(
        Strided::new(&x, &[3, 4], &[1, 3]),
        1,
        None,
        false,
        Norm::Backward,
    )
    .unwrap();
    for r in 0..3 {
        let lane: Vec<_> = (0..4).map(|k| x[k * 3 + r]).collect();
        close(
            &t.data[r * 4..r * 4 + 4],
            &naive(&lane, false, Norm::Backward),
            1e-13,
        )
        .unwrap();
    }
    let rev = c2c(
        Strided {
            data: &x,
            shape: &[12],
            strides: &[-1],
            offset: 11,
        },
        0,
        None,
        false,
        Norm::Ortho,
    )
    .unwrap();
    let lane: Vec<_> = x.iter().rev().copied().collect();
    close(&rev.data, &naive(&lane, false, Norm::Ortho), 1e-13).unwrap();
}

fn check_r2c(len: usize, n: Option<usize>, norm: Norm) {
    let x = noise(len as u64 + 99, len);
    let (shape, strides) = one_d(&x);
    let got = r2c(Strided::new(&x, &shape, &strides), -1, n, norm).unwrap();
    let n = n.unwrap_or(len);
    let full: Vec<_> = fit(&x, n).iter().map(|&v| Complex::new(v, 0.0)).collect();
    let want = naive(&full, false, norm);
    close(&got.data, &want[..n / 2 + 1], 1e-12 * n as f64)
        .unwrap_or_else(|e| panic!("r2c len {len} n {n} {norm:?}: {e}"));
}

/// NumPy's irfft from the definition: the half spectrum fitted to n/2+1 terms, the imaginary
/// parts of DC and (even n) Nyquist dropped, extended Hermitian, inverse DFT, real part.
fn naive_c2r(h: &[Complex<f64>], n: usize, norm: Norm) -> Vec<f64> {
    let mut h = fit(h, n / 2 + 1);
    h[0].im = 0.0;
    if n.is_multiple_of(2) {
        h[n / 2].im = 0.0;
    }
    let full: Vec<_> = (0..n)
        .map(|k| if k <= n / 2 { h[k] } else { h[n - k].conj() })
        .collect();
    naive(&full, true, norm).iter().map(|v| v.re).collect()
}

fn check_c2r(len: usize, n: Option<usize>, norm: Norm) {
    let x = cnoise(len as u64 + 5, len);
    let (shape, strides) = one_d(&x);
    let got = c2r(Strided::new(&x, &shape, &strides), 0, n, norm).unwrap();
    let n = n.unwrap_or(2 * (len - 1));
    let want: Vec<_> = naive_c2r(&x, n, norm)
        .into_iter()
        .map(|v| Complex::new(v, 0.0))
        .collect();
    let got: Vec<_> = got.data.iter().map(|&v| Complex::new(v, 0.0)).collect();
    close(&got, &want, 1e-12 * n as f64)
        .unwrap_or_else(|e| panic!("c2r len {len} n {n} {norm:?}: {e}"));
}

#[test]
fn real_transforms_match_naive_dft() {
    for len in (1..=33).chain([64, 97, 101, 256, 257]) {
        for norm in NORMS {
            check_r2c(len, None, norm);
            if len >= 2 {
                check_c2r(len, None, norm);
            }
            // Odd and even output lengths from the same half spectrum.
            check_c2r(len, Some(2 * len - 1), norm);
        }
    }
    for (len, n) in [(10, 4), (4, 10), (7, 1), (3, 2)] {
        check_r2c(len, Some(n), Norm::Backward);
        check_c2r(len, Some(n), Norm::Forward);
    }
}

#[test]
fn hermitian_transforms_match_their_definitions() {
    let x = cnoise(8, 9);
    let (shape, strides) = one_d(&x);
    for norm in NORMS {
        let h = hfft(Strided::new(&x, &shape, &strides), None, 0, norm).unwrap();
        let conj: Vec<_> = x.iter().map(|v| v.conj()).collect();
        let want = naive_c2r(&conj, 16, norm.swapped());
        assert_eq!(h.shape, vec![16]);
        for (a, b) in h.data.iter().zip(&want) {
            assert!((a - b).abs() < 1e-12, "hfft {norm:?}: {a} vs {b}");
        }
        let r: Vec<f64> = noise(4, 11);
        let ih = ihfft(Strided::new(&r, &[11], &[1]), None, 0, norm).unwrap();
        let full: Vec<_> = r.iter().map(|&v| Complex::new(v, 0.0)).collect();
        let want: Vec<_> = naive(&full, false, norm.swapped())[..6]
            .iter()
            .map(|v| v.conj())
            .collect();
        close(&ih.data, &want, 1e-12).unwrap();
    }
}

#[test]
fn n_dimensional_transforms_are_successive_passes() {
    let shape = [3usize, 4, 5];
    let x = cnoise(21, 60);
    let strides = c_strides(&shape);
    let v = Strided::new(&x, &shape, &strides);
    let all = c2c_nd(v, None, None, false, Norm::Backward).unwrap();
    let mut want = x.clone();
    for axis in 0..3 {
        want = naive_along(&want, shape, axis, false);
    }
    close(&all.data, &want, 1e-11).unwrap();
    // ifftn undoes fftn.
    let back = c2c_nd(all.view(&strides), None, None, true, Norm::Backward).unwrap();
    close(&back.data, &x, 1e-13).unwrap();
    // fft2 with s: pad the last axis, truncate the one before.
    let two = c2c_nd(
        v,
        Some(&[Some(2), Some(8)]),
        Some(&[-2, -1]),
        false,
        Norm::Ortho,
    )
    .unwrap();
    assert_eq!(two.shape, vec![3, 2, 8]);
    let e = c2c_nd(v, Some(&[Some(2)]), Some(&[0, 1]), false, Norm::Ortho).unwrap_err();
    assert!(matches!(e, FftError::ShapeAxesMismatch { .. }));
    // rfftn then irfftn with the original shape is the identity.
    let r = noise(9, 60);
    let rv = Strided::new(&r, &shape, &strides);
    let spec = rfftn(rv, None, None, Norm::Backward).unwrap();
    assert_eq!(spec.shape, vec![3, 4, 3]);
    let ss = c_strides(&spec.shape);
    let back = irfftn(
        spec.view(&ss),
        Some(&[None, None, Some(5)]),
        None,
        Norm::Backward,
    )
    .unwrap();
    assert_eq!(back.shape, vec![3, 4, 5]);
    for (a, b) in back.data.iter().zip(&r) {
        assert!((a - b).abs() < 1e-13);
    }
    assert_eq!(
        rfftn(rv, None, Some(&[]), Norm::Backward).unwrap_err(),
        FftError::NoAxes
    );
}

#[test]
fn single_precision_stays_single() {
    let x: Vec<Complex<f32>> = cnoise(3, 30)
        .iter()
        .map(|v| Complex::new(v.re as f32, v.im as f32))
        .collect();
    let (shape, strides) = one_d(&x);
    let got: Output<Complex<f32>> = c2c(
        Strided::new(&x, &shape, &strides),
        0,
        None,
        false,
        Norm::Backward,
    )
    .unwrap();
    let x64: Vec<_> = x
        .iter()
        .map(|v| Complex::new(v.re as f64, v.im as f64))
        .collect();
    let want = naive(&x64, false, Norm::Backward);
    let got64: Vec<_> = got
        .data
        .iter()
        .map(|v| Complex::new(v.re as f64, v.im as f64))
        .collect();
    close(&got64, &want, 1e-5).unwrap();
    let r: Vec<f32> = x.iter().map(|v| v.re).collect();
    let spec = r2c(Strided::new(&r, &shape, &strides), 0, None, Norm::Backward).unwrap();
    let back: Output<f32> = c2r(spec.view(&[1]), 0, Some(30), Norm::Backward).unwrap();
    for (a, b) in back.data.iter().zip(&r) {
        assert!((a - b).abs() < 1e-5);
    }
}

#[test]
fn frequencies_follow_numpy() {
    assert_eq!(fftfreq(5, 0.5).unwrap(), vec![0.0, 0.4, 0.8, -0.8, -0.4]);
    assert_eq!(fftfreq(1, 1.0).unwrap(), vec![0.0]);
    assert_eq!(rfftfreq(5, 1.0).unwrap(), vec![0.0, 0.2, 0.4]);
    assert!(fftfreq(0, 1.0).is_none() && rfftfreq(3, 0.0).is_none());
}

proptest! {
    #[test]
    fn prop_c2c_matches_naive(len in 1usize..200, n in proptest::option::of(1usize..200), inv: bool, k in 0usize..3) {
        check_c2c(len, n, inv, NORMS[k]);
    }

    #[test]
    fn prop_real_pair_matches_naive(len in 1usize..150, n in 1usize..150, k in 0usize..3) {
        check_r2c(len, Some(n), NORMS[k]);
        check_c2r(len, Some(n), NORMS[k]);
    }
}
