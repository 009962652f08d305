// axle — layouts written as text: what every notation shares.
//
// axle reads layouts in its own notation (<axle/parse.hpp>), as einops patterns
// (<axle/einops.hpp>), TVM layout strings (<axle/tvm.hpp>), oneDNN format tags
// (<axle/catalogue/onednn.hpp>) and JAX dimension_numbers (<axle/jax_dimension_numbers.hpp>).
// Every parser is one constexpr function built on the toolkit of <axle/detail/parse.hpp> (the
// cursor, character classes, numbers, positions and the one error type); this file holds the rest
// they share:
//
//   * finding axes by name: the built-in axes (axes::N C O I G M D H W and op_axes::gate,
//     bias, direction, seq, heads, kv_heads, q_per_kv, head_dim, qkv, slot, pair, freq), plus the axes a user lists with `axle::axes_list<...>`,
//     which come first and so shadow a built-in axis of the same label;
//   * the parse result of one layout, its validation (value::validate) with the error pointed at
//     the atom's column, and its labels;
//   * the compile-time half: the layout type of a parse (through the type<->value bridge of
//     <axle/layout.hpp>) or ONE error whose name is the problem and whose arguments are the facts:
//
//         axle::expected_comma_or_closing_parenthesis<axle::at_column<9>,
//                                                     axle::in_text<"((G, I) O, H~, W~)">>
//
//     (long texts are quoted in pieces of 32 characters: clang shortens longer strings in its
//     messages);
//   * the run-time half: the same parse as a value::layout, or an axle::layout_syntax_error whose
//     message is `expected ',' or ')' at column 9 of "((G, I) O, H~, W~)"`. Labels read at run time
//     are interned (stored once for the life of the program), so a layout read from text may be
//     kept and copied freely; axis information is static (the axes are types).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "axis.hpp"
#include "detail/parse.hpp"
#include "detail/type_list.hpp"
#include "diagnostics.hpp"
#include "engine/validate.hpp"
#include "errors.hpp"
#include "fast/records.hpp"
#include "fixed_string.hpp"
#include "layout.hpp"
#include "op_axes.hpp"

namespace axle {

/// Axes a layout written as text may name besides the built-in ones, found by their labels:
/// `axle::layout_t<"(seq, heads)", axle::axes_list<seq, heads>>`. They come before the built-in
/// axes, so `axes_list<my_heads>` makes `heads` mean `my_heads`.
template <axis_tag... As>
struct axes_list {};

/// An error in a text's syntax: what, and where. Every run-time parser of axle throws it; the
/// message is one line, e.g. `expected ',' or ')' at column 9 of "((G, I) O, H~, W~)"`.
using syntax_error = detail::syntax_error;
using syntax_problem = detail::syntax_problem;

// --- the facts a text diagnostic carries --------------------------------------------------------

/// Characters of a text as a template argument, printed by both compilers as a quoted string.
template <int N>
struct chars {
  char value[static_cast<std::size_t>(N) + 1]{};
};
/// The 1-based column of the offending character.
template <int Column>
struct at_column {};
/// The text, quoted in pieces of at most 32 characters.
template <chars... Pieces>
struct in_text {};
/// The name (or letter, or number) the problem concerns, as written.
template <chars Name>
struct named {};
/// A letter the problem concerns that is not in the text (a missing one).
template <char C>
struct letter {};

// --- the diagnostics (declared, never defined: the name is the message) --------------------------
// axis_named_twice, cannot_flip_non_spatial_axis, blocked_axis_needs_one_outer_part,
// blocked_parts_do_not_chain, parts_of_one_axis_flipped_differently, merged_parts_of_one_axis and
// too_many_axes are those of <axle/diagnostics.hpp>, with the column and the text as context.

/// A layout in axle's notation (`layout_t<"...">`) does not start with `(`: the layout is a list
/// in parentheses, even of one dimension.
/// Fix: enclose the dimensions in one pair of parentheses: `layout_t<"(O, I, H, W)">`, not
/// `layout_t<"O, I, H, W">`.
template <class... Facts>
struct expected_opening_parenthesis;
/// In axle's notation, a dimension (or an axis inside a merged dimension) is followed by something
/// other than `,` or `)`: two axes side by side, or a stray character.
/// Fix: separate dimensions with commas and write a merged dimension in its own parentheses:
/// `"((G, I), O, H~, W~)"`, not `"((G, I) O, H~, W~)"`.
template <class... Facts>
struct expected_comma_or_closing_parenthesis;
/// In axle's notation, an axis name is missing: a part's extent without its axis (`16`), or an
/// empty dimension between two commas.
/// Fix: write the axis after a part's extent, and one axis per dimension:
/// `"(I/16, O, H, W, 16i)"`, not `"(I/16, O, H, W, 16)"`.
template <class... Facts>
struct expected_axis_name;
/// In axle's notation, a number is missing after `/` (the block size of an axis's outer part) or
/// after `@` (the stride of a part).
/// Fix: write the size: `"(O/16, I, H, W, 16o)"`, not `"(O/, I, H, W, 16o)"`; a stride as in `4i@4`
/// (without `@`, the stride is 1).
template <class... Facts>
struct expected_number;
/// In axle's notation, the labels of labelled blocks (`gate[...]`) are not separated by commas, or
/// the list is not closed with `]`.
/// Fix: separate the labels with commas and close the list: `"(gate[i,f,g,o], O)"`, not
/// `"(gate[i f g o], O)"`.
template <class... Facts>
struct expected_comma_or_closing_bracket;
/// In axle's notation, labelled blocks (`gate[...]`) hold an empty label: `[]`, two commas in a
/// row, or a comma before `]`.
/// Fix: write one name per block, separated by commas: `"(gate[i,f,g,o], O)"`, not
/// `"(gate[i,f,,o], O)"`.
template <class... Facts>
struct expected_label;
/// In axle's notation, `A=` is followed by something other than `1`: `A=1` is a dimension of extent
/// 1 (a unit axis), and a layout records no other extent of a whole axis.
/// Fix: write `"(O, I=1, H, W)"` for a dimension of extent 1; for any other extent write the axis
/// alone (`I`), or its parts when it is blocked (`I/4` and `4i`).
template <class... Facts>
struct expected_1_after_equals;
/// In axle's notation, text follows the parenthesis that closes the layout.
/// Fix: write the whole layout in one pair of parentheses, a merged dimension as parentheses inside
/// it: `"(O, I, H, W)"` or `"((O, I), H, W)"`, not `"(O, I), H, W"`.
template <class... Facts>
struct expected_end_of_text;
/// An einops rearrangement (`einops_plan<"...">`) without exactly one `->` between its two
/// patterns.
/// Fix: write the layout the data has, `->`, and the layout it gets: `einops_plan<"o i h w -> i o h w">`;
/// for one layout, use `einops_t<"o i h w">`.
template <class... Facts>
struct expected_arrow;
/// Parentheses inside a merged dimension, in axle's notation or an einops pattern: a merged
/// dimension is one level of parentheses.
/// Fix: list every axis of the merged dimension in one pair of parentheses: `"((G, I), O, H, W)"`,
/// einops `"(g i) o h w"`, not `"((g i)) o h w"`.
template <class... Facts>
struct nested_parentheses;
/// An einops pattern with a `(` that is never closed, or a `)` that closes nothing.
/// Fix: close every merged dimension that you open: `einops_t<"(g i) o h w">`, not
/// `einops_t<"(g i o h w">`.
template <class... Facts>
struct unbalanced_parentheses;
/// A character that the notation does not use: in an einops pattern, anything but letters,
/// digits, `_`, `.`, `(`, `)`, spaces and a `~` at the end of a name; in a TVM layout string, anything
/// but letters and block sizes.
/// Fix: separate einops dimensions with spaces and put `~` only after a name: `"o i h~ w~"`, not
/// `"o, i, h, w"`; write a TVM string as letters and sizes only: `"NCHW16c"`.
template <class... Facts>
struct unexpected_character;
/// A number (a block size, an extent or a stride) beyond 2147483647, in axle's notation, a TVM
/// layout string or a oneDNN tag.
/// Fix: use the real block size, which is small: `tvm::layout_t<"NCHW16c">`,
/// `onednn::weights<"OIhw16i16o">`, `layout_t<"(O/16, I, H, W, 16o)">`.
template <class... Facts>
struct number_too_large;
/// A block size below 2: `O/1` in axle's notation, `1c` in a TVM string, `1i` in a oneDNN tag. A
/// block of 1 is no blocking (TVM accepts it; axle blocks by at least 2).
/// Fix: block by 2 or more: `"OIhw16i16o"`, `"NCHW16c"`, `"(O/16, I, H, W, 16o)"`; or drop the block
/// and write the axis whole: `"oihw"`, `"NCHW"`, `"(O, I, H, W)"`.
template <class... Facts>
struct block_size_must_be_at_least_2;
/// In axle's notation, a part of an axis with extent 0 (`0o`).
/// Fix: give the part its extent, at least 1: `"(O/16, I, H, W, 16o)"`, not `"(O/16, I, H, W, 0o)"`.
template <class... Facts>
struct extent_must_be_positive;
/// In axle's notation, a part of an axis with stride 0 (`4i@0`): the stride of a part is the
/// number of steps of the axis between two of its indices, at least 1.
/// Fix: write the part's real stride, or leave out `@` for stride 1:
/// `"(I/16, O, H, W, 4i@4, 4i)"`, not `"(I/16, O, H, W, 4i@0, 4i)"`.
template <class... Facts>
struct stride_must_be_positive;
/// A name (in axle's notation or an einops pattern) or an upper-case letter (in a TVM string) that
/// is no axis: neither built in (N C O I G M D H W, gate, heads, ...) nor listed with `axes_list`,
/// nor bound with `bind`.
/// Fix: declare the axis and list it: `layout_t<"(O, I, kh, kw)", axes_list<kh, kw>>` (a TVM string
/// names single-letter axes, listed the same way); in einops, bind the name to an axis:
/// `einops_t<"kh kw i o", bind<"kh", H>, bind<"kw", W>>`.
template <class... Facts>
struct unknown_axis;
/// In axle's notation, labelled blocks with one label twice: the blocks are told apart by their
/// labels.
/// Fix: give each block its own label: `"(gate[i,f,g,o], O)"`, not `"(gate[i,f,g,i], O)"`.
template <class... Facts>
struct label_repeated;
/// In axle's notation, labelled blocks with more than 16 labels.
/// Fix: label at most 16 blocks: `"(gate[i,f,g,o], O)"`; an axis with more blocks is written without
/// labels (`gate`), its blocks told apart by their index.
template <class... Facts>
struct too_many_labels;
/// An einops pattern with dots that are not one ellipsis `...` (one, two, or four dots).
/// Fix: write the ellipsis with three dots, or no dots at all: `einops_t<"o i ... h w">`, not
/// `einops_t<"o i .. h w">`.
template <class... Facts>
struct dots_only_in_ellipsis;
/// An einops pattern with two ellipses: `...` stands for all the dimensions not named, once.
/// Fix: write one `...` and name the other dimensions: `einops_t<"... o i">`, not
/// `einops_t<"... o ... i">`.
template <class... Facts>
struct more_than_one_ellipsis;
/// An einops name that is no identifier: it starts with `_` or ends with `_` (einops rejects both).
/// Fix: use a name of letters, digits and inner underscores: `einops_t<"o i h w">`, not
/// `einops_t<"o_ i h w">`; bind a name of your own to an axis: `bind<"c_out", O>`.
template <class... Facts>
struct invalid_axis_identifier;
/// An einops pattern with a dimension `0`.
/// Fix: write `1` for a dimension of extent 1 and bind it to an axis:
/// `einops_t<"o 1 h w", bind<"1", I>>`; or name the dimension: `"o i h w"`.
template <class... Facts>
struct anonymous_axis_must_be_positive;
/// An einops pattern with an anonymous dimension other than 1 (`3`): einops' rearrange takes no
/// such dimension, and a layout names its axes.
/// Fix: name the dimension: `einops_t<"o i h w">`, not `einops_t<"o 3 h w">`; for a dimension of
/// extent 1, write `1` and bind it: `einops_t<"o 1 h w", bind<"1", I>>`.
template <class... Facts>
struct non_unitary_anonymous_axis;
/// An einops pattern with a dimension `1` (or `()`) and no axis bound to "1": a dimension of
/// extent 1 is a unit axis, of an axis the pattern does not name.
/// Fix: say which axis has extent 1: `einops_t<"(g m) 1 h w", bind<"1", I>>` (PyTorch's depthwise
/// weight).
template <class... Facts>
struct no_axis_bound_to_1;
/// An einops rearrangement with a name on one side of `->` only: rearrange neither adds nor drops
/// axes.
/// Fix: name every axis on both sides: `einops_plan<"o i h w -> i o h w">`, not
/// `einops_plan<"o i h w -> i o h">`.
template <class... Facts>
struct axis_only_on_one_side;
/// An einops rearrangement with `...` on one side of `->` only.
/// Fix: write the ellipsis on both sides, or on neither: `einops_plan<"o i ... -> i o ...">`, not
/// `einops_plan<"o i ... -> i o">`.
template <class... Facts>
struct ellipsis_only_on_one_side;
/// An einops rearrangement with `...` inside parentheses on the left of `->`: that would split the
/// dimensions the ellipsis stands for, which rearrange cannot do.
/// Fix: on the left, write `...` outside parentheses; merging it on the right is allowed:
/// `einops_plan<"o ... i -> (o ...) i">`, not `einops_plan<"(o ...) i -> o ... i">`.
template <class... Facts>
struct ellipsis_in_parentheses_on_the_left;
/// An empty oneDNN weights format tag.
/// Fix: write the tag, outermost dimension first: `onednn::weights<"oihw">`, `onednn::weights<"OIhw16i16o">`.
template <class... Facts>
struct empty_text;
/// A letter that the notation does not know: in a oneDNN tag, one other than g o i d h w (or an
/// upper-case letter among the blocks); in a JAX spec, one that is neither an upper-case letter nor a
/// digit, or a feature letter of the other kind (N or C in the kernel spec, O or I in the others); in
/// a TVM string, a lower-case letter of no axis.
/// Fix: oneDNN: `onednn::weights<"OIhw16i16o">`; JAX: `jax::conv_general_dilated<"NCHW", "OIHW",
/// "NCHW">`; TVM: `tvm::layout_t<"NCHW16c">`.
template <class... Facts>
struct unknown_letter;
/// A letter written twice: a oneDNN tag or a JAX spec names each dimension once.
/// Fix: name each dimension once: `onednn::weights<"oihw">`, not `"oihhw"`; a oneDNN block of a
/// dimension follows the digits, with the dimension in upper case: `"OIhw16i16o"`; JAX:
/// `"NCHW"`, not `"NCHH"`.
template <class... Facts>
struct letter_repeated;
/// A TVM layout string with a factor before an upper-case letter: an upper-case letter is a whole
/// axis (a primal); only a lower-case sub-axis takes a factor.
/// Fix: write the factor before the lower-case letter of the block: `tvm::layout_t<"NCHW16c">`, not
/// `tvm::layout_t<"NC16HW">`.
template <class... Facts>
struct factor_before_upper_case_letter;
/// A block (a lower-case letter in a TVM string, or among a oneDNN tag's blocks) without its size.
/// Fix: write the size before the letter: `tvm::layout_t<"NCHW16c">`, `onednn::weights<"OIhw16i16o">`,
/// not `"OIhw16io"`.
template <class... Facts>
struct block_needs_a_size;
/// A TVM string or a oneDNN tag that ends with digits: a block size with no letter after it.
/// Fix: write the lower-case letter of the blocked axis after the size: `tvm::layout_t<"NCHW16c">`,
/// not `tvm::layout_t<"NCHW16">`.
template <class... Facts>
struct factor_without_a_letter;
/// A block of a dimension that is not written as blocked: in a oneDNN tag, the dimension is in
/// lower case (or absent) before the blocks; in a TVM string, its upper-case letter (the primal) is
/// absent.
/// Fix: write the blocked dimension in upper case: `onednn::weights<"OIhw16i16o">`, not
/// `"oIhw16i16o"`; `tvm::layout_t<"NCHW16c">` holds C for `16c`.
template <class... Facts>
struct block_of_a_dimension_not_blocked;
/// A oneDNN tag with an upper-case (blocked) dimension that has no block after the digits.
/// Fix: give the dimension its block, or write it in lower case: `onednn::weights<"OIhw16i16o">` or
/// `onednn::weights<"oIhw16i">`, not `"OIhw16i"`.
template <class... Facts>
struct upper_case_letter_needs_a_block;
/// A TVM layout string with two sub-axes of one primal (`16c4c`); TVM's newer SLayout rejects it
/// too.
/// Fix: block an axis once: `tvm::layout_t<"NCHW16c">`; for nested blocks, use axle's notation:
/// `layout_t<"(N, C/16, H, W, 4c@4, 4c)">`.
template <class... Facts>
struct more_than_one_block;
/// A oneDNN tag with a spatial dimension (d, h, w) in upper case or blocked: oneDNN blocks only
/// g, o and i.
/// Fix: write the spatial dimensions in lower case and block g, o or i: `onednn::weights<"OIhw16i16o">`,
/// not `"OIHw16h"`.
template <class... Facts>
struct spatial_dimension_cannot_be_blocked;
/// A dimension that must be named is missing: o or i in a oneDNN tag; N and C in a JAX lhs or out
/// spec, O and I in a JAX kernel spec.
/// Fix: name it: `onednn::weights<"oihw">`, not `"ihw"`; JAX:
/// `jax::conv_general_dilated<"NCHW", "OIHW", "NCHW">`.
template <class... Facts>
struct missing_letter;
/// A oneDNN tag whose spatial dimensions are not w, hw or dhw (a depth without width, say).
/// Fix: write `w`, `hw` or `dhw`: `onednn::weights<"oiw">`, `"oihw"`, `"oidhw"`, not `"oidh"`.
template <class... Facts>
struct spatial_letters_must_be_w_hw_or_dhw;
/// JAX dimension_numbers whose specs have different numbers of spatial letters.
/// Fix: give the three specs the same spatial letters' count: `jax::conv_general_dilated<"NCHW",
/// "OIHW", "NCHW">`, not `<"NCHW", "OIH", ...>`.
template <class... Facts>
struct spatial_counts_differ;
/// A JAX kernel or output spec with a spatial letter that the lhs spec does not have: the lhs's
/// spatial letters name the spatial axes.
/// Fix: use the lhs's spatial letters: `jax::conv_general_dilated<"NCHW", "OIHW", "NCHW">`, not
/// `<"NCHW", "OIHX", ...>`.
template <class... Facts>
struct spatial_letter_not_in_lhs;
/// JAX dimension_numbers with no spatial letter or more than three: a convolution has 1, 2 or 3
/// spatial dimensions.
/// Fix: write one to three: `jax::conv_general_dilated<"NCW", "OIW", "NCW">`, `<"NCHW", "OIHW",
/// "NCHW">`, `<"NCDHW", "OIDHW", "NCDHW">`.
template <class... Facts>
struct one_to_three_spatial_letters;

namespace detail {

// --- axes by name --------------------------------------------------------------------------------

using builtin_axes = type_list<axes::N, axes::C, axes::O, axes::I, axes::G, axes::M, axes::D, axes::H, axes::W,
                               op_axes::gate, op_axes::bias, op_axes::direction, op_axes::seq, op_axes::heads,
                               op_axes::kv_heads, op_axes::q_per_kv, op_axes::head_dim, op_axes::qkv, op_axes::slot,
                               op_axes::pair, op_axes::freq>;

/// The axes a parse can name: `size` axis infos, the first `user` of them listed by the user.
struct axis_table {
  const value::axis_info* const* infos = nullptr;
  const int* lengths = nullptr;    // the length of each label
  int size = 0;
  int user = 0;
  // Chains of the axes by initial, in table order: head[c] is the first whose initial is c (or -1),
  // next[k] the one after k (or -1). A name is compared with the few axes of its initial only: a
  // loop step costs the constant evaluator as much as a comparison.
  const int* head = nullptr;
  const int* next = nullptr;
};

/// The names of a list of axes as characters and integers only, held by value, for the quick
/// reading of a text (parse.hpp's quick_parse). Kept apart from table_from: clang 16 took about
/// 1.2 M instructions per text to pass the parse a reference to table_from's members, and takes
/// 0.4 M for this variable (docs/performance.md). letter[c] is the axis find_axis finds for the
/// one-letter name `c`, part_letter[c] the one find_axis_ignoring_case finds (or -1); bit k of
/// spatial is set when axis k (< 64) is spatial.
template <std::size_t Axes, std::size_t Chars>
struct axis_names {
  char chars[Chars]{};  // the labels, one after another
  int begin[Axes]{};    // where label k starts in chars
  int lengths[Axes]{};
  int head[256]{};  // the chains of axis_table
  int next[Axes]{};
  int letter[256]{};
  int part_letter[256]{};
  unsigned long long spatial = 0;
  int user = 0;
};

constexpr char initial(std::string_view label) noexcept { return label.empty() ? '\0' : lower(label[0]); }

/// The axis_names of a list of axis types, User of them listed by the user.
template <class List, int User>
struct names_from;
template <class... Ts, int User>
struct names_from<type_list<Ts...>, User> {
  static constexpr auto make() noexcept {
    constexpr int n = static_cast<int>(sizeof...(Ts));
    axis_names<sizeof...(Ts), (Ts::label.size() + ... + 1)> t{};
    const std::string_view labels[] = {Ts::label...};
    const bool spatial[] = {(Ts::kind == axis_kind::spatial)...};
    for (int i = 0; i < 256; ++i) t.head[i] = t.letter[i] = t.part_letter[i] = -1;
    int at = 0;
    for (int k = 0; k < n; ++k) {
      t.begin[k] = at;
      t.lengths[k] = static_cast<int>(labels[k].size());
      for (const char c : labels[k]) t.chars[at++] = c;
      if (k < 64 && spatial[k]) t.spatial |= 1ULL << k;
    }
    for (int k = n - 1; k >= 0; --k) {
      const auto i = static_cast<unsigned char>(initial(labels[k]));
      t.next[k] = t.head[i];
      t.head[i] = k;
      if (t.lengths[k] == 1) t.letter[static_cast<unsigned char>(labels[k][0])] = k;
    }
    // As find_axis_ignoring_case decides: the user's axes before the built-in ones, an exact label
    // before one equal ignoring case, the first in table order. Written from the least preferred
    // to the most, each pass from the last axis to the first.
    for (int pass = 0; pass < 4; ++pass) {
      const bool user = pass >= 2;
      const bool exact = pass % 2 == 1;
      for (int k = n - 1; k >= 0; --k) {
        if ((k < User) != user || t.lengths[k] != 1) continue;
        const char f = exact ? labels[k][0] : lower(labels[k][0]);
        t.part_letter[static_cast<unsigned char>(f)] = k;
        if (!exact && f >= 'a' && f <= 'z') t.part_letter[static_cast<unsigned char>(f - 'a' + 'A')] = k;
      }
    }
    t.user = User;
    return t;
  }
};
template <class List, int User>
inline constexpr auto names_of = names_from<List, User>::make();

/// The axis table of a list of axis types.
template <class List, int User>
struct table_from;
template <class... Ts, int User>
struct table_from<type_list<Ts...>, User> {
  static constexpr const value::axis_info* infos[] = {&axis_info_of<Ts>...};
  static constexpr const auto& names = names_of<type_list<Ts...>, User>;
  static constexpr axis_table value{infos, names.lengths, static_cast<int>(sizeof...(Ts)), User, names.head, names.next};
};

template <class Axes>
struct table_of;
template <class... As>
struct table_of<axes_list<As...>> {
  static constexpr bool distinct = [] {
    const std::string_view labels[] = {std::string_view{}, As::label...};
    for (std::size_t i = 1; i < sizeof...(As) + 1; ++i)
      for (std::size_t j = 1; j < i; ++j)
        if (labels[i] == labels[j]) return false;
    return true;
  }();
  static_assert(distinct, "axle: two axes of an axes_list have the same label: a text could not tell them apart");
  using types = concat_t<type_list<As...>, builtin_axes>;
  static constexpr const axis_table& value = table_from<types, static_cast<int>(sizeof...(As))>::value;
  static constexpr const auto& names = names_of<types, static_cast<int>(sizeof...(As))>;
};

/// The characters of the label of axis k of a table, or of its names.
[[nodiscard]] constexpr const char* label_chars(const axis_table& t, int k) noexcept { return t.infos[k]->name.data(); }
template <std::size_t Axes, std::size_t Chars>
[[nodiscard]] constexpr const char* label_chars(const axis_names<Axes, Chars>& t, int k) noexcept {
  return t.chars + t.begin[k];
}

/// The axis of table (or names) `t` that the name of n > 0 characters at `name` means. Exactly:
/// the first labelled so (the user's axes come first). Ignoring case (`o` is O, `heads` is heads):
/// among the user's axes, then the built-in ones, one labelled exactly so, else one whose label
/// differs only in case. -1 if none.
template <class Table>
[[nodiscard]] constexpr int find_label(const Table& t, const char* name, int n, bool ignoring_case) noexcept {
  const int first = t.head[static_cast<unsigned char>(lower(name[0]))];
  // Ignoring case: the user's axes exactly, then ignoring case; the built-in ones the same way.
  for (int pass = 0; pass < (ignoring_case ? 4 : 1); ++pass) {
    const bool exact = !ignoring_case || pass % 2 == 0;
    for (int k = first; k >= 0; k = t.next[k]) {
      if ((ignoring_case && (k < t.user) != (pass < 2)) || t.lengths[k] != n) continue;
      const char* l = label_chars(t, k);
      int i = 0;
      if (exact)
        while (i < n && l[i] == name[i]) ++i;
      else
        while (i < n && lower(l[i]) == lower(name[i])) ++i;
      if (i == n) return k;
    }
  }
  return -1;
}

/// The table's axis labelled exactly `name` (the user's first), or -1.
[[nodiscard]] constexpr int find_axis(const axis_table& t, std::string_view name) noexcept {
  return name.empty() ? -1 : find_label(t, name.data(), static_cast<int>(name.size()), false);
}

/// The axis a lower-case name means (`o` is O, `heads` is heads): among the user's axes, then the
/// built-in ones, one labelled exactly so, else one whose label differs only in case; or -1.
[[nodiscard]] constexpr int find_axis_ignoring_case(const axis_table& t, std::string_view name) noexcept {
  return name.empty() ? -1 : find_label(t, name.data(), static_cast<int>(name.size()), true);
}

/// The atom of table axis `k`: a whole axis whose type is entry `k` of the table's type list.
[[nodiscard]] constexpr value::atom table_atom(const axis_table& t, int k) noexcept {
  value::atom a;
  a.axis = t.infos[k]->id;
  a.info = t.infos[k];
  a.source = k;
  a.axis_source = k;
  return a;
}

/// A part of table axis `k`: `O/16` (extent dynamic) or `16o`, `4i@4`.
[[nodiscard]] constexpr value::atom table_part(const axis_table& t, int k, index_t stride, index_t extent) noexcept {
  value::atom a = table_atom(t, k);
  a.source = -1;  // a part built anew from its axis (atom_type's `part_of`)
  a.stride = stride;
  a.extent = extent;
  if (stride == 1 && extent == dynamic_extent) a.source = k;
  return a;
}

/// A unit atom of table axis `k` (`I=1`).
[[nodiscard]] constexpr value::atom table_unit(const axis_table& t, int k) noexcept {
  value::atom a = table_atom(t, k);
  a.source = -1;
  a.unit = true;
  a.extent = 1;
  return a;
}

// --- one parsed layout ---------------------------------------------------------------------------

}  // namespace detail

/// A layout read from text, or why there is none: `layout` and `error` are its meaning; the rest
/// records where each atom was written and where the labels of labelled atoms are in the text.
/// The atoms' `source` indices refer to the axis table's types followed by one `labels<A, "...">`
/// type per labelled atom (the compile-time half builds the type from them). A run-time parse
/// hands out the layout with its labels interned (detail::runtime_layout); here `layout` has none.
struct parsed_layout {
  value::layout layout{};
  syntax_error error{};
  int error_atom = -1;  // the atom a rule of value::validate concerns
  int column[value::max_atoms]{};
  int length[value::max_atoms]{};
  // labelled atoms, in order: the atom, its axis (table index), and where its labels are in the
  // text, between the brackets (spaces in there are not part of the labels)
  int nlabelled = 0;
  int label_atom[value::max_atoms]{};
  int label_axis[value::max_atoms]{};
  int label_begin[value::max_atoms]{};
  int label_end[value::max_atoms]{};

  constexpr void fail(const syntax_error& e) noexcept {
    if (!error) error = e;
  }
  /// Appends an atom of table axis `k` to the current entry, written in place: a whole axis
  /// (stride 1, extent dynamic), the blocks `A/stride`, a part `<extent>a@<stride>`, or a unit axis.
  /// False (and an error) when there are too many atoms.
  constexpr bool push(const detail::axis_table& t, int k, index_t stride, index_t extent, bool unit, bool flipped, int col,
                      int len) noexcept {
    const int n = layout.natoms;
    if (n == value::max_atoms) {
      fail(detail::syntax_error_at(syntax_problem::too_many_axes, col, len));
      return false;
    }
    value::atom& a = layout.atoms[n];
    a.axis = t.infos[k]->id;
    a.info = t.infos[k];
    // The source of an atom of the table is its axis; a part or a unit axis is built anew from
    // its axis (atom_type's part_of and unit).
    a.source = (unit || stride != 1 || extent != dynamic_extent) ? -1 : k;
    a.axis_source = k;
    a.stride = stride;
    a.extent = unit ? 1 : extent;
    a.unit = unit;
    a.flipped = flipped;
    column[n] = col;
    length[n] = len;
    layout.natoms = n + 1;
    return true;
  }
  /// Appends an atom to the current entry; false (and an error) when there are too many.
  constexpr bool push(const value::atom& a, int col, int len) noexcept {
    if (layout.natoms == value::max_atoms) {
      fail(detail::syntax_error_at(syntax_problem::too_many_axes, col, len));
      return false;
    }
    column[layout.natoms] = col;
    length[layout.natoms] = len;
    layout.push(a);
    return true;
  }
  constexpr bool close_entry(int col) noexcept {
    if (layout.nentries == value::max_atoms) {
      fail(detail::syntax_error_at(syntax_problem::too_many_axes, col));
      return false;
    }
    layout.close_entry();
    return true;
  }
};

namespace detail {

using text_layout = parsed_layout;

/// The labels of labelled atom k of a parse of `text`, without the spaces written between them:
/// "i,f,g,o". At most 16 labels, each a name: the parser has checked them.
template <class Out>
constexpr void append_labels(Out& out, const parsed_layout& r, std::string_view text, int k) {
  for (int q = r.label_begin[k]; q < r.label_end[k]; ++q)
    if (!is_space(text[static_cast<std::size_t>(q)])) out += text[static_cast<std::size_t>(q)];
}

/// The problem of a broken rule of a layout (value::validate), and the atom it concerns (-1: the
/// layout as a whole).
struct rule_break {
  syntax_problem problem = syntax_problem::none;
  int atom = -1;
};
constexpr rule_break rule_problem(const value::error& e) noexcept {
  using C = value::error_code;
  using P = syntax_problem;
  switch (e.code) {
    case C::none: return {};
    case C::axis_named_twice: return {P::axis_named_twice, e.b};
    case C::flip_of_non_spatial_axis: return {P::cannot_flip_non_spatial_axis, e.a};
    case C::bad_labels: return {P::label_repeated, e.a};
    case C::blocked_axis_without_outer: return {P::blocked_axis_needs_one_outer_part, e.a};
    case C::blocked_parts_do_not_chain: return {P::blocked_parts_do_not_chain, e.a};
    case C::parts_flipped_differently: return {P::parts_of_one_axis_flipped_differently, e.b};
    case C::non_canonical_merge: return {P::merged_parts_of_one_axis, e.a};
    default: return {P::too_many_axes, -1};
  }
}
/// The syntax error of a broken rule in parse r: pointed at the atom's column.
constexpr syntax_error rule_error(const parsed_layout& r, const value::error& e) noexcept {
  const rule_break b = rule_problem(e);
  return b.atom >= 0 ? syntax_error_at(b.problem, r.column[b.atom], r.length[b.atom]) : syntax_error_at(b.problem, 0);
}

/// Applies the rules of a layout (value::validate) to a parse of `text` read at run time. Labels are
/// seen through local views of the text (as written: the rules only count and compare them, which
/// the spaces do not change once the parser has read them). At compile time the rules are those of
/// the layout type built from the parse (keeps_rules: the fast paths' validation, and
/// detail::checked to report a broken rule).
constexpr void check_rules(parsed_layout& r, std::string_view text) noexcept {
  if (r.error) return;
  std::string_view views[value::max_atoms]{};
  value::layout l = r.layout;
  for (int k = 0; k < r.nlabelled; ++k) {
    views[k] = text.substr(static_cast<std::size_t>(r.label_begin[k]), static_cast<std::size_t>(r.label_end[k] - r.label_begin[k]));
    l.atoms[r.label_atom[k]].labels = &views[k];
  }
  const value::error e = value::validate(l);
  if (!e) return;
  r.error = rule_error(r, e);
  r.error_atom = rule_problem(e).atom;
}

// --- the compile-time half -----------------------------------------------------------------------

/// Characters [Begin, Begin + N) of Text.
template <fixed_string Text, std::size_t Begin, std::size_t N>
constexpr chars<static_cast<int>(N)> substring() noexcept {
  chars<static_cast<int>(N)> out;
  for (std::size_t k = 0; k < N; ++k) out.value[k] = Text.value[Begin + k];
  out.value[N] = '\0';  // written, not left to the initializer: clang prints the array as a string only then
  return out;
}

inline constexpr std::size_t text_piece = 32;

template <fixed_string Text, class Ks>
struct quoted;
template <fixed_string Text, std::size_t... K>
struct quoted<Text, std::index_sequence<K...>> {
  using type = in_text<substring<Text, K * text_piece,
                                 (Text.size() - K * text_piece < text_piece ? Text.size() - K * text_piece : text_piece)>()...>;
};
/// `in_text<"...">`: the text in pieces of at most 32 characters (one piece for an empty text).
template <fixed_string Text>
using quoted_t =
    typename quoted<Text, std::make_index_sequence<Text.size() == 0 ? 1 : (Text.size() + text_piece - 1) / text_piece>>::type;

/// The labels of labelled atom K of parse P of Text, as a template argument.
template <class P, fixed_string Text, int K>
constexpr auto label_text() noexcept {
  constexpr static_string<Text.size()> labels = [] {
    static_string<Text.size()> out;
    append_labels(out, P::value, Text.view(), K);
    return out;
  }();
  char chars[labels.size() + 1]{};
  for (std::size_t k = 0; k < labels.size(); ++k) chars[k] = labels.chars[k];
  return fixed_string<labels.size()>(chars);
}

template <class Types, class P, fixed_string Text, class Ks>
struct labels_types;
template <class Types, class P, fixed_string Text, int... K>
struct labels_types<Types, P, Text, std::integer_sequence<int, K...>> {
  using type = type_list<labels<type_at_t<Types, static_cast<std::size_t>(P::value.label_axis[K])>, label_text<P, Text, K>()>...>;
};

/// The type universe of parse P of Text over the table types: the table, then one labels type per
/// labelled atom.
template <class Types, class P, fixed_string Text, int N = P::value.nlabelled>
struct text_universe {
  using type = concat_t<Types, typename labels_types<Types, P, Text, std::make_integer_sequence<int, N>>::type>;
};
template <class Types, class P, fixed_string Text>
struct text_universe<Types, P, Text, 0> {
  using type = Types;
};

/// Exposes the layout of a parse to the bridge: a copy, so that the bridge reads a value::layout
/// and not the larger parse.
template <class P>
struct text_layout_holder {
  static constexpr value::layout value = P::value.layout;
};

enum class subject_kind { none, name, letter, axis };

constexpr subject_kind subject_of(syntax_problem p) noexcept {
  using P = syntax_problem;
  switch (p) {
    case P::unexpected_character:
    case P::number_too_large:
    case P::unknown_axis:
    case P::label_repeated:
    case P::invalid_axis_identifier:
    case P::non_unitary_anonymous_axis:
    case P::axis_only_on_one_side:
    case P::unknown_letter:
    case P::letter_repeated:
    case P::factor_before_upper_case_letter:
    case P::block_needs_a_size:
    case P::block_of_a_dimension_not_blocked:
    case P::upper_case_letter_needs_a_block:
    case P::more_than_one_block:
    case P::spatial_dimension_cannot_be_blocked:
    case P::spatial_letter_not_in_lhs: return subject_kind::name;
    case P::missing_letter: return subject_kind::letter;
    case P::axis_named_twice:
    case P::cannot_flip_non_spatial_axis:
    case P::blocked_axis_needs_one_outer_part:
    case P::blocked_parts_do_not_chain:
    case P::parts_of_one_axis_flipped_differently:
    case P::merged_parts_of_one_axis: return subject_kind::axis;
    default: return subject_kind::none;
  }
}

/// The facts of error E in Text: what it concerns (Axis, when a rule of a layout is broken), the
/// column and the text.
template <fixed_string Text, syntax_error E, class Axis>
constexpr auto facts_of() noexcept {
  using where = std::conditional_t<(E.column > 0), type_list<at_column<E.column>, quoted_t<Text>>, type_list<quoted_t<Text>>>;
  constexpr subject_kind s = subject_of(E.problem);
  if constexpr (s == subject_kind::name)
    return type_identity<concat_t<type_list<named<substring<Text, static_cast<std::size_t>(E.column - 1),
                                                            static_cast<std::size_t>(E.length)>()>>,
                                  where>>{};
  else if constexpr (s == subject_kind::letter)
    return type_identity<concat_t<type_list<letter<E.letter>>, where>>{};
  else if constexpr (s == subject_kind::axis)
    return type_identity<concat_t<type_list<Axis>, where>>{};
  else
    return type_identity<where>{};
}

/// The diagnostic of error E in Text; `Axis` is the axis a broken rule of a layout concerns.
template <fixed_string Text, syntax_error E, class Axis = void>
struct syntax_diagnostic {
  using F = typename decltype(facts_of<Text, E, Axis>())::type;
  template <template <class...> class D>
  using make = type_identity<rewrap_t<D, F>>;
  static constexpr auto pick() noexcept {
    using P = syntax_problem;
    constexpr P p = E.problem;
    if constexpr (p == P::expected_opening_parenthesis) return make<expected_opening_parenthesis>{};
    else if constexpr (p == P::expected_comma_or_closing_parenthesis) return make<expected_comma_or_closing_parenthesis>{};
    else if constexpr (p == P::expected_axis_name) return make<expected_axis_name>{};
    else if constexpr (p == P::expected_number) return make<expected_number>{};
    else if constexpr (p == P::expected_comma_or_closing_bracket) return make<expected_comma_or_closing_bracket>{};
    else if constexpr (p == P::expected_label) return make<expected_label>{};
    else if constexpr (p == P::expected_1_after_equals) return make<expected_1_after_equals>{};
    else if constexpr (p == P::expected_end_of_text) return make<expected_end_of_text>{};
    else if constexpr (p == P::expected_arrow) return make<expected_arrow>{};
    else if constexpr (p == P::nested_parentheses) return make<nested_parentheses>{};
    else if constexpr (p == P::unbalanced_parentheses) return make<unbalanced_parentheses>{};
    else if constexpr (p == P::unexpected_character) return make<unexpected_character>{};
    else if constexpr (p == P::number_too_large) return make<number_too_large>{};
    else if constexpr (p == P::block_size_must_be_at_least_2) return make<block_size_must_be_at_least_2>{};
    else if constexpr (p == P::extent_must_be_positive) return make<extent_must_be_positive>{};
    else if constexpr (p == P::stride_must_be_positive) return make<stride_must_be_positive>{};
    else if constexpr (p == P::unknown_axis) return make<unknown_axis>{};
    else if constexpr (p == P::label_repeated) return make<label_repeated>{};
    else if constexpr (p == P::too_many_labels) return make<too_many_labels>{};
    else if constexpr (p == P::axis_named_twice) return make<axle::axis_named_twice>{};
    else if constexpr (p == P::cannot_flip_non_spatial_axis) return make<axle::cannot_flip_non_spatial_axis>{};
    else if constexpr (p == P::blocked_axis_needs_one_outer_part) return make<axle::blocked_axis_needs_one_outer_part>{};
    else if constexpr (p == P::blocked_parts_do_not_chain) return make<axle::blocked_parts_do_not_chain>{};
    else if constexpr (p == P::parts_of_one_axis_flipped_differently) return make<axle::parts_of_one_axis_flipped_differently>{};
    else if constexpr (p == P::merged_parts_of_one_axis) return make<axle::merged_parts_of_one_axis>{};
    else if constexpr (p == P::too_many_axes) return make<axle::too_many_axes>{};
    else if constexpr (p == P::dots_only_in_ellipsis) return make<dots_only_in_ellipsis>{};
    else if constexpr (p == P::more_than_one_ellipsis) return make<more_than_one_ellipsis>{};
    else if constexpr (p == P::invalid_axis_identifier) return make<invalid_axis_identifier>{};
    else if constexpr (p == P::anonymous_axis_must_be_positive) return make<anonymous_axis_must_be_positive>{};
    else if constexpr (p == P::non_unitary_anonymous_axis) return make<non_unitary_anonymous_axis>{};
    else if constexpr (p == P::no_axis_bound_to_1) return make<no_axis_bound_to_1>{};
    else if constexpr (p == P::axis_only_on_one_side) return make<axis_only_on_one_side>{};
    else if constexpr (p == P::ellipsis_only_on_one_side) return make<ellipsis_only_on_one_side>{};
    else if constexpr (p == P::ellipsis_in_parentheses_on_the_left) return make<ellipsis_in_parentheses_on_the_left>{};
    else if constexpr (p == P::empty_text) return make<empty_text>{};
    else if constexpr (p == P::unknown_letter) return make<unknown_letter>{};
    else if constexpr (p == P::letter_repeated) return make<letter_repeated>{};
    else if constexpr (p == P::factor_before_upper_case_letter) return make<factor_before_upper_case_letter>{};
    else if constexpr (p == P::block_needs_a_size) return make<block_needs_a_size>{};
    else if constexpr (p == P::factor_without_a_letter) return make<factor_without_a_letter>{};
    else if constexpr (p == P::block_of_a_dimension_not_blocked) return make<block_of_a_dimension_not_blocked>{};
    else if constexpr (p == P::upper_case_letter_needs_a_block) return make<upper_case_letter_needs_a_block>{};
    else if constexpr (p == P::more_than_one_block) return make<more_than_one_block>{};
    else if constexpr (p == P::spatial_dimension_cannot_be_blocked) return make<spatial_dimension_cannot_be_blocked>{};
    else if constexpr (p == P::missing_letter) return make<missing_letter>{};
    else if constexpr (p == P::spatial_letters_must_be_w_hw_or_dhw) return make<spatial_letters_must_be_w_hw_or_dhw>{};
    else if constexpr (p == P::spatial_counts_differ) return make<spatial_counts_differ>{};
    else if constexpr (p == P::spatial_letter_not_in_lhs) return make<spatial_letter_not_in_lhs>{};
    else return make<one_to_three_spatial_letters>{};
  }
  using type = typename decltype(pick())::type;
};

/// Reports diagnostic D now, where the text is used, and stands for T. Not at the end of the
/// translation unit, as the engine's diagnostics are: a text's result is `layout<>`, which the
/// program's own checks may reject, and the text's error must come first. A failed static_assert
/// leaves `type` valid on both compilers, so nothing else fails here.
template <class D, class T>
struct report_now {
  static_assert(sizeof(diagnostic_base<D>) != 0);
  using type = T;
};

/// Whether layout type L keeps the rules of a layout: the fast paths' validation (fast/records.hpp,
/// true exactly when value::validate() finds nothing), and the engine's only to find the error.
template <class L, bool Fast = clayout<L>::valid>
struct keeps_rules {
  static constexpr bool ok = true;
};
template <class L>
struct keeps_rules<L, false> {
  static constexpr bool ok = checked<L>::ok;
};

/// A layout type built from a parse, checked against the rules of a layout: L itself, or one
/// error pointed at the atom that breaks a rule, and `layout<>`.
template <class L, class P, fixed_string Text, bool Ok = keeps_rules<L>::ok>
struct rules_of {
  using type = L;
};
template <class L, class P, fixed_string Text>
struct rules_of<L, P, Text, false> {
  static constexpr value::error e = checked<L>::error;
  template <int A, bool = (A >= 0)>
  struct axis_of {
    using type = void;
  };
  template <int A>
  struct axis_of<A, true> {
    using type = axis_at_t<L, A>;
  };
  using D = typename syntax_diagnostic<Text, rule_error(P::value, e), typename axis_of<rule_problem(e).atom>::type>::type;
  using type = typename report_now<D, layout<>>::type;
};

/// The layout type of parse P (`P::value` a parsed_layout over a table whose types are Types), or,
/// for a bad text, one error and `layout<>`.
template <class Types, class P, fixed_string Text, bool Ok = !P::value.error>
struct text_layout_type {
  using type = typename rules_of<build_layout_t<typename text_universe<Types, P, Text>::type, text_layout_holder<P>>, P, Text>::type;
};
template <class Types, class P, fixed_string Text>
struct text_layout_type<Types, P, Text, false> {
  using type = typename report_now<typename syntax_diagnostic<Text, P::value.error>::type, layout<>>::type;
};

// --- the run-time half ---------------------------------------------------------------------------

/// A string stored for the life of the program; `view` is its text.
struct interned_string {
  std::string text;
  std::string_view view;
  interned_string* next = nullptr;
};

/// `s`, stored once for the life of the program: labels read at run time outlive their text.
/// The strings are a list that only grows, at its head, by compare-and-swap: safe from any thread,
/// and without <map> and <mutex>, which would cost every translation unit that reads a layout's
/// text at compile time a third of a second of clang's time for a function it may never call. A
/// program holds few distinct label lists, so a lookup walks a short list.
inline const std::string_view* intern(std::string_view s) {
  static std::atomic<interned_string*> head{nullptr};
  interned_string* first = head.load(std::memory_order_acquire);
  interned_string* searched_to = nullptr;  // the nodes from here on were searched already
  for (;;) {
    for (interned_string* n = first; n != searched_to; n = n->next)
      if (n->view == s) return &n->view;
    auto* fresh = new interned_string{std::string(s), {}, first};
    fresh->view = fresh->text;
    searched_to = first;
    if (head.compare_exchange_strong(first, fresh, std::memory_order_acq_rel, std::memory_order_acquire)) return &fresh->view;
    delete fresh;  // another thread added strings: search them (first is the new head)
  }
}

/// Throws the layout_syntax_error of `e` in `text`; `name` replaces the name the error points at
/// (the axis of a broken rule).
[[noreturn]] inline void throw_syntax_error(const syntax_error& e, std::string_view text, std::string_view name = {}) {
  std::string message = name.empty() ? syntax_message(e, text) : syntax_message(e, text, name);
#if defined(__cpp_exceptions) || defined(__EXCEPTIONS)
  throw layout_syntax_error(std::move(message), e);
#else
  // Built without exceptions (the compile-time parsers need none): a text read at run time that
  // cannot be parsed ends the program with the message.
  std::fprintf(stderr, "axle: %s\n", message.c_str());
  std::abort();
#endif
}

/// The value of a parse of `text` read at run time, checked against the rules of a layout, its
/// labels interned; or the parse's error, thrown.
inline value::layout runtime_layout(const parsed_layout& parsed, std::string_view text) {
  parsed_layout r = parsed;
  check_rules(r, text);
  if (r.error) throw_syntax_error(r.error, text, r.error_atom >= 0 ? r.layout.atoms[r.error_atom].name() : std::string_view{});
  value::layout l = r.layout;
  for (int k = 0; k < r.nlabelled; ++k) {
    std::string labels;
    append_labels(labels, r, text, k);
    l.atoms[r.label_atom[k]].labels = intern(labels);
  }
  return l;
}

}  // namespace detail
}  // namespace axle
