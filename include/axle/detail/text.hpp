// axle — the few text helpers every message and printer shares: integers, tuples, lower case,
// and input echoed safely.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <type_traits>

namespace axle::detail {

/// std::to_string is not constexpr; this is (any integer type).
template <class Int>
constexpr std::string int_text(Int value) {
  static_assert(std::is_integral_v<Int>);
  if (value == 0) return "0";
  std::string digits;
  bool negative = false;
  unsigned long long u = 0;
  if constexpr (std::is_signed_v<Int>) {
    negative = value < 0;
    u = negative ? 0ULL - static_cast<unsigned long long>(value) : static_cast<unsigned long long>(value);
  } else {
    u = static_cast<unsigned long long>(value);
  }
  for (; u > 0; u /= 10) digits.insert(digits.begin(), static_cast<char>('0' + u % 10));
  return negative ? "-" + digits : digits;
}

/// Python's spelling of a tuple of integers: `()`, `(5,)`, `(8, 4, 3, 3)`.
template <class Range>
constexpr std::string tuple_text(const Range& values) {
  std::string s = "(";
  std::size_t n = 0;
  for (const auto& v : values) s += (n++ ? ", " : "") + int_text(v);
  return s + (n == 1 ? ",)" : ")");
}

[[nodiscard]] constexpr char lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

/// Appends `s` in lower case to a std::string or a static_string.
template <class Out>
constexpr void append_lower(Out& out, std::string_view s) {
  for (char c : s) out += lower(c);
}

/// Appends byte `c` escaped: `\n`, `\t`, `\r`, or `\xNN`.
inline void append_escaped_byte(std::string& out, unsigned char c) {
  static constexpr char hex[] = "0123456789abcdef";
  if (c == '\n') {
    out += "\\n";
  } else if (c == '\t') {
    out += "\\t";
  } else if (c == '\r') {
    out += "\\r";
  } else {
    out += "\\x";
    out += hex[c >> 4];
    out += hex[c & 15];
  }
}

/// Appends the decimal digits of `value` (any integer type) without allocating.
template <class Out, class Int>
constexpr void append_int(Out& out, Int value) {
  static_assert(std::is_integral_v<Int>);
  char digits[24]{};
  int n = 0;
  unsigned long long u = 0;
  if constexpr (std::is_signed_v<Int>) {
    if (value < 0) out += '-';
    u = value < 0 ? 0ULL - static_cast<unsigned long long>(value) : static_cast<unsigned long long>(value);
  } else {
    u = static_cast<unsigned long long>(value);
  }
  do {
    digits[n++] = static_cast<char>('0' + u % 10);
    u /= 10;
  } while (u > 0);
  while (n > 0) out += digits[--n];
}

/// Text of at most N characters, without allocation: what the printers write at compile time on
/// every compiler (clang cannot evaluate std::string of libstdc++ 12 in constant expressions).
/// Characters past N are dropped and `overflow` is set.
template <std::size_t N>
struct static_string {
  char chars[N + 1]{};
  std::size_t length = 0;
  bool overflow = false;

  constexpr static_string& operator+=(char c) noexcept {
    if (length == N)
      overflow = true;
    else
      chars[length++] = c;
    return *this;
  }
  constexpr static_string& operator+=(std::string_view s) noexcept {
    for (char c : s) *this += c;
    return *this;
  }
  [[nodiscard]] constexpr std::string_view view() const noexcept { return {chars, length}; }
  [[nodiscard]] constexpr std::size_t size() const noexcept { return length; }
};

/// `s` as it may be echoed in a one-line message: backslash, control and non-ASCII bytes escaped
/// (`\n`, `\x1b`), cut after `max` characters with "...".
inline std::string printable(std::string_view s, std::size_t max = 60) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (out.size() >= max) {
      out += "...";
      break;
    }
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '\\')
      out += "\\\\";
    else if (c >= 0x20 && c < 0x7f)
      out += static_cast<char>(c);
    else
      append_escaped_byte(out, c);
  }
  return out;
}

/// `s` made safe to print as one line of a terminal: control characters (C0, DEL and the C1
/// range) and bytes that are not UTF-8 escaped as `\n`, `\t`, `\r` or `\xNN`; printable UTF-8 text,
/// backslashes included, kept as it is, so text that printable() already escaped is unchanged.
inline std::string one_line_text(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  auto escape = [&](unsigned char c) { append_escaped_byte(out, c); };
  auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  for (std::size_t i = 0; i < s.size();) {
    const unsigned char c = byte(i);
    if (c < 0x80) {
      if (c < 0x20 || c == 0x7f)
        escape(c);
      else
        out += static_cast<char>(c);
      ++i;
      continue;
    }
    // A well-formed UTF-8 sequence (the Unicode standard's table 3-7): lead byte, then its range
    // for the second byte, then continuation bytes.
    std::size_t n = 0;
    unsigned char lo = 0x80, hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) {
      n = 2;
    } else if (c >= 0xe0 && c <= 0xef) {
      n = 3;
      if (c == 0xe0) lo = 0xa0;
      if (c == 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 4;
      if (c == 0xf0) lo = 0x90;
      if (c == 0xf4) hi = 0x8f;
    }
    bool ok = n > 0 && i + n <= s.size() && byte(i + 1) >= lo && byte(i + 1) <= hi;
    for (std::size_t k = 2; ok && k < n; ++k) ok = byte(i + k) >= 0x80 && byte(i + k) <= 0xbf;
    if (ok && c == 0xc2 && byte(i + 1) < 0xa0) ok = false;  // U+0080 to U+009F: C1 controls
    if (!ok) {
      escape(c);
      ++i;
      continue;
    }
    out.append(s.substr(i, n));
    i += n;
  }
  return out;
}

}  // namespace axle::detail
