//! W7, fused epilogue vs a separate pass: `Y = maximum(X @ W + b, 0)` with X 4096 x 1024,
//! W 1024 x 1024, b 1024, f32, row-major, on a 2-thread rayon pool (by default).
//!
//! Variants, timed in interleaved samples (one of each in turn, so load bursts hit all alike),
//! median reported:
//! - `gemm only`: the product alone (the floor);
//! - `(a) gemm + pass, 1 thread`: the product, then `BiasActivation::apply_to` over all of C;
//! - `(a) gemm + pass, 2 threads`: the product, then the same pass split into row bands on the
//!   pool;
//! - `(b) gemm_with_epilogue`: the product with the same `BiasActivation` fused;
//! - `(a') NumPy-style`: the product, then `t = C + b` and `Y = maximum(t, 0)` each into a
//!   freshly allocated array on one thread (what an unfused array library does: two more
//!   passes and two new arrays, whose first touch page-faults).
//!
//! `cargo bench -p numcrane-kernels --bench epilogue [-- --threads 2 --samples 15 --m 4096]`

use numcrane_kernels::{
    gemm_with, gemm_with_epilogue, BiasActivation, EpilogueBlock, GemmOptions, MatMut, MatRef,
};
use rayon::prelude::*;
use std::hint::black_box;
use std::time::Instant;

const K: usize = 1024;
const N: usize = 1024;

fn arg(args: &[String], flag: &str, default: usize) -> usize {
    args.iter()
        .position(|a| a == flag)
        .and_then(|i| args.get(i + 1))
        .map_or(default, |v| v.parse().expect("a number"))
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .unwrap_or_default()
        .trim()
        .to_string()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let threads = arg(&args, "--threads", 2);
    let samples = arg(&args, "--samples", 15);
    // Rows of X (and C); 4096 is W7. C is M x 1024 f32: 16 MiB at 4096, inside this
    // machine's 32 MiB L3, so a separate pass over it runs from L3.
    let m_rows = arg(&args, "--m", 4096);
    let x: Vec<f32> = (0..m_rows * K)
        .map(|i| ((i * 7 + 3) % 17) as f32 / 17.0 - 0.5)
        .collect();
    let w: Vec<f32> = (0..K * N)
        .map(|i| ((i * 5 + 1) % 13) as f32 / 13.0 - 0.5)
        .collect();
    let b: Vec<f32> = (0..N).map(|j| (j % 11) as f32 / 11.0 - 0.5).collect();
    let ep = BiasActivation::bias_relu(&b);
    let opts = GemmOptions::default();
    let mut outs = vec![vec![0.0f32; m_rows * N]; 5];
    let xv = MatRef::row_major(&x, m_rows, K).unwrap();
    let wv = MatRef::row_major(&w, K, N).unwrap();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    println!(
        "W7 f32 Y = maximum(X[{m_rows}x{K}] @ W[{K}x{N}] + b, 0), {threads}-thread pool, {samples} samples; kernel {:?}; load average before: {}",
        numcrane_kernels::selected_kernel(),
        loadavg()
    );
    let names = [
        "gemm only",
        "(a) gemm + pass, 1 thread",
        "(a) gemm + pass, 2 threads",
        "(b) gemm_with_epilogue",
        "(a') NumPy-style: 2 passes into new arrays",
    ];
    let times = pool.install(|| {
        let [o0, o1, o2, o3, o4] = &mut outs[..] else {
            unreachable!()
        };
        let mut f0 = || {
            let c = MatMut::row_major(o0, m_rows, N).unwrap();
            gemm_with(&opts, 1.0, black_box(xv), black_box(wv), 0.0, c).unwrap();
        };
        let mut f1 = || {
            let c = MatMut::row_major(o1, m_rows, N).unwrap();
            gemm_with(&opts, 1.0, black_box(xv), black_box(wv), 0.0, c).unwrap();
            ep.apply_to(MatMut::row_major(o1, m_rows, N).unwrap());
        };
        let mut f2 = || {
            let c = MatMut::row_major(o2, m_rows, N).unwrap();
            gemm_with(&opts, 1.0, black_box(xv), black_box(wv), 0.0, c).unwrap();
            const BAND: usize = 64;
            o2.par_chunks_mut(BAND * N)
                .enumerate()
                .for_each(|(q, rows)| {
                    let r = rows.len() / N;
                    let blk =
                        EpilogueBlock::new(q * BAND, 0, MatMut::row_major(rows, r, N).unwrap());
                    ep.apply(blk);
                });
        };
        let mut f3 = || {
            let c = MatMut::row_major(o3, m_rows, N).unwrap();
            gemm_with_epilogue(&opts, 1.0, black_box(xv), black_box(wv), 0.0, c, &|blk| {
                ep.apply(blk)
            })
            .unwrap();
        };
        let mut f4 = || {
            let c = MatMut::row_major(o4, m_rows, N).unwrap();
            gemm_with(&opts, 1.0, black_box(xv), black_box(wv), 0.0, c).unwrap();
            let t: Vec<f32> = o4
                .chunks_exact(N)
                .flat_map(|row| row.iter().zip(&b).map(|(x, y)| x + y))
                .collect();
            let y: Vec<f32> = t.iter().map(|&v| if v < 0.0 { 0.0 } else { v }).collect();
            *o4 = black_box(y); // frees the product's array, as the library would
        };
        let mut fs: [&mut dyn FnMut(); 5] = [&mut f0, &mut f1, &mut f2, &mut f3, &mut f4];
        let mut times = vec![Vec::new(); fs.len()];
        for f in fs.iter_mut() {
            f(); // warm-up
        }
        for _ in 0..samples {
            for (t, f) in times.iter_mut().zip(fs.iter_mut()) {
                let s = Instant::now();
                f();
                t.push(s.elapsed().as_secs_f64());
            }
        }
        times
    });
    // The three fused / unfused results must agree bit for bit.
    assert!(
        outs[1] == outs[2] && outs[1] == outs[3] && outs[1] == outs[4],
        "results differ"
    );
    let flops = 2.0 * (m_rows * N * K) as f64;
    let med = |t: &[f64]| {
        let mut t = t.to_vec();
        t.sort_by(f64::total_cmp);
        t[t.len() / 2]
    };
    let base = med(&times[0]);
    println!("| variant | median ms | min ms | GFLOP/s (2mnk / median) | vs gemm only |");
    println!("|---|---|---|---|---|");
    for (name, t) in names.iter().zip(&times) {
        let (m, lo) = (med(t), t.iter().copied().fold(f64::INFINITY, f64::min));
        println!(
            "| {name} | {:.2} | {:.2} | {:.1} | {:+.1}% |",
            m * 1e3,
            lo * 1e3,
            flops / m / 1e9,
            (m / base - 1.0) * 100.0
        );
    }
    println!("load average after: {}", loadavg());
}
