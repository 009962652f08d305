// expect: blocked_axis_needs_one_outer_part<axle::axes::O, axle::in<
// A blocked axis has its blocks (O/16) as well as its positions in a block (16o).
#include <axle/axle.hpp>

using namespace axle;
using namespace axle::axes;

#ifdef AXLE_COMPILE_FAIL
using P = plan_t<layout<inner<O, 16>, I>, layout<inner<O, 16>, I>>;
[[maybe_unused]] P p;
#else
using P = plan_t<layout<outer<O, 16>, inner<O, 16>, I>, layout<outer<O, 16>, inner<O, 16>, I>>;
[[maybe_unused]] P p;
#endif
