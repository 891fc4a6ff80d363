"""NumPy's half of benches/fft.sh: np.fft.fft of 2^20 complex128 and np.fft.rfft of 2^20
float64 values (the inputs of benches/fft.rs), medians of 21 calls after 3 warm-up calls."""
import time
import numpy as np

def timed(label, f):
    for _ in range(3):
        f()
    s = []
    for _ in range(21):
        t = time.perf_counter()
        f()
        s.append(time.perf_counter() - t)
    s.sort()
    print(f"{label}\t{s[len(s) // 2]:.6f}\t{s[0]:.6f}")

n = 1 << 20
i = np.arange(n, dtype=np.float64)
z = np.sin(0.37 * i) + 1j * np.cos(0.11 * i)
r = np.sin(0.37 * i)
timed("fft_c128_2^20", lambda: np.fft.fft(z))
timed("rfft_f64_2^20", lambda: np.fft.rfft(r))
