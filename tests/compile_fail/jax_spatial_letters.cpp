// expect: spatial_letter_not_in_lhs<axle::named<.*"X".*>, axle::at_column<4>, axle::in_text<.*"OIHX"
// The spatial letters of the kernel and output specs are those of the input spec.
#include <axle/jax_dimension_numbers.hpp>

#ifdef AXLE_COMPILE_FAIL
using op = axle::jax::conv_general_dilated<"NCHW", "OIHX">;
#else
using op = axle::jax::conv_general_dilated<"NCHW", "OIHW">;
#endif
[[maybe_unused]] op::weight w;
