#!/usr/bin/env bash
# The whole test suite, on g++ 12 and on clang 16: configure, build, run every test (static
# laws, compile-fail cases, run-time tests under sanitizers, conformance, code rendering,
# packaging, examples, the command-line tool). Installs what is missing (Debian 12, as root).
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/deps.sh
axle_install_packages "${AXLE_BUILD_PACKAGES[@]}" "${AXLE_TEST_PACKAGES[@]}"
for preset in gcc clang; do
  echo "== axle test suite: $preset" >&2
  cmake --workflow --preset "$preset"
done
echo "== axle test suite: all green on g++ 12 and clang 16" >&2
