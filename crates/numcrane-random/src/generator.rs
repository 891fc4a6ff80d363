//! NumPy's `Generator`: the distributions of numpy/random/src/distributions/distributions.c
//! and the sampling logic of numpy/random/_generator.pyx over a [`Pcg64`].
//!
//! Every function draws from the bit generator in the same order and with the same
//! arithmetic (and the same libm calls: `exp`, `log`, `log1p`, `pow`) as NumPy's C code, so
//! the outputs are bit-identical on a platform whose libm agrees with the one NumPy uses.
//! Parameter checks come first and consume nothing, as in NumPy.

// Constants are written digit for digit as NumPy's C source has them.
#![allow(clippy::excessive_precision)]

use crate::pcg64::Pcg64;
use crate::seed_seq::SeedSequence;
use rayon::prelude::*;

/// From this many values on, `random` and `uniform` fill blocks in parallel.
const PARALLEL_MIN: usize = 1 << 16;
/// Values per parallel block (even: `random_f32` maps value pairs onto 64-bit draws).
const BLOCK: usize = 1 << 14;
/// `integers` over 32-bit draws runs in parallel blocks only when Lemire's rejection
/// threshold is below this: a block of `BLOCK` values then sees a rejection with probability
/// under 1/64, so the speculative block starts are almost always right (every range up to
/// 4096 qualifies, e.g. `integers(0, 100)`).
const LEMIRE_PARALLEL_MAX_THRESHOLD: u64 = 1 << 12;
use crate::tables::*;
use crate::{Error, Result};

const ZIGGURAT_NOR_R: f64 = 3.654_152_885_361_008_8;
const ZIGGURAT_NOR_INV_R: f64 = 0.273_661_237_329_758_3;
const ZIGGURAT_EXP_R: f64 = 7.697_117_470_131_05;
const ZIGGURAT_NOR_R_F: f32 = 3.654_152_9;
const ZIGGURAT_NOR_INV_R_F: f32 = 0.273_661_23;
const ZIGGURAT_EXP_R_F: f32 = 7.697_117_5;

/// NumPy's `np.random.Generator` over PCG64.
#[derive(Clone, Debug)]
pub struct Generator {
    bitgen: Pcg64,
    /// The sequence the bit generator was seeded from, for `spawn`.
    seed_seq: Option<SeedSequence>,
}

/// Which element type `integers` produces (NumPy's `dtype=`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IntDType {
    /// `np.int64`.
    I64,
    /// `np.int32`.
    I32,
    /// `np.int16`.
    I16,
    /// `np.int8`.
    I8,
    /// `np.uint64` (bounds limited to what an i64 holds).
    U64,
    /// `np.uint32`.
    U32,
    /// `np.uint16`.
    U16,
    /// `np.uint8`.
    U8,
    /// `np.bool_`.
    Bool,
}

impl IntDType {
    /// NumPy's name, for messages.
    fn name(self) -> &'static str {
        match self {
            IntDType::I64 => "int64",
            IntDType::I32 => "int32",
            IntDType::I16 => "int16",
            IntDType::I8 => "int8",
            IntDType::U64 => "uint64",
            IntDType::U32 => "uint32",
            IntDType::U16 => "uint16",
            IntDType::U8 => "uint8",
            IntDType::Bool => "bool",
        }
    }

    /// The smallest and largest value.
    fn range(self) -> (i64, i64) {
        match self {
            IntDType::I64 => (i64::MIN, i64::MAX),
            IntDType::I32 => (i32::MIN.into(), i32::MAX.into()),
            IntDType::I16 => (i16::MIN.into(), i16::MAX.into()),
            IntDType::I8 => (i8::MIN.into(), i8::MAX.into()),
            IntDType::U64 => (0, i64::MAX),
            IntDType::U32 => (0, u32::MAX.into()),
            IntDType::U16 => (0, u16::MAX.into()),
            IntDType::U8 => (0, u8::MAX.into()),
            IntDType::Bool => (0, 1),
        }
    }
}

/// NumPy's `buffered_uint8`/`buffered_uint16` (and the bool buffer): small draws cut from one
/// 32-bit draw, low bits first, the buffer living for one `integers` call only.
struct SmallDraws {
    bits: u32,
    buf: u32,
    left: u32,
}

impl SmallDraws {
    fn new(bits: u32) -> SmallDraws {
        SmallDraws {
            bits,
            buf: 0,
            left: 0,
        }
    }

    fn next(&mut self, bitgen: &mut Pcg64) -> u32 {
        if self.left == 0 {
            self.buf = bitgen.next_u32();
            self.left = 32 / self.bits - 1;
        } else {
            self.buf >>= self.bits;
            self.left -= 1;
        }
        self.buf & ((1u32 << self.bits) - 1)
    }
}

/// Lemire values `low + 0..=rng` (`0 < rng <= u32::MAX`) for every element of `block`, from
/// `g`'s 32-bit draws exactly as `bounded_u64` takes them; returns the 32-bit draws taken.
fn lemire32_block(g: &mut Pcg64, low: i64, rng: u64, block: &mut [i64]) -> u64 {
    let rng_excl = rng + 1;
    // Always below rng_excl, so checking it first is NumPy's two-step test (and 0 for
    // rng == u32::MAX, where the value is the draw itself, as NumPy's special case gives).
    let threshold = (u64::from(u32::MAX) - rng) % rng_excl;
    let mut taken = block.len() as u64;
    for v in block.iter_mut() {
        let mut m = u64::from(g.next_u32()) * rng_excl;
        while m & 0xffff_ffff < threshold {
            m = u64::from(g.next_u32()) * rng_excl;
            taken += 1;
        }
        *v = low.wrapping_add((m >> 32) as i64);
    }
    taken
}

fn check_non_negative(op: &'static str, name: &str, v: f64) -> Result<()> {
    // NumPy's CONS_NON_NEGATIVE: `v < 0` fails, NaN passes.
    if v < 0.0 {
        return Err(Error::new(op, format!("{name} < 0")));
    }
    Ok(())
}

fn check_positive(op: &'static str, name: &str, v: f64) -> Result<()> {
    // CONS_POSITIVE: `v <= 0` fails, NaN passes.
    if v <= 0.0 {
        return Err(Error::new(op, format!("{name} <= 0")));
    }
    Ok(())
}

/// NumPy's POISSON_LAM_MAX: the largest mean whose PTRS arithmetic stays inside int64.
fn poisson_lam_max() -> f64 {
    i64::MAX as f64 - (i64::MAX as f64).sqrt() * 10.0
}

fn check_probability_gt_0(op: &'static str, p: f64) -> Result<()> {
    // CONS_BOUNDED_GT_0_1: p in (0, 1].
    if p.is_nan() || p <= 0.0 || p > 1.0 {
        return Err(Error::new(op, "p <= 0, p > 1 or p contains NaNs"));
    }
    Ok(())
}

/// The smallest all-ones mask covering `max` (`_gen_mask` / the mask of `random_interval`).
fn gen_mask(max: u64) -> u64 {
    if max == 0 {
        0
    } else {
        u64::MAX >> max.leading_zeros()
    }
}

/// Kahan-compensated sum, NumPy's `kahan_sum` used to validate probabilities.
fn kahan_sum(x: &[f64]) -> f64 {
    let Some((&first, rest)) = x.split_first() else {
        return 0.0;
    };
    let (mut sum, mut c) = (first, 0.0);
    for &v in rest {
        let y = v - c;
        let t = sum + y;
        c = (t - sum) - y;
        sum = t;
    }
    sum
}

/// `cumsum(p) / cumsum(p)[-1]`, the inverse-CDF table of `choice`.
fn normalized_cdf(p: &[f64]) -> Vec<f64> {
    let mut acc = 0.0;
    let mut cdf: Vec<f64> = p
        .iter()
        .map(|&v| {
            acc += v;
            acc
        })
        .collect();
    if let Some(&last) = cdf.last() {
        for v in &mut cdf {
            *v /= last;
        }
    }
    cdf
}

/// `searchsorted(cdf, u, side='right')`: the number of entries `<= u`.
fn search_right(cdf: &[f64], u: f64) -> usize {
    cdf.partition_point(|&c| c <= u)
}

/// NumPy's `logfactorial`: the table below 126, Stirling's series (to 1/k^3) above.
fn logfactorial(k: i64) -> f64 {
    if let Some(&v) = usize::try_from(k).ok().and_then(|i| LOGFACT.get(i)) {
        return v;
    }
    let halfln2pi = 0.918_938_533_204_672_8;
    let kf = k as f64;
    (kf + 0.5) * kf.ln() - kf + (halfln2pi + (1.0 / kf) * (1.0 / 12.0 - 1.0 / (360.0 * kf * kf)))
}

/// NumPy's `random_loggam`: log-gamma by Stirling's series with a shift for small x.
fn loggam(x: f64) -> f64 {
    const A: [f64; 10] = [
        8.333_333_333_333_333e-02,
        -2.777_777_777_777_778e-03,
        7.936_507_936_507_937e-04,
        -5.952_380_952_380_952e-04,
        8.417_508_417_508_418e-04,
        -1.917_526_917_526_918e-03,
        6.410_256_410_256_410e-03,
        -2.955_065_359_477_124e-02,
        1.796_443_723_688_307e-01,
        -1.392_432_216_905_90e+00,
    ];
    if x == 1.0 || x == 2.0 {
        return 0.0;
    }
    let n: i64 = if x < 7.0 { (7.0 - x) as i64 } else { 0 };
    let mut x0 = x + n as f64;
    let x2 = (1.0 / x0) * (1.0 / x0);
    let lg2pi = 1.837_877_066_409_345_3e+00;
    let mut gl0 = A[9];
    for k in (0..9).rev() {
        gl0 *= x2;
        gl0 += A[k];
    }
    let mut gl = gl0 / x0 + 0.5 * lg2pi + (x0 - 0.5) * x0.ln() - x0;
    if x < 7.0 {
        for _ in 1..=n {
            gl -= (x0 - 1.0).ln();
            x0 -= 1.0;
        }
    }
    gl
}

impl Generator {
    /// A generator over the given bit generator (`np.random.Generator(PCG64(...))`).
    pub fn new(bitgen: Pcg64) -> Generator {
        Generator {
            bitgen,
            seed_seq: None,
        }
    }

    /// `Generator(PCG64(seed_seq))`, remembering the sequence for `spawn`.
    pub fn from_seed_sequence(seq: SeedSequence) -> Generator {
        Generator {
            bitgen: Pcg64::from_seed_sequence(&seq),
            seed_seq: Some(seq),
        }
    }

    /// `np.random.default_rng(seed)`.
    pub fn seeded(seed: u128) -> Generator {
        Generator::from_seed_sequence(SeedSequence::new(seed))
    }

    /// `spawn(n)`: `n` independent child generators from children of the seed sequence
    /// (NumPy's way to get parallel streams). An error for a generator built from a bare
    /// bit generator state, which has no sequence.
    pub fn spawn(&mut self, n: usize) -> Result<Vec<Generator>> {
        let seq = self.seed_seq.as_mut().ok_or_else(|| {
            Error::new(
                "spawn",
                "the generator was not seeded through a SeedSequence, so it cannot spawn",
            )
        })?;
        Ok(seq
            .spawn(n)
            .into_iter()
            .map(Generator::from_seed_sequence)
            .collect())
    }

    /// The bit generator (NumPy's `Generator.bit_generator`).
    pub fn bit_generator(&self) -> &Pcg64 {
        &self.bitgen
    }

    /// The bit generator, to draw raw bits or move its state.
    pub fn bit_generator_mut(&mut self) -> &mut Pcg64 {
        &mut self.bitgen
    }

    // ---- single draws (distributions.c) ----

    fn standard_normal_one(&mut self) -> f64 {
        loop {
            let mut r = self.bitgen.next_u64();
            let idx = (r & 0xff) as usize;
            r >>= 8;
            let sign = r & 0x1;
            let rabs = (r >> 1) & 0x000f_ffff_ffff_ffff;
            let mut x = rabs as f64 * WI_DOUBLE[idx];
            if sign & 0x1 == 1 {
                x = -x;
            }
            if rabs < KI_DOUBLE[idx] {
                return x;
            }
            if idx == 0 {
                loop {
                    // 1 - U avoids log(0) (NumPy's GH 13361).
                    let xx = -ZIGGURAT_NOR_INV_R * (-self.bitgen.next_double()).ln_1p();
                    let yy = -(-self.bitgen.next_double()).ln_1p();
                    if yy + yy > xx * xx {
                        return if (rabs >> 8) & 0x1 == 1 {
                            -(ZIGGURAT_NOR_R + xx)
                        } else {
                            ZIGGURAT_NOR_R + xx
                        };
                    }
                }
            } else if (FI_DOUBLE[idx - 1] - FI_DOUBLE[idx]) * self.bitgen.next_double()
                + FI_DOUBLE[idx]
                < (-0.5 * x * x).exp()
            {
                return x;
            }
        }
    }

    fn standard_normal_one_f32(&mut self) -> f32 {
        loop {
            let r = self.bitgen.next_u32();
            let idx = (r & 0xff) as usize;
            let sign = (r >> 8) & 0x1;
            let rabs = (r >> 9) & 0x007f_ffff;
            let mut x = rabs as f32 * WI_FLOAT[idx];
            if sign & 0x1 == 1 {
                x = -x;
            }
            if rabs < KI_FLOAT[idx] {
                return x;
            }
            if idx == 0 {
                loop {
                    let xx = -ZIGGURAT_NOR_INV_R_F * (-self.bitgen.next_float()).ln_1p();
                    let yy = -(-self.bitgen.next_float()).ln_1p();
                    if yy + yy > xx * xx {
                        return if (rabs >> 8) & 0x1 == 1 {
                            -(ZIGGURAT_NOR_R_F + xx)
                        } else {
                            ZIGGURAT_NOR_R_F + xx
                        };
                    }
                }
            } else {
                // NumPy writes `exp(-0.5 * x * x)`: the 0.5 is a double, so the bound is
                // computed and compared in double precision.
                let lhs =
                    (FI_FLOAT[idx - 1] - FI_FLOAT[idx]) * self.bitgen.next_float() + FI_FLOAT[idx];
                let xd = f64::from(x);
                if f64::from(lhs) < (-0.5 * xd * xd).exp() {
                    return x;
                }
            }
        }
    }

    fn standard_exponential_one(&mut self) -> f64 {
        loop {
            let mut ri = self.bitgen.next_u64();
            ri >>= 3;
            let idx = (ri & 0xff) as usize;
            ri >>= 8;
            let x = ri as f64 * WE_DOUBLE[idx];
            if ri < KE_DOUBLE[idx] {
                return x;
            }
            // standard_exponential_unlikely; its tail call is this loop.
            if idx == 0 {
                return ZIGGURAT_EXP_R - (-self.bitgen.next_double()).ln_1p();
            }
            if (FE_DOUBLE[idx - 1] - FE_DOUBLE[idx]) * self.bitgen.next_double() + FE_DOUBLE[idx]
                < (-x).exp()
            {
                return x;
            }
        }
    }

    fn standard_exponential_one_f32(&mut self) -> f32 {
        loop {
            let mut ri = self.bitgen.next_u32();
            ri >>= 1;
            let idx = (ri & 0xff) as usize;
            ri >>= 8;
            let x = ri as f32 * WE_FLOAT[idx];
            if ri < KE_FLOAT[idx] {
                return x;
            }
            if idx == 0 {
                return ZIGGURAT_EXP_R_F - (-self.bitgen.next_float()).ln_1p();
            }
            if (FE_FLOAT[idx - 1] - FE_FLOAT[idx]) * self.bitgen.next_float() + FE_FLOAT[idx]
                < (-x).exp()
            {
                return x;
            }
        }
    }

    fn standard_gamma_one(&mut self, shape: f64) -> f64 {
        if shape == 1.0 {
            return self.standard_exponential_one();
        }
        if shape == 0.0 {
            return 0.0;
        }
        if shape < 1.0 {
            loop {
                let u = self.bitgen.next_double();
                let v = self.standard_exponential_one();
                if u <= 1.0 - shape {
                    let x = u.powf(1.0 / shape);
                    if x <= v {
                        return x;
                    }
                } else {
                    let y = -((1.0 - u) / shape).ln();
                    let x = (1.0 - shape + shape * y).powf(1.0 / shape);
                    if x <= v + y {
                        return x;
                    }
                }
            }
        }
        // Marsaglia and Tsang.
        let b = shape - 1.0 / 3.0;
        let c = 1.0 / (9.0 * b).sqrt();
        loop {
            let (x, mut v) = loop {
                let x = self.standard_normal_one();
                let v = 1.0 + c * x;
                if v > 0.0 {
                    break (x, v);
                }
            };
            v = v * v * v;
            let u = self.bitgen.next_double();
            if u < 1.0 - 0.0331 * (x * x) * (x * x) {
                return b * v;
            }
            if u.ln() < 0.5 * x * x + b * (1.0 - v + v.ln()) {
                return b * v;
            }
        }
    }

    /// `random_standard_gamma_f`: the same algorithms in float arithmetic over the float
    /// ziggurats and `next_float`.
    fn standard_gamma_one_f32(&mut self, shape: f32) -> f32 {
        if shape == 1.0 {
            return self.standard_exponential_one_f32();
        }
        if shape == 0.0 {
            return 0.0;
        }
        if shape < 1.0 {
            loop {
                let u = self.bitgen.next_float();
                let v = self.standard_exponential_one_f32();
                if u <= 1.0 - shape {
                    let x = u.powf(1.0 / shape);
                    if x <= v {
                        return x;
                    }
                } else {
                    let y = -((1.0 - u) / shape).ln();
                    let x = (1.0 - shape + shape * y).powf(1.0 / shape);
                    if x <= v + y {
                        return x;
                    }
                }
            }
        }
        let b = shape - 1.0 / 3.0;
        let c = 1.0 / (9.0 * b).sqrt();
        loop {
            let (x, mut v) = loop {
                let x = self.standard_normal_one_f32();
                let v = 1.0 + c * x;
                if v > 0.0 {
                    break (x, v);
                }
            };
            v = v * v * v;
            let u = self.bitgen.next_float();
            if u < 1.0 - 0.0331 * (x * x) * (x * x) {
                return b * v;
            }
            if u.ln() < 0.5 * x * x + b * (1.0 - v + v.ln()) {
                return b * v;
            }
        }
    }

    fn beta_one(&mut self, a: f64, b: f64) -> f64 {
        if a <= 1.0 && b <= 1.0 {
            // Johnk's algorithm.
            loop {
                let u = self.bitgen.next_double();
                let v = self.bitgen.next_double();
                let x = u.powf(1.0 / a);
                let y = v.powf(1.0 / b);
                let xpy = x + y;
                if xpy <= 1.0 && u + v > 0.0 {
                    if xpy > 0.0 {
                        return x / xpy;
                    }
                    // Both underflowed: work with logarithms.
                    let mut log_x = u.ln() / a;
                    let mut log_y = v.ln() / b;
                    let log_m = if log_x > log_y { log_x } else { log_y };
                    log_x -= log_m;
                    log_y -= log_m;
                    return (log_x - (log_x.exp() + log_y.exp()).ln()).exp();
                }
            }
        }
        let ga = self.standard_gamma_one(a);
        let gb = self.standard_gamma_one(b);
        ga / (ga + gb)
    }

    fn poisson_one(&mut self, lam: f64) -> i64 {
        if lam >= 10.0 {
            // PTRS, Hörmann's transformed rejection with squeeze.
            let slam = lam.sqrt();
            let loglam = lam.ln();
            let b = 0.931 + 2.53 * slam;
            let a = -0.059 + 0.02483 * b;
            let invalpha = 1.1239 + 1.1328 / (b - 3.4);
            let vr = 0.9277 - 3.6224 / (b - 2.0);
            loop {
                let u = self.bitgen.next_double() - 0.5;
                let v = self.bitgen.next_double();
                let us = 0.5 - u.abs();
                let k = ((2.0 * a / us + b) * u + lam + 0.43).floor() as i64;
                if us >= 0.07 && v <= vr {
                    return k;
                }
                if k < 0 || (us < 0.013 && v > us) {
                    continue;
                }
                if v.ln() + invalpha.ln() - (a / (us * us) + b).ln()
                    <= -lam + k as f64 * loglam - loggam(k as f64 + 1.0)
                {
                    return k;
                }
            }
        }
        if lam == 0.0 {
            return 0;
        }
        // Multiplication of uniforms.
        let enlam = (-lam).exp();
        let mut x = 0;
        let mut prod = 1.0;
        loop {
            prod *= self.bitgen.next_double();
            if prod > enlam {
                x += 1;
            } else {
                return x;
            }
        }
    }

    fn binomial_inversion(&mut self, n: i64, p: f64) -> i64 {
        let q = 1.0 - p;
        let qn = (n as f64 * q.ln()).exp();
        let np = n as f64 * p;
        let bound = (n as f64).min(np + 10.0 * (np * q + 1.0).sqrt()) as i64;
        let mut x: i64 = 0;
        let mut px = qn;
        let mut u = self.bitgen.next_double();
        while u > px {
            x += 1;
            if x > bound {
                x = 0;
                px = qn;
                u = self.bitgen.next_double();
            } else {
                u -= px;
                px = ((n - x + 1) as f64 * p * px) / (x as f64 * q);
            }
        }
        x
    }

    #[allow(clippy::many_single_char_names)]
    fn binomial_btpe(&mut self, n: i64, p: f64) -> i64 {
        let nf = n as f64;
        let r = p.min(1.0 - p);
        let q = 1.0 - r;
        let fm = nf * r + r;
        let m = fm.floor() as i64;
        let mf = m as f64;
        let p1 = (2.195 * (nf * r * q).sqrt() - 4.6 * q).floor() + 0.5;
        let xm = mf + 0.5;
        let xl = xm - p1;
        let xr = xm + p1;
        let c = 0.134 + 20.5 / (15.3 + mf);
        let mut a = (fm - xl) / (fm - xl * r);
        let laml = a * (1.0 + a / 2.0);
        a = (xr - fm) / (xr * q);
        let lamr = a * (1.0 + a / 2.0);
        let p2 = p1 * (1.0 + 2.0 * c);
        let p3 = p2 + c / laml;
        let p4 = p3 + c / lamr;
        let nrq = nf * r * q;
        loop {
            // Step 10.
            let u = self.bitgen.next_double() * p4;
            let mut v = self.bitgen.next_double();
            let y: i64;
            if u <= p1 {
                y = (xm - p1 * v + u).floor() as i64;
                return y;
            }
            if u <= p2 {
                // Step 20: parallelograms.
                let x = xl + (u - p1) / c;
                v = v * c + 1.0 - (mf - x + 0.5).abs() / p1;
                if v > 1.0 {
                    continue;
                }
                y = x.floor() as i64;
            } else if u <= p3 {
                // Step 30: left exponential tail.
                y = (xl + v.ln() / laml).floor() as i64;
                if y < 0 || v == 0.0 {
                    continue;
                }
                v = v * (u - p2) * laml;
            } else {
                // Step 40: right exponential tail.
                y = (xr - v.ln() / lamr).floor() as i64;
                if y > n || v == 0.0 {
                    continue;
                }
                v = v * (u - p3) * lamr;
            }
            // Step 50.
            let k = (y - m).abs();
            if !(k > 20 && (k as f64) < nrq / 2.0 - 1.0) {
                let s = r / q;
                let a = s * (nf + 1.0);
                let mut f = 1.0;
                if m < y {
                    for i in (m + 1)..=y {
                        f *= a / i as f64 - s;
                    }
                } else if m > y {
                    for i in (y + 1)..=m {
                        f /= a / i as f64 - s;
                    }
                }
                if v > f {
                    continue;
                }
                return y;
            }
            // Step 52: squeeze, then the final test with Stirling's formula.
            let kf = k as f64;
            let rho =
                (kf / nrq) * ((kf * (kf / 3.0 + 0.625) + 0.166_666_666_666_666_66) / nrq + 0.5);
            let t = (-(k * k)) as f64 / (2.0 * nrq);
            let big_a = v.ln();
            if big_a < t - rho {
                return y;
            }
            if big_a > t + rho {
                continue;
            }
            let x1 = (y + 1) as f64;
            let f1 = mf + 1.0;
            let z = (n + 1 - m) as f64;
            let w = (n - y + 1) as f64;
            let (x2, f2, z2, w2) = (x1 * x1, f1 * f1, z * z, w * w);
            let stirling = |s: f64, s2: f64| {
                (13680. - (462. - (132. - (99. - 140. / s2) / s2) / s2) / s2) / s / 166320.
            };
            let bound = xm * (f1 / x1).ln()
                + ((n - m) as f64 + 0.5) * (z / w).ln()
                + (y - m) as f64 * (w * r / (x1 * q)).ln()
                + stirling(f1, f2)
                + stirling(x1, x2)
                + stirling(z, z2)
                + stirling(w, w2);
            if big_a > bound {
                continue;
            }
            return y;
        }
    }

    fn binomial_one(&mut self, n: i64, p: f64) -> i64 {
        if n == 0 || p == 0.0 {
            return 0;
        }
        if p <= 0.5 {
            if p * n as f64 <= 30.0 {
                self.binomial_inversion(n, p)
            } else {
                self.binomial_btpe(n, p)
            }
        } else {
            let q = 1.0 - p;
            if q * n as f64 <= 30.0 {
                n - self.binomial_inversion(n, q)
            } else {
                n - self.binomial_btpe(n, q)
            }
        }
    }

    fn laplace_one(&mut self, loc: f64, scale: f64) -> f64 {
        loop {
            let u = self.bitgen.next_double();
            if u >= 0.5 {
                return loc - scale * (2.0 - u - u).ln();
            }
            if u > 0.0 {
                return loc + scale * (u + u).ln();
            }
            // U == 0 is rejected and drawn again.
        }
    }

    /// `random_bounded_uint64(off=0, rng)` with Lemire's method: a value in `0..=rng`, from
    /// 32-bit draws when `rng` fits in 32 bits.
    fn bounded_u64(&mut self, rng: u64) -> u64 {
        if rng == 0 {
            return 0;
        }
        if rng <= 0xffff_ffff {
            if rng == 0xffff_ffff {
                return u64::from(self.bitgen.next_u32());
            }
            let rng_excl = rng + 1;
            let mut m = u64::from(self.bitgen.next_u32()) * rng_excl;
            let mut leftover = m & 0xffff_ffff;
            if leftover < rng_excl {
                let threshold = (u64::from(u32::MAX) - rng) % rng_excl;
                while leftover < threshold {
                    m = u64::from(self.bitgen.next_u32()) * rng_excl;
                    leftover = m & 0xffff_ffff;
                }
            }
            return m >> 32;
        }
        if rng == u64::MAX {
            return self.bitgen.next_u64();
        }
        let rng_excl = rng + 1;
        let mut m = u128::from(self.bitgen.next_u64()) * u128::from(rng_excl);
        let mut leftover = m as u64;
        if leftover < rng_excl {
            let threshold = (u64::MAX - rng) % rng_excl;
            while leftover < threshold {
                m = u128::from(self.bitgen.next_u64()) * u128::from(rng_excl);
                leftover = m as u64;
            }
        }
        (m >> 64) as u64
    }

    /// `random_bounded_uint8/16_fill` with Lemire's method over buffered 8- or 16-bit draws.
    fn bounded_small(&mut self, low: i64, rng: u32, bits: u32, n: usize) -> Vec<i64> {
        let max = (1u32 << bits) - 1;
        if rng == 0 {
            return vec![low; n];
        }
        let mut draws = SmallDraws::new(bits);
        let bitgen = &mut self.bitgen;
        (0..n)
            .map(|_| {
                let v = if rng == max {
                    draws.next(bitgen)
                } else {
                    let rng_excl = rng + 1;
                    let mut m = draws.next(bitgen) * rng_excl;
                    let mut leftover = m & max;
                    if leftover < rng_excl {
                        let threshold = (max - rng) % rng_excl;
                        while leftover < threshold {
                            m = draws.next(bitgen) * rng_excl;
                            leftover = m & max;
                        }
                    }
                    m >> bits
                };
                low + i64::from(v)
            })
            .collect()
    }

    /// `random_interval(max)`: masked rejection sampling of `0..=max` (used by `shuffle`).
    fn interval(&mut self, max: u64) -> u64 {
        if max == 0 {
            return 0;
        }
        let mask = gen_mask(max);
        if max <= 0xffff_ffff {
            loop {
                let v = u64::from(self.bitgen.next_u32()) & mask;
                if v <= max {
                    return v;
                }
            }
        }
        loop {
            let v = self.bitgen.next_u64() & mask;
            if v <= max {
                return v;
            }
        }
    }

    /// `_shuffle_int(n, first, data)`: Fisher-Yates over `data[first..n]` from the top,
    /// with Lemire draws (the shuffle inside `choice`).
    fn shuffle_int(&mut self, first: usize, data: &mut [i64]) {
        for i in (first..data.len()).rev() {
            let j = self.bounded_u64(i as u64) as usize;
            data.swap(i, j);
        }
    }

    // ---- NumPy's methods; `n` is the number of values (the product of `size`) ----

    /// `random(size)`: doubles in [0, 1).
    pub fn random(&mut self, n: usize) -> Vec<f64> {
        let mut out = vec![0.0; n];
        self.random_into(&mut out);
        out
    }

    /// `random(size)` written into `out` (one value per element, in order): the array layer
    /// fills its final buffer with this, with no intermediate `Vec` and copy.
    pub fn random_into(&mut self, out: &mut [f64]) {
        self.fill_doubles(out, |u| u);
    }

    /// `out.len()` values `f(U)`, one 64-bit draw each. Since every value takes exactly one
    /// draw, block `k` starts `k * BLOCK` steps into the stream: large fills run blocks on
    /// rayon's threads from jumped-ahead copies of the generator and give the sequential
    /// numbers whatever the thread count.
    fn fill_doubles(&mut self, out: &mut [f64], f: impl Fn(f64) -> f64 + Sync) {
        let n = out.len();
        if n < PARALLEL_MIN {
            for v in out.iter_mut() {
                *v = f(self.bitgen.next_double());
            }
            return;
        }
        let start = self.bitgen.clone();
        out.par_chunks_mut(BLOCK)
            .enumerate()
            .for_each(|(k, block)| {
                let mut g = start.clone();
                g.skip((k * BLOCK) as u128);
                for v in block {
                    *v = f(g.next_double());
                }
            });
        self.bitgen.skip(n as u128);
    }

    /// `random(size, dtype=np.float32)`.
    pub fn random_f32(&mut self, n: usize) -> Vec<f32> {
        let mut out = vec![0.0; n];
        self.random_f32_into(&mut out);
        out
    }

    /// `random(size, dtype=np.float32)` written into `out`. Each float takes one 32-bit
    /// draw: a buffered high half first if there is one, then the low and high halves of
    /// successive 64-bit draws. After that first value, value pairs map one-to-one onto
    /// 64-bit draws, so large fills run in parallel blocks (an even number of values each)
    /// from jumped-ahead copies and give the sequential numbers and final state.
    pub fn random_f32_into(&mut self, out: &mut [f32]) {
        const SCALE: f32 = 1.0 / 16_777_216.0;
        if out.len() < PARALLEL_MIN {
            for v in out.iter_mut() {
                *v = self.bitgen.next_float();
            }
            return;
        }
        let mut rest = out;
        if self.bitgen.state().has_uint32 {
            let (first, tail) = rest.split_at_mut(1);
            first[0] = self.bitgen.next_float();
            rest = tail;
        }
        // No half is buffered now: value 2i is the low half of draw i, 2i + 1 the high half.
        let pairs = rest.len() / 2;
        let (paired, odd) = rest.split_at_mut(2 * pairs);
        let start = self.bitgen.clone();
        paired
            .par_chunks_mut(BLOCK)
            .enumerate()
            .for_each(|(k, block)| {
                let mut g = start.clone();
                // BLOCK is even, so block k starts at draw k * BLOCK / 2.
                g.skip((k * BLOCK / 2) as u128);
                for pair in block.chunks_exact_mut(2) {
                    let u = g.next_u64();
                    pair[0] = ((u as u32) >> 8) as f32 * SCALE;
                    pair[1] = (((u >> 32) as u32) >> 8) as f32 * SCALE;
                }
            });
        // An odd count leaves the last value to a fresh draw whose high half stays buffered.
        self.bitgen.skip_u32(2 * pairs as u64);
        for v in odd {
            *v = self.bitgen.next_float();
        }
    }

    /// `uniform(low, high, size)`: `low + (high - low) * U`.
    pub fn uniform(&mut self, low: f64, high: f64, n: usize) -> Result<Vec<f64>> {
        let range = high - low;
        if !range.is_finite() {
            return Err(Error::new(
                "uniform",
                "high - low range exceeds valid bounds",
            ));
        }
        if range < 0.0 {
            return Err(Error::new("uniform", "high - low < 0"));
        }
        let mut out = vec![0.0; n];
        self.fill_doubles(&mut out, |u| low + range * u);
        Ok(out)
    }

    /// `integers(low, high, size, dtype, endpoint)`: Lemire's bounded method, with 32-bit
    /// draws when the range fits in 32 bits. The values come back as i64 whatever the dtype.
    pub fn integers(
        &mut self,
        low: i64,
        high: i64,
        n: usize,
        dtype: IntDType,
        endpoint: bool,
    ) -> Result<Vec<i64>> {
        let mut out = vec![0; n];
        self.integers_into(low, high, dtype, endpoint, &mut out)?;
        Ok(out)
    }

    /// `integers(...)` written into `out` (one value per element, as i64 whatever the
    /// dtype); on an error nothing is drawn and `out` is untouched.
    pub fn integers_into(
        &mut self,
        low: i64,
        high: i64,
        dtype: IntDType,
        endpoint: bool,
        out: &mut [i64],
    ) -> Result<()> {
        const OP: &str = "integers";
        let n = out.len();
        // NumPy returns an empty array before looking at the bounds.
        if n == 0 {
            return Ok(());
        }
        let (lo, hi) = dtype.range();
        if low < lo {
            return Err(Error::new(
                OP,
                format!("low is out of bounds for {}", dtype.name()),
            ));
        }
        // An exclusive `high` may be one past the largest value.
        let high_max = if endpoint { hi } else { hi.saturating_add(1) };
        if high > high_max {
            return Err(Error::new(
                OP,
                format!("high is out of bounds for {}", dtype.name()),
            ));
        }
        let last = if endpoint {
            if low > high {
                return Err(Error::new(OP, "low > high"));
            }
            high
        } else {
            if low >= high {
                return Err(Error::new(OP, "low >= high"));
            }
            high - 1
        };
        let rng = last.wrapping_sub(low) as u64;
        match dtype {
            IntDType::Bool => {
                // buffered_bounded_bool: one bit per value, 32 from each 32-bit draw.
                if rng == 0 {
                    out.fill(low);
                    return Ok(());
                }
                let mut draws = SmallDraws::new(1);
                for v in out.iter_mut() {
                    *v = i64::from(draws.next(&mut self.bitgen));
                }
            }
            IntDType::I8 | IntDType::U8 => {
                out.copy_from_slice(&self.bounded_small(low, rng as u32, 8, n))
            }
            IntDType::I16 | IntDType::U16 => {
                out.copy_from_slice(&self.bounded_small(low, rng as u32, 16, n))
            }
            _ => {
                if rng != 0 && rng <= 0xffff_ffff && n >= PARALLEL_MIN {
                    let threshold = (u64::from(u32::MAX) - rng) % (rng + 1);
                    if threshold < LEMIRE_PARALLEL_MAX_THRESHOLD {
                        self.lemire32_parallel(low, rng, out);
                        return Ok(());
                    }
                }
                for v in out.iter_mut() {
                    *v = low.wrapping_add(self.bounded_u64(rng) as i64);
                }
            }
        }
        Ok(())
    }

    /// Lemire's method over 32-bit draws (`0 < rng <= u32::MAX`) for a large fill, in
    /// parallel and giving exactly the sequential values and final state.
    ///
    /// A value takes one 32-bit draw unless it is rejected (probability threshold / 2^32),
    /// so where a block starts in the draw stream depends on the rejections before it.
    /// Blocks are computed in parallel at assumed starts (first: no rejections); then, in
    /// order, every block whose assumed start equals its true start (the previous block's
    /// start plus the draws it really took) is final; the rest get new starts from the
    /// draw counts just seen and are recomputed. Rejections being rare (the caller only
    /// comes here for a small threshold), the second round almost always finishes; after
    /// a few rounds the remainder is drawn sequentially, so the work stays bounded.
    fn lemire32_parallel(&mut self, low: i64, rng: u64, out: &mut [i64]) {
        // First use up a buffered 32-bit half sequentially so that the stream starts on a
        // 64-bit boundary: u32 draw `t` is then the low (even t) or high half of draw t / 2.
        let mut out = out;
        while self.bitgen.state().has_uint32 {
            let Some((first, tail)) = out.split_first_mut() else {
                return;
            };
            *first = low.wrapping_add(self.bounded_u64(rng) as i64);
            out = tail;
        }
        let base = self.bitgen.clone();
        let at = |t: u64| {
            let mut g = base.clone();
            g.skip_u32(t);
            g
        };
        let mut chunks: Vec<&mut [i64]> = out.chunks_mut(BLOCK).collect();
        let count = chunks.len();
        let mut starts: Vec<u64> = (0..count).map(|k| (k * BLOCK) as u64).collect();
        let mut taken = vec![0u64; count];
        // Blocks before `done` are final, and `starts[done]` is `done`'s true start.
        let mut done = 0;
        let mut rounds = 0;
        while done < count && rounds < 4 {
            chunks[done..]
                .par_iter_mut()
                .zip(taken[done..].par_iter_mut())
                .zip(starts[done..].par_iter())
                .for_each(|((block, taken), &start)| {
                    let mut g = at(start);
                    *taken = lemire32_block(&mut g, low, rng, block);
                });
            let mut t = starts[done];
            while done < count && starts[done] == t {
                t += taken[done];
                done += 1;
            }
            for k in done..count {
                starts[k] = t;
                t += taken[k];
            }
            rounds += 1;
        }
        let mut total = starts.get(done).copied().unwrap_or(0);
        if done < count {
            let mut g = at(total);
            for block in &mut chunks[done..] {
                total += lemire32_block(&mut g, low, rng, block);
            }
        } else if let (Some(&s), Some(&n)) = (starts.last(), taken.last()) {
            total = s + n;
        }
        self.bitgen.skip_u32(total);
    }

    /// `standard_normal(size)`: NumPy's 256-layer ziggurat.
    pub fn standard_normal(&mut self, n: usize) -> Vec<f64> {
        let mut out = vec![0.0; n];
        self.standard_normal_into(&mut out);
        out
    }

    /// `standard_normal(size)` written into `out`. Sequential: the ziggurat takes a
    /// data-dependent number of draws per value.
    pub fn standard_normal_into(&mut self, out: &mut [f64]) {
        for v in out.iter_mut() {
            *v = self.standard_normal_one();
        }
    }

    /// `standard_normal(size, dtype=np.float32)`: the float ziggurat over 32-bit draws.
    pub fn standard_normal_f32(&mut self, n: usize) -> Vec<f32> {
        let mut out = vec![0.0; n];
        self.standard_normal_f32_into(&mut out);
        out
    }

    /// `standard_normal(size, dtype=np.float32)` written into `out` (sequential, as above).
    pub fn standard_normal_f32_into(&mut self, out: &mut [f32]) {
        for v in out.iter_mut() {
            *v = self.standard_normal_one_f32();
        }
    }

    /// `normal(loc, scale, size)`.
    pub fn normal(&mut self, loc: f64, scale: f64, n: usize) -> Result<Vec<f64>> {
        check_non_negative("normal", "scale", scale)?;
        Ok((0..n)
            .map(|_| loc + scale * self.standard_normal_one())
            .collect())
    }

    /// `lognormal(mean, sigma, size)`: `exp(normal(mean, sigma))`.
    pub fn lognormal(&mut self, mean: f64, sigma: f64, n: usize) -> Result<Vec<f64>> {
        check_non_negative("lognormal", "sigma", sigma)?;
        Ok((0..n)
            .map(|_| (mean + sigma * self.standard_normal_one()).exp())
            .collect())
    }

    /// `standard_exponential(size)`: NumPy's exponential ziggurat.
    pub fn standard_exponential(&mut self, n: usize) -> Vec<f64> {
        (0..n).map(|_| self.standard_exponential_one()).collect()
    }

    /// `standard_exponential(size, dtype=np.float32)`.
    pub fn standard_exponential_f32(&mut self, n: usize) -> Vec<f32> {
        (0..n)
            .map(|_| self.standard_exponential_one_f32())
            .collect()
    }

    /// `exponential(scale, size)`.
    pub fn exponential(&mut self, scale: f64, n: usize) -> Result<Vec<f64>> {
        check_non_negative("exponential", "scale", scale)?;
        Ok((0..n)
            .map(|_| scale * self.standard_exponential_one())
            .collect())
    }

    /// `standard_gamma(shape, size)`.
    pub fn standard_gamma(&mut self, shape: f64, n: usize) -> Result<Vec<f64>> {
        check_non_negative("standard_gamma", "shape", shape)?;
        Ok((0..n).map(|_| self.standard_gamma_one(shape)).collect())
    }

    /// `standard_gamma(shape, size, dtype=np.float32)` (`shape` rounded to float32 first).
    pub fn standard_gamma_f32(&mut self, shape: f64, n: usize) -> Result<Vec<f32>> {
        check_non_negative("standard_gamma", "shape", shape)?;
        let shape = shape as f32;
        Ok((0..n).map(|_| self.standard_gamma_one_f32(shape)).collect())
    }

    /// `gamma(shape, scale, size)`.
    pub fn gamma(&mut self, shape: f64, scale: f64, n: usize) -> Result<Vec<f64>> {
        check_non_negative("gamma", "shape", shape)?;
        check_non_negative("gamma", "scale", scale)?;
        Ok((0..n)
            .map(|_| scale * self.standard_gamma_one(shape))
            .collect())
    }

    /// `beta(a, b, size)`.
    pub fn beta(&mut self, a: f64, b: f64, n: usize) -> Result<Vec<f64>> {
        check_positive("beta", "a", a)?;
        check_positive("beta", "b", b)?;
        Ok((0..n).map(|_| self.beta_one(a, b)).collect())
    }

    /// `laplace(loc, scale, size)`.
    pub fn laplace(&mut self, loc: f64, scale: f64, n: usize) -> Result<Vec<f64>> {
        check_non_negative("laplace", "scale", scale)?;
        Ok((0..n).map(|_| self.laplace_one(loc, scale)).collect())
    }

    /// `standard_t(df, size)`: `sqrt(df/2) * N / sqrt(Gamma(df/2))`.
    pub fn standard_t(&mut self, df: f64, n: usize) -> Result<Vec<f64>> {
        check_positive("standard_t", "df", df)?;
        Ok((0..n)
            .map(|_| {
                let num = self.standard_normal_one();
                let denom = self.standard_gamma_one(df / 2.0);
                (df / 2.0).sqrt() * num / denom.sqrt()
            })
            .collect())
    }

    /// `poisson(lam, size)`: multiplication of uniforms below 10, PTRS from 10 on.
    pub fn poisson(&mut self, lam: f64, n: usize) -> Result<Vec<i64>> {
        if lam.is_nan() || lam < 0.0 {
            return Err(Error::new("poisson", "lam < 0 or lam is NaN"));
        }
        if lam > poisson_lam_max() {
            return Err(Error::new("poisson", "lam value too large"));
        }
        Ok((0..n).map(|_| self.poisson_one(lam)).collect())
    }

    /// `binomial(n, p, size)`: inversion when `n*min(p, 1-p) <= 30`, BTPE otherwise.
    pub fn binomial(&mut self, trials: i64, p: f64, n: usize) -> Result<Vec<i64>> {
        if trials < 0 {
            return Err(Error::new("binomial", "n < 0"));
        }
        if p.is_nan() || !(0.0..=1.0).contains(&p) {
            return Err(Error::new("binomial", "p < 0, p > 1 or p is NaN"));
        }
        Ok((0..n).map(|_| self.binomial_one(trials, p)).collect())
    }

    /// `multinomial(n, pvals, size)`: `n_draws` rows of `pvals.len()` counts, each row a
    /// chain of binomials on the remaining probability.
    pub fn multinomial(&mut self, trials: i64, pvals: &[f64], n_draws: usize) -> Result<Vec<i64>> {
        const OP: &str = "multinomial";
        if trials < 0 {
            return Err(Error::new(OP, "n < 0"));
        }
        if pvals
            .iter()
            .any(|&p| p.is_nan() || !(0.0..=1.0).contains(&p))
        {
            return Err(Error::new(
                OP,
                "pvals < 0, pvals > 1 or pvals contains NaNs",
            ));
        }
        let d = pvals.len();
        if d > 0 && kahan_sum(&pvals[..d - 1]) > 1.0 + 1e-12 {
            return Err(Error::new(OP, "sum(pvals[:-1]) > 1.0"));
        }
        let Some(len) = n_draws.checked_mul(d) else {
            return Err(Error::new(OP, "the output size overflows"));
        };
        let mut out = vec![0i64; len];
        if d == 0 {
            return Ok(out);
        }
        for row in out.chunks_exact_mut(d) {
            let mut remaining_p = 1.0;
            let mut dn = trials;
            for j in 0..d - 1 {
                row[j] = self.binomial_one(dn, pvals[j] / remaining_p);
                dn -= row[j];
                if dn <= 0 {
                    break;
                }
                remaining_p -= pvals[j];
            }
            if dn > 0 {
                row[d - 1] = dn;
            }
        }
        Ok(out)
    }

    /// `standard_cauchy(size)`: the ratio of two standard normals.
    pub fn standard_cauchy(&mut self, n: usize) -> Vec<f64> {
        (0..n)
            .map(|_| {
                let num = self.standard_normal_one();
                num / self.standard_normal_one()
            })
            .collect()
    }

    /// `chisquare(df, size)`: `2 * standard_gamma(df / 2)`.
    pub fn chisquare(&mut self, df: f64, n: usize) -> Result<Vec<f64>> {
        check_positive("chisquare", "df", df)?;
        Ok((0..n).map(|_| self.chisquare_one(df)).collect())
    }

    /// `f(dfnum, dfden, size)`: a ratio of scaled chi-squares.
    pub fn f(&mut self, dfnum: f64, dfden: f64, n: usize) -> Result<Vec<f64>> {
        check_positive("f", "dfnum", dfnum)?;
        check_positive("f", "dfden", dfden)?;
        Ok((0..n)
            .map(|_| {
                let num = 2.0 * self.standard_gamma_one(dfnum / 2.0) * dfden;
                num / (2.0 * self.standard_gamma_one(dfden / 2.0) * dfnum)
            })
            .collect())
    }

    /// `pareto(a, size)`: `expm1(E / a)` (Lomax, as NumPy's).
    pub fn pareto(&mut self, a: f64, n: usize) -> Result<Vec<f64>> {
        check_positive("pareto", "a", a)?;
        Ok((0..n)
            .map(|_| (self.standard_exponential_one() / a).exp_m1())
            .collect())
    }

    /// `weibull(a, size)`: `E^(1/a)`, and 0 for `a == 0`.
    pub fn weibull(&mut self, a: f64, n: usize) -> Result<Vec<f64>> {
        check_non_negative("weibull", "a", a)?;
        Ok((0..n)
            .map(|_| {
                if a == 0.0 {
                    0.0
                } else {
                    self.standard_exponential_one().powf(1.0 / a)
                }
            })
            .collect())
    }

    /// `power(a, size)`: `(1 - exp(-E))^(1/a)`.
    pub fn power(&mut self, a: f64, n: usize) -> Result<Vec<f64>> {
        check_positive("power", "a", a)?;
        Ok((0..n)
            .map(|_| (-(-self.standard_exponential_one()).exp_m1()).powf(1.0 / a))
            .collect())
    }

    /// `rayleigh(scale, size)`: `scale * sqrt(2 E)`.
    pub fn rayleigh(&mut self, scale: f64, n: usize) -> Result<Vec<f64>> {
        check_non_negative("rayleigh", "scale", scale)?;
        Ok((0..n)
            .map(|_| scale * (2.0 * self.standard_exponential_one()).sqrt())
            .collect())
    }

    /// `gumbel(loc, scale, size)`: `loc - scale * log(-log(1 - U))`, rejecting `1 - U == 1`.
    pub fn gumbel(&mut self, loc: f64, scale: f64, n: usize) -> Result<Vec<f64>> {
        check_non_negative("gumbel", "scale", scale)?;
        Ok((0..n)
            .map(|_| loop {
                let u = 1.0 - self.bitgen.next_double();
                if u < 1.0 {
                    break loc - scale * (-u.ln()).ln();
                }
            })
            .collect())
    }

    /// `logistic(loc, scale, size)`: `loc + scale * log(U / (1 - U))`, rejecting `U == 0`.
    pub fn logistic(&mut self, loc: f64, scale: f64, n: usize) -> Result<Vec<f64>> {
        check_non_negative("logistic", "scale", scale)?;
        Ok((0..n)
            .map(|_| loop {
                let u = self.bitgen.next_double();
                if u > 0.0 {
                    break loc + scale * (u / (1.0 - u)).ln();
                }
            })
            .collect())
    }

    /// `triangular(left, mode, right, size)` by inversion.
    pub fn triangular(&mut self, left: f64, mode: f64, right: f64, n: usize) -> Result<Vec<f64>> {
        const OP: &str = "triangular";
        if left > mode {
            return Err(Error::new(OP, "left > mode"));
        }
        if mode > right {
            return Err(Error::new(OP, "mode > right"));
        }
        if left == right {
            return Err(Error::new(OP, "left == right"));
        }
        let base = right - left;
        let leftbase = mode - left;
        let ratio = leftbase / base;
        let leftprod = leftbase * base;
        let rightprod = (right - mode) * base;
        Ok((0..n)
            .map(|_| {
                let u = self.bitgen.next_double();
                if u <= ratio {
                    left + (u * leftprod).sqrt()
                } else {
                    right - ((1.0 - u) * rightprod).sqrt()
                }
            })
            .collect())
    }

    /// `wald(mean, scale, size)`: the inverse Gaussian by Michael, Schucany and Haas, with the
    /// root written as NumPy 2 writes it, `mean (1 - 2 / (1 + sqrt(1 + 4 scale / Y)))`, which
    /// avoids the cancellation of the textbook `mean + mean/(2 scale) (Y - sqrt(...))`.
    pub fn wald(&mut self, mean: f64, scale: f64, n: usize) -> Result<Vec<f64>> {
        check_positive("wald", "mean", mean)?;
        check_positive("wald", "scale", scale)?;
        Ok((0..n)
            .map(|_| {
                let mut y = self.standard_normal_one();
                y = mean * y * y;
                let x = mean * (1.0 - 2.0 / (1.0 + (1.0 + 4.0 * scale / y).sqrt()));
                let u = self.bitgen.next_double();
                if u <= mean / (mean + x) {
                    x
                } else {
                    mean * mean / x
                }
            })
            .collect())
    }

    /// `geometric(p, size)`: the number of trials to the first success (int64), by search
    /// for `p >= 1/3` and by inversion of an exponential below.
    pub fn geometric(&mut self, p: f64, n: usize) -> Result<Vec<i64>> {
        check_probability_gt_0("geometric", p)?;
        Ok((0..n)
            .map(|_| {
                if p >= 0.333_333_333_333_333_333_333_333 {
                    let q = 1.0 - p;
                    let (mut x, mut sum, mut prod) = (1i64, p, p);
                    let u = self.bitgen.next_double();
                    while u > sum {
                        prod *= q;
                        sum += prod;
                        x += 1;
                    }
                    x
                } else {
                    let z = (-self.standard_exponential_one() / (-p).ln_1p()).ceil();
                    if z >= 9.223_372_036_854_776e18 {
                        i64::MAX
                    } else {
                        z as i64
                    }
                }
            })
            .collect())
    }

    /// `negative_binomial(n, p, size)`: a Poisson draw with a gamma-distributed mean.
    pub fn negative_binomial(&mut self, trials: f64, p: f64, n: usize) -> Result<Vec<i64>> {
        const OP: &str = "negative_binomial";
        if trials.is_nan() {
            return Err(Error::new(OP, "n must not be NaN"));
        }
        check_positive(OP, "n", trials)?;
        check_probability_gt_0(OP, p)?;
        // NumPy's bound keeping the Poisson mean (almost surely) inside int64.
        if (1.0 - p) / p * (trials + 10.0 * trials.sqrt()) > poisson_lam_max() {
            return Err(Error::new(
                OP,
                "n too large or p too small, see Generator.negative_binomial Notes",
            ));
        }
        Ok((0..n)
            .map(|_| {
                let y = (1.0 - p) / p * self.standard_gamma_one(trials);
                self.poisson_one(y)
            })
            .collect())
    }

    fn chisquare_one(&mut self, df: f64) -> f64 {
        2.0 * self.standard_gamma_one(df / 2.0)
    }

    fn noncentral_chisquare_one(&mut self, df: f64, nonc: f64) -> f64 {
        if nonc.is_nan() {
            return f64::NAN;
        }
        if nonc == 0.0 {
            return self.chisquare_one(df);
        }
        if 1.0 < df {
            let chi2 = self.chisquare_one(df - 1.0);
            let n = self.standard_normal_one() + nonc.sqrt();
            chi2 + n * n
        } else {
            let i = self.poisson_one(nonc / 2.0);
            self.chisquare_one(df + 2.0 * i as f64)
        }
    }

    /// `noncentral_chisquare(df, nonc, size)`.
    pub fn noncentral_chisquare(&mut self, df: f64, nonc: f64, n: usize) -> Result<Vec<f64>> {
        check_positive("noncentral_chisquare", "df", df)?;
        check_non_negative("noncentral_chisquare", "nonc", nonc)?;
        Ok((0..n)
            .map(|_| self.noncentral_chisquare_one(df, nonc))
            .collect())
    }

    /// `noncentral_f(dfnum, dfden, nonc, size)`.
    pub fn noncentral_f(
        &mut self,
        dfnum: f64,
        dfden: f64,
        nonc: f64,
        n: usize,
    ) -> Result<Vec<f64>> {
        check_positive("noncentral_f", "dfnum", dfnum)?;
        check_positive("noncentral_f", "dfden", dfden)?;
        check_non_negative("noncentral_f", "nonc", nonc)?;
        Ok((0..n)
            .map(|_| {
                let t = self.noncentral_chisquare_one(dfnum, nonc) * dfden;
                t / (self.chisquare_one(dfden) * dfnum)
            })
            .collect())
    }

    /// `hypergeometric(ngood, nbad, nsample, size)` (int64): draws one by one for small
    /// samples, Stadlober's ratio-of-uniforms (HRUA) otherwise, as NumPy's.
    pub fn hypergeometric(
        &mut self,
        ngood: i64,
        nbad: i64,
        nsample: i64,
        n: usize,
    ) -> Result<Vec<i64>> {
        const OP: &str = "hypergeometric";
        if ngood < 0 {
            return Err(Error::new(OP, "ngood < 0"));
        }
        if nbad < 0 {
            return Err(Error::new(OP, "nbad < 0"));
        }
        if nsample < 0 {
            return Err(Error::new(OP, "nsample < 0"));
        }
        // NumPy checks the size bound first (which also keeps ngood + nbad from overflowing).
        if ngood >= 1_000_000_000 || nbad >= 1_000_000_000 {
            return Err(Error::new(
                OP,
                "both ngood and nbad must be less than 1000000000",
            ));
        }
        if ngood + nbad < nsample {
            return Err(Error::new(OP, "ngood + nbad < nsample"));
        }
        Ok((0..n)
            .map(|_| {
                if nsample >= 10 && nsample <= ngood + nbad - 10 {
                    self.hypergeometric_hrua(ngood, nbad, nsample)
                } else {
                    self.hypergeometric_sample(ngood, nbad, nsample)
                }
            })
            .collect())
    }

    fn hypergeometric_sample(&mut self, good: i64, bad: i64, sample: i64) -> i64 {
        let total = good + bad;
        let mut computed_sample = if sample > total / 2 {
            total - sample
        } else {
            sample
        };
        let mut remaining_total = total;
        let mut remaining_good = good;
        while computed_sample > 0 && remaining_good > 0 && remaining_total > remaining_good {
            if (self.interval((remaining_total - 1) as u64) as i64) < remaining_good {
                remaining_good -= 1;
            }
            remaining_total -= 1;
            computed_sample -= 1;
        }
        if remaining_total == remaining_good {
            // Only good ones are left.
            remaining_good -= computed_sample;
        }
        if sample > total / 2 {
            remaining_good
        } else {
            good - remaining_good
        }
    }

    fn hypergeometric_hrua(&mut self, good: i64, bad: i64, sample: i64) -> i64 {
        const D1: f64 = 1.715_527_769_921_413_5;
        const D2: f64 = 0.898_916_162_058_898_8;
        let popsize = good + bad;
        let computed_sample = sample.min(popsize - sample);
        let mingoodbad = good.min(bad);
        let maxgoodbad = good.max(bad);
        let p = mingoodbad as f64 / popsize as f64;
        let q = maxgoodbad as f64 / popsize as f64;
        let mu = computed_sample as f64 * p;
        let a = mu + 0.5;
        let var = (popsize - computed_sample) as f64 * computed_sample as f64 * p * q
            / (popsize - 1) as f64;
        let c = (var + 0.5).sqrt();
        let h = D1 * c + D2;
        let m = ((computed_sample + 1) as f64 * (mingoodbad + 1) as f64 / (popsize + 2) as f64)
            .floor() as i64;
        let g = logfactorial(m)
            + logfactorial(mingoodbad - m)
            + logfactorial(computed_sample - m)
            + logfactorial(maxgoodbad - computed_sample + m);
        let b = ((computed_sample.min(mingoodbad) + 1) as f64).min((a + 16.0 * c).floor());
        let mut k;
        loop {
            let u = self.bitgen.next_double();
            let v = self.bitgen.next_double();
            let x = a + h * (v - 0.5) / u;
            if !(0.0..b).contains(&x) {
                continue;
            }
            k = x.floor() as i64;
            let gp = logfactorial(k)
                + logfactorial(mingoodbad - k)
                + logfactorial(computed_sample - k)
                + logfactorial(maxgoodbad - computed_sample + k);
            let t = g - gp;
            if u * (4.0 - u) - 3.0 <= t {
                break;
            }
            if u * (u - t) >= 1.0 {
                continue;
            }
            if 2.0 * u.ln() <= t {
                break;
            }
        }
        if good > bad {
            k = computed_sample - k;
        }
        if computed_sample < sample {
            k = good - k;
        }
        k
    }

    /// `dirichlet(alpha, size)`: `n_draws` rows of `alpha.len()` values; stick-breaking with
    /// betas when every alpha is below 0.1, normalised gammas otherwise (NumPy's two paths).
    pub fn dirichlet(&mut self, alpha: &[f64], n_draws: usize) -> Result<Vec<f64>> {
        if alpha.iter().any(|&a| a < 0.0) {
            return Err(Error::new("dirichlet", "alpha < 0"));
        }
        let k = alpha.len();
        let Some(len) = n_draws.checked_mul(k) else {
            return Err(Error::new("dirichlet", "the output size overflows"));
        };
        let mut out = vec![0.0; len];
        // No components, or all of weight 0: NumPy gives zeros and draws nothing.
        if alpha.iter().all(|&a| a == 0.0) {
            return Ok(out);
        }
        // NumPy compares `alpha.max() < 0.1`; a NaN makes that max NaN, so the gamma path.
        let small = !alpha.iter().any(|a| a.is_nan()) && alpha.iter().all(|&a| a < 0.1);
        if small {
            // csum[j] = alpha[j] + ... + alpha[k-1], summed from the end.
            let mut csum = vec![0.0; k];
            let mut acc = 0.0;
            for j in (0..k).rev() {
                acc += alpha[j];
                csum[j] = acc;
            }
            for row in out.chunks_exact_mut(k) {
                let mut acc = 1.0;
                for j in 0..k - 1 {
                    let v = self.beta_one(alpha[j], csum[j + 1]);
                    row[j] = acc * v;
                    acc *= 1.0 - v;
                    if csum[j + 1] == 0.0 {
                        break;
                    }
                }
                row[k - 1] = acc;
            }
        } else {
            for row in out.chunks_exact_mut(k) {
                let mut acc = 0.0;
                for (v, &a) in row.iter_mut().zip(alpha) {
                    *v = self.standard_gamma_one(a);
                    acc += *v;
                }
                let invacc = 1.0 / acc;
                for v in row.iter_mut() {
                    *v *= invacc;
                }
            }
        }
        Ok(out)
    }

    /// `vonmises(mu, kappa, size)`: Best and Fisher's rejection sampler, uniform below
    /// kappa = 1e-8 and a wrapped normal above 1e6, as NumPy 2's.
    pub fn vonmises(&mut self, mu: f64, kappa: f64, n: usize) -> Result<Vec<f64>> {
        check_non_negative("vonmises", "kappa", kappa)?;
        use std::f64::consts::PI;
        Ok((0..n)
            .map(|_| {
                if kappa.is_nan() {
                    return f64::NAN;
                }
                if kappa < 1e-8 {
                    return PI * (2.0 * self.bitgen.next_double() - 1.0);
                }
                let s = if kappa < 1e-5 {
                    1.0 / kappa + kappa
                } else if kappa <= 1e6 {
                    let r = 1.0 + (1.0 + 4.0 * kappa * kappa).sqrt();
                    let rho = (r - (2.0 * r).sqrt()) / (2.0 * kappa);
                    (1.0 + rho * rho) / (2.0 * rho)
                } else {
                    let mut result = mu + (1.0 / kappa).sqrt() * self.standard_normal_one();
                    if result < -PI {
                        result += 2.0 * PI;
                    }
                    if result > PI {
                        result -= 2.0 * PI;
                    }
                    return result;
                };
                let w = loop {
                    let u = self.bitgen.next_double();
                    let z = (PI * u).cos();
                    let w = (1.0 + s * z) / (s + z);
                    let y = kappa * (s - w);
                    let v = self.bitgen.next_double();
                    if y * (2.0 - y) - v >= 0.0 || (y / v).ln() + 1.0 - y >= 0.0 {
                        break w;
                    }
                };
                let u = self.bitgen.next_double();
                let mut result = w.acos();
                if u < 0.5 {
                    result = -result;
                }
                result += mu;
                let neg = result < 0.0;
                let mut m = result.abs();
                m = (m + PI) % (2.0 * PI) - PI;
                if neg {
                    m *= -1.0;
                }
                m
            })
            .collect())
    }

    /// `logseries(p, size)`: Kemp's second accelerated generator (int64).
    pub fn logseries(&mut self, p: f64, n: usize) -> Result<Vec<i64>> {
        if p.is_nan() || !(0.0..1.0).contains(&p) {
            return Err(Error::new("logseries", "p < 0, p >= 1 or p is NaN"));
        }
        let r = (-p).ln_1p();
        Ok((0..n)
            .map(|_| loop {
                let v = self.bitgen.next_double();
                if v >= p {
                    break 1;
                }
                let u = self.bitgen.next_double();
                let q = -(r * u).exp_m1();
                if v <= q * q {
                    let result = (1.0 + v.ln() / q.ln()).floor() as i64;
                    if result < 1 || v == 0.0 {
                        continue;
                    }
                    break result;
                }
                break if v >= q { 1 } else { 2 };
            })
            .collect())
    }

    /// `zipf(a, size)`: rejection from a continuous Pareto (int64).
    pub fn zipf(&mut self, a: f64, n: usize) -> Result<Vec<i64>> {
        if a.is_nan() || a <= 1.0 {
            return Err(Error::new("zipf", "a <= 1 or a is NaN"));
        }
        if a >= 1025.0 {
            return Ok(vec![1; n]);
        }
        let am1 = a - 1.0;
        let b = 2f64.powf(am1);
        let umin = (i64::MAX as f64).powf(-am1);
        Ok((0..n)
            .map(|_| loop {
                let u01 = self.bitgen.next_double();
                let u = u01 * umin + (1.0 - u01);
                let v = self.bitgen.next_double();
                let x = u.powf(-1.0 / am1).floor();
                if x > i64::MAX as f64 || x < 1.0 {
                    continue;
                }
                let t = (1.0 + 1.0 / x).powf(am1);
                if v * x * (t - 1.0) / (b - 1.0) <= t / b {
                    break x as i64;
                }
            })
            .collect())
    }

    /// The indices `choice(pop_size, size, replace, p, shuffle=True)` picks; `choice` over an
    /// array takes these along its first axis.
    pub fn choice_indices(
        &mut self,
        pop_size: usize,
        size: usize,
        replace: bool,
        p: Option<&[f64]>,
    ) -> Result<Vec<i64>> {
        self.choice_indices_shuffle(pop_size, size, replace, p, true)
    }

    /// `choice_indices` with NumPy's `shuffle=` (which matters only without replacement and
    /// without `p`: `shuffle=False` skips the final shuffle and moves the heuristic's cutoff).
    pub fn choice_indices_shuffle(
        &mut self,
        pop_size: usize,
        size: usize,
        replace: bool,
        p: Option<&[f64]>,
        shuffle: bool,
    ) -> Result<Vec<i64>> {
        const OP: &str = "choice";
        if pop_size == 0 && size != 0 {
            return Err(Error::new(
                OP,
                "a cannot be empty unless no samples are taken",
            ));
        }
        if let Some(p) = p {
            if p.len() != pop_size {
                return Err(Error::new(OP, "a and p must have same size"));
            }
            let p_sum = kahan_sum(p);
            if p_sum.is_nan() {
                return Err(Error::new(OP, "Probabilities contain NaN"));
            }
            if p.iter().any(|&v| v < 0.0) {
                return Err(Error::new(OP, "Probabilities are not non-negative"));
            }
            // sqrt(float64 eps).
            let atol = f64::EPSILON.sqrt();
            if (p_sum - 1.0).abs() > atol {
                return Err(Error::new(
                    OP,
                    "Probabilities do not sum to 1. See Notes section of docstring for more information.",
                ));
            }
        }
        if replace {
            return Ok(match p {
                Some(p) => {
                    let cdf = normalized_cdf(p);
                    (0..size)
                        .map(|_| search_right(&cdf, self.bitgen.next_double()) as i64)
                        .collect()
                }
                None => {
                    let high = i64::try_from(pop_size)
                        .map_err(|_| Error::new(OP, "a is too large for int64 indices"))?;
                    self.integers(0, high, size, IntDType::I64, false)?
                }
            });
        }
        if size > pop_size {
            return Err(Error::new(
                OP,
                "Cannot take a larger sample than population when replace is False",
            ));
        }
        if let Some(p) = p {
            if p.iter().filter(|&&v| v > 0.0).count() < size {
                return Err(Error::new(OP, "Fewer non-zero entries in p than size"));
            }
            // Draw with replacement, keep the first occurrence of each new index, zero the
            // found ones' probabilities and draw again for the rest.
            let mut p = p.to_vec();
            let mut found: Vec<i64> = Vec::with_capacity(size);
            while found.len() < size {
                let x = self.random(size - found.len());
                for &i in &found {
                    p[i as usize] = 0.0;
                }
                let cdf = normalized_cdf(&p);
                let mut new: Vec<i64> = Vec::new();
                for u in x {
                    let i = search_right(&cdf, u) as i64;
                    if !new.contains(&i) {
                        new.push(i);
                    }
                }
                found.extend(new);
            }
            return Ok(found);
        }
        // Without replacement, uniform: NumPy's heuristic between a tail shuffle of the
        // whole population and Floyd's algorithm followed by a shuffle.
        let cutoff = if shuffle { 50 } else { 20 };
        if pop_size > 10000 && size > pop_size / cutoff {
            let mut idx: Vec<i64> = (0..pop_size as i64).collect();
            self.shuffle_int((pop_size - size).max(1), &mut idx);
            return Ok(idx[pop_size - size..].to_vec());
        }
        let mut idx = vec![0i64; size];
        let mask = gen_mask((1.2 * size as f64) as u64);
        let mut hash_set = vec![u64::MAX; (mask + 1) as usize];
        for j in (pop_size - size) as u64..pop_size as u64 {
            let val = self.bounded_u64(j);
            let mut loc = (val & mask) as usize;
            while hash_set[loc] != u64::MAX && hash_set[loc] != val {
                loc = (loc + 1) & mask as usize;
            }
            let slot = (j as usize) + size - pop_size;
            if hash_set[loc] == u64::MAX {
                hash_set[loc] = val;
                idx[slot] = val as i64;
            } else {
                loc = (j & mask) as usize;
                while hash_set[loc] != u64::MAX {
                    loc = (loc + 1) & mask as usize;
                }
                hash_set[loc] = j;
                idx[slot] = j as i64;
            }
        }
        if shuffle {
            self.shuffle_int(1, &mut idx);
        }
        Ok(idx)
    }

    /// `shuffle(x)` along one axis of `n` items: Fisher-Yates from the top with
    /// `random_interval`. Applies the same swaps NumPy applies to the items.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.interval(i as u64) as usize;
            items.swap(i, j);
        }
    }

    /// `permutation(n)`: a shuffled `arange(n)`.
    pub fn permutation(&mut self, n: usize) -> Vec<i64> {
        let mut v: Vec<i64> = (0..n as i64).collect();
        self.shuffle(&mut v);
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parallel_fill_gives_the_sequential_numbers_and_state() {
        for n in [PARALLEL_MIN, PARALLEL_MIN + 3 * BLOCK + 17] {
            let mut par = Generator::seeded(9);
            // Leave a buffered 32-bit half: the parallel fill must keep it, as draws would.
            par.bitgen.next_u32();
            let mut seq = par.clone();
            let got = par.uniform(-1.0, 2.0, n).unwrap();
            let want: Vec<f64> = (0..n)
                .map(|_| -1.0 + 3.0 * seq.bitgen.next_double())
                .collect();
            assert_eq!(got, want);
            assert_eq!(par.bitgen.state(), seq.bitgen.state());
        }
    }

    /// `f` run on a rayon pool of `threads` threads.
    fn on_threads<R: Send>(threads: usize, f: impl FnOnce() -> R + Send) -> R {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("a thread pool")
            .install(f)
    }

    #[test]
    fn parallel_f32_fill_gives_the_sequential_numbers_and_state() {
        for buffered in [false, true] {
            for n in [PARALLEL_MIN, PARALLEL_MIN + 3 * BLOCK + 17] {
                let mut start = Generator::seeded(11);
                if buffered {
                    start.bitgen.next_u32();
                }
                let mut seq = start.clone();
                let want: Vec<f32> = (0..n).map(|_| seq.bitgen.next_float()).collect();
                for threads in [1, 2, 3] {
                    let mut par = start.clone();
                    let got = on_threads(threads, || par.random_f32(n));
                    assert_eq!(got, want, "n {n} buffered {buffered} threads {threads}");
                    assert_eq!(par.bitgen.state(), seq.bitgen.state());
                }
            }
        }
    }

    #[test]
    fn parallel_integers_give_the_sequential_numbers_and_state() {
        let n = PARALLEL_MIN + 3 * BLOCK + 17;
        // rng 99 and 4095 take the parallel path; u32::MAX never rejects.
        for (low, high) in [(0, 100), (-7, 4089), (0, 1i64 << 32)] {
            for buffered in [false, true] {
                let mut start = Generator::seeded(5);
                if buffered {
                    start.bitgen.next_u32();
                }
                let mut seq = start.clone();
                let rng = (high - 1 - low) as u64;
                let want: Vec<i64> = (0..n).map(|_| low + seq.bounded_u64(rng) as i64).collect();
                for threads in [1, 2] {
                    let mut par = start.clone();
                    let got = on_threads(threads, || {
                        par.integers(low, high, n, IntDType::I64, false).unwrap()
                    });
                    assert_eq!(got, want, "[{low}, {high}) buffered {buffered}");
                    assert_eq!(par.bitgen.state(), seq.bitgen.state());
                }
            }
        }
    }

    #[test]
    fn speculative_lemire_recovers_from_frequent_rejections() {
        // A range rejecting about half the draws: every block's first guess is wrong, so the
        // recompute rounds and the sequential finish are both exercised.
        let n = PARALLEL_MIN + 3 * BLOCK + 17;
        let rng = (1u64 << 31) + 1;
        for buffered in [false, true] {
            let mut start = Generator::seeded(3);
            if buffered {
                start.bitgen.next_u32();
            }
            let mut seq = start.clone();
            let want: Vec<i64> = (0..n).map(|_| 10 + seq.bounded_u64(rng) as i64).collect();
            for threads in [1, 2] {
                let mut par = start.clone();
                let mut got = vec![0; n];
                on_threads(threads, || par.lemire32_parallel(10, rng, &mut got));
                assert_eq!(got, want);
                assert_eq!(par.bitgen.state(), seq.bitgen.state());
            }
        }
    }

    #[test]
    fn gen_mask_covers_max() {
        for max in [1u64, 2, 3, 7, 8, 1000, u64::MAX >> 1, u64::MAX] {
            let m = gen_mask(max);
            assert!(m >= max && (m >> 1) < max.max(1), "{max} -> {m}");
            assert_eq!(m & (m.wrapping_add(1)), 0, "{m} is all ones");
        }
        assert_eq!(gen_mask(0), 0);
    }

    #[test]
    fn loggam_matches_lgamma_values() {
        // ln Γ(k) = ln((k-1)!) for integers.
        let mut fact = 1.0f64;
        for k in 2..30 {
            let exact = fact.ln();
            assert!(
                (loggam(k as f64) - exact).abs() < 1e-10 * exact.max(1.0),
                "{k}"
            );
            fact *= k as f64;
        }
    }

    #[test]
    fn kahan_sum_is_compensated() {
        let v = vec![0.1; 10];
        assert_eq!(kahan_sum(&v), 1.0);
        assert_eq!(kahan_sum(&[]), 0.0);
    }
}
