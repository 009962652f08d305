// expect: flipped<flipped<A>> is A
// One spelling per layout: a double flip is the axis itself.
#include <axle/axle.hpp>

using namespace axle;
using namespace axle::axes;

#ifdef AXLE_COMPILE_FAIL
using P = plan_t<layout<O, I, flipped<flipped<H>>, W>, layout<O, I, H, W>>;
[[maybe_unused]] P p;
#else
using P = plan_t<layout<O, I, flipped<H>, W>, layout<O, I, H, W>>;
[[maybe_unused]] P p;
#endif
