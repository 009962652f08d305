// expect: axis_named_twice<axle::axes::H, axle::in<
// flip_t names each axis once.
#include <axle/axle.hpp>

using namespace axle;
using namespace axle::axes;

#ifdef AXLE_COMPILE_FAIL
using L = flip_t<layout<O, I, H, W>, H, H>;
[[maybe_unused]] L l;
#else
using L = flip_t<layout<O, I, H, W>, H, W>;
[[maybe_unused]] L l;
#endif
