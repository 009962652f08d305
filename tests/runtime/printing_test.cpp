// Printing and code rendering: the notation documented in include/axle/notation.hpp and
// docs/reference.md, through to_string and through {fmt}; the code a plan renders in each
// dialect; the messages of shape errors.
#define BOOST_TEST_MODULE printing
#include <boost/test/unit_test.hpp>

#include <axle/axle.hpp>
#include <axle/codegen.hpp>
#include <axle/format.hpp>
#include <axle/mapping.hpp>

#include <array>
#include <string>

namespace {

using namespace axle;
using namespace axle::axes;

struct gate : axis<"gate", axis_kind::block> {};
struct heads : axis<"heads"> {};

using torch_convT = layout<I, O, flipped<H>, flipped<W>>;
using equinox_convT = layout<O, I, H, W>;
using torch_convT_grouped = layout<merged<G, I>, O, flipped<H>, flipped<W>>;
using equinox_convT_grouped = layout<merged<G, O>, I, H, W>;

template <class L>
std::string text(L l) {
  return to_string(l);
}

struct a1 : axis<"a1"> {};
struct a2 : axis<"a2"> {};
struct a3 : axis<"a3"> {};
struct a4 : axis<"a4"> {};
struct a5 : axis<"a5"> {};
struct a6 : axis<"a6"> {};
struct a7 : axis<"a7"> {};
struct a8 : axis<"a8"> {};
struct a9 : axis<"a9"> {};
struct a10 : axis<"a10"> {};
struct a11 : axis<"a11"> {};
struct a12 : axis<"a12"> {};
struct a13 : axis<"a13"> {};

}  // namespace

BOOST_AUTO_TEST_CASE(a_layout_value_past_the_atom_limit_prints_what_is_missing) {
  // The type would be a too_many_axes error; its value keeps 12 atoms and says so.
  using thirteen = layout<a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13>;
  BOOST_TEST(to_string(value::of<thirteen>()) == "(a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, \u2026)");
  BOOST_TEST(to_string(value::of<layout<a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12>>()) ==
             "(a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12)");
}

BOOST_AUTO_TEST_CASE(layouts_print_in_the_documented_notation) {
  BOOST_TEST(text(layout<O, I, H, W>{}) == "(O, I, H, W)");
  BOOST_TEST(text(torch_convT{}) == "(I, O, H~, W~)");
  BOOST_TEST(text(torch_convT_grouped{}) == "((G, I), O, H~, W~)");
  BOOST_TEST(text(layout<outer<O, 16>, outer<I, 16>, H, W, inner<I, 16>, inner<O, 16>>{}) == "(O/16, I/16, H, W, 16i, 16o)");
  BOOST_TEST(text(layout<inner<I, 4, 4>, outer<I, 16>, inner<I, 4>>{}) == "(4i@4, I/16, 4i)");
  BOOST_TEST(text(layout<merged<G, M>, unit<I>, H, W>{}) == "((G, M), I=1, H, W)");
  BOOST_TEST(text(layout<merged<labels<gate, "i,f,g,o">, O>, I>{}) == "((gate[i,f,g,o], O), I)");
  BOOST_TEST(text(layout<N, heads>{}) == "(N, heads)");
  BOOST_TEST(text(layout<>{}) == "()");
}

BOOST_AUTO_TEST_CASE(plans_print_every_kind_of_step) {
  BOOST_TEST(to_string(plan_t<torch_convT, equinox_convT>{}) == "swap(O, I) \u00b7 flip(H, W)");
  BOOST_TEST(to_string(plan_t<equinox_convT, equinox_convT>{}) == "id");
  BOOST_TEST(to_string(plan_t<torch_convT_grouped, equinox_convT_grouped>{}) ==
             "split((G, I) \u2192 G, I) \u00b7 swap(O, I) \u00b7 flip(H, W) \u00b7 merge(G, O \u2192 (G, O))");
  BOOST_TEST(to_string(plan_t<layout<merged<G, O>, I, H, W>, layout<H, W, I, merged<G, O>>>{}) == "permute(H, W, I, (G, O))");
  BOOST_TEST(to_string(plan_t<layout<merged<G, M>, unit<I>, H, W>, layout<H, W, G, M>>{}) ==
             "split((G, M) \u2192 G, M) \u00b7 permute(H, W, G, M) \u00b7 drop(I)");
  BOOST_TEST(to_string(plan_t<layout<H, W, G, M>, layout<unit<I>, H, W, merged<G, M>>>{}) ==
             "insert(I) \u00b7 merge(G, M \u2192 (G, M))");
  BOOST_TEST(to_string(plan_t<layout<labels<gate, "i,f,g,o">, I>, layout<labels<gate, "i,o,f,g">, I>>{}) ==
             "reorder(gate: i,f,g,o \u2192 i,o,f,g)");
  BOOST_TEST(to_string(plan_t<layout<O, I>, layout<outer<O, 16>, I, inner<O, 16>>>{}) ==
             "split(O \u2192 O/16, 16o) \u00b7 swap(I, 16o)");
  BOOST_TEST(to_string(plan_t<layout<merged<G, O>, I>, layout<I, merged<G, O>>>{}) == "swap(I, (G, O))");
}

BOOST_AUTO_TEST_CASE(fmt_formatters_use_the_same_notation_and_honour_the_format_spec) {
  BOOST_TEST(fmt::format("{}", torch_convT{}) == "(I, O, H~, W~)");
  BOOST_TEST(fmt::format("{}", plan_t<torch_convT, equinox_convT>{}) == "swap(O, I) \u00b7 flip(H, W)");
  BOOST_TEST(fmt::format("{}", O{}) == "O");
  BOOST_TEST(fmt::format("{}", heads{}) == "heads");
  BOOST_TEST(fmt::format("[{:>16}]", equinox_convT{}) == "[    (O, I, H, W)]");
  BOOST_TEST(fmt::format("[{:<14}]", layout<H, W>{}) == "[(H, W)        ]");
  BOOST_TEST(fmt::format("{}", detail::desc_of<torch_convT>::value) == "(I, O, H~, W~)");
}

BOOST_AUTO_TEST_CASE(code_renders_in_three_dialects) {
  BOOST_TEST((code<torch_convT, equinox_convT>(dialect::numpy)) == "np.flip(w, (2, 3)).transpose(1, 0, 2, 3)");
  BOOST_TEST((code<torch_convT, equinox_convT>(dialect::torch)) == "torch.flip(w, dims=(2, 3)).permute(1, 0, 2, 3).contiguous()");
  BOOST_TEST((code<torch_convT, equinox_convT>(dialect::jax, "k")) == "jnp.flip(k, (2, 3)).transpose(1, 0, 2, 3)");
  BOOST_TEST((code<layout<O, I, H, W>, layout<H, W, I, O>>(dialect::numpy)) == "w.transpose(2, 3, 1, 0)");
  BOOST_TEST((code<equinox_convT, equinox_convT>(dialect::numpy)) == "w");
  BOOST_TEST((code<torch_convT_grouped, equinox_convT_grouped>(dialect::numpy)) ==
             "w = w.reshape(G, w.shape[0] // G, w.shape[1], w.shape[2], w.shape[3])\n"
             "w = np.flip(w, (3, 4)).transpose(0, 2, 1, 3, 4)\n"
             "w = w.reshape(w.shape[0] * w.shape[1], w.shape[2], w.shape[3], w.shape[4])\n");
  BOOST_TEST((code<layout<labels<gate, "i,f,g,o">, I>, layout<labels<gate, "i,o,f,g">, I>>(dialect::numpy)) ==
             "np.take(w, [0, 3, 1, 2], axis=0)");
  BOOST_TEST((code<layout<labels<gate, "i,f,g,o">, I>, layout<labels<gate, "i,o,f,g">, I>>(dialect::jax)) ==
             "jnp.take(w, jnp.array([0, 3, 1, 2]), axis=0)");
}

BOOST_AUTO_TEST_CASE(shape_errors_name_the_axis_and_the_sizes) {
  const axle::value::layout& grouped = detail::desc_of<torch_convT_grouped>::value;
  auto message = [&](std::initializer_list<index_t> shape, std::initializer_list<axis_size> known = {}) -> std::string {
    try {
      axle::resolve_extents(grouped, std::span(shape.begin(), shape.size()), std::span(known.begin(), known.size()), "w.npy");
    } catch (const shape_error& e) {
      return e.what();
    }
    return "no error";
  };
  BOOST_TEST(message({6, 2, 3}, {{"G", 2}}) == "w.npy: shape (6, 2, 3) has 3 dimensions, but layout ((G, I), O, H~, W~) has 4");
  BOOST_TEST(message({6, 2, 3, 3}) == "w.npy: dimension 0 holds (G, I); the size of G must be given (for G: --groups)");
  BOOST_TEST(message({7, 2, 3, 3}, {{"G", 2}}) ==
             "w.npy: dimension 0 (G, I) has extent 7, which is not a multiple of 2 ((7, 2, 3, 3) as ((G, I), O, H~, W~))");
  BOOST_TEST(message({6, 2, 3, 3}, {{"G", 2}}) == "no error");
  const axle::atom_extents x = axle::resolve_extents(grouped, std::array<index_t, 4>{6, 2, 3, 3}, std::array<axis_size, 1>{{{"G", 3}}});
  BOOST_TEST(x.n == 5);
  BOOST_TEST(x.extent[0] == 3);  // G
  BOOST_TEST(x.extent[1] == 2);  // I per group
  BOOST_TEST(x.extent[2] == 2);  // O
  const axle::value::layout& unit_axis = detail::desc_of<layout<merged<G, M>, unit<I>, H, W>>::value;
  try {
    axle::resolve_extents(unit_axis, std::array<index_t, 4>{6, 2, 3, 3}, std::array<axis_size, 1>{{{"G", 3}}}, "w.npy");
    BOOST_FAIL("a unit axis of extent 2 was accepted");
  } catch (const shape_error& e) {
    BOOST_TEST(std::string(e.what()) == "w.npy: dimension 1 I=1 has extent 2, expected 1 ((6, 2, 3, 3) as ((G, M), I=1, H, W))");
  }
}
