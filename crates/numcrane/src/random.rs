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
///
/// # Examples
///
/// ```
/// use numcrane::random::default_rng;
/// let a = default_rng(42).random(3).to_vec::<f64>().unwrap();
/// let b = default_rng(42).random(3).to_vec::<f64>().unwrap();
/// // The same seed gives the same stream (NumPy's, for NumPy's seed).
/// assert_eq!(a, b);
/// assert!(a.iter().all(|v| (0.0..1.0).contains(v)));
/// ```
pub fn default_rng(seed: u128) -> Generator {
    Generator {
        inner: numcrane_random::Generator::seeded(seed),
    }
}

/// NumPy's `np.random.Generator` (over PCG64). Methods take `size` as a shape (`[]` for the
/// 0-d array NumPy's `size=None` corresponds to) and return realized arrays.
///
/// # Examples
///
/// ```
/// use numcrane::random::default_rng;
/// let mut rng = default_rng(7);
/// let first = rng.random([2, 2]).to_vec::<f64>().unwrap();
/// let second = rng.random([2, 2]).to_vec::<f64>().unwrap();
/// // Each call advances the generator, as NumPy's does.
/// assert_ne!(first, second);
/// ```
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
    ($($(#[$doc:meta])* $name:ident => $inner:ident ( $($p:ident),* ) -> $t:ty;)*) => { $(
        $(#[$doc])*
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
    ($($(#[$doc:meta])* $name:ident ( $($p:ident),* ) -> $t:ty;)*) => { $(
        $(#[$doc])*
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
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::random::{default_rng, Generator, Pcg64, SeedSequence};
    /// let seq = SeedSequence::new(42);
    /// let mut rng = Generator::new(Pcg64::from_seed_sequence(&seq));
    /// let expected = default_rng(42).integers(0, 100, 5).to_vec::<i64>().unwrap();
    /// assert_eq!(rng.integers(0, 100, 5).to_vec::<i64>().unwrap(), expected);
    /// ```
    pub fn new(bit_generator: Pcg64) -> Generator {
        Generator {
            inner: numcrane_random::Generator::new(bit_generator),
        }
    }

    /// `Generator(PCG64(seed_seq))` for any `SeedSequence`, e.g. NumPy's
    /// `default_rng([1, 2, 3])` is `Generator::from_seed_sequence(SeedSequence::from_ints(&[1, 2, 3]))`.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::random::{Generator, SeedSequence};
    /// let mut a = Generator::from_seed_sequence(SeedSequence::from_ints(&[1, 2, 3]));
    /// let mut b = Generator::from_seed_sequence(SeedSequence::from_ints(&[1, 2, 3]));
    /// assert_eq!(a.random(4).to_vec::<f64>().unwrap(), b.random(4).to_vec::<f64>().unwrap());
    /// ```
    pub fn from_seed_sequence(seq: SeedSequence) -> Generator {
        Generator {
            inner: numcrane_random::Generator::from_seed_sequence(seq),
        }
    }

    /// `spawn(n)`: `n` independent child generators from children of the seed sequence
    /// (NumPy's recommended way to get streams for parallel work); the same children as
    /// NumPy's for the same seed. A generator made with [`Generator::new`] from a bare
    /// PCG64 has no sequence and gives an error.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::random::{default_rng, Generator, Pcg64};
    /// let mut rng = default_rng(12345);
    /// let mut children = rng.spawn(2).unwrap();
    /// let x = children[0].random(3).to_vec::<f64>().unwrap();
    /// let y = children[1].random(3).to_vec::<f64>().unwrap();
    /// assert_ne!(x, y);
    /// // A generator over a bare PCG64 has no seed sequence to spawn from.
    /// assert!(Generator::new(Pcg64::new(1)).spawn(2).is_err());
    /// ```
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
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::random::default_rng;
    /// let mut rng = default_rng(3);
    /// let before = rng.bit_generator().state();
    /// rng.random(1);
    /// assert_ne!(rng.bit_generator().state(), before);
    /// ```
    pub fn bit_generator(&self) -> &Pcg64 {
        self.inner.bit_generator()
    }

    /// The bit generator, to draw raw bits (`random_raw`) or `advance` it.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::random::default_rng;
    /// let (mut a, mut b) = (default_rng(5), default_rng(5));
    /// // Skipping two 64-bit draws by hand equals drawing two doubles.
    /// a.bit_generator_mut().advance(2);
    /// b.random(2);
    /// assert_eq!(a.random(3).to_vec::<f64>().unwrap(), b.random(3).to_vec::<f64>().unwrap());
    /// ```
    pub fn bit_generator_mut(&mut self) -> &mut Pcg64 {
        self.inner.bit_generator_mut()
    }

    /// `random(size)`: float64 in [0, 1).
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::random::default_rng;
    /// let x = default_rng(0).random([3, 4]);
    /// assert_eq!(x.shape(), &[3, 4]);
    /// assert!(x.to_vec::<f64>().unwrap().iter().all(|v| (0.0..1.0).contains(v)));
    /// ```
    #[track_caller]
    pub fn random(&mut self, size: impl IntoShape) -> Array {
        self.random_dtype(size, DType::F64)
    }

    /// `random(size, dtype)` for float64 or float32 (NumPy's only two).
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::random::default_rng;
    /// use numcrane::DType;
    /// let x = default_rng(0).random_dtype(5, DType::F32);
    /// assert_eq!(x.dtype(), DType::F32);
    /// assert!(x.to_vec::<f32>().unwrap().iter().all(|v| (0.0..1.0).contains(v)));
    /// ```
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
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::random::default_rng;
    /// // NumPy: np.random.default_rng(42).integers(0, 10, 4) -> array([0, 7, 6, 4])
    /// let dice = default_rng(42).integers(1, 7, 100).to_vec::<i64>().unwrap();
    /// assert!(dice.iter().all(|v| (1..7).contains(v)));
    /// ```
    #[track_caller]
    pub fn integers(&mut self, low: i64, high: i64, size: impl IntoShape) -> Array {
        self.integers_dtype(low, high, size, DType::I64, false)
    }

    /// `integers(low, high, size, dtype, endpoint)` for any integer dtype or bool (uint64
    /// bounds are limited to i64's range); `endpoint` includes `high`.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::random::default_rng;
    /// use numcrane::DType;
    /// let x = default_rng(1).integers_dtype(0, 255, 50, DType::U8, true);
    /// assert_eq!(x.dtype(), DType::U8);
    /// assert_eq!(x.size(), 50);
    /// let coins = default_rng(1).integers_dtype(0, 1, 8, DType::Bool, true);
    /// assert_eq!(coins.dtype(), DType::Bool);
    /// ```
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
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::random::default_rng;
    /// let x = default_rng(2).uniform(-1.0, 1.0, 1000).to_vec::<f64>().unwrap();
    /// assert!(x.iter().all(|v| (-1.0..1.0).contains(v)));
    /// ```
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
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::random::default_rng;
    /// let x = default_rng(3).standard_normal(10_000);
    /// let (m, s) = (x.mean(..).item::<f64>().unwrap(), x.std(..).item::<f64>().unwrap());
    /// assert!(m.abs() < 0.05 && (s - 1.0).abs() < 0.05);
    /// ```
    #[track_caller]
    pub fn standard_normal(&mut self, size: impl IntoShape) -> Array {
        self.standard_normal_dtype(size, DType::F64)
    }

    /// `standard_normal(size, dtype)` for float64 or float32 (float32 has its own ziggurat).
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::random::default_rng;
    /// use numcrane::DType;
    /// let x = default_rng(3).standard_normal_dtype([2, 3], DType::F32);
    /// assert_eq!((x.shape(), x.dtype()), (&[2usize, 3][..], DType::F32));
    /// ```
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
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::random::default_rng;
    /// let x = default_rng(4).standard_exponential(10_000);
    /// assert!(x.min(..).item::<f64>().unwrap() >= 0.0);
    /// assert!((x.mean(..).item::<f64>().unwrap() - 1.0).abs() < 0.05);
    /// ```
    #[track_caller]
    pub fn standard_exponential(&mut self, size: impl IntoShape) -> Array {
        self.standard_exponential_dtype(size, DType::F64)
    }

    /// `standard_exponential(size, dtype)` for float64 or float32.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::random::default_rng;
    /// use numcrane::DType;
    /// let x = default_rng(4).standard_exponential_dtype(100, DType::F32);
    /// assert_eq!(x.dtype(), DType::F32);
    /// assert!(x.min(..).item::<f32>().unwrap() >= 0.0);
    /// ```
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
        ///
        /// # Examples
        ///
        /// ```
        /// use numcrane::random::default_rng;
        /// let mut rng = default_rng(5);
        /// let x = rng.normal(10.0, 2.0, 10_000);
        /// assert!((x.mean(..).item::<f64>().unwrap() - 10.0).abs() < 0.1);
        /// assert!(rng.normal(0.0, -1.0, 3).eval().is_err());
        /// ```
        normal(mean, scale) -> f64;
        /// `lognormal(mean, sigma, size)`: `exp` of a normal; `sigma < 0` is an error.
        ///
        /// # Examples
        ///
        /// ```
        /// use numcrane::random::default_rng;
        /// let x = default_rng(6).lognormal(0.0, 0.5, 1000);
        /// assert!(x.min(..).item::<f64>().unwrap() > 0.0);
        /// // Its log is normal(0, 0.5).
        /// assert!(x.log().mean(..).item::<f64>().unwrap().abs() < 0.1);
        /// ```
        lognormal(mean, sigma) -> f64;
        /// `exponential(scale, size)`; `scale < 0` is an error.
        ///
        /// # Examples
        ///
        /// ```
        /// use numcrane::random::default_rng;
        /// let x = default_rng(7).exponential(3.0, 10_000);
        /// assert!((x.mean(..).item::<f64>().unwrap() - 3.0).abs() < 0.15);
        /// ```
        exponential(scale) -> f64;
        /// `gamma(shape, scale, size)`.
        ///
        /// # Examples
        ///
        /// ```
        /// use numcrane::random::default_rng;
        /// // Mean shape * scale = 6.
        /// let x = default_rng(8).gamma(2.0, 3.0, 10_000);
        /// assert!((x.mean(..).item::<f64>().unwrap() - 6.0).abs() < 0.2);
        /// ```
        gamma(shape, scale) -> f64;
        /// `beta(a, b, size)`; `a` and `b` must be positive.
        ///
        /// # Examples
        ///
        /// ```
        /// use numcrane::random::default_rng;
        /// let x = default_rng(9).beta(2.0, 2.0, 1000).to_vec::<f64>().unwrap();
        /// assert!(x.iter().all(|v| (0.0..=1.0).contains(v)));
        /// assert!(default_rng(9).beta(0.0, 1.0, 1).eval().is_err());
        /// ```
        beta(a, b) -> f64;
        /// `laplace(loc, scale, size)`.
        ///
        /// # Examples
        ///
        /// ```
        /// use numcrane::random::default_rng;
        /// let x = default_rng(10).laplace(1.0, 0.5, 10_000);
        /// assert!((x.mean(..).item::<f64>().unwrap() - 1.0).abs() < 0.05);
        /// ```
        laplace(mean, scale) -> f64;
        /// `standard_t(df, size)`; `df` must be positive.
        ///
        /// # Examples
        ///
        /// ```
        /// use numcrane::random::default_rng;
        /// let x = default_rng(11).standard_t(10.0, 10_000);
        /// assert!(x.mean(..).item::<f64>().unwrap().abs() < 0.1);
        /// ```
        standard_t(df) -> f64;
        /// `poisson(lam, size)`: int64.
        ///
        /// # Examples
        ///
        /// ```
        /// use numcrane::random::default_rng;
        /// use numcrane::DType;
        /// let x = default_rng(12).poisson(4.0, 10_000);
        /// assert_eq!(x.dtype(), DType::I64);
        /// assert!((x.mean(..).item::<f64>().unwrap() - 4.0).abs() < 0.1);
        /// ```
        poisson(lam) -> i64;
        /// `chisquare(df, size)`; `df` must be positive.
        ///
        /// # Examples
        ///
        /// ```
        /// use numcrane::random::default_rng;
        /// let x = default_rng(13).chisquare(3.0, 10_000);
        /// assert!((x.mean(..).item::<f64>().unwrap() - 3.0).abs() < 0.15);
        /// ```
        chisquare(df) -> f64;
        /// `f(dfnum, dfden, size)`: the F distribution.
        ///
        /// # Examples
        ///
        /// ```
        /// use numcrane::random::default_rng;
        /// // Mean dfden / (dfden - 2) = 1.25 for dfden = 10.
        /// let x = default_rng(14).f(5.0, 10.0, 20_000);
        /// assert!((x.mean(..).item::<f64>().unwrap() - 1.25).abs() < 0.1);
        /// ```
        f(dfnum, dfden) -> f64;
        /// `pareto(a, size)`: NumPy's Pareto II (Lomax); `a` must be positive.
        ///
        /// # Examples
        ///
        /// ```
        /// use numcrane::random::default_rng;
        /// let x = default_rng(15).pareto(3.0, 1000);
        /// assert!(x.min(..).item::<f64>().unwrap() >= 0.0);
        /// ```
        pareto(a) -> f64;
        /// `weibull(a, size)`; `a < 0` is an error.
        ///
        /// # Examples
        ///
        /// ```
        /// use numcrane::random::default_rng;
        /// // Shape 1 is the standard exponential: mean 1.
        /// let x = default_rng(16).weibull(1.0, 10_000);
        /// assert!((x.mean(..).item::<f64>().unwrap() - 1.0).abs() < 0.05);
        /// ```
        weibull(a) -> f64;
        /// `power(a, size)`; `a` must be positive.
        ///
        /// # Examples
        ///
        /// ```
        /// use numcrane::random::default_rng;
        /// let x = default_rng(17).power(2.0, 1000).to_vec::<f64>().unwrap();
        /// assert!(x.iter().all(|v| (0.0..=1.0).contains(v)));
        /// ```
        power(a) -> f64;
        /// `rayleigh(scale, size)`.
        ///
        /// # Examples
        ///
        /// ```
        /// use numcrane::random::default_rng;
        /// let x = default_rng(18).rayleigh(1.0, 10_000);
        /// // Mean sigma * sqrt(pi / 2).
        /// let expected = (std::f64::consts::PI / 2.0).sqrt();
        /// assert!((x.mean(..).item::<f64>().unwrap() - expected).abs() < 0.05);
        /// ```
        rayleigh(scale) -> f64;
        /// `gumbel(loc, scale, size)`.
        ///
        /// # Examples
        ///
        /// ```
        /// use numcrane::random::default_rng;
        /// // Mean loc + scale * 0.5772 (Euler's constant).
        /// let x = default_rng(19).gumbel(0.0, 1.0, 10_000);
        /// assert!((x.mean(..).item::<f64>().unwrap() - 0.5772).abs() < 0.05);
        /// ```
        gumbel(mean, scale) -> f64;
        /// `logistic(loc, scale, size)`.
        ///
        /// # Examples
        ///
        /// ```
        /// use numcrane::random::default_rng;
        /// let x = default_rng(20).logistic(2.0, 1.0, 10_000);
        /// assert!((x.mean(..).item::<f64>().unwrap() - 2.0).abs() < 0.1);
        /// ```
        logistic(mean, scale) -> f64;
        /// `triangular(left, mode, right, size)`.
        ///
        /// # Examples
        ///
        /// ```
        /// use numcrane::random::default_rng;
        /// let x = default_rng(21).triangular(0.0, 1.0, 4.0, 1000).to_vec::<f64>().unwrap();
        /// assert!(x.iter().all(|v| (0.0..=4.0).contains(v)));
        /// ```
        triangular(left, mode, right) -> f64;
        /// `wald(mean, scale, size)`: the inverse Gaussian.
        ///
        /// # Examples
        ///
        /// ```
        /// use numcrane::random::default_rng;
        /// let x = default_rng(22).wald(2.0, 5.0, 10_000);
        /// assert!(x.min(..).item::<f64>().unwrap() > 0.0);
        /// assert!((x.mean(..).item::<f64>().unwrap() - 2.0).abs() < 0.1);
        /// ```
        wald(mean, scale) -> f64;
        /// `geometric(p, size)`: int64 trials to the first success.
        ///
        /// # Examples
        ///
        /// ```
        /// use numcrane::random::default_rng;
        /// // Trials to the first success: at least 1, mean 1 / p.
        /// let x = default_rng(23).geometric(0.25, 10_000);
        /// assert!(x.min(..).item::<i64>().unwrap() >= 1);
        /// assert!((x.mean(..).item::<f64>().unwrap() - 4.0).abs() < 0.2);
        /// ```
        geometric(p) -> i64;
        /// `negative_binomial(n, p, size)`: int64 failures before `n` successes.
        ///
        /// # Examples
        ///
        /// ```
        /// use numcrane::random::default_rng;
        /// // Mean n (1 - p) / p = 3.
        /// let x = default_rng(24).negative_binomial(3.0, 0.5, 10_000);
        /// assert!((x.mean(..).item::<f64>().unwrap() - 3.0).abs() < 0.15);
        /// ```
        negative_binomial(n, p) -> i64;
        /// `noncentral_chisquare(df, nonc, size)`.
        ///
        /// # Examples
        ///
        /// ```
        /// use numcrane::random::default_rng;
        /// // Mean df + nonc.
        /// let x = default_rng(25).noncentral_chisquare(3.0, 2.0, 10_000);
        /// assert!((x.mean(..).item::<f64>().unwrap() - 5.0).abs() < 0.2);
        /// ```
        noncentral_chisquare(df, nonc) -> f64;
        /// `noncentral_f(dfnum, dfden, nonc, size)`.
        ///
        /// # Examples
        ///
        /// ```
        /// use numcrane::random::default_rng;
        /// let x = default_rng(26).noncentral_f(3.0, 20.0, 3.0, 1000);
        /// assert!(x.min(..).item::<f64>().unwrap() >= 0.0);
        /// ```
        noncentral_f(dfnum, dfden, nonc) -> f64;
        /// `vonmises(mu, kappa, size)`: angles in [-pi, pi].
        ///
        /// # Examples
        ///
        /// ```
        /// use numcrane::random::default_rng;
        /// use std::f64::consts::PI;
        /// let x = default_rng(27).vonmises(0.0, 4.0, 1000).to_vec::<f64>().unwrap();
        /// assert!(x.iter().all(|v| (-PI..=PI).contains(v)));
        /// ```
        vonmises(mu, kappa) -> f64;
        /// `logseries(p, size)`: int64, `0 <= p < 1`.
        ///
        /// # Examples
        ///
        /// ```
        /// use numcrane::random::default_rng;
        /// let x = default_rng(28).logseries(0.6, 1000);
        /// assert!(x.min(..).item::<i64>().unwrap() >= 1);
        /// ```
        logseries(p) -> i64;
        /// `zipf(a, size)`: int64, `a > 1`.
        ///
        /// # Examples
        ///
        /// ```
        /// use numcrane::random::default_rng;
        /// let x = default_rng(29).zipf(2.0, 1000);
        /// assert!(x.min(..).item::<i64>().unwrap() >= 1);
        /// assert!(default_rng(29).zipf(1.0, 1).eval().is_err());
        /// ```
        zipf(a) -> i64;
    }

    /// `standard_gamma(shape, size)`; `shape < 0` is an error.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::random::default_rng;
    /// let x = default_rng(30).standard_gamma(2.0, 10_000);
    /// assert!((x.mean(..).item::<f64>().unwrap() - 2.0).abs() < 0.1);
    /// ```
    #[track_caller]
    pub fn standard_gamma(&mut self, shape: f64, size: impl IntoShape) -> Array {
        self.standard_gamma_dtype(shape, size, DType::F64)
    }

    /// `standard_gamma(shape, size, dtype)` for float64 or float32 (float32 computes in float
    /// over the float ziggurats, as NumPy's).
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::random::default_rng;
    /// use numcrane::DType;
    /// let x = default_rng(30).standard_gamma_dtype(2.0, 100, DType::F32);
    /// assert_eq!(x.dtype(), DType::F32);
    /// assert!(x.min(..).item::<f32>().unwrap() >= 0.0);
    /// ```
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
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::random::default_rng;
    /// let x = default_rng(31).standard_cauchy(1001);
    /// // The Cauchy distribution has no mean, but its median is 0.
    /// assert!(x.median(..).item::<f64>().unwrap().abs() < 0.2);
    /// ```
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
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::random::default_rng;
    /// let x = default_rng(32).binomial(10, 0.3, 10_000);
    /// assert!(x.max(..).item::<i64>().unwrap() <= 10);
    /// assert!((x.mean(..).item::<f64>().unwrap() - 3.0).abs() < 0.1);
    /// ```
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
        ///
        /// # Examples
        ///
        /// ```
        /// use numcrane::array;
        /// use numcrane::random::default_rng;
        /// let low = array([0.0, 10.0]);
        /// let high = array([1.0, 20.0]);
        /// let x = default_rng(33).uniform_array(&low, &high, Some(vec![100, 2]));
        /// let cols = x.min(0).to_vec::<f64>().unwrap();
        /// assert!(cols[0] >= 0.0 && cols[1] >= 10.0);
        /// ```
        uniform_array => uniform(low, high) -> f64;
        /// `normal(loc, scale, size)` with array parameters.
        ///
        /// # Examples
        ///
        /// ```
        /// use numcrane::array;
        /// use numcrane::random::default_rng;
        /// // One draw per mean, each with scale 0.1: the broadcast shape [3].
        /// let x = default_rng(34).normal_array(&array([0.0, 100.0, -100.0]), &array([0.1]), None);
        /// let v = x.to_vec::<f64>().unwrap();
        /// assert!((v[1] - 100.0).abs() < 1.0 && (v[2] + 100.0).abs() < 1.0);
        /// ```
        normal_array => normal(mean, scale) -> f64;
        /// `lognormal(mean, sigma, size)` with array parameters.
        ///
        /// # Examples
        ///
        /// ```
        /// use numcrane::array;
        /// use numcrane::random::default_rng;
        /// let x = default_rng(35).lognormal_array(&array([0.0, 1.0]), &array([0.5, 0.5]), None);
        /// assert_eq!(x.shape(), &[2]);
        /// assert!(x.min(..).item::<f64>().unwrap() > 0.0);
        /// ```
        lognormal_array => lognormal(mean, sigma) -> f64;
        /// `exponential(scale, size)` with an array parameter.
        ///
        /// # Examples
        ///
        /// ```
        /// use numcrane::array;
        /// use numcrane::random::default_rng;
        /// let x = default_rng(36).exponential_array(&array([1.0, 5.0]), Some(vec![3, 2]));
        /// assert_eq!(x.shape(), &[3, 2]);
        /// ```
        exponential_array => exponential(scale) -> f64;
        /// `standard_gamma(shape, size)` with an array parameter.
        ///
        /// # Examples
        ///
        /// ```
        /// use numcrane::array;
        /// use numcrane::random::default_rng;
        /// let x = default_rng(37).standard_gamma_array(&array([[0.5], [4.0]]), Some(vec![2, 5]));
        /// assert_eq!(x.shape(), &[2, 5]);
        /// ```
        standard_gamma_array => standard_gamma(shape) -> f64;
        /// `gamma(shape, scale, size)` with array parameters.
        ///
        /// # Examples
        ///
        /// ```
        /// use numcrane::array;
        /// use numcrane::random::default_rng;
        /// let x = default_rng(38).gamma_array(&array([1.0, 2.0]), &array([2.0]), None);
        /// assert_eq!(x.shape(), &[2]);
        /// ```
        gamma_array => gamma(shape, scale) -> f64;
        /// `beta(a, b, size)` with array parameters.
        ///
        /// # Examples
        ///
        /// ```
        /// use numcrane::array;
        /// use numcrane::random::default_rng;
        /// let x = default_rng(39).beta_array(&array([1.0, 2.0]), &array([3.0, 1.0]), None);
        /// assert!(x.to_vec::<f64>().unwrap().iter().all(|v| (0.0..=1.0).contains(v)));
        /// ```
        beta_array => beta(a, b) -> f64;
        /// `laplace(loc, scale, size)` with array parameters.
        ///
        /// # Examples
        ///
        /// ```
        /// use numcrane::array;
        /// use numcrane::random::default_rng;
        /// let x = default_rng(40).laplace_array(&array([0.0, 5.0]), &array([1.0, 1.0]), Some(vec![4, 2]));
        /// assert_eq!(x.shape(), &[4, 2]);
        /// ```
        laplace_array => laplace(mean, scale) -> f64;
        /// `standard_t(df, size)` with an array parameter.
        ///
        /// # Examples
        ///
        /// ```
        /// use numcrane::array;
        /// use numcrane::random::default_rng;
        /// let x = default_rng(41).standard_t_array(&array([1.0, 5.0, 30.0]), None);
        /// assert_eq!(x.shape(), &[3]);
        /// ```
        standard_t_array => standard_t(df) -> f64;
        /// `chisquare(df, size)` with an array parameter.
        ///
        /// # Examples
        ///
        /// ```
        /// use numcrane::array;
        /// use numcrane::random::default_rng;
        /// let x = default_rng(42).chisquare_array(&array([1.0, 4.0]), None);
        /// assert!(x.min(..).item::<f64>().unwrap() >= 0.0);
        /// ```
        chisquare_array => chisquare(df) -> f64;
        /// `poisson(lam, size)` with an array parameter (int64).
        ///
        /// # Examples
        ///
        /// ```
        /// use numcrane::array;
        /// use numcrane::random::default_rng;
        /// use numcrane::DType;
        /// let x = default_rng(43).poisson_array(&array([0.0, 3.0]), None);
        /// assert_eq!(x.dtype(), DType::I64);
        /// // Rate 0 always gives 0.
        /// assert_eq!(x.to_vec::<i64>().unwrap()[0], 0);
        /// ```
        poisson_array => poisson(lam) -> i64;
        /// `gumbel(loc, scale, size)` with array parameters.
        ///
        /// # Examples
        ///
        /// ```
        /// use numcrane::array;
        /// use numcrane::random::default_rng;
        /// let x = default_rng(44).gumbel_array(&array([0.0, 10.0]), &array([1.0]), None);
        /// assert_eq!(x.shape(), &[2]);
        /// ```
        gumbel_array => gumbel(mean, scale) -> f64;
        /// `logistic(loc, scale, size)` with array parameters.
        ///
        /// # Examples
        ///
        /// ```
        /// use numcrane::array;
        /// use numcrane::random::default_rng;
        /// let x = default_rng(45).logistic_array(&array([0.0]), &array([1.0, 2.0]), None);
        /// assert_eq!(x.shape(), &[2]);
        /// ```
        logistic_array => logistic(mean, scale) -> f64;
        /// `weibull(a, size)` with an array parameter.
        ///
        /// # Examples
        ///
        /// ```
        /// use numcrane::array;
        /// use numcrane::random::default_rng;
        /// let x = default_rng(46).weibull_array(&array([0.5, 1.0, 2.0]), None);
        /// assert!(x.min(..).item::<f64>().unwrap() >= 0.0);
        /// ```
        weibull_array => weibull(a) -> f64;
        /// `rayleigh(scale, size)` with an array parameter.
        ///
        /// # Examples
        ///
        /// ```
        /// use numcrane::array;
        /// use numcrane::random::default_rng;
        /// let x = default_rng(47).rayleigh_array(&array([1.0, 2.0]), Some(vec![5, 2]));
        /// assert!(x.min(..).item::<f64>().unwrap() >= 0.0);
        /// ```
        rayleigh_array => rayleigh(scale) -> f64;
        /// `wald(mean, scale, size)` with array parameters.
        ///
        /// # Examples
        ///
        /// ```
        /// use numcrane::array;
        /// use numcrane::random::default_rng;
        /// let x = default_rng(48).wald_array(&array([1.0, 2.0]), &array([1.0]), None);
        /// assert!(x.min(..).item::<f64>().unwrap() > 0.0);
        /// ```
        wald_array => wald(mean, scale) -> f64;
        /// `triangular(left, mode, right, size)` with array parameters.
        ///
        /// # Examples
        ///
        /// ```
        /// use numcrane::array;
        /// use numcrane::random::default_rng;
        /// let (left, mode, right) = (array([0.0, 10.0]), array([0.5, 11.0]), array([1.0, 12.0]));
        /// let x = default_rng(49).triangular_array(&left, &mode, &right, None).to_vec::<f64>().unwrap();
        /// assert!((0.0..=1.0).contains(&x[0]) && (10.0..=12.0).contains(&x[1]));
        /// ```
        triangular_array => triangular(left, mode, right) -> f64;
        /// `vonmises(mu, kappa, size)` with array parameters.
        ///
        /// # Examples
        ///
        /// ```
        /// use numcrane::array;
        /// use numcrane::random::default_rng;
        /// let x = default_rng(50).vonmises_array(&array([0.0, 1.0]), &array([2.0]), None);
        /// assert_eq!(x.shape(), &[2]);
        /// ```
        vonmises_array => vonmises(mu, kappa) -> f64;
        /// `geometric(p, size)` with an array parameter (int64).
        ///
        /// # Examples
        ///
        /// ```
        /// use numcrane::array;
        /// use numcrane::random::default_rng;
        /// // p = 1 succeeds on the first trial.
        /// let x = default_rng(51).geometric_array(&array([1.0, 0.5]), None);
        /// assert_eq!(x.to_vec::<i64>().unwrap()[0], 1);
        /// ```
        geometric_array => geometric(p) -> i64;
    }

    /// `binomial(n, p, size)` with array parameters (`n` an integer array, int64 result).
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::array;
    /// use numcrane::random::default_rng;
    /// let x = default_rng(52).binomial_array(&array([10i64, 0]), &array([0.5, 0.5]), None);
    /// let v = x.to_vec::<i64>().unwrap();
    /// assert!((0..=10).contains(&v[0]) && v[1] == 0);
    /// ```
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
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::random::default_rng;
    /// // 5 draws from an urn of 7 good and 3 bad items: at least 2 good ones.
    /// let x = default_rng(53).hypergeometric(7, 3, 5, 100);
    /// assert!(x.min(..).item::<i64>().unwrap() >= 2);
    /// assert!(x.max(..).item::<i64>().unwrap() <= 5);
    /// ```
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
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::random::default_rng;
    /// let x = default_rng(54).dirichlet(&[1.0, 2.0, 3.0], 4);
    /// assert_eq!(x.shape(), &[4, 3]);
    /// for s in x.sum(1).to_vec::<f64>().unwrap() {
    ///     assert!((s - 1.0).abs() < 1e-12);
    /// }
    /// ```
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
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::random::default_rng;
    /// let x = default_rng(55).multinomial(20, &[0.2, 0.3, 0.5], 4);
    /// assert_eq!(x.shape(), &[4, 3]);
    /// assert_eq!(x.sum(1).to_vec::<i64>().unwrap(), vec![20; 4]);
    /// ```
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
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::random::default_rng;
    /// let mut rng = default_rng(56);
    /// let x = rng.choice(10, 5, false, None).to_vec::<i64>().unwrap();
    /// let mut sorted = x.clone();
    /// sorted.sort();
    /// sorted.dedup();
    /// assert_eq!(sorted.len(), 5, "without replacement, no repeats");
    /// let biased = rng.choice(3, 100, true, Some(&[0.0, 0.0, 1.0]));
    /// assert_eq!(biased.to_vec::<i64>().unwrap(), vec![2; 100]);
    /// ```
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
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::array;
    /// use numcrane::random::default_rng;
    /// let rows = array([[1, 2], [3, 4], [5, 6]]);
    /// let picked = default_rng(57).choice_array(&rows, 4, true, None);
    /// assert_eq!(picked.shape(), &[4, 2]);
    /// // Each picked row is a row of `rows`: its second element is its first plus one.
    /// let v = picked.to_vec::<i32>().unwrap();
    /// assert!(v.chunks(2).all(|r| r[1] == r[0] + 1));
    /// ```
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
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::array;
    /// use numcrane::random::default_rng;
    /// let cols = array([[1, 2, 3], [10, 20, 30]]);
    /// let picked = default_rng(58).choice_array_axis(&cols, 2, false, None, 1, true);
    /// assert_eq!(picked.shape(), &[2, 2]);
    /// let v = picked.to_vec::<i32>().unwrap();
    /// assert!(v[2] == 10 * v[0] && v[3] == 10 * v[1]);
    /// ```
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
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::random::default_rng;
    /// let mut p = default_rng(59).permutation(6).to_vec::<i64>().unwrap();
    /// p.sort();
    /// assert_eq!(p, vec![0, 1, 2, 3, 4, 5]);
    /// ```
    #[track_caller]
    pub fn permutation(&mut self, n: usize) -> Array {
        let loc = SourceLocation::caller();
        shaped(Ok(self.inner.permutation(n)), vec![n], loc)
    }

    /// `permutation(x, axis)`: `x` with its items along `axis` shuffled.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::array;
    /// use numcrane::random::default_rng;
    /// let x = array([[1, 1], [2, 2], [3, 3]]);
    /// let p = default_rng(60).permutation_array(&x, 0);
    /// // Rows move as wholes.
    /// assert_eq!(p.sum(..).item::<i64>().unwrap(), 12);
    /// assert!(p.to_vec::<i32>().unwrap().chunks(2).all(|r| r[0] == r[1]));
    /// ```
    #[track_caller]
    pub fn permutation_array(&mut self, x: &Array, axis: isize) -> Array {
        self.shuffled("permutation", x, axis, SourceLocation::caller())
    }

    /// NumPy's in-place `shuffle(x, axis)`, returning the shuffled array (numcrane arrays are
    /// immutable). It draws as NumPy's does, so it gives what `x` holds after NumPy's call.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::arange;
    /// use numcrane::random::default_rng;
    /// let x = arange(0i64, 10, 1);
    /// let mut s = default_rng(61).shuffle(&x, 0).to_vec::<i64>().unwrap();
    /// s.sort();
    /// assert_eq!(s, x.to_vec::<i64>().unwrap());
    /// ```
    #[track_caller]
    pub fn shuffle(&mut self, x: &Array, axis: isize) -> Array {
        self.shuffled("shuffle", x, axis, SourceLocation::caller())
    }

    /// `permuted(x, axis)`: every 1-d slice along `axis` shuffled independently (slices taken
    /// in C order of the other axes); `None` shuffles all elements as one flat sequence.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::array;
    /// use numcrane::random::default_rng;
    /// let x = array([[1, 2, 3], [4, 5, 6]]);
    /// let p = default_rng(62).permuted(&x, Some(1));
    /// // Each row keeps its own elements.
    /// assert_eq!(p.sum(1).to_vec::<i64>().unwrap(), vec![6, 15]);
    /// ```
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
///
/// # Examples
///
/// ```
/// use numcrane::random::RandomState;
/// let mut rs = RandomState::new(0);
/// let x = rs.rand([2, 3]);
/// assert_eq!(x.shape(), &[2, 3]);
/// // NumPy: np.random.seed(0); np.random.rand() -> 0.5488135039273248
/// assert_eq!(RandomState::new(0).rand([]).item::<f64>().unwrap(), 0.5488135039273248);
/// ```
#[derive(Clone, Debug)]
pub struct RandomState {
    inner: numcrane_random::RandomState,
}

impl RandomState {
    /// `np.random.RandomState(seed)` (NumPy accepts seeds in `0..2**32`).
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::random::RandomState;
    /// let a = RandomState::new(123).randn(4).to_vec::<f64>().unwrap();
    /// let b = RandomState::new(123).randn(4).to_vec::<f64>().unwrap();
    /// assert_eq!(a, b);
    /// ```
    pub fn new(seed: u32) -> RandomState {
        RandomState {
            inner: numcrane_random::RandomState::new(seed),
        }
    }

    /// `seed(seed)`: restarts the stream and forgets the cached normal.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::random::RandomState;
    /// let mut rs = RandomState::new(1);
    /// let first = rs.rand(3).to_vec::<f64>().unwrap();
    /// rs.seed(1);
    /// assert_eq!(rs.rand(3).to_vec::<f64>().unwrap(), first);
    /// ```
    pub fn seed(&mut self, seed: u32) {
        self.inner.seed(seed);
    }

    /// `rand(*shape)`: float64 in [0, 1).
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::random::RandomState;
    /// let x = RandomState::new(2).rand([4, 2]);
    /// assert_eq!(x.shape(), &[4, 2]);
    /// assert!(x.to_vec::<f64>().unwrap().iter().all(|v| (0.0..1.0).contains(v)));
    /// ```
    #[track_caller]
    pub fn rand(&mut self, shape: impl IntoShape) -> Array {
        self.random_sample(shape)
    }

    /// `random_sample(size)`: float64 in [0, 1).
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::random::RandomState;
    /// let a = RandomState::new(3).random_sample(5).to_vec::<f64>().unwrap();
    /// // The same stream as rand.
    /// assert_eq!(a, RandomState::new(3).rand(5).to_vec::<f64>().unwrap());
    /// ```
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
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::random::RandomState;
    /// let x = RandomState::new(4).randn(10_000);
    /// assert!(x.mean(..).item::<f64>().unwrap().abs() < 0.05);
    /// ```
    #[track_caller]
    pub fn randn(&mut self, shape: impl IntoShape) -> Array {
        self.standard_normal(shape)
    }

    /// `standard_normal(size)`, the same stream as `randn`.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::random::RandomState;
    /// let a = RandomState::new(5).standard_normal(3).to_vec::<f64>().unwrap();
    /// assert_eq!(a, RandomState::new(5).randn(3).to_vec::<f64>().unwrap());
    /// ```
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
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::random::RandomState;
    /// let x = RandomState::new(6).normal(50.0, 5.0, 10_000);
    /// assert!((x.mean(..).item::<f64>().unwrap() - 50.0).abs() < 0.3);
    /// ```
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
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::random::RandomState;
    /// let x = RandomState::new(7).uniform(2.0, 3.0, 100).to_vec::<f64>().unwrap();
    /// assert!(x.iter().all(|v| (2.0..3.0).contains(v)));
    /// ```
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
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane::random::RandomState;
    /// let x = RandomState::new(8).randint(-5, 5, 100).to_vec::<i64>().unwrap();
    /// assert!(x.iter().all(|v| (-5..5).contains(v)));
    /// ```
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
