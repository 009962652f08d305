// axle — checked arithmetic for sizes: every size computed from input goes through here.
//
// Shapes follow NumPy's rule (numpy/_core/src/multiarray/ctors.c, PyArray_NewFromDescr_int): the
// product of the non-zero extents times the element size must fit in a signed 64-bit integer,
// whatever the order of the dimensions, and a shape with a zero extent holds no element. So
// (0, 2^62, 2^62) float32 does not fit although it holds nothing (its strides would overflow),
// and (2^62, 2^62, 3, 0) is refused exactly as (0, 2^62, 2^62, 3) is.
//
// Three functions answer every size question of views, tensors and plan mappings:
//   checked_shape_size(extents, item_bytes)          what a shape holds (elements, bytes)
//   checked_row_major(extents, strides, item_bytes)  the same, and its row-major strides
//   checked_offsets(extents, strides, item_bytes)    the same for any strides: the lowest and
//                                                    highest offsets reached, and the span
// Once one of them has accepted a shape, every product of its extents and every offset of an
// index inside it fits in a signed 64-bit integer, so element access needs no further check.
#pragma once

#include <cstddef>
#include <iterator>
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

/// a - b, or nothing when it overflows.
template <class Int>
[[nodiscard]] constexpr std::optional<Int> checked_sub(Int a, Int b) noexcept {
  Int r{};
  if (__builtin_sub_overflow(a, b, &r)) return std::nullopt;
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
[[nodiscard]] constexpr std::optional<shape_size> checked_shape_size(const Range& extents,
                                                                     size_index item_bytes = 1) noexcept {
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

/// Row-major strides of `extents` (outermost first; any indexable sized range) written to
/// `strides`, and what the shape holds. The stride of a dimension is the product of the non-zero
/// extents inside it (NumPy's _array_fill_strides), so no stride overflows when the shape fits;
/// nothing when checked_shape_size would refuse the shape.
template <class Extents, class Strides>
[[nodiscard]] constexpr std::optional<shape_size> checked_row_major(const Extents& extents, Strides&& strides,
                                                                    size_index item_bytes = 1) noexcept {
  size_index inner = 1;
  bool empty = false;
  for (std::size_t k = std::size(extents); k-- > 0;) {
    const auto e = extents[k];
    if (e < 0) return std::nullopt;
    strides[k] = inner;
    if (e == 0) {
      empty = true;
      continue;
    }
    const auto x = checked_cast<size_index>(e);
    if (!x) return std::nullopt;
    const auto p = checked_mul(inner, *x);
    if (!p) return std::nullopt;
    inner = *p;
  }
  const auto bytes = checked_mul(inner, item_bytes);
  if (!bytes) return std::nullopt;
  if (empty) return shape_size{0, 0};
  return shape_size{inner, *bytes};
}

/// The offsets a strided shape reaches from its index (0, ..., 0): `low` and `high` (0 and -1 for
/// a shape without elements) and `span`, the elements from the one to the other.
struct offset_range {
  size_index elements = 0;
  size_index low = 0;
  size_index high = -1;
  size_index span = 0;
};

/// What `extents` with signed `strides` (in elements) reach, or nothing when the shape does not
/// fit (checked_shape_size) or an offset, or the span times `item_bytes`, does not fit.
template <class Extents, class Strides>
[[nodiscard]] constexpr std::optional<offset_range> checked_offsets(const Extents& extents, const Strides& strides,
                                                                    size_index item_bytes = 1) noexcept {
  const auto size = checked_shape_size(extents, item_bytes);
  if (!size) return std::nullopt;
  if (size->elements == 0) return offset_range{};
  offset_range r{size->elements, 0, 0, 0};
  for (std::size_t k = 0; k < std::size(extents); ++k) {
    const auto e = checked_cast<size_index>(extents[k]);
    const auto s = checked_cast<size_index>(strides[k]);
    if (!e || !s) return std::nullopt;
    const auto reach = checked_mul(*e - 1, *s);
    if (!reach) return std::nullopt;
    const auto moved = checked_add(*reach < 0 ? r.low : r.high, *reach);
    if (!moved) return std::nullopt;
    (*reach < 0 ? r.low : r.high) = *moved;
  }
  const auto distance = checked_sub(r.high, r.low);
  const auto span = distance ? checked_add(*distance, size_index{1}) : std::nullopt;
  if (!span || !checked_mul(*span, item_bytes)) return std::nullopt;
  r.span = *span;
  return r;
}

}  // namespace axle::detail
