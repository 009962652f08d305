// expect: expected_axis_name<axle::at_column<19>, axle::in_text<.*"\(I/16, O, H, W, 16\)"
// A part of an axis is its extent followed by the axis: `16i`, not `16` alone.
#include <axle/parse.hpp>

#include <type_traits>

using namespace axle;
using namespace axle::axes;

#ifdef AXLE_COMPILE_FAIL
using L = layout_t<"(I/16, O, H, W, 16)">;
#else
using L = layout_t<"(I/16, O, H, W, 16i)">;
static_assert(std::is_same_v<L, layout<outer<I, 16>, O, H, W, inner<I, 16>>>);
#endif
