// Numerical conformance against ONNX's own node test vectors.
//
// For every case of tests/conformance/fixtures/onnx (the Conv and ConvTranspose node tests of
// ONNX 1.12): read x, W (and B), and the node's attributes (auto_pad, dilations, group,
// kernel_shape, output_padding, output_shape, pads [x1_begin, x2_begin, ..., x1_end, ...],
// strides); resolve the padding with axle/reference/padding.hpp (ONNX's auto_pad rules,
// output_shape -> pads); convert W with axle from the catalogue entry (onnx.conv /
// onnx.convtranspose of the case's rank) into the reference engine's input layout for ONNX's
// semantics, run the engine in double, add B, and compare with the expected output (relative
// error <= 1e-5, max |diff| / max |y|).
//
// The engine's input layouts, in canonical roles:
//   forward            (Co, Ci/G, k...)   = ((G, O), I, spatial)       the canonical kernel
//   transpose_adjoint  (Ci, Co/G, k...)   = ((G, I), O, spatial~)      PyTorch's storage
//   transpose_direct   (Co, Ci/G, k...)   = ((G, O), I, spatial)       the canonical kernel
// A ConvTranspose is computed twice: as the adjoint (ONNX's catalogue semantics) and through the
// canonical kernel with the direct engine, so that the flips of onnx.convtranspose's layout are
// exercised by the numbers (a missing flip would pass the first path and fail the second).
//
// Every case must pass; there is no expected exception (see docs/conformance.md).
//
// Fixture root: $AXLE_CONFORMANCE_FIXTURES (holding onnx/manifest.txt), else the committed
// fixtures beside this file.
#define BOOST_TEST_MODULE conformance_onnx
#include <boost/test/unit_test.hpp>

#include "fixtures.hpp"
#include "raw_conventions.hpp"

#include <axle/catalogue.hpp>
#include <axle/mapping.hpp>
#include <axle/notation.hpp>
#include <axle/reference/conv.hpp>
#include <axle/reference/padding.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
namespace conf = axle::conformance;
namespace ref = axle::reference;
namespace detail = axle::detail;
using axle::index_t;

namespace {

constexpr double tolerance = 1e-5;

fs::path fixtures_root() {
  if (const char* env = std::getenv("AXLE_CONFORMANCE_FIXTURES"); env && *env) return fs::path(env);
  return fs::path(__FILE__).parent_path() / "fixtures";
}

template <int R>
const axle::value::layout& canonical_kernel() {
  return detail::desc_of<axle::with_spatial_t<R, axle::catalogue::layouts::gO_I_s>>::value;
}
template <int R>
const axle::value::layout& adjoint_kernel() {
  return detail::desc_of<axle::with_spatial_t<R, axle::catalogue::layouts::gI_O_fs>>::value;
}

/// The engine's input layout of a kind, for a spatial rank.
const axle::value::layout& engine_layout(ref::op_kind kind, int spatial) {
  const bool adjoint = kind == ref::op_kind::transpose_adjoint;
  switch (spatial) {
    case 1: return adjoint ? adjoint_kernel<1>() : canonical_kernel<1>();
    case 2: return adjoint ? adjoint_kernel<2>() : canonical_kernel<2>();
    case 3: return adjoint ? adjoint_kernel<3>() : canonical_kernel<3>();
    default: throw std::invalid_argument("spatial rank " + std::to_string(spatial));
  }
}

std::string_view kind_name(ref::op_kind k) {
  switch (k) {
    case ref::op_kind::forward: return "forward";
    case ref::op_kind::transpose_adjoint: return "adjoint";
    case ref::op_kind::transpose_direct: return "direct";
  }
  return "?";
}

std::vector<index_t> to_index(const std::vector<std::size_t>& v) { return {v.begin(), v.end()}; }

/// An attribute with one value per spatial axis, or its default.
std::vector<index_t> per_axis(const std::optional<std::vector<std::int64_t>>& attr, std::size_t spatial, index_t fallback,
                              const char* name) {
  if (!attr) return std::vector<index_t>(spatial, fallback);
  if (attr->size() != spatial) throw std::invalid_argument(std::string(name) + " has " + std::to_string(attr->size()) + " values");
  return {attr->begin(), attr->end()};
}

/// The geometry of a case, with the padding rules of ONNX resolved.
ref::conv_geometry geometry_of(const conf::onnx_case& c, std::string& how) {
  const std::size_t n = c.spatial();
  ref::conv_geometry g;
  g.spatial = static_cast<int>(n);
  g.batch = static_cast<index_t>(c.x_shape[0]);
  g.groups = c.group.value_or(1);
  g.in_channels = static_cast<index_t>(c.x_shape[1]);
  const bool transposed = c.op == conf::op_kind::conv_transpose;
  // Conv W (M, C/group, k...); ConvTranspose W (C, M/group, k...).
  g.out_channels = transposed ? static_cast<index_t>(c.w_shape[1]) * g.groups : static_cast<index_t>(c.w_shape[0]);
  const std::vector<index_t> kernel(c.w_shape.begin() + 2, c.w_shape.end());
  if (c.kernel_shape && std::vector<index_t>(c.kernel_shape->begin(), c.kernel_shape->end()) != kernel)
    throw std::invalid_argument("kernel_shape differs from W's shape");
  const std::vector<index_t> strides = per_axis(c.strides, n, 1, "strides");
  const std::vector<index_t> dilations = per_axis(c.dilations, n, 1, "dilations");
  const std::vector<index_t> output_padding = per_axis(c.output_padding, n, 0, "output_padding");
  const std::string auto_pad = c.auto_pad.value_or("NOTSET");
  std::vector<index_t> pads(2 * n, 0);
  if (c.pads) {
    if (c.pads->size() != 2 * n) throw std::invalid_argument("pads needs 2 values per axis");
    pads.assign(c.pads->begin(), c.pads->end());
  }
  std::optional<std::vector<index_t>> output_shape;
  if (c.output_shape) {
    std::vector<index_t> s(c.output_shape->begin(), c.output_shape->end());
    if (s.size() == n + 2) s.erase(s.begin(), s.begin() + 2);  // N and C given too
    if (s.size() != n) throw std::invalid_argument("output_shape needs one value per spatial axis");
    output_shape = s;
  }
  for (std::size_t a = 0; a < n; ++a) {
    g.in[a] = static_cast<index_t>(c.x_shape[a + 2]);
    g.kernel[a] = kernel[a];
    g.stride[a] = strides[a];
    g.dilation[a] = dilations[a];
    if (!transposed) {
      if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
        const auto p = ref::onnx_conv_auto_pad(g.in[a], g.kernel[a], g.stride[a], g.dilation[a],
                                               auto_pad == "SAME_UPPER" ? ref::same_mode::upper : ref::same_mode::lower);
        g.pad_lo[a] = p.lo;
        g.pad_hi[a] = p.hi;
        how = "auto_pad " + auto_pad;
      } else if (auto_pad == "VALID") {
        how = "auto_pad VALID";
      } else {
        g.pad_lo[a] = pads[a];
        g.pad_hi[a] = pads[a + n];
        how = c.pads ? "pads" : "no padding";
      }
      continue;
    }
    if (output_shape || auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
      // ONNX ConvTranspose: total = s*(in - 1) + output_padding + dk - out; SAME_UPPER puts the
      // extra crop at the end, SAME_LOWER and NOTSET-with-output_shape at the begin.
      const ref::same_mode mode = auto_pad == "SAME_UPPER" ? ref::same_mode::upper : ref::same_mode::lower;
      const auto p = ref::onnx_conv_transpose_auto_pad(
          g.in[a], g.kernel[a], g.stride[a], g.dilation[a], output_padding[a], mode,
          output_shape ? std::optional<index_t>((*output_shape)[a]) : std::nullopt);
      g.pad_lo[a] = p.lo;
      g.pad_hi[a] = p.hi;
      g.output_padding[a] = p.output_padding;
      how = std::string(output_shape ? "output_shape" : "") + (output_shape && auto_pad != "NOTSET" ? ", " : "") +
            (auto_pad != "NOTSET" ? "auto_pad " + auto_pad : "") + " -> pads";
    } else {
      g.pad_lo[a] = pads[a];
      g.pad_hi[a] = pads[a + n];
      g.output_padding[a] = output_padding[a];
      how = c.pads ? "pads" : "no padding";
    }
  }
  return g;
}

/// W converted by axle from the ONNX catalogue entry into the engine's layout for `kind`.
std::vector<float> convert(const conf::onnx_case& c, const std::vector<float>& w, ref::op_kind kind, index_t groups,
                           std::string& plan_text, bool flip_entry = false) {
  const int spatial = static_cast<int>(c.spatial());
  const axle::catalogue::entry_info* e =
      axle::catalogue::find(c.op == conf::op_kind::conv ? "onnx.conv" : "onnx.convtranspose", spatial);
  if (e == nullptr) throw std::logic_error("no ONNX catalogue entry of rank " + std::to_string(spatial));
  axle::value::layout from = *e->weight, to = engine_layout(kind, spatial);
  if (flip_entry)  // a deliberately wrong catalogue entry: every spatial axis reversed
    for (int a = 0; a < from.natoms; ++a) from.atoms[a].flipped = from.atoms[a].spatial() ? !from.atoms[a].flipped : false;
  std::vector<axle::axis_size> known;
  if (groups == 1) {
    from = axle::value::one_group(from);
    to = axle::value::one_group(to);
  } else {
    known.push_back({"G", groups});
  }
  const axle::value::derivation p = axle::value::derive(from, to);
  if (p.error) throw std::logic_error("axle derives no conversion from " + axle::to_string(from) + " to " + axle::to_string(to));
  const axle::strided_map m = axle::map_plan(p, to_index(c.w_shape), known);
  std::vector<float> out(w.size());
  axle::copy_by_index(m, w.data(), out.data());
  plan_text = std::string(e->name) + " " + axle::to_string(from) + " -> " + std::string(kind_name(kind)) + " engine " +
              axle::to_string(to) + ": " + axle::to_string(axle::value::normal_form(p));
  return out;
}

std::vector<double> run(ref::op_kind kind, const std::vector<double>& x, const std::vector<double>& w, const ref::conv_geometry& g) {
  std::vector<double> y(static_cast<std::size_t>(ref::y_size(g, kind)));
  switch (kind) {
    case ref::op_kind::forward: ref::conv_forward(x.data(), w.data(), y.data(), g); break;
    case ref::op_kind::transpose_adjoint: ref::conv_transpose_adjoint(x.data(), w.data(), y.data(), g); break;
    case ref::op_kind::transpose_direct: ref::conv_transpose_direct(x.data(), w.data(), y.data(), g); break;
  }
  return y;
}

double relative_error(const std::vector<double>& got, const std::vector<float>& want) {
  double diff = 0, scale = 0;
  for (std::size_t k = 0; k < want.size(); ++k) {
    diff = std::max(diff, std::abs(got[k] - static_cast<double>(want[k])));
    scale = std::max(scale, std::abs(static_cast<double>(want[k])));
  }
  return diff / std::max(scale, 1e-30);
}

std::string fmt_err(double e) {
  std::ostringstream os;
  os << std::scientific << std::setprecision(1) << e;
  return os.str();
}

}  // namespace

BOOST_AUTO_TEST_CASE(onnx_node_tests_conform) {
  const auto m = conf::load_onnx_manifest(fixtures_root() / "onnx" / "manifest.txt");
  BOOST_REQUIRE_GE(m.cases.size(), 15u);
  std::ostringstream report;
  report << "\n=== ONNX node test vectors (" << m.generator << ") through the catalogue and the reference engine ===\n";
  int passed = 0, computations = 0;
  double worst = 0;
  for (const conf::onnx_case& c : m.cases) {
    BOOST_TEST_CONTEXT(c.name) {
      const auto x = conf::load(c.x).to_doubles();
      const auto w = conf::load(c.w).to_floats();
      const auto y = conf::load(c.y).to_floats();
      std::optional<std::vector<float>> b;
      if (c.b) b = conf::load(*c.b).to_floats();
      std::string how;
      const ref::conv_geometry g = geometry_of(c, how);
      const bool transposed = c.op == conf::op_kind::conv_transpose;
      std::vector<ref::op_kind> kinds{ref::op_kind::forward};
      if (transposed) kinds = {ref::op_kind::transpose_adjoint, ref::op_kind::transpose_direct};
      bool all = true;
      for (const ref::op_kind kind : kinds) {
        std::string plan;
        const std::vector<float> kernel = convert(c, w, kind, g.groups, plan);
        std::vector<double> got = run(kind, x, std::vector<double>(kernel.begin(), kernel.end()), g);
        // Shape: (N, Co, out...) must be y's.
        std::vector<std::size_t> shape{static_cast<std::size_t>(g.batch), static_cast<std::size_t>(g.out_channels)};
        const ref::extents3 out = ref::output_extents(g, kind);
        for (int a = 0; a < g.spatial; ++a) shape.push_back(static_cast<std::size_t>(out[static_cast<std::size_t>(a)]));
        BOOST_REQUIRE_MESSAGE(shape == c.y_shape, kind_name(kind) << ": the engine's output shape differs from y's");
        if (b) {
          const std::size_t per_channel = got.size() / static_cast<std::size_t>(g.batch * g.out_channels);
          for (std::size_t k = 0; k < got.size(); ++k)
            got[k] += static_cast<double>((*b)[(k / per_channel) % static_cast<std::size_t>(g.out_channels)]);
        }
        const double err = relative_error(got, y);
        worst = std::max(worst, err);
        ++computations;
        all = all && err <= tolerance;
        BOOST_CHECK_MESSAGE(err <= tolerance, c.name << " (" << kind_name(kind) << "): relative error " << err << "; " << plan);
        report << std::left << std::setw(48) << c.name << " " << std::setw(8) << kind_name(kind) << " err " << fmt_err(err)
               << "  [" << how << "; groups " << g.groups << (b ? "; bias" : "") << "]\n      " << plan << "\n";
      }
      passed += all ? 1 : 0;
    }
  }
  report << passed << " of " << m.cases.size() << " ONNX cases pass (" << computations
         << " engine runs); worst relative error " << fmt_err(worst) << "\n";
  std::cout << report.str() << std::flush;
}

// How much the ONNX vectors can tell about a layout: the same cases with the ONNX entry's
// orientation deliberately reversed. ONNX's node tests use W = ones for every case but
// test_convtranspose_dilations, and a constant kernel reads the same in any orientation: those
// cases check the padding rules and the channel roles, not the orientation. That is why the
// catalogue's orientations are proved on PyTorch fixtures with random weights (torch_conformance_test).
BOOST_AUTO_TEST_CASE(onnx_vectors_see_orientation_only_with_a_non_constant_kernel) {
  const auto m = conf::load_onnx_manifest(fixtures_root() / "onnx" / "manifest.txt");
  std::ostringstream report;
  report << "\nONNX cases that would catch a reversed onnx.conv / onnx.convtranspose orientation:";
  int sensitive = 0;
  for (const conf::onnx_case& c : m.cases) {
    BOOST_TEST_CONTEXT(c.name) {
      const auto x = conf::load(c.x).to_doubles();
      const auto w = conf::load(c.w).to_floats();
      const auto y = conf::load(c.y).to_floats();
      std::string how, plan;
      const ref::conv_geometry g = geometry_of(c, how);
      const ref::op_kind kind = c.op == conf::op_kind::conv ? ref::op_kind::forward : ref::op_kind::transpose_direct;
      const std::vector<float> kernel = convert(c, w, kind, g.groups, plan, true);
      const double err = relative_error(run(kind, x, std::vector<double>(kernel.begin(), kernel.end()), g), y);
      const bool constant = std::all_of(w.begin(), w.end(), [&](float v) { return v == w.front(); });
      // A constant kernel cannot see the orientation; a non-constant one must.
      BOOST_CHECK_MESSAGE(constant == (err <= tolerance), c.name << ": constant kernel " << constant << ", error " << err);
      if (err > tolerance) {
        ++sensitive;
        report << " " << c.name << " (error " << fmt_err(err) << ")";
      }
    }
  }
  report << "; " << (m.cases.size() - static_cast<std::size_t>(sensitive)) << " of " << m.cases.size()
         << " cases have a constant W and cannot\n";
  std::cout << report.str() << std::flush;
  BOOST_TEST(sensitive >= 1);
}

// The padding rules the cases rely on, stated on their own numbers (a regression guard for the
// rules, independent of the weights).
BOOST_AUTO_TEST_CASE(onnx_padding_rules_used_by_the_cases) {
  // test_conv_with_autopad_same: SAME_LOWER, in 5, k 3, s 2: total 2, one each side.
  BOOST_TEST((ref::onnx_conv_auto_pad(5, 3, 2, 1, ref::same_mode::lower) == ref::pad_pair{1, 1}));
  // test_convtranspose_autopad_same: SAME_UPPER, in 3, k 3, s 2 -> out 6: total 1, crop at the end.
  BOOST_TEST((ref::onnx_conv_transpose_auto_pad(3, 3, 2, 1, 0, ref::same_mode::upper) == ref::transpose_padding{0, 1, 0}));
  // test_convtranspose_output_shape: s 3, in 3, k 3, out 10: total -1 -> one more element at the end.
  BOOST_TEST((ref::onnx_conv_transpose_auto_pad(3, 3, 3, 1, 0, ref::same_mode::lower, 10) == ref::transpose_padding{0, 0, 1}));
  // test_convtranspose_kernel_shape: the same with output_padding 1: total 0.
  BOOST_TEST((ref::onnx_conv_transpose_auto_pad(3, 3, 3, 1, 1, ref::same_mode::lower, 10) == ref::transpose_padding{0, 0, 1}));
}
