// Element access through a typed view costs what raw pointer arithmetic costs.
//
// Sums a (256, 256, 3, 3) float weight, (O, I, H, W), every element once, in loops over o, i, h,
// w: through w(O{o}, I{i}, H{h}, W{w}) and through raw pointer arithmetic on the same extents.
// Each variant is its own non-inlined function, so that callgrind counts its instructions alone
// (measure.sh). Built at -O2 with NDEBUG (AXLE_CHECK_BOUNDS off, as in any release build).
//
// Pairs that know the same things are compared:
//   raw         C-order index arithmetic on a contiguous buffer   vs  contiguous_view (named, in
//               another order, positional)
//   raw_strided index arithmetic with run-time strides            vs  tensor_view (strided: any
//               plan view), named and positional
//   raw_static  C-order with 3 x 3 compile-time kernel extents    vs  contiguous_view with static
//               extents <dyn, dyn, 3, 3>
//   raw_flipped C-order, H and W reversed by hand                 vs  contiguous_view of (O, I, H~, W~)
//
//   access <variant> [repetitions]     variant: one of the above, or all
#include <axle/view.hpp>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <numeric>
#include <vector>

using namespace axle::axes;
using axle::index_t;
using oihw = axle::layout<O, I, H, W>;
using torch_conv_transpose = axle::layout<O, I, axle::flipped<H>, axle::flipped<W>>;

using contiguous = axle::contiguous_view<const float, oihw>;
using strided = axle::tensor_view<const float, oihw>;

// --- a contiguous buffer with run-time extents --------------------------------------------------

[[gnu::noinline]] float sum_raw(const float* p, index_t no, index_t ni, index_t nh, index_t nw) {
  float s = 0;
  for (index_t o = 0; o < no; ++o)
    for (index_t i = 0; i < ni; ++i)
      for (index_t h = 0; h < nh; ++h)
        for (index_t w = 0; w < nw; ++w) s += p[((o * ni + i) * nh + h) * nw + w];
  return s;
}

[[gnu::noinline]] float sum_named(contiguous v) {
  float s = 0;
  for (index_t o = 0; o < v.extent(O{}); ++o)
    for (index_t i = 0; i < v.extent(I{}); ++i)
      for (index_t h = 0; h < v.extent(H{}); ++h)
        for (index_t w = 0; w < v.extent(W{}); ++w) s += v(O{o}, I{i}, H{h}, W{w});
  return s;
}

[[gnu::noinline]] float sum_named_reordered(contiguous v) {
  float s = 0;
  for (index_t o = 0; o < v.extent(O{}); ++o)
    for (index_t i = 0; i < v.extent(I{}); ++i)
      for (index_t h = 0; h < v.extent(H{}); ++h)
        for (index_t w = 0; w < v.extent(W{}); ++w) s += v(W{w}, H{h}, I{i}, O{o});
  return s;
}

[[gnu::noinline]] float sum_positional(contiguous v) {
  float s = 0;
  for (index_t o = 0; o < v.extent(0); ++o)
    for (index_t i = 0; i < v.extent(1); ++i)
      for (index_t h = 0; h < v.extent(2); ++h)
        for (index_t w = 0; w < v.extent(3); ++w) s += v(o, i, h, w);
  return s;
}

// --- run-time strides: what a plan view has --------------------------------------------------

[[gnu::noinline]] float sum_raw_strided(const float* p, index_t no, index_t ni, index_t nh, index_t nw, index_t so, index_t si,
                                        index_t sh, index_t sw) {
  float s = 0;
  for (index_t o = 0; o < no; ++o)
    for (index_t i = 0; i < ni; ++i)
      for (index_t h = 0; h < nh; ++h)
        for (index_t w = 0; w < nw; ++w) s += p[o * so + i * si + h * sh + w * sw];
  return s;
}

[[gnu::noinline]] float sum_named_strided(strided v) {
  float s = 0;
  for (index_t o = 0; o < v.extent(O{}); ++o)
    for (index_t i = 0; i < v.extent(I{}); ++i)
      for (index_t h = 0; h < v.extent(H{}); ++h)
        for (index_t w = 0; w < v.extent(W{}); ++w) s += v(O{o}, I{i}, H{h}, W{w});
  return s;
}

[[gnu::noinline]] float sum_positional_strided(strided v) {
  float s = 0;
  for (index_t o = 0; o < v.extent(0); ++o)
    for (index_t i = 0; i < v.extent(1); ++i)
      for (index_t h = 0; h < v.extent(2); ++h)
        for (index_t w = 0; w < v.extent(3); ++w) s += v(o, i, h, w);
  return s;
}

// --- static kernel extents (3 x 3), as a kernel specialised for its weight would have ----------

[[gnu::noinline]] float sum_raw_static(const float* p, index_t no, index_t ni) {
  float s = 0;
  for (index_t o = 0; o < no; ++o)
    for (index_t i = 0; i < ni; ++i)
      for (index_t h = 0; h < 3; ++h)
        for (index_t w = 0; w < 3; ++w) s += p[((o * ni + i) * 3 + h) * 3 + w];
  return s;
}

using static_view = axle::contiguous_view<const float, oihw, axle::extents<axle::dynamic_extent, axle::dynamic_extent, 3, 3>>;
[[gnu::noinline]] float sum_named_static(static_view v) {
  float s = 0;
  for (index_t o = 0; o < v.extent(O{}); ++o)
    for (index_t i = 0; i < v.extent(I{}); ++i)
      for (index_t h = 0; h < 3; ++h)
        for (index_t w = 0; w < 3; ++w) s += v(O{o}, I{i}, H{h}, W{w});
  return s;
}

// --- a flipped layout: the view reverses H and W itself; raw code does it by hand ---------------

[[gnu::noinline]] float sum_raw_flipped(const float* p, index_t no, index_t ni, index_t nh, index_t nw) {
  float s = 0;
  for (index_t o = 0; o < no; ++o)
    for (index_t i = 0; i < ni; ++i)
      for (index_t h = 0; h < nh; ++h)
        for (index_t w = 0; w < nw; ++w) s += p[((o * ni + i) * nh + (nh - 1 - h)) * nw + (nw - 1 - w)];
  return s;
}

[[gnu::noinline]] float sum_named_flipped(axle::contiguous_view<const float, torch_conv_transpose> v) {
  float s = 0;
  for (index_t o = 0; o < v.extent(O{}); ++o)
    for (index_t i = 0; i < v.extent(I{}); ++i)
      for (index_t h = 0; h < v.extent(H{}); ++h)
        for (index_t w = 0; w < v.extent(W{}); ++w) s += v(O{o}, I{i}, H{h}, W{w});
  return s;
}

int main(int argc, char** argv) {
  const char* variant = argc > 1 ? argv[1] : "all";
  const int repetitions = argc > 2 ? std::atoi(argv[2]) : 1;
  // Extents the optimiser cannot see (no constant propagation into the measured functions).
  static volatile index_t opaque[3] = {256, 256, 3};
  const index_t no = opaque[0], ni = opaque[1], nk = opaque[2];
  std::vector<float> buf(static_cast<std::size_t>(no * ni * nk * nk));
  for (std::size_t k = 0; k < buf.size(); ++k) buf[k] = static_cast<float>(k % 7) * 0.25f;
  const contiguous v(buf, {no, ni, nk, nk});
  const strided sv(buf, {no, ni, nk, nk});
  const static_view kv(buf, {no, ni, nk, nk});
  const axle::contiguous_view<const float, torch_conv_transpose> fv(buf, {no, ni, nk, nk});
  const auto is = [&](const char* name) { return std::strcmp(variant, name) == 0 || std::strcmp(variant, "all") == 0; };
  float total = 0;
  for (int r = 0; r < repetitions; ++r) {
    if (is("raw")) total += sum_raw(buf.data(), no, ni, nk, nk);
    if (is("named")) total += sum_named(v);
    if (is("named_reordered")) total += sum_named_reordered(v);
    if (is("positional")) total += sum_positional(v);
    if (is("raw_strided")) total += sum_raw_strided(buf.data(), no, ni, nk, nk, sv.stride(0), sv.stride(1), sv.stride(2), sv.stride(3));
    if (is("named_strided")) total += sum_named_strided(sv);
    if (is("positional_strided")) total += sum_positional_strided(sv);
    if (is("raw_static")) total += sum_raw_static(buf.data(), no, ni);
    if (is("named_static")) total += sum_named_static(kv);
    if (is("raw_flipped")) total += sum_raw_flipped(buf.data(), no, ni, nk, nk);
    if (is("named_flipped")) total += sum_named_flipped(fv);
  }
  std::printf("%s: %.1f\n", variant, static_cast<double>(total));
}
