#!/usr/bin/env python3
"""Summarise axle_bench_convert JSON output as ratios to memcpy.

Usage:
  axle_bench_convert --benchmark_repetitions=9 \
      --benchmark_enable_random_interleaving=true \
      --benchmark_out=run.json --benchmark_out_format=json
  python3 bench/convert/report.py run.json [more.json ...]

For every benchmark the median over repetitions is taken (thread CPU time for
single-thread benchmarks, wall time for the two-thread ones, whose names end in
/real_time). Each case is related to memcpy of the same number of bytes from
the SAME file (same binary run):
  x_memcpy  = memcpy_touched time / case time   (CPU time; >1 is faster)
  2-thread  = compared with memcpy_touched wall time and with memcpy_2t.
Several files are reported one after another, then the median across files.
Only the standard library is used.
"""
import json
import statistics
import sys
from collections import defaultdict

IMPL_ORDER = ["axle", "axle_convert", "axle_fresh", "axle_2t", "tiled32", "naive", "eigen"]


def load(path):
    with open(path) as f:
        data = json.load(f)
    times = defaultdict(lambda: {"cpu": [], "real": []})
    mbytes = {}
    for b in data["benchmarks"]:
        if b.get("run_type", "iteration") != "iteration":
            continue
        name = b["name"]
        if name.endswith("/real_time"):
            name = name[: -len("/real_time")]
        scale = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}[b.get("time_unit", "ns")]
        times[name]["cpu"].append(b["cpu_time"] * scale)
        times[name]["real"].append(b["real_time"] * scale)
        if "MB" in b:
            mbytes[name] = b["MB"]
    med = {n: {k: statistics.median(v) for k, v in t.items()} for n, t in times.items()}
    reps = {n: len(t["cpu"]) for n, t in times.items()}
    return med, mbytes, reps


def ratios(path):
    med, mbytes, reps = load(path)
    memcpy = {}
    for n, t in med.items():
        if n.startswith("memcpy_"):
            kind, size = n.split("/", 1)
            memcpy[(kind, int(size.rstrip("B")))] = t
    rows = {}
    for n, t in med.items():
        parts = n.split("/")
        if len(parts) != 3 or parts[0].startswith("memcpy_"):
            continue
        case, shape, impl = parts
        nbytes = int(round(mbytes[n] * 1e6))
        mt = memcpy.get(("memcpy_touched", nbytes))
        m2 = memcpy.get(("memcpy_2t", nbytes))
        if mt is None:
            continue
        if impl.endswith("_2t"):
            wall = t["real"]
            row = {
                "gbs": nbytes / wall / 1e9,
                "x_memcpy": mt["real"] / wall,
                "x_memcpy_2t": (m2["real"] / wall) if m2 else float("nan"),
            }
        else:
            row = {"gbs": nbytes / t["cpu"] / 1e9, "x_memcpy": mt["cpu"] / t["cpu"]}
        row["reps"] = reps[n]
        row["mb"] = nbytes / 1e6
        rows[(case, shape, impl)] = row
    mem_rows = {}
    for (kind, nbytes), t in memcpy.items():
        use = t["real"] if kind == "memcpy_2t" else t["cpu"]
        mem_rows[(kind, nbytes)] = {"gbs": nbytes / use / 1e9}
    return rows, mem_rows


def print_table(rows, mem_rows, title):
    print(f"## {title}\n")
    print("| case | shape | MB | impl | GB/s | x memcpy_touched |")
    print("|---|---|---:|---|---:|---:|")
    keys = sorted({(c, s) for (c, s, _) in rows})
    for case, shape in keys:
        for impl in IMPL_ORDER:
            r = rows.get((case, shape, impl))
            if r is None:
                continue
            extra = ""
            if "x_memcpy_2t" in r:
                extra = f" (wall; x memcpy_2t {r['x_memcpy_2t']:.2f})"
            print(f"| {case} | {shape} | {r['mb']:.1f} | {impl} | {r['gbs']:.2f} | {r['x_memcpy']:.3f}{extra} |")
    print()
    print("Summary (x memcpy_touched; axle_2t in wall time):\n")
    print("| case | shape | MB | axle | axle_2t | tiled32 | naive | eigen | axle/eigen |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for case, shape in keys:
        g = {i: rows.get((case, shape, i)) for i in IMPL_ORDER}
        if g["axle"] is None:
            continue
        cell = lambda i: f"{g[i]['x_memcpy']:.2f}" if g[i] else "-"
        ratio = f"{g['axle']['x_memcpy'] / g['eigen']['x_memcpy']:.0f}x" if g["eigen"] else "-"
        print(f"| {case} | {shape} | {g['axle']['mb']:.1f} | {cell('axle')} | {cell('axle_2t')} | {cell('tiled32')} "
              f"| {cell('naive')} | {cell('eigen')} | {ratio} |")
    print()
    print("| memcpy | bytes | GB/s |")
    print("|---|---:|---:|")
    for (kind, nbytes), r in sorted(mem_rows.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        print(f"| {kind} | {nbytes} | {r['gbs']:.2f} |")
    print()


def main(argv):
    if len(argv) < 2:
        print(__doc__)
        return 2
    per_file = []
    for path in argv[1:]:
        rows, mem_rows = ratios(path)
        per_file.append((rows, mem_rows))
        print_table(rows, mem_rows, path)
    if len(per_file) > 1:
        keys = set().union(*[set(r) for r, _ in per_file])
        merged = {}
        for k in keys:
            vals = [r[k] for r, _ in per_file if k in r]
            merged[k] = {f: statistics.median([v[f] for v in vals]) for f in vals[0] if f != "reps"}
        mkeys = set().union(*[set(m) for _, m in per_file])
        mmerged = {k: {"gbs": statistics.median([m[k]["gbs"] for _, m in per_file if k in m])} for k in mkeys}
        print_table(merged, mmerged, f"median over {len(per_file)} runs")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
