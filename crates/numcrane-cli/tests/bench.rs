//! End-to-end tests of `numcrane bench`: the built binary runs the suite with `--quick
//! --no-python` (well under a minute), and the JSON records, the Markdown report and its SVG
//! charts are checked; `--filter` runs only the workloads named.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A fresh scratch directory under the target directory.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("bench-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn bench(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_numcrane"))
        .arg("bench")
        .args(args)
        .output()
        .expect("run numcrane")
}

fn records(path: &Path) -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(path).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    v.as_array().expect("a list of records").clone()
}

#[test]
fn quick_suite_writes_json_and_report() {
    let dir = scratch("quick");
    let json = dir.join("out.json");
    let report = dir.join("report");
    let out = bench(&[
        "--quick",
        "--no-python",
        "--json",
        json.to_str().unwrap(),
        "--report",
        report.to_str().unwrap(),
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "exit {:?}\n{stdout}\n{stderr}",
        out.status
    );
    assert!(stderr.contains("[1/"), "no progress lines: {stderr}");
    assert!(stdout.contains("triad") && stdout.contains("not run (--no-python)"));
    assert!(stdout.contains("W6 A @ B") && stdout.contains("W7 maximum(X @ W + b, 0)"));
    assert!(stdout.contains("GFLOP/s") && !stdout.contains("not available"));

    let records = records(&json);
    for workload in ["W1", "W2", "W3", "W4", "W5", "W6", "W7", "W8"] {
        for implementation in ["numcrane", "numcrane-unfused", "ndarray"] {
            let rows: Vec<&serde_json::Value> = records
                .iter()
                .filter(|r| {
                    r["workload"] == workload && r["impl"] == implementation && r["suite"] == "main"
                })
                .collect();
            assert!(!rows.is_empty(), "no {workload} {implementation} record");
            for r in rows {
                for field in ["dtype", "size", "threads", "median_s", "min_s"] {
                    assert!(r.get(field).is_some(), "{field} missing in {r}");
                }
                assert_eq!(r["status"], "ok", "{r}");
                let median = r["median_s"].as_f64().unwrap();
                let min = r["min_s"].as_f64().unwrap();
                assert!(median > 0.0 && min > 0.0 && min <= median, "{r}");
                assert!(r["size"].as_u64().unwrap() > 0 && r["threads"].as_u64().unwrap() > 0);
                let product = workload == "W6" || workload == "W7";
                if implementation == "numcrane" {
                    for field in ["kernels", "compile_s", "peak_rss_bytes"] {
                        assert!(r.get(field).is_some(), "{field} missing in {r}");
                    }
                    // W6 is one GEMM step, no element-wise kernel.
                    let least = if workload == "W6" { 0 } else { 1 };
                    assert!(r["kernels"].as_u64().unwrap() >= least, "{r}");
                }
                if product {
                    // GFLOP/s = 2 m k n / median, shape [m, k, n].
                    let dims: Vec<f64> = r["shape"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|d| d.as_f64().unwrap())
                        .collect();
                    assert_eq!(dims.len(), 3, "{r}");
                    let want = 2.0 * dims.iter().product::<f64>() / median / 1e9;
                    let gflops = r["gflops"].as_f64().expect("gflops");
                    assert!((gflops - want).abs() <= 1e-9 * want, "{r}");
                } else {
                    assert!(r.get("gflops").is_none(), "{r}");
                }
            }
        }
    }
    let numpy: Vec<_> = records.iter().filter(|r| r["impl"] == "numpy").collect();
    assert!(!numpy.is_empty());
    assert!(numpy.iter().all(|r| r["median_s"].is_null()));
    let dtypes: Vec<&str> = records.iter().filter_map(|r| r["dtype"].as_str()).collect();
    assert!(dtypes.contains(&"float32") && dtypes.contains(&"float64"));
    let w6_sizes: Vec<u64> = records
        .iter()
        .filter(|r| r["workload"] == "W6" && r["impl"] == "numcrane" && r["suite"] == "main")
        .map(|r| r["shape"][0].as_u64().unwrap())
        .collect();
    assert_eq!(
        w6_sizes,
        [256, 512, 256, 512],
        "--quick: n = 256, 512 in both dtypes"
    );

    let md = std::fs::read_to_string(report.join("report.md")).expect("report.md");
    let svgs: Vec<&str> = md
        .split("](")
        .skip(1)
        .filter_map(|s| s.split(')').next())
        .filter(|s| s.ends_with(".svg"))
        .collect();
    assert!(svgs.len() >= 4, "report references {svgs:?}");
    assert!(svgs.contains(&"w6_size.svg"), "{svgs:?}");
    assert!(md.contains("Matrix products in GFLOP/s"));
    for svg in svgs {
        let text = std::fs::read_to_string(report.join(svg)).expect(svg);
        assert!(
            text.starts_with("<svg") || text.starts_with("<?xml"),
            "{svg}: {}",
            &text[..text.len().min(60)]
        );
    }
}

#[test]
fn filter_runs_only_the_workloads_named() {
    let dir = scratch("filter");
    let json = dir.join("w1.json");
    let out = bench(&[
        "--quick",
        "--no-python",
        "--filter",
        "W1",
        "--json",
        json.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let records = records(&json);
    assert!(!records.is_empty());
    assert!(records.iter().all(|r| r["workload"] == "W1"), "{records:?}");
}

#[test]
fn bad_arguments_are_usage_errors() {
    let out = bench(&["--filter", "W9"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("W9"));
    let help = bench(&["--help"]);
    assert!(help.status.success());
    assert!(String::from_utf8_lossy(&help.stdout).contains("--quick"));
}
