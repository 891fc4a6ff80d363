#!/usr/bin/env python3
"""Generates the NumPy golden cases that tests/golden.rs checks numcrane against.

Run from anywhere:  python3 tests/numpy/gen_golden.py

Writes tests/golden/cases.json (a JSON list of cases) and the arrays under tests/golden/data/
as .npy files. Each case is

    {"name": unique id, "kind": family, "fn": the operation (a NumPy name),
     "inputs": [.npy file names], "output": .npy file name or null,
     "error": true when NumPy raises, "args": {operation parameters},
     "rtol": ..., "atol": ...}

and passes when numcrane's result has the output's dtype and shape and every element satisfies
|got - want| <= atol + rtol * |want| (NaN matches NaN; the sign of zero is not compared).
error:true cases pass when numcrane's `.eval()` returns an Err.

The output is deterministic: a fixed seed, input files named by a hash of their bytes, output
files named after their case, and the data directory cleared first, so running this twice gives
identical files. numcrane has no float16: where NumPy would compute in float16 (float functions
of bool/int8/uint8 inputs) the input file keeps its dtype, the expected output is NumPy's answer
for the input cast to float32, and args.note says "f16->f32".
"""

import hashlib
import importlib
import io
import itertools
import json
import shutil
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden"
DATA = GOLDEN / "data"
SEED = 20261122

DTYPES = ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
          "float32", "float64"]
# The dtypes most cases run over: one of each kind and width class.
REPR_DTYPES = ["bool", "int8", "int32", "int64", "uint8", "uint64", "float32", "float64"]

# Tolerances (rtol, atol) by how the operation rounds, for float outputs; integer and bool
# outputs are always compared exactly.
EXACT = "exact"            # + - * / sqrt, casts, views, min/max, comparisons: one rounding
TRANSCENDENTAL = "transc"  # libm-style functions: a few ulp, implementations differ
REDUCTION = "reduction"    # sums in another order: error grows with the count
CREATION = "creation"      # start + i * step written in another order
TOLERANCES = {
    EXACT: {"float32": (0.0, 0.0), "float64": (0.0, 0.0)},
    TRANSCENDENTAL: {"float32": (2e-6, 1e-6), "float64": (1e-13, 1e-15)},
    REDUCTION: {"float32": (1e-5, 1e-5), "float64": (1e-12, 1e-12)},
    CREATION: {"float32": (1e-6, 1e-6), "float64": (1e-14, 1e-14)},
    # complex power: numcrane computes complex64 in float32 as NumPy does (integral exponents
    # by repeated squaring match exactly); the general case exp(b * log(a)) differs from
    # NumPy's cpowf by at most 7.7e-6 relative on the goldens (golden_complex.py)
    "cpow": {"float32": (1e-5, 2e-6), "float64": (1e-13, 1e-15)},
}


def npy_bytes(a, fmt=None):
    """The .npy file of `a`: C order, little-endian, version 1.0 unless `fmt` asks for "F"
    (Fortran order), ">" (big-endian), "F>" (both), "v2" or "v3" (header versions)."""
    buf = io.BytesIO()
    # np.ascontiguousarray would turn 0-d arrays into 1-d ones.
    a = np.array(a, order="F" if fmt and "F" in fmt else "C")
    if fmt and ">" in fmt:
        a = a.astype(a.dtype.newbyteorder(">"), order="K")
    version = {"v2": (2, 0), "v3": (3, 0)}.get(fmt)
    np.lib.format.write_array(buf, a, version=version, allow_pickle=False)
    return buf.getvalue()


class Golden:
    """Collects cases and writes their arrays."""

    def __init__(self):
        self.cases = []
        self.names = set()
        self.written = set()

    def _write(self, name, a):
        if name not in self.written:
            (DATA / name).write_bytes(npy_bytes(a))
            self.written.add(name)
        return name

    def input(self, a, fmt=None):
        data = npy_bytes(np.asarray(a), fmt)
        name = f"in_{hashlib.sha1(data).hexdigest()[:16]}.npy"
        if name not in self.written:
            (DATA / name).write_bytes(data)
            self.written.add(name)
        return name

    def add(self, name, kind, fn, inputs, compute, args=None, tol=EXACT, f16_fallback=True,
            formats=None):
        """Runs `compute(*inputs)` in NumPy and records the case.

        When NumPy's answer is float16 the inputs are cast to float32 and it runs again
        (see the module doc). Any exception makes an error case. `formats` gives each input's
        file format (see `npy_bytes`); the values are the same whatever the format.
        """
        formats = formats or [None] * len(inputs)
        if name in self.names:
            raise ValueError(f"duplicate case name {name}")
        self.names.add(name)
        args = dict(args or {})
        inputs = [np.asarray(x) for x in inputs]
        result, error = run(compute, inputs)
        if result is not None and result.dtype == np.float16:
            if not f16_fallback:
                raise ValueError(f"{name}: float16 result")
            cast = [x.astype(np.float32) if x.dtype.kind in "biu" else x for x in inputs]
            result, error = run(compute, cast)
            args["note"] = "f16->f32"
        case = {
            "name": name,
            "kind": kind,
            "fn": fn,
            "inputs": [self.input(x, f) for x, f in zip(inputs, formats)],
            "output": None,
            "error": error is not None,
            "args": args,
            "rtol": 0.0,
            "atol": 0.0,
        }
        if error is not None:
            case["args"]["numpy_error"] = error
        else:
            if result.dtype.name not in DTYPES + ["complex64", "complex128"]:
                raise ValueError(f"{name}: NumPy gave dtype {result.dtype}")
            case["output"] = self._write(f"{safe(name)}.npy", result)
            if result.dtype.kind in "fc":
                # A complex result's parts are compared with the tolerance of their float.
                part = np.empty(0, result.dtype).real.dtype.name
                case["rtol"], case["atol"] = TOLERANCES[tol][part]
        self.cases.append(case)


def run(compute, inputs):
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            out = compute(*inputs)
        except Exception as e:  # noqa: BLE001 - every NumPy error makes an error case
            return None, f"{type(e).__name__}: {e}"
    return np.asarray(out), None


def safe(name):
    return "".join(c if c.isalnum() or c in "._-" else "_" for c in name)


# ---------------------------------------------------------------------------------------------
# value pools


def int_values(dtype, extremes=True):
    info = np.iinfo(dtype)
    vals = [-100, -7, -3, -2, -1, 0, 1, 2, 3, 5, 7, 100]
    if extremes:
        vals += [int(info.min), int(info.min) + 1, int(info.max) - 1, int(info.max)]
    return sorted({v for v in vals if info.min <= v <= info.max})


FLOAT_VALUES = [float("nan"), float("-inf"), -3.5, -2.0, -1.0, -0.5, -0.0, 0.0, 0.5, 1.0, 2.0,
                3.5, 1e10, float("inf")]


def values_for(dtype):
    if dtype == "bool":
        return [False, True]
    if np.dtype(dtype).kind in "iu":
        return int_values(dtype)
    return FLOAT_VALUES


def outer_pairs(dtype, bvalues=None):
    """Two equal-shape 1-d arrays holding every pair (a, b) of the dtype's value pool."""
    av = values_for(dtype)
    bv = values_for(dtype) if bvalues is None else bvalues
    a, b = np.meshgrid(np.array(av, dtype=dtype), np.array(bv, dtype=dtype), indexing="ij")
    return a.ravel(), b.ravel()


# ---------------------------------------------------------------------------------------------
# families


def promotion(g):
    vals = [0, 1, 2, 3, 5, 7]
    for da, db in itertools.product(DTYPES, DTYPES):
        a = np.array(vals, dtype=da)
        b = np.array(vals[::-1], dtype=db)
        g.add(f"promotion.add.{da}.{db}", "promotion", "add", [a, b], np.add)

    scalars = {"int": 3, "float": 2.5, "bool": True}
    for dt in DTYPES:
        a = np.array([0, 1, 2, 5, 7, 9], dtype=dt) if dt != "bool" else np.array(
            [True, False, True, True, False, False])
        for fn in ["add", "multiply", "true_divide"]:
            for kind, value in scalars.items():
                g.add(f"scalar.{fn}.{dt}.{kind}", "scalar", fn, [a],
                      lambda x, f=getattr(np, fn), v=value: f(x, v),
                      {"scalar": value, "scalar_kind": kind, "side": "right"})
        for kind, value in [("int", 3), ("float", 2.5)]:
            g.add(f"scalar.subtract.{dt}.{kind}.left", "scalar", "subtract", [a],
                  lambda x, v=value: np.subtract(v, x),
                  {"scalar": value, "scalar_kind": kind, "side": "left"})
    # More functions with a weak scalar on the right.
    for fn, dt, kind, value in [("power", "int32", "int", 2), ("power", "float32", "int", 3),
                                ("power", "float32", "float", 0.5), ("power", "uint8", "int", 2),
                                ("maximum", "int8", "int", 2), ("maximum", "float32", "int", 2),
                                ("maximum", "uint8", "float", 2.5), ("minimum", "bool", "int", 0),
                                ("less", "int16", "int", 5), ("less", "float32", "float", 2.5),
                                ("less", "uint64", "int", 3), ("equal", "float64", "bool", True),
                                ("floor_divide", "int32", "int", 2),
                                ("floor_divide", "float32", "float", -2.0),
                                ("remainder", "int64", "int", -3),
                                ("remainder", "float64", "int", 4),
                                ("subtract", "uint8", "int", 1), ("true_divide", "int16", "float", -4.0),
                                ("arctan2", "float32", "float", 1.0),
                                ("arctan2", "int8", "int", 1)]:
        a = np.array([0, 1, 2, 5, 7, 9], dtype=dt) if dt != "bool" else np.array(
            [True, False, True])
        tol = TRANSCENDENTAL if fn in BINARY_TRANSC else EXACT
        g.add(f"scalar.{fn}.{dt}.{kind}.{value}", "scalar", fn, [a],
              lambda x, f=getattr(np, fn), v=value: f(x, v),
              {"scalar": value, "scalar_kind": kind, "side": "right"}, tol=tol)
    # NEP 50: a Python int that does not fit the array's integer dtype is an error.
    for dt, value in [("int8", 300), ("int8", -129), ("uint8", -1), ("uint8", 256),
                      ("int32", 2**31), ("uint64", -1)]:
        a = np.array([1, 2, 3], dtype=dt)
        g.add(f"scalar.add.{dt}.int.overflow{value}", "scalar", "add", [a],
              lambda x, v=value: np.add(x, v),
              {"scalar": value, "scalar_kind": "int", "side": "right"})
    # Values at the edge of the dtype are fine.
    a = np.array([1, -2, 3], dtype="int8")
    g.add("scalar.add.int8.int.edge127", "scalar", "add", [a], lambda x: x + 127,
          {"scalar": 127, "scalar_kind": "int", "side": "right"})


BINARY_EXACT = ["add", "subtract", "multiply", "true_divide", "floor_divide", "remainder",
                "maximum", "minimum", "fmax", "fmin", "heaviside", "fmod", "bitwise_and",
                "bitwise_or", "bitwise_xor", "left_shift", "right_shift", "logical_and",
                "logical_or", "logical_xor", "equal", "not_equal", "less", "less_equal",
                "greater", "greater_equal"]
BINARY_TRANSC = ["power", "arctan2", "hypot", "logaddexp"]


def binary(g):
    for fn in BINARY_EXACT + BINARY_TRANSC:
        tol = TRANSCENDENTAL if fn in BINARY_TRANSC else EXACT
        for dt in REPR_DTYPES:
            bvalues = None
            if np.dtype(dt).kind in "iu" and fn == "power":
                # Negative integer powers raise; they get their own error case below.
                bvalues = [0, 1, 2, 3, 5, 7]
            if np.dtype(dt).kind in "iu" and fn in ("left_shift", "right_shift"):
                bits = np.dtype(dt).itemsize * 8
                bvalues = [0, 1, 3, bits - 1, bits, bits + 1]
            a, b = outer_pairs(dt, bvalues)
            g.add(f"binary.{fn}.{dt}", "binary", fn, [a, b], getattr(np, fn), tol=tol)
    for dt in ["int8", "int32", "int64"]:
        a = np.array([2, 3, 4], dtype=dt)
        b = np.array([1, -1, 2], dtype=dt)
        g.add(f"binary.power.{dt}.negative_exponent", "binary", "power", [a, b], np.power)
    # Mixed dtypes go through promotion before the operation.
    mixed = [("int8", "uint8"), ("int32", "float32"), ("uint64", "int64"), ("bool", "float32"),
             ("uint8", "float64"), ("int16", "uint32")]
    for fn in ["subtract", "true_divide", "floor_divide", "maximum", "less", "power"]:
        for da, db in mixed:
            a = np.array([0, 1, 2, 3, 5, 7], dtype=da)
            b = np.array([1, 1, 2, 3, 2, 3], dtype=db)
            tol = TRANSCENDENTAL if fn == "power" else EXACT
            g.add(f"binary.{fn}.{da}.{db}", "binary", fn, [a, b], getattr(np, fn), tol=tol)


UNARY_EXACT = ["negative", "absolute", "sign", "square", "reciprocal", "sqrt", "floor", "ceil",
               "trunc", "rint", "isnan", "isinf", "isfinite", "logical_not", "invert"]
UNARY_TRANSC = ["cbrt", "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sin", "cos",
                "tan", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh", "arcsinh",
                "arccosh", "arctanh", "deg2rad", "rad2deg"]
UNARY_FLOATS = [float("nan"), float("-inf"), -1e10, -100.0, -10.0, -3.5, -2.5, -2.0, -1.5,
                -1.0, -0.75, -0.5, -1e-7, -0.0, 0.0, 1e-7, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0,
                2.5, 3.0, 3.5, 10.0, 88.0, 100.0, 1e10, float("inf")]


def unary(g):
    for fn in UNARY_EXACT + UNARY_TRANSC:
        tol = TRANSCENDENTAL if fn in UNARY_TRANSC else EXACT
        for dt in REPR_DTYPES:
            if dt == "bool":
                a = np.array([False, True, True, False])
            elif np.dtype(dt).kind in "iu":
                vals = int_values(dt)
                if fn == "reciprocal":
                    # 1/0 in an integer dtype is undefined in C (NumPy gives garbage).
                    vals = [v for v in vals if v != 0]
                a = np.array(vals, dtype=dt)
            else:
                a = np.array(UNARY_FLOATS, dtype=dt)
            g.add(f"unary.{fn}.{dt}", "unary", fn, [a], getattr(np, fn), tol=tol)


def broadcasting(g):
    shapes = [((3, 1), (1, 4)), ((), (2, 3)), ((0,), (1,)), ((2, 0, 3), (1, 3)),
              ((5, 1, 1), (4, 1)), ((1,), (3,)), ((4, 3), (3,)), ((2, 1, 4), (3, 1)),
              ((1, 1), ()), ((3,), (4,)), ((2, 3), (3, 2)), ((0,), (2,)), ((2, 3, 4), (2, 4)),
              ((2, 1), (3, 3))]
    for i, (sa, sb) in enumerate(shapes):
        n_a, n_b = int(np.prod(sa)), int(np.prod(sb))
        a = (np.arange(n_a, dtype=np.float64) * 1.5 - 2).reshape(sa)
        b = (np.arange(n_b, dtype=np.float64) * -0.5 + 1).reshape(sb)
        tag = f"{'x'.join(map(str, sa)) or 'scalar'}__{'x'.join(map(str, sb)) or 'scalar'}"
        for fn in ["add", "multiply", "maximum"]:
            g.add(f"broadcast.{fn}.{i:02d}.{tag}", "broadcast", fn, [a, b], getattr(np, fn))
        ai = np.arange(n_a, dtype=np.int32).reshape(sa)
        bi = np.arange(n_b, dtype=np.int64).reshape(sb)
        g.add(f"broadcast.subtract.{i:02d}.{tag}.int", "broadcast", "subtract", [ai, bi],
              np.subtract)
        g.add(f"broadcast.less.{i:02d}.{tag}", "broadcast", "less", [a, b], np.less)


def apply_view(a, op):
    """NumPy's version of one view step as the manifest writes it (see tests/golden.rs)."""
    name = op["op"]
    if name == "reshape":
        return a.reshape(op["shape"])
    if name == "transpose":
        return a.transpose() if op.get("axes") is None else a.transpose(op["axes"])
    if name == "swapaxes":
        return a.swapaxes(op["axis1"], op["axis2"])
    if name == "moveaxis":
        return np.moveaxis(a, op["source"], op["destination"])
    if name == "squeeze":
        return a.squeeze(axis=None if op.get("axis") is None else tuple(op["axis"]))
    if name == "expand_dims":
        return np.expand_dims(a, op["axis"])
    if name == "broadcast_to":
        return np.broadcast_to(a, op["shape"])
    if name == "slice":
        return a[tuple(slice(*s) for s in op["slices"])]
    if name == "flip":
        return np.flip(a, op["axis"])
    if name == "ravel":
        return a.ravel()
    if name == "diagonal":
        return a.diagonal(op["k"])
    raise ValueError(name)


def views(g):
    a234 = np.arange(24, dtype=np.float32).reshape(2, 3, 4) - 5
    a345 = np.arange(60, dtype=np.int32).reshape(3, 4, 5)
    a10 = np.arange(10, dtype=np.int64) * 3 - 7
    a45 = np.arange(20, dtype=np.float64).reshape(4, 5) / 4

    def case(name, a, ops):
        # The last op names the case; earlier ones build the view it applies to.
        def compute(x):
            for op in ops:
                x = apply_view(x, op)
            return x.copy()
        g.add(f"view.{name}", "view", ops[-1]["op"], [a], compute,
              {"ops": ops})

    for shape in [[-1], [4, -1], [2, -1, 2], [24], [3, 8], [1, 24, 1], [-1, 1], [2, 3, 4],
                  [5, -1], [-1, -1], [25], [0, -1]]:
        case(f"reshape.{'_'.join(map(str, shape))}", a234, [{"op": "reshape", "shape": shape}])
    case("reshape.of_transpose", a234, [{"op": "transpose", "axes": None},
                                        {"op": "reshape", "shape": [4, 6]}])
    case("reshape.of_slice", a345, [{"op": "slice", "slices": [[None, None, 2]]},
                                    {"op": "reshape", "shape": [-1, 5]}])
    empty = np.zeros((0, 3), dtype=np.float64)
    case("reshape.empty", empty, [{"op": "reshape", "shape": [3, 0, -1]}])

    case("transpose.default", a234, [{"op": "transpose", "axes": None}])
    for perm in itertools.permutations(range(3)):
        case(f"transpose.{''.join(map(str, perm))}", a234,
             [{"op": "transpose", "axes": list(perm)}])
    case("transpose.bad_perm", a234, [{"op": "transpose", "axes": [0, 0, 1]}])
    case("transpose.2d", a45, [{"op": "transpose", "axes": None}])

    for a1, a2 in [(0, 2), (1, -1), (0, 0), (2, 1), (0, 3)]:
        case(f"swapaxes.{a1}.{a2}", a234, [{"op": "swapaxes", "axis1": a1, "axis2": a2}])
    for s, d in [(0, -1), (2, 0), (-1, 1), (1, 1), (0, 5)]:
        case(f"moveaxis.{s}.{d}", a234, [{"op": "moveaxis", "source": s, "destination": d}])

    a1312 = np.arange(6, dtype=np.float64).reshape(1, 3, 1, 2)
    for axis in [None, [0], [2], [0, 2], [-2], [1]]:
        tag = "all" if axis is None else "_".join(map(str, axis))
        case(f"squeeze.{tag}", a1312, [{"op": "squeeze", "axis": axis}])
    for axis in [0, 1, -1, 3, 4, -5]:
        case(f"expand_dims.{axis}", a234, [{"op": "expand_dims", "axis": axis}])

    for src, shape in [((3,), [2, 3]), ((3, 1), [3, 4]), ((), [2, 2]), ((1,), [0]),
                       ((2, 1, 3), [4, 2, 5, 3]), ((3,), [4]), ((2, 3), [3]),
                       ((3,), [3, 0, 3])]:
        n = int(np.prod(src))
        x = np.arange(n, dtype=np.int32).reshape(src) + 1
        tag = f"{'x'.join(map(str, src)) or 'scalar'}_to_{'x'.join(map(str, shape))}"
        case(f"broadcast_to.{tag}", x, [{"op": "broadcast_to", "shape": shape}])

    slices_1d = [[2, 8, 2], [None, None, -1], [-3, None, None], [8, 2, -2], [None, -1, 3],
                 [100, None, None], [-100, 5, None], [5, 2, None], [None, None, 0],
                 [-1, -11, -3], [None, 100, 4], [7, None, -3]]
    for i, s in enumerate(slices_1d):
        case(f"slice.1d.{i:02d}", a10, [{"op": "slice", "slices": [s]}])
    slices_2d = [[[1, 3, None], [None, None, 2]], [[None, None, -1], [4, 0, -2]],
                 [[-2, None, None]], [[None, None, None], [-1, None, -1]],
                 [[3, 1, None], [None, None, None]], [[None, None, 3], [1, -1, None]]]
    for i, s in enumerate(slices_2d):
        case(f"slice.2d.{i:02d}", a45, [{"op": "slice", "slices": s}])
    slices_3d = [[[1, None, None], [None, None, -2], [1, 4, 2]],
                 [[None, None, -1], [1, 3, None], [None, None, -1]],
                 [[-1, None, None], [-1, None, None], [-1, None, None]],
                 [[None, None, 2], [None, None, 3], [None, None, 4]]]
    for i, s in enumerate(slices_3d):
        case(f"slice.3d.{i:02d}", a345, [{"op": "slice", "slices": s}])
    case("slice.of_slice", a10, [{"op": "slice", "slices": [[None, None, -1]]},
                                 {"op": "slice", "slices": [[1, None, 3]]}])

    for axis in [0, 1, 2, -1, None, 3]:
        case(f"flip.{'all' if axis is None else axis}", a234, [{"op": "flip", "axis": axis}])

    case("ravel.contiguous", a234, [{"op": "ravel"}])
    case("ravel.transpose", a234, [{"op": "transpose", "axes": [2, 0, 1]}, {"op": "ravel"}])
    case("ravel.step_slice", a345, [{"op": "slice", "slices": [[None, None, 2], [1, None, 2]]},
                                    {"op": "ravel"}])
    case("ravel.flip", a45, [{"op": "flip", "axis": 1}, {"op": "ravel"}])
    case("ravel.broadcast", a10[:3], [{"op": "broadcast_to", "shape": [2, 3]}, {"op": "ravel"}])

    for k in [0, 1, -1, 3, -3, 10, -10]:
        case(f"diagonal.2d.k{k}", a45, [{"op": "diagonal", "k": k}])
    case("diagonal.of_transpose", a45, [{"op": "transpose", "axes": None},
                                        {"op": "diagonal", "k": 1}])
    # NumPy's default axes for diagonal are the first two (axis1=0, axis2=1).
    case("diagonal.3d.k1", a234, [{"op": "diagonal", "k": 1}])


REDUCTIONS = ["sum", "prod", "mean", "var", "std", "min", "max", "any", "all"]


def axis_choices(ndim):
    out = [None]
    for r in range(1, ndim + 1):
        out += [list(c) if r > 1 else c[0] for c in itertools.combinations(range(ndim), r)]
    return out


def axis_tag(axis):
    if axis is None:
        return "None"
    if isinstance(axis, int):
        return str(axis)
    return "_".join(map(str, axis)) or "empty"


def np_axis(axis):
    return tuple(axis) if isinstance(axis, list) else axis


def reductions(g):
    rng = np.random.default_rng(SEED)
    shape = (3, 4, 5)
    floats = rng.uniform(-2, 2, size=shape)
    inputs = {
        "float32": floats.astype(np.float32),
        "float64": floats,
        "int32": rng.integers(-50, 50, size=shape).astype(np.int32),
        "uint8": rng.integers(0, 256, size=shape).astype(np.uint8),
        "bool": rng.random(shape) < 0.8,
    }

    def reduce_case(name, a, fn, axis, keepdims, ddof=None):
        args = {"axis": axis, "keepdims": keepdims}
        if fn in ("var", "std") and ddof is None:
            ddof = 0
        npfn = getattr(np, fn)
        kwargs = {"axis": np_axis(axis), "keepdims": keepdims}
        if ddof is not None:
            args["ddof"] = ddof
            kwargs["ddof"] = ddof
        exact_fn = fn in ("min", "max", "argmin", "argmax", "any", "all")
        g.add(name, "reduction", fn, [a], lambda x: npfn(x, **kwargs), args,
              tol=EXACT if exact_fn else REDUCTION)

    for dt, a in inputs.items():
        for fn in REDUCTIONS:
            ddofs = [0, 1] if fn in ("var", "std") else [None]
            for ddof, axis, keepdims in itertools.product(ddofs, axis_choices(3), [False, True]):
                tag = f"{fn}{'' if ddof is None else f'.ddof{ddof}'}"
                reduce_case(f"reduce.{tag}.{dt}.axis{axis_tag(axis)}.keep{int(keepdims)}",
                            a, fn, axis, keepdims, ddof)
        for fn in ["argmin", "argmax"]:
            for axis, keepdims in itertools.product([None, 0, 1, 2, -1], [False, True]):
                reduce_case(f"reduce.{fn}.{dt}.axis{axis_tag(axis)}.keep{int(keepdims)}",
                            a, fn, axis, keepdims)
        for axis in [-1, [-1, 0], [0, 0], 3, -4]:
            reduce_case(f"reduce.sum.{dt}.axis{axis_tag(axis).replace('-', 'm')}.edge",
                        a, "sum", axis, False)

    # NaN placements: NumPy's min/max propagate NaN; argmin/argmax give the first NaN.
    nan = float("nan")
    nan_arrays = {
        "scattered": [[1.0, nan, 3.0, -1.0], [2.0, 0.5, nan, 4.0], [nan, 2.0, -3.0, 1.0]],
        "first": [[nan, 1.0, 2.0, 3.0], [4.0, 5.0, 6.0, 7.0], [8.0, 9.0, 10.0, 11.0]],
        "row": [[nan, nan, nan, nan], [1.0, -2.0, 3.0, 0.0], [float("inf"), 1.0, 2.0,
                                                             float("-inf")]],
    }
    for (tag, vals), dt in itertools.product(nan_arrays.items(), ["float32", "float64"]):
        a = np.array(vals, dtype=dt)
        for fn in ["min", "max", "argmin", "argmax", "sum", "mean"]:
            for axis in [None, 0, 1]:
                reduce_case(f"reduce.{fn}.{dt}.nan_{tag}.axis{axis_tag(axis)}", a, fn, axis,
                            False)
    # inf only: min/max and their arguments.
    a = np.array([[1.0, float("inf"), -2.0], [float("-inf"), 0.0, float("inf")]])
    for fn in ["min", "max", "argmin", "argmax"]:
        reduce_case(f"reduce.{fn}.float64.inf.axis1", a, fn, 1, False)

    # Many float32 elements: NumPy sums pairwise, so a plain running float32 sum would drift
    # past the tolerance here.
    big = rng.uniform(0, 1, size=(256, 256)).astype(np.float32)
    for fn, axis in [("sum", None), ("sum", 0), ("sum", 1), ("mean", None), ("var", None)]:
        reduce_case(f"reduce.{fn}.float32.large.axis{axis_tag(axis)}", big, fn, axis, False)

    # Empty and 0-d arrays.
    empties = {
        "empty1d_f64": np.zeros((0,), dtype=np.float64),
        "empty1d_i32": np.zeros((0,), dtype=np.int32),
        "empty2d_f32": np.zeros((0, 3), dtype=np.float32),
    }
    for (tag, a), fn in itertools.product(empties.items(), REDUCTIONS + ["argmin", "argmax"]):
        axes = [None, 0, 1] if a.ndim == 2 else [None]
        for axis in axes:
            reduce_case(f"reduce.{fn}.{tag}.axis{axis_tag(axis)}", a, fn, axis, False)
    zero_d = {"0d_f64": np.array(5.5), "0d_i32": np.array(-3, dtype=np.int32),
              "0d_bool": np.array(True)}
    for (tag, a), fn in itertools.product(zero_d.items(), REDUCTIONS + ["argmin", "argmax"]):
        # (NumPy's ufunc reductions also accept axis=0 on 0-d arrays, a legacy quirk that
        # mean/var/std reject; numcrane need not copy it, so no case uses it.)
        for axis, keepdims in [(None, False), (None, True)]:
            reduce_case(f"reduce.{fn}.{tag}.axis{axis_tag(axis)}.keep{int(keepdims)}", a, fn,
                        axis, keepdims)

    # Cumulative sums and products.
    scan_inputs = dict(inputs)
    scan_inputs["int32"] = rng.integers(-3, 4, size=shape).astype(np.int32)
    scan_inputs["uint8"] = rng.integers(0, 4, size=shape).astype(np.uint8)
    for (dt, a), fn, axis in itertools.product(scan_inputs.items(), ["cumsum", "cumprod"],
                                               [None, 0, 1, 2, -1]):
        npfn = getattr(np, fn)
        g.add(f"scan.{fn}.{dt}.axis{axis_tag(axis).replace('-', 'm')}", "scan", fn, [a],
              lambda x, f=npfn, ax=axis: f(x, axis=ax), {"axis": axis}, tol=REDUCTION)
    for fn in ["cumsum", "cumprod"]:
        g.add(f"scan.{fn}.0d_f64", "scan", fn, [np.array(2.5)], getattr(np, fn),
              {"axis": None}, tol=REDUCTION)
        g.add(f"scan.{fn}.empty_f64", "scan", fn, [np.zeros((0, 2))],
              lambda x, f=getattr(np, fn): f(x, axis=0), {"axis": 0}, tol=REDUCTION)
        g.add(f"scan.{fn}.bad_axis", "scan", fn, [inputs["float64"]],
              lambda x, f=getattr(np, fn): f(x, axis=3), {"axis": 3}, tol=REDUCTION)


def creation(g):
    def make(name, fn, args, compute, tol=CREATION, inputs=()):
        g.add(f"creation.{name}", "creation", fn, list(inputs),
              lambda *xs: compute(*xs), args, tol=tol)

    for start, stop, step in [(0, 10, 1), (2, 11, 3), (10, 0, -3), (-5, 5, 2), (5, 5, 1),
                              (5, 0, 1), (0.0, 1.0, 0.1), (1.0, -1.0, -0.25), (0.5, 3.0, 0.5),
                              (-1.5, 2.0, 0.7), (0, 10, 0)]:
        make(f"arange.{start}_{stop}_{step}", "arange",
             {"start": start, "stop": stop, "step": step},
             lambda s=start, e=stop, st=step: np.arange(s, e, st))
    for dt in ["float32", "int32", "uint8"]:
        make(f"arange.dtype.{dt}", "arange", {"start": 1, "stop": 8, "step": 2, "dtype": dt},
             lambda d=dt: np.arange(1, 8, 2, dtype=d))

    for start, stop, num, endpoint in [(0, 1, 7, True), (0, 1, 7, False), (0, 1, 0, True),
                                       (0, 1, 1, True), (0, 1, 1, False), (-2.5, 10, 5, True),
                                       (5, -5, 11, True), (1, 2, 2, False), (3, 3, 4, True)]:
        make(f"linspace.{start}_{stop}_{num}_{int(endpoint)}", "linspace",
             {"start": start, "stop": stop, "num": num, "endpoint": endpoint},
             lambda s=start, e=stop, n=num, ep=endpoint: np.linspace(s, e, n, endpoint=ep))
    for start, stop, num, endpoint, base in [(0, 3, 4, True, 10.0), (0, 1, 5, True, 2.0),
                                             (1, -1, 3, False, 10.0), (0, 2, 1, True, 10.0),
                                             (-1, 1, 0, True, 10.0)]:
        make(f"logspace.{start}_{stop}_{num}_{int(endpoint)}_{base}", "logspace",
             {"start": start, "stop": stop, "num": num, "endpoint": endpoint, "base": base},
             lambda s=start, e=stop, n=num, ep=endpoint, b=base:
                 np.logspace(s, e, n, endpoint=ep, base=b), tol=TRANSCENDENTAL)

    for n, m, k in [(3, None, 0), (3, 4, 0), (4, 3, 1), (3, None, -1), (3, 5, 3), (2, None, 5),
                    (0, None, 0), (1, 1, 0)]:
        make(f"eye.{n}_{m}_{k}", "eye", {"n": n, "m": m, "k": k},
             lambda n=n, m=m, k=k: np.eye(n, m, k), tol=EXACT)
    for start, stop, num, endpoint in [(1, 1000, 4, True), (1, 256, 9, True), (-1, -1000, 4, True),
                                       (2, 32, 5, False), (0.5, 8, 1, True), (3, 7, 0, True)]:
        make(f"geomspace.{start}_{stop}_{num}_{int(endpoint)}", "geomspace",
             {"start": start, "stop": stop, "num": num, "endpoint": endpoint},
             lambda s=start, e=stop, n=num, ep=endpoint: np.geomspace(s, e, n, endpoint=ep),
             tol=TRANSCENDENTAL)
    make("geomspace.zero", "geomspace", {"start": 0, "stop": 10, "num": 3, "endpoint": True},
         lambda: np.geomspace(0, 10, 3))
    for n, m, k in [(3, 3, 0), (3, 5, 1), (4, 2, -1), (0, 3, 0)]:
        make(f"tri.{n}_{m}_{k}", "tri", {"n": n, "m": m, "k": k},
             lambda n=n, m=m, k=k: np.tri(n, m, k), tol=EXACT)
    for n in [0, 1, 4]:
        make(f"identity.{n}", "identity", {"n": n}, lambda n=n: np.identity(n), tol=EXACT)

    v = np.array([1.5, -2.0, 3.0])
    for k in [-1, 0, 2]:
        make(f"diag.1d.k{k}", "diag", {"k": k}, lambda x, k=k: np.diag(x, k), EXACT, [v])
    m34 = np.arange(12, dtype=np.int64).reshape(3, 4)
    for k in [0, 1, -2, 5, -5]:
        make(f"diag.2d.k{k}", "diag", {"k": k}, lambda x, k=k: np.diag(x, k), EXACT, [m34])
    make("diag.3d", "diag", {"k": 0}, lambda x: np.diag(x), EXACT,
         [np.zeros((2, 2, 2))])

    m45 = np.arange(20, dtype=np.float32).reshape(4, 5) + 1
    for fn, k in itertools.product(["tril", "triu"], [0, 1, -1, -10, 10]):
        make(f"{fn}.k{k}", fn, {"k": k}, lambda x, f=getattr(np, fn), k=k: f(x, k), EXACT,
             [m45])
    a234 = np.arange(24, dtype=np.int32).reshape(2, 3, 4)
    for fn in ["tril", "triu"]:
        make(f"{fn}.3d", fn, {"k": 0}, lambda x, f=getattr(np, fn): f(x), EXACT, [a234])
    # NumPy accepts 1-d input to tril/triu, broadcasting it against an n x n mask.
    for fn, k in itertools.product(["tril", "triu"], [0, -1]):
        make(f"{fn}.1d.k{k}", fn, {"k": k}, lambda x, f=getattr(np, fn), k=k: f(x, k), EXACT,
             [np.arange(1, 5, dtype=np.int16)])

    x = np.array([1.0, 2.0, 3.0])
    y = np.array([-1, 0, 1, 2], dtype=np.int32)
    for indexing, index in itertools.product(["xy", "ij"], [0, 1]):
        make(f"meshgrid.{indexing}.{index}", "meshgrid", {"indexing": indexing, "index": index},
             lambda a, b, ix=indexing, i=index: np.meshgrid(a, b, indexing=ix)[i], EXACT,
             [x, y])


def where_clip(g):
    cond = np.array([[True], [False], [True]])
    a = np.arange(4, dtype=np.float64).reshape(1, 4) - 1.5
    b = np.array(9.0)
    g.add("where.broadcast", "where", "where", [cond, a, b], np.where)
    g.add("where.same_shape", "where", "where",
          [np.array([True, False, False, True]), np.array([1, 2, 3, 4], dtype=np.int32),
           np.array([-1, -2, -3, -4], dtype=np.int32)], np.where)
    g.add("where.promote", "where", "where",
          [np.array([True, False, True]), np.array([1, 2, 3], dtype=np.int32),
           np.array([0.5, 1.5, 2.5], dtype=np.float32)], np.where)
    g.add("where.nonbool_cond", "where", "where",
          [np.array([0.0, 2.0, float("nan")]), np.array([1, 2, 3], dtype=np.int8),
           np.array([7, 8, 9], dtype=np.int8)], np.where)
    g.add("where.mismatch", "where", "where",
          [np.array([True, False]), np.zeros(3), np.zeros(3)], np.where)

    floats = np.array([-3.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0, 2.5, float("nan"), float("inf")])
    for dt in ["float32", "float64"]:
        for lo, hi in [(-1.0, 2.0), (0.0, 0.0), (2.0, -1.0)]:
            g.add(f"clip.{dt}.{lo}_{hi}", "clip", "clip", [floats.astype(dt)],
                  lambda x, lo=lo, hi=hi: np.clip(x, lo, hi),
                  {"lo": lo, "hi": hi, "scalar_kind": "float"})
    for dt in ["int8", "int32", "uint8", "int64"]:
        ints = np.array(int_values(dt), dtype=dt)
        for lo, hi in [(0, 5), (-3, 100), (7, 2)]:
            g.add(f"clip.{dt}.{lo}_{hi}", "clip", "clip", [ints],
                  lambda x, lo=lo, hi=hi: np.clip(x, lo, hi),
                  {"lo": lo, "hi": hi, "scalar_kind": "int"})


def astype(g):
    for src, dst in itertools.product(DTYPES, DTYPES):
        if src == "bool":
            vals = np.array([False, True, True, False])
        elif np.dtype(src).kind in "iu":
            vals = np.array(int_values(src), dtype=src)
        else:
            vals = np.array([0.0, -0.0, 0.5, 1.0, 1.5, 2.7, -2.7, 3.0, 100.25, 127.9, 255.0,
                             -128.0, 1e5, -1e5, 3e9, 1e18, 1e30, float("inf"), float("-inf"),
                             float("nan")], dtype=src)
            if np.dtype(dst).kind in "iu":
                # Float to integer is only defined for values whose truncation fits.
                info = np.iinfo(dst)
                t = np.trunc(vals.astype(np.float64))
                ok = np.isfinite(t) & (t >= info.min) & (t <= float(info.max))
                # float(info.max) rounds up for 64-bit types: keep a margin there.
                ok &= np.abs(t) < 2.0 ** 62
                vals = vals[ok]
        g.add(f"astype.{src}.{dst}", "astype", "astype", [vals], lambda x, d=dst: x.astype(d),
              {"dtype": dst})


def file_formats(g):
    """Inputs stored in Fortran order, big-endian or with newer headers: loading must give the
    same values, and every operation must work on the strided views the loader makes."""
    rng = np.random.default_rng(SEED + 7)
    x345 = rng.uniform(-2, 2, size=(3, 4, 5))
    loads = [
        ("f64_fortran_3d", x345, "F"),
        ("i32_big_2d", np.arange(-6, 6, dtype=np.int32).reshape(3, 4) * 1000003, ">"),
        ("u16_big", np.array([0, 1, 258, 65535], dtype=np.uint16), ">"),
        ("f32_big_fortran", x345.astype(np.float32), "F>"),
        ("bool_fortran", rng.random((4, 3)) < 0.5, "F"),
        ("i64_v2", np.arange(7, dtype=np.int64) - 3, "v2"),
        ("f64_v3", np.linspace(-1, 1, 5), "v3"),
        ("f64_big_0d", np.array(-2.5), ">"),
        ("f32_fortran_empty", np.zeros((2, 0, 3), dtype=np.float32), "F"),
        ("u64_big_fortran", (np.arange(6, dtype=np.uint64) * (2**61 + 3)).reshape(2, 3), "F>"),
    ]
    for tag, a, fmt in loads:
        g.add(f"io.load.{tag}", "io", "load", [a], lambda x: x, formats=[fmt])

    xf = x345
    for fn, axis in itertools.product(["sum", "max", "argmax", "mean"], axis_choices(3)):
        if fn == "argmax" and isinstance(axis, list):
            continue
        kwargs = {"axis": np_axis(axis)}
        g.add(f"fortran.reduce.{fn}.axis{axis_tag(axis)}", "reduction", fn, [xf],
              lambda x, f=getattr(np, fn), kw=kwargs: f(x, **kw),
              {"axis": axis, "keepdims": False},
              tol=EXACT if fn in ("max", "argmax") else REDUCTION, formats=["F"])
    y = rng.uniform(-2, 2, size=(3, 4, 5))
    for fn, fmts in [("add", ["F", None]), ("multiply", ["F", "F"]), ("maximum", [None, "F>"]),
                     ("less", ["F", ">"])]:
        g.add(f"fortran.binary.{fn}.{'_'.join(f or 'C' for f in fmts)}", "binary", fn, [xf, y],
              getattr(np, fn), formats=fmts)
    g.add("fortran.unary.exp", "unary", "exp", [xf], np.exp, tol=TRANSCENDENTAL, formats=["F"])
    g.add("fortran.scan.cumsum.axis1", "scan", "cumsum", [xf], lambda x: np.cumsum(x, axis=1),
          {"axis": 1}, tol=REDUCTION, formats=["F"])
    g.add("fortran.astype.int32", "astype", "astype", [xf * 10], lambda x: x.astype(np.int32),
          {"dtype": "int32"}, formats=["F"])
    for name, ops in [("reshape", [{"op": "reshape", "shape": [-1, 3]}]),
                      ("ravel", [{"op": "ravel"}]),
                      ("transpose", [{"op": "transpose", "axes": None}]),
                      ("slice", [{"op": "slice", "slices": [[None, None, -1], [1, 3, None]]}]),
                      ("diagonal", [{"op": "slice", "slices": [[0, 1, None]]},
                                    {"op": "reshape", "shape": [4, 5]},
                                    {"op": "diagonal", "k": 1}])]:
        def compute(x, ops=ops):
            for op in ops:
                x = apply_view(x, op)
            return x.copy()
        g.add(f"fortran.view.{name}", "view", ops[-1]["op"], [xf], compute, {"ops": ops},
              formats=["F"])
    g.add("fortran.workload.w3", "workload", "standardize", [xf.reshape(12, 5)],
          lambda a: (a - a.mean(0)) / a.std(0), tol=REDUCTION, formats=["F"])


def workload(g):
    rng = np.random.default_rng(SEED + 3)
    x = rng.standard_normal((64, 48)) * 3 + 1
    for dt in ["float32", "float64"]:
        g.add(f"workload.w3.{dt}", "workload", "standardize", [x.astype(dt)],
              lambda a: (a - a.mean(0)) / a.std(0), tol=REDUCTION)


def linalg(g):
    """Matrix products: matmul over every shape class and dtype kind, and the products built
    on it (dot, vdot, inner, outer, tensordot, kron, trace), with NumPy's errors."""
    rng = np.random.default_rng(SEED + 4)
    shapes = [((3, 4), (4, 5)), ((1, 1), (1, 1)), ((1, 7), (7, 1)), ((7, 1), (1, 9)),
              ((17, 13), (13, 11)), ((4,), (4,)), ((4,), (4, 3)), ((3, 4), (4,)),
              ((2, 3, 4), (2, 4, 5)), ((2, 3, 4), (4, 5)), ((2, 1, 3, 4), (5, 4, 2)),
              ((5,), (2, 5, 3)), ((0, 4), (4, 3)), ((3, 0), (0, 2)), ((2, 0, 3), (2, 3, 4)),
              ((3, 4), (5, 2)), ((2, 3, 4), (3, 4, 2)), ((), (3,))]
    for dt in ["float32", "float64", "int32", "int64", "uint8", "bool"]:
        for sa, sb in shapes:
            if dt == "bool":
                a, b = rng.random(sa) < 0.5, rng.random(sb) < 0.5
            elif dt.startswith("float"):
                a, b = rng.standard_normal(sa).astype(dt), rng.standard_normal(sb).astype(dt)
            else:
                a = rng.integers(0, 9, sa).astype(dt)
                b = rng.integers(0, 9, sb).astype(dt)
            tag = "x".join(map(str, sa)) + "_" + "x".join(map(str, sb))
            g.add(f"linalg.matmul.{dt}.{tag}", "linalg", "matmul", [a, b],
                  lambda x, y: np.matmul(x, y), tol=REDUCTION)
    # Mixed dtypes promote; integers wrap.
    g.add("linalg.matmul.mixed.int32_float32", "linalg", "matmul",
          [rng.integers(-5, 5, (3, 4)).astype("int32"),
           rng.standard_normal((4, 2)).astype("float32")],
          lambda x, y: np.matmul(x, y), tol=REDUCTION)
    big = np.full((2, 3), 2**30, dtype="int32")
    g.add("linalg.matmul.int32.wrap", "linalg", "matmul", [big, big.T.copy()],
          lambda x, y: np.matmul(x, y))
    x = rng.standard_normal((2, 3, 4))
    y = rng.standard_normal((3, 4, 5))
    z = rng.standard_normal((5, 4))
    m = rng.integers(-9, 9, (4, 4)).astype("int32")
    g.add("linalg.dot.nd", "linalg", "dot", [x, y], lambda p, q: np.dot(p, q), tol=REDUCTION)
    g.add("linalg.dot.2d_1d", "linalg", "dot", [z, z[0].copy()], lambda p, q: np.dot(p, q),
          tol=REDUCTION)
    g.add("linalg.vdot", "linalg", "vdot", [x, x.copy()], lambda p, q: np.vdot(p, q),
          tol=REDUCTION)
    g.add("linalg.inner", "linalg", "inner", [x, z], lambda p, q: np.inner(p, q),
          tol=REDUCTION)
    g.add("linalg.outer", "linalg", "outer", [z, x[0]], lambda p, q: np.outer(p, q))
    g.add("linalg.tensordot.2", "linalg", "tensordot", [x, y],
          lambda p, q: np.tensordot(p, q, 2), tol=REDUCTION, args={"axes": 2})
    g.add("linalg.kron", "linalg", "kron", [m, m[:2, :3].copy()], lambda p, q: np.kron(p, q))
    g.add("linalg.trace.int32", "linalg", "trace", [m], lambda p: np.trace(p))
    g.add("linalg.trace.float64.offset", "linalg", "trace", [x], lambda p: np.trace(p, 1),
          tol=REDUCTION, args={"offset": 1})
    # einsum: explicit and implicit outputs, diagonals, sums, transposes, outer and batched
    # products, '...' broadcasting, chains of three; float64/float32/int32 (ints keep their
    # dtype and wrap), bool, mixed dtypes, and the subscripts NumPy rejects.
    erng = np.random.default_rng(SEED + 45)
    einsum_forms = [
        ("ij,jk->ik", [(3, 4), (4, 5)]), ("ij,jk", [(3, 4), (4, 5)]),
        ("ij,kj->ik", [(3, 4), (5, 4)]), ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]),
        ("bij,bjk", [(2, 3, 4), (2, 4, 5)]), ("bij,bjk->ikb", [(2, 3, 4), (2, 4, 5)]),
        ("i,i", [(7,), (7,)]), ("i,i->i", [(7,), (7,)]), ("i,j->ij", [(3,), (4,)]),
        ("ij,j->i", [(3, 4), (4,)]), ("ij,ij->", [(3, 4), (3, 4)]),
        ("ijk,jkl->il", [(2, 3, 4), (3, 4, 5)]), ("ii,ij->j", [(3, 3), (3, 4)]),
        ("i,i", [(1,), (5,)]), ("ij,jk->ik", [(0, 4), (4, 5)]), (",ij->ij", [(), (2, 3)]),
        ("ij->ji", [(3, 4)]), ("ji", [(3, 4)]), ("ii", [(4, 4)]), ("ii->i", [(4, 4)]),
        ("iii->i", [(3, 3, 3)]), ("ij->", [(3, 4)]), ("ij->j", [(3, 4)]),
        ("ijk->kij", [(2, 3, 4)]), ("aB", [(2, 3)]), ("->", [()]),
        ("...ij,...jk->...ik", [(2, 3, 4), (2, 4, 5)]),
        ("...ij,...jk->...ik", [(5, 1, 2, 3), (4, 3, 2)]), ("...ij,...jk", [(2, 3, 4), (4, 5)]),
        ("i...->...", [(2, 3, 4)]), ("...ii->...i", [(2, 3, 3)]), ("...,...", [(2, 3), (3,)]),
        ("ij...,jk...->ik...", [(2, 3, 4), (3, 2, 4)]),
        ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 2)]), ("i,i,i", [(4,), (4,), (4,)]),
    ]

    def einsum_inputs(shapes, dt):
        if dt.startswith("float"):
            return [erng.standard_normal(s).astype(dt) for s in shapes]
        return [erng.integers(-9, 9, s).astype(dt) for s in shapes]

    for dt in ["float64", "float32", "int32"]:
        for subs, shapes in einsum_forms:
            tag = subs.replace("...", "E").replace("->", "_to_").replace(",", "_") or "empty"
            g.add(f"linalg.einsum.{dt}.{tag}.{len(shapes)}.{'x'.join(map(str, shapes[0]))}",
                  "linalg", "einsum", einsum_inputs(shapes, dt),
                  lambda *ops, subs=subs: np.einsum(subs, *ops), tol=REDUCTION,
                  args={"subscripts": subs})
    big = np.full((2, 2), 2**30, dtype="int32")
    g.add("linalg.einsum.int32.wrap", "linalg", "einsum", [big, big.copy()],
          lambda p, q: np.einsum("ij,jk->ik", p, q), args={"subscripts": "ij,jk->ik"})
    g.add("linalg.einsum.int8.sum_wraps", "linalg", "einsum",
          [np.full((3, 3), 100, dtype="int8")], lambda p: np.einsum("ij->", p),
          args={"subscripts": "ij->"})
    g.add("linalg.einsum.mixed.int32_float32", "linalg", "einsum",
          einsum_inputs([(3, 4)], "int32") + einsum_inputs([(4, 2)], "float32"),
          lambda p, q: np.einsum("ij,jk->ik", p, q), tol=REDUCTION,
          args={"subscripts": "ij,jk->ik"})
    for subs in ["i,i", "i,j->ij", "ij,jk->ik", "ii", "ij->"]:
        shapes = {"i,i": [(5,), (5,)], "i,j->ij": [(3,), (4,)], "ij,jk->ik": [(3, 4), (4, 2)],
                  "ii": [(3, 3)], "ij->": [(2, 3)]}[subs]
        tag = subs.replace("->", "_to_").replace(",", "_")
        g.add(f"linalg.einsum.bool.{tag}", "linalg", "einsum",
              [erng.random(s) < 0.4 for s in shapes],
              lambda *ops, subs=subs: np.einsum(subs, *ops), args={"subscripts": subs})
    einsum_errors = [
        ("ij,jk->ik", [(2, 3)]), ("ij->ij", [(2, 3), (3, 4)]), ("ijk->i", [(2, 3)]),
        ("i->i", [(2, 3)]), ("ij,jk->ix", [(2, 3), (3, 4)]), ("ij,jk->ii", [(2, 3), (3, 4)]),
        ("ij,jk->ik", [(2, 3), (4, 4)]), ("ii", [(2, 3)]), ("i1->i", [(2,)]),
        ("i..->i", [(2,)]), ("...i->i", [(2, 3)]), ("", [(2,)]),
    ]
    for n, (subs, shapes) in enumerate(einsum_errors):
        g.add(f"linalg.einsum.error.{n}", "linalg", "einsum", einsum_inputs(shapes, "float64"),
              lambda *ops, subs=subs: np.einsum(subs, *ops), args={"subscripts": subs})


def manip(g):
    """Joining, splitting and rearranging: concatenate (axis=None too), stack and its forms,
    split and its forms (the output is the pieces flattened and joined; args.shapes lists
    the pieces' shapes), tile, repeat, roll, rot90, fliplr, flipud, with NumPy's errors."""
    rng = np.random.default_rng(SEED + 6)

    def make(shape, dt):
        if dt == "bool":
            return rng.random(shape) < 0.5
        if dt.startswith("float"):
            return (rng.standard_normal(shape) * 5).astype(dt)
        lo = 0 if dt.startswith("u") else -50
        return rng.integers(lo, 50, shape).astype(dt)

    def tag(shapes):
        return "_".join("x".join(map(str, s)) or "0d" for s in shapes)

    def joined(fn, arrays, **kw):
        return fn(list(arrays), **kw)

    concat_forms = [([(2, 3), (4, 3)], 0), ([(2, 3), (2, 1), (2, 5)], 1),
                    ([(2, 3, 4), (2, 2, 4)], -2), ([(3,), (0,), (2,)], 0),
                    ([(0, 3), (2, 3)], 0), ([(2, 3), (2, 3)], None), ([(2, 3), (4,)], None),
                    ([(5,)], 0)]
    for dt in REPR_DTYPES:
        for shapes, axis in concat_forms:
            g.add(f"manip.concatenate.{dt}.{tag(shapes)}.axis{axis}", "manip", "concatenate",
                  [make(sh, dt) for sh in shapes],
                  lambda *xs, axis=axis: np.concatenate(xs, axis=axis), args={"axis": axis})
    mixed = [("int8", "uint8"), ("int32", "float32"), ("bool", "int64"), ("uint64", "int64"),
             ("float32", "float64")]
    for da, db in mixed:
        g.add(f"manip.concatenate.mixed.{da}_{db}", "manip", "concatenate",
              [make((2, 3), da), make((1, 3), db)],
              lambda *xs: np.concatenate(xs, axis=0), args={"axis": 0})
    concat_errors = [([(2, 3), (2, 4)], 0), ([(2, 3), (3,)], 0), ([(2, 3), (2, 3)], 2),
                     ([(2, 3), (2, 3)], -3), ([(), ()], 0)]
    for shapes, axis in concat_errors:
        g.add(f"manip.concatenate.error.{tag(shapes)}.axis{axis}", "manip", "concatenate",
              [make(sh, "float64") for sh in shapes],
              lambda *xs, axis=axis: np.concatenate(xs, axis=axis), args={"axis": axis})

    for dt in ["bool", "int32", "float64"]:
        for shape, axis in [((2, 3), 0), ((2, 3), 1), ((2, 3), -1), ((4,), 0), ((), 0),
                            ((2, 3), 3)]:
            g.add(f"manip.stack.{dt}.{tag([shape])}.axis{axis}", "manip", "stack",
                  [make(shape, dt) for _ in range(3)],
                  lambda *xs, axis=axis: np.stack(xs, axis=axis), args={"axis": axis})
    g.add("manip.stack.error.shapes", "manip", "stack", [make((2, 3), "float64"),
          make((3, 2), "float64")], lambda *xs: np.stack(xs, axis=0), args={"axis": 0})
    stack_fns = {"vstack": np.vstack, "hstack": np.hstack, "dstack": np.dstack,
                 "column_stack": np.column_stack, "row_stack": np.vstack}
    stack_forms = [[(2, 3), (1, 3)], [(3,), (3,)], [(2, 3), (2, 2)], [(), ()], [(2, 3), (3,)],
                   [(2, 3, 2), (2, 3, 1)], [(2, 3), (4,)]]
    for name, fn in stack_fns.items():
        for dt in ["int8", "float32"]:
            for shapes in stack_forms:
                g.add(f"manip.{name}.{dt}.{tag(shapes)}", "manip", name,
                      [make(sh, dt) for sh in shapes], lambda *xs, fn=fn: fn(list(xs)))

    def split_case(name, fn, a, spec, axis=None, npfn=None):
        args = {"sections": spec} if isinstance(spec, int) else {"indices": spec}
        if axis is not None:
            args["axis"] = axis

        def compute(x):
            pieces = npfn(x, spec) if axis is None else npfn(x, spec, axis=axis)
            return np.concatenate([p.ravel() for p in pieces])
        if run(compute, [a])[1] is None:
            pieces = npfn(a, spec) if axis is None else npfn(a, spec, axis=axis)
            args["shapes"] = [list(p.shape) for p in pieces]
        g.add(name, "manip", fn, [a], compute, args=args)

    for dt in ["bool", "uint8", "int64", "float64"]:
        a = make((6, 4), dt)
        for fn, npfn in [("split", np.split), ("array_split", np.array_split)]:
            for spec, axis in [(3, 0), (2, 1), (4, -1), ([1, 4], 0), ([3, 1, -1, 10], 0),
                               (4, 0), (5, 1), (0, 0), (1, 2)]:
                split_case(f"manip.{fn}.{dt}.{spec}.axis{axis}".replace(" ", ""), fn, a, spec,
                           axis, npfn)
        for fn, npfn in [("vsplit", np.vsplit), ("hsplit", np.hsplit)]:
            for spec in [2, 3, [1, 3]]:
                split_case(f"manip.{fn}.{dt}.{spec}".replace(" ", ""), fn, a, spec,
                           npfn=npfn)
    v = make((5,), "float32")
    split_case("manip.hsplit.1d", "hsplit", v, [2], npfn=np.hsplit)
    split_case("manip.vsplit.error.1d", "vsplit", v, 5, npfn=np.vsplit)
    split_case("manip.split.empty", "split", make((0, 3), "int32"), 3, 0, np.split)

    for dt in ["bool", "int16", "uint32", "float32"]:
        for shape, reps in [((3,), [2]), ((2, 3), [2, 1]), ((2, 3), [3]), ((3,), [2, 2]),
                            ((2, 1, 3), [1, 4, 1]), ((2, 3), [0, 2]), ((), [3]),
                            ((0, 2), [2, 2])]:
            g.add(f"manip.tile.{dt}.{tag([shape])}.{'x'.join(map(str, reps))}", "manip",
                  "tile", [make(shape, dt)], lambda x, reps=reps: np.tile(x, reps),
                  args={"reps": reps})
        a = make((3, 4), dt)
        for reps, axis in [(2, None), (3, 0), (0, 1), (1, -1), ([1, 0, 2], 0),
                           ([2, 2, 0, 1], 1), ([3], 1), ([1, 2], 1), (-1, 0), (2, 2)]:
            g.add(f"manip.repeat.{dt}.{reps}.axis{axis}".replace(" ", ""), "manip", "repeat",
                  [a], lambda x, reps=reps, axis=axis: np.repeat(x, reps, axis=axis),
                  args={"repeats": reps, "axis": axis})
        for shift, axis in [(1, None), (-2, None), (7, 0), (-1, 1), (0, 1), (13, -1),
                            ([1, -2], [0, 1]), ([1, 1], [1, 1]), (1, 2)]:
            g.add(f"manip.roll.{dt}.{shift}.axis{axis}".replace(" ", ""), "manip", "roll",
                  [a], lambda x, shift=shift, axis=axis: np.roll(x, shift, axis=axis),
                  args={"shift": shift, "axis": axis})
    for dt in ["int8", "float64"]:
        for shape in [(3, 4), (2, 3, 4), (3,)]:
            for k, axes in [(1, [0, 1]), (2, [0, 1]), (3, [0, 1]), (-1, [0, 1]), (5, [1, 0]),
                            (1, [-1, 0]), (1, [1, 1]), (1, [0, 3])]:
                g.add(f"manip.rot90.{dt}.{tag([shape])}.k{k}.{axes[0]}_{axes[1]}", "manip",
                      "rot90", [make(shape, dt)],
                      lambda x, k=k, axes=axes: np.rot90(x, k, axes), args={"k": k,
                                                                            "axes": axes})
        for shape in [(3, 4), (2, 3, 4), (3,), ()]:
            g.add(f"manip.fliplr.{dt}.{tag([shape])}", "manip", "fliplr", [make(shape, dt)],
                  np.fliplr)
            g.add(f"manip.flipud.{dt}.{tag([shape])}", "manip", "flipud", [make(shape, dt)],
                  np.flipud)


def stats(g):
    """NaN-ignoring reductions (nansum, nanprod, nanmean, nanvar/nanstd with ddof, nanmin,
    nanmax, nanargmin, nanargmax), ptp, count_nonzero, average (weights), diff: NaN
    placements (none, some, a whole slice), empty inputs, int and float dtypes, keepdims,
    negative axes, with NumPy's errors."""
    rng = np.random.default_rng(SEED + 7)

    def make(shape, dt):
        if dt == "bool":
            return rng.random(shape) < 0.5
        if dt.startswith("float"):
            return (rng.standard_normal(shape) * 5).astype(dt)
        lo = 0 if dt.startswith("u") else -50
        return rng.integers(lo, 50, shape).astype(dt)

    def with_nans(a, where):
        a = a.copy()
        if where == "some":
            a[rng.random(a.shape) < 0.3] = np.nan
        elif where == "slice":
            a[..., 1] = np.nan
            a.flat[0] = np.nan
        elif where == "all":
            a[...] = np.nan
        return a

    nanfns = {"nansum": np.nansum, "nanprod": np.nanprod, "nanmean": np.nanmean,
              "nanvar": np.nanvar, "nanstd": np.nanstd, "nanmin": np.nanmin,
              "nanmax": np.nanmax}
    axes_list = [None, 0, -1, (0, 1), "k1"]
    for dt in ["float32", "float64", "int32", "uint8", "bool"]:
        for where in (["none", "some", "slice", "all"] if dt.startswith("float") else ["none"]):
            a = make((3, 4, 2), dt)
            if dt.startswith("float"):
                a = with_nans(a.transpose(0, 2, 1).copy(), where).transpose(0, 2, 1).copy()
            for fn, f in nanfns.items():
                for ax in axes_list:
                    kd = ax == "k1"
                    axis = 1 if kd else ax
                    args = {"axis": list(axis) if isinstance(axis, tuple) else axis,
                            "keepdims": kd}
                    g.add(f"stats.{fn}.{dt}.{where}.axis{ax}", "stats", fn, [a],
                          lambda x, f=f, axis=axis, kd=kd: f(x, axis=axis, keepdims=kd),
                          args=args, tol=REDUCTION)
            for fn in ["nanargmin", "nanargmax"]:
                for ax in [None, 0, -1]:
                    g.add(f"stats.{fn}.{dt}.{where}.axis{ax}", "stats", fn, [a],
                          lambda x, f=getattr(np, fn), ax=ax: f(x, axis=ax),
                          args={"axis": ax, "keepdims": False})
            for ddof in [1, 2, 5]:
                for fn in ["nanvar", "nanstd"]:
                    g.add(f"stats.{fn}.{dt}.{where}.ddof{ddof}", "stats", fn, [a],
                          lambda x, f=nanfns[fn], d=ddof: f(x, axis=-1, ddof=d),
                          args={"axis": -1, "keepdims": False, "ddof": ddof}, tol=REDUCTION)
    for dt in ["float64", "int64"]:
        e = make((0, 3), dt)
        for fn in list(nanfns) + ["nanargmin", "nanargmax"]:
            for ax in [None, 0, 1]:
                g.add(f"stats.{fn}.{dt}.empty.axis{ax}", "stats", fn, [e],
                      lambda x, f=getattr(np, fn), ax=ax: f(x, axis=ax),
                      args={"axis": ax, "keepdims": False}, tol=REDUCTION)
    for dt in REPR_DTYPES:
        a = make((3, 5), dt)
        for ax in [None, 0, -1, "k1"]:
            kd = ax == "k1"
            axis = 1 if kd else ax
            args = {"axis": axis, "keepdims": kd}
            g.add(f"stats.ptp.{dt}.axis{ax}", "stats", "ptp", [a],
                  lambda x, axis=axis, kd=kd: np.ptp(x, axis=axis, keepdims=kd), args=args)
            g.add(f"stats.count_nonzero.{dt}.axis{ax}", "stats", "count_nonzero", [a],
                  lambda x, axis=axis, kd=kd: np.count_nonzero(x, axis=axis, keepdims=kd),
                  args=args)
            g.add(f"stats.average.{dt}.axis{ax}", "stats", "average", [a],
                  lambda x, axis=axis, kd=kd: np.average(x, axis=axis, keepdims=kd),
                  args=args, tol=REDUCTION)
        for n in [0, 1, 2, 6]:
            for axis in [0, -1]:
                g.add(f"stats.diff.{dt}.n{n}.axis{axis}", "stats", "diff", [a],
                      lambda x, n=n, axis=axis: np.diff(x, n=n, axis=axis),
                      args={"n": n, "axis": axis})
    g.add("stats.diff.0d", "stats", "diff", [np.array(3.0)], lambda x: np.diff(x),
          args={"n": 1, "axis": -1})
    g.add("stats.diff.badaxis", "stats", "diff", [make((3,), "int32")],
          lambda x: np.diff(x, axis=1), args={"n": 1, "axis": 1})
    g.add("stats.ptp.empty", "stats", "ptp", [make((0, 3), "float64")],
          lambda x: np.ptp(x, axis=0), args={"axis": 0, "keepdims": False})
    g.add("stats.count_nonzero.nan", "stats", "count_nonzero",
          [np.array([[np.nan, 0.0, -0.0], [1.0, np.inf, 0.0]])],
          lambda x: np.count_nonzero(x, axis=0), args={"axis": 0, "keepdims": False})
    # weighted averages: full-shape and 1-D weights, dtype mixes, zero sums, bad shapes
    wcases = [("float64", "float64", (3, 4), (3, 4), None), ("float32", "float32", (3, 4), (4,), -1),
              ("float32", "float64", (3, 4), (3,), 0), ("int32", "int32", (3, 4), (3, 4), 1),
              ("int64", "float32", (2, 3, 4), (3,), 1), ("float32", "int64", (3, 4), (3, 4), 0),
              ("uint8", "uint8", (3, 4), (4,), 1), ("float64", "float64", (3, 4), (4,), "k1")]
    for da, dw, sa, sw, ax in wcases:
        kd = ax == "k1"
        axis = 1 if kd else ax
        a = make(sa, da)
        w = np.abs(make(sw, dw)) + (1 if dw != "bool" else 0)
        g.add(f"stats.average.w.{da}_{dw}.{sa}_{sw}.axis{ax}", "stats", "average", [a, w],
              lambda x, y, axis=axis, kd=kd: np.average(x, axis=axis, weights=y, keepdims=kd),
              args={"axis": axis, "keepdims": kd}, tol=REDUCTION)
    zw = np.array([[1.0, -1.0, 2.0], [0.0, 0.0, 0.0]])
    g.add("stats.average.w.zero_sum", "stats", "average", [np.ones((2, 3)), zw],
          lambda x, y: np.average(x, axis=1, weights=y), args={"axis": 1, "keepdims": False})
    g.add("stats.average.w.zero_sum_other_axis", "stats", "average", [np.ones((2, 3)), zw],
          lambda x, y: np.average(x, axis=0, weights=y), args={"axis": 0, "keepdims": False})
    g.add("stats.average.w.no_axis", "stats", "average", [np.ones((2, 3)), np.ones(3)],
          lambda x, y: np.average(x, weights=y), args={"axis": None, "keepdims": False})
    g.add("stats.average.w.bad_len", "stats", "average", [np.ones((2, 3)), np.ones(2)],
          lambda x, y: np.average(x, axis=1, weights=y), args={"axis": 1, "keepdims": False})
    # cov / corrcoef: variables in rows or columns, bias/ddof, one variable, 1-D, dtypes
    for dt in ["float64", "float32", "int32", "bool"]:
        for shape in [(3, 6), (1, 5), (6,), (4, 2)]:
            m = make(shape, dt)
            t = "x".join(map(str, shape))
            for rowvar in [True, False]:
                g.add(f"stats.cov.{dt}.{t}.rowvar{rowvar}", "stats", "cov", [m],
                      lambda x, r=rowvar: np.cov(x, rowvar=r),
                      args={"rowvar": rowvar, "bias": False, "ddof": None}, tol=REDUCTION)
                g.add(f"stats.corrcoef.{dt}.{t}.rowvar{rowvar}", "stats", "corrcoef", [m],
                      lambda x, r=rowvar: np.corrcoef(x, rowvar=r),
                      args={"rowvar": rowvar}, tol=REDUCTION)
    m = make((3, 6), "float64")
    for bias, ddof in [(True, None), (False, 0), (True, 2), (False, 6)]:
        g.add(f"stats.cov.bias{bias}.ddof{ddof}", "stats", "cov", [m],
              lambda x, b=bias, d=ddof: np.cov(x, bias=b, ddof=d),
              args={"rowvar": True, "bias": bias, "ddof": ddof}, tol=REDUCTION)
    g.add("stats.cov.3d", "stats", "cov", [make((2, 3, 4), "float64")], lambda x: np.cov(x),
          args={"rowvar": True, "bias": False, "ddof": None})
    g.add("stats.average.w.2d_mismatch", "stats", "average", [np.ones((2, 3)), np.ones((1, 3))],
          lambda x, y: np.average(x, axis=1, weights=y), args={"axis": 1, "keepdims": False})


def sorting(g):
    """sort and argsort (kind="stable": NaN last, equal keys in input order) over shapes,
    dtypes, axes (None, negative, out of range), NaN and signed-zero placements, empties."""
    rng = np.random.default_rng(SEED + 8)

    def make(shape, dt, nans=False):
        if dt == "bool":
            return rng.random(shape) < 0.5
        if dt.startswith("float"):
            # few distinct values, so ties (and -0.0 next to 0.0) are common
            a = rng.integers(-4, 5, shape) * 0.5
            a = np.where(rng.random(shape) < 0.15, -0.0, a)
            if nans:
                a = np.where(rng.random(shape) < 0.25, np.nan, a)
            return np.asarray(a, dtype=dt)
        lo = 0 if dt.startswith("u") else -5
        return rng.integers(lo, 6, shape).astype(dt)

    def tag(shape):
        return "x".join(map(str, shape)) or "0d"

    forms = [((7,), [None, 0, -1]), ((4, 5), [None, 0, 1, -1, -2]),
             ((2, 3, 4), [None, 0, 1, -1]), ((0,), [None, 0]), ((3, 0), [0, 1, None]),
             ((), [None, 0, -1]), ((4, 5), [2, -3])]
    for dt in REPR_DTYPES + ["int16", "uint16", "uint32"]:
        for shape, axes in forms:
            x = make(shape, dt)
            for axis in axes:
                for name, fn in [("sort", np.sort), ("argsort", np.argsort)]:
                    g.add(f"sorting.{name}.{dt}.{tag(shape)}.axis{axis}", "sorting", name, [x],
                          lambda a, fn=fn, axis=axis: fn(a, axis=axis, kind="stable"),
                          args={"axis": axis})
    for dt in ["float32", "float64"]:
        for shape in [(9,), (4, 6), (2, 3, 5)]:
            x = make(shape, dt, nans=True)
            for axis in [None, 0, -1]:
                for name, fn in [("sort", np.sort), ("argsort", np.argsort)]:
                    g.add(f"sorting.{name}.{dt}.nan.{tag(shape)}.axis{axis}", "sorting", name,
                          [x], lambda a, fn=fn, axis=axis: fn(a, axis=axis, kind="stable"),
                          args={"axis": axis})
        allnan = np.full((3, 4), np.nan, dtype=dt)
        allnan[1, 2] = 1.0
        for name, fn in [("sort", np.sort), ("argsort", np.argsort)]:
            g.add(f"sorting.{name}.{dt}.allnan.axis1", "sorting", name, [allnan],
                  lambda a, fn=fn: fn(a, axis=1, kind="stable"), args={"axis": 1})

    # order statistics: median, percentile, quantile (linear method)
    stat_forms = [((7,), [None, 0]), ((4, 6), [None, 0, 1, -1, [0, 1]]),
                  ((2, 3, 4), [None, 1, [0, 2], -1]), ((5,), [None]), ((3, 0), [0, 1]),
                  ((4, 6), [2])]
    qs = [50.0, 0.0, 100.0, 37.5, 90.0, [10.0, 50.0, 99.0], 120.0]
    for dt in ["bool", "int8", "int64", "uint8", "float32", "float64"]:
        for shape, axes in stat_forms:
            x = make(shape, dt, nans=dt.startswith("float") and len(shape) == 2)
            for axis in axes:
                ax = tuple(axis) if isinstance(axis, list) else axis
                for keep in [False, True]:
                    kt = ".keep" if keep else ""
                    for name, fn in [("median", np.median), ("nanmedian", np.nanmedian)]:
                        g.add(f"sorting.{name}.{dt}.{tag(shape)}.axis{axis}{kt}".replace(" ", ""),
                              "sorting", name, [x],
                              lambda a, ax=ax, keep=keep, fn=fn: fn(a, axis=ax, keepdims=keep),
                              args={"axis": axis, "keepdims": keep}, tol=REDUCTION)
                for q in qs:
                    for name, fn, scale in [("percentile", np.percentile, 1.0),
                                            ("quantile", np.quantile, 100.0)]:
                        qq = [v / scale for v in q] if isinstance(q, list) else q / scale
                        g.add(f"sorting.{name}.{dt}.{tag(shape)}.axis{axis}.q{q}".replace(" ", ""),
                              "sorting", name, [x],
                              lambda a, ax=ax, qq=qq, fn=fn: fn(a, qq, axis=ax),
                              args={"axis": axis, "q": qq, "keepdims": False}, tol=REDUCTION)
    for dt in ["float32", "float64"]:
        x = make((5, 6), dt, nans=True)
        x[1, :] = np.nan
        x[:, 2] = np.nan
        x[3, :5] = np.nan
        for axis in [None, 0, 1]:
            for name, fn in [("median", np.median), ("nanmedian", np.nanmedian)]:
                g.add(f"sorting.{name}.{dt}.nanlanes.axis{axis}", "sorting", name, [x],
                      lambda a, ax=axis, fn=fn: fn(a, axis=ax),
                      args={"axis": axis, "keepdims": False}, tol=REDUCTION)


def main():
    if DATA.exists():
        shutil.rmtree(DATA)
    DATA.mkdir(parents=True)
    g = Golden()
    for family in [promotion, binary, unary, broadcasting, views, reductions, creation,
                   where_clip, astype, file_formats, workload, linalg, manip, stats, sorting]:
        family(g)
    # Later families live in their own files, tests/numpy/golden_<family>.py, each with a
    # `family(g)` function; they import what they need from this module.
    for path in sorted(Path(__file__).resolve().parent.glob("golden_*.py")):
        importlib.import_module(path.stem).family(g)
    (GOLDEN / "cases.json").write_text(json.dumps(g.cases, indent=1, allow_nan=False) + "\n")
    kinds = {}
    for c in g.cases:
        kinds[c["kind"]] = kinds.get(c["kind"], 0) + 1
    errors = sum(c["error"] for c in g.cases)
    size = sum(p.stat().st_size for p in DATA.iterdir())
    print(f"{len(g.cases)} cases ({errors} error cases), {len(g.written)} files, "
          f"{size / 1e6:.2f} MB: {kinds}")


if __name__ == "__main__":
    main()
