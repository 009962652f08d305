// expect: blocked_parts_do_not_chain<axle::axes::O, axle::in<
// The parts of a blocked axis form a mixed radix: O/16 needs blocks of 16 inside, not of 4.
#include <axle/axle.hpp>

using namespace axle;
using namespace axle::axes;

#ifdef AXLE_COMPILE_FAIL
using P = plan_t<layout<outer<O, 16>, I, inner<O, 4>>, layout<O, I>>;
#else
using P = plan_t<layout<outer<O, 16>, I, inner<O, 16>>, layout<O, I>>;
#endif
[[maybe_unused]] P p;
