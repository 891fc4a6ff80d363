//! `--report DIR`: a Markdown report (report.md) of the run with its SVG charts next to it
//! (speedup.svg, w1_size.svg, w2_size.svg, w6_size.svg; see [`super::charts`]).

use super::charts;
use super::json::Record;
use super::suite::Results;
use super::table::{fmt_gflops, fmt_mb, fmt_ratio, fmt_time, groups, size_text};
use std::path::Path;

/// The date and time now in UTC, `2026-11-28 07:55 UTC` (no time-zone database needed).
fn utc_now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (days, rest) = ((secs / 86_400) as i64, secs % 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        rest / 3600,
        rest % 3600 / 60
    )
}

fn cell(r: Option<&&Record>) -> String {
    match r {
        Some(r) if r.ok() => r.median_s.map(fmt_time).unwrap_or_else(|| "-".into()),
        Some(r) if r.status.starts_with("not run") => "not run".into(),
        Some(r) if r.failed() => "error".into(),
        _ => "-".into(),
    }
}

/// The matrix products' rows (W6, W7) in GFLOP/s, with the FMA peak of the run; empty when
/// none was measured.
fn products_table(results: &Results) -> String {
    let rows: Vec<Vec<&Record>> = groups(&results.records, "main")
        .into_iter()
        .filter(|g| g.iter().any(|r| r.gflops.is_some()))
        .collect();
    if rows.is_empty() {
        return String::new();
    }
    let mut md = String::from(
        "### Matrix products in GFLOP/s\n\n2 m k n / median (W7: the product's flops; bias and \
         maximum not counted). numcrane runs on its packed GEMM (numcrane-kernels) on all its \
         threads, ndarray's `dot` on matrixmultiply on 1 thread, NumPy's `@` on its BLAS on 2 \
         threads.\n\n| workload | size | dtype | numcrane | numcrane-unfused | ndarray | NumPy \
         | numcrane / NumPy | FMA peak |\n|---|---|---|---|---|---|---|---|---|\n",
    );
    let peak = results.machine.fma_gflops;
    for g in rows {
        let head = g[0];
        let gf = |i: &str| {
            g.iter()
                .find(|r| r.implementation == i)
                .and_then(|r| r.gflops)
        };
        let text = |v: Option<f64>| v.map(fmt_gflops).unwrap_or_else(|| "-".into());
        let lanes = if head.dtype == "float64" { 0.5 } else { 1.0 };
        md.push_str(&format!(
            "| {} `{}` | {} | {} | {} | {} | {} | {} | {} | {} |\n",
            head.workload,
            head.op,
            size_text(head),
            head.dtype,
            text(gf("numcrane")),
            text(gf("numcrane-unfused")),
            text(gf("ndarray")),
            text(gf("numpy")),
            super::json::ratio(gf("numcrane"), gf("numpy"))
                .map(fmt_ratio)
                .unwrap_or_else(|| "-".into()),
            text(peak.map(|p| p * lanes)),
        ));
    }
    md.push('\n');
    md
}

/// The Markdown text; `charts` lists the SVG files written (file name, caption).
pub fn markdown(results: &Results, charts: &[(String, String)]) -> String {
    let m = &results.machine;
    let mut md = String::from("# numcrane bench\n\n");
    md.push_str(&format!(
        "Run on {} ({}): {}, {} cores, load average {} before, {} after; numcrane on {} \
         threads; {:.0} s in all.\n\n",
        utc_now(),
        if results.settings.quick {
            "`numcrane bench --quick`: reduced sizes and about 0.05 s per cell, for checking \
             that the suite works, not for numbers"
        } else {
            "`numcrane bench`: about 0.7 s of timed calls per cell"
        },
        m.cpu,
        m.cores,
        m.load.0,
        m.load.1,
        results.threads,
        results.seconds
    ));
    md.push_str("## Machine limits, measured in the same run\n\n");
    md.push_str("| measurement | dtype | when | best | median |\n|---|---|---|---|---|\n");
    for (dtype, when, t) in &m.triads {
        md.push_str(&format!(
            "| STREAM triad `a[i] = b[i] + s*c[i]`, 1e7, 2 threads | {dtype} | {when} | {:.1} GB/s | {:.1} GB/s |\n",
            t.best_gbs, t.median_gbs
        ));
    }
    if let Some(g) = m.fma_gflops {
        md.push_str(&format!(
            "| f32 FMA peak, estimate (register-only `mul_add` loop, 2 threads) | float32 | start | {g:.0} GFLOP/s | |\n"
        ));
    }
    md.push_str(&format!("\nNumPy side: {}.\n\n", results.python));

    md.push_str("## Results (medians)\n\n");
    md.push_str(
        "| workload | size | dtype | numcrane | numcrane-unfused | ndarray | NumPy | numexpr 2t \
         | floor | NumPy / numcrane | numcrane / floor | kernels | compile | peak RSS (+extra) |\n",
    );
    md.push_str("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for g in groups(&results.records, "main") {
        let head = g[0];
        let by = |i: &str| g.iter().find(|r| r.implementation == i);
        let nc = by("numcrane").filter(|r| r.ok());
        let rss = nc
            .and_then(|r| {
                Some(format!(
                    "{} (+{})",
                    fmt_mb(r.peak_rss_bytes?),
                    fmt_mb(r.extra_rss_bytes?)
                ))
            })
            .unwrap_or_else(|| "-".into());
        md.push_str(&format!(
            "| {} `{}` | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
            head.workload,
            head.op,
            size_text(head),
            head.dtype,
            cell(by("numcrane")),
            cell(by("numcrane-unfused")),
            cell(by("ndarray")),
            cell(by("numpy")),
            cell(by("numexpr-2t")),
            head.floor_s.map(fmt_time).unwrap_or_else(|| "-".into()),
            nc.and_then(|r| r.speedup_vs_numpy)
                .map(fmt_ratio)
                .unwrap_or_else(|| "-".into()),
            nc.and_then(|r| r.vs_floor)
                .map(fmt_ratio)
                .unwrap_or_else(|| "-".into()),
            nc.and_then(|r| r.kernels)
                .map(|k| k.to_string())
                .unwrap_or_else(|| "-".into()),
            match nc.map(|r| (r.compile_s, r.kernels_compiled)) {
                Some((Some(c), _)) => fmt_time(c),
                Some((None, Some(0))) => "cached".into(),
                _ => "-".into(),
            },
            rss,
        ));
    }
    md.push('\n');
    md.push_str(&products_table(results));
    for r in results.records.iter().filter(|r| r.shape.is_empty()) {
        md.push_str(&format!("- {} `{}`: {}.\n", r.workload, r.op, r.status));
    }
    let failed: Vec<&Record> = results.records.iter().filter(|r| r.failed()).collect();
    if !failed.is_empty() {
        md.push_str("\n### Errors\n\n");
        for r in failed {
            md.push_str(&format!(
                "- {} `{}` {} {} {}: {}\n",
                r.workload,
                r.op,
                r.dtype,
                size_text(r),
                r.implementation,
                r.status
            ));
        }
    }
    md.push_str(
        "\nHow to read it: the floor is the bytes the computation must read and write once \
         divided by the best triad bandwidth of its dtype (docs/performance.md); numcrane / \
         floor near 1 is memory speed, and below 1 where the inputs partly stay in the cache \
         between calls (small sizes, --quick). NumPy / numcrane above 1: numcrane is faster. \
         numcrane-unfused runs one kernel per operation: the gap to numcrane is what fusion \
         buys. ndarray is eager (one temporary per operation) and single-threaded, as ndarray \
         is by default; NumPy is single-threaded for these operations; numexpr runs on 2 \
         threads (W1, W2 only). Compile: the first call of a kernel structure minus a cached \
         call, on the small check shape (\"cached\": its kernels were compiled by an earlier \
         row). Peak RSS: VmHWM of the process while timing, reset before the first call; \
         +extra is above what was resident before it. Matrix products (W6, W7): the floor is \
         2 m k n over the FMA peak measured in the run (float64: half of float32's); ndarray's \
         `dot` runs on the matrixmultiply crate on 1 thread, NumPy's `@` on its BLAS on 2 \
         threads, numcrane's product on its packed GEMM on all its threads. Every implementation's result was \
         compared with numcrane's on a small shape before timing; numcrane's with its \
         reference evaluator.\n",
    );
    for (file, caption) in charts {
        md.push_str(&format!("\n## {caption}\n\n![{caption}]({file})\n"));
    }
    md
}

/// Writes report.md and the charts into `dir` (created if missing); returns report.md's path.
pub fn write(dir: &Path, results: &Results) -> Result<std::path::PathBuf, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let save = |name: &str, text: &str| {
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
    };
    let mut written = Vec::new();
    let numpy_ran = results
        .records
        .iter()
        .any(|r| r.implementation == "numpy" && r.ok());
    let baseline = if numpy_ran { "numpy" } else { "ndarray" };
    if let Some(svg) = charts::speedup_svg(&results.records, baseline)? {
        save("speedup.svg", &svg)?;
        let caption = if numpy_ran {
            "Speed-up over NumPy".to_string()
        } else {
            "Speed-up over ndarray (NumPy did not run)".to_string()
        };
        written.push(("speedup.svg".to_string(), caption));
    }
    for workload in ["W1", "W2", "W6"] {
        if let Some(svg) = charts::size_svg(&results.records, workload)? {
            let name = format!("{}_size.svg", workload.to_lowercase());
            save(&name, &svg)?;
            written.push((name, format!("{workload}: time against size")));
        }
    }
    let path = dir.join("report.md");
    save("report.md", &markdown(results, &written))?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_date_is_well_formed() {
        let t = utc_now();
        assert_eq!(t.len(), "2026-11-28 07:55 UTC".len(), "{t}");
        assert!(t.ends_with(" UTC") && t.starts_with("20"));
    }
}
