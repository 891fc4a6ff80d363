//! Fuzzes the `numcrane` command's expression pipeline: lexer, parser and evaluator.
//!
//! The first byte picks the mode. Raw text: the rest of the input, as UTF-8, is the
//! expression (the parser and evaluator must reject garbage with a diagnostic, never panic).
//! Generated: the bytes choose a well-formed NumPy-style expression over small named inputs
//! of several dtypes (some of them empty or broadcast-incompatible); it is evaluated twice,
//! by the JIT and by the reference evaluator, and the two must agree.

#![no_main]

use libfuzzer_sys::fuzz_target;
use numcrane_fuzz::eval::{Evaluator, Value};
use numcrane_fuzz::inputs::{parse_input, Input};
use numcrane_fuzz::{check_against_reference, parser, Cursor};
use std::sync::OnceLock;

/// The inputs every expression may name: small, of several dtypes, one empty.
fn inputs() -> &'static [Input] {
    static INPUTS: OnceLock<Vec<Input>> = OnceLock::new();
    INPUTS.get_or_init(|| {
        [
            "x=f64[3,4]",
            "y=f64[4]",
            "z=f32[3,1]",
            "w=f32[4]",
            "i=i64[3,4]",
            "j=i32[4]",
            "u=u8[3,4]",
            "b=bool[3,4]",
            "e=f64[0,4]",
            "s=f64[]",
        ]
        .iter()
        .map(|spec| parse_input(spec).expect("a valid input spec"))
        .collect()
    })
}

const LEAVES: &[&str] = &[
    "x", "y", "z", "w", "i", "j", "u", "b", "e", "s", "0", "1", "-1", "2", "3", "0.5", "-2.5",
    "np.nan", "np.inf", "-np.inf", "True", "0.0",
];
const UNARY: &[&str] = &[
    "np.negative",
    "np.abs",
    "np.sqrt",
    "np.exp",
    "np.log",
    "np.sin",
    "np.cos",
    "np.tanh",
    "np.floor",
    "np.ceil",
    "np.square",
    "np.sign",
    "np.isnan",
    "np.isfinite",
    "np.logical_not",
    "np.reciprocal",
    "np.expm1",
    "np.log1p",
    "np.arctan",
    "np.cbrt",
    "np.rint",
    "np.exp2",
];
const BINARY_OPS: &[&str] = &[
    "+", "-", "*", "/", "//", "%", "**", "<", "<=", "==", "!=", ">", "&", "|", "^",
];
const BINARY_FNS: &[&str] = &[
    "np.maximum",
    "np.minimum",
    "np.fmax",
    "np.arctan2",
    "np.hypot",
    "np.logaddexp",
    "np.fmod",
    "np.power",
    "np.floor_divide",
    "np.remainder",
    "np.heaviside",
    "np.copysign",
];
const REDUCTIONS: &[&str] = &[
    "np.sum",
    "np.prod",
    "np.mean",
    "np.max",
    "np.min",
    "np.argmax",
    "np.argmin",
    "np.any",
    "np.all",
    "np.var",
    "np.std",
    "np.cumsum",
    "np.cumprod",
    "np.nansum",
    "np.nanmax",
    "np.median",
    "np.sort",
    "np.argsort",
];
const AXES: &[&str] = &[
    "",
    ", axis=0",
    ", axis=1",
    ", axis=-1",
    ", axis=2",
    ", axis=None",
];
const SUFFIX: &[&str] = &[
    ".T",
    "[0]",
    "[-1]",
    "[1:]",
    "[::-1]",
    "[..., 0]",
    "[:, None]",
    ".reshape(-1)",
    ".reshape(2, -1)",
    ".astype(np.float32)",
    ".astype(np.int32)",
    ".astype(bool)",
    ".copy()",
    ".ravel()",
    "[3]",
    "[:, ::2]",
];

/// A random well-formed expression of at most `depth` levels.
fn expr(c: &mut Cursor, depth: u32) -> String {
    if depth == 0 || c.exhausted() {
        return LEAVES[c.below(LEAVES.len())].to_string();
    }
    match c.below(8) {
        0 => LEAVES[c.below(LEAVES.len())].to_string(),
        1 => format!("{}({})", UNARY[c.below(UNARY.len())], expr(c, depth - 1)),
        2 | 3 => format!(
            "({} {} {})",
            expr(c, depth - 1),
            BINARY_OPS[c.below(BINARY_OPS.len())],
            expr(c, depth - 1)
        ),
        4 => format!(
            "{}({}, {})",
            BINARY_FNS[c.below(BINARY_FNS.len())],
            expr(c, depth - 1),
            expr(c, depth - 1)
        ),
        5 => format!(
            "{}({}{})",
            REDUCTIONS[c.below(REDUCTIONS.len())],
            expr(c, depth - 1),
            AXES[c.below(AXES.len())]
        ),
        6 => format!(
            "np.where({}, {}, {})",
            expr(c, depth - 1),
            expr(c, depth - 1),
            expr(c, depth - 1)
        ),
        _ => format!("({}){}", expr(c, depth - 1), SUFFIX[c.below(SUFFIX.len())]),
    }
}

/// Parses and evaluates `text`; the array it denotes, if it denotes one without error.
fn build(text: &str) -> Option<numcrane::Array> {
    let tree = parser::parse(text).ok()?;
    let mut ev = Evaluator::new(text, inputs());
    match ev.eval(&tree).ok()? {
        Value::Array(a) => Some(a),
        _ => None,
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    if mode % 2 == 1 {
        let text = String::from_utf8_lossy(rest);
        // Literal sizes of 10^5 and more only test the machine's memory.
        let mut run = 0;
        for ch in text.chars() {
            run = if ch.is_ascii_digit() { run + 1 } else { 0 };
            if run >= 5 {
                return;
            }
        }
        if text.contains("**") || text.len() > 400 {
            return;
        }
        check_against_reference(&text, || build(&text));
    } else {
        let mut c = Cursor::new(rest);
        let text = expr(&mut c, 4);
        check_against_reference(&text, || build(&text));
    }
});
