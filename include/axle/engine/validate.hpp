// axle — the value layer: validation of one layout.
#pragma once

#include "values.hpp"

namespace axle::value {

// Validation of one layout.

[[nodiscard]] constexpr error validate(const layout& l) noexcept {
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
      // A part of extent 1 leaves the stride as it was: without the bound the walk would not end.
      if (next < 0 || ++chained > count) return make_error(error_code::blocked_parts_do_not_chain, i, -1, stride);
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

}  // namespace axle::value
