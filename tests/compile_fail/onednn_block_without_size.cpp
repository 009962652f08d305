// expect: inner_block_needs_a_size<axle::onednn::tag<.*"OIhw16io".*>, axle::onednn::letter<'o'> ?>
// After the dimensions come the inner blocks, each a size and a letter (16o).
#include <axle/catalogue/onednn.hpp>

#ifdef AXLE_COMPILE_FAIL
using w = axle::onednn::weights<"OIhw16io">;
#else
using w = axle::onednn::weights<"OIhw16i16o">;
#endif
[[maybe_unused]] w x;
