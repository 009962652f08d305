// expect: axis_named_twice<axle::axes::O, axle::in<axle::layout<axle::axes::O, axle::axes::I, axle::axes::O> ?> ?>
// An axis appears once in a layout.
#include <axle/axle.hpp>

using namespace axle;
using namespace axle::axes;

#ifdef AXLE_COMPILE_FAIL
using P = plan_t<layout<O, I, O>, layout<I, O>>;
[[maybe_unused]] P p;
#else
using P = plan_t<layout<O, I>, layout<I, O>>;
[[maybe_unused]] P p;
#endif
