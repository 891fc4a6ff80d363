//! NumPy's `SeedSequence`: turns a seed into well-mixed state words for a bit generator.
//!
//! A transcription of numpy/random/bit_generator.pyx (itself after Melissa O'Neill's
//! `seed_seq_fe`): the entropy (the seed as little-endian 32-bit words) is hashed into a pool
//! of 4 words, every word is mixed into every other, and `generate_state` hashes the pool
//! cyclically with a second constant. All arithmetic is modulo 2^32, as NumPy's uint32.

const INIT_A: u32 = 0x43b0_d7e5;
const MULT_A: u32 = 0x931e_8875;
const INIT_B: u32 = 0x8b51_f9dd;
const MULT_B: u32 = 0x58f3_8ded;
const MIX_MULT_L: u32 = 0xca01_f9dd;
const MIX_MULT_R: u32 = 0x4973_f715;
const XSHIFT: u32 = 16;
const POOL_SIZE: usize = 4;

/// NumPy's `np.random.SeedSequence(entropy, spawn_key=...)`.
///
/// # Examples
///
/// ```
/// use numcrane_random::{Pcg64, SeedSequence};
/// let seq = SeedSequence::new(2024);
/// // generate_state is deterministic: the same words every call.
/// assert_eq!(seq.generate_state_u64(4), seq.generate_state_u64(4));
/// let mut rng = Pcg64::from_seed_sequence(&seq);
/// assert!((0.0..1.0).contains(&rng.next_double()));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeedSequence {
    entropy: Vec<u32>,
    spawn_key: Vec<u64>,
    n_children_spawned: u64,
    pool: [u32; POOL_SIZE],
}

/// NumPy's `_int_to_uint32_array`: little-endian 32-bit words, at least one.
fn int_words(mut n: u128) -> Vec<u32> {
    let mut words = Vec::new();
    loop {
        words.push(n as u32);
        n >>= 32;
        if n == 0 {
            return words;
        }
    }
}

/// `hashmix` of bit_generator.pyx: the hash constant advances on every call.
fn hashmix(value: u32, hash_const: &mut u32) -> u32 {
    let mut v = value ^ *hash_const;
    *hash_const = hash_const.wrapping_mul(MULT_A);
    v = v.wrapping_mul(*hash_const);
    v ^ (v >> XSHIFT)
}

fn mix(x: u32, y: u32) -> u32 {
    let r = MIX_MULT_L
        .wrapping_mul(x)
        .wrapping_sub(MIX_MULT_R.wrapping_mul(y));
    r ^ (r >> XSHIFT)
}

impl SeedSequence {
    /// From entropy given as 32-bit words, least significant first (NumPy splits a Python
    /// integer this way; the integer 0 is the one word `[0]`).
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane_random::SeedSequence;
    /// // The integer 2**32 + 5 is the words [5, 1], least significant first.
    /// assert_eq!(SeedSequence::from_words(&[5, 1]), SeedSequence::new((1 << 32) + 5));
    /// ```
    pub fn from_words(entropy: &[u32]) -> SeedSequence {
        SeedSequence::with_spawn_key(entropy, &[])
    }

    /// `SeedSequence(entropy, spawn_key=spawn_key)`: the key's words follow the entropy,
    /// which is first padded with zeros to the pool size (`get_assembled_entropy`).
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane_random::SeedSequence;
    /// let mut parent = SeedSequence::new(7);
    /// let child = parent.spawn(1).remove(0);
    /// // A child is the parent's entropy with spawn key [0].
    /// assert_eq!(child, SeedSequence::with_spawn_key(&[7], &[0]));
    /// ```
    pub fn with_spawn_key(entropy_words: &[u32], spawn_key: &[u64]) -> SeedSequence {
        let mut entropy = entropy_words.to_vec();
        if !spawn_key.is_empty() && entropy.len() < POOL_SIZE {
            entropy.resize(POOL_SIZE, 0);
        }
        for &k in spawn_key {
            entropy.extend(int_words(u128::from(k)));
        }
        let mut seq = SeedSequence::mixed(&entropy);
        seq.entropy = entropy_words.to_vec();
        seq.spawn_key = spawn_key.to_vec();
        seq
    }

    /// `n` children (NumPy's `spawn`): the same entropy with this sequence's spawn key
    /// extended by the child's number; later calls continue the numbering.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane_random::SeedSequence;
    /// let mut seq = SeedSequence::new(1);
    /// let first = seq.spawn(2);
    /// let later = seq.spawn(1);
    /// assert_ne!(first[0].generate_state_u32(2), first[1].generate_state_u32(2));
    /// // Numbering continues: the third child is new too.
    /// assert_ne!(later[0], first[0]);
    /// assert_ne!(later[0], first[1]);
    /// ```
    pub fn spawn(&mut self, n: usize) -> Vec<SeedSequence> {
        let children = (0..n as u64)
            .map(|i| {
                let mut key = self.spawn_key.clone();
                key.push(self.n_children_spawned + i);
                SeedSequence::with_spawn_key(&self.entropy, &key)
            })
            .collect();
        self.n_children_spawned += n as u64;
        children
    }

    /// `mix_entropy` of the assembled entropy into a fresh pool.
    fn mixed(entropy: &[u32]) -> SeedSequence {
        let mut hash_const = INIT_A;
        let mut pool = [0u32; POOL_SIZE];
        for (i, slot) in pool.iter_mut().enumerate() {
            *slot = hashmix(entropy.get(i).copied().unwrap_or(0), &mut hash_const);
        }
        // Mix every word into every other so that late words affect early ones.
        for src in 0..POOL_SIZE {
            for dst in 0..POOL_SIZE {
                if src != dst {
                    let h = hashmix(pool[src], &mut hash_const);
                    pool[dst] = mix(pool[dst], h);
                }
            }
        }
        // Entropy longer than the pool is folded in word by word.
        for &word in entropy.iter().skip(POOL_SIZE) {
            for slot in pool.iter_mut() {
                let h = hashmix(word, &mut hash_const);
                *slot = mix(*slot, h);
            }
        }
        SeedSequence {
            entropy: Vec::new(),
            spawn_key: Vec::new(),
            n_children_spawned: 0,
            pool,
        }
    }

    /// `SeedSequence(seed)` for a non-negative integer seed.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane_random::SeedSequence;
    /// assert_eq!(SeedSequence::new(3).pool(), SeedSequence::new(3).pool());
    /// assert_ne!(SeedSequence::new(3).pool(), SeedSequence::new(4).pool());
    /// ```
    pub fn new(seed: u128) -> SeedSequence {
        // 0 is one zero word, otherwise no leading zero words.
        SeedSequence::from_words(&int_words(seed))
    }

    /// `SeedSequence([a, b, ...])` for a sequence of non-negative integers (NumPy's
    /// `default_rng([a, b, ...])`): each integer's 32-bit words, in order.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane_random::SeedSequence;
    /// let seq = SeedSequence::from_ints(&[1, 2, 3]);
    /// assert_eq!(seq, SeedSequence::from_words(&[1, 2, 3]));
    /// ```
    pub fn from_ints(entropy: &[u128]) -> SeedSequence {
        let words: Vec<u32> = entropy.iter().flat_map(|&n| int_words(n)).collect();
        SeedSequence::from_words(&words)
    }

    /// The mixed pool (NumPy's `SeedSequence.pool`).
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane_random::SeedSequence;
    /// let pool = SeedSequence::new(0).pool();
    /// assert_eq!(pool.len(), 4);
    /// ```
    pub fn pool(&self) -> [u32; POOL_SIZE] {
        self.pool
    }

    /// `generate_state(n_words, np.uint32)`.
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane_random::SeedSequence;
    /// let words = SeedSequence::new(42).generate_state_u32(8);
    /// assert_eq!(words.len(), 8);
    /// // Asking for fewer words gives a prefix of the same stream.
    /// assert_eq!(SeedSequence::new(42).generate_state_u32(3), words[..3].to_vec());
    /// ```
    pub fn generate_state_u32(&self, n_words: usize) -> Vec<u32> {
        let mut hash_const = INIT_B;
        (0..n_words)
            .map(|i| {
                let mut v = self.pool[i % POOL_SIZE] ^ hash_const;
                hash_const = hash_const.wrapping_mul(MULT_B);
                v = v.wrapping_mul(hash_const);
                v ^ (v >> XSHIFT)
            })
            .collect()
    }

    /// `generate_state(n_words, np.uint64)`: pairs of 32-bit words, the first the low half
    /// (NumPy views the uint32 array as little-endian uint64).
    ///
    /// # Examples
    ///
    /// ```
    /// use numcrane_random::SeedSequence;
    /// let seq = SeedSequence::new(42);
    /// let (w32, w64) = (seq.generate_state_u32(4), seq.generate_state_u64(2));
    /// assert_eq!(w64[0], u64::from(w32[0]) | (u64::from(w32[1]) << 32));
    /// ```
    pub fn generate_state_u64(&self, n_words: usize) -> Vec<u64> {
        self.generate_state_u32(2 * n_words)
            .chunks_exact(2)
            .map(|w| u64::from(w[0]) | (u64::from(w[1]) << 32))
            .collect()
    }
}
