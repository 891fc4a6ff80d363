//! Property tests: random shapes (including empty and odd), random layouts for A, B and C,
//! random alpha/beta, kernel, small path and blocking, all checked against the f64 reference.

mod common;

use common::{check, Case, ALL_LAYOUTS, OUT_LAYOUTS};
use numcrane_kernels::{Blocking, GemmOptions, KernelChoice, SmallPath};
use proptest::prelude::*;

fn options() -> impl Strategy<Value = GemmOptions> {
    (
        prop_oneof![Just(KernelChoice::Auto), Just(KernelChoice::Generic)],
        prop_oneof![Just(SmallPath::Auto), Just(SmallPath::Never)],
        prop_oneof![
            Just(None),
            (1usize..40, 1usize..20, 1usize..30).prop_map(|(mc, kc, nc)| Some(Blocking {
                mc,
                kc,
                nc
            }))
        ],
        any::<bool>(),
    )
        .prop_map(|(kernel, small, blocking, parallel)| GemmOptions {
            kernel,
            small,
            blocking,
            parallel,
        })
}

fn cases() -> impl Strategy<Value = Case> {
    (
        (0usize..40, 0usize..40, 0usize..50),
        (
            0..ALL_LAYOUTS.len(),
            0..ALL_LAYOUTS.len(),
            0..OUT_LAYOUTS.len(),
        ),
        prop_oneof![Just(1.0), Just(-0.5), Just(0.0), Just(3.0)],
        prop_oneof![Just(0.0), Just(1.0), Just(-2.0)],
    )
        .prop_map(|((m, n, k), (la, lb, lc), alpha, beta)| Case {
            m,
            n,
            k,
            la: ALL_LAYOUTS[la],
            lb: ALL_LAYOUTS[lb],
            lc: OUT_LAYOUTS[lc],
            alpha,
            beta,
            nan_c: false,
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn f32_matches_reference(case in cases(), opts in options(), seed in any::<u64>()) {
        check::<f32>(case, &opts, seed);
    }

    #[test]
    fn f64_matches_reference(case in cases(), opts in options(), seed in any::<u64>()) {
        check::<f64>(case, &opts, seed);
    }
}
