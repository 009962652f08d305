// axle — typed views and tensors: a buffer seen through a layout.
//
//     using namespace axle::axes;
//     using oihw = axle::layout<O, I, H, W>;
//     std::vector<float> buf(256 * 256 * 3 * 3);
//     axle::tensor_view<const float, oihw> w(buf, {256, 256, 3, 3});  // checked where it is made
//     float a = w(O{3}, H{1}, I{0}, W{2});     // by axis, in any order, resolved at compile time
//     float b = w(3, 0, 1, 2);                  // by position, in storage order
//
// tensor_view<T, L, Extents, Mapping>
//     Non-owning; T may be const. One extent per *value::atom* of L: the atoms in storage order, merged
//     dimensions flattened (((G, O), I, H, W) has the five atoms G, O, I, H, W). Mapping is
//       strided     (the default) one signed stride per atom, stored: plan views (permuted,
//                   reversed, see <axle/convert.hpp>) are views like any other;
//       contiguous  row-major over the atoms, strides implied by the extents. What a tensor's
//                   storage is, and what lets element access compile to exactly the code of
//                   hand-written C-order index arithmetic (bench/access). contiguous_view<T, L>
//                   converts implicitly to tensor_view<T, L>; back explicitly, checked.
// tensor<T, L, Extents>   Owning, contiguous, 64-byte aligned; element access as a view;
//                         view() / cview() are contiguous views of it.
// extents<E...>           One extent per atom, each static or axle::dynamic_extent. The default
//                         makes an atom with an intrinsic extent static (inner<O, 16> is 16,
//                         unit<I> is 1, labels<gate, "i,f,g,o"> is 4) and the others dynamic.
//
// Making a view (each form checks what it is given and throws axle::shape_error naming the axis
// and both sizes):
//     tensor_view<T, L> v(ptr, {4, 2, 3, 3});                            // the storage shape
//     tensor_view<T, L> v(vec, {4, 2, 3, 3}, axle::axis_size{"G", 2});   // + sizes a shape cannot tell
//     tensor_view<T, L> v(span_or_array, shape_span, known_span);
//     tensor_view<T, L> v(ptr, tensor_view<T, L>::extents_type{2, 2, 2, 3, 3});  // per atom
//     tensor_view<T, L> v(ptr, extents, strides);                        // per atom, signed, in elements
// A range (std::vector, std::array, std::span, a C array) must hold exactly the view's elements:
// "buffer of 100 elements, layout (O, I, H, W) with extents (4, 3, 3, 3) needs 108"; a static
// extent must match: "axis O: extent 10 does not match the static extent 16". A view of a
// temporary range is allowed for const elements only (as std::span).
//
// Element access
//   by axis      v(O{o}, I{i}, H{h}, W{w}): every axis of L named once, in any order. The index is
//                the axis's canonical index, whatever the storage: a flipped axis (H~) is read
//                reversed, a blocked axis (O/16 ... 16o) is indexed by its whole index and
//                decomposed into its parts, a labelled axis by position (gate{2}) or by label
//                (axle::label<gate, "g">{}, or axle::label_v<gate, "g">). Unit axes (unit<I>)
//                may be left out. So one call reads the same element of a tensor in any layout of
//                the same axes: code written by axis is correct for every layout it compiles with.
//   by position  v(i0, i1, i2, i3): one index per storage dimension, in storage order, as stored
//                (no reversal); a merged dimension takes its flat index.
//   at(...)      either form, bounds-checked: throws std::out_of_range naming the axis.
// operator() checks bounds (and aborts with the same message) when AXLE_CHECK_BOUNDS is 1, by
// default unless NDEBUG; otherwise it is index arithmetic only. A bad access is one compile error:
//     axis_not_in_layout<D, in<layout<...>>>                      an axis L does not have
//     axis_named_twice<O, in<layout<...>>>
//     access_must_name_every_axis<unnamed<W>, in<layout<...>>>
//     no_such_label<label<gate, "x">, in<layout<...>>>
//     wrong_number_of_indices<expected_indices<4>, got_indices<3>, in<layout<...>>>
//     cannot_mix_axis_and_positional_indices<in<layout<...>>>
// Everything here is constexpr: views over constant arrays work inside static_assert.
//
// Hand-offs: tensor_view<T, L> converts implicitly to tensor_view<const T, L> (and between
// compatible extents and mappings), a tensor to a view of itself. A view of another layout does
// not: handing one to a function taking tensor_view<const float, L> is one compile error,
// `layout_mismatch<expected<...>, got<...>, fix<...>>` (the converting constructor that reports it
// exists only to report it, so std::is_convertible_v says true for such pairs). The explicit ways
// across are in <axle/convert.hpp>: layout_cast / view_as when the plan is zero-copy, convert
// when it is not.
#pragma once

#include <algorithm>
#include <array>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <new>
#include <ranges>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "axis.hpp"
#include "engine/values.hpp"
#include "fixed_string.hpp"
#include "diagnostics.hpp"
#include "layout.hpp"
#include "mapping.hpp"
#include "notation.hpp"
#include "plan.hpp"

#ifndef AXLE_CHECK_BOUNDS
#ifdef NDEBUG
#define AXLE_CHECK_BOUNDS 0
#else
#define AXLE_CHECK_BOUNDS 1
#endif
#endif

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

// --- extents ----------------------------------------------------------------------------------

/// One extent per atom of a layout, each static or `axle::dynamic_extent`.
template <index_t... E>
class extents {
  static_assert(((E >= 0 || E == dynamic_extent) && ...), "axle::extents: each extent is >= 0 or axle::dynamic_extent");

  static constexpr std::array<index_t, sizeof...(E)> static_{E...};
  static constexpr std::size_t ndynamic = (std::size_t{0} + ... + static_cast<std::size_t>(E == dynamic_extent));
  static constexpr std::array<std::size_t, sizeof...(E)> make_dynamic_index() noexcept {
    std::array<std::size_t, sizeof...(E)> r{};
    std::size_t n = 0;
    for (std::size_t i = 0; i < sizeof...(E); ++i) r[i] = static_[i] == dynamic_extent ? n++ : 0;
    return r;
  }
  static constexpr std::array<std::size_t, sizeof...(E)> dynamic_index_ = make_dynamic_index();

 public:
  using index_type = index_t;

  [[nodiscard]] static constexpr std::size_t rank() noexcept { return sizeof...(E); }
  [[nodiscard]] static constexpr std::size_t rank_dynamic() noexcept { return ndynamic; }
  [[nodiscard]] static constexpr index_t static_extent(std::size_t i) noexcept { return static_[i]; }

  /// Dynamic extents are 0.
  constexpr extents() noexcept = default;

  /// All `rank()` extents, or only the `rank_dynamic()` dynamic ones, in order. A value given for
  /// a static extent must equal it.
  template <class... I>
    requires(sizeof...(I) > 0 && (sizeof...(I) == rank() || sizeof...(I) == rank_dynamic()) &&
             (std::convertible_to<I, index_t> && ...))
  constexpr explicit extents(I... values) : extents(std::array<index_t, sizeof...(I)>{static_cast<index_t>(values)...}) {}

  /// From `rank()` or `rank_dynamic()` values.
  template <std::size_t N>
    requires(N == rank() || N == rank_dynamic())
  constexpr explicit extents(const std::array<index_t, N>& values) {
    assign(std::span<const index_t>(values.data(), N));
  }
  constexpr explicit extents(std::span<const index_t> values) {
    if (values.size() != rank() && values.size() != rank_dynamic())
      throw shape_error("axle::extents: " + detail::int_text(values.size()) + " values for " + detail::int_text(rank()) +
                        " extents (" + detail::int_text(rank_dynamic()) + " of them dynamic)");
    assign(values);
  }

  /// From other extents of the same rank; a static extent must agree with the other's.
  template <index_t... F>
    requires(sizeof...(F) == sizeof...(E))
  constexpr explicit(((E != dynamic_extent && F == dynamic_extent) || ...)) extents(const extents<F...>& other) {
    std::array<index_t, sizeof...(E)> all{};
    for (std::size_t i = 0; i < rank(); ++i) all[i] = other.extent(i);
    assign(std::span<const index_t>(all.data(), all.size()));
  }

  [[nodiscard]] constexpr index_t extent(std::size_t i) const noexcept {
    if constexpr (ndynamic == 0) {
      return static_[i];
    } else {
      return static_[i] == dynamic_extent ? dynamic_[dynamic_index_[i]] : static_[i];
    }
  }

  template <index_t... F>
  friend constexpr bool operator==(const extents& a, const extents<F...>& b) noexcept {
    if constexpr (sizeof...(F) != sizeof...(E)) {
      return false;
    } else {
      for (std::size_t i = 0; i < sizeof...(E); ++i)
        if (a.extent(i) != b.extent(i)) return false;
      return true;
    }
  }

 private:
  constexpr void assign(std::span<const index_t> values) {
    const bool all = values.size() == rank();
    for (std::size_t i = 0, d = 0; i < rank(); ++i) {
      if (static_[i] == dynamic_extent) {
        const index_t x = values[all ? i : d];
        if (x < 0) throw shape_error("axle::extents: extent " + detail::int_text(x) + " at position " + detail::int_text(i) + " is negative");
        if constexpr (ndynamic > 0) dynamic_[d] = x;
        ++d;
      } else if (all && values[i] != static_[i]) {
        throw shape_error("axle::extents: extent " + detail::int_text(values[i]) + " at position " + detail::int_text(i) +
                          " does not match the static extent " + detail::int_text(static_[i]));
      }
    }
  }

  struct none {};
  [[no_unique_address]] std::conditional_t<ndynamic == 0, none, std::array<index_t, ndynamic>> dynamic_{};
};

template <class T>
inline constexpr bool is_extents_v = false;
template <index_t... E>
inline constexpr bool is_extents_v<extents<E...>> = true;

/// How a view finds its elements. `strided` (the default): one signed stride per atom, stored, so
/// that plan views (permuted, reversed) are views like any other. `contiguous`: row-major over the
/// atoms, the strides implied by the extents; what a tensor's storage is, and what lets element
/// access compile to the same code as hand-written index arithmetic on a C-order buffer.
struct strided {};
struct contiguous {};

template <class T, layout_type L, class Extents, class Mapping>
class tensor_view;
template <class T, layout_type L, class Extents>
class tensor;

/// Leaves the storage of a new tensor default-initialised (indeterminate for trivial types).
struct uninitialized_t {
  explicit uninitialized_t() = default;
};
inline constexpr uninitialized_t uninitialized{};

namespace detail {

/// The identity of axis A as the engine's atoms carry it (compared by value, never by address).
using axis_identity = decltype(value::atom{}.axis);
template <class A>
inline constexpr axis_identity axis_identity_of = axis_atom_of<A>(-1).axis;

template <class L, class Ks = std::make_index_sequence<flat_atoms_t<L>::size>>
struct default_extents;
template <class L, std::size_t... K>
struct default_extents<L, std::index_sequence<K...>> {
  using type = extents<(K < static_cast<std::size_t>(value::max_atoms) ? desc_of<L>::value.atoms[K].extent : dynamic_extent)...>;
};

/// Reports an invalid layout once, or is true.
template <class L, bool Ok = checked<L>::ok>
struct layout_validated {
  static constexpr bool value = true;
};
template <class L>
struct layout_validated<L, false> {
  static constexpr bool value = report<typename validation_diagnostic<L>::type>::value;
};

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
  requires(std::integral<T> && !std::same_as<T, bool>)
struct index_arg<T> {
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
  int arg = -1;                                  // the offending argument
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
    for (int k = 0; k < value::max_atoms; ++k) r.arg_of_atom[k] = -1;
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
          if (axis_of[q] == axis_of[j] && r.error == access_error::none) {
            r.error = access_error::named_twice;
            r.arg = j;
          }
        bool found = false;
        for (int k = 0; k < d.natoms; ++k)
          if (d.atoms[k].axis == axis_of[j]) {
            found = true;
            if (r.arg_of_atom[k] < 0) r.arg_of_atom[k] = j;
            if (by_label[j] && (!d.atoms[k].labelled() || value::label_index(d.atoms[k].label_text(), text[j]) < 0) &&
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
        if (r.arg_of_atom[k] >= 0 || d.atoms[k].unit) continue;
        bool seen = false;
        for (int q = 0; q < r.nmissing; ++q) seen = seen || d.atoms[r.missing[q]].axis == d.atoms[k].axis;
        if (!seen) r.missing[r.nmissing++] = k;
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
[[noreturn]] inline void index_out_of_range(check how, const value::layout& d, int atom, int entry, index_t i, index_t n) {
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
    if (d.atoms[i].axis == axis_identity_of<A>) r.k[r.n++] = i;
  return r;
}

/// Contiguous row-major strides over atoms.
template <std::size_t N>
constexpr std::array<index_t, N> row_major_strides(const std::array<index_t, N>& ext) noexcept {
  std::array<index_t, N> s{};
  index_t n = 1;
  for (std::size_t k = N; k-- > 0;) {
    s[k] = n;
    n *= ext[k];
  }
  return s;
}

template <class T>
struct is_tensor_view : std::false_type {};
template <class T, class L, class E, class M>
struct is_tensor_view<tensor_view<T, L, E, M>> : std::true_type {};

template <class M>
inline constexpr bool is_mapping_v = std::is_same_v<M, strided> || std::is_same_v<M, contiguous>;
template <class T>
struct is_tensor : std::false_type {};
template <class T, class L, class E>
struct is_tensor<tensor<T, L, E>> : std::true_type {};

/// Can a view of U elements become a view of T elements (adding const only)?
template <class U, class T>
inline constexpr bool element_compatible_v = std::is_convertible_v<U (*)[], T (*)[]>;

/// Extents E can be made from F (same rank, no two different static extents).
template <class E, class F>
inline constexpr bool extents_compatible_v = false;
template <index_t... E, index_t... F>
  requires(sizeof...(E) == sizeof...(F))
inline constexpr bool extents_compatible_v<extents<E...>, extents<F...>> =
    ((E == dynamic_extent || F == dynamic_extent || E == F) && ...);

/// E has one extent per atom of L and does not contradict an intrinsic extent.
template <class L, class E>
constexpr bool extents_fit() noexcept {
  if constexpr (!is_extents_v<E>) {
    return false;
  } else if constexpr (E::rank() != flat_atoms_t<L>::size) {
    return false;
  } else {
    for (std::size_t k = 0; k < E::rank() && k < static_cast<std::size_t>(value::max_atoms); ++k) {
      const index_t intrinsic = desc_of<L>::value.atoms[k].extent;
      const index_t declared = E::static_extent(k);
      if (intrinsic != dynamic_extent && declared != dynamic_extent && intrinsic != declared) return false;
    }
    return true;
  }
}
template <class L, class E>
inline constexpr bool extents_fit_v = extents_fit<L, E>();

}  // namespace detail

/// The default extents of a layout: static where an atom has an intrinsic extent.
template <layout_type L>
using default_extents_t = typename detail::default_extents<L>::type;

/// A range a view can be made over: contiguous, sized, of elements a T* can point to.
template <class R, class T>
concept viewable_range = std::ranges::contiguous_range<R> && std::ranges::sized_range<R> &&
                         detail::element_compatible_v<std::remove_reference_t<std::ranges::range_reference_t<R>>, T> &&
                         (std::ranges::borrowed_range<R> || std::is_const_v<T>);

// --- tensor_view -------------------------------------------------------------------------------

template <class T, layout_type L, class Extents = default_extents_t<L>, class Mapping = strided>
class tensor_view {
  static_assert(std::is_object_v<T> && !std::is_abstract_v<T>, "axle::tensor_view<T, L>: T is an element type");
  static_assert(detail::is_mapping_v<Mapping>, "axle::tensor_view<T, L, E, M>: M is axle::strided or axle::contiguous");
  static_assert(is_extents_v<Extents>, "axle::tensor_view<T, L, E>: E is axle::extents<...>, one extent per atom of L");
  static_assert(detail::layout_validated<L>::value);
  static_assert(detail::extents_fit_v<L, Extents>,
                "axle::tensor_view<T, L, E>: E has one extent per atom of L, and agrees with the atoms' intrinsic extents");

  static constexpr const value::layout& desc_ = detail::desc_of<L>::value;
  static constexpr std::size_t natoms_ = detail::flat_atoms_t<L>::size;
  static constexpr bool strided_ = std::is_same_v<Mapping, strided>;

 public:
  using mapping_type = Mapping;
  using element_type = T;
  using value_type = std::remove_cv_t<T>;
  using layout_type = L;
  using extents_type = Extents;
  using strides_type = std::array<index_t, natoms_>;
  using index_type = index_t;
  using size_type = std::size_t;
  using pointer = T*;
  using reference = T&;

  /// Number of storage dimensions (entries of L).
  [[nodiscard]] static constexpr std::size_t rank() noexcept { return L::rank; }
  /// Number of atoms (merged dimensions flattened).
  [[nodiscard]] static constexpr std::size_t atom_count() noexcept { return natoms_; }
  [[nodiscard]] static constexpr L layout() noexcept { return {}; }

  /// A null view; dynamic extents are 0.
  constexpr tensor_view() noexcept = default;

  /// Contiguous row-major storage with the given extents per atom.
  constexpr tensor_view(pointer data, const extents_type& ext) noexcept : data_(data), ext_(ext) {
    if constexpr (strided_) stride_ = detail::row_major_strides(all_extents(ext));
  }
  /// Any strides per atom (signed, in elements): `data` is the element at index (0, ..., 0).
  constexpr tensor_view(pointer data, const extents_type& ext, const strides_type& strides) noexcept
    requires strided_
      : data_(data), ext_(ext), stride_(strides) {}

  /// Contiguous row-major storage of the given storage shape; `known` gives the sizes a shape
  /// cannot tell (all but one dynamic atom of a merged dimension): `axis_size{"G", 2}`.
  template <std::same_as<axis_size>... Known>
  constexpr tensor_view(pointer data, std::initializer_list<index_t> shape, Known... known)
      : tensor_view(data, from_shape(std::span<const index_t>(shape.begin(), shape.size()), std::array<axis_size, sizeof...(Known)>{known...})) {}
  constexpr tensor_view(pointer data, std::span<const index_t> shape, std::span<const axis_size> known = {})
      : tensor_view(data, from_shape(shape, known)) {}

  /// The same over a contiguous range (std::vector, std::array, std::span, a C array), which must
  /// hold exactly the view's elements.
  template <viewable_range<T> R>
  constexpr tensor_view(R&& range, const extents_type& ext) : tensor_view(std::ranges::data(range), ext) {
    check_size(std::ranges::size(range));
  }
  template <viewable_range<T> R, std::same_as<axis_size>... Known>
  constexpr tensor_view(R&& range, std::initializer_list<index_t> shape, Known... known)
      : tensor_view(std::ranges::data(range), std::span<const index_t>(shape.begin(), shape.size()),
                    std::span<const axis_size>(std::array<axis_size, sizeof...(Known)>{known...})) {
    check_size(std::ranges::size(range));
  }
  template <viewable_range<T> R>
  constexpr tensor_view(R&& range, std::span<const index_t> shape, std::span<const axis_size> known = {})
      : tensor_view(std::ranges::data(range), shape, known) {
    check_size(std::ranges::size(range));
  }

  /// From a view of the same layout: adding const, between compatible extents, from contiguous to
  /// strided — implicitly; explicitly, and checked (axle::shape_error), when a static extent is
  /// made from a dynamic one or a contiguous view from a strided one.
  template <class U, class F, class N>
    requires(detail::element_compatible_v<U, T> &&
             !(std::is_same_v<U, T> && std::is_same_v<F, Extents> && std::is_same_v<N, Mapping>) &&
             detail::extents_compatible_v<Extents, F>)
  constexpr explicit(!std::is_convertible_v<const F&, Extents> || (!strided_ && std::is_same_v<N, strided>))
      tensor_view(const tensor_view<U, L, F, N>& other)
      : data_(other.data()), ext_(other.extents()) {
    if constexpr (strided_) {
      stride_ = other.strides();
    } else if constexpr (std::is_same_v<N, strided>) {
      if (!other.is_contiguous())
        throw shape_error("a contiguous view of layout " + to_string(desc_) + " made from a view that is not contiguous (strides " +
                          detail::tuple_text(other.strides()) + " for extents " + extents_text(ext_) + ")");
    }
  }

  /// A view of another layout does not convert: using this constructor is one compile error,
  /// `layout_mismatch<expected<L>, got<M>, fix<plan>>`. Use layout_cast / view_as / convert.
  template <class U, class M, class F, class N>
    requires(!std::is_same_v<M, L> && detail::element_compatible_v<U, T>)
  constexpr tensor_view(const tensor_view<U, M, F, N>&) noexcept {
    static_cast<void>(detail::layout_check<L, M>::value);
  }

  /// From a tensor (of layout L; another layout is the same error as above). A temporary tensor
  /// gives a view of const elements only, valid for the full-expression (as std::span).
  template <class Tensor>
    requires(detail::is_tensor<std::remove_cvref_t<Tensor>>::value &&
             detail::element_compatible_v<std::remove_pointer_t<decltype(std::declval<Tensor&>().data())>, T> &&
             (std::is_lvalue_reference_v<Tensor> || std::is_const_v<T>))
  constexpr tensor_view(Tensor&& t) : tensor_view(t.view()) {}

  // --- observers ---

  [[nodiscard]] constexpr pointer data() const noexcept { return data_; }
  [[nodiscard]] constexpr const extents_type& extents() const noexcept { return ext_; }
  /// The signed stride of every atom, in elements.
  [[nodiscard]] constexpr strides_type strides() const noexcept {
    if constexpr (strided_)
      return stride_;
    else
      return detail::row_major_strides(all_extents(ext_));
  }
  /// Extent of value::atom k (storage order, merged dimensions flattened).
  [[nodiscard]] constexpr index_t extent(std::size_t k) const noexcept { return ext_.extent(k); }
  /// Signed stride of value::atom k, in elements.
  [[nodiscard]] constexpr index_t stride(std::size_t k) const noexcept {
    if constexpr (strided_) {
      return stride_[k];
    } else {
      index_t s = 1;
      for (std::size_t j = k + 1; j < natoms_; ++j) s *= ext_.extent(j);
      return s;
    }
  }
  /// Extent of a whole axis (the product of its parts): `v.extent(O{})`.
  template <axis_tag A>
  [[nodiscard]] constexpr index_t extent(A) const noexcept {
    constexpr detail::atom_list atoms = detail::atoms_of_axis<L, A>();
    if constexpr (atoms.n == 0) {
      static_cast<void>(detail::report<axis_not_in_layout<A, in<L>>>::value);
      return 0;
    } else {
      return [&]<std::size_t... J>(std::index_sequence<J...>) {
        return (index_t{1} * ... * ext_.extent(static_cast<std::size_t>(atoms.k[J])));
      }(std::make_index_sequence<static_cast<std::size_t>(atoms.n)>{});
    }
  }
  /// The storage shape: one extent per storage dimension.
  [[nodiscard]] constexpr std::array<index_t, L::rank> shape() const noexcept {
    std::array<index_t, L::rank> s{};
    for (std::size_t e = 0; e < L::rank; ++e) {
      s[e] = 1;
      for (int k = desc_.entry_begin[e]; k < desc_.entry_begin[e + 1]; ++k) s[e] *= ext_.extent(static_cast<std::size_t>(k));
    }
    return s;
  }
  /// Number of elements.
  [[nodiscard]] constexpr std::size_t size() const noexcept {
    index_t n = 1;
    for (std::size_t k = 0; k < natoms_; ++k) n *= ext_.extent(k);
    return static_cast<std::size_t>(n);
  }
  [[nodiscard]] constexpr bool empty() const noexcept { return size() == 0; }
  /// The elements are data()[0, size()) in storage order (row-major over atoms).
  [[nodiscard]] constexpr bool is_contiguous() const noexcept {
    if constexpr (!strided_) {
      return true;
    } else {
      if (empty()) return true;
      index_t expect = 1;
      for (std::size_t k = natoms_; k-- > 0;) {
        const index_t e = ext_.extent(k);
        if (e == 1) continue;
        if (stride_[k] != expect) return false;
        expect *= e;
      }
      return true;
    }
  }

  // --- element access ---

  /// By axis (`v(O{3}, H{1}, I{0}, W{2})`) or by position (`v(3, 0, 1, 2)`); see the header.
  template <detail::index_argument... Args>
  constexpr reference operator()(Args... args) const noexcept {
    return data_[offset<AXLE_CHECK_BOUNDS ? detail::check::abort : detail::check::none>(args...)];
  }
  /// The same, bounds-checked: throws std::out_of_range.
  template <detail::index_argument... Args>
  constexpr reference at(Args... args) const {
    return data_[offset<detail::check::raise>(args...)];
  }
  /// The offset from data() of an element, in elements.
  template <detail::index_argument... Args>
  [[nodiscard]] constexpr index_t offset_of(Args... args) const noexcept {
    return offset<detail::check::none>(args...);
  }

  /// The same view, of const elements.
  [[nodiscard]] constexpr tensor_view<const T, L, Extents, Mapping> as_const() const noexcept { return *this; }

 private:
  static constexpr std::array<index_t, natoms_> all_extents(const extents_type& ext) noexcept {
    std::array<index_t, natoms_> a{};
    for (std::size_t k = 0; k < natoms_; ++k) a[k] = ext.extent(k);
    return a;
  }

  static constexpr std::string extents_text(const extents_type& ext) { return detail::tuple_text(all_extents(ext)); }

  static constexpr extents_type from_shape(std::span<const index_t> shape, std::span<const axis_size> known) {
    // A size the extents type declares statically counts as known where a merged dimension
    // needs it; elsewhere it is checked against the shape below, with a message naming the axis.
    std::vector<axis_size> all;
    for (std::size_t k = 0; k < natoms_; ++k)
      if (Extents::static_extent(k) != dynamic_extent && value::is_whole(desc_.atoms[k]) &&
          desc_.entry_size(desc_.entry_of(static_cast<int>(k))) > 1)
        all.push_back({desc_.atoms[k].name(), Extents::static_extent(k)});
    all.insert(all.end(), known.begin(), known.end());
    const axle::atom_extents r = axle::resolve_extents(desc_, shape, all, "tensor_view");
    std::array<index_t, natoms_> values{};
    for (std::size_t k = 0; k < natoms_; ++k) {
      values[k] = r.extent[k];
      const index_t s = Extents::static_extent(k);
      if (s != dynamic_extent && s != values[k])
        throw shape_error("axis " + detail::atom_text(desc_.atoms[k]) + ": extent " + detail::int_text(values[k]) +
                          " does not match the static extent " + detail::int_text(s));
    }
    return extents_type(values);
  }

  constexpr void check_size(std::size_t n) const {
    if (n != size())
      throw shape_error("buffer of " + detail::int_text(n) + " elements, layout " + to_string(desc_) + " with extents " +
                        extents_text(ext_) + " needs " + detail::int_text(size()));
  }

  template <detail::check C, class... Args>
  constexpr index_t offset(const Args&... args) const {
    using A = detail::access<L, Args...>;
    if constexpr (!A::ok) {
      static_cast<void>(detail::access_checked<A>::value);
      return 0;
    } else if constexpr (A::kind == detail::access_kind::named) {
      [[maybe_unused]] const index_t idx[] = {detail::index_value(args)..., 0};
      if constexpr (C != detail::check::none) check_named<C, A>(idx, std::make_index_sequence<sizeof...(Args)>{});
      return named_offset<A>(idx, std::make_index_sequence<natoms_>{});
    } else {
      [[maybe_unused]] const index_t idx[] = {detail::index_value(args)..., 0};
      return positional_offset<C>(idx, std::make_index_sequence<L::rank>{});
    }
  }

  // By axis: each atom takes its digit of the axis index, reversed when the atom is flipped.
  template <class A, std::size_t... K>
  constexpr index_t named_offset(const index_t* idx, std::index_sequence<K...>) const noexcept {
    return (index_t{0} + ... + named_term<A, K>(idx));
  }
  template <class A, std::size_t K>
  constexpr index_t named_term([[maybe_unused]] const index_t* idx) const noexcept {
    constexpr int j = A::value.arg_of_atom[K];
    if constexpr (j < 0) {
      return 0;  // a unit axis left out
    } else {
      constexpr value::atom a = desc_.atoms[K];
      index_t i = 0;
      if constexpr (A::by_label[j])
        i = A::template label_value<j>();
      else
        i = idx[j];
      if constexpr (value::is_part(a)) {
        if constexpr (a.stride != 1) i /= a.stride;
        if constexpr (a.extent != dynamic_extent) i %= a.extent;
      }
      if constexpr (a.flipped) i = ext_.extent(K) - 1 - i;
      return i * stride_of<K>();
    }
  }
  template <detail::check C, class A, std::size_t... J>
  constexpr void check_named(const index_t* idx, std::index_sequence<J...>) const {
    (check_arg<C, A, static_cast<int>(J)>(idx[J]), ...);
  }
  template <detail::check C, class A, int J>
  constexpr void check_arg(index_t i) const {
    if constexpr (!A::by_label[J]) {
      constexpr int first = [] {
        for (std::size_t k = 0; k < natoms_; ++k)
          if (A::value.arg_of_atom[k] == J) return static_cast<int>(k);
        return -1;
      }();
      const index_t n = extent(typename detail::index_arg<detail::type_at_t<typename A::args, static_cast<std::size_t>(J)>>::axis{});
      if (i < 0 || i >= n) detail::index_out_of_range(C, desc_, first, -1, i, n);
    }
  }

  // By position: one index per storage dimension; a merged dimension's flat index is decomposed.
  template <detail::check C, std::size_t... E>
  constexpr index_t positional_offset(const index_t* idx, std::index_sequence<E...>) const {
    return (index_t{0} + ... + entry_term<C, E>(idx[E]));
  }
  template <detail::check C, std::size_t E>
  constexpr index_t entry_term(index_t i) const {
    constexpr int begin = desc_.entry_begin[E];
    constexpr int end = desc_.entry_begin[E + 1];
    if constexpr (C != detail::check::none) {
      index_t n = 1;
      for (int k = begin; k < end; ++k) n *= ext_.extent(static_cast<std::size_t>(k));
      if (i < 0 || i >= n) detail::index_out_of_range(C, desc_, -1, static_cast<int>(E), i, n);
    }
    if constexpr (end - begin == 1 || !strided_) {  // a contiguous merged dimension is one stride
      return i * stride_of<static_cast<std::size_t>(end - 1)>();
    } else {
      return merged_term<begin, end - 1>(i);
    }
  }
  template <int Begin, int K>
  constexpr index_t merged_term(index_t i) const noexcept {
    if constexpr (K == Begin) {
      return i * stride_[K];
    } else {
      const index_t e = ext_.extent(K);
      return (i % e) * stride_[K] + merged_term<Begin, K - 1>(i / e);
    }
  }
  /// The stride of atom K: stored, or the product of the extents inside it.
  template <std::size_t K>
  constexpr index_t stride_of() const noexcept {
    if constexpr (strided_) {
      return stride_[K];
    } else {
      return [&]<std::size_t... J>(std::index_sequence<J...>) {
        return (index_t{1} * ... * ext_.extent(K + 1 + J));
      }(std::make_index_sequence<natoms_ - K - 1>{});
    }
  }

  struct no_strides {};
  pointer data_ = nullptr;
  [[no_unique_address]] extents_type ext_{};
  [[no_unique_address]] std::conditional_t<strided_, strides_type, no_strides> stride_{};
};

/// A view of contiguous row-major storage: its strides are implied by its extents.
template <class T, layout_type L, class Extents = default_extents_t<L>>
using contiguous_view = tensor_view<T, L, Extents, contiguous>;

// --- tensor ------------------------------------------------------------------------------------

/// An owning, contiguous tensor of layout L, its storage aligned to 64 bytes. Element access,
/// extents and shape as tensor_view; view() / cview() give views of it.
///
/// A moved-from tensor holds no storage: data() is null and its dynamic extents are 0.
template <class T, layout_type L, class Extents = default_extents_t<L>>
class tensor {
  static_assert(std::is_object_v<T> && !std::is_const_v<T> && !std::is_volatile_v<T>,
                "axle::tensor<T, L>: T is a non-const object type (a view of const elements is tensor_view<const T, L>)");

 public:
  using view_type = contiguous_view<T, L, Extents>;
  using const_view_type = contiguous_view<const T, L, Extents>;
  using element_type = T;
  using value_type = T;
  using layout_type = L;
  using extents_type = Extents;
  using index_type = index_t;
  using size_type = std::size_t;
  static constexpr std::size_t alignment = 64;

  [[nodiscard]] static constexpr std::size_t rank() noexcept { return L::rank; }
  [[nodiscard]] static constexpr std::size_t atom_count() noexcept { return view_type::atom_count(); }
  [[nodiscard]] static constexpr L layout() noexcept { return {}; }

  /// Empty when any extent is dynamic (those are 0); otherwise holds its elements, value-initialised.
  tensor() : tensor(extents_type{}) {}
  /// Value-initialised elements.
  explicit tensor(const extents_type& ext)
      : view_(allocate(ext, [](T* p, std::ptrdiff_t n) { std::uninitialized_value_construct_n(p, n); }), ext) {}
  /// Default-initialised elements (indeterminate for trivial types): storage to be overwritten.
  tensor(const extents_type& ext, uninitialized_t)
      : view_(allocate(ext, [](T* p, std::ptrdiff_t n) { std::uninitialized_default_construct_n(p, n); }), ext) {}
  /// The storage shape, plus the sizes a shape cannot tell: `tensor<float, L> t({4, 2, 3, 3}, axis_size{"G", 2})`.
  template <std::same_as<axis_size>... Known>
  explicit tensor(std::initializer_list<index_t> shape, Known... known)
      : tensor(view_type(static_cast<T*>(nullptr), shape, known...).extents()) {}
  explicit tensor(std::span<const index_t> shape, std::span<const axis_size> known = {})
      : tensor(view_type(static_cast<T*>(nullptr), shape, known).extents()) {}

  tensor(const tensor& other)
      : view_(allocate(other.extents(), [&](T* p, std::ptrdiff_t n) { std::uninitialized_copy_n(other.data(), n, p); }),
              other.extents()) {}
  tensor(tensor&& other) noexcept : view_(std::exchange(other.view_, moved_from())) {}
  tensor& operator=(const tensor& other) {
    if (this != &other) *this = tensor(other);
    return *this;
  }
  tensor& operator=(tensor&& other) noexcept {
    if (this != &other) {
      release();
      view_ = std::exchange(other.view_, moved_from());
    }
    return *this;
  }
  ~tensor() { release(); }

  [[nodiscard]] view_type view() noexcept { return view_; }
  [[nodiscard]] const_view_type view() const noexcept { return view_; }
  [[nodiscard]] const_view_type cview() const noexcept { return view_; }

  [[nodiscard]] T* data() noexcept { return view_.data(); }
  [[nodiscard]] const T* data() const noexcept { return view_.data(); }
  [[nodiscard]] const extents_type& extents() const noexcept { return view_.extents(); }
  [[nodiscard]] typename view_type::strides_type strides() const noexcept { return view_.strides(); }
  [[nodiscard]] index_t extent(std::size_t k) const noexcept { return view_.extent(k); }
  template <axis_tag A>
  [[nodiscard]] index_t extent(A a) const noexcept {
    return view_.extent(a);
  }
  [[nodiscard]] std::array<index_t, L::rank> shape() const noexcept { return view_.shape(); }
  [[nodiscard]] std::size_t size() const noexcept { return view_.data() ? view_.size() : 0; }
  [[nodiscard]] bool empty() const noexcept { return size() == 0; }
  [[nodiscard]] T* begin() noexcept { return data(); }
  [[nodiscard]] T* end() noexcept { return data() + size(); }
  [[nodiscard]] const T* begin() const noexcept { return data(); }
  [[nodiscard]] const T* end() const noexcept { return data() + size(); }

  template <detail::index_argument... Args>
  T& operator()(Args... args) noexcept {
    return view_(args...);
  }
  template <detail::index_argument... Args>
  const T& operator()(Args... args) const noexcept {
    return view_(args...);
  }
  template <detail::index_argument... Args>
  T& at(Args... args) {
    return view_.at(args...);
  }
  template <detail::index_argument... Args>
  const T& at(Args... args) const {
    return view_.at(args...);
  }

 private:
  static view_type moved_from() noexcept {
    std::array<index_t, view_type::atom_count()> e{};
    for (std::size_t k = 0; k < e.size(); ++k) e[k] = Extents::static_extent(k) == dynamic_extent ? 0 : Extents::static_extent(k);
    return view_type(nullptr, extents_type(e));
  }
  /// Storage for the elements of `ext`, constructed by `init(p, n)`.
  template <class Init>
  static T* allocate(const extents_type& ext, Init init) {
    std::size_t n = 1;
    for (std::size_t k = 0; k < Extents::rank(); ++k) n *= static_cast<std::size_t>(ext.extent(k));
    if (n == 0) return nullptr;
    if (n > static_cast<std::size_t>(PTRDIFF_MAX) / sizeof(T)) throw std::bad_array_new_length();
    T* p = static_cast<T*>(::operator new(n * sizeof(T), std::align_val_t{alignment}));
    try {
      init(p, static_cast<std::ptrdiff_t>(n));
    } catch (...) {
      ::operator delete(p, std::align_val_t{alignment});
      throw;
    }
    return p;
  }
  void release() noexcept {
    if (T* p = view_.data()) {
      std::destroy_n(p, static_cast<std::ptrdiff_t>(view_.size()));
      ::operator delete(p, std::align_val_t{alignment});
    }
  }

  view_type view_;
};

}  // namespace axle
