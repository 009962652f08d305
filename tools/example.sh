#!/usr/bin/env bash
# The main job: builds and runs the flagship example, the PyTorch -> Equinox ConvTranspose2d
# port. Installs what is missing (Debian 12, as root).
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/deps.sh
axle_install_packages "${AXLE_BUILD_PACKAGES[@]}"
cmake -S . -B build/example -G Ninja -DCMAKE_CXX_COMPILER=g++-12 -DCMAKE_BUILD_TYPE=Release \
      -DAXLE_BUILD_TESTS=OFF -DAXLE_BUILD_TOOLS=OFF -DAXLE_BUILD_EXAMPLES=ON >/dev/null
cmake --build build/example --target example_pytorch_to_equinox >/dev/null
./build/example/examples/pytorch_to_equinox
