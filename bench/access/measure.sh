#!/usr/bin/env bash
# Instruction counts of element access through a typed view vs raw pointer arithmetic, with
# callgrind. Each variant runs in its own process; its function's instructions are read from
# callgrind's per-function counts (the summing functions are leaves: self = inclusive).
#
#   bench/access/measure.sh                 # g++-12
#   CXX=clang++-16 bench/access/measure.sh
#   OUT=/tmp/access-bench bench/access/measure.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
CXX=${CXX:-g++-12}
OUT=${OUT:-/tmp/axle-access-bench}
mkdir -p "$OUT"
exe="$OUT/access-$(basename "$CXX")"
"$CXX" -std=c++20 -O2 -DNDEBUG -Wall -Wextra -Wpedantic -Werror -Iinclude bench/access/access.cpp -o "$exe"

count() {  # count <variant>: instructions executed in sum_<variant>
  local v=$1 file="$OUT/callgrind.$(basename "$CXX").$1"
  valgrind --tool=callgrind --callgrind-out-file="$file" "$exe" "$v" >/dev/null 2>&1
  callgrind_annotate --inclusive=no "$file" 2>/dev/null |
    awk -v f="sum_$v(" 'index($0, f) { gsub(",", "", $1); print $1; exit }'
}

echo "compiler: $("$CXX" --version | head -1)"
echo "flags:    -std=c++20 -O2 -DNDEBUG; tensor (256, 256, 3, 3) float, every element once"
printf "%-20s %14s %10s\n" variant instructions "ratio"
declare -A n
for v in raw named named_reordered positional raw_strided named_strided positional_strided raw_static named_static \
         raw_flipped named_flipped; do
  n[$v]=$(count "$v")
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.4f", a / b }'; }
row() { printf "%-20s %14s %10s\n" "$1" "${n[$1]}" "$(ratio "${n[$1]}" "${n[$2]}")"; }
for v in raw named named_reordered positional; do row "$v" raw; done
for v in raw_strided named_strided positional_strided; do row "$v" raw_strided; done
for v in raw_static named_static; do row "$v" raw_static; done
for v in raw_flipped named_flipped; do row "$v" raw_flipped; done
