//! complex64 / complex128 through the public API: construction, operators with complex
//! scalars, promotion, printing, `.npy` files, errors for the functions NumPy rejects, and
//! every backend agreeing with the reference evaluator (complex nodes run there). The values
//! themselves are checked against NumPy by the golden family `complex` (tests/golden.rs).

use numcrane::io::{load_npy, save_npy};
use numcrane::{array, Array, Backend, Complex32, Complex64, DType};

fn c(re: f64, im: f64) -> Complex64 {
    Complex64::new(re, im)
}

#[test]
fn arrays_of_complex_values_have_complex_dtypes() {
    let z = array([c(1.0, 2.0), c(3.0, -4.0)]);
    assert_eq!(z.dtype(), DType::C128);
    assert_eq!(z.dtype().itemsize(), 16);
    let w = Array::from_vec(vec![Complex32::new(0.5, 1.0); 6], [2, 3]);
    assert_eq!(w.dtype(), DType::C64);
    assert_eq!(w.shape(), &[2, 3]);
    assert_eq!(
        z.to_vec::<Complex64>().unwrap(),
        vec![c(1.0, 2.0), c(3.0, -4.0)]
    );
    assert_eq!(array(c(0.0, 1.0)).item::<Complex64>().unwrap(), c(0.0, 1.0));
    // The wrong element type is an error, not a reinterpretation.
    assert!(z.to_vec::<f64>().is_err());
}

#[test]
fn operators_with_a_complex_scalar_follow_nep50() {
    let i = c(0.0, 1.0);
    // float32 array * 1j is complex64, float64 and integers complex128, complex keeps its own.
    let f32s = array([1.0f32, 2.0]);
    assert_eq!((&f32s * i).dtype(), DType::C64);
    assert_eq!((&array([1.0, 2.0]) * i).dtype(), DType::C128);
    assert_eq!((&array([1i8, 2]) + i).dtype(), DType::C128);
    assert_eq!((&array([Complex32::new(1.0, 0.0)]) * i).dtype(), DType::C64);
    let z = array([c(1.0, 2.0), c(-3.0, 0.5)]);
    assert_eq!(
        (&z * i).to_vec::<Complex64>().unwrap(),
        vec![c(-2.0, 1.0), c(-0.5, -3.0)]
    );
    assert_eq!(
        (i - &z).to_vec::<Complex64>().unwrap(),
        vec![c(-1.0, -1.0), c(3.0, 0.5)]
    );
    // Array-array promotion: complex64 with int32 is complex128 (float32 + int32 is float64).
    let mixed = &array([Complex32::new(1.0, 1.0)]) + &array([2i32]);
    assert_eq!(mixed.dtype(), DType::C128);
    assert_eq!(mixed.to_vec::<Complex64>().unwrap(), vec![c(3.0, 1.0)]);
}

#[test]
fn parts_and_casts() {
    let z = array([c(3.0, 4.0), c(-1.0, 0.0)]);
    assert_eq!(z.real().dtype(), DType::F64);
    assert_eq!(z.imag().to_vec::<f64>().unwrap(), vec![4.0, 0.0]);
    assert_eq!(z.abs().to_vec::<f64>().unwrap(), vec![5.0, 1.0]);
    assert_eq!(
        numcrane::angle(&z).to_vec::<f64>().unwrap()[1],
        std::f64::consts::PI
    );
    assert_eq!(
        numcrane::iscomplex(&z).to_vec::<bool>().unwrap(),
        vec![true, false]
    );
    // astype drops the imaginary part; bool tests both parts.
    assert_eq!(z.astype(DType::I32).to_vec::<i32>().unwrap(), vec![3, -1]);
    let b = array([c(0.0, 0.0), c(0.0, -2.0)]).astype(DType::Bool);
    assert_eq!(b.to_vec::<bool>().unwrap(), vec![false, true]);
    // Real arrays: real is the array, imag zeros, conj the array.
    let x = array([1.5f32, -2.0]);
    assert_eq!(x.imag().to_vec::<f32>().unwrap(), vec![0.0, 0.0]);
    assert_eq!(x.conj().to_vec::<f32>().unwrap(), vec![1.5, -2.0]);
}

#[test]
fn prints_as_numpy() {
    let z = array([c(1.0, 2.0), c(3.0, -4.0)]);
    assert_eq!(format!("{z:?}"), "array([1.+2.j, 3.-4.j])");
    let w = array([Complex32::new(1.5, 2.0), Complex32::new(-0.0, -0.25)]);
    assert_eq!(format!("{w}"), "[ 1.5+2.j   -0. -0.25j]");
    assert_eq!(
        format!("{w:?}"),
        "array([ 1.5+2.j  , -0. -0.25j], dtype=complex64)"
    );
    assert_eq!(format!("{}", array(c(1.0, 2.0))), "(1+2j)");
    assert_eq!(format!("{}", array(c(0.0, -2.5))), "-2.5j");
}

#[test]
fn functions_without_complex_loops_are_errors_naming_the_function() {
    let z = array([c(1.5, 2.0)]);
    for (name, result) in [
        ("floor", numcrane::floor(&z)),
        ("remainder", numcrane::remainder(&z, &z)),
        ("arctan2", numcrane::arctan2(&z, &z)),
        ("bitwise_and", numcrane::bitwise_and(&z, &z)),
    ] {
        let err = result.eval().expect_err(name).to_string();
        assert!(err.contains(name), "{name}: {err}");
        assert!(err.contains("complex128"), "{name}: {err}");
    }
}

#[test]
fn npy_files_round_trip() {
    let dir = std::env::temp_dir().join(format!("numcrane_complex_{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for a in [
        array([[c(1.0, -2.0), c(f64::NAN, f64::INFINITY)]]),
        array([Complex32::new(0.25, -0.0), Complex32::new(3.0, 1e-30)]),
    ] {
        let path = dir.join(format!("{}.npy", a.dtype()));
        save_npy(&path, &a).unwrap();
        let b = load_npy(&path).unwrap();
        assert_eq!(b.dtype(), a.dtype());
        assert_eq!(b.shape(), a.shape());
        assert_eq!(format!("{b:?}"), format!("{a:?}"));
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn every_backend_computes_complex_graphs_on_the_evaluator() {
    let z = Array::from_vec(
        (0..40)
            .map(|k| c(k as f64 * 0.25 - 3.0, 2.0 - k as f64 * 0.125))
            .collect(),
        [5, 8],
    );
    let x = numcrane::arange(0.0, 40.0, 1.0).reshape([5, 8]);
    // Real and complex ops mixed: the real parts fuse, the complex ones stay out of kernels.
    let y = ((&z * &x + c(0.5, -1.0)).exp().abs() + x.sqrt()).sum(1);
    let plan = y.explain_plan();
    assert!(
        plan.contains("complex dtype: runs on the reference evaluator"),
        "{plan}"
    );
    let want = y.eval_with(Backend::Eval).unwrap().to_vec::<f64>().unwrap();
    for backend in [Backend::Jit, Backend::Interpret, Backend::Unfused] {
        let got = y
            .copy()
            .eval_with(backend)
            .unwrap()
            .to_vec::<f64>()
            .unwrap();
        assert_eq!(got, want, "{backend:?}");
    }
    let s = numcrane::sort(&z.ravel(), None)
        .eval_with(Backend::Jit)
        .unwrap();
    let v = s.to_vec::<Complex64>().unwrap();
    assert!(v
        .windows(2)
        .all(|w| (w[0].re, w[0].im) <= (w[1].re, w[1].im)));
}
