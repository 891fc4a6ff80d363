//! NumPy's `np.random.default_rng`: a [`Generator`] giving, for the same seed, the same numbers
//! as NumPy 2.x, as arrays.
//!
//! The algorithms live in the `numcrane-random` crate (SeedSequence, PCG64 and NumPy's
//! distributions over plain vectors); this module shapes their output into arrays. Random
//! arrays are graph leaves: they are drawn when the method is called, so the generator
//! advances exactly as NumPy's does and a sequence of calls matches NumPy's sequence.
//! Bad parameters give a poisoned array whose `eval` returns NumPy's message with the
//! method's name and the caller's line, and consume no random numbers.
//!
//! ```
//! use numcrane::random::default_rng;
//! let mut rng = default_rng(42);
//! // NumPy: np.random.default_rng(42).integers(0, 10, 4) -> array([0, 7, 6, 4])
//! assert_eq!(rng.integers(0, 10, 4).to_vec::<i64>().unwrap(), vec![0, 7, 6, 4]);
//! let x = rng.standard_normal([2, 3]);
//! assert_eq!(x.shape(), &[2, 3]);
//! ```
//!
//! docs/random.md lists what is bit-identical to NumPy and what is not.

use crate::build;
use crate::{Array, IntoShape};
use numcrane_graph::error::SourceLocation;
use numcrane_graph::{Buffer, DType, Element, Error, Layout, Op};
pub use numcrane_random::{Mt19937, Pcg64, Pcg64State, SeedSequence};
use std::sync::Arc;

/// NumPy's `np.random.default_rng(seed)`: a generator over PCG64 seeded through SeedSequence.
pub fn default_rng(seed: u128) -> Generator {
    Generator {
        inner: numcrane_random::Generator::seeded(seed),
    }
}

/// NumPy's `np.random.Generator` (over PCG64). Methods take `size` as a shape (`[]` for the
/// 0-d array NumPy's `size=None` corresponds to) and return realized arrays.
#[derive(Clone, Debug)]
pub struct Generator {
    inner: numcrane_random::Generator,
}

/// A poisoned array of the given dtype and shape carrying `err`.
fn bad(err: Error, dtype: DType, shape: Vec<usize>, loc: SourceLocation) -> Array {
    build::poison(err, Op::Leaf, &[], dtype, shape, loc)
}

fn from_random_error(e: numcrane_random::Error, loc: SourceLocation) -> Error {
    Error::invalid(e.op, e.message, loc)
}

/// The element count of `shape`, or the poisoned array saying it overflows.
fn count(
    op: &'static str,
    shape: &[usize],
    dtype: DType,
    loc: SourceLocation,
) -> Result<usize, Array> {
    build::check_size(op, shape, loc)
        .map(|()| shape.iter().product())
        .map_err(|e| bad(e, dtype, vec![0], loc))
}

/// `values` shaped as `shape`, or the error `values` carries as a poisoned array.
fn shaped<T: Element>(
    values: numcrane_random::Result<Vec<T>>,
    shape: Vec<usize>,
    loc: SourceLocation,
) -> Array {
    match values {
        Ok(v) => match Array::from_vec(v, shape.clone()).eval() {
            // from_vec cannot fail here (the count is the shape's), but a poisoned array is
            // still the right answer if it ever did.
            Ok(a) => a,
            Err(e) => bad(e, T::DTYPE, shape, loc),
        },
        Err(e) => bad(from_random_error(e, loc), T::DTYPE, shape, loc),
    }
}

/// Element types every bit pattern of which is a valid value, so a slice of them may be laid
/// over a buffer's bytes before they are written (`bool` is not one).
trait Plain: Element {}
impl Plain for f64 {}
impl Plain for f32 {}
impl Plain for i64 {}

/// An array of `shape` (`n` elements) that `fill` writes straight into its final buffer: no
/// intermediate `Vec` and copy, and for large arrays recycled memory without page faults.
/// An error from `fill` (which then has drawn nothing) gives the poisoned array.
fn filled<T: Plain>(
    shape: Vec<usize>,
    n: usize,
    loc: SourceLocation,
    fill: impl FnOnce(&mut [T]) -> numcrane_random::Result<()>,
) -> Array {
    // SAFETY: every element is written below before the buffer is read or shared; when
    // `fill` fails the buffer is dropped unread.
    let mut buf = match unsafe { Buffer::for_overwrite(T::DTYPE, n, "random") } {
        Ok(b) => b,
        Err(e) => return bad(e, T::DTYPE, shape, loc),
    };
    // SAFETY: the buffer holds `n` elements of `T` (its dtype), 64-byte aligned, and we own
    // it exclusively. Its bytes are always initialised memory (zeroed pages or an earlier
    // buffer's contents, never fresh uninitialised heap), and every bit pattern is a valid
    // `T` (`Plain`), so the slice is valid even before `fill` writes it.
    let out = unsafe { std::slice::from_raw_parts_mut(buf.as_mut_ptr().cast::<T>(), n) };
    match fill(out) {
        Ok(()) => Array::from_realized(Arc::new(buf), Layout::contiguous(&shape)),
        Err(e) => bad(from_random_error(e, loc), T::DTYPE, shape, loc),
    }
}

/// `a` with its `axis` replaced by the items `idx` (NumPy's `take(idx, axis)`), `idx_shape`
/// standing in for that axis in the result's shape.
fn take_typed<T: Element>(
    a: &Array,
    axis: usize,
    idx: &[i64],
    idx_shape: &[usize],
    loc: SourceLocation,
) -> Array {
    let data = match a.eval().and_then(|a| a.to_vec::<T>()) {
        Ok(d) => d,
        Err(e) => return bad(e, T::DTYPE, vec![0], loc),
    };
    let shape = a.shape();
    let outer: usize = shape[..axis].iter().product();
    let inner: usize = shape[axis + 1..].iter().product();
    let n = shape[axis];
    let mut out = Vec::with_capacity(outer * idx.len() * inner);
    for o in 0..outer {
        for &i in idx {
            let start = (o * n + i as usize) * inner;
            out.extend_from_slice(&data[start..start + inner]);
        }
    }
    let mut new_shape = shape[..axis].to_vec();
    new_shape.extend_from_slice(idx_shape);
    new_shape.extend_from_slice(&shape[axis + 1..]);
    shaped(Ok(out), new_shape, loc)
}

fn take(a: &Array, axis: usize, idx: &[i64], idx_shape: &[usize], loc: SourceLocation) -> Array {
    match a.dtype() {
        DType::Bool => take_typed::<bool>(a, axis, idx, idx_shape, loc),
        DType::I8 => take_typed::<i8>(a, axis, idx, idx_shape, loc),
        DType::I16 => take_typed::<i16>(a, axis, idx, idx_shape, loc),
        DType::I32 => take_typed::<i32>(a, axis, idx, idx_shape, loc),
        DType::I64 => take_typed::<i64>(a, axis, idx, idx_shape, loc),
        DType::U8 => take_typed::<u8>(a, axis, idx, idx_shape, loc),
        DType::U16 => take_typed::<u16>(a, axis, idx, idx_shape, loc),
        DType::U32 => take_typed::<u32>(a, axis, idx, idx_shape, loc),
        DType::U64 => take_typed::<u64>(a, axis, idx, idx_shape, loc),
        DType::F32 => take_typed::<f32>(a, axis, idx, idx_shape, loc),
        DType::F64 => take_typed::<f64>(a, axis, idx, idx_shape, loc),
        DType::C64 => take_typed::<numcrane_graph::Complex32>(a, axis, idx, idx_shape, loc),
        DType::C128 => take_typed::<numcrane_graph::Complex64>(a, axis, idx, idx_shape, loc),
    }
}

/// Generates the `*_array` methods: a distribution whose parameters are arrays that broadcast
/// together (and against `size`), NumPy's `normal(loc=array, ...)`.
macro_rules! array_distribution {
    ($(#[$doc:meta] $name:ident => $inner:ident ( $($p:ident),* ) -> $t:ty;)*) => { $(
        #[$doc]
        #[track_caller]
        pub fn $name(&mut self, $($p: &Array,)* size: Option<Vec<usize>>) -> Array {
            let loc = SourceLocation::caller();
            self.with_array_params::<$t>(stringify!($inner), &[$($p),*], size, loc, |g, args, n| {
                // One value per parameter, in order (with_array_params passes exactly those).
                let &[$($p),*] = args else {
                    return Err(numcrane_random::Error {
                        op: stringify!($inner),
                        message: "wrong number of parameters".into(),
                    });
                };
                g.$inner($($p,)* n)
            })
        }
    )* };
}

/// Generates the methods that are a distribution with float parameters giving f64 or i64.
macro_rules! distribution {
    ($(#[$doc:meta] $name:ident ( $($p:ident),* ) -> $t:ty;)*) => { $(
        #[$doc]
        #[track_caller]
        pub fn $name(&mut self, $($p: f64,)* size: impl IntoShape) -> Array {
            let loc = SourceLocation::caller();
            let shape = size.into_shape();
            match count(stringify!($name), &shape, <$t as Element>::DTYPE, loc) {
                Ok(n) => shaped(self.inner.$name($($p,)* n), shape, loc),
                Err(poisoned) => poisoned,
            }
        }
    )* };
}

impl Generator {
    /// A generator over a given PCG64 (`np.random.Generator(np.random.PCG64(...))`).
    pub fn new(bit_generator: Pcg64) -> Generator {
        Generator {
            inner: numcrane_random::Generator::new(bit_generator),
        }
    }

    /// `Generator(PCG64(seed_seq))` for any `SeedSequence`, e.g. NumPy's
    /// `default_rng([1, 2, 3])` is `Generator::from_seed_sequence(SeedSequence::from_ints(&[1, 2, 3]))`.
    pub fn from_seed_sequence(seq: SeedSequence) -> Generator {
        Generator {
            inner: numcrane_random::Generator::from_seed_sequence(seq),
        }
    }

    /// `spawn(n)`: `n` independent child generators from children of the seed sequence
    /// (NumPy's recommended way to get streams for parallel work); the same children as
    /// NumPy's for the same seed. A generator made with [`Generator::new`] from a bare
    /// PCG64 has no sequence and gives an error.
    #[track_caller]
    pub fn spawn(&mut self, n: usize) -> crate::Result<Vec<Generator>> {
        match self.inner.spawn(n) {
            Ok(children) => Ok(children
                .into_iter()
                .map(|inner| Generator { inner })
                .collect()),
            Err(e) => Err(Error::invalid(e.op, e.message, SourceLocation::caller())),
        }
    }

    /// The bit generator (NumPy's `Generator.bit_generator`): its `state()` is NumPy's
    /// `bit_generator.state`.
    pub fn bit_generator(&self) -> &Pcg64 {
        self.inner.bit_generator()
    }

    /// The bit generator, to draw raw bits (`random_raw`) or `advance` it.
    pub fn bit_generator_mut(&mut self) -> &mut Pcg64 {
        self.inner.bit_generator_mut()
    }

    /// `random(size)`: float64 in [0, 1).
    #[track_caller]
    pub fn random(&mut self, size: impl IntoShape) -> Array {
        self.random_dtype(size, DType::F64)
    }

    /// `random(size, dtype)` for float64 or float32 (NumPy's only two).
    #[track_caller]
    pub fn random_dtype(&mut self, size: impl IntoShape, dtype: DType) -> Array {
        let loc = SourceLocation::caller();
        let shape = size.into_shape();
        let n = match count("random", &shape, dtype, loc) {
            Ok(n) => n,
            Err(p) => return p,
        };
        match dtype {
            DType::F64 => filled(shape, n, loc, |out: &mut [f64]| {
                self.inner.random_into(out);
                Ok(())
            }),
            DType::F32 => filled(shape, n, loc, |out: &mut [f32]| {
                self.inner.random_f32_into(out);
                Ok(())
            }),
            _ => bad(unsupported("random", dtype, loc), dtype, shape, loc),
        }
    }

    /// `integers(low, high, size)`: int64 in `[low, high)`.
    #[track_caller]
    pub fn integers(&mut self, low: i64, high: i64, size: impl IntoShape) -> Array {
        self.integers_dtype(low, high, size, DType::I64, false)
    }

    /// `integers(low, high, size, dtype, endpoint)` for any integer dtype or bool (uint64
    /// bounds are limited to i64's range); `endpoint` includes `high`.
    #[track_caller]
    pub fn integers_dtype(
        &mut self,
        low: i64,
        high: i64,
        size: impl IntoShape,
        dtype: DType,
        endpoint: bool,
    ) -> Array {
        let loc = SourceLocation::caller();
        let shape = size.into_shape();
        let n = match count("integers", &shape, dtype, loc) {
            Ok(n) => n,
            Err(p) => return p,
        };
        use numcrane_random::IntDType as K;
        let kind = match dtype {
            DType::I64 => K::I64,
            DType::I32 => K::I32,
            DType::I16 => K::I16,
            DType::I8 => K::I8,
            DType::U64 => K::U64,
            DType::U32 => K::U32,
            DType::U16 => K::U16,
            DType::U8 => K::U8,
            DType::Bool => K::Bool,
            _ => return bad(unsupported("integers", dtype, loc), dtype, shape, loc),
        };
        if kind == K::I64 {
            let inner = &mut self.inner;
            return filled(shape, n, loc, |out: &mut [i64]| {
                inner.integers_into(low, high, kind, endpoint, out)
            });
        }
        let values = self.inner.integers(low, high, n, kind, endpoint);
        // The values are within the dtype's bounds (integers checked them), so the
        // conversions below are exact.
        fn narrow<T>(
            v: numcrane_random::Result<Vec<i64>>,
            f: fn(i64) -> T,
        ) -> numcrane_random::Result<Vec<T>> {
            v.map(|v| v.into_iter().map(f).collect())
        }
        match dtype {
            DType::I32 => shaped(narrow(values, |x| x as i32), shape, loc),
            DType::I16 => shaped(narrow(values, |x| x as i16), shape, loc),
            DType::I8 => shaped(narrow(values, |x| x as i8), shape, loc),
            DType::U64 => shaped(narrow(values, |x| x as u64), shape, loc),
            DType::U32 => shaped(narrow(values, |x| x as u32), shape, loc),
            DType::U16 => shaped(narrow(values, |x| x as u16), shape, loc),
            DType::U8 => shaped(narrow(values, |x| x as u8), shape, loc),
            DType::Bool => shaped(narrow(values, |x| x != 0), shape, loc),
            _ => shaped(values, shape, loc),
        }
    }

    /// `uniform(low, high, size)`: float64 in `[low, high)`.
    #[track_caller]
    pub fn uniform(&mut self, low: f64, high: f64, size: impl IntoShape) -> Array {
        let loc = SourceLocation::caller();
        let shape = size.into_shape();
        match count("uniform", &shape, DType::F64, loc) {
            Ok(n) => shaped(self.inner.uniform(low, high, n), shape, loc),
            Err(p) => p,
        }
    }

    /// `standard_normal(size)`: float64 from NumPy's ziggurat.
    #[track_caller]
    pub fn standard_normal(&mut self, size: impl IntoShape) -> Array {
        self.standard_normal_dtype(size, DType::F64)
    }

    /// `standard_normal(size, dtype)` for float64 or float32 (float32 has its own ziggurat).
    #[track_caller]
    pub fn standard_normal_dtype(&mut self, size: impl IntoShape, dtype: DType) -> Array {
        let loc = SourceLocation::caller();
        let shape = size.into_shape();
        let n = match count("standard_normal", &shape, dtype, loc) {
            Ok(n) => n,
            Err(p) => return p,
        };
        match dtype {
            DType::F64 => filled(shape, n, loc, |out: &mut [f64]| {
                self.inner.standard_normal_into(out);
                Ok(())
            }),
            DType::F32 => filled(shape, n, loc, |out: &mut [f32]| {
                self.inner.standard_normal_f32_into(out);
                Ok(())
            }),
            _ => bad(
                unsupported("standard_normal", dtype, loc),
                dtype,
                shape,
                loc,
            ),
        }
    }

    /// `standard_exponential(size)`: float64 from NumPy's exponential ziggurat.
    #[track_caller]
    pub fn standard_exponential(&mut self, size: impl IntoShape) -> Array {
        self.standard_exponential_dtype(size, DType::F64)
    }

    /// `standard_exponential(size, dtype)` for float64 or float32.
    #[track_caller]
    pub fn standard_exponential_dtype(&mut self, size: impl IntoShape, dtype: DType) -> Array {
        let loc = SourceLocation::caller();
        let shape = size.into_shape();
        let n = match count("standard_exponential", &shape, dtype, loc) {
            Ok(n) => n,
            Err(p) => return p,
        };
        match dtype {
            DType::F64 => shaped(Ok(self.inner.standard_exponential(n)), shape, loc),
            DType::F32 => shaped(Ok(self.inner.standard_exponential_f32(n)), shape, loc),
            _ => bad(
                unsupported("standard_exponential", dtype, loc),
                dtype,
                shape,
                loc,
            ),
        }
    }

    distribution! {
        /// `normal(loc, scale, size)`; `scale < 0` is an error.
        normal(mean, scale) -> f64;
        /// `lognormal(mean, sigma, size)`: `exp` of a normal; `sigma < 0` is an error.
        lognormal(mean, sigma) -> f64;
        /// `exponential(scale, size)`; `scale < 0` is an error.
        exponential(scale) -> f64;
        /// `gamma(shape, scale, size)`.
        gamma(shape, scale) -> f64;
        /// `beta(a, b, size)`; `a` and `b` must be positive.
        beta(a, b) -> f64;
        /// `laplace(loc, scale, size)`.
        laplace(mean, scale) -> f64;
        /// `standard_t(df, size)`; `df` must be positive.
        standard_t(df) -> f64;
        /// `poisson(lam, size)`: int64.
        poisson(lam) -> i64;
        /// `chisquare(df, size)`; `df` must be positive.
        chisquare(df) -> f64;
        /// `f(dfnum, dfden, size)`: the F distribution.
        f(dfnum, dfden) -> f64;
        /// `pareto(a, size)`: NumPy's Pareto II (Lomax); `a` must be positive.
        pareto(a) -> f64;
        /// `weibull(a, size)`; `a < 0` is an error.
        weibull(a) -> f64;
        /// `power(a, size)`; `a` must be positive.
        power(a) -> f64;
        /// `rayleigh(scale, size)`.
        rayleigh(scale) -> f64;
        /// `gumbel(loc, scale, size)`.
        gumbel(mean, scale) -> f64;
        /// `logistic(loc, scale, size)`.
        logistic(mean, scale) -> f64;
        /// `triangular(left, mode, right, size)`.
        triangular(left, mode, right) -> f64;
        /// `wald(mean, scale, size)`: the inverse Gaussian.
        wald(mean, scale) -> f64;
        /// `geometric(p, size)`: int64 trials to the first success.
        geometric(p) -> i64;
        /// `negative_binomial(n, p, size)`: int64 failures before `n` successes.
        negative_binomial(n, p) -> i64;
        /// `noncentral_chisquare(df, nonc, size)`.
        noncentral_chisquare(df, nonc) -> f64;
        /// `noncentral_f(dfnum, dfden, nonc, size)`.
        noncentral_f(dfnum, dfden, nonc) -> f64;
        /// `vonmises(mu, kappa, size)`: angles in [-pi, pi].
        vonmises(mu, kappa) -> f64;
        /// `logseries(p, size)`: int64, `0 <= p < 1`.
        logseries(p) -> i64;
        /// `zipf(a, size)`: int64, `a > 1`.
        zipf(a) -> i64;
    }

    /// `standard_gamma(shape, size)`; `shape < 0` is an error.
    #[track_caller]
    pub fn standard_gamma(&mut self, shape: f64, size: impl IntoShape) -> Array {
        self.standard_gamma_dtype(shape, size, DType::F64)
    }

    /// `standard_gamma(shape, size, dtype)` for float64 or float32 (float32 computes in float
    /// over the float ziggurats, as NumPy's).
    #[track_caller]
    pub fn standard_gamma_dtype(
        &mut self,
        shape: f64,
        size: impl IntoShape,
        dtype: DType,
    ) -> Array {
        let loc = SourceLocation::caller();
        let size = size.into_shape();
        let n = match count("standard_gamma", &size, dtype, loc) {
            Ok(n) => n,
            Err(p) => return p,
        };
        match dtype {
            DType::F64 => shaped(self.inner.standard_gamma(shape, n), size, loc),
            DType::F32 => shaped(self.inner.standard_gamma_f32(shape, n), size, loc),
            _ => bad(unsupported("standard_gamma", dtype, loc), dtype, size, loc),
        }
    }

    /// `standard_cauchy(size)`.
    #[track_caller]
    pub fn standard_cauchy(&mut self, size: impl IntoShape) -> Array {
        let loc = SourceLocation::caller();
        let shape = size.into_shape();
        match count("standard_cauchy", &shape, DType::F64, loc) {
            Ok(n) => shaped(Ok(self.inner.standard_cauchy(n)), shape, loc),
            Err(poisoned) => poisoned,
        }
    }

    /// `binomial(n, p, size)`: int64 counts of successes in `n` trials.
    #[track_caller]
    pub fn binomial(&mut self, n: i64, p: f64, size: impl IntoShape) -> Array {
        let loc = SourceLocation::caller();
        let shape = size.into_shape();
        match count("binomial", &shape, DType::I64, loc) {
            Ok(count) => shaped(self.inner.binomial(n, p, count), shape, loc),
            Err(poisoned) => poisoned,
        }
    }

    array_distribution! {
        /// `uniform(low, high, size)` with array parameters (`None` size: their broadcast shape).
        uniform_array => uniform(low, high) -> f64;
        /// `normal(loc, scale, size)` with array parameters.
        normal_array => normal(mean, scale) -> f64;
        /// `lognormal(mean, sigma, size)` with array parameters.
        lognormal_array => lognormal(mean, sigma) -> f64;
        /// `exponential(scale, size)` with an array parameter.
        exponential_array => exponential(scale) -> f64;
        /// `standard_gamma(shape, size)` with an array parameter.
        standard_gamma_array => standard_gamma(shape) -> f64;
        /// `gamma(shape, scale, size)` with array parameters.
        gamma_array => gamma(shape, scale) -> f64;
        /// `beta(a, b, size)` with array parameters.
        beta_array => beta(a, b) -> f64;
        /// `laplace(loc, scale, size)` with array parameters.
        laplace_array => laplace(mean, scale) -> f64;
        /// `standard_t(df, size)` with an array parameter.
        standard_t_array => standard_t(df) -> f64;
        /// `chisquare(df, size)` with an array parameter.
        chisquare_array => chisquare(df) -> f64;
        /// `poisson(lam, size)` with an array parameter (int64).
        poisson_array => poisson(lam) -> i64;
        /// `gumbel(loc, scale, size)` with array parameters.
        gumbel_array => gumbel(mean, scale) -> f64;
        /// `logistic(loc, scale, size)` with array parameters.
        logistic_array => logistic(mean, scale) -> f64;
        /// `weibull(a, size)` with an array parameter.
        weibull_array => weibull(a) -> f64;
        /// `rayleigh(scale, size)` with an array parameter.
        rayleigh_array => rayleigh(scale) -> f64;
        /// `wald(mean, scale, size)` with array parameters.
        wald_array => wald(mean, scale) -> f64;
        /// `triangular(left, mode, right, size)` with array parameters.
        triangular_array => triangular(left, mode, right) -> f64;
        /// `vonmises(mu, kappa, size)` with array parameters.
        vonmises_array => vonmises(mu, kappa) -> f64;
        /// `geometric(p, size)` with an array parameter (int64).
        geometric_array => geometric(p) -> i64;
    }

    /// `binomial(n, p, size)` with array parameters (`n` an integer array, int64 result).
    #[track_caller]
    pub fn binomial_array(&mut self, n: &Array, p: &Array, size: Option<Vec<usize>>) -> Array {
        let loc = SourceLocation::caller();
        // `n` goes through f64 with the other parameters: exact below 2^53.
        self.with_array_params::<i64>("binomial", &[n, p], size, loc, |g, args, count| {
            g.binomial(args[0] as i64, args[1], count)
        })
    }

    /// `hypergeometric(ngood, nbad, nsample, size)`: int64 counts of good items in samples
    /// drawn without replacement.
    #[track_caller]
    pub fn hypergeometric(
        &mut self,
        ngood: i64,
        nbad: i64,
        nsample: i64,
        size: impl IntoShape,
    ) -> Array {
        let loc = SourceLocation::caller();
        let shape = size.into_shape();
        match count("hypergeometric", &shape, DType::I64, loc) {
            Ok(n) => shaped(
                self.inner.hypergeometric(ngood, nbad, nsample, n),
                shape,
                loc,
            ),
            Err(poisoned) => poisoned,
        }
    }

    /// `dirichlet(alpha, size)`: float64 of shape `size + [alpha.len()]`, rows summing to 1.
    #[track_caller]
    pub fn dirichlet(&mut self, alpha: &[f64], size: impl IntoShape) -> Array {
        let loc = SourceLocation::caller();
        let mut shape = size.into_shape();
        let draws = match count("dirichlet", &shape, DType::F64, loc) {
            Ok(d) => d,
            Err(p) => return p,
        };
        shape.push(alpha.len());
        if let Err(e) = build::check_size("dirichlet", &shape, loc) {
            return bad(e, DType::F64, vec![0], loc);
        }
        shaped(self.inner.dirichlet(alpha, draws), shape, loc)
    }

    /// `multinomial(n, pvals, size)`: int64 of shape `size + [pvals.len()]`.
    #[track_caller]
    pub fn multinomial(&mut self, n: i64, pvals: &[f64], size: impl IntoShape) -> Array {
        let loc = SourceLocation::caller();
        let mut shape = size.into_shape();
        let draws = match count("multinomial", &shape, DType::I64, loc) {
            Ok(d) => d,
            Err(p) => return p,
        };
        shape.push(pvals.len());
        if let Err(e) = build::check_size("multinomial", &shape, loc) {
            return bad(e, DType::I64, vec![0], loc);
        }
        shaped(self.inner.multinomial(n, pvals, draws), shape, loc)
    }

    /// `choice(a, size, replace, p)` for an integer `a`: int64 samples of `arange(a)`, with
    /// probabilities `p` if given (which must sum to 1).
    #[track_caller]
    pub fn choice(
        &mut self,
        a: usize,
        size: impl IntoShape,
        replace: bool,
        p: Option<&[f64]>,
    ) -> Array {
        let loc = SourceLocation::caller();
        let shape = size.into_shape();
        match count("choice", &shape, DType::I64, loc) {
            // NumPy words this case differently for an integer `a` than for an empty array.
            Ok(n) if a == 0 && n != 0 => {
                let msg = "a must be a positive integer unless no samples are taken";
                bad(Error::invalid("choice", msg, loc), DType::I64, shape, loc)
            }
            Ok(n) => shaped(self.inner.choice_indices(a, n, replace, p), shape, loc),
            Err(poisoned) => poisoned,
        }
    }

    /// `choice(a, size, replace, p)` for an array: items of `a` along its first axis (the
    /// result's shape is `size + a.shape[1:]`). A 0-d `a` is an error (NumPy reads a 0-d
    /// integer array as the integer form; use [`Generator::choice`] for that).
    #[track_caller]
    pub fn choice_array(
        &mut self,
        a: &Array,
        size: impl IntoShape,
        replace: bool,
        p: Option<&[f64]>,
    ) -> Array {
        let loc = SourceLocation::caller();
        let shape = size.into_shape();
        if a.ndim() == 0 {
            let err = Error::invalid("choice", "a must be 1-dimensional or an integer", loc);
            return bad(err, a.dtype(), shape, loc);
        }
        let n = match count("choice", &shape, a.dtype(), loc) {
            Ok(n) => n,
            Err(poisoned) => return poisoned,
        };
        match self.inner.choice_indices(a.shape()[0], n, replace, p) {
            Ok(idx) => take(a, 0, &idx, &shape, loc),
            Err(e) => bad(from_random_error(e, loc), a.dtype(), shape, loc),
        }
    }

    /// NumPy's full `choice(a, size, replace, p, axis, shuffle)` for an array: items of `a`
    /// along `axis` (which `size` replaces in the result's shape).
    #[track_caller]
    pub fn choice_array_axis(
        &mut self,
        a: &Array,
        size: impl IntoShape,
        replace: bool,
        p: Option<&[f64]>,
        axis: isize,
        shuffle: bool,
    ) -> Array {
        let loc = SourceLocation::caller();
        let shape = size.into_shape();
        if a.ndim() == 0 {
            let err = Error::invalid("choice", "a must be 1-dimensional or an integer", loc);
            return bad(err, a.dtype(), shape, loc);
        }
        let axis = match build::axis("choice", axis, a.ndim(), loc) {
            Ok(ax) => ax,
            Err(e) => return bad(e, a.dtype(), shape, loc),
        };
        let n = match count("choice", &shape, a.dtype(), loc) {
            Ok(n) => n,
            Err(poisoned) => return poisoned,
        };
        match self
            .inner
            .choice_indices_shuffle(a.shape()[axis], n, replace, p, shuffle)
        {
            Ok(idx) => take(a, axis, &idx, &shape, loc),
            Err(e) => bad(from_random_error(e, loc), a.dtype(), shape, loc),
        }
    }

    /// `permutation(n)`: a shuffled `arange(n)` (int64).
    #[track_caller]
    pub fn permutation(&mut self, n: usize) -> Array {
        let loc = SourceLocation::caller();
        shaped(Ok(self.inner.permutation(n)), vec![n], loc)
    }

    /// `permutation(x, axis)`: `x` with its items along `axis` shuffled.
    #[track_caller]
    pub fn permutation_array(&mut self, x: &Array, axis: isize) -> Array {
        self.shuffled("permutation", x, axis, SourceLocation::caller())
    }

    /// NumPy's in-place `shuffle(x, axis)`, returning the shuffled array (numcrane arrays are
    /// immutable). It draws as NumPy's does, so it gives what `x` holds after NumPy's call.
    #[track_caller]
    pub fn shuffle(&mut self, x: &Array, axis: isize) -> Array {
        self.shuffled("shuffle", x, axis, SourceLocation::caller())
    }

    /// `permuted(x, axis)`: every 1-d slice along `axis` shuffled independently (slices taken
    /// in C order of the other axes); `None` shuffles all elements as one flat sequence.
    #[track_caller]
    pub fn permuted(&mut self, x: &Array, axis: Option<isize>) -> Array {
        let loc = SourceLocation::caller();
        let shape = x.shape().to_vec();
        let Some(axis) = axis else {
            let flat = x.reshape([x.size() as isize]);
            let mut idx: Vec<i64> = (0..x.size() as i64).collect();
            self.inner.shuffle(&mut idx);
            return take(&flat, 0, &idx, &[x.size()], loc)
                .reshape(shape.iter().map(|&d| d as isize).collect::<Vec<_>>());
        };
        let axis = match build::axis("permuted", axis, x.ndim(), loc) {
            Ok(a) => a,
            Err(e) => return bad(e, x.dtype(), shape, loc),
        };
        // Move `axis` last, shuffle each row of the flattened (rest, axis) view, move it back.
        let n = shape[axis];
        let rows = x.size().checked_div(n).unwrap_or(0);
        let moved = x
            .moveaxis(axis as isize, -1)
            .reshape([rows as isize, n as isize]);
        let mut idx = Vec::with_capacity(rows * n);
        for r in 0..rows {
            let mut row: Vec<i64> = (0..n as i64).map(|j| (r * n) as i64 + j).collect();
            self.inner.shuffle(&mut row);
            idx.extend(row);
        }
        let flat = moved.reshape([(rows * n) as isize]);
        let mut moved_shape: Vec<isize> = shape.iter().map(|&d| d as isize).collect();
        let last = moved_shape.remove(axis);
        moved_shape.push(last);
        take(&flat, 0, &idx, &[rows * n], loc)
            .reshape(moved_shape)
            .moveaxis(-1, axis as isize)
    }

    /// The engine of the `*_array` methods. The output shape is the parameters' broadcast
    /// shape, or `size` when given (the parameters must broadcast to it). As NumPy, every
    /// parameter is checked before anything is drawn; then each output element, in C order,
    /// is one draw with its own parameters, which is NumPy's order.
    fn with_array_params<T: Element>(
        &mut self,
        op: &'static str,
        params: &[&Array],
        size: Option<Vec<usize>>,
        loc: SourceLocation,
        draw: impl Fn(&mut numcrane_random::Generator, &[f64], usize) -> numcrane_random::Result<Vec<T>>,
    ) -> Array {
        let shapes: Vec<Vec<usize>> = params.iter().map(|p| p.shape().to_vec()).collect();
        let mismatch = |extra: &str| {
            let msg = format!(
                "shape mismatch: objects cannot be broadcast to a single shape (parameter shapes {shapes:?}{extra})"
            );
            bad(Error::invalid(op, msg, loc), T::DTYPE, vec![0], loc)
        };
        let mut shape: Vec<usize> = Vec::new();
        for s in &shapes {
            match crate::broadcast_shapes(&shape, s) {
                Some(b) => shape = b,
                None => return mismatch(""),
            }
        }
        if let Some(size) = size {
            match crate::broadcast_shapes(&shape, &size) {
                Some(b) if b == size => shape = size,
                _ => return mismatch(&format!(", size {size:?}")),
            }
        }
        let n = match count(op, &shape, T::DTYPE, loc) {
            Ok(n) => n,
            Err(p) => return p,
        };
        let mut values = Vec::with_capacity(params.len());
        for p in params {
            match p
                .astype(DType::F64)
                .broadcast_to(&shape)
                .eval()
                .and_then(|a| a.to_vec::<f64>())
            {
                Ok(v) => values.push(v),
                Err(e) => return bad(e, T::DTYPE, shape, loc),
            }
        }
        let mut args = vec![0.0; params.len()];
        let mut out = Vec::with_capacity(n);
        // Pass 0 checks every element's parameters (a call for 0 values draws nothing);
        // pass 1 draws.
        for pass in 0..2 {
            for i in 0..n {
                for (a, v) in args.iter_mut().zip(&values) {
                    *a = v[i];
                }
                match draw(&mut self.inner, &args, pass) {
                    Ok(v) => out.extend(v),
                    Err(e) => return bad(from_random_error(e, loc), T::DTYPE, shape, loc),
                }
            }
        }
        shaped(Ok(out), shape, loc)
    }

    fn shuffled(&mut self, op: &'static str, x: &Array, axis: isize, loc: SourceLocation) -> Array {
        if x.ndim() == 0 {
            let err = Error::invalid(op, "x must be an integer or at least 1-dimensional", loc);
            return bad(err, x.dtype(), vec![], loc);
        }
        let axis = match build::axis(op, axis, x.ndim(), loc) {
            Ok(a) => a,
            Err(e) => return bad(e, x.dtype(), x.shape().to_vec(), loc),
        };
        let n = x.shape()[axis];
        // NumPy swaps items i and j for i from the top; the same swaps on an index vector
        // give the order the items end up in.
        let mut idx: Vec<i64> = (0..n as i64).collect();
        if x.size() > 0 {
            self.inner.shuffle(&mut idx);
        }
        take(x, axis, &idx, &[n], loc)
    }
}

/// NumPy's legacy `np.random.RandomState(seed)` over MT19937, with its frozen streams:
/// `np.random.seed(s); np.random.rand(3)` is `RandomState::new(s).rand(3)`. New code should
/// use [`default_rng`]; this is for reproducing results of code written against the legacy API.
#[derive(Clone, Debug)]
pub struct RandomState {
    inner: numcrane_random::RandomState,
}

impl RandomState {
    /// `np.random.RandomState(seed)` (NumPy accepts seeds in `0..2**32`).
    pub fn new(seed: u32) -> RandomState {
        RandomState {
            inner: numcrane_random::RandomState::new(seed),
        }
    }

    /// `seed(seed)`: restarts the stream and forgets the cached normal.
    pub fn seed(&mut self, seed: u32) {
        self.inner.seed(seed);
    }

    /// `rand(*shape)`: float64 in [0, 1).
    #[track_caller]
    pub fn rand(&mut self, shape: impl IntoShape) -> Array {
        self.random_sample(shape)
    }

    /// `random_sample(size)`: float64 in [0, 1).
    #[track_caller]
    pub fn random_sample(&mut self, size: impl IntoShape) -> Array {
        let loc = SourceLocation::caller();
        let shape = size.into_shape();
        match count("random_sample", &shape, DType::F64, loc) {
            Ok(n) => shaped(Ok(self.inner.random_sample(n)), shape, loc),
            Err(p) => p,
        }
    }

    /// `randn(*shape)`: standard normals by the polar method (one value cached between calls).
    #[track_caller]
    pub fn randn(&mut self, shape: impl IntoShape) -> Array {
        self.standard_normal(shape)
    }

    /// `standard_normal(size)`, the same stream as `randn`.
    #[track_caller]
    pub fn standard_normal(&mut self, size: impl IntoShape) -> Array {
        let loc = SourceLocation::caller();
        let shape = size.into_shape();
        match count("standard_normal", &shape, DType::F64, loc) {
            Ok(n) => shaped(Ok(self.inner.standard_normal(n)), shape, loc),
            Err(p) => p,
        }
    }

    /// `normal(loc, scale, size)`.
    #[track_caller]
    pub fn normal(&mut self, mean: f64, scale: f64, size: impl IntoShape) -> Array {
        let loc = SourceLocation::caller();
        let shape = size.into_shape();
        match count("normal", &shape, DType::F64, loc) {
            Ok(n) => shaped(self.inner.normal(mean, scale, n), shape, loc),
            Err(p) => p,
        }
    }

    /// `uniform(low, high, size)`.
    #[track_caller]
    pub fn uniform(&mut self, low: f64, high: f64, size: impl IntoShape) -> Array {
        let loc = SourceLocation::caller();
        let shape = size.into_shape();
        match count("uniform", &shape, DType::F64, loc) {
            Ok(n) => shaped(self.inner.uniform(low, high, n), shape, loc),
            Err(p) => p,
        }
    }

    /// `randint(low, high, size)`: int64 in `[low, high)`.
    #[track_caller]
    pub fn randint(&mut self, low: i64, high: i64, size: impl IntoShape) -> Array {
        let loc = SourceLocation::caller();
        let shape = size.into_shape();
        match count("randint", &shape, DType::I64, loc) {
            Ok(n) => shaped(self.inner.randint(low, high, n), shape, loc),
            Err(p) => p,
        }
    }
}

fn unsupported(op: &'static str, dtype: DType, loc: SourceLocation) -> Error {
    Error::invalid(op, format!("Unsupported dtype {dtype:?} for {op}"), loc)
}
