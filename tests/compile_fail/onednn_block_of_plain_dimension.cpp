// expect: inner_block_of_a_lower_case_dimension<axle::onednn::tag<.*"oIhw16i16o".*>, axle::onednn::letter<'o'> ?>
// Only dimensions written in upper case are blocked.
#include <axle/catalogue/onednn.hpp>

#ifdef AXLE_COMPILE_FAIL
using w = axle::onednn::weights<"oIhw16i16o">;
#else
using w = axle::onednn::weights<"OIhw16i16o">;
#endif
[[maybe_unused]] w x;
