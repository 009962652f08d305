// axle catalogue — Hugging Face Transformers (huggingface/transformers): the attention projections of
// LLaMA, GPT-NeoX, Falcon and BLOOM. Every projection is a torch.nn.Linear, weight (out, in).
#pragma once

#include "common.hpp"

namespace axle::transformers {

namespace l = catalogue::layouts;
namespace a = op_axes;

// huggingface/transformers src/transformers/models/llama/modeling_llama.py (LlamaAttention.__init__: q_proj
// Linear(hidden_size, num_heads*head_dim), k_proj/v_proj Linear(hidden_size, num_key_value_heads*head_dim), o_proj
// Linear(num_heads*head_dim, hidden_size); forward: view(bsz, q_len, num_heads, head_dim); rotate_half,
// apply_rotary_pos_emb: rows j and j + head_dim/2 of a head rotate together).
inline constexpr std::string_view llama_source =
    "huggingface/transformers src/transformers/models/llama/modeling_llama.py (LlamaAttention.__init__: q_proj "
    "(num_heads*head_dim, hidden), k_proj/v_proj (num_key_value_heads*head_dim, hidden), o_proj; forward: "
    "view(bsz, q_len, num_heads, head_dim); rotate_half, apply_rotary_pos_emb: pairs (i, i + head_dim/2))";
struct llama_q_proj : projection_op<l::proj::half_split_in<a::heads>, layout<axes::N, a::seq, axes::C>> {
  static constexpr std::string_view name = "transformers.llama_attention:q_proj";
  static constexpr std::string_view source = llama_source;
  static constexpr std::string_view note = "no bias; rotary pairs half-split: each head's rows are (pair, freq)";
  static constexpr std::string_view section = "qkv:q";
  static constexpr axle::rotary rotary = axle::rotary::half_split;
};
struct llama_k_proj : projection_op<l::proj::half_split_in<a::kv_heads>, layout<axes::N, a::seq, axes::C>> {
  static constexpr std::string_view name = "transformers.llama_attention:k_proj";
  static constexpr std::string_view source = llama_source;
  static constexpr std::string_view note =
      "no bias; num_key_value_heads heads (query head h uses KV head h / (num_heads / num_key_value_heads)); "
      "rotary pairs half-split";
  static constexpr std::string_view section = "qkv:k";
  static constexpr axle::rotary rotary = axle::rotary::half_split;
};
struct llama_v_proj : projection_op<l::proj::kv_heads_in, layout<axes::N, a::seq, axes::C>> {
  static constexpr std::string_view name = "transformers.llama_attention:v_proj";
  static constexpr std::string_view source = llama_source;
  static constexpr std::string_view note = "no bias; num_key_value_heads heads";
  static constexpr std::string_view section = "qkv:v";
};
struct llama_o_proj : projection_op<l::proj::out_heads, layout<axes::N, a::seq, axes::C>> {
  static constexpr std::string_view name = "transformers.llama_attention:o_proj";
  static constexpr std::string_view source = llama_source;
  static constexpr std::string_view note = "no bias";
  static constexpr std::string_view section = "out";
};

// huggingface/transformers src/transformers/models/gpt_neox/modeling_gpt_neox.py (GPTNeoXAttention: query_key_value
// Linear(hidden, 3*hidden); qkv.view(..., num_attention_heads, 3*head_size), query = [..., :head_size], key =
// [..., head_size:2*head_size], value = [..., 2*head_size:]; rotary on the first rotary_ndims of each head,
// rotate_half).
struct gpt_neox_query_key_value : projection_op<l::proj::per_head_in, layout<axes::N, a::seq, axes::C>> {
  static constexpr std::string_view name = "transformers.gpt_neox_attention:query_key_value";
  static constexpr std::string_view source =
      "huggingface/transformers src/transformers/models/gpt_neox/modeling_gpt_neox.py (GPTNeoXAttention: "
      "query_key_value Linear(hidden_size, 3*hidden_size); qkv.view(..., num_attention_heads, 3*head_size) split "
      "into query, key, value of each head; apply_rotary_pos_emb on the first rotary_ndims, rotate_half)";
  static constexpr std::string_view note =
      "fused per head: head h's q, k and v rows together; the bias has the weight's rows; half-split rotary "
      "pairs over the first rotary_ndims = rotary_pct*head_size rows of a head, the rest pass through";
  static constexpr axle::rotary rotary = axle::rotary::half_split;
};

// huggingface/transformers src/transformers/models/falcon/modeling_falcon.py (FalconAttention.__init__:
// qkv_out_dim = (num_kv_heads*2 + num_heads)*head_dim for new_decoder_architecture; _split_heads: view(batch,
// seq, num_kv_heads, num_heads // num_kv_heads + 2, head_dim), query = [..., :-2, :], key = [..., [-2], :],
// value = [..., [-1], :]; multi_query: num_kv_heads = 1; otherwise view(batch, seq, num_heads, 3, head_dim)).
struct falcon_query_key_value : projection_op<layout<merged<a::kv_heads, a::slot, a::head_dim>, axes::I>,
                                              layout<axes::N, a::seq, axes::C>> {
  static constexpr std::string_view name = "transformers.falcon_attention:query_key_value";
  static constexpr std::string_view source =
      "huggingface/transformers src/transformers/models/falcon/modeling_falcon.py (FalconAttention.__init__: "
      "qkv_out_dim (2*num_kv_heads + num_heads)*head_dim; _split_heads: view(batch, seq, num_kv_heads, num_heads "
      "// num_kv_heads + 2, head_dim), query [..., :-2, :], key [..., [-2], :], value [..., [-1], :])";
  static constexpr std::string_view note =
      "fused per KV head: each of kv_heads groups holds q_per_kv = heads/kv_heads query heads, one key head, one "
      "value head (slot = q_per_kv + 2); multi_query is kv_heads = 1, the old architecture kv_heads = heads "
      "(GPT-NeoX's layout); half-split rotary pairs; llama.cpp regroups it into sections (conversion/falcon.py)";
  static constexpr std::string_view sections = "slot=q:q_per_kv,k:1,v:1";
  static constexpr axle::rotary rotary = axle::rotary::half_split;
};

// huggingface/transformers src/transformers/models/bloom/modeling_bloom.py (BloomAttention: query_key_value
// Linear(hidden, 3*hidden); _split_heads: reshape(batch, seq, num_heads, 3*head_dim), split by head_dim into
// query, key, value). Position information is ALiBi, a bias on the scores: nothing rotates the rows.
struct bloom_query_key_value : projection_op<l::proj::per_head_in, layout<axes::N, a::seq, axes::C>> {
  static constexpr std::string_view name = "transformers.bloom_attention:query_key_value";
  static constexpr std::string_view source =
      "huggingface/transformers src/transformers/models/bloom/modeling_bloom.py (BloomAttention.__init__: "
      "query_key_value Linear(hidden_size, 3*hidden_size); _split_heads: reshape(batch, seq, num_heads, "
      "3*head_dim), torch.split(..., head_dim, dim=-1))";
  static constexpr std::string_view note =
      "fused per head, as GPT-NeoX; no rotary embedding (ALiBi biases the scores); the bias has the weight's rows";
};

using all_ops = axle::detail::type_list<llama_q_proj, llama_k_proj, llama_v_proj, llama_o_proj, gpt_neox_query_key_value,
                                        falcon_query_key_value, bloom_query_key_value>;

}  // namespace axle::transformers
