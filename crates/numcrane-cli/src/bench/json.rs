//! The suite's results as records (one per workload, dtype, size and implementation), the
//! ratios derived from them (to NumPy, to the bandwidth floor), and the `--json FILE` output:
//! a JSON list of these records.

use serde::Serialize;
use std::path::Path;

/// The implementation names, in table order.
pub const IMPLS: [&str; 5] = [
    "numcrane",
    "numcrane-unfused",
    "ndarray",
    "numpy",
    "numexpr-2t",
];

/// Status of a record that was measured.
pub const OK: &str = "ok";

/// One measured (or not measured) cell.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Record {
    /// "W1" ... "W8"
    pub workload: String,
    /// The computation in NumPy notation (`a*b + c*d - e`, `X.sum(axis=0)`).
    pub op: String,
    /// "numcrane", "numcrane-unfused", "ndarray", "numpy" or "numexpr-2t".
    #[serde(rename = "impl")]
    pub implementation: String,
    /// "float32" or "float64".
    pub dtype: String,
    /// Elements per input (matrix products: `m k n`, the multiply-adds).
    pub size: usize,
    /// The input shape (matrix products: `[m, k, n]`, `A` m x k times `B` k x n).
    pub shape: Vec<usize>,
    /// Threads the implementation computes on.
    pub threads: usize,
    /// "main" (the suite's rows) or "sweep" (the time-against-size charts).
    pub suite: String,
    /// "ok", "error: ..." or "not run (...)".
    pub status: String,
    /// Median seconds per call.
    pub median_s: Option<f64>,
    /// Fastest call, seconds.
    pub min_s: Option<f64>,
    /// Timed samples.
    pub reps: Option<usize>,
    /// Bytes read and written once / the triad bandwidth of the dtype, seconds.
    pub floor_s: Option<f64>,
    /// NumPy's median / this median (above 1: faster than NumPy).
    pub speedup_vs_numpy: Option<f64>,
    /// This median / the floor (1: memory speed; matrix products: the FMA peak).
    pub vs_floor: Option<f64>,
    /// Matrix products (W6, W7) only: `2 m k n` / the median, in GFLOP/s.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gflops: Option<f64>,
    /// Fused kernels the plan has (numcrane).
    pub kernels: Option<usize>,
    /// Kernels the JIT compiled for this row (first calls at the check size and the timed size).
    pub kernels_compiled: Option<usize>,
    /// First call minus a cached call on the small check size, where it compiled kernels.
    pub compile_s: Option<f64>,
    /// Peak resident bytes of the process while timing (Linux).
    pub peak_rss_bytes: Option<u64>,
    /// Peak resident bytes above those resident before the first timed call.
    pub extra_rss_bytes: Option<u64>,
}

impl Record {
    /// A record with the identifying fields set and nothing measured.
    pub fn new(
        workload: &str,
        op: &str,
        implementation: &str,
        dtype: &str,
        shape: &[usize],
        threads: usize,
    ) -> Record {
        Record {
            workload: workload.into(),
            op: op.into(),
            implementation: implementation.into(),
            dtype: dtype.into(),
            size: shape.iter().product(),
            shape: shape.to_vec(),
            threads,
            suite: "main".into(),
            status: OK.into(),
            median_s: None,
            min_s: None,
            reps: None,
            floor_s: None,
            speedup_vs_numpy: None,
            vs_floor: None,
            gflops: None,
            kernels: None,
            kernels_compiled: None,
            compile_s: None,
            peak_rss_bytes: None,
            extra_rss_bytes: None,
        }
    }

    /// True when it was measured.
    pub fn ok(&self) -> bool {
        self.status == OK && self.median_s.is_some()
    }

    /// True for failures (mismatching results, errors), not for cells that were not run.
    pub fn failed(&self) -> bool {
        self.status.starts_with("error")
    }

    /// Same workload, computation, dtype, shape and suite.
    pub fn same_row(&self, other: &Record) -> bool {
        self.workload == other.workload
            && self.op == other.op
            && self.dtype == other.dtype
            && self.shape == other.shape
            && self.suite == other.suite
    }
}

/// Seconds to move `bytes` at `gbs` GB/s; None without bytes or bandwidth.
pub fn floor_seconds(bytes: Option<usize>, gbs: Option<f64>) -> Option<f64> {
    match (bytes, gbs) {
        (Some(b), Some(g)) if g > 0.0 => Some(b as f64 / (g * 1e9)),
        _ => None,
    }
}

/// `num / den` where both exist and `den` is positive.
pub fn ratio(num: Option<f64>, den: Option<f64>) -> Option<f64> {
    match (num, den) {
        (Some(n), Some(d)) if d > 0.0 && n.is_finite() => Some(n / d),
        _ => None,
    }
}

/// `flops / seconds` in GFLOP/s.
pub fn gflops(flops: Option<f64>, seconds: Option<f64>) -> Option<f64> {
    ratio(flops, seconds).map(|f| f / 1e9)
}

/// Fills each record's ratios: NumPy's median of the same row over its median, and its median
/// over its floor.
pub fn fill_ratios(records: &mut [Record]) {
    let numpy: Vec<(usize, f64)> = records
        .iter()
        .enumerate()
        .filter(|(_, r)| r.implementation == "numpy" && r.ok())
        .filter_map(|(i, r)| r.median_s.map(|m| (i, m)))
        .collect();
    for i in 0..records.len() {
        let np = numpy
            .iter()
            .find(|(j, _)| records[*j].same_row(&records[i]))
            .map(|&(_, m)| m);
        let r = &mut records[i];
        let median = if r.ok() { r.median_s } else { None };
        r.speedup_vs_numpy = ratio(np, median);
        r.vs_floor = ratio(median, r.floor_s);
    }
}

/// The records as pretty JSON (a list).
pub fn to_json(records: &[Record]) -> Result<String, String> {
    serde_json::to_string_pretty(records).map_err(|e| format!("cannot encode the results: {e}"))
}

/// Writes the records to `path`.
pub fn write(path: &Path, records: &[Record]) -> Result<(), String> {
    let text = to_json(records)?;
    std::fs::write(path, text + "\n").map_err(|e| format!("cannot write {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(implementation: &str, median: Option<f64>) -> Record {
        let mut r = Record::new("W1", "a*b + c*d - e", implementation, "float32", &[1000], 1);
        r.median_s = median;
        r.min_s = median;
        r.floor_s = Some(0.001);
        r
    }

    #[test]
    fn floor_is_bytes_over_bandwidth() {
        // 240 MB at 38.2 GB/s: 6.28 ms (W1 1e7 f32 in ../shared/baselines).
        let f = floor_seconds(Some(240_000_000), Some(38.2)).unwrap();
        assert!((f - 6.283e-3).abs() < 1e-6);
        assert_eq!(floor_seconds(None, Some(38.2)), None);
        assert_eq!(floor_seconds(Some(1), Some(0.0)), None);
        assert_eq!(floor_seconds(Some(1), None), None);
    }

    #[test]
    fn ratios_need_both_sides() {
        assert_eq!(ratio(Some(6.0), Some(2.0)), Some(3.0));
        assert_eq!(ratio(Some(6.0), Some(0.0)), None);
        assert_eq!(ratio(None, Some(2.0)), None);
        assert_eq!(ratio(Some(f64::NAN), Some(2.0)), None);
    }

    #[test]
    fn fill_ratios_compares_with_numpy_of_the_same_row() {
        let mut other = rec("numpy", Some(1.0));
        other.shape = vec![10];
        let mut broken = rec("ndarray", Some(0.5));
        broken.status = "error: mismatch".into();
        let mut rs = vec![
            rec("numcrane", Some(0.002)),
            rec("numpy", Some(0.008)),
            other,
            broken,
            rec("numexpr-2t", None),
        ];
        fill_ratios(&mut rs);
        assert_eq!(rs[0].speedup_vs_numpy, Some(4.0));
        assert_eq!(rs[0].vs_floor, Some(2.0));
        assert_eq!(rs[1].speedup_vs_numpy, Some(1.0));
        assert_eq!(rs[2].speedup_vs_numpy, Some(1.0));
        assert_eq!(rs[3].speedup_vs_numpy, None);
        assert_eq!(rs[4].vs_floor, None);
    }

    #[test]
    fn json_is_a_list_of_records_with_the_issue_fields() {
        let mut r = rec("numcrane", Some(0.002));
        r.kernels = Some(1);
        r.compile_s = Some(5e-4);
        r.peak_rss_bytes = Some(1 << 20);
        let v: serde_json::Value = serde_json::from_str(&to_json(&[r]).unwrap()).unwrap();
        let list = v.as_array().unwrap();
        assert_eq!(list.len(), 1);
        let o = list[0].as_object().unwrap();
        for field in [
            "workload",
            "impl",
            "dtype",
            "size",
            "threads",
            "median_s",
            "min_s",
            "kernels",
            "compile_s",
            "peak_rss_bytes",
        ] {
            assert!(o.contains_key(field), "{field}");
        }
        assert_eq!(o["impl"], "numcrane");
        assert_eq!(o["workload"], "W1");
        assert_eq!(o["size"], 1000);
        assert_eq!(o["median_s"], 0.002);
        assert!(!o.contains_key("gflops"));
        let mut w6 = Record::new("W6", "A @ B", "numcrane", "float32", &[512, 512, 512], 2);
        w6.median_s = Some(2e-3);
        w6.gflops = gflops(Some(2.0 * 512f64.powi(3)), w6.median_s);
        let v: serde_json::Value = serde_json::from_str(&to_json(&[w6]).unwrap()).unwrap();
        let g = v[0]["gflops"].as_f64().unwrap();
        assert!((g - 134.217_728).abs() < 1e-6, "{g}");
    }
}
