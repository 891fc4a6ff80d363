//! End to end with the fusion pass: `numcrane_fuse::plan` with `supports_node`, then
//! `numcrane_fuse::execute` with `numcrane_jit::run`, against the reference evaluator on an
//! identical graph.

mod common;

use common::*;
use numcrane_graph::eval::{evaluate, values};
use numcrane_graph::{
    with_dtype, BinaryOp, Buffer, Complex64, DType, Element, Layout, Node, NodeRef, Op, Scalar,
    SourceLocation, UnaryOp, ViewOp,
};
use numcrane_jit::Checks;
use std::sync::Arc;

struct G {
    loc: SourceLocation,
}

impl G {
    #[track_caller]
    fn new() -> G {
        G {
            loc: SourceLocation::caller(),
        }
    }
    fn leaf(&self, buf: &Arc<Buffer>, shape: &[usize]) -> NodeRef {
        Node::leaf(Arc::clone(buf), Layout::contiguous(shape), self.loc)
    }
    fn node(&self, op: Op, inputs: Vec<NodeRef>, dtype: DType, shape: &[usize]) -> NodeRef {
        Node::new(op, inputs, dtype, shape.to_vec(), self.loc)
    }
    fn bin(&self, op: BinaryOp, a: &NodeRef, b: &NodeRef) -> NodeRef {
        let dt = if op.returns_bool() {
            DType::Bool
        } else {
            a.dtype()
        };
        self.node(Op::Binary(op), vec![a.clone(), b.clone()], dt, a.shape())
    }
    fn un(&self, op: UnaryOp, a: &NodeRef) -> NodeRef {
        let dt = if op.returns_bool() {
            DType::Bool
        } else {
            a.dtype()
        };
        self.node(Op::Unary(op), vec![a.clone()], dt, a.shape())
    }
    fn cast(&self, a: &NodeRef, dt: DType) -> NodeRef {
        self.node(Op::Cast, vec![a.clone()], dt, a.shape())
    }
    fn view(&self, v: ViewOp, a: &NodeRef, shape: &[usize]) -> NodeRef {
        self.node(Op::View(v), vec![a.clone()], a.dtype(), shape)
    }
    fn full(&self, s: Scalar, shape: &[usize]) -> NodeRef {
        let c = self.node(Op::Full(s), vec![], s.dtype(), &[]);
        self.view(ViewOp::Broadcast(shape.to_vec()), &c, shape)
    }
    fn select(&self, c: &NodeRef, a: &NodeRef, b: &NodeRef) -> NodeRef {
        self.node(
            Op::Where,
            vec![c.clone(), a.clone(), b.clone()],
            a.dtype(),
            a.shape(),
        )
    }
}

fn data(rng: &mut Rng, dt: DType, n: usize) -> Arc<Buffer> {
    Arc::new(buffer_of(dt, &test_values(rng, dt, n)[..n]))
}

fn read(node: &NodeRef) -> Vec<Scalar> {
    let r = node.realized().expect("realized");
    with_dtype!(node.dtype(), T => values::<T>(r).unwrap().iter().map(|v| v.to_scalar()).collect())
}

/// Builds the graph three times over the same leaves' buffers; evaluates one copy with the
/// reference evaluator, the others through the fusion plan and the JIT, unchecked and checked
/// (`Checks::Bounds`); compares.
fn compare(build: &dyn Fn(&G) -> NodeRef) -> usize {
    let g = G::new();
    let reference = build(&g);
    evaluate(std::slice::from_ref(&reference)).unwrap();
    let fused_with = |checks: Checks| {
        let fused = build(&g);
        let roots = std::slice::from_ref(&fused);
        let plan = numcrane_fuse::plan(roots, &numcrane_jit::supports_node);
        // The executor falls back to the evaluator when a runner fails: fail loudly instead.
        let strict = |k: &numcrane_fuse::ElementwiseKernel,
                      l: &numcrane_fuse::Launch,
                      i: &[&Buffer],
                      o: numcrane_graph::OutSlot<'_>| {
            let r = numcrane_jit::run_into_with(k, l, i, o, checks);
            assert!(r.is_ok(), "the JIT refused a planned kernel: {r:?}\n{k:?}");
            r
        };
        numcrane_fuse::execute(roots, &plan, &strict).unwrap();
        (read(&fused), plan)
    };
    let (j, plan) = fused_with(Checks::Off);
    let e = read(&reference);
    assert_eq!(e.len(), j.len());
    for (i, (a, b)) in e.iter().zip(&j).enumerate() {
        assert!(
            same(*a, *b),
            "element {i}: evaluator {a:?}, fused JIT {b:?}\n{}",
            plan.describe()
        );
    }
    let (checked, _) = fused_with(Checks::Bounds);
    assert_same_bits(&j, &checked, &plan.describe());
    plan.kernel_count()
}

#[test]
fn w1_with_views() {
    let mut rng = Rng(21);
    let (r, c) = (5, 9);
    let a = data(&mut rng, DType::F32, r * c);
    let b = data(&mut rng, DType::F32, r * c);
    let row = data(&mut rng, DType::F32, c);
    let t = data(&mut rng, DType::F32, r * c);
    let e = data(&mut rng, DType::F32, 2 * r * c);
    let kernels = compare(&|g| {
        let a = g.leaf(&a, &[r, c]);
        let b = g.leaf(&b, &[r, c]);
        let cb = g.view(ViewOp::Broadcast(vec![r, c]), &g.leaf(&row, &[c]), &[r, c]);
        let d = g.view(ViewOp::Permute(vec![1, 0]), &g.leaf(&t, &[c, r]), &[r, c]);
        let e = g.view(
            ViewOp::Slice(vec![(2 * r - 1, -2, r), (0, 1, c)]),
            &g.leaf(&e, &[2 * r, c]),
            &[r, c],
        );
        let ab = g.bin(BinaryOp::Mul, &a, &b);
        let cd = g.bin(BinaryOp::Mul, &cb, &d);
        let s = g.bin(BinaryOp::Add, &ab, &cd);
        g.bin(BinaryOp::Sub, &s, &e)
    });
    assert_eq!(kernels, 1);
}

#[test]
fn mixed_dtypes_constants_and_where() {
    let mut rng = Rng(22);
    let n = 77;
    let i = data(&mut rng, DType::I32, n);
    let x = data(&mut rng, DType::F64, n);
    let m = data(&mut rng, DType::Bool, n);
    let kernels = compare(&|g| {
        let i = g.leaf(&i, &[n]);
        let x = g.leaf(&x, &[n]);
        let m = g.leaf(&m, &[n]);
        let fi = g.cast(&i, DType::F64);
        let q = g.bin(BinaryOp::FloorDiv, &fi, &g.full(Scalar::F64(2.5), &[n]));
        let mx = g.bin(BinaryOp::Maximum, &q, &x);
        let nan = g.un(UnaryOp::IsNan, &mx);
        let cond = g.bin(BinaryOp::LogicalOr, &nan, &m);
        let e = g.un(UnaryOp::Exp, &g.un(UnaryOp::Neg, &g.un(UnaryOp::Abs, &x)));
        let w = g.select(&cond, &e, &mx);
        let back = g.cast(&w, DType::I16);
        let sh = g.bin(BinaryOp::RightShift, &back, &g.full(Scalar::I16(3), &[n]));
        g.bin(BinaryOp::Rem, &sh, &g.cast(&i, DType::I16))
    });
    assert!(kernels >= 1);
}

#[test]
fn unsupported_nodes_fall_back_to_the_evaluator() {
    // Signed integer power is left to the evaluator (it reports negative exponents), the rest
    // still fuses around it.
    let mut rng = Rng(23);
    let n = 40;
    let a = Arc::new(buffer_of(
        DType::I64,
        &(0..n)
            .map(|k| Scalar::I64(k as i64 - 20))
            .collect::<Vec<_>>(),
    ));
    let e = Arc::new(buffer_of(
        DType::I64,
        &(0..n)
            .map(|k| Scalar::I64(k as i64 % 5))
            .collect::<Vec<_>>(),
    ));
    let f = data(&mut rng, DType::F32, n);
    compare(&|g| {
        let a = g.leaf(&a, &[n]);
        let e = g.leaf(&e, &[n]);
        let p = g.bin(BinaryOp::Pow, &g.bin(BinaryOp::Add, &a, &e), &e);
        let f = g.leaf(&f, &[n]);
        let s = g.un(UnaryOp::Sqrt, &g.un(UnaryOp::Abs, &f));
        g.bin(BinaryOp::Mul, &g.cast(&p, DType::F32), &s)
    });
}

#[test]
fn bool_output_and_comparisons() {
    let mut rng = Rng(24);
    let (r, c) = (3, 33);
    let a = data(&mut rng, DType::U8, r * c);
    let b = data(&mut rng, DType::U8, r * c);
    compare(&|g| {
        let a = g.leaf(&a, &[r, c]);
        let b = g.view(
            ViewOp::Slice(vec![(0, 1, r), (c - 1, -1, c)]),
            &g.leaf(&b, &[r, c]),
            &[r, c],
        );
        let lt = g.bin(BinaryOp::Lt, &a, &b);
        let ge = g.bin(
            BinaryOp::Ge,
            &g.bin(BinaryOp::BitXor, &a, &b),
            &g.full(Scalar::U8(100), &[r, c]),
        );
        g.bin(BinaryOp::LogicalXor, &lt, &g.un(UnaryOp::Not, &ge))
    });
}

/// Complex arithmetic lowered to pairs of real values (`numcrane_fuse::complex`), with
/// transposed, broadcast and reversed-slice inputs, a real input cast to complex, a complex
/// comparison feeding a select, constants, and real results of complex values: every planned
/// kernel runs (the strict runner of `compare`), unchecked and checked, with the evaluator's
/// bits.
#[test]
fn complex_values_run_as_pairs_of_parts() {
    let parts = [
        0.0,
        -0.0,
        1.5,
        -3.25,
        1e300,
        f64::INFINITY,
        f64::NAN,
        5e-324,
        2.0,
        -0.5,
    ];
    let values = |seed: usize, n: usize| -> Vec<Scalar> {
        (0..n)
            .map(|k| {
                let re = parts[(k * 3 + seed) % parts.len()];
                let im = parts[(k * 7 + seed * 5 + 1) % parts.len()];
                Scalar::C128(Complex64::new(re, im))
            })
            .collect()
    };
    let mut rng = Rng(31);
    let (r, c) = (4, 7);
    for dt in [DType::C64, DType::C128] {
        let buffer = |seed: usize, n: usize| Arc::new(buffer_of(dt, &values(seed, n)));
        let (a, t, row, e) = (
            buffer(0, r * c),
            buffer(1, r * c),
            buffer(2, c),
            buffer(3, 2 * r * c),
        );
        let x = data(&mut rng, dt.real_dtype(), r * c);
        // `-(where(a == d, x, ((a - d) / row + conj(e))^2) - (0.5 - 2j))`, one kernel (a
        // complex product would run on the evaluator: see numcrane_fuse::complex).
        let complex = |g: &G| {
            let a = g.leaf(&a, &[r, c]);
            let d = g.view(ViewOp::Permute(vec![1, 0]), &g.leaf(&t, &[c, r]), &[r, c]);
            let cb = g.view(ViewOp::Broadcast(vec![r, c]), &g.leaf(&row, &[c]), &[r, c]);
            let e = g.view(
                ViewOp::Slice(vec![(2 * r - 1, -2, r), (0, 1, c)]),
                &g.leaf(&e, &[2 * r, c]),
                &[r, c],
            );
            let x = g.cast(&g.leaf(&x, &[r, c]), dt);
            let q = g.bin(BinaryOp::Div, &g.bin(BinaryOp::Sub, &a, &d), &cb);
            let s = g.bin(BinaryOp::Add, &q, &g.un(UnaryOp::Conj, &e));
            let w = g.select(&g.bin(BinaryOp::Eq, &a, &d), &x, &g.un(UnaryOp::Square, &s));
            let k = g.full(Scalar::C128(Complex64::new(0.5, -2.0)).cast(dt), &[r, c]);
            g.un(UnaryOp::Neg, &g.bin(BinaryOp::Sub, &w, &k))
        };
        assert_eq!(compare(&complex), 1, "{dt:?}");
        // Real results: each part (doubled), and casts to bool, int32 and float32.
        for op in [UnaryOp::Real, UnaryOp::Imag] {
            let part = |g: &G| {
                let p = g.node(Op::Unary(op), vec![complex(g)], dt.real_dtype(), &[r, c]);
                g.bin(BinaryOp::Add, &p, &p)
            };
            assert_eq!(compare(&part), 1, "{op:?}");
        }
        for to in [DType::Bool, DType::I32, DType::F32] {
            assert_eq!(compare(&|g| g.cast(&complex(g), to)), 1, "{to:?}");
        }
    }
}
