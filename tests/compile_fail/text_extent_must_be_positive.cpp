// expect: extent_must_be_positive<axle::at_column<17>, axle::in_text<.*"\(O/16, I, H, W, 0o\)"
// A part of an axis of extent 0.
#include <axle/parse.hpp>

#include <type_traits>

using namespace axle;
using namespace axle::axes;

#ifdef AXLE_COMPILE_FAIL
using L = layout_t<"(O/16, I, H, W, 0o)">;
#else
using L = layout_t<"(O/16, I, H, W, 16o)">;
static_assert(std::is_same_v<L, layout<outer<O, 16>, I, H, W, inner<O, 16>>>);
#endif
