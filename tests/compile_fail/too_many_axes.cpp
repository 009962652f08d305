// expect: too_many_axes<axle::in<axle::layout<a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13> ?>, axle::atom_limit<12> ?>
// A layout has at most 12 atoms (one per axis, block part, unit or labelled axis).
#include <axle/axle.hpp>

using namespace axle;

struct a1 : axis<"a1"> {};
struct a2 : axis<"a2"> {};
struct a3 : axis<"a3"> {};
struct a4 : axis<"a4"> {};
struct a5 : axis<"a5"> {};
struct a6 : axis<"a6"> {};
struct a7 : axis<"a7"> {};
struct a8 : axis<"a8"> {};
struct a9 : axis<"a9"> {};
struct a10 : axis<"a10"> {};
struct a11 : axis<"a11"> {};
struct a12 : axis<"a12"> {};
struct a13 : axis<"a13"> {};

#ifdef AXLE_COMPILE_FAIL
using L = layout<a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13>;
#else
using L = layout<a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12>;
#endif
using P = plan_t<L, L>;
[[maybe_unused]] P p;
