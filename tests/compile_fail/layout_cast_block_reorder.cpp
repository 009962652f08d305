// expect: plan_needs_a_copy<axle::plan<.*>, axle::because<axle::reorder<axle::labels<gate, (axle::)?fixed_string<.*"i,f,g,o"}>, axle::labels<gate, (axle::)?fixed_string<.*"i,o,f,g"}> ?> ?> ?>
// LSTM gates i, f, g, o (PyTorch) and i, o, f, c (ONNX): reordering blocks moves data, so it is not
// a view. The error names the plan and the reorder; convert materialises it.
#include <axle/convert.hpp>

using namespace axle;
using namespace axle::axes;

struct gate : axis<"gate", axis_kind::block> {};
using torch_lstm = layout<merged<labels<gate, "i,f,g,o">, O>, I>;
using onnx_lstm = layout<merged<labels<gate, "i,o,f,g">, O>, I>;

#ifdef AXLE_COMPILE_FAIL
tensor_view<const float, onnx_lstm> to_onnx(tensor_view<const float, torch_lstm> w) { return layout_cast<onnx_lstm>(w); }
#else
tensor<float, onnx_lstm> to_onnx(tensor_view<const float, torch_lstm> w) { return convert<onnx_lstm>(w); }
#endif
