//! A two-layer neural network with manual backpropagation, trained by full-batch gradient
//! descent on a synthetic two-class data set: points on two concentric rings, which no
//! straight line separates. The hidden layer's forward pass `maximum(X @ W1 + b1, 0)` is one
//! fused matrix product (the bias and the ReLU run on each tile of the product as the GEMM
//! finishes it: `NUMCRANE_DEBUG=2` prints `matmul + epilogue: add, maximum`).
//!
//! Run with `cargo run --release --example neural_net` (tests/examples.rs runs it small).

use numcrane::random::default_rng;
use numcrane::{concatenate, eval_all, full, matmul, maximum, ones, zeros, Array, DType};

/// The result of training.
pub struct Trained {
    /// Cross-entropy loss before and after training.
    pub loss_first: f64,
    pub loss_last: f64,
    /// Fraction of held-out points classified correctly.
    pub accuracy: f64,
}

/// Ring data: `n` points per class, class 0 at radius 1 and class 1 at radius 2.5, with
/// Gaussian noise; returns (x [2n, 2] float32, y [2n, 1] float32 of 0/1).
fn rings(n: usize, seed: u128) -> numcrane::Result<(Array, Array)> {
    let mut rng = default_rng(seed);
    let angle = rng.uniform(0.0, 2.0 * std::f64::consts::PI, [2 * n, 1]);
    let radius = concatenate(&[&ones([n, 1], DType::F64), &full([n, 1], 2.5)], 0);
    let r = radius + rng.standard_normal([2 * n, 1]) * 0.25;
    let x = concatenate(&[&(&r * angle.cos()), &(&r * angle.sin())], 1).astype(DType::F32);
    let y = concatenate(&[&zeros([n, 1], DType::F32), &ones([n, 1], DType::F32)], 0);
    Ok((x.eval()?, y.eval()?))
}

/// Mean binary cross-entropy of probabilities `p` against labels `y`.
fn loss(p: &Array, y: &Array) -> numcrane::Result<f64> {
    let eps = 1e-7f64;
    let l = -(y * (p + eps).log() + (1.0f64 - y) * (1.0f64 - p + eps).log());
    l.astype(DType::F64).mean(..).item::<f64>()
}

/// The network's class-1 probabilities and hidden activations.
fn forward(x: &Array, w1: &Array, b1: &Array, w2: &Array, b2: &Array) -> (Array, Array) {
    let h = maximum(&(matmul(x, w1) + b1), 0.0);
    let logits = matmul(&h, w2) + b2;
    let p = 1.0 / (1.0 + (-logits).exp());
    (p, h)
}

/// Trains a `hidden`-unit network for `epochs` steps on `n` points per class.
pub fn run(n: usize, hidden: usize, epochs: usize) -> numcrane::Result<Trained> {
    let (x, y) = rings(n, 1)?;
    let mut rng = default_rng(2);
    // He initialisation for the ReLU layer (variance 2 / fan_in, fan_in = 2 inputs), small
    // output weights.
    let fan_in = 2.0f64;
    let mut w1 = (rng.standard_normal([2, hidden]) * (2.0 / fan_in).sqrt()).astype(DType::F32);
    let mut b1 = zeros([hidden], DType::F32);
    let mut w2 =
        (rng.standard_normal([hidden, 1]) * (1.0 / hidden as f64).sqrt()).astype(DType::F32);
    let mut b2 = zeros([1], DType::F32);
    eval_all(&[&w1, &b1, &w2, &b2])?;
    let lr = 0.5f32;
    let m = (2 * n) as f32;
    let mut loss_first = f64::NAN;
    let mut loss_last = f64::NAN;
    for epoch in 0..epochs {
        let (p, h) = forward(&x, &w1, &b1, &w2, &b2);
        // d loss / d logits of the mean cross-entropy through the sigmoid: (p - y) / m.
        let dlogits = (&p - &y) / m;
        let dw2 = matmul(&h.transpose(), &dlogits);
        let db2 = dlogits.sum(0);
        // Through the ReLU: the gradient flows where the unit was active.
        let dh = matmul(&dlogits, &w2.transpose()) * h.gt(0.0).astype(DType::F32);
        let dw1 = matmul(&x.transpose(), &dh);
        let db1 = dh.sum(0);
        let next = [
            &w1 - dw1 * lr,
            &b1 - db1 * lr,
            &w2 - dw2 * lr,
            &b2 - db2 * lr,
        ];
        eval_all(&next.iter().collect::<Vec<_>>())?;
        if epoch == 0 {
            loss_first = loss(&p, &y)?;
        }
        if epoch + 1 == epochs {
            loss_last = loss(&p, &y)?;
        }
        [w1, b1, w2, b2] = next;
    }
    // Held-out points from the same rings.
    let (xt, yt) = rings(n.max(500), 99)?;
    let (pt, _) = forward(&xt, &w1, &b1, &w2, &b2);
    let correct = pt
        .gt(0.5)
        .astype(DType::F32)
        .eq(&yt)
        .astype(DType::F64)
        .mean(..);
    Ok(Trained {
        loss_first,
        loss_last,
        accuracy: correct.item::<f64>()?,
    })
}

#[allow(dead_code)]
fn main() -> numcrane::Result<()> {
    let t = run(20_000, 32, 400)?;
    println!(
        "loss {:.4} -> {:.4}; held-out accuracy {:.2}%",
        t.loss_first,
        t.loss_last,
        100.0 * t.accuracy
    );
    assert!(t.accuracy > 0.97, "accuracy {}", t.accuracy);
    println!("two rings separated: accuracy above 97%");
    Ok(())
}
