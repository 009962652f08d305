// expect: unknown_letter<axle::named<.*"\?".*>, axle::at_column<4>, axle::in_text<.*"NCH\?"
// JAX dimension_numbers with a bad character: the error quotes the spec that holds it.
#include <axle/jax_dimension_numbers.hpp>

#include <type_traits>

using namespace axle;
using namespace axle::axes;

#ifdef AXLE_COMPILE_FAIL
using Op = jax::conv_general_dilated<"NCHW", "OIHW", "NCH?">;
#else
using Op = jax::conv_general_dilated<"NCHW", "OIHW", "NCHW">;
#endif
static_assert(Op::spatial >= 0);
