//! numcrane's discrete Fourier transforms with NumPy's (`numpy.fft`, NumPy 2) semantics, over the
//! lanes of a strided n-d buffer, through `rustfft` (complex transforms) and `realfft` (real
//! ones).
//!
//! This crate knows nothing of numcrane's arrays: each function takes its input as a
//! [`Strided`] view (a slice, a shape, element strides and an offset, the layout a realized
//! array has) and writes a fresh C-contiguous output ([`Output`]). numcrane's array-level
//! `numcrane::fft` functions realize their input, call these and wrap the result, so the
//! NumPy rules (the `n` of each transform, zero-padding and truncation of a lane, the
//! `norm` modes, the n-d argument defaults, the error messages) live here once.
//!
//! * Precision follows NumPy 2: `f32` / `Complex<f32>` input is transformed in single
//!   precision, `f64` in double ([`Real`] is implemented for both).
//! * Plans are cached per element type for the whole process ([`Real::planners`]): rustfft's
//!   and realfft's planners keep an `Arc` of every plan they made, so a second call with the
//!   same length reuses the twiddles.
//! * Lanes run in parallel with rayon when there are several and enough work; one long lane
//!   is one call into rustfft, whose own algorithms (SIMD radix-4/mixed radix, Bluestein and
//!   Rader for primes) do the work.

use num_complex::Complex;
use rayon::prelude::*;
use realfft::RealFftPlanner;
use rustfft::{FftNum, FftPlanner};
use std::fmt;
use std::sync::{Mutex, OnceLock};

pub use num_complex;

/// NumPy's `norm` argument: which direction carries the `1/n` factor.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Norm {
    /// NumPy's default (`norm=None` or `"backward"`): forward unscaled, inverse scaled by `1/n`.
    #[default]
    Backward,
    /// `"ortho"`: both directions scaled by `1/sqrt(n)`.
    Ortho,
    /// `"forward"`: forward scaled by `1/n`, inverse unscaled.
    Forward,
}

impl Norm {
    /// Parses NumPy's spelling (`"backward"`, `"ortho"`, `"forward"`); `None` for anything else.
    pub fn parse(s: &str) -> Option<Norm> {
        match s {
            "backward" => Some(Norm::Backward),
            "ortho" => Some(Norm::Ortho),
            "forward" => Some(Norm::Forward),
            _ => None,
        }
    }

    /// NumPy's `_swap_direction`, used by `hfft` / `ihfft` (which are an inverse / forward
    /// transform with the opposite scaling convention).
    pub fn swapped(self) -> Norm {
        match self {
            Norm::Backward => Norm::Forward,
            Norm::Ortho => Norm::Ortho,
            Norm::Forward => Norm::Backward,
        }
    }

    /// The factor a transform of `n` points is multiplied by (`inverse` for the inverse one).
    fn factor(self, n: usize, inverse: bool) -> Option<f64> {
        match (self, inverse) {
            (Norm::Backward, false) | (Norm::Forward, true) => None,
            (Norm::Ortho, _) => Some(1.0 / (n as f64).sqrt()),
            (Norm::Backward, true) | (Norm::Forward, false) => Some(1.0 / n as f64),
        }
    }
}

/// Why a transform gave no result. `Display` gives NumPy's message where NumPy has one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FftError {
    /// A transform length below 1 (NumPy: "Invalid number of FFT data points (0) specified.").
    InvalidPoints(i64),
    /// An axis outside `-ndim..ndim`.
    AxisOutOfRange {
        /// the axis given
        axis: isize,
        /// the number of dimensions
        ndim: usize,
    },
    /// The n-d functions' `s` and `axes` differ in length.
    ShapeAxesMismatch {
        /// the length of `s`
        s: usize,
        /// the length of `axes`
        axes: usize,
    },
    /// A function that needs at least one axis (`rfftn`, `irfftn`) got none.
    NoAxes,
    /// The shape, strides and offset reach outside the slice (a caller bug).
    BadLayout(String),
    /// A planner or transform refused its buffers (a bug in this crate).
    Internal(String),
}

impl fmt::Display for FftError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FftError::InvalidPoints(n) => {
                write!(f, "Invalid number of FFT data points ({n}) specified.")
            }
            FftError::AxisOutOfRange { axis, ndim } => {
                write!(
                    f,
                    "axis {axis} is out of bounds for array of dimension {ndim}"
                )
            }
            FftError::ShapeAxesMismatch { s, axes } => write!(
                f,
                "Shape and axes have different lengths (s has {s} entries, axes {axes})."
            ),
            FftError::NoAxes => write!(f, "this transform needs at least one axis"),
            FftError::BadLayout(m) => write!(f, "invalid strided layout: {m}"),
            FftError::Internal(m) => write!(f, "internal FFT error: {m}"),
        }
    }
}

impl std::error::Error for FftError {}

/// Result of this crate's functions.
pub type Result<T> = std::result::Result<T, FftError>;

/// The process-wide plan caches of one element type.
pub struct Planners<T: FftNum> {
    complex: Mutex<FftPlanner<T>>,
    real: Mutex<RealFftPlanner<T>>,
}

impl<T: FftNum> Planners<T> {
    fn new() -> Self {
        Planners {
            complex: Mutex::new(FftPlanner::new()),
            real: Mutex::new(RealFftPlanner::new()),
        }
    }
}

/// A floating-point element type the transforms run in: `f32` or `f64`.
pub trait Real: FftNum + rustfft::num_traits::Float + Default {
    /// This type's plan caches, shared by every call in the process.
    fn planners() -> &'static Planners<Self>;
    /// The factor of a normalisation in this precision.
    fn of_f64(x: f64) -> Self;
}

impl Real for f64 {
    fn planners() -> &'static Planners<f64> {
        static P: OnceLock<Planners<f64>> = OnceLock::new();
        P.get_or_init(Planners::new)
    }
    fn of_f64(x: f64) -> f64 {
        x
    }
}

impl Real for f32 {
    fn planners() -> &'static Planners<f32> {
        static P: OnceLock<Planners<f32>> = OnceLock::new();
        P.get_or_init(Planners::new)
    }
    fn of_f64(x: f64) -> f32 {
        x as f32
    }
}

/// Locks a planner; a poisoned lock (a panic in another thread while planning) still holds a
/// usable planner, since plans are only ever added to it.
fn lock<P>(m: &Mutex<P>) -> std::sync::MutexGuard<'_, P> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// A strided n-d view of elements: element `[i0, i1, ...]` is
/// `data[offset + i0 * strides[0] + i1 * strides[1] + ...]` (strides in elements, possibly
/// negative or zero, as in a realized numcrane array).
#[derive(Clone, Copy, Debug)]
pub struct Strided<'a, E> {
    /// the buffer the view reads
    pub data: &'a [E],
    /// the view's dimensions
    pub shape: &'a [usize],
    /// the step between neighbours along each dimension, in elements
    pub strides: &'a [isize],
    /// where element `[0, 0, ...]` is in `data`
    pub offset: usize,
}

impl<'a, E> Strided<'a, E> {
    /// A C-contiguous view of `data` with this `shape`; `strides` must be the C-order element
    /// strides of `shape` (see [`c_strides`]).
    pub fn new(data: &'a [E], shape: &'a [usize], strides: &'a [isize]) -> Self {
        Strided {
            data,
            shape,
            strides,
            offset: 0,
        }
    }

    /// Checks that every element the view reaches lies inside `data`.
    fn check(&self) -> Result<()> {
        if self.shape.len() != self.strides.len() {
            return Err(FftError::BadLayout(format!(
                "shape {:?} and strides {:?} differ in length",
                self.shape, self.strides
            )));
        }
        if self.shape.contains(&0) {
            return Ok(());
        }
        let (mut lo, mut hi) = (self.offset as i128, self.offset as i128);
        for (&d, &s) in self.shape.iter().zip(self.strides) {
            let reach = (d as i128 - 1) * s as i128;
            if reach < 0 {
                lo += reach;
            } else {
                hi += reach;
            }
        }
        if lo < 0 || hi >= self.data.len() as i128 {
            return Err(FftError::BadLayout(format!(
                "shape {:?}, strides {:?} and offset {} reach outside a buffer of {} elements",
                self.shape,
                self.strides,
                self.offset,
                self.data.len()
            )));
        }
        Ok(())
    }
}

/// The C-order (row-major) element strides of `shape`.
pub fn c_strides(shape: &[usize]) -> Vec<isize> {
    let mut s = vec![0isize; shape.len()];
    let mut acc = 1isize;
    for i in (0..shape.len()).rev() {
        s[i] = acc;
        acc = acc.saturating_mul(shape[i].max(1) as isize);
    }
    s
}

/// A transform's result: C-contiguous `data` of shape `shape`.
#[derive(Clone, Debug, PartialEq)]
pub struct Output<E> {
    /// the values, C order
    pub data: Vec<E>,
    /// the dimensions (the input's, with the transformed axes' new lengths)
    pub shape: Vec<usize>,
}

impl<E> Output<E> {
    /// This output as the input of a further pass.
    fn view<'a>(&'a self, strides: &'a [isize]) -> Strided<'a, E> {
        Strided::new(&self.data, &self.shape, strides)
    }
}

/// Normalises a possibly negative axis.
pub fn normalize_axis(axis: isize, ndim: usize) -> Result<usize> {
    let a = if axis < 0 { axis + ndim as isize } else { axis };
    if a < 0 || a >= ndim as isize {
        return Err(FftError::AxisOutOfRange { axis, ndim });
    }
    Ok(a as usize)
}

/// The lanes of a view along one axis: where each starts in `data`, the lane's stride and
/// length, and the shape split around the axis (`before` lanes-rows times `after` columns).
struct Lanes {
    starts: Vec<isize>,
    stride: isize,
    len: usize,
    before: usize,
    after: usize,
}

fn lanes<E>(x: &Strided<'_, E>, axis: usize) -> Lanes {
    let mut starts = vec![x.offset as isize];
    // Outer dimensions in C order, the lane index running fastest over the last one.
    for (d, (&len, &stride)) in x.shape.iter().zip(x.strides).enumerate() {
        if d == axis {
            continue;
        }
        let mut next = Vec::with_capacity(starts.len() * len);
        for &s in &starts {
            for i in 0..len {
                next.push(s + i as isize * stride);
            }
        }
        starts = next;
    }
    Lanes {
        starts,
        stride: x.strides[axis],
        len: x.shape[axis],
        before: x.shape[..axis].iter().product(),
        after: x.shape[axis + 1..].iter().product(),
    }
}

/// Below this many output elements the lanes run on the calling thread.
const PAR_MIN: usize = 1 << 15;

/// Runs `work(lane, out_chunk, scratch)` for every lane into a lane-major buffer of
/// `lanes * out_len` elements, then lays it out C-contiguously with the axis at `axis`.
fn run_lanes<O, S>(
    l: &Lanes,
    out_len: usize,
    scratch: impl Fn() -> S + Sync + Send,
    work: impl Fn(isize, &mut [O], &mut S) + Sync + Send,
) -> Vec<O>
where
    O: Copy + Default + Send + Sync,
{
    let count = l.starts.len();
    let mut tmp = vec![O::default(); count * out_len];
    if out_len == 0 || count == 0 {
        return tmp;
    }
    if count > 1 && count * out_len >= PAR_MIN {
        tmp.par_chunks_mut(out_len)
            .zip(l.starts.par_iter())
            .for_each_init(&scratch, |s, (chunk, &start)| work(start, chunk, s));
    } else {
        let mut s = scratch();
        for (chunk, &start) in tmp.chunks_mut(out_len).zip(&l.starts) {
            work(start, chunk, &mut s);
        }
    }
    if l.after == 1 {
        return tmp;
    }
    // Lane (b, a) of the lane-major buffer goes to out[b, :, a].
    let mut out = vec![O::default(); count * out_len];
    let block = out_len * l.after;
    out.chunks_mut(block.max(1))
        .enumerate()
        .for_each(|(b, dst)| {
            for a in 0..l.after {
                let src = &tmp[(b * l.after + a) * out_len..][..out_len];
                for (k, &v) in src.iter().enumerate() {
                    dst[k * l.after + a] = v;
                }
            }
        });
    debug_assert_eq!(l.before * l.after, count);
    out
}

/// Copies lane elements `0..min(len, dst.len())` starting at `start`, zero-filling the rest
/// (NumPy's zero-padding / truncation of a lane to `n` points).
fn gather<E: Copy + Default>(data: &[E], start: isize, stride: isize, len: usize, dst: &mut [E]) {
    let take = len.min(dst.len());
    for (k, d) in dst.iter_mut().enumerate() {
        *d = if k < take {
            // In bounds: Strided::check covered every element of every lane.
            data[(start + k as isize * stride) as usize]
        } else {
            E::default()
        };
    }
}

fn scale_complex<T: Real>(buf: &mut [Complex<T>], f: Option<f64>) {
    if let Some(f) = f {
        let f = T::of_f64(f);
        for v in buf {
            *v = *v * f;
        }
    }
}

fn scale_real<T: Real>(buf: &mut [T], f: Option<f64>) {
    if let Some(f) = f {
        let f = T::of_f64(f);
        for v in buf {
            *v = *v * f;
        }
    }
}

/// The transform length: `n` if given, else the default; below 1 is NumPy's error.
fn points(n: Option<usize>, default: i64) -> Result<usize> {
    let n = n.map(|n| n as i64).unwrap_or(default);
    if n < 1 {
        return Err(FftError::InvalidPoints(n));
    }
    Ok(n as usize)
}

fn with_axis_len(shape: &[usize], axis: usize, len: usize) -> Vec<usize> {
    let mut s = shape.to_vec();
    s[axis] = len;
    s
}

/// NumPy's `fft` (`inverse == false`) or `ifft` along one axis: each lane is truncated or
/// zero-padded to `n` points (default: its length) and transformed; the output has `n` along
/// `axis`.
///
/// ```
/// use numcrane_fft::{c2c, c_strides, Norm, Strided};
/// use num_complex::Complex;
/// let x = [Complex::new(1.0f64, 0.0), Complex::new(2.0, 0.0), Complex::new(3.0, 0.0)];
/// let shape = [3];
/// let strides = c_strides(&shape);
/// let y = c2c(Strided::new(&x, &shape, &strides), -1, None, false, Norm::Backward).unwrap();
/// assert_eq!(y.shape, vec![3]);
/// assert!((y.data[0].re - 6.0).abs() < 1e-12);
/// ```
pub fn c2c<T: Real>(
    x: Strided<'_, Complex<T>>,
    axis: isize,
    n: Option<usize>,
    inverse: bool,
    norm: Norm,
) -> Result<Output<Complex<T>>> {
    x.check()?;
    let axis = normalize_axis(axis, x.shape.len())?;
    let n = points(n, x.shape[axis] as i64)?;
    let plan = {
        let mut p = lock(&T::planners().complex);
        if inverse {
            p.plan_fft_inverse(n)
        } else {
            p.plan_fft_forward(n)
        }
    };
    let f = norm.factor(n, inverse);
    let l = lanes(&x, axis);
    let scratch_len = plan.get_inplace_scratch_len();
    let data = run_lanes(
        &l,
        n,
        || vec![Complex::<T>::default(); scratch_len],
        |start, chunk, scratch| {
            gather(x.data, start, l.stride, l.len, chunk);
            plan.process_with_scratch(chunk, scratch);
            scale_complex(chunk, f);
        },
    );
    Ok(Output {
        data,
        shape: with_axis_len(x.shape, axis, n),
    })
}

/// NumPy's `rfft` along one axis: each real lane truncated or zero-padded to `n` points
/// (default: its length); the output holds the `n / 2 + 1` non-negative frequency terms.
///
/// ```
/// use numcrane_fft::{r2c, c_strides, Norm, Strided};
/// let x = [1.0f64, 2.0, 3.0, 4.0];
/// let shape = [4];
/// let strides = c_strides(&shape);
/// let y = r2c(Strided::new(&x, &shape, &strides), 0, None, Norm::Backward).unwrap();
/// assert_eq!(y.shape, vec![3]);
/// assert!((y.data[2].re + 2.0).abs() < 1e-12);
/// ```
pub fn r2c<T: Real>(
    x: Strided<'_, T>,
    axis: isize,
    n: Option<usize>,
    norm: Norm,
) -> Result<Output<Complex<T>>> {
    x.check()?;
    let axis = normalize_axis(axis, x.shape.len())?;
    let n = points(n, x.shape[axis] as i64)?;
    let plan = lock(&T::planners().real).plan_fft_forward(n);
    let f = norm.factor(n, false);
    let l = lanes(&x, axis);
    let out_len = n / 2 + 1;
    let scratch_len = plan.get_scratch_len();
    let failure: Mutex<Option<String>> = Mutex::new(None);
    let data = run_lanes(
        &l,
        out_len,
        || {
            (
                vec![T::zero(); n],
                vec![Complex::<T>::default(); scratch_len],
            )
        },
        |start, chunk, (inbuf, scratch)| {
            gather(x.data, start, l.stride, l.len, inbuf);
            if let Err(e) = plan.process_with_scratch(inbuf, chunk, scratch) {
                *lock(&failure) = Some(e.to_string());
            }
            scale_complex(chunk, f);
        },
    );
    if let Some(e) = failure.into_inner().unwrap_or_else(|e| e.into_inner()) {
        return Err(FftError::Internal(e));
    }
    Ok(Output {
        data,
        shape: with_axis_len(x.shape, axis, out_len),
    })
}

/// NumPy's `irfft` along one axis: each lane is truncated or zero-padded to `n / 2 + 1`
/// complex terms (default `n`: `2 * (len - 1)`) and transformed to `n` real points. As
/// NumPy (pocketfft's c2r), the imaginary parts of the zero-frequency term and, for even `n`,
/// of the Nyquist term are ignored.
///
/// ```
/// use numcrane_fft::{c2r, c_strides, Norm, Strided};
/// use num_complex::Complex;
/// let x = [Complex::new(10.0f64, 0.0), Complex::new(-2.0, 2.0), Complex::new(-2.0, 0.0)];
/// let shape = [3];
/// let strides = c_strides(&shape);
/// let y = c2r(Strided::new(&x, &shape, &strides), 0, None, Norm::Backward).unwrap();
/// assert_eq!(y.shape, vec![4]);
/// assert!((y.data[3] - 4.0).abs() < 1e-12);
/// ```
pub fn c2r<T: Real>(
    x: Strided<'_, Complex<T>>,
    axis: isize,
    n: Option<usize>,
    norm: Norm,
) -> Result<Output<T>> {
    x.check()?;
    let axis = normalize_axis(axis, x.shape.len())?;
    let n = points(n, 2 * (x.shape[axis] as i64 - 1))?;
    let plan = lock(&T::planners().real).plan_fft_inverse(n);
    let f = norm.factor(n, true);
    let l = lanes(&x, axis);
    let in_len = n / 2 + 1;
    let scratch_len = plan.get_scratch_len();
    let failure: Mutex<Option<String>> = Mutex::new(None);
    let data = run_lanes(
        &l,
        n,
        || {
            (
                vec![Complex::<T>::default(); in_len],
                vec![Complex::<T>::default(); scratch_len],
            )
        },
        |start, chunk, (inbuf, scratch)| {
            gather(x.data, start, l.stride, l.len, inbuf);
            // pocketfft reads only the real part of these terms; realfft would reject them.
            inbuf[0].im = T::zero();
            if n.is_multiple_of(2) {
                inbuf[in_len - 1].im = T::zero();
            }
            if let Err(e) = plan.process_with_scratch(inbuf, chunk, scratch) {
                *lock(&failure) = Some(e.to_string());
            }
            scale_real(chunk, f);
        },
    );
    if let Some(e) = failure.into_inner().unwrap_or_else(|e| e.into_inner()) {
        return Err(FftError::Internal(e));
    }
    Ok(Output {
        data,
        shape: with_axis_len(x.shape, axis, n),
    })
}

/// NumPy's `fft(x, n, axis, norm)`.
pub fn fft<T: Real>(
    x: Strided<'_, Complex<T>>,
    n: Option<usize>,
    axis: isize,
    norm: Norm,
) -> Result<Output<Complex<T>>> {
    c2c(x, axis, n, false, norm)
}

/// NumPy's `ifft(x, n, axis, norm)`.
pub fn ifft<T: Real>(
    x: Strided<'_, Complex<T>>,
    n: Option<usize>,
    axis: isize,
    norm: Norm,
) -> Result<Output<Complex<T>>> {
    c2c(x, axis, n, true, norm)
}

/// NumPy's `rfft(x, n, axis, norm)`.
pub fn rfft<T: Real>(
    x: Strided<'_, T>,
    n: Option<usize>,
    axis: isize,
    norm: Norm,
) -> Result<Output<Complex<T>>> {
    r2c(x, axis, n, norm)
}

/// NumPy's `irfft(x, n, axis, norm)`.
pub fn irfft<T: Real>(
    x: Strided<'_, Complex<T>>,
    n: Option<usize>,
    axis: isize,
    norm: Norm,
) -> Result<Output<T>> {
    c2r(x, axis, n, norm)
}

/// NumPy's `hfft(x, n, axis, norm)`: the real spectrum of a signal with Hermitian symmetry
/// given by its first half, `irfft(conj(x), n, axis, swapped norm)`.
///
/// ```
/// use numcrane_fft::{hfft, c_strides, Norm, Strided};
/// use num_complex::Complex;
/// let x = [Complex::new(1.0, 0.0), Complex::new(2.0, 0.0)];
/// let shape = [2];
/// let strides = c_strides(&shape);
/// let y = hfft(Strided::new(&x, &shape, &strides), None, -1, Norm::Backward).unwrap();
/// assert_eq!(y.data, vec![3.0, -1.0]);
/// ```
pub fn hfft<T: Real>(
    x: Strided<'_, Complex<T>>,
    n: Option<usize>,
    axis: isize,
    norm: Norm,
) -> Result<Output<T>> {
    x.check()?;
    let axis_u = normalize_axis(axis, x.shape.len())?;
    // Conjugate the lanes' elements that the transform reads (the view's reachable part).
    let conj = gather_all(&x);
    let conj: Vec<Complex<T>> = conj.into_iter().map(|v| v.conj()).collect();
    let strides = c_strides(x.shape);
    let n = points(n, 2 * (x.shape[axis_u] as i64 - 1))?;
    c2r(
        Strided::new(&conj, x.shape, &strides),
        axis,
        Some(n),
        norm.swapped(),
    )
}

/// NumPy's `ihfft(x, n, axis, norm)`: `conj(rfft(x, n, axis, swapped norm))`.
///
/// ```
/// use numcrane_fft::{ihfft, c_strides, Norm, Strided};
/// let x = [3.0f64, -1.0];
/// let shape = [2];
/// let strides = c_strides(&shape);
/// let y = ihfft(Strided::new(&x, &shape, &strides), None, -1, Norm::Backward).unwrap();
/// assert_eq!(y.data[1].re, 2.0);
/// ```
pub fn ihfft<T: Real>(
    x: Strided<'_, T>,
    n: Option<usize>,
    axis: isize,
    norm: Norm,
) -> Result<Output<Complex<T>>> {
    let mut out = r2c(x, axis, n, norm.swapped())?;
    for v in &mut out.data {
        *v = v.conj();
    }
    Ok(out)
}

/// The view's elements in C order (contiguous copy).
fn gather_all<E: Copy + Default>(x: &Strided<'_, E>) -> Vec<E> {
    if x.shape.is_empty() {
        return vec![x.data[x.offset]];
    }
    let last = x.shape.len() - 1;
    let l = lanes(x, last);
    let mut out = vec![E::default(); l.starts.len() * l.len];
    if l.len > 0 {
        for (chunk, &s) in out.chunks_mut(l.len).zip(&l.starts) {
            gather(x.data, s, l.stride, l.len, chunk);
        }
    }
    out
}

/// NumPy's `_cook_nd_args`: the transform lengths and (normalised) axes of an n-d transform.
/// `s` entries of `None` mean the input's length along that axis (NumPy's `-1`); `invreal`
/// makes the last default length `2 * (len - 1)` (`irfftn`).
fn cook_nd(
    shape: &[usize],
    s: Option<&[Option<usize>]>,
    axes: Option<&[isize]>,
    invreal: bool,
) -> Result<(Vec<usize>, Vec<usize>)> {
    let ndim = shape.len();
    let axes: Vec<isize> = match (axes, s) {
        (Some(a), _) => a.to_vec(),
        (None, Some(s)) => (-(s.len() as isize)..0).collect(),
        (None, None) => (0..ndim as isize).collect(),
    };
    let axes_u = axes
        .iter()
        .map(|&a| normalize_axis(a, ndim))
        .collect::<Result<Vec<_>>>()?;
    let shapeless = s.is_none();
    let mut lens: Vec<i64> = match s {
        Some(s) => {
            if s.len() != axes.len() {
                return Err(FftError::ShapeAxesMismatch {
                    s: s.len(),
                    axes: axes.len(),
                });
            }
            s.iter()
                .zip(&axes_u)
                .map(|(v, &a)| v.map(|v| v as i64).unwrap_or(shape[a] as i64))
                .collect()
        }
        None => axes_u.iter().map(|&a| shape[a] as i64).collect(),
    };
    if invreal && shapeless {
        if let Some(&last) = axes_u.last() {
            let l = lens.len() - 1;
            lens[l] = 2 * (shape[last] as i64 - 1);
        }
    }
    let lens = lens
        .into_iter()
        .map(|n| {
            if n < 1 {
                Err(FftError::InvalidPoints(n))
            } else {
                Ok(n as usize)
            }
        })
        .collect::<Result<Vec<_>>>()?;
    Ok((lens, axes_u))
}

/// NumPy's `fftn` / `ifftn` (and `fft2` / `ifft2` with `axes = [-2, -1]`): successive 1-d
/// transforms over `axes` (default: all, or the last `s.len()` when `s` is given), the last
/// axis first as NumPy does. `s[i]` is the length along `axes[i]` (`None`: the input's).
///
/// ```
/// use numcrane_fft::{c2c_nd, c_strides, Norm, Strided};
/// use num_complex::Complex;
/// let x = vec![Complex::new(1.0f64, 0.0); 6];
/// let shape = [2, 3];
/// let strides = c_strides(&shape);
/// let y = c2c_nd(Strided::new(&x, &shape, &strides), None, None, false, Norm::Backward).unwrap();
/// assert!((y.data[0].re - 6.0).abs() < 1e-12 && y.data[1].norm() < 1e-12);
/// ```
pub fn c2c_nd<T: Real>(
    x: Strided<'_, Complex<T>>,
    s: Option<&[Option<usize>]>,
    axes: Option<&[isize]>,
    inverse: bool,
    norm: Norm,
) -> Result<Output<Complex<T>>> {
    x.check()?;
    let (lens, axes) = cook_nd(x.shape, s, axes, false)?;
    let mut cur = Output {
        data: gather_all(&x),
        shape: x.shape.to_vec(),
    };
    for (&n, &a) in lens.iter().zip(&axes).rev() {
        let strides = c_strides(&cur.shape);
        cur = c2c(cur.view(&strides), a as isize, Some(n), inverse, norm)?;
    }
    Ok(cur)
}

/// NumPy's `rfftn` (and `rfft2`): `rfft` over the last of `axes`, then `fft` over the others.
///
/// ```
/// use numcrane_fft::{rfftn, c_strides, Norm, Strided};
/// let x = vec![1.0f64; 8];
/// let shape = [2, 4];
/// let strides = c_strides(&shape);
/// let y = rfftn(Strided::new(&x, &shape, &strides), None, None, Norm::Backward).unwrap();
/// assert_eq!(y.shape, vec![2, 3]);
/// assert!((y.data[0].re - 8.0).abs() < 1e-12);
/// ```
pub fn rfftn<T: Real>(
    x: Strided<'_, T>,
    s: Option<&[Option<usize>]>,
    axes: Option<&[isize]>,
    norm: Norm,
) -> Result<Output<Complex<T>>> {
    x.check()?;
    let (lens, axes) = cook_nd(x.shape, s, axes, false)?;
    let (Some(&last_n), Some(&last_a)) = (lens.last(), axes.last()) else {
        return Err(FftError::NoAxes);
    };
    let mut cur = r2c(x, last_a as isize, Some(last_n), norm)?;
    for (&n, &a) in lens.iter().zip(&axes).rev().skip(1) {
        let strides = c_strides(&cur.shape);
        cur = c2c(cur.view(&strides), a as isize, Some(n), false, norm)?;
    }
    Ok(cur)
}

/// NumPy's `irfftn` (and `irfft2`): `ifft` over all of `axes` but the last, then `irfft` over
/// the last (default length there: `2 * (len - 1)`).
///
/// ```
/// use numcrane_fft::{irfftn, c_strides, Norm, Strided};
/// use num_complex::Complex;
/// let mut x = vec![Complex::new(0.0f64, 0.0); 6];
/// x[0] = Complex::new(8.0, 0.0);
/// let shape = [2, 3];
/// let strides = c_strides(&shape);
/// let y = irfftn(Strided::new(&x, &shape, &strides), None, None, Norm::Backward).unwrap();
/// assert_eq!(y.shape, vec![2, 4]);
/// assert!(y.data.iter().all(|&v| (v - 1.0).abs() < 1e-12));
/// ```
pub fn irfftn<T: Real>(
    x: Strided<'_, Complex<T>>,
    s: Option<&[Option<usize>]>,
    axes: Option<&[isize]>,
    norm: Norm,
) -> Result<Output<T>> {
    x.check()?;
    let (lens, axes) = cook_nd(x.shape, s, axes, true)?;
    let (Some(&last_n), Some(&last_a)) = (lens.last(), axes.last()) else {
        return Err(FftError::NoAxes);
    };
    let mut cur = Output {
        data: gather_all(&x),
        shape: x.shape.to_vec(),
    };
    for (&n, &a) in lens.iter().zip(&axes).take(lens.len() - 1) {
        let strides = c_strides(&cur.shape);
        cur = c2c(cur.view(&strides), a as isize, Some(n), true, norm)?;
    }
    let strides = c_strides(&cur.shape);
    c2r(cur.view(&strides), last_a as isize, Some(last_n), norm)
}

/// NumPy's `fftfreq(n, d)`: the sample frequencies `[0, 1, ..., (n-1)/2, -(n/2), ..., -1] /
/// (d * n)`, each computed as NumPy does (the integer times `1 / (n * d)`). `n == 0` is
/// NumPy's `ZeroDivisionError`, reported as `None`.
///
/// ```
/// assert_eq!(numcrane_fft::fftfreq(4, 1.0).unwrap(), vec![0.0, 0.25, -0.5, -0.25]);
/// ```
pub fn fftfreq(n: usize, d: f64) -> Option<Vec<f64>> {
    let denom = n as f64 * d;
    if denom == 0.0 {
        return None;
    }
    let val = 1.0 / denom;
    let half = (n - 1) / 2 + 1;
    Some(
        (0..n)
            .map(|i| {
                let k = if i < half {
                    i as i64
                } else {
                    i as i64 - n as i64
                };
                k as f64 * val
            })
            .collect(),
    )
}

/// NumPy's `rfftfreq(n, d)`: `[0, 1, ..., n/2] / (d * n)`; `n == 0` (or `d == 0`) is NumPy's
/// `ZeroDivisionError`, reported as `None`.
///
/// ```
/// assert_eq!(numcrane_fft::rfftfreq(4, 0.5).unwrap(), vec![0.0, 0.5, 1.0]);
/// ```
pub fn rfftfreq(n: usize, d: f64) -> Option<Vec<f64>> {
    let denom = n as f64 * d;
    if denom == 0.0 {
        return None;
    }
    let val = 1.0 / denom;
    Some((0..n / 2 + 1).map(|i| i as f64 * val).collect())
}

#[cfg(test)]
mod tests;
