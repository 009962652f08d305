// axle catalogue — PyTorch (pytorch/pytorch).
#pragma once

#include "common.hpp"

namespace axle::torch {

namespace l = catalogue::layouts;

// pytorch/pytorch torch/nn/modules/conv.py: _ConvNd.__init__ makes the weight (out, in/groups, *k);
// the Conv docstrings say "valid cross-correlation"; with groups the output axis is group-major.
template <int N>
struct conv_nd : conv_op<with_spatial_t<N, l::gO_I_s>, channels_first<N>> {
  static constexpr std::string_view source =
      "pytorch/pytorch torch/nn/modules/conv.py (_ConvNd.__init__: weight (out, in/groups, *k); Conv1d/2d/3d "
      "docstrings: valid cross-correlation)";
};
struct conv1d : conv_nd<1> {
  static constexpr std::string_view name = "torch.conv1d";
};
struct conv2d : conv_nd<2> {
  static constexpr std::string_view name = "torch.conv2d";
};
struct conv3d : conv_nd<3> {
  static constexpr std::string_view name = "torch.conv3d";
};

// pytorch/pytorch torch/nn/modules/conv.py: _ConvNd.__init__ with transposed=True makes the weight
// (in, out/groups, *k); the ConvTranspose docstrings call it the gradient of Conv w.r.t. its input.
template <int N>
struct conv_transpose_nd : conv_transpose_op<semantics::adjoint, with_spatial_t<N, l::gI_O_fs>, channels_first<N>> {
  static constexpr std::string_view source =
      "pytorch/pytorch torch/nn/modules/conv.py (_ConvNd.__init__ transposed branch: weight (in, out/groups, *k); "
      "ConvTranspose2d/3d docstrings: the gradient of Conv2d/3d with respect to its input)";
};
struct conv_transpose1d : conv_transpose_nd<1> {
  static constexpr std::string_view name = "torch.conv_transpose1d";
};
struct conv_transpose2d : conv_transpose_nd<2> {
  static constexpr std::string_view name = "torch.conv_transpose2d";
};
struct conv_transpose3d : conv_transpose_nd<3> {
  static constexpr std::string_view name = "torch.conv_transpose3d";
};

// The depthwise form of conv*d: groups = in_channels, out = M·in_channels, weight (C·M, 1, *k).
// pytorch/pytorch torch/nn/modules/conv.py (the groups documentation of Conv1d/2d/3d).
template <int N>
struct conv_depthwise_nd : depthwise_conv_op<with_spatial_t<N, l::gM_1_s>, channels_first<N>> {
  static constexpr std::string_view source =
      "pytorch/pytorch torch/nn/modules/conv.py (Conv docstrings, groups: at groups=in_channels each input channel "
      "gets its own out_channels/in_channels filters; output channel c*M + m)";
  static constexpr std::string_view note = "conv*d with groups = in_channels and out_channels = M * in_channels";
};
struct conv1d_depthwise : conv_depthwise_nd<1> {
  static constexpr std::string_view name = "torch.conv1d:depthwise";
};
struct conv2d_depthwise : conv_depthwise_nd<2> {
  static constexpr std::string_view name = "torch.conv2d:depthwise";
};
struct conv3d_depthwise : conv_depthwise_nd<3> {
  static constexpr std::string_view name = "torch.conv3d:depthwise";
};

// pytorch/pytorch torch/nn/modules/linear.py (Linear.__init__: weight (out_features, in_features); y = x W^T + b).
struct linear : dense_op<layout<axes::O, axes::I>, layout<axes::N, axes::C>> {
  static constexpr std::string_view name = "torch.linear";
  static constexpr std::string_view source =
      "pytorch/pytorch torch/nn/modules/linear.py (Linear.__init__: weight (out_features, in_features))";
};

// pytorch/pytorch torch/nn/modules/rnn.py (LSTM docstring: weight_ih_l[k] = (W_ii|W_if|W_ig|W_io), (4*hidden, input)).
struct lstm : lstm_op<l::rnn::gates_in<"i,f,g,o">, layout<op_axes::seq, axes::N, axes::C>> {
  static constexpr std::string_view name = "torch.lstm";
  static constexpr std::string_view source =
      "pytorch/pytorch torch/nn/modules/rnn.py (LSTM docstring: weight_ih_l[k] (W_ii|W_if|W_ig|W_io) of shape "
      "(4*hidden_size, input_size); input (L, N, H_in) when batch_first=False)";
  static constexpr std::string_view note =
      "weight_ih; weight_hh has the same layout with I = hidden_size; two biases (bias_ih, bias_hh)";
  static constexpr bias_form biases = bias_form::two;
};
// The same module's biases, bias_ih and bias_hh, both added to every gate: stacked as they are
// in ONNX's B, np.stack([bias_ih, bias_hh]).
struct lstm_bias : lstm_op<l::rnn::bias_two<"i,f,g,o">, layout<op_axes::seq, axes::N, axes::C>> {
  static constexpr std::string_view name = "torch.lstm:bias";
  static constexpr std::string_view source =
      "pytorch/pytorch torch/nn/modules/rnn.py (LSTM docstring: bias_ih_l[k] (b_ii|b_if|b_ig|b_io) and bias_hh_l[k], "
      "(4*hidden_size); both added in every gate's equation)";
  static constexpr std::string_view note = "bias_ih and bias_hh stacked: np.stack([bias_ih, bias_hh]), shape (2, 4*hidden)";
  static constexpr tensor_kind tensor = tensor_kind::bias;
  static constexpr bias_form biases = bias_form::two;
};

// pytorch/pytorch torch/nn/modules/rnn.py (GRU docstring: n = tanh(W_in x + b_in + r * (W_hn h + b_hn));
// weight_ih_l[k] = (W_ir|W_iz|W_in), (3*hidden, input)).
struct gru : gru_op<l::rnn::gates_in<"r,z,n">, layout<op_axes::seq, axes::N, axes::C>> {
  static constexpr std::string_view name = "torch.gru";
  static constexpr std::string_view source =
      "pytorch/pytorch torch/nn/modules/rnn.py (GRU docstring: weight_ih_l[k] (W_ir|W_iz|W_in) of shape "
      "(3*hidden_size, input_size); n = tanh(W_in x + b_in + r * (W_hn h + b_hn)))";
  static constexpr std::string_view note =
      "weight_ih; weight_hh has the same layout with I = hidden_size; two biases (bias_ih, bias_hh)";
  static constexpr reset_gate reset = reset_gate::after;
  static constexpr bias_form biases = bias_form::two;
};
struct gru_bias : gru_op<l::rnn::bias_two<"r,z,n">, layout<op_axes::seq, axes::N, axes::C>> {
  static constexpr std::string_view name = "torch.gru:bias";
  static constexpr std::string_view source =
      "pytorch/pytorch torch/nn/modules/rnn.py (GRU docstring: bias_ih_l[k] (b_ir|b_iz|b_in), bias_hh_l[k] "
      "(b_hr|b_hz|b_hn); b_hn inside r * (W_hn h + b_hn))";
  static constexpr std::string_view note = "bias_ih and bias_hh stacked: np.stack([bias_ih, bias_hh]), shape (2, 3*hidden)";
  static constexpr tensor_kind tensor = tensor_kind::bias;
  static constexpr reset_gate reset = reset_gate::after;
  static constexpr bias_form biases = bias_form::two;
};

// pytorch/pytorch torch/nn/modules/activation.py (MultiheadAttention.__init__: in_proj_weight (3*embed_dim,
// embed_dim) "packed along dimension 0, in q, k, v order"); torch/nn/functional.py (multi_head_attention_forward,
// _in_projection_packed: q.view(L, N*H, head_dim): heads outer within each section).
inline constexpr std::string_view mha_source =
    "pytorch/pytorch torch/nn/modules/activation.py (MultiheadAttention.__init__: in_proj_weight (3*embed_dim, "
    "embed_dim), q, k, v packed along dim 0; out_proj NonDynamicallyQuantizableLinear(embed_dim, embed_dim)); "
    "torch/nn/functional.py (multi_head_attention_forward: q.view(tgt_len, bsz*num_heads, head_dim))";
struct multihead_attention : projection_op<l::proj::sectioned_in, layout<op_axes::seq, axes::N, axes::C>> {
  static constexpr std::string_view name = "torch.multihead_attention";
  static constexpr std::string_view source = mha_source;
  static constexpr std::string_view note =
      "in_proj_weight, when kdim = vdim = embed_dim; batch_first=False; in_proj_bias has the rows of the weight "
      "(torch.multihead_attention:in_proj_bias)";
};
struct multihead_attention_in_proj_bias : projection_op<layout<merged<l::proj::qkv, op_axes::heads, op_axes::head_dim>>,
                                                        layout<op_axes::seq, axes::N, axes::C>> {
  static constexpr std::string_view name = "torch.multihead_attention:in_proj_bias";
  static constexpr std::string_view source = mha_source;
  static constexpr tensor_kind tensor = tensor_kind::bias;
};
struct multihead_attention_out_proj : projection_op<l::proj::out_heads, layout<op_axes::seq, axes::N, axes::C>> {
  static constexpr std::string_view name = "torch.multihead_attention:out_proj";
  static constexpr std::string_view source = mha_source;
  static constexpr std::string_view note = "out_proj.weight; out_proj.bias is (embed_dim,) as in every framework";
  static constexpr std::string_view section = "out";
};

// torch/nn/functional.py scaled_dot_product_attention docstring: query (N, ..., Hq, L, E), key/value (N, ..., H, S, E).
struct scaled_dot_product_attention
    : attention_op<layout<axes::N, op_axes::heads, op_axes::seq, op_axes::head_dim>> {
  static constexpr std::string_view name = "torch.scaled_dot_product_attention";
  static constexpr std::string_view source =
      "pytorch/pytorch torch/nn/functional.py (scaled_dot_product_attention docstring: query (N, ..., Hq, L, E), "
      "key/value (N, ..., H, S, E); read in copies)";
  static constexpr std::string_view note = "q, k and v share the layout; the heads axis is one of the leading '...' axes";
};

using all_ops = axle::detail::type_list<conv1d, conv2d, conv3d, conv_transpose1d, conv_transpose2d, conv_transpose3d,
                                        conv1d_depthwise, conv2d_depthwise, conv3d_depthwise, linear, lstm, lstm_bias, gru,
                                        gru_bias, scaled_dot_product_attention, multihead_attention,
                                        multihead_attention_in_proj_bias, multihead_attention_out_proj>;

}  // namespace axle::torch
