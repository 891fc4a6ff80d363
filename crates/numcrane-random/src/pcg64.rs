//! NumPy's `PCG64` bit generator: a 128-bit LCG with the XSL-RR output function.
//!
//! The state advances before each output (pcg64.h's `pcg_setseq_128_xsl_rr_64_random_r`).
//! 32-bit draws split one 64-bit output and hand out its low half first, keeping the high
//! half for the next 32-bit draw; that buffer is part of the generator's state exactly as
//! NumPy's `has_uint32`/`uinteger`, so mixed 32- and 64-bit draws stay in step with NumPy.

use crate::seed_seq::SeedSequence;

const MULTIPLIER: u128 = 0x2360_ed05_1fc6_5da4_4385_df64_9fcc_f645;

/// NumPy's `np.random.PCG64`.
///
/// # Examples
///
/// ```
/// use numcrane_random::Pcg64;
/// let mut a = Pcg64::new(42);
/// let mut b = a.clone();
/// assert_eq!(a.next_u64(), b.next_u64());
/// let x = a.next_double();
/// assert!((0.0..1.0).contains(&x));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pcg64 {
    state: u128,
    inc: u128,
    has_uint32: bool,
    uinteger: u32,
}

/// The state as NumPy's `bit_generator.state` dict shows it.
///
/// # Examples
///
/// ```
/// use numcrane_random::Pcg64;
/// let mut g = Pcg64::new(1);
/// g.next_u32();
/// // After one 32-bit draw, the other half of the 64-bit output waits in the state.
/// let s = g.state();
/// assert!(s.has_uint32);
/// assert_eq!(s.inc % 2, 1);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pcg64State {
    /// `state["state"]["state"]`.
    pub state: u128,
    /// `state["state"]["inc"]` (always odd).
    pub inc: u128,
    /// `state["has_uint32"]`: a buffered high half waits for the next 32-bit draw.
    pub has_uint32: bool,
    /// `state["uinteger"]`: that buffered half.
    pub uinteger: u32,
}

impl Pcg64 {
    /// `PCG64(seed_seq)`: state and stream from `generate_state(4, uint64)`.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane_random::{Pcg64, SeedSequence};
    /// let seq = SeedSequence::new(42);
    /// assert_eq!(Pcg64::from_seed_sequence(&seq), Pcg64::new(42));
    /// ```
    pub fn from_seed_sequence(seq: &SeedSequence) -> Pcg64 {
        let w = seq.generate_state_u64(4);
        let initstate = (u128::from(w[0]) << 64) | u128::from(w[1]);
        let initseq = (u128::from(w[2]) << 64) | u128::from(w[3]);
        // pcg_setseq_128_srandom_r.
        let mut g = Pcg64 {
            state: 0,
            inc: (initseq << 1) | 1,
            has_uint32: false,
            uinteger: 0,
        };
        g.step();
        g.state = g.state.wrapping_add(initstate);
        g.step();
        g
    }

    /// `PCG64(seed)` for an integer seed.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane_random::Pcg64;
    /// let (mut a, mut b) = (Pcg64::new(5), Pcg64::new(6));
    /// assert_ne!(a.next_u64(), b.next_u64());
    /// ```
    pub fn new(seed: u128) -> Pcg64 {
        Pcg64::from_seed_sequence(&SeedSequence::new(seed))
    }

    /// A generator in exactly the given state (NumPy's `bit_generator.state = ...`); the
    /// increment is forced odd as NumPy's LCG requires.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane_random::Pcg64;
    /// let mut g = Pcg64::new(9);
    /// let saved = g.state();
    /// let first = g.next_u64();
    /// // Restoring the state replays the stream.
    /// assert_eq!(Pcg64::from_state(saved).next_u64(), first);
    /// ```
    pub fn from_state(s: Pcg64State) -> Pcg64 {
        Pcg64 {
            state: s.state,
            inc: s.inc | 1,
            has_uint32: s.has_uint32,
            uinteger: s.uinteger,
        }
    }

    /// The current state.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane_random::Pcg64;
    /// let mut g = Pcg64::new(3);
    /// let before = g.state();
    /// g.next_u64();
    /// assert_ne!(g.state().state, before.state);
    /// assert_eq!(g.state().inc, before.inc);
    /// ```
    pub fn state(&self) -> Pcg64State {
        Pcg64State {
            state: self.state,
            inc: self.inc,
            has_uint32: self.has_uint32,
            uinteger: self.uinteger,
        }
    }

    fn step(&mut self) {
        self.state = self.state.wrapping_mul(MULTIPLIER).wrapping_add(self.inc);
    }

    /// The next 64 random bits (`random_raw`).
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane_random::Pcg64;
    /// let mut g = Pcg64::new(0);
    /// let draws: Vec<u64> = (0..4).map(|_| g.next_u64()).collect();
    /// let mut again = Pcg64::new(0);
    /// assert!(draws.iter().all(|&d| d == again.next_u64()));
    /// ```
    #[inline]
    pub fn next_u64(&mut self) -> u64 {
        self.step();
        let s = self.state;
        ((s >> 64) as u64 ^ s as u64).rotate_right((s >> 122) as u32)
    }

    /// The next 32 random bits: the low half of a fresh 64-bit draw, or the high half kept
    /// from the previous one.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane_random::Pcg64;
    /// let word = Pcg64::new(4).next_u64();
    /// let mut g = Pcg64::new(4);
    /// // Low half first, then the high half of the same 64-bit output.
    /// assert_eq!(g.next_u32(), word as u32);
    /// assert_eq!(g.next_u32(), (word >> 32) as u32);
    /// ```
    #[inline]
    pub fn next_u32(&mut self) -> u32 {
        if self.has_uint32 {
            self.has_uint32 = false;
            return self.uinteger;
        }
        let next = self.next_u64();
        self.has_uint32 = true;
        self.uinteger = (next >> 32) as u32;
        next as u32
    }

    /// A double in [0, 1) from the top 53 bits of a 64-bit draw.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane_random::Pcg64;
    /// let word = Pcg64::new(8).next_u64();
    /// let x = Pcg64::new(8).next_double();
    /// assert_eq!(x, (word >> 11) as f64 / 9_007_199_254_740_992.0);
    /// assert!((0.0..1.0).contains(&x));
    /// ```
    #[inline]
    pub fn next_double(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / 9_007_199_254_740_992.0)
    }

    /// A float in [0, 1) from the top 24 bits of a 32-bit draw.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane_random::Pcg64;
    /// let x = Pcg64::new(8).next_float();
    /// assert!((0.0..1.0).contains(&x));
    /// ```
    #[inline]
    pub fn next_float(&mut self) -> f32 {
        (self.next_u32() >> 8) as f32 * (1.0 / 16_777_216.0)
    }

    /// Moves the stream `delta` steps ahead as if that many 64-bit draws were made, in
    /// O(log delta) (NumPy's `PCG64.advance`, which also drops the buffered 32-bit half).
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane_random::Pcg64;
    /// let mut skipped = Pcg64::new(11);
    /// skipped.advance(3);
    /// let mut stepped = Pcg64::new(11);
    /// for _ in 0..3 {
    ///     stepped.next_u64();
    /// }
    /// assert_eq!(skipped.next_u64(), stepped.next_u64());
    /// ```
    pub fn advance(&mut self, delta: u128) {
        self.skip(delta);
        self.has_uint32 = false;
        self.uinteger = 0;
    }

    /// Moves ahead as `t` 32-bit draws would from a state with no buffered half, leaving the
    /// buffer flag and its value (stale once used, but part of NumPy's state) exactly as
    /// those draws would: the last 64-bit draw they touch is replayed through `next_u32`.
    pub(crate) fn skip_u32(&mut self, t: u64) {
        if t == 0 {
            return;
        }
        self.skip(u128::from((t - 1) / 2));
        self.next_u32();
        if t.is_multiple_of(2) {
            self.next_u32();
        }
    }

    /// Moves the LCG `delta` steps ahead and keeps the buffered 32-bit half, as `delta`
    /// 64-bit draws (which never touch that buffer) would.
    pub(crate) fn skip(&mut self, mut delta: u128) {
        // Brown's "random number generation with arbitrary strides": compose the affine map
        // x -> a x + c with itself by repeated squaring.
        let (mut acc_mult, mut acc_plus) = (1u128, 0u128);
        let (mut cur_mult, mut cur_plus) = (MULTIPLIER, self.inc);
        while delta > 0 {
            if delta & 1 == 1 {
                acc_mult = acc_mult.wrapping_mul(cur_mult);
                acc_plus = acc_plus.wrapping_mul(cur_mult).wrapping_add(cur_plus);
            }
            cur_plus = cur_mult.wrapping_add(1).wrapping_mul(cur_plus);
            cur_mult = cur_mult.wrapping_mul(cur_mult);
            delta >>= 1;
        }
        self.state = acc_mult.wrapping_mul(self.state).wrapping_add(acc_plus);
    }
}
