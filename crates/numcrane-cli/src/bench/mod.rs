//! `numcrane bench`: the fused-kernel benchmark suite (issue 4).
//!
//! `numcrane bench [--filter W1,W5] [--quick] [--json FILE] [--report DIR] [--no-python]`
//! runs the workloads of ../shared/baselines (W1..W8; W6 `A @ B` and W7
//! `maximum(X @ W + b, 0)` also in GFLOP/s) on numcrane (default backend), numcrane with
//! fusion off, the ndarray crate, and NumPy / numexpr when python3 with numpy is there;
//! measures the machine's triad bandwidth and FMA peak in the same run; prints a table, and
//! optionally writes JSON records and a Markdown report with SVG charts.
//!
//! Modules, one job each: [`workloads`] (cases, inputs, floors, numcrane's expressions),
//! [`timing`] (the measuring rule, peak memory), [`machine`] (triad, FMA), the anchors
//! [`ndarray_anchor`] and [`python_anchor`] (with the embedded numpy_anchor.py), [`verify`]
//! (result checks), [`suite`] (runs it all), [`table`] (terminal), [`json`] (records and
//! ratios), [`report`] and [`charts`] (Markdown and SVG).

mod charts;
mod json;
mod machine;
mod ndarray_anchor;
mod python_anchor;
mod report;
mod suite;
mod table;
mod timing;
mod verify;
mod workloads;

use std::path::PathBuf;

/// The usage text of `numcrane bench`.
pub const USAGE: &str = "\
usage: numcrane bench [--filter W1,W5] [--quick] [--json FILE] [--report DIR] [--no-python]

Runs the benchmark suite (workloads W1..W8 of ../shared/baselines; the matrix products W6
and W7 also in GFLOP/s) on numcrane, numcrane with fusion off, ndarray, and NumPy / numexpr
when python3 with numpy is there, with the machine's triad bandwidth and FMA peak measured in
the same run.

--filter W1,W5   only these workloads (W1 W2 W3 W4 W5 W6 W7 W8)
--quick          small sizes (W6 n = 256, 512) and about 0.05 s per cell (under a minute)
--json FILE      write the results as a JSON list of records
--report DIR     write DIR/report.md with SVG charts (also runs W1 and W2 at 1e3..1e8 and
                 W6 at n = 64..2048, float32)
--no-python      do not run the NumPy / numexpr side

Exit status: 0, 1 when a result was wrong or a cell failed, 2 for usage errors.
See docs/cli.md.
";

/// `numcrane bench`'s options.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Options {
    /// Workloads to run; empty: all.
    pub filter: Vec<String>,
    /// `--quick`
    pub quick: bool,
    /// `--json FILE`
    pub json: Option<PathBuf>,
    /// `--report DIR`
    pub report: Option<PathBuf>,
    /// Not `--no-python`.
    pub python: bool,
    /// `--help`
    pub help: bool,
}

const WORKLOADS: [&str; 8] = ["W1", "W2", "W3", "W4", "W5", "W6", "W7", "W8"];

/// Parses the arguments after `bench`. Flags take their value as the next argument or after
/// `=`.
pub fn parse(args: &[String]) -> Result<Options, String> {
    let mut o = Options {
        python: true,
        ..Options::default()
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        let mut value = |name: &str| -> Result<String, String> {
            inline
                .clone()
                .or_else(|| it.next().cloned())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag {
            "--quick" => o.quick = true,
            "--no-python" => o.python = false,
            "--help" | "-h" => o.help = true,
            "--json" => o.json = Some(PathBuf::from(value("--json FILE")?)),
            "--report" => o.report = Some(PathBuf::from(value("--report DIR")?)),
            "--filter" => {
                for w in value("--filter W1,W5")?.split(',') {
                    let w = w.trim().to_uppercase();
                    if w.is_empty() {
                        continue;
                    }
                    if !WORKLOADS.contains(&w.as_str()) {
                        return Err(format!(
                            "--filter: unknown workload {w:?} (known: {})",
                            WORKLOADS.join(", ")
                        ));
                    }
                    o.filter.push(w);
                }
                if o.filter.is_empty() {
                    return Err("--filter needs workloads, e.g. --filter W1,W5".into());
                }
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(o)
}

/// Runs `numcrane bench ARGS`; returns the exit code.
pub fn main(args: &[String]) -> u8 {
    let opts = match parse(args) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("numcrane bench: {e}\n\n{USAGE}");
            return 2;
        }
    };
    if opts.help {
        print!("{USAGE}");
        return 0;
    }
    let settings = suite::Settings {
        quick: opts.quick,
        filter: opts.filter.clone(),
        python: opts.python,
        sweep: opts.report.is_some(),
    };
    let results = suite::run(&settings);
    println!("{}", table::render(&results));
    let mut code = 0;
    if let Some(path) = &opts.json {
        match json::write(path, &results.records) {
            Ok(()) => eprintln!("wrote {}", path.display()),
            Err(e) => {
                eprintln!("numcrane bench: {e}");
                code = 1;
            }
        }
    }
    if let Some(dir) = &opts.report {
        match report::write(dir, &results) {
            Ok(path) => eprintln!("wrote {}", path.display()),
            Err(e) => {
                eprintln!("numcrane bench: {e}");
                code = 1;
            }
        }
    }
    let failed = results.records.iter().filter(|r| r.failed()).count();
    if failed > 0 {
        eprintln!("numcrane bench: {failed} cell(s) failed (see the table)");
        code = 1;
    }
    code
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn parses_the_flags() {
        let o = parse(&args(&[
            "--filter",
            "w1, W5",
            "--quick",
            "--json=out.json",
            "--report",
            "dir",
            "--no-python",
        ]))
        .unwrap();
        assert_eq!(o.filter, ["W1", "W5"]);
        assert!(o.quick && !o.python);
        assert_eq!(o.json, Some(PathBuf::from("out.json")));
        assert_eq!(o.report, Some(PathBuf::from("dir")));
        assert!(parse(&[]).unwrap().python);
    }

    #[test]
    fn rejects_bad_arguments() {
        assert!(parse(&args(&["--filter", "W9"]))
            .unwrap_err()
            .contains("W9"));
        assert!(parse(&args(&["--json"]))
            .unwrap_err()
            .contains("needs a value"));
        assert!(parse(&args(&["--fast"])).is_err());
        assert!(parse(&args(&["--filter", ","])).is_err());
    }
}
