//! Memory (issue 11): realized buffers are freed when the last `Array` holding them drops.
//! A loop builds, evaluates and drops a small graph 10^5 times; the resident set size (from
//! /proc/self/statm, Linux only) must stay flat after a warm-up. A leak of one 8 KiB result
//! per iteration would grow it by 800 MB.
//!
//! `NUMCRANE_MEMORY_ITERS` sets the number of iterations (default 100 000). Alone in its own
//! test binary so that no other test allocates while it measures.

use numcrane::{linspace, Array, DType};

/// Resident pages * page size, in bytes (None off Linux).
fn rss_bytes() -> Option<usize> {
    let text = std::fs::read_to_string("/proc/self/statm").ok()?;
    let resident: usize = text.split_whitespace().nth(1)?.parse().ok()?;
    Some(resident * 4096)
}

fn iterations() -> usize {
    std::env::var("NUMCRANE_MEMORY_ITERS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000)
}

/// One iteration: a fused elementwise kernel, a reduction and a cast over a shared input,
/// all evaluated and then dropped.
fn step(x: &Array, i: usize) -> f64 {
    let k = (i % 7) as f64;
    let y = ((x * 2.0 + k) * x).eval().unwrap();
    let z = y.astype(DType::F32).eval().unwrap();
    let s = (&y - 1.0).sum(..).item::<f64>().unwrap();
    drop(z);
    s
}

#[test]
fn eval_and_drop_keeps_rss_flat() {
    let Some(_) = rss_bytes() else {
        eprintln!("no /proc/self/statm: RSS check skipped");
        return;
    };
    let n = iterations();
    let x = linspace(0.0, 1.0, 1024).eval().unwrap();
    let warm = n / 10;
    let mut total = 0.0;
    for i in 0..warm {
        total += step(&x, i);
    }
    let before = rss_bytes().unwrap();
    for i in warm..n {
        total += step(&x, i);
    }
    let after = rss_bytes().unwrap();
    assert!(total.is_finite());
    let grown = after.saturating_sub(before);
    // 16 MiB of slack for allocator and cache growth; a leak of the 8 KiB result alone
    // would be 8 KiB * 90 000 = 700 MiB.
    assert!(
        grown < 16 << 20,
        "RSS grew by {grown} bytes over {} iterations ({before} -> {after})",
        n - warm
    );
    eprintln!(
        "rss: {before} -> {after} bytes over {} iterations",
        n - warm
    );
}
