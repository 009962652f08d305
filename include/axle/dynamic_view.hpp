// axle — views whose layout is known at run time.
//
//     const axle::value::layout& l = *entry.weight;                  // from the catalogue, a config, text
//     axle::dynamic_view<const float> w(buf, l, {64, 32, 3, 3});     // checked as tensor_view's are
//     float x = w(3, 0, 1, 2);                                      // by position, in storage order
//     auto t = axle::convert<hwio>(w);                              // the plan derived at run time
//     axle::convert_into(w, dst);                                   // dst typed, or dynamic too
//
// dynamic_view<T> is tensor_view's run-time twin for importers and tools that learn layouts only
// while they run. It holds a pointer to its `value::layout` (which must outlive it, as a
// value::derivation's layouts must: the catalogue's and value::of<L>()'s are static), one extent
// and one signed stride per atom, and the element pointer. It is made
//     dynamic_view<T> v(ptr_or_range, layout, shape, known_sizes)   // contiguous, storage shape
//     dynamic_view<T> v(ptr, layout, atom_extents, strides)         // per atom, signed, in elements
//     dynamic_view<const T> v = typed_view;                         // from any tensor_view
// with the same checks and messages as tensor_view (axle::shape_error), and axle::layout_error for
// a layout that is not valid. Element access is by position (one index per storage dimension, a
// merged dimension's flat index), bounds-checked by at() and, under AXLE_CHECK_BOUNDS, by
// operator(). Conversions (<axle/convert.hpp>) take it wherever they take a typed view:
// layout_cast, convert, convert_into, on either side.
#pragma once

#include <array>
#include <concepts>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <ranges>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "detail/checked.hpp"
#include "detail/text.hpp"
#include "engine/validate.hpp"
#include "engine/values.hpp"
#include "errors.hpp"
#include "mapping.hpp"
#include "notation.hpp"
#include "view.hpp"

namespace axle {

namespace detail {
inline constexpr value::layout no_layout{};

/// Throws axle::layout_error unless `l` is a valid layout.
inline void check_valid(const value::layout& l, std::string_view what) {
  if (value::validate(l)) throw layout_error(std::string(what) + ": " + to_string(l) + " is not a valid layout");
}
}  // namespace detail

template <class T>
class dynamic_view {
  static_assert(std::is_object_v<T> && !std::is_abstract_v<T>, "axle::dynamic_view<T>: T is an element type");

 public:
  using element_type = T;
  using value_type = std::remove_cv_t<T>;
  using index_type = index_t;
  using size_type = std::size_t;
  using pointer = T*;
  using reference = T&;

  /// A null view of the layout with no dimension.
  dynamic_view() noexcept = default;

  /// Row-major storage of the given storage shape; `known` gives the sizes a shape cannot tell.
  dynamic_view(pointer data, const value::layout& l, std::span<const index_t> shape,
               std::span<const axis_size> known = {})
      : data_(data), layout_(&l) {
    detail::check_valid(l, "dynamic_view");
    const atom_extents x = resolve_extents(l, shape, known, "dynamic_view");
    for (int k = 0; k < l.natoms; ++k) extent_[static_cast<std::size_t>(k)] = x.extent[static_cast<std::size_t>(k)];
    if (!detail::checked_row_major(extents(), stride_span())) detail::extents_do_not_fit(extents());
  }
  dynamic_view(pointer data, const value::layout& l, std::initializer_list<index_t> shape,
               std::span<const axis_size> known = {})
      : dynamic_view(data, l, std::span<const index_t>(shape.begin(), shape.size()), known) {}
  /// The same over a contiguous range, which must hold exactly the view's elements.
  template <viewable_range<T> R>
  dynamic_view(R&& range, const value::layout& l, std::span<const index_t> shape, std::span<const axis_size> known = {})
      : dynamic_view(std::ranges::data(range), l, shape, known) {
    if (const auto n = static_cast<std::size_t>(std::ranges::size(range)); n != size())
      throw shape_error("buffer of " + detail::int_text(n) + " elements, layout " + to_string(l) + " with extents " +
                        detail::tuple_text(extents()) + " needs " + detail::int_text(size()));
  }
  template <viewable_range<T> R>
  dynamic_view(R&& range, const value::layout& l, std::initializer_list<index_t> shape,
               std::span<const axis_size> known = {})
      : dynamic_view(std::forward<R>(range), l, std::span<const index_t>(shape.begin(), shape.size()), known) {}
  /// Per atom: extents and signed strides (in elements); `data` is the element at index (0, ..., 0).
  dynamic_view(pointer data, const value::layout& l, std::span<const index_t> atom_extents,
               std::span<const index_t> strides)
      : data_(data), layout_(&l) {
    detail::check_valid(l, "dynamic_view");
    const auto n = static_cast<std::size_t>(l.natoms);
    if (atom_extents.size() != n || strides.size() != n)
      throw shape_error("dynamic_view: " + detail::int_text(atom_extents.size()) + " extents and " +
                        detail::int_text(strides.size()) + " strides for layout " + to_string(l) + " of " +
                        detail::int_text(n) + " atoms");
    for (std::size_t k = 0; k < n; ++k) {
      const value::atom& a = l.atoms[k];
      if (atom_extents[k] < 0 || (a.extent != dynamic_extent && atom_extents[k] != a.extent))
        throw shape_error("dynamic_view: axis " + detail::atom_text(a) + " cannot have extent " +
                          detail::int_text(atom_extents[k]));
      extent_[k] = atom_extents[k];
      stride_[k] = strides[k];
    }
    if (!detail::checked_offsets(extents(), this->strides()))
      throw shape_error("dynamic_view: extents " + detail::tuple_text(extents()) + " with strides " +
                        detail::tuple_text(this->strides()) +
                        " reach offsets that do not fit in a signed 64-bit integer");
  }
  /// A layout that dies with the full-expression would dangle.
  dynamic_view(pointer, const value::layout&&, std::span<const index_t>, std::span<const axis_size> = {}) = delete;
  dynamic_view(pointer, const value::layout&&, std::initializer_list<index_t>,
               std::span<const axis_size> = {}) = delete;
  dynamic_view(pointer, const value::layout&&, std::span<const index_t>, std::span<const index_t>) = delete;

  /// Any typed view (its layout's value is static); adding const.
  template <class U, class L, class E, class P>
  requires detail::element_compatible_v<U, T> dynamic_view(const tensor_view<U, L, E, P>& v)
  noexcept  // NOLINT(google-explicit-constructor): widening
      : data_(v.data()), layout_(&value::of<L>()) {
    for (std::size_t k = 0; k < v.atom_count(); ++k) {
      extent_[k] = v.extent(k);
      stride_[k] = v.stride(k);
    }
  }
  /// Adding const.
  template <class U>
  requires(detail::element_compatible_v<U, T> && !std::is_same_v<U, T>) dynamic_view(const dynamic_view<U>& v)
  noexcept  // NOLINT(google-explicit-constructor)
      : data_(v.data()), layout_(&v.layout()) {
    for (std::size_t k = 0; k < v.atom_count(); ++k) {
      extent_[k] = v.extent(k);
      stride_[k] = v.stride(k);
    }
  }

  // --- observers ---

  [[nodiscard]] pointer data() const noexcept { return data_; }
  [[nodiscard]] const value::layout& layout() const noexcept { return *layout_; }
  /// Number of storage dimensions.
  [[nodiscard]] std::size_t rank() const noexcept { return static_cast<std::size_t>(layout_->nentries); }
  /// Number of atoms (merged dimensions flattened).
  [[nodiscard]] std::size_t atom_count() const noexcept { return static_cast<std::size_t>(layout_->natoms); }
  [[nodiscard]] index_t extent(std::size_t k) const noexcept { return extent_[k]; }
  [[nodiscard]] index_t stride(std::size_t k) const noexcept { return stride_[k]; }
  /// One extent per atom.
  [[nodiscard]] std::span<const index_t> extents() const noexcept { return {extent_.data(), atom_count()}; }
  /// One signed stride per atom, in elements.
  [[nodiscard]] std::span<const index_t> strides() const noexcept { return {stride_.data(), atom_count()}; }
  /// The storage shape: one extent per storage dimension.
  [[nodiscard]] std::vector<index_t> shape() const {
    std::vector<index_t> s(rank(), 1);
    for (std::size_t e = 0; e < s.size(); ++e) s[e] = entry_extent(e);
    return s;
  }
  [[nodiscard]] std::size_t size() const noexcept {
    index_t n = 1;
    for (std::size_t k = 0; k < atom_count(); ++k) n *= extent_[k];
    return static_cast<std::size_t>(n);
  }
  [[nodiscard]] bool empty() const noexcept { return size() == 0; }
  /// The elements are data()[0, size()) in storage order (row-major over atoms).
  [[nodiscard]] bool is_contiguous() const noexcept {
    index_t expect = 1;
    for (std::size_t k = atom_count(); k-- > 0;) {
      if (extent_[k] == 0) return true;
      if (extent_[k] == 1) continue;
      if (stride_[k] != expect) return false;
      expect *= extent_[k];
    }
    return true;
  }

  // --- element access, by position ---

  /// One index per storage dimension, in storage order; checked under AXLE_CHECK_BOUNDS (abort).
  template <std::integral... I>
  reference operator()(I... i) const noexcept {
    const std::array<index_t, sizeof...(I)> idx{static_cast<index_t>(i)...};
    if constexpr (AXLE_CHECK_BOUNDS) check(idx, detail::check::abort);
    return data_[offset(idx)];
  }
  /// The same, bounds-checked: throws std::out_of_range.
  template <std::integral... I>
  reference at(I... i) const {
    const std::array<index_t, sizeof...(I)> idx{static_cast<index_t>(i)...};
    return at(std::span<const index_t>(idx));
  }
  reference at(std::span<const index_t> idx) const {
    check(idx, detail::check::raise);
    return data_[offset(idx)];
  }
  /// The offset from data() of an element given by position, in elements (unchecked).
  [[nodiscard]] index_t offset_of(std::span<const index_t> idx) const noexcept { return offset(idx); }

 private:
  std::span<index_t> stride_span() noexcept { return {stride_.data(), atom_count()}; }

  [[nodiscard]] index_t entry_extent(std::size_t e) const noexcept {
    index_t n = 1;
    for (int k = layout_->entry_begin[e]; k < layout_->entry_begin[e + 1]; ++k)
      n *= extent_[static_cast<std::size_t>(k)];
    return n;
  }
  void check(std::span<const index_t> idx, detail::check how) const {
    if (idx.size() != rank()) {
      const std::string message = "axle: " + detail::int_text(idx.size()) + " indices for layout " +
                                  to_string(*layout_) + " of " + detail::int_text(rank()) + " dimensions";
      if (how == detail::check::raise) throw std::out_of_range(message);
      std::fprintf(stderr, "%s\n", message.c_str());
      std::abort();
    }
    for (std::size_t e = 0; e < idx.size(); ++e)
      if (const index_t n = entry_extent(e); idx[e] < 0 || idx[e] >= n)
        detail::index_out_of_range(how, *layout_, -1, static_cast<int>(e), idx[e], n);
  }
  /// A merged dimension's flat index is decomposed into its atoms, innermost last.
  [[nodiscard]] index_t offset(std::span<const index_t> idx) const noexcept {
    index_t o = 0;
    for (std::size_t e = 0; e < idx.size() && e < rank(); ++e) {
      index_t i = idx[e];
      for (int k = layout_->entry_begin[e + 1] - 1; k >= layout_->entry_begin[e]; --k) {
        const auto a = static_cast<std::size_t>(k);
        if (k == layout_->entry_begin[e]) {
          o += i * stride_[a];
        } else {
          o += (i % extent_[a]) * stride_[a];
          i /= extent_[a];
        }
      }
    }
    return o;
  }

  pointer data_ = nullptr;
  const value::layout* layout_ = &detail::no_layout;
  std::array<index_t, value::max_atoms> extent_{};
  std::array<index_t, value::max_atoms> stride_{};
};

}  // namespace axle
