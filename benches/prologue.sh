#!/usr/bin/env bash
# The GEMM prologue side by side: numcrane with the scaling read while packed
# (NUMCRANE_PROLOGUE=1), numcrane with `0.5 * X` materialised first (NUMCRANE_PROLOGUE=0) and
# NumPy (OpenBLAS, 2 threads), alternating three rounds; prints every line, then the medians of
# the three rounds' medians.
#
#   bash benches/prologue.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo bench --bench prologue --no-run 2>/dev/null
exe="$(ls -t target/release/deps/prologue-* | grep -v '\.d$' | head -n 1)"
out="$(mktemp)"
for round in 1 2 3; do
    NUMCRANE_PROLOGUE=1 "$exe" | sed 's/^/prologue\t/' | tee -a "$out"
    NUMCRANE_PROLOGUE=0 "$exe" | sed 's/^/materialised\t/' | tee -a "$out"
    OPENBLAS_NUM_THREADS=2 python3 benches/prologue_numpy.py | sed 's/^/numpy\t/' | tee -a "$out"
done
python3 - "$out" <<'PY'
import sys, statistics, collections
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    who, what, med, mn, n = line.split("\t")
    rows[(what, who)].append(float(med))
print("\n| expression | numcrane (prologue) | numcrane (0.5 * X materialised) | NumPy | prologue speed-up | NumPy / numcrane |")
print("|---|---|---|---|---|---|")
for what in ["scaled_matmul", "scaled_dense"]:
    p, q, r = (statistics.median(rows[(what, w)]) for w in ["prologue", "materialised", "numpy"])
    print(f"| {what} | {p*1e3:.1f} ms | {q*1e3:.1f} ms | {r*1e3:.1f} ms | {q/p:.2f}x | {r/p:.2f}x |")
PY
rm -f "$out"
