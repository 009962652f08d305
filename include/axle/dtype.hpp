// axle — element types of checkpoint files, as safetensors names them.
//
//     axle::dtype t = *axle::dtype_from_name("BF16");
//     axle::dtype_name(t);           // "BF16"
//     axle::dtype_bits(t);           // 16
//     axle::numpy_descr(t);          // "<V2" (NumPy has no bfloat16: raw 2-byte void, as <axle/npy.hpp>)
//     axle::dtype_of_v<float>;       // axle::dtype::F32: the element type a typed view reads it as
//     axle::byte_size(t, shape);     // checked: nothing when the shape's size overflows
//
// The names and bit widths are the safetensors format's (huggingface/safetensors
// safetensors/src/tensor.rs, enum Dtype and Dtype::bitsize), declared here in the format's own
// order, which its writer sorts by. Every type is stored little-endian. F16 and BF16 are read as
// axle::float16 and axle::bfloat16 (their raw bits); the 8-, 6- and 4-bit float formats have no
// C++ type and pass through as bytes (std::byte reads any one-byte type).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <type_traits>

#include "detail/checked.hpp"

namespace axle {

/// Every element type of the safetensors format, in the format's declaration order.
enum class dtype : std::uint8_t {
  BOOL,
  F4,
  F6_E2M3,
  F6_E3M2,
  U8,
  I8,
  F8_E5M2,
  F8_E4M3,
  F8_E8M0,
  F8_E4M3FNUZ,
  F8_E5M2FNUZ,
  I16,
  U16,
  F16,
  BF16,
  I32,
  U32,
  F32,
  C64,
  F64,
  I64,
  U64,
};

inline constexpr std::size_t dtype_count = 22;

namespace detail {
struct dtype_row {
  std::string_view name;
  unsigned bits;
  std::string_view numpy;  // NumPy's descr, or empty when NumPy has no such type
};
inline constexpr std::array<dtype_row, dtype_count> dtype_table{{
    {"BOOL", 8, "|b1"},   {"F4", 4, ""},        {"F6_E2M3", 6, ""},     {"F6_E3M2", 6, ""},     {"U8", 8, "|u1"},
    {"I8", 8, "|i1"},     {"F8_E5M2", 8, ""},   {"F8_E4M3", 8, ""},     {"F8_E8M0", 8, ""},     {"F8_E4M3FNUZ", 8, ""},
    {"F8_E5M2FNUZ", 8, ""}, {"I16", 16, "<i2"}, {"U16", 16, "<u2"},     {"F16", 16, "<f2"},     {"BF16", 16, "<V2"},
    {"I32", 32, "<i4"},   {"U32", 32, "<u4"},   {"F32", 32, "<f4"},     {"C64", 64, "<c8"},     {"F64", 64, "<f8"},
    {"I64", 64, "<i8"},   {"U64", 64, "<u8"},
}};
}  // namespace detail

/// "F32", "BF16", "F8_E4M3", … as the format spells it.
[[nodiscard]] constexpr std::string_view dtype_name(dtype t) noexcept { return detail::dtype_table[static_cast<std::size_t>(t)].name; }

/// Bits per element: 64, 32, 16, 8, 6 or 4.
[[nodiscard]] constexpr unsigned dtype_bits(dtype t) noexcept { return detail::dtype_table[static_cast<std::size_t>(t)].bits; }

/// The dtype a name spells, exactly (case matters, as in the format).
[[nodiscard]] constexpr std::optional<dtype> dtype_from_name(std::string_view name) noexcept {
  for (std::size_t k = 0; k < dtype_count; ++k)
    if (detail::dtype_table[k].name == name) return static_cast<dtype>(k);
  return std::nullopt;
}

/// NumPy's descr of a dtype (`<f4`, `|u1`, `|b1`; BF16 as raw 2-byte void `<V2`), or empty when
/// NumPy has no such type (the 8-, 6- and 4-bit floats).
[[nodiscard]] constexpr std::string_view numpy_descr(dtype t) noexcept { return detail::dtype_table[static_cast<std::size_t>(t)].numpy; }

/// The dtype of a NumPy descr: the little-endian (or byte-order-free) spellings NumPy writes, and
/// `|V2` for BF16 as well as `<V2`.
[[nodiscard]] constexpr std::optional<dtype> dtype_from_numpy_descr(std::string_view d) noexcept {
  if (d == "|V2") return dtype::BF16;
  // NumPy writes '|' for one-byte types but accepts '<' and '=' there too.
  if (d.size() == 3 && (d[0] == '<' || d[0] == '=') && d[2] == '1') d = d[1] == 'b' ? "|b1" : d[1] == 'u' ? "|u1" : d[1] == 'i' ? "|i1" : d;
  for (std::size_t k = 0; k < dtype_count; ++k)
    if (!detail::dtype_table[k].numpy.empty() && detail::dtype_table[k].numpy == d) return static_cast<dtype>(k);
  return std::nullopt;
}

/// The bytes a tensor of `shape` and `type` takes, or nothing when NumPy's size rule refuses the
/// shape (a negative extent, or a size that does not fit in a signed 64-bit integer) or the
/// elements of a sub-byte type do not fill whole bytes.
[[nodiscard]] constexpr std::optional<std::uint64_t> byte_size(dtype type, std::span<const std::int64_t> shape) noexcept {
  const auto n = detail::checked_shape_size(shape, 1);
  if (!n) return std::nullopt;
  const auto bits = detail::checked_mul<std::int64_t>(n->elements, static_cast<std::int64_t>(dtype_bits(type)));
  if (!bits || *bits % 8 != 0) return std::nullopt;
  return static_cast<std::uint64_t>(*bits / 8);
}

/// A 16-bit IEEE half-precision value, as its raw bits (for views of F16 tensors).
struct float16 {
  std::uint16_t bits;
  friend constexpr bool operator==(float16, float16) = default;
};
/// A bfloat16 value, as its raw bits (for views of BF16 tensors).
struct bfloat16 {
  std::uint16_t bits;
  friend constexpr bool operator==(bfloat16, bfloat16) = default;
};

/// The dtype a typed view of element type T reads (const and volatile ignored): float F32,
/// double F64, std::int8_t … std::int64_t I8 … I64, std::uint8_t … std::uint64_t U8 … U64, bool
/// BOOL, axle::float16 F16, axle::bfloat16 BF16. std::byte has no single dtype: it reads any
/// one-byte type (see dtype_reads).
template <class T>
struct dtype_of {};
template <class T>
  requires(!std::is_same_v<T, std::remove_cv_t<T>>)
struct dtype_of<T> : dtype_of<std::remove_cv_t<T>> {};
template <>
struct dtype_of<float> : std::integral_constant<dtype, dtype::F32> {};
template <>
struct dtype_of<double> : std::integral_constant<dtype, dtype::F64> {};
template <>
struct dtype_of<bool> : std::integral_constant<dtype, dtype::BOOL> {};
template <>
struct dtype_of<std::int8_t> : std::integral_constant<dtype, dtype::I8> {};
template <>
struct dtype_of<std::int16_t> : std::integral_constant<dtype, dtype::I16> {};
template <>
struct dtype_of<std::int32_t> : std::integral_constant<dtype, dtype::I32> {};
template <>
struct dtype_of<std::int64_t> : std::integral_constant<dtype, dtype::I64> {};
template <>
struct dtype_of<std::uint8_t> : std::integral_constant<dtype, dtype::U8> {};
template <>
struct dtype_of<std::uint16_t> : std::integral_constant<dtype, dtype::U16> {};
template <>
struct dtype_of<std::uint32_t> : std::integral_constant<dtype, dtype::U32> {};
template <>
struct dtype_of<std::uint64_t> : std::integral_constant<dtype, dtype::U64> {};
template <>
struct dtype_of<float16> : std::integral_constant<dtype, dtype::F16> {};
template <>
struct dtype_of<bfloat16> : std::integral_constant<dtype, dtype::BF16> {};
template <class T>
inline constexpr dtype dtype_of_v = dtype_of<T>::value;

/// Element types a typed view can have: those of dtype_of, and std::byte.
template <class T>
concept checkpoint_element =
    requires { dtype_of<T>::value; } || std::is_same_v<std::remove_cv_t<T>, std::byte>;

/// Whether a view of element type T may read a tensor of dtype `t`: T's own dtype, or, for
/// std::byte, any type of one byte per element.
template <checkpoint_element T>
[[nodiscard]] constexpr bool dtype_reads(dtype t) noexcept {
  if constexpr (std::is_same_v<std::remove_cv_t<T>, std::byte>)
    return dtype_bits(t) == 8;
  else
    return dtype_of_v<T> == t;
}

}  // namespace axle
