//! The workloads of ../shared/baselines/README.md (W1..W5, W8; W6/W7 need matmul, which
//! numcrane does not have yet), their sizes, inputs and floors, and how numcrane computes them.
//!
//! Inputs are `sin(0.001 i + phase)` in the case's dtype, as `numcrane_suite::bench_input`
//! and benches/numpy_side_by_side.py make them: vector input k has phase 0.1 (k + 1), a
//! matrix input phase 0. Every implementation (numcrane, ndarray, NumPy) builds the same
//! values, so results can be compared element by element.

use numcrane::{keepdims, Array, DType};

/// One computation of the suite.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Op {
    /// W1 `a*b + c*d - e`
    W1,
    /// W2 `exp(-x*x/2)*sin(y) + log1p(abs(z))`
    W2,
    /// W3 `(X - X.mean(0)) / X.std(0)`
    W3,
    /// W4 `x.sum()`
    Sum,
    /// W4 `(x*y).sum()`
    Dot,
    /// W4 `X.sum(axis=0)`
    Sum0,
    /// W4 `X.sum(axis=1)`
    Sum1,
    /// W5 softmax over rows
    Softmax,
    /// W8 `a + b` (per call, tiny arrays)
    Add,
    /// W8 `a*b + c*d - e` (per call, tiny arrays)
    Chain,
}

impl Op {
    /// Every op, in the order of the suite.
    pub const ALL: [Op; 10] = [
        Op::W1,
        Op::W2,
        Op::W3,
        Op::Sum,
        Op::Dot,
        Op::Sum0,
        Op::Sum1,
        Op::Softmax,
        Op::Add,
        Op::Chain,
    ];

    /// The workload id of ../shared/baselines ("W1"...).
    pub fn workload(self) -> &'static str {
        match self {
            Op::W1 => "W1",
            Op::W2 => "W2",
            Op::W3 => "W3",
            Op::Sum | Op::Dot | Op::Sum0 | Op::Sum1 => "W4",
            Op::Softmax => "W5",
            Op::Add | Op::Chain => "W8",
        }
    }

    /// The name the embedded Python script knows the op by.
    pub fn code(self) -> &'static str {
        match self {
            Op::W1 => "w1",
            Op::W2 => "w2",
            Op::W3 => "w3",
            Op::Sum => "sum",
            Op::Dot => "dot",
            Op::Sum0 => "sum0",
            Op::Sum1 => "sum1",
            Op::Softmax => "softmax",
            Op::Add => "add",
            Op::Chain => "chain",
        }
    }

    /// The computation in NumPy's notation.
    pub fn expr(self) -> &'static str {
        match self {
            Op::W1 | Op::Chain => "a*b + c*d - e",
            Op::W2 => "exp(-x*x/2)*sin(y) + log1p(abs(z))",
            Op::W3 => "(X - X.mean(0)) / X.std(0)",
            Op::Sum => "x.sum()",
            Op::Dot => "(x*y).sum()",
            Op::Sum0 => "X.sum(axis=0)",
            Op::Sum1 => "X.sum(axis=1)",
            Op::Softmax => "softmax rows: e = exp(X - X.max(1)); e / e.sum(1)",
            Op::Add => "a + b",
        }
    }

    /// Number of vector inputs, or None for the ops on one matrix.
    pub fn vector_inputs(self) -> Option<usize> {
        match self {
            Op::W1 | Op::Chain => Some(5),
            Op::W2 => Some(3),
            Op::Dot | Op::Add => Some(2),
            Op::Sum => Some(1),
            Op::W3 | Op::Sum0 | Op::Sum1 | Op::Softmax => None,
        }
    }

    /// Calls per timed sample: the per-call workloads (W8) are timed in batches.
    pub fn batch(self) -> usize {
        match self {
            Op::Add | Op::Chain => 1000,
            _ => 1,
        }
    }

    /// Whether numexpr has this op in the suite (the element-wise chains W1 and W2, as in
    /// the baselines).
    pub fn numexpr(self) -> bool {
        matches!(self, Op::W1 | Op::W2)
    }
}

/// One row of the suite: an op on inputs of a dtype and shape.
#[derive(Clone, Debug, PartialEq)]
pub struct Case {
    /// What is computed.
    pub op: Op,
    /// The dtype of inputs and result.
    pub dtype: DType,
    /// The input shape: `[n]` for vector ops, `[rows, cols]` for matrix ops.
    pub shape: Vec<usize>,
}

impl Case {
    /// A case with a vector shape `[n]` or matrix shape `[rows, cols]`.
    pub fn new(op: Op, dtype: DType, shape: &[usize]) -> Case {
        Case {
            op,
            dtype,
            shape: shape.to_vec(),
        }
    }

    /// Elements per input.
    pub fn size(&self) -> usize {
        self.shape.iter().product()
    }

    /// A key naming the case (op, dtype, shape) uniquely, shared with the Python script.
    pub fn key(&self) -> String {
        let dims: Vec<String> = self.shape.iter().map(usize::to_string).collect();
        format!(
            "{}:{}:{}",
            self.op.code(),
            self.dtype.name(),
            dims.join("x")
        )
    }

    /// The size as people write it: `1e7`, `4096x4096`, `16`.
    pub fn size_text(&self) -> String {
        match self.shape.as_slice() {
            [n] => size_text(*n),
            dims => {
                let d: Vec<String> = dims.iter().map(usize::to_string).collect();
                d.join("x")
            }
        }
    }

    /// Bytes read and written once by the computation (the floor's numerator; see
    /// docs/performance.md): None for the per-call workloads.
    pub fn floor_bytes(&self) -> Option<usize> {
        let s = self.dtype.itemsize();
        let n = self.size();
        let rows_or_cols = |i: usize| self.shape.get(i).copied().unwrap_or(1);
        let bytes = match self.op {
            Op::W1 => 6 * n * s,
            Op::W2 => 4 * n * s,
            // One pass reading X for both statistics, one reading it again and writing.
            Op::W3 => 3 * n * s,
            Op::Sum => n * s,
            Op::Dot => 2 * n * s,
            Op::Sum0 => n * s + rows_or_cols(1) * s,
            Op::Sum1 => n * s + rows_or_cols(0) * s,
            Op::Softmax => 2 * n * s,
            Op::Add | Op::Chain => return None,
        };
        Some(bytes)
    }

    /// The small version of the case on which every implementation's result is compared with
    /// numcrane's (odd sizes, so vector tails and partial blocks are exercised).
    pub fn check_case(&self) -> Case {
        let shape: &[usize] = match (self.op, self.op.vector_inputs()) {
            (Op::Add | Op::Chain, _) => &self.shape,
            (Op::Softmax, _) => &[33, 70],
            (_, Some(_)) => &[1003],
            (_, None) => &[67, 45],
        };
        Case::new(self.op, self.dtype, shape)
    }

    /// The inputs' values (before conversion to the dtype).
    pub fn input_values(&self) -> Vec<Vec<f64>> {
        let n = self.size();
        let values = |phase: f64| (0..n).map(|i| (i as f64 * 0.001 + phase).sin()).collect();
        match self.op.vector_inputs() {
            Some(k) => (0..k).map(|k| values(0.1 * (k + 1) as f64)).collect(),
            None => vec![values(0.0)],
        }
    }

    /// The inputs as realized numcrane arrays.
    pub fn numcrane_inputs(&self) -> Result<Vec<Array>, String> {
        self.input_values()
            .into_iter()
            .map(|v| {
                let array = match self.dtype {
                    DType::F32 => {
                        Array::from_vec(v.iter().map(|&x| x as f32).collect(), &self.shape[..])
                    }
                    _ => Array::from_vec(v, &self.shape[..]).astype(self.dtype),
                };
                array
                    .eval()
                    .map_err(|e| format!("building the inputs: {e}"))
            })
            .collect()
    }
}

/// `n` as `1e7` when a power of ten of at least 1000, else in digits.
pub fn size_text(n: usize) -> String {
    let mut p = 0;
    let mut m = n;
    while m >= 10 && m.is_multiple_of(10) {
        m /= 10;
        p += 1;
    }
    if m == 1 && p >= 3 {
        format!("1e{p}")
    } else {
        n.to_string()
    }
}

/// numcrane's lazy expression for `op` on `inputs` (built anew for every call, as a user's
/// code would).
pub fn numcrane_expr(op: Op, x: &[Array]) -> Result<Array, String> {
    let need = op.vector_inputs().unwrap_or(1);
    if x.len() != need {
        return Err(format!(
            "{} needs {need} inputs, got {}",
            op.code(),
            x.len()
        ));
    }
    Ok(match op {
        Op::W1 | Op::Chain => &x[0] * &x[1] + &x[2] * &x[3] - &x[4],
        Op::W2 => (-&x[0] * &x[0] / 2.0).exp() * x[1].sin() + x[2].abs().log1p(),
        Op::W3 => (&x[0] - x[0].mean(0)) / x[0].std(0),
        Op::Sum => x[0].sum(..),
        Op::Dot => (&x[0] * &x[1]).sum(..),
        Op::Sum0 => x[0].sum(0),
        Op::Sum1 => x[0].sum(1),
        Op::Softmax => {
            let e = (&x[0] - x[0].max(keepdims(1))).exp();
            &e / e.sum(keepdims(1))
        }
        Op::Add => &x[0] + &x[1],
    })
}

/// The elements of a numcrane result as f64, row-major.
pub fn numcrane_values(a: &Array) -> Result<Vec<f64>, String> {
    a.astype(DType::F64)
        .to_vec::<f64>()
        .map_err(|e| e.to_string())
}

/// The rows of the suite: every workload at the baselines' sizes (`quick`: 10 times fewer
/// elements, and 1024x1024 matrices), in the order of the baselines.
pub fn suite_cases(quick: bool) -> Vec<Case> {
    let n = if quick { 1_000_000 } else { 10_000_000 };
    let side = if quick { 1024 } else { 4096 };
    let softmax: &[usize] = if quick { &[1024, 1024] } else { &[4096, 1024] };
    let both = [DType::F32, DType::F64];
    let mut cases = Vec::new();
    for op in Op::ALL {
        match op {
            Op::W1 | Op::W2 => cases.extend(both.map(|d| Case::new(op, d, &[n]))),
            Op::W3 => cases.extend(both.map(|d| Case::new(op, d, &[side, side]))),
            Op::Sum | Op::Dot => cases.push(Case::new(op, DType::F32, &[n])),
            Op::Sum0 | Op::Sum1 => cases.push(Case::new(op, DType::F32, &[side, side])),
            Op::Softmax => cases.push(Case::new(op, DType::F32, softmax)),
            Op::Add | Op::Chain => cases.push(Case::new(op, DType::F32, &[16])),
        }
    }
    cases
}

/// The workloads of the baselines numcrane cannot run yet, with the reason.
pub const NOT_AVAILABLE: [(&str, &str); 2] = [
    ("W6", "A @ B: not available: matmul runs on the reference evaluator until the GEMM kernel lands"),
    ("W7", "maximum(X @ W + b, 0): not available: matmul runs on the reference evaluator until the GEMM kernel lands"),
];

/// The sizes of the time-against-size charts.
pub const SWEEP_SIZES: [usize; 6] = [1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000];

/// The ops of the time-against-size charts.
pub const SWEEP_OPS: [Op; 2] = [Op::W1, Op::W2];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floor_bytes_follow_docs_performance() {
        let w1 = Case::new(Op::W1, DType::F32, &[10_000_000]);
        assert_eq!(w1.floor_bytes(), Some(240_000_000));
        let w3 = Case::new(Op::W3, DType::F64, &[4096, 4096]);
        assert_eq!(w3.floor_bytes(), Some(3 * 4096 * 4096 * 8));
        let sum0 = Case::new(Op::Sum0, DType::F32, &[4096, 1024]);
        assert_eq!(sum0.floor_bytes(), Some(4 * 4096 * 1024 + 4 * 1024));
        assert_eq!(Case::new(Op::Add, DType::F32, &[16]).floor_bytes(), None);
    }

    #[test]
    fn sizes_and_keys_read_well() {
        assert_eq!(size_text(10_000_000), "1e7");
        assert_eq!(size_text(16), "16");
        assert_eq!(size_text(1003), "1003");
        let c = Case::new(Op::Softmax, DType::F32, &[4096, 1024]);
        assert_eq!(c.size_text(), "4096x1024");
        assert_eq!(c.key(), "softmax:float32:4096x1024");
    }

    #[test]
    fn suite_covers_w1_to_w5_and_w8() {
        let cases = suite_cases(true);
        for w in ["W1", "W2", "W3", "W4", "W5", "W8"] {
            assert!(cases.iter().any(|c| c.op.workload() == w), "{w}");
        }
        assert_eq!(cases.len(), 13);
    }

    #[test]
    fn numcrane_computes_every_op() {
        for op in Op::ALL {
            let case = Case::new(op, DType::F64, &[4, 3]).check_case();
            let inputs = case.numcrane_inputs().unwrap();
            let out = numcrane_expr(op, &inputs).unwrap().eval().unwrap();
            let v = numcrane_values(&out).unwrap();
            assert!(!v.is_empty() && v.iter().all(|x| x.is_finite()), "{op:?}");
        }
        // W1 on known values: inputs are sin(0.001 i + phase).
        let case = Case::new(Op::W1, DType::F64, &[3]);
        let x = case.input_values();
        let want: Vec<f64> = (0..3)
            .map(|i| x[0][i] * x[1][i] + x[2][i] * x[3][i] - x[4][i])
            .collect();
        let got = numcrane_expr(Op::W1, &case.numcrane_inputs().unwrap()).unwrap();
        assert_eq!(numcrane_values(&got).unwrap(), want);
    }
}
