// expect: biases_differ_by_a_fold<axle::torch::lstm_bias, axle::keras::lstm_bias>
// PyTorch's LSTM adds two biases per gate, Keras' one: their sum is a run-time conversion, asked for (--fold-bias).
#include <axle/catalogue.hpp>

using namespace axle;

#ifdef AXLE_COMPILE_FAIL
using P = op_plan_t<torch::lstm_bias, keras::lstm_bias>;
[[maybe_unused]] P p;
#else
using P = op_plan_t<keras::lstm_bias, mlx::lstm_bias>;
[[maybe_unused]] P p;
#endif
