// axle catalogue — Core ML MIL operators (apple/coremltools). conv and conv_transpose are N-d:
// one name, ranks 1 to 3.
#pragma once

#include "common.hpp"

namespace axle::coreml {

namespace l = catalogue::layouts;

// apple/coremltools coremltools/converters/mil/mil/ops/defs/iOS15/conv.py (conv: weight [C_out, C_in/groups, *K];
// the torch frontend passes PyTorch weights unchanged, so correlation).
template <int N>
struct conv : conv_op<with_spatial_t<N, l::gO_I_s>, channels_first<N>> {
  static constexpr std::string_view name = "coreml.conv";
  static constexpr std::string_view source =
      "apple/coremltools coremltools/converters/mil/mil/ops/defs/iOS15/conv.py (conv: weight [C_out, C_in/groups, "
      "*K]); coremltools/converters/mil/frontend/torch/ops.py (_convolution passes PyTorch weights unchanged)";
  static constexpr std::string_view note = "pad is interleaved per dimension; the split of pad_type=same is unresolved";
};

// apple/coremltools .../iOS15/conv.py (conv_transpose: docstring weight [C_in, C_out/groups, *K]; type_inference
// C_out = weight.shape[1] * groups; "can also be used to compute the gradient of conv").
template <int N>
struct conv_transpose : conv_transpose_op<semantics::adjoint, with_spatial_t<N, l::gI_O_fs>, channels_first<N>> {
  static constexpr std::string_view name = "coreml.conv_transpose";
  static constexpr std::string_view source =
      "apple/coremltools coremltools/converters/mil/mil/ops/defs/iOS15/conv.py (conv_transpose docstring: weight "
      "[C_in, C_out/groups, *K]; type_inference)";
  static constexpr std::string_view note =
      "the input_spec inline comment says [C_out, C_in, ...], contradicting the docstring and type_inference";
};

// apple/coremltools coremltools/converters/mil/mil/ops/defs/iOS15/linear.py (linear: weight [D_out, D_in], x * weight^T + b).
struct linear : dense_op<layout<axes::O, axes::I>, layout<axes::N, axes::C>> {
  static constexpr std::string_view name = "coreml.linear";
  static constexpr std::string_view source =
      "apple/coremltools coremltools/converters/mil/mil/ops/defs/iOS15/linear.py (linear: weight [D_out, D_in])";
};

// apple/coremltools coremltools/converters/mil/mil/ops/defs/iOS15/recurrent.py (lstm: weight_ih <4*H, I> in the
// order [input, forget, output, cell] gates; x <s, b, I>); frontend/torch/ops.py (_add_mil_lstm: ifgo -> ifog).
struct lstm : lstm_op<layout<merged<labels<op_axes::gate, "i,f,o,g">, axes::O>, axes::I>,
                      layout<op_axes::seq, axes::N, axes::C>> {
  static constexpr std::string_view name = "coreml.lstm";
  static constexpr std::string_view source =
      "apple/coremltools coremltools/converters/mil/mil/ops/defs/iOS15/recurrent.py (lstm: weight_ih <4*H, I>, gates "
      "input, forget, output, cell); coremltools/converters/mil/frontend/torch/ops.py (_add_mil_lstm)";
  static constexpr std::string_view note = "weight_ih; weight_hh <4*H, H> has the same layout; a single summed bias";
};

using all_ops = axle::detail::type_list<conv<1>, conv<2>, conv<3>, conv_transpose<1>, conv_transpose<2>, conv_transpose<3>,
                                        linear, lstm>;

}  // namespace axle::coreml
