// Layouts written as text: every layout of the catalogue reads back from its printed form as
// itself (text_laws.hpp), and texts in every notation spell the layouts written out as types.
#include <axle/catalogue.hpp>
#include <axle/einops.hpp>
#include <axle/tvm.hpp>

#include "text_laws.hpp"

namespace {

using namespace axle;
using namespace axle::axes;
using axle::detail::type_list;
using op_axes::direction;
using op_axes::gate;

// --- every layout of the catalogue: weights (grouped and with one group) and activations -------
template <class... Ops>
constexpr bool catalogue_round_trips(type_list<Ops...>) {
  return ((text_laws::round_trip<typename Ops::weight>() && text_laws::round_trip<ungrouped_weight_t<Ops>>() &&
           text_laws::round_trip<typename Ops::activation>() && text_laws::round_trip<typename Ops::output_activation>()) &&
          ...);
}
static_assert(catalogue::all_ops::size >= 160);
static_assert(catalogue_round_trips(catalogue::all_ops{}));

// --- axle's notation: every form the printer emits, and the spellings it normalises ------------
static_assert(std::is_same_v<layout_t<"((G, I), O, H~, W~)">, layout<merged<G, I>, O, flipped<H>, flipped<W>>>);
static_assert(std::is_same_v<layout_t<"(O/16, I/16, H, W, 16i, 16o)">,
                             layout<outer<O, 16>, outer<I, 16>, H, W, inner<I, 16>, inner<O, 16>>>);
static_assert(std::is_same_v<layout_t<"(O/16, I/16, H, W, 4i@4, 16o, 4i)">,
                             layout<outer<O, 16>, outer<I, 16>, H, W, inner<I, 4, 4>, inner<O, 16>, inner<I, 4>>>);
static_assert(std::is_same_v<layout_t<"((G, M), I=1, H, W)">, layout<merged<G, M>, unit<I>, H, W>>);
static_assert(std::is_same_v<layout_t<"(direction=1, (gate[i,o,f,g], O), I)">,
                             layout<unit<direction>, merged<labels<gate, "i,o,f,g">, O>, I>>);
static_assert(std::is_same_v<layout_t<"(N, heads, seq, head_dim)">, layout<N, op_axes::heads, op_axes::seq, op_axes::head_dim>>);
static_assert(std::is_same_v<layout_t<"(H/2~, W, 2h~)">, layout<flipped<outer<H, 2>>, W, flipped<inner<H, 2>>>>);
static_assert(std::is_same_v<layout_t<"()">, layout<>>);
// Spaces anywhere between tokens; labels normalised; one atom in parentheses is the atom.
static_assert(std::is_same_v<layout_t<"  ( ( G ,I ) ,O,H ~ , W~ )  ">, layout_t<"((G, I), O, H~, W~)">>);
static_assert(std::is_same_v<layout_t<"(gate[ i , f,g ,o ], (O))">, layout<labels<gate, "i,f,g,o">, O>>);
static_assert(std::is_same_v<layout_t<"(I = 1, O/ 16, 16o @ 1)">, layout<unit<I>, outer<O, 16>, inner<O, 16>>>);
static_assert(text_laws::printed<layout_t<"  ( ( G ,I ) ,O,H ~ , W~ )  ">>::value.view() == "((G, I), O, H~, W~)");

// User-defined axes are found by label; listed first, they shadow a built-in label.
struct tokens : axis<"tokens"> {};
struct my_heads : axis<"heads"> {};
struct T : axis<"T", axis_kind::spatial> {};
static_assert(std::is_same_v<layout_t<"(N, tokens, heads, head_dim)", axes_list<tokens, my_heads>>,
                             layout<N, tokens, my_heads, op_axes::head_dim>>);
static_assert(std::is_same_v<layout_t<"(T~, 4tokens, tokens/4)", axes_list<tokens, T>>,
                             layout<flipped<T>, inner<tokens, 4>, outer<tokens, 4>>>);

// --- einops --------------------------------------------------------------------------------------
static_assert(std::is_same_v<einops_t<"(g i) o h~ w~">, layout_t<"((G, I), O, H~, W~)">>);
static_assert(std::is_same_v<einops_t<"kh kw cin cout", bind<"kh", H>, bind<"kw", W>, bind<"cin", I>, bind<"cout", O>>,
                             layout<H, W, I, O>>);
static_assert(std::is_same_v<einops_t<"(g m) 1 h w", bind<"1", I>>, layout<merged<G, M>, unit<I>, H, W>>);
static_assert(std::is_same_v<einops_t<"(1 g m) h w">, layout<merged<G, M>, H, W>>);  // a 1 in parentheses is dropped
static_assert(std::is_same_v<einops_t<"(g m) () h w", bind<"1", I>>, layout<merged<G, M>, unit<I>, H, W>>);
static_assert(std::is_same_v<einops_t<"b  heads seq head_dim ", bind<"b", N>>, layout<N, op_axes::heads, op_axes::seq, op_axes::head_dim>>);
static_assert(std::is_same_v<einops_t<"n tokens heads", axes_list<tokens, my_heads>>, layout<N, tokens, my_heads>>);
static_assert(std::is_same_v<einops_t<"">, layout<>>);
static_assert(std::is_same_v<einops_t<"... h w c">, layout<einops::ellipsis, H, W, C>>);
static_assert(std::is_same_v<einops_plan<"o i h w -> i o h w">, plan<swap<I, O>>>);
static_assert(std::is_same_v<einops_plan<"(g i) o h~ w~ -> (g o) i h w">,
                             plan_t<layout<merged<G, I>, O, flipped<H>, flipped<W>>, layout<merged<G, O>, I, H, W>>>);
static_assert(std::is_same_v<einops_plan<"... h w c -> ... c h w">,
                             plan_t<layout<einops::ellipsis, H, W, C>, layout<einops::ellipsis, C, H, W>>>);
static_assert(std::is_same_v<einops_plan<"(g m) 1 h w -> h w g m", bind<"1", I>>,
                             plan_t<layout<merged<G, M>, unit<I>, H, W>, layout<H, W, G, M>>>);

// --- TVM layout strings --------------------------------------------------------------------------
static_assert(std::is_same_v<tvm::layout_t<"NCHW16c">, layout<N, outer<C, 16>, H, W, inner<C, 16>>>);
static_assert(std::is_same_v<tvm::layout_t<"OIHW16i16o">, onednn::weights<"OIhw16i16o">>);
static_assert(std::is_same_v<tvm::layout_t<"OIHW">, onednn::weights<"oihw">>);
static_assert(std::is_same_v<tvm::layout_t<"NHWC">, channels_last<2>>);
static_assert(std::is_same_v<tvm::layout_t<"N16cCHW">, layout<N, inner<C, 16>, outer<C, 16>, H, W>>);  // TVM does not order them
static_assert(std::is_same_v<tvm::layout_t<"">, layout<>>);
static_assert(std::is_same_v<tvm::layout_t<"NCT8t", axes_list<T>>, layout<N, C, outer<T, 8>, inner<T, 8>>>);

// --- oneDNN tags and JAX dimension numbers: the same toolkit, the same types --------------------
static_assert(std::is_same_v<onednn::weights<"OIhw4i16o4i">, layout_t<"(O/16, I/16, H, W, 4i@4, 16o, 4i)">>);
static_assert(std::is_same_v<onednn::deconvolution_weights<"giohw">, layout_t<"(G, I, O, H~, W~)">>);
static_assert(std::is_same_v<jax::dimension_numbers<"NHWC", "HWIO">::rhs, tvm::layout_t<"HWIO">>);
static_assert(std::is_same_v<jax::conv_general_dilated<"NHWC", "HWIO", "NHWC">::weight, layout_t<"(H, W, I, (G, O))">>);

}  // namespace
