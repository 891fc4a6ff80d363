//! The fused epilogue's contract: every element of C is handed over exactly once, with its
//! final value (the bits `gemm_with` produces), on every path (packed with edge tiles and
//! several kc panels, small direct path, `k == 0` / `alpha == 0`), for every C layout
//! (row-major C runs transposed inside), and 1 vs 2 threads give identical bits.

mod common;

use common::{Layout, Real, Rng, Strided, OUT_LAYOUTS};
use numcrane_kernels::{
    gemm_with, gemm_with_epilogue, Activation, BiasActivation, Blocking, EpilogueBlock,
    GemmOptions, KernelChoice, MatMut, SmallPath,
};
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};

fn opts_all() -> Vec<GemmOptions> {
    let base = GemmOptions::default();
    vec![
        base,
        GemmOptions {
            small: SmallPath::Never,
            ..base
        },
        GemmOptions {
            kernel: KernelChoice::Generic,
            ..base
        },
        // Several jc / pc / ic blocks and many epilogue blocks on small matrices.
        GemmOptions {
            small: SmallPath::Never,
            blocking: Some(Blocking {
                mc: 16,
                kc: 5,
                nc: 12,
            }),
            ..base
        },
        GemmOptions {
            parallel: false,
            ..base
        },
    ]
}

/// A test function of the element and its position, so a misplaced block shows.
fn f<T: Real>(i: usize, j: usize, x: T) -> T {
    x * T::from_f64(2.0) + T::from_f64((i * 3 + j) as f64 * 0.125)
}

struct Setup<T> {
    a: Strided<T>,
    b: Strided<T>,
    c: Strided<T>,
}

fn setup<T: Real>(m: usize, n: usize, k: usize, lc: Layout, seed: u64) -> Setup<T> {
    let mut rng = Rng::new(seed);
    Setup {
        a: Strided::random(&mut rng, m, k, Layout::RowMajor),
        b: Strided::random(&mut rng, k, n, Layout::RowMajor),
        c: Strided::random(&mut rng, m, n, lc),
    }
}

/// Runs the plain product and the fused one on copies of the same C; checks visits, values seen
/// and values left. Returns the fused result's bits.
fn check_case<T: Real>(
    (m, n, k): (usize, usize, usize),
    lc: Layout,
    alpha: f64,
    beta: f64,
    opts: &GemmOptions,
    seed: u64,
) -> Vec<u64> {
    let Setup { a, b, mut c } = setup::<T>(m, n, k, lc, seed);
    let mut c2 = Strided {
        buf: c.buf.clone(),
        ..c
    };
    let (alpha, beta) = (T::from_f64(alpha), T::from_f64(beta));
    gemm_with(opts, alpha, a.view(), b.view(), beta, c.view_mut()).unwrap();
    let plain = c.bits();
    let visits: Vec<AtomicU32> = (0..m * n).map(|_| AtomicU32::new(0)).collect();
    let calls = AtomicUsize::new(0);
    let wrong = AtomicUsize::new(0);
    let epilogue = |mut blk: EpilogueBlock<'_, T>| {
        calls.fetch_add(1, Ordering::Relaxed);
        assert!(blk.rows() > 0 && blk.cols() > 0, "empty block");
        assert!(blk.row0() + blk.rows() <= m && blk.col0() + blk.cols() <= n);
        // Small enough for L1/L2: at most mc x NR elements (either orientation).
        let (small, large) = (blk.rows().min(blk.cols()), blk.rows().max(blk.cols()));
        assert!(
            small <= T::NR && large <= 144,
            "block {}x{}",
            blk.rows(),
            blk.cols()
        );
        blk.for_each_mut(|i, j, x| {
            visits[i * n + j].fetch_add(1, Ordering::Relaxed);
            let xv: f64 = (*x).into();
            if xv.to_bits() != plain[i * n + j].to_bits() {
                wrong.fetch_add(1, Ordering::Relaxed);
            }
            *x = f(i, j, *x);
        });
    };
    gemm_with_epilogue(
        opts,
        alpha,
        a.view(),
        b.view(),
        beta,
        c2.view_mut(),
        &epilogue,
    )
    .unwrap();
    let ctx = format!("m={m} n={n} k={k} {lc:?} {opts:?}");
    assert!(
        visits.iter().all(|v| v.load(Ordering::Relaxed) == 1),
        "visits {ctx}"
    );
    assert_eq!(
        wrong.load(Ordering::Relaxed),
        0,
        "values seen not final: {ctx}"
    );
    if m == 0 || n == 0 {
        assert_eq!(calls.load(Ordering::Relaxed), 0, "{ctx}");
    }
    let fused = c2.bits();
    for i in 0..m {
        for j in 0..n {
            let want: f64 = f(i, j, T::from_f64(plain[i * n + j])).into();
            assert_eq!(
                fused[i * n + j].to_bits(),
                want.to_bits(),
                "C[{i},{j}] {ctx}"
            );
        }
    }
    // Nothing outside C's elements was written: same padding as the plain run.
    let mut c3 = Strided {
        buf: c2.buf.clone(),
        ..c2
    };
    for i in 0..m {
        for j in 0..n {
            let o = c3.off as isize + i as isize * c3.rs + j as isize * c3.cs;
            c3.buf[o as usize] = c.buf[o as usize];
        }
    }
    assert!(
        c3.buf.iter().zip(&c.buf).all(|(x, y)| {
            let (x, y): (f64, f64) = ((*x).into(), (*y).into());
            x.to_bits() == y.to_bits()
        }),
        "wrote outside C: {ctx}"
    );
    fused.iter().map(|v| v.to_bits()).collect()
}

#[test]
fn every_element_once_with_final_values() {
    let dims = [0usize, 1, 5, 6, 7, 16, 17, 33];
    let mut seed = 1;
    for &m in &dims {
        for &n in &dims {
            for &k in &[0usize, 1, 7, 19] {
                seed += 1;
                for o in opts_all() {
                    check_case::<f32>((m, n, k), Layout::RowMajor, 1.0, 0.0, &o, seed);
                    check_case::<f64>((m, n, k), Layout::ColMajor, 1.0, 0.5, &o, seed);
                }
            }
        }
    }
}

#[test]
fn all_c_layouts_and_scalars() {
    let mut seed = 100;
    for &lc in &OUT_LAYOUTS {
        for &(alpha, beta) in &[(1.0, 0.0), (-0.5, 1.0), (0.0, 0.25), (2.0, -1.0)] {
            for &shape in &[(19, 14, 11), (70, 33, 40), (3, 130, 9)] {
                seed += 1;
                for o in opts_all() {
                    check_case::<f32>(shape, lc, alpha, beta, &o, seed);
                    check_case::<f64>(shape, lc, alpha, beta, &o, seed);
                }
            }
        }
    }
}

#[test]
fn large_edge_tiles_and_several_kc_panels() {
    // 257 rows and 263 columns leave partial tiles in both directions; k = 300 > kc = 256 runs
    // two rank-kc updates (the epilogue must only see the second one's results).
    for o in [
        GemmOptions::default(),
        GemmOptions {
            parallel: false,
            ..GemmOptions::default()
        },
    ] {
        check_case::<f32>((257, 263, 300), Layout::RowMajor, 1.0, 0.0, &o, 7);
        check_case::<f32>((150, 97, 300), Layout::ColMajor, 1.0, 1.0, &o, 8);
        check_case::<f64>((257, 75, 300), Layout::NegRows, 1.0, 0.0, &o, 9);
    }
}

fn bits_with_threads<T: Real>(
    threads: usize,
    shape: (usize, usize, usize),
    lc: Layout,
    opts: &GemmOptions,
) -> Vec<u64> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    pool.install(|| check_case::<T>(shape, lc, 1.0, 0.0, opts, 42))
}

#[test]
fn one_and_two_threads_identical_bits() {
    for &shape in &[(64, 64, 64), (65, 200, 33), (300, 70, 280), (500, 40, 20)] {
        for &lc in &[Layout::RowMajor, Layout::ColMajor] {
            for o in [
                GemmOptions::default(),
                GemmOptions {
                    small: SmallPath::Never,
                    ..GemmOptions::default()
                },
            ] {
                assert_eq!(
                    bits_with_threads::<f32>(1, shape, lc, &o),
                    bits_with_threads::<f32>(2, shape, lc, &o),
                    "{shape:?} {lc:?}"
                );
                assert_eq!(
                    bits_with_threads::<f64>(1, shape, lc, &o),
                    bits_with_threads::<f64>(2, shape, lc, &o),
                    "{shape:?} {lc:?}"
                );
            }
        }
    }
}

/// `BiasActivation` fused equals gemm followed by the same function as a separate pass, bit
/// for bit, and equals the element formula.
fn bias_activation_case<T: Real>(ep_of: for<'a> fn(&'a [T], &'a [T]) -> BiasActivation<'a, T>) {
    for &(m, n, k) in &[(5, 7, 3), (40, 50, 60), (130, 257, 70), (300, 20, 300)] {
        for &lc in &[
            Layout::RowMajor,
            Layout::ColMajor,
            Layout::Strided,
            Layout::NegBoth,
        ] {
            let mut rng = Rng::new((m * n + k) as u64);
            let cb: Vec<T> = (0..n).map(|_| T::from_f64(rng.next())).collect();
            let rb: Vec<T> = (0..m).map(|_| T::from_f64(rng.next())).collect();
            let ep = ep_of(&cb, &rb);
            let Setup { a, b, mut c } = setup::<T>(m, n, k, lc, 3);
            let mut c2 = Strided {
                buf: c.buf.clone(),
                ..c
            };
            let o = GemmOptions::default();
            gemm_with(&o, T::ONE, a.view(), b.view(), T::ZERO, c.view_mut()).unwrap();
            let plain = c.bits();
            ep.apply_to(c.view_mut());
            let separate = c.bits();
            gemm_with_epilogue(
                &o,
                T::ONE,
                a.view(),
                b.view(),
                T::ZERO,
                c2.view_mut(),
                &|blk| ep.apply(blk),
            )
            .unwrap();
            let fused = c2.bits();
            for i in 0..m {
                for j in 0..n {
                    let want: f64 = ep.value(i, j, T::from_f64(plain[i * n + j])).into();
                    let (s, fu, w) = (separate[i * n + j], fused[i * n + j], want);
                    assert!(
                        s.to_bits() == w.to_bits() && fu.to_bits() == w.to_bits(),
                        "C[{i},{j}] m={m} n={n} k={k} {lc:?} {ep:?}: separate {s} fused {fu} want {w}"
                    );
                }
            }
        }
    }
}

#[test]
fn ready_made_bias_relu_and_friends() {
    fn both<T: Real>() {
        bias_activation_case::<T>(|cb, _| BiasActivation::bias_relu(cb));
        bias_activation_case::<T>(|cb, rb| BiasActivation {
            scale: T::from_f64(0.5),
            col_bias: Some(cb),
            row_bias: Some(rb),
            activation: Activation::Clip {
                lo: T::from_f64(-0.25),
                hi: T::from_f64(0.75),
            },
        });
        bias_activation_case::<T>(|_, rb| BiasActivation {
            scale: T::ONE,
            col_bias: None,
            row_bias: Some(rb),
            activation: Activation::Tanh,
        });
        bias_activation_case::<T>(|_, _| BiasActivation {
            scale: T::from_f64(-3.0),
            col_bias: None,
            row_bias: None,
            activation: Activation::Identity,
        });
    }
    both::<f32>();
    both::<f64>();
}

#[test]
fn relu_follows_numpy_maximum() {
    let ep = BiasActivation::<f32> {
        scale: 1.0,
        col_bias: None,
        row_bias: None,
        activation: Activation::Relu,
    };
    let mut v = [f32::NAN, -0.0, -1.0, 2.0, f32::NEG_INFINITY, 0.0];
    ep.apply_to(MatMut::row_major(&mut v, 1, 6).unwrap());
    assert!(v[0].is_nan());
    assert_eq!(v[1].to_bits(), (-0.0f32).to_bits());
    assert_eq!(&v[2..], &[0.0, 2.0, 0.0, 0.0]);
}

#[test]
#[should_panic(expected = "col_bias")]
fn short_bias_panics() {
    let b = [0.0f32; 3];
    let mut c = [0.0f32; 8];
    BiasActivation::bias_relu(&b).apply_to(MatMut::row_major(&mut c, 2, 4).unwrap());
}
