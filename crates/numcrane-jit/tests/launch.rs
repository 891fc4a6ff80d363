//! Launches: multi-dimensional shapes, views (transposed, flipped, broadcast, offset), empty
//! shapes, validation of everything before generated code runs, vectorisation decisions and
//! compile time.

mod common;

use common::*;
use numcrane_fuse::kernel::{ElementwiseKernel, InnerClass, InstrKind, Launch};
use numcrane_graph::{BinaryOp, Buffer, DType, Error, Layout, Scalar, UnaryOp};
use std::sync::Arc;

/// A 2-D buffer of shape (r, c), row-major, with random values.
fn matrix(rng: &mut Rng, dt: DType, r: usize, c: usize) -> Input {
    let vals = test_values(rng, dt, r * c);
    Input {
        buffer: Arc::new(buffer_of(dt, &vals[..r * c])),
        layout: Layout::contiguous(&[r, c]),
    }
}

fn transposed(i: &Input) -> Input {
    Input {
        buffer: Arc::clone(&i.buffer),
        layout: i.layout.permute(&[1, 0]),
    }
}

fn flipped(i: &Input, axis: usize) -> Input {
    Input {
        buffer: Arc::clone(&i.buffer),
        layout: i.layout.flip(axis),
    }
}

#[test]
fn w1_is_vectorised_and_exact_in_2d_views() {
    let mut rng = Rng(10);
    for dt in [
        DType::F32,
        DType::F64,
        DType::I32,
        DType::I64,
        DType::U8,
        DType::I16,
    ] {
        let k = w1(dt);
        let expect_width = if dt == DType::U8 {
            None
        } else {
            Some(dt.itemsize() as u32)
        };
        assert_eq!(
            numcrane_jit::codegen::vector_width(&k),
            expect_width,
            "{dt:?}"
        );
        let (r, c) = (7, 13);
        let a = matrix(&mut rng, dt, r, c);
        let b = matrix(&mut rng, dt, r, c);
        let ct = matrix(&mut rng, dt, c, r); // read transposed: strided inner
        let d = matrix(&mut rng, dt, r, c);
        let row = matrix(&mut rng, dt, 1, c); // broadcast along rows
        let row_b = Input {
            buffer: Arc::clone(&row.buffer),
            layout: row.layout.broadcast_to(&[r, c]),
        };
        let col = matrix(&mut rng, dt, r, 1); // broadcast along columns: stride 0 inner
        let col_b = Input {
            buffer: Arc::clone(&col.buffer),
            layout: col.layout.broadcast_to(&[r, c]),
        };
        check(
            &k,
            &[a.clone(), b.clone(), d.clone(), b.clone(), a.clone()],
            &[r, c],
        );
        check(
            &k,
            &[
                flipped(&a, 0),
                transposed(&ct),
                row_b.clone(),
                col_b.clone(),
                flipped(&d, 1),
            ],
            &[r, c],
        );
        check(
            &k,
            &[
                col_b,
                row_b,
                flipped(&flipped(&a, 1), 0),
                d.clone(),
                transposed(&ct),
            ],
            &[r, c],
        );
    }
}

#[test]
fn three_d_with_offsets_and_slices() {
    let mut rng = Rng(11);
    let dt = DType::F64;
    let base = {
        let vals = test_values(&mut rng, dt, 4 * 6 * 10);
        Input {
            buffer: Arc::new(buffer_of(dt, &vals[..240])),
            layout: Layout::contiguous(&[4, 6, 10]),
        }
    };
    // x[1:4, ::-2, 2:9]  -> shape (3, 3, 7), offset inside the buffer
    let sliced = Input {
        buffer: Arc::clone(&base.buffer),
        layout: base
            .layout
            .slice_axis(0, 1, 1, 3)
            .slice_axis(1, 5, -2, 3)
            .slice_axis(2, 2, 1, 7),
    };
    // x.permute(2, 0, 1)[..] sliced to the same shape
    let permuted = Input {
        buffer: Arc::clone(&base.buffer),
        layout: base
            .layout
            .permute(&[1, 0, 2])
            .slice_axis(0, 0, 2, 3)
            .slice_axis(1, 0, 1, 3)
            .slice_axis(2, 3, 1, 7),
    };
    let k = binary_kernel(BinaryOp::Maximum, dt, dt);
    check(&k, &[sliced.clone(), permuted.clone()], &[3, 3, 7]);
    let k = binary_kernel(BinaryOp::Rem, dt, dt);
    check(&k, &[permuted, sliced], &[3, 3, 7]);
}

#[test]
fn long_rows_and_all_tail_lengths() {
    // Every length from 0 to 40 exercises the vector loop's bound and the scalar tail.
    let mut rng = Rng(12);
    for dt in [DType::F32, DType::F64, DType::Bool, DType::U8, DType::I16] {
        let op = if dt == DType::Bool {
            BinaryOp::LogicalXor
        } else {
            BinaryOp::Sub
        };
        let k = binary_kernel(op, dt, dt);
        for n in 0..41 {
            let a = random_values(&mut rng, dt, n);
            let b = random_values(&mut rng, dt, n);
            check(&k, &[contiguous(dt, &a), contiguous(dt, &b)], &[n]);
        }
        let n = 100_003;
        let a = random_values(&mut rng, dt, n);
        let b = random_values(&mut rng, dt, n);
        check(&k, &[contiguous(dt, &a), contiguous(dt, &b)], &[n]);
    }
}

#[test]
fn empty_shapes_do_nothing() {
    let k = binary_kernel(BinaryOp::Add, DType::F32, DType::F32);
    for shape in [vec![0], vec![3, 0], vec![0, 5], vec![2, 0, 4]] {
        let layout = Layout::contiguous(&shape);
        let empty = Arc::new(Buffer::zeros(DType::F32, 0, "t").unwrap());
        let input = Input {
            buffer: empty,
            layout,
        };
        let launch = Launch {
            reduce_kept: None,
            out_offset: 0,
            name: "",
            gathers: Vec::new(),
            shape: shape.clone(),
            layouts: vec![input.layout.clone(), input.layout.clone()],
        };
        let mut out = Buffer::zeros(DType::F32, 0, "t").unwrap();
        numcrane_jit::run(&k, &launch, &[&input.buffer, &input.buffer], &mut out).unwrap();
    }
}

fn internal_message(r: numcrane_graph::Result<()>) -> String {
    match r {
        Err(Error::Internal { message, .. }) => message,
        other => panic!("expected Error::Internal, got {other:?}"),
    }
}

#[test]
fn bad_launches_are_errors_before_anything_runs() {
    let k = binary_kernel(BinaryOp::Add, DType::F32, DType::F32);
    let a = Buffer::from_slice::<f32>(&[1.0; 8]).unwrap();
    let b64 = Buffer::from_slice::<f64>(&[1.0; 8]).unwrap();
    let good = Layout::contiguous(&[8]);
    let launch = |layouts: Vec<Layout>| Launch {
        reduce_kept: None,
        out_offset: 0,
        name: "",
        gathers: Vec::new(),
        shape: vec![8],
        layouts,
    };
    let mut out = Buffer::zeros(DType::F32, 8, "t").unwrap();
    // sanity: the good launch works
    numcrane_jit::run(
        &k,
        &launch(vec![good.clone(), good.clone()]),
        &[&a, &a],
        &mut out,
    )
    .unwrap();

    let m = internal_message(numcrane_jit::run(
        &k,
        &launch(vec![good.clone()]),
        &[&a],
        &mut out,
    ));
    assert!(m.contains("inputs"), "{m}");
    let m = internal_message(numcrane_jit::run(
        &k,
        &launch(vec![good.clone(), good.clone()]),
        &[&a, &b64],
        &mut out,
    ));
    assert!(m.contains("F64"), "{m}");
    // layout beyond the buffer
    let far = Layout {
        shape: vec![8],
        strides: vec![1],
        offset: 1,
    };
    let m = internal_message(numcrane_jit::run(
        &k,
        &launch(vec![good.clone(), far]),
        &[&a, &a],
        &mut out,
    ));
    assert!(m.contains("reaches"), "{m}");
    // negative reach
    let neg = Layout {
        shape: vec![8],
        strides: vec![-1],
        offset: 6,
    };
    internal_message(numcrane_jit::run(
        &k,
        &launch(vec![good.clone(), neg]),
        &[&a, &a],
        &mut out,
    ));
    // absurd strides overflow
    let huge = Layout {
        shape: vec![8],
        strides: vec![isize::MAX / 2],
        offset: 0,
    };
    internal_message(numcrane_jit::run(
        &k,
        &launch(vec![good.clone(), huge]),
        &[&a, &a],
        &mut out,
    ));
    // shape mismatch
    let short = Layout::contiguous(&[4]);
    internal_message(numcrane_jit::run(
        &k,
        &launch(vec![good.clone(), short]),
        &[&a, &a],
        &mut out,
    ));
    // class mismatch: compiled contiguous, stride 2 given
    let strided = Layout {
        shape: vec![4],
        strides: vec![2],
        offset: 0,
    };
    let m = internal_message(numcrane_jit::run(
        &k,
        &Launch {
            reduce_kept: None,
            out_offset: 0,
            name: "",
            gathers: Vec::new(),
            shape: vec![4],
            layouts: vec![strided.clone(), strided.clone()],
        },
        &[&a, &a],
        &mut Buffer::zeros(DType::F32, 4, "t").unwrap(),
    ));
    assert!(m.contains("inner stride"), "{m}");
    // broadcast class with a nonzero stride
    let mut kb = k.clone();
    kb.inputs[1].inner = InnerClass::Broadcast;
    internal_message(numcrane_jit::run(
        &kb,
        &launch(vec![good.clone(), good.clone()]),
        &[&a, &a],
        &mut out,
    ));
    // output of the wrong dtype or size
    let mut out64 = Buffer::zeros(DType::F64, 8, "t").unwrap();
    internal_message(numcrane_jit::run(
        &k,
        &launch(vec![good.clone(), good.clone()]),
        &[&a, &a],
        &mut out64,
    ));
    let mut out7 = Buffer::zeros(DType::F32, 7, "t").unwrap();
    internal_message(numcrane_jit::run(
        &k,
        &launch(vec![good.clone(), good.clone()]),
        &[&a, &a],
        &mut out7,
    ));
}

#[test]
fn malformed_or_unsupported_kernels_do_not_compile() {
    use InstrKind::*;
    let f = DType::F32;
    let bad: Vec<ElementwiseKernel> = vec![
        // operand defined later
        ElementwiseKernel {
            reduce: None,
            instrs: vec![
                instr(
                    Unary {
                        op: UnaryOp::Neg,
                        value: 1,
                    },
                    f,
                ),
                instr(Load { input: 0 }, f),
            ],
            output: 0,
            inputs: vec![spec(f, InnerClass::Contiguous)],
        },
        // output out of range
        ElementwiseKernel {
            reduce: None,
            instrs: vec![instr(Load { input: 0 }, f)],
            output: 3,
            inputs: vec![spec(f, InnerClass::Contiguous)],
        },
        // load of a missing input
        ElementwiseKernel {
            reduce: None,
            instrs: vec![instr(Load { input: 2 }, f)],
            output: 0,
            inputs: vec![spec(f, InnerClass::Contiguous)],
        },
        // load with the wrong dtype
        ElementwiseKernel {
            reduce: None,
            instrs: vec![instr(Load { input: 0 }, DType::F64)],
            output: 0,
            inputs: vec![spec(f, InnerClass::Contiguous)],
        },
        // mixed binary dtypes
        ElementwiseKernel {
            reduce: None,
            instrs: vec![
                instr(Load { input: 0 }, f),
                instr(Load { input: 1 }, DType::F64),
                instr(
                    Binary {
                        op: BinaryOp::Add,
                        lhs: 0,
                        rhs: 1,
                    },
                    f,
                ),
            ],
            output: 2,
            inputs: vec![
                spec(f, InnerClass::Contiguous),
                spec(DType::F64, InnerClass::Contiguous),
            ],
        },
        // where on a non-bool condition
        ElementwiseKernel {
            reduce: None,
            instrs: vec![
                instr(Load { input: 0 }, f),
                instr(
                    Where {
                        cond: 0,
                        then: 0,
                        otherwise: 0,
                    },
                    f,
                ),
            ],
            output: 1,
            inputs: vec![spec(f, InnerClass::Contiguous)],
        },
        // signed integer power (the evaluator's negative-exponent error)
        binary_kernel(BinaryOp::Pow, DType::I32, DType::I32),
        // float bitwise and
        binary_kernel(BinaryOp::BitAnd, f, f),
        // int true division
        binary_kernel(BinaryOp::Div, DType::I32, DType::I32),
        // constant of another dtype
        ElementwiseKernel {
            reduce: None,
            instrs: vec![instr(Const(Scalar::F64(1.0)), f)],
            output: 0,
            inputs: vec![],
        },
    ];
    for k in &bad {
        let e = numcrane_jit::codegen::compile(k).expect_err("must not compile");
        assert!(matches!(e, Error::Internal { .. }), "{e:?}");
        assert!(numcrane_jit::codegen::check_kernel(k).is_err());
    }
}

#[test]
fn unused_inputs_and_dead_values_are_fine() {
    use InstrKind::*;
    let f = DType::F64;
    // input 1 unused (its pointer may be anything valid), dead exp of input 0
    let k = ElementwiseKernel {
        reduce: None,
        instrs: vec![
            instr(Load { input: 0 }, f),
            instr(
                Unary {
                    op: UnaryOp::Exp,
                    value: 0,
                },
                f,
            ),
            instr(
                Unary {
                    op: UnaryOp::Sqrt,
                    value: 0,
                },
                f,
            ),
        ],
        output: 2,
        inputs: vec![
            spec(f, InnerClass::Contiguous),
            spec(DType::I8, InnerClass::Strided),
        ],
    };
    let mut rng = Rng(13);
    let x = test_values(&mut rng, f, 50);
    let y = test_values(&mut rng, DType::I8, 50);
    check(
        &k,
        &[
            contiguous(f, &x[..50]),
            reversed_strided(DType::I8, &y[..50]),
        ],
        &[50],
    );
    assert_eq!(numcrane_jit::codegen::vector_width(&k), Some(8));
}

#[test]
fn threads_share_compiled_kernels() {
    let k = w1(DType::F32);
    let mut rng = Rng(14);
    let inputs: Vec<Input> = (0..5)
        .map(|_| contiguous(DType::F32, &test_values(&mut rng, DType::F32, 1000)))
        .collect();
    let launch = Launch {
        reduce_kept: None,
        out_offset: 0,
        name: "",
        gathers: Vec::new(),
        shape: vec![1000],
        layouts: inputs.iter().map(|i| i.layout.clone()).collect(),
    };
    let expected = oracle(&k, &launch, &inputs);
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                for _ in 0..20 {
                    let got = jit(&k, &launch, &inputs);
                    assert!(expected.iter().zip(&got).all(|(e, g)| same(*e, *g)));
                }
            });
        }
    });
}

#[test]
fn compile_time_of_a_small_kernel() {
    // Not an assertion on time: prints what compiling costs here (fresh module each time).
    let mut k = w1(DType::F32);
    let mut times = Vec::new();
    for i in 0..20 {
        // a distinct constant each time so nothing is cached
        k.instrs
            .push(instr(InstrKind::Const(Scalar::F32(i as f32)), DType::F32));
        let c = numcrane_jit::codegen::compile(&k).unwrap();
        times.push(c.compile_time().as_secs_f64() * 1e3);
    }
    times.sort_by(|a, b| a.total_cmp(b));
    println!(
        "compile a*b + c*d - e (f32, vector loop): median {:.3} ms, min {:.3} ms, max {:.3} ms",
        times[times.len() / 2],
        times[0],
        times[times.len() - 1]
    );
    let k = binary_kernel(BinaryOp::Add, DType::I32, DType::I32);
    let c = numcrane_jit::codegen::compile(&k).unwrap();
    println!(
        "compile a + b (i32): {:.3} ms",
        c.compile_time().as_secs_f64() * 1e3
    );
}
