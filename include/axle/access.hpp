// axle — element access by axis: the index arguments of tensor_view's operator() and at().
//
//     w(O{3}, H{1}, I{0}, W{2})            // every axis of the layout once, in any order
//     w(axle::label<gate, "g">{}, O{1}, I{4})   // a labelled block by its label
//     w(3, 0, 1, 2)                         // one index per storage dimension, in storage order
//
// What the arguments mean is resolved at compile time, against the layout: `access<L, Args...>`
// says, for every atom of L, which argument indexes it, or why the call is wrong. A wrong call
// is one compile error whose name is the message (see <axle/diagnostics.hpp>):
//     axis_not_in_layout<D, in<layout<...>>>                      an axis L does not have
//     axis_named_twice<O, in<layout<...>>>
//     access_must_name_every_axis<unnamed<W>, in<layout<...>>>
//     no_such_label<label<gate, "x">, in<layout<...>>>
//     wrong_number_of_indices<expected_indices<4>, got_indices<3>, in<layout<...>>>
//     cannot_mix_axis_and_positional_indices<in<layout<...>>>
// An index out of range, when bounds are checked, is reported at run time by index_out_of_range,
// naming the axis (or storage dimension), the index and the extent.
#pragma once

#include <array>
#include <concepts>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "axis.hpp"
#include "diagnostics.hpp"
#include "engine/values.hpp"
#include "fixed_string.hpp"
#include "layout.hpp"
#include "notation.hpp"

namespace axle {

// --- the messages of element access (declared, never defined: see diagnostics.hpp) -----------

/// Element access by axis names every axis of the layout (unit axes excepted); `unnamed` lists
/// those left out.
/// Fix: give an index for each: `v(O{o}, I{i}, H{h}, W{w})`, in any order.
template <class Unnamed, class... Context>
struct access_must_name_every_axis;
/// `label<A, "x">` names a block the layout's labelled axis A does not have (or A is not labelled).
/// Fix: use one of the labels of `labels<A, "...">` in the layout, spelled the same way.
template <class Label, class... Context>
struct no_such_label;
/// Element access by position takes one index per storage dimension, in storage order; a merged
/// dimension takes one flat index.
/// Fix: pass `expected_indices` indices, or index by axis: `v(O{o}, I{i}, ...)`.
template <class Expected, class Got, class... Context>
struct wrong_number_of_indices;
/// Element access is either by axis (`v(O{1}, I{0})`) or by position (`v(1, 0)`), not a mix.
/// Fix: wrap every index in its axis, or pass plain integers in storage order.
template <class... Context>
struct cannot_mix_axis_and_positional_indices;

template <std::size_t N>
struct expected_indices {};
template <std::size_t N>
struct got_indices {};

/// A block of a labelled axis, by label: `v(axle::label<gate, "g">{}, O{3}, I{0})`.
template <axis_tag A, fixed_string Name>
struct label {
  using axis = A;
  static constexpr std::string_view name = Name.view();
};
template <axis_tag A, fixed_string Name>
inline constexpr label<A, Name> label_v{};

namespace detail {

/// The identity of axis A as the engine's atoms carry it (compared by value, never by address).
using axis_identity = decltype(value::atom{}.axis);
template <class A>
inline constexpr axis_identity axis_identity_of = axis_atom_of<A>(-1).axis;

/// `O`, `H~`, `O/16`, `16o`: one atom in the notation.
constexpr std::string atom_text(const value::atom& a) {
  std::string s;
  append_atom(s, a);
  return s;
}

// --- element access, resolved at compile time -------------------------------------------------

enum class access_kind : unsigned char { none, named, positional };

template <class T>
struct index_arg {
  static constexpr access_kind kind = access_kind::none;
};
template <class T>
requires(std::integral<T> && !std::same_as<T, bool>) struct index_arg<T> {
  static constexpr access_kind kind = access_kind::positional;
};
template <axis_tag A>
struct index_arg<A> {
  static constexpr access_kind kind = access_kind::named;
  using axis = A;
  static constexpr bool by_label = false;
  static constexpr std::string_view text{};
};
template <axis_tag A, fixed_string N>
struct index_arg<label<A, N>> {
  static constexpr access_kind kind = access_kind::named;
  using axis = A;
  static constexpr bool by_label = true;
  static constexpr std::string_view text = N.view();
};

template <class T>
concept index_argument = index_arg<std::remove_cvref_t<T>>::kind != access_kind::none;

template <class T>
constexpr index_t index_value(const T& x) noexcept {
  if constexpr (index_arg<T>::kind == access_kind::positional)
    return static_cast<index_t>(x);
  else if constexpr (index_arg<T>::by_label)
    return 0;  // resolved at compile time
  else
    return x.index;
}

enum class access_error : unsigned char { none, mixed, count, not_in_layout, named_twice, bad_label, missing };

struct access_result {
  access_error error = access_error::none;
  int arg = -1;                                     // the offending argument
  int arg_of_atom[value::max_atoms]{};  // named: the argument indexing each atom, -1: none
  int missing[value::max_atoms]{};      // atoms of the axes not named (one per axis)
  int nmissing = 0;
};

/// How `Args...` index a tensor of layout L.
template <class L, class... Args>
struct access {
  using args = type_list<Args...>;
  static constexpr const value::layout& d = desc_of<L>::value;
  static constexpr int nargs = static_cast<int>(sizeof...(Args));
  static constexpr bool any_named = ((index_arg<Args>::kind == access_kind::named) || ...);
  static constexpr bool all_named = ((index_arg<Args>::kind == access_kind::named) && ...);
  static constexpr access_kind kind = (any_named && nargs > 0) ? access_kind::named : access_kind::positional;

  template <class A, bool Named = index_arg<A>::kind == access_kind::named>
  struct arg_info {
    static constexpr axis_identity axis{};
    static constexpr bool by_label = false;
    static constexpr std::string_view text{};
  };
  template <class A>
  struct arg_info<A, true> {
    static constexpr axis_identity axis = axis_identity_of<typename index_arg<A>::axis>;
    static constexpr bool by_label = index_arg<A>::by_label;
    static constexpr std::string_view text = index_arg<A>::text;
  };
  static constexpr axis_identity axis_of[sizeof...(Args) + 1]{arg_info<Args>::axis..., axis_identity{}};
  static constexpr bool by_label[sizeof...(Args) + 1]{arg_info<Args>::by_label..., false};
  static constexpr std::string_view text[sizeof...(Args) + 1]{arg_info<Args>::text..., std::string_view{}};

  static constexpr access_result resolve() noexcept {
    access_result r;
    for (int k = 0; k < value::max_atoms; ++k) r.arg_of_atom[static_cast<std::size_t>(k)] = -1;
    if constexpr (kind == access_kind::positional) {
      if (nargs != d.nentries) r.error = access_error::count;
      return r;
    } else {
      if (!all_named) {
        r.error = access_error::mixed;
        return r;
      }
      for (int j = 0; j < nargs; ++j) {
        for (int q = 0; q < j; ++q)
          if (axis_of[static_cast<std::size_t>(q)] == axis_of[static_cast<std::size_t>(j)] &&
              r.error == access_error::none) {
            r.error = access_error::named_twice;
            r.arg = j;
          }
        bool found = false;
        for (int k = 0; k < d.natoms; ++k)
          if (d.atoms[k].axis == axis_of[static_cast<std::size_t>(j)]) {
            found = true;
            if (r.arg_of_atom[static_cast<std::size_t>(k)] < 0) r.arg_of_atom[static_cast<std::size_t>(k)] = j;
            if (by_label[static_cast<std::size_t>(j)] &&
                (!d.atoms[k].labelled() ||
                 value::label_index(d.atoms[k].label_text(), text[static_cast<std::size_t>(j)]) < 0) &&
                r.error == access_error::none) {
              r.error = access_error::bad_label;
              r.arg = j;
            }
          }
        if (!found) {  // reported first: the most basic mistake
          r.error = access_error::not_in_layout;
          r.arg = j;
          return r;
        }
      }
      if (r.error != access_error::none) return r;
      for (int k = 0; k < d.natoms; ++k) {
        if (r.arg_of_atom[static_cast<std::size_t>(k)] >= 0 || d.atoms[k].unit) continue;
        bool seen = false;
        for (int q = 0; q < r.nmissing; ++q)
          seen = seen || d.atoms[r.missing[static_cast<std::size_t>(q)]].axis == d.atoms[k].axis;
        if (!seen) r.missing[static_cast<std::size_t>(r.nmissing++)] = k;
      }
      if (r.nmissing > 0) r.error = access_error::missing;
      return r;
    }
  }
  static constexpr access_result value = resolve();
  static constexpr bool ok = value.error == access_error::none;

  /// The compile-time index of a `label<A, "g">` argument.
  template <int J>
  static constexpr index_t label_value() noexcept {
    for (int k = 0; k < d.natoms; ++k)
      if (d.atoms[k].axis == axis_of[J]) return value::label_index(d.atoms[k].label_text(), text[J]);
    return 0;
  }

  template <class Ks>
  struct missing_list;
  template <std::size_t... K>
  struct missing_list<std::index_sequence<K...>> {
    using type = unnamed<axis_at_t<L, value.missing[K]>...>;
  };

  static constexpr auto pick() noexcept {
    using E = access_error;
    constexpr E e = value.error;
    if constexpr (e == E::mixed) {
      return type_identity<cannot_mix_axis_and_positional_indices<in<L>>>{};
    } else if constexpr (e == E::count) {
      return type_identity<wrong_number_of_indices<expected_indices<L::rank>, got_indices<sizeof...(Args)>, in<L>>>{};
    } else if constexpr (e == E::not_in_layout || e == E::named_twice || e == E::bad_label) {
      using arg = type_at_t<type_list<Args...>, static_cast<std::size_t>(value.arg)>;
      if constexpr (e == E::not_in_layout)
        return type_identity<axis_not_in_layout<typename index_arg<arg>::axis, in<L>>>{};
      else if constexpr (e == E::named_twice)
        return type_identity<axis_named_twice<typename index_arg<arg>::axis, in<L>>>{};
      else
        return type_identity<no_such_label<arg, in<L>>>{};
    } else {
      return type_identity<access_must_name_every_axis<
          typename missing_list<std::make_index_sequence<static_cast<std::size_t>(value.nmissing)>>::type, in<L>>>{};
    }
  }
};

template <class Access, bool Ok = Access::ok>
struct access_checked {
  static constexpr bool value = true;
};
template <class Access>
struct access_checked<Access, false> {
  static constexpr bool value = report<typename decltype(Access::pick())::type>::value;
};

enum class check : unsigned char { none, abort, raise };

/// Reports an index out of range: `atom` >= 0 names an axis (by its first atom), otherwise
/// `entry` names a storage dimension.
[[noreturn]] inline void index_out_of_range(check how, const value::layout& d, int atom, int entry, index_t i,
                                            index_t n) {
  std::string message = "axle: index " + detail::int_text(i) + " is out of range for ";
  if (atom >= 0) {
    message += "axis " + std::string(d.atoms[atom].name());
  } else {
    std::string text;
    append_atoms(text, &d.atoms[d.entry_begin[entry]], d.entry_size(entry), true);
    message += "dimension " + detail::int_text(entry) + " (" + text + ")";
  }
  message += " of extent " + detail::int_text(n) + " in layout " + to_string(d);
  if (how == check::raise) throw std::out_of_range(message);
  std::fprintf(stderr, "%s\n", message.c_str());
  std::abort();
}

/// The atoms of one axis in a layout, in storage order.
struct atom_list {
  int k[value::max_atoms]{};
  int n = 0;
};
template <class L, class A>
constexpr atom_list atoms_of_axis() noexcept {
  atom_list r;
  const value::layout& d = desc_of<L>::value;
  for (int i = 0; i < d.natoms; ++i)
    if (d.atoms[i].axis == axis_identity_of<A>) r.k[static_cast<std::size_t>(r.n++)] = i;
  return r;
}

}  // namespace detail
}  // namespace axle
