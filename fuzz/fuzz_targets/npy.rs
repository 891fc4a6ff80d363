//! Fuzzes the .npy readers (`numcrane::io::read_npy`, and `read_npy_record` for structured
//! dtypes) with arbitrary bytes: a malformed file must give an error, a valid one an array
//! whose every element can be read, never a panic. Half the inputs are a valid header followed
//! by fuzz bytes, so the data-length and shape checks are reached often, not only the
//! magic-string check; some of those headers are structured (big-endian complex fields,
//! padding), which the plain reader refuses and the record reader decodes.

#![no_main]

use libfuzzer_sys::fuzz_target;
use numcrane::io::{read_npy, read_npy_record};

/// Reads every element of `a` (through its bytes) and a reduction over it, so a wrong
/// layout or length in what the reader returns shows up as a panic or a sanitizer report.
fn touch(a: &numcrane::Array) {
    if a.size() <= 1 << 16 {
        let _ = a.contiguous_bytes();
        let _ = a.astype(numcrane::DType::F64).sum(..).eval();
    }
}

/// Both readers on one file: at most one of them accepts it.
fn read_both(file: &[u8]) {
    if let Ok(a) = read_npy(file) {
        touch(&a);
    }
    if let Ok(r) = read_npy_record(file) {
        for (_, a) in r.fields() {
            touch(a);
        }
    }
}

fuzz_target!(|data: &[u8]| {
    read_both(data);
    // A valid v1.0 header with a fuzzed dictionary and body.
    if let Some((&k, rest)) = data.split_first() {
        let descrs = [
            "'<f8'",
            "'<i4'",
            "'|b1'",
            "'<u2'",
            "'>f4'",
            "'|u1'",
            "'<i8'",
            "'|i1'",
            "'>c16'",
            "'<c8'",
            "[('a', '<f8'), ('z', '>c16')]",
            "[('x', '>c8'), ('', '|V3'), ('n', '>i2'), ('ok', '|b1')]",
        ];
        let split = rest.len().min(40);
        let dict = format!(
            "{{'descr': {}, 'fortran_order': {}, 'shape': ({}), }}",
            descrs[k as usize % descrs.len()],
            if k & 8 != 0 { "True" } else { "False" },
            String::from_utf8_lossy(&rest[..split])
        );
        let mut header = dict.into_bytes();
        while (header.len() + 11) % 64 != 0 {
            header.push(b' ');
        }
        header.push(b'\n');
        let mut file = b"\x93NUMPY\x01\x00".to_vec();
        file.extend_from_slice(&(header.len() as u16).to_le_bytes());
        file.extend_from_slice(&header);
        file.extend_from_slice(&rest[split..]);
        read_both(&file);
    }
});
