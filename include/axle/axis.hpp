// axle — axes: the names of tensor dimensions.
//
// An axis is an empty tag type that carries a compile-time label and a kind. The built-in
// axes live in `axle::axes`; a user defines a new one in one line:
//
//     struct heads : axle::axis<"heads"> {};
//     struct T     : axle::axis<"T", axle::axis_kind::spatial> {};   // a spatial axis can be flipped
//
// Axes are compared by type, never by label: two axes with the same label in different
// namespaces are different axes. A value of an axis type is an index along that axis:
// `O{3}` is output channel 3.
#pragma once

#include <cstddef>
#include <string_view>
#include <type_traits>

#include "fixed_string.hpp"

namespace axle {

using index_t = std::ptrdiff_t;

/// Marks an extent not known at compile time.
inline constexpr index_t dynamic_extent = -1;

/// What an axis is. Only spatial axes have an orientation (can be stored reversed).
enum class axis_kind : unsigned char { batch, channel, group, spatial, block, other };

[[nodiscard]] constexpr std::string_view to_string(axis_kind k) noexcept {
  switch (k) {
    case axis_kind::batch: return "batch";
    case axis_kind::channel: return "channel";
    case axis_kind::group: return "group";
    case axis_kind::spatial: return "spatial";
    case axis_kind::block: return "block";
    case axis_kind::other: return "other";
  }
  return "?";
}

/// Every axis value carries an index, so that `w(O{3}, H{1}, I{0}, W{2})` names an element by
/// axis (in any order). As a template argument an axis is only a tag.
struct axis_base {
  index_t index = 0;
};

/// Base of every axis tag: `struct seq : axle::axis<"seq"> {};`
template <fixed_string Label, axis_kind Kind = axis_kind::other>
struct axis : axis_base {
  static constexpr std::string_view label = Label.view();
  static constexpr axis_kind kind = Kind;
};

/// An axis tag: an empty class derived from `axle::axis<Label, Kind>`.
template <class T>
concept axis_tag = std::is_class_v<T> && std::is_base_of_v<axis_base, T> && requires {
  { T::label } -> std::convertible_to<std::string_view>;
  { T::kind } -> std::convertible_to<axis_kind>;
};

namespace axes {
/// batch
struct N : axis<"N", axis_kind::batch> {};
/// channels of an activation
struct C : axis<"C", axis_kind::channel> {};
/// output channels of the op (per group when a G axis is present)
struct O : axis<"O", axis_kind::channel> {};
/// input channels of the op (per group when a G axis is present)
struct I : axis<"I", axis_kind::channel> {};
/// groups
struct G : axis<"G", axis_kind::group> {};
/// depthwise channel multiplier (the per-group output channels of a depthwise op)
struct M : axis<"M", axis_kind::channel> {};
/// spatial depth, height and width
struct D : axis<"D", axis_kind::spatial> {};
struct H : axis<"H", axis_kind::spatial> {};
struct W : axis<"W", axis_kind::spatial> {};
}  // namespace axes

template <axis_tag A>
inline constexpr bool is_spatial_v = A::kind == axis_kind::spatial;

}  // namespace axle
