// expect: spatial_dimension_cannot_be_blocked<axle::onednn::tag<.*"OIHw16h".*>, axle::onednn::letter<'H'> ?>
// oneDNN blocks channels, not spatial dimensions.
#include <axle/catalogue/onednn.hpp>

#ifdef AXLE_COMPILE_FAIL
using w = axle::onednn::weights<"OIHw16h">;
#else
using w = axle::onednn::weights<"OIhw16i16o">;
#endif
[[maybe_unused]] w x;
