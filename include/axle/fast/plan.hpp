// axle — plan_t between two layouts of the same atoms, without the engine's descriptors.
//
// When two valid layouts hold the same sub-axes — the same whole axes, blocked parts and
// labelled axes, in any order, grouping, orientation or label order — and no unit axis, the
// common refinement of derive() is the atoms themselves and the normal form (engine/
// normal_form.hpp) reduces to a few numbers: which source entries are split, which target
// entries are merged, whether the elements are swapped or permuted, which axes flip and which
// labelled axes are reordered. `plan_shape_of` computes them from the two layouts' records
// (fast/records.hpp) by normal_form's rules, step for step, in one constant evaluation; the plan
// type is then assembled from the two layouts' own entries:
//
//   split<E, X...>      a source entry E = merged<X...> that is split
//   permute / swap      the elements: every entry, or its atoms where it is split (source) or
//                       merged (target); the target's elements carry the source's labels
//   flip<A...>          the axes, by label
//   reorder<X, Y>       a labelled atom of the source and of the target
//   merge<E, X...>      a target entry that is merged
//
// Everything else — a refinement (re-blocking), a unit axis, different axes or labels, an
// invalid layout, more atoms than the engine holds — is no_fast_plan, and plan.hpp asks the
// engine, which computes the plan or reports why there is none. Whole-axis layouts (the common
// case) are the same-atom case without splits, merges or reorders.
#pragma once

#include <cstddef>
#include <type_traits>
#include <utility>

#include "../detail/type_list.hpp"
#include "../layout.hpp"
#include "../steps.hpp"
#include "records.hpp"

namespace axle::detail {

struct no_fast_plan {};

/// The normal form of the plan between two valid layouts of the same atoms, as numbers.
struct plan_shape {
  bool ok = false;
  unsigned split = 0;  // bit e: source entry e is split into its atoms
  unsigned merge = 0;  // bit f: target entry f is merged from its atoms
  int order = 0;       // 0: the elements stay in place; 1: elements first and second swap; 2: a permutation
  int first = -1;
  int second = -1;
  int nflips = 0;
  int flips[value::max_atoms]{};  // target atoms whose axis flips, by axis label (ties in target order)
  int nreorders = 0;
  int reorder_src[value::max_atoms]{};  // the relabelled atoms, source and target, by axis label
  int reorder_dst[value::max_atoms]{};
};

/// normal_form(derive(a, b)) for two valid layouts of the same atoms, or !ok.
[[nodiscard]] constexpr plan_shape plan_shape_of(const clayout_rec& la, const clayout_rec& lb) noexcept {
  constexpr int max = value::max_atoms;
  plan_shape s;
  const flat_recs a = flatten(la), b = flatten(lb);
  const int n = a.natoms;
  if (!a.ok || !b.ok || n != b.natoms) return s;
  // derive: every target atom is the source atom of the same sub-axis (unique in a valid
  // layout), with the same set of labels.
  int src_of_dst[max]{}, dst_of_src[max]{};
  bool flip[max]{};
  unsigned long long akey[max]{};
  for (int i = 0; i < n; ++i) akey[i] = a.atoms[i]->key;
  for (int k = 0; k < n; ++k) {
    const crec& d = *b.atoms[k];
    const unsigned long long dk = d.key;
    int i = 0;
    while (i < n && akey[i] != dk) ++i;
    if (i == n || d.unit || a.atoms[i]->unit) return s;
    if (d.labelled && !value::same_label_set(a.atoms[i]->labels, d.labels)) return s;
    src_of_dst[k] = i;
    dst_of_src[i] = k;
    flip[k] = a.atoms[i]->flip != d.flip;
  }
  // structure_of: a source entry is kept when its atoms arrive, in order (and, for several
  // atoms, without flips or reorders inside), as exactly one target entry.
  bool src_kept[max]{}, dst_kept[max]{};
  int elem_of_src[max]{}, src_of_elem[max]{};
  int nsrc = 0, ndst = 0;
  for (int i = 0; i < n;) {
    const int e = a.entry[i];
    const int c = a.begin[e + 1];
    const int d0 = dst_of_src[i];
    bool kept = b.begin[b.entry[d0] + 1] - b.begin[b.entry[d0]] == c - i;
    for (int j = i; j < c && kept; ++j) {
      const int d = dst_of_src[j];
      kept = d == d0 + (j - i) && b.entry[d] == b.entry[d0];
      if (kept && c - i > 1) kept = !flip[d] && (!b.atoms[d]->labelled || b.atoms[d]->labels == a.atoms[j]->labels);
    }
    if (kept) {
      src_kept[e] = true;
      dst_kept[b.entry[d0]] = true;
      elem_of_src[i] = nsrc++;
    } else {
      for (int j = i; j < c; ++j) elem_of_src[j] = nsrc++;
    }
    i = c;
  }
  for (int k = 0; k < n;) {
    const int f = b.entry[k];
    const int c = b.begin[f + 1];
    for (int t = k; t < (dst_kept[f] ? k + 1 : c); ++t) src_of_elem[ndst++] = elem_of_src[src_of_dst[t]];
    k = c;
  }
  for (int e = 0; e < a.nentries; ++e)
    if (!src_kept[e] && a.begin[e + 1] - a.begin[e] > 1) s.split |= 1u << e;
  for (int f = 0; f < b.nentries; ++f)
    if (!dst_kept[f] && b.begin[f + 1] - b.begin[f] > 1) s.merge |= 1u << f;
  // The permutation of elements: a swap when exactly two trade places.
  int moved = 0;
  for (int k = 0; k < ndst; ++k) {
    if (src_of_elem[k] == k) continue;
    ++moved;
    (s.first < 0 ? s.first : s.second) = k;
  }
  if (moved > 0) s.order = moved == 2 && nsrc == ndst && src_of_elem[s.first] == s.second ? 1 : 2;
  // Flips by axis label, one per axis; then reorders by axis label (ties in target order).
  for (int k = 0; k < n; ++k) {
    if (!flip[k]) continue;
    bool dup = false;
    for (int q = 0; q < s.nflips; ++q) dup = dup || b.atoms[s.flips[q]]->axis == b.atoms[k]->axis;
    if (dup) continue;
    int m = s.nflips++;
    for (; m > 0 && b.atoms[s.flips[m - 1]]->name > b.atoms[k]->name; --m) s.flips[m] = s.flips[m - 1];
    s.flips[m] = k;
  }
  for (int k = 0; k < n; ++k) {
    const int i = src_of_dst[k];
    if (!b.atoms[k]->labelled || b.atoms[k]->labels == a.atoms[i]->labels) continue;
    int m = s.nreorders++;
    for (; m > 0 && b.atoms[s.reorder_dst[m - 1]]->name > b.atoms[k]->name; --m) {
      s.reorder_dst[m] = s.reorder_dst[m - 1];
      s.reorder_src[m] = s.reorder_src[m - 1];
    }
    s.reorder_dst[m] = k;
    s.reorder_src[m] = i;
  }
  s.ok = true;
  return s;
}

template <class From, class To>
struct plan_shape_holder {
  static constexpr plan_shape value = plan_shape_of(clayout<From>::value, clayout<To>::value);
};
struct no_plan_shape {
  static constexpr plan_shape value{};
};

// --- the plan type from the shape -----------------------------------------------------------
// Keyed by one entry type and a flag, these are shared by every pair of the translation unit.

/// What an entry contributes to a permutation's list: itself, or its atoms when it is split
/// (source) or merged (target). Orientation-free.
template <bool Apart, class E>
struct elements_of {
  using type = type_list<typename base_entry<E>::type>;
};
template <class... Xs>
struct elements_of<true, merged<Xs...>> {
  using type = type_list<typename atom_traits<Xs>::base...>;
};
template <bool Split, class E>
struct split_of {
  using type = type_list<>;
};
template <class... Xs>
struct split_of<true, merged<Xs...>> {
  using type = type_list<split<merged<typename atom_traits<Xs>::base...>, typename atom_traits<Xs>::base...>>;
};
template <bool Merge, class E>
struct merge_of {
  using type = type_list<>;
};
template <class... Xs>
struct merge_of<true, merged<Xs...>> {
  using type = type_list<merge<merged<typename atom_traits<Xs>::base...>, typename atom_traits<Xs>::base...>>;
};

/// The permutation's target list carries the source's labels (the reorders come after it).
template <class E, class Targets, class Sources>
struct relabel_one {
  using type = E;
};
template <class E, class Y, class... Ys, class X, class... Xs>
struct relabel_one<E, type_list<Y, Ys...>, type_list<X, Xs...>> : relabel_one<E, type_list<Ys...>, type_list<Xs...>> {};
template <class Y, class... Ys, class X, class... Xs>
struct relabel_one<Y, type_list<Y, Ys...>, type_list<X, Xs...>> {
  using type = X;
};

template <unsigned Bits, std::size_t K>
inline constexpr bool bit_v = ((Bits >> K) & 1u) != 0;

/// The elements of a layout whose entries flagged in Bits are taken apart.
template <class L, unsigned Bits, class Ks = std::make_index_sequence<L::rank>>
struct elements_apart;
template <class... Es, unsigned Bits, std::size_t... K>
struct elements_apart<layout<Es...>, Bits, std::index_sequence<K...>> {
  using type = concat_t<typename elements_of<bit_v<Bits, K>, Es>::type...>;
};

template <class List, class From, class To, class H,
          class Js = std::make_index_sequence<static_cast<std::size_t>(H::value.nreorders)>>
struct relabelled {
  using type = List;
};
template <class... Es, class From, class To, class H, std::size_t J0, std::size_t... J>
struct relabelled<type_list<Es...>, From, To, H, std::index_sequence<J0, J...>> {
  using targets = type_list<type_at_t<universe_t<To>, static_cast<std::size_t>(H::value.reorder_dst[J0])>,
                            type_at_t<universe_t<To>, static_cast<std::size_t>(H::value.reorder_dst[J])>...>;
  using sources = type_list<type_at_t<universe_t<From>, static_cast<std::size_t>(H::value.reorder_src[J0])>,
                            type_at_t<universe_t<From>, static_cast<std::size_t>(H::value.reorder_src[J])>...>;
  using type = type_list<typename relabel_one<Es, targets, sources>::type...>;
};

/// The source's and the target's element lists: the layouts' own entry lists when nothing is
/// split, merged or relabelled.
template <class From, class To, class H,
          bool Whole = H::value.split == 0 && H::value.merge == 0 && H::value.nreorders == 0>
struct element_lists {
  using a = typename entries_of<From>::type;
  using b = typename entries_of<To>::type;
};
template <class From, class To, class H>
struct element_lists<From, To, H, false> {
  using a = typename elements_apart<From, H::value.split>::type;
  using b = typename relabelled<typename elements_apart<To, H::value.merge>::type, From, To, H>::type;
};

template <int Order, class A, class B, class H>
struct order_step {
  using type = type_list<>;
};
template <class A, class B, class H>
struct order_step<1, A, B, H> {
  using type = type_list<swap<type_at_t<B, static_cast<std::size_t>(H::value.first)>,
                              type_at_t<B, static_cast<std::size_t>(H::value.second)>>>;
};
template <class... Xs, class... Ys, class H>
struct order_step<2, type_list<Xs...>, type_list<Ys...>, H> {
  using type = type_list<permute<order<Xs...>, order<Ys...>>>;
};

template <class To, class H, class Ks = std::make_index_sequence<static_cast<std::size_t>(H::value.nflips)>>
struct flip_step;
template <class To, class H>
struct flip_step<To, H, std::index_sequence<>> {
  using type = type_list<>;
};
template <class To, class H, std::size_t... K>
struct flip_step<To, H, std::index_sequence<K...>> {
  using type = type_list<flip<typename atom_traits<type_at_t<flat_atoms_t<To>, static_cast<std::size_t>(H::value.flips[K])>>::axis...>>;
};

template <class From, class To, class H, class Ks = std::make_index_sequence<static_cast<std::size_t>(H::value.nreorders)>>
struct reorder_steps;
template <class From, class To, class H, std::size_t... K>
struct reorder_steps<From, To, H, std::index_sequence<K...>> {
  using type = type_list<reorder<type_at_t<universe_t<From>, static_cast<std::size_t>(H::value.reorder_src[K])>,
                                 type_at_t<universe_t<To>, static_cast<std::size_t>(H::value.reorder_dst[K])>>...>;
};

template <template <bool, class> class Step, class L, unsigned Bits, class Ks = std::make_index_sequence<L::rank>>
struct entry_steps;
template <template <bool, class> class Step, class... Es, unsigned Bits, std::size_t... K>
struct entry_steps<Step, layout<Es...>, Bits, std::index_sequence<K...>> {
  using type = concat_t<typename Step<bit_v<Bits, K>, Es>::type...>;
};

template <class List>
struct as_plan;
template <class... Ss>
struct as_plan<type_list<Ss...>> {
  using type = plan<Ss...>;
};
template <class Order, class Flip>
struct join_plan;
template <class... Os, class... Fs>
struct join_plan<type_list<Os...>, type_list<Fs...>> {
  using type = plan<Os..., Fs...>;
};

/// The plan type of a shape: splits, the swap or permutation, flips, reorders, merges.
template <class From, class To, class H,
          bool Structured = H::value.split != 0 || H::value.merge != 0 || H::value.nreorders != 0>
struct plan_of_shape {
  using lists = element_lists<From, To, H>;
  using type = typename join_plan<typename order_step<H::value.order, typename lists::a, typename lists::b, H>::type,
                                  typename flip_step<To, H>::type>::type;
};
template <class From, class To, class H>
struct plan_of_shape<From, To, H, true> {
  using lists = element_lists<From, To, H>;
  using type = typename as_plan<concat_t<typename entry_steps<split_of, From, H::value.split>::type,
                                         typename order_step<H::value.order, typename lists::a, typename lists::b, H>::type,
                                         typename flip_step<To, H>::type, typename reorder_steps<From, To, H>::type,
                                         typename entry_steps<merge_of, To, H::value.merge>::type>>::type;
};

/// The plan from From to To when both are valid layouts of the same atoms, or no_fast_plan.
template <class From, class To, bool Valid = clayout<From>::valid && clayout<To>::valid,
          class H = std::conditional_t<Valid, plan_shape_holder<From, To>, no_plan_shape>, bool Ok = H::value.ok>
struct fast_plan {
  using type = no_fast_plan;
};
template <class From, class To, class H>
struct fast_plan<From, To, true, H, true> : plan_of_shape<From, To, H> {};

}  // namespace axle::detail
