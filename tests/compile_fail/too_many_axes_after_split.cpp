// expect: too_many_axes<axle::axes::H, axle::in<axle::layout<a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, axle::axes::H> ?>, axle::atom_limit<12> ?>
// Blocking H adds an atom: a layout of 12 atoms has no room for it.
#include <axle/axle.hpp>

using namespace axle;
using namespace axle::axes;

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

#ifdef AXLE_COMPILE_FAIL
using L = split_t<layout<a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, H>, H, 4>;
#else
using L = split_t<layout<a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, H>, H, 4>;
#endif
[[maybe_unused]] L l;
