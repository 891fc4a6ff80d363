//! The machine's limits, measured in the same run as the workloads: a STREAM-style triad
//! `a[i] = b[i] + s*c[i]` (the bandwidth each row's floor divides by, as in
//! benches/side_by_side.rs and docs/performance.md) and an estimate of the f32 FMA peak (a
//! loop of independent fused multiply-adds that never leaves the registers).
//!
//! Both run on a rayon pool of their own with [`THREADS`] threads (the baselines' thread
//! count on the project's 2-core machine).

use super::timing::median;
use rayon::prelude::*;
use std::hint::black_box;
use std::time::Instant;

/// Threads of the triad and the FMA loop.
pub const THREADS: usize = 2;

/// One triad measurement.
#[derive(Clone, Copy, Debug, serde::Serialize)]
pub struct Triad {
    /// Elements per array.
    pub n: usize,
    /// Bytes per element (4 or 8).
    pub itemsize: usize,
    /// Median GB/s (3 arrays counted per call, STREAM's convention).
    pub median_gbs: f64,
    /// Best GB/s.
    pub best_gbs: f64,
}

fn pool() -> Result<rayon::ThreadPool, String> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(THREADS)
        .build()
        .map_err(|e| format!("cannot start a thread pool for the triad: {e}"))
}

/// The triad on `n` elements of `T`, `reps` timed calls after 3 warm-up calls.
pub fn triad<T>(n: usize, reps: usize) -> Result<Triad, String>
where
    T: Copy + Send + Sync + From<f32> + std::ops::Add<Output = T> + std::ops::Mul<Output = T>,
{
    let pool = pool()?;
    let chunk = n.div_ceil(THREADS * 4).max(1);
    let s = T::from(3.0);
    let zero = T::from(0.0);
    let (mut a, mut b, mut c) = (vec![zero; n], vec![zero; n], vec![zero; n]);
    pool.install(|| {
        // First touch on the threads that will use the pages.
        a.par_chunks_mut(chunk)
            .zip(b.par_chunks_mut(chunk))
            .zip(c.par_chunks_mut(chunk))
            .for_each(|((a, b), c)| {
                a.fill(T::from(1.0));
                b.fill(T::from(2.0));
                c.fill(T::from(0.5));
            })
    });
    let mut run = || {
        let t = Instant::now();
        pool.install(|| {
            a.par_chunks_mut(chunk)
                .zip(b.par_chunks(chunk))
                .zip(c.par_chunks(chunk))
                .for_each(|((a, b), c)| {
                    for ((o, &x), &y) in a.iter_mut().zip(b).zip(c) {
                        *o = x + s * y;
                    }
                })
        });
        t.elapsed().as_secs_f64()
    };
    for _ in 0..3 {
        run();
    }
    let mut times: Vec<f64> = (0..reps.max(1)).map(|_| run()).collect();
    black_box(&a);
    let itemsize = std::mem::size_of::<T>();
    let bytes = (3 * n * itemsize) as f64;
    let best = times.iter().copied().fold(f64::INFINITY, f64::min);
    Ok(Triad {
        n,
        itemsize,
        median_gbs: bytes / median(&mut times) / 1e9,
        best_gbs: bytes / best / 1e9,
    })
}

/// Independent accumulators of the FMA loop: 10 vectors of 8 lanes, enough to cover the FMA
/// latency of current x86 cores (4 cycles, 2 pipes).
const ACC: usize = 80;

/// `iters` rounds of `acc = acc * m + a` on [`ACC`] independent f32 accumulators.
#[inline(always)]
fn fma_rounds(iters: u64, m: f32, a: f32) -> f32 {
    let mut acc = [0.0f32; ACC];
    for (i, v) in acc.iter_mut().enumerate() {
        *v = i as f32 * 1e-3;
    }
    for _ in 0..iters {
        for v in acc.iter_mut() {
            *v = v.mul_add(m, a);
        }
    }
    acc.iter().sum()
}

/// [`fma_rounds`] compiled for AVX2 and FMA, so `mul_add` is one `vfmadd` on 8 lanes.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn fma_rounds_avx2(iters: u64, m: f32, a: f32) -> f32 {
    fma_rounds(iters, m, a)
}

/// The FMA loop with the best instructions this CPU has.
fn fma_loop(iters: u64, m: f32, a: f32) -> f32 {
    #[cfg(target_arch = "x86_64")]
    if is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma") {
        // SAFETY: the CPU supports AVX2 and FMA (checked just above), which is all
        // `fma_rounds_avx2`'s target features require.
        return unsafe { fma_rounds_avx2(iters, m, a) };
    }
    fma_rounds(iters, m, a)
}

/// Estimated f32 FMA peak in GFLOP/s (2 flops per FMA) on [`THREADS`] threads: the best of
/// `tries` runs of about `seconds` each. An estimate: a register-only loop, no memory traffic,
/// as fast as the compiler's code for it allows.
pub fn fma_peak_gflops(seconds: f64, tries: usize) -> Result<f64, String> {
    let pool = pool()?;
    // Calibrate: iterations for about `seconds` on one thread.
    let mut iters: u64 = 1 << 14;
    loop {
        let t = Instant::now();
        black_box(fma_loop(
            black_box(iters),
            black_box(0.999_9),
            black_box(1e-4),
        ));
        let dt = t.elapsed().as_secs_f64();
        if dt > seconds / 4.0 || iters > 1 << 40 {
            iters = ((iters as f64) * (seconds / dt.max(1e-9))).max(1.0) as u64;
            break;
        }
        iters *= 4;
    }
    let mut best: f64 = 0.0;
    for _ in 0..tries.max(1) {
        let t = Instant::now();
        pool.install(|| {
            (0..THREADS).into_par_iter().for_each(|k| {
                black_box(fma_loop(
                    black_box(iters),
                    black_box(0.999_9),
                    black_box(1e-4 * (k + 1) as f32),
                ));
            })
        });
        let dt = t.elapsed().as_secs_f64();
        let flops = 2.0 * ACC as f64 * iters as f64 * THREADS as f64;
        best = best.max(flops / dt / 1e9);
    }
    Ok(best)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn triad_and_fma_give_positive_rates() {
        let t = triad::<f32>(100_000, 3).unwrap();
        assert!(t.best_gbs >= t.median_gbs && t.median_gbs > 0.0);
        assert_eq!(t.itemsize, 4);
        assert!(fma_peak_gflops(0.01, 1).unwrap() > 0.0);
    }

    #[test]
    fn fma_loop_is_the_same_everywhere() {
        assert_eq!(fma_loop(100, 0.5, 1.0), fma_rounds(100, 0.5, 1.0));
    }
}
