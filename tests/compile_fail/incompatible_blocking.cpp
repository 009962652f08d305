// expect: cannot_convert<.*incompatible_blocking<
// Blocks of 16 and blocks of 6 have no common refinement.
#include <axle/axle.hpp>

using namespace axle;
using namespace axle::axes;

#ifdef AXLE_COMPILE_FAIL
using P = plan_t<layout<outer<O, 16>, I, inner<O, 16>>, layout<outer<O, 6>, I, inner<O, 6>>>;
[[maybe_unused]] P p;
#else
using P = plan_t<layout<outer<O, 16>, I, inner<O, 16>>, layout<outer<O, 8>, I, inner<O, 8>>>;
[[maybe_unused]] P p;
#endif
