// axle — plans: the conversion between two layouts, derived by the compiler.
//
//     using P = axle::plan_t<torch_convT, equinox_convT>;   // plan<swap<O, I>, flip<H, W>>
//     static_assert(std::is_same_v<axle::apply_t<P, torch_convT>, equinox_convT>);
//
// A derived plan is in normal form: splits, one permutation (a swap when it is one), a set of
// flips, block reorders, merges. Steps name axes, not positions, so a plan is meaningful on its
// own: it prints, inverts and composes without the layouts it came from.
//
//     plan_t<From, To>      the derived conversion (a readable error when there is none)
//     apply_t<P, L>         the layout P turns L into
//     inverse_t<P>          the plan that undoes P; inverse_t<plan_t<A, B>> is plan_t<B, A>
//     compose_t<P, Q>       P then Q, step by step
//     normalize_t<P, L>     the normal form of P as applied to L
//     is_identity_v<P>      P has no steps
//     convertible_v<A, B>   a plan exists (no diagnostic; usable in requires-clauses)
//     expect_layout<E, G>   true if E and G are the same layout, otherwise a layout_mismatch error
//                           naming both and the fix
#pragma once

#include <tuple>
#include <type_traits>
#include <utility>

#include "diagnostics.hpp"
#include "engine/apply.hpp"
#include "engine/derive.hpp"
#include "engine/normal_form.hpp"
#include "fast/apply.hpp"
#include "fast/plan.hpp"
#include "layout.hpp"
#include "steps.hpp"

namespace axle {
namespace detail {

template <class From, class To>
struct derivation {
  using universe = concat_t<universe_t<From>, universe_t<To>>;
  static constexpr value::derivation value =
      value::derive(desc_of<From>::value, desc_of<To>::value, true, static_cast<int>(universe_t<From>::size));
  static constexpr bool ok = value.error.code == value::error_code::none;
};

template <class D>
struct normal_steps {
  static constexpr value::plan value = value::normal_form(D::value, false);
};

/// Why there is no plan from `From` to `To`: the trailing arguments of the diagnostics.
template <class From, class To>
struct reasons {
  using D = derivation<From, To>;
  static constexpr value::error e = D::value.error;

  template <class L, bool Missing, class Ks>
  struct axes_of;
  template <class L, bool Missing, std::size_t... K>
  struct axes_of<L, Missing, std::index_sequence<K...>> {
    using type = type_list<axis_at_t<L, (Missing ? D::value.missing[K] : D::value.extra[K])>...>;
  };
  template <template <class...> class T, class List>
  struct wrap;
  template <template <class...> class T, class... As>
  struct wrap<T, type_list<As...>> {
    using type = T<As...>;
  };

  static constexpr auto pick() noexcept {
    if constexpr (e.code == value::error_code::axes_differ) {
      using missing = typename axes_of<To, true, std::make_index_sequence<static_cast<std::size_t>(D::value.nmissing)>>::type;
      using extra = typename axes_of<From, false, std::make_index_sequence<static_cast<std::size_t>(D::value.nextra)>>::type;
      return type_identity<type_list<typename wrap<missing_axes, missing>::type, typename wrap<extra_axes, extra>::type>>{};
    } else if constexpr (e.code == value::error_code::labels_differ) {
      return type_identity<type_list<labels_differ<atom_at_t<From, e.a>, atom_at_t<To, e.b>>>>{};
    } else if constexpr (e.code == value::error_code::incompatible_blocking && e.a >= 0 && e.b >= 0) {
      return type_identity<type_list<incompatible_blocking<atom_at_t<From, e.a>, atom_at_t<To, e.b>>>>{};
    } else {  // the common refinement of the two layouts, or the plan, exceeds the limit
      return type_identity<type_list<too_many_axes<atom_limit<value::max_atoms>>>>{};
    }
  }
  using type = typename decltype(pick())::type;
};

template <template <class...> class Diag, class A, class B, class Why>
struct with_reasons;
template <template <class...> class Diag, class A, class B, class... Why>
struct with_reasons<Diag, A, B, type_list<Why...>> {
  using type = Diag<A, B, Why...>;
};

/// A plan exists: both layouts are valid, the derivation succeeds and its normal form fits.
template <class From, class To, bool Valid = all_valid_v<From, To>>
inline constexpr bool plan_exists_v = derivation<From, To>::ok && !normal_steps<derivation<From, To>>::value.overflow;
template <class From, class To>
inline constexpr bool plan_exists_v<From, To, false> = false;

template <class From, class To, bool Valid = all_valid_v<From, To>, bool Ok = plan_exists_v<From, To, Valid>>
struct plan_for {
  using D = derivation<From, To>;
  using type = build_plan_t<typename D::universe, normal_steps<D>, From, To>;
};
template <class From, class To>
struct plan_for<From, To, false, false> {
  using type = report_invalid_t<plan<>, From, To>;
};
template <class From, class To>
struct plan_for<From, To, true, false> {
  using diagnostic = typename with_reasons<cannot_convert, rewrap_t<axle::from, From>, rewrap_t<axle::to, To>,
                                           typename reasons<From, To>::type>::type;
  using type = typename reporting<diagnostic, plan<>>::type;
};

/// plan_t: the fast path (fast/plan.hpp) for layouts of the same atoms, otherwise the engine,
/// which also reports why there is no plan.
template <class From, class To, class Fast = typename fast_plan<From, To>::type>
struct plan_select {
  using type = Fast;
};
template <class From, class To>
struct plan_select<From, To, no_fast_plan> {
  using type = typename plan_for<From, To>::type;
};

template <class P>
struct step_list;
template <class... Ss>
struct step_list<plan<Ss...>> {
  using type = type_list<Ss...>;
};

template <class P, class L>
struct application {
  using universe = concat_t<universe_t<L>, plan_universe_t<P>>;
  static constexpr value::layout_result value =
      value::apply(desc_of<L>::value, steps_of<P, static_cast<int>(universe_t<L>::size)>::value);
};

/// Does a plan fit one step descriptor? Longer plans (long compositions) are applied in halves.
template <class P>
inline constexpr bool fits_v = plan_universe_t<P>::size <= static_cast<std::size_t>(value::plan::pool_capacity) &&
                               P::size <= static_cast<std::size_t>(value::max_steps);

template <class P, std::size_t Begin, class Ks>
struct sub_plan;
template <class... Ss, std::size_t Begin, std::size_t... K>
struct sub_plan<plan<Ss...>, Begin, std::index_sequence<K...>> {
  using type = plan<type_at_t<type_list<Ss...>, Begin + K>...>;
};

template <class P, class L, bool Fits = fits_v<P>>
inline constexpr bool applies_v = application<P, L>::value.error.code == value::error_code::none;
template <class P, class L>
inline constexpr bool applies_v<P, L, false> = true;  // decided half by half

template <class P, class L, bool Fits = fits_v<P>, bool Valid = checked<L>::ok, bool Ok = Valid && applies_v<P, L>>
struct applied {
  using A = application<P, L>;
  using type = build_layout_t<typename A::universe, layout_of<A>>;
};
template <class P, class L, bool Fits>
struct applied<P, L, Fits, false, false> {
  using type = report_invalid_t<L, L>;
};
template <class P, class L>
struct applied<P, L, true, true, false> {
  static constexpr value::error e = application<P, L>::value.error;
  using step = type_at_t<typename step_list<P>::type, static_cast<std::size_t>(e.a)>;
  using diagnostic = std::conditional_t<e.code == value::error_code::too_many_axes,
                                        too_many_axes<step, in<L>, atom_limit<value::max_atoms>>,
                                        plan_step_does_not_apply<step, in<L>>>;
  using type = typename reporting<diagnostic, L>::type;
};
template <class P, class L>
struct applied<P, L, false, true, true> {
  static constexpr std::size_t half = P::size / 2;
  using first = typename sub_plan<P, 0, std::make_index_sequence<half>>::type;
  using second = typename sub_plan<P, half, std::make_index_sequence<P::size - half>>::type;
  using type = typename applied<second, typename applied<first, L>::type>::type;
};

/// apply_t: the fast path (fast/apply.hpp) when it reproduces the engine, otherwise the engine,
/// which also reports a step that does not apply or an invalid layout.
template <class P, class L, class Fast = typename fast_apply<P, L>::type>
struct apply_select {
  using type = Fast;
};
template <class P, class L>
struct apply_select<P, L, no_fast_apply> {
  using type = typename applied<P, L>::type;
};

template <class P>
struct inverse_steps {
  static constexpr value::plan value = inverse(steps_of<P>::value);
};

template <class P, class Q>
struct concat_plans;
template <class... Ps, class... Qs>
struct concat_plans<plan<Ps...>, plan<Qs...>> {
  using type = plan<Ps..., Qs...>;
};

template <class Expected, class Got, bool Convertible = derivation<Got, Expected>::ok>
struct mismatch {
  using type = layout_mismatch<rewrap_t<expected, Expected>, rewrap_t<got, Got>,
                               rewrap_t<fix, typename plan_for<Got, Expected>::type>>;
};
template <class Expected, class Got>
struct mismatch<Expected, Got, false> {
  using type = typename with_reasons<layout_mismatch, rewrap_t<expected, Expected>, rewrap_t<got, Got>,
                                     typename reasons<Got, Expected>::type>::type;
};

template <class Expected, class Got, bool Same = std::is_same_v<Expected, Got>, bool Valid = all_valid_v<Expected, Got>>
struct layout_check {
  static constexpr bool value = true;
};
template <class Expected, class Got>
struct layout_check<Expected, Got, false, false> {
  static constexpr bool value = report<typename validation_diagnostic<typename first_invalid<Expected, Got>::type>::type>::value;
};
template <class Expected, class Got>
struct layout_check<Expected, Got, false, true> {
  static constexpr bool value = report<typename mismatch<Expected, Got>::type>::value;
};

}  // namespace detail

/// The derived conversion from layout `From` to layout `To`.
template <layout_type From, layout_type To>
using plan_t = typename detail::plan_select<From, To>::type;

/// The layout that plan `P` turns `L` into.
template <plan_type P, layout_type L>
using apply_t = typename detail::apply_select<P, L>::type;

/// The plan that undoes `P`.
template <plan_type P>
using inverse_t = detail::build_plan_t<detail::plan_universe_t<P>, detail::inverse_steps<P>>;

/// `P` then `Q`.
template <plan_type P, plan_type Q>
using compose_t = typename detail::concat_plans<P, Q>::type;

/// The normal form of `P` as applied to `L`: `plan_t<L, apply_t<P, L>>`.
template <plan_type P, layout_type L>
using normalize_t = plan_t<L, apply_t<P, L>>;

template <plan_type P>
inline constexpr bool is_identity_v = P::size == 0;

/// True when a plan from `From` to `To` exists (both are valid layouts and plan_t<From, To> reports
/// nothing). Never reports an error.
template <class From, class To>
inline constexpr bool convertible_v = false;
template <layout_type From, layout_type To>
inline constexpr bool convertible_v<From, To> = detail::plan_exists_v<From, To>;

/// True when `L` is a valid layout. Never reports an error.
template <class L>
inline constexpr bool valid_layout_v = false;
template <layout_type L>
inline constexpr bool valid_layout_v<L> = detail::checked<L>::ok;

/// `static_assert(axle::expect_layout<Expected, Got>)`: when the layouts differ, the error is
/// `layout_mismatch<expected<...>, got<...>, fix<...>>`, naming the conversion to apply.
template <layout_type Expected, layout_type Got>
inline constexpr bool expect_layout = detail::layout_check<Expected, Got>::value;

// Value-style equivalents, for `static_assert(plan_between(a, b) == plan<swap<O, I>>{})`.
template <layout_type From, layout_type To>
constexpr plan_t<From, To> plan_between(From, To) noexcept {
  return {};
}
template <plan_type P, layout_type L>
constexpr apply_t<P, L> apply(P, L) noexcept {
  return {};
}
template <plan_type P>
constexpr inverse_t<P> inverse(P) noexcept {
  return {};
}
template <plan_type P, plan_type Q>
constexpr compose_t<P, Q> then(P, Q) noexcept {
  return {};
}

}  // namespace axle
