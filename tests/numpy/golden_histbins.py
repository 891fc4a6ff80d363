"""Golden family `histbins`: np.histogram_bin_edges and np.histogram with a string `bins`, NumPy's
bin-width estimators ('auto', 'fd', 'doane', 'scott', 'stone', 'rice', 'sturges', 'sqrt'), over
int, uint, float32 and float64 data, with and without `range` (which trims the data the
estimator sees), constant and empty data, a zero interquartile range (fd falls back to one bin),
and the errors NumPy raises (an unknown name, weights). Checked by tests/golden_parts/histbins.rs."""

import numpy as np

from gen_golden import REDUCTION, SEED

ESTIMATORS = ["auto", "fd", "doane", "scott", "stone", "rice", "sturges", "sqrt"]


def family(g):
    rng = np.random.default_rng(SEED + 83)
    inputs = {
        "float64": rng.standard_normal(200) * 3 + 1,
        "float64.skewed": rng.exponential(2.0, 150),
        "float32": (rng.standard_normal(90) * 5).astype("float32"),
        "int32": rng.integers(-40, 41, 120).astype("int32"),
        "uint8": rng.integers(0, 7, 60).astype("uint8"),
        "int64.2d": rng.integers(0, 1000, (12, 10)),
        "float64.iqr0": np.concatenate([np.full(40, 2.0), [0.0, 9.0]]),
        "float64.const": np.full(5, 1.5),
        "float64.empty": np.zeros(0),
    }
    for name, x in inputs.items():
        for est in ESTIMATORS:
            for r in [None, (-2.0, 4.5)]:
                rtag = "none" if r is None else f"{r[0]}_{r[1]}"
                base = f"histbins.{est}.{name}.r{rtag}"
                args = {"bins": est, "range": r}
                g.add(f"{base}.edges_fn", "histbins", "histogram_bin_edges", [x],
                      lambda a, b=est, r=r: np.histogram_bin_edges(a, b, range=r),
                      args=args, tol=REDUCTION)
                g.add(f"{base}.hist", "histbins", "histogram", [x],
                      lambda a, b=est, r=r: np.histogram(a, b, range=r)[0],
                      args={**args, "out": "hist"})
    x = inputs["float64"]
    g.add("histbins.error.name", "histbins", "histogram_bin_edges", [x],
          lambda a: np.histogram_bin_edges(a, "magic"), args={"bins": "magic", "range": None})
    g.add("histbins.error.weights", "histbins", "histogram", [x, np.ones_like(x)],
          lambda a, w: np.histogram(a, "auto", weights=w)[0],
          args={"bins": "auto", "range": None, "out": "hist", "weights": True})
