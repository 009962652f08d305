// axle — typed views: a buffer seen through a layout.
//
//     using namespace axle::axes;
//     using oihw = axle::layout<O, I, H, W>;
//     std::vector<float> buf(256 * 256 * 3 * 3);
//     axle::tensor_view<const float, oihw> w(buf, {256, 256, 3, 3});  // checked where it is made
//     float a = w(O{3}, H{1}, I{0}, W{2});     // by axis, in any order, resolved at compile time
//     float b = w(3, 0, 1, 2);                  // by position, in storage order
//
// tensor_view<T, L, Extents, Policy>
//     Non-owning; T may be const. A pointer and a mapping, as std::mdspan:
//       Extents  one extent per *atom* of L (<axle/extents.hpp>): the atoms in storage order,
//                merged dimensions flattened (((G, O), I, H, W) has the five atoms G, O, I, H, W).
//                The default makes an atom with an intrinsic extent static (inner<O, 16> is 16,
//                unit<I> is 1, labels<gate, "i,f,g,o"> is 4) and the others dynamic.
//       Policy   how an index per atom becomes an offset (<axle/view_mapping.hpp>):
//                  strided     (the default) one signed stride per atom, stored: plan views
//                              (permuted, reversed, see <axle/convert.hpp>) are views like any other;
//                  contiguous  row-major over the atoms, strides implied by the extents. What a
//                              tensor's storage is, and what lets element access compile to
//                              exactly the code of hand-written C-order index arithmetic
//                              (bench/access). contiguous_view<T, L> converts implicitly to
//                              tensor_view<T, L>; back explicitly, checked.
//     The view turns what an access names (axes, labels, flips, blocks: <axle/access.hpp>) into
//     one index per atom and asks its mapping for the offset, once.
// tensor<T, L, Extents> (<axle/tensor.hpp>) owns its elements; its views are contiguous_views.
// dynamic_view<T> (<axle/dynamic_view.hpp>) is a view whose layout is known at run time.
//
// Making a view (each form checks what it is given and throws axle::shape_error naming the axis
// or the shape and the sizes):
//     tensor_view<T, L> v(ptr, {4, 2, 3, 3});                            // the storage shape
//     tensor_view<T, L> v(vec, {4, 2, 3, 3}, axle::axis_size{"G", 2});   // + sizes a shape cannot tell
//     tensor_view<T, L> v(span_or_array, shape_span, known_span);
//     tensor_view<T, L> v(ptr, tensor_view<T, L>::extents_type{2, 2, 2, 3, 3});  // per atom
//     tensor_view<T, L> v(ptr, extents, strides);                        // per atom, signed, in elements
//     tensor_view<T, L> v(ptr, mapping);                                 // any mapping of the policy
// A range (std::vector, std::array, std::span, a C array) must hold exactly the view's elements:
// "buffer of 100 elements, layout (O, I, H, W) with extents (4, 3, 3, 3) needs 108"; a static
// extent must match: "axis O: extent 10 does not match the static extent 16"; a shape whose
// element count does not fit in a signed 64-bit integer is refused, whatever the order of its
// extents. A view of a temporary range is allowed for const elements only (as std::span).
//
// Element access
//   by axis      v(O{o}, I{i}, H{h}, W{w}): every axis of L named once, in any order. The index is
//                the axis's canonical index, whatever the storage: a flipped axis (H~) is read
//                reversed, a blocked axis (O/16 ... 16o) is indexed by its whole index and
//                decomposed into its parts, a labelled axis by position (gate{2}) or by label
//                (axle::label<gate, "g">{}, or axle::label_v<gate, "g">). Unit axes (unit<I>)
//                may be left out. So one call reads the same element of a tensor in any layout of
//                the same axes: code written by axis is correct for every layout it compiles with.
//   by position  v(i0, i1, i2, i3): one index per storage dimension, in storage order, as stored
//                (no reversal); a merged dimension takes its flat index.
//   at(...)      either form, bounds-checked: throws std::out_of_range naming the axis.
// operator() checks bounds (and aborts with the same message) when AXLE_CHECK_BOUNDS is 1, by
// default unless NDEBUG; otherwise it is index arithmetic only. A bad access is one compile error
// (<axle/access.hpp> lists them). Everything here is constexpr: views over constant arrays work
// inside static_assert.
//
// Hand-offs: tensor_view<T, L> converts implicitly to tensor_view<const T, L> (and between
// compatible extents and policies), a tensor to a view of itself. A view of another layout does
// not: handing one to a function taking tensor_view<const float, L> is one compile error,
// `layout_mismatch<expected<...>, got<...>, fix<...>>` (the converting constructor that reports it
// exists only to report it, so std::is_convertible_v says true for such pairs). The explicit ways
// across are in <axle/convert.hpp>: layout_cast when the plan is zero-copy, convert when it is not.
#pragma once

#include <array>
#include <concepts>
#include <cstddef>
#include <initializer_list>
#include <iterator>
#include <ranges>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "access.hpp"
#include "axis.hpp"
#include "diagnostics.hpp"
#include "engine/values.hpp"
#include "errors.hpp"
#include "extents.hpp"
#include "layout.hpp"
#include "mapping.hpp"
#include "notation.hpp"
#include "plan.hpp"
#include "view_mapping.hpp"

#ifndef AXLE_CHECK_BOUNDS
#ifdef NDEBUG
#define AXLE_CHECK_BOUNDS 0
#else
#define AXLE_CHECK_BOUNDS 1
#endif
#endif

namespace axle {

template <class T, layout_type L, class Extents, class Policy>
class tensor_view;
template <class T, layout_type L, class Extents>
class tensor;  // <axle/tensor.hpp>

namespace detail {

template <class L, class Ks = std::make_index_sequence<flat_atoms_t<L>::size>>
struct default_extents;
template <class L, std::size_t... K>
struct default_extents<L, std::index_sequence<K...>> {
  using type =
      extents<(K < static_cast<std::size_t>(value::max_atoms) ? desc_of<L>::value.atoms[K].extent : dynamic_extent)...>;
};

/// Reports an invalid layout once, or is true.
template <class L, bool Ok = checked<L>::ok>
struct layout_validated {
  static constexpr bool value = true;
};
template <class L>
struct layout_validated<L, false> {
  static constexpr bool value = report<typename validation_diagnostic<L>::type>::value;
};

template <class T>
struct is_tensor_view : std::false_type {};
template <class T, class L, class E, class P>
struct is_tensor_view<tensor_view<T, L, E, P>> : std::true_type {};
template <class T>
struct is_tensor : std::false_type {};
template <class T, class L, class E>
struct is_tensor<tensor<T, L, E>> : std::true_type {};

/// A mapping policy: a type with a nested mapping<Extents> (<axle/view_mapping.hpp>).
template <class P, class E>
concept mapping_policy_for = requires {
  typename P::template mapping<E>;
};

/// Can a view of U elements become a view of T elements (adding const only)?
template <class U, class T>
inline constexpr bool element_compatible_v = std::is_convertible_v<U (*)[], T (*)[]>;

/// E has one extent per atom of L and does not contradict an intrinsic extent.
template <class L, class E>
constexpr bool extents_fit() noexcept {
  if constexpr (!is_extents_v<E>) {
    return false;
  } else if constexpr (E::rank() != flat_atoms_t<L>::size) {
    return false;
  } else {
    for (std::size_t k = 0; k < E::rank() && k < static_cast<std::size_t>(value::max_atoms); ++k) {
      const index_t intrinsic = desc_of<L>::value.atoms[k].extent;
      const index_t declared = E::static_extent(k);
      if (intrinsic != dynamic_extent && declared != dynamic_extent && intrinsic != declared) return false;
    }
    return true;
  }
}
template <class L, class E>
inline constexpr bool extents_fit_v = extents_fit<L, E>();

/// The layout has no merged storage dimension: one index per atom, by position too.
template <class L>
inline constexpr bool one_atom_per_entry_v = desc_of<L>::value.nentries == desc_of<L>::value.natoms;

}  // namespace detail

/// The default extents of a layout: static where an atom has an intrinsic extent.
template <layout_type L>
using default_extents_t = typename detail::default_extents<L>::type;

/// A range a view can be made over: contiguous, sized, of elements a T* can point to.
template <class R, class T>
concept viewable_range = std::ranges::contiguous_range<R> && std::ranges::sized_range<R> &&
    detail::element_compatible_v<std::remove_reference_t<std::ranges::range_reference_t<R>>, T> &&
    (std::ranges::borrowed_range<R> || std::is_const_v<T>);

// --- tensor_view -------------------------------------------------------------------------------

template <class T, layout_type L, class Extents = default_extents_t<L>, class Policy = strided>
class tensor_view {
  static_assert(std::is_object_v<T> && !std::is_abstract_v<T>, "axle::tensor_view<T, L>: T is an element type");
  static_assert(is_extents_v<Extents>, "axle::tensor_view<T, L, E>: E is axle::extents<...>, one extent per atom of L");
  static_assert(detail::mapping_policy_for<Policy, Extents>,
                "axle::tensor_view<T, L, E, P>: P is a mapping policy, axle::strided or axle::contiguous");
  static_assert(detail::layout_validated<L>::value);
  static_assert(
      detail::extents_fit_v<L, Extents>,
      "axle::tensor_view<T, L, E>: E has one extent per atom of L, and agrees with the atoms' intrinsic extents");

  static constexpr const value::layout& desc_ = detail::desc_of<L>::value;
  static constexpr std::size_t natoms_ = detail::flat_atoms_t<L>::size;

 public:
  using policy_type = Policy;
  using mapping_type = typename Policy::template mapping<Extents>;
  using element_type = T;
  using value_type = std::remove_cv_t<T>;
  using layout_type = L;
  using extents_type = Extents;
  using strides_type = std::array<index_t, natoms_>;
  using index_type = index_t;
  using size_type = std::size_t;
  using pointer = T*;
  using reference = T&;

  /// Number of storage dimensions (entries of L).
  [[nodiscard]] static constexpr std::size_t rank() noexcept { return L::rank; }
  /// Number of atoms (merged dimensions flattened).
  [[nodiscard]] static constexpr std::size_t atom_count() noexcept { return natoms_; }
  [[nodiscard]] static constexpr L layout() noexcept { return {}; }

  /// A null view; dynamic extents are 0.
  constexpr tensor_view() noexcept = default;

  /// Any mapping of the view's policy: `data` is the element at index (0, ..., 0).
  constexpr tensor_view(pointer data, const mapping_type& m) noexcept : data_(data), map_(m) {}
  /// Row-major storage with the given extents per atom.
  constexpr tensor_view(pointer data, const extents_type& ext) : data_(data), map_(ext) {}
  /// Any strides per atom (signed, in elements); `data` is the element at index (0, ..., 0).
  constexpr tensor_view(pointer data, const extents_type& ext, const strides_type& strides) requires
      std::is_constructible_v<mapping_type, const extents_type&, const strides_type&> : data_(data),
                                                                                        map_(ext, strides) {}

  /// Row-major storage of the given storage shape; `known` gives the sizes a shape cannot tell
  /// (all but one dynamic atom of a merged dimension): `axis_size{"G", 2}`.
  template <std::same_as<axis_size>... Known>
  constexpr tensor_view(pointer data, std::initializer_list<index_t> shape, Known... known)
      : tensor_view(data, from_shape(std::span<const index_t>(shape.begin(), shape.size()),
                                     std::array<axis_size, sizeof...(Known)>{known...})) {}
  constexpr tensor_view(pointer data, std::span<const index_t> shape, std::span<const axis_size> known = {})
      : tensor_view(data, from_shape(shape, known)) {}

  /// The same over a contiguous range (std::vector, std::array, std::span, a C array), which must
  /// hold exactly the view's elements.
  template <viewable_range<T> R>
  constexpr tensor_view(R&& range, const extents_type& ext) : tensor_view(std::ranges::data(range), ext) {
    check_size(std::ranges::size(range));
  }
  template <viewable_range<T> R, std::same_as<axis_size>... Known>
  constexpr tensor_view(R&& range, std::initializer_list<index_t> shape, Known... known)
      : tensor_view(std::ranges::data(range), std::span<const index_t>(shape.begin(), shape.size()),
                    std::span<const axis_size>(std::array<axis_size, sizeof...(Known)>{known...})) {
    check_size(std::ranges::size(range));
  }
  template <viewable_range<T> R>
  constexpr tensor_view(R&& range, std::span<const index_t> shape, std::span<const axis_size> known = {})
      : tensor_view(std::ranges::data(range), shape, known) {
    check_size(std::ranges::size(range));
  }

  /// From a view of the same layout: adding const, between compatible extents, from contiguous to
  /// strided — implicitly; explicitly, and checked (axle::shape_error), when a static extent is
  /// made from a dynamic one or a contiguous view from a strided one.
  template <class U, class F, class P>
  requires(detail::element_compatible_v<U, T> &&
           !(std::is_same_v<U, T> && std::is_same_v<F, Extents> && std::is_same_v<P, Policy>)&&std::is_constructible_v<
               mapping_type, const typename P::template mapping<
                                 F>&>) constexpr explicit(!std::is_convertible_v<const typename P::template mapping<F>&,
                                                                                 mapping_type>)
      tensor_view(const tensor_view<U, L, F, P>& other)
      : data_(other.data()), map_(converted(other.mapping())) {}

  /// A view of another layout does not convert: using this constructor is one compile error,
  /// `layout_mismatch<expected<L>, got<M>, fix<plan>>`. Use layout_cast or convert.
  template <class U, class M, class F, class P>
  requires(!std::is_same_v<M, L> &&
           detail::element_compatible_v<U, T>) constexpr tensor_view(const tensor_view<U, M, F, P>&) noexcept {
    static_cast<void>(detail::layout_check<L, M>::value);
  }

  /// From a tensor (of layout L; another layout is the same error as above). A temporary tensor
  /// gives a view of const elements only, valid for the full-expression (as std::span).
  template <class Tensor>
  requires(detail::is_tensor<std::remove_cvref_t<Tensor>>::value&&
               detail::element_compatible_v<std::remove_pointer_t<decltype(std::declval<Tensor&>().data())>, T> &&
           (std::is_lvalue_reference_v<Tensor> || std::is_const_v<T>)) constexpr tensor_view(Tensor&& t)
      : tensor_view(t.view()) {}

  // --- observers ---

  [[nodiscard]] constexpr pointer data() const noexcept { return data_; }
  [[nodiscard]] constexpr const mapping_type& mapping() const noexcept { return map_; }
  [[nodiscard]] constexpr const extents_type& extents() const noexcept { return map_.extents(); }
  /// The signed stride of every atom, in elements.
  [[nodiscard]] constexpr strides_type strides() const noexcept { return map_.strides(); }
  /// Extent of atom k (storage order, merged dimensions flattened).
  [[nodiscard]] constexpr index_t extent(std::size_t k) const noexcept { return extents().extent(k); }
  /// Signed stride of atom k, in elements.
  [[nodiscard]] constexpr index_t stride(std::size_t k) const noexcept { return map_.stride(k); }
  /// Extent of a whole axis (the product of its parts): `v.extent(O{})`.
  template <axis_tag A>
  [[nodiscard]] constexpr index_t extent(A) const noexcept {
    constexpr detail::atom_list atoms = detail::atoms_of_axis<L, A>();
    if constexpr (atoms.n == 0) {
      static_cast<void>(detail::report<axis_not_in_layout<A, in<L>>>::value);
      return 0;
    } else {
      return [&]<std::size_t... J>(std::index_sequence<J...>) {
        return (index_t{1} * ... * extent(static_cast<std::size_t>(atoms.k[J])));
      }
      (std::make_index_sequence<static_cast<std::size_t>(atoms.n)>{});
    }
  }
  /// The storage shape: one extent per storage dimension.
  [[nodiscard]] constexpr std::array<index_t, L::rank> shape() const noexcept {
    std::array<index_t, L::rank> s{};
    for (std::size_t e = 0; e < L::rank; ++e) {
      s[e] = 1;
      for (int k = desc_.entry_begin[e]; k < desc_.entry_begin[e + 1]; ++k) s[e] *= extent(static_cast<std::size_t>(k));
    }
    return s;
  }
  /// Number of elements.
  [[nodiscard]] constexpr std::size_t size() const noexcept {
    index_t n = 1;
    for (std::size_t k = 0; k < natoms_; ++k) n *= extent(k);
    return static_cast<std::size_t>(n);
  }
  [[nodiscard]] constexpr bool empty() const noexcept { return size() == 0; }
  /// The elements are data()[0, size()) in storage order (row-major over atoms).
  [[nodiscard]] constexpr bool is_contiguous() const noexcept { return map_.is_contiguous(); }

  // --- element access ---

  /// By axis (`v(O{3}, H{1}, I{0}, W{2})`) or by position (`v(3, 0, 1, 2)`); see the header.
  template <detail::index_argument... Args>
  constexpr reference operator()(Args... args) const noexcept {
    return data_[offset < AXLE_CHECK_BOUNDS ? detail::check::abort : detail::check::none > (args...)];
  }
  /// The same, bounds-checked: throws std::out_of_range.
  template <detail::index_argument... Args>
  constexpr reference at(Args... args) const {
    return data_[offset<detail::check::raise>(args...)];
  }
  /// The offset from data() of an element, in elements.
  template <detail::index_argument... Args>
  [[nodiscard]] constexpr index_t offset_of(Args... args) const noexcept {
    return offset<detail::check::none>(args...);
  }

  /// The same view, of const elements.
  [[nodiscard]] constexpr tensor_view<const T, L, Extents, Policy> as_const() const noexcept { return *this; }

 private:
  static constexpr std::string extents_text(const extents_type& ext) { return detail::tuple_text(ext.values()); }

  static constexpr extents_type from_shape(std::span<const index_t> shape, std::span<const axis_size> known) {
    // A size the extents type declares statically counts as known where a merged dimension
    // needs it; elsewhere it is checked against the shape below, with a message naming the axis.
    std::vector<axis_size> all;
    for (std::size_t k = 0; k < natoms_; ++k)
      if (Extents::static_extent(k) != dynamic_extent && value::is_whole(desc_.atoms[k]) &&
          desc_.entry_size(desc_.entry_of(static_cast<int>(k))) > 1)
        all.push_back({desc_.atoms[k].name(), Extents::static_extent(k)});
    all.insert(all.end(), known.begin(), known.end());
    const axle::atom_extents r = axle::resolve_extents(desc_, shape, all, "tensor_view");
    std::array<index_t, natoms_> values{};
    for (std::size_t k = 0; k < natoms_; ++k) {
      values[k] = r.extent[k];
      const index_t s = Extents::static_extent(k);
      if (s != dynamic_extent && s != values[k])
        throw shape_error("axis " + detail::atom_text(desc_.atoms[k]) + ": extent " + detail::int_text(values[k]) +
                          " does not match the static extent " + detail::int_text(s));
    }
    return extents_type(values);
  }

  /// Another view's mapping as this view's: a checked conversion names the layout when it fails.
  template <class M>
  static constexpr mapping_type converted(const M& m) {
    if constexpr (mapping_type::is_always_contiguous() && !M::is_always_contiguous()) {
      if (!m.is_contiguous())
        throw shape_error("a contiguous view of layout " + to_string(desc_) +
                          " made from a view that is not contiguous (strides " + detail::tuple_text(m.strides()) +
                          " for extents " + detail::tuple_text(m.extents().values()) + ")");
    }
    return mapping_type(m);
  }

  constexpr void check_size(std::size_t n) const {
    if (n != size())
      throw shape_error("buffer of " + detail::int_text(n) + " elements, layout " + to_string(desc_) +
                        " with extents " + extents_text(extents()) + " needs " + detail::int_text(size()));
  }

  template <detail::check C, class... Args>
  constexpr index_t offset(const Args&... args) const {
    using A = detail::access<L, Args...>;
    if constexpr (!A::ok) {
      static_cast<void>(detail::access_checked<A>::value);
      return 0;
    } else if constexpr (A::kind == detail::access_kind::named) {
      [[maybe_unused]] const index_t idx[] = {detail::index_value(args)..., 0};
      if constexpr (C != detail::check::none) check_named<C, A>(idx, std::make_index_sequence<sizeof...(Args)>{});
      return [&]<std::size_t... K>(std::index_sequence<K...>) {
        return map_(atom_index<A, K>(idx)...);
      }
      (std::make_index_sequence<natoms_>{});
    } else {
      [[maybe_unused]] const index_t idx[] = {detail::index_value(args)..., 0};
      if constexpr (C != detail::check::none) check_positional<C>(idx, std::make_index_sequence<L::rank>{});
      if constexpr (detail::one_atom_per_entry_v<L>) {
        return [&]<std::size_t... K>(std::index_sequence<K...>) {
          return map_(idx[K]...);
        }
        (std::make_index_sequence<natoms_>{});
      } else {  // a merged dimension takes a flat index over its atoms
        return [&]<std::size_t... E>(std::index_sequence<E...>) {
          return (index_t{0} + ... +
                  map_.template run_offset<static_cast<std::size_t>(desc_.entry_begin[E]),
                                           static_cast<std::size_t>(desc_.entry_begin[E + 1] - 1)>(idx[E]));
        }
        (std::make_index_sequence<L::rank>{});
      }
    }
  }

  // By axis: each atom takes its digit of the axis index, reversed when the atom is flipped.
  template <class A, std::size_t K>
  constexpr index_t atom_index([[maybe_unused]] const index_t* idx) const noexcept {
    constexpr int j = A::value.arg_of_atom[K];
    if constexpr (j < 0) {
      return 0;  // a unit axis left out
    } else {
      constexpr value::atom a = desc_.atoms[K];
      index_t i = 0;
      if constexpr (A::by_label[j])
        i = A::template label_value<j>();
      else
        i = idx[j];
      if constexpr (value::is_part(a)) {
        if constexpr (a.stride != 1) i /= a.stride;
        if constexpr (a.extent != dynamic_extent) i %= a.extent;
      }
      if constexpr (a.flipped) i = extent(K) - 1 - i;
      return i;
    }
  }
  template <detail::check C, class A, std::size_t... J>
  constexpr void check_named(const index_t* idx, std::index_sequence<J...>) const {
    (check_arg<C, A, static_cast<int>(J)>(idx[J]), ...);
  }
  template <detail::check C, class A, int J>
  constexpr void check_arg(index_t i) const {
    if constexpr (!A::by_label[J]) {
      constexpr int first = [] {
        for (std::size_t k = 0; k < natoms_; ++k)
          if (A::value.arg_of_atom[k] == J) return static_cast<int>(k);
        return -1;
      }();
      const index_t n =
          extent(typename detail::index_arg<detail::type_at_t<typename A::args, static_cast<std::size_t>(J)>>::axis{});
      if (i < 0 || i >= n) detail::index_out_of_range(C, desc_, first, -1, i, n);
    }
  }

  // By position: one index per storage dimension, within the product of its atoms' extents.
  template <detail::check C, std::size_t... E>
  constexpr void check_positional(const index_t* idx, std::index_sequence<E...>) const {
    (check_entry<C, E>(idx[E]), ...);
  }
  template <detail::check C, std::size_t E>
  constexpr void check_entry(index_t i) const {
    index_t n = 1;
    for (int k = desc_.entry_begin[E]; k < desc_.entry_begin[E + 1]; ++k) n *= extent(static_cast<std::size_t>(k));
    if (i < 0 || i >= n) detail::index_out_of_range(C, desc_, -1, static_cast<int>(E), i, n);
  }

  pointer data_ = nullptr;
  [[no_unique_address]] mapping_type map_{};
};

/// A view of contiguous row-major storage: its strides are implied by its extents.
template <class T, layout_type L, class Extents = default_extents_t<L>>
using contiguous_view = tensor_view<T, L, Extents, contiguous>;

}  // namespace axle
