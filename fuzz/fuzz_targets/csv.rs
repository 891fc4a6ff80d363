//! Fuzzes the text readers (`numcrane::io::loadtxt` and `genfromtxt`) with arbitrary file
//! contents and fuzz-chosen options (delimiter, dtype, usecols, skiprows, max_rows, ndmin,
//! names, missing values): a malformed file must give an error, never a panic.

#![no_main]

use libfuzzer_sys::fuzz_target;
use numcrane::io::{genfromtxt, genfromtxt_names, loadtxt, GenFromTxt, LoadTxt};
use numcrane::DType;
use std::io::Write;

fn touch(a: &numcrane::Array) {
    if a.size() <= 1 << 16 {
        let _ = a.contiguous_bytes();
    }
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 3 {
        return;
    }
    let (opts, body) = data.split_at(3);
    let mut f = tempfile::NamedTempFile::new().expect("temp file");
    f.write_all(body).expect("write");
    f.flush().expect("flush");

    let delimiter = [None, Some(","), Some(";"), Some("\t"), Some(", ")][opts[0] as usize % 5]
        .map(str::to_string);
    let dtype = [
        DType::F64,
        DType::F32,
        DType::I64,
        DType::I8,
        DType::U8,
        DType::Bool,
    ][(opts[0] as usize / 5) % 6];
    let usecols = match opts[1] % 4 {
        0 => None,
        1 => Some(vec![0]),
        2 => Some(vec![-1, 1]),
        _ => Some(vec![opts[2] as isize - 128]),
    };
    let skip = (opts[1] as usize / 4) % 3;
    let max_rows = [None, Some(0), Some(1), Some(3)][(opts[1] as usize / 16) % 4];
    let ndmin = (opts[2] as usize) % 3;

    let lt = LoadTxt {
        delimiter: delimiter.clone(),
        skiprows: skip,
        usecols: usecols.clone(),
        dtype,
        max_rows,
        ndmin,
        ..LoadTxt::default()
    };
    if let Ok(a) = loadtxt(f.path(), &lt) {
        touch(&a);
    }
    let gt = GenFromTxt {
        delimiter,
        skip_header: skip,
        skip_footer: (opts[2] as usize / 3) % 2,
        usecols,
        names: opts[2] & 64 != 0,
        missing_values: vec!["NA".to_string()],
        filling_values: if opts[2] & 128 != 0 { Some(-7.0) } else { None },
        dtype,
        max_rows,
        ndmin,
        ..GenFromTxt::default()
    };
    if let Ok(a) = genfromtxt(f.path(), &gt) {
        touch(&a);
    }
    if let Ok((_, a)) = genfromtxt_names(f.path(), &gt) {
        touch(&a);
    }
});
