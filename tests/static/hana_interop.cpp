// Boost.Hana interop: layouts are Hana sequences, and Hana's heterogeneous algorithms iterate
// over sets of layouts. Compiles if and only if every assertion holds.
#include <axle/axle.hpp>
#include <axle/hana.hpp>

#include <type_traits>

namespace {

namespace hana = boost::hana;
using namespace axle;
using namespace axle::axes;

template <class S>
inline constexpr bool is_flip_step = false;
template <class... As>
inline constexpr bool is_flip_step<flip<As...>> = true;

using oihw = layout<O, I, H, W>;
using torch_convT = layout<merged<G, I>, O, flipped<H>, flipped<W>>;

// A layout is a Sequence.
static_assert(hana::Sequence<oihw>::value);
static_assert(hana::length(oihw{}) == hana::size_c<4>);
static_assert(hana::at_c<2>(oihw{}) == hana::type_c<H>);
static_assert(hana::front(torch_convT{}) == hana::type_c<merged<G, I>>);
static_assert(hana::back(torch_convT{}) == hana::type_c<flipped<W>>);
static_assert(hana::drop_front(oihw{}, hana::size_c<2>) == layout<H, W>{});
static_assert(hana::is_empty(layout<>{}));
static_assert(hana::contains(oihw{}, hana::type_c<I>));
static_assert(!hana::contains(oihw{}, hana::type_c<D>));
static_assert(hana::make<layout_tag>(hana::type_c<H>, hana::type_c<W>, hana::type_c<I>, hana::type_c<O>) == layout<H, W, I, O>{});
static_assert(hana::reverse(oihw{}) == layout<W, H, I, O>{});

// transform gives a layout back: reverse every spatial axis.
constexpr auto flip_spatial = [](auto t) {
  using E = typename decltype(t)::type;
  if constexpr (axis_tag<E> && is_spatial_v<E>)
    return hana::type_c<flipped<E>>;
  else
    return t;
};
static_assert(hana::transform(oihw{}, flip_spatial) == layout<O, I, flipped<H>, flipped<W>>{});
static_assert(hana::transform(oihw{}, flip_spatial) == flip_t<oihw, H, W>{});

// Heterogeneous iteration over a set of layouts: laws checked for each, and a plan between
// each layout and a fixed target.
constexpr auto layouts = hana::make_tuple(oihw{}, layout<H, W, I, O>{}, layout<O, H, W, I>{}, layout<I, O, flipped<H>, flipped<W>>{},
                                          layout<flipped<H>, flipped<W>, O, I>{});
static_assert(hana::all_of(layouts, [](auto l) {
  using L = decltype(l);
  return hana::bool_c<std::is_same_v<apply_t<plan_t<L, oihw>, L>, oihw> && std::is_same_v<adjoint_t<adjoint_t<L>>, L>>;
}));
// Exactly the two transposed-convolution layouts need a flip to become (O, I, H, W).
template <class P>
inline constexpr bool has_flip = false;
template <class... Ss>
inline constexpr bool has_flip<plan<Ss...>> = (is_flip_step<Ss> || ...);
static_assert(hana::count_if(layouts, [](auto l) { return hana::bool_c<has_flip<plan_t<decltype(l), oihw>>>; }) == hana::size_c<2>);

}  // namespace
