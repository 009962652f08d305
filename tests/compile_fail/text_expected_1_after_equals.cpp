// expect: expected_1_after_equals<axle::at_column<7>, axle::in_text<.*"\(O, I=2, H, W\)"
// A unit axis (a dimension of extent 1) is written `A=1`; no other extent is written so.
#include <axle/parse.hpp>

#include <type_traits>

using namespace axle;
using namespace axle::axes;

#ifdef AXLE_COMPILE_FAIL
using L = layout_t<"(O, I=2, H, W)">;
#else
using L = layout_t<"(O, I=1, H, W)">;
static_assert(std::is_same_v<L, layout<O, unit<I>, H, W>>);
#endif
