#!/usr/bin/env bash
# The whole test suite, on g++ 12 and on clang 16: configure, build, run every test (static
# laws, compile-fail cases, run-time tests under sanitizers, conformance, code rendering, docs,
# packaging, examples, the command-line tool), with warnings as errors (the presets). Then the
# build a user gets from a plain `cmake -S . -B build`: no preset, no -Werror, the default
# generator and compiler, Release. Installs what is missing (Debian 12, as root).
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/deps.sh
read -r -a packages <<<"$(axle_preset_packages gcc) $(axle_preset_packages clang)"
axle_install_packages "${packages[@]}"
for preset in gcc clang; do
  echo "== axle test suite: $preset" >&2
  cmake --workflow --preset "$preset"
done
echo "== axle test suite: a plain Release configuration (the tool, the examples)" >&2
cmake -S . -B build/plain -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/plain -j2 --target axle_cli gen_catalogue_doc axle_examples >/dev/null
ctest --test-dir build/plain -L example --output-on-failure >/dev/null
echo "== axle test suite: all green on g++ 12 and clang 16" >&2
