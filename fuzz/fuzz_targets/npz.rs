//! Fuzzes the .npz reader (`numcrane::io::load_npz`, then `Npz::get` of every member): a
//! malformed archive must give an error, never a panic. Odd first bytes: the rest of the
//! input is the archive. Even: a valid archive that numcrane wrote (stored or deflated, two
//! members) with fuzz-chosen bytes overwritten, so the zip directory, the local headers, the
//! deflate streams and the .npy members inside are all reached.

#![no_main]

use libfuzzer_sys::fuzz_target;
use numcrane::io::{load_npz, savez, savez_compressed};
use std::io::Write;
use std::sync::OnceLock;

/// Two archives numcrane wrote: stored and compressed.
fn seeds() -> &'static [Vec<u8>; 2] {
    static SEEDS: OnceLock<[Vec<u8>; 2]> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let a = numcrane::arange(0.0, 6.0, 1.0).reshape([2, 3]);
        let b = numcrane::array([1i32, -2, 3]);
        let p = dir.path().join("s.npz");
        let q = dir.path().join("c.npz");
        savez(&p, &[("a", &a), ("b", &b)]).expect("savez");
        savez_compressed(&q, &[("a", &a), ("b", &b)]).expect("savez_compressed");
        [
            std::fs::read(&p).expect("read"),
            std::fs::read(&q).expect("read"),
        ]
    })
}

fn read(bytes: &[u8]) {
    let mut f = tempfile::NamedTempFile::new().expect("temp file");
    f.write_all(bytes).expect("write");
    f.flush().expect("flush");
    if let Ok(npz) = load_npz(f.path()) {
        for name in npz.names().to_vec() {
            if let Ok(a) = npz.get(&name) {
                if a.size() <= 1 << 16 {
                    let _ = a.contiguous_bytes();
                }
            }
        }
        let _ = npz.get("missing");
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    if mode % 2 == 1 {
        read(rest);
        return;
    }
    let mut archive = seeds()[(mode as usize / 2) % 2].clone();
    // Pairs (position, value) overwrite bytes of the valid archive.
    for pair in rest.chunks_exact(3) {
        let at = u16::from_le_bytes([pair[0], pair[1]]) as usize % archive.len();
        archive[at] = pair[2];
    }
    read(&archive);
});
