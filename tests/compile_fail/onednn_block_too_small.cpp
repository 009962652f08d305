// expect: block_size_must_be_at_least_2<axle::at_column<5>, axle::in_text<.*"OIhw1i16o"
// A block of one element is no block.
#include <axle/catalogue/onednn.hpp>

#ifdef AXLE_COMPILE_FAIL
using w = axle::onednn::weights<"OIhw1i16o">;
#else
using w = axle::onednn::weights<"OIhw16i16o">;
#endif
[[maybe_unused]] w x;
