"""NumPy goldens of the complex-valued results that the array golden harness
(tests/numpy/gen_golden.py) cannot hold yet: np.linalg.eigvals of real matrices, written to
crates/numcrane-linalg/tests/data/eig_golden.json, and np.roots, written to
tests/spectral_golden/roots.json. Complex values are [re, im] pairs, sorted by (re, im) since
neither function fixes an order. Deterministic; run `python3 tests/numpy/gen_spectral_golden.py`."""

import json
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]


def sorted_pairs(w):
    w = np.asarray(w, dtype=complex)
    return sorted([[float(z.real), float(z.imag)] for z in w])


def eig_cases():
    rng = np.random.default_rng(2026)
    th = 0.7
    mats = {
        "rotation": [[np.cos(th), -np.sin(th)], [np.sin(th), np.cos(th)]],
        "quarter_turn": [[0.0, -1.0], [1.0, 0.0]],
        "defective_jordan": [[2.0, 1.0], [0.0, 2.0]],
        "defective_3": [[1.0, 1.0, 0.0], [0.0, 1.0, 1.0], [0.0, 0.0, 1.0]],
        "symmetric": (lambda a: a + a.T)(rng.standard_normal((5, 5))).tolist(),
        "random_6": rng.standard_normal((6, 6)).tolist(),
        "random_9": rng.standard_normal((9, 9)).tolist(),
        "triangular": np.triu(rng.standard_normal((4, 4))).tolist(),
        "one": [[3.5]],
        "zero_3": np.zeros((3, 3)).tolist(),
        "companion": [[0, 0, -6.0], [1, 0, 11.0], [0, 1, -6.0]],
        "block_rotations": [[0, -2.0, 0, 0], [2.0, 0, 0, 0], [0, 0, 1.0, -1.0], [0, 0, 1.0, 1.0]],
    }
    cases = []
    for name, m in mats.items():
        a = np.asarray(m, dtype=np.float64)
        w = np.linalg.eigvals(a)
        cases.append({"name": name, "n": a.shape[0], "a": a.ravel().tolist(),
                      "values": sorted_pairs(w), "all_real": bool(np.isrealobj(w)),
                      "defective": name.startswith("defective")})
    return cases


def roots_cases():
    polys = {
        "quadratic_real": [1.0, -3.0, 2.0],
        "quadratic_complex": [1.0, 0.0, 1.0],
        "cubic": [1.0, -6.0, 11.0, -6.0],
        "leading_zeros": [0.0, 0.0, 2.0, -4.0],
        "trailing_zeros": [1.0, -1.0, 0.0, 0.0],
        "both_zeros": [0.0, 3.0, 0.0, -3.0, 0.0],
        "constant": [5.0],
        "all_zero": [0.0, 0.0],
        "empty": [],
        "linear": [2.0, 1.0],
        "quintic": [1.0, 2.5, -3.0, 0.5, 7.0, -1.0],
        "double_root": [1.0, -4.0, 4.0],
        "unit_roots_6": [1.0, 0, 0, 0, 0, 0, -1.0],
    }
    return [{"name": k, "p": p, "roots": sorted_pairs(np.roots(p))} for k, p in polys.items()]


def main():
    out = ROOT / "crates/numcrane-linalg/tests/data/eig_golden.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"numpy": np.__version__, "cases": eig_cases()}, indent=1) + "\n")
    out = ROOT / "tests/spectral_golden/roots.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"numpy": np.__version__, "cases": roots_cases()}, indent=1) + "\n")


if __name__ == "__main__":
    main()
