//! What NUMCRANE_CHECKED costs: medians of checked and unchecked runs of W1
//! (`a*b + c*d - e`, f32, vector loop) and of `(x*y).sum()` (f32, a row fold), at 1e7
//! elements (memory-bound) and 1e5 (in cache, so the checks' instructions show), alternating
//! so that the machine's load hits both alike.
//!
//! `cargo bench -p numcrane-jit --bench checked`

use numcrane_fuse::kernel::{
    ElementwiseKernel, InnerClass, InputSpec, Instr, InstrKind, Launch, ReduceInner, Reduction,
};
use numcrane_graph::{BinaryOp, Buffer, DType, Layout, ReduceOp};
use numcrane_jit::Checks;
use std::time::Instant;

fn kernel(instrs: Vec<(InstrKind, DType)>, inputs: usize) -> ElementwiseKernel {
    let output = instrs.len() - 1;
    ElementwiseKernel {
        instrs: instrs
            .into_iter()
            .map(|(kind, dtype)| Instr { kind, dtype })
            .collect(),
        output,
        inputs: vec![
            InputSpec {
                dtype: DType::F32,
                inner: InnerClass::Contiguous,
            };
            inputs
        ],
        reduce: None,
    }
}

fn main() {
    use InstrKind::*;
    let f = DType::F32;
    let bin = |op, lhs, rhs| (Binary { op, lhs, rhs }, f);
    let w1 = kernel(
        vec![
            (Load { input: 0 }, f),
            (Load { input: 1 }, f),
            bin(BinaryOp::Mul, 0, 1),
            (Load { input: 2 }, f),
            (Load { input: 3 }, f),
            bin(BinaryOp::Mul, 3, 4),
            bin(BinaryOp::Add, 2, 5),
            (Load { input: 4 }, f),
            bin(BinaryOp::Sub, 6, 7),
        ],
        5,
    );
    let mut dot = kernel(
        vec![
            (Load { input: 0 }, f),
            (Load { input: 1 }, f),
            bin(BinaryOp::Mul, 0, 1),
        ],
        2,
    );
    dot.reduce = Some(Reduction {
        op: ReduceOp::Sum,
        inner: ReduceInner::Row,
    });
    for n in [10_000_000, 100_000] {
        let column = |s: f32| {
            let v: Vec<f32> = (0..n).map(|i| (i % 1000) as f32 * s).collect();
            Buffer::from_slice(&v).unwrap()
        };
        let bufs: Vec<Buffer> = (1..=5).map(|s| column(s as f32)).collect();
        let refs: Vec<&Buffer> = bufs.iter().collect();
        let w1_launch = Launch {
            shape: vec![n],
            layouts: vec![Layout::contiguous(&[n]); 5],
            reduce_kept: None,
            out_offset: 0,
            name: "",
            gathers: Vec::new(),
        };
        let dot_launch = Launch {
            shape: vec![n],
            layouts: vec![Layout::contiguous(&[n]); 2],
            reduce_kept: Some(0),
            out_offset: 0,
            name: "",
            gathers: Vec::new(),
        };
        let cases: [(&str, &ElementwiseKernel, &Launch, &[&Buffer], usize); 2] = [
            ("W1 a*b + c*d - e", &w1, &w1_launch, &refs[..], n),
            ("(x*y).sum()", &dot, &dot_launch, &refs[..2], 1),
        ];
        // Each sample runs about 1e7 elements.
        let reps = (10_000_000 / n).max(1);
        for (name, kernel, launch, inputs, out_len) in cases {
            let mut out = Buffer::zeros(DType::F32, out_len, "bench").unwrap();
            let mut time = |checks| {
                let t = Instant::now();
                for _ in 0..reps {
                    numcrane_jit::run_with(kernel, launch, inputs, &mut out, checks).unwrap();
                }
                t.elapsed().as_secs_f64() * 1e3 / reps as f64
            };
            for _ in 0..3 {
                time(Checks::Off);
                time(Checks::Bounds);
            }
            let (mut off, mut on) = (Vec::new(), Vec::new());
            for _ in 0..21 {
                off.push(time(Checks::Off));
                on.push(time(Checks::Bounds));
            }
            let median = |v: &mut Vec<f64>| {
                v.sort_by(f64::total_cmp);
                v[v.len() / 2]
            };
            let (off, on) = (median(&mut off), median(&mut on));
            println!(
                "{name}, {n} f32: unchecked {off:.3} ms, checked {on:.3} ms (x{:.2}), medians of 21",
                on / off
            );
        }
    }
}
