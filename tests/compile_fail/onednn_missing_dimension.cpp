// expect: format_tag_needs_dimension<axle::onednn::tag<.*"ihw".*>, axle::onednn::letter<'o'> ?>
// A weights tag names the output (o) and input (i) channels.
#include <axle/catalogue/onednn.hpp>

#ifdef AXLE_COMPILE_FAIL
using w = axle::onednn::weights<"ihw">;
#else
using w = axle::onednn::weights<"oihw">;
#endif
[[maybe_unused]] w x;
