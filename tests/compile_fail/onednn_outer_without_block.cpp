// expect: upper_case_dimension_needs_an_inner_block<axle::onednn::tag<.*"OIhw16i".*>, axle::onednn::letter<'O'> ?>
// An upper-case dimension is blocked: the tag lists its inner block.
#include <axle/catalogue/onednn.hpp>

#ifdef AXLE_COMPILE_FAIL
using w = axle::onednn::weights<"OIhw16i">;
#else
using w = axle::onednn::weights<"OIhw16i16o">;
#endif
[[maybe_unused]] w x;
