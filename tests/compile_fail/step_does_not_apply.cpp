// expect: plan_step_does_not_apply<axle::swap<axle::axes::O, axle::axes::I>, axle::in<axle::layout<axle::axes::O, axle::axes::H> ?> ?>
// A plan names the axes it moves; this layout has no I.
#include <axle/axle.hpp>

using namespace axle;
using namespace axle::axes;

#ifdef AXLE_COMPILE_FAIL
using L = apply_t<plan<swap<O, I>>, layout<O, H>>;
[[maybe_unused]] L l;
#else
using L = apply_t<plan<swap<O, I>>, layout<I, O>>;
[[maybe_unused]] L l;
#endif
