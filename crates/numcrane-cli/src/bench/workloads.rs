//! The workloads of ../shared/baselines/README.md (W1..W8), their sizes, inputs and floors,
//! and how numcrane computes them.
//!
//! Inputs are `sin(0.001 i + phase)` in the case's dtype, as `numcrane_suite::bench_input`
//! and benches/numpy_side_by_side.py make them: vector input k has phase 0.1 (k + 1), a
//! matrix input phase 0, and input k of a matrix product (W6 `A`, `B`; W7 `X`, `W`, `b`)
//! phase 0.1 (k + 1). Every implementation (numcrane, ndarray, NumPy) builds the same values,
//! so results can be compared element by element.
//!
//! The matrix products' shape is `[m, k, n]`: `A` is m x k and `B` k x n (W7: `X` m x k, `W`
//! k x n, `b` n).

use numcrane::{keepdims, matmul, Array, DType};

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
    /// W6 `A @ B`
    MatMul,
    /// W7 `maximum(X @ W + b, 0)`
    Dense,
    /// W8 `a + b` (per call, tiny arrays)
    Add,
    /// W8 `a*b + c*d - e` (per call, tiny arrays)
    Chain,
}

impl Op {
    /// Every op, in the order of the suite.
    pub const ALL: [Op; 12] = [
        Op::W1,
        Op::W2,
        Op::W3,
        Op::Sum,
        Op::Dot,
        Op::Sum0,
        Op::Sum1,
        Op::Softmax,
        Op::MatMul,
        Op::Dense,
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
            Op::MatMul => "W6",
            Op::Dense => "W7",
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
            Op::MatMul => "matmul",
            Op::Dense => "dense",
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
            Op::MatMul => "A @ B",
            Op::Dense => "maximum(X @ W + b, 0)",
            Op::Add => "a + b",
        }
    }

    /// Number of vector inputs, or None for the ops on matrices.
    pub fn vector_inputs(self) -> Option<usize> {
        match self {
            Op::W1 | Op::Chain => Some(5),
            Op::W2 => Some(3),
            Op::Dot | Op::Add => Some(2),
            Op::Sum => Some(1),
            Op::W3 | Op::Sum0 | Op::Sum1 | Op::Softmax | Op::MatMul | Op::Dense => None,
        }
    }

    /// Whether the op is a matrix product (W6, W7: shape `[m, k, n]`, timed in GFLOP/s).
    pub fn product(self) -> bool {
        matches!(self, Op::MatMul | Op::Dense)
    }

    /// Number of inputs.
    pub fn input_count(self) -> usize {
        match self {
            Op::MatMul => 2,
            Op::Dense => 3,
            _ => self.vector_inputs().unwrap_or(1),
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

    /// The size as people write it: `1e7`, `4096x4096`, `16`; square products `n=512`, other
    /// products `4096x1024x1024` (m x k x n).
    pub fn size_text(&self) -> String {
        match self.shape.as_slice() {
            [n] => size_text(*n),
            [m, k, n] if self.op == Op::MatMul && m == k && k == n => format!("n={n}"),
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
            Op::MatMul | Op::Dense | Op::Add | Op::Chain => return None,
        };
        Some(bytes)
    }

    /// Floating-point operations of a matrix product, `2 m k n` (the bias and the maximum of
    /// W7 are left out, as in the baselines); None for the other ops.
    pub fn flops(&self) -> Option<f64> {
        match (self.op.product(), self.shape.as_slice()) {
            (true, &[m, k, n]) => Some(2.0 * m as f64 * k as f64 * n as f64),
            _ => None,
        }
    }

    /// The shapes of the inputs, in order.
    pub fn input_shapes(&self) -> Vec<Vec<usize>> {
        match (self.op, self.shape.as_slice()) {
            (Op::MatMul, &[m, k, n]) => vec![vec![m, k], vec![k, n]],
            (Op::Dense, &[m, k, n]) => vec![vec![m, k], vec![k, n], vec![n]],
            (op, _) => vec![self.shape.clone(); op.input_count()],
        }
    }

    /// Per element of the result of a matrix product, the scale its rounding error is
    /// judged against: `sum_l |A[i,l]| |B[l,j]|` (W7: plus `|b[j]|`), from the case's inputs
    /// (meant for the small check shape); None for the other ops.
    pub fn error_scale(&self) -> Option<Vec<f64>> {
        let &[m, k, n] = self.shape.as_slice() else {
            return None;
        };
        if !self.op.product() {
            return None;
        }
        let x = self.input_values();
        let round = |v: f64| match self.dtype {
            DType::F32 => f64::from(v as f32),
            _ => v,
        };
        let abs = |v: &[f64]| -> Vec<f64> { v.iter().map(|&a| round(a).abs()).collect() };
        let (a, b) = (abs(&x[0]), abs(&x[1]));
        let bias = x.get(2).map(|v| abs(v));
        let mut out = vec![0.0; m * n];
        for i in 0..m {
            for l in 0..k {
                let ail = a[i * k + l];
                for j in 0..n {
                    out[i * n + j] += ail * b[l * n + j];
                }
            }
        }
        if let Some(bias) = bias {
            for row in out.chunks_mut(n) {
                for (o, b) in row.iter_mut().zip(&bias) {
                    *o += b;
                }
            }
        }
        Some(out)
    }

    /// The small version of the case on which every implementation's result is compared with
    /// numcrane's (odd sizes, so vector tails and partial blocks are exercised).
    pub fn check_case(&self) -> Case {
        let shape: &[usize] = match (self.op, self.op.vector_inputs()) {
            (Op::Add | Op::Chain, _) => &self.shape,
            (Op::Softmax, _) => &[33, 70],
            // k above the GEMM's k-block, m and n not multiples of its tiles.
            (Op::MatMul | Op::Dense, _) => &[67, 301, 53],
            (_, Some(_)) => &[1003],
            (_, None) => &[67, 45],
        };
        Case::new(self.op, self.dtype, shape)
    }

    /// The inputs' values (before conversion to the dtype), in the shapes of
    /// [`Case::input_shapes`].
    pub fn input_values(&self) -> Vec<Vec<f64>> {
        self.input_shapes()
            .iter()
            .zip(self.input_phases())
            .map(|(shape, phase)| {
                let n: usize = shape.iter().product();
                (0..n).map(|i| (i as f64 * 0.001 + phase).sin()).collect()
            })
            .collect()
    }

    /// The phase of each input's `sin(0.001 i + phase)`: 0 for a single matrix, else
    /// 0.1 (k + 1) for input k.
    pub fn input_phases(&self) -> Vec<f64> {
        let count = self.op.input_count();
        if self.op.vector_inputs().is_none() && !self.op.product() {
            vec![0.0; count]
        } else {
            (0..count).map(|k| 0.1 * (k + 1) as f64).collect()
        }
    }

    /// The inputs as realized numcrane arrays.
    pub fn numcrane_inputs(&self) -> Result<Vec<Array>, String> {
        self.input_values()
            .into_iter()
            .zip(self.input_shapes())
            .map(|(v, shape)| {
                let array = match self.dtype {
                    DType::F32 => {
                        Array::from_vec(v.iter().map(|&x| x as f32).collect(), &shape[..])
                    }
                    _ => Array::from_vec(v, &shape[..]).astype(self.dtype),
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
    let need = op.input_count();
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
        Op::MatMul => matmul(&x[0], &x[1]),
        Op::Dense => (matmul(&x[0], &x[1]) + &x[2]).maximum(0.0),
        Op::Add => &x[0] + &x[1],
    })
}

/// The elements of a numcrane result as f64, row-major.
pub fn numcrane_values(a: &Array) -> Result<Vec<f64>, String> {
    a.astype(DType::F64)
        .to_vec::<f64>()
        .map_err(|e| e.to_string())
}

/// The square sizes of W6's rows.
pub fn matmul_sizes(quick: bool) -> &'static [usize] {
    if quick {
        &[256, 512]
    } else {
        &[512, 1024, 2048]
    }
}

/// The rows of the suite: every workload at the baselines' sizes (`quick`: 10 times fewer
/// elements, 1024x1024 matrices, W6 at n = 256 and 512, W7 at 512x256x256), in the order of
/// the baselines.
pub fn suite_cases(quick: bool) -> Vec<Case> {
    let n = if quick { 1_000_000 } else { 10_000_000 };
    let side = if quick { 1024 } else { 4096 };
    let softmax: &[usize] = if quick { &[1024, 1024] } else { &[4096, 1024] };
    let dense: &[usize] = if quick {
        &[512, 256, 256]
    } else {
        &[4096, 1024, 1024]
    };
    let both = [DType::F32, DType::F64];
    let mut cases = Vec::new();
    for op in Op::ALL {
        match op {
            Op::W1 | Op::W2 => cases.extend(both.map(|d| Case::new(op, d, &[n]))),
            Op::W3 => cases.extend(both.map(|d| Case::new(op, d, &[side, side]))),
            Op::Sum | Op::Dot => cases.push(Case::new(op, DType::F32, &[n])),
            Op::Sum0 | Op::Sum1 => cases.push(Case::new(op, DType::F32, &[side, side])),
            Op::Softmax => cases.push(Case::new(op, DType::F32, softmax)),
            Op::MatMul => {
                for d in both {
                    for &s in matmul_sizes(quick) {
                        cases.push(Case::new(op, d, &[s, s, s]));
                    }
                }
            }
            Op::Dense => cases.push(Case::new(op, DType::F32, dense)),
            Op::Add | Op::Chain => cases.push(Case::new(op, DType::F32, &[16])),
        }
    }
    cases
}

/// The sizes of the time-against-size charts of W1 and W2 (elements).
pub const SWEEP_SIZES: [usize; 6] = [1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000];

/// The sizes of the time-against-size chart of W6 (n of n x n float32 matrices).
pub const SWEEP_MATMUL_SIZES: [usize; 6] = [64, 128, 256, 512, 1024, 2048];

/// The ops of the time-against-size charts.
pub const SWEEP_OPS: [Op; 3] = [Op::W1, Op::W2, Op::MatMul];

/// The float32 cases of the time-against-size chart of `op`.
pub fn sweep_cases_of(op: Op) -> Vec<Case> {
    match op {
        Op::MatMul => SWEEP_MATMUL_SIZES
            .iter()
            .map(|&n| Case::new(op, DType::F32, &[n, n, n]))
            .collect(),
        _ => SWEEP_SIZES
            .iter()
            .map(|&n| Case::new(op, DType::F32, &[n]))
            .collect(),
    }
}

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
    fn suite_covers_w1_to_w8() {
        let cases = suite_cases(true);
        for w in ["W1", "W2", "W3", "W4", "W5", "W6", "W7", "W8"] {
            assert!(cases.iter().any(|c| c.op.workload() == w), "{w}");
        }
        assert_eq!(cases.len(), 18);
        let full = suite_cases(false);
        let w6: Vec<String> = full
            .iter()
            .filter(|c| c.op == Op::MatMul)
            .map(|c| format!("{} {}", c.dtype.name(), c.size_text()))
            .collect();
        assert_eq!(
            w6,
            [
                "float32 n=512",
                "float32 n=1024",
                "float32 n=2048",
                "float64 n=512",
                "float64 n=1024",
                "float64 n=2048"
            ]
        );
        let w7 = full.iter().find(|c| c.op == Op::Dense).unwrap();
        assert_eq!(w7.size_text(), "4096x1024x1024");
        assert_eq!(w7.flops(), Some(2.0 * 4096.0 * 1024.0 * 1024.0));
        assert_eq!(
            w7.input_shapes(),
            [vec![4096, 1024], vec![1024, 1024], vec![1024]]
        );
    }

    #[test]
    fn products_match_a_plain_triple_loop() {
        for (op, dtype) in [(Op::MatMul, DType::F64), (Op::Dense, DType::F32)] {
            let case = Case::new(op, dtype, &[5, 7, 3]);
            let x = case.input_values();
            let mut want = vec![0.0; 15];
            for i in 0..5 {
                for j in 0..3 {
                    let mut s: f64 = (0..7).map(|l| x[0][i * 7 + l] * x[1][l * 3 + j]).sum();
                    if op == Op::Dense {
                        s = (s + x[2][j]).max(0.0);
                    }
                    want[i * 3 + j] = s;
                }
            }
            let got = numcrane_expr(op, &case.numcrane_inputs().unwrap()).unwrap();
            let got = numcrane_values(&got.eval().unwrap()).unwrap();
            let scale = case.error_scale().unwrap();
            for ((g, w), s) in got.iter().zip(&want).zip(&scale) {
                assert!((g - w).abs() <= 1e-5 * s, "{op:?}: {g} against {w}");
            }
        }
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
