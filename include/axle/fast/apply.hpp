// axle — apply_t without the engine's descriptors.
//
// Two paths, tried in turn. A layout of whole axes (O, H~) under permutations, swaps and flips —
// the plans between the commonest layouts — is applied by pattern matching on the types alone
// (`whole_axes_apply`, below): no constant evaluation, whose steps cost clang more than the few
// instantiations that replace them (measured in docs/performance.md). Every other plan and layout
// runs through `apply_compact`, the whole plan in one constant evaluation:
//
// `apply_compact` runs a plan's steps over the records of a layout (fast/records.hpp) by
// value::apply_step's rules, with the layout as a small state — per entry where its type comes
// from, per atom its identity, axis and orientation — and the result type is built once, entry
// by entry: each entry is an entry type of L or an element of one of the plan's steps (a part,
// a merged entry, a permuted element, a relabelled atom), oriented as the state says. No
// intermediate layout type is created. The rules, step by step:
//
//   split    the entry that is exactly E becomes the parts, oriented as their axis is in L
//   merge    the consecutive one-atom entries that are exactly the parts become E, oriented
//   swap     the two entries that are exactly X and Y exchange places
//   permute  L's entries are exactly the before-list; each entry of the after-list is one of
//            them (and each of them is one), taken from the after-list and oriented
//   flip     every atom of each named spatial axis (named once, present) toggles
//   reorder  the first atom that is exactly X becomes Y
//
// (Exactly: the same atoms in the same order, orientation aside, labels included.) A plan step
// that does not apply, a unit axis (dropped or inserted by a permutation), a reorder inside a
// merged entry or a part that is merged — anything this file does not reproduce exactly — ends
// the evaluation with !ok, and plan.hpp asks the engine, which applies the plan or reports
// plan_step_does_not_apply.
#pragma once

#include <cstddef>
#include <type_traits>
#include <utility>

#include "../detail/type_list.hpp"
#include "../layout.hpp"
#include "../steps.hpp"
#include "records.hpp"

namespace axle::detail {

struct no_fast_apply {};

inline constexpr int cplan_capacity = 4 * value::max_atoms;

/// A plan type as records: the kind of each step, how many elements its two lists have, and
/// every element (an entry type), step by step, a-list then b-list.
struct cplan {
  bool ok = false;  // within the engine's capacities
  int nsteps = 0;
  value::step_kind kind[value::max_steps]{};
  int na[value::max_steps]{};
  int nb[value::max_steps]{};
  const crec_entry* el[cplan_capacity]{};
};

template <class P>
struct plan_elements;
template <class... Ss>
struct plan_elements<plan<Ss...>> {
  using type = concat_t<typename step_traits<Ss>::elements...>;
};
/// The elements of a plan's steps, in order: the types an applied plan's entries come from.
template <class P>
using plan_elements_t = typename plan_elements<P>::type;

template <class P, class Els = plan_elements_t<P>>
struct cplan_of {
  static constexpr cplan value{};
};
template <class... Ss, class... Els>
  requires(sizeof...(Ss) <= static_cast<std::size_t>(value::max_steps) && sizeof...(Els) <= static_cast<std::size_t>(cplan_capacity))
struct cplan_of<plan<Ss...>, type_list<Els...>> {
  static constexpr cplan value{true,
                               static_cast<int>(sizeof...(Ss)),
                               {step_traits<Ss>::kind...},
                               {static_cast<int>(step_traits<Ss>::a::size)...},
                               {static_cast<int>(step_traits<Ss>::b::size)...},
                               {&crec_entry_v<Els>...}};
};

/// The applied plan: per entry where its type comes from (below nl: L's entry; from nl on:
/// element ref - nl of the plan) and the orientation of its atoms (bit j: atom j is flipped).
struct capplied {
  bool ok = false;
  int nentries = 0;
  int ref[value::max_atoms]{};
  unsigned mask[value::max_atoms]{};
};

/// A layout while a plan runs over it.
struct cstate {
  int ne = 0;
  int na = 0;
  bool overflow = false;
  int ref[value::max_atoms]{};
  int begin[value::max_atoms + 1]{};
  unsigned long long lkey[value::max_atoms]{};
  unsigned long long axis[value::max_atoms]{};
  bool spatial[value::max_atoms]{};
  bool flip[value::max_atoms]{};

  constexpr void push(unsigned long long k, unsigned long long a, bool s, bool f) noexcept {
    if (na == value::max_atoms) {
      overflow = true;
      return;
    }
    lkey[na] = k;
    axis[na] = a;
    spatial[na] = s;
    flip[na++] = f;
  }
  constexpr void close(int r) noexcept {
    if (ne == value::max_atoms) {
      overflow = true;
      return;
    }
    ref[ne++] = r;
    begin[ne] = na;
  }
  constexpr void copy_entry(const cstate& from, int e) noexcept {
    for (int i = from.begin[e]; i < from.begin[e + 1]; ++i) push(from.lkey[i], from.axis[i], from.spatial[i], from.flip[i]);
    close(from.ref[e]);
  }
  /// apply_step's `oriented`: a spatial atom takes the orientation of its axis here.
  [[nodiscard]] constexpr bool oriented(const crec& x) const noexcept {
    if (!x.spatial) return false;
    for (int i = 0; i < na; ++i)
      if (axis[i] == x.axis) return flip[i];
    return false;
  }
  /// The first entry that is exactly `x` (its atoms, in order, orientation aside), or -1.
  [[nodiscard]] constexpr int find(const crec_entry& x) const noexcept {
    for (int e = 0; e < ne; ++e)
      if (is(e, x)) return e;
    return -1;
  }
  [[nodiscard]] constexpr bool is(int e, const crec_entry& x) const noexcept {
    if (begin[e + 1] - begin[e] != x.natoms) return false;
    for (int q = 0; q < x.natoms; ++q)
      if (lkey[begin[e] + q] != x.atoms[q].lkey) return false;
    return true;
  }
  constexpr void push_element(const cstate& from, const crec_entry& x, int r) noexcept {
    for (int q = 0; q < x.natoms; ++q) push(x.atoms[q].lkey, x.atoms[q].axis, x.atoms[q].spatial, from.oriented(x.atoms[q]));
    close(r);
  }
};

[[nodiscard]] constexpr capplied apply_compact(const clayout_rec& l, const cplan& p) noexcept {
  capplied r;
  if (!p.ok) return r;
  cstate st[2];
  int cur = 0;
  {
    cstate& c = st[0];
    for (int e = 0; e < l.nentries; ++e) {
      const crec_entry& x = *l.entries[e];
      const int na = x.natoms;
      if (x.odd || c.na + na > value::max_atoms) return r;
      for (int q = 0; q < na; ++q) {
        const crec& y = x.atoms[q];
        c.lkey[c.na] = y.lkey;
        c.axis[c.na] = y.axis;
        c.spatial[c.na] = y.spatial;
        c.flip[c.na++] = y.flip;
      }
      c.ref[c.ne++] = e;
      c.begin[c.ne] = c.na;
    }
  }
  const int nl = l.nentries;
  int first = 0;  // the current step's first element
  for (int s = 0; s < p.nsteps; ++s) {
    const int a0 = first, b0 = first + p.na[s], end = b0 + p.nb[s];
    first = end;
    for (int k = a0; k < end; ++k)
      if (p.el[k]->odd) return r;  // an empty element or a unit axis: the engine's
    cstate& c = st[cur];
    cstate& n = st[1 - cur];
    n.ne = 0;
    n.na = 0;
    bool in_place = false;
    switch (p.kind[s]) {
      case value::step_kind::split: {
        const int e = p.na[s] == 1 ? c.find(*p.el[a0]) : -1;
        if (e < 0) return r;
        for (int f = 0; f < c.ne; ++f) {
          if (f != e) {
            n.copy_entry(c, f);
            continue;
          }
          for (int k = b0; k < end; ++k) {
            if (p.el[k]->natoms != 1) return r;
            n.push_element(c, *p.el[k], nl + k);
          }
        }
        break;
      }
      case value::step_kind::merge: {
        const int nb = p.nb[s];
        if (p.na[s] != 1) return r;
        int at = -1;
        for (int f = 0; f + nb <= c.ne && at < 0; ++f) {
          bool eq = true;
          for (int q = 0; q < nb && eq; ++q) eq = p.el[b0 + q]->natoms == 1 && c.is(f + q, *p.el[b0 + q]);
          if (eq) at = f;
        }
        if (at < 0) return r;
        for (int f = 0; f < c.ne; ++f) {
          if (f == at)
            n.push_element(c, *p.el[a0], nl + a0);
          else if (f < at || f >= at + nb)
            n.copy_entry(c, f);
        }
        break;
      }
      case value::step_kind::swap: {
        if (p.na[s] != 2) return r;
        const int x = c.find(*p.el[a0]), y = c.find(*p.el[a0 + 1]);
        if (x < 0 || y < 0 || x == y) return r;
        for (int f = 0; f < c.ne; ++f) n.copy_entry(c, f == x ? y : f == y ? x : f);
        break;
      }
      case value::step_kind::permute: {
        if (p.na[s] != c.ne || p.nb[s] != c.ne) return r;
        bool used[value::max_atoms]{};
        for (int e = 0; e < c.ne; ++e) {  // c.is(e, before-element e), inline
          const crec_entry& x = *p.el[a0 + e];
          const int na = x.natoms;
          if (c.begin[e + 1] - c.begin[e] != na) return r;
          for (int q = 0; q < na; ++q)
            if (c.lkey[c.begin[e] + q] != x.atoms[q].lkey) return r;
        }
        for (int t = 0; t < c.ne; ++t) {
          const crec_entry& x = *p.el[b0 + t];
          // The first entry that is exactly x: only an entry of x's first atom can be.
          const unsigned long long k0 = x.atoms[0].lkey;
          const int na = x.natoms;
          int q = 0;
          while (q < c.ne && (c.lkey[c.begin[q]] != k0 || (na > 1 && !c.is(q, x)))) ++q;
          if (q < c.ne && c.begin[q + 1] - c.begin[q] != na) q = c.ne;
          if (q == c.ne || used[q]) return r;
          used[q] = true;
          // push_element(c, x, ...): entry q holds x's atoms; a spatial one takes its axis's
          // orientation in c.
          for (int i = c.begin[q]; i < c.begin[q + 1]; ++i) {
            bool f = false;
            if (c.spatial[i]) {
              int j = 0;
              while (c.axis[j] != c.axis[i]) ++j;
              f = c.flip[j];
            }
            n.lkey[n.na] = c.lkey[i];
            n.axis[n.na] = c.axis[i];
            n.spatial[n.na] = c.spatial[i];
            n.flip[n.na++] = f;
          }
          n.ref[n.ne++] = nl + b0 + t;
          n.begin[n.ne] = n.na;
        }
        for (int e = 0; e < c.ne; ++e)
          if (!used[e]) return r;
        break;
      }
      case value::step_kind::flip: {
        in_place = true;
        unsigned long long named[value::max_atoms]{};  // the axes flipped so far
        for (int k = a0; k < b0; ++k) {
          const crec_entry& x = *p.el[k];
          if (x.natoms != 1 || !x.atoms[0].spatial || k - a0 >= value::max_atoms) return r;
          const unsigned long long ax = x.atoms[0].axis;
          for (int j = 0; j < k - a0; ++j)
            if (named[j] == ax) return r;
          named[k - a0] = ax;
          bool found = false;
          for (int i = 0; i < c.na; ++i) {
            if (c.axis[i] != ax) continue;
            c.flip[i] = !c.flip[i];
            found = true;
          }
          if (!found) return r;
        }
        break;
      }
      case value::step_kind::reorder: {
        if (p.na[s] != 1 || p.nb[s] != 1 || p.el[a0]->natoms != 1 || p.el[b0]->natoms != 1) return r;
        const crec& y = p.el[b0]->atoms[0];
        in_place = true;
        int i = 0;
        while (i < c.na && c.lkey[i] != p.el[a0]->atoms[0].lkey) ++i;
        if (i == c.na) return r;
        int e = 0;
        while (c.begin[e + 1] <= i) ++e;
        if (c.begin[e + 1] - c.begin[e] != 1) return r;  // inside a merged entry: the engine's
        c.lkey[i] = y.lkey;
        c.axis[i] = y.axis;
        c.spatial[i] = y.spatial;
        c.flip[i] = false;
        c.ref[e] = nl + b0;
        break;
      }
    }
    if (in_place) continue;
    if (n.overflow) return r;
    cur = 1 - cur;
  }
  const cstate& f = st[cur];
  r.nentries = f.ne;
  for (int e = 0; e < f.ne; ++e) {
    r.ref[e] = f.ref[e];
    for (int i = f.begin[e]; i < f.begin[e + 1]; ++i)
      if (f.flip[i]) r.mask[e] |= 1u << (i - f.begin[e]);
  }
  r.ok = true;
  return r;
}

template <class P, class L>
struct applied_holder {
  static constexpr capplied value = apply_compact(clayout<L>::value, cplan_of<P>::value);
};
struct no_applied {
  static constexpr capplied value{};
};

/// An orientation-free entry with the orientation of each atom: bit j of Mask flips atom j.
template <class X, unsigned Mask>
struct orient_entry {
  using type = X;
};
template <class X>
struct orient_entry<X, 1u> {
  using type = flipped<X>;
};
template <class E, class Js, unsigned Mask>
struct orient_merged;
template <class... Xs, std::size_t... J, unsigned Mask>
struct orient_merged<merged<Xs...>, std::index_sequence<J...>, Mask> {
  using type = merged<typename orient_entry<Xs, (Mask >> J) & 1u>::type...>;
};
template <class... Xs, unsigned Mask>
struct orient_entry<merged<Xs...>, Mask> : orient_merged<merged<Xs...>, std::index_sequence_for<Xs...>, Mask> {};
template <class... Xs>
struct orient_entry<merged<Xs...>, 1u> : orient_merged<merged<Xs...>, std::index_sequence_for<Xs...>, 1u> {};

template <class Ls, class Ps, class R, class Ks>
struct applied_build;
template <class... Ls, class... Ps, class R, std::size_t... K>
struct applied_build<type_list<Ls...>, type_list<Ps...>, R, std::index_sequence<K...>> {
  using type = layout<typename orient_entry<pack_element_t<static_cast<std::size_t>(R::value.ref[K]), Ls..., Ps...>,
                                            R::value.mask[K]>::type...>;
};

// --- layouts of whole axes, at the type level ---------------------------------------------------
// A layout whose entries are all whole axes (O, H~: no merged entry, part, label or unit axis),
// under a plan of permutations, swaps and flips (the plans between such layouts), is applied by
// pattern matching on the types alone, by the same rules as apply_compact: no constant
// evaluation, whose steps cost clang more than the instantiations that replace them. Anything
// else — another step, another entry, a step that does not apply — goes to apply_compact.

/// E with its orientation toggled (or kept).
template <class E, bool Toggle>
struct toggled_axis {
  using type = E;
};
template <class X>
struct toggled_axis<X, true> {
  using type = flipped<X>;
};
template <class X>
struct toggled_axis<flipped<X>, true> {
  using type = X;
};

/// One step over a layout of whole axes: the layout after it, or no_fast_apply.
template <class S, class L>
struct whole_axes_step {
  using type = no_fast_apply;
};
// permute: the entries are exactly the before-list, each of the after-list is one of them,
// oriented as its axis is in L.
template <class... Xs, class... Ys, class... Es>
  requires(sizeof...(Xs) == sizeof...(Es) && sizeof...(Ys) == sizeof...(Es) &&
           (__is_same(Xs, typename whole_axis<Es>::base) && ...) && ((count_of_v<Ys, Xs...> == 1) && ...))
struct whole_axes_step<permute<order<Xs...>, order<Ys...>>, layout<Es...>> {
  using type = layout<typename orient_entry<Ys, flipped_in_v<Ys, Es...>>::type...>;
};
// swap: the entries that are exactly X and Y exchange places, each with its orientation.
template <class X, class Y, class... Es>
  requires(!__is_same(X, Y) && count_of_v<X, typename whole_axis<Es>::base...> == 1 &&
           count_of_v<Y, typename whole_axis<Es>::base...> == 1)
struct whole_axes_step<swap<X, Y>, layout<Es...>> {
  using type = layout<typename std::conditional_t<
      __is_same(typename whole_axis<Es>::base, X), orient_entry<Y, flipped_in_v<Y, Es...>>,
      std::conditional_t<__is_same(typename whole_axis<Es>::base, Y), orient_entry<X, flipped_in_v<X, Es...>>,
                         orient_entry<Es, 0u>>>::type...>;
};
// flip: each named axis is spatial, named once and present; its entry toggles.
template <class... As, class... Es>
  requires(((spatial_axis_v<As> && count_of_v<As, As...> == 1 &&
             count_of_v<As, typename whole_axis<Es>::base...> == 1) &&
            ...))
struct whole_axes_step<flip<As...>, layout<Es...>> {
  using type = layout<typename toggled_axis<Es, (count_of_v<typename whole_axis<Es>::base, As...> != 0)>::type...>;
};

template <class L, class... Ss>
struct whole_axes_steps {
  using type = L;
};
template <class L, class S, class... Ss>
struct whole_axes_steps<L, S, Ss...> : whole_axes_steps<typename whole_axes_step<S, L>::type, Ss...> {};
template <class S, class... Ss>
struct whole_axes_steps<no_fast_apply, S, Ss...> {
  using type = no_fast_apply;
};

/// Plan P over the valid layout L of whole axes, or no_fast_apply.
template <class P, class L, bool Valid>
struct whole_axes_apply {
  using type = no_fast_apply;
};
template <class... Ss, class... Es>
  requires((whole_axis<Es>::kind != 0) && ...)
struct whole_axes_apply<plan<Ss...>, layout<Es...>, true> : whole_axes_steps<layout<Es...>, Ss...> {};

/// The layout that plan P turns the valid layout L into by apply_compact, or no_fast_apply.
template <class P, class L, bool Valid, class R = std::conditional_t<Valid, applied_holder<P, L>, no_applied>,
          bool Ok = R::value.ok>
struct compact_apply {
  using type = no_fast_apply;
};
template <class P, class L, class R>
struct compact_apply<P, L, true, R, true>
    : applied_build<typename entries_of<L>::type, plan_elements_t<P>, R,
                    std::make_index_sequence<static_cast<std::size_t>(R::value.nentries)>> {};

/// The layout that plan P turns the valid layout L into, or no_fast_apply.
template <class P, class L, bool Valid = clayout<L>::valid, class Whole = typename whole_axes_apply<P, L, Valid>::type>
struct fast_apply {
  using type = Whole;
};
template <class P, class L, bool Valid>
struct fast_apply<P, L, Valid, no_fast_apply> : compact_apply<P, L, Valid> {};

}  // namespace axle::detail
