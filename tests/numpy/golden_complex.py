"""Golden family `complex`: complex64 and complex128 arrays. Arithmetic (add, subtract,
multiply, true_divide, power) over a pool of values with zeros, signed zeros, infinities and
NaNs; promotion of each complex dtype with every real dtype (both orders) and with a weak
complex scalar; the unary ufuncs NumPy defines for complex, at the branch cuts (both signs of
zero) and at special values; comparisons and maximum/minimum/fmax/fmin (lexicographic);
reductions (sum, prod, mean, var, std, max, min, argmax, argmin, cumsum, cumprod, any, all);
sort, argsort and unique (lexicographic, NaNs last); casts to and from every real dtype;
matmul; and the functions NumPy rejects for complex (errors). Checked by
tests/golden_parts/complex.rs."""

import numpy as np

from gen_golden import DTYPES, EXACT, REDUCTION, SEED, TRANSCENDENTAL

# complex64 power: numcrane computes in float32 with NumPy's formulas, like every complex64
# op; the general exponent goes through exp(b * log(a)), which differs from NumPy's cpowf by
# up to 7.7e-6 relative on these cases (gen_golden.TOLERANCES["cpow"]; it was 1e-4 / 2e-4
# while complex64 was computed in float64 and rounded). multiply, true_divide and the
# integral powers match NumPy exactly (EXACT).
CPOW = "cpow"

CDTYPES = ["complex64", "complex128"]

# Parts for the arithmetic pool: finite values of several sizes and the special values.
PARTS = [0.0, -0.0, 1.0, -2.5, 0.5, 3.0, float("inf"), float("-inf"), float("nan")]
# Finite parts for the transcendental functions.
FINITE = [0.0, -0.0, 0.25, -0.75, 1.0, -1.5, 2.0, 3.5, -4.0]
# Branch cuts: on the real axis beyond +-1 and the imaginary axis beyond +-1j, from both sides.
CUTS = [complex(x, s) for x in [-3.0, -1.5, -0.5, 0.5, 1.5, 3.0] for s in [0.0, -0.0]] + \
       [complex(s, y) for y in [-3.0, -1.5, -0.5, 0.5, 1.5, 3.0] for s in [0.0, -0.0]]
SPECIAL = [complex(a, b) for a in [0.0, -0.0, 2.0, -2.0, float("inf"), float("-inf"), float("nan")]
           for b in [0.0, -0.0, 1.5, -1.5, float("inf"), float("-inf"), float("nan")]]

UNARY_EXACT = ["negative", "positive", "conjugate", "real", "imag", "square",
               "isnan", "isinf", "isfinite", "logical_not", "sign", "rint", "reciprocal"]
UNARY_TRANSC = ["exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sqrt", "sin", "cos",
                "tan", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh", "arcsinh",
                "arccosh", "arctanh", "angle", "absolute"]
# The functions whose special values (infinities, NaNs) are checked: C99 Annex G's values.
SPECIAL_OK = ["negative", "conjugate", "absolute", "real", "imag", "isnan", "isinf",
              "isfinite", "logical_not", "angle", "exp", "log", "sqrt", "sinh", "cosh",
              "tanh", "sin", "cos", "tan"]
# Functions NumPy has no complex loop for.
UNARY_ERRORS = ["floor", "ceil", "trunc", "cbrt", "deg2rad", "invert"]
BINARY_ERRORS = ["floor_divide", "remainder", "fmod", "arctan2", "hypot", "logaddexp",
                 "bitwise_and"]


def pool(dt, parts):
    vals = [complex(a, b) for a in parts for b in parts]
    return np.array(vals, dtype=dt)


def family(g):
    rng = np.random.default_rng(SEED + 88)

    def crandom(shape, dt):
        re = np.round(rng.normal(size=shape) * 4, 2)
        im = np.round(rng.normal(size=shape) * 4, 2)
        return (re + 1j * im).astype(dt)

    # Arithmetic: every pair of the pool.
    for dt in CDTYPES:
        x = pool(dt, PARTS)
        a, b = np.meshgrid(x, x, indexing="ij")
        a, b = a.ravel(), b.ravel()
        for fn in ["add", "subtract", "multiply", "true_divide"]:
            g.add(f"complex.binary.{fn}.{dt}", "complex", fn, [a, b], getattr(np, fn), tol=EXACT)
        f = pool(dt, FINITE)
        a, b = np.meshgrid(f, f, indexing="ij")
        a, b = a.ravel(), b.ravel()
        g.add(f"complex.binary.power.{dt}", "complex", "power", [a, b], np.power, tol=CPOW)
        ints = np.array([0, 1, 2, 3, -1, -2, 5, 7, 0.5, -0.5], dtype=dt)
        base = crandom((10,), dt) / 4
        # 0.5 and -0.5 are not integral: the general formula, so CPOW
        g.add(f"complex.binary.power.intexp.{dt}", "complex", "power", [base, ints], np.power,
              tol=CPOW)
        for fn in ["equal", "not_equal", "less", "less_equal", "greater", "greater_equal",
                   "maximum", "minimum", "fmax", "fmin"]:
            xs = pool(dt, [0.0, 1.0, -1.0, float("nan")])
            a, b = np.meshgrid(xs, xs, indexing="ij")
            g.add(f"complex.binary.{fn}.{dt}", "complex", fn, [a.ravel(), b.ravel()],
                  getattr(np, fn))
        for fn in BINARY_ERRORS:
            g.add(f"complex.error.{fn}.{dt}", "complex", fn, [f, f], getattr(np, fn))

    # Promotion with every real dtype, both orders, and with a weak complex scalar.
    for cdt in CDTYPES:
        c = np.array([1 + 2j, -3.5 + 0.5j, 0j, 2 - 1j, -1j, 4 + 4j], dtype=cdt)
        for rdt in DTYPES:
            r = np.array([1, 0, 1, 1, 0, 1] if rdt == "bool" else [1, 2, 0, 5, 7, 3], dtype=rdt)
            g.add(f"complex.promote.add.{cdt}.{rdt}", "complex", "add", [c, r], np.add)
            g.add(f"complex.promote.multiply.{rdt}.{cdt}", "complex", "multiply", [r, c],
                  np.multiply)
    for dt in CDTYPES + DTYPES:
        a = np.array([1, 0, 1] if dt == "bool" else [1, 2, 3], dtype=dt)
        g.add(f"complex.weak.multiply.{dt}", "complex", "multiply_weak", [a],
              lambda x: x * (0.5 - 2j), args={"re": 0.5, "im": -2.0})
        g.add(f"complex.weak.add.{dt}", "complex", "add_weak", [a],
              lambda x: x + (0.5 - 2j), args={"re": 0.5, "im": -2.0})

    # Unary functions.
    for dt in CDTYPES:
        finite = pool(dt, FINITE)
        cuts = np.array(CUTS, dtype=dt)
        special = np.array(SPECIAL, dtype=dt)
        for fn in UNARY_EXACT + UNARY_TRANSC:
            tol = TRANSCENDENTAL if fn in UNARY_TRANSC or fn in ("sign", "reciprocal") else EXACT
            f = getattr(np, fn)
            g.add(f"complex.unary.{fn}.{dt}.finite", "complex", fn, [finite], f, tol=tol)
            g.add(f"complex.unary.{fn}.{dt}.cuts", "complex", fn, [cuts], f, tol=tol)
            if fn in SPECIAL_OK:
                g.add(f"complex.unary.{fn}.{dt}.special", "complex", fn, [special], f, tol=tol)
        for fn in UNARY_ERRORS:
            g.add(f"complex.error.{fn}.{dt}", "complex", fn, [finite], getattr(np, fn))

    # Casts.
    for cdt in CDTYPES:
        c = np.array([1.5 + 2j, -3.75 + 0.5j, 0j, -0.0 - 1j, 100.25 + 0j, -7 - 7j], dtype=cdt)
        for rdt in DTYPES + CDTYPES:
            g.add(f"complex.astype.{cdt}.{rdt}", "complex", "astype", [c],
                  lambda x, t=rdt: x.astype(t), args={"dtype": rdt})
            r = np.array([1, 0, 1, 1] if rdt == "bool" else [1, 2, 0, 5], dtype=rdt)
            g.add(f"complex.astype.{rdt}.to.{cdt}", "complex", "astype", [r],
                  lambda x, t=cdt: x.astype(t), args={"dtype": cdt})

    # Reductions over a 2-D array, per axis and all.
    for dt in CDTYPES:
        x = crandom((4, 5), dt)
        x[1, 2] = x[3, 2].real + 1j * x[1, 2].imag  # equal real parts in one column
        for fn in ["sum", "prod", "mean", "var", "std", "max", "min", "any", "all"]:
            for axis in [None, 0, 1]:
                g.add(f"complex.reduce.{fn}.{dt}.axis{axis}", "complex", fn, [x],
                      lambda a, f=getattr(np, fn), ax=axis: f(a, axis=ax),
                      args={"axis": axis}, tol=REDUCTION)
        for fn in ["argmax", "argmin", "cumsum", "cumprod"]:
            for axis in [0, 1]:
                g.add(f"complex.reduce.{fn}.{dt}.axis{axis}", "complex", fn, [x],
                      lambda a, f=getattr(np, fn), ax=axis: f(a, axis=ax),
                      args={"axis": axis}, tol=REDUCTION)
        z = np.array([[0j, 1j], [0j, 0j]], dtype=dt)
        for fn in ["any", "all"]:
            g.add(f"complex.reduce.{fn}.{dt}.zeros", "complex", fn, [z],
                  lambda a, f=getattr(np, fn): f(a, axis=1), args={"axis": 1})
        withnan = np.array([1 + 1j, complex(np.nan, 0), 3 + 0j, complex(0, np.nan)], dtype=dt)
        for fn in ["max", "min", "argmax", "argmin"]:
            g.add(f"complex.reduce.{fn}.{dt}.nan", "complex", fn, [withnan],
                  lambda a, f=getattr(np, fn): f(a, axis=0), args={"axis": 0})

    # Sorting: lexicographic, NaNs last in NumPy's order.
    for dt in CDTYPES:
        vals = [3 + 1j, 1 + 2j, 1 - 2j, complex(np.nan, 0), -1 + 0j, complex(0, np.nan),
                1 + 2j, complex(np.nan, np.nan), 3 + 0j, -0.0 + 0j, complex(1, np.nan), 0j]
        x = np.array(vals, dtype=dt)
        g.add(f"complex.sort.sort.{dt}", "complex", "sort", [x],
              lambda a: np.sort(a, kind="stable"), args={"axis": 0})
        g.add(f"complex.sort.argsort.{dt}", "complex", "argsort", [x],
              lambda a: np.argsort(a, kind="stable"), args={"axis": 0})
        y = crandom((3, 4), dt)
        for axis in [0, 1]:
            g.add(f"complex.sort.sort.{dt}.2d.axis{axis}", "complex", "sort", [y],
                  lambda a, ax=axis: np.sort(a, axis=ax, kind="stable"), args={"axis": axis})
        u = np.array([2 + 1j, 1 + 1j, 2 + 1j, 1 + 0j, 1 + 1j, -1j], dtype=dt)
        g.add(f"complex.sort.unique.{dt}", "complex", "unique", [u], np.unique)

    # Matrix products.
    for dt in CDTYPES:
        a = crandom((3, 4), dt)
        b = crandom((4, 2), dt)
        g.add(f"complex.matmul.{dt}", "complex", "matmul", [a, b], np.matmul, tol=REDUCTION)
        r = np.arange(8, dtype="float64").reshape(4, 2)
        g.add(f"complex.matmul.{dt}.float64", "complex", "matmul", [a, r], np.matmul,
              tol=REDUCTION)

    # Element-wise functions that need no complex code: where, concatenate, views.
    for dt in CDTYPES:
        a = crandom((2, 3), dt)
        b = crandom((2, 3), dt)
        cond = np.array([[True, False, True], [False, False, True]])
        g.add(f"complex.where.{dt}", "complex", "where", [cond, a, b], np.where)
        g.add(f"complex.concatenate.{dt}", "complex", "concatenate", [a, b],
              lambda x, y: np.concatenate([x, y], axis=1), args={"axis": 1})
        g.add(f"complex.transpose.{dt}", "complex", "transpose", [a], np.transpose)
