#!/usr/bin/env python3
"""Builds docs/errors.md: every compile-time diagnostic axle declares, with what it means and how
to fix it (from the comment above its declaration), and for each, the test suite's compile-fail
cases that raise it: the broken program, the first error line g++ 12 and clang 16 really print,
and the compiling twin.

Usage: tools/error_gallery.py [--check | --coverage] [--output docs/errors.md] [--jobs N]
                              [--errors-from DIR --compiler-label "g++ 12"]
  --check     regenerate into memory; exit 1 when docs/errors.md differs or a diagnostic has no
              case, no meaning or no fix (the page cannot drift)
  --coverage  only the second half: every declared diagnostic has a case, a meaning and a fix
              (no compiler is run)
  --errors-from DIR --compiler-label LABEL
              with --check: take that compiler's first error lines from DIR/<case>.txt (written by
              the compile-fail tests, tests/compile_fail/check.cmake) instead of compiling, and
              the other compiler's from the page as it is. The test suite checks the page this
              way in each configuration, for its own compiler, at no extra compilation.

A diagnostic is a class template declared and never defined in a public header (outside
`namespace detail`); its comment is `/// <meaning>` followed by `/// Fix: <what to do>`. A case
(tests/compile_fail/*.cpp) raises every diagnostic its `// expect:` regex names; it is shown
under the last one named (the most specific: `cannot_convert<..., labels_differ<...>>` is shown
under labels_differ) and referred to from the others."""
import argparse
import concurrent.futures
import os
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
INCLUDE = ROOT / "include"
CASES = ROOT / "tests" / "compile_fail"
COMPILERS = [("g++ 12", "g++-12"), ("clang 16", "clang++-16")]

DECLARATION = re.compile(r"^template <[^;{}]*>\s*struct (\w+);", re.M)


def namespace_at(text, offset):
    """The namespace a declaration at `offset` is in (`axle`, `axle::jax`, ...), or None inside
    a detail namespace. Namespaces close with `}  // namespace <name>`, as clang-format writes."""
    stack = []
    for line in text[:offset].splitlines():
        opened = re.match(r"namespace ([\w:]+) \{", line)
        if opened:
            stack.append(opened.group(1))
        elif re.match(r"\}\s*// namespace", line) and stack:
            stack.pop()
    if "detail" in stack:
        return None
    return "::".join(stack) or "axle"


def doc_comment(text, offset):
    """The `///` lines right above the declaration at `offset`."""
    lines = text[:offset].splitlines()
    out = []
    while lines and lines[-1].lstrip().startswith("///"):
        out.insert(0, lines.pop().lstrip()[3:].strip())
    return out


def diagnostics():
    """Every declared diagnostic, in header order (diagnostics.hpp first)."""
    headers = sorted(INCLUDE.rglob("*.hpp"), key=lambda p: (p.name != "diagnostics.hpp", str(p)))
    texts = {p: p.read_text() for p in headers}
    found = []
    for path, text in texts.items():
        for m in DECLARATION.finditer(text):
            name = m.group(1)
            ns = namespace_at(text, m.start())
            if ns is None:
                continue
            defined = any(re.search(r"\bstruct %s\s*(<|\{|:|final\b)" % name, t) for t in texts.values())
            if defined:
                continue
            doc = doc_comment(text, m.start())
            fix_at = next((i for i, l in enumerate(doc) if l.startswith("Fix:")), len(doc))
            found.append({
                "name": name,
                "qualified": f"{ns}::{name}",
                "header": path.relative_to(INCLUDE).as_posix(),  # axle/diagnostics.hpp
                "meaning": " ".join(doc[:fix_at]).strip(),
                "fix": " ".join(doc[fix_at:])[len("Fix:"):].strip(),
                "cases": [],
            })
    return found


def parse_case(path):
    lines = path.read_text().splitlines()
    expect = lines[0][len("// expect: "):] if lines and lines[0].startswith("// expect: ") else ""
    about = []
    k = 1
    while k < len(lines) and lines[k].startswith("//"):
        about.append(lines[k][2:].strip())
        k += 1
    return {"path": path, "name": path.stem, "expect": expect, "about": " ".join(about), "body": lines[k:]}


def program(case, bad):
    """The case's program with the bad or the good branch selected."""
    out, keep, mode = [], True, None
    for line in case["body"]:
        if line.startswith("#ifdef AXLE_COMPILE_FAIL"):
            mode, keep = "if", bad
            continue
        if line.startswith("#else") and mode == "if":
            keep = not bad
            continue
        if line.startswith("#endif") and mode:
            mode, keep = None, True
            continue
        if keep:
            out.append(line)
    return "\n".join(out).strip()


def shown(line):
    """A first error line as the page shows it: paths and line numbers are the reader's own, so
    only the file name is kept."""
    line = re.sub(r"^.*?([\w.]+\.(?:hpp|cpp)):\d+:\d+:", r"\1:", line.strip())
    return line.replace("\u2018", "'").replace("\u2019", "'")


def first_error(compiler, source):
    proc = subprocess.run([compiler, "-std=c++20", "-fsyntax-only", "-DAXLE_COMPILE_FAIL", f"-I{INCLUDE}", str(source)],
                          capture_output=True, text=True)
    for line in proc.stderr.splitlines():
        if "error:" in line:
            return shown(line)
    return "(no error)"


def errors_on_page(page):
    """{(compiler label, case name): line} as docs/errors.md shows them."""
    found, case = {}, None
    lines = page.splitlines()
    for i, line in enumerate(lines):
        m = re.match(r"### Example: `(\w+)`", line)
        if m:
            case = m.group(1)
        for label, _ in COMPILERS:
            if line == f"{label}:" and case and i + 3 < len(lines) and lines[i + 2] == "```text":
                found[(label, case)] = lines[i + 3]
    return found


def assign(diags, cases):
    """Each case raises the diagnostics its expect regex names; it is shown under the last."""
    by_name = {d["name"]: d for d in diags}
    others = []
    for case in cases:
        named = [m.group(1) for m in re.finditer(r"(\w+)<", case["expect"]) if m.group(1) in by_name]
        case["raises"] = list(dict.fromkeys(named))
        for name in case["raises"]:
            by_name[name]["cases"].append(case)
        if not case["raises"]:
            others.append(case)
    return others


def coverage_problems(diags):
    problems = []
    for d in diags:
        where = f"{d['qualified']} (include/{d['header']})"
        if not d["cases"]:
            problems.append(f"{where}: no compile-fail case in tests/compile_fail/ names it in its '// expect:' line "
                            "(or, if it can never be raised, remove it)")
        if not d["meaning"]:
            problems.append(f"{where}: no '/// <meaning>' comment above its declaration")
        if not d["fix"]:
            problems.append(f"{where}: no '/// Fix: <what to do>' line above its declaration")
    return problems


def render(diags, others, errors):
    out = ["<!-- snippets: generated by tools/error_gallery.py from tests/compile_fail/, whose programs the "
           "compile-fail tests compile; do not edit -->",
           "# Error gallery",
           "",
           "Every compile-time error axle reports: what it means, how to fix it, and programs that raise it,",
           "with the first error line that g++ 12 and clang 16 print. Search this page for the name in the",
           "first line of your error.",
           "",
           "Each error is a class template that is declared and never defined; its name is the message and",
           "its arguments are the facts (`in<...>` is the layout in question). The library raises it once, so",
           "a mistake is one error, not a cascade. The programs are the test suite's compile-fail cases",
           "(`tests/compile_fail/`), each compiled by CTest on both compilers together with its fixed twin.",
           "This page is generated by `tools/error_gallery.py` from those cases and from the comments on the",
           "declarations; the suite fails when the page, the headers and the compilers disagree.",
           "",
           "| error | header |",
           "|---|---|"]
    for d in diags:
        out.append(f"| [`{d['name']}`](#{d['name']}) | `<{d['header']}>` |")
    if others:
        out.append("| [other errors](#other-errors) | |")
    out.append("")

    def show(case):
        parts = [f"### Example: `{case['name']}`", ""]
        if case["about"]:
            parts += [case["about"], ""]
        parts += ["Broken code:", "", "```cpp", program(case, True), "```", ""]
        for label, compiler in COMPILERS:
            parts += [f"{label}:", "", "```text", errors[(compiler, case["name"])], "```", ""]
        parts += ["Fixed code:", "", "```cpp", program(case, False), "```", ""]
        return parts

    for d in diags:
        out += [f"## {d['name']}", "", f"`{d['qualified']}`, declared in `<{d['header']}>`.", "",
                f"**Meaning.** {d['meaning']}", "", f"**Fix.** {d['fix'][:1].upper() + d['fix'][1:]}", ""]
        shown_elsewhere = [c for c in d["cases"] if c["raises"][-1] != d["name"]]
        for case in d["cases"]:
            if case["raises"][-1] == d["name"]:
                out += show(case)
        for case in shown_elsewhere:
            home = case["raises"][-1]
            out += [f"It is also the outer error of [`{case['name']}`](#{home}), shown under `{home}`.", ""]
    if others:
        out += ["## Other errors", "",
                "Mistakes caught by a `static_assert` of the library rather than a named diagnostic.", ""]
        for case in others:
            out += show(case)
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--coverage", action="store_true")
    ap.add_argument("--output", default=str(ROOT / "docs" / "errors.md"))
    ap.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    ap.add_argument("--errors-from")
    ap.add_argument("--compiler-label", choices=[label for label, _ in COMPILERS])
    args = ap.parse_args()

    diags = diagnostics()
    cases = [parse_case(p) for p in sorted(CASES.glob("*.cpp"))]
    others = assign(diags, cases)
    problems = coverage_problems(diags)
    if problems:
        sys.exit("axle: diagnostics not shown in the error gallery:\n  " + "\n  ".join(problems))
    if args.coverage:
        print(f"{len(diags)} diagnostics, each with a case, a meaning and a fix ({len(cases)} cases)")
        return

    out = pathlib.Path(args.output)
    if args.errors_from:
        if not (args.check and args.compiler_label):
            sys.exit("--errors-from goes with --check and --compiler-label")
        on_page = errors_on_page(out.read_text() if out.exists() else "")
        errors = {}
        for label, compiler in COMPILERS:
            for case in cases:
                if label == args.compiler_label:
                    source = pathlib.Path(args.errors_from) / f"{case['name']}.txt"
                    errors[(compiler, case["name"])] = shown(source.read_text()) if source.exists() else "(not compiled)"
                else:
                    errors[(compiler, case["name"])] = on_page.get((label, case["name"]), "(missing)")
    else:
        jobs = [(compiler, case) for case in cases for _, compiler in COMPILERS]
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            lines = pool.map(lambda job: first_error(job[0], job[1]["path"]), jobs)
            errors = {(compiler, case["name"]): line for (compiler, case), line in zip(jobs, lines)}
    page = render(diags, others, errors)
    if args.check:
        if not out.exists() or out.read_text() != page:
            old = out.read_text().splitlines() if out.exists() else []
            diff = [f"  page: {a}\n  now:  {b}" for a, b in zip(old, page.splitlines()) if a != b][:3]
            sys.exit(f"{out} is out of date: run tools/error_gallery.py\n" + "\n".join(diff))
        return
    out.write_text(page)


if __name__ == "__main__":
    main()
