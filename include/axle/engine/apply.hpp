// axle — the value layer: applying a plan to a layout, and inverting a plan.
#pragma once

#include "normal_form.hpp"
#include "transform.hpp"
#include "values.hpp"

namespace axle::value {

// Applying steps to a layout, by name.

/// Orientation of `axis` in `l` (false when absent).
[[nodiscard]] constexpr bool orientation(const layout& l, axis_id axis) noexcept {
  const int i = find_axis(l, axis);
  return i >= 0 && l.atoms[i].flipped;
}

/// The entry that consists exactly of `atoms[0..n)` (orientation-free), or -1.
[[nodiscard]] constexpr int find_exact_entry(const layout& l, const atom* atoms, int n) noexcept {
  for (int e = 0; e < l.nentries; ++e) {
    if (l.entry_size(e) != n) continue;
    bool eq = true;
    for (int k = 0; k < n; ++k) eq = eq && same_atom(l.atoms[l.entry_begin[e] + k], atoms[k]);
    if (eq) return e;
  }
  return -1;
}

[[nodiscard]] constexpr layout_result apply_step(const layout& l, const plan& s, int index) noexcept {
  const step& st = s.steps[index];
  const error bad = make_error(error_code::step_does_not_apply, index);
  const atom* a = s.atoms + st.a_begin;
  const atom* b = s.atoms + st.b_begin;
  auto oriented = [&](atom x) {
    x.flipped = x.spatial() && !x.unit && orientation(l, x.axis);
    return x;
  };
  switch (st.kind) {
    case step_kind::split:
    case step_kind::merge: {
      const bool split = st.kind == step_kind::split;
      // split: entry `a` becomes entries `b`; merge: consecutive entries `b` become entry `a`.
      const int e = split ? find_exact_entry(l, a, st.a_count) : -1;
      int first = -1;
      if (!split) {
        for (int f = 0; f + st.b_count <= l.nentries && first < 0; ++f) {
          bool eq = true;
          for (int k = 0; k < st.b_count; ++k)
            eq = eq && l.entry_size(f + k) == 1 && same_atom(l.atoms[l.entry_begin[f + k]], b[k]);
          if (eq) first = f;
        }
      }
      if (split ? e < 0 : first < 0) return fail(bad);
      layout r;
      for (int f = 0; f < l.nentries; ++f) {
        if (split && f == e) {
          for (int k = 0; k < st.b_count; ++k) r.push_entry(oriented(b[k]));
          continue;
        }
        if (!split && f >= first && f < first + st.b_count) {
          if (f == first) {
            for (int k = 0; k < st.a_count; ++k) r.push(oriented(a[k]));
            r.close_entry();
          }
          continue;
        }
        for (int i = l.entry_begin[f]; i < l.entry_begin[f + 1]; ++i) r.push(l.atoms[i]);
        r.close_entry();
      }
      return {r, {}};
    }
    case step_kind::swap: {
      const int mid = s.element_end(st.a_begin, st.a_begin + st.a_count);
      const int x = find_exact_entry(l, a, mid - st.a_begin);
      const int y = find_exact_entry(l, s.atoms + mid, st.a_begin + st.a_count - mid);
      if (x < 0 || y < 0 || x == y) return fail(bad);
      int order[max_atoms]{};
      for (int e = 0; e < l.nentries; ++e) order[e] = e == x ? y : e == y ? x : e;
      return {reorder_entries(l, order, l.nentries), {}};
    }
    case step_kind::permute: {
      const int a_end = st.a_begin + st.a_count;
      const int b_end = st.b_begin + st.b_count;
      if (l.nentries != s.elements(st.a_begin, st.a_count)) return fail(bad);
      auto same_element = [&](int i, int j) {  // pool elements starting at i and j
        const int ie = s.element_end(i, i < st.b_begin ? a_end : b_end), je = s.element_end(j, j < st.b_begin ? a_end : b_end);
        if (ie - i != je - j) return false;
        for (int q = 0; q < ie - i; ++q)
          if (!same_atom(s.atoms[i + q], s.atoms[j + q]) && !unit_of_whole(s.atoms[i + q], s.atoms[j + q])) return false;
        return true;
      };
      int e = 0;
      for (int i = st.a_begin; i < a_end; i = s.element_end(i, a_end), ++e) {
        const int n = s.element_end(i, a_end) - i;
        if (l.entry_size(e) != n) return fail(bad);
        for (int q = 0; q < n; ++q)
          if (!same_atom(l.atoms[l.entry_begin[e] + q], s.atoms[i + q])) return fail(bad);
        bool kept = n == 1 && s.atoms[i].unit;
        for (int j = st.b_begin; j < b_end && !kept; j = s.element_end(j, b_end)) kept = same_element(i, j);
        if (!kept) return fail(bad);
      }
      layout r;
      for (int j = st.b_begin; j < b_end; j = s.element_end(j, b_end)) {
        const int n = s.element_end(j, b_end) - j;
        bool known = n == 1 && s.atoms[j].unit;
        for (int i = st.a_begin; i < a_end && !known; i = s.element_end(i, a_end)) known = same_element(i, j);
        if (!known) return fail(bad);
        for (int q = 0; q < n; ++q) r.push(oriented(s.atoms[j + q]));
        r.close_entry();
      }
      return {r, {}};
    }
    case step_kind::flip: {
      layout_result r = flip_axes(l, a, st.a_count);
      if (r.error) return fail(bad);
      return r;
    }
    case step_kind::reorder: {
      for (int i = 0; i < l.natoms; ++i)
        if (same_atom(l.atoms[i], a[0])) {
          layout r = l;
          r.atoms[i] = b[0];
          return {r, {}};
        }
      return fail(bad);
    }
  }
  return fail(bad);
}

/// `l` after the steps of `s`; a step that would take the layout past max_atoms atoms is
/// too_many_axes (with that step's index in `a`), never a truncated layout.
[[nodiscard]] constexpr layout_result apply(const layout& l, const plan& s) noexcept {
  layout_result r{l, {}};
  for (int k = 0; k < s.nsteps && !r.error; ++k) {
    r = apply_step(r.layout, s, k);
    if (!r.error && r.layout.overflow) r = fail(make_error(error_code::too_many_axes, k));
  }
  return r;
}

/// The plan that undoes `s`, in normal form when `s` is: splits and merges trade places, a swap
/// exchanges its arguments, a permutation runs backwards, flips stay flips and each reorder
/// runs backwards. Flips and reorders are listed by axis label in both directions.
[[nodiscard]] constexpr plan inverse(const plan& s) noexcept {
  plan r;
  // In normal form the permutation runs before the reorders; in the inverse it runs before the
  // inverted reorders, so its labelled atoms carry the labels the original reorders produced.
  auto relabelled = [&](atom x) {
    for (int k = 0; k < s.nsteps; ++k)
      if (s.steps[k].kind == step_kind::reorder && same_atom(s.a(s.steps[k], 0), x)) x = s.b(s.steps[k], 0);
    return x;
  };
  auto copy = [&](step_kind kind, const step& st, bool swap_lists) {
    const bool relabel = kind == step_kind::permute;
    step& n = r.push(kind);
    const int ab = swap_lists ? st.b_begin : st.a_begin, ac = swap_lists ? st.b_count : st.a_count;
    const int bb = swap_lists ? st.a_begin : st.b_begin, bc = swap_lists ? st.a_count : st.b_count;
    for (int k = 0; k < ac; ++k) r.add(relabel ? relabelled(s.atoms[ab + k]) : s.atoms[ab + k], s.joined[ab + k]);
    n.a_count = ac;
    n.b_begin = r.npool;
    for (int k = 0; k < bc; ++k) r.add(relabel ? relabelled(s.atoms[bb + k]) : s.atoms[bb + k], s.joined[bb + k]);
    n.b_count = bc;
  };
  for (step_kind kind : {step_kind::merge, step_kind::swap, step_kind::permute, step_kind::flip, step_kind::reorder,
                         step_kind::split}) {
    for (int k = 0; k < s.nsteps; ++k) {
      const step& st = s.steps[k];
      if (st.kind != kind) continue;
      switch (kind) {
        case step_kind::merge: copy(step_kind::split, st, false); break;
        case step_kind::split: copy(step_kind::merge, st, false); break;
        case step_kind::swap: {
          step& n = r.push(step_kind::swap);
          const int mid = s.element_end(st.a_begin, st.a_begin + st.a_count);
          for (int i = mid; i < st.a_begin + st.a_count; ++i) r.add(relabelled(s.atoms[i]), s.joined[i]);
          for (int i = st.a_begin; i < mid; ++i) r.add(relabelled(s.atoms[i]), s.joined[i]);
          n.a_count = st.a_count;
          n.b_begin = r.npool;
          break;
        }
        case step_kind::permute:
        case step_kind::reorder: copy(kind, st, true); break;
        case step_kind::flip: copy(kind, st, false); break;
      }
    }
  }
  return r;
}

}  // namespace axle::value
