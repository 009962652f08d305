// axle — Eigen adapters (CMake target axle::eigen).
//
//     Eigen::Tensor<float, 4> w(16, 8, 3, 3);                     // Eigen's default: column-major
//     auto v = axle::view<axle::layout<O, I, H, W>>(w);           // tensor_view<float, (O, I, H, W)>
//     float x = v(O{3}, I{1}, H{0}, W{2});                        // == w(3, 1, 0, 2)
//     auto t = axle::convert<hwio>(v);                            // contiguous tensor<float, hwio>
//     auto m = axle::eigen::tensor_map(t);                        // Eigen::TensorMap, row-major
//
// Eigen::Tensor, Eigen::TensorMap and Eigen::Matrix get axle::tensor_traits (<axle/adapt.hpp>):
// an Eigen dimension k is storage dimension k of the layout, in both storage orders — RowMajor
// and ColMajor only change the strides the view is given, never which axis a dimension holds. So
// `view<L>(x)` means "x(i0, i1, ...) is the element at storage index (i0, i1, ...) of L", the
// same as Eigen's own indexing. A TensorMap is a view type: a temporary may be viewed.
//
// eigen::tensor_map(v) is the way back for a contiguous view or tensor: an Eigen::TensorMap of
// rank L::rank over the same elements, RowMajor (a non-contiguous view throws axle::shape_error;
// convert it first).
#pragma once

#include <array>
#include <cstddef>
#include <type_traits>

#include "adapt.hpp"
#include "mapping.hpp"
#include "view.hpp"

#if __has_include(<unsupported/Eigen/CXX11/Tensor>)
#include <unsupported/Eigen/CXX11/Tensor>
#else  // Debian and others install Eigen under <prefix>/include/eigen3
#include <eigen3/unsupported/Eigen/CXX11/Tensor>
#endif

namespace axle {
namespace detail {

/// Strides in elements of an Eigen object of the given dimensions.
template <std::size_t N>
constexpr std::array<index_t, N> eigen_strides(const std::array<index_t, N>& dims, bool row_major) noexcept {
  std::array<index_t, N> s{};
  index_t n = 1;
  if (row_major) {
    for (std::size_t k = N; k-- > 0;) {
      s[k] = n;
      n *= dims[k];
    }
  } else {
    for (std::size_t k = 0; k < N; ++k) {
      s[k] = n;
      n *= dims[k];
    }
  }
  return s;
}

template <class E, std::size_t N>
std::array<index_t, N> eigen_dimensions(const E& x) {
  std::array<index_t, N> d{};
  for (std::size_t k = 0; k < N; ++k) d[k] = static_cast<index_t>(x.dimensions()[k]);
  return d;
}

}  // namespace detail

template <class Scalar, int N, int Options, class Index>
struct tensor_traits<Eigen::Tensor<Scalar, N, Options, Index>> {
  using type = Eigen::Tensor<Scalar, N, Options, Index>;
  static constexpr std::size_t rank = static_cast<std::size_t>(N);
  static constexpr bool row_major = (Options & Eigen::RowMajor) != 0;
  static Scalar* data(type& t) noexcept { return t.data(); }
  static const Scalar* data(const type& t) noexcept { return t.data(); }
  static std::array<index_t, rank> shape(const type& t) { return detail::eigen_dimensions<type, rank>(t); }
  static std::array<index_t, rank> strides(const type& t) { return detail::eigen_strides(shape(t), row_major); }
};

template <class Plain, int MapOptions, template <class> class MakePointer>
struct tensor_traits<Eigen::TensorMap<Plain, MapOptions, MakePointer>> {
  using type = Eigen::TensorMap<Plain, MapOptions, MakePointer>;
  static constexpr std::size_t rank = static_cast<std::size_t>(std::remove_const_t<Plain>::NumIndices);
  static constexpr bool row_major = static_cast<int>(std::remove_const_t<Plain>::Layout) == static_cast<int>(Eigen::RowMajor);
  static constexpr bool borrowed = true;
  /// A map of a const tensor gives const elements; the map's own constness does not matter.
  static auto data(const type& t) noexcept { return t.data(); }
  static std::array<index_t, rank> shape(const type& t) { return detail::eigen_dimensions<type, rank>(t); }
  static std::array<index_t, rank> strides(const type& t) { return detail::eigen_strides(shape(t), row_major); }
};

template <class Scalar, int Rows, int Cols, int Options, int MaxRows, int MaxCols>
struct tensor_traits<Eigen::Matrix<Scalar, Rows, Cols, Options, MaxRows, MaxCols>> {
  using type = Eigen::Matrix<Scalar, Rows, Cols, Options, MaxRows, MaxCols>;
  static Scalar* data(type& m) noexcept { return m.data(); }
  static const Scalar* data(const type& m) noexcept { return m.data(); }
  static std::array<index_t, 2> shape(const type& m) { return {static_cast<index_t>(m.rows()), static_cast<index_t>(m.cols())}; }
  static std::array<index_t, 2> strides(const type& m) {
    return {type::IsRowMajor ? static_cast<index_t>(m.cols()) : 1, type::IsRowMajor ? 1 : static_cast<index_t>(m.rows())};
  }
};

namespace eigen {

/// An Eigen::TensorMap (RowMajor, rank L::rank) over a contiguous view's elements.
template <class T, layout_type L, class E, class M>
[[nodiscard]] auto tensor_map(const tensor_view<T, L, E, M>& v) {
  using plain = Eigen::Tensor<std::remove_const_t<T>, static_cast<int>(L::rank), Eigen::RowMajor, Eigen::DenseIndex>;
  using map = Eigen::TensorMap<std::conditional_t<std::is_const_v<T>, const plain, plain>>;
  if (!v.is_contiguous())
    throw shape_error("axle::eigen::tensor_map: the view of layout " + to_string(L{}) +
                      " is not contiguous (a plan view?); convert it first: axle::convert<L>(view)");
  std::array<Eigen::DenseIndex, L::rank> dims{};
  const auto shape = v.shape();
  for (std::size_t k = 0; k < L::rank; ++k) dims[k] = static_cast<Eigen::DenseIndex>(shape[k]);
  return map(v.data(), dims);
}
template <class T, layout_type L, class E>
[[nodiscard]] auto tensor_map(tensor<T, L, E>& t) {
  return tensor_map(t.view());
}
template <class T, layout_type L, class E>
[[nodiscard]] auto tensor_map(const tensor<T, L, E>& t) {
  return tensor_map(t.cview());
}
template <class T, layout_type L, class E>
void tensor_map(tensor<T, L, E>&&) = delete;  // would dangle

}  // namespace eigen
}  // namespace axle
