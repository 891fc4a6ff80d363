//! Structured arrays: NumPy-written .npy/.npz files and delimited text load into
//! `RecordArray`s equal to what NumPy returns (tests/io_fixtures/rec_*, made by
//! tests/numpy/gen_record_fixtures.py), sorting by fields matches `np.sort(a, order=...)`,
//! files written here load back here and in NumPy itself (when python3 with NumPy is
//! installed), and malformed structured files and text give errors, never panics.

use numcrane::io::{
    genfromtxt_record, load, load_npy, load_npy_record, load_npz, loadtxt, loadtxt_record,
    read_npy_record, save_npy_record, savetxt_record, savez_members, Column, Converter, GenFromTxt,
    LoadTxt, Loaded, Member, SaveTxt,
};
use numcrane::{array, ix, s, Array, Complex32, Complex64, DType, Error, RecordArray};
use std::path::PathBuf;
use std::process::Command;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/io_fixtures")
        .join(name)
}

fn temp(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("numcrane-rec-{}-{name}", std::process::id()))
}

/// Same dtype, shape and bytes (NaN equal to NaN).
fn same(a: &Array, b: &Array) {
    assert_eq!(a.dtype(), b.dtype());
    assert_eq!(a.shape(), b.shape());
    assert_eq!(a.contiguous_bytes().unwrap(), b.contiguous_bytes().unwrap());
}

fn same_records(a: &RecordArray, b: &RecordArray) {
    assert_eq!(a.names(), b.names());
    assert_eq!(a.shape(), b.shape());
    for ((name, x), (_, y)) in a.fields().zip(b.fields()) {
        assert_eq!(x.dtype(), y.dtype(), "field {name}");
        assert_eq!(
            x.contiguous_bytes().unwrap(),
            y.contiguous_bytes().unwrap(),
            "field {name}"
        );
    }
}

fn invalid(r: numcrane::Result<impl std::fmt::Debug>, op: &str) -> String {
    match r {
        Err(Error::InvalidArgument {
            op: got, message, ..
        }) => {
            assert_eq!(got, op, "{message}");
            message
        }
        other => panic!("expected InvalidArgument from {op}, got {other:?}"),
    }
}

#[test]
fn numpy_structured_files_load() {
    let packed = load_npy_record(fixture("rec_packed.npy")).unwrap();
    assert_eq!(packed.names(), ["x", "n", "ok"]);
    assert_eq!(
        packed.dtype_descr(),
        "[('x', '<f8'), ('n', '<i4'), ('ok', '|b1')]"
    );
    assert_eq!(packed.shape(), &[4]);
    let x = packed.field("x").to_vec::<f64>().unwrap();
    assert_eq!((x[0], x[1], x[3]), (1.5, -2.0, 0.25));
    assert!(x[2].is_nan());
    assert_eq!(
        packed.field("n").to_vec::<i32>().unwrap(),
        vec![7, -1, i32::MAX, 0]
    );
    assert_eq!(
        packed.field("ok").to_vec::<bool>().unwrap(),
        vec![true, false, true, false]
    );

    // align=True: padding after 'a' and at the end, kept in the descr.
    let aligned = load_npy_record(fixture("rec_aligned.npy")).unwrap();
    assert_eq!(
        aligned.dtype_descr(),
        "[('a', '|i1'), ('', '|V7'), ('b', '<f8'), ('c', '<u2'), ('', '|V6')]"
    );
    assert_eq!(aligned.descr().itemsize(), 24);
    assert_eq!(aligned.field("a").to_vec::<i8>().unwrap(), vec![1, -4, 127]);
    assert_eq!(
        aligned.field("b").to_vec::<f64>().unwrap(),
        vec![2.5, 5.5, -0.0]
    );
    assert_eq!(
        aligned.field("c").to_vec::<u16>().unwrap(),
        vec![3, 65535, 0]
    );

    let be = load_npy_record(fixture("rec_be.npy")).unwrap();
    assert_eq!(be.dtype_descr(), "[('x', '>f4'), ('y', '>i8')]");
    assert_eq!(be.field("x").to_vec::<f32>().unwrap(), vec![1.5, 2.25]);
    assert_eq!(be.field("y").to_vec::<i64>().unwrap(), vec![-3, 1 << 40]);

    // Complex fields: each part of a big-endian one is byte-swapped on its own (a
    // big-endian complex128 field panicked before, its 16 bytes in an 8-byte scratch).
    let le = load_npy_record(fixture("rec_complex.npy")).unwrap();
    let be = load_npy_record(fixture("rec_complex_be.npy")).unwrap();
    assert_eq!(
        le.dtype_descr(),
        "[('a', '<f8'), ('z', '<c16'), ('w', '<c8')]"
    );
    assert_eq!(
        be.dtype_descr(),
        "[('a', '>f8'), ('z', '>c16'), ('w', '>c8')]"
    );
    same_records(&le, &be);
    let z = be.field("z").to_vec::<Complex64>().unwrap();
    assert_eq!(z[0], Complex64::new(2.0, 3.0));
    assert!(z[1].re == f64::INFINITY && z[1].im.is_nan());
    assert_eq!(
        be.field("w").to_vec::<Complex32>().unwrap(),
        vec![Complex32::new(1.0, -1.0), Complex32::new(0.0, -2.5)]
    );

    // Fortran order and C order of the same 2-D records read equal.
    let f = load_npy_record(fixture("rec_fortran.npy")).unwrap();
    let c = load_npy_record(fixture("rec_2d.npy")).unwrap();
    assert_eq!(f.shape(), &[2, 3]);
    same_records(&f, &c);
    assert_eq!(
        c.field("i").to_vec::<i16>().unwrap(),
        vec![0, 1, 2, 3, 4, 5]
    );

    // load gives either kind; load_npy refuses a structured file and says what to use.
    assert!(matches!(
        load(fixture("rec_packed.npy")).unwrap(),
        Loaded::Record(_)
    ));
    assert!(matches!(
        load(fixture("member_b.npy")).unwrap(),
        Loaded::Array(_)
    ));
    let m = invalid(load_npy(fixture("rec_packed.npy")), "load_npy");
    assert!(m.contains("load_npy_record"), "{m}");
    let m = invalid(load_npy_record(fixture("member_b.npy")), "load_npy");
    assert!(m.contains("plain"), "{m}");
}

#[test]
fn unsupported_structured_files_name_the_problem() {
    for (file, words) in [
        ("rec_subarray.npy", "sub-array"),
        ("rec_nested.npy", "nested"),
        ("rec_string.npy", "unsupported dtype '<U3'"),
    ] {
        let m = invalid(load_npy_record(fixture(file)), "load_npy");
        assert!(m.contains(words), "{file}: {m}");
        assert!(m.contains(file), "{file}: {m}");
    }
}

#[test]
fn written_records_round_trip_with_the_same_descr() {
    for file in [
        "rec_packed.npy",
        "rec_aligned.npy",
        "rec_be.npy",
        "rec_complex.npy",
        "rec_complex_be.npy",
        "rec_2d.npy",
        "rec_fortran.npy",
    ] {
        let a = load_npy_record(fixture(file)).unwrap();
        let path = temp(file);
        save_npy_record(&path, &a).unwrap();
        let b = load_npy_record(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        assert_eq!(a.descr(), b.descr(), "{file}");
        same_records(&a, &b);
        if file != "rec_fortran.npy" && file != "rec_aligned.npy" {
            // np.save's bytes exactly (the Fortran file is written back in C order; NumPy
            // writes whatever its memory held in the padding bytes, numcrane zeros).
            let ours = {
                let p = temp(&format!("bytes-{file}"));
                save_npy_record(&p, &a).unwrap();
                let v = std::fs::read(&p).unwrap();
                std::fs::remove_file(&p).unwrap();
                v
            };
            assert_eq!(ours, std::fs::read(fixture(file)).unwrap(), "{file}");
        }
    }
    // Lazy fields of different dtypes, a view among them.
    let rec = RecordArray::from_fields([
        ("a", array([[1i64, 2], [3, 4]]).transpose()),
        ("b", array([[0.5f32, 1.5], [2.5, 3.5]]) * 2.0f32),
    ])
    .unwrap();
    let path = temp("lazy.npy");
    save_npy_record(&path, &rec).unwrap();
    let back = load_npy_record(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    same(&back.field("a"), &rec.field("a"));
    same(&back.field("b"), &rec.field("b"));
}

#[test]
fn malformed_structured_headers_are_errors() {
    let file = |descr: &str, shape: &str, data: &[u8]| {
        let header = format!("{{'descr': {descr}, 'fortran_order': False, 'shape': {shape}, }}");
        let mut out = b"\x93NUMPY\x01\x00".to_vec();
        out.extend_from_slice(&(header.len() as u16).to_le_bytes());
        out.extend_from_slice(header.as_bytes());
        out.extend_from_slice(data);
        out
    };
    let bad = |descr: &str, shape: &str, data: &[u8]| {
        invalid(read_npy_record(&file(descr, shape, data)), "load_npy")
    };
    let ok = file("[('x', '<i4'), ('y', '|u1')]", "(2,)", &[0; 10]);
    let rec = read_npy_record(&ok).unwrap();
    assert_eq!(rec.descr().itemsize(), 5);
    for cut in 0..ok.len() {
        assert!(read_npy_record(&ok[..cut]).is_err(), "prefix {cut}");
    }
    assert!(bad("[('x', '<i4'), ('y', '|u1')]", "(2,)", &[0; 9]).contains("mismatch"));
    assert!(bad("[('x', '<i4'), ('y', '|u1')]", "(2,)", &[0; 11]).contains("mismatch"));
    assert!(bad("[('x', '<i4'), ('x', '<i4')]", "(1,)", &[0; 8]).contains("twice"));
    assert!(bad("[('x', '<q9')]", "(1,)", &[0; 8]).contains("unsupported dtype '<q9'"));
    assert!(bad("[('x', '|V4')]", "(1,)", &[0; 4]).contains("raw bytes"));
    assert!(bad("[('', '|V4')]", "(1,)", &[0; 4]).contains("at least one field"));
    assert!(bad("[('', '<i4')]", "(1,)", &[0; 4]).contains("empty name"));
    assert!(bad("[('x', '|Vzz')]", "(1,)", &[0; 4]).contains("bad void"));
    assert!(bad("[]", "(1,)", &[]).contains("at least one field"));
    assert!(bad("[(('t', 'x'), '<f8')]", "(1,)", &[0; 8]).contains("titles"));
    assert!(bad("[('x', '<f8'", "(1,)", &[0; 8]).contains("bad header"));
    assert!(bad("[('x', '<f8', (2,))]", "(1,)", &[0; 16]).contains("sub-array"));
    assert!(bad("[('x' '<f8')]", "(1,)", &[0; 8]).contains("expected ','"));
    assert!(bad("[('x', '<f8') ('y', '<f8')]", "(1,)", &[0; 16]).contains("expected ','"));
    // Padding sizes that overflow are refused before any allocation.
    let huge = format!(
        "[('', '|V{}'), ('', '|V{}'), ('x', '|u1')]",
        usize::MAX,
        usize::MAX
    );
    assert!(bad(&huge, "(1,)", &[0]).contains("overflow"));
    let big = format!("[('', '|V{}'), ('x', '|u1')]", 1usize << 62);
    assert!(bad(&big, "(4,)", &[0]).contains("too large"));
}

#[test]
fn records_slice_index_take_and_sort() {
    let rec = RecordArray::from_fields([
        ("k", array([2i32, 1, 2, 0])),
        ("v", array([0.5, 1.0, -1.0, 3.0])),
    ])
    .unwrap();
    assert_eq!((rec.len(), rec.ndim(), rec.size()), (4, 1, 4));
    let sl = rec.slice(s![1..3]);
    assert_eq!(sl.field("k").to_vec::<i32>().unwrap(), vec![1, 2]);
    assert_eq!(sl.shape(), &[2]);
    let masked = rec.index(ix![rec.field("v").gt(0.0)]);
    assert_eq!(masked.field("k").to_vec::<i32>().unwrap(), vec![2, 1, 0]);
    let taken = rec.take(&array([3i64, -1, 0]));
    assert_eq!(
        taken.field("v").to_vec::<f64>().unwrap(),
        vec![3.0, 3.0, 0.5]
    );
    assert!(rec.take(&array([4i64])).field("k").eval().is_err());
    let sorted = rec.sort_by(&["k"]);
    assert_eq!(sorted.field("k").to_vec::<i32>().unwrap(), vec![0, 1, 2, 2]);
    assert_eq!(
        sorted.field("v").to_vec::<f64>().unwrap(),
        vec![3.0, 1.0, -1.0, 0.5]
    );
    let m = rec.field("nope").eval().unwrap_err().to_string();
    assert!(m.contains("nope") && m.contains("[\"k\", \"v\"]"), "{m}");
    assert!(RecordArray::from_fields(Vec::<(&str, Array)>::new()).is_err());
    let m = invalid(
        RecordArray::from_fields([("a", array([1])), ("a", array([2]))]),
        "RecordArray::from_fields",
    );
    assert!(m.contains("twice"), "{m}");
    let m = invalid(
        RecordArray::from_fields([("a", array([1])), ("b", array([2, 3]))]),
        "RecordArray::from_fields",
    );
    assert!(m.contains("shape"), "{m}");
}

#[test]
fn sorting_by_fields_matches_numpy() {
    let table = load_npy_record(fixture("rec_table.npy")).unwrap();
    let by_k = load_npy_record(fixture("rec_table_sort_k.npy")).unwrap();
    same_records(&table.sort_by(&["k"]).eval().unwrap(), &by_k);
    let by_vk = load_npy_record(fixture("rec_table_sort_vk.npy")).unwrap();
    same_records(&table.sort_by(&["v", "k"]).eval().unwrap(), &by_vk);
    let arg_w = load_npy(fixture("rec_table_argsort_w.npy")).unwrap();
    same(&table.argsort(&["w"]).eval().unwrap(), &arg_w);
    // 2-D records sort along the last axis, as np.sort's default axis=-1.
    let grid = load_npy_record(fixture("rec_2d.npy")).unwrap();
    let rev = grid.slice(s![.., ..;-1]).sort_by(&["v"]);
    same_records(&rev.eval().unwrap(), &grid.eval().unwrap());
}

#[test]
fn npz_archives_hold_structured_members() {
    let npz = load_npz(fixture("rec_members.npz")).unwrap();
    same_records(
        &npz.get_record("table").unwrap(),
        &load_npy_record(fixture("rec_packed.npy")).unwrap(),
    );
    assert!(matches!(npz.get_any("plain").unwrap(), Loaded::Array(_)));
    let m = invalid(npz.get("table"), "load_npz");
    assert!(
        m.contains("member 'table'") && m.contains("structured"),
        "{m}"
    );
    let m = invalid(npz.get_record("plain"), "load_npz");
    assert!(m.contains("plain"), "{m}");

    let rec = load_npy_record(fixture("rec_aligned.npy")).unwrap();
    let x = array([1.0, 2.0]);
    for compressed in [false, true] {
        let path = temp(&format!("members-{compressed}.npz"));
        savez_members(
            &path,
            &[("r", Member::from(&rec)), ("x", Member::from(&x))],
            compressed,
        )
        .unwrap();
        let npz = load_npz(&path).unwrap();
        let back = npz.get_record("r").unwrap();
        assert_eq!(back.descr(), rec.descr());
        same_records(&back, &rec);
        same(&npz.get("x").unwrap(), &x);
        std::fs::remove_file(&path).unwrap();
    }
}

fn expected_records(name: &str) -> RecordArray {
    load_npy_record(fixture(&format!("{name}.expected.npy"))).unwrap()
}

#[test]
fn text_into_records_matches_numpy() {
    let csv = |names| GenFromTxt {
        delimiter: Some(",".into()),
        names,
        ..Default::default()
    };
    let inferred = genfromtxt_record(fixture("rec_gf_infer.txt"), &csv(true), None).unwrap();
    same_records(&inferred, &expected_records("rec_gf_infer"));

    let opts = GenFromTxt {
        missing_values_by_column: vec![(Column::from(1), vec!["N".into()])],
        filling_values_by_column: vec![(Column::from(1), -9.0), (Column::from("c"), 7.0)],
        ..csv(true)
    };
    let percol = genfromtxt_record(fixture("rec_gf_percol.txt"), &opts, None).unwrap();
    same_records(&percol, &expected_records("rec_gf_percol"));

    let typed = loadtxt_record(
        fixture("rec_lt_dtype.txt"),
        &LoadTxt::default(),
        &[("id", DType::I32), ("weight", DType::F32)],
    )
    .unwrap();
    same_records(&typed, &expected_records("rec_lt_dtype"));

    // complex fields, in NumPy's complex syntax (`2+3j`, `-5j`, `(1-2j)`, `inf-nanj`)
    let complex = loadtxt_record(
        fixture("rec_lt_complex.txt"),
        &LoadTxt::default(),
        &[("a", DType::I32), ("z", DType::C128), ("w", DType::C64)],
    )
    .unwrap();
    same_records(&complex, &expected_records("rec_lt_complex"));

    let quoted = LoadTxt {
        delimiter: Some(",".into()),
        quotechar: Some('"'),
        usecols: Some(vec![0, 1]),
        converters: vec![(
            0,
            Converter::new(|s| {
                s.replace(',', ".")
                    .parse::<f64>()
                    .map_err(|e| e.to_string())
            }),
        )],
        ..Default::default()
    };
    let plain = loadtxt(fixture("rec_lt_quoted.txt"), &quoted).unwrap();
    same(
        &plain,
        &numcrane::io::load_npy(fixture("rec_lt_quoted.expected.npy")).unwrap(),
    );
}

#[test]
fn text_records_errors_and_edge_cases() {
    let path = temp("edge.csv");
    std::fs::write(&path, "a,b\n1,x\n2,3\n").unwrap();
    let opts = GenFromTxt {
        delimiter: Some(",".into()),
        names: true,
        ..Default::default()
    };
    let m = invalid(genfromtxt_record(&path, &opts, None), "genfromtxt");
    assert!(
        m.contains("line 2, column 2 ('b')") && m.contains("'x'") && m.contains("not supported"),
        "{m}"
    );
    // With a dtype list the bad field is filled instead (genfromtxt), named from the header.
    let rec =
        genfromtxt_record(&path, &opts, Some(&[("p", DType::I64), ("q", DType::I32)])).unwrap();
    assert_eq!(rec.names(), ["a", "b"]);
    assert_eq!(rec.field("b").to_vec::<i32>().unwrap(), vec![-1, 3]);
    let m = invalid(
        genfromtxt_record(&path, &opts, Some(&[("p", DType::I64)])),
        "genfromtxt",
    );
    assert!(m.contains("1 fields but 2 columns"), "{m}");

    std::fs::write(&path, "1,2.5\n3,oops\n").unwrap();
    let lt = LoadTxt {
        delimiter: Some(",".into()),
        ..Default::default()
    };
    let m = invalid(
        loadtxt_record(&path, &lt, &[("a", DType::I64), ("b", DType::F64)]),
        "loadtxt",
    );
    assert!(
        m.contains("line 2, column 2") && m.contains("'oops'"),
        "{m}"
    );

    // One row gives a 0-d structured array, as NumPy; ndmin=1 keeps the axis.
    std::fs::write(&path, "1,2.5\n").unwrap();
    let fields = [("a", DType::I64), ("b", DType::F64)];
    assert_eq!(
        loadtxt_record(&path, &lt, &fields).unwrap().shape(),
        &[] as &[usize]
    );
    let lt1 = LoadTxt {
        ndmin: 1,
        ..lt.clone()
    };
    assert_eq!(loadtxt_record(&path, &lt1, &fields).unwrap().shape(), &[1]);

    // Converters: an error or a value that does not fit the dtype names the line and column.
    std::fs::write(&path, "1,a\n2,b\n").unwrap();
    let conv = LoadTxt {
        converters: vec![(
            -1,
            Converter::new(|s| match s {
                "a" => Ok(0.5),
                _ => Err("unknown code".into()),
            }),
        )],
        ..lt.clone()
    };
    let m = invalid(loadtxt(&path, &conv), "loadtxt");
    assert!(
        m.contains("line 2, column 2") && m.contains("unknown code"),
        "{m}"
    );
    let m = invalid(
        loadtxt(
            &path,
            &LoadTxt {
                dtype: DType::I64,
                ..conv
            },
        ),
        "loadtxt",
    );
    assert!(
        m.contains("line 1, column 2") && m.contains("not a int64"),
        "{m}"
    );

    // Quoting: delimiters and comment markers inside quotes, doubled quotes.
    std::fs::write(&path, "\"1\",\" 2 \" # c\n\"3\"\"\",4\n").unwrap();
    let q = LoadTxt {
        quotechar: Some('"'),
        ..lt.clone()
    };
    let m = invalid(loadtxt(&path, &q), "loadtxt");
    assert!(m.contains("line 2, column 1") && m.contains("'3\"'"), "{m}");
    // Whitespace-separated quoted fields keep their spaces (np.loadtxt gives [[12, 3], [4, 5]]).
    std::fs::write(&path, "\"1 2\" 3\n4 5\n").unwrap();
    let ws = LoadTxt {
        quotechar: Some('"'),
        converters: vec![(
            0,
            Converter::new(|s| s.replace(' ', "").parse::<f64>().map_err(|e| e.to_string())),
        )],
        ..Default::default()
    };
    assert_eq!(
        loadtxt(&path, &ws).unwrap().to_vec::<f64>().unwrap(),
        vec![12.0, 3.0, 4.0, 5.0]
    );
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn savetxt_of_records_reads_back() {
    let rec = load_npy_record(fixture("rec_packed.npy")).unwrap();
    let path = temp("saved.txt");
    let opts = SaveTxt {
        fmt: "%r".into(),
        ..Default::default()
    };
    assert!(savetxt_record(&path, &rec, &opts).is_err());
    let opts = SaveTxt {
        fmt: "%.17g,%d,%d".into(),
        header: "x,n,ok".into(),
        ..Default::default()
    };
    savetxt_record(&path, &rec, &opts).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("# x,n,ok\n1.5,7,1\n"), "{text}");
    let back = loadtxt_record(
        &path,
        &LoadTxt {
            delimiter: Some(",".into()),
            ..Default::default()
        },
        &[("x", DType::F64), ("n", DType::I32), ("ok", DType::Bool)],
    )
    .unwrap();
    same_records(&back, &rec);
    let grid = load_npy_record(fixture("rec_2d.npy")).unwrap();
    let m = invalid(savetxt_record(&path, &grid, &opts), "savetxt");
    assert!(m.contains("1-D"), "{m}");
    // a complex field: refused, naming it (NumPy would drop its imaginary parts)
    let complex = load_npy_record(fixture("rec_complex.npy")).unwrap();
    let m = invalid(
        savetxt_record(&path, &complex, &SaveTxt::default()),
        "savetxt",
    );
    assert!(
        m.contains("field 'z' is complex128") && m.contains("real parts"),
        "{m}"
    );
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn records_print_as_numpy() {
    let rec = load_npy_record(fixture("rec_packed.npy")).unwrap();
    // NumPy: repr(np.load('rec_packed.npy')) and str(...).
    assert_eq!(
        format!("{rec:?}"),
        "array([( 1.5 ,          7,  True), (-2.  ,         -1, False),\n       \
         (  nan, 2147483647,  True), ( 0.25,          0, False)],\n      \
         dtype=[('x', '<f8'), ('n', '<i4'), ('ok', '?')])"
    );
    assert_eq!(
        rec.slice(s![..2]).to_string(),
        "[( 1.5,  7,  True) (-2. , -1, False)]"
    );
}

/// True when python3 with NumPy can run here.
fn have_numpy() -> bool {
    Command::new("python3")
        .args(["-c", "import numpy"])
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn numpy_reads_written_records() {
    if !have_numpy() {
        eprintln!("python3 with NumPy not found: NumPy's side of the round trip not run");
        return;
    }
    let aligned = load_npy_record(fixture("rec_aligned.npy")).unwrap();
    let rec = RecordArray::from_fields([
        ("when", array([3i64, 1, 2])),
        ("w", array([0.5f32, f32::NAN, -1.0])),
        ("flag", array([true, false, true])),
    ])
    .unwrap()
    .sort_by(&["when"]);
    let (p1, p2) = (temp("np1.npy"), temp("np2.npy"));
    save_npy_record(&p1, &rec).unwrap();
    save_npy_record(&p2, &aligned).unwrap();
    let script = r#"
import sys, numpy as np
a = np.load(sys.argv[1])
assert a.dtype == np.dtype([('when', '<i8'), ('w', '<f4'), ('flag', '?')]), a.dtype
assert a['when'].tolist() == [1, 2, 3], a
assert np.isnan(a['w'][0]) and a['w'][1] == -1.0 and a['w'][2] == 0.5, a
assert a['flag'].tolist() == [False, True, True], a
b = np.load(sys.argv[2])
ref = np.load(sys.argv[3])
assert b.dtype == ref.dtype, (b.dtype, ref.dtype)
assert all(np.array_equal(b[n], ref[n]) for n in ref.dtype.names)
print("ok")
"#;
    let out = Command::new("python3")
        .args(["-c", script])
        .arg(&p1)
        .arg(&p2)
        .arg(fixture("rec_aligned.npy"))
        .output()
        .unwrap();
    std::fs::remove_file(&p1).unwrap();
    std::fs::remove_file(&p2).unwrap();
    assert!(
        out.status.success(),
        "NumPy could not read the records: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "ok");
}
