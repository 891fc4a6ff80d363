//! Determinism (issue 11): every benchmark workload (src/bench/workloads.rs, at small sizes
//! that still split across threads) gives identical bits on 1 and 2 threads and on repeated
//! runs. Threads come from rayon pools built with `ThreadPoolBuilder` and entered with
//! `install`, as a user's program would set them.

#[path = "../src/bench/workloads.rs"]
#[allow(dead_code)]
mod workloads;

use numcrane::DType;
use workloads::{numcrane_expr, Case, Op};

/// The case of `op` at a small size: vectors of 300 000 elements, 301 x 257 matrices,
/// products of 97 x 83 by 83 x 71.
fn small_case(op: Op, dtype: DType) -> Case {
    let shape: &[usize] = match op {
        Op::MatMul | Op::Dense => &[97, 83, 71],
        Op::W3 | Op::Sum0 | Op::Sum1 | Op::Softmax => &[301, 257],
        Op::Add | Op::Chain => &[7],
        _ => &[300_000],
    };
    Case::new(op, dtype, shape)
}

/// The result's bytes for `case`, computed on a pool of `threads` threads (fresh inputs and
/// graph each time).
fn run_on(case: &Case, threads: usize) -> Vec<u8> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("a rayon pool");
    pool.install(|| {
        let inputs = case.numcrane_inputs().expect("inputs");
        let r = numcrane_expr(case.op, &inputs).expect("the workload's graph");
        let r = r.eval().unwrap_or_else(|e| panic!("{}: {e}", case.key()));
        r.contiguous_bytes().expect("bytes")
    })
}

#[test]
fn workloads_are_bitwise_deterministic_across_threads_and_runs() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for op in Op::ALL {
        for dtype in [DType::F32, DType::F64] {
            let case = small_case(op, dtype);
            let one = run_on(&case, 1);
            let two = run_on(&case, 2);
            let again = run_on(&case, 2);
            let once_more = run_on(&case, 1);
            assert!(!one.is_empty(), "{}: empty result", case.key());
            if one != two {
                failures.push(format!("{}: 1 thread and 2 threads differ", case.key()));
            }
            if two != again || one != once_more {
                failures.push(format!("{}: two runs differ", case.key()));
            }
            checked += 1;
        }
    }
    assert_eq!(checked, Op::ALL.len() * 2);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
