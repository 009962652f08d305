// A user's program: a layout conversion derived at compile time and printed.
#include <axle/axle.hpp>
#include <axle/format.hpp>

#include <type_traits>

using namespace axle::axes;
using torch_conv_transpose = axle::layout<I, O, axle::flipped<H>, axle::flipped<W>>;
using equinox_conv_transpose = axle::layout<O, I, H, W>;
using P = axle::plan_t<torch_conv_transpose, equinox_conv_transpose>;
static_assert(std::is_same_v<P, axle::plan<axle::swap<O, I>, axle::flip<H, W>>>);

int main() {
  fmt::print("{}\n", P{});
  return axle::to_string(P{}) == "swap(O, I) \u00b7 flip(H, W)" ? 0 : 1;
}
