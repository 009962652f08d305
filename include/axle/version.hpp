// axle — version. CMake reads the numbers below; they are the one source of the version.
#pragma once

#define AXLE_VERSION_MAJOR 0
#define AXLE_VERSION_MINOR 1
#define AXLE_VERSION_PATCH 0

namespace axle {
inline constexpr int version_major = AXLE_VERSION_MAJOR;
inline constexpr int version_minor = AXLE_VERSION_MINOR;
inline constexpr int version_patch = AXLE_VERSION_PATCH;
}  // namespace axle
