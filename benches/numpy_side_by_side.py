"""NumPy timings of the workloads in benches/fused.rs, at the same sizes and dtypes.

Run right after `cargo bench --bench fused` (benches/side_by_side.sh does both) so the two
sets of medians come from the same machine state. Needs `python3 -m pip install numpy`.
"""
import statistics
import time

import numpy as np


def median_ms(fn, repeat=10):
    fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1e3)
    return statistics.median(times)


def inp(n, dtype, phase):
    return np.sin(np.arange(n, dtype=np.float64) * 0.001 + phase).astype(dtype)


def main():
    for dt in (np.float32, np.float64):
        n = 10_000_000
        a, b, c, d, e = (inp(n, dt, p) for p in (0.1, 0.2, 0.3, 0.4, 0.5))
        print(f"W1 a*b+c*d-e numpy {np.dtype(dt).name} n={n}: {median_ms(lambda: a * b + c * d - e):.2f} ms")
    for dt in (np.float32, np.float64):
        n = 1_000_000
        x, y, z = (inp(n, dt, p) for p in (0.1, 0.2, 0.3))
        f = lambda: np.exp(-x * x / 2) * np.sin(y) + np.log1p(np.abs(z))
        print(f"W2 numpy {np.dtype(dt).name} n={n}: {median_ms(f):.2f} ms")
    n = 1024
    x = inp(n * n, np.float32, 0.0).reshape(n, n)
    print(f"W3 numpy float32 {n}x{n}: {median_ms(lambda: (x - x.mean(0)) / x.std(0)):.2f} ms")


if __name__ == "__main__":
    main()
