// expect: op_plan_needs_a_section<axle::torch::multihead_attention, axle::keras::mha_query>
// PyTorch fuses the q, k and v projections into in_proj_weight; Keras stores the query kernel alone. Selecting the
// query rows is a run-time conversion (axle::op_conversion), not a plan type.
#include <axle/catalogue.hpp>

using namespace axle;

#ifdef AXLE_COMPILE_FAIL
using P = op_plan_t<torch::multihead_attention, keras::mha_query>;
[[maybe_unused]] P p;
#else
using P = op_plan_t<torch::multihead_attention_out_proj, keras::mha_output>;
[[maybe_unused]] P p;
#endif
