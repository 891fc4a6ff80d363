#!/usr/bin/env bash
# numcrane (JIT and reference evaluator), NumPy and numexpr on the workloads of
# ../shared/baselines (W1, W2, W3, W4, W5, W8), issue 6's sort/selection group S, issue 7's
# random draws R and issue 8's linear algebra L, one after the other in one command, with a
# STREAM-style triad measured in the same run as the bandwidth floor; prints one markdown table
# of medians and ratios, then JIT compile times and the peak memory of W1.
#
#   bash benches/side_by_side.sh            # about 2-3 minutes after the build on 2 cores
#   SIDE_BY_SIDE_BUDGET=0.3 bash benches/side_by_side.sh   # quicker, noisier
#   SIDE_BY_SIDE_STAT=min bash benches/side_by_side.sh      # fastest call instead of the median
#   SIDE_BY_SIDE_ONLY=W1,W8 bash benches/side_by_side.sh    # only those workload groups (W1..W8, S, R, L)
#
# Needs python3; NumPy (and optionally numexpr) for the NumPy columns:
#   python3 -m pip install numpy numexpr
# Pieces: benches/side_by_side.rs (numcrane, its own medians), benches/numpy_side_by_side.py,
# benches/side_by_side_table.py (the join). Set SIDE_BY_SIDE_KEEP=DIR to keep the raw outputs.
set -euo pipefail
cd "$(dirname "$0")/.."

budget="${SIDE_BY_SIDE_BUDGET:-1.0}"
stat="${SIDE_BY_SIDE_STAT:-median}"
only=()
if [ -n "${SIDE_BY_SIDE_ONLY:-}" ]; then
    only=(--only "$SIDE_BY_SIDE_ONLY")
fi
case "$stat" in median | min) ;; *) echo "SIDE_BY_SIDE_STAT must be median or min" >&2; exit 2 ;; esac
if [ -n "${SIDE_BY_SIDE_KEEP:-}" ]; then
    out="$SIDE_BY_SIDE_KEEP"
    mkdir -p "$out"
else
    out="$(mktemp -d)"
    trap 'rm -rf "$out"' EXIT
fi

echo "building benches/side_by_side.rs (cargo bench --no-run) ..." >&2
cargo bench --bench side_by_side --no-run --message-format=json-render-diagnostics >"$out/build.json"
exe="$(python3 -c '
import json, sys
for line in open(sys.argv[1]):
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "side_by_side" and m.get("executable"):
        print(m["executable"])
' "$out/build.json" | tail -n 1)"
[ -x "$exe" ] || { echo "side_by_side executable not found" >&2; exit 1; }

start=$(date +%s)
load_before="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"

echo "numcrane (budget ${budget} s per measurement) ..." >&2
"$exe" all --budget "$budget" ${only[@]+"${only[@]}"} >"$out/rust.txt"

if python3 -c 'import numpy' 2>/dev/null; then
    echo "NumPy / numexpr ..." >&2
    python3 benches/numpy_side_by_side.py --budget "$budget" ${only[@]+"${only[@]}"} >"$out/numpy.txt"
else
    echo "numpy not installed (python3 -m pip install numpy numexpr): no NumPy columns" >&2
    printf 'NOTE\tnumpy not installed (python3 -m pip install numpy numexpr)\n' >"$out/numpy.txt"
fi

echo "JIT compile times ..." >&2
"$exe" compile >"$out/compile.txt"
NUMCRANE_DEBUG=1 "$exe" compile-fresh >/dev/null 2>"$out/compile_debug.txt"

echo "peak memory of W1 1e7 f32 ..." >&2
if [ -x /usr/bin/time ] && /usr/bin/time -v true >/dev/null 2>&1; then
    /usr/bin/time -v "$exe" rss >"$out/rss.txt" 2>"$out/time_v.txt"
else
    "$exe" rss >"$out/rss.txt"
fi

load_after="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
tree="$(git rev-parse --short HEAD 2>/dev/null || echo '?')"
if [ -n "$(git status --porcelain -- crates src 2>/dev/null)" ]; then
    tree="$tree plus uncommitted changes in crates/ or src/"
fi
cpu="$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//' || true)"
echo
echo "## side_by_side.sh, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo
echo "Machine: ${cpu:-unknown CPU}, $(nproc) cores; load average before ${load_before}, after" \
    "${load_after}; $(($(date +%s) - start)) s of measuring; budget ${budget} s per measurement" \
    "(${stat} of the timed calls after warm-up). Tree: ${tree}."
echo
python3 benches/side_by_side_table.py "$out" --stat "$stat"
