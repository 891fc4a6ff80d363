//! Property test: random small kernels (chains of supported ops over f32, f64, i32, u8 and
//! bool, with casts, constants, where and fused multiply-adds) on random layouts, against the
//! reference evaluator (and `mul_add` for the fused multiply-adds).

mod common;

use common::*;
use numcrane_fuse::kernel::{ElementwiseKernel, InnerClass, InputSpec, InstrKind};
use numcrane_graph::{BinaryOp, DType, Layout, UnaryOp};
use numcrane_jit::supports;
use proptest::prelude::*;
use std::sync::Arc;

const DTYPES: [DType; 5] = [DType::F32, DType::F64, DType::I32, DType::U8, DType::Bool];

// Only ops whose generated code is bit-identical to the oracle: the inline polynomial
// functions (exp, log, sin, ..., arctan2) are within a few ULP instead, which later ops in a
// random chain (floor, comparisons) can turn into any difference. They are tested one at a
// time in ops.rs and against correctly rounded values in vecmath's own tests.
const UNARY: [UnaryOp; 22] = {
    use UnaryOp::*;
    [
        Neg, Abs, Sign, Square, Reciprocal, Not, Invert, Sqrt, Floor, Ceil, Trunc, Rint, Deg2rad,
        Rad2deg, IsNan, IsInf, IsFinite, Neg, Sign, Reciprocal, Sqrt, Abs,
    ]
};

const BINARY: [BinaryOp; 29] = {
    use BinaryOp::*;
    [
        Add, Sub, Mul, Div, FloorDiv, Rem, Maximum, Minimum, Fmax, Fmin, Fmod, BitAnd, BitOr,
        BitXor, LeftShift, RightShift, LogicalAnd, LogicalOr, LogicalXor, Eq, Ne, Lt, Le, Gt, Ge,
        Heaviside, Fmod, Hypot, Logaddexp,
    ]
};

/// Builds a kernel from random steps; every step that would be unsupported is skipped, casts
/// are inserted to make operand dtypes agree.
fn build(n_inputs: usize, input_dtypes: &[u8], steps: &[(u8, u8, u8, u8)]) -> ElementwiseKernel {
    let mut k = ElementwiseKernel {
        reduce: None,
        instrs: vec![],
        output: 0,
        inputs: vec![],
    };
    for i in 0..n_inputs {
        let dt = DTYPES[input_dtypes[i] as usize % DTYPES.len()];
        k.inputs.push(InputSpec {
            dtype: dt,
            inner: InnerClass::Contiguous,
        });
        k.instrs.push(instr(InstrKind::Load { input: i }, dt));
    }
    let push = |k: &mut ElementwiseKernel, kind: InstrKind, dt: DType| {
        k.instrs.push(instr(kind, dt));
        k.instrs.len() - 1
    };
    let cast_to = |k: &mut ElementwiseKernel, v: usize, dt: DType| {
        if k.instrs[v].dtype == dt {
            v
        } else {
            push(k, InstrKind::Cast { value: v }, dt)
        }
    };
    for &(sel, a, b, c) in steps {
        let len = k.instrs.len();
        let x = a as usize % len;
        let y = b as usize % len;
        let xdt = k.instrs[x].dtype;
        match sel % 6 {
            0 => {
                let dt = DTYPES[c as usize % DTYPES.len()];
                cast_to(&mut k, x, dt);
            }
            1 | 2 => {
                let op = UNARY[c as usize % UNARY.len()];
                let out = if op.returns_bool() { DType::Bool } else { xdt };
                let kind = InstrKind::Unary { op, value: x };
                if supports(&kind, out, Some(xdt)) {
                    push(&mut k, kind, out);
                }
            }
            // Half the binary steps on floats are fused multiply-adds `x * y + z`.
            4 if xdt.is_float() && (sel / 6) % 2 == 1 => {
                let y2 = cast_to(&mut k, y, xdt);
                let z = cast_to(&mut k, c as usize % len, xdt);
                push(&mut k, InstrKind::MulAdd { a: x, b: y2, c: z }, xdt);
            }
            3 | 4 => {
                let op = BINARY[c as usize % BINARY.len()];
                let y2 = cast_to(&mut k, y, xdt);
                let out = if op.returns_bool() { DType::Bool } else { xdt };
                let kind = InstrKind::Binary {
                    op,
                    lhs: x,
                    rhs: y2,
                };
                if supports(&kind, out, Some(xdt)) {
                    push(&mut k, kind, out);
                }
            }
            _ => {
                let cond = cast_to(&mut k, (c as usize) % len, DType::Bool);
                let y2 = cast_to(&mut k, y, xdt);
                let consts = edge_values(xdt);
                let other = if a % 2 == 0 {
                    push(
                        &mut k,
                        InstrKind::Const(consts[b as usize % consts.len()]),
                        xdt,
                    )
                } else {
                    y2
                };
                push(
                    &mut k,
                    InstrKind::Where {
                        cond,
                        then: x,
                        otherwise: other,
                    },
                    xdt,
                );
            }
        }
    }
    k.output = k.instrs.len() - 1;
    k
}

/// A random input of `dt` read through one of: contiguous, broadcast, strided rows, transposed.
fn make_input(rng: &mut common::Rng, dt: DType, shape: &[usize], how: u8) -> Input {
    let (r, c) = (shape[0], shape[1]);
    let size = r * c;
    match how % 4 {
        0 => Input {
            buffer: Arc::new(buffer_of(dt, &test_values(rng, dt, size.max(1))[..size])),
            layout: Layout::contiguous(shape),
        },
        1 => {
            // one value per row, broadcast along the row
            let vals = test_values(rng, dt, r.max(1));
            Input {
                buffer: Arc::new(buffer_of(dt, &vals[..r])),
                layout: Layout {
                    shape: shape.to_vec(),
                    strides: vec![1, 0],
                    offset: 0,
                },
            }
        }
        2 => {
            // every other element, rows reversed
            let vals = test_values(rng, dt, 2 * size + 1);
            Input {
                buffer: Arc::new(buffer_of(dt, &vals[..2 * size + 1])),
                layout: Layout {
                    shape: shape.to_vec(),
                    strides: vec![-2 * c as isize, 2],
                    offset: if r == 0 { 0 } else { 2 * c * (r - 1) },
                },
            }
        }
        _ => {
            let vals = test_values(rng, dt, size.max(1));
            let base = Layout::contiguous(&[c, r]);
            Input {
                buffer: Arc::new(buffer_of(dt, &vals[..size])),
                layout: base.permute(&[1, 0]),
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(1000)))]

    #[test]
    fn random_kernels_match_the_oracle(
        n_inputs in 1usize..4,
        input_dtypes in prop::collection::vec(any::<u8>(), 3),
        steps in prop::collection::vec(any::<(u8, u8, u8, u8)>(), 1..8),
        layouts in prop::collection::vec(any::<u8>(), 3),
        rows in 1usize..4,
        cols in prop::sample::select(vec![1usize, 3, 4, 7, 8, 16, 19, 33]),
        seed in any::<u64>(),
    ) {
        let k = build(n_inputs, &input_dtypes, &steps);
        let mut rng = common::Rng(seed);
        let shape = [rows, cols];
        let inputs: Vec<Input> = k
            .inputs
            .iter()
            .zip(&layouts)
            .map(|(spec, &how)| make_input(&mut rng, spec.dtype, &shape, how))
            .collect();
        check(&k, &inputs, &shape);
    }
}

#[test]
fn random_kernels_often_vectorise() {
    // The generator must reach the vector loop too, or the property test above would only
    // check the scalar loop.
    let mut rng = common::Rng(99);
    let mut vectorised = 0;
    let mut fused = 0;
    let total = 500;
    for _ in 0..total {
        let dts = [rng.below(5) as u8, rng.below(5) as u8, rng.below(5) as u8];
        let steps: Vec<(u8, u8, u8, u8)> = (0..1 + rng.below(4))
            .map(|_| {
                let r = rng.next_u64();
                (r as u8, (r >> 8) as u8, (r >> 16) as u8, (r >> 24) as u8)
            })
            .collect();
        let k = build(1 + rng.below(3), &dts, &steps);
        if numcrane_jit::codegen::vector_width(&k).is_some() {
            vectorised += 1;
        }
        if k.instrs
            .iter()
            .any(|i| matches!(i.kind, InstrKind::MulAdd { .. }))
        {
            fused += 1;
        }
    }
    println!("{vectorised} of {total} random kernels have a vector loop, {fused} an fma");
    assert!(vectorised > total / 10);
    // ... and draw fused multiply-adds.
    assert!(fused > total / 50);
}
