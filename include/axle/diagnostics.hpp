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
//
// Each comment says what the message means, then (after "Fix:") what to do about it;
// docs/errors.md shows both with a broken program and its fix.

/// A tensor or layout of one layout was handed where another was expected (a function taking
/// `tensor_view<T, Expected>`, `expect_layout<Expected, Got>`). `fix` is the plan that turns the
/// layout given into the one expected; `missing_axes` / `extra_axes` instead say that the two
/// hold different axes, so that no plan exists.
/// Fix: convert where the data enters: `axle::convert<Expected>(v)` copies,
/// `axle::layout_cast<Expected>(v)` is a view when the plan allows one; or correct the layout the
/// data is declared with. With missing or extra axes, the two layouts describe different tensors.
template <class Expected, class Got, class... Fix>
struct layout_mismatch;
/// `plan_t<From, To>` has no plan: the last arguments say why (`missing_axes` / `extra_axes`:
/// the layouts hold different axes; `labels_differ`, `incompatible_blocking`, `too_many_axes`).
/// Fix: only layouts of the same axes convert. Add or drop the axes that differ (a `unit<A>`
/// axis may be absent from the other layout), or pick the layout the data really has.
template <class From, class To, class... Why>
struct cannot_convert;

/// Axis A appears twice: in two dimensions of a layout, twice among the arguments of a
/// transformation (`swap_t<L, O, O>`, `flip_t<L, H, H>`, `permute_t`), or twice in element access.
/// Fix: name each axis once; a blocked axis spread over dimensions is written with its parts
/// (`outer<O, 16>`, `inner<O, 16>`).
template <class A, class... Context>
struct axis_named_twice;
/// Only spatial axes have an orientation: `flipped<A>` or `flip_t<L, A>` with an axis that is
/// not of kind `axis_kind::spatial` (a channel, group, batch or unit axis).
/// Fix: flip D, H, W or an axis declared `axis<"x", axis_kind::spatial>`; for a reversed channel
/// order, use labelled blocks (`labels<A, "...">`) and a reorder.
template <class A, class... Context>
struct cannot_flip_non_spatial_axis;
/// A transformation or an element access names axis A, which the layout does not hold.
/// Fix: name an axis of the layout (the message lists them), or transform the layout that has A.
template <class A, class... Context>
struct axis_not_in_layout;
/// A transformation names axis A, whose parts live in several dimensions (O/16 and 16o): the
/// dimension "holding A" is ambiguous.
/// Fix: name the part that you mean (`outer<O, 16>`, `inner<O, 16>`), or merge the parts first.
template <class A, class... Context>
struct axis_is_split_across_entries;
/// `permute_t<L, ...>` leaves out dimensions of L (listed in `unnamed`).
/// Fix: name every dimension once, in the new order; to move one dimension, use `move_t<L, A, P>`.
template <class... Context>
struct permute_must_name_every_entry;
/// `split_t<L, A, F>`: the factor F does not divide the part's extent E (or F < 1, or the part is a
/// unit or labelled axis, which does not split).
/// Fix: use a factor that divides the extent, or split the whole axis (whose extent is open).
template <class A, class Factor, class Extent, class... Context>
struct split_factor_does_not_divide;
/// `split_t<L, A>` without a factor splits a merged dimension into its atoms; the dimension
/// holding A holds nothing else.
/// Fix: to block the axis instead, give a factor: `split_t<L, A, 16>`.
template <class A, class... Context>
struct nothing_to_split;
/// `merge_t<L, A, B...>` merges adjacent dimensions, in their storage order; A and B are not
/// adjacent (or not in that order).
/// Fix: bring them together first (`move_t`, `permute_t`), or list them in storage order.
template <class A, class B, class... Context>
struct merge_needs_adjacent_entries;
/// Why there is no plan: two labelled axes (`labels<gate, "i,f,g,o">`) hold different sets of
/// labels, so their blocks cannot be matched by name.
/// Fix: use the same label for the same block in both layouts ("g" and "c" are both the cell
/// gate: pick one spelling).
template <class A, class B>
struct labels_differ;
/// Why there is no plan: the two layouts block the same axis by sizes that do not nest (16 and
/// 6), so no common set of parts describes both.
/// Fix: block by sizes that divide one another (16 and 8, 16 and 4), or convert in two steps,
/// through the layout with the whole axis: `plan_t<A, U>`, then `plan_t<U, B>`.
template <class A, class B>
struct incompatible_blocking;
/// `labels<A, "...">` needs between 1 and 16 labels, none empty and none repeated.
/// Fix: spell each block once: `labels<gate, "i,f,g,o">`.
template <class A, class... Context>
struct block_labels_must_be_distinct_and_non_empty;
/// A blocked axis has its positions in a block (`inner<O, 16>`, 16o) but not its blocks
/// (`outer<O, 16>`, O/16): the parts do not cover the axis.
/// Fix: add the outer part, or write the whole axis if it is not blocked.
template <class A, class... Context>
struct blocked_axis_needs_one_outer_part;
/// The parts of a blocked axis must form a mixed radix: `outer<O, 16>` with blocks of 16 inside
/// (`inner<O, 16>`, or `inner<O, 4, 4>` and `inner<O, 4>`), not blocks of another size.
/// Fix: make the outer part's block size the product of the inner extents.
template <class A, class... Context>
struct blocked_parts_do_not_chain;
/// The parts of one blocked spatial axis are stored in different orientations; an axis is
/// reversed or it is not.
/// Fix: flip every part (`flipped<outer<W, 4>>`, `flipped<inner<W, 4>>`) or none.
template <class A, class... Context>
struct parts_of_one_axis_flipped_differently;
/// A dimension merges consecutive parts of one axis (`merged<outer<O, 16>, inner<O, 16>>`), which
/// is that axis itself; every layout has one spelling, so this one is not allowed.
/// Fix: write the layout that `write<...>` shows.
template <class... Context>
struct merged_parts_of_one_axis;
/// A layout has at most 12 atoms (`atom_limit<12>`: axes, block parts, unit and labelled axes):
/// the layout in `in<...>` has more, or the transformation or plan step named first would add a
/// 13th.
/// Fix: merge axes that always travel together into one axis of your own, or split the tensor.
template <class... Context>
struct too_many_axes;
/// `apply_t<P, L>`: a step of plan P does not fit layout L (it names a dimension that L does not
/// have in that form); the plan was derived for another layout.
/// Fix: apply a plan to the layout it was derived from, or derive it for L: `plan_t<L, Target>`.
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
/// The most atoms a layout may have (`value::max_atoms`): the fact too_many_axes carries.
template <int N>
struct atom_limit {};

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
      return type_identity<too_many_axes<in<L>, atom_limit<value::max_atoms>>>{};
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
    else if constexpr (e.code == C::too_many_axes)
      return type_identity<too_many_axes<arg<e.a>, in<L>, atom_limit<value::max_atoms>>>{};
    else
      return type_identity<labels_differ<in<L>, arg<0>>>{};
  }
  using type = typename decltype(pick())::type;
};

}  // namespace detail
}  // namespace axle
