"""Writes tests/golden/random/: what NumPy's default_rng gives, for tests/random.rs.

Each case is a seed and a sequence of calls on one `np.random.default_rng(seed)`, so the
test checks both the values of each call and that the generator's state advances as
NumPy's does between calls (32-bit draws buffer half a 64-bit word across calls). Each
call's result goes to a .npy file, or, for long runs that exercise the rare rejection paths
of the ziggurats, to a digest: sum(bits[i] * (2 i + 1)) mod 2^64 over the raw bits of the
values, written in cases.json as a decimal string.

Run from the repository root: python3 tests/numpy/gen_random_golden.py
"""
import json
import os

import numpy as np

OUT = os.path.join("tests", "golden", "random")
SEEDS = [0, 1, 12345, 2**64 + 5]


def digest(a):
    bits = np.ascontiguousarray(a).view(np.uint32 if a.itemsize == 4 else np.uint64)
    bits = bits.ravel().astype(np.uint64)
    weights = (2 * np.arange(bits.size, dtype=np.uint64) + 1).astype(np.uint64)
    with np.errstate(over="ignore"):
        return str(int((bits * weights).sum(dtype=np.uint64)))


def call(g, c):
    m, a, size = c["method"], c.get("args", {}), c.get("size")
    size = None if size is None else tuple(size)
    if isinstance(g, np.random.RandomState):
        if m == "rand":
            return g.rand(*size)
        if m == "randn":
            return g.randn(*size)
        if m == "randint":
            return g.randint(a["low"], a["high"], size)
        if m == "random_sample":
            return g.random_sample(size)
        if m == "normal":
            return g.normal(a["loc"], a["scale"], size)
        if m == "uniform":
            return g.uniform(a["low"], a["high"], size)
        raise ValueError(m)
    if m == "random":
        return g.random(size, dtype=a.get("dtype", "float64"))
    if m == "uniform":
        return g.uniform(a["low"], a["high"], size)
    if m == "integers":
        return g.integers(a["low"], a["high"], size, dtype=a.get("dtype", "int64"),
                          endpoint=a.get("endpoint", False))
    if m == "standard_normal":
        return g.standard_normal(size, dtype=a.get("dtype", "float64"))
    if m == "normal":
        return g.normal(a["loc"], a["scale"], size)
    if m == "standard_exponential":
        return g.standard_exponential(size, dtype=a.get("dtype", "float64"))
    if m == "exponential":
        return g.exponential(a["scale"], size)
    if m == "standard_gamma":
        return g.standard_gamma(a["shape"], size, dtype=a.get("dtype", "float64"))
    if m == "gamma":
        return g.gamma(a["shape"], a["scale"], size)
    if m == "beta":
        return g.beta(a["a"], a["b"], size)
    if m == "poisson":
        return g.poisson(a["lam"], size)
    if m == "binomial":
        return g.binomial(a["n"], a["p"], size)
    if m == "hypergeometric":
        return g.hypergeometric(a["ngood"], a["nbad"], a["nsample"], size)
    if m == "dirichlet":
        return g.dirichlet(a["alpha"], size)
    if m == "multinomial":
        return g.multinomial(a["n"], a["pvals"], size)
    if m == "lognormal":
        return g.lognormal(a["mean"], a["sigma"], size)
    if m == "laplace":
        return g.laplace(a["loc"], a["scale"], size)
    if m == "standard_t":
        return g.standard_t(a["df"], size)
    if m == "standard_cauchy":
        return g.standard_cauchy(size)
    if m in ("chisquare", "f", "pareto", "weibull", "power", "rayleigh", "gumbel", "logistic",
             "triangular", "wald", "geometric", "negative_binomial", "noncentral_chisquare",
             "noncentral_f", "logseries", "zipf", "vonmises"):
        return getattr(g, m)(*a["params"], size)
    if m == "spawn_random":
        # Children's first draws, one row per child; grandchildren of the first child if asked.
        kids = g.spawn(a["k"])
        if a.get("grand"):
            kids = kids[0].spawn(a["k"])
        return np.stack([k.random(a["m"]) for k in kids])
    if m == "array_params":
        return getattr(g, a["dist"])(*[np.array(x) for x in a["params"]], size)
    if m == "choice":
        return g.choice(a["a"], size, replace=a.get("replace", True), p=a.get("p"))
    if m == "choice_array":
        x = np.arange(np.prod(a["shape"]), dtype=np.float64).reshape(a["shape"]) * 0.5
        return g.choice(x, size, replace=a.get("replace", True), p=a.get("p"))
    if m == "choice_axis":
        x = np.arange(np.prod(a["shape"]), dtype=np.int64).reshape(a["shape"])
        return g.choice(x, size, replace=a.get("replace", True), p=a.get("p"), axis=a["axis"],
                        shuffle=a["shuffle"])
    if m == "permutation":
        return g.permutation(a["n"])
    if m == "permutation_array":
        x = np.arange(np.prod(a["shape"]), dtype=np.int64).reshape(a["shape"])
        return g.permutation(x, axis=a.get("axis", 0))
    if m == "permuted":
        x = np.arange(np.prod(a["shape"]), dtype=np.int64).reshape(a["shape"])
        return g.permuted(x, axis=a.get("axis"))
    if m == "shuffle":
        x = np.arange(np.prod(a["shape"]), dtype=np.int64).reshape(a["shape"])
        g.shuffle(x, axis=a.get("axis", 0))
        return x
    raise ValueError(m)


def c(method, size=None, **args):
    return {"method": method, "args": args, "size": size}


CASES = []
for s in [7, 12345]:
    CASES.append(("spawn", s, [
        c("random", [3]), c("spawn_random", k=3, m=4), c("integers", [3], low=0, high=10),
        c("spawn_random", k=2, m=3), c("spawn_random", k=2, m=2, grand=True), c("random", [2]),
    ]))
for s in SEEDS:
    CASES.append(("basic", s, [
        c("random", [300]), c("random", [7, 9], dtype="float32"), c("integers", [201], low=0, high=10),
        c("random", [5], dtype="float32"), c("standard_normal", [400]), c("uniform", [50], low=-2.5, high=3.0),
        c("standard_normal", [301], dtype="float32"), c("standard_exponential", [300]),
        c("standard_exponential", [201], dtype="float32"), c("normal", [3, 50], loc=3.0, scale=2.5),
        c("exponential", [100], scale=2.0), c("random", [1]),
    ]))
for s in [0, 12345]:
    CASES.append(("integers", s, [
        c("integers", [101], low=0, high=10), c("integers", [100], low=-5, high=5, endpoint=True),
        c("integers", [101], low=0, high=2**32), c("integers", [100], low=0, high=2**32 + 1),
        c("integers", [101], low=-2**63, high=2**63 - 1, endpoint=True), c("integers", [100], low=0, high=2**40),
        c("integers", [11], low=1000, high=1001), c("integers", [101], low=0, high=2**31, dtype="int32"),
        c("integers", [100], low=-2**31, high=2**31 - 1, endpoint=True, dtype="int32"),
        c("integers", [99], low=-7, high=7, dtype="int32"), c("integers", [100], low=3, high=3 * 2**61 + 1),
        c("integers", [], low=0, high=1000),
        c("integers", [37], low=-100, high=100, dtype="int8"), c("integers", [10], low=0, high=256, dtype="uint8"),
        c("integers", [30], low=-128, high=127, dtype="int8", endpoint=True),
        c("integers", [33], low=3, high=60000, dtype="uint16"), c("integers", [29], low=-5, high=5, dtype="int16"),
        c("integers", [20], low=0, high=65536, dtype="uint16"), c("integers", [70], low=0, high=2, dtype="bool"),
        c("integers", [5], low=1, high=2, dtype="bool"), c("integers", [25], low=0, high=2**32, dtype="uint32"),
        c("integers", [25], low=5, high=2**62, dtype="uint64"), c("integers", [7], low=0, high=9),
    ]))
    CASES.append(("choice", s, [
        c("choice", [20], a=5), c("choice", [5], a=10, replace=False), c("choice", [10], a=10, replace=False),
        c("choice", [1000], a=20000, replace=False), c("choice", [100], a=20000, replace=False),
        c("choice", [30], a=4, p=[0.1, 0.2, 0.3, 0.4]), c("choice", [4], a=6, replace=False, p=[0.05, 0.05, 0.3, 0.3, 0.2, 0.1]),
        c("choice", [3, 4], a=50), c("choice_array", [6], shape=[5, 3]), c("choice_array", [2, 2], shape=[7], replace=False),
        c("permutation", n=50), c("permutation", n=1000), c("permutation_array", shape=[4, 6], axis=1),
        c("permutation_array", shape=[7], axis=0), c("shuffle", shape=[5, 4], axis=0), c("shuffle", shape=[3, 8], axis=1),
        c("choice_axis", [3], shape=[4, 6], axis=1, replace=False, shuffle=False),
        c("choice_axis", [2, 2], shape=[4, 6], axis=1, replace=False, shuffle=True),
        c("choice_axis", [5], shape=[3, 4], axis=0, shuffle=False),
        c("choice_axis", [1500], shape=[20000], axis=0, replace=False, shuffle=False),
        c("choice_axis", [900], shape=[20000], axis=0, replace=False, shuffle=False),
        c("choice_axis", [3], shape=[2, 5], axis=-1, replace=False, p=[0.1, 0.2, 0.3, 0.2, 0.2], shuffle=False),
        c("choice", [], a=100), c("permuted", shape=[4, 5], axis=1), c("permuted", shape=[4, 5], axis=0),
        c("permuted", shape=[3, 4, 5], axis=1), c("permuted", shape=[3, 4]), c("permuted", shape=[9], axis=0),
    ]))
    CASES.append(("distributions", s, [
        c("standard_gamma", [200], shape=0.5), c("gamma", [200], shape=1.0, scale=2.0), c("gamma", [200], shape=3.0, scale=0.5),
        c("standard_gamma", [100], shape=0.0), c("standard_gamma", [150], shape=0.4, dtype="float32"),
        c("standard_gamma", [150], shape=2.5, dtype="float32"), c("standard_gamma", [20], shape=1.0, dtype="float32"), c("beta", [200], a=0.5, b=0.7), c("beta", [200], a=2.0, b=5.0),
        c("poisson", [200], lam=0.5), c("poisson", [200], lam=5.0), c("poisson", [200], lam=30.0), c("poisson", [200], lam=1e6),
        c("poisson", [10], lam=0.0),
        c("binomial", [200], n=10, p=0.3), c("binomial", [200], n=100, p=0.4), c("binomial", [200], n=100, p=0.9),
        c("binomial", [200], n=1000000, p=0.5), c("binomial", [20], n=5, p=1.0), c("binomial", [20], n=0, p=0.5),
        c("binomial", [200], n=70, p=0.02),
        c("multinomial", [50], n=20, pvals=[0.2, 0.3, 0.5]), c("multinomial", [20], n=1000, pvals=[0.1] * 10),
        c("lognormal", [200], mean=0.5, sigma=0.8), c("laplace", [200], loc=1.0, scale=2.0),
        c("standard_t", [200], df=3.0), c("standard_t", [200], df=0.7),
    ]))
    CASES.append(("more", s, [
        c("standard_cauchy", [100]), c("chisquare", [100], params=[3.0]), c("chisquare", [100], params=[0.6]),
        c("f", [100], params=[4.0, 7.0]), c("pareto", [100], params=[2.5]), c("weibull", [100], params=[1.5]),
        c("weibull", [10], params=[0.0]), c("power", [100], params=[0.7]), c("rayleigh", [100], params=[2.0]),
        c("gumbel", [100], params=[1.0, 2.0]), c("logistic", [100], params=[1.0, 2.0]),
        c("triangular", [100], params=[-1.0, 0.5, 3.0]), c("triangular", [50], params=[0.0, 0.0, 1.0]),
        c("wald", [100], params=[1.5, 2.0]), c("wald", [100], params=[0.7, 5.0]), c("geometric", [100], params=[0.6]), c("geometric", [100], params=[0.05]),
        c("geometric", [10], params=[1.0]), c("negative_binomial", [100], params=[3.0, 0.4]),
        c("negative_binomial", [100], params=[0.5, 0.02]),
        c("noncentral_chisquare", [100], params=[3.0, 2.0]), c("noncentral_chisquare", [100], params=[0.5, 2.0]),
        c("noncentral_chisquare", [20], params=[3.0, 0.0]), c("noncentral_f", [100], params=[3.0, 5.0, 1.5]),
        c("logseries", [100], params=[0.6]), c("logseries", [100], params=[0.995]), c("logseries", [5], params=[0.0]),
        c("hypergeometric", [100], ngood=7, nbad=5, nsample=4), c("hypergeometric", [100], ngood=7, nbad=5, nsample=9),
        c("hypergeometric", [100], ngood=300, nbad=200, nsample=100), c("hypergeometric", [100], ngood=20, nbad=5000, nsample=3000),
        c("hypergeometric", [100], ngood=10**8, nbad=10**8, nsample=10**7),
        c("dirichlet", [40], alpha=[0.5, 2.0, 3.5]), c("dirichlet", [40], alpha=[0.05, 0.02, 0.08, 0.01]),
        c("dirichlet", [10], alpha=[0.05, 0.0, 0.03]), c("dirichlet", [10], alpha=[1.0, 0.0, 2.0]),
        c("dirichlet", [3], alpha=[0.0, 0.0]), c("dirichlet", [3], alpha=[0.05, 0.0, 0.0]),
        c("dirichlet", [3], alpha=[0.0, 0.0, 0.05]), c("random", [2]),
        c("vonmises", [100], params=[0.5, 3.0]), c("vonmises", [100], params=[-2.0, 1e-9]),
        c("vonmises", [100], params=[1.0, 5e-6]), c("vonmises", [100], params=[3.0, 2e6]),
        c("zipf", [100], params=[2.0]), c("zipf", [100], params=[1.3]), c("zipf", [5], params=[2000.0]),
    ]))
# Long runs, compared by digest, that reach the tails and wedges of the ziggurats and the
# rarer branches of the rejection samplers.
DIGESTS = [
    c("random", [300001]), c("uniform", [70000], low=-3.0, high=5.0), c("random", [5], dtype="float32"),
    c("random", [200000]),
    c("standard_normal", [200000]), c("standard_normal", [200000], dtype="float32"),
    c("standard_exponential", [200000]), c("standard_exponential", [200000], dtype="float32"),
    c("standard_gamma", [50000], shape=0.3), c("standard_gamma", [50000], shape=2.5),
    c("standard_gamma", [50000], shape=0.3, dtype="float32"), c("standard_gamma", [50000], shape=7.5, dtype="float32"),
    c("poisson", [50000], lam=12.0), c("binomial", [50000], n=200, p=0.3), c("beta", [50000], a=0.4, b=0.6),
    c("integers", [100000], low=0, high=3 * 2**30),
    c("binomial", [20000], n=1000000, p=0.3), c("multinomial", [2000], n=100000, pvals=[0.2, 0.3, 0.1, 0.4]),
    c("hypergeometric", [30000], ngood=5000, nbad=300, nsample=1000),
    c("vonmises", [30000], params=[2.5, 0.7]), c("dirichlet", [10000], alpha=[0.04, 0.09, 0.02]),
    c("logseries", [30000], params=[0.9]), c("zipf", [30000], params=[1.5]),
    c("noncentral_chisquare", [30000], params=[0.7, 3.0]),
    c("geometric", [50000], params=[0.1]), c("wald", [50000], params=[3.0, 0.2]), c("negative_binomial", [20000], params=[5.0, 0.3]),
    c("choice", [20000], a=1000, p=[1 / 1000] * 1000),
]
# The legacy RandomState (MT19937): a case whose name starts with "legacy".
for s in [0, 5, 2**32 - 1]:
    CASES.append(("legacy", s, [
        c("rand", [3, 4]), c("randn", [7]), c("randint", [101], low=0, high=10), c("randn", [2, 3]),
        c("randint", [50], low=-3, high=2**40), c("randint", [20], low=0, high=2**32 + 1),
        c("random_sample", [5]), c("normal", [9], loc=1.0, scale=3.0), c("uniform", [9], low=2.0, high=-1.0),
        c("randint", [5], low=7, high=8), c("randn", [1]),
    ]))
CASES.append(("legacy_digests", 77, [dict(x, digest=True) for x in [
    c("randn", [100001]), c("rand", [100000]), c("randint", [100000], low=-5, high=1000),
]]))
# Array-valued parameters, broadcast together and against size.
for s in [0, 12345]:
    CASES.append(("arrays", s, [
        c("array_params", dist="normal", params=[[0.0, 10.0, 20.0], [[1.0], [2.0]]]),
        c("array_params", [4, 3], dist="normal", params=[[0.0, 10.0, 20.0], 0.5]),
        c("array_params", dist="uniform", params=[[0.0, -5.0], [1.0, 5.0]]),
        c("array_params", [2, 2], dist="gamma", params=[[0.5, 3.0], [[1.0], [2.0]]]),
        c("array_params", dist="poisson", params=[[0.5, 5.0, 50.0, 5000.0]]),
        c("array_params", dist="binomial", params=[[10, 100, 1000], [0.3, 0.5, 0.9]]),
        c("array_params", dist="beta", params=[[0.5, 2.0], [0.7, 5.0]]),
        c("array_params", dist="triangular", params=[[0.0, 1.0], [0.5, 1.5], [1.0, 4.0]]),
        c("array_params", dist="vonmises", params=[[0.0, 1.0, 2.0], [1e-9, 3.0, 2e6]]),
        c("array_params", dist="exponential", params=[[[1.0, 2.0], [3.0, 4.0]]]),
        c("random", [2]),
    ]))
# Seeds given as sequences of integers (default_rng([...])).
for s in [[1, 2, 3], [2**40, 7], [0, 0, 0, 0, 0, 9]]:
    CASES.append(("seedlist", s, [c("random", [20]), c("integers", [9], low=0, high=100)]))
CASES.append(("digests", 2024, [dict(x, digest=True) for x in DIGESTS]))


def main():
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        if f.endswith(".npy"):
            os.remove(os.path.join(OUT, f))
    out = []
    for name, seed, calls in CASES:
        if name.startswith("legacy"):
            g = np.random.RandomState(seed)
        else:
            g = np.random.default_rng(seed)
        case = {"name": name, "seed": str(seed) if isinstance(seed, int) else [str(s) for s in seed],
                "calls": []}
        for i, cl in enumerate(calls):
            r = np.asarray(call(g, cl))
            entry = dict(cl)
            entry["shape"] = list(r.shape)
            entry["dtype"] = str(r.dtype)
            if cl.get("digest"):
                entry["digest"] = digest(r)
            else:
                entry.pop("digest", None)
                fname = f"{name}.{seed}.{i:02d}.{cl['method']}.npy"
                np.save(os.path.join(OUT, fname), r)
                entry["file"] = fname
            case["calls"].append(entry)
        if name.startswith("legacy"):
            out.append(case)
            continue
        st = g.bit_generator.state
        case["final_state"] = {"state": str(st["state"]["state"]), "inc": str(st["state"]["inc"]),
                               "has_uint32": int(st["has_uint32"]), "uinteger": int(st["uinteger"])}
        out.append(case)
    with open(os.path.join(OUT, "cases.json"), "w") as f:
        json.dump({"numpy": np.__version__, "cases": out}, f, indent=1)


if __name__ == "__main__":
    main()
