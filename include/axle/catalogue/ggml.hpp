// axle catalogue — ggml (ggml-org/ggml). ggml lists dimensions fastest first (`ne`); the layouts
// below are row-major, outermost first.
#pragma once

#include "common.hpp"

namespace axle::ggml {

namespace l = catalogue::layouts;

// ggml-org/ggml include/ggml.h (ggml_conv_2d: a [OC, IC, KH, KW], ne [KW, KH, IC, OC]; input ne [W, H, C, N]).
struct conv_2d : conv_op<with_spatial_t<2, l::O_I_s>, channels_first<2>> {
  static constexpr std::string_view name = "ggml.conv_2d";
  static constexpr std::string_view source =
      "ggml-org/ggml include/ggml.h (ggml_conv_2d / ggml_conv_2d_direct: kernel ne [KW, KH, IC, OC])";
};

// ggml-org/ggml include/ggml.h (ggml_conv_2d_dw_direct: kernel ne [KW, KH, 1, C]); src/ggml-cpu/ops.cpp
// (ggml_compute_forward_conv_2d_dw: src = dst*s + k*d - p, correlation). Multiplier 1: the kernel
// (C, 1, KH, KW) is PyTorch's depthwise ((G, M), I=1, H, W) with M = 1, so M is a unit axis here
// and a weight with a multiplier is refused instead of being read as more channels.
struct conv_2d_dw : depthwise_conv_op<layout<merged<axes::G, unit<axes::M>>, unit<axes::I>, axes::H, axes::W>, channels_first<2>> {
  static constexpr std::string_view name = "ggml.conv_2d_dw";
  static constexpr std::string_view source =
      "ggml-org/ggml include/ggml.h (ggml_conv_2d_dw_direct: kernel ne [KW, KH, 1, C]); src/ggml-cpu/ops.cpp "
      "(ggml_compute_forward_conv_2d_dw; read in a copy)";
  static constexpr std::string_view note = "channel multiplier 1 (M = 1)";
};

// ggml-org/ggml src/ggml.c (ggml_conv_transpose_1d: a.ne = [K, Cout, Cin], p0 = 0, d0 = 1 asserted;
// read in a copy); the 1-D scatter dst[i*s + k] += ..., no flip, was read in a derived copy.
struct conv_transpose_1d : conv_transpose_op<semantics::adjoint, with_spatial_t<1, l::I_O_fs>, channels_first<1>> {
  static constexpr std::string_view name = "ggml.conv_transpose_1d";
  static constexpr std::string_view source =
      "ggml-org/ggml src/ggml.c (ggml_conv_transpose_1d: a.ne [K, Cout, Cin]; read in a copy)";
  static constexpr std::string_view note = "no padding (p0 = 0), no dilation, no groups";
};

// ggml-org/ggml src/ggml.c (ggml_conv_transpose_2d_p0: a.ne = [KW, KH, Cout, Cin]); src/ggml-cpu/ops.cpp
// (ggml_compute_forward_conv_transpose_2d: scatter dst[iy*s + ky][ix*s + kx] += x*w, no flip: adjoint).
struct conv_transpose_2d_p0 : conv_transpose_op<semantics::adjoint, with_spatial_t<2, l::I_O_fs>, channels_first<2>> {
  static constexpr std::string_view name = "ggml.conv_transpose_2d_p0";
  static constexpr std::string_view source =
      "ggml-org/ggml src/ggml.c (ggml_conv_transpose_2d_p0: a.ne [KW, KH, Cout, Cin]); src/ggml-cpu/ops.cpp "
      "(ggml_compute_forward_conv_transpose_2d; read in a copy)";
  static constexpr std::string_view note = "padding 0, one stride for both axes, no groups; CPU needs F16 kernels";
};

using all_ops = axle::detail::type_list<conv_2d, conv_2d_dw, conv_transpose_1d, conv_transpose_2d_p0>;

}  // namespace axle::ggml
