// expect: ops_hold_different_sections<axle::keras::mha_query, axle::keras::mha_key>
// A query projection and a key projection are different sections of attention's weights.
#include <axle/catalogue.hpp>

using namespace axle;

#ifdef AXLE_COMPILE_FAIL
using P = op_plan_t<keras::mha_query, keras::mha_key>;
[[maybe_unused]] P p;
#else
using P = op_plan_t<keras::mha_query, flax::mha_query>;
[[maybe_unused]] P p;
#endif
