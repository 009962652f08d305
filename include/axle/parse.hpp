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

#include <cstddef>
#include <string_view>
#include <utility>

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

// --- the common case, read cheaply ---------------------------------------------------------------
// Every text a program names is read while it compiles. A well-formed text without labelled axes
// (nearly all of them) is read into a few integers per atom, and its type is built from atom types
// keyed by those integers alone, which every text of the translation unit shares; anything else
// (labels, or a text parse_layout_text would reject) is read again by parse_layout_text, which
// reports the error.

/// An atom as one integer: its table axis (bits 0-15), flipped (16), unit (17), stride (18 up).
/// Its extent, for a part, is kept apart.
inline constexpr long long quick_flipped = 1LL << 16;
inline constexpr long long quick_unit = 1LL << 17;

/// A text read by quick_parse: `ok` false when it must be read by parse_layout_text.
struct quick_text {
  bool ok = false;
  int nentries = 0;
  int first[value::max_atoms + 1]{};  // entry e holds atoms [first[e], first[e + 1])
  long long code[value::max_atoms]{};
  index_t extent[value::max_atoms]{};
};

/// Character classes for quick_parse: 1 a space, 2 a digit, 4 a letter or '_'.
struct quick_classes {
  unsigned char of[256]{};
  constexpr quick_classes() noexcept {
    of[static_cast<unsigned char>(' ')] = 1;
    of[static_cast<unsigned char>('\t')] = 1;
    for (int c = '0'; c <= '9'; ++c) of[c] = 2;
    for (int c = 'a'; c <= 'z'; ++c) of[c] = 4;
    for (int c = 'A'; c <= 'Z'; ++c) of[c] = 4;
    of[static_cast<unsigned char>('_')] = 4;
  }
};
inline constexpr quick_classes quick_class{};

/// Reads a text in axle's notation as parse_layout_text does, for texts without labelled axes that
/// it accepts; gives up (ok false) on anything else. The rules of a layout are left to the type.
/// Written as one loop over the characters with few calls: the constant evaluator's cost is the
/// number of steps, and every text a program names is read while it compiles.
[[nodiscard]] constexpr quick_text quick_parse(const char* s, int size, const axis_table& t) noexcept {
  const unsigned char* cls = quick_class.of;
  quick_text r;
  int natoms = 0;
  int p = 0;
  // The number of at most 10 digits at p (-1: none, or more), read on.
  auto number = [&]() -> long long {
    long long v = 0;
    int digits = 0;
    while (p < size && cls[static_cast<unsigned char>(s[p])] == 2 && digits < 10) v = v * 10 + (s[p++] - '0'), ++digits;
    return digits == 0 || (p < size && cls[static_cast<unsigned char>(s[p])] == 2) ? -1 : v;
  };
  while (p < size && cls[static_cast<unsigned char>(s[p])] == 1) ++p;
  if (p == size || s[p] != '(') return r;
  ++p;
  int depth = 1;       // 1 inside the layout's parentheses, 2 inside a merged dimension's
  bool after = false;  // after an atom or a merged dimension (a ',' or ')' is next)
  for (;;) {
    while (p < size && cls[static_cast<unsigned char>(s[p])] == 1) ++p;
    if (p == size) return r;
    const char ch = s[p];
    if (after) {
      if (ch == ',') {
        ++p;
        after = false;
        continue;
      }
      if (ch != ')') return r;
      ++p;
      if (depth == 2) {  // the end of a merged dimension
        depth = 1;
        r.first[++r.nentries] = natoms;
        continue;
      }
      break;
    }
    if (ch == '(') {
      if (depth == 2) return r;
      ++p;
      depth = 2;
      continue;
    }
    if (ch == ')') {  // only `()`, the empty layout
      if (depth == 2 || natoms != 0) return r;
      ++p;
      break;
    }
    // an atom
    if (natoms == value::max_atoms) return r;
    long long stride = 1;
    long long extent = dynamic_extent;
    long long code = 0;
    const bool part = cls[static_cast<unsigned char>(ch)] == 2;
    if (part) {  // 16o, 4i@4
      extent = number();
      if (extent < 1 || extent > max_text_number) return r;
    }
    const int b = p;
    if (p == size || cls[static_cast<unsigned char>(s[p])] != 4) return r;
    while (p < size && cls[static_cast<unsigned char>(s[p])] >= 2) ++p;
    const std::string_view name(s + b, static_cast<std::size_t>(p - b));
    const int k = part ? find_axis_ignoring_case(t, name) : find_axis(t, name);
    if (k < 0) return r;
    while (p < size && cls[static_cast<unsigned char>(s[p])] == 1) ++p;
    const char op = p < size ? s[p] : '\0';
    if (op == '[') return r;  // labelled blocks: parse_layout_text's
    if ((part && op == '@') || (!part && (op == '/' || op == '='))) {
      ++p;
      while (p < size && cls[static_cast<unsigned char>(s[p])] == 1) ++p;
      const long long v = number();
      if (v < 0 || v > max_text_number) return r;
      if (op == '=') {
        if (v != 1) return r;
        code |= quick_unit;
        extent = 1;
      } else {
        if (v < (op == '/' ? 2 : 1)) return r;
        stride = v;
      }
      while (p < size && cls[static_cast<unsigned char>(s[p])] == 1) ++p;
    }
    if (p < size && s[p] == '~') {
      ++p;
      code |= quick_flipped;
    }
    r.code[natoms] = code | k | (stride << 18);
    r.extent[natoms] = static_cast<index_t>(extent);
    ++natoms;
    if (depth == 1) r.first[++r.nentries] = natoms;
    after = true;
  }
  while (p < size && cls[static_cast<unsigned char>(s[p])] == 1) ++p;
  r.ok = p == size;
  return r;
}

template <fixed_string Text, class Axes>
struct quick_text_of {
  static constexpr quick_text value = quick_parse(Text.value, static_cast<int>(Text.size()), table_of<Axes>::value);
};

/// The type of an atom of table U given as its code and extent: one instantiation per distinct
/// atom in the translation unit.
template <class U, long long Code, index_t Extent, bool Flipped = (Code & quick_flipped) != 0>
struct quick_atom {
  using type = flipped<typename quick_atom<U, Code & ~quick_flipped, Extent>::type>;
};
template <class U, long long Code, index_t Extent>
  requires((Code & quick_flipped) == 0 && (Code & quick_unit) == 0)
struct quick_atom<U, Code, Extent, false> {
  using type = typename part_of<type_at_t<U, static_cast<std::size_t>(Code & 0xffff)>, static_cast<index_t>(Code >> 18), Extent>::type;
};
template <class U, long long Code, index_t Extent>
  requires((Code & quick_unit) != 0)
struct quick_atom<U, Code, Extent, false> {
  using type = unit<type_at_t<U, static_cast<std::size_t>(Code & 0xffff)>>;
};

template <bool Single>
struct quick_entry {  // one atom
  template <class U, class Q, int E>
  using type = typename quick_atom<U, Q::value.code[Q::value.first[E]], Q::value.extent[Q::value.first[E]]>::type;
};
template <class U, class Q, int First, class Ks>
struct quick_merged;
template <class U, class Q, int First, std::size_t... K>
struct quick_merged<U, Q, First, std::index_sequence<K...>> {
  using type = merged<typename quick_atom<U, Q::value.code[First + static_cast<int>(K)], Q::value.extent[First + static_cast<int>(K)]>::type...>;
};
template <>
struct quick_entry<false> {  // a merged dimension
  template <class U, class Q, int E>
  using type = typename quick_merged<U, Q, Q::value.first[E],
                                     std::make_index_sequence<static_cast<std::size_t>(Q::value.first[E + 1] - Q::value.first[E])>>::type;
};

template <class U, class Q, class Es>
struct quick_layout;
template <class U, class Q, std::size_t... E>
struct quick_layout<U, Q, std::index_sequence<E...>> {
  using type = layout<typename quick_entry<Q::value.first[E + 1] - Q::value.first[E] == 1>::template type<U, Q, static_cast<int>(E)>...>;
};

/// The layout type of a text in axle's notation over axes list Axes: read by quick_parse where it
/// can be, else by parse_layout_text (text_layout_type, which reports the errors).
template <fixed_string Text, class Axes, class Q = quick_text_of<Text, Axes>, bool Quick = Q::value.ok>
struct layout_of_text {
  using type = typename text_layout_type<typename table_of<Axes>::types, parsed_layout_text<Text, Axes>, Text>::type;
};
template <fixed_string Text, class Axes, class Q>
struct layout_of_text<Text, Axes, Q, true> {
  using L = typename quick_layout<typename table_of<Axes>::types, Q, std::make_index_sequence<static_cast<std::size_t>(Q::value.nentries)>>::type;
  // A rule of a layout broken: the full parse points the error at its atom.
  using type = typename rules_of<L, parsed_layout_text<Text, Axes>, Text>::type;
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
using layout_t = typename detail::layout_of_text<Text, Axes>::type;

/// Reads a layout in axle's notation at run time: the same value as `value::of<layout_t<Text>>()`,
/// or an axle::layout_syntax_error naming the problem, the column and the text. Axes are found
/// as by layout_t; the labels of labelled axes are interned (they outlive `text`).
template <class... As>
[[nodiscard]] value::layout parse_layout(std::string_view text, axes_list<As...> = {}) {
  return detail::runtime_layout(detail::parse_layout_text(text, detail::table_of<axes_list<As...>>::value), text);
}

}  // namespace axle
