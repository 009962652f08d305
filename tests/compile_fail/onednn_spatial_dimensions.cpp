// expect: format_tag_spatial_dimensions_must_be_w_hw_or_dhw<axle::onednn::tag<.*"oidh".*> ?>
// Spatial dimensions are w, hw or dhw.
#include <axle/catalogue/onednn.hpp>

#ifdef AXLE_COMPILE_FAIL
using w = axle::onednn::weights<"oidh">;
#else
using w = axle::onednn::weights<"oidhw">;
#endif
[[maybe_unused]] w x;
