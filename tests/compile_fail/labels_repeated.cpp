// expect: block_labels_must_be_distinct_and_non_empty<axle::labels<channel, 
// Block labels name distinct blocks.
#include <axle/axle.hpp>

using namespace axle;
using namespace axle::axes;
struct channel : axis<"channel", axis_kind::block> {};
#ifdef AXLE_COMPILE_FAIL
using P = plan_t<layout<N, labels<channel, "r,g,r">>, layout<N, labels<channel, "r,g,r">>>;
[[maybe_unused]] P p;
#else
using P = plan_t<layout<N, labels<channel, "r,g,b">>, layout<N, labels<channel, "b,g,r">>>;
[[maybe_unused]] P p;
#endif
