// expect: biases_cannot_be_converted<axle::keras::lstm_bias, axle::torch::lstm_bias>
// One bias per gate cannot become PyTorch's two: how the sum divides is not in the tensor.
#include <axle/catalogue.hpp>

using namespace axle;

#ifdef AXLE_COMPILE_FAIL
using P = op_plan_t<keras::lstm_bias, torch::lstm_bias>;
[[maybe_unused]] P p;
#else
using P = op_plan_t<mlx::lstm_bias, keras::lstm_bias>;
[[maybe_unused]] P p;
#endif
