// axle catalogue — Caffe (BVLC/caffe), 2-D.
#pragma once

#include "common.hpp"

namespace axle::caffe {

namespace l = catalogue::layouts;

// BVLC/caffe src/caffe/layers/base_conv_layer.cpp (LayerSetUp: weight_shape = [conv_out_channels_,
// conv_in_channels_ / group_, k...]; im2col GEMM, correlation).
struct convolution : conv_op<with_spatial_t<2, l::gO_I_s>, channels_first<2>> {
  static constexpr std::string_view name = "caffe.convolution";
  static constexpr std::string_view source =
      "BVLC/caffe src/caffe/layers/base_conv_layer.cpp (LayerSetUp: weight [num_output, channels / group, kh, kw])";
};

// BVLC/caffe src/caffe/layers/base_conv_layer.cpp (LayerSetUp with reverse_dimensions(): conv_out_channels_ =
// channels_, so the weight is [C_in, num_output / group, k...]); src/caffe/layers/deconv_layer.cpp
// (Forward_cpu calls backward_cpu_gemm, the convolution input-gradient path: adjoint).
struct deconvolution : conv_transpose_op<semantics::adjoint, with_spatial_t<2, l::gI_O_fs>, channels_first<2>> {
  static constexpr std::string_view name = "caffe.deconvolution";
  static constexpr std::string_view source =
      "BVLC/caffe src/caffe/layers/base_conv_layer.cpp (LayerSetUp, reverse_dimensions); "
      "src/caffe/layers/deconv_layer.cpp (Forward_cpu: backward_cpu_gemm); read in copies";
};

using all_ops = axle::detail::type_list<convolution, deconvolution>;

}  // namespace axle::caffe
