// axle catalogue — Keras 3 (keras-team/keras). Kernels do not depend on data_format; the
// activations below are the default channels_last.
#pragma once

#include "common.hpp"

namespace axle::keras {

namespace l = catalogue::layouts;

// keras-team/keras keras/src/layers/convolutional/base_conv.py (build: kernel_size + (in/groups, filters));
// keras/src/backend/jax/nn.py (conv: O is the last kernel axis, I the second to last,
// feature_group_count = channels // kernel.shape[-2]).
template <int N>
struct conv_nd : conv_op<with_spatial_t<N, l::s_I_gO>, channels_last<N>> {
  static constexpr std::string_view source =
      "keras-team/keras keras/src/layers/convolutional/base_conv.py (BaseConv.build: kernel_size + (in/groups, "
      "filters)); keras/src/backend/jax/nn.py (conv, _convert_to_lax_conv_dimension_numbers)";
  static constexpr std::string_view note = "the kernel is the same whatever the data_format";
};
struct conv1d : conv_nd<1> {
  static constexpr std::string_view name = "keras.conv1d";
};
struct conv2d : conv_nd<2> {
  static constexpr std::string_view name = "keras.conv2d";
};
struct conv3d : conv_nd<3> {
  static constexpr std::string_view name = "keras.conv3d";
};

// keras-team/keras keras/src/layers/convolutional/base_conv_transpose.py (BaseConvTranspose.build:
// kernel_size + (filters, in)); keras/src/backend/jax/nn.py (conv_transpose: lax.conv_transpose with
// transpose_kernel=True, i.e. the forward conv's kernel: adjoint).
template <int N>
struct conv_transpose_nd : conv_transpose_op<semantics::adjoint, with_spatial_t<N, l::fs_O_I>, channels_last<N>> {
  static constexpr std::string_view source =
      "keras-team/keras keras/src/layers/convolutional/base_conv_transpose.py (BaseConvTranspose.build: kernel_size "
      "+ (filters, in)); keras/src/backend/jax/nn.py (conv_transpose: lax.conv_transpose(transpose_kernel=True))";
  static constexpr std::string_view note = "no groups; the kernel is the same whatever the data_format";
};
struct conv1d_transpose : conv_transpose_nd<1> {
  static constexpr std::string_view name = "keras.conv1d_transpose";
};
struct conv2d_transpose : conv_transpose_nd<2> {
  static constexpr std::string_view name = "keras.conv2d_transpose";
};
struct conv3d_transpose : conv_transpose_nd<3> {
  static constexpr std::string_view name = "keras.conv3d_transpose";
};

// keras-team/keras keras/src/layers/convolutional/base_depthwise_conv.py (build: kernel_size + (in, depth_multiplier));
// keras/src/backend/jax/nn.py (depthwise_conv: reshaped to (k..., 1, C*M), feature_group_count = C).
template <int N>
struct depthwise_conv_nd : depthwise_conv_op<with_spatial_t<N, l::s_G_M>, channels_last<N>> {
  static constexpr std::string_view source =
      "keras-team/keras keras/src/layers/convolutional/base_depthwise_conv.py (build: kernel_size + (in, "
      "depth_multiplier)); keras/src/backend/jax/nn.py (depthwise_conv)";
};
struct depthwise_conv1d : depthwise_conv_nd<1> {
  static constexpr std::string_view name = "keras.depthwise_conv1d";
};
struct depthwise_conv2d : depthwise_conv_nd<2> {
  static constexpr std::string_view name = "keras.depthwise_conv2d";
};

// keras-team/keras keras/src/layers/core/dense.py (Dense.build: kernel (input_dim, units); y = x K + b).
struct dense : dense_op<layout<axes::I, axes::O>, layout<axes::N, axes::C>> {
  static constexpr std::string_view name = "keras.dense";
  static constexpr std::string_view source = "keras-team/keras keras/src/layers/core/dense.py (Dense.build: kernel (input_dim, units))";
};

// keras-team/keras keras/src/layers/rnn/lstm.py (LSTMCell: kernel (input_dim, 4*units), z split into
// i, f, c, o; c is the cell candidate, g in canonical labels).
inline constexpr std::string_view lstm_source =
    "keras-team/keras keras/src/layers/rnn/lstm.py (LSTMCell.build: kernel (input_dim, 4*units), bias (4*units,); "
    "call splits z into i, f, c, o)";
struct lstm : lstm_op<l::rnn::in_gates<"i,f,g,o">, layout<axes::N, op_axes::seq, axes::C>> {
  static constexpr std::string_view name = "keras.lstm";
  static constexpr std::string_view source = lstm_source;
  static constexpr std::string_view note =
      "kernel (also LSTMCell's); recurrent_kernel (units, 4*units) has the same layout with I = units; a single bias";
  static constexpr bias_form biases = bias_form::one;
};
struct lstm_bias : lstm_op<l::rnn::bias_one<"i,f,g,o">, layout<axes::N, op_axes::seq, axes::C>> {
  static constexpr std::string_view name = "keras.lstm:bias";
  static constexpr std::string_view source = lstm_source;
  static constexpr std::string_view note = "unit_forget_bias only initialises the f block to 1: nothing is added at run time";
  static constexpr tensor_kind tensor = tensor_kind::bias;
  static constexpr bias_form biases = bias_form::one;
};

// keras-team/keras keras/src/layers/rnn/gru.py (GRUCell.build: kernel (input_dim, 3*units) split into z, r, h;
// reset_after=True by default: bias (2, 3*units), row 0 input, row 1 recurrent; call: hh = tanh(x_h + r *
// recurrent_h) with the recurrent bias inside; reset_after=False: bias (3*units,), hh = tanh(x_h + (r * h) R_h)).
inline constexpr std::string_view gru_source =
    "keras-team/keras keras/src/layers/rnn/gru.py (GRUCell.__init__: reset_after=True; GRUCell.build: kernel "
    "(input_dim, 3*units) as z, r, h, bias (2, 3*units) when reset_after else (3*units,); GRUCell.call)";
struct gru : gru_op<l::rnn::in_gates<"z,r,n">, layout<axes::N, op_axes::seq, axes::C>> {
  static constexpr std::string_view name = "keras.gru";
  static constexpr std::string_view source = gru_source;
  static constexpr std::string_view note =
      "kernel (also GRUCell's), reset_after=True (the default, cuDNN-compatible; the GRU docstring calls the other variant the "
      "default); recurrent_kernel (units, 3*units) has the same layout with I = units";
  static constexpr reset_gate reset = reset_gate::after;
  static constexpr bias_form biases = bias_form::two;
};
struct gru_bias : gru_op<l::rnn::bias_two<"z,r,n">, layout<axes::N, op_axes::seq, axes::C>> {
  static constexpr std::string_view name = "keras.gru:bias";
  static constexpr std::string_view source = gru_source;
  static constexpr std::string_view note = "reset_after=True: bias (2, 3*units), the input bias and the recurrent bias";
  static constexpr tensor_kind tensor = tensor_kind::bias;
  static constexpr reset_gate reset = reset_gate::after;
  static constexpr bias_form biases = bias_form::two;
};
struct gru_reset_before : gru_op<l::rnn::in_gates<"z,r,n">, layout<axes::N, op_axes::seq, axes::C>> {
  static constexpr std::string_view name = "keras.gru:reset_before";
  static constexpr std::string_view source = gru_source;
  static constexpr std::string_view note = "kernel with reset_after=False: the reset gate multiplies h before the recurrent matmul";
  static constexpr reset_gate reset = reset_gate::before;
  static constexpr bias_form biases = bias_form::one;
};
struct gru_reset_before_bias : gru_op<l::rnn::bias_one<"z,r,n">, layout<axes::N, op_axes::seq, axes::C>> {
  static constexpr std::string_view name = "keras.gru:reset_before_bias";
  static constexpr std::string_view source = gru_source;
  static constexpr std::string_view note = "reset_after=False: one bias (3*units,)";
  static constexpr tensor_kind tensor = tensor_kind::bias;
  static constexpr reset_gate reset = reset_gate::before;
  static constexpr bias_form biases = bias_form::one;
};

// keras-team/keras keras/src/layers/attention/multi_head_attention.py (build: query/key/value EinsumDense with
// _build_proj_equation(free=2, bound=1, output=2), "abc,cde->abde": kernel (E, num_heads, key_dim), bias_axes
// "de": bias (num_heads, key_dim); _make_output_dense: "abcd,cde->abe", kernel (num_heads, value_dim, E_out)).
inline constexpr std::string_view mha_source =
    "keras-team/keras keras/src/layers/attention/multi_head_attention.py (MultiHeadAttention.build, "
    "_build_proj_equation: query/key/value kernels (E, num_heads, key_dim) and biases (num_heads, key_dim); "
    "_make_output_dense: kernel (num_heads, value_dim, E))";
template <fixed_string Name, fixed_string Section>
struct mha_projection : projection_op<l::proj::in_heads, layout<axes::N, op_axes::seq, axes::C>> {
  static constexpr std::string_view name = Name.view();
  static constexpr std::string_view source = mha_source;
  static constexpr std::string_view section = Section.view();
};
template <fixed_string Name, fixed_string Section>
struct mha_projection_bias : projection_op<l::proj::bias_heads, layout<axes::N, op_axes::seq, axes::C>> {
  static constexpr std::string_view name = Name.view();
  static constexpr std::string_view source = mha_source;
  static constexpr std::string_view section = Section.view();
  static constexpr tensor_kind tensor = tensor_kind::bias;
};
struct mha_query : mha_projection<"keras.multi_head_attention:query", "qkv:q"> {};
struct mha_key : mha_projection<"keras.multi_head_attention:key", "qkv:k"> {};
struct mha_value : mha_projection<"keras.multi_head_attention:value", "qkv:v"> {};
struct mha_query_bias : mha_projection_bias<"keras.multi_head_attention:query_bias", "qkv:q"> {};
struct mha_key_bias : mha_projection_bias<"keras.multi_head_attention:key_bias", "qkv:k"> {};
struct mha_value_bias : mha_projection_bias<"keras.multi_head_attention:value_bias", "qkv:v"> {};
struct mha_output : projection_op<l::proj::heads_out, layout<axes::N, op_axes::seq, axes::C>> {
  static constexpr std::string_view name = "keras.multi_head_attention:output";
  static constexpr std::string_view source = mha_source;
  static constexpr std::string_view note = "the output kernel; its bias is (E,) as in every framework";
  static constexpr std::string_view section = "out";
};

// keras.ops.dot_product_attention: query (B, T, N, H), the same as JAX.
struct dot_product_attention : attention_op<layout<axes::N, op_axes::seq, op_axes::heads, op_axes::head_dim>> {
  static constexpr std::string_view name = "keras.dot_product_attention";
  static constexpr std::string_view source =
      "https://www.tensorflow.org/api_docs/python/tf/keras/ops/dot_product_attention (query (B, T, N, H))";
  static constexpr std::string_view note = "q, k and v share the layout";
};

using all_ops = axle::detail::type_list<conv1d, conv2d, conv3d, conv1d_transpose, conv2d_transpose, conv3d_transpose,
                                        depthwise_conv1d, depthwise_conv2d, dense, lstm, lstm_bias, gru, gru_bias,
                                        gru_reset_before, gru_reset_before_bias, dot_product_attention, mha_query, mha_key,
                                        mha_value, mha_query_bias, mha_key_bias, mha_value_bias, mha_output>;

}  // namespace axle::keras
