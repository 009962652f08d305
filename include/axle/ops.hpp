// axle — operator descriptors: what a framework's operator stores, in canonical roles, and
// what it means.
//
// A descriptor is a struct type with static members. The catalogue (<axle/catalogue.hpp>)
// defines one per framework operator; users write their own in a few lines:
//
//     struct my_conv : axle::conv_op<axle::layout<axle::merged<G, O>, I, H, W>, axle::channels_first<2>> {
//       static constexpr std::string_view name = "mylib.conv2d";
//       static constexpr std::string_view source = "mylib/src/conv.cpp (Conv2d::Conv2d)";
//     };
//
// Members (all static):
//   name              CLI name `<framework>.<op>[:<variant>]`, lower case except oneDNN format tags
//   family, spatial   conv, conv_transpose, depthwise_conv, dense, lstm or attention; spatial rank
//   semantics         forward; adjoint (the gradient of the conv that uses the same stored tensor);
//                     direct (the stride-dilated input correlated with the stored kernel as is)
//   weight            layout<...> in canonical roles: O / I = the op's own output / input channels
//                     per group, G groups, M depthwise multiplier, D H W spatial, flipped<H> where
//                     the stored kernel is reversed relative to the direct-correlation kernel
//   activation        the op's input layout (N, C and spatial axes in the framework's default order)
//   output_activation the op's output layout (the activation unless the op says otherwise)
//   supports_groups   the weight has a G axis (a depthwise weight always has one: its channels)
//   source, status, note   where the facts come from, verified or not, and caveats
//
// Queries, usable in static_assert:
//   is_adjoint_pair_v<Conv, ConvT>   ConvT is the adjoint of Conv with the same stored tensor
//   same_semantics_v<A, B>           same family and rank, same kernel meaning (no flip between them)
//   op_plan_t<From, To>              the conversion between their weights with one group (G = 1)
//   op_plan_t<From, To, grouped>     the conversion between their grouped weights
//   ungrouped_weight_t<Op>, op_weight_t<Op, Mode>
// A plan between ops of different families or ranks, or a grouped plan for an op without groups,
// is one readable error: `ops_belong_to_different_families<From, To>`,
// `ops_have_different_spatial_ranks<From, To>`, `op_has_no_groups<Op>`.
#pragma once

#include <concepts>
#include <string_view>
#include <type_traits>

#include "axle.hpp"
#include "op_axes.hpp"

namespace axle {

/// What kind of operator a descriptor describes.
enum class family : unsigned char { conv, conv_transpose, depthwise_conv, dense, lstm, attention };

/// What the stored kernel means (docs/model.md, "The canonical kernel").
enum class semantics : unsigned char {
  forward,  // a forward correlation (and every non-convolution op)
  adjoint,  // transposed conv: the gradient of the conv that uses the same stored tensor
  direct,   // transposed conv: the stride-dilated input correlated with the stored kernel as is
};

/// Whether the facts of a descriptor were read in the framework's own source or docs.
enum class status : unsigned char { verified, unverified };

[[nodiscard]] constexpr std::string_view to_string(family f) noexcept {
  switch (f) {
    case family::conv: return "conv";
    case family::conv_transpose: return "conv_transpose";
    case family::depthwise_conv: return "depthwise_conv";
    case family::dense: return "dense";
    case family::lstm: return "lstm";
    case family::attention: return "attention";
  }
  return "?";
}
[[nodiscard]] constexpr std::string_view to_string(semantics s) noexcept {
  switch (s) {
    case semantics::forward: return "forward";
    case semantics::adjoint: return "adjoint";
    case semantics::direct: return "direct";
  }
  return "?";
}
[[nodiscard]] constexpr std::string_view to_string(status s) noexcept {
  switch (s) {
    case status::verified: return "verified";
    case status::unverified: return "UNVERIFIED";
  }
  return "?";
}

// The axes of the non-convolution operators (op_axes::gate, direction, seq, heads, head_dim) are in
// <axle/op_axes.hpp>.

/// Plan modes: one group (G dropped, the default) or the grouped weights.
struct ungrouped {};
struct grouped {};

namespace detail {

template <int Spatial>
struct spatial_axes;
template <>
struct spatial_axes<0> {
  using type = type_list<>;
};
template <>
struct spatial_axes<1> {
  using type = type_list<axes::W>;
};
template <>
struct spatial_axes<2> {
  using type = type_list<axes::H, axes::W>;
};
template <>
struct spatial_axes<3> {
  using type = type_list<axes::D, axes::H, axes::W>;
};

template <template <class...> class F, class List>
struct apply_list;
template <template <class...> class F, class... As>
struct apply_list<F, type_list<As...>> {
  using type = F<As...>;
};

template <class... S>
using channels_first_of = layout<axes::N, axes::C, S...>;
template <class... S>
using channels_last_of = layout<axes::N, S..., axes::C>;

/// Number of distinct spatial axes of a layout.
[[nodiscard]] constexpr int count_spatial_axes(const value::layout& l) noexcept {
  int n = 0;
  for (int i = 0; i < l.natoms; ++i) {
    if (!l.atoms[i].spatial()) continue;
    bool seen = false;
    for (int j = 0; j < i; ++j) seen = seen || l.atoms[j].axis == l.atoms[i].axis;
    n += !seen;
  }
  return n;
}
/// Number of distinct spatial axes stored reversed.
[[nodiscard]] constexpr int count_flipped_axes(const value::layout& l) noexcept {
  int n = 0;
  for (int i = 0; i < l.natoms; ++i) {
    if (!l.atoms[i].spatial() || !l.atoms[i].flipped) continue;
    bool seen = false;
    for (int j = 0; j < i; ++j) seen = seen || l.atoms[j].axis == l.atoms[i].axis;
    n += !seen;
  }
  return n;
}
[[nodiscard]] constexpr bool has_axis(const value::layout& l, value::axis_id a) noexcept { return value::find_axis(l, a) >= 0; }

template <class S>
struct is_flip_step : std::false_type {};
template <class... As>
struct is_flip_step<flip<As...>> : std::true_type {};

template <class P>
inline constexpr bool has_flip_step_v = false;
template <class... Ss>
inline constexpr bool has_flip_step_v<plan<Ss...>> = (is_flip_step<Ss>::value || ...);

}  // namespace detail

/// The activation layout (N, C, spatial...) and (N, spatial..., C) of a spatial rank (0 to 3).
template <int Spatial>
using channels_first = typename detail::apply_list<detail::channels_first_of, typename detail::spatial_axes<Spatial>::type>::type;
template <int Spatial>
using channels_last = typename detail::apply_list<detail::channels_last_of, typename detail::spatial_axes<Spatial>::type>::type;

/// `F<W>`, `F<H, W>` or `F<D, H, W>`: a layout template applied to the spatial axes of a rank.
template <int Spatial, template <class...> class F>
using with_spatial_t = typename detail::apply_list<F, typename detail::spatial_axes<Spatial>::type>::type;

/// The plan reverses some spatial axis.
template <plan_type P>
inline constexpr bool has_flip_v = detail::has_flip_step_v<P>;

/// Number of spatial axes of a layout.
template <layout_type L>
inline constexpr int spatial_rank_v = detail::count_spatial_axes(detail::desc_of<L>::value);

/// The layout holds axis A (in any form: whole, blocked, merged, flipped or unit).
template <layout_type L, axis_tag A>
inline constexpr bool has_axis_v = detail::has_axis(detail::desc_of<L>::value, detail::arg_atom<A>().axis);

/// The base of every descriptor: everything but name and source, which each descriptor states
/// next to its definition. A descriptor may shadow `status`, `note` and `output_activation`.
template <family F, semantics S, layout_type Weight, layout_type Activation>
struct op_descriptor {
  static constexpr axle::family family = F;
  static constexpr axle::semantics semantics = S;
  static constexpr int spatial = spatial_rank_v<Weight>;
  using weight = Weight;
  using activation = Activation;
  using output_activation = Activation;
  static constexpr bool supports_groups = has_axis_v<Weight, axes::G>;
  static constexpr axle::status status = axle::status::verified;
  static constexpr std::string_view note{};
};

template <layout_type Weight, layout_type Activation>
using conv_op = op_descriptor<family::conv, semantics::forward, Weight, Activation>;
template <semantics S, layout_type Weight, layout_type Activation>
using conv_transpose_op = op_descriptor<family::conv_transpose, S, Weight, Activation>;
template <layout_type Weight, layout_type Activation>
using depthwise_conv_op = op_descriptor<family::depthwise_conv, semantics::forward, Weight, Activation>;
template <layout_type Weight, layout_type Activation>
using dense_op = op_descriptor<family::dense, semantics::forward, Weight, Activation>;
template <layout_type Weight, layout_type Activation>
using lstm_op = op_descriptor<family::lstm, semantics::forward, Weight, Activation>;
/// Attention: `weight` and `activation` are both the layout of the q, k and v tensors.
template <layout_type QKV>
using attention_op = op_descriptor<family::attention, semantics::forward, QKV, QKV>;

/// An operator descriptor.
template <class T>
concept op_type = requires {
  { T::name } -> std::convertible_to<std::string_view>;
  { T::source } -> std::convertible_to<std::string_view>;
  { T::note } -> std::convertible_to<std::string_view>;
  { T::family } -> std::convertible_to<family>;
  { T::semantics } -> std::convertible_to<semantics>;
  { T::status } -> std::convertible_to<status>;
  { T::spatial } -> std::convertible_to<int>;
  { T::supports_groups } -> std::convertible_to<bool>;
  typename T::weight;
  typename T::activation;
} && layout_type<typename T::weight> && layout_type<typename T::activation>;

namespace detail {
template <class Op, class Mode>
struct op_weight;
template <class Op>
struct op_weight<Op, grouped> {
  using type = typename Op::weight;
};
template <class Op, bool Depthwise = Op::family == family::depthwise_conv>
struct single_group_weight {  // a depthwise op's G is its channel axis: it stays
  using type = typename Op::weight;
};
template <class Op>
struct single_group_weight<Op, false> {
  using type = ungrouped_t<typename Op::weight>;
};
template <class Op>
struct op_weight<Op, ungrouped> : single_group_weight<Op> {};
}  // namespace detail

/// The weight with one group: G dropped (a depthwise weight keeps G, its channel axis).
template <op_type Op>
using ungrouped_weight_t = typename detail::single_group_weight<Op>::type;

/// The weight an op plan works on: `op_weight_t<Op, grouped>` or `op_weight_t<Op, ungrouped>`.
template <op_type Op, class Mode>
using op_weight_t = typename detail::op_weight<Op, Mode>::type;

// --- diagnostics (declared, never defined: the name is the message) ----------------------------

/// op_plan_t between, say, a conv and a conv-transpose: their weights mean different things.
template <class From, class To>
struct ops_belong_to_different_families;
/// op_plan_t between ops of different spatial ranks.
template <class From, class To>
struct ops_have_different_spatial_ranks;
/// op_plan_t<..., grouped> with an op whose weight has no G axis.
template <class Op, class... Context>
struct op_has_no_groups;

namespace detail {

template <class From, class To, class Mode>
constexpr int op_plan_case() noexcept {
  if (From::family != To::family) return 1;
  if (From::spatial != To::spatial) return 2;
  if (std::is_same_v<Mode, grouped> && !From::supports_groups) return 3;
  if (std::is_same_v<Mode, grouped> && !To::supports_groups) return 4;
  return 0;
}

template <class From, class To, class Mode, int Case = op_plan_case<From, To, Mode>()>
struct op_plan_for {
  using type = plan_t<op_weight_t<From, Mode>, op_weight_t<To, Mode>>;
};
template <class From, class To, class Mode>
struct op_plan_for<From, To, Mode, 1> {
  using type = typename reporting<ops_belong_to_different_families<From, To>, plan<>>::type;
};
template <class From, class To, class Mode>
struct op_plan_for<From, To, Mode, 2> {
  using type = typename reporting<ops_have_different_spatial_ranks<From, To>, plan<>>::type;
};
template <class From, class To, class Mode>
struct op_plan_for<From, To, Mode, 3> {
  using type = typename reporting<op_has_no_groups<From, in<typename From::weight>>, plan<>>::type;
};
template <class From, class To, class Mode>
struct op_plan_for<From, To, Mode, 4> {
  using type = typename reporting<op_has_no_groups<To, in<typename To::weight>>, plan<>>::type;
};

template <class A, class B>
consteval bool adjoint_pair() {
  if constexpr (A::family != family::conv || B::family != family::conv_transpose || A::spatial != B::spatial ||
                B::semantics != semantics::adjoint) {
    return false;
  } else if constexpr (A::supports_groups && B::supports_groups) {
    return std::is_same_v<adjoint_t<typename A::weight>, typename B::weight>;
  } else {
    return std::is_same_v<adjoint_t<ungrouped_weight_t<A>>, ungrouped_weight_t<B>>;
  }
}

template <class A, class B>
consteval bool same_semantics() {
  if constexpr (A::family != B::family || A::spatial != B::spatial || A::semantics != B::semantics) {
    return false;
  } else if constexpr (!convertible_v<ungrouped_weight_t<A>, ungrouped_weight_t<B>>) {
    return false;
  } else {
    return !has_flip_step_v<plan_t<ungrouped_weight_t<A>, ungrouped_weight_t<B>>>;
  }
}

}  // namespace detail

/// The conversion from op From's weight to op To's weight: with one group by default, between
/// the grouped weights with `grouped`.
template <op_type From, op_type To, class Mode = ungrouped>
  requires(std::is_same_v<Mode, ungrouped> || std::is_same_v<Mode, grouped>)
using op_plan_t = typename detail::op_plan_for<From, To, Mode>::type;

/// ConvT is a transposed conv whose stored tensor is the adjoint of Conv's (the same rank, and
/// its weight is adjoint_t of Conv's weight; grouped when both have groups).
template <op_type Conv, op_type ConvT>
inline constexpr bool is_adjoint_pair_v = detail::adjoint_pair<Conv, ConvT>();

/// Same family and rank, and the stored kernels mean the same thing: the plan between their
/// weights flips nothing.
template <op_type A, op_type B>
inline constexpr bool same_semantics_v = detail::same_semantics<A, B>();

}  // namespace axle
