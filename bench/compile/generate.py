#!/usr/bin/env python3
"""Writes a translation unit that derives N distinct plans.

Each plan converts a fixed rank-8 layout (N, C, O, I, G, D, H, W) into a distinct permutation of
it, with a distinct pattern of reversed spatial axes: 8! = 40320 layouts to draw from, so 1000
plans are 1000 distinct derivations. Every plan is used (its size is summed in a
static_assert), so nothing can be skipped. N = 0 gives the include-only translation unit.

Usage: generate.py N > tu.cpp"""
import itertools
import random
import sys


def main():
    n = int(sys.argv[1])
    axes = ["N", "C", "O", "I", "G", "D", "H", "W"]
    perms = list(itertools.permutations(axes))
    random.Random(1).shuffle(perms)
    out = ["#include <axle/axle.hpp>", "using namespace axle;", "using namespace axle::axes;",
           "using base = layout<N, C, O, I, G, D, H, W>;"]
    for k, p in enumerate(perms[:n]):
        entries = []
        for a in p:
            flip = a in "DHW" and (k >> "DHW".index(a)) & 1
            entries.append(f"flipped<{a}>" if flip else a)
        out.append(f"using P{k} = plan_t<base, layout<{', '.join(entries)}>>;")
        out.append(f"static_assert(P{k}::size > 0);")
    print("\n".join(out))


if __name__ == "__main__":
    main()
