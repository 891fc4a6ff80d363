"""Golden family `quantile`: quantile / percentile / nanquantile / nanpercentile with every one
of NumPy's 13 methods, over shapes, axes (None, one, several, keepdims), lists and scalars of q,
bool / integer / float inputs, NaN placements (lanes with some, all or no NaN), empty inputs
and the errors NumPy raises (q out of range, unknown method, bool with an interpolating
method, empty slices). Checked by tests/golden_parts/quantile.rs."""

import numpy as np

from gen_golden import REDUCTION, SEED

METHODS = ["inverted_cdf", "averaged_inverted_cdf", "closest_observation",
           "interpolated_inverted_cdf", "hazen", "weibull", "linear", "median_unbiased",
           "normal_unbiased", "lower", "higher", "midpoint", "nearest"]

# many q per case: the ends, tenths, the thirds and eighths where positions land on (or next
# to) whole numbers for the lane lengths below
QLIST = sorted(set([round(i / 20, 10) for i in range(21)] + [1 / 3, 2 / 3, 0.125, 0.375, 1 / 7,
                                                               1 / 6, 5 / 6, 0.999, 0.001]))


def tag(shape):
    return "x".join(map(str, shape)) or "0d"


def family(g):
    rng = np.random.default_rng(SEED + 31)

    def make(shape, dt):
        if dt == "bool":
            return rng.random(shape) < 0.5
        if dt.startswith("float"):
            # few distinct values (ties), some not exactly representable in float32
            a = rng.integers(-6, 7, shape) * 0.75 + rng.integers(0, 3, shape) * 0.1
            return np.asarray(a, dtype=dt)
        lo = 0 if dt.startswith("u") else -9
        return rng.integers(lo, 10, shape).astype(dt)

    def add(name, fn, x, q, axis, method, keep=False):
        npfn = getattr(np, fn)
        ax = tuple(axis) if isinstance(axis, list) else axis
        kt = ".keep" if keep else ""
        qt = "qlist" if isinstance(q, list) and len(q) > 3 else f"q{q}"
        full = f"quantile.{fn}.{method}.{name}.axis{axis}{kt}.{qt}".replace(" ", "")
        g.add(full, "quantile", fn, [x],
              lambda a: npfn(a, q, axis=ax, method=method, keepdims=keep),
              args={"axis": axis, "q": q, "method": method, "keepdims": keep}, tol=REDUCTION)

    forms = [((7,), [None]), ((4, 6), [1, [0, 1]]), ((2, 3, 5), [[0, 2], -1]),
             ((3, 4), [0]), ((1,), [None]), ((2, 1), [0])]
    for method in METHODS:
        for dt in ["int8", "int64", "uint8", "float32", "float64"]:
            for shape, axes in forms:
                x = make(shape, dt)
                for axis in axes:
                    add(f"{dt}.{tag(shape)}", "quantile", x, QLIST, axis, method,
                        keep=shape == (3, 4))
                    if dt in ["float32", "int64"] or len(shape) == 1:
                        add(f"{dt}.{tag(shape)}", "quantile", x, 0.4, axis, method)
        x = make((4, 5), "float64")
        add("float64.4x5", "percentile", x, [0.0, 12.5, 33.0, 50.0, 87.5, 100.0], 1, method)
        add("float64.4x5", "percentile", x, 70.0, None, method)
        add("bool.9", "quantile", make((9,), "bool"), 0.3, None, method)
        add("bool.3x4", "quantile", make((3, 4), "bool"), [0.2, 0.5, 0.9], 1, method)
        # NaN in a lane makes its answer NaN
        for dt in ["float32", "float64"]:
            x = make((4, 6), dt)
            x[1, 2] = np.nan
            x[3, :] = np.nan
            add(f"{dt}.nan.4x6", "quantile", x, QLIST, 1, method)
            add(f"{dt}.nan.4x6", "quantile", x, 0.6, 1, method)
        # NumPy subtracts the neighbours in the input dtype: int8 wraps
        x = np.array([-100, 100, 90, -128, 127], dtype=np.int8)
        add("int8.wrap", "quantile", x, QLIST, None, method)

    # nanquantile / nanpercentile: lanes with no, some, all but one and all NaN. NumPy takes
    # the dtype of a float32 list-of-q result from the first lane, so the first lane here is
    # never all NaN (numcrane's rule: float64; documented)
    def with_nans(shape, dt, k):
        x = make(shape, dt)
        m = rng.random(shape) < 0.3
        x[m] = np.nan
        return x
    for method in METHODS:
        for dt in ["float32", "float64"]:
            x = make((7, 6), dt)
            for row in range(7):
                x[row, :row] = np.nan  # row r has r NaNs at the front...
            x[2, 4] = np.nan           # ...and some in the middle
            x[6, :] = np.nan
            x[0, 5] = np.nan
            add(f"{dt}.nanrows.7x6", "nanquantile", x, QLIST, 1, method)
            add(f"{dt}.nanrows.7x6", "nanquantile", x, 0.35, 1, method, keep=True)
            y = with_nans((3, 4, 5), dt, 0)
            y[0, 0, 0] = 1.5
            add(f"{dt}.nan.3x4x5", "nanquantile", y, QLIST, [0, 2], method)
            add(f"{dt}.nan.3x4x5", "nanquantile", y, 0.8, -1, method)
            add(f"{dt}.nan.3x4x5", "nanquantile", y, QLIST, None, method)
            z = make((9,), dt)
            add(f"{dt}.nonan.9", "nanquantile", z, QLIST, None, method)
            # the first lane decides NumPy's dtype; all NaN lane first with discrete methods
            # or a scalar q is safe
            w = make((3, 4), dt)
            w[0, :] = np.nan
            add(f"{dt}.allnanfirst.3x4", "nanquantile", w, 0.5, 1, method)
        x = make((5, 4), "float64")
        x[1, :3] = np.nan
        add("float64.5x4", "nanpercentile", x, [0.0, 25.0, 50.0, 99.0, 100.0], 0, method)
        add("int64.5x4", "nanquantile", make((5, 4), "int64"), QLIST, 1, method)
        add("bool.6", "nanquantile", make((6,), "bool"), 0.5, None, method)

    # empty inputs: quantile raises for an empty lane, nanquantile answers NaN (nanmean)
    for method in ["linear", "lower", "hazen"]:
        for fn in ["quantile", "nanquantile"]:
            for dt in ["float32", "float64", "int64"]:
                add(f"{dt}.empty.0", fn, np.zeros((0,), dt), 0.5, None, method)
                add(f"{dt}.empty.3x0", fn, np.zeros((3, 0), dt), [0.5, 0.2], 0, method)
                add(f"{dt}.empty.3x0", fn, np.zeros((3, 0), dt), 0.5, 1, method)
    add("float64.empty.0", "nanquantile", np.zeros((0,)), 0.5, None, "no_such_method")

    # errors
    x = make((3, 4), "float64")
    for fn in ["quantile", "nanquantile"]:
        for q in [-0.1, 1.1, [0.5, 2.0]]:
            add("float64.3x4", fn, x, q, 1, "linear")
        add("float64.3x4", fn, x, 0.5, 1, "no_such_method")
        add("float64.3x4", fn, x, 0.5, 2, "lower")
    for fn in ["percentile", "nanpercentile"]:
        for q in [-1.0, 100.5, [50.0, 101.0]]:
            add("float64.3x4", fn, x, q, None, "nearest")
    weighted(g)


def weighted(g):
    """NumPy 2's weights= (method inverted_cdf only): weights of a's shape or 1-D along the
    axis, zero weights (also at the start of the sorted order), ties, NaN lanes, integer and
    bool inputs, and the errors for negative, all-zero or NaN weights."""
    rng = np.random.default_rng(SEED + 32)

    def add(name, fn, x, w, q, axis, keep=False):
        npfn = getattr(np, fn)
        ax = tuple(axis) if isinstance(axis, list) else axis
        qt = "qlist" if isinstance(q, list) and len(q) > 3 else f"q{q}"
        full = f"quantile.{fn}.weighted.{name}.axis{axis}{'.keep' if keep else ''}.{qt}"
        g.add(full.replace(" ", ""), "quantile", fn, [x, w],
              lambda a, w: npfn(a, q, axis=ax, method="inverted_cdf", weights=w,
                                keepdims=keep),
              args={"axis": axis, "q": q, "method": "inverted_cdf", "keepdims": keep,
                    "weighted": True}, tol=REDUCTION)

    for dt in ["float64", "float32", "int8", "int64", "uint8", "bool"]:
        for shape, axis, wshape in [((9,), None, (9,)), ((4, 7), 1, (4, 7)), ((4, 7), 1, (7,)),
                                    ((5, 3), 0, (5,)), ((2, 3, 4), -1, (4,)),
                                    ((3, 4), 0, (3, 4))]:
            if dt == "bool":
                x = rng.random(shape) < 0.5
            else:
                x = (rng.integers(0, 6, shape) * (0.5 if dt.startswith("float") else 1))
                x = x.astype(dt)
            w = rng.integers(0, 4, wshape).astype(float)
            # zero weights (some at the start of a lane's order), no lane all zero
            if axis == 0 and len(wshape) == 2:
                w[0, :] = 0.0
                w[1, :] += 1.0
            else:
                w[..., 0] = 0.0
                w[..., -1] += 1.0
            wt = "x".join(map(str, wshape))
            add(f"{dt}.{tag(shape)}.w{wt}", "quantile", x, w, QLIST, axis, keep=shape == (3, 4))
            add(f"{dt}.{tag(shape)}.w{wt}", "quantile", x, w, 0.5, axis)
    x = np.arange(12.0).reshape(3, 4)
    x[1, 2] = np.nan
    w = np.ones((3, 4))
    add("float64.nan.3x4", "quantile", x, w, [0.2, 0.7], 1)
    w = np.array([0.25, 0.5, 0.125, 0.125])
    add("float64.fracw.3x4", "percentile", x, w, [0.0, 25.0, 37.5, 50.0, 100.0], 1)
    add("int64.int_weights.3x4", "quantile", np.arange(12).reshape(3, 4), np.array([3, 0, 1, 2]),
        [0.0, 0.5, 0.51, 1.0], 1)
    # errors
    x = np.arange(6.0)
    add("float64.negative", "quantile", x, np.array([1.0, -1, 1, 1, 1, 1]), 0.5, None)
    add("float64.zeros", "quantile", x, np.zeros(6), 0.5, None)
    add("float64.nanw", "quantile", x, np.array([1.0, np.nan, 1, 1, 1, 1]), 0.5, None)
    add("float64.noaxis", "quantile", x.reshape(2, 3), np.ones(3), 0.5, None)
    add("float64.badshape", "quantile", x.reshape(2, 3), np.ones(2), 0.5, 1)
    add("float64.q", "quantile", x, np.ones(6), 1.5, None)
