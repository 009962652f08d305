// expect: expected_end_of_text<axle::at_column<7>, axle::in_text<.*"\(O, I\), H, W"
// Text after the closing parenthesis of the layout.
#include <axle/parse.hpp>

#include <type_traits>

using namespace axle;
using namespace axle::axes;

#ifdef AXLE_COMPILE_FAIL
using L = layout_t<"(O, I), H, W">;
#else
using L = layout_t<"(O, I, H, W)">;
static_assert(std::is_same_v<L, layout<O, I, H, W>>);
#endif
