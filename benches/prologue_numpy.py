"""NumPy's half of benches/prologue.sh: the same expressions and inputs as benches/prologue.rs,
one tab-separated line each (name, median s, min s, samples)."""
import time
import numpy as np

def matrix(rows, cols, phase):
    i = np.arange(rows * cols, dtype=np.float64)
    return np.sin(0.37 * i + phase).astype(np.float32).reshape(rows, cols)

def timed(label, f):
    for _ in range(2):
        f()
    s = []
    for _ in range(15):
        t = time.perf_counter()
        f()
        s.append(time.perf_counter() - t)
    s.sort()
    print(f"{label}\t{s[len(s) // 2]:.6f}\t{s[0]:.6f}\t{len(s)}")

m, k, n = 4096, 1024, 1024
x, w = matrix(m, k, 0.1), matrix(k, n, 0.2)
b = matrix(1, n, 0.3).reshape(n)
timed("scaled_matmul", lambda: (np.float32(0.5) * x) @ w)
timed("scaled_dense", lambda: np.maximum((np.float32(0.5) * x) @ w + b, 0))
