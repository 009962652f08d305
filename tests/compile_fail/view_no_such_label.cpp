// expect: no_such_label<axle::label<gate, (axle::)?fixed_string<[^>]*>\{"c"\}>, axle::in<
// A label names one of the blocks of a labelled axis: this gate axis has i, f, g and o.
#include <axle/view.hpp>

using namespace axle;
using namespace axle::axes;

struct gate : axis<"gate", axis_kind::block> {};
using lstm_weight = layout<merged<labels<gate, "i,f,g,o">, O>, I>;

float cell_gate(tensor_view<const float, lstm_weight> w) {
#ifdef AXLE_COMPILE_FAIL
  return w(label<gate, "c">{}, O{0}, I{0});
#else
  return w(label<gate, "g">{}, O{0}, I{0});
#endif
}
