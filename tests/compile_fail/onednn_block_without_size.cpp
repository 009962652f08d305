// expect: block_needs_a_size<axle::named<.*"o".*>, axle::at_column<8>, axle::in_text<.*"OIhw16io"
// After the dimensions come the inner blocks, each a size and a letter (16o).
#include <axle/catalogue/onednn.hpp>

#ifdef AXLE_COMPILE_FAIL
using w = axle::onednn::weights<"OIhw16io">;
#else
using w = axle::onednn::weights<"OIhw16i16o">;
#endif
[[maybe_unused]] w x;
