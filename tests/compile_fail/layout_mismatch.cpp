// expect: layout_mismatch<axle::expected<axle::axes::O, axle::axes::I, axle::axes::H, axle::axes::W>, axle::got<axle::axes::I, axle::axes::O, axle::flipped<axle::axes::H>, axle::flipped<axle::axes::W> ?>, axle::fix<axle::swap<axle::axes::O, axle::axes::I>, axle::flip<axle::axes::H, axle::axes::W> ?> ?>
// A PyTorch conv-transpose weight where an Equinox one is expected: the error names both layouts and the fix.
#include <axle/axle.hpp>

using namespace axle;
using namespace axle::axes;

#ifdef AXLE_COMPILE_FAIL
static_assert(expect_layout<layout<O, I, H, W>, layout<I, O, flipped<H>, flipped<W>>>);
#else
static_assert(expect_layout<layout<O, I, H, W>, layout<O, I, H, W>>);
#endif
