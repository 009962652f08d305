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
//   family, spatial   conv, conv_transpose, depthwise_conv, dense, lstm, gru, attention (the q/k/v
//                     activations) or projection (an attention projection weight); spatial rank
//   semantics         forward; adjoint (the gradient of the conv that uses the same stored tensor);
//                     direct (the stride-dilated input correlated with the stored kernel as is)
//   weight            layout<...> in canonical roles: O / I = the op's own output / input channels
//                     per group, G groups, M depthwise multiplier, D H W spatial, flipped<H> where
//                     the stored kernel is reversed relative to the direct-correlation kernel;
//                     op_axes for gates, heads, rotary pairs and fused sections
//   activation        the op's input layout (N, C and spatial axes in the framework's default order)
//   output_activation the op's output layout (the activation unless the op says otherwise)
//   supports_groups   the weight has a G axis (a depthwise weight always has one: its channels)
//   source, status, note   where the facts come from, verified or not, and caveats
// and the meaning beyond the layout, each with a default a descriptor may shadow:
//   tensor            weight or bias (a recurrent op's bias is an entry of its own, `:bias`)
//   reset             a GRU's reset gate: after the hidden matmul, r * (W_hn h + b_hn) (PyTorch,
//                     ONNX linear_before_reset = 1, Keras reset_after = True), or before it,
//                     W_hn (r * h) (ONNX's default, Core ML, TF1); `none` for every other op
//   rotary            the rotary position embedding applied to the q and k rows: none, interleaved
//                     pairs (2i, 2i + 1) (Meta's LLaMA, GGUF) or half-split pairs (i, i + d/2)
//                     (Hugging Face); a projection whose rows carry rotary pairs stores them as the
//                     axes `pair[re,im]` and `freq` instead of `head_dim`
//   biases            how a recurrent op adds its biases: one, two (input and hidden, both added:
//                     a bias entry stores them stacked as `bias[ih,hh]`), or one plus the hidden
//                     bias of the GRU candidate, which sits inside r * (...) (MLX, Equinox)
//   section           the section of a fused tensor this tensor is: "qkv:q" (the query projection
//                     of a fused q|k|v weight), "gate:i" (Flax's one Dense per gate); empty for a
//                     tensor that is no section
//   sections          for a fused axis without labels, its sections: "slot=q:q_per_kv,k:1,v:1"
//                     (Falcon: per KV head, q_per_kv query heads, one key head, one value head)
//
// Queries, usable in static_assert:
//   is_adjoint_pair_v<Conv, ConvT>   ConvT is the adjoint of Conv with the same stored tensor
//   same_semantics_v<A, B>           same family and rank, same kernel meaning (no flip between them)
//   op_plan_t<From, To>              the conversion between their weights with one group (G = 1)
//   op_plan_t<From, To, grouped>     the conversion between their grouped weights; a conv and a
//                                    depthwise conv convert grouped (the conv's O is the
//                                    multiplier M, its I = I/G must be 1)
//   op_plan_t<From, To, in_per_group<N>>   the same, with the conv's I/G known to be N
//   meaning_conflict_of<From, To>()  why two ops do not convert (conflict::none when they do)
//   ungrouped_weight_t<Op>, op_weight_t<Op, Mode>
// A plan between ops whose meanings differ is one readable error naming the difference:
// `ops_belong_to_different_families<From, To>`, `ops_have_different_spatial_ranks<From, To>`,
// `op_has_no_groups<Op>`, `gru_reset_placements_differ<From, To>`,
// `rotary_embeddings_differ<From, To>`, `weight_and_bias_differ<From, To>`,
// `ops_hold_different_sections<From, To>`, `biases_differ_by_a_fold<From, To>`,
// `key_value_heads_differ<From, To>`,
// `depthwise_needs_one_input_channel_per_group<From, To, in_per_group<N>>`. Selecting a section
// of a fused tensor and folding biases change what is stored, not only where: they are run-time
// conversions (<axle/op_conversion.hpp>), never a plan type: `op_plan_needs_a_section<From, To>`.
#pragma once

#include <concepts>
#include <string_view>
#include <type_traits>

#include "axle.hpp"
#include "op_axes.hpp"

namespace axle {

/// What kind of operator a descriptor describes.
enum class family : unsigned char { conv, conv_transpose, depthwise_conv, dense, lstm, gru, attention, projection };

/// What the stored kernel means (docs/model.md, "The canonical kernel").
enum class semantics : unsigned char {
  forward,  // a forward correlation (and every non-convolution op)
  adjoint,  // transposed conv: the gradient of the conv that uses the same stored tensor
  direct,   // transposed conv: the stride-dilated input correlated with the stored kernel as is
};

/// Whether the facts of a descriptor were read in the framework's own source or docs.
enum class status : unsigned char { verified, unverified };

/// Which tensor of the op a descriptor describes.
enum class tensor_kind : unsigned char { weight, bias };

/// Where a GRU applies its reset gate r to the hidden state's contribution to the candidate n.
enum class reset_gate : unsigned char {
  none,    // not a GRU
  after,   // n = tanh(W_in x + b_in + r * (W_hn h + b_hn)): PyTorch, ONNX linear_before_reset = 1, Keras reset_after
  before,  // n = tanh(W_in x + W_hn (r * h) + b_n): ONNX's default, Core ML, TF1, Keras reset_after = False
};

/// The rotary position embedding applied to the rows of the q and k projections.
enum class rotary : unsigned char {
  none,         // no rotary embedding
  interleaved,  // pairs (2i, 2i + 1) of each head: Meta's LLaMA, GGUF (llama.cpp's rope type NORM)
  half_split,   // pairs (i, i + head_dim/2): Hugging Face, GPT-NeoX, Falcon (llama.cpp's rope type NEOX)
};

/// How a recurrent op adds its biases.
enum class bias_form : unsigned char {
  none,              // not a recurrent op
  one,               // one bias per gate
  two,               // an input and a hidden bias per gate, both added (a bias entry stacks them: bias[ih,hh])
  one_and_hidden_n,  // GRU, reset after: one bias per gate on the input side, and the hidden bias of n
                     // inside r * (W_hn h + b_hn)
};

[[nodiscard]] constexpr std::string_view to_string(family f) noexcept {
  switch (f) {
    case family::conv: return "conv";
    case family::conv_transpose: return "conv_transpose";
    case family::depthwise_conv: return "depthwise_conv";
    case family::dense: return "dense";
    case family::lstm: return "lstm";
    case family::gru: return "gru";
    case family::attention: return "attention";
    case family::projection: return "projection";
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
[[nodiscard]] constexpr std::string_view to_string(tensor_kind t) noexcept {
  return t == tensor_kind::weight ? "weight" : "bias";
}
[[nodiscard]] constexpr std::string_view to_string(reset_gate r) noexcept {
  switch (r) {
    case reset_gate::none: return "none";
    case reset_gate::after: return "after";
    case reset_gate::before: return "before";
  }
  return "?";
}
[[nodiscard]] constexpr std::string_view to_string(rotary r) noexcept {
  switch (r) {
    case rotary::none: return "none";
    case rotary::interleaved: return "interleaved";
    case rotary::half_split: return "half_split";
  }
  return "?";
}
[[nodiscard]] constexpr std::string_view to_string(bias_form b) noexcept {
  switch (b) {
    case bias_form::none: return "none";
    case bias_form::one: return "one";
    case bias_form::two: return "two";
    case bias_form::one_and_hidden_n: return "one_and_hidden_n";
  }
  return "?";
}

// The axes of the non-convolution operators (op_axes::gate, direction, seq, heads, head_dim) are in
// <axle/op_axes.hpp>.

/// Plan modes: one group (G dropped, the default) or the grouped weights.
struct ungrouped {};
struct grouped {};
/// Grouped, with the input channels per group of a conv known at compile time (a conv converts
/// to a depthwise conv only when it is 1).
template <index_t N>
struct in_per_group {
  static_assert(N >= 1, "axle: in_per_group<N> needs N >= 1");
  static constexpr index_t value = N;
};

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
/// next to its definition. A descriptor may shadow `status`, `note`, `output_activation` and the
/// members of its meaning (`tensor`, `reset`, `rotary`, `biases`, `section`, `sections`).
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
  static constexpr tensor_kind tensor = tensor_kind::weight;
  static constexpr reset_gate reset = reset_gate::none;
  static constexpr axle::rotary rotary = axle::rotary::none;
  static constexpr bias_form biases = bias_form::none;
  static constexpr std::string_view section{};
  static constexpr std::string_view sections{};
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
template <layout_type Weight, layout_type Activation>
using gru_op = op_descriptor<family::gru, semantics::forward, Weight, Activation>;
/// Attention: `weight` and `activation` are both the layout of the q, k and v tensors.
template <layout_type QKV>
using attention_op = op_descriptor<family::attention, semantics::forward, QKV, QKV>;
/// An attention projection: a matrix product whose output (q, k, v) or input (the output
/// projection) is split into heads; the activation is the model-width input or output.
template <layout_type Weight, layout_type Activation>
using projection_op = op_descriptor<family::projection, semantics::forward, Weight, Activation>;

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

// --- meaning --------------------------------------------------------------------------------------

/// What an op means beyond its layout, as a value (the registry's entries carry the same).
struct op_meaning {
  axle::family family = family::conv;
  int spatial = 0;
  axle::semantics semantics = semantics::forward;
  tensor_kind tensor = tensor_kind::weight;
  reset_gate reset = reset_gate::none;
  axle::rotary rotary = axle::rotary::none;
  bias_form biases = bias_form::none;
  std::string_view section{};
  std::string_view sections{};
};

/// The meaning of a descriptor; members it does not declare take the defaults of op_descriptor.
template <op_type Op>
[[nodiscard]] constexpr op_meaning meaning_of() noexcept {
  op_meaning m;
  m.family = Op::family;
  m.spatial = Op::spatial;
  m.semantics = Op::semantics;
  if constexpr (requires { Op::tensor; }) m.tensor = Op::tensor;
  if constexpr (requires { Op::reset; }) m.reset = Op::reset;
  if constexpr (requires { Op::rotary; }) m.rotary = Op::rotary;
  if constexpr (requires { Op::biases; }) m.biases = Op::biases;
  if constexpr (requires { Op::section; }) m.section = Op::section;
  if constexpr (requires { Op::sections; }) m.sections = Op::sections;
  return m;
}

/// Why two ops' tensors do not convert by a layout plan.
enum class conflict : unsigned char {
  none,
  families,          // different families (a conv and a depthwise conv are not: they convert grouped)
  spatial_ranks,     // different spatial ranks
  tensors,           // a weight and a bias
  reset_placement,   // GRUs whose reset gates sit on different sides of the hidden matmul
  rotary,            // one applies a rotary embedding to these rows, the other does not
  sections,          // different sections of fused tensors (q and k), or a section and a whole
                     // fused tensor the other way round
  section_select,    // From is fused and To is one of its sections: a selection, not a plan
  bias_fold,         // the biases differ by a fold (two summed into one): a run-time step on request
  bias_unfoldable,   // the biases cannot be brought into To's form: a GRU's hidden candidate bias
                     // sits inside r * (...), and a summed bias does not split
  head_groups,       // one groups its key/value rows by kv_heads (grouped-query attention), the other
                     // by heads: they agree only when kv_heads = heads, a size (run time)
};

/// "qkv" of the section "qkv:q": the fused axis a section belongs to.
[[nodiscard]] constexpr std::string_view section_axis(std::string_view section) noexcept {
  std::size_t k = 0;
  while (k < section.size() && section[k] != ':') ++k;
  return section.substr(0, k);
}
/// "q" of the section "qkv:q": its label on that axis.
[[nodiscard]] constexpr std::string_view section_label(std::string_view section) noexcept {
  std::size_t k = 0;
  while (k < section.size() && section[k] != ':') ++k;
  return k == section.size() ? std::string_view{} : section.substr(k + 1);
}

namespace detail {

[[nodiscard]] constexpr bool layout_has_axis_named(const value::layout& l, std::string_view name) noexcept {
  for (int i = 0; i < l.natoms; ++i)
    if (l.atoms[i].name() == name) return true;
  return false;
}
/// "slot" of the sections spec "slot=q:q_per_kv,k:1,v:1".
[[nodiscard]] constexpr std::string_view sections_axis(std::string_view spec) noexcept {
  std::size_t k = 0;
  while (k < spec.size() && spec[k] != '=') ++k;
  return k == spec.size() ? std::string_view{} : spec.substr(0, k);
}
/// "q:q_per_kv,k:1,v:1" of the same spec.
[[nodiscard]] constexpr std::string_view sections_list(std::string_view spec) noexcept {
  const std::size_t n = sections_axis(spec).size();
  return n == 0 ? std::string_view{} : spec.substr(n + 1);
}
/// Does a fused tensor (layout `l`, sections spec `spec`) hold section `section` ("qkv:q")?
/// A labelled axis of that name with that label, or the roles of its sections spec.
[[nodiscard]] constexpr bool holds_section(const value::layout& l, std::string_view spec, std::string_view section) noexcept {
  const std::string_view axis = section_axis(section);
  const std::string_view label = section_label(section);
  for (int i = 0; i < l.natoms; ++i)
    if (l.atoms[i].name() == axis && l.atoms[i].labelled()) return value::label_index(l.atoms[i].label_text(), label) >= 0;
  if (axis != "qkv" || sections_axis(spec).empty()) return false;
  const std::string_view list = sections_list(spec);
  for (int k = 0, n = value::label_count(list); k < n; ++k)
    if (section_axis(value::label_at(list, k)) == label) return true;
  return false;
}
/// The rotary embedding the rows of section `section` carry (q and k rows do, v and o rows never).
[[nodiscard]] constexpr rotary rows_rotary(rotary r, std::string_view section) noexcept {
  const std::string_view label = section_label(section);
  return section.empty() || label == "q" || label == "k" ? r : rotary::none;
}

}  // namespace detail

/// Why a tensor of op `f` (layout `fw`) does not convert by a plan into a tensor of op `t`;
/// conflict::none when it does. Families, ranks, tensor kinds, GRU reset placement, rotary
/// embeddings, sections and bias forms must agree; a conv and a depthwise conv agree (they
/// convert grouped, with the conv's I/G = 1). Transposed convs of both semantics agree: the
/// layouts carry the flips.
[[nodiscard]] constexpr conflict meaning_conflict(const op_meaning& f, const value::layout& fw, const op_meaning& t,
                                                  const value::layout& tw) noexcept {
  const bool conv_pair = (f.family == family::conv && t.family == family::depthwise_conv) ||
                         (f.family == family::depthwise_conv && t.family == family::conv);
  if (f.family != t.family && !conv_pair) return conflict::families;
  if (f.spatial != t.spatial) return conflict::spatial_ranks;
  if (f.tensor != t.tensor) return conflict::tensors;
  if (f.reset != t.reset) return conflict::reset_placement;
  // Sections: the same one, or From fused on the axis To is a section of (a selection).
  bool selects = false;
  if (f.section != t.section) {
    if (t.section.empty() || !f.section.empty() || !detail::holds_section(fw, f.sections, t.section)) return conflict::sections;
    selects = true;
  }
  // Rotary: the rows carry one on both sides, or on neither (the pair order is the layouts'
  // business); fused tensors, whose layouts cannot carry pairs, must agree exactly.
  const rotary fr = detail::rows_rotary(f.rotary, selects ? t.section : f.section);
  const rotary tr = detail::rows_rotary(t.rotary, t.section);
  if ((fr == rotary::none) != (tr == rotary::none)) return conflict::rotary;
  if (f.section.empty() && t.section.empty() && fr != tr) return conflict::rotary;
  // Key/value heads: grouped by kv_heads on both sides or on neither (a query section of a
  // weight grouped by KV head reads as heads = (kv_heads, q_per_kv)).
  const bool grouped_query_rows = selects && !f.sections.empty() && section_label(t.section) == "q";
  if (f.family == family::projection &&
      (detail::layout_has_axis_named(fw, "kv_heads") && !grouped_query_rows) != detail::layout_has_axis_named(tw, "kv_heads"))
    return conflict::head_groups;
  // Biases.
  if (f.tensor == tensor_kind::bias && f.biases != t.biases) {
    if (f.biases == bias_form::two && t.biases == bias_form::one)
      return f.reset == reset_gate::after ? conflict::bias_unfoldable : conflict::bias_fold;
    if (f.biases == bias_form::two && t.biases == bias_form::one_and_hidden_n) return conflict::bias_fold;
    return conflict::bias_unfoldable;
  }
  return selects ? conflict::section_select : conflict::none;
}

/// Why ops From and To do not convert by a plan (see meaning_conflict).
template <op_type From, op_type To>
[[nodiscard]] constexpr conflict meaning_conflict_of() noexcept {
  return meaning_conflict(meaning_of<From>(), detail::desc_of<typename From::weight>::value, meaning_of<To>(),
                          detail::desc_of<typename To::weight>::value);
}

[[nodiscard]] constexpr std::string_view to_string(conflict c) noexcept {
  switch (c) {
    case conflict::none: return "none";
    case conflict::families: return "families";
    case conflict::spatial_ranks: return "spatial_ranks";
    case conflict::tensors: return "tensors";
    case conflict::reset_placement: return "reset_placement";
    case conflict::rotary: return "rotary";
    case conflict::sections: return "sections";
    case conflict::section_select: return "section_select";
    case conflict::bias_fold: return "bias_fold";
    case conflict::bias_unfoldable: return "bias_unfoldable";
    case conflict::head_groups: return "head_groups";
  }
  return "?";
}

namespace detail {
template <class Op, class Mode>
struct op_weight;
template <class Op>
struct op_weight<Op, grouped> {
  using type = typename Op::weight;
};
template <class Op, index_t N>
struct op_weight<Op, in_per_group<N>> {
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

/// A conv's weight read as a depthwise weight: its per-group outputs O are the multiplier M, its
/// per-group inputs I the unit axis I=1 (what a depthwise conv is: a grouped conv with I/G = 1).
template <class A>
struct as_depthwise_atom {
  using type = A;
};
template <>
struct as_depthwise_atom<axes::O> {
  using type = axes::M;
};
template <index_t S>
struct as_depthwise_atom<outer<axes::O, S>> {
  using type = outer<axes::M, S>;
};
template <index_t E, index_t S>
struct as_depthwise_atom<inner<axes::O, E, S>> {
  using type = inner<axes::M, E, S>;
};
template <>
struct as_depthwise_atom<axes::I> {
  using type = unit<axes::I>;
};
template <class... As>
struct as_depthwise_atom<merged<As...>> {
  using type = merged<typename as_depthwise_atom<As>::type...>;
};
template <class L>
struct as_depthwise;
template <class... Es>
struct as_depthwise<layout<Es...>> {
  using type = layout<typename as_depthwise_atom<Es>::type...>;
};
}  // namespace detail

/// The weight with one group: G dropped (a depthwise weight keeps G, its channel axis).
template <op_type Op>
using ungrouped_weight_t = typename detail::single_group_weight<Op>::type;

/// The weight an op plan works on: `op_weight_t<Op, grouped>` or `op_weight_t<Op, ungrouped>`.
template <op_type Op, class Mode>
using op_weight_t = typename detail::op_weight<Op, Mode>::type;

/// A conv weight layout read as a depthwise one: O becomes M, I the unit axis I=1.
template <layout_type L>
using as_depthwise_t = typename detail::as_depthwise<L>::type;

// --- diagnostics (declared, never defined: the name is the message) ----------------------------

/// `op_plan_t<From, To>` between ops of different families (a convolution and a transposed
/// convolution, say): their weights mean different things, so no plan relates them.
/// Fix: pair ops of one family (`family` of each descriptor); for a conv and its transpose, state
/// the relation with `is_adjoint_pair_v<Conv, ConvT>`.
template <class From, class To>
struct ops_belong_to_different_families;
/// `op_plan_t<From, To>` between ops of different spatial ranks (a 2-D and a 3-D convolution).
/// Fix: pair ops of the same rank (`conv2d` with `conv2d`).
template <class From, class To>
struct ops_have_different_spatial_ranks;
/// `op_plan_t<From, To, grouped>` with an op whose weight has no group axis G (the framework has
/// no grouped form of it).
/// Fix: use `op_plan_t<From, To>` (one group), or an op of the other framework that has groups.
template <class Op, class... Context>
struct op_has_no_groups;
/// op_plan_t between GRUs that apply the reset gate on different sides of the hidden matmul:
/// they compute different functions, and no layout makes them agree.
/// Fix: pair GRUs that place the reset alike (`onnx::gru_linear_before_reset`, Keras'
/// `reset_after=True`, for PyTorch's); a model trained with the other placement must be retrained.
template <class From, class To>
struct gru_reset_placements_differ;
/// op_plan_t between a projection whose rows carry a rotary embedding and one whose rows do not.
/// Fix: convert between projections that both apply rotary embeddings (Meta's `llama::wq` and
/// Hugging Face's `transformers::llama_q_proj` differ only by the pairs' order, a plan).
template <class From, class To>
struct rotary_embeddings_differ;
/// op_plan_t between a weight and a bias.
/// Fix: pair a weight with a weight (`torch::lstm` with `keras::lstm`) and a bias with a bias
/// (`torch::lstm_bias` with `keras::lstm_bias`).
template <class From, class To>
struct weight_and_bias_differ;
/// op_plan_t between different sections of fused tensors (q and k), or from one section into a
/// whole fused tensor.
/// Fix: pair the same section on both sides (a query with a query); from a fused tensor, name the
/// section of the target and convert at run time (`axle::op_conversion`, `axle convert`).
template <class From, class To>
struct ops_hold_different_sections;
/// op_plan_t from a fused tensor to one of its sections: selecting it is a run-time conversion
/// (axle::op_conversion), not a plan.
/// Fix: use `axle::op_conversion` (or `axle convert`), which selects the section and applies the plan.
template <class From, class To>
struct op_plan_needs_a_section;
/// op_plan_t between biases that differ by a fold (two summed into one: a run-time conversion on
/// request), or that cannot be brought into the other's form at all.
/// Fix: fold at run time, asked for: `axle::op_options{.fold_bias = true}` with
/// `axle::op_conversion`, `--fold-bias` on the command line.
template <class From, class To>
struct biases_differ_by_a_fold;
/// op_plan_t from one bias per gate to two (input and hidden): how the sum divides is not in the
/// tensor, so no conversion exists.
/// Fix: keep the source's form, or convert to a target that holds one bias per gate.
template <class From, class To>
struct biases_cannot_be_converted;
/// op_plan_t between a projection whose key/value rows are grouped by kv_heads and one whose rows
/// are grouped by heads: they agree only when kv_heads = heads, which only sizes tell (run time).
/// Fix: convert at run time with the sizes (`axle::op_conversion` with `heads` and `kv_heads`,
/// `--heads N --kv-heads N`), or pair two projections grouped by kv_heads.
template <class From, class To>
struct key_value_heads_differ;
/// op_plan_t between a conv and a depthwise conv with one group: a depthwise weight's G is its
/// channel count; convert grouped.
/// Fix: `op_plan_t<From, To, in_per_group<1>>` (a conv with one input channel per group is the
/// depthwise conv), or `--groups C` on the command line.
template <class From, class To>
struct depthwise_conversion_needs_groups;
/// op_plan_t between a conv whose I/G is N > 1 and a depthwise conv (whose I/G is 1).
/// Fix: only a grouped conv with one input channel per group is depthwise (`in_per_group<1>`);
/// keep a grouped target (`tf::conv2d` with groups) for the others.
template <class From, class To, class InPerGroup>
struct depthwise_needs_one_input_channel_per_group;

namespace detail {

template <class Mode>
inline constexpr bool is_grouped_mode_v = !std::is_same_v<Mode, ungrouped>;
template <class Mode>
inline constexpr index_t in_per_group_of_v = 1;
template <index_t N>
inline constexpr index_t in_per_group_of_v<in_per_group<N>> = N;

template <class From, class To, class Mode>
constexpr int op_plan_case() noexcept {
  constexpr conflict c = meaning_conflict_of<From, To>();
  if constexpr (c == conflict::families) return 1;
  if constexpr (c == conflict::spatial_ranks) return 2;
  if constexpr (c == conflict::tensors) return 5;
  if constexpr (c == conflict::reset_placement) return 6;
  if constexpr (c == conflict::rotary) return 7;
  if constexpr (c == conflict::sections) return 8;
  if constexpr (c == conflict::section_select) return 9;
  if constexpr (c == conflict::bias_fold) return 10;
  if constexpr (c == conflict::bias_unfoldable) return 11;
  if constexpr (c == conflict::head_groups) return 15;
  constexpr bool depthwise_pair = From::family != To::family;  // a conv and a depthwise conv
  if constexpr (depthwise_pair) {
    if constexpr (!is_grouped_mode_v<Mode>) return 12;
    if constexpr (in_per_group_of_v<Mode> != 1) return 13;
    return 14;
  }
  if constexpr (is_grouped_mode_v<Mode> && !From::supports_groups) return 3;
  if constexpr (is_grouped_mode_v<Mode> && !To::supports_groups) return 4;
  return 0;
}

/// The weight of a conv / depthwise pair, read as a depthwise weight.
template <class Op>
using depthwise_side_t =
    std::conditional_t<Op::family == family::conv, as_depthwise_t<typename Op::weight>, typename Op::weight>;

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
template <class From, class To, class Mode>
struct op_plan_for<From, To, Mode, 5> {
  using type = typename reporting<weight_and_bias_differ<From, To>, plan<>>::type;
};
template <class From, class To, class Mode>
struct op_plan_for<From, To, Mode, 6> {
  using type = typename reporting<gru_reset_placements_differ<From, To>, plan<>>::type;
};
template <class From, class To, class Mode>
struct op_plan_for<From, To, Mode, 7> {
  using type = typename reporting<rotary_embeddings_differ<From, To>, plan<>>::type;
};
template <class From, class To, class Mode>
struct op_plan_for<From, To, Mode, 8> {
  using type = typename reporting<ops_hold_different_sections<From, To>, plan<>>::type;
};
template <class From, class To, class Mode>
struct op_plan_for<From, To, Mode, 9> {
  using type = typename reporting<op_plan_needs_a_section<From, To>, plan<>>::type;
};
template <class From, class To, class Mode>
struct op_plan_for<From, To, Mode, 10> {
  using type = typename reporting<biases_differ_by_a_fold<From, To>, plan<>>::type;
};
template <class From, class To, class Mode>
struct op_plan_for<From, To, Mode, 11> {
  using type = typename reporting<biases_cannot_be_converted<From, To>, plan<>>::type;
};
template <class From, class To, class Mode>
struct op_plan_for<From, To, Mode, 15> {
  using type = typename reporting<key_value_heads_differ<From, To>, plan<>>::type;
};
template <class From, class To, class Mode>
struct op_plan_for<From, To, Mode, 12> {
  using type = typename reporting<depthwise_conversion_needs_groups<From, To>, plan<>>::type;
};
template <class From, class To, class Mode>
struct op_plan_for<From, To, Mode, 13> {
  using type = typename reporting<depthwise_needs_one_input_channel_per_group<From, To, Mode>, plan<>>::type;
};
template <class From, class To, class Mode>
struct op_plan_for<From, To, Mode, 14> {
  using type = plan_t<depthwise_side_t<From>, depthwise_side_t<To>>;
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
/// the grouped weights with `grouped` (or `in_per_group<N>`, which also states a conv's I/G).
template <op_type From, op_type To, class Mode = ungrouped>
  requires(std::is_same_v<Mode, ungrouped> || std::is_same_v<Mode, grouped> ||
           (detail::in_per_group_of_v<Mode> > 1 || std::is_same_v<Mode, in_per_group<1>>))
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
