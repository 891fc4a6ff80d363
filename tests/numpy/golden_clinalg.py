"""Golden family `clinalg`: numpy.linalg for complex inputs (issue 8). det, slogdet (complex
sign, real logabsdet), inv, solve (complex and mixed real/complex operands), cholesky (lower /
upper, Hermitian read from one triangle), eigvalsh / eigh (real eigenvalues, |eigenvectors|),
eigvals / eig (eigenvalues sorted: NumPy does not fix their order), svd (s, |u|, |vh| and
u @ (s * vh)), svdvals, qr (|r|, |q|), pinv, lstsq (x, residuals, rank, s), matrix_rank,
matrix_power, norm (vector and matrix orders), cond, multi_dot, over complex128 and complex64,
stacks and empty matrices, and the errors NumPy raises. Quantities that are unique only up to a
unit phase per vector are compared through phase-invariant forms (moduli, products); the rest
of the vectors' properties are checked by tests/linalg_complex.rs. Checked by
tests/golden_parts/clinalg.rs."""

import sys

import numpy as np

from gen_golden import SEED

# Factorisations: LAPACK and faer round differently; the inputs are well conditioned.
CLINALG = "clinalg"


def _register_tolerance():
    # gen_golden runs as __main__, so `from gen_golden import` reads a second copy of it: the
    # tolerance goes into the table of whichever copy records the cases.
    for name in ("__main__", "gen_golden"):
        mod = sys.modules.get(name)
        if mod is not None and hasattr(mod, "TOLERANCES"):
            mod.TOLERANCES[CLINALG] = {"float32": (2e-5, 1e-5), "float64": (1e-9, 1e-11)}


def tag(shape):
    return "x".join(map(str, shape)) or "0d"


def family(g):
    _register_tolerance()
    rng = np.random.default_rng(SEED + 97)

    def general(shape, dt):
        """Well-conditioned complex square matrices (random + 3n * I) or any-shape random
        complex ones; real dtypes give real random arrays (for mixed operands)."""
        x = rng.standard_normal(shape)
        if dt.startswith("complex"):
            x = x + 1j * rng.standard_normal(shape)
        if len(shape) >= 2 and shape[-1] == shape[-2] and shape[-1] > 0:
            n = shape[-1]
            x = x + 3 * n * np.eye(n)
        return x.astype(dt)

    def hpd(shape, dt):
        x = general(shape, "complex128")
        n = shape[-1]
        x = x @ np.conj(np.swapaxes(x, -1, -2)) + n * np.eye(n)
        return x.astype(dt)

    def add(name, fn, inputs, compute, **args):
        g.add(f"clinalg.{fn}.{name}", "clinalg", fn, inputs, compute, args=args, tol=CLINALG)

    square = [(3, 3), (1, 1), (2, 4, 4), (0, 0), (2, 0, 0)]
    dtypes = ["complex128", "complex64"]

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
    sing = np.array([[1 + 1j, 2 + 2j], [1.0, 2.0]])
    add("singular", "det", [sing], np.linalg.det)
    add("singular.sign", "slogdet", [sing], lambda a: np.linalg.slogdet(a).sign, out="sign")
    add("singular.log", "slogdet", [sing], lambda a: np.linalg.slogdet(a).logabsdet,
        out="logabsdet")
    add("singular", "inv", [sing], np.linalg.inv)
    add("stack_singular", "inv", [np.stack([np.eye(2, dtype=complex), sing])], np.linalg.inv)
    for fn in ["inv", "det", "cholesky", "eigvalsh", "svdvals", "eigvals"]:
        f = getattr(np.linalg, fn)
        add("nonsquare", fn, [general((2, 3), "complex128")], f)
        add("1d", fn, [general((3,), "complex128")], f)

    # solve, with mixed real / complex operands and their promotion
    solves = [((3, 3), (3,)), ((3, 3), (3, 2)), ((2, 3, 3), (3,)), ((2, 3, 3), (2, 3, 1)),
              ((1, 1), (1,)), ((0, 0), (0,))]
    for dt in dtypes:
        for sa, sb in solves:
            a, b = general(sa, dt), general(sb, dt)
            add(f"{dt}.{tag(sa)}.{tag(sb)}", "solve", [a, b], np.linalg.solve)
    for da, db in [("float64", "complex128"), ("complex128", "float64"),
                   ("float32", "complex64"), ("complex64", "float32"),
                   ("float64", "complex64"), ("complex64", "float64"),
                   ("int64", "complex64"), ("complex64", "complex128")]:
        a = general((3, 3), da) if da != "int64" else np.array([[4, 1, 0], [1, 5, 2], [0, 1, 6]])
        add(f"mixed.{da}.{db}", "solve", [a, general((3, 2), db)], np.linalg.solve)
    add("singular", "solve", [sing, np.ones(2, complex)], np.linalg.solve)

    # cholesky: Hermitian positive definite; the other triangle (and the diagonal's imaginary
    # part) is not read
    for dt in dtypes:
        for shape in [(3, 3), (1, 1), (2, 4, 4), (0, 0)]:
            x = hpd(shape, dt)
            for upper in [False, True]:
                add(f"{dt}.{tag(shape)}.{upper}", "cholesky", [x],
                    lambda a, u=upper: np.linalg.cholesky(a, upper=u), upper=upper)
    x = hpd((3, 3), "complex128")
    noise = general((3, 3), "complex128")
    lower_only = np.tril(x) + np.triu(noise, 1) + 1j * np.diag([0.5, -2.0, 7.0])
    upper_only = np.triu(x) + np.tril(noise, -1)
    add("reads_lower", "cholesky", [lower_only], lambda a: np.linalg.cholesky(a), upper=False)
    add("reads_upper", "cholesky", [upper_only], lambda a: np.linalg.cholesky(a, upper=True),
        upper=True)
    add("notpd", "cholesky", [np.array([[1.0, 2j], [-2j, 1.0]])], np.linalg.cholesky,
        upper=False)

    # eigvalsh / eigh: general complex arrays, of which one triangle is read
    for dt in dtypes:
        for shape in [(3, 3), (1, 1), (2, 5, 5), (0, 0)]:
            x = general(shape, dt)
            for uplo in ["L", "U"]:
                t = f"{dt}.{tag(shape)}.{uplo}"
                add(t, "eigvalsh", [x], lambda a, u=uplo: np.linalg.eigvalsh(a, UPLO=u),
                    uplo=uplo)
                add(t, "eigh", [x], lambda a, u=uplo: np.linalg.eigh(a, UPLO=u).eigenvalues,
                    uplo=uplo, out="eigenvalues")
                # random Hermitian matrices have distinct eigenvalues: |v| is unique
                add(t + ".absv", "eigh", [x],
                    lambda a, u=uplo: np.abs(np.linalg.eigh(a, UPLO=u).eigenvectors),
                    uplo=uplo, out="absv")

    # eigvals / eig: complex results always (even real eigenvalues), compared sorted
    def sorted_w(w):
        return np.sort(w, axis=-1)

    for dt in dtypes:
        for shape in [(3, 3), (1, 1), (2, 4, 4), (0, 0)]:
            x = general(shape, dt)
            t = f"{dt}.{tag(shape)}"
            add(t, "eigvals", [x], lambda a: sorted_w(np.linalg.eigvals(a)), out="sorted")
            add(t, "eig", [x], lambda a: sorted_w(np.linalg.eig(a).eigenvalues), out="sorted")
    realw = np.array([[2.0, 1.0], [0.0, 3.0]], dtype=complex)
    add("real_eigenvalues", "eigvals", [realw], lambda a: sorted_w(np.linalg.eigvals(a)),
        out="sorted")
    add("nan", "eigvals", [np.array([[np.nan, 0], [0, 1]], dtype=complex)], np.linalg.eigvals,
        out="sorted")

    # svd: s, |u|, |vh| (unique for distinct singular values: reduced factors only), and the
    # product u @ (s * vh), which is a again
    for dt in dtypes:
        for shape in [(3, 5), (5, 3), (4, 4), (2, 4, 3), (1, 1), (0, 3)]:
            x = general(shape, dt)
            t = f"{dt}.{tag(shape)}"
            add(t, "svdvals", [x], lambda a: np.linalg.svd(a, compute_uv=False))
            for full in [True, False]:
                add(f"{t}.{full}", "svd", [x],
                    lambda a, f=full: np.linalg.svd(a, full_matrices=f).S,
                    full_matrices=full, out="s")
            if 0 in shape:
                continue
            add(f"{t}.absu", "svd", [x], lambda a: np.abs(np.linalg.svd(a, False).U),
                full_matrices=False, out="absu")
            add(f"{t}.absvh", "svd", [x], lambda a: np.abs(np.linalg.svd(a, False).Vh),
                full_matrices=False, out="absvh")

            def usvh(a):
                u, s, vh = np.linalg.svd(a, False)
                return u @ (s[..., None] * vh)
            add(f"{t}.usvh", "svd", [x], usvh, full_matrices=False, out="usvh")

    # qr: |r| for every mode, |q| for reduced
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

    # lstsq
    rankdef = np.array([[1.0, 2j], [2.0, 4j], [3.0, 6j]])
    systems = [("over_vec", general((6, 3), "complex128"), general((6,), "complex128")),
               ("over_mat", general((6, 3), "complex128"), general((6, 2), "complex128")),
               ("under", general((3, 5), "complex128"), general((3, 2), "complex128")),
               ("square", general((3, 3), "complex128"), general((3,), "complex128")),
               ("rankdef", rankdef, np.array([1.0, 2j, 4.0])),
               ("c64", general((5, 2), "complex64"), general((5,), "complex64")),
               ("real_a", general((5, 2), "float64"), general((5,), "complex128")),
               ("real_b", general((5, 2), "complex64"), general((5,), "float32"))]
    for name, a, b in systems:
        for i, out in enumerate(["x", "residuals", "rank", "s"]):
            add(f"{name}.{out}", "lstsq", [a, b],
                lambda a, b, i=i: np.asarray(np.linalg.lstsq(a, b)[i]), out=out)

    # matrix_rank
    low = general((5, 2), "complex128") @ general((2, 4), "complex128")
    for name, x in [("full", general((4, 4), "complex128")), ("low", low),
                    ("stack", np.stack([low[:4], general((4, 4), "complex128")])),
                    ("c64", low.astype("complex64")), ("vec", np.array([0j, 1j])),
                    ("zerovec", np.zeros(3, complex)), ("zeros", np.zeros((3, 3), complex))]:
        add(name, "matrix_rank", [x], lambda a: np.asarray(np.linalg.matrix_rank(a)))

    # matrix_power
    for dt in dtypes:
        x = general((2, 3, 3), dt) / 9
        for p in [0, 1, 2, 6, -1, -3]:
            add(f"{dt}.{p}", "matrix_power", [x], lambda a, p=p: np.linalg.matrix_power(a, p),
                n=p)

    # norm: vector orders use |z|
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

    v = general((7,), "complex128")
    v[2] = 0
    for o in vec_ords:
        norm_case("vec", v, o, None, False)
    for dt in dtypes:
        m = general((3, 4), dt)
        for o in mat_ords:
            norm_case(f"mat.{dt}", m, o, None, False)
    t3 = general((2, 3, 4), "complex128")
    norm_case("t3", t3, None, None, False)
    for o in vec_ords:
        norm_case("t3", t3, o, 1, False)
    for o in mat_ords:
        norm_case("t3", t3, o, (2, 0), False)
        norm_case("t3", t3, o, (0, 1), True)

    # cond
    for dt in dtypes:
        x = general((2, 3, 3), dt)
        for o in [None, "fro", "nuc", "inf", "-inf", 1, -1, 2, -2]:
            args = {} if o is None else {"ord": o}
            add(f"{dt}.{o}", "cond", [x], lambda a, o=o: np.asarray(np.linalg.cond(a, ordv(o))),
                **args)
    add("rect", "cond", [general((3, 5), "complex128")], lambda a: np.asarray(np.linalg.cond(a)))
    add("singular.fro", "cond", [sing], lambda a: np.asarray(np.linalg.cond(a, "fro")),
        ord="fro")

    # multi_dot, with a real operand in the chain
    chain = [general((4, 6), "complex128"), general((6, 2), "float64"),
             general((2, 5), "complex128"), general((5,), "complex128")]
    add("chain", "multi_dot", chain, lambda *a: np.linalg.multi_dot(a))
    chain = [general((3,), "complex64"), general((3, 4), "complex64"), general((4, 2), "complex64")]
    add("c64", "multi_dot", chain, lambda *a: np.linalg.multi_dot(a))
