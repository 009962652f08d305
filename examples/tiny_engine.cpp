// A tiny C++ inference engine whose kernels declare the layouts they read, fed with a PyTorch
// checkpoint whose tensors are typed as PyTorch stores them.
//
//   engine      activations NHWC, convolution weights HWIO, transposed convolutions as a direct
//               correlation with the canonical kernel ((G, O), I, H, W), dense weights (I, O)
//   checkpoint  Conv2d (O, I, H, W), ConvTranspose2d ((G, I), O, H~, W~), Linear (O, I),
//               input NCHW
//
// A weight of the wrong layout does not compile: the kernel's parameter type says what it reads,
// and the error says how to get there. The conversion is explicit, once, at load time: convert
// (a copy, prepacked for the kernel) or layout_cast (zero-copy, when the plan allows).
//
// The result is checked against axle's reference engine run on the PyTorch tensors as stored.
#include <axle/axle.hpp>
#include <axle/convert.hpp>
#include <axle/format.hpp>
#include <axle/reference/conv.hpp>
#include <axle/tensor.hpp>
#include <axle/view.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

using namespace axle::axes;
using axle::index_t;
using axle::layout;
using axle::tensor;
using axle::tensor_view;

// --- the engine --------------------------------------------------------------------------------

namespace engine {

using activation = layout<N, H, W, C>;
using conv_weight = layout<H, W, I, O>;                        // like TFLite / XNNPACK
using conv_transpose_weight = layout<axle::merged<G, O>, I, H, W>;  // the canonical correlation kernel
using dense_weight = layout<I, O>;
using bias = layout<O>;
using features = layout<N, C>;

/// y = x ⋆ w + b, stride 1, no padding.
tensor<float, activation> conv2d(tensor_view<const float, activation> x, tensor_view<const float, conv_weight> w,
                                 tensor_view<const float, bias> b) {
  const index_t kh = w.extent(H{}), kw = w.extent(W{});
  tensor<float, activation> y({x.extent(N{}), x.extent(H{}) - kh + 1, x.extent(W{}) - kw + 1, w.extent(O{})});
  for (index_t n = 0; n < y.extent(N{}); ++n)
    for (index_t h = 0; h < y.extent(H{}); ++h)
      for (index_t q = 0; q < y.extent(W{}); ++q)
        for (index_t o = 0; o < w.extent(O{}); ++o) {
          float acc = b(O{o});
          for (index_t dh = 0; dh < kh; ++dh)
            for (index_t dw = 0; dw < kw; ++dw)
              for (index_t i = 0; i < w.extent(I{}); ++i) acc += x(N{n}, H{h + dh}, W{q + dw}, C{i}) * w(H{dh}, W{dw}, I{i}, O{o});
          y(N{n}, H{h}, W{q}, C{o}) = acc;
        }
  return y;
}

/// The transposed convolution as a correlation of the zero-stuffed, (k - 1)-padded input with the
/// canonical kernel, group by group: stride s, no padding, output (in - 1)·s + k.
tensor<float, activation> conv_transpose2d(tensor_view<const float, activation> x, tensor_view<const float, conv_transpose_weight> k,
                                           index_t stride) {
  const index_t groups = k.extent(G{}), opg = k.extent(O{}), ipg = k.extent(I{});
  const index_t kh = k.extent(H{}), kw = k.extent(W{});
  const index_t in_h = x.extent(H{}), in_w = x.extent(W{});
  tensor<float, activation> y({x.extent(N{}), (in_h - 1) * stride + kh, (in_w - 1) * stride + kw, groups * opg});
  for (index_t n = 0; n < y.extent(N{}); ++n)
    for (index_t g = 0; g < groups; ++g)
      for (index_t o = 0; o < opg; ++o)
        for (index_t h = 0; h < y.extent(H{}); ++h)
          for (index_t q = 0; q < y.extent(W{}); ++q) {
            float acc = 0;
            for (index_t dh = 0; dh < kh; ++dh)
              for (index_t dw = 0; dw < kw; ++dw) {
                const index_t th = h + dh - (kh - 1), tw = q + dw - (kw - 1);  // into the zero-stuffed input
                if (th < 0 || tw < 0 || th % stride != 0 || tw % stride != 0 || th / stride >= in_h || tw / stride >= in_w) continue;
                for (index_t i = 0; i < ipg; ++i)
                  acc += x(N{n}, H{th / stride}, W{tw / stride}, C{g * ipg + i}) * k(G{g}, O{o}, I{i}, H{dh}, W{dw});
              }
            y(N{n}, H{h}, W{q}, C{g * opg + o}) = acc;
          }
  return y;
}

tensor<float, features> global_average_pool(tensor_view<const float, activation> x) {
  tensor<float, features> y({x.extent(N{}), x.extent(C{})});
  const float scale = 1.0f / static_cast<float>(x.extent(H{}) * x.extent(W{}));
  for (index_t n = 0; n < x.extent(N{}); ++n)
    for (index_t c = 0; c < x.extent(C{}); ++c) {
      float s = 0;
      for (index_t h = 0; h < x.extent(H{}); ++h)
        for (index_t q = 0; q < x.extent(W{}); ++q) s += x(N{n}, H{h}, W{q}, C{c});
      y(N{n}, C{c}) = s * scale;
    }
  return y;
}

tensor<float, features> dense(tensor_view<const float, features> x, tensor_view<const float, dense_weight> w, tensor_view<const float, bias> b) {
  tensor<float, features> y({x.extent(N{}), w.extent(O{})});
  for (index_t n = 0; n < x.extent(N{}); ++n)
    for (index_t o = 0; o < w.extent(O{}); ++o) {
      float acc = b(O{o});
      for (index_t i = 0; i < w.extent(I{}); ++i) acc += x(N{n}, C{i}) * w(I{i}, O{o});
      y(N{n}, C{o}) = acc;
    }
  return y;
}

void relu(tensor_view<float, activation> x) {
  for (index_t n = 0; n < x.extent(N{}); ++n)
    for (index_t h = 0; h < x.extent(H{}); ++h)
      for (index_t q = 0; q < x.extent(W{}); ++q)
        for (index_t c = 0; c < x.extent(C{}); ++c) x(n, h, q, c) = std::max(x(n, h, q, c), 0.0f);
}

}  // namespace engine

// --- the checkpoint, typed as PyTorch stores it ------------------------------------------------

namespace torch_layout {
using conv2d = layout<O, I, H, W>;                                          // nn.Conv2d.weight
using conv_transpose2d = layout<axle::merged<G, I>, O, axle::flipped<H>, axle::flipped<W>>;  // nn.ConvTranspose2d.weight
using linear = layout<O, I>;                                                // nn.Linear.weight (out, in)
using bias = layout<O>;
using input = layout<N, C, H, W>;                                           // NCHW
}  // namespace torch_layout

struct checkpoint {
  static constexpr index_t groups = 2;
  tensor<float, torch_layout::conv2d> conv1_weight{{4, 3, 3, 3}};
  tensor<float, torch_layout::bias> conv1_bias{{4}};
  tensor<float, torch_layout::conv_transpose2d> up_weight{{4, 3, 2, 2}, axle::axis_size{"G", groups}};  // 4 -> 6 channels
  tensor<float, torch_layout::linear> fc_weight{{5, 6}};
  tensor<float, torch_layout::bias> fc_bias{{5}};
};

/// Deterministic pseudo-random numbers in [-1, 1).
void fill(std::span<float> values, std::uint32_t seed) {
  for (float& v : values) {
    seed = seed * 1664525u + 1013904223u;
    v = static_cast<float>(seed >> 8) / static_cast<float>(1u << 23) - 1.0f;
  }
}
template <class Tensor>
void fill(Tensor& t, std::uint32_t seed) {
  fill(std::span<float>(t.data(), t.size()), seed);
}

// --- loading: the explicit conversion, once -----------------------------------------------------

struct model {
  tensor<float, engine::conv_weight> conv1;                  // prepacked: a copy in the kernel's layout
  tensor_view<const float, engine::bias> conv1_bias;
  tensor<float, engine::conv_transpose_weight> up;           // split G, swap O and I inside each group, flip H and W
  tensor_view<const float, engine::dense_weight> fc;         // zero-copy: (O, I) seen as (I, O)
  tensor_view<const float, engine::bias> fc_bias;
};

model load(const checkpoint& ckpt) {
  // engine::conv2d(x, ckpt.conv1_weight, ...) does not compile; the first error line is
  //   axle::layout_mismatch<axle::expected<H, W, I, O>, axle::got<O, I, H, W>,
  //                         axle::fix<axle::permute<axle::order<O, I, H, W>, axle::order<H, W, I, O>>>>
  return model{
      axle::convert<engine::conv_weight>(ckpt.conv1_weight),
      ckpt.conv1_bias,
      axle::convert<engine::conv_transpose_weight>(ckpt.up_weight),
      axle::layout_cast<engine::dense_weight>(ckpt.fc_weight),
      ckpt.fc_bias,
  };
}

tensor<float, engine::features> run(const model& m, tensor_view<const float, engine::activation> x) {
  tensor<float, engine::activation> a = engine::conv2d(x, m.conv1, m.conv1_bias);
  engine::relu(a);
  const tensor<float, engine::activation> b = engine::conv_transpose2d(a, m.up, 2);
  const tensor<float, engine::features> pooled = engine::global_average_pool(b);
  return engine::dense(pooled, m.fc, m.fc_bias);
}

// --- the same network on the reference engine, with the PyTorch tensors as stored ---------------

std::vector<float> reference(const checkpoint& ckpt, tensor_view<const float, torch_layout::input> x) {
  namespace ref = axle::reference;
  const index_t batch = x.extent(N{});
  ref::conv_geometry g1;
  g1.batch = batch;
  g1.in_channels = 3;
  g1.out_channels = 4;
  g1.in = {8, 8, 1};
  g1.kernel = {3, 3, 1};
  std::vector<float> a(static_cast<std::size_t>(ref::y_size(g1, ref::op_kind::forward)));
  ref::conv_forward(x.data(), ckpt.conv1_weight.data(), a.data(), g1);
  const auto out1 = ref::output_extents(g1, ref::op_kind::forward);
  for (index_t n = 0; n < batch; ++n)
    for (index_t c = 0; c < 4; ++c)
      for (index_t p = 0; p < out1[0] * out1[1]; ++p) {
        float& v = a[static_cast<std::size_t>((n * 4 + c) * out1[0] * out1[1] + p)];
        v = std::max(v + ckpt.conv1_bias(O{c}), 0.0f);
      }
  ref::conv_geometry g2;
  g2.batch = batch;
  g2.groups = checkpoint::groups;
  g2.in_channels = 4;
  g2.out_channels = 6;
  g2.in = {out1[0], out1[1], 1};
  g2.kernel = {2, 2, 1};
  g2.stride = {2, 2, 1};
  std::vector<float> b(static_cast<std::size_t>(ref::y_size(g2, ref::op_kind::transpose_adjoint)));
  ref::conv_transpose_adjoint(a.data(), ckpt.up_weight.data(), b.data(), g2);  // PyTorch's weight, as stored
  const auto out2 = ref::output_extents(g2, ref::op_kind::transpose_adjoint);
  const index_t area = out2[0] * out2[1];
  std::vector<float> logits;
  for (index_t n = 0; n < batch; ++n)
    for (index_t o = 0; o < 5; ++o) {
      double acc = ckpt.fc_bias(O{o});
      for (index_t c = 0; c < 6; ++c) {
        double s = 0;
        for (index_t p = 0; p < area; ++p) s += b[static_cast<std::size_t>((n * 6 + c) * area + p)];
        acc += s / static_cast<double>(area) * ckpt.fc_weight(O{o}, I{c});
      }
      logits.push_back(static_cast<float>(acc));
    }
  return logits;
}

int main() {
  checkpoint ckpt;
  fill(ckpt.conv1_weight, 1);
  fill(ckpt.conv1_bias, 2);
  fill(ckpt.up_weight, 3);
  fill(ckpt.fc_weight, 4);
  fill(ckpt.fc_bias, 5);
  tensor<float, torch_layout::input> x({2, 3, 8, 8});  // a PyTorch NCHW batch
  fill(x, 6);

  fmt::print("conv1  {} -> {}: {}\n", torch_layout::conv2d{}, engine::conv_weight{},
             axle::plan_t<torch_layout::conv2d, engine::conv_weight>{});
  fmt::print("up     {} -> {}: {}\n", torch_layout::conv_transpose2d{}, engine::conv_transpose_weight{},
             axle::plan_t<torch_layout::conv_transpose2d, engine::conv_transpose_weight>{});
  fmt::print("fc     {} -> {}: {} (a view)\n", torch_layout::linear{}, engine::dense_weight{},
             axle::plan_t<torch_layout::linear, engine::dense_weight>{});
  fmt::print("input  {} -> {}: {}\n\n", torch_layout::input{}, engine::activation{},
             axle::plan_t<torch_layout::input, engine::activation>{});

  const model m = load(ckpt);
  const tensor<float, engine::features> logits = run(m, axle::convert<engine::activation>(x));
  const std::vector<float> expected = reference(ckpt, x);

  float worst = 0;
  for (index_t n = 0; n < 2; ++n) {
    fmt::print("sample {}:", n);
    for (index_t o = 0; o < 5; ++o) {
      const float got = logits(N{n}, C{o});
      worst = std::max(worst, std::abs(got - expected[static_cast<std::size_t>(n * 5 + o)]));
      fmt::print(" {:+.5f}", got);
    }
    fmt::print("\n");
  }
  fmt::print("largest difference from the reference engine on the PyTorch tensors: {:.2e}\n", worst);
  return worst < 1e-4f ? 0 : 1;
}
