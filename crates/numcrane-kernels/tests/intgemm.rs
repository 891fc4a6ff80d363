//! Integer and bool GEMM against a naive triple loop in the element type (wrapping products
//! and sums; OR of ANDs for bool): random full-range values (so most sums overflow), odd and
//! empty shapes, eight layouts per operand (transposed, padded, strided, negative and zero
//! strides), five output layouts, every option (generic kernel, no small path, tiny
//! blockings, threads on and off) and many-thread pools. Elements of C's buffer outside the
//! view must be left alone, and C's old contents must not leak into the result.

mod common;

use common::options;
use numcrane_kernels::{
    int_gemm, int_gemm_with, GemmError, GemmOptions, IntGemmScalar, MatMut, MatRef,
};
use proptest::prelude::*;
use std::fmt::Debug;

/// Element types built from random bits, with the reference arithmetic.
trait Elem: IntGemmScalar + Debug {
    fn from_bits(x: u64) -> Self;
    fn radd(self, o: Self) -> Self;
    fn rmul(self, o: Self) -> Self;
    fn zero() -> Self;
}

macro_rules! elem_int {
    ($($t:ty),*) => {$(
        impl Elem for $t {
            fn from_bits(x: u64) -> Self { x as $t }
            fn radd(self, o: Self) -> Self { self.wrapping_add(o) }
            fn rmul(self, o: Self) -> Self { self.wrapping_mul(o) }
            fn zero() -> Self { 0 }
        }
    )*};
}
elem_int!(i8, i16, i32, i64, u8, u16, u32, u64);

impl Elem for bool {
    fn from_bits(x: u64) -> Self {
        // Sparse-ish so that both all-false and some-true dot products occur.
        x.is_multiple_of(5)
    }
    fn radd(self, o: Self) -> Self {
        self || o
    }
    fn rmul(self, o: Self) -> Self {
        self && o
    }
    fn zero() -> Self {
        false
    }
}

/// splitmix64: deterministic random bits from a seed.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Full-range values, or small ones (|x| < 8) one time in four so exact sums occur too.
    fn value<T: Elem>(&mut self, small: bool) -> T {
        let x = self.next();
        T::from_bits(if small { x % 16 } else { x })
    }
}

/// How an operand's elements are laid out in its buffer.
#[derive(Debug, Clone, Copy)]
enum Layout {
    RowMajor,
    ColMajor,
    Padded,
    Strided,
    NegRows,
    NegBoth,
    ZeroRows,
    ColMajorNeg,
}

const IN_LAYOUTS: [Layout; 8] = [
    Layout::RowMajor,
    Layout::ColMajor,
    Layout::Padded,
    Layout::Strided,
    Layout::NegRows,
    Layout::NegBoth,
    Layout::ZeroRows,
    Layout::ColMajorNeg,
];
/// Output layouts (no zero strides: C elements must not share a location).
const OUT_LAYOUTS: [Layout; 6] = [
    Layout::RowMajor,
    Layout::ColMajor,
    Layout::Padded,
    Layout::Strided,
    Layout::NegBoth,
    Layout::ColMajorNeg,
];

/// (buffer length, offset of element (0, 0), row stride, column stride).
fn place(l: Layout, rows: usize, cols: usize) -> (usize, usize, isize, isize) {
    let (r, c) = (rows as isize, cols as isize);
    let (rs, cs) = match l {
        Layout::RowMajor => (c, 1),
        Layout::ColMajor => (1, r),
        Layout::Padded => (c + 3, 1),
        Layout::Strided => (2 * c + 1, 2),
        Layout::NegRows => (-c, 1),
        Layout::NegBoth => (-c, -1),
        Layout::ZeroRows => (0, 1),
        Layout::ColMajorNeg => (-1, r),
    };
    if rows == 0 || cols == 0 {
        return (0, 0, rs, cs);
    }
    let (er, ec) = ((r - 1) * rs, (c - 1) * cs);
    let lo = er.min(0) + ec.min(0);
    let hi = er.max(0) + ec.max(0);
    ((hi - lo + 1) as usize, (-lo) as usize, rs, cs)
}

/// A random operand: its buffer, view geometry and logical row-major values.
struct Operand<T> {
    buf: Vec<T>,
    off: usize,
    rs: isize,
    cs: isize,
    vals: Vec<T>,
}

fn operand<T: Elem>(rng: &mut Rng, l: Layout, rows: usize, cols: usize) -> Operand<T> {
    let (len, off, rs, cs) = place(l, rows, cols);
    let small = rng.next().is_multiple_of(4);
    let buf: Vec<T> = (0..len).map(|_| rng.value(small)).collect();
    let mut vals = Vec::with_capacity(rows * cols);
    for i in 0..rows as isize {
        for j in 0..cols as isize {
            vals.push(buf[(off as isize + i * rs + j * cs) as usize]);
        }
    }
    Operand {
        buf,
        off,
        rs,
        cs,
        vals,
    }
}

fn naive<T: Elem>(a: &[T], b: &[T], m: usize, k: usize, n: usize) -> Vec<T> {
    let mut c = vec![T::zero(); m * n];
    for i in 0..m {
        for j in 0..n {
            let mut acc = T::zero();
            for p in 0..k {
                acc = acc.radd(a[i * k + p].rmul(b[p * n + j]));
            }
            c[i * n + j] = acc;
        }
    }
    c
}

#[derive(Debug, Clone, Copy)]
struct Case {
    m: usize,
    n: usize,
    k: usize,
    la: Layout,
    lb: Layout,
    lc: Layout,
    seed: u64,
}

/// Runs one case with `opts` and checks C against the naive product and the buffer outside
/// C's view against its old contents.
fn check<T: Elem>(case: Case, opts: &GemmOptions) {
    let Case {
        m,
        n,
        k,
        la,
        lb,
        lc,
        seed,
    } = case;
    let mut rng = Rng(seed);
    let a = operand::<T>(&mut rng, la, m, k);
    let b = operand::<T>(&mut rng, lb, k, n);
    let c = operand::<T>(&mut rng, lc, m, n);
    let want = naive(&a.vals, &b.vals, m, k, n);
    let mut cbuf = c.buf.clone();
    let av = MatRef::from_slice(&a.buf, a.off, m, k, a.rs, a.cs).unwrap();
    let bv = MatRef::from_slice(&b.buf, b.off, k, n, b.rs, b.cs).unwrap();
    let cv = MatMut::from_slice(&mut cbuf, c.off, m, n, c.rs, c.cs).unwrap();
    int_gemm_with(opts, av, bv, cv).unwrap();
    let mut inside = vec![false; cbuf.len()];
    for i in 0..m {
        for j in 0..n {
            let o = (c.off as isize + i as isize * c.rs + j as isize * c.cs) as usize;
            inside[o] = true;
            assert_eq!(
                cbuf[o],
                want[i * n + j],
                "C[{i}][{j}] of {case:?} with {opts:?}"
            );
        }
    }
    for (o, &is) in inside.iter().enumerate() {
        if !is {
            assert_eq!(cbuf[o], c.buf[o], "element {o} outside C written: {case:?}");
        }
    }
}

fn cases() -> impl Strategy<Value = Case> {
    (
        (0usize..40, 0usize..80, 0usize..40),
        (
            0..IN_LAYOUTS.len(),
            0..IN_LAYOUTS.len(),
            0..OUT_LAYOUTS.len(),
        ),
        any::<u64>(),
    )
        .prop_map(|((m, n, k), (la, lb, lc), seed)| Case {
            m,
            n,
            k,
            la: IN_LAYOUTS[la],
            lb: IN_LAYOUTS[lb],
            lc: OUT_LAYOUTS[lc],
            seed,
        })
}

macro_rules! prop_types {
    ($($name:ident: $t:ty),*) => {
        proptest! {
            #![proptest_config(ProptestConfig::with_cases(60))]
            $(
                #[test]
                fn $name(case in cases(), opts in options(130)) {
                    check::<$t>(case, &opts);
                }
            )*
        }
    };
}

prop_types!(
    prop_i8: i8, prop_i16: i16, prop_i32: i32, prop_i64: i64,
    prop_u8: u8, prop_u16: u16, prop_u32: u32, prop_u64: u64, prop_bool: bool
);

/// Every type on fixed shapes that cross the blocking edges of the default blocking (kc =
/// 256, mc = 128) and run the parallel driver, with 1, 3 and 7 threads (the column-group
/// split) and each layout of C.
fn large<T: Elem>() {
    let shapes = [(130, 67, 300), (3, 200, 257), (200, 1, 70), (1, 300, 260)];
    for (s, &(m, n, k)) in shapes.iter().enumerate() {
        for threads in [1, 3, 7] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            for (l, &lc) in OUT_LAYOUTS.iter().enumerate() {
                let case = Case {
                    m,
                    n,
                    k,
                    la: IN_LAYOUTS[(s + l) % IN_LAYOUTS.len()],
                    lb: IN_LAYOUTS[(s + 2 * l + 1) % IN_LAYOUTS.len()],
                    lc,
                    seed: (s * 100 + l + threads) as u64,
                };
                pool.install(|| check::<T>(case, &GemmOptions::default()));
            }
        }
    }
}

#[test]
fn large_all_types() {
    large::<i8>();
    large::<i16>();
    large::<i32>();
    large::<i64>();
    large::<u8>();
    large::<u16>();
    large::<u32>();
    large::<u64>();
    large::<bool>();
}

#[test]
fn overflow_wraps_like_numpy() {
    // 127 * 127 * 3 = 48387 = 0xBD03 wraps to 3 in int8; u8 255 * 255 = 1 (mod 256) per term.
    let a = [i8::MAX; 3];
    let mut c = [0i8; 1];
    int_gemm(
        MatRef::row_major(&a, 1, 3).unwrap(),
        MatRef::row_major(&a, 3, 1).unwrap(),
        MatMut::row_major(&mut c, 1, 1).unwrap(),
    )
    .unwrap();
    assert_eq!(c[0], (127i32 * 127 * 3) as i8);
    let a = [u8::MAX; 5];
    let mut c = [9u8; 1];
    int_gemm(
        MatRef::row_major(&a, 1, 5).unwrap(),
        MatRef::row_major(&a, 5, 1).unwrap(),
        MatMut::row_major(&mut c, 1, 1).unwrap(),
    )
    .unwrap();
    assert_eq!(c[0], 5);
    // i64::MIN * -1 wraps to i64::MIN; plus 1 * 1.
    let a = [i64::MIN, 1];
    let b = [-1i64, 1];
    let mut c = [0i64; 1];
    int_gemm(
        MatRef::row_major(&a, 1, 2).unwrap(),
        MatRef::row_major(&b, 2, 1).unwrap(),
        MatMut::row_major(&mut c, 1, 1).unwrap(),
    )
    .unwrap();
    assert_eq!(c[0], i64::MIN + 1);
}

#[test]
fn bool_is_or_of_and() {
    let a = [true, false, false, false];
    let b = [false, true, true, true];
    let mut c = [true; 4];
    int_gemm(
        MatRef::row_major(&a, 2, 2).unwrap(),
        MatRef::row_major(&b, 2, 2).unwrap(),
        MatMut::row_major(&mut c, 2, 2).unwrap(),
    )
    .unwrap();
    assert_eq!(c, [false, true, false, false]);
}

#[test]
fn k_zero_gives_zeros_and_bad_shapes_are_errors() {
    let a: [i32; 0] = [];
    let mut c = [7i32; 6];
    int_gemm(
        MatRef::row_major(&a, 2, 0).unwrap(),
        MatRef::row_major(&a, 0, 3).unwrap(),
        MatMut::row_major(&mut c, 2, 3).unwrap(),
    )
    .unwrap();
    assert_eq!(c, [0; 6]);
    let x = [1u16; 6];
    let mut c = [0u16; 4];
    let err = int_gemm(
        MatRef::row_major(&x, 2, 3).unwrap(),
        MatRef::row_major(&x, 2, 3).unwrap(),
        MatMut::row_major(&mut c, 2, 2).unwrap(),
    )
    .unwrap_err();
    assert_eq!(
        err,
        GemmError::ShapeMismatch {
            a: (2, 3),
            b: (2, 3),
            c: (2, 2)
        }
    );
}
