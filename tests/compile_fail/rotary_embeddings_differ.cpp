// expect: rotary_embeddings_differ<axle::transformers::llama_q_proj, axle::keras::mha_query>
// Hugging Face's LLaMA rotates pairs of its query rows; Keras' MultiHeadAttention applies no rotary embedding:
// no layout makes them compute the same. Meta's and Hugging Face's pair orders differ by a plan.
#include <axle/catalogue.hpp>

using namespace axle;

#ifdef AXLE_COMPILE_FAIL
using P = op_plan_t<transformers::llama_q_proj, keras::mha_query>;
[[maybe_unused]] P p;
#else
using P = op_plan_t<llama::wq, transformers::llama_q_proj>;
[[maybe_unused]] P p;
#endif
