//! Family `intmatmul` (tests/numpy/golden_intmatmul.py): integer and bool `matmul` with
//! wrap-around, on operands that may be transposed views of the stored inputs.

use super::super::arg;
use super::{Array, Case, Harness, Variants};

pub fn build(case: &Case, inputs: &[Array]) -> Harness<Variants> {
    let [a, b] = inputs else {
        return Err("harness: intmatmul needs two inputs".into());
    };
    let flag = |name: &str| -> Harness<bool> {
        arg(case, name)?
            .as_bool()
            .ok_or_else(|| format!("harness: {name} must be a bool"))
    };
    let a = if flag("transpose_a")? {
        a.T()
    } else {
        a.clone()
    };
    let b = if flag("transpose_b")? {
        b.T()
    } else {
        b.clone()
    };
    match case.func.as_str() {
        "matmul" => Ok(vec![
            ("matmul", numcrane::matmul(&a, &b)),
            ("Array::matmul", a.matmul(&b)),
        ]),
        f => Err(format!("harness: unknown intmatmul function {f}")),
    }
}
