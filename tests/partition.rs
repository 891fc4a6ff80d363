//! `partition` / `argpartition` (`Op::Partition`, an introselect per lane) against NumPy's
//! contract checked here with a plain sort: every kth position holds the value a sort puts
//! there, nothing before it is greater and nothing after it smaller (NaN last, `-0.0 == 0.0`),
//! the lane is a rearrangement of the input lane and argpartition is a permutation that
//! gathers such a partition. Every dtype, several kth at once, every axis and `None`, NaN and
//! signed zeros, on every backend; the backends also agree bit for bit with the reference
//! evaluator (they share its per-lane code, so the unspecified order is the same), including
//! long lanes that take the parallel path. NumPy's own answers are in the golden files
//! (family `sets`).

mod common;

use numcrane::{argpartition, array, partition, Array, Backend, DType};
use proptest::prelude::*;
use std::cmp::Ordering;

const BACKENDS: [Backend; 4] = [
    Backend::Eval,
    Backend::Jit,
    Backend::Interpret,
    Backend::Unfused,
];

fn total(a: f64, b: f64) -> Ordering {
    a.partial_cmp(&b)
        .unwrap_or_else(|| a.is_nan().cmp(&b.is_nan()))
}

/// The values of `a` as f64 in row-major order (exact for the small values used here).
fn f64s(a: &Array) -> Vec<f64> {
    a.astype(DType::F64).to_vec::<f64>().unwrap()
}

/// The lanes along `axis` (None: the flattened array), each as a vector.
fn lanes_of(a: &Array, axis: Option<isize>) -> Vec<Vec<f64>> {
    let (moved, len) = match axis {
        None => (a.reshape(vec![-1isize]), a.size()),
        Some(ax) => {
            let d = ax.rem_euclid(a.ndim() as isize) as usize;
            (a.moveaxis(ax, -1), a.shape()[d])
        }
    };
    let v = f64s(&moved);
    if len == 0 {
        return Vec::new();
    }
    v.chunks(len).map(<[f64]>::to_vec).collect()
}

/// The lanes' values sorted by the total order and then by bits (so that a rearrangement of
/// the same elements, zeros' signs and NaN included, compares equal).
fn multiset(lane: &[f64]) -> Vec<u64> {
    let mut s = lane.to_vec();
    s.sort_by(|a, b| total(*a, *b).then(a.to_bits().cmp(&b.to_bits())));
    s.iter().map(|x| x.to_bits()).collect()
}

/// NumPy's contract for one lane `part` of input lane `orig` at sorted positions `kth`.
fn check_contract(part: &[f64], orig: &[f64], kth: &[usize], what: &str) {
    let mut sorted = orig.to_vec();
    sorted.sort_by(|a, b| total(*a, *b));
    for &k in kth {
        assert_eq!(
            total(part[k], sorted[k]),
            Ordering::Equal,
            "{what}: kth {k}: {part:?} (sorted {sorted:?})"
        );
        assert!(
            part[..k]
                .iter()
                .all(|&x| total(x, part[k]) != Ordering::Greater),
            "{what}: something greater before kth {k}: {part:?}"
        );
        assert!(
            part[k + 1..]
                .iter()
                .all(|&x| total(x, part[k]) != Ordering::Less),
            "{what}: something smaller after kth {k}: {part:?}"
        );
    }
}

/// Checks partition and argpartition of `x` at `kth` along `axis` on every backend.
fn check(x: &Array, kth: &[isize], axis: Option<isize>, what: &str) {
    let x = x.eval().unwrap();
    let orig = lanes_of(&x, axis);
    let len = orig.first().map_or(0, Vec::len);
    let ks: Vec<usize> = kth
        .iter()
        .map(|&k| k.rem_euclid(len.max(1) as isize) as usize)
        .collect();
    let p_ref = partition(&x, kth.to_vec(), axis)
        .eval_with(Backend::Eval)
        .unwrap();
    let i_ref = argpartition(&x, kth.to_vec(), axis)
        .eval_with(Backend::Eval)
        .unwrap();
    assert_eq!(p_ref.dtype(), x.dtype(), "{what}");
    assert_eq!(i_ref.dtype(), DType::I64, "{what}");
    for b in BACKENDS {
        let what = format!("{what} on {b:?}");
        let p = partition(&x, kth.to_vec(), axis).eval_with(b).unwrap();
        let i = argpartition(&x, kth.to_vec(), axis).eval_with(b).unwrap();
        assert_eq!(p.shape(), p_ref.shape(), "{what}");
        let bits = |a: &Array| -> Vec<u64> { f64s(a).iter().map(|v| v.to_bits()).collect() };
        assert_eq!(
            bits(&p),
            bits(&p_ref),
            "{what}: partition differs from the evaluator"
        );
        assert_eq!(
            i.to_vec::<i64>().unwrap(),
            i_ref.to_vec::<i64>().unwrap(),
            "{what}: argpartition differs from the evaluator"
        );
        let parts = lanes_of(&p, axis);
        let idx = lanes_of(&i, axis);
        assert_eq!(parts.len(), orig.len(), "{what}");
        for ((part, o), ix) in parts.iter().zip(&orig).zip(&idx) {
            check_contract(part, o, &ks, &format!("{what} partition"));
            assert_eq!(multiset(part), multiset(o), "{what}: not a rearrangement");
            let mut seen: Vec<usize> = ix.iter().map(|&v| v as usize).collect();
            seen.sort_unstable();
            assert_eq!(
                seen,
                (0..o.len()).collect::<Vec<_>>(),
                "{what}: no permutation"
            );
            let gathered: Vec<f64> = ix.iter().map(|&v| o[v as usize]).collect();
            check_contract(&gathered, o, &ks, &format!("{what} argpartition"));
        }
    }
}

/// Values of `dtype` from small integers `v` (floats also get NaN and -0.0 from `special`).
fn input(dtype: DType, v: &[i8], special: &[u8], shape: &[usize]) -> Array {
    let vals: Vec<f64> = v
        .iter()
        .zip(special.iter().cycle())
        .map(|(&i, &s)| match (dtype.is_float(), s % 8) {
            (true, 0) => f64::NAN,
            (true, 1) => -0.0,
            (true, 2) => 0.0,
            (true, 3) => f64::from(i) + 0.5,
            _ if matches!(dtype, DType::U8 | DType::U16 | DType::U32 | DType::U64) => {
                f64::from(i.unsigned_abs())
            }
            _ => f64::from(i),
        })
        .collect();
    let dims: Vec<isize> = shape.iter().map(|&d| d as isize).collect();
    array(vals).reshape(dims).astype(dtype)
}

fn case() -> impl Strategy<Value = (Vec<usize>, usize, Vec<i8>, Vec<u8>, Vec<usize>, u8)> {
    (prop::collection::vec(1usize..6, 1..4), 0usize..11).prop_flat_map(|(shape, dt)| {
        let n: usize = shape.iter().product();
        (
            Just(shape),
            Just(dt),
            prop::collection::vec(-4i8..5, n),
            prop::collection::vec(any::<u8>(), 1..8),
            prop::collection::vec(0usize..1000, 1..4),
            any::<u8>(),
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(common::cases(48)))]

    #[test]
    fn every_dtype_axis_and_kth_list_meets_the_contract(
        (shape, dt, v, special, picks, ax) in case()
    ) {
        let dtype = DType::ALL[dt];
        let x = input(dtype, &v, &special, &shape);
        let nd = shape.len();
        // axis: None (flattened), a positive or a negative one
        let axis = match ax % 3 {
            0 => None,
            1 => Some((ax as usize / 3 % nd) as isize),
            _ => Some(-1 - (ax as usize / 3 % nd) as isize),
        };
        let len = match axis {
            None => x.size(),
            Some(a) => shape[a.rem_euclid(nd as isize) as usize],
        } as isize;
        // positive and negative positions, repeats allowed
        let kth: Vec<isize> = picks
            .iter()
            .enumerate()
            .map(|(j, p)| {
                let k = (*p as isize) % len;
                if j % 2 == 1 { k - len } else { k }
            })
            .collect();
        check(&x, &kth, axis, &format!("{dtype} {shape:?} axis {axis:?} kth {kth:?}"));
    }
}

#[test]
fn strided_and_transposed_inputs() {
    let x = input(
        DType::F32,
        &[3, -1, 4, 1, -4, 0, 2, 2, -3, 1, 0, 4],
        &[5, 0, 1, 6, 2, 7],
        &[3, 4],
    );
    check(&x.T(), &[1], Some(0), "transposed");
    check(&x.T(), &[0, -1], Some(1), "transposed rows");
    let s = x.slice(numcrane::s![.., ..;2]);
    check(&s, &[1], Some(0), "sliced");
}

#[test]
fn long_lanes_take_the_parallel_path_and_agree_with_the_evaluator() {
    // 64 lanes of 1000 and one lane of 64000 (pseudo-random values with many repeats).
    let n = 64_000usize;
    let v: Vec<i8> = (0..n)
        .map(|k| ((k as u64 * 2_654_435_761) % 97) as i8 - 48)
        .collect();
    let special: Vec<u8> = (0..61).map(|k| (k * 7 % 23) as u8).collect();
    for dtype in [DType::F64, DType::I32, DType::U8, DType::F32] {
        let x = input(dtype, &v, &special, &[64, 1000]);
        check(&x, &[0, 500, 999], Some(1), &format!("{dtype} rows"));
        check(&x, &[31], Some(0), &format!("{dtype} columns"));
        check(
            &x,
            &[10, n as isize / 2, -1],
            None,
            &format!("{dtype} flat"),
        );
    }
}

#[test]
fn empty_and_zero_dimensional_inputs() {
    let e = input(DType::F64, &[], &[0], &[0, 3]);
    for axis in [None, Some(0), Some(1)] {
        for b in BACKENDS {
            let p = partition(&e, 5, axis).eval_with(b).unwrap();
            assert_eq!(p.size(), 0);
            let i = argpartition(&e, 5, axis).eval_with(b).unwrap();
            assert_eq!((i.size(), i.dtype()), (0, DType::I64));
        }
    }
    let z = array(2.5f64).reshape(Vec::<isize>::new());
    let i = argpartition(&z, 0, Some(0)).to_vec::<i64>().unwrap();
    assert_eq!(i, vec![0]);
}
