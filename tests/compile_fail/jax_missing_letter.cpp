// expect: missing_letter<axle::letter<'I'>, axle::in_text<.*"OHW"
// The kernel spec names O and I, the input and output specs N and C.
#include <axle/jax_dimension_numbers.hpp>

#ifdef AXLE_COMPILE_FAIL
using op = axle::jax::conv_general_dilated<"NCHW", "OHW">;
#else
using op = axle::jax::conv_general_dilated<"NCHW", "OIHW">;
#endif
[[maybe_unused]] op::weight w;
