//! Golden family `clinalg` (tests/numpy/golden_clinalg.py): `numpy.linalg` for complex inputs.
//! The functions and outputs that the real family `nplinalg` already maps go through
//! `super::linalg::build`; this file adds the phase-invariant views of vectors that are unique
//! only up to a unit complex factor: `|eigenvectors|` of `eigh`, `|u|`, `|vh|` and
//! `u @ (s * vh)` of `svd`, and the eigenvalues of `eig` / `eigvals` sorted as `np.sort` sorts
//! complex numbers (by real part, then imaginary part), since NumPy does not fix their order.

use super::super::{arg, str_arg};
use super::{Array, Case, Harness, Variants};
use numcrane::linalg::{self, Uplo};
use numcrane::{matmul, Complex32, Complex64, DType};

fn input(inputs: &[Array], i: usize) -> Harness<&Array> {
    inputs
        .get(i)
        .ok_or_else(|| format!("harness: case needs input {i}"))
}

/// The last axis of complex `w` sorted as `np.sort` does (real part, then imaginary part),
/// in `w`'s dtype; an error of `w` is passed on.
fn sorted_last(w: &Array) -> Harness<Array> {
    if w.error().is_some() {
        // an error case: the array that returns it
        return Ok(w.clone());
    }
    let n = w.shape().last().copied().unwrap_or(0).max(1);
    let mut v = w
        .astype(DType::C128)
        .to_vec::<Complex64>()
        .map_err(|e| e.to_string())?;
    for row in v.chunks_mut(n) {
        row.sort_by(|a, b| a.re.total_cmp(&b.re).then(a.im.total_cmp(&b.im)));
    }
    let shape = w.shape().to_vec();
    Ok(if w.dtype() == DType::C64 {
        let v: Vec<Complex32> = v
            .iter()
            .map(|c| Complex32::new(c.re as f32, c.im as f32))
            .collect();
        Array::from_vec(v, shape)
    } else {
        Array::from_vec(v, shape)
    })
}

fn flag(case: &Case, key: &str) -> Harness<bool> {
    arg(case, key)?
        .as_bool()
        .ok_or_else(|| format!("harness: {key} must be a bool"))
}

fn uplo(case: &Case) -> Harness<Uplo> {
    match str_arg(case, "uplo")? {
        "L" => Ok(Uplo::L),
        "U" => Ok(Uplo::U),
        u => Err(format!("harness: unknown UPLO {u}")),
    }
}

pub fn build(case: &Case, inputs: &[Array]) -> Harness<Variants> {
    let a = input(inputs, 0)?;
    let out = case.args.get("out").and_then(|v| v.as_str()).unwrap_or("");
    Ok(match (case.func.as_str(), out) {
        ("eigh", "absv") => vec![("eigh.|v|", linalg::eigh(a, uplo(case)?).eigenvectors.abs())],
        ("eig", "sorted") => vec![("eig.sorted", sorted_last(&linalg::eig(a).eigenvalues)?)],
        ("eigvals", _) => vec![("eigvals.sorted", sorted_last(&linalg::eigvals(a))?)],
        ("svd", "absu") => vec![("svd.|u|", linalg::svd(a, false).u.abs())],
        ("svd", "absvh") => vec![("svd.|vh|", linalg::svd(a, false).vh.abs())],
        ("svd", "usvh") => {
            let d = linalg::svd(a, flag(case, "full_matrices")?);
            vec![(
                "svd.u@(s*vh)",
                matmul(&d.u, &(&d.s.expand_dims(-1) * &d.vh)),
            )]
        }
        _ => return super::linalg::build(case, inputs),
    })
}
