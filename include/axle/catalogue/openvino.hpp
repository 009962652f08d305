// axle catalogue — OpenVINO opset (openvinotoolkit/openvino). The operators are N-d: one name,
// ranks 1 to 3. Names are the op names in lower case.
#pragma once

#include "common.hpp"

namespace axle::openvino {

namespace l = catalogue::layouts;

// openvinotoolkit/openvino docs/ops/convolution/Convolution_1.md (filter [C_OUT, C_IN, Z, Y, X]);
// src/core/reference/include/openvino/reference/convolution_backprop_data.hpp (the forward op correlates).
template <int N>
struct convolution : conv_op<with_spatial_t<N, l::O_I_s>, channels_first<N>> {
  static constexpr std::string_view name = "openvino.convolution";
  static constexpr std::string_view source =
      "openvinotoolkit/openvino docs/ops/convolution/Convolution_1.md (filter [C_OUT, C_IN, Z, Y, X]); "
      "src/core/reference/include/openvino/reference/convolution_backprop_data.hpp";
};

// openvinotoolkit/openvino docs/ops/convolution/GroupConvolution_1.md (filter [GROUPS, C_OUT/G, C_IN/G, Z, Y, X]).
template <int N>
struct groupconvolution : conv_op<with_spatial_t<N, l::G_O_I_s>, channels_first<N>> {
  static constexpr std::string_view name = "openvino.groupconvolution";
  static constexpr std::string_view source =
      "openvinotoolkit/openvino docs/ops/convolution/GroupConvolution_1.md (filter [GROUPS, C_OUT, C_IN, Z, Y, X] per "
      "group)";
  static constexpr std::string_view note = "G is a separate leading axis";
};

// openvinotoolkit/openvino docs/ops/convolution/ConvolutionBackpropData_1.md (filter IOZYX [C_IN, C_OUT, ...]);
// src/core/reference/.../convolution_backprop_data.hpp (convolution_backprop_in: reverses the kernel, swaps
// axes 0/1, zero-inserts the input and correlates: adjoint).
template <int N>
struct convolutionbackpropdata : conv_transpose_op<semantics::adjoint, with_spatial_t<N, l::I_O_fs>, channels_first<N>> {
  static constexpr std::string_view name = "openvino.convolutionbackpropdata";
  static constexpr std::string_view source =
      "openvinotoolkit/openvino docs/ops/convolution/ConvolutionBackpropData_1.md (filter [C_IN, C_OUT, Z, Y, X]); "
      "src/core/reference/include/openvino/reference/convolution_backprop_data.hpp (convolution_backprop_in)";
  static constexpr std::string_view note =
      "auto_pad SAME_UPPER puts the extra crop at the beginning and applies only with output_shape";
};

// GroupConvolutionBackpropData-1 (filter [GROUPS, C_IN, C_OUT, spatial] per group; input [N, G*C_IN, ...]).
template <int N>
struct groupconvolutionbackpropdata
    : conv_transpose_op<semantics::adjoint, with_spatial_t<N, l::G_I_O_fs>, channels_first<N>> {
  static constexpr std::string_view name = "openvino.groupconvolutionbackpropdata";
  static constexpr std::string_view source =
      "openvinotoolkit/openvino docs/ops/convolution/GroupConvolutionBackpropData_1 (filter [GROUPS, C_IN, C_OUT, "
      "spatial]; read in a copy); convolution_backprop_data.hpp";
  static constexpr std::string_view note =
      "G is a separate leading axis; the spec lists the kernel's spatial axes as X, Y, Z, read here in the data's "
      "order Z, Y, X";
};

// OpenVINO ScaledDotProductAttention-13: query [N, ..., L, E].
struct scaleddotproductattention : attention_op<layout<axes::N, op_axes::heads, op_axes::seq, op_axes::head_dim>> {
  static constexpr std::string_view name = "openvino.scaleddotproductattention";
  static constexpr std::string_view source =
      "https://docs.openvino.ai/2024/documentation/openvino-ir-format/operation-sets/operation-specs/sequence/"
      "scaled-dot-product-attention.html (query [N, ..., L, E])";
  static constexpr std::string_view note = "q, k and v share the layout; heads is one of the leading '...' axes";
};

using all_ops = axle::detail::type_list<convolution<1>, convolution<2>, convolution<3>, groupconvolution<1>,
                                        groupconvolution<2>, groupconvolution<3>, convolutionbackpropdata<1>,
                                        convolutionbackpropdata<2>, convolutionbackpropdata<3>,
                                        groupconvolutionbackpropdata<1>, groupconvolutionbackpropdata<2>,
                                        groupconvolutionbackpropdata<3>, scaleddotproductattention>;

}  // namespace axle::openvino
