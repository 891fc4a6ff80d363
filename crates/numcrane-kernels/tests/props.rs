//! Property tests: random shapes (including empty and odd), random layouts for A, B and C,
//! random alpha/beta, kernel, small path and blocking, all checked against the f64 reference.

mod common;

use common::{check, options, Case, ALL_LAYOUTS, OUT_LAYOUTS};
use proptest::prelude::*;

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
    fn f32_matches_reference(case in cases(), opts in options(30), seed in any::<u64>()) {
        check::<f32>(case, &opts, seed);
    }

    #[test]
    fn f64_matches_reference(case in cases(), opts in options(30), seed in any::<u64>()) {
        check::<f64>(case, &opts, seed);
    }
}
