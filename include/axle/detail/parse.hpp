// axle — what every text parser of axle shares: characters, tokens, numbers, positions and errors.
//
// axle reads layouts written in several notations: its own (`((G, I), O, H~, W~)`,
// <axle/parse.hpp>), einops patterns (<axle/einops.hpp>), TVM layout strings (<axle/tvm.hpp>),
// oneDNN format tags (<axle/catalogue/onednn.hpp>) and JAX dimension_numbers
// (<axle/jax_dimension_numbers.hpp>). Each parser is a constexpr function over a `cursor`; a
// problem is one `syntax_error`: what is wrong, where (a 1-based column), and the name or letter
// it concerns. The same error becomes a compile-time diagnostic whose name is the problem
// (<axle/syntax.hpp>) or, at run time, an exception whose message is
//
//     expected ',' or ')' at column 9 of "((G, I) O, H~, W~)"
//
// This file is the bottom floor: standard headers and other detail/ files only.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "text.hpp"

namespace axle::detail {

/// Every problem any of axle's text notations reports. The compile-time diagnostic of each is the
/// class template of the same name (<axle/syntax.hpp>); the run-time message is problem_text().
enum class syntax_problem : unsigned char {
  none,
  // tokens and structure
  expected_opening_parenthesis,
  expected_comma_or_closing_parenthesis,
  expected_axis_name,
  expected_number,
  expected_comma_or_closing_bracket,
  expected_label,
  expected_1_after_equals,
  expected_end_of_text,
  expected_arrow,
  nested_parentheses,
  unbalanced_parentheses,
  unexpected_character,
  number_too_large,
  block_size_must_be_at_least_2,
  extent_must_be_positive,
  stride_must_be_positive,
  unknown_axis,
  label_repeated,
  too_many_labels,
  // the rules of a layout (value::validate), pointed at the atom
  axis_named_twice,
  cannot_flip_non_spatial_axis,
  blocked_axis_needs_one_outer_part,
  blocked_parts_do_not_chain,
  parts_of_one_axis_flipped_differently,
  merged_parts_of_one_axis,
  too_many_axes,
  // einops
  dots_only_in_ellipsis,
  more_than_one_ellipsis,
  invalid_axis_identifier,
  anonymous_axis_must_be_positive,
  non_unitary_anonymous_axis,
  no_axis_bound_to_1,
  axis_only_on_one_side,
  ellipsis_only_on_one_side,
  ellipsis_in_parentheses_on_the_left,
  // letter notations: TVM, oneDNN, JAX
  empty_text,
  unknown_letter,
  letter_repeated,
  factor_before_upper_case_letter,
  block_needs_a_size,
  factor_without_a_letter,
  block_of_a_dimension_not_blocked,
  upper_case_letter_needs_a_block,
  more_than_one_block,
  spatial_dimension_cannot_be_blocked,
  missing_letter,
  spatial_letters_must_be_w_hw_or_dhw,
  spatial_counts_differ,
  spatial_letter_not_in_lhs,
  one_to_three_spatial_letters,
};

/// The largest number a text may hold (block sizes, extents, strides).
inline constexpr long long max_text_number = 2147483647;

/// A problem in a text, and where: `column` is 1-based (the text's size + 1 is its end; 0 means
/// the text as a whole). `length` characters from there are the name the problem concerns;
/// `letter` is a character it concerns that need not be in the text (a missing 'o'). `part`
/// says which of several texts (a JAX spec) it is in. All members are integers and characters,
/// so that an error can be a constant of any compile-time computation.
struct syntax_error {
  syntax_problem problem = syntax_problem::none;
  int column = 0;
  int length = 0;
  char letter = 0;
  int part = 0;

  [[nodiscard]] constexpr explicit operator bool() const noexcept { return problem != syntax_problem::none; }
  /// The name the problem concerns, in `text`.
  [[nodiscard]] constexpr std::string_view name(std::string_view text) const noexcept {
    if (column < 1 || static_cast<std::size_t>(column - 1) > text.size()) return {};
    return text.substr(static_cast<std::size_t>(column - 1), static_cast<std::size_t>(length));
  }
};

constexpr syntax_error syntax_error_at(syntax_problem p, int column, int length = 0, char letter = 0) noexcept {
  return {p, column, length, letter, 0};
}

// --- characters ---------------------------------------------------------------------------------

[[nodiscard]] constexpr bool is_upper(char c) noexcept { return c >= 'A' && c <= 'Z'; }
[[nodiscard]] constexpr bool is_lower(char c) noexcept { return c >= 'a' && c <= 'z'; }
[[nodiscard]] constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
[[nodiscard]] constexpr bool is_letter(char c) noexcept { return is_upper(c) || is_lower(c); }
/// A character of a name: `[A-Za-z0-9_]` (one expression: a call costs the constant evaluator more
/// than a comparison).
[[nodiscard]] constexpr bool is_name_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}
[[nodiscard]] constexpr bool is_space(char c) noexcept { return c == ' ' || c == '\t'; }

// --- the cursor ---------------------------------------------------------------------------------

/// A position in a text. Characters are read through a plain pointer: string_view's operator[]
/// is a function call with a check for the constant evaluator, and a parser reads each character
/// several times. Index loops only: string_view::find compares pointers, which g++ cannot fold
/// in constant expressions under -fsanitize=null.
struct cursor {
  const char* chars = nullptr;
  std::size_t size = 0;
  std::size_t pos = 0;

  constexpr explicit cursor(std::string_view text, std::size_t begin = 0) noexcept
      : chars(text.data()), size(text.size()), pos(begin) {}

  [[nodiscard]] constexpr bool done() const noexcept { return pos >= size; }
  [[nodiscard]] constexpr char peek(std::size_t ahead = 0) const noexcept {
    return pos + ahead < size ? chars[pos + ahead] : '\0';
  }
  /// The 1-based column of the current position (the text's size + 1 at its end).
  [[nodiscard]] constexpr int column() const noexcept { return static_cast<int>(pos) + 1; }
  constexpr void skip_spaces() noexcept {
    while (pos < size && is_space(chars[pos])) ++pos;
  }
  /// Consumes `c` if it is next.
  constexpr bool accept(char c) noexcept {
    if (pos >= size || chars[pos] != c) return false;
    ++pos;
    return true;
  }
  /// Consumes `[A-Za-z0-9_]*` and returns it.
  constexpr std::string_view name_chars() noexcept {
    const std::size_t begin = pos;
    while (pos < size && is_name_char(chars[pos])) ++pos;
    return {chars + begin, pos - begin};
  }
  /// Consumes a name, `[A-Za-z_][A-Za-z0-9_]*`, and returns it (empty if none is next).
  constexpr std::string_view name() noexcept {
    if (pos >= size || is_digit(chars[pos]) || !is_name_char(chars[pos])) return {};
    return name_chars();
  }
};

/// The same characters (string_view's == is several calls for the constant evaluator).
[[nodiscard]] constexpr bool same_text(std::string_view a, std::string_view b) noexcept {
  const std::size_t n = a.size();
  if (n != b.size()) return false;
  const char* x = a.data();
  const char* y = b.data();
  for (std::size_t i = 0; i < n; ++i)
    if (x[i] != y[i]) return false;
  return true;
}

/// A decimal number read from a text.
struct number_read {
  long long value = 0;
  int digits = 0;
  bool too_large = false;  // above max_text_number
};

/// Consumes the digits at the cursor (none: digits == 0).
constexpr number_read read_number(cursor& c) noexcept {
  number_read n;
  while (c.pos < c.size && is_digit(c.chars[c.pos])) {
    if (!n.too_large) {
      n.value = n.value * 10 + (c.chars[c.pos] - '0');
      n.too_large = n.value > max_text_number;
    }
    ++c.pos;
    ++n.digits;
  }
  return n;
}

// --- messages -----------------------------------------------------------------------------------

/// What the problem is, in words: `expected ',' or ')'`, `unknown axis 'X'`. `name` is the name
/// the error concerns (syntax_error::name).
inline std::string problem_text(const syntax_error& e, std::string_view name) {
  using p = syntax_problem;
  const std::string n = "'" + printable(name) + "'";
  const std::string l = e.letter == 0 ? n : "'" + printable(std::string_view(&e.letter, 1)) + "'";
  switch (e.problem) {
    case p::none: return "no error";
    case p::expected_opening_parenthesis: return "expected '('";
    case p::expected_comma_or_closing_parenthesis: return "expected ',' or ')'";
    case p::expected_axis_name: return "expected an axis name";
    case p::expected_number: return "expected a number";
    case p::expected_comma_or_closing_bracket: return "expected ',' or ']'";
    case p::expected_label: return "expected a label";
    case p::expected_1_after_equals: return "expected '1' after '=' (a unit axis is written A=1)";
    case p::expected_end_of_text: return "expected the end of the text";
    case p::expected_arrow: return "expected one '->' between two patterns";
    case p::nested_parentheses: return "parentheses do not nest";
    case p::unbalanced_parentheses: return "unbalanced parentheses";
    case p::unexpected_character: return "unexpected character " + n;
    case p::number_too_large: return "number " + n + " is too large (at most 2147483647)";
    case p::block_size_must_be_at_least_2: return "a block size must be at least 2";
    case p::extent_must_be_positive: return "an extent must be at least 1";
    case p::stride_must_be_positive: return "a stride must be at least 1";
    case p::unknown_axis: return "unknown axis " + n;
    case p::label_repeated: return "label " + n + " repeated";
    case p::too_many_labels: return "more than 16 labels";
    case p::axis_named_twice: return "axis " + n + " named twice";
    case p::cannot_flip_non_spatial_axis: return "axis " + n + " is not spatial and cannot be flipped";
    case p::blocked_axis_needs_one_outer_part: return "blocked axis " + n + " needs one outer part (" + printable(name) + "/n)";
    case p::blocked_parts_do_not_chain: return "the parts of axis " + n + " do not chain (block sizes must multiply up)";
    case p::parts_of_one_axis_flipped_differently: return "the parts of axis " + n + " are flipped differently";
    case p::merged_parts_of_one_axis: return "consecutive parts of axis " + n + " merged (write the axis, or its outer part)";
    case p::too_many_axes: return "more than 12 atoms";
    case p::dots_only_in_ellipsis: return "dots only in an ellipsis (...)";
    case p::more_than_one_ellipsis: return "more than one ellipsis (...)";
    case p::invalid_axis_identifier: return "invalid axis identifier " + n + " (a name may not start or end with '_')";
    case p::anonymous_axis_must_be_positive: return "an anonymous axis must have a positive length";
    case p::non_unitary_anonymous_axis: return "anonymous axis " + n + " (only 1 is supported: a unit axis)";
    case p::no_axis_bound_to_1: return "no axis bound to '1' (axle::bind<\"1\", Axis> says which axis has extent 1)";
    case p::axis_only_on_one_side: return "axis " + n + " only on one side of '->'";
    case p::ellipsis_only_on_one_side: return "an ellipsis (...) only on one side of '->'";
    case p::ellipsis_in_parentheses_on_the_left: return "an ellipsis (...) in parentheses on the left of '->'";
    case p::empty_text: return "empty text";
    case p::unknown_letter: return "unknown letter " + n;
    case p::letter_repeated: return "letter " + n + " repeated";
    case p::factor_before_upper_case_letter: return "a factor before upper-case letter " + l;
    case p::block_needs_a_size: return "block " + n + " needs a size before it";
    case p::factor_without_a_letter: return "a factor without a lower-case letter after it";
    case p::block_of_a_dimension_not_blocked: return "block " + n + " needs its dimension in upper case in the text";
    case p::upper_case_letter_needs_a_block: return "upper-case " + n + " needs a block (<size><lower-case letter>)";
    case p::more_than_one_block: return "more than one block of " + n;
    case p::spatial_dimension_cannot_be_blocked: return "spatial dimension " + n + " cannot be blocked";
    case p::missing_letter: return "letter " + l + " missing";
    case p::spatial_letters_must_be_w_hw_or_dhw: return "spatial dimensions must be w, hw or dhw";
    case p::spatial_counts_differ: return "the specs have different numbers of spatial dimensions";
    case p::spatial_letter_not_in_lhs: return "spatial letter " + n + " is not in the lhs spec";
    case p::one_to_three_spatial_letters: return "one to three spatial dimensions are needed";
  }
  return "unknown problem";
}

/// The one-line message of an error in `text`:
/// `expected ',' or ')' at column 9 of "((G, I) O, H~, W~)"`.
/// `name` is the name the error concerns, when it is not the one written at its column (the axis
/// of a part `16o` is O).
inline std::string syntax_message(const syntax_error& e, std::string_view text, std::string_view name) {
  std::string out = problem_text(e, name);
  out += e.column > 0 ? " at column " + int_text(e.column) + " of \"" : " in \"";
  out += printable(text, 200);
  out += '"';
  return out;
}
inline std::string syntax_message(const syntax_error& e, std::string_view text) { return syntax_message(e, text, e.name(text)); }

}  // namespace axle::detail
