// axle — the value layer: transformations of one layout (swap, flip, permute, move, split,
// merge, drop, relabel, adjoint) and the lookups they share.
#pragma once

#include <string_view>

#include "values.hpp"

namespace axle::value {

// Lookup helpers shared by the transformations.

/// The entry holding an atom that matches `sel`. A whole-axis selector matches any atom of
/// that axis; a part, unit or labelled selector matches that sub-axis only. Returns -1 when
/// absent and -2 when the axis is spread over several entries.
[[nodiscard]] constexpr int find_entry(const layout& l, const atom& sel) noexcept {
  int found = -1;
  for (int i = 0; i < l.natoms; ++i) {
    const atom& a = l.atoms[i];
    const bool match = a.axis == sel.axis && (is_whole(sel) || same_part(a, sel));
    if (!match) continue;
    const int e = l.entry_of(i);
    if (found >= 0 && found != e) return -2;
    found = e;
  }
  return found;
}

/// Index of the first atom of `axis` in `l`, or -1.
[[nodiscard]] constexpr int find_axis(const layout& l, axis_id axis) noexcept {
  for (int i = 0; i < l.natoms; ++i)
    if (l.atoms[i].axis == axis) return i;
  return -1;
}

/// Builds a layout from `l` with its entries in the order `order[0..n)`.
[[nodiscard]] constexpr layout reorder_entries(const layout& l, const int* order, int n) noexcept {
  layout r;
  for (int k = 0; k < n; ++k) {
    for (int i = l.entry_begin[order[k]]; i < l.entry_begin[order[k] + 1]; ++i) r.push(l.atoms[i]);
    r.close_entry();
  }
  return r;
}

// ---------------------------------------------------------------------------------------------
// Transformations of one layout. Arguments are atoms taken from the argument types; their
// indices in error refer to the argument list.

/// Exchanges the entries holding `a` and `b`.
[[nodiscard]] constexpr layout_result swap_entries(const layout& l, const atom& a, const atom& b) noexcept {
  const int ea = find_entry(l, a);
  const int eb = find_entry(l, b);
  if (ea == -1) return fail(make_error(error_code::axis_not_in_layout, 0));
  if (eb == -1) return fail(make_error(error_code::axis_not_in_layout, 1));
  if (ea == -2) return fail(make_error(error_code::axis_split_across_entries, 0));
  if (eb == -2) return fail(make_error(error_code::axis_split_across_entries, 1));
  if (ea == eb) return fail(make_error(error_code::axis_named_twice, 0, 1));
  int order[max_atoms]{};
  for (int e = 0; e < l.nentries; ++e) order[e] = e == ea ? eb : e == eb ? ea : e;
  return {reorder_entries(l, order, l.nentries), {}};
}

/// Toggles the orientation of every atom of each axis in `axes[0..n)`.
[[nodiscard]] constexpr layout_result flip_axes(layout l, const atom* axes, int n) noexcept {
  for (int k = 0; k < n; ++k) {
    if (!axes[k].spatial()) return fail(make_error(error_code::flip_of_non_spatial_axis, k));
    for (int j = 0; j < k; ++j)
      if (axes[j].axis == axes[k].axis) return fail(make_error(error_code::axis_named_twice, j, k));
    bool found = false;
    for (int i = 0; i < l.natoms; ++i) {
      if (l.atoms[i].axis != axes[k].axis) continue;
      l.atoms[i].flipped = !l.atoms[i].flipped;
      found = true;
    }
    if (!found) return fail(make_error(error_code::axis_not_in_layout, k));
  }
  return {l, {}};
}

/// Reorders the entries so that entry k holds `sel[k]`; every entry must be named once.
[[nodiscard]] constexpr layout_result permute_entries(const layout& l, const atom* sel, int n) noexcept {
  int order[max_atoms]{};
  bool named[max_atoms]{};
  for (int k = 0; k < n; ++k) {
    const int e = find_entry(l, sel[k]);
    if (e == -1) return fail(make_error(error_code::axis_not_in_layout, k));
    if (e == -2) return fail(make_error(error_code::axis_split_across_entries, k));
    if (named[e]) return fail(make_error(error_code::permute_incomplete, -1, k));
    named[e] = true;
    order[k] = e;
  }
  for (int e = 0; e < l.nentries; ++e)
    if (!named[e]) return fail(make_error(error_code::permute_incomplete, l.entry_begin[e], -1));
  return {reorder_entries(l, order, n), {}};
}

/// Moves the entry holding `a` to position `pos` (counted after removal).
[[nodiscard]] constexpr layout_result move_entry(const layout& l, const atom& a, int pos) noexcept {
  const int e = find_entry(l, a);
  if (e == -1) return fail(make_error(error_code::axis_not_in_layout, 0));
  if (e == -2) return fail(make_error(error_code::axis_split_across_entries, 0));
  if (pos < 0 || pos >= l.nentries) return fail(make_error(error_code::axis_not_in_layout, 0, -1, pos));
  int order[max_atoms]{};
  int k = 0;
  for (int i = 0; i < l.nentries; ++i) {
    if (k == pos) order[k++] = e;
    if (i != e) order[k++] = i;
  }
  if (k == pos) order[k++] = e;
  return {reorder_entries(l, order, l.nentries), {}};
}

/// Replaces the outermost part of axis `a` (or the whole axis) by two adjacent entries:
/// outer part with stride `factor`·s, inner part with extent `factor` and stride s.
/// A merged entry holding `a` (with no factor) is split into one entry per atom instead.
[[nodiscard]] constexpr layout_result split_entry(const layout& l, const atom& a, index_t factor) noexcept {
  if (factor == 0) {
    const int e = find_entry(l, a);
    if (e == -1) return fail(make_error(error_code::axis_not_in_layout, 0));
    if (e == -2) return fail(make_error(error_code::axis_split_across_entries, 0));
    if (l.entry_size(e) == 1) return fail(make_error(error_code::nothing_to_split, 0));
    layout r;
    for (int i = 0; i < l.natoms; ++i) {
      r.push(l.atoms[i]);
      if (l.entry_of(i) != e || i + 1 == l.entry_begin[e + 1]) {
        if (i + 1 == l.entry_begin[l.entry_of(i) + 1]) r.close_entry();
      } else {
        r.close_entry();
      }
    }
    return {r, {}};
  }
  // Block splitting: the atom of the axis with a dynamic extent (the whole axis or its outer
  // part), or a static atom whose extent the factor divides.
  int target = -1;
  for (int i = 0; i < l.natoms; ++i)
    if (l.atoms[i].axis == a.axis && (is_whole(a) ? l.atoms[i].extent == dynamic_extent : same_part(l.atoms[i], a)))
      target = i;
  if (target < 0) return fail(make_error(error_code::axis_not_in_layout, 0));
  const atom t = l.atoms[target];
  if (factor < 1) return fail(make_error(error_code::split_factor_does_not_divide, target, -1, factor, t.extent));
  if (t.unit || t.labelled() || (t.extent != dynamic_extent && t.extent % factor != 0))
    return fail(make_error(error_code::split_factor_does_not_divide, target, -1, factor, t.extent));
  atom outer = t;
  outer.stride = t.stride * factor;
  outer.extent = t.extent == dynamic_extent ? dynamic_extent : t.extent / factor;
  outer.source = -1;
  atom inner = t;
  inner.extent = factor;
  inner.source = -1;
  layout r;
  for (int i = 0; i < l.natoms; ++i) {
    const int e = l.entry_of(i);
    if (i == target) {
      r.push(outer);
      if (l.entry_size(e) != 1) return fail(make_error(error_code::axis_split_across_entries, 0));
      r.close_entry();
      r.push_entry(inner);
      continue;
    }
    r.push(l.atoms[i]);
    if (i + 1 == l.entry_begin[e + 1]) r.close_entry();
  }
  if (r.overflow) return fail(make_error(error_code::too_many_axes, 0));
  return {r, {}};
}

/// Removes every atom of axis `a`; a dimension left empty disappears.
[[nodiscard]] constexpr layout_result drop_axis(const layout& l, const atom& a, bool must_exist) noexcept {
  layout r;
  bool found = false;
  for (int e = 0; e < l.nentries; ++e) {
    for (int i = l.entry_begin[e]; i < l.entry_begin[e + 1]; ++i) {
      if (l.atoms[i].axis == a.axis)
        found = true;
      else
        r.push(l.atoms[i]);
    }
    if (r.natoms > r.entry_begin[r.nentries]) r.close_entry();
  }
  if (!found && must_exist) return fail(make_error(error_code::axis_not_in_layout, 0));
  return {r, {}};
}

/// The layout used with one group: an axis named `group` (G) leaves every merged dimension, and a
/// dimension holding only G becomes a unit axis, which a plan may drop or insert — however the
/// framework stores its groups. A blocked G (oneDNN's Goihw16g) stays: one group is not a
/// multiple of its block, and the derivation will say so.
[[nodiscard]] constexpr layout one_group(const layout& l, std::string_view group = "G") noexcept {
  for (int i = 0; i < l.natoms; ++i)
    if (l.atoms[i].name() == group && is_part(l.atoms[i])) return l;
  layout r;
  for (int e = 0; e < l.nentries; ++e) {
    for (int i = l.entry_begin[e]; i < l.entry_begin[e + 1]; ++i) {
      atom a = l.atoms[i];
      if (a.name() == group) {
        if (l.entry_size(e) > 1) continue;
        a.unit = true;
        a.extent = 1;
      }
      r.push(a);
    }
    r.close_entry();
  }
  return r;
}

/// Merges consecutive entries of two parts of one axis into the coarser part, everywhere.
[[nodiscard]] constexpr layout canonical_merges(const layout& l) noexcept {
  layout r;
  for (int e = 0; e < l.nentries; ++e) {
    for (int i = l.entry_begin[e]; i < l.entry_begin[e + 1]; ++i) {
      const atom& a = l.atoms[i];
      if (r.natoms > r.entry_begin[r.nentries]) {
        atom& prev = r.atoms[r.natoms - 1];
        if (prev.axis == a.axis && is_part(prev) && is_part(a) && a.extent != dynamic_extent &&
            prev.stride == a.stride * a.extent) {
          prev.stride = a.stride;
          prev.extent = prev.extent == dynamic_extent ? dynamic_extent : prev.extent * a.extent;
          prev.source = -1;
          continue;
        }
      }
      r.push(a);
    }
    r.close_entry();
  }
  return r;
}

/// Merges the adjacent entries holding `sel[0..n)`, in that order, into one entry.
[[nodiscard]] constexpr layout_result merge_entries(const layout& l, const atom* sel, int n) noexcept {
  int es[max_atoms]{};
  for (int k = 0; k < n; ++k) {
    es[k] = find_entry(l, sel[k]);
    if (es[k] == -1) return fail(make_error(error_code::axis_not_in_layout, k));
    if (es[k] == -2) return fail(make_error(error_code::axis_split_across_entries, k));
    if (k > 0 && es[k] != es[k - 1] + 1) return fail(make_error(error_code::merge_not_adjacent, k - 1, k));
  }
  layout r;
  for (int e = 0; e < l.nentries; ++e) {
    for (int i = l.entry_begin[e]; i < l.entry_begin[e + 1]; ++i) r.push(l.atoms[i]);
    if (n > 0 && e >= es[0] && e < es[n - 1]) continue;
    r.close_entry();
  }
  return {canonical_merges(r), {}};
}

/// Puts the blocks of a labelled axis in a new order (the same labels).
[[nodiscard]] constexpr layout_result relabel(layout l, const atom& target) noexcept {
  for (int i = 0; i < l.natoms; ++i) {
    if (l.atoms[i].axis != target.axis) continue;
    if (!l.atoms[i].labelled() || !same_label_set(l.atoms[i].label_text(), target.label_text()))
      return fail(make_error(error_code::labels_differ, i, 0));
    l.atoms[i].labels = target.labels;
    l.atoms[i].source = target.source;
    return {l, {}};
  }
  return fail(make_error(error_code::axis_not_in_layout, 0));
}

/// Renames O ↔ I and toggles the orientation of every spatial axis (docs/model.md, "Adjoint and direct transposed convolutions").
[[nodiscard]] constexpr layout adjoint(layout l, const atom& o, const atom& i) noexcept {
  for (int k = 0; k < l.natoms; ++k) {
    atom& a = l.atoms[k];
    if (a.spatial() && !a.unit) a.flipped = !a.flipped;
    if (a.axis != o.axis && a.axis != i.axis) continue;
    const atom rename = a.axis == o.axis ? i : o;
    a.axis = rename.axis;
    a.info = rename.info;
    a.axis_source = rename.axis_source;
    a.source = is_whole(a) ? rename.source : -1;
  }
  return l;
}

}  // namespace axle::value
