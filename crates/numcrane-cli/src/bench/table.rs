//! The terminal table: the machine's limits, then one block per row of the suite (workload,
//! dtype, size, floor) with a line per implementation: median, min, speed-up over NumPy, time
//! over the floor, and for numcrane its kernels, compile time and peak memory; for the matrix
//! products (W6, W7) also GFLOP/s.

use super::json::{Record, IMPLS};
use super::suite::Results;

/// Seconds in the unit that reads best: `6.19 ms`, `1.05 us`, `1.23 s`.
pub fn fmt_time(s: f64) -> String {
    let (v, unit) = if s >= 1.0 {
        (s, "s")
    } else if s >= 1e-3 {
        (s * 1e3, "ms")
    } else if s >= 1e-6 {
        (s * 1e6, "us")
    } else {
        (s * 1e9, "ns")
    };
    let digits = if v < 10.0 {
        2
    } else if v < 100.0 {
        1
    } else {
        0
    };
    format!("{v:.digits$} {unit}")
}

/// A ratio as `3.16x` (`31.6x` from 10 on).
pub fn fmt_ratio(r: f64) -> String {
    if r < 10.0 {
        format!("{r:.2}x")
    } else {
        format!("{r:.1}x")
    }
}

/// GFLOP/s as `142.3` (`9.81` below 10).
pub fn fmt_gflops(g: f64) -> String {
    if g < 10.0 {
        format!("{g:.2}")
    } else {
        format!("{g:.1}")
    }
}

/// Bytes as MB.
pub fn fmt_mb(b: u64) -> String {
    format!("{:.0} MB", b as f64 / 1e6)
}

fn opt(v: Option<String>) -> String {
    v.unwrap_or_else(|| "-".into())
}

/// The measured rows of `suite` ("main" or "sweep") grouped by (workload, op, dtype, shape),
/// in order (the workloads that are not available, with no shape, are left out).
pub fn groups<'r>(records: &'r [Record], suite: &str) -> Vec<Vec<&'r Record>> {
    let mut groups: Vec<Vec<&Record>> = Vec::new();
    for r in records
        .iter()
        .filter(|r| r.suite == suite && !r.shape.is_empty())
    {
        match groups.iter_mut().find(|g| g[0].same_row(r)) {
            Some(g) => g.push(r),
            None => groups.push(vec![r]),
        }
    }
    for g in &mut groups {
        g.sort_by_key(|r| IMPLS.iter().position(|i| *i == r.implementation));
    }
    groups
}

/// The size of a record as people write it.
pub fn size_text(r: &Record) -> String {
    match r.shape.as_slice() {
        [] => "-".into(),
        [n] => super::workloads::size_text(*n),
        [m, k, n] if r.workload == "W6" && m == k && k == n => format!("n={n}"),
        dims => dims
            .iter()
            .map(usize::to_string)
            .collect::<Vec<_>>()
            .join("x"),
    }
}

/// The whole table as text.
pub fn render(results: &Results) -> String {
    let m = &results.machine;
    let mut out = String::new();
    out.push_str(&format!(
        "numcrane bench{}: {}, {} cores, load {} -> {}; numcrane on {} threads; {:.0} s\n",
        if results.settings.quick {
            " --quick"
        } else {
            ""
        },
        m.cpu,
        m.cores,
        m.load.0,
        m.load.1,
        results.threads,
        results.seconds
    ));
    for (dtype, when, t) in &m.triads {
        out.push_str(&format!(
            "triad {dtype} ({when}, 1e7, 2 threads): best {:.1} GB/s, median {:.1} GB/s\n",
            t.best_gbs, t.median_gbs
        ));
    }
    if let Some(g) = m.fma_gflops {
        out.push_str(&format!(
            "f32 FMA peak (estimate, register-only loop, 2 threads): {g:.0} GFLOP/s\n"
        ));
    }
    out.push_str(&format!("NumPy side: {}\n", results.python));
    out.push_str(
        "floor = bytes read and written once / best triad bandwidth; vs NumPy = NumPy's median \
         / this median (above 1: faster); ndarray is eager and single-threaded\n",
    );
    if results.records.iter().any(|r| r.gflops.is_some()) {
        out.push_str(
            "W6, W7: GFLOP/s = 2 m k n / median; floor = 2 m k n / FMA peak (float64: half); \
             ndarray's dot runs on matrixmultiply, 1 thread; NumPy's @ on its BLAS, 2 threads\n",
        );
    }
    for g in groups(&results.records, "main") {
        let head = g[0];
        let floor = head.floor_s.map(fmt_time);
        let products = g.iter().any(|r| r.gflops.is_some());
        out.push_str(&format!(
            "\n{} {}  {}  {}{}\n",
            head.workload,
            head.op,
            head.dtype,
            size_text(head),
            floor.map(|f| format!("  floor {f}")).unwrap_or_default()
        ));
        // The GFLOP/s column, in the blocks of matrix products only.
        let flops_col = |v: String| {
            if products {
                format!("{v:>9}")
            } else {
                String::new()
            }
        };
        out.push_str(&format!(
            "  {:<17}{:>10}{:>10}{}{:>9}{:>9}{:>8}{:>10}  {}\n",
            "impl",
            "median",
            "min",
            flops_col("GFLOP/s".into()),
            "vs NumPy",
            "vs floor",
            "kernels",
            "compile",
            "peak RSS (+extra)"
        ));
        for r in g {
            if !r.ok() {
                out.push_str(&format!("  {:<17}{}\n", r.implementation, r.status));
                continue;
            }
            let rss = match (r.peak_rss_bytes, r.extra_rss_bytes) {
                (Some(p), Some(e)) => format!("{} (+{})", fmt_mb(p), fmt_mb(e)),
                _ => "-".into(),
            };
            let compile = match (r.compile_s, r.kernels_compiled) {
                (Some(c), _) => fmt_time(c),
                (None, Some(0)) => "cached".into(),
                _ => "-".into(),
            };
            out.push_str(&format!(
                "  {:<17}{:>10}{:>10}{}{:>9}{:>9}{:>8}{:>10}  {}\n",
                r.implementation,
                opt(r.median_s.map(fmt_time)),
                opt(r.min_s.map(fmt_time)),
                flops_col(opt(r.gflops.map(fmt_gflops))),
                opt(r.speedup_vs_numpy.map(fmt_ratio)),
                opt(r.vs_floor.map(fmt_ratio)),
                opt(r.kernels.map(|k| k.to_string())),
                compile,
                rss
            ));
        }
    }
    let missing: Vec<&Record> = results
        .records
        .iter()
        .filter(|r| r.shape.is_empty())
        .collect();
    if !missing.is_empty() {
        out.push('\n');
        for r in missing {
            out.push_str(&format!("{} {}: {}\n", r.workload, r.op, r.status));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_and_ratios_read_well() {
        assert_eq!(fmt_time(6.19e-3), "6.19 ms");
        assert_eq!(fmt_time(1.05e-6), "1.05 us");
        assert_eq!(fmt_time(0.0931), "93.1 ms");
        assert_eq!(fmt_time(2.5), "2.50 s");
        assert_eq!(fmt_ratio(3.156), "3.16x");
        assert_eq!(fmt_ratio(31.56), "31.6x");
        assert_eq!(fmt_mb(248_000_000), "248 MB");
        assert_eq!(fmt_gflops(142.34), "142.3");
        assert_eq!(fmt_gflops(9.814), "9.81");
    }

    #[test]
    fn groups_keep_rows_together_in_impl_order() {
        let mk = |i: &str, n: usize| Record::new("W1", "a", i, "float32", &[n], 1);
        let mut w6 = Record::new("W6", "A @ B", "numcrane", "float32", &[], 1);
        w6.status = "not run (no shape)".into();
        let rs = vec![
            mk("ndarray", 10),
            mk("numcrane", 10),
            mk("numcrane", 20),
            w6,
        ];
        let g = groups(&rs, "main");
        assert_eq!(g.len(), 2);
        assert_eq!(g[0][0].implementation, "numcrane");
        assert_eq!(g[0][1].implementation, "ndarray");
    }
}
