// expect: ops_have_different_spatial_ranks<axle::torch::conv2d, axle::tf::conv3d
// A 2-D kernel cannot become a 3-D one.
#include <axle/catalogue.hpp>

using namespace axle;

#ifdef AXLE_COMPILE_FAIL
using P = op_plan_t<torch::conv2d, tf::conv3d>;
[[maybe_unused]] P p;
#else
using P = op_plan_t<torch::conv3d, tf::conv3d>;
[[maybe_unused]] P p;
#endif
