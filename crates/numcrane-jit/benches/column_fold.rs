//! Column folds (`x.sum(axis=0)` and `((x - c)**2).sum(axis=0)` with `c` a row broadcast
//! along the reduced axis, as in `X.std(0)`) over a C-contiguous 4096x4096 matrix, f32 and
//! f64, on rayon's threads; with a read-only reference (a plain Rust sum of the same bytes
//! over the same threads) and a STREAM triad measured in the same run, as the memory floor.
//! Prints medians of 21 runs (output buffers reused).
//!
//! `cargo bench -p numcrane-jit --bench column_fold` (`COLUMN_FOLD_N=2048` for another size)

use numcrane_fuse::kernel::{
    ElementwiseKernel, InnerClass, InputSpec, Instr, InstrKind, Launch, ReduceInner, Reduction,
};
use numcrane_graph::{BinaryOp, Buffer, DType, Layout, ReduceOp};
use numcrane_jit::Checks;
use rayon::prelude::*;
use std::time::Instant;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Median of 21 timed runs of `f` (after 3 warm-ups), in ms.
fn time(mut f: impl FnMut()) -> f64 {
    for _ in 0..3 {
        f();
    }
    median(
        (0..21)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed().as_secs_f64() * 1e3
            })
            .collect(),
    )
}

fn kernel(instrs: Vec<InstrKind>, inputs: usize, dt: DType) -> ElementwiseKernel {
    let output = instrs.len() - 1;
    ElementwiseKernel {
        instrs: instrs
            .into_iter()
            .map(|kind| Instr { kind, dtype: dt })
            .collect(),
        output,
        inputs: vec![
            InputSpec {
                dtype: dt,
                inner: InnerClass::Contiguous,
            };
            inputs
        ],
        reduce: Some(Reduction {
            op: ReduceOp::Sum,
            inner: ReduceInner::Columns,
        }),
    }
}

fn main() {
    use InstrKind::*;
    let n: usize = std::env::var("COLUMN_FOLD_N")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(4096);
    println!("threads: {}", rayon::current_num_threads());
    for dt in [DType::F32, DType::F64] {
        let isz = dt.itemsize();
        let values: Vec<f64> = (0..n * n)
            .map(|i| ((i * 7919) % 1000) as f64 * 0.01)
            .collect();
        let (x, c) = match dt {
            DType::F32 => {
                let v: Vec<f32> = values.iter().map(|&v| v as f32).collect();
                let c: Vec<f32> = (0..n).map(|j| (j % 10) as f32).collect();
                (
                    Buffer::from_slice(&v).unwrap(),
                    Buffer::from_slice(&c).unwrap(),
                )
            }
            _ => {
                let c: Vec<f64> = (0..n).map(|j| (j % 10) as f64).collect();
                (
                    Buffer::from_slice(&values).unwrap(),
                    Buffer::from_slice(&c).unwrap(),
                )
            }
        };
        drop(values);
        let sum = kernel(vec![Load { input: 0 }], 1, dt);
        let sq = kernel(
            vec![
                Load { input: 0 },
                Load { input: 1 },
                Binary {
                    op: BinaryOp::Sub,
                    lhs: 0,
                    rhs: 1,
                },
                Binary {
                    op: BinaryOp::Mul,
                    lhs: 2,
                    rhs: 2,
                },
            ],
            2,
            dt,
        );
        let full = Layout::contiguous(&[n, n]);
        let row = Layout {
            shape: vec![n, n],
            strides: vec![0, 1],
            offset: 0,
        };
        let sum_launch = Launch {
            shape: vec![n, n],
            layouts: vec![full.clone()],
            reduce_kept: Some(0),
            out_offset: 0,
            name: "",
            gathers: Vec::new(),
        };
        let sq_launch = Launch {
            shape: vec![n, n],
            layouts: vec![full.clone(), row],
            reduce_kept: Some(0),
            out_offset: 0,
            name: "",
            gathers: Vec::new(),
        };
        let mut out = Buffer::zeros(dt, n, "bench").unwrap();
        let t_sum = time(|| {
            numcrane_jit::run_with(&sum, &sum_launch, &[&x], &mut out, Checks::Off).unwrap()
        });
        let t_sq = time(|| {
            numcrane_jit::run_with(&sq, &sq_launch, &[&x, &c], &mut out, Checks::Off).unwrap()
        });
        // References over the same bytes as f32/f64 lanes: a read-only pass and a triad.
        let bytes = n * n * isz;
        let words = bytes / 8;
        let a: Vec<f64> = vec![1.0; words];
        let b: Vec<f64> = vec![2.0; words];
        let mut d: Vec<f64> = vec![0.0; words];
        let chunk = words.div_ceil(rayon::current_num_threads());
        let t_read = time(|| {
            let s: f64 = a
                .par_chunks(chunk)
                .map(|ch| {
                    let mut acc = [0f64; 8];
                    for v in ch.chunks_exact(8) {
                        for k in 0..8 {
                            acc[k] += v[k];
                        }
                    }
                    acc.iter().sum::<f64>()
                })
                .sum();
            std::hint::black_box(s);
        });
        let t_triad = time(|| {
            d.par_chunks_mut(chunk)
                .zip(a.par_chunks(chunk))
                .zip(b.par_chunks(chunk))
                .for_each(|((d, a), b)| {
                    for ((d, a), b) in d.iter_mut().zip(a).zip(b) {
                        *d = a + 3.0 * b;
                    }
                });
            std::hint::black_box(&d);
        });
        let mb = bytes as f64 / 1e6;
        println!(
            "{n}x{n} {dt:?} ({mb:.0} MB): sum(axis=0) {t_sum:.3} ms, ((x-c)*(x-c)).sum(axis=0) \
             {t_sq:.3} ms | read-only {t_read:.3} ms ({:.1} GB/s), triad 3x{mb:.0} MB {t_triad:.3} ms \
             ({:.1} GB/s) | medians of 21",
            mb / t_read,
            3.0 * mb / t_triad
        );
    }
}
