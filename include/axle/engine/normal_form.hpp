// axle — the value layer: plans, and the normal form of a derivation.
#pragma once

#include "derive.hpp"
#include "values.hpp"

namespace axle::value {

// The normal form of a derived plan: splits, one permutation, a set of flips, block
// reorders, merges. Steps refer to atoms orientation-free.

enum class step_kind : unsigned char { split, swap, permute, flip, reorder, merge };

/// One step. `a` and `b` are atom lists in a shared pool:
///   split   a = the source entry's atoms, b = the parts it becomes (one entry each)
///   merge   a = the target entry's atoms, b = the parts it is made of
///   swap    a = {x, y}: x ends up first
///   permute a = the order before, b = the order after (unit atoms may be dropped or inserted)
///   flip    a = the axes whose orientation toggles
///   reorder a = {labels before}, b = {labels after}
struct step {
  step_kind kind{};
  int a_begin = 0, a_count = 0, b_begin = 0, b_count = 0;
};

struct plan {
  step steps[max_steps]{};
  int nsteps = 0;
  static constexpr int pool_capacity = 4 * max_atoms;
  atom atoms[pool_capacity]{};  // the pool of step arguments
  bool joined[pool_capacity]{};  // the atom belongs to the same storage dimension as the one before
  int npool = 0;
  bool overflow = false;
  // Set by normal_form(): the permutation's lists are exactly the entries of the source / target
  // layout (nothing split, merged, dropped or inserted), which lets the type layer reuse them.
  bool order_is_source = false;
  bool order_is_target = false;

  constexpr int add(const atom& a, bool join = false) noexcept {
    if (npool == pool_capacity) {
      overflow = true;
      return npool;
    }
    atom x = a;
    x.flipped = false;
    atoms[npool] = x;
    joined[npool] = join;
    return npool++;
  }
  constexpr step& push(step_kind k) noexcept {
    if (nsteps == max_steps) {
      overflow = true;
      return steps[max_steps - 1];
    }
    steps[nsteps] = step{k, npool, 0, npool, 0};
    return steps[nsteps++];
  }
  [[nodiscard]] constexpr const atom& a(const step& s, int k) const noexcept { return atoms[s.a_begin + k]; }
  [[nodiscard]] constexpr const atom& b(const step& s, int k) const noexcept { return atoms[s.b_begin + k]; }
  /// End of the storage dimension that starts at pool index `i`, within [i, end).
  [[nodiscard]] constexpr int element_end(int i, int end) const noexcept {
    ++i;
    while (i < end && joined[i]) ++i;
    return i;
  }
  /// Number of storage dimensions in the pool range [begin, begin + count).
  [[nodiscard]] constexpr int elements(int begin, int count) const noexcept {
    int n = 0;
    for (int i = begin; i < begin + count; i = element_end(i, begin + count)) ++n;
    return n;
  }
  /// Pool index where element `k` of [begin, begin + count) starts.
  [[nodiscard]] constexpr int element_start(int begin, int count, int k) const noexcept {
    int i = begin;
    for (; k > 0; --k) i = element_end(i, begin + count);
    return i;
  }
};

/// How a derived plan treats storage dimensions. A source dimension is *kept* when its refined
/// atoms arrive, in order and without flips or reorders inside, as exactly one target
/// dimension: it moves as one element of the permutation and is neither split nor merged.
/// Everything else is split into atoms, permuted atom by atom and merged again.
struct plan_structure {
  bool src_kept[max_atoms]{};  // per source entry
  bool dst_kept[max_atoms]{};  // per target entry
  int src_atoms[max_atoms]{};  // refined atoms per source entry
  int dst_atoms[max_atoms]{};  // refined atoms per target entry
  // Elements of the permutation: a kept dimension, or one refined atom. [first, first + count)
  // indexes p.src (source elements) or p.dst (target elements).
  int src_first[max_atoms]{}, src_count[max_atoms]{};
  int dst_first[max_atoms]{}, dst_count[max_atoms]{};
  int src_of_dst[max_atoms]{};  // source element of each target element; -1: an inserted unit
  int nsrc = 0;
  int ndst = 0;
};

[[nodiscard]] constexpr plan_structure structure_of(const derivation& p) noexcept {
  plan_structure r;
  int dst_of_src[max_atoms]{};
  int elem_of_src[max_atoms]{};
  for (int i = 0; i < p.nsrc; ++i) {
    dst_of_src[i] = -1;
    ++r.src_atoms[p.src_entry[i]];
  }
  for (int k = 0; k < p.ndst; ++k) {
    ++r.dst_atoms[p.dst_entry[k]];
    if (p.src_of_dst[k] >= 0) dst_of_src[p.src_of_dst[k]] = k;
  }
  for (int b = 0; b < p.nsrc;) {
    const int e = p.src_entry[b];
    const int c = b + r.src_atoms[e];
    const int d0 = dst_of_src[b];
    bool kept = d0 >= 0 && r.dst_atoms[p.dst_entry[d0]] == c - b;
    for (int i = b; i < c && kept; ++i) {
      const int d = dst_of_src[i];
      kept = d == d0 + (i - b) && p.dst_entry[d] == p.dst_entry[d0] && p.dst[d].unit == p.src[i].unit;
      if (kept && c - b > 1)
        kept = !p.flip[d] && (!p.dst[d].labelled() || p.dst[d].label_text() == p.src[i].label_text());
    }
    if (kept) {
      r.src_kept[e] = true;
      r.dst_kept[p.dst_entry[d0]] = true;
      elem_of_src[b] = r.nsrc;
      r.src_first[r.nsrc] = b;
      r.src_count[r.nsrc++] = c - b;
    } else {
      for (int i = b; i < c; ++i) {
        elem_of_src[i] = r.nsrc;
        r.src_first[r.nsrc] = i;
        r.src_count[r.nsrc++] = 1;
      }
    }
    b = c;
  }
  for (int k = 0; k < p.ndst;) {
    const int f = p.dst_entry[k];
    const int c = k + r.dst_atoms[f];
    const bool kept = r.dst_kept[f];
    for (int first = k; first < (kept ? k + 1 : c); ++first) {
      r.dst_first[r.ndst] = first;
      r.dst_count[r.ndst] = kept ? c - k : 1;
      const int i = p.src_of_dst[first];
      r.src_of_dst[r.ndst++] = i >= 0 ? elem_of_src[i] : -1;
    }
    k = c;
  }
  return r;
}

/// An atom that names a whole axis (used by flip steps).
[[nodiscard]] constexpr atom axis_atom(const atom& a) noexcept {
  atom r;
  r.axis = a.axis;
  r.info = a.info;
  r.axis_source = a.axis_source;
  r.source = is_whole(a) ? a.source : -1;
  return r;
}

/// `with_orders` false: a permutation whose orders are exactly the entries of the source and the
/// target layouts gets its flags but not its atom lists, which the type layer takes from the
/// layout types themselves (it is the common case, and copying the atoms is most of the work).
/// The flips of a plan, by axis, listed by label (ties in target order).
constexpr void add_flips(plan& s, const derivation& p) noexcept {
  int order[max_atoms]{};
  int n = 0;
  for (int k = 0; k < p.ndst; ++k) {
    if (!p.flip[k]) continue;
    bool dup = false;
    for (int q = 0; q < n; ++q) dup = dup || p.dst[order[q]].axis == p.dst[k].axis;
    if (dup) continue;
    int m = n++;
    for (; m > 0 && p.dst[order[m - 1]].name() > p.dst[k].name(); --m) order[m] = order[m - 1];
    order[m] = k;
  }
  if (n == 0) return;
  step& st = s.push(step_kind::flip);
  for (int q = 0; q < n; ++q) s.add(axis_atom(p.dst[order[q]]));
  st.a_count = n;
  st.b_begin = s.npool;
}

/// The normal form of a plan between two simple layouts (p.simple): one permutation of whole
/// axes and the flips; nothing is split, merged, reordered, dropped or inserted.
constexpr void simple_normal_form(plan& s, const derivation& p, bool with_orders) noexcept {
  int moved = 0;
  int first = -1, second = -1;
  for (int k = 0; k < p.ndst; ++k) {
    if (p.src_of_dst[k] == k) continue;
    ++moved;
    (first < 0 ? first : second) = k;
  }
  if (moved == 2 && p.src_of_dst[first] == second) {
    step& st = s.push(step_kind::swap);
    s.add(p.src[p.src_of_dst[first]]);
    s.add(p.src[p.src_of_dst[second]]);
    st.a_count = 2;
    st.b_begin = s.npool;
  } else if (moved > 0) {
    step& st = s.push(step_kind::permute);
    s.order_is_source = true;
    s.order_is_target = true;
    if (with_orders) {
      for (int i = 0; i < p.nsrc; ++i) s.add(p.src[i]);
      st.a_count = p.nsrc;
      st.b_begin = s.npool;
      for (int k = 0; k < p.ndst; ++k) s.add(p.src[p.src_of_dst[k]]);
      st.b_count = p.ndst;
    } else {
      st.b_begin = s.npool;
    }
  }
  add_flips(s, p);
}

[[nodiscard]] constexpr plan normal_form(const derivation& p, bool with_orders = true) noexcept {
  plan s;
  if (p.simple) {
    simple_normal_form(s, p, with_orders);
    return s;
  }
  const plan_structure x = structure_of(p);
  auto add_entry = [&](const layout& l, int e, int offset) {
    for (int i = l.entry_begin[e]; i < l.entry_begin[e + 1]; ++i) {
      atom a = l.atoms[i];
      if (a.source >= 0) a.source += offset;
      if (a.axis_source >= 0) a.axis_source += offset;
      s.add(a, i > l.entry_begin[e]);
    }
  };
  // Splits: every source entry that is not kept and holds several refined atoms.
  bool any_split = false;
  for (int e = 0; e < p.from->nentries; ++e) {
    if (x.src_kept[e] || (x.src_atoms[e] == 1 && p.from->entry_size(e) == 1)) continue;
    any_split = true;
    step& st = s.push(step_kind::split);
    add_entry(*p.from, e, 0);
    st.a_count = p.from->entry_size(e);
    st.b_begin = s.npool;
    for (int i = 0; i < p.nsrc; ++i)
      if (p.src_entry[i] == e) s.add(p.src[i]);
    st.b_count = s.npool - st.b_begin;
  }
  bool any_merge = false;
  for (int f = 0; f < p.to->nentries; ++f)
    any_merge = any_merge || (!x.dst_kept[f] && !(x.dst_atoms[f] == 1 && p.to->entry_size(f) == 1));
  // The permutation runs before the block reorders: its target list carries the source's block
  // labels, so it is not the target layout's own entry list when a reorder follows.
  bool any_reorder = false;
  for (int k = 0; k < p.ndst; ++k) {
    const int i = p.src_of_dst[k];
    any_reorder = any_reorder || (i >= 0 && p.dst[k].labelled() && p.dst[k].label_text() != p.src[i].label_text());
  }
  // The permutation of elements (kept dimensions and atoms).
  bool identity = x.nsrc == x.ndst;
  int moved = 0;
  int first = -1, second = -1;
  for (int k = 0; k < x.ndst; ++k) {
    const int t = x.dst_first[k];
    if (x.dst_count[k] == 1 && p.src_of_dst[t] >= 0 && p.src[p.src_of_dst[t]].unit != p.dst[t].unit)
      identity = false;  // a whole axis becomes a unit axis, or the reverse: a step must say so
    if (x.src_of_dst[k] == k) continue;
    identity = false;
    ++moved;
    (first < 0 ? first : second) = k;
  }
  auto add_element = [&](const atom (&atoms)[max_atoms], int begin, int count) {
    for (int i = begin; i < begin + count; ++i) s.add(atoms[i], i > begin);
  };
  // Target elements as the permutation leaves them: with the source's block labels, since the
  // reorders come after it.
  auto add_target_element = [&](int begin, int count) {
    for (int k = begin; k < begin + count; ++k) {
      const int i = p.src_of_dst[k];
      // The source's atom (its labels are reordered later), unless it becomes a unit or stops
      // being one: no later step changes that.
      s.add(i >= 0 && p.src[i].unit == p.dst[k].unit ? p.src[i] : p.dst[k], k > begin);
    }
  };
  if (!identity) {
    if (moved == 2 && x.nsrc == x.ndst && x.src_of_dst[first] == second) {
      step& st = s.push(step_kind::swap);
      add_target_element(x.dst_first[first], x.dst_count[first]);
      add_target_element(x.dst_first[second], x.dst_count[second]);
      st.a_count = s.npool - st.a_begin;
      st.b_begin = s.npool;
    } else {
      step& st = s.push(step_kind::permute);
      s.order_is_source = !any_split && x.nsrc == p.from->nentries;
      s.order_is_target = !any_merge && !any_reorder && x.ndst == p.to->nentries;
      if (!with_orders && s.order_is_source && s.order_is_target) {
        // The type layer takes both orders from the layouts; the counts stay for step_type.
        st.a_count = 0;
        st.b_begin = s.npool;
        st.b_count = 0;
      } else {
        for (int q = 0; q < x.nsrc; ++q) add_element(p.src, x.src_first[q], x.src_count[q]);
        st.a_count = s.npool - st.a_begin;
        st.b_begin = s.npool;
        for (int k = 0; k < x.ndst; ++k) add_target_element(x.dst_first[k], x.dst_count[k]);
        st.b_count = s.npool - st.b_begin;
      }
    }
  }
  add_flips(s, p);
  // Block reorders, listed by axis label (ties in target order).
  {
    int order[max_atoms]{};
    int n = 0;
    for (int k = 0; k < p.ndst; ++k) {
      const int i = p.src_of_dst[k];
      if (i < 0 || !p.dst[k].labelled() || p.dst[k].label_text() == p.src[i].label_text()) continue;
      int m = n++;
      for (; m > 0 && p.dst[order[m - 1]].name() > p.dst[k].name(); --m) order[m] = order[m - 1];
      order[m] = k;
    }
    for (int q = 0; q < n; ++q) {
      step& st = s.push(step_kind::reorder);
      s.add(p.src[p.src_of_dst[order[q]]]);
      st.a_count = 1;
      st.b_begin = s.npool;
      s.add(p.dst[order[q]]);
      st.b_count = 1;
    }
  }
  // Merges: every target entry that is not kept and is made of several refined atoms.
  for (int e = 0; e < p.to->nentries; ++e) {
    if (x.dst_kept[e] || (x.dst_atoms[e] == 1 && p.to->entry_size(e) == 1)) continue;
    step& st = s.push(step_kind::merge);
    add_entry(*p.to, e, p.to_offset);
    st.a_count = p.to->entry_size(e);
    st.b_begin = s.npool;
    for (int k = 0; k < p.ndst; ++k)
      if (p.dst_entry[k] == e) s.add(p.dst[k]);
    st.b_count = s.npool - st.b_begin;
  }
  return s;
}

}  // namespace axle::value
