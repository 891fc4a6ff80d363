//! Sort and argsort of one long lane (default 1e7 elements) of f32, f64 and i64 with the
//! default options (radix sort, split across the rayon pool), next to the standard library's
//! `sort_unstable_by` / `sort_by` on the same data as anchors.
//!
//! `cargo bench -p numcrane-kernels --bench sort`; `NUMCRANE_SORT_BENCH_N=100000` for a quick
//! check that it runs. Values: uniform random bit patterns for i64, uniform in [-1e6, 1e6) with
//! a sprinkling of NaN and -0.0 for floats.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use numcrane_kernels::{argsort_axis, sort_axis, SortScalar};
use std::hint::black_box;

fn n() -> usize {
    std::env::var("NUMCRANE_SORT_BENCH_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000_000)
}

fn bits(n: usize) -> impl Iterator<Item = u64> {
    let mut s = 0x2545_F491_4F6C_DD1Du64;
    (0..n).map(move |_| {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        s
    })
}

fn float_of(b: u64) -> f64 {
    match b % 1000 {
        0 => f64::NAN,
        1 => -0.0,
        _ => (b >> 11) as f64 / (1u64 << 53) as f64 * 2e6 - 1e6,
    }
}

fn bench_type<T: SortScalar>(
    c: &mut Criterion,
    name: &str,
    data: Vec<T>,
    total: fn(&T, &T) -> std::cmp::Ordering,
) {
    let n = data.len();
    let mut group = c.benchmark_group(format!("sort/{name}"));
    group.sample_size(10);
    group.throughput(Throughput::Elements(n as u64));
    let mut out = data.clone();
    group.bench_function(BenchmarkId::new("sort_axis", n), |b| {
        b.iter(|| sort_axis(black_box(&data), [1, n, 1], &mut out).expect("sort"))
    });
    let mut idx = vec![0i64; n];
    group.bench_function(BenchmarkId::new("argsort_axis", n), |b| {
        b.iter(|| argsort_axis(black_box(&data), [1, n, 1], &mut idx).expect("argsort"))
    });
    group.bench_function(BenchmarkId::new("std sort_unstable_by", n), |b| {
        b.iter(|| {
            out.copy_from_slice(&data);
            out.sort_unstable_by(total);
        })
    });
    group.bench_function(BenchmarkId::new("std stable sort_by (argsort)", n), |b| {
        b.iter(|| {
            let mut order: Vec<usize> = (0..n).collect();
            order.sort_by(|&x, &y| total(&data[x], &data[y]));
            black_box(order)
        })
    });
    group.finish();
}

#[allow(clippy::eq_op)]
fn total<T: PartialOrd>(a: &T, b: &T) -> std::cmp::Ordering {
    a.partial_cmp(b).unwrap_or_else(|| (a != a).cmp(&(b != b)))
}

fn sorts(c: &mut Criterion) {
    let n = n();
    bench_type(
        c,
        "f32",
        bits(n).map(|b| float_of(b) as f32).collect(),
        total::<f32>,
    );
    bench_type(c, "f64", bits(n).map(float_of).collect(), total::<f64>);
    bench_type(c, "i64", bits(n).map(|b| b as i64).collect(), total::<i64>);
}

criterion_group!(benches, sorts);
criterion_main!(benches);
