// expect: ops_belong_to_different_families<axle::torch::conv2d, axle::keras::conv2d_transpose
// A convolution weight and a transposed-convolution weight mean different things: no plan between them.
#include <axle/catalogue.hpp>

using namespace axle;

#ifdef AXLE_COMPILE_FAIL
using P = op_plan_t<torch::conv2d, keras::conv2d_transpose>;
[[maybe_unused]] P p;
#else
using P = op_plan_t<torch::conv_transpose2d, keras::conv2d_transpose>;
[[maybe_unused]] P p;
#endif
