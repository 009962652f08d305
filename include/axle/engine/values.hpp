// axle — the value layer: layouts, atoms and errors as plain constexpr values.
//
// Every type-level operation of axle (validation, transformations, plan derivation, application,
// inversion) is one constexpr function over the small value types of namespace `axle::value`.
// The type layer turns a layout type into a `value::layout` (`axle::value::of<L>()`), runs the
// function at compile time and turns the result back into types; run-time code (views, the
// command-line tool, layouts read from text) runs the very same functions on the same values.
// There is one engine, not two.
//
// Vocabulary
//   atom     one canonical sub-axis: a whole axis, a part of a blocked axis (`O/16`, `16o`), a
//            unit axis, or a labelled block axis (`gate[i,f,g,o]`); possibly flipped.
//   entry    one storage dimension: one atom or several merged atoms, outer first.
//   layout   the entries of a tensor, outermost first (at most `max_atoms` atoms).
//
// The engine, by concern: values (this file), validate.hpp, transform.hpp, derive.hpp,
// normal_form.hpp, apply.hpp; <axle/value.hpp> includes them all.
#pragma once

#include <string_view>

#include "../axis.hpp"

namespace axle::value {

inline constexpr int max_atoms = 12;
inline constexpr int max_steps = 2 * max_atoms + 4;

/// What an axis is, shared by all its atoms: its label, its kind and its identity (for an axis
/// type, a 64-bit hash of the type's name; `value::of<L>()` fills it in).
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
using axis_id = unsigned long long;

/// One canonical sub-axis. `info` and `labels` point at storage that outlives the atom (static
/// for layouts made from types; interned for layouts read from text).
struct atom {
  axis_id axis = 0;                  // identity of the axis (axis_info::id)
  const axis_info* info = &no_axis;  // its label and kind
  const std::string_view* labels = &no_labels;  // "i,f,g,o" for a labelled block axis
  index_t stride = 1;  // radix position inside a blocked axis (1 for a whole axis)
  index_t extent = dynamic_extent;  // static extent of a part, a unit (1) or a labelled axis
  int source = -1;       // type layer only: index of the atom's type in its layout or plan type
  int axis_source = -1;  // type layer only: index of some atom of the same axis there
  bool flipped = false;  // a spatial axis stored reversed
  bool unit = false;     // a unit axis: extent 1, may be absent from another layout

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

/// A whole axis and a unit atom of the same axis: the same data when the extent is 1.
[[nodiscard]] constexpr bool unit_of_whole(const atom& a, const atom& b) noexcept {
  return a.axis == b.axis && a.unit != b.unit && (a.unit || is_whole(a)) && (b.unit || is_whole(b));
}

/// A layout as a value: its atoms in storage order and where each storage dimension (entry)
/// begins. More than `max_atoms` atoms set `overflow`, which validate() reports as too_many_axes.
struct layout {
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
  constexpr void close_entry() noexcept {
    if (nentries == max_atoms) {
      overflow = true;
      return;
    }
    entry_begin[++nentries] = natoms;
  }
  constexpr void push_entry(const atom& a) noexcept {
    push(a);
    close_entry();
  }
};

// ---------------------------------------------------------------------------------------------
// Errors. A function returns an error instead of failing; the type layer turns it into a
// diagnostic type whose name is the message, the run-time layer into an exception.

enum class error_code : unsigned char {
  none,
  too_many_axes,                 // more than max_atoms atoms (a: the argument or plan step that adds them)
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

struct error {
  error_code code = error_code::none;
  int a = -1;
  int b = -1;
  index_t x = 0;
  index_t y = 0;

  [[nodiscard]] constexpr explicit operator bool() const noexcept { return code != error_code::none; }
};

constexpr error make_error(error_code c, int a = -1, int b = -1, index_t x = 0, index_t y = 0) noexcept {
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

/// A layout, or why there is none.
struct layout_result {
  value::layout layout{};
  value::error error{};
};

constexpr layout_result fail(error e) noexcept { return {layout{}, e}; }

}  // namespace axle::value
