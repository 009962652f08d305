// axle — applying plan steps to a layout type directly, by pack expansion (no descriptors).
//
// `apply_t<P, L>` is what `apply_steps` computes. For the step kinds of a normal form this
// header computes the same layout type without the engine: each step is a class template over
// the layout's entries, and a step that does not apply in the simple way (an absent entry, a
// unit axis dropped or inserted, a flip of an axis L does not have) yields `no_fast_apply`, on
// which plan.hpp falls back to the engine, which computes the result or reports the error. The
// rules below are apply_step's, case by case:
//   swap     the two entries that are exactly X and Y (orientation-free) exchange places
//   permute  L's entries are exactly `before`; entry k of the result is L's entry that `after[k]`
//            names (with its orientation: an axis has one orientation in a layout)
//   flip     every atom of each named (spatial, present) axis toggles its orientation
//   reorder  the labelled atom X becomes Y
//   split    the entry that is exactly E becomes the entries P..., oriented as the axis is in L
//   merge    the consecutive one-atom entries P... become one entry E, oriented likewise
#pragma once

#include <cstddef>
#include <string_view>
#include <type_traits>
#include <utility>

#include "../layout.hpp"
#include "../steps.hpp"
#include "../detail/type_list.hpp"

namespace axle::detail {

struct no_fast_apply {};

template <class A>
inline constexpr bool is_flipped_v = false;
template <class A>
inline constexpr bool is_flipped_v<flipped<A>> = true;

template <class A>
inline constexpr bool is_unit_v = false;
template <class A>
inline constexpr bool is_unit_v<unit<A>> = true;

/// The identity of an atom's axis.
template <class X>
inline constexpr unsigned long long axis_id_v = axis_info_of<typename atom_traits<X>::axis>.id;

constexpr unsigned long long mix_id(unsigned long long h, unsigned long long x) noexcept {
  return (h ^ x) * 1099511628211ULL + 0x9e3779b97f4a7c15ULL;
}
constexpr unsigned long long text_id(std::string_view s) noexcept {
  unsigned long long h = 14695981039346656037ULL;
  for (char c : s) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  return h;
}
/// The identity of an orientation-free atom type, as a value: its axis and what part of it.
/// (Cheaper than type_id<T>, which hashes the compiler's spelling of every new type.)
template <class X>
struct atom_id {
  static constexpr unsigned long long value = axis_id_v<X>;
};
template <class A>
struct atom_id<flipped<A>> {
  static constexpr unsigned long long value = mix_id(atom_id<A>::value, 1);
};
template <class A, index_t S>
struct atom_id<outer<A, S>> {
  static constexpr unsigned long long value = mix_id(mix_id(axis_id_v<A>, 2), static_cast<unsigned long long>(S));
};
template <class A, index_t E, index_t S>
struct atom_id<inner<A, E, S>> {
  static constexpr unsigned long long value =
      mix_id(mix_id(mix_id(axis_id_v<A>, 3), static_cast<unsigned long long>(E)), static_cast<unsigned long long>(S));
};
template <class A>
struct atom_id<unit<A>> {
  static constexpr unsigned long long value = mix_id(axis_id_v<A>, 4);
};
template <class A, fixed_string L>
struct atom_id<labels<A, L>> {
  static constexpr unsigned long long value = mix_id(mix_id(axis_id_v<A>, 5), text_id(L.view()));
};
/// The identity of an orientation-free entry: its atoms, in order.
template <class E>
inline constexpr unsigned long long entry_id_v = atom_id<E>::value;
template <class... Xs>
inline constexpr unsigned long long entry_id_v<merged<Xs...>> = [] {
  unsigned long long h = 6;
  ((h = mix_id(h, atom_id<Xs>::value)), ...);
  return h;
}();

/// Where each entry lands: a permutation of positions, or not ok.
struct positions {
  bool ok = true;
  unsigned char pos[value::max_atoms + 1]{};
};
/// Where each of `b[0..nb)` is in `a[0..na)`, when that is a bijection.
constexpr positions match_positions(const unsigned long long* a, int na, const unsigned long long* b, int nb) noexcept {
  positions p;
  if (na != nb || na > value::max_atoms) {
    p.ok = false;
    return p;
  }
  bool seen[value::max_atoms]{};
  for (int k = 0; k < nb; ++k) {
    int i = 0;
    while (i < na && a[i] != b[k]) ++i;
    if (i == na || seen[i]) {
      p.ok = false;
      return p;
    }
    seen[i] = true;
    p.pos[k] = static_cast<unsigned char>(i);
  }
  return p;
}
/// The first position of `x` in `a[0..na)`, or na.
constexpr int find_id(const unsigned long long* a, int na, unsigned long long x) noexcept {
  int i = 0;
  while (i < na && a[i] != x) ++i;
  return i;
}
constexpr positions swap_positions_of(const unsigned long long* ids, int n, unsigned long long x_id,
                                      unsigned long long y_id) noexcept {
  positions p;
  const int x = find_id(ids, n, x_id), y = find_id(ids, n, y_id);
  p.ok = x < n && y < n && x != y && n <= value::max_atoms;
  for (int k = 0; k < n && p.ok; ++k) p.pos[k] = static_cast<unsigned char>(k == x ? y : k == y ? x : k);
  return p;
}
/// Every flipped axis spatial, named once and present among the layout's atoms.
constexpr bool flip_valid(const unsigned long long* atom_axes, int n, const unsigned long long* fs, const bool* spatial,
                          int nf) noexcept {
  for (int f = 0; f < nf; ++f) {
    if (!spatial[f] || find_id(atom_axes, n, fs[f]) == n || find_id(fs, f, fs[f]) != f) return false;
  }
  return true;
}

/// Per layout: its orientation-free entries as ids.
template <class L>
struct entry_ids;
template <class... Es>
struct entry_ids<layout<Es...>> {
  static constexpr unsigned long long entries[sizeof...(Es) + 1] = {entry_id_v<typename base_entry<Es>::type>..., 0};
};
/// Per layout: its atoms' axes (all of them, and the flipped ones).
template <class L, class Atoms = flat_atoms_t<L>>
struct layout_ids;
template <class L, class... Xs>
struct layout_ids<L, type_list<Xs...>> {
  static constexpr unsigned long long atom_axes[sizeof...(Xs) + 1] = {axis_id_v<Xs>..., 0};
  static constexpr unsigned long long flipped_axes[sizeof...(Xs) + 1] = {(is_flipped_v<Xs> ? axis_id_v<Xs> : 0)..., 0};
  static constexpr int natoms = static_cast<int>(sizeof...(Xs));
};

/// Layout entries picked by position: entry k of the result is entry Pos::value.pos[k].
template <class Es, class Pos, class Ks>
struct pick_entries;
template <class... Es, class Pos, std::size_t... K>
struct pick_entries<type_list<Es...>, Pos, std::index_sequence<K...>> {
  using type = layout<type_at_t<type_list<Es...>, Pos::value.pos[K]>...>;
};
template <class Es, class Pos, bool Ok = Pos::value.ok>
struct pick_or_fail {
  using type = no_fast_apply;
};
template <class... Es, class Pos>
struct pick_or_fail<type_list<Es...>, Pos, true> : pick_entries<type_list<Es...>, Pos, std::index_sequence_for<Es...>> {};

template <class X, bool Flip>
struct oriented_atom {
  using type = X;
};
template <class X>
struct oriented_atom<X, true> {
  using type = flipped<X>;
};
/// Atom X (orientation-free) as it is stored in layout L, where its axis has one orientation
/// (apply_step's `oriented`).
template <class X, class L>
struct orient {
  using axis = typename atom_traits<X>::axis;
  using type = typename oriented_atom<X, is_spatial_v<axis> && !is_unit_v<X> &&
                                             find_id(layout_ids<L>::flipped_axes, layout_ids<L>::natoms, axis_id_v<X>) <
                                                 layout_ids<L>::natoms>::type;
};
template <class E, class L>
struct orient_entry {
  using type = typename orient<E, L>::type;
};
template <class... Xs, class L>
struct orient_entry<merged<Xs...>, L> {
  using type = merged<typename orient<Xs, L>::type...>;
};

template <class X>
struct toggled {
  using type = flipped<X>;
};
template <class X>
struct toggled<flipped<X>> {
  using type = X;
};
template <class X, class... Fs>
struct flip_atom {
  using type = std::conditional_t<(std::is_same_v<typename atom_traits<X>::axis, Fs> || ...), typename toggled<X>::type, X>;
};
template <class E, class... Fs>
struct flip_entry {
  using type = typename flip_atom<E, Fs...>::type;
};
template <class... Xs, class... Fs>
struct flip_entry<merged<Xs...>, Fs...> {
  using type = merged<typename flip_atom<Xs, Fs...>::type...>;
};

template <class X, class From, class To>
struct replace_atom {
  using type = X;  // a labelled atom is never flipped: it is not spatial
};
template <class From, class To>
struct replace_atom<From, From, To> {
  using type = To;
};
template <class E, class From, class To>
struct replace_entry {
  using type = typename replace_atom<E, From, To>::type;
};
template <class... Xs, class From, class To>
struct replace_entry<merged<Xs...>, From, To> {
  using type = merged<typename replace_atom<Xs, From, To>::type...>;
};

/// Splices `Mid` in place of entries [Begin, End) of Es.
template <class Es, std::size_t Begin, std::size_t End, class Mid, class Before = std::make_index_sequence<Begin>,
          class After = std::make_index_sequence<Es::size - End>>
struct splice;
template <class... Es, std::size_t Begin, std::size_t End, class... Ms, std::size_t... B, std::size_t... A>
struct splice<type_list<Es...>, Begin, End, type_list<Ms...>, std::index_sequence<B...>, std::index_sequence<A...>> {
  using type = layout<type_at_t<type_list<Es...>, B>..., Ms..., type_at_t<type_list<Es...>, End + A>...>;
};

// --- the steps ----------------------------------------------------------------------------------

template <class Step, class L>
struct fast_step {
  using type = no_fast_apply;
};

template <class X, class Y, class L>
struct swap_positions {
  static constexpr positions value =
      swap_positions_of(entry_ids<L>::entries, static_cast<int>(L::rank), entry_id_v<X>, entry_id_v<Y>);
};
template <class X, class Y, class... Es>
struct fast_step<swap<X, Y>, layout<Es...>> : pick_or_fail<type_list<Es...>, swap_positions<X, Y, layout<Es...>>> {};

template <class Before, class After>
struct permute_positions;
template <class... As, class... Bs>
struct permute_positions<order<As...>, order<Bs...>> {
  static constexpr unsigned long long a[sizeof...(As) + 1] = {entry_id_v<As>..., 0};
  static constexpr unsigned long long b[sizeof...(Bs) + 1] = {entry_id_v<Bs>..., 0};
  static constexpr positions value =
      match_positions(a, static_cast<int>(sizeof...(As)), b, static_cast<int>(sizeof...(Bs)));
};
template <class... As, class... Bs, class... Es>
struct fast_step<permute<order<As...>, order<Bs...>>, layout<Es...>>
    : std::conditional_t<std::is_same_v<type_list<As...>, type_list<typename base_entry<Es>::type...>> &&
                             sizeof...(As) == sizeof...(Bs),
                         pick_or_fail<type_list<Es...>, permute_positions<order<As...>, order<Bs...>>>,
                         type_identity<no_fast_apply>> {};

template <class L, class... Fs>
struct flip_check {
  static constexpr unsigned long long fs[sizeof...(Fs) + 1] = {axis_info_of<Fs>.id..., 0};
  static constexpr bool spatial[sizeof...(Fs) + 1] = {is_spatial_v<Fs>..., false};
  static constexpr bool value = flip_valid(layout_ids<L>::atom_axes, layout_ids<L>::natoms, fs, spatial,
                                           static_cast<int>(sizeof...(Fs)));
};
template <class... Fs, class... Es>
  requires(axis_tag<Fs> && ...)
struct fast_step<flip<Fs...>, layout<Es...>> {
  using type = std::conditional_t<flip_check<layout<Es...>, Fs...>::value, layout<typename flip_entry<Es, Fs...>::type...>,
                                  no_fast_apply>;
};

template <class X, class Xs>
inline constexpr bool has_atom_v = false;
template <class X, class... Xs>
inline constexpr bool has_atom_v<X, type_list<Xs...>> = (std::is_same_v<X, Xs> || ...);
template <class X, class Y, class... Es>
struct fast_step<reorder<X, Y>, layout<Es...>> {
  using type = std::conditional_t<has_atom_v<X, flat_atoms_t<layout<Es...>>>, layout<typename replace_entry<Es, X, Y>::type...>,
                                  no_fast_apply>;
};

template <class Es, std::size_t At, class Ps, bool Found>
struct split_at {
  using type = no_fast_apply;
};
template <class... Es, std::size_t At, class... Ps>
struct split_at<type_list<Es...>, At, type_list<Ps...>, true>
    : splice<type_list<Es...>, At, At + 1, type_list<typename orient<Ps, layout<Es...>>::type...>> {};
template <class E, class... Ps, class... Es>
struct fast_step<split<E, Ps...>, layout<Es...>> {
  static constexpr std::size_t at =
      static_cast<std::size_t>(find_id(entry_ids<layout<Es...>>::entries, static_cast<int>(sizeof...(Es)), entry_id_v<E>));
  using type = typename split_at<type_list<Es...>, at, type_list<Ps...>, (at < sizeof...(Es))>::type;
};

/// Parts Ps... are the consecutive entries [At, At + n) of L.
template <class L, std::size_t At, class... Ps>
constexpr bool consecutive_at() noexcept {
  constexpr unsigned long long ps[] = {entry_id_v<Ps>...};
  for (std::size_t k = 0; k < sizeof...(Ps); ++k)
    if (At + k >= L::rank || entry_ids<L>::entries[At + k] != ps[k]) return false;
  return true;
}
template <class Es, std::size_t At, std::size_t End, class E, bool Found>
struct merge_at {
  using type = no_fast_apply;
};
template <class... Es, std::size_t At, std::size_t End, class E>
struct merge_at<type_list<Es...>, At, End, E, true>
    : splice<type_list<Es...>, At, End, type_list<typename orient_entry<E, layout<Es...>>::type>> {};
template <class E, class P0, class... Ps, class... Es>
struct fast_step<merge<E, P0, Ps...>, layout<Es...>> {
  static constexpr std::size_t at =
      static_cast<std::size_t>(find_id(entry_ids<layout<Es...>>::entries, static_cast<int>(sizeof...(Es)), entry_id_v<P0>));
  using type = typename merge_at<type_list<Es...>, at, at + 1 + sizeof...(Ps), E,
                                 consecutive_at<layout<Es...>, at, P0, Ps...>()>::type;
};

/// The layout that plan P turns L into, or no_fast_apply.
template <class P, class L>
struct fast_apply {
  using type = no_fast_apply;
};
template <class... Es>
struct fast_apply<plan<>, layout<Es...>> {
  using type = layout<Es...>;
};
template <class S, class... Ss, class... Es>
struct fast_apply<plan<S, Ss...>, layout<Es...>> {
  using type = typename fast_apply<plan<Ss...>, typename fast_step<S, layout<Es...>>::type>::type;
};

}  // namespace axle::detail
