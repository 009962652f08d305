// expect: spatial_letters_must_be_w_hw_or_dhw<axle::in_text<.*"oidh"
// Spatial dimensions are w, hw or dhw.
#include <axle/catalogue/onednn.hpp>

#ifdef AXLE_COMPILE_FAIL
using w = axle::onednn::weights<"oidh">;
#else
using w = axle::onednn::weights<"oidhw">;
#endif
[[maybe_unused]] w x;
