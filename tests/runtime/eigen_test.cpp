// The Eigen adapters: Tensor (ColMajor and RowMajor), TensorMap, Matrix as typed views, and
// eigen::tensor_map back. An Eigen dimension is a storage dimension; the storage order only
// changes strides.
#define BOOST_TEST_MODULE eigen
#include <boost/test/unit_test.hpp>

#include <axle/convert.hpp>
#include <axle/eigen.hpp>

#include <numeric>
#include <type_traits>

using namespace axle;
using namespace axle::axes;

namespace {
using oihw = layout<O, I, H, W>;
using hwio = layout<H, W, I, O>;
using torch_grouped_transpose = layout<merged<G, I>, O, flipped<H>, flipped<W>>;
}  // namespace

BOOST_AUTO_TEST_CASE(tensor_in_both_storage_orders) {
  Eigen::Tensor<float, 4> col(4, 3, 2, 5);  // Eigen's default: ColMajor
  col.setRandom();
  Eigen::Tensor<float, 4, Eigen::RowMajor> row = col.swap_layout().shuffle(Eigen::array<int, 4>{3, 2, 1, 0});
  const auto c = axle::view<oihw>(col);
  const auto r = axle::view<oihw>(row);
  static_assert(std::is_same_v<std::remove_const_t<decltype(c)>, tensor_view<float, oihw>>);
  BOOST_TEST(!c.is_contiguous());
  BOOST_TEST(r.is_contiguous());
  BOOST_TEST((c.strides() == std::array<index_t, 4>{1, 4, 12, 24}));
  for (index_t o = 0; o < 4; ++o)
    for (index_t i = 0; i < 3; ++i)
      for (index_t h = 0; h < 2; ++h)
        for (index_t w = 0; w < 5; ++w) {
          BOOST_TEST(c(O{o}, I{i}, H{h}, W{w}) == col(o, i, h, w));
          BOOST_TEST(r(O{o}, I{i}, H{h}, W{w}) == col(o, i, h, w));
        }
  // A column-major Eigen tensor converts like any strided view.
  const tensor<float, hwio> t = convert<hwio>(c);
  BOOST_TEST(t(O{3}, I{2}, H{1}, W{4}) == col(3, 2, 1, 4));
  const tensor<float, hwio> u = convert<hwio>(r);
  BOOST_TEST(std::equal(t.begin(), t.end(), u.begin(), u.end()));
}

BOOST_AUTO_TEST_CASE(merged_dimensions_and_axis_sizes) {
  Eigen::Tensor<int, 4> w(4, 3, 2, 2);  // ((G, I), O, H~, W~) with G = 2, column-major
  for (Eigen::Index k = 0; k < w.size(); ++k) w.data()[k] = static_cast<int>(k);
  const auto v = axle::view<torch_grouped_transpose>(w, axis_size{"G", 2});
  BOOST_TEST(v.extent(G{}) == 2);
  BOOST_TEST(v.extent(I{}) == 2);
  for (index_t g = 0; g < 2; ++g)
    for (index_t i = 0; i < 2; ++i)
      for (index_t o = 0; o < 3; ++o) BOOST_TEST(v(G{g}, I{i}, O{o}, H{0}, W{0}) == w(g * 2 + i, o, 1, 1));
  BOOST_CHECK_THROW(static_cast<void>(axle::view<torch_grouped_transpose>(w)), shape_error);
  BOOST_CHECK_THROW(static_cast<void>(axle::view<layout<O, I, H>>(Eigen::TensorMap<Eigen::Tensor<int, 4>>(w.data(), 4, 3, 2, 2))), shape_error);
}

BOOST_AUTO_TEST_CASE(tensor_map_and_const) {
  Eigen::Tensor<double, 2, Eigen::RowMajor> m(3, 4);
  m.setRandom();
  // A map is a view type: a temporary map may be viewed.
  const auto v = axle::view<layout<O, I>>(Eigen::TensorMap<Eigen::Tensor<double, 2, Eigen::RowMajor>>(m.data(), 3, 4));
  BOOST_TEST(v(O{2}, I{3}) == m(2, 3));
  const Eigen::Tensor<double, 2, Eigen::RowMajor>& cm = m;
  const auto cv = axle::view<layout<O, I>>(cm);
  static_assert(std::is_same_v<std::remove_const_t<decltype(cv)>, tensor_view<const double, layout<O, I>>>);
  const auto mv = axle::view<layout<O, I>>(Eigen::TensorMap<const Eigen::Tensor<double, 2, Eigen::RowMajor>>(m.data(), 3, 4));
  static_assert(std::is_same_v<std::remove_const_t<decltype(mv)>, tensor_view<const double, layout<O, I>>>);
  BOOST_TEST(mv(O{1}, I{1}) == m(1, 1));
}

BOOST_AUTO_TEST_CASE(matrices) {
  Eigen::MatrixXf col(3, 4);  // (out, in), column-major
  col.setRandom();
  Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> row = col;
  const auto a = axle::view<layout<O, I>>(col);
  const auto b = axle::view<layout<O, I>>(row);
  for (index_t o = 0; o < 3; ++o)
    for (index_t i = 0; i < 4; ++i) {
      BOOST_TEST(a(O{o}, I{i}) == col(o, i));
      BOOST_TEST(b(O{o}, I{i}) == col(o, i));
    }
  // (out, in) -> (in, out): the transpose, materialised.
  const tensor<float, layout<I, O>> t = convert<layout<I, O>>(a);
  BOOST_TEST(t(1, 2) == col(2, 1));
}

BOOST_AUTO_TEST_CASE(back_to_eigen) {
  tensor<float, hwio> t({3, 3, 2, 4});
  std::iota(t.begin(), t.end(), 0.0f);
  auto m = eigen::tensor_map(t);
  static_assert(static_cast<int>(decltype(m)::Layout) == static_cast<int>(Eigen::RowMajor));
  BOOST_TEST(m.dimension(3) == 4);
  BOOST_TEST(m(2, 1, 1, 3) == t(2, 1, 1, 3));
  m(0, 0, 0, 0) = -1.0f;
  BOOST_TEST(t(H{0}, W{0}, I{0}, O{0}) == -1.0f);
  const tensor<float, hwio>& ct = t;
  auto cm = eigen::tensor_map(ct);
  static_assert(std::is_const_v<std::remove_pointer_t<decltype(cm.data())>>);
  // A plan view is not contiguous: convert it first.
  BOOST_CHECK_THROW(static_cast<void>(eigen::tensor_map(layout_cast<oihw>(t))), shape_error);
  const tensor<float, oihw> o = convert<oihw>(t);
  auto om = eigen::tensor_map(o);
  BOOST_TEST(om(3, 1, 2, 0) == t(O{3}, I{1}, H{2}, W{0}));
}
