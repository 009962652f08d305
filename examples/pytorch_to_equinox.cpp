// The flagship example: porting a ConvTranspose2d weight from PyTorch to Equinox.
//
// PyTorch stores a transposed convolution's weight as (in, out/groups, kh, kw) and uses it as
// the adjoint (gradient) of a convolution with the same tensor; Equinox stores (out, in/groups,
// kh, kw) and correlates with it as stored. In canonical roles (see docs/model.md) that is
//
//     PyTorch  ((G, I), O, H~, W~)        Equinox  ((G, O), I, H, W)
//
// and axle derives the conversion. With one group it is the familiar
// `np.flip(w, (2, 3)).transpose(1, 0, 2, 3)`; with groups the swap must happen inside each
// group, which the derived plan does and a hand-written swapaxes does not.
#include <axle/axle.hpp>
#include <axle/catalogue.hpp>
#include <axle/codegen.hpp>
#include <axle/format.hpp>
#include <axle/mapping.hpp>

#include <array>
#include <numeric>
#include <type_traits>

using namespace axle;
using namespace axle::axes;

// One group.
using torch_conv_transpose2d = layout<I, O, flipped<H>, flipped<W>>;
using equinox_conv_transpose2d = layout<O, I, H, W>;
// Any number of groups.
using torch_conv_transpose2d_grouped = layout<merged<G, I>, O, flipped<H>, flipped<W>>;
using equinox_conv_transpose2d_grouped = layout<merged<G, O>, I, H, W>;
// The forward convolution both frameworks share.
using conv2d_grouped = layout<merged<G, O>, I, H, W>;

// What the compiler proves before the program runs.
using port = plan_t<torch_conv_transpose2d, equinox_conv_transpose2d>;
static_assert(std::is_same_v<port, plan<swap<O, I>, flip<H, W>>>, "one group: swap the channels, flip the kernel");
static_assert(std::is_same_v<apply_t<port, torch_conv_transpose2d>, equinox_conv_transpose2d>);
static_assert(std::is_same_v<inverse_t<port>, plan_t<equinox_conv_transpose2d, torch_conv_transpose2d>>);

using grouped_port = plan_t<torch_conv_transpose2d_grouped, equinox_conv_transpose2d_grouped>;
static_assert(std::is_same_v<grouped_port, plan<split<merged<G, I>, G, I>, swap<O, I>, flip<H, W>, merge<merged<G, O>, G, O>>>,
              "with groups the swap happens inside each group");

// PyTorch's transposed convolution is the adjoint of its convolution; Equinox's is not.
static_assert(std::is_same_v<adjoint_t<conv2d_grouped>, torch_conv_transpose2d_grouped>);
static_assert(!std::is_same_v<adjoint_t<conv2d_grouped>, equinox_conv_transpose2d_grouped>);

// The same facts, from the catalogue, where every framework's op is described once with its source.
static_assert(std::is_same_v<op_plan_t<torch::conv_transpose2d, equinox::conv_transpose2d>, port>);
static_assert(std::is_same_v<op_plan_t<torch::conv_transpose2d, equinox::conv_transpose2d, grouped>, grouped_port>);
static_assert(is_adjoint_pair_v<torch::conv2d, torch::conv_transpose2d>);
static_assert(!is_adjoint_pair_v<equinox::conv2d, equinox::conv_transpose2d>);
// Haiku and Keras store transposed kernels of the same shape; they still differ by a flip.
static_assert(std::is_same_v<op_plan_t<haiku::conv2d_transpose, keras::conv2d_transpose>, plan<flip<H, W>>>);

// Handing a PyTorch weight to code that expects Equinox's layout does not compile; uncomment
// to see `layout_mismatch<expected<O, I, H, W>, got<I, O, flipped<H>, flipped<W>>, fix<...>>`.
// static_assert(expect_layout<equinox_conv_transpose2d, torch_conv_transpose2d>);

int main() {
  fmt::print("PyTorch ConvTranspose2d weight   {}\n", torch_conv_transpose2d{});
  fmt::print("Equinox ConvTranspose2d weight   {}\n", equinox_conv_transpose2d{});
  fmt::print("plan                             {}\n", port{});
  fmt::print("NumPy                            {}\n", code<torch_conv_transpose2d, equinox_conv_transpose2d>(dialect::numpy));
  fmt::print("PyTorch                          {}\n", code<torch_conv_transpose2d, equinox_conv_transpose2d>(dialect::torch));
  fmt::print("Haiku -> Keras, same shapes      {}\n\n", op_plan_t<haiku::conv2d_transpose, keras::conv2d_transpose>{});

  fmt::print("with groups                      {} -> {}\n", torch_conv_transpose2d_grouped{}, equinox_conv_transpose2d_grouped{});
  fmt::print("plan                             {}\n", grouped_port{});
  fmt::print("NumPy (G = number of groups)\n{}\n",
             code<torch_conv_transpose2d_grouped, equinox_conv_transpose2d_grouped>(dialect::numpy));

  // The same plan on a buffer: where each element of a (4, 2, 3, 3) PyTorch weight with two
  // groups lands in the Equinox weight.
  const value::derivation p = value::derive(value::of<torch_conv_transpose2d_grouped>(), value::of<equinox_conv_transpose2d_grouped>());
  const std::array<index_t, 4> shape{4, 2, 3, 3};
  const std::array<axis_size, 1> groups{{{"G", 2}}};
  const axle::strided_map m = axle::map_plan(p, shape, groups);
  std::array<int, 72> torch_weight{};
  std::iota(torch_weight.begin(), torch_weight.end(), 0);
  std::array<int, 72> equinox_weight{};
  axle::copy_by_index(m, torch_weight.data(), equinox_weight.data());
  fmt::print("a (4, 2, 3, 3) PyTorch weight with G = 2 becomes a ({}) Equinox weight; its first kernel:\n",
             fmt::join(m.target_shape, ", "));
  for (int r = 0; r < 3; ++r) fmt::print("    {}\n", fmt::join(&equinox_weight[3 * r], &equinox_weight[3 * r + 3], " "));
}
