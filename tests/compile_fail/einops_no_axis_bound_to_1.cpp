// expect: no_axis_bound_to_1<axle::at_column<7>, axle::in_text<.*"\(g m\) 1 h w"
// An einops pattern with a dimension `1`, but no axis said to be the one of extent 1.
#include <axle/einops.hpp>

#include <type_traits>

using namespace axle;
using namespace axle::axes;

#ifdef AXLE_COMPILE_FAIL
using L = einops_t<"(g m) 1 h w">;
#else
using L = einops_t<"(g m) 1 h w", bind<"1", I>>;
static_assert(std::is_same_v<L, layout<merged<G, M>, unit<I>, H, W>>);
#endif
