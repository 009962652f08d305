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
// X [seq_length, batch_size, input_size] when layout = 0; B [num_directions, 8*hidden_size] = [Wb, Rb]).
inline constexpr std::string_view lstm_source =
    "onnx/onnx onnx/defs/rnn/defs.cc (LSTM: W [num_directions, 4*hidden_size, input_size] with gates iofc; B "
    "[num_directions, 8*hidden_size] = [Wb, Rb]; X [seq_length, batch_size, input_size] for layout = 0); "
    "onnx/defs/doc_strings.cc (kDoc_LSTM_ver14)";
struct lstm : lstm_op<layout<unit<op_axes::direction>, merged<labels<op_axes::gate, "i,o,f,g">, axes::O>, axes::I>,
                      layout<op_axes::seq, axes::N, axes::C>> {
  static constexpr std::string_view name = "onnx.lstm";
  static constexpr std::string_view source = lstm_source;
  static constexpr std::string_view note =
      "W, unidirectional (num_directions = 1); R has the same layout with I = hidden_size; B = [Wb, Rb]";
  static constexpr bias_form biases = bias_form::two;
};
struct lstm_bias : lstm_op<layout<unit<op_axes::direction>, merged<labels<op_axes::bias, "ih,hh">, labels<op_axes::gate, "i,o,f,g">, axes::O>>,
                           layout<op_axes::seq, axes::N, axes::C>> {
  static constexpr std::string_view name = "onnx.lstm:bias";
  static constexpr std::string_view source = lstm_source;
  static constexpr std::string_view note = "B, unidirectional: [Wb, Rb], both added";
  static constexpr tensor_kind tensor = tensor_kind::bias;
  static constexpr bias_form biases = bias_form::two;
};

// onnx/onnx onnx/defs/rnn/defs.cc (GRU: W [num_directions, 3*hidden_size, input_size], gates W[zrh]; B = [Wb, Rb];
// linear_before_reset, default 0); onnx/defs/doc_strings.cc (kDoc_GRU_ver14: ht = g(Xt*(Wh^T) + (rt (.) Ht-1)*(Rh^T)
// + Rbh + Wbh) when 0, g(Xt*(Wh^T) + (rt (.) (Ht-1*(Rh^T) + Rbh)) + Wbh) otherwise).
inline constexpr std::string_view gru_source =
    "onnx/onnx onnx/defs/rnn/defs.cc (GRU: W [num_directions, 3*hidden_size, input_size] with gates zrh; B "
    "[num_directions, 6*hidden_size] = [Wb, Rb]; linear_before_reset default 0); onnx/defs/doc_strings.cc "
    "(kDoc_GRU_ver14)";
template <reset_gate Reset>
struct gru_weight : gru_op<layout<unit<op_axes::direction>, merged<labels<op_axes::gate, "z,r,n">, axes::O>, axes::I>,
                           layout<op_axes::seq, axes::N, axes::C>> {
  static constexpr std::string_view source = gru_source;
  static constexpr reset_gate reset = Reset;
  static constexpr bias_form biases = bias_form::two;
};
template <reset_gate Reset>
struct gru_bias_of
    : gru_op<layout<unit<op_axes::direction>, merged<labels<op_axes::bias, "ih,hh">, labels<op_axes::gate, "z,r,n">, axes::O>>,
             layout<op_axes::seq, axes::N, axes::C>> {
  static constexpr std::string_view source = gru_source;
  static constexpr tensor_kind tensor = tensor_kind::bias;
  static constexpr reset_gate reset = Reset;
  static constexpr bias_form biases = bias_form::two;
};
struct gru : gru_weight<reset_gate::before> {
  static constexpr std::string_view name = "onnx.gru";
  static constexpr std::string_view note =
      "W with linear_before_reset = 0 (the default): the reset gate before the recurrent matmul; R has the same "
      "layout with I = hidden_size";
};
struct gru_bias : gru_bias_of<reset_gate::before> {
  static constexpr std::string_view name = "onnx.gru:bias";
  static constexpr std::string_view note = "B with linear_before_reset = 0: [Wb, Rb]";
};
struct gru_linear_before_reset : gru_weight<reset_gate::after> {
  static constexpr std::string_view name = "onnx.gru:linear_before_reset";
  static constexpr std::string_view note = "W with linear_before_reset = 1: PyTorch's GRU; R has the same layout with I = hidden_size";
};
struct gru_linear_before_reset_bias : gru_bias_of<reset_gate::after> {
  static constexpr std::string_view name = "onnx.gru:linear_before_reset_bias";
  static constexpr std::string_view note = "B with linear_before_reset = 1: [Wb, Rb], Rbh inside rt (.) (...)";
};

using all_ops = axle::detail::type_list<conv<1>, conv<2>, conv<3>, conv_transpose<1>, conv_transpose<2>, conv_transpose<3>,
                                        conv_depthwise<1>, conv_depthwise<2>, conv_depthwise<3>, gemm, gemm_transb, lstm, lstm_bias,
                                        gru, gru_bias, gru_linear_before_reset, gru_linear_before_reset_bias>;

}  // namespace axle::onnx
