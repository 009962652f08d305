// axle catalogue — TensorFlow `tf.nn` (tensorflow/tensorflow).
#pragma once

#include "common.hpp"

namespace axle::tf {

namespace l = catalogue::layouts;

// tensorflow/tensorflow tensorflow/python/ops/nn_ops.py: conv2d_v2's docstring sums
// input[b, s*i + di, s*j + dj, q] * filter[di, dj, q, k] (correlation, filter HWIO); conv1d expands
// the filter to [1, W, I, O] and calls conv2d. Groups are implicit (in_depth / filter_in_depth).
template <int N>
struct conv_nd : conv_op<with_spatial_t<N, l::s_I_gO>, channels_last<N>> {
  static constexpr std::string_view source =
      "tensorflow/tensorflow tensorflow/python/ops/nn_ops.py (conv2d_v2 docstring: correlation with filter "
      "[h, w, in, out]; conv1d expands to conv2d)";
  static constexpr std::string_view note =
      "groups are implicit (in_depth / filter_in_depth); the group-major order of the output channels is the "
      "XLA/cuDNN convention, the TF CPU kernel was not read";
};
struct conv1d : conv_nd<1> {
  static constexpr std::string_view name = "tf.conv1d";
};
struct conv2d : conv_nd<2> {
  static constexpr std::string_view name = "tf.conv2d";
};
// The Conv3D filter layout is the one conv3d_backprop_input_v2 takes (nn_ops.py conv3d_transpose_v2).
struct conv3d : conv_op<with_spatial_t<3, l::s_I_O>, channels_last<3>> {
  static constexpr std::string_view name = "tf.conv3d";
  static constexpr std::string_view source =
      "tensorflow/tensorflow tensorflow/python/ops/nn_ops.py (conv3d_transpose_v2 passes its filter to "
      "conv3d_backprop_input_v2, which takes the Conv3D filter [d, h, w, in, out])";
  static constexpr std::string_view note = "the Conv3D op doc itself was not read; groups not catalogued for 3-D";
};

// tensorflow/tensorflow tensorflow/python/ops/nn_ops.py: conv1d_transpose, conv2d_transpose_v2 and
// conv3d_transpose_v2 call conv{2,3}d_backprop_input with the filter [k..., output_channels, in_channels]:
// the input gradient of the forward conv whose filter is the same tensor (adjoint).
template <int N>
struct conv_transpose_nd : conv_transpose_op<semantics::adjoint, with_spatial_t<N, l::fs_O_I>, channels_last<N>> {
  static constexpr std::string_view source =
      "tensorflow/tensorflow tensorflow/python/ops/nn_ops.py (conv1d_transpose, conv2d_transpose_v2, "
      "conv3d_transpose_v2: conv*d_backprop_input with filter [k..., out, in])";
  static constexpr std::string_view note =
      "no groups catalogued (the backprop shape utility accepts them, kernel support not checked)";
};
struct conv1d_transpose : conv_transpose_nd<1> {
  static constexpr std::string_view name = "tf.conv1d_transpose";
};
struct conv2d_transpose : conv_transpose_nd<2> {
  static constexpr std::string_view name = "tf.conv2d_transpose";
};
struct conv3d_transpose : conv_transpose_nd<3> {
  static constexpr std::string_view name = "tf.conv3d_transpose";
};

// tf.nn.conv_transpose (N-d) dispatches through CONV_TRANSPOSE_OPS[n-1] to the functions above: the same
// memory, although its docstring labels the filter [k..., in, out] from the forward conv's point of view.
template <int N>
struct conv_transpose : conv_transpose_nd<N> {
  static constexpr std::string_view name = "tf.conv_transpose";
  static constexpr std::string_view source =
      "tensorflow/tensorflow tensorflow/python/ops/nn_ops.py (conv_transpose: CONV_TRANSPOSE_OPS[n - 1] dispatch)";
  static constexpr std::string_view note =
      "the docstring's [in_channels, out_channels] labels are the forward conv's; memory as conv*d_transpose";
};

// tensorflow/tensorflow tensorflow/python/ops/nn_ops.py (depthwise_conv2d_native docstring: output channel
// k*M + q is input channel k correlated with filter[:, :, k, q]).
struct depthwise_conv2d : depthwise_conv_op<with_spatial_t<2, l::s_G_M>, channels_last<2>> {
  static constexpr std::string_view name = "tf.depthwise_conv2d";
  static constexpr std::string_view source =
      "tensorflow/tensorflow tensorflow/python/ops/nn_ops.py (depthwise_conv2d_native docstring: filter "
      "[h, w, in_channels, channel_multiplier], output channel k*M + q)";
};

// tensorflow/tensorflow tensorflow/python/keras/layers/legacy_rnn/rnn_cell_impl.py (LSTMCell.build: kernel
// [input_depth + h_depth, 4*num_units]; call: i, j, f, o = split(matmul(concat([inputs, m_prev], 1), kernel), 4, 1),
// c = sigmoid(f + forget_bias) * c_prev + sigmoid(i) * tanh(j)).
struct lstm_cell : lstm_op<l::rnn::in_gates<"i,g,f,o">, layout<axes::N, axes::C>> {
  static constexpr std::string_view name = "tf.lstm_cell";
  static constexpr std::string_view source =
      "tensorflow/tensorflow tensorflow/python/keras/layers/legacy_rnn/rnn_cell_impl.py (LSTMCell.build: kernel "
      "[input_depth + h_depth, 4*num_units]; LSTMCell.call: i, j, f, o = split(concat([inputs, m_prev]) @ kernel), "
      "sigmoid(f + forget_bias))";
  static constexpr std::string_view note =
      "TF1 tf.compat.v1.nn.rnn_cell.LSTMCell (and BasicLSTMCell): one kernel whose rows are the input's, then "
      "h's (I = input_size + num_units, PyTorch's [W_ih^T; W_hh^T]); j is the candidate g; one bias, and "
      "forget_bias (1.0) added to f at run time: subtract it from a converted bias's f block";
  static constexpr bias_form biases = bias_form::one;
};

using all_ops = axle::detail::type_list<conv1d, conv2d, conv3d, conv1d_transpose, conv2d_transpose, conv3d_transpose,
                                        conv_transpose<1>, conv_transpose<2>, conv_transpose<3>, depthwise_conv2d,
                                        lstm_cell>;

}  // namespace axle::tf
