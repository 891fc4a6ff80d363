//! Memory-mapped `.npy` files: arrays that read the file in place, read-only maps that are
//! never written, copy-on-write maps that leave the file unchanged, and malformed files that
//! give errors before any element is read.

use numcrane::io::{load_npy, load_npy_mmap, save_npy, MmapMode};
use numcrane::{array, ix, Array, Error};
use std::path::PathBuf;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/io_fixtures")
        .join(name)
}

fn temp(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("numcrane-mmap-{}-{name}", std::process::id()))
}

fn same(a: &Array, b: &Array) {
    assert_eq!(a.dtype(), b.dtype());
    assert_eq!(a.shape(), b.shape());
    assert_eq!(a.contiguous_bytes().unwrap(), b.contiguous_bytes().unwrap());
}

#[test]
fn numpy_files_map_to_the_same_arrays_as_a_load() {
    for name in ["mmap_c", "mmap_f", "mmap_be", "mmap_bool", "mmap_empty"] {
        let path = fixture(&format!("{name}.npy"));
        let loaded = load_npy(&path).unwrap();
        for mode in [MmapMode::ReadOnly, MmapMode::CopyOnWrite] {
            let mapped = load_npy_mmap(&path, mode).unwrap();
            same(&mapped, &loaded);
            // Computations read the mapping like any array.
            same(
                &(&mapped + &mapped).eval().unwrap(),
                &(&loaded + &loaded).eval().unwrap(),
            );
        }
    }
}

#[test]
fn the_mapping_is_read_in_place() {
    let path = temp("inplace.npy");
    let a = Array::from_vec((0..4096).map(|v| v as f64).collect(), [64, 64]);
    save_npy(&path, &a).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    let data_offset = bytes.len() - 4096 * 8;
    let mapped = load_npy_mmap(&path, MmapMode::ReadOnly).unwrap();
    let slice = mapped.as_slice::<f64>().unwrap();
    assert_eq!(slice[4095], 4095.0);
    // The elements sit at the file's data offset within a page-aligned mapping.
    assert_eq!((slice.as_ptr() as usize) % 4096, data_offset % 4096);
    // Writing the file through the file system shows through a read-only (shared) mapping:
    // it is the file's own pages, not a copy.
    let mut changed = bytes.clone();
    changed[data_offset..data_offset + 8].copy_from_slice(&42.0f64.to_le_bytes());
    std::fs::write(&path, &changed).unwrap();
    assert_eq!(mapped.as_slice::<f64>().unwrap()[0], 42.0);
    drop(mapped);
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn read_only_maps_are_never_written() {
    let path = temp("ro.npy");
    save_npy(&path, &array([1i32, 2, 3, 4])).unwrap();
    let before = std::fs::read(&path).unwrap();
    let mut a = load_npy_mmap(&path, MmapMode::ReadOnly).unwrap();
    // The only handle, realized and contiguous: a heap array would be written in place.
    let in_place = a.set_in_place(ix![1..3], 0).unwrap();
    assert!(!in_place, "a read-only map must be copied, not written");
    assert_eq!(a.to_vec::<i32>().unwrap(), vec![1, 0, 0, 4]);
    assert_eq!(std::fs::read(&path).unwrap(), before);
    drop(a);
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn copy_on_write_maps_change_only_the_array() {
    let path = temp("cow.npy");
    save_npy(&path, &array([1.0f32, 2.0, 3.0])).unwrap();
    let before = std::fs::read(&path).unwrap();
    let mut a = load_npy_mmap(&path, MmapMode::CopyOnWrite).unwrap();
    let in_place = a.set_in_place(ix![0], 9.0f32).unwrap();
    assert!(
        in_place,
        "a private mapping owned by one array is written in place"
    );
    assert_eq!(a.to_vec::<f32>().unwrap(), vec![9.0, 2.0, 3.0]);
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "the file must not change"
    );
    // A second map of the same file sees the file, not the first map's private copy.
    let b = load_npy_mmap(&path, MmapMode::CopyOnWrite).unwrap();
    assert_eq!(b.to_vec::<f32>().unwrap(), vec![1.0, 2.0, 3.0]);
    drop((a, b));
    std::fs::remove_file(&path).unwrap();
}

fn expect_error(bytes: &[u8], name: &str, wanted: &str) {
    let path = temp(name);
    std::fs::write(&path, bytes).unwrap();
    for mode in [MmapMode::ReadOnly, MmapMode::CopyOnWrite] {
        match load_npy_mmap(&path, mode) {
            Err(Error::InvalidArgument { op, message, .. }) => {
                assert_eq!(op, "load_npy_mmap");
                assert!(message.contains(name), "{message}");
                assert!(message.contains(wanted), "{name}: {message}");
            }
            other => panic!("{name}: expected an error, got {other:?}"),
        }
    }
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn malformed_files_are_errors() {
    let path = temp("good.npy");
    save_npy(&path, &Array::from_vec((0..100i64).collect(), [10, 10])).unwrap();
    let good = std::fs::read(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    expect_error(b"", "empty.npy", "empty");
    expect_error(b"\x93NUMPZ\x01\x00", "magic.npy", "magic");
    expect_error(&good[..9], "no-header-len.npy", "truncated");
    expect_error(&good[..40], "short-header.npy", "truncated header");
    // The data is cut short: the shape needs 800 bytes.
    expect_error(&good[..good.len() - 8], "short-data.npy", "needs 800 bytes");
    // Extra bytes after the data are a size mismatch too.
    let mut long = good.clone();
    long.extend_from_slice(&[0; 8]);
    expect_error(&long, "long-data.npy", "data size mismatch");
    // A shape that does not match the data's length.
    let text = String::from_utf8_lossy(&good[10..good.len() - 800]).replace("(10, 10)", "(10, 11)");
    let mut bad_shape = good[..10].to_vec();
    bad_shape.extend_from_slice(text.as_bytes());
    bad_shape.extend_from_slice(&good[good.len() - 800..]);
    expect_error(&bad_shape, "bad-shape.npy", "needs 880 bytes");
    let missing = temp("missing.npy");
    assert!(load_npy_mmap(&missing, MmapMode::ReadOnly).is_err());
}

#[test]
fn misaligned_data_is_copied() {
    // A hand-made version 1.0 file whose header length puts the int64 data at an odd offset.
    let header = b"{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }\n";
    let mut file = b"\x93NUMPY\x01\x00".to_vec();
    file.extend_from_slice(&(header.len() as u16).to_le_bytes());
    file.extend_from_slice(header);
    assert_ne!(file.len() % 8, 0);
    for v in [7i64, -1, 1 << 40] {
        file.extend_from_slice(&v.to_le_bytes());
    }
    let path = temp("odd.npy");
    std::fs::write(&path, &file).unwrap();
    let a = load_npy_mmap(&path, MmapMode::ReadOnly).unwrap();
    assert_eq!(a.to_vec::<i64>().unwrap(), vec![7, -1, 1 << 40]);
    drop(a);
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn bool_bytes_other_than_zero_and_one_are_copied_as_true() {
    // NumPy reads any nonzero byte as True; a bool buffer must hold only 0 and 1, so such a
    // file is copied (and normalised) rather than mapped.
    let header = b"{'descr': '|b1', 'fortran_order': False, 'shape': (4,), }";
    let mut file = b"\x93NUMPY\x01\x00".to_vec();
    let padded = 128 - 10;
    file.extend_from_slice(&(padded as u16).to_le_bytes());
    file.extend_from_slice(header);
    file.extend(std::iter::repeat_n(b' ', padded - header.len() - 1));
    file.push(b'\n');
    assert_eq!(file.len(), 128);
    file.extend_from_slice(&[0, 1, 2, 255]);
    let path = temp("bool.npy");
    std::fs::write(&path, &file).unwrap();
    let a = load_npy_mmap(&path, MmapMode::ReadOnly).unwrap();
    assert_eq!(a.to_vec::<bool>().unwrap(), vec![false, true, true, true]);
    assert_eq!(
        a.astype(numcrane::DType::U8).to_vec::<u8>().unwrap(),
        vec![0, 1, 1, 1]
    );
    drop(a);
    std::fs::remove_file(&path).unwrap();
}
