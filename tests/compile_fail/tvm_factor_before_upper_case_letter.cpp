// expect: factor_before_upper_case_letter<axle::named<.*"H".*>, axle::at_column<5>, axle::in_text<.*"NC16HW"
// A TVM layout string with a factor before a primal (upper-case) axis.
#include <axle/tvm.hpp>

#include <type_traits>

using namespace axle;
using namespace axle::axes;

#ifdef AXLE_COMPILE_FAIL
using L = tvm::layout_t<"NC16HW">;
#else
using L = tvm::layout_t<"NCHW16c">;
static_assert(std::is_same_v<L, layout<N, outer<C, 16>, H, W, inner<C, 16>>>);
#endif
