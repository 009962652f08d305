// expect: layout_mismatch<axle::expected<axle::axes::O, axle::axes::I, axle::axes::H, axle::axes::W>, axle::got<axle::axes::I, axle::axes::O, axle::flipped<axle::axes::H>, axle::flipped<axle::axes::W> ?>, axle::fix<axle::swap<axle::axes::O, axle::axes::I>, axle::flip<axle::axes::H, axle::axes::W> ?> ?>
// A view of a PyTorch conv-transpose weight handed to a kernel that takes (O, I, H, W): the error
// names both layouts and the fix; layout_cast (zero-copy) or convert is the explicit way across.
#include <axle/convert.hpp>

#include <vector>

using namespace axle;
using namespace axle::axes;

using oihw = layout<O, I, H, W>;
using torch_conv_transpose = layout<I, O, flipped<H>, flipped<W>>;

float first(tensor_view<const float, oihw> w) { return w(O{0}, I{0}, H{0}, W{0}); }

float run(std::vector<float>& buf) {
  tensor_view<float, torch_conv_transpose> w(buf, {3, 4, 3, 3});
#ifdef AXLE_COMPILE_FAIL
  return first(w);
#else
  return first(layout_cast<oihw>(w));
#endif
}
