// axle — what a plan does to a buffer: extents, strides and index maps at run time.
//
// A layout fixes the order and orientation of axes; a buffer adds extents. Given the storage
// shape of a source buffer (and the size of any axis a shape cannot tell, such as G in a merged
// (G, O) dimension), `resolve_extents` finds the extent of every atom, and `map_plan` turns a
// derived plan into a strided map: for every axis of the result, its extent and its signed
// stride in the source. Block reorders, which no stride can express, are small gather tables.
//
// Errors are `axle::shape_error` exceptions whose message names the axis, the sizes and what
// was expected. Sizes follow NumPy's rule (<axle/detail/checked.hpp>): a shape, and the extents of
// its atoms, whose non-zero extents multiply past a signed 64-bit integer are refused, whatever
// the order of the dimensions and although a zero extent leaves them without elements; after
// that no extent, stride or offset computed here can overflow.
#pragma once

#include <array>
#include <cstddef>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "detail/checked.hpp"
#include "detail/text.hpp"
#include "engine/derive.hpp"
#include "errors.hpp"
#include "notation.hpp"

namespace axle {

/// The size of one axis, by label: `{"G", 4}`.
struct axis_size {
  std::string_view axis;
  index_t extent;
};

/// At most this many labels on a labelled block axis.
inline constexpr int max_labels = 16;

struct atom_extents {
  index_t extent[value::max_atoms]{};
  int n = 0;
};

/// The extent of each atom of `l` for a buffer of storage shape `shape`. `known` gives sizes the
/// shape alone does not determine (all but one dynamic atom of a merged dimension).
constexpr atom_extents resolve_extents(const value::layout& l, std::span<const index_t> shape,
                                       std::span<const axis_size> known = {}, std::string_view what = "tensor") {
  if (static_cast<int>(shape.size()) != l.nentries)
    throw shape_error(std::string(what) + ": shape " + detail::tuple_text(shape) + " has " +
                      detail::int_text(static_cast<long long>(shape.size())) + " dimensions, but layout " +
                      to_string(l) + " has " + detail::int_text(l.nentries));
  for (int e = 0; e < l.nentries; ++e)
    if (shape[static_cast<std::size_t>(e)] < 0)
      throw shape_error(std::string(what) + ": dimension " + detail::int_text(e) + " has negative extent");
  if (!detail::checked_shape_size(shape))
    throw shape_error(
        std::string(what) + ": shape " + detail::tuple_text(shape) +
        " holds more elements than a signed 64-bit integer counts (the product of its non-zero extents must fit)");
  atom_extents r;
  r.n = l.natoms;
  for (int e = 0; e < l.nentries; ++e) {
    const index_t size = shape[static_cast<std::size_t>(e)];
    index_t product = 1;
    int unknown = -1;
    int unknowns = 0;
    for (int i = l.entry_begin[e]; i < l.entry_begin[e + 1]; ++i) {
      const value::atom& a = l.atoms[i];
      index_t x = a.extent;
      if (x == dynamic_extent && value::is_whole(a))
        for (const axis_size& k : known)
          if (k.axis == a.name()) x = k.extent;
      if (x == dynamic_extent) {
        ++unknowns;
        unknown = i;  // the last one is what the dimension leaves
      } else {
        if (x <= 0 && !(x == 0 && size == 0))
          throw shape_error(std::string(what) + ": axis " + std::string(a.name()) + " has extent " +
                            detail::int_text(x));
        const auto p = detail::checked_mul(product, x);
        if (!p)
          throw shape_error(std::string(what) + ": dimension " + detail::int_text(e) + " has extent " +
                            detail::int_text(size) +
                            ", but the sizes of its axes multiply past a signed 64-bit integer (" +
                            detail::tuple_text(shape) + " as " + to_string(l) + ")");
        product = *p;
      }
      r.extent[static_cast<std::size_t>(i)] = x;
    }
    auto entry_text = [&] {  // messages only: clang cannot build a std::string in constant evaluation
      std::string entry;
      detail::append_atoms(entry, &l.atoms[l.entry_begin[e]], l.entry_size(e), true);
      return entry;
    };
    if (unknowns > 1) {
      std::string names;
      for (int i = l.entry_begin[e]; i < l.entry_begin[e + 1]; ++i)
        if (r.extent[static_cast<std::size_t>(i)] == dynamic_extent && i != unknown)
          (names += names.empty() ? "" : ", ") += l.atoms[i].name();
      throw shape_error(std::string(what) + ": dimension " + detail::int_text(e) + " holds " + entry_text() +
                        "; the size of " + names + " must be given (for G: --groups)");
    }
    if (unknowns == 1) {
      if (product == 0 || size % product != 0)
        throw shape_error(std::string(what) + ": dimension " + detail::int_text(e) + " " + entry_text() +
                          " has extent " + detail::int_text(size) + ", which is not a multiple of " +
                          detail::int_text(product) + " (" + detail::tuple_text(shape) + " as " + to_string(l) + ")");
      r.extent[static_cast<std::size_t>(unknown)] = size / product;
    } else if (product != size) {
      throw shape_error(std::string(what) + ": dimension " + detail::int_text(e) + " " + entry_text() + " has extent " +
                        detail::int_text(size) + ", expected " + detail::int_text(product) + " (" +
                        detail::tuple_text(shape) + " as " + to_string(l) + ")");
    }
  }
  // A zero extent lets a dimension hide atoms whose product does not fit: ((G, O), I) of shape
  // (0, 2^62) with G = 2^62.
  if (!detail::checked_shape_size(std::span<const index_t>(r.extent, static_cast<std::size_t>(r.n))))
    throw shape_error(std::string(what) + ": shape " + detail::tuple_text(shape) + " as " + to_string(l) +
                      " has atom extents " +
                      detail::tuple_text(std::span<const index_t>(r.extent, static_cast<std::size_t>(r.n))) +
                      ", which hold more elements than a signed 64-bit integer counts");
  return r;
}

/// The storage shape of a layout whose atoms have the given extents.
constexpr std::vector<index_t> storage_shape(const value::layout& l, const atom_extents& x) {
  std::vector<index_t> shape(static_cast<std::size_t>(l.nentries), 1);
  for (int e = 0; e < l.nentries; ++e)
    for (int i = l.entry_begin[e]; i < l.entry_begin[e + 1]; ++i)
      shape[static_cast<std::size_t>(e)] *= x.extent[static_cast<std::size_t>(i)];
  return shape;
}

/// A plan applied to a buffer: the result's refined axes, each with its extent and its signed
/// stride in a contiguous source; `offset` is the source element of result index (0, ..., 0).
/// An axis whose labelled blocks are reordered has a gather table instead of a plain stride:
/// result index j reads source block gather[j].
struct strided_map {
  int rank = 0;
  index_t extent[value::max_atoms]{};
  index_t stride[value::max_atoms]{};
  int gather_count[value::max_atoms]{};
  int gather[value::max_atoms][max_labels]{};
  index_t offset = 0;
  atom_extents source_atoms{};        // extents of the source layout's atoms
  atom_extents target_atoms{};        // extents of the target layout's atoms
  std::vector<index_t> source_shape;  // storage shapes
  std::vector<index_t> target_shape;

  [[nodiscard]] constexpr index_t size() const noexcept {
    index_t n = 1;
    for (int k = 0; k < rank; ++k) n *= extent[static_cast<std::size_t>(k)];
    return n;
  }
  /// The source element of a result index given axis by axis.
  [[nodiscard]] constexpr index_t source_index(const index_t* idx) const noexcept {
    index_t o = offset;
    for (int k = 0; k < rank; ++k)
      o += (gather_count[static_cast<std::size_t>(k)] > 0
                ? gather[static_cast<std::size_t>(k)][static_cast<std::size_t>(idx[k])]
                : idx[k]) *
           stride[static_cast<std::size_t>(k)];
    return o;
  }
};

namespace detail {
/// Does refined atom `r` (of a value::derivation) lie inside layout atom `a`?
[[nodiscard]] constexpr bool lies_in(const value::atom& r, const value::atom& a) noexcept {
  if (r.axis != a.axis || r.unit != a.unit || r.labelled() != a.labelled()) return false;
  if (!value::is_part(a)) return true;  // a whole, unit or labelled atom: its axis appears nowhere else
  return r.stride >= a.stride && (a.extent == dynamic_extent || r.stride < a.stride * a.extent);
}
}  // namespace detail

/// Maps plan `p` (from value::derive(), without error) onto a source whose atoms (of p.from) have the
/// given extents and signed element strides — any view, contiguous or not. An empty source's
/// offset is 0: there is no element to point at. The storage shapes are left empty.
constexpr strided_map map_atoms(const value::derivation& p, const index_t* extent, const index_t* stride) {
  const value::layout& from = *p.from;
  const value::layout& to = *p.to;
  strided_map m;
  m.source_atoms.n = from.natoms;
  bool empty_source = false;
  for (int a = 0; a < from.natoms; ++a) {
    m.source_atoms.extent[static_cast<std::size_t>(a)] = extent[a];
    empty_source = empty_source || extent[a] == 0;
  }
  // A refined atom is a digit of the source atom it lies in: its stride is that atom's stride
  // times the ratio of their radices; a dynamic one has what its atom leaves.
  index_t src_extent[value::max_atoms]{};
  index_t src_stride[value::max_atoms]{};
  for (int r = 0, a = 0; r < p.nsrc; ++r) {
    while (a < from.natoms && !detail::lies_in(p.src[r], from.atoms[a])) ++a;
    const value::atom& x = from.atoms[a];
    // An empty source has no element to reach: its strides do not matter (and may be anything).
    // Otherwise a part of two elements or more reaches an element, so its stride fits; a part of
    // one element may not (its stride does not matter either).
    const auto part_stride = detail::checked_mul(stride[a], p.src[r].stride / x.stride);
    src_stride[r] = empty_source || !part_stride ? 0 : *part_stride;
    if (p.src[r].extent != dynamic_extent) {
      src_extent[r] = p.src[r].extent;
      continue;
    }
    const auto axis_total = detail::checked_mul(extent[a], x.stride);  // the axis extent, counted from x's radix
    if (!axis_total)
      throw shape_error("source: axis " + std::string(x.name()) + " has extent " + detail::int_text(extent[a]) +
                        " blocks of " + detail::int_text(x.stride) +
                        ", more elements than a signed 64-bit integer counts");
    const index_t total = *axis_total;
    if (total % p.src[r].stride != 0)
      throw shape_error("source: axis " + std::string(x.name()) + " has " + detail::int_text(total) +
                        " elements, which blocks of " + detail::int_text(p.src[r].stride) + " do not divide");
    src_extent[r] = total / p.src[r].stride;
  }
  m.rank = p.ndst;
  bool empty = false;
  for (int k = 0; k < p.ndst; ++k) {
    const int r = p.src_of_dst[k];
    m.gather_count[static_cast<std::size_t>(k)] = 0;
    if (r < 0) {  // an inserted unit axis
      m.extent[static_cast<std::size_t>(k)] = 1;
      m.stride[static_cast<std::size_t>(k)] = 0;
      continue;
    }
    m.extent[static_cast<std::size_t>(k)] = src_extent[r];
    m.stride[static_cast<std::size_t>(k)] = src_stride[r];
    empty = empty || src_extent[r] == 0;
    if (p.dst[k].unit && src_extent[r] != 1)  // a whole axis stored as a unit axis by the target
      throw shape_error("source: axis " + std::string(p.dst[k].name()) + " has extent " +
                        detail::int_text(src_extent[r]) + ", but the target stores it as a unit axis (extent 1)");
    if (p.flip[k]) {
      m.offset += (m.extent[static_cast<std::size_t>(k)] - 1) * m.stride[static_cast<std::size_t>(k)];
      m.stride[static_cast<std::size_t>(k)] = -m.stride[static_cast<std::size_t>(k)];
    }
    const value::atom& d = p.dst[k];
    if (d.labelled() && d.label_text() != p.src[r].label_text()) {
      const int n = value::label_count(d.label_text());
      m.gather_count[static_cast<std::size_t>(k)] = n;
      for (int j = 0; j < n; ++j)
        m.gather[static_cast<std::size_t>(k)][static_cast<std::size_t>(j)] =
            value::label_index(p.src[r].label_text(), value::label_at(d.label_text(), j));
    }
  }
  if (empty) m.offset = 0;
  // Extents of the target layout's atoms: the product of the refined atoms they are made of.
  m.target_atoms.n = to.natoms;
  for (int i = 0, k = 0; i < to.natoms; ++i) {
    index_t x = 1;
    for (; k < p.ndst && detail::lies_in(p.dst[k], to.atoms[i]); ++k) x *= m.extent[static_cast<std::size_t>(k)];
    m.target_atoms.extent[static_cast<std::size_t>(i)] = x;
  }
  return m;
}

namespace detail {

/// A converted shape follows NumPy's rule as the source did: its non-zero extents must multiply
/// to fit. (They may not when the source has no element: blocks of a fixed size then count.)
constexpr void check_target_shape(const strided_map& m, const value::layout& to) {
  if (!checked_shape_size(std::span<const index_t>(m.target_shape)))
    throw shape_error("the converted shape " + tuple_text(std::span<const index_t>(m.target_shape)) + " of " +
                      to_string(to) + " holds more elements than a signed 64-bit integer counts (the product of its " +
                      "non-zero extents must fit), although the source shape " +
                      tuple_text(std::span<const index_t>(m.source_shape)) + " does");
}

}  // namespace detail

/// Maps plan `p` (from value::derive(), without error) onto a contiguous source buffer of storage
/// shape `shape`. Throws shape_error when the shape does not fit the source layout, or when the
/// converted shape's element count does not fit.
constexpr strided_map map_plan(const value::derivation& p, std::span<const index_t> shape,
                               std::span<const axis_size> known = {}) {
  const atom_extents x = resolve_extents(*p.from, shape, known, "source");
  // Row-major strides of the source's atoms: storage order is value::atom order, outer first
  // (they fit: resolve_extents checked the atoms' element count).
  index_t stride[value::max_atoms]{};
  static_cast<void>(detail::checked_row_major(std::span<const index_t>(x.extent, static_cast<std::size_t>(x.n)),
                                              std::span<index_t>(stride, static_cast<std::size_t>(x.n))));
  strided_map m = map_atoms(p, x.extent, stride);
  m.source_shape.assign(shape.begin(), shape.end());
  m.target_shape = storage_shape(*p.to, m.target_atoms);
  detail::check_target_shape(m, *p.to);
  return m;
}

/// Copies `src` (contiguous, source layout) into `dst` (contiguous, target layout) one element
/// at a time. The reference the fast paths are tested against.
template <class T>
constexpr void copy_by_index(const strided_map& m, const T* src, T* dst) {
  index_t idx[value::max_atoms]{};
  const index_t n = m.size();
  for (index_t flat = 0; flat < n; ++flat) {
    dst[flat] = src[m.source_index(idx)];
    for (int k = m.rank - 1; k >= 0; --k) {
      if (++idx[static_cast<std::size_t>(k)] < m.extent[static_cast<std::size_t>(k)]) break;
      idx[static_cast<std::size_t>(k)] = 0;
    }
  }
}

}  // namespace axle
