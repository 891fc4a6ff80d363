//! Bad input: every kind of user mistake gives the right `numcrane::Error` variant, naming the
//! operation, the shapes or dtypes involved, and the line of *this* file that built the bad
//! node (captured with `#[track_caller]`); value-dependent cases follow NumPy (empty sums are
//! the identity, integer division by zero is 0); and nothing panics.
//!
//! Each failing call is written on the same line as `line!()` so the test can check the exact
//! `file:line:` the error reports.

#![allow(clippy::reversed_empty_ranges)] // NumPy slices such as `5..1;-1` walk backwards
#![allow(clippy::modulo_one)] // `x % -1` is exactly what is tested

use numcrane::{
    arange, array, eval_all, eye_k, full, linspace, ones, power, remainder, s, where_, zeros,
    Array, DType, Ellipsis, Error, NewAxis,
};

const FILE: &str = file!();

/// The error `a` was built with; `eval` must return the same one.
#[track_caller]
fn build_error(a: &Array) -> Error {
    let built = a
        .error()
        .cloned()
        .unwrap_or_else(|| panic!("expected a build error, got none (shape {:?})", a.shape()));
    let evaluated = a.eval().expect_err("eval of a poisoned array must fail");
    assert_eq!(
        built, evaluated,
        "eval returned another error than the one built"
    );
    built
}

/// The error evaluating `a` gives (it may be found at build time or while evaluating).
#[track_caller]
fn eval_error(a: &Array) -> Error {
    a.eval().expect_err("expected an error from eval")
}

/// The message names `file:line:` of the user's call and every needle. `line` is the
/// `line!()` written beside the call; rustfmt may break a long call over a few lines, so the
/// reported line may be up to 5 lines away from it (helpers of this file are farther away).
#[track_caller]
fn check_message(err: &Error, line: u32, needles: &[&str]) {
    let msg = err.to_string();
    let prefix = format!("{FILE}:");
    let reported: Option<u32> = msg.find(&prefix).and_then(|at| {
        let rest = &msg[at + prefix.len()..];
        let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
        digits.parse().ok()
    });
    match reported {
        Some(l) if l.abs_diff(line) <= 5 => {}
        _ => panic!("message {msg:?} does not name the caller's location {FILE}:{line}"),
    }
    for n in needles {
        assert!(msg.contains(n), "message {msg:?} does not contain {n:?}");
    }
}

// ------------------------------------------------------------------------------------------
// Shapes
// ------------------------------------------------------------------------------------------

#[test]
fn shape_mismatch_in_binary_ops() {
    let a = array([1.0, 2.0, 3.0]);
    let b = zeros([4], DType::F64);
    let m23 = zeros([2, 3], DType::F32);
    let m32 = zeros([3, 2], DType::F32);

    type Case = (Array, u32, &'static str, Vec<usize>, Vec<usize>);
    let cases: Vec<Case> = vec![
        (&a + &b, line!(), "add", vec![3], vec![4]),
        (&b - &a, line!(), "subtract", vec![4], vec![3]),
        (&m23 * &m32, line!(), "multiply", vec![2, 3], vec![3, 2]),
        (
            &m23 / &a.reshape([3, 1]),
            line!(),
            "true_divide",
            vec![2, 3],
            vec![3, 1],
        ),
        (
            numcrane::subtract(&m32, &m23),
            line!(),
            "subtract",
            vec![3, 2],
            vec![2, 3],
        ),
        (
            m23.maximum(&m32),
            line!(),
            "maximum",
            vec![2, 3],
            vec![3, 2],
        ),
        (a.lt(&b), line!(), "less", vec![3], vec![4]),
        (power(&a, &b), line!(), "power", vec![3], vec![4]),
    ];
    for (r, line, op, lhs, rhs) in cases {
        let e = build_error(&r);
        match &e {
            Error::ShapeMismatch {
                op: o,
                lhs: l,
                rhs: rr,
                ..
            } => {
                assert_eq!(*o, op);
                assert_eq!(l.0, lhs);
                assert_eq!(rr.0, rhs);
            }
            other => panic!("{op}: expected ShapeMismatch, got {other:?}"),
        }
        let (ls, rs) = (e_shape(&lhs).to_string(), e_shape(&rhs).to_string());
        check_message(&e, line, &[op, &ls, &rs]);
    }
}

/// NumPy's way of printing a shape, as the messages do.
fn e_shape(s: &[usize]) -> String {
    match s {
        [one] => format!("({one},)"),
        dims => format!(
            "({})",
            dims.iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

#[test]
fn shape_mismatch_in_where() {
    let cond = array([true, false]);
    let x = zeros([3], DType::F64);
    let y = zeros([4], DType::F64);
    let (r, line) = (where_(&cond, &x, &y), line!());
    let e = build_error(&r);
    // where_ has three operands, which ShapeMismatch (two shapes) cannot hold.
    assert!(
        matches!(e, Error::InvalidArgument { op: "where", .. }),
        "{e:?}"
    );
    check_message(&e, line, &["where", "[2]", "[3]", "[4]"]);

    // Condition fine, values clash; a scalar operand is fine anywhere.
    let (r, line) = (where_(x.gt(0.0), &x, &y), line!());
    let e = build_error(&r);
    assert!(
        matches!(e, Error::InvalidArgument { op: "where", .. }),
        "{e:?}"
    );
    check_message(&e, line, &["where", "[3]", "[4]"]);
    assert!(where_(&cond, 1.0, x.slice(s![..2])).error().is_none());
}

#[test]
fn bad_reshape() {
    let a = arange(0, 6, 1);
    let cases: Vec<(Array, u32, &str)> = vec![
        (a.reshape([4, -1]), line!(), "[4, -1]"),
        (a.reshape([4]), line!(), "[4]"),
        (a.reshape([-1, -1]), line!(), "[-1, -1]"),
        (a.reshape([-2, -3]), line!(), "[-2, -3]"),
        (a.reshape([7, 0, -1]), line!(), "[7, 0, -1]"),
        (
            a.reshape([isize::MIN, 2]),
            line!(),
            "[-9223372036854775808, 2]",
        ),
    ];
    for (r, line, to) in cases {
        let e = build_error(&r);
        match &e {
            Error::BadReshape {
                op: "reshape",
                from,
                to: t,
                ..
            } => {
                assert_eq!(from.0, vec![6]);
                assert_eq!(t, to);
            }
            other => panic!("expected BadReshape for {to}, got {other:?}"),
        }
        check_message(&e, line, &["reshape", "(6,)", to]);
    }
    // Size 0 with -1 next to a 0 is ambiguous (NumPy raises); next to a nonzero it is not.
    let z = zeros([0, 3], DType::F64);
    let (r, line) = (z.reshape([-1, 0]), line!());
    let e = build_error(&r);
    assert!(
        matches!(e, Error::BadReshape { op: "reshape", .. }),
        "{e:?}"
    );
    check_message(&e, line, &["reshape", "(0, 3)"]);
    assert_eq!(z.reshape([5, -1]).shape(), &[5, 0]);

    // broadcast_to a shape the array cannot broadcast to.
    let (r, line) = (a.broadcast_to(&[2, 4]), line!());
    let e = build_error(&r);
    assert!(
        matches!(
            e,
            Error::BadReshape {
                op: "broadcast_to",
                ..
            }
        ),
        "{e:?}"
    );
    check_message(&e, line, &["broadcast_to", "(6,)", "[2, 4]"]);
    let (r, line) = (a.reshape([2, 3]).broadcast_to(&[3]), line!());
    let e = build_error(&r);
    assert!(
        matches!(
            e,
            Error::BadReshape {
                op: "broadcast_to",
                ..
            }
        ),
        "{e:?}"
    );
    check_message(&e, line, &["broadcast_to", "(2, 3)"]);
}

#[track_caller]
fn expect_axis_error(r: &Array, line: u32, op: &str, axis: isize, ndim: usize) {
    let e = build_error(r);
    match &e {
        Error::AxisOutOfRange {
            op: o,
            axis: a,
            ndim: n,
            ..
        } => {
            assert_eq!((*o, *a, *n), (op, axis, ndim), "{e}");
        }
        other => panic!("{op}: expected AxisOutOfRange, got {other:?}"),
    }
    check_message(
        &e,
        line,
        &[op, &format!("axis {axis}"), &format!("dimension {ndim}")],
    );
}

#[test]
fn axis_out_of_range_in_reductions() {
    let x = zeros([2, 3], DType::F64);
    let cases: Vec<(Array, u32, &str, isize)> = vec![
        (x.sum(2), line!(), "sum", 2),
        (x.sum(-3), line!(), "sum", -3),
        (x.sum([0, 5]), line!(), "sum", 5),
        (x.sum(numcrane::keepdims(7)), line!(), "sum", 7),
        (x.prod(2), line!(), "prod", 2),
        (x.max(3), line!(), "max", 3),
        (x.min(-4), line!(), "min", -4),
        (x.any(2), line!(), "any", 2),
        (x.all(2), line!(), "all", 2),
        (x.mean(2), line!(), "mean", 2),
        (x.argmax(2), line!(), "argmax", 2),
        (x.argmin(-3), line!(), "argmin", -3),
        (x.cumsum(2), line!(), "cumsum", 2),
        (x.cumprod(-3), line!(), "cumprod", -3),
        (x.var(2), line!(), "var", 2),
    ];
    for (r, line, op, axis) in cases {
        expect_axis_error(&r, line, op, axis, 2);
    }
    // A 0-d array has no axis 0.
    let (r, line) = (Array::scalar(1.0f32).sum(0), line!());
    expect_axis_error(&r, line, "sum", 0, 0);
}

/// std's axis error names std (it is built from var internally).
#[test]
fn std_axis_error_names_std() {
    let x = zeros([2, 3], DType::F64);
    let (r, line) = (x.std(2), line!());
    expect_axis_error(&r, line, "std", 2, 2);
    let (r, line) = (x.std_ddof(-3, 1.0), line!());
    expect_axis_error(&r, line, "std", -3, 2);
}

#[test]
fn axis_out_of_range_in_views() {
    let v = arange(0, 3, 1);
    let m = zeros([2, 1], DType::I32);
    let cases: Vec<(Array, u32, &str, isize, usize)> = vec![
        (m.swapaxes(0, 2), line!(), "swapaxes", 2, 2),
        (m.swapaxes(-3, 0), line!(), "swapaxes", -3, 2),
        (m.moveaxis(2, 0), line!(), "moveaxis", 2, 2),
        (m.moveaxis(0, -3), line!(), "moveaxis", -3, 2),
        // expand_dims counts the axes of the result, as NumPy.
        (v.expand_dims(2), line!(), "expand_dims", 2, 2),
        (v.expand_dims(-3), line!(), "expand_dims", -3, 2),
        (v.flip(1), line!(), "flip", 1, 1),
        (v.flip(-2), line!(), "flip", -2, 1),
        (m.squeeze_axis(2), line!(), "squeeze", 2, 2),
        (m.squeeze_axis(-3), line!(), "squeeze", -3, 2),
        (m.permute(&[0, 2]), line!(), "transpose", 2, 2),
        (m.permute(&[-3, 0]), line!(), "transpose", -3, 2),
    ];
    for (r, line, op, axis, ndim) in cases {
        expect_axis_error(&r, line, op, axis, ndim);
    }
    // Related invalid arguments: repeated or missing axes, squeezing a non-unit axis.
    for (r, line, op, needle) in [
        (m.permute(&[0, 0]), line!(), "transpose", "repeated axis"),
        (m.permute(&[0]), line!(), "transpose", "[0]"),
        (
            m.squeeze_axis(0),
            line!(),
            "squeeze",
            "size not equal to one",
        ),
        (m.sum([1, -1]), line!(), "sum", "duplicate"),
        (v.diagonal(0), line!(), "diagonal", "two dimensions"),
    ] {
        let e = build_error(&r);
        assert!(matches!(e, Error::InvalidArgument { .. }), "{e:?}");
        assert_eq!(e.op(), op);
        check_message(&e, line, &[op, needle]);
    }
    // Valid neighbours of the bad cases work.
    assert_eq!(v.expand_dims(1).shape(), &[3, 1]);
    assert_eq!(v.expand_dims(-2).shape(), &[1, 3]);
    assert_eq!(m.squeeze_axis(-1).shape(), &[2]);
}

// ------------------------------------------------------------------------------------------
// Indexing
// ------------------------------------------------------------------------------------------

#[test]
fn index_out_of_range_in_slice() {
    let v = arange(0, 5, 1);
    let m = zeros([3, 4], DType::F32);
    let cases: Vec<(Array, u32, isize, usize, usize)> = vec![
        (v.slice(s![5]), line!(), 5, 0, 5),
        (v.slice(s![-6]), line!(), -6, 0, 5),
        (v.slice(s![isize::MAX]), line!(), isize::MAX, 0, 5),
        (v.slice(s![isize::MIN]), line!(), isize::MIN, 0, 5),
        (m.slice(s![.., 4]), line!(), 4, 1, 4),
        (m.slice(s![-4, 0]), line!(), -4, 0, 3),
        (m.slice(s![Ellipsis, -5]), line!(), -5, 1, 4),
        (m.slice(s![NewAxis, 1, 9]), line!(), 9, 1, 4),
    ];
    for (r, line, index, axis, size) in cases {
        let e = build_error(&r);
        match &e {
            Error::IndexOutOfRange {
                op: "slice",
                index: i,
                axis: a,
                size: n,
                ..
            } => assert_eq!((*i, *a, *n), (index, axis, size)),
            other => panic!("expected IndexOutOfRange, got {other:?}"),
        }
        check_message(
            &e,
            line,
            &[
                "slice",
                &format!("index {index}"),
                &format!("axis {axis}"),
                &format!("size {size}"),
            ],
        );
    }
    // The last valid positions work.
    assert_eq!(v.slice(s![4]).item::<i32>().unwrap(), 4);
    assert_eq!(v.slice(s![-5]).item::<i32>().unwrap(), 0);
}

/// Bounds far outside the axis clamp as Python's slices do (`a[0:2**63]` is all of `a`,
/// `a[2**64-1:]` is empty), whatever Rust integer type writes them; no overflow.
#[test]
fn extreme_slice_bounds_clamp() {
    let v = arange(0, 5, 1);
    let all = vec![0, 1, 2, 3, 4];
    // The `s!` conversion itself may overflow, so it runs inside catch_unwind too.
    let get = |args: fn() -> Vec<numcrane::SliceArg>| {
        std::panic::catch_unwind(|| v.slice(args()).to_vec::<i32>())
            .map_err(|_| "panicked".to_string())
            .and_then(|r| r.map_err(|e| e.to_string()))
    };
    type Case = (&'static str, fn() -> Vec<numcrane::SliceArg>, Vec<i32>);
    let cases: Vec<Case> = vec![
        (
            "isize::MIN..isize::MAX",
            || s![isize::MIN..isize::MAX],
            all.clone(),
        ),
        ("..;isize::MIN", || s![..;isize::MIN], vec![4]),
        ("1..", || s![1..], vec![1, 2, 3, 4]),
        ("0..=isize::MAX", || s![0..=isize::MAX], all.clone()),
        ("..=i64::MAX", || s![..=i64::MAX], all.clone()),
        ("usize::MAX..", || s![usize::MAX..], vec![]),
        ("2^63..", || s![(1usize << 63)..], vec![]),
        ("..usize::MAX", || s![..usize::MAX], all.clone()),
        ("2..usize::MAX", || s![2..usize::MAX], vec![2, 3, 4]),
    ];
    let mut wrong = Vec::new();
    for (name, args, want) in cases {
        let got = get(args);
        if got != Ok(want.clone()) {
            wrong.push(format!("s![{name}]: got {got:?}, NumPy gives {want:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// `usize` axes and indices beyond isize::MAX must not wrap to negative values that count from
/// the end (NumPy: `a.sum(axis=2**64-1)` is an AxisError, `a[2**64-1]` an IndexError).
#[test]
fn usize_axes_and_indices_do_not_wrap() {
    let x = zeros([2, 3], DType::F64);
    let v = arange(0, 5, 1);
    let mut wrong = Vec::new();
    let cases: Vec<(&str, Array)> = vec![
        ("sum(usize::MAX)", x.sum(usize::MAX)),
        ("sum(usize::MAX - 1)", x.sum(usize::MAX - 1)),
        ("max([0usize, usize::MAX])", x.max([0usize, usize::MAX])),
        ("argmax(usize::MAX)", x.argmax(usize::MAX)),
        ("cumsum(usize::MAX)", x.cumsum(usize::MAX)),
        ("slice(s![usize::MAX])", v.slice(s![usize::MAX])),
        ("slice(s![1usize << 63])", v.slice(s![1usize << 63])),
        ("slice(s![.., usize::MAX])", x.slice(s![.., usize::MAX])),
    ];
    for (name, a) in cases {
        match a.error() {
            Some(Error::AxisOutOfRange { .. } | Error::IndexOutOfRange { .. }) => {}
            other => wrong.push(format!("{name}: shape {:?}, error {other:?}", a.shape())),
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn too_many_indices_and_bad_ellipsis() {
    let m = zeros([3, 4], DType::F32);
    for (r, line, needle) in [
        (m.slice(s![0, 0, 0]), line!(), "too many indices"),
        (m.slice(s![0, Ellipsis, 0, 0]), line!(), "too many indices"),
        (
            Array::scalar(1i32).slice(s![0]),
            line!(),
            "too many indices",
        ),
        (
            m.slice(s![Ellipsis, 0, Ellipsis]),
            line!(),
            "single ellipsis",
        ),
    ] {
        let e = build_error(&r);
        assert!(
            matches!(e, Error::InvalidArgument { op: "slice", .. }),
            "{e:?}"
        );
        check_message(&e, line, &["slice", needle]);
    }
    let (r, line) = (m.slice(s![0, 0, 0]), line!());
    check_message(&build_error(&r), line, &["2-dimensional", "3 were indexed"]);
    // New axes do not consume dimensions.
    assert_eq!(
        m.slice(s![NewAxis, 0, NewAxis, 0, NewAxis]).shape(),
        &[1, 1, 1]
    );
}

#[test]
fn zero_slice_step() {
    let m = zeros([3, 4], DType::F32);
    for (r, line) in [
        (m.slice(s![..;0]), line!()),
        (m.slice(s![.., 1..3;0]), line!()),
        (m.slice(s![Ellipsis, -1..;0]), line!()),
    ] {
        let e = build_error(&r);
        assert!(
            matches!(e, Error::InvalidArgument { op: "slice", .. }),
            "{e:?}"
        );
        check_message(&e, line, &["slice", "step cannot be zero"]);
    }
}

// ------------------------------------------------------------------------------------------
// DTypes and scalars
// ------------------------------------------------------------------------------------------

#[test]
fn wrong_dtype_for_op() {
    let f = array([1.0f32, 2.0]);
    let d = array([1.0f64, 2.0]);
    let b = array([true, false]);
    let cases: Vec<(Array, u32, &str, DType)> = vec![
        (&f & &f, line!(), "bitwise_and", DType::F32),
        (&d | 1, line!(), "bitwise_or", DType::F64),
        (1 ^ &f, line!(), "bitwise_xor", DType::F32),
        (&f ^ true, line!(), "bitwise_xor", DType::F32),
        (&d << 1, line!(), "left_shift", DType::F64),
        (&f >> &f, line!(), "right_shift", DType::F32),
        (-&b, line!(), "negative", DType::Bool),
        (numcrane::negative(&b), line!(), "negative", DType::Bool),
        (&b - &b, line!(), "subtract", DType::Bool),
        (&b - true, line!(), "subtract", DType::Bool),
        (true - &b, line!(), "subtract", DType::Bool),
        (!&d, line!(), "invert", DType::F64),
        (numcrane::invert(&f), line!(), "invert", DType::F32),
        (b.sign(), line!(), "sign", DType::Bool),
        (arange(false, true, true), line!(), "arange", DType::Bool),
    ];
    for (r, line, op, dtype) in cases {
        let e = build_error(&r);
        match &e {
            Error::DTypeNotSupported {
                op: o, dtype: dt, ..
            } => assert_eq!((*o, *dt), (op, dtype)),
            other => panic!("{op}: expected DTypeNotSupported, got {other:?}"),
        }
        check_message(&e, line, &[op, dtype.name()]);
    }
    // The hints NumPy gives for bool.
    let (r, line) = (&b - &b, line!());
    check_message(&build_error(&r), line, &["bitwise_xor"]);
    let (r, line) = (-&b, line!());
    check_message(&build_error(&r), line, &["logical_not"]);
    // The same ops are fine where NumPy allows them.
    assert_eq!((!&b).to_vec::<bool>().unwrap(), vec![false, true]);
    assert_eq!((&b ^ true).to_vec::<bool>().unwrap(), vec![false, true]);
}

#[test]
fn rust_integer_out_of_range_for_array_dtype() {
    let i8s = array([1i8, -2, 3]);
    let u8s = array([1u8, 2, 3]);
    let i16s = array([1i16]);
    let cases: Vec<(Array, u32, &str, &str, DType)> = vec![
        (&i8s + 300, line!(), "add", "300", DType::I8),
        (300 + &i8s, line!(), "add", "300", DType::I8),
        (&i8s * 128, line!(), "multiply", "128", DType::I8),
        (-129i64 - &i8s, line!(), "subtract", "-129", DType::I8),
        (&u8s - -1, line!(), "subtract", "-1", DType::U8),
        (&u8s + 256u32, line!(), "add", "256", DType::U8),
        (&i16s & 70000, line!(), "bitwise_and", "70000", DType::I16),
        (i8s.maximum(1000), line!(), "maximum", "1000", DType::I8),
        (power(&u8s, 300), line!(), "power", "300", DType::U8),
        (
            &u8s + u64::MAX,
            line!(),
            "add",
            "18446744073709551615",
            DType::U8,
        ),
        (
            &array([1i64]) + u64::MAX,
            line!(),
            "add",
            "18446744073709551615",
            DType::I64,
        ),
    ];
    for (r, line, op, value, dtype) in cases {
        let e = build_error(&r);
        match &e {
            Error::ScalarOutOfRange {
                op: o,
                value: v,
                dtype: dt,
                ..
            } => assert_eq!((*o, v.as_str(), *dt), (op, value, dtype)),
            other => panic!("{op} {value}: expected ScalarOutOfRange, got {other:?}"),
        }
        check_message(&e, line, &[op, value, dtype.name()]);
    }
    // Values that fit, floats, and comparisons (NumPy 2 compares by value) are fine.
    assert_eq!((&i8s + 127).dtype(), DType::I8);
    assert_eq!((&u8s + 255).to_vec::<u8>().unwrap(), vec![0, 1, 2]);
    assert_eq!((&i8s + 300.0).dtype(), DType::F64);
    assert_eq!(i8s.lt(300).to_vec::<bool>().unwrap(), vec![true; 3]);
    assert_eq!(i8s.eq(300).to_vec::<bool>().unwrap(), vec![false; 3]);
    assert_eq!(u8s.gt(-1).to_vec::<bool>().unwrap(), vec![true; 3]);
    assert_eq!(i8s.ne(-1000).to_vec::<bool>().unwrap(), vec![true; 3]);
}

// ------------------------------------------------------------------------------------------
// Reductions over nothing
// ------------------------------------------------------------------------------------------

#[test]
fn empty_reductions_without_identity_fail() {
    let e0 = zeros([0], DType::F64);
    let e30 = zeros([3, 0], DType::I32);
    let cases: Vec<(Array, u32, &str, Vec<usize>)> = vec![
        (e0.max(..), line!(), "max", vec![0]),
        (e0.min(0), line!(), "min", vec![0]),
        (e30.max(1), line!(), "max", vec![3, 0]),
        (e30.min(..), line!(), "min", vec![3, 0]),
        (e30.max(numcrane::keepdims(1)), line!(), "max", vec![3, 0]),
        (e0.argmax(..), line!(), "argmax", vec![0]),
        (e30.argmin(1), line!(), "argmin", vec![3, 0]),
        (e30.argmax(..), line!(), "argmax", vec![3, 0]),
    ];
    for (r, line, op, shape) in cases {
        let e = build_error(&r);
        match &e {
            Error::EmptyReduction {
                op: o, shape: s, ..
            } => {
                assert_eq!((*o, &s.0), (op, &shape))
            }
            other => panic!("{op}: expected EmptyReduction, got {other:?}"),
        }
        check_message(&e, line, &[op, "zero-size", &e_shape(&shape)]);
    }
    // Reducing a nonempty axis of an empty array is fine (NumPy returns an empty result).
    let r = e30.max(0).eval().unwrap();
    assert_eq!(r.shape(), &[0]);
    assert_eq!(r.to_vec::<i32>().unwrap(), Vec::<i32>::new());
    let e03 = zeros([0, 3], DType::F32);
    assert_eq!(e03.argmax(1).eval().unwrap().shape(), &[0]);
    assert_eq!(e03.min(1).eval().unwrap().shape(), &[0]);
}

#[test]
fn empty_reductions_with_identity_give_it() {
    let f = zeros([0, 3], DType::F64);
    let i = zeros([0], DType::I8);
    let b = zeros([2, 0], DType::Bool);
    assert_eq!(f.sum(..).item::<f64>().unwrap(), 0.0);
    assert_eq!(f.prod(..).item::<f64>().unwrap(), 1.0);
    assert!(!f.any(..).item::<bool>().unwrap());
    assert!(f.all(..).item::<bool>().unwrap());
    assert_eq!(f.sum(0).to_vec::<f64>().unwrap(), vec![0.0; 3]);
    assert_eq!(f.prod(0).to_vec::<f64>().unwrap(), vec![1.0; 3]);
    assert_eq!(f.any(0).to_vec::<bool>().unwrap(), vec![false; 3]);
    assert_eq!(f.all(0).to_vec::<bool>().unwrap(), vec![true; 3]);
    assert_eq!(f.sum(1).eval().unwrap().shape(), &[0]);
    // Integer sums accumulate in int64, as NumPy's.
    let s = i.sum(..);
    assert_eq!(s.dtype(), DType::I64);
    assert_eq!(s.item::<i64>().unwrap(), 0);
    assert_eq!(i.prod(..).item::<i64>().unwrap(), 1);
    assert_eq!(b.sum(1).to_vec::<i64>().unwrap(), vec![0, 0]);
    assert_eq!(b.all(1).to_vec::<bool>().unwrap(), vec![true, true]);
    assert_eq!(b.any(1).to_vec::<bool>().unwrap(), vec![false, false]);
    // mean of nothing is NaN (NumPy warns, no error); cumsum of nothing is empty.
    assert!(f.mean(..).item::<f64>().unwrap().is_nan());
    assert_eq!(i.cumsum(..).to_vec::<i64>().unwrap(), Vec::<i64>::new());
}

/// NumPy's additive identity is +0.0: a float sum over nothing (or over negative zeros) is
/// +0.0, not -0.0 (Rust's `Iterator::sum` for floats starts from -0.0).
#[test]
fn empty_float_sum_is_positive_zero() {
    let cases: Vec<(&str, Array)> = vec![
        ("zeros([0]) f64 sum(..)", zeros([0], DType::F64).sum(..)),
        (
            "zeros([0, 3]) f32 sum(0)",
            zeros([0, 3], DType::F32).sum(0).slice(s![0]),
        ),
        ("[-0.0, -0.0] sum(..)", array([-0.0f64, -0.0]).sum(..)),
        ("[-0.0] f32 sum(..)", array([-0.0f32]).sum(..)),
    ];
    let mut wrong = Vec::new();
    for (name, a) in cases {
        let v = a.astype(DType::F64).item::<f64>().unwrap();
        if v != 0.0 || v.is_sign_negative() {
            wrong.push(format!("{name}: {v:?}, NumPy 0.0"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

// ------------------------------------------------------------------------------------------
// Reading data
// ------------------------------------------------------------------------------------------

#[test]
fn reading_with_wrong_element_type() {
    let f = array([1.0f32, 2.0]);
    let one = array([7i64]);
    let b = array([true]).eval().unwrap();
    let check = |e: Error, op: &str, actual: DType, requested: DType| {
        match &e {
            Error::WrongElementType {
                op: o,
                actual: a,
                requested: r,
                ..
            } => assert_eq!((*o, *a, *r), (op, actual, requested)),
            other => panic!("expected WrongElementType, got {other:?}"),
        }
        let msg = e.to_string();
        for n in [op, actual.name(), requested.name()] {
            assert!(msg.contains(n), "{msg:?} lacks {n:?}");
        }
    };
    check(
        f.to_vec::<f64>().unwrap_err(),
        "to_vec",
        DType::F32,
        DType::F64,
    );
    check(
        one.item::<i32>().unwrap_err(),
        "item",
        DType::I64,
        DType::I32,
    );
    check(
        b.as_slice::<u8>().unwrap_err(),
        "as_slice",
        DType::Bool,
        DType::U8,
    );
    check(
        f.iter::<i32>().unwrap_err(),
        "to_vec",
        DType::F32,
        DType::I32,
    );
    // The right type works.
    assert_eq!(f.to_vec::<f32>().unwrap(), vec![1.0, 2.0]);
    assert_eq!(one.item::<i64>().unwrap(), 7);
}

/// Every error names the user's line (DESIGN.md): reading with the wrong type too.
#[test]
fn wrong_element_type_names_the_callers_line() {
    let f = array([1.0f32, 2.0]);
    let (e, line) = (f.to_vec::<f64>().unwrap_err(), line!());
    check_message(&e, line, &["to_vec", "float32", "float64"]);
    let (e, line) = (f.slice(s![0]).item::<f64>().unwrap_err(), line!());
    check_message(&e, line, &["item", "float32", "float64"]);
}

#[test]
fn item_on_size_other_than_one() {
    let three = arange(0, 3, 1);
    let (e, line) = (three.item::<i32>().unwrap_err(), line!());
    assert!(
        matches!(e, Error::InvalidArgument { op: "item", .. }),
        "{e:?}"
    );
    check_message(&e, line, &["item", "size 3", "[3]"]);
    let empty = zeros([2, 0], DType::F64);
    let (e, line) = (empty.item::<f64>().unwrap_err(), line!());
    assert!(
        matches!(e, Error::InvalidArgument { op: "item", .. }),
        "{e:?}"
    );
    check_message(&e, line, &["item", "size 0", "[2, 0]"]);
    // Any shape of size 1 works, lazy or not.
    assert_eq!(full([1, 1, 1], 2.5f32).item::<f32>().unwrap(), 2.5);
    assert_eq!((&three.slice(s![2..]) * 2).item::<i32>().unwrap(), 4);
}

#[test]
fn as_slice_needs_realized_contiguous_data() {
    let a = array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]);
    // Not evaluated yet.
    let (lazy, line) = (&a + 1.0, line!());
    let e = lazy.as_slice::<f64>().unwrap_err();
    assert!(
        matches!(e, Error::InvalidArgument { op: "as_slice", .. }),
        "{e:?}"
    );
    check_message(&e, line, &["as_slice", "not realized"]);
    // Evaluated, but a non-contiguous view: transposed, stepped, flipped, broadcast.
    let views: Vec<(Array, u32)> = vec![
        (a.transpose(), line!()),
        (a.slice(s![.., ..;2]), line!()),
        (a.flip(1), line!()),
        (a.slice(s![.., 1]), line!()),
        (array([1.0, 2.0]).broadcast_to(&[3, 2]), line!()),
    ];
    for (v, line) in views {
        let v = v.eval().unwrap();
        let e = v.as_slice::<f64>().unwrap_err();
        assert!(
            matches!(e, Error::InvalidArgument { op: "as_slice", .. }),
            "{e:?}"
        );
        check_message(&e, line, &["as_slice", "non-contiguous"]);
        // to_vec still works on it.
        assert!(v.to_vec::<f64>().is_ok());
    }
    // Contiguous realized data works, including a contiguous sub-view.
    assert_eq!(
        a.as_slice::<f64>().unwrap(),
        &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    );
    let row = a.slice(s![1]).eval().unwrap();
    assert_eq!(row.as_slice::<f64>().unwrap(), &[4.0, 5.0, 6.0]);
}

// ------------------------------------------------------------------------------------------
// Value errors found while evaluating
// ------------------------------------------------------------------------------------------

#[test]
fn integer_power_with_negative_exponent() {
    let cases: Vec<(Array, u32)> = vec![
        (array([2i32, 3]).pow(-1), line!()),
        (power(array([2i64, 3]), array([1i64, -2])), line!()),
        (power(2, array([0i64, -1])), line!()),
        (array([2i8]).pow(array([-128i8])), line!()),
    ];
    for (r, line) in cases {
        // Value-dependent: building succeeds, evaluating fails.
        assert!(r.error().is_none(), "{:?}", r.error());
        let e = eval_error(&r);
        assert!(matches!(e, Error::Value { op: "power", .. }), "{e:?}");
        check_message(&e, line, &["power", "negative"]);
        assert!(!r.is_realized());
    }
    // Nonnegative integer exponents, unsigned types and floats are fine.
    assert_eq!(array([2i32, 3]).pow(2).to_vec::<i32>().unwrap(), vec![4, 9]);
    assert_eq!(array([2u8]).pow(7).to_vec::<u8>().unwrap(), vec![128]);
    assert_eq!(array([2.0f64]).pow(-1).to_vec::<f64>().unwrap(), vec![0.5]);
    assert_eq!(array([2i32]).pow(-1.0).to_vec::<f64>().unwrap(), vec![0.5]);
}

#[test]
fn ragged_nested_input() {
    let cases: Vec<(Array, u32)> = vec![
        (array(vec![vec![1.0, 2.0], vec![3.0]]), line!()),
        (array(vec![vec![1i32], vec![2, 3]]), line!()),
        (array(vec![Vec::<f32>::new(), vec![1.0]]), line!()),
        (
            array(vec![
                vec![vec![1u8, 2], vec![3, 4]],
                vec![vec![5, 6], vec![7]],
            ]),
            line!(),
        ),
        (
            array(vec![vec![vec![1u8, 2]], vec![vec![5, 6], vec![7, 8]]]),
            line!(),
        ),
    ];
    for (r, line) in cases {
        let e = build_error(&r);
        assert!(
            matches!(e, Error::InvalidArgument { op: "array", .. }),
            "{e:?}"
        );
        check_message(&e, line, &["array", "ragged"]);
    }
    let (r, line) = (array(vec![vec![1.0, 2.0], vec![3.0]]), line!());
    check_message(&build_error(&r), line, &["[2, 2]"]);
    // Rectangular nested data of every container works.
    let ok = array(vec![[1i16, 2], [3, 4]]);
    assert_eq!(ok.shape(), &[2, 2]);
    assert_eq!(array(&[[1u8; 3]; 2][..]).shape(), &[2, 3]);
    assert_eq!(array(Vec::<f64>::new()).shape(), &[0]);
}

#[test]
fn from_vec_length_mismatch() {
    let cases: Vec<(Array, u32, &str, &str)> = vec![
        (
            Array::from_vec(vec![1.0, 2.0, 3.0], [2, 2]),
            line!(),
            "(3,)",
            "[2, 2]",
        ),
        (Array::from_vec(vec![1i32; 7], 6), line!(), "(7,)", "[6]"),
        (Array::from_vec(Vec::<u8>::new(), []), line!(), "(0,)", "[]"),
        (
            Array::from_vec(vec![true], [usize::MAX, 2]),
            line!(),
            "(1,)",
            "18446744073709551615",
        ),
    ];
    for (r, line, from, to) in cases {
        let e = build_error(&r);
        assert!(
            matches!(e, Error::BadReshape { op: "from_vec", .. }),
            "{e:?}"
        );
        check_message(&e, line, &["from_vec", from, to]);
    }
    assert_eq!(Array::from_vec(vec![5u16], []).item::<u16>().unwrap(), 5);
}

#[test]
fn shape_product_overflow() {
    let huge = [usize::MAX, 2];
    let cases: Vec<(Array, u32, &str)> = vec![
        (zeros(huge, DType::F64), line!(), "zeros"),
        (ones(huge, DType::I8), line!(), "ones"),
        (numcrane::empty(huge, DType::Bool), line!(), "empty"),
        (full([2, usize::MAX / 2 + 1], 1.0f32), line!(), "full"),
    ];
    for (r, line, op) in cases {
        let e = build_error(&r);
        assert!(matches!(e, Error::InvalidArgument { .. }), "{e:?}");
        assert_eq!(e.op(), op);
        check_message(&e, line, &[op, "too big"]);
    }
    let (r, line) = (zeros(huge, DType::F64), line!());
    check_message(&build_error(&r), line, &["18446744073709551615"]);
    // broadcast_to a shape whose size overflows.
    let (r, line) = (array([1.0]).broadcast_to(&huge), line!());
    let e = build_error(&r);
    assert!(
        matches!(
            e,
            Error::BadReshape {
                op: "broadcast_to",
                ..
            }
        ),
        "{e:?}"
    );
    check_message(&e, line, &["broadcast_to", "18446744073709551615"]);
}

/// Two operands whose broadcast shape overflows: the error names the user's op (`add`), not
/// an internal broadcast step.
#[test]
fn too_big_broadcast_names_the_op() {
    let a = zeros([1 << 40, 1], DType::F32);
    let b = zeros([1, 1 << 40], DType::F32);
    let (r, line) = (&a + &b, line!());
    let e = build_error(&r);
    assert!(matches!(e, Error::InvalidArgument { .. }), "{e:?}");
    check_message(&e, line, &["too big"]);
    assert_eq!(e.op(), "add", "{e}");
}

/// Sizes that fit usize but whose bytes cannot be allocated (beyond the address space):
/// evaluating gives `Error::OutOfMemory`, never an abort. An allocation failure aborts the
/// process, which no catch_unwind can stop, so each case runs in a child process.
#[test]
fn huge_allocations_are_errors_not_aborts() {
    type Case = (&'static str, fn() -> Array);
    let cases: Vec<Case> = vec![
        ("zeros(2^60 int8).copy()", || {
            zeros([1usize << 60], DType::I8).copy()
        }),
        ("zeros(2^60 int8) + 1", || {
            &zeros([1usize << 60], DType::I8) + 1
        }),
        ("zeros(2^62 float64) * 2.0", || {
            zeros([1usize << 62], DType::F64) * 2.0
        }),
        ("zeros(2^61 float64).sum(..)", || {
            zeros([1usize << 61], DType::F64).sum(..)
        }),
        ("arange(2^60 int8)", || {
            arange(0i64, 1 << 60, 1).astype(DType::I8)
        }),
        ("arange(i64::MIN, i64::MAX)", || {
            arange(i64::MIN, i64::MAX, 1)
        }),
        ("ones(2^60 bool).any(..)", || {
            ones([1usize << 60], DType::Bool).any(..)
        }),
        ("exp(zeros(2^60 float32))", || {
            zeros([1usize << 60], DType::F32).exp()
        }),
        ("zeros([2^30, 2^30]).transpose().copy()", || {
            zeros([1usize << 30, 1 << 30], DType::I8).transpose().copy()
        }),
        // Huge views of one element: reading them must not gather 2^60 values unchecked.
        ("[1i8].broadcast_to(2^60).copy()", || {
            array([1i8]).broadcast_to(&[1 << 60]).copy()
        }),
        ("[1i8].broadcast_to(2^60) + 1", || {
            array([1i8]).broadcast_to(&[1 << 60]) + 1
        }),
        ("[1.0].broadcast_to(2^61).sum(..)", || {
            array([1.0f64]).broadcast_to(&[1 << 61]).sum(..)
        }),
        ("[1.0f32].broadcast_to(2^62).exp()", || {
            array([1.0f32]).broadcast_to(&[1 << 62]).exp()
        }),
        ("[[1i8]].broadcast_to([2^30, 2^30]).T.copy()", || {
            array([[1i8]])
                .broadcast_to(&[1 << 30, 1 << 30])
                .transpose()
                .copy()
        }),
        ("[true].broadcast_to(2^60).any(..)", || {
            array([true]).broadcast_to(&[1 << 60]).any(..)
        }),
    ];
    let mut failures = Vec::new();
    for (i, (name, f)) in cases.iter().enumerate() {
        let r = isolated("huge_allocations_are_errors_not_aborts", i, || {
            let e = f()
                .eval()
                .expect_err("a 2^60-byte result cannot be computed");
            assert!(
                matches!(e, Error::OutOfMemory { .. }),
                "expected OutOfMemory, got {e:?}"
            );
        });
        if let Err(why) = r {
            failures.push(format!("{name}: {why}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

const CHILD_ENV: &str = "NUMCRANE_BAD_INPUT_CHILD";

/// Runs `body` for case `case` of test `test` in a child process (this test binary, filtered
/// to `test`, with an environment variable naming the case). Returns the child's failure:
/// a panic message or the signal that killed it. Inside a child, runs `body` only for the
/// named case.
fn isolated(test: &str, case: usize, body: impl FnOnce()) -> Result<(), String> {
    let key = format!("{test}:{case}");
    if let Ok(k) = std::env::var(CHILD_ENV) {
        if k == key {
            body();
        }
        return Ok(());
    }
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let out = std::process::Command::new(exe)
        .args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, &key)
        .env("RUST_BACKTRACE", "0")
        .output()
        .map_err(|e| e.to_string())?;
    if out.status.success() {
        return Ok(());
    }
    let text =
        String::from_utf8_lossy(&out.stderr).to_string() + &String::from_utf8_lossy(&out.stdout);
    let detail: Vec<&str> = text
        .lines()
        .filter(|l| {
            l.contains("panicked")
                || l.contains("PANICKED")
                || l.contains("memory allocation")
                || l.contains("overflow")
                || l.contains("assert")
                || l.contains("expected")
        })
        .take(6)
        .collect();
    Err(format!("child {} ({})", out.status, detail.join(" | ")))
}

/// Sizes near usize::MAX must not overflow in attribute getters (NumPy's nbytes is exact).
#[test]
fn attributes_of_huge_arrays_do_not_overflow() {
    let big = zeros([1usize << 62], DType::F64);
    let r = std::panic::catch_unwind(|| big.nbytes());
    assert!(r.is_ok(), "nbytes() panicked for shape [2^62] float64");
    let too_big = zeros([1 << 40, 1], DType::F32) + zeros([1, 1 << 40], DType::F32);
    let r = std::panic::catch_unwind(|| too_big.nbytes());
    assert!(r.is_ok(), "nbytes() panicked for a poisoned too-big array");
}

// ------------------------------------------------------------------------------------------
// Poisoned nodes
// ------------------------------------------------------------------------------------------

#[test]
fn poisoned_node_reports_the_first_error() {
    let a = zeros([2, 3], DType::F64);
    let b = zeros([4], DType::F64);
    let (bad, line) = (&a + &b, line!());
    let first = build_error(&bad);
    assert!(matches!(first, Error::ShapeMismatch { op: "add", .. }));
    // Every later op, good or bad on its own, reports the first error.
    let later: Vec<Array> = vec![
        &bad * 2.0,
        bad.reshape([7, -1]),
        bad.sum(9),
        bad.slice(s![100]),
        bad.transpose().exp(),
        (&bad & 1).max(..),
        where_(bad.gt(0.0), &bad, &b),
        bad.astype(DType::I8),
        bad.copy().argmax(..),
        (&a - &bad.reshape([6])).cumsum(5),
    ];
    for l in &later {
        assert_eq!(build_error(l), first);
        assert_eq!(l.contiguous_bytes().unwrap_err(), first);
    }
    check_message(&first, line, &["add", "(2, 3)", "(4,)"]);
    // eval_all reports it too, and evaluates nothing half-way.
    let good = &a + 1.0;
    assert_eq!(eval_all(&[&good, &later[0]]).unwrap_err(), first);
    // Reading data of a poisoned array gives the error, never garbage.
    assert_eq!(later[0].to_vec::<f64>().unwrap_err(), first);
    assert_eq!(later[0].sum(..).item::<f64>().unwrap_err(), first);
    assert!(format!("{}", later[0]).contains("error"));
    assert!(format!("{:?}", later[0]).contains("error"));
}

/// Reading a poisoned array reports the build error first, even when the read itself is
/// also wrong (NumPy would have raised at the bad line and never reached the read).
#[test]
fn reading_a_poisoned_array_reports_the_build_error() {
    let (bad, line) = (zeros([2, 3], DType::I8) + zeros([4], DType::I8), line!());
    let first = build_error(&bad);
    check_message(&first, line, &["add"]);
    assert_eq!(
        bad.item::<i8>().unwrap_err(),
        first,
        "item() on a poisoned size-6 array"
    );
    assert_eq!(
        bad.to_vec::<f64>().unwrap_err(),
        first,
        "to_vec::<f64>() on a poisoned int8 array"
    );
}

/// With two independently poisoned inputs, the earlier mistake in program order is reported,
/// as NumPy would have raised there ("the first mistake is the one reported").
#[test]
fn first_of_two_poisoned_inputs_is_reported() {
    let a = zeros([3], DType::F64);
    let (early, line) = (&a + &zeros([4], DType::F64), line!());
    let late = a.reshape([5]);
    let both = &late + &early;
    let e = build_error(&both);
    assert!(matches!(e, Error::ShapeMismatch { op: "add", .. }), "{e:?}");
    check_message(&e, line, &["add"]);
}

// ------------------------------------------------------------------------------------------
// Integer division by zero
// ------------------------------------------------------------------------------------------

#[test]
fn integer_division_and_modulo_by_zero_give_zero() {
    // NumPy gives 0 (with a warning) for integer // 0 and % 0; numcrane gives 0, no panic.
    let i32s = array([7i32, -7, 0, i32::MIN]);
    assert_eq!(i32s.floor_div(0).to_vec::<i32>().unwrap(), vec![0; 4]);
    assert_eq!((&i32s % 0).to_vec::<i32>().unwrap(), vec![0; 4]);
    assert_eq!(remainder(&i32s, 0).to_vec::<i32>().unwrap(), vec![0; 4]);
    assert_eq!(
        numcrane::fmod(&i32s, 0).to_vec::<i32>().unwrap(),
        vec![0; 4]
    );
    let zeros_i32 = zeros([4], DType::I32);
    assert_eq!(
        numcrane::floor_divide(&i32s, &zeros_i32)
            .to_vec::<i32>()
            .unwrap(),
        vec![0; 4]
    );
    assert_eq!((5i32 % &zeros_i32).to_vec::<i32>().unwrap(), vec![0; 4]);
    for dt in [
        DType::I8,
        DType::I16,
        DType::I64,
        DType::U8,
        DType::U16,
        DType::U32,
        DType::U64,
    ] {
        let x = arange(0, 5, 1).astype(dt);
        let z = zeros([5], dt);
        let q = x.floor_div(&z).astype(DType::I64).to_vec::<i64>().unwrap();
        let r = (&x % &z).astype(DType::I64).to_vec::<i64>().unwrap();
        assert_eq!((q, r), (vec![0; 5], vec![0; 5]), "{dt}");
    }
    // bool // False and bool % False compute in int8 (NumPy).
    let b = array([true, false]);
    let q = b.floor_div(false);
    assert_eq!(q.dtype(), DType::I8);
    assert_eq!(q.to_vec::<i8>().unwrap(), vec![0, 0]);
    assert_eq!((&b % false).to_vec::<i8>().unwrap(), vec![0, 0]);
    // MIN // -1 wraps to MIN and MIN % -1 is 0, as NumPy.
    let m = array([i64::MIN, i64::MIN]);
    assert_eq!(m.floor_div(-1).to_vec::<i64>().unwrap(), vec![i64::MIN; 2]);
    assert_eq!((&m % -1).to_vec::<i64>().unwrap(), vec![0, 0]);
    assert_eq!(
        array([i8::MIN]).floor_div(-1).to_vec::<i8>().unwrap(),
        vec![i8::MIN]
    );
    // True division of integers by zero is a float inf/nan.
    let t = (&array([1i32, -1, 0]) / 0).to_vec::<f64>().unwrap();
    assert_eq!(t[..2], [f64::INFINITY, f64::NEG_INFINITY]);
    assert!(t[2].is_nan());
}

// ------------------------------------------------------------------------------------------
// Nothing panics
// ------------------------------------------------------------------------------------------

/// A broad sweep of bad calls: building, evaluating, reading and printing each must return
/// (an error or a value) without panicking.
#[test]
fn nothing_panics() {
    type Call = (
        &'static str,
        Box<dyn Fn() -> Array + std::panic::RefUnwindSafe>,
    );
    fn call(
        name: &'static str,
        f: impl Fn() -> Array + std::panic::RefUnwindSafe + 'static,
    ) -> Call {
        (name, Box::new(f))
    }
    let calls: Vec<Call> = vec![
        call("shape mismatch", || {
            array([1.0, 2.0]) + array([1.0, 2.0, 3.0])
        }),
        call("where mismatch", || {
            where_(array([true]), zeros([2], DType::I8), zeros([3], DType::I8))
        }),
        call("reshape -1 -1", || arange(0, 6, 1).reshape([-1, -1])),
        call("reshape min", || arange(0, 6, 1).reshape([isize::MIN])),
        call("reshape max", || arange(0, 6, 1).reshape([isize::MAX, -1])),
        call("reshape huge product", || {
            arange(0, 6, 1).reshape([isize::MAX, isize::MAX, 0])
        }),
        call("sum axis min", || zeros([2], DType::F64).sum(isize::MIN)),
        call("sum axis max", || zeros([2], DType::F64).sum(isize::MAX)),
        call("sum usize max", || zeros([2], DType::F64).sum(usize::MAX)),
        call("argmax axis min", || {
            zeros([2], DType::F64).argmax(isize::MIN)
        }),
        call("argmax two axes", || {
            zeros([2, 2], DType::F64).argmax([0, 1])
        }),
        call("cumsum axis min", || {
            zeros([2], DType::F64).cumsum(isize::MIN)
        }),
        call("swapaxes min", || {
            zeros([2], DType::F64).swapaxes(isize::MIN, isize::MAX)
        }),
        call("moveaxis min", || {
            zeros([2], DType::F64).moveaxis(isize::MIN, 0)
        }),
        call("expand_dims min", || {
            zeros([2], DType::F64).expand_dims(isize::MIN)
        }),
        call("expand_dims max", || {
            zeros([2], DType::F64).expand_dims(isize::MAX)
        }),
        call("flip min", || zeros([2], DType::F64).flip(isize::MIN)),
        call("flip 0-d", || Array::scalar(1.0).flip(0)),
        call("flip_all 0-d", || Array::scalar(1.0).flip_all()),
        call("squeeze min", || {
            zeros([1], DType::F64).squeeze_axis(isize::MIN)
        }),
        call("permute min", || {
            zeros([2, 2], DType::F64).permute(&[isize::MIN, isize::MAX])
        }),
        call("permute empty", || zeros([2, 2], DType::F64).permute(&[])),
        call("diagonal min", || {
            zeros([3, 3], DType::F64).diagonal(isize::MIN)
        }),
        call("diagonal max", || {
            zeros([3, 3], DType::F64).diagonal(isize::MAX)
        }),
        call("diag vector min", || {
            numcrane::diag(&array([1.0, 2.0]), isize::MIN)
        }),
        call("diag vector max", || {
            numcrane::diag(&array([1.0, 2.0]), isize::MAX)
        }),
        call("diag empty min", || {
            numcrane::diag(&zeros([0], DType::F64), isize::MIN)
        }),
        call("diag 3-d", || {
            numcrane::diag(&zeros([2, 2, 2], DType::F64), 0)
        }),
        call("tril 1-d", || {
            numcrane::tril(&zeros([2], DType::F64), isize::MIN)
        }),
        call("triu max", || {
            numcrane::triu(&zeros([2, 2], DType::F64), isize::MAX)
        }),
        call("eye_k min", || eye_k(3, 3, isize::MIN, DType::F64)),
        call("eye huge", || numcrane::eye(usize::MAX, DType::F64)),
        call("eye 2^33", || numcrane::eye(1 << 33, DType::F64)),
        call("index min", || arange(0, 3, 1).slice(s![isize::MIN])),
        call("index max", || arange(0, 3, 1).slice(s![isize::MAX])),
        call("range extremes", || {
            arange(0, 3, 1).slice(s![isize::MIN..isize::MAX])
        }),
        call("range extreme steps", || {
            arange(0, 3, 1).slice(s![isize::MAX..isize::MIN;isize::MIN])
        }),
        call("range max step", || {
            arange(0, 3, 1).slice(s![..;isize::MAX])
        }),
        call("range usize max", || {
            arange(0, 3, 1).slice(s![usize::MAX..])
        }),
        call("inclusive max", || {
            arange(0, 3, 1).slice(s![0..=isize::MAX])
        }),
        call("slice empty axis", || zeros([0], DType::F64).slice(s![0])),
        call("slice empty range", || {
            zeros([0], DType::F64).slice(s![..;-1])
        }),
        call("zero step", || arange(0, 3, 1).slice(s![..;0])),
        call("too many", || arange(0, 3, 1).slice(s![0, 0])),
        call("two ellipses", || {
            arange(0, 3, 1).slice(s![Ellipsis, Ellipsis])
        }),
        call("broadcast_to fewer dims", || {
            zeros([2, 2], DType::F64).broadcast_to(&[2])
        }),
        call("broadcast_to huge", || {
            zeros([1], DType::F64).broadcast_to(&[usize::MAX, usize::MAX])
        }),
        call("broadcast_arrays", || {
            numcrane::broadcast_arrays(&[&zeros([2], DType::F64), &zeros([3], DType::F64)])
                .remove(0)
        }),
        call("zeros huge", || zeros([usize::MAX, usize::MAX], DType::F64)),
        call("zeros 2^60 eval", || &zeros([1usize << 60], DType::I8) + 1),
        call("zeros 2^62 f64", || zeros([1usize << 62], DType::F64) * 2.0),
        call("arange int huge", || arange(i64::MIN, i64::MAX, 1)),
        call("arange u64 huge", || arange(0u64, u64::MAX, 1)),
        call("arange step 0", || arange(0, 10, 0)),
        call("arange float step 0", || arange(0.0, 1.0, 0.0)),
        call("arange float nan", || arange(0.0, f64::NAN, 1.0)),
        call("arange float inf", || arange(0.0, f64::INFINITY, 1.0)),
        call("arange float tiny step", || arange(0.0, 1e300, 1e-300)),
        call("arange i8 extremes", || arange(-128i8, 127, 1)),
        call("arange i8 min step", || arange(127i8, -128, -128)),
        call("arange bool", || arange(false, true, true)),
        call("linspace huge", || linspace(0.0, 1.0, usize::MAX)),
        call("linspace nan", || linspace(f64::NAN, f64::INFINITY, 5)),
        call("logspace", || numcrane::logspace(0.0, 400.0, 3)),
        call("meshgrid huge", || {
            numcrane::meshgrid(
                &[&zeros([1 << 40], DType::F64), &zeros([1 << 40], DType::F64)],
                numcrane::Indexing::Ij,
            )
            .remove(0)
        }),
        call("from_vec mismatch", || {
            Array::from_vec(vec![1.0; 3], [2, 2])
        }),
        call("ragged", || array(vec![vec![1, 2], vec![3]])),
        call("out of range scalar", || array([1i8]) + 300),
        call("u64 max scalar", || array([1u8]) + u64::MAX),
        call("i64 min scalar into u64", || array([1u64]) + i64::MIN),
        call("bitwise float", || array([1.0]) & array([1.0])),
        call("neg bool", || -array([true])),
        call("sub bool", || array([true]) - array([false])),
        call("invert float", || !array([1.5f32])),
        call("pow negative", || array([2i64]).pow(-1)),
        call("pow huge", || array([3i64, -3]).pow(i64::MAX)),
        call("pow u64 huge", || array([3u64]).pow(u64::MAX)),
        call("div zero", || array([1i64, i64::MIN]).floor_div(0)),
        call("rem zero", || array([1u8]) % 0),
        call("fmod zero", || numcrane::fmod(array([i64::MIN]), 0)),
        call("min div -1", || array([i64::MIN]).floor_div(-1)),
        call("min rem -1", || array([i64::MIN]) % -1),
        call("min fmod -1", || numcrane::fmod(array([i64::MIN]), -1)),
        call("reciprocal 0", || numcrane::reciprocal(&array([0i32, -1]))),
        call("abs min", || numcrane::abs(&array([i8::MIN, i8::MAX]))),
        call("neg min", || -array([i64::MIN])),
        call("square overflow", || numcrane::square(&array([i64::MAX]))),
        call("shift huge", || array([1i64, -1]) << 1000),
        call("shift negative", || array([1i64, -1]) >> -1),
        call("shift array negative", || {
            array([1i8, -1]) << array([-1i8, 100])
        }),
        call("sum overflow", || array([i64::MAX, 1, i64::MAX]).sum(..)),
        call("prod overflow", || array([i64::MAX, 3]).prod(..)),
        call("cumsum overflow", || array([u64::MAX, 5]).cumsum(..)),
        call("cumprod overflow", || array([i8::MAX, 3, 5]).cumprod(..)),
        call("mean of ints", || array([i64::MAX, i64::MAX]).mean(..)),
        call("var empty", || zeros([0], DType::F64).var(..)),
        call("var_ddof huge", || {
            zeros([2], DType::F64).var_ddof(.., 1e300)
        }),
        call("std_ddof nan", || {
            zeros([2], DType::F64).std_ddof(.., f64::NAN)
        }),
        call("max empty", || zeros([0, 2], DType::F64).max(..)),
        call("argmin empty keepdims", || {
            zeros([0, 2], DType::F64).argmin(numcrane::keepdims(0))
        }),
        call("astype nan to int", || {
            array([f64::NAN, f64::INFINITY, -1e300]).astype(DType::I32)
        }),
        call("astype to u8", || array([-1.0f32, 300.0]).astype(DType::U8)),
        call("round huge decimals", || {
            numcrane::round(&array([1.5]), i32::MAX)
        }),
        call("round negative decimals", || {
            numcrane::round(&array([1.5, 12345.0]), i32::MIN)
        }),
        call("round int", || numcrane::round(&array([i64::MAX]), -30)),
        call("clip inverted", || {
            numcrane::clip(&array([1.0, 2.0]), 5.0, 0.0)
        }),
        call("nan_to_num", || {
            numcrane::nan_to_num(&array([f64::NAN, f64::INFINITY]))
        }),
        call("log negative", || numcrane::log(&array([-1.0, 0.0]))),
        call("sqrt int", || numcrane::sqrt(&array([-4i8]))),
        call("arccosh", || numcrane::arccosh(&array([0.0f32]))),
        call("sign bool", || array([true]).sign()),
        call("reduce 0-d", || Array::scalar(2i8).sum(..)),
        call("argmax 0-d", || Array::scalar(2i8).argmax(..)),
        call("cumsum 0-d", || Array::scalar(2i8).cumsum(..)),
        call("transpose 0-d", || Array::scalar(2i8).transpose()),
        call("squeeze 0-d", || Array::scalar(2i8).squeeze()),
        call("diagonal 0-d", || Array::scalar(2i8).diagonal(0)),
        call("poison chain", || {
            let bad = array([1.0]) + array([1.0, 2.0, 3.0]);
            ((&bad * 2.0).reshape([3, -1]).sum(7).slice(s![9]) + 300).exp()
        }),
        call("where out-of-range scalar", || {
            where_(array([true]), array([1i8]), 300)
        }),
        call("tiny realized views", || {
            let a = arange(0, 24, 1).reshape([2, 3, 4]).eval().unwrap();
            a.slice(s![..;-1, 1..;5, NewAxis, ..;-3])
                .transpose()
                .reshape([-1])
                .flip(0)
        }),
    ];

    // Each call runs in its own child process (an abort must not hide the other calls), and
    // each stage is caught separately so one panic does not hide the next.
    let mut failures: Vec<String> = Vec::new();
    for (i, (name, f)) in calls.iter().enumerate() {
        let r = isolated("nothing_panics", i, || {
            let mut panicked: Vec<String> = Vec::new();
            let mut stage = |what: &str, g: &dyn Fn()| {
                if std::panic::catch_unwind(std::panic::AssertUnwindSafe(g)).is_err() {
                    println!("PANICKED in {what}");
                    panicked.push(what.to_string());
                }
            };
            let built = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
            let Ok(a) = built else {
                panic!("PANICKED in build");
            };
            stage("shape/ndim/size/dtype", &|| {
                let _ = (
                    a.shape().to_vec(),
                    a.ndim(),
                    a.size(),
                    a.dtype(),
                    a.itemsize(),
                );
                let _ = (a.strides(), a.is_realized(), a.error().cloned());
            });
            stage("nbytes", &|| {
                let _ = a.nbytes();
            });
            // Small results are evaluated, read and printed; big ones only when poisoned.
            if a.error().is_some() || numcrane_size(&a) <= 1 << 20 {
                stage("eval", &|| {
                    let _ = a.eval();
                });
                stage("read", &|| numcrane_read_any(&a));
                stage("print", &|| {
                    let _ = format!("{a} {a:?}");
                });
            }
            assert!(panicked.is_empty(), "PANICKED stages: {panicked:?}");
        });
        if let Err(why) = r {
            failures.push(format!("{name}: {why}"));
        }
    }
    assert!(
        failures.is_empty(),
        "these calls panicked or aborted:\n{}",
        failures.join("\n")
    );
}

/// The number of elements, saturating (without relying on `Array::size`).
fn numcrane_size(a: &Array) -> usize {
    a.shape()
        .iter()
        .try_fold(1usize, |acc, &d| acc.checked_mul(d))
        .unwrap_or(usize::MAX)
}

/// Reads `a` with its own element type through every reader.
fn numcrane_read_any(a: &Array) {
    macro_rules! read {
        ($t:ty) => {{
            let _ = a.to_vec::<$t>();
            let _ = a.item::<$t>();
            let _ = a.as_slice::<$t>();
            let _ = a.iter::<$t>().map(|it| it.count());
        }};
    }
    match a.dtype() {
        DType::Bool => read!(bool),
        DType::I8 => read!(i8),
        DType::I16 => read!(i16),
        DType::I32 => read!(i32),
        DType::I64 => read!(i64),
        DType::U8 => read!(u8),
        DType::U16 => read!(u16),
        DType::U32 => read!(u32),
        DType::U64 => read!(u64),
        DType::F32 => read!(f32),
        DType::F64 => read!(f64),
        DType::C64 => read!(numcrane::Complex32),
        DType::C128 => read!(numcrane::Complex64),
    }
    let _ = a.contiguous_bytes();
}

// ------------------------------------------------------------------------------------------
// The table-driven catalogue (tests/bad_input/catalogue.rs)
// ------------------------------------------------------------------------------------------

#[path = "bad_input/catalogue.rs"]
mod catalogue;

/// Every case of the catalogue gives its expected error or NumPy's value, and none panics;
/// the failures are listed by case name.
#[test]
fn catalogue() {
    let (count, failures) = catalogue::run_all();
    assert!(count >= 100, "the catalogue has {count} cases");
    assert!(
        failures.is_empty(),
        "{} of {count} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
