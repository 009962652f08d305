// axle catalogue — Equinox (patrick-kidger/equinox). Inputs are unbatched, channels first
// (use vmap to batch).
#pragma once

#include "common.hpp"

namespace axle::equinox {

namespace l = catalogue::layouts;

// patrick-kidger/equinox equinox/nn/_conv.py (Conv.__init__: weight (out, in // groups, *k);
// Conv.__call__: lax.conv_general_dilated(feature_group_count=groups) with the default OIHW numbers).
template <int N>
struct conv_nd : conv_op<with_spatial_t<N, l::gO_I_s>, with_spatial_t<N, l::C_s>> {
  static constexpr std::string_view source =
      "patrick-kidger/equinox equinox/nn/_conv.py (Conv.__init__: weight (out_channels, in_channels // groups, *k); "
      "Conv.__call__: lax.conv_general_dilated)";
  static constexpr std::string_view note = "unbatched input (C, spatial...)";
};
struct conv1d : conv_nd<1> {
  static constexpr std::string_view name = "equinox.conv1d";
};
struct conv2d : conv_nd<2> {
  static constexpr std::string_view name = "equinox.conv2d";
};
struct conv3d : conv_nd<3> {
  static constexpr std::string_view name = "equinox.conv3d";
};

// patrick-kidger/equinox equinox/nn/_conv.py (ConvTranspose.__init__: the same weight shape as Conv;
// ConvTranspose.__call__: lax.conv_general_dilated(lhs_dilation=stride), no flip: direct).
template <int N>
struct conv_transpose_nd : conv_transpose_op<semantics::direct, with_spatial_t<N, l::gO_I_s>, with_spatial_t<N, l::C_s>> {
  static constexpr std::string_view source =
      "patrick-kidger/equinox equinox/nn/_conv.py (ConvTranspose.__init__: weight (out_channels, in_channels // "
      "groups, *k); ConvTranspose.__call__: lax.conv_general_dilated(lhs_dilation=stride), no flip)";
  static constexpr std::string_view note =
      "direct: not the transpose of a Conv with the same weight (equinox issues 574, 728); unbatched input";
};
struct conv_transpose1d : conv_transpose_nd<1> {
  static constexpr std::string_view name = "equinox.conv_transpose1d";
};
struct conv_transpose2d : conv_transpose_nd<2> {
  static constexpr std::string_view name = "equinox.conv_transpose2d";
};
struct conv_transpose3d : conv_transpose_nd<3> {
  static constexpr std::string_view name = "equinox.conv_transpose3d";
};

// patrick-kidger/equinox equinox/nn/_linear.py (Linear: weight (out_features, in_features), W @ x + b).
struct linear : dense_op<layout<axes::O, axes::I>, layout<axes::C>> {
  static constexpr std::string_view name = "equinox.linear";
  static constexpr std::string_view source = "patrick-kidger/equinox equinox/nn/_linear.py (Linear: weight (out_features, in_features))";
  static constexpr std::string_view note = "unbatched input";
};

// patrick-kidger/equinox equinox/nn/_rnn.py (LSTMCell: weight_ih (4*hidden, input), gates i, f, g, o; one bias).
inline constexpr std::string_view lstm_source =
    "patrick-kidger/equinox equinox/nn/_rnn.py (LSTMCell: weight_ih (4*hidden_size, input_size), gates i, f, g, o; "
    "one bias)";
struct lstm_cell : lstm_op<l::rnn::gates_in<"i,f,g,o">, layout<axes::C>> {
  static constexpr std::string_view name = "equinox.lstm_cell";
  static constexpr std::string_view source = lstm_source;
  static constexpr std::string_view note =
      "weight_ih; weight_hh has the same layout with I = hidden_size; a single bias (from PyTorch: b_ih + b_hh)";
  static constexpr bias_form biases = bias_form::one;
};
struct lstm_cell_bias : lstm_op<l::rnn::bias_one<"i,f,g,o">, layout<axes::C>> {
  static constexpr std::string_view name = "equinox.lstm_cell:bias";
  static constexpr std::string_view source = lstm_source;
  static constexpr tensor_kind tensor = tensor_kind::bias;
  static constexpr bias_form biases = bias_form::one;
};

// patrick-kidger/equinox equinox/nn/_rnn.py (GRUCell.__call__: igates = weight_ih @ x + bias, hgates = weight_hh @ h,
// split r, z, n; n = tanh(igates[2] + r * (hgates[2] + bias_n))).
inline constexpr std::string_view gru_source =
    "patrick-kidger/equinox equinox/nn/_rnn.py (GRUCell.__call__: weight_ih (3*hidden, input) split r, z, n; "
    "bias (3*hidden) on the input side; bias_n (hidden) inside reset * (hgates[2] + bias_n))";
struct gru_cell : gru_op<l::rnn::gates_in<"r,z,n">, layout<axes::C>> {
  static constexpr std::string_view name = "equinox.gru_cell";
  static constexpr std::string_view source = gru_source;
  static constexpr std::string_view note = "weight_ih; weight_hh has the same layout with I = hidden_size";
  static constexpr reset_gate reset = reset_gate::after;
  static constexpr bias_form biases = bias_form::one_and_hidden_n;
};
struct gru_cell_bias : gru_op<l::rnn::bias_one<"r,z,n">, layout<axes::C>> {
  static constexpr std::string_view name = "equinox.gru_cell:bias";
  static constexpr std::string_view source = gru_source;
  static constexpr std::string_view note =
      "bias: from PyTorch [b_ir + b_hr, b_iz + b_hz, b_in]; bias_n is PyTorch's b_hn (the n block of bias_hh)";
  static constexpr tensor_kind tensor = tensor_kind::bias;
  static constexpr reset_gate reset = reset_gate::after;
  static constexpr bias_form biases = bias_form::one_and_hidden_n;
};

// patrick-kidger/equinox equinox/nn/_attention.py (MultiheadAttention.__init__: query_proj = Linear(query_size,
// num_heads*qk_size), ...; output_proj = Linear(num_heads*vo_size, output_size); _project: reshape(seq, num_heads,
// -1)); equinox/nn/_linear.py (Linear: weight (out_features, in_features)).
inline constexpr std::string_view mha_source =
    "patrick-kidger/equinox equinox/nn/_attention.py (MultiheadAttention.__init__: query/key/value_proj "
    "Linear(size, num_heads*qk_size), output_proj Linear(num_heads*vo_size, output_size); _project: reshape(seq, "
    "num_heads, -1)); equinox/nn/_linear.py (Linear: weight (out_features, in_features))";
template <fixed_string Name, fixed_string Section>
struct mha_projection : projection_op<l::proj::heads_in, layout<op_axes::seq, axes::C>> {
  static constexpr std::string_view name = Name.view();
  static constexpr std::string_view source = mha_source;
  static constexpr std::string_view note = "unbatched (seq, features); biases off by default (use_query_bias, ...)";
  static constexpr std::string_view section = Section.view();
};
struct mha_query_proj : mha_projection<"equinox.multihead_attention:query_proj", "qkv:q"> {};
struct mha_key_proj : mha_projection<"equinox.multihead_attention:key_proj", "qkv:k"> {};
struct mha_value_proj : mha_projection<"equinox.multihead_attention:value_proj", "qkv:v"> {};
struct mha_output_proj : projection_op<l::proj::out_heads, layout<op_axes::seq, axes::C>> {
  static constexpr std::string_view name = "equinox.multihead_attention:output_proj";
  static constexpr std::string_view source = mha_source;
  static constexpr std::string_view section = "out";
};

using all_ops = axle::detail::type_list<conv1d, conv2d, conv3d, conv_transpose1d, conv_transpose2d, conv_transpose3d, linear,
                                        lstm_cell, lstm_cell_bias, gru_cell, gru_cell_bias, mha_query_proj, mha_key_proj,
                                        mha_value_proj, mha_output_proj>;

}  // namespace axle::equinox
