// Porting LLaMA's attention weights from Meta's checkpoints to Hugging Face's (docs/port-a-transformer.md).
//
// Both rotate pairs of each head's query and key rows by the token's position; Meta pairs rows
// (2i, 2i + 1), Hugging Face rows (i, i + head_dim/2). So a head's rows are the pairs' axes,
// `pair[re,im]` (the real and imaginary part of the complex number rotated) and `freq` (the pair's
// frequency), in two orders:
//
//     Meta         wq ((heads, freq, pair[re,im]), I)      wk ((kv_heads, freq, pair[re,im]), I)
//     Hugging Face q_proj ((heads, pair[re,im], freq), I)  k_proj ((kv_heads, pair[re,im], freq), I)
//
// and axle derives the permutation Hugging Face's conversion script applies — with the key/value
// head count for the key, where hand-written converters went wrong.
#include <axle/catalogue.hpp>
#include <axle/codegen.hpp>
#include <axle/convert.hpp>
#include <axle/format.hpp>
#include <axle/op_conversion.hpp>
#include <axle/view.hpp>

#include <cstdio>
#include <numeric>
#include <type_traits>
#include <vector>

using namespace axle;
using axle::axes::I;
using op_axes::freq;
using op_axes::heads;
using op_axes::kv_heads;
using pair = labels<op_axes::pair, "re,im">;

// What the compiler proves before the program runs.
using port_q = op_plan_t<llama::wq, transformers::llama_q_proj>;
static_assert(std::is_same_v<port_q, plan<split<merged<heads, freq, pair>, heads, freq, pair>, swap<pair, freq>,
                                          merge<merged<heads, pair, freq>, heads, pair, freq>>>,
              "inside each head, the pair's two rows move from adjacent to half a head apart");
using port_k = op_plan_t<llama::wk, transformers::llama_k_proj>;
static_assert(std::is_same_v<port_k, plan<split<merged<kv_heads, freq, pair>, kv_heads, freq, pair>, swap<pair, freq>,
                                          merge<merged<kv_heads, pair, freq>, kv_heads, pair, freq>>>,
              "the key's heads are the key/value heads");
// GGUF (llama.cpp's rope type NORM) stores Meta's order: converting back is the inverse plan.
static_assert(std::is_same_v<op_plan_t<transformers::llama_q_proj, gguf::llama_attn_q>, inverse_t<port_q>>);
// The value and output projections carry no rotary pairs: nothing to permute.
static_assert(is_identity_v<op_plan_t<llama::wv, transformers::llama_v_proj>>);
static_assert(is_identity_v<op_plan_t<llama::wo, transformers::llama_o_proj>>);
// A rotary projection into one without rotary embeddings (Keras' MultiHeadAttention) does not
// compile: uncomment to see `rotary_embeddings_differ<axle::transformers::llama_q_proj, ...>`.
// using wrong = op_plan_t<transformers::llama_q_proj, keras::mha_query>;

int main() {
  constexpr index_t H = 4, G = 2, D = 6, E = 8;  // 4 query heads share 2 key/value heads of 6 rows
  fmt::print("Meta wq -> Hugging Face q_proj: {}\n", port_q{});
  fmt::print("as NumPy:\n{}\n", code<llama::wk::weight, transformers::llama_k_proj::weight>(dialect::numpy));

  // A key weight as Meta stores it, converted with the key/value head count.
  std::vector<float> wk(static_cast<std::size_t>(G * D * E));
  std::iota(wk.begin(), wk.end(), 0.0f);
  const tensor_view<const float, llama::wk::weight> meta(wk, {G * D, E}, axis_size{"kv_heads", G});
  const tensor<float, transformers::llama_k_proj::weight> hf = convert<transformers::llama_k_proj::weight>(meta);

  // The fact, element by element: HF[h*D + p*(D/2) + i] = Meta[h*D + 2i + p] (convert_llama_weights_to_hf.py).
  int wrong = 0;
  for (index_t h = 0; h < G; ++h)
    for (index_t p = 0; p < 2; ++p)
      for (index_t i = 0; i < D / 2; ++i)
        for (index_t e = 0; e < E; ++e)
          wrong += hf.data()[(h * D + p * (D / 2) + i) * E + e] != wk[static_cast<std::size_t>((h * D + 2 * i + p) * E + e)];

  // The same conversion with layouts known at run time, as `axle convert` does it.
  op_options sizes;
  sizes.kv_heads = G;
  const op_conversion c(*catalogue::find("llama.attention:wk"), *catalogue::find("transformers.llama_attention:k_proj"), sizes);
  const std::vector<index_t> shape{G * D, E};
  const strided_map m = c.map(shape);
  std::vector<float> out(wk.size());
  materialize(m, wk.data(), out.data());
  wrong += !std::equal(out.begin(), out.end(), hf.data());

  // Meanings that differ are refused with the reason.
  try {
    op_conversion(*catalogue::find("transformers.llama_attention:q_proj"), *catalogue::find("keras.multi_head_attention:query"));
    ++wrong;
  } catch (const conversion_error& e) {
    std::printf("refused: %s\n", e.what());
  }
  std::printf("%s (H = %td, kv_heads = %td, head_dim = %td)\n", wrong == 0 ? "Meta -> Hugging Face: every row in place" : "MISMATCH", H,
              G, D);
  return wrong == 0 ? 0 : 1;
}
