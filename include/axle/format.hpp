// axle — {fmt} formatters for axes, layouts and plans, in the notation of <axle/notation.hpp>.
//
//     fmt::print("{} -> {}: {}\n", From{}, To{}, axle::plan_t<From, To>{});
//     // (I, O, H~, W~) -> (O, I, H, W): swap(O, I) · flip(H, W)
//
// The formatters take the format specification of a string (`{:>30}` aligns).
#pragma once

#include <fmt/format.h>

#include <string_view>

#include "notation.hpp"

template <class... Es>
struct fmt::formatter<axle::layout<Es...>> : fmt::formatter<std::string_view> {
  auto format(axle::layout<Es...> l, fmt::format_context& ctx) const {
    return fmt::formatter<std::string_view>::format(axle::to_string(l), ctx);
  }
};

template <class... Ss>
struct fmt::formatter<axle::plan<Ss...>> : fmt::formatter<std::string_view> {
  auto format(axle::plan<Ss...> p, fmt::format_context& ctx) const {
    return fmt::formatter<std::string_view>::format(axle::to_string(p), ctx);
  }
};

template <axle::axis_tag A>
struct fmt::formatter<A, char, void> : fmt::formatter<std::string_view> {
  auto format(A, fmt::format_context& ctx) const { return fmt::formatter<std::string_view>::format(A::label, ctx); }
};

template <>
struct fmt::formatter<axle::value::layout> : fmt::formatter<std::string_view> {
  auto format(const axle::value::layout& l, fmt::format_context& ctx) const {
    return fmt::formatter<std::string_view>::format(axle::to_string(l), ctx);
  }
};

template <>
struct fmt::formatter<axle::value::plan> : fmt::formatter<std::string_view> {
  auto format(const axle::value::plan& p, fmt::format_context& ctx) const {
    return fmt::formatter<std::string_view>::format(axle::to_string(p), ctx);
  }
};
