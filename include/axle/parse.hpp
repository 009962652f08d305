// axle — layouts written in axle's own notation, read at compile time and at run time.
//
//     using torch_convT = axle::layout_t<"((G, I), O, H~, W~)">;
//     static_assert(std::is_same_v<torch_convT, axle::layout<merged<G, I>, O, flipped<H>, flipped<W>>>);
//
//     const axle::value::layout l = axle::parse_layout("(O/16, I/16, H, W, 16i, 16o)");   // at run time
//
// The notation is the one axle prints (<axle/notation.hpp>): whatever to_string prints reads back
// as the same layout, and a text in the printer's spelling prints as itself. The grammar
// (spaces and tabs may stand between tokens):
//
//     layout = "(" [ entry { "," entry } ] ")"
//     entry  = atom | "(" atom { "," atom } ")"          a merged dimension, outer first
//     atom   = name [ "/" number ] [ "~" ]               O, H~, O/16 (the blocks of O by 16)
//            | number name [ "@" number ] [ "~" ]        16o, 4i@4 (a part: extent, at stride)
//            | name "=" "1"                              I=1 (a unit axis)
//            | name "[" label { "," label } "]"          gate[i,f,g,o] (labelled blocks)
//     name   = ( letter | "_" ) { letter | digit | "_" }
//     label  = ( letter | digit | "_" ) { letter | digit | "_" }
//     number = digit { digit }                           at most 2147483647
//
// Axes are found by label: a whole axis by its exact label (`O`, `heads`), a part by its label in
// lower case (`16o` is a part of O). The built-in axes are axes::N C O I G M D H W and
// op_axes::gate, bias, direction, seq, heads, kv_heads, q_per_kv, head_dim, qkv, slot, pair,
// freq; list your own as the second argument,
// `axle::layout_t<"(batch, tokens, heads)", axle::axes_list<batch, tokens>>` (they are searched
// first, so they may reuse a built-in label). The rules of a layout apply: an axis named twice, a
// flipped non-spatial axis or blocks that do not chain are errors, pointed at the atom.
//
// A bad text is one compile-time error, whose name is the problem and whose arguments are the
// column and the text:
//
//     axle::expected_comma_or_closing_parenthesis<axle::at_column<9>, axle::in_text<"((G, I) O, H~, W~)">>
//
// and, at run time, an axle::layout_syntax_error with the same facts:
// `expected ',' or ')' at column 9 of "((G, I) O, H~, W~)"`.
#pragma once

#include <string_view>

#include "layout.hpp"
#include "syntax.hpp"

namespace axle {
namespace detail {

/// One atom at the cursor, pushed onto `r`; false after an error. (Written for the constant
/// evaluator: few calls and no temporary atoms, as every text a program names is parsed once per
/// translation unit.)
constexpr bool parse_atom(cursor& c, const axis_table& t, text_layout& r) noexcept {
  using P = syntax_problem;
  c.skip_spaces();
  const std::size_t start = c.pos;
  const int col = c.column();
  auto fail = [&](P p, int column, int length = 0) {
    r.fail(syntax_error_at(p, column, length));
    return false;
  };
  // A number of at most max_text_number, at least `least`; `too_small` otherwise.
  auto number = [&](index_t& out, index_t least, P too_small) {
    c.skip_spaces();
    const int at = c.column();
    const number_read n = read_number(c);
    if (n.digits == 0) return fail(P::expected_number, at);
    if (n.too_large) return fail(P::number_too_large, at, n.digits);
    if (n.value < least) return fail(too_small, at, n.digits);
    out = static_cast<index_t>(n.value);
    return true;
  };
  int k = -1;
  index_t stride = 1;
  index_t extent = dynamic_extent;
  bool unit = false;
  int labelled = -1;  // the number of labels of a labelled axis
  if (c.pos < c.size && is_digit(c.chars[c.pos])) {  // a part: 16o, 4i@4
    if (!number(extent, 1, P::extent_must_be_positive)) return false;
    const int name_col = c.column();
    const std::string_view name = c.name();
    if (name.empty()) return fail(P::expected_axis_name, name_col);
    k = find_axis_ignoring_case(t, name);
    if (k < 0) return fail(P::unknown_axis, name_col, static_cast<int>(name.size()));
    c.skip_spaces();
    if (c.accept('@') && !number(stride, 1, P::stride_must_be_positive)) return false;
  } else {
    const std::string_view name = c.name();
    if (name.empty()) return fail(P::expected_axis_name, col);
    k = find_axis(t, name);
    if (k < 0) return fail(P::unknown_axis, col, static_cast<int>(name.size()));
    c.skip_spaces();
    const char next = c.pos < c.size ? c.chars[c.pos] : '\0';
    if (next == '/') {  // the blocks: O/16
      ++c.pos;
      if (!number(stride, 2, P::block_size_must_be_at_least_2)) return false;
    } else if (next == '=') {  // a unit axis: I=1
      ++c.pos;
      c.skip_spaces();
      const int at = c.column();
      const number_read n = read_number(c);
      if (n.digits == 0 || n.too_large || n.value != 1) return fail(P::expected_1_after_equals, at, n.digits);
      unit = true;
    } else if (next == '[') {  // labelled blocks: gate[i,f,g,o]
      ++c.pos;
      const int n = r.nlabelled;
      r.label_begin[n] = static_cast<int>(c.pos);
      std::string_view seen[16]{};
      int count = 0;
      for (;;) {
        c.skip_spaces();
        const int at = c.column();
        const std::string_view label = c.name_chars();
        if (label.empty()) return fail(P::expected_label, at);
        for (int q = 0; q < count; ++q)
          if (same_text(seen[q], label)) return fail(P::label_repeated, at, static_cast<int>(label.size()));
        if (count == 16) return fail(P::too_many_labels, at, static_cast<int>(label.size()));
        seen[count++] = label;
        c.skip_spaces();
        if (c.accept(',')) continue;
        if (c.peek() == ']') break;
        return fail(P::expected_comma_or_closing_bracket, c.column());
      }
      r.label_end[n] = static_cast<int>(c.pos);
      ++c.pos;  // ']'
      labelled = count;
    }
  }
  std::size_t end = c.pos;
  c.skip_spaces();
  const bool flipped = c.accept('~');
  if (flipped)
    end = c.pos;
  else
    c.pos = end;
  const int atom = r.layout.natoms;
  if (!r.push(t, k, stride, extent, unit, flipped, col, static_cast<int>(end - start))) return false;
  if (labelled >= 0) {
    const int n = r.nlabelled++;
    r.label_atom[n] = atom;
    r.label_axis[n] = k;
    value::atom& a = r.layout.atoms[atom];
    a.source = t.size + n;  // the n-th labels type after the table's axes
    a.axis_source = a.source;
    a.extent = labelled;
  }
  return true;
}

/// Reads a layout in axle's notation, finding axes in `t`.
[[nodiscard]] constexpr text_layout parse_layout_text(std::string_view text, const axis_table& t) noexcept {
  using P = syntax_problem;
  text_layout r;
  cursor c{text};
  auto fail = [&](P p) {
    r.fail(syntax_error_at(p, c.column()));
    return r;
  };
  c.skip_spaces();
  if (!c.accept('(')) return fail(P::expected_opening_parenthesis);
  c.skip_spaces();
  if (!c.accept(')')) {
    for (;;) {
      c.skip_spaces();
      const int entry_col = c.column();
      if (c.accept('(')) {  // a merged dimension
        for (;;) {
          c.skip_spaces();
          if (c.peek() == '(') return fail(P::nested_parentheses);
          if (!parse_atom(c, t, r)) return r;
          c.skip_spaces();
          if (c.accept(',')) continue;
          if (c.accept(')')) break;
          return fail(P::expected_comma_or_closing_parenthesis);
        }
      } else if (!parse_atom(c, t, r)) {
        return r;
      }
      if (!r.close_entry(entry_col)) return r;
      c.skip_spaces();
      if (c.accept(',')) continue;
      if (c.accept(')')) break;
      return fail(P::expected_comma_or_closing_parenthesis);
    }
  }
  c.skip_spaces();
  if (!c.done()) return fail(P::expected_end_of_text);
  return r;
}

template <fixed_string Text, class Axes>
struct parsed_layout_text {
  static constexpr text_layout value = parse_layout_text(Text.view(), table_of<Axes>::value);
};

template <class T>
inline constexpr bool is_axes_list_v = false;
template <class... As>
inline constexpr bool is_axes_list_v<axes_list<As...>> = true;

}  // namespace detail

/// `axes_list<A...>`: the axes a text may name besides the built-in ones.
template <class T>
concept axes_list_type = detail::is_axes_list_v<T>;

/// The layout type a text in axle's notation spells: `layout_t<"((G, I), O, H~, W~)">` is
/// `layout<merged<G, I>, O, flipped<H>, flipped<W>>`. Axes: the built-in ones and Axes.
template <fixed_string Text, axes_list_type Axes = axes_list<>>
using layout_t = typename detail::text_layout_type<typename detail::table_of<Axes>::types,
                                                   detail::parsed_layout_text<Text, Axes>, Text>::type;

/// Reads a layout in axle's notation at run time: the same value as `value::of<layout_t<Text>>()`,
/// or an axle::layout_syntax_error naming the problem, the column and the text. Axes are found
/// as by layout_t; the labels of labelled axes are interned (they outlive `text`).
template <class... As>
[[nodiscard]] value::layout parse_layout(std::string_view text, axes_list<As...> = {}) {
  return detail::runtime_layout(detail::parse_layout_text(text, detail::table_of<axes_list<As...>>::value), text);
}

}  // namespace axle
