// expect: expected_comma_or_closing_parenthesis<axle::at_column<9>, axle::in_text<.*"\(\(G, I\) O, H~, W~\)"
// A layout written as text with a comma missing: the error is what was expected, the column, the text.
#include <axle/parse.hpp>

#include <type_traits>

using namespace axle;
using namespace axle::axes;

#ifdef AXLE_COMPILE_FAIL
using L = layout_t<"((G, I) O, H~, W~)">;
#else
using L = layout_t<"((G, I), O, H~, W~)">;
static_assert(std::is_same_v<L, layout<merged<G, I>, O, flipped<H>, flipped<W>>>);
#endif
