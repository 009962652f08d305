// axle catalogue — NVIDIA TensorRT layers. N-d (2-D and 3-D; NVIDIA's ONNX importer unsqueezes
// 1-D): one name, ranks 2 and 3.
#pragma once

#include "common.hpp"

namespace axle::tensorrt {

namespace l = catalogue::layouts;

// onnx/onnx-tensorrt builtin_op_importers.cpp (Conv importer: the ONNX W goes to addConvolutionNd unchanged,
// "Weights order is KCRS", noutput = W.d[0]).
template <int N>
struct convolution : conv_op<with_spatial_t<N, l::gO_I_s>, channels_first<N>> {
  static constexpr std::string_view name = "tensorrt.convolution";
  static constexpr std::string_view source =
      "onnx/onnx-tensorrt builtin_op_importers.cpp (Conv: W passed to addConvolutionNd, weights order KCRS; read in "
      "copies)";
  static constexpr std::string_view note = "IConvolutionLayer; the NvInfer.h text itself was not read";
};

// onnx/onnx-tensorrt builtin_op_importers.cpp (ConvTranspose importer: "Kernel weights have layout
// [C, M/group, k1, k2, (k3)]", passed unchanged to addDeconvolutionNd, noutput = d[1] * ngroup).
template <int N>
struct deconvolution : conv_transpose_op<semantics::adjoint, with_spatial_t<N, l::gI_O_fs>, channels_first<N>> {
  static constexpr std::string_view name = "tensorrt.deconvolution";
  static constexpr std::string_view source =
      "onnx/onnx-tensorrt builtin_op_importers.cpp (ConvTranspose: [C, M/group, k...] passed to addDeconvolutionNd; "
      "read in copies)";
  static constexpr std::string_view note =
      "IDeconvolutionLayer, adjoint because ONNX ConvTranspose weights pass through unchanged";
};

using all_ops = axle::detail::type_list<convolution<2>, convolution<3>, deconvolution<2>, deconvolution<3>>;

}  // namespace axle::tensorrt
