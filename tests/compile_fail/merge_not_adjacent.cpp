// expect: merge_needs_adjacent_entries<axle::axes::G, axle::axes::O, axle::in<
// Only neighbouring storage dimensions can be merged.
#include <axle/axle.hpp>

using namespace axle;
using namespace axle::axes;

#ifdef AXLE_COMPILE_FAIL
using L = merge_t<layout<G, I, O>, G, O>;
[[maybe_unused]] L l;
#else
using L = merge_t<layout<G, O, I>, G, O>;
[[maybe_unused]] L l;
#endif
