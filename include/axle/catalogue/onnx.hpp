// axle catalogue — ONNX (onnx/onnx). Conv and ConvTranspose are N-d: the catalogue lists the
// ranks 1, 2 and 3 under one name each (the rank is a field of the registry entry).
#pragma once

#include "common.hpp"

namespace axle::onnx {

namespace l = catalogue::layouts;

// onnx/onnx onnx/defs/nn/defs.cc (Conv: W (M, C/group, k1, ..., kn)); onnx/reference/ops/op_conv.py
// (_conv_implementation: im2col times W.reshape(M, -1), no flip; groups slice W and X group-major).
template <int N>
struct conv : conv_op<with_spatial_t<N, l::gO_I_s>, channels_first<N>> {
  static constexpr std::string_view name = "onnx.conv";
  static constexpr std::string_view source =
      "onnx/onnx onnx/defs/nn/defs.cc (Conv: W (M x C/group x k1 x ... x kn)); onnx/reference/ops/op_conv.py "
      "(_conv_implementation: correlation, group-major slices)";
};

// The depthwise form of Conv: group = C, W (C*M, 1, k...).
template <int N>
struct conv_depthwise : depthwise_conv_op<with_spatial_t<N, l::gM_1_s>, channels_first<N>> {
  static constexpr std::string_view name = "onnx.conv:depthwise";
  static constexpr std::string_view source =
      "onnx/onnx onnx/defs/nn/defs.cc (Conv W rule with group = C); onnx/reference/ops/op_conv.py";
  static constexpr std::string_view note = "Conv with group = C and M = C * multiplier";
};

// onnx/onnx onnx/defs/nn/defs.cc (ConvTransposeOpSchemaGenerator: W (C, M/group, k...), output channels
// W.shape[1] * group); onnx/reference/ops/op_conv_transpose.py (ConvTranspose._run: W^T x scattered by
// col2im, no flip: the PyTorch-style adjoint).
template <int N>
struct conv_transpose : conv_transpose_op<semantics::adjoint, with_spatial_t<N, l::gI_O_fs>, channels_first<N>> {
  static constexpr std::string_view name = "onnx.convtranspose";
  static constexpr std::string_view source =
      "onnx/onnx onnx/defs/nn/defs.cc (ConvTransposeOpSchemaGenerator: W (C x M/group x k...)); "
      "onnx/reference/ops/op_conv_transpose.py (ConvTranspose._run: col2im scatter, no flip)";
  static constexpr std::string_view note =
      "the reference runtime's group path is only right for depthwise-like groups; avoid auto_pad when k_eff < stride";
};

// onnx/onnx onnx/defs/math/defs.cc (Gemm: Y = alpha A' B' + beta C; B is (K, N), or (N, K) with transB).
struct gemm : dense_op<layout<axes::I, axes::O>, layout<axes::N, axes::C>> {
  static constexpr std::string_view name = "onnx.gemm";
  static constexpr std::string_view source = "onnx/onnx onnx/defs/math/defs.cc (Gemm: B (K, N) when transB = 0)";
  static constexpr std::string_view note = "transB = 0 (the default): B is (in, out)";
};
struct gemm_transb : dense_op<layout<axes::O, axes::I>, layout<axes::N, axes::C>> {
  static constexpr std::string_view name = "onnx.gemm:transb";
  static constexpr std::string_view source = "onnx/onnx onnx/defs/math/defs.cc (Gemm: B (N, K) when transB != 0)";
  static constexpr std::string_view note = "transB = 1: B is (out, in), a PyTorch Linear weight unchanged";
};

// onnx/onnx onnx/defs/rnn/defs.cc (LSTM: W [num_directions, 4*hidden_size, input_size], gates W[iofc];
// X [seq_length, batch_size, input_size] when layout = 0).
struct lstm : lstm_op<layout<unit<op_axes::direction>, merged<labels<op_axes::gate, "i,o,f,g">, axes::O>, axes::I>,
                      layout<op_axes::seq, axes::N, axes::C>> {
  static constexpr std::string_view name = "onnx.lstm";
  static constexpr std::string_view source =
      "onnx/onnx onnx/defs/rnn/defs.cc (LSTM: W [num_directions, 4*hidden_size, input_size] with gates iofc; X "
      "[seq_length, batch_size, input_size] for layout = 0)";
  static constexpr std::string_view note =
      "W, unidirectional (num_directions = 1); R has the same layout with I = hidden_size; B = [Wb, Rb]";
};

using all_ops = axle::detail::type_list<conv<1>, conv<2>, conv<3>, conv_transpose<1>, conv_transpose<2>, conv_transpose<3>,
                                        conv_depthwise<1>, conv_depthwise<2>, conv_depthwise<3>, gemm, gemm_transb, lstm>;

}  // namespace axle::onnx
