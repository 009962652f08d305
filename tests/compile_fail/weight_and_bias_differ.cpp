// expect: weight_and_bias_differ<axle::torch::lstm, axle::keras::lstm_bias>
// An LSTM's weight and a bias are different tensors: no plan turns one into the other.
#include <axle/catalogue.hpp>

using namespace axle;

#ifdef AXLE_COMPILE_FAIL
using P = op_plan_t<torch::lstm, keras::lstm_bias>;
[[maybe_unused]] P p;
#else
using P = op_plan_t<torch::lstm, keras::lstm>;
[[maybe_unused]] P p;
#endif
