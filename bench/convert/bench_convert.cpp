// axle_bench_convert: materialising framework weight-layout conversions.
//
// For every case x shape it runs, in the same binary run:
//   axle          axle::detail::strided_copy (single thread)
//   axle_2t       axle::detail::strided_copy_parallel(..., 2)
//   axle_fresh    strided_copy into a freshly mmap'ed destination (page faults)
//   naive         odometer over the destination index + index math per element
//   tiled32       simple 32x32 tiled loop over the two channel axes, scalar
//   eigen         Eigen Tensor shuffle(...).reverse(...) into a preallocated
//                 tensor (single thread, DefaultDevice)
// and per tensor size:
//   memcpy_touched  memcpy into a pre-faulted buffer   (the reference)
//   memcpy_fresh    memcpy into a freshly mmap'ed buffer each iteration
//   memcpy_2t       two threads each memcpy half (reference for axle_2t)
//
// Bytes processed = tensor bytes (one direction), so GB/s is comparable with
// memcpy. Single-thread benchmarks are timed in thread CPU time (the machine
// is shared: wall time includes time the process was not scheduled); the
// two-thread ones (*_2t) can only be timed in wall time. bench/convert/report.py turns the JSON output into ratios to
// memcpy_touched of the same bytes from the same run.
#include <axle/axle.hpp>
#include <axle/convert.hpp>
#include <axle/detail/strided_copy.hpp>
#include <axle/view.hpp>

#include <benchmark/benchmark.h>
#include <unsupported/Eigen/CXX11/Tensor>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <numeric>
#include <string>
#include <thread>
#include <vector>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace {

using axle::detail::index_t;

// ---------------------------------------------------------------------------
// buffers
// ---------------------------------------------------------------------------
struct free_deleter {
  void operator()(float* p) const noexcept { std::free(p); }
};
using buffer = std::unique_ptr<float[], free_deleter>;

// AXLE_BENCH_THP=1: back every buffer (sources, destinations, memcpy
// reference alike) with transparent huge pages (2 MB aligned + madvise), to
// measure how much of a gap is TLB reach. Default: ordinary 4 KB pages.
bool use_thp() {
  static const bool on = [] {
    const char* e = std::getenv("AXLE_BENCH_THP");
    return e != nullptr && e[0] == '1';
  }();
  return on;
}

buffer make_buffer(index_t elems) {
  const std::size_t align = use_thp() ? (std::size_t{2} << 20) : 64;
  const std::size_t bytes = (static_cast<std::size_t>(elems) * sizeof(float) + align - 1) / align * align;
  auto* p = static_cast<float*>(std::aligned_alloc(align, bytes == 0 ? align : bytes));
  if (p == nullptr) std::abort();
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  if (use_thp()) ::madvise(p, bytes, MADV_HUGEPAGE);
#endif
  return buffer(p);
}

// A freshly mapped (never touched) destination, released after use.
struct fresh_buffer {
  float* p = nullptr;
  std::size_t bytes = 0;
  explicit fresh_buffer(index_t elems) : bytes(static_cast<std::size_t>(elems) * sizeof(float)) {
#if defined(__linux__)
    void* m = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) std::abort();
    p = static_cast<float*>(m);
#else
    p = static_cast<float*>(std::malloc(bytes));
#endif
  }
  ~fresh_buffer() {
#if defined(__linux__)
    ::munmap(p, bytes);
#else
    std::free(p);
#endif
  }
  fresh_buffer(const fresh_buffer&) = delete;
  fresh_buffer& operator=(const fresh_buffer&) = delete;
};

// ---------------------------------------------------------------------------
// conversion cases
// ---------------------------------------------------------------------------
struct conversion {
  std::string name;              // case name
  std::string shape;             // e.g. 512x512x3x3
  std::vector<index_t> src_shape;  // dense row-major source (possibly a view)
  std::vector<int> perm;         // destination axis k = source axis perm[k]
  std::vector<bool> flip;        // per destination axis
  std::vector<index_t> gather;   // non-empty: gather along destination axis 0
  std::array<int, 2> tile_axes{};  // destination axes tiled by tiled32

  // derived
  std::vector<index_t> extents, src_strides;
  index_t offset = 0, elems = 0;

  void derive() {
    const std::size_t r = src_shape.size();
    std::vector<index_t> st(r);
    index_t acc = 1;
    for (std::size_t q = r; q-- > 0;) {
      st[q] = acc;
      acc *= src_shape[q];
    }
    elems = acc;
    extents.resize(r);
    src_strides.resize(r);
    offset = 0;
    for (std::size_t k = 0; k < r; ++k) {
      const auto q = static_cast<std::size_t>(perm[k]);
      extents[k] = src_shape[q];
      src_strides[k] = flip[k] ? -st[q] : st[q];
      if (flip[k]) offset += (src_shape[q] - 1) * st[q];
    }
  }
  int rank() const { return static_cast<int>(extents.size()); }
  index_t bytes() const { return elems * static_cast<index_t>(sizeof(float)); }
};

std::string shape_name(const std::vector<index_t>& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i != 0) out.push_back('x');
    out.append(std::to_string(s[i]));
  }
  return out;
}

std::vector<conversion> make_cases() {
  const std::vector<std::vector<index_t>> shapes = {
      {64, 64, 3, 3}, {512, 512, 3, 3}, {1024, 1024, 4, 4}, {256, 256, 3, 3, 3}};
  std::vector<conversion> out;
  for (const auto& sh : shapes) {
    const std::size_t r = sh.size();
    const std::size_t ns = r - 2;  // spatial axes
    {  // 1. PyTorch ConvTranspose (I,O,k..) -> Equinox (O,I,k..), spatial flipped
      conversion c;
      c.name = "convT_to_eqx";
      c.shape = shape_name(sh);
      c.src_shape = sh;
      c.perm = {1, 0};
      c.flip = {false, false};
      for (std::size_t s = 0; s < ns; ++s) {
        c.perm.push_back(static_cast<int>(2 + s));
        c.flip.push_back(true);
      }
      c.tile_axes = {0, 1};
      out.push_back(c);
    }
    {  // 2. PyTorch conv (O,I,k..) -> TF (k..,I,O)
      conversion c;
      c.name = "conv_to_tf";
      c.shape = shape_name(sh);
      c.src_shape = sh;
      for (std::size_t s = 0; s < ns; ++s) c.perm.push_back(static_cast<int>(2 + s));
      c.perm.push_back(1);
      c.perm.push_back(0);
      c.flip.assign(r, false);
      c.tile_axes = {static_cast<int>(ns), static_cast<int>(ns + 1)};
      out.push_back(c);
    }
    if (r == 4) {  // 3. grouped ConvTranspose, G = 4: (G,I,O,kh,kw) -> (G,O,I,kh,kw) flipped
      conversion c;
      c.name = "grouped_convT";
      c.shape = shape_name(sh);
      c.src_shape = {4, sh[0] / 4, sh[1], sh[2], sh[3]};
      c.perm = {0, 2, 1, 3, 4};
      c.flip = {false, false, false, true, true};
      c.tile_axes = {1, 2};
      out.push_back(c);
    }
  }
  {  // 4. LSTM gate reorder: (4*512, 512) rows i,f,g,o -> i,o,f,g, as (4,512,512)
    conversion c;
    c.name = "lstm_reorder";
    c.shape = "2048x512";
    c.src_shape = {4, 512, 512};
    c.perm = {0, 1, 2};
    c.flip = {false, false, false};
    c.gather = {0, 3, 1, 2};
    c.tile_axes = {1, 2};
    out.push_back(c);
  }
  for (auto& c : out) c.derive();
  return out;
}

// ---------------------------------------------------------------------------
// implementations
// ---------------------------------------------------------------------------
void run_axle(const conversion& c, float* dst, const float* src) {
  if (!c.gather.empty())
    axle::detail::gather_axis_copy(dst, src + c.offset, c.rank(), c.extents.data(), c.src_strides.data(), 0,
                                   c.gather.data());
  else
    axle::detail::strided_copy(dst, src + c.offset, c.rank(), c.extents.data(), c.src_strides.data());
}

void run_axle_2t(const conversion& c, float* dst, const float* src) {
  if (!c.gather.empty()) {
    // block permutation along axis 0: each of the 4 blocks is a strided copy
    const index_t block = c.elems / c.extents[0];
    const index_t half = c.extents[0] / 2;
    auto part = [&](index_t lo, index_t hi) {
      for (index_t j = lo; j < hi; ++j)
        axle::detail::strided_copy(dst + j * block, src + c.offset + c.gather[static_cast<std::size_t>(j)] * c.src_strides[0],
                                   c.rank() - 1, c.extents.data() + 1, c.src_strides.data() + 1);
    };
    std::thread t(part, half, c.extents[0]);
    part(0, half);
    t.join();
    return;
  }
  axle::detail::strided_copy_parallel(dst, src + c.offset, c.rank(), c.extents.data(), c.src_strides.data(), 2);
}

// Source offset of destination axis 0 position j (handles the gather case).
index_t axis0_offset(const conversion& c, index_t j) {
  return c.gather.empty() ? j * c.src_strides[0] : c.gather[static_cast<std::size_t>(j)] * c.src_strides[0];
}

// naive: odometer over the destination index, source offset recomputed from
// the multi-index for every element.
void run_naive(const conversion& c, float* dst, const float* src) {
  const int r = c.rank();
  std::array<index_t, axle::detail::max_rank> idx{};
  const float* base = src + c.offset;
  for (index_t lin = 0; lin < c.elems; ++lin) {
    index_t off = axis0_offset(c, idx[0]);
    for (int k = 1; k < r; ++k) off += idx[static_cast<std::size_t>(k)] * c.src_strides[static_cast<std::size_t>(k)];
    dst[lin] = base[off];
    for (int k = r - 1; k >= 0; --k) {
      const auto uk = static_cast<std::size_t>(k);
      if (++idx[uk] < c.extents[uk]) break;
      idx[uk] = 0;
    }
  }
}

// Offsets of every position of destination axes [from, to) (destination
// order), for the source and the destination.
void axis_offsets(const conversion& c, const std::vector<index_t>& dstride, int from, int to,
                  std::vector<index_t>& so, std::vector<index_t>& dof) {
  so.assign(1, 0);
  dof.assign(1, 0);
  for (int k = from; k < to; ++k) {
    const auto uk = static_cast<std::size_t>(k);
    std::vector<index_t> s2, d2;
    for (std::size_t t = 0; t < so.size(); ++t)
      for (index_t i = 0; i < c.extents[uk]; ++i) {
        s2.push_back(so[t] + (k == 0 ? axis0_offset(c, i) : i * c.src_strides[uk]));
        d2.push_back(dof[t] + i * dstride[uk]);
      }
    so.swap(s2);
    dof.swap(d2);
  }
}

// tiled32: the simple 32x32 tiled loop. The two channel axes p < q (adjacent
// in the destination) are blocked 32x32; axes before p are iterated outside
// the tiles and axes after q inside (through a small offset table); scalar
// element copies, no coalescing, no SIMD.
void run_tiled32(const conversion& c, float* dst, const float* src) {
  const int r = c.rank();
  const int p = c.tile_axes[0], q = c.tile_axes[1];
  if (q != p + 1) std::abort();
  constexpr index_t B = 32;
  std::vector<index_t> dstride(static_cast<std::size_t>(r));
  index_t acc = 1;
  for (int k = r - 1; k >= 0; --k) {
    dstride[static_cast<std::size_t>(k)] = acc;
    acc *= c.extents[static_cast<std::size_t>(k)];
  }
  std::vector<index_t> outer_s, outer_d, inner_s, inner_d;
  axis_offsets(c, dstride, 0, p, outer_s, outer_d);
  axis_offsets(c, dstride, q + 1, r, inner_s, inner_d);
  const auto up = static_cast<std::size_t>(p), uq = static_cast<std::size_t>(q);
  const index_t np = c.extents[up], nq = c.extents[uq];
  const index_t dp = dstride[up], dq = dstride[uq];
  const auto ni = static_cast<index_t>(inner_s.size());
  const float* base = src + c.offset;
  for (std::size_t o = 0; o < outer_s.size(); ++o) {
    const float* so = base + outer_s[o];
    float* dout = dst + outer_d[o];
    for (index_t pb = 0; pb < np; pb += B)
      for (index_t qb = 0; qb < nq; qb += B) {
        const index_t pe = std::min(np, pb + B), qe = std::min(nq, qb + B);
        for (index_t ip = pb; ip < pe; ++ip) {
          const float* sp = so + (p == 0 ? axis0_offset(c, ip) : ip * c.src_strides[up]);
          for (index_t iq = qb; iq < qe; ++iq) {
            const float* sq = sp + iq * c.src_strides[uq];
            float* d = dout + ip * dp + iq * dq;
            for (index_t t = 0; t < ni; ++t) d[t] = sq[inner_s[static_cast<std::size_t>(t)]];
          }
        }
      }
  }
}

template <int R>
void run_eigen_rank(const conversion& c, float* dst, const float* src) {
  using in_map = Eigen::TensorMap<Eigen::Tensor<const float, R, Eigen::RowMajor>>;
  using out_map = Eigen::TensorMap<Eigen::Tensor<float, R, Eigen::RowMajor>>;
  Eigen::array<Eigen::Index, R> in_dims, out_dims;
  Eigen::array<int, R> shuffle;
  Eigen::array<bool, R> rev;
  for (int k = 0; k < R; ++k) {
    const auto uk = static_cast<std::size_t>(k);
    in_dims[uk] = c.src_shape[uk];
    out_dims[uk] = c.extents[uk];
    shuffle[uk] = c.perm[uk];
    rev[uk] = c.flip[uk];
  }
  in_map in(src, in_dims);
  out_map out(dst, out_dims);
  Eigen::DefaultDevice dev;
  if (!c.gather.empty()) {
    for (Eigen::Index j = 0; j < c.extents[0]; ++j)
      out.chip(j, 0).device(dev) = in.chip(c.gather[static_cast<std::size_t>(j)], 0);
    return;
  }
  out.device(dev) = in.shuffle(shuffle).reverse(rev);
}

void run_eigen(const conversion& c, float* dst, const float* src) {
  switch (c.rank()) {
    case 3: run_eigen_rank<3>(c, dst, src); break;
    case 4: run_eigen_rank<4>(c, dst, src); break;
    case 5: run_eigen_rank<5>(c, dst, src); break;
    default: std::abort();
  }
}

using impl_fn = void (*)(const conversion&, float*, const float*);

// ---------------------------------------------------------------------------
// benchmark bodies
// ---------------------------------------------------------------------------
struct shared_data {
  buffer src;
  index_t elems = 0;
};

shared_data& source_for(index_t elems) {
  static std::vector<std::unique_ptr<shared_data>> all;
  for (auto& s : all)
    if (s->elems == elems) return *s;
  auto s = std::make_unique<shared_data>();
  s->elems = elems;
  s->src = make_buffer(elems);
  for (index_t i = 0; i < elems; ++i) s->src[static_cast<std::size_t>(i)] = static_cast<float>(i % 1000003) * 0.5f;
  all.push_back(std::move(s));
  return *all.back();
}

void set_bytes(benchmark::State& st, index_t bytes) {
  st.SetBytesProcessed(static_cast<std::int64_t>(st.iterations()) * bytes);
  st.counters["MB"] = static_cast<double>(bytes) / 1e6;
}

// ---------------------------------------------------------------------------
// the library path: the same conversions between typed layouts through axle::convert_into, whose
// plan is derived at compile time and mapped onto the views at run time
// ---------------------------------------------------------------------------
namespace typed {
using namespace axle::axes;
using axle::flipped;
using axle::layout;
using axle::merged;
struct gate : axle::axis<"gate", axle::axis_kind::block> {};

template <class From, class To>
void convert(float* dst, const float* src, std::vector<index_t> shape, std::vector<axle::axis_size> sizes) {
  const axle::tensor_view<const float, From> s(src, std::span<const index_t>(shape), sizes);
  auto plan = axle::map_plan(axle::detail::derivation<From, To>::value, shape, sizes);
  axle::tensor_view<float, To> d(dst, std::span<const index_t>(plan.target_shape), sizes);
  axle::convert_into(s, d, axle::copy_options{.threads = 1});  // one thread, like the kernel case it is compared with
}
}  // namespace typed

void run_axle_convert(const conversion& c, float* dst, const float* src) {
  using namespace typed;
  const auto& sh = c.src_shape;
  if (c.name == "convT_to_eqx" && sh.size() == 4)
    convert<layout<I, O, flipped<H>, flipped<W>>, layout<O, I, H, W>>(dst, src, sh, {});
  else if (c.name == "convT_to_eqx")
    convert<layout<I, O, flipped<D>, flipped<H>, flipped<W>>, layout<O, I, D, H, W>>(dst, src, sh, {});
  else if (c.name == "conv_to_tf" && sh.size() == 4)
    convert<layout<O, I, H, W>, layout<H, W, I, O>>(dst, src, sh, {});
  else if (c.name == "conv_to_tf")
    convert<layout<O, I, D, H, W>, layout<D, H, W, I, O>>(dst, src, sh, {});
  else if (c.name == "grouped_convT")
    convert<layout<merged<G, I>, O, flipped<H>, flipped<W>>, layout<merged<G, O>, I, H, W>>(
        dst, src, {sh[0] * sh[1], sh[2], sh[3], sh[4]}, {{"G", sh[0]}});
  else
    convert<layout<merged<axle::labels<gate, "i,f,g,o">, O>, I>, layout<merged<axle::labels<gate, "i,o,f,g">, O>, I>>(
        dst, src, {sh[0] * sh[1], sh[2]}, {});
}

void bench_impl(benchmark::State& st, const conversion* c, impl_fn f) {
  const float* src = source_for(c->elems).src.get();
  buffer dst = make_buffer(c->elems);
  std::memset(dst.get(), 0, static_cast<std::size_t>(c->bytes()));
  for (auto _ : st) {
    f(*c, dst.get(), src);
    benchmark::DoNotOptimize(dst.get());
    benchmark::ClobberMemory();
  }
  set_bytes(st, c->bytes());
}

void bench_axle_fresh(benchmark::State& st, const conversion* c) {
  const float* src = source_for(c->elems).src.get();
  for (auto _ : st) {
    fresh_buffer dst(c->elems);
    run_axle(*c, dst.p, src);
    benchmark::DoNotOptimize(dst.p);
    benchmark::ClobberMemory();
  }
  set_bytes(st, c->bytes());
}

void bench_memcpy_touched(benchmark::State& st, index_t elems) {
  const float* src = source_for(elems).src.get();
  buffer dst = make_buffer(elems);
  const auto bytes = static_cast<std::size_t>(elems) * sizeof(float);
  std::memset(dst.get(), 0, bytes);
  for (auto _ : st) {
    std::memcpy(dst.get(), src, bytes);
    benchmark::DoNotOptimize(dst.get());
    benchmark::ClobberMemory();
  }
  set_bytes(st, static_cast<index_t>(bytes));
}

void bench_memcpy_fresh(benchmark::State& st, index_t elems) {
  const float* src = source_for(elems).src.get();
  const auto bytes = static_cast<std::size_t>(elems) * sizeof(float);
  for (auto _ : st) {
    fresh_buffer dst(elems);
    std::memcpy(dst.p, src, bytes);
    benchmark::DoNotOptimize(dst.p);
    benchmark::ClobberMemory();
  }
  set_bytes(st, static_cast<index_t>(bytes));
}

void bench_memcpy_2t(benchmark::State& st, index_t elems) {
  const float* src = source_for(elems).src.get();
  buffer dst = make_buffer(elems);
  const auto bytes = static_cast<std::size_t>(elems) * sizeof(float);
  std::memset(dst.get(), 0, bytes);
  const std::size_t half = bytes / 2 / 64 * 64;
  for (auto _ : st) {
    std::thread t([&] {
      std::memcpy(reinterpret_cast<char*>(dst.get()) + half, reinterpret_cast<const char*>(src) + half, bytes - half);
    });
    std::memcpy(dst.get(), src, half);
    t.join();
    benchmark::DoNotOptimize(dst.get());
    benchmark::ClobberMemory();
  }
  set_bytes(st, static_cast<index_t>(bytes));
}

// Check every implementation against the naive loop once before timing.
bool verify(const conversion& c) {
  const float* src = source_for(c.elems).src.get();
  buffer ref = make_buffer(c.elems), got = make_buffer(c.elems);
  run_naive(c, ref.get(), src);
  const std::array<std::pair<const char*, impl_fn>, 5> impls = {{{"axle", run_axle},
                                                                  {"axle_convert", run_axle_convert},
                                                                  {"axle_2t", run_axle_2t},
                                                                  {"tiled32", run_tiled32},
                                                                  {"eigen", run_eigen}}};
  bool ok = true;
  for (const auto& [name, f] : impls) {
    std::memset(got.get(), 0xff, static_cast<std::size_t>(c.bytes()));
    f(c, got.get(), src);
    if (std::memcmp(got.get(), ref.get(), static_cast<std::size_t>(c.bytes())) != 0) {
      std::fprintf(stderr, "MISMATCH: %s/%s/%s\n", c.name.c_str(), c.shape.c_str(), name);
      ok = false;
    }
  }
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  static const std::vector<conversion> cases = make_cases();
  bool ok = true;
  for (const auto& c : cases) ok = verify(c) && ok;
  if (!ok) return 1;

  std::vector<index_t> sizes;
  for (const auto& c : cases) {
    const std::string prefix = c.name + "/" + c.shape + "/";
    const conversion* cp = &c;
    benchmark::RegisterBenchmark((prefix + "axle").c_str(), bench_impl, cp, run_axle);
    benchmark::RegisterBenchmark((prefix + "axle_convert").c_str(), bench_impl, cp, run_axle_convert);
    benchmark::RegisterBenchmark((prefix + "axle_2t").c_str(), bench_impl, cp, run_axle_2t)->UseRealTime();
    benchmark::RegisterBenchmark((prefix + "axle_fresh").c_str(), bench_axle_fresh, cp);
    benchmark::RegisterBenchmark((prefix + "naive").c_str(), bench_impl, cp, run_naive);
    benchmark::RegisterBenchmark((prefix + "tiled32").c_str(), bench_impl, cp, run_tiled32);
    benchmark::RegisterBenchmark((prefix + "eigen").c_str(), bench_impl, cp, run_eigen);
    if (std::find(sizes.begin(), sizes.end(), c.elems) == sizes.end()) sizes.push_back(c.elems);
  }
  for (index_t e : sizes) {
    const std::string mb = std::to_string(e * 4) + "B";
    benchmark::RegisterBenchmark(("memcpy_touched/" + mb).c_str(), bench_memcpy_touched, e);
    benchmark::RegisterBenchmark(("memcpy_fresh/" + mb).c_str(), bench_memcpy_fresh, e);
    benchmark::RegisterBenchmark(("memcpy_2t/" + mb).c_str(), bench_memcpy_2t, e)->UseRealTime();
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
