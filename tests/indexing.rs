//! Advanced indexing (crates/numcrane/src/indexing.rs) on every backend: property tests that
//! fancy indices (with slices, integers and new axes mixed in), masks, `take` modes and
//! `at(...)` updates give the same answers on the JIT, interpreter and unfused backends as on
//! the reference evaluator, and agree with naive Rust written here; in-place assignment and
//! when it copies; and bad input (out of range, float indices, mask shape mismatches, too many
//! indices, bad `select` / `choose` arguments) as errors naming the function and this file's
//! line, never a panic. NumPy's own answers are in the golden files (family `indexing`).

mod common;

use common::{cases, input};
use numcrane::{
    argwhere, array, choose, compress, extract, flatnonzero, ix, nonzero, put_along_axis, select,
    take, take_along_axis, Array, Backend, DType, IndexArg, NewAxis, SliceArg, TakeMode,
};
use proptest::prelude::*;

const BACKENDS: [Backend; 4] = [
    Backend::Eval,
    Backend::Jit,
    Backend::Interpret,
    Backend::Unfused,
];

fn f64s(a: &Array) -> Vec<f64> {
    a.astype(DType::F64).to_vec::<f64>().unwrap()
}

/// Evaluates `make()` on every backend: all must agree with the evaluator, bit for bit, in
/// dtype, shape and values; returns the evaluator's answer.
fn on_every_backend(name: &str, make: impl Fn() -> Array) -> Array {
    let want = make()
        .eval_with(Backend::Eval)
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    let want_v = f64s(&want);
    for b in BACKENDS {
        let got = make()
            .eval_with(b)
            .unwrap_or_else(|e| panic!("{name} [{b:?}]: {e}"));
        assert_eq!(got.dtype(), want.dtype(), "{name} [{b:?}] dtype");
        assert_eq!(got.shape(), want.shape(), "{name} [{b:?}] shape");
        let v = f64s(&got);
        let same = v
            .iter()
            .zip(&want_v)
            .all(|(x, y)| x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()));
        assert!(same, "{name} [{b:?}]: {v:?} vs {want_v:?}");
    }
    want
}

fn expect_error(name: &str, a: &Array, needles: &[&str]) {
    let e = a
        .eval()
        .err()
        .unwrap_or_else(|| panic!("{name}: expected an error"));
    let text = e.to_string();
    for n in needles {
        assert!(text.contains(n), "{name}: {text:?} lacks {n:?}");
    }
    assert!(
        text.contains("indexing.rs"),
        "{name}: not at the caller's line: {text}"
    );
}

/// One generated index entry per axis: full slice, integer, index array or stepped range.
#[derive(Clone, Debug)]
enum Gen {
    Full,
    Int(isize),
    Arr(Vec<i64>),
    Range(isize, isize),
}

fn gen_entry(n: usize) -> BoxedStrategy<Gen> {
    let n = n as i64;
    if n == 0 {
        return prop_oneof![
            Just(Gen::Full),
            prop::collection::vec(Just(0i64), 0..1).prop_map(Gen::Arr)
        ]
        .boxed();
    }
    prop_oneof![
        Just(Gen::Full),
        (-n..n).prop_map(|i| Gen::Int(i as isize)),
        prop::collection::vec(-n..n, 0..4).prop_map(Gen::Arr),
        // occasionally one past either end: an error on every backend
        prop::collection::vec(-n - 1..n + 1, 1..3).prop_map(Gen::Arr),
        (
            (-n..n),
            prop_oneof![Just(-2isize), Just(-1), Just(1), Just(2)]
        )
            .prop_map(|(s, st)| Gen::Range(s as isize, st)),
    ]
    .boxed()
}

fn to_arg(g: &Gen) -> IndexArg {
    match g {
        Gen::Full => IndexArg::from(..),
        Gen::Int(i) => IndexArg::from(*i),
        Gen::Arr(v) => IndexArg::from(Array::from_vec(v.clone(), [v.len()])),
        Gen::Range(s, st) => IndexArg::Basic(SliceArg::from(*s..).step_by(*st)),
    }
}

/// What naive NumPy indexing gives for one entry per axis.
#[derive(Debug, PartialEq)]
enum Naive {
    /// The result: shape and the flat source position of every element.
    Ok(Vec<usize>, Vec<usize>),
    /// The index arrays do not broadcast, or an index is out of range.
    Err,
}

/// NumPy's indexing written out independently of the library, for one entry per axis: the
/// 1-d arrays and 0-d integers (when any array is present) broadcast to one length `b`; the
/// result is the basic dims with `b` in place of adjacent advanced indices, or first when they
/// are separated; every element reads the source position its indices name.
fn naive_index(shape: &[usize], entries: &[Gen]) -> Naive {
    let has_arr = entries.iter().any(|e| matches!(e, Gen::Arr(_)));
    // Per axis: Some(positions) for a basic entry that keeps the axis, None for advanced;
    // integers without arrays drop the axis and fix its position.
    let mut basic: Vec<(usize, Vec<usize>)> = vec![];
    let mut adv: Vec<(usize, Vec<i64>)> = vec![];
    let mut fixed: Vec<(usize, usize)> = vec![];
    let mut adv_slots = vec![]; // positions of advanced entries among the kept dims
    let mut kept = 0;
    let norm = |i: i64, n: usize| -> Option<usize> {
        let p = if i < 0 { i + n as i64 } else { i };
        (0..n as i64).contains(&p).then_some(p as usize)
    };
    for (axis, (e, &n)) in entries.iter().zip(shape).enumerate() {
        match e {
            Gen::Full => {
                basic.push((axis, (0..n).collect()));
                kept += 1;
            }
            Gen::Range(st, step) => {
                basic.push((axis, range_positions(*st, *step, n)));
                kept += 1;
            }
            Gen::Int(i) if !has_arr => match norm(*i as i64, n) {
                Some(p) => fixed.push((axis, p)),
                None => return Naive::Err,
            },
            Gen::Int(i) => {
                adv.push((axis, vec![*i as i64]));
                adv_slots.push(kept);
                kept += 1;
            }
            Gen::Arr(v) => {
                adv.push((axis, v.clone()));
                adv_slots.push(kept);
                kept += 1;
            }
        }
    }
    let mut b = 1;
    for (_, v) in &adv {
        b = match (b, v.len()) {
            (x, y) if x == y || y == 1 => x,
            (1, y) => y,
            _ => return Naive::Err,
        };
    }
    // NumPy checks the broadcast indices: none when they broadcast to nothing, but whatever
    // the other dims are (an index into `(0, 3)[:, [5]]` is still an error).
    for (axis, v) in adv.iter().filter(|_| b > 0) {
        if v.iter().any(|&i| norm(i, shape[*axis]).is_none()) {
            return Naive::Err;
        }
    }
    // Output dims: basic dims in order, with the broadcast dim at `at`.
    let adjacent = adv_slots.windows(2).all(|w| w[1] == w[0] + 1);
    let at = match adv_slots.first() {
        None => None,
        // no advanced entry precedes the first, so its slot counts the basic dims before it
        Some(&first) if adjacent => Some(first),
        Some(_) => Some(0),
    };
    let mut out_shape: Vec<usize> = basic.iter().map(|(_, p)| p.len()).collect();
    if let Some(at) = at {
        out_shape.insert(at, b);
    }
    let strides: Vec<usize> = (0..shape.len())
        .map(|a| shape[a + 1..].iter().product())
        .collect();
    let total: usize = out_shape.iter().product();
    let mut positions = Vec::with_capacity(total);
    for flat in 0..total {
        // unravel the output position
        let mut idx = vec![0; out_shape.len()];
        let mut rest = flat;
        for d in (0..out_shape.len()).rev() {
            idx[d] = rest % out_shape[d];
            rest /= out_shape[d];
        }
        let k = at.map(|a| idx.remove(a)).unwrap_or(0);
        let mut pos = 0;
        for ((axis, p), &i) in basic.iter().zip(&idx) {
            pos += p[i] * strides[*axis];
        }
        for (axis, v) in &adv {
            let i = if v.len() == 1 { v[0] } else { v[k] };
            pos += norm(i, shape[*axis]).unwrap_or(0) * strides[*axis];
        }
        for &(axis, p) in &fixed {
            pos += p * strides[axis];
        }
        positions.push(pos);
    }
    Naive::Ok(out_shape, positions)
}

/// Python's `range(*slice(s, None, st).indices(n))`.
fn range_positions(s: isize, st: isize, n: usize) -> Vec<usize> {
    let n = n as isize;
    let mut i = if s < 0 { s + n } else { s };
    let mut out = vec![];
    if st > 0 {
        i = i.clamp(0, n);
        while i < n {
            out.push(i as usize);
            i += st;
        }
    } else {
        i = i.clamp(-1, n - 1);
        while i >= 0 {
            out.push(i as usize);
            i += st;
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(48)))]

    #[test]
    fn fancy_indexing_agrees_on_every_backend(
        (shape, entries) in prop::collection::vec(0usize..5, 1..4).prop_flat_map(|shape| {
            let gens: Vec<_> = shape.iter().map(|&n| gen_entry(n)).collect();
            (Just(shape), gens)
        }),
        dtype in prop_oneof![Just(DType::F64), Just(DType::I32), Just(DType::U8), Just(DType::Bool)],
        seed in 0u64..50,
    ) {
        let x = input(&shape, dtype, seed);
        let args: Vec<IndexArg> = entries.iter().map(to_arg).collect();
        // A fused producer before the gather and a consumer after it.
        let make = || {
            let y = (&x + &x).astype(dtype);
            y.index(args.clone()).astype(DType::F64) * 2.0
        };
        match naive_index(&shape, &entries) {
            Naive::Ok(s, positions) => {
                let got = on_every_backend("index", make);
                prop_assert_eq!(got.shape(), &s[..]);
                // The source through the same casts as `make`: (x + x) in the dtype, then f64.
                let src = f64s(&(&x + &x).astype(dtype));
                let want: Vec<f64> = positions.iter().map(|&p| src[p] * 2.0).collect();
                prop_assert_eq!(f64s(&got), want);
            }
            Naive::Err => {
                for b in BACKENDS {
                    prop_assert!(make().eval_with(b).is_err(), "{:?} should fail", b);
                }
            }
        }
    }

    #[test]
    fn masks_keep_the_true_elements_in_order(
        shape in prop::collection::vec(0usize..5, 1..4),
        seed in 0u64..50,
    ) {
        let x = input(&shape, DType::F64, seed);
        let xs = f64s(&x);
        let got = on_every_backend("mask", || (&x * 1.0).index(ix![x.gt(0.5)]));
        let want: Vec<f64> = xs.iter().copied().filter(|&v| v > 0.5).collect();
        prop_assert_eq!(f64s(&got), want);
        // A mask over the leading axis keeps whole rows.
        let sub = &shape[1..];
        let row_len: usize = sub.iter().product();
        let flags: Vec<bool> = (0..shape[0]).map(|r| !(r as u64 + seed).is_multiple_of(3)).collect();
        let rows = Array::from_vec(flags.clone(), [shape[0]]);
        let got = on_every_backend("row mask", || x.index(ix![&rows]));
        let mut want = vec![];
        for (r, &f) in flags.iter().enumerate() {
            if f {
                want.extend_from_slice(&xs[r * row_len..(r + 1) * row_len]);
            }
        }
        prop_assert_eq!(f64s(&got), want);
    }

    #[test]
    fn take_modes_match_naive(
        n in 1usize..6,
        idx in prop::collection::vec(-12i64..12, 0..6),
        seed in 0u64..50,
    ) {
        let x = input(&[n], DType::I64, seed);
        let xs = x.to_vec::<i64>().unwrap();
        let i = Array::from_vec(idx.clone(), [idx.len()]);
        let n_i = n as i64;
        let wrap: Vec<f64> = idx.iter().map(|&k| xs[k.rem_euclid(n_i) as usize] as f64).collect();
        let clip: Vec<f64> = idx.iter().map(|&k| xs[k.clamp(0, n_i - 1) as usize] as f64).collect();
        prop_assert_eq!(f64s(&on_every_backend("wrap", || take(&x, &i, None, TakeMode::Wrap))), wrap);
        prop_assert_eq!(f64s(&on_every_backend("clip", || take(&x, &i, Some(0), TakeMode::Clip))), clip);
        let raise = take(&x, &i, None, TakeMode::Raise);
        if idx.iter().all(|&k| -n_i <= k && k < n_i) {
            let want: Vec<f64> = idx.iter().map(|&k| xs[k.rem_euclid(n_i) as usize] as f64).collect();
            prop_assert_eq!(f64s(&raise), want);
        } else {
            prop_assert!(raise.eval().is_err());
        }
    }

    #[test]
    fn at_updates_match_naive(
        n in 1usize..7,
        idx in prop::collection::vec(-6i64..6, 0..8),
        seed in 0u64..50,
    ) {
        let n_i = n as i64;
        let idx: Vec<i64> = idx.into_iter().filter(|&k| -n_i <= k && k < n_i).collect();
        let x = input(&[n], DType::F64, seed);
        let v = input(&[idx.len()], DType::F64, seed + 1);
        let (xs, vs) = (f64s(&x), f64s(&v));
        let i = Array::from_vec(idx.clone(), [idx.len()]);
        let mut set = xs.clone();
        let mut add = xs.clone();
        let mut mul = xs.clone();
        let mut mn = xs.clone();
        let mut mx = xs.clone();
        for (&k, &val) in idx.iter().zip(&vs) {
            let p = k.rem_euclid(n_i) as usize;
            set[p] = val;
            add[p] += val;
            mul[p] *= val;
            mn[p] = mn[p].min(val);
            mx[p] = mx[p].max(val);
        }
        prop_assert_eq!(f64s(&on_every_backend("set", || x.at(ix![&i]).set(&v))), set);
        prop_assert_eq!(f64s(&on_every_backend("add", || x.at(ix![&i]).add(&v))), add);
        prop_assert_eq!(f64s(&on_every_backend("mul", || x.at(ix![&i]).multiply(&v))), mul);
        prop_assert_eq!(f64s(&on_every_backend("min", || x.at(ix![&i]).min(&v))), mn);
        prop_assert_eq!(f64s(&on_every_backend("max", || x.at(ix![&i]).max(&v))), mx);
    }
}

#[test]
fn result_shapes_follow_numpy() {
    let a = numcrane::arange(0i64, 60, 1).reshape([3, 4, 5]);
    let i2 = array([1i64, 2]);
    let col = array([[0i64], [2]]);
    // separated advanced indices (an integer counts as one) go first
    assert_eq!(a.index(ix![0, .., &i2]).shape(), &[2, 4]);
    // adjacent ones stay in place
    assert_eq!(a.index(ix![.., 0, &i2]).shape(), &[3, 2]);
    assert_eq!(a.index(ix![.., &col, &i2]).shape(), &[3, 2, 2]);
    assert_eq!(a.index(ix![&col, .., &i2]).shape(), &[2, 2, 4]);
    assert_eq!(
        a.index(ix![numcrane::Ellipsis, NewAxis, &i2]).shape(),
        &[3, 4, 1, 2]
    );
    assert_eq!(a.index(ix![array(true)]).shape(), &[1, 3, 4, 5]);
    assert_eq!(a.index(ix![array(false)]).shape(), &[0, 3, 4, 5]);
    let v = a.index(ix![.., &col, &i2]).to_vec::<i64>().unwrap();
    // a[r, c[j], i2[k]] = 20 r + 5 c + i
    let want: Vec<i64> = (0..3)
        .flat_map(|r| {
            [0i64, 2]
                .into_iter()
                .flat_map(move |c| [1i64, 2].map(|i| 20 * r + 5 * c + i))
        })
        .collect();
    assert_eq!(v, want);
    // basic-only indices stay views
    assert!(!a.index(ix![1, ..;2]).explain().contains("gather"));
}

#[test]
fn helpers_against_naive() {
    let a = array([[0.0, 2.0, 0.0], [f64::NAN, 0.0, -1.0]]);
    let nz = nonzero(&a);
    assert_eq!(nz[0].to_vec::<i64>().unwrap(), vec![0, 1, 1]);
    assert_eq!(nz[1].to_vec::<i64>().unwrap(), vec![1, 0, 2]);
    assert_eq!(flatnonzero(&a).to_vec::<i64>().unwrap(), vec![1, 3, 5]);
    let w = argwhere(&a);
    assert_eq!(w.shape(), &[3, 2]);
    assert_eq!(w.to_vec::<i64>().unwrap(), vec![0, 1, 1, 0, 1, 2]);
    let c = array([true, false, true]);
    assert_eq!(f64s(&compress(&c, &a, Some(1))).len(), 4);
    assert_eq!(f64s(&extract(&a.eq(0.0), &a)), vec![0.0, 0.0, 0.0]);
    let order = numcrane::argsort(&a, Some(1));
    let sorted = take_along_axis(&a, &order, Some(1));
    let direct = numcrane::sort(&a, Some(1));
    let (s1, s2) = (f64s(&sorted), f64s(&direct));
    assert!(s1
        .iter()
        .zip(&s2)
        .all(|(x, y)| x == y || (x.is_nan() && y.is_nan())));
    let put = put_along_axis(&a, &array([[2i64], [0]]), 7.0, Some(1));
    let p = f64s(&put);
    assert_eq!((p[2], p[3]), (7.0, 7.0));
    let sel = select(&[&a.gt(1.0), &a.lt(0.0)], &[&a, &(&a * 10.0)], 5.0);
    assert_eq!(f64s(&sel), vec![5.0, 2.0, 5.0, 5.0, 5.0, -10.0]);
    let k = array([[1i64, 0, 1], [0, 1, 0]]);
    let ch = choose(&k, &[&a, &(&a + 100.0)], TakeMode::Raise);
    let chv = f64s(&ch);
    assert_eq!(chv[0], 100.0);
    assert_eq!(chv[1], 2.0);
}

#[test]
fn gathers_in_the_plan() {
    let x = input(&[4, 5], DType::F32, 3);
    let i = array([3i64, 0]);
    // Read by an element-wise op: computed inside its kernel (tests/gather_fused.rs).
    let y = (&x * 2.0).index(ix![&i]) + 1.0;
    assert!(y.explain().contains("gather"), "{}", y.explain());
    assert!(
        y.explain_plan().contains("with fused gathers (index)"),
        "{}",
        y.explain_plan()
    );
    // Asked for by itself: a step of its own.
    let g = (&x * 2.0).index(ix![&i]);
    assert!(
        g.explain_plan()
            .contains("a step of its own: gather/scatter"),
        "{}",
        g.explain_plan()
    );
    let z = x.at(ix![&i]).add(1.0);
    assert!(z
        .explain_plan()
        .contains("a step of its own: gather/scatter"));
}

#[test]
fn in_place_assignment_only_when_nothing_else_reads_the_array() {
    let mut a = input(&[5], DType::F64, 1);
    let before = f64s(&a);
    let i = array([4i64, 0, 4]);
    let v = array([1.0, 2.0, 3.0]);
    assert!(
        a.set_in_place(ix![&i], &v).unwrap(),
        "sole owner writes in place"
    );
    let got = f64s(&a);
    assert_eq!((got[0], got[4], got[1]), (2.0, 3.0, before[1]));
    // A second handle, a node reading it, or a view of its data force the copy.
    let other = a.clone();
    assert!(!a.set_in_place(ix![0], 9.0).unwrap());
    assert_eq!(f64s(&other)[0], 2.0);
    assert_eq!(f64s(&a)[0], 9.0);
    let mut b = input(&[5], DType::F64, 2);
    let reader = &b + 1.0;
    assert!(!b.set_in_place(ix![1..], 0.0).unwrap());
    assert_eq!(f64s(&reader)[1], f64s(&input(&[5], DType::F64, 2))[1] + 1.0);
    let mut c = input(&[6], DType::F64, 3);
    let view = c.slice(numcrane::s![1..]).eval().unwrap();
    assert!(!c.set_in_place(ix![2], -5.0).unwrap());
    assert_ne!(f64s(&view)[1], -5.0);
    // The values may read the array itself (they are evaluated first).
    let mut d = input(&[3], DType::F64, 4);
    let twice = &d * 2.0;
    let want: Vec<f64> = f64s(&d).iter().map(|x| x * 2.0).collect();
    assert!(!d.set_in_place(ix![..], &twice).unwrap() || f64s(&d) == want);
    assert_eq!(f64s(&d), want);
    // Errors leave the array as it was.
    let mut e = input(&[3], DType::F64, 5);
    let old = f64s(&e);
    assert!(e.set_in_place(ix![array([3i64])], 1.0).is_err());
    assert_eq!(f64s(&e), old);
}

#[test]
fn bad_indices_are_errors_naming_the_function_and_line() {
    let a = input(&[4, 5], DType::F64, 1);
    expect_error(
        "out of range",
        &a.index(ix![array([0i64, 4])]),
        &["index", "index 4 is out of bounds for axis 0 with size 4"],
    );
    expect_error(
        "negative out of range",
        &a.index(ix![.., array([-6i64])]),
        &["index -6 is out of bounds for axis 1 with size 5"],
    );
    expect_error(
        "float index",
        &a.index(ix![array([1.0])]),
        &["index", "float64", "integer (or boolean)"],
    );
    expect_error(
        "mask shape",
        &a.index(ix![array([true, false])]),
        &["boolean index did not match", "(4, 5)", "(2,)"],
    );
    expect_error(
        "too many",
        &a.index(ix![array([0i64]), 0, 0]),
        &["too many indices", "2-dimensional"],
    );
    expect_error(
        "no broadcast",
        &a.index(ix![array([0i64, 1]), array([0i64, 1, 2])]),
        &["shape mismatch", "(2,) (3,)"],
    );
    expect_error(
        "take",
        &take(&a, &array([20i64]), None, TakeMode::Raise),
        &["take", "index 20"],
    );
    expect_error(
        "take empty axis",
        &take(
            &numcrane::zeros([0], DType::F64),
            &array([0i64]),
            None,
            TakeMode::Wrap,
        ),
        &["take", "empty"],
    );
    expect_error(
        "choose raise",
        &choose(
            &array([-1i64]),
            &[&array([1.0]), &array([2.0])],
            TakeMode::Raise,
        ),
        &["choose", "invalid entry in choice array"],
    );
    expect_error(
        "select bool",
        &select(&[&array([1, 0])], &[&array([1, 2])], 0),
        &["select", "invalid entry 0 in condlist"],
    );
    expect_error(
        "select lengths",
        &select(&[&array([true])], &[], 0),
        &["select", "same length"],
    );
    expect_error(
        "at values",
        &a.at(ix![array([0i64, 1])]).set(array([1.0, 2.0, 3.0])),
        &["at.set", "(3,)", "(2, 5)"],
    );
    expect_error(
        "at scalar range",
        &array([1u8]).at(ix![0]).set(300),
        &["at.set", "300", "uint8"],
    );
    expect_error(
        "take_along_axis ndim",
        &take_along_axis(&a, &array([0i64]), Some(1)),
        &["take_along_axis", "same number of dimensions"],
    );
    expect_error("nonzero 0-d", &nonzero(&array(3))[0], &["nonzero", "0d"]);
    expect_error(
        "compress 2-d",
        &compress(&array([[true]]), &a, None),
        &["compress", "1-d"],
    );
    // An error of the mask itself comes through.
    let bad_mask = a.gt(array([1.0, 2.0]));
    assert!(a.index(ix![&bad_mask]).eval().is_err());
}

#[test]
fn odd_inputs_give_answers_or_errors_never_panics() {
    let scalar = array(5i64);
    let empty = numcrane::zeros([0, 3], DType::F32);
    let m = input(&[3, 4], DType::I32, 7);
    let extremes = array([i64::MIN, i64::MAX]);
    let outcomes: Vec<(&str, Array)> = vec![
        ("0-d mask", scalar.index(ix![array(true)])),
        ("0-d new axis", scalar.index(ix![NewAxis, array([0i64, 0])])),
        ("0-d too many", scalar.index(ix![array([0i64])])),
        ("extreme indices", m.index(ix![&extremes])),
        ("extreme wrap", take(&m, &extremes, None, TakeMode::Wrap)),
        ("extreme clip", take(&m, &extremes, Some(1), TakeMode::Clip)),
        (
            "empty axis clip",
            take(&empty, &array([0i64]), Some(0), TakeMode::Clip),
        ),
        (
            "empty take",
            take(&empty, &array([0i64; 0]), Some(0), TakeMode::Raise),
        ),
        ("choose none", choose(&array([0i64]), &[], TakeMode::Raise)),
        (
            "choose extreme",
            choose(&extremes, &[&m.ravel()], TakeMode::Wrap),
        ),
        ("select none", select(&[], &[], 0)),
        ("at on 0-d", scalar.at(ix![]).add(1)),
        ("at empty", empty.at(ix![array([0i64; 0])]).set(1.0)),
        ("at mask 0-d", scalar.at(ix![array(false)]).set(1)),
        ("compress 0-d", compress(&array(true), &m, None)),
        ("extract sizes", extract(&array([true; 20]), &m)),
        (
            "put None 2-d",
            put_along_axis(&m, &array([[0i64]]), 1, None),
        ),
        (
            "take_along bad axis",
            take_along_axis(&m, &array([[0i64]]), Some(5)),
        ),
        ("nonzero empty", nonzero(&empty)[1].clone()),
        ("argwhere empty", argwhere(&empty)),
        ("flatnonzero 0-d", flatnonzero(&scalar)),
        (
            "nan_to_num int",
            numcrane::nan_to_num_with(&m, 1.0, None, None),
        ),
        ("mask of poison", m.index(ix![m.gt(array([1, 2]))])),
    ];
    for (name, a) in outcomes {
        // Either outcome is fine here (the values are checked elsewhere); the call must come
        // back, and an error must name a function and this file's line.
        if let Err(e) = a.eval() {
            let text = e.to_string();
            assert!(text.contains("indexing.rs"), "{name}: {text}");
        }
    }
}
