// axle — Boost.Hana interop: a layout is a Hana Sequence of the `hana::type`s of its entries.
//
//     hana::length(layout<O, I, H, W>{}) == hana::size_c<4>
//     hana::at_c<2>(layout<O, I, H, W>{}) == hana::type_c<H>
//     hana::transform(l, f)       // a layout again: every entry replaced by f(entry)
//     hana::for_each(hana::make_tuple(L1{}, L2{}), check)   // heterogeneous iteration
//
// Hana is used here, at the boundary, and nowhere in the engine: plan derivation is plain C++20
// (docs/performance.md measures why). Include this header only where Hana is wanted.
#pragma once

#include <boost/hana.hpp>

#include <cstddef>
#include <utility>

#include "detail/type_list.hpp"
#include "layout.hpp"

namespace axle {

/// The Hana tag of every axle::layout.
struct layout_tag {};

}  // namespace axle

namespace boost::hana {

template <class... Es>
struct tag_of<axle::layout<Es...>> {
  using type = axle::layout_tag;
};

template <>
struct Sequence<axle::layout_tag> {
  static constexpr bool value = true;
};

template <>
struct unpack_impl<axle::layout_tag> {
  template <class... Es, class F>
  static constexpr decltype(auto) apply(axle::layout<Es...>, F&& f) {
    return static_cast<F&&>(f)(hana::type_c<Es>...);
  }
};

template <>
struct at_impl<axle::layout_tag> {
  template <class... Es, class N>
  static constexpr auto apply(axle::layout<Es...>, const N&) {
    return hana::type_c<axle::detail::type_at_t<axle::detail::type_list<Es...>, N::value>>;
  }
};

template <>
struct drop_front_impl<axle::layout_tag> {
  template <std::size_t N, class... Es, std::size_t... K>
  static constexpr auto drop(std::index_sequence<K...>) {
    return axle::layout<axle::detail::type_at_t<axle::detail::type_list<Es...>, N + K>...>{};
  }
  template <class... Es, class N>
  static constexpr auto apply(axle::layout<Es...>, const N&) {
    constexpr std::size_t n = N::value < sizeof...(Es) ? N::value : sizeof...(Es);
    return drop<n, Es...>(std::make_index_sequence<sizeof...(Es) - n>{});
  }
};

template <>
struct is_empty_impl<axle::layout_tag> {
  template <class... Es>
  static constexpr auto apply(axle::layout<Es...>) {
    return hana::bool_c<sizeof...(Es) == 0>;
  }
};

/// `hana::make<axle::layout_tag>(hana::type_c<O>, hana::type_c<I>)` is `layout<O, I>{}`.
template <>
struct make_impl<axle::layout_tag> {
  template <class... Ts>
  static constexpr auto apply(Ts...) {
    return axle::layout<typename Ts::type...>{};
  }
};

}  // namespace boost::hana
