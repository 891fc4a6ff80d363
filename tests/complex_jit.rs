//! Complex arithmetic inside fused kernels (crates/numcrane-fuse/src/complex.rs): complex
//! values lowered to pairs of real values, inputs read as their interleaved parts, outputs
//! stored as pairs. Random expressions over complex64 / complex128 arrays (transposed, sliced
//! and broadcast views, real arrays and complex scalars mixed in, NaN / inf / signed zero /
//! huge parts) are evaluated by the JIT, the interpreter and the unfused JIT and compared bit
//! for bit with the reference evaluator (NaNs compared as NaN: their payload is not NumPy's
//! contract); the plans must show the complex ops inside kernels (products and `absolute`
//! too: their fused multiply-adds are `InstrKind::MulAdd`), and ops without a lowering must
//! still run on the evaluator inside mixed graphs.

mod common;

use common::cases;
use numcrane::DType;
use numcrane::{concatenate, equal, not_equal, s, where_, Array, Backend, Complex32, Complex64};
use proptest::prelude::*;

fn c(re: f64, im: f64) -> Complex64 {
    Complex64::new(re, im)
}

/// Parts the inputs are made of: zeros of both signs, ordinary values, a subnormal, values
/// whose products overflow, infinities and NaN.
const PARTS: [f64; 14] = [
    0.0,
    -0.0,
    1.0,
    -2.5,
    0.375,
    3.0,
    -7.25,
    1e-3,
    4e-310,
    1e300,
    -3e200,
    f64::INFINITY,
    f64::NEG_INFINITY,
    f64::NAN,
];

/// The elements as comparable words: each part by its bits, every NaN as one value.
fn words(a: &Array) -> Vec<u64> {
    let a = a.eval().expect("eval");
    let f = |v: f64| if v.is_nan() { u64::MAX } else { v.to_bits() };
    let g = |v: f32| {
        if v.is_nan() {
            u64::MAX
        } else {
            u64::from(v.to_bits())
        }
    };
    match a.dtype() {
        DType::C128 => a
            .to_vec::<Complex64>()
            .unwrap()
            .iter()
            .flat_map(|z| [f(z.re), f(z.im)])
            .collect(),
        DType::C64 => a
            .to_vec::<Complex32>()
            .unwrap()
            .iter()
            .flat_map(|z| [g(z.re), g(z.im)])
            .collect(),
        DType::F64 => a.to_vec::<f64>().unwrap().into_iter().map(f).collect(),
        DType::F32 => a.to_vec::<f32>().unwrap().into_iter().map(g).collect(),
        _ => a
            .astype(DType::I64)
            .to_vec::<i64>()
            .unwrap()
            .iter()
            .map(|&v| v as u64)
            .collect(),
    }
}

/// Evaluates fresh graphs from `make` with the reference evaluator and every fused backend,
/// and requires the same shape, dtype and values.
fn same_on_every_backend(make: &dyn Fn() -> Array) {
    let reference = make().eval_with(Backend::Eval).expect("reference");
    for backend in [Backend::Jit, Backend::Interpret, Backend::Unfused] {
        let got = make().eval_with(backend).expect("fused");
        assert_eq!(got.shape(), reference.shape(), "{backend:?}");
        assert_eq!(got.dtype(), reference.dtype(), "{backend:?}");
        assert_eq!(words(&got), words(&reference), "{backend:?}");
    }
}

/// A realized complex array of `dtype` and `shape` whose parts are `PARTS[picks[k]]`.
fn complex_input(picks: &[(usize, usize)], shape: &[usize], dtype: DType) -> Array {
    let n: usize = shape.iter().product();
    let values: Vec<Complex64> = (0..n)
        .map(|k| {
            let (r, i) = picks[k % picks.len()];
            c(PARTS[r % PARTS.len()], PARTS[i % PARTS.len()])
        })
        .collect();
    Array::from_vec(values, shape.to_vec())
        .astype(dtype)
        .eval()
        .expect("input")
}

/// The leaves of an expression, all of shape `[rows, cols]` as read.
struct Leaves {
    /// contiguous
    plain: Array,
    /// a transposed `[cols, rows]` array (strided reads)
    transposed: Array,
    /// one row, broadcast over the rows
    row: Array,
    /// every other column of a `[rows, 2 cols]` array
    sliced: Array,
    /// a real array (float32 for complex64, float64 for complex128), promoted by arithmetic
    real: Array,
}

#[derive(Clone, Debug)]
enum Expr {
    Leaf(u8),
    Neg(Box<Expr>),
    Conj(Box<Expr>),
    Square(Box<Expr>),
    Add(Box<Expr>, Box<Expr>),
    Sub(Box<Expr>, Box<Expr>),
    Mul(Box<Expr>, Box<Expr>),
    Div(Box<Expr>, Box<Expr>),
    /// times a weak complex scalar
    MulScalar(Box<Expr>, usize, usize),
    /// plus a weak complex scalar
    AddScalar(Box<Expr>, usize, usize),
    /// times the real leaf (a real -> complex cast inside the kernel)
    MulReal(Box<Expr>),
    /// `where(a == b, a, c)`
    WhereEq(Box<Expr>, Box<Expr>, Box<Expr>),
    /// cast to the other complex dtype and back
    RoundTrip(Box<Expr>),
    /// `real(z) - imag(z)` as complex again
    Parts(Box<Expr>),
    /// `absolute(z)` as complex again
    Abs(Box<Expr>),
}

fn expr() -> impl Strategy<Value = Expr> {
    let leaf = (0u8..5).prop_map(Expr::Leaf);
    leaf.prop_recursive(4, 24, 3, |inner| {
        let b = || inner.clone().prop_map(Box::new);
        prop_oneof![
            b().prop_map(Expr::Neg),
            b().prop_map(Expr::Conj),
            b().prop_map(Expr::Square),
            (b(), b()).prop_map(|(x, y)| Expr::Add(x, y)),
            (b(), b()).prop_map(|(x, y)| Expr::Sub(x, y)),
            (b(), b()).prop_map(|(x, y)| Expr::Mul(x, y)),
            (b(), b()).prop_map(|(x, y)| Expr::Div(x, y)),
            (b(), 0..PARTS.len(), 0..PARTS.len()).prop_map(|(x, r, i)| Expr::MulScalar(x, r, i)),
            (b(), 0..PARTS.len(), 0..PARTS.len()).prop_map(|(x, r, i)| Expr::AddScalar(x, r, i)),
            b().prop_map(Expr::MulReal),
            (b(), b(), b()).prop_map(|(x, y, z)| Expr::WhereEq(x, y, z)),
            b().prop_map(Expr::RoundTrip),
            b().prop_map(Expr::Parts),
            b().prop_map(Expr::Abs),
        ]
    })
}

fn build(e: &Expr, leaves: &Leaves, dtype: DType) -> Array {
    let go = |e: &Expr| build(e, leaves, dtype);
    match e {
        Expr::Leaf(0) => leaves.plain.clone(),
        Expr::Leaf(1) => leaves.transposed.transpose(),
        Expr::Leaf(2) => &leaves.row + &leaves.plain.imag().astype(dtype),
        Expr::Leaf(3) => leaves.sliced.slice(s![.., ..;2]),
        Expr::Leaf(_) => leaves.real.astype(dtype),
        Expr::Neg(x) => -&go(x),
        Expr::Conj(x) => go(x).conj(),
        Expr::Square(x) => go(x).square(),
        Expr::Add(x, y) => &go(x) + &go(y),
        Expr::Sub(x, y) => &go(x) - &go(y),
        Expr::Mul(x, y) => &go(x) * &go(y),
        Expr::Div(x, y) => &go(x) / &go(y),
        Expr::MulScalar(x, r, i) => &go(x) * c(PARTS[*r], PARTS[*i]),
        Expr::AddScalar(x, r, i) => c(PARTS[*r], PARTS[*i]) + &go(x),
        Expr::MulReal(x) => &go(x) * &leaves.real,
        Expr::WhereEq(x, y, z) => {
            let (x, y) = (go(x), go(y));
            where_(equal(&x, &y), &x, go(z))
        }
        Expr::RoundTrip(x) => {
            let other = match dtype {
                DType::C64 => DType::C128,
                _ => DType::C64,
            };
            go(x).astype(other).astype(dtype)
        }
        Expr::Parts(x) => {
            let x = go(x);
            (&x.real() - &x.imag()).astype(dtype)
        }
        Expr::Abs(x) => go(x).abs().astype(dtype),
    }
}

#[derive(Clone, Debug)]
struct Case {
    rows: usize,
    cols: usize,
    complex128: bool,
    picks: Vec<(usize, usize)>,
    expr: Expr,
}

fn case() -> impl Strategy<Value = Case> {
    (
        1usize..5,
        1usize..7,
        any::<bool>(),
        prop::collection::vec((0..PARTS.len(), 0..PARTS.len()), 1..24),
        expr(),
    )
        .prop_map(|(rows, cols, complex128, picks, expr)| Case {
            rows,
            cols,
            complex128,
            picks,
            expr,
        })
}

fn leaves(case: &Case) -> Leaves {
    let dtype = if case.complex128 {
        DType::C128
    } else {
        DType::C64
    };
    let (r, cl) = (case.rows, case.cols);
    let p = &case.picks;
    let rotated: Vec<(usize, usize)> = p.iter().map(|&(a, b)| (b + 3, a + 5)).collect();
    let real_dtype = if case.complex128 {
        DType::F64
    } else {
        DType::F32
    };
    Leaves {
        plain: complex_input(p, &[r, cl], dtype),
        transposed: complex_input(&rotated, &[cl, r], dtype),
        row: complex_input(
            &rotated[1..].iter().chain(p).copied().collect::<Vec<_>>(),
            &[cl],
            dtype,
        ),
        sliced: complex_input(&rotated, &[r, 2 * cl], dtype),
        real: complex_input(p, &[r, cl], DType::C128)
            .imag()
            .astype(real_dtype)
            .eval()
            .expect("real leaf"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(64)))]

    #[test]
    fn complex_kernels_match_the_evaluator(case in case()) {
        let dtype = if case.complex128 { DType::C128 } else { DType::C64 };
        let l = leaves(&case);
        let root = || build(&case.expr, &l, dtype);
        // Every op of these expressions is lowered: no complex step is left on the evaluator.
        let plan = root().explain_plan();
        prop_assert!(!plan.contains("complex dtype"), "{}", plan);
        same_on_every_backend(&root);
        // Real results of complex values: comparisons, parts, casts.
        same_on_every_backend(&|| equal(root(), &l.plain));
        same_on_every_backend(&|| not_equal(root(), l.transposed.transpose()));
        same_on_every_backend(&|| root().real());
        same_on_every_backend(&|| root().imag());
        same_on_every_backend(&|| root().abs());
        for to in [DType::F32, DType::F64, DType::I32, DType::Bool] {
            same_on_every_backend(&|| root().astype(to));
        }
    }
}

/// A chain of complex arithmetic is one kernel, and the plan says so.
#[test]
fn complex_arithmetic_is_one_kernel() {
    let a = complex_input(&[(2, 3), (4, 5), (6, 7)], &[40, 30], DType::C128);
    let b = complex_input(&[(5, 2), (3, 8), (1, 6)], &[40, 30], DType::C128);
    let d = complex_input(&[(7, 7), (2, 5)], &[30], DType::C128);
    let y = || (&(&a - &b).square() + &d).conj();
    let plan = y().explain_plan();
    assert_eq!(y().fused_kernel_count(), 1, "{plan}");
    assert!(plan.contains("kernel conjugate [40, 30]"), "{plan}");
    assert!(!plan.contains("complex dtype"), "{plan}");
    same_on_every_backend(&y);
    // The kernel matches the formulas: s = a - b, s^2 = (s.re^2 - s.im^2) + (s.re s.im +
    // s.im s.re) i, plus d, conjugated.
    let got = y().to_vec::<Complex64>().unwrap();
    let (av, bv, dv) = (
        a.to_vec::<Complex64>().unwrap(),
        b.to_vec::<Complex64>().unwrap(),
        d.to_vec::<Complex64>().unwrap(),
    );
    for (k, z) in got.iter().enumerate() {
        let (x, w, e) = (av[k], bv[k], dv[k % 30]);
        let (sr, si) = (x.re - w.re, x.im - w.im);
        let re = sr * sr - si * si + e.re;
        let im = sr * si + si * sr + e.im;
        assert_eq!(
            (z.re.to_bits(), z.im.to_bits()),
            (re.to_bits(), (-im).to_bits())
        );
    }
}

/// An op without a lowering (exp of complex) runs on the evaluator between kernels.
#[test]
fn unsupported_complex_ops_stay_on_the_evaluator_in_mixed_graphs() {
    let a = complex_input(&[(2, 3), (4, 5), (6, 7)], &[8, 6], DType::C64);
    let x = complex_input(&[(3, 6), (5, 2)], &[8, 6], DType::C128)
        .real()
        .astype(DType::F32)
        .eval()
        .unwrap();
    let y = || ((&(&a / &x) / c(0.5, -1.0)).exp() - &a).real() + &x.sqrt();
    let plan = y().explain_plan();
    assert!(
        plan.contains(
            "exp [8, 6] as a step of its own: complex dtype: runs on the reference evaluator"
        ),
        "{plan}"
    );
    // Before exp: one kernel for the quotients; after it: the difference, its real part and
    // the real sum (with the square root) in one more.
    assert_eq!(y().fused_kernel_count(), 2, "{plan}");
    let fused = y()
        .eval_with(Backend::Jit)
        .unwrap()
        .to_vec::<f32>()
        .unwrap();
    let reference = y()
        .eval_with(Backend::Eval)
        .unwrap()
        .to_vec::<f32>()
        .unwrap();
    // (The real sqrt is inline code in the JIT: within 1 ULP of the evaluator's.)
    for (g, r) in fused.iter().zip(&reference) {
        assert!(
            g.is_nan() && r.is_nan() || (g - r).abs() <= r.abs() * 2e-7,
            "{g} {r}"
        );
    }
    // Without the real sqrt, bits.
    same_on_every_backend(&|| ((&(&a / &x) / c(0.5, -1.0)).exp() - &a).real());
}

/// NumPy's special values: division by zero, inf * 0, NaN parts, overflow in Smith's scaling.
#[test]
fn special_values_agree_with_the_evaluator() {
    let specials = [
        c(1.0, 1.0),
        c(0.0, 0.0),
        c(-0.0, 0.0),
        c(f64::INFINITY, 0.0),
        c(0.0, f64::NEG_INFINITY),
        c(f64::NAN, 1.0),
        c(1e308, -1e308),
        c(1e-320, 5e-324),
        c(f64::INFINITY, f64::INFINITY),
        c(-3.0, f64::NAN),
    ];
    let n = specials.len();
    let lhs: Vec<Complex64> = (0..n * n).map(|k| specials[k / n]).collect();
    let rhs: Vec<Complex64> = (0..n * n).map(|k| specials[k % n]).collect();
    for dtype in [DType::C128, DType::C64] {
        let a = Array::from_vec(lhs.clone(), [n, n])
            .astype(dtype)
            .eval()
            .unwrap();
        let b = Array::from_vec(rhs.clone(), [n, n])
            .astype(dtype)
            .eval()
            .unwrap();
        same_on_every_backend(&|| &a / &b);
        same_on_every_backend(&|| &a * &b);
        same_on_every_backend(&|| (&a * &b).square() - &a);
        same_on_every_backend(&|| equal(&(&a / &b), &(&b / &a)));
        same_on_every_backend(&|| &a / c(0.0, 0.0));
        same_on_every_backend(&|| c(1.0, -0.0) / &a);
    }
}

/// Large arrays (launches cut into parallel chunks), concatenations of complex kernels and
/// replays of a recorded plan give the evaluator's values.
#[test]
fn large_concatenated_and_replayed_complex_kernels() {
    let picks: Vec<(usize, usize)> = (0..37).map(|k| (k * 5 + 1, k * 3 + 2)).collect();
    let a = complex_input(&picks, &[300, 200], DType::C128);
    let b = complex_input(&picks[3..], &[300, 200], DType::C128);
    same_on_every_backend(&|| (&(&a * &b) / &a.transpose().transpose().conj()).square());
    let f = complex_input(&picks, &[90, 70], DType::C64);
    same_on_every_backend(&|| {
        concatenate(&[&(&f * &f), &f.slice(s![..;-1, ..]), &(-&f).conj()], 1)
    });
    // The same structure with other complex scalars: a replay of the recorded program, or a
    // cached kernel, must not reuse the earlier scalars (nor plans merge the two products).
    for k in 0..3 {
        let s = c(0.25, 2.0 + k as f64);
        same_on_every_backend(&|| &(&a - &b) * s);
        let w = &(&(&a - &b) * s)
            .eval()
            .unwrap()
            .to_vec::<Complex64>()
            .unwrap()[..2];
        let want = &(&(&a - &b) * s).eval_with(Backend::Eval).unwrap();
        assert_eq!(w, &want.to_vec::<Complex64>().unwrap()[..2]);
    }
    same_on_every_backend(&|| &(&a * c(0.5, 1.0)) + &(&a * c(0.5, 2.0)));
}

/// Complex arithmetic consuming a real matrix product runs after the product when its result
/// is complex (not as its GEMM's epilogue, whose tiles are real) and as the epilogue when it
/// is real (`absolute`, `real`), with the evaluator's values (small integers: the products are
/// exact whatever the summation order).
#[test]
fn complex_consumers_of_a_real_product() {
    let x = numcrane::arange(0.0, 48.0, 1.0).reshape([6, 8]);
    let y = (numcrane::arange(0.0, 40.0, 1.0) % 7.0).reshape([8, 5]);
    let z = complex_input(&[(2, 3), (4, 5), (6, 7)], &[6, 5], DType::C128);
    same_on_every_backend(&|| &(&numcrane::matmul(&x, &y) * c(0.5, -1.0)) / &z);
    // Real results of complex values: the GEMM epilogue computes them per tile (complex
    // inputs read as parts, the product's fused multiply-adds inside the tile kernel).
    same_on_every_backend(&|| (&numcrane::matmul(&x, &y) * &z).abs());
    same_on_every_backend(&|| (&(&numcrane::matmul(&x, &y) * &z) - &z).real());
    let big_x = numcrane::arange(0.0, 130.0 * 70.0, 1.0).reshape([130, 70]) % 11.0;
    let big_y = numcrane::arange(0.0, 70.0 * 90.0, 1.0).reshape([70, 90]) % 5.0;
    let big_z = complex_input(&[(2, 3), (4, 5), (6, 7), (1, 1)], &[130, 90], DType::C128);
    same_on_every_backend(&|| (&numcrane::matmul(&big_x, &big_y) * &big_z).abs());
}

/// `z * w + 1` of complex arrays is one kernel (the product's fused multiply-adds are kernel
/// instructions), for both complex dtypes, with the evaluator's bits; so are products with a
/// weak complex scalar, with a real array and `absolute` of a product.
#[test]
fn complex_multiply_is_fused() {
    for dtype in [DType::C128, DType::C64] {
        let z = complex_input(&[(2, 3), (4, 5), (6, 7)], &[40, 30], dtype);
        let w = complex_input(&[(5, 2), (3, 8), (1, 6)], &[40, 30], dtype);
        let x = complex_input(&[(3, 6), (5, 2)], &[40, 30], DType::C128)
            .real()
            .astype(dtype.real_dtype())
            .eval()
            .unwrap();
        let graphs: [&dyn Fn() -> Array; 4] = [
            &|| &(&z * &w) + c(1.0, 0.0),
            &|| &(&z * c(0.5, -3.0)) * &w.conj(),
            &|| &(&z * &x) - &w,
            &|| (&(&z * &w) - &z).abs(),
        ];
        for y in graphs {
            let plan = y().explain_plan();
            assert_eq!(y().fused_kernel_count(), 1, "{plan}");
            assert!(!plan.contains("complex dtype"), "{plan}");
            same_on_every_backend(y);
        }
        // Folds of real results of products: the multiply-adds inside a reduction kernel
        // (extrema: a float sum's order, and so its last bit, is each backend's own).
        let folds: [&dyn Fn() -> Array; 3] = [
            &|| (&z * &w).abs().max(1),
            &|| (&z * &w).real().min(0),
            &|| (&(&z * &w) * &x).imag().max(..),
        ];
        for y in folds {
            let plan = y().explain_plan();
            assert!(!plan.contains("complex dtype"), "{plan}");
            same_on_every_backend(y);
        }
    }
}

/// Parts of complex products where NumPy's fused multiply-add (one rounding) and a product
/// then a sum differ, for complex128 and complex64: `re = fma(ar, br, -(ai bi))` with
/// `ar br` and `ai bi` close (cancellation, the fma keeps the product's low bits) and
/// products that overflow on their own but not inside the fma.
#[test]
fn complex_multiply_keeps_the_single_rounding() {
    // complex128: (1 + 2^-30)(1 - 2^-30) - 1 = -2^-60 exactly, 0 in two roundings.
    let e = 2f64.powi(-30);
    let pairs64 = [
        (c(1.0 + e, 1.0), c(1.0 - e, 1.0)),
        (c(1.0 + e, 1.0 - e), c(1.0 - e, -(1.0 + e))),
        (c(0.1, 0.3), c(10.0, 1.0 / 3.0)),
        (c(1.0 / 3.0, 3.0), c(3.0, 1.0 / 3.0)),
        (c(1e308, 1e308), c(10.0, 10.0)),
        (c(1e308, 1e300), c(10.0, -1e-300)),
    ];
    for (a, b) in pairs64 {
        let want = c(
            a.re.mul_add(b.re, -(a.im * b.im)),
            a.re.mul_add(b.im, a.im * b.re),
        );
        let (x, y) = (
            Array::from_vec(vec![a; 9], [9]),
            Array::from_vec(vec![b; 9], [9]),
        );
        let got = (&x * &y).eval_with(Backend::Jit).unwrap();
        for v in got.to_vec::<Complex64>().unwrap() {
            assert_eq!(
                (v.re.to_bits(), v.im.to_bits()),
                (want.re.to_bits(), want.im.to_bits()),
                "{a} * {b}"
            );
        }
        same_on_every_backend(&|| &x * &y);
    }
    // The first pair's real part shows the single rounding.
    let (a, b) = pairs64[0];
    assert_eq!(a.re.mul_add(b.re, -(a.im * b.im)), -(2f64.powi(-60)));
    assert_eq!(a.re * b.re - a.im * b.im, 0.0);
    // complex64, in float32: (1 + 2^-13)(1 - 2^-13) - 1 = -2^-26.
    let e = 2f32.powi(-13);
    let pairs32 = [
        (Complex32::new(1.0 + e, 1.0), Complex32::new(1.0 - e, 1.0)),
        (Complex32::new(0.1, 0.3), Complex32::new(10.0, 1.0 / 3.0)),
        (Complex32::new(3e38, 3e38), Complex32::new(10.0, 10.0)),
        (Complex32::new(1e38, 1e30), Complex32::new(10.0, -1e-30)),
    ];
    for (a, b) in pairs32 {
        let want = Complex32::new(
            a.re.mul_add(b.re, -(a.im * b.im)),
            a.re.mul_add(b.im, a.im * b.re),
        );
        let (x, y) = (
            Array::from_vec(vec![a; 9], [9]),
            Array::from_vec(vec![b; 9], [9]),
        );
        assert_eq!(x.dtype(), DType::C64);
        let got = (&x * &y).eval_with(Backend::Jit).unwrap();
        for v in got.to_vec::<Complex32>().unwrap() {
            assert_eq!(
                (v.re.to_bits(), v.im.to_bits()),
                (want.re.to_bits(), want.im.to_bits()),
                "{a} * {b}"
            );
        }
        same_on_every_backend(&|| &x * &y);
    }
    let (a, b) = pairs32[0];
    assert_eq!(a.re.mul_add(b.re, -(a.im * b.im)), -(2f32.powi(-26)));
    assert_eq!(a.re * b.re - a.im * b.im, 0.0);
}

/// `absolute` of complex values with NumPy's special cases: an infinite part (even with a NaN
/// one) is inf, a NaN part NaN, zero parts 0, huge and subnormal parts without overflow or
/// underflow in the ratio form, for complex128 and complex64.
#[test]
fn complex_abs_special_values() {
    let values = [
        c(3.0, 4.0),
        c(0.0, 0.0),
        c(-0.0, -0.0),
        c(f64::INFINITY, f64::NAN),
        c(f64::NAN, f64::NEG_INFINITY),
        c(f64::NAN, 0.0),
        c(1.0, f64::NAN),
        c(1e308, 1e308),
        c(-1e308, 3e307),
        c(5e-324, 5e-324),
        c(4e-310, -1e-300),
        c(1e-3, 1e300),
        c(3e38, 3e38),
        c(1e-45, -1e-45),
        c(0.1, 0.2),
        c(-7.25, 0.0),
    ];
    for dtype in [DType::C128, DType::C64] {
        let z = Array::from_vec(values.to_vec(), [values.len()])
            .astype(dtype)
            .eval()
            .unwrap();
        let plan = z.abs().explain_plan();
        assert!(!plan.contains("complex dtype"), "{plan}");
        same_on_every_backend(&|| z.abs());
        same_on_every_backend(&|| (&z * &z).abs() + &z.abs());
    }
    // Parts whose ratio r makes `fma(r, r, 1)` differ from `r*r + 1` (and so the magnitude
    // from the one a product and a sum would give): found by search, at least 8 per dtype.
    let wide: Vec<Complex64> = (1..4000)
        .map(|k| c(1.0 + k as f64 * 1e-4, 0.3 + k as f64 * 7.77e-5))
        .filter(|z| {
            let r = z.im / z.re;
            r.mul_add(r, 1.0).sqrt() * z.re != (r * r + 1.0).sqrt() * z.re
        })
        .take(16)
        .collect();
    let narrow: Vec<Complex32> = (1..4000)
        .map(|k| Complex32::new(1.0 + k as f32 * 1e-4, 0.3 + k as f32 * 7.77e-5))
        .filter(|z| {
            let r = z.im / z.re;
            r.mul_add(r, 1.0).sqrt() * z.re != (r * r + 1.0).sqrt() * z.re
        })
        .take(16)
        .collect();
    assert!(wide.len() >= 8 && narrow.len() >= 8);
    let (n64, n32) = (wide.len(), narrow.len());
    let z64 = Array::from_vec(wide, [n64]);
    let z32 = Array::from_vec(narrow, [n32]);
    same_on_every_backend(&|| z64.abs());
    same_on_every_backend(&|| z32.abs());
    same_on_every_backend(&|| z64.conj().abs());
    // Spot values: inf wins over NaN, NaN over finite, |3+4i| = 5.
    let got = Array::from_vec(values[..7].to_vec(), [7])
        .abs()
        .eval_with(Backend::Jit)
        .unwrap()
        .to_vec::<f64>()
        .unwrap();
    assert_eq!(&got[..5], &[5.0, 0.0, 0.0, f64::INFINITY, f64::INFINITY]);
    assert!(got[5].is_nan() && got[6].is_nan());
}
