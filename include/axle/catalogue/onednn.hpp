// axle catalogue — oneDNN (uxlfoundation/oneDNN) weight format tags, parsed at compile time.
//
//     axle::onednn::weights<"OIhw16i16o">    // layout<O/16, I/16, H, W, 16i, 16o>
//     axle::onednn::weights<"gOIhw16i16o">   // layout<G, O/16, I/16, H, W, 16i, 16o>
//     axle::onednn::convolution<"oihw">      // descriptor "onednn.oihw"
//     axle::onednn::deconvolution<"iohw">    // descriptor "onednn.deconvolution:iohw" (= PyTorch's convT)
//
// A tag lists the dimensions outermost first, then the inner blocks (outermost first):
//   * a letter per logical dimension: g (groups), o, i, d, h, w; upper case = the outer part of a
//     blocked dimension (`O` = O/16 when the tag has one 16o block), lower case = a plain dimension;
//   * `<number><letter>`: an inner block of that (upper-case) dimension, e.g. 16i, 4o.
// Several blocks of one dimension form a mixed radix, the last one innermost: OIhw4i16o4i has
// I/16, then 4i (stride 4), then 4i (stride 1). The letters follow the `dnnl_types.h` aliases:
// oihw = abcd, hwio = cdba, OIhw16i16o = ABcd16b16a, gOIhw16i16o = aBCde16c16b, Goihw16g = Abcde16a.
//
// Convolution weights are logical [G,] OC, IC, [D,] H, W: O and I of the canonical kernel.
// Deconvolution is implemented as convolution backward_data with OC and IC swapped
// (weights_axes_permutation), so its logical OC is the deconvolution's own output channels and
// the op is the adjoint: the same tag, read with every spatial axis reversed. PyTorch's
// ConvTranspose weight is the deconvolution tag `iohw` (grouped: `giohw`).
//
// oneDNN's dilation is 0-based (no dilation = 0): DH_onednn = DH_torch − 1.
//
// A bad tag is one error naming the problem, the column and the tag (<axle/syntax.hpp>), e.g.
// `axle::unknown_letter<axle::named<"x">, axle::at_column<3>, axle::in_text<"oixw">>`; at run time
// parse_weights_tag returns it.
//
// Tags are case-sensitive, and so are the CLI names `onednn.<tag>` and
// `onednn.deconvolution:<tag>`: lower-casing OIhw16i16o would lose the blocking.
#pragma once

#include <array>
#include <string_view>

#include "../detail/parse.hpp"
#include "../detail/text.hpp"
#include "../ops.hpp"
#include "../syntax.hpp"

namespace axle::onednn {

namespace detail {

using axle::detail::syntax_error_at;
using axle::syntax_problem;

inline constexpr std::string_view letters = "goidhw";

constexpr int dim_of(char c) noexcept {
  const char lower = axle::detail::lower(c);
  for (std::size_t k = 0; k < letters.size(); ++k)  // not string_view::find: see <axle/detail/parse.hpp>
    if (letters[k] == lower) return static_cast<int>(k);
  return -1;
}

/// The built-in axis of dimension letter d (g o i d h w), as an index in the built-in axis table.
constexpr int dim_axis(const axle::detail::axis_table& t, int d) noexcept {
  constexpr std::string_view labels = "GOIDHW";
  return axle::detail::find_axis(t, labels.substr(static_cast<std::size_t>(d), 1));
}

}  // namespace detail

/// Parses a oneDNN weights format tag; `deconvolution` reverses every spatial axis. The result's
/// `layout` is the weights layout, or its `error` says what is wrong and where.
[[nodiscard]] constexpr parsed_layout parse_weights_tag(std::string_view tag, bool deconvolution = false) noexcept {
  using namespace detail;
  using P = syntax_problem;
  const axle::detail::axis_table& t = axle::detail::table_of<axes_list<>>::value;
  parsed_layout r;
  auto fail = [&](P p, int column, std::size_t length = 1, char letter = 0) {
    r.fail(syntax_error_at(p, column, static_cast<int>(length), letter));
    return r;
  };
  auto col = [](std::size_t k) { return static_cast<int>(k) + 1; };
  if (tag.empty()) return fail(P::empty_text, 0, 0);
  std::array<int, 6> pos{-1, -1, -1, -1, -1, -1};  // position of each dimension's letter
  std::array<bool, 6> upper{};
  axle::detail::cursor c{tag};
  for (; !c.done() && !axle::detail::is_digit(c.peek()); ++c.pos) {
    const char x = c.peek();
    const int d = dim_of(x);
    if (d < 0) return fail(P::unknown_letter, c.column());
    if (pos[static_cast<std::size_t>(d)] >= 0) return fail(P::letter_repeated, c.column());
    if (d >= 3 && axle::detail::is_upper(x)) return fail(P::spatial_dimension_cannot_be_blocked, c.column());
    pos[static_cast<std::size_t>(d)] = static_cast<int>(c.pos);
    upper[static_cast<std::size_t>(d)] = axle::detail::is_upper(x);
  }
  // Blocks: <number><lower-case letter>, outermost first.
  struct block {
    int dim;
    index_t size;
    int column;
  };
  std::array<block, 16> blocks{};
  int nblocks = 0;
  while (!c.done()) {
    const std::size_t start = c.pos;
    const axle::detail::number_read n = axle::detail::read_number(c);
    if (n.too_large) return fail(P::number_too_large, col(start), static_cast<std::size_t>(n.digits));
    if (c.done()) return fail(P::factor_without_a_letter, col(start), static_cast<std::size_t>(n.digits));
    const char x = c.peek();
    const int d = dim_of(x);
    if (d < 0 || axle::detail::is_upper(x)) return fail(P::unknown_letter, c.column());
    if (n.digits == 0) return fail(P::block_needs_a_size, c.column());
    if (n.value < 2) return fail(P::block_size_must_be_at_least_2, col(start), static_cast<std::size_t>(n.digits));
    if (d >= 3) return fail(P::spatial_dimension_cannot_be_blocked, c.column());
    if (pos[static_cast<std::size_t>(d)] < 0 || !upper[static_cast<std::size_t>(d)]) return fail(P::block_of_a_dimension_not_blocked, c.column());
    if (nblocks == static_cast<int>(blocks.size())) return fail(P::too_many_axes, c.column());
    blocks[static_cast<std::size_t>(nblocks++)] = {d, static_cast<index_t>(n.value), col(start)};
    ++c.pos;
  }
  for (int d = 0; d < 3; ++d) {
    if (!upper[static_cast<std::size_t>(d)]) continue;
    bool blocked = false;
    for (int b = 0; b < nblocks; ++b) blocked = blocked || blocks[static_cast<std::size_t>(b)].dim == d;
    if (!blocked) return fail(P::upper_case_letter_needs_a_block, col(static_cast<std::size_t>(pos[static_cast<std::size_t>(d)])));
  }
  if (pos[1] < 0) return fail(P::missing_letter, 0, 0, 'o');
  if (pos[2] < 0) return fail(P::missing_letter, 0, 0, 'i');
  const bool d_ = pos[3] >= 0, h_ = pos[4] >= 0, w_ = pos[5] >= 0;
  if (!(w_ && (h_ || !d_))) return fail(P::spatial_letters_must_be_w_hw_or_dhw, 0, 0);
  // Strides of the inner blocks: the last block of a dimension is the innermost (stride 1).
  std::array<index_t, 16> stride{};
  std::array<index_t, 3> total{1, 1, 1};
  for (int b = nblocks - 1; b >= 0; --b) {
    const block& x = blocks[static_cast<std::size_t>(b)];
    stride[static_cast<std::size_t>(b)] = total[static_cast<std::size_t>(x.dim)];
    total[static_cast<std::size_t>(x.dim)] *= x.size;
  }
  for (std::size_t q = 0; q < tag.size() && !axle::detail::is_digit(tag[q]); ++q) {
    const int d = dim_of(tag[q]);
    const int k = dim_axis(t, d);
    value::atom a = upper[static_cast<std::size_t>(d)] ? axle::detail::table_part(t, k, total[static_cast<std::size_t>(d)], dynamic_extent)
                                                       : axle::detail::table_atom(t, k);  // the outer part O/16, or a whole axis
    a.flipped = deconvolution && d >= 3;
    if (!r.push(a, col(q), 1) || !r.close_entry(col(q))) return r;
  }
  for (int b = 0; b < nblocks; ++b) {
    const block& x = blocks[static_cast<std::size_t>(b)];
    const value::atom a = axle::detail::table_part(t, dim_axis(t, x.dim), stride[static_cast<std::size_t>(b)], x.size);
    if (!r.push(a, x.column, 1) || !r.close_entry(x.column)) return r;
  }
  return r;
}

namespace detail {

template <fixed_string Tag, bool Deconvolution>
struct parsed {
  static constexpr parsed_layout value = parse_weights_tag(Tag.view(), Deconvolution);
};

template <fixed_string Tag, bool Deconvolution>
struct weights_of {
  using type = typename axle::detail::text_layout_type<axle::detail::builtin_axes, parsed<Tag, Deconvolution>, Tag>::type;
};

/// "onednn." + tag, or "onednn.deconvolution:" + tag, with static storage.
template <fixed_string Prefix, fixed_string Tag>
struct joined_name {
  static constexpr auto chars = [] {
    std::array<char, Prefix.size() + Tag.size()> a{};
    for (std::size_t k = 0; k < Prefix.size(); ++k) a[k] = Prefix.value[k];
    for (std::size_t k = 0; k < Tag.size(); ++k) a[Prefix.size() + k] = Tag.value[k];
    return a;
  }();
  static constexpr std::string_view value{chars.data(), chars.size()};
};

inline constexpr std::string_view convolution_source =
    "uxlfoundation/oneDNN doc/primitives/convolution.md (convolution is cross-correlation; weights [G,] OC, IC, "
    "spatial; dilation 0-based); include/oneapi/dnnl/dnnl_types.h (dnnl_format_tag_t aliases)";
inline constexpr std::string_view deconvolution_source =
    "uxlfoundation/oneDNN src/cpu/ref_deconvolution.hpp, src/cpu/x64/jit_brgemm_deconv.cpp (conv_descr_create, "
    "weights_axes_permutation: deconvolution = convolution backward_data with OC and IC swapped); "
    "include/oneapi/dnnl/dnnl_types.h";

}  // namespace detail

/// The convolution weights layout of a oneDNN format tag.
template <fixed_string Tag>
using weights = typename detail::weights_of<Tag, false>::type;

/// The deconvolution weights layout of a oneDNN format tag: logical OC is the deconvolution's
/// output, every spatial axis reversed (adjoint semantics).
template <fixed_string Tag>
using deconvolution_weights = typename detail::weights_of<Tag, true>::type;

/// oneDNN convolution with weights in format `Tag`.
// Source: uxlfoundation/oneDNN doc/primitives/convolution.md; include/oneapi/dnnl/dnnl_types.h.
template <fixed_string Tag>
struct convolution : conv_op<weights<Tag>, channels_first<spatial_rank_v<weights<Tag>>>> {
  static constexpr std::string_view name = detail::joined_name<"onednn.", Tag>::value;
  static constexpr std::string_view source = detail::convolution_source;
  static constexpr std::string_view note =
      "dilation is 0-based (no dilation = 0; DH_onednn = DH_torch - 1); activation: logical NC[D]HW";
};

/// oneDNN deconvolution with weights in format `Tag` (logical OC = the deconvolution's output).
// Source: uxlfoundation/oneDNN src/cpu/ref_deconvolution.hpp, src/cpu/x64/jit_brgemm_deconv.cpp
// (weights_axes_permutation), read in copies; include/oneapi/dnnl/dnnl_types.h.
template <fixed_string Tag>
struct deconvolution : conv_transpose_op<semantics::adjoint, deconvolution_weights<Tag>,
                                         channels_first<spatial_rank_v<deconvolution_weights<Tag>>>> {
  static constexpr std::string_view name = detail::joined_name<"onednn.deconvolution:", Tag>::value;
  static constexpr std::string_view source = detail::deconvolution_source;
  static constexpr std::string_view note =
      "implemented as convolution backward_data with OC/IC swapped (sources read in copies); dilation is 0-based; "
      "PyTorch's ConvTranspose weight is tag iohw (grouped: giohw)";
};

// The catalogue's oneDNN entries: the plain tags of each rank and the common blocked ones.
using all_ops = axle::detail::type_list<
    convolution<"oiw">, convolution<"wio">, convolution<"goiw">,  //
    convolution<"oihw">, convolution<"hwio">, convolution<"ohwi">, convolution<"ihwo">, convolution<"iohw">,
    convolution<"goihw">, convolution<"OIhw8i8o">, convolution<"OIhw16i16o">, convolution<"OIhw4i16o4i">,
    convolution<"gOIhw16i16o">, convolution<"Goihw16g">,  //
    convolution<"oidhw">, convolution<"dhwio">, convolution<"goidhw">, convolution<"OIdhw16i16o">,  //
    deconvolution<"oiw">, deconvolution<"goiw">,  //
    deconvolution<"iohw">, deconvolution<"oihw">, deconvolution<"hwio">, deconvolution<"giohw">, deconvolution<"goihw">,
    deconvolution<"IOhw16i16o">, deconvolution<"gIOhw16i16o">,  //
    deconvolution<"iodhw">, deconvolution<"oidhw">, deconvolution<"giodhw">>;

}  // namespace axle::onednn
