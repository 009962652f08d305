// expect: wrong_number_of_indices<axle::expected_indices<4>, axle::got_indices<3>, axle::in<axle::layout<axle::merged<axle::axes::G, axle::axes::O>, axle::axes::I, axle::axes::H, axle::axes::W> ?> ?>
// Element access by position takes one index per storage dimension; a merged (G, O) dimension
// takes one flat index.
#include <axle/view.hpp>

using namespace axle;
using namespace axle::axes;

float at(tensor_view<const float, layout<merged<G, O>, I, H, W>> w) {
#ifdef AXLE_COMPILE_FAIL
  return w(5, 1, 2);
#else
  return w(5, 0, 1, 2);
#endif
}
