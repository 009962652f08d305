// axle — compile-time diagnostics.
//
// Every error axle reports at compile time is one class template that is declared and never
// defined; its name is the message and its arguments are the facts. The library makes the
// compiler use it as a base class, so the first error line — with g++ and with clang — reads
//
//     invalid use of incomplete type 'struct axle::layout_mismatch<
//         axle::expected<O, I, H, W>, axle::got<I, O, flipped<H>, flipped<W>>,
//         axle::fix<axle::swap<O, I>, axle::flip<H, W>>>'
//
// and nothing else fails after it: the operation that reported goes on with a harmless
// placeholder, so one mistake gives one error. docs/errors.md shows each one with the real
// output of both compilers.
#pragma once

#include <type_traits>

#include "engine/transform.hpp"
#include "engine/validate.hpp"
#include "layout.hpp"

namespace axle {

// --- the messages -----------------------------------------------------------------------------

/// A layout was handed where another one was expected; `fix` is the derived conversion, or
/// `missing_axes` / `extra_axes` say why there is none.
template <class Expected, class Got, class... Fix>
struct layout_mismatch;
/// No plan exists from one layout to another; the last arguments say why.
template <class From, class To, class... Why>
struct cannot_convert;

template <class A, class... Context>
struct axis_named_twice;
template <class A, class... Context>
struct cannot_flip_non_spatial_axis;
template <class A, class... Context>
struct axis_not_in_layout;
template <class A, class... Context>
struct axis_is_split_across_entries;
template <class... Context>
struct permute_must_name_every_entry;
template <class A, class Factor, class Extent, class... Context>
struct split_factor_does_not_divide;
template <class A, class... Context>
struct nothing_to_split;
template <class A, class B, class... Context>
struct merge_needs_adjacent_entries;
template <class A, class B>
struct labels_differ;
template <class A, class B>
struct incompatible_blocking;
template <class A, class... Context>
struct block_labels_must_be_distinct_and_non_empty;
template <class A, class... Context>
struct blocked_axis_needs_one_outer_part;
template <class A, class... Context>
struct blocked_parts_do_not_chain;
template <class A, class... Context>
struct parts_of_one_axis_flipped_differently;
template <class... Context>
struct merged_parts_of_one_axis;
template <class... Context>
struct too_many_axes;
template <class Step, class... Context>
struct plan_step_does_not_apply;

// --- the facts they carry ---------------------------------------------------------------------

template <class... Steps>
struct fix {};
template <class... Axes>
struct missing_axes {};
template <class... Axes>
struct extra_axes {};
template <class... Entries>
struct unnamed {};
template <index_t N>
struct factor {};
template <index_t N>
struct extent {};
template <class L>
struct write {};

namespace detail {

/// Using the diagnostic as a base class is the error. It happens in the body of `emit<D>`,
/// which both compilers instantiate at the end of the translation unit, so the type or value
/// that reported stays valid and nothing fails after it: one mistake, one error.
template <class Diagnostic>
struct diagnostic_base : Diagnostic {};
template <class Diagnostic>
void emit() noexcept {
  static_cast<void>(sizeof(diagnostic_base<Diagnostic>));
}
template <class Diagnostic>
inline constexpr bool reported = (static_cast<void>(&emit<Diagnostic>), true);

/// `report<D>::value` reports D and is true.
template <class Diagnostic>
struct report {
  static constexpr bool value = reported<Diagnostic>;
};
/// `reporting<D, T>::type` reports D and stands for T.
template <class Diagnostic, class T>
struct reporting {
  using type = std::conditional_t<reported<Diagnostic>, T, T>;
};

template <class L, int I>
using atom_at_t = type_at_t<flat_atoms_t<L>, static_cast<std::size_t>(I)>;
template <class L, int I>
using axis_at_t = typename atom_traits<atom_at_t<L, I>>::axis;

template <class L>
struct checked {
  static constexpr value::error error = value::validate(desc_of<L>::value);
  static constexpr bool ok = error.code == value::error_code::none;
};

template <class L>
struct canonical_of {
  static constexpr value::layout value = value::canonical_merges(desc_of<L>::value);
};
/// Exposes the layout of a value::layout_result holder to the builder.
template <class H>
struct layout_of {
  static constexpr const value::layout& value = H::value.layout;
};

/// The diagnostic for an invalid layout L (only instantiated when L is invalid).
template <class L>
struct validation_diagnostic {
  static constexpr value::error e = checked<L>::error;
  static constexpr auto pick() noexcept {
    using C = value::error_code;
    if constexpr (e.code == C::axis_named_twice)
      return type_identity<axis_named_twice<axis_at_t<L, e.a>, in<L>>>{};
    else if constexpr (e.code == C::flip_of_non_spatial_axis)
      return type_identity<cannot_flip_non_spatial_axis<atom_at_t<L, e.a>, in<L>>>{};
    else if constexpr (e.code == C::bad_labels)
      return type_identity<block_labels_must_be_distinct_and_non_empty<atom_at_t<L, e.a>, in<L>>>{};
    else if constexpr (e.code == C::blocked_axis_without_outer)
      return type_identity<blocked_axis_needs_one_outer_part<axis_at_t<L, e.a>, in<L>>>{};
    else if constexpr (e.code == C::blocked_parts_do_not_chain)
      return type_identity<blocked_parts_do_not_chain<axis_at_t<L, e.a>, in<L>>>{};
    else if constexpr (e.code == C::parts_flipped_differently)
      return type_identity<parts_of_one_axis_flipped_differently<axis_at_t<L, e.a>, in<L>>>{};
    else if constexpr (e.code == C::non_canonical_merge)
      return type_identity<merged_parts_of_one_axis<in<L>, write<build_layout_t<universe_t<L>, canonical_of<L>>>>>{};
    else
      return type_identity<too_many_axes<in<L>>>{};
  }
  using type = typename decltype(pick())::type;
};

/// The first of Ls that is invalid.
template <class... Ls>
struct first_invalid;
template <class L, class... Ls>
struct first_invalid<L, Ls...> {
  using type = std::conditional_t<checked<L>::ok, typename first_invalid<Ls...>::type, L>;
};
template <>
struct first_invalid<> {
  using type = void;
};

template <class... Ls>
inline constexpr bool all_valid_v = (checked<Ls>::ok && ...);

/// Reports the first invalid layout among Ls and stands for T.
template <class T, class... Ls>
using report_invalid_t = typename reporting<typename validation_diagnostic<typename first_invalid<Ls...>::type>::type, T>::type;

/// The diagnostic for a transformation of L whose argument types are Args; Op::value.error
/// says what went wrong.
template <class L, class Args, class Op>
struct argument_diagnostic {
  static constexpr value::error e = Op::value.error;
  template <int K>
  using arg = type_at_t<Args, static_cast<std::size_t>(K)>;
  static constexpr auto pick() noexcept {
    using C = value::error_code;
    if constexpr (e.code == C::axis_not_in_layout)
      return type_identity<axis_not_in_layout<arg<e.a>, in<L>>>{};
    else if constexpr (e.code == C::axis_split_across_entries)
      return type_identity<axis_is_split_across_entries<arg<e.a>, in<L>>>{};
    else if constexpr (e.code == C::axis_named_twice)
      return type_identity<axis_named_twice<arg<e.b>, in<L>>>{};
    else if constexpr (e.code == C::flip_of_non_spatial_axis)
      return type_identity<cannot_flip_non_spatial_axis<arg<e.a>, in<L>>>{};
    else if constexpr (e.code == C::permute_incomplete && e.b >= 0)
      return type_identity<axis_named_twice<arg<e.b>, in<L>>>{};
    else if constexpr (e.code == C::permute_incomplete)
      return type_identity<permute_must_name_every_entry<unnamed<axis_at_t<L, e.a>>, in<L>>>{};
    else if constexpr (e.code == C::split_factor_does_not_divide)
      return type_identity<split_factor_does_not_divide<atom_at_t<L, e.a>, factor<e.x>, extent<e.y>, in<L>>>{};
    else if constexpr (e.code == C::nothing_to_split)
      return type_identity<nothing_to_split<arg<e.a>, in<L>>>{};
    else if constexpr (e.code == C::merge_not_adjacent)
      return type_identity<merge_needs_adjacent_entries<arg<e.a>, arg<e.b>, in<L>>>{};
    else
      return type_identity<labels_differ<in<L>, arg<0>>>{};
  }
  using type = typename decltype(pick())::type;
};

}  // namespace detail
}  // namespace axle
