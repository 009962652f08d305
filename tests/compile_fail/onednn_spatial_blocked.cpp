// expect: spatial_dimension_cannot_be_blocked<axle::named<.*"H".*>, axle::at_column<3>, axle::in_text<.*"OIHw16h"
// oneDNN blocks channels, not spatial dimensions.
#include <axle/catalogue/onednn.hpp>

#ifdef AXLE_COMPILE_FAIL
using w = axle::onednn::weights<"OIHw16h">;
#else
using w = axle::onednn::weights<"OIhw16i16o">;
#endif
[[maybe_unused]] w x;
