"""Golden family `nplinalg` (kind; the products keep kind `linalg`): numpy.linalg for real
inputs. det, slogdet, inv, solve, cholesky, eigvalsh / eigh (eigenvalues), svd / svdvals
(singular values), qr (|r| and |q|, unique up to signs), pinv, lstsq (x, residuals, rank, s),
matrix_rank, matrix_power, norm, cond, multi_dot, linalg.trace and linalg.cross, over float64, float32 and
integer inputs, stacks of matrices, 1x1 and 0-size matrices, and the errors NumPy raises
(singular, not square, not positive definite, too few dimensions). Factors that are unique only
up to sign (eigenvectors, singular vectors) are checked by property tests in
tests/linalg_decomp.rs instead. Checked by tests/golden_parts/linalg.rs."""

import sys

import numpy as np

from gen_golden import SEED

# Factorisations: LAPACK and faer round differently; the inputs are well conditioned.
LINALG = "linalg"


def _register_tolerance():
    # gen_golden runs as __main__, so `from gen_golden import` reads a second copy of it: the
    # tolerance goes into the table of whichever copy records the cases.
    for name in ("__main__", "gen_golden"):
        mod = sys.modules.get(name)
        if mod is not None and hasattr(mod, "TOLERANCES"):
            mod.TOLERANCES[LINALG] = {"float32": (2e-5, 1e-5), "float64": (1e-9, 1e-11)}


def tag(shape):
    return "x".join(map(str, shape)) or "0d"


def family(g):
    _register_tolerance()
    rng = np.random.default_rng(SEED + 81)

    def general(shape, dt):
        """Well-conditioned square matrices (random + n * I) or any-shape random ones."""
        if dt.startswith("int"):
            x = rng.integers(-5, 6, shape)
        else:
            x = rng.standard_normal(shape)
        if len(shape) >= 2 and shape[-1] == shape[-2] and shape[-1] > 0:
            # integers: strictly diagonally dominant, so that no matrix is singular (whether
            # an LU pivot of a singular one rounds to exactly 0 differs between LAPACKs)
            n = shape[-1]
            x = x + (5 * n + 1 if dt.startswith("int") else 3 * n) * np.eye(n, dtype=x.dtype)
        return x.astype(dt)

    def spd(shape, dt):
        x = rng.standard_normal(shape)
        n = shape[-1]
        x = x @ np.swapaxes(x, -1, -2) + n * np.eye(n)
        return x.astype(dt)

    def add(name, fn, inputs, compute, **args):
        g.add(f"nplinalg.{fn}.{name}", "nplinalg", fn, inputs, compute, args=args, tol=LINALG)

    square = [(3, 3), (1, 1), (2, 4, 4), (2, 1, 2, 2), (0, 0), (2, 0, 0)]
    dtypes = ["float64", "float32", "int64"]

    # det, slogdet, inv
    for dt in dtypes:
        for shape in square:
            x = general(shape, dt)
            t = f"{dt}.{tag(shape)}"
            add(t, "det", [x], np.linalg.det)
            add(t + ".sign", "slogdet", [x], lambda a: np.linalg.slogdet(a).sign, out="sign")
            add(t + ".log", "slogdet", [x], lambda a: np.linalg.slogdet(a).logabsdet,
                out="logabsdet")
            add(t, "inv", [x], np.linalg.inv)
    sing = np.array([[1.0, 2.0], [2.0, 4.0]])
    add("singular", "det", [sing], np.linalg.det)
    add("singular.sign", "slogdet", [sing], lambda a: np.linalg.slogdet(a).sign, out="sign")
    add("singular.log", "slogdet", [sing], lambda a: np.linalg.slogdet(a).logabsdet,
        out="logabsdet")
    stack_sing = np.stack([np.eye(2), sing])
    for fn in ["inv", "det", "cholesky", "eigvalsh", "svdvals"]:
        f = getattr(np.linalg, fn)
        add("nonsquare", fn, [rng.standard_normal((2, 3))], f)
        add("1d", fn, [rng.standard_normal(3)], f)
    add("singular", "inv", [sing], np.linalg.inv)
    add("stack_singular", "inv", [stack_sing], np.linalg.inv)
    add("intsingular", "inv", [np.array([[2, 4], [1, 2]])], np.linalg.inv)

    # solve: b a vector or a stack of matrices (NumPy 2 rules)
    solves = [((3, 3), (3,)), ((3, 3), (3, 2)), ((2, 3, 3), (3,)), ((2, 3, 3), (2, 3, 1)),
              ((3, 3), (4, 3, 2)), ((1, 1), (1,)), ((2, 1, 2, 2), (3, 2, 2)), ((0, 0), (0,))]
    for dt in dtypes:
        for sa, sb in solves:
            a, b = general(sa, dt), general(sb, dt)
            add(f"{dt}.{tag(sa)}.{tag(sb)}", "solve", [a, b], np.linalg.solve)
    add("f32_f64", "solve", [general((3, 3), "float32"), general((3,), "float64")],
        np.linalg.solve)
    add("singular", "solve", [sing, np.ones(2)], np.linalg.solve)
    add("mismatch", "solve", [general((3, 3), "float64"), np.ones(4)], np.linalg.solve)
    add("mismatch2", "solve", [general((3, 3), "float64"), np.ones((4, 2))], np.linalg.solve)
    add("nonsquare", "solve", [np.ones((3, 2)), np.ones(3)], np.linalg.solve)

    # cholesky (lower / upper factor), not positive definite
    for dt in ["float64", "float32"]:
        for shape in [(3, 3), (1, 1), (2, 4, 4), (0, 0)]:
            x = spd(shape, dt)
            for upper in [False, True]:
                add(f"{dt}.{tag(shape)}.{upper}", "cholesky", [x],
                    lambda a, u=upper: np.linalg.cholesky(a, upper=u), upper=upper)
    x = spd((3, 3), "float64")
    tri = np.tril(x) + np.triu(rng.standard_normal((3, 3)), 1)  # upper part is noise
    add("reads_lower", "cholesky", [tri], lambda a: np.linalg.cholesky(a), upper=False)
    add("int", "cholesky", [np.array([[4, 2], [2, 5]])], lambda a: np.linalg.cholesky(a),
        upper=False)
    add("notpd", "cholesky", [np.array([[1.0, 2.0], [2.0, 1.0]])], np.linalg.cholesky,
        upper=False)

    # eigvalsh / eigh eigenvalues, both triangles of a non-symmetric array
    for dt in dtypes:
        for shape in [(3, 3), (1, 1), (2, 5, 5), (0, 0)]:
            x = general(shape, dt)
            for uplo in ["L", "U"]:
                t = f"{dt}.{tag(shape)}.{uplo}"
                add(t, "eigvalsh", [x], lambda a, u=uplo: np.linalg.eigvalsh(a, UPLO=u),
                    uplo=uplo)
                add(t, "eigh", [x], lambda a, u=uplo: np.linalg.eigh(a, UPLO=u).eigenvalues,
                    uplo=uplo, out="eigenvalues")

    # singular values
    for dt in dtypes:
        for shape in [(3, 5), (5, 3), (4, 4), (2, 4, 3), (1, 1), (1, 6)]:
            x = general(shape, dt)
            t = f"{dt}.{tag(shape)}"
            add(t, "svdvals", [x], lambda a: np.linalg.svd(a, compute_uv=False))
            for full in [True, False]:
                add(f"{t}.{full}", "svd", [x],
                    lambda a, f=full: np.linalg.svd(a, full_matrices=f).S,
                    full_matrices=full, out="s")

    # qr: |r| (rows unique up to sign) for every mode, |q| for reduced
    for dt in dtypes:
        for shape in [(4, 3), (3, 4), (3, 3), (2, 5, 3), (1, 1)]:
            x = general(shape, dt)
            t = f"{dt}.{tag(shape)}"
            for mode in ["reduced", "complete", "r"]:
                def absr(a, m=mode):
                    r = np.linalg.qr(a, mode=m)
                    return np.abs(r if m == "r" else r.R)
                add(f"{t}.{mode}", "qr", [x], absr, mode=mode, out="absr")
            add(f"{t}.q", "qr", [x], lambda a: np.abs(np.linalg.qr(a).Q), mode="reduced",
                out="absq")

    # pinv
    for dt in dtypes:
        for shape in [(3, 3), (4, 2), (2, 5), (2, 3, 4), (1, 1), (0, 3)]:
            x = general(shape, dt)
            add(f"{dt}.{tag(shape)}", "pinv", [x], np.linalg.pinv)
    add("rankdef", "pinv", [sing], np.linalg.pinv)
    add("rcond", "pinv", [np.diag([1.0, 1e-3, 1e-9])], lambda a: np.linalg.pinv(a, rcond=1e-6),
        rcond=1e-6)

    # lstsq
    rankdef = np.array([[1.0, 2.0], [2.0, 4.0], [3.0, 6.0]])
    systems = [("over_vec", general((6, 3), "float64"), general((6,), "float64")),
               ("over_mat", general((6, 3), "float64"), general((6, 2), "float64")),
               ("under", general((3, 5), "float64"), general((3, 2), "float64")),
               ("square", general((3, 3), "float64"), general((3,), "float64")),
               ("rankdef", rankdef, np.array([1.0, 2.0, 4.0])),
               ("f32", general((5, 2), "float32"), general((5,), "float32")),
               ("int", general((5, 2), "int64"), general((5,), "int64"))]
    for name, a, b in systems:
        for out in ["x", "residuals", "rank", "s"]:
            add(f"{name}.{out}", "lstsq", [a, b],
                lambda a, b, o=out: np.asarray(getattr(_lstsq(a, b, None), o)), out=out)
    add("rcond.x", "lstsq", [np.diag([1.0, 1e-8]), np.ones(2)],
        lambda a, b: np.linalg.lstsq(a, b, rcond=1e-6)[0], out="x", rcond=1e-6)
    add("rcond.rank", "lstsq", [np.diag([1.0, 1e-8]), np.ones(2)],
        lambda a, b: np.asarray(np.linalg.lstsq(a, b, rcond=1e-6)[2]), out="rank", rcond=1e-6)
    add("mismatch.x", "lstsq", [np.ones((3, 2)), np.ones(4)],
        lambda a, b: np.linalg.lstsq(a, b)[0], out="x")

    # matrix_rank
    low = rng.standard_normal((5, 2)) @ rng.standard_normal((2, 4))
    for name, x in [("full", general((4, 4), "float64")), ("low", low),
                    ("stack", np.stack([low[:4], general((4, 4), "float64")])),
                    ("f32", low.astype("float32")), ("int", np.array([[1, 2], [2, 4]])),
                    ("vec", np.array([0.0, 1.0])), ("zerovec", np.zeros(3)),
                    ("zeros", np.zeros((3, 3)))]:
        add(name, "matrix_rank", [x], lambda a: np.asarray(np.linalg.matrix_rank(a)))
    tiny = np.diag([1.0, 1e-3, 1e-7])
    add("tol", "matrix_rank", [tiny], lambda a: np.asarray(np.linalg.matrix_rank(a, tol=1e-4)),
        tol=1e-4)
    add("rtol", "matrix_rank", [tiny],
        lambda a: np.asarray(np.linalg.matrix_rank(a, rtol=1e-2)), rtol=1e-2)

    # matrix_power: integer stays integer; negative powers through inv
    ints = rng.integers(-2, 3, (3, 3))
    for p in [0, 1, 2, 3, 4, 5, 7, 12]:
        add(f"int.{p}", "matrix_power", [ints], lambda a, p=p: np.linalg.matrix_power(a, p),
            n=p)
    for dt in ["float64", "float32"]:
        x = general((2, 3, 3), dt) / 9
        for p in [0, 2, 6, -1, -3]:
            add(f"{dt}.{p}", "matrix_power", [x], lambda a, p=p: np.linalg.matrix_power(a, p),
                n=p)
    add("int.neg", "matrix_power", [np.array([[2, 1], [1, 1]])],
        lambda a: np.linalg.matrix_power(a, -2), n=-2)
    add("nonsquare", "matrix_power", [np.ones((2, 3))],
        lambda a: np.linalg.matrix_power(a, 2), n=2)

    # norm
    vec_ords = [None, "inf", "-inf", 0, 1, -1, 2, -2, 3, 0.5]
    mat_ords = [None, "fro", "nuc", "inf", "-inf", 1, -1, 2, -2]

    def ordv(o):
        return {"inf": np.inf, "-inf": -np.inf}.get(o, o) if isinstance(o, str) else o

    def norm_case(name, x, ord, axis, keepdims):
        args = {"keepdims": keepdims}
        if ord is not None:
            args["ord"] = ord
        if axis is not None:
            args["axis"] = list(axis) if isinstance(axis, tuple) else axis
        add(f"{name}.{ord}.{axis}.{keepdims}".replace(" ", ""), "norm", [x],
            lambda a: np.asarray(np.linalg.norm(a, ordv(ord), axis, keepdims)), **args)

    v = general((7,), "float64")
    for o in vec_ords:
        norm_case("vec", v, o, None, False)
    for dt in dtypes:
        m = general((3, 4), dt)
        for o in mat_ords:
            norm_case(f"mat.{dt}", m, o, None, False)
            norm_case(f"mat.{dt}", m, o, None, True)
    t3 = general((2, 3, 4), "float64")
    norm_case("t3", t3, None, None, False)
    norm_case("t3", t3, None, None, True)
    norm_case("t3bad", t3, 1, None, False)
    for o in vec_ords:
        norm_case("t3", t3, o, 1, False)
        norm_case("t3", t3, o, -1, True)
    for o in mat_ords:
        norm_case("t3", t3, o, (2, 0), False)
        norm_case("t3", t3, o, (0, 1), True)
    norm_case("vecfro", v, "fro", None, False)
    norm_case("badmat", general((3, 3), "float64"), 3, None, False)

    # cond
    for dt in ["float64", "float32"]:
        x = general((2, 3, 3), dt)
        for o in [None, "fro", "nuc", "inf", "-inf", 1, -1, 2, -2]:
            args = {} if o is None else {"ord": o}
            add(f"{dt}.{o}", "cond", [x], lambda a, o=o: np.asarray(np.linalg.cond(a, ordv(o))),
                **args)
    add("rect", "cond", [general((3, 5), "float64")], lambda a: np.asarray(np.linalg.cond(a)))
    add("singular.fro", "cond", [sing], lambda a: np.asarray(np.linalg.cond(a, "fro")),
        ord="fro")
    add("empty", "cond", [np.zeros((0, 0))], lambda a: np.asarray(np.linalg.cond(a)))

    # multi_dot: the dynamic programme's order; 1-D ends
    shapes = [[(10, 30), (30, 5), (5, 60)], [(7,), (7, 3), (3, 9), (9, 2)],
              [(4, 8), (8, 2), (2, 6), (6, 3), (3,)], [(5,), (5, 4), (4, 6), (6,)],
              [(2, 3), (3, 4), (4, 5), (5, 6), (6, 1)]]
    for i, ss in enumerate(shapes):
        for dt in ["float64", "int64"]:
            xs = [general(s, dt) for s in ss]
            add(f"{dt}.{i}", "multi_dot", xs, lambda *xs: np.linalg.multi_dot(xs))

    # linalg.trace (the last two axes)
    t = general((2, 3, 4), "int64")
    for off in [0, 1, -1, 5]:
        add(f"int.{off}", "trace", [t], lambda a, o=off: np.linalg.trace(a, offset=o), offset=off)
    add("f32", "trace", [general((4, 4), "float32")], lambda a: np.linalg.trace(a), offset=0)
    add("1d", "trace", [np.ones(3)], lambda a: np.linalg.trace(a), offset=0)
    cross_cases(g)


def _lstsq(a, b, rcond):
    r = np.linalg.lstsq(a, b, rcond=rcond)
    return type("L", (), {"x": r[0], "residuals": r[1], "rank": r[2], "s": r[3]})


def cross_cases(g):
    """np.linalg.cross: 3-vectors, broadcasting, integer and float, wrong lengths."""
    rng = np.random.default_rng(SEED + 82)
    pairs = [((3,), (3,)), ((4, 3), (3,)), ((2, 1, 3), (5, 3)), ((0, 3), (3,))]
    for dt in ["float64", "float32", "int64"]:
        for sa, sb in pairs:
            a = rng.integers(-9, 10, sa).astype(dt)
            b = rng.integers(-9, 10, sb).astype(dt)
            if dt.startswith("float"):
                a, b = a + rng.random(sa).astype(dt), b + rng.random(sb).astype(dt)
            g.add(f"nplinalg.cross.{dt}.{tag(sa)}.{tag(sb)}", "nplinalg", "cross", [a, b],
                  np.linalg.cross)
    g.add("nplinalg.cross.two", "nplinalg", "cross", [np.ones(2), np.ones(3)], np.linalg.cross)
