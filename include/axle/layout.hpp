// axle — layouts: which axis each storage dimension holds, and how it is oriented.
//
//     using torch_conv_t = axle::layout<I, O, axle::flipped<H>, axle::flipped<W>>;  // (I, O, H~, W~)
//
// A layout lists its storage dimensions (entries), outermost first. An entry is an atom or
// several atoms merged into one dimension, outer first:
//
//   A                  a whole axis
//   flipped<A>         a spatial axis stored reversed (`H~`); only spatial axes have an orientation
//   merged<G, O>       one storage dimension holding groups outer and per-group channels inner
//   outer<O, 16>       the blocks of a blocked axis (`O/16`), extent known at run time
//   inner<O, 16>       the position inside a block of 16 (`16o`); `inner<I, 4, 4>` a middle part
//   unit<I>            an axis of extent 1 that another layout may omit (depthwise `I = 1`)
//   labels<gate, "i,f,g,o">   a block axis whose positions are named (gate order, colour order)
//
// Every layout has one spelling: flipped<flipped<H>> does not compile, consecutive parts of one
// axis are never merged (write the axis), and the transformations return canonical types, so a
// double flip or a double swap is the original type.
#pragma once

#include <array>
#include <type_traits>
#include <utility>

#include "axis.hpp"
#include "detail/type_id.hpp"
#include "detail/type_list.hpp"
#include "engine/values.hpp"
#include "fixed_string.hpp"

namespace axle {

template <class A>
struct flipped {};
template <class A>
struct flipped<flipped<A>> {
  static_assert(sizeof(A) == 0, "axle: flipped<flipped<A>> is A: write each orientation once");
};

template <axis_tag A, index_t Stride>
struct outer {
  static_assert(Stride > 1, "axle: outer<A, S> needs a block size S > 1");
};

template <axis_tag A, index_t Extent, index_t Stride = 1>
struct inner {
  static_assert(Extent > 0 && Stride > 0, "axle: inner<A, E, S> needs a positive extent and stride");
};

template <axis_tag A>
struct unit {};

template <axis_tag A, fixed_string Labels>
struct labels {};

template <class... Atoms>
struct merged {
  static_assert(sizeof...(Atoms) >= 2, "axle: merged<...> needs at least two atoms; write a single atom as is");
};

template <class... Entries>
struct layout;

/// Wrappers that appear in diagnostics and printing.
template <class... Entries>
struct expected {};
template <class... Entries>
struct got {};
template <class... Entries>
struct from {};
template <class... Entries>
struct to {};
template <class L>
struct in {};

namespace detail {

template <class A>
inline constexpr value::axis_info axis_info_of{A::label, A::kind, type_id<A>()};

template <class A>
constexpr value::atom axis_atom_of(int source) noexcept {
  value::atom a;
  a.axis = axis_info_of<A>.id;
  a.info = &axis_info_of<A>;
  a.source = source;
  a.axis_source = source;
  return a;
}

/// Atom types: what each one is as a value, its orientation-free type and its axis.
template <class T>
struct atom_traits;  // not an atom: see is_atom_v

template <axis_tag A>
struct atom_traits<A> {
  using base = A;
  using axis = A;
  static constexpr value::atom make(int source) noexcept { return axis_atom_of<A>(source); }
};
template <class T>
struct atom_traits<flipped<T>> {
  using base = typename atom_traits<T>::base;
  using axis = typename atom_traits<T>::axis;
  static constexpr value::atom make(int source) noexcept {
    value::atom a = atom_traits<T>::make(source);
    a.flipped = true;
    return a;
  }
};
template <class T>
struct atom_traits<flipped<flipped<T>>> : atom_traits<T> {
  static constexpr value::atom make(int source) noexcept {
    static_assert(sizeof(flipped<flipped<T>>) != 0);  // fires the message of flipped<flipped<A>>
    return atom_traits<T>::make(source);
  }
};
template <axis_tag A, index_t S>
struct atom_traits<outer<A, S>> {
  using base = outer<A, S>;
  using axis = A;
  static constexpr value::atom make(int source) noexcept {
    value::atom a = axis_atom_of<A>(source);
    a.stride = S;
    return a;
  }
};
template <axis_tag A, index_t E, index_t S>
struct atom_traits<inner<A, E, S>> {
  using base = inner<A, E, S>;
  using axis = A;
  static constexpr value::atom make(int source) noexcept {
    value::atom a = axis_atom_of<A>(source);
    a.stride = S;
    a.extent = E;
    return a;
  }
};
template <axis_tag A>
struct atom_traits<unit<A>> {
  using base = unit<A>;
  using axis = A;
  static constexpr value::atom make(int source) noexcept {
    value::atom a = axis_atom_of<A>(source);
    a.unit = true;
    a.extent = 1;
    return a;
  }
};
template <axis_tag A, fixed_string L>
struct atom_traits<labels<A, L>> {
  using base = labels<A, L>;
  using axis = A;
  static constexpr std::string_view text = L.view();
  static constexpr value::atom make(int source) noexcept {
    value::atom a = axis_atom_of<A>(source);
    a.labels = &text;
    a.extent = value::label_count(text);
    return a;
  }
};

template <class T, class = void>
inline constexpr bool is_atom_v = false;
template <class T>
inline constexpr bool is_atom_v<T, std::void_t<typename atom_traits<T>::base>> = true;

/// The atoms of one entry.
template <class E>
struct entry_traits {
  using atoms = type_list<E>;
};
template <class... As>
struct entry_traits<merged<As...>> {
  using atoms = type_list<As...>;
};

template <class E>
inline constexpr bool is_merged_v = false;
template <class... As>
inline constexpr bool is_merged_v<merged<As...>> = true;

template <bool Flat, class... Es>
struct flat_atoms_of {
  using type = concat_t<typename entry_traits<Es>::atoms...>;
};
template <class... Es>
struct flat_atoms_of<true, Es...> {  // the common case: every entry is one atom, nothing to flatten
  using type = type_list<Es...>;
};

template <class L>
struct flat_atoms;
template <class... Es>
struct flat_atoms<layout<Es...>> : flat_atoms_of<!(is_merged_v<Es> || ...), Es...> {};
/// The atom types of a layout, in storage order.
template <class L>
using flat_atoms_t = typename flat_atoms<L>::type;

template <class List>
struct base_list;
template <class... As>
struct base_list<type_list<As...>> {
  using type = type_list<typename atom_traits<As>::base...>;
};
/// The orientation-free atom types of a layout, in order: the type universe of its descriptor.
template <class L>
using universe_t = typename base_list<flat_atoms_t<L>>::type;

template <class... As>
constexpr void push_atoms(value::layout& d, int& source, type_list<As...>) noexcept {
  (d.push(atom_traits<As>::make(source++)), ...);
  d.close_entry();
}

/// The descriptor of a layout type; atom i has universe index Offset + i.
template <class L, int Offset = 0>
struct desc_of;
template <class... Es, int Offset>
struct desc_of<layout<Es...>, Offset> {
  static constexpr value::layout make() noexcept {
    value::layout d;
    [[maybe_unused]] int source = Offset;
    (push_atoms(d, source, typename entry_traits<Es>::atoms{}), ...);
    return d;
  }
  static constexpr value::layout value = make();
};

/// The atom of an argument type (an axis, a part, a unit or a labelled axis).
template <class T>
constexpr value::atom arg_atom(int source = -1) noexcept {
  return atom_traits<T>::make(source);
}

// ---------------------------------------------------------------------------------------------
// From descriptors back to types. `H::value.atoms` holds the atoms (a value::layout or the pool of
// a value::plan); `source` indexes the type universe U.

/// Everything the type of an atom depends on, in one integer, so that each atom costs the
/// builder a single constant evaluation.
constexpr long long type_code(const value::atom& a) noexcept {
  return (a.source + 1) | (static_cast<long long>(a.axis_source + 1) << 16) |
         (static_cast<long long>(a.flipped) << 32) | (static_cast<long long>(a.unit) << 33);
}

template <class A, index_t Stride, index_t Extent, bool Whole = (Stride == 1 && Extent == dynamic_extent),
          bool Outer = (Extent == dynamic_extent)>
struct part_of {
  using type = inner<A, Extent, Stride>;
};
template <class A, index_t Stride, index_t Extent>
struct part_of<A, Stride, Extent, true, true> {
  using type = A;
};
template <class A, index_t Stride, index_t Extent>
struct part_of<A, Stride, Extent, false, true> {
  using type = outer<A, Stride>;
};

inline constexpr long long flipped_bit = 1LL << 32;
inline constexpr long long unit_bit = 1LL << 33;
constexpr int code_source(long long c) noexcept { return static_cast<int>(c & 0xffff) - 1; }
constexpr int code_axis_source(long long c) noexcept { return static_cast<int>((c >> 16) & 0xffff) - 1; }

/// The common case is one instantiation: an unflipped atom of the universe.
template <class U, class H, int I, long long Code = type_code(H::value.atoms[I])>
struct atom_type {
  using type = type_at_t<U, static_cast<std::size_t>(code_source(Code))>;
};
template <class U, class H, int I, long long Code>
  requires((Code & flipped_bit) != 0)
struct atom_type<U, H, I, Code> {
  using type = flipped<typename atom_type<U, H, I, Code & ~flipped_bit>::type>;
};
template <class U, class H, int I, long long Code>
  requires((Code & flipped_bit) == 0 && code_source(Code) < 0 && (Code & unit_bit) != 0)
struct atom_type<U, H, I, Code> {
  using type = unit<typename atom_traits<type_at_t<U, static_cast<std::size_t>(code_axis_source(Code))>>::axis>;
};
template <class U, class H, int I, long long Code>
  requires((Code & flipped_bit) == 0 && code_source(Code) < 0 && (Code & unit_bit) == 0)
struct atom_type<U, H, I, Code> {  // a part built anew
  using type = typename part_of<typename atom_traits<type_at_t<U, static_cast<std::size_t>(code_axis_source(Code))>>::axis,
                                H::value.atoms[I].stride, H::value.atoms[I].extent>::type;
};

template <class U, class H, int I>
using atom_t = typename atom_type<U, H, I>::type;

template <class U, class H, int First, class Ks>
struct make_entry;
template <class U, class H, int First>
struct make_entry<U, H, First, std::index_sequence<0>> {
  using type = atom_t<U, H, First>;
};
template <class U, class H, int First, std::size_t... K>
struct make_entry<U, H, First, std::index_sequence<K...>> {
  using type = merged<atom_t<U, H, First + static_cast<int>(K)>...>;
};

template <class U, class H, class Es>
struct make_layout;
template <class U, class H, std::size_t... E>
struct make_layout<U, H, std::index_sequence<E...>> {
  using type = layout<typename make_entry<
      U, H, H::value.entry_begin[E],
      std::make_index_sequence<static_cast<std::size_t>(H::value.entry_begin[E + 1] - H::value.entry_begin[E])>>::type...>;
};

/// The layout type of `H::value` (a value::layout) over universe U.
template <class U, class H>
using build_layout_t = typename make_layout<U, H, std::make_index_sequence<static_cast<std::size_t>(H::value.nentries)>>::type;

/// Re-wraps a layout's entries in another template: `rewrap_t<expected, layout<O, I>>` is
/// `expected<O, I>`.
template <template <class...> class To, class L>
struct rewrap;
template <template <class...> class To, template <class...> class From, class... Es>
struct rewrap<To, From<Es...>> {
  using type = To<Es...>;
};
template <template <class...> class To, class L>
using rewrap_t = typename rewrap<To, L>::type;

}  // namespace detail

/// A tensor layout: its storage dimensions, outermost first.
template <class... Entries>
struct layout {
  static constexpr std::size_t rank = sizeof...(Entries);
};

/// Layouts compare as types: `layout<O, I>{} == layout<O, I>{}`. (A namespace-scope template
/// rather than a hidden friend: a friend would be instantiated with every layout type.)
template <class... As, class... Bs>
constexpr bool operator==(layout<As...>, layout<Bs...>) noexcept {
  return std::is_same_v<layout<As...>, layout<Bs...>>;
}

template <class T>
inline constexpr bool is_layout_v = false;
template <class... Es>
inline constexpr bool is_layout_v<layout<Es...>> = true;

/// A layout type: a specialisation of `axle::layout`.
template <class T>
concept layout_type = is_layout_v<T>;

/// Number of storage dimensions.
template <layout_type L>
inline constexpr std::size_t rank_v = L::rank;

namespace value {
/// The value of a layout type: `value::of<layout<O, I, H, W>>()` is the `value::layout` the
/// engine works on (static storage: the reference stays valid).
template <layout_type L>
[[nodiscard]] constexpr const layout& of() noexcept {
  return detail::desc_of<L>::value;
}
}  // namespace value

}  // namespace axle
