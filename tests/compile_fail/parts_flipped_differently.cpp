// expect: parts_of_one_axis_flipped_differently<axle::axes::W, axle::in<
// An axis is stored reversed or not: all of its parts have the same orientation.
#include <axle/axle.hpp>

using namespace axle;
using namespace axle::axes;

#ifdef AXLE_COMPILE_FAIL
using P = plan_t<layout<C, H, flipped<outer<W, 4>>, inner<W, 4>>, layout<C, H, W>>;
#else
using P = plan_t<layout<C, H, flipped<outer<W, 4>>, flipped<inner<W, 4>>>, layout<C, H, W>>;
#endif
[[maybe_unused]] P p;
