// expect: unknown_letter_in_dimension_numbers<axle::jax::spec<.*"NCHx".*>, axle::jax::letter<'x'> ?>
// dimension_numbers use upper-case letters (and digits) only.
#include <axle/jax_dimension_numbers.hpp>

#ifdef AXLE_COMPILE_FAIL
using op = axle::jax::conv_general_dilated<"NCHx", "OIHx">;
#else
using op = axle::jax::conv_general_dilated<"NCHW", "OIHW">;
#endif
[[maybe_unused]] op::weight w;
