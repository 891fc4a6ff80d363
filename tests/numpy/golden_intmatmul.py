"""Golden family `intmatmul`: integer and bool matrix products on the native kernels (every
integer dtype with full-range values, so nearly every sum overflows and wraps as NumPy's
integer matmul does; bool as OR of ANDs at several densities), shapes that cross the kernels'
tiles and cache blocks (k > 256), batches, transposed operands, and mixed dtypes that promote to
an integer result."""

import numpy as np

from gen_golden import SEED

INT_DTYPES = ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"]


def full_range(rng, dt, shape):
    info = np.iinfo(dt)
    return rng.integers(int(info.min), int(info.max), size=shape, dtype=dt, endpoint=True)


def family(g):
    rng = np.random.default_rng(SEED + 71)
    # (a shape, b shape, transpose a, transpose b): a transposed operand is stored as its
    # transpose and transposed back by the harness (a strided view on the numcrane side).
    shapes = [
        ((1, 1), (1, 1), False, False),
        ((5, 7), (7, 3), False, False),
        ((6, 9), (9, 70), False, False),
        ((33, 300), (300, 17), False, False),
        ((3, 2, 5), (3, 5, 4), False, False),
        ((2, 9, 260), (2, 260, 21), False, False),
        ((7, 13), (13, 5), True, False),
        ((7, 13), (13, 5), False, True),
        ((20, 270), (270, 11), True, True),
        ((0, 4), (4, 3), False, False),
        ((3, 0), (0, 2), False, False),
    ]
    for dt in INT_DTYPES + ["bool"]:
        for sa, sb, ta, tb in shapes:
            if dt == "bool":
                # Sparse enough that some dot products are all false even for long k.
                density = 0.02 if sa[-1] > 100 else 0.3
                a, b = rng.random(sa) < density, rng.random(sb) < density
            else:
                a, b = full_range(rng, dt, sa), full_range(rng, dt, sb)
            stored_a = np.ascontiguousarray(a.T) if ta else a
            stored_b = np.ascontiguousarray(b.T) if tb else b
            tag = "x".join(map(str, sa)) + "_" + "x".join(map(str, sb))
            tag += ("_ta" if ta else "") + ("_tb" if tb else "")
            g.add(f"intmatmul.{dt}.{tag}", "intmatmul", "matmul", [stored_a, stored_b],
                  lambda x, y, ta=ta, tb=tb: np.matmul(x.T if ta else x, y.T if tb else y),
                  args={"transpose_a": ta, "transpose_b": tb})
    # Mixed integer dtypes promote to a wider integer (or bool to the integer), then wrap.
    for da, db in [("int8", "uint8"), ("uint32", "int16"), ("bool", "int8"), ("uint8", "uint16")]:
        a = full_range(rng, da, (9, 40)) if da != "bool" else rng.random((9, 40)) < 0.5
        b = full_range(rng, db, (40, 6))
        g.add(f"intmatmul.mixed.{da}_{db}", "intmatmul", "matmul", [a, b],
              lambda x, y: np.matmul(x, y), args={"transpose_a": False, "transpose_b": False})
