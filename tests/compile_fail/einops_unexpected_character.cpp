// expect: unexpected_character<axle::named<.*",".*>, axle::at_column<2>, axle::in_text<.*"o, i, h, w"
// An einops pattern separates its dimensions with spaces, not commas.
#include <axle/einops.hpp>

#include <type_traits>

using namespace axle;
using namespace axle::axes;

#ifdef AXLE_COMPILE_FAIL
using L = einops_t<"o, i, h, w">;
#else
using L = einops_t<"o i h w">;
static_assert(std::is_same_v<L, layout<O, I, H, W>>);
#endif
