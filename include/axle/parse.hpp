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
// or merged dimensions of more than two atoms (nearly all of them) is read into a few integers per
// dimension, the rules of a layout are decided there for the common forms, and its type is built
// from dimension types keyed by those integers alone, which every text of the translation unit
// shares; anything else (labels, longer merges, or a text parse_layout_text would reject) is read
// again by parse_layout_text, which reports the error.

/// An atom as one integer: its table axis (bits 0-15), flipped (16), unit (17), stride (18 up).
/// Its extent, for a part, is kept apart.
inline constexpr long long quick_flipped = 1LL << 16;
inline constexpr long long quick_unit = 1LL << 17;

/// A text read by quick_parse, a dimension (entry) at a time: `ok` false when it must be read by
/// parse_layout_text; `valid` true when quick_parse found that it keeps the rules of a layout
/// (false: the type is checked). Entry e is the atom code[e] (extent[e]), merged with code2[e]
/// (extent2[e]) when code2[e] is not 0: quick_parse reads merged dimensions of two atoms only.
/// A structural type: the type is built from it as a template argument.
struct quick_text {
  bool ok = false;
  bool valid = false;
  int nentries = 0;
  long long code[value::max_atoms]{};
  index_t extent[value::max_atoms]{};
  long long code2[value::max_atoms]{};
  index_t extent2[value::max_atoms]{};
};

/// Reads a text in axle's notation as parse_layout_text does, for texts without labelled axes that
/// it accepts; gives up (ok false) on anything else. Written for the constant evaluator, whose cost
/// is the number of steps: one pass over the characters, one branch per character, axes of a
/// one-letter name found in one step. It also decides the rules of a layout for the common forms
/// (whole axes, spatial ones flipped; a blocked axis as `X/f` with `fx`): valid true means
/// value::validate would find nothing; false leaves them to the type.
template <class Names>
[[nodiscard]] constexpr quick_text quick_parse(const char* s, int size, const Names& t) noexcept {
  quick_text r;
  int natoms = 0;
  int depth = 0;              // 0 before the layout's '(', 1 inside it, 2 inside a merged dimension, 3 after
  int stage = 0;              // 0 an atom may come; 1 after an atom's name; 2 after its number; 3 after '~' or ')'
  int inside = 0;             // the atoms read of the merged dimension being read
  bool part = false;          // the atom read is a part: 16o, 4i@4
  bool checked = true;        // the rules are decided here (else left to the type)
  long long* last = nullptr;  // the code of the atom read
  index_t* last_extent = nullptr;
  unsigned long long whole = 0, outer = 0, inner = 0;  // axes (bit k) seen whole, as X/f, as fx
  int blocked[4]{};                                    // the first four axes seen as X/f, in order, and their factors
  long long factor[4]{};
  int nblocked = 0;
  // The number of at most 10 digits at q, not followed by another digit (-1 if there is none),
  // with q moved past it.
  auto number = [&](int& q) -> long long {
    const int d = q;
    long long v = 0;
    while (q < size && s[q] >= '0' && s[q] <= '9' && q - d < 10) v = v * 10 + (s[q++] - '0');
    return q == d || (q < size && s[q] >= '0' && s[q] <= '9') ? -1 : v;
  };
  for (int p = 0; p < size; ++p) {
    // The characters by how often they come.
    const char ch = s[p];
    if (ch == ' ') continue;
    if (ch == ',') {
      if (stage == 0 || depth == 0 || depth == 3) return r;
      stage = 0;
      continue;
    }
    if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_') {
      if (stage != 0 || depth == 0 || depth == 3 || natoms == value::max_atoms || inside == 2) return r;
      long long extent = dynamic_extent;
      part = ch >= '0' && ch <= '9';
      int q = p;
      if (part) {  // 16o
        extent = number(q);
        if (extent < 1 || extent > max_text_number || q == size) return r;
      }
      const int b = q;
      const char f = s[q];
      if (!((f >= 'a' && f <= 'z') || (f >= 'A' && f <= 'Z') || f == '_')) return r;
      ++q;
      while (q < size && s[q] >= '0' && s[q] <= 'z' &&
             ((s[q] >= 'a') || (s[q] >= 'A' && s[q] <= 'Z') || s[q] <= '9' || s[q] == '_'))
        ++q;
      const int k =
          q == b + 1 ? (part ? t.part_letter[static_cast<unsigned char>(f)] : t.letter[static_cast<unsigned char>(f)])
                     : find_label(t, s + b, q - b, part);
      if (k < 0) return r;
      const int e = r.nentries;
      if (k >= 64) {
        checked = false;
      } else if (part) {
        if ((inner >> k & 1) != 0 || (inside == 1 && (r.code[e] & 0xffff) == k)) checked = false;
        inner |= 1ULL << k;
      } else {
        if ((whole >> k & 1) != 0 || (outer >> k & 1) != 0) checked = false;
        whole |= 1ULL << k;
      }
      if (depth == 1) {
        last = &r.code[e];
        last_extent = &r.extent[e];
        ++r.nentries;
      } else if (inside++ == 0) {
        last = &r.code[e];
        last_extent = &r.extent[e];
      } else {
        last = &r.code2[e];
        last_extent = &r.extent2[e];
      }
      *last = k | (1LL << 18);
      *last_extent = static_cast<index_t>(extent);
      ++natoms;
      p = q - 1;
      stage = 1;
      continue;
    }
    if (ch == ')') {
      if (depth == 0 || depth == 3) return r;
      if (stage == 0) {  // only `()`, the empty layout
        if (depth == 2 || r.nentries != 0) return r;
      } else if (depth == 2) {
        if (inside != 2) return r;  // a merged dimension of one atom, or of more than two
        ++r.nentries;
        inside = 0;
      }
      --depth;
      if (depth == 0) depth = 3;
      stage = 3;
      continue;
    }
    if (ch == '(') {
      if (stage != 0 || depth >= 2) return r;
      ++depth;
      inside = 0;
      continue;
    }
    if (ch == '~') {
      if (stage != 1 && stage != 2) return r;
      const long long c = *last;
      const int k = static_cast<int>(c & 0xffff);
      if (part || (c & quick_unit) != 0 || k >= 64 || (t.spatial >> k & 1) == 0 || (c >> 18) != 1) checked = false;
      *last = c | quick_flipped;
      stage = 3;
      continue;
    }
    if (ch == '/' || ch == '=' || ch == '@') {
      if (stage != 1 || part != (ch == '@')) return r;
      int q = p + 1;
      while (q < size && (s[q] == ' ' || s[q] == '\t')) ++q;
      const long long v = number(q);
      if (v < 0 || v > max_text_number) return r;
      p = q - 1;
      const long long c = *last;
      const int k = static_cast<int>(c & 0xffff);
      if (ch == '/') {
        if (v < 2) return r;
        *last = (c & ((1LL << 18) - 1)) | (v << 18);
        whole &= ~(1ULL << k);
        if ((outer >> k & 1) != 0) checked = false;
        outer |= 1ULL << k;
        if (nblocked == 4) {
          checked = false;
        } else {
          blocked[nblocked] = k;
          factor[nblocked++] = v;
        }
      } else if (ch == '=') {
        if (v != 1) return r;
        *last = c | quick_unit;
        *last_extent = 1;
        checked = false;
      } else {
        if (v < 1) return r;
        *last = (c & ((1LL << 18) - 1)) | (v << 18);
        checked = false;
      }
      stage = 2;
      continue;
    }
    if (ch != '\t') return r;
  }
  r.ok = depth == 3;
  if (!checked || outer != inner || (whole & outer) != 0) return r;
  // Each blocked axis once as X/f and once as fx: their factors must be equal.
  auto pairs = [&](long long c, index_t x) {
    if (c == 0 || x == dynamic_extent || (c & quick_unit) != 0) return true;  // not a part fx
    const int k = static_cast<int>(c & 0xffff);
    int i = 0;
    while (blocked[i] != k) ++i;
    return factor[i] == x;
  };
  for (int e = 0; outer != 0 && e < r.nentries; ++e)
    if (!pairs(r.code[e], r.extent[e]) || !pairs(r.code2[e], r.extent2[e])) return r;
  r.valid = true;
  return r;
}

/// The layout a quick reading describes, as parse_layout_text reads the same text over table `t`
/// (the table whose names quick_parse was given): for the tests that hold the two readings equal.
[[nodiscard]] constexpr value::layout quick_value(const quick_text& q, const axis_table& t) noexcept {
  value::layout l;
  auto push = [&](long long c, index_t extent) {
    const int k = static_cast<int>(c & 0xffff);
    value::atom a = (c & quick_unit) != 0 ? table_unit(t, k) : table_part(t, k, static_cast<index_t>(c >> 18), extent);
    a.flipped = (c & quick_flipped) != 0;
    l.push(a);
  };
  for (int e = 0; e < q.nentries; ++e) {
    push(q.code[e], q.extent[e]);
    if (q.code2[e] != 0) push(q.code2[e], q.extent2[e]);
    l.close_entry();
  }
  return l;
}

template <fixed_string Text, class Axes>
struct quick_text_of {
  static constexpr quick_text value = quick_parse(Text.value, static_cast<int>(Text.size()), table_of<Axes>::names);
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

/// The type of entry (C1, X1), merged with (C2, X2) when C2 is not 0: one instantiation per distinct
/// entry in the translation unit.
template <class U, long long C1, index_t X1, long long C2, index_t X2>
struct quick_entry {
  using type = merged<typename quick_atom<U, C1, X1>::type, typename quick_atom<U, C2, X2>::type>;
};
template <class U, long long C1, index_t X1, index_t X2>
struct quick_entry<U, C1, X1, 0, X2> {
  using type = typename quick_atom<U, C1, X1>::type;
};

template <class U, quick_text V, class Es>
struct quick_layout;
template <class U, quick_text V, std::size_t... E>
struct quick_layout<U, V, std::index_sequence<E...>> {
  using type = layout<typename quick_entry<U, V.code[E], V.extent[E], V.code2[E], V.extent2[E]>::type...>;
};

/// Layout type L read quickly from Text: the rules decided by quick_parse (true), or checked on L.
template <bool Valid>
struct quick_rules {
  template <class L, fixed_string Text, class Axes>
  using type = L;
};
template <>
struct quick_rules<false> {
  template <class L, fixed_string Text, class Axes>
  using type = typename rules_of<L, parsed_layout_text<Text, Axes>, Text>::type;
};

/// The layout type of a text in axle's notation over axes list Axes: read by quick_parse where it
/// can be, else by parse_layout_text (text_layout_type, which reports the errors).
template <fixed_string Text, class Axes, class Q = quick_text_of<Text, Axes>, bool Quick = Q::value.ok>
struct layout_of_text {
  using type = typename text_layout_type<typename table_of<Axes>::types, parsed_layout_text<Text, Axes>, Text>::type;
};
template <fixed_string Text, class Axes, class Q>
struct layout_of_text<Text, Axes, Q, true> {
  using L = typename quick_layout<typename table_of<Axes>::types, Q::value,
                                  std::make_index_sequence<static_cast<std::size_t>(Q::value.nentries)>>::type;
  // The rules decided by quick_parse, or checked on the type; a rule broken: the full parse points
  // the error at its atom.
  using type = typename quick_rules<Q::value.valid>::template type<L, Text, Axes>;
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
