// axle catalogue — Meta's LLaMA reference implementation (meta-llama/llama): the attention projections of
// its checkpoints (consolidated.*.pth), fairscale model-parallel linears, weight (out, in).
#pragma once

#include "common.hpp"

namespace axle::llama {

namespace l = catalogue::layouts;
namespace a = op_axes;

// meta-llama/llama llama/model.py (Attention.__init__: wq ColumnParallelLinear(dim, n_heads*head_dim), wk/wv
// ColumnParallelLinear(dim, n_kv_heads*head_dim), wo RowParallelLinear(n_heads*head_dim, dim); forward:
// xq.view(bsz, seqlen, n_local_heads, head_dim); apply_rotary_emb: reshape(*shape[:-1], -1, 2), view_as_complex:
// rows 2i and 2i + 1 of a head rotate together); facebookresearch/fairscale fairscale/nn/model_parallel/layers.py
// (ColumnParallelLinear, RowParallelLinear: weight (out_features, in_features), one shard per model-parallel rank).
inline constexpr std::string_view source_text =
    "meta-llama/llama llama/model.py (Attention.__init__: wq (n_heads*head_dim, dim), wk/wv (n_kv_heads*head_dim, "
    "dim), wo (dim, n_heads*head_dim); apply_rotary_emb: reshape(..., -1, 2), view_as_complex: pairs (2i, 2i + 1)); "
    "facebookresearch/fairscale fairscale/nn/model_parallel/layers.py (ColumnParallelLinear, RowParallelLinear)";
struct wq : projection_op<l::proj::interleaved_in<a::heads>, layout<axes::N, a::seq, axes::C>> {
  static constexpr std::string_view name = "llama.attention:wq";
  static constexpr std::string_view source = source_text;
  static constexpr std::string_view note =
      "one consolidated shard, or the shards concatenated on dim 0; rotary pairs interleaved: each head's rows "
      "are (freq, pair)";
  static constexpr std::string_view section = "qkv:q";
  static constexpr axle::rotary rotary = axle::rotary::interleaved;
};
struct wk : projection_op<l::proj::interleaved_in<a::kv_heads>, layout<axes::N, a::seq, axes::C>> {
  static constexpr std::string_view name = "llama.attention:wk";
  static constexpr std::string_view source = source_text;
  static constexpr std::string_view note = "n_kv_heads heads (n_heads when absent); rotary pairs interleaved";
  static constexpr std::string_view section = "qkv:k";
  static constexpr axle::rotary rotary = axle::rotary::interleaved;
};
struct wv : projection_op<l::proj::kv_heads_in, layout<axes::N, a::seq, axes::C>> {
  static constexpr std::string_view name = "llama.attention:wv";
  static constexpr std::string_view source = source_text;
  static constexpr std::string_view note = "n_kv_heads heads";
  static constexpr std::string_view section = "qkv:v";
};
struct wo : projection_op<l::proj::out_heads, layout<axes::N, a::seq, axes::C>> {
  static constexpr std::string_view name = "llama.attention:wo";
  static constexpr std::string_view source = source_text;
  static constexpr std::string_view note = "shards concatenated on dim 1";
  static constexpr std::string_view section = "out";
};

using all_ops = axle::detail::type_list<wq, wk, wv, wo>;

}  // namespace axle::llama
