// expect: letter_repeated<axle::named<.*"H".*>, axle::at_column<4>, axle::in_text<.*"NCHH"
// Each letter appears once in a spec.
#include <axle/jax_dimension_numbers.hpp>

#ifdef AXLE_COMPILE_FAIL
using op = axle::jax::conv_general_dilated<"NCHH", "OIHW">;
#else
using op = axle::jax::conv_general_dilated<"NCHW", "OIHW">;
#endif
[[maybe_unused]] op::weight w;
