//! The JIT backend's native gather (crates/numcrane/src/intrinsics_gather.rs) against the
//! reference evaluator, bit for bit: every element size (bool, 1, 2, 4 and 8 bytes), every
//! index mode, negative and out-of-range indices (the same error text: the first bad index in
//! the evaluator's order), empty indices, strided and transposed sources, several index
//! arrays, and outputs large enough to take the parallel path. Also the parallel mask ->
//! positions step of `a[mask]` and `nonzero` against plain Rust.

mod common;

use common::{cases, input};
use numcrane::{choose, ix, nonzero, Array, Backend, DType, IndexArg, TakeMode};
use proptest::prelude::*;

const DTYPES: [DType; 7] = [
    DType::Bool,
    DType::I8,
    DType::U16,
    DType::I32,
    DType::F32,
    DType::I64,
    DType::F64,
];

/// dtype, shape and the bits of every element (floats by their bit patterns).
fn bits(a: &Array) -> (DType, Vec<usize>, Vec<u64>) {
    let v: Vec<u64> = match a.dtype() {
        DType::Bool => a
            .to_vec::<bool>()
            .unwrap()
            .into_iter()
            .map(u64::from)
            .collect(),
        DType::I8 => a
            .to_vec::<i8>()
            .unwrap()
            .into_iter()
            .map(|x| x as u64)
            .collect(),
        DType::U16 => a
            .to_vec::<u16>()
            .unwrap()
            .into_iter()
            .map(u64::from)
            .collect(),
        DType::I32 => a
            .to_vec::<i32>()
            .unwrap()
            .into_iter()
            .map(|x| x as u64)
            .collect(),
        DType::F32 => a
            .to_vec::<f32>()
            .unwrap()
            .into_iter()
            .map(|x| x.to_bits().into())
            .collect(),
        DType::I64 => a
            .to_vec::<i64>()
            .unwrap()
            .into_iter()
            .map(|x| x as u64)
            .collect(),
        DType::F64 => a
            .to_vec::<f64>()
            .unwrap()
            .into_iter()
            .map(f64::to_bits)
            .collect(),
        other => panic!("no bit reader for {other:?}"),
    };
    (a.dtype(), a.shape().to_vec(), v)
}

/// Evaluates `make()` on the JIT backend and on the evaluator: both succeed with the same
/// bits, or both fail with the same message. Returns the evaluator's outcome.
fn same_on_jit(what: &str, make: impl Fn() -> Array) -> Result<Array, String> {
    let want = make().eval_with(Backend::Eval);
    let got = make().eval_with(Backend::Jit);
    match (&want, &got) {
        (Ok(w), Ok(g)) => assert_eq!(bits(g), bits(w), "{what}"),
        (Err(w), Err(g)) => assert_eq!(g.to_string(), w.to_string(), "{what}"),
        _ => panic!(
            "{what}: evaluator {:?}, JIT {:?}",
            want.as_ref()
                .map(|a| a.shape().to_vec())
                .map_err(|e| e.to_string()),
            got.as_ref()
                .map(|a| a.shape().to_vec())
                .map_err(|e| e.to_string()),
        ),
    }
    want.map_err(|e| e.to_string())
}

/// An int64 index array.
fn idx(values: Vec<i64>, shape: &[usize]) -> Array {
    Array::from_vec(values, shape.to_vec())
}

/// Indices in `-2n..2n` (some out of range) or, when `valid`, in `-n..n`.
fn index_values(n: usize, len: usize, seed: u64, valid: bool) -> Vec<i64> {
    let span = if valid { n as i64 } else { 2 * n as i64 };
    let mut s = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (0..len)
        .map(|_| {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            if span == 0 {
                return (s >> 33) as i64 % 3 - 1;
            }
            ((s >> 33) as i64).rem_euclid(2 * span) - span
        })
        .collect()
}

/// The source `a` as the test wants it: contiguous, transposed, or reversed with a step.
fn source(shape: &[usize], dtype: DType, seed: u64, view: u8) -> Array {
    let a = input(shape, dtype, seed);
    match view {
        0 => a,
        1 => a.transpose(),
        _ => a.index(ix![..;-1]),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(48)))]

    /// `a.index(ix![&i0, .., &i1])`-style indexing with one or two index arrays, on any
    /// source view, dtype and index values (out of range ones included).
    #[test]
    fn fancy_index_matches_evaluator(
        dt in 0usize..DTYPES.len(),
        shape in prop::collection::vec(0usize..5, 1..4),
        view in 0u8..3,
        idx_shape in prop::collection::vec(0usize..4, 0..3),
        seed in 0u64..1000,
        valid in any::<bool>(),
        two in any::<bool>(),
    ) {
        let a = source(&shape, DTYPES[dt], seed, view);
        let len: usize = idx_shape.iter().product();
        let i0 = idx(index_values(a.shape()[0], len, seed, valid), &idx_shape);
        let last = a.ndim() - 1;
        let i1 = idx(index_values(a.shape()[last], len, seed + 1, valid), &idx_shape);
        let what = format!("{shape:?} view {view} idx {idx_shape:?} two {two}");
        if two && last > 0 {
            // Separated arrays (index dims first) and, on a 2-d source, adjacent ones.
            let _ = same_on_jit(&what, || {
                if last == 1 { a.index(ix![&i0, &i1]) } else { a.index(ix![&i0, .., &i1]) }
            });
        } else {
            // The last axis indexed: whole rows of the other axes around each index.
            let _ = same_on_jit(&what, || {
                let mut args: Vec<IndexArg> = (0..last).map(|_| IndexArg::from(..)).collect();
                args.push(IndexArg::from(&i1));
                a.index(args)
            });
            let _ = same_on_jit(&what, || a.index(ix![&i0]));
        }
    }

    /// `take` along each axis (and flat) in every mode.
    #[test]
    fn take_modes_match_evaluator(
        dt in 0usize..DTYPES.len(),
        shape in prop::collection::vec(0usize..5, 1..4),
        view in 0u8..3,
        len in 0usize..7,
        seed in 0u64..1000,
        mode in 0usize..3,
    ) {
        let a = source(&shape, DTYPES[dt], seed, view);
        let mode = [TakeMode::Raise, TakeMode::Wrap, TakeMode::Clip][mode];
        for axis in (0..a.ndim() as isize).map(Some).chain([None]) {
            let n = match axis {
                Some(ax) => a.shape()[ax as usize],
                None => a.size(),
            };
            let i = idx(index_values(n, len, seed, false), &[len]);
            let what = format!("{shape:?} view {view} axis {axis:?} {mode:?} {len}");
            let _ = same_on_jit(&what, || a.take(&i, axis, mode));
        }
    }
}

#[test]
fn choose_out_of_range_is_the_same_error() {
    let c0 = input(&[6], DType::I32, 1);
    let c1 = input(&[6], DType::I32, 2);
    let picks = idx(vec![0, 1, 1, 0, 2, -1], &[6]);
    let r = same_on_jit("choose", || choose(&picks, &[&c0, &c1], TakeMode::Raise));
    assert!(r.is_err(), "choice 2 of 2 arrays must fail");
}

/// Large outputs take the parallel path: a 1-d take, whole rows, strided rows, and the same
/// with a bad index far in (the error names that index).
#[test]
fn parallel_gathers_match_evaluator() {
    for &dt in &DTYPES {
        let flat = input(&[400_000], dt, 3);
        let good = idx(index_values(400_000, 300_000, 7, true), &[300_000]);
        let got = same_on_jit("1-d take", || flat.index(ix![&good])).unwrap();
        assert_eq!(got.shape(), &[300_000]);

        let rows = input(&[3000, 40], dt, 4);
        let r = idx(index_values(3000, 5000, 8, true), &[50, 100]);
        same_on_jit("row gather", || rows.index(ix![&r])).unwrap();
        same_on_jit("transposed rows", || rows.transpose().index(ix![.., &r])).unwrap();

        let mut bad_v = index_values(400_000, 300_000, 9, true);
        bad_v[250_000] = 400_000;
        bad_v[260_000] = -400_001;
        let bad = idx(bad_v, &[300_000]);
        let e = same_on_jit("bad index", || flat.index(ix![&bad])).unwrap_err();
        assert!(e.contains("400000"), "{e}");
    }
}

/// Two index arrays, each with a bad index: the evaluator reports array 0's even when array
/// 1's comes first in row-major order; the JIT must report the same one.
#[test]
fn first_bad_index_follows_the_evaluator_order() {
    let a = input(&[10, 20], DType::F64, 5);
    let mut v0 = vec![1i64; 100_000];
    let mut v1 = vec![2i64; 100_000];
    v0[90_000] = 10;
    v1[5] = -21;
    let (i0, i1) = (idx(v0, &[100_000]), idx(v1, &[100_000]));
    let e = same_on_jit("two bad", || a.index(ix![&i0, &i1])).unwrap_err();
    assert!(e.contains("10") && e.contains("axis 0"), "{e}");
}

/// Empty index arrays, empty axes, and wrap / clip on an empty axis.
#[test]
fn empty_cases_match_evaluator() {
    let a = input(&[4, 0, 3], DType::U16, 1);
    let none = idx(vec![], &[0]);
    let one = idx(vec![1], &[1]);
    same_on_jit("empty index", || a.index(ix![&none])).unwrap();
    same_on_jit("empty rows", || a.index(ix![&one])).unwrap();
    let bad = idx(vec![7], &[1]);
    assert!(same_on_jit("bad on empty output", || a.index(ix![&bad])).is_err());
    for mode in [TakeMode::Raise, TakeMode::Wrap, TakeMode::Clip] {
        let r = same_on_jit("take from empty axis", || a.take(&one, Some(1), mode));
        assert!(r.is_err(), "{mode:?}");
    }
}

/// `x[x > 0.5]` on a 2-d array large enough for the parallel position pass, and `nonzero`,
/// against plain Rust.
#[test]
fn masks_over_every_axis_match_plain_rust() {
    let x = input(&[700, 300], DType::F64, 2);
    let xs = x.to_vec::<f64>().unwrap();
    let want: Vec<f64> = xs.iter().copied().filter(|&v| v > 0.5).collect();
    for b in [Backend::Eval, Backend::Jit, Backend::Interpret] {
        let got = x.index(ix![&x.gt(0.5)]).eval_with(b).unwrap();
        assert_eq!(got.to_vec::<f64>().unwrap(), want, "{b:?}");
    }
    let t = x.transpose();
    let ts = t.to_vec::<f64>().unwrap();
    let want_t: Vec<f64> = ts.iter().copied().filter(|&v| v > 0.5).collect();
    let got_t = same_on_jit("transposed mask", || t.index(ix![&t.gt(0.5)])).unwrap();
    assert_eq!(got_t.to_vec::<f64>().unwrap(), want_t);

    let nz = nonzero(&x.gt(0.5));
    let (rows, cols) = (
        nz[0].to_vec::<i64>().unwrap(),
        nz[1].to_vec::<i64>().unwrap(),
    );
    let want_pos: Vec<(i64, i64)> = (0..xs.len())
        .filter(|&k| xs[k] > 0.5)
        .map(|k| ((k / 300) as i64, (k % 300) as i64))
        .collect();
    let got_pos: Vec<(i64, i64)> = rows.into_iter().zip(cols).collect();
    assert_eq!(got_pos, want_pos);

    // A mask over the leading axes only keeps the per-axis index arrays.
    let y = input(&[80, 60, 5], DType::I32, 3);
    let m = y.index(ix![.., .., 0]).gt(0);
    let r = same_on_jit("leading mask", || y.index(ix![&m])).unwrap();
    let ys = y.to_vec::<i32>().unwrap();
    let want_rows: Vec<i32> = (0..80 * 60)
        .filter(|&k| ys[k * 5] > 0)
        .flat_map(|k| ys[k * 5..k * 5 + 5].to_vec())
        .collect();
    assert_eq!(r.to_vec::<i32>().unwrap(), want_rows);
}

/// `a.at(index).set / add / multiply / min / max (v)` on the JIT backend (native scatter)
/// against the evaluator, bit for bit: repeated positions (the row-major order decides),
/// every element size, strided sources, and sizes that split the output over threads.
#[test]
fn scatters_match_evaluator() {
    for &dt in &DTYPES {
        for (shape, len) in [(vec![7usize, 5], 40usize), (vec![300, 400], 200_000)] {
            let a = input(&shape, dt, 6);
            let n = shape[0];
            let rows = idx(index_values(n, len, 11, true), &[len]);
            let cols = idx(index_values(shape[1], len, 12, true), &[len]);
            let v = input(&[len], dt, 13);
            for view in [a.clone(), a.transpose().transpose().index(ix![..;-1])] {
                let what = format!("{dt:?} {shape:?}");
                let at = || view.at(ix![&rows, &cols]);
                same_on_jit(&what, || at().set(&v)).unwrap();
                same_on_jit(&what, || at().set(2)).unwrap();
                for r in [
                    same_on_jit(&what, || at().add(&v)),
                    same_on_jit(&what, || at().multiply(&v)),
                    same_on_jit(&what, || at().min(&v)),
                    same_on_jit(&what, || at().max(&v)),
                ] {
                    // Bool may refuse an operation; then both refused it alike.
                    assert!(r.is_ok() || dt == DType::Bool, "{what}: {r:?}");
                }
            }
        }
    }
}
