// Prints, for a set of conversions, the code axle renders and the C++ conversion of an index
// tensor; check_numpy.py executes the code with NumPy (and PyTorch when importable) on the
// same index tensor and compares element by element.
#include <axle/axle.hpp>
#include <axle/codegen.hpp>
#include <axle/mapping.hpp>

#include <cstdio>
#include <numeric>
#include <string>
#include <vector>

namespace {

using namespace axle;
using namespace axle::axes;

struct gate : axis<"gate", axis_kind::block> {};
struct heads : axis<"heads"> {};
struct seq : axis<"seq"> {};
struct feature : axis<"feature"> {};

template <class From, class To>
void emit(const char* name, std::vector<index_t> shape, std::vector<axis_size> known = {}) {
  const axle::value::derivation& p = detail::derivation<From, To>::value;
  const axle::strided_map m = axle::map_plan(p, shape, known);
  std::vector<long long> src(static_cast<std::size_t>(m.size()));
  std::iota(src.begin(), src.end(), 0LL);
  std::vector<long long> dst(src.size());
  axle::copy_by_index(m, src.data(), dst.data());
  std::printf("case %s\nfrom %s\nto %s\nshape", name, to_string(From{}).c_str(), to_string(To{}).c_str());
  for (index_t x : shape) std::printf(" %td", x);
  std::printf("\nvars");
  for (const axis_size& k : known) std::printf(" %.*s=%td", static_cast<int>(k.axis.size()), k.axis.data(), k.extent);
  std::printf("\nresult_shape");
  for (index_t x : m.target_shape) std::printf(" %td", x);
  for (dialect d : {dialect::numpy, dialect::torch}) {
    std::printf("\n%s\n%s\nend", d == dialect::numpy ? "numpy" : "torch", code<From, To>(d).c_str());
  }
  std::printf("\nresult");
  for (long long v : dst) std::printf(" %lld", v);
  std::printf("\n");
}

}  // namespace

int main() {
  emit<layout<I, O, flipped<H>, flipped<W>>, layout<O, I, H, W>>("torch_convT_to_equinox", {4, 6, 3, 2});
  emit<layout<merged<G, I>, O, flipped<H>, flipped<W>>, layout<merged<G, O>, I, H, W>>("grouped_convT_to_equinox", {6, 2, 3, 3},
                                                                                        {{"G", 3}});
  emit<layout<merged<G, O>, I, H, W>, layout<H, W, I, merged<G, O>>>("torch_conv_to_tf", {6, 2, 3, 5}, {{"G", 2}});
  emit<layout<merged<G, O>, I, D, H, W>, layout<G, O, I, flipped<D>, W, flipped<H>>>("conv3d_grouped_flipped", {4, 3, 2, 3, 2},
                                                                                     {{"G", 2}});
  emit<layout<merged<G, M>, unit<I>, H, W>, layout<H, W, G, M>>("depthwise_torch_to_tf", {6, 1, 3, 3}, {{"G", 3}});
  emit<layout<H, W, G, M>, layout<unit<I>, H, W, merged<G, M>>>("depthwise_tf_to_tflite", {3, 2, 4, 2});
  emit<layout<merged<labels<gate, "i,f,g,o">, O>, I>, layout<merged<labels<gate, "i,o,f,g">, O>, I>>("lstm_torch_to_onnx", {12, 5});
  emit<layout<merged<labels<gate, "i,f,g,o">, O>, I>, layout<I, merged<labels<gate, "i,f,o,g">, O>>>("lstm_torch_to_coreml_t", {8, 3});
  emit<layout<O, I, H, W>, layout<outer<O, 16>, outer<I, 16>, H, W, inner<I, 16>, inner<O, 16>>>("oihw_to_OIhw16i16o", {32, 16, 3, 3});
  emit<layout<outer<O, 16>, outer<I, 16>, H, W, inner<I, 16>, inner<O, 16>>,
       layout<outer<O, 16>, outer<I, 16>, H, W, inner<I, 4, 4>, inner<O, 16>, inner<I, 4>>>("OIhw16i16o_to_OIhw4i16o4i",
                                                                                          {1, 2, 1, 2, 16, 16});
  emit<layout<N, heads, seq, feature>, layout<N, seq, heads, feature>>("attention_bhsd_to_bshd", {2, 3, 4, 5});
  emit<layout<flipped<H>, flipped<W>, O, I>, layout<I, O, flipped<H>, flipped<W>>>("keras_convT_to_torch", {3, 3, 2, 4});
  emit<layout<O, I>, layout<O, I>>("identity", {3, 2});
}
