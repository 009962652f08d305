// axle — TVM layout strings (`NCHW16c`, `OIHW16i16o`) as axle's blocked layouts.
//
//     axle::tvm::layout_t<"NCHW16c">      // layout<N, outer<C, 16>, H, W, inner<C, 16>>: (N, C/16, H, W, 16c)
//     axle::tvm::layout_t<"OIHW16i16o">   // (O/16, I/16, H, W, 16i, 16o)
//
// The grammar is that of apache/tvm src/tir/ir/data_layout.cc (Layout::Layout), read outermost
// first:
//
//     layout  = { primal | sub }
//     primal  = upper-case letter              a whole axis, or the blocks of one that has a sub-axis
//     sub     = number lower-case letter       a block of the primal of the same letter (the position
//                                              in a block of `number`); the primal must be present
//
// An upper-case letter means the axis of that label (N C O I G M D H W, and single-letter axes
// listed with `axle::axes_list<...>` as the second argument); its lower case, a block of it. The
// logical index of a blocked axis is `C·16 + c` (TVM: GetStoreRule), which is what axle's
// `(C/16, ..., 16c)` says. Errors follow TVM's: a factor before an upper-case letter, a lower-case
// letter without a factor or with a factor below 2 (TVM accepts 1; axle blocks by at least 2),
// digits at the end, a sub-axis without its primal. axle also rejects, as TVM's newer SLayout does,
// an axis written twice and two sub-axes of one primal, and any other character ("__undef__"
// included). The empty string is TVM's scalar layout: `layout<>`.
//
// TVM pads a blocked axis to a multiple of its factor (shapediv is a ceiling division); axle's
// conversions require the extent to be a multiple, and say so when it is not.
#pragma once

#include <string_view>

#include "syntax.hpp"

namespace axle {
namespace detail {

/// Reads a TVM layout string, finding axes in `t`.
[[nodiscard]] constexpr parsed_layout parse_tvm_layout(std::string_view text, const axis_table& t) noexcept {
  using P = syntax_problem;
  parsed_layout r;
  auto fail = [&](P p, std::size_t at, std::size_t length) {
    r.fail(syntax_error_at(p, static_cast<int>(at) + 1, static_cast<int>(length)));
    return r;
  };
  // Pass 1: the tokens, and the factor of each axis that has a sub-axis.
  struct token {
    int axis;
    long long factor;  // 0: a primal
    std::size_t at, length;
  };
  token tokens[value::max_atoms + 1]{};
  int n = 0;
  cursor c{text};
  while (!c.done()) {
    const std::size_t at = c.pos;
    const number_read f = read_number(c);
    if (f.too_large) return fail(P::number_too_large, at, static_cast<std::size_t>(f.digits));
    const char x = c.peek();
    if (c.done()) return fail(P::factor_without_a_letter, at, static_cast<std::size_t>(f.digits));
    ++c.pos;
    if (!is_letter(x)) return fail(P::unexpected_character, c.pos - 1, 1);
    const char upper = is_lower(x) ? static_cast<char>(x - 'a' + 'A') : x;
    const int k = find_axis(t, std::string_view(&upper, 1));
    if (is_upper(x) && f.digits > 0) return fail(P::factor_before_upper_case_letter, c.pos - 1, 1);
    if (is_lower(x) && f.digits == 0) return fail(P::block_needs_a_size, c.pos - 1, 1);
    if (is_lower(x) && f.value < 2) return fail(P::block_size_must_be_at_least_2, at, static_cast<std::size_t>(f.digits));
    if (k < 0) return fail(is_upper(x) ? P::unknown_axis : P::unknown_letter, c.pos - 1, 1);
    if (n == value::max_atoms) return fail(P::too_many_axes, at, c.pos - at);
    tokens[n++] = {k, f.value, at, c.pos - at};
  }
  for (int q = 0; q < n; ++q) {
    if (tokens[q].factor == 0) continue;
    bool primal = false;
    for (int p = 0; p < n; ++p) primal = primal || (tokens[p].factor == 0 && tokens[p].axis == tokens[q].axis);
    if (!primal) return fail(P::block_of_a_dimension_not_blocked, tokens[q].at + tokens[q].length - 1, 1);
    for (int p = 0; p < q; ++p)
      if (tokens[p].factor != 0 && tokens[p].axis == tokens[q].axis)
        return fail(P::more_than_one_block, tokens[q].at + tokens[q].length - 1, 1);
  }
  // Pass 2: the atoms. A primal with a sub-axis is its blocks; the sub-axis the position in one.
  for (int q = 0; q < n; ++q) {
    const token& k = tokens[q];
    value::atom a = table_atom(t, k.axis);
    if (k.factor != 0) {
      a = table_part(t, k.axis, 1, static_cast<index_t>(k.factor));
    } else {
      for (int p = 0; p < n; ++p)
        if (tokens[p].factor != 0 && tokens[p].axis == k.axis) a = table_part(t, k.axis, static_cast<index_t>(tokens[p].factor), dynamic_extent);
    }
    if (!r.push(a, static_cast<int>(k.at) + 1, static_cast<int>(k.length)) || !r.close_entry(static_cast<int>(k.at) + 1)) return r;
  }
  return r;
}

template <fixed_string Text, class Axes>
struct parsed_tvm {
  static constexpr parsed_layout value = parse_tvm_layout(Text.view(), table_of<Axes>::value);
};

}  // namespace detail

namespace tvm {

/// The layout a TVM layout string describes: `tvm::layout_t<"NCHW16c">` is
/// `layout<N, outer<C, 16>, H, W, inner<C, 16>>`. Axes: the built-in ones and Axes.
template <fixed_string Text, class Axes = axes_list<>>
using layout_t = typename axle::detail::text_layout_type<typename axle::detail::table_of<Axes>::types,
                                                         axle::detail::parsed_tvm<Text, Axes>, Text>::type;

/// A TVM layout string read at run time: the value of `tvm::layout_t<Text>`, or an
/// axle::layout_syntax_error.
template <class... As>
[[nodiscard]] value::layout parse_layout(std::string_view text, axes_list<As...> = {}) {
  return axle::detail::runtime_layout(axle::detail::parse_tvm_layout(text, axle::detail::table_of<axes_list<As...>>::value), text);
}

}  // namespace tvm
}  // namespace axle
