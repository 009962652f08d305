// Laws over the catalogue, shared by tests/static/catalogue_laws_*.cpp (split to keep each
// translation unit's compile time small). A file compiles if and only if every law holds.
//
// For every descriptor: its layouts are valid; its spatial rank is that of its activation; its
// semantics agree with its weight's orientation (forward ops store nothing reversed; an adjoint
// transposed conv stores every spatial axis reversed, a direct one none); supports_groups says
// whether the weight has G; a depthwise weight has G and M
// (and I = 1 stored as a unit axis or not at all).
//
// For every pair (A, B) of one family and rank, with one group and (when both have groups) grouped:
// when their meanings agree (meaning_conflict_of), the plan exists; applying it to A's weight gives B's; its inverse is the plan from B to A and
// undoes it; it flips spatial axes exactly when A and B differ in semantics (and then every one);
// same_semantics_v agrees with that; for conv / conv_transpose pairs of one rank,
// is_adjoint_pair_v<C, T> agrees with an independent check (adjoint_t of the ungrouped conv
// weight converts to T's ungrouped weight without a flip, T is adjoint, and groups agree).
#pragma once

#include <axle/catalogue.hpp>

#include <type_traits>

namespace catalogue_laws {

using namespace axle;
using namespace axle::axes;
using axle::detail::concat_t;
using axle::detail::type_list;

template <family F, int S, class List>
struct select;
template <family F, int S, class... Ops>
struct select<F, S, type_list<Ops...>> {
  using type = concat_t<std::conditional_t<Ops::family == F && Ops::spatial == S, type_list<Ops>, type_list<>>...>;
};
/// The catalogue entries of one family and spatial rank.
template <family F, int S>
using ops_of = typename select<F, S, catalogue::all_ops>::type;

// --- one descriptor -----------------------------------------------------------------------------

template <class Op>
constexpr bool single_laws() {
  using W = typename Op::weight;
  using A = typename Op::activation;
  constexpr auto& w = axle::detail::desc_of<W>::value;
  static_assert(op_type<Op>);
  static_assert(valid_layout_v<W> && valid_layout_v<A> && valid_layout_v<ungrouped_weight_t<Op>>);
  static_assert(!Op::name.empty() && !Op::source.empty());
  static_assert(Op::supports_groups == has_axis_v<W, G>);
  static_assert(std::is_same_v<adjoint_t<adjoint_t<W>>, W>);
  if constexpr (Op::family != family::attention) {  // attention has no weight: both are the q/k/v layout
    static_assert(!has_axis_v<W, N> && !has_axis_v<W, C>, "weights hold roles, not activation axes");
    static_assert(has_axis_v<A, C>, "every activation has channels");
  } else {
    static_assert(std::is_same_v<W, A>);
  }
  static_assert(spatial_rank_v<A> == Op::spatial, "the activation has the weight's spatial axes");
  constexpr int flipped = axle::detail::count_flipped_axes(w);
  if constexpr (Op::family == family::conv_transpose) {
    static_assert(Op::semantics != semantics::forward);
    static_assert(Op::semantics == semantics::adjoint ? flipped == Op::spatial : flipped == 0,
                  "adjoint: every spatial axis reversed; direct: none");
    static_assert(has_axis_v<W, O> && has_axis_v<W, I>);
  } else {
    static_assert(Op::semantics == semantics::forward && flipped == 0);
  }
  if constexpr (Op::family == family::conv) static_assert(has_axis_v<W, O> && has_axis_v<W, I> && Op::spatial >= 1);
  if constexpr (Op::family == family::depthwise_conv)
    static_assert(has_axis_v<W, G> && has_axis_v<W, M> && Op::supports_groups);  // I = 1, stored or not
  constexpr bool recurrent = Op::family == family::lstm || Op::family == family::gru;
  if constexpr (Op::family == family::dense || recurrent || Op::family == family::attention || Op::family == family::projection)
    static_assert(Op::spatial == 0);
  constexpr op_meaning m = meaning_of<Op>();
  // A recurrent tensor holds its gates, unless it is one gate's section; a bias holds no inputs,
  // and two biases are stacked on the bias axis.
  if constexpr (recurrent) {
    static_assert(has_axis_v<W, op_axes::gate> == m.section.empty());
    static_assert(m.biases != bias_form::none, "a recurrent op says how it adds its biases");
    static_assert((m.reset != reset_gate::none) == (Op::family == family::gru), "only a GRU has a reset placement");
    if constexpr (m.tensor == tensor_kind::bias) {
      static_assert(!has_axis_v<W, I>);
      static_assert(has_axis_v<W, op_axes::bias> == (m.biases == bias_form::two));
    }
  } else {
    static_assert(m.reset == reset_gate::none && m.biases == bias_form::none);
  }
  // A projection splits into heads; its rows carry rotary pairs (pair, freq) exactly when it is a
  // q or k projection whose rotary embedding is not none (a fused one keeps head_dim whole).
  if constexpr (Op::family == family::projection) {
    static_assert(has_axis_v<W, op_axes::heads> || has_axis_v<W, op_axes::kv_heads>);
    static_assert(has_axis_v<W, op_axes::pair> == (!m.section.empty() && m.rotary != rotary::none));
    static_assert(has_axis_v<W, op_axes::pair> == has_axis_v<W, op_axes::freq>);
    static_assert(has_axis_v<W, op_axes::pair> != has_axis_v<W, op_axes::head_dim>);
    static_assert(m.section.empty() == (has_axis_v<W, op_axes::qkv> || has_axis_v<W, op_axes::slot>),
                  "a projection is one section, or fuses them");
  } else {
    static_assert(m.rotary == rotary::none);
  }
  return true;
}

template <class... Ops>
constexpr bool all_singles(type_list<Ops...>) {
  return (single_laws<Ops>() && ...);
}

// --- pairs of one family and rank ---------------------------------------------------------------

/// Number of axes a plan flips.
template <class P>
struct flipped_axes;
template <class S>
struct flip_count : std::integral_constant<int, 0> {};
template <class... As>
struct flip_count<flip<As...>> : std::integral_constant<int, static_cast<int>(sizeof...(As))> {};
template <class... Ss>
struct flipped_axes<plan<Ss...>> : std::integral_constant<int, (0 + ... + flip_count<Ss>::value)> {};

template <class A, class B, class Mode>
constexpr bool plan_laws() {
  using WA = op_weight_t<A, Mode>;
  using WB = op_weight_t<B, Mode>;
  static_assert(convertible_v<WA, WB>, "a plan exists within a family and rank");
  using P = op_plan_t<A, B, Mode>;
  using Q = op_plan_t<B, A, Mode>;
  static_assert(std::is_same_v<P, plan_t<WA, WB>>);
  static_assert(std::is_same_v<apply_t<P, WA>, WB>, "apply(plan(A, B), A) = B");
  static_assert(std::is_same_v<inverse_t<P>, Q>, "inverse(plan(A, B)) = plan(B, A)");
  static_assert(std::is_same_v<apply_t<Q, apply_t<P, WA>>, WA>, "plan(B, A) undoes plan(A, B)");
  static_assert(is_identity_v<P> == std::is_same_v<WA, WB>, "only equal weights convert by the identity");
  static_assert(has_flip_v<P> == (A::semantics != B::semantics), "a flip exactly between different semantics");
  static_assert(flipped_axes<P>::value == (A::semantics != B::semantics ? A::spatial : 0), "and then of every axis");
  return true;
}

/// adjoint_t of the conv's ungrouped weight, converted to T's ungrouped weight, flips nothing;
/// T is adjoint; grouped facts agree when both have groups.
template <class Conv, class ConvT>
constexpr bool independent_adjoint_check() {
  if constexpr (ConvT::semantics != semantics::adjoint) {
    return false;
  } else {
    using X = adjoint_t<ungrouped_weight_t<Conv>>;
    using Y = ungrouped_weight_t<ConvT>;
    if constexpr (!std::is_same_v<X, Y>) {
      return false;
    } else if constexpr (Conv::supports_groups && ConvT::supports_groups) {
      return std::is_same_v<adjoint_t<typename Conv::weight>, typename ConvT::weight>;
    } else {
      return true;
    }
  }
}

template <class A, class B>
constexpr bool agreeing_pair_laws() {
  static_assert(meaning_conflict_of<B, A>() == conflict::none, "meanings agree both ways");
  static_assert(plan_laws<A, B, ungrouped>());
  if constexpr (A::supports_groups && B::supports_groups) static_assert(plan_laws<A, B, grouped>());
  static_assert(same_semantics_v<A, B> == (A::semantics == B::semantics));
  static_assert(same_semantics_v<A, B> == same_semantics_v<B, A>);
  return true;
}

template <class A, class B>
constexpr bool pair_laws() {
  // Ops whose meanings differ convert by no plan (op_plan_t reports why; the compile-fail cases
  // show it): the laws are about the pairs that do.
  if constexpr (meaning_conflict_of<A, B>() != conflict::none) {
    return true;
  } else {
    return agreeing_pair_laws<A, B>();
  }
}

template <class A, class... Bs>
constexpr bool row(type_list<Bs...>) {
  return (pair_laws<A, Bs>() && ...);
}
template <class... As>
constexpr bool all_pairs(type_list<As...> all) {
  return (row<As>(all) && ...);
}

template <class C, class... Ts>
constexpr bool adjoint_row(type_list<Ts...>) {
  return ((is_adjoint_pair_v<C, Ts> == independent_adjoint_check<C, Ts>()) && ...);
}
/// is_adjoint_pair_v over every conv / conv_transpose pair of one rank.
template <class... Cs, class Ts>
constexpr bool adjoint_pairs(type_list<Cs...>, Ts ts) {
  return (adjoint_row<Cs>(ts) && ...);
}

/// A conv and a depthwise conv of one rank: where the conv's weight reads as a depthwise one (O as
/// the multiplier M, I/G = 1), the grouped plan exists both ways, applies, and inverts.
template <class C, class D>
constexpr bool depthwise_pair_laws() {
  if constexpr (convertible_v<as_depthwise_t<typename C::weight>, typename D::weight>) {
    using P = op_plan_t<C, D, grouped>;
    using Q = op_plan_t<D, C, grouped>;
    static_assert(std::is_same_v<P, op_plan_t<C, D, in_per_group<1>>>);
    static_assert(std::is_same_v<apply_t<P, as_depthwise_t<typename C::weight>>, typename D::weight>);
    static_assert(std::is_same_v<inverse_t<P>, Q>);
    static_assert(!has_flip_v<P>, "both are forward correlations");
  }
  return true;
}
template <class C, class... Ds>
constexpr bool depthwise_row(type_list<Ds...>) {
  return (depthwise_pair_laws<C, Ds>() && ...);
}
template <class... Cs, class Ds>
constexpr bool depthwise_pairs(type_list<Cs...>, Ds ds) {
  return (depthwise_row<Cs>(ds) && ...);
}

template <family F, int S>
constexpr bool family_laws() {
  static_assert(ops_of<F, S>::size >= 1);
  static_assert(all_singles(ops_of<F, S>{}));
  static_assert(all_pairs(ops_of<F, S>{}));
  return true;
}

}  // namespace catalogue_laws
