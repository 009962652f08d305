// axle — the adjoint of a layout.
//
// A transposed convolution in the adjoint convention (PyTorch, TF/Keras, ONNX, ...) computes
// the gradient of the forward convolution that uses the same stored tensor. Read in canonical
// roles, its layout is the forward layout with the per-group input and output channels renamed
// (O <-> I, G stays where it is) and every spatial axis reversed:
//
//     adjoint_t<layout<merged<G, O>, I, H, W>>  ==  layout<merged<G, I>, O, flipped<H>, flipped<W>>
//
// so `std::is_same_v<adjoint_t<torch_conv>, torch_conv_transpose>` holds, and the same test for
// Equinox, whose transposed convolution is "direct", does not.
#pragma once

#include "axis.hpp"
#include "engine/transform.hpp"
#include "diagnostics.hpp"
#include "layout.hpp"

namespace axle {
namespace detail {

template <class L>
struct adjoint_op {
  static constexpr int n = static_cast<int>(universe_t<L>::size);
  static constexpr value::layout value = adjoint(desc_of<L>::value, arg_atom<axes::O>(n), arg_atom<axes::I>(n + 1));
};

template <class L, bool Valid = checked<L>::ok>
struct adjoint_of {
  using type = build_layout_t<concat_t<universe_t<L>, type_list<axes::O, axes::I>>, adjoint_op<L>>;
};
template <class L>
struct adjoint_of<L, false> {
  using type = report_invalid_t<L, L>;
};

}  // namespace detail

/// O <-> I renamed, every spatial axis reversed.
template <layout_type L>
using adjoint_t = typename detail::adjoint_of<L>::type;

template <layout_type A, layout_type B>
inline constexpr bool is_adjoint_layout_v = std::is_same_v<adjoint_t<A>, B>;

template <layout_type L>
constexpr adjoint_t<L> adjoint(L) noexcept {
  return {};
}

}  // namespace axle
