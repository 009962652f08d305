// expect: one_to_three_spatial_letters<axle::in_text<.*"NC"
// axle reads 1-D, 2-D and 3-D convolutions: one to three spatial letters.
#include <axle/jax_dimension_numbers.hpp>

#ifdef AXLE_COMPILE_FAIL
using op = axle::jax::conv_general_dilated<"NC", "OI">;
#else
using op = axle::jax::conv_general_dilated<"NCW", "OIW">;
#endif
[[maybe_unused]] op::weight w;
