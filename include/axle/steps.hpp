// axle — the plan vocabulary: the steps of a conversion as types, and plans as values.
//
//     plan<swap<O, I>, flip<H, W>>                       swap(O, I) · flip(H, W)
//     plan<split<merged<G, I>, G, I>, swap<O, I>, merge<merged<G, O>, G, O>>
//
// A plan lists its steps in order; `plan<>` is the identity. `axle::value::of<P>()` is the plan
// as a `value::plan` (<axle/value.hpp>), which the engine applies, inverts and prints.
#pragma once

#include <array>
#include <cstddef>
#include <utility>

#include "detail/type_list.hpp"
#include "engine/normal_form.hpp"
#include "layout.hpp"

namespace axle {

/// `split<E, P...>`: storage entry E becomes the entries P..., in that order.
template <class Entry, class... Parts>
struct split {};
/// `merge<E, P...>`: the adjacent entries P... become the one entry E.
template <class Entry, class... Parts>
struct merge {};
/// `swap<A, B>`: the entries A and B exchange places; A ends up first.
template <class A, class B>
struct swap {};
/// The order of a layout's entries, inside `permute`.
template <class... Atoms>
struct order {};
/// `permute<order<before...>, order<after...>>`: the entries, reordered. A unit axis may
/// appear on one side only: it is dropped or inserted.
template <class Before, class After>
struct permute {};
/// `flip<H, W>`: the orientation of these spatial axes is toggled.
template <class... Axes>
struct flip {};
/// `reorder<labels<A, "i,f,g,o">, labels<A, "i,o,f,g">>`: the blocks of a labelled axis are
/// put in another order.
template <class Before, class After>
struct reorder {};

/// A conversion between two layouts: the steps, in order. `plan<>` is the identity.
template <class... Steps>
struct plan {
  static constexpr std::size_t size = sizeof...(Steps);
};

/// Plans compare as types (a namespace-scope template: see layout's operator==).
template <class... As, class... Bs>
constexpr bool operator==(plan<As...>, plan<Bs...>) noexcept {
  return std::is_same_v<plan<As...>, plan<Bs...>>;
}

template <class T>
inline constexpr bool is_plan_v = false;
template <class... Ss>
inline constexpr bool is_plan_v<plan<Ss...>> = true;

template <class T>
concept plan_type = is_plan_v<T>;

namespace detail {

// Each step's argument lists as lists of storage dimensions (entries): a split or merge has one
// entry and its parts; a swap or permutation lists entries, which may be merged dimensions;
// a flip lists axes; a reorder one labelled axis before and after.
template <class S>
struct step_traits;
template <class E, class... Ps>
struct step_traits<split<E, Ps...>> {
  static constexpr value::step_kind kind = value::step_kind::split;
  using a = type_list<E>;
  using b = type_list<Ps...>;
  using elements = type_list<E, Ps...>;  // a, then b
};
template <class E, class... Ps>
struct step_traits<merge<E, Ps...>> {
  static constexpr value::step_kind kind = value::step_kind::merge;
  using a = type_list<E>;
  using b = type_list<Ps...>;
  using elements = type_list<E, Ps...>;
};
template <class A, class B>
struct step_traits<swap<A, B>> {
  static constexpr value::step_kind kind = value::step_kind::swap;
  using a = type_list<A, B>;
  using b = type_list<>;
  using elements = type_list<A, B>;
};
template <class... As, class... Bs>
struct step_traits<permute<order<As...>, order<Bs...>>> {
  static constexpr value::step_kind kind = value::step_kind::permute;
  using a = type_list<As...>;
  using b = type_list<Bs...>;
  using elements = type_list<As..., Bs...>;
};
template <class... As>
struct step_traits<flip<As...>> {
  static constexpr value::step_kind kind = value::step_kind::flip;
  using a = type_list<As...>;
  using b = type_list<>;
  using elements = type_list<As...>;
};
template <class A, class B>
struct step_traits<reorder<A, B>> {
  static constexpr value::step_kind kind = value::step_kind::reorder;
  using a = type_list<A>;
  using b = type_list<B>;
  using elements = type_list<A, B>;
};

template <class... As>
constexpr int add_entry_atoms(value::plan& d, int& source, type_list<As...>) noexcept {
  bool join = false;
  ((d.add(atom_traits<As>::make(source++), join), join = true), ...);
  return static_cast<int>(sizeof...(As));
}
template <class... Es>
constexpr int add_entries(value::plan& d, int& source, type_list<Es...>) noexcept {
  return (0 + ... + add_entry_atoms(d, source, typename entry_traits<Es>::atoms{}));
}

template <class S>
constexpr void add_step(value::plan& d, int& source) noexcept {
  using T = step_traits<S>;
  value::step& st = d.push(T::kind);
  st.a_count = add_entries(d, source, typename T::a{});
  st.b_begin = d.npool;
  st.b_count = add_entries(d, source, typename T::b{});
}

template <class List>
struct atoms_of_entries;
template <class... Es>
struct atoms_of_entries<type_list<Es...>> {
  using type = concat_t<typename entry_traits<Es>::atoms...>;
};

/// The orientation-free atom types named by a plan's steps: the universe of its descriptor.
/// Atoms are numbered step by step, a-list then b-list, as `steps_of` adds them.
template <class P>
struct plan_universe_ordered;
template <class... Ss>
struct plan_universe_ordered<plan<Ss...>> {
  using type = typename base_list<concat_t<typename atoms_of_entries<
      concat_t<typename step_traits<Ss>::a, typename step_traits<Ss>::b>>::type...>>::type;
};
template <class P>
using plan_universe_t = typename plan_universe_ordered<P>::type;

/// The descriptor of a plan type; its atoms have universe indices Offset, Offset + 1, ...
template <class P, int Offset = 0>
struct steps_of;
template <class... Ss, int Offset>
struct steps_of<plan<Ss...>, Offset> {
  static constexpr value::plan make() noexcept {
    value::plan d;
    [[maybe_unused]] int source = Offset;
    (add_step<Ss>(d, source), ...);
    return d;
  }
  static constexpr value::plan value = make();
};

/// The entries of the pool range [Begin, Begin + Count) of H, grouped by `joined`.
template <class U, class H, int Begin, int Count, class Ks>
struct entry_list;
template <class U, class H, int Begin, int Count, std::size_t... K>
struct entry_list<U, H, Begin, Count, std::index_sequence<K...>> {
  template <std::size_t E>
  static constexpr int start = H::value.element_start(Begin, Count, static_cast<int>(E));
  using type = type_list<typename make_entry<
      U, H, start<K>,
      std::make_index_sequence<static_cast<std::size_t>(H::value.element_end(start<K>, Begin + Count) - start<K>)>>::type...>;
};
template <class U, class H, int Begin, int Count>
using entry_list_t = typename entry_list<U, H, Begin, Count,
                                         std::make_index_sequence<static_cast<std::size_t>(H::value.elements(Begin, Count))>>::type;

/// An entry without orientation: steps name axes, not how they are stored.
template <class E>
struct base_entry {
  using type = typename atom_traits<E>::base;
};
template <class... As>
struct base_entry<merged<As...>> {
  using type = merged<typename atom_traits<As>::base...>;
};
template <class L>
struct entries_of;
template <class... Es>
struct entries_of<layout<Es...>> {
  using type = type_list<typename base_entry<Es>::type...>;
};

template <value::step_kind K, class A, class B>
struct make_step;
template <class E, class... Bs>
struct make_step<value::step_kind::split, type_list<E>, type_list<Bs...>> {
  using type = split<E, Bs...>;
};
template <class E, class... Bs>
struct make_step<value::step_kind::merge, type_list<E>, type_list<Bs...>> {
  using type = merge<E, Bs...>;
};
template <class X, class Y, class B>
struct make_step<value::step_kind::swap, type_list<X, Y>, B> {
  using type = swap<X, Y>;
};
template <class... As, class... Bs>
struct make_step<value::step_kind::permute, type_list<As...>, type_list<Bs...>> {
  using type = permute<order<As...>, order<Bs...>>;
};
template <class... As, class B>
struct make_step<value::step_kind::flip, type_list<As...>, B> {
  using type = flip<As...>;
};
template <class X, class Y>
struct make_step<value::step_kind::reorder, type_list<X>, type_list<Y>> {
  using type = reorder<X, Y>;
};

/// The a-list of a permutation is the source layout's own entry list when nothing was split:
/// it is taken whole instead of atom by atom (and likewise the b-list and the target).
/// The entries of a step's list: the layout's own (Whole), or built from the pool. Only the one
/// chosen is instantiated.
template <bool Whole, class L, class U, class H, int Begin, int Count>
struct list_of {
  using type = typename entries_of<L>::type;
};
template <class L, class U, class H, int Begin, int Count>
struct list_of<false, L, U, H, Begin, Count> {
  using type = entry_list_t<U, H, Begin, Count>;
};

template <class U, class H, class From, class To, std::size_t S, value::step_kind Kind = H::value.steps[S].kind,
          bool A_is_from = Kind == value::step_kind::permute && H::value.order_is_source,
          bool B_is_to = Kind == value::step_kind::permute && H::value.order_is_target>
struct step_type {
  static constexpr value::step st = H::value.steps[S];
  using A = typename list_of<A_is_from, From, U, H, st.a_begin, st.a_count>::type;
  using B = typename list_of<B_is_to, To, U, H, st.b_begin, st.b_count>::type;
  using type = typename make_step<Kind, A, B>::type;
};
template <class U, class H, class From, class To, std::size_t S, value::step_kind Kind>
struct step_type<U, H, From, To, S, Kind, true, true> {
  using type = make_step<Kind, typename entries_of<From>::type, typename entries_of<To>::type>::type;
};

template <class U, class H, class From, class To, class Ss>
struct make_plan;
template <class U, class H, class From, class To, std::size_t... S>
struct make_plan<U, H, From, To, std::index_sequence<S...>> {
  using type = plan<typename step_type<U, H, From, To, S>::type...>;
};

/// The plan type of `H::value` (a value::plan) over the type universe U. From and To are the
/// layouts of a derivation (or layout<> when there are none).
template <class U, class H, class From = layout<>, class To = layout<>>
using build_plan_t = typename make_plan<U, H, From, To, std::make_index_sequence<static_cast<std::size_t>(H::value.nsteps)>>::type;

}  // namespace detail

namespace value {
/// The value of a plan type: `value::of<plan<swap<O, I>>>()`.
template <plan_type P>
[[nodiscard]] constexpr const plan& of() noexcept {
  return detail::steps_of<P>::value;
}
}  // namespace value

}  // namespace axle
