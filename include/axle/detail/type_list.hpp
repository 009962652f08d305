// axle — the few type-list operations the engine needs, in plain C++20.
//
// Everything here is a class template selected by partial specialisation. (Computing types as
// the return type of a function template looks equivalent, but g++ 12 then spends time
// quadratic in the number of instantiations in the translation unit; see docs/performance.md.)
#pragma once

#include <cstddef>

namespace axle::detail {

template <class... Ts>
struct type_list {
  static constexpr std::size_t size = sizeof...(Ts);
};

template <class T>
struct type_identity {
  using type = T;
};

// --- concatenation ----------------------------------------------------------------------------

template <class... Lists>
struct concat;
template <>
struct concat<> {
  using type = type_list<>;
};
template <class... As>
struct concat<type_list<As...>> {
  using type = type_list<As...>;
};
template <class... As, class... Bs, class... Rest>
struct concat<type_list<As...>, type_list<Bs...>, Rest...> : concat<type_list<As..., Bs...>, Rest...> {};
template <class... As, class... Bs, class... Cs, class... Ds, class... Rest>
struct concat<type_list<As...>, type_list<Bs...>, type_list<Cs...>, type_list<Ds...>, Rest...>
    : concat<type_list<As..., Bs..., Cs..., Ds...>, Rest...> {};

template <class... Lists>
using concat_t = typename concat<Lists...>::type;

// --- indexing: eight elements per step --------------------------------------------------------

template <std::size_t I, class... Ts>
struct at_impl;
template <class T0, class... Ts>
struct at_impl<0, T0, Ts...> {
  using type = T0;
};
template <class T0, class T1, class... Ts>
struct at_impl<1, T0, T1, Ts...> {
  using type = T1;
};
template <class T0, class T1, class T2, class... Ts>
struct at_impl<2, T0, T1, T2, Ts...> {
  using type = T2;
};
template <class T0, class T1, class T2, class T3, class... Ts>
struct at_impl<3, T0, T1, T2, T3, Ts...> {
  using type = T3;
};
template <class T0, class T1, class T2, class T3, class T4, class... Ts>
struct at_impl<4, T0, T1, T2, T3, T4, Ts...> {
  using type = T4;
};
template <class T0, class T1, class T2, class T3, class T4, class T5, class... Ts>
struct at_impl<5, T0, T1, T2, T3, T4, T5, Ts...> {
  using type = T5;
};
template <class T0, class T1, class T2, class T3, class T4, class T5, class T6, class... Ts>
struct at_impl<6, T0, T1, T2, T3, T4, T5, T6, Ts...> {
  using type = T6;
};
template <class T0, class T1, class T2, class T3, class T4, class T5, class T6, class T7, class... Ts>
struct at_impl<7, T0, T1, T2, T3, T4, T5, T6, T7, Ts...> {
  using type = T7;
};
template <std::size_t I, class T0, class T1, class T2, class T3, class T4, class T5, class T6, class T7, class... Ts>
  requires(I >= 8)
struct at_impl<I, T0, T1, T2, T3, T4, T5, T6, T7, Ts...> : at_impl<I - 8, Ts...> {};

template <class List, std::size_t I>
struct type_at;
#if defined(__has_builtin)
#if __has_builtin(__type_pack_element)
#define AXLE_DETAIL_TYPE_PACK_ELEMENT 1
#endif
#endif
#ifdef AXLE_DETAIL_TYPE_PACK_ELEMENT
#undef AXLE_DETAIL_TYPE_PACK_ELEMENT
/// The I-th of Ts: clang's builtin, which instantiates nothing.
template <std::size_t I, class... Ts>
using pack_element_t = __type_pack_element<I, Ts...>;
#else
/// The I-th of Ts.
template <std::size_t I, class... Ts>
using pack_element_t = typename at_impl<I, Ts...>::type;
#endif
template <class... Ts, std::size_t I>
struct type_at<type_list<Ts...>, I> {
  using type = pack_element_t<I, Ts...>;
};

/// The I-th type of a type_list.
template <class List, std::size_t I>
using type_at_t = typename type_at<List, I>::type;

}  // namespace axle::detail
