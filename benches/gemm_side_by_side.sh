#!/usr/bin/env bash
# numcrane-kernels' GEMM next to the `gemm` and `matrixmultiply` crates
# (crates/numcrane-kernels/benches/gemm.rs) and NumPy's `@` on its OpenBLAS
# (benches/gemm_openblas.py), square n = 64..2048, f32 and f64, 1 and 2 threads, one command:
# prints the Rust bench's table with an OpenBLAS column and the ratio ours / OpenBLAS.
#
#   bash benches/gemm_side_by_side.sh                 # about 3-5 minutes on 2 cores
#   GEMM_SIZES=64,512 bash benches/gemm_side_by_side.sh
set -euo pipefail
cd "$(dirname "$0")/.."
sizes="${GEMM_SIZES:-64,128,256,512,1024,2048}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
cargo bench -p numcrane-kernels --bench gemm --no-run >/dev/null 2>&1
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for t in 1 2; do
    OPENBLAS_NUM_THREADS=$t python3 benches/gemm_openblas.py "$sizes" >>"$out/openblas.txt"
done
cargo bench -p numcrane-kernels --bench gemm -- --sizes "$sizes" >"$out/rust.txt" 2>/dev/null
python3 - "$out/rust.txt" "$out/openblas.txt" <<'PY'
import sys
blas = {}
for line in open(sys.argv[2]):
    n, ty, t, g = line.split()
    blas[(n, ty, t)] = float(g)
for line in open(sys.argv[1]):
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    if line.startswith("|    n"):
        print(line.rstrip() + " OpenBLAS (NumPy) | ours / OpenBLAS |")
    elif line.startswith("|---"):
        print(line.rstrip() + "---|---|")
    elif line.startswith("|") and len(cells) >= 4 and cells[0].isdigit():
        g = blas.get((cells[0], cells[1], cells[2]))
        ours = float(cells[3])
        extra = f" {g:8.1f} | {ours / g:5.2f} |" if g else " - | - |"
        print(line.rstrip() + extra)
    else:
        print(line.rstrip())
PY
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
