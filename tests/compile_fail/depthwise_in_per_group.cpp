// expect: depthwise_needs_one_input_channel_per_group<axle::torch::conv2d, axle::tf::depthwise_conv2d, axle::in_per_group<3>
// A grouped conv is a depthwise conv only with one input channel per group (I/G = 1).
#include <axle/catalogue.hpp>

using namespace axle;

#ifdef AXLE_COMPILE_FAIL
using P = op_plan_t<torch::conv2d, tf::depthwise_conv2d, in_per_group<3>>;
[[maybe_unused]] P p;
#else
using P = op_plan_t<torch::conv2d, tf::depthwise_conv2d, in_per_group<1>>;
[[maybe_unused]] P p;
#endif
