// expect: factor_without_a_letter<axle::at_column<5>, axle::in_text<.*"NCHW16"
// A TVM layout string whose last factor has no sub-axis after it (TVM ignores it silently).
#include <axle/tvm.hpp>

#include <type_traits>

using namespace axle;
using namespace axle::axes;

#ifdef AXLE_COMPILE_FAIL
using L = tvm::layout_t<"NCHW16">;
#else
using L = tvm::layout_t<"NCHW16c">;
static_assert(std::is_same_v<L, layout<N, outer<C, 16>, H, W, inner<C, 16>>>);
#endif
