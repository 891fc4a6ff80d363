//! NumPy's random number generation, number for number.
//!
//! [`Generator`] over [`Pcg64`] seeded through [`SeedSequence`] is `np.random.default_rng(seed)`:
//! for the same integer seed it produces the same bits as NumPy 2.x, and each method advances
//! the generator exactly as NumPy's does, so a sequence of calls matches NumPy's sequence.
//! The algorithms are transcriptions of numpy/random (bit_generator.pyx, pcg64.h,
//! distributions.c, _generator.pyx); the ziggurat tables are NumPy's own ([`tables`]).
//! Results come back as plain `Vec`s in row-major order; `numcrane::random` wraps them into
//! arrays. Bad parameters give an [`Error`] with NumPy's message, never a panic.
//!
//! ```
//! let mut g = numcrane_random::Generator::seeded(42);
//! let x = g.random(3);
//! assert!(x.iter().all(|v| (0.0..1.0).contains(v)));
//! ```

mod generator;
mod legacy;
mod pcg64;
mod seed_seq;
pub mod tables;

pub use generator::{Generator, IntDType};
pub use legacy::{Mt19937, RandomState};
pub use pcg64::{Pcg64, Pcg64State};
pub use seed_seq::SeedSequence;

/// A rejected argument: the method's NumPy name and NumPy's message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    /// The method, as NumPy names it (`"normal"`, `"choice"`, ...).
    pub op: &'static str,
    /// What is wrong, in NumPy's words (`"scale < 0"`).
    pub message: String,
}

impl Error {
    pub(crate) fn new(op: &'static str, message: impl Into<String>) -> Error {
        Error {
            op,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.op, self.message)
    }
}

impl std::error::Error for Error {}

/// Results of this crate.
pub type Result<T> = std::result::Result<T, Error>;
