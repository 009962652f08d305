// expect: axis_named_twice<axle::axes::O, axle::at_column<14>, axle::in_text<.*"\(O, I, H, W, O\)"
// A layout written as text breaks a rule of layouts: the type form's error, with the column.
#include <axle/parse.hpp>

#include <type_traits>

using namespace axle;
using namespace axle::axes;

#ifdef AXLE_COMPILE_FAIL
using L = layout_t<"(O, I, H, W, O)">;
#else
using L = layout_t<"(O/4, I, H, W, 4o)">;
static_assert(std::is_same_v<L, layout<outer<O, 4>, I, H, W, inner<O, 4>>>);
#endif
