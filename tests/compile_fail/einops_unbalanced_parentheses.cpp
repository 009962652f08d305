// expect: unbalanced_parentheses<axle::at_column<1>, axle::in_text<.*"\(g i o h w"
// An einops pattern whose parenthesis is not closed.
#include <axle/einops.hpp>

#include <type_traits>

using namespace axle;
using namespace axle::axes;

#ifdef AXLE_COMPILE_FAIL
using L = einops_t<"(g i o h w">;
#else
using L = einops_t<"(g i) o h w">;
static_assert(std::is_same_v<L, layout<merged<G, I>, O, H, W>>);
#endif
