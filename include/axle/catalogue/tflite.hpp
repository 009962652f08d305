// axle catalogue — TensorFlow Lite builtin operators (tensorflow/tensorflow tensorflow/lite).
#pragma once

#include "common.hpp"

namespace axle::tflite {

namespace l = catalogue::layouts;

// tensorflow/tensorflow tensorflow/lite/kernels/internal/reference/integer_ops/conv.h (ConvPerChannel:
// filter [O, kh, kw, I/G], input read at out*stride - pad + k*dilation; groups via filter_input_depth).
struct conv_2d : conv_op<with_spatial_t<2, l::gO_s_I>, channels_last<2>> {
  static constexpr std::string_view name = "tflite.conv_2d";
  static constexpr std::string_view source =
      "tensorflow/tensorflow tensorflow/lite/kernels/internal/reference/integer_ops/conv.h (filter OHWI, "
      "correlation; groups = input_depth / filter_input_depth)";
};

// tensorflow/tensorflow tensorflow/lite/kernels/internal/reference/depthwiseconv_float.h (DepthwiseConv:
// filter read at (0, fy, fx, oc), oc = ic*M + m).
struct depthwise_conv_2d : depthwise_conv_op<with_spatial_t<2, l::one_s_gM>, channels_last<2>> {
  static constexpr std::string_view name = "tflite.depthwise_conv_2d";
  static constexpr std::string_view source =
      "tensorflow/tensorflow tensorflow/lite/kernels/internal/reference/depthwiseconv_float.h (DepthwiseConv: "
      "filter (1, h, w, C*M))";
};

// tensorflow/tensorflow tensorflow/lite/kernels/internal/reference/transpose_conv.h (TransposeConv: scatter
// out[in*s - pad + f] += in * filter[oc, fy, fx, ic], no flip); tensorflow/lite/kernels/transpose_conv.cc
// (inputs (output_shape, weights, input[, bias]); the converter transposes TF HWOI to OHWI, no flip).
struct transpose_conv : conv_transpose_op<semantics::adjoint, with_spatial_t<2, l::O_fs_I>, channels_last<2>> {
  static constexpr std::string_view name = "tflite.transpose_conv";
  static constexpr std::string_view source =
      "tensorflow/tensorflow tensorflow/lite/kernels/internal/reference/transpose_conv.h (TransposeConv: scatter "
      "with filter [oc, fy, fx, ic]); tensorflow/lite/kernels/transpose_conv.cc";
  static constexpr std::string_view note = "inputs are (output_shape, weights, input[, bias]); no groups, no dilation";
};

// tensorflow/tensorflow tensorflow/lite/kernels/internal/reference/conv3d.h (Conv3D: filter (fd, fy, fx, ic, oc)).
struct conv_3d : conv_op<with_spatial_t<3, l::s_I_O>, channels_last<3>> {
  static constexpr std::string_view name = "tflite.conv_3d";
  static constexpr std::string_view source =
      "tensorflow/tensorflow tensorflow/lite/kernels/internal/reference/conv3d.h (Conv3D: filter (d, h, w, in, out))";
  static constexpr std::string_view note = "NDHWC only; no groups in the reference kernel";
};

// tensorflow/tensorflow tensorflow/lite/kernels/internal/reference/conv3d_transpose.h (Conv3DTranspose:
// scatter with filter (fd, fy, fx, oc, ic), no flip).
struct conv_3d_transpose : conv_transpose_op<semantics::adjoint, with_spatial_t<3, l::fs_O_I>, channels_last<3>> {
  static constexpr std::string_view name = "tflite.conv_3d_transpose";
  static constexpr std::string_view source =
      "tensorflow/tensorflow tensorflow/lite/kernels/internal/reference/conv3d_transpose.h (Conv3DTranspose: "
      "scatter with filter (d, h, w, out, in))";
  static constexpr std::string_view note = "the op's tensor input order was not read";
};

// tensorflow/tensorflow tensorflow/lite/kernels/internal/reference/fully_connected.h (FullyConnected:
// output_depth = weights.dim(-2), accum_depth = weights.dim(-1)).
struct fully_connected : dense_op<layout<axes::O, axes::I>, layout<axes::N, axes::C>> {
  static constexpr std::string_view name = "tflite.fully_connected";
  static constexpr std::string_view source =
      "tensorflow/tensorflow tensorflow/lite/kernels/internal/reference/fully_connected.h (weights [out, in])";
};

using all_ops =
    axle::detail::type_list<conv_2d, depthwise_conv_2d, transpose_conv, conv_3d, conv_3d_transpose, fully_connected>;

}  // namespace axle::tflite
