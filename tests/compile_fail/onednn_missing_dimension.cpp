// expect: missing_letter<axle::letter<'o'>, axle::in_text<.*"ihw"
// A weights tag names the output (o) and input (i) channels.
#include <axle/catalogue/onednn.hpp>

#ifdef AXLE_COMPILE_FAIL
using w = axle::onednn::weights<"ihw">;
#else
using w = axle::onednn::weights<"oihw">;
#endif
[[maybe_unused]] w x;
