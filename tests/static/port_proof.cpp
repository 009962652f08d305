// Proved by the compiler: the plan axle derives from PyTorch's ConvTranspose2d layout to
// Equinox's makes the two frameworks compute the same output. PyTorch's op is the adjoint
// (scatter) form; Equinox's correlates the dilated input with its kernel as stored. The weight
// is converted by the derived plan — at compile time, through the same buffer mapping the
// library uses at run time — and both reference implementations run inside static_assert.
#include <axle/axle.hpp>
#include <axle/mapping.hpp>
#include <axle/reference/conv.hpp>

#include <array>
#include <cstddef>

namespace {

using namespace axle;
using namespace axle::axes;
namespace ref = axle::reference;

using torch_conv_transpose2d = layout<merged<G, I>, O, flipped<H>, flipped<W>>;
using equinox_conv_transpose2d = layout<merged<G, O>, I, H, W>;

// Two groups, two input and three output channels per group, a 3x2 kernel, stride 2.
constexpr ref::conv_geometry geometry() {
  ref::conv_geometry g;
  g.spatial = 2;
  g.batch = 1;
  g.groups = 2;
  g.in_channels = 4;
  g.out_channels = 6;
  g.in = {2, 3, 1};
  g.kernel = {3, 2, 1};
  g.stride = {2, 2, 1};
  g.pad_lo = {1, 0, 0};
  g.pad_hi = {0, 1, 0};
  g.output_padding = {1, 0, 0};
  return g;
}
constexpr ref::conv_geometry g = geometry();
constexpr std::size_t x_size = static_cast<std::size_t>(ref::x_size(g, ref::op_kind::transpose_adjoint));
constexpr std::size_t w_size = static_cast<std::size_t>(ref::w_size(g, ref::op_kind::transpose_adjoint));
constexpr std::size_t y_size = static_cast<std::size_t>(ref::y_size(g, ref::op_kind::transpose_adjoint));

template <std::size_t N>
constexpr std::array<long long, N> pattern(long long seed) {
  std::array<long long, N> a{};
  for (std::size_t i = 0; i < N; ++i) a[i] = static_cast<long long>((i * 7 + static_cast<std::size_t>(seed)) % 11) - 5;
  return a;
}

/// The PyTorch weight (4, 3, 3, 2) converted by the derived plan into Equinox's (6, 2, 3, 2).
template <class From, class To>
constexpr std::array<long long, w_size> convert(const std::array<long long, w_size>& w, std::array<index_t, 4> shape) {
  std::array<long long, w_size> out{};
  const std::array<axis_size, 1> groups{{{"G", 2}}};
  const axle::strided_map m = axle::map_plan(detail::derivation<From, To>::value, shape, groups);
  axle::copy_by_index(m, w.data(), out.data());
  return out;
}

constexpr bool outputs_agree() {
  const auto x = pattern<x_size>(1);
  const auto w_torch = pattern<w_size>(4);
  const auto w_equinox = convert<torch_conv_transpose2d, equinox_conv_transpose2d>(w_torch, {4, 3, 3, 2});
  std::array<long long, y_size> y_torch{}, y_equinox{}, y_copied{};
  ref::conv_transpose_adjoint(x.data(), w_torch.data(), y_torch.data(), g);      // PyTorch's semantics
  ref::conv_transpose_direct(x.data(), w_equinox.data(), y_equinox.data(), g);   // Equinox's, converted weight
  ref::conv_transpose_direct(x.data(), w_torch.data(), y_copied.data(), g);      // Equinox's, weight copied as is
  bool nonzero = false;
  for (long long v : y_torch) nonzero = nonzero || v != 0;
  return nonzero && y_torch == y_equinox && y_torch != y_copied;
}

static_assert(std::is_same_v<plan_t<torch_conv_transpose2d, equinox_conv_transpose2d>,
                             plan<split<merged<G, I>, G, I>, swap<O, I>, flip<H, W>, merge<merged<G, O>, G, O>>>);
static_assert(outputs_agree(), "the derived plan makes PyTorch's and Equinox's transposed convolutions agree");

}  // namespace
