#!/usr/bin/env bash
# Installs, from Debian 12's own archive, whatever of axle's build and test dependencies is
# missing. Sourced by tools/example.sh and tools/test.sh; run as root (or with sudo available).
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

# What building and running the examples needs.
# Checkpoints: nlohmann::json (safetensors headers), libzip through pkg-config (.npz), toml11 (the
# rules of `axle convert-checkpoint`).
AXLE_BUILD_PACKAGES=(ca-certificates cmake ninja-build g++-12 libfmt-dev libboost-dev libeigen3-dev libcli11-dev
                     nlohmann-json3-dev libzip-dev pkgconf libtoml11-dev)
# What the whole test suite needs in addition: the second compiler and its sanitizer runtime,
# Boost.Test, Debian's Python with NumPy (code rendering), PyTorch and ONNX (live conformance).
AXLE_TEST_PACKAGES=(clang-16 libclang-rt-16-dev libboost-test-dev python3 python3-numpy python3-torch python3-onnx)
