// expect: empty_text<axle::in_text<.*"".*>
// An empty oneDNN weights format tag.
#include <axle/catalogue/onednn.hpp>

#include <type_traits>

using namespace axle;
using namespace axle::axes;

#ifdef AXLE_COMPILE_FAIL
using w = onednn::weights<"">;
#else
using w = onednn::weights<"oihw">;
static_assert(std::is_same_v<w, layout<O, I, H, W>>);
#endif
