// axle — checked arithmetic for sizes: every size computed from input goes through here.
//
// Shapes follow NumPy's rule (numpy/_core/src/multiarray/ctors.c, PyArray_NewFromDescr_int): the
// product of the non-zero extents times the element size must fit in a signed 64-bit integer,
// whatever the order of the dimensions, and a shape with a zero extent holds no element. So
// (0, 2^62, 2^62) float32 does not fit although it holds nothing (its strides would overflow),
// and (2^62, 2^62, 3, 0) is refused exactly as (0, 2^62, 2^62, 3) is.
#pragma once

#include <cstddef>
#include <limits>
#include <optional>
#include <type_traits>

namespace axle::detail {

using size_index = std::ptrdiff_t;

/// a * b, or nothing when it overflows.
template <class Int>
[[nodiscard]] constexpr std::optional<Int> checked_mul(Int a, Int b) noexcept {
  Int r{};
  if (__builtin_mul_overflow(a, b, &r)) return std::nullopt;
  return r;
}

/// a + b, or nothing when it overflows.
template <class Int>
[[nodiscard]] constexpr std::optional<Int> checked_add(Int a, Int b) noexcept {
  Int r{};
  if (__builtin_add_overflow(a, b, &r)) return std::nullopt;
  return r;
}

/// `v` as a `To`, or nothing when it does not fit (signed and unsigned in either direction).
template <class To, class From>
[[nodiscard]] constexpr std::optional<To> checked_cast(From v) noexcept {
  static_assert(std::is_integral_v<To> && std::is_integral_v<From>);
  To r{};
  if (__builtin_add_overflow(v, From{0}, &r)) return std::nullopt;
  return r;
}

/// What a shape holds: its element count, or nothing when a negative extent or NumPy's size rule
/// (the product of the non-zero extents times `item_bytes` fits in a signed 64-bit integer)
/// refuses it.
struct shape_size {
  size_index elements = 0;
  size_index bytes = 0;
};

template <class Range>
[[nodiscard]] constexpr std::optional<shape_size> checked_shape_size(const Range& extents, size_index item_bytes = 1) noexcept {
  size_index nonzero = item_bytes;  // product of the non-zero extents, times the item size
  bool empty = false;
  for (const auto& e : extents) {
    if (e < 0) return std::nullopt;
    if (e == 0) {
      empty = true;
      continue;
    }
    const auto x = checked_cast<size_index>(e);
    if (!x) return std::nullopt;
    const auto p = checked_mul(nonzero, *x);
    if (!p) return std::nullopt;
    nonzero = *p;
  }
  if (empty) return shape_size{0, 0};
  return shape_size{item_bytes == 0 ? 0 : nonzero / item_bytes, nonzero};
}

}  // namespace axle::detail
