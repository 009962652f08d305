#!/bin/sh
# Compiles the static test suite (tests/static/*.cpp) and runs the compile-fail checks with both
# compilers against an include directory: the correctness gate for compile-time prototypes.
# Usage: bench/compile/check_suite.sh [INCLUDE_DIR]
root=$(cd "$(dirname "$0")/../.." && pwd)
inc=${1:-$root/include}
fail=0
for cxx in g++-12 clang++-16; do
  for f in "$root"/tests/static/*.cpp; do
    $cxx -std=c++20 -fsyntax-only -Wall -Wextra -Wpedantic -Werror -fno-delete-null-pointer-checks -I"$inc" "$f" \
      >/dev/null 2>&1 || { echo "FAIL static $cxx $(basename "$f")"; fail=1; }
  done
  for f in "$root"/tests/compile_fail/*.cpp; do
    for mode in fail ok; do
      cmake -DCOMPILER=$cxx -DINCLUDE="$inc" -DSOURCE="$f" -DMODE=$mode -P "$root/tests/compile_fail/check.cmake" \
        >/dev/null 2>&1 || { echo "FAIL compile_$mode $cxx $(basename "$f")"; fail=1; }
    done
  done
done
[ $fail = 0 ] && echo "suite: all passed ($inc)"
exit $fail
