//! Delimited text against NumPy: tests/io_fixtures holds inputs with the arrays NumPy's
//! loadtxt and genfromtxt return for them, and arrays with the exact text np.savetxt writes
//! (made by tests/numpy/gen_io_fixtures.py, options in cases.json). Plus malformed rows,
//! whose errors name the line and column.

use numcrane::io::{
    genfromtxt, genfromtxt_names, load_npy, loadtxt, savetxt, GenFromTxt, LoadTxt, SaveTxt,
};
use numcrane::{array, Array, DType, Error};
use serde_json::Value;
use std::path::PathBuf;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/io_fixtures")
        .join(name)
}

fn temp(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("numcrane-text-{}-{name}", std::process::id()))
}

fn cases(kind: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(fixture("cases.json")).unwrap();
    let all: Value = serde_json::from_str(&text).unwrap();
    all[kind].as_array().unwrap().clone()
}

fn dtype(name: &str) -> DType {
    match name {
        "float64" => DType::F64,
        "float32" => DType::F32,
        "int32" => DType::I32,
        "int64" => DType::I64,
        other => panic!("dtype {other} not in the fixtures' list"),
    }
}

fn strings(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => vec![s.clone()],
        Value::Array(a) => a.iter().map(|s| s.as_str().unwrap().to_string()).collect(),
        other => panic!("not a string list: {other}"),
    }
}

/// Equal dtype, shape and values, NaN equal to NaN.
fn same(got: &Array, want: &Array, case: &str) {
    assert_eq!(got.dtype(), want.dtype(), "{case}");
    assert_eq!(got.shape(), want.shape(), "{case}");
    let g = got.astype(DType::F64).to_vec::<f64>().unwrap();
    let w = want.astype(DType::F64).to_vec::<f64>().unwrap();
    for (i, (a, b)) in g.iter().zip(&w).enumerate() {
        assert!(
            a == b || (a.is_nan() && b.is_nan()),
            "{case}[{i}]: {a} vs {b}"
        );
    }
}

#[test]
fn loadtxt_matches_numpy() {
    let cases = cases("loadtxt");
    assert!(cases.len() >= 8);
    for c in cases {
        let name = c["name"].as_str().unwrap();
        let mut opts = LoadTxt::default();
        if let Some(d) = c.get("delimiter") {
            opts.delimiter = Some(d.as_str().unwrap().to_string());
        }
        if let Some(s) = c.get("skiprows") {
            opts.skiprows = s.as_u64().unwrap() as usize;
        }
        if let Some(u) = c.get("usecols") {
            opts.usecols = Some(
                u.as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_i64().unwrap() as isize)
                    .collect(),
            );
        }
        if let Some(d) = c.get("dtype") {
            opts.dtype = dtype(d.as_str().unwrap());
        }
        if let Some(m) = c.get("max_rows") {
            opts.max_rows = Some(m.as_u64().unwrap() as usize);
        }
        if let Some(n) = c.get("ndmin") {
            opts.ndmin = n.as_u64().unwrap() as usize;
        }
        if let Some(cm) = c.get("comments") {
            opts.comments = strings(cm);
        }
        let got = loadtxt(fixture(&format!("{name}.txt")), &opts).unwrap();
        let want = load_npy(fixture(&format!("{name}.expected.npy"))).unwrap();
        same(&got, &want, name);
    }
}

#[test]
fn genfromtxt_matches_numpy() {
    let cases = cases("genfromtxt");
    assert!(cases.len() >= 6);
    for c in cases {
        let name = c["name"].as_str().unwrap();
        let mut opts = GenFromTxt::default();
        if let Some(d) = c.get("delimiter") {
            opts.delimiter = Some(d.as_str().unwrap().to_string());
        }
        if let Some(d) = c.get("dtype") {
            opts.dtype = dtype(d.as_str().unwrap());
        }
        if let Some(m) = c.get("missing_values") {
            opts.missing_values = strings(m);
        }
        if let Some(f) = c.get("filling_values") {
            opts.filling_values = f.as_f64();
        }
        if let Some(s) = c.get("skip_header") {
            opts.skip_header = s.as_u64().unwrap() as usize;
        }
        if let Some(s) = c.get("skip_footer") {
            opts.skip_footer = s.as_u64().unwrap() as usize;
        }
        opts.names = c.get("names").is_some_and(|n| n.as_bool().unwrap());
        let path = fixture(&format!("{name}.txt"));
        let want = load_npy(fixture(&format!("{name}.expected.npy"))).unwrap();
        let (names, got) = genfromtxt_names(&path, &opts).unwrap();
        same(&got, &want, name);
        same(&genfromtxt(&path, &opts).unwrap(), &want, name);
        match c.get("expected_names") {
            Some(n) => assert_eq!(names, strings(n), "{name}"),
            None => assert!(names.is_empty(), "{name}"),
        }
    }
}

#[test]
fn savetxt_matches_numpy_byte_for_byte() {
    let cases = cases("savetxt");
    assert!(cases.len() >= 5);
    for c in cases {
        let name = c["name"].as_str().unwrap();
        let mut opts = SaveTxt::default();
        let text = |k: &str| c.get(k).map(|v| v.as_str().unwrap().to_string());
        if let Some(v) = text("fmt") {
            opts.fmt = v;
        }
        if let Some(v) = text("delimiter") {
            opts.delimiter = v;
        }
        if let Some(v) = text("newline") {
            opts.newline = v;
        }
        if let Some(v) = text("header") {
            opts.header = v;
        }
        if let Some(v) = text("footer") {
            opts.footer = v;
        }
        if let Some(v) = text("comments") {
            opts.comments = v;
        }
        let input = load_npy(fixture(&format!("{name}.input.npy"))).unwrap();
        let path = temp(&format!("{name}.txt"));
        savetxt(&path, &input, &opts).unwrap();
        let got = std::fs::read(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        let want = std::fs::read(fixture(&format!("{name}.out.txt"))).unwrap();
        assert_eq!(
            String::from_utf8_lossy(&got),
            String::from_utf8_lossy(&want),
            "{name}"
        );
    }
}

#[test]
fn savetxt_then_loadtxt_round_trips() {
    let a = Array::from_vec((0..60).map(|v| (v as f64).sin() * 1e3).collect(), [12, 5]);
    let path = temp("rt.csv");
    let opts = SaveTxt {
        delimiter: ",".into(),
        ..Default::default()
    };
    savetxt(&path, &a, &opts).unwrap();
    let back = loadtxt(
        &path,
        &LoadTxt {
            delimiter: Some(",".into()),
            ..Default::default()
        },
    )
    .unwrap();
    std::fs::remove_file(&path).unwrap();
    // %.18e keeps 19 significant digits: every float64 comes back exactly.
    assert_eq!(back.to_vec::<f64>().unwrap(), a.to_vec::<f64>().unwrap());
}

fn message(e: Error, op: &str) -> String {
    match e {
        Error::InvalidArgument {
            op: got, message, ..
        } => {
            assert_eq!(got, op, "{message}");
            message
        }
        other => panic!("expected InvalidArgument from {op}, got {other:?}"),
    }
}

fn write(name: &str, text: &str) -> PathBuf {
    let path = temp(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn malformed_rows_name_the_line_and_column() {
    let csv = LoadTxt {
        delimiter: Some(",".into()),
        ..Default::default()
    };
    let path = write("bad-value.csv", "# h\n1,2,3\n4,5,6\n\n7,8,abc\n");
    let m = message(loadtxt(&path, &csv).unwrap_err(), "loadtxt");
    assert!(m.contains("bad-value.csv"), "{m}");
    assert!(
        m.contains("line 5, column 3: could not convert 'abc' to float64"),
        "{m}"
    );
    // A missing value is malformed for loadtxt.
    let path2 = write("empty-field.csv", "1,2,3\n4,,6\n");
    let m = message(loadtxt(&path2, &csv).unwrap_err(), "loadtxt");
    assert!(m.contains("line 2, column 2: could not convert ''"), "{m}");
    // A row with fewer columns.
    let path3 = write("ragged.csv", "1,2,3\n4,5\n");
    let m = message(loadtxt(&path3, &csv).unwrap_err(), "loadtxt");
    assert!(m.contains("line 2") && m.contains("from 3 to 2"), "{m}");
    let m = message(
        genfromtxt(
            &path3,
            &GenFromTxt {
                delimiter: Some(",".into()),
                ..Default::default()
            },
        )
        .unwrap_err(),
        "genfromtxt",
    );
    assert!(m.contains("line 2: got 2 columns instead of 3"), "{m}");
    // An integer dtype refuses a float, and an out-of-range usecols is an error.
    let ints = LoadTxt {
        dtype: DType::I16,
        ..Default::default()
    };
    let path4 = write("ints.txt", "1 2\n3 4.5\n");
    let m = message(loadtxt(&path4, &ints).unwrap_err(), "loadtxt");
    assert!(
        m.contains("line 2, column 2: could not convert '4.5' to int16"),
        "{m}"
    );
    let m = message(
        loadtxt(
            &path4,
            &LoadTxt {
                usecols: Some(vec![2]),
                ..Default::default()
            },
        )
        .unwrap_err(),
        "loadtxt",
    );
    assert!(m.contains("usecols index 2"), "{m}");
    let m = message(loadtxt(temp("nope.txt"), &csv).unwrap_err(), "loadtxt");
    assert!(m.contains("nope.txt"), "{m}");
    for p in [path, path2, path3, path4] {
        std::fs::remove_file(p).unwrap();
    }
}

#[test]
fn large_files_parse_in_chunks_in_order() {
    // More rows than one parallel chunk holds, with an error far down the file.
    let mut text: String = (0..20_000).map(|i| format!("{i} {}\n", i * 2)).collect();
    let path = write("big.txt", &text);
    let a = loadtxt(
        &path,
        &LoadTxt {
            dtype: DType::I64,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(a.shape(), &[20_000, 2]);
    let v = a.to_vec::<i64>().unwrap();
    assert_eq!((v[2 * 15_000], v[2 * 15_000 + 1]), (15_000, 30_000));
    text.push_str("x 1\n");
    text.insert_str(0, "1 y\n");
    std::fs::write(&path, &text).unwrap();
    let m = message(loadtxt(&path, &LoadTxt::default()).unwrap_err(), "loadtxt");
    assert!(m.contains("line 1, column 2: could not convert 'y'"), "{m}");
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn savetxt_refuses_what_numpy_refuses() {
    let path = temp("refused.txt");
    let m = message(
        savetxt(&path, &array([[[1.0]]]), &SaveTxt::default()).unwrap_err(),
        "savetxt",
    );
    assert!(m.contains("1-D or 2-D"), "{m}");
    let two = array([[1.0, 2.0, 3.0]]);
    let m = message(
        savetxt(
            &path,
            &two,
            &SaveTxt {
                fmt: "%d %d".into(),
                ..Default::default()
            },
        )
        .unwrap_err(),
        "savetxt",
    );
    assert!(m.contains("2 conversions for 3 columns"), "{m}");
    let m = message(
        savetxt(
            &path,
            &two,
            &SaveTxt {
                fmt: "%q".into(),
                ..Default::default()
            },
        )
        .unwrap_err(),
        "savetxt",
    );
    assert!(m.contains("unsupported conversion"), "{m}");
    let m = message(
        savetxt(
            &path,
            &array([f64::NAN]),
            &SaveTxt {
                fmt: "%d".into(),
                ..Default::default()
            },
        )
        .unwrap_err(),
        "savetxt",
    );
    assert!(m.contains("row 0"), "{m}");
    assert!(!path.exists());
}
