//! Throughput of the inline transcendental functions (`src/vecmath.rs`) against a libm call
//! per element, in ns per element: `cargo bench -p numcrane-jit --bench vecmath`, optionally
//! followed by op names (`exp log sin`) to run only those, and `--no-fma` to measure the code
//! emitted for hosts without fused multiply-add.
//!
//! Each op is compiled as a loop over an array (the test harness `src/vecmath/kernel.rs`) for
//! `f64`, `f64x2`, `f32` and `f32x4`, and run over 2^16 values of a typical range for the op;
//! the figure is the best of 15 runs (buffers reused, so in cache). The libm columns call
//! Rust's `f64`/`f32` methods (glibc's `exp`/`expf`, ...) in a plain loop. Compare figures
//! within one run only: the machines these run on are shared and noisy.

// The module under test and its two helpers are compiled into this benchmark by path, so that
// the crate need not export them; not everything in them is used here.
#[allow(unused)]
#[path = "../src/callout.rs"]
mod callout;
// (Under `cfg(test)`, as clippy builds benches, `vecmath` loads the harness once more.)
#[allow(unused, clippy::duplicate_mod)]
#[path = "../src/vecmath/kernel.rs"]
mod kernel;
#[allow(unused)]
#[path = "../src/vecmath.rs"]
mod vecmath;

use cranelift_codegen::ir::types;
use kernel::Kernel;
use numcrane_graph::eval::scalar::Num;
use numcrane_graph::UnaryOp;
use std::hint::black_box;
use std::time::Instant;

const N: usize = 1 << 16;
const RUNS: usize = 15;

/// The ops measured, each with the range its inputs are drawn from (log-uniform when the
/// flag is set).
const OPS: [(UnaryOp, f64, f64, bool); 14] = [
    (UnaryOp::Exp, -10.0, 10.0, false),
    (UnaryOp::Log, 1e-3, 1e3, true),
    (UnaryOp::Log1p, -0.9, 10.0, false),
    (UnaryOp::Sin, -10.0, 10.0, false),
    (UnaryOp::Cos, -10.0, 10.0, false),
    (UnaryOp::Expm1, -2.0, 2.0, false),
    (UnaryOp::Exp2, -10.0, 10.0, false),
    (UnaryOp::Log2, 1e-3, 1e3, true),
    (UnaryOp::Log10, 1e-3, 1e3, true),
    (UnaryOp::Tanh, -3.0, 3.0, false),
    (UnaryOp::Tan, -2.0, 2.0, false),
    (UnaryOp::Arctan, -4.0, 4.0, false),
    (UnaryOp::Sinh, -3.0, 3.0, false),
    (UnaryOp::Cbrt, -10.0, 10.0, false),
];

/// xorshift64*, for reproducible inputs.
struct Rng(u64);
impl Rng {
    fn unit(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Best time of [`RUNS`] calls of `f`, in ns per element.
fn best(mut f: impl FnMut()) -> f64 {
    (0..RUNS)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_nanos() as f64 / N as f64
        })
        .fold(f64::INFINITY, f64::min)
}

fn main() {
    let only: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .map(|a| a.to_lowercase())
        .collect();
    let no_fma = std::env::args().any(|a| a == "--no-fma");
    println!("ns/element (best of {RUNS} x {N}); inline f64 f64x2 f32 f32x4 | libm f64 f32");
    for (op, lo, hi, log) in OPS {
        let name = format!("{op:?}").to_lowercase();
        if !only.is_empty() && !only.contains(&name) {
            continue;
        }
        let mut rng = Rng(0x2545_f491_4f6c_dd1d);
        let x64: Vec<f64> = (0..N)
            .map(|_| {
                let u = rng.unit();
                if log {
                    lo * (hi / lo).powf(u)
                } else {
                    lo + (hi - lo) * u
                }
            })
            .collect();
        let x32: Vec<f32> = x64.iter().map(|&v| v as f32).collect();
        let mut d64 = vec![0f64; N];
        let mut d32 = vec![0f32; N];
        let mut line = format!("{name:>6}:");
        for ty in [types::F64, types::F64X2, types::F32, types::F32X4] {
            let k = if no_fma {
                vecmath::without_fma(|| Kernel::new(op, ty))
            } else {
                Kernel::new(op, ty)
            };
            let t = if ty.lane_type() == types::F64 {
                best(|| k.run_into(&x64, &x64, &mut d64))
            } else {
                best(|| k.run_into(&x32, &x32, &mut d32))
            };
            line += &format!(" {ty} {t:.2}");
        }
        let f64_ref = <f64 as Num>::unary(op).expect("a float function");
        let f32_ref = <f32 as Num>::unary(op).expect("a float function");
        let t = best(|| {
            for (d, &v) in d64.iter_mut().zip(&x64) {
                *d = f64_ref(black_box(v));
            }
        });
        line += &format!(" | libm f64 {t:.2}");
        let t = best(|| {
            for (d, &v) in d32.iter_mut().zip(&x32) {
                *d = f32_ref(black_box(v));
            }
        });
        line += &format!(" f32 {t:.2}");
        black_box((&d64, &d32));
        println!("{line}");
    }
}
