//! Issue 8's FFT benchmarks: `numcrane::fft::fft` of 2^20 complex128 values and `rfft` of 2^20
//! float64 values (inputs realized, results evaluated), medians of 21 calls after 3 warm-up
//! calls, one tab-separated line each (name, median s, min s). `python3 benches/fft_numpy.py`
//! times NumPy on the same inputs; `bash benches/fft.sh` runs both, alternating.

use numcrane::fft::{fft, rfft, Norm};
use numcrane::{Array, Complex64};
use std::hint::black_box;
use std::time::Instant;

fn time(label: &str, f: impl Fn() -> Array) {
    for _ in 0..3 {
        black_box(f().eval().expect("warm-up"));
    }
    let mut s: Vec<f64> = (0..21)
        .map(|_| {
            let t = Instant::now();
            black_box(f().eval().expect("eval"));
            t.elapsed().as_secs_f64()
        })
        .collect();
    s.sort_by(f64::total_cmp);
    println!("{label}\t{:.6}\t{:.6}", s[s.len() / 2], s[0]);
}

fn main() {
    let n = 1 << 20;
    // The same values as benches/fft_numpy.py: sin(0.37 i) + i cos(0.11 i).
    let z: Vec<Complex64> = (0..n)
        .map(|i| Complex64::new((0.37 * i as f64).sin(), (0.11 * i as f64).cos()))
        .collect();
    let r: Vec<f64> = (0..n).map(|i| (0.37 * i as f64).sin()).collect();
    let z = Array::from_vec(z, [n]);
    let r = Array::from_vec(r, [n]);
    time("fft_c128_2^20", || fft(&z, None, -1, Norm::Backward));
    time("rfft_f64_2^20", || rfft(&r, None, -1, Norm::Backward));
}
