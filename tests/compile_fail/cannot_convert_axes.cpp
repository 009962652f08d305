// expect: cannot_convert<axle::from<axle::axes::O, axle::axes::I, axle::axes::H, axle::axes::W>, axle::to<.*>, axle::missing_axes<axle::axes::D>, axle::extra_axes<> ?>
// No plan between a 2-D and a 3-D kernel.
#include <axle/axle.hpp>

using namespace axle;
using namespace axle::axes;

#ifdef AXLE_COMPILE_FAIL
using P = plan_t<layout<O, I, H, W>, layout<O, I, D, H, W>>;
[[maybe_unused]] P p;
#else
using P = plan_t<layout<O, I, H, W>, layout<O, I, W, H>>;
[[maybe_unused]] P p;
#endif
