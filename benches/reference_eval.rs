//! Benchmarks of the reference evaluator on the project's workloads (../shared/baselines).
//!
//! The reference evaluator is the oracle, not the fast path: these numbers are the floor the
//! fused JIT backend (issue 3) is measured against, and they catch accidental slowdowns of the
//! oracle that would make the test suite slow. Run: `cargo bench --bench reference_eval`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use numcrane::DType;
use numcrane_suite::bench_input;

/// W1: `a*b + c*d - e`, element-wise.
fn w1(c: &mut Criterion) {
    let mut group = c.benchmark_group("W1 a*b+c*d-e");
    for dtype in [DType::F32, DType::F64] {
        let n = 1_000_000;
        let [a, b, cc, d, e] = [0.1, 0.2, 0.3, 0.4, 0.5].map(|p| bench_input(n, dtype, p));
        group.throughput(Throughput::Elements(n as u64));
        group.bench_function(BenchmarkId::new(dtype.name(), n), |bench| {
            bench.iter(|| (&a * &b + &cc * &d - &e).eval().expect("eval"))
        });
    }
    group.finish();
}

/// W3: `(X - X.mean(0)) / X.std(0)`, reductions broadcast back.
fn w3(c: &mut Criterion) {
    let mut group = c.benchmark_group("W3 standardise");
    for dtype in [DType::F32, DType::F64] {
        let n = 512;
        let x = bench_input(n * n, dtype, 0.0)
            .reshape([n as isize, -1])
            .eval()
            .expect("x");
        group.throughput(Throughput::Elements((n * n) as u64));
        group.bench_function(BenchmarkId::new(dtype.name(), n), |bench| {
            bench.iter(|| ((&x - x.mean(0)) / x.std(0)).eval().expect("eval"))
        });
    }
    group.finish();
}

/// W4: full and per-axis sums.
fn w4(c: &mut Criterion) {
    let mut group = c.benchmark_group("W4 sum");
    let n = 1_000_000;
    let x = bench_input(n, DType::F32, 0.0);
    group.throughput(Throughput::Elements(n as u64));
    group.bench_function("f32 sum(..)", |bench| {
        bench.iter(|| x.sum(..).eval().expect("eval"))
    });
    let m = x.reshape([1000, 1000]).eval().expect("m");
    group.bench_function("f32 sum(0)", |bench| {
        bench.iter(|| m.sum(0).eval().expect("eval"))
    });
    group.bench_function("f32 sum(1)", |bench| {
        bench.iter(|| m.sum(1).eval().expect("eval"))
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = w1, w3, w4
}
criterion_main!(benches);
