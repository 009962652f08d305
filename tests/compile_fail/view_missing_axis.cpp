// expect: access_must_name_every_axis<axle::unnamed<axle::axes::H>, axle::in<axle::layout<axle::axes::O, axle::axes::I, axle::axes::H, axle::axes::W> ?> ?>
// Element access by axis names every axis of the layout (unit axes excepted).
#include <axle/view.hpp>

using namespace axle;
using namespace axle::axes;

float at(tensor_view<const float, layout<O, I, H, W>> w) {
#ifdef AXLE_COMPILE_FAIL
  return w(W{2}, O{3}, I{0});
#else
  return w(W{2}, O{3}, I{0}, H{1});
#endif
}
