"""Golden family `cfma`: complex `multiply` and `absolute`, whose NumPy loops (x86-64, FMA
builds) round `re = fma(ar, br, -(ai bi))`, `im = fma(ar, bi, ai br)` and `sqrt(fma(r, r, 1))`
once, on values where one rounding and two differ: products of nearly cancelling parts,
random parts with full mantissas, products that overflow alone but not inside the fma, and
magnitudes whose ratio form rounds differently, for complex64 and complex128, contiguous,
strided, both operand orders (NumPy's product is not commutative in the last bit) and with a
weak complex scalar on either side. Exact (bit-for-bit) against NumPy. Checked by
tests/golden_parts/complex.rs (kind `complex`: the functions are that family's)."""

import numpy as np

from gen_golden import EXACT, SEED

CDTYPES = ["complex64", "complex128"]


def family(g):
    rng = np.random.default_rng(SEED + 131)

    def full(n, dt, scale=1.0):
        # Parts with full mantissas (no rounding to decimals): the products' low bits matter.
        re = rng.normal(size=n) * scale
        im = rng.normal(size=n) * scale
        return (re + 1j * im).astype(dt)

    for dt in CDTYPES:
        fdt = np.float32 if dt == "complex64" else np.float64
        # (1 + e)(1 - e) - 1 = -e^2 exactly, 0 in two roundings; scaled by powers of two.
        e = fdt(2.0 ** -13) if dt == "complex64" else 2.0 ** -30
        one = fdt(1.0)
        k = np.arange(-8, 9)
        scale = np.ldexp(np.ones(k.size), k).astype(fdt)
        a = ((one + e) * scale + 1j * scale).astype(dt)
        b = ((one - e) + 1j * np.ones(k.size, dtype=fdt)).astype(dt)
        g.add(f"cfma.multiply.cancel.{dt}", "complex", "multiply", [a, b], np.multiply, tol=EXACT)
        # Random parts: contiguous, and every other element of a longer array.
        x, y = full(1000, dt), full(1000, dt)
        g.add(f"cfma.multiply.random.{dt}", "complex", "multiply", [x, y], np.multiply,
              tol=EXACT)
        g.add(f"cfma.multiply.strided.{dt}", "complex", "multiply", [x[::2], y[1::2]],
              np.multiply, tol=EXACT)
        # Nearly conjugate pairs: ar br ~ ai bi, the real part cancels.
        w = (x.conj() * (one + fdt(2.0 ** -20))).astype(dt)
        g.add(f"cfma.multiply.cancelling.{dt}", "complex", "multiply", [x, w], np.multiply,
              tol=EXACT)
        # Huge parts: one product overflows, the fma's exact sum may not.
        big = np.finfo(fdt).max / 4
        h = (full(64, dt) * fdt(big)).astype(dt)
        g.add(f"cfma.multiply.huge.{dt}", "complex", "multiply", [h, full(64, dt) * 4],
              np.multiply, tol=EXACT)
        # A weak complex scalar, on either side (the two orders differ in the last bit).
        z = complex(0.1, -1.0 / 3.0)
        g.add(f"cfma.multiply_weak.right.{dt}", "complex", "multiply_weak_right", [x],
              lambda v: v * z, args={"re": z.real, "im": z.imag}, tol=EXACT)
        g.add(f"cfma.multiply_weak.left.{dt}", "complex", "multiply_weak_left", [x],
              lambda v: z * v, args={"re": z.real, "im": z.imag}, tol=EXACT)
        # Array operands in both orders.
        g.add(f"cfma.multiply.swapped.{dt}", "complex", "multiply", [y, x], np.multiply,
              tol=EXACT)
        # absolute: random full-mantissa parts of several sizes, and nearly equal parts.
        for name, v in [("random", full(1000, dt)),
                        ("tiny", full(200, dt, np.finfo(fdt).tiny)),
                        ("large", full(200, dt, np.finfo(fdt).max / 8)),
                        ("near", (x.real * (1 + 1j * (one - fdt(2.0 ** -12)))).astype(dt))]:
            g.add(f"cfma.absolute.{name}.{dt}", "complex", "absolute", [v], np.absolute,
                  tol=EXACT)
            g.add(f"cfma.absolute.strided.{name}.{dt}", "complex", "absolute", [v[::3]],
                  np.absolute, tol=EXACT)
