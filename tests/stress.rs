//! Concurrency and kernel-cache stress (issue 11): 8 threads build and evaluate overlapping
//! graphs that share realized inputs and the process-wide kernel cache, for a bounded time,
//! each result checked against the reference evaluator; the graphs carry per-iteration
//! constants, so more distinct kernels are compiled than the cache holds and it evicts while
//! other threads run kernels. Evicted kernels free their code: the count of live compiled
//! kernels stays near the cache's bound.
//!
//! `NUMCRANE_STRESS_SECS` (default 3) sets the duration for a longer local run. Alone in its
//! own test binary so that the kernel counts are only this test's.

use numcrane::{
    jit_compile_count, jit_live_kernels, linspace, maximum, where_, Array, Backend, DType,
};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The JIT cache's capacity (numcrane_jit::cache::CAPACITY).
const CAPACITY: usize = 512;
/// Kernels a thread may hold beyond the cache: its recent hits (RECENT_KEPT) and the ones it
/// is running.
const PER_THREAD_SLACK: usize = 8 + 4;
const THREADS: usize = 8;

fn secs() -> u64 {
    std::env::var("NUMCRANE_STRESS_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3)
}

/// A small deterministic generator (xorshift64*), one per thread.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

/// The shared realized inputs.
struct Inputs {
    a: Array,
    b: Array,
    m: Array,
    row: Array,
    col: Array,
}

/// Graph `kind` with constant `k` over the shared inputs. Kinds overlap (the same inputs,
/// sub-expressions of the same shape), and `k` makes the kernel's structure differ.
fn graph(x: &Inputs, kind: u64, k: f64) -> Array {
    match kind % 6 {
        0 => (&x.a * k + &x.b) * &x.a - k,
        1 => where_(x.a.gt(k / 1000.0), &x.a - &x.b, &x.b * k),
        2 => ((&x.m + k) * (&x.m - &x.row)).sum(0),
        3 => &x.m * &x.row + &x.col * k,
        4 => maximum((&x.a * k).astype(DType::F32), 0.25f32).astype(DType::F64) + &x.b,
        _ => ((&x.m * k).abs() + &x.col).max(1) - (&x.a * k).sum(..),
    }
}

/// Exact for +, -, * and comparisons; sums may be reduced in another order.
fn close(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| x == y || (x - y).abs() <= 1e-9 * (1.0 + x.abs().max(y.abs())))
}

#[test]
fn eight_threads_share_inputs_and_the_kernel_cache() {
    let inputs = Arc::new(Inputs {
        a: linspace(-3.0, 3.0, 4099).eval().unwrap(),
        b: linspace(1.0, 2.0, 4099).sin().eval().unwrap(),
        m: linspace(-1.0, 1.0, 64 * 130)
            .reshape([64, 130])
            .eval()
            .unwrap(),
        row: linspace(0.0, 5.0, 130).eval().unwrap(),
        col: linspace(2.0, -2.0, 64).reshape([64, 1]).eval().unwrap(),
    });
    let compiled_before = jit_compile_count();
    let deadline = Instant::now() + Duration::from_secs(secs());
    // Past the deadline the threads go on until the cache has evicted (more kernels compiled
    // than it holds), with a hard stop so a slow machine cannot hang CI.
    let hard_stop = deadline + Duration::from_secs(120);
    let evaluations = Arc::new(AtomicUsize::new(0));
    let max_live = Arc::new(AtomicUsize::new(0));
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let inputs = Arc::clone(&inputs);
            let evaluations = Arc::clone(&evaluations);
            let max_live = Arc::clone(&max_live);
            std::thread::spawn(move || {
                let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ (t as u64 + 1));
                loop {
                    let now = Instant::now();
                    let evicting = jit_compile_count() - compiled_before > CAPACITY + 64;
                    if (now > deadline && evicting) || now > hard_stop {
                        break;
                    }
                    let kind = rng.next();
                    // Half the graphs reuse a few constants (cache hits shared by threads),
                    // half take new ones (misses that fill the cache and evict).
                    let k = if rng.next().is_multiple_of(2) {
                        (rng.next() % 4) as f64 + 0.5
                    } else {
                        (rng.next() % 100_000) as f64 / 7.0
                    };
                    let jit = graph(&inputs, kind, k).eval_with(Backend::Jit).unwrap();
                    let oracle = graph(&inputs, kind, k).eval_with(Backend::Eval).unwrap();
                    let (j, o) = (
                        jit.to_vec::<f64>().unwrap(),
                        oracle.to_vec::<f64>().unwrap(),
                    );
                    assert!(
                        close(&j, &o),
                        "thread {t}: graph {} with k={k} differs",
                        kind % 6
                    );
                    max_live.fetch_max(jit_live_kernels(), Ordering::Relaxed);
                    evaluations.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    for h in handles {
        h.join().expect("a stress thread panicked");
    }
    let compiled = jit_compile_count() - compiled_before;
    assert!(
        compiled > CAPACITY + 64,
        "only {compiled} kernels compiled: the cache never evicted"
    );
    let bound = CAPACITY + THREADS * PER_THREAD_SLACK;
    let peak = max_live.load(Ordering::Relaxed);
    assert!(
        peak <= bound,
        "{peak} compiled kernels alive at once after {compiled} compiles: evicted kernels \
         are not freed (bound {bound})"
    );
    assert!(jit_live_kernels() <= bound);
    eprintln!(
        "stress: {} evaluations on {THREADS} threads, {compiled} kernels compiled, at most {peak} alive",
        evaluations.load(Ordering::Relaxed)
    );
}
