"""NumPy's `@` (its OpenBLAS) on square row-major n x n products, the rows of
crates/numcrane-kernels/benches/gemm.rs: prints `n type threads GFLOP/s` lines.

The thread count is OpenBLAS's, fixed when NumPy loads: run once per count with
OPENBLAS_NUM_THREADS set (benches/gemm_side_by_side.sh does). Samples are timed like the Rust
bench: 0.3 s of warm-up, then repeat each product until a sample lasts >= 30 ms, take 9 samples up to n = 512, 5 at
1024, 3 at 2048, report the median as 2 n^3 / t.
"""

import os
import statistics
import sys
import time

import numpy as np


def samples_for(n):
    return 9 if n <= 512 else (5 if n <= 1024 else 3)


def gflops(n, dtype):
    rng = np.random.default_rng(n)
    a = rng.standard_normal((n, n)).astype(dtype)
    b = rng.standard_normal((n, n)).astype(dtype)
    c = np.empty((n, n), dtype)
    np.matmul(a, b, out=c)
    # Warm up for 0.3 s first (OpenBLAS's threads and the clock settle, as the Rust bench's
    # interleaved rounds and the side-by-side harness's warm-up let them).
    end = time.perf_counter() + 0.3
    while time.perf_counter() < end:
        np.matmul(a, b, out=c)
    reps = 1
    while True:
        t = time.perf_counter()
        for _ in range(reps):
            np.matmul(a, b, out=c)
        if time.perf_counter() - t >= 0.03:
            break
        reps *= 2
    times = []
    for _ in range(samples_for(n)):
        t = time.perf_counter()
        for _ in range(reps):
            np.matmul(a, b, out=c)
        times.append((time.perf_counter() - t) / reps)
    return 2.0 * n**3 / statistics.median(times) / 1e9


def main():
    sizes = [int(s) for s in (sys.argv[1] if len(sys.argv) > 1 else "64,128,256,512,1024,2048").split(",")]
    threads = os.environ.get("OPENBLAS_NUM_THREADS", "?")
    for name, dtype in (("f32", np.float32), ("f64", np.float64)):
        for n in sizes:
            print(f"{n} {name} {threads} {gflops(n, dtype):.1f}", flush=True)


if __name__ == "__main__":
    main()
