//! `NUMCRANE_FAST_MATH=1`: the opt-in that lets generated code contract `a*b + c` into one
//! fused multiply-add. By default numcrane rounds the product and then the sum, as NumPy does.
//!
//! The variable is read once per process, so the workloads run in child processes (this test
//! binary, filtered to this test) started with and without it; each child prints its results
//! and the parent compares them.

use numcrane::{array, Array, Backend};
use std::process::Command;

const CHILD_ENV: &str = "NUMCRANE_FAST_MATH_CHILD";

/// `a*b + c`, `a*b - c` and `c - a*b` where rounding the product first loses everything:
/// a*b = 1 - 2^-60 rounds to 1, so the separately rounded results are 0 and the fused
/// ones are -2^-60, 2^-60... (as f64 bit patterns, one per line).
fn workloads() -> Vec<Array> {
    let eps = 2f64.powi(-30);
    let a = array([1.0 + eps; 8]);
    let b = array([1.0 - eps; 8]);
    let one = array([1.0f64; 8]);
    vec![&a * &b - &one, &one - &a * &b, &a * &b + (-&one)]
}

fn child() {
    for w in workloads() {
        let v = w.eval_with(Backend::Jit).unwrap().to_vec::<f64>().unwrap();
        println!("RESULT {:e}", v[0]);
        // Every element alike (vector loop and scalar tail).
        assert!(v.iter().all(|x| x.to_bits() == v[0].to_bits()), "{v:?}");
    }
}

fn run_child(fast: &str) -> Vec<f64> {
    let exe = std::env::current_exe().expect("test binary");
    let out = Command::new(exe)
        .args([
            "fast_math_is_opt_in",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, fast)
        .env("NUMCRANE_FAST_MATH", fast)
        .env_remove("NUMCRANE_BACKEND")
        .env_remove("NUMCRANE_CHECKED")
        .output()
        .expect("start the child");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "NUMCRANE_FAST_MATH={fast}: the child failed\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
        .lines()
        .filter_map(|l| l.split("RESULT ").nth(1))
        .map(|v| v.parse().unwrap())
        .collect()
}

#[test]
fn fast_math_is_opt_in() {
    if std::env::var_os(CHILD_ENV).is_some() {
        child();
        return;
    }
    // Default: NumPy's rounding, product then sum.
    assert_eq!(run_child("0"), vec![0.0, 0.0, 0.0]);
    let fast = run_child("1");
    #[cfg(target_arch = "x86_64")]
    let fma = std::is_x86_feature_detected!("fma");
    #[cfg(not(target_arch = "x86_64"))]
    let fma = false;
    let tiny = 2f64.powi(-60);
    if fma {
        assert_eq!(fast, vec![-tiny, tiny, -tiny]);
    } else {
        // No FMA on this CPU: the switch changes nothing.
        assert_eq!(fast, vec![0.0, 0.0, 0.0]);
    }
}
