"""Writes the NumPy-made files that tests/io_*.rs read: .npz archives, .npy files for memory
maps, delimited text with NumPy's own loadtxt/genfromtxt results, and savetxt outputs.

Run from the repository root: python3 tests/numpy/gen_io_fixtures.py (deterministic).
Writes tests/io_fixtures/. Each reader case has `<name>.txt` (the input) and
`<name>.expected.npy` (what NumPy returns); each savetxt case `<name>.input.npy` and
`<name>.out.txt` (what np.savetxt writes), with the options in cases.json.
"""
import io
import json
import os
import warnings

import numpy as np

OUT = os.path.join(os.path.dirname(__file__), "..", "io_fixtures")


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(9)
    a = rng.standard_normal((3, 4))
    b = np.arange(10, dtype=np.int16)
    c = np.array([[True, False], [False, True]])
    # .npz: keyword names, positional names, compressed.
    np.savez(os.path.join(OUT, "named.npz"), a=a, b=b, c=c)
    np.savez(os.path.join(OUT, "positional.npz"), a, b)
    np.savez_compressed(os.path.join(OUT, "compressed.npz"), a=a, zeros=np.zeros(1000, np.float32))
    for name, arr in [("a", a), ("b", b), ("c", c)]:
        np.save(os.path.join(OUT, f"member_{name}.npy"), arr)
    # .npy for memory maps: C order, Fortran order, big-endian, bool, empty.
    np.save(os.path.join(OUT, "mmap_c.npy"), rng.standard_normal((5, 7)).astype(np.float32))
    np.save(os.path.join(OUT, "mmap_f.npy"), np.asfortranarray(np.arange(12, dtype=np.int64).reshape(3, 4)))
    np.save(os.path.join(OUT, "mmap_be.npy"), np.arange(6, dtype=">f8"))
    np.save(os.path.join(OUT, "mmap_bool.npy"), np.array([True, False, True]))
    np.save(os.path.join(OUT, "mmap_empty.npy"), np.zeros((0, 3)))

    cases = {"loadtxt": [], "genfromtxt": [], "savetxt": []}
    warnings.simplefilter("ignore")

    def reader(kind, name, text, **kw):
        with open(os.path.join(OUT, f"{name}.txt"), "w") as f:
            f.write(text)
        fn = np.loadtxt if kind == "loadtxt" else np.genfromtxt
        res = fn(io.StringIO(text), **kw)
        if kw.get("names"):
            names = list(res.dtype.names)
            res = np.stack([res[n] for n in names], axis=-1) if res.ndim else np.array([res[n] for n in names])
            kw = dict(kw, expected_names=names)
        if "dtype" in kw:
            kw["dtype"] = np.dtype(kw["dtype"]).name
        np.save(os.path.join(OUT, f"{name}.expected.npy"), res)
        cases[kind].append(dict(name=name, **kw))

    reader("loadtxt", "lt_basic", "# header\n1 2 3\n4 5 6\n\n7 8 9  # trailing\n")
    reader("loadtxt", "lt_csv", "x,y,z\n1.5,-2e3,inf\n3,4,nan\n", delimiter=",", skiprows=1)
    reader("loadtxt", "lt_usecols", "1,2,3\n4,5,6\n7,8,9\n", delimiter=",", usecols=[0, -1])
    reader("loadtxt", "lt_int", "1 2\n3 4\n5 6\n", dtype="int32", max_rows=2)
    reader("loadtxt", "lt_column", "1\n2\n3\n")
    reader("loadtxt", "lt_row_ndmin2", "1 2 3\n", ndmin=2)
    reader("loadtxt", "lt_comments", "% a\n1;2\n% b\n3;4\n", delimiter=";", comments=["%"])
    reader("loadtxt", "lt_f32", "0.1 0.2\n0.3 0.4\n", dtype="float32")
    reader("genfromtxt", "gf_missing", "1,,3\n4,abc,6\n7,8,9\n", delimiter=",")
    reader("genfromtxt", "gf_int", "1,,3\n4,5,6\n", delimiter=",", dtype="int64")
    reader("genfromtxt", "gf_markers", "1 NA 3\n4 5 N/A\n", missing_values=["NA", "N/A"])
    reader("genfromtxt", "gf_filling", "1,,3\n4,5,\n", delimiter=",", filling_values=0.0)
    reader("genfromtxt", "gf_names", "# a b c\n1 2 3\n4 5 6\n", names=True)
    reader("genfromtxt", "gf_skip", "junk\n1 2\n3 4\n5 6\nfooter\n", skip_header=1, skip_footer=2)

    def saver(name, arr, **kw):
        np.save(os.path.join(OUT, f"{name}.input.npy"), arr)
        buf = io.BytesIO()
        np.savetxt(buf, arr, **kw)
        with open(os.path.join(OUT, f"{name}.out.txt"), "wb") as f:
            f.write(buf.getvalue())
        cases["savetxt"].append(dict(name=name, **kw))

    saver("st_default", np.array([[1.0, -2.5, 1e-300], [np.pi, np.nan, -np.inf]]))
    saver("st_1d", np.arange(4, dtype=np.int32), fmt="%d")
    saver("st_csv", np.array([[0.5, 100.0], [1234567.0, 1e-7]]), fmt="%.4g", delimiter=",",
          header="a,b\nsecond", footer="end", comments="// ")
    saver("st_rowfmt", np.array([[1, 2.25], [3, 4.5]]), fmt="%3d | %-8.3f|", newline="\r\n")
    saver("st_f32", np.array([0.1, 0.2], dtype=np.float32))
    with open(os.path.join(OUT, "cases.json"), "w") as f:
        json.dump(cases, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
