// axle catalogue — Apple MLX (ml-explore/mlx).
#pragma once

#include "common.hpp"

namespace axle::mlx {

namespace l = catalogue::layouts;

// ml-explore/mlx mlx/ops.cpp (run_conv_checks, conv1d/2d/3d, conv_general: weight [C_out, *k, C_in/groups],
// flip=false; groups only for 1-D and 2-D).
inline constexpr std::string_view conv_source =
    "ml-explore/mlx mlx/ops.cpp (conv1d/2d/3d, conv_general(flip=false): weight [C_out, *k, C_in/groups]); "
    "python/mlx/nn/layers/convolution.py";
struct conv1d : conv_op<with_spatial_t<1, l::gO_s_I>, channels_last<1>> {
  static constexpr std::string_view name = "mlx.conv1d";
  static constexpr std::string_view source = conv_source;
};
struct conv2d : conv_op<with_spatial_t<2, l::gO_s_I>, channels_last<2>> {
  static constexpr std::string_view name = "mlx.conv2d";
  static constexpr std::string_view source = conv_source;
};
struct conv3d : conv_op<with_spatial_t<3, l::O_s_I>, channels_last<3>> {
  static constexpr std::string_view name = "mlx.conv3d";
  static constexpr std::string_view source = conv_source;
  static constexpr std::string_view note = "conv_general raises for groups != 1 in 3-D";
};

// ml-explore/mlx mlx/ops.cpp (conv_transpose_general: conv_general(flip=true, input_dilation=stride) with the
// conv weight layout [C_out, *k, C_in/groups]); python/tests/test_conv_transpose.py (MLX = torch weight
// permuted (1, 2, 3, 0), no flip, for groups = 1). Grouped on O, unlike PyTorch (grouped on I).
inline constexpr std::string_view conv_transpose_source =
    "ml-explore/mlx mlx/ops.cpp (conv_transpose_general: conv_general(flip=true) with weight [C_out, *k, "
    "C_in/groups]); python/tests/test_conv_transpose.py";
struct conv_transpose1d : conv_transpose_op<semantics::adjoint, with_spatial_t<1, l::gO_fs_I>, channels_last<1>> {
  static constexpr std::string_view name = "mlx.conv_transpose1d";
  static constexpr std::string_view source = conv_transpose_source;
  static constexpr std::string_view note =
      "groups split O (PyTorch splits I): a grouped PyTorch weight needs a per-group swap";
};
struct conv_transpose2d : conv_transpose_op<semantics::adjoint, with_spatial_t<2, l::gO_fs_I>, channels_last<2>> {
  static constexpr std::string_view name = "mlx.conv_transpose2d";
  static constexpr std::string_view source = conv_transpose_source;
  static constexpr std::string_view note =
      "groups split O (PyTorch splits I): a grouped PyTorch weight needs a per-group swap";
};
struct conv_transpose3d : conv_transpose_op<semantics::adjoint, with_spatial_t<3, l::O_fs_I>, channels_last<3>> {
  static constexpr std::string_view name = "mlx.conv_transpose3d";
  static constexpr std::string_view source = conv_transpose_source;
  static constexpr std::string_view note = "no groups in 3-D";
};

// ml-explore/mlx python/mlx/nn/layers/linear.py (Linear: weight (output_dims, input_dims), x @ W.T + b).
struct linear : dense_op<layout<axes::O, axes::I>, layout<axes::N, axes::C>> {
  static constexpr std::string_view name = "mlx.linear";
  static constexpr std::string_view source = "ml-explore/mlx python/mlx/nn/layers/linear.py (Linear: weight (output_dims, input_dims))";
};

// mx.fast.scaled_dot_product_attention: q [B, N_q, T_q, D].
struct scaled_dot_product_attention
    : attention_op<layout<axes::N, op_axes::heads, op_axes::seq, op_axes::head_dim>> {
  static constexpr std::string_view name = "mlx.scaled_dot_product_attention";
  static constexpr std::string_view source =
      "https://ml-explore.github.io/mlx/build/html/python/_autosummary/"
      "mlx.core.fast.scaled_dot_product_attention.html (q [B, N_q, T_q, D])";
  static constexpr std::string_view note = "mx.fast.scaled_dot_product_attention; q, k and v share the layout";
};

// ml-explore/mlx python/mlx/nn/layers/recurrent.py (LSTM: Wx (4*hidden, input), Wh (4*hidden, hidden), one bias,
// split i, f, g, o; GRU: Wx (3*hidden, input) split r, z, n, b (3*hidden) added to the x projection, bhn (hidden)
// inside r * (h Wh_n + bhn)).
inline constexpr std::string_view rnn_source =
    "ml-explore/mlx python/mlx/nn/layers/recurrent.py (LSTM: Wx (4*hidden, input), Wh, bias, gates i, f, g, o; "
    "GRU: Wx (3*hidden, input), Wh, b, bhn, gates r, z, n)";
struct lstm : lstm_op<l::rnn::gates_in<"i,f,g,o">, layout<axes::N, op_axes::seq, axes::C>> {
  static constexpr std::string_view name = "mlx.lstm";
  static constexpr std::string_view source = rnn_source;
  static constexpr std::string_view note = "Wx; Wh has the same layout with I = hidden_size";
  static constexpr bias_form biases = bias_form::one;
};
struct lstm_bias : lstm_op<l::rnn::bias_one<"i,f,g,o">, layout<axes::N, op_axes::seq, axes::C>> {
  static constexpr std::string_view name = "mlx.lstm:bias";
  static constexpr std::string_view source = rnn_source;
  static constexpr tensor_kind tensor = tensor_kind::bias;
  static constexpr bias_form biases = bias_form::one;
};
struct gru : gru_op<l::rnn::gates_in<"r,z,n">, layout<axes::N, op_axes::seq, axes::C>> {
  static constexpr std::string_view name = "mlx.gru";
  static constexpr std::string_view source = rnn_source;
  static constexpr std::string_view note = "Wx; Wh has the same layout with I = hidden_size";
  static constexpr reset_gate reset = reset_gate::after;
  static constexpr bias_form biases = bias_form::one_and_hidden_n;
};
struct gru_bias : gru_op<l::rnn::bias_one<"r,z,n">, layout<axes::N, op_axes::seq, axes::C>> {
  static constexpr std::string_view name = "mlx.gru:bias";
  static constexpr std::string_view source = rnn_source;
  static constexpr std::string_view note = "b: from PyTorch [b_ir + b_hr, b_iz + b_hz, b_in]; bhn is PyTorch's b_hn";
  static constexpr tensor_kind tensor = tensor_kind::bias;
  static constexpr reset_gate reset = reset_gate::after;
  static constexpr bias_form biases = bias_form::one_and_hidden_n;
};

// ml-explore/mlx python/mlx/nn/layers/transformer.py (MultiHeadAttention: query_proj = Linear(query_input_dims, dims),
// ..., out_proj = Linear(value_dims, value_output_dims), bias=False by default; unflatten(-1, (num_heads, -1)));
// python/mlx/nn/layers/linear.py (Linear: weight (output_dims, input_dims)).
inline constexpr std::string_view mha_source =
    "ml-explore/mlx python/mlx/nn/layers/transformer.py (MultiHeadAttention: query/key/value_proj Linear, "
    "out_proj Linear, heads unflattened outer); python/mlx/nn/layers/linear.py (Linear: weight (output_dims, "
    "input_dims))";
template <fixed_string Name, fixed_string Section>
struct mha_projection : projection_op<l::proj::heads_in, layout<axes::N, op_axes::seq, axes::C>> {
  static constexpr std::string_view name = Name.view();
  static constexpr std::string_view source = mha_source;
  static constexpr std::string_view note = "biases off by default (bias=False)";
  static constexpr std::string_view section = Section.view();
};
struct mha_query_proj : mha_projection<"mlx.multi_head_attention:query_proj", "qkv:q"> {};
struct mha_key_proj : mha_projection<"mlx.multi_head_attention:key_proj", "qkv:k"> {};
struct mha_value_proj : mha_projection<"mlx.multi_head_attention:value_proj", "qkv:v"> {};
struct mha_out_proj : projection_op<l::proj::out_heads, layout<axes::N, op_axes::seq, axes::C>> {
  static constexpr std::string_view name = "mlx.multi_head_attention:out_proj";
  static constexpr std::string_view source = mha_source;
  static constexpr std::string_view section = "out";
};

using all_ops = axle::detail::type_list<conv1d, conv2d, conv3d, conv_transpose1d, conv_transpose2d, conv_transpose3d, linear,
                                        scaled_dot_product_attention, lstm, lstm_bias, gru, gru_bias, mha_query_proj,
                                        mha_key_proj, mha_value_proj, mha_out_proj>;

}  // namespace axle::mlx
