//! The `numcrane` command's part of the bad-input catalogue (issue 11; the library's part is
//! tests/bad_input/catalogue.rs): malformed expressions, bad `--input` specs and files, and
//! expressions that are well-formed but invalid for their inputs. Each must end with the
//! documented exit status (2: usage or parse error, 1: error while evaluating) and a message
//! on stderr, never a panic (the command's panic hook prints "internal error"), exit 101 or
//! a signal.

use std::process::Command;

/// (name, arguments after `run`, exit status, text the message must contain).
type Case = (&'static str, &'static [&'static str], i32, &'static str);

const X: &str = "x=f64[3,4]";

const CASES: &[Case] = &[
    // malformed expressions: exit 2
    ("dangling_operator", &["x +", "--input", X], 2, "error"),
    ("open_paren", &["(", "--input", X], 2, "error"),
    ("unclosed_call", &["np.sum(x", "--input", X], 2, "error"),
    ("unclosed_index", &["x[", "--input", X], 2, "error"),
    ("two_operators", &["1 +* 2", "--input", X], 2, "error"),
    ("empty_expression", &["", "--input", X], 2, "error"),
    ("only_spaces", &["   ", "--input", X], 2, "error"),
    (
        "unterminated_string",
        &["x.astype('float32", "--input", X],
        2,
        "error",
    ),
    ("stray_character", &["x $ 2", "--input", X], 2, "error"),
    (
        "non_ascii_garbage",
        &["x \u{2603} \u{7f}", "--input", X],
        2,
        "error",
    ),
    (
        "deep_nesting",
        &["((((((((((((((((((((((((((((((((((((((((x", "--input", X],
        2,
        "error",
    ),
    (
        "huge_integer_literal",
        &["x + 99999999999999999999999999", "--input", X],
        2,
        "error",
    ),
    (
        "keyword_without_value",
        &["np.sum(x, axis=)", "--input", X],
        2,
        "error",
    ),
    // well-formed but invalid: exit 1 (an evaluation error; an unknown function is found while
    // evaluating) or 2 (an unknown name)
    ("unknown_function", &["np.nope(x)", "--input", X], 1, "nope"),
    ("unknown_name", &["q + 1", "--input", X], 2, "q"),
    (
        "shape_mismatch",
        &["x + y", "--input", X, "--input", "y=f64[5]"],
        1,
        "broadcast",
    ),
    (
        "axis_out_of_range",
        &["np.sum(x, axis=5)", "--input", X],
        1,
        "axis",
    ),
    (
        "index_out_of_range",
        &["x[10]", "--input", X],
        1,
        "out of bounds",
    ),
    (
        "negative_index_out_of_range",
        &["x[-4]", "--input", X],
        1,
        "out of bounds",
    ),
    (
        "reshape_wrong_size",
        &["x.reshape(5)", "--input", X],
        1,
        "reshape",
    ),
    (
        "empty_max",
        &["np.max(e)", "--input", "e=f64[0]"],
        1,
        "identity",
    ),
    (
        "int_negative_power",
        &["i ** -1", "--input", "i=i64[3]"],
        1,
        "power",
    ),
    ("huge_zeros", &["np.zeros((2**40, 2**40))"], 1, "too big"),
    ("matmul_mismatch", &["x @ x", "--input", X], 1, "matmul"),
    // bad inputs: exit 2
    ("input_bad_dtype", &["x", "--input", "x=f99[3]"], 2, "f99"),
    ("input_bad_dim", &["x", "--input", "x=f64[3,-1]"], 2, "-1"),
    (
        "input_missing_bracket",
        &["x", "--input", "x=f64[3"],
        2,
        "]",
    ),
    ("input_no_name", &["x", "--input", "=f64[3]"], 2, "name"),
    (
        "input_missing_file",
        &["x", "--input", "x=/nonexistent/numcrane.npy"],
        2,
        "numcrane.npy",
    ),
];

#[test]
fn bad_cli_input_fails_cleanly() {
    let mut failures = Vec::new();
    for (name, args, status, needle) in CASES {
        let out = Command::new(env!("CARGO_BIN_EXE_numcrane"))
            .arg("run")
            .args(*args)
            .output()
            .unwrap_or_else(|e| panic!("cannot run numcrane: {e}"));
        let err = String::from_utf8_lossy(&out.stderr);
        let code = out.status.code();
        if code.is_none() {
            failures.push(format!("{name}: killed by a signal ({})", out.status));
        } else if err.contains("internal error") || code == Some(101) {
            failures.push(format!("{name}: panicked: {err}"));
        } else if code != Some(*status) {
            failures.push(format!("{name}: exit {code:?}, expected {status}: {err}"));
        } else if !err.contains(needle) {
            failures.push(format!(
                "{name}: message does not contain {needle:?}: {err}"
            ));
        }
    }
    assert!(CASES.len() >= 25);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
