// expect: split_factor_does_not_divide<axle::inner<axle::axes::C, 6[^>]*>, axle::factor<4[^>]*>, axle::extent<6[^>]*>
// A block of 6 cannot be split by 4.
#include <axle/axle.hpp>

using namespace axle;
using namespace axle::axes;

#ifdef AXLE_COMPILE_FAIL
using L = split_t<layout<outer<C, 6>, inner<C, 6>>, inner<C, 6>, 4>;
[[maybe_unused]] L l;
#else
using L = split_t<layout<outer<C, 6>, inner<C, 6>>, inner<C, 6>, 3>;
[[maybe_unused]] L l;
#endif
