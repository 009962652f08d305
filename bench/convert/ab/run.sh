#!/bin/sh
# A/B the strided_copy kernel of two checkouts in one run (kernel_ab.cpp says what is timed).
#   bench/convert/ab/run.sh [A_ROOT] [B_ROOT] [REPS] [MIN_REP_SECONDS] [FILTER]
# A_ROOT defaults to main's header (git show main:...), B_ROOT to this working tree.
# CXX and CXXFLAGS (default: g++-12, -O3 -DNDEBUG as CMake's Release) can be overridden.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
out=${AXLE_AB_BUILD:-/tmp/axle_kernel_ab}
mkdir -p "$out"
a=${1:-}
if [ -z "$a" ]; then
  a="$out/main"
  mkdir -p "$a/include/axle/detail"
  git -C "$root" show main:include/axle/detail/strided_copy.hpp > "$a/include/axle/detail/strided_copy.hpp"
fi
b=${2:-$root}
CXX=${CXX:-g++-12}
CXXFLAGS=${CXXFLAGS:--O3 -DNDEBUG}
$CXX -std=c++20 $CXXFLAGS -I"$a/include" -DAXLE_AB_NS=a -c "$here/kernel.cpp" -o "$out/a.o"
$CXX -std=c++20 $CXXFLAGS -I"$b/include" -DAXLE_AB_NS=b -c "$here/kernel.cpp" -o "$out/b.o"
$CXX -std=c++20 $CXXFLAGS -c "$here/kernel_ab.cpp" -o "$out/main.o"
$CXX "$out/main.o" "$out/a.o" "$out/b.o" -o "$out/kernel_ab"
echo "A: $a"
echo "B: $b"
echo "$CXX $CXXFLAGS"
"$out/kernel_ab" "${3:-7}" "${4:-0.02}" "${5:-}"
