// expect: more_than_one_block<axle::named<.*"c".*>, axle::at_column<9>, axle::in_text<.*"NCHW16c4c"
// A TVM layout string with two sub-axes of one primal (TVM's SLayout rejects it too).
#include <axle/tvm.hpp>

#include <type_traits>

using namespace axle;
using namespace axle::axes;

#ifdef AXLE_COMPILE_FAIL
using L = tvm::layout_t<"NCHW16c4c">;
#else
using L = tvm::layout_t<"NCHW16c">;
static_assert(std::is_same_v<L, layout<N, outer<C, 16>, H, W, inner<C, 16>>>);
#endif
