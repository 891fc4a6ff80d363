//! Joining, splitting and rearranging (crates/numcrane/src/manip.rs) against naive
//! expectations written here (index arithmetic over row-major values), on every backend:
//! concatenate / stack and its forms, split / array_split / vsplit / hsplit, tile, repeat,
//! roll, rot90, fliplr, flipud. Views and empty arrays as inputs, every dtype class, dtype
//! promotion, and the errors NumPy raises (which must be errors at evaluation, at the
//! caller's line, never panics). NumPy's own answers are in the golden files
//! (tests/numpy/gen_golden.py, family `manip`).

mod common;

use common::input;
use numcrane::{
    array_split, column_stack, concatenate, concatenate_flat, dstack, fliplr, flipud, hsplit,
    hstack, repeat, roll, roll_axes, rot90, row_stack, s, split, stack, tile, vsplit, vstack,
    Array, Backend, DType,
};

const BACKENDS: [Backend; 4] = [
    Backend::Eval,
    Backend::Jit,
    Backend::Interpret,
    Backend::Unfused,
];

const DTYPES: [DType; 6] = [
    DType::Bool,
    DType::I8,
    DType::I64,
    DType::U8,
    DType::F32,
    DType::F64,
];

/// A naive array: shape and row-major f64 values.
#[derive(Clone, Debug, PartialEq)]
struct Nd {
    shape: Vec<usize>,
    v: Vec<f64>,
}

impl Nd {
    fn of(a: &Array) -> Nd {
        let v = a
            .astype(DType::F64)
            .eval_with(Backend::Eval)
            .unwrap()
            .to_vec::<f64>()
            .unwrap();
        Nd {
            shape: a.shape().to_vec(),
            v,
        }
    }

    /// The array of `shape` whose element at `idx` is `f(idx)`.
    fn build(shape: &[usize], f: impl Fn(&[usize]) -> f64) -> Nd {
        let n: usize = shape.iter().product();
        let mut idx = vec![0; shape.len()];
        let v = (0..n)
            .map(|flat| {
                let mut r = flat;
                for d in (0..shape.len()).rev() {
                    idx[d] = r % shape[d];
                    r /= shape[d];
                }
                f(&idx)
            })
            .collect();
        Nd {
            shape: shape.to_vec(),
            v,
        }
    }

    fn at(&self, idx: &[usize]) -> f64 {
        let mut off = 0;
        for (&i, &s) in idx.iter().zip(&self.shape) {
            assert!(i < s);
            off = off * s + i;
        }
        self.v[off]
    }
}

/// Evaluates `make()` on every backend and checks it against `want` (and the dtype).
fn check(name: &str, want: &Nd, dtype: DType, make: impl Fn() -> Array) {
    for b in BACKENDS {
        let got = make();
        assert_eq!(got.dtype(), dtype, "{name} [{b:?}] dtype");
        assert_eq!(got.shape(), &want.shape[..], "{name} [{b:?}] shape");
        let got = got
            .eval_with(b)
            .unwrap_or_else(|e| panic!("{name} [{b:?}]: {e}"));
        let v = got
            .astype(DType::F64)
            .eval()
            .unwrap()
            .to_vec::<f64>()
            .unwrap();
        assert_eq!(v, want.v, "{name} [{b:?}] values");
    }
}

/// Naive concatenation along `axis`.
fn naive_concat(parts: &[Nd], axis: usize) -> Nd {
    let mut shape = parts[0].shape.clone();
    shape[axis] = parts.iter().map(|p| p.shape[axis]).sum();
    Nd::build(&shape, |idx| {
        let mut i = idx[axis];
        for p in parts {
            if i < p.shape[axis] {
                let mut j = idx.to_vec();
                j[axis] = i;
                return p.at(&j);
            }
            i -= p.shape[axis];
        }
        unreachable!()
    })
}

fn expect_error(name: &str, a: &Array, needle: &str) {
    let e = a
        .eval()
        .err()
        .unwrap_or_else(|| panic!("{name}: expected an error"));
    let text = e.to_string();
    assert!(text.contains(needle), "{name}: {text}");
    assert!(
        text.contains("manip.rs"),
        "{name}: not at the caller's line: {text}"
    );
}

#[test]
fn concatenate_every_axis_dtype_and_backend() {
    for dt in DTYPES {
        for (shapes, axis) in [
            (vec![vec![2, 3], vec![4, 3]], 0isize),
            (vec![vec![2, 3], vec![2, 1], vec![2, 5]], 1),
            (vec![vec![2, 3, 4], vec![2, 2, 4]], -2),
            (vec![vec![3], vec![0], vec![2]], 0),
            (vec![vec![0, 3], vec![0, 3]], 0),
            (vec![vec![2, 0], vec![2, 3]], 1),
            (vec![vec![5]], 0),
        ] {
            let arrays: Vec<Array> = shapes
                .iter()
                .enumerate()
                .map(|(i, s)| input(s, dt, i as u64 + 1))
                .collect();
            let refs: Vec<&Array> = arrays.iter().collect();
            let nd = shapes[0].len() as isize;
            let ax = if axis < 0 { axis + nd } else { axis } as usize;
            let want = naive_concat(&arrays.iter().map(Nd::of).collect::<Vec<_>>(), ax);
            check(
                &format!("concatenate {dt} {shapes:?} axis {axis}"),
                &want,
                dt,
                || concatenate(&refs, axis),
            );
        }
    }
}

#[test]
fn concatenate_views_and_fused_producers() {
    let a = input(&[4, 5], DType::F64, 1);
    let b = input(&[5, 4], DType::F64, 2);
    let parts = || {
        [
            a.slice(s![1..;2, ..;-1]),
            b.T().slice(s![.., 1..3]).T().T(),
            (&a * 2.0 + 1.0).slice(s![..1, ..]),
        ]
    };
    let naive: Vec<Nd> = parts().iter().map(Nd::of).collect();
    let p = parts();
    assert_eq!(p[1].shape(), &[4, 2]);
    let want = naive_concat(&[naive[0].clone(), naive[2].clone()], 0);
    check("concatenate views", &want, DType::F64, || {
        let p = parts();
        concatenate(&[&p[0], &p[2]], 0)
    });
    // A concatenation feeding element-wise work and a reduction.
    let want_sum: f64 = want.v.iter().map(|x| x * 3.0).sum();
    for bk in BACKENDS {
        let p = parts();
        let c = concatenate(&[&p[0], &p[2]], 0) * 3.0;
        let s = c
            .sum(Option::<i32>::None)
            .eval_with(bk)
            .unwrap()
            .to_vec::<f64>()
            .unwrap()[0];
        assert!((s - want_sum).abs() < 1e-9, "{bk:?}: {s} vs {want_sum}");
    }
}

#[test]
fn concatenate_promotes_and_flattens() {
    let a = input(&[2, 2], DType::I8, 1);
    let b = input(&[1, 2], DType::U8, 2);
    let c = input(&[3, 2], DType::F32, 3);
    let want = naive_concat(&[Nd::of(&a), Nd::of(&b)], 0);
    check("i8 + u8", &want, DType::I16, || concatenate(&[&a, &b], 0));
    let want = naive_concat(&[Nd::of(&a), Nd::of(&b), Nd::of(&c)], 0);
    check("i8 + u8 + f32", &want, DType::F32, || {
        concatenate(&[&a, &b, &c], 0)
    });
    let bools = input(&[3], DType::Bool, 4);
    let want = naive_concat(&[Nd::of(&bools), Nd::of(&input(&[2], DType::I64, 5))], 0);
    check("bool + i64", &want, DType::I64, || {
        concatenate(&[&bools, &input(&[2], DType::I64, 5)], 0)
    });
    // axis=None: any shapes, 0-d included.
    let z = numcrane::array(7.5f64);
    let mut v = Nd::of(&a).v;
    v.extend(Nd::of(&c).v);
    v.push(7.5);
    let want = Nd {
        shape: vec![v.len()],
        v,
    };
    check("concatenate_flat", &want, DType::F64, || {
        concatenate_flat(&[&a, &c.astype(DType::F64), &z])
    });
}

#[test]
fn concatenate_errors() {
    let a = input(&[2, 3], DType::F64, 1);
    let b = input(&[2, 4], DType::F64, 2);
    let v = input(&[3], DType::F64, 3);
    let z = numcrane::array(1.0f64);
    expect_error("mismatch", &concatenate(&[&a, &b], 0), "along dimension 1");
    expect_error("mismatch shapes", &concatenate(&[&a, &b], 0), "[2, 4]");
    expect_error(
        "ndim",
        &concatenate(&[&a, &v], 0),
        "same number of dimensions",
    );
    expect_error("axis", &concatenate(&[&a, &b], 2), "out of bounds");
    expect_error("axis neg", &concatenate(&[&a, &b], -3), "out of bounds");
    expect_error("empty", &concatenate(&[], 0), "at least one array");
    expect_error("0-d", &concatenate(&[&z, &z], 0), "zero-dimensional");
    expect_error("flat empty", &concatenate_flat(&[]), "at least one array");
    expect_error("stack shapes", &stack(&[&a, &b], 0), "same shape");
    expect_error("stack axis", &stack(&[&a, &a], 3), "out of bounds");
    expect_error("stack empty", &stack(&[], 0), "at least one array");
    expect_error(
        "vstack",
        &vstack(&[&a, &input(&[4], DType::F64, 4)]),
        "along dimension 1",
    );
    expect_error("hstack", &hstack(&[&a, &v]), "same number of dimensions");
    // A poisoned input poisons the result.
    let bad = concatenate(&[&a, &b], 0);
    assert!(concatenate(&[&bad, &a], 1).eval().is_err());
}

#[test]
fn stack_forms() {
    for dt in [DType::Bool, DType::I32, DType::F64] {
        let a = input(&[2, 3], dt, 1);
        let b = input(&[2, 3], dt, 2);
        let (na, nb) = (Nd::of(&a), Nd::of(&b));
        for axis in [0isize, 1, 2, -1, -3] {
            let ax = if axis < 0 { axis + 3 } else { axis } as usize;
            let want = Nd::build(
                &{
                    let mut s = vec![2, 3];
                    s.insert(ax, 2);
                    s
                },
                |idx| {
                    let mut j = idx.to_vec();
                    let which = j.remove(ax);
                    [&na, &nb][which].at(&j)
                },
            );
            check(&format!("stack {dt} {axis}"), &want, dt, || {
                stack(&[&a, &b], axis)
            });
        }
        // vstack / row_stack of 1-D rows, hstack of 1-D, dstack, column_stack.
        let r = input(&[3], dt, 3);
        let nr = Nd::of(&r);
        let row = Nd {
            shape: vec![1, 3],
            v: nr.v.clone(),
        };
        let want = naive_concat(&[na.clone(), row.clone(), nb.clone()], 0);
        check("vstack", &want, dt, || vstack(&[&a, &r, &b]));
        check("row_stack", &want, dt, || row_stack(&[&a, &r, &b]));
        let want = Nd {
            shape: vec![6],
            v: [nr.v.clone(), nr.v.clone()].concat(),
        };
        check("hstack 1-d", &want, dt, || hstack(&[&r, &r]));
        let want = naive_concat(&[na.clone(), nb.clone()], 1);
        check("hstack 2-d", &want, dt, || hstack(&[&a, &b]));
        let want = Nd::build(&[2, 3, 2], |i| [&na, &nb][i[2]].at(&i[..2]));
        check("dstack", &want, dt, || dstack(&[&a, &b]));
        let want = Nd::build(&[1, 3, 2], |i| nr.at(&[i[1]]));
        check("dstack 1-d", &want, dt, || dstack(&[&r, &r]));
        let c = input(&[3, 2], dt, 4);
        let nc = Nd::of(&c);
        let want = Nd::build(&[3, 4], |i| match i[1] {
            0 => nr.at(&[i[0]]),
            1 | 2 => nc.at(&[i[0], i[1] - 1]),
            _ => nr.at(&[i[0]]),
        });
        check("column_stack", &want, dt, || column_stack(&[&r, &c, &r]));
    }
}

/// Checks split-like results: each piece's shape and values, as views of `a`.
fn check_pieces(name: &str, a: &Array, axis: usize, bounds: &[(usize, usize)], got: Vec<Array>) {
    let na = Nd::of(a);
    assert_eq!(got.len(), bounds.len(), "{name}: number of pieces");
    for (k, (&(start, len), piece)) in bounds.iter().zip(&got).enumerate() {
        let mut shape = na.shape.clone();
        shape[axis] = len;
        let want = Nd::build(&shape, |idx| {
            let mut j = idx.to_vec();
            j[axis] += start;
            na.at(&j)
        });
        for b in BACKENDS {
            // The pieces are views: evaluating one again on another backend is the same data.
            let p = piece
                .eval_with(b)
                .unwrap_or_else(|e| panic!("{name} {k}: {e}"));
            assert_eq!(p.shape(), &shape[..], "{name} piece {k} shape");
            assert_eq!(Nd::of(&p), want, "{name} piece {k} [{b:?}]");
        }
    }
}

#[test]
fn splits() {
    for dt in DTYPES {
        let a = input(&[6, 4], dt, 1);
        check_pieces("split 3", &a, 0, &[(0, 2), (2, 2), (4, 2)], split(&a, 3, 0));
        check_pieces(
            "split 2 axis -1",
            &a,
            1,
            &[(0, 2), (2, 2)],
            split(&a, 2, -1),
        );
        check_pieces(
            "split indices",
            &a,
            0,
            &[(0, 1), (1, 3), (4, 2)],
            split(&a, [1, 4], 0),
        );
        check_pieces(
            "split odd indices",
            &a,
            0,
            &[(0, 3), (3, 0), (1, 4), (5, 1), (6, 0)],
            split(&a, vec![3, 1, -1, 10], 0),
        );
        check_pieces(
            "array_split",
            &a,
            1,
            &[(0, 2), (2, 1), (3, 1)],
            array_split(&a, 3, 1),
        );
        check_pieces("vsplit", &a, 0, &[(0, 3), (3, 3)], vsplit(&a, 2));
        check_pieces("hsplit", &a, 1, &[(0, 1), (1, 3)], hsplit(&a, [1usize]));
        let v = input(&[5], dt, 2);
        check_pieces("hsplit 1-d", &v, 0, &[(0, 2), (2, 3)], hsplit(&v, [2]));
        check_pieces(
            "array_split more sections than elements",
            &v,
            0,
            &[(0, 1), (1, 1), (2, 1), (3, 1), (4, 1), (5, 0), (5, 0)],
            array_split(&v, 7, 0),
        );
    }
    // A view as input, and an empty axis.
    let a = input(&[4, 6], DType::F32, 3).T().slice(s![..;-1, ..]);
    check_pieces("split of a view", &a, 0, &[(0, 3), (3, 3)], split(&a, 2, 0));
    let e = input(&[0, 3], DType::I32, 1);
    check_pieces("split empty", &e, 0, &[(0, 0), (0, 0)], split(&e, 2, 0));
}

#[test]
fn split_errors() {
    let a = input(&[5, 4], DType::F64, 1);
    let uneven = split(&a, 2, 0);
    assert_eq!(uneven.len(), 2);
    for p in &uneven {
        expect_error("uneven", p, "equal division");
    }
    expect_error("uneven shape", &split(&a, 2, 0)[0], "[5, 4]");
    expect_error("zero", &split(&a, 0, 0)[0], "larger than 0");
    expect_error(
        "zero array_split",
        &array_split(&a, 0, 0)[0],
        "larger than 0",
    );
    expect_error("axis", &split(&a, 1, 2)[0], "out of bounds");
    expect_error(
        "vsplit 1-d",
        &vsplit(&input(&[4], DType::F64, 1), 2)[0],
        "2 or more",
    );
    expect_error(
        "hsplit 0-d",
        &hsplit(&numcrane::array(1.0f64), 1)[0],
        "1 or more",
    );
    expect_error(
        "split 0-d",
        &split(&numcrane::array(1.0f64), 1, 0)[0],
        "zero-dimensional",
    );
}

#[test]
fn tile_and_repeat() {
    for dt in DTYPES {
        for (shape, reps) in [
            (vec![3], vec![2]),
            (vec![2, 3], vec![2, 1]),
            (vec![2, 3], vec![3]),
            (vec![3], vec![2, 2]),
            (vec![2, 1, 3], vec![1, 4, 1]),
            (vec![2, 3], vec![0, 2]),
            (vec![0, 3], vec![2, 2]),
            (vec![], vec![3]),
        ] {
            let a = input(&shape, dt, 1);
            let na = Nd::of(&a);
            let nd = shape.len().max(reps.len());
            let mut s = vec![1; nd - shape.len()];
            s.extend(&shape);
            let mut r = vec![1; nd - reps.len()];
            r.extend(&reps);
            let out: Vec<usize> = s.iter().zip(&r).map(|(a, b)| a * b).collect();
            let want = Nd::build(&out, |idx| {
                let j: Vec<usize> = idx[nd - shape.len()..]
                    .iter()
                    .zip(&shape)
                    .map(|(&i, &n)| i % n)
                    .collect();
                na.at(&j)
            });
            check(&format!("tile {dt} {shape:?} {reps:?}"), &want, dt, || {
                tile(&a, &reps)
            });
        }
        let a = input(&[2, 3], dt, 2);
        let na = Nd::of(&a);
        // repeat with one count along each axis, and flattened.
        for axis in [Some(0isize), Some(1), Some(-1), None] {
            for r in [0usize, 1, 3] {
                let (src, ax) = match axis {
                    None => (
                        Nd {
                            shape: vec![6],
                            v: na.v.clone(),
                        },
                        0,
                    ),
                    Some(x) => (na.clone(), x.rem_euclid(2) as usize),
                };
                let mut shape = src.shape.clone();
                shape[ax] *= r;
                let want = Nd::build(&shape, |idx| {
                    let mut j = idx.to_vec();
                    j[ax] /= r;
                    src.at(&j)
                });
                check(&format!("repeat {dt} {r} {axis:?}"), &want, dt, || {
                    repeat(&a, r, axis)
                });
            }
        }
        // per-element counts
        let counts = [2usize, 0, 0, 3];
        let b = input(&[3, 4], dt, 3).T(); // a view: [4, 3]
        let nb = Nd::of(&b);
        let map: Vec<usize> = counts
            .iter()
            .enumerate()
            .flat_map(|(i, &c)| std::iter::repeat_n(i, c))
            .collect();
        let want = Nd::build(&[map.len(), 3], |idx| nb.at(&[map[idx[0]], idx[1]]));
        check(&format!("repeat counts {dt}"), &want, dt, || {
            repeat(&b, counts, Some(0))
        });
        let want = Nd::build(&[0, 3], |_| 0.0);
        check("repeat all zero", &want, dt, || {
            repeat(&b, [0, 0, 0, 0], Some(0))
        });
        let want = Nd::build(&[4, 6], |idx| nb.at(&[idx[0], idx[1] / 2]));
        check("repeat single count list", &want, dt, || {
            repeat(&b, vec![2], Some(1))
        });
    }
    let a = input(&[2, 3], DType::F64, 1);
    expect_error("repeat counts", &repeat(&a, [1, 2], Some(1)), "broadcast");
    expect_error("repeat negative", &repeat(&a, -1, None), "negative");
    expect_error("repeat axis", &repeat(&a, 2, Some(2)), "out of bounds");
}

#[test]
fn roll_rot90_flips() {
    for dt in DTYPES {
        let a = input(&[3, 4], dt, 1);
        let na = Nd::of(&a);
        for shift in [0isize, 1, -1, 5, -9, 12] {
            for axis in [0usize, 1] {
                let n = na.shape[axis] as isize;
                let want = Nd::build(&na.shape, |idx| {
                    let mut j = idx.to_vec();
                    j[axis] = (idx[axis] as isize - shift).rem_euclid(n) as usize;
                    na.at(&j)
                });
                check(&format!("roll {dt} {shift} {axis}"), &want, dt, || {
                    roll(&a, shift, Some(axis as isize))
                });
            }
            let want = Nd::build(&na.shape, |idx| {
                let flat = (idx[0] * 4 + idx[1]) as isize;
                na.v[(flat - shift).rem_euclid(12) as usize]
            });
            check(&format!("roll flat {dt} {shift}"), &want, dt, || {
                roll(&a, shift, None)
            });
        }
        let want = Nd::build(&na.shape, |idx| {
            na.at(&[(idx[0] + 3 - 1) % 3, (idx[1] + 4 + 2) % 4])
        });
        check("roll_axes", &want, dt, || roll_axes(&a, &[1, -2], &[0, 1]));
        // rot90 of [3, 4]: k = 1 is out[i][j] = a[j][n - 1 - i].
        let (m, n) = (3, 4);
        let rots = [
            Nd::build(&[3, 4], |i| na.at(i)),
            Nd::build(&[4, 3], |i| na.at(&[i[1], n - 1 - i[0]])),
            Nd::build(&[3, 4], |i| na.at(&[m - 1 - i[0], n - 1 - i[1]])),
            Nd::build(&[4, 3], |i| na.at(&[m - 1 - i[1], i[0]])),
        ];
        for k in [-5isize, -1, 0, 1, 2, 3, 4, 6] {
            let want = &rots[k.rem_euclid(4) as usize];
            check(&format!("rot90 {dt} {k}"), want, dt, || {
                rot90(&a, k, [0, 1])
            });
            // rotating the other way round is the inverse
            let back = &rots[(-k).rem_euclid(4) as usize];
            check(&format!("rot90 {dt} {k} axes [1, 0]"), back, dt, || {
                rot90(&a, k, [1, 0])
            });
        }
        let want = Nd::build(&[3, 4], |i| na.at(&[i[0], n - 1 - i[1]]));
        check("fliplr", &want, dt, || fliplr(&a));
        let want = Nd::build(&[3, 4], |i| na.at(&[m - 1 - i[0], i[1]]));
        check("flipud", &want, dt, || flipud(&a));
    }
    // 3-D rot90 in the plane of the last two axes; a view input; empty arrays.
    let a = input(&[2, 3, 4], DType::F64, 2).slice(s![.., .., ..;-1]);
    let na = Nd::of(&a);
    let want = Nd::build(&[2, 4, 3], |i| na.at(&[i[0], i[2], 3 - i[1]]));
    check("rot90 3-d", &want, DType::F64, || rot90(&a, 1, [1, 2]));
    let e = input(&[0, 3], DType::I64, 1);
    check("roll empty", &Nd::of(&e), DType::I64, || {
        roll(&e, 2, Some(0))
    });
    check("roll empty flat", &Nd::of(&e), DType::I64, || {
        roll(&e, 2, None)
    });
    let a = input(&[3], DType::F64, 1);
    expect_error("rot90 1-d", &rot90(&a, 1, [0, 1]), "Axes must be different");
    expect_error(
        "rot90 same",
        &rot90(&input(&[2, 2], DType::F64, 1), 1, [1, 1]),
        "different",
    );
    expect_error(
        "rot90 axis",
        &rot90(&input(&[2, 2], DType::F64, 1), 1, [0, 3]),
        "out of bounds",
    );
    expect_error("fliplr 1-d", &fliplr(&a), ">= 2-d");
    expect_error("flipud 0-d", &flipud(&numcrane::array(1.0f64)), ">= 1-d");
    expect_error("roll axis", &roll(&a, 1, Some(1)), "out of bounds");
    expect_error(
        "roll_axes",
        &roll_axes(&a, &[1, 2], &[0, 0, 0]),
        "shape mismatch",
    );
}

#[test]
fn results_are_lazy_and_views_where_documented() {
    let a = input(&[4, 6], DType::F64, 1);
    // splits, flips and rot90 are views: no Concat node anywhere in their graph.
    for v in split(&a, 2, 1)
        .into_iter()
        .chain([fliplr(&a), flipud(&a), rot90(&a, 1, [0, 1])])
    {
        assert!(!v.explain().contains("concatenate"), "{}", v.explain());
    }
    let c = concatenate(&[&a, &a], 0);
    assert!(
        c.explain().contains("concatenate axis=0"),
        "{}",
        c.explain()
    );
}
