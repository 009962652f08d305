// axle catalogue — FlashAttention (Dao-AILab/flash-attention).
#pragma once

#include "common.hpp"

namespace axle::flash_attn {

// Dao-AILab/flash-attention flash_attn/flash_attn_interface.py (flash_attn_func: q (batch, seqlen, nheads,
// headdim), k/v (batch, seqlen_k, nheads_k, headdim)).
struct flash_attn_func : attention_op<layout<axes::N, op_axes::seq, op_axes::heads, op_axes::head_dim>> {
  static constexpr std::string_view name = "flash_attn.flash_attn_func";
  static constexpr std::string_view source =
      "Dao-AILab/flash-attention flash_attn/flash_attn_interface.py (flash_attn_func docstring: q (batch_size, "
      "seqlen, nheads, headdim); read in copies)";
  static constexpr std::string_view note = "q, k and v share the layout; heads after the sequence, unlike SDPA";
};

using all_ops = axle::detail::type_list<flash_attn_func>;

}  // namespace axle::flash_attn
