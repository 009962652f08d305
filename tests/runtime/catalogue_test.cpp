// Run-time tests of the catalogue registry (axle/catalogue.hpp): completeness and naming, the
// find / suggest helpers the command-line tool uses, the printed layouts, the run-time plan
// engine over every pair of entries, and the run-time oneDNN and JAX parsers.
#define BOOST_TEST_MODULE axle_catalogue
#include <boost/test/unit_test.hpp>

#include <axle/catalogue.hpp>
#include <axle/format.hpp>
#include <axle/notation.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <ostream>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// Boost.Test prints the values of failed comparisons.
namespace axle {
inline std::ostream& operator<<(std::ostream& os, family f) { return os << to_string(f); }
inline std::ostream& operator<<(std::ostream& os, semantics s) { return os << to_string(s); }
inline std::ostream& operator<<(std::ostream& os, status s) { return os << to_string(s); }
}  // namespace axle

namespace cat = axle::catalogue;
using axle::family;
using axle::semantics;
using axle::status;
using axle::value::layout;

namespace {

bool has_axis(const axle::value::layout& l, std::string_view name) {
  for (int i = 0; i < l.natoms; ++i)
    if (l.atoms[i].name() == name) return true;
  return false;
}

int flipped_axes(const axle::value::layout& l) {
  std::set<std::string_view> names;
  for (int i = 0; i < l.natoms; ++i)
    if (l.atoms[i].flipped) names.insert(l.atoms[i].name());
  return static_cast<int>(names.size());
}

bool valid_name_char(char c, bool upper_ok) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || (upper_ok && c >= 'A' && c <= 'Z');
}

/// `<framework>.<op>[:<variant>]`, lower case (oneDNN tags keep their case).
bool valid_name(const cat::entry_info& e) {
  const std::string_view n = e.name;
  const std::size_t dot = n.find('.');
  if (dot == std::string_view::npos || dot == 0 || n.find('.', dot + 1) != std::string_view::npos) return false;
  const std::size_t colon = n.find(':');
  if (colon != std::string_view::npos && (colon < dot + 2 || colon + 1 == n.size() || n.find(':', colon + 1) != std::string_view::npos))
    return false;
  const bool onednn = e.framework() == "onednn";
  for (std::size_t k = 0; k < n.size(); ++k) {
    if (k == dot || k == colon) continue;
    if (!valid_name_char(n[k], onednn && k > dot)) return false;
  }
  return true;
}

std::string plan_text(const axle::value::layout& from, const axle::value::layout& to) {
  const axle::value::derivation p = axle::value::derive(from, to);
  BOOST_TEST_REQUIRE(!p.error, "no plan from " << axle::to_string(from) << " to " << axle::to_string(to));
  return axle::to_string(axle::value::normal_form(p));
}

}  // namespace

// --- completeness and naming ------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(registry_lists_every_descriptor) {
  BOOST_TEST(cat::entries().size() == cat::all_ops::size);
  BOOST_TEST(cat::entries().size() >= 150u);
  std::set<std::string_view> frameworks;
  for (const auto& e : cat::entries()) frameworks.insert(e.framework());
  for (std::string_view f : {"torch", "tf", "keras", "jax", "flax", "equinox", "haiku", "onnx", "tflite", "coreml", "mlx", "onednn",
                             "openvino", "tensorrt", "ggml", "caffe", "tinygrad"})
    BOOST_TEST(frameworks.count(f) == 1u, "framework " << f);
}

BOOST_AUTO_TEST_CASE(every_entry_is_well_formed) {
  for (const auto& e : cat::entries()) {
    BOOST_TEST_CONTEXT(e.name) {
      BOOST_TEST(valid_name(e));
      BOOST_TEST(!e.source.empty());
      BOOST_TEST_REQUIRE((e.weight && e.weight_ungrouped && e.activation));
      BOOST_TEST(!axle::value::validate(*e.weight));
      BOOST_TEST(!axle::value::validate(*e.weight_ungrouped));
      BOOST_TEST(!axle::value::validate(*e.activation));
      BOOST_TEST((e.spatial >= 0 && e.spatial <= 3));
      BOOST_TEST(e.supports_groups == has_axis(*e.weight, "G"));
      BOOST_TEST(has_axis(*e.weight_ungrouped, "G") == (e.family == family::depthwise_conv));
      const bool conv_like = e.family == family::conv || e.family == family::conv_transpose || e.family == family::depthwise_conv;
      BOOST_TEST((conv_like ? e.spatial >= 1 : e.spatial == 0));
      // Orientation agrees with semantics: adjoint stores every spatial axis reversed, others none.
      BOOST_TEST(flipped_axes(*e.weight) == (e.semantics == semantics::adjoint ? e.spatial : 0));
      BOOST_TEST((e.family == family::conv_transpose) == (e.semantics != semantics::forward));
      BOOST_TEST(!e.framework().empty());
      BOOST_TEST(!e.op().empty());
    }
  }
}

BOOST_AUTO_TEST_CASE(names_are_unique_per_rank_and_adjacent) {
  std::set<std::pair<std::string_view, int>> by_rank;
  std::set<std::pair<std::string_view, int>> by_ndim;
  std::set<std::string_view> closed;  // names whose run of entries has ended
  std::string_view previous;
  for (const auto& e : cat::entries()) {
    BOOST_TEST(by_rank.insert({e.name, e.spatial}).second, "duplicate " << e.name << " rank " << e.spatial);
    BOOST_TEST(by_ndim.insert({e.name, e.weight->nentries}).second, "ambiguous weight ndim for " << e.name);
    if (e.name != previous) {
      if (!previous.empty()) closed.insert(previous);
      BOOST_TEST(closed.count(e.name) == 0u, e.name << " is not adjacent to its other ranks");
      previous = e.name;
    }
  }
}

BOOST_AUTO_TEST_CASE(unverified_entries_stay_visible) {
  std::vector<std::string_view> unverified;
  for (const auto& e : cat::entries())
    if (e.status == status::unverified) {
      unverified.push_back(e.name);
      BOOST_TEST(!e.note.empty(), e.name << " is unverified without saying why");
    }
  BOOST_TEST(unverified == (std::vector<std::string_view>{"cudnn.kcrs", "cudnn.krsc"}), boost::test_tools::per_element());
}

// --- find and suggest ------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(find_by_name_and_rank) {
  const auto* e = cat::find("torch.conv_transpose2d", 2);
  BOOST_TEST_REQUIRE(e != nullptr);
  BOOST_TEST(e->family == family::conv_transpose);
  BOOST_TEST(e->semantics == semantics::adjoint);
  BOOST_TEST(cat::find("torch.conv_transpose2d") == e);
  BOOST_TEST(cat::find("torch.conv_transpose2d", 3) == nullptr);
  BOOST_TEST(cat::find("torch.conv_transpose9d", 2) == nullptr);

  // One name, one entry per rank: the rank decides.
  const auto all = cat::find_all("onnx.convtranspose");
  BOOST_TEST_REQUIRE(all.size() == 3u);
  BOOST_TEST(all[0].spatial == 1);
  BOOST_TEST(all[1].spatial == 2);
  BOOST_TEST(all[2].spatial == 3);
  BOOST_TEST(cat::find("onnx.convtranspose") == nullptr);  // ambiguous without a rank
  BOOST_TEST(cat::find("onnx.convtranspose", 3) == &all[2]);
  BOOST_TEST(cat::find_for_weight_ndim("onnx.convtranspose", 4) == &all[1]);  // a 4-D .npy
  BOOST_TEST(cat::find_for_weight_ndim("openvino.groupconvolution", 6)->spatial == 3);
  BOOST_TEST(cat::find_for_weight_ndim("onnx.convtranspose", 7) == nullptr);
  BOOST_TEST(cat::find_all("nope.conv").empty());

  // Variants and case-sensitive oneDNN tags.
  BOOST_TEST(cat::find("flax.conv_transpose:transpose_kernel", 2)->semantics == semantics::adjoint);
  BOOST_TEST(cat::find("flax.conv_transpose", 2)->semantics == semantics::direct);
  BOOST_TEST(cat::find("onednn.OIhw16i16o") != nullptr);
  BOOST_TEST(cat::find("onednn.oihw16i16o") == nullptr);
  BOOST_TEST(cat::find("onednn.deconvolution:iohw") != nullptr);
  BOOST_TEST(cat::find("onednn.deconvolution:iohw")->variant() == "iohw");
  BOOST_TEST(cat::find("onednn.deconvolution:iohw")->op() == "deconvolution");
}

BOOST_AUTO_TEST_CASE(suggest_close_names) {
  const auto typo = cat::suggest("torch.conv_tranpose2d");
  BOOST_TEST_REQUIRE(!typo.empty());
  BOOST_TEST(typo.front() == "torch.conv_transpose2d");

  const auto lower = cat::suggest("onednn.oihw16i16o");  // the case of a tag matters
  BOOST_TEST_REQUIRE(!lower.empty());
  BOOST_TEST(lower.front() == "onednn.OIhw16i16o");

  const auto bare = cat::suggest("conv_transpose2d", 10);  // no framework
  BOOST_TEST((std::find(bare.begin(), bare.end(), "torch.conv_transpose2d") != bare.end()));

  const auto ranked = cat::suggest("onnx.convtranspos");  // one suggestion per name, not per rank
  BOOST_TEST_REQUIRE(!ranked.empty());
  BOOST_TEST(ranked.front() == "onnx.convtranspose");
  BOOST_TEST(std::count(ranked.begin(), ranked.end(), "onnx.convtranspose") == 1);

  BOOST_TEST(cat::suggest("torch.conv2", 2).size() <= 2u);
  BOOST_TEST(cat::suggest("qwertyuiop.zxcvbnm").empty());
}

// --- printing -----------------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(layouts_print_as_expected) {
  auto weight = [](std::string_view name, int rank) { return axle::to_string(*cat::find(name, rank)->weight); };
  auto single = [](std::string_view name, int rank) { return axle::to_string(*cat::find(name, rank)->weight_ungrouped); };
  BOOST_TEST(weight("torch.conv2d", 2) == "((G, O), I, H, W)");
  BOOST_TEST(weight("torch.conv_transpose2d", 2) == "((G, I), O, H~, W~)");
  BOOST_TEST(single("torch.conv_transpose2d", 2) == "(I, O, H~, W~)");
  BOOST_TEST(weight("equinox.conv_transpose2d", 2) == "((G, O), I, H, W)");
  BOOST_TEST(weight("tf.conv2d_transpose", 2) == "(H~, W~, O, I)");
  BOOST_TEST(weight("haiku.conv2d_transpose", 2) == "(H, W, O, I)");
  BOOST_TEST(weight("mlx.conv_transpose2d", 2) == "((G, O), H~, W~, I)");
  BOOST_TEST(weight("tflite.transpose_conv", 2) == "(O, H~, W~, I)");
  BOOST_TEST(weight("jax.conv_transpose", 3) == "(D, H, W, I, O)");
  BOOST_TEST(weight("jax.conv_transpose:transpose_kernel", 1) == "(W~, O, I)");
  BOOST_TEST(weight("openvino.groupconvolutionbackpropdata", 2) == "(G, I, O, H~, W~)");
  BOOST_TEST(weight("onednn.OIhw16i16o", 2) == "(O/16, I/16, H, W, 16i, 16o)");
  BOOST_TEST(weight("onednn.OIhw4i16o4i", 2) == "(O/16, I/16, H, W, 4i@4, 16o, 4i)");
  BOOST_TEST(weight("onednn.deconvolution:giohw", 2) == "(G, I, O, H~, W~)");
  BOOST_TEST(weight("torch.conv2d:depthwise", 2) == "((G, M), I=1, H, W)");
  BOOST_TEST(weight("tf.depthwise_conv2d", 2) == "(H, W, G, M)");
  BOOST_TEST(weight("torch.lstm", 0) == "((gate[i,f,g,o], O), I)");
  BOOST_TEST(weight("onnx.lstm", 0) == "(direction=1, (gate[i,o,f,g], O), I)");
  BOOST_TEST(weight("flash_attn.flash_attn_func", 0) == "(N, seq, heads, head_dim)");
  BOOST_TEST(axle::to_string(*cat::find("torch.conv3d", 3)->activation) == "(N, C, D, H, W)");
  BOOST_TEST(axle::to_string(*cat::find("equinox.conv1d", 1)->activation) == "(C, W)");
  BOOST_TEST(fmt::format("{:>22}", *cat::find("keras.conv2d", 2)->weight) == "     (H, W, I, (G, O))");
  BOOST_TEST(axle::to_string(axle::family::conv_transpose) == "conv_transpose");
  BOOST_TEST(axle::to_string(axle::status::unverified) == "UNVERIFIED");
}

// --- the run-time engine over the registry ------------------------------------------------------------

BOOST_AUTO_TEST_CASE(runtime_plans_match_compile_time_plans) {
  const auto& torch_t = *cat::find("torch.conv_transpose2d", 2);
  const auto& eqx_t = *cat::find("equinox.conv_transpose2d", 2);
  BOOST_TEST(plan_text(*torch_t.weight_ungrouped, *eqx_t.weight_ungrouped) ==
             axle::to_string(axle::op_plan_t<axle::torch::conv_transpose2d, axle::equinox::conv_transpose2d>{}));
  BOOST_TEST(plan_text(*torch_t.weight_ungrouped, *eqx_t.weight_ungrouped) == "swap(O, I) \u00b7 flip(H, W)");
  BOOST_TEST(plan_text(*torch_t.weight, *eqx_t.weight) ==
             axle::to_string(axle::op_plan_t<axle::torch::conv_transpose2d, axle::equinox::conv_transpose2d, axle::grouped>{}));
  const auto& keras_t = *cat::find("keras.conv2d_transpose", 2);
  const auto& haiku_t = *cat::find("haiku.conv2d_transpose", 2);
  BOOST_TEST(plan_text(*keras_t.weight, *haiku_t.weight) == "flip(H, W)");
}

BOOST_AUTO_TEST_CASE(every_pair_of_a_family_and_rank_converts) {
  int pairs = 0, differ = 0;
  for (const auto& a : cat::entries())
    for (const auto& b : cat::entries()) {
      if (a.family != b.family || a.spatial != b.spatial) continue;
      // Meanings that differ (a GRU's reset placement, sections, rotary, biases) convert by no plan:
      // tests/runtime/op_conversion_test.cpp checks what the conversion says instead.
      if (axle::meaning_conflict(a.meaning, *a.weight, b.meaning, *b.weight) != axle::conflict::none) {
        ++differ;
        continue;
      }
      BOOST_TEST_CONTEXT(a.name << " (" << a.spatial << "-D) -> " << b.name) {
        std::vector<std::pair<const axle::value::layout*, const axle::value::layout*>> cases{{a.weight_ungrouped, b.weight_ungrouped}};
        if (a.supports_groups && b.supports_groups) cases.emplace_back(a.weight, b.weight);
        for (const auto& [from, to] : cases) {
          const axle::value::derivation p = axle::value::derive(*from, *to);
          BOOST_TEST_REQUIRE(!p.error);
          const axle::value::plan s = axle::value::normal_form(p);
          const auto applied = axle::value::apply(*from, s);
          BOOST_TEST_REQUIRE(!applied.error);
          BOOST_TEST(axle::to_string(applied.layout) == axle::to_string(*to));
          const auto back = axle::value::apply(applied.layout, axle::value::inverse(s));
          BOOST_TEST_REQUIRE(!back.error);
          BOOST_TEST(axle::to_string(back.layout) == axle::to_string(*from));
          bool flips = false;
          for (int k = 0; k < s.nsteps; ++k) flips = flips || s.steps[k].kind == axle::value::step_kind::flip;
          BOOST_TEST(flips == (a.semantics != b.semantics));
          ++pairs;
        }
      }
    }
  BOOST_TEST(pairs > 1000);
  BOOST_TEST(differ > 100);
}

BOOST_AUTO_TEST_CASE(families_keep_convertible_layouts_apart) {
  // A conv weight and a transposed-conv weight have the same axes, so their layouts convert; only
  // the family says that the numbers would be wrong (op_plan_t between them does not compile).
  const auto* conv = cat::find("torch.conv2d", 2);
  const auto* convt = cat::find("torch.conv_transpose2d", 2);
  BOOST_TEST(!axle::value::derive(*conv->weight_ungrouped, *convt->weight_ungrouped).error);
  BOOST_TEST(conv->family != convt->family);
  BOOST_TEST(static_cast<bool>(axle::value::derive(*cat::find("torch.linear")->weight, *conv->weight_ungrouped).error));
}

// --- run-time parsers --------------------------------------------------------------------------------

namespace {
/// The message of a parse's error, as the run-time parsers throw it ("" when there is none).
std::string tag_error(std::string_view tag, bool deconvolution = false) {
  const auto r = axle::onednn::parse_weights_tag(tag, deconvolution);
  return r.error ? axle::detail::syntax_message(r.error, tag) : std::string();
}
std::string dn_error(std::string_view l, std::string_view r, std::string_view o) {
  const auto d = axle::jax::parse_dimension_numbers(l, r, o);
  const std::string_view specs[3] = {l, r, o};
  return d.error ? axle::detail::syntax_message(d.error, specs[d.error.part]) : std::string();
}
}  // namespace

BOOST_AUTO_TEST_CASE(onednn_tags_parse_at_run_time) {
  namespace dnnl = axle::onednn;
  const auto t = dnnl::parse_weights_tag(std::string("OIhw16i16o"));
  BOOST_TEST_REQUIRE(!t.error);
  BOOST_TEST(axle::to_string(t.layout) == "(O/16, I/16, H, W, 16i, 16o)");
  // The run-time result is the compile-time layout: same axes, same plan to PyTorch.
  BOOST_TEST(plan_text(t.layout, *cat::find("torch.conv2d", 2)->weight_ungrouped) ==
             axle::to_string(axle::plan_t<axle::onednn::weights<"OIhw16i16o">, axle::layout<axle::axes::O, axle::axes::I, axle::axes::H, axle::axes::W>>{}));
  BOOST_TEST(axle::to_string(dnnl::parse_weights_tag("gOIdhw8i8o").layout) == "(G, O/8, I/8, D, H, W, 8i, 8o)");
  BOOST_TEST(axle::to_string(dnnl::parse_weights_tag("giohw", true).layout) == "(G, I, O, H~, W~)");
  BOOST_TEST(axle::to_string(dnnl::parse_weights_tag("OIhw8o16i2o").layout) == "(O/16, I/16, H, W, 8o@2, 16i, 2o)");
  // Every kind of bad tag, with the column of the offending character (1-based).
  BOOST_TEST(tag_error("oixw") == R"(unknown letter 'x' at column 3 of "oixw")");
  BOOST_TEST(tag_error("oiohw") == R"(letter 'o' repeated at column 3 of "oiohw")");
  BOOST_TEST(tag_error("OIhw16i") == R"(upper-case 'O' needs a block (<size><lower-case letter>) at column 1 of "OIhw16i")");
  BOOST_TEST(tag_error("oihw16i") == R"(block 'i' needs its dimension in upper case in the text at column 7 of "oihw16i")");
  BOOST_TEST(tag_error("OIhw1i16o") == R"(a block size must be at least 2 at column 5 of "OIhw1i16o")");
  BOOST_TEST(tag_error("OIhw16i16") == R"(a factor without a lower-case letter after it at column 8 of "OIhw16i16")");
  BOOST_TEST(tag_error("OIhw16ii") == R"(block 'i' needs a size before it at column 8 of "OIhw16ii")");
  BOOST_TEST(tag_error("oIHw16i16h") == R"(spatial dimension 'H' cannot be blocked at column 3 of "oIHw16i16h")");
  BOOST_TEST(tag_error("oiHw") == R"(spatial dimension 'H' cannot be blocked at column 3 of "oiHw")");
  BOOST_TEST(tag_error("ohw") == R"(letter 'i' missing in "ohw")");
  BOOST_TEST(tag_error("oih") == R"(spatial dimensions must be w, hw or dhw in "oih")");
  BOOST_TEST(tag_error("") == R"(empty text in "")");
  BOOST_TEST(tag_error("OIhw99999999999i") == R"(number '99999999999' is too large (at most 2147483647) at column 5 of "OIhw99999999999i")");
}

BOOST_AUTO_TEST_CASE(jax_dimension_numbers_parse_at_run_time) {
  namespace jax = axle::jax;
  const auto d = jax::parse_dimension_numbers("NHWC", "HWIO", "NHWC");
  BOOST_TEST_REQUIRE(!d.error);
  BOOST_TEST(d.spatial == 2);
  BOOST_TEST(axle::to_string(d.lhs.layout) == "(N, H, W, C)");
  BOOST_TEST(axle::to_string(d.rhs.layout) == "(H, W, I, O)");
  BOOST_TEST(axle::to_string(jax::parse_dimension_numbers("NCHW", "OIHW", "NCHW", true).rhs.layout) == "((G, O), I, H, W)");
  BOOST_TEST(axle::to_string(jax::parse_dimension_numbers("NHWC", "HWIO", "NHWC", false, true).rhs.layout) == "(H~, W~, O, I)");
  BOOST_TEST(axle::to_string(jax::parse_dimension_numbers("NHWDC", "HWDIO", "NHWDC").rhs.layout) == "(D, H, W, I, O)");
  BOOST_TEST(axle::to_string(jax::parse_dimension_numbers("NC01", "OI01", "N01C").out.layout) == "(N, H, W, C)");
  BOOST_TEST(dn_error("NCHW", "OIHW", "NCH?") == R"(unknown letter '?' at column 4 of "NCH?")");
  BOOST_TEST(jax::parse_dimension_numbers("NCHW", "OIHW", "NCH?").error.part == 2);
  BOOST_TEST(dn_error("NCHH", "OIHW", "NCHW") == R"(letter 'H' repeated at column 4 of "NCHH")");
  BOOST_TEST(dn_error("NHW", "OIHW", "NHW") == R"(letter 'C' missing in "NHW")");
  BOOST_TEST(dn_error("NCHW", "OIH", "NCHW") == R"(the specs have different numbers of spatial dimensions in "OIH")");
  BOOST_TEST(dn_error("NCHW", "OIHD", "NCHW") == R"(spatial letter 'D' is not in the lhs spec at column 4 of "OIHD")");
  BOOST_TEST(dn_error("NCABDE", "OIABDE", "NCABDE") == R"(one to three spatial dimensions are needed in "NCABDE")");
  BOOST_TEST(dn_error("NCHW", "NIHW", "NCHW") == R"(unknown letter 'N' at column 1 of "NIHW")");
}
