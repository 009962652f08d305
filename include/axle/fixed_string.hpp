// axle — compile-time strings used for axis and block labels.
#pragma once

#include <cstddef>
#include <string_view>

namespace axle {

/// A string usable as a template argument: `axle::axis<"heads">`, `axle::labels<gate, "i,f,g,o">`.
template <std::size_t N>
struct fixed_string {
  char value[N + 1]{};

  constexpr fixed_string(const char (&text)[N + 1]) noexcept {
#if defined(__clang__)
    // One step of clang's constant evaluator instead of one per character: every layout written
    // as text is such a template argument, made while the program compiles.
    __builtin_memcpy(value, text, N + 1);
#else
    for (std::size_t i = 0; i <= N; ++i) value[i] = text[i];
#endif
  }
  [[nodiscard]] constexpr std::string_view view() const noexcept { return {value, N}; }
  [[nodiscard]] static constexpr std::size_t size() noexcept { return N; }
};

template <std::size_t M>
fixed_string(const char (&)[M]) -> fixed_string<M - 1>;

}  // namespace axle
