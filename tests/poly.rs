//! `numcrane::poly` beyond the golden family: `roots` against NumPy's (complex, so not in the
//! array goldens: tests/spectral_golden/roots.json, written by
//! tests/numpy/gen_spectral_golden.py, matched as multisets), `Poly1d` round trips, and the
//! errors of the slice-level functions.

use numcrane::poly::{self, all_real, Complex, Poly1d};
use serde_json::Value;

fn nearest_match_distance(got: &[Complex<f64>], want: &[Complex<f64>]) -> f64 {
    assert_eq!(got.len(), want.len(), "{got:?} vs {want:?}");
    let mut used = vec![false; got.len()];
    let mut worst = 0.0f64;
    for w in want {
        let (k, d) = got
            .iter()
            .enumerate()
            .filter(|(i, _)| !used[*i])
            .map(|(i, g)| (i, (g - w).norm()))
            .fold(
                (usize::MAX, f64::INFINITY),
                |b, c| if c.1 < b.1 { c } else { b },
            );
        used[k] = true;
        worst = worst.max(d);
    }
    worst
}

#[test]
fn roots_match_numpy() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/spectral_golden/roots.json"
    );
    let all: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let cases = all["cases"].as_array().unwrap();
    assert!(cases.len() >= 10);
    for case in cases {
        let p: Vec<f64> = case["p"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        let want: Vec<Complex<f64>> = case["roots"]
            .as_array()
            .unwrap()
            .iter()
            .map(|z| Complex::new(z[0].as_f64().unwrap(), z[1].as_f64().unwrap()))
            .collect();
        let got = poly::roots(&p).unwrap();
        // A double root is only determined to about sqrt(eps).
        let tol = if case["name"] == "double_root" {
            1e-7
        } else {
            1e-12
        };
        let d = nearest_match_distance(&got, &want);
        assert!(d <= tol, "{}: {got:?} vs NumPy {want:?}", case["name"]);
        assert_eq!(Poly1d::new(&p).roots().unwrap().len(), got.len());
    }
}

#[test]
fn roots_reconstruct_the_polynomial_and_reject_non_finite() {
    let r = poly::roots(&[1.0, -6.0, 11.0, -6.0]).unwrap();
    assert!(all_real(&r) || r.iter().all(|z| z.im.abs() < 1e-12));
    let mut re: Vec<f64> = r.iter().map(|z| z.re).collect();
    re.sort_by(f64::total_cmp);
    let back = Poly1d::from_roots(&re);
    for (a, b) in back.coeffs().iter().zip([1.0, -6.0, 11.0, -6.0]) {
        assert!((a - b).abs() < 1e-12, "{back}");
    }
    let e = poly::roots(&[1.0, f64::NAN, 2.0]).unwrap_err();
    assert!(e.to_string().contains("infs or NaNs"), "{e}");
    assert!(poly::roots(&[0.0, 0.0]).unwrap().is_empty());
}

#[test]
fn poly1d_division_and_integration_round_trip() {
    let p = Poly1d::new(&[0.0, 0.0, 2.0, -3.0, 0.5, 4.0]);
    assert_eq!(p.coeffs(), &[2.0, -3.0, 0.5, 4.0]);
    assert_eq!(p.order(), 3);
    let d = Poly1d::new(&[1.0, -2.0]);
    let (q, r) = p.div(&d).unwrap();
    let back = &(&q * &d) + &r;
    assert_eq!(back.coeffs(), p.coeffs());
    let i = p.integ(1, &[7.0]).unwrap();
    assert_eq!(i.deriv(1), p);
    assert_eq!(i.eval(0.0), 7.0);
    assert_eq!(Poly1d::new(&[]).coeffs(), &[0.0]);
    assert_eq!(Poly1d::new(&[5.0]).deriv(1).coeffs(), &[0.0]);
    assert_eq!(
        format!("{}", Poly1d::new(&[1.0, 2.5])),
        "poly1d([1.0, 2.5])"
    );
}

#[test]
fn slice_level_errors_name_the_operation() {
    let e = poly::polyint(&[1.0, 2.0], 3, &[1.0, 2.0]).unwrap_err();
    assert!(
        e.to_string().contains("polyint") && e.to_string().contains("k must be"),
        "{e}"
    );
    let e = poly::polydiv(&[], &[1.0]).unwrap_err();
    assert!(e.to_string().contains("polydiv"), "{e}");
    // NumPy's polymul goes through poly1d: an empty operand is the zero polynomial.
    assert_eq!(poly::polymul(&[1.0, 2.0], &[]), vec![0.0, 0.0]);
    // A float32 fit is float64, as NumPy's (its Vandermonde matrix is promoted with int).
    let x = numcrane::array([0.0f32, 1.0, 2.0, 3.0]);
    let y = numcrane::array([1.0f32, 2.0, 5.0, 10.0]);
    let fit = poly::polyfit(&x, &y, 2, None, None, poly::Cov::No);
    assert_eq!(fit.coeffs.dtype(), numcrane::DType::F64);
    assert_eq!(fit.rank, 3);
    let c = fit.coeffs.to_vec::<f64>().unwrap();
    assert!(
        (c[0] - 1.0).abs() < 1e-5 && c[1].abs() < 1e-5 && (c[2] - 1.0).abs() < 1e-5,
        "{c:?}"
    );
}
