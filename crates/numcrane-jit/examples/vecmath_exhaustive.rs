//! Exhaustive check of the inline `f32` transcendental functions (`src/vecmath.rs`): every one
//! of the 2^32 `f32` bit patterns through the `f32x4` code, against the `f64` function of
//! Rust's `std` (the evaluator's reference) rounded to `f32`.
//!
//! `cargo run --release -p numcrane-jit --example vecmath_exhaustive -- exp log sin`
//! (no names: every function with a native `f32` algorithm). Options: `--stride K` checks
//! every K-th bit pattern only (quick looks), `--scalar` checks the scalar `f32` code instead,
//! `--no-fma` the code emitted for hosts without fused multiply-add.
//! For each function it prints the largest error in ULP, how many results are not the
//! rounded reference, and the worst input. Errors of another class (a NaN, an infinity or a
//! zero of the wrong sign where the reference has something else) count as "bad".

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
use std::time::Instant;

/// The functions with a native `f32` algorithm.
const OPS: [UnaryOp; 10] = [
    UnaryOp::Exp,
    UnaryOp::Log,
    UnaryOp::Log1p,
    UnaryOp::Sin,
    UnaryOp::Cos,
    UnaryOp::Expm1,
    UnaryOp::Exp2,
    UnaryOp::Log2,
    UnaryOp::Log10,
    UnaryOp::Tanh,
];

/// Distance in representable values, +0 and -0 being the same point.
fn ulp32(a: f32, b: f32) -> u64 {
    fn key(x: f32) -> i64 {
        let i = x.to_bits() as i32;
        i64::from(if i < 0 { i32::MIN.wrapping_sub(i) } else { i })
    }
    key(a).abs_diff(key(b))
}

/// Error in ULP, `None` when the classes differ (NaN, infinity, signed zero).
fn error(got: f32, want: f32) -> Option<u64> {
    if want.is_nan() || got.is_nan() {
        return (want.is_nan() && got.is_nan()).then_some(0);
    }
    if want.is_infinite() || got.is_infinite() {
        return (want == got).then_some(0);
    }
    if want == 0.0 && got == 0.0 {
        return (want.to_bits() == got.to_bits()).then_some(0);
    }
    Some(ulp32(got, want))
}

#[derive(Default, Clone, Copy)]
struct Tally {
    max: u64,
    worst: u32,
    not_cr: u64,
    bad: u64,
    first_bad: Option<u32>,
    checked: u64,
}

impl Tally {
    fn merge(&mut self, o: &Tally) {
        if o.max > self.max {
            self.max = o.max;
            self.worst = o.worst;
        }
        self.not_cr += o.not_cr;
        self.bad += o.bad;
        self.first_bad = self.first_bad.or(o.first_bad);
        self.checked += o.checked;
    }
}

const CHUNK: u64 = 1 << 20;

fn check(k: &Kernel, reference: fn(f64) -> f64, start: u64, end: u64, stride: u64) -> Tally {
    let mut t = Tally::default();
    let mut xs = Vec::with_capacity(CHUNK as usize);
    let mut got = vec![0f32; CHUNK as usize];
    let mut i = start;
    while i < end {
        xs.clear();
        while i < end && xs.len() < CHUNK as usize {
            xs.push(f32::from_bits(i as u32));
            i += stride;
        }
        while !xs.len().is_multiple_of(4) {
            xs.push(0.0);
        }
        let n = xs.len();
        k.run_into(&xs, &xs, &mut got[..n]);
        for (&x, &g) in xs.iter().zip(&got[..n]) {
            let w = reference(f64::from(x)) as f32;
            t.checked += 1;
            match error(g, w) {
                Some(0) => {}
                Some(e) => {
                    t.not_cr += 1;
                    if e > t.max {
                        t.max = e;
                        t.worst = x.to_bits();
                    }
                }
                None => {
                    t.bad += 1;
                    t.first_bad.get_or_insert(x.to_bits());
                }
            }
        }
    }
    t
}

fn main() {
    let mut stride = 1u64;
    let mut ty = types::F32X4;
    let mut no_fma = false;
    let mut names = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--stride" => {
                stride = args
                    .next()
                    .and_then(|s| s.parse().ok())
                    .expect("--stride K")
            }
            "--scalar" => ty = types::F32,
            "--no-fma" => no_fma = true,
            _ => names.push(a.to_lowercase()),
        }
    }
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()) as u64;
    println!(
        "f32 via {ty}, every {stride}th bit pattern, {threads} threads{}",
        if no_fma {
            ", no fused multiply-add"
        } else {
            ""
        }
    );
    for op in OPS {
        let name = format!("{op:?}").to_lowercase();
        if !names.is_empty() && !names.contains(&name) {
            continue;
        }
        let reference = <f64 as Num>::unary(op).expect("a float function");
        let k = if no_fma {
            vecmath::without_fma(|| Kernel::new(op, ty))
        } else {
            Kernel::new(op, ty)
        };
        let t0 = Instant::now();
        let total = 1u64 << 32;
        // Interleaved blocks so that every thread gets its share of the slow ranges.
        let blocks = 256u64;
        let block = total / blocks;
        let mut tally = Tally::default();
        std::thread::scope(|s| {
            let hs: Vec<_> = (0..threads)
                .map(|th| {
                    let k = &k;
                    s.spawn(move || {
                        let mut t = Tally::default();
                        let mut b = th;
                        while b < blocks {
                            let start = (b * block).div_ceil(stride) * stride;
                            t.merge(&check(k, reference, start, (b + 1) * block, stride));
                            b += threads;
                        }
                        t
                    })
                })
                .collect();
            for h in hs {
                tally.merge(&h.join().expect("checker thread"));
            }
        });
        let w = f32::from_bits(tally.worst);
        println!(
            "{name:>6}: max {} ULP (at {w:e} = {:#010x}), {} of {} not correctly rounded, {} of \
             the wrong class{}, {:.1} s",
            tally.max,
            tally.worst,
            tally.not_cr,
            tally.checked,
            tally.bad,
            tally
                .first_bad
                .map(|b| format!(" (first {:e} = {b:#010x})", f32::from_bits(b)))
                .unwrap_or_default(),
            t0.elapsed().as_secs_f64()
        );
    }
}
