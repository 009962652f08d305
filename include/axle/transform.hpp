// axle — transformations of a layout, as type aliases.
//
//     swap_t<L, O, I>          exchange the entries holding O and I
//     flip_t<L, H, W>          toggle the orientation of spatial axes
//     permute_t<L, H, W, I, O> entries in this order (each entry named once, by any axis it holds)
//     move_t<L, I, 0>          move the entry holding I to position 0
//     split_t<L, O, 16>        block O into O/16 and 16o (adjacent entries)
//     split_t<L, G>            split the merged entry holding G into one entry per atom
//     merge_t<L, G, O>         merge the adjacent entries holding G and O into one entry
//     reorder_t<L, labels<gate, "i,o,f,g">>   put a labelled axis's blocks in another order
//     drop_t<L, G>             remove an axis of extent 1; ungrouped_t<L> removes G if present
//
// All return canonical layouts: flip_t<flip_t<L, H>, H> and swap_t<swap_t<L, O, I>, O, I> are L.
// A bad argument is one readable error (axis_not_in_layout, cannot_flip_non_spatial_axis, ...).
#pragma once

#include "diagnostics.hpp"
#include "layout.hpp"

namespace axle {
namespace detail {

/// The layout Op computes from L (Op::value is a value::layout_result over L's universe, extended by
/// Extra), or a diagnostic and L unchanged.
template <class L, class Args, class Op, class Extra = type_list<>, bool Valid = checked<L>::ok,
          bool Ok = Valid && Op::value.error.code == value::error_code::none>
struct transformed {
  using type = build_layout_t<concat_t<universe_t<L>, Extra>, layout_of<Op>>;
};
template <class L, class Args, class Op, class Extra>
struct transformed<L, Args, Op, Extra, false, false> {
  using type = report_invalid_t<L, L>;
};
template <class L, class Args, class Op, class Extra>
struct transformed<L, Args, Op, Extra, true, false> {
  using type = typename reporting<typename argument_diagnostic<L, Args, Op>::type, L>::type;
};

template <class... As>
struct atoms_array {
  static constexpr value::atom value[sizeof...(As) + 1] = {arg_atom<As>()..., value::atom{}};
};

template <class L, class A, class B>
struct swap_op {
  static constexpr value::layout_result value = value::swap_entries(desc_of<L>::value, arg_atom<A>(), arg_atom<B>());
};
template <class L, class... As>
struct flip_op {
  static constexpr value::layout_result value = flip_axes(desc_of<L>::value, atoms_array<As...>::value, sizeof...(As));
};
template <class L, class... As>
struct permute_op {
  static constexpr value::layout_result value = value::permute_entries(desc_of<L>::value, atoms_array<As...>::value, sizeof...(As));
};
template <class L, class A, int Pos>
struct move_op {
  static constexpr value::layout_result value = value::move_entry(desc_of<L>::value, arg_atom<A>(), Pos);
};
template <class L, class A, index_t Factor>
struct split_op {
  static constexpr value::layout_result value = value::split_entry(desc_of<L>::value, arg_atom<A>(), Factor);
};
template <class L, class... As>
struct merge_op {
  static constexpr value::layout_result value = value::merge_entries(desc_of<L>::value, atoms_array<As...>::value, sizeof...(As));
};
template <class L, class A, bool MustExist>
struct drop_op {
  static constexpr value::layout_result value = value::drop_axis(desc_of<L>::value, arg_atom<A>(), MustExist);
};
/// The new labels get a universe index past L's atoms, so the builder finds their type.
template <class L, class A>
struct reorder_op {
  static constexpr value::layout_result value = value::relabel(desc_of<L>::value, arg_atom<A>(static_cast<int>(universe_t<L>::size)));
};

}  // namespace detail

template <layout_type L, class A, class B>
using swap_t = typename detail::transformed<L, detail::type_list<A, B>, detail::swap_op<L, A, B>>::type;

template <layout_type L, class... Axes>
using flip_t = typename detail::transformed<L, detail::type_list<Axes...>, detail::flip_op<L, Axes...>>::type;

template <layout_type L, class... Entries>
using permute_t = typename detail::transformed<L, detail::type_list<Entries...>, detail::permute_op<L, Entries...>>::type;

template <layout_type L, class A, int Position>
using move_t = typename detail::transformed<L, detail::type_list<A>, detail::move_op<L, A, Position>>::type;

template <layout_type L, class A, index_t Factor = 0>
using split_t = typename detail::transformed<L, detail::type_list<A>, detail::split_op<L, A, Factor>>::type;

template <layout_type L, class... Entries>
using merge_t = typename detail::transformed<L, detail::type_list<Entries...>, detail::merge_op<L, Entries...>>::type;

template <layout_type L, class NewLabels>
using reorder_t = typename detail::transformed<L, detail::type_list<NewLabels>, detail::reorder_op<L, NewLabels>,
                                               detail::type_list<NewLabels>>::type;

/// L without axis A (every atom of it): for an axis of extent 1, such as G with one group.
template <layout_type L, axis_tag A>
using drop_t = typename detail::transformed<L, detail::type_list<A>, detail::drop_op<L, A, true>>::type;

/// L without its group axis, if it has one: the layout of a grouped op used with one group.
template <layout_type L>
using ungrouped_t = typename detail::transformed<L, detail::type_list<axes::G>, detail::drop_op<L, axes::G, false>>::type;

// Value-style equivalents: `axle::swap_axes(l, O{}, I{}) == axle::layout<I, O, H, W>{}`.
template <layout_type L, class A, class B>
constexpr swap_t<L, A, B> swap_axes(L, A, B) noexcept {
  return {};
}
template <layout_type L, class... As>
constexpr flip_t<L, As...> flip_axes(L, As...) noexcept {
  return {};
}
template <layout_type L, class... As>
constexpr permute_t<L, As...> permute_axes(L, As...) noexcept {
  return {};
}

}  // namespace axle
