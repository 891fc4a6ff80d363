//! `numcrane::fft`: NumPy's `numpy.fft` helpers that work on real arrays, `fftfreq`,
//! `rfftfreq`, `fftshift` and `ifftshift`.
//!
//! The transforms themselves (`fft`, `rfft`, `fftn`, ...) live at the slice level in the
//! `numcrane-fft` crate (re-exported here as [`transforms`]): they take a realized strided
//! buffer and return a contiguous one, so that the array-level entry points only realize their
//! input and wrap the result once arrays can hold complex values.
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
