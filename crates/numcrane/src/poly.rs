//! `numcrane::poly`: NumPy's legacy polynomial API (`np.polyval`, `np.polyfit`, `np.poly1d`,
//! `np.roots`, `np.polyadd` / `polysub` / `polymul` / `polydiv` / `polyder` / `polyint`), with
//! coefficients highest power first as NumPy's.
//!
//! * [`polyval`] and [`polyval_array`] are lazy: Horner's scheme `y = y * x + p[i]` written
//!   with array operations, exactly NumPy's loop, so the dtype rules are NumPy's too (Rust
//!   `f64` coefficients are a float64 array to NumPy, `np.asarray(p)`: strong scalars).
//! * The coefficient arithmetic (`polyadd`, ..., [`Poly1d`]) works on `f64` slices, as
//!   NumPy's functions do on small 1-d arrays, with NumPy's algorithms step for step
//!   (`polydiv`'s remainder trimming, `polyint`'s constants).
//! * [`roots`] returns complex values (`Vec<Complex<f64>>`): the eigenvalues of the companion
//!   matrix, as NumPy; `numcrane_linalg::all_real` tells whether NumPy would return a real
//!   array.
//! * [`polyfit`] realizes its inputs (a least-squares fit is not element-wise) and follows
//!   NumPy's algorithm: Vandermonde columns scaled to unit norm, an SVD least-squares solve
//!   with NumPy's `rcond`, the covariance `inv(A^T A) / outer(scale, scale)` scaled by
//!   `residuals / (n - deg - 1)` (NumPy 2's factor).

use crate::array::Array;
use crate::build;
use crate::creation::zeros_like;
use crate::indexing::IndexArg;
use numcrane_graph::error::SourceLocation;
use numcrane_graph::{DType, Error, Op, Result};
/// Complex values of [`roots`], and NumPy's rule for when they would be a real array.
pub use numcrane_linalg::{all_real, Complex};
use std::fmt;
use std::ops;

/// An array that evaluates to `err` (a failed polynomial operation on `inputs`).
fn fail(
    err: Error,
    inputs: &[&Array],
    dtype: DType,
    shape: Vec<usize>,
    loc: SourceLocation,
) -> Array {
    build::poison(err, Op::Leaf, inputs, dtype, shape, loc)
}

/// NumPy's `np.polyval(p, x)` with the coefficients as Rust `f64`s: the polynomial
/// `p[0] * x**(n-1) + ... + p[n-1]` at every element of `x`, lazily by Horner's scheme. NumPy
/// turns a list of coefficients into a float64 array (`np.asarray(p)`), so each coefficient is
/// a strong float64 scalar and the result is `x`'s dtype promoted with float64 (float32 `x`
/// gives float64); empty `p` gives zeros of `x`'s dtype, as NumPy.
///
/// ```
/// use numcrane::{array, poly, DType};
/// let y = poly::polyval(&[3.0, 0.0, 1.0], &array([1.0f32, 2.0]));
/// assert_eq!(y.dtype(), DType::F64);
/// assert_eq!(y.to_vec::<f64>().unwrap(), vec![4.0, 13.0]);
/// ```
#[track_caller]
pub fn polyval(p: &[f64], x: &Array) -> Array {
    let mut y = zeros_like(x);
    for &pv in p {
        y = &(&y * x) + &Array::scalar(pv);
    }
    y
}

/// NumPy's `np.polyval(p, x)` with the coefficients in a 1-d array: each coefficient is a
/// strong scalar of `p`'s dtype, so the result has `x`'s dtype promoted with `p`'s (a float64
/// `p` on a float32 `x` gives float64, as NumPy 2). Lazy.
///
/// ```
/// use numcrane::{array, poly, DType};
/// let x = array([1.0f32, 2.0]);
/// let y = poly::polyval_array(&array([1.0, -1.0]), &x);
/// assert_eq!(y.dtype(), DType::F64);
/// assert_eq!(y.to_vec::<f64>().unwrap(), vec![0.0, 1.0]);
/// ```
#[track_caller]
pub fn polyval_array(p: &Array, x: &Array) -> Array {
    let loc = SourceLocation::caller();
    if p.ndim() != 1 {
        let e = Error::invalid(
            "polyval",
            format!(
                "the coefficients must be a 1-d array, got shape {:?}",
                p.shape()
            ),
            loc,
        );
        return fail(
            e,
            &[p, x],
            x.dtype().promote(p.dtype()),
            x.shape().to_vec(),
            loc,
        );
    }
    let mut y = zeros_like(x);
    for i in 0..p.shape()[0] {
        let pv = p.index(vec![IndexArg::from(i)]);
        y = &(&y * x) + &pv;
    }
    y
}

/// `a` with `diff` zeros in front (NumPy's alignment of the shorter operand).
fn front_padded(a: &[f64], len: usize) -> Vec<f64> {
    let mut v = vec![0.0; len - a.len()];
    v.extend_from_slice(a);
    v
}

/// NumPy's `np.polyadd(a1, a2)`: the shorter operand aligned at the constant term (no leading
/// zeros are stripped, as NumPy). An empty operand counts as `[]` (NumPy's `atleast_1d` of
/// an empty list).
///
/// ```
/// assert_eq!(numcrane::poly::polyadd(&[1.0, 2.0], &[1.0, 0.0, 5.0]), vec![1.0, 1.0, 7.0]);
/// ```
pub fn polyadd(a1: &[f64], a2: &[f64]) -> Vec<f64> {
    let n = a1.len().max(a2.len());
    let (a, b) = (front_padded(a1, n), front_padded(a2, n));
    a.iter().zip(&b).map(|(x, y)| x + y).collect()
}

/// NumPy's `np.polysub(a1, a2)`: `a1 - a2`, aligned as [`polyadd`].
///
/// ```
/// assert_eq!(numcrane::poly::polysub(&[1.0, 2.0], &[1.0, 0.0, 5.0]), vec![-1.0, 1.0, -3.0]);
/// ```
pub fn polysub(a1: &[f64], a2: &[f64]) -> Vec<f64> {
    let n = a1.len().max(a2.len());
    let (a, b) = (front_padded(a1, n), front_padded(a2, n));
    a.iter().zip(&b).map(|(x, y)| x - y).collect()
}

/// NumPy's `np.polymul(a1, a2)`: the full convolution of the coefficients (`np.convolve`)
/// after NumPy's conversion of both to `poly1d`, which drops leading zeros and turns an
/// empty or all-zero operand into `[0.]`.
///
/// ```
/// assert_eq!(numcrane::poly::polymul(&[1.0, 1.0], &[1.0, -1.0]), vec![1.0, 0.0, -1.0]);
/// assert_eq!(numcrane::poly::polymul(&[0.0, 2.0], &[]), vec![0.0]);
/// ```
pub fn polymul(a1: &[f64], a2: &[f64]) -> Vec<f64> {
    convolve(Poly1d::new(a1).coeffs(), Poly1d::new(a2).coeffs())
}

/// The full convolution of two coefficient lists (empty if either is).
fn convolve(a1: &[f64], a2: &[f64]) -> Vec<f64> {
    if a1.is_empty() || a2.is_empty() {
        return Vec::new();
    }
    let mut out = vec![0.0; a1.len() + a2.len() - 1];
    for (i, &x) in a1.iter().enumerate() {
        for (j, &y) in a2.iter().enumerate() {
            out[i + j] += x * y;
        }
    }
    out
}

/// NumPy's `np.polydiv(u, v)`: the quotient and remainder of `u / v` by long division, the
/// remainder's leading terms dropped while they are within `1e-8` of zero (NumPy's
/// `allclose(r[0], 0, rtol=1e-14)`) and more than one term is left. A zero leading divisor
/// term gives non-finite values, as NumPy's (warning) division by zero; an empty operand is
/// an error.
///
/// ```
/// let (q, r) = numcrane::poly::polydiv(&[1.0, 0.0, -1.0], &[1.0, 1.0]).unwrap();
/// assert_eq!((q, r), (vec![1.0, -1.0], vec![0.0]));
/// ```
#[track_caller]
pub fn polydiv(u: &[f64], v: &[f64]) -> Result<(Vec<f64>, Vec<f64>)> {
    if u.is_empty() || v.is_empty() {
        return Err(Error::invalid(
            "polydiv",
            "index 0 is out of bounds for axis 0 with size 0 (an empty polynomial)",
            SourceLocation::caller(),
        ));
    }
    let m = u.len() - 1;
    let n = v.len() - 1;
    let scale = 1.0 / v[0];
    let steps = (m + 1).saturating_sub(n);
    let mut q = vec![0.0; steps.max(1)];
    let mut r = u.to_vec();
    for k in 0..steps {
        let d = scale * r[k];
        q[k] = d;
        for (rj, &vj) in r[k..k + n + 1].iter_mut().zip(v) {
            *rj -= d * vj;
        }
    }
    let mut start = 0;
    while r.len() - start > 1 && r[start].abs() <= 1e-8 {
        start += 1;
    }
    Ok((q, r[start..].to_vec()))
}

/// NumPy's `np.polyder(p, m)`: the `m`-th derivative. The derivative of a constant is the
/// empty polynomial `[]` (as NumPy's array result; [`Poly1d`] turns it into `[0.]`).
///
/// ```
/// assert_eq!(numcrane::poly::polyder(&[1.0, 1.0, 1.0, 1.0], 2), vec![6.0, 2.0]);
/// ```
pub fn polyder(p: &[f64], m: usize) -> Vec<f64> {
    let mut p = p.to_vec();
    for _ in 0..m {
        let n = p.len().saturating_sub(1);
        p = p[..n]
            .iter()
            .enumerate()
            .map(|(i, &c)| c * (n - i) as f64)
            .collect();
    }
    p
}

/// NumPy's `np.polyint(p, m, k)`: the `m`-th antiderivative, `k` the integration constants
/// (the first is the constant of the first integration). `k` empty means zeros; one value is
/// used for every integration; otherwise it needs at least `m` values (NumPy's error).
///
/// ```
/// assert_eq!(numcrane::poly::polyint(&[3.0, 2.0], 1, &[5.0]).unwrap(), vec![1.5, 2.0, 5.0]);
/// ```
#[track_caller]
pub fn polyint(p: &[f64], m: usize, k: &[f64]) -> Result<Vec<f64>> {
    let k: Vec<f64> = match k.len() {
        0 => vec![0.0; m],
        1 if m > 1 => vec![k[0]; m],
        _ => k.to_vec(),
    };
    if k.len() < m {
        return Err(Error::invalid(
            "polyint",
            "k must be a scalar or a rank-1 array of length 1 or >m.",
            SourceLocation::caller(),
        ));
    }
    let mut p = p.to_vec();
    for &kc in k.iter().take(m) {
        let n = p.len();
        p = p
            .iter()
            .enumerate()
            .map(|(i, &c)| c / (n - i) as f64)
            .collect();
        p.push(kc);
    }
    Ok(p)
}

/// NumPy's `np.roots(p)` on an array of coefficients (1-D): the roots as an array, complex128
/// unless every root is real, then float64, as NumPy returns them (see [`roots`]). Evaluates
/// `p`; an error (a 2-D `p`, non-finite coefficients) is an error array.
///
/// ```
/// use numcrane::{array, Complex64, DType};
/// let r = numcrane::poly::roots_array(&array([1.0, 0.0, 1.0])); // x^2 + 1
/// assert_eq!(r.dtype(), DType::C128);
/// let mut im: Vec<f64> = r.to_vec::<Complex64>().unwrap().iter().map(|z| z.im).collect();
/// im.sort_by(f64::total_cmp);
/// assert_eq!(im, vec![-1.0, 1.0]);
/// let r = numcrane::poly::roots_array(&array([1.0, -3.0, 2.0]));
/// assert_eq!(r.dtype(), DType::F64);
/// ```
#[track_caller]
pub fn roots_array(p: &Array) -> Array {
    let loc = SourceLocation::caller();
    let result = (|| {
        if p.ndim() != 1 {
            return Err(Error::invalid(
                "roots",
                format!("Input must be a rank-1 array (got {} dimensions)", p.ndim()),
                loc,
            ));
        }
        let coeffs = p.astype(DType::F64).to_vec::<f64>()?;
        let r = roots(&coeffs)?;
        let n = r.len();
        Ok(if numcrane_linalg::all_real(&r) {
            Array::from_vec(r.iter().map(|z| z.re).collect::<Vec<f64>>(), [n])
        } else {
            Array::from_vec(r, [n])
        })
    })();
    result.unwrap_or_else(|e| build::poison(e, Op::Leaf, &[p], DType::C128, vec![0], loc))
}

/// NumPy's `np.roots(p)`: the roots of the polynomial with coefficients `p`, as the
/// eigenvalues of its companion matrix after dropping leading zeros (they do not change the
/// polynomial) and trailing zeros (each is a root at 0, appended at the end). All-zero or
/// empty `p` has no roots. The values are complex; NumPy returns a real array when every
/// imaginary part is zero (`numcrane_linalg::all_real`). Non-finite coefficients are NumPy's
/// `LinAlgError` ("Array must not contain infs or NaNs").
///
/// ```
/// let r = numcrane::poly::roots(&[1.0, -3.0, 2.0]).unwrap();
/// let mut re: Vec<f64> = r.iter().map(|z| z.re).collect();
/// re.sort_by(f64::total_cmp);
/// assert!((re[0] - 1.0).abs() < 1e-12 && (re[1] - 2.0).abs() < 1e-12);
/// ```
#[track_caller]
pub fn roots(p: &[f64]) -> Result<Vec<Complex<f64>>> {
    let loc = SourceLocation::caller();
    let (Some(first), Some(last)) = (
        p.iter().position(|&c| c != 0.0),
        p.iter().rposition(|&c| c != 0.0),
    ) else {
        return Ok(Vec::new());
    };
    let trailing = p.len() - last - 1;
    let p = &p[first..=last];
    let n = p.len();
    let mut out = if n > 1 {
        // Companion matrix: ones on the first subdiagonal, -p[1:] / p[0] in the first row.
        let k = n - 1;
        let mut a = vec![0.0; k * k];
        for i in 1..k {
            a[i * k + i - 1] = 1.0;
        }
        for j in 0..k {
            a[j] = -p[j + 1] / p[0];
        }
        numcrane_linalg::eigvals(&a, k).map_err(|e| {
            let msg = match e {
                numcrane_linalg::Fail::NonFinite => {
                    "Array must not contain infs or NaNs".to_string()
                }
                numcrane_linalg::Fail::NoConvergence => "Eigenvalues did not converge".to_string(),
                other => format!("{other:?}"),
            };
            Error::linalg("roots", msg, loc)
        })?
    } else {
        Vec::new()
    };
    out.extend(std::iter::repeat_n(Complex::new(0.0, 0.0), trailing));
    Ok(out)
}

/// NumPy's `np.poly(seq)` for real roots: the monic polynomial with these roots, highest power
/// first (`[1.]` for none).
///
/// ```
/// assert_eq!(numcrane::poly::poly_from_roots(&[1.0, 2.0]), vec![1.0, -3.0, 2.0]);
/// ```
pub fn poly_from_roots(r: &[f64]) -> Vec<f64> {
    r.iter()
        .fold(vec![1.0], |acc, &z| convolve(&acc, &[1.0, -z]))
}

/// NumPy's `np.poly1d` over float64 coefficients (highest power first, leading zeros
/// trimmed, at least one coefficient): evaluation on scalars and arrays, `+ - *` with
/// polynomials and scalars, division with remainder, powers, derivatives, integrals and roots.
///
/// ```
/// use numcrane::poly::Poly1d;
/// let p = Poly1d::new(&[1.0, 2.0, 3.0]);
/// assert_eq!(p.order(), 2);
/// assert_eq!(p.eval(2.0), 11.0);
/// let q = &p * &Poly1d::new(&[1.0, -1.0]);
/// assert_eq!(q.coeffs(), &[1.0, 1.0, 1.0, -3.0]);
/// assert_eq!(p.deriv(1).coeffs(), &[2.0, 2.0]);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Poly1d {
    coeffs: Vec<f64>,
}

impl Poly1d {
    /// `np.poly1d(c)`: leading zeros trimmed (`np.trim_zeros(c, 'f')`); none left is `[0.]`.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::poly::Poly1d;
    /// let p = Poly1d::new(&[0.0, 0.0, 1.0, -3.0, 2.0]);
    /// assert_eq!(p.coeffs(), &[1.0, -3.0, 2.0]);
    /// assert_eq!(Poly1d::new(&[0.0, 0.0]).coeffs(), &[0.0]);
    /// ```
    pub fn new(c: &[f64]) -> Poly1d {
        let start = c.iter().position(|&v| v != 0.0).unwrap_or(c.len());
        let coeffs = if start == c.len() {
            vec![0.0]
        } else {
            c[start..].to_vec()
        };
        Poly1d { coeffs }
    }

    /// `np.poly1d(r, r=True)`: the monic polynomial with these (real) roots.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::poly::Poly1d;
    /// let p = Poly1d::from_roots(&[1.0, 2.0]);
    /// assert_eq!(p.coeffs(), &[1.0, -3.0, 2.0]);
    /// ```
    pub fn from_roots(r: &[f64]) -> Poly1d {
        Poly1d::new(&poly_from_roots(r))
    }

    /// The coefficients, highest power first (NumPy's `.coeffs` / `.c`).
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::poly::Poly1d;
    /// let p = Poly1d::new(&[2.0, 0.0, -1.0]);
    /// assert_eq!(p.coeffs(), &[2.0, 0.0, -1.0]);
    /// ```
    pub fn coeffs(&self) -> &[f64] {
        &self.coeffs
    }

    /// The degree (NumPy's `.order`): the number of coefficients less one.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::poly::Poly1d;
    /// assert_eq!(Poly1d::new(&[1.0, -3.0, 2.0]).order(), 2);
    /// assert_eq!(Poly1d::new(&[5.0]).order(), 0);
    /// ```
    pub fn order(&self) -> usize {
        self.coeffs.len() - 1
    }

    /// The value at `x` (`p(x)` on a Python float), by Horner's scheme as `np.polyval`.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::poly::Poly1d;
    /// let p = Poly1d::new(&[1.0, -3.0, 2.0]);
    /// assert_eq!(p.eval(3.0), 2.0);
    /// assert_eq!(p.eval(1.0), 0.0);
    /// ```
    pub fn eval(&self, x: f64) -> f64 {
        self.coeffs.iter().fold(0.0, |y, &c| y * x + c)
    }

    /// The values at every element of `x` (`p(x)` on an array): `np.polyval` with the
    /// coefficients a float64 array, so the result is at least float64. Lazy.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::{array, poly::Poly1d, DType};
    /// let p = Poly1d::new(&[1.0, 0.0, -1.0]);
    /// let y = p.eval_array(&array([1.0f32, 2.0, 3.0]));
    /// assert_eq!(y.dtype(), DType::F64);
    /// assert_eq!(y.to_vec::<f64>().unwrap(), vec![0.0, 3.0, 8.0]);
    /// ```
    #[track_caller]
    pub fn eval_array(&self, x: &Array) -> Array {
        let mut y = zeros_like(x);
        for &c in &self.coeffs {
            y = &(&y * x) + &Array::scalar(c);
        }
        y
    }

    /// The roots (`.roots` / `.r`), complex, as [`roots`].
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::poly::Poly1d;
    /// let r = Poly1d::new(&[1.0, -3.0, 2.0]).roots().unwrap();
    /// let mut re: Vec<f64> = r.iter().map(|z| z.re).collect();
    /// re.sort_by(f64::total_cmp);
    /// assert!((re[0] - 1.0).abs() < 1e-12 && (re[1] - 2.0).abs() < 1e-12);
    /// assert!(r.iter().all(|z| z.im == 0.0));
    /// ```
    #[track_caller]
    pub fn roots(&self) -> Result<Vec<Complex<f64>>> {
        roots(&self.coeffs)
    }

    /// The `m`-th derivative (`.deriv(m)`).
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::poly::Poly1d;
    /// let p = Poly1d::new(&[1.0, 1.0, 1.0, 1.0]);
    /// assert_eq!(p.deriv(1).coeffs(), &[3.0, 2.0, 1.0]);
    /// assert_eq!(p.deriv(2).coeffs(), &[6.0, 2.0]);
    /// ```
    pub fn deriv(&self, m: usize) -> Poly1d {
        Poly1d::new(&polyder(&self.coeffs, m))
    }

    /// The `m`-th antiderivative with constants `k` (`.integ(m, k)`; see [`polyint`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::poly::Poly1d;
    /// let p = Poly1d::new(&[3.0, 2.0]);
    /// assert_eq!(p.integ(1, &[5.0]).unwrap().coeffs(), &[1.5, 2.0, 5.0]);
    /// ```
    #[track_caller]
    pub fn integ(&self, m: usize, k: &[f64]) -> Result<Poly1d> {
        Ok(Poly1d::new(&polyint(&self.coeffs, m, k)?))
    }

    /// Quotient and remainder of `self / other` (NumPy's `p / q` on two `poly1d`s, or
    /// `np.polydiv`).
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::poly::Poly1d;
    /// // (x^2 + 1) / (x - 1) = x + 1, remainder 2
    /// let (q, r) = Poly1d::new(&[1.0, 0.0, 1.0]).div(&Poly1d::new(&[1.0, -1.0])).unwrap();
    /// assert_eq!(q.coeffs(), &[1.0, 1.0]);
    /// assert_eq!(r.coeffs(), &[2.0]);
    /// ```
    #[track_caller]
    pub fn div(&self, other: &Poly1d) -> Result<(Poly1d, Poly1d)> {
        let (q, r) = polydiv(&self.coeffs, &other.coeffs)?;
        Ok((Poly1d::new(&q), Poly1d::new(&r)))
    }

    /// `self ** n` by repeated multiplication, as NumPy.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::poly::Poly1d;
    /// let p = Poly1d::new(&[1.0, 1.0]);
    /// assert_eq!(p.pow(2).coeffs(), &[1.0, 2.0, 1.0]);
    /// assert_eq!(p.pow(0).coeffs(), &[1.0]);
    /// ```
    pub fn pow(&self, n: u32) -> Poly1d {
        let mut out = vec![1.0];
        for _ in 0..n {
            out = convolve(&out, &self.coeffs);
        }
        Poly1d::new(&out)
    }
}

impl ops::Add for &Poly1d {
    type Output = Poly1d;
    fn add(self, rhs: &Poly1d) -> Poly1d {
        Poly1d::new(&polyadd(&self.coeffs, &rhs.coeffs))
    }
}

impl ops::Sub for &Poly1d {
    type Output = Poly1d;
    fn sub(self, rhs: &Poly1d) -> Poly1d {
        Poly1d::new(&polysub(&self.coeffs, &rhs.coeffs))
    }
}

impl ops::Mul for &Poly1d {
    type Output = Poly1d;
    fn mul(self, rhs: &Poly1d) -> Poly1d {
        Poly1d::new(&polymul(&self.coeffs, &rhs.coeffs))
    }
}

impl ops::Add<f64> for &Poly1d {
    type Output = Poly1d;
    fn add(self, rhs: f64) -> Poly1d {
        Poly1d::new(&polyadd(&self.coeffs, &[rhs]))
    }
}

impl ops::Sub<f64> for &Poly1d {
    type Output = Poly1d;
    fn sub(self, rhs: f64) -> Poly1d {
        Poly1d::new(&polysub(&self.coeffs, &[rhs]))
    }
}

impl ops::Mul<f64> for &Poly1d {
    type Output = Poly1d;
    fn mul(self, rhs: f64) -> Poly1d {
        Poly1d::new(&self.coeffs.iter().map(|c| c * rhs).collect::<Vec<_>>())
    }
}

impl ops::Div<f64> for &Poly1d {
    type Output = Poly1d;
    fn div(self, rhs: f64) -> Poly1d {
        Poly1d::new(&self.coeffs.iter().map(|c| c / rhs).collect::<Vec<_>>())
    }
}

impl ops::Neg for &Poly1d {
    type Output = Poly1d;
    fn neg(self) -> Poly1d {
        Poly1d::new(&self.coeffs.iter().map(|c| -c).collect::<Vec<_>>())
    }
}

impl fmt::Display for Poly1d {
    /// `poly1d([c0, c1, ...])` with Rust's shortest float text (close to NumPy's `repr`; NumPy's
    /// two-line `str`, exponents above the terms, is not reproduced).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.coeffs.iter().map(|c| format!("{c:?}")).collect();
        write!(f, "poly1d([{}])", parts.join(", "))
    }
}

/// How [`polyfit`] reports the covariance of the coefficients (NumPy's `cov` argument).
///
/// # Examples
///
/// ```
/// use numcrane::{array, poly};
/// assert_eq!(poly::Cov::default(), poly::Cov::No);
/// let x = array([0.0, 1.0, 2.0, 3.0]);
/// let y = array([1.0, 3.0, 5.0, 8.0]);
/// let fit = poly::polyfit(&x, &y, 1, None, None, poly::Cov::Unscaled);
/// assert_eq!(fit.cov.unwrap().shape(), &[2, 2]);
/// assert!(poly::polyfit(&x, &y, 1, None, None, poly::Cov::No).cov.is_none());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Cov {
    /// `cov=False`: none.
    #[default]
    No,
    /// `cov=True`: scaled by the residual variance `resids / (n - deg - 1)`.
    Scaled,
    /// `cov="unscaled"`: `inv(A^T A)` of the (weighted) design matrix alone.
    Unscaled,
}

/// What [`polyfit`] returns: NumPy's `c`, with `cov=...` its `V`, and with `full=True` its
/// `residuals, rank, singular_values, rcond`. Every array is float64 (NumPy's `vander`
/// promotes with int, so even a float32 fit is float64) and evaluates to the error when the
/// fit failed.
///
/// # Examples
///
/// ```
/// use numcrane::{array, poly};
/// let x = array([0.0, 1.0, 2.0, 3.0]);
/// let y = array([1.0, 3.0, 5.0, 8.0]);
/// let fit = poly::polyfit(&x, &y, 1, None, None, poly::Cov::No);
/// assert_eq!(fit.coeffs.shape(), &[2]);
/// assert_eq!(fit.rank, 2);
/// assert_eq!(fit.residuals.shape(), &[1]);
/// assert_eq!(fit.singular_values.shape(), &[2]);
/// assert!(fit.cov.is_none());
/// ```
#[derive(Clone, Debug)]
pub struct PolyFit {
    /// the coefficients, highest power first: `(deg + 1,)`, or `(deg + 1, K)` for a 2-D `y`
    pub coeffs: Array,
    /// the covariance `(deg + 1, deg + 1)` (`(deg + 1, deg + 1, K)` for a 2-D `y`) when asked
    pub cov: Option<Array>,
    /// the sum of squared (weighted) residuals per column; empty `(0,)` when the scaled design
    /// matrix is rank-deficient or has no more rows than columns (NumPy's `lstsq` rule)
    pub residuals: Array,
    /// the effective rank of the scaled design matrix (a warning sign below `deg + 1`:
    /// NumPy's `RankWarning` "Polyfit may be poorly conditioned")
    pub rank: usize,
    /// the singular values of the scaled design matrix, descending
    pub singular_values: Array,
    /// the relative cutoff used for small singular values
    pub rcond: f64,
}

/// A floating array's values as f64 (the dtype check is the caller's).
fn realize(a: &Array) -> Result<Vec<f64>> {
    a.astype(DType::F64).to_vec::<f64>()
}

/// NumPy's `np.polyfit(x, y, deg, rcond, full, w, cov)`: the least-squares polynomial of
/// degree `deg` through the points `(x[i], y[i])` (each column of a 2-D `y` fitted
/// separately), minimising `sum(w[i]**2 * (y[i] - p(x[i]))**2)`. `rcond = None` is NumPy's
/// `len(x) * eps`. Realizes `x`, `y` and `w`.
///
/// ```
/// use numcrane::{array, poly};
/// let x = array([0.0, 1.0, 2.0, 3.0]);
/// let y = array([1.0, 3.0, 5.0, 7.0]);
/// let fit = poly::polyfit(&x, &y, 1, None, None, poly::Cov::No);
/// let c = fit.coeffs.to_vec::<f64>().unwrap();
/// assert!((c[0] - 2.0).abs() < 1e-12 && (c[1] - 1.0).abs() < 1e-12);
/// ```
#[track_caller]
pub fn polyfit(
    x: &Array,
    y: &Array,
    deg: usize,
    rcond: Option<f64>,
    w: Option<&Array>,
    cov: Cov,
) -> PolyFit {
    let loc = SourceLocation::caller();
    // np.vander promotes with int, so the fit runs and returns in float64 whatever the float
    // type of the input; the default rcond still uses the epsilon of `x + 0.0`'s dtype.
    let dtype = DType::F64;
    let eps = if x.dtype() == DType::F32 {
        f32::EPSILON as f64
    } else {
        f64::EPSILON
    };
    let rcond = rcond.unwrap_or(x.size() as f64 * eps);
    match polyfit_values(x, y, deg, rcond, w, cov, loc) {
        Ok(v) => {
            let order = deg + 1;
            let cshape: Vec<usize> = if y.ndim() == 2 {
                vec![order, y.shape()[1]]
            } else {
                vec![order]
            };
            // cov="unscaled" of a 2-D y is (order, order, 1) in NumPy (a factor 1, not K of them).
            let ncov = v.cov.as_ref().map_or(0, |c| c.len() / (order * order));
            let vshape: Vec<usize> = if y.ndim() == 2 {
                vec![order, order, ncov]
            } else {
                vec![order, order]
            };
            let nres = v.residuals.len();
            let ns = v.s.len();
            PolyFit {
                coeffs: Array::from_vec(v.coeffs, cshape),
                cov: v.cov.map(|c| Array::from_vec(c, vshape)),
                residuals: Array::from_vec(v.residuals, [nres]),
                rank: v.rank,
                singular_values: Array::from_vec(v.s, [ns]),
                rcond,
            }
        }
        Err(e) => {
            let ins: Vec<&Array> = [Some(x), Some(y), w].into_iter().flatten().collect();
            let bad = |shape: Vec<usize>| fail(e.clone(), &ins, dtype, shape, loc);
            PolyFit {
                coeffs: bad(vec![deg + 1]),
                cov: (cov != Cov::No).then(|| bad(vec![deg + 1, deg + 1])),
                residuals: bad(vec![0]),
                rank: 0,
                singular_values: bad(vec![0]),
                rcond,
            }
        }
    }
}

/// [`polyfit`]'s numbers, row-major.
struct FitValues {
    coeffs: Vec<f64>,
    cov: Option<Vec<f64>>,
    residuals: Vec<f64>,
    rank: usize,
    s: Vec<f64>,
}

fn polyfit_values(
    x: &Array,
    y: &Array,
    deg: usize,
    rcond: f64,
    w: Option<&Array>,
    cov: Cov,
    loc: SourceLocation,
) -> Result<FitValues> {
    let err = |m: &str| Error::invalid("polyfit", m, loc);
    if x.ndim() != 1 {
        return Err(err("expected 1D vector for x"));
    }
    if x.size() == 0 {
        return Err(err("expected non-empty vector for x"));
    }
    if y.ndim() < 1 || y.ndim() > 2 {
        return Err(err("expected 1D or 2D array for y"));
    }
    if x.shape()[0] != y.shape()[0] {
        return Err(err("expected x and y to have same length"));
    }
    if let Some(w) = w {
        if w.ndim() != 1 {
            return Err(err("expected a 1-d array for weights"));
        }
        if w.shape()[0] != y.shape()[0] {
            return Err(err("expected w and y to have the same length"));
        }
    }
    let order = deg + 1;
    let m = x.size();
    let k = if y.ndim() == 2 { y.shape()[1] } else { 1 };
    let xs = realize(x)?;
    let mut ys = realize(y)?;
    // np.vander: column j holds x**(order-1-j), the powers by repeated multiplication.
    let mut lhs = vec![0.0; m * order];
    for (i, &xi) in xs.iter().enumerate() {
        let mut pw = 1.0;
        for j in (0..order).rev() {
            lhs[i * order + j] = pw;
            pw *= xi;
        }
    }
    if let Some(w) = w {
        let ws = realize(w)?;
        for i in 0..m {
            for j in 0..order {
                lhs[i * order + j] *= ws[i];
            }
            for c in 0..k {
                ys[i * k + c] *= ws[i];
            }
        }
    }
    let scale: Vec<f64> = (0..order)
        .map(|j| {
            (0..m)
                .map(|i| lhs[i * order + j] * lhs[i * order + j])
                .sum::<f64>()
                .sqrt()
        })
        .collect();
    for i in 0..m {
        for j in 0..order {
            lhs[i * order + j] /= scale[j];
        }
    }
    let linalg_err = |e: numcrane_linalg::Fail| {
        let msg = match e {
            numcrane_linalg::Fail::NonFinite => "Array must not contain infs or NaNs".to_string(),
            numcrane_linalg::Fail::NoConvergence => {
                "SVD did not converge in Linear Least Squares".to_string()
            }
            numcrane_linalg::Fail::Singular => "Singular matrix".to_string(),
            other => format!("{other:?}"),
        };
        Error::linalg("polyfit", msg, loc)
    };
    if lhs.iter().chain(&ys).any(|v| !v.is_finite()) {
        return Err(Error::linalg(
            "polyfit",
            "SVD did not converge in Linear Least Squares",
            loc,
        ));
    }
    // lstsq through the reduced SVD: c = V diag(1/s) U^T rhs over the singular values above
    // rcond * max(s).
    let r = m.min(order);
    let svd = numcrane_linalg::svd(&lhs, m, order, false, true).map_err(linalg_err)?;
    let smax = svd.s.first().copied().unwrap_or(0.0);
    let rank = svd.s.iter().filter(|&&s| s > rcond * smax).count();
    let mut coeffs = vec![0.0; order * k];
    for c in 0..k {
        for t in 0..r {
            if svd.s[t] <= rcond * smax {
                continue;
            }
            let utb: f64 = (0..m)
                .map(|i| svd.u[i * r + t] * ys[i * k + c])
                .sum::<f64>()
                / svd.s[t];
            for j in 0..order {
                coeffs[j * k + c] += svd.vh[t * order + j] * utb;
            }
        }
    }
    let residuals: Vec<f64> = if rank == order && m > order {
        (0..k)
            .map(|c| {
                (0..m)
                    .map(|i| {
                        let fit: f64 = (0..order)
                            .map(|j| lhs[i * order + j] * coeffs[j * k + c])
                            .sum();
                        (ys[i * k + c] - fit).powi(2)
                    })
                    .sum()
            })
            .collect()
    } else {
        Vec::new()
    };
    // Undo the column scaling: c = (c.T / scale).T
    for j in 0..order {
        for c in 0..k {
            coeffs[j * k + c] /= scale[j];
        }
    }
    let cov = match cov {
        Cov::No => None,
        Cov::Scaled | Cov::Unscaled => {
            let mut ata = vec![0.0; order * order];
            for a in 0..order {
                for b in 0..order {
                    ata[a * order + b] = (0..m)
                        .map(|i| lhs[i * order + a] * lhs[i * order + b])
                        .sum();
                }
            }
            let mut vbase = numcrane_linalg::inv(&ata, order).map_err(linalg_err)?;
            for a in 0..order {
                for b in 0..order {
                    vbase[a * order + b] /= scale[a] * scale[b];
                }
            }
            let fac: Vec<f64> = if cov == Cov::Unscaled {
                vec![1.0]
            } else {
                if m <= order {
                    return Err(err("the number of data points must exceed order to scale the covariance matrix"));
                }
                if residuals.is_empty() {
                    return Err(err(
                        "the fit is rank-deficient, so it has no residuals to scale the covariance matrix with",
                    ));
                }
                residuals.iter().map(|r| r / (m - order) as f64).collect()
            };
            Some(if y.ndim() == 2 {
                let mut out = Vec::with_capacity(order * order * k);
                for v in &vbase {
                    out.extend(fac.iter().map(|f| v * f));
                }
                out
            } else {
                vbase.iter().map(|v| v * fac[0]).collect()
            })
        }
    };
    Ok(FitValues {
        coeffs,
        cov,
        residuals,
        rank,
        s: svd.s,
    })
}
