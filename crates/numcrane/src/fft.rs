//! `numcrane::fft`: NumPy's `numpy.fft`: the transforms ([`fft`], [`ifft`], [`rfft`],
//! [`irfft`], [`hfft`], [`ihfft`], [`fftn`], [`ifftn`], [`fft2`], [`ifft2`], [`rfftn`],
//! [`irfftn`]) with NumPy's `norm` modes, and `fftfreq`, `rfftfreq`, `fftshift`, `ifftshift`.
//!
//! The transforms run in the `numcrane-fft` crate (rustfft / realfft; re-exported here as
//! [`transforms`] for slices): they read a realized strided buffer and return a contiguous
//! one, which the functions here wrap as an array (they evaluate their input).
//!
//! The shifts are lazy: each is `roll` along the axes (two slices concatenated per axis),
//! exactly as NumPy writes them.

use crate::array::Array;
use crate::build;
use crate::manip::roll_axes;
use numcrane_graph::error::SourceLocation;
use numcrane_graph::{DType, Error, Op};

pub use numcrane_fft as transforms;
pub use numcrane_fft::Norm;

/// A float64 array of frequencies, or an error array when `n * d` is 0 (NumPy's
/// `ZeroDivisionError`).
fn freqs(op: &'static str, v: Option<Vec<f64>>, loc: SourceLocation) -> Array {
    match v {
        Some(v) => {
            let n = v.len();
            Array::from_vec(v, [n])
        }
        None => build::poison(
            Error::invalid(op, "float division by zero (n * d is 0)", loc),
            Op::Leaf,
            &[],
            DType::F64,
            vec![0],
            loc,
        ),
    }
}

/// NumPy's `np.fft.fftfreq(n, d)`: the sample frequencies of an `n`-point DFT with sample
/// spacing `d`, `[0, 1, ..., (n-1)/2, -(n/2), ..., -1] / (d * n)`, float64.
///
/// ```
/// let f = numcrane::fft::fftfreq(4, 0.5);
/// assert_eq!(f.to_vec::<f64>().unwrap(), vec![0.0, 0.5, -1.0, -0.5]);
/// ```
#[track_caller]
pub fn fftfreq(n: usize, d: f64) -> Array {
    freqs(
        "fftfreq",
        numcrane_fft::fftfreq(n, d),
        SourceLocation::caller(),
    )
}

/// NumPy's `np.fft.rfftfreq(n, d)`: the non-negative frequencies `[0, 1, ..., n/2] / (d * n)`
/// of an `n`-point real DFT (what `rfft` returns), float64.
///
/// ```
/// let f = numcrane::fft::rfftfreq(5, 1.0);
/// assert_eq!(f.to_vec::<f64>().unwrap(), vec![0.0, 0.2, 0.4]);
/// ```
#[track_caller]
pub fn rfftfreq(n: usize, d: f64) -> Array {
    freqs(
        "rfftfreq",
        numcrane_fft::rfftfreq(n, d),
        SourceLocation::caller(),
    )
}

/// The axes a shift works on and each one's shift (`sign` of `len / 2`), as NumPy's
/// `fftshift`: all axes when `axes` is `None`.
fn shifts(x: &Array, axes: Option<&[isize]>, sign: isize) -> (Vec<isize>, Vec<isize>) {
    let ndim = x.ndim() as isize;
    let axes: Vec<isize> = match axes {
        Some(a) => a.to_vec(),
        None => (0..ndim).collect(),
    };
    let shifts = axes
        .iter()
        .map(|&a| {
            // An axis out of range gets shift 0 here; roll_axes then reports it.
            let i = if a < 0 { a + ndim } else { a };
            let len = if (0..ndim).contains(&i) {
                x.shape()[i as usize]
            } else {
                0
            };
            sign * (len / 2) as isize
        })
        .collect();
    (shifts, axes)
}

/// NumPy's shifts fail on a 0-d array (its `roll` has no axis to unpack): the error array then.
fn zero_d(op: &'static str, x: &Array, loc: SourceLocation) -> Option<Array> {
    (x.ndim() == 0).then(|| {
        let e = Error::invalid(op, "a 0-d array has no axes to shift", loc);
        build::poison(e, Op::Leaf, &[x], x.dtype(), vec![], loc)
    })
}

/// NumPy's `np.fft.fftshift(x, axes)`: moves the zero-frequency term to the centre by rolling
/// each of `axes` (all when `None`) by `len / 2`. Lazy.
///
/// ```
/// let f = numcrane::fft::fftfreq(5, 1.0);
/// let s = numcrane::fft::fftshift(&f, None);
/// assert_eq!(s.to_vec::<f64>().unwrap(), vec![-0.4, -0.2, 0.0, 0.2, 0.4]);
/// ```
#[track_caller]
pub fn fftshift(x: &Array, axes: Option<&[isize]>) -> Array {
    let loc = SourceLocation::caller();
    if let Some(e) = zero_d("fftshift", x, loc) {
        return e;
    }
    let (shifts, axes) = shifts(x, axes, 1);
    roll_axes(x, &shifts, &axes)
}

/// NumPy's `np.fft.ifftshift(x, axes)`: the inverse of [`fftshift`] (rolls by `-(len / 2)`,
/// which differs from `fftshift` for odd lengths). Lazy.
///
/// ```
/// let f = numcrane::fft::fftfreq(5, 1.0);
/// let back = numcrane::fft::ifftshift(&numcrane::fft::fftshift(&f, None), None);
/// assert_eq!(back.to_vec::<f64>().unwrap(), f.to_vec::<f64>().unwrap());
/// ```
#[track_caller]
pub fn ifftshift(x: &Array, axes: Option<&[isize]>) -> Array {
    let loc = SourceLocation::caller();
    if let Some(e) = zero_d("ifftshift", x, loc) {
        return e;
    }
    let (shifts, axes) = shifts(x, axes, -1);
    roll_axes(x, &shifts, &axes)
}

// ---------------------------------------------------------------------------------------
// The transforms on arrays.
//
// Each realizes its input (a transform reads every element of a lane to produce any one of
// its outputs, so there is nothing to fuse), converts it to the dtype NumPy 2 computes in
// (complex64 for float32 and complex64 input, complex128 otherwise; the real transforms take
// the real part of complex input, as NumPy does after its ComplexWarning), runs the
// `numcrane-fft` transform on the realized strided buffer in place (no copy of the input
// beyond that conversion) and wraps the contiguous result as a realized array. Errors (a bad
// axis, zero points, a failed input) come back as error arrays naming the function and the
// caller's line, as everywhere else.
// ---------------------------------------------------------------------------------------

use numcrane_fft::{num_complex::Complex, Output, Strided};
use numcrane_graph::Element;

/// Whether `x` computes in single precision (float32 or complex64 input).
fn single(x: &Array) -> bool {
    matches!(x.dtype(), DType::F32 | DType::C64)
}

/// The error array of a transform named `op`.
fn failed(op: &'static str, e: Error, x: &Array, loc: SourceLocation) -> Array {
    let e = match e {
        Error::InvalidArgument { message, .. } => Error::invalid(op, message, loc),
        other => other,
    };
    build::poison(e, Op::Leaf, &[x], x.dtype(), vec![0], loc)
}

/// Runs `f` on the realized `x` (already of element type `I`) and wraps its output.
fn apply<I: Element, O: Element>(
    op: &'static str,
    x: &Array,
    loc: SourceLocation,
    f: impl FnOnce(Strided<'_, I>) -> numcrane_fft::Result<Output<O>>,
) -> Result<Array, Error> {
    let r = x.realized()?;
    let data = r.buffer.as_slice::<I>()?;
    let view = Strided {
        data,
        shape: &r.layout.shape,
        strides: &r.layout.strides,
        offset: r.layout.offset,
    };
    let out = f(view).map_err(|e| Error::invalid(op, e.to_string(), loc))?;
    Ok(Array::from_vec(out.data, out.shape))
}

/// The dtypes a transform reads its input in: (single precision, double precision).
const COMPLEX_IN: (DType, DType) = (DType::C64, DType::C128);
const REAL_IN: (DType, DType) = (DType::F32, DType::F64);

/// Runs a transform on `x` converted to `input`'s single-precision dtype (for float32 or
/// complex64 input: NumPy 2 keeps single precision) with `single_`, else to its
/// double-precision one with `double_`; an error array on failure. The typed wrappers below
/// fix the element types, so that callers' closures need no annotations.
fn transform<A: Element, B: Element, C: Element, D: Element>(
    op: &'static str,
    x: &Array,
    loc: SourceLocation,
    input: (DType, DType),
    single_: impl FnOnce(Strided<'_, A>) -> numcrane_fft::Result<Output<B>>,
    double_: impl FnOnce(Strided<'_, C>) -> numcrane_fft::Result<Output<D>>,
) -> Array {
    let result = if single(x) {
        apply(op, &x.astype(input.0), loc, single_)
    } else {
        apply(op, &x.astype(input.1), loc, double_)
    };
    result.unwrap_or_else(|e| failed(op, e, x, loc))
}

/// A complex-to-complex transform of `x` in NumPy's precision.
fn complex_transform(
    op: &'static str,
    x: &Array,
    loc: SourceLocation,
    f32_: impl FnOnce(Strided<'_, Complex<f32>>) -> numcrane_fft::Result<Output<Complex<f32>>>,
    f64_: impl FnOnce(Strided<'_, Complex<f64>>) -> numcrane_fft::Result<Output<Complex<f64>>>,
) -> Array {
    transform(op, x, loc, COMPLEX_IN, f32_, f64_)
}

/// A real-to-complex transform of `x` (its real part) in NumPy's precision.
fn real_to_complex(
    op: &'static str,
    x: &Array,
    loc: SourceLocation,
    f32_: impl FnOnce(Strided<'_, f32>) -> numcrane_fft::Result<Output<Complex<f32>>>,
    f64_: impl FnOnce(Strided<'_, f64>) -> numcrane_fft::Result<Output<Complex<f64>>>,
) -> Array {
    transform(op, x, loc, REAL_IN, f32_, f64_)
}

/// A complex-to-real transform of `x` in NumPy's precision.
fn complex_to_real(
    op: &'static str,
    x: &Array,
    loc: SourceLocation,
    f32_: impl FnOnce(Strided<'_, Complex<f32>>) -> numcrane_fft::Result<Output<f32>>,
    f64_: impl FnOnce(Strided<'_, Complex<f64>>) -> numcrane_fft::Result<Output<f64>>,
) -> Array {
    transform(op, x, loc, COMPLEX_IN, f32_, f64_)
}

/// NumPy's `np.fft.fft(x, n, axis, norm)`: the discrete Fourier transform along `axis`
/// (`n`: pad with zeros or truncate the axis to `n` points first). complex64 for float32 and
/// complex64 input, complex128 otherwise.
///
/// ```
/// use numcrane::fft::{fft, Norm};
/// use numcrane::{array, Complex64};
/// let y = fft(&array([1.0, 2.0, 3.0, 4.0]), None, -1, Norm::Backward);
/// let v = y.to_vec::<Complex64>().unwrap();
/// assert_eq!(v[0], Complex64::new(10.0, 0.0));
/// assert!((v[1] - Complex64::new(-2.0, 2.0)).norm() < 1e-12);
/// ```
#[track_caller]
pub fn fft(x: &Array, n: Option<usize>, axis: isize, norm: Norm) -> Array {
    let loc = SourceLocation::caller();
    complex_transform(
        "fft",
        x,
        loc,
        |v| numcrane_fft::fft(v, n, axis, norm),
        |v| numcrane_fft::fft(v, n, axis, norm),
    )
}

/// NumPy's `np.fft.ifft(x, n, axis, norm)`: the inverse of [`fft`].
///
/// ```
/// use numcrane::fft::{fft, ifft, Norm};
/// use numcrane::{array, Complex64};
/// let x = array([1.0, 2.0, 3.0]);
/// let back = ifft(&fft(&x, None, -1, Norm::Backward), None, -1, Norm::Backward);
/// let v = back.to_vec::<Complex64>().unwrap();
/// assert!((v[2] - Complex64::new(3.0, 0.0)).norm() < 1e-12);
/// ```
#[track_caller]
pub fn ifft(x: &Array, n: Option<usize>, axis: isize, norm: Norm) -> Array {
    let loc = SourceLocation::caller();
    complex_transform(
        "ifft",
        x,
        loc,
        |v| numcrane_fft::ifft(v, n, axis, norm),
        |v| numcrane_fft::ifft(v, n, axis, norm),
    )
}

/// NumPy's `np.fft.rfft(x, n, axis, norm)`: the transform of real input, its `n / 2 + 1`
/// non-negative frequency terms.
///
/// ```
/// use numcrane::fft::{rfft, Norm};
/// use numcrane::{array, Complex64};
/// let y = rfft(&array([1.0, 2.0, 3.0, 4.0]), None, -1, Norm::Backward);
/// assert_eq!(y.shape(), &[3]);
/// assert_eq!(y.to_vec::<Complex64>().unwrap()[2], Complex64::new(-2.0, 0.0));
/// ```
#[track_caller]
pub fn rfft(x: &Array, n: Option<usize>, axis: isize, norm: Norm) -> Array {
    let loc = SourceLocation::caller();
    real_to_complex(
        "rfft",
        x,
        loc,
        |v| numcrane_fft::rfft(v, n, axis, norm),
        |v| numcrane_fft::rfft(v, n, axis, norm),
    )
}

/// NumPy's `np.fft.irfft(x, n, axis, norm)`: the inverse of [`rfft`] (`n` output points,
/// default `2 * (len - 1)`), real.
///
/// ```
/// use numcrane::fft::{irfft, rfft, Norm};
/// use numcrane::array;
/// let x = array([1.0, 2.0, 3.0, 4.0]);
/// let back = irfft(&rfft(&x, None, -1, Norm::Backward), None, -1, Norm::Backward);
/// let v = back.to_vec::<f64>().unwrap();
/// assert!(v.iter().zip([1.0, 2.0, 3.0, 4.0]).all(|(a, b)| (a - b).abs() < 1e-12));
/// ```
#[track_caller]
pub fn irfft(x: &Array, n: Option<usize>, axis: isize, norm: Norm) -> Array {
    let loc = SourceLocation::caller();
    complex_to_real(
        "irfft",
        x,
        loc,
        |v| numcrane_fft::irfft(v, n, axis, norm),
        |v| numcrane_fft::irfft(v, n, axis, norm),
    )
}

/// NumPy's `np.fft.hfft(x, n, axis, norm)`: the real spectrum of a Hermitian-symmetric signal
/// given by its first half.
///
/// ```
/// use numcrane::fft::{hfft, Norm};
/// use numcrane::array;
/// let y = hfft(&array([1.0, 2.0]), None, -1, Norm::Backward);
/// assert_eq!(y.to_vec::<f64>().unwrap(), vec![3.0, -1.0]);
/// ```
#[track_caller]
pub fn hfft(x: &Array, n: Option<usize>, axis: isize, norm: Norm) -> Array {
    let loc = SourceLocation::caller();
    complex_to_real(
        "hfft",
        x,
        loc,
        |v| numcrane_fft::hfft(v, n, axis, norm),
        |v| numcrane_fft::hfft(v, n, axis, norm),
    )
}

/// NumPy's `np.fft.ihfft(x, n, axis, norm)`: the inverse of [`hfft`], of real input.
///
/// ```
/// use numcrane::fft::{ihfft, Norm};
/// use numcrane::{array, Complex64};
/// let y = ihfft(&array([3.0, -1.0]), None, -1, Norm::Backward);
/// assert_eq!(y.to_vec::<Complex64>().unwrap()[1], Complex64::new(2.0, 0.0));
/// ```
#[track_caller]
pub fn ihfft(x: &Array, n: Option<usize>, axis: isize, norm: Norm) -> Array {
    let loc = SourceLocation::caller();
    real_to_complex(
        "ihfft",
        x,
        loc,
        |v| numcrane_fft::ihfft(v, n, axis, norm),
        |v| numcrane_fft::ihfft(v, n, axis, norm),
    )
}

/// `s` as the crate takes it (`None` entries: the input's length).
fn lens(s: Option<&[usize]>) -> Option<Vec<Option<usize>>> {
    s.map(|s| s.iter().map(|&n| Some(n)).collect())
}

/// NumPy's `np.fft.fftn(x, s, axes, norm)`: the transform over `axes` (all, or the last
/// `s.len()`, when `None`), each axis padded or truncated to its entry of `s`.
///
/// ```
/// use numcrane::fft::{fftn, Norm};
/// use numcrane::{ones, Complex64, DType};
/// let y = fftn(&ones([2, 3], DType::F64), None, None, Norm::Backward);
/// let v = y.to_vec::<Complex64>().unwrap();
/// assert_eq!(v[0], Complex64::new(6.0, 0.0));
/// assert!(v[1..].iter().all(|c| c.norm() < 1e-12));
/// ```
#[track_caller]
pub fn fftn(x: &Array, s: Option<&[usize]>, axes: Option<&[isize]>, norm: Norm) -> Array {
    let loc = SourceLocation::caller();
    let s = lens(s);
    complex_transform(
        "fftn",
        x,
        loc,
        |v| numcrane_fft::c2c_nd(v, s.as_deref(), axes, false, norm),
        |v| numcrane_fft::c2c_nd(v, s.as_deref(), axes, false, norm),
    )
}

/// NumPy's `np.fft.ifftn(x, s, axes, norm)`: the inverse of [`fftn`].
///
/// ```
/// use numcrane::fft::{fftn, ifftn, Norm};
/// use numcrane::{array, Complex64};
/// let x = array([[1.0, 2.0], [3.0, 4.0]]);
/// let back = ifftn(&fftn(&x, None, None, Norm::Ortho), None, None, Norm::Ortho);
/// assert!((back.to_vec::<Complex64>().unwrap()[3] - Complex64::new(4.0, 0.0)).norm() < 1e-12);
/// ```
#[track_caller]
pub fn ifftn(x: &Array, s: Option<&[usize]>, axes: Option<&[isize]>, norm: Norm) -> Array {
    let loc = SourceLocation::caller();
    let s = lens(s);
    complex_transform(
        "ifftn",
        x,
        loc,
        |v| numcrane_fft::c2c_nd(v, s.as_deref(), axes, true, norm),
        |v| numcrane_fft::c2c_nd(v, s.as_deref(), axes, true, norm),
    )
}

/// NumPy's `np.fft.fft2(x, s, axes=(-2, -1), norm)`: [`fftn`] over the last two axes.
///
/// ```
/// use numcrane::fft::{fft2, Norm};
/// use numcrane::{ones, DType};
/// let y = fft2(&ones([3, 2, 2], DType::F32), None, Norm::Backward);
/// assert_eq!((y.shape(), y.dtype()), (&[3usize, 2, 2][..], DType::C64));
/// ```
#[track_caller]
pub fn fft2(x: &Array, s: Option<&[usize]>, norm: Norm) -> Array {
    let loc = SourceLocation::caller();
    let s = lens(s);
    complex_transform(
        "fft2",
        x,
        loc,
        |v| numcrane_fft::c2c_nd(v, s.as_deref(), Some(&[-2, -1]), false, norm),
        |v| numcrane_fft::c2c_nd(v, s.as_deref(), Some(&[-2, -1]), false, norm),
    )
}

/// NumPy's `np.fft.ifft2(x, s, axes=(-2, -1), norm)`: [`ifftn`] over the last two axes.
///
/// ```
/// use numcrane::fft::{fft2, ifft2, Norm};
/// use numcrane::{array, Complex64};
/// let x = array([[1.0, 2.0], [3.0, 4.0]]);
/// let back = ifft2(&fft2(&x, None, Norm::Backward), None, Norm::Backward);
/// assert!((back.to_vec::<Complex64>().unwrap()[1] - Complex64::new(2.0, 0.0)).norm() < 1e-12);
/// ```
#[track_caller]
pub fn ifft2(x: &Array, s: Option<&[usize]>, norm: Norm) -> Array {
    let loc = SourceLocation::caller();
    let s = lens(s);
    complex_transform(
        "ifft2",
        x,
        loc,
        |v| numcrane_fft::c2c_nd(v, s.as_deref(), Some(&[-2, -1]), true, norm),
        |v| numcrane_fft::c2c_nd(v, s.as_deref(), Some(&[-2, -1]), true, norm),
    )
}

/// NumPy's `np.fft.rfftn(x, s, axes, norm)`: [`rfft`] over the last of `axes`, then [`fft`]
/// over the others.
///
/// ```
/// use numcrane::fft::{rfftn, Norm};
/// use numcrane::{ones, Complex64, DType};
/// let y = rfftn(&ones([2, 4], DType::F64), None, None, Norm::Backward);
/// assert_eq!(y.shape(), &[2, 3]);
/// assert_eq!(y.to_vec::<Complex64>().unwrap()[0], Complex64::new(8.0, 0.0));
/// ```
#[track_caller]
pub fn rfftn(x: &Array, s: Option<&[usize]>, axes: Option<&[isize]>, norm: Norm) -> Array {
    let loc = SourceLocation::caller();
    let s = lens(s);
    real_to_complex(
        "rfftn",
        x,
        loc,
        |v| numcrane_fft::rfftn(v, s.as_deref(), axes, norm),
        |v| numcrane_fft::rfftn(v, s.as_deref(), axes, norm),
    )
}

/// NumPy's `np.fft.irfftn(x, s, axes, norm)`: the inverse of [`rfftn`] (the last axis gets
/// `2 * (len - 1)` points unless `s` says otherwise), real.
///
/// ```
/// use numcrane::fft::{irfftn, rfftn, Norm};
/// use numcrane::array;
/// let x = array([[1.0, 2.0, 3.0, 4.0], [0.5, 0.0, -1.0, 2.0]]);
/// let back = irfftn(&rfftn(&x, None, None, Norm::Backward), None, None, Norm::Backward);
/// assert!((back.to_vec::<f64>().unwrap()[6] + 1.0).abs() < 1e-12);
/// ```
#[track_caller]
pub fn irfftn(x: &Array, s: Option<&[usize]>, axes: Option<&[isize]>, norm: Norm) -> Array {
    let loc = SourceLocation::caller();
    let s = lens(s);
    complex_to_real(
        "irfftn",
        x,
        loc,
        |v| numcrane_fft::irfftn(v, s.as_deref(), axes, norm),
        |v| numcrane_fft::irfftn(v, s.as_deref(), axes, norm),
    )
}
