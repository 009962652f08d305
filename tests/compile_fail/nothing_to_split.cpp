// expect: nothing_to_split<axle::axes::O, axle::in<
// split_t without a factor splits a merged dimension; O is not one.
#include <axle/axle.hpp>

using namespace axle;
using namespace axle::axes;

#ifdef AXLE_COMPILE_FAIL
using L = split_t<layout<O, I>, O>;
[[maybe_unused]] L l;
#else
using L = split_t<layout<merged<G, O>, I>, O>;
[[maybe_unused]] L l;
#endif
