// axle — compact records of layout and plan types, for the type-level fast paths.
//
// The engine (namespace axle::value) works on `value::layout` descriptors of twelve 56-byte
// atoms. The fast paths of plan_t and apply_t (fast/plan.hpp, fast/apply.hpp) need much less:
// per atom type one small record (which sub-axis, its labels, its orientation), per layout type
// one array of them, per plan type one array of pointers to its elements' records. Each record
// is a variable or static member of a class keyed by the type alone, so it is computed once per
// atom, entry, layout or plan type of the translation unit and shared by every pair using it.
//
// Cost rules for everything in fast/ (both compilers; measured, see docs/performance.md):
// constant evaluation reads arrays through references to whole objects, never through a pointer
// to an element (g++ keeps every address computation of `p[i]` for the rest of the translation
// unit); one plain function per layout or pair, not a chain of small calls over copied values;
// namespace-scope class templates keyed by as few types as possible; no member templates.
#pragma once

#include <cstddef>
#include <string_view>

#include "../detail/type_list.hpp"
#include "../layout.hpp"

namespace axle::detail {

constexpr unsigned long long mix_id(unsigned long long h, unsigned long long x) noexcept {
  return (h ^ x) * 1099511628211ULL + 0x9e3779b97f4a7c15ULL;
}
constexpr unsigned long long text_id(std::string_view s) noexcept {
  unsigned long long h = 14695981039346656037ULL;
  for (char c : s) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  return h;
}

/// One atom type as a value. `key` says which sub-axis (axis and part: `same_part` of the
/// engine, without orientation or label order); `lkey` adds the label text (`same_atom`).
struct crec {
  unsigned long long key = 0;
  unsigned long long lkey = 0;
  unsigned long long axis = 0;
  std::string_view name{};    // the axis label: flips and reorders are listed by it
  std::string_view labels{};  // "i,f,g,o" for a labelled axis
  index_t stride = 1;         // as in value::atom
  index_t extent = dynamic_extent;
  bool flip = false;
  bool unit = false;
  bool spatial = false;
  bool bad = false;  // invalid on its own: a flipped non-spatial or unit axis, or bad labels
  bool labelled = false;  // !labels.empty(), without a call
  bool part = false;      // a part of a blocked axis: not unit, not labelled, not the whole axis
};

template <class A>
constexpr crec axis_crec(unsigned long long key, index_t stride, index_t extent, bool unit) noexcept {
  return {key,   key,   axis_info_of<A>.id, A::label, {}, stride, extent, false, unit, is_spatial_v<A>, false,
          false, !unit && !(stride == 1 && extent == dynamic_extent)};
}
constexpr crec flipped_crec(crec r) noexcept {
  r.flip = true;
  r.bad = r.bad || !r.spatial || r.unit;
  return r;
}
constexpr crec labelled_crec(crec r, std::string_view text) noexcept {
  r.lkey = mix_id(r.key, text_id(text));
  r.labels = text;
  r.labelled = !text.empty();
  r.part = false;
  r.bad = !value::labels_valid(text);
  return r;
}

/// The record of an atom type.
template <class X>
inline constexpr crec crec_v = axis_crec<X>(axis_info_of<X>.id, 1, dynamic_extent, false);
template <class X>
inline constexpr crec crec_v<flipped<X>> = flipped_crec(crec_v<X>);
template <axis_tag A, index_t S>
inline constexpr crec crec_v<outer<A, S>> =
    axis_crec<A>(mix_id(mix_id(axis_info_of<A>.id, 2), static_cast<unsigned long long>(S)), S, dynamic_extent, false);
template <axis_tag A, index_t E, index_t S>
inline constexpr crec crec_v<inner<A, E, S>> = axis_crec<A>(
    mix_id(mix_id(mix_id(axis_info_of<A>.id, 3), static_cast<unsigned long long>(E)), static_cast<unsigned long long>(S)), S,
    E, false);
template <axis_tag A>
inline constexpr crec crec_v<unit<A>> = axis_crec<A>(mix_id(axis_info_of<A>.id, 4), 1, 1, true);
template <axis_tag A, fixed_string L>
inline constexpr crec crec_v<labels<A, L>> = labelled_crec(
    axis_crec<A>(mix_id(mix_id(axis_info_of<A>.id, 5), static_cast<unsigned long long>(value::label_count(L.view()))), 1,
                 value::label_count(L.view()), false),
    L.view());

/// One entry type (an atom or merged atoms) as records: shared by every layout and plan that
/// holds it.
struct crec_entry {
  int natoms = 0;
  crec atoms[value::max_atoms]{};
  bool odd = true;  // no atoms (too many), or a unit axis among them: no fast apply takes it
};
template <class E>
inline constexpr crec_entry crec_entry_v{1, {crec_v<E>}, crec_v<E>.unit};
template <class... Xs>
  requires(sizeof...(Xs) <= static_cast<std::size_t>(value::max_atoms))
inline constexpr crec_entry crec_entry_v<merged<Xs...>>{static_cast<int>(sizeof...(Xs)), {crec_v<Xs>...}, (crec_v<Xs>.unit || ...)};
template <class... Xs>
  requires(sizeof...(Xs) > static_cast<std::size_t>(value::max_atoms))
inline constexpr crec_entry crec_entry_v<merged<Xs...>>{};  // more atoms than a layout holds: no fast path takes it

/// A layout type as records: its entries' records, in storage order.
struct clayout_rec {
  const crec_entry* entries[value::max_atoms]{};
  int nentries = 0;
};

/// A layout's atoms, flattened for one evaluation: the record of each and its entry.
struct flat_recs {
  const crec* atoms[value::max_atoms]{};
  int entry[value::max_atoms]{};
  int begin[value::max_atoms + 1]{};  // entry e's atoms are begin[e] to begin[e + 1]
  int natoms = 0;
  int nentries = 0;
  bool ok = true;  // at most max_atoms atoms
};
[[nodiscard]] constexpr flat_recs flatten(const clayout_rec& l) noexcept {
  flat_recs r;
  for (int e = 0; e < l.nentries; ++e) {
    const crec_entry& x = *l.entries[e];
    if (x.natoms == 0 || r.natoms + x.natoms > value::max_atoms) {
      r.ok = false;
      return r;
    }
    for (int q = 0; q < x.natoms; ++q) {
      r.atoms[r.natoms] = &x.atoms[q];
      r.entry[r.natoms++] = e;
    }
    r.begin[++r.nentries] = r.natoms;
  }
  return r;
}


/// value::validate() on the records: true exactly when validate() finds nothing.
[[nodiscard]] constexpr bool compact_valid(const clayout_rec& l) noexcept {
  const flat_recs f = flatten(l);
  if (!f.ok) return false;
  const int n = f.natoms;
  bool parts = false;
  // Each record is read once, into locals; the quadratic check compares locals only.
  unsigned long long axes[value::max_atoms]{};
  bool part[value::max_atoms]{};
  for (int i = 0; i < n; ++i) {
    const crec& a = *f.atoms[i];
    if (a.bad) return false;
    axes[i] = a.axis;
    part[i] = a.part;
    parts = parts || part[i];
  }
  for (int i = 0; i < n; ++i)
    for (int j = i + 1; j < n; ++j) {
      if (axes[i] != axes[j]) continue;
      if (!part[i] || !part[j] || f.atoms[i]->stride == f.atoms[j]->stride || f.atoms[i]->flip != f.atoms[j]->flip) return false;
    }
  if (!parts) return true;
  // The parts of a blocked axis form a mixed radix: strides 1, e1, e1*e2, ..., ending with the
  // outermost part, the only one with a dynamic extent.
  for (int i = 0; i < n; ++i) {
    if (!part[i]) continue;
    const unsigned long long axis = f.atoms[i]->axis;
    bool first = true;
    for (int j = 0; j < i; ++j) first = first && f.atoms[j]->axis != axis;
    if (!first) continue;
    int count = 0, chained = 0;
    bool has_outer = false;
    for (int j = 0; j < n; ++j)
      if (f.atoms[j]->axis == axis) {
        ++count;
        has_outer = has_outer || f.atoms[j]->extent == dynamic_extent;
      }
    if (!has_outer) return false;
    for (index_t stride = 1;;) {
      int next = -1;
      for (int j = 0; j < n; ++j)
        if (f.atoms[j]->axis == axis && f.atoms[j]->stride == stride) next = j;
      if (next < 0) return false;
      ++chained;
      if (f.atoms[next]->extent == dynamic_extent) break;
      stride *= f.atoms[next]->extent;
    }
    if (chained != count) return false;
  }
  // No merged consecutive parts of one axis (the axis is written whole instead).
  for (int q = 0; q + 1 < n; ++q) {
    const crec& o = *f.atoms[q];
    const crec& in = *f.atoms[q + 1];
    if (f.entry[q] == f.entry[q + 1] && o.axis == in.axis && part[q] && part[q + 1] && in.extent != dynamic_extent &&
        o.stride == in.stride * in.extent)
      return false;
  }
  return true;
}

// --- whole axes, recognised by type ------------------------------------------------------------
// Layouts of whole axes (O, H~: no merged entry, part, label or unit axis) are the common case;
// fast/apply.hpp applies plans to them by pattern matching on the types, which costs both
// compilers less than reading records in a constant evaluation. Builtins (__is_same,
// __is_base_of; g++ and clang) instantiate nothing.

/// An entry as a whole axis: kind 1 the axis, 2 the axis flipped, 0 anything else.
template <class E>
struct whole_axis {
  static constexpr int kind = __is_base_of(axis_base, E) ? 1 : 0;
  using base = E;
};
template <class X>
struct whole_axis<flipped<X>> {
  static constexpr int kind = __is_base_of(axis_base, X) ? 2 : 0;
  using base = X;
};

/// A spatial axis type (not a part, a flipped axis or anything else).
template <class A>
inline constexpr bool spatial_axis_v = false;
template <class A>
  requires(__is_base_of(axis_base, A))
inline constexpr bool spatial_axis_v<A> = is_spatial_v<A>;

/// How many of Xs are X.
template <class X, class... Xs>
inline constexpr int count_of_v = (0 + ... + static_cast<int>(__is_same(X, Xs)));
/// Whether Es holds X flipped.
template <class X, class... Es>
inline constexpr bool flipped_in_v = (false || ... || __is_same(flipped<X>, Es));

/// The records of a layout type. A layout of more entries than the engine holds gets none: it
/// is invalid (too_many_axes), which the engine reports.
template <class L>
struct clayout {
  static constexpr bool valid = false;
};
template <class... Es>
  requires(sizeof...(Es) <= static_cast<std::size_t>(value::max_atoms))
struct clayout<layout<Es...>> {
  static constexpr clayout_rec value{{&crec_entry_v<Es>...}, static_cast<int>(sizeof...(Es))};
  static constexpr bool valid = compact_valid(value);
};

}  // namespace axle::detail
