//! A synthetic classification data set: 1000 samples of 5 features (correlated through a
//! random mixing matrix), labels from a noisy linear rule, saved as a compressed .npz with
//! NumPy's names (`X`, `y`, `w_true`) that `np.load` opens, then loaded back and compared.
//!
//! Run with `cargo run --release --example make_dataset [OUT_DIR]` (tests/examples.rs runs it).

use numcrane::io::{load_npz, savez_compressed};
use numcrane::random::default_rng;
use numcrane::{matmul, Array, DType};
use std::path::{Path, PathBuf};

/// The data set and where it was written.
pub struct Dataset {
    pub x: Array,
    pub y: Array,
    pub w_true: Array,
    pub path: PathBuf,
}

/// Makes `n` samples and saves them in `dir/dataset.npz`.
pub fn run(n: usize, dir: &Path) -> numcrane::Result<Dataset> {
    let mut rng = default_rng(2026);
    let mixing = rng.standard_normal([5, 5]) * 0.5 + numcrane::eye(5, DType::F64);
    let x = matmul(&rng.standard_normal([n, 5]), &mixing).eval()?;
    let w_true = numcrane::array([1.5, -2.0, 0.0, 0.7, 3.0]);
    // Label 1 where the linear score plus logistic noise is positive.
    let u = rng.uniform(1e-12, 1.0, n);
    let noise = (&u / (1.0f64 - &u)).log();
    let y = (matmul(&x, &w_true) + noise)
        .gt(0.0)
        .astype(DType::I64)
        .eval()?;
    std::fs::create_dir_all(dir)
        .map_err(|e| numcrane::Error::internal("make_dataset", e.to_string()))?;
    let path = dir.join("dataset.npz");
    savez_compressed(&path, &[("X", &x), ("y", &y), ("w_true", &w_true)])?;
    Ok(Dataset { x, y, w_true, path })
}

/// Loads the file back and checks it holds exactly what was saved.
pub fn check(d: &Dataset) -> numcrane::Result<()> {
    let npz = load_npz(&d.path)?;
    assert_eq!(npz.names(), ["X", "y", "w_true"]);
    let x = npz.get("X")?;
    assert_eq!(x.shape(), d.x.shape());
    assert_eq!(x.to_vec::<f64>()?, d.x.to_vec::<f64>()?);
    assert_eq!(npz.get("y")?.to_vec::<i64>()?, d.y.to_vec::<i64>()?);
    assert_eq!(
        npz.get("w_true")?.to_vec::<f64>()?,
        d.w_true.to_vec::<f64>()?
    );
    // Both classes are well represented.
    let ones = d.y.mean(..).item::<f64>()?;
    assert!((0.3..0.7).contains(&ones), "class 1 fraction {ones}");
    Ok(())
}

#[allow(dead_code)]
fn main() -> numcrane::Result<()> {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "target/make_dataset".into());
    let d = run(1000, Path::new(&dir))?;
    check(&d)?;
    let bytes = std::fs::metadata(&d.path).map(|m| m.len()).unwrap_or(0);
    println!(
        "{}: X {:?} float64, y {:?} int64 ({:.1}% class 1), w_true {:?}; {bytes} bytes",
        d.path.display(),
        d.x.shape(),
        d.y.shape(),
        100.0 * d.y.mean(..).item::<f64>()?,
        d.w_true.to_vec::<f64>()?
    );
    println!("loaded back: identical (NumPy: np.load(path)['X'])");
    Ok(())
}
