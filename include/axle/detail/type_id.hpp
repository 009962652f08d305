// axle — a compile-time identity for a type, by value.
#pragma once

#include <string_view>

namespace axle::detail {

/// FNV-1a over the compiler's spelling of T: unique per type within a program. Identities are
/// compared by value, never by address: g++ does not fold address comparisons in constant
/// expressions under -fsanitize=null or -fno-delete-null-pointer-checks.
template <class T>
constexpr unsigned long long type_id() noexcept {
  constexpr std::string_view name = __PRETTY_FUNCTION__;
  unsigned long long h = 14695981039346656037ULL;
  for (char c : name) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  return h;
}

}  // namespace axle::detail
