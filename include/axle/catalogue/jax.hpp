// axle catalogue — JAX `lax` (jax-ml/jax). The descriptors are templates over dimension_numbers
// strings (<axle/jax_dimension_numbers.hpp>); the catalogue lists JAX's defaults for each rank.
#pragma once

#include "../jax_dimension_numbers.hpp"
#include "common.hpp"

namespace axle::jax {

// jax-ml/jax jax/_src/nn/functions.py (dot_product_attention: query (B, T, N, H) "BTNH", key (B, S, K, H)).
struct dot_product_attention : attention_op<layout<axes::N, op_axes::seq, op_axes::heads, op_axes::head_dim>> {
  static constexpr std::string_view name = "jax.dot_product_attention";
  static constexpr std::string_view source =
      "jax-ml/jax jax/_src/nn/functions.py (dot_product_attention docstring: query BTNH, key BSKH; read in copies)";
  static constexpr std::string_view note = "q, k and v share the layout (K heads for k/v with grouped-query attention)";
};

// dimension_numbers=None: conv_general_dilated reads (N, C, spatial) / (O, I, spatial); conv_transpose
// defaults to ('NHC', 'HIO', 'NHC'), ('NHWC', 'HWIO', 'NHWC'), ('NHWDC', 'HWDIO', 'NHWDC').
using all_ops = axle::detail::type_list<
    conv_general_dilated<"NCW", "OIW", "NCW">, conv_general_dilated<"NCHW", "OIHW", "NCHW">,
    conv_general_dilated<"NCDHW", "OIDHW", "NCDHW">,  //
    conv_transpose<"NHC", "HIO", "NHC", false>, conv_transpose<"NHWC", "HWIO", "NHWC", false>,
    conv_transpose<"NHWDC", "HWDIO", "NHWDC", false>,  //
    conv_transpose<"NHC", "HIO", "NHC", true>, conv_transpose<"NHWC", "HWIO", "NHWC", true>,
    conv_transpose<"NHWDC", "HWDIO", "NHWDC", true>,  //
    dot_product_attention>;

}  // namespace axle::jax
