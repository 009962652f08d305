// expect: parts_of_one_axis_flipped_differently<axle::axes::H, axle::at_column<16>, axle::in_text<.*"\(H/2, I, O, W, 2h~\)"
// A layout written as text whose rule is broken by a later atom: the error points at that atom.
#include <axle/parse.hpp>

#include <type_traits>

using namespace axle;
using namespace axle::axes;

#ifdef AXLE_COMPILE_FAIL
using L = layout_t<"(H/2, I, O, W, 2h~)">;
#else
using L = layout_t<"(H/2, I, O, W, 2h)">;
static_assert(std::is_same_v<L, layout<outer<H, 2>, I, O, W, inner<H, 2>>>);
#endif
