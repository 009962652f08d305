// axle — how a view finds its elements: the mapping policies `contiguous` and `strided`.
//
//     using M = axle::contiguous::mapping<axle::extents<axle::dynamic_extent, 4, 3, 3>>;
//     M m(axle::extents<axle::dynamic_extent, 4, 3, 3>(8));
//     m(7, 3, 2, 1);              // 7 * 36 + 3 * 9 + 2 * 3 + 1: the offset of that index
//     m.required_span_size();     // 288
//
// As std::mdspan's layout policies (layout_right, layout_stride): a policy is a type whose nested
// `mapping<Extents>` owns the extents (one per atom of a layout, outermost first) and turns one
// index per atom into an offset in elements from the element at index (0, ..., 0). A
// tensor_view<T, L, Extents, Policy> holds a pointer and a mapping and asks the mapping for every
// offset; everything a layout adds (axes by name, flips, blocks) happens before, in the view.
//
//   contiguous   row-major over the atoms; the strides are implied by the extents and cost
//                nothing to store. What a tensor's storage is, and what lets element access
//                compile to the code of hand-written C-order index arithmetic.
//   strided      one signed stride per atom, stored: permuted and reversed plan views, foreign
//                tensors with their own strides.
//
// A mapping's interface (both policies):
//   extents(), rank(), stride(k), strides()           the extents; the signed stride of atom k
//   operator()(i0, i1, ...)                           the offset of an index, one per atom
//   run_offset<First, Last>(i)                        the offset of a flat index over the atoms
//                                                     [First, Last] (a merged storage dimension)
//   required_span_size(), min_offset(), max_offset()  the elements between the lowest and the
//                                                     highest offset reached (0 when empty)
//   is_unique(), is_exhaustive(), is_contiguous()     no two indices share an element; the
//                                                     elements fill [min_offset, max_offset];
//                                                     they are that range in row-major order
//   is_always_unique() ... is_always_contiguous()     the same, for every mapping of the type
//
// Sizes are checked where a mapping is made, once, with <axle/detail/checked.hpp>: extents whose
// element count (NumPy's rule: the product of the non-zero extents) or strides whose offsets do
// not fit in a signed 64-bit integer throw axle::shape_error naming them. After that, no product
// of extents and no offset of an index inside them can overflow.
#pragma once

#include <array>
#include <cstddef>
#include <span>
#include <string>
#include <type_traits>
#include <utility>

#include "detail/checked.hpp"
#include "detail/text.hpp"
#include "errors.hpp"
#include "extents.hpp"

namespace axle {

/// Row-major storage over the atoms: strides implied by the extents.
struct contiguous {
  template <class Extents>
  class mapping;
};
/// One signed stride per atom, stored.
struct strided {
  template <class Extents>
  class mapping;
};

namespace detail {

[[noreturn]] inline void extents_do_not_fit(std::span<const index_t> ext) {
  throw shape_error(
      "extents " + tuple_text(ext) +
      " hold more elements than a signed 64-bit integer counts (the product of the non-zero extents must fit)");
}

/// Row-major strides of extents, checked (they fit when the extents' element count does).
template <std::size_t N>
constexpr std::array<index_t, N> row_major_strides(const std::array<index_t, N>& ext) {
  std::array<index_t, N> s{};
  if (!checked_row_major(ext, s)) extents_do_not_fit(ext);
  return s;
}

/// The product of the extents E::extent(K + 1) ... E::extent(rank - 1): the stride of atom K for
/// an index inside non-empty extents.
template <std::size_t K, class E>
constexpr index_t inner_product(const E& e) noexcept {
  return [&]<std::size_t... J>(std::index_sequence<J...>) {
    return (index_t{1} * ... * e.extent(K + 1 + J));
  }
  (std::make_index_sequence<E::rank() - K - 1>{});
}

template <class E, std::size_t... K>
constexpr bool static_extents_fit(std::index_sequence<K...>) noexcept {
  if constexpr (E::rank_dynamic() > 0) {
    return true;
  } else {
    const std::array<index_t, sizeof...(K)> e{E::static_extent(K)...};
    return checked_shape_size(e).has_value();
  }
}

}  // namespace detail

// --- contiguous --------------------------------------------------------------------------------

template <class Extents>
class contiguous::mapping {
  static_assert(is_extents_v<Extents>, "axle::contiguous::mapping<E>: E is axle::extents<...>");
  static_assert(
      detail::static_extents_fit<Extents>(std::make_index_sequence<Extents::rank()>{}),
      "axle::contiguous::mapping<E>: the static extents hold more elements than a signed 64-bit integer counts");
  static constexpr std::size_t n_ = Extents::rank();

 public:
  using extents_type = Extents;
  using index_type = index_t;
  using policy_type = contiguous;

  [[nodiscard]] static constexpr std::size_t rank() noexcept { return n_; }

  /// Dynamic extents are 0.
  constexpr mapping() noexcept = default;
  /// Throws axle::shape_error when the extents' element count does not fit.
  constexpr mapping(const extents_type& e) : ext_(e) {  // NOLINT(google-explicit-constructor): as std::layout_right
    if constexpr (Extents::rank_dynamic() > 0)
      if (!detail::checked_shape_size(e.values())) detail::extents_do_not_fit(e.values());
  }
  /// From another contiguous mapping whose extents convert (explicitly when a static extent is
  /// made from a dynamic one, checked).
  template <class F>
  requires(detail::extents_compatible_v<Extents, F>) constexpr explicit(!std::is_convertible_v<const F&, Extents>)
      mapping(const contiguous::mapping<F>& other)
      : ext_(other.extents()) {}
  /// From a strided mapping, explicitly: its strides must be row-major (axle::shape_error).
  template <class F>
  requires(detail::extents_compatible_v<Extents, F>) constexpr explicit mapping(const strided::mapping<F>& other)
      : ext_(other.extents()) {
    if (!other.is_contiguous())
      throw shape_error("a contiguous mapping made from strides " + detail::tuple_text(other.strides()) +
                        " for extents " + detail::tuple_text(other.extents().values()) + ", which are not row-major");
  }

  [[nodiscard]] constexpr const extents_type& extents() const noexcept { return ext_; }

  /// i0 * (e1 * e2 * ...) + i1 * (e2 * ...) + ...: the products of constant and loop-invariant
  /// extents, which the compiler hoists, as from hand-written C-order code (bench/access).
  template <class... I>
  requires(sizeof...(I) == n_) [[nodiscard]] constexpr index_t operator()(I... i) const noexcept {
    return [&]<std::size_t... K>(std::index_sequence<K...>) {
      return (index_t{0} + ... + (static_cast<index_t>(i) * detail::inner_product<K>(ext_)));
    }
    (std::make_index_sequence<n_>{});
  }
  /// A flat index over the atoms [First, Last], which are contiguous: one stride.
  template <std::size_t First, std::size_t Last>
  requires(First <= Last && Last < n_) [[nodiscard]] constexpr index_t run_offset(index_t i) const noexcept {
    return i * detail::inner_product<Last>(ext_);
  }

  /// The product of the non-zero extents inside atom k (NumPy's strides).
  [[nodiscard]] constexpr index_t stride(std::size_t k) const noexcept {
    index_t s = 1;
    for (std::size_t j = k + 1; j < n_; ++j)
      if (const index_t e = ext_.extent(j); e != 0) s *= e;
    return s;
  }
  [[nodiscard]] constexpr std::array<index_t, n_> strides() const noexcept {
    std::array<index_t, n_> s{};
    for (std::size_t k = 0; k < n_; ++k) s[k] = stride(k);
    return s;
  }

  [[nodiscard]] constexpr index_t required_span_size() const noexcept {
    index_t n = 1;
    for (std::size_t k = 0; k < n_; ++k) n *= ext_.extent(k);
    return n;
  }
  [[nodiscard]] constexpr index_t min_offset() const noexcept { return 0; }
  [[nodiscard]] constexpr index_t max_offset() const noexcept { return required_span_size() - 1; }

  [[nodiscard]] static constexpr bool is_always_unique() noexcept { return true; }
  [[nodiscard]] static constexpr bool is_always_exhaustive() noexcept { return true; }
  [[nodiscard]] static constexpr bool is_always_contiguous() noexcept { return true; }
  [[nodiscard]] static constexpr bool is_unique() noexcept { return true; }
  [[nodiscard]] static constexpr bool is_exhaustive() noexcept { return true; }
  [[nodiscard]] static constexpr bool is_contiguous() noexcept { return true; }

  template <class F>
  friend constexpr bool operator==(const mapping& a, const contiguous::mapping<F>& b) noexcept {
    return a.extents() == b.extents();
  }

 private:
  [[no_unique_address]] extents_type ext_{};
};

// --- strided -----------------------------------------------------------------------------------

template <class Extents>
class strided::mapping {
  static_assert(is_extents_v<Extents>, "axle::strided::mapping<E>: E is axle::extents<...>");
  static constexpr std::size_t n_ = Extents::rank();

 public:
  using extents_type = Extents;
  using index_type = index_t;
  using policy_type = strided;
  using strides_type = std::array<index_t, n_>;

  [[nodiscard]] static constexpr std::size_t rank() noexcept { return n_; }

  /// Dynamic extents and all strides are 0.
  constexpr mapping() noexcept = default;
  /// Row-major strides; throws axle::shape_error when the extents' element count does not fit.
  constexpr mapping(const extents_type& e) : ext_(e), stride_(detail::row_major_strides(e.values())) {}  // NOLINT
  /// Any signed strides, in elements; throws axle::shape_error when an offset does not fit.
  constexpr mapping(const extents_type& e, const strides_type& s) : ext_(e), stride_(s) {
    if (!detail::checked_offsets(e.values(), s))
      throw shape_error("extents " + detail::tuple_text(e.values()) + " with strides " + detail::tuple_text(s) +
                        " reach offsets that do not fit in a signed 64-bit integer");
  }
  /// From a contiguous mapping: its row-major strides.
  template <class F>
  requires(detail::extents_compatible_v<Extents, F>) constexpr explicit(!std::is_convertible_v<const F&, Extents>)
      mapping(const contiguous::mapping<F>& other)
      : ext_(other.extents()), stride_(other.strides()) {}
  template <class F>
  requires(detail::extents_compatible_v<Extents, F>) constexpr explicit(!std::is_convertible_v<const F&, Extents>)
      mapping(const strided::mapping<F>& other)
      : ext_(other.extents()), stride_(other.strides()) {}

  [[nodiscard]] constexpr const extents_type& extents() const noexcept { return ext_; }

  template <class... I>
  requires(sizeof...(I) == n_) [[nodiscard]] constexpr index_t operator()(I... i) const noexcept {
    return [&]<std::size_t... K>(std::index_sequence<K...>) {
      return (index_t{0} + ... + (static_cast<index_t>(i) * stride_[K]));
    }
    (std::make_index_sequence<n_>{});
  }
  /// A flat index over the atoms [First, Last], decomposed into their digits, innermost last.
  template <std::size_t First, std::size_t Last>
  requires(First <= Last && Last < n_) [[nodiscard]] constexpr index_t run_offset(index_t i) const noexcept {
    if constexpr (First == Last) {
      return i * stride_[Last];
    } else {
      const index_t e = ext_.extent(Last);
      return (i % e) * stride_[Last] + run_offset<First, Last - 1>(i / e);
    }
  }

  [[nodiscard]] constexpr index_t stride(std::size_t k) const noexcept { return stride_[k]; }
  [[nodiscard]] constexpr const strides_type& strides() const noexcept { return stride_; }

  [[nodiscard]] constexpr index_t required_span_size() const noexcept { return offsets().span; }
  [[nodiscard]] constexpr index_t min_offset() const noexcept { return offsets().low; }
  [[nodiscard]] constexpr index_t max_offset() const noexcept { return offsets().high; }

  [[nodiscard]] static constexpr bool is_always_unique() noexcept { return false; }
  [[nodiscard]] static constexpr bool is_always_exhaustive() noexcept { return false; }
  [[nodiscard]] static constexpr bool is_always_contiguous() noexcept { return false; }
  /// True when the atoms, ordered by |stride|, each step over all the ones inside (a sufficient
  /// condition, as std::layout_stride's is_exhaustive: a mapping it calls false may still be unique).
  [[nodiscard]] constexpr bool is_unique() const noexcept { return nested(false); }
  [[nodiscard]] constexpr bool is_exhaustive() const noexcept { return nested(true); }
  /// The elements are [0, size()) in row-major order over the atoms (atoms of extent 1 do not count).
  [[nodiscard]] constexpr bool is_contiguous() const noexcept {
    index_t expect = 1;
    for (std::size_t k = n_; k-- > 0;) {
      const index_t e = ext_.extent(k);
      if (e == 0) return true;
      if (e == 1) continue;
      if (stride_[k] != expect) return false;
      expect *= e;
    }
    return true;
  }

  template <class F>
  friend constexpr bool operator==(const mapping& a, const strided::mapping<F>& b) noexcept {
    if (!(a.extents() == b.extents())) return false;
    for (std::size_t k = 0; k < n_; ++k)
      if (a.stride(k) != b.stride(k)) return false;
    return true;
  }

 private:
  constexpr detail::offset_range offsets() const noexcept {
    return *detail::checked_offsets(ext_.values(), stride_);  // checked where the mapping was made
  }
  /// The atoms of extent > 1, ordered by |stride|: each steps over everything the ones inside
  /// reach (exhaustive: exactly one past it).
  constexpr bool nested(bool exact) const noexcept {
    std::array<index_t, n_> e{};
    std::array<index_t, n_> s{};
    std::size_t m = 0;
    for (std::size_t k = 0; k < n_; ++k) {
      if (ext_.extent(k) == 0) return true;
      if (ext_.extent(k) == 1) continue;
      e[m] = ext_.extent(k);
      s[m] = stride_[k] < 0 ? -stride_[k] : stride_[k];
      ++m;
    }
    for (std::size_t i = 1; i < m; ++i)  // insertion sort: at most 12 atoms
      for (std::size_t j = i; j > 0 && s[j - 1] > s[j]; --j) {
        std::swap(s[j - 1], s[j]);
        std::swap(e[j - 1], e[j]);
      }
    index_t reach = 0;  // the highest offset the atoms so far reach (fits: checked where made)
    for (std::size_t k = 0; k < m; ++k) {
      if (exact ? s[k] != reach + 1 : s[k] <= reach) return false;
      reach += s[k] * (e[k] - 1);
    }
    return true;
  }

  [[no_unique_address]] extents_type ext_{};
  strides_type stride_{};
};

}  // namespace axle
