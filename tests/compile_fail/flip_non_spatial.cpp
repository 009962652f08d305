// expect: cannot_flip_non_spatial_axis<axle::axes::O, axle::in<axle::layout<axle::axes::O, axle::axes::I, axle::axes::H, axle::axes::W> ?> ?>
// Only spatial axes have an orientation.
#include <axle/axle.hpp>

using namespace axle;
using namespace axle::axes;

#ifdef AXLE_COMPILE_FAIL
using L = flip_t<layout<O, I, H, W>, O>;
[[maybe_unused]] L l;
#else
using L = flip_t<layout<O, I, H, W>, H>;
[[maybe_unused]] L l;
#endif
