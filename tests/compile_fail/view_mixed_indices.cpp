// expect: cannot_mix_axis_and_positional_indices<axle::in<axle::layout<axle::axes::O, axle::axes::I, axle::axes::H, axle::axes::W> ?> ?>
// Element access names every index by axis or gives every index by position, not a mix.
#include <axle/view.hpp>

using namespace axle;
using namespace axle::axes;

float at(tensor_view<const float, layout<O, I, H, W>> w) {
#ifdef AXLE_COMPILE_FAIL
  return w(O{1}, I{0}, 2, 3);
#else
  return w(O{1}, I{0}, H{2}, W{3});
#endif
}
