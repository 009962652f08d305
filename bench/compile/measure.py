#!/usr/bin/env python3
"""Measures the compile-time cost of axle: an empty translation unit, `#include <axle/axle.hpp>`
alone, and translation units deriving 100, 300 and 1000 distinct plans (generate.py), with
g++ 12 and clang 16 (-std=c++20 -fsyntax-only). Each figure is the median of REPEAT runs of
wall time and the peak resident memory of the compiler, read from the kernel (getrusage), so no
extra tool is needed. Prints a markdown table.

Usage: bench/compile/measure.py [--repeat 3] [--counts 100,300,1000] [--compilers g++-12,clang++-16]"""
import argparse
import pathlib
import resource
import statistics
import subprocess
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
INCLUDE = HERE.parent.parent / "include"


def measure(compiler, source, repeat):
    times, peaks = [], []
    for _ in range(repeat):
        script = ("import resource,subprocess,sys,time;"
                  "t=time.perf_counter();"
                  "r=subprocess.run(sys.argv[1:],capture_output=True);"
                  "d=time.perf_counter()-t;"
                  "print(d, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r.returncode)")
        out = subprocess.run([sys.executable, "-c", script, compiler, "-std=c++20", "-fsyntax-only", f"-I{INCLUDE}",
                              str(source)], capture_output=True, text=True, check=True).stdout.split()
        if out[2] != "0":
            sys.exit(f"{compiler} failed on {source}")
        times.append(float(out[0]))
        peaks.append(int(out[1]) / 1024)
    return statistics.median(times), max(peaks)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--counts", default="100,300,1000")
    ap.add_argument("--compilers", default="g++-12,clang++-16")
    args = ap.parse_args()
    counts = [int(c) for c in args.counts.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        sources = {"empty": tmp / "empty.cpp", "include": tmp / "include.cpp"}
        sources["empty"].write_text("int main() {}\n")
        sources["include"].write_text("#include <axle/axle.hpp>\nint main() {}\n")
        for n in counts:
            sources[n] = tmp / f"plans{n}.cpp"
            sources[n].write_text(subprocess.run([sys.executable, str(HERE / "generate.py"), str(n)],
                                                 capture_output=True, text=True, check=True).stdout)
        print(f"| compiler | translation unit | seconds (median of {args.repeat}) | peak memory (MB) |")
        print("|---|---|---:|---:|")
        for compiler in args.compilers.split(","):
            rows = {}
            for key, source in sources.items():
                rows[key] = measure(compiler, source, args.repeat)
                label = {"empty": "empty", "include": "`#include <axle/axle.hpp>`"}.get(key, f"{key} distinct plans")
                print(f"| {compiler} | {label} | {rows[key][0]:.2f} | {rows[key][1]:.0f} |", flush=True)
            extra = rows["include"][0] - rows["empty"][0]
            print(f"| {compiler} | include cost over empty | {extra:.2f} | |")
            if len(counts) > 1:
                a, b = counts[0], counts[-1]
                per_a = (rows[a][0] - rows["include"][0]) / a
                per_b = (rows[b][0] - rows["include"][0]) / b
                print(f"| {compiler} | seconds per plan at {a} / at {b} | {per_a * 1000:.2f} ms / {per_b * 1000:.2f} ms | |")


if __name__ == "__main__":
    main()
