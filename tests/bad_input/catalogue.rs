//! The bad-input catalogue (issue 11): a table of cases, each a name, a function that runs
//! one operation on bad or extreme input, and what must come out: an `Error` variant with the
//! operation it names, or NumPy's result (dtype, shape and values, from the golden table
//! numpy_values.json that numpy_values.py writes; the NumPy expression is there beside each
//! name). Every case runs under `catch_unwind`, so a panic is reported as that case's failure
//! by name instead of stopping the table. The `numcrane` command's cases are in
//! crates/numcrane-cli/tests/bad_input.rs (they need the binary Cargo builds for that crate).

// The table reads best with every operand written the same way, borrowed.
#![allow(clippy::needless_borrows_for_generic_args)]

use numcrane::io::{load_npz, loadtxt, read_npy, savez, LoadTxt};
use numcrane::{
    self as nc, arange, array, concatenate, matmul, ones, s, stack, where_, zeros, Array, DType,
    Error, IndexArg, Result, TakeMode,
};
use serde_json::Value;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;

/// What a case must give.
pub enum Expect {
    /// An error of this variant (its name, as `kind` returns it) naming this operation.
    Err(&'static str, &'static str),
    /// NumPy's result: the entry of numpy_values.json with the case's name.
    NumPy,
}

/// One case of the catalogue.
pub struct Case {
    pub name: &'static str,
    pub run: fn() -> Result<Array>,
    pub expect: Expect,
}

/// The variant's name, for comparing with the table.
pub fn kind(e: &Error) -> &'static str {
    match e {
        Error::ShapeMismatch { .. } => "ShapeMismatch",
        Error::BadReshape { .. } => "BadReshape",
        Error::AxisOutOfRange { .. } => "AxisOutOfRange",
        Error::IndexOutOfRange { .. } => "IndexOutOfRange",
        Error::DTypeNotSupported { .. } => "DTypeNotSupported",
        Error::ScalarOutOfRange { .. } => "ScalarOutOfRange",
        Error::EmptyReduction { .. } => "EmptyReduction",
        Error::WrongElementType { .. } => "WrongElementType",
        Error::InvalidArgument { .. } => "InvalidArgument",
        Error::Value { .. } => "Value",
        Error::LinAlg { .. } => "LinAlg",
        Error::OutOfMemory { .. } => "OutOfMemory",
        Error::Internal { .. } => "Internal",
    }
}

// ------------------------------------------------------------------------------------------
// Inputs
// ------------------------------------------------------------------------------------------

/// The NaN/inf vector of numpy_values.py (`X`).
fn x() -> Array {
    array([1.0, f64::NAN, f64::NEG_INFINITY, 3.0, f64::INFINITY])
}
fn empty() -> Array {
    zeros([0], DType::F64)
}
fn zero_d() -> Array {
    Array::scalar(2.5f64)
}
fn zero_rows() -> Array {
    zeros([0, 3], DType::F64)
}
fn zero_cols() -> Array {
    zeros([3, 0], DType::F64)
}
fn m23() -> Array {
    arange(0.0, 6.0, 1.0).reshape([2, 3])
}

/// The linalg cases' `n x n` matrix (the formula of numpy_values.py's `lu_matrix`): entries
/// `((7 i + 13 j) mod 17) - 8`, plus 50 on the diagonal; optionally a zero row or one NaN.
fn lu_matrix(n: usize, zero_row: Option<usize>, nan_at: Option<(usize, usize)>) -> Array {
    let mut m = Vec::with_capacity(n * n);
    for i in 0..n {
        for j in 0..n {
            let mut v = ((7 * i + 13 * j) % 17) as f64 - 8.0 + if i == j { 50.0 } else { 0.0 };
            if zero_row == Some(i) {
                v = 0.0;
            }
            if nan_at == Some((i, j)) {
                v = f64::NAN;
            }
            m.push(v);
        }
    }
    Array::from_vec(m, [n, n])
}

/// A file in the temp dir holding `bytes`, named after the case (unique per process).
fn temp_file(name: &str, bytes: &[u8]) -> PathBuf {
    let p = std::env::temp_dir().join(format!("numcrane_bad_input_{}_{name}", std::process::id()));
    std::fs::write(&p, bytes).expect("writing a temp file");
    p
}

/// loadtxt of `text` with the default options but `dtype`.
fn loadtxt_text(name: &str, text: &str, opts: LoadTxt) -> Result<Array> {
    let p = temp_file(name, text.as_bytes());
    let r = loadtxt(&p, &opts);
    let _ = std::fs::remove_file(&p);
    r
}

/// A .npy file's bytes: version 1.0 header with `dict`, then `body`.
fn npy(dict: &str, body: &[u8]) -> Vec<u8> {
    let mut header = dict.as_bytes().to_vec();
    while !(header.len() + 11).is_multiple_of(64) {
        header.push(b' ');
    }
    header.push(b'\n');
    let mut file = b"\x93NUMPY\x01\x00".to_vec();
    file.extend_from_slice(&(header.len() as u16).to_le_bytes());
    file.extend_from_slice(&header);
    file.extend_from_slice(body);
    file
}

/// A valid two-member archive written by numcrane, as bytes.
fn valid_npz() -> Vec<u8> {
    let p = std::env::temp_dir().join(format!(
        "numcrane_bad_input_{}_seed.npz",
        std::process::id()
    ));
    savez(&p, &[("a", &m23()), ("b", &array([1i32, 2]))]).expect("savez");
    let bytes = std::fs::read(&p).expect("read");
    let _ = std::fs::remove_file(&p);
    bytes
}

/// load_npz of `bytes` then `get(member)`.
fn npz_get(name: &str, bytes: &[u8], member: &str) -> Result<Array> {
    let p = temp_file(name, bytes);
    let r = load_npz(&p).and_then(|z| z.get(member));
    let _ = std::fs::remove_file(&p);
    r
}

macro_rules! err {
    ($name:literal, $kind:literal, $op:literal, $body:expr) => {
        Case {
            name: $name,
            run: || $body,
            expect: Expect::Err($kind, $op),
        }
    };
}
macro_rules! np {
    ($name:literal, $body:expr) => {
        Case {
            name: $name,
            run: || $body,
            expect: Expect::NumPy,
        }
    };
}

/// Every case of the catalogue.
pub fn cases() -> Vec<Case> {
    vec![
        // ----------------------------------------------------------------- shapes
        err!(
            "add_shapes_3_4",
            "ShapeMismatch",
            "add",
            (&array([1.0, 2.0, 3.0]) + &zeros([4], DType::F64)).eval()
        ),
        err!(
            "multiply_shapes_2x3_3x2",
            "ShapeMismatch",
            "multiply",
            (&m23() * &m23().transpose()).eval()
        ),
        err!(
            "where_shapes",
            "InvalidArgument",
            "where",
            where_(&array([true, false]), &m23(), 0.0).eval()
        ),
        err!(
            "matmul_inner_mismatch",
            "InvalidArgument",
            "matmul",
            matmul(&m23(), &m23()).eval()
        ),
        err!(
            "concatenate_shapes",
            "InvalidArgument",
            "concatenate",
            concatenate(&[&m23(), &zeros([2, 4], DType::F64)], 0).eval()
        ),
        err!(
            "stack_shapes",
            "InvalidArgument",
            "stack",
            stack(&[&m23(), &zeros([3, 2], DType::F64)], 0).eval()
        ),
        err!(
            "broadcast_to_incompatible",
            "BadReshape",
            "broadcast_to",
            array([1.0, 2.0, 3.0]).broadcast_to(&[4]).eval()
        ),
        err!(
            "reshape_wrong_size",
            "BadReshape",
            "reshape",
            arange(0, 6, 1).reshape([4]).eval()
        ),
        err!(
            "reshape_two_unknowns",
            "BadReshape",
            "reshape",
            arange(0, 6, 1).reshape([-1, -1]).eval()
        ),
        err!(
            "reshape_negative_dim",
            "BadReshape",
            "reshape",
            arange(0, 6, 1).reshape([-2, -3]).eval()
        ),
        err!(
            "reshape_empty_ambiguous",
            "BadReshape",
            "reshape",
            zero_rows().reshape([-1, 0]).eval()
        ),
        err!(
            "mask_wrong_shape",
            "InvalidArgument",
            "index",
            array([1.0, 2.0, 3.0, 4.0])
                .index(vec![IndexArg::Array(array([true, false, true]))])
                .eval()
        ),
        err!(
            "mask_wrong_shape_2d",
            "InvalidArgument",
            "index",
            m23()
                .index(vec![IndexArg::Array(array([[true, false], [false, true]]))])
                .eval()
        ),
        // ----------------------------------------------------------------- axes
        err!(
            "sum_axis_2_of_2d",
            "AxisOutOfRange",
            "sum",
            m23().sum(2).eval()
        ),
        err!(
            "sum_axis_minus_3_of_2d",
            "AxisOutOfRange",
            "sum",
            m23().sum(-3).eval()
        ),
        err!(
            "mean_axis_5",
            "AxisOutOfRange",
            "mean",
            m23().mean(5).eval()
        ),
        err!("max_axis_2", "AxisOutOfRange", "max", m23().max(2).eval()),
        err!(
            "argmax_axis_minus_3",
            "AxisOutOfRange",
            "argmax",
            m23().argmax(-3).eval()
        ),
        err!(
            "cumsum_axis_2",
            "AxisOutOfRange",
            "cumsum",
            m23().cumsum(2).eval()
        ),
        err!("var_axis_2", "AxisOutOfRange", "var", m23().var(2).eval()),
        err!(
            "sort_axis_2",
            "AxisOutOfRange",
            "sort",
            m23().sort_axis(2).eval()
        ),
        err!(
            "median_axis_2",
            "AxisOutOfRange",
            "median",
            nc::median(&m23(), 2).eval()
        ),
        err!(
            "swapaxes_0_2",
            "AxisOutOfRange",
            "swapaxes",
            m23().swapaxes(0, 2).eval()
        ),
        err!(
            "expand_dims_4",
            "AxisOutOfRange",
            "expand_dims",
            m23().expand_dims(4).eval()
        ),
        err!(
            "flip_axis_3",
            "AxisOutOfRange",
            "flip",
            m23().flip(3).eval()
        ),
        err!(
            "concatenate_axis_2",
            "AxisOutOfRange",
            "concatenate",
            concatenate(&[&m23(), &m23()], 2).eval()
        ),
        err!(
            "sum_duplicate_axes",
            "InvalidArgument",
            "sum",
            m23().sum(vec![0isize, 0]).eval()
        ),
        err!(
            "zero_d_sum_axis_0",
            "AxisOutOfRange",
            "sum",
            zero_d().sum(0).eval()
        ),
        err!(
            "zero_d_sort_last_axis",
            "AxisOutOfRange",
            "sort",
            zero_d().sort_axis(-1).eval()
        ),
        err!(
            "nansum_axis_2",
            "AxisOutOfRange",
            "sum",
            nc::nansum(&m23(), 2).eval()
        ),
        // ----------------------------------------------------------------- indices
        err!(
            "index_3_of_len_3",
            "IndexOutOfRange",
            "slice",
            array([1.0, 2.0, 3.0]).slice(s![3]).eval()
        ),
        err!(
            "index_minus_4_of_len_3",
            "IndexOutOfRange",
            "slice",
            array([1.0, 2.0, 3.0]).slice(s![-4]).eval()
        ),
        err!(
            "index_second_axis_5",
            "IndexOutOfRange",
            "slice",
            m23().slice(s![0, 5]).eval()
        ),
        err!(
            "index_second_axis_minus_4",
            "IndexOutOfRange",
            "slice",
            m23().slice(s![.., -4]).eval()
        ),
        err!(
            "take_5_of_len_3",
            "IndexOutOfRange",
            "take",
            array([1.0, 2.0, 3.0])
                .take(&array([5i64]), None, TakeMode::Raise)
                .eval()
        ),
        err!(
            "take_minus_4_of_len_3",
            "IndexOutOfRange",
            "take",
            array([1.0, 2.0, 3.0])
                .take(&array([-4i64]), None, TakeMode::Raise)
                .eval()
        ),
        err!(
            "fancy_index_out_of_range",
            "IndexOutOfRange",
            "index",
            m23().index(vec![IndexArg::Array(array([0i64, 2]))]).eval()
        ),
        err!(
            "too_many_indices",
            "InvalidArgument",
            "slice",
            array([1.0, 2.0]).slice(s![0, 0]).eval()
        ),
        err!(
            "index_into_empty",
            "IndexOutOfRange",
            "slice",
            empty().slice(s![0]).eval()
        ),
        // ----------------------------------------------------------------- dtypes and values
        err!(
            "bitwise_and_of_floats",
            "DTypeNotSupported",
            "bitwise_and",
            nc::bitwise_and(&array([1.0]), &array([2.0])).eval()
        ),
        err!(
            "int_power_negative_exponent",
            "Value",
            "power",
            nc::power(&array([2i64, 3]), &array([-1i64, 2])).eval()
        ),
        err!(
            "int8_plus_300",
            "ScalarOutOfRange",
            "add",
            (&array([1i8]) + 300i64).eval()
        ),
        // ----------------------------------------------------------------- overflow in shapes
        err!(
            "zeros_usize_max_by_2",
            "InvalidArgument",
            "zeros",
            zeros([usize::MAX, 2], DType::F64).eval()
        ),
        err!(
            "ones_2_32_by_2_32",
            "InvalidArgument",
            "ones",
            ones([1usize << 32, 1 << 32], DType::I8).eval()
        ),
        err!(
            "broadcast_product_overflow",
            "InvalidArgument",
            "add",
            (zeros([1usize << 40, 1], DType::F32) + zeros([1, 1usize << 40], DType::F32)).eval()
        ),
        err!(
            "broadcast_to_overflow",
            "BadReshape",
            "broadcast_to",
            array([1.0]).broadcast_to(&[usize::MAX, 2]).eval()
        ),
        // ----------------------------------------------------------------- huge allocations
        // The error names the step that asked for the memory: `copy` is a cast to the same
        // dtype (`astype`), `ones` a `full`.
        // NumPy: np.zeros((2**40, 2**20)) raises MemoryError.
        err!(
            "zeros_2_40_by_2_20",
            "OutOfMemory",
            "full",
            zeros([1usize << 40, 1 << 20], DType::F64).eval()
        ),
        err!(
            "zeros_2_40_by_2_20_copy",
            "OutOfMemory",
            "astype",
            zeros([1usize << 40, 1 << 20], DType::F64).copy().eval()
        ),
        err!(
            "zeros_2_60_int8_plus_1",
            "OutOfMemory",
            "add",
            (&zeros([1usize << 60], DType::I8) + 1).eval()
        ),
        err!(
            "ones_2_61_f64_sum",
            "OutOfMemory",
            "full",
            ones([1usize << 61], DType::F64).sum(..).eval()
        ),
        // ----------------------------------------------------------------- empty reductions without identity
        err!("empty_max", "EmptyReduction", "max", empty().max(..).eval()),
        err!("empty_min", "EmptyReduction", "min", empty().min(..).eval()),
        err!(
            "empty_argmax",
            "EmptyReduction",
            "argmax",
            empty().argmax(..).eval()
        ),
        err!(
            "empty_argmin",
            "EmptyReduction",
            "argmin",
            empty().argmin(..).eval()
        ),
        // ptp and nanmax are built on max; NumPy's message also says "maximum".
        err!("empty_ptp", "EmptyReduction", "max", empty().ptp(..).eval()),
        err!(
            "empty_nanmax",
            "EmptyReduction",
            "max",
            empty().nanmax(..).eval()
        ),
        err!(
            "zero_rows_max_axis0",
            "EmptyReduction",
            "max",
            zero_rows().max(0).eval()
        ),
        err!(
            "zero_rows_argmax_axis0",
            "EmptyReduction",
            "argmax",
            zero_rows().argmax(0).eval()
        ),
        err!(
            "all_nan_nanargmax",
            "InvalidArgument",
            "nanargmax",
            nc::nanargmax(&array([f64::NAN, f64::NAN]), ..).eval()
        ),
        // ----------------------------------------------------------------- malformed .npy
        // read_npy (bytes) and load_npy (a path) share one parser, whose errors say load_npy.
        err!("npy_empty", "InvalidArgument", "load_npy", read_npy(b"")),
        err!(
            "npy_bad_magic",
            "InvalidArgument",
            "load_npy",
            read_npy(b"\x93NUMPX\x01\x00\x10\x00{}")
        ),
        err!(
            "npy_truncated_header",
            "InvalidArgument",
            "load_npy",
            read_npy(
                &npy(
                    "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }",
                    &[]
                )[..20]
            )
        ),
        err!(
            "npy_unknown_descr",
            "InvalidArgument",
            "load_npy",
            read_npy(&npy(
                "{'descr': '<x9', 'fortran_order': False, 'shape': (1,), }",
                &[0; 8]
            ))
        ),
        err!(
            "npy_data_too_short",
            "InvalidArgument",
            "load_npy",
            read_npy(&npy(
                "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }",
                &[0; 16]
            ))
        ),
        err!(
            "npy_negative_dim",
            "InvalidArgument",
            "load_npy",
            read_npy(&npy(
                "{'descr': '<f8', 'fortran_order': False, 'shape': (-1,), }",
                &[0; 8]
            ))
        ),
        err!(
            "npy_huge_shape",
            "InvalidArgument",
            "load_npy",
            read_npy(&npy(
                "{'descr': '<f8', 'fortran_order': False, 'shape': (4611686018427387904,), }",
                &[0; 8]
            ))
        ),
        err!(
            "npy_shape_product_overflow",
            "InvalidArgument",
            "load_npy",
            read_npy(&npy(
                "{'descr': '<i1', 'fortran_order': False, 'shape': (4294967296, 4294967296), }",
                &[0; 8]
            ))
        ),
        err!(
            "npy_header_not_a_dict",
            "InvalidArgument",
            "load_npy",
            read_npy(&npy("[1, 2, 3]", &[]))
        ),
        err!(
            "npy_missing_shape",
            "InvalidArgument",
            "load_npy",
            read_npy(&npy("{'descr': '<f8', 'fortran_order': False, }", &[0; 8]))
        ),
        err!(
            "npy_version_9",
            "InvalidArgument",
            "load_npy",
            read_npy(b"\x93NUMPY\x09\x00\x10\x00{}              ")
        ),
        err!(
            "npy_header_len_past_end",
            "InvalidArgument",
            "load_npy",
            read_npy(b"\x93NUMPY\x01\x00\xff\xff{'descr'")
        ),
        // ----------------------------------------------------------------- malformed .npz
        err!(
            "npz_not_a_zip",
            "InvalidArgument",
            "load_npz",
            npz_get("npz_not_a_zip", b"hello, not a zip archive", "a")
        ),
        err!(
            "npz_empty_file",
            "InvalidArgument",
            "load_npz",
            npz_get("npz_empty_file", b"", "a")
        ),
        err!("npz_truncated", "InvalidArgument", "load_npz", {
            let b = valid_npz();
            npz_get("npz_truncated", &b[..b.len() / 2], "a")
        }),
        err!(
            "npz_missing_member",
            "InvalidArgument",
            "load_npz",
            npz_get("npz_missing_member", &valid_npz(), "nope")
        ),
        err!("npz_corrupt_member", "InvalidArgument", "load_npz", {
            // Overwrite the first member's .npy magic inside the stored archive.
            let mut b = valid_npz();
            let at = b
                .windows(6)
                .position(|w| w == b"\x93NUMPY")
                .expect("a stored member");
            b[at + 1] = b'X';
            npz_get("npz_corrupt_member", &b, "a")
        }),
        // ----------------------------------------------------------------- malformed CSV / text
        err!(
            "loadtxt_ragged_rows",
            "InvalidArgument",
            "loadtxt",
            loadtxt_text("ragged", "1 2 3\n4 5\n", LoadTxt::default())
        ),
        err!(
            "loadtxt_not_a_number",
            "InvalidArgument",
            "loadtxt",
            loadtxt_text(
                "nan_text",
                "1,2\n3,abc\n",
                LoadTxt {
                    delimiter: Some(",".into()),
                    ..LoadTxt::default()
                }
            )
        ),
        err!(
            "loadtxt_float_as_int",
            "InvalidArgument",
            "loadtxt",
            loadtxt_text(
                "float_int",
                "1 2.5\n",
                LoadTxt {
                    dtype: DType::I64,
                    ..LoadTxt::default()
                }
            )
        ),
        err!(
            "loadtxt_int8_overflow",
            "InvalidArgument",
            "loadtxt",
            loadtxt_text(
                "int8_ovf",
                "1 300\n",
                LoadTxt {
                    dtype: DType::I8,
                    ..LoadTxt::default()
                }
            )
        ),
        err!(
            "loadtxt_usecols_out_of_range",
            "InvalidArgument",
            "loadtxt",
            loadtxt_text(
                "usecols",
                "1 2\n3 4\n",
                LoadTxt {
                    usecols: Some(vec![5]),
                    ..LoadTxt::default()
                }
            )
        ),
        err!(
            "loadtxt_missing_file",
            "InvalidArgument",
            "loadtxt",
            loadtxt(
                std::env::temp_dir().join("numcrane_bad_input_no_such_file.txt"),
                &LoadTxt::default()
            )
        ),
        err!("loadtxt_invalid_utf8", "InvalidArgument", "loadtxt", {
            let p = temp_file("utf8", b"1 2\n\xff\xfe 3\n");
            let r = loadtxt(&p, &LoadTxt::default());
            let _ = std::fs::remove_file(&p);
            r
        }),
        np!(
            "loadtxt_empty_file",
            loadtxt_text("empty", "", LoadTxt::default())
        ),
        np!(
            "loadtxt_only_comments",
            loadtxt_text("comments", "# a\n# b\n", LoadTxt::default())
        ),
        // ----------------------------------------------------------------- division by zero (NumPy: 0 for integers)
        np!(
            "int64_floor_divide_by_zero",
            nc::floor_divide(&array([7i64, -7, 0]), 0i64).eval()
        ),
        np!(
            "int64_remainder_by_zero",
            nc::remainder(&array([7i64, -7, 0]), 0i64).eval()
        ),
        np!(
            "int32_floor_divide_by_zero_array",
            nc::floor_divide(&array([5i32, -3]), &array([0i32, 0])).eval()
        ),
        np!(
            "uint8_remainder_by_zero",
            nc::remainder(&array([5u8, 200]), &array([0u8])).eval()
        ),
        np!(
            "int8_min_floor_divide_minus_one",
            nc::floor_divide(&array([-128i8, 6]), &array([-1i8])).eval()
        ),
        np!(
            "int64_fmod_by_zero",
            nc::fmod(&array([5i64, -5]), 0i64).eval()
        ),
        np!(
            "float_floor_divide_by_zero",
            nc::floor_divide(&array([1.0, -1.0, 0.0]), 0.0).eval()
        ),
        np!(
            "float_remainder_by_zero",
            nc::remainder(&array([1.0, -1.0]), 0.0).eval()
        ),
        np!(
            "int_true_divide_by_zero",
            nc::divide(&array([1i64, 0, -1]), 0i64).eval()
        ),
        np!(
            "int16_remainder_negative_by_zero",
            nc::remainder(&array([-7i16]), &array([0i16])).eval()
        ),
        // ----------------------------------------------------------------- size-0 reductions
        np!("empty_sum", empty().sum(..).eval()),
        np!("empty_prod", empty().prod(..).eval()),
        np!("empty_mean", empty().mean(..).eval()),
        np!("empty_var", empty().var(..).eval()),
        np!("empty_std", empty().std(..).eval()),
        np!("empty_any", empty().any(..).eval()),
        np!("empty_all", empty().all(..).eval()),
        np!("empty_cumsum", empty().cumsum(..).eval()),
        np!("empty_cumprod", empty().cumprod(..).eval()),
        np!("empty_median", nc::median(&empty(), ..).eval()),
        np!("empty_nansum", nc::nansum(&empty(), ..).eval()),
        np!("empty_nanprod", nc::nanprod(&empty(), ..).eval()),
        np!("empty_nanmean", nc::nanmean(&empty(), ..).eval()),
        np!(
            "empty_count_nonzero",
            nc::count_nonzero(&empty(), ..).eval()
        ),
        np!("empty_sort", nc::sort(&empty(), Some(-1)).eval()),
        np!("empty_argsort", nc::argsort(&empty(), Some(-1)).eval()),
        np!("empty_int_sum", zeros([0], DType::I64).sum(..).eval()),
        np!("empty_int_mean", zeros([0], DType::I64).mean(..).eval()),
        np!("empty_bool_sum", zeros([0], DType::Bool).sum(..).eval()),
        np!("zero_rows_sum_axis0", zero_rows().sum(0).eval()),
        np!("zero_rows_prod_axis0", zero_rows().prod(0).eval()),
        np!("zero_rows_mean_axis0", zero_rows().mean(0).eval()),
        np!("zero_rows_max_axis1", zero_rows().max(1).eval()),
        np!("zero_rows_any_axis0", zero_rows().any(0).eval()),
        np!("zero_rows_all_axis0", zero_rows().all(0).eval()),
        np!("zero_cols_sum_axis1", zero_cols().sum(1).eval()),
        np!("zero_cols_prod_axis1", zero_cols().prod(1).eval()),
        np!("zero_cols_var_axis1", zero_cols().var(1).eval()),
        np!("zero_cols_cumsum_axis1", zero_cols().cumsum(1).eval()),
        // ----------------------------------------------------------------- 0-d reductions
        np!("zero_d_sum", zero_d().sum(..).eval()),
        np!("zero_d_prod", zero_d().prod(..).eval()),
        np!("zero_d_mean", zero_d().mean(..).eval()),
        np!("zero_d_max", zero_d().max(..).eval()),
        np!("zero_d_min", zero_d().min(..).eval()),
        np!("zero_d_argmax", zero_d().argmax(..).eval()),
        np!("zero_d_argmin", zero_d().argmin(..).eval()),
        np!("zero_d_any", zero_d().any(..).eval()),
        np!("zero_d_all", zero_d().all(..).eval()),
        np!("zero_d_var", zero_d().var(..).eval()),
        np!("zero_d_std", zero_d().std(..).eval()),
        np!("zero_d_cumsum", zero_d().cumsum(..).eval()),
        np!("zero_d_median", nc::median(&zero_d(), ..).eval()),
        np!("zero_d_ptp", zero_d().ptp(..).eval()),
        np!("zero_d_nansum", nc::nansum(&zero_d(), ..).eval()),
        np!("zero_d_sort_flat", nc::sort(&zero_d(), None).eval()),
        np!("zero_d_int_sum", Array::scalar(7i64).sum(..).eval()),
        // ----------------------------------------------------------------- linalg
        err!(
            "inv_singular_2x2",
            "LinAlg",
            "inv",
            nc::linalg::inv(&array([[1.0, 2.0], [2.0, 4.0]])).eval()
        ),
        err!(
            "inv_zero_row_600",
            "LinAlg",
            "inv",
            nc::linalg::inv(&lu_matrix(600, Some(300), None)).eval()
        ),
        err!(
            "solve_zero_row_600",
            "LinAlg",
            "solve",
            nc::linalg::solve(&lu_matrix(600, Some(300), None), &ones([600], DType::F64)).eval()
        ),
        err!(
            "inv_not_square",
            "LinAlg",
            "inv",
            nc::linalg::inv(&m23()).eval()
        ),
        np!(
            "det_zero_row_600",
            nc::linalg::det(&lu_matrix(600, Some(300), None)).eval()
        ),
        np!(
            "slogdet_zero_row_600_sign",
            nc::linalg::slogdet(&lu_matrix(600, Some(300), None))
                .sign
                .eval()
        ),
        np!(
            "slogdet_zero_row_600_logabsdet",
            nc::linalg::slogdet(&lu_matrix(600, Some(300), None))
                .logabsdet
                .eval()
        ),
        np!(
            "det_nan_300",
            nc::linalg::det(&lu_matrix(300, None, Some((150, 20)))).eval()
        ),
        np!(
            "solve_nan_rhs_300",
            nc::linalg::solve(
                &lu_matrix(300, None, None),
                &where_(&arange(0.0, 300.0, 1.0).eq(77.0), f64::NAN, 1.0)
            )
            .eval()
        ),
        // ----------------------------------------------------------------- NaN and inf
        np!("nan_sum", x().sum(..).eval()),
        np!("nan_prod", x().prod(..).eval()),
        np!("nan_max", x().max(..).eval()),
        np!("nan_min", x().min(..).eval()),
        np!("nan_argmax", x().argmax(..).eval()),
        np!("nan_argmin", x().argmin(..).eval()),
        np!("nan_mean", x().mean(..).eval()),
        np!("nan_var", x().var(..).eval()),
        np!("nan_std", x().std(..).eval()),
        np!("nan_ptp", x().ptp(..).eval()),
        np!("nan_any", x().any(..).eval()),
        np!("nan_all", x().all(..).eval()),
        np!("nan_cumsum", x().cumsum(..).eval()),
        np!("nan_cumprod", x().cumprod(..).eval()),
        np!("nan_nanmax", nc::nanmax(&x(), ..).eval()),
        np!("nan_nanmin", nc::nanmin(&x(), ..).eval()),
        np!("nan_nansum", nc::nansum(&x(), ..).eval()),
        np!("nan_nanmean", nc::nanmean(&x(), ..).eval()),
        np!("nan_nanargmax", nc::nanargmax(&x(), ..).eval()),
        np!("nan_nanargmin", nc::nanargmin(&x(), ..).eval()),
        np!("nan_median", nc::median(&x(), ..).eval()),
        np!("nan_nanmedian", nc::nanmedian(&x(), ..).eval()),
        np!("nan_percentile", nc::percentile(&x(), 50.0, ..).eval()),
        np!("nan_sort", nc::sort(&x(), Some(-1)).eval()),
        np!("nan_argsort", nc::argsort(&x(), Some(-1)).eval()),
        np!("nan_unique", nc::unique(&x()).eval()),
        np!(
            "nan_sort_rows",
            array([[3.0, f64::NAN, -1.0], [f64::NAN, f64::INFINITY, 1.0]])
                .sort_axis(1)
                .eval()
        ),
        np!(
            "nan_sort_f32",
            nc::sort(&array([f32::NAN, 2.0, f32::NEG_INFINITY, 0.5]), Some(-1)).eval()
        ),
        np!("nan_max_f32", array([1.0f32, f32::NAN, 2.0]).max(..).eval()),
        np!(
            "nan_max_axis0",
            array([[1.0, f64::NAN], [2.0, 0.0]]).max(0).eval()
        ),
        np!(
            "inf_minus_inf_sum",
            array([f64::INFINITY, f64::NEG_INFINITY]).sum(..).eval()
        ),
        np!(
            "inf_mean",
            array([f64::INFINITY, f64::INFINITY, 1.0]).mean(..).eval()
        ),
        np!("inf_var", array([f64::INFINITY, 1.0]).var(..).eval()),
        np!(
            "zero_times_inf_prod",
            array([0.0, f64::INFINITY]).prod(..).eval()
        ),
        np!(
            "all_nan_nansum",
            nc::nansum(&array([f64::NAN, f64::NAN]), ..).eval()
        ),
        np!(
            "all_nan_nanmax",
            nc::nanmax(&array([f64::NAN, f64::NAN]), ..).eval()
        ),
        np!(
            "all_nan_nanmean",
            nc::nanmean(&array([f64::NAN, f64::NAN]), ..).eval()
        ),
        np!("nan_min_int_cast", array([f64::NAN, 1.0]).min(..).eval()),
    ]
}

/// NumPy's value from the golden table, decoded.
fn golden(
    table: &Value,
    name: &str,
) -> std::result::Result<(String, Vec<usize>, Vec<f64>), String> {
    let e = table
        .get(name)
        .ok_or_else(|| format!("no entry {name:?} in numpy_values.json (rerun numpy_values.py)"))?;
    let dtype = e["dtype"].as_str().unwrap_or("").to_string();
    let shape = e["shape"]
        .as_array()
        .ok_or("shape")?
        .iter()
        .map(|d| d.as_u64().unwrap_or(0) as usize)
        .collect();
    let values = e["values"]
        .as_array()
        .ok_or("values")?
        .iter()
        .map(|v| match v {
            Value::String(s) if s == "nan" => f64::NAN,
            Value::String(s) if s == "inf" => f64::INFINITY,
            Value::String(s) if s == "-inf" => f64::NEG_INFINITY,
            other => other.as_f64().unwrap_or(f64::NAN),
        })
        .collect();
    Ok((dtype, shape, values))
}

/// Checks one case's outcome; the failure, as text.
fn check(case: &Case, table: &Value, got: Result<Array>) -> std::result::Result<(), String> {
    match (&case.expect, got) {
        (Expect::Err(k, op), Err(e)) => {
            if kind(&e) != *k || e.op() != *op {
                return Err(format!(
                    "expected {k} from {op}, got {} from {}: {e}",
                    kind(&e),
                    e.op()
                ));
            }
            // An error with a location names the user's line (this file), never numcrane's.
            if e.to_string().contains("(at ")
                && !e.to_string().contains("tests/bad_input/catalogue.rs:")
            {
                return Err(format!(
                    "message names a location other than the caller's: {e}"
                ));
            }
            // The message names the operation, for the user.
            if !e.to_string().contains(op) {
                return Err(format!("message does not name {op}: {e}"));
            }
            Ok(())
        }
        (Expect::Err(k, op), Ok(a)) => Err(format!(
            "expected {k} from {op}, got an array of shape {:?}: {a}",
            a.shape()
        )),
        (Expect::NumPy, Err(e)) => Err(format!("expected NumPy's value, got error {e}")),
        (Expect::NumPy, Ok(a)) => {
            let (dtype, shape, values) = golden(table, case.name)?;
            if a.dtype().to_string() != dtype || a.shape() != shape.as_slice() {
                return Err(format!(
                    "NumPy gives {dtype} {shape:?}, numcrane {} {:?}",
                    a.dtype(),
                    a.shape()
                ));
            }
            let got = a
                .astype(DType::F64)
                .to_vec::<f64>()
                .map_err(|e| e.to_string())?;
            // Exact equality (NaN matches NaN): these are identities, NaN propagation and
            // orderings, not rounding.
            let same = got.len() == values.len()
                && got
                    .iter()
                    .zip(&values)
                    .all(|(g, w)| (g.is_nan() && w.is_nan()) || g == w);
            if !same {
                return Err(format!("NumPy gives {values:?}, numcrane {got:?}"));
            }
            Ok(())
        }
    }
}

/// Runs every case (each under catch_unwind) and returns the failures, by name.
pub fn run_all() -> (usize, Vec<String>) {
    let table: Value =
        serde_json::from_str(include_str!("numpy_values.json")).expect("numpy_values.json parses");
    let cases = cases();
    let mut failures = Vec::new();
    let mut names = std::collections::HashSet::new();
    for case in &cases {
        assert!(
            names.insert(case.name),
            "case name {} used twice",
            case.name
        );
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            let got = (case.run)();
            check(case, &table, got)
        }));
        match outcome {
            Ok(Ok(())) => {}
            Ok(Err(why)) => failures.push(format!("{}: {why}", case.name)),
            Err(panic) => {
                let msg = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                failures.push(format!("{}: PANICKED: {msg}", case.name));
            }
        }
    }
    (cases.len(), failures)
}
