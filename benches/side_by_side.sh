#!/usr/bin/env bash
# numcrane (JIT and reference evaluator) and NumPy on the same workloads, one after the other
# in one command, so the medians compare like with like. Needs python3 with numpy.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo bench --bench fused -- --warm-up-time 1 --measurement-time 4 2>&1 | grep -E "^W|time:"
python3 benches/numpy_side_by_side.py
