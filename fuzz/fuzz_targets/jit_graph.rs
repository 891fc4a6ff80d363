//! Fuzzes the fusion pass and the JIT in checked mode (`NUMCRANE_CHECKED=1`: every load and
//! store of a generated kernel is compared with its buffer's bounds, and an access outside
//! them is an error instead of a wild read or write). The bytes drive a small stack machine
//! that builds a random graph with the public API (elementwise ufuncs of several dtypes,
//! broadcasting, strided and reversed views, transposes, casts, where, reductions, scans);
//! the JIT's result must equal the reference evaluator's, and no kernel may touch memory
//! outside its buffers.

#![no_main]

use libfuzzer_sys::fuzz_target;
use numcrane::{self as nc, Array, DType, SliceArg};
use numcrane_fuzz::{check_against_reference, Cursor};

/// The leaves: realized arrays of several dtypes and broadcast-compatible shapes.
fn leaf(k: usize) -> Array {
    let f = |n: usize| (0..n).map(|v| (v as f64 * 0.37 - 1.5).sin() * 3.0);
    match k % 9 {
        0 => Array::from_vec(f(12).collect::<Vec<f64>>(), [3, 4]),
        1 => Array::from_vec(f(4).map(|v| v as f32).collect::<Vec<f32>>(), [4]),
        2 => Array::from_vec(f(3).collect::<Vec<f64>>(), [3, 1]),
        3 => Array::from_vec((0..12).map(|v| v as i64 - 5).collect::<Vec<i64>>(), [3, 4]),
        4 => Array::from_vec((0..4).map(|v| v as i32 * 7 - 9).collect::<Vec<i32>>(), [4]),
        5 => Array::from_vec((0..12).map(|v| v % 3 == 0).collect::<Vec<bool>>(), [3, 4]),
        6 => Array::from_vec(
            (0..24).map(|v| v as u8 * 11).collect::<Vec<u8>>(),
            [2, 3, 4],
        ),
        7 => Array::scalar(2.5f64),
        _ => Array::from_vec(Vec::<f64>::new(), [0, 4]),
    }
}

fn slice(c: &mut Cursor) -> SliceArg {
    let starts = [None, Some(0), Some(1), Some(-1), Some(-3), Some(5)];
    let steps = [1isize, 2, -1, -2, 3];
    SliceArg::Range {
        start: starts[c.below(starts.len())],
        stop: starts[c.below(starts.len())],
        step: steps[c.below(steps.len())],
    }
}

/// Builds the graph the bytes describe.
fn build(data: &[u8]) -> Option<Array> {
    let mut c = Cursor::new(data);
    let mut stack: Vec<Array> = vec![leaf(c.below(9))];
    let mut steps = 0;
    while !c.exhausted() && steps < 24 {
        steps += 1;
        let top = stack.last().cloned()?;
        let other = || stack[stack.len().saturating_sub(2)].clone();
        let next = match c.below(24) {
            0 | 1 => leaf(c.below(9)),
            2 => &top + &other(),
            3 => &top * &other(),
            4 => &top - &other(),
            5 => &top / &other(),
            6 => nc::maximum(&top, &other()),
            7 => nc::floor_divide(&top, &other()),
            8 => nc::remainder(&top, &other()),
            9 => nc::where_(&top.gt(&other()), &top, 1.5),
            10 => top.sqrt(),
            11 => top.exp(),
            12 => top.abs(),
            13 => top.negative(),
            14 => top.tanh(),
            15 => top.transpose(),
            16 => top.slice(vec![slice(&mut c)]),
            17 => top.slice(vec![SliceArg::Ellipsis, slice(&mut c)]),
            18 => {
                let d = [
                    DType::F64,
                    DType::F32,
                    DType::I32,
                    DType::I8,
                    DType::Bool,
                    DType::U16,
                ];
                top.astype(d[c.below(d.len())])
            }
            19 => top.sum(c.below(3) as isize - 1),
            20 => top.max(-1),
            21 => top.cumsum(0),
            22 => nc::power(&top, 2),
            _ => top.le(&other()),
        };
        if next.error().is_some() {
            // An invalid step (shapes that do not broadcast, ...) is skipped, as NumPy's
            // exception would be; the rest of the graph goes on from the last good node.
            continue;
        }
        stack.push(next);
        if stack.len() > 6 {
            stack.remove(0);
        }
    }
    stack.pop()
}

fuzz_target!(
    init: {
        // Checks::from_env reads this once, before the first kernel is compiled.
        std::env::set_var("NUMCRANE_CHECKED", "1");
    },
    |data: &[u8]| {
        check_against_reference("jit graph", || build(data));
    }
);
