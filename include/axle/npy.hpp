// axle/npy.hpp — reading and writing NumPy .npy files.
//
// Supported element types: float16 ('<f2'), bfloat16 (stored as raw 2-byte
// void, '<V2' or '|V2'), float32 ('<f4') and float64 ('<f8'), little-endian,
// C order.  Format versions 1.0, 2.0 and 3.0 are read; 1.0 is written, or 2.0
// when the header does not fit a 1.0 header.  The header is written exactly as
// numpy.save writes it, so files are byte-identical to numpy's.
//
// Every failure is an axle::npy::error whose message is one line of the form
// "<file>: <problem>".
//
// Writing goes through axle::output_file (<axle/file.hpp>): the file is complete
// or absent, even when the process is killed; an existing destination is only
// replaced when `force` is set.
#pragma once

#include <array>
#include <bit>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <istream>
#include <limits>
#include <optional>
#include <ostream>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "detail/text.hpp"
#include "errors.hpp"
#include "file.hpp"


namespace axle::npy {

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

/// A .npy file that cannot be read or written: "<file>: <problem>".
class error : public file_error {
 public:
  using file_error::file_error;
};

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

// The descr string written to the header.
constexpr std::string_view descr(dtype t) noexcept {
  switch (t) {
    case dtype::float16:
      return "<f2";
    case dtype::bfloat16:
      return "<V2";
    case dtype::float32:
      return "<f4";
    case dtype::float64:
      return "<f8";
  }
  return "?";
}

// Parses a supported descr ("<f2", "<f4", "<f8", "<V2", "|V2").
constexpr std::optional<dtype> dtype_from_descr(std::string_view d) noexcept {
  if (d == "<f2") return dtype::float16;
  if (d == "<f4") return dtype::float32;
  if (d == "<f8") return dtype::float64;
  if (d == "<V2" || d == "|V2") return dtype::bfloat16;
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

// Multiplies the extents; nullopt on overflow.
inline std::optional<std::size_t> checked_count(std::span<const std::size_t> shape, std::size_t item) noexcept {
  std::size_t n = item;
  for (std::size_t d : shape) {
    if (d != 0 && n > std::numeric_limits<std::size_t>::max() / d) return std::nullopt;
    n *= d;
  }
  return n;
}

}  // namespace detail

// Python tuple spelling of a shape: "()", "(5,)", "(8, 4, 3, 3)".
inline std::string shape_string(std::span<const std::size_t> shape) { return axle::detail::tuple_text(shape); }

// ---------------------------------------------------------------------------
// In-memory array
// ---------------------------------------------------------------------------

struct array {
  npy::dtype dtype = npy::dtype::float32;
  std::vector<std::size_t> shape;  // empty = scalar
  std::vector<std::byte> data;     // little-endian, C order

  // Number of elements (1 for a scalar).
  std::size_t size() const noexcept {
    std::size_t n = 1;
    for (std::size_t d : shape) n *= d;
    return n;
  }
  std::size_t nbytes() const noexcept { return size() * item_size(dtype); }
  std::size_t ndim() const noexcept { return shape.size(); }

  // Element i converted to double (exact for every supported dtype).
  double element(std::size_t i) const {
    const std::size_t w = item_size(dtype);
    if ((i + 1) * w > data.size()) throw error("npy::array::element: index out of range");
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
    const auto n = detail::checked_count(a.shape, 1);
    if (!n || *n != values.size())
      throw error("npy::array: " + std::to_string(values.size()) + " values do not fill shape " +
                  shape_string(a.shape));
    const std::size_t w = item_size(as);
    a.data.resize(values.size() * w);
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

  // Empty if data holds exactly size() * item_size(dtype) bytes, else the problem.
  std::string consistency_problem() const {
    const auto n = detail::checked_count(shape, item_size(dtype));
    if (n && *n == data.size()) return {};
    return "data has " + std::to_string(data.size()) + " bytes but shape " + shape_string(shape) + " " +
           std::string(name(dtype)) + " needs " + (n ? std::to_string(*n) : std::string("more than SIZE_MAX"));
  }

  // Throws unless data holds exactly size() * item_size(dtype) bytes.
  void check_consistent() const {
    if (auto p = consistency_problem(); !p.empty()) throw error("npy::array: " + p);
  }
};

// ---------------------------------------------------------------------------
// Header
// ---------------------------------------------------------------------------

struct header {
  unsigned major = 1;
  unsigned minor = 0;
  std::string descr;  // as written ("<f4"); "[...]" for structured dtypes
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

// Parser for the Python dict literal in the header.
class header_parser {
 public:
  header_parser(std::string_view text, std::string_view file) : t_(text), file_(file) {}

  void parse(header& h) {
    bool have_descr = false, have_fortran = false, have_shape = false;
    skip_ws();
    expect('{', "'{' at the start of the header dict");
    for (;;) {
      skip_ws();
      if (peek() == '}') break;
      const std::size_t key_pos = pos_;
      const std::string key = parse_string("a quoted key");
      skip_ws();
      expect(':', "':' after key '" + axle::detail::printable(key) + "'");
      skip_ws();
      if (key == "descr") {
        if (have_descr) fail_at(key_pos, "duplicate key 'descr'");
        have_descr = true;
        if (peek() == '[') {
          const std::size_t start = pos_;
          skip_nested();
          h.descr = std::string(t_.substr(start, pos_ - start));
        } else {
          h.descr = parse_string("a quoted descr");
        }
      } else if (key == "fortran_order") {
        if (have_fortran) fail_at(key_pos, "duplicate key 'fortran_order'");
        have_fortran = true;
        h.fortran_order = parse_bool();
      } else if (key == "shape") {
        if (have_shape) fail_at(key_pos, "duplicate key 'shape'");
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
  std::string_view file_;
  std::size_t pos_ = 0;

  char peek() const noexcept { return pos_ < t_.size() ? t_[pos_] : '\0'; }

  void skip_ws() noexcept {
    while (pos_ < t_.size() && (t_[pos_] == ' ' || t_[pos_] == '\t' || t_[pos_] == '\n' || t_[pos_] == '\r')) ++pos_;
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
    if (peek() != c || pos_ >= t_.size()) fail("expected " + what);
    ++pos_;
  }

  std::string parse_string(const std::string& what) {
    const char q = peek();
    if (q != '\'' && q != '"') fail("expected " + what);
    ++pos_;
    std::string out;
    while (pos_ < t_.size() && t_[pos_] != q) {
      if (t_[pos_] == '\\' && pos_ + 1 < t_.size()) ++pos_;
      out += t_[pos_++];
    }
    if (pos_ >= t_.size()) fail("unterminated string");
    ++pos_;
    return out;
  }

  bool parse_bool() {
    if (t_.substr(pos_, 4) == "True") {
      pos_ += 4;
      return true;
    }
    if (t_.substr(pos_, 5) == "False") {
      pos_ += 5;
      return false;
    }
    fail("expected True or False for 'fortran_order'");
  }

  std::vector<std::size_t> parse_shape() {
    expect('(', "a tuple for 'shape'");
    std::vector<std::size_t> shape;
    for (;;) {
      skip_ws();
      if (peek() == ')') break;
      if (peek() < '0' || peek() > '9') fail("expected a non-negative integer in 'shape'");
      std::size_t v = 0;
      bool overflow = false;
      while (peek() >= '0' && peek() <= '9') {
        const auto digit = static_cast<std::size_t>(peek() - '0');
        if (v > (std::numeric_limits<std::size_t>::max() - digit) / 10)
          overflow = true;
        else
          v = v * 10 + digit;
        ++pos_;
      }
      if (peek() == 'L' || peek() == 'l') ++pos_;  // Python 2 long
      if (overflow)
        throw error(std::string(file_) + ": shape overflow: a dimension in " + axle::detail::printable(t_, 120) +
                    " does not fit in size_t");
      shape.push_back(v);
      skip_ws();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() == ')') break;
      fail("expected ',' or ')' in 'shape'");
    }
    ++pos_;  // ')'
    return shape;
  }

  void skip_nested() {
    int depth = 0;
    do {
      if (pos_ >= t_.size()) fail("unterminated structured descr");
      const char c = t_[pos_];
      if (c == '\'' || c == '"') {
        (void)parse_string("a string");
        continue;
      }
      if (c == '[' || c == '(') ++depth;
      if (c == ']' || c == ')') --depth;
      ++pos_;
    } while (depth > 0);
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

}  // namespace detail

// Reads and parses the preamble and header; leaves `in` at the first data
// byte.  Does not validate the dtype or fortran_order (see read()).
inline header read_header(std::istream& in, std::string_view name_for_errors) {
  const std::string file = detail::file_label(name_for_errors);
  std::array<std::byte, 12> pre{};
  const std::size_t got = detail::read_some(in, pre.data(), 8);
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
  const std::size_t got_len = detail::read_some(in, pre.data() + 8, len_bytes);
  if (got_len < len_bytes)
    throw error(file + ": header truncated: the file ends inside the " + std::to_string(8 + len_bytes) +
                "-byte preamble");
  const auto header_len = static_cast<std::size_t>(detail::load_le(pre.data() + 8, len_bytes));
  std::vector<std::byte> text;
  const std::size_t got_text = detail::read_into(in, text, header_len);
  if (got_text < header_len)
    throw error(file + ": header truncated: expected " + std::to_string(header_len) + " header bytes, found " +
                std::to_string(got_text));
  h.data_offset = 8 + len_bytes + header_len;
  const std::string_view sv(reinterpret_cast<const char*>(text.data()), text.size());
  // Version 1.0/2.0 headers are latin-1, 3.0 utf-8; the keys and values we
  // accept are ASCII either way.
  detail::header_parser(sv, file).parse(h);
  return h;
}

// Validates the header's dtype and order; returns the dtype.
inline npy::dtype check_header(const header& h, std::string_view name_for_errors) {
  const std::string file = detail::file_label(name_for_errors);
  if (!h.descr.empty() && h.descr.front() == '[')
    throw error(file + ": unsupported dtype: structured dtype " + axle::detail::printable(h.descr) + " is not supported");
  const auto t = dtype_from_descr(h.descr);
  if (!t) {
    if (h.descr.size() >= 2 && h.descr[0] == '>') {
      const std::string le = "<" + h.descr.substr(1);
      if (dtype_from_descr(le))
        throw error(file + ": big-endian dtype '" + axle::detail::printable(h.descr) +
                    "' is not supported; convert with arr.astype('" + axle::detail::printable(le) + "')");
    }
    throw error(file + ": unsupported dtype " + detail::describe_descr(h.descr) +
                "; supported: float16 '<f2', bfloat16 '<V2' or '|V2', float32 '<f4', float64 '<f8'");
  }
  if (!detail::checked_count(h.shape, item_size(*t)))
    throw error(file + ": shape overflow: shape " + shape_string(h.shape) + " " + std::string(name(*t)) +
                " needs more than SIZE_MAX bytes");
  if (h.fortran_order) {
    // With at most one extent > 1 the Fortran and C layouts coincide.
    std::size_t non_trivial = 0;
    for (std::size_t d : h.shape) non_trivial += d > 1 ? 1 : 0;
    if (non_trivial > 1) throw error(file + ": fortran_order=True is not supported; save with np.ascontiguousarray");
  }
  return *t;
}

inline array read(std::istream& in, std::string_view name_for_errors) {
  const std::string file = detail::file_label(name_for_errors);
  const header h = read_header(in, name_for_errors);
  array a;
  a.dtype = check_header(h, name_for_errors);
  a.shape = h.shape;
  const std::size_t expected = *detail::checked_count(h.shape, item_size(a.dtype));
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
// Writing
// ---------------------------------------------------------------------------

// The preamble and header numpy.save would write for a C-order array of NumPy descr `type_descr`
// ("<f4", "|u1", "<i8", ...) and this shape.
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

// The preamble and header numpy.save would write for this array.
inline std::string encode_header(const array& a) { return encode_header(descr(a.dtype), a.shape); }

// Writes the complete .npy encoding of `a` to `out`.
inline void write(std::ostream& out, const array& a) {
  a.check_consistent();
  const std::string h = encode_header(a);
  out.write(h.data(), static_cast<std::streamsize>(h.size()));
  out.write(reinterpret_cast<const char*>(a.data.data()), static_cast<std::streamsize>(a.data.size()));
  if (!out) throw error("npy: write to stream failed");
}

// Writes `a` to `path`: complete or not at all, even if the process is killed (axle::output_file).
// Refuses to replace an existing file unless `force`.
inline void write(const std::filesystem::path& path, const array& a, bool force = false) {
  const std::string file = path.string();
  if (auto p = a.consistency_problem(); !p.empty()) throw error(file + ": cannot write: " + p);
  try {
    output_file out(path, force);
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
