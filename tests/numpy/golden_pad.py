"""Golden family `pad`: np.pad over its modes (constant with per-axis values, edge,
linear_ramp with end values, maximum / minimum / mean / median with stat_length, reflect,
symmetric, wrap), pad_width forms (one count, one pair, one pair per axis, a list of one pair),
reflect_type even and odd, dtypes, 0-d / 1-d / 2-d / 3-d shapes, pads wider than the array (repeated reflection and
wrapping), length-1 and empty axes, and the errors NumPy raises. Checked by
tests/golden_parts/pad.rs."""

import numpy as np

from gen_golden import REDUCTION, SEED


def tag(shape):
    return "x".join(map(str, shape)) or "0d"


def family(g):
    rng = np.random.default_rng(SEED + 47)

    def make(shape, dt):
        if dt == "bool":
            return rng.random(shape) < 0.5
        if dt.startswith("float"):
            return np.asarray(rng.integers(-20, 21, shape) * 0.25 + 0.1, dtype=dt)
        lo = 0 if dt.startswith("u") else -20
        return rng.integers(lo, 21, shape).astype(dt)

    def add(name, x, width, mode, **kw):
        # JSON keeps tuples as lists: a pair is [b, a], per axis [[b, a], ...]
        args = {"pad_width": width, "mode": mode}
        for k, v in kw.items():
            args[k] = v
        g.add(f"pad.{mode}.{name}", "pad", "pad", [x],
              lambda a: np.pad(a, width, mode, **{k: conv(v) for k, v in kw.items()}),
              args=args, tol=REDUCTION)

    def conv(v):
        # lists of pairs as NumPy's nested tuples
        if isinstance(v, list):
            return tuple(tuple(p) if isinstance(p, list) else p for p in v)
        return v

    widths = {"1d": [2, [1, 3], [[0, 4]], [[5, 1]], 9, [[13, 0]]],
              "3d": [1, [2, 0], [[1, 2], [0, 0], [3, 1]], [[2, 1]], [[7, 0], [1, 5], [0, 9]]],
              "0d": [3, [1, 2]],
              "2d": [[[1, 1], [2, 0]], [[0, 3], [4, 4]]]}
    shapes = {"1d": [(4,), (1,), (2,)], "3d": [(2, 3, 4)], "0d": [()], "2d": [(3, 1), (1, 3)]}
    modes = ["constant", "edge", "reflect", "symmetric", "wrap", "linear_ramp", "maximum",
             "minimum", "mean", "median"]
    for dt in ["int8", "int64", "uint8", "float32", "float64", "bool"]:
        for kind, shape_list in shapes.items():
            for shape in shape_list:
                x = make(shape, dt)
                for wi, w in enumerate(widths[kind]):
                    for mode in modes:
                        if dt == "bool" and mode in ["linear_ramp", "mean", "median"]:
                            continue
                        wt = str(w).replace(" ", "")
                        add(f"{dt}.{tag(shape)}.w{wt}", x, w, mode)
                        if mode in ["reflect", "symmetric"] and dt != "bool":
                            add(f"{dt}.{tag(shape)}.w{wt}.odd", x, w, mode, reflect_type="odd")
    # mode options
    for dt in ["int64", "float64", "float32", "uint8"]:
        v = 7 if dt != "float32" else 1.5
        x = make((3, 4), dt)
        for w in [2, [[1, 2], [3, 0]], [[6, 1], [0, 9]]]:
            wt = str(w).replace(" ", "")
            add(f"{dt}.3x4.w{wt}.value", x, w, "constant", constant_values=v)
            add(f"{dt}.3x4.w{wt}.pair", x, w, "constant", constant_values=[v, 3])
            add(f"{dt}.3x4.w{wt}.peraxis", x, w, "constant",
                constant_values=[[v, 2], [5, 4]])
            add(f"{dt}.3x4.w{wt}.ramp", x, w, "linear_ramp", end_values=[[v, 2], [5, 4]])
            add(f"{dt}.3x4.w{wt}.ramp1", x, w, "linear_ramp", end_values=v)
            for mode in ["maximum", "minimum", "mean", "median"]:
                for sl in [1, [2, 3], [[1, 2], [3, 1]], 10]:
                    slt = str(sl).replace(" ", "")
                    add(f"{dt}.3x4.w{wt}.stat{slt}", x, w, mode, stat_length=sl)
    for dt in ["float64", "int64"]:
        x = make((5,), dt)
        if dt == "float64":  # NumPy casts the NaN mean into int64 as the platform does
            add(f"{dt}.5.w3.stat0", x, 3, "mean", stat_length=0)
        add(f"{dt}.5.w3.stat0", x, 3, "maximum", stat_length=0)
        add(f"{dt}.5.w[0,3].stat[0,2]", x, [0, 3], "minimum", stat_length=[0, 2])
    # ramps where an edge equals the end value (NumPy's other linspace formula)
    x = np.array([[0.0, 3.3, 1.0], [7.1, 0.0, 2.0]])
    add("float64.zero_step", x, [[2, 3], [3, 2]], "linear_ramp", end_values=0.0)
    add("float64.zero_step1", x, [[2, 3], [3, 2]], "linear_ramp", end_values=1.0)
    # empty arrays: only constant may extend an empty axis
    for mode in ["constant", "edge", "reflect", "wrap", "mean", "maximum"]:
        add("float64.0x3.w1", np.zeros((0, 3)), 1, mode)
        add("float64.0x3.wax1", np.zeros((0, 3)), [[0, 0], [1, 2]], mode)
    # errors: wrong number of pairs
    x = make((3, 4), "float64")
    add("float64.3x4.w3pairs", x, [[1, 1], [1, 1], [1, 1]], "reflect")
    add("float64.3x4.w3pairs", x, [[1, 1], [1, 1], [1, 1]], "constant")
    add("float64.3x4.values3pairs", x, 1, "constant", constant_values=[[1, 1], [1, 1], [1, 1]])
    # mode 'empty': the padding holds any values, so a case checks the result's shape or the
    # unpadded region only (arg "check")
    def empty_cases(name, x, width):
        full = [(int(width), int(width))] * x.ndim if isinstance(width, int) else None
        pairs = full or [tuple(p) for p in width]
        inner = tuple(slice(b, b + n) for (b, _), n in zip(pairs, x.shape))
        w = width if isinstance(width, int) else [list(p) for p in width]
        for check in ["shape", "interior"]:
            g.add(f"pad.empty.{name}.{check}", "pad", "pad", [x],
                  lambda a, check=check: (np.array(np.pad(a, w, "empty").shape, dtype=np.int64)
                                          if check == "shape"
                                          else np.pad(a, w, "empty")[inner]),
                  args={"pad_width": w, "mode": "empty", "check": check})
    for dt in ["int16", "float32", "bool", "uint64"]:
        empty_cases(f"{dt}.3x4.w2", make((3, 4), dt), 2)
        empty_cases(f"{dt}.3x4.wpairs", make((3, 4), dt), [[1, 0], [0, 3]])
    empty_cases("float64.0x3.wax1", np.zeros((0, 3)), [[2, 0], [1, 2]])
    empty_cases("int8.5.w3", make((5,), "int8"), 3)
