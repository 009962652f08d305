// expect: gru_reset_placements_differ<axle::torch::gru, axle::onnx::gru>
// PyTorch's GRU applies its reset gate after the hidden matmul, ONNX's GRU (linear_before_reset = 0, the default)
// before it: the cells compute different functions, and no layout makes them agree.
#include <axle/catalogue.hpp>

using namespace axle;

#ifdef AXLE_COMPILE_FAIL
using P = op_plan_t<torch::gru, onnx::gru>;
[[maybe_unused]] P p;
#else
using P = op_plan_t<torch::gru, onnx::gru_linear_before_reset>;
[[maybe_unused]] P p;
#endif
