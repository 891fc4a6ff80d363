//! The crate's transforms against NumPy's answers: tests/data/numpy_golden.json, written by
//! `python3 tests/numpy/golden_fft.py` (the repository's golden generator run as a script).
//! Each case names a `numpy.fft` function, its input (complex values as re/im pairs), its
//! arguments, and NumPy's output or error message. float32 cases run in single precision and
//! must match NumPy's complex64 / float32 output within single-precision rounding.

use num_complex::Complex;
use numcrane_fft::{self as fft, c_strides, Norm, Real, Strided};
use serde_json::Value;

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .expect("a list of numbers")
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

/// The outcome of one case: its shape and values as re/im pairs (or reals), or the error.
type Outcome = Result<(Vec<usize>, Vec<f64>), fft::FftError>;

fn pairs<T: Real>(v: &[Complex<T>]) -> Vec<f64> {
    v.iter()
        .flat_map(|c| [c.re.to_f64().unwrap(), c.im.to_f64().unwrap()])
        .collect()
}

fn reals<T: Real>(v: &[T]) -> Vec<f64> {
    v.iter().map(|x| x.to_f64().unwrap()).collect()
}

fn run<T: Real>(case: &Value) -> Outcome {
    let f = case["fn"].as_str().unwrap();
    let shape = usizes(&case["shape"]);
    let strides = c_strides(&shape);
    let data = floats(&case["input"]);
    let cin: Vec<Complex<T>> = data
        .chunks_exact(2)
        .map(|p| Complex::new(T::of_f64(p[0]), T::of_f64(p[1])))
        .collect();
    let rin: Vec<T> = data.iter().map(|&x| T::of_f64(x)).collect();
    let c = Strided::new(&cin, &shape, &strides);
    let r = Strided::new(&rin, &shape, &strides);
    let n = case["n"].as_u64().map(|n| n as usize);
    let axis = case["axis"].as_i64().unwrap() as isize;
    let norm = Norm::parse(case["norm"].as_str().unwrap()).unwrap();
    let s: Option<Vec<Option<usize>>> = case["s"]
        .as_array()
        .map(|s| s.iter().map(|v| v.as_u64().map(|v| v as usize)).collect());
    let axes: Option<Vec<isize>> = case["axes"]
        .as_array()
        .map(|a| a.iter().map(|v| v.as_i64().unwrap() as isize).collect());
    let (s, axes) = (s.as_deref(), axes.as_deref());
    let two: &[isize] = &[-2, -1];
    let c_out = |o: fft::Result<fft::Output<Complex<T>>>| o.map(|o| (o.shape, pairs(&o.data)));
    let r_out = |o: fft::Result<fft::Output<T>>| o.map(|o| (o.shape, reals(&o.data)));
    match f {
        "fft" => c_out(fft::fft(c, n, axis, norm)),
        "ifft" => c_out(fft::ifft(c, n, axis, norm)),
        "rfft" => c_out(fft::rfft(r, n, axis, norm)),
        "irfft" => r_out(fft::irfft(c, n, axis, norm)),
        "hfft" => r_out(fft::hfft(c, n, axis, norm)),
        "ihfft" => c_out(fft::ihfft(r, n, axis, norm)),
        "fftn" => c_out(fft::c2c_nd(c, s, axes, false, norm)),
        "ifftn" => c_out(fft::c2c_nd(c, s, axes, true, norm)),
        "fft2" => c_out(fft::c2c_nd(c, s, Some(axes.unwrap_or(two)), false, norm)),
        "ifft2" => c_out(fft::c2c_nd(c, s, Some(axes.unwrap_or(two)), true, norm)),
        "rfftn" => c_out(fft::rfftn(r, s, axes, norm)),
        "irfftn" => r_out(fft::irfftn(c, s, axes, norm)),
        other => panic!("unknown golden function {other}"),
    }
}

#[test]
fn transforms_match_numpy() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/numpy_golden.json");
    let text =
        std::fs::read_to_string(path).expect("golden file (python3 tests/numpy/golden_fft.py)");
    let all: Value = serde_json::from_str(&text).unwrap();
    let cases = all["cases"].as_array().unwrap();
    assert!(cases.len() > 300, "only {} cases", cases.len());
    let mut failures = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let single = case["dtype"] == "f32";
        let got = if single {
            run::<f32>(case)
        } else {
            run::<f64>(case)
        };
        let label = format!(
            "case {i} {} {:?} n={} s={} axes={} norm={}",
            case["fn"],
            usizes(&case["shape"]),
            case["n"],
            case["s"],
            case["axes"],
            case["norm"]
        );
        match (got, case["error"].as_str()) {
            (Err(e), Some(want)) => {
                if want.starts_with("Invalid number") && e.to_string() != want {
                    failures.push(format!("{label}: error {e} vs NumPy's {want}"));
                }
            }
            (Err(e), None) => failures.push(format!("{label}: error {e}, NumPy succeeded")),
            (Ok(_), Some(want)) => {
                failures.push(format!("{label}: succeeded, NumPy raised {want}"))
            }
            (Ok((shape, vals)), None) => {
                let want = floats(&case["output"]);
                if shape != usizes(&case["out_shape"]) || vals.len() != want.len() {
                    failures.push(format!("{label}: shape {shape:?} vs {}", case["out_shape"]));
                    continue;
                }
                let scale = want.iter().fold(1.0f64, |m, v| m.max(v.abs()));
                let tol =
                    if single { 2e-6 } else { 1e-14 } * scale * (want.len() as f64).log2().max(1.0);
                if let Some((k, (a, b))) = vals
                    .iter()
                    .zip(&want)
                    .enumerate()
                    .find(|(_, (a, b))| (*a - *b).abs() > tol)
                {
                    failures.push(format!(
                        "{label}: value {k}: {a} vs NumPy's {b} (tol {tol})"
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
