// expect: block_of_a_dimension_not_blocked<axle::named<.*"o".*>, axle::at_column<10>, axle::in_text<.*"oIhw16i16o"
// Only dimensions written in upper case are blocked.
#include <axle/catalogue/onednn.hpp>

#ifdef AXLE_COMPILE_FAIL
using w = axle::onednn::weights<"oIhw16i16o">;
#else
using w = axle::onednn::weights<"OIhw16i16o">;
#endif
[[maybe_unused]] w x;
