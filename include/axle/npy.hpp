// axle/npy.hpp — reading and writing NumPy .npy files.
//
// Supported element types: float16 ('<f2'), bfloat16 (raw 2-byte void: '|V2' as NumPy writes
// it, or '<V2' as ml_dtypes' bfloat16 writes it), float32 ('<f4') and float64 ('<f8'),
// little-endian, C order. Format versions 1.0, 2.0 and 3.0 are read; 1.0 is written. Every file
// written is byte-identical to what numpy.save writes for the same array.
//
// What is read follows np.load (allow_pickle=False), the reference:
//  - the header is at most 10000 bytes (numpy/numpy numpy/lib/format.py (_read_array_header,
//    _MAX_HEADER_SIZE): np.load refuses a longer one, since evaluating it is not safe), checked
//    before any of it is read;
//  - the header is the Python dict literal NumPy writes. axle parses the subset of Python's syntax
//    that writers produce (quoted keys and strings without backslash escapes, True/False, tuples of
//    decimal integers, Python 2's `L` suffix in format 1.0 and 2.0, any key order, a trailing
//    comma, a repeated key whose last value counts) and refuses the rest; every header it accepts
//    means the same to np.load;
//  - a shape holds at most 64 dimensions (NumPy's NPY_MAXDIMS since 2.0), and its size follows
//    NumPy's rule: the product of the non-zero extents times the item size fits in a signed 64-bit
//    integer, whatever the order of the dimensions (<axle/detail/checked.hpp>). (0, 2^62, 2^62, 1)
//    float32 is refused although it holds nothing, as NumPy refuses it.
// Deliberately stricter than np.load: bytes after the data (np.load ignores them) and Fortran
// order with more than one non-trivial axis are refused.
//
// Every failure is an axle::npy::error whose message is one line of the form
// "<file>: <problem>".
//
// Reading in place: npy::parse(bytes, name) validates a whole file held in memory (a mapped
// file: npy::map(path)) and gives an array_ref whose data are the file's bytes, not a copy.
//
// Typed views: `a.view<const float, L>(known sizes...)` is a contiguous_view<const float, L> of
// an array's (or array_ref's) elements, checked for the dtype (float32 for float, float64 for
// double; an unsigned integer of the item's size views any dtype's raw bits), the rank and the
// layout's constraints (<axle/view.hpp>); `a.view<const float>(layout_value, known)` is the same
// as a dynamic_view, for a layout known at run time. Views of a const array are of const elements.
//
// Writing goes through axle::output_file (<axle/file.hpp>): the file is complete
// or absent, even when the process is killed; an existing destination is only
// replaced when `force` is set.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cerrno>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <istream>
#include <optional>
#include <ostream>
#include <span>
#include <stdexcept>
#include <streambuf>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

#include "detail/checked.hpp"
#include "detail/text.hpp"
#include "dynamic_view.hpp"
#include "errors.hpp"
#include "file.hpp"
#include "layout.hpp"
#include "mapping.hpp"
#include "view.hpp"

namespace axle::npy {

// ---------------------------------------------------------------------------
// Errors and limits
// ---------------------------------------------------------------------------

/// A .npy file that cannot be read or written: "<file>: <problem>".
class error : public file_error {
 public:
  using file_error::file_error;
};

/// The longest header np.load reads, in bytes (numpy/numpy numpy/lib/format.py (_read_array_header,
/// _MAX_HEADER_SIZE)).
inline constexpr std::size_t max_header_size = 10000;
/// The most dimensions a NumPy array has: NPY_MAXDIMS (numpy/numpy
/// numpy/_core/include/numpy/ndarraytypes.h), 64 since NumPy 2.0, 32 before.
inline constexpr std::size_t max_dimensions = 64;

// ---------------------------------------------------------------------------
// Element types
// ---------------------------------------------------------------------------

enum class dtype : std::uint8_t { float16, bfloat16, float32, float64 };

constexpr std::size_t item_size(dtype t) noexcept {
  switch (t) {
    case dtype::float16:
    case dtype::bfloat16:
      return 2;
    case dtype::float32:
      return 4;
    case dtype::float64:
      return 8;
  }
  return 0;
}

constexpr std::string_view name(dtype t) noexcept {
  switch (t) {
    case dtype::float16:
      return "float16";
    case dtype::bfloat16:
      return "bfloat16";
    case dtype::float32:
      return "float32";
    case dtype::float64:
      return "float64";
  }
  return "?";
}

// The descr written to the header: NumPy's dtype.str. bfloat16 is a raw 2-byte void, which NumPy
// spells '|V2' (a void has no byte order).
constexpr std::string_view descr(dtype t) noexcept {
  switch (t) {
    case dtype::float16:
      return "<f2";
    case dtype::bfloat16:
      return "|V2";
    case dtype::float32:
      return "<f4";
    case dtype::float64:
      return "<f8";
  }
  return "?";
}

// Parses a supported descr ("<f2", "<f4", "<f8", "|V2", "<V2"), the strings themselves: the
// header parser has already read the Python literal.
constexpr std::optional<dtype> dtype_from_descr(std::string_view d) noexcept {
  if (d == "<f2") return dtype::float16;
  if (d == "<f4") return dtype::float32;
  if (d == "<f8") return dtype::float64;
  if (d == "|V2" || d == "<V2") return dtype::bfloat16;
  return std::nullopt;
}

// ---------------------------------------------------------------------------
// Scalar conversions (round to nearest even)
// ---------------------------------------------------------------------------

inline float half_to_float(std::uint16_t h) noexcept {
  const std::uint32_t sign = static_cast<std::uint32_t>(h & 0x8000u) << 16;
  const std::uint32_t exp = (h >> 10) & 0x1fu;
  const std::uint32_t man = h & 0x3ffu;
  if (exp == 0) {
    // zero or subnormal: man * 2^-24, exact in float
    const float v = static_cast<float>(man) * 0x1p-24f;
    return sign ? -v : v;
  }
  std::uint32_t bits = 0;
  if (exp == 31)
    bits = sign | 0x7f800000u | (man << 13);
  else
    bits = sign | ((exp + 112u) << 23) | (man << 13);
  return std::bit_cast<float>(bits);
}

inline std::uint16_t float_to_half(float f) noexcept {
  const std::uint32_t x = std::bit_cast<std::uint32_t>(f);
  const auto sign = static_cast<std::uint16_t>((x >> 16) & 0x8000u);
  const std::uint32_t ax = x & 0x7fffffffu;
  if (ax >= 0x7f800000u) {  // inf / nan (nan stays quiet nan)
    const std::uint32_t nan_bits = ax > 0x7f800000u ? (0x200u | ((ax >> 13) & 0x3ffu)) : 0u;
    return static_cast<std::uint16_t>(sign | 0x7c00u | nan_bits);
  }
  if (ax >= 0x477ff000u)  // >= 65520 rounds to infinity
    return static_cast<std::uint16_t>(sign | 0x7c00u);
  if (ax < 0x38800000u) {  // below 2^-14: half subnormal or zero
    if (ax < 0x33000000u)  // < 2^-25 (2^-25 itself ties to even zero)
      return sign;
    const std::uint32_t man = (ax & 0x7fffffu) | 0x800000u;
    const std::uint32_t shift = 126u - (ax >> 23);  // 14 .. 24
    std::uint32_t q = man >> shift;
    const std::uint32_t rem = man & ((1u << shift) - 1u);
    const std::uint32_t halfway = 1u << (shift - 1u);
    if (rem > halfway || (rem == halfway && (q & 1u))) ++q;
    return static_cast<std::uint16_t>(sign | q);
  }
  const std::uint32_t r = ax - 0x38000000u;  // rebias 127 -> 15
  std::uint32_t q = r >> 13;
  const std::uint32_t rem = r & 0x1fffu;
  if (rem > 0x1000u || (rem == 0x1000u && (q & 1u))) ++q;  // carry into exponent is correct
  return static_cast<std::uint16_t>(sign | q);
}

inline float bfloat16_to_float(std::uint16_t b) noexcept {
  return std::bit_cast<float>(static_cast<std::uint32_t>(b) << 16);
}

inline std::uint16_t float_to_bfloat16(float f) noexcept {
  const std::uint32_t x = std::bit_cast<std::uint32_t>(f);
  if ((x & 0x7fffffffu) > 0x7f800000u)  // nan: keep sign/payload top, force quiet
    return static_cast<std::uint16_t>((x >> 16) | 0x40u);
  const std::uint32_t rounded = x + 0x7fffu + ((x >> 16) & 1u);
  return static_cast<std::uint16_t>(rounded >> 16);
}

namespace detail {

inline std::uint64_t load_le(const std::byte* p, std::size_t n) noexcept {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < n; ++i) v |= static_cast<std::uint64_t>(std::to_integer<unsigned>(p[i])) << (8 * i);
  return v;
}

inline void store_le(std::byte* p, std::uint64_t v, std::size_t n) noexcept {
  for (std::size_t i = 0; i < n; ++i) p[i] = static_cast<std::byte>((v >> (8 * i)) & 0xffu);
}

// Elements and bytes of a shape under NumPy's rule, or nothing when it does not fit.
inline std::optional<axle::detail::shape_size> shape_size(std::span<const std::size_t> shape, std::size_t item) noexcept {
  if (shape.size() > max_dimensions) return std::nullopt;
  return axle::detail::checked_shape_size(shape, static_cast<axle::detail::size_index>(item));
}

}  // namespace detail

namespace detail {

/// Does a view of T elements read `t` (its element type, or its raw bits)?
template <class T>
constexpr bool holds(npy::dtype t) noexcept {
  using U = std::remove_cv_t<T>;
  if constexpr (std::is_same_v<U, float>)
    return t == npy::dtype::float32;
  else if constexpr (std::is_same_v<U, double>)
    return t == npy::dtype::float64;
  else if constexpr (std::is_unsigned_v<U> && std::is_integral_v<U> && !std::is_same_v<U, bool>)
    return sizeof(U) == item_size(t);
  else
    return false;
}

/// The elements of an array of dtype `t` and shape `shape` held in `bytes`, as T, and the shape
/// as view extents; npy::error when T does not hold `t`, the bytes do not fill the shape, or they
/// are not aligned for T.
template <class T, class Byte>
T* typed_data(npy::dtype t, std::span<const std::size_t> shape, std::span<Byte> bytes, std::vector<index_t>& extents) {
  static_assert(std::is_same_v<std::remove_const_t<Byte>, std::byte>);
  static_assert(std::is_const_v<T> || !std::is_const_v<Byte>,
                "axle::npy: a view of a const array has const elements (view<const T>)");
  if (!holds<T>(t)) {
    using U = std::remove_cv_t<T>;
    const std::string asked = std::is_same_v<U, float>    ? std::string("float (float32)")
                              : std::is_same_v<U, double> ? std::string("double (float64)")
                              : std::is_unsigned_v<U>     ? axle::detail::int_text(sizeof(U)) + "-byte raw bits"
                                                          : std::string("that element type");
    throw error("npy::array::view: the array holds " + std::string(name(t)) + " elements, which a view of " + asked +
                " cannot read");
  }
  const auto size = axle::detail::checked_shape_size(shape, static_cast<axle::detail::size_index>(item_size(t)));
  if (!size || static_cast<std::size_t>(size->bytes) != bytes.size())
    throw error("npy::array::view: " + axle::detail::int_text(bytes.size()) + " bytes do not hold shape " +
                axle::detail::tuple_text(shape) + " " + std::string(name(t)));
  if (reinterpret_cast<std::uintptr_t>(bytes.data()) % alignof(T) != 0)
    throw error("npy::array::view: the data are not aligned for " + std::string(name(t)) + " access");
  extents.assign(shape.begin(), shape.end());  // each fits: checked above
  return reinterpret_cast<T*>(bytes.data());
}

template <class T, layout_type L, class Byte, class... Known>
contiguous_view<T, L> typed_view(npy::dtype t, std::span<const std::size_t> shape, std::span<Byte> bytes,
                                 Known... known) {
  std::vector<index_t> extents;
  T* p = typed_data<T>(t, shape, bytes, extents);
  const std::array<axis_size, sizeof...(Known)> k{known...};
  return contiguous_view<T, L>(p, std::span<const index_t>(extents), std::span<const axis_size>(k));
}

template <class T, class Byte>
dynamic_view<T> dynamic_typed_view(npy::dtype t, std::span<const std::size_t> shape, std::span<Byte> bytes,
                                   const value::layout& l, std::span<const axis_size> known) {
  std::vector<index_t> extents;
  T* p = typed_data<T>(t, shape, bytes, extents);
  return dynamic_view<T>(p, l, std::span<const index_t>(extents), known);
}

}  // namespace detail

// Python tuple spelling of a shape: "()", "(5,)", "(8, 4, 3, 3)".
inline std::string shape_string(std::span<const std::size_t> shape) {
  return axle::detail::tuple_text(shape);
}

namespace detail {

// Why a shape of `item`-byte elements is not a NumPy array: too many dimensions, or too many bytes.
inline std::string shape_problem(std::span<const std::size_t> shape, std::string_view type) {
  if (shape.size() > max_dimensions)
    return "shape with " + std::to_string(shape.size()) + " dimensions; NumPy arrays have at most " +
           std::to_string(max_dimensions);
  return "shape " + shape_string(shape) + " " + std::string(type) +
         " does not fit: its non-zero extents times the item size exceed 2^63 - 1 bytes, NumPy's limit";
}

}  // namespace detail

// ---------------------------------------------------------------------------
// In-memory array
// ---------------------------------------------------------------------------

struct array {
  npy::dtype dtype = npy::dtype::float32;
  std::vector<std::size_t> shape;  // empty = scalar
  std::vector<std::byte> data;     // little-endian, C order

  // Number of elements (1 for a scalar); an npy::error when the shape is not a NumPy shape.
  std::size_t size() const { return static_cast<std::size_t>(checked().elements); }
  std::size_t nbytes() const { return static_cast<std::size_t>(checked().bytes); }
  std::size_t ndim() const noexcept { return shape.size(); }

  // Element i converted to double (exact for every supported dtype).
  double element(std::size_t i) const {
    const std::size_t w = item_size(dtype);
    if (i >= data.size() / w)
      throw error("npy::array::element: index " + std::to_string(i) + " out of range for " +
                  std::to_string(data.size() / w) + " elements");
    const std::uint64_t raw = detail::load_le(data.data() + i * w, w);
    switch (dtype) {
      case npy::dtype::float16:
        return half_to_float(static_cast<std::uint16_t>(raw));
      case npy::dtype::bfloat16:
        return bfloat16_to_float(static_cast<std::uint16_t>(raw));
      case npy::dtype::float32:
        return std::bit_cast<float>(static_cast<std::uint32_t>(raw));
      case npy::dtype::float64:
        return std::bit_cast<double>(raw);
    }
    return 0.0;
  }

  // All elements as float (float64 values are rounded).
  std::vector<float> to_floats() const {
    check_consistent();
    std::vector<float> out(size());
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<float>(element(i));
    return out;
  }

  // All elements as double (exact).
  std::vector<double> to_doubles() const {
    check_consistent();
    std::vector<double> out(size());
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = element(i);
    return out;
  }

  // Builds an array of type `as` from values (rounded to nearest even when narrowing).
  static array from_doubles(std::span<const double> values, std::vector<std::size_t> shape,
                            npy::dtype as = npy::dtype::float64) {
    array a;
    a.dtype = as;
    a.shape = std::move(shape);
    const auto n = detail::shape_size(a.shape, item_size(as));
    if (!n) throw error("npy::array: " + detail::shape_problem(a.shape, name(as)));
    if (static_cast<std::size_t>(n->elements) != values.size())
      throw error("npy::array: " + std::to_string(values.size()) + " values do not fill shape " +
                  shape_string(a.shape));
    const std::size_t w = item_size(as);
    a.data.resize(static_cast<std::size_t>(n->bytes));
    for (std::size_t i = 0; i < values.size(); ++i) {
      std::uint64_t raw = 0;
      switch (as) {
        case npy::dtype::float16:
          raw = float_to_half(static_cast<float>(values[i]));
          break;
        case npy::dtype::bfloat16:
          raw = float_to_bfloat16(static_cast<float>(values[i]));
          break;
        case npy::dtype::float32:
          raw = std::bit_cast<std::uint32_t>(static_cast<float>(values[i]));
          break;
        case npy::dtype::float64:
          raw = std::bit_cast<std::uint64_t>(values[i]);
          break;
      }
      detail::store_le(a.data.data() + i * w, raw, w);
    }
    return a;
  }

  static array from_floats(std::span<const float> values, std::vector<std::size_t> shape,
                           npy::dtype as = npy::dtype::float32) {
    std::vector<double> d(values.begin(), values.end());
    return from_doubles(d, std::move(shape), as);
  }

  // Empty if the shape is a NumPy shape and data holds exactly its bytes, else the problem.
  std::string consistency_problem() const {
    const auto n = detail::shape_size(shape, item_size(dtype));
    if (!n) return detail::shape_problem(shape, name(dtype));
    if (static_cast<std::size_t>(n->bytes) == data.size()) return {};
    return "data has " + std::to_string(data.size()) + " bytes but shape " + shape_string(shape) + " " +
           std::string(name(dtype)) + " needs " + std::to_string(n->bytes);
  }

  // Throws unless consistency_problem() is empty.
  void check_consistent() const {
    if (auto p = consistency_problem(); !p.empty()) throw error("npy::array: " + p);
  }

  // The elements as a typed view of layout L (see the header): `a.view<const float, L>()`,
  // `a.view<float, L>(axle::axis_size{"G", 2})`.
  template <class T, layout_type L, std::same_as<axis_size>... Known>
  [[nodiscard]] contiguous_view<T, L> view(Known... known) {
    return detail::typed_view<T, L>(dtype, shape, std::span<std::byte>(data), known...);
  }
  template <class T, layout_type L, std::same_as<axis_size>... Known>
  [[nodiscard]] contiguous_view<T, L> view(Known... known) const {
    return detail::typed_view<T, L>(dtype, shape, std::span<const std::byte>(data), known...);
  }
  // The elements as a view of a layout known at run time (`l` must outlive the view).
  template <class T>
  [[nodiscard]] dynamic_view<T> view(const value::layout& l, std::span<const axis_size> known = {}) {
    return detail::dynamic_typed_view<T>(dtype, shape, std::span<std::byte>(data), l, known);
  }
  template <class T>
  [[nodiscard]] dynamic_view<T> view(const value::layout& l, std::span<const axis_size> known = {}) const {
    return detail::dynamic_typed_view<T>(dtype, shape, std::span<const std::byte>(data), l, known);
  }

 private:
  axle::detail::shape_size checked() const {
    const auto n = detail::shape_size(shape, item_size(dtype));
    if (!n) throw error("npy::array: " + detail::shape_problem(shape, name(dtype)));
    return *n;
  }
};

// ---------------------------------------------------------------------------
// Header
// ---------------------------------------------------------------------------

struct header {
  unsigned major = 1;
  unsigned minor = 0;
  std::string descr;  // the descr string ("<f4"); the literal itself for a structured ("[...]") or subarray ("(...)") dtype
  bool fortran_order = false;
  std::vector<std::size_t> shape;
  std::size_t data_offset = 0;  // bytes from the start of the file to the data
};

namespace detail {

// Friendly name of a numpy descr, for error messages ("'<i4' (int32)").
inline std::string describe_descr(std::string_view d) {
  std::string s = "'" + axle::detail::printable(d) + "'";
  if (d.size() < 2) return s;
  const char order = d[0];
  std::string_view body = d.substr(1);
  if (order != '<' && order != '>' && order != '|' && order != '=') body = d;
  if (body.empty()) return s;
  const char kind = body[0];
  const std::string_view digits = body.substr(1);
  std::size_t n = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return s;
    n = n * 10 + static_cast<std::size_t>(c - '0');
    if (n > 1000000) return s;
  }
  std::string what;
  switch (kind) {
    case 'b':
      what = "bool";
      break;
    case 'i':
      what = "int" + std::to_string(8 * n);
      break;
    case 'u':
      what = "uint" + std::to_string(8 * n);
      break;
    case 'f':
      what = n == 16 ? std::string("longdouble") : "float" + std::to_string(8 * n);
      break;
    case 'c':
      what = "complex" + std::to_string(8 * n);
      break;
    case 'V':
      what = "void" + std::to_string(8 * n);
      break;
    case 'S':
      what = "bytes" + std::to_string(n);
      break;
    case 'U':
      what = "str" + std::to_string(n);
      break;
    case 'O':
      what = "object";
      break;
    case 'M':
      what = "datetime64";
      break;
    case 'm':
      what = "timedelta64";
      break;
    default:
      return s;
  }
  if (order == '>' && n > 1) what += ", big-endian";
  return s + " (" + what + ")";
}

// Parser for the Python dict literal in the header: the subset of Python's literal syntax that
// .npy writers produce, read exactly as Python reads it (see the top of this file). Time and
// memory are linear in the header, whose length is bounded; nesting (only in structured dtypes,
// which are refused) is bounded too.
class header_parser {
 public:
  static constexpr int max_nesting = 32;

  header_parser(std::string_view text, unsigned major, std::string_view file) : t_(text), major_(major), file_(file) {}

  void parse(header& h) {
    bool have_descr = false, have_fortran = false, have_shape = false;
    skip_ws();
    expect('{', "'{' at the start of the header dict");
    for (;;) {
      skip_ws();
      if (peek() == '}') break;
      const std::size_t key_pos = pos_;
      const std::string_view key = parse_string("a quoted key");
      skip_ws();
      expect(':', "':' after key '" + axle::detail::printable(key) + "'");
      skip_ws();
      // A key given twice counts with its last value, as in a Python dict.
      if (key == "descr") {
        have_descr = true;
        h.descr = parse_descr();
      } else if (key == "fortran_order") {
        have_fortran = true;
        h.fortran_order = parse_bool();
      } else if (key == "shape") {
        have_shape = true;
        h.shape = parse_shape();
      } else {
        fail_at(key_pos, "unexpected key '" + axle::detail::printable(key) + "'");
      }
      skip_ws();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() == '}') break;
      fail("expected ',' or '}' after the value of '" + axle::detail::printable(key) + "'");
    }
    ++pos_;  // '}'
    skip_ws();
    if (pos_ != t_.size()) fail("unexpected text after the closing '}'");
    if (!have_descr) fail_plain("missing key 'descr'");
    if (!have_fortran) fail_plain("missing key 'fortran_order'");
    if (!have_shape) fail_plain("missing key 'shape'");
  }

 private:
  std::string_view t_;
  unsigned major_;
  std::string_view file_;
  std::size_t pos_ = 0;

  // '\0' at the end; a NUL byte in the header is refused wherever it is, as by Python.
  char peek() const noexcept { return pos_ < t_.size() ? t_[pos_] : '\0'; }
  static constexpr bool digit(char c) noexcept { return c >= '0' && c <= '9'; }
  // Characters that continue a Python name or number ("Truex", "2x"); non-ASCII letters too.
  static constexpr bool name_char(char c) noexcept {
    return digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || static_cast<unsigned char>(c) >= 0x80;
  }

  // Python's whitespace between tokens inside brackets (and around the dict): no comments, no
  // line continuations.
  void skip_ws() noexcept {
    while (pos_ < t_.size() && (t_[pos_] == ' ' || t_[pos_] == '\t' || t_[pos_] == '\n' || t_[pos_] == '\r' || t_[pos_] == '\f'))
      ++pos_;
  }

  [[noreturn]] void fail_plain(const std::string& what) const {
    throw error(std::string(file_) + ": malformed header: " + what + " in " + axle::detail::printable(t_, 120));
  }
  [[noreturn]] void fail_at(std::size_t at, const std::string& what) const {
    throw error(std::string(file_) + ": malformed header: " + what + " at offset " + std::to_string(at) + " in " +
                axle::detail::printable(t_, 120));
  }
  [[noreturn]] void fail(const std::string& what) const { fail_at(pos_, what); }

  void expect(char c, const std::string& what) {
    if (pos_ >= t_.size() || t_[pos_] != c) fail("expected " + what);
    ++pos_;
  }

  // A one-line string literal without prefix or escapes: its characters as they are.
  std::string_view parse_string(const std::string& what) {
    const char q = peek();
    if (q != '\'' && q != '"') fail("expected " + what);
    const std::size_t open = pos_++;
    const std::size_t begin = pos_;
    for (;; ++pos_) {
      if (pos_ >= t_.size() || t_[pos_] == '\n' || t_[pos_] == '\r' || t_[pos_] == '\0') fail_at(open, "unterminated string");
      if (t_[pos_] == q) break;
      if (t_[pos_] == '\\') fail("a backslash escape in a string (axle reads strings as NumPy writes them, without escapes)");
    }
    const std::string_view s = t_.substr(begin, pos_ - begin);
    ++pos_;
    if (s.empty() && peek() == q) fail_at(open, "a triple-quoted string");
    return s;
  }

  std::string parse_descr() {
    if (peek() == '[' || peek() == '(') {  // a structured or subarray dtype: kept as written, refused later
      const std::size_t start = pos_;
      skip_nested();
      return std::string(t_.substr(start, pos_ - start));
    }
    return std::string(parse_string("a quoted descr"));
  }

  bool parse_bool() {
    bool value = false;
    if (t_.substr(pos_, 4) == "True") {
      pos_ += 4;
      value = true;
    } else if (t_.substr(pos_, 5) == "False") {
      pos_ += 5;
    } else {
      fail("expected True or False for 'fortran_order'");
    }
    if (name_char(peek())) fail("expected True or False for 'fortran_order'");
    return value;
  }

  // A decimal integer as Python reads it: digits with single underscores between them, no
  // leading zero unless all digits are zeros ("00" is 0; "02" is a syntax error); Python 2's
  // 'L' suffix, which np.load removes from format 1.0 and 2.0 headers only.
  std::size_t parse_int() {
    const std::size_t start = pos_;
    if (!digit(peek())) fail("expected a non-negative integer in 'shape'");
    const bool leading_zero = peek() == '0';
    bool all_zeros = true, overflow = false;
    std::size_t v = 0;
    for (;;) {
      const char c = peek();
      if (c == '_' && pos_ + 1 < t_.size() && digit(t_[pos_ + 1])) {
        ++pos_;
        continue;
      }
      if (!digit(c)) break;
      all_zeros = all_zeros && c == '0';
      const auto next = axle::detail::checked_mul(v, std::size_t{10});
      const auto sum = next ? axle::detail::checked_add(*next, static_cast<std::size_t>(c - '0')) : std::nullopt;
      if (sum)
        v = *sum;
      else
        overflow = true;
      ++pos_;
    }
    if (leading_zero && !all_zeros) fail_at(start, "an integer with a leading zero");
    if (major_ <= 2 && peek() == 'L') ++pos_;
    if (name_char(peek()) || peek() == '.') fail("expected a non-negative integer in 'shape'");
    if (overflow)
      throw error(std::string(file_) + ": shape overflow: extent " + axle::detail::printable(t_.substr(start, pos_ - start), 40) +
                  " exceeds 2^63 - 1, NumPy's limit");
    return v;
  }

  // A tuple of integers: (), (n,), (n, m), (n, m,). (n) is an integer, not a tuple.
  std::vector<std::size_t> parse_shape() {
    expect('(', "a tuple for 'shape'");
    std::vector<std::size_t> shape;
    bool trailing_comma = false;
    skip_ws();
    if (peek() != ')') {
      for (;;) {
        shape.push_back(parse_int());
        skip_ws();
        if (peek() == ',') {
          ++pos_;
          skip_ws();
          if (peek() != ')') continue;
          trailing_comma = true;
          break;
        }
        if (peek() == ')') break;
        fail("expected ',' or ')' in 'shape'");
      }
    }
    if (shape.size() == 1 && !trailing_comma) fail("'shape' is an integer in parentheses, not a tuple (a 1-tuple is written (n,))");
    ++pos_;  // ')'
    return shape;
  }

  // Skips a bracketed literal (a structured or subarray descr), at most max_nesting deep.
  void skip_nested() {
    int depth = 0;
    do {
      if (pos_ >= t_.size()) fail("unterminated structured descr");
      const char c = t_[pos_];
      if (c == '\'' || c == '"') {
        skip_any_string();
        continue;
      }
      if (c == '[' || c == '(') {
        if (++depth > max_nesting) fail("nested deeper than " + std::to_string(max_nesting) + " levels");
      } else if (c == ']' || c == ')') {
        --depth;
      }
      ++pos_;
    } while (depth > 0);
  }

  // A string inside a skipped literal: escapes are skipped over, not read.
  void skip_any_string() {
    const char q = t_[pos_];
    const std::size_t open = pos_++;
    for (; pos_ < t_.size() && t_[pos_] != q; ++pos_) {
      if (t_[pos_] == '\n' || t_[pos_] == '\r') break;
      if (t_[pos_] == '\\') ++pos_;
    }
    if (pos_ >= t_.size() || t_[pos_] != q) fail_at(open, "unterminated string");
    ++pos_;
  }
};

// Reads up to n bytes; returns the number read.
inline std::size_t read_some(std::istream& in, std::byte* dst, std::size_t n) {
  std::size_t got = 0;
  while (got < n && in) {
    const std::size_t chunk = std::min<std::size_t>(n - got, std::size_t{1} << 30);
    in.read(reinterpret_cast<char*>(dst + got), static_cast<std::streamsize>(chunk));
    got += static_cast<std::size_t>(in.gcount());
  }
  return got;
}

// Bytes left in a seekable stream, nullopt if it cannot be determined.
inline std::optional<std::size_t> remaining(std::istream& in) {
  if (!in) return std::nullopt;
  const auto here = in.tellg();
  if (here == std::streampos(-1)) {
    in.clear();
    return std::nullopt;
  }
  in.seekg(0, std::ios::end);
  const auto end = in.tellg();
  in.clear();
  in.seekg(here);
  if (!in || end == std::streampos(-1) || end < here) {
    in.clear();
    in.seekg(here);
    return std::nullopt;
  }
  return static_cast<std::size_t>(end - here);
}

// Reads exactly n bytes into out (growing in chunks, so a lying header cannot
// force a huge allocation); returns bytes read.
inline std::size_t read_into(std::istream& in, std::vector<std::byte>& out, std::size_t n) {
  constexpr std::size_t chunk = std::size_t{16} << 20;
  out.clear();
  std::size_t got = 0;
  while (got < n) {
    const std::size_t want = std::min(chunk, n - got);
    out.resize(got + want);
    const std::size_t r = read_some(in, out.data() + got, want);
    got += r;
    if (r < want) break;
  }
  out.resize(got);
  return got;
}

inline std::string file_label(std::string_view name) {
  return name.empty() ? std::string("<stream>") : std::string(name);
}

// The preamble and header, from `read(dst, n)` which returns the number of bytes it could read.
template <class Read>
header read_header_from(Read&& read, const std::string& file) {
  std::array<std::byte, 12> pre{};
  const std::size_t got = read(pre.data(), 8);
  static constexpr unsigned char magic[6] = {0x93, 'N', 'U', 'M', 'P', 'Y'};
  const std::string first(reinterpret_cast<const char*>(pre.data()), std::min<std::size_t>(got, 6));
  if (got == 0) throw error(file + ": not a .npy file: the file is empty");
  if (got < 6 && std::memcmp(pre.data(), magic, got) == 0)
    throw error(file + ": header truncated: the file ends inside the magic string");
  if (got < 6 || std::memcmp(pre.data(), magic, 6) != 0)
    throw error(file + ": not a .npy file: bad magic '" + axle::detail::printable(first) + "' (expected '\\x93NUMPY')");
  if (got < 8) throw error(file + ": header truncated: the file ends inside the 10-byte preamble");
  header h;
  h.major = std::to_integer<unsigned>(pre[6]);
  h.minor = std::to_integer<unsigned>(pre[7]);
  if (h.minor != 0 || h.major < 1 || h.major > 3)
    throw error(file + ": unsupported .npy format version " + std::to_string(h.major) + "." + std::to_string(h.minor) +
                " (supported: 1.0, 2.0, 3.0)");
  const std::size_t len_bytes = h.major == 1 ? 2 : 4;
  if (read(pre.data() + 8, len_bytes) < len_bytes)
    throw error(file + ": header truncated: the file ends inside the " + std::to_string(8 + len_bytes) +
                "-byte preamble");
  const auto header_len = static_cast<std::size_t>(load_le(pre.data() + 8, len_bytes));
  // Checked before reading: a header of 4 GiB is refused at once, as np.load refuses it.
  if (header_len > max_header_size)
    throw error(file + ": header of " + std::to_string(header_len) + " bytes exceeds " + std::to_string(max_header_size) +
                ", the most np.load reads");
  std::string text(header_len, '\0');
  const std::size_t got_text = read(reinterpret_cast<std::byte*>(text.data()), header_len);
  if (got_text < header_len)
    throw error(file + ": header truncated: expected " + std::to_string(header_len) + " header bytes, found " +
                std::to_string(got_text));
  h.data_offset = 8 + len_bytes + header_len;
  // Format 1.0 and 2.0 headers are latin-1, 3.0 utf-8; everything accepted is ASCII either way.
  header_parser(text, h.major, file).parse(h);
  return h;
}

}  // namespace detail

// Reads and parses the preamble and header; leaves `in` at the first data
// byte.  Does not validate the dtype, shape or fortran_order (see check_header()).
inline header read_header(std::istream& in, std::string_view name_for_errors) {
  return detail::read_header_from([&](std::byte* dst, std::size_t n) { return detail::read_some(in, dst, n); },
                                  detail::file_label(name_for_errors));
}

// The header of a .npy file held in memory (all of it, or its beginning), such as a
// mapped_file's bytes(); data_offset tells where the data starts.
inline header read_header(std::span<const std::byte> bytes, std::string_view name_for_errors) {
  std::size_t at = 0;
  return detail::read_header_from(
      [&](std::byte* dst, std::size_t n) {
        const std::size_t k = std::min(n, bytes.size() - at);
        if (k > 0) std::memcpy(dst, bytes.data() + at, k);
        at += k;
        return k;
      },
      detail::file_label(name_for_errors));
}

// Validates the header's dtype, shape and order; returns the dtype. After it, the data holds
// exactly data_bytes(h) bytes.
inline npy::dtype check_header(const header& h, std::string_view name_for_errors) {
  const std::string file = detail::file_label(name_for_errors);
  if (!h.descr.empty() && h.descr.front() == '[')
    throw error(file + ": unsupported dtype: structured dtype " + axle::detail::printable(h.descr) + " is not supported");
  if (!h.descr.empty() && h.descr.front() == '(')
    throw error(file + ": unsupported dtype: subarray dtype " + axle::detail::printable(h.descr) + " is not supported");
  const auto t = dtype_from_descr(h.descr);
  if (!t) {
    if (h.descr.size() >= 2 && h.descr[0] == '>') {
      const std::string le = "<" + h.descr.substr(1);
      if (dtype_from_descr(le))
        throw error(file + ": big-endian dtype '" + axle::detail::printable(h.descr) +
                    "' is not supported; convert with arr.astype('" + axle::detail::printable(le) + "')");
    }
    throw error(file + ": unsupported dtype " + detail::describe_descr(h.descr) +
                "; supported: float16 '<f2', bfloat16 '|V2' or '<V2', float32 '<f4', float64 '<f8'");
  }
  if (!detail::shape_size(h.shape, item_size(*t)))
    throw error(file + ": shape overflow: " + detail::shape_problem(h.shape, name(*t)));
  if (h.fortran_order) {
    // With at most one extent > 1 the Fortran and C layouts coincide.
    std::size_t non_trivial = 0;
    for (std::size_t d : h.shape) non_trivial += d > 1 ? 1 : 0;
    if (non_trivial > 1) throw error(file + ": fortran_order=True is not supported; save with np.ascontiguousarray");
  }
  return *t;
}

// The number of data bytes of a header that check_header() accepted.
inline std::size_t data_bytes(const header& h, npy::dtype t) {
  const auto n = detail::shape_size(h.shape, item_size(t));
  if (!n) throw error("npy: " + detail::shape_problem(h.shape, name(t)));
  return static_cast<std::size_t>(n->bytes);
}

inline array read(std::istream& in, std::string_view name_for_errors) {
  const std::string file = detail::file_label(name_for_errors);
  const header h = read_header(in, name_for_errors);
  array a;
  a.dtype = check_header(h, name_for_errors);
  a.shape = h.shape;
  const std::size_t expected = data_bytes(h, a.dtype);
  auto truncated = [&](std::size_t found) {
    return error(file + ": data truncated: expected " + std::to_string(expected) + " bytes for shape " +
                 shape_string(h.shape) + " " + std::string(name(a.dtype)) + ", found " + std::to_string(found));
  };
  if (const auto left = detail::remaining(in); left && *left < expected) throw truncated(*left);
  const std::size_t got = detail::read_into(in, a.data, expected);
  if (got < expected) throw truncated(got);
  return a;
}

inline array read(const std::filesystem::path& path) {
  const std::string file = path.string();
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw error(file + ": cannot read: is a directory");
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int e = errno;
    throw error(file +
                ": cannot open for reading: " + (e ? std::string(std::strerror(e)) : std::string("unknown error")));
  }
  array a = read(in, file);
  if (in.peek() != std::ifstream::traits_type::eof()) {
    std::size_t extra = 0;
    char buf[4096];
    while (in.read(buf, sizeof buf) || in.gcount() > 0) extra += static_cast<std::size_t>(in.gcount());
    throw error(file + ": " + std::to_string(extra) + " unexpected bytes after the data for shape " +
                shape_string(a.shape) + " " + std::string(name(a.dtype)));
  }
  return a;
}

// ---------------------------------------------------------------------------
// Reading in place
// ---------------------------------------------------------------------------

// A .npy array whose bytes belong to someone else (a mapped file, a buffer): the header parsed
// and validated, `data` the element bytes where they are.
struct array_ref {
  npy::dtype dtype = npy::dtype::float32;
  std::vector<std::size_t> shape;   // empty = scalar
  std::span<const std::byte> data;  // little-endian, C order
  std::size_t data_offset = 0;      // bytes from the start of the file to data

  std::size_t size() const noexcept { return data.size() / item_size(dtype); }
  std::size_t nbytes() const noexcept { return data.size(); }
  std::size_t ndim() const noexcept { return shape.size(); }

  // Typed views, as array's (of const elements).
  template <class T, layout_type L, std::same_as<axis_size>... Known>
  [[nodiscard]] contiguous_view<T, L> view(Known... known) const {
    return detail::typed_view<T, L>(dtype, shape, data, known...);
  }
  template <class T>
  [[nodiscard]] dynamic_view<T> view(const value::layout& l, std::span<const axis_size> known = {}) const {
    return detail::dynamic_typed_view<T>(dtype, shape, data, l, known);
  }
};

namespace detail {
// An istream over bytes in memory, for the header reader.
class span_buffer : public std::streambuf {
 public:
  explicit span_buffer(std::span<const std::byte> bytes) {
    // The stream only reads: get-area pointers are char* by the streambuf interface.
    char* p = const_cast<char*>(reinterpret_cast<const char*>(bytes.data()));
    setg(p, p, p + bytes.size());
  }
};
}  // namespace detail

// Parses a whole .npy file held in `bytes`: the header as read() checks it, and exactly the data
// its shape and dtype need (no copy: the result refers to `bytes`).
inline array_ref parse(std::span<const std::byte> bytes, std::string_view name_for_errors) {
  const std::string file = detail::file_label(name_for_errors);
  detail::span_buffer buffer(bytes);
  std::istream in(&buffer);
  const header h = read_header(in, name_for_errors);
  array_ref a;
  a.dtype = check_header(h, name_for_errors);
  a.shape = h.shape;
  a.data_offset = h.data_offset;
  const auto size =
      axle::detail::checked_shape_size(h.shape, static_cast<axle::detail::size_index>(item_size(a.dtype)));
  if (!size)
    throw error(file + ": shape overflow: shape " + shape_string(h.shape) + " " + std::string(name(a.dtype)) +
                " needs more bytes than a signed 64-bit integer counts");
  const auto expected = static_cast<std::size_t>(size->bytes);
  const std::size_t left = bytes.size() - std::min(bytes.size(), h.data_offset);
  if (left < expected)
    throw error(file + ": data truncated: expected " + std::to_string(expected) + " bytes for shape " +
                shape_string(h.shape) + " " + std::string(name(a.dtype)) + ", found " + std::to_string(left));
  if (left > expected)
    throw error(file + ": " + std::to_string(left - expected) + " unexpected bytes after the data for shape " +
                shape_string(h.shape) + " " + std::string(name(a.dtype)));
  a.data = bytes.subspan(h.data_offset, expected);
  return a;
}

// A .npy file mapped read-only and parsed in place: `array.data` are the file's pages, read
// (and resident) only when touched; `file.release(...)` lets pages go.
struct mapped_array {
  mapped_file file;
  array_ref array;
};

inline mapped_array map(const std::filesystem::path& path) {
  mapped_array m;
  try {
    m.file = mapped_file(path);
  } catch (const file_error& e) {
    throw error(e.what());
  }
  m.array = parse(m.file.bytes(), path.string());
  return m;
}

// ---------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------

// The preamble and header numpy.save writes for a C-order array of NumPy descr `type_descr`
// ("<f4", "|u1", "<i8", ...) and this shape (numpy/numpy numpy/lib/format.py
// (_write_array_header)): the dict with sorted keys, room to grow the first axis in place
// (GROWTH_AXIS_MAX_DIGITS = 21), spaces and a newline up to a multiple of 64 bytes; format 1.0 when
// the header fits it, as NumPy chooses.
inline std::string encode_header(std::string_view type_descr, std::span<const std::size_t> shape) {
  std::string dict = "{'descr': '" + std::string(type_descr) +
                     "', 'fortran_order': False, 'shape': " + shape_string(shape) + ", }";
  if (!shape.empty()) {
    // numpy leaves room to grow the first axis in place (GROWTH_AXIS_MAX_DIGITS = 21)
    const std::size_t digits = std::to_string(shape.front()).size();
    if (digits < 21) dict.append(21 - digits, ' ');
  }
  const std::size_t hlen = dict.size() + 1;  // + '\n'
  for (unsigned major = 1; major <= 2; ++major) {
    const std::size_t len_bytes = major == 1 ? 2 : 4;
    const std::size_t pad = 64 - ((8 + len_bytes + hlen) % 64);
    const std::size_t total = hlen + pad;
    if (total > (major == 1 ? 0xffffu : 0xffffffffu)) continue;
    std::string out = "\x93NUMPY";
    out += static_cast<char>(major);
    out += '\0';
    for (std::size_t i = 0; i < len_bytes; ++i) out += static_cast<char>((total >> (8 * i)) & 0xffu);
    out += dict;
    out.append(pad, ' ');
    out += '\n';
    return out;
  }
  throw error("npy: header for shape with " + std::to_string(shape.size()) +
              " dimensions is too large for format 2.0");
}

// The header numpy.save writes for this array; npy::error when its shape is not a NumPy array's.
inline std::string encode_header(const array& a) {
  if (!detail::shape_size(a.shape, item_size(a.dtype))) throw error("npy: " + detail::shape_problem(a.shape, name(a.dtype)));
  return encode_header(descr(a.dtype), a.shape);
}

// Writes the complete .npy encoding of `a` to `out`.
inline void write(std::ostream& out, const array& a) {
  a.check_consistent();
  const std::string h = encode_header(a);
  out.write(h.data(), static_cast<std::streamsize>(h.size()));
  out.write(reinterpret_cast<const char*>(a.data.data()), static_cast<std::streamsize>(a.data.size()));
  if (!out) throw error("npy: write to stream failed");
}

// Writes `a` to `path`: complete or not at all, even if the process is killed (axle::output_file).
// Refuses to replace an existing file unless `options.force` (a plain `true` says the same).
inline void write(const std::filesystem::path& path, const array& a, write_options options = {}) {
  const std::string file = path.string();
  if (auto p = a.consistency_problem(); !p.empty()) throw error(file + ": cannot write: " + p);
  try {
    output_file out(path, options);
    out.write(encode_header(a));
    out.write(std::span<const std::byte>(a.data));
    out.commit();
  } catch (const error&) {
    throw;
  } catch (const file_error& e) {
    throw error(e.what());
  }
}

}  // namespace axle::npy
