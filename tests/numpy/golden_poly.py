"""Golden family `poly`: np.polyval (Python-float and array coefficients, float64 / float32 /
int / bool x, empty p), np.polyfit (1-D and 2-D y, weights, cov=True / "unscaled", full=True's
residuals and singular values, rcond, rank-deficient fits, the argument errors), the
coefficient functions polyadd / polysub / polymul / polydiv / polyder / polyint, and poly1d's
arithmetic, deriv, integ, pow and evaluation. Real cases only (np.roots, complex, is checked
by tests/poly.rs against tests/spectral_golden/roots.json). Checked by tests/golden_parts/poly.rs."""

import numpy as np

from gen_golden import REDUCTION, SEED


def family(g):
    rng = np.random.default_rng(SEED + 90)
    ps = [[], [2.5], [1.0, -2.0], [3.0, 0.0, -1.0, 0.5], [0.0, 1e3, -2.5e-3, 7.0, 1.0]]
    xs = {"f64": rng.standard_normal(7), "f32": rng.standard_normal((2, 3)).astype(np.float32),
          "i32": np.arange(-3, 3, dtype=np.int32), "bool": np.array([True, False]),
          "0d": np.array(1.5)}
    for pi, p in enumerate(ps):
        for xn, x in xs.items():
            g.add(f"poly.polyval.p{pi}.{xn}", "poly", "polyval", [x],
                  lambda a, p=p: np.polyval(p, a), args={"p": p}, tol=REDUCTION)
            if p:
                parr = np.asarray(p)
                g.add(f"poly.polyval_array.p{pi}.{xn}", "poly", "polyval_array", [parr, x],
                      lambda c, a: np.polyval(c, a), tol=REDUCTION)
    g.add("poly.polyval_array.int_p.f32", "poly", "polyval_array",
          [np.array([2, -1, 3], dtype=np.int32), xs["f32"]], lambda c, a: np.polyval(c, a),
          tol=REDUCTION)

    x = np.linspace(-2, 3, 12)
    y1 = 0.5 * x**3 - x + 2 + 0.1 * rng.standard_normal(12)
    y2 = np.stack([y1, np.cos(x)], axis=1)
    w = rng.random(12) + 0.5
    fits = [("deg1", x, y1, 1, {}), ("deg3", x, y1, 3, {}), ("deg3_w", x, y1, 3, {"w": w}),
            ("deg2_2d", x, y2, 2, {}), ("deg2_2d_w", x, y2, 2, {"w": w}),
            ("deg0", x, y1, 0, {}), ("interp", x[:4], y1[:4], 3, {}),
            ("f32", x.astype(np.float32), y1.astype(np.float32), 2, {}),
            ("rcond", x, y1, 2, {"rcond": 1e-3}),
            ("repeated_x", np.repeat(x[:3], 4), np.repeat(y1[:3], 4), 4, {})]
    for name, xa, ya, deg, kw in fits:
        ins = [xa, ya] + ([kw["w"]] if "w" in kw else [])
        args = {"deg": deg, "rcond": kw.get("rcond"), "w": "w" in kw}

        def fit(*a, deg=deg, kw=kw, **extra):
            opts = {"rcond": kw.get("rcond")}
            if "w" in kw:
                opts["w"] = a[2]
            return np.polyfit(a[0], a[1], deg, **opts, **extra)

        g.add(f"poly.polyfit.{name}.coeffs", "poly", "polyfit", ins, lambda *a, f=fit: f(*a),
              args={**args, "out": "coeffs"}, tol=REDUCTION)
        g.add(f"poly.polyfit.{name}.residuals", "poly", "polyfit", ins,
              lambda *a, f=fit: f(*a, full=True)[1], args={**args, "out": "residuals"}, tol=REDUCTION)
        g.add(f"poly.polyfit.{name}.s", "poly", "polyfit", ins,
              lambda *a, f=fit: f(*a, full=True)[3], args={**args, "out": "s"}, tol=REDUCTION)
        for cov in [True, "unscaled"]:
            if name in ("repeated_x",):
                continue
            g.add(f"poly.polyfit.{name}.cov_{cov}", "poly", "polyfit", ins,
                  lambda *a, f=fit, c=cov: f(*a, cov=c)[1],
                  args={**args, "out": "cov", "cov": str(cov)}, tol=REDUCTION)
    bad = [("x2d", np.ones((3, 2)), np.ones(3)), ("xempty", np.ones(0), np.ones(0)),
           ("len", np.ones(3), np.ones(4)), ("y3d", np.ones(2), np.ones((2, 1, 1)))]
    for name, xa, ya in bad:
        g.add(f"poly.polyfit.err_{name}", "poly", "polyfit", [xa, ya],
              lambda a, b: np.polyfit(a, b, 1), args={"deg": 1, "rcond": None, "w": False,
                                                      "out": "coeffs"})
    g.add("poly.polyfit.err_cov_too_few", "poly", "polyfit", [x[:3], y1[:3]],
          lambda a, b: np.polyfit(a, b, 2, cov=True)[1],
          args={"deg": 2, "rcond": None, "w": False, "out": "cov", "cov": "True"})

    coeffs = [[1.0, 2.0, 3.0], [4.0, -1.0], [2.0], [0.0, 1.0, 0.5], [1e-9, 3.0, -2.0, 1.0]]
    for i, a in enumerate(coeffs):
        for j, b in enumerate(coeffs):
            A, B = np.array(a), np.array(b)
            for fn in ["polyadd", "polysub", "polymul"]:
                g.add(f"poly.{fn}.{i}_{j}", "poly", fn, [A, B], getattr(np, fn), tol=REDUCTION)
            g.add(f"poly.polydiv_q.{i}_{j}", "poly", "polydiv_q", [A, B],
                  lambda u, v: np.polydiv(u, v)[0], tol=REDUCTION)
            g.add(f"poly.polydiv_r.{i}_{j}", "poly", "polydiv_r", [A, B],
                  lambda u, v: np.polydiv(u, v)[1], tol=REDUCTION)
        for m in [0, 1, 2, 4]:
            g.add(f"poly.polyder.{i}.m{m}", "poly", "polyder", [np.array(a)],
                  lambda p, m=m: np.polyder(p, m), args={"m": m}, tol=REDUCTION)
            for k in [[], [1.5], [1.0, -2.0, 3.0, 0.5]]:
                g.add(f"poly.polyint.{i}.m{m}.k{len(k)}", "poly", "polyint", [np.array(a)],
                      lambda p, m=m, k=k: np.polyint(p, m, k if k else None),
                      args={"m": m, "k": k}, tol=REDUCTION)
    for i, a in enumerate(coeffs):
        P = np.poly1d(a)
        Q = np.poly1d(coeffs[(i + 1) % len(coeffs)])
        A = np.array(a)
        B = np.array(coeffs[(i + 1) % len(coeffs)])
        for op, f in [("add", lambda p, q: (p + q).coeffs), ("sub", lambda p, q: (p - q).coeffs),
                      ("mul", lambda p, q: (p * q).coeffs), ("div_q", lambda p, q: (p / q)[0].coeffs),
                      ("div_r", lambda p, q: (p / q)[1].coeffs),
                      ("deriv", lambda p, q: p.deriv(2).coeffs),
                      ("integ", lambda p, q: p.integ(2, k=[1.0, 2.0]).coeffs),
                      ("pow", lambda p, q: (p ** 3).coeffs), ("scale", lambda p, q: (p * 2.5).coeffs),
                      ("neg", lambda p, q: (-p).coeffs),
                      ("call", lambda p, q: p(np.linspace(-1, 1, 5)))]:
            g.add(f"poly.poly1d.{op}.{i}", "poly", "poly1d", [A, B],
                  lambda a, b, f=f: f(np.poly1d(a), np.poly1d(b)), args={"op": op}, tol=REDUCTION)
        del P, Q
