// What the fuzz targets share: reading typed values from libFuzzer's bytes, and checks that abort
// (which libFuzzer reports as a finding, with the input that caused it).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

namespace axle::fuzz {

/// Stops the run: the input that got here is a finding.
[[noreturn]] inline void fail(std::string_view what, std::string_view detail = {}) {
  std::fprintf(stderr, "axle fuzz finding: %.*s: %.*s\n", static_cast<int>(what.size()), what.data(), static_cast<int>(detail.size()),
               detail.data());
  std::abort();
}

inline void require(bool ok, std::string_view what, std::string_view detail = {}) {
  if (!ok) fail(what, detail);
}

/// An error message is one line without control characters, as every message of axle must be.
inline void require_one_line(std::string_view message) {
  for (char c : message)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) fail("a message with a control character", message);
}

/// The fuzzer's bytes as a stream of small decisions; past the end, zeros.
class input {
 public:
  input(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  [[nodiscard]] bool empty() const noexcept { return at_ >= size_; }
  [[nodiscard]] std::size_t left() const noexcept { return size_ - (at_ < size_ ? at_ : size_); }
  std::uint8_t u8() noexcept { return at_ < size_ ? data_[at_++] : 0; }
  std::uint64_t u64() noexcept {
    std::uint64_t v = 0;
    for (int k = 0; k < 8; ++k) v |= static_cast<std::uint64_t>(u8()) << (8 * k);
    return v;
  }
  /// An extent: usually small, sometimes anything a signed 64-bit integer holds (negative too).
  std::int64_t extent() noexcept {
    const std::uint8_t kind = u8();
    if (kind < 200) return kind % 8;
    if (kind < 230) return static_cast<std::int64_t>(u64() >> (u8() % 64));
    std::int64_t v = 0;
    const std::uint64_t raw = u64();
    std::memcpy(&v, &raw, sizeof v);
    return v;
  }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t at_ = 0;
};

/// The shapes the view and mapping targets try. By default, those of buffers that can exist: the
/// non-zero extents (and the sizes given beside the shape) multiply to at most 2^40 bytes. With
/// AXLE_FUZZ_ANY_SHAPE=1, any shape: those whose size overflows must be refused with a
/// shape_error (docs/fuzzing.md, open findings).
inline bool any_shape() {
  static const bool any = [] {
    const char* v = std::getenv("AXLE_FUZZ_ANY_SHAPE");
    return v != nullptr && *v != '\0' && std::string_view(v) != "0";
  }();
  return any;
}

/// Whether `extents` (any range of integers) is in the domain any_shape() describes.
template <class... Ranges>
bool in_domain(std::int64_t item_bytes, const Ranges&... extents) {
  if (any_shape()) return true;
  std::int64_t bytes = item_bytes;
  auto take = [&](std::int64_t e) {
    if (e < 0) return false;
    if (e == 0) return true;
    if (__builtin_mul_overflow(bytes, e, &bytes)) return false;
    return bytes <= (std::int64_t{1} << 40);
  };
  bool ok = true;
  ((ok = ok && [&] {
     for (const auto& e : extents)
       if (!take(static_cast<std::int64_t>(e))) return false;
     return true;
   }()),
   ...);
  return ok;
}

}  // namespace axle::fuzz
