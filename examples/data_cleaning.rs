//! Cleaning a messy CSV into a training set: missing fields ("" and "NA") become NaN and are
//! filled with their column's median, rows with outliers (further than 8 median absolute
//! deviations from the median) are dropped, the features are standardised with the training
//! rows' statistics, and the rows are shuffled and split 80/20 into train and test.
//!
//! Run with `cargo run --release --example data_cleaning [OUT_DIR]` (tests/examples.rs runs it
//! small). The CSV is generated first, with known numbers of gaps and outliers.

use numcrane::io::{genfromtxt_names, GenFromTxt};
use numcrane::random::default_rng;
use numcrane::{ix, nanmedian, Array, DType};
use std::fmt::Write as _;
use std::path::Path;

/// What cleaning found and produced.
pub struct Cleaned {
    pub columns: Vec<String>,
    pub rows_read: usize,
    pub missing: usize,
    pub dropped: usize,
    pub train: Array,
    pub test: Array,
    /// How many outlier rows and gaps the generator wrote.
    pub planted_outliers: usize,
    pub planted_missing: usize,
}

/// Writes `rows` rows of age, income, score and a 0/1 label, with every 50th row an outlier
/// income and every 13th row one field left empty or "NA"; returns (outliers, gaps).
fn write_messy_csv(path: &Path, rows: usize) -> std::io::Result<(usize, usize)> {
    let mut rng = default_rng(99);
    let u = rng
        .random([rows, 3])
        .to_vec::<f64>()
        .map_err(std::io::Error::other)?;
    let mut text = String::from("# survey export, do not edit\nage,income,score,label\n");
    let (mut outliers, mut gaps) = (0, 0);
    for r in 0..rows {
        let age = 18.0 + 60.0 * u[3 * r];
        let mut income = 20_000.0 + 80_000.0 * u[3 * r + 1];
        let score = 100.0 * u[3 * r + 2];
        if r % 50 == 7 {
            income *= 1000.0; // a typo'd income
            outliers += 1;
        }
        let label = (score > 50.0) as u8;
        let mut fields = [
            format!("{age:.1}"),
            format!("{income:.2}"),
            format!("{score:.3}"),
        ];
        if r % 13 == 5 && r % 50 != 7 {
            fields[r % 3] = if r % 2 == 0 {
                String::new()
            } else {
                "NA".into()
            };
            gaps += 1;
        }
        let _ = writeln!(text, "{},{},{},{label}", fields[0], fields[1], fields[2]);
    }
    std::fs::write(path, text)?;
    Ok((outliers, gaps))
}

/// Generates, reads and cleans a CSV of `rows` rows in `dir`.
pub fn run(rows: usize, dir: &Path) -> numcrane::Result<Cleaned> {
    let io = |e: std::io::Error| numcrane::Error::internal("data_cleaning", e.to_string());
    std::fs::create_dir_all(dir).map_err(io)?;
    let path = dir.join("messy.csv");
    let (planted_outliers, planted_missing) = write_messy_csv(&path, rows).map_err(io)?;

    // NumPy: np.genfromtxt(path, delimiter=",", skip_header=1, names=True,
    // missing_values=["", "NA"]). skip_header: with names=True, NumPy takes the names from the
    // first line even when it is a comment, which here is the export note.
    let opts = GenFromTxt {
        delimiter: Some(",".into()),
        skip_header: 1,
        names: true,
        missing_values: vec![String::new(), "NA".into()],
        ..GenFromTxt::default()
    };
    let (columns, table) = genfromtxt_names(&path, &opts)?;
    let rows_read = table.shape()[0];
    let features = table.slice(numcrane::s![.., ..3]).eval()?;
    let labels = table.slice(numcrane::s![.., 3..]).eval()?;
    let missing = features.isnan().astype(DType::I64).sum(..).item::<i64>()? as usize;

    // Fill each gap with its column's median (np.where(np.isnan(x), np.nanmedian(x, 0), x)).
    let medians = nanmedian(&features, 0);
    let filled = numcrane::where_(features.isnan(), &medians, &features).eval()?;

    // Drop rows with a value further than 8 MADs from its column's median.
    let median = nanmedian(&filled, 0);
    let mad = nanmedian(&(&filled - &median).abs(), 0);
    let keep = (&filled - &median).abs().le(mad * 8.0).all(1).eval()?;
    let kept = filled.index(ix![&keep]).eval()?;
    let kept_labels = labels.index(ix![&keep]).eval()?;
    let n = kept.shape()[0];

    // Shuffle, split 80/20, standardise with the training rows' mean and std.
    let mut rng = default_rng(5);
    let order = rng.permutation(n);
    let (x, y) = (kept.index(ix![&order]), kept_labels.index(ix![&order]));
    let cut = (n * 4 / 5) as isize;
    let (xtr, xte) = (x.slice(numcrane::s![..cut]), x.slice(numcrane::s![cut..]));
    let (mean, std) = (xtr.mean(0), xtr.std(0));
    let train = numcrane::concatenate(
        &[&((&xtr - &mean) / &std), &y.slice(numcrane::s![..cut])],
        1,
    );
    let test = numcrane::concatenate(
        &[&((&xte - &mean) / &std), &y.slice(numcrane::s![cut..])],
        1,
    );
    numcrane::eval_all(&[&train, &test])?;
    Ok(Cleaned {
        columns,
        rows_read,
        missing,
        dropped: rows_read - n,
        train,
        test,
        planted_outliers,
        planted_missing,
    })
}

/// Checks the cleaning against what the generator planted.
pub fn check(c: &Cleaned) -> numcrane::Result<()> {
    assert_eq!(c.columns, ["age", "income", "score", "label"]);
    assert_eq!(c.missing, c.planted_missing, "gaps read as NaN");
    assert_eq!(c.dropped, c.planted_outliers, "outlier rows dropped");
    let (ntr, nte) = (c.train.shape()[0], c.test.shape()[0]);
    assert_eq!(ntr + nte, c.rows_read - c.dropped);
    assert_eq!(ntr, (ntr + nte) * 4 / 5);
    assert!(!c.train.isnan().any(..).item::<bool>()?);
    // The standardised training features have mean 0 and standard deviation 1.
    let f = c.train.slice(numcrane::s![.., ..3]);
    for m in f.mean(0).to_vec::<f64>()? {
        assert!(m.abs() < 1e-9, "train mean {m}");
    }
    for s in f.std(0).to_vec::<f64>()? {
        assert!((s - 1.0).abs() < 1e-9, "train std {s}");
    }
    Ok(())
}

#[allow(dead_code)]
fn main() -> numcrane::Result<()> {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "target/data_cleaning".into());
    let c = run(20_000, Path::new(&dir))?;
    println!("columns {:?}: {} rows read", c.columns, c.rows_read);
    println!("{} missing values filled with column medians", c.missing);
    println!("{} rows with outliers dropped", c.dropped);
    println!("train {:?}, test {:?}", c.train.shape(), c.test.shape());
    check(&c)?;
    println!("gaps and outliers match what was planted; train standardised");
    Ok(())
}
