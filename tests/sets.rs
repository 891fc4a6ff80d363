//! Searching, partition, sets and counting (crates/numcrane/src/{search,sets,counting}.rs)
//! against naive definitions written here: searchsorted as a count of smaller elements (NaN
//! last), the partition contract (the kth element is the sorted one, nothing larger before it,
//! nothing smaller after it; argpartition is a permutation), unique's four outputs against
//! each other and the input, the set routines against `BTreeSet`, isin, bincount and
//! histograms against counting loops; a large input that takes the parallel paths; and bad
//! input (errors naming the function and this file's line, evaluation errors of the inputs
//! passed through, never a panic). NumPy's own answers are in the golden files (family
//! `sets`).

mod common;

use numcrane::{
    argpartition, array, bincount, digitize, histogram, histogram_bin_edges, intersect1d,
    intersect1d_indices, isin, partition, searchsorted, setdiff1d, setxor1d, union1d, unique,
    unique_all, unique_with, Array, Bins, Error, Side,
};
use proptest::prelude::*;
use std::cmp::Ordering;
use std::collections::BTreeSet;

const FILE: &str = file!();

fn total(a: f64, b: f64) -> Ordering {
    a.partial_cmp(&b)
        .unwrap_or_else(|| a.is_nan().cmp(&b.is_nan()))
}

fn sorted(v: &[f64]) -> Vec<f64> {
    let mut s = v.to_vec();
    s.sort_by(|a, b| total(*a, *b));
    s
}

/// Floats with repeats, signed zeros and NaN.
fn floats(max: usize) -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec(
        prop_oneof![
            6 => (-4i32..5).prop_map(|i| f64::from(i) * 0.5),
            1 => Just(-0.0),
            1 => Just(f64::NAN),
        ],
        0..max,
    )
}

/// The error `a`'s evaluation gives; its message names `needles` and this file.
#[track_caller]
fn error_of(a: &Array, needles: &[&str]) -> Error {
    let e = a.eval().expect_err("expected an error");
    let msg = e.to_string();
    assert!(msg.contains(FILE), "{msg:?} does not name {FILE}");
    for n in needles {
        assert!(msg.contains(n), "{msg:?} does not contain {n:?}");
    }
    e
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(common::cases(64)))]

    #[test]
    fn searchsorted_counts_smaller_elements(a in floats(20), v in floats(8)) {
        let hay = sorted(&a);
        let got_l = searchsorted(&array(hay.clone()), &array(v.clone()), Side::Left, None);
        let got_r = searchsorted(&array(hay.clone()), &array(v.clone()), Side::Right, None);
        let want_l: Vec<i64> = v.iter()
            .map(|&x| hay.iter().filter(|&&e| total(e, x) == Ordering::Less).count() as i64)
            .collect();
        let want_r: Vec<i64> = v.iter()
            .map(|&x| hay.iter().filter(|&&e| total(e, x) != Ordering::Greater).count() as i64)
            .collect();
        prop_assert_eq!(got_l.to_vec::<i64>().unwrap(), want_l.clone());
        prop_assert_eq!(got_r.to_vec::<i64>().unwrap(), want_r);
        // a sorter gives the answer for the sorted haystack
        let order = numcrane::argsort(&array(a.clone()), Some(0));
        let via = searchsorted(&array(a), &array(v), Side::Left, Some(&order));
        prop_assert_eq!(via.to_vec::<i64>().unwrap(), want_l);
    }

    #[test]
    fn partition_contract(v in floats(30), picks in prop::collection::vec(0usize..1000, 1..4)) {
        prop_assume!(!v.is_empty());
        let n = v.len();
        let kth: Vec<isize> = picks.iter().map(|p| (p % n) as isize).collect();
        let s = sorted(&v);
        let p = partition(&array(v.clone()), kth.clone(), Some(0)).to_vec::<f64>().unwrap();
        let ip = argpartition(&array(v.clone()), kth.clone(), None).to_vec::<i64>().unwrap();
        // argpartition is a permutation and gathers a partition
        let mut seen = ip.clone();
        seen.sort_unstable();
        prop_assert_eq!(seen, (0..n as i64).collect::<Vec<_>>());
        let gathered: Vec<f64> = ip.iter().map(|&i| v[i as usize]).collect();
        for part in [&p, &gathered] {
            for &k in &kth {
                let k = k as usize;
                prop_assert_eq!(total(part[k], s[k]), Ordering::Equal);
                prop_assert!(part[..k].iter().all(|&x| total(x, part[k]) != Ordering::Greater));
                prop_assert!(part[k + 1..].iter().all(|&x| total(x, part[k]) != Ordering::Less));
            }
        }
    }

    #[test]
    fn unique_outputs_agree(v in floats(30), equal_nan in any::<bool>()) {
        let u = unique_with(&array(v.clone()), None, equal_nan);
        let vals = u.values.to_vec::<f64>().unwrap();
        let idx = u.indices.to_vec::<i64>().unwrap();
        let inv = u.inverse_indices.to_vec::<i64>().unwrap();
        let cnt = u.counts.to_vec::<i64>().unwrap();
        // strictly increasing except for NaN, which come last
        for w in vals.windows(2) {
            prop_assert!(total(w[0], w[1]) == Ordering::Less || (w[1].is_nan() && !equal_nan));
        }
        prop_assert_eq!(cnt.iter().sum::<i64>() as usize, v.len());
        for (i, &x) in v.iter().enumerate() {
            let back = vals[inv[i] as usize];
            prop_assert!(back == x || (back.is_nan() && x.is_nan()));
        }
        for (j, &i) in idx.iter().enumerate() {
            // the first occurrence of the value
            prop_assert_eq!(inv[i as usize] as usize, j);
            prop_assert!(inv[..i as usize].iter().all(|&r| r as usize != j));
            prop_assert_eq!(inv.iter().filter(|&&r| r as usize == j).count() as i64, cnt[j]);
        }
        let nan_groups = vals.iter().filter(|x| x.is_nan()).count();
        let nans = v.iter().filter(|x| x.is_nan()).count();
        prop_assert_eq!(nan_groups, if equal_nan { nans.min(1) } else { nans });
    }

    #[test]
    fn set_routines_match_btreeset(a in prop::collection::vec(-6i64..7, 0..20),
                                   b in prop::collection::vec(-6i64..7, 0..20)) {
        let (sa, sb): (BTreeSet<i64>, BTreeSet<i64>) =
            (a.iter().copied().collect(), b.iter().copied().collect());
        let (x, y) = (array(a.clone()), array(b.clone()));
        let got = |r: Array| r.to_vec::<i64>().unwrap();
        prop_assert_eq!(got(unique(&x)), sa.iter().copied().collect::<Vec<_>>());
        prop_assert_eq!(got(intersect1d(&x, &y, false)), sa.intersection(&sb).copied().collect::<Vec<_>>());
        prop_assert_eq!(got(union1d(&x, &y)), sa.union(&sb).copied().collect::<Vec<_>>());
        prop_assert_eq!(got(setdiff1d(&x, &y, false)), sa.difference(&sb).copied().collect::<Vec<_>>());
        prop_assert_eq!(got(setxor1d(&x, &y, false)), sa.symmetric_difference(&sb).copied().collect::<Vec<_>>());
        let member: Vec<bool> = a.iter().map(|e| sb.contains(e)).collect();
        prop_assert_eq!(isin(&x, &y, false, false).to_vec::<bool>().unwrap(), member);
        let (v, ia, ib) = intersect1d_indices(&x, &y, false);
        for ((v, i), j) in got(v).into_iter().zip(got(ia)).zip(got(ib)) {
            prop_assert_eq!(a.iter().position(|&e| e == v), Some(i as usize));
            prop_assert_eq!(b.iter().position(|&e| e == v), Some(j as usize));
        }
    }

    #[test]
    fn bincount_and_histogram_count(x in prop::collection::vec(0i64..12, 0..40), minlength in 0usize..15) {
        let counts = bincount(&array(x.clone()), None, minlength).to_vec::<i64>().unwrap();
        let len = x.iter().max().map_or(0, |&m| m as usize + 1).max(minlength);
        prop_assert_eq!(counts.len(), len);
        for (i, &c) in counts.iter().enumerate() {
            prop_assert_eq!(c as usize, x.iter().filter(|&&e| e as usize == i).count());
        }
        let edges = [0.0, 2.5, 5.0, 11.0];
        let (h, _) = histogram(&array(x.clone()), Bins::Edges(array(edges)), None, false, None);
        let h = h.to_vec::<i64>().unwrap();
        for b in 0..3 {
            let want = x.iter().filter(|&&e| {
                let e = e as f64;
                e >= edges[b] && (e < edges[b + 1] || (b == 2 && e <= edges[3]))
            }).count();
            prop_assert_eq!(h[b] as usize, want);
        }
    }
}

#[test]
fn unique_inverse_shapes_follow_numpy_2() {
    let x = array([[1, 2, 2], [3, 1, 1]]);
    let u = unique_with(&x, None, true);
    assert_eq!(u.inverse_indices.shape(), &[2, 3]);
    assert_eq!(
        u.inverse_indices.to_vec::<i64>().unwrap(),
        vec![0, 1, 1, 2, 0, 0]
    );
    let u = unique_with(&x, Some(1), true);
    assert_eq!(u.values.shape(), &[2, 2]);
    assert_eq!(u.values.to_vec::<i32>().unwrap(), vec![1, 2, 3, 1]);
    assert_eq!(u.inverse_indices.to_vec::<i64>().unwrap(), vec![0, 1, 1]);
    let s = unique_all(&Array::scalar(5i8));
    assert_eq!(s.inverse_indices.shape(), &[] as &[usize]);
    assert_eq!(s.values.to_vec::<i8>().unwrap(), vec![5]);
}

#[test]
fn large_inputs_take_the_parallel_paths() {
    // 200_000 values, 1000 distinct: hashing, parallel inverse, chunked bincount
    let n = 200_000i64;
    let v: Vec<i64> = (0..n).map(|i| (i * 7919) % 1000).collect();
    let x = array(v.clone());
    let u = unique_all(&x);
    assert_eq!(
        u.values.to_vec::<i64>().unwrap(),
        (0..1000).collect::<Vec<_>>()
    );
    assert!(u.counts.to_vec::<i64>().unwrap().iter().all(|&c| c == 200));
    let inv = u.inverse_indices.to_vec::<i64>().unwrap();
    assert!(inv.iter().zip(&v).all(|(i, v)| i == v));
    let counts = bincount(&x, None, 0).to_vec::<i64>().unwrap();
    assert_eq!(counts, vec![200; 1000]);
    let hay = array((0..1000i64).collect::<Vec<_>>());
    let pos = searchsorted(&hay, &x, Side::Right, None)
        .to_vec::<i64>()
        .unwrap();
    assert!(pos.iter().zip(&v).all(|(p, v)| *p == v + 1));
    let member = isin(&x, &array([3i64, 999]), false, false)
        .to_vec::<bool>()
        .unwrap();
    assert_eq!(member.iter().filter(|&&m| m).count(), 400);
}

#[test]
fn histogram_edges_and_last_bin() {
    // the last bin is closed, the others half-open
    let (h, e) = histogram(&array([0.0, 1.0, 2.0, 3.0]), 3, None, false, None);
    assert_eq!(e.to_vec::<f64>().unwrap(), vec![0.0, 1.0, 2.0, 3.0]);
    assert_eq!(h.to_vec::<i64>().unwrap(), vec![1, 1, 2]);
    // float32 data gives float32 edges; a constant input widens by 0.5 each side
    let e = histogram_bin_edges(&array([2.5f32, 2.5]), 2, None);
    assert_eq!(e.to_vec::<f32>().unwrap(), vec![2.0, 2.5, 3.0]);
    // weights set the dtype of the counts
    let (h, _) = histogram(&array([1.0, 2.0]), 2, None, false, Some(&array([3i8, 4])));
    assert_eq!(h.to_vec::<i8>().unwrap(), vec![3, 4]);
}

#[test]
fn bad_input_names_the_function_and_the_line() {
    error_of(
        &bincount(&array([1, -2]), None, 0),
        &["bincount", "negative"],
    );
    error_of(
        &bincount(&array([1.0, 2.0]), None, 0),
        &["bincount", "float64"],
    );
    error_of(
        &bincount(&array([1, 2]), Some(&array([1.0])), 0),
        &["bincount", "same length"],
    );
    error_of(
        &searchsorted(&array([[1, 2]]), &array([1]), Side::Left, None),
        &["searchsorted", "one-dimensional"],
    );
    error_of(
        &searchsorted(
            &array([1, 2]),
            &array([1]),
            Side::Left,
            Some(&array([0i64, 5])),
        ),
        &["searchsorted", "out of range"],
    );
    error_of(
        &digitize(&array([1.0]), &array([1.0, 3.0, 2.0]), false),
        &["digitize", "monotonically"],
    );
    error_of(
        &partition(&array([1, 2, 3]), 3, Some(0)),
        &["partition", "kth(=3) out of bounds (3)"],
    );
    error_of(
        &argpartition(&array([1, 2, 3]), [0, -4], Some(0)),
        &["argpartition", "out of bounds"],
    );
    error_of(
        &partition(&array([1, 2, 3]), 0, Some(1)),
        &["partition", "axis 1"],
    );
    let u = unique_with(&array([[1, 2]]), Some(2), true);
    for a in [&u.values, &u.indices, &u.inverse_indices, &u.counts] {
        error_of(a, &["unique", "axis 2"]);
    }
    error_of(
        &histogram(&array([1.0, f64::NAN]), 3, None, false, None).0,
        &["histogram", "not finite"],
    );
    error_of(
        &histogram(&array([1.0]), 3, Some((2.0, 1.0)), false, None).1,
        &["histogram", "max must be larger than min"],
    );
    error_of(
        &histogram(
            &array([1.0]),
            Bins::Edges(array([0.0, 2.0, 1.0])),
            None,
            false,
            None,
        )
        .0,
        &["histogram", "monotonically"],
    );
    error_of(
        &histogram(&array([1.0]), 2, None, false, Some(&array([true]))).0,
        &["histogram", "bool"],
    );
}

#[test]
fn input_errors_pass_through_without_panicking() {
    // an input that fails to evaluate makes every result fail with that error
    let bad = array([1.0, 2.0, 3.0]).reshape([2, 2]);
    let want = bad.eval().expect_err("bad reshape");
    let results = [
        unique(&bad),
        unique_all(&bad).counts,
        intersect1d(&bad, &array([1.0]), false),
        union1d(&array([1.0]), &bad),
        setdiff1d(&bad, &array([1.0]), false),
        setxor1d(&bad, &array([1.0]), true),
        isin(&array([1.0]), &bad, false, false),
        searchsorted(&array([1.0]), &bad, Side::Left, None),
        digitize(&bad, &array([1.0]), false),
        histogram(&bad, 3, None, false, None).0,
        histogram_bin_edges(&bad, 3, None),
    ];
    for r in &results {
        assert_eq!(r.eval().expect_err("must fail"), want);
    }
    // the failed inverse keeps the static shape it would have had
    assert_eq!(unique_all(&bad).inverse_indices.shape(), bad.shape());
    let bad_int = array([1i64, 2, 3]).reshape([2, 2]);
    assert_eq!(
        bincount(&bad_int, None, 0).eval().expect_err("must fail"),
        bad_int.eval().expect_err("bad reshape")
    );
}

#[test]
fn method_spelling_reports_the_callers_line() {
    let e = array([[1, 2]]).searchsorted(&array([1]), Side::Left);
    let line = line!() - 1;
    let msg = e.eval().expect_err("2-d haystack").to_string();
    assert!(
        msg.contains(&format!("{FILE}:{line}:")),
        "{msg:?} does not name line {line}"
    );
}

#[test]
fn histogram_of_many_values_with_repeated_edges() {
    // the parallel counting path, repeated edges and values on every edge
    let n = 100_000usize;
    let v: Vec<f64> = (0..n).map(|i| (i % 5) as f64).collect();
    let edges = array([0.0, 1.0, 1.0, 2.0, 4.0]);
    let (h, _) = histogram(&array(v), Bins::Edges(edges), None, false, None);
    let per = (n / 5) as i64;
    assert_eq!(h.to_vec::<i64>().unwrap(), vec![per, 0, per, 3 * per]);
}
