// axle catalogue — Equinox (patrick-kidger/equinox). Inputs are unbatched, channels first
// (use vmap to batch).
#pragma once

#include "common.hpp"

namespace axle::equinox {

namespace l = catalogue::layouts;

// patrick-kidger/equinox equinox/nn/_conv.py (Conv.__init__: weight (out, in // groups, *k);
// Conv.__call__: lax.conv_general_dilated(feature_group_count=groups) with the default OIHW numbers).
template <int N>
struct conv_nd : conv_op<with_spatial_t<N, l::gO_I_s>, with_spatial_t<N, l::C_s>> {
  static constexpr std::string_view source =
      "patrick-kidger/equinox equinox/nn/_conv.py (Conv.__init__: weight (out_channels, in_channels // groups, *k); "
      "Conv.__call__: lax.conv_general_dilated)";
  static constexpr std::string_view note = "unbatched input (C, spatial...)";
};
struct conv1d : conv_nd<1> {
  static constexpr std::string_view name = "equinox.conv1d";
};
struct conv2d : conv_nd<2> {
  static constexpr std::string_view name = "equinox.conv2d";
};
struct conv3d : conv_nd<3> {
  static constexpr std::string_view name = "equinox.conv3d";
};

// patrick-kidger/equinox equinox/nn/_conv.py (ConvTranspose.__init__: the same weight shape as Conv;
// ConvTranspose.__call__: lax.conv_general_dilated(lhs_dilation=stride), no flip: direct).
template <int N>
struct conv_transpose_nd : conv_transpose_op<semantics::direct, with_spatial_t<N, l::gO_I_s>, with_spatial_t<N, l::C_s>> {
  static constexpr std::string_view source =
      "patrick-kidger/equinox equinox/nn/_conv.py (ConvTranspose.__init__: weight (out_channels, in_channels // "
      "groups, *k); ConvTranspose.__call__: lax.conv_general_dilated(lhs_dilation=stride), no flip)";
  static constexpr std::string_view note =
      "direct: not the transpose of a Conv with the same weight (equinox issues 574, 728); unbatched input";
};
struct conv_transpose1d : conv_transpose_nd<1> {
  static constexpr std::string_view name = "equinox.conv_transpose1d";
};
struct conv_transpose2d : conv_transpose_nd<2> {
  static constexpr std::string_view name = "equinox.conv_transpose2d";
};
struct conv_transpose3d : conv_transpose_nd<3> {
  static constexpr std::string_view name = "equinox.conv_transpose3d";
};

// patrick-kidger/equinox equinox/nn/_linear.py (Linear: weight (out_features, in_features), W @ x + b).
struct linear : dense_op<layout<axes::O, axes::I>, layout<axes::C>> {
  static constexpr std::string_view name = "equinox.linear";
  static constexpr std::string_view source = "patrick-kidger/equinox equinox/nn/_linear.py (Linear: weight (out_features, in_features))";
  static constexpr std::string_view note = "unbatched input";
};

// patrick-kidger/equinox equinox/nn/_rnn.py (LSTMCell: weight_ih (4*hidden, input), gates i, f, g, o; one bias).
struct lstm_cell : lstm_op<layout<merged<labels<op_axes::gate, "i,f,g,o">, axes::O>, axes::I>, layout<axes::C>> {
  static constexpr std::string_view name = "equinox.lstm_cell";
  static constexpr std::string_view source =
      "patrick-kidger/equinox equinox/nn/_rnn.py (LSTMCell: weight_ih (4*hidden_size, input_size), gates i, f, g, o)";
  static constexpr std::string_view note =
      "weight_ih; weight_hh has the same layout with I = hidden_size; a single bias (from PyTorch: b_ih + b_hh)";
};

using all_ops = axle::detail::type_list<conv1d, conv2d, conv3d, conv_transpose1d, conv_transpose2d, conv_transpose3d, linear,
                                        lstm_cell>;

}  // namespace axle::equinox
