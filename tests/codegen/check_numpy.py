#!/usr/bin/env python3
"""Executes the code axle renders for each case of `codegen_cases` on an index tensor and
compares the result, element by element and in shape, with axle's own C++ conversion.

Usage: check_numpy.py path/to/codegen_cases
NumPy is required; the PyTorch rendering is checked too when torch is importable."""
import subprocess
import sys

import numpy as np

try:
    import torch
except ImportError:  # PyTorch is optional here
    torch = None


def parse(text):
    cases, lines, i = [], text.splitlines(), 0
    while i < len(lines):
        head, _, rest = lines[i].partition(" ")
        i += 1
        if head == "case":
            cases.append({"name": rest})
        elif head in ("numpy", "torch"):
            code = []
            while lines[i] != "end":
                code.append(lines[i])
                i += 1
            i += 1
            cases[-1][head] = "\n".join(code)
        elif head in ("shape", "result_shape", "result"):
            cases[-1][head] = [int(v) for v in rest.split()]
        elif head == "vars":
            cases[-1]["vars"] = {k: int(v) for k, v in (x.split("=") for x in rest.split())}
        else:
            cases[-1][head] = rest
    return cases


def run(code, w, env):
    scope = dict(env, w=w)
    if "\n" in code or code.startswith("w = "):
        exec(code, scope)
        return scope["w"]
    return eval(code, scope)


def main():
    out = subprocess.run([sys.argv[1]], check=True, capture_output=True, text=True).stdout
    cases = parse(out)
    failures = 0
    for c in cases:
        shape, expected = tuple(c["shape"]), np.array(c["result"]).reshape(c["result_shape"])
        w = np.arange(int(np.prod(shape))).reshape(shape)
        got = np.asarray(run(c["numpy"], w, dict(c.get("vars", {}), np=np)))
        ok = got.shape == expected.shape and np.array_equal(got, expected)
        print(f"{'ok  ' if ok else 'FAIL'} numpy {c['name']}: {c['from']} -> {c['to']}: {c['numpy']!r}")
        failures += not ok
        if torch is not None:
            t = torch.arange(int(np.prod(shape))).reshape(shape)
            got = run(c["torch"], t, dict(c.get("vars", {}), torch=torch)).numpy()
            ok = got.shape == expected.shape and np.array_equal(got, expected)
            print(f"{'ok  ' if ok else 'FAIL'} torch {c['name']}: {c['torch']!r}")
            failures += not ok
    if len(cases) < 10:
        print(f"only {len(cases)} cases were printed")
        failures += 1
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
