// expect: upper_case_letter_needs_a_block<axle::named<.*"O".*>, axle::at_column<1>, axle::in_text<.*"OIhw16i"
// An upper-case dimension is blocked: the tag lists its inner block.
#include <axle/catalogue/onednn.hpp>

#ifdef AXLE_COMPILE_FAIL
using w = axle::onednn::weights<"OIhw16i">;
#else
using w = axle::onednn::weights<"OIhw16i16o">;
#endif
[[maybe_unused]] w x;
