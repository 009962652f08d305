// axle — the value layer: deriving the conversion from one layout to another.
//
// `derive(from, to)` matches the two layouts atom by atom, after refining every blocked axis into
// the parts both layouts need. The result, a `derivation`, refers to its two layouts (as a
// std::string_view refers to its characters): keep them alive while it is used. It is the input
// of the normal form (normal_form.hpp), of buffer mapping (<axle/mapping.hpp>) and of code
// rendering (<axle/codegen.hpp>).
#pragma once

#include "transform.hpp"
#include "validate.hpp"
#include "values.hpp"

namespace axle::value {

// Plan derivation: from `from` to `to`.

struct derivation {
  const layout* from = nullptr;  // the inputs of derive(), which must outlive the plan
  const layout* to = nullptr;
  int to_offset = 0;  // added to the universe indices of `to`'s atoms
  bool simple = false;  // every dimension of both layouts is one whole axis, possibly flipped
  value::error error{};
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
[[nodiscard]] constexpr bool blocked(const layout& a, const layout& b, axis_id axis) noexcept {
  for (const layout* l : {&a, &b})
    for (int i = 0; i < l->natoms; ++i)
      if (l->atoms[i].axis == axis && is_part(l->atoms[i])) return true;
  return false;
}

/// The largest radix boundary of `axis` below `x` used by either layout (1 is always one).
[[nodiscard]] constexpr index_t boundary_below(const layout& a, const layout& b, axis_id axis,
                                               index_t x) noexcept {
  index_t best = 1;
  for (const layout* l : {&a, &b})
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
constexpr error refine(const layout& l, const layout& other, bool l_is_from, atom (&out)[max_atoms],
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
[[nodiscard]] constexpr derivation derive(const layout& from, const layout& to, bool validated = false,
                                         int to_offset = 0) noexcept {
  derivation p;
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

}  // namespace axle::value
