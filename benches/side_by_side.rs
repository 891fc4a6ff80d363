//! The numcrane side of `bash benches/side_by_side.sh`: medians of the JIT backend and the
//! reference evaluator on the workloads of ../shared/baselines (W1, W2, W3, W4, W5, W8) at
//! their sizes, issue 6's sorting and selection workloads (group S) and issue 7's random draws
//! (group R) and issue 8's linear algebra (group L), plus a STREAM-style triad measured in the same process as the bandwidth floor.
//!
//! It measures its own medians (no criterion) and prints tab-separated lines that
//! `benches/side_by_side_table.py` joins with NumPy's (`benches/numpy_side_by_side.py`):
//!
//! - `ROW  id  workload  size  dtype  floor_bytes  unit` (unit `ms` or `us`; floor_bytes 0: none)
//! - `TIME  id  impl  median_seconds  reps  min_seconds` (impl `jit` or `eval`)
//! - `SKIP  id  impl  reason`
//! - `TRIAD  dtype  n  threads  median_GB/s  best_GB/s  when` (when: `start` or `end` of the run)
//! - `COMPILE  kernel  kernels  median_first_call_s  median_cached_call_s` (mode `compile`)
//! - `RSS  key  bytes` (mode `rss`)
//!
//! Progress goes to stderr. Modes (first free argument; `cargo bench` adds `--bench`, ignored):
//! - `all` (default): the workloads and the triad;
//! - `compile`: JIT compile time, by timing first calls of fresh kernel structures (distinct
//!   constants) against cached calls;
//! - `compile-fresh`: only those first calls; run it with `NUMCRANE_DEBUG=1` to get the JIT's
//!   own per-kernel compile times on stderr ("compiled a kernel of N values ... in X ms");
//! - `rss`: peak memory of W1 at 1e7 f32 (VmHWM from /proc/self/status, reset after the
//!   inputs are built by writing 5 to /proc/self/clear_refs).
//!
//! `--budget SECONDS` (default 1.0): the time each measurement aims to spend after warm-up.
//! `--only W1,W8`: only those workload groups (W1..W8, S, R, L; the triad always runs).
//! `--eval-cap SECONDS` (default 2.0): the reference evaluator is skipped for a workload whose
//! warm-up call takes longer.
//!
//! Each timed call builds the expression and evaluates it, so graph building, planning, the
//! kernel-cache lookup and output allocation are included; inputs are realized beforehand.

use numcrane::{jit_compile_count, keepdims, Array, Backend, DType};
use numcrane_suite::bench_input;
use rayon::prelude::*;
use std::hint::black_box;
use std::time::Instant;

const BACKENDS: [(Backend, &str); 2] = [(Backend::Jit, "jit"), (Backend::Eval, "eval")];

struct Opts {
    budget: f64,
    eval_cap: f64,
    /// Workload groups to run (`W1`..`W8`); empty: all.
    only: Vec<String>,
}

/// Median and minimum seconds per call over `reps` samples.
struct Measured {
    median: f64,
    min: f64,
    reps: usize,
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// Times `f`: warm-up (at least two calls or 0.2 s), then samples until `budget` seconds are
/// spent, at least `min_reps` and at most `max_reps`. Each sample is `batch` calls. Returns
/// None (after one call) when that first call took longer than `cap` seconds.
fn measure<R>(
    mut f: impl FnMut() -> R,
    batch: usize,
    budget: f64,
    cap: f64,
    min_reps: usize,
) -> Option<Measured> {
    let time_batch = |f: &mut dyn FnMut() -> R| {
        let t = Instant::now();
        for _ in 0..batch {
            black_box(f());
        }
        t.elapsed().as_secs_f64() / batch as f64
    };
    let first = time_batch(&mut f);
    if first > cap {
        return None;
    }
    let warm_start = Instant::now();
    let mut one = time_batch(&mut f);
    while warm_start.elapsed().as_secs_f64() < 0.2 {
        one = one.min(time_batch(&mut f));
    }
    let reps = ((budget / (one * batch as f64)) as usize).clamp(min_reps, 200);
    let mut samples: Vec<f64> = (0..reps).map(|_| time_batch(&mut f)).collect();
    let min = samples.iter().copied().fold(f64::INFINITY, f64::min);
    Some(Measured {
        median: median(&mut samples),
        min,
        reps,
    })
}

struct Harness {
    opts: Opts,
}

impl Harness {
    fn wants(&self, group: &str) -> bool {
        self.opts.only.is_empty() || self.opts.only.iter().any(|g| g == group)
    }

    fn row(&self, id: &str, workload: &str, size: &str, dtype: DType, floor_bytes: usize) {
        let unit = if id.starts_with("W8") { "us" } else { "ms" };
        println!(
            "ROW\t{id}\t{workload}\t{size}\t{}\t{floor_bytes}\t{unit}",
            short(dtype)
        );
    }

    /// Times `expr` evaluated on each backend and prints the TIME / SKIP lines.
    fn both(&self, id: &str, batch: usize, expr: impl Fn() -> Array) {
        self.on(&BACKENDS, id, batch, expr);
    }

    /// Times `expr` on the JIT backend only (group S: the evaluator's sorts take seconds at
    /// 1e7, and the data-dependent functions compute natively whatever the backend).
    fn jit(&self, id: &str, batch: usize, expr: impl Fn() -> Array) {
        self.on(&BACKENDS[..1], id, batch, expr);
    }

    fn on(&self, backends: &[(Backend, &str)], id: &str, batch: usize, expr: impl Fn() -> Array) {
        for &(backend, name) in backends {
            let cap = if backend == Backend::Eval {
                self.opts.eval_cap
            } else {
                f64::INFINITY
            };
            let min_reps = if backend == Backend::Eval { 3 } else { 5 };
            let t = Instant::now();
            let m = measure(
                || expr().eval_with(backend).expect("eval"),
                batch,
                self.opts.budget,
                cap,
                min_reps,
            );
            match m {
                Some(m) => {
                    println!(
                        "TIME\t{id}\t{name}\t{:.6e}\t{}\t{:.6e}",
                        m.median, m.reps, m.min
                    );
                    eprintln!(
                        "  {id:<12} {name:<5} median {:>10.3} ms ({} reps, {:.1} s)",
                        m.median * 1e3,
                        m.reps,
                        t.elapsed().as_secs_f64()
                    );
                }
                None => {
                    let reason = format!("one call > {} s", self.opts.eval_cap);
                    println!("SKIP\t{id}\t{name}\t{reason}");
                    eprintln!("  {id:<12} {name:<5} skipped: {reason}");
                }
            }
        }
    }
}

fn short(dtype: DType) -> &'static str {
    match dtype {
        DType::F32 => "f32",
        DType::F64 => "f64",
        _ => dtype.name(),
    }
}

fn inputs<const K: usize>(n: usize, dtype: DType) -> [Array; K] {
    std::array::from_fn(|k| bench_input(n, dtype, 0.1 * (k + 1) as f64))
}

fn matrix(rows: usize, cols: usize, dtype: DType, phase: f64) -> Array {
    bench_input(rows * cols, dtype, phase)
        .reshape([rows as isize, cols as isize])
        .eval()
        .expect("matrix")
}

/// STREAM triad `a[i] = b[i] + s * c[i]` on `threads` rayon threads, `a` reused: median and
/// best GB/s counting 3 arrays moved per call (STREAM's convention).
fn triad<T>(n: usize, threads: usize, reps: usize) -> (f64, f64)
where
    T: Copy + Send + Sync + From<f32> + std::ops::Add<Output = T> + std::ops::Mul<Output = T>,
{
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("thread pool");
    let chunk = n.div_ceil(threads * 4);
    let s = T::from(3.0);
    let zero = T::from(0.0);
    let (mut a, mut b, mut c) = (vec![zero; n], vec![zero; n], vec![zero; n]);
    pool.install(|| {
        // First touch on the threads that will use the pages.
        a.par_chunks_mut(chunk)
            .zip(b.par_chunks_mut(chunk))
            .zip(c.par_chunks_mut(chunk))
            .for_each(|((a, b), c)| {
                a.fill(T::from(1.0));
                b.fill(T::from(2.0));
                c.fill(T::from(0.5));
            })
    });
    let mut run = || {
        let t = Instant::now();
        pool.install(|| {
            a.par_chunks_mut(chunk)
                .zip(b.par_chunks(chunk))
                .zip(c.par_chunks(chunk))
                .for_each(|((a, b), c)| {
                    for ((o, &x), &y) in a.iter_mut().zip(b).zip(c) {
                        *o = x + s * y;
                    }
                })
        });
        t.elapsed().as_secs_f64()
    };
    for _ in 0..3 {
        run();
    }
    let mut times: Vec<f64> = (0..reps).map(|_| run()).collect();
    black_box(&a);
    let bytes = (3 * n * std::mem::size_of::<T>()) as f64;
    let best = times.iter().copied().fold(f64::INFINITY, f64::min);
    (bytes / median(&mut times) / 1e9, bytes / best / 1e9)
}

/// The triad in f32 and f64; `when` labels the lines (`start` or `end` of the run: the floor
/// uses the best of both, so a burst of load on the shared machine during one matters less).
fn run_triad(when: &str) {
    let n = 10_000_000;
    let threads = 2;
    for (dtype, (med, best)) in [
        (DType::F32, triad::<f32>(n, threads, 50)),
        (DType::F64, triad::<f64>(n, threads, 50)),
    ] {
        println!(
            "TRIAD\t{}\t{n}\t{threads}\t{med:.2}\t{best:.2}\t{when}",
            short(dtype)
        );
        eprintln!(
            "  triad {} 1e7 {threads} threads ({when}): median {med:.1} GB/s, best {best:.1} GB/s",
            short(dtype)
        );
    }
}

fn run_all(h: &Harness) {
    let started = Instant::now();
    eprintln!("numcrane side: STREAM triad");
    run_triad("start");

    let n = 10_000_000;
    for dtype in [DType::F32, DType::F64]
        .into_iter()
        .filter(|_| h.wants("W1"))
    {
        let s = dtype.itemsize();
        let id = format!("W1 {}", short(dtype));
        eprintln!("numcrane side: {id}");
        h.row(&id, "W1 `a*b + c*d - e`", "1e7", dtype, 6 * n * s);
        let [a, b, c, d, e] = inputs(n, dtype);
        h.both(&id, 1, || &a * &b + &c * &d - &e);
    }
    for dtype in [DType::F32, DType::F64]
        .into_iter()
        .filter(|_| h.wants("W2"))
    {
        let s = dtype.itemsize();
        let id = format!("W2 {}", short(dtype));
        eprintln!("numcrane side: {id}");
        h.row(
            &id,
            "W2 `exp(-x*x/2)*sin(y) + log1p(abs(z))`",
            "1e7",
            dtype,
            4 * n * s,
        );
        let [x, y, z] = inputs(n, dtype);
        h.both(&id, 1, || {
            (-&x * &x / 2.0).exp() * y.sin() + z.abs().log1p()
        });
    }
    let side = 4096;
    for dtype in [DType::F32, DType::F64]
        .into_iter()
        .filter(|_| h.wants("W3"))
    {
        let s = dtype.itemsize();
        let id = format!("W3 {}", short(dtype));
        eprintln!("numcrane side: {id}");
        // Floor: one pass reading X for both statistics, one reading it again and writing.
        h.row(
            &id,
            "W3 `(X - X.mean(0)) / X.std(0)`",
            "4096 x 4096",
            dtype,
            3 * side * side * s,
        );
        let x = matrix(side, side, dtype, 0.0);
        h.both(&id, 1, || (&x - x.mean(0)) / x.std(0));
    }
    if h.wants("W4") {
        let dtype = DType::F32;
        eprintln!("numcrane side: W4");
        let [x, y] = inputs(n, dtype);
        h.row("W4 sum", "W4 `x.sum()`", "1e7", dtype, 4 * n);
        h.both("W4 sum", 1, || x.sum(..));
        h.row("W4 dot", "W4 `(x*y).sum()`", "1e7", dtype, 8 * n);
        h.both("W4 dot", 1, || (&x * &y).sum(..));
        drop((x, y));
        let m = matrix(side, side, dtype, 0.0);
        let bytes = 4 * side * side + 4 * side;
        h.row("W4 sum0", "W4 `X.sum(axis=0)`", "4096 x 4096", dtype, bytes);
        h.both("W4 sum0", 1, || m.sum(0));
        h.row("W4 sum1", "W4 `X.sum(axis=1)`", "4096 x 4096", dtype, bytes);
        h.both("W4 sum1", 1, || m.sum(1));
    }
    if h.wants("W5") {
        let dtype = DType::F32;
        eprintln!("numcrane side: W5");
        let (rows, cols) = (4096, 1024);
        h.row(
            "W5",
            "W5 softmax over rows `e = exp(x - x.max(1)); e / e.sum(1)`",
            "4096 x 1024",
            dtype,
            2 * rows * cols * 4,
        );
        let x = matrix(rows, cols, dtype, 0.0);
        h.both("W5", 1, || {
            let e = (&x - x.max(keepdims(1))).exp();
            &e / e.sum(keepdims(1))
        });
    }
    if h.wants("W8") {
        let dtype = DType::F32;
        eprintln!("numcrane side: W8");
        let [a, b, c, d, e] = inputs(16, dtype);
        h.row("W8 add", "W8 `a + b` per call", "16", dtype, 0);
        h.both("W8 add", 1000, || &a + &b);
        h.row("W8 chain", "W8 `a*b + c*d - e` per call", "16", dtype, 0);
        h.both("W8 chain", 1000, || &a * &b + &c * &d - &e);
    }
    if h.wants("S") {
        run_sorting_group(h);
    }
    if h.wants("R") {
        run_random_group(h);
    }
    if h.wants("L") {
        run_linalg_group(h);
    }
    eprintln!("numcrane side: STREAM triad again");
    run_triad("end");
    eprintln!(
        "numcrane side: done in {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

/// splitmix64 of `i`: the same pseudo-random stream as `benches/numpy_side_by_side.py`'s
/// `rand_u64`, so both sides sort, select and gather the same values.
fn splitmix64(i: u64) -> u64 {
    let mut z = i.wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// `n` pseudo-random values of `dtype`: floats uniform in [0, 1) from the top 53 bits,
/// int64 in [0, modulo) (modulo 0: below 2^40). Sorting sin(i) would time nearly sorted runs.
fn random_input(n: usize, dtype: DType, salt: u64, modulo: u64) -> Array {
    let bits = (0..n as u64).map(|i| splitmix64(i ^ (salt << 48)));
    let shape = [n];
    match dtype {
        DType::F32 => Array::from_vec(
            bits.map(|b| ((b >> 11) as f64 / (1u64 << 53) as f64) as f32)
                .collect(),
            shape,
        ),
        DType::F64 => Array::from_vec(
            bits.map(|b| (b >> 11) as f64 / (1u64 << 53) as f64)
                .collect(),
            shape,
        ),
        DType::I64 => {
            let m = if modulo == 0 { 1u64 << 40 } else { modulo };
            Array::from_vec(bits.map(|b| (b % m) as i64).collect(), shape)
        }
        other => panic!("random_input: no {other:?}"),
    }
}

/// The matrix of group L: `A[i, j] = 1 / (1 + |i - j|) + n * (i == j)`, symmetric and
/// strictly diagonally dominant, so positive definite (every function of the group accepts
/// it); `benches/numpy_side_by_side.py` builds the same one.
fn linalg_matrix(n: usize) -> Array {
    let mut v = Vec::with_capacity(n * n);
    for i in 0..n {
        for j in 0..n {
            let d = 1.0 / (1.0 + i.abs_diff(j) as f64);
            v.push(if i == j { d + n as f64 } else { d });
        }
    }
    Array::from_vec(v, [n, n])
}

/// A group L workload: name, description, the call.
type LinalgCase<'a> = (&'static str, &'static str, Box<dyn Fn() -> Array + 'a>);

/// Issue 8's workloads: inv, solve (one vector), det, eigh, svd, qr and cholesky of one
/// float64 matrix of 256 and 1024. Ids start with `L`. Each call factorises at call time
/// (the functions evaluate their input and return realized arrays).
fn run_linalg_group(h: &Harness) {
    use numcrane::linalg;
    for n in [256usize, 1024] {
        let a = linalg_matrix(n);
        let b = Array::from_vec(vec![1.0f64; n], [n]);
        let size = format!("{n} x {n}");
        let cases: [LinalgCase; 7] = [
            ("inv", "L `linalg.inv(a)`", Box::new(|| linalg::inv(&a))),
            (
                "solve",
                "L `linalg.solve(a, b)`, b a vector",
                Box::new(|| linalg::solve(&a, &b)),
            ),
            ("det", "L `linalg.det(a)`", Box::new(|| linalg::det(&a))),
            (
                "eigh",
                "L `linalg.eigh(a)` (values and vectors)",
                Box::new(|| linalg::eigh(&a, linalg::Uplo::L).eigenvectors),
            ),
            (
                "svd",
                "L `linalg.svd(a)` (full_matrices=True)",
                Box::new(|| linalg::svd(&a, true).vh),
            ),
            (
                "qr",
                "L `linalg.qr(a)` (reduced)",
                Box::new(|| linalg::qr(&a, linalg::QrMode::Reduced).r),
            ),
            (
                "cholesky",
                "L `linalg.cholesky(a)`",
                Box::new(|| linalg::cholesky(&a, false)),
            ),
        ];
        for (name, workload, f) in &cases {
            let id = format!("L {name} {n}");
            eprintln!("numcrane side: {id}");
            h.row(&id, workload, &size, DType::F64, 0);
            h.jit(&id, 1, f);
        }
    }
}

/// Issue 7's workloads: 1e7 draws from one `default_rng(42)` generator reused across calls
/// (as NumPy's side does), of random, integers(0, 100) and standard_normal. Ids start with `R`.
fn run_random_group(h: &Harness) {
    let n = 10_000_000;
    let rng = std::cell::RefCell::new(numcrane::random::default_rng(42));
    for dtype in [DType::F64, DType::F32] {
        let id = format!("R random {}", short(dtype));
        eprintln!("numcrane side: {id}");
        h.row(&id, "R `rng.random(n)`", "1e7", dtype, 0);
        h.jit(&id, 1, || rng.borrow_mut().random_dtype([n], dtype));
    }
    eprintln!("numcrane side: R integers");
    h.row(
        "R integers",
        "R `rng.integers(0, 100, n)`",
        "1e7",
        DType::I64,
        0,
    );
    h.jit("R integers", 1, || rng.borrow_mut().integers(0, 100, [n]));
    for dtype in [DType::F64, DType::F32] {
        let id = format!("R normal {}", short(dtype));
        eprintln!("numcrane side: {id}");
        h.row(&id, "R `rng.standard_normal(n)`", "1e7", dtype, 0);
        h.jit(&id, 1, || {
            rng.borrow_mut().standard_normal_dtype([n], dtype)
        });
    }
}

/// Issue 6's workloads: sort and argsort of 1e7, unique of 1e7 int64 with 1e3 distinct
/// values, median and percentiles of 1e7, boolean-mask
/// selection of half of 1e7, a gather of 1e6 random indices from 1e7, concatenate of 10 x 1e6
/// (copied, and computed by `sin` kernels straight into the result). Ids start with `S`.
fn run_sorting_group(h: &Harness) {
    let n = 10_000_000;
    for dtype in [DType::F32, DType::F64, DType::I64] {
        let x = random_input(n, dtype, 1, 0);
        let id = format!("S sort {}", short(dtype));
        eprintln!("numcrane side: {id}");
        h.row(&id, "S `sort(x)` random", "1e7", dtype, 0);
        h.jit(&id, 1, || numcrane::sort(&x, Some(-1)));
        let id = format!("S argsort {}", short(dtype));
        eprintln!("numcrane side: {id}");
        h.row(&id, "S `argsort(x)` random", "1e7", dtype, 0);
        h.jit(&id, 1, || numcrane::argsort(&x, Some(-1)));
    }
    let x = random_input(n, DType::I64, 4, 1000);
    eprintln!("numcrane side: S unique");
    h.row(
        "S unique",
        "S `unique(x)`, 1e3 distinct values",
        "1e7",
        DType::I64,
        0,
    );
    h.jit("S unique", 1, || numcrane::unique(&x));
    let x = random_input(n, DType::F64, 2, 0);
    eprintln!("numcrane side: S median");
    h.row("S median", "S `median(x)` random", "1e7", DType::F64, 0);
    h.jit("S median", 1, || numcrane::median(&x, ..));
    eprintln!("numcrane side: S percentile");
    h.row(
        "S percentile",
        "S `percentile(x, [10, 50, 90])` random",
        "1e7",
        DType::F64,
        0,
    );
    h.jit("S percentile", 1, || {
        numcrane::percentile(&x, [10.0, 50.0, 90.0], ..)
    });
    eprintln!("numcrane side: S mask");
    h.row(
        "S mask",
        "S `x[x > 0.5]` (half of 1e7 selected)",
        "1e7",
        DType::F64,
        0,
    );
    h.jit("S mask", 1, || x.index(numcrane::ix![&x.gt(0.5)]));
    // 1e6 positions in [0, 1e7): random_input's int64 stream modulo n.
    let idx = random_input(1_000_000, DType::I64, 3, n as u64);
    eprintln!("numcrane side: S gather");
    h.row(
        "S gather",
        "S `x[idx]`, 1e6 random indices into 1e7",
        "1e6",
        DType::F64,
        0,
    );
    h.jit("S gather", 1, || x.index(numcrane::ix![&idx]));
    drop((x, idx));
    let parts: Vec<Array> = (0..10)
        .map(|k| random_input(1_000_000, DType::F64, 10 + k, 0))
        .collect();
    let refs: Vec<&Array> = parts.iter().collect();
    eprintln!("numcrane side: S concat");
    h.row(
        "S concat",
        "S `concatenate` of 10 x 1e6",
        "1e7",
        DType::F64,
        2 * 8 * n,
    );
    h.jit("S concat", 1, || numcrane::concatenate(&refs, 0));
    // Parts computed by element-wise kernels: each writes straight into its slice of the
    // result (the fused concatenation step), no temporaries.
    eprintln!("numcrane side: S concat sin");
    h.row(
        "S concat sin",
        "S `concatenate([sin(p) for p in parts])`, 10 x 1e6",
        "1e7",
        DType::F64,
        2 * 8 * n,
    );
    h.jit("S concat sin", 1, || {
        let sines: Vec<Array> = parts.iter().map(|p| p.sin()).collect();
        let refs: Vec<&Array> = sines.iter().collect();
        numcrane::concatenate(&refs, 0)
    });
}

/// JIT compile time seen from outside: the first call of a graph structure the kernel cache
/// has not seen (a fresh constant gives a fresh kernel) against the same call once cached.
/// With `fresh_only`, only the first calls run (for `NUMCRANE_DEBUG=1`, whose per-run lines
/// would otherwise flood stderr).
fn run_compile(fresh_only: bool) {
    let [a, b, c, d, e] = inputs(16, DType::F32);
    // Compile something first so one-time set-up (Cranelift ISA, thread pool) is not counted.
    (&a * 0.5).eval_with(Backend::Jit).expect("eval");
    type Expr<'a> = Box<dyn Fn(f64) -> Array + 'a>;
    let kinds: [(&str, Expr); 2] = [
        (
            "W1-like a*b+c*d-e*k",
            Box::new(|k| &a * &b + &c * &d - &e * k),
        ),
        (
            "W2-like exp(-x*x/k)*sin(y)+log1p(abs(z))",
            Box::new(|k| (-&a * &a / k).exp() * b.sin() + c.abs().log1p()),
        ),
    ];
    for (ki, (name, expr)) in kinds.iter().enumerate() {
        let (mut first, mut cached) = (Vec::new(), Vec::new());
        let mut kernels = 0;
        for i in 0..20 {
            let k = 1.0 + (ki * 100 + i + 1) as f64 * 1e-3;
            let before = jit_compile_count();
            let t = Instant::now();
            black_box(expr(k).eval_with(Backend::Jit).expect("eval"));
            first.push(t.elapsed().as_secs_f64());
            kernels = jit_compile_count() - before;
            if fresh_only {
                continue;
            }
            let m = measure(
                || expr(k).eval_with(Backend::Jit).expect("eval"),
                100,
                0.02,
                f64::INFINITY,
                5,
            )
            .expect("no cap");
            cached.push(m.median);
        }
        if fresh_only {
            continue;
        }
        let (f, c) = (median(&mut first), median(&mut cached));
        println!("COMPILE\t{name}\t{kernels}\t{f:.6e}\t{c:.6e}");
        eprintln!(
            "  compile {name}: {kernels} kernel(s) per structure, first call {:.3} ms, cached {:.1} us",
            f * 1e3,
            c * 1e6
        );
    }
}

/// A field of /proc/self/status in bytes (Linux), if present.
fn proc_status_bytes(field: &str) -> Option<usize> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    let kb: usize = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

fn rss_line(key: &str, bytes: Option<usize>) {
    match bytes {
        Some(b) => println!("RSS\t{key}\t{b}"),
        None => println!("RSS\t{key}\t-"),
    }
}

/// Peak memory of W1 at 1e7 f32 on the JIT backend. The inputs are made from Rust vectors
/// (the values of `bench_input`), so no freed temporary of theirs sits in the buffer pool.
fn run_rss() {
    let n = 10_000_000;
    let [a, b, c, d, e]: [Array; 5] = std::array::from_fn(|k| {
        let phase = 0.1 * (k + 1) as f64;
        let v: Vec<f32> = (0..n)
            .map(|i| (i as f64 * 0.001 + phase).sin() as f32)
            .collect();
        Array::from_vec(v, [n])
    });
    rss_line("inputs_bytes", Some(5 * n * 4));
    rss_line("output_bytes", Some(n * 4));
    rss_line("peak_while_building_inputs", proc_status_bytes("VmHWM:"));
    rss_line("rss_after_inputs", proc_status_bytes("VmRSS:"));
    let reset = std::fs::write("/proc/self/clear_refs", "5").is_ok();
    rss_line(
        "hwm_reset",
        Some(usize::from(reset && proc_status_bytes("VmHWM:").is_some())),
    );
    let out = (&a * &b + &c * &d - &e)
        .eval_with(Backend::Jit)
        .expect("eval");
    rss_line("peak_first_eval", proc_status_bytes("VmHWM:"));
    drop(out);
    for _ in 0..10 {
        black_box(
            (&a * &b + &c * &d - &e)
                .eval_with(Backend::Jit)
                .expect("eval"),
        );
    }
    rss_line("peak_after_11_evals", proc_status_bytes("VmHWM:"));
    rss_line("rss_end", proc_status_bytes("VmRSS:"));
}

fn main() {
    let mut mode = "all".to_string();
    let mut opts = Opts {
        budget: 1.0,
        eval_cap: 2.0,
        only: Vec::new(),
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--bench" => {}
            "--only" => {
                let groups = args
                    .next()
                    .expect("--only needs workload groups, e.g. W1,W8");
                opts.only = groups.split(',').map(|g| g.trim().to_string()).collect();
            }
            "--budget" | "--eval-cap" => {
                let v: f64 = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .unwrap_or_else(|| panic!("{arg} needs a number of seconds"));
                if arg == "--budget" {
                    opts.budget = v;
                } else {
                    opts.eval_cap = v;
                }
            }
            m if !m.starts_with('-') => mode = m.to_string(),
            other => panic!("unknown argument {other}"),
        }
    }
    match mode.as_str() {
        "all" => run_all(&Harness { opts }),
        "compile" => run_compile(false),
        "compile-fresh" => run_compile(true),
        "rss" => run_rss(),
        other => panic!("unknown mode {other} (all, compile, compile-fresh, rss)"),
    }
}
