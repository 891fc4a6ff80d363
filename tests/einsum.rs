//! `einsum` against a naive loop over every assignment of the labels (written here), and
//! against the library's own `matmul`, `trace`, `transpose`: one and two operands (and
//! chains of three), explicit and implicit outputs, diagonals, sums, transposes, outer
//! products, batched products, broadcasting `...`, dtypes (the operands' promoted dtype,
//! integers wrapping, bool as NumPy), and the errors NumPy raises. NumPy's own answers are in
//! the golden files (tests/numpy/gen_golden.py, family `linalg`, function `einsum`).

mod common;

use common::input;
use numcrane::{einsum, matmul, Array, Backend, DType, Error};

const BACKENDS: [Backend; 4] = [
    Backend::Eval,
    Backend::Jit,
    Backend::Interpret,
    Backend::Unfused,
];

/// Row-major f64 values of `a`.
fn vals(a: &Array) -> Vec<f64> {
    a.astype(DType::F64)
        .eval()
        .unwrap()
        .to_vec::<f64>()
        .unwrap()
}

/// Naive einsum for explicit subscripts of letters only: loops over every assignment of
/// every label, multiplying the operands' elements into the output's. Returns the output
/// shape and values.
fn naive(subscripts: &str, ops: &[(&[usize], Vec<f64>)]) -> (Vec<usize>, Vec<f64>) {
    let (lhs, out) = subscripts.split_once("->").unwrap();
    let terms: Vec<Vec<char>> = lhs.split(',').map(|t| t.chars().collect()).collect();
    let out: Vec<char> = out.chars().collect();
    let mut labels: Vec<char> = Vec::new();
    let size = |c: char, s: usize, labels: &mut Vec<char>, sizes: &mut Vec<usize>| match labels
        .iter()
        .position(|&l| l == c)
    {
        Some(i) => sizes[i] = sizes[i].max(s),
        None => {
            labels.push(c);
            sizes.push(s);
        }
    };
    let mut sizes = Vec::new();
    for (t, (shape, _)) in terms.iter().zip(ops) {
        for (&c, &s) in t.iter().zip(shape.iter()) {
            size(c, s, &mut labels, &mut sizes);
        }
    }
    let pos = |c: char| labels.iter().position(|&l| l == c).unwrap();
    let out_shape: Vec<usize> = out.iter().map(|&c| sizes[pos(c)]).collect();
    let mut result = vec![0.0; out_shape.iter().product()];
    let total: usize = sizes.iter().product();
    let mut idx = vec![0usize; labels.len()];
    for flat in 0..total {
        let mut r = flat;
        for d in (0..labels.len()).rev() {
            idx[d] = r % sizes[d];
            r /= sizes[d];
        }
        let mut p = 1.0;
        for (t, (shape, v)) in terms.iter().zip(ops) {
            let mut off = 0;
            for (&c, &s) in t.iter().zip(shape.iter()) {
                // A size-1 axis broadcasts against the label's full size.
                off = off * s + if s == 1 { 0 } else { idx[pos(c)] };
            }
            p *= v[off];
        }
        let mut o = 0;
        for (&c, &s) in out.iter().zip(&out_shape) {
            o = o * s + idx[pos(c)];
        }
        result[o] += p;
    }
    (out_shape, result)
}

fn assert_close(got: &[f64], want: &[f64], what: &str) {
    assert_eq!(got.len(), want.len(), "{what}");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!(
            (g - w).abs() <= 1e-9 * (1.0 + w.abs()),
            "{what}: element {i}: {g} vs {w}"
        );
    }
}

/// (subscripts given to einsum, the same in explicit letters-only form, operand shapes)
const FORMS: &[(&str, &str, &[&[usize]])] = &[
    ("ij,jk->ik", "ij,jk->ik", &[&[3, 4], &[4, 5]]),
    ("ij,jk", "ij,jk->ik", &[&[3, 4], &[4, 5]]),
    ("ij,kj->ik", "ij,kj->ik", &[&[3, 4], &[5, 4]]),
    ("ji,jk->ki", "ji,jk->ki", &[&[4, 3], &[4, 5]]),
    ("bij,bjk->bik", "bij,bjk->bik", &[&[2, 3, 4], &[2, 4, 5]]),
    ("bij,bjk", "bij,bjk->ik", &[&[2, 3, 4], &[2, 4, 5]]),
    ("bij,bjk->ikb", "bij,bjk->ikb", &[&[2, 3, 4], &[2, 4, 5]]),
    ("bij,bjk->ik", "bij,bjk->ik", &[&[2, 3, 4], &[2, 4, 5]]),
    ("i,i", "i,i->", &[&[7], &[7]]),
    ("i,i->i", "i,i->i", &[&[7], &[7]]),
    ("i,j->ij", "i,j->ij", &[&[3], &[4]]),
    ("i,j", "i,j->ij", &[&[3], &[4]]),
    ("ij,j->i", "ij,j->i", &[&[3, 4], &[4]]),
    ("ij,ij->", "ij,ij->", &[&[3, 4], &[3, 4]]),
    ("ij,ij->ij", "ij,ij->ij", &[&[3, 4], &[3, 4]]),
    ("ij,ji->", "ij,ji->", &[&[3, 4], &[4, 3]]),
    ("ijk,jkl->il", "ijk,jkl->il", &[&[2, 3, 4], &[3, 4, 5]]),
    ("ijk,ikl->ijl", "ijk,ikl->ijl", &[&[2, 3, 4], &[2, 4, 5]]),
    ("ij,kl->ijkl", "ij,kl->ijkl", &[&[2, 3], &[3, 2]]),
    ("ij,jk->", "ij,jk->", &[&[3, 4], &[4, 5]]),
    ("ij,k->i", "ij,k->i", &[&[3, 4], &[5]]),
    ("ii,ij->j", "ii,ij->j", &[&[3, 3], &[3, 4]]),
    ("iij,jk->ik", "iij,jk->ik", &[&[3, 3, 4], &[4, 2]]),
    ("i,i", "i,i->", &[&[1], &[5]]),
    ("ij,jk->ik", "ij,jk->ik", &[&[3, 1], &[4, 5]]),
    ("ij,jk->ik", "ij,jk->ik", &[&[0, 4], &[4, 5]]),
    ("ij,jk->ik", "ij,jk->ik", &[&[3, 0], &[0, 5]]),
    (",ij->ij", ",ij->ij", &[&[], &[2, 3]]),
    ("ij->ji", "ij->ji", &[&[3, 4]]),
    ("ji", "ji->ij", &[&[3, 4]]),
    ("ii", "ii->", &[&[4, 4]]),
    ("ii->i", "ii->i", &[&[4, 4]]),
    ("iii->i", "iii->i", &[&[3, 3, 3]]),
    ("iji->j", "iji->j", &[&[3, 2, 3]]),
    ("ij->", "ij->", &[&[3, 4]]),
    ("ij->i", "ij->i", &[&[3, 4]]),
    ("ij->j", "ij->j", &[&[3, 4]]),
    ("ijk->kij", "ijk->kij", &[&[2, 3, 4]]),
    ("ijk->ki", "ijk->ki", &[&[2, 3, 4]]),
    ("i", "i->i", &[&[5]]),
    ("->", "->", &[&[]]),
    ("ij,jk,kl->il", "ij,jk,kl->il", &[&[2, 3], &[3, 4], &[4, 2]]),
    ("i,i,i", "i,i,i->", &[&[4], &[4], &[4]]),
    ("ij,j,i->", "ij,j,i->", &[&[2, 3], &[3], &[2]]),
    // `...` and its letters-only equivalent (same shapes, no broadcasting).
    (
        "...ij,...jk->...ik",
        "zij,zjk->zik",
        &[&[2, 3, 4], &[2, 4, 5]],
    ),
    ("...ij,...jk", "zij,zjk->zik", &[&[2, 3, 4], &[2, 4, 5]]),
    ("i...->...", "iyz->yz", &[&[2, 3, 4]]),
    ("...ii->...i", "zii->zi", &[&[2, 3, 3]]),
    ("...ii", "zii->z", &[&[2, 3, 3]]),
    (
        "ij...,jk...->ik...",
        "ijz,jkz->ikz",
        &[&[2, 3, 4], &[3, 2, 4]],
    ),
    ("...,...", "yz,yz->yz", &[&[2, 3], &[2, 3]]),
    ("a...b->...", "ayzb->yz", &[&[2, 3, 4, 5]]),
    ("...ij->...ji", "zij->zji", &[&[2, 3, 4]]),
];

#[test]
fn every_form_against_naive_loops() {
    for (n, &(subs, explicit, shapes)) in FORMS.iter().enumerate() {
        let arrays: Vec<Array> = shapes
            .iter()
            .enumerate()
            .map(|(i, s)| input(s, DType::F64, (n * 3 + i) as u64))
            .collect();
        let refs: Vec<&Array> = arrays.iter().collect();
        let ops: Vec<(&[usize], Vec<f64>)> = shapes
            .iter()
            .zip(&arrays)
            .map(|(&s, a)| (s, vals(a)))
            .collect();
        let (want_shape, want) = naive(explicit, &ops);
        for backend in BACKENDS {
            let r = einsum(subs, &refs)
                .eval_with(backend)
                .unwrap_or_else(|e| panic!("{subs} {shapes:?}: {e}"));
            assert_eq!(r.shape(), &want_shape[..], "{subs} {shapes:?}");
            assert_eq!(r.dtype(), DType::F64, "{subs}");
            assert_close(&vals(&r), &want, &format!("{subs} {shapes:?} {backend:?}"));
        }
    }
}

#[test]
fn broadcasting_ellipsis_and_size_one_axes() {
    // Batch `...` broadcast: [5, 1, 2, 3] and [4, 3, 2] against [5, 4, 3, 2] and [5, 4, 2, 3].
    let a = input(&[5, 1, 2, 3], DType::F64, 1);
    let b = input(&[4, 3, 2], DType::F64, 2);
    let r = einsum("...ij,...jk->...ik", &[&a, &b]).eval().unwrap();
    assert_eq!(r.shape(), &[5, 4, 2, 2]);
    let want = matmul(
        &a.broadcast_to(&[5, 4, 2, 3]),
        &b.broadcast_to(&[5, 4, 3, 2]),
    );
    assert_close(&vals(&r), &vals(&want), "broadcast ...");
    // Implicit output with ellipsis: `...` first, then the letters seen once.
    let r = einsum("...ij,...jk", &[&a, &b]).eval().unwrap();
    assert_close(&vals(&r), &vals(&want), "implicit broadcast ...");
    // A size-1 named axis broadcasts too, as in NumPy.
    let a = input(&[1, 3], DType::F64, 3);
    let b = input(&[4, 3], DType::F64, 4);
    let r = einsum("ij,ij->", &[&a, &b]).eval().unwrap();
    let want: f64 = vals(&(a.broadcast_to(&[4, 3]) * &b)).iter().sum();
    assert!((r.item::<f64>().unwrap() - want).abs() < 1e-9);
}

#[test]
fn float_products_match_matmul_trace_transpose() {
    for dtype in [DType::F32, DType::F64] {
        let a = input(&[17, 33], dtype, 1);
        let b = input(&[33, 9], dtype, 2);
        let r = einsum("ij,jk->ik", &[&a, &b]);
        assert_eq!(r.dtype(), dtype);
        assert_eq!(vals(&r), vals(&matmul(&a, &b)));
        let a3 = input(&[4, 5, 6], dtype, 3);
        let b3 = input(&[4, 6, 7], dtype, 4);
        let r = einsum("bij,bjk->bik", &[&a3, &b3]);
        assert_eq!(vals(&r), vals(&matmul(&a3, &b3)));
        // Transposed operands are views: the product is matmul of the transposes.
        let r = einsum("ji,kj->ik", &[&a.T(), &b.T()]);
        assert_eq!(vals(&r), vals(&matmul(&a, &b)));
        let sq = input(&[6, 6], dtype, 5);
        let t = einsum("ii", &[&sq]);
        assert_eq!(t.dtype(), dtype);
        let want = vals(&sq.trace())[0];
        assert!((vals(&t)[0] - want).abs() < 1e-4);
        assert_eq!(vals(&einsum("ij->ji", &[&a])), vals(&a.transpose()));
    }
}

#[test]
fn dtypes_follow_numpy() {
    // Integers keep their dtype (NumPy's einsum does not widen sums) and wrap.
    let big = Array::from_vec(vec![i32::MAX, i32::MAX, 1, 2], [2, 2]);
    let s = einsum("ij->", &[&big]).eval().unwrap();
    assert_eq!(s.dtype(), DType::I32);
    assert_eq!(
        s.item::<i32>().unwrap(),
        i32::MAX.wrapping_add(i32::MAX).wrapping_add(3)
    );
    let t = einsum("ii", &[&big]).eval().unwrap();
    assert_eq!(t.dtype(), DType::I32);
    assert_eq!(t.item::<i32>().unwrap(), i32::MAX.wrapping_add(2));
    let small = Array::from_vec(vec![100i8, 100, 100], [3]);
    let s = einsum("i->", &[&small]).eval().unwrap();
    assert_eq!(s.dtype(), DType::I8);
    assert_eq!(s.item::<i8>().unwrap(), 300i32 as i8);
    let a = input(&[3, 4], DType::I32, 1);
    let b = input(&[4, 2], DType::I32, 2);
    let r = einsum("ij,jk->ik", &[&a, &b]).eval().unwrap();
    assert_eq!(r.dtype(), DType::I32);
    assert_eq!(vals(&r), vals(&matmul(&a, &b)));
    // Mixed dtypes promote as for `*`.
    let f = input(&[4, 2], DType::F32, 3);
    assert_eq!(einsum("ij,jk->ik", &[&a, &f]).dtype(), DType::F64);
    let h = input(&[4], DType::I8, 3);
    assert_eq!(einsum("ij,j->i", &[&a, &h]).dtype(), DType::I32);
    // bool: sums are `any`, products `and`; the result stays bool.
    let p = Array::from_vec(vec![true, false, true], [3]);
    let q = Array::from_vec(vec![false, false, true], [3]);
    let r = einsum("i,i", &[&p, &q]).eval().unwrap();
    assert_eq!(r.dtype(), DType::Bool);
    assert!(r.item::<bool>().unwrap());
    let r = einsum("i,i", &[&p, &(!&q)]).eval().unwrap();
    assert!(r.item::<bool>().unwrap());
    let none = Array::from_vec(vec![false, false, false], [3]);
    assert!(!einsum("i,i", &[&p, &none]).item::<bool>().unwrap());
    let r = einsum("i->", &[&p]).eval().unwrap();
    assert_eq!(r.dtype(), DType::Bool);
    assert!(r.item::<bool>().unwrap());
    let r = einsum("i,j->ij", &[&p, &q]).eval().unwrap();
    assert_eq!(
        r.to_vec::<bool>().unwrap(),
        vec![false, false, true, false, false, false, false, false, true]
    );
}

#[test]
fn errors_name_einsum_the_subscripts_and_the_callers_line() {
    let a = input(&[2, 3], DType::F64, 1);
    let b = input(&[3, 4], DType::F64, 2);
    let c = input(&[4, 4], DType::F64, 3);
    let sq_bad = input(&[2, 3], DType::F64, 4);
    let cases: Vec<(&str, Vec<&Array>, &str)> = vec![
        ("ij,jk->ik", vec![&a], "operand"),
        ("ij->ij", vec![&a, &b], "operand"),
        ("ijk->i", vec![&a], "dimension"),
        ("i->i", vec![&a], "dimension"),
        ("ij,jk->ix", vec![&a, &b], "'x'"),
        ("ij,jk->ii", vec![&a, &b], "more than once"),
        ("ij,jk->ik", vec![&a, &c], "broadcast"),
        ("ii", vec![&sq_bad], "collapsing"),
        ("i1->i", vec![&a], "'1'"),
        ("i..->i", vec![&a], "ellipsis"),
        ("...i->i", vec![&a], "'...'"),
        ("i->i->i", vec![&a], "->"),
        ("", vec![&a], "dimension"),
        ("", vec![], "operand"),
    ];
    for (subs, ops, needle) in cases {
        let r = einsum(subs, &ops);
        let line = line!() - 1;
        let e = r.eval().unwrap_err();
        assert!(
            matches!(e, Error::InvalidArgument { op: "einsum", .. }),
            "{subs}: {e:?}"
        );
        let text = e.to_string();
        assert!(text.contains("einsum"), "{text}");
        assert!(text.contains(&format!("{subs:?}")), "{text}");
        assert!(text.contains(needle), "{subs}: {text} lacks {needle}");
        assert!(text.contains(&format!("tests/einsum.rs:{line}")), "{text}");
    }
}

#[test]
fn contractions_lower_to_one_matmul() {
    // The graph of a batched product is the two inputs and one matmul node, at this line.
    let a = input(&[2, 3, 4], DType::F32, 1);
    let b = input(&[2, 4, 5], DType::F32, 2);
    let text = einsum("bij,bjk->bik", &[&a, &b]).explain();
    let line = line!() - 1;
    assert_eq!(text.matches("= matmul(").count(), 1, "{text}");
    assert!(text.contains(&format!("tests/einsum.rs:{line}")), "{text}");
    // Two contracted axes are merged into one k.
    let (c, d) = (a.reshape([3, 2, 4]), b.reshape([2, 4, 5]));
    let text = einsum("ijk,jkl->il", &[&c, &d]).explain();
    assert_eq!(text.matches("= matmul(").count(), 1, "{text}");
}
