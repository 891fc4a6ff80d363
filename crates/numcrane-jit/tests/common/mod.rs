//! Test helpers: kernels by hand, inputs with layouts, the reference evaluator as the oracle,
//! bitwise comparison (NaN equals NaN whatever its payload).
#![allow(dead_code)]

use numcrane_fuse::kernel::{ElementwiseKernel, InnerClass, InputSpec, Instr, InstrKind, Launch};
use numcrane_graph::eval::{evaluate, values};
use numcrane_graph::{
    with_dtype, Buffer, DType, Element, Layout, Node, NodeRef, Op, Scalar, SourceLocation,
};
use numcrane_jit::Checks;
use std::sync::Arc;

/// Small deterministic generator (SplitMix64).
pub struct Rng(pub u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}

/// Edge values of a dtype: zeros of both signs, ±1, extremes, NaN, infinities, subnormals,
/// halves (rounding), values just beyond narrower integer ranges, shift amounts around the width.
pub fn edge_values(dt: DType) -> Vec<Scalar> {
    let ints: Vec<i128> = vec![
        0,
        1,
        -1,
        2,
        -2,
        3,
        -3,
        7,
        -7,
        8,
        9,
        15,
        16,
        17,
        31,
        32,
        33,
        63,
        64,
        65,
        100,
        -100,
        127,
        128,
        -128,
        -129,
        255,
        256,
        32767,
        -32768,
        65535,
        65536,
        i32::MAX as i128,
        i32::MIN as i128,
        u32::MAX as i128,
        i64::MAX as i128,
        i64::MIN as i128,
        u64::MAX as i128,
    ];
    let floats: Vec<f64> = vec![
        0.0,
        -0.0,
        1.0,
        -1.0,
        0.5,
        -0.5,
        1.5,
        -1.5,
        2.5,
        -2.5,
        3.0,
        -3.0,
        7.0,
        -7.0,
        0.1,
        1e-3,
        123.456,
        -987.25,
        f64::NAN,
        -f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::MIN_POSITIVE,
        5e-324,
        -5e-324,
        1e-310,
        f32::MIN_POSITIVE as f64,
        1e-40,
        -1e-42,
        f64::MAX,
        f64::MIN,
        f32::MAX as f64,
        1e300,
        -1e300,
        127.5,
        128.0,
        -128.5,
        -129.0,
        255.0,
        255.9,
        256.0,
        -0.9,
        32768.0,
        65535.5,
        65536.0,
        2147483647.0,
        2147483648.0,
        -2147483649.0,
        4294967295.0,
        4294967296.0,
        9.223372036854776e18,
        -9.223372036854776e18,
        1.8446744073709552e19,
        4503599627370497.0,
        16777217.0,
        90.0,
        180.0,
        std::f64::consts::PI,
    ];
    match dt {
        DType::Bool => vec![Scalar::Bool(false), Scalar::Bool(true)],
        DType::F32 => floats.iter().map(|&f| Scalar::F32(f as f32)).collect(),
        DType::F64 => floats.iter().map(|&f| Scalar::F64(f)).collect(),
        _ => {
            // Wrap every integer into the dtype (as a C cast would), dedup.
            let mut v: Vec<Scalar> = Vec::new();
            for &i in &ints {
                let s = Scalar::I64(i as i64).cast(dt);
                let s = if i > i64::MAX as i128 {
                    Scalar::U64(i as u64).cast(dt)
                } else {
                    s
                };
                if !v.contains(&s) {
                    v.push(s);
                }
            }
            v
        }
    }
}

/// A random value of `dt`: random bits half the time (any float incl. NaN), small values
/// otherwise (so that arithmetic is interesting).
pub fn random_value(rng: &mut Rng, dt: DType) -> Scalar {
    let r = rng.next_u64();
    let small = rng.below(4) != 0;
    match dt {
        DType::Bool => Scalar::Bool(r & 1 == 1),
        DType::F64 => Scalar::F64(if small {
            (r as i64 % 2001) as f64 / 8.0 - 0.0
        } else {
            f64::from_bits(r)
        }),
        DType::F32 => Scalar::F32(if small {
            (r as i64 % 2001) as f32 / 8.0
        } else {
            f32::from_bits(r as u32)
        }),
        _ => {
            if small {
                Scalar::I64(r as i64 % 50).cast(dt)
            } else {
                Scalar::U64(r).cast(dt)
            }
        }
    }
}

pub fn random_values(rng: &mut Rng, dt: DType, n: usize) -> Vec<Scalar> {
    (0..n).map(|_| random_value(rng, dt)).collect()
}

/// Edge values followed by random values, `n` in all (at least the edge values).
pub fn test_values(rng: &mut Rng, dt: DType, n: usize) -> Vec<Scalar> {
    let mut v = edge_values(dt);
    while v.len() < n {
        v.push(random_value(rng, dt));
    }
    v
}

pub fn buffer_of(dt: DType, vals: &[Scalar]) -> Buffer {
    with_dtype!(dt, T => {
        let typed: Vec<T> = vals
            .iter()
            .map(|s| T::from_scalar(s.cast(dt)).expect("dtype"))
            .collect();
        Buffer::from_slice::<T>(&typed).expect("buffer")
    })
}

pub fn scalars_of(buf: &Buffer) -> Vec<Scalar> {
    with_dtype!(buf.dtype(), T => buf
        .as_slice::<T>()
        .expect("dtype")
        .iter()
        .map(|v| v.to_scalar())
        .collect())
}

/// Bitwise equality, except that any NaN equals any NaN.
pub fn same(a: Scalar, b: Scalar) -> bool {
    match (a, b) {
        (Scalar::F32(x), Scalar::F32(y)) => {
            (x.is_nan() && y.is_nan()) || x.to_bits() == y.to_bits()
        }
        (Scalar::F64(x), Scalar::F64(y)) => {
            (x.is_nan() && y.is_nan()) || x.to_bits() == y.to_bits()
        }
        // Complex: each part by the float rule.
        (Scalar::C64(x), Scalar::C64(y)) => {
            same(Scalar::F32(x.re), Scalar::F32(y.re)) && same(Scalar::F32(x.im), Scalar::F32(y.im))
        }
        (Scalar::C128(x), Scalar::C128(y)) => {
            same(Scalar::F64(x.re), Scalar::F64(y.re)) && same(Scalar::F64(x.im), Scalar::F64(y.im))
        }
        _ => a == b,
    }
}

/// One kernel input: a buffer and the layout it is read through.
#[derive(Clone)]
pub struct Input {
    pub buffer: Arc<Buffer>,
    pub layout: Layout,
}

impl Input {
    /// The class a fusion pass would give this layout.
    pub fn class(&self) -> InnerClass {
        match self.layout.strides.last() {
            Some(1) => InnerClass::Contiguous,
            Some(0) => InnerClass::Broadcast,
            _ => InnerClass::Strided,
        }
    }
}

/// A 1-D contiguous input.
pub fn contiguous(dt: DType, vals: &[Scalar]) -> Input {
    Input {
        buffer: Arc::new(buffer_of(dt, vals)),
        layout: Layout::contiguous(&[vals.len()]),
    }
}

/// A 1-D input read backwards with stride -2 (values at odd positions, junk between).
pub fn reversed_strided(dt: DType, vals: &[Scalar]) -> Input {
    let n = vals.len();
    let junk = edge_values(dt)[0];
    let mut storage = vec![junk; 2 * n + 1];
    for (j, v) in vals.iter().enumerate() {
        storage[2 * n - 2 * j] = *v;
    }
    Input {
        buffer: Arc::new(buffer_of(dt, &storage)),
        layout: Layout {
            shape: vec![n],
            strides: vec![-2],
            offset: 2 * n,
        },
    }
}

/// A 1-D input of length n repeating one value (stride 0), stored at offset 1 of 3.
pub fn broadcast(dt: DType, v: Scalar, n: usize) -> Input {
    let junk = edge_values(dt)[0];
    Input {
        buffer: Arc::new(buffer_of(dt, &[junk, v, junk])),
        layout: Layout {
            shape: vec![n],
            strides: vec![0],
            offset: 1,
        },
    }
}

/// `kernel` with the inputs' classes set from their layouts.
pub fn with_classes(kernel: &ElementwiseKernel, inputs: &[Input]) -> ElementwiseKernel {
    let mut k = kernel.clone();
    for (spec, input) in k.inputs.iter_mut().zip(inputs) {
        spec.inner = input.class();
    }
    k
}

pub fn instr(kind: InstrKind, dtype: DType) -> Instr {
    Instr { kind, dtype }
}

/// `op(load 0)` with result dtype `out`.
pub fn unary_kernel(op: numcrane_graph::UnaryOp, arg: DType, out: DType) -> ElementwiseKernel {
    ElementwiseKernel {
        reduce: None,
        instrs: vec![
            instr(InstrKind::Load { input: 0 }, arg),
            instr(InstrKind::Unary { op, value: 0 }, out),
        ],
        output: 1,
        inputs: vec![InputSpec {
            dtype: arg,
            inner: InnerClass::Contiguous,
        }],
    }
}

/// `op(load 0, load 1)` with result dtype `out`.
pub fn binary_kernel(op: numcrane_graph::BinaryOp, arg: DType, out: DType) -> ElementwiseKernel {
    let spec = InputSpec {
        dtype: arg,
        inner: InnerClass::Contiguous,
    };
    ElementwiseKernel {
        reduce: None,
        instrs: vec![
            instr(InstrKind::Load { input: 0 }, arg),
            instr(InstrKind::Load { input: 1 }, arg),
            instr(InstrKind::Binary { op, lhs: 0, rhs: 1 }, out),
        ],
        output: 2,
        inputs: vec![spec, spec],
    }
}

/// The oracle: the kernel as a graph of nodes over the same buffers and layouts, evaluated by
/// the reference evaluator; the output in row-major order.
#[track_caller]
pub fn oracle(kernel: &ElementwiseKernel, launch: &Launch, inputs: &[Input]) -> Vec<Scalar> {
    let loc = SourceLocation::caller();
    let shape = launch.shape.clone();
    let leaves: Vec<NodeRef> = inputs
        .iter()
        .map(|i| Node::leaf(Arc::clone(&i.buffer), i.layout.clone(), loc))
        .collect();
    let mut nodes: Vec<NodeRef> = Vec::new();
    for ins in &kernel.instrs {
        let node = match &ins.kind {
            InstrKind::Load { input } => Arc::clone(&leaves[*input]),
            // Hand-made kernels have no gathers (tests/gather.rs covers them).
            InstrKind::Gather { .. } => panic!("the oracle does not take gathers"),
            // Complex outputs come from lowering (tests/fused.rs covers them).
            InstrKind::Complex { .. } => panic!("the oracle does not take complex outputs"),
            // No graph op is an fma: the operands are evaluated and combined by `mul_add`
            // (exact) into a leaf.
            InstrKind::MulAdd { a, b, c } => {
                let operands = [a, b, c].map(|&v| Arc::clone(&nodes[v]));
                evaluate(&operands).expect("oracle evaluation");
                let column = |n: &NodeRef| -> Vec<f64> {
                    let r = n.realized().expect("realized");
                    match n.dtype() {
                        DType::F32 => values::<f32>(r)
                            .expect("values")
                            .iter()
                            .map(|&v| f64::from(v))
                            .collect(),
                        _ => values::<f64>(r).expect("values").to_vec(),
                    }
                };
                let [x, y, z] = operands.each_ref().map(column);
                let buffer = match ins.dtype {
                    // float32 operands are exact in f64; the fma is still rounded once, to
                    // float32, as `f32::mul_add` (computed on the f32 values).
                    DType::F32 => {
                        let v: Vec<f32> = (0..x.len())
                            .map(|i| (x[i] as f32).mul_add(y[i] as f32, z[i] as f32))
                            .collect();
                        Buffer::from_vec(v)
                    }
                    _ => {
                        let v: Vec<f64> = (0..x.len()).map(|i| x[i].mul_add(y[i], z[i])).collect();
                        Buffer::from_vec(v)
                    }
                };
                Node::leaf(Arc::new(buffer), Layout::contiguous(&shape), loc)
            }
            InstrKind::Const(s) => Node::new(Op::Full(*s), vec![], ins.dtype, shape.clone(), loc),
            InstrKind::Cast { value } => Node::new(
                Op::Cast,
                vec![Arc::clone(&nodes[*value])],
                ins.dtype,
                shape.clone(),
                loc,
            ),
            InstrKind::Unary { op, value } => Node::new(
                Op::Unary(*op),
                vec![Arc::clone(&nodes[*value])],
                ins.dtype,
                shape.clone(),
                loc,
            ),
            InstrKind::Binary { op, lhs, rhs } => Node::new(
                Op::Binary(*op),
                vec![Arc::clone(&nodes[*lhs]), Arc::clone(&nodes[*rhs])],
                ins.dtype,
                shape.clone(),
                loc,
            ),
            InstrKind::Where {
                cond,
                then,
                otherwise,
            } => Node::new(
                Op::Where,
                vec![
                    Arc::clone(&nodes[*cond]),
                    Arc::clone(&nodes[*then]),
                    Arc::clone(&nodes[*otherwise]),
                ],
                ins.dtype,
                shape.clone(),
                loc,
            ),
        };
        nodes.push(node);
    }
    let root = Arc::clone(&nodes[kernel.output]);
    evaluate(std::slice::from_ref(&root)).expect("oracle evaluation");
    let r = root.realized().expect("realized");
    with_dtype!(root.dtype(), T => values::<T>(r)
        .expect("values")
        .iter()
        .map(|v| v.to_scalar())
        .collect())
}

/// Runs the kernel with the JIT; returns its output in row-major order.
pub fn jit(kernel: &ElementwiseKernel, launch: &Launch, inputs: &[Input]) -> Vec<Scalar> {
    jit_with(kernel, launch, inputs, Checks::Off)
}

/// Runs the kernel with the JIT, compiled in mode `checks`; returns its output in row-major
/// order. The output starts at zero, which is the right start for no fold: reduction launches
/// go through `numcrane_jit::run_with` directly.
pub fn jit_with(
    kernel: &ElementwiseKernel,
    launch: &Launch,
    inputs: &[Input],
    checks: Checks,
) -> Vec<Scalar> {
    let size = launch.shape.iter().product();
    let mut out = Buffer::zeros(kernel.out_dtype(), size, "test").expect("out");
    let bufs: Vec<&Buffer> = inputs.iter().map(|i| &*i.buffer).collect();
    numcrane_jit::run_with(kernel, launch, &bufs, &mut out, checks).expect("jit run");
    scalars_of(&out)
}

/// Panics unless `checked` holds exactly the bits of `unchecked` (NaN payloads aside).
#[track_caller]
pub fn assert_same_bits(unchecked: &[Scalar], checked: &[Scalar], what: &dyn std::fmt::Debug) {
    assert_eq!(unchecked.len(), checked.len());
    for (j, (u, c)) in unchecked.iter().zip(checked).enumerate() {
        assert!(
            same(*u, *c),
            "element {j}: unchecked {u:?}, checked {c:?}\n{what:?}"
        );
    }
}

/// Runs the kernel with the oracle, the JIT and the JIT in checked mode (with the inputs'
/// classes); panics on the first difference (checked code must give the unchecked bits).
#[track_caller]
pub fn check(kernel: &ElementwiseKernel, inputs: &[Input], shape: &[usize]) {
    let kernel = with_classes(kernel, inputs);
    let launch = Launch {
        reduce_kept: None,
        out_offset: 0,
        name: "",
        gathers: Vec::new(),
        shape: shape.to_vec(),
        layouts: inputs.iter().map(|i| i.layout.clone()).collect(),
    };
    // A vector loop that Cranelift could not lower falls back to scalar silently: catch it.
    let compiled = numcrane_jit::get_or_compile(&kernel).expect("compile");
    assert_eq!(
        compiled.vector_width(),
        numcrane_jit::codegen::vector_width(&kernel),
        "vector loop fell back to scalar for {kernel:?}"
    );
    let checked = numcrane_jit::get_or_compile_with(&kernel, Checks::Bounds).expect("compile");
    assert_eq!(
        checked.vector_width(),
        compiled.vector_width(),
        "checked code lost the vector loop for {kernel:?}"
    );
    let expected = oracle(&kernel, &launch, inputs);
    let got = jit(&kernel, &launch, inputs);
    assert_same_bits(
        &got,
        &jit_with(&kernel, &launch, inputs, Checks::Bounds),
        &kernel,
    );
    assert_eq!(expected.len(), got.len());
    let ulps = if inline_math_output(&kernel) { 2 } else { 0 };
    for (j, (e, g)) in expected.iter().zip(&got).enumerate() {
        if !same(*e, *g) && !within_ulps(*e, *g, ulps) {
            let args: Vec<String> = inputs
                .iter()
                .map(|i| element_at(i, &launch.shape, j))
                .collect();
            panic!(
                "element {j}: oracle {e:?} ({}), jit {g:?} ({}); inputs {args:?}\nkernel {kernel:?}",
                bits(*e),
                bits(*g)
            );
        }
    }
}

/// True when the kernel's output is an inline polynomial function (see
/// `numcrane_jit::codegen::inline_math_unary`): within 2 ULP of the oracle, not identical.
fn inline_math_output(kernel: &ElementwiseKernel) -> bool {
    let out = &kernel.instrs[kernel.output];
    match out.kind {
        InstrKind::Unary { op, .. } => numcrane_jit::codegen::inline_math_unary(op, out.dtype),
        InstrKind::Binary { op, .. } => numcrane_jit::codegen::inline_math_binary(op, out.dtype),
        _ => false,
    }
}

/// Floats at most `ulps` representable values apart, of the same class: NaN, an infinity
/// (exactly), or finite with the same sign.
pub fn within_ulps(a: Scalar, b: Scalar, ulps: u64) -> bool {
    let (x, y, ordered): (f64, f64, u64) = match (a, b) {
        (Scalar::F32(x), Scalar::F32(y)) => (
            x as f64,
            y as f64,
            (x.to_bits() as i32)
                .wrapping_sub(y.to_bits() as i32)
                .unsigned_abs() as u64,
        ),
        (Scalar::F64(x), Scalar::F64(y)) => (
            x,
            y,
            (x.to_bits() as i64)
                .wrapping_sub(y.to_bits() as i64)
                .unsigned_abs(),
        ),
        _ => return false,
    };
    if x.is_nan() || y.is_nan() || x.is_infinite() || y.is_infinite() {
        return (x.is_nan() && y.is_nan()) || x == y;
    }
    // Same sign: the bit patterns are ordered like the values.
    x.is_sign_negative() == y.is_sign_negative() && ordered <= ulps
}

fn bits(s: Scalar) -> String {
    match s {
        Scalar::F32(x) => format!("{:#010x}", x.to_bits()),
        Scalar::F64(x) => format!("{:#018x}", x.to_bits()),
        _ => String::new(),
    }
}

/// The input element read for output element `flat` (row-major in `shape`), as text.
pub fn element_at(input: &Input, shape: &[usize], flat: usize) -> String {
    let mut rem = flat;
    let mut off = input.layout.offset as isize;
    for d in (0..shape.len()).rev() {
        let i = rem % shape[d];
        rem /= shape[d];
        off += i as isize * input.layout.strides[d];
    }
    let all = scalars_of(&input.buffer);
    format!("{:?}", all[off as usize])
}

/// An input spec.
pub fn spec(dtype: DType, inner: InnerClass) -> InputSpec {
    InputSpec { dtype, inner }
}

/// out = a*b + c*d - e (W1), in dtype dt, all inputs contiguous until `with_classes`.
pub fn w1(dt: DType) -> ElementwiseKernel {
    use numcrane_graph::BinaryOp;
    use InstrKind::*;
    let bin = |op, lhs, rhs| Binary { op, lhs, rhs };
    ElementwiseKernel {
        reduce: None,
        instrs: vec![
            instr(Load { input: 0 }, dt),
            instr(Load { input: 1 }, dt),
            instr(bin(BinaryOp::Mul, 0, 1), dt),
            instr(Load { input: 2 }, dt),
            instr(Load { input: 3 }, dt),
            instr(bin(BinaryOp::Mul, 3, 4), dt),
            instr(bin(BinaryOp::Add, 2, 5), dt),
            instr(Load { input: 4 }, dt),
            instr(bin(BinaryOp::Sub, 6, 7), dt),
        ],
        output: 8,
        inputs: vec![spec(dt, InnerClass::Contiguous); 5],
    }
}

/// The number of property-test cases: `default` in CI, `PROPTEST_CASES` for longer local runs.
pub fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}
