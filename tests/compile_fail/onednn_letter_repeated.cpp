// expect: dimension_named_twice_in_format_tag<axle::onednn::tag<.*"oihhw".*>, axle::onednn::letter<'h'> ?>
// Each dimension appears once in a oneDNN tag.
#include <axle/catalogue/onednn.hpp>

#ifdef AXLE_COMPILE_FAIL
using w = axle::onednn::weights<"oihhw">;
#else
using w = axle::onednn::weights<"oihw">;
#endif
[[maybe_unused]] w x;
