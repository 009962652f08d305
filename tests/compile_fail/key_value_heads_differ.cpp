// expect: key_value_heads_differ<axle::llama::wv, axle::keras::mha_value>
// LLaMA's value rows are grouped by kv_heads, Keras' by heads: they agree only when kv_heads = heads, which sizes tell at run time.
#include <axle/catalogue.hpp>

using namespace axle;

#ifdef AXLE_COMPILE_FAIL
using P = op_plan_t<llama::wv, keras::mha_value>;
[[maybe_unused]] P p;
#else
using P = op_plan_t<llama::wv, transformers::llama_v_proj>;
[[maybe_unused]] P p;
#endif
