// axle catalogue — cuDNN filter formats (2-D). Both entries are UNVERIFIED: the NVIDIA cuDNN
// guide was not read.
#pragma once

#include "common.hpp"

namespace axle::cudnn {

namespace l = catalogue::layouts;

// cudnn.h (cudnnSetFilter4dDescriptor(k = output feature maps, c = input feature maps, h, w)); an NVIDIA
// forum answer from cuDNN v1/v2 says filters are K, C, H, W. Frameworks use CUDNN_CROSS_CORRELATION.
struct kcrs : conv_op<with_spatial_t<2, l::O_I_s>, channels_first<2>> {
  static constexpr std::string_view name = "cudnn.kcrs";
  static constexpr std::string_view source =
      "cudnn.h (cudnnSetFilter4dDescriptor: k = output maps, c = input maps); NVIDIA forum answer (cuDNN v1/v2)";
  static constexpr axle::status status = axle::status::unverified;
  static constexpr std::string_view note =
      "with CUDNN_CROSS_CORRELATION (CUDNN_CONVOLUTION flips the filter); the physical mapping is forum-level";
};

// cudnn.h (cudnnTensorFormat_t CUDNN_TENSOR_NHWC for filters): KRSC = (O, H, W, I) by analogy with KCRS.
struct krsc : conv_op<with_spatial_t<2, l::O_s_I>, channels_last<2>> {
  static constexpr std::string_view name = "cudnn.krsc";
  static constexpr std::string_view source = "cudnn.h (cudnnSetFilter4dDescriptor with CUDNN_TENSOR_NHWC)";
  static constexpr axle::status status = axle::status::unverified;
  static constexpr std::string_view note = "the (O, H, W, I) mapping of the NHWC filter format is not confirmed";
};

using all_ops = axle::detail::type_list<kcrs, krsc>;

}  // namespace axle::cudnn
