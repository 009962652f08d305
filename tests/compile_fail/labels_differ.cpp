// expect: cannot_convert<.*labels_differ<axle::labels<gate, (axle::)?fixed_string<[^>]*>\{"i,f,g,o"\}>, axle::labels<gate, (axle::)?fixed_string<[^>]*>\{"i,f,c,o"\}> ?>
// Gate blocks are matched by label: "c" is not one of i, f, g, o.
#include <axle/axle.hpp>

using namespace axle;
using namespace axle::axes;
struct gate : axis<"gate", axis_kind::block> {};
#ifdef AXLE_COMPILE_FAIL
using P = plan_t<layout<merged<labels<gate, "i,f,g,o">, O>, I>, layout<merged<labels<gate, "i,f,c,o">, O>, I>>;
[[maybe_unused]] P p;
#else
using P = plan_t<layout<merged<labels<gate, "i,f,g,o">, O>, I>, layout<merged<labels<gate, "i,o,f,g">, O>, I>>;
[[maybe_unused]] P p;
#endif
