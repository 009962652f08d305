// expect: axis_not_in_layout<axle::axes::D, axle::in<axle::layout<axle::axes::O, axle::axes::I, axle::axes::H, axle::axes::W> ?> ?>
// swap_t names axes of the layout.
#include <axle/axle.hpp>

using namespace axle;
using namespace axle::axes;

#ifdef AXLE_COMPILE_FAIL
using L = swap_t<layout<O, I, H, W>, O, D>;
[[maybe_unused]] L l;
#else
using L = swap_t<layout<O, I, H, W>, O, W>;
[[maybe_unused]] L l;
#endif
