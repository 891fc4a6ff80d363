//! `numcrane::fft`'s array transforms against NumPy: the same cases as the numcrane-fft crate's
//! golden test (crates/numcrane-fft/tests/data/numpy_golden.json, written by
//! `python3 tests/numpy/golden_fft.py`), run through arrays: input arrays of NumPy's dtype
//! (float32/float64, complex64/complex128), and NumPy's output dtype, shape and values (or an
//! error array where NumPy raised). Cases whose `s` has a `None` entry are left to the crate
//! test (the array functions take lengths only). Also: transforms of strided views, and
//! `linalg::eig` / `poly::roots_array` results.

use numcrane::fft::{self, Norm};
use numcrane::{array, linalg, matmul, Array, Complex32, Complex64, DType};
use serde_json::Value;

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .expect("a list")
        .iter()
        .map(|x| x.as_f64().expect("a number"))
        .collect()
}

fn usizes(v: &Value) -> Vec<usize> {
    v.as_array()
        .expect("a list")
        .iter()
        .map(|x| x.as_u64().expect("an index") as usize)
        .collect()
}

/// The case's input as an array of NumPy's dtype.
fn input(case: &Value) -> Array {
    let shape = usizes(&case["shape"]);
    let data = floats(&case["input"]);
    let single = case["dtype"] == "f32";
    match (case["complex_in"].as_bool().unwrap(), single) {
        (true, true) => Array::from_vec(
            data.chunks_exact(2)
                .map(|p| Complex32::new(p[0] as f32, p[1] as f32))
                .collect::<Vec<_>>(),
            shape,
        ),
        (true, false) => Array::from_vec(
            data.chunks_exact(2)
                .map(|p| Complex64::new(p[0], p[1]))
                .collect::<Vec<_>>(),
            shape,
        ),
        (false, true) => Array::from_vec(data.iter().map(|&x| x as f32).collect::<Vec<_>>(), shape),
        (false, false) => Array::from_vec(data, shape),
    }
}

/// Values of a result as f64 (re/im pairs for complex).
fn values(a: &Array) -> numcrane::Result<Vec<f64>> {
    Ok(match a.dtype() {
        DType::C64 => a
            .to_vec::<Complex32>()?
            .iter()
            .flat_map(|c| [c.re as f64, c.im as f64])
            .collect(),
        DType::C128 => a
            .to_vec::<Complex64>()?
            .iter()
            .flat_map(|c| [c.re, c.im])
            .collect(),
        _ => a.astype(DType::F64).to_vec::<f64>()?,
    })
}

fn run(case: &Value, x: &Array) -> Option<Array> {
    let n = case["n"].as_u64().map(|n| n as usize);
    let axis = case["axis"].as_i64().unwrap() as isize;
    let norm = Norm::parse(case["norm"].as_str().unwrap()).unwrap();
    let s: Option<Vec<usize>> = match case["s"].as_array() {
        Some(s) => Some(
            s.iter()
                .map(|v| v.as_u64().map(|v| v as usize))
                .collect::<Option<Vec<_>>>()?,
        ),
        None => None,
    };
    let axes: Option<Vec<isize>> = case["axes"]
        .as_array()
        .map(|a| a.iter().map(|v| v.as_i64().unwrap() as isize).collect());
    let (s, axes) = (s.as_deref(), axes.as_deref());
    Some(match case["fn"].as_str().unwrap() {
        "fft" => fft::fft(x, n, axis, norm),
        "ifft" => fft::ifft(x, n, axis, norm),
        "rfft" => fft::rfft(x, n, axis, norm),
        "irfft" => fft::irfft(x, n, axis, norm),
        "hfft" => fft::hfft(x, n, axis, norm),
        "ihfft" => fft::ihfft(x, n, axis, norm),
        "fftn" => fft::fftn(x, s, axes, norm),
        "ifftn" => fft::ifftn(x, s, axes, norm),
        // The array functions fix fft2's axes to the last two, as NumPy's default.
        "fft2" if axes.is_none() => fft::fft2(x, s, norm),
        "ifft2" if axes.is_none() => fft::ifft2(x, s, norm),
        "fft2" => fft::fftn(x, s, axes, norm),
        "ifft2" => fft::ifftn(x, s, axes, norm),
        "rfftn" => fft::rfftn(x, s, axes, norm),
        "irfftn" => fft::irfftn(x, s, axes, norm),
        other => panic!("unknown golden function {other}"),
    })
}

#[test]
fn array_transforms_match_numpy() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/crates/numcrane-fft/tests/data/numpy_golden.json"
    );
    let text = std::fs::read_to_string(path).expect("golden file");
    let all: Value = serde_json::from_str(&text).unwrap();
    let cases = all["cases"].as_array().unwrap();
    let (mut failures, mut ran) = (Vec::new(), 0);
    for (i, case) in cases.iter().enumerate() {
        let x = input(case);
        let Some(y) = run(case, &x) else { continue };
        ran += 1;
        let label = format!("case {i} {} {:?} {}", case["fn"], x.shape(), case["dtype"]);
        let want_dtype = match case["out_dtype"].as_str() {
            Some("complex64") => Some(DType::C64),
            Some("complex128") => Some(DType::C128),
            Some("float32") => Some(DType::F32),
            Some("float64") => Some(DType::F64),
            _ => None,
        };
        match (values(&y), case["error"].as_str()) {
            (Err(_), Some(_)) => {}
            (Err(e), None) => failures.push(format!("{label}: error {e}, NumPy succeeded")),
            (Ok(_), Some(w)) => failures.push(format!("{label}: succeeded, NumPy raised {w}")),
            (Ok(vals), None) => {
                let want = floats(&case["output"]);
                if y.shape() != usizes(&case["out_shape"]) || Some(y.dtype()) != want_dtype {
                    failures.push(format!(
                        "{label}: {:?} {} vs NumPy's {} {}",
                        y.shape(),
                        y.dtype(),
                        case["out_shape"],
                        case["out_dtype"]
                    ));
                    continue;
                }
                let single = matches!(y.dtype(), DType::F32 | DType::C64);
                let scale = want.iter().fold(1.0f64, |m, v| m.max(v.abs()));
                let tol =
                    if single { 2e-6 } else { 1e-14 } * scale * (want.len() as f64).log2().max(1.0);
                if let Some((k, (a, b))) = vals
                    .iter()
                    .zip(&want)
                    .enumerate()
                    .find(|(_, (a, b))| (*a - *b).abs() > tol)
                {
                    failures.push(format!("{label}: value {k}: {a} vs NumPy's {b}"));
                }
            }
        }
    }
    assert!(ran > 250, "only {ran} cases ran");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A transposed, reversed view transforms as its copy does; an integer array computes in
/// complex128; a bad axis is an error naming the function.
#[test]
fn views_integers_and_errors() {
    let base = array([[1.0, 2.0, 3.0], [4.0, 5.0, 7.0]]);
    let view = base.T().flip(0);
    let copy = view.copy();
    let a = values(&fft::fft(&view, None, 0, Norm::Backward)).unwrap();
    let b = values(&fft::fft(&copy, None, 0, Norm::Backward)).unwrap();
    assert_eq!(a, b);
    let i = fft::rfft(&array([1i64, 2, 3, 4]), None, -1, Norm::Backward);
    assert_eq!(i.dtype(), DType::C128);
    let e = fft::fft(&base, None, 2, Norm::Backward).eval().unwrap_err();
    assert!(e.to_string().contains("fft"), "{e}");
    let e = fft::fft(&base, Some(0), -1, Norm::Backward)
        .eval()
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("Invalid number of FFT data points (0)"),
        "{e}"
    );
}

/// eig's pairs satisfy `a v = w v`; a stack with complex eigenvalues is complex, one with real
/// ones is real; float32 input gives complex64; roots of a polynomial with complex roots.
#[test]
fn eig_and_roots_on_arrays() {
    let a = array([[[0.0, -2.0], [1.0, 0.0]], [[1.0, 2.0], [3.0, 4.0]]]);
    let r = linalg::eig(&a);
    assert_eq!(r.eigenvalues.dtype(), DType::C128);
    assert_eq!(r.eigenvectors.shape(), &[2, 2, 2]);
    let ac = a.astype(DType::C128);
    let av = matmul(&ac, &r.eigenvectors);
    let wv = &r.eigenvectors * &r.eigenvalues.expand_dims(1);
    let diff = values(&(&av - &wv)).unwrap();
    assert!(diff.iter().all(|d| d.abs() < 1e-12), "{diff:?}");
    let real = linalg::eig(&array([[2.0, 1.0], [1.0, 2.0]]));
    assert_eq!(real.eigenvalues.dtype(), DType::F64);
    let single = linalg::eigvals(&array([[0.0f32, -1.0], [1.0, 0.0]]));
    assert_eq!(single.dtype(), DType::C64);
    let e = linalg::eig(&array([[1.0, 2.0, 3.0]]))
        .eigenvalues
        .eval()
        .unwrap_err();
    assert!(e.to_string().contains("square"), "{e}");
    // x^3 - 1: one real root and a complex pair.
    let roots = numcrane::poly::roots_array(&array([1.0, 0.0, 0.0, -1.0]));
    assert_eq!(roots.dtype(), DType::C128);
    let mut z = roots.to_vec::<Complex64>().unwrap();
    z.sort_by(|a, b| a.im.total_cmp(&b.im));
    assert!((z[1] - Complex64::new(1.0, 0.0)).norm() < 1e-12);
    assert!((z[2] - Complex64::new(-0.5, 3f64.sqrt() / 2.0)).norm() < 1e-12);
}
