#!/usr/bin/env python3
"""The compile-time cost of layouts written as text against the same layouts spelled as types.

Writes translation units holding COUNT distinct layouts of a convolution weight (permutations of
G, O, I, H, W with merged dimensions, reversed spatial axes and blocked channels), each spelled
either as a type, `axle::layout<merged<G, O>, I, flipped<H>, ...>`, or as text,
`axle::layout_t<"((G, O), I, H~, ...)">`. Both forms give the same types; the text form also
parses each string and builds the type from the parse. Two uses of each layout:

  declared   the layout is made complete (`static_assert(sizeof(L) == 1)`), nothing else;
  planned    the plan from it to `(G, O, I, H, W)` is derived and applied back
             (`apply_t<plan_t<L, R>, L>` is R): what a program does with a layout.

and a baseline translation unit with the same includes and no layout. A third form, *bare*
(declared only), names each text as a template argument of an empty template, `text_only<"((G,
O), I, H~, ...)">`, and reads nothing: the least any layout written as text can cost, whatever
its parser. Every translation unit is compiled REPEAT times by each compiler (-std=c++20 -fsyntax-only), the runs of all of them
interleaved, and the median user CPU time and the median peak resident memory of each are
reported, with the ratio of the text form to the type form and the cost per layout over the
baseline. The compiler's user time and memory are read from the kernel (getrusage of the child).

With --write DIR, the translation units are written to DIR (baseline.cpp, declared_types.cpp,
declared_strings.cpp, planned_types.cpp, planned_strings.cpp) and nothing is compiled: to measure
them another way (callgrind's instruction counts, -ftime-trace); declared_bare.cpp holds the bare form.

Usage: bench/compile/text_layouts.py [--count 300] [--repeat 5] [--compilers g++-12,clang++-16] [--write DIR]"""
import argparse
import itertools
import pathlib
import random
import statistics
import subprocess
import sys
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
INCLUDE = HERE.parent.parent / "include"


def layouts(count):
    """COUNT distinct layouts as (type, text) pairs over the axes G, O, I, H, W."""
    rng = random.Random(10)
    seen, out = set(), []
    while len(out) < count:
        # Entries: each a list of atoms (type, text); the groups merged with O or I, or alone.
        order = ["O", "I", "H", "W"]
        rng.shuffle(order)
        atoms = {a: (a, a) for a in order}
        for s in ("H", "W"):
            if rng.random() < 0.5:
                atoms[s] = (f"flipped<{s}>", f"{s}~")
        tail = []
        for c in ("O", "I"):
            if rng.random() < 0.3:
                f = rng.choice([2, 4, 8, 16])
                atoms[c] = (f"outer<{c}, {f}>", f"{c}/{f}")
                tail.append((f"inner<{c}, {f}>", f"{f}{c.lower()}"))
        rng.shuffle(tail)
        entries = [[atoms[a]] for a in order] + [[t] for t in tail]
        where = rng.choice(["alone", "O", "I"])
        if where == "alone":
            entries.insert(rng.randrange(len(entries) + 1), [("G", "G")])
        else:
            for e in entries:
                if e[0][1].startswith(where) and not e[0][1][0].isdigit():
                    e.insert(0, ("G", "G"))
        type_ = "axle::layout<" + ", ".join(
            e[0][0] if len(e) == 1 else "axle::merged<" + ", ".join(a[0] for a in e) + ">" for e in entries) + ">"
        text = "(" + ", ".join(e[0][1] if len(e) == 1 else "(" + ", ".join(a[1] for a in e) + ")" for e in entries) + ")"
        if text not in seen:
            seen.add(text)
            out.append((type_, text))
    return out


PRELUDE = """#include <axle/axle.hpp>
#include <axle/parse.hpp>
#include <type_traits>
using namespace axle::axes;
using axle::flipped;
using axle::inner;
using axle::outer;
using R = axle::layout<G, O, I, H, W>;
"""

# The bare form: the text as the same template argument layout_t takes, and nothing read from it.
BARE = """template <axle::fixed_string Text>
struct text_only {};
"""


def source(items, form, use):
    lines = [PRELUDE + (BARE if form == "bare" else "")]
    for k, (type_, text) in enumerate(items):
        spelled = {"types": type_, "strings": f'axle::layout_t<"{text}">', "bare": f'text_only<"{text}">'}[form]
        lines.append(f"using L{k} = {spelled};")
        if use == "declared":
            lines.append(f"static_assert(sizeof(L{k}) == 1);")
        else:
            lines.append(f"static_assert(std::is_same_v<axle::apply_t<axle::plan_t<L{k}, R>, L{k}>, R>);")
    return "\n".join(lines) + "\nint main() {}\n"


UNITS = list(itertools.product(("declared", "planned"), ("types", "strings"))) + [("declared", "bare")]


def run(compiler, path):
    """User CPU seconds and peak resident MB of one compilation."""
    script = ("import resource,subprocess,sys;"
              "r=subprocess.run(sys.argv[1:],capture_output=True);"
              "u=resource.getrusage(resource.RUSAGE_CHILDREN);"
              "print(u.ru_utime, u.ru_maxrss, r.returncode)")
    out = subprocess.run([sys.executable, "-c", script, compiler, "-std=c++20", "-fsyntax-only", f"-I{INCLUDE}", str(path)],
                         capture_output=True, text=True, check=True).stdout.split()
    if out[2] != "0":
        sys.exit(f"{compiler} failed on {path}")
    return float(out[0]), int(out[1]) / 1024


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=300)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--compilers", default="g++-12,clang++-16")
    ap.add_argument("--write", help="write the translation units to this directory and stop")
    args = ap.parse_args()
    items = layouts(args.count)
    if args.write:
        out = pathlib.Path(args.write)
        out.mkdir(parents=True, exist_ok=True)
        (out / "baseline.cpp").write_text(PRELUDE + "int main() {}\n")
        for use, form in UNITS:
            (out / f"{use}_{form}.cpp").write_text(source(items, form, use))
        return
    compilers = args.compilers.split(",")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        units = {("baseline", "-"): tmp / "baseline.cpp"}
        units[("baseline", "-")].write_text(PRELUDE + "int main() {}\n")
        for use, form in UNITS:
            units[(use, form)] = tmp / f"{use}_{form}.cpp"
            units[(use, form)].write_text(source(items, form, use))
        results = {(c, u): ([], []) for c in compilers for u in units}
        for _ in range(args.repeat):  # interleaved: every unit once per round
            for c in compilers:
                for u, path in units.items():
                    t, m = run(c, path)
                    results[(c, u)][0].append(t)
                    results[(c, u)][1].append(m)
    med = {k: (statistics.median(v[0]), statistics.median(v[1])) for k, v in results.items()}
    print(f"{args.count} layouts, median of {args.repeat} interleaved runs, -std=c++20 -fsyntax-only\n")
    print("| compiler | use | types: user s | strings: user s | strings / types | types: MB | strings: MB "
          "| strings / types | per layout over the baseline (types, strings) |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---|")
    for c in compilers:
        base_t, base_m = med[(c, ("baseline", "-"))]
        for use in ("declared", "planned"):
            tt, tm = med[(c, (use, "types"))]
            st, sm = med[(c, (use, "strings"))]
            per = (f"{1000 * (tt - base_t) / args.count:.2f} ms, {1000 * (st - base_t) / args.count:.2f} ms")
            print(f"| {c} | {use} | {tt:.2f} | {st:.2f} | {st / tt:.2f} | {tm:.0f} | {sm:.0f} | {sm / tm:.2f} | {per} |")
        bt, bm = med[(c, ("declared", "bare"))]
        tt = med[(c, ("declared", "types"))][0]
        print(f"| {c} | bare text, declared | | {bt:.2f} | {bt / tt:.2f} | | {bm:.0f} | | "
              f"{1000 * (bt - base_t) / args.count:.2f} ms (the string alone) |")
        print(f"| {c} | baseline (the includes) | {base_t:.2f} | | | {base_m:.0f} | | | |")


if __name__ == "__main__":
    main()
