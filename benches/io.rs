//! Issue 9's file benchmarks: save and load a 1 GiB float64 `.npy` (GB/s, beside a plain copy
//! of the same file as the floor), read it through a memory map, and `loadtxt` a CSV of 1e6
//! rows x 10 float columns. `python3 benches/io_numpy.py DIR` times NumPy on the same files.
//!
//! Run: `cargo bench --bench io -- [DIR]` (DIR: where the files go, default the system's
//! temporary directory; it needs about 3 GiB free). Each step runs 3 times; the median is
//! printed as tab-separated `IO  step  seconds  GB/s`.

use numcrane::io::{load_npy, load_npy_mmap, loadtxt, save_npy, LoadTxt, MmapMode};
use numcrane::Array;
use std::path::Path;
use std::time::Instant;

fn median_seconds(mut run: impl FnMut()) -> f64 {
    let mut times: Vec<f64> = (0..3)
        .map(|_| {
            let t = Instant::now();
            run();
            t.elapsed().as_secs_f64()
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[1]
}

fn report(step: &str, seconds: f64, bytes: u64) {
    println!(
        "IO\t{step}\t{seconds:.4}\t{:.2}",
        bytes as f64 / seconds / 1e9
    );
}

fn main() {
    let dir = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .map(std::path::PathBuf::from)
        .unwrap_or_else(std::env::temp_dir);
    let npy = dir.join("numcrane-bench-1gib.npy");
    let copy = dir.join("numcrane-bench-copy.npy");
    let csv = dir.join("numcrane-bench-1e6x10.csv");

    let n = (1usize << 30) / 8;
    let a = Array::from_vec((0..n).map(|i| i as f64 * 0.5).collect(), [n / 1024, 1024]);
    let bytes = (n * 8) as u64;
    report(
        "save_npy",
        median_seconds(|| save_npy(&npy, &a).unwrap()),
        bytes,
    );
    report(
        "file_copy",
        median_seconds(|| {
            std::fs::copy(&npy, &copy).unwrap();
        }),
        bytes,
    );
    report(
        "load_npy",
        median_seconds(|| {
            load_npy(&npy).unwrap();
        }),
        bytes,
    );
    report(
        "mmap_sum",
        median_seconds(|| {
            let m = load_npy_mmap(&npy, MmapMode::ReadOnly).unwrap();
            m.sum(..).item::<f64>().unwrap();
        }),
        bytes,
    );

    write_csv(&csv);
    let csv_bytes = std::fs::metadata(&csv).unwrap().len();
    let opts = LoadTxt {
        delimiter: Some(",".into()),
        ..Default::default()
    };
    report(
        "loadtxt_1e6x10",
        median_seconds(|| {
            loadtxt(&csv, &opts).unwrap();
        }),
        csv_bytes,
    );
    for p in [&npy, &copy, &csv] {
        let _ = std::fs::remove_file(p);
    }
}

/// 1e6 rows of 10 floats with NumPy's default `%.18e` digits (as np.savetxt writes them).
fn write_csv(path: &Path) {
    let mut text = String::with_capacity(260 << 20);
    for r in 0..1_000_000u64 {
        for c in 0..10u64 {
            if c > 0 {
                text.push(',');
            }
            let v = ((r * 10 + c) as f64).sqrt() * 1.25;
            text.push_str(&format!("{v:.18e}"));
        }
        text.push('\n');
    }
    std::fs::write(path, text).unwrap();
}
