// axle — the customization point: any tensor type seen as a typed view.
//
// Specialise axle::tensor_traits for your type, then `axle::view<L>(x)` is a tensor_view<T, L>
// of its elements, checked against L where it is made (axle::shape_error):
//
//     template <>
//     struct axle::tensor_traits<my::ndarray> {
//       static float* data(my::ndarray& a) { return a.data(); }              // required
//       static const float* data(const my::ndarray& a) { return a.data(); }  // for const arrays
//       static std::span<const long> shape(const my::ndarray& a) { return a.dims(); }  // required
//       static std::span<const long> strides(const my::ndarray& a) { return a.steps(); }  // optional
//       static constexpr bool borrowed = false;  // optional: true for non-owning types
//     };
//
//     auto w = axle::view<torch_conv2d>(arr);                           // tensor_view<float, ...>
//     auto g = axle::view<torch_conv2d_grouped>(arr, axle::axis_size{"G", 2});
//
//   data(x)     the element at index (0, ..., 0); its pointee type is the view's element type, so
//               a const object (or a data() returning const T*) gives a view of const elements.
//   shape(x)    one extent per storage dimension of L, outermost first (any sized range of
//               integers). Sizes a shape cannot tell (G of a merged (G, O)) are passed to view().
//   strides(x)  optional, one per storage dimension, signed, in elements (not bytes). Without it
//               the storage is contiguous and row-major (C order), and view() returns a
//               contiguous_view (which converts implicitly to tensor_view). A merged dimension is
//               strided as a whole: its atoms are contiguous inside it.
//   borrowed    optional; when true, view() also accepts a temporary (a map or view type).
//
// <axle/eigen.hpp> specialises it for Eigen::Tensor, Eigen::TensorMap and Eigen::Matrix.
#pragma once

#include <array>
#include <cstddef>
#include <iterator>
#include <ranges>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "detail/checked.hpp"
#include "detail/text.hpp"
#include "errors.hpp"
#include "mapping.hpp"
#include "view.hpp"

namespace axle {

/// Specialise for a tensor type to make `axle::view<L>(x)` work (see the header).
template <class T>
struct tensor_traits;

namespace detail {

template <class U>
using traits_of = tensor_traits<std::remove_cvref_t<U>>;

template <class R>
concept extent_range =
    std::ranges::sized_range<R> && std::integral<std::remove_cvref_t<std::ranges::range_reference_t<R>>>;

template <class U>
concept has_strides = requires(const U& u) {
  { traits_of<U>::strides(u) } -> extent_range;
};

template <class U>
constexpr bool borrowed_tensor() noexcept {
  if constexpr (requires { traits_of<U>::borrowed; })
    return traits_of<U>::borrowed;
  else
    return false;
}

/// The integers of `r` as index_t; axle::shape_error naming `what` when one does not fit.
template <class R>
std::vector<index_t> to_index_vector(const R& r, const char* what) {
  std::vector<index_t> v;
  v.reserve(static_cast<std::size_t>(std::ranges::size(r)));
  for (auto x : r) {
    const auto i = checked_cast<index_t>(x);
    if (!i)
      throw shape_error(std::string("axle::view: ") + what + " " + int_text(x) +
                        " does not fit in a signed 64-bit integer");
    v.push_back(*i);
  }
  return v;
}

/// Per-atom strides from per-storage-dimension strides: inside a merged dimension the atoms are
/// contiguous, the innermost taking the dimension's stride.
template <class L, std::size_t N>
std::array<index_t, N> atom_strides(std::span<const index_t> entry_strides, const std::array<index_t, N>& extent) {
  const value::layout& d = desc_of<L>::value;
  if (entry_strides.size() != static_cast<std::size_t>(d.nentries))
    throw shape_error("axle::view: " + detail::int_text(entry_strides.size()) + " strides for layout " + to_string(d) +
                      " of " + detail::int_text(d.nentries) + " dimensions");
  bool empty = false;
  for (const index_t x : extent) empty = empty || x == 0;
  std::array<index_t, N> s{};
  for (int e = 0; e < d.nentries; ++e) {
    index_t stride = entry_strides[static_cast<std::size_t>(e)];
    for (int k = d.entry_begin[e + 1] - 1; k >= d.entry_begin[e]; --k) {
      const auto i = static_cast<std::size_t>(k);
      s[i] = stride;
      if (k == d.entry_begin[e]) break;
      // The stride of the next atom out. When it does not fit it must not matter: the view is
      // empty, or that atom has one element.
      const auto next = checked_mul(stride, extent[i]);
      if (!next && !empty && extent[i - 1] > 1)
        throw shape_error("axle::view: dimension " + int_text(e) + " of stride " +
                          int_text(entry_strides[static_cast<std::size_t>(e)]) + " of layout " + to_string(d) +
                          " reaches offsets that do not fit in a signed 64-bit integer");
      stride = next ? *next : 0;
    }
  }
  return s;
}

}  // namespace detail

/// A type tensor_traits is specialised for.
template <class U>
concept adaptable_tensor = requires(U& u) {
  { detail::traits_of<U>::data(u) } -> std::convertible_to<const volatile void*>;
  requires std::is_pointer_v<decltype(detail::traits_of<U>::data(u))>;
  { detail::traits_of<U>::shape(std::as_const(u)) } -> detail::extent_range;
};

/// `x` seen as a tensor_view of layout L: its storage dimensions are L's, outermost first.
template <layout_type L, adaptable_tensor U>
[[nodiscard]] auto view(U&& x, std::span<const axis_size> known) {
  static_assert(
      std::is_lvalue_reference_v<U> || detail::borrowed_tensor<U>(),
      "axle::view: a view of a temporary tensor would dangle (set tensor_traits<...>::borrowed for view types)");
  using traits = detail::traits_of<U>;
  auto* data = traits::data(x);
  using T = std::remove_pointer_t<decltype(data)>;
  const std::vector<index_t> shape = detail::to_index_vector(traits::shape(std::as_const(x)), "extent");
  const contiguous_view<T, L> contiguous(data, std::span<const index_t>(shape), known);
  if constexpr (detail::has_strides<U>) {
    const std::vector<index_t> strides = detail::to_index_vector(traits::strides(std::as_const(x)), "stride");
    std::array<index_t, contiguous_view<T, L>::atom_count()> extent{};
    for (std::size_t k = 0; k < extent.size(); ++k) extent[k] = contiguous.extent(k);
    return tensor_view<T, L>(data, contiguous.extents(), detail::atom_strides<L>(strides, extent));
  } else {
    return contiguous;
  }
}
template <layout_type L, adaptable_tensor U, std::same_as<axis_size>... Known>
[[nodiscard]] auto view(U&& x, Known... known) {
  const std::array<axis_size, sizeof...(Known)> k{known...};
  return view<L>(std::forward<U>(x), std::span<const axis_size>(k));
}

}  // namespace axle
