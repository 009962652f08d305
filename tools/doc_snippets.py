#!/usr/bin/env python3
"""Compiles every C++ snippet of README.md and docs/*.md as shown.

Usage: tools/doc_snippets.py --compiler g++-12 [--work DIR] [--std c++20] [files...]

The conventions (an HTML comment on the line before a fence; invisible on the rendered page):

  ```cpp                          a complete translation unit: it compiles on its own.
  <!-- snippet: continued -->     continues the page's program: compiled after the blocks
  ```cpp                          before it, back to the last complete one (a tutorial builds
                                  one program section by section).
  <!-- snippet: fails -->         must not compile (after the blocks it continues, if it is
  ```cpp                          also marked continued: `<!-- snippet: continued, fails -->`).
                                  When a ```text block follows it, that text is the first error
                                  line g++ prints (from `error:` on; line breaks and spaces
                                  are ignored), checked when the compiler is g++.
  <!-- snippet: fragment -->      deliberately incomplete: not compiled. Use sparingly.

A page whose first line is `<!-- snippets: generated ... -->` is skipped: it is generated from
programs that the test suite compiles elsewhere (docs/errors.md, from tests/compile_fail/).
Blocks are compiled with -std=c++20 -fsyntax-only -Wall -Wextra -Wpedantic -Werror; errors are
reported at the page's own line numbers."""
import argparse
import pathlib
import re
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
CPP = {"cpp", "c++", "cxx", "cc"}
FENCE = re.compile(r"^\s*```\s*([\w+-]*)\s*$")
MARKER = re.compile(r"^\s*<!--\s*snippet:\s*([\w ,]+?)\s*-->\s*$")


def blocks(path):
    """(language, first line number, text, marker words, following block) for each fence."""
    lines = path.read_text().splitlines()
    found, i = [], 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        lang = m.group(1).lower()
        marker = MARKER.match(lines[i - 1]) if i > 0 else None
        words = {w.strip() for w in marker.group(1).split(",")} if marker else set()
        j = i + 1
        while j < len(lines) and not FENCE.match(lines[j]):
            j += 1
        found.append({"lang": lang, "line": i + 2, "text": "\n".join(lines[i + 1:j]), "words": words})
        i = j + 1
    for k, b in enumerate(found):
        b["next"] = found[k + 1] if k + 1 < len(found) else None
    return found


def compile_unit(args, parts, work, name):
    """Compiles `parts` [(page, line, text)] as one translation unit; returns (ok, stderr)."""
    source = work / f"{name}.cpp"
    source.write_text("".join(f'#line {line} "{page}"\n{text}\n' for page, line, text in parts))
    cmd = [args.compiler, f"-std={args.std}", "-fsyntax-only", "-Wall", "-Wextra", "-Wpedantic", "-Werror",
           f"-I{ROOT / 'include'}"] + [f"-isystem{d}" for d in args.isystem] + [str(source)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    return proc.returncode == 0, proc.stderr


def squash(s):
    return re.sub(r"\s+", "", s.replace("\u2018", "'").replace("\u2019", "'"))


def check_page(args, path, work, problems):
    rel = path.relative_to(ROOT).as_posix()
    text = path.read_text()
    if text.startswith("<!-- snippets: generated"):
        return 0
    program, count = [], 0
    for n, b in enumerate(blocks(path)):
        if b["lang"] not in CPP:
            continue
        unknown = b["words"] - {"continued", "fails", "fragment"}
        if unknown:
            problems.append(f"{rel}:{b['line'] - 1}: unknown snippet marker {sorted(unknown)}")
            continue
        if "fragment" in b["words"]:
            continue
        count += 1
        if "continued" in b["words"] and not program:
            problems.append(f"{rel}:{b['line']}: marked continued, but no complete snippet comes before it")
            continue
        base = program if "continued" in b["words"] else []
        parts = base + [(rel, b["line"], b["text"])]
        ok, err = compile_unit(args, parts, work, f"{path.stem}_{n}")
        if "fails" in b["words"]:
            if ok:
                problems.append(f"{rel}:{b['line']}: marked fails, but it compiles")
                continue
            shown = b["next"]
            if shown and shown["lang"] == "text" and args.is_gcc:
                first = next((l for l in err.splitlines() if "error:" in l), "")
                first = first[first.index("error:"):] if first else ""
                if squash(shown["text"]) not in squash(first):
                    problems.append(f"{rel}:{shown['line']}: the error shown is not what {args.compiler} prints:\n"
                                    f"    {first}")
            continue
        if not ok:
            shown = "\n".join(err.splitlines()[:20])
            problems.append(f"{rel}:{b['line']}: does not compile:\n{shown}")
            continue
        program = parts
    return count


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--compiler", required=True)
    ap.add_argument("--std", default="c++20")
    ap.add_argument("--isystem", action="append", default=[])
    ap.add_argument("--work")
    ap.add_argument("files", nargs="*")
    args = ap.parse_args()
    version = subprocess.run([args.compiler, "--version"], capture_output=True, text=True).stdout
    args.is_gcc = "clang" not in version.lower() and ("g++" in version or "GCC" in version)
    eigen = pathlib.Path("/usr/include/eigen3")
    if eigen.is_dir() and str(eigen) not in args.isystem:
        args.isystem.append(str(eigen))
    pages = [pathlib.Path(f).resolve() for f in args.files] or [ROOT / "README.md"] + sorted((ROOT / "docs").glob("*.md"))
    problems, total = [], 0
    with tempfile.TemporaryDirectory() as tmp:
        work = pathlib.Path(args.work) if args.work else pathlib.Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        for page in pages:
            total += check_page(args, page, work, problems)
    if problems:
        sys.exit("C++ snippets that do not compile as shown (the markers for continued, failing and "
                 "incomplete snippets are explained at the top of tools/doc_snippets.py):\n" + "\n".join(problems))
    print(f"{total} C++ snippets in {len(pages)} pages compile as shown ({args.compiler})")


if __name__ == "__main__":
    main()
