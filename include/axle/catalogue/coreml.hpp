// axle catalogue — Core ML MIL operators (apple/coremltools). conv and conv_transpose are N-d:
// one name, ranks 1 to 3.
#pragma once

#include "common.hpp"

namespace axle::coreml {

namespace l = catalogue::layouts;

// apple/coremltools coremltools/converters/mil/mil/ops/defs/iOS15/conv.py (conv: weight [C_out, C_in/groups, *K];
// the torch frontend passes PyTorch weights unchanged, so correlation).
template <int N>
struct conv : conv_op<with_spatial_t<N, l::gO_I_s>, channels_first<N>> {
  static constexpr std::string_view name = "coreml.conv";
  static constexpr std::string_view source =
      "apple/coremltools coremltools/converters/mil/mil/ops/defs/iOS15/conv.py (conv: weight [C_out, C_in/groups, "
      "*K]); coremltools/converters/mil/frontend/torch/ops.py (_convolution passes PyTorch weights unchanged)";
  static constexpr std::string_view note = "pad is interleaved per dimension; the split of pad_type=same is unresolved";
};

// apple/coremltools .../iOS15/conv.py (conv_transpose: docstring weight [C_in, C_out/groups, *K]; type_inference
// C_out = weight.shape[1] * groups; "can also be used to compute the gradient of conv").
template <int N>
struct conv_transpose : conv_transpose_op<semantics::adjoint, with_spatial_t<N, l::gI_O_fs>, channels_first<N>> {
  static constexpr std::string_view name = "coreml.conv_transpose";
  static constexpr std::string_view source =
      "apple/coremltools coremltools/converters/mil/mil/ops/defs/iOS15/conv.py (conv_transpose docstring: weight "
      "[C_in, C_out/groups, *K]; type_inference)";
  static constexpr std::string_view note =
      "the input_spec inline comment says [C_out, C_in, ...], contradicting the docstring and type_inference";
};

// apple/coremltools coremltools/converters/mil/mil/ops/defs/iOS15/linear.py (linear: weight [D_out, D_in], x * weight^T + b).
struct linear : dense_op<layout<axes::O, axes::I>, layout<axes::N, axes::C>> {
  static constexpr std::string_view name = "coreml.linear";
  static constexpr std::string_view source =
      "apple/coremltools coremltools/converters/mil/mil/ops/defs/iOS15/linear.py (linear: weight [D_out, D_in])";
};

// apple/coremltools coremltools/converters/mil/mil/ops/defs/iOS15/recurrent.py (lstm: weight_ih <4*H, I> in the
// order [input, forget, output, cell] gates; x <s, b, I>); frontend/torch/ops.py (_add_mil_lstm: ifgo -> ifog).
inline constexpr std::string_view lstm_source =
    "apple/coremltools coremltools/converters/mil/mil/ops/defs/iOS15/recurrent.py (lstm: weight_ih <4*H, I>, gates "
    "input, forget, output, cell; bias <4*H>, the input and hidden biases summed); "
    "coremltools/converters/mil/frontend/torch/ops.py (_add_mil_lstm)";
struct lstm : lstm_op<l::rnn::gates_in<"i,f,o,g">, layout<op_axes::seq, axes::N, axes::C>> {
  static constexpr std::string_view name = "coreml.lstm";
  static constexpr std::string_view source = lstm_source;
  static constexpr std::string_view note = "weight_ih; weight_hh <4*H, H> has the same layout; a single summed bias";
  static constexpr bias_form biases = bias_form::one;
};
struct lstm_bias : lstm_op<l::rnn::bias_one<"i,f,o,g">, layout<op_axes::seq, axes::N, axes::C>> {
  static constexpr std::string_view name = "coreml.lstm:bias";
  static constexpr std::string_view source = lstm_source;
  static constexpr tensor_kind tensor = tensor_kind::bias;
  static constexpr bias_form biases = bias_form::one;
};

// apple/coremltools coremltools/converters/mil/mil/ops/defs/iOS15/recurrent.py (gru: weight_ih <3*H, I>, gates r, o, z,
// o the candidate); the reset gate before the matmul per the ground truth in
// coremltools/converters/mil/mil/ops/tests/iOS14/test_recurrent.py (TestGRU, get_numpy_prediction_gru_single_batch).
inline constexpr std::string_view gru_source =
    "apple/coremltools coremltools/converters/mil/mil/ops/defs/iOS15/recurrent.py (gru: weight_ih <3*H, I>, gates "
    "r, o, z; one bias <3*H>); coremltools/converters/mil/mil/ops/tests/iOS14/test_recurrent.py (TestGRU: "
    "o = tanh(W_o x + R_o (h * r) + b_o))";
struct gru : gru_op<l::rnn::gates_in<"r,n,z">, layout<op_axes::seq, axes::N, axes::C>> {
  static constexpr std::string_view name = "coreml.gru";
  static constexpr std::string_view source = gru_source;
  static constexpr std::string_view note =
      "weight_ih (o, the candidate, is n); reset before the matmul, although the op docstring reads otherwise: "
      "no PyTorch GRU converts to it (the coremltools torch frontend unrolls PyTorch GRUs instead)";
  static constexpr reset_gate reset = reset_gate::before;
  static constexpr bias_form biases = bias_form::one;
};
struct gru_bias : gru_op<l::rnn::bias_one<"r,n,z">, layout<op_axes::seq, axes::N, axes::C>> {
  static constexpr std::string_view name = "coreml.gru:bias";
  static constexpr std::string_view source = gru_source;
  static constexpr tensor_kind tensor = tensor_kind::bias;
  static constexpr reset_gate reset = reset_gate::before;
  static constexpr bias_form biases = bias_form::one;
};

using all_ops = axle::detail::type_list<conv<1>, conv<2>, conv<3>, conv_transpose<1>, conv_transpose<2>, conv_transpose<3>,
                                        linear, lstm, lstm_bias, gru, gru_bias>;

}  // namespace axle::coreml
