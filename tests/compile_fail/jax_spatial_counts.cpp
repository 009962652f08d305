// expect: spatial_counts_differ<axle::in_text<.*"OIH"
// The three specs have the same spatial dimensions: a 2-D input needs a 2-D kernel.
#include <axle/jax_dimension_numbers.hpp>

#ifdef AXLE_COMPILE_FAIL
using op = axle::jax::conv_general_dilated<"NCHW", "OIH">;
#else
using op = axle::jax::conv_general_dilated<"NCHW", "OIHW">;
#endif
[[maybe_unused]] op::weight w;
