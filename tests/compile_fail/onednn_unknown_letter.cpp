// expect: unknown_letter_in_format_tag<axle::onednn::tag<.*"oihx".*>, axle::onednn::letter<'x'> ?>
// A oneDNN weights tag uses the letters g, o, i, d, h and w (upper case: blocked).
#include <axle/catalogue/onednn.hpp>

#ifdef AXLE_COMPILE_FAIL
using w = axle::onednn::weights<"oihx">;
#else
using w = axle::onednn::weights<"oihw">;
#endif
[[maybe_unused]] w x;
