//! The eager Rust anchor: each workload written as an ndarray user would write it, on one
//! thread (ndarray's default; no rayon feature). Element-wise chains with operators build one
//! temporary per operation (`&a * &b + &c * &d - &e`); W2 is one `Zip` (the natural way to
//! apply a scalar function of three arrays), W3 uses `mean_axis` / `std_axis`, W4 `sum`,
//! `dot` and `sum_axis`, W5 `fold_axis` and `mapv_into`, W6 `a.dot(&b)` and W7
//! `(x.dot(&w) + &b).mapv_into(|v| v.max(0))`. ndarray's `dot` of two float matrices runs
//! on the matrixmultiply crate (its packed sgemm / dgemm, AVX2+FMA chosen at run time),
//! single-threaded: the workspace does not turn on matrixmultiply's `threading` feature.

use super::workloads::{Case, Op};
use ndarray::{Array1, Array2, ArrayD, Axis, ScalarOperand, Zip};
use num_traits::{Float, FromPrimitive};
use numcrane::DType;

/// The inputs of one case, in ndarray form.
pub enum Data<T> {
    /// Vector inputs (W1, W2, W4 sums, W8).
    Vectors(Vec<Array1<T>>),
    /// One matrix (W3, W4 axis sums, W5).
    Matrix(Array2<T>),
    /// The operands of a matrix product: `a` m x k, `b` k x n, and W7's bias of n.
    Product {
        /// The left operand.
        a: Array2<T>,
        /// The right operand.
        b: Array2<T>,
        /// W7's bias.
        bias: Option<Array1<T>>,
    },
}

/// The element types ndarray runs the suite in.
pub trait Real:
    Float + FromPrimitive + ScalarOperand + ndarray::LinalgScalar + Send + Sync
{
}
impl Real for f32 {}
impl Real for f64 {}

/// A case's inputs in f32 or f64.
pub enum Inputs {
    /// float32 inputs
    F32(Data<f32>),
    /// float64 inputs
    F64(Data<f64>),
}

fn data<T: Real>(case: &Case) -> Result<Data<T>, String> {
    let convert = |v: Vec<f64>| -> Vec<T> { v.into_iter().filter_map(T::from_f64).collect() };
    let values = case.input_values();
    if case.op.product() {
        let shapes = case.input_shapes();
        let mut it = values.into_iter().zip(shapes).map(|(v, s)| (convert(v), s));
        let mut matrix = || -> Result<Array2<T>, String> {
            let (v, s) = it.next().ok_or_else(|| wrong(case.op))?;
            match s.as_slice() {
                &[r, c] => {
                    Array2::from_shape_vec((r, c), v).map_err(|e| format!("ndarray input: {e}"))
                }
                _ => Err(wrong(case.op)),
            }
        };
        let (a, b) = (matrix()?, matrix()?);
        let bias = it.next().map(|(v, _)| Array1::from_vec(v));
        return Ok(Data::Product { a, b, bias });
    }
    match (case.op.vector_inputs(), case.shape.as_slice()) {
        (Some(_), _) => Ok(Data::Vectors(
            values
                .into_iter()
                .map(|v| Array1::from_vec(convert(v)))
                .collect(),
        )),
        (None, &[rows, cols]) => {
            let v = values.into_iter().next().unwrap_or_default();
            Array2::from_shape_vec((rows, cols), convert(v))
                .map(Data::Matrix)
                .map_err(|e| format!("ndarray input: {e}"))
        }
        (None, shape) => Err(format!(
            "{} needs a matrix, got shape {shape:?}",
            case.op.code()
        )),
    }
}

impl Inputs {
    /// Builds the case's inputs (same values as numcrane's).
    pub fn new(case: &Case) -> Result<Inputs, String> {
        match case.dtype {
            DType::F32 => Ok(Inputs::F32(data(case)?)),
            DType::F64 => Ok(Inputs::F64(data(case)?)),
            other => Err(format!("ndarray anchor: dtype {other} is not in the suite")),
        }
    }

    /// Computes `op`; the result is returned so the caller can keep or drop it.
    pub fn run(&self, op: Op) -> Result<Output, String> {
        match self {
            Inputs::F32(d) => compute(op, d).map(Output::F32),
            Inputs::F64(d) => compute(op, d).map(Output::F64),
        }
    }
}

/// A result in f32 or f64.
pub enum Output {
    /// float32 result
    F32(ArrayD<f32>),
    /// float64 result
    F64(ArrayD<f64>),
}

impl Output {
    /// The elements as f64, row-major.
    pub fn values(&self) -> Vec<f64> {
        match self {
            Output::F32(a) => a.iter().map(|&v| f64::from(v)).collect(),
            Output::F64(a) => a.iter().copied().collect(),
        }
    }
}

fn wrong(op: Op) -> String {
    format!("ndarray anchor: wrong inputs for {}", op.code())
}

/// `op` on the inputs, eagerly.
pub fn compute<T: Real>(op: Op, data: &Data<T>) -> Result<ArrayD<T>, String> {
    let two = T::one() + T::one();
    match (op, data) {
        (Op::W1 | Op::Chain, Data::Vectors(v)) => match v.as_slice() {
            [a, b, c, d, e] => Ok((a * b + c * d - e).into_dyn()),
            _ => Err(wrong(op)),
        },
        (Op::Add, Data::Vectors(v)) => match v.as_slice() {
            [a, b] => Ok((a + b).into_dyn()),
            _ => Err(wrong(op)),
        },
        (Op::W2, Data::Vectors(v)) => match v.as_slice() {
            [x, y, z] => Ok(Zip::from(x)
                .and(y)
                .and(z)
                .map_collect(|&x, &y, &z| (-x * x / two).exp() * y.sin() + z.abs().ln_1p())
                .into_dyn()),
            _ => Err(wrong(op)),
        },
        (Op::Sum, Data::Vectors(v)) => match v.as_slice() {
            [x] => Ok(ndarray::arr0(x.sum()).into_dyn()),
            _ => Err(wrong(op)),
        },
        (Op::Dot, Data::Vectors(v)) => match v.as_slice() {
            [x, y] => Ok(ndarray::arr0(x.dot(y)).into_dyn()),
            _ => Err(wrong(op)),
        },
        (Op::W3, Data::Matrix(x)) => {
            let mean = x
                .mean_axis(Axis(0))
                .ok_or_else(|| "ndarray: mean of an empty axis".to_string())?;
            let std = x.std_axis(Axis(0), T::zero());
            Ok(((x - &mean) / &std).into_dyn())
        }
        (Op::Sum0, Data::Matrix(x)) => Ok(x.sum_axis(Axis(0)).into_dyn()),
        (Op::Sum1, Data::Matrix(x)) => Ok(x.sum_axis(Axis(1)).into_dyn()),
        (Op::Softmax, Data::Matrix(x)) => {
            let max = x.fold_axis(Axis(1), T::neg_infinity(), |&m, &v| m.max(v));
            let e = (x - &max.insert_axis(Axis(1))).mapv_into(T::exp);
            let sum = e.sum_axis(Axis(1)).insert_axis(Axis(1));
            Ok((e / &sum).into_dyn())
        }
        (Op::MatMul, Data::Product { a, b, bias: None }) => Ok(a.dot(b).into_dyn()),
        (
            Op::Dense,
            Data::Product {
                a,
                b,
                bias: Some(bias),
            },
        ) => Ok((a.dot(b) + bias).mapv_into(|v| v.max(T::zero())).into_dyn()),
        _ => Err(wrong(op)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn softmax_rows_sum_to_one() {
        let case = Case::new(Op::Softmax, DType::F64, &[3, 5]);
        let out = Inputs::new(&case).unwrap().run(Op::Softmax).unwrap();
        let v = out.values();
        for row in v.chunks(5) {
            assert!((row.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        }
    }

    #[test]
    fn every_op_runs_in_both_dtypes() {
        for op in Op::ALL {
            for dtype in [DType::F32, DType::F64] {
                let case = Case::new(op, dtype, &[8]).check_case();
                let out = Inputs::new(&case).unwrap().run(op).unwrap();
                assert!(!out.values().is_empty(), "{op:?} {dtype}");
            }
        }
    }
}
