// A consumer's program touching the main templates of every part of axle, so that their
// instantiations are compiled under the consumer's warning flags too (package.strict_headers
// compiles it with -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Werror,
// together with a translation unit that includes every public header).
#include <axle/axle.hpp>
#include <axle/catalogue.hpp>
#include <axle/codegen.hpp>
#include <axle/convert.hpp>
#include <axle/eigen.hpp>
#include <axle/format.hpp>
#include <axle/hana.hpp>
#include <axle/mapping.hpp>
#include <axle/npy.hpp>
#include <axle/reference/conv.hpp>
#include <axle/value.hpp>
#include <axle/view.hpp>

#include <array>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

using namespace axle;
using namespace axle::axes;

namespace {

struct gate : axis<"gate", axis_kind::block> {};

using torch_grouped = layout<merged<G, I>, O, flipped<H>, flipped<W>>;
using equinox_grouped = layout<merged<G, O>, I, H, W>;
using blocked = layout<outer<O, 4>, I, H, W, inner<O, 4>>;
using torch_lstm = layout<merged<labels<gate, "i,f,g,o">, O>, I>;
using onnx_lstm = layout<merged<labels<gate, "i,o,f,g">, O>, I>;

float sum(tensor_view<const float, layout<O, I, H, W>> k) {
  float s = 0;
  for (index_t o = 0; o < k.extent(O{}); ++o)
    for (index_t i = 0; i < k.extent(I{}); ++i)
      for (index_t h = 0; h < k.extent(H{}); ++h)
        for (index_t w = 0; w < k.extent(W{}); ++w) s += k(W{w}, H{h}, I{i}, O{o});
  return s;
}

}  // namespace

int main() {
  std::vector<float> w(4 * 2 * 3 * 3);
  std::iota(w.begin(), w.end(), 0.0f);
  const tensor_view<const float, torch_grouped> torch_weight(w, {4, 2, 3, 3}, axis_size{"G", 2});
  const tensor<float, equinox_grouped> equinox_weight = convert<equinox_grouped>(torch_weight);
  tensor<float, blocked> b = convert<blocked>(convert<layout<O, I, H, W>>(layout_cast<layout<I, O, flipped<H>, flipped<W>>>(
      tensor_view<const float, layout<O, I, H, W>>(w, {4, 2, 3, 3}))));
  std::vector<float> lstm(4 * 3 * 2);
  const tensor<float, onnx_lstm> gates = convert<onnx_lstm>(tensor_view<const float, torch_lstm>(lstm, {12, 2}));

  const value::derivation d = value::derive(value::of<torch_grouped>(), value::of<equinox_grouped>());
  const strided_map m = map_plan(d, std::array<index_t, 4>{4, 2, 3, 3}, std::array<axis_size, 1>{{{"G", 2}}});
  std::vector<float> out(w.size());
  materialize(m, w.data(), out.data());
  copy_by_index(m, w.data(), out.data());

  std::string text = to_string(plan_t<torch_grouped, equinox_grouped>{}) + to_string(torch_grouped{});
  text += fmt::format("{} {}", plan_t<torch_grouped, equinox_grouped>{}, blocked{});
  text += code<torch_grouped, equinox_grouped>(dialect::numpy) + code(d, dialect::torch);
  for (const catalogue::entry_info& e : catalogue::entries()) text += e.name;
  if (const catalogue::entry_info* e = catalogue::find("torch.conv_transpose2d", 2)) text += e->name;

  reference::conv_geometry g;
  g.in_channels = 2;
  g.out_channels = 2;
  g.in = {3, 3, 1};
  g.kernel = {2, 2, 1};
  std::vector<float> x(2 * 3 * 3), k(2 * 2 * 2 * 2), y(2 * 2 * 2);
  reference::conv_forward(x.data(), k.data(), y.data(), g);

  npy::array a;
  a.shape = {2, 3};
  a.data.resize(6 * sizeof(float));
  std::stringstream file;
  npy::write(file, a);
  const npy::array back = npy::read(file, "memory");

  Eigen::Tensor<float, 4, Eigen::RowMajor> e(4, 2, 3, 3);
  e.setZero();
  const auto ev = view<layout<O, I, H, W>>(e);
  const auto em = eigen::tensor_map(equinox_weight.view());

  const auto transformed = boost::hana::transform(layout<O, I, H, W>{}, [](auto t) { return t; });
  static_cast<void>(transformed);

  return static_cast<int>(sum(ev) + em(0, 0, 0, 0) + b.view()(O{1}, I{1}, H{0}, W{0}) + gates.view()(0, 0) +
                          static_cast<float>(text.size() + back.shape.size()) + y[0]) == -1;
}
