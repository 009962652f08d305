// axle — the layout model as plain constexpr values.
//
// Every type-level operation of axle (validation, transformations, plan derivation,
// application, inversion) is one constexpr function over the small value types below. The
// type layer converts a layout type to a `layout_desc`, runs the function at compile time and
// turns the result back into types; run-time code (views, the command-line tool) runs the very
// same functions on the same values. There is one engine, not two.
//
// Vocabulary
//   atom   one canonical sub-axis: a whole axis, a part of a blocked axis (`O/16`, `16o`),
//          a unit axis, or a labelled block axis (`gate[i,f,g,o]`); possibly flipped.
//   entry  one storage dimension: one atom or several merged atoms, outer first.
//   refined atoms  the common refinement of two layouts, after splitting every entry into
//          atoms and every blocked axis into the parts both layouts need.
#pragma once

#include <cstddef>
#include <string_view>

#include "../axis.hpp"

namespace axle::detail {

inline constexpr int max_atoms = 12;
inline constexpr int max_steps = 2 * max_atoms + 4;

/// What an axis is, shared by all its atoms: its label, its kind and its identity, a 64-bit
/// hash of its type's name.
struct axis_info {
  std::string_view name;
  axis_kind kind;
  unsigned long long id;
};

inline constexpr axis_info no_axis{};
inline constexpr std::string_view no_labels{};

/// An axis is identified by the id of its axis_info, compared by value and never by address:
/// g++ does not fold address comparisons in constant expressions under -fsanitize=null or
/// -fno-delete-null-pointer-checks.
using axis_ref = unsigned long long;

/// FNV-1a over the compiler's spelling of T: unique per type within a program.
template <class T>
constexpr unsigned long long type_id() noexcept {
  constexpr std::string_view name = __PRETTY_FUNCTION__;
  unsigned long long h = 14695981039346656037ULL;
  for (char c : name) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  return h;
}

struct atom {
  axis_ref axis = 0;                 // identity of the axis (axis_info::id)
  const axis_info* info = &no_axis;  // its label and kind
  const std::string_view* labels = &no_labels;  // "i,f,g,o" for a labelled block axis
  index_t stride = 1;               // radix position inside a blocked axis (1 for a whole axis)
  index_t extent = dynamic_extent;
  int source = -1;       // index of the atom's type in the type universe (type layer only)
  int axis_source = -1;  // index of some atom of the same axis in the type universe
  bool flipped = false;
  bool unit = false;  // a unit axis: extent 1, may be absent from another layout

  [[nodiscard]] constexpr std::string_view name() const noexcept { return info->name; }
  [[nodiscard]] constexpr axis_kind kind() const noexcept { return info->kind; }
  [[nodiscard]] constexpr bool spatial() const noexcept { return info->kind == axis_kind::spatial; }
  [[nodiscard]] constexpr bool labelled() const noexcept { return !labels->empty(); }
  [[nodiscard]] constexpr std::string_view label_text() const noexcept { return *labels; }
};

[[nodiscard]] constexpr bool is_whole(const atom& a) noexcept {
  return a.stride == 1 && a.extent == dynamic_extent && !a.unit && !a.labelled();
}
[[nodiscard]] constexpr bool is_part(const atom& a) noexcept {
  return !a.unit && !a.labelled() && !is_whole(a);
}
/// Same sub-axis, ignoring orientation and the order of block labels.
[[nodiscard]] constexpr bool same_part(const atom& a, const atom& b) noexcept {
  return a.axis == b.axis && a.stride == b.stride && a.extent == b.extent && a.unit == b.unit &&
         a.labelled() == b.labelled();
}
/// Same sub-axis, ignoring orientation only.
[[nodiscard]] constexpr bool same_atom(const atom& a, const atom& b) noexcept {
  return same_part(a, b) && a.label_text() == b.label_text();
}

struct layout_desc {
  atom atoms[max_atoms]{};
  int entry_begin[max_atoms + 1]{};  // entry e holds atoms [entry_begin[e], entry_begin[e+1])
  int natoms = 0;
  int nentries = 0;
  bool overflow = false;

  [[nodiscard]] constexpr int entry_size(int e) const noexcept { return entry_begin[e + 1] - entry_begin[e]; }
  [[nodiscard]] constexpr int entry_of(int a) const noexcept {
    for (int e = 0; e < nentries; ++e)
      if (a < entry_begin[e + 1]) return e;
    return -1;
  }
  constexpr void push(const atom& a) noexcept {
    if (natoms == max_atoms) {
      overflow = true;
      return;
    }
    atoms[natoms++] = a;
  }
  constexpr void close_entry() noexcept { entry_begin[++nentries] = natoms; }
  constexpr void push_entry(const atom& a) noexcept {
    push(a);
    close_entry();
  }
};

// ---------------------------------------------------------------------------------------------
// Errors. A function returns an error_info instead of failing; the type layer turns it into a
// diagnostic type whose name is the message, the run-time layer into an exception.

enum class error_code : unsigned char {
  none,
  too_many_axes,                 // more than max_atoms atoms
  axis_named_twice,              // a, b: atoms
  flip_of_non_spatial_axis,      // a: atom
  bad_labels,                    // a: atom (empty, empty label or repeated label)
  blocked_axis_without_outer,    // a: an atom of the axis
  blocked_parts_do_not_chain,    // a, b: atoms whose strides do not chain
  parts_flipped_differently,     // a, b: atoms
  non_canonical_merge,           // a, b: consecutive parts of one axis merged: write the axis
  axis_not_in_layout,            // a: atom of the argument
  axis_split_across_entries,     // a: atom of the argument
  permute_incomplete,            // a: entry not named (or -1), b: argument named twice (or -1)
  split_factor_does_not_divide,  // a: atom, x: factor, y: extent
  nothing_to_split,              // a: atom of the argument
  merge_not_adjacent,            // a, b: arguments
  labels_differ,                 // a: atom of `from`, b: atom of `to`
  axes_differ,                   // see axes_difference()
  incompatible_blocking,         // a: atom of `from`, b: atom of `to`
  step_does_not_apply,           // a: step index
};

struct error_info {
  error_code code = error_code::none;
  int a = -1;
  int b = -1;
  index_t x = 0;
  index_t y = 0;

  [[nodiscard]] constexpr explicit operator bool() const noexcept { return code != error_code::none; }
};

constexpr error_info make_error(error_code c, int a = -1, int b = -1, index_t x = 0, index_t y = 0) noexcept {
  return {c, a, b, x, y};
}

// ---------------------------------------------------------------------------------------------
// Labels of a block axis: "i,f,g,o".

[[nodiscard]] constexpr int label_count(std::string_view s) noexcept {
  if (s.empty()) return 0;
  int n = 1;
  for (char c : s) n += (c == ',');
  return n;
}
[[nodiscard]] constexpr std::string_view label_at(std::string_view s, int k) noexcept {
  // Index loops only: string_view::find compares pointers, which g++ cannot fold in constant
  // expressions under -fsanitize=null.
  std::size_t begin = 0;
  for (int seen = 0; seen < k && begin < s.size(); ++begin)
    if (s[begin] == ',') ++seen;
  std::size_t end = begin;
  while (end < s.size() && s[end] != ',') ++end;
  return s.substr(begin, end - begin);
}
/// Position of label `k` of `from` inside `to`, or -1.
[[nodiscard]] constexpr int label_index(std::string_view to, std::string_view label) noexcept {
  for (int i = 0, n = label_count(to); i < n; ++i)
    if (label_at(to, i) == label) return i;
  return -1;
}
[[nodiscard]] constexpr bool labels_valid(std::string_view s) noexcept {
  const int n = label_count(s);
  if (n == 0 || n > 16) return false;
  for (int i = 0; i < n; ++i) {
    if (label_at(s, i).empty()) return false;
    for (int j = 0; j < i; ++j)
      if (label_at(s, i) == label_at(s, j)) return false;
  }
  return true;
}
/// Same set of labels, in any order.
[[nodiscard]] constexpr bool same_label_set(std::string_view a, std::string_view b) noexcept {
  if (label_count(a) != label_count(b)) return false;
  for (int i = 0, n = label_count(a); i < n; ++i)
    if (label_index(b, label_at(a, i)) < 0) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------
// Validation of one layout.

[[nodiscard]] constexpr error_info validate(const layout_desc& l) noexcept {
  if (l.overflow) return make_error(error_code::too_many_axes);
  for (int i = 0; i < l.natoms; ++i) {
    const atom& a = l.atoms[i];
    if (a.flipped && (!a.spatial() || a.unit)) return make_error(error_code::flip_of_non_spatial_axis, i);
    if (a.labelled() && !labels_valid(a.label_text())) return make_error(error_code::bad_labels, i);
  }
  for (int i = 0; i < l.natoms; ++i) {
    for (int j = i + 1; j < l.natoms; ++j) {
      const atom& a = l.atoms[i];
      const atom& b = l.atoms[j];
      if (a.axis != b.axis) continue;
      if (!is_part(a) || !is_part(b) || a.stride == b.stride) return make_error(error_code::axis_named_twice, i, j);
      if (a.flipped != b.flipped) return make_error(error_code::parts_flipped_differently, i, j);
    }
  }
  // The parts of a blocked axis must form a mixed radix: strides 1, e1, e1*e2, ..., ending with
  // the outermost part, the only one with a dynamic extent.
  for (int i = 0; i < l.natoms; ++i) {
    const atom& a = l.atoms[i];
    if (!is_part(a)) continue;
    bool first_of_axis = true;
    for (int j = 0; j < i; ++j) first_of_axis = first_of_axis && l.atoms[j].axis != a.axis;
    if (!first_of_axis) continue;
    int count = 0;
    bool has_outer = false;
    for (int j = 0; j < l.natoms; ++j)
      if (l.atoms[j].axis == a.axis) {
        ++count;
        has_outer = has_outer || l.atoms[j].extent == dynamic_extent;
      }
    if (!has_outer) return make_error(error_code::blocked_axis_without_outer, i);
    int chained = 0;
    for (index_t stride = 1;;) {
      int next = -1;
      for (int j = 0; j < l.natoms; ++j)
        if (l.atoms[j].axis == a.axis && l.atoms[j].stride == stride) next = j;
      if (next < 0) return make_error(error_code::blocked_parts_do_not_chain, i, -1, stride);
      ++chained;
      if (l.atoms[next].extent == dynamic_extent) break;
      stride *= l.atoms[next].extent;
    }
    if (chained != count) return make_error(error_code::blocked_parts_do_not_chain, i);
  }
  for (int e = 0; e < l.nentries; ++e) {
    for (int k = l.entry_begin[e]; k + 1 < l.entry_begin[e + 1]; ++k) {
      const atom& outer = l.atoms[k];
      const atom& inner = l.atoms[k + 1];
      if (outer.axis == inner.axis && is_part(outer) && is_part(inner) && inner.extent != dynamic_extent &&
          outer.stride == inner.stride * inner.extent)
        return make_error(error_code::non_canonical_merge, k, k + 1);
    }
  }
  return {};
}

// ---------------------------------------------------------------------------------------------
// Lookup helpers shared by the transformations.

/// The entry holding an atom that matches `sel`. A whole-axis selector matches any atom of
/// that axis; a part, unit or labelled selector matches that sub-axis only. Returns -1 when
/// absent and -2 when the axis is spread over several entries.
[[nodiscard]] constexpr int find_entry(const layout_desc& l, const atom& sel) noexcept {
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
[[nodiscard]] constexpr int find_axis(const layout_desc& l, axis_ref axis) noexcept {
  for (int i = 0; i < l.natoms; ++i)
    if (l.atoms[i].axis == axis) return i;
  return -1;
}

/// Builds a layout from `l` with its entries in the order `order[0..n)`.
[[nodiscard]] constexpr layout_desc reorder_entries(const layout_desc& l, const int* order, int n) noexcept {
  layout_desc r;
  for (int k = 0; k < n; ++k) {
    for (int i = l.entry_begin[order[k]]; i < l.entry_begin[order[k] + 1]; ++i) r.push(l.atoms[i]);
    r.close_entry();
  }
  return r;
}

struct layout_result {
  layout_desc layout{};
  error_info error{};
};

constexpr layout_result fail(error_info e) noexcept { return {layout_desc{}, e}; }

// ---------------------------------------------------------------------------------------------
// Transformations of one layout. Arguments are atoms taken from the argument types; their
// indices in error_info refer to the argument list.

/// Exchanges the entries holding `a` and `b`.
[[nodiscard]] constexpr layout_result swap_entries(const layout_desc& l, const atom& a, const atom& b) noexcept {
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
[[nodiscard]] constexpr layout_result flip_axes(layout_desc l, const atom* axes, int n) noexcept {
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
[[nodiscard]] constexpr layout_result permute_entries(const layout_desc& l, const atom* sel, int n) noexcept {
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
[[nodiscard]] constexpr layout_result move_entry(const layout_desc& l, const atom& a, int pos) noexcept {
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
[[nodiscard]] constexpr layout_result split_entry(const layout_desc& l, const atom& a, index_t factor) noexcept {
  if (factor == 0) {
    const int e = find_entry(l, a);
    if (e == -1) return fail(make_error(error_code::axis_not_in_layout, 0));
    if (e == -2) return fail(make_error(error_code::axis_split_across_entries, 0));
    if (l.entry_size(e) == 1) return fail(make_error(error_code::nothing_to_split, 0));
    layout_desc r;
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
  layout_desc r;
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
  return {r, {}};
}

/// Removes every atom of axis `a`; a dimension left empty disappears.
[[nodiscard]] constexpr layout_result drop_axis(const layout_desc& l, const atom& a, bool must_exist) noexcept {
  layout_desc r;
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
[[nodiscard]] constexpr layout_desc one_group(const layout_desc& l, std::string_view group = "G") noexcept {
  for (int i = 0; i < l.natoms; ++i)
    if (l.atoms[i].name() == group && is_part(l.atoms[i])) return l;
  layout_desc r;
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
[[nodiscard]] constexpr layout_desc canonical_merges(const layout_desc& l) noexcept {
  layout_desc r;
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
[[nodiscard]] constexpr layout_result merge_entries(const layout_desc& l, const atom* sel, int n) noexcept {
  int es[max_atoms]{};
  for (int k = 0; k < n; ++k) {
    es[k] = find_entry(l, sel[k]);
    if (es[k] == -1) return fail(make_error(error_code::axis_not_in_layout, k));
    if (es[k] == -2) return fail(make_error(error_code::axis_split_across_entries, k));
    if (k > 0 && es[k] != es[k - 1] + 1) return fail(make_error(error_code::merge_not_adjacent, k - 1, k));
  }
  layout_desc r;
  for (int e = 0; e < l.nentries; ++e) {
    for (int i = l.entry_begin[e]; i < l.entry_begin[e + 1]; ++i) r.push(l.atoms[i]);
    if (n > 0 && e >= es[0] && e < es[n - 1]) continue;
    r.close_entry();
  }
  return {canonical_merges(r), {}};
}

/// Puts the blocks of a labelled axis in a new order (the same labels).
[[nodiscard]] constexpr layout_result relabel(layout_desc l, const atom& target) noexcept {
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
[[nodiscard]] constexpr layout_desc adjoint(layout_desc l, const atom& o, const atom& i) noexcept {
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

// ---------------------------------------------------------------------------------------------
// Plan derivation: from `from` to `to`.

struct plan_desc {
  const layout_desc* from = nullptr;  // the inputs of derive(), which must outlive the plan
  const layout_desc* to = nullptr;
  int to_offset = 0;  // added to the universe indices of `to`'s atoms
  bool simple = false;  // every dimension of both layouts is one whole axis, possibly flipped
  error_info error{};
  // Refined atoms in source storage order, and the source entry each comes from.
  atom src[max_atoms]{};
  int src_entry[max_atoms]{};
  int nsrc = 0;
  // Refined atoms in target storage order, and the target entry each goes to.
  atom dst[max_atoms]{};
  int dst_entry[max_atoms]{};
  int ndst = 0;
  int src_of_dst[max_atoms]{};  // -1: a unit axis the target inserts
  bool flip[max_atoms]{};       // per target atom: orientation toggled
  // For axes_differ: atoms of `to` missing from `from`, and atoms of `from` extra.
  int missing[max_atoms]{};
  int nmissing = 0;
  int extra[max_atoms]{};
  int nextra = 0;
};

/// True when either layout blocks `axis` into parts.
[[nodiscard]] constexpr bool blocked(const layout_desc& a, const layout_desc& b, axis_ref axis) noexcept {
  for (const layout_desc* l : {&a, &b})
    for (int i = 0; i < l->natoms; ++i)
      if (l->atoms[i].axis == axis && is_part(l->atoms[i])) return true;
  return false;
}

/// The largest radix boundary of `axis` below `x` used by either layout (1 is always one).
[[nodiscard]] constexpr index_t boundary_below(const layout_desc& a, const layout_desc& b, axis_ref axis,
                                               index_t x) noexcept {
  index_t best = 1;
  for (const layout_desc* l : {&a, &b})
    for (int i = 0; i < l->natoms; ++i) {
      const atom& p = l->atoms[i];
      if (p.axis != axis || !is_part(p)) continue;
      if (p.stride < x && p.stride > best) best = p.stride;
      if (p.extent != dynamic_extent && p.stride * p.extent < x && p.stride * p.extent > best) best = p.stride * p.extent;
    }
  return best;
}

/// Splits the atoms of `l` into the common refinement with `other`: every blocked axis into
/// the parts between consecutive boundaries of either layout, outer first.
constexpr error_info refine(const layout_desc& l, const layout_desc& other, bool l_is_from, atom (&out)[max_atoms],
                            int (&entry)[max_atoms], int& n) noexcept {
  n = 0;
  for (int i = 0; i < l.natoms; ++i) {
    const atom& a = l.atoms[i];
    if ((!is_part(a) && !is_whole(a)) || !blocked(l, other, a.axis)) {
      if (n == max_atoms) return make_error(error_code::too_many_axes);
      out[n] = a;
      entry[n++] = l.entry_of(i);
      continue;
    }
    // Walk the boundaries inside [a.stride, upper), from the top.
    index_t upper = a.extent == dynamic_extent ? dynamic_extent : a.stride * a.extent;
    for (;;) {
      const index_t b = boundary_below(l, other, a.axis, upper == dynamic_extent ? index_t{1} << 62 : upper);
      if (b < a.stride) break;
      if (upper != dynamic_extent && upper % b != 0) {
        int j = -1;
        for (int q = 0; q < other.natoms; ++q)
          if (other.atoms[q].axis == a.axis) j = q;
        return l_is_from ? make_error(error_code::incompatible_blocking, i, j, b, upper)
                         : make_error(error_code::incompatible_blocking, j, i, b, upper);
      }
      atom p = a;
      p.stride = b;
      p.extent = upper == dynamic_extent ? dynamic_extent : upper / b;
      if (!same_part(p, a)) p.source = -1;
      if (n == max_atoms) return make_error(error_code::too_many_axes);
      out[n] = p;
      entry[n++] = l.entry_of(i);
      if (b == a.stride) break;
      upper = b;
    }
  }
  return {};
}

/// Derives the plan from `from` to `to`. `validated` skips the validation of the inputs (the
/// type layer validates each layout type once); `to_offset` is added to the universe indices of
/// `to`'s atoms, so that one descriptor per layout type serves every derivation.
[[nodiscard]] constexpr plan_desc derive(const layout_desc& from, const layout_desc& to, bool validated = false,
                                         int to_offset = 0) noexcept {
  plan_desc p;
  p.from = &from;
  p.to = &to;
  p.to_offset = to_offset;
  if (!validated) {
    if ((p.error = validate(from))) return p;
    if ((p.error = validate(to))) {
      p.error.a += 1000;  // marks an atom of `to`; the type layer reads it back
      return p;
    }
  }
  bool parts = false;
  bool simple = from.natoms == from.nentries && to.natoms == to.nentries;
  for (int i = 0; i < from.natoms; ++i) {
    parts = parts || is_part(from.atoms[i]);
    simple = simple && is_whole(from.atoms[i]);
  }
  for (int i = 0; i < to.natoms; ++i) {
    parts = parts || is_part(to.atoms[i]);
    simple = simple && is_whole(to.atoms[i]);
  }
  p.simple = simple;
  if (parts) {
    if ((p.error = refine(from, to, true, p.src, p.src_entry, p.nsrc))) return p;
    if ((p.error = refine(to, from, false, p.dst, p.dst_entry, p.ndst))) return p;
  } else {
    for (int e = 0; e < from.nentries; ++e)
      for (int i = from.entry_begin[e]; i < from.entry_begin[e + 1]; ++i) {
        p.src[i] = from.atoms[i];
        p.src_entry[i] = e;
      }
    p.nsrc = from.natoms;
    for (int e = 0; e < to.nentries; ++e)
      for (int i = to.entry_begin[e]; i < to.entry_begin[e + 1]; ++i) {
        p.dst[i] = to.atoms[i];
        p.dst_entry[i] = e;
      }
    p.ndst = to.natoms;
  }
  // Match every target atom with a source atom: the same sub-axis, or a unit atom with a unit
  // or whole atom of the same axis. What stays unmatched is missing or extra, unless a unit.
  bool used[max_atoms]{};
  for (int k = 0; k < p.ndst; ++k) {
    atom& d = p.dst[k];
    if (d.source >= 0) d.source += to_offset;
    if (d.axis_source >= 0) d.axis_source += to_offset;
    p.src_of_dst[k] = -1;
    p.flip[k] = false;
    for (int i = 0; i < p.nsrc; ++i) {
      const atom& a = p.src[i];
      if (a.axis != d.axis) continue;
      const bool match = (a.unit || d.unit) ? (a.unit || is_whole(a)) && (d.unit || is_whole(d))
                                            : a.stride == d.stride && a.extent == d.extent;
      if (!match) continue;
      if (a.labelled() != d.labelled() || (a.labelled() && !same_label_set(a.label_text(), d.label_text()))) {
        p.error = make_error(error_code::labels_differ, find_axis(from, a.axis), find_axis(to, d.axis));
        return p;
      }
      p.src_of_dst[k] = i;
      p.flip[k] = a.flipped != d.flipped;
      used[i] = true;
      break;
    }
    if (p.src_of_dst[k] >= 0 || d.unit) continue;
    bool seen = false;
    for (int q = 0; q < p.nmissing; ++q) seen = seen || to.atoms[p.missing[q]].axis == d.axis;
    if (!seen) p.missing[p.nmissing++] = find_axis(to, d.axis);
  }
  for (int i = 0; i < p.nsrc; ++i) {
    if (used[i] || p.src[i].unit) continue;
    bool seen = false;
    for (int q = 0; q < p.nextra; ++q) seen = seen || from.atoms[p.extra[q]].axis == p.src[i].axis;
    if (!seen) p.extra[p.nextra++] = find_axis(from, p.src[i].axis);
  }
  if (p.nmissing + p.nextra > 0) p.error = make_error(error_code::axes_differ);
  return p;
}

// ---------------------------------------------------------------------------------------------
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
struct step_desc {
  step_kind kind{};
  int a_begin = 0, a_count = 0, b_begin = 0, b_count = 0;
};

struct steps_desc {
  step_desc steps[max_steps]{};
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
  constexpr step_desc& push(step_kind k) noexcept {
    if (nsteps == max_steps) {
      overflow = true;
      return steps[max_steps - 1];
    }
    steps[nsteps] = step_desc{k, npool, 0, npool, 0};
    return steps[nsteps++];
  }
  [[nodiscard]] constexpr const atom& a(const step_desc& s, int k) const noexcept { return atoms[s.a_begin + k]; }
  [[nodiscard]] constexpr const atom& b(const step_desc& s, int k) const noexcept { return atoms[s.b_begin + k]; }
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

[[nodiscard]] constexpr plan_structure structure_of(const plan_desc& p) noexcept {
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
constexpr void add_flips(steps_desc& s, const plan_desc& p) noexcept {
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
  step_desc& st = s.push(step_kind::flip);
  for (int q = 0; q < n; ++q) s.add(axis_atom(p.dst[order[q]]));
  st.a_count = n;
  st.b_begin = s.npool;
}

/// The normal form of a plan between two simple layouts (p.simple): one permutation of whole
/// axes and the flips; nothing is split, merged, reordered, dropped or inserted.
constexpr void simple_normal_form(steps_desc& s, const plan_desc& p, bool with_orders) noexcept {
  int moved = 0;
  int first = -1, second = -1;
  for (int k = 0; k < p.ndst; ++k) {
    if (p.src_of_dst[k] == k) continue;
    ++moved;
    (first < 0 ? first : second) = k;
  }
  if (moved == 2 && p.src_of_dst[first] == second) {
    step_desc& st = s.push(step_kind::swap);
    s.add(p.src[p.src_of_dst[first]]);
    s.add(p.src[p.src_of_dst[second]]);
    st.a_count = 2;
    st.b_begin = s.npool;
  } else if (moved > 0) {
    step_desc& st = s.push(step_kind::permute);
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

[[nodiscard]] constexpr steps_desc normal_form(const plan_desc& p, bool with_orders = true) noexcept {
  steps_desc s;
  if (p.simple) {
    simple_normal_form(s, p, with_orders);
    return s;
  }
  const plan_structure x = structure_of(p);
  auto add_entry = [&](const layout_desc& l, int e, int offset) {
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
    step_desc& st = s.push(step_kind::split);
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
      step_desc& st = s.push(step_kind::swap);
      add_target_element(x.dst_first[first], x.dst_count[first]);
      add_target_element(x.dst_first[second], x.dst_count[second]);
      st.a_count = s.npool - st.a_begin;
      st.b_begin = s.npool;
    } else {
      step_desc& st = s.push(step_kind::permute);
      s.order_is_source = !any_split && x.nsrc == p.from->nentries;
      s.order_is_target = !any_merge && x.ndst == p.to->nentries;
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
      step_desc& st = s.push(step_kind::reorder);
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
    step_desc& st = s.push(step_kind::merge);
    add_entry(*p.to, e, p.to_offset);
    st.a_count = p.to->entry_size(e);
    st.b_begin = s.npool;
    for (int k = 0; k < p.ndst; ++k)
      if (p.dst_entry[k] == e) s.add(p.dst[k]);
    st.b_count = s.npool - st.b_begin;
  }
  return s;
}

// ---------------------------------------------------------------------------------------------
// Applying steps to a layout, by name.

/// Orientation of `axis` in `l` (false when absent).
[[nodiscard]] constexpr bool orientation(const layout_desc& l, axis_ref axis) noexcept {
  const int i = find_axis(l, axis);
  return i >= 0 && l.atoms[i].flipped;
}

/// The entry that consists exactly of `atoms[0..n)` (orientation-free), or -1.
[[nodiscard]] constexpr int find_exact_entry(const layout_desc& l, const atom* atoms, int n) noexcept {
  for (int e = 0; e < l.nentries; ++e) {
    if (l.entry_size(e) != n) continue;
    bool eq = true;
    for (int k = 0; k < n; ++k) eq = eq && same_atom(l.atoms[l.entry_begin[e] + k], atoms[k]);
    if (eq) return e;
  }
  return -1;
}

/// A whole axis and a unit atom of the same axis: the same data when the extent is 1.
[[nodiscard]] constexpr bool unit_of_whole(const atom& a, const atom& b) noexcept {
  return a.axis == b.axis && a.unit != b.unit && (a.unit || is_whole(a)) && (b.unit || is_whole(b));
}

[[nodiscard]] constexpr layout_result apply_step(const layout_desc& l, const steps_desc& s, int index) noexcept {
  const step_desc& st = s.steps[index];
  const error_info bad = make_error(error_code::step_does_not_apply, index);
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
      layout_desc r;
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
      layout_desc r;
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
          layout_desc r = l;
          r.atoms[i] = b[0];
          return {r, {}};
        }
      return fail(bad);
    }
  }
  return fail(bad);
}

[[nodiscard]] constexpr layout_result apply_steps(const layout_desc& l, const steps_desc& s) noexcept {
  layout_result r{l, {}};
  for (int k = 0; k < s.nsteps && !r.error; ++k) r = apply_step(r.layout, s, k);
  return r;
}

/// The plan that undoes `s`, in normal form when `s` is: splits and merges trade places, a swap
/// exchanges its arguments, a permutation runs backwards, flips stay flips and each reorder
/// runs backwards. Flips and reorders are listed by axis label in both directions.
[[nodiscard]] constexpr steps_desc inverse(const steps_desc& s) noexcept {
  steps_desc r;
  // In normal form the permutation runs before the reorders; in the inverse it runs before the
  // inverted reorders, so its labelled atoms carry the labels the original reorders produced.
  auto relabelled = [&](atom x) {
    for (int k = 0; k < s.nsteps; ++k)
      if (s.steps[k].kind == step_kind::reorder && same_atom(s.a(s.steps[k], 0), x)) x = s.b(s.steps[k], 0);
    return x;
  };
  auto copy = [&](step_kind kind, const step_desc& st, bool swap_lists) {
    const bool relabel = kind == step_kind::permute;
    step_desc& n = r.push(kind);
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
      const step_desc& st = s.steps[k];
      if (st.kind != kind) continue;
      switch (kind) {
        case step_kind::merge: copy(step_kind::split, st, false); break;
        case step_kind::split: copy(step_kind::merge, st, false); break;
        case step_kind::swap: {
          step_desc& n = r.push(step_kind::swap);
          const int mid = s.element_end(st.a_begin, st.a_begin + st.a_count);
          for (int k = mid; k < st.a_begin + st.a_count; ++k) r.add(relabelled(s.atoms[k]), s.joined[k]);
          for (int k = st.a_begin; k < mid; ++k) r.add(relabelled(s.atoms[k]), s.joined[k]);
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

}  // namespace axle::detail
