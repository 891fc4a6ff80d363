"""Golden family `complex2`: the complex-number gaps of issue 8. nan_to_num on complex arrays
(the real and imaginary parts replaced separately, with NumPy's defaults and with given
values), real_if_close (tolerance in machine epsilons or absolute, NaN imaginary parts),
angle in degrees, complex64 arithmetic and power computed in float32 as NumPy does (tight
tolerances), searchsorted and the sort-based set routines in NumPy's complex order
(lexicographic, NaN-holding values last), unique along an axis, diff / cumsum / trace and the
products (dot, vdot, inner, outer, kron, tensordot, einsum) on complex arrays, and digitize's
rejection of complex. Checked by tests/golden_parts/complex2.rs."""

import numpy as np

from gen_golden import EXACT, REDUCTION, SEED, TRANSCENDENTAL

CDTYPES = ["complex64", "complex128"]
NAN, INF = float("nan"), float("inf")
# Parts with every kind of value nan_to_num looks at, signed zeros included.
PARTS = [0.0, -0.0, 1.5, -2.0, INF, -INF, NAN]


def family(g):
    rng = np.random.default_rng(SEED + 89)

    def crandom(shape, dt, scale=4):
        re = np.round(rng.normal(size=shape) * scale, 2)
        im = np.round(rng.normal(size=shape) * scale, 2)
        return (re + 1j * im).astype(dt)

    for dt in CDTYPES:
        pool = np.array([complex(a, b) for a in PARTS for b in PARTS], dtype=dt)
        # nan_to_num: defaults, and given values applied to both parts.
        g.add(f"complex2.nan_to_num.{dt}", "complex2", "nan_to_num", [pool], np.nan_to_num)
        g.add(f"complex2.nan_to_num_with.{dt}", "complex2", "nan_to_num_with", [pool],
              lambda x: np.nan_to_num(x, nan=-7.25, posinf=1e3, neginf=-1e4),
              args={"nan": -7.25, "posinf": 1e3, "neginf": -1e4})
        # A replacement too large for the part dtype: NumPy's copyto casts it (inf in float32).
        g.add(f"complex2.nan_to_num_with.big.{dt}", "complex2", "nan_to_num_with",
              [pool.reshape(7, 7)],
              lambda x: np.nan_to_num(x, nan=0.5, posinf=1e300, neginf=None),
              args={"nan": 0.5, "posinf": 1e300, "neginf": None})

        # real_if_close: tol in epsilons (default 100), absolute (<= 1), NaN, not close.
        eps = np.finfo(np.empty(0, dt).real.dtype).eps
        close = np.array([1 + 0j, -2.5 + 50 * eps * 1j, 3 - 99 * eps * 1j, 0j], dtype=dt)
        far = np.array([1 + 0j, 2 + 101 * eps * 1j], dtype=dt)
        for tag, x, tol in [("close", close, 100), ("far", far, 100), ("far.tol1000", far, 1000),
                            ("abs", np.array([1 + 1e-3j, 2 - 5e-4j], dtype=dt), 2e-3),
                            ("abs.far", np.array([1 + 1e-3j, 2 - 5e-3j], dtype=dt), 2e-3),
                            ("nan", np.array([1 + 0j, complex(2, NAN)], dtype=dt), 100),
                            ("nanreal", np.array([complex(NAN, 0), 1], dtype=dt), 100),
                            ("2d", crandom((3, 4), dt).real.astype(dt), 100),
                            ("empty", np.zeros((0, 3), dtype=dt), 100)]:
            g.add(f"complex2.real_if_close.{tag}.{dt}", "complex2", "real_if_close", [x],
                  lambda a, tol=tol: np.real_if_close(a, tol=tol), args={"tol": tol})

        # angle in degrees (and radians through the same function).
        special = np.array([complex(a, b) for a in [0.0, -0.0, 1.0, -1.0, INF, NAN]
                            for b in [0.0, -0.0, 1.0, -1.0, INF, NAN]], dtype=dt)
        for deg in [False, True]:
            g.add(f"complex2.angle.deg{int(deg)}.{dt}", "complex2", "angle", [special],
                  lambda z, deg=deg: np.angle(z, deg=deg), args={"deg": deg},
                  tol=TRANSCENDENTAL)

        # Arithmetic and power in the part precision (complex64 in float32, as NumPy).
        a, b = crandom((64,), dt), crandom((64,), dt)
        for fn in ["multiply", "true_divide"]:
            g.add(f"complex2.{fn}.{dt}", "complex2", fn, [a, b], getattr(np, fn), tol=EXACT)
        base = crandom((40,), dt, scale=1)
        for n in [2, 3, 4, 5, 7, 12, -3, 31, 99]:
            g.add(f"complex2.power.int{n}.{dt}", "complex2", "power_scalar", [base],
                  lambda x, n=n: np.power(x, np.array(n, dtype=dt)), args={"n": n}, tol=EXACT)
        g.add(f"complex2.power.general.{dt}", "complex2", "power", [base, crandom((40,), dt, 1)],
              np.power, tol=TRANSCENDENTAL)
        for fn in ["sqrt", "exp", "log", "sin", "tanh", "arcsin", "arctanh", "absolute",
                   "reciprocal", "expm1", "log1p"]:
            g.add(f"complex2.unary.{fn}.{dt}", "complex2", fn, [a], getattr(np, fn),
                  tol=TRANSCENDENTAL)

        # searchsorted in NumPy's complex order, NaN-holding values last.
        hay = np.sort(np.array([1 + 1j, 1 + 2j, 2, -1 + 5j, complex(NAN, 0), complex(0, NAN),
                                complex(1, NAN), 2 - 1j, 1 + 2j], dtype=dt))
        needles = np.array([1 + 1.5j, 5, complex(NAN, 0), complex(0, NAN), 1 + 2j, -3, 2,
                            complex(NAN, NAN), complex(1, NAN)], dtype=dt)
        for side in ["left", "right"]:
            g.add(f"complex2.searchsorted.{side}.{dt}", "complex2", "searchsorted",
                  [hay, needles], lambda h, v, side=side: np.searchsorted(h, v, side=side),
                  args={"side": side})
        perm = rng.permutation(len(hay))
        unsorted = hay[perm]
        g.add(f"complex2.searchsorted.sorter.{dt}", "complex2", "searchsorted_sorter",
              [unsorted, needles, np.argsort(unsorted, kind="stable")],
              lambda h, v, s: np.searchsorted(h, v, sorter=s))
        # real needles promote to complex
        g.add(f"complex2.searchsorted.realneedles.{dt}", "complex2", "searchsorted",
              [hay, np.array([0.5, 1.0, 2.0, 3.0])], lambda h, v: np.searchsorted(h, v),
              args={"side": "left"})

        # Set routines.
        x = np.array([1 + 1j, 2, 1 + 1j, complex(NAN, 1), 3 - 1j, complex(1, NAN), 2, -0.0 + 0j,
                      complex(NAN, 0)], dtype=dt)
        y = np.array([2, 0j, 5 + 5j, complex(NAN, 1), 3 - 1j, 7j], dtype=dt)
        for au in [False, True]:
            xs = np.unique(x) if au else x
            ys = np.unique(y) if au else y
            g.add(f"complex2.intersect1d.au{int(au)}.{dt}", "complex2", "intersect1d", [xs, ys],
                  lambda p, q, au=au: np.intersect1d(p, q, assume_unique=au),
                  args={"assume_unique": au})
            g.add(f"complex2.setdiff1d.au{int(au)}.{dt}", "complex2", "setdiff1d", [xs, ys],
                  lambda p, q, au=au: np.setdiff1d(p, q, assume_unique=au),
                  args={"assume_unique": au})
            g.add(f"complex2.setxor1d.au{int(au)}.{dt}", "complex2", "setxor1d", [xs, ys],
                  lambda p, q, au=au: np.setxor1d(p, q, assume_unique=au),
                  args={"assume_unique": au})
        for out in range(3):
            g.add(f"complex2.intersect1d_indices.{out}.{dt}", "complex2", "intersect1d_indices",
                  [x, y], lambda p, q, out=out: np.intersect1d(p, q, return_indices=True)[out],
                  args={"out": out})
        g.add(f"complex2.union1d.{dt}", "complex2", "union1d", [x, y], np.union1d)
        for inv in [False, True]:
            g.add(f"complex2.isin.inv{int(inv)}.{dt}", "complex2", "isin", [x.reshape(3, 3), y],
                  lambda p, q, inv=inv: np.isin(p, q, invert=inv), args={"invert": inv})
        # isin of real elements in complex tests (promoted)
        g.add(f"complex2.isin.real.{dt}", "complex2", "isin", [np.array([2.0, 3.0, 0.0]), y],
              lambda p, q: np.isin(p, q), args={"invert": False})
        # unique: the values alone (NumPy's hash path: the NaN group keeps its first value in
        # input order), all four outputs flat (the sort path: the first in sort order), and
        # along an axis.
        g.add(f"complex2.unique.plain.{dt}", "complex2", "unique", [x], np.unique)
        g.add(f"complex2.unique.plain.lexfirst.{dt}", "complex2", "unique",
              [np.array([complex(NAN, 1), complex(1, NAN), 1, complex(NAN, NAN)], dtype=dt)],
              np.unique)
        names = ["values", "indices", "inverse", "counts"]
        for out in range(4):
            g.add(f"complex2.unique.flat.{names[out]}.{dt}", "complex2", "unique_all", [x],
                  lambda p, out=out: np.unique(p, return_index=True, return_inverse=True,
                                               return_counts=True)[out],
                  args={"out": out, "axis": None})
        rows = np.array([[1 + 1j, 2], [0, 1j], [1 + 1j, 2], [0, -1j], [0, 1j]], dtype=dt)
        for axis in [0, 1]:
            for out in range(4):
                g.add(f"complex2.unique.axis{axis}.{names[out]}.{dt}", "complex2", "unique_all",
                      [rows], lambda p, out=out, axis=axis: np.unique(
                          p, return_index=True, return_inverse=True, return_counts=True,
                          axis=axis)[out], args={"out": out, "axis": axis})

        # diff, cumsum, trace and the products on complex arrays.
        m = crandom((3, 4), dt)
        n = crandom((4, 2), dt)
        v, w = crandom((5,), dt), crandom((5,), dt)
        g.add(f"complex2.diff.{dt}", "complex2", "diff", [m], lambda p: np.diff(p, axis=1),
              args={"n": 1, "axis": 1})
        g.add(f"complex2.diff2.{dt}", "complex2", "diff", [m], lambda p: np.diff(p, n=2, axis=0),
              args={"n": 2, "axis": 0})
        g.add(f"complex2.cumsum.{dt}", "complex2", "cumsum", [m], lambda p: np.cumsum(p, axis=1),
              tol=REDUCTION)
        g.add(f"complex2.trace.{dt}", "complex2", "trace", [crandom((4, 4), dt)], np.trace,
              tol=REDUCTION)
        g.add(f"complex2.dot.{dt}", "complex2", "dot", [m, n], np.dot, tol=REDUCTION)
        g.add(f"complex2.dot1d.{dt}", "complex2", "dot", [v, w], np.dot, tol=REDUCTION)
        g.add(f"complex2.vdot.{dt}", "complex2", "vdot", [v, w], np.vdot, tol=REDUCTION)
        g.add(f"complex2.vdot2d.{dt}", "complex2", "vdot", [m, crandom((3, 4), dt)], np.vdot,
              tol=REDUCTION)
        g.add(f"complex2.inner.{dt}", "complex2", "inner", [m, crandom((2, 4), dt)], np.inner,
              tol=REDUCTION)
        g.add(f"complex2.outer.{dt}", "complex2", "outer", [v, w], np.outer, tol=EXACT)
        g.add(f"complex2.kron.{dt}", "complex2", "kron", [crandom((2, 2), dt), crandom((2, 3), dt)],
              np.kron, tol=EXACT)
        g.add(f"complex2.tensordot.{dt}", "complex2", "tensordot",
              [crandom((2, 3, 4), dt), crandom((3, 4, 2), dt)], lambda p, q: np.tensordot(p, q, 2),
              args={"n": 2}, tol=REDUCTION)
        g.add(f"complex2.einsum.{dt}", "complex2", "einsum", [m, n],
              lambda p, q: np.einsum("ij,jk->ik", p, q), args={"subscripts": "ij,jk->ik"},
              tol=REDUCTION)
        # mixed real / complex product
        g.add(f"complex2.dot.mixed.{dt}", "complex2", "dot", [m, n.real.copy()], np.dot,
              tol=REDUCTION)

        # digitize rejects complex x, and complex bins (NumPy's TypeErrors).
        g.add(f"complex2.digitize.x.{dt}", "complex2", "digitize", [v, np.array([0.0, 1.0])],
              np.digitize)
        g.add(f"complex2.digitize.bins.{dt}", "complex2", "digitize",
              [np.array([0.5, 1.5]), np.array([0, 1, 2], dtype=dt)], np.digitize)
