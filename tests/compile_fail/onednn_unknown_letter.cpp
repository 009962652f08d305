// expect: unknown_letter<axle::named<.*"x".*>, axle::at_column<3>, axle::in_text<.*"OIxw16i16o"
// A oneDNN format tag with a letter that is no dimension of a weight.
#include <axle/catalogue/onednn.hpp>

#include <type_traits>

using namespace axle;
using namespace axle::axes;

#ifdef AXLE_COMPILE_FAIL
using L = onednn::weights<"OIxw16i16o">;
#else
using L = onednn::weights<"OIhw16i16o">;
static_assert(std::is_same_v<L, layout<outer<O, 16>, outer<I, 16>, H, W, inner<I, 16>, inner<O, 16>>>);
#endif
