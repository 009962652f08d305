// expect: permute_must_name_every_entry<axle::unnamed<axle::axes::W>, axle::in<
// permute_t names every storage dimension.
#include <axle/axle.hpp>

using namespace axle;
using namespace axle::axes;

#ifdef AXLE_COMPILE_FAIL
using L = permute_t<layout<O, I, H, W>, H, I, O>;
[[maybe_unused]] L l;
#else
using L = permute_t<layout<O, I, H, W>, H, W, I, O>;
[[maybe_unused]] L l;
#endif
