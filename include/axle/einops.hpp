// axle — einops patterns as layouts, and einops rearrangements as plans.
//
//     using torch_convT = axle::einops_t<"(g i) o h~ w~">;   // layout<merged<G, I>, O, flipped<H>, flipped<W>>
//     using hwio = axle::einops_t<"kh kw cin cout", axle::bind<"kh", H>, axle::bind<"kw", W>,
//                                 axle::bind<"cin", I>, axle::bind<"cout", O>>;
//     using P = axle::einops_plan<"o i h w -> i o h w">;      // plan<swap<O, I>>
//
// The grammar is einops' own (arogozhnikov/einops einops/parsing.py, ParsedExpression; the
// rearrange rules of einops/einops.py, _prepare_transformation_recipe):
//
//     pattern    = { " " } [ element { " " { " " } element } ] { " " }
//     element    = axis | "1" | "..." | "(" { " " } [ axis-or-1 { " " axis-or-1 } ] { " " } ")"
//     axis       = identifier [ "~" ]        "~": a reversed spatial axis, axle's extension
//     identifier = ( letter | "_" ) { letter | digit | "_" }, neither starting nor ending with "_"
//     expression = pattern "->" pattern      (einops_plan)
//
// and so are its errors: one level of parentheses, balanced; dots only in one "..."; `0` and
// anonymous axes other than `1` rejected (rearrange has none); a name twice in a pattern; in an
// expression, every name and the ellipsis on both sides, and no ellipsis in parentheses on the
// left. Characters other than letters, digits, "_", ".", "(", ")", " " and axle's "~" are
// rejected (einops also takes non-ASCII letters; axle's axes have ASCII labels).
//
// What a pattern means in axle:
//   * each element is one storage dimension, `(g i)` a merged one, outer first (einops composes
//     row-major, the first name outermost);
//   * a name means an axis: the one bound to it with `axle::bind<"name", Axis>`, else the axis
//     whose label it is, ignoring case (`o` is O, `heads` is op_axes::heads; list your own axes
//     with `axle::axes_list<...>` among the bindings);
//   * einops has no orientation: `h~` (axle's notation) says the axis is stored reversed;
//   * `1` (and `()`) is a dimension of extent 1: in axle a unit axis, of the axis bound to "1"
//     (`axle::bind<"1", I>`: `"(g m) 1 h w"` is PyTorch's depthwise weight); inside parentheses
//     it is dropped, as in einops;
//   * `...` is one axis, `axle::einops::ellipsis` (printed `...`): whatever dimensions it stands
//     for move together, which is what rearrange does with them.
#pragma once

#include <array>
#include <string_view>
#include <type_traits>
#include <utility>

#include "plan.hpp"
#include "syntax.hpp"

namespace axle {

/// Binds an einops name to an axis: `axle::bind<"cout", O>`, `axle::bind<"1", I>`.
template <fixed_string Name, axis_tag A>
struct bind {
  static constexpr std::string_view name = Name.view();
  using axis = A;
};

namespace einops {
/// The axis an einops ellipsis (`...`) stands for: the dimensions it covers, moved together.
struct ellipsis : axis<"..."> {};
}  // namespace einops

namespace detail {

struct einops_binding {
  std::string_view name;
  int axis = -1;  // index in the axis table
};

/// The names a pattern may use: bindings, then the table's axes by label.
struct einops_names {
  axis_table table;
  const einops_binding* bindings = nullptr;
  int nbindings = 0;
  int ellipsis = -1;  // the table index of einops::ellipsis

  [[nodiscard]] constexpr int find(std::string_view name) const noexcept {
    for (int k = 0; k < nbindings; ++k)
      if (bindings[k].name == name) return bindings[k].axis;
    return name == "1" ? -1 : find_axis_ignoring_case(table, name);
  }
};

/// One side of an einops expression: its layout, and what the rearrange rules look at.
struct einops_pattern {
  parsed_layout parsed{};
  int nnames = 0;  // the identifiers, as written (without "~"): column and length
  int name_column[value::max_atoms + 1]{};
  int name_length[value::max_atoms + 1]{};
  int ellipsis_column = 0;  // 0: no ellipsis
  bool ellipsis_in_parentheses = false;
};

/// Reads an einops pattern from characters [begin, end) of `text` (columns count from the start of
/// `text`). Without `resolve`, only the syntax is checked, as einops checks it: names are not yet
/// looked up, so that a syntax error anywhere is reported before an unknown name.
[[nodiscard]] constexpr einops_pattern scan_einops_pattern(std::string_view text, std::size_t begin, std::size_t end,
                                                           const einops_names& names, bool resolve) noexcept {
  using P = syntax_problem;
  einops_pattern p;
  parsed_layout& r = p.parsed;
  auto col = [](std::size_t i) { return static_cast<int>(i) + 1; };
  auto fail = [&](P problem, std::size_t at, std::size_t length = 0) {
    r.fail(syntax_error_at(problem, col(at), static_cast<int>(length)));
    return p;
  };
  // Dots: one ellipsis, and no other dot (einops checks this first).
  int dots = 0, ellipses = 0;
  std::size_t first_dot = end, second_ellipsis = end, stray_dot = end;
  for (std::size_t i = begin; i < end; ++i) {
    if (text[i] != '.') continue;
    if (first_dot == end) first_dot = i;
    ++dots;
    if (i + 2 < end && text[i + 1] == '.' && text[i + 2] == '.') {
      if (++ellipses == 2) second_ellipsis = i;
      dots += 2;
      i += 2;
    } else if (stray_dot == end) {
      stray_dot = i;
    }
  }
  if (dots > 0 && ellipses == 0) return fail(P::dots_only_in_ellipsis, first_dot, 1);
  if (ellipses > 1) return fail(P::more_than_one_ellipsis, second_ellipsis, 3);
  if (dots > 3) return fail(P::dots_only_in_ellipsis, stray_dot, 1);

  bool in_group = false;
  std::size_t group_at = 0;
  int group_first = 0;
  // One element or name: [s, e).
  auto token = [&](std::size_t s, std::size_t e) -> bool {
    const std::string_view t = text.substr(s, e - s);
    bool flipped = false;
    std::string_view name = t;
    for (std::size_t k = 0; k < t.size(); ++k)
      if (t[k] == '~') {
        if (k + 1 != t.size() || k == 0) {
          r.fail(syntax_error_at(P::unexpected_character, col(s + k), 1));
          return false;
        }
        flipped = true;
        name = t.substr(0, k);
      }
    value::atom a;
    if (name == "...") {
      if (flipped) {
        r.fail(syntax_error_at(P::unexpected_character, col(e - 1), 1));
        return false;
      }
      p.ellipsis_column = col(s);
      p.ellipsis_in_parentheses = in_group;
      if (!resolve) return true;
      a = table_atom(names.table, names.ellipsis);
    } else if (is_digit(name[0]) && [&] {
                 for (char x : name)
                   if (!is_digit(x)) return false;
                 return true;
               }()) {
      // 0 (or 00) is no axis; 1 (or 01) a dimension of extent 1; anything else an anonymous axis.
      std::size_t first = 0;
      while (first + 1 < name.size() && name[first] == '0') ++first;
      if (name.substr(first) == "0") {
        r.fail(syntax_error_at(P::anonymous_axis_must_be_positive, col(s), static_cast<int>(name.size())));
        return false;
      }
      if (name.substr(first) != "1") {
        r.fail(syntax_error_at(P::non_unitary_anonymous_axis, col(s), static_cast<int>(name.size())));
        return false;
      }
      if (flipped) {
        r.fail(syntax_error_at(P::unexpected_character, col(e - 1), 1));
        return false;
      }
      if (in_group || !resolve) return true;  // einops drops a 1 inside parentheses
      const int k = names.find("1");
      if (k < 0) {
        r.fail(syntax_error_at(P::no_axis_bound_to_1, col(s), 1));
        return false;
      }
      return r.push(table_unit(names.table, k), col(s), static_cast<int>(t.size())) && r.close_entry(col(s));
    } else {
      bool ok = !name.empty() && !is_digit(name[0]) && name[0] != '_' && name[name.size() - 1] != '_';
      for (char x : name) ok = ok && is_name_char(x);
      if (!ok) {
        r.fail(syntax_error_at(P::invalid_axis_identifier, col(s), static_cast<int>(name.size())));
        return false;
      }
      if (!resolve) return true;
      const int k = names.find(name);
      if (k < 0) {
        r.fail(syntax_error_at(P::unknown_axis, col(s), static_cast<int>(name.size())));
        return false;
      }
      if (p.nnames <= value::max_atoms) {
        p.name_column[p.nnames] = col(s);
        p.name_length[p.nnames++] = static_cast<int>(name.size());
      }
      a = table_atom(names.table, k);
    }
    a.flipped = flipped;
    if (!r.push(a, col(s), static_cast<int>(t.size()))) return false;
    return in_group || r.close_entry(col(s));
  };
  std::size_t start = end;  // of the current token, or `end` when there is none
  for (std::size_t i = begin; i <= end; ++i) {
    const char c = i < end ? text[i] : ' ';
    if (c == ' ' || c == '(' || c == ')') {
      if (start != end && !token(start, i)) return p;
      start = end;
      if (i == end) break;
      if (c == '(') {
        if (in_group) return fail(P::nested_parentheses, i, 1);
        in_group = true;
        group_at = i;
        group_first = r.layout.natoms;
      } else if (c == ')') {
        if (!in_group) return fail(P::unbalanced_parentheses, i, 1);
        in_group = false;
        if (!resolve) continue;
        if (r.layout.natoms == group_first) {  // `()` or `(1)`: a dimension of extent 1
          const int k = names.find("1");
          if (k < 0) return fail(P::no_axis_bound_to_1, group_at, i + 1 - group_at);
          if (!r.push(table_unit(names.table, k), col(group_at), static_cast<int>(i + 1 - group_at))) return p;
        }
        if (!r.close_entry(col(group_at))) return p;
      }
    } else if (is_name_char(c) || c == '.' || c == '~') {
      if (start == end) start = i;
    } else {
      return fail(P::unexpected_character, i, 1);
    }
  }
  if (in_group) return fail(P::unbalanced_parentheses, group_at, 1);
  return p;
}

/// Reads an einops pattern: its syntax first, then what its names mean.
[[nodiscard]] constexpr einops_pattern parse_einops_pattern(std::string_view text, std::size_t begin, std::size_t end,
                                                            const einops_names& names) noexcept {
  const einops_pattern syntax = scan_einops_pattern(text, begin, end, names, false);
  return syntax.parsed.error ? syntax : scan_einops_pattern(text, begin, end, names, true);
}

/// An einops expression `left -> right`, as rearrange reads it.
struct einops_expression {
  einops_pattern left{};
  einops_pattern right{};
  syntax_error error{};  // a rule across the two sides (the sides keep their own errors)
};

[[nodiscard]] constexpr einops_expression parse_einops_expression(std::string_view text, const einops_names& names) noexcept {
  using P = syntax_problem;
  einops_expression x;
  std::size_t arrow = text.size();
  int arrows = 0;
  for (std::size_t i = 0; i + 1 < text.size(); ++i)
    if (text[i] == '-' && text[i + 1] == '>') {
      if (++arrows == 1) arrow = i;
    }
  if (arrows != 1) {
    x.error = syntax_error_at(P::expected_arrow, 0);
    return x;
  }
  x.left = parse_einops_pattern(text, 0, arrow, names);
  if (x.left.parsed.error) return x;
  x.right = parse_einops_pattern(text, arrow + 2, text.size(), names);
  if (x.right.parsed.error) return x;
  const einops_pattern& l = x.left;
  const einops_pattern& r = x.right;
  if ((l.ellipsis_column > 0) != (r.ellipsis_column > 0)) {
    x.error = syntax_error_at(P::ellipsis_only_on_one_side, l.ellipsis_column + r.ellipsis_column, 3);
    return x;
  }
  if (l.ellipsis_in_parentheses) {
    x.error = syntax_error_at(P::ellipsis_in_parentheses_on_the_left, l.ellipsis_column, 3);
    return x;
  }
  // Every name on both sides (names, not the axes they mean: that is what einops compares).
  auto name = [&](const einops_pattern& p, int k) {
    return text.substr(static_cast<std::size_t>(p.name_column[k] - 1), static_cast<std::size_t>(p.name_length[k]));
  };
  for (const auto& [a, b] : {std::pair{&l, &r}, std::pair{&r, &l}})
    for (int k = 0; k < a->nnames; ++k) {
      bool found = false;
      for (int q = 0; q < b->nnames; ++q) found = found || name(*a, k) == name(*b, q);
      if (!found) {
        x.error = syntax_error_at(P::axis_only_on_one_side, a->name_column[k], a->name_length[k]);
        return x;
      }
    }
  return x;
}

// --- the axes and names of a binding list --------------------------------------------------------

template <class B>
struct binding_parts {  // bind<Name, A>
  using bound = type_list<typename B::axis>;
  using listed = type_list<>;
};
template <class... As>
struct binding_parts<axes_list<As...>> {
  using bound = type_list<>;
  using listed = type_list<As...>;
};

template <class T>
inline constexpr bool is_binding_v = false;
template <fixed_string N, class A>
inline constexpr bool is_binding_v<bind<N, A>> = true;
template <class... As>
inline constexpr bool is_binding_v<axes_list<As...>> = true;

template <class... Bs>
struct einops_table {
  static_assert((is_binding_v<Bs> && ...), "axle: einops bindings are axle::bind<\"name\", Axis> and axle::axes_list<...>");
  using bound = concat_t<typename binding_parts<Bs>::bound...>;
  using listed = concat_t<typename binding_parts<Bs>::listed...>;
  using types = concat_t<bound, listed, type_list<einops::ellipsis>, builtin_axes>;
  static constexpr int user = static_cast<int>(bound::size + listed::size) + 1;
  static constexpr auto bindings = [] {
    std::array<einops_binding, sizeof...(Bs) + 1> out{};  // one spare: the array is never empty
    [[maybe_unused]] int n = 0;
    (
        [&] {
          if constexpr (!std::is_same_v<typename binding_parts<Bs>::bound, type_list<>>) {
            out[static_cast<std::size_t>(n)] = {Bs::name, n};
            ++n;
          }
        }(),
        ...);
    return out;
  }();
  static constexpr int nbindings = static_cast<int>(bound::size);
  static constexpr einops_names value{table_from<types, user>::value, bindings.data(), nbindings, user - 1};
};

template <fixed_string Text, class Table>
struct parsed_einops {
  static constexpr einops_pattern value = parse_einops_pattern(Text.view(), 0, Text.size(), Table::value);
};
template <class P>
struct einops_layout_holder {
  static constexpr const parsed_layout& value = P::value.parsed;
};

template <fixed_string Text, class Table>
struct parsed_einops_expression {
  static constexpr einops_expression value = parse_einops_expression(Text.view(), Table::value);
};
template <class P, bool Left>
struct einops_side_holder {
  static constexpr const parsed_layout& value = Left ? P::value.left.parsed : P::value.right.parsed;
};

template <fixed_string Text, class Table, class P = parsed_einops_expression<Text, Table>,
          int Case = P::value.left.parsed.error ? 1 : P::value.right.parsed.error ? 2 : P::value.error ? 3 : 0>
struct einops_plan_of {
  using type = plan_t<typename text_layout_type<typename Table::types, einops_side_holder<P, true>, Text>::type,
                      typename text_layout_type<typename Table::types, einops_side_holder<P, false>, Text>::type>;
};
template <fixed_string Text, class Table, class P>
struct einops_plan_of<Text, Table, P, 1> {
  using type = std::conditional_t<true, plan<>, typename text_layout_type<typename Table::types, einops_side_holder<P, true>, Text>::type>;
};
template <fixed_string Text, class Table, class P>
struct einops_plan_of<Text, Table, P, 2> {
  using type = std::conditional_t<true, plan<>, typename text_layout_type<typename Table::types, einops_side_holder<P, false>, Text>::type>;
};
template <fixed_string Text, class Table, class P>
struct einops_plan_of<Text, Table, P, 3> {
  using type = typename report_now<typename syntax_diagnostic<Text, P::value.error>::type, plan<>>::type;
};

}  // namespace detail

/// The layout an einops pattern describes: `einops_t<"(g i) o h~ w~">` is
/// `layout<merged<G, I>, O, flipped<H>, flipped<W>>`. Bindings: `bind<"name", Axis>` and
/// `axes_list<...>`.
template <fixed_string Pattern, class... Bindings>
using einops_t = typename detail::text_layout_type<typename detail::einops_table<Bindings...>::types,
                                                   detail::einops_layout_holder<detail::parsed_einops<Pattern, detail::einops_table<Bindings...>>>,
                                                   Pattern>::type;

/// The plan of an einops rearrangement: `einops_plan<"o i h w -> i o h w">` is `plan<swap<O, I>>`
/// (`plan_t` of the two sides).
template <fixed_string Expression, class... Bindings>
using einops_plan = typename detail::einops_plan_of<Expression, detail::einops_table<Bindings...>>::type;

/// An einops pattern read at run time: the value of `einops_t<Pattern, Bindings...>`, or an
/// axle::layout_syntax_error.
template <class... Bindings>
[[nodiscard]] value::layout parse_einops(std::string_view pattern, Bindings...) {
  const detail::einops_pattern p = detail::parse_einops_pattern(pattern, 0, pattern.size(), detail::einops_table<Bindings...>::value);
  return detail::runtime_layout(p.parsed, pattern);
}

/// The two sides of an einops expression read at run time (`value::derive(from, to)` is the plan
/// of einops_plan), or an axle::layout_syntax_error.
struct einops_layouts {
  value::layout from;
  value::layout to;
};
template <class... Bindings>
[[nodiscard]] einops_layouts parse_einops_expression(std::string_view expression, Bindings...) {
  const detail::einops_expression x = detail::parse_einops_expression(expression, detail::einops_table<Bindings...>::value);
  if (x.error) detail::throw_syntax_error(x.error, expression);
  return {detail::runtime_layout(x.left.parsed, expression), detail::runtime_layout(x.right.parsed, expression)};
}

}  // namespace axle
