// Runtime tests of the numerical reference engine (axle/reference/conv.hpp)
// and of the framework padding rules (axle/reference/padding.hpp).
//
// Boost.Test, header-only variant (no library to link):
//   g++ -std=c++20 -Wall -Wextra -Wpedantic -Werror -Iinclude tests/runtime/reference_test.cpp -o reference_test
//   ./reference_test
//
// No expected value here is produced by the code under test: they are worked
// out by hand (arithmetic in the comments), copied from the ONNX node tests, or
// obtained by running PyTorch (script line quoted next to the numbers); the
// rest are identities between independently implemented operations.

#define BOOST_TEST_MODULE axle_reference
#include <boost/test/unit_test.hpp>

#include "axle/reference/conv.hpp"
#include "axle/reference/padding.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace ref = axle::reference;
using ref::conv_geometry;
using ref::extents3;
using ref::index_t;
using ref::op_kind;

namespace {

// ---------------------------------------------------------------- utilities

template <class T>
std::vector<T> random_vector(std::mt19937_64& gen, index_t n) {
  std::vector<T> v(static_cast<std::size_t>(n));
  for (auto& e : v) e = static_cast<T>(static_cast<double>(gen() >> 11) * 0x1p-52 - 1.0);  // [-1, 1)
  return v;
}

template <class T>
std::vector<T> run(op_kind kind, const std::vector<T>& x, const std::vector<T>& w, const conv_geometry& g) {
  BOOST_REQUIRE_EQUAL(static_cast<index_t>(x.size()), ref::x_size(g, kind));
  BOOST_REQUIRE_EQUAL(static_cast<index_t>(w.size()), ref::w_size(g, kind));
  std::vector<T> y(static_cast<std::size_t>(ref::y_size(g, kind)), T(-999));  // garbage: ops must overwrite
  switch (kind) {
    case op_kind::forward: ref::conv_forward(x.data(), w.data(), y.data(), g); break;
    case op_kind::transpose_adjoint: ref::conv_transpose_adjoint(x.data(), w.data(), y.data(), g); break;
    case op_kind::transpose_direct: ref::conv_transpose_direct(x.data(), w.data(), y.data(), g); break;
  }
  return y;
}

template <class T>
double dot(const std::vector<T>& a, const std::vector<T>& b) {
  BOOST_REQUIRE_EQUAL(a.size(), b.size());
  double s = 0;
  for (std::size_t i = 0; i < a.size(); ++i) s += static_cast<double>(a[i]) * static_cast<double>(b[i]);
  return s;
}

template <class T>
double max_abs_diff(const std::vector<T>& a, const std::vector<T>& b) {
  BOOST_REQUIRE_EQUAL(a.size(), b.size());
  double m = 0;
  for (std::size_t i = 0; i < a.size(); ++i) m = std::max(m, std::abs(static_cast<double>(a[i]) - static_cast<double>(b[i])));
  return m;
}

conv_geometry make(int spatial, index_t batch, index_t groups, index_t ci, index_t co, extents3 in, extents3 k,
                   extents3 s, extents3 d, extents3 lo, extents3 hi, extents3 op = {0, 0, 0}) {
  conv_geometry g;
  g.spatial = spatial;
  g.batch = batch;
  g.groups = groups;
  g.in_channels = ci;
  g.out_channels = co;
  g.in = in;
  g.kernel = k;
  g.stride = s;
  g.dilation = d;
  g.pad_lo = lo;
  g.pad_hi = hi;
  g.output_padding = op;
  return g;
}

// Test-side kernel conversions, written from the index formulas (independent of
// ref::direct_kernel_from_adjoint).  W is (Ci, Co/G, k...) of a transposed
// geometry g; the result is read as (Co, Ci/G, k...).
//   per group : K[(grp,o), i, k] = W[(grp,i), o, K-1-k]
//   global    : K'[c0, c1, k]   = W^T[c0, c1, K-1-k] with W^T the (Co/G, Ci) transpose of W
//               -- the naive "swapaxes(0, 1) + flip" that is wrong for groups > 1.
template <class T>
std::vector<T> swap_flip(const std::vector<T>& W, const conv_geometry& g, bool per_group) {
  const index_t G = g.groups, ci = g.in_channels, co = g.out_channels, ipg = ci / G, opg = co / G;
  index_t kk[3] = {1, 1, 1};
  for (int a = 0; a < g.spatial; ++a) kk[a] = g.kernel[a];
  const index_t vk = kk[0] * kk[1] * kk[2];
  std::vector<T> K(W.size());
  for (index_t dst = 0; dst < static_cast<index_t>(K.size()); ++dst) {
    index_t r = dst;
    const index_t k2 = r % kk[2]; r /= kk[2];
    const index_t k1 = r % kk[1]; r /= kk[1];
    const index_t k0 = r % kk[0]; r /= kk[0];
    const index_t flipped = ((kk[0] - 1 - k0) * kk[1] + (kk[1] - 1 - k1)) * kk[2] + (kk[2] - 1 - k2);
    index_t w_row, w_col;  // source (axis 0, axis 1) of W
    if (per_group) {
      const index_t i = r % ipg, oc = r / ipg;  // K is (Co, Ci/G)
      w_row = (oc / opg) * ipg + i;
      w_col = oc % opg;
    } else {
      const index_t c1 = r % ci, c0 = r / ci;  // W^T is (Co/G, Ci): K'[c0, c1] = W[c1, c0]
      w_row = c1;
      w_col = c0;
    }
    K[static_cast<std::size_t>(dst)] = W[static_cast<std::size_t>((w_row * opg + w_col) * vk + flipped)];
  }
  return K;
}

struct message_contains {
  std::string needle;
  bool operator()(const std::invalid_argument& e) const {
    const bool ok = std::string(e.what()).find(needle) != std::string::npos;
    if (!ok) BOOST_TEST_MESSAGE("message was: " << e.what());
    return ok;
  }
};

// Forward geometries of the random tests.  Output sizes / the output_padding of
// their adjoint geometry, worked out by hand with
//   out = floor((in + lo + hi - dk) / s) + 1,  dk = d(k-1)+1,  op = in + lo + hi - dk - (out-1)s:
//  c1 (1-D, groups 3, even kernel, stride 2, dilation 2, asymmetric pads):
//     dk = 7, out = floor((12+3+1-7)/2)+1 = 5, op = 9 - 8 = 1
//  c2 (2-D depthwise, multiplier 2): axis 0: dk = 3, out = floor(7/2)+1 = 4, op = 7 - 6 = 1
//                                    axis 1: dk = 3, out = 8+1-3+1 = 7, op = 0
//  c3 (3-D, groups 1): axis 0: dk 3, out = floor(4/2)+1 = 3, op 0; axis 1: dk 3, out = floor(3/2)+1 = 2,
//     op = 3 - 2 = 1; axis 2: dk 5, out = 6+3-5+1 = 5, op 0
//  c4 (3-D, groups 2, one output channel per group): axis 0: dk 3, out = 3+1-3+1 = 2; axis 1: dk 2,
//     out = floor(3/2)+1 = 2, op = 3 - 2 = 1; axis 2: out = 3
struct fwd_case {
  const char* name;
  conv_geometry g;
  extents3 out;
  extents3 op;
};
const std::vector<fwd_case>& forward_cases() {
  static const std::vector<fwd_case> cases = {
      {"c1 1-D G3", make(1, 2, 3, 6, 9, {12, 1, 1}, {4, 1, 1}, {2, 1, 1}, {2, 1, 1}, {3, 0, 0}, {1, 0, 0}),
       {5, 1, 1}, {1, 0, 0}},
      {"c2 2-D depthwise x2", make(2, 1, 3, 3, 6, {7, 8, 1}, {3, 2, 1}, {2, 1, 1}, {1, 2, 1}, {1, 0, 0}, {2, 1, 0}),
       {4, 7, 1}, {1, 0, 0}},
      {"c3 3-D G1", make(3, 1, 1, 2, 3, {5, 5, 6}, {3, 2, 3}, {2, 2, 1}, {1, 2, 2}, {2, 0, 1}, {0, 1, 2}),
       {3, 2, 5}, {0, 1, 0}},
      {"c4 3-D G2", make(3, 2, 2, 4, 2, {3, 4, 3}, {2, 2, 1}, {1, 2, 1}, {2, 1, 1}, {1, 0, 0}, {0, 1, 0}),
       {2, 2, 3}, {0, 1, 0}},
  };
  return cases;
}

// Extra transposed geometries: output_padding up to s-1 and beyond, lo > d(k-1)
// (the direct form then crops the dilated input), even kernels.
//  t1: out = (5-1)*3 - 3 - 0 + 3 + 2 = 14
//  t2: axis 0: (4-1)*1 - 0 - 3 + 7 + 0 = 7; axis 1: (3-1)*2 - 1 - 0 + 3 + 1 = 7
std::vector<conv_geometry> transposed_cases() {
  std::vector<conv_geometry> v;
  for (const auto& c : forward_cases()) v.push_back(ref::adjoint_geometry(c.g));
  v.push_back(make(1, 1, 2, 4, 6, {5, 1, 1}, {3, 1, 1}, {3, 1, 1}, {1, 1, 1}, {3, 0, 0}, {0, 0, 0}, {2, 0, 0}));
  v.push_back(make(2, 2, 1, 1, 2, {4, 3, 1}, {2, 3, 1}, {1, 2, 1}, {3, 1, 1}, {0, 1, 0}, {3, 0, 0}, {0, 1, 0}));
  return v;
}

}  // namespace

// ------------------------------------------------------------ hand-computed

BOOST_AUTO_TEST_CASE(hand_forward_1d) {
  // x = [1 2 3 4 5], w = [1 0 -1], s = 2, pads 1|1: x_pad = [0 1 2 3 4 5 0], out = floor((5+2-3)/2)+1 = 3
  // y0 = 0*1 + 1*0 + 2*(-1) = -2 ; y1 = 2 - 4 = -2 ; y2 = 4*1 + 5*0 + 0*(-1) = 4
  const auto g = make(1, 1, 1, 1, 1, {5, 1, 1}, {3, 1, 1}, {2, 1, 1}, {1, 1, 1}, {1, 0, 0}, {1, 0, 0});
  BOOST_TEST(run<double>(op_kind::forward, {1, 2, 3, 4, 5}, {1, 0, -1}, g) == (std::vector<double>{-2, -2, 4}),
             boost::test_tools::per_element());
  // dilation 2, w = [1 10]: y[p] = x[p] + 10 x[p+2] = [1+30, 2+40, 3+50]
  const auto gd = make(1, 1, 1, 1, 1, {5, 1, 1}, {2, 1, 1}, {1, 1, 1}, {2, 1, 1}, {0, 0, 0}, {0, 0, 0});
  BOOST_TEST(run<double>(op_kind::forward, {1, 2, 3, 4, 5}, {1, 10}, gd) == (std::vector<double>{31, 42, 53}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(hand_forward_2d_3d) {
  // 2-D: x = [[1 2 3],[4 5 6],[7 8 9]], w = [[1 2],[3 4]], no padding, stride 1:
  // y00 = 1*1+2*2+4*3+5*4 = 37, y01 = 2+6+15+24 = 47, y10 = 4+10+21+32 = 67, y11 = 5+12+24+36 = 77
  const auto g2 = make(2, 1, 1, 1, 1, {3, 3, 1}, {2, 2, 1}, {1, 1, 1}, {1, 1, 1}, {0, 0, 0}, {0, 0, 0});
  BOOST_TEST(run<double>(op_kind::forward, {1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 2, 3, 4}, g2) ==
                 (std::vector<double>{37, 47, 67, 77}),
             boost::test_tools::per_element());
  // 3-D: x = w = 1..8 on a 2x2x2 grid: one output, sum of squares 1+4+...+64 = 204
  const auto g3 = make(3, 1, 1, 1, 1, {2, 2, 2}, {2, 2, 2}, {1, 1, 1}, {1, 1, 1}, {0, 0, 0}, {0, 0, 0});
  const std::vector<double> v{1, 2, 3, 4, 5, 6, 7, 8};
  BOOST_TEST(run<double>(op_kind::forward, v, v, g3) == (std::vector<double>{204}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(hand_transposed_1d) {
  // x = [1 2], s = 2, lo = 1, hi = 0, output_padding = 1: out = (2-1)*2 - 1 - 0 + 3 + 1 = 5.
  const auto g = make(1, 1, 1, 1, 1, {2, 1, 1}, {3, 1, 1}, {2, 1, 1}, {1, 1, 1}, {1, 0, 0}, {0, 0, 0}, {1, 0, 0});
  // adjoint (scatter), W = [1 2 3]: o = 2p - 1 + k
  //   p=0: k=0 -> o=-1 dropped; k=1 -> y0 += 1*2; k=2 -> y1 += 1*3
  //   p=1: k=0 -> y1 += 2*1; k=1 -> y2 += 2*2; k=2 -> y3 += 2*3; y4 only output padding
  //   y = [2, 5, 4, 6, 0]
  BOOST_TEST(run<double>(op_kind::transpose_adjoint, {1, 2}, {1, 2, 3}, g) == (std::vector<double>{2, 5, 4, 6, 0}),
             boost::test_tools::per_element());
  // direct, K = [1 2 3]: u = zero-dilated x = [1 0 2], padded by d(k-1)-lo = 1 before and
  // d(k-1)-hi+op = 3 after: u = [0 1 0 2 0 0 0]; y[o] = u[o] + 2u[o+1] + 3u[o+2]
  //   y = [0+2+0, 1+0+6, 0+4+0, 2+0+0, 0] = [2, 7, 4, 2, 0]
  BOOST_TEST(run<double>(op_kind::transpose_direct, {1, 2}, {1, 2, 3}, g) == (std::vector<double>{2, 7, 4, 2, 0}),
             boost::test_tools::per_element());
  // ...which is the adjoint with the flipped kernel [3 2 1]
  BOOST_TEST(run<double>(op_kind::transpose_adjoint, {1, 2}, {3, 2, 1}, g) == (std::vector<double>{2, 7, 4, 2, 0}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(hand_groups_are_channel_outer) {
  // forward, groups 2, Ci = 2, Co = 4, k = 1: output channels 0,1 read input channel 0, 2,3 read channel 1.
  // x = [[1 2],[3 4]], w = [10 20 30 40] -> [[10 20],[20 40],[90 120],[120 160]]
  const auto gf = make(1, 1, 2, 2, 4, {2, 1, 1}, {1, 1, 1}, {1, 1, 1}, {1, 1, 1}, {0, 0, 0}, {0, 0, 0});
  BOOST_TEST(run<double>(op_kind::forward, {1, 2, 3, 4}, {10, 20, 30, 40}, gf) ==
                 (std::vector<double>{10, 20, 20, 40, 90, 120, 120, 160}),
             boost::test_tools::per_element());
  // transposed, groups 2, Ci = 4, Co = 2, k = 1; x = [[1 2],[3 4],[5 6],[7 8]]
  // W (4,1,1) = [1 10 100 1000]: y0 = x0 + 10 x1 = [31 42], y1 = 100 x2 + 1000 x3 = [7500 8600]
  // direct K (2,2,1) = per-group swap of W = same flat buffer since Co/G = 1 and k = 1.
  const auto gt = make(1, 1, 2, 4, 2, {2, 1, 1}, {1, 1, 1}, {1, 1, 1}, {1, 1, 1}, {0, 0, 0}, {0, 0, 0});
  const std::vector<double> x{1, 2, 3, 4, 5, 6, 7, 8}, w{1, 10, 100, 1000}, expect{31, 42, 7500, 8600};
  BOOST_TEST(run<double>(op_kind::transpose_adjoint, x, w, gt) == expect, boost::test_tools::per_element());
  BOOST_TEST(run<double>(op_kind::transpose_direct, x, w, gt) == expect, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(wide_accumulation) {
  // 1e8f + 1 == 1e8f in float (spacing 8 there), so a float accumulator gives 0 for
  // 1e8*1 + 1*1 + (-1e8)*1; the required double accumulator gives exactly 1.
  const std::vector<float> x{1e8f, 1.f, -1e8f}, ones{1.f, 1.f, 1.f};
  BOOST_TEST(ref::inner_product(x.data(), ones.data(), 3) == 1.0);
  static_assert(std::is_same_v<decltype(ref::inner_product(x.data(), ones.data(), 3)), double>);
  // products are formed in double too: (1 + 2^-12)^2 = 1 + 2^-11 + 2^-24 needs 25 significant bits
  const float a = 1.f + 0x1p-12f;
  BOOST_TEST(ref::inner_product(&a, &a, 1) == 1.0 + 0x1p-11 + 0x1p-24);
  // 3 input channels -> 1 output channel, 1x1 kernel, one position: y = sum_c x_c * 1
  const auto g = make(1, 1, 1, 3, 1, {1, 1, 1}, {1, 1, 1}, {1, 1, 1}, {1, 1, 1}, {0, 0, 0}, {0, 0, 0});
  BOOST_TEST(run<float>(op_kind::forward, x, ones, g) == (std::vector<float>{1.f}), boost::test_tools::per_element());
  BOOST_TEST(run<float>(op_kind::transpose_adjoint, x, ones, g) == (std::vector<float>{1.f}),
             boost::test_tools::per_element());
  BOOST_TEST(run<float>(op_kind::transpose_direct, x, ones, g) == (std::vector<float>{1.f}),
             boost::test_tools::per_element());
  // same cancellation along a spatial axis (3 taps scattering into one output)
  const auto gs = make(1, 1, 1, 1, 1, {3, 1, 1}, {3, 1, 1}, {1, 1, 1}, {1, 1, 1}, {0, 0, 0}, {0, 0, 0});
  BOOST_TEST(run<float>(op_kind::forward, x, ones, gs) == (std::vector<float>{1.f}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(output_extents_and_sizes) {
  for (const auto& c : forward_cases()) {
    BOOST_TEST_CONTEXT(c.name) {
      BOOST_TEST(ref::output_extents(c.g, op_kind::forward) == c.out, boost::test_tools::per_element());
      const auto t = ref::adjoint_geometry(c.g);
      BOOST_TEST(t.output_padding == c.op, boost::test_tools::per_element());
      BOOST_TEST(t.in == c.out, boost::test_tools::per_element());
      BOOST_TEST(t.in_channels == c.g.out_channels);
      BOOST_TEST(t.out_channels == c.g.in_channels);
      extents3 in_used = {1, 1, 1};
      for (int a = 0; a < c.g.spatial; ++a) in_used[a] = c.g.in[a];
      BOOST_TEST(ref::output_extents(t, op_kind::transpose_adjoint) == in_used, boost::test_tools::per_element());
      BOOST_TEST(ref::output_extents(t, op_kind::transpose_direct) == in_used, boost::test_tools::per_element());
    }
  }
  // c1: x = 2*6*12, w = 9*(6/3)*4, y = 2*9*5
  const auto& g1 = forward_cases()[0].g;
  BOOST_TEST(ref::x_size(g1, op_kind::forward) == 144);
  BOOST_TEST(ref::w_size(g1, op_kind::forward) == 72);
  BOOST_TEST(ref::y_size(g1, op_kind::forward) == 90);
  // unused axes are ignored whatever they hold
  auto g = make(1, 1, 1, 1, 1, {5, 7, 9}, {3, 0, -2}, {2, 0, 0}, {1, 0, 0}, {1, -1, 3}, {1, 4, 4});
  BOOST_TEST(ref::output_extents(g, op_kind::forward) == (extents3{3, 1, 1}), boost::test_tools::per_element());
  BOOST_CHECK_NO_THROW(ref::validate(g, op_kind::forward));
  BOOST_TEST(ref::x_size(g, op_kind::forward) == 5);
}

// ------------------------------------------------------------- random data

BOOST_AUTO_TEST_CASE(adjoint_identity_double) {
  std::mt19937_64 gen(20240601);
  for (const auto& c : forward_cases()) {
    BOOST_TEST_CONTEXT(c.name) {
      const auto t = ref::adjoint_geometry(c.g);
      const auto x = random_vector<double>(gen, ref::x_size(c.g, op_kind::forward));
      const auto w = random_vector<double>(gen, ref::w_size(c.g, op_kind::forward));
      const auto y = random_vector<double>(gen, ref::y_size(c.g, op_kind::forward));
      const double lhs = dot(run(op_kind::forward, x, w, c.g), y);
      const double rhs = dot(x, run(op_kind::transpose_adjoint, y, w, t));  // the SAME w
      BOOST_TEST(std::abs(lhs - rhs) <= 1e-12 * std::max(1.0, std::abs(lhs)), "lhs " << lhs << " rhs " << rhs);
      BOOST_TEST(std::abs(lhs) > 1e-3);  // not a trivially-zero identity

      // negative control: swapping the (asymmetric) pads must break it
      auto bad = t;
      std::swap(bad.pad_lo, bad.pad_hi);
      if (ref::output_extents(bad, op_kind::transpose_adjoint) == ref::output_extents(t, op_kind::transpose_adjoint)) {
        const double wrong = dot(x, run(op_kind::transpose_adjoint, y, w, bad));
        BOOST_TEST(std::abs(lhs - wrong) > 1e-3);
      }
      // the direct form with the same, unconverted w is NOT the adjoint (Equinox's situation)
      const double direct_same_w = dot(x, run(op_kind::transpose_direct, y, w, t));
      BOOST_TEST(std::abs(lhs - direct_same_w) > 1e-3);
      // ... but it is after the per-group swap + flip
      const double direct_conv = dot(x, run(op_kind::transpose_direct, y, swap_flip(w, t, true), t));
      BOOST_TEST(std::abs(lhs - direct_conv) <= 1e-12 * std::max(1.0, std::abs(lhs)));
    }
  }
}

BOOST_AUTO_TEST_CASE(adjoint_identity_float) {
  std::mt19937_64 gen(7);
  for (const auto& c : forward_cases()) {
    BOOST_TEST_CONTEXT(c.name) {
      const auto t = ref::adjoint_geometry(c.g);
      const auto x = random_vector<float>(gen, ref::x_size(c.g, op_kind::forward));
      const auto w = random_vector<float>(gen, ref::w_size(c.g, op_kind::forward));
      const auto y = random_vector<float>(gen, ref::y_size(c.g, op_kind::forward));
      const double lhs = dot(run(op_kind::forward, x, w, c.g), y);
      const double rhs = dot(x, run(op_kind::transpose_adjoint, y, w, t));
      BOOST_TEST(std::abs(lhs - rhs) <= 1e-5 * std::max(1.0, std::abs(lhs)));
      // float results are the double results rounded once (double accumulation inside)
      const std::vector<double> xd(x.begin(), x.end()), wd(w.begin(), w.end());
      const auto yd = run(op_kind::forward, xd, wd, c.g);
      const auto yf = run(op_kind::forward, x, w, c.g);
      // (|float(v) - v| <= 2^-24 |v| for correct rounding; a float accumulator would miss this)
      for (std::size_t i = 0; i < yf.size(); ++i)
        BOOST_TEST(std::abs(static_cast<double>(yf[i]) - yd[i]) <= 0x1p-24 * (1 + 1e-9) * std::abs(yd[i]) + 1e-300);
    }
  }
}

BOOST_AUTO_TEST_CASE(direct_equals_adjoint_after_per_group_swap_flip) {
  std::mt19937_64 gen(99);
  for (const auto& t : transposed_cases()) {
    BOOST_TEST_CONTEXT("groups " << t.groups << " spatial " << t.spatial << " Ci " << t.in_channels) {
      const auto x = random_vector<double>(gen, ref::x_size(t, op_kind::transpose_adjoint));
      const auto W = random_vector<double>(gen, ref::w_size(t, op_kind::transpose_adjoint));
      const auto K = swap_flip(W, t, true);
      const auto y_adj = run(op_kind::transpose_adjoint, x, W, t);
      BOOST_TEST(max_abs_diff(run(op_kind::transpose_direct, x, K, t), y_adj) <= 1e-13);
      // the library conversion agrees with the test-side one, both ways
      std::vector<double> K_lib(W.size()), W_back(W.size());
      ref::direct_kernel_from_adjoint(W.data(), K_lib.data(), t);
      BOOST_TEST(K_lib == K, boost::test_tools::per_element());
      ref::adjoint_kernel_from_direct(K_lib.data(), W_back.data(), t);
      BOOST_TEST(W_back == W, boost::test_tools::per_element());
      // using W as is, without conversion, is wrong
      BOOST_TEST(max_abs_diff(run(op_kind::transpose_direct, x, W, t), y_adj) > 0.1);
    }
  }
}

BOOST_AUTO_TEST_CASE(global_axis_swap_is_wrong_with_groups) {
  // A global transpose of W viewed as a (Ci, Co/G) matrix coincides with the per-group
  // swap when G == 1, and also in the degenerate case Co/G == 1 (a (Ci x 1) matrix
  // transposes by reshaping: this is the transpose of a depthwise forward conv, case c2).
  // Every other grouped case must come out wrong.
  std::mt19937_64 gen(5);
  int wrong = 0, coincide = 0, depthwise = 0;
  for (const auto& t : transposed_cases()) {
    BOOST_TEST_CONTEXT("groups " << t.groups << " spatial " << t.spatial << " Co " << t.out_channels) {
      const auto x = random_vector<double>(gen, ref::x_size(t, op_kind::transpose_adjoint));
      const auto W = random_vector<double>(gen, ref::w_size(t, op_kind::transpose_adjoint));
      const auto y_adj = run(op_kind::transpose_adjoint, x, W, t);
      const double err = max_abs_diff(run(op_kind::transpose_direct, x, swap_flip(W, t, false), t), y_adj);
      if (t.groups > 1 && t.out_channels / t.groups > 1) {
        ++wrong;
        BOOST_TEST(err > 0.1);  // global swap + flip is NOT the conversion
      } else {
        ++coincide;
        depthwise += t.groups > 1;
        BOOST_TEST(err <= 1e-13);
      }
    }
  }
  BOOST_TEST(wrong == 3);      // c1, c4, t1
  BOOST_TEST(coincide == 3);   // c2 (Co/G == 1), c3 and t2 (groups 1)
  BOOST_TEST(depthwise == 1);
}

// --------------------------------------------------------------- validation

BOOST_AUTO_TEST_CASE(validate_reports_field_and_sizes) {
  using E = std::invalid_argument;
  const auto ok = make(2, 1, 1, 1, 1, {4, 4, 1}, {3, 3, 1}, {1, 1, 1}, {1, 1, 1}, {0, 0, 0}, {0, 0, 0});
  BOOST_CHECK_NO_THROW(ref::validate(ok, op_kind::forward));

  auto g = ok;
  g.in_channels = 6;
  g.groups = 4;
  g.out_channels = 4;
  BOOST_CHECK_EXCEPTION(ref::validate(g, op_kind::forward), E,
                        message_contains{"conv_geometry: in_channels 6 is not divisible by groups 4"});
  g = ok;
  g.out_channels = 9;
  g.groups = 2;
  g.in_channels = 2;
  BOOST_CHECK_EXCEPTION(ref::validate(g, op_kind::transpose_direct), E,
                        message_contains{"out_channels 9 is not divisible by groups 2"});
  g = ok;
  g.spatial = 4;
  BOOST_CHECK_EXCEPTION(ref::validate(g, op_kind::forward), E, message_contains{"spatial 4 is not in [1, 3]"});
  g = ok;
  g.kernel[1] = 0;
  BOOST_CHECK_EXCEPTION(ref::validate(g, op_kind::forward), E, message_contains{"kernel[1] = 0 must be >= 1"});
  g = ok;
  g.stride[0] = 0;
  BOOST_CHECK_EXCEPTION(ref::validate(g, op_kind::transpose_adjoint), E, message_contains{"stride[0] = 0"});
  g = ok;
  g.dilation[1] = -1;
  BOOST_CHECK_EXCEPTION(ref::validate(g, op_kind::forward), E, message_contains{"dilation[1] = -1"});
  g = ok;
  g.spatial = 3;
  g.in[2] = 2;
  g.pad_hi[2] = -1;
  BOOST_CHECK_EXCEPTION(ref::validate(g, op_kind::forward), E, message_contains{"pad_hi[2] = -1 must be >= 0"});
  g = ok;
  g.output_padding[0] = 1;
  BOOST_CHECK_EXCEPTION(ref::validate(g, op_kind::forward), E,
                        message_contains{"output_padding[0] = 1 must be 0 for a forward convolution"});
  BOOST_CHECK_NO_THROW(ref::validate(g, op_kind::transpose_adjoint));
  g = ok;
  g.batch = 0;
  BOOST_CHECK_EXCEPTION(ref::validate(g, op_kind::forward), E, message_contains{"batch 0 must be >= 1"});

  // forward: in 2 + 1 + 1 = 4 < dilated kernel d(k-1)+1 = 2*2+1 = 5
  const auto small = make(1, 1, 1, 1, 1, {2, 1, 1}, {3, 1, 1}, {1, 1, 1}, {2, 1, 1}, {1, 0, 0}, {1, 0, 0});
  BOOST_CHECK_EXCEPTION(ref::validate(small, op_kind::forward), E,
                        message_contains{"axis 0: padded input 4 (in 2 + pad_lo 1 + pad_hi 1) is smaller than the "
                                         "dilated kernel 5 (kernel 3, dilation 2)"});
  // transposed: (1-1)*1 - 1 - 0 + 1 + 0 = 0
  const auto empty = make(1, 1, 1, 1, 1, {1, 1, 1}, {1, 1, 1}, {1, 1, 1}, {1, 1, 1}, {1, 0, 0}, {0, 0, 0});
  BOOST_CHECK_EXCEPTION(ref::validate(empty, op_kind::transpose_direct), E,
                        message_contains{"axis 0: transposed output size 0"});

  // the ops validate too
  std::vector<double> buf(64);
  BOOST_CHECK_THROW(ref::conv_forward(buf.data(), buf.data(), buf.data(), small), E);
  BOOST_CHECK_THROW(ref::conv_transpose_adjoint(buf.data(), buf.data(), buf.data(), empty), E);
  BOOST_CHECK_THROW(ref::conv_transpose_direct(buf.data(), buf.data(), buf.data(), empty), E);
  BOOST_CHECK_THROW(ref::adjoint_geometry(small), E);
}

// ------------------------------------------------------------ padding rules

BOOST_AUTO_TEST_CASE(forward_same_padding_by_hand) {
  using ref::pad_pair;
  using ref::same_mode;
  // total = max((ceil(in/s) - 1) s + d(k-1) + 1 - in, 0)
  BOOST_TEST((ref::same_padding(5, 3, 2) == pad_pair{1, 1}));   // out 3: 4 + 3 - 5 = 2
  BOOST_TEST((ref::same_padding(6, 3, 2) == pad_pair{0, 1}));   // out 3: 4 + 3 - 6 = 1, extra at the end
  BOOST_TEST((ref::same_padding(6, 3, 2, 1, same_mode::lower) == pad_pair{1, 0}));
  BOOST_TEST((ref::same_padding(7, 2, 1, 2) == pad_pair{1, 1}));  // dk 3: 6 + 3 - 7 = 2
  BOOST_TEST((ref::same_padding(4, 1, 3) == pad_pair{0, 0}));     // out 2: 3 + 1 - 4 = 0
  BOOST_TEST((ref::same_padding(9, 4, 2) == pad_pair{1, 2}));     // out 5: 8 + 4 - 9 = 3
  BOOST_TEST((ref::same_padding(2, 1, 5) == pad_pair{0, 0}));     // out 1: 0 + 1 - 2 < 0 -> 0
  // ONNX Conv auto_pad, transcribed from ONNX's residual formulation: same numbers
  BOOST_TEST((ref::onnx_conv_auto_pad(6, 3, 2, 1, same_mode::upper) == pad_pair{0, 1}));
  BOOST_TEST((ref::onnx_conv_auto_pad(6, 3, 2, 1, same_mode::lower) == pad_pair{1, 0}));
  BOOST_TEST((ref::onnx_conv_auto_pad(9, 4, 2, 1, same_mode::lower) == pad_pair{2, 1}));
  // ... and on a grid the two transcriptions agree, and give out = ceil(in/s)
  for (index_t in = 1; in <= 20; ++in)
    for (index_t k = 1; k <= 5; ++k)
      for (index_t s = 1; s <= 4; ++s)
        for (index_t d = 1; d <= 3; ++d)
          for (auto mode : {same_mode::upper, same_mode::lower}) {
            const auto p = ref::same_padding(in, k, s, d, mode);
            BOOST_TEST((p == ref::onnx_conv_auto_pad(in, k, s, d, mode)));
            BOOST_TEST((in + p.lo + p.hi - (d * (k - 1) + 1)) / s + 1 == (in + s - 1) / s);
            BOOST_TEST(p.hi - p.lo == (mode == same_mode::upper ? (p.lo + p.hi) % 2 : -((p.lo + p.hi) % 2)));
          }
}

BOOST_AUTO_TEST_CASE(torch_same_padding_matches_torch) {
  using ref::pad_pair;
  BOOST_TEST((ref::torch_same_padding(4) == pad_pair{1, 2}));     // total 3
  BOOST_TEST((ref::torch_same_padding(3, 2) == pad_pair{2, 2}));  // total 4
  BOOST_TEST((ref::torch_same_padding(2, 3) == pad_pair{1, 2}));  // total 3
  BOOST_CHECK_THROW(ref::torch_same_padding(3, 1, 2), std::invalid_argument);
  // Values from PyTorch 1.13 (/usr/bin/python3):
  //   x = torch.tensor([[[1.,2,3,4,5]]], dtype=torch.float64)
  //   F.conv1d(x, torch.tensor([[[1.,10,100,1000]]]), padding='same')        -> [3210, 4321, 5432, 543, 54]
  //   F.conv1d(x, torch.tensor([[[1.,10]]]), padding='same', dilation=3)     -> [30, 41, 52, 3, 4]
  const std::vector<double> x{1, 2, 3, 4, 5};
  {
    const auto p = ref::torch_same_padding(4);
    const auto g = make(1, 1, 1, 1, 1, {5, 1, 1}, {4, 1, 1}, {1, 1, 1}, {1, 1, 1}, {p.lo, 0, 0}, {p.hi, 0, 0});
    BOOST_TEST(run(op_kind::forward, x, {1, 10, 100, 1000}, g) == (std::vector<double>{3210, 4321, 5432, 543, 54}),
               boost::test_tools::per_element());
  }
  {
    const auto p = ref::torch_same_padding(2, 3);
    const auto g = make(1, 1, 1, 1, 1, {5, 1, 1}, {2, 1, 1}, {1, 1, 1}, {3, 1, 1}, {p.lo, 0, 0}, {p.hi, 0, 0});
    BOOST_TEST(run(op_kind::forward, x, {1, 10}, g) == (std::vector<double>{30, 41, 52, 3, 4}),
               boost::test_tools::per_element());
  }
}

BOOST_AUTO_TEST_CASE(onnx_conv_transpose_by_hand) {
  using ref::same_mode;
  using ref::transpose_padding;
  // in 3, k 3, s 2: total = 2*2 + op + 3 - out
  BOOST_TEST((ref::onnx_conv_transpose_auto_pad(3, 3, 2, 1, 0, same_mode::upper) == transpose_padding{0, 1, 0}));  // 1
  BOOST_TEST((ref::onnx_conv_transpose_auto_pad(3, 3, 2, 1, 0, same_mode::lower) == transpose_padding{1, 0, 0}));
  BOOST_TEST((ref::onnx_conv_transpose_auto_pad(3, 3, 2, 1, 1, same_mode::upper) == transpose_padding{1, 1, 1}));  // 2
  BOOST_TEST((ref::onnx_conv_transpose_auto_pad(3, 3, 2, 1, 0, same_mode::upper, 7) == transpose_padding{0, 0, 0}));
  // output_shape 10 with in 3, k 3, s 3: total = 6 + 3 - 10 = -1; "Else" rule: begin = -1 - floor(-1/2) = 0,
  // end = -1 -> one extra output row, i.e. output_padding 1
  BOOST_TEST((ref::onnx_conv_transpose_auto_pad(3, 3, 3, 1, 0, same_mode::lower, 10) == transpose_padding{0, 0, 1}));
  // k 1 < s 2 with SAME_UPPER: total = 4 + 1 - 6 = -1, begin = floor(-1/2) = -1: not representable
  BOOST_CHECK_THROW(ref::onnx_conv_transpose_auto_pad(3, 1, 2, 1, 0, same_mode::upper), std::invalid_argument);
  // dilation: k 3, d 2 -> dk 5; in 4, s 2, out 8: total = 6 + 5 - 8 = 3 -> upper (1, 2)
  BOOST_TEST((ref::onnx_conv_transpose_auto_pad(4, 3, 2, 2, 0, same_mode::upper) == transpose_padding{1, 2, 0}));
}

// Expected outputs copied from the ONNX node tests shipped with onnx 1.12
// (onnx/backend/test/case/node/convtranspose.py): x = 0..8 as 3x3, W = ones (1, 2, 3, 3).
BOOST_AUTO_TEST_CASE(onnx_node_tests_reproduced) {
  using ref::same_mode;
  std::vector<double> x(9);
  for (int i = 0; i < 9; ++i) x[static_cast<std::size_t>(i)] = i;
  const std::vector<double> W(18, 1.0);
  const auto geometry = [](ref::transpose_padding p0, ref::transpose_padding p1, extents3 s) {
    return make(2, 1, 1, 1, 2, {3, 3, 1}, {3, 3, 1}, s, {1, 1, 1}, {p0.lo, p1.lo, 0}, {p0.hi, p1.hi, 0},
                {p0.output_padding, p1.output_padding, 0});
  };
  const auto twice = [](std::vector<double> v) {
    const auto n = v.size();
    v.resize(2 * n);
    std::copy_n(v.begin(), n, v.begin() + static_cast<std::ptrdiff_t>(n));
    return v;
  };
  {  // test_convtranspose_autopad_same: auto_pad="SAME_UPPER", strides=[2, 2] -> (1, 2, 6, 6)
    const auto p = ref::onnx_conv_transpose_auto_pad(3, 3, 2, 1, 0, same_mode::upper);
    const auto y = run(op_kind::transpose_adjoint, x, W, geometry(p, p, {2, 2, 1}));
    BOOST_TEST(y == twice({0, 0, 1, 1, 3, 2,   0, 0, 1, 1, 3, 2,   3, 3, 8, 5, 12, 7,
                           3, 3, 7, 4, 9, 5,   9, 9, 20, 11, 24, 13, 6, 6, 13, 7, 15, 8}),
               boost::test_tools::per_element());
  }
  {  // test_convtranspose_output_shape: strides=[3, 2], output_shape=[10, 8] (auto_pad NOTSET -> "Else" rule)
    const auto p0 = ref::onnx_conv_transpose_auto_pad(3, 3, 3, 1, 0, same_mode::lower, 10);
    const auto p1 = ref::onnx_conv_transpose_auto_pad(3, 3, 2, 1, 0, same_mode::lower, 8);
    const auto y = run(op_kind::transpose_adjoint, x, W, geometry(p0, p1, {3, 2, 1}));
    const std::vector<double> r0{0, 0, 1, 1, 3, 2, 2, 0}, r1{3, 3, 7, 4, 9, 5, 5, 0}, r2{6, 6, 13, 7, 15, 8, 8, 0},
        r3(8, 0.0);
    std::vector<double> one;
    for (const auto* r : {&r0, &r0, &r0, &r1, &r1, &r1, &r2, &r2, &r2, &r3}) one.insert(one.end(), r->begin(), r->end());
    BOOST_TEST(y == twice(one), boost::test_tools::per_element());
  }
  {  // test_convtranspose_pads: strides=[3, 2], pads=[1, 2, 1, 2] -> (1, 2, 7, 3); ONNX pads = engine lo/hi
    const auto y = run(op_kind::transpose_adjoint, x, W, geometry({1, 1, 0}, {2, 2, 0}, {3, 2, 1}));
    BOOST_TEST(y == twice({1, 1, 3, 1, 1, 3, 7, 4, 9, 7, 4, 9, 7, 4, 9, 13, 7, 15, 13, 7, 15}),
               boost::test_tools::per_element());
  }
  {  // test_convtranspose_dilations: x (1,1,3,3), W (1,1,2,2), dilations=[2, 2] -> (1, 1, 5, 5)
    const auto g = make(2, 1, 1, 1, 1, {3, 3, 1}, {2, 2, 1}, {1, 1, 1}, {2, 2, 1}, {0, 0, 0}, {0, 0, 0});
    const auto y = run<double>(op_kind::transpose_adjoint, {3, 8, 1, 9, 5, 7, 3, 2, 6}, {7, 2, 1, 9}, g);
    BOOST_TEST(y == (std::vector<double>{21, 56, 13, 16, 2, 63, 35, 67, 10, 14, 24, 22, 76, 76, 21,
                                         9,  5,  88, 45, 63, 3, 2,  33, 18, 54}),
               boost::test_tools::per_element());
  }
}

BOOST_AUTO_TEST_CASE(tf_jax_equinox_transpose_rules) {
  using ref::padding_rule;
  using ref::transpose_padding;
  // TF, by hand: forward pads of an input of extent `out`, output_padding = out + lo + hi - dk - (in-1)s
  //   SAME  in 3, out 6, k 3, s 2: fwd SAME on 6 -> out 3, total 4+3-6 = 1 -> (0,1); 6+1-3 = 4 = (3-1)*2 -> op 0
  BOOST_TEST((ref::tf_conv_transpose_padding(3, 6, 3, 2, 1, padding_rule::same) == transpose_padding{0, 1, 0}));
  //   SAME  in 3, out 5: fwd SAME on 5 -> total 4+3-5 = 2 -> (1,1); 5+2-3 = 4 -> op 0
  BOOST_TEST((ref::tf_conv_transpose_padding(3, 5, 3, 2, 1, padding_rule::same) == transpose_padding{1, 1, 0}));
  //   VALID in 3, out 8: floor((8-3)/2)+1 = 3 ok; op = 8 - 3 - 4 = 1
  BOOST_TEST((ref::tf_conv_transpose_padding(3, 8, 3, 2, 1, padding_rule::valid) == transpose_padding{0, 0, 1}));
  //   SAME  in 3, out 9: ceil(9/2) = 5 != 3 -> TF rejects
  BOOST_CHECK_THROW(ref::tf_conv_transpose_padding(3, 9, 3, 2, 1, padding_rule::same), std::invalid_argument);

  // JAX _conv_transpose_padding by hand (k below is the dilated extent):
  //   k 3, s 2 SAME : pad_len 3, s > k-1 false -> pad_a = ceil(3/2) = 2, pad_b = 1 -> lo = 2-2 = 0, hi = 2-1 = 1
  BOOST_TEST((ref::jax_conv_transpose_padding(3, 2, 1, padding_rule::same) == transpose_padding{0, 1, 0}));
  //   k 4, s 2 SAME : pad_len 4, pad_a 2, pad_b 2 -> (1, 1)
  BOOST_TEST((ref::jax_conv_transpose_padding(4, 2, 1, padding_rule::same) == transpose_padding{1, 1, 0}));
  //   k 1, s 3 SAME : pad_len 2, s > 0 -> pad_a = 0, pad_b = 2 -> lo 0, 0-2 = -2 -> output_padding 2
  BOOST_TEST((ref::jax_conv_transpose_padding(1, 3, 1, padding_rule::same) == transpose_padding{0, 0, 2}));
  //   k 3, d 2 (dk 5), s 2 SAME: pad_len 5, pad_a = 3, pad_b = 2 -> (1, 2)
  BOOST_TEST((ref::jax_conv_transpose_padding(3, 2, 2, padding_rule::same) == transpose_padding{1, 2, 0}));
  //   k 3, s 2 VALID: pad_len 3 + 1 = 4, pad_a 2, pad_b 2 -> (0, 0)
  BOOST_TEST((ref::jax_conv_transpose_padding(3, 2, 1, padding_rule::valid) == transpose_padding{0, 0, 0}));
  //   k 2, s 3 VALID: pad_len 3, pad_a 1, pad_b 2 -> lo 0, 1-2 = -1 -> output_padding 1
  BOOST_TEST((ref::jax_conv_transpose_padding(2, 3, 1, padding_rule::valid) == transpose_padding{0, 0, 1}));
  BOOST_CHECK_THROW(ref::jax_conv_transpose_padding(2, 3, 1, padding_rule::same_lower), std::invalid_argument);

  // Equinox _padding_transpose by hand: p_sum = d(k-1) - s + a + 1
  //   k 3, s 2, a 0: p_sum 1 -> SAME (0, 1), SAME_LOWER (1, 0)
  BOOST_TEST((ref::equinox_conv_transpose_padding(3, 2, 1, 0, padding_rule::same) == transpose_padding{0, 1, 0}));
  BOOST_TEST((ref::equinox_conv_transpose_padding(3, 2, 1, 0, padding_rule::same_lower) == transpose_padding{1, 0, 0}));
  //   k 3, s 2, a 1: p_sum 2 -> (1, 1), out = (in-1)*2 - 2 + 3 = 2 in - 1 = in*s - a
  BOOST_TEST((ref::equinox_conv_transpose_padding(3, 2, 1, 1, padding_rule::same) == transpose_padding{1, 1, 0}));
  //   k 1, s 3, a 1: p_sum = 0 - 3 + 1 + 1 = -1 -> a' = 1, (0, 0)
  BOOST_TEST((ref::equinox_conv_transpose_padding(1, 3, 1, 1, padding_rule::same) == transpose_padding{0, 0, 1}));
  BOOST_TEST((ref::equinox_conv_transpose_padding(3, 2, 1, 1, padding_rule::valid) == transpose_padding{0, 0, 1}));

  // Grid: properties stated by the sources, checked across independent transcriptions.
  for (index_t in = 1; in <= 7; ++in)
    for (index_t k = 1; k <= 5; ++k)
      for (index_t s = 1; s <= 4; ++s)
        for (index_t d = 1; d <= 3; ++d) {
          const index_t dk = d * (k - 1) + 1;
          const auto out_of = [&](const transpose_padding& p) { return (in - 1) * s - p.lo - p.hi + dk + p.output_padding; };
          // JAX SAME -> in*s and equals TF SAME with output_shape in*s (both "Keras Conv2DTranspose")
          const auto js = ref::jax_conv_transpose_padding(k, s, d, padding_rule::same);
          BOOST_TEST(out_of(js) == in * s);
          BOOST_TEST((js == ref::tf_conv_transpose_padding(in, in * s, k, s, d, padding_rule::same)));
          // JAX VALID -> (in-1)s + max(dk, s) and equals TF VALID with that output_shape
          const auto jv = ref::jax_conv_transpose_padding(k, s, d, padding_rule::valid);
          BOOST_TEST(out_of(jv) == (in - 1) * s + std::max(dk, s));
          BOOST_TEST((jv == ref::tf_conv_transpose_padding(in, (in - 1) * s + std::max(dk, s), k, s, d, padding_rule::valid)));
          for (index_t a = 0; a < s; ++a) {
            // Equinox SAME: out = in*s - a, and it is the adjoint geometry of the forward SAME
            // conv ("the equivalent Conv") over an input of extent in*s - a
            for (auto rule : {padding_rule::same, padding_rule::same_lower}) {
              const auto e = ref::equinox_conv_transpose_padding(k, s, d, a, rule);
              BOOST_TEST(out_of(e) == in * s - a);
              const index_t n = in * s - a;
              const auto fp = ref::same_padding(n, k, s, d, rule == padding_rule::same ? ref::same_mode::upper
                                                                                       : ref::same_mode::lower);
              const auto t = ref::adjoint_geometry(make(1, 1, 1, 1, 1, {n, 1, 1}, {k, 1, 1}, {s, 1, 1}, {d, 1, 1},
                                                        {fp.lo, 0, 0}, {fp.hi, 0, 0}));
              BOOST_TEST(t.in[0] == in);
              BOOST_TEST((e == transpose_padding{t.pad_lo[0], t.pad_hi[0], t.output_padding[0]}));
            }
          }
          // Equinox SAME with output_padding 0 == JAX SAME
          BOOST_TEST((ref::equinox_conv_transpose_padding(k, s, d, 0, padding_rule::same) == js));
        }
}
