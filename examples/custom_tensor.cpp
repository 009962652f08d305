// Adapting your own tensor class: specialise axle::tensor_traits once, then axle::view<L>(x) is a
// typed, checked view of it, with element access by axis, plan views and conversions.
//
// The class below is what many code bases have: a buffer, a shape and NumPy-style strides (here
// in elements), so that a transpose is a view. axle needs three things from it: where element
// (0, ..., 0) is, the shape, and, optionally, the strides.
#include <axle/adapt.hpp>
#include <axle/convert.hpp>
#include <axle/format.hpp>
#include <axle/view.hpp>

#include <memory>
#include <numeric>
#include <stdexcept>
#include <utility>
#include <vector>

namespace mylib {

/// A strided n-d array owning its elements (shared by its transposed views).
template <class T>
class ndarray {
 public:
  explicit ndarray(std::vector<long> shape) : shape_(std::move(shape)), strides_(shape_.size()) {
    long n = 1;
    for (std::size_t k = shape_.size(); k-- > 0;) {
      strides_[k] = n;
      n *= shape_[k];
    }
    storage_ = std::make_shared<std::vector<T>>(static_cast<std::size_t>(n));
    data_ = storage_->data();
  }
  /// Axes a and b exchanged: a view of the same elements.
  [[nodiscard]] ndarray swapaxes(std::size_t a, std::size_t b) const {
    ndarray r = *this;
    std::swap(r.shape_[a], r.shape_[b]);
    std::swap(r.strides_[a], r.strides_[b]);
    return r;
  }
  T* data() { return data_; }
  const T* data() const { return data_; }
  const std::vector<long>& shape() const { return shape_; }
  const std::vector<long>& strides() const { return strides_; }
  std::vector<T>& storage() { return *storage_; }

 private:
  std::shared_ptr<std::vector<T>> storage_;
  T* data_ = nullptr;
  std::vector<long> shape_;
  std::vector<long> strides_;  // in elements
};

}  // namespace mylib

// The customization point: one specialisation for every element type.
template <class T>
struct axle::tensor_traits<mylib::ndarray<T>> {
  static T* data(mylib::ndarray<T>& a) { return a.data(); }
  static const T* data(const mylib::ndarray<T>& a) { return a.data(); }
  static const std::vector<long>& shape(const mylib::ndarray<T>& a) { return a.shape(); }
  static const std::vector<long>& strides(const mylib::ndarray<T>& a) { return a.strides(); }
};

using namespace axle::axes;
using conv2d_weight = axle::layout<O, I, H, W>;          // what this array holds
using grouped_weight = axle::layout<axle::merged<G, O>, I, H, W>;

int main() {
  mylib::ndarray<float> w({8, 3, 3, 3});
  std::iota(w.storage().begin(), w.storage().end(), 0.0f);

  // A typed view: the shape is checked against the layout where the view is made.
  const auto v = axle::view<conv2d_weight>(w);
  fmt::print("view of a {} array as {}: element (O=5, I=2, H=1, W=0) = {}\n", fmt::join(w.shape(), "x"), conv2d_weight{},
             v(O{5}, I{2}, H{1}, W{0}));

  // The array's own strides travel with it: its transpose is (I, O, H, W), and by axis it reads
  // the same elements.
  // (A temporary array would not do: its view would dangle, and axle::view rejects it.)
  mylib::ndarray<float> transposed = w.swapaxes(0, 1);
  const auto t = axle::view<axle::layout<I, O, H, W>>(transposed);
  fmt::print("its transpose as {}: the same element = {}\n", axle::layout<I, O, H, W>{}, t(O{5}, I{2}, H{1}, W{0}));

  // Sizes a shape cannot tell are given where the view is made: the 8 output channels are 2 groups.
  const auto g = axle::view<grouped_weight>(w, axle::axis_size{"G", 2});
  fmt::print("as {} with G = 2: group 1, channel 1 = output channel {}: {}\n", grouped_weight{}, g.extent(O{}) + 1,
             g(G{1}, O{1}, I{2}, H{1}, W{0}));

  // Anything axle does with a view works on it: a zero-copy plan view, a materialised conversion.
  const auto hwio = axle::convert<axle::layout<H, W, I, O>>(v);
  fmt::print("converted to {}: (H=1, W=0, I=2, O=5) = {}\n", axle::layout<H, W, I, O>{}, hwio(1, 0, 2, 5));
  const auto flipped = axle::layout_cast<axle::layout<O, I, axle::flipped<H>, axle::flipped<W>>>(v);
  fmt::print("seen as {} (no copy): storage index (5, 2, 1, 2) = {}\n", decltype(flipped)::layout(), flipped(5, 2, 1, 2));

  // A shape that cannot be the layout's is an error naming both.
  try {
    mylib::ndarray<float> bad({8, 3, 3});
    static_cast<void>(axle::view<conv2d_weight>(bad));
  } catch (const axle::shape_error& e) {
    fmt::print("mylib::ndarray of shape (8, 3, 3): {}\n", e.what());
  }
  try {
    static_cast<void>(axle::view<grouped_weight>(w, axle::axis_size{"G", 3}));
  } catch (const axle::shape_error& e) {
    fmt::print("with G = 3: {}\n", e.what());
  }
  return v(O{5}, I{2}, H{1}, W{0}) == t(O{5}, I{2}, H{1}, W{0}) && hwio(1, 0, 2, 5) == v(5, 2, 1, 0) ? 0 : 1;
}
