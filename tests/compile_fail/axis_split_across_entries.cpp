// expect: axis_is_split_across_entries<axle::axes::O, axle::in<axle::layout<axle::outer<axle::axes::O, 16>, axle::axes::I, axle::inner<axle::axes::O, 16(, 1)?> ?> ?>
// A blocked axis lives in several dimensions: swap_t cannot move "the" dimension holding it.
#include <axle/axle.hpp>

using namespace axle;
using namespace axle::axes;

#ifdef AXLE_COMPILE_FAIL
using L = swap_t<layout<outer<O, 16>, I, inner<O, 16>>, O, I>;
#else
using L = swap_t<layout<outer<O, 16>, I, inner<O, 16>>, outer<O, 16>, I>;
#endif
[[maybe_unused]] L l;
