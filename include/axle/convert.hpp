// axle — crossing layouts: zero-copy casts, materialised conversions, streamed conversions.
//
//     tensor_view<const float, torch_conv_transpose> w = ...;
//     kernel(axle::layout_cast<equinox_conv_transpose>(w));   // O(1): permuted and reversed strides
//     auto t = axle::convert<onednn_OIhw16i16o>(w);            // a contiguous tensor<float, To>
//     axle::convert_into(w, dst);                               // into storage that exists
//     axle::convert_into(w, axle::stream_to(to, sink));         // piece by piece, in order
//
// One name per meaning:
// layout_cast<To>(v)  The same elements seen in layout To, when the derived plan needs no copy:
//                     permutations, flips (negative strides), splits of an axis into blocks and
//                     (de)merging of storage dimensions (views keep one stride per atom), merges of
//                     blocked parts that are adjacent in the source. To is a layout or the target
//                     view type (its element type may add const). A plan that needs a copy — a
//                     block reorder (labels<gate, "i,f,g,o"> → "i,o,f,g") or a merge of parts that
//                     are not adjacent (O/16 ... 16o → O) — is one compile error naming the plan:
//                         plan_needs_a_copy<plan<...>, because<reorder<...>>>
//                     Run-time errors (axle::shape_error): an axis whose extent a block size does
//                     not divide; merging parts of a view whose strides do not chain.
// layout_cast(v, to)  The same for a layout value `to` (which must outlive the result): a
//                     dynamic_view.
// convert<To>(v)      A new contiguous tensor<T, To>: any derived plan, blocked layouts and block
//                     reorders included. Sizes a shape cannot tell (G of a merged (G, O)) are given
//                     where the source view is made: tensor_view(ptr, shape, axis_size{"G", 2}).
// convert_into(s, d)  Into a preallocated view, tensor or dynamic_view: its extents must be the
//                     ones the conversion produces, and it must not share memory with the source
//                     (axle::overlap_error). A destination with gaps is written element by element.
// convert_into(s, stream_to(to, sink))
//                     Into a destination written in order, piece by piece (a file): the converted
//                     tensor is materialised in pieces of at most stream_to's piece_bytes, each
//                     handed to sink(const stream_piece<T>&) — its elements, and the source
//                     elements later pieces still read (to release a mapped input). Peak memory is
//                     one piece, whatever the tensor's size.
// materialize(m, src, dst)  The run-time path under all of them, for a strided_map of
//                     <axle/mapping.hpp>.
// materialize_pieces(m, src, sink) / materialize_blocks(m, src, sink)
//                     The same in pieces, in order (streams), or in blocks whose runs carry their
//                     offsets (a file written with pwrite): a block reads a band of the source
//                     once where pieces in order would read each source line several times.
//
// Every source and destination may be a typed view (tensor_view, contiguous_view), a tensor, or a
// view whose layout is known at run time (dynamic_view, <axle/dynamic_view.hpp>). Between typed
// views the plan is derived at compile time (plan_t), and a pair with no plan is a compile error;
// with a run-time layout on either side it is derived at run time (value::derive), and a pair with
// no plan is an axle::layout_error naming both layouts. Either way it is mapped onto the source's
// own extents and strides at run time, so views of views, reversed and permuted sources convert
// like contiguous ones, and the same materialisation runs.
//
// Materialisation is one strided copy of the whole tensor (in parallel on several threads for
// tensors of at least copy_options::parallel_min_bytes, 4 MiB), or, when blocks are reordered, one
// strided copy per block. copy_options{.threads = n} overrides the choice (1: the calling thread
// only). Element types that are not trivially copyable are assigned one by one instead.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "detail/checked.hpp"
#include "detail/strided_copy.hpp"
#include "diagnostics.hpp"
#include "dynamic_view.hpp"
#include "engine/derive.hpp"
#include "errors.hpp"
#include "layout.hpp"
#include "mapping.hpp"
#include "notation.hpp"
#include "plan.hpp"
#include "tensor.hpp"
#include "view.hpp"

namespace axle {

// --- the messages ------------------------------------------------------------------------------

/// `layout_cast<To>(v)` was asked for a plan that no view of the same memory can express: `because`
/// names the step that moves data (a block reorder), or `parts_not_adjacent<A>` the axis whose
/// parts a single stride cannot walk.
/// Fix: copy with `axle::convert<To>(v)` (or `convert_into` a buffer of your own).
template <class Plan, class... Why>
struct plan_needs_a_copy;
/// The reason: the step of the plan that moves data, or the axis whose parts are not adjacent.
template <class... Facts>
struct because {};
template <class Axis>
struct parts_not_adjacent {};

/// How a conversion is materialised.
struct copy_options {
  /// Threads for the copy: 0 chooses (all hardware threads, at most 8, from parallel_min_bytes on;
  /// otherwise the calling thread), 1 keeps it on the calling thread.
  int threads = 0;
  static constexpr std::size_t parallel_min_bytes = std::size_t{4} << 20;
};

namespace detail {

// --- a derived plan, as a view sees it ---------------------------------------------------------

enum class copy_reason : unsigned char { none, reorder, parts_not_adjacent };

/// A derived plan (value::derivation) prepared for views: which refined atoms make up each atom of `to`,
/// and whether the plan is zero-copy. Computed at compile time from derivation<From, To>::value.
struct view_plan {
  const value::derivation* plan = nullptr;
  int target_first[value::max_atoms]{};  // refined target atoms [first, first + count) of each atom of `to`
  int target_count[value::max_atoms]{};
  copy_reason reason = copy_reason::none;
  int reason_atom = -1;  // the atom of `to` that needs a copy
};

[[nodiscard]] constexpr view_plan make_view_plan(const value::derivation& p) noexcept {
  view_plan v;
  v.plan = &p;
  for (int i = 0, k = 0; i < p.to->natoms; ++i) {
    v.target_first[static_cast<std::size_t>(i)] = k;
    while (k < p.ndst && lies_in(p.dst[k], p.to->atoms[i])) ++k;
    v.target_count[static_cast<std::size_t>(i)] = k - v.target_first[static_cast<std::size_t>(i)];
  }
  for (int i = 0; i < p.to->natoms && v.reason == copy_reason::none; ++i)
    for (int k = v.target_first[static_cast<std::size_t>(i)];
         k < v.target_first[static_cast<std::size_t>(i)] + v.target_count[static_cast<std::size_t>(i)]; ++k) {
      const int r = p.src_of_dst[k];
      if (r >= 0 && p.dst[k].labelled() && p.dst[k].label_text() != p.src[r].label_text()) {
        v.reason = copy_reason::reorder;
        v.reason_atom = i;
      }
    }
  // The parts that make up one target atom must be consecutive in the source, outer first (unit
  // atoms between them do not count): then one stride walks them all.
  for (int i = 0; i < p.to->natoms && v.reason == copy_reason::none; ++i)
    for (int k = v.target_first[static_cast<std::size_t>(i)];
         k + 1 < v.target_first[static_cast<std::size_t>(i)] + v.target_count[static_cast<std::size_t>(i)]; ++k) {
      int next = p.src_of_dst[k] + 1;
      while (next < p.nsrc && p.src[next].unit) ++next;
      if (p.src_of_dst[k] < 0 || p.src_of_dst[k + 1] != next) {
        v.reason = copy_reason::parts_not_adjacent;
        v.reason_atom = i;
        break;
      }
    }
  return v;
}

template <class From, class To>
struct plan_on_views {
  static constexpr view_plan value = make_view_plan(derivation<From, To>::value);
};

/// A plan mapped onto a source view with any extents and strides (one per atom of `from`): the
/// core's map_atoms.
constexpr strided_map map_view(const view_plan& v, const index_t* extent, const index_t* stride) {
  return map_atoms(*v.plan, extent, stride);
}

/// The stride of target atom `i` of a zero-copy plan: its parts must chain (outer stride = inner
/// stride × inner extent), which they do on any view that is contiguous across them.
constexpr index_t target_stride(const view_plan& v, const strided_map& m, int i) {
  const int first = v.target_first[static_cast<std::size_t>(i)];
  const int last = first + v.target_count[static_cast<std::size_t>(i)] - 1;
  int base = last;  // the innermost part with more than one element fixes the stride
  while (base > first && m.extent[static_cast<std::size_t>(base)] == 1) --base;
  const index_t s = m.stride[static_cast<std::size_t>(base)];
  index_t expect = s;
  for (int k = base; k >= first; --k) {
    if (m.extent[static_cast<std::size_t>(k)] != 1 && m.stride[static_cast<std::size_t>(k)] != expect &&
        m.target_atoms.extent[static_cast<std::size_t>(i)] != 0)
      throw shape_error("layout_cast: the parts of axis " + std::string(v.plan->to->atoms[i].name()) +
                        " of the result have strides that do not chain in the source view (" +
                        detail::int_text(m.stride[static_cast<std::size_t>(k)]) + ", expected " +
                        detail::int_text(expect) + "); the source is not contiguous there: use axle::convert");
    expect *= m.extent[static_cast<std::size_t>(k)];
  }
  return s;
}

// --- naming the reason a plan needs a copy -----------------------------------------------------

template <class S>
inline constexpr bool is_reorder_step_v = false;
template <class A, class B>
inline constexpr bool is_reorder_step_v<reorder<A, B>> = true;

template <class S, class Axis>
inline constexpr bool merges_parts_of_v = false;
template <class E, class... Ps, class Axis>
inline constexpr bool merges_parts_of_v<merge<E, Ps...>, Axis> =
    ((std::is_same_v<typename atom_traits<Ps>::axis, Axis> ? 1 : 0) + ... + 0) >= 2;

template <class P, template <class> class Pred, class Fallback>
struct first_step;
template <class... Ss, template <class> class Pred, class Fallback>
struct first_step<plan<Ss...>, Pred, Fallback> {
  static constexpr int index() noexcept {
    constexpr bool hits[] = {Pred<Ss>::value..., false};
    for (int i = 0; i < static_cast<int>(sizeof...(Ss)); ++i)
      if (hits[i]) return i;
    return -1;
  }
  template <int I, bool Found = (I >= 0)>
  struct pick {
    using type = type_at_t<type_list<Ss...>, static_cast<std::size_t>(I)>;
  };
  template <int I>
  struct pick<I, false> {
    using type = Fallback;
  };
  using type = typename pick<index()>::type;
};

template <class S>
struct is_reorder_step : std::bool_constant<is_reorder_step_v<S>> {};
template <class Axis>
struct merges_parts_of {
  template <class S>
  struct test : std::bool_constant<merges_parts_of_v<S, Axis>> {};
};

/// Why plan_t<From, To> cannot be a view: `because<the step>`.
template <class From, class To>
struct copy_diagnostic {
  static constexpr view_plan v = plan_on_views<From, To>::value;
  using plan_type = plan_t<From, To>;
  using axis = axis_at_t<To, v.reason_atom>;
  static constexpr auto pick() noexcept {
    if constexpr (v.reason == copy_reason::reorder)
      return type_identity<typename first_step<plan_type, is_reorder_step, parts_not_adjacent<axis>>::type>{};
    else
      return type_identity<
          typename first_step<plan_type, merges_parts_of<axis>::template test, parts_not_adjacent<axis>>::type>{};
  }
  using type = plan_needs_a_copy<plan_type, because<typename decltype(pick())::type>>;
};

/// Is there a plan from From to To? When not, report_failure() raises plan_t's diagnostic (once).
template <class From, class To, bool Derivable = all_valid_v<From, To>&& derivation<From, To>::ok>
struct derivable {
  static constexpr bool value = true;
};
template <class From, class To>
struct derivable<From, To, false> {
  static constexpr bool value = false;
  static constexpr bool report_failure() noexcept { return std::is_same_v<plan_t<From, To>, plan_t<From, To>>; }
};

/// Is there a zero-copy plan from From to To? Reports why not (once) when asked to.
template <class From, class To, bool Derivable = all_valid_v<From, To>&& derivation<From, To>::ok>
struct zero_copy {
  static constexpr bool value = plan_on_views<From, To>::value.reason == copy_reason::none;
  static constexpr bool report_failure() noexcept {
    if constexpr (!value) return report<typename copy_diagnostic<From, To>::type>::value;
    return true;
  }
};
/// No plan at all: the derivation's own diagnostic.
template <class From, class To>
struct zero_copy<From, To, false> : derivable<From, To, false> {};

// --- materialisation ---------------------------------------------------------------------------

inline int copy_threads(std::size_t bytes, const copy_options& o) noexcept {
  if (o.threads > 0) return o.threads;
  if (bytes < copy_options::parallel_min_bytes) return 1;
  const unsigned hw = std::thread::hardware_concurrency();
  return static_cast<int>(std::clamp(hw, 1u, 8u));
}

/// strided_copy for any rank up to value::max_atoms: size-1 axes are dropped and axes contiguous in the
/// source merged first; what is still above the kernel's max_rank is looped over here.
template <class T>
void strided_copy_any(T* dst, const T* src, int rank, const index_t* extent, const index_t* stride, int threads) {
  index_t e[value::max_atoms]{};
  index_t s[value::max_atoms]{};
  int n = 0;
  for (int k = 0; k < rank; ++k) {
    if (extent[k] == 0) return;
    if (extent[k] == 1) continue;
    if (n > 0 && s[static_cast<std::size_t>(n - 1)] ==
                     stride[k] * extent[k]) {  // the destination is row-major: only the source decides
      e[static_cast<std::size_t>(n - 1)] *= extent[k];
      s[static_cast<std::size_t>(n - 1)] = stride[k];
      continue;
    }
    e[static_cast<std::size_t>(n)] = extent[k];
    s[static_cast<std::size_t>(n)] = stride[k];
    ++n;
  }
  if (n == 0) {
    *dst = *src;
    return;
  }
  if (n > max_rank) {
    index_t inner = 1;
    for (int k = 1; k < n; ++k) inner *= e[static_cast<std::size_t>(k)];
    for (index_t i = 0; i < e[0]; ++i) strided_copy_any(dst + i * inner, src + i * s[0], n - 1, &e[1], &s[1], threads);
    return;
  }
  if (threads > 1)
    strided_copy_parallel(dst, src, n, e, s, threads);
  else
    strided_copy(dst, src, n, e, s);
}

/// Copies the axes [first, m.rank) of `m` from `src` (the element of index 0) into the contiguous
/// row-major `dst`. A gathered axis (reordered blocks) is unrolled: one strided copy per block.
template <class T>
void copy_axes(T* dst, const T* src, const strided_map& m, int first, int threads) {
  int g = first;
  while (g < m.rank && m.gather_count[static_cast<std::size_t>(g)] == 0) ++g;
  if (g == m.rank) {
    strided_copy_any(dst, src, m.rank - first, &m.extent[static_cast<std::size_t>(first)],
                     &m.stride[static_cast<std::size_t>(first)], threads);
    return;
  }
  index_t inner = 1;
  for (int k = g + 1; k < m.rank; ++k) inner *= m.extent[static_cast<std::size_t>(k)];
  index_t outer = 1;
  for (int k = first; k < g; ++k) outer *= m.extent[static_cast<std::size_t>(k)];
  if (inner == 0 || outer == 0 || m.extent[static_cast<std::size_t>(g)] == 0) return;
  std::array<index_t, value::max_atoms> idx{};
  index_t offset = 0;
  for (index_t f = 0; f < outer; ++f) {
    for (index_t j = 0; j < m.extent[static_cast<std::size_t>(g)]; ++j)
      copy_axes(dst + (f * m.extent[static_cast<std::size_t>(g)] + j) * inner,
                src + offset +
                    m.gather[static_cast<std::size_t>(g)][static_cast<std::size_t>(j)] *
                        m.stride[static_cast<std::size_t>(g)],
                m, g + 1, threads);
    for (int k = g - 1; k >= first; --k) {
      offset += m.stride[static_cast<std::size_t>(k)];
      if (++idx[static_cast<std::size_t>(k)] < m.extent[static_cast<std::size_t>(k)]) break;
      offset -= m.stride[static_cast<std::size_t>(k)] * m.extent[static_cast<std::size_t>(k)];
      idx[static_cast<std::size_t>(k)] = 0;
    }
  }
}

/// The slow path, for destinations with gaps: element by element.
template <class T>
void copy_elementwise(T* dst, const index_t* dst_stride, const T* src, const strided_map& m) {
  const index_t n = m.size();
  index_t idx[value::max_atoms]{};
  index_t d = 0;
  for (index_t flat = 0; flat < n; ++flat) {
    dst[d] = src[m.source_index(idx) - m.offset];
    for (int k = m.rank - 1; k >= 0; --k) {
      d += dst_stride[k];
      if (++idx[static_cast<std::size_t>(k)] < m.extent[static_cast<std::size_t>(k)]) break;
      d -= dst_stride[k] * m.extent[static_cast<std::size_t>(k)];
      idx[static_cast<std::size_t>(k)] = 0;
    }
  }
}

/// Copies the plan `m` from `src` (the element of index 0) into `dst`, whose refined axes have the
/// strides `dst_stride` (any signs, any order). Destinations that are a permutation of contiguous
/// storage (a plan view of a tensor) are reordered to row-major and copied by the kernel.
template <class T>
void copy_plan(T* dst, const index_t* dst_stride, const T* src, const strided_map& m, int threads);

/// copy_plan for any element type: the kernel copies bytes, other types are assigned one by one.
template <class T>
void copy_plan_any(T* dst, const index_t* dst_stride, const T* src, const strided_map& m, int threads) {
  if (m.size() == 0) return;
  if constexpr (std::is_trivially_copyable_v<T>)
    copy_plan(dst, dst_stride, src, m, threads);
  else
    copy_elementwise(dst, dst_stride, src, m);
}

template <class T>
void copy_plan(T* dst, const index_t* dst_stride, const T* src, const strided_map& m, int threads) {
  if (m.size() == 0) return;
  strided_map q;  // the problem with the destination's axes sorted outermost first
  index_t ds[value::max_atoms]{};
  int order[value::max_atoms]{};
  int n = 0;
  for (int k = 0; k < m.rank; ++k) {
    if (m.extent[static_cast<std::size_t>(k)] == 1) {
      if (m.gather_count[static_cast<std::size_t>(k)] > 0)
        src += m.gather[static_cast<std::size_t>(k)][0] * m.stride[static_cast<std::size_t>(k)];
      continue;
    }
    order[static_cast<std::size_t>(n++)] = k;
  }
  std::stable_sort(order, order + n, [&](int a, int b) {
    const index_t x = dst_stride[a] < 0 ? -dst_stride[a] : dst_stride[a];
    const index_t y = dst_stride[b] < 0 ? -dst_stride[b] : dst_stride[b];
    return x > y;
  });
  q.rank = n;
  for (int j = 0; j < n; ++j) {
    const int k = order[static_cast<std::size_t>(j)];
    q.extent[static_cast<std::size_t>(j)] = m.extent[static_cast<std::size_t>(k)];
    q.stride[static_cast<std::size_t>(j)] = m.stride[static_cast<std::size_t>(k)];
    q.gather_count[static_cast<std::size_t>(j)] = m.gather_count[static_cast<std::size_t>(k)];
    std::copy_n(m.gather[static_cast<std::size_t>(k)], max_labels, q.gather[static_cast<std::size_t>(j)]);
    ds[static_cast<std::size_t>(j)] = dst_stride[k];
    if (ds[static_cast<std::size_t>(j)] < 0) {  // walk the destination forwards, the source backwards
      dst += (q.extent[static_cast<std::size_t>(j)] - 1) * ds[static_cast<std::size_t>(j)];
      ds[static_cast<std::size_t>(j)] = -ds[static_cast<std::size_t>(j)];
      if (q.gather_count[static_cast<std::size_t>(j)] > 0) {
        std::reverse(q.gather[static_cast<std::size_t>(j)],
                     q.gather[static_cast<std::size_t>(j)] + q.gather_count[static_cast<std::size_t>(j)]);
      } else {
        src += (q.extent[static_cast<std::size_t>(j)] - 1) * q.stride[static_cast<std::size_t>(j)];
        q.stride[static_cast<std::size_t>(j)] = -q.stride[static_cast<std::size_t>(j)];
      }
    }
  }
  bool row_major = true;
  index_t expect = 1;
  for (int j = n - 1; j >= 0; --j) {
    row_major = row_major && ds[static_cast<std::size_t>(j)] == expect;
    expect *= q.extent[static_cast<std::size_t>(j)];
  }
  if (row_major)
    copy_axes(dst, src, q, 0, threads);
  else
    copy_elementwise(dst, ds, src, q);
}

// --- any view, as the run-time core sees it ----------------------------------------------------

/// A view's element pointer, layout value, and extent and stride per atom.
template <class T>
struct erased_view {
  T* data = nullptr;
  const value::layout* layout = nullptr;
  std::array<index_t, value::max_atoms> extent{};
  std::array<index_t, value::max_atoms> stride{};
  std::size_t atoms = 0;

  [[nodiscard]] index_t size() const noexcept {
    index_t n = 1;
    for (std::size_t k = 0; k < atoms; ++k) n *= extent[k];
    return n;
  }
};

template <class T, class L, class E, class P>
constexpr erased_view<T> erase(const tensor_view<T, L, E, P>& v) noexcept {
  erased_view<T> r{v.data(), &value::of<L>(), {}, {}, v.atom_count()};
  for (std::size_t k = 0; k < r.atoms; ++k) {
    r.extent[k] = v.extent(k);
    r.stride[k] = v.stride(k);
  }
  return r;
}
template <class T>
erased_view<T> erase(const dynamic_view<T>& v) noexcept {
  erased_view<T> r{v.data(), &v.layout(), {}, {}, v.atom_count()};
  for (std::size_t k = 0; k < r.atoms; ++k) {
    r.extent[k] = v.extent(k);
    r.stride[k] = v.stride(k);
  }
  return r;
}

/// [lowest, highest] byte addresses a view touches (its sizes were checked where it was made).
template <class T>
std::pair<std::uintptr_t, std::uintptr_t> byte_span(const erased_view<T>& v) noexcept {
  index_t lo = 0;
  index_t hi = 0;
  for (std::size_t k = 0; k < v.atoms; ++k) {
    const index_t reach = (v.extent[k] - 1) * v.stride[k];
    (reach < 0 ? lo : hi) += reach;
  }
  const auto base = reinterpret_cast<std::uintptr_t>(v.data);
  const auto item = static_cast<index_t>(sizeof(T));
  return {base + static_cast<std::uintptr_t>(lo * item), base + static_cast<std::uintptr_t>(hi * item) + sizeof(T) - 1};
}

inline std::string address_text(std::uintptr_t a) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(a));
  return buf;
}

template <class X>
struct view_like : std::false_type {};
template <class T, class L, class E, class P>
struct view_like<tensor_view<T, L, E, P>> : std::true_type {
  using view = tensor_view<T, L, E, P>;
  static constexpr bool typed = true;
};
template <class T, class L, class E>
struct view_like<tensor<T, L, E>> : std::true_type {
  using view = typename tensor<T, L, E>::view_type;
  static constexpr bool typed = true;
};
template <class T, class L, class E>
struct view_like<const tensor<T, L, E>> : std::true_type {
  using view = typename tensor<T, L, E>::const_view_type;
  static constexpr bool typed = true;
};
template <class T>
struct view_like<dynamic_view<T>> : std::true_type {
  using view = dynamic_view<T>;
  static constexpr bool typed = false;
};
template <class V>
requires(!is_tensor<V>::value) struct view_like<const V> : view_like<V> {
};

/// A view, a tensor or a dynamic_view.
template <class X>
concept tensor_like = view_like<std::remove_reference_t<X>>::value;

template <class X>
using view_of_t = typename view_like<std::remove_reference_t<X>>::view;
template <class X>
inline constexpr bool typed_v = view_like<std::remove_reference_t<X>>::typed;

/// A plan derived at run time, prepared for views (it refers to its own derivation: not copyable).
class run_time_plan {
 public:
  run_time_plan(const value::layout& from, const value::layout& to, std::string_view what)
      : derivation_(value::derive(from, to)), view_(make_view_plan(derivation_)) {
    if (derivation_.error)
      throw layout_error(std::string(what) + ": no conversion from layout " + to_string(from) + " to layout " +
                         to_string(to));
  }
  run_time_plan(const run_time_plan&) = delete;
  run_time_plan& operator=(const run_time_plan&) = delete;
  [[nodiscard]] const view_plan& view() const noexcept { return view_; }

 private:
  value::derivation derivation_;
  view_plan view_;
};

/// The layout, extents and strides of a zero-copy plan view of `s` (view_plan without a copy reason).
template <class T>
erased_view<T> plan_view(const view_plan& p, const erased_view<T>& s) {
  const strided_map m = map_view(p, s.extent.data(), s.stride.data());
  erased_view<T> r{s.data + m.offset, p.plan->to, {}, {}, static_cast<std::size_t>(p.plan->to->natoms)};
  for (std::size_t i = 0; i < r.atoms; ++i) {
    r.extent[i] = m.target_atoms.extent[i];
    r.stride[i] = target_stride(p, m, static_cast<int>(i));
  }
  return r;
}

[[noreturn]] inline void needs_a_copy(const view_plan& p) {
  const value::atom& a = p.plan->to->atoms[p.reason_atom];
  throw layout_error("layout_cast: the plan " + to_string(value::normal_form(*p.plan)) + " from " +
                     to_string(*p.plan->from) + " to " + to_string(*p.plan->to) + " needs a copy (" +
                     (p.reason == copy_reason::reorder
                          ? "its blocks of " + std::string(a.name()) + " are reordered"
                          : "the parts of " + std::string(a.name()) + " are not adjacent") +
                     "): use axle::convert");
}

/// The typed zero-copy view of `v` in layout To.
template <layout_type To, class T, layout_type From, class E, class P>
[[nodiscard]] constexpr tensor_view<T, To> cast_view(const tensor_view<T, From, E, P>& v) {
  if constexpr (!zero_copy<From, To>::value) {
    static_cast<void>(zero_copy<From, To>::report_failure());
    return {};
  } else {
    constexpr const view_plan& p = plan_on_views<From, To>::value;
    std::array<index_t, tensor_view<T, From, E, P>::atom_count()> ext{};
    for (std::size_t k = 0; k < ext.size(); ++k) ext[k] = v.extent(k);
    const strided_map m = map_view(p, ext.data(), v.strides().data());
    constexpr std::size_t n = tensor_view<T, To>::atom_count();
    std::array<index_t, n> extent{};
    std::array<index_t, n> stride{};
    for (std::size_t i = 0; i < n; ++i) {
      extent[i] = m.target_atoms.extent[i];
      stride[i] = target_stride(p, m, static_cast<int>(i));
    }
    return tensor_view<T, To>(v.data() + m.offset, typename tensor_view<T, To>::extents_type(extent), stride);
  }
}
template <layout_type To, class T>
[[nodiscard]] tensor_view<T, To> cast_view(const dynamic_view<T>& v) {
  const run_time_plan rp(v.layout(), value::of<To>(), "layout_cast");
  if (rp.view().reason != copy_reason::none) needs_a_copy(rp.view());
  const erased_view<T> r = plan_view(rp.view(), erase(v));
  std::array<index_t, tensor_view<T, To>::atom_count()> extent{};
  std::array<index_t, tensor_view<T, To>::atom_count()> stride{};
  for (std::size_t i = 0; i < extent.size(); ++i) {
    extent[i] = r.extent[i];
    stride[i] = r.stride[i];
  }
  return tensor_view<T, To>(r.data, typename tensor_view<T, To>::extents_type(extent), stride);
}

/// convert_into's work, whatever the kinds of views: plan `p` from `s` into `d`.
template <class T>
void convert_core(const view_plan& p, const erased_view<const T>& s, const erased_view<T>& d,
                  const copy_options& options) {
  const strided_map m = map_view(p, s.extent.data(), s.stride.data());
  for (std::size_t i = 0; i < d.atoms; ++i)
    if (m.target_atoms.extent[i] != d.extent[i]) {
      const std::span<const index_t> produced(m.target_atoms.extent, d.atoms);
      throw shape_error("convert_into: destination axis " + atom_text(p.plan->to->atoms[i]) + " has extent " +
                        int_text(d.extent[i]) + ", but the conversion gives " + int_text(m.target_atoms.extent[i]) +
                        ": the source " + to_string(*p.plan->from) + " with extents " +
                        tuple_text(std::span<const index_t>(s.extent.data(), s.atoms)) + " converts to " +
                        to_string(*p.plan->to) + " with extents " + tuple_text(produced) + ", the destination has " +
                        tuple_text(std::span<const index_t>(d.extent.data(), d.atoms)));
    }
  if (s.size() == 0) return;
  const auto a = byte_span(s);
  const auto b = byte_span(d);
  if (a.first <= b.second && b.first <= a.second)
    throw overlap_error("convert_into: the destination (" + int_text(d.size()) + " elements, bytes " +
                        address_text(b.first) + "-" + address_text(b.second) + ") overlaps the source (" +
                        int_text(s.size()) + " elements, bytes " + address_text(a.first) + "-" +
                        address_text(a.second) + "): a conversion cannot run in place; convert into separate storage");
  // Strides of the destination's refined atoms: the parts of an atom split its stride.
  std::array<index_t, value::max_atoms> dst_stride{};
  for (std::size_t i = 0; i < d.atoms; ++i) {
    index_t stride = d.stride[i];
    for (int k = p.target_first[i] + p.target_count[i] - 1; k >= p.target_first[i]; --k) {
      dst_stride[static_cast<std::size_t>(k)] = stride;
      stride *= m.extent[static_cast<std::size_t>(k)];
    }
  }
  const int threads = copy_threads(static_cast<std::size_t>(s.size()) * sizeof(T), options);
  copy_plan_any(d.data, dst_stride.data(), s.data + m.offset, m, threads);
}

/// Copies what `m` reads from `src` (its element 0; m.offset is added here) into the contiguous `dst`.
template <class T>
void materialize_any(const strided_map& m, const T* src, T* dst, int threads) {
  if (m.size() == 0) return;
  if constexpr (std::is_trivially_copyable_v<T>) {
    copy_axes(dst, src + m.offset, m, 0, threads);
  } else {
    std::array<index_t, value::max_atoms> row_major{};
    index_t n = 1;
    for (int k = m.rank - 1; k >= 0; --k) {
      row_major[static_cast<std::size_t>(k)] = n;
      n *= m.extent[static_cast<std::size_t>(k)];
    }
    copy_elementwise(dst, row_major.data(), src + m.offset, m);
  }
}

}  // namespace detail

// --- materialisation ---------------------------------------------------------------------------

/// Writes what map `m` (axle::map_plan) reads from the contiguous source buffer `src` (its element
/// 0: `m.offset` is added here) into `dst`, contiguous in the target layout: the path every
/// contiguous conversion takes, one strided copy per block of reordered labels, in parallel for
/// large tensors. Elements are copied as they are (any trivially copyable T); the two buffers must
/// not overlap. copy_by_index (<axle/mapping.hpp>) is the element-by-element reference.
template <class T>
void materialize(const strided_map& m, const T* src, T* dst, const copy_options& options = {}) {
  static_assert(std::is_trivially_copyable_v<T>, "axle::materialize copies elements as bytes");
  if (m.size() == 0) return;
  detail::copy_axes(dst, src + m.offset, m, 0,
                    detail::copy_threads(static_cast<std::size_t>(m.size()) * sizeof(T), options));
}

// --- zero-copy casts ---------------------------------------------------------------------------

/// The same elements seen in layout To: O(1), no copy (see the header for what that allows). To is
/// a layout or the target view type (its element type may add const); `v` a view, a tensor (not a
/// temporary one: the view would dangle) or a dynamic_view (then the plan is checked at run time:
/// axle::layout_error when it needs a copy).
template <class To, detail::tensor_like V>
[[nodiscard]] constexpr auto layout_cast(V&& v) {
  static_assert(!(detail::is_tensor<std::remove_cvref_t<V>>::value && std::is_rvalue_reference_v<V&&>),
                "axle::layout_cast: a view of a temporary tensor would dangle");
  using source = detail::view_of_t<V>;
  if constexpr (layout_type<To>) {
    return detail::cast_view<To>(source(v));
  } else {
    static_assert(detail::is_tensor_view<To>::value, "axle::layout_cast<To>: To is a layout or a tensor_view type");
    return To(detail::cast_view<typename To::layout_type>(source(v)));
  }
}

/// The same elements seen in the layout value `to`, which must outlive the result: a dynamic_view.
template <detail::tensor_like V>
[[nodiscard]] auto layout_cast(V&& v, const value::layout& to) {
  static_assert(!(detail::is_tensor<std::remove_cvref_t<V>>::value && std::is_rvalue_reference_v<V&&>),
                "axle::layout_cast: a view of a temporary tensor would dangle");
  using source = detail::view_of_t<V>;
  using T = typename source::element_type;
  const auto s = detail::erase(source(v));
  const detail::run_time_plan rp(*s.layout, to, "layout_cast");
  if (rp.view().reason != detail::copy_reason::none) detail::needs_a_copy(rp.view());
  const detail::erased_view<T> r = detail::plan_view(rp.view(), s);
  return dynamic_view<T>(r.data, to, std::span<const index_t>(r.extent.data(), r.atoms),
                         std::span<const index_t>(r.stride.data(), r.atoms));
}
template <detail::tensor_like V>
void layout_cast(V&& v, const value::layout&& to) = delete;  // the result would refer to a dead layout

// --- materialised conversions ------------------------------------------------------------------

/// Copies `src` into `dst`, a view, tensor or dynamic_view holding the extents the conversion
/// produces, not sharing memory with `src`.
template <detail::tensor_like Src, detail::tensor_like Dst>
void convert_into(const Src& src, Dst&& dst, copy_options options = {}) {
  using S = detail::view_of_t<const Src&>;
  using D = detail::view_of_t<Dst>;
  using V = typename S::value_type;
  static_assert(!std::is_const_v<typename D::element_type>,
                "axle::convert_into: the destination is a view of const elements");
  static_assert(std::is_same_v<V, typename D::value_type>,
                "axle::convert_into: source and destination hold different element types");
  const S s(src);
  const D d(dst);
  if constexpr (detail::typed_v<S> && detail::typed_v<D>) {
    using From = typename S::layout_type;
    using To = typename D::layout_type;
    if constexpr (!detail::derivable<From, To>::value) {
      static_cast<void>(detail::derivable<From, To>::report_failure());
    } else {
      detail::convert_core<V>(detail::plan_on_views<From, To>::value, detail::erase(dynamic_view<const V>(s)),
                              detail::erase(d), options);
    }
  } else {
    const auto from = detail::erase(dynamic_view<const V>(s));
    const auto to = detail::erase(d);
    const detail::run_time_plan rp(*from.layout, *to.layout, "convert_into");
    detail::convert_core<V>(rp.view(), from, to, options);
  }
}

/// A new contiguous tensor of layout To holding `src` converted.
template <layout_type To, detail::tensor_like Src>
[[nodiscard]] auto convert(const Src& src, copy_options options = {}) {
  using S = detail::view_of_t<const Src&>;
  using V = typename S::value_type;
  const S s(src);
  auto run = [&](const detail::view_plan& p) {
    const auto e = detail::erase(dynamic_view<const V>(s));
    const strided_map m = detail::map_view(p, e.extent.data(), e.stride.data());
    std::array<index_t, tensor<V, To>::atom_count()> extent{};
    for (std::size_t i = 0; i < extent.size(); ++i) extent[i] = m.target_atoms.extent[i];
    tensor<V, To> dst(typename tensor<V, To>::extents_type(extent), uninitialized);
    detail::materialize_any(m, e.data, dst.data(),
                            detail::copy_threads(static_cast<std::size_t>(m.size()) * sizeof(V), options));
    return dst;
  };
  if constexpr (detail::typed_v<S>) {
    using From = typename S::layout_type;
    if constexpr (!detail::derivable<From, To>::value) {
      static_cast<void>(detail::derivable<From, To>::report_failure());
      return tensor<V, To>{};
    } else {
      return run(detail::plan_on_views<From, To>::value);
    }
  } else {
    const detail::run_time_plan rp(s.layout(), value::of<To>(), "convert");
    return run(rp.view());
  }
}

// --- streamed conversions ----------------------------------------------------------------------

/// One piece of a streamed conversion: the next elements of the converted tensor, in its storage
/// order, and the source elements (offsets from the source view's data(), [begin, end)) that
/// the pieces after this one still read — empty after the last piece.
template <class T>
struct stream_piece {
  std::span<const T> elements;
  index_t source_begin = 0;
  index_t source_end = 0;
};

/// A destination written in order, piece by piece: the layout it receives, the sink
/// (`sink(const stream_piece<T>&)`) and the largest piece, in bytes. Made by stream_to.
template <class Sink>
class stream_destination {
 public:
  static constexpr std::size_t default_piece_bytes = std::size_t{16} << 20;
  stream_destination(const value::layout& to, Sink sink, std::size_t piece_bytes)
      : to_(&to), sink_(std::move(sink)), piece_bytes_(piece_bytes) {}
  [[nodiscard]] const value::layout& layout() const noexcept { return *to_; }
  [[nodiscard]] Sink& sink() noexcept { return sink_; }
  [[nodiscard]] std::size_t piece_bytes() const noexcept { return piece_bytes_; }

 private:
  const value::layout* to_;
  Sink sink_;
  std::size_t piece_bytes_;
};

/// A streamed destination in the layout value `to` (which must outlive it).
template <class Sink>
[[nodiscard]] stream_destination<std::decay_t<Sink>> stream_to(
    const value::layout& to, Sink&& sink,
    std::size_t piece_bytes = stream_destination<std::decay_t<Sink>>::default_piece_bytes) {
  return {to, std::forward<Sink>(sink), piece_bytes};
}
template <class Sink>
void stream_to(const value::layout&& to, Sink&& sink, std::size_t piece_bytes = 0) = delete;  // would dangle
/// A streamed destination in layout To.
template <layout_type To, class Sink>
[[nodiscard]] stream_destination<std::decay_t<Sink>> stream_to(
    Sink&& sink, std::size_t piece_bytes = stream_destination<std::decay_t<Sink>>::default_piece_bytes) {
  return {value::of<To>(), std::forward<Sink>(sink), piece_bytes};
}

namespace detail {

/// The pieces of `m`, in the target's storage order: ranges along one axis j of the refined target
/// axes, the axes before it fixed, the axes after it whole; j is the outermost axis whose inner
/// block fits in `max_elements`. `fn(piece map, elements)` is called for each.
template <class Fn>
void for_each_piece(const strided_map& m, index_t max_elements, Fn&& fn) {
  if (m.size() == 0) return;
  std::array<index_t, value::max_atoms + 1> inner{};  // elements of the axes after k
  inner[static_cast<std::size_t>(m.rank)] = 1;
  for (int k = m.rank; k-- > 0;)
    inner[static_cast<std::size_t>(k)] = inner[static_cast<std::size_t>(k) + 1] * m.extent[static_cast<std::size_t>(k)];
  if (m.rank == 0) {
    fn(m, index_t{1});
    return;
  }
  int j = 0;
  while (inner[static_cast<std::size_t>(j) + 1] > max_elements) ++j;  // inner[rank] = 1 fits
  const index_t block = inner[static_cast<std::size_t>(j) + 1];
  const index_t len = std::max<index_t>(1, max_elements / block);
  strided_map q;
  q.rank = m.rank - j;
  for (int k = j; k < m.rank; ++k) {
    q.extent[static_cast<std::size_t>(k - j)] = m.extent[static_cast<std::size_t>(k)];
    q.stride[static_cast<std::size_t>(k - j)] = m.stride[static_cast<std::size_t>(k)];
    q.gather_count[static_cast<std::size_t>(k - j)] = m.gather_count[static_cast<std::size_t>(k)];
    std::copy_n(m.gather[static_cast<std::size_t>(k)], max_labels, q.gather[static_cast<std::size_t>(k - j)]);
  }
  std::array<index_t, value::max_atoms> idx{};  // the fixed axes before j
  for (;;) {
    index_t base = m.offset;
    for (int k = 0; k < j; ++k) {
      const auto i = static_cast<std::size_t>(k);
      base += (m.gather_count[i] > 0 ? m.gather[i][static_cast<std::size_t>(idx[i])] : idx[i]) * m.stride[i];
    }
    for (index_t a = 0; a < m.extent[static_cast<std::size_t>(j)]; a += len) {
      const index_t n = std::min(len, m.extent[static_cast<std::size_t>(j)] - a);
      q.extent[0] = n;
      if (m.gather_count[static_cast<std::size_t>(j)] > 0) {
        q.gather_count[0] = static_cast<int>(n);
        for (index_t t = 0; t < n; ++t)
          q.gather[0][static_cast<std::size_t>(t)] =
              m.gather[static_cast<std::size_t>(j)][static_cast<std::size_t>(a + t)];
        q.offset = base;
      } else {
        q.offset = base + a * m.stride[static_cast<std::size_t>(j)];
      }
      fn(static_cast<const strided_map&>(q), n * block);
    }
    int k = j - 1;
    for (; k >= 0; --k) {
      if (++idx[static_cast<std::size_t>(k)] < m.extent[static_cast<std::size_t>(k)]) break;
      idx[static_cast<std::size_t>(k)] = 0;
    }
    if (k < 0) return;
  }
}

/// The lowest and highest source offsets a piece reads.
inline std::pair<index_t, index_t> footprint(const strided_map& q) noexcept {
  index_t lo = q.offset;
  index_t hi = q.offset;
  for (int k = 0; k < q.rank; ++k) {
    if (q.gather_count[static_cast<std::size_t>(k)] > 0) {
      index_t a = q.gather[static_cast<std::size_t>(k)][0] * q.stride[static_cast<std::size_t>(k)];
      index_t b = a;
      for (int t = 1; t < q.gather_count[static_cast<std::size_t>(k)]; ++t) {
        a = std::min(a, q.gather[static_cast<std::size_t>(k)][static_cast<std::size_t>(t)] *
                            q.stride[static_cast<std::size_t>(k)]);
        b = std::max(b, q.gather[static_cast<std::size_t>(k)][static_cast<std::size_t>(t)] *
                            q.stride[static_cast<std::size_t>(k)]);
      }
      lo += a;
      hi += b;
    } else {
      const index_t reach = (q.extent[static_cast<std::size_t>(k)] - 1) * q.stride[static_cast<std::size_t>(k)];
      (reach < 0 ? lo : hi) += reach;
    }
  }
  return {lo, hi};
}

/// Footprints of pieces made in turn, each widened to the hull of its own and every later one's:
/// what is still read from each piece on.
inline void suffix_hulls(std::vector<std::pair<index_t, index_t>>& footprints) noexcept {
  for (std::size_t c = footprints.size(); c-- > 1;) {
    footprints[c - 1].first = std::min(footprints[c - 1].first, footprints[c].first);
    footprints[c - 1].second = std::max(footprints[c - 1].second, footprints[c].second);
  }
}

}  // namespace detail

/// Writes what map `m` reads from the contiguous source `src` (its element 0: `m.offset` is added
/// here) in pieces of at most `piece_bytes`, in the target's storage order: `sink(const
/// stream_piece<T>&)` receives each piece before the next is made, with the source elements the
/// later pieces still read. Peak memory is one piece. The path of every streamed conversion.
template <class T, class Sink>
void materialize_pieces(const strided_map& m, const T* src, Sink&& sink,
                        std::size_t piece_bytes = stream_destination<std::decay_t<Sink>>::default_piece_bytes,
                        copy_options options = {}) {
  if (m.size() == 0) return;
  const index_t max_elements = std::max<index_t>(1, static_cast<index_t>(piece_bytes / sizeof(T)));
  // What the pieces after each one still read: the suffix hull of their footprints.
  std::vector<std::pair<index_t, index_t>> later;
  detail::for_each_piece(m, max_elements,
                         [&](const strided_map& q, index_t) { later.push_back(detail::footprint(q)); });
  detail::suffix_hulls(later);
  const index_t buffer_elements = std::min<index_t>(max_elements, m.size());
  const auto buffer = std::make_unique_for_overwrite<std::remove_const_t<T>[]>(static_cast<std::size_t>(buffer_elements));
  std::size_t c = 0;
  detail::for_each_piece(m, max_elements, [&](const strided_map& q, index_t n) {
    detail::materialize_any(q, src, buffer.get(), detail::copy_threads(static_cast<std::size_t>(n) * sizeof(T), options));
    stream_piece<std::remove_const_t<T>> piece{std::span<const std::remove_const_t<T>>(buffer.get(), static_cast<std::size_t>(n)), 0, 0};
    if (++c < later.size()) {
      piece.source_begin = later[c].first;
      piece.source_end = later[c].second + 1;
    }
    sink(static_cast<const stream_piece<std::remove_const_t<T>>&>(piece));
  });
}

/// One piece of a conversion written in place: a run of the converted tensor's elements, the
/// offset of its first in the tensor's storage order, and the source elements (offsets from the
/// source's element 0, [begin, end)) that later pieces still read — empty after the last.
template <class T>
struct placed_piece {
  index_t offset = 0;
  std::span<const T> elements;
  index_t source_begin = 0;
  index_t source_end = 0;
};

namespace detail {

/// How materialize_blocks cuts a conversion: every element whose index on target axis `axis` lies
/// in a range of `step` indices; such a block is `outer` runs of `step * inner` elements.
struct block_split {
  int axis = -1;
  index_t step = 0;
  index_t outer = 1;  // the product of the extents before `axis`
  index_t inner = 1;  // the product of the extents after it
};

/// The axis to cut along: among the axes whose runs, in a block of at most `max_elements`, are at
/// least `min_run` elements long and that are not gathered, the one the source strides over
/// farthest (so a block reads a band of the source, whole cache lines). None (axis -1) when
/// pieces in order read whole lines already — the axes a piece fixes (those before the one
/// pieces are cut along) all step through the source by a line (`line` elements) or more, and
/// pieces then also free the source as they go — when the whole conversion fits one block, or
/// when no axis qualifies.
[[nodiscard]] inline block_split choose_blocks(const strided_map& m, index_t max_elements, index_t min_run, index_t line) noexcept {
  block_split best;
  const index_t total = m.size();
  if (total <= max_elements) return best;
  bool partial_lines = false;
  index_t after = total;  // the elements of the axes after k
  for (int k = 0; k < m.rank; ++k) {
    const auto ax = static_cast<std::size_t>(k);
    after /= m.extent[ax];
    if (after <= max_elements) break;  // pieces are cut along k; the axes before it are fixed
    const index_t stride = m.stride[ax] < 0 ? -m.stride[ax] : m.stride[ax];
    if (m.gather_count[ax] == 0 && m.extent[ax] > 1 && stride < line) partial_lines = true;
  }
  if (!partial_lines) return best;
  index_t best_stride = -1;
  index_t outer = 1;
  for (int a = 0; a < m.rank; ++a) {
    const auto ax = static_cast<std::size_t>(a);
    const index_t e = m.extent[ax];
    const index_t inner = total / outer / e;
    const index_t step = std::min(e, max_elements / (outer * inner));
    const index_t stride = m.stride[ax] < 0 ? -m.stride[ax] : m.stride[ax];
    if (m.gather_count[ax] == 0 && e > 1 && step >= 1 && step * inner >= min_run && stride > best_stride) {
      best = {a, step, outer, inner};
      best_stride = stride;
    }
    outer *= e;
  }
  return best;
}

/// Map `m` restricted to indices [first, first + n) of target axis `axis` (no storage shapes).
[[nodiscard]] inline strided_map restrict_axis(const strided_map& m, int axis, index_t first, index_t n) noexcept {
  strided_map q;
  q.rank = m.rank;
  std::copy(std::begin(m.extent), std::end(m.extent), std::begin(q.extent));
  std::copy(std::begin(m.stride), std::end(m.stride), std::begin(q.stride));
  std::copy(std::begin(m.gather_count), std::end(m.gather_count), std::begin(q.gather_count));
  for (std::size_t k = 0; k < std::size(m.gather); ++k) std::copy(std::begin(m.gather[k]), std::end(m.gather[k]), std::begin(q.gather[k]));
  q.extent[static_cast<std::size_t>(axis)] = n;
  q.offset = m.offset + first * m.stride[static_cast<std::size_t>(axis)];
  return q;
}

}  // namespace detail

/// Writes what map `m` reads from the contiguous source `src` (its element 0: `m.offset` is added
/// here) in blocks of about `block_bytes`, for a destination that takes elements at any offset (a
/// file written with pwrite, a buffer filled out of order): `sink(const placed_piece<T>&)`
/// receives runs of the result with their offsets. Where pieces in the result's order would read
/// only part of each source cache line (64 bytes) they touch — `(O, I, 3, 3)` made `(3, 3, I, O)`:
/// a piece inside one `(3, 3)` position reads a ninth of every line, and eight later pieces read
/// the same lines again — a block is instead every element whose index on one target axis lies in a range,
/// the axis the source strides over farthest among those whose runs stay at least `min_run_bytes`
/// long: its source is a band read once, and it reaches the sink as one run per index of the axes
/// before that axis. Otherwise (or when the whole result fits a block) the pieces are those of
/// materialize_pieces, in order. Peak memory is one block.
template <class T, class Sink>
void materialize_blocks(const strided_map& m, const T* src, Sink&& sink, std::size_t block_bytes = std::size_t{4} << 20,
                        copy_options options = {}, std::size_t min_run_bytes = std::size_t{64} << 10) {
  using V = std::remove_const_t<T>;
  if (m.size() == 0) return;
  const index_t max_elements = std::max<index_t>(1, static_cast<index_t>(block_bytes / sizeof(T)));
  const detail::block_split b = detail::choose_blocks(m, max_elements, static_cast<index_t>(min_run_bytes / sizeof(T)),
                                                      std::max<index_t>(1, static_cast<index_t>(64 / sizeof(T))));
  if (b.axis < 0) {
    index_t at = 0;
    materialize_pieces(
        m, src,
        [&](const stream_piece<V>& p) {
          sink(static_cast<const placed_piece<V>&>(placed_piece<V>{at, p.elements, p.source_begin, p.source_end}));
          at += static_cast<index_t>(p.elements.size());
        },
        block_bytes, options);
    return;
  }
  const index_t e = m.extent[static_cast<std::size_t>(b.axis)];
  // What the blocks after each one still read: the suffix hull of their footprints.
  std::vector<std::pair<index_t, index_t>> later;
  for (index_t first = 0; first < e; first += b.step)
    later.push_back(detail::footprint(detail::restrict_axis(m, b.axis, first, std::min(b.step, e - first))));
  detail::suffix_hulls(later);
  const auto buffer = std::make_unique_for_overwrite<V[]>(static_cast<std::size_t>(b.outer * b.step * b.inner));
  std::size_t c = 0;
  for (index_t first = 0; first < e; first += b.step) {
    const index_t n = std::min(b.step, e - first);
    const strided_map q = detail::restrict_axis(m, b.axis, first, n);
    detail::materialize_any(q, src, buffer.get(), detail::copy_threads(static_cast<std::size_t>(q.size()) * sizeof(T), options));
    index_t source_begin = 0;
    index_t source_end = 0;
    if (++c < later.size()) {
      source_begin = later[c].first;
      source_end = later[c].second + 1;
    }
    const index_t run = n * b.inner;
    for (index_t o = 0; o < b.outer; ++o)
      sink(static_cast<const placed_piece<V>&>(placed_piece<V>{(o * e + first) * b.inner,
                                                                std::span<const V>(buffer.get() + o * run, static_cast<std::size_t>(run)),
                                                                source_begin, source_end}));
  }
}

/// Converts `src` into the streamed destination `dst` (see stream_to): the plan is derived at run
/// time from src's layout to dst's, mapped onto src's extents and strides, and materialised in
/// pieces (materialize_pieces), each handed to the sink before the next is made.
template <detail::tensor_like Src, class Sink>
void convert_into(const Src& src, stream_destination<Sink> dst, copy_options options = {}) {
  using S = detail::view_of_t<const Src&>;
  using V = typename S::value_type;
  const auto s = detail::erase(dynamic_view<const V>(S(src)));
  const detail::run_time_plan rp(*s.layout, dst.layout(), "convert_into");
  const strided_map m = detail::map_view(rp.view(), s.extent.data(), s.stride.data());
  materialize_pieces(m, s.data, dst.sink(), dst.piece_bytes(), options);
}

}  // namespace axle
