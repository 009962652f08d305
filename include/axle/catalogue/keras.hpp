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
struct lstm : lstm_op<layout<axes::I, merged<labels<op_axes::gate, "i,f,g,o">, axes::O>>,
                      layout<axes::N, op_axes::seq, axes::C>> {
  static constexpr std::string_view name = "keras.lstm";
  static constexpr std::string_view source =
      "keras-team/keras keras/src/layers/rnn/lstm.py (LSTMCell.build: kernel (input_dim, 4*units); call splits z "
      "into i, f, c, o)";
  static constexpr std::string_view note =
      "kernel; recurrent_kernel (units, 4*units) has the same layout with I = units; a single bias";
};

// keras.ops.dot_product_attention: query (B, T, N, H), the same as JAX.
struct dot_product_attention : attention_op<layout<axes::N, op_axes::seq, op_axes::heads, op_axes::head_dim>> {
  static constexpr std::string_view name = "keras.dot_product_attention";
  static constexpr std::string_view source =
      "https://www.tensorflow.org/api_docs/python/tf/keras/ops/dot_product_attention (query (B, T, N, H))";
  static constexpr std::string_view note = "q, k and v share the layout";
};

using all_ops = axle::detail::type_list<conv1d, conv2d, conv3d, conv1d_transpose, conv2d_transpose, conv3d_transpose,
                                        depthwise_conv1d, depthwise_conv2d, dense, lstm, dot_product_attention>;

}  // namespace axle::keras
