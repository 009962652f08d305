// axle catalogue — GGUF files written by llama.cpp (ggml-org/llama.cpp): the attention tensors of the LLaMA
// architecture. GGUF lists a tensor's dimensions fastest first (`ne`): the reverse of the row-major shapes below,
// whose bytes are PyTorch's (out, in).
#pragma once

#include "common.hpp"

namespace axle::gguf {

namespace l = catalogue::layouts;
namespace a = op_axes;

// ggml-org/llama.cpp conversion/llama.py (LlamaModel.permute: reshape(n_head, 2, rows // n_head // 2, *rest)
// .swapaxes(1, 2), with n_head_kv for k_proj; modify_tensors); gguf-py/gguf/gguf_writer.py
// (GGUFWriter.add_tensor_info: ne is the shape reversed; write_tensor_data: C order); src/llama-model.cpp
// (llama_model_rope_type: LLM_ARCH_LLAMA uses LLAMA_ROPE_TYPE_NORM, consecutive pairs; load_tensors: attn_q ne
// {n_embd, n_embd_head_k*n_head}, attn_k {n_embd, n_embd_k_gqa}).
inline constexpr std::string_view source_text =
    "ggml-org/llama.cpp conversion/llama.py (LlamaModel.permute, modify_tensors: q_proj and k_proj rows "
    "un-permuted to pairs (2i, 2i + 1), k with n_head_kv); gguf-py/gguf/gguf_writer.py (add_tensor_info: ne "
    "reversed); src/llama-model.cpp (llama_model_rope_type: LLAMA -> LLAMA_ROPE_TYPE_NORM; load_tensors)";
struct llama_attn_q : projection_op<l::proj::interleaved_in<a::heads>, layout<axes::N, a::seq, axes::C>> {
  static constexpr std::string_view name = "gguf.llama:attn_q";
  static constexpr std::string_view source = source_text;
  static constexpr std::string_view note =
      "blk.N.attn_q.weight, ne {n_embd, n_head*head_dim}; Meta's row order (rope type NORM: interleaved pairs)";
  static constexpr std::string_view section = "qkv:q";
  static constexpr axle::rotary rotary = axle::rotary::interleaved;
};
struct llama_attn_k : projection_op<l::proj::interleaved_in<a::kv_heads>, layout<axes::N, a::seq, axes::C>> {
  static constexpr std::string_view name = "gguf.llama:attn_k";
  static constexpr std::string_view source = source_text;
  static constexpr std::string_view note = "blk.N.attn_k.weight, ne {n_embd, n_head_kv*head_dim}; interleaved pairs";
  static constexpr std::string_view section = "qkv:k";
  static constexpr axle::rotary rotary = axle::rotary::interleaved;
};
struct llama_attn_v : projection_op<l::proj::kv_heads_in, layout<axes::N, a::seq, axes::C>> {
  static constexpr std::string_view name = "gguf.llama:attn_v";
  static constexpr std::string_view source = source_text;
  static constexpr std::string_view note = "blk.N.attn_v.weight, ne {n_embd, n_head_kv*head_dim}";
  static constexpr std::string_view section = "qkv:v";
};
struct llama_attn_output : projection_op<l::proj::out_heads, layout<axes::N, a::seq, axes::C>> {
  static constexpr std::string_view name = "gguf.llama:attn_output";
  static constexpr std::string_view source = source_text;
  static constexpr std::string_view note = "blk.N.attn_output.weight, ne {n_head*head_dim, n_embd}";
  static constexpr std::string_view section = "out";
};

using all_ops = axle::detail::type_list<llama_attn_q, llama_attn_k, llama_attn_v, llama_attn_output>;

}  // namespace axle::gguf
