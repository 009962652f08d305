#!/usr/bin/env python3
"""Compile-time benchmark: axle against the plain-constexpr floor, in the same run.

For each compiler and each count N, compiles (-std=c++20 -fsyntax-only) the realistic workload
of workload.py (N pairs of distinct layouts, `apply_t<plan_t<A, B>, A>` checked against B) and
the floor that does the same work without the library (workload.py --floor), plus both with
N = 0 (headers only). Runs are interleaved: every repetition compiles every translation unit
once, in a rotating order, so that a slow spell of the shared machine hits both sides. Each run
is measured from the kernel (os.wait4): user CPU time, wall time and peak resident memory of the
compiler process alone.

Prints, per compiler and N: medians of wall and user time, the peak memory (median), and the
ratios axle / floor of user time (the figure to compare: it is the least disturbed by other jobs)
and of peak memory; then the per-derivation cost at each N, over the headers-only translation
units, which shows whether growth is linear. A benchmark, not a test: it never fails on a figure.

Several versions of the headers can be compared in the same run:
    --variant base=/path/to/include --variant new=include

--instructions counts instead of timing: each translation unit is compiled once under
`valgrind --tool=callgrind` and the compiler's instructions (all its processes) are reported,
with the instructions per derivation at each N. The count repeats exactly whatever else the
machine does, which makes it the measure for linearity on a shared machine.

Usage: bench/compile/ratio.py [--repeat 3] [--counts 100,300,1000] [--compilers g++-12,clang++-16]
                              [--variant NAME=INCLUDE_DIR ...] [--seed 1] [--json out.json] [--instructions]"""
import argparse
import json
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
INCLUDE = HERE.parent.parent / "include"


def run(cmd):
    """One compiler run: (wall seconds, user seconds, peak RSS in MB, return code)."""
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = p.stderr.read()
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        sys.exit(f"failed: {' '.join(map(str, cmd))}\n{err.decode(errors='replace')[:3000]}")
    return wall, ru.ru_utime, ru.ru_maxrss / 1024


def instructions(cmd, tmp):
    """The instructions a compiler run executes, over all its processes (g++ runs cc1plus)."""
    out = tmp / "cg"
    out.mkdir(exist_ok=True)
    for f in out.iterdir():
        f.unlink()
    vg = ["valgrind", "--tool=callgrind", "--trace-children=yes", f"--callgrind-out-file={out}/callgrind.%p"]
    p = subprocess.run(vg + cmd, capture_output=True)
    if p.returncode != 0:
        sys.exit(f"failed: {' '.join(map(str, cmd))}\n{p.stderr.decode(errors='replace')[-3000:]}")
    total = 0
    for f in out.iterdir():
        for line in f.read_text().splitlines():
            if line.startswith("summary:"):
                total += int(line.split()[1])
    return total


def report_instructions(jobs, names, counts, tmp):
    counted = {}
    for k, cmd in jobs.items():
        counted[k] = instructions(cmd, tmp)
        print(f"#   {k[0]} N={k[1]}: {counted[k]:,} instructions", file=sys.stderr, flush=True)
    print("| N | " + " | ".join(f"{n} (M instr)" for n in names) + " | " +
          " | ".join(f"{n} ÷ floor" for n in names if n != "floor") + " |")
    print("|---:|" + "---:|" * (2 * len(names) - 1))
    for n in [0] + counts:
        f = counted[("floor", n)]
        print(f"| {n or 'headers'} | " + " | ".join(f"{counted[(x, n)] / 1e6:,.0f}" for x in names) + " | " +
              " | ".join(f"**{counted[(x, n)] / f:.2f}**" for x in names if x != "floor") + " |")
    print()
    print("Per derivation, over the headers-only translation unit (M instructions):")
    for x in names:
        per = [(counted[(x, n)] - counted[(x, 0)]) / n / 1e6 for n in counts]
        print(f"  {x:>10}: " + ", ".join(f"N={n}: {v:.2f}" for n, v in zip(counts, per)) +
              f"; at {counts[-1]} / at {counts[0]} = {per[-1] / per[0]:.3f}")
    sys.stdout.flush()
    return counted


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--counts", default="100,300,1000")
    ap.add_argument("--compilers", default="g++-12,clang++-16")
    ap.add_argument("--variant", action="append", default=[], help="NAME=INCLUDE_DIR (default: axle=<repo>/include)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--mix", default="70,10,10,10")
    ap.add_argument("--flags", default="", help="extra compiler flags, space-separated")
    ap.add_argument("--json", help="write every measurement to this file")
    ap.add_argument("--instructions", action="store_true", help="count instructions (callgrind) instead of timing")
    args = ap.parse_args()
    counts = [int(c) for c in args.counts.split(",")]
    variants = dict(v.split("=", 1) for v in args.variant) or {"axle": str(INCLUDE)}
    variants = {k: str(pathlib.Path(v).resolve()) for k, v in variants.items()}
    extra = args.flags.split()
    print(f"# {' '.join(sys.argv)}")
    print(f"# variants: {variants}; repeat {args.repeat}; load average at start {os.getloadavg()[0]:.2f}")

    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        sources = {}
        for n in [0] + counts:
            for floor in (False, True):
                src = tmp / f"{'floor' if floor else 'axle'}{n}.cpp"
                cmd = [sys.executable, str(HERE / "workload.py"), str(n), "--seed", str(args.seed), "--mix", args.mix]
                src.write_text(subprocess.run(cmd + (["--floor"] if floor else []), capture_output=True, text=True,
                                              check=True).stdout)
                sources[(floor, n)] = src
        # The jobs: (name, n) -> command, for every compiler.
        results = {}
        for compiler in args.compilers.split(","):
            jobs = {}
            for n in [0] + counts:
                jobs[("floor", n)] = [compiler, "-std=c++20", "-fsyntax-only", *extra, str(sources[(True, n)])]
                for name, inc in variants.items():
                    jobs[(name, n)] = [compiler, "-std=c++20", "-fsyntax-only", f"-I{inc}", *extra, str(sources[(False, n)])]
            keys = list(jobs)
            if args.instructions:
                print(f"\n## {compiler}, instructions\n")
                results[compiler] = {f"{k[0]}@{k[1]}": v for k, v in
                                     report_instructions(jobs, ["floor", *variants], counts, tmp).items()}
                continue
            samples = {k: [] for k in keys}
            for r in range(args.repeat):
                rot = r % len(keys)
                for k in keys[rot:] + keys[:rot]:
                    samples[k].append(run(jobs[k]))
                print(f"#   {compiler}: repetition {r + 1}/{args.repeat} done", file=sys.stderr, flush=True)
            med = {k: tuple(statistics.median(s[i] for s in v) for i in range(3)) for k, v in samples.items()}
            results[compiler] = {f"{k[0]}@{k[1]}": {"median": med[k], "samples": samples[k]} for k in keys}

            print(f"\n## {compiler}\n")
            head = "| N | floor wall s | floor user s | floor MB |"
            line = "|---:|---:|---:|---:|"
            for name in variants:
                head += f" {name} wall s | {name} user s | {name} MB | **user ×** | **MB ×** | wall × |"
                line += "---:|---:|---:|---:|---:|---:|"
            print(head)
            print(line)
            for n in [0] + counts:
                f = med[("floor", n)]
                row = f"| {n or 'headers'} | {f[0]:.2f} | {f[1]:.2f} | {f[2]:.0f} |"
                for name in variants:
                    a = med[(name, n)]
                    row += f" {a[0]:.2f} | {a[1]:.2f} | {a[2]:.0f} | **{a[1] / f[1]:.2f}** | **{a[2] / f[2]:.2f}** | {a[0] / f[0]:.2f} |"
                print(row)
            print()
            print("Per derivation, over the headers-only translation unit (user ms, MB):")
            for name in ["floor", *variants]:
                base = med[(name, 0)]
                per = [((med[(name, n)][1] - base[1]) * 1000 / n, (med[(name, n)][2] - base[2]) / n) for n in counts]
                growth = per[-1][0] / per[0][0] if per[0][0] > 0 else float("nan")
                print(f"  {name:>10}: " + ", ".join(f"N={n}: {u:.2f} ms {m * 1000:.0f} KB" for n, (u, m) in zip(counts, per)) +
                      f"; ms per derivation at {counts[-1]} / at {counts[0]} = {growth:.2f}")
            sys.stdout.flush()
        if args.json:
            pathlib.Path(args.json).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
