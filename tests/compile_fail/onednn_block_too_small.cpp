// expect: inner_block_size_must_be_at_least_2<axle::onednn::tag<.*"OIhw1i16o".*>, axle::onednn::letter<'i'> ?>
// A block of one element is no block.
#include <axle/catalogue/onednn.hpp>

#ifdef AXLE_COMPILE_FAIL
using w = axle::onednn::weights<"OIhw1i16o">;
#else
using w = axle::onednn::weights<"OIhw16i16o">;
#endif
[[maybe_unused]] w x;
