// expect: cannot_flip_non_spatial_axis<axle::flipped<axle::axes::I>, axle::in<
// A layout that stores a channel axis reversed is not a layout.
#include <axle/axle.hpp>

using namespace axle;
using namespace axle::axes;

#ifdef AXLE_COMPILE_FAIL
using P = plan_t<layout<O, flipped<I>, H, W>, layout<O, I, H, W>>;
[[maybe_unused]] P p;
#else
using P = plan_t<layout<O, I, flipped<H>, W>, layout<O, I, H, W>>;
[[maybe_unused]] P p;
#endif
