"""Golden family `sets`: searching, partition, unique and set routines, counting.

searchsorted (side, sorter, NaN last, mixed dtypes), digitize (increasing / decreasing bins,
right), partition / argpartition (only what NumPy defines: the sorted result, the values at the
kth positions, argpartition being a permutation), unique (values, first indices, inverse, counts;
axis None or an axis; equal_nan) and NumPy 2's unique_* functions, intersect1d (with indices),
union1d, setdiff1d, setxor1d, isin, bincount, histogram and histogram_bin_edges; over dtypes,
shapes, NaN placements, empty inputs and the errors NumPy raises. Multi-output functions get one
case per output, named by args["out"].
"""

import numpy as np

from gen_golden import EXACT, REDUCTION, REPR_DTYPES, SEED


def family(g):
    rng = np.random.default_rng(SEED + 60)

    def make(shape, dt, lo=-4, hi=5, nans=False):
        if dt == "bool":
            return rng.random(shape) < 0.5
        if dt.startswith("float"):
            a = rng.integers(lo, hi, shape) * 0.5
            a = np.where(rng.random(shape) < 0.1, -0.0, a)
            if nans:
                a = np.where(rng.random(shape) < 0.2, np.nan, a)
            return np.asarray(a, dtype=dt)
        lo = max(lo, 0) if dt.startswith("u") else lo
        return rng.integers(lo, hi, shape).astype(dt)

    def tag(shape):
        return "x".join(map(str, shape)) or "0d"

    # ---- searchsorted
    for dt in REPR_DTYPES:
        nans = dt.startswith("float")
        a = np.sort(make((9,), dt, nans=nans), kind="stable")
        for vshape in [(), (6,), (2, 3), (0,)]:
            v = make(vshape, dt, lo=-6, hi=7, nans=nans)
            for side in ["left", "right"]:
                g.add(f"sets.searchsorted.{dt}.v{tag(vshape)}.{side}", "sets", "searchsorted",
                      [a, v], lambda a, v, s=side: np.searchsorted(a, v, side=s),
                      args={"side": side})
        u = make((8,), dt, nans=nans)
        s = np.argsort(u, kind="stable")
        v = make((5,), dt, nans=nans)
        for side in ["left", "right"]:
            g.add(f"sets.searchsorted.{dt}.sorter.{side}", "sets", "searchsorted", [u, v, s],
                  lambda a, v, s, side=side: np.searchsorted(a, v, side=side, sorter=s),
                  args={"side": side})
        empty = np.zeros((0,), dtype=dt)
        g.add(f"sets.searchsorted.{dt}.empty_a", "sets", "searchsorted", [empty, v],
              lambda a, v: np.searchsorted(a, v), args={"side": "left"})
    a = np.array([1, 3, 5, 7], dtype="int8")
    v = np.array([[0.5, 3.0], [300.0, -200.0]])
    g.add("sets.searchsorted.mixed.int8.float64", "sets", "searchsorted", [a, v],
          lambda a, v: np.searchsorted(a, v), args={"side": "left"})
    nan_a = np.array([-1.0, 2.0, np.inf, np.nan, np.nan])
    nan_v = np.array([np.nan, np.inf, -np.inf, 2.0, -0.0])
    for side in ["left", "right"]:
        g.add(f"sets.searchsorted.nanlast.{side}", "sets", "searchsorted", [nan_a, nan_v],
              lambda a, v, s=side: np.searchsorted(a, v, side=s), args={"side": side})
    g.add("sets.searchsorted.err.a2d", "sets", "searchsorted",
          [np.zeros((2, 3)), np.zeros(2)], lambda a, v: np.searchsorted(a, v),
          args={"side": "left"})
    g.add("sets.searchsorted.err.sorter_len", "sets", "searchsorted",
          [np.arange(3), np.arange(2), np.array([0, 1])],
          lambda a, v, s: np.searchsorted(a, v, sorter=s), args={"side": "left"})
    g.add("sets.searchsorted.err.sorter_float", "sets", "searchsorted",
          [np.arange(3), np.arange(2), np.array([0.0, 1.0, 2.0])],
          lambda a, v, s: np.searchsorted(a, v, sorter=s), args={"side": "left"})

    # ---- digitize
    for dt in ["int8", "int64", "uint8", "float32", "float64"]:
        x = make((3, 4), dt, lo=-6, hi=7, nans=dt.startswith("float"))
        for name, bins in [("inc", [-2, 0, 0, 1, 3]), ("dec", [3, 1, 0, 0, -2]),
                           ("one", [1]), ("empty", []), ("flat", [2, 2])]:
            b = np.array(bins, dtype="float64" if dt.startswith("float") else "int64")
            if dt.startswith("u"):
                b = np.abs(b).astype(dt)
                b = np.sort(b) if name != "dec" else np.sort(b)[::-1].copy()
            for right in [False, True]:
                g.add(f"sets.digitize.{dt}.{name}.right{right}", "sets", "digitize", [x, b],
                      lambda x, b, r=right: np.digitize(x, b, right=r), args={"right": right})
    g.add("sets.digitize.err.not_monotonic", "sets", "digitize",
          [np.arange(3.0), np.array([1.0, 3.0, 2.0])], lambda x, b: np.digitize(x, b),
          args={"right": False})
    g.add("sets.digitize.err.bins2d", "sets", "digitize",
          [np.arange(3.0), np.array([[1.0, 3.0]])], lambda x, b: np.digitize(x, b),
          args={"right": False})

    # ---- partition / argpartition: only what NumPy defines
    forms = [((9,), [None, 0, -1]), ((4, 6), [None, 0, 1, -1]), ((2, 3, 5), [1, -1])]
    for dt in REPR_DTYPES:
        for shape, axes in forms:
            x = make(shape, dt, nans=dt.startswith("float"))
            for axis in axes:
                n = x.size if axis is None else shape[axis]
                for kth in [0, n - 1, -2, [1, n - 2]]:
                    kt = str(kth).replace(" ", "")
                    ax_np = -1 if axis is None else axis
                    base = f"sets.partition.{dt}.{tag(shape)}.axis{axis}.k{kt}"

                    def part(a, kth=kth, axis=axis):
                        return np.partition(a, kth, axis=axis)

                    g.add(base + ".sorted", "sets", "partition", [x],
                          lambda a, p=part, ax=ax_np: np.sort(p(a), axis=ax),
                          args={"kth": kth, "axis": axis, "out": "sorted"})
                    g.add(base + ".kth", "sets", "partition", [x],
                          lambda a, p=part, ax=ax_np, k=kth: np.take(p(a), k, axis=ax),
                          args={"kth": kth, "axis": axis, "out": "kth"})
                    g.add(f"sets.argpartition.{dt}.{tag(shape)}.axis{axis}.k{kt}.perm", "sets",
                          "argpartition", [x],
                          lambda a, kth=kth, axis=axis, ax=ax_np: np.sort(
                              np.argpartition(a, kth, axis=axis), axis=ax),
                          args={"kth": kth, "axis": axis, "out": "sorted"})
    x = make((4, 6), "float64")
    for kth in [6, -7]:
        for fn in ["partition", "argpartition"]:
            g.add(f"sets.{fn}.err.kth{kth}", "sets", fn, [x],
                  lambda a, f=getattr(np, fn), k=kth: f(a, k, axis=1),
                  args={"kth": kth, "axis": 1, "out": "sorted"})
    for fn in ["partition", "argpartition"]:
        g.add(f"sets.{fn}.err.axis2", "sets", fn, [x],
              lambda a, f=getattr(np, fn): f(a, 0, axis=2),
              args={"kth": 0, "axis": 2, "out": "sorted"})
        g.add(f"sets.{fn}.empty.kth5", "sets", fn, [np.zeros((0, 3))],
              lambda a, f=getattr(np, fn): f(a, 5, axis=1),
              args={"kth": 5, "axis": 1, "out": "sorted"})

    # ---- unique
    outs = ["values", "index", "inverse", "counts"]

    def unique_case(name, x, axis, equal_nan):
        for i, out in enumerate(outs):
            def compute(a, axis=axis, i=i):
                r = np.unique(a, return_index=True, return_inverse=True, return_counts=True,
                              axis=axis, equal_nan=equal_nan)
                return r[i]
            g.add(f"{name}.{out}", "sets", "unique", [x], compute,
                  args={"axis": axis, "equal_nan": equal_nan, "out": out})

    for dt in REPR_DTYPES:
        nans = dt.startswith("float")
        for shape in [(12,), (3, 5), (0,), ()]:
            x = make(shape, dt, lo=-2, hi=3, nans=nans)
            for eq in ([True, False] if nans else [True]):
                unique_case(f"sets.unique.{dt}.{tag(shape)}.eqnan{eq}", x, None, eq)
        x = make((4, 3), dt, lo=-1, hi=2)
        x[2] = x[0]
        for axis in [0, 1, -1]:
            unique_case(f"sets.unique.{dt}.4x3.axis{axis}", x, axis, True)
        x = make((2, 4, 2), dt, lo=0, hi=2)
        unique_case(f"sets.unique.{dt}.2x4x2.axis1", x, 1, True)
    for shape, axis in [((3, 0), 0), ((0, 3), 0), ((0, 3), 1), ((3, 0), 1)]:
        unique_case(f"sets.unique.empty.{tag(shape)}.axis{axis}", np.zeros(shape), axis, True)
    x = np.array([[np.nan, 1.0], [np.nan, 1.0], [-0.0, 2.0], [0.0, 2.0]])
    unique_case("sets.unique.nanrows.axis0", x, 0, True)
    g.add("sets.unique.err.axis2", "sets", "unique", [np.zeros((2, 2))],
          lambda a: np.unique(a, axis=2), args={"axis": 2, "equal_nan": True, "out": "values"})
    g.add("sets.unique.err.axis0d", "sets", "unique", [np.array(3.0)],
          lambda a: np.unique(a, axis=0), args={"axis": 0, "equal_nan": True, "out": "values"})

    # NumPy 2's unique_* (every NaN distinct)
    for dt in ["int16", "float32", "float64", "bool"]:
        x = make((3, 4), dt, lo=-2, hi=3, nans=dt.startswith("float"))
        # NumPy 2.4 leaves the order of unique_values unspecified (a hash table's for
        # integers): the sorted values are what is defined
        g.add(f"sets.unique_values.{dt}", "sets", "unique_values", [x],
              lambda a: np.sort(np.unique_values(a)))
        for i, out in enumerate(["values", "counts"]):
            g.add(f"sets.unique_counts.{dt}.{out}", "sets", "unique_counts", [x],
                  lambda a, i=i: np.unique_counts(a)[i], args={"out": out})
        for i, out in enumerate(["values", "inverse"]):
            g.add(f"sets.unique_inverse.{dt}.{out}", "sets", "unique_inverse", [x],
                  lambda a, i=i: np.unique_inverse(a)[i], args={"out": out})
        for i, out in enumerate(outs):
            g.add(f"sets.unique_all.{dt}.{out}", "sets", "unique_all", [x],
                  lambda a, i=i: np.unique_all(a)[i], args={"out": out})

    # ---- set operations
    pairs = [("int8", "int8"), ("int64", "int64"), ("uint8", "int16"), ("float32", "float32"),
             ("float64", "float64"), ("int8", "float64"), ("bool", "bool"),
             ("float32", "int32")]
    for da, db in pairs:
        for sa, sb in [((10,), (7,)), ((3, 4), (2, 3)), ((0,), (5,)), ((6,), (0,))]:
            fl = da.startswith("float") or db.startswith("float")
            a = make(sa, da, lo=-3, hi=4, nans=fl and da.startswith("float"))
            b = make(sb, db, lo=-2, hi=5, nans=fl and db.startswith("float"))
            t = f"{da}.{db}.{tag(sa)}.{tag(sb)}"
            for i, out in enumerate(["values", "ind1", "ind2"]):
                g.add(f"sets.intersect1d.{t}.{out}", "sets", "intersect1d", [a, b],
                      lambda a, b, i=i: np.intersect1d(a, b, return_indices=True)[i],
                      args={"assume_unique": False, "out": out})
            g.add(f"sets.union1d.{t}", "sets", "union1d", [a, b], np.union1d)
            g.add(f"sets.setdiff1d.{t}", "sets", "setdiff1d", [a, b],
                  lambda a, b: np.setdiff1d(a, b), args={"assume_unique": False})
            g.add(f"sets.setxor1d.{t}", "sets", "setxor1d", [a, b],
                  lambda a, b: np.setxor1d(a, b), args={"assume_unique": False})
            for invert in [False, True]:
                g.add(f"sets.isin.{t}.invert{invert}", "sets", "isin", [a, b],
                      lambda a, b, inv=invert: np.isin(a, b, invert=inv),
                      args={"assume_unique": False, "invert": invert})
        # assume_unique with inputs that are unique
        a = np.unique(make((8,), da, lo=-3, hi=4))[::-1].copy()
        b = np.unique(make((6,), db, lo=-2, hi=5))
        t = f"{da}.{db}.assume_unique"
        for i, out in enumerate(["values", "ind1", "ind2"]):
            g.add(f"sets.intersect1d.{t}.{out}", "sets", "intersect1d", [a, b],
                  lambda a, b, i=i: np.intersect1d(a, b, assume_unique=True,
                                                   return_indices=True)[i],
                  args={"assume_unique": True, "out": out})
        g.add(f"sets.setdiff1d.{t}", "sets", "setdiff1d", [a, b],
              lambda a, b: np.setdiff1d(a, b, assume_unique=True), args={"assume_unique": True})
        g.add(f"sets.setxor1d.{t}", "sets", "setxor1d", [a, b],
              lambda a, b: np.setxor1d(a, b, assume_unique=True), args={"assume_unique": True})
        g.add(f"sets.isin.{t}", "sets", "isin", [a, b],
              lambda a, b: np.isin(a, b, assume_unique=True),
              args={"assume_unique": True, "invert": False})

    # ---- bincount
    for dt in ["bool", "int8", "int32", "int64", "uint8", "uint64", "uint16"]:
        x = make((15,), dt, lo=0, hi=7)
        for minlength in [0, 3, 12]:
            g.add(f"sets.bincount.{dt}.min{minlength}", "sets", "bincount", [x],
                  lambda x, m=minlength: np.bincount(x, minlength=m),
                  args={"minlength": minlength})
        for wdt in ["float64", "float32", "int8", "bool"]:
            w = make((15,), wdt)
            g.add(f"sets.bincount.{dt}.w{wdt}", "sets", "bincount", [x, w],
                  lambda x, w: np.bincount(x, weights=w), args={"minlength": 0}, tol=REDUCTION)
    for dt in ["int64", "uint8"]:
        e = np.zeros((0,), dtype=dt)
        g.add(f"sets.bincount.empty.{dt}", "sets", "bincount", [e], np.bincount,
              args={"minlength": 0})
        g.add(f"sets.bincount.empty.{dt}.min4", "sets", "bincount", [e],
              lambda x: np.bincount(x, minlength=4), args={"minlength": 4})
    for name, x in [("negative", np.array([1, -2, 3])), ("float", np.array([1.0, 2.0])),
                    ("emptyfloat", np.zeros((0,))), ("2d", np.array([[1, 2]])),
                    ("0d", np.array(3))]:
        g.add(f"sets.bincount.err.{name}", "sets", "bincount", [x], np.bincount,
              args={"minlength": 0})
    g.add("sets.bincount.err.weights_len", "sets", "bincount",
          [np.array([1, 2]), np.array([1.0, 2.0, 3.0])],
          lambda x, w: np.bincount(x, weights=w), args={"minlength": 0})

    # ---- histogram, histogram_bin_edges
    hist_inputs = {
        "int8": make((20,), "int8", lo=-5, hi=9),
        "int64": make((4, 5), "int64", lo=0, hi=30),
        "uint8": make((17,), "uint8", lo=0, hi=40),
        "float32": (rng.standard_normal((30,)) * 3).astype("float32"),
        "float64": rng.standard_normal((5, 6)) * 7 + 1,
        "float32.const": np.full((4,), 2.5, dtype="float32"),
        "int32.const": np.full((3,), 7, dtype="int32"),
        "float64.empty": np.zeros((0,)),
        "float32.empty": np.zeros((0,), dtype="float32"),
        "bool": make((9,), "bool"),
    }
    for name, x in hist_inputs.items():
        for bins in [1, 5, 10]:
            for rng_ in [None, (-2.0, 6.5), (0.1, 0.7)]:
                rtag = "none" if rng_ is None else f"{rng_[0]}_{rng_[1]}"
                base = f"sets.histogram.{name}.b{bins}.r{rtag}"
                args = {"bins": bins, "range": rng_, "density": False}
                g.add(f"{base}.edges_fn", "sets", "histogram_bin_edges", [x],
                      lambda a, b=bins, r=rng_: np.histogram_bin_edges(a, b, range=r),
                      args=args)
                for i, out in enumerate(["hist", "edges"]):
                    g.add(f"{base}.{out}", "sets", "histogram", [x],
                          lambda a, b=bins, r=rng_, i=i: np.histogram(a, b, range=r)[i],
                          args={**args, "out": out})
                g.add(f"{base}.density", "sets", "histogram", [x],
                      lambda a, b=bins, r=rng_: np.histogram(a, b, range=r, density=True)[0],
                      args={**args, "density": True, "out": "hist"}, tol=REDUCTION)
    edges_sets = [("int", np.array([-3, 0, 2, 2, 9], dtype="int64")),
                  ("float", np.array([-1.5, 0.0, 0.5, 4.0, 8.0])),
                  ("f32", np.array([-2.0, 1.0, 3.0], dtype="float32"))]
    for name, x in [("int8", hist_inputs["int8"]), ("float64", hist_inputs["float64"]),
                    ("float32", hist_inputs["float32"])]:
        for ename, e in edges_sets:
            for density in [False, True]:
                g.add(f"sets.histogram.{name}.edges{ename}.density{density}", "sets",
                      "histogram", [x, e],
                      lambda a, e, d=density: np.histogram(a, e, density=d)[0],
                      args={"bins": "edges", "range": None, "density": density, "out": "hist"},
                      tol=REDUCTION)
            g.add(f"sets.histogram.{name}.edges{ename}.edges", "sets", "histogram", [x, e],
                  lambda a, e: np.histogram(a, e)[1],
                  args={"bins": "edges", "range": None, "density": False, "out": "edges"})
    x = hist_inputs["float64"]
    for wdt in ["float64", "float32", "int64", "int8"]:
        w = make(x.shape, wdt, lo=-3, hi=4)
        for bins_name, bins in [("b4", 4), ("edges", np.array([-10.0, -1.0, 0.0, 3.0, 10.0]))]:
            for density in [False, True]:
                inputs = [x, w] if bins_name == "b4" else [x, w, bins]
                args = {"bins": 4 if bins_name == "b4" else "edges", "range": None,
                        "density": density, "out": "hist", "weights": True}
                g.add(f"sets.histogram.weights.{wdt}.{bins_name}.density{density}", "sets",
                      "histogram", inputs,
                      lambda a, w, *e, bins=bins, d=density: np.histogram(
                          a, bins, weights=w, density=d)[0],
                      args=args, tol=REDUCTION)
    xn = np.array([1.0, np.nan, 2.0])
    g.add("sets.histogram.err.nan_autorange", "sets", "histogram", [xn],
          lambda a: np.histogram(a, 3), args={"bins": 3, "range": None, "density": False,
                                               "out": "hist"})
    g.add("sets.histogram.nan_with_range", "sets", "histogram", [xn],
          lambda a: np.histogram(a, 3, range=(0.0, 3.0))[0],
          args={"bins": 3, "range": (0.0, 3.0), "density": False, "out": "hist"})
    xi = np.array([1.0, np.inf])
    g.add("sets.histogram.err.inf_autorange", "sets", "histogram", [xi],
          lambda a: np.histogram(a, 3), args={"bins": 3, "range": None, "density": False,
                                               "out": "hist"})
    g.add("sets.histogram.err.range_reversed", "sets", "histogram", [xn],
          lambda a: np.histogram(a, 3, range=(2.0, 1.0)),
          args={"bins": 3, "range": (2.0, 1.0), "density": False, "out": "hist"})
    g.add("sets.histogram.err.bins0", "sets", "histogram", [xn],
          lambda a: np.histogram(a, 0, range=(0.0, 1.0)),
          args={"bins": 0, "range": (0.0, 1.0), "density": False, "out": "hist"})
    g.add("sets.histogram.err.edges_decrease", "sets", "histogram",
          [np.arange(4.0), np.array([0.0, 2.0, 1.0])], lambda a, e: np.histogram(a, e),
          args={"bins": "edges", "range": None, "density": False, "out": "hist"})
    g.add("sets.histogram.err.weights_shape", "sets", "histogram",
          [np.arange(4.0), np.ones(3)], lambda a, w: np.histogram(a, 2, weights=w),
          args={"bins": 2, "range": None, "density": False, "out": "hist", "weights": True})
