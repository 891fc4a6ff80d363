//! The complex-number gaps of issue 8 through the public API: `nan_to_num` on each part,
//! `real_if_close`, `angle_with(.., deg)`, searchsorted and the set routines in NumPy's
//! complex order, unique along an axis, `vdot` conjugating its first argument, and the clear
//! errors of the functions NumPy rejects complex for. The values are checked against NumPy
//! by the golden family `complex2` (tests/golden.rs); these tests pin the API shapes: dtypes,
//! shapes, signed zeros, and that bad input is an error naming the operation and the line.

use numcrane::{
    angle_with, array, digitize, intersect1d, isin, nan_to_num, nan_to_num_with, power,
    real_if_close, searchsorted, setdiff1d, union1d, unique, unique_with, vdot, Complex32,
    Complex64, DType, Side,
};

fn c(re: f64, im: f64) -> Complex64 {
    Complex64::new(re, im)
}

#[test]
fn nan_to_num_replaces_each_part_and_keeps_signed_zeros() {
    let (nan, inf) = (f64::NAN, f64::INFINITY);
    let z = array([c(nan, -0.0), c(-0.0, inf), c(inf, -inf), c(1.5, nan)]);
    let y = nan_to_num(&z).to_vec::<Complex64>().unwrap();
    assert_eq!(y[0], c(0.0, 0.0));
    assert!(y[0].im.is_sign_negative(), "the finite -0.0 part is kept");
    assert!(y[1].re.is_sign_negative());
    assert_eq!(y[1].im, f64::MAX);
    assert_eq!(y[2], c(f64::MAX, f64::MIN));
    assert_eq!(y[3], c(1.5, 0.0));
    let w = nan_to_num_with(&z, -1.0, Some(7.0), Some(-8.0))
        .to_vec::<Complex64>()
        .unwrap();
    assert_eq!(
        w,
        vec![c(-1.0, -0.0), c(-0.0, 7.0), c(7.0, -8.0), c(1.5, -1.0)]
    );
}

#[test]
fn nan_to_num_of_complex64_uses_float32_limits() {
    let z = array([Complex32::new(f32::INFINITY, f32::NAN)]).reshape([1, 1]);
    let y = nan_to_num(&z);
    assert_eq!(y.dtype(), DType::C64);
    assert_eq!(y.shape(), &[1, 1]);
    assert_eq!(
        y.to_vec::<Complex32>().unwrap(),
        vec![Complex32::new(f32::MAX, 0.0)]
    );
    // a replacement beyond float32's range becomes inf, as NumPy's cast does
    let big = nan_to_num_with(&z, 0.0, Some(1e300), None);
    assert_eq!(big.to_vec::<Complex32>().unwrap()[0].re, f32::INFINITY);
}

#[test]
fn real_if_close_picks_the_dtype_from_the_data() {
    let close = array([c(1.0, 1e-14), c(-2.0, 0.0)]);
    let r = real_if_close(&close, 100.0);
    assert_eq!(r.dtype(), DType::F64);
    assert_eq!(r.to_vec::<f64>().unwrap(), vec![1.0, -2.0]);
    let far = array([c(1.0, 1e-12)]);
    assert_eq!(real_if_close(&far, 100.0).dtype(), DType::C128);
    // an absolute tolerance (at most 1)
    assert_eq!(real_if_close(&far, 1e-11).dtype(), DType::F64);
    // complex64 counts float32 epsilons
    let z32 = array([Complex32::new(1.0, 1e-6)]);
    assert_eq!(real_if_close(&z32, 100.0).dtype(), DType::F32);
    assert_eq!(real_if_close(&z32, 1.0e-7).dtype(), DType::C64);
    // NaN is never close; real arrays pass through
    assert_eq!(
        real_if_close(&array([c(1.0, f64::NAN)]), 100.0).dtype(),
        DType::C128
    );
    assert_eq!(real_if_close(&array([1i32, 2]), 100.0).dtype(), DType::I32);
}

#[test]
fn angle_in_degrees_keeps_the_part_dtype() {
    let z = array([Complex32::new(0.0, 1.0), Complex32::new(-1.0, 0.0)]);
    let d = angle_with(&z, true);
    assert_eq!(d.dtype(), DType::F32);
    assert_eq!(d.to_vec::<f32>().unwrap(), vec![90.0, 180.0]);
    let r = angle_with(&array([-2i64, 3]), true);
    assert_eq!(r.dtype(), DType::F64);
    assert_eq!(r.to_vec::<f64>().unwrap(), vec![180.0, 0.0]);
}

#[test]
fn complex64_integer_powers_are_computed_in_float32() {
    // NumPy's npy_cpowf squares in float32: (0.7+0.3j)**12 there differs from the float64
    // result rounded once; the float32 product chain is reproduced here step by step.
    let z = Complex32::new(0.7, 0.3);
    let mul = |a: Complex32, b: Complex32| {
        Complex32::new(a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re)
    };
    let z2 = mul(z, z);
    let z4 = mul(z2, z2);
    let z8 = mul(z4, z4);
    let want = mul(z4, z8);
    let got = power(array([z]), Complex32::new(12.0, 0.0));
    assert_eq!(got.dtype(), DType::C64);
    assert_eq!(got.to_vec::<Complex32>().unwrap(), vec![want]);
}

#[test]
fn searchsorted_orders_complex_lexicographically_nan_last() {
    let hay = array([c(1.0, 1.0), c(1.0, 2.0), c(2.0, 0.0), c(f64::NAN, 0.0)]);
    let v = array([c(1.0, 1.5), c(9.0, 0.0), c(f64::NAN, 0.0), c(2.0, 0.0)]).reshape([2, 2]);
    let left = searchsorted(&hay, &v, Side::Left, None);
    assert_eq!(left.shape(), &[2, 2]);
    assert_eq!(left.to_vec::<i64>().unwrap(), vec![1, 3, 3, 2]);
    let right = searchsorted(&hay, &v, Side::Right, None);
    assert_eq!(right.to_vec::<i64>().unwrap(), vec![1, 3, 4, 3]);
}

#[test]
fn set_routines_accept_complex() {
    let a = array([c(1.0, 1.0), c(2.0, 0.0), c(1.0, 1.0), c(0.0, -1.0)]);
    let b = array([c(2.0, 0.0), c(0.0, -1.0), c(5.0, 5.0)]);
    assert_eq!(
        intersect1d(&a, &b, false).to_vec::<Complex64>().unwrap(),
        vec![c(0.0, -1.0), c(2.0, 0.0)]
    );
    assert_eq!(
        union1d(&a, &b).to_vec::<Complex64>().unwrap(),
        vec![c(0.0, -1.0), c(1.0, 1.0), c(2.0, 0.0), c(5.0, 5.0)]
    );
    assert_eq!(
        setdiff1d(&a, &b, false).to_vec::<Complex64>().unwrap(),
        vec![c(1.0, 1.0)]
    );
    // real elements tested against complex ones compare in complex128
    assert_eq!(
        isin(&array([2.0, 1.0]), &b, false, false)
            .to_vec::<bool>()
            .unwrap(),
        vec![true, false]
    );
}

#[test]
fn unique_along_an_axis_of_complex_rows() {
    let m = array([
        c(1.0, 1.0),
        c(2.0, 0.0),
        c(0.0, 1.0),
        c(0.0, 0.0),
        c(1.0, 1.0),
        c(2.0, 0.0),
    ])
    .reshape([3, 2]);
    let u = unique_with(&m, Some(0), true);
    assert_eq!(u.values.shape(), &[2, 2]);
    assert_eq!(
        u.values.to_vec::<Complex64>().unwrap(),
        vec![c(0.0, 1.0), c(0.0, 0.0), c(1.0, 1.0), c(2.0, 0.0)]
    );
    assert_eq!(u.inverse_indices.to_vec::<i64>().unwrap(), vec![1, 0, 1]);
    assert_eq!(u.counts.to_vec::<i64>().unwrap(), vec![1, 2]);
}

#[test]
fn unique_keeps_the_nan_value_numpy_keeps() {
    // With return_index NumPy sorts, and (nan+1j, 1+nanj) sort as 1+nanj first: the NaN group
    // keeps that one.
    let z = array([c(f64::NAN, 1.0), c(1.0, f64::NAN), c(1.0, 0.0)]);
    let u = unique_with(&z, None, true);
    assert_eq!(u.indices.to_vec::<i64>().unwrap(), vec![2, 1]);
    let v = u.values.to_vec::<Complex64>().unwrap();
    assert!(v[1].re == 1.0 && v[1].im.is_nan());
    // The values alone come from NumPy's hash path: the first NaN value in input order.
    for u in [unique(&z), union1d(&z, &array([c(1.0, 0.0)]))] {
        let u = u.to_vec::<Complex64>().unwrap();
        assert_eq!(u.len(), 2);
        assert_eq!(u[0], c(1.0, 0.0));
        assert!(u[1].re.is_nan() && u[1].im == 1.0);
    }
}

#[test]
fn vdot_conjugates_its_first_argument() {
    let a = array([c(1.0, 2.0), c(0.0, 3.0)]);
    let b = array([c(2.0, -1.0), c(1.0, 0.0)]);
    // conj(1+2j)(2-1j) + conj(3j)(1) = (1-2j)(2-1j) - 3j = -5j - 3j
    assert_eq!(
        vdot(&a, &b).to_vec::<Complex64>().unwrap(),
        vec![c(0.0, -8.0)]
    );
}

#[test]
fn digitize_rejects_complex_naming_the_operation_and_line() {
    let z = array([c(1.0, 1.0)]);
    let line = line!() + 1;
    let err = digitize(&z, &array([0.0, 1.0]), false).eval().unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("digitize"), "{msg}");
    assert!(msg.contains("complex128"), "{msg}");
    assert!(msg.contains("may not be complex"), "{msg}");
    assert!(msg.contains(&format!("complex_more.rs:{line}")), "{msg}");
    let err = digitize(&array([0.5]), &z, false).eval().unwrap_err();
    assert!(
        err.to_string().contains("cannot be cast to float64"),
        "{err}"
    );
}

/// A file in the temporary directory, removed when dropped.
struct Temp(std::path::PathBuf);

impl Temp {
    fn new(tag: &str) -> Temp {
        Temp(std::env::temp_dir().join(format!(
            "numcrane-complex-more-{tag}-{}.txt",
            std::process::id()
        )))
    }
}

impl Drop for Temp {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[test]
fn savetxt_writes_complex_as_numpy() {
    use numcrane::io::{savetxt, SaveTxt};
    let f = Temp::new("save");
    let z = array([
        c(1.0, 2.0),
        c(-3.5, -0.25),
        c(f64::NAN, 1.0),
        c(1.0, f64::NEG_INFINITY),
    ])
    .reshape([2, 2]);
    savetxt(&f.0, &z, &SaveTxt::default()).unwrap();
    // np.savetxt(f, z) with NumPy 2.4
    assert_eq!(
        std::fs::read_to_string(&f.0).unwrap(),
        " (1.000000000000000000e+00+2.000000000000000000e+00j)  \
         (-3.500000000000000000e+00-2.500000000000000000e-01j)\n \
         (nan+1.000000000000000000e+00j)  (1.000000000000000000e+00-infj)\n"
    );
    let z32 = array([Complex32::new(1.0, 2.0), Complex32::new(3.0, -4.0)]);
    let opts = SaveTxt {
        fmt: "%.2f".into(),
        delimiter: ",".into(),
        ..Default::default()
    };
    savetxt(&f.0, &z32, &opts).unwrap();
    assert_eq!(
        std::fs::read_to_string(&f.0).unwrap(),
        " (1.00+2.00j)\n (3.00-4.00j)\n"
    );
    // two conversions per column are used as they are
    let opts = SaveTxt {
        fmt: "%.1f %.1f|%.1f %.1f".into(),
        ..Default::default()
    };
    savetxt(
        &f.0,
        &array([c(1.0, 2.0), c(3.0, -4.0)]).reshape([1, 2]),
        &opts,
    )
    .unwrap();
    assert_eq!(std::fs::read_to_string(&f.0).unwrap(), "1.0 2.0|3.0 -4.0\n");
    // any other count of conversions is an error naming savetxt
    let opts = SaveTxt {
        fmt: "%.1f %.1f %.1f".into(),
        ..Default::default()
    };
    let err = savetxt(
        &f.0,
        &array([c(1.0, 2.0), c(3.0, -4.0)]).reshape([1, 2]),
        &opts,
    )
    .unwrap_err();
    assert!(err.to_string().contains("savetxt"), "{err}");
}

#[test]
fn loadtxt_reads_numpy_complex_text() {
    use numcrane::io::{loadtxt, LoadTxt};
    let f = Temp::new("load");
    std::fs::write(
        &f.0,
        "1+2j (3-4j)\n2j 1.5\n(1+-2j) inf+nanj\n-1e3-2.5e-1j 1.j\n",
    )
    .unwrap();
    let opts = LoadTxt {
        dtype: DType::C128,
        ..Default::default()
    };
    let z = loadtxt(&f.0, &opts).unwrap();
    assert_eq!(z.shape(), &[4, 2]);
    let v = z.to_vec::<Complex64>().unwrap();
    assert_eq!(
        &v[..4],
        &[c(1.0, 2.0), c(3.0, -4.0), c(0.0, 2.0), c(1.5, 0.0)]
    );
    assert_eq!(v[4], c(1.0, -2.0));
    assert!(v[5].re == f64::INFINITY && v[5].im.is_nan());
    assert_eq!(&v[6..], &[c(-1000.0, -0.25), c(0.0, 1.0)]);
    // complex64, with a delimiter
    std::fs::write(&f.0, "1+2j,(3-4j)\n").unwrap();
    let opts = LoadTxt {
        dtype: DType::C64,
        delimiter: Some(",".into()),
        ..Default::default()
    };
    let z = loadtxt(&f.0, &opts).unwrap();
    assert_eq!(z.dtype(), DType::C64);
    assert_eq!(
        z.to_vec::<Complex32>().unwrap(),
        vec![Complex32::new(1.0, 2.0), Complex32::new(3.0, -4.0)]
    );
    // spaces inside parentheses, signs, exponents (NumPy 2.4 reads these so)
    std::fs::write(&f.0, "( 1j ),+1-1j,1e+2j,.5j,(2),-inf-infj\n").unwrap();
    let z = loadtxt(&f.0, &opts).unwrap().astype(DType::C128);
    assert_eq!(
        z.to_vec::<Complex64>().unwrap(),
        vec![
            c(0.0, 1.0),
            c(1.0, -1.0),
            c(0.0, 100.0),
            c(0.0, 0.5),
            c(2.0, 0.0),
            c(f64::NEG_INFINITY, f64::NEG_INFINITY)
        ]
    );
    // what NumPy refuses
    for bad in ["1+2", "(1+2j", "1+2jx", "j", "1 +2j", "1e"] {
        std::fs::write(&f.0, format!("{bad}\n")).unwrap();
        let opts = LoadTxt {
            dtype: DType::C128,
            delimiter: Some(",".into()),
            ..Default::default()
        };
        let err = loadtxt(&f.0, &opts).unwrap_err();
        assert!(
            err.to_string().contains("could not convert"),
            "{bad}: {err}"
        );
    }
}

#[test]
fn genfromtxt_fills_missing_complex_with_nan() {
    use numcrane::io::{genfromtxt, GenFromTxt};
    let f = Temp::new("genfromtxt");
    std::fs::write(&f.0, "1+2j,(3-4j)\n,2j\n").unwrap();
    let opts = GenFromTxt {
        dtype: DType::C128,
        delimiter: Some(",".into()),
        ..Default::default()
    };
    let z = genfromtxt(&f.0, &opts).unwrap();
    assert_eq!(z.shape(), &[2, 2]);
    let v = z.to_vec::<Complex64>().unwrap();
    // np.genfromtxt(..., dtype=complex): a missing field is nan+0j
    assert_eq!(v[0], c(1.0, 2.0));
    assert_eq!(v[1], c(3.0, -4.0));
    assert!(v[2].re.is_nan() && v[2].im == 0.0);
    assert_eq!(v[3], c(0.0, 2.0));
}

#[test]
fn counting_refuses_complex_instead_of_dropping_imaginary_parts() {
    use numcrane::{bincount, histogram};
    let z = array([c(1.0, 1.0), c(0.0, 0.0)]);
    // NumPy: TypeError, cannot cast complex128 to int64 / float64 safely
    let err = bincount(&z, None, 0).eval().unwrap_err();
    assert!(err.to_string().contains("bincount"), "{err}");
    let err = bincount(&array([0i64, 1]), Some(&z), 0).eval().unwrap_err();
    assert!(
        err.to_string().contains("cannot be cast to float64"),
        "{err}"
    );
    let (h, _) = histogram(
        &array([0.5, 1.5]),
        numcrane::Bins::Edges(array([0.0, 1.0, 2.0])),
        None,
        false,
        Some(&z),
    );
    let err = h.eval().unwrap_err();
    assert!(err.to_string().contains("complex weights"), "{err}");
}

#[test]
fn genfromtxt_reads_complex_as_python_does() {
    use numcrane::io::{genfromtxt, GenFromTxt};
    let f = Temp::new("genfromtxt-python");
    // Python's complex(): these read, "1+-2j" and "1 + 2j" do not (nan+0j, as NumPy fills)
    std::fs::write(
        &f.0,
        "j,-j,1+j,1_0j,( 1+2j ),1e+2+3J,1+2e-3j,+1.5,1+-2j,1 + 2j,1__0j\n",
    )
    .unwrap();
    let opts = GenFromTxt {
        dtype: DType::C128,
        delimiter: Some(",".into()),
        ..Default::default()
    };
    let v = genfromtxt(&f.0, &opts)
        .unwrap()
        .to_vec::<Complex64>()
        .unwrap();
    assert_eq!(
        &v[..8],
        &[
            c(0.0, 1.0),
            c(0.0, -1.0),
            c(1.0, 1.0),
            c(0.0, 10.0),
            c(1.0, 2.0),
            c(100.0, 3.0),
            c(1.0, 0.002),
            c(1.5, 0.0)
        ]
    );
    for z in &v[8..] {
        assert!(z.re.is_nan() && z.im == 0.0, "{z}");
    }
}
