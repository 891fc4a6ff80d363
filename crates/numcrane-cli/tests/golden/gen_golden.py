"""Writes the golden files of the numcrane command's tests (crates/numcrane-cli/tests/cli.rs).

The inputs (a, b, c, i .npy) and, for each case of cases.txt, NumPy's result of the expression
as NAME.npy. Run from anywhere: python3 crates/numcrane-cli/tests/golden/gen_golden.py
(needs NumPy 2). The expressions are evaluated with every NumPy name in scope, as the numcrane
command reads them (exp(x) and np.exp(x) both work).
"""

from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent


def inputs():
    rng = np.random.default_rng(20240604)
    return {
        "a": (rng.standard_normal((4, 6)) * 1.5).astype(np.float32),
        "b": rng.uniform(-1, 1, 6).astype(np.float32),
        "c": rng.standard_normal((3, 4, 5)),
        "i": rng.integers(-9, 10, (5, 4)).astype(np.int32),
    }


def cases():
    for line in (HERE / "cases.txt").read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, expr = (part.strip() for part in line.split("|", 1))
        yield name, expr


def main():
    data = inputs()
    for name, value in data.items():
        np.save(HERE / f"{name}.npy", value)
    scope = {k: getattr(np, k) for k in dir(np) if not k.startswith("_")}
    scope.update(np=np, abs=np.abs, **data)
    for name, expr in cases():
        result = np.asarray(eval(expr, scope))
        np.save(HERE / f"{name}.npy", result)
        print(f"{name:20} {result.dtype} {result.shape}")


if __name__ == "__main__":
    main()
