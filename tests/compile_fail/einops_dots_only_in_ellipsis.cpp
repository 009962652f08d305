// expect: dots_only_in_ellipsis<axle::at_column<5>, axle::in_text<.*"o i \.\. h w"
// An einops pattern with two dots: only the three dots of an ellipsis are allowed.
#include <axle/einops.hpp>

#include <type_traits>

using namespace axle;
using namespace axle::axes;

#ifdef AXLE_COMPILE_FAIL
using L = einops_t<"o i .. h w">;
#else
using L = einops_t<"o i ... h w">;
static_assert(std::is_same_v<L, layout<O, I, einops::ellipsis, H, W>>);
#endif
