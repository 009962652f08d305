// axle — extents: one extent per atom of a layout, each known at compile time or at run time.
//
//     axle::extents<axle::dynamic_extent, axle::dynamic_extent, 3, 3> e(256, 128);  // (256, 128, 3, 3)
//     e.extent(2);        // 3, a constant
//     e.rank_dynamic();   // 2: only those are stored
//
// As std::extents, with axle's index type (`axle::index_t`, signed) and its exception: a negative
// extent, or a value that contradicts a static extent, throws axle::shape_error naming the
// position and both values. Extents say nothing about where elements are: that is a view's
// mapping (<axle/view_mapping.hpp>), which also checks that the extents' product fits.
#pragma once

#include <array>
#include <concepts>
#include <cstddef>
#include <span>
#include <type_traits>

#include "axis.hpp"
#include "detail/text.hpp"
#include "errors.hpp"

namespace axle {

/// One extent per atom of a layout, each static or `axle::dynamic_extent`.
template <index_t... E>
class extents {
  static_assert(((E >= 0 || E == dynamic_extent) && ...), "axle::extents: each extent is >= 0 or axle::dynamic_extent");

  static constexpr std::array<index_t, sizeof...(E)> static_{E...};
  static constexpr std::size_t ndynamic = (std::size_t{0} + ... + static_cast<std::size_t>(E == dynamic_extent));
  static constexpr std::array<std::size_t, sizeof...(E)> make_dynamic_index() noexcept {
    std::array<std::size_t, sizeof...(E)> r{};
    std::size_t n = 0;
    for (std::size_t i = 0; i < sizeof...(E); ++i) r[i] = static_[i] == dynamic_extent ? n++ : 0;
    return r;
  }
  static constexpr std::array<std::size_t, sizeof...(E)> dynamic_index_ = make_dynamic_index();

 public:
  using index_type = index_t;

  [[nodiscard]] static constexpr std::size_t rank() noexcept { return sizeof...(E); }
  [[nodiscard]] static constexpr std::size_t rank_dynamic() noexcept { return ndynamic; }
  [[nodiscard]] static constexpr index_t static_extent(std::size_t i) noexcept { return static_[i]; }

  /// Dynamic extents are 0.
  constexpr extents() noexcept = default;

  /// All `rank()` extents, or only the `rank_dynamic()` dynamic ones, in order. A value given for
  /// a static extent must equal it.
  template <class... I>
  requires(sizeof...(I) > 0 && (sizeof...(I) == rank() || sizeof...(I) == rank_dynamic()) &&
           (std::convertible_to<I, index_t> && ...)) constexpr explicit extents(I... values)
      : extents(std::array<index_t, sizeof...(I)>{static_cast<index_t>(values)...}) {}

  /// From `rank()` or `rank_dynamic()` values.
  template <std::size_t N>
  requires(N == rank() || N == rank_dynamic()) constexpr explicit extents(const std::array<index_t, N>& values) {
    assign(std::span<const index_t>(values.data(), N));
  }
  constexpr explicit extents(std::span<const index_t> values) {
    if (values.size() != rank() && values.size() != rank_dynamic())
      throw shape_error("axle::extents: " + detail::int_text(values.size()) + " values for " +
                        detail::int_text(rank()) + " extents (" + detail::int_text(rank_dynamic()) +
                        " of them dynamic)");
    assign(values);
  }

  /// From other extents of the same rank; a static extent must agree with the other's.
  template <index_t... F>
  requires(sizeof...(F) == sizeof...(E)) constexpr explicit(((E != dynamic_extent && F == dynamic_extent) || ...))
      extents(const extents<F...>& other) {
    assign(std::span<const index_t>(other.values()));
  }

  [[nodiscard]] constexpr index_t extent(std::size_t i) const noexcept {
    if constexpr (ndynamic == 0) {
      return static_[i];
    } else {
      return static_[i] == dynamic_extent ? dynamic_[dynamic_index_[i]] : static_[i];
    }
  }
  /// Every extent, in order.
  [[nodiscard]] constexpr std::array<index_t, sizeof...(E)> values() const noexcept {
    std::array<index_t, sizeof...(E)> all{};
    for (std::size_t i = 0; i < rank(); ++i) all[i] = extent(i);
    return all;
  }

  template <index_t... F>
  friend constexpr bool operator==(const extents& a, const extents<F...>& b) noexcept {
    if constexpr (sizeof...(F) != sizeof...(E)) {
      return false;
    } else {
      for (std::size_t i = 0; i < sizeof...(E); ++i)
        if (a.extent(i) != b.extent(i)) return false;
      return true;
    }
  }

 private:
  constexpr void assign(std::span<const index_t> values) {
    const bool all = values.size() == rank();
    for (std::size_t i = 0, d = 0; i < rank(); ++i) {
      if (static_[i] == dynamic_extent) {
        const index_t x = values[all ? i : d];
        if (x < 0)
          throw shape_error("axle::extents: extent " + detail::int_text(x) + " at position " + detail::int_text(i) +
                            " is negative");
        if constexpr (ndynamic > 0) dynamic_[d] = x;
        ++d;
      } else if (all && values[i] != static_[i]) {
        throw shape_error("axle::extents: extent " + detail::int_text(values[i]) + " at position " +
                          detail::int_text(i) + " does not match the static extent " + detail::int_text(static_[i]));
      }
    }
  }

  struct none {};
  [[no_unique_address]] std::conditional_t<ndynamic == 0, none, std::array<index_t, ndynamic>> dynamic_{};
};

template <class T>
inline constexpr bool is_extents_v = false;
template <index_t... E>
inline constexpr bool is_extents_v<extents<E...>> = true;

namespace detail {

/// Extents E can be made from F (same rank, no two different static extents).
template <class E, class F>
inline constexpr bool extents_compatible_v = false;
template <index_t... E, index_t... F>
requires(sizeof...(E) == sizeof...(F)) inline constexpr bool extents_compatible_v<extents<E...>, extents<F...>> =
    ((E == dynamic_extent || F == dynamic_extent || E == F) && ...);

}  // namespace detail
}  // namespace axle
