#!/usr/bin/env python3
"""Where axle's compile time and memory go: the realistic workload (workload.py), cut into
cumulative stages, each one a translation unit that instantiates one more phase of
`apply_t<plan_t<A, B>, A>` for every pair (A, B):

  aliases     the layout aliases only (nothing instantiated)
  desc        desc_of<A>::value, desc_of<B>::value            (type -> layout_desc)
  checked     + checked<A>, checked<B>                        (validate)
  derive      + derivation<A, B>::value                        (derive -> plan_desc)
  normal      + normal_steps<derivation<A, B>>::value          (normal_form -> steps_desc)
  plan        + plan_t<A, B>                                   (build_plan_t: steps_desc -> plan type)
  steps_of    + steps_of<plan_t<A, B>, |universe(A)|>::value   (plan type -> steps_desc again)
  apply       + application<plan_t<A, B>, A>::value            (apply_steps -> layout_result)
  apply_t     + apply_t<plan_t<A, B>, A>                       (build_layout_t)
  full        + is_same_v<..., B> in a static_assert          (the workload itself)

Each stage is compiled REPEAT times per compiler (user CPU time and peak RSS of the compiler,
medians); the difference between consecutive stages is that phase's cost.

Usage: bench/compile/profile.py [--count 1000] [--repeat 1] [--include DIR] [--compilers ...]"""
import argparse
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import workload  # noqa: E402

STAGES = ["aliases", "desc", "checked", "derive", "normal", "plan", "steps_of", "apply", "apply_t", "full"]


def checks(stage, k):
    A, B = f"A{k}", f"B{k}"
    d = "axle::detail::"
    out = []
    i = STAGES.index(stage)
    if i >= 1:
        out.append(f"{d}desc_of<{A}>::value.natoms > 0 && {d}desc_of<{B}>::value.natoms > 0")
    if i >= 2:
        out.append(f"{d}checked<{A}>::ok && {d}checked<{B}>::ok")
    if i >= 3:
        out.append(f"{d}derivation<{A}, {B}>::ok")
    if i >= 4:
        out.append(f"{d}normal_steps<{d}derivation<{A}, {B}>>::value.nsteps >= 0")
    if i >= 5:
        out.append(f"axle::plan_t<{A}, {B}>::size >= 0")
    if i >= 6:
        out.append(f"{d}steps_of<axle::plan_t<{A}, {B}>, static_cast<int>({d}universe_t<{A}>::size)>::value.nsteps >= 0")
    if i >= 7:
        out.append(f"!{d}application<axle::plan_t<{A}, {B}>, {A}>::value.error")
    if i >= 8:
        out.append(f"sizeof(axle::apply_t<axle::plan_t<{A}, {B}>, {A}>) > 0")
    if i >= 9:
        out.append(f"std::is_same_v<axle::apply_t<axle::plan_t<{A}, {B}>, {A}>, {B}>")
    return out


def source(stage, n, seed, mix=(70, 10, 10, 10)):
    lines = [workload.AXLE_HEAD]
    for k, (kind, a, b) in enumerate(workload.pairs(n, seed, dict(zip(workload.KINDS, mix)))):
        lines.append(f"using A{k} = {workload.render_layout(a)};")
        lines.append(f"using B{k} = {workload.render_layout(b)};")
        c = checks(stage, k)
        if c:
            lines.append(f"static_assert({' && '.join(c)});")
    lines.append("int main() {}")
    return "\n".join(lines) + "\n"


def run(cmd):
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = p.stderr.read()
    _, status, ru = os.wait4(p.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{err.decode(errors='replace')[:3000]}")
    return time.perf_counter() - t, ru.ru_utime, ru.ru_maxrss / 1024


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--include", default=str(HERE.parent.parent / "include"))
    ap.add_argument("--compilers", default="g++-12,clang++-16")
    ap.add_argument("--stages", default=",".join(STAGES))
    ap.add_argument("--mix", default="70,10,10,10", help="percent simple,merged,blocked,labelled")
    ap.add_argument("--write", help="write the stage sources to this directory and stop")
    args = ap.parse_args()
    stages = args.stages.split(",")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(args.write or tmp)
        tmp.mkdir(parents=True, exist_ok=True)
        for s in stages:
            (tmp / f"{s}.cpp").write_text(source(s, args.count, args.seed, tuple(float(x) for x in args.mix.split(","))))
        if args.write:
            return
        print(f"# {' '.join(sys.argv)}; N = {args.count}; include {args.include}")
        for compiler in args.compilers.split(","):
            med = {}
            samples = {s: [] for s in stages}
            for r in range(args.repeat):
                for s in stages:
                    samples[s].append(run([compiler, "-std=c++20", "-fsyntax-only", f"-I{args.include}", str(tmp / f"{s}.cpp")]))
            for s in stages:
                med[s] = tuple(statistics.median(x[i] for x in samples[s]) for i in range(3))
            print(f"\n## {compiler}\n\n| stage | user s | MB | Δ user s | Δ MB | Δ user ms per pair | Δ KB per pair |")
            print("|---|---:|---:|---:|---:|---:|---:|")
            prev = None
            for s in stages:
                u, m = med[s][1], med[s][2]
                if prev is None:
                    print(f"| {s} | {u:.2f} | {m:.0f} | | | | |")
                else:
                    du, dm = u - prev[0], m - prev[1]
                    print(f"| {s} | {u:.2f} | {m:.0f} | {du:+.2f} | {dm:+.0f} | {du * 1000 / args.count:+.2f} | "
                          f"{dm * 1024 / args.count:+.0f} |")
                prev = (u, m)
            sys.stdout.flush()


if __name__ == "__main__":
    main()
