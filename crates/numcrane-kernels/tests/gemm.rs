//! GEMM against a naive f64 triple loop: shape classes, layouts (transposed, sliced, negative
//! and zero strides), alpha/beta, C strides, forced portable kernel and blocking, and 1 vs 2
//! threads giving identical bits.

mod common;

use common::{check, Case, Layout, Real, ALL_LAYOUTS, OUT_LAYOUTS};
use numcrane_kernels::{
    gemm, Blocking, GemmError, GemmOptions, KernelChoice, MatMut, MatRef, SmallPath,
};

fn opts_all() -> Vec<GemmOptions> {
    let base = GemmOptions::default();
    vec![
        base,
        GemmOptions {
            kernel: KernelChoice::Generic,
            ..base
        },
        GemmOptions {
            small: SmallPath::Never,
            ..base
        },
        GemmOptions {
            small: SmallPath::Never,
            kernel: KernelChoice::Generic,
            ..base
        },
        // Tiny blocks: many jc / pc / ic iterations on small matrices.
        GemmOptions {
            small: SmallPath::Never,
            blocking: Some(Blocking {
                mc: 16,
                kc: 5,
                nc: 12,
            }),
            ..base
        },
    ]
}

fn run_all(case: Case, seed: u64) {
    for o in opts_all() {
        check::<f32>(case, &o, seed);
        check::<f64>(case, &o, seed);
    }
}

#[test]
fn shape_classes() {
    let dims = [0usize, 1, 2, 3, 5, 7, 8, 9, 15, 16, 17];
    let mut seed = 1;
    for &m in &dims {
        for &n in &[0usize, 1, 5, 6, 7, 13, 17] {
            for &k in &[0usize, 1, 4, 17] {
                seed += 1;
                run_all(Case::new(m, n, k), seed);
            }
        }
    }
}

#[test]
fn odd_sizes_1_to_17() {
    for s in 1..=17 {
        run_all(Case::new(s, s, s), s as u64);
        run_all(
            Case {
                beta: 0.5,
                ..Case::new(s, 17 - s + 1, s + 3)
            },
            100 + s as u64,
        );
    }
}

#[test]
fn vectors() {
    for &(m, n, k) in &[
        (1, 1, 1),
        (1, 100, 30),
        (100, 1, 30),
        (1, 1, 300),
        (64, 64, 1),
        (1, 300, 1),
    ] {
        run_all(Case::new(m, n, k), (m * n + k) as u64);
    }
}

#[test]
fn sizes_255_257() {
    let o = GemmOptions::default();
    for &(m, n, k) in &[
        (255, 257, 255),
        (257, 255, 257),
        (257, 31, 300),
        (9, 257, 257),
    ] {
        check::<f32>(Case::new(m, n, k), &o, 7);
        check::<f64>(
            Case {
                la: Layout::ColMajor,
                lc: Layout::PaddedRows,
                ..Case::new(m, n, k)
            },
            &o,
            8,
        );
    }
    let g = GemmOptions {
        kernel: KernelChoice::Generic,
        ..o
    };
    check::<f32>(
        Case {
            lb: Layout::NegBoth,
            ..Case::new(255, 130, 257)
        },
        &g,
        9,
    );
}

#[test]
fn every_layout_pair() {
    let mut seed = 1000;
    for &la in &ALL_LAYOUTS {
        for &lb in &ALL_LAYOUTS {
            for &lc in &OUT_LAYOUTS {
                seed += 1;
                let case = Case {
                    la,
                    lb,
                    lc,
                    beta: 0.75,
                    ..Case::new(19, 14, 11)
                };
                for o in opts_all() {
                    check::<f32>(case, &o, seed);
                }
                // Small-path-sized and packed-sized f64 products.
                check::<f64>(case, &GemmOptions::default(), seed);
                check::<f64>(
                    Case {
                        m: 70,
                        n: 33,
                        k: 40,
                        ..case
                    },
                    &GemmOptions::default(),
                    seed,
                );
            }
        }
    }
}

#[test]
fn alpha_beta_variants() {
    let mut seed = 5000;
    for &alpha in &[1.0, -1.0, 0.5, 2.0, 0.0] {
        for &beta in &[0.0, 1.0, -1.0, 0.25] {
            for &(m, n, k) in &[(5, 7, 3), (33, 20, 70), (100, 90, 300)] {
                seed += 1;
                let case = Case {
                    alpha,
                    beta,
                    ..Case::new(m, n, k)
                };
                check::<f32>(case, &GemmOptions::default(), seed);
                check::<f64>(case, &GemmOptions::default(), seed);
                check::<f64>(
                    case,
                    &GemmOptions {
                        kernel: KernelChoice::Generic,
                        ..Default::default()
                    },
                    seed,
                );
            }
        }
    }
}

#[test]
fn beta_zero_ignores_nan_in_c() {
    for &(m, n, k) in &[(3, 3, 3), (40, 40, 40), (130, 70, 300), (10, 10, 0)] {
        for o in opts_all() {
            let case = Case {
                nan_c: true,
                ..Case::new(m, n, k)
            };
            let got = check::<f32>(case, &o, 3);
            assert!(got.iter().all(|v| v.is_finite()));
            let got = check::<f64>(Case { alpha: 0.0, ..case }, &o, 3);
            assert!(got.iter().all(|&v| v == 0.0));
        }
    }
}

fn bits_with_threads<T: Real>(threads: usize, case: Case, opts: &GemmOptions) -> Vec<u64> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    pool.install(|| check::<T>(case, opts, 42))
        .iter()
        .map(|v| v.to_bits())
        .collect()
}

#[test]
fn one_and_two_threads_identical_bits() {
    for o in [
        GemmOptions::default(),
        GemmOptions {
            kernel: KernelChoice::Generic,
            ..Default::default()
        },
        GemmOptions {
            blocking: Some(Blocking {
                mc: 32,
                kc: 64,
                nc: 96,
            }),
            ..Default::default()
        },
    ] {
        for &(m, n, k) in &[
            (300, 257, 300),
            (20, 500, 300),
            (257, 9, 700),
            (100, 100, 100),
            (128, 128, 128),
        ] {
            let case = Case {
                beta: 0.5,
                lb: Layout::ColMajor,
                ..Case::new(m, n, k)
            };
            assert_eq!(
                bits_with_threads::<f32>(1, case, &o),
                bits_with_threads::<f32>(2, case, &o)
            );
            assert_eq!(
                bits_with_threads::<f64>(1, case, &o),
                bits_with_threads::<f64>(2, case, &o)
            );
        }
    }
}

#[test]
fn errors_instead_of_panics() {
    let d = [1.0f32; 12];
    let mut out = [0.0f32; 12];
    let a = MatRef::row_major(&d, 3, 4).unwrap();
    let b = MatRef::row_major(&d, 3, 4).unwrap();
    let c = MatMut::row_major(&mut out, 3, 4).unwrap();
    assert!(matches!(
        gemm(1.0, a, b, 0.0, c),
        Err(GemmError::ShapeMismatch { .. })
    ));
    assert!(matches!(
        MatRef::from_slice(&d, 0, 4, 4, 4, 1),
        Err(GemmError::OutOfBounds { .. })
    ));
    assert!(MatRef::from_slice(&d, 0, 3, 4, -4, 1).is_err());
    assert!(matches!(
        MatMut::from_slice(&mut out, 0, 3, 4, 1, 1),
        Err(GemmError::Overlapping { .. })
    ));
    let msg = MatRef::from_slice(&d, 5, 3, 4, 4, 1)
        .unwrap_err()
        .to_string();
    assert!(msg.contains("outside"), "{msg}");
    // Transposed views work through .t().
    let a = MatRef::row_major(&d, 3, 4).unwrap();
    let mut out2 = [0.0f32; 9];
    gemm(
        1.0,
        a,
        a.t(),
        0.0,
        MatMut::row_major(&mut out2, 3, 3).unwrap(),
    )
    .unwrap();
    assert_eq!(out2, [4.0; 9]);
}

#[test]
fn raw_entry_point() {
    let a: Vec<f64> = (0..6).map(f64::from).collect(); // 2x3 row-major
    let b: Vec<f64> = (0..6).map(f64::from).collect(); // 3x2 row-major
    let mut c = vec![f64::NAN; 4];
    // SAFETY: all offsets stay inside the three vectors, which do not overlap.
    unsafe {
        numcrane_kernels::gemm_raw(
            2,
            2,
            3,
            1.0,
            a.as_ptr(),
            3,
            1,
            b.as_ptr(),
            2,
            1,
            0.0,
            c.as_mut_ptr(),
            2,
            1,
        )
    };
    assert_eq!(c, vec![10.0, 13.0, 28.0, 40.0]);
}

#[test]
fn direct_path_gives_the_packed_bits() {
    let packed = GemmOptions {
        small: SmallPath::Never,
        ..Default::default()
    };
    let mut seed = 9000;
    for &(m, n, k) in &[
        (1, 1, 1),
        (5, 7, 3),
        (16, 6, 9),
        (17, 13, 40),
        (64, 64, 64),
        (100, 90, 128),
        (128, 128, 200),
    ] {
        for &(la, lb, lc) in &[
            (Layout::RowMajor, Layout::RowMajor, Layout::RowMajor),
            (Layout::ColMajor, Layout::ColMajor, Layout::ColMajor),
            (Layout::ColMajor, Layout::NegRows, Layout::ColMajor),
            (Layout::RowMajor, Layout::ZeroCols, Layout::PaddedRows),
        ] {
            for &beta in &[0.0, 0.5] {
                seed += 1;
                let case = Case {
                    la,
                    lb,
                    lc,
                    beta,
                    alpha: 1.5,
                    ..Case::new(m, n, k)
                };
                let bits = |v: Vec<f64>| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                assert_eq!(
                    bits(check::<f32>(case, &GemmOptions::default(), seed)),
                    bits(check::<f32>(case, &packed, seed)),
                    "{case:?}"
                );
                assert_eq!(
                    bits(check::<f64>(case, &GemmOptions::default(), seed)),
                    bits(check::<f64>(case, &packed, seed)),
                    "{case:?}"
                );
            }
        }
    }
}

#[test]
fn degenerate_blocking_values() {
    for blocking in [
        Blocking {
            mc: 0,
            kc: 0,
            nc: 0,
        },
        Blocking {
            mc: usize::MAX,
            kc: usize::MAX,
            nc: usize::MAX,
        },
        Blocking {
            mc: 1,
            kc: 1,
            nc: 1,
        },
    ] {
        let o = GemmOptions {
            blocking: Some(blocking),
            ..Default::default()
        };
        check::<f32>(
            Case {
                beta: 0.5,
                ..Case::new(37, 29, 41)
            },
            &o,
            11,
        );
        check::<f64>(Case::new(20, 70, 300), &o, 12);
    }
}
