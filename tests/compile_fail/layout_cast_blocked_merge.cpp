// expect: plan_needs_a_copy<axle::plan<.*>, axle::because<axle::merge<axle::axes::O, axle::outer<axle::axes::O, 16>, axle::inner<axle::axes::O, 16(, 1)?> ?> ?> ?>
// A oneDNN blocked weight cannot be seen as (O, I, H, W) without a copy: the blocks of O are not
// adjacent. The error names the plan and the step that moves data; convert materialises it.
#include <axle/convert.hpp>

using namespace axle;
using namespace axle::axes;

using oihw = layout<O, I, H, W>;
using onednn_OIhw16i16o = layout<outer<O, 16>, outer<I, 16>, H, W, inner<I, 16>, inner<O, 16>>;

#ifdef AXLE_COMPILE_FAIL
tensor_view<const float, oihw> unblock(tensor_view<const float, onednn_OIhw16i16o> w) { return layout_cast<oihw>(w); }
#else
tensor<float, oihw> unblock(tensor_view<const float, onednn_OIhw16i16o> w) { return convert<oihw>(w); }
tensor_view<const float, onednn_OIhw16i16o> block(tensor_view<const float, oihw> w) { return layout_cast<onednn_OIhw16i16o>(w); }
#endif
