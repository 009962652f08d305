// expect: merged_parts_of_one_axis<axle::in<.*>, axle::write<axle::layout<axle::axes::O, axle::axes::I> ?> ?>
// Merging the blocks of O with the positions in a block is O: write it so.
#include <axle/axle.hpp>

using namespace axle;
using namespace axle::axes;

#ifdef AXLE_COMPILE_FAIL
using P = plan_t<layout<merged<outer<O, 16>, inner<O, 16>>, I>, layout<O, I>>;
[[maybe_unused]] P p;
#else
using P = plan_t<layout<outer<O, 16>, inner<O, 16>, I>, layout<O, I>>;
[[maybe_unused]] P p;
#endif
