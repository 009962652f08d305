#!/usr/bin/env python3
"""The same type-list work done with Boost.Hana's algorithms and with plain C++20 constexpr:
for N distinct permutations of eight axis types, the position of every axis in the source
order (the core of deriving a permutation). Prints a markdown table of compile time and peak
memory for both, on g++ 12 and clang 16.

Usage: bench/compile/hana_baseline.py [--count 100]"""
import argparse
import itertools
import random
import subprocess
import sys
import tempfile
import pathlib

HANA = """#include <boost/hana.hpp>
namespace hana = boost::hana;
struct N {}; struct C {}; struct O {}; struct I {}; struct G {}; struct D {}; struct H {}; struct W {};
constexpr auto source = hana::tuple_t<N, C, O, I, G, D, H, W>;
template <class... T> constexpr auto positions() {
  return hana::transform(hana::tuple_t<T...>, [](auto t) { return *hana::index_if(source, hana::equal.to(t)); });
}
"""
PLAIN = """#include <array>
#include <cstddef>
#include <type_traits>
struct N {}; struct C {}; struct O {}; struct I {}; struct G {}; struct D {}; struct H {}; struct W {};
template <class T, class... S> constexpr std::size_t index_of() {
  constexpr bool match[] = {std::is_same_v<T, S>...};
  for (std::size_t i = 0; i < sizeof...(S); ++i) if (match[i]) return i;
  return sizeof...(S);
}
template <class... T> constexpr std::array<std::size_t, sizeof...(T)> positions() {
  return {index_of<T, N, C, O, I, G, D, H, W>()...};
}
"""


def tu(head, n, hana):
    perms = list(itertools.permutations(["N", "C", "O", "I", "G", "D", "H", "W"]))
    random.Random(1).shuffle(perms)
    lines = [head]
    for k, p in enumerate(perms[:n]):
        check = "hana::length(x{0}) == hana::size_c<8>" if hana else "x{0}.size() == 8"
        lines.append(f"constexpr auto x{k} = positions<{', '.join(p)}>();")
        lines.append(f"static_assert({check.format(k)});")
    return "\n".join(lines) + "\nint main() {}\n"


def measure(compiler, source):
    script = ("import resource,subprocess,sys,time;t=time.perf_counter();r=subprocess.run(sys.argv[1:],capture_output=True);"
              "print(time.perf_counter()-t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r.returncode)")
    out = subprocess.run([sys.executable, "-c", script, compiler, "-std=c++20", "-fsyntax-only", str(source)],
                         capture_output=True, text=True, check=True).stdout.split()
    if out[2] != "0":
        sys.exit(f"{compiler} failed on {source}")
    return float(out[0]), int(out[1]) / 1024


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=100)
    n = ap.parse_args().count
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        (tmp / "hana.cpp").write_text(tu(HANA, n, True))
        (tmp / "plain.cpp").write_text(tu(PLAIN, n, False))
        (tmp / "hana0.cpp").write_text(tu(HANA, 0, True))
        (tmp / "plain0.cpp").write_text(tu(PLAIN, 0, False))
        print(f"| compiler | {n} permutations with | seconds | peak memory (MB) | seconds over the headers alone |")
        print("|---|---|---:|---:|---:|")
        for compiler in ("g++-12", "clang++-16"):
            rows = {}
            for name in ("hana", "plain"):
                base = measure(compiler, tmp / f"{name}0.cpp")[0]
                t, m = measure(compiler, tmp / f"{name}.cpp")
                rows[name] = t - base
                label = "Boost.Hana algorithms" if name == "hana" else "plain constexpr arrays"
                print(f"| {compiler} | {label} | {t:.2f} | {m:.0f} | {t - base:.2f} |", flush=True)
            print(f"| {compiler} | ratio Hana / plain | | | {rows['hana'] / max(rows['plain'], 1e-3):.0f}× |")


if __name__ == "__main__":
    main()
