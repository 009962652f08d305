// expect: letter_repeated<axle::named<.*"h".*>, axle::at_column<4>, axle::in_text<.*"oihhw"
// Each dimension appears once in a oneDNN tag.
#include <axle/catalogue/onednn.hpp>

#ifdef AXLE_COMPILE_FAIL
using w = axle::onednn::weights<"oihhw">;
#else
using w = axle::onednn::weights<"oihw">;
#endif
[[maybe_unused]] w x;
