"""The NumPy / numexpr side of `numcrane bench` (embedded in the binary with include_str!).

Run as `python3 -c SCRIPT SPEC_JSON`. The spec lists the cases (op code, dtype, shape, the
inputs' shapes and phases at the timed and the small shape results are compared on, the calls
per sample, the time budget); the inputs are sin(0.001 i + phase) as in
crates/numcrane-cli/src/bench/workloads.rs (vector input k: phase 0.1 (k + 1); a matrix:
phase 0; input k of a matrix product: phase 0.1 (k + 1)). The timing rule is the one of
benches/numpy_side_by_side.py and src/bench/timing.rs: one first call, warm-up, then samples
until the budget is spent; median and minimum.

Prints one JSON object per line on stdout:
  {"kind": "info", "numpy": version, "numexpr": version or null, "blas": text}
  {"kind": "missing", "what": "numpy", "detail": text}           (and nothing else)
  {"kind": "check", "key": k, "impl": i, "values": [...]}        (result on the small shape)
  {"kind": "time", "key": k, "impl": i, "median_s": s, "min_s": s, "reps": r, "threads": t}
  {"kind": "error", "key": k, "impl": i, "message": text}
and a progress line per cell on stderr. impl is "numpy" (one thread: element-wise NumPy does
not use threads; W6 and W7's `@` runs on NumPy's BLAS, OpenBLAS, with 2 threads) or
"numexpr-2t" (numexpr with 2 threads, W1 and W2 only).

BLAS threads: 2, set with threadpoolctl when it can be imported; otherwise through
OPENBLAS_NUM_THREADS (and OMP_ / MKL_NUM_THREADS), set here before numpy is imported. The
info line's "blas" says which, and what threadpoolctl reports when it is there.
"""
import json
import os
import sys
import time

THREADS = 2
for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[var] = str(THREADS)


def emit(**record):
    print(json.dumps(record), flush=True)


try:
    import numpy as np
except ImportError as e:
    emit(kind="missing", what="numpy", detail=str(e))
    sys.exit(0)

try:
    import numexpr as ne

    ne.set_num_threads(THREADS)
except ImportError:
    ne = None

BLAS_LIMITS = None
try:
    import threadpoolctl

    BLAS_LIMITS = threadpoolctl.threadpool_limits(THREADS, user_api="blas")
except ImportError:
    threadpoolctl = None


def blas_text():
    """The BLAS NumPy uses and how its threads were set: "openblas 0.3.31, 2 threads
    (threadpoolctl)" or "openblas 0.3.31, 2 threads (OPENBLAS_NUM_THREADS)"."""
    if threadpoolctl is not None:
        pools = [p for p in threadpoolctl.threadpool_info() if p.get("user_api") == "blas"]
        if pools:
            p = pools[0]
            return f"{p.get('internal_api')} {p.get('version')}, {p.get('num_threads')} threads (threadpoolctl)"
    name = "BLAS"
    try:
        deps = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        name = f"{deps.get('name', 'BLAS')} {deps.get('version', '')}".strip()
    except Exception:  # older NumPy: no dicts mode
        pass
    return f"{name}, {THREADS} threads (OPENBLAS_NUM_THREADS)"


spec = json.loads(sys.argv[1])
DTYPES = {"float32": np.float32, "float64": np.float64}
NUMEXPR_TEXT = {"w1": "a*b + c*d - e", "w2": "exp(-x*x/2)*sin(y) + log1p(abs(z))"}
BLAS_OPS = ("matmul", "dense")


def measure(fn, batch, budget):
    """(median, min, reps) in seconds per call."""

    def one_batch():
        t = time.perf_counter()
        for _ in range(batch):
            fn()
        return (time.perf_counter() - t) / batch

    fn()
    start = time.perf_counter()
    one = one_batch()
    while time.perf_counter() - start < budget["warmup"]:
        one = min(one, one_batch())
    sample = one * batch
    fit = int(budget["seconds"] / sample) if sample > 0 else budget["max_reps"]
    reps = max(budget["min_reps"], min(budget["max_reps"], fit))
    samples = sorted(one_batch() for _ in range(reps))
    n = len(samples)
    med = samples[n // 2] if n % 2 else (samples[n // 2 - 1] + samples[n // 2]) / 2
    return med, samples[0], reps


def inputs(specs, dtype):
    """The arrays of [{"shape": [...], "phase": p}, ...]."""
    out = []
    for spec in specs:
        n = 1
        for d in spec["shape"]:
            n *= d
        v = np.sin(np.arange(n, dtype=np.float64) * 0.001 + spec["phase"]).astype(dtype)
        out.append(v.reshape(spec["shape"]))
    return out


def numpy_fn(op, x):
    if op in ("w1", "chain"):
        a, b, c, d, e = x
        return lambda: a * b + c * d - e
    if op == "add":
        a, b = x
        return lambda: a + b
    if op == "w2":
        x_, y, z = x
        return lambda: np.exp(-x_ * x_ / 2) * np.sin(y) + np.log1p(np.abs(z))
    if op == "w3":
        (X,) = x
        return lambda: (X - X.mean(0)) / X.std(0)
    if op == "sum":
        return lambda: x[0].sum()
    if op == "dot":
        return lambda: (x[0] * x[1]).sum()
    if op == "sum0":
        return lambda: x[0].sum(axis=0)
    if op == "sum1":
        return lambda: x[0].sum(axis=1)
    if op == "softmax":
        (X,) = x

        def softmax():
            e = np.exp(X - X.max(axis=1, keepdims=True))
            return e / e.sum(axis=1, keepdims=True)

        return softmax
    if op == "matmul":
        a, b = x
        return lambda: a @ b
    if op == "dense":
        X, W, b = x
        return lambda: np.maximum(X @ W + b, 0)
    raise ValueError(f"unknown op {op}")


def numexpr_fn(op, x):
    names = "abcde" if op == "w1" else "xyz"
    env = dict(zip(names, x))
    text = NUMEXPR_TEXT[op]
    return lambda: ne.evaluate(text, local_dict=env)


def values_of(result):
    return np.asarray(result, dtype=np.float64).ravel().tolist()


def main():
    emit(
        kind="info",
        numpy=np.__version__,
        numexpr=None if ne is None else ne.__version__,
        blas=blas_text(),
    )
    index = spec["start"]
    total = spec["total"]
    for case in spec["cases"]:
        key, op, dtype = case["key"], case["op"], DTYPES[case["dtype"]]
        impls = [("numpy", numpy_fn, THREADS if op in BLAS_OPS else 1)]
        if case["numexpr"]:
            impls.append(("numexpr-2t", numexpr_fn, THREADS))
        for impl, make, threads in impls:
            index += 1
            print(f"[{index}/{total}] {case['label']} {impl} ...", file=sys.stderr, flush=True)
            if impl.startswith("numexpr") and ne is None:
                emit(kind="error", key=key, impl=impl, message="not run (numexpr not found)")
                continue
            try:
                if case.get("check_inputs"):
                    small = make(op, inputs(case["check_inputs"], dtype))
                    emit(kind="check", key=key, impl=impl, values=values_of(small()))
                fn = make(op, inputs(case["inputs"], dtype))
                med, mn, reps = measure(fn, case["batch"], case["budget"])
                del fn
                emit(kind="time", key=key, impl=impl, median_s=med, min_s=mn, reps=reps, threads=threads)
            except Exception as e:  # reported as an error row, the suite goes on
                emit(kind="error", key=key, impl=impl, message=f"{type(e).__name__}: {e}")


main()
