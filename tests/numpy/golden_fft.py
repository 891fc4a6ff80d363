"""Golden family `fft`: np.fft.fftfreq / rfftfreq (odd and even n, negative and fractional d,
the n = 0 error) and fftshift / ifftshift (0-d to 3-d, odd and even lengths, every axes form,
an integer dtype). Checked by tests/golden_parts/fft.rs.

Run as a script (`python3 tests/numpy/golden_fft.py`) it also writes the slice-level goldens
of the numcrane-fft crate, crates/numcrane-fft/tests/data/numpy_golden.json: NumPy's fft,
ifft, rfft, irfft, hfft, ihfft, fftn, ifftn, fft2, rfftn, irfftn over float32 and float64
inputs, every norm, `n` / `s` padding and truncation, and their errors. Complex arrays are
stored as re/im pairs (a trailing axis of 2), since the golden harness above holds no complex
arrays. Deterministic (fixed seed)."""

import json
from pathlib import Path

import numpy as np

from gen_golden import SEED


def family(g):
    rng = np.random.default_rng(SEED + 88)
    for n in [0, 1, 2, 5, 8, 9]:
        for d in [1.0, 0.1, -2.0, 0.0]:
            for fn in ["fftfreq", "rfftfreq"]:
                g.add(f"fft.{fn}.n{n}.d{d}", "fft", fn, [],
                      lambda f=getattr(np.fft, fn), n=n, d=d: f(n, d),
                      args={"n": n, "d": d})
    shapes = [(), (1,), (4,), (7,), (3, 4), (5, 2), (2, 3, 5), (0, 3)]
    for shape in shapes:
        for dt in ["float64", "int32"]:
            x = (rng.integers(-50, 50, shape) * 0.5).astype(dt)
            nd = len(shape)
            axes_forms = [None] + ([[0], [-1], list(range(nd))[::-1]] if nd else [])
            if nd >= 2:
                axes_forms.append([0, 0])
            for ai, axes in enumerate(axes_forms):
                tag = "x".join(map(str, shape)) or "0d"
                at = "all" if axes is None else f"a{ai}_" + "_".join(map(str, axes))
                for fn in ["fftshift", "ifftshift"]:
                    g.add(f"fft.{fn}.{dt}.{tag}.{at}", "fft", fn, [x],
                          lambda a, f=getattr(np.fft, fn), ax=axes:
                              f(a, axes=None if ax is None else tuple(ax)),
                          args={"axes": axes})
    x = np.arange(6.0).reshape(2, 3)
    g.add("fft.fftshift.bad_axis", "fft", "fftshift", [x],
          lambda a: np.fft.fftshift(a, axes=(2,)), args={"axes": [2]})


def pairs(a):
    """A complex (or real) array as float64 re/im pairs, flattened."""
    a = np.asarray(a)
    if np.iscomplexobj(a):
        return np.stack([a.real, a.imag], axis=-1).astype(np.float64).ravel().tolist()
    return a.astype(np.float64).ravel().tolist()


def crate_goldens():
    rng = np.random.default_rng(SEED + 89)
    cases = []

    def add(fn, x, **kw):
        case = {"fn": fn, "dtype": "f32" if x.dtype in (np.float32, np.complex64) else "f64",
                "complex_in": bool(np.iscomplexobj(x)), "shape": list(x.shape),
                "input": pairs(x), "n": kw.get("n"), "axis": kw.get("axis", -1),
                "s": kw.get("s"), "axes": kw.get("axes"), "norm": kw.get("norm") or "backward"}
        call = dict(kw)
        if "s" in call and call["s"] is not None:
            call["s"] = tuple(-1 if v is None else v for v in call["s"])
        if "axes" in call and call["axes"] is not None:
            call["axes"] = tuple(call["axes"])
        try:
            y = getattr(np.fft, fn)(x, **call)
            case.update(error=None, out_shape=list(y.shape), output=pairs(y),
                        out_dtype=y.dtype.name)
        except Exception as e:  # NumPy's error becomes the expected message
            case.update(error=str(e), out_shape=None, output=None, out_dtype=None)
        cases.append(case)

    def real(shape, dt=np.float64):
        return rng.standard_normal(shape).astype(dt)

    def cplx(shape, dt=np.complex128):
        return (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)).astype(dt)

    for dt_r, dt_c in [(np.float64, np.complex128), (np.float32, np.complex64)]:
        for length in [1, 2, 3, 7, 8, 16, 17, 31, 60]:
            for norm in ["backward", "ortho", "forward"]:
                add("fft", cplx(length, dt_c), norm=norm)
                add("ifft", cplx(length, dt_c), norm=norm)
                add("rfft", real(length, dt_r), norm=norm)
                add("ihfft", real(length, dt_r), norm=norm)
                if length > 1:
                    add("irfft", cplx(length, dt_c), norm=norm)
                    add("hfft", cplx(length, dt_c), norm=norm)
        for n in [1, 5, 12, 13]:
            add("fft", cplx(8, dt_c), n=n)
            add("rfft", real(8, dt_r), n=n, norm="ortho")
            add("irfft", cplx(5, dt_c), n=n)
            add("hfft", cplx(5, dt_c), n=n, norm="forward")
        add("fft", cplx((3, 5), dt_c), axis=0)
        add("irfft", cplx((4, 3), dt_c), axis=0, n=7)
        add("rfft", real((2, 3, 6), dt_r), axis=1)
        add("fftn", cplx((3, 4, 5), dt_c))
        add("ifftn", cplx((3, 4, 5), dt_c), norm="ortho")
        add("fftn", cplx((3, 4, 5), dt_c), s=[2, 6], axes=[0, 2])
        add("fft2", cplx((2, 3, 4), dt_c))
        add("ifft2", cplx((4, 3), dt_c), s=[5, None], norm="forward")
        add("rfftn", real((3, 4, 6), dt_r))
        add("rfftn", real((3, 4), dt_r), axes=[0])
        add("irfftn", cplx((3, 4, 4), dt_c))
        add("irfftn", cplx((3, 4), dt_c), s=[3, 7])
    # Errors: zero points, an empty lane, irfft of one term, a bad axis, s/axes lengths.
    add("fft", cplx(0))
    add("fft", cplx(4), n=0)
    add("irfft", cplx(1))
    add("rfft", real(4), axis=1)
    add("fftn", cplx((2, 2)), s=[2], axes=[0, 1])
    out = Path(__file__).resolve().parents[2] / "crates/numcrane-fft/tests/data/numpy_golden.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"numpy": np.__version__, "cases": cases}) + "\n")
    print(f"wrote {len(cases)} cases to {out}")


if __name__ == "__main__":
    crate_goldens()
