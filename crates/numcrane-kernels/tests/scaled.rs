//! Operands scaled while packing (`MatRef::scaled`): the product must have exactly the bits of
//! scaling the operand first and multiplying the result, for every layout, size class
//! (direct-path sizes included), option set and thread count, and for an epilogue too.

mod common;

use common::{options, Layout, Real, Rng, Strided, ALL_LAYOUTS};
use numcrane_kernels::{gemm_with, gemm_with_epilogue, GemmOptions, MatRef, OperandScale};
use proptest::prelude::*;

/// `x` scaled as `s` says, in T's arithmetic.
fn apply<T: Real>(s: OperandScale<T>, x: T) -> T {
    match s {
        OperandScale::Mul(f) => x * f,
        OperandScale::Div(f) => x / f,
    }
}

/// A row-major copy of `m` with `s` applied to each element: what an element-wise kernel
/// computing `s * m` would have produced.
fn materialised<T: Real>(m: &Strided<T>, s: Option<OperandScale<T>>) -> Vec<T> {
    (0..m.rows)
        .flat_map(|i| (0..m.cols).map(move |j| (i, j)))
        .map(|(i, j)| {
            let x = T::from_f64(m.get(i, j));
            s.map_or(x, |s| apply(s, x))
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn check<T: Real>(
    (m, n, k): (usize, usize, usize),
    (la, lb): (Layout, Layout),
    (sa, sb): (Option<OperandScale<T>>, Option<OperandScale<T>>),
    opts: &GemmOptions,
    seed: u64,
    epilogue: bool,
) {
    let mut rng = Rng::new(seed);
    let a = Strided::<T>::random(&mut rng, m, k, la);
    let b = Strided::<T>::random(&mut rng, k, n, lb);
    let mut av = a.view();
    if let Some(s) = sa {
        av = av.scaled(s);
    }
    let mut bv = b.view();
    if let Some(s) = sb {
        bv = bv.scaled(s);
    }
    let (a0, b0) = (materialised(&a, sa), materialised(&b, sb));
    let mut want = vec![T::from_f64(0.0); m * n];
    let mut got = vec![T::from_f64(f64::NAN); m * n];
    let plain_a = MatRef::row_major(&a0, m, k).unwrap();
    let plain_b = MatRef::row_major(&b0, k, n).unwrap();
    let c_want = numcrane_kernels::MatMut::row_major(&mut want, m, n).unwrap();
    let c_got = numcrane_kernels::MatMut::row_major(&mut got, m, n).unwrap();
    let (one, zero) = (T::from_f64(1.0), T::from_f64(0.0));
    if epilogue {
        // The epilogue sees the scaled product's final values: doubling them must give twice
        // the plain product's bits.
        let double = |mut blk: numcrane_kernels::EpilogueBlock<'_, T>| {
            for i in 0..blk.rows() {
                for j in 0..blk.cols() {
                    let v = blk.get_mut(i, j);
                    *v = *v + *v;
                }
            }
        };
        gemm_with_epilogue(opts, one, av, bv, zero, c_got, &double).unwrap();
        gemm_with_epilogue(opts, one, plain_a, plain_b, zero, c_want, &double).unwrap();
    } else {
        gemm_with(opts, one, av, bv, zero, c_got).unwrap();
        gemm_with(opts, one, plain_a, plain_b, zero, c_want).unwrap();
    }
    let bits = |v: &[T]| {
        v.iter()
            .map(|&x| Into::<f64>::into(x).to_bits())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        bits(&got),
        bits(&want),
        "{m}x{n}x{k} {la:?} {lb:?} {sa:?} {sb:?} {opts:?} epilogue {epilogue}"
    );
}

fn scale<T: Real>() -> impl Strategy<Value = Option<OperandScale<T>>> {
    prop_oneof![
        Just(None),
        prop_oneof![Just(0.5), Just(3.0), Just(-1.7), Just(1e-3)]
            .prop_map(|f| Some(OperandScale::Mul(T::from_f64(f)))),
        prop_oneof![Just(3.0), Just(-0.3), Just(7.0)]
            .prop_map(|f| Some(OperandScale::Div(T::from_f64(f)))),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn f32_scaled_operands_give_the_bits_of_scaling_first(
        dims in (0usize..70, 0usize..70, 0usize..70),
        (la, lb) in (0..ALL_LAYOUTS.len(), 0..ALL_LAYOUTS.len()),
        scales in (scale::<f32>(), scale::<f32>()),
        opts in options(30),
        seed in any::<u64>(),
        epilogue in any::<bool>(),
    ) {
        check::<f32>(dims, (ALL_LAYOUTS[la], ALL_LAYOUTS[lb]), scales, &opts, seed, epilogue);
    }

    #[test]
    fn f64_scaled_operands_give_the_bits_of_scaling_first(
        dims in (0usize..70, 0usize..70, 0usize..70),
        (la, lb) in (0..ALL_LAYOUTS.len(), 0..ALL_LAYOUTS.len()),
        scales in (scale::<f64>(), scale::<f64>()),
        opts in options(30),
        seed in any::<u64>(),
        epilogue in any::<bool>(),
    ) {
        check::<f64>(dims, (ALL_LAYOUTS[la], ALL_LAYOUTS[lb]), scales, &opts, seed, epilogue);
    }
}

/// Large enough for several threads, blocks and packed panels of every width.
#[test]
fn large_scaled_products_match_on_two_threads() {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap();
    pool.install(|| {
        for (la, lb) in [
            (Layout::RowMajor, Layout::RowMajor),
            (Layout::ColMajor, Layout::Strided),
        ] {
            let s = (
                Some(OperandScale::Mul(0.125f32)),
                Some(OperandScale::Div(3.0f32)),
            );
            check::<f32>(
                (300, 257, 520),
                (la, lb),
                s,
                &GemmOptions::default(),
                7,
                false,
            );
            let s = (Some(OperandScale::Div(-7.0f64)), None);
            check::<f64>(
                (190, 300, 300),
                (la, lb),
                s,
                &GemmOptions::default(),
                8,
                true,
            );
        }
    });
}
