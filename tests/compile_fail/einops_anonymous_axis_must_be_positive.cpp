// expect: anonymous_axis_must_be_positive<axle::at_column<3>, axle::in_text<.*"o 0 h w"
// An einops pattern with a dimension `0`.
#include <axle/einops.hpp>

#include <type_traits>

using namespace axle;
using namespace axle::axes;

#ifdef AXLE_COMPILE_FAIL
using L = einops_t<"o 0 h w", bind<"1", I>>;
#else
using L = einops_t<"o 1 h w", bind<"1", I>>;
static_assert(std::is_same_v<L, layout<O, unit<I>, H, W>>);
#endif
