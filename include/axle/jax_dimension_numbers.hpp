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
// A bad string is one error whose name says what is wrong, e.g.
//     axle::jax::unknown_letter_in_dimension_numbers<axle::jax::spec<"NCHX">, axle::jax::letter<'x'>>
#pragma once

#include <string_view>

#include "ops.hpp"

namespace axle::jax {

enum class dn_error : unsigned char {
  none,
  unknown_letter,          // not an upper-case letter or digit, or N/C in rhs, or O/I in lhs/out
  letter_repeated,         // a character twice in one spec
  missing_letter,          // lhs/out without N or C, rhs without O or I
  spatial_count_differs,   // the specs have different numbers of spatial characters
  spatial_letters_differ,  // the same number, but different characters
  bad_spatial_count,       // not 1, 2 or 3 spatial characters
};

/// The parsed specs as layouts (atoms carry universe indices for the type layer; see below).
struct dimension_numbers_desc {
  value::layout lhs{};
  value::layout rhs{};
  value::layout out{};
  int spatial = 0;
  dn_error error = dn_error::none;
  int spec = -1;    // 0 lhs, 1 rhs, 2 out: where the error is
  char letter = 0;  // the offending character, if any
};

namespace detail {

using axle::value::atom;

/// The type universe of the parsed layouts: atom `source` indices refer to it.
using universe = axle::detail::type_list<axes::N, axes::C, axes::O, axes::I, axes::G, axes::D, axes::H, axes::W>;
enum role : int { role_n, role_c, role_o, role_i, role_g, role_d, role_h, role_w };

constexpr value::atom role_atom(int r) noexcept {
  value::atom a;
  switch (r) {
    case role_n: a = axle::detail::arg_atom<axes::N>(r); break;
    case role_c: a = axle::detail::arg_atom<axes::C>(r); break;
    case role_o: a = axle::detail::arg_atom<axes::O>(r); break;
    case role_i: a = axle::detail::arg_atom<axes::I>(r); break;
    case role_g: a = axle::detail::arg_atom<axes::G>(r); break;
    case role_d: a = axle::detail::arg_atom<axes::D>(r); break;
    case role_h: a = axle::detail::arg_atom<axes::H>(r); break;
    default: a = axle::detail::arg_atom<axes::W>(r); break;
  }
  return a;
}

/// string_view::find is not a constant expression under g++'s -fsanitize=null: a plain loop is.
constexpr bool contains(std::string_view s, char c) noexcept {
  for (char x : s)
    if (x == c) return true;
  return false;
}

constexpr bool spatial_char(char c) noexcept { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

/// Checks one spec: `a` and `b` are its two feature letters (N, C or O, I), `x` and `y` the
/// feature letters of the other kind, which it must not contain.
constexpr dimension_numbers_desc check_spec(std::string_view s, int which, char a, char b, char x, char y) noexcept {
  dimension_numbers_desc r;
  for (std::size_t k = 0; k < s.size(); ++k) {
    const char c = s[k];
    if (!spatial_char(c) || c == x || c == y) {
      r.error = dn_error::unknown_letter;
      r.spec = which;
      r.letter = c;
      return r;
    }
    for (std::size_t j = 0; j < k; ++j)
      if (s[j] == c) {
        r.error = dn_error::letter_repeated;
        r.spec = which;
        r.letter = c;
        return r;
      }
  }
  for (char need : {a, b})
    if (!contains(s, need)) {
      r.error = dn_error::missing_letter;
      r.spec = which;
      r.letter = need;
      return r;
    }
  r.spatial = static_cast<int>(s.size()) - 2;
  return r;
}

}  // namespace detail

/// Parses three dimension_numbers specs. `grouped`: the rhs O axis is `merged<G, O>`
/// (feature_group_count); `transpose_kernel`: conv_transpose(transpose_kernel=True) roles.
[[nodiscard]] constexpr dimension_numbers_desc parse_dimension_numbers(std::string_view lhs, std::string_view rhs,
                                                                       std::string_view out, bool grouped = false,
                                                                       bool transpose_kernel = false) noexcept {
  using namespace detail;
  const std::string_view specs[3] = {lhs, rhs, out};
  dimension_numbers_desc r;
  for (int k = 0; k < 3; ++k) {
    const dimension_numbers_desc c =
        k == 1 ? check_spec(specs[k], k, 'O', 'I', 'N', 'C') : check_spec(specs[k], k, 'N', 'C', 'O', 'I');
    if (c.error != dn_error::none) return c;
    if (k == 0) r.spatial = c.spatial;
    if (c.spatial != r.spatial) {
      r.error = dn_error::spatial_count_differs;
      r.spec = k;
      return r;
    }
  }
  // The spatial characters of lhs, in order, name the last `spatial` of D, H, W.
  auto spatial_role = [&](char ch) {
    int k = 0;
    for (char c : lhs) {
      if (c == 'N' || c == 'C') continue;
      if (c == ch) return role_w - (r.spatial - 1) + k;
      ++k;
    }
    return -1;
  };
  for (int k = 1; k < 3; ++k)
    for (char c : specs[k]) {
      const bool feature = k == 1 ? (c == 'O' || c == 'I') : (c == 'N' || c == 'C');
      if (!feature && spatial_role(c) < 0) {
        r.error = dn_error::spatial_letters_differ;
        r.spec = k;
        r.letter = c;
        return r;
      }
    }
  if (r.spatial < 1 || r.spatial > 3) {
    r.error = dn_error::bad_spatial_count;
    r.spec = 0;
    return r;
  }
  for (int k = 0; k < 3; ++k) {
    value::layout& l = k == 0 ? r.lhs : k == 1 ? r.rhs : r.out;
    for (char c : specs[k]) {
      if (k != 1) {
        l.push_entry(role_atom(c == 'N' ? role_n : c == 'C' ? role_c : spatial_role(c)));
        continue;
      }
      if (c == 'O' || c == 'I') {
        // transpose_kernel: the axis labelled O holds the transposed op's input channels.
        const bool out_channels = (c == 'O') != transpose_kernel;
        if (out_channels && grouped) l.push(role_atom(role_g));
        l.push_entry(role_atom(out_channels ? role_o : role_i));
        continue;
      }
      value::atom a = role_atom(spatial_role(c));
      a.flipped = transpose_kernel;
      l.push_entry(a);
    }
  }
  return r;
}

/// `spec<"NCHW">` and `letter<'X'>`: the facts a diagnostic carries.
template <fixed_string S>
struct spec {};
template <char C>
struct letter {};

// --- diagnostics (declared, never defined: the name is the message) ----------------------------

/// A spec holds a character that is not an upper-case letter or a digit, or a feature letter of
/// the other kind (N or C in the kernel spec, O or I in the input or output spec).
/// Fix: write the spec as JAX does: "NCHW", "OIHW", "NHWC", "HWIO".
template <class Spec, class Letter>
struct unknown_letter_in_dimension_numbers;
/// A letter appears twice in one spec.
/// Fix: name each dimension once.
template <class Spec, class Letter>
struct letter_repeated_in_dimension_numbers;
/// The input and output specs need N and C, the kernel spec O and I; `letter` is the one missing.
/// Fix: add the letter where the dimension is stored.
template <class Spec, class Letter>
struct dimension_numbers_need_letter;
/// The three specs have different numbers of spatial letters.
/// Fix: give input, kernel and output the same spatial dimensions ("NCHW", "OIHW", "NCHW").
template <class Lhs, class Rhs, class Out>
struct dimension_numbers_have_different_spatial_counts;
/// A spatial letter of the kernel or output spec does not appear in the input (lhs) spec; JAX
/// pairs spatial dimensions by letter.
/// Fix: use the input spec's spatial letters in all three specs.
template <class Spec, class Letter, class Lhs>
struct spatial_letter_not_in_lhs_spec;
/// axle reads 1-D, 2-D and 3-D convolutions: a spec has one to three spatial letters.
/// Fix: give one to three spatial letters ("NCW", "NCHW", "NCDHW").
template <class Spec>
struct dimension_numbers_need_one_to_three_spatial_letters;

namespace detail {

template <fixed_string L, fixed_string R, fixed_string O, bool Grouped, bool TK>
struct parsed {
  static constexpr dimension_numbers_desc value = parse_dimension_numbers(L.view(), R.view(), O.view(), Grouped, TK);
};
template <class P, int Which>
struct spec_holder {
  static constexpr const value::layout& value = Which == 0 ? P::value.lhs : Which == 1 ? P::value.rhs : P::value.out;
};

template <fixed_string L, fixed_string R, fixed_string O, bool Grouped, bool TK>
constexpr auto diagnostic() noexcept {
  using axle::detail::type_identity;
  constexpr dimension_numbers_desc d = parsed<L, R, O, Grouped, TK>::value;
  if constexpr (d.error == dn_error::unknown_letter || d.error == dn_error::letter_repeated ||
                d.error == dn_error::missing_letter || d.error == dn_error::spatial_letters_differ) {
    using S = std::conditional_t<d.spec == 0, spec<L>, std::conditional_t<d.spec == 1, spec<R>, spec<O>>>;
    if constexpr (d.error == dn_error::unknown_letter)
      return type_identity<unknown_letter_in_dimension_numbers<S, letter<d.letter>>>{};
    else if constexpr (d.error == dn_error::letter_repeated)
      return type_identity<letter_repeated_in_dimension_numbers<S, letter<d.letter>>>{};
    else if constexpr (d.error == dn_error::missing_letter)
      return type_identity<dimension_numbers_need_letter<S, letter<d.letter>>>{};
    else
      return type_identity<spatial_letter_not_in_lhs_spec<S, letter<d.letter>, spec<L>>>{};
  } else if constexpr (d.error == dn_error::spatial_count_differs) {
    return type_identity<dimension_numbers_have_different_spatial_counts<spec<L>, spec<R>, spec<O>>>{};
  } else {
    return type_identity<dimension_numbers_need_one_to_three_spatial_letters<spec<L>>>{};
  }
}

template <fixed_string L, fixed_string R, fixed_string O, bool Grouped, bool TK,
          bool Ok = parsed<L, R, O, Grouped, TK>::value.error == dn_error::none>
struct layouts {
  using P = parsed<L, R, O, Grouped, TK>;
  using lhs = axle::detail::build_layout_t<universe, spec_holder<P, 0>>;
  using rhs = axle::detail::build_layout_t<universe, spec_holder<P, 1>>;
  using out = axle::detail::build_layout_t<universe, spec_holder<P, 2>>;
};
/// A bad string: one diagnostic, and empty layouts so that nothing else fails here.
template <fixed_string L, fixed_string R, fixed_string O, bool Grouped, bool TK>
struct layouts<L, R, O, Grouped, TK, false> {
  using D = typename decltype(diagnostic<L, R, O, Grouped, TK>())::type;
  using lhs = typename axle::detail::reporting<D, layout<>>::type;
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
