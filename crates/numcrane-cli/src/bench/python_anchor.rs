//! The NumPy and numexpr anchors: runs the embedded script `numpy_anchor.py` with `python3 -c`
//! (2 threads for numexpr and for NumPy's BLAS, which computes W6 and W7's `@`: the script
//! limits it with threadpoolctl when importable, else through OPENBLAS_NUM_THREADS and its
//! kin, set here and again in the script before numpy is imported) and reads back its JSON
//! lines. Without python3 or
//! NumPy every NumPy cell says "not run (...)" instead.

use super::timing::Budget;
use super::workloads::Case;
use serde::Deserialize;
use std::collections::HashMap;
use std::process::{Command, Stdio};

/// The script, embedded in the binary.
pub const SCRIPT: &str = include_str!("numpy_anchor.py");

/// The implementation names the script reports.
pub const NUMPY: &str = "numpy";
/// numexpr with 2 threads.
pub const NUMEXPR: &str = "numexpr-2t";

/// One case for the script.
pub struct PyCase<'a> {
    /// The case.
    pub case: &'a Case,
    /// The progress label (`W1 float32 1e7`).
    pub label: String,
    /// Whether to also return the result on the case's small shape, for comparison.
    pub check: bool,
    /// The time budget of its cells.
    pub budget: Budget,
}

/// What the script said about one (case, implementation).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PyCell {
    /// The result on the small shape.
    pub check: Option<Vec<f64>>,
    /// Median, minimum, samples, threads.
    pub time: Option<(f64, f64, usize, usize)>,
    /// Why it failed or was not run.
    pub error: Option<String>,
}

/// The outcome of the Python side.
#[derive(Debug, PartialEq)]
pub enum PyOutcome {
    /// Nothing ran; why ("python3 not found", "numpy not found", "--no-python").
    NotRun(String),
    /// The script ran.
    Ran {
        /// "NumPy 2.4.6, numexpr 2.14.2"
        versions: String,
        /// By (case key, implementation).
        cells: HashMap<(String, String), PyCell>,
        /// Set when the script exited with an error (cells it did not reach are missing).
        failure: Option<String>,
    },
}

#[derive(Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
enum Line {
    Info {
        numpy: String,
        numexpr: Option<String>,
        #[serde(default)]
        blas: Option<String>,
    },
    Missing {
        what: String,
        detail: String,
    },
    Check {
        key: String,
        #[serde(rename = "impl")]
        implementation: String,
        values: Vec<f64>,
    },
    Time {
        key: String,
        #[serde(rename = "impl")]
        implementation: String,
        median_s: f64,
        min_s: f64,
        reps: usize,
        threads: usize,
    },
    Error {
        key: String,
        #[serde(rename = "impl")]
        implementation: String,
        message: String,
    },
}

/// The number of cells the script runs for these cases (for the progress count).
pub fn cell_count(cases: &[PyCase<'_>]) -> usize {
    cases
        .iter()
        .map(|c| 1 + usize::from(c.case.op.numexpr()))
        .sum()
}

fn budget_json(budget: Budget) -> serde_json::Value {
    serde_json::json!({
        "seconds": budget.seconds,
        "warmup": budget.warmup,
        "min_reps": budget.min_reps,
        "max_reps": budget.max_reps,
    })
}

/// The JSON spec the script reads from its first argument.
pub fn spec(cases: &[PyCase<'_>], start: usize, total: usize) -> String {
    let cases: Vec<serde_json::Value> = cases
        .iter()
        .map(|c| {
            let inputs = |case: &Case| -> Vec<serde_json::Value> {
                case.input_shapes()
                    .into_iter()
                    .zip(case.input_phases())
                    .map(|(shape, phase)| serde_json::json!({"shape": shape, "phase": phase}))
                    .collect()
            };
            serde_json::json!({
                "key": c.case.key(),
                "op": c.case.op.code(),
                "dtype": c.case.dtype.name(),
                "shape": c.case.shape,
                "inputs": inputs(c.case),
                "check_shape": if c.check { Some(c.case.check_case().shape) } else { None },
                "check_inputs": if c.check { Some(inputs(&c.case.check_case())) } else { None },
                "batch": c.case.op.batch(),
                "numexpr": c.case.op.numexpr(),
                "label": c.label,
                "budget": budget_json(c.budget),
            })
        })
        .collect();
    serde_json::json!({
        "cases": cases,
        "start": start,
        "total": total,
    })
    .to_string()
}

/// Runs the script on `cases`; progress lines go to stderr as it runs.
pub fn run(cases: &[PyCase<'_>], start: usize, total: usize) -> PyOutcome {
    let child = Command::new("python3")
        .arg("-c")
        .arg(SCRIPT)
        .arg(spec(cases, start, total))
        .env("OPENBLAS_NUM_THREADS", "2")
        .env("OMP_NUM_THREADS", "2")
        .env("NUMEXPR_NUM_THREADS", "2")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn();
    let output = match child.and_then(|c| c.wait_with_output()) {
        Ok(o) => o,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return PyOutcome::NotRun("python3 not found".into())
        }
        Err(e) => return PyOutcome::NotRun(format!("cannot run python3: {e}")),
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    let failure =
        (!output.status.success()).then(|| format!("python3 exited with {}", output.status));
    parse(&stdout, failure)
}

/// Reads the script's output lines.
pub fn parse(stdout: &str, failure: Option<String>) -> PyOutcome {
    let mut versions = None;
    let mut cells: HashMap<(String, String), PyCell> = HashMap::new();
    for line in stdout.lines().filter(|l| l.trim_start().starts_with('{')) {
        let Ok(parsed) = serde_json::from_str::<Line>(line) else {
            continue;
        };
        match parsed {
            Line::Info {
                numpy,
                numexpr,
                blas,
            } => {
                let blas = blas.map(|b| format!(" ({b})")).unwrap_or_default();
                versions = Some(match numexpr {
                    Some(v) => format!("NumPy {numpy}{blas}, numexpr {v} (2 threads)"),
                    None => format!("NumPy {numpy}{blas}, numexpr not found"),
                })
            }
            Line::Missing { what, detail } => {
                return PyOutcome::NotRun(format!("{what} not found: {detail}"))
            }
            Line::Check {
                key,
                implementation,
                values,
            } => cells.entry((key, implementation)).or_default().check = Some(values),
            Line::Time {
                key,
                implementation,
                median_s,
                min_s,
                reps,
                threads,
            } => {
                cells.entry((key, implementation)).or_default().time =
                    Some((median_s, min_s, reps, threads))
            }
            Line::Error {
                key,
                implementation,
                message,
            } => cells.entry((key, implementation)).or_default().error = Some(message),
        }
    }
    match versions {
        Some(versions) => PyOutcome::Ran {
            versions,
            cells,
            failure,
        },
        None => PyOutcome::NotRun(failure.unwrap_or_else(|| "no output from python3".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::workloads::Op;
    use numcrane::DType;

    #[test]
    fn parses_the_script_lines() {
        let out = r#"{"kind": "info", "numpy": "2.4.6", "numexpr": null, "blas": "openblas 0.3.31, 2 threads (threadpoolctl)"}
{"kind": "check", "key": "k", "impl": "numpy", "values": [1.0, 2.5]}
{"kind": "time", "key": "k", "impl": "numpy", "median_s": 0.5, "min_s": 0.25, "reps": 7, "threads": 1}
{"kind": "error", "key": "k", "impl": "numexpr-2t", "message": "not run (numexpr not found)"}
"#;
        let PyOutcome::Ran {
            versions, cells, ..
        } = parse(out, None)
        else {
            panic!("not parsed");
        };
        assert!(versions.contains("2.4.6") && versions.contains("2 threads (threadpoolctl)"));
        let c = &cells[&("k".to_string(), NUMPY.to_string())];
        assert_eq!(c.check.as_deref(), Some(&[1.0, 2.5][..]));
        assert_eq!(c.time, Some((0.5, 0.25, 7, 1)));
        assert!(cells[&("k".to_string(), NUMEXPR.to_string())]
            .error
            .is_some());
        let missing = parse(
            r#"{"kind": "missing", "what": "numpy", "detail": "x"}"#,
            None,
        );
        assert!(matches!(missing, PyOutcome::NotRun(m) if m.starts_with("numpy not found")));
    }

    #[test]
    fn spec_names_cases_and_counts_cells() {
        let w1 = Case::new(Op::W1, DType::F32, &[100]);
        let w3 = Case::new(Op::W3, DType::F64, &[4, 4]);
        let budget = Budget {
            seconds: 0.1,
            warmup: 0.0,
            min_reps: 1,
            max_reps: 2,
        };
        let cases = [
            PyCase {
                case: &w1,
                label: "W1".into(),
                check: true,
                budget,
            },
            PyCase {
                case: &w3,
                label: "W3".into(),
                check: false,
                budget,
            },
        ];
        assert_eq!(cell_count(&cases), 3);
        let v: serde_json::Value = serde_json::from_str(&spec(&cases, 4, 10)).unwrap();
        assert_eq!(v["cases"][0]["key"], "w1:float32:100");
        assert_eq!(v["cases"][0]["check_shape"][0], 1003);
        assert!(v["cases"][1]["check_shape"].is_null());
        assert_eq!(v["start"], 4);
        assert_eq!(v["cases"][1]["budget"]["max_reps"], 2);
        assert_eq!(v["cases"][0]["inputs"].as_array().unwrap().len(), 5);
        assert_eq!(v["cases"][0]["check_inputs"][4]["phase"], 0.5);
        assert_eq!(v["cases"][1]["inputs"][0]["shape"][1], 4);
        let w7 = Case::new(Op::Dense, DType::F32, &[8, 6, 4]);
        let cases = [PyCase {
            case: &w7,
            label: "W7".into(),
            check: true,
            budget,
        }];
        let v: serde_json::Value = serde_json::from_str(&spec(&cases, 0, 1)).unwrap();
        let shapes: Vec<&serde_json::Value> = v["cases"][0]["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| &i["shape"])
            .collect();
        assert_eq!(
            shapes,
            [
                &serde_json::json!([8, 6]),
                &serde_json::json!([6, 4]),
                &serde_json::json!([4])
            ]
        );
    }
}
