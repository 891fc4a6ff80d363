//! Matrix products (`matmul`, `dot`, `vdot`, `inner`, `outer`, `tensordot`, `kron`, `trace`)
//! against naive loops written here, on every backend: shapes of every class (1-D promotion,
//! batches, broadcast batches, empty dimensions, odd sizes), views as inputs, integer
//! wrap-around, bool, dtype promotion, and the errors NumPy raises. NumPy's own answers are
//! in the golden files (tests/numpy/gen_golden.py, family `linalg`).

mod common;

use common::input;
use numcrane::{dot, inner, kron, matmul, outer, tensordot, tensordot_axes, vdot, Array, Backend};
use numcrane::{DType, Error};

const BACKENDS: [Backend; 4] = [
    Backend::Eval,
    Backend::Jit,
    Backend::Interpret,
    Backend::Unfused,
];

/// Row-major f64 values of `a`.
fn vals(a: &Array) -> Vec<f64> {
    a.astype(DType::F64)
        .eval()
        .unwrap()
        .to_vec::<f64>()
        .unwrap()
}

/// Naive `a @ b` for stacks of matrices with equal batch shapes (`[.., m, k] @ [.., k, n]`).
fn naive(a: &[f64], b: &[f64], batch: usize, m: usize, k: usize, n: usize) -> Vec<f64> {
    let mut out = vec![0.0; batch * m * n];
    for t in 0..batch {
        for i in 0..m {
            for j in 0..n {
                let mut acc = 0.0;
                for p in 0..k {
                    acc += a[t * m * k + i * k + p] * b[t * k * n + p * n + j];
                }
                out[t * m * n + i * n + j] = acc;
            }
        }
    }
    out
}

fn assert_close(got: &[f64], want: &[f64], k: usize) {
    assert_eq!(got.len(), want.len());
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        let tol = 1e-5 * (k.max(1) as f64).sqrt() * (1.0 + w.abs());
        assert!((g - w).abs() <= tol, "element {i}: {g} vs {w}");
    }
}

#[test]
fn shapes_of_every_class() {
    // (a shape, b shape, result shape)
    let cases: &[(&[usize], &[usize], &[usize])] = &[
        (&[3, 4], &[4, 5], &[3, 5]),
        (&[1, 1], &[1, 1], &[1, 1]),
        (&[1, 7], &[7, 1], &[1, 1]),
        (&[7, 1], &[1, 9], &[7, 9]),
        (&[17, 13], &[13, 11], &[17, 11]),
        (&[4], &[4], &[]),
        (&[4], &[4, 3], &[3]),
        (&[3, 4], &[4], &[3]),
        (&[2, 3, 4], &[2, 4, 5], &[2, 3, 5]),
        (&[2, 3, 4], &[4, 5], &[2, 3, 5]),
        (&[3, 4], &[2, 4, 5], &[2, 3, 5]),
        (&[2, 1, 3, 4], &[5, 4, 2], &[2, 5, 3, 2]),
        (&[5], &[2, 5, 3], &[2, 3]),
        (&[2, 3, 5], &[5], &[2, 3]),
        (&[0, 4], &[4, 3], &[0, 3]),
        (&[3, 0], &[0, 2], &[3, 2]),
        (&[2, 0, 3], &[2, 3, 4], &[2, 0, 4]),
    ];
    for (i, &(sa, sb, sr)) in cases.iter().enumerate() {
        for dtype in [DType::F64, DType::F32, DType::I32] {
            let a = input(sa, dtype, 1 + i as u64);
            let b = input(sb, dtype, 100 + i as u64);
            // The naive product on operands made 2-D and broadcast to the result's batch.
            let a2: Vec<usize> = if sa.len() == 1 {
                vec![1, sa[0]]
            } else {
                sa.to_vec()
            };
            let b2: Vec<usize> = if sb.len() == 1 {
                vec![sb[0], 1]
            } else {
                sb.to_vec()
            };
            let (m, k, n) = (a2[a2.len() - 2], a2[a2.len() - 1], b2[b2.len() - 1]);
            let batch_shape: Vec<usize> =
                numcrane::broadcast_shapes(&a2[..a2.len() - 2], &b2[..b2.len() - 2]).unwrap();
            let full = |x: &Array, two: &[usize], tail: [usize; 2]| {
                let shape: Vec<usize> = batch_shape.iter().copied().chain(tail).collect();
                let dims: Vec<isize> = two.iter().map(|&d| d as isize).collect();
                vals(&x.reshape(dims).broadcast_to(&shape))
            };
            let batch: usize = batch_shape.iter().product();
            let want = naive(
                &full(&a, &a2, [m, k]),
                &full(&b, &b2, [k, n]),
                batch,
                m,
                k,
                n,
            );
            for backend in BACKENDS {
                let r = matmul(&a, &b).eval_with(backend).unwrap();
                assert_eq!(r.shape(), sr, "case {i} {dtype:?} {backend:?}");
                assert_eq!(r.dtype(), dtype);
                assert_close(&vals(&r), &want, k);
            }
        }
    }
}

#[test]
fn views_as_operands() {
    let a = input(&[6, 5], DType::F64, 3);
    let b = input(&[4, 6], DType::F64, 4);
    // a.T (5x6) @ b.T reversed along rows (6x4)
    let at = a.T();
    let bt = b.T().flip(0);
    let want = naive(&vals(&at), &vals(&bt), 1, 5, 6, 4);
    for backend in BACKENDS {
        let r = matmul(&at, &bt).eval_with(backend).unwrap();
        assert_close(&vals(&r), &want, 6);
    }
    // Stepped slices.
    let s = a.slice(numcrane::s![..;2, 1..]);
    let want = naive(&vals(&s), &vals(&input(&[4, 2], DType::F64, 5)), 1, 3, 4, 2);
    let r = matmul(&s, &input(&[4, 2], DType::F64, 5)).eval().unwrap();
    assert_close(&vals(&r), &want, 4);
}

#[test]
fn integers_wrap_and_bools_are_any_of_and() {
    let big = numcrane::full([1, 2], i32::MAX);
    let two = numcrane::full([2, 1], 2i32);
    // 2 * MAX + 2 * MAX wraps in int32, as NumPy's int32 matmul does.
    let r = matmul(&big, &two).eval().unwrap();
    let wrapped = i32::MAX.wrapping_mul(2).wrapping_mul(2);
    assert_eq!(r.to_vec::<i32>().unwrap(), vec![wrapped]);
    let a = numcrane::array([[true, false], [false, false]]);
    let b = numcrane::array([[false, true], [true, true]]);
    let r = matmul(&a, &b).eval().unwrap();
    assert_eq!(r.dtype(), DType::Bool);
    assert_eq!(r.to_vec::<bool>().unwrap(), vec![false, true, false, false]);
    // Mixed dtypes promote.
    let r = matmul(
        &input(&[2, 3], DType::I32, 1),
        &input(&[3, 2], DType::F32, 2),
    );
    assert_eq!(r.dtype(), DType::F64);
}

#[test]
fn errors_name_matmul_and_the_shapes() {
    let a = input(&[3, 4], DType::F32, 1);
    let b = input(&[5, 2], DType::F32, 2);
    let e = matmul(&a, &b).eval().unwrap_err();
    let text = e.to_string();
    assert!(
        matches!(e, Error::InvalidArgument { op: "matmul", .. }),
        "{e:?}"
    );
    assert!(text.contains("size 5 is different from 4"), "{text}");
    assert!(text.contains("tests/matmul.rs:"), "{text}");
    let e = matmul(&Array::scalar(2.0f32), &a).eval().unwrap_err();
    assert!(e.to_string().contains("operand 0"), "{e}");
    let e = matmul(
        &input(&[2, 3, 4], DType::F32, 1),
        &input(&[3, 4, 2], DType::F32, 2),
    )
    .eval()
    .unwrap_err();
    assert!(e.to_string().contains("batch"), "{e}");
    let e = vdot(&a, &b).eval().unwrap_err();
    assert!(e.to_string().contains("vdot"), "{e}");
    let e = tensordot_axes(&a, &b, &[1], &[0]).eval().unwrap_err();
    assert!(e.to_string().contains("tensordot"), "{e}");
}

#[test]
fn the_other_products() {
    let a = input(&[2, 3, 4], DType::F64, 1);
    let b = input(&[3, 4, 5], DType::F64, 2);
    let (av, bv) = (vals(&a), vals(&b));
    // dot of N-D: sum over a's last and b's second-to-last axis -> [2, 3, 3, 5].
    let d = dot(&a, &b).eval().unwrap();
    assert_eq!(d.shape(), &[2, 3, 3, 5]);
    let dv = vals(&d);
    for i in 0..2 {
        for j in 0..3 {
            for k in 0..3 {
                for m in 0..5 {
                    let want: f64 = (0..4)
                        .map(|p| av[i * 12 + j * 4 + p] * bv[k * 20 + p * 5 + m])
                        .sum();
                    let got = dv[((i * 3 + j) * 3 + k) * 5 + m];
                    assert!((got - want).abs() < 1e-12, "{got} vs {want}");
                }
            }
        }
    }
    // tensordot over two axes: a's last two with b's first two -> [2, 5].
    let t = tensordot(&a, &b, 2).eval().unwrap();
    assert_eq!(t.shape(), &[2, 5]);
    let tv = vals(&t);
    for i in 0..2 {
        for m in 0..5 {
            let want: f64 = (0..12).map(|q| av[i * 12 + q] * bv[q * 5 + m]).sum();
            assert!((tv[i * 5 + m] - want).abs() < 1e-12);
        }
    }
    // inner: over the last axes.
    let c = input(&[5, 4], DType::F64, 3);
    let inn = inner(&a, &c).eval().unwrap();
    assert_eq!(inn.shape(), &[2, 3, 5]);
    let (iv, cv) = (vals(&inn), vals(&c));
    let want: f64 = (0..4).map(|p| av[4 + p] * cv[2 * 4 + p]).sum();
    assert!((iv[5 + 2] - want).abs() < 1e-12);
    // vdot and outer and kron.
    let v = vdot(&a, &a).eval().unwrap();
    let want: f64 = av.iter().map(|x| x * x).sum();
    assert!((v.item::<f64>().unwrap() - want).abs() < 1e-9);
    let o = outer(
        &numcrane::array([1.0, 2.0]),
        &numcrane::array([3.0, 4.0, 5.0]),
    );
    assert_eq!(vals(&o), vec![3.0, 4.0, 5.0, 6.0, 8.0, 10.0]);
    let k = kron(
        &numcrane::array([[1, 2], [3, 4]]),
        &numcrane::array([[0, 1], [1, 0]]),
    );
    assert_eq!(k.shape(), &[4, 4]);
    assert_eq!(
        vals(&k),
        [0, 1, 0, 2, 1, 0, 2, 0, 0, 3, 0, 4, 3, 0, 4, 0].map(f64::from)
    );
    // trace: ints sum in int64.
    let m = numcrane::array([[1i32, 2, 3], [4, 5, 6], [7, 8, 9]]);
    let tr = m.trace().eval().unwrap();
    assert_eq!(tr.dtype(), DType::I64);
    assert_eq!(tr.item::<i64>().unwrap(), 15);
    assert_eq!(m.trace_with(1, 0, 1).item::<i64>().unwrap(), 8);
    // dot with a scalar multiplies; 1-D dot 1-D is the inner product.
    assert_eq!(
        vals(&dot(&Array::scalar(2.0), &numcrane::array([1.0, 2.0]))),
        vec![2.0, 4.0]
    );
    let ip = dot(&numcrane::array([1.0, 2.0]), &numcrane::array([3.0, 4.0]));
    assert_eq!(ip.item::<f64>().unwrap(), 11.0);
}

#[test]
fn matmul_inside_a_fused_graph() {
    // Element-wise work around the product still fuses; the product is its own step.
    let x = input(&[8, 6], DType::F32, 1);
    let w = input(&[6, 4], DType::F32, 2);
    let b = input(&[4], DType::F32, 3);
    let y = numcrane::maximum(&(matmul(&(&x * 2.0), &w) + &b), 0.0);
    let plan = y.explain_plan();
    assert!(plan.contains("matmul"), "{plan}");
    let reference = y.copy().eval_with(Backend::Eval).unwrap();
    let got = y.eval_with(Backend::Jit).unwrap();
    assert_close(&vals(&got), &vals(&reference), 6);
}

/// Full-range random values of an integer dtype (built as u64 bits and cast, so every bit
/// pattern occurs), or bools with about one true in `1 / density`.
fn random_int(shape: &[usize], dtype: DType, seed: u64) -> Array {
    let n: usize = shape.iter().product();
    let mut s = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let bits: Vec<u64> = (0..n)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            s
        })
        .collect();
    let a = match dtype {
        DType::Bool => Array::from_vec(bits.iter().map(|b| b % 7 == 0).collect(), n),
        DType::I8 => Array::from_vec(bits.iter().map(|&b| b as i8).collect(), n),
        DType::I16 => Array::from_vec(bits.iter().map(|&b| b as i16).collect(), n),
        DType::I32 => Array::from_vec(bits.iter().map(|&b| b as i32).collect(), n),
        DType::I64 => Array::from_vec(bits.iter().map(|&b| b as i64).collect(), n),
        DType::U8 => Array::from_vec(bits.iter().map(|&b| b as u8).collect(), n),
        DType::U16 => Array::from_vec(bits.iter().map(|&b| b as u16).collect(), n),
        DType::U32 => Array::from_vec(bits.iter().map(|&b| b as u32).collect(), n),
        DType::U64 => Array::from_vec(bits, n),
        other => panic!("not an integer dtype: {other:?}"),
    };
    a.reshape(shape.iter().map(|&d| d as isize).collect::<Vec<_>>())
        .eval()
        .expect("input")
}

const INT_DTYPES: [DType; 9] = [
    DType::I8,
    DType::I16,
    DType::I32,
    DType::I64,
    DType::U8,
    DType::U16,
    DType::U32,
    DType::U64,
    DType::Bool,
];

/// Integer and bool products on the JIT backend (the native integer GEMM) against the
/// reference evaluator, element for element: full-range values (sums wrap), shapes across the
/// kernel's tiles and blocks (k > 256), batches, broadcast batches, empty dimensions, and
/// operands that are transposed, reversed, stepped or broadcast views.
#[test]
fn integer_and_bool_products_match_the_evaluator() {
    let cases: &[(&[usize], &[usize])] = &[
        (&[1, 1], &[1, 1]),
        (&[5, 7], &[7, 3]),
        (&[17, 13], &[13, 70]),
        (&[40, 300], &[300, 9]),
        (&[130, 20], &[20, 65]),
        (&[3, 6, 5], &[3, 5, 4]),
        (&[2, 6, 5], &[5, 4]),
        (&[7], &[7, 3]),
        (&[4, 7], &[7]),
        (&[0, 4], &[4, 3]),
        (&[3, 0], &[0, 2]),
    ];
    for dt in INT_DTYPES {
        for (i, &(sa, sb)) in cases.iter().enumerate() {
            let a = random_int(sa, dt, 2 * i as u64 + 1);
            let b = random_int(sb, dt, 2 * i as u64 + 2);
            let want = matmul(&a, &b).eval_with(Backend::Eval).unwrap();
            let got = matmul(&a, &b).eval_with(Backend::Jit).unwrap();
            assert_eq!(got.dtype(), dt, "{dt:?} case {i}");
            assert_eq!(got.shape(), want.shape(), "{dt:?} case {i}");
            assert_eq!(
                got.contiguous_bytes().unwrap(),
                want.contiguous_bytes().unwrap(),
                "{dt:?} {sa:?} @ {sb:?}"
            );
        }
        // Views: a.T (stored 9 x 33), b reversed along both axes and stepped, a broadcast row.
        let a = random_int(&[9, 33], dt, 77);
        let b = random_int(&[18, 21], dt, 78);
        let views = [
            (a.T(), b.slice(numcrane::s![..;2, ..]).flip(0).flip(1)),
            (
                random_int(&[1, 9], dt, 79).broadcast_to(&[33, 9]),
                b.slice(numcrane::s![1..;2, ..]),
            ),
        ];
        for (j, (x, y)) in views.iter().enumerate() {
            let want = matmul(x, y).eval_with(Backend::Eval).unwrap();
            let got = matmul(x, y).eval_with(Backend::Jit).unwrap();
            assert_eq!(
                got.contiguous_bytes().unwrap(),
                want.contiguous_bytes().unwrap(),
                "{dt:?} view case {j}"
            );
        }
    }
}

/// Wrap-around written out for each integer width: an all-MAX row times an all-MAX column
/// is `k * MAX * MAX` reduced modulo 2^bits, on every backend.
#[test]
fn every_integer_width_wraps() {
    fn check<T: numcrane::Element + PartialEq + std::fmt::Debug>(max: T, want: T) {
        let a = numcrane::full([2, 300], max);
        let b = numcrane::full([300, 3], max);
        for backend in BACKENDS {
            let r = matmul(&a, &b).eval_with(backend).unwrap();
            assert_eq!(r.to_vec::<T>().unwrap(), vec![want; 6], "{backend:?}");
        }
    }
    // k * x * x in i128 wrapping arithmetic, truncated: the same residue modulo 2^bits.
    let want = |x: i128| 300i128.wrapping_mul(x).wrapping_mul(x);
    check(i8::MAX, want(i8::MAX.into()) as i8);
    check(i16::MAX, want(i16::MAX.into()) as i16);
    check(i32::MIN, want(i32::MIN.into()) as i32);
    check(i64::MAX, want(i64::MAX.into()) as i64);
    check(u8::MAX, want(u8::MAX.into()) as u8);
    check(u16::MAX, want(u16::MAX.into()) as u16);
    check(u32::MAX, want(u32::MAX.into()) as u32);
    check(u64::MAX, want(u64::MAX.into()) as u64);
}

#[test]
fn stacks_run_in_parallel_with_the_bits_of_each_matrix_alone() {
    // A stack of small matrices runs its GEMMs side by side, each on one thread; a single
    // matrix runs on every thread. numcrane-kernels' GEMM gives the same bits on any number of
    // threads, so each matrix of the stack must equal its own product bit for bit, with and
    // without an epilogue, for transposed operands too.
    for dtype in [DType::F32, DType::F64] {
        let a = input(&[12, 7, 9], dtype, 4);
        let bt = input(&[12, 5, 9], dtype, 5);
        let b = bt.swapaxes(-1, -2);
        let bias = input(&[5], dtype, 6);
        let stacked = matmul(&a, &b).eval_with(Backend::Jit).unwrap();
        let fused = numcrane::maximum(&(matmul(&a, &b) + &bias), 0.0)
            .eval_with(Backend::Jit)
            .unwrap();
        let (s, f) = (vals(&stacked), vals(&fused));
        for t in 0..12 {
            let at = a.index(numcrane::ix![t as isize]);
            let bt = b.index(numcrane::ix![t as isize]);
            let alone = vals(&matmul(&at, &bt).eval_with(Backend::Jit).unwrap());
            let relu = numcrane::maximum(&(matmul(&at, &bt) + &bias), 0.0);
            let relu = vals(&relu.eval_with(Backend::Jit).unwrap());
            let range = t * 35..(t + 1) * 35;
            let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(
                bits(&s[range.clone()]),
                bits(&alone),
                "{dtype:?} matrix {t}"
            );
            assert_eq!(
                bits(&f[range]),
                bits(&relu),
                "{dtype:?} epilogue, matrix {t}"
            );
        }
        let want = vals(&matmul(&a, &b).eval_with(Backend::Eval).unwrap());
        assert_close(&s, &want, 9);
    }
}
