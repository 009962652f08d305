// expect: expected_opening_parenthesis<axle::at_column<1>, axle::in_text<.*"O, I, H, W"
// A layout in axle's notation is a list in parentheses, even of one dimension.
#include <axle/parse.hpp>

#include <type_traits>

using namespace axle;
using namespace axle::axes;

#ifdef AXLE_COMPILE_FAIL
using L = layout_t<"O, I, H, W">;
#else
using L = layout_t<"(O, I, H, W)">;
static_assert(std::is_same_v<L, layout<O, I, H, W>>);
#endif
