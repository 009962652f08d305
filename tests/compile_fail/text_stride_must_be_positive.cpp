// expect: stride_must_be_positive<axle::at_column<20>, axle::in_text<.*"\(I/16, O, H, W, 4i@0, 4i\)"
// A part of an axis with stride 0 (`4i@0`): a stride is at least 1.
#include <axle/parse.hpp>

#include <type_traits>

using namespace axle;
using namespace axle::axes;

#ifdef AXLE_COMPILE_FAIL
using L = layout_t<"(I/16, O, H, W, 4i@0, 4i)">;
#else
using L = layout_t<"(I/16, O, H, W, 4i@4, 4i)">;
static_assert(rank_v<L> == 6);
#endif
