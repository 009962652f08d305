// axle — the plan between two layouts made of the same atoms, from small per-layout arrays.
//
// When two valid layouts hold the same sub-axes (the same whole axes, the same blocked parts,
// the same labelled axes — in any order, grouping, orientation or label order) and no unit
// axis, the common refinement is the atoms themselves, and the normal form (engine/normal_form.hpp,
// normal_form) is computed here on compact values: one array of small atom records per layout
// type, one constant evaluation per pair producing a table of steps, elements and atom
// references, and the plan type built from that table by pack expansion. The rules are
// normal_form's, step for step (splits, one permutation or swap, flips by label, reorders by
// label, merges). Anything else — a refinement, a unit axis, different axes or labels, an
// invalid layout — is left to the engine.
#pragma once

#include <cstddef>
#include <string_view>
#include <type_traits>
#include <utility>

#include "../diagnostics.hpp"
#include "../layout.hpp"
#include "apply_types.hpp"
#include "../steps.hpp"
#include "../detail/type_list.hpp"

namespace axle::detail {

struct no_atom_plan {};

/// One atom as a small value: what sub-axis (key: axis and part, orientation- and label-free),
/// its axis, its block labels, its orientation.
struct catom {
  unsigned long long key = 0;
  unsigned long long axis = 0;
  std::string_view name{};    // the axis label (flips and reorders are listed by it)
  std::string_view labels{};  // "i,f,g,o" for a labelled axis
  bool flip = false;
  bool unit = false;
  bool spatial = false;
  index_t stride = 1;  // as in `atom`
  index_t extent = dynamic_extent;
};

template <class X>
struct catom_part {
  static constexpr index_t stride = 1, extent = dynamic_extent;
};
template <class A, index_t S>
struct catom_part<outer<A, S>> {
  static constexpr index_t stride = S, extent = dynamic_extent;
};
template <class A, index_t E, index_t S>
struct catom_part<inner<A, E, S>> {
  static constexpr index_t stride = S, extent = E;
};
template <class A>
struct catom_part<unit<A>> {
  static constexpr index_t stride = 1, extent = 1;
};

template <class X>
struct catom_of {
  using base = typename atom_traits<X>::base;
  using axis = typename atom_traits<X>::axis;
  static constexpr catom value{atom_id<base>::value, axis_info_of<axis>.id, axis::label, {}, false, is_unit_v<base>,
                               is_spatial_v<axis>, catom_part<base>::stride, catom_part<base>::extent};
};
template <class X>
struct catom_of<flipped<X>> {
  static constexpr catom value = [] {
    catom c = catom_of<X>::value;
    c.flip = true;
    return c;
  }();
};
template <class A, fixed_string L>
struct catom_of<labels<A, L>> {
  static constexpr catom value{mix_id(axis_info_of<A>.id, 5), axis_info_of<A>.id, A::label, L.view(), false, false,
                               is_spatial_v<A>, 1, value::label_count(L.view())};
};

/// validate() on the compact records: true only when validate() finds nothing (a layout it
/// rejects is left to the engine, which reports it).
constexpr bool compact_valid(const catom* a, const int* sizes, int n, int ne) noexcept {
  if (n > value::max_atoms || ne > value::max_atoms) return false;
  auto labelled = [](const catom& x) { return !x.labels.empty(); };
  auto whole = [&](const catom& x) { return x.stride == 1 && x.extent == dynamic_extent && !x.unit && !labelled(x); };
  auto part = [&](const catom& x) { return !x.unit && !labelled(x) && !whole(x); };
  for (int i = 0; i < n; ++i) {
    if (a[i].flip && (!a[i].spatial || a[i].unit)) return false;
    if (labelled(a[i]) && !value::labels_valid(a[i].labels)) return false;
    for (int j = i + 1; j < n; ++j) {
      if (a[i].axis != a[j].axis) continue;
      if (!part(a[i]) || !part(a[j]) || a[i].stride == a[j].stride || a[i].flip != a[j].flip) return false;
    }
  }
  for (int i = 0; i < n; ++i) {  // the parts of a blocked axis form a mixed radix
    if (!part(a[i])) continue;
    bool first = true;
    for (int j = 0; j < i; ++j) first = first && a[j].axis != a[i].axis;
    if (!first) continue;
    int count = 0, chained = 0;
    bool has_outer = false;
    for (int j = 0; j < n; ++j)
      if (a[j].axis == a[i].axis) {
        ++count;
        has_outer = has_outer || a[j].extent == dynamic_extent;
      }
    if (!has_outer) return false;
    for (index_t stride = 1;;) {
      int next = -1;
      for (int j = 0; j < n; ++j)
        if (a[j].axis == a[i].axis && a[j].stride == stride) next = j;
      if (next < 0) return false;
      ++chained;
      if (a[next].extent == dynamic_extent) break;
      stride *= a[next].extent;
    }
    if (chained != count) return false;
  }
  for (int e = 0, k = 0; e < ne; k += sizes[e++]) {  // no merged consecutive parts of one axis
    for (int q = k; q + 1 < k + sizes[e]; ++q) {
      const catom& o = a[q];
      const catom& in = a[q + 1];
      if (o.axis == in.axis && part(o) && part(in) && in.extent != dynamic_extent && o.stride == in.stride * in.extent)
        return false;
    }
  }
  return true;
}

constexpr int prefix_end(const int* sizes, int e) noexcept {
  int s = 0;
  for (int i = 0; i <= e; ++i) s += sizes[i];
  return s;
}

/// A layout type as small arrays: its atoms in storage order and the end of each entry.
template <class L, class Atoms = flat_atoms_t<L>>
struct clayout;
template <class... Es, class... Xs>
struct clayout<layout<Es...>, type_list<Xs...>> {
  static constexpr catom atoms[sizeof...(Xs) + 1] = {catom_of<Xs>::value..., catom{}};
  static constexpr int sizes[sizeof...(Es) + 1] = {static_cast<int>(entry_traits<Es>::atoms::size)..., 0};
  static constexpr int natoms = static_cast<int>(sizeof...(Xs));
  static constexpr int nentries = static_cast<int>(sizeof...(Es));
  static constexpr bool valid = compact_valid(atoms, sizes, natoms, nentries);
};

inline constexpr int atom_plan_capacity = 4 * value::max_atoms;

/// The normal form as tables. A reference to an atom is its index in the universe (the source's
/// atoms, then the target's), or that plus axis_ref_bit for the atom's axis.
struct atom_plan_desc {
  bool ok = true;
  bool order_is_source = false;
  bool order_is_target = false;
  int nsteps = 0;
  value::step_kind kind[value::max_steps]{};
  int a_first[value::max_steps]{}, a_count[value::max_steps]{};  // elements
  int b_first[value::max_steps]{}, b_count[value::max_steps]{};
  int nelem = 0;
  int el_first[atom_plan_capacity]{}, el_count[atom_plan_capacity]{};  // atom references
  int nref = 0;
  int ref[atom_plan_capacity]{};

  constexpr void push(value::step_kind k) noexcept {
    if (nsteps == value::max_steps) {
      ok = false;
      return;
    }
    kind[nsteps] = k;
    a_first[nsteps] = b_first[nsteps] = nelem;
    ++nsteps;
  }
  constexpr void begin_element() noexcept {
    if (nelem == atom_plan_capacity) {
      ok = false;
      return;
    }
    el_first[nelem] = nref;
    el_count[nelem++] = 0;
  }
  constexpr void add(int r) noexcept {
    if (nref == atom_plan_capacity || nelem == 0) {
      ok = false;
      return;
    }
    ref[nref++] = r;
    ++el_count[nelem - 1];
  }
  constexpr void end_a() noexcept {
    a_count[nsteps - 1] = nelem - a_first[nsteps - 1];
    b_first[nsteps - 1] = nelem;
  }
  constexpr void end_b() noexcept { b_count[nsteps - 1] = nelem - b_first[nsteps - 1]; }
};
inline constexpr int axis_ref_bit = 1 << 12;

/// normal_form(derive(from, to), false) for two valid layouts of the same atoms, or !ok.
constexpr atom_plan_desc make_atom_plan(const catom* a, const int* a_sizes, int na, int nae, const catom* b,
                                        const int* b_sizes, int nb, int nbe) noexcept {
  atom_plan_desc s;
  if (na != nb || na > value::max_atoms || nae > value::max_atoms || nbe > value::max_atoms) {
    s.ok = false;
    return s;
  }
  // derive: the refinement is the atoms themselves; match every target atom with its source.
  int src_entry[value::max_atoms]{}, dst_entry[value::max_atoms]{}, a_begin[value::max_atoms + 1]{}, b_begin[value::max_atoms + 1]{};
  for (int e = 0, i = 0; e < nae; ++e) {
    a_begin[e] = i;
    for (int q = 0; q < a_sizes[e]; ++q) src_entry[i++] = e;
    a_begin[e + 1] = i;
  }
  for (int e = 0, i = 0; e < nbe; ++e) {
    b_begin[e] = i;
    for (int q = 0; q < b_sizes[e]; ++q) dst_entry[i++] = e;
    b_begin[e + 1] = i;
  }
  int src_of_dst[value::max_atoms]{};
  bool flip[value::max_atoms]{};
  bool seen[value::max_atoms]{};
  for (int k = 0; k < nb; ++k) {
    int i = 0;
    while (i < na && a[i].key != b[k].key) ++i;
    if (i == na || seen[i] || a[i].unit || b[k].unit || !value::same_label_set(a[i].labels, b[k].labels)) {
      s.ok = false;
      return s;
    }
    seen[i] = true;
    src_of_dst[k] = i;
    flip[k] = a[i].flip != b[k].flip;
  }
  // structure_of
  bool src_kept[value::max_atoms]{}, dst_kept[value::max_atoms]{};
  int x_src_first[value::max_atoms]{}, x_src_count[value::max_atoms]{}, x_dst_first[value::max_atoms]{}, x_dst_count[value::max_atoms]{};
  int x_src_of_dst[value::max_atoms]{}, elem_of_src[value::max_atoms]{}, dst_of_src[value::max_atoms]{};
  int xn_src = 0, xn_dst = 0;
  for (int k = 0; k < nb; ++k) dst_of_src[src_of_dst[k]] = k;
  for (int bb = 0; bb < na;) {
    const int e = src_entry[bb];
    const int c = bb + a_sizes[e];
    const int d0 = dst_of_src[bb];
    bool kept = b_sizes[dst_entry[d0]] == c - bb;
    for (int i = bb; i < c && kept; ++i) {
      const int d = dst_of_src[i];
      kept = d == d0 + (i - bb) && dst_entry[d] == dst_entry[d0];
      if (kept && c - bb > 1) kept = !flip[d] && (b[d].labels.empty() || b[d].labels == a[i].labels);
    }
    if (kept) {
      src_kept[e] = true;
      dst_kept[dst_entry[d0]] = true;
      elem_of_src[bb] = xn_src;
      x_src_first[xn_src] = bb;
      x_src_count[xn_src++] = c - bb;
    } else {
      for (int i = bb; i < c; ++i) {
        elem_of_src[i] = xn_src;
        x_src_first[xn_src] = i;
        x_src_count[xn_src++] = 1;
      }
    }
    bb = c;
  }
  for (int k = 0; k < nb;) {
    const int f = dst_entry[k];
    const int c = k + b_sizes[f];
    const bool kept = dst_kept[f];
    for (int first = k; first < (kept ? k + 1 : c); ++first) {
      x_dst_first[xn_dst] = first;
      x_dst_count[xn_dst] = kept ? c - k : 1;
      x_src_of_dst[xn_dst++] = elem_of_src[src_of_dst[first]];
    }
    k = c;
  }
  // normal_form: splits
  bool any_split = false;
  for (int e = 0; e < nae; ++e) {
    if (src_kept[e] || a_sizes[e] == 1) continue;
    any_split = true;
    s.push(value::step_kind::split);
    s.begin_element();
    for (int i = a_begin[e]; i < a_begin[e + 1]; ++i) s.add(i);
    s.end_a();
    for (int i = a_begin[e]; i < a_begin[e + 1]; ++i) {
      s.begin_element();
      s.add(i);
    }
    s.end_b();
  }
  bool any_merge = false;
  for (int f = 0; f < nbe; ++f) any_merge = any_merge || (!dst_kept[f] && b_sizes[f] != 1);
  bool any_reorder = false;
  for (int k = 0; k < nb; ++k) any_reorder = any_reorder || (!b[k].labels.empty() && b[k].labels != a[src_of_dst[k]].labels);
  // the permutation
  bool identity = xn_src == xn_dst;
  int moved = 0, first = -1, second = -1;
  for (int k = 0; k < xn_dst; ++k) {
    if (x_src_of_dst[k] == k) continue;
    identity = false;
    ++moved;
    (first < 0 ? first : second) = k;
  }
  auto add_target_element = [&](int begin, int count) {  // the source's atoms (and labels)
    s.begin_element();
    for (int k = begin; k < begin + count; ++k) s.add(src_of_dst[k]);
  };
  if (!identity) {
    if (moved == 2 && xn_src == xn_dst && x_src_of_dst[first] == second) {
      s.push(value::step_kind::swap);
      add_target_element(x_dst_first[first], x_dst_count[first]);
      add_target_element(x_dst_first[second], x_dst_count[second]);
      s.end_a();
      s.end_b();
    } else {
      s.push(value::step_kind::permute);
      s.order_is_source = !any_split && xn_src == nae;
      s.order_is_target = !any_merge && !any_reorder && xn_dst == nbe;
      for (int q = 0; q < xn_src; ++q) {
        s.begin_element();
        for (int i = x_src_first[q]; i < x_src_first[q] + x_src_count[q]; ++i) s.add(i);
      }
      s.end_a();
      for (int k = 0; k < xn_dst; ++k) add_target_element(x_dst_first[k], x_dst_count[k]);
      s.end_b();
    }
  }
  // flips, by axis label (ties in target order), one per axis
  {
    int order[value::max_atoms]{};
    int n = 0;
    for (int k = 0; k < nb; ++k) {
      if (!flip[k]) continue;
      bool dup = false;
      for (int q = 0; q < n; ++q) dup = dup || b[order[q]].axis == b[k].axis;
      if (dup) continue;
      int m = n++;
      for (; m > 0 && b[order[m - 1]].name > b[k].name; --m) order[m] = order[m - 1];
      order[m] = k;
    }
    if (n > 0) {
      s.push(value::step_kind::flip);
      for (int q = 0; q < n; ++q) {
        s.begin_element();
        s.add((na + order[q]) | axis_ref_bit);
      }
      s.end_a();
      s.end_b();
    }
  }
  // block reorders, by axis label (ties in target order)
  {
    int order[value::max_atoms]{};
    int n = 0;
    for (int k = 0; k < nb; ++k) {
      if (b[k].labels.empty() || b[k].labels == a[src_of_dst[k]].labels) continue;
      int m = n++;
      for (; m > 0 && b[order[m - 1]].name > b[k].name; --m) order[m] = order[m - 1];
      order[m] = k;
    }
    for (int q = 0; q < n; ++q) {
      s.push(value::step_kind::reorder);
      s.begin_element();
      s.add(src_of_dst[order[q]]);
      s.end_a();
      s.begin_element();
      s.add(na + order[q]);
      s.end_b();
    }
  }
  // merges
  for (int f = 0; f < nbe; ++f) {
    if (dst_kept[f] || b_sizes[f] == 1) continue;
    s.push(value::step_kind::merge);
    s.begin_element();
    for (int k = b_begin[f]; k < b_begin[f + 1]; ++k) s.add(na + k);
    s.end_a();
    for (int k = b_begin[f]; k < b_begin[f + 1]; ++k) {
      s.begin_element();
      s.add(na + k);
    }
    s.end_b();
  }
  return s;
}

template <class From, class To>
struct atom_plan_of {
  using A = clayout<From>;
  using B = clayout<To>;
  static constexpr atom_plan_desc value =
      make_atom_plan(A::atoms, A::sizes, A::natoms, A::nentries, B::atoms, B::sizes, B::natoms, B::nentries);
};

// --- building the plan type from the tables --------------------------------------------------

template <class U, int Ref, bool Axis = (Ref & axis_ref_bit) != 0>
struct ref_type {
  using type = type_at_t<U, static_cast<std::size_t>(Ref)>;
};
template <class U, int Ref>
struct ref_type<U, Ref, true> {
  using type = typename atom_traits<type_at_t<U, static_cast<std::size_t>(Ref & ~axis_ref_bit)>>::axis;
};

template <class U, class G, int First, class Ks>
struct ref_element;
template <class U, class G, int First>
struct ref_element<U, G, First, std::index_sequence<0>> {
  using type = typename ref_type<U, G::value.ref[First]>::type;
};
template <class U, class G, int First, std::size_t... K>
struct ref_element<U, G, First, std::index_sequence<K...>> {
  using type = merged<typename ref_type<U, G::value.ref[First + static_cast<int>(K)]>::type...>;
};
template <class U, class G, int E>
using element_of_t = typename ref_element<U, G, G::value.el_first[E],
                                          std::make_index_sequence<static_cast<std::size_t>(G::value.el_count[E])>>::type;

template <class U, class G, int First, class Ks>
struct element_list;
template <class U, class G, int First, std::size_t... K>
struct element_list<U, G, First, std::index_sequence<K...>> {
  using type = type_list<element_of_t<U, G, First + static_cast<int>(K)>...>;
};

template <bool Whole, class L, class U, class G, int First, int Count>
struct list_or_layout {
  using type = typename entries_of<L>::type;
};
template <class L, class U, class G, int First, int Count>
struct list_or_layout<false, L, U, G, First, Count>
    : element_list<U, G, First, std::make_index_sequence<static_cast<std::size_t>(Count)>> {};

template <class U, class G, class From, class To, std::size_t S, value::step_kind Kind = G::value.kind[S],
          bool A_is_from = Kind == value::step_kind::permute && G::value.order_is_source,
          bool B_is_to = Kind == value::step_kind::permute && G::value.order_is_target>
struct atom_step {
  using type = typename make_step<Kind, typename list_or_layout<A_is_from, From, U, G, G::value.a_first[S], G::value.a_count[S]>::type,
                                  typename list_or_layout<B_is_to, To, U, G, G::value.b_first[S], G::value.b_count[S]>::type>::type;
};

template <class U, class G, class From, class To, class Ss>
struct atom_plan_steps;
template <class U, class G, class From, class To, std::size_t... S>
struct atom_plan_steps<U, G, From, To, std::index_sequence<S...>> {
  using type = plan<typename atom_step<U, G, From, To, S>::type...>;
};

template <class From, class To, class G = atom_plan_of<From, To>, bool Ok = G::value.ok>
struct atom_plan_build {
  using type = no_atom_plan;
};
template <class From, class To, class G>
struct atom_plan_build<From, To, G, true> {
  using type = typename atom_plan_steps<concat_t<universe_t<From>, universe_t<To>>, G, From, To,
                                        std::make_index_sequence<static_cast<std::size_t>(G::value.nsteps)>>::type;
};

/// The plan between two valid layouts of the same atoms, or no_atom_plan.
template <class From, class To, bool Valid = clayout<From>::valid && clayout<To>::valid>
struct atom_plan {
  using type = no_atom_plan;
};
template <class From, class To>
struct atom_plan<From, To, true> : atom_plan_build<From, To> {};

}  // namespace axle::detail
