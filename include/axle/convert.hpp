// axle — plans on buffers: zero-copy plan views and materialised conversions.
//
//     tensor_view<const float, torch_conv_transpose> w = ...;
//     auto v = axle::view_as<equinox_conv_transpose>(w);   // O(1): permuted and reversed strides
//     auto t = axle::convert<onednn_OIhw16i16o>(w);         // a contiguous tensor<float, To>
//     axle::convert_into(w, dst_view);                        // into preallocated storage
//     kernel(axle::layout_cast<equinox_conv_transpose>(w));  // the explicit hand-off
//
// view_as<To>(v)      A view of the same elements in layout To, when the derived plan needs no copy:
//                     permutations, flips (negative strides), splits of an axis into blocks and
//                     (de)merging of storage dimensions (views keep one stride per atom), merges of
//                     blocked parts that are adjacent in the source. A plan that needs a copy — a
//                     block reorder (labels<gate, "i,f,g,o"> → "i,o,f,g") or a merge of parts that
//                     are not adjacent (O/16 ... 16o → O) — is one compile error naming the plan:
//                         plan_needs_a_copy<plan<...>, because<reorder<...>>>
//                     Run-time errors (axle::shape_error): an axis whose extent a block size does
//                     not divide; merging parts of a view whose strides do not chain.
// layout_cast<To>(v)  view_as spelled as a cast, for hand-offs; To may also be the target view type.
// convert<To>(v)      A new contiguous tensor<T, To>: any derived plan, blocked layouts and block
//                     reorders included. Sizes a shape cannot tell (G of a merged (G, O)) are given
//                     where the source view is made: tensor_view(ptr, shape, axis_size{"G", 2}).
// convert_into(s, d)  Into a preallocated view or tensor of layout To: its extents must be the
//                     ones the conversion produces, and it must not share memory with the source
//                     (axle::overlap_error). A destination with gaps is written element by element.
//
// materialize(m, src, dst)  The run-time path under all of them, for a strided_map of
//                     <axle/mapping.hpp>: layouts known only at run time (value::derive, map_plan).
//
// Materialisation is one strided copy of the whole tensor (in parallel on several threads for
// tensors of at least copy_options::parallel_min_bytes, 4 MiB), or, when blocks are reordered, one
// strided copy per block. copy_options{.threads = n} overrides the choice (1: the calling thread
// only). Element types that are not trivially copyable are assigned one by one instead.
//
// Every operation derives its plan at compile time (plan_t) and maps it onto the source view's
// own extents and strides at run time, so views of views, reversed and permuted sources convert
// like contiguous ones.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>

#include "detail/strided_copy.hpp"
#include "diagnostics.hpp"
#include "errors.hpp"
#include "layout.hpp"
#include "mapping.hpp"
#include "plan.hpp"
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
    v.target_first[i] = k;
    while (k < p.ndst && lies_in(p.dst[k], p.to->atoms[i])) ++k;
    v.target_count[i] = k - v.target_first[i];
  }
  for (int i = 0; i < p.to->natoms && v.reason == copy_reason::none; ++i)
    for (int k = v.target_first[i]; k < v.target_first[i] + v.target_count[i]; ++k) {
      const int r = p.src_of_dst[k];
      if (r >= 0 && p.dst[k].labelled() && p.dst[k].label_text() != p.src[r].label_text()) {
        v.reason = copy_reason::reorder;
        v.reason_atom = i;
      }
    }
  // The parts that make up one target atom must be consecutive in the source, outer first (unit
  // atoms between them do not count): then one stride walks them all.
  for (int i = 0; i < p.to->natoms && v.reason == copy_reason::none; ++i)
    for (int k = v.target_first[i]; k + 1 < v.target_first[i] + v.target_count[i]; ++k) {
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
  const int first = v.target_first[i];
  const int last = first + v.target_count[i] - 1;
  int base = last;  // the innermost part with more than one element fixes the stride
  while (base > first && m.extent[base] == 1) --base;
  const index_t s = m.stride[base];
  index_t expect = s;
  for (int k = base; k >= first; --k) {
    if (m.extent[k] != 1 && m.stride[k] != expect && m.target_atoms.extent[i] != 0)
      throw shape_error("view_as: the parts of axis " + std::string(v.plan->to->atoms[i].name()) +
                        " of the result have strides that do not chain in the source view (" +
                        detail::int_text(m.stride[k]) + ", expected " + detail::int_text(expect) +
                        "); the source is not contiguous there: use axle::convert");
    expect *= m.extent[k];
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

/// Is there a zero-copy plan from From to To? Reports why not (once) when asked to.
template <class From, class To, bool Derivable = all_valid_v<From, To> && derivation<From, To>::ok>
struct zero_copy {
  static constexpr bool value = plan_on_views<From, To>::value.reason == copy_reason::none;
  static constexpr bool report_failure() noexcept {
    if constexpr (!value) return report<typename copy_diagnostic<From, To>::type>::value;
    return true;
  }
};
template <class From, class To>
struct zero_copy<From, To, false> {
  static constexpr bool value = false;
  static constexpr bool report_failure() noexcept { return std::is_same_v<plan_t<From, To>, plan_t<From, To>>; }
};

template <class From, class To, bool Derivable = all_valid_v<From, To> && derivation<From, To>::ok>
struct derivable {
  static constexpr bool value = true;
};
template <class From, class To>
struct derivable<From, To, false> {
  static constexpr bool value = false;
  static constexpr bool report_failure() noexcept { return std::is_same_v<plan_t<From, To>, plan_t<From, To>>; }
};

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
    if (n > 0 && s[n - 1] == stride[k] * extent[k]) {  // the destination is row-major: only the source decides
      e[n - 1] *= extent[k];
      s[n - 1] = stride[k];
      continue;
    }
    e[n] = extent[k];
    s[n] = stride[k];
    ++n;
  }
  if (n == 0) {
    *dst = *src;
    return;
  }
  if (n > max_rank) {
    index_t inner = 1;
    for (int k = 1; k < n; ++k) inner *= e[k];
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
  while (g < m.rank && m.gather_count[g] == 0) ++g;
  if (g == m.rank) {
    strided_copy_any(dst, src, m.rank - first, &m.extent[first], &m.stride[first], threads);
    return;
  }
  index_t inner = 1;
  for (int k = g + 1; k < m.rank; ++k) inner *= m.extent[k];
  index_t outer = 1;
  for (int k = first; k < g; ++k) outer *= m.extent[k];
  if (inner == 0 || outer == 0 || m.extent[g] == 0) return;
  index_t idx[value::max_atoms]{};
  index_t offset = 0;
  for (index_t f = 0; f < outer; ++f) {
    for (index_t j = 0; j < m.extent[g]; ++j)
      copy_axes(dst + (f * m.extent[g] + j) * inner, src + offset + m.gather[g][j] * m.stride[g], m, g + 1, threads);
    for (int k = g - 1; k >= first; --k) {
      offset += m.stride[k];
      if (++idx[k] < m.extent[k]) break;
      offset -= m.stride[k] * m.extent[k];
      idx[k] = 0;
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
      if (++idx[k] < m.extent[k]) break;
      d -= dst_stride[k] * m.extent[k];
      idx[k] = 0;
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
    if (m.extent[k] == 1) {
      if (m.gather_count[k] > 0) src += m.gather[k][0] * m.stride[k];
      continue;
    }
    order[n++] = k;
  }
  std::stable_sort(order, order + n, [&](int a, int b) {
    const index_t x = dst_stride[a] < 0 ? -dst_stride[a] : dst_stride[a];
    const index_t y = dst_stride[b] < 0 ? -dst_stride[b] : dst_stride[b];
    return x > y;
  });
  q.rank = n;
  for (int j = 0; j < n; ++j) {
    const int k = order[j];
    q.extent[j] = m.extent[k];
    q.stride[j] = m.stride[k];
    q.gather_count[j] = m.gather_count[k];
    std::copy_n(m.gather[k], max_labels, q.gather[j]);
    ds[j] = dst_stride[k];
    if (ds[j] < 0) {  // walk the destination forwards, the source backwards
      dst += (q.extent[j] - 1) * ds[j];
      ds[j] = -ds[j];
      if (q.gather_count[j] > 0) {
        std::reverse(q.gather[j], q.gather[j] + q.gather_count[j]);
      } else {
        src += (q.extent[j] - 1) * q.stride[j];
        q.stride[j] = -q.stride[j];
      }
    }
  }
  bool row_major = true;
  index_t expect = 1;
  for (int j = n - 1; j >= 0; --j) {
    row_major = row_major && ds[j] == expect;
    expect *= q.extent[j];
  }
  if (row_major)
    copy_axes(dst, src, q, 0, threads);
  else
    copy_elementwise(dst, ds, src, q);
}

/// [lowest, highest] byte addresses a view touches.
template <class V>
std::pair<std::uintptr_t, std::uintptr_t> byte_span(const V& v) noexcept {
  index_t lo = 0;
  index_t hi = 0;
  for (std::size_t k = 0; k < V::atom_count(); ++k) {
    const index_t reach = (v.extent(k) - 1) * v.stride(k);
    (reach < 0 ? lo : hi) += reach;
  }
  using E = typename V::value_type;
  const auto base = reinterpret_cast<std::uintptr_t>(v.data());
  return {base + static_cast<std::uintptr_t>(lo * static_cast<index_t>(sizeof(E))),
          base + static_cast<std::uintptr_t>(hi * static_cast<index_t>(sizeof(E))) + sizeof(E) - 1};
}

inline std::string address_text(std::uintptr_t a) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(a));
  return buf;
}

template <class V>
constexpr std::array<index_t, V::atom_count()> extents_of(const V& v) noexcept {
  std::array<index_t, V::atom_count()> e{};
  for (std::size_t k = 0; k < e.size(); ++k) e[k] = v.extent(k);
  return e;
}

template <class X>
struct view_like : std::false_type {};
template <class T, class L, class E, class M>
struct view_like<tensor_view<T, L, E, M>> : std::true_type {
  using view = tensor_view<T, L, E, M>;
};
template <class T, class L, class E, class M>
struct view_like<const tensor_view<T, L, E, M>> : view_like<tensor_view<T, L, E, M>> {};
template <class T, class L, class E>
struct view_like<tensor<T, L, E>> : std::true_type {
  using view = typename tensor<T, L, E>::view_type;
};
template <class T, class L, class E>
struct view_like<const tensor<T, L, E>> : std::true_type {
  using view = typename tensor<T, L, E>::const_view_type;
};

template <class X>
concept tensor_like = view_like<std::remove_reference_t<X>>::value;

template <class X>
using view_of_t = typename view_like<std::remove_reference_t<X>>::view;

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
  detail::copy_axes(dst, src + m.offset, m, 0, detail::copy_threads(static_cast<std::size_t>(m.size()) * sizeof(T), options));
}

// --- zero-copy plan views ----------------------------------------------------------------------

/// The same elements seen in layout To: O(1), no copy (see the header for what that allows).
template <layout_type To, class T, layout_type From, class E, class M>
[[nodiscard]] constexpr tensor_view<T, To> view_as(const tensor_view<T, From, E, M>& v) {
  if constexpr (!detail::zero_copy<From, To>::value) {
    static_cast<void>(detail::zero_copy<From, To>::report_failure());
    return {};
  } else {
    constexpr const detail::view_plan& p = detail::plan_on_views<From, To>::value;
    const auto ext = detail::extents_of(v);
    const axle::strided_map m = detail::map_view(p, ext.data(), v.strides().data());
    constexpr std::size_t n = tensor_view<T, To>::atom_count();
    std::array<index_t, n> extent{};
    std::array<index_t, n> stride{};
    for (std::size_t i = 0; i < n; ++i) {
      extent[i] = m.target_atoms.extent[i];
      stride[i] = detail::target_stride(p, m, static_cast<int>(i));
    }
    return tensor_view<T, To>(v.data() + m.offset, typename tensor_view<T, To>::extents_type(extent), stride);
  }
}
template <layout_type To, class T, layout_type From, class E>
[[nodiscard]] tensor_view<T, To> view_as(tensor<T, From, E>& t) {
  return view_as<To>(t.view());
}
template <layout_type To, class T, layout_type From, class E>
[[nodiscard]] tensor_view<const T, To> view_as(const tensor<T, From, E>& t) {
  return view_as<To>(t.cview());
}
/// A view of a temporary tensor would dangle.
template <layout_type To, class T, layout_type From, class E>
void view_as(tensor<T, From, E>&& t) = delete;

/// view_as for hand-offs: `kernel(axle::layout_cast<expected_layout>(w))`. To is a layout or the
/// target view type (its element type may add const).
template <class To, detail::tensor_like V>
[[nodiscard]] auto layout_cast(V&& v) {
  static_assert(!(detail::is_tensor<std::remove_cvref_t<V>>::value && std::is_rvalue_reference_v<V&&>),
                "axle::layout_cast: a view of a temporary tensor would dangle");
  using source = detail::view_of_t<V>;
  if constexpr (layout_type<To>) {
    return view_as<To>(source(v));
  } else {
    static_assert(detail::is_tensor_view<To>::value, "axle::layout_cast<To>: To is a layout or a tensor_view type");
    return To(view_as<typename To::layout_type>(source(v)));
  }
}

// --- materialised conversions ------------------------------------------------------------------

/// Copies `src` into `dst`, a view or tensor of layout To with the extents the conversion produces,
/// not sharing memory with `src`.
template <detail::tensor_like Src, detail::tensor_like Dst>
void convert_into(const Src& src, Dst&& dst, copy_options options = {}) {
  using S = detail::view_of_t<const Src&>;
  using D = detail::view_of_t<Dst>;
  using From = typename S::layout_type;
  using To = typename D::layout_type;
  static_assert(!std::is_const_v<typename D::element_type>, "axle::convert_into: the destination is a view of const elements");
  static_assert(std::is_same_v<typename S::value_type, typename D::value_type>,
                "axle::convert_into: source and destination hold different element types");
  if constexpr (!detail::derivable<From, To>::value) {
    static_cast<void>(detail::derivable<From, To>::report_failure());
  } else {
    const S s(src);
    const D d(dst);
    constexpr const detail::view_plan& p = detail::plan_on_views<From, To>::value;
    const auto ext = detail::extents_of(s);
    const axle::strided_map m = detail::map_view(p, ext.data(), s.strides().data());
    for (std::size_t i = 0; i < D::atom_count(); ++i)
      if (m.target_atoms.extent[i] != d.extent(i)) {
        std::array<index_t, D::atom_count()> produced{};
        for (std::size_t j = 0; j < produced.size(); ++j) produced[j] = m.target_atoms.extent[j];
        throw shape_error("convert_into: destination axis " + detail::atom_text(p.plan->to->atoms[i]) + " has extent " +
                          detail::int_text(d.extent(i)) + ", but the conversion gives " +
                          detail::int_text(m.target_atoms.extent[i]) + ": the source " + to_string(*p.plan->from) +
                          " with extents " + detail::tuple_text(ext) + " converts to " + to_string(*p.plan->to) +
                          " with extents " + detail::tuple_text(produced) + ", the destination has " +
                          detail::tuple_text(detail::extents_of(d)));
      }
    if (s.empty()) return;
    const auto a = detail::byte_span(s);
    const auto b = detail::byte_span(d);
    if (a.first <= b.second && b.first <= a.second)
      throw overlap_error("convert_into: the destination (" + detail::int_text(d.size()) + " elements, bytes " +
                          detail::address_text(b.first) + "-" + detail::address_text(b.second) +
                          ") overlaps the source (" + detail::int_text(s.size()) + " elements, bytes " +
                          detail::address_text(a.first) + "-" + detail::address_text(a.second) +
                          "): a conversion cannot run in place; convert into separate storage");
    // Strides of the destination's refined atoms: the parts of an atom split its stride.
    index_t dst_stride[value::max_atoms]{};
    for (std::size_t i = 0; i < D::atom_count(); ++i) {
      index_t stride = d.stride(i);
      for (int k = p.target_first[i] + p.target_count[i] - 1; k >= p.target_first[i]; --k) {
        dst_stride[k] = stride;
        stride *= m.extent[k];
      }
    }
    const int threads = detail::copy_threads(s.size() * sizeof(typename S::value_type), options);
    detail::copy_plan_any(d.data(), dst_stride, s.data() + m.offset, m, threads);
  }
}

/// A new contiguous tensor of layout To holding `src` converted.
template <layout_type To, detail::tensor_like Src>
[[nodiscard]] auto convert(const Src& src, copy_options options = {}) {
  using S = detail::view_of_t<const Src&>;
  using From = typename S::layout_type;
  using V = typename S::value_type;
  if constexpr (!detail::derivable<From, To>::value) {
    static_cast<void>(detail::derivable<From, To>::report_failure());
    return tensor<V, To>{};
  } else {
    const S s(src);
    constexpr const detail::view_plan& p = detail::plan_on_views<From, To>::value;
    const auto ext = detail::extents_of(s);
    const axle::strided_map m = detail::map_view(p, ext.data(), s.strides().data());
    std::array<index_t, tensor<V, To>::atom_count()> extent{};
    for (std::size_t i = 0; i < extent.size(); ++i) extent[i] = m.target_atoms.extent[i];
    tensor<V, To> dst(typename tensor<V, To>::extents_type(extent), uninitialized);
    if constexpr (std::is_trivially_copyable_v<V>) {
      materialize(m, s.data(), dst.data(), options);
    } else {
      index_t row_major[value::max_atoms]{};
      for (index_t k = m.rank - 1, n = 1; k >= 0; --k) {
        row_major[k] = n;
        n *= m.extent[k];
      }
      if (m.size() > 0) detail::copy_elementwise(dst.data(), row_major, s.data() + m.offset, m);
    }
    return dst;
  }
}

}  // namespace axle
