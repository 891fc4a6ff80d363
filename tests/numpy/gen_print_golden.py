#!/usr/bin/env python3
"""Generates the NumPy printing cases that crates/numcrane/src/print.rs is tested against.

Run from anywhere:  python3 tests/numpy/gen_print_golden.py

Writes tests/golden/print/cases.txt: one block per array, in a line format that the Rust tests
parse without dependencies:

    case <name>
    dtype <numpy dtype name>
    shape <d0> <d1> ...            ("shape" alone for a 0-d array)
    values <v0> <v1> ...           (row-major; bools as 0/1, integers in decimal, floats as
                                    Python's repr() of the exact value, which round-trips)
    str <n>                        followed by the n lines of str(a)
    repr <n>                       followed by the n lines of repr(a)
    end

Everything uses NumPy's default print options. The output is deterministic (fixed seed).
"""

import pathlib

import numpy as np

OUT = pathlib.Path(__file__).resolve().parent.parent / "golden" / "print" / "cases.txt"

rng = np.random.default_rng(20240607)
# Some float32 cases deliberately overflow to inf when cast from Python floats.
np.seterr(over="ignore")
cases = []


def add(name, a):
    cases.append((name, np.asarray(a)))


def value_text(x, dtype):
    if dtype.kind == "b":
        return "1" if x else "0"
    if dtype.kind in "iu":
        return str(int(x))
    if dtype.kind == "c":
        return f"{float(x.real)!r},{float(x.imag)!r}"
    return repr(float(x))


INT_DTYPES = ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"]
FLOAT_DTYPES = ["float32", "float64"]

# --- bool -------------------------------------------------------------------------------------
add("bool_1d", np.array([True, False, True]))
add("bool_0d_true", np.array(True))
add("bool_0d_false", np.array(False))
add("bool_2d", np.array([[True, False], [False, False]]))
add("bool_all_false", np.zeros(4, dtype=bool))
add("bool_long_row", rng.random(40) < 0.5)
add("bool_summarised", rng.random(1200) < 0.5)
add("bool_empty", np.zeros(0, dtype=bool))

# --- integers ---------------------------------------------------------------------------------
for dt in INT_DTYPES:
    info = np.iinfo(dt)
    add(f"{dt}_small", np.array([0, 1, 2, 3], dtype=dt))
    add(f"{dt}_extremes", np.array([info.min, 0, info.max], dtype=dt))
    add(f"{dt}_0d", np.array(info.max, dtype=dt))
    add(f"{dt}_0d_min", np.array(info.min, dtype=dt))
    add(f"{dt}_2d", (np.arange(12) * 10).astype(dt).reshape(3, 4))
    add(f"{dt}_empty", np.zeros(0, dtype=dt))
    add(f"{dt}_empty_2d", np.zeros((0, 3), dtype=dt))
    add(f"{dt}_summarised", (np.arange(1100) % 100).astype(dt))
    add(f"{dt}_random_row", rng.integers(info.min, info.max, size=30, dtype=dt, endpoint=True))
add("int64_negative", np.array([-5, 3, -120, 7]))
add("int64_arange_100", np.arange(100))
add("int64_arange_1001", np.arange(1001))
add("int64_wrap_4d", np.arange(2 * 3 * 2 * 2).reshape(2, 3, 2, 2))
add("int8_all_values", np.arange(-128, 128).astype(np.int8))
add("int64_3d", np.arange(24).reshape(2, 3, 4))
add("int64_3d_summarised", np.arange(12 * 12 * 12).reshape(12, 12, 12))
add("int64_2d_summarised_cols", np.arange(2 * 1000).reshape(2, 1000))
add("int64_2d_summarised_rows", np.arange(1000 * 2).reshape(1000, 2))
add("int64_col", np.arange(3).reshape(3, 1))
add("int64_row", np.arange(5).reshape(1, 5))
add("int64_1x1", np.array([[7]]))
add("int64_5d", np.arange(16).reshape(2, 2, 1, 2, 2))
add("int64_empty_3d", np.zeros((2, 0, 3), dtype=np.int64))
add("int64_empty_2_0", np.zeros((2, 0), dtype=np.int64))
add("int64_wide_2d", rng.integers(-10**12, 10**12, size=(4, 9)))
add("uint64_huge", np.array([2**64 - 1, 2**63, 1], dtype=np.uint64))
add("int32_repr_wraps_dtype", np.arange(100000, 100000 + 11, dtype=np.int32))

# --- floats -----------------------------------------------------------------------------------
for dt in FLOAT_DTYPES:
    f = np.dtype(dt).type
    fi = np.finfo(dt)
    add(f"{dt}_halves", np.array([1.5, 2.0, 3.0], dtype=dt))
    add(f"{dt}_third", np.array([0.1, 1 / 3], dtype=dt))
    add(f"{dt}_arange", np.arange(10, dtype=dt))
    add(f"{dt}_linspace", np.linspace(0, 1, 7, dtype=dt))
    add(f"{dt}_sci_small", np.array([1e-5, 1.2345e-5], dtype=dt))
    add(f"{dt}_sci_mixed", np.array([1e10, 1.0, np.nan, -np.inf], dtype=dt))
    add(f"{dt}_nan", np.array([np.nan], dtype=dt))
    add(f"{dt}_infs", np.array([np.inf, -np.inf], dtype=dt))
    add(f"{dt}_nan_inf_pos", np.array([np.nan, 1.5, np.inf], dtype=dt))
    add(f"{dt}_nan_neginf_pos", np.array([np.nan, 1.5, -np.inf], dtype=dt))
    add(f"{dt}_nans", np.array([np.nan, np.nan], dtype=dt))
    add(f"{dt}_neg_zero", np.array([-0.0, 0.0], dtype=dt))
    add(f"{dt}_zeros", np.zeros(5, dtype=dt))
    add(f"{dt}_zero_and_tiny", np.array([0.0, 1e-10], dtype=dt))
    add(f"{dt}_zero_and_small", np.array([0.0, 1e-3], dtype=dt))
    add(f"{dt}_1e8", np.array([1e8], dtype=dt))
    add(f"{dt}_1e6", np.array([1e6, 1.0], dtype=dt))
    add(f"{dt}_below_1e6", np.array([999999.94, 1.0], dtype=dt))
    add(f"{dt}_below_1e8", np.array([99999999.0, 1.0], dtype=dt))
    add(f"{dt}_1e_4", np.array([0.0001, 1.0], dtype=dt))
    add(f"{dt}_below_1e_4", np.array([0.00009999, 1.0], dtype=dt))
    add(f"{dt}_ratio_1000", np.array([1000.0, 1.0], dtype=dt))
    add(f"{dt}_ratio_1001", np.array([1001.0, 1.0], dtype=dt))
    add(f"{dt}_extremes", np.array([fi.max, fi.tiny, -fi.max], dtype=dt))
    add(f"{dt}_subnormal", np.array([fi.smallest_subnormal, 1.0], dtype=dt))
    add(f"{dt}_negatives", np.array([-1.5, 2.0, -300.25], dtype=dt))
    add(f"{dt}_maxprec", np.array([0.1, 0.123456789123, 2.0], dtype=dt))
    add(f"{dt}_precision_tie", np.array([0.001953125, 0.5], dtype=dt))
    add(f"{dt}_sci_tie", np.array([100000000.5], dtype=dt))
    add(f"{dt}_sci_digits", np.array([0.1, 1.2345678e-5], dtype=dt))
    add(f"{dt}_sci_digits9", np.array([0.1, 1.23456789e-5], dtype=dt))
    add(f"{dt}_sci_carry", np.array([9.9999999999e5, 1e-6], dtype=dt))
    add(f"{dt}_random_2d", rng.standard_normal((5, 5)).astype(dt))
    add(f"{dt}_random_3d", rng.standard_normal((2, 3, 4)).astype(dt))
    add(f"{dt}_random_row", rng.standard_normal(40).astype(dt))
    add(f"{dt}_random_sci_row", (rng.standard_normal(30) * 10.0 ** rng.integers(-8, 8, 30)).astype(dt))
    add(f"{dt}_uniform_2d", rng.random((6, 9)).astype(dt))
    add(f"{dt}_wrap_sevenths", (np.arange(30) / 7).astype(dt))
    add(f"{dt}_summarised", rng.standard_normal(1100).astype(dt))
    add(f"{dt}_summarised_2d", rng.standard_normal((35, 30)).astype(dt))
    add(f"{dt}_summarised_3d", rng.standard_normal((11, 10, 10)).astype(dt))
    add(f"{dt}_summarised_arange", np.arange(1001, dtype=dt))
    add(f"{dt}_summarised_sci", (rng.standard_normal(1100) * 1e-7).astype(dt))
    add(f"{dt}_empty", np.zeros(0, dtype=dt))
    add(f"{dt}_empty_0_3", np.zeros((0, 3), dtype=dt))
    add(f"{dt}_empty_2_0", np.zeros((2, 0), dtype=dt))
    add(f"{dt}_4d", (np.arange(16, dtype=dt) / 4).reshape(2, 2, 2, 2))
    add(f"{dt}_3exp", np.array([1e100, 1.0, -1e-100], dtype=dt))
    add(f"{dt}_big_ints", np.array([123456789.0, 2.0**53, 1e20], dtype=dt))
    for i, v in enumerate([1.5, 0.1 + 0.2, np.nan, -np.inf, np.inf, -0.0, 0.0, 1e16, 9.999e15,
                           1e-5, 123456.79, 3e10, 0.0001, 1e6, 999999.94, 1e20, 5e-324, 1e-4,
                           9.9999999e-5, 2.0**24 + 1, 1 / 3, -2.5e-7, 12345678.9]):
        add(f"{dt}_0d_{i}", np.array(v, dtype=dt))
# Exactly halfway between two shortest candidates: NumPy prints the even one.
add("float32_shortest_tie", np.array([265906.125, 347759.625], dtype=np.float32))
add("float32_0d_shortest_tie", np.array(265906.125, dtype=np.float32))
add("float64_0d_shortest_tie", np.array(115.856964111328125))
add("float64_sci_shortest_tie", np.array([115.856964111328125, 1e-7]))
add("float32_repr_dtype_wraps", np.linspace(0, 1, 9, dtype=np.float32))
add("float32_repr_dtype_wraps2", (np.arange(11) / 3).astype(np.float32))
add("float64_one_wide_column", np.array([[1.0], [123456.5], [-0.25]]))


# --- complex ----------------------------------------------------------------------------------
for dt in ["complex64", "complex128"]:
    add(f"{dt}_small", np.array([1 + 2j, 3 - 4j], dtype=dt))
    add(f"{dt}_mixed", np.array([1.5 + 2j, -0.25j, 0j], dtype=dt))
    add(f"{dt}_neg_zero", np.array([complex(-0.0, -0.0), 1j], dtype=dt))
    add(f"{dt}_2d", np.array([[1 + 2j, 3.25 - 4j], [0, 1j]], dtype=dt))
    add(f"{dt}_special", np.array([complex(np.nan, np.inf), complex(-np.inf, np.nan), 1 + 1j],
                                  dtype=dt))
    add(f"{dt}_sci", np.array([1e10 + 1j, 1e-5 - 2j], dtype=dt))
    add(f"{dt}_0d", np.array(1 + 2j, dtype=dt))
    add(f"{dt}_0d_imag", np.array(-2.5j, dtype=dt))
    add(f"{dt}_0d_nan", np.array(complex(np.nan, -np.inf), dtype=dt))
    add(f"{dt}_empty", np.zeros(0, dtype=dt))
    add(f"{dt}_long", (np.arange(40) * (0.5 - 1.25j)).astype(dt))
    add(f"{dt}_summarised", (np.arange(2000) * (1 + 1j)).astype(dt))


def main():
    lines = []
    seen = set()
    for name, a in cases:
        assert name not in seen, name
        seen.add(name)
        s = str(a).split("\n")
        r = repr(a).split("\n")
        lines.append(f"case {name}")
        lines.append(f"dtype {a.dtype.name}")
        lines.append(" ".join(["shape"] + [str(d) for d in a.shape]))
        lines.append(" ".join(["values"] + [value_text(x, a.dtype) for x in a.ravel()]))
        lines.append(f"str {len(s)}")
        lines.extend(s)
        lines.append(f"repr {len(r)}")
        lines.extend(r)
        lines.append("end")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(lines) + "\n")
    print(f"wrote {len(cases)} cases to {OUT}")


if __name__ == "__main__":
    main()
