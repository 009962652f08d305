// axle catalogue — tinygrad (tinygrad/tinygrad). Tensor.conv2d and Tensor.conv_transpose2d take any
// number of spatial axes despite their names: one name each, ranks 1 to 3.
#pragma once

#include "common.hpp"

namespace axle::tinygrad {

namespace l = catalogue::layouts;

// tinygrad/tinygrad tinygrad/tensor.py (Tensor.conv2d: weight (cout, cin/groups, *k), multiplied as
// weight.reshape(1, groups, rcout, ..., cin, *HW) and summed, no flip).
template <int N>
struct conv2d : conv_op<with_spatial_t<N, l::gO_I_s>, channels_first<N>> {
  static constexpr std::string_view name = "tinygrad.conv2d";
  static constexpr std::string_view source =
      "tinygrad/tinygrad tinygrad/tensor.py (Tensor.conv2d: weight (cout, cin/groups, *k), correlation)";
  static constexpr std::string_view note = "N-d despite the name";
};

// tinygrad/tinygrad tinygrad/tensor.py (Tensor.conv_transpose2d: weight (cin, cout/groups, *k); unflatten
// groups, swap in/out per group, flip spatial, then conv2d over the stride-dilated input: adjoint).
template <int N>
struct conv_transpose2d : conv_transpose_op<semantics::adjoint, with_spatial_t<N, l::gI_O_fs>, channels_first<N>> {
  static constexpr std::string_view name = "tinygrad.conv_transpose2d";
  static constexpr std::string_view source =
      "tinygrad/tinygrad tinygrad/tensor.py (Tensor.conv_transpose2d: weight (cin, cout/groups, *k), per-group swap "
      "and spatial flip before conv2d)";
  static constexpr std::string_view note = "N-d despite the name";
};

using all_ops = axle::detail::type_list<conv2d<1>, conv2d<2>, conv2d<3>, conv_transpose2d<1>, conv_transpose2d<2>,
                                        conv_transpose2d<3>>;

}  // namespace axle::tinygrad
