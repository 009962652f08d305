// expect: ellipsis_only_on_one_side<axle::at_column<5>, axle::in_text<.*"o i \.\.\. -> i o"
// An einops rearrangement with an ellipsis on the left only.
#include <axle/einops.hpp>

#include <type_traits>

using namespace axle;
using namespace axle::axes;

#ifdef AXLE_COMPILE_FAIL
using P = einops_plan<"o i ... -> i o">;
#else
using P = einops_plan<"o i ... -> i o ...">;
static_assert(!is_identity_v<P>);
#endif
