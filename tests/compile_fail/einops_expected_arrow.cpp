// expect: expected_arrow<axle::in_text<.*"o i h w > i o h w"
// An einops rearrangement is two patterns joined by one `->`.
#include <axle/einops.hpp>

#include <type_traits>

using namespace axle;
using namespace axle::axes;

#ifdef AXLE_COMPILE_FAIL
using P = einops_plan<"o i h w > i o h w">;
#else
using P = einops_plan<"o i h w -> i o h w">;
static_assert(std::is_same_v<P, plan<swap<I, O>>>);
#endif
