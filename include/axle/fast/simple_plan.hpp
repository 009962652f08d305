// axle — the plan between two simple layouts, by pack expansion (no layout descriptors).
//
// A layout is simple when every entry is one whole axis, possibly flipped: the common case. The
// normal form of a plan between two simple layouts with the same axes is (engine/normal_form.hpp,
// simple_normal_form): a swap when exactly two entries trade places, otherwise a permutation
// whose orders are the two layouts' own entry lists when anything moved; then one flip of every
// axis whose orientation differs, listed by label (ties in target order). This header computes
// that plan type straight from the two layout types. Anything else (an invalid layout,
// different axes) is left to the engine, which computes the plan or reports why there is none.
//
// Cost discipline (g++ and clang alike): per pair of layouts, one constant evaluation of a
// plain (non-template) function over a small array, and namespace-scope class templates only:
// no member templates, nested classes or lambdas in per-pair templates (each one is a new
// template or class per instantiation of the enclosing one).
#pragma once

#include <cstddef>
#include <string_view>
#include <type_traits>
#include <utility>

#include "../layout.hpp"
#include "../steps.hpp"
#include "../detail/type_list.hpp"

namespace axle::detail {

struct no_simple_plan {};

template <class E>
struct simple_entry {
  static constexpr bool value = false;
};
template <axis_tag A>
struct simple_entry<A> {
  static constexpr bool value = true;
  static constexpr bool flip = false;
  using axis = A;
};
template <axis_tag A>
struct simple_entry<flipped<A>> {
  static constexpr bool value = true;
  static constexpr bool flip = true;
  using axis = A;
};

/// One entry of a simple layout, as a value: its axis, orientation, whether it may be flipped,
/// its label (the flips are listed by label).
struct simple_atom {
  unsigned long long id = 0;
  std::string_view label{};
  bool flip = false;
  bool spatial = false;
};
template <class E>
inline constexpr simple_atom simple_atom_v{axis_info_of<typename simple_entry<E>::axis>.id,
                                           simple_entry<E>::axis::label, simple_entry<E>::flip,
                                           is_spatial_v<typename simple_entry<E>::axis>};

/// The plan between two simple layouts, as a value.
struct simple_shape {
  bool ok = true;  // both layouts valid, the same axes
  int moved = 0;   // target positions whose entry moves
  int first = -1, second = -1;
  int nflips = 0;
  int flips[value::max_atoms]{};  // target positions of the flipped axes, by label
};

constexpr simple_shape make_simple_shape(const simple_atom* a, int na, const simple_atom* b, int nb) noexcept {
  simple_shape s;
  if (na != nb || na > value::max_atoms) {
    s.ok = false;
    return s;
  }
  bool seen[value::max_atoms]{};
  for (int k = 0; k < nb; ++k) {
    // Every target axis once in the source (so both are free of duplicates), flips only of
    // spatial axes: otherwise the engine reports.
    int i = 0;
    while (i < na && a[i].id != b[k].id) ++i;
    if (i == na || seen[i] || (a[i].flip && !a[i].spatial) || (b[k].flip && !b[k].spatial)) {
      s.ok = false;
      return s;
    }
    seen[i] = true;
    if (i != k) {
      ++s.moved;
      (s.first < 0 ? s.first : s.second) = k;
    }
    if (a[i].flip != b[k].flip) {
      int m = s.nflips++;
      for (; m > 0 && b[s.flips[m - 1]].label > b[k].label; --m) s.flips[m] = s.flips[m - 1];
      s.flips[m] = k;
    }
  }
  return s;
}

template <class From, class To>
struct simple_shape_of;
template <class... As, class... Bs>
struct simple_shape_of<layout<As...>, layout<Bs...>> {
  static constexpr simple_atom a[sizeof...(As) + 1] = {simple_atom_v<As>..., simple_atom{}};
  static constexpr simple_atom b[sizeof...(Bs) + 1] = {simple_atom_v<Bs>..., simple_atom{}};
  static constexpr simple_shape value =
      make_simple_shape(a, static_cast<int>(sizeof...(As)), b, static_cast<int>(sizeof...(Bs)));
};

template <class... Bs>
using simple_axes_t = type_list<typename simple_entry<Bs>::axis...>;

/// The reordering step: none, a swap, or a permutation of the two layouts' entry lists.
template <class From, class To>
struct simple_permute;
template <class... As, class... Bs>
struct simple_permute<layout<As...>, layout<Bs...>> {
  using type = type_list<permute<order<typename simple_entry<As>::axis...>, order<typename simple_entry<Bs>::axis...>>>;
};
template <class From, class To, int Moved, int First, int Second>
struct simple_reorder : simple_permute<From, To> {};
template <class From, class To, int First, int Second>
struct simple_reorder<From, To, 0, First, Second> {
  using type = type_list<>;
};
template <class From, class... Bs, int First, int Second>
struct simple_reorder<From, layout<Bs...>, 2, First, Second> {  // two moved entries of a bijection: a swap
  using type = type_list<swap<type_at_t<simple_axes_t<Bs...>, static_cast<std::size_t>(First)>,
                              type_at_t<simple_axes_t<Bs...>, static_cast<std::size_t>(Second)>>>;
};

template <class Shape, class To, class Ks>
struct simple_flips {
  using type = type_list<>;
};
template <class Shape, class... Bs, std::size_t K0, std::size_t... K>
struct simple_flips<Shape, layout<Bs...>, std::index_sequence<K0, K...>> {
  using type = type_list<flip<type_at_t<simple_axes_t<Bs...>, static_cast<std::size_t>(Shape::value.flips[K0])>,
                              type_at_t<simple_axes_t<Bs...>, static_cast<std::size_t>(Shape::value.flips[K])>...>>;
};

template <class L1, class L2>
struct simple_as_plan;
template <class... S1, class... S2>
struct simple_as_plan<type_list<S1...>, type_list<S2...>> {
  using type = plan<S1..., S2...>;
};

template <class From, class To, class Shape = simple_shape_of<From, To>, bool Ok = Shape::value.ok>
struct simple_build {
  using type = no_simple_plan;
};
template <class From, class To, class Shape>
struct simple_build<From, To, Shape, true> {
  using type = typename simple_as_plan<
      typename simple_reorder<From, To, Shape::value.moved, Shape::value.first, Shape::value.second>::type,
      typename simple_flips<Shape, To, std::make_index_sequence<static_cast<std::size_t>(Shape::value.nflips)>>::type>::type;
};

template <class From, class To, bool Simple>
struct simple_plan_of {
  using type = no_simple_plan;
};
template <class From, class To>
struct simple_plan_of<From, To, true> : simple_build<From, To> {};

/// Every entry of L is one whole axis, possibly flipped.
template <class L>
inline constexpr bool simple_layout_v = false;
template <class... Es>
inline constexpr bool simple_layout_v<layout<Es...>> = (simple_entry<Es>::value && ...);
/// A simple layout is valid when no axis is named twice and only spatial axes are flipped (the
/// plan from L to itself exists): what validate() checks, for this case.
template <class L>
inline constexpr bool simple_valid_v = simple_shape_of<L, L>::value.ok;

/// The plan between two simple layouts, or no_simple_plan.
template <class From, class To>
struct simple_plan {
  using type = no_simple_plan;
};
template <class... As, class... Bs>
struct simple_plan<layout<As...>, layout<Bs...>>
    : simple_plan_of<layout<As...>, layout<Bs...>, (simple_entry<As>::value && ...) && (simple_entry<Bs>::value && ...)> {};

}  // namespace axle::detail
