//! GEMM throughput: numcrane-kernels next to the `gemm` and `matrixmultiply` crates, same run.
//!
//! Square row-major n x n products, f32 and f64, on 1- and 2-thread rayon pools; prints the
//! median GFLOP/s (2 n^3 flops per product) of several interleaved timed samples, each long enough
//! (>= ~30 ms) to swamp timer noise. `matrixmultiply` is built with the features ndarray uses
//! (`std`; no `threading`, no `avx512`), since enabling more here would change ndarray's
//! kernels for the rest of the workspace: its AVX2+FMA kernel, 1-thread column only.
//!
//! `cargo bench -p numcrane-kernels --bench gemm [-- --sizes 64,512 --types f32 --threads 2]`

use numcrane_kernels::{gemm_raw, GemmScalar};
use std::hint::black_box;
use std::time::Instant;

/// What one library call needs.
trait Elem: GemmScalar {
    fn from_f64(v: f64) -> Self;
    const NAME: &'static str;
    /// matrixmultiply's row-major C = A B.
    fn mm(n: usize, a: &[Self], b: &[Self], c: &mut [Self]);
}

impl Elem for f32 {
    fn from_f64(v: f64) -> Self {
        v as f32
    }
    const NAME: &'static str = "f32";
    fn mm(n: usize, a: &[f32], b: &[f32], c: &mut [f32]) {
        let s = n as isize;
        // SAFETY: three distinct n x n row-major buffers of n * n elements.
        unsafe {
            matrixmultiply::sgemm(
                n,
                n,
                n,
                1.0,
                a.as_ptr(),
                s,
                1,
                b.as_ptr(),
                s,
                1,
                0.0,
                c.as_mut_ptr(),
                s,
                1,
            )
        }
    }
}

impl Elem for f64 {
    fn from_f64(v: f64) -> Self {
        v
    }
    const NAME: &'static str = "f64";
    fn mm(n: usize, a: &[f64], b: &[f64], c: &mut [f64]) {
        let s = n as isize;
        // SAFETY: three distinct n x n row-major buffers of n * n elements.
        unsafe {
            matrixmultiply::dgemm(
                n,
                n,
                n,
                1.0,
                a.as_ptr(),
                s,
                1,
                b.as_ptr(),
                s,
                1,
                0.0,
                c.as_mut_ptr(),
                s,
                1,
            )
        }
    }
}

fn ours<T: Elem>(n: usize, a: &[T], b: &[T], c: &mut [T]) {
    let s = n as isize;
    // SAFETY: three distinct n x n row-major buffers of n * n elements.
    unsafe {
        gemm_raw(
            n,
            n,
            n,
            T::ONE,
            a.as_ptr(),
            s,
            1,
            b.as_ptr(),
            s,
            1,
            T::ZERO,
            c.as_mut_ptr(),
            s,
            1,
        )
    }
}

fn gemm_crate<T: Elem>(n: usize, a: &[T], b: &[T], c: &mut [T], threads: usize) {
    let s = n as isize;
    let par = if threads > 1 {
        gemm::Parallelism::Rayon(threads)
    } else {
        gemm::Parallelism::None
    };
    // SAFETY: three distinct n x n row-major buffers (column stride 1, row stride n); with
    // read_dst = false the gemm crate computes dst = beta * lhs * rhs.
    unsafe {
        gemm::gemm(
            n,
            n,
            n,
            c.as_mut_ptr(),
            1,
            s,
            false,
            a.as_ptr(),
            1,
            s,
            b.as_ptr(),
            1,
            s,
            T::ZERO,
            T::ONE,
            false,
            false,
            false,
            par,
        )
    }
}

/// Median GFLOP/s of each of `fs` on an n x n x n product. Samples are interleaved (one
/// sample of each library in turn), so a burst of load from elsewhere hits all of them alike.
fn measure(n: usize, fs: &mut [&mut dyn FnMut()]) -> Vec<f64> {
    let flops = 2.0 * (n as f64).powi(3);
    let reps: Vec<usize> = fs
        .iter_mut()
        .map(|f| {
            f(); // warm-up: page faults, packing buffers, thread wake-up
            let t = Instant::now();
            f();
            let once = t.elapsed().as_secs_f64().max(1e-7);
            ((0.03 / once).ceil() as usize).max(1)
        })
        .collect();
    let samples = if n >= 2048 {
        3
    } else if n >= 1024 {
        5
    } else {
        9
    };
    let mut rates = vec![Vec::new(); fs.len()];
    for _ in 0..samples {
        for (i, f) in fs.iter_mut().enumerate() {
            let t = Instant::now();
            for _ in 0..reps[i] {
                f();
            }
            rates[i].push(flops * reps[i] as f64 / t.elapsed().as_secs_f64() / 1e9);
        }
    }
    rates
        .into_iter()
        .map(|mut r| {
            r.sort_by(f64::total_cmp);
            r[r.len() / 2]
        })
        .collect()
}

fn run<T: Elem>(sizes: &[usize], threads: &[usize]) {
    for &n in sizes {
        let a: Vec<T> = (0..n * n)
            .map(|i| T::from_f64(((i * 7 + 3) % 17) as f64 / 17.0 - 0.5))
            .collect();
        let b: Vec<T> = (0..n * n)
            .map(|i| T::from_f64(((i * 5 + 1) % 13) as f64 / 13.0 - 0.5))
            .collect();
        let (mut c1, mut c2, mut c3) = (
            vec![T::ZERO; n * n],
            vec![T::ZERO; n * n],
            vec![T::ZERO; n * n],
        );
        for &t in threads {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(t)
                .build()
                .unwrap();
            let g = pool.install(|| {
                let mut f1 = || ours(n, black_box(&a), black_box(&b), &mut c1);
                let mut f2 = || gemm_crate(n, black_box(&a), black_box(&b), &mut c2, t);
                let mut f3 = || T::mm(n, black_box(&a), black_box(&b), &mut c3);
                if t == 1 {
                    measure(n, &mut [&mut f1, &mut f2, &mut f3])
                } else {
                    measure(n, &mut [&mut f1, &mut f2])
                }
            });
            let mm = g
                .get(2)
                .map_or(format!("{:>8}", "-"), |v| format!("{v:8.1}"));
            println!(
                "| {:>4} | {} | {} | {:8.1} | {:8.1} | {} | {:5.2} |",
                n,
                T::NAME,
                t,
                g[0],
                g[1],
                mm,
                g[0] / g[1]
            );
        }
    }
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .unwrap_or_default()
        .trim()
        .to_string()
}

fn list(args: &[String], flag: &str) -> Option<Vec<String>> {
    let i = args.iter().position(|a| a == flag)?;
    Some(args.get(i + 1)?.split(',').map(str::to_string).collect())
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let sizes: Vec<usize> = list(&args, "--sizes")
        .map(|v| {
            v.iter()
                .map(|s| s.parse().expect("--sizes: numbers"))
                .collect()
        })
        .unwrap_or_else(|| vec![64, 128, 256, 512, 1024, 2048]);
    let types = list(&args, "--types").unwrap_or_else(|| vec!["f32".into(), "f64".into()]);
    let threads: Vec<usize> = list(&args, "--threads")
        .map(|v| {
            v.iter()
                .map(|s| s.parse().expect("--threads: numbers"))
                .collect()
        })
        .unwrap_or_else(|| vec![1, 2]);
    println!(
        "kernel: {:?}; load average before: {}",
        numcrane_kernels::selected_kernel(),
        loadavg()
    );
    println!(
        "|    n | type | threads | numcrane GFLOP/s | gemm crate | matrixmultiply | ours / gemm |"
    );
    println!("|---|---|---|---|---|---|---|");
    for ty in &types {
        match ty.as_str() {
            "f32" => run::<f32>(&sizes, &threads),
            "f64" => run::<f64>(&sizes, &threads),
            other => panic!("unknown type {other}"),
        }
    }
    println!("load average after: {}", loadavg());
}
