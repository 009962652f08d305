// expect: number_too_large<axle::named<.*"99999999999".*>, axle::at_column<5>, axle::in_text<.*"NCHW99999999999c"
// A TVM layout string with a block size beyond 2147483647.
#include <axle/tvm.hpp>

#include <type_traits>

using namespace axle;
using namespace axle::axes;

#ifdef AXLE_COMPILE_FAIL
using L = tvm::layout_t<"NCHW99999999999c">;
#else
using L = tvm::layout_t<"NCHW16c">;
static_assert(std::is_same_v<L, layout<N, outer<C, 16>, H, W, inner<C, 16>>>);
#endif
