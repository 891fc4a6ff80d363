"""NumPy's side of benches/io.rs: np.save / np.load of a 1 GiB float64 array, np.load with
mmap_mode='r' plus a sum, and np.loadtxt of a 1e6 x 10 CSV, medians of 3 runs printed as
`IO  step  seconds  GB/s`. Usage: python3 benches/io_numpy.py [DIR]."""
import os
import statistics
import sys
import tempfile
import time

import numpy as np


def median(run):
    times = []
    for _ in range(3):
        t = time.perf_counter()
        run()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def report(step, seconds, nbytes):
    print(f"IO\t{step}\t{seconds:.4f}\t{nbytes / seconds / 1e9:.2f}")


def main():
    d = sys.argv[1] if len(sys.argv) > 1 else tempfile.gettempdir()
    npy = os.path.join(d, "numpy-bench-1gib.npy")
    csv = os.path.join(d, "numpy-bench-1e6x10.csv")
    n = (1 << 30) // 8
    a = (np.arange(n, dtype=np.float64) * 0.5).reshape(-1, 1024)
    report("save_npy", median(lambda: np.save(npy, a)), a.nbytes)
    report("load_npy", median(lambda: np.load(npy)), a.nbytes)
    report("mmap_sum", median(lambda: np.load(npy, mmap_mode="r").sum()), a.nbytes)
    x = np.sqrt(np.arange(10_000_000, dtype=np.float64)).reshape(-1, 10) * 1.25
    np.savetxt(csv, x, delimiter=",")
    report("loadtxt_1e6x10", median(lambda: np.loadtxt(csv, delimiter=",")), os.path.getsize(csv))
    for p in (npy, csv):
        os.remove(p)


if __name__ == "__main__":
    main()
