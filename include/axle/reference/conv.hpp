#pragma once
// axle::reference -- a deliberately naive, constexpr numerical reference for
// N-d (N = 1, 2, 3) grouped convolutions and the two flavours of "transposed
// convolution" found in the wild.  It exists to PROVE weight conversions
// correct (numerically, and inside static_assert on tiny integer tensors), not
// to be fast.  Only standard headers are used.
//
// Layouts (row-major / C order), G = groups, Ci = in_channels, Co = out_channels,
// k... = kernel extents of the first `spatial` axes:
//   x : (N, Ci, in...)            input of every op
//   y : (N, Co, out...)           output of every op
//   w : forward            (Co, Ci/G, k...)  canonical correlation kernel, axis 0 = (g, og)
//       transpose_adjoint  (Ci, Co/G, k...)  PyTorch ConvTranspose layout, axis 0 = (g, ig)
//       transpose_direct   (Co, Ci/G, k...)  canonical kernel used as is
//                                            (Equinox / Haiku / Flax transpose_kernel=False)
// Channel axes are always "group outer": channel c belongs to group c / (C/G).
//
// Unused spatial axes (index >= spatial) are ignored: the engine treats them as
// extent 1, stride 1, dilation 1, no padding, whatever the struct holds.

#include <array>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace axle::reference {

inline constexpr int max_spatial = 3;
/// The spatial slots of an extents3, as an index bound.
inline constexpr std::size_t spatial_slots = 3;
using index_t = std::ptrdiff_t;
using extents3 = std::array<index_t, 3>;

struct conv_geometry {
  int spatial = 2;                   // 1, 2 or 3 spatial dims
  index_t batch = 1;
  index_t groups = 1;
  index_t in_channels = 1;           // total channels of the op's input x
  index_t out_channels = 1;          // total channels of the op's output y
  extents3 in{1, 1, 1};              // input spatial extents (first `spatial` used)
  extents3 kernel{1, 1, 1};
  extents3 stride{1, 1, 1};
  extents3 dilation{1, 1, 1};        // 1 = no dilation (PyTorch convention)
  extents3 pad_lo{0, 0, 0};          // per-side padding, low (begin) side
  extents3 pad_hi{0, 0, 0};          // high (end) side
  extents3 output_padding{0, 0, 0};  // transposed ops only, added on the high side
};

enum class op_kind { forward, transpose_adjoint, transpose_direct };

// Accumulator: double for float/double (long double stays long double), the
// type itself for integers.
template <class T>
using accum_t = std::conditional_t<std::is_floating_point_v<T>, std::common_type_t<T, double>, T>;

namespace detail {

constexpr index_t floor_div(index_t a, index_t b) {  // b > 0
  const index_t q = a / b;
  return (a % b != 0 && a < 0) ? q - 1 : q;
}

constexpr index_t dilated_extent(index_t k, index_t d) { return d * (k - 1) + 1; }

// Copy of g whose unused axes carry neutral values, so every loop can simply
// run over all three axes.
constexpr conv_geometry normalized(conv_geometry g) {
  for (std::size_t a = static_cast<std::size_t>(g.spatial >= 0 ? g.spatial : 0); a < spatial_slots; ++a) {
    g.in[a] = g.kernel[a] = g.stride[a] = g.dilation[a] = 1;
    g.pad_lo[a] = g.pad_hi[a] = g.output_padding[a] = 0;
  }
  return g;
}

constexpr index_t volume(const extents3& e) { return e[0] * e[1] * e[2]; }
constexpr index_t flat(const extents3& e, const extents3& i) { return (i[0] * e[1] + i[1]) * e[2] + i[2]; }

// Calls f(i) for every multi-index i in [0, e) in row-major order.
template <class F>
constexpr void for_each_index(const extents3& e, F&& f) {
  extents3 i{};
  for (i[0] = 0; i[0] < e[0]; ++i[0])
    for (i[1] = 0; i[1] < e[1]; ++i[1])
      for (i[2] = 0; i[2] < e[2]; ++i[2]) f(i);
}

// Spatial output size of one axis.
constexpr index_t out_extent(const conv_geometry& g, std::size_t a, op_kind kind) {
  const index_t dk = dilated_extent(g.kernel[a], g.dilation[a]);
  if (kind == op_kind::forward)
    return floor_div(g.in[a] + g.pad_lo[a] + g.pad_hi[a] - dk, g.stride[a]) + 1;
  return (g.in[a] - 1) * g.stride[a] - g.pad_lo[a] - g.pad_hi[a] + dk + g.output_padding[a];
}

// Error reporting lives in a non-constexpr function: it is only reached for
// invalid geometries, which therefore are never constant expressions.
[[noreturn]] inline void fail(const std::string& what) {
  throw std::invalid_argument("conv_geometry: " + what);
}
inline std::string num(index_t v) { return std::to_string(v); }
inline std::string axis_field(const char* field, std::size_t a, index_t v) {
  return std::string(field) + "[" + std::to_string(a) + "] = " + num(v);
}

}  // namespace detail

// Spatial output extents (unused axes report 1).  Pure formula: call
// validate() first if the geometry may be invalid.
constexpr extents3 output_extents(const conv_geometry& g, op_kind kind) {
  const conv_geometry n = detail::normalized(g);
  extents3 out{1, 1, 1};
  for (std::size_t a = 0; a < spatial_slots; ++a) out[a] = detail::out_extent(n, a, kind);
  return out;
}

// Throws std::invalid_argument naming the offending field / axis and the
// sizes involved.  Constant-evaluable for valid geometries.
constexpr void validate(const conv_geometry& g, op_kind kind) {
  using detail::fail;
  using detail::num;
  if (g.spatial < 1 || g.spatial > max_spatial)
    fail("spatial " + std::to_string(g.spatial) + " is not in [1, " + std::to_string(max_spatial) + "]");
  if (g.batch < 1) fail("batch " + num(g.batch) + " must be >= 1");
  if (g.groups < 1) fail("groups " + num(g.groups) + " must be >= 1");
  if (g.in_channels < 1) fail("in_channels " + num(g.in_channels) + " must be >= 1");
  if (g.out_channels < 1) fail("out_channels " + num(g.out_channels) + " must be >= 1");
  if (g.in_channels % g.groups != 0)
    fail("in_channels " + num(g.in_channels) + " is not divisible by groups " + num(g.groups));
  if (g.out_channels % g.groups != 0)
    fail("out_channels " + num(g.out_channels) + " is not divisible by groups " + num(g.groups));
  for (std::size_t a = 0; a < static_cast<std::size_t>(g.spatial); ++a) {
    using detail::axis_field;
    if (g.in[a] < 1) fail(axis_field("in", a, g.in[a]) + " must be >= 1");
    if (g.kernel[a] < 1) fail(axis_field("kernel", a, g.kernel[a]) + " must be >= 1");
    if (g.stride[a] < 1) fail(axis_field("stride", a, g.stride[a]) + " must be >= 1");
    if (g.dilation[a] < 1) fail(axis_field("dilation", a, g.dilation[a]) + " must be >= 1");
    if (g.pad_lo[a] < 0) fail(axis_field("pad_lo", a, g.pad_lo[a]) + " must be >= 0");
    if (g.pad_hi[a] < 0) fail(axis_field("pad_hi", a, g.pad_hi[a]) + " must be >= 0");
    if (g.output_padding[a] < 0) fail(axis_field("output_padding", a, g.output_padding[a]) + " must be >= 0");
    if (kind == op_kind::forward && g.output_padding[a] != 0)
      fail(axis_field("output_padding", a, g.output_padding[a]) + " must be 0 for a forward convolution");
    const index_t dk = detail::dilated_extent(g.kernel[a], g.dilation[a]);
    if (kind == op_kind::forward) {
      if (g.in[a] + g.pad_lo[a] + g.pad_hi[a] < dk)
        fail("axis " + std::to_string(a) + ": padded input " + num(g.in[a] + g.pad_lo[a] + g.pad_hi[a]) +
             " (in " + num(g.in[a]) + " + pad_lo " + num(g.pad_lo[a]) + " + pad_hi " + num(g.pad_hi[a]) +
             ") is smaller than the dilated kernel " + num(dk) + " (kernel " + num(g.kernel[a]) +
             ", dilation " + num(g.dilation[a]) + ")");
    } else if (const index_t out = detail::out_extent(g, a, kind); out < 1) {
      fail("axis " + std::to_string(a) + ": transposed output size " + num(out) + " = (in " + num(g.in[a]) +
           " - 1) * stride " + num(g.stride[a]) + " - pad_lo " + num(g.pad_lo[a]) + " - pad_hi " +
           num(g.pad_hi[a]) + " + dilated kernel " + num(dk) + " + output_padding " + num(g.output_padding[a]) +
           " is not positive");
    }
  }
}

constexpr index_t x_size(const conv_geometry& g, op_kind kind) {
  validate(g, kind);
  return g.batch * g.in_channels * detail::volume(detail::normalized(g).in);
}
constexpr index_t w_size(const conv_geometry& g, op_kind kind) {
  validate(g, kind);
  // (Co, Ci/G, k...) for forward/direct, (Ci, Co/G, k...) for adjoint: same count.
  return g.out_channels * (g.in_channels / g.groups) * detail::volume(detail::normalized(g).kernel);
}
constexpr index_t y_size(const conv_geometry& g, op_kind kind) {
  validate(g, kind);
  return g.batch * g.out_channels * detail::volume(output_extents(g, kind));
}

template <class T>
constexpr auto inner_product(const T* a, const T* b, index_t n) {
  accum_t<T> acc{};
  for (index_t i = 0; i < n; ++i) acc += static_cast<accum_t<T>>(a[i]) * static_cast<accum_t<T>>(b[i]);
  return acc;
}

namespace detail {

// y[n,(g,og),o] = sum_{ig,k} x[n,(g,ig), source(o, k)] * w[(g,og), ig, k]: the correlation both
// conv_forward and conv_transpose_direct are. `source` maps an output position and a kernel offset
// to the input position they read, returning false where the input is zero (padding, or a zero
// inserted between samples).
template <class T, class Source>
constexpr void correlate(const T* x, const T* w, T* y, const conv_geometry& g, const extents3& out, Source source) {
  using A = accum_t<T>;
  const index_t ci = g.in_channels, co = g.out_channels;
  const index_t ipg = ci / g.groups, opg = co / g.groups;  // channels per group
  const index_t vin = volume(g.in), vk = volume(g.kernel), vout = volume(out);
  for (index_t n = 0; n < g.batch; ++n)
    for (index_t oc = 0; oc < co; ++oc) {
      const index_t grp = oc / opg;
      for_each_index(out, [&](const extents3& o) {
        A acc{};
        for (index_t ig = 0; ig < ipg; ++ig) {
          const T* xc = x + (n * ci + grp * ipg + ig) * vin;
          const T* wc = w + (oc * ipg + ig) * vk;
          for_each_index(g.kernel, [&](const extents3& k) {
            extents3 q{};
            if (!source(o, k, q)) return;
            acc += static_cast<A>(xc[flat(g.in, q)]) * static_cast<A>(wc[flat(g.kernel, k)]);
          });
        }
        y[(n * co + oc) * vout + flat(out, o)] = static_cast<T>(acc);
      });
    }
}

}  // namespace detail

// y[n,(g,og),p] = sum_{ig,k} x_pad[n,(g,ig), p*s + k*d] * w[(g,og), ig, k]
template <class T>
constexpr void conv_forward(const T* x, const T* w, T* y, const conv_geometry& geometry) {
  validate(geometry, op_kind::forward);
  const conv_geometry g = detail::normalized(geometry);
  detail::correlate(x, w, y, g, output_extents(g, op_kind::forward), [&](const extents3& p, const extents3& k, extents3& q) {
    for (std::size_t a = 0; a < spatial_slots; ++a) {
      q[a] = p[a] * g.stride[a] - g.pad_lo[a] + k[a] * g.dilation[a];
      if (q[a] < 0 || q[a] >= g.in[a]) return false;  // zero padding
    }
    return true;
  });
}

// Scatter form: every x[n,(g,ig),p] * w[(g,ig), og, k] lands on
// o = p*s - lo + k*d of channel (g,og) when 0 <= o < out.
template <class T>
constexpr void conv_transpose_adjoint(const T* x, const T* w, T* y, const conv_geometry& geometry) {
  using A = accum_t<T>;
  validate(geometry, op_kind::transpose_adjoint);
  const conv_geometry g = detail::normalized(geometry);
  const extents3 out = output_extents(g, op_kind::transpose_adjoint);
  const index_t ci = g.in_channels, co = g.out_channels;
  const index_t ipg = ci / g.groups, opg = co / g.groups;
  const index_t vin = detail::volume(g.in), vk = detail::volume(g.kernel), vout = detail::volume(out);
  std::vector<A> acc(static_cast<std::size_t>(g.batch * co * vout), A{});
  for (index_t n = 0; n < g.batch; ++n)
    for (index_t ic = 0; ic < ci; ++ic) {
      const index_t grp = ic / ipg;
      detail::for_each_index(g.in, [&](const extents3& p) {
        const A xv = static_cast<A>(x[(n * ci + ic) * vin + detail::flat(g.in, p)]);
        for (index_t og = 0; og < opg; ++og) {
          const T* wc = w + (ic * opg + og) * vk;
          A* yc = acc.data() + (n * co + grp * opg + og) * vout;
          detail::for_each_index(g.kernel, [&](const extents3& k) {
            extents3 o{};
            for (std::size_t a = 0; a < spatial_slots; ++a) {
              o[a] = p[a] * g.stride[a] - g.pad_lo[a] + k[a] * g.dilation[a];
              if (o[a] < 0 || o[a] >= out[a]) return;  // cropped by padding
            }
            yc[detail::flat(out, o)] += xv * static_cast<A>(wc[detail::flat(g.kernel, k)]);
          });
        }
      });
    }
  for (std::size_t i = 0; i < acc.size(); ++i) y[i] = static_cast<T>(acc[i]);
}

// Correlation (stride 1, dilation d) of the virtual input u obtained from x by
// inserting s-1 zeros between samples and padding d(k-1)-lo before and
// d(k-1)-hi+output_padding after (negative amounts crop), with w used as is.
// Written as a correlation, independently of the scatter above, so that each checks the other.
template <class T>
constexpr void conv_transpose_direct(const T* x, const T* w, T* y, const conv_geometry& geometry) {
  validate(geometry, op_kind::transpose_direct);
  const conv_geometry g = detail::normalized(geometry);
  extents3 before{};  // low-side padding of u
  for (std::size_t a = 0; a < spatial_slots; ++a) before[a] = g.dilation[a] * (g.kernel[a] - 1) - g.pad_lo[a];
  detail::correlate(x, w, y, g, output_extents(g, op_kind::transpose_direct), [&](const extents3& o, const extents3& k, extents3& q) {
    for (std::size_t a = 0; a < spatial_slots; ++a) {
      const index_t t = o[a] + k[a] * g.dilation[a] - before[a];  // index into the zero-dilated x
      if (t < 0 || t % g.stride[a] != 0) return false;           // padding or an inserted zero
      q[a] = t / g.stride[a];
      if (q[a] >= g.in[a]) return false;                          // high-side padding
    }
    return true;
  });
}

// ---------------------------------------------------------------------------
// Helpers for weight conversions.

// Geometry of the transposed op that maps y-shaped data of conv_forward(g)
// back to x's shape: channel roles swapped, same kernel/stride/dilation/pads,
// output_padding chosen so that the output extents equal g.in.  With it,
//   <conv_forward(x, w, g), y> == <x, conv_transpose_adjoint(y, w, adjoint_geometry(g))>
// for the SAME buffer w.
constexpr conv_geometry adjoint_geometry(const conv_geometry& g) {
  validate(g, op_kind::forward);
  conv_geometry t = detail::normalized(g);
  t.in = output_extents(g, op_kind::forward);
  t.in_channels = g.out_channels;
  t.out_channels = g.in_channels;
  for (std::size_t a = 0; a < static_cast<std::size_t>(g.spatial); ++a) {
    const index_t dk = detail::dilated_extent(g.kernel[a], g.dilation[a]);
    t.output_padding[a] = g.in[a] - ((t.in[a] - 1) * g.stride[a] - g.pad_lo[a] - g.pad_hi[a] + dk);
  }
  return t;
}

namespace detail {
// dst[(g,b), a, k] = src[(g,a), b, kernel-1-k]; src is (G*A, B, k...), dst is (G*B, A, k...).
template <class T>
constexpr void grouped_swap_flip(const T* src, T* dst, index_t groups, index_t a_per_group, index_t b_per_group,
                                 const extents3& kernel) {
  const index_t vk = volume(kernel);
  for (index_t grp = 0; grp < groups; ++grp)
    for (index_t a = 0; a < a_per_group; ++a)
      for (index_t b = 0; b < b_per_group; ++b) {
        const T* s = src + ((grp * a_per_group + a) * b_per_group + b) * vk;
        T* d = dst + ((grp * b_per_group + b) * a_per_group + a) * vk;
        for_each_index(kernel, [&](const extents3& k) {
          extents3 f{};
          for (std::size_t ax = 0; ax < spatial_slots; ++ax) f[ax] = kernel[ax] - 1 - k[ax];
          d[flat(kernel, k)] = s[flat(kernel, f)];
        });
      }
}
}  // namespace detail

// For a transposed geometry g: K (Co, Ci/G, k...) for conv_transpose_direct from
// W (Ci, Co/G, k...) for conv_transpose_adjoint, K[(g,o), i, k] = W[(g,i), o, K-1-k],
// so that conv_transpose_direct(x, K, g) == conv_transpose_adjoint(x, W, g).
// (Per-group swap + spatial flip.  A global swap of axes 0/1 is wrong for G > 1,
// except in the degenerate case Co/G == 1, e.g. transposing a depthwise conv.)
template <class T>
constexpr void direct_kernel_from_adjoint(const T* adjoint_w, T* direct_w, const conv_geometry& g) {
  validate(g, op_kind::transpose_adjoint);
  detail::grouped_swap_flip(adjoint_w, direct_w, g.groups, g.in_channels / g.groups, g.out_channels / g.groups,
                            detail::normalized(g).kernel);
}
// Inverse of direct_kernel_from_adjoint (the map is an involution up to the roles).
template <class T>
constexpr void adjoint_kernel_from_direct(const T* direct_w, T* adjoint_w, const conv_geometry& g) {
  validate(g, op_kind::transpose_direct);
  detail::grouped_swap_flip(direct_w, adjoint_w, g.groups, g.out_channels / g.groups, g.in_channels / g.groups,
                            detail::normalized(g).kernel);
}

}  // namespace axle::reference
