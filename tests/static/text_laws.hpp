// Round-trip laws of layouts written as text (<axle/parse.hpp>), shared by laws.cpp (every layout
// of the suite) and text_laws.cpp (every layout of the catalogue).
//
// For a layout type L: print(L), axle's notation as the printer writes it at compile time, read
// back with layout_t is L itself (parse(print(L)) == L), and printing that type gives the same
// text (print(parse(s)) == s for the printer's output).
#pragma once

#include <axle/notation.hpp>
#include <axle/parse.hpp>

#include <cstddef>
#include <type_traits>

namespace text_laws {

/// The printer's text of L, as a template argument.
template <class L>
struct printed {
  static constexpr auto text = axle::detail::layout_text(axle::value::of<L>());
  static_assert(!text.overflow);
  static constexpr axle::fixed_string<text.size()> make() {
    char chars[text.size() + 1]{};
    for (std::size_t k = 0; k < text.size(); ++k) chars[k] = text.chars[k];
    return axle::fixed_string<text.size()>(chars);
  }
  static constexpr axle::fixed_string<text.size()> value = make();
};

template <class L, class Axes = axle::axes_list<>>
constexpr bool round_trip() {
  using parsed = axle::layout_t<printed<L>::value, Axes>;
  static_assert(std::is_same_v<parsed, L>, "parse(print(L)) == L");
  static_assert(axle::detail::layout_text(axle::value::of<parsed>()).view() == printed<L>::value.view(), "print(parse(s)) == s");
  return true;
}

template <class Axes, class... Ls>
constexpr bool round_trips(axle::detail::type_list<Ls...>) {
  return (round_trip<Ls, Axes>() && ...);
}

}  // namespace text_laws
