//! Every supported op on every dtype it supports, against the reference evaluator, through the
//! vector loop (contiguous), the scalar loop (negative strides) and hoisted broadcast loads.

mod common;

use common::*;
use numcrane_fuse::kernel::{ElementwiseKernel, InnerClass, InputSpec, InstrKind};
use numcrane_graph::eval::scalar::Num;
use numcrane_graph::{with_dtype, BinaryOp, DType, Scalar, UnaryOp};
use numcrane_jit::supports;

const UNARY: [UnaryOp; 37] = {
    use UnaryOp::*;
    [
        Neg, Abs, Sign, Square, Reciprocal, Not, Invert, Sqrt, Cbrt, Exp, Exp2, Expm1, Log, Log2,
        Log10, Log1p, Sin, Cos, Tan, Arcsin, Arccos, Arctan, Sinh, Cosh, Tanh, Arcsinh, Arccosh,
        Arctanh, Floor, Ceil, Trunc, Rint, Deg2rad, Rad2deg, IsNan, IsInf, IsFinite,
    ]
};

const BINARY: [BinaryOp; 30] = {
    use BinaryOp::*;
    [
        Add, Sub, Mul, Div, FloorDiv, Rem, Pow, Maximum, Minimum, Fmax, Fmin, Arctan2, Hypot,
        Logaddexp, Heaviside, Fmod, BitAnd, BitOr, BitXor, LeftShift, RightShift, LogicalAnd,
        LogicalOr, LogicalXor, Eq, Ne, Lt, Le, Gt, Ge,
    ]
};

fn unary_out(op: UnaryOp, arg: DType) -> DType {
    if op.returns_bool() {
        DType::Bool
    } else {
        arg
    }
}

fn binary_out(op: BinaryOp, arg: DType) -> DType {
    if op.returns_bool() {
        DType::Bool
    } else {
        arg
    }
}

fn unary_supported(op: UnaryOp, arg: DType) -> bool {
    let kind = InstrKind::Unary { op, value: 0 };
    supports(&kind, unary_out(op, arg), Some(arg))
}

fn binary_supported(op: BinaryOp, arg: DType) -> bool {
    let kind = InstrKind::Binary { op, lhs: 0, rhs: 0 };
    supports(&kind, binary_out(op, arg), Some(arg))
}

/// What the evaluator itself can compute (None from `Num` means it reports an error).
fn oracle_defines_unary(op: UnaryOp, arg: DType) -> bool {
    with_dtype!(arg, T => {
        if op.returns_bool() && op != UnaryOp::Not {
            <T as Num>::predicate(op).is_some()
        } else {
            <T as Num>::unary(op).is_some()
        }
    })
}

fn oracle_defines_binary(op: BinaryOp, arg: DType) -> bool {
    if op.is_comparison() {
        return true;
    }
    with_dtype!(arg, T => <T as Num>::binary(op).is_some())
}

/// The dtypes the JIT lowers: all but complex, which `supports` refuses in every instruction
/// but the output's pack of two parts (complex values are lowered to real instructions by
/// `numcrane_fuse::complex`; see `complex_is_never_lowered`).
fn real_dtypes() -> impl Iterator<Item = DType> {
    DType::ALL.into_iter().filter(|d| !d.is_complex())
}

#[test]
fn complex_is_never_lowered() {
    for dt in [DType::C64, DType::C128] {
        for op in UNARY {
            assert!(!unary_supported(op, dt), "{op:?} on {dt:?}");
        }
        for op in BINARY {
            assert!(
                !supports(&InstrKind::Binary { op, lhs: 0, rhs: 0 }, dt, Some(dt)),
                "{op:?} on {dt:?}"
            );
        }
        assert!(!supports(
            &InstrKind::Cast { value: 0 },
            dt,
            Some(DType::F64)
        ));
        assert!(!supports(
            &InstrKind::Cast { value: 0 },
            DType::F64,
            Some(dt)
        ));
        // The pack of a complex output from its parts, of the parts' dtype only.
        let pack = InstrKind::Complex { re: 0, im: 1 };
        assert!(supports(&pack, dt, Some(dt.real_dtype())));
        assert!(!supports(&pack, dt, Some(dt)));
        assert!(!supports(&pack, DType::F64, Some(DType::F64)));
    }
}

#[test]
fn supports_is_the_oracle_minus_signed_power() {
    for dt in real_dtypes() {
        for op in UNARY {
            assert_eq!(
                unary_supported(op, dt),
                oracle_defines_unary(op, dt),
                "{op:?} on {dt:?}"
            );
        }
        for op in BINARY {
            let expected =
                oracle_defines_binary(op, dt) && !(op == BinaryOp::Pow && dt.is_signed_int());
            assert_eq!(binary_supported(op, dt), expected, "{op:?} on {dt:?}");
        }
    }
    // Casts between all 121 pairs, constants of the instruction's dtype only.
    for from in real_dtypes() {
        for to in real_dtypes() {
            assert!(supports(&InstrKind::Cast { value: 0 }, to, Some(from)));
        }
    }
    assert!(supports(
        &InstrKind::Const(Scalar::F32(1.0)),
        DType::F32,
        None
    ));
    assert!(!supports(
        &InstrKind::Const(Scalar::F32(1.0)),
        DType::F64,
        None
    ));
    // A wrong result dtype is rejected.
    assert!(!supports(
        &InstrKind::Binary {
            op: BinaryOp::Add,
            lhs: 0,
            rhs: 0
        },
        DType::F64,
        Some(DType::F32)
    ));
    assert!(!supports(
        &InstrKind::Binary {
            op: BinaryOp::Lt,
            lhs: 0,
            rhs: 0
        },
        DType::I32,
        Some(DType::I32)
    ));
}

const N: usize = 203;

#[test]
fn unary_ops_every_dtype() {
    let mut rng = Rng(1);
    let mut count = 0;
    for dt in real_dtypes() {
        for op in UNARY {
            if !unary_supported(op, dt) {
                continue;
            }
            let k = unary_kernel(op, dt, unary_out(op, dt));
            let vals = test_values(&mut rng, dt, N);
            check(&k, &[contiguous(dt, &vals)], &[vals.len()]);
            check(&k, &[reversed_strided(dt, &vals)], &[vals.len()]);
            for v in edge_values(dt).into_iter().take(6) {
                check(&k, &[broadcast(dt, v, 9)], &[9]);
            }
            count += 1;
        }
    }
    println!("{count} (unary op, dtype) pairs checked");
}

/// Pairs: every edge value against every edge value, then random pairs.
fn pairs(rng: &mut Rng, dt: DType) -> (Vec<Scalar>, Vec<Scalar>) {
    let edges = edge_values(dt);
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for &x in &edges {
        for &y in &edges {
            a.push(x);
            b.push(y);
        }
    }
    for _ in 0..301 {
        a.push(random_value(rng, dt));
        b.push(random_value(rng, dt));
    }
    (a, b)
}

#[test]
fn binary_ops_every_dtype() {
    let mut rng = Rng(2);
    let mut count = 0;
    for dt in real_dtypes() {
        let (a, b) = pairs(&mut rng, dt);
        let n = a.len();
        for op in BINARY {
            if !binary_supported(op, dt) {
                continue;
            }
            let k = binary_kernel(op, dt, binary_out(op, dt));
            check(&k, &[contiguous(dt, &a), contiguous(dt, &b)], &[n]);
            check(
                &k,
                &[reversed_strided(dt, &a), reversed_strided(dt, &b)],
                &[n],
            );
            check(&k, &[contiguous(dt, &a), reversed_strided(dt, &b)], &[n]);
            for v in edge_values(dt).into_iter().step_by(5) {
                check(&k, &[contiguous(dt, &a[..67]), broadcast(dt, v, 67)], &[67]);
                check(&k, &[broadcast(dt, v, 67), contiguous(dt, &b[..67])], &[67]);
            }
            count += 1;
        }
    }
    println!("{count} (binary op, dtype) pairs checked");
}

fn cast_kernel(from: DType, to: DType) -> ElementwiseKernel {
    ElementwiseKernel {
        reduce: None,
        instrs: vec![
            instr(InstrKind::Load { input: 0 }, from),
            instr(InstrKind::Cast { value: 0 }, to),
        ],
        output: 1,
        inputs: vec![InputSpec {
            dtype: from,
            inner: InnerClass::Contiguous,
        }],
    }
}

#[test]
fn casts_all_pairs() {
    let mut rng = Rng(3);
    for from in real_dtypes() {
        let vals = test_values(&mut rng, from, 517);
        for to in real_dtypes() {
            let k = cast_kernel(from, to);
            check(&k, &[contiguous(from, &vals)], &[vals.len()]);
            check(&k, &[reversed_strided(from, &vals)], &[vals.len()]);
            check(&k, &[broadcast(from, vals[1], 5)], &[5]);
        }
    }
}

#[test]
fn where_every_dtype() {
    let mut rng = Rng(4);
    for dt in real_dtypes() {
        let spec = |dtype| InputSpec {
            dtype,
            inner: InnerClass::Contiguous,
        };
        let k = ElementwiseKernel {
            reduce: None,
            instrs: vec![
                instr(InstrKind::Load { input: 0 }, DType::Bool),
                instr(InstrKind::Load { input: 1 }, dt),
                instr(InstrKind::Load { input: 2 }, dt),
                instr(
                    InstrKind::Where {
                        cond: 0,
                        then: 1,
                        otherwise: 2,
                    },
                    dt,
                ),
            ],
            output: 3,
            inputs: vec![spec(DType::Bool), spec(dt), spec(dt)],
        };
        let n = 131;
        let c = random_values(&mut rng, DType::Bool, n);
        let a = test_values(&mut rng, dt, n);
        let b = random_values(&mut rng, dt, n);
        check(
            &k,
            &[
                contiguous(DType::Bool, &c),
                contiguous(dt, &a),
                contiguous(dt, &b),
            ],
            &[n],
        );
        check(
            &k,
            &[
                reversed_strided(DType::Bool, &c),
                reversed_strided(dt, &a),
                contiguous(dt, &b),
            ],
            &[n],
        );
        check(
            &k,
            &[
                broadcast(DType::Bool, Scalar::Bool(true), n),
                contiguous(dt, &a),
                broadcast(dt, b[0], n),
            ],
            &[n],
        );
        // Condition computed in the kernel from a float comparison, same width as dt where
        // possible, so the vector loop uses masks.
        let cmp_dt = match dt.itemsize() {
            4 => DType::F32,
            8 => DType::F64,
            _ => dt,
        };
        let k2 = ElementwiseKernel {
            reduce: None,
            instrs: vec![
                instr(InstrKind::Load { input: 0 }, cmp_dt),
                instr(InstrKind::Load { input: 1 }, cmp_dt),
                instr(
                    InstrKind::Binary {
                        op: BinaryOp::Lt,
                        lhs: 0,
                        rhs: 1,
                    },
                    DType::Bool,
                ),
                instr(InstrKind::Load { input: 2 }, dt),
                instr(InstrKind::Const(edge_values(dt)[1]), dt),
                instr(
                    InstrKind::Where {
                        cond: 2,
                        then: 3,
                        otherwise: 4,
                    },
                    dt,
                ),
            ],
            output: 5,
            inputs: vec![spec(cmp_dt), spec(cmp_dt), spec(dt)],
        };
        let x = test_values(&mut rng, cmp_dt, n);
        let y = random_values(&mut rng, cmp_dt, n);
        check(
            &k2,
            &[
                contiguous(cmp_dt, &x),
                contiguous(cmp_dt, &y),
                contiguous(dt, &a),
            ],
            &[n],
        );
    }
}

#[test]
fn constants_of_every_dtype() {
    for dt in real_dtypes() {
        for v in edge_values(dt) {
            let k = ElementwiseKernel {
                reduce: None,
                instrs: vec![instr(InstrKind::Const(v), dt)],
                output: 0,
                inputs: vec![],
            };
            check(&k, &[], &[37]);
            check(&k, &[], &[3, 11]);
        }
    }
}
