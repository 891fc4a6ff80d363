//! numcrane's own LU (`lu.rs`: det, solve, inv) against faer's LU and against the defining
//! identities, over sizes that cross every switch in the code: the unblocked panel (16
//! columns), the substitution base (32), the switch to the blocked algorithm on all threads
//! (`lu/tasks.rs`, from n = 160), its two block widths (48 below n = 512, 96 from it) with
//! whole and partial last blocks, and the equal-work pieces of the inverse; bit-identical
//! results on 1, 2 and 3 threads; and many factorisations at once on the same pool.

mod common;
use common::{bits, matrix, max_abs, on_threads};
use numcrane_linalg::{inv, lu_diagonal, solve, Fail};
use proptest::prelude::*;

/// `a (n x n) * x (n x k)`, row-major.
fn matmul(a: &[f64], x: &[f64], n: usize, k: usize) -> Vec<f64> {
    let mut out = vec![0.0; n * k];
    for i in 0..n {
        for t in 0..n {
            let f = a[i * n + t];
            for j in 0..k {
                out[i * k + j] += f * x[t * k + j];
            }
        }
    }
    out
}

/// log |det| and the sign of det by faer's LU (the reference).
fn faer_log_det(a: &[f64], n: usize) -> (f64, f64) {
    let lu = faer::MatRef::from_row_major_slice(a, n, n).partial_piv_lu();
    let u = lu.U();
    let (forward, _) = lu.P().arrays();
    let mut sign = permutation_parity(forward);
    let mut log = 0.0;
    for i in 0..n {
        let d = u[(i, i)];
        sign *= d.signum();
        log += d.abs().ln();
    }
    (log, sign)
}

fn permutation_parity(p: &[usize]) -> f64 {
    let mut seen = vec![false; p.len()];
    let mut sign = 1.0;
    for start in 0..p.len() {
        let mut len = 0;
        let mut i = start;
        while !seen[i] {
            seen[i] = true;
            i = p[i];
            len += 1;
        }
        if len % 2 == 0 && len > 0 {
            sign = -sign;
        }
    }
    sign
}

fn sizes() -> impl Strategy<Value = usize> {
    prop_oneof![1usize..70, 120usize..200, 250usize..300]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    #[test]
    fn determinant_matches_faer(n in sizes(), seed in any::<u64>()) {
        let a = matrix(n, n, seed);
        let (sign, diag) = lu_diagonal(&a, n).unwrap();
        let ours_log: f64 = diag.iter().map(|d| d.abs().ln()).sum();
        let ours_sign = diag.iter().fold(sign, |s, d| s * d.signum());
        let (ref_log, ref_sign) = faer_log_det(&a, n);
        prop_assert!((ours_log - ref_log).abs() <= 1e-10 * n as f64, "n = {}: log|det| {} vs {}", n, ours_log, ref_log);
        prop_assert_eq!(ours_sign, ref_sign);
    }

    #[test]
    fn solve_has_a_small_backward_error(n in sizes(), k in prop_oneof![Just(1usize), 2usize..40], seed in any::<u64>()) {
        let a = matrix(n, n, seed);
        let b = matrix(n, k, seed ^ 1);
        let x = solve(&a, n, &b, k).unwrap();
        let r: Vec<f64> = matmul(&a, &x, n, k).iter().zip(&b).map(|(ax, b)| ax - b).collect();
        // normwise backward error |Ax - b| / (|A| |x| n), in the max norm
        let err = max_abs(&r) / (max_abs(&a) * max_abs(&x) * n as f64);
        prop_assert!(err < 1e-13, "n = {}, k = {}: backward error {}", n, k, err);
    }

    #[test]
    fn inverse_times_matrix_is_the_identity(n in sizes(), seed in any::<u64>()) {
        let a = matrix(n, n, seed);
        let x = inv(&a, n).unwrap();
        let mut r = matmul(&a, &x, n, n);
        for i in 0..n {
            r[i * n + i] -= 1.0;
        }
        let err = max_abs(&r) / (max_abs(&a) * max_abs(&x) * n as f64);
        prop_assert!(err < 1e-13, "n = {}: |A inv(A) - I| relative {}", n, err);
    }
}

#[test]
fn large_matrices_take_the_blocked_path_and_stay_accurate() {
    for n in [257, 511, 512, 600] {
        let a = matrix(n, n, n as u64);
        let x = inv(&a, n).unwrap();
        let mut r = matmul(&a, &x, n, n);
        for i in 0..n {
            r[i * n + i] -= 1.0;
        }
        let err = max_abs(&r) / (max_abs(&a) * max_abs(&x) * n as f64);
        assert!(err < 1e-13, "n = {n}: {err}");
        let (sign, diag) = lu_diagonal(&a, n).unwrap();
        let log: f64 = diag.iter().map(|d| d.abs().ln()).sum();
        let (ref_log, ref_sign) = faer_log_det(&a, n);
        assert!((log - ref_log).abs() < 1e-9, "n = {n}: {log} vs {ref_log}");
        assert_eq!(diag.iter().fold(sign, |s, d| s * d.signum()), ref_sign);
    }
}

#[test]
fn results_are_the_same_bits_on_any_number_of_threads() {
    // both block widths, each with a partial last block
    for n in [300, 600] {
        let a = matrix(n, n, 42);
        let b = matrix(n, 7, 43);
        let run = |threads: usize| {
            on_threads(threads, || {
                let (sign, diag) = lu_diagonal(&a, n).unwrap();
                (
                    sign,
                    bits(&diag),
                    bits(&inv(&a, n).unwrap()),
                    bits(&solve(&a, n, &b, 7).unwrap()),
                )
            })
        };
        let one = run(1);
        assert_eq!(one, run(2), "n = {n}");
        assert_eq!(one, run(3), "n = {n}");
    }
}

#[test]
fn many_factorisations_at_once_share_the_pool() {
    // a stack of matrices factored in parallel, each by workers that spin while they wait:
    // every one must finish, with the bits it has alone
    let n = 200;
    let mats: Vec<Vec<f64>> = (0..12).map(|s| matrix(n, n, 100 + s)).collect();
    let alone: Vec<Vec<u64>> = mats
        .iter()
        .map(|a| bits(&lu_diagonal(a, n).unwrap().1))
        .collect();
    for threads in [2, 3] {
        let together: Vec<Vec<u64>> = on_threads(threads, || {
            use rayon::prelude::*;
            mats.par_iter()
                .map(|a| bits(&lu_diagonal(a, n).unwrap().1))
                .collect()
        });
        assert_eq!(together, alone, "{threads} threads");
    }
}

#[test]
fn exactly_singular_matrices_are_refused_at_every_size() {
    for n in [5, 40, 300, 520] {
        let mut a = matrix(n, n, 9);
        // a zero row: exactly singular, found as an exact zero pivot
        let zero = n - 2;
        a[zero * n..(zero + 1) * n]
            .iter_mut()
            .for_each(|v| *v = 0.0);
        assert_eq!(inv(&a, n), Err(Fail::Singular), "n = {n}");
        assert_eq!(
            solve(&a, n, &vec![1.0; n], 1),
            Err(Fail::Singular),
            "n = {n}"
        );
        let (_, diag) = lu_diagonal(&a, n).unwrap();
        assert!(diag.contains(&0.0), "n = {n}: det should be exactly 0");
    }
}
