//! Timing and memory probes: the measuring rule every Rust implementation of the suite is timed
//! with (warm-up, then samples until a time budget is spent; median and minimum), and the peak
//! resident memory of the process (Linux: `VmHWM` of /proc/self/status, reset by writing 5 to
//! /proc/self/clear_refs).
//!
//! The rule is the one of benches/side_by_side.rs and benches/numpy_side_by_side.py (the
//! embedded Python script of `numcrane bench` uses it too), so the columns compare alike.

use std::hint::black_box;
use std::time::Instant;

/// How long to measure one cell.
#[derive(Clone, Copy, Debug)]
pub struct Budget {
    /// Seconds of timed samples to aim for after warm-up.
    pub seconds: f64,
    /// Seconds of warm-up (at least two calls are made whatever this is).
    pub warmup: f64,
    /// Fewest samples, even when that overruns `seconds`.
    pub min_reps: usize,
    /// Most samples.
    pub max_reps: usize,
}

/// Median and minimum seconds per call.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Measured {
    /// Median over the samples.
    pub median: f64,
    /// Fastest sample.
    pub min: f64,
    /// Number of samples.
    pub reps: usize,
    /// Seconds the first call took (it includes compiling kernels seen for the first time).
    pub first: f64,
}

/// The median of `v` (sorts it); NaN for an empty slice.
pub fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    match n {
        0 => f64::NAN,
        _ if n % 2 == 1 => v[n / 2],
        _ => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

/// Times `f`: one first call, warm-up, then samples of `batch` calls each until the budget is
/// spent. Returns the first error `f` gives.
pub fn measure<R>(
    mut f: impl FnMut() -> Result<R, String>,
    batch: usize,
    budget: Budget,
) -> Result<Measured, String> {
    let batch = batch.max(1);
    let time_batch = |f: &mut dyn FnMut() -> Result<R, String>| -> Result<f64, String> {
        let t = Instant::now();
        for _ in 0..batch {
            black_box(f()?);
        }
        Ok(t.elapsed().as_secs_f64() / batch as f64)
    };
    let t = Instant::now();
    black_box(f()?);
    let first = t.elapsed().as_secs_f64();
    let warm_start = Instant::now();
    let mut one = time_batch(&mut f)?;
    while warm_start.elapsed().as_secs_f64() < budget.warmup {
        one = one.min(time_batch(&mut f)?);
    }
    let reps = reps_for(budget, one * batch as f64);
    let mut samples = Vec::with_capacity(reps);
    for _ in 0..reps {
        samples.push(time_batch(&mut f)?);
    }
    let min = samples.iter().copied().fold(f64::INFINITY, f64::min);
    Ok(Measured {
        median: median(&mut samples),
        min,
        reps,
        first,
    })
}

/// How many samples of `sample_s` seconds fit the budget, within its bounds.
pub fn reps_for(budget: Budget, sample_s: f64) -> usize {
    let fit = if sample_s > 0.0 {
        (budget.seconds / sample_s).min(usize::MAX as f64) as usize
    } else {
        budget.max_reps
    };
    fit.clamp(
        budget.min_reps.max(1),
        budget.max_reps.max(budget.min_reps.max(1)),
    )
}

/// A field of /proc/self/status in bytes (`VmHWM:`, `VmRSS:`), where the system has one.
fn proc_status_bytes(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Peak-memory probe: started just before the calls it watches.
pub struct PeakRss {
    /// Resident bytes when the probe started (the inputs, the program, pooled buffers).
    start: u64,
}

impl PeakRss {
    /// Resets the process's peak resident size to the current one; None where that is not
    /// possible (not Linux, or /proc not writable).
    pub fn start() -> Option<PeakRss> {
        std::fs::write("/proc/self/clear_refs", "5").ok()?;
        Some(PeakRss {
            start: proc_status_bytes("VmRSS:")?,
        })
    }

    /// The peak resident bytes since `start` and how much that is above the resident size at
    /// the start.
    pub fn read(&self) -> Option<(u64, u64)> {
        let peak = proc_status_bytes("VmHWM:")?;
        Some((peak, peak.saturating_sub(self.start)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), 2.5);
        assert!(median(&mut []).is_nan());
    }

    #[test]
    fn reps_stay_within_bounds() {
        let b = Budget {
            seconds: 1.0,
            warmup: 0.0,
            min_reps: 5,
            max_reps: 200,
        };
        assert_eq!(reps_for(b, 0.1), 10);
        assert_eq!(reps_for(b, 10.0), 5);
        assert_eq!(reps_for(b, 1e-9), 200);
        assert_eq!(reps_for(b, 0.0), 200);
    }

    #[test]
    fn measure_counts_and_propagates_errors() {
        let b = Budget {
            seconds: 0.0,
            warmup: 0.0,
            min_reps: 3,
            max_reps: 3,
        };
        let mut calls = 0;
        let m = measure(
            || {
                calls += 1;
                Ok::<_, String>(calls)
            },
            2,
            b,
        )
        .unwrap();
        assert_eq!(m.reps, 3);
        // first call, one warm-up batch of 2, three samples of 2.
        assert_eq!(calls, 1 + 2 + 6);
        assert!(m.min <= m.median);
        let failed = measure(|| Err::<(), _>("boom".to_string()), 1, b);
        assert_eq!(failed.unwrap_err(), "boom");
    }
}
