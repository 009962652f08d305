// expect: ellipsis_in_parentheses_on_the_left<axle::at_column<4>, axle::in_text<.*"\(o \.\.\.\) i -> o \.\.\. i"
// An einops rearrangement that would split an ellipsis (in parentheses on the left).
#include <axle/einops.hpp>

#include <type_traits>

using namespace axle;
using namespace axle::axes;

#ifdef AXLE_COMPILE_FAIL
using P = einops_plan<"(o ...) i -> o ... i">;
#else
using P = einops_plan<"o ... i -> (o ...) i">;
static_assert(!is_identity_v<P>);
#endif
