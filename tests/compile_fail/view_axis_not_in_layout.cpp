// expect: axis_not_in_layout<axle::axes::D, axle::in<axle::layout<axle::axes::O, axle::axes::I, axle::axes::H, axle::axes::W> ?> ?>
// Element access names the axes of the view's layout: a 2-d kernel has no depth.
#include <axle/view.hpp>

using namespace axle;
using namespace axle::axes;

float at(tensor_view<const float, layout<O, I, H, W>> w) {
#ifdef AXLE_COMPILE_FAIL
  return w(O{3}, I{0}, D{1}, W{2});
#else
  return w(O{3}, I{0}, H{1}, W{2});
#endif
}
