//! Checked mode (`Checks::Bounds`, what `NUMCRANE_CHECKED=1` turns on).
//!
//! - Checked kernels compute the unchecked bits: element-wise and fold kernels over contiguous,
//!   strided and broadcast inputs, vector and scalar loops, serial and parallel launches.
//!   (`common::check` also runs every op test of this crate in both modes.)
//! - An access outside the bounds is refused before it touches memory: direct calls with
//!   bounds too small return the violated slot, and guard elements around the output (and
//!   output elements past the refused access) keep their values.
//! - A launch that skips the runtime's validation (`run_unvalidated_checked`) is stopped by
//!   the generated checks with an `Error` naming the run, the input and the launch shape.
//!
//! Every test picks its mode through the API, never through the environment variable, so
//! tests run in parallel (the variable is tested end to end in `tests/checked_mode.rs` at the
//! repository root, in its own process).

mod common;

use common::*;
use numcrane_fuse::kernel::{
    ElementwiseKernel, InnerClass, InstrKind, Launch, ReduceInner, Reduction,
};
use numcrane_graph::{BinaryOp, Buffer, DType, Layout, ReduceOp};
use numcrane_jit::{Bounds, Checks, CompiledKernel, OutOfBounds};
use std::sync::Arc;

/// `a + b` on f32, both contiguous: a vector loop (8 elements per iteration) and a scalar tail.
fn add_f32() -> ElementwiseKernel {
    binary_kernel(BinaryOp::Add, DType::F32, DType::F32)
}

/// A buffer of shape (r, c), row-major, with random values of `dt`.
fn matrix(rng: &mut Rng, dt: DType, r: usize, c: usize) -> Input {
    let vals = test_values(rng, dt, r * c);
    Input {
        buffer: Arc::new(buffer_of(dt, &vals[..r * c])),
        layout: Layout::contiguous(&[r, c]),
    }
}

/// A (r, c) view of a (c, r) matrix: inner stride r.
fn transposed(rng: &mut Rng, dt: DType, r: usize, c: usize) -> Input {
    let m = matrix(rng, dt, c, r);
    Input {
        layout: m.layout.permute(&[1, 0]),
        buffer: m.buffer,
    }
}

/// A (r, c) view repeating one row of c values (outer stride 0).
fn row_broadcast(rng: &mut Rng, dt: DType, r: usize, c: usize) -> Input {
    let m = matrix(rng, dt, 1, c);
    Input {
        layout: Layout {
            shape: vec![r, c],
            strides: vec![0, 1],
            offset: 0,
        },
        buffer: m.buffer,
    }
}

/// A (r, c) view repeating one column of r values (inner stride 0).
fn column_broadcast(rng: &mut Rng, dt: DType, r: usize, c: usize) -> Input {
    let m = matrix(rng, dt, r, 1);
    Input {
        layout: Layout {
            shape: vec![r, c],
            strides: vec![1, 0],
            offset: 0,
        },
        buffer: m.buffer,
    }
}

/// A (r, c) view flipped along its rows: inner stride -1.
fn flipped(rng: &mut Rng, dt: DType, r: usize, c: usize) -> Input {
    let m = matrix(rng, dt, r, c);
    Input {
        layout: m.layout.flip(1),
        buffer: m.buffer,
    }
}

/// Runs `kernel` (its classes set from `inputs`) over `launch` unchecked and checked; panics
/// unless both give the same bits, and unless the checked code kept the vector loop.
#[track_caller]
fn same_both_ways(kernel: &ElementwiseKernel, inputs: &[Input], launch: &Launch, out_len: usize) {
    let kernel = with_classes(kernel, inputs);
    let unchecked = numcrane_jit::get_or_compile(&kernel).unwrap();
    let checked = numcrane_jit::get_or_compile_with(&kernel, Checks::Bounds).unwrap();
    assert_eq!(checked.checks(), Checks::Bounds);
    assert_eq!(unchecked.checks(), Checks::Off);
    assert_eq!(checked.vector_width(), unchecked.vector_width());
    let bufs: Vec<&Buffer> = inputs.iter().map(|i| &*i.buffer).collect();
    let run = |checks| {
        let mut out = Buffer::zeros(kernel.out_dtype(), out_len, "test").unwrap();
        numcrane_jit::run_with(&kernel, launch, &bufs, &mut out, checks).unwrap();
        scalars_of(&out)
    };
    let what = format!("{kernel:?}\n{launch:?}");
    assert_same_bits(&run(Checks::Off), &run(Checks::Bounds), &what);
}

fn elementwise_launch(shape: &[usize], inputs: &[Input]) -> Launch {
    Launch {
        shape: shape.to_vec(),
        layouts: inputs.iter().map(|i| i.layout.clone()).collect(),
        reduce_kept: None,
        out_offset: 0,
        name: "",
        gathers: Vec::new(),
    }
}

#[test]
fn elementwise_kernels_give_the_unchecked_bits() {
    let mut rng = Rng(71);
    // (3, 5): tails only; (7, 45): vector body and tail per row; (700, 300): parallel chunks.
    for (r, c) in [(3, 5), (7, 45), (700, 300)] {
        for dt in [DType::F32, DType::F64, DType::I32, DType::U8] {
            let k = w1(dt);
            let layouts: [Vec<Input>; 3] = [
                // all contiguous: the vector loop (scalar for u8: no 8-bit multiply)
                (0..5).map(|_| matrix(&mut rng, dt, r, c)).collect(),
                // broadcast row and column, flipped: vector loop with hoisted loads, and a
                // strided input (scalar loop)
                vec![
                    matrix(&mut rng, dt, r, c),
                    row_broadcast(&mut rng, dt, r, c),
                    column_broadcast(&mut rng, dt, r, c),
                    matrix(&mut rng, dt, r, c),
                    matrix(&mut rng, dt, r, c),
                ],
                vec![
                    transposed(&mut rng, dt, r, c),
                    matrix(&mut rng, dt, r, c),
                    flipped(&mut rng, dt, r, c),
                    column_broadcast(&mut rng, dt, r, c),
                    matrix(&mut rng, dt, r, c),
                ],
            ];
            for inputs in &layouts {
                same_both_ways(&k, inputs, &elementwise_launch(&[r, c], inputs), r * c);
            }
        }
    }
    // Vector and scalar loops are both exercised above.
    assert_eq!(
        numcrane_jit::codegen::vector_width(&w1(DType::F32)),
        Some(4)
    );
    assert_eq!(numcrane_jit::codegen::vector_width(&w1(DType::U8)), None);
}

/// `fold(load 0 <op> load 1)`: a product for numbers, a comparison for bool folds.
fn fold_kernel(op: ReduceOp, dt: DType, inner: ReduceInner) -> ElementwiseKernel {
    let (combine, out) = if matches!(op, ReduceOp::Any | ReduceOp::All) {
        (BinaryOp::Gt, DType::Bool)
    } else {
        (BinaryOp::Mul, dt)
    };
    let mut k = binary_kernel(combine, dt, out);
    k.reduce = Some(Reduction { op, inner });
    k
}

#[test]
fn fold_kernels_give_the_unchecked_bits() {
    let mut rng = Rng(72);
    let folds = [
        (ReduceOp::Sum, DType::F32),
        (ReduceOp::Sum, DType::F64),
        (ReduceOp::Max, DType::F64),
        (ReduceOp::Sum, DType::I32),
        (ReduceOp::Min, DType::I64),
        (ReduceOp::Any, DType::F32),
    ];
    for (op, dt) in folds {
        // x.sum(): one long row, in pieces over the threads.
        let n = 300_001;
        let inputs = vec![matrix(&mut rng, dt, 1, n), matrix(&mut rng, dt, 1, n)];
        let inputs: Vec<Input> = inputs
            .into_iter()
            .map(|i| Input {
                layout: Layout::contiguous(&[n]),
                ..i
            })
            .collect();
        let launch = Launch {
            shape: vec![n],
            layouts: inputs.iter().map(|i| i.layout.clone()).collect(),
            reduce_kept: Some(0),
            out_offset: 0,
            name: "",
            gathers: Vec::new(),
        };
        same_both_ways(&fold_kernel(op, dt, ReduceInner::Row), &inputs, &launch, 1);

        // (2400, 450): the column fold runs in two groups, the row folds in parallel.
        for (r, c) in [(7, 45), (2400, 450)] {
            let views = [
                vec![
                    matrix(&mut rng, dt, r, c),
                    row_broadcast(&mut rng, dt, r, c),
                ],
                vec![
                    transposed(&mut rng, dt, r, c),
                    column_broadcast(&mut rng, dt, r, c),
                ],
                vec![flipped(&mut rng, dt, r, c), matrix(&mut rng, dt, r, c)],
            ];
            for inputs in &views {
                let layouts: Vec<Layout> = inputs.iter().map(|i| i.layout.clone()).collect();
                // x.sum(axis=1): one row fold per output.
                let rows = Launch {
                    shape: vec![r, c],
                    layouts: layouts.clone(),
                    reduce_kept: Some(1),
                    out_offset: 0,
                    name: "",
                    gathers: Vec::new(),
                };
                same_both_ways(&fold_kernel(op, dt, ReduceInner::Row), inputs, &rows, r);
                // x.sum(axis=0): rows added into a row of outputs, in groups.
                let columns = Launch {
                    shape: vec![r, c],
                    layouts,
                    reduce_kept: Some(0),
                    out_offset: 0,
                    name: "",
                    gathers: Vec::new(),
                };
                same_both_ways(
                    &fold_kernel(op, dt, ReduceInner::Columns),
                    inputs,
                    &columns,
                    c,
                );
            }
        }
    }
}

#[test]
fn the_cache_keeps_checked_and_unchecked_code_apart() {
    let mut k = add_f32();
    // A constant no other test uses, so this kernel is this test's alone.
    k.instrs.push(instr(
        InstrKind::Const(numcrane_graph::Scalar::F32(-71.5)),
        DType::F32,
    ));
    let checked = numcrane_jit::get_or_compile_with(&k, Checks::Bounds).unwrap();
    let unchecked = numcrane_jit::get_or_compile(&k).unwrap();
    assert!(!Arc::ptr_eq(&checked, &unchecked));
    assert_eq!(checked.checks(), Checks::Bounds);
    assert_eq!(unchecked.checks(), Checks::Off);
    let again = numcrane_jit::get_or_compile_with(&k, Checks::Bounds).unwrap();
    assert!(
        Arc::ptr_eq(&checked, &again),
        "a second checked lookup compiled again"
    );
    let again = numcrane_jit::get_or_compile_with(&k, Checks::Off).unwrap();
    assert!(Arc::ptr_eq(&unchecked, &again));
}

// ------------------------------------------------------------------------------------------
// Direct calls with bounds that are too small
// ------------------------------------------------------------------------------------------

/// Output elements are surrounded by this many guard elements on each side.
const GUARD: usize = 16;
/// What every output and guard element holds before a call.
const UNTOUCHED: f32 = -12345.0;

/// An output region of `n` f32 with guards: `v[GUARD..GUARD + n]` is the output.
fn guarded_output(n: usize) -> Vec<f32> {
    vec![UNTOUCHED; n + 2 * GUARD]
}

fn bounds_of(v: &[f32]) -> Bounds {
    Bounds::of_bytes(v.as_ptr().cast(), std::mem::size_of_val(v))
}

fn checked(kernel: &ElementwiseKernel) -> Arc<CompiledKernel> {
    numcrane_jit::get_or_compile_with(kernel, Checks::Bounds).unwrap()
}

/// Calls `kernel` on `n` elements of `a` and `b` (read with `strides`) into `out[GUARD..]`,
/// with bounds `ba`, `bb` for the inputs and the first `out_ok` outputs as the output's.
#[allow(clippy::too_many_arguments)]
fn call(
    kernel: &CompiledKernel,
    n: usize,
    a: &[f32],
    b: &[f32],
    strides: [isize; 2],
    (ba, bb): (Bounds, Bounds),
    out: &mut [f32],
    out_ok: usize,
) -> Result<(), OutOfBounds> {
    assert!(out.len() >= out_ok + 2 * GUARD && a.len().min(b.len()) > 0);
    let inputs = [a.as_ptr().cast::<u8>(), b.as_ptr().cast::<u8>()];
    let out_ptr = out[GUARD..].as_mut_ptr();
    let bounds = [ba, bb, bounds_of(&out[GUARD..GUARD + out_ok])];
    // SAFETY: the kernel reads two f32 inputs and writes f32; each input's bounds lie inside
    // `a` or `b` (callers pass sub-slices of them), the output's inside `out`, which this
    // function borrows mutably; `inputs` and `strides` hold two entries.
    unsafe {
        kernel.call_row_checked(
            n,
            out_ptr.cast(),
            inputs.as_ptr(),
            strides.as_ptr(),
            &bounds,
        )
    }
}

fn values(n: usize, scale: f32) -> Vec<f32> {
    (0..n).map(|i| i as f32 * scale + 1.0).collect()
}

/// The output elements `out[GUARD + from ..]` (and the guards) are untouched, those before
/// hold `a + b`.
#[track_caller]
fn written_up_to(out: &[f32], a: &[f32], b: &[f32], from: usize) {
    for (j, v) in out.iter().enumerate() {
        let expect = if j >= GUARD && j < GUARD + from {
            a[j - GUARD] + b[j - GUARD]
        } else {
            UNTOUCHED
        };
        assert_eq!(
            v.to_bits(),
            expect.to_bits(),
            "output slot {j} (element {}) is {v}, expected {expect}",
            j as isize - GUARD as isize
        );
    }
}

#[test]
fn reads_outside_the_bounds_are_refused() {
    let k = checked(&add_f32());
    assert_eq!(k.vector_width(), Some(4));
    let n = 64;
    let (a, b) = (values(n, 1.0), values(n, 0.5));

    // Within bounds: the whole row.
    let mut out = guarded_output(n);
    let all = (bounds_of(&a), bounds_of(&b));
    assert_eq!(call(&k, n, &a, &b, [1, 1], all, &mut out, n), Ok(()));
    written_up_to(&out, &a, &b, n);

    // Input 1 may be read for 40 elements: the vector loop stops at element 40 (8 per
    // iteration, the first vector of that iteration is refused).
    let mut out = guarded_output(n);
    let short = (bounds_of(&a), bounds_of(&b[..40]));
    assert_eq!(
        call(&k, n, &a, &b, [1, 1], short, &mut out, n),
        Err(OutOfBounds::Input(1))
    );
    written_up_to(&out, &a, &b, 40);

    // 42 elements: the vector of elements 40..44 straddles the end, so it is refused whole.
    let mut out = guarded_output(n);
    let short = (bounds_of(&a), bounds_of(&b[..42]));
    assert_eq!(
        call(&k, n, &a, &b, [1, 1], short, &mut out, n),
        Err(OutOfBounds::Input(1))
    );
    written_up_to(&out, &a, &b, 40);

    // Input 0's bounds start one element late: the first access is below them.
    let mut out = guarded_output(n);
    let late = (bounds_of(&a[1..]), bounds_of(&b));
    assert_eq!(
        call(&k, n, &a, &b, [1, 1], late, &mut out, n),
        Err(OutOfBounds::Input(0))
    );
    written_up_to(&out, &a, &b, 0);

    // The scalar tail: 37 elements, input 0 readable for 35 (the vector loop covers 32).
    let mut out = guarded_output(n);
    let short = (bounds_of(&a[..35]), bounds_of(&b));
    assert_eq!(
        call(&k, 37, &a, &b, [1, 1], short, &mut out, 37),
        Err(OutOfBounds::Input(0))
    );
    written_up_to(&out, &a, &b, 35);

    // Empty bounds refuse everything, also at address 0 and with hi < lo.
    for empty in [
        Bounds { lo: 0, hi: 0 },
        Bounds {
            lo: b.as_ptr().addr() + 8,
            hi: b.as_ptr().addr(),
        },
    ] {
        let mut out = guarded_output(n);
        assert_eq!(
            call(&k, n, &a, &b, [1, 1], (bounds_of(&a), empty), &mut out, n),
            Err(OutOfBounds::Input(1))
        );
        written_up_to(&out, &a, &b, 0);
    }
}

#[test]
fn strided_and_broadcast_reads_outside_the_bounds_are_refused() {
    let n = 20;
    // Input 0 read with stride 3 (the scalar loop), input 1 broadcast (loaded once).
    let mut kernel = add_f32();
    kernel.inputs[0].inner = InnerClass::Strided;
    kernel.inputs[1].inner = InnerClass::Broadcast;
    let k = checked(&kernel);
    assert_eq!(k.vector_width(), None);
    let a = values(3 * n, 1.0);
    let b = [2.5f32];
    let expect: Vec<f32> = (0..n).map(|j| a[3 * j] + b[0]).collect();

    let mut out = guarded_output(n);
    let ok = (bounds_of(&a), bounds_of(&b));
    assert_eq!(call(&k, n, &a, &b, [3, 0], ok, &mut out, n), Ok(()));
    assert_eq!(&out[GUARD..GUARD + n], &expect[..]);

    // Element j of input 0 is a[3j]: bounds of 31 elements admit j <= 10.
    let mut out = guarded_output(n);
    let short = (bounds_of(&a[..31]), bounds_of(&b));
    assert_eq!(
        call(&k, n, &a, &b, [3, 0], short, &mut out, n),
        Err(OutOfBounds::Input(0))
    );
    assert_eq!(&out[GUARD..GUARD + 11], &expect[..11]);
    assert!(out[..GUARD].iter().all(|v| *v == UNTOUCHED));
    assert!(out[GUARD + 11..].iter().all(|v| *v == UNTOUCHED));

    // The broadcast value is outside its bounds: refused before the loop writes anything.
    let mut out = guarded_output(n);
    let none = (bounds_of(&a), bounds_of(&b[..0]));
    assert_eq!(
        call(&k, n, &a, &b, [3, 0], none, &mut out, n),
        Err(OutOfBounds::Input(1))
    );
    assert!(out.iter().all(|v| *v == UNTOUCHED));
}

#[test]
fn writes_outside_the_bounds_are_refused() {
    let k = checked(&add_f32());
    let n = 64;
    let (a, b) = (values(n, 1.0), values(n, 0.5));
    let ins = (bounds_of(&a), bounds_of(&b));

    // 37 writable outputs: the vector of elements 36..40 would end past them, so it is not
    // stored; elements 36.. and the guards keep their values.
    let mut out = guarded_output(n);
    assert_eq!(
        call(&k, n, &a, &b, [1, 1], ins, &mut out, 37),
        Err(OutOfBounds::Output)
    );
    written_up_to(&out, &a, &b, 36);

    // The scalar tail: 37 elements, 36 writable.
    let mut out = guarded_output(n);
    assert_eq!(
        call(&k, 37, &a, &b, [1, 1], ins, &mut out, 36),
        Err(OutOfBounds::Output)
    );
    written_up_to(&out, &a, &b, 36);

    // n == 0 touches nothing, whatever the bounds.
    let mut out = guarded_output(n);
    assert_eq!(call(&k, 0, &a, &b, [1, 1], ins, &mut out, 0), Ok(()));
    written_up_to(&out, &a, &b, 0);
}

#[test]
fn folds_refuse_output_accesses_outside_the_bounds() {
    let n = 64;
    let (a, b) = (values(n, 1.0), values(n, 0.5));
    let ins = (bounds_of(&a), bounds_of(&b));

    // A column fold reads and writes a row of outputs (sum of a*b into out[0..n]).
    let columns = checked(&fold_kernel(
        ReduceOp::Sum,
        DType::F32,
        ReduceInner::Columns,
    ));
    let mut out = guarded_output(n);
    out[GUARD..GUARD + n].fill(1.0);
    let r = call(&columns, n, &a, &b, [1, 1], ins, &mut out, 20);
    assert_eq!(r, Err(OutOfBounds::Output));
    for (j, v) in out.iter().enumerate() {
        let e = j.wrapping_sub(GUARD);
        // Vectors of 4: elements 16..20 fit the 20 writable ones, 20..24 do not.
        let expect = if e < 20 {
            1.0 + a[e] * b[e]
        } else if e < n {
            1.0
        } else {
            UNTOUCHED
        };
        assert_eq!(*v, expect, "output slot {j}");
    }

    // A row fold reads its inputs, then folds into out[0]: with no writable output it stops
    // there, the slot untouched.
    let row = checked(&fold_kernel(ReduceOp::Sum, DType::F32, ReduceInner::Row));
    let mut out = guarded_output(1);
    assert_eq!(
        call(&row, n, &a, &b, [1, 1], ins, &mut out, 0),
        Err(OutOfBounds::Output)
    );
    assert!(out.iter().all(|v| *v == UNTOUCHED));
    out[GUARD] = 0.0;
    assert_eq!(call(&row, n, &a, &b, [1, 1], ins, &mut out, 1), Ok(()));
    let total: f32 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
    assert!((out[GUARD] - total).abs() <= total * 1e-6);
}

#[test]
fn call_row_runs_checked_code_without_bounds() {
    let k = checked(&add_f32());
    let (a, b) = (values(19, 1.0), values(19, 2.0));
    let mut out = vec![0f32; 19];
    let inputs = [a.as_ptr().cast::<u8>(), b.as_ptr().cast::<u8>()];
    // SAFETY: two contiguous f32 inputs of 19 elements, 19 writable f32 outputs.
    unsafe {
        k.call_row(
            19,
            out.as_mut_ptr().cast(),
            inputs.as_ptr(),
            [1isize, 1].as_ptr(),
        )
    };
    assert!(out.iter().enumerate().all(|(j, v)| *v == a[j] + b[j]));
}

#[test]
#[should_panic(expected = "compiled without checks")]
fn call_row_checked_needs_checked_code() {
    let k = numcrane_jit::get_or_compile(&add_f32()).unwrap();
    let x = [0f32; 4];
    let inputs = [x.as_ptr().cast::<u8>(); 2];
    let mut out = [0f32; 4];
    let b = bounds_of(&x);
    // SAFETY: never reaches the kernel (the call panics first); the arguments would be valid
    // for 4 elements anyway.
    let _ = unsafe {
        k.call_row_checked(
            4,
            out.as_mut_ptr().cast(),
            inputs.as_ptr(),
            [1isize, 1].as_ptr(),
            &[b, b, b],
        )
    };
}

// ------------------------------------------------------------------------------------------
// Launches that skip validation
// ------------------------------------------------------------------------------------------

/// Runs `launch` through `run_unvalidated_checked`; returns the error message.
#[track_caller]
fn unvalidated_error(kernel: &ElementwiseKernel, launch: &Launch, bufs: &[&Buffer]) -> String {
    let out_len = match (&kernel.reduce, launch.reduce_kept) {
        (Some(r), Some(kept)) => {
            let outer: usize = launch.shape[..kept].iter().product();
            match r.inner {
                ReduceInner::Row => outer,
                ReduceInner::Columns => outer * launch.shape.last().unwrap(),
            }
        }
        _ => launch.shape.iter().product(),
    };
    let mut out = Buffer::zeros(kernel.out_dtype(), out_len, "test").unwrap();
    // The validated entry refuses these launches before running anything.
    let refused = numcrane_jit::run_with(kernel, launch, bufs, &mut out, Checks::Bounds);
    assert!(refused.is_err(), "validation accepted {launch:?}");
    let e = numcrane_jit::runtime::run_unvalidated_checked(kernel, launch, bufs, &mut out)
        .expect_err("the checks must stop this launch");
    assert!(
        matches!(e, numcrane_graph::Error::Internal { op: "jit run", .. }),
        "{e:?}"
    );
    e.to_string()
}

#[track_caller]
fn assert_names(message: &str, needles: &[&str]) {
    for n in needles {
        assert!(message.contains(n), "{message:?} does not name {n:?}");
    }
}

#[test]
fn unvalidated_launches_are_stopped_by_the_checks() {
    let small = buffer_of(
        DType::F32,
        &test_values(&mut Rng(73), DType::F32, 100)[..100],
    );
    let big = buffer_of(
        DType::F32,
        &test_values(&mut Rng(74), DType::F32, 1000)[..1000],
    );

    // A layout reaching past the end of its buffer (input 1 has 100 elements, not 1000).
    let k = add_f32();
    let launch = Launch {
        shape: vec![1000],
        layouts: vec![Layout::contiguous(&[1000]); 2],
        reduce_kept: None,
        out_offset: 0,
        name: "",
        gathers: Vec::new(),
    };
    let m = unvalidated_error(&k, &launch, &[&big, &small]);
    assert_names(&m, &["input 1", "[1000]", "checked mode"]);

    // The same in a parallel launch: rows of 1000 over 300 rows, the last ones out of range.
    let huge = buffer_of(DType::F32, &vec![numcrane_graph::Scalar::F32(1.0); 299_000]);
    let launch = Launch {
        shape: vec![300, 1000],
        layouts: vec![Layout::contiguous(&[300, 1000]); 2],
        reduce_kept: None,
        out_offset: 0,
        name: "",
        gathers: Vec::new(),
    };
    let m = unvalidated_error(&k, &launch, &[&huge, &huge]);
    assert_names(&m, &["input 0", "[300, 1000]", "row 299"]);

    // A layout inside its buffer that contradicts its class: compiled contiguous, read with
    // stride -1 from element 99, the code walks forward past the layout's elements 0..100.
    let backwards = Layout {
        shape: vec![100],
        strides: vec![-1],
        offset: 99,
    };
    let launch = Launch {
        shape: vec![100],
        layouts: vec![Layout::contiguous(&[100]), backwards],
        reduce_kept: None,
        out_offset: 0,
        name: "",
        gathers: Vec::new(),
    };
    let m = unvalidated_error(&k, &launch, &[&small, &small]);
    assert_names(&m, &["input 1", "[100]"]);

    // A negative offset (the layout starts before the buffer).
    let launch = Launch {
        shape: vec![10],
        layouts: vec![
            Layout::contiguous(&[10]),
            Layout {
                shape: vec![10],
                strides: vec![-1],
                offset: 5,
            },
        ],
        reduce_kept: None,
        out_offset: 0,
        name: "",
        gathers: Vec::new(),
    };
    let mut kernel = k.clone();
    kernel.inputs[1].inner = InnerClass::Strided;
    let m = unvalidated_error(&kernel, &launch, &[&small, &small]);
    assert_names(&m, &["input 1", "[10]"]);

    // Folds: a row fold and a column fold over a layout past the end of input 0.
    for (inner, kept) in [(ReduceInner::Row, 1), (ReduceInner::Columns, 0)] {
        let k = fold_kernel(ReduceOp::Sum, DType::F32, inner);
        let launch = Launch {
            shape: vec![10, 100],
            layouts: vec![
                Layout::contiguous(&[10, 100]),
                Layout {
                    shape: vec![10, 100],
                    strides: vec![0, 1],
                    offset: 0,
                },
            ],
            reduce_kept: Some(kept),
            out_offset: 0,
            name: "",
            gathers: Vec::new(),
        };
        let m = unvalidated_error(&k, &launch, &[&small, &small]);
        assert_names(&m, &["input 0", "[10, 100]", "reduced row"]);
    }
}

#[test]
fn unvalidated_launches_still_check_their_structure() {
    let k = add_f32();
    let small = buffer_of(
        DType::F32,
        &test_values(&mut Rng(75), DType::F32, 100)[..100],
    );
    let i32s = buffer_of(
        DType::I32,
        &test_values(&mut Rng(76), DType::I32, 100)[..100],
    );
    let launch = Launch {
        shape: vec![100],
        layouts: vec![Layout::contiguous(&[100]); 2],
        reduce_kept: None,
        out_offset: 0,
        name: "",
        gathers: Vec::new(),
    };
    let mut out = Buffer::zeros(DType::F32, 100, "test").unwrap();
    let run = numcrane_jit::runtime::run_unvalidated_checked;
    // Wrong dtype, wrong count, wrong output length: refused before anything runs.
    assert!(run(&k, &launch, &[&small, &i32s], &mut out).is_err());
    assert!(run(&k, &launch, &[&small], &mut out).is_err());
    let mut short = Buffer::zeros(DType::F32, 99, "test").unwrap();
    assert!(run(&k, &launch, &[&small, &small], &mut short).is_err());
    // A good launch runs.
    run(&k, &launch, &[&small, &small], &mut out).unwrap();
}
