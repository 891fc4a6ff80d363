//! NumPy's legacy `np.random.RandomState` over MT19937: `seed`, `rand`/`random_sample`,
//! `randn`/`standard_normal`, `randint`, `normal`, `uniform`.
//!
//! RandomState's streams differ from `Generator`'s on purpose (NumPy froze them): seeding is
//! Matsumoto-Nishimura's `init_genrand` of the 32-bit seed (no SeedSequence), doubles take
//! 27 and 26 bits of two 32-bit outputs, normals come from the polar Box-Muller method with
//! one value cached between calls, and `randint` uses masked rejection, not Lemire's method.

use crate::{Error, Result};

const N: usize = 624;
const M: usize = 397;
const MATRIX_A: u32 = 0x9908_b0df;
const UPPER_MASK: u32 = 0x8000_0000;
const LOWER_MASK: u32 = 0x7fff_ffff;

/// NumPy's `np.random.MT19937` state as legacy seeding leaves it.
///
/// # Examples
///
/// ```
/// use numcrane_random::Mt19937;
/// // The reference init_genrand(5489) stream starts 3499211612.
/// let mut mt = Mt19937::new(5489);
/// assert_eq!(mt.next_u32(), 3499211612);
/// ```
#[derive(Clone)]
pub struct Mt19937 {
    key: [u32; N],
    pos: usize,
}

impl std::fmt::Debug for Mt19937 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Mt19937 {{ pos: {}, .. }}", self.pos)
    }
}

impl Mt19937 {
    /// `mt19937_seed`: the reference `init_genrand(seed)`.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane_random::Mt19937;
    /// // C++'s std::mt19937(0) and NumPy's RandomState(0) start the same way.
    /// assert_eq!(Mt19937::new(0).next_u32(), 2357136044);
    /// ```
    pub fn new(seed: u32) -> Mt19937 {
        let mut key = [0u32; N];
        let mut s = seed;
        for (pos, k) in key.iter_mut().enumerate() {
            *k = s;
            s = 1_812_433_253u32
                .wrapping_mul(s ^ (s >> 30))
                .wrapping_add(pos as u32 + 1);
        }
        Mt19937 { key, pos: N }
    }

    fn generate(&mut self) {
        let twist = |a: u32, b: u32, m: u32| {
            let y = (a & UPPER_MASK) | (b & LOWER_MASK);
            m ^ (y >> 1) ^ (0u32.wrapping_sub(y & 1) & MATRIX_A)
        };
        for i in 0..N {
            let next = self.key[(i + 1) % N];
            self.key[i] = twist(self.key[i], next, self.key[(i + M) % N]);
        }
        self.pos = 0;
    }

    /// The next tempered 32-bit output.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane_random::Mt19937;
    /// let mut mt = Mt19937::new(1);
    /// let (a, b) = (mt.next_u32(), mt.next_u32());
    /// assert_ne!(a, b);
    /// assert_eq!(Mt19937::new(1).next_u32(), a);
    /// ```
    pub fn next_u32(&mut self) -> u32 {
        if self.pos == N {
            self.generate();
        }
        let mut y = self.key[self.pos];
        self.pos += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^ (y >> 18)
    }

    /// Two 32-bit outputs, the first the high half.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane_random::Mt19937;
    /// let mut words = Mt19937::new(7);
    /// let (hi, lo) = (words.next_u32(), words.next_u32());
    /// assert_eq!(Mt19937::new(7).next_u64(), (u64::from(hi) << 32) | u64::from(lo));
    /// ```
    pub fn next_u64(&mut self) -> u64 {
        let hi = u64::from(self.next_u32());
        (hi << 32) | u64::from(self.next_u32())
    }

    /// A double in [0, 1) from 27 bits of one output and 26 of the next.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane_random::Mt19937;
    /// // NumPy: np.random.seed(0); np.random.random_sample() -> 0.5488135039273248
    /// assert_eq!(Mt19937::new(0).next_double(), 0.5488135039273248);
    /// ```
    pub fn next_double(&mut self) -> f64 {
        let a = f64::from(self.next_u32() >> 5);
        let b = f64::from(self.next_u32() >> 6);
        (a * 67_108_864.0 + b) / 9_007_199_254_740_992.0
    }
}

/// NumPy's `np.random.RandomState(seed)` (and the module functions after `np.random.seed`).
#[derive(Clone, Debug)]
pub struct RandomState {
    mt: Mt19937,
    gauss: Option<f64>,
}

impl RandomState {
    /// `RandomState(seed)` for a seed in `0..2**32`.
    pub fn new(seed: u32) -> RandomState {
        RandomState {
            mt: Mt19937::new(seed),
            gauss: None,
        }
    }

    /// `seed(seed)`: reseeds and forgets the cached normal.
    pub fn seed(&mut self, seed: u32) {
        *self = RandomState::new(seed);
    }

    /// The MT19937 underneath.
    pub fn bit_generator_mut(&mut self) -> &mut Mt19937 {
        &mut self.mt
    }

    /// `legacy_gauss`: polar Box-Muller, the second value of each pair kept for the next call.
    fn gauss(&mut self) -> f64 {
        if let Some(g) = self.gauss.take() {
            return g;
        }
        loop {
            let x1 = 2.0 * self.mt.next_double() - 1.0;
            let x2 = 2.0 * self.mt.next_double() - 1.0;
            let r2 = x1 * x1 + x2 * x2;
            if r2 < 1.0 && r2 != 0.0 {
                let f = (-2.0 * r2.ln() / r2).sqrt();
                self.gauss = Some(f * x1);
                return f * x2;
            }
        }
    }

    /// `rand(*shape)` / `random_sample(size)`.
    pub fn random_sample(&mut self, n: usize) -> Vec<f64> {
        (0..n).map(|_| self.mt.next_double()).collect()
    }

    /// `randn(*shape)` / `standard_normal(size)`.
    pub fn standard_normal(&mut self, n: usize) -> Vec<f64> {
        (0..n).map(|_| self.gauss()).collect()
    }

    /// `normal(loc, scale, size)`.
    pub fn normal(&mut self, loc: f64, scale: f64, n: usize) -> Result<Vec<f64>> {
        if scale < 0.0 {
            return Err(Error::new("normal", "scale < 0"));
        }
        Ok((0..n).map(|_| loc + scale * self.gauss()).collect())
    }

    /// `uniform(low, high, size)`; RandomState allows `high < low`.
    pub fn uniform(&mut self, low: f64, high: f64, n: usize) -> Result<Vec<f64>> {
        let range = high - low;
        if !range.is_finite() {
            return Err(Error::new("uniform", "Range exceeds valid bounds"));
        }
        Ok((0..n)
            .map(|_| low + range * self.mt.next_double())
            .collect())
    }

    /// `randint(low, high, size)` (int64, `high` exclusive) by masked rejection sampling.
    pub fn randint(&mut self, low: i64, high: i64, n: usize) -> Result<Vec<i64>> {
        if low >= high {
            return Err(Error::new("randint", "low >= high"));
        }
        let rng = (high - 1).wrapping_sub(low) as u64;
        let mask = if rng == 0 {
            0
        } else {
            u64::MAX >> rng.leading_zeros()
        };
        Ok((0..n)
            .map(|_| {
                let v = if rng == 0 {
                    0
                } else if rng <= 0xffff_ffff {
                    if rng == 0xffff_ffff {
                        u64::from(self.mt.next_u32())
                    } else {
                        loop {
                            let v = u64::from(self.mt.next_u32()) & mask;
                            if v <= rng {
                                break v;
                            }
                        }
                    }
                } else if rng == u64::MAX {
                    self.mt.next_u64()
                } else {
                    loop {
                        let v = self.mt.next_u64() & mask;
                        if v <= rng {
                            break v;
                        }
                    }
                };
                low.wrapping_add(v as i64)
            })
            .collect())
    }
}
