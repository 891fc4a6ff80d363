#!/usr/bin/env bash
# numcrane's FFT against NumPy's (pocketfft), alternating three rounds, then the medians of the
# rounds' medians and the ratio NumPy / numcrane (above 1: numcrane faster).
#
#   bash benches/fft.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo bench --bench fft --no-run 2>/dev/null
exe="$(ls -t target/release/deps/fft-* | grep -v '\.d$' | head -n 1)"
out="$(mktemp)"
for round in 1 2 3; do
    "$exe" | sed 's/^/numcrane\t/' | tee -a "$out"
    python3 benches/fft_numpy.py | sed 's/^/numpy\t/' | tee -a "$out"
done
python3 - "$out" <<'PY'
import sys, statistics, collections
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    who, what, med, mn = line.split("\t")
    rows[(what, who)].append(float(med))
print("\n| transform | numcrane | NumPy | NumPy / numcrane |")
print("|---|---|---|---|")
for what in ["fft_c128_2^20", "rfft_f64_2^20"]:
    a, b = statistics.median(rows[(what, "numcrane")]), statistics.median(rows[(what, "numpy")])
    print(f"| {what} | {a*1e3:.2f} ms | {b*1e3:.2f} ms | {b/a:.2f}x |")
PY
rm -f "$out"
