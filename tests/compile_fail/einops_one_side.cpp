// expect: axis_only_on_one_side<axle::named<.*"w".*>, axle::at_column<7>, axle::in_text<.*"o i h w -> i o h"
// An einops rearrangement with an axis on one side of the arrow only.
#include <axle/einops.hpp>

#include <type_traits>

using namespace axle;
using namespace axle::axes;

#ifdef AXLE_COMPILE_FAIL
using P = einops_plan<"o i h w -> i o h">;
#else
using P = einops_plan<"o i h w -> i o h w">;
static_assert(std::is_same_v<P, plan<swap<I, O>>>);
#endif
