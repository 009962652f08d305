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

using all_ops = axle::detail::type_list<conv1d, conv2d, conv3d, conv_transpose1d, conv_transpose2d, conv_transpose3d, linear,
                                        scaled_dot_product_attention>;

}  // namespace axle::mlx
