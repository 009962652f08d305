// expect: op_has_no_groups<axle::keras::conv2d_transpose
// Keras has no grouped transposed convolution: a grouped plan to it does not exist.
#include <axle/catalogue.hpp>

using namespace axle;

#ifdef AXLE_COMPILE_FAIL
using P = op_plan_t<torch::conv_transpose2d, keras::conv2d_transpose, grouped>;
[[maybe_unused]] P p;
#else
using P = op_plan_t<torch::conv_transpose2d, equinox::conv_transpose2d, grouped>;
[[maybe_unused]] P p;
#endif
