// expect: letter_repeated_in_dimension_numbers<axle::jax::spec<.*"NCHH".*>, axle::jax::letter<'H'> ?>
// Each letter appears once in a spec.
#include <axle/jax_dimension_numbers.hpp>

#ifdef AXLE_COMPILE_FAIL
using op = axle::jax::conv_general_dilated<"NCHH", "OIHW">;
#else
using op = axle::jax::conv_general_dilated<"NCHW", "OIHW">;
#endif
[[maybe_unused]] op::weight w;
