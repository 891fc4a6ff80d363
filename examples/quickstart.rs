//! The README's first example: build a lazy expression, look at it, evaluate it, print it.
//!
//! Run with `cargo run --release --example quickstart`.

use numcrane::{arange, array, s, DType};

fn main() -> numcrane::Result<()> {
    // A 4x3 matrix of measurements, standardised per column as in NumPy:
    // (X - X.mean(0)) / X.std(0)
    let x = arange(0.0, 12.0, 1.0).reshape([4, -1]).pow(2.0);
    let z = (&x - x.mean(0)) / x.std(0);
    println!("X =\n{}", x.eval()?);
    println!("standardised =\n{}", z.eval()?);

    // Views cost nothing: every other row, columns reversed.
    let v = x.slice(s![..;2, ..;-1]);
    println!("X[::2, ::-1] =\n{}", v.eval()?);

    // NEP 50 promotion: a Rust float next to a float32 array stays float32.
    let a = array([1.0f32, 2.0, 3.0]);
    let b = (&a * 2.0 + 1.0).eval()?;
    assert_eq!(b.dtype(), DType::F32);
    println!("a * 2 + 1 = {b} ({})", b.dtype());

    // Errors name the operation, the shapes and the line that built the bad node.
    let bad = &a + array([1.0f32, 2.0]);
    if let Err(e) = bad.eval() {
        println!("error, as expected: {e}");
    }

    // Each column of z has mean 0 and standard deviation 1.
    let means = z.mean(0).to_vec::<f64>()?;
    assert!(means.iter().all(|m| m.abs() < 1e-12));
    Ok(())
}
