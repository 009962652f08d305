// axle catalogue — Haiku (google-deepmind/dm-haiku).
#pragma once

#include "common.hpp"

namespace axle::haiku {

namespace l = catalogue::layouts;

// google-deepmind/dm-haiku haiku/_src/conv.py (ConvND.__call__: w_shape = kernel_shape + (input_channels //
// feature_group_count, output_channels); to_dimension_numbers; default data formats NWC, NHWC, NDHWC).
template <int N>
struct conv_nd : conv_op<with_spatial_t<N, l::s_I_gO>, channels_last<N>> {
  static constexpr std::string_view source =
      "google-deepmind/dm-haiku haiku/_src/conv.py (ConvND.__call__: kernel_shape + (in // feature_group_count, "
      "out); to_dimension_numbers)";
};
struct conv1d : conv_nd<1> {
  static constexpr std::string_view name = "haiku.conv1d";
};
struct conv2d : conv_nd<2> {
  static constexpr std::string_view name = "haiku.conv2d";
};
struct conv3d : conv_nd<3> {
  static constexpr std::string_view name = "haiku.conv3d";
};

// google-deepmind/dm-haiku haiku/_src/conv.py (ConvNDTranspose.__call__: kernel_shape + (output_channels,
// input_channels); to_dimension_numbers(transpose=True): rhs out-feature second to last, in-feature last;
// lax.conv_transpose without transpose_kernel: direct). The same shape as TF/Keras, the other orientation.
template <int N>
struct conv_transpose_nd : conv_transpose_op<semantics::direct, with_spatial_t<N, l::s_O_I>, channels_last<N>> {
  static constexpr std::string_view source =
      "google-deepmind/dm-haiku haiku/_src/conv.py (ConvNDTranspose.__call__: kernel_shape + (out, in); "
      "to_dimension_numbers(transpose=True); lax.conv_transpose without transpose_kernel)";
  static constexpr std::string_view note =
      "direct: the same shape as TF/Keras (k..., O, I) but not flipped; no groups; the flip is deduced from the code";
};
struct conv1d_transpose : conv_transpose_nd<1> {
  static constexpr std::string_view name = "haiku.conv1d_transpose";
};
struct conv2d_transpose : conv_transpose_nd<2> {
  static constexpr std::string_view name = "haiku.conv2d_transpose";
};
struct conv3d_transpose : conv_transpose_nd<3> {
  static constexpr std::string_view name = "haiku.conv3d_transpose";
};

// google-deepmind/dm-haiku haiku/_src/basic.py (Linear.__call__: w [input_size, output_size]; jnp.dot(x, w) + b).
struct linear : dense_op<layout<axes::I, axes::O>, layout<axes::N, axes::C>> {
  static constexpr std::string_view name = "haiku.linear";
  static constexpr std::string_view source = "google-deepmind/dm-haiku haiku/_src/basic.py (Linear.__call__: w [input_size, output_size])";
};

using all_ops = axle::detail::type_list<conv1d, conv2d, conv3d, conv1d_transpose, conv2d_transpose, conv3d_transpose, linear>;

}  // namespace axle::haiku
