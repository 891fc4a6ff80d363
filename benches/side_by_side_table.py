"""Joins the outputs of benches/side_by_side.rs and benches/numpy_side_by_side.py into one
markdown table (benches/side_by_side.sh runs all three). Standard library only.

Usage: python3 benches/side_by_side_table.py DIR [--stat median|min]
where DIR holds rust.txt (mode `all`), numpy.txt, and optionally compile.txt (mode
`compile`), compile_debug.txt (stderr of mode `compile-fresh` under NUMCRANE_DEBUG=1),
rss.txt (mode `rss`) and time_v.txt (`/usr/bin/time -v` of mode `rss`).
"""
import os
import re
import statistics
import sys


def read(dir_, name):
    path = os.path.join(dir_, name)
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8", errors="replace") as f:
        return [line.rstrip("\n") for line in f]


def fmt(seconds, unit):
    if seconds is None:
        return "-"
    v = seconds * (1e6 if unit == "us" else 1e3)
    digits = 2 if v < 10 else 1 if v < 100 else 0
    return f"{v:.{digits}f} {unit}"


def ratio(num, den):
    if num is None or den is None or den == 0:
        return "-"
    r = num / den
    return f"{r:.2f}x" if r < 10 else f"{r:.1f}x"


def main():
    dir_ = sys.argv[1]
    use_min = sys.argv[2:] == ["--stat", "min"]
    if sys.argv[2:] and not use_min and sys.argv[2:] != ["--stat", "median"]:
        sys.exit("usage: side_by_side_table.py DIR [--stat median|min]")
    rows, times, skips, triad, notes = [], {}, {}, {}, []
    for line in read(dir_, "rust.txt") + read(dir_, "numpy.txt"):
        f = line.split("\t")
        if f[0] == "ROW":
            rows.append(dict(id=f[1], workload=f[2], size=f[3], dtype=f[4], bytes=int(f[5]), unit=f[6]))
        elif f[0] == "TIME":
            times[(f[1], f[2])] = float(f[5] if use_min else f[3])
        elif f[0] == "SKIP":
            skips[(f[1], f[2])] = f[3]
        elif f[0] == "TRIAD":
            t = triad.setdefault(f[1], dict(n=int(f[2]), threads=int(f[3]), runs=[]))
            t["runs"].append((f[6] if len(f) > 6 else "", float(f[4]), float(f[5])))
        elif f[0] == "NOTE":
            notes.append(f[1])

    print(
        "| workload | size | dtype | numcrane JIT | numcrane eval | NumPy | numexpr 2t | floor "
        "| NumPy / JIT | JIT / floor |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        id_, unit = r["id"], r["unit"]
        jit = times.get((id_, "jit"))
        ev = times.get((id_, "eval"))
        npy = times.get((id_, "numpy"))
        nex = times.get((id_, "numexpr"))
        floor = None
        if r["bytes"] and r["dtype"] in triad:
            best = max(b for _, _, b in triad[r["dtype"]]["runs"])
            floor = r["bytes"] / (best * 1e9)
        ev_s = fmt(ev, unit) if (id_, "eval") not in skips else "skipped (" + skips[(id_, "eval")] + ")"
        print(
            f"| {r['workload']} | {r['size']} | {r['dtype']} | {fmt(jit, unit)} | {ev_s} | "
            f"{fmt(npy, unit)} | {fmt(nex, unit)} | {fmt(floor, unit)} | {ratio(npy, jit)} | "
            f"{ratio(jit, floor)} |"
        )
    print()
    print(
        "Floor: bytes read + written once (W1 6 arrays, W2 4, W3 3 passes over X, W4 the inputs, "
        "W5 2 passes) / the best triad bandwidth of the same dtype below (start and end of the numcrane "
        "run). NumPy / JIT above 1: "
        "numcrane is faster. JIT / floor: how far from memory speed (below 1 where the input "
        "partly stays in the 32 MiB L3 between calls, as the 40 MB of W4 `x.sum()` can)."
    )
    for dt, t in sorted(triad.items()):
        runs = "; ".join(f"{when}: median {med:.1f}, best {best:.1f} GB/s" for when, med, best in t["runs"])
        print(
            f"- STREAM triad `a[i] = b[i] + s*c[i]` in Rust, {dt}, n={t['n']:.0e}, {t['threads']} rayon "
            f"threads, output reused, 3 arrays counted: {runs}"
        )

    compile_lines = [line.split("\t") for line in read(dir_, "compile.txt") if line.startswith("COMPILE")]
    for f in compile_lines:
        first, cached = float(f[3]), float(f[4])
        print(
            f"- JIT compile, `{f[1]}` ({f[2]} kernel per fresh structure, 20 structures): first call "
            f"{first * 1e3:.3f} ms, cached call {cached * 1e6:.1f} us, so compile about "
            f"{(first - cached) * 1e3:.3f} ms (medians)"
        )
    compiled = [
        (int(m.group(1)), m.group(2), float(m.group(3)))
        for m in (
            re.search(r"compiled a kernel of (\d+) values \(([^)]*)\) in ([0-9.]+) ms", line)
            for line in read(dir_, "compile_debug.txt")
        )
        if m
    ]
    if compiled:
        by_size = {}
        for values, loop, ms in compiled:
            by_size.setdefault((values, loop), []).append(ms)
        parts = ", ".join(
            f"{v} values ({loop}): {statistics.median(ts):.3f} ms x{len(ts)}"
            for (v, loop), ts in sorted(by_size.items())
        )
        all_ms = statistics.median(ms for _, _, ms in compiled)
        print(
            f"- JIT compile, `CompiledKernel::compile_time` (NUMCRANE_DEBUG=1): median "
            f"{all_ms:.3f} ms over {len(compiled)} kernels; {parts}"
        )

    rss = {}
    for line in read(dir_, "rss.txt"):
        f = line.split("\t")
        if f[0] == "RSS" and f[2] != "-":
            rss[f[1]] = int(f[2])
    if rss:
        mb = lambda b: f"{b / 1e6:.0f} MB"  # noqa: E731
        io = rss.get("inputs_bytes", 0) + rss.get("output_bytes", 0)
        text = (
            f"- Memory, W1 1e7 f32 on the JIT (separate process, inputs from Rust vectors): inputs + "
            f"output {mb(io)}"
        )
        if "rss_after_inputs" in rss:
            text += f"; RSS with the inputs built {mb(rss['rss_after_inputs'])}"
        if rss.get("hwm_reset") == 1 and "peak_first_eval" in rss:
            base = rss.get("rss_after_inputs", 0)
            text += (
                f"; peak RSS during the first eval {mb(rss['peak_first_eval'])} "
                f"(+{mb(rss['peak_first_eval'] - base)}), after 11 evals "
                f"{mb(rss.get('peak_after_11_evals', 0))}"
            )
        else:
            text += " (VmHWM could not be reset: peaks include building the inputs)"
        for line in read(dir_, "time_v.txt"):
            m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", line)
            if m:
                text += f"; whole process max RSS (/usr/bin/time -v) {mb(int(m.group(1)) * 1024)}"
        print(text)
    for (id_, impl), why in sorted(skips.items()):
        print(f"- skipped: {id_} {impl}: {why}")
    for n in notes:
        print(f"- {n}")


if __name__ == "__main__":
    main()
