//! `NUMCRANE_CHECKED=1` end to end through the public API: every kernel the JIT compiles is
//! bounds-checked, and element-wise and fused reduction results equal the reference
//! evaluator's.
//!
//! The variable is read once per process, so the test runs its workloads in child processes
//! (this test binary, filtered to this test) with the environment set from the start: one with
//! `NUMCRANE_CHECKED=1`, one without. Nothing calls `std::env::set_var` (which would race with
//! any thread reading the environment), and `NUMCRANE_DEBUG=1` lets the parent see in the
//! children's stderr which kind of code each compile produced.

use numcrane::{arange, Array, Axes, Backend, DType, TakeMode};
use std::process::Command;

/// Marks the child processes; its value is the `NUMCRANE_CHECKED` the child was started with.
const CHILD_ENV: &str = "NUMCRANE_CHECKED_MODE_CHILD";

/// Small integers as f32 (-7..=7), so sums are exact in any order and the JIT's fold order
/// cannot make its results differ from the evaluator's.
fn input(shape: &[isize], seed: f64) -> Array {
    let n: isize = shape.iter().product();
    ((arange(0.0, n as f64, 1.0) * 0.37 + seed).sin() * 7.0)
        .rint()
        .astype(DType::F32)
        .reshape(shape.to_vec())
        .eval()
        .expect("input")
}

/// The workloads: W1 over enough elements to run in parallel chunks, strided, flipped and
/// broadcast views, and row, column and full folds.
fn workloads() -> Vec<(&'static str, Array)> {
    let n = 100_000;
    let [a, b, c, d, e] = [1.0, 2.0, 3.0, 4.0, 5.0].map(|s| input(&[n], s));
    let m = input(&[300, 400], 6.0);
    let row = input(&[300], 7.0);
    vec![
        ("w1", &a * &b + &c * &d - &e),
        ("views", &m.transpose() * 2.0 + &row - m.flip(1).transpose()),
        ("dot", (&a * &b).sum(..)),
        ("sum axis 0", (&m * 2.0).sum(Axes::from(0))),
        ("sum axis 1", (&m - 1.0).sum(Axes::from(1))),
        ("transposed sum", m.transpose().sum(Axes::from(1))),
        ("max", m.abs().max(..)),
        // Fused gathers: the indexed reads are checked against the source's extent.
        (
            "fused take",
            &m.take(&rows(), Some(0), TakeMode::Raise) * 2.0 + &m,
        ),
        (
            "fused take fold",
            m.take(&rows(), Some(0), TakeMode::Wrap).sum(Axes::from(1)),
        ),
    ]
}

/// 300 row numbers of `[300, 400]`, negative ones among them.
fn rows() -> Array {
    Array::from_vec((0..300i64).map(|k| (k * 7) % 300 - 150).collect(), [300])
}

/// In a child: each workload on the default backend (the JIT) equals the reference
/// evaluator's result exactly.
fn child() {
    for (name, w) in workloads() {
        let jit = w.eval_with(Backend::Jit).expect(name);
        let reference = w.eval_with(Backend::Eval).expect(name);
        assert_eq!(
            jit.to_vec::<f32>().unwrap(),
            reference.to_vec::<f32>().unwrap(),
            "{name}"
        );
    }
    // A bad index of a fused gather is the user's error, the evaluator's text, not a kernel
    // error.
    let m = input(&[300, 400], 6.0);
    let mut bad: Vec<i64> = (0..300).collect();
    bad[250] = 300;
    let bad = Array::from_vec(bad, [300]);
    let w = || &m.take(&bad, Some(0), TakeMode::Raise) * 2.0 + &m;
    let jit = w().eval_with(Backend::Jit).unwrap_err().to_string();
    let reference = w().eval_with(Backend::Eval).unwrap_err().to_string();
    assert_eq!(jit, reference);
}

/// Runs the workloads in a child with `NUMCRANE_CHECKED=checked`; returns the compile lines
/// of its stderr.
fn run_child(checked: &str) -> Vec<String> {
    let exe = std::env::current_exe().expect("test binary");
    let out = Command::new(exe)
        .args([
            "checked_mode_end_to_end",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, checked)
        .env("NUMCRANE_CHECKED", checked)
        .env("NUMCRANE_DEBUG", "1")
        .env_remove("NUMCRANE_BACKEND")
        .output()
        .expect("start the child");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "NUMCRANE_CHECKED={checked}: the child failed\n{}\n{stderr}",
        String::from_utf8_lossy(&out.stdout)
    );
    stderr
        .lines()
        .filter(|l| l.starts_with("numcrane-jit: compiled a kernel"))
        .map(str::to_string)
        .collect()
}

#[test]
fn checked_mode_end_to_end() {
    if std::env::var_os(CHILD_ENV).is_some() {
        child();
        return;
    }
    let checked = run_child("1");
    assert!(checked.len() >= 5, "too few compiles: {checked:#?}");
    assert!(
        checked.iter().all(|l| l.contains("bounds-checked")),
        "NUMCRANE_CHECKED=1 compiled unchecked code: {checked:#?}"
    );
    assert!(
        checked.iter().any(|l| l.contains("vector loop")),
        "checked code keeps vector loops: {checked:#?}"
    );
    let unchecked = run_child("0");
    assert_eq!(unchecked.len(), checked.len());
    assert!(
        unchecked.iter().all(|l| !l.contains("bounds-checked")),
        "NUMCRANE_CHECKED=0 compiled checked code: {unchecked:#?}"
    );
}
