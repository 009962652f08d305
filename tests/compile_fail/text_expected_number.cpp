// expect: expected_number<axle::at_column<4>, axle::in_text<.*"\(O/, I, H, W, 16o\)"
// The blocks of an axis are written with their size: `O/16`.
#include <axle/parse.hpp>

#include <type_traits>

using namespace axle;
using namespace axle::axes;

#ifdef AXLE_COMPILE_FAIL
using L = layout_t<"(O/, I, H, W, 16o)">;
#else
using L = layout_t<"(O/16, I, H, W, 16o)">;
static_assert(std::is_same_v<L, layout<outer<O, 16>, I, H, W, inner<O, 16>>>);
#endif
