#!/usr/bin/env bash
# axle's build and test dependencies, from Debian 12's own archive, by preset of CMakePresets.json.
#
#   bash tools/deps.sh [preset...]     install what the presets need (all presets by default)
#   source tools/deps.sh               define the lists and functions (tools/test.sh, tools/example.sh)
#
# Run as root (or with sudo available). A plain `cmake -S . -B build` needs none of the optional
# packages: what lacks its dependency is skipped.
set -euo pipefail

axle_install_packages() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "axle: installing ${missing[*]}" >&2
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "axle: run as root to install ${missing[*]}" >&2; exit 1; }
    sudo=(sudo)
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# What building and running the examples and the tool needs.
# Checkpoints: nlohmann::json (safetensors headers), libzip through pkg-config (.npz), toml11 (the
# rules of `axle convert-checkpoint`).
AXLE_BUILD_PACKAGES=(ca-certificates cmake ninja-build g++-12 libfmt-dev libboost-dev libeigen3-dev libcli11-dev
                     nlohmann-json3-dev libzip-dev pkgconf libtoml11-dev)
# What the whole test suite needs in addition: the second compiler and its sanitizer runtime,
# Boost.Test, Debian's Python with NumPy (code rendering), PyTorch and ONNX (live conformance),
# pkg-config (the installed axle.pc), strace (which outputs are flushed to disk, seen in the system
# calls).
AXLE_TEST_PACKAGES=(clang-16 libclang-rt-16-dev libboost-test-dev python3 python3-numpy python3-torch python3-onnx pkgconf strace)
# What the benchmarks need in addition (the release preset).
AXLE_BENCH_PACKAGES=(libbenchmark-dev)

# The packages one preset of CMakePresets.json needs; fails for a preset it does not know, so
# that a new preset cannot go without its list (the test suite checks every preset).
axle_preset_packages() {
  case "$1" in
    gcc | clang) echo "${AXLE_BUILD_PACKAGES[@]}" "${AXLE_TEST_PACKAGES[@]}" ;;
    release) echo "${AXLE_BUILD_PACKAGES[@]}" "${AXLE_BENCH_PACKAGES[@]}" ;;
    *)
      echo "axle: tools/deps.sh has no package list for preset '$1'" >&2
      return 1
      ;;
  esac
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  cd "$(dirname "$0")/.."
  presets=("$@")
  [ ${#presets[@]} -eq 0 ] && presets=(gcc clang release)
  packages=()
  for preset in "${presets[@]}"; do
    read -r -a more <<<"$(axle_preset_packages "$preset")"
    packages+=("${more[@]}")
  done
  axle_install_packages "${packages[@]}"
fi
