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
// Tags are case-sensitive, and so are the CLI names `onednn.<tag>` and
// `onednn.deconvolution:<tag>`: lower-casing OIhw16i16o would lose the blocking.
#pragma once

#include <array>
#include <string_view>

#include "../detail/text.hpp"
#include "../ops.hpp"

namespace axle::onednn {

enum class tag_error : unsigned char {
  none,
  empty,
  unknown_letter,        // not one of g o i d h w (either case) or a digit
  letter_repeated,       // a dimension named twice
  block_without_size,    // a lower-case letter after the blocks without a number before it
  block_too_small,       // a block of size < 2
  block_of_plain_dim,    // a block of a dimension written in lower case (or not in the tag)
  outer_without_block,   // an upper-case dimension without an inner block
  spatial_blocked,       // a block of d, h or w (or D, H, W in upper case)
  missing_letter,        // no o or no i
  bad_spatial,           // spatial dimensions other than w, hw or dhw
  too_many_dimensions,   // more storage dimensions than axle supports
};

struct tag_desc {
  value::layout weights{};
  int spatial = 0;
  tag_error error = tag_error::none;
  int position = -1;  // where in the tag
  char letter = 0;
};

namespace detail {

using axle::value::atom;

/// The type universe of parsed tags: atom `source` indices refer to it.
using universe = axle::detail::type_list<axes::G, axes::O, axes::I, axes::D, axes::H, axes::W>;
inline constexpr std::string_view letters = "goidhw";

constexpr int dim_of(char c) noexcept {
  const char lower = axle::detail::lower(c);
  for (std::size_t k = 0; k < letters.size(); ++k)  // not string_view::find: see jax_dimension_numbers.hpp
    if (letters[k] == lower) return static_cast<int>(k);
  return -1;
}

constexpr value::atom dim_atom(int d) noexcept {
  switch (d) {
    case 0: return axle::detail::arg_atom<axes::G>(0);
    case 1: return axle::detail::arg_atom<axes::O>(1);
    case 2: return axle::detail::arg_atom<axes::I>(2);
    case 3: return axle::detail::arg_atom<axes::D>(3);
    case 4: return axle::detail::arg_atom<axes::H>(4);
    default: return axle::detail::arg_atom<axes::W>(5);
  }
}

constexpr tag_desc fail(tag_error e, int position, char letter) noexcept {
  tag_desc r;
  r.error = e;
  r.position = position;
  r.letter = letter;
  return r;
}

}  // namespace detail

/// Parses a oneDNN weights format tag; `deconvolution` reverses every spatial axis.
[[nodiscard]] constexpr tag_desc parse_weights_tag(std::string_view tag, bool deconvolution = false) noexcept {
  using namespace detail;
  if (tag.empty()) return fail(tag_error::empty, 0, 0);
  std::array<int, 6> pos{-1, -1, -1, -1, -1, -1};  // position of each dimension's letter
  std::array<bool, 6> upper{};
  std::size_t k = 0;
  for (; k < tag.size() && !(tag[k] >= '0' && tag[k] <= '9'); ++k) {
    const int d = dim_of(tag[k]);
    if (d < 0) return fail(tag_error::unknown_letter, static_cast<int>(k), tag[k]);
    if (pos[static_cast<std::size_t>(d)] >= 0) return fail(tag_error::letter_repeated, static_cast<int>(k), tag[k]);
    if (d >= 3 && tag[k] >= 'A' && tag[k] <= 'Z') return fail(tag_error::spatial_blocked, static_cast<int>(k), tag[k]);
    pos[static_cast<std::size_t>(d)] = static_cast<int>(k);
    upper[static_cast<std::size_t>(d)] = tag[k] >= 'A' && tag[k] <= 'Z';
  }
  // Blocks: <number><lower-case letter>, outermost first.
  struct block {
    int dim;
    index_t size;
  };
  std::array<block, 16> blocks{};
  int nblocks = 0;
  while (k < tag.size()) {
    const std::size_t start = k;
    index_t size = 0;
    for (; k < tag.size() && tag[k] >= '0' && tag[k] <= '9'; ++k) size = size * 10 + (tag[k] - '0');
    if (k == tag.size()) return fail(tag_error::unknown_letter, static_cast<int>(start), tag[start]);
    const char c = tag[k];
    const int d = dim_of(c);
    if (d < 0 || (c >= 'A' && c <= 'Z')) return fail(tag_error::unknown_letter, static_cast<int>(k), c);
    if (k == start) return fail(tag_error::block_without_size, static_cast<int>(k), c);
    if (size < 2) return fail(tag_error::block_too_small, static_cast<int>(start), c);
    if (d >= 3) return fail(tag_error::spatial_blocked, static_cast<int>(k), c);
    if (pos[static_cast<std::size_t>(d)] < 0 || !upper[static_cast<std::size_t>(d)])
      return fail(tag_error::block_of_plain_dim, static_cast<int>(k), c);
    if (nblocks == static_cast<int>(blocks.size())) return fail(tag_error::too_many_dimensions, static_cast<int>(k), c);
    blocks[static_cast<std::size_t>(nblocks++)] = {d, size};
    ++k;
  }
  for (int d = 0; d < 3; ++d) {
    if (!upper[static_cast<std::size_t>(d)]) continue;
    bool blocked = false;
    for (int b = 0; b < nblocks; ++b) blocked = blocked || blocks[static_cast<std::size_t>(b)].dim == d;
    if (!blocked)
      return fail(tag_error::outer_without_block, pos[static_cast<std::size_t>(d)], tag[static_cast<std::size_t>(pos[static_cast<std::size_t>(d)])]);
  }
  if (pos[1] < 0) return fail(tag_error::missing_letter, -1, 'o');
  if (pos[2] < 0) return fail(tag_error::missing_letter, -1, 'i');
  const bool d_ = pos[3] >= 0, h_ = pos[4] >= 0, w_ = pos[5] >= 0;
  if (!(w_ && (h_ || !d_))) return fail(tag_error::bad_spatial, -1, 0);
  tag_desc r;
  r.spatial = int{d_} + int{h_} + int{w_};
  // Strides of the inner blocks: the last block of a dimension is the innermost (stride 1).
  std::array<index_t, 16> stride{};
  std::array<index_t, 3> total{1, 1, 1};
  for (int b = nblocks - 1; b >= 0; --b) {
    const block& x = blocks[static_cast<std::size_t>(b)];
    stride[static_cast<std::size_t>(b)] = total[static_cast<std::size_t>(x.dim)];
    total[static_cast<std::size_t>(x.dim)] *= x.size;
  }
  for (std::size_t q = 0; q < tag.size() && !(tag[q] >= '0' && tag[q] <= '9'); ++q) {
    const int d = dim_of(tag[q]);
    value::atom a = dim_atom(d);
    if (upper[static_cast<std::size_t>(d)]) {  // the outer part O/16
      a.stride = total[static_cast<std::size_t>(d)];
      a.source = -1;
    }
    a.flipped = deconvolution && d >= 3;
    r.weights.push_entry(a);
  }
  for (int b = 0; b < nblocks; ++b) {
    value::atom a = dim_atom(blocks[static_cast<std::size_t>(b)].dim);
    a.stride = stride[static_cast<std::size_t>(b)];
    a.extent = blocks[static_cast<std::size_t>(b)].size;
    a.source = -1;
    r.weights.push_entry(a);
  }
  if (r.weights.overflow) return fail(tag_error::too_many_dimensions, -1, 0);
  return r;
}

/// `tag<"OIhw16i16o">` and `letter<'x'>`: the facts a diagnostic carries.
template <fixed_string Tag>
struct tag {};
template <char C>
struct letter {};

// --- diagnostics (declared, never defined: the name is the message) ----------------------------

/// A weights tag holds a character other than g, o, i, d, h, w (either case) and block sizes.
/// Fix: spell the tag as oneDNN's dnnl_format_tag_t does: "oihw", "OIhw16i16o", "gOIhw8i8o".
template <class Tag, class Letter>
struct unknown_letter_in_format_tag;
/// A dimension appears twice in the tag.
/// Fix: name each dimension once; its blocks come after the dimensions ("OIhw16i16o").
template <class Tag, class Letter>
struct dimension_named_twice_in_format_tag;
/// After the dimensions, each inner block is a size and a letter (16o); this letter has no size.
/// Fix: write the block's size before its letter.
template <class Tag, class Letter>
struct inner_block_needs_a_size;
/// An inner block of size 0 or 1 is no block.
/// Fix: give a block size of 2 or more, or drop the block and write the dimension in lower case.
template <class Tag, class Letter>
struct inner_block_size_must_be_at_least_2;
/// An inner block of a dimension written in lower case (plain, not blocked) or absent.
/// Fix: write the blocked dimension in upper case ("OIhw16i16o", not "oIhw16o").
template <class Tag, class Letter>
struct inner_block_of_a_lower_case_dimension;
/// A dimension written in upper case is blocked, but the tag has no inner block for it.
/// Fix: add its block ("OIhw16i16o"), or write it in lower case.
template <class Tag, class Letter>
struct upper_case_dimension_needs_an_inner_block;
/// oneDNN blocks channels and groups, not the spatial dimensions d, h, w.
/// Fix: write spatial dimensions in lower case, without blocks.
template <class Tag, class Letter>
struct spatial_dimension_cannot_be_blocked;
/// A weights tag names output channels (o) and input channels (i); `letter` is missing.
/// Fix: add the missing dimension.
template <class Tag, class Letter>
struct format_tag_needs_dimension;
/// The spatial dimensions of a weights tag are w, hw or dhw (1-D, 2-D, 3-D); this tag has
/// another combination (or is empty).
/// Fix: list w, h and w, or d, h and w.
template <class Tag>
struct format_tag_spatial_dimensions_must_be_w_hw_or_dhw;
/// The tag has more dimensions and inner blocks than a layout holds (12 atoms).
/// Fix: use a tag with fewer inner blocks.
template <class Tag>
struct format_tag_has_too_many_dimensions;

namespace detail {

template <fixed_string Tag, bool Deconvolution>
struct parsed {
  static constexpr tag_desc value = parse_weights_tag(Tag.view(), Deconvolution);
};
template <class P>
struct weights_holder {
  static constexpr const value::layout& value = P::value.weights;
};

template <fixed_string Tag, bool Deconvolution>
constexpr auto diagnostic() noexcept {
  using axle::detail::type_identity;
  constexpr tag_desc d = parsed<Tag, Deconvolution>::value;
  using T = tag<Tag>;
  using L = letter<d.letter>;
  if constexpr (d.error == tag_error::unknown_letter)
    return type_identity<unknown_letter_in_format_tag<T, L>>{};
  else if constexpr (d.error == tag_error::letter_repeated)
    return type_identity<dimension_named_twice_in_format_tag<T, L>>{};
  else if constexpr (d.error == tag_error::block_without_size)
    return type_identity<inner_block_needs_a_size<T, L>>{};
  else if constexpr (d.error == tag_error::block_too_small)
    return type_identity<inner_block_size_must_be_at_least_2<T, L>>{};
  else if constexpr (d.error == tag_error::block_of_plain_dim)
    return type_identity<inner_block_of_a_lower_case_dimension<T, L>>{};
  else if constexpr (d.error == tag_error::outer_without_block)
    return type_identity<upper_case_dimension_needs_an_inner_block<T, L>>{};
  else if constexpr (d.error == tag_error::spatial_blocked)
    return type_identity<spatial_dimension_cannot_be_blocked<T, L>>{};
  else if constexpr (d.error == tag_error::missing_letter)
    return type_identity<format_tag_needs_dimension<T, L>>{};
  else if constexpr (d.error == tag_error::bad_spatial || d.error == tag_error::empty)
    return type_identity<format_tag_spatial_dimensions_must_be_w_hw_or_dhw<T>>{};
  else
    return type_identity<format_tag_has_too_many_dimensions<T>>{};
}

template <fixed_string Tag, bool Deconvolution, bool Ok = parsed<Tag, Deconvolution>::value.error == tag_error::none>
struct weights_of {
  using type = axle::detail::build_layout_t<universe, weights_holder<parsed<Tag, Deconvolution>>>;
};
template <fixed_string Tag, bool Deconvolution>
struct weights_of<Tag, Deconvolution, false> {
  using type = typename axle::detail::reporting<typename decltype(diagnostic<Tag, Deconvolution>())::type, layout<>>::type;
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
