// expect: too_many_axes<axle::at_column<19>, axle::in_text<.*"gOIdhw4i4o4i4o4i4o4i"
// A tag with more than 12 dimensions and blocks is beyond axle's limit of 12 atoms per layout.
#include <axle/catalogue/onednn.hpp>

#ifdef AXLE_COMPILE_FAIL
using w = axle::onednn::weights<"gOIdhw4i4o4i4o4i4o4i">;
#else
using w = axle::onednn::weights<"gOIdhw4i4o4i4o4i4o">;
#endif
[[maybe_unused]] w x;
