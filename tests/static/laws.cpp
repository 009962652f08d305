// Laws of the layout algebra, checked by the compiler over every pair of the layouts below.
// The file compiles if and only if every law holds.
//
// For every layout A: a double flip of any spatial axis is A; a double swap of any two
// dimensions is A; the plan from A to A is the identity; adjoint_t<adjoint_t<A>> is A.
// For every pair (A, B) with the same axes: applying plan(A, B) to A gives B; the inverse of
// plan(A, B) is plan(B, A); applying plan(B, A) after plan(A, B) gives A back, and their
// composition normalises to the identity. For every triple of one family, plan(A, B) then
// plan(B, C) normalises to plan(A, C). Pairs with different axes have no plan, and
// convertible_v agrees with an independent comparison of the axis sets.
#include <axle/axle.hpp>

#include <algorithm>
#include <array>
#include <string_view>
#include <type_traits>

namespace {

using namespace axle;
using namespace axle::axes;
using axle::detail::type_list;

struct gate : axis<"gate", axis_kind::block> {};
struct heads : axis<"heads"> {};
struct seq : axis<"seq"> {};
struct feature : axis<"feature"> {};

// --- forward convolution weights --------------------------------------------------------------
using torch_conv1d = layout<merged<G, O>, I, W>;            // (out, in/groups, kw)
using torch_conv2d = layout<merged<G, O>, I, H, W>;         // (out, in/groups, kh, kw)
using torch_conv3d = layout<merged<G, O>, I, D, H, W>;      // (out, in/groups, kd, kh, kw)
using tf_conv1d = layout<W, I, merged<G, O>>;               // (kw, in/groups, out)
using tf_conv2d = layout<H, W, I, merged<G, O>>;            // HWIO
using tf_conv3d = layout<D, H, W, I, merged<G, O>>;
using tflite_conv2d = layout<merged<G, O>, H, W, I>;        // OHWI
using mlx_conv1d = layout<merged<G, O>, W, I>;
using mlx_conv3d = layout<merged<G, O>, D, H, W, I>;
using openvino_group_conv2d = layout<G, O, I, H, W>;        // [G, O/G, I/G, kh, kw]
using onednn_goihw16i16o = layout<G, outer<O, 16>, outer<I, 16>, H, W, inner<I, 16>, inner<O, 16>>;
using onednn_gOIhw8i8o = layout<G, outer<O, 8>, outer<I, 8>, H, W, inner<I, 8>, inner<O, 8>>;
// without groups
using conv2d_oihw = layout<O, I, H, W>;
using conv2d_hwio = layout<H, W, I, O>;
using conv2d_ohwi = layout<O, H, W, I>;
using onednn_OIhw16i16o = layout<outer<O, 16>, outer<I, 16>, H, W, inner<I, 16>, inner<O, 16>>;
using onednn_OIhw4i16o4i = layout<outer<O, 16>, outer<I, 16>, H, W, inner<I, 4, 4>, inner<O, 16>, inner<I, 4>>;

// --- transposed convolution weights (canonical roles: O, I of the transposed op) -------------
using torch_conv_transpose1d = layout<merged<G, I>, O, flipped<W>>;
using torch_conv_transpose2d = layout<merged<G, I>, O, flipped<H>, flipped<W>>;
using torch_conv_transpose3d = layout<merged<G, I>, O, flipped<D>, flipped<H>, flipped<W>>;
using equinox_conv_transpose1d = layout<merged<G, O>, I, W>;
using equinox_conv_transpose2d = layout<merged<G, O>, I, H, W>;
using equinox_conv_transpose3d = layout<merged<G, O>, I, D, H, W>;
using mlx_conv_transpose2d = layout<merged<G, O>, flipped<H>, flipped<W>, I>;
// without groups
using keras_conv2d_transpose = layout<flipped<H>, flipped<W>, O, I>;
using haiku_conv2d_transpose = layout<H, W, O, I>;
using flax_conv_transpose_direct = layout<H, W, I, O>;
using flax_conv_transpose_adjoint = layout<flipped<H>, flipped<W>, O, I>;
using tflite_transpose_conv = layout<O, flipped<H>, flipped<W>, I>;
using conv_transpose2d_iohw = layout<I, O, flipped<H>, flipped<W>>;
using tf_conv3d_transpose = layout<flipped<D>, flipped<H>, flipped<W>, O, I>;

// --- depthwise ---------------------------------------------------------------------------------
using torch_depthwise2d = layout<merged<G, M>, unit<I>, H, W>;  // (C*M, 1, kh, kw)
using tf_depthwise2d = layout<H, W, G, M>;                       // (kh, kw, C, M)
using tflite_depthwise2d = layout<unit<I>, H, W, merged<G, M>>;  // (1, kh, kw, C*M)

// --- recurrent, dense, activations, attention ---------------------------------------------------
using torch_lstm = layout<merged<labels<gate, "i,f,g,o">, O>, I>;  // (4H, in), gates i f g o
using onnx_lstm = layout<merged<labels<gate, "i,o,f,g">, O>, I>;   // gates i o f c
using keras_lstm = layout<I, merged<labels<gate, "i,f,g,o">, O>>;  // (in, 4U)
using coreml_lstm = layout<merged<labels<gate, "i,f,o,g">, O>, I>;
using dense_out_in = layout<O, I>;
using dense_in_out = layout<I, O>;
using nchw = layout<N, C, H, W>;
using nhwc = layout<N, H, W, C>;
using ncdhw = layout<N, C, D, H, W>;
using bhsd = layout<N, heads, seq, feature>;
using bshd = layout<N, seq, heads, feature>;

using all_layouts =
    type_list<torch_conv1d, torch_conv2d, torch_conv3d, tf_conv1d, tf_conv2d, tf_conv3d, tflite_conv2d, mlx_conv1d,
              mlx_conv3d, openvino_group_conv2d, onednn_goihw16i16o, onednn_gOIhw8i8o, conv2d_oihw, conv2d_hwio, conv2d_ohwi,
              onednn_OIhw16i16o, onednn_OIhw4i16o4i, torch_conv_transpose1d, torch_conv_transpose2d, torch_conv_transpose3d,
              equinox_conv_transpose1d, equinox_conv_transpose2d, equinox_conv_transpose3d, mlx_conv_transpose2d,
              keras_conv2d_transpose, haiku_conv2d_transpose, flax_conv_transpose_direct, flax_conv_transpose_adjoint,
              tflite_transpose_conv, conv_transpose2d_iohw, tf_conv3d_transpose, torch_depthwise2d, tf_depthwise2d,
              tflite_depthwise2d, torch_lstm, onnx_lstm, keras_lstm, coreml_lstm, dense_out_in, dense_in_out, nchw, nhwc,
              ncdhw, bhsd, bshd>;
static_assert(all_layouts::size >= 30);

// --- an independent statement of "same axes": sorted non-unit axis labels ----------------------

template <class T>
struct axis_label;
template <axis_tag A>
struct axis_label<A> : std::integral_constant<int, 0> {
  static constexpr std::string_view value = A::label;
};
template <class A>
struct axis_label<flipped<A>> : axis_label<A> {};
template <class A, index_t S>
struct axis_label<outer<A, S>> : axis_label<A> {};
template <class A, index_t E, index_t S>
struct axis_label<inner<A, E, S>> : axis_label<A> {};
template <class A, fixed_string L>
struct axis_label<labels<A, L>> : axis_label<A> {};

template <class T>
inline constexpr bool is_unit = false;
template <class A>
inline constexpr bool is_unit<unit<A>> = true;

template <class... Atoms>
constexpr auto sorted_labels(type_list<Atoms...>) {
  std::array<std::string_view, sizeof...(Atoms) + 1> labels{};
  std::size_t n = 0;
  (
      [&] {
        if constexpr (!is_unit<Atoms>) {
          const std::string_view l = axis_label<Atoms>::value;
          if (std::find(labels.begin(), labels.begin() + static_cast<std::ptrdiff_t>(n), l) == labels.begin() + static_cast<std::ptrdiff_t>(n))
            labels[n++] = l;
        }
      }(),
      ...);
  std::sort(labels.begin(), labels.begin() + static_cast<std::ptrdiff_t>(n));
  return std::pair{labels, n};
}

template <class A, class B>
constexpr bool same_axes() {
  constexpr auto a = sorted_labels(detail::flat_atoms_t<A>{});
  constexpr auto b = sorted_labels(detail::flat_atoms_t<B>{});
  if (a.second != b.second) return false;
  for (std::size_t k = 0; k < a.second; ++k)
    if (a.first[k] != b.first[k]) return false;
  return true;
}

// --- single-layout laws -------------------------------------------------------------------------

template <class L, class... Atoms>
constexpr bool flips_are_involutions(type_list<Atoms...>) {
  return ([] {
    if constexpr (is_spatial_v<typename detail::atom_traits<Atoms>::axis>) {
      using X = typename detail::atom_traits<Atoms>::axis;
      static_assert(std::is_same_v<flip_t<flip_t<L, X>, X>, L>, "flip is an involution");
      static_assert(!std::is_same_v<flip_t<L, X>, L>, "flip changes the layout");
    }
    return true;
  }() && ...);
}

template <class L, class A, class... Bs>
constexpr bool swaps_from(type_list<Bs...>) {
  return ([] {
    using AX = typename detail::atom_traits<A>::axis;
    using BX = typename detail::atom_traits<Bs>::axis;
    if constexpr (!std::is_same_v<AX, BX> && axle::value::find_entry(detail::desc_of<L>::value, detail::arg_atom<AX>()) >= 0 &&
                  axle::value::find_entry(detail::desc_of<L>::value, detail::arg_atom<BX>()) >= 0 &&
                  axle::value::find_entry(detail::desc_of<L>::value, detail::arg_atom<AX>()) !=
                      axle::value::find_entry(detail::desc_of<L>::value, detail::arg_atom<BX>())) {
      static_assert(std::is_same_v<swap_t<swap_t<L, AX, BX>, AX, BX>, L>, "swap is an involution");
      static_assert(std::is_same_v<swap_t<L, AX, BX>, swap_t<L, BX, AX>>, "swap is symmetric");
    }
    return true;
  }() && ...);
}

template <class L, class... Atoms>
constexpr bool swaps_are_involutions(type_list<Atoms...> atoms) {
  return (swaps_from<L, Atoms>(atoms) && ...);
}

template <class L>
constexpr bool single_laws() {
  static_assert(valid_layout_v<L>);
  static_assert(is_identity_v<plan_t<L, L>>, "plan(A, A) is the identity");
  static_assert(std::is_same_v<apply_t<plan<>, L>, L>, "the identity plan changes nothing");
  static_assert(std::is_same_v<adjoint_t<adjoint_t<L>>, L>, "adjoint is an involution");
  static_assert(flips_are_involutions<L>(detail::flat_atoms_t<L>{}));
  static_assert(swaps_are_involutions<L>(detail::flat_atoms_t<L>{}));
  return true;
}

// --- pair laws ----------------------------------------------------------------------------------

template <class A, class B>
constexpr bool pair_laws() {
  static_assert(convertible_v<A, B> == same_axes<A, B>(), "a plan exists exactly between layouts with the same axes");
  if constexpr (convertible_v<A, B>) {
    using P = plan_t<A, B>;
    using Q = plan_t<B, A>;
    static_assert(std::is_same_v<apply_t<P, A>, B>, "apply(plan(A, B), A) = B");
    static_assert(std::is_same_v<inverse_t<P>, Q>, "inverse(plan(A, B)) = plan(B, A)");
    static_assert(std::is_same_v<apply_t<Q, apply_t<P, A>>, A>, "plan(B, A) undoes plan(A, B)");
    static_assert(is_identity_v<normalize_t<compose_t<P, Q>, A>>, "plan(A, B) · plan(B, A) = id");
    static_assert(is_identity_v<P> == std::is_same_v<A, B>, "only plan(A, A) is the identity");
  }
  return true;
}

template <class A, class... Bs>
constexpr bool row(type_list<Bs...>) {
  return (pair_laws<A, Bs>() && ...);
}
template <class... As>
constexpr bool all_pairs(type_list<As...> all) {
  return (row<As>(all) && ...);
}
template <class... As>
constexpr bool all_singles(type_list<As...>) {
  return (single_laws<As>() && ...);
}

static_assert(all_singles(all_layouts{}));
static_assert(all_pairs(all_layouts{}));

// --- composition, over the triples of each family ------------------------------------------------

template <class A, class B, class C>
constexpr bool triple_law() {
  static_assert(std::is_same_v<normalize_t<compose_t<plan_t<A, B>, plan_t<B, C>>, A>, plan_t<A, C>>,
                "plan(A, B) then plan(B, C) is plan(A, C)");
  static_assert(std::is_same_v<apply_t<plan_t<B, C>, apply_t<plan_t<A, B>, A>>, C>, "composition applies step by step");
  return true;
}
template <class A, class B, class... Cs>
constexpr bool triples_bc(type_list<Cs...>) {
  return (triple_law<A, B, Cs>() && ...);
}
template <class A, class... Bs>
constexpr bool triples_a(type_list<Bs...> family) {
  return (triples_bc<A, Bs>(family) && ...);
}
template <class... As>
constexpr bool all_triples(type_list<As...> family) {
  return (triples_a<As>(family) && ...);
}

static_assert(all_triples(type_list<conv2d_oihw, conv2d_hwio, conv2d_ohwi, keras_conv2d_transpose, tflite_transpose_conv,
                                    conv_transpose2d_iohw, onednn_OIhw16i16o, onednn_OIhw4i16o4i>{}));
static_assert(all_triples(type_list<torch_conv_transpose2d, equinox_conv_transpose2d, mlx_conv_transpose2d, torch_conv2d,
                                    tflite_conv2d, tf_conv2d, openvino_group_conv2d, onednn_goihw16i16o>{}));
static_assert(all_triples(type_list<torch_depthwise2d, tf_depthwise2d, tflite_depthwise2d>{}));
static_assert(all_triples(type_list<torch_lstm, onnx_lstm, keras_lstm, coreml_lstm>{}));

// --- canonical spelling -----------------------------------------------------------------------
static_assert(std::is_same_v<split_t<conv2d_oihw, O, 16>, layout<outer<O, 16>, inner<O, 16>, I, H, W>>);
static_assert(std::is_same_v<merge_t<split_t<conv2d_oihw, O, 16>, outer<O, 16>, inner<O, 16>>, conv2d_oihw>);
static_assert(std::is_same_v<split_t<torch_conv2d, G>, layout<G, O, I, H, W>>);
static_assert(std::is_same_v<merge_t<split_t<torch_conv2d, G>, G, O>, torch_conv2d>);
static_assert(std::is_same_v<move_t<conv2d_oihw, I, 3>, layout<O, H, W, I>>);
static_assert(std::is_same_v<permute_t<conv2d_oihw, H, W, I, O>, conv2d_hwio>);
static_assert(std::is_same_v<reorder_t<torch_lstm, labels<gate, "i,o,f,g">>, onnx_lstm>);
static_assert(std::is_same_v<ungrouped_t<torch_conv_transpose2d>, conv_transpose2d_iohw>);
static_assert(std::is_same_v<ungrouped_t<openvino_group_conv2d>, conv2d_oihw>);
static_assert(std::is_same_v<ungrouped_t<conv2d_oihw>, conv2d_oihw>);
static_assert(std::is_same_v<drop_t<torch_depthwise2d, I>, layout<merged<G, M>, H, W>>);
static_assert(flip_axes(conv2d_oihw{}, H{}, W{}) == layout<O, I, flipped<H>, flipped<W>>{});
static_assert(swap_axes(conv2d_oihw{}, O{}, I{}) == layout<I, O, H, W>{});
static_assert(plan_between(conv2d_oihw{}, conv2d_hwio{}) == plan<permute<order<O, I, H, W>, order<H, W, I, O>>>{});
static_assert(apply(inverse(plan_between(conv2d_oihw{}, conv2d_hwio{})), conv2d_hwio{}) == conv2d_oihw{});

// --- the normal form of some plans, spelled out ---------------------------------------------------
static_assert(std::is_same_v<plan_t<conv_transpose2d_iohw, layout<O, I, H, W>>, plan<swap<O, I>, flip<H, W>>>);
static_assert(std::is_same_v<plan_t<torch_conv_transpose2d, equinox_conv_transpose2d>,
                             plan<split<merged<G, I>, G, I>, swap<O, I>, flip<H, W>, merge<merged<G, O>, G, O>>>);
static_assert(std::is_same_v<plan_t<conv2d_oihw, conv2d_hwio>, plan<permute<order<O, I, H, W>, order<H, W, I, O>>>>);
static_assert(std::is_same_v<plan_t<torch_depthwise2d, tf_depthwise2d>,
                             plan<split<merged<G, M>, G, M>, permute<order<G, M, unit<I>, H, W>, order<H, W, G, M>>>>);
static_assert(std::is_same_v<plan_t<torch_lstm, onnx_lstm>,
                             plan<split<merged<labels<gate, "i,f,g,o">, O>, labels<gate, "i,f,g,o">, O>,
                                  reorder<labels<gate, "i,f,g,o">, labels<gate, "i,o,f,g">>,
                                  merge<merged<labels<gate, "i,o,f,g">, O>, labels<gate, "i,o,f,g">, O>>>);
static_assert(std::is_same_v<plan_t<onednn_OIhw16i16o, onednn_OIhw4i16o4i>,
                             plan<split<inner<I, 16>, inner<I, 4, 4>, inner<I, 4>>, swap<inner<O, 16>, inner<I, 4>>>>);
static_assert(std::is_same_v<plan_t<torch_conv2d, tf_conv2d>,
                             plan<permute<order<merged<G, O>, I, H, W>, order<H, W, I, merged<G, O>>>>>);
static_assert(std::is_same_v<plan_t<bhsd, bshd>, plan<swap<seq, heads>>>);

}  // namespace

// A whole axis and a unit atom of the same axis convert both ways (an extent-1 axis stored as
// a plain dimension on one side).
namespace {
using whole_m = axle::layout<axle::axes::H, axle::axes::W, axle::axes::G, axle::axes::M>;
using unit_m = axle::layout<axle::axes::G, axle::unit<axle::axes::M>, axle::axes::H, axle::axes::W>;
using merged_unit_m = axle::layout<axle::merged<axle::axes::G, axle::unit<axle::axes::M>>, axle::axes::H, axle::axes::W>;
template <class A, class B>
constexpr bool unit_laws() {
  static_assert(convertible_v<A, B> && convertible_v<B, A>);
  static_assert(std::is_same_v<apply_t<plan_t<A, B>, A>, B>);
  static_assert(std::is_same_v<apply_t<plan_t<B, A>, B>, A>);
  static_assert(std::is_same_v<inverse_t<plan_t<A, B>>, plan_t<B, A>>);
  return true;
}
static_assert(unit_laws<whole_m, unit_m>() && unit_laws<whole_m, merged_unit_m>() && unit_laws<unit_m, merged_unit_m>());
using merged_m = axle::layout<axle::merged<axle::axes::G, axle::axes::M>, axle::axes::H, axle::axes::W>;
static_assert(unit_laws<merged_m, merged_unit_m>() && !is_identity_v<plan_t<merged_m, merged_unit_m>>);
static_assert(unit_laws<axle::layout<axle::axes::M>, axle::layout<axle::unit<axle::axes::M>>>());
// A permutation (not a swap) of labelled layouts with a block reorder after it: the permutation's
// target list carries the source's labels, so it is not the target layout's own entry list.
using labelled_perm_a = layout<axle::axes::M, axle::axes::N, G, O, labels<gate, "i,g,o,f">>;
using labelled_perm_b = layout<G, O, axle::axes::N, axle::axes::M, labels<gate, "i,f,g,o">>;
static_assert(std::is_same_v<apply_t<plan_t<labelled_perm_a, labelled_perm_b>, labelled_perm_a>, labelled_perm_b>);
static_assert(std::is_same_v<apply_t<plan_t<labelled_perm_b, labelled_perm_a>, labelled_perm_b>, labelled_perm_a>);
}  // namespace

// Every layout above, printed and read back as text, is itself (text_laws.hpp). The suite's own
// gate, heads and seq shadow the built-in axes of those labels: listed axes come first.
#include "text_laws.hpp"
namespace {
static_assert(text_laws::round_trips<axle::axes_list<gate, heads, seq, feature>>(all_layouts{}));
static_assert(text_laws::round_trips<axle::axes_list<>>(type_list<whole_m, unit_m, merged_unit_m, merged_m>{}));
}  // namespace
