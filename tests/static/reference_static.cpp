// Compile-time proofs for the numerical reference engine: everything below is
// a static_assert over tiny int tensors, so compiling this file IS the test
// (there is no main):
//   g++ -std=c++20 -Wall -Wextra -Wpedantic -Werror -Iinclude -fsyntax-only tests/static/reference_static.cpp
//
// With integer data every inner product is exact, so "==" is a proof for these
// tensors and "!=" a disproof.

#include "axle/reference/conv.hpp"
#include "axle/reference/padding.hpp"

#include <array>
#include <cstddef>
#include <type_traits>

namespace {

using namespace axle::reference;

constexpr conv_geometry make(int spatial, index_t groups, index_t ci, index_t co, extents3 in, extents3 k, extents3 s,
                             extents3 d, extents3 lo, extents3 hi) {
  conv_geometry g;
  g.spatial = spatial;
  g.groups = groups;
  g.in_channels = ci;
  g.out_channels = co;
  g.in = in;
  g.kernel = k;
  g.stride = s;
  g.dilation = d;
  g.pad_lo = lo;
  g.pad_hi = hi;
  return g;
}

// Small, asymmetric integer data in [-3, 3].
template <std::size_t N>
constexpr std::array<int, N> pattern(int seed) {
  std::array<int, N> a{};
  for (std::size_t i = 0; i < N; ++i) a[i] = static_cast<int>((i * 5 + static_cast<std::size_t>(seed) * 3 + i * i) % 7) - 3;
  return a;
}

// Test-side per-group swap + spatial flip (1-D or 2-D kernels), from the formula
// K[(g,o), i, k] = W[(g,i), o, K-1-k]; W is (Ci, Co/G, k...) of the transposed geometry t.
// With per_group == false it is the naive global swap of axes 0/1 (+ flip).
template <std::size_t N>
constexpr std::array<int, N> swap_flip(const std::array<int, N>& W, const conv_geometry& t, bool per_group) {
  const index_t G = t.groups, ci = t.in_channels, co = t.out_channels, ipg = ci / G, opg = co / G;
  const index_t k0 = t.kernel[0], k1 = t.spatial > 1 ? t.kernel[1] : 1, vk = k0 * k1;
  std::array<int, N> K{};
  for (index_t r = 0; r < co * ipg; ++r)
    for (index_t a = 0; a < k0; ++a)
      for (index_t b = 0; b < k1; ++b) {
        const index_t row = per_group ? (r / ipg / opg) * ipg + r % ipg : r % ci;
        const index_t col = per_group ? (r / ipg) % opg : r / ci;
        K[static_cast<std::size_t>(r * vk + a * k1 + b)] =
            W[static_cast<std::size_t>((row * opg + col) * vk + (k0 - 1 - a) * k1 + (k1 - 1 - b))];
      }
  return K;
}

enum class transpose_with { adjoint, direct_same_w, direct_per_group, direct_global_swap };

// <conv_forward(x, w), y>  and  <x, T(y)>  for the transposed op T built from the same w.
template <std::size_t NX, std::size_t NW, std::size_t NY>
struct identity_case {
  conv_geometry g;
  std::array<int, NX> x;
  std::array<int, NW> w;
  std::array<int, NY> y;

  constexpr long forward_side() const {
    std::array<int, NY> fx{};
    conv_forward(x.data(), w.data(), fx.data(), g);
    return inner_product(fx.data(), y.data(), static_cast<index_t>(NY));
  }
  constexpr long transpose_side(transpose_with how) const {
    const conv_geometry t = adjoint_geometry(g);
    std::array<int, NX> ty{};
    switch (how) {
      case transpose_with::adjoint: conv_transpose_adjoint(y.data(), w.data(), ty.data(), t); break;
      case transpose_with::direct_same_w: conv_transpose_direct(y.data(), w.data(), ty.data(), t); break;
      case transpose_with::direct_per_group:
        conv_transpose_direct(y.data(), swap_flip(w, t, true).data(), ty.data(), t);
        break;
      case transpose_with::direct_global_swap:
        conv_transpose_direct(y.data(), swap_flip(w, t, false).data(), ty.data(), t);
        break;
    }
    return inner_product(x.data(), ty.data(), static_cast<index_t>(NX));
  }
};

template <conv_geometry G>
constexpr auto make_case(int seed) {
  constexpr auto nx = static_cast<std::size_t>(x_size(G, op_kind::forward));
  constexpr auto nw = static_cast<std::size_t>(w_size(G, op_kind::forward));
  constexpr auto ny = static_cast<std::size_t>(y_size(G, op_kind::forward));
  return identity_case<nx, nw, ny>{G, pattern<nx>(seed), pattern<nw>(seed + 1), pattern<ny>(seed + 2)};
}

// ---- case A: 1-D, groups 1, Ci = Co = 2 (so the forward w also has the shape a direct
// ConvTranspose kernel would have: Equinox's situation), in 5, k 3, stride 2, pads 1|0.
// out = floor((5 + 1 - 3) / 2) + 1 = 2; adjoint output_padding = 5 + 1 - 3 - 2 = 1.
constexpr conv_geometry gA = make(1, 1, 2, 2, {5, 1, 1}, {3, 1, 1}, {2, 1, 1}, {1, 1, 1}, {1, 0, 0}, {0, 0, 0});
static_assert(output_extents(gA, op_kind::forward) == extents3{2, 1, 1});
static_assert(adjoint_geometry(gA).output_padding == extents3{1, 0, 0});
static_assert(output_extents(adjoint_geometry(gA), op_kind::transpose_adjoint) == extents3{5, 1, 1});

constexpr auto A = make_case<gA>(1);
constexpr long A_fwd = A.forward_side();
static_assert(A_fwd != 0);  // the identities below are not 0 == 0
static_assert(A.transpose_side(transpose_with::adjoint) == A_fwd);            // adjoint, same w: holds
static_assert(A.transpose_side(transpose_with::direct_same_w) != A_fwd);      // direct, same w: FAILS
static_assert(A.transpose_side(transpose_with::direct_per_group) == A_fwd);   // direct after swap+flip: holds
static_assert(A.transpose_side(transpose_with::direct_global_swap) == A_fwd); // groups 1: global swap is fine

// ---- case B: 2-D, groups 2, Ci = Co = 4, in 3x4, k 2x2, stride (1,2), dilation (2,1),
// pads lo (1,0) hi (0,1).  axis 0: dk 3, out = 3+1-3+1 = 2, op 0;
// axis 1: dk 2, out = floor((4+1-2)/2)+1 = 2, op = 4+1-2-2 = 1.
constexpr conv_geometry gB = make(2, 2, 4, 4, {3, 4, 1}, {2, 2, 1}, {1, 2, 1}, {2, 1, 1}, {1, 0, 0}, {0, 1, 0});
static_assert(output_extents(gB, op_kind::forward) == extents3{2, 2, 1});
static_assert(adjoint_geometry(gB).output_padding == extents3{0, 1, 0});

constexpr auto B = make_case<gB>(4);
constexpr long B_fwd = B.forward_side();
static_assert(B_fwd != 0);
static_assert(B.transpose_side(transpose_with::adjoint) == B_fwd);
static_assert(B.transpose_side(transpose_with::direct_same_w) != B_fwd);
static_assert(B.transpose_side(transpose_with::direct_per_group) == B_fwd);
static_assert(B.transpose_side(transpose_with::direct_global_swap) != B_fwd);  // groups 2: global swap is WRONG

// The library's conversion equals the test-side per-group swap + flip.
constexpr bool library_conversion_matches() {
  const conv_geometry t = adjoint_geometry(gB);
  std::array<int, B.w.size()> K{};
  direct_kernel_from_adjoint(B.w.data(), K.data(), t);
  return K == swap_flip(B.w, t, true);
}
static_assert(library_conversion_matches());

// ---- hand-computed values
// x = [1 2 3 4 5], w = [1 0 -1], s 2, pads 1|1: x_pad = [0 1 2 3 4 5 0] -> y = [0-2, 2-4, 4-0] = [-2 -2 4]
constexpr conv_geometry gH = make(1, 1, 1, 1, {5, 1, 1}, {3, 1, 1}, {2, 1, 1}, {1, 1, 1}, {1, 0, 0}, {1, 0, 0});
constexpr std::array<int, 3> hand_forward() {
  const std::array<int, 5> x{1, 2, 3, 4, 5};
  const std::array<int, 3> w{1, 0, -1};
  std::array<int, 3> y{};
  conv_forward(x.data(), w.data(), y.data(), gH);
  return y;
}
static_assert(hand_forward() == std::array<int, 3>{-2, -2, 4});

// x = [1 2], kernel [1 2 3], s 2, lo 1, hi 0, output_padding 1 (out 5):
//   adjoint scatter o = 2p - 1 + k:  [1*2, 1*3 + 2*1, 2*2, 2*3, 0] = [2 5 4 6 0]
//   direct: u = [0 1 0 2 0 0 0], y[o] = u[o] + 2u[o+1] + 3u[o+2] = [2 7 4 2 0]
template <op_kind K>
constexpr std::array<int, 5> hand_transposed() {
  conv_geometry g = make(1, 1, 1, 1, {2, 1, 1}, {3, 1, 1}, {2, 1, 1}, {1, 1, 1}, {1, 0, 0}, {0, 0, 0});
  g.output_padding = {1, 0, 0};
  const std::array<int, 2> x{1, 2};
  const std::array<int, 3> w{1, 2, 3};
  std::array<int, 5> y{};
  if constexpr (K == op_kind::transpose_adjoint) conv_transpose_adjoint(x.data(), w.data(), y.data(), g);
  else conv_transpose_direct(x.data(), w.data(), y.data(), g);
  return y;
}
static_assert(hand_transposed<op_kind::transpose_adjoint>() == std::array<int, 5>{2, 5, 4, 6, 0});
static_assert(hand_transposed<op_kind::transpose_direct>() == std::array<int, 5>{2, 7, 4, 2, 0});

// integer accumulation type is the integer itself
static_assert(std::is_same_v<accum_t<int>, int> && std::is_same_v<accum_t<float>, double>);

// ---- validate() is a constant expression exactly for valid geometries
template <conv_geometry G, op_kind K>
concept constant_valid = requires { typename std::integral_constant<int, (validate(G, K), 0)>; };
constexpr conv_geometry with_groups(index_t groups, index_t ci, index_t co) {
  return make(1, groups, ci, co, {4, 1, 1}, {3, 1, 1}, {1, 1, 1}, {1, 1, 1}, {0, 0, 0}, {0, 0, 0});
}
static_assert(constant_valid<gA, op_kind::forward>);
static_assert(constant_valid<with_groups(2, 4, 6), op_kind::transpose_direct>);
static_assert(!constant_valid<with_groups(4, 6, 4), op_kind::forward>);  // in_channels 6 % groups 4
static_assert(!constant_valid<with_groups(2, 4, 5), op_kind::forward>);  // out_channels 5 % groups 2

// ---- padding rules are constexpr too (values worked out in tests/runtime/reference_test.cpp)
static_assert(same_padding(6, 3, 2) == pad_pair{0, 1});
static_assert(torch_same_padding(4) == pad_pair{1, 2});
static_assert(jax_conv_transpose_padding(3, 2, 1, padding_rule::same) == transpose_padding{0, 1, 0});
static_assert(equinox_conv_transpose_padding(1, 3, 1, 1, padding_rule::same) == transpose_padding{0, 0, 1});
static_assert(onnx_conv_transpose_auto_pad(3, 3, 3, 1, 0, same_mode::lower, 10) == transpose_padding{0, 0, 1});

}  // namespace
