// axle — tensors: owning, contiguous storage in a layout.
//
//     axle::tensor<float, layout<merged<G, I>, O, flipped<H>, flipped<W>>> t({8, 3, 3, 3}, axle::axis_size{"G", 4});
//     t(G{3}, I{1}, O{2}, H{0}, W{0}) = 5.0f;   // element access as a view's
//     axle::contiguous_view<float, ...> v = t.view();
//
// tensor<T, L, Extents>   Owning, contiguous (row-major over the atoms), 64-byte aligned; element
//                         access, extents and shape as tensor_view (<axle/view.hpp>);
//                         view() / cview() are contiguous views of it. Copyable and movable; a
//                         moved-from tensor holds no storage.
// Its size is checked before anything is allocated: a shape whose element count or byte count
// does not fit in a signed 64-bit integer throws axle::shape_error naming the layout and the
// extents (never a wrapped, too small allocation).
#pragma once

#include <array>
#include <concepts>
#include <cstddef>
#include <initializer_list>
#include <memory>
#include <new>
#include <span>
#include <string>
#include <type_traits>
#include <utility>

#include "detail/checked.hpp"
#include "detail/text.hpp"
#include "errors.hpp"
#include "mapping.hpp"
#include "notation.hpp"
#include "view.hpp"

namespace axle {

/// Leaves the storage of a new tensor default-initialised (indeterminate for trivial types).
struct uninitialized_t {
  explicit uninitialized_t() = default;
};
inline constexpr uninitialized_t uninitialized{};

/// An owning, contiguous tensor of layout L, its storage aligned to 64 bytes. Element access,
/// extents and shape as tensor_view; view() / cview() give views of it.
///
/// A moved-from tensor holds no storage: data() is null and its dynamic extents are 0.
template <class T, layout_type L, class Extents = default_extents_t<L>>
class tensor {
  static_assert(
      std::is_object_v<T> && !std::is_const_v<T> && !std::is_volatile_v<T>,
      "axle::tensor<T, L>: T is a non-const object type (a view of const elements is tensor_view<const T, L>)");

 public:
  using view_type = contiguous_view<T, L, Extents>;
  using const_view_type = contiguous_view<const T, L, Extents>;
  using element_type = T;
  using value_type = T;
  using layout_type = L;
  using extents_type = Extents;
  using index_type = index_t;
  using size_type = std::size_t;
  static constexpr std::size_t alignment = 64;

  [[nodiscard]] static constexpr std::size_t rank() noexcept { return L::rank; }
  [[nodiscard]] static constexpr std::size_t atom_count() noexcept { return view_type::atom_count(); }
  [[nodiscard]] static constexpr L layout() noexcept { return {}; }

  /// Empty when any extent is dynamic (those are 0); otherwise holds its elements, value-initialised.
  tensor() : tensor(extents_type{}) {}
  /// Value-initialised elements.
  explicit tensor(const extents_type& ext)
      : view_(allocate(ext, [](T* p, std::ptrdiff_t n) { std::uninitialized_value_construct_n(p, n); }), ext) {}
  /// Default-initialised elements (indeterminate for trivial types): storage to be overwritten.
  tensor(const extents_type& ext, uninitialized_t)
      : view_(allocate(ext, [](T* p, std::ptrdiff_t n) { std::uninitialized_default_construct_n(p, n); }), ext) {}
  /// The storage shape, plus the sizes a shape cannot tell: `tensor<float, L> t({4, 2, 3, 3}, axis_size{"G", 2})`.
  template <std::same_as<axis_size>... Known>
  explicit tensor(std::initializer_list<index_t> shape, Known... known)
      : tensor(view_type(static_cast<T*>(nullptr), shape, known...).extents()) {}
  explicit tensor(std::span<const index_t> shape, std::span<const axis_size> known = {})
      : tensor(view_type(static_cast<T*>(nullptr), shape, known).extents()) {}

  tensor(const tensor& other)
      : view_(allocate(other.extents(), [&](T* p, std::ptrdiff_t n) { std::uninitialized_copy_n(other.data(), n, p); }),
              other.extents()) {}
  tensor(tensor&& other) noexcept : view_(std::exchange(other.view_, moved_from())) {}
  tensor& operator=(const tensor& other) {
    if (this != &other) *this = tensor(other);
    return *this;
  }
  tensor& operator=(tensor&& other) noexcept {
    if (this != &other) {
      release();
      view_ = std::exchange(other.view_, moved_from());
    }
    return *this;
  }
  ~tensor() { release(); }

  [[nodiscard]] view_type view() noexcept { return view_; }
  [[nodiscard]] const_view_type view() const noexcept { return view_; }
  [[nodiscard]] const_view_type cview() const noexcept { return view_; }

  [[nodiscard]] T* data() noexcept { return view_.data(); }
  [[nodiscard]] const T* data() const noexcept { return view_.data(); }
  [[nodiscard]] const extents_type& extents() const noexcept { return view_.extents(); }
  [[nodiscard]] typename view_type::strides_type strides() const noexcept { return view_.strides(); }
  [[nodiscard]] index_t extent(std::size_t k) const noexcept { return view_.extent(k); }
  template <axis_tag A>
  [[nodiscard]] index_t extent(A a) const noexcept {
    return view_.extent(a);
  }
  [[nodiscard]] std::array<index_t, L::rank> shape() const noexcept { return view_.shape(); }
  [[nodiscard]] std::size_t size() const noexcept { return view_.data() ? view_.size() : 0; }
  [[nodiscard]] bool empty() const noexcept { return size() == 0; }
  [[nodiscard]] T* begin() noexcept { return data(); }
  [[nodiscard]] T* end() noexcept { return data() + size(); }
  [[nodiscard]] const T* begin() const noexcept { return data(); }
  [[nodiscard]] const T* end() const noexcept { return data() + size(); }

  template <detail::index_argument... Args>
  T& operator()(Args... args) noexcept {
    return view_(args...);
  }
  template <detail::index_argument... Args>
  const T& operator()(Args... args) const noexcept {
    return view_(args...);
  }
  template <detail::index_argument... Args>
  T& at(Args... args) {
    return view_.at(args...);
  }
  template <detail::index_argument... Args>
  const T& at(Args... args) const {
    return view_.at(args...);
  }

 private:
  static view_type moved_from() noexcept {
    std::array<index_t, view_type::atom_count()> e{};
    for (std::size_t k = 0; k < e.size(); ++k)
      e[k] = Extents::static_extent(k) == dynamic_extent ? 0 : Extents::static_extent(k);
    return view_type(nullptr, typename view_type::mapping_type(extents_type(e)));
  }
  /// Storage for the elements of `ext`, constructed by `init(p, n)`: its size is checked first.
  template <class Init>
  static T* allocate(const extents_type& ext, Init init) {
    const auto size = detail::checked_shape_size(ext.values(), static_cast<detail::size_index>(sizeof(T)));
    if (!size)
      throw shape_error("tensor of layout " + to_string(L{}) + " with extents " + detail::tuple_text(ext.values()) +
                        " needs more bytes than a signed 64-bit integer counts");
    if (size->elements == 0) return nullptr;
    T* p = static_cast<T*>(::operator new (static_cast<std::size_t>(size->bytes), std::align_val_t{alignment}));
    try {
      init(p, size->elements);
    } catch (...) {
      ::operator delete (p, std::align_val_t{alignment});
      throw;
    }
    return p;
  }
  void release() noexcept {
    if (T* p = view_.data()) {
      std::destroy_n(p, static_cast<std::ptrdiff_t>(view_.size()));
      ::operator delete (p, std::align_val_t{alignment});
    }
  }

  view_type view_;
};

}  // namespace axle
