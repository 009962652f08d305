// expect: invalid_axis_identifier<axle::named<.*"o_".*>, axle::at_column<1>, axle::in_text<.*"o_ i h w"
// An einops name ending with `_` (einops rejects names that start or end with one).
#include <axle/einops.hpp>

#include <type_traits>

using namespace axle;
using namespace axle::axes;

#ifdef AXLE_COMPILE_FAIL
using L = einops_t<"o_ i h w">;
#else
using L = einops_t<"o i h w">;
static_assert(std::is_same_v<L, layout<O, I, H, W>>);
#endif
