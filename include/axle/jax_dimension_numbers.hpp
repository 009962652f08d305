// axle — JAX `dimension_numbers` strings, parsed at compile time (and at run time).
//
//     axle::jax::conv_general_dilated<"NHWC", "HWIO", "NHWC">::weight   // layout<H, W, I, merged<G, O>>
//     axle::jax::conv_transpose<"NHWC", "HWIO", "NHWC", true>::weight   // layout<H~, W~, O, I>
//
// The rules are those of jax-ml/jax `jax/_src/lax/convolution.py` (`conv_general_permutations`):
//   * lhs and out contain N and C once, rhs contains O and I once;
//   * every other character is a spatial dimension; no character appears twice in a spec;
//   * the three specs have the same set of spatial characters.
// axle also rejects lower-case letters and punctuation (unknown letters) and accepts one to
// three spatial dimensions. Spatial characters name D, H and W (the last `n` of them for `n`
// spatial dimensions) in the order they appear in the lhs spec: "NHWC"/"HWIO" gives H, W, and
// the 3-D conv_transpose default "NHWDC"/"HWDIO" reads H, W, D as D, H, W. (JAX itself orders
// window strides and padding by the rhs spec; only the pairing of letters matters here.)
//
// Roles, from `conv_general_dilated` and `conv_transpose` (same file):
//   * conv_general_dilated correlates (no window reversal); with feature_group_count the groups
//     are the outer factor of the rhs out-feature dimension: O is `merged<G, O>`.
//   * conv_transpose(transpose_kernel=False) calls conv_general_dilated with lhs_dilation =
//     strides and the kernel as is: direct semantics, the rhs spec's I is the transposed op's
//     input channels and O its output channels.
//   * conv_transpose(transpose_kernel=True) first flips the rhs spatial axes and swaps the axes
//     labelled O and I: the stored kernel is the forward conv's, so the axis labelled O holds
//     the transposed op's input channels, I its output channels, and every spatial axis is
//     reversed: adjoint semantics. No groups (there is no feature_group_count argument).
// Defaults (`dimension_numbers=None`): conv_general_dilated is (N, C, spatial) / (O, I, spatial);
// conv_transpose uses "NHC"/"HIO", "NHWC"/"HWIO" and "NHWDC"/"HWDIO" by rank.
//
// A bad string is one error naming the problem, the column and the spec (<axle/syntax.hpp>), e.g.
//     axle::unknown_letter<axle::named<"x">, axle::at_column<4>, axle::in_text<"NCHx">>
#pragma once

#include <string_view>

#include "ops.hpp"
#include "syntax.hpp"

namespace axle::jax {

/// The three specs as layouts (lhs, rhs, out), or why they cannot be read: `error.part` says which
/// spec the error is in (0 lhs, 1 rhs, 2 out).
struct dimension_numbers_result {
  parsed_layout lhs{};
  parsed_layout rhs{};
  parsed_layout out{};
  int spatial = 0;
  syntax_error error{};
};

namespace detail {

using axle::detail::syntax_error_at;
using axle::syntax_problem;

/// The built-in axis of a role letter (N C O I G D H W), as an index in the built-in axis table.
constexpr int role_axis(char role) noexcept {
  return axle::detail::find_axis(axle::detail::table_of<axes_list<>>::value, std::string_view(&role, 1));
}

constexpr bool contains(std::string_view s, char c) noexcept {
  for (char x : s)  // not string_view::find: see <axle/detail/parse.hpp>
    if (x == c) return true;
  return false;
}

/// Checks one spec: `a` and `b` are its two feature letters (N, C or O, I), `x` and `y` the
/// feature letters of the other kind, which it must not contain.
constexpr syntax_error check_spec(std::string_view s, int which, char a, char b, char x, char y) noexcept {
  using P = syntax_problem;
  syntax_error e;
  for (std::size_t k = 0; k < s.size() && !e; ++k) {
    const char c = s[k];
    const int column = static_cast<int>(k) + 1;
    if (!(axle::detail::is_upper(c) || axle::detail::is_digit(c)) || c == x || c == y) e = syntax_error_at(P::unknown_letter, column, 1);
    for (std::size_t j = 0; j < k && !e; ++j)
      if (s[j] == c) e = syntax_error_at(P::letter_repeated, column, 1);
  }
  for (char need : {a, b})
    if (!e && !contains(s, need)) e = syntax_error_at(P::missing_letter, 0, 0, need);
  e.part = which;
  return e;
}

}  // namespace detail

/// Parses three dimension_numbers specs. `grouped`: the rhs O axis is `merged<G, O>`
/// (feature_group_count); `transpose_kernel`: conv_transpose(transpose_kernel=True) roles.
[[nodiscard]] constexpr dimension_numbers_result parse_dimension_numbers(std::string_view lhs, std::string_view rhs,
                                                                         std::string_view out, bool grouped = false,
                                                                         bool transpose_kernel = false) noexcept {
  using namespace detail;
  using P = syntax_problem;
  const axle::detail::axis_table& t = axle::detail::table_of<axes_list<>>::value;
  const std::string_view specs[3] = {lhs, rhs, out};
  dimension_numbers_result r;
  auto fail = [&](syntax_error e, int which) {
    r.error = e;
    r.error.part = which;
    return r;
  };
  for (int k = 0; k < 3; ++k) {
    const syntax_error e = k == 1 ? check_spec(specs[k], k, 'O', 'I', 'N', 'C') : check_spec(specs[k], k, 'N', 'C', 'O', 'I');
    if (e) return fail(e, k);
    const int spatial = static_cast<int>(specs[k].size()) - 2;
    if (k == 0) r.spatial = spatial;
    if (spatial != r.spatial) return fail(syntax_error_at(P::spatial_counts_differ, 0), k);
  }
  // The spatial characters of lhs, in order, name the last `spatial` of D, H, W.
  auto spatial_role = [&](char ch) -> char {
    int k = 0;
    for (char c : lhs) {
      if (c == 'N' || c == 'C') continue;
      if (c == ch) return "DHW"[3 - r.spatial + k];
      ++k;
    }
    return 0;
  };
  for (int k = 1; k < 3; ++k)
    for (std::size_t q = 0; q < specs[k].size(); ++q) {
      const char c = specs[k][q];
      const bool feature = k == 1 ? (c == 'O' || c == 'I') : (c == 'N' || c == 'C');
      if (!feature && r.spatial <= 3 && spatial_role(c) == 0)
        return fail(syntax_error_at(P::spatial_letter_not_in_lhs, static_cast<int>(q) + 1, 1), k);
    }
  if (r.spatial < 1 || r.spatial > 3) return fail(syntax_error_at(P::one_to_three_spatial_letters, 0), 0);
  for (int k = 0; k < 3; ++k) {
    parsed_layout& l = k == 0 ? r.lhs : k == 1 ? r.rhs : r.out;
    for (std::size_t q = 0; q < specs[k].size(); ++q) {
      const char c = specs[k][q];
      const int column = static_cast<int>(q) + 1;
      if (k != 1) {
        const value::atom a = axle::detail::table_atom(t, role_axis(c == 'N' || c == 'C' ? c : spatial_role(c)));
        l.push(a, column, 1);
      } else if (c == 'O' || c == 'I') {
        // transpose_kernel: the axis labelled O holds the transposed op's input channels.
        const bool out_channels = (c == 'O') != transpose_kernel;
        if (out_channels && grouped) l.push(axle::detail::table_atom(t, role_axis('G')), column, 1);
        l.push(axle::detail::table_atom(t, role_axis(out_channels ? 'O' : 'I')), column, 1);
      } else {
        value::atom a = axle::detail::table_atom(t, role_axis(spatial_role(c)));
        a.flipped = transpose_kernel;
        l.push(a, column, 1);
      }
      l.close_entry(column);
    }
  }
  return r;
}

namespace detail {

template <fixed_string L, fixed_string R, fixed_string O, bool Grouped, bool TK>
struct parsed {
  static constexpr dimension_numbers_result value = parse_dimension_numbers(L.view(), R.view(), O.view(), Grouped, TK);
};
template <class P, int Which>
struct spec_holder {
  static constexpr const parsed_layout& value = Which == 0 ? P::value.lhs : Which == 1 ? P::value.rhs : P::value.out;
};

template <fixed_string L, fixed_string R, fixed_string O, bool Grouped, bool TK,
          bool Ok = !parsed<L, R, O, Grouped, TK>::value.error>
struct layouts {
  using P = parsed<L, R, O, Grouped, TK>;
  using lhs = typename axle::detail::text_layout_type<axle::detail::builtin_axes, spec_holder<P, 0>, L>::type;
  using rhs = typename axle::detail::text_layout_type<axle::detail::builtin_axes, spec_holder<P, 1>, R>::type;
  using out = typename axle::detail::text_layout_type<axle::detail::builtin_axes, spec_holder<P, 2>, O>::type;
};
/// A bad spec: one diagnostic, naming the problem in the spec it is in, and empty layouts.
template <fixed_string L, fixed_string R, fixed_string O, bool Grouped, bool TK>
struct layouts<L, R, O, Grouped, TK, false> {
  static constexpr syntax_error e = parsed<L, R, O, Grouped, TK>::value.error;
  using D = std::conditional_t<e.part == 0, axle::detail::syntax_diagnostic<L, e>,
                               std::conditional_t<e.part == 1, axle::detail::syntax_diagnostic<R, e>, axle::detail::syntax_diagnostic<O, e>>>;
  using lhs = typename axle::detail::report_now<typename D::type, layout<>>::type;
  using rhs = layout<>;
  using out = layout<>;
};

}  // namespace detail

/// The layouts of three dimension_numbers specs, as a forward convolution reads them: `lhs`,
/// `rhs` (O, I, spatial; no groups) and `out`.
template <fixed_string Lhs, fixed_string Rhs, fixed_string Out = Lhs>
struct dimension_numbers {
  using lhs = typename detail::layouts<Lhs, Rhs, Out, false, false>::lhs;
  using rhs = typename detail::layouts<Lhs, Rhs, Out, false, false>::rhs;
  using out = typename detail::layouts<Lhs, Rhs, Out, false, false>::out;
};

/// `lax.conv_general_dilated(lhs, rhs, ..., dimension_numbers=(Lhs, Rhs, Out), feature_group_count=G)`.
// Source: jax-ml/jax jax/_src/lax/convolution.py (conv_general_dilated, conv_general_permutations,
// _conv_general_dilated_shape_rule: groups are the outer factor of the rhs out-feature dimension).
template <fixed_string Lhs = "NCHW", fixed_string Rhs = "OIHW", fixed_string Out = Lhs>
struct conv_general_dilated
    : conv_op<typename detail::layouts<Lhs, Rhs, Out, true, false>::rhs, typename detail::layouts<Lhs, Rhs, Out, true, false>::lhs> {
  using output_activation = typename detail::layouts<Lhs, Rhs, Out, true, false>::out;
  static constexpr std::string_view name = "jax.conv_general_dilated";
  static constexpr std::string_view source =
      "jax-ml/jax jax/_src/lax/convolution.py (conv_general_dilated, conv_general_permutations, "
      "_conv_general_dilated_shape_rule)";
  static constexpr std::string_view note =
      "correlation (window_reversal all false); feature_group_count groups the rhs out-feature axis, group-major; "
      "dimension_numbers=None is (N, C, spatial) / (O, I, spatial)";
};

/// `lax.conv_transpose(lhs, rhs, strides, padding, dimension_numbers=(Lhs, Rhs, Out),
/// transpose_kernel=TransposeKernel)`.
// Source: jax-ml/jax jax/_src/lax/convolution.py (conv_transpose: with transpose_kernel it flips
// the rhs spatial axes and swaps the O and I axes before calling conv_general_dilated).
template <fixed_string Lhs = "NHWC", fixed_string Rhs = "HWIO", fixed_string Out = Lhs, bool TransposeKernel = false>
struct conv_transpose
    : conv_transpose_op<TransposeKernel ? semantics::adjoint : semantics::direct,
                        typename detail::layouts<Lhs, Rhs, Out, false, TransposeKernel>::rhs,
                        typename detail::layouts<Lhs, Rhs, Out, false, TransposeKernel>::lhs> {
  using output_activation = typename detail::layouts<Lhs, Rhs, Out, false, TransposeKernel>::out;
  static constexpr std::string_view name = TransposeKernel ? "jax.conv_transpose:transpose_kernel" : "jax.conv_transpose";
  static constexpr std::string_view source =
      "jax-ml/jax jax/_src/lax/convolution.py (conv_transpose, _conv_transpose_padding)";
  static constexpr std::string_view note =
      TransposeKernel ? "transpose_kernel=True: the kernel is stored as the forward conv's (O label = this op's input "
                        "channels), flipped and swapped before use; no groups"
                      : "transpose_kernel=False (default): the stride-dilated input is correlated with the kernel as "
                        "is; rhs I = this op's input channels; no groups";
};

}  // namespace axle::jax
