"""The command line both fixture scripts share: generate into a directory, or (--check)
regenerate into a temporary one and compare byte for byte with the committed fixtures."""
import argparse
import filecmp
import os
import sys
import tempfile


def compare_trees(a, b):
    """Lists the differences between two fixture directories."""
    problems = []

    def walk(d, rel):
        problems.extend("only in %s: %s" % (a, os.path.join(rel, n)) for n in d.left_only)
        problems.extend("only in %s: %s" % (b, os.path.join(rel, n)) for n in d.right_only)
        for n in d.common_files:
            if not filecmp.cmp(os.path.join(d.left, n), os.path.join(d.right, n), shallow=False):
                problems.append("differs: %s" % os.path.join(rel, n))
        for n, sub in sorted(d.subdirs.items()):
            walk(sub, os.path.join(rel, n))

    walk(filecmp.dircmp(a, b), "")
    return problems


def main(generate, default_out, description, argv=None):
    """Runs `generate(out_dir) -> number of cases` as the script's command line."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("out_dir", nargs="?", default=default_out, help="output directory (default: %(default)s)")
    parser.add_argument("--check", action="store_true",
                        help="regenerate into a temporary directory and compare with OUT_DIR")
    args = parser.parse_args(argv)
    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            generate(tmp)
            problems = compare_trees(args.out_dir, tmp)
        for p in problems:
            print(p, file=sys.stderr)
        print("%s: %s" % (args.out_dir, "up to date" if not problems else "%d differences" % len(problems)))
        return 1 if problems else 0
    n = generate(args.out_dir)
    print("wrote %d cases to %s" % (n, args.out_dir))
    return 0
