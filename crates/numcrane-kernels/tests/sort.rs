//! The sort kernels against the reference order (a stable sort per lane with NaN last and
//! -0.0 == 0.0, numcrane's evaluator's `total`), bit for bit: every dtype, random data rich in
//! NaNs of several payloads and both signs, signed zeros, infinities, extremes and duplicates;
//! lanes along the inner and outer axes; every path forced through the options (std sort,
//! radix, parallel lanes, one lane split across 1-7 threads with tiny leaves).

use numcrane_kernels::{
    argsort_axis, argsort_axis_with, sort_axis, sort_axis_with, SortError, SortOptions, SortScalar,
};
use proptest::prelude::*;
use std::cmp::Ordering;
use std::fmt::Debug;

/// Test-side view of an element: random construction, the reference order, exact bits.
trait Elem: SortScalar + Debug + PartialOrd {
    fn gen(x: u64) -> Self;
    fn bits(self) -> u64;
}

macro_rules! elem_int {
    ($($t:ty),*) => {$(
        impl Elem for $t {
            fn gen(x: u64) -> Self {
                // Half the time few distinct values (many ties), else the full range.
                if x & 1 == 0 { ((x >> 8) % 7) as $t } else { (x >> 1) as $t }
            }
            fn bits(self) -> u64 { self as u64 }
        }
    )*};
}
elem_int!(i8, i16, i32, i64, u8, u16, u32, u64);

impl Elem for bool {
    fn gen(x: u64) -> Self {
        x & 4 == 0
    }
    fn bits(self) -> u64 {
        self as u64
    }
}

macro_rules! elem_float {
    ($($t:ty => $u:ty),*) => {$(
        impl Elem for $t {
            fn gen(x: u64) -> Self {
                let specials = [
                    <$t>::NAN,
                    -<$t>::NAN,
                    <$t>::from_bits(<$t>::NAN.to_bits() | 5),
                    <$t>::from_bits((-<$t>::NAN).to_bits() | 3),
                    0.0,
                    -0.0,
                    <$t>::INFINITY,
                    <$t>::NEG_INFINITY,
                    <$t>::MAX,
                    <$t>::MIN,
                    <$t>::MIN_POSITIVE,
                    -<$t>::from_bits(1),
                    <$t>::from_bits(1),
                    1.0,
                    -1.0,
                ];
                match x % 4 {
                    0 => specials[((x >> 8) % specials.len() as u64) as usize],
                    1 => ((x >> 8) % 9) as $t - 4.0,
                    _ => <$t>::from_bits((x >> 3) as $u),
                }
            }
            fn bits(self) -> u64 { self.to_bits() as u64 }
        }
    )*};
}
elem_float!(f32 => u32, f64 => u64);

/// numcrane's evaluator's order (crates/numcrane-graph/src/eval/sort.rs).
#[allow(clippy::eq_op)]
fn total<T: PartialOrd>(a: &T, b: &T) -> Ordering {
    match a.partial_cmp(b) {
        Some(o) => o,
        None => (a != a).cmp(&(b != b)),
    }
}

fn data<T: Elem>(n: usize, seed: u64) -> Vec<T> {
    let mut s = seed;
    (0..n)
        .map(|_| {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            T::gen(s ^ (s >> 29))
        })
        .collect()
}

/// Reference sort and argsort of `[outer, len, inner]`.
fn reference<T: Elem>(src: &[T], [outer, len, inner]: [usize; 3]) -> (Vec<T>, Vec<i64>) {
    let mut vals = src.to_vec();
    let mut idx = vec![0i64; src.len()];
    for o in 0..outer {
        for i in 0..inner {
            let at = |k: usize| (o * len + k) * inner + i;
            let mut order: Vec<usize> = (0..len).collect();
            order.sort_by(|&a, &b| total(&src[at(a)], &src[at(b)]));
            for (k, &p) in order.iter().enumerate() {
                vals[at(k)] = src[at(p)];
                idx[at(k)] = p as i64;
            }
        }
    }
    (vals, idx)
}

fn check<T: Elem>(dims: [usize; 3], seed: u64, opts: &SortOptions) {
    let n = dims.iter().product();
    let src = data::<T>(n, seed);
    let (want_v, want_i) = reference(&src, dims);
    let mut got = vec![T::gen(1); n];
    sort_axis_with(opts, &src, dims, &mut got).unwrap();
    let (gb, wb): (Vec<u64>, Vec<u64>) = (
        got.iter().map(|x| x.bits()).collect(),
        want_v.iter().map(|x| x.bits()).collect(),
    );
    assert_eq!(gb, wb, "sort {dims:?} {opts:?}");
    let mut idx = vec![-1i64; n];
    argsort_axis_with(opts, &src, dims, &mut idx).unwrap();
    assert_eq!(idx, want_i, "argsort {dims:?} {opts:?}");
}

fn options() -> impl Strategy<Value = SortOptions> {
    (
        any::<bool>(),
        prop_oneof![Just(0usize), Just(2), Just(256), Just(usize::MAX)],
        prop_oneof![Just(0usize), Just(3), Just(1 << 16)],
        prop_oneof![Just(0usize), Just(64)],
        prop_oneof![Just(0usize), Just(1), Just(5), Just(100)],
    )
        .prop_map(
            |(parallel, radix_min, split_min, parallel_min, leaf)| SortOptions {
                parallel,
                radix_min,
                split_min,
                parallel_min,
                leaf,
            },
        )
}

fn dims() -> impl Strategy<Value = [usize; 3]> {
    prop_oneof![
        (0usize..4, 0usize..300, 1usize..2).prop_map(|(a, b, c)| [a, b, c]),
        (0usize..4, 0usize..60, 0usize..9).prop_map(|(a, b, c)| [a, b, c]),
        (1usize..2, 1000usize..3000, 1usize..2).prop_map(|(a, b, c)| [a, b, c]),
    ]
}

macro_rules! prop_types {
    ($($name:ident: $t:ty),*) => {
        proptest! {
            #![proptest_config(ProptestConfig::with_cases(48))]
            $(
                #[test]
                fn $name(d in dims(), seed in any::<u64>(), opts in options(), threads in 1usize..5) {
                    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
                    pool.install(|| check::<$t>(d, seed, &opts));
                }
            )*
        }
    };
}

prop_types!(
    prop_f32: f32, prop_f64: f64, prop_i8: i8, prop_i16: i16, prop_i32: i32, prop_i64: i64,
    prop_u8: u8, prop_u16: u16, prop_u32: u32, prop_u64: u64, prop_bool: bool
);

/// Default options on sizes that take the parallel paths: many lanes, one long lane split
/// across threads, lanes along an outer axis.
#[test]
fn large_default_paths() {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(3)
        .build()
        .unwrap();
    pool.install(|| {
        for dims in [[1, 200_000, 1], [3, 70_000, 1], [400, 300, 1], [2, 5000, 9]] {
            check::<f32>(dims, 7, &SortOptions::default());
            check::<f64>(dims, 8, &SortOptions::default());
            check::<i64>(dims, 9, &SortOptions::default());
        }
        check::<u16>([1, 100_000, 1], 3, &SortOptions::default());
        check::<bool>([1, 100_000, 1], 4, &SortOptions::default());
    });
}

#[test]
fn signed_zeros_and_nans_keep_input_order() {
    let nan2 = f64::from_bits(f64::NAN.to_bits() | 2);
    let x = [f64::NAN, 0.0, -0.0, -f64::NAN, 0.0, -1.0, nan2, -0.0];
    let mut out = [1.0; 8];
    sort_axis(&x, [1, 8, 1], &mut out).unwrap();
    let bits: Vec<u64> = out.iter().map(|v| v.to_bits()).collect();
    let want: Vec<u64> = [-1.0, 0.0, -0.0, 0.0, -0.0, f64::NAN, -f64::NAN, nan2]
        .iter()
        .map(|v| v.to_bits())
        .collect();
    assert_eq!(bits, want);
    let mut idx = [0i64; 8];
    argsort_axis(&x, [1, 8, 1], &mut idx).unwrap();
    assert_eq!(idx, [5, 1, 2, 4, 7, 0, 3, 6]);
}

#[test]
fn bad_lengths_are_errors() {
    let x = [1i32; 6];
    let mut out = [0i32; 6];
    assert_eq!(
        sort_axis(&x, [2, 2, 2], &mut out),
        Err(SortError::Shape {
            dims: [2, 2, 2],
            src: 6,
            dst: 6
        })
    );
    let mut idx = [0i64; 5];
    assert!(argsort_axis(&x, [1, 6, 1], &mut idx).is_err());
    assert!(sort_axis(&x, [usize::MAX, 2, 2], &mut out).is_err());
}
