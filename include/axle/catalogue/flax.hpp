// axle catalogue — Flax (google/flax), linen and nnx. Inputs are channels last with any number of
// leading batch axes (one batch axis below).
#pragma once

#include "common.hpp"

namespace axle::flax {

namespace l = catalogue::layouts;

// google/flax flax/linen/linear.py (_Conv.__call__: kernel_shape = kernel_size + (in_features //
// feature_group_count, features); lax.conv_general_dilated with NHWC/HWIO numbers); flax/nnx/nn/linear.py (Conv).
template <int N>
struct conv : conv_op<with_spatial_t<N, l::s_I_gO>, channels_last<N>> {
  static constexpr std::string_view name = "flax.conv";
  static constexpr std::string_view source =
      "google/flax flax/linen/linear.py (Conv: kernel_size + (in_features // feature_group_count, features)); "
      "flax/nnx/nn/linear.py (Conv)";
};

// google/flax flax/linen/linear.py (ConvTranspose.__call__: kernel_size + (in_features, features), or
// (features, in_features) with transpose_kernel=True; lax.conv_transpose(transpose_kernel=...) with
// lax's default dimension numbers). No groups.
template <int N, bool TransposeKernel = false>
struct conv_transpose;
template <int N>
struct conv_transpose<N, false> : conv_transpose_op<semantics::direct, with_spatial_t<N, l::s_I_O>, channels_last<N>> {
  static constexpr std::string_view name = "flax.conv_transpose";
  static constexpr std::string_view source =
      "google/flax flax/linen/linear.py (ConvTranspose.__call__: kernel_size + (in_features, features), "
      "lax.conv_transpose(transpose_kernel=False)); flax/nnx/nn/linear.py (ConvTranspose)";
  static constexpr std::string_view note = "transpose_kernel=False (default): direct; no groups; default padding SAME";
};
template <int N>
struct conv_transpose<N, true> : conv_transpose_op<semantics::adjoint, with_spatial_t<N, l::fs_O_I>, channels_last<N>> {
  static constexpr std::string_view name = "flax.conv_transpose:transpose_kernel";
  static constexpr std::string_view source =
      "google/flax flax/linen/linear.py (ConvTranspose.__call__ with transpose_kernel=True: kernel_size + "
      "(features, in_features), lax.conv_transpose(transpose_kernel=True)); flax/nnx/nn/linear.py (ConvTranspose)";
  static constexpr std::string_view note =
      "transpose_kernel=True: the forward Conv's kernel (Keras/PyTorch checkpoints); no groups";
};

// google/flax flax/linen/linear.py (Dense.__call__: kernel (in_features, features)).
struct dense : dense_op<layout<axes::I, axes::O>, layout<axes::N, axes::C>> {
  static constexpr std::string_view name = "flax.dense";
  static constexpr std::string_view source = "google/flax flax/linen/linear.py (Dense: kernel (jnp.shape(inputs)[-1], features))";
};

// google/flax flax/nnx/nn/linear.py (Linear.__init__: kernel_init(kernel_key, (in_features, out_features))).
struct linear : dense_op<layout<axes::I, axes::O>, layout<axes::N, axes::C>> {
  static constexpr std::string_view name = "flax.linear";
  static constexpr std::string_view source =
      "google/flax flax/nnx/nn/linear.py (Linear.__init__: kernel (in_features, out_features))";
  static constexpr std::string_view note = "nnx.Linear";
};

using all_ops = axle::detail::type_list<conv<1>, conv<2>, conv<3>, conv_transpose<1>, conv_transpose<2>, conv_transpose<3>,
                                        conv_transpose<1, true>, conv_transpose<2, true>, conv_transpose<3, true>, dense,
                                        linear>;

}  // namespace axle::flax
