// expect: layout_mismatch<axle::expected<.*axle::missing_axes<axle::axes::G>, axle::extra_axes<> ?>
// A layout without groups where a grouped one is expected: the error names the missing axis.
#include <axle/axle.hpp>

using namespace axle;
using namespace axle::axes;

#ifdef AXLE_COMPILE_FAIL
static_assert(expect_layout<layout<merged<G, O>, I, H, W>, layout<O, I, H, W>>);
#else
static_assert(expect_layout<layout<merged<G, O>, I, H, W>, layout<merged<G, O>, I, H, W>>);
#endif
