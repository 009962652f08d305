// axle convert-checkpoint --verify — see checkpoint_verify.hpp.
#include "checkpoint_verify.hpp"

#include <axle/catalogue.hpp>
#include <axle/convert.hpp>
#include <axle/npy.hpp>
#include <axle/reference/conv.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <random>

namespace axle::cli {

namespace {

/// The elements as doubles (exact for every float type); nothing for other types.
std::optional<std::vector<double>> as_doubles(axle::dtype t, std::span<const std::byte> b) {
  const std::size_t w = dtype_bits(t) / 8;
  std::vector<double> out(w == 0 ? 0 : b.size() / w);
  for (std::size_t k = 0; k < out.size(); ++k) {
    const std::byte* p = b.data() + k * w;
    switch (t) {
      case axle::dtype::F32: {
        float v;
        std::memcpy(&v, p, 4);
        out[k] = v;
        break;
      }
      case axle::dtype::F64:
        std::memcpy(&out[k], p, 8);
        break;
      case axle::dtype::F16:
      case axle::dtype::BF16: {
        std::uint16_t v;
        std::memcpy(&v, p, 2);
        out[k] = t == axle::dtype::F16 ? npy::half_to_float(v) : npy::bfloat16_to_float(v);
        break;
      }
      default:
        return std::nullopt;
    }
  }
  return out;
}

/// The layout the reference engine takes for an op's semantics, with the conversion's choice of
/// groups: PyTorch's conv, conv-transpose (adjoint), Equinox's conv-transpose (direct, PyTorch's
/// conv layout), PyTorch's depthwise conv.
value::layout engine_layout(const entry_info& op, bool grouped, std::span<const axis_size> sizes) {
  std::string name;
  const int s = op.spatial;
  if (op.family == family::depthwise_conv)
    name = fmt::format("torch.conv{}d:depthwise", s);
  else if (op.semantics == semantics::adjoint)
    name = fmt::format("torch.conv_transpose{}d", s);
  else if (op.semantics == semantics::direct)
    name = fmt::format("equinox.conv_transpose{}d", s);
  else
    name = fmt::format("torch.conv{}d", s);
  const entry_info* e = catalogue::find(name, s);
  if (e == nullptr) throw tool_error(fmt::format("--verify: no reference layout {}", name));
  static_cast<void>(sizes);
  if (op.family == family::depthwise_conv) return *e->weight;
  return grouped ? *e->weight : value::one_group(*e->weight);
}

struct engine_weight {
  std::vector<double> w;
  reference::conv_geometry g;
  reference::op_kind kind = reference::op_kind::forward;
};

/// `values` (in layout `from`, of storage shape `shape`) in the engine's layout for `op`.
engine_weight to_engine(const entry_info& op, const value::layout& from, std::span<const index_t> shape, std::span<const axis_size> sizes,
                        bool grouped, const std::vector<double>& values) {
  const value::layout to = engine_layout(op, grouped, sizes);
  const value::derivation d = value::derive(from, to);
  if (d.error) throw tool_error(fmt::format("--verify: no plan from {} to the reference layout {}", to_string(from), to_string(to)));
  const strided_map m = map_plan(d, shape, sizes);
  engine_weight e;
  e.w.resize(values.size());
  materialize(m, values.data(), e.w.data(), copy_options{.threads = 1});
  // The geometry from the engine layout's atoms.
  index_t G = 1, O = 1, I = 1, M = 1;
  std::vector<index_t> kernel;
  for (int a = 0; a < to.natoms; ++a) {
    const std::string_view n = to.atoms[a].name();
    const index_t x = m.target_atoms.extent[a];
    if (to.atoms[a].spatial())
      kernel.push_back(x);
    else if (n == "G")
      G = x;
    else if (n == "O")
      O = x;
    else if (n == "I")
      I = x;
    else if (n == "M")
      M = x;
  }
  reference::conv_geometry& g = e.g;
  g.spatial = static_cast<int>(kernel.size());
  g.groups = G;
  if (op.family == family::depthwise_conv) {
    g.in_channels = G;
    g.out_channels = G * M;
  } else {
    g.in_channels = G * I;
    g.out_channels = G * O;
  }
  e.kind = op.family == family::conv_transpose
               ? (op.semantics == semantics::adjoint ? reference::op_kind::transpose_adjoint : reference::op_kind::transpose_direct)
               : reference::op_kind::forward;
  for (std::size_t k = 0; k < kernel.size(); ++k) {
    g.kernel[k] = kernel[k];
    // A small input: two output positions per axis.
    g.in[k] = e.kind == reference::op_kind::forward ? kernel[k] + 1 : 2;
  }
  return e;
}

std::vector<double> run(const engine_weight& e, const std::vector<double>& x) {
  std::vector<double> y(static_cast<std::size_t>(reference::y_size(e.g, e.kind)));
  switch (e.kind) {
    case reference::op_kind::forward:
      reference::conv_forward(x.data(), e.w.data(), y.data(), e.g);
      break;
    case reference::op_kind::transpose_adjoint:
      reference::conv_transpose_adjoint(x.data(), e.w.data(), y.data(), e.g);
      break;
    case reference::op_kind::transpose_direct:
      reference::conv_transpose_direct(x.data(), e.w.data(), y.data(), e.g);
      break;
  }
  return y;
}

}  // namespace

bool verifiable(const entry_info& from) {
  return from.spatial > 0 && (from.family == family::conv || from.family == family::conv_transpose || from.family == family::depthwise_conv);
}

verify_result verify_conversion(const verify_request& r, std::span<const std::byte> source, std::span<const std::byte> target) {
  verify_result out;
  if (!verifiable(*r.from)) {
    out.note = "not a convolution weight";
    return out;
  }
  const auto src = as_doubles(r.dtype, source);
  const auto dst = as_doubles(r.dtype, target);
  if (!src || !dst) {
    out.note = fmt::format("{} is not a float type", dtype_name(r.dtype));
    return out;
  }
  const engine_weight a = to_engine(*r.from, r.from_layout, r.from_shape, r.sizes, r.grouped, *src);
  const engine_weight b = to_engine(*r.to, r.to_layout, r.to_shape, r.sizes, r.grouped, *dst);
  if (a.g.in_channels != b.g.in_channels || a.g.out_channels != b.g.out_channels || a.g.groups != b.g.groups || a.g.kernel != b.g.kernel)
    throw tool_error("--verify: the source and target weights describe different convolutions");
  // Work: one multiply-add per weight element and output position.
  double work = static_cast<double>(src->size());
  for (int k = 0; k < a.g.spatial; ++k) work *= static_cast<double>(a.kind == reference::op_kind::forward ? 2 : a.g.kernel[k] + 1);
  if (work > 2e9) {
    out.note = fmt::format("skipped: {:.1e} multiply-adds", work);
    return out;
  }
  std::mt19937_64 rng(0x5eed);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  std::vector<double> x(static_cast<std::size_t>(reference::x_size(a.g, a.kind)));
  for (double& v : x) v = u(rng);
  const std::vector<double> ya = run(a, x);
  const std::vector<double> yb = run(b, x);
  double scale = 1.0, diff = 0.0;
  for (std::size_t k = 0; k < ya.size(); ++k) {
    scale = std::max(scale, std::abs(ya[k]));
    diff = std::max(diff, std::abs(ya[k] - yb[k]));
  }
  out.checked = true;
  out.max_error = diff / scale;
  out.ok = ya.size() == yb.size() && out.max_error <= 1e-9;
  return out;
}

}  // namespace axle::cli
