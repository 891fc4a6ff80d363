"""The NumPy / numexpr side of `bash benches/side_by_side.sh`.

Same workloads, sizes, dtypes and inputs as benches/side_by_side.rs (inputs are
sin(0.001 i + phase) as in numcrane_suite::bench_input). Prints tab-separated lines that
benches/side_by_side_table.py joins with numcrane's:

    TIME  id  impl  median_seconds  reps  min_seconds     (impl: numpy, numexpr)
    NOTE  text

Needs `python3 -m pip install numpy numexpr`; numexpr (2 threads, W1 and W2 only) is optional.
Usage: python3 benches/numpy_side_by_side.py [--budget SECONDS] [--only W1,W8]
"""
import argparse
import sys
import time

import numpy as np

try:
    import numexpr as ne
except ImportError:
    ne = None


def measure(fn, budget, batch=1, min_reps=5):
    """Warm-up (at least two calls or 0.2 s), then samples of `batch` calls for about
    `budget` seconds: (median, min, reps) in seconds per call."""

    def one_batch():
        t = time.perf_counter()
        for _ in range(batch):
            fn()
        return (time.perf_counter() - t) / batch

    one_batch()
    start = time.perf_counter()
    one = one_batch()
    while time.perf_counter() - start < 0.2:
        one = min(one, one_batch())
    reps = max(min_reps, min(200, int(budget / (one * batch))))
    samples = sorted(one_batch() for _ in range(reps))
    n = len(samples)
    med = samples[n // 2] if n % 2 else (samples[n // 2 - 1] + samples[n // 2]) / 2
    return med, samples[0], reps


def inp(n, dtype, phase):
    return np.sin(np.arange(n, dtype=np.float64) * 0.001 + phase).astype(dtype)


def inputs(k, n, dtype):
    return [inp(n, dtype, 0.1 * (i + 1)) for i in range(k)]


def rand_u64(n, salt):
    """splitmix64 of i ^ (salt << 48): the stream of side_by_side.rs's `random_input`."""
    with np.errstate(over="ignore"):
        z = (np.arange(n, dtype=np.uint64) ^ np.uint64(salt << 48)) + np.uint64(1)
        z = z * np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def random_input(n, dtype, salt, modulo=0):
    bits = rand_u64(n, salt)
    if dtype == np.int64:
        return (bits % np.uint64(modulo or (1 << 40))).astype(np.int64)
    u = (bits >> np.uint64(11)).astype(np.float64) / float(1 << 53)
    return u.astype(dtype)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--budget", type=float, default=1.0)
    ap.add_argument("--only", default="", help="workload groups, e.g. W1,W8 (default: all)")
    args = ap.parse_args()
    budget = args.budget
    only = {g.strip() for g in args.only.split(",") if g.strip()}

    def wants(group):
        return not only or group in only

    def rec(id_, impl, fn, batch=1):
        med, mn, reps = measure(fn, budget, batch)
        print(f"TIME\t{id_}\t{impl}\t{med:.6e}\t{reps}\t{mn:.6e}", flush=True)
        unit, scale = ("us", 1e6) if id_.startswith("W8") else ("ms", 1e3)
        print(f"  {id_:<12} {impl:<8} median {med * scale:10.3f} {unit} ({reps} reps)", file=sys.stderr)

    print(f"NOTE\tNumPy {np.__version__}", flush=True)
    if ne is None:
        print("NOTE\tnumexpr not installed (python3 -m pip install numexpr)", flush=True)
        print("numexpr not installed", file=sys.stderr)
    else:
        ne.set_num_threads(2)
        print(f"NOTE\tnumexpr {ne.__version__}, 2 threads", flush=True)

    n = 10_000_000
    side = 4096
    short = {np.float32: "f32", np.float64: "f64"}

    def w1():
        for dt in (np.float32, np.float64):
            a, b, c, d, e = inputs(5, n, dt)
            rec(f"W1 {short[dt]}", "numpy", lambda: a * b + c * d - e)
            if ne is not None:
                env = dict(a=a, b=b, c=c, d=d, e=e)
                rec(f"W1 {short[dt]}", "numexpr", lambda: ne.evaluate("a*b + c*d - e", local_dict=env))

    def w2():
        for dt in (np.float32, np.float64):
            x, y, z = inputs(3, n, dt)
            rec(f"W2 {short[dt]}", "numpy", lambda: np.exp(-x * x / 2) * np.sin(y) + np.log1p(np.abs(z)))
            if ne is not None:
                env = dict(x=x, y=y, z=z)
                expr = "exp(-x*x/2)*sin(y) + log1p(abs(z))"
                rec(f"W2 {short[dt]}", "numexpr", lambda: ne.evaluate(expr, local_dict=env))

    def w3():
        for dt in (np.float32, np.float64):
            X = inp(side * side, dt, 0.0).reshape(side, side)
            rec(f"W3 {short[dt]}", "numpy", lambda: (X - X.mean(0)) / X.std(0))

    def w4():
        x, y = inputs(2, n, np.float32)
        rec("W4 sum", "numpy", lambda: x.sum())
        rec("W4 dot", "numpy", lambda: (x * y).sum())
        del x, y
        X = inp(side * side, np.float32, 0.0).reshape(side, side)
        rec("W4 sum0", "numpy", lambda: X.sum(axis=0))
        rec("W4 sum1", "numpy", lambda: X.sum(axis=1))

    def w5():
        X = inp(4096 * 1024, np.float32, 0.0).reshape(4096, 1024)

        def softmax():
            e = np.exp(X - X.max(axis=1, keepdims=True))
            return e / e.sum(axis=1, keepdims=True)

        rec("W5", "numpy", softmax)

    def w8():
        a, b, c, d, e = inputs(5, 16, np.float32)
        rec("W8 add", "numpy", lambda: a + b, batch=1000)
        rec("W8 chain", "numpy", lambda: a * b + c * d - e, batch=1000)

    def sorting():
        names = {np.float32: "f32", np.float64: "f64", np.int64: "int64"}
        for dt in (np.float32, np.float64, np.int64):
            x = random_input(n, dt, 1)
            rec(f"S sort {names[dt]}", "numpy", lambda: np.sort(x))
            rec(f"S argsort {names[dt]}", "numpy", lambda: np.argsort(x))
        x = random_input(n, np.int64, 4, 1000)
        rec("S unique", "numpy", lambda: np.unique(x))
        x = random_input(n, np.float64, 2)
        rec("S median", "numpy", lambda: np.median(x))
        rec("S percentile", "numpy", lambda: np.percentile(x, [10, 50, 90]))
        rec("S mask", "numpy", lambda: x[x > 0.5])
        idx = random_input(1_000_000, np.int64, 3, n)
        rec("S gather", "numpy", lambda: x[idx])
        del x, idx
        parts = [random_input(1_000_000, np.float64, 10 + k) for k in range(10)]
        rec("S concat", "numpy", lambda: np.concatenate(parts))
        rec("S concat sin", "numpy", lambda: np.concatenate([np.sin(p) for p in parts]))

    def random_draws():
        rng = np.random.default_rng(42)
        names = {np.float32: "f32", np.float64: "f64"}
        for dt in (np.float64, np.float32):
            rec(f"R random {names[dt]}", "numpy", lambda: rng.random(n, dtype=dt))
        rec("R integers", "numpy", lambda: rng.integers(0, 100, n))
        for dt in (np.float64, np.float32):
            rec(f"R normal {names[dt]}", "numpy", lambda: rng.standard_normal(n, dtype=dt))

    def linalg():
        # the matrix of benches/side_by_side.rs's linalg_matrix: symmetric positive definite
        for k in (256, 1024):
            i = np.arange(k)
            a = 1.0 / (1.0 + np.abs(i[:, None] - i[None, :])) + k * np.eye(k)
            b = np.ones(k)
            rec(f"L inv {k}", "numpy", lambda: np.linalg.inv(a))
            rec(f"L solve {k}", "numpy", lambda: np.linalg.solve(a, b))
            rec(f"L det {k}", "numpy", lambda: np.linalg.det(a))
            rec(f"L eigh {k}", "numpy", lambda: np.linalg.eigh(a))
            rec(f"L svd {k}", "numpy", lambda: np.linalg.svd(a))
            rec(f"L qr {k}", "numpy", lambda: np.linalg.qr(a))
            rec(f"L cholesky {k}", "numpy", lambda: np.linalg.cholesky(a))

    for group, run in (("W1", w1), ("W2", w2), ("W3", w3), ("W4", w4), ("W5", w5), ("W8", w8),
                       ("S", sorting), ("R", random_draws), ("L", linalg)):
        if wants(group):
            run()

if __name__ == "__main__":
    main()
