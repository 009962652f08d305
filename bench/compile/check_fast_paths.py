#!/usr/bin/env python3
"""Writes a translation unit checking the prototype's type-level fast paths against the engine on
random pairs of the realistic workload (workload.py), in both directions:

  * plan_t<A, B> is exactly the engine's plan (detail::plan_for<A, B>::type);
  * apply_t<plan_t<A, B>, A> is exactly the engine's application, and is B;
  * the fast path of each pair's kind was taken (simple_plan for simple pairs, atom_plan for the
    others), so that the comparison is not vacuous;
  * apply_t's two fast paths agree with the engine each on its own: for simple pairs (whole axes)
    the type-level one was taken, and apply_compact, which the others take, gives the engine's
    layout on every pair;
  * clayout<L>::valid == checked<L>::ok for every layout.

Usage: check_fast_paths.py N --seed S [--mix 70,10,10,10] > check.cpp
       g++-12 -std=c++20 -fsyntax-only -Iinclude check.cpp      (compiled = passed)"""
import argparse
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import workload  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--mix", default="70,10,10,10")
    args = ap.parse_args()
    d = "axle::detail::"
    out = [workload.AXLE_HEAD]
    mix = dict(zip(workload.KINDS, (float(x) for x in args.mix.split(","))))
    for k, (kind, a, b) in enumerate(workload.pairs(args.n, args.seed, mix)):
        A, B = f"A{k}", f"B{k}"
        out.append(f"using {A} = {workload.render_layout(a)};")
        out.append(f"using {B} = {workload.render_layout(b)};")
        for L in (A, B):
            out.append(f"static_assert({d}clayout<{L}>::valid == {d}checked<{L}>::ok);")
        for x, y in ((A, B), (B, A)):
            out.append(f"static_assert(!std::is_same_v<{d}fast_plan<{x}, {y}>::type, {d}no_fast_plan>);")
            out.append(f"static_assert(!std::is_same_v<{d}fast_apply<axle::plan_t<{x}, {y}>, {x}>::type, {d}no_fast_apply>);")
            out.append(f"static_assert(std::is_same_v<axle::plan_t<{x}, {y}>, {d}plan_for<{x}, {y}>::type>);")
            if kind == "simple":
                out.append(f"static_assert(!std::is_same_v<{d}whole_axes_apply<axle::plan_t<{x}, {y}>, {x}, true>::type, "
                           f"{d}no_fast_apply>);")
            out.append(f"static_assert(std::is_same_v<{d}compact_apply<axle::plan_t<{x}, {y}>, {x}, true>::type, "
                       f"{d}applied<{d}plan_for<{x}, {y}>::type, {x}>::type>);")
            out.append(f"static_assert(std::is_same_v<axle::apply_t<axle::plan_t<{x}, {y}>, {x}>, "
                       f"{d}applied<{d}plan_for<{x}, {y}>::type, {x}>::type>);")
            out.append(f"static_assert(std::is_same_v<axle::apply_t<axle::plan_t<{x}, {y}>, {x}>, {y}>);")
    out.append("int main() {}")
    print("\n".join(out))


if __name__ == "__main__":
    main()
