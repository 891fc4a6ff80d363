//! Helpers shared by the fuzz targets (issue 11): the `numcrane` command's expression
//! pipeline (lexer, parser, evaluator) compiled in from crates/numcrane-cli/src, a byte
//! cursor that turns fuzz input into choices, and the comparison of an array computed by the
//! JIT with the reference evaluator's.
//!
//! The CLI crate is a binary only; including its modules by path (they refer to each other
//! as `crate::lexer`, `crate::ast`, ..., so they sit at this crate's root) fuzzes exactly the
//! code the command runs without turning the CLI into a library for the fuzzer's sake.

#![allow(dead_code, unused_imports, clippy::all)]

#[path = "../../crates/numcrane-cli/src/ast.rs"]
pub mod ast;
#[path = "../../crates/numcrane-cli/src/diagnostic.rs"]
pub mod diagnostic;
#[path = "../../crates/numcrane-cli/src/eval.rs"]
pub mod eval;
#[path = "../../crates/numcrane-cli/src/functions.rs"]
pub mod functions;
#[path = "../../crates/numcrane-cli/src/inputs.rs"]
pub mod inputs;
#[path = "../../crates/numcrane-cli/src/lexer.rs"]
pub mod lexer;
#[path = "../../crates/numcrane-cli/src/parser.rs"]
pub mod parser;

use numcrane::{Array, Backend, DType, Error};
use numcrane_graph::{BinaryOp, NodeRef, Op, UnaryOp};

/// Largest number of elements any node of a fuzzed graph may have: bigger graphs are
/// skipped (they test the machine's memory, not numcrane).
pub const MAX_ELEMENTS: usize = 1 << 16;

/// Reads fuzz bytes as a stream of small choices; zeros once the input runs out, so every
/// input decodes to something.
pub struct Cursor<'a> {
    data: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    /// A cursor at the start of `data`.
    pub fn new(data: &'a [u8]) -> Self {
        Cursor { data, at: 0 }
    }

    /// The next byte (0 when exhausted).
    pub fn byte(&mut self) -> u8 {
        let b = self.data.get(self.at).copied().unwrap_or(0);
        self.at += 1;
        b
    }

    /// A choice in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        self.byte() as usize % n
    }

    /// True once every byte has been read.
    pub fn exhausted(&self) -> bool {
        self.at >= self.data.len()
    }
}

/// True when every node of the graph behind `a` has at most [`MAX_ELEMENTS`] elements.
pub fn small_graph(a: &Array) -> bool {
    let mut stack = vec![a.node().clone()];
    let mut seen = std::collections::HashSet::new();
    while let Some(n) = stack.pop() {
        if !seen.insert(n.id()) {
            continue;
        }
        let size = n
            .shape()
            .iter()
            .try_fold(1usize, |acc, &d| acc.checked_mul(d));
        if size.map_or(true, |s| s > MAX_ELEMENTS) {
            return false;
        }
        stack.extend(n.inputs());
    }
    true
}

/// The values of a realized array widened to f64 (bit patterns for integers would do too;
/// f64 keeps one comparison for every real dtype).
fn values(a: &Array) -> Result<Vec<f64>, Error> {
    let bytes = a.contiguous_bytes()?;
    let f = |b: &[u8], n: usize| -> Vec<[u8; 8]> {
        b.chunks_exact(n)
            .map(|c| {
                let mut x = [0u8; 8];
                x[..n].copy_from_slice(c);
                x
            })
            .collect()
    };
    let sext = |x: [u8; 8], n: usize| -> f64 {
        let v = i64::from_le_bytes(x);
        let shift = 64 - 8 * n as u32;
        ((v << shift) >> shift) as f64
    };
    Ok(match a.dtype() {
        DType::F64 => f(&bytes, 8).into_iter().map(f64::from_le_bytes).collect(),
        DType::F32 => f(&bytes, 4)
            .into_iter()
            .map(|x| f32::from_le_bytes([x[0], x[1], x[2], x[3]]) as f64)
            .collect(),
        DType::I8 => f(&bytes, 1).into_iter().map(|x| sext(x, 1)).collect(),
        DType::I16 => f(&bytes, 2).into_iter().map(|x| sext(x, 2)).collect(),
        DType::I32 => f(&bytes, 4).into_iter().map(|x| sext(x, 4)).collect(),
        DType::I64 => f(&bytes, 8).into_iter().map(|x| sext(x, 8)).collect(),
        // unsigned and bool: zero-extended
        _ => {
            let n = a.itemsize().max(1);
            f(&bytes, n)
                .into_iter()
                .map(|x| u64::from_le_bytes(x) as f64)
                .collect()
        }
    })
}

/// Checks that `jit` (computed by the default backend) equals `oracle` (computed by the
/// reference evaluator): same dtype, shape, and values (floats within a few ulps' worth of
/// relative error, since the JIT's vector math and reduction order may differ in the last
/// bits; NaN matches NaN). Panics with both arrays on a difference: that is a finding.
pub fn assert_same(what: &str, jit: &Array, oracle: &Array) {
    assert_close(what, jit, oracle, false)
}

/// Whether any node of `a`'s graph has a single-precision dtype (float32 or complex64).
fn has_single_precision(a: &Array) -> bool {
    let mut stack = vec![a.node().clone()];
    let mut seen = std::collections::HashSet::new();
    while let Some(n) = stack.pop() {
        if !seen.insert(n.id()) {
            continue;
        }
        if matches!(n.dtype(), DType::F32 | DType::C64) {
            return true;
        }
        stack.extend(n.inputs());
    }
    false
}

/// Whether the graph has a floating-point `remainder`, `floor_divide`, `fmod`, `sin`, `cos` or
/// `tan` of values that are themselves computed (anything but leaves, constants, ranges, and
/// views and casts of them). These are ill-conditioned where the quotient or the argument is
/// large: a last-bit difference in their input, which the JIT's vector math and reduction
/// order may make, moves a remainder anywhere in `[0, divisor)`, a quotient by one, and the
/// sine of a float32 argument above 32768 (whose ulp is 0.004) by as much (found by the runs
/// of 2026-11-29: `sin(exp(u))`, `u` uint8 so computed in float32, gave 0.98717 against the
/// evaluator's 0.98170;
/// `remainder(sum(x ** 64, 0) ** 2, sum(x ** 64, 0))` gave 4.107e30 against the
/// evaluator's 4.454e30, NumPy's too; moving that sum by one ulp either way moves NumPy's
/// result to 1.37e30 or 5.16e30).
fn has_ill_conditioned_step(a: &Array) -> bool {
    fn exact(n: &NodeRef, memo: &mut std::collections::HashMap<u64, bool>) -> bool {
        if let Some(&e) = memo.get(&n.id()) {
            return e;
        }
        let e = match n.op() {
            Op::Leaf | Op::Full(_) | Op::Arange { .. } => true,
            Op::View(_) | Op::Cast => n.inputs().iter().all(|i| exact(i, memo)),
            _ => false,
        };
        memo.insert(n.id(), e);
        e
    }
    let mut memo = std::collections::HashMap::new();
    let mut stack = vec![a.node().clone()];
    let mut seen = std::collections::HashSet::new();
    while let Some(n) = stack.pop() {
        if !seen.insert(n.id()) {
            continue;
        }
        let amplifies = matches!(
            n.op(),
            Op::Binary(BinaryOp::Rem | BinaryOp::FloorDiv | BinaryOp::Fmod)
                | Op::Unary(UnaryOp::Sin | UnaryOp::Cos | UnaryOp::Tan)
        );
        if amplifies
            && n.inputs().first().is_some_and(|i| i.dtype().is_float())
            && !n.inputs().iter().all(|i| exact(i, &mut memo))
        {
            return true;
        }
        stack.extend(n.inputs());
    }
    false
}

/// [`assert_same`]; with `single_inside`, a float64 result is compared with float32's
/// tolerance: a float32 step inside the graph (the JIT's float32 `cos` within an ulp or two
/// of the evaluator's, say) carries float32-sized differences into a float64 result (found by
/// the 14-minute runs of 2026-11-28: `where(1, fmod(w.T, cos(-u)), u * (1 ^ i))`, float64
/// from float32 and integer steps, differed by 1.2e-7).
fn assert_close(what: &str, jit: &Array, oracle: &Array, single_inside: bool) {
    assert_close_within(what, jit, oracle, single_inside, false)
}

/// [`assert_close`]; with `ill_conditioned` (see [`has_ill_conditioned_step`]) only the dtype, the
/// shape and where the NaNs are must agree.
fn assert_close_within(
    what: &str,
    jit: &Array,
    oracle: &Array,
    single_inside: bool,
    ill_conditioned: bool,
) {
    assert_eq!(jit.dtype(), oracle.dtype(), "{what}: dtype differs");
    assert_eq!(jit.shape(), oracle.shape(), "{what}: shape differs");
    let (a, b) = match (values(jit), values(oracle)) {
        (Ok(a), Ok(b)) => (a, b),
        (a, b) => panic!("{what}: reading the results failed: {a:?} {b:?}"),
    };
    let tol = match jit.dtype() {
        _ if ill_conditioned => f64::INFINITY,
        DType::F32 => 1e-4,
        DType::F64 if single_inside => 1e-4,
        DType::F64 => 1e-9,
        _ => 0.0,
    };
    for (k, (x, y)) in a.iter().zip(&b).enumerate() {
        let same = (x.is_nan() && y.is_nan())
            || x == y
            || (x - y).abs() <= tol * (1.0 + x.abs().max(y.abs()));
        assert!(
            same,
            "{what}: element {k} differs: jit {x:?} vs reference {y:?}\njit: {jit}\nreference: {oracle}"
        );
    }
}

/// Evaluates `build()` twice, once with the default backend (the JIT) and once with the
/// reference evaluator, on two separately built graphs (evaluating realizes a graph in
/// place, so one graph cannot be evaluated twice), and checks they agree: both fail or both
/// give the same array.
pub fn check_against_reference(what: &str, build: impl Fn() -> Option<Array>) {
    let (Some(a), Some(b)) = (build(), build()) else {
        return;
    };
    if !small_graph(&a) {
        return;
    }
    let single_inside = has_single_precision(&a);
    let ill_conditioned = has_ill_conditioned_step(&a);
    let jit = a.eval_with(Backend::from_env());
    let oracle = b.eval_with(Backend::Eval);
    match (jit, oracle) {
        (Ok(j), Ok(o)) => assert_close_within(what, &j, &o, single_inside, ill_conditioned),
        (Err(_), Err(_)) => {}
        (j, o) => panic!("{what}: one backend failed: jit {j:?}, reference {o:?}"),
    }
}
