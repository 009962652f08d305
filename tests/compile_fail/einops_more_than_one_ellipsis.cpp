// expect: more_than_one_ellipsis<axle::at_column<7>, axle::in_text<.*"\.\.\. o \.\.\. i"
// An einops pattern with two ellipses.
#include <axle/einops.hpp>

#include <type_traits>

using namespace axle;
using namespace axle::axes;

#ifdef AXLE_COMPILE_FAIL
using L = einops_t<"... o ... i">;
#else
using L = einops_t<"... o i">;
static_assert(std::is_same_v<L, layout<einops::ellipsis, O, I>>);
#endif
