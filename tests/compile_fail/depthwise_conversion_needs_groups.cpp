// expect: depthwise_conversion_needs_groups<axle::torch::conv2d, axle::tf::depthwise_conv2d>
// A depthwise conv's G is its channel count: a conv converts to it only as a grouped conv with one input channel per group.
#include <axle/catalogue.hpp>

using namespace axle;

#ifdef AXLE_COMPILE_FAIL
using P = op_plan_t<torch::conv2d, tf::depthwise_conv2d>;
[[maybe_unused]] P p;
#else
using P = op_plan_t<torch::conv2d, tf::depthwise_conv2d, in_per_group<1>>;
[[maybe_unused]] P p;
#endif
