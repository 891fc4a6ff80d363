//! `.npz` archives: NumPy-written archives load here (tests/io_fixtures, made by
//! tests/numpy/gen_io_fixtures.py), archives written here load back and in NumPy itself
//! (when python3 with NumPy is installed), and malformed archives give errors.

use numcrane::io::{load_npy, load_npz, savez, savez_compressed, savez_positional};
use numcrane::{array, Array, DType, Error};
use std::path::PathBuf;
use std::process::Command;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/io_fixtures")
        .join(name)
}

fn temp(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("numcrane-npz-{}-{name}", std::process::id()))
}

fn same(a: &Array, b: &Array) {
    assert_eq!(a.dtype(), b.dtype());
    assert_eq!(a.shape(), b.shape());
    assert_eq!(a.contiguous_bytes().unwrap(), b.contiguous_bytes().unwrap());
}

#[test]
fn numpy_archives_load_with_names_in_file_order() {
    let npz = load_npz(fixture("named.npz")).unwrap();
    assert_eq!(npz.names(), &["a", "b", "c"]);
    for name in ["a", "b", "c"] {
        let expected = load_npy(fixture(&format!("member_{name}.npy"))).unwrap();
        same(&npz.get(name).unwrap(), &expected);
    }
    let positional = load_npz(fixture("positional.npz")).unwrap();
    assert_eq!(positional.names(), &["arr_0", "arr_1"]);
    same(
        &positional.get("arr_1").unwrap(),
        &load_npy(fixture("member_b.npy")).unwrap(),
    );
    let compressed = load_npz(fixture("compressed.npz")).unwrap();
    let all = compressed.load_all().unwrap();
    assert_eq!(all.len(), 2);
    same(&all[0].1, &load_npy(fixture("member_a.npy")).unwrap());
    assert_eq!(all[1].1.dtype(), DType::F32);
    assert_eq!(all[1].1.to_vec::<f32>().unwrap(), vec![0.0; 1000]);
}

#[test]
fn written_archives_round_trip() {
    let a = array([[1.5f32, -2.0], [3.0, 4.25]]).transpose();
    let b = Array::from_vec((0..100u64).collect(), [10, 10]);
    let c = array([true, false, true]);
    for compressed in [false, true] {
        let path = temp(&format!("rt-{compressed}.npz"));
        let named = [("weights", &a), ("ids", &b), ("mask", &c)];
        if compressed {
            savez_compressed(&path, &named).unwrap();
        } else {
            savez(&path, &named).unwrap();
        }
        let npz = load_npz(&path).unwrap();
        assert_eq!(npz.names(), &["weights", "ids", "mask"]);
        same(&npz.get("weights").unwrap(), &a);
        same(&npz.get("ids").unwrap(), &b);
        same(&npz.get("mask").unwrap(), &c);
        std::fs::remove_file(&path).unwrap();
    }
    let path = temp("positional.npz");
    savez_positional(&path, &[&a, &b], true).unwrap();
    let npz = load_npz(&path).unwrap();
    assert_eq!(npz.names(), &["arr_0", "arr_1"]);
    same(&npz.get("arr_0").unwrap(), &a);
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn compression_makes_repetitive_data_smaller() {
    let z = numcrane::zeros([100_000], DType::F64);
    let (plain, packed) = (temp("plain.npz"), temp("packed.npz"));
    savez(&plain, &[("z", &z)]).unwrap();
    savez_compressed(&packed, &[("z", &z)]).unwrap();
    let plain_len = std::fs::metadata(&plain).unwrap().len();
    let packed_len = std::fs::metadata(&packed).unwrap().len();
    assert!(plain_len > 800_000, "{plain_len}");
    assert!(packed_len < plain_len / 50, "{packed_len} vs {plain_len}");
    std::fs::remove_file(&plain).unwrap();
    std::fs::remove_file(&packed).unwrap();
}

fn invalid_message(e: Error, op: &str) -> String {
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

#[test]
fn bad_names_and_paths_are_errors() {
    let a = array([1.0]);
    let path = temp("bad.npz");
    let m = invalid_message(savez(&path, &[("x", &a), ("x", &a)]).unwrap_err(), "savez");
    assert!(m.contains("'x' is given twice"), "{m}");
    let m = invalid_message(savez(&path, &[("", &a)]).unwrap_err(), "savez");
    assert!(m.contains("empty name"), "{m}");
    assert!(!path.exists(), "a refused archive must not be created");
    let m = invalid_message(load_npz(temp("missing.npz")).unwrap_err(), "load_npz");
    assert!(m.contains("missing.npz"), "{m}");
    // A build error of an array comes back as it is.
    let bad = array([1.0, 2.0]).reshape([3]);
    assert!(matches!(
        savez(&path, &[("bad", &bad)]),
        Err(Error::BadReshape { .. })
    ));
    let npz = load_npz(fixture("named.npz")).unwrap();
    let m = invalid_message(npz.get("nope").unwrap_err(), "load_npz");
    assert!(m.contains("'nope'") && m.contains("no such member"), "{m}");
}

#[test]
fn malformed_archives_are_errors() {
    let good = std::fs::read(fixture("named.npz")).unwrap();
    // Not a zip at all.
    let path = temp("garbage.npz");
    std::fs::write(&path, b"PK but not really a zip file").unwrap();
    let m = invalid_message(load_npz(&path).unwrap_err(), "load_npz");
    assert!(m.contains("not a valid .npz"), "{m}");
    // Cut in the middle: the central directory at the end is gone.
    std::fs::write(&path, &good[..good.len() / 2]).unwrap();
    assert!(load_npz(&path).is_err());
    // A flipped byte inside member a's data: its CRC no longer matches.
    let data_at = good
        .windows(6)
        .position(|w| w == b"\x93NUMPY")
        .expect("a .npy member")
        + 200;
    let mut corrupt = good.clone();
    corrupt[data_at] ^= 0xff;
    std::fs::write(&path, &corrupt).unwrap();
    let npz = load_npz(&path).unwrap();
    let m = invalid_message(npz.get("a").unwrap_err(), "load_npz");
    assert!(m.contains("member 'a'"), "{m}");
    // A member that is a valid zip entry but not a .npy file.
    let bad_member = temp("notnpy.npz");
    {
        use std::io::Write;
        let mut zip = zip::ZipWriter::new(std::fs::File::create(&bad_member).unwrap());
        zip.start_file("x.npy", zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(b"\x93NUMPY\x01\x00\x10\x00{'descr': '<f8'}")
            .unwrap();
        zip.finish().unwrap();
    }
    let m = invalid_message(
        load_npz(&bad_member).unwrap().get("x").unwrap_err(),
        "load_npz",
    );
    assert!(m.contains("member 'x'"), "{m}");
    std::fs::remove_file(&path).unwrap();
    std::fs::remove_file(&bad_member).unwrap();
}

/// True when python3 with NumPy can run here (.ci/run installs NumPy when pip can; without it
/// the NumPy-written fixtures still cover the reading direction).
pub fn have_numpy() -> bool {
    Command::new("python3")
        .args(["-c", "import numpy"])
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn numpy_reads_written_archives() {
    if !have_numpy() {
        eprintln!("python3 with NumPy not found: NumPy's side of the round trip not run");
        return;
    }
    let path = temp("for-numpy.npz");
    let a = array([[1.5f32, -2.0], [3.0, 4.25]]);
    let b = Array::from_vec((0..12i16).collect(), [3, 4]).transpose();
    savez_compressed(&path, &[("a", &a), ("b", &b)]).unwrap();
    let script = "import sys, numpy as np\n\
        z = np.load(sys.argv[1])\n\
        assert list(z.files) == ['a', 'b'], z.files\n\
        assert z['a'].dtype == np.float32 and z['a'].tolist() == [[1.5, -2.0], [3.0, 4.25]]\n\
        assert z['b'].dtype == np.int16\n\
        assert (z['b'] == np.arange(12, dtype=np.int16).reshape(3, 4).T).all()\n";
    let out = Command::new("python3")
        .args(["-c", script])
        .arg(&path)
        .output()
        .unwrap();
    std::fs::remove_file(&path).unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
