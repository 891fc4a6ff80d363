//! The fused JIT backend against the reference evaluator, side by side in one run, on the
//! workloads of ../shared/baselines (W1, W2 element-wise; W3 with reductions, which still run
//! on the evaluator). Run: `cargo bench --bench fused`. For NumPy, numexpr and the bandwidth
//! floor in the same run, at the sizes of ../shared/baselines, run `bash benches/side_by_side.sh`
//! (benches/side_by_side.rs).
//!
//! Inputs are realized first; each iteration builds the expression and evaluates it, so graph
//! building, planning, the kernel-cache lookup and output allocation are all included.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use numcrane::{Backend, DType};
use numcrane_suite::bench_input;

const BACKENDS: [(Backend, &str); 2] = [(Backend::Jit, "jit"), (Backend::Eval, "eval")];

fn w1(c: &mut Criterion) {
    let mut group = c.benchmark_group("W1 a*b+c*d-e");
    for dtype in [DType::F32, DType::F64] {
        let n = 10_000_000;
        let [a, b, cc, d, e] = [0.1, 0.2, 0.3, 0.4, 0.5].map(|p| bench_input(n, dtype, p));
        group.throughput(Throughput::Elements(n as u64));
        for (backend, name) in BACKENDS {
            group.bench_function(
                BenchmarkId::new(format!("{name} {}", dtype.name()), n),
                |bench| bench.iter(|| (&a * &b + &cc * &d - &e).eval_with(backend).expect("eval")),
            );
        }
    }
    group.finish();
}

fn w2(c: &mut Criterion) {
    let mut group = c.benchmark_group("W2 exp(-x*x/2)*sin(y)+log1p(abs(z))");
    let n = 1_000_000;
    for dtype in [DType::F32, DType::F64] {
        let [x, y, z] = [0.1, 0.2, 0.3].map(|p| bench_input(n, dtype, p));
        group.throughput(Throughput::Elements(n as u64));
        for (backend, name) in BACKENDS {
            group.bench_function(
                BenchmarkId::new(format!("{name} {}", dtype.name()), n),
                |bench| {
                    bench.iter(|| {
                        ((-&x * &x / 2.0).exp() * y.sin() + z.abs().log1p())
                            .eval_with(backend)
                            .expect("eval")
                    })
                },
            );
        }
    }
    group.finish();
}

fn w3(c: &mut Criterion) {
    let mut group = c.benchmark_group("W3 (X - X.mean(0)) / X.std(0)");
    let n = 1024;
    let x = bench_input(n * n, DType::F32, 0.0)
        .reshape([n as isize, -1])
        .eval()
        .expect("x");
    group.throughput(Throughput::Elements((n * n) as u64));
    for (backend, name) in BACKENDS {
        group.bench_function(BenchmarkId::new(format!("{name} f32"), n), |bench| {
            bench.iter(|| {
                ((&x - x.mean(0)) / x.std(0))
                    .eval_with(backend)
                    .expect("eval")
            })
        });
    }
    group.finish();
}

/// W8: per-call overhead on tiny arrays (16 f32), where building, planning and the kernel
/// cache lookup dominate.
fn w8(c: &mut Criterion) {
    let mut group = c.benchmark_group("W8 n=16 f32");
    let [a, b, cc, d, e] = [0.1, 0.2, 0.3, 0.4, 0.5].map(|p| bench_input(16, DType::F32, p));
    for (backend, name) in BACKENDS {
        group.bench_function(format!("{name} a+b"), |bench| {
            bench.iter(|| (&a + &b).eval_with(backend).expect("eval"))
        });
        group.bench_function(format!("{name} a*b+c*d-e"), |bench| {
            bench.iter(|| (&a * &b + &cc * &d - &e).eval_with(backend).expect("eval"))
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = w1, w2, w3, w8
}
criterion_main!(benches);
