"""Writes the NumPy-made structured-array files that tests/io_record.rs reads.

Run from the repository root: python3 tests/numpy/gen_record_fixtures.py (deterministic).
Writes tests/io_fixtures/rec_*: .npy files of structured dtypes (packed, aligned with padding,
big-endian, Fortran order, 2-D), NumPy's np.sort/np.argsort with `order=` of one of them, an
.npz archive with a structured member, delimited text with what NumPy's loadtxt/genfromtxt
return for it (`<name>.txt` and `<name>.expected.npy`), and files numcrane must refuse.
"""
import io
import os
import warnings

import numpy as np

OUT = os.path.join(os.path.dirname(__file__), "..", "io_fixtures")


def save(name, arr):
    np.save(os.path.join(OUT, name), arr)


def main():
    os.makedirs(OUT, exist_ok=True)
    warnings.simplefilter("ignore")
    packed = np.array(
        [(1.5, 7, True), (-2.0, -1, False), (np.nan, 2**31 - 1, True), (0.25, 0, False)],
        dtype=[("x", "<f8"), ("n", "<i4"), ("ok", "?")],
    )
    save("rec_packed.npy", packed)
    aligned = np.array(
        [(1, 2.5, 3), (-4, 5.5, 65535), (127, -0.0, 0)],
        dtype=np.dtype([("a", "i1"), ("b", "<f8"), ("c", "<u2")], align=True),
    )
    save("rec_aligned.npy", aligned)
    save("rec_be.npy", np.array([(1.5, -3), (2.25, 2**40)], dtype=[("x", ">f4"), ("y", ">i8")]))
    # complex fields, both byte orders (each part swapped on its own in '>c16')
    values = [(1.5, 2 + 3j, 1 - 1j), (-0.0, complex(np.inf, np.nan), -2.5j)]
    save("rec_complex.npy", np.array(values, dtype=[("a", "<f8"), ("z", "<c16"), ("w", "<c8")]))
    save("rec_complex_be.npy", np.array(values, dtype=[("a", ">f8"), ("z", ">c16"), ("w", ">c8")]))
    grid = np.zeros((2, 3), dtype=[("i", "<i2"), ("v", "<f4")])
    grid["i"] = np.arange(6).reshape(2, 3)
    grid["v"] = np.arange(6).reshape(2, 3) * 0.5
    save("rec_fortran.npy", np.asfortranarray(grid))
    save("rec_2d.npy", grid)

    # Sorting: ties in 'k' broken by 'v' (NaN last), then by 'w'.
    rng = np.random.default_rng(9)
    table = np.zeros(40, dtype=[("k", "<i8"), ("v", "<f8"), ("w", "<u1")])
    table["k"] = rng.integers(0, 4, 40)
    table["v"] = rng.integers(0, 3, 40).astype(float)
    table["v"][::7] = np.nan
    table["w"] = rng.integers(0, 255, 40)
    save("rec_table.npy", table)
    save("rec_table_sort_k.npy", np.sort(table, order="k"))
    save("rec_table_sort_vk.npy", np.sort(table, order=["v", "k"]))
    save("rec_table_argsort_w.npy", np.argsort(table, order="w", kind="stable"))

    np.savez(os.path.join(OUT, "rec_members.npz"), table=packed, plain=np.arange(3))

    # Text.
    def text(name, content, fn, **kw):
        with open(os.path.join(OUT, f"{name}.txt"), "w") as f:
            f.write(content)
        save(f"{name}.expected.npy", fn(io.StringIO(content), **kw))

    text(
        "rec_gf_infer",
        "id,score,flag,empty\n1,2.5,True,\n2,,false,\n3,1e3,TRUE,\n",
        np.genfromtxt, delimiter=",", names=True, dtype=None,
    )
    text(
        "rec_gf_percol",
        "a,b,c\n1,N,3\n4,5,\n,7,8\n",
        np.genfromtxt, delimiter=",", names=True, dtype=None,
        missing_values={1: "N"}, filling_values={1: -9, "c": 7},
    )
    text(
        "rec_lt_dtype",
        "# id weight\n1 2.5\n2 -0.5\n3 1e-3\n",
        np.loadtxt, dtype=[("id", "<i4"), ("weight", "<f4")],
    )
    text(
        "rec_lt_complex",
        "1 2+3j -5j\n4 1.5 (1-2j)\n-2 inf-nanj 1e3+2.5e-1j\n",
        np.loadtxt, dtype=[("a", "<i4"), ("z", "<c16"), ("w", "<c8")],
    )
    text(
        "rec_lt_quoted",
        '"1,5",2,"a # b"\n"-3",4,x\n',
        np.loadtxt, delimiter=",", quotechar='"', usecols=(0, 1),
        converters={0: lambda s: float(s.replace(",", "."))},
    )

    # Files numcrane refuses.
    save("rec_subarray.npy", np.zeros(2, dtype=[("x", "<i2", (2,)), ("y", "<f4")]))
    save("rec_nested.npy", np.zeros(2, dtype=[("x", "<i2"), ("y", [("a", "<f4")])]))
    save("rec_string.npy", np.zeros(2, dtype=[("x", "<i2"), ("s", "<U3")]))


if __name__ == "__main__":
    main()
