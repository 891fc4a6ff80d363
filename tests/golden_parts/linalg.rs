//! Golden family `nplinalg` (tests/numpy/golden_linalg.py): `numpy.linalg` for real inputs.
//! Multi-output functions name the output they check in `args.out`; `qr` checks `|r|` and
//! `|q|`, which are unique where the factors are unique up to signs.

use super::super::{arg, float_of, int_of, str_arg};
use super::{Array, Case, Harness, Variants};
use numcrane::linalg::{self, NormAxes, NormOrd, QrMode, RankTol, Uplo};
use serde_json::Value;

fn input(inputs: &[Array], i: usize) -> Harness<&Array> {
    inputs
        .get(i)
        .ok_or_else(|| format!("harness: case needs input {i}"))
}

fn out(case: &Case) -> Harness<&str> {
    str_arg(case, "out")
}

/// NumPy's `ord`: absent (None), "fro", "nuc", "inf", "-inf" or a number.
fn ord_of(case: &Case) -> Harness<NormOrd> {
    Ok(match case.args.get("ord") {
        None | Some(Value::Null) => NormOrd::Default,
        Some(Value::String(s)) => match s.as_str() {
            "fro" => NormOrd::Fro,
            "nuc" => NormOrd::Nuc,
            "inf" => NormOrd::Inf,
            "-inf" => NormOrd::NegInf,
            o => return Err(format!("harness: unknown ord {o}")),
        },
        Some(v) => NormOrd::P(float_of(v)?),
    })
}

fn uplo(case: &Case) -> Harness<Uplo> {
    match str_arg(case, "uplo")? {
        "L" => Ok(Uplo::L),
        "U" => Ok(Uplo::U),
        u => Err(format!("harness: unknown UPLO {u}")),
    }
}

fn flag(case: &Case, key: &str) -> Harness<bool> {
    arg(case, key)?
        .as_bool()
        .ok_or_else(|| format!("harness: {key} must be a bool"))
}

pub fn build(case: &Case, inputs: &[Array]) -> Harness<Variants> {
    let a = input(inputs, 0)?;
    Ok(match case.func.as_str() {
        "det" => vec![("det", linalg::det(a))],
        "slogdet" => {
            let r = linalg::slogdet(a);
            match out(case)? {
                "sign" => vec![("slogdet.sign", r.sign)],
                _ => vec![("slogdet.logabsdet", r.logabsdet)],
            }
        }
        "inv" => vec![("inv", linalg::inv(a))],
        "solve" => vec![("solve", linalg::solve(a, input(inputs, 1)?))],
        "cholesky" => {
            let upper = case
                .args
                .get("upper")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            vec![("cholesky", linalg::cholesky(a, upper))]
        }
        "eigvalsh" => {
            let u = case.args.get("uplo").map_or(Ok(Uplo::L), |_| uplo(case))?;
            vec![("eigvalsh", linalg::eigvalsh(a, u))]
        }
        "eigh" => vec![("eigh.eigenvalues", linalg::eigh(a, uplo(case)?).eigenvalues)],
        "svdvals" => vec![("svdvals", linalg::svdvals(a))],
        "svd" => vec![("svd.s", linalg::svd(a, flag(case, "full_matrices")?).s)],
        "qr" => {
            let mode = match str_arg(case, "mode")? {
                "reduced" => QrMode::Reduced,
                "complete" => QrMode::Complete,
                "r" => QrMode::R,
                m => return Err(format!("harness: unknown qr mode {m}")),
            };
            let f = linalg::qr(a, mode);
            match out(case)? {
                "absq" => vec![("qr.|q|", f.q.ok_or("harness: qr gave no q")?.abs())],
                _ => vec![("qr.|r|", f.r.abs())],
            }
        }
        "pinv" => match case.args.get("rcond") {
            Some(r) => vec![("pinv_rcond", linalg::pinv_rcond(a, float_of(r)?))],
            None => vec![("pinv", linalg::pinv(a))],
        },
        "lstsq" => {
            let rcond = case.args.get("rcond").map(float_of).transpose()?;
            let r = linalg::lstsq(a, input(inputs, 1)?, rcond);
            let o = out(case)?;
            let x = match o {
                "x" => r.x,
                "residuals" => r.residuals,
                "rank" => r.rank,
                "s" => r.s,
                o => return Err(format!("harness: unknown lstsq output {o}")),
            };
            vec![("lstsq", x)]
        }
        "matrix_rank" => {
            let tol = match (case.args.get("tol"), case.args.get("rtol")) {
                (Some(t), _) => RankTol::Tol(float_of(t)?),
                (None, Some(r)) => RankTol::Rtol(float_of(r)?),
                (None, None) => RankTol::Default,
            };
            vec![("matrix_rank", linalg::matrix_rank(a, tol))]
        }
        "matrix_power" => vec![(
            "matrix_power",
            linalg::matrix_power(a, int_of(arg(case, "n")?)?),
        )],
        "norm" => {
            let axes = match case.args.get("axis") {
                None | Some(Value::Null) => NormAxes::All,
                Some(Value::Array(l)) => match l.as_slice() {
                    [r, c] => NormAxes::Matrix(int_of(r)? as isize, int_of(c)? as isize),
                    _ => return Err("harness: norm axis must be a pair".into()),
                },
                Some(v) => NormAxes::Vector(int_of(v)? as isize),
            };
            vec![(
                "norm",
                linalg::norm(a, ord_of(case)?, axes, flag(case, "keepdims")?),
            )]
        }
        "cond" => vec![("cond", linalg::cond(a, ord_of(case)?))],
        "multi_dot" => {
            let all: Vec<&Array> = inputs.iter().collect();
            vec![("multi_dot", linalg::multi_dot(&all))]
        }
        "trace" => {
            let offset = int_of(arg(case, "offset")?)? as isize;
            vec![("linalg::trace", linalg::trace(a, offset))]
        }
        "cross" => vec![("cross", linalg::cross(a, input(inputs, 1)?))],
        f => return Err(format!("harness: unknown numpy.linalg function {f}")),
    })
}
