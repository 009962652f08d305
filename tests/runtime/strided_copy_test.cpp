// Tests for axle::detail::strided_copy / strided_copy_parallel / gather_axis_copy.
// Every case is compared element by element against a naive index-mapping
// loop. Buffers are allocated at their exact size so that AddressSanitizer
// catches any out-of-range read or write.
#define BOOST_TEST_MODULE axle_strided_copy
#include <boost/test/unit_test.hpp>

#include <axle/detail/strided_copy.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <numeric>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace {

using axle::detail::index_t;

// A 3-byte element exercises the generic (non-SIMD) element size.
struct rgb {
  unsigned char c[3];
};

template <class T>
T make_value(std::uint64_t i) {
  T v;
  std::memset(&v, 0, sizeof v);
  // distinct bit patterns for the first 2^(8*sizeof) indices
  const std::uint64_t x = i * 0x9E3779B97F4A7C15ull + 0x1234567ull;
  std::memcpy(&v, &x, std::min(sizeof v, sizeof x));
  if constexpr (sizeof(T) > sizeof(std::uint64_t)) std::memcpy(reinterpret_cast<unsigned char*>(&v) + 8, &i, 8);
  return v;
}

template <class T>
bool same_bits(const T& a, const T& b) {
  return std::memcmp(&a, &b, sizeof(T)) == 0;
}

// One conversion problem: a source buffer and the view of it to copy.
struct problem {
  std::vector<index_t> extents;      // destination extents
  std::vector<index_t> src_strides;  // per destination axis
  index_t src_offset = 0;            // element of src landing at dst (0,..,0)
  index_t src_size = 0;              // elements in the source buffer
  std::string describe() const {
    std::ostringstream os;
    os << "extents=(";
    for (auto e : extents) os << e << ',';
    os << ") strides=(";
    for (auto s : src_strides) os << s << ',';
    os << ") offset=" << src_offset << " src_size=" << src_size;
    return os.str();
  }
};

index_t product(const std::vector<index_t>& v) {
  return std::accumulate(v.begin(), v.end(), index_t{1}, [](index_t a, index_t b) { return a * b; });
}

// Naive reference: for every destination linear index, unravel it and map.
template <class T>
void reference_copy(T* dst, const T* src, const problem& p) {
  const int rank = static_cast<int>(p.extents.size());
  const index_t total = product(p.extents);
  for (index_t lin = 0; lin < total; ++lin) {
    index_t rem = lin, off = 0;
    for (int k = rank - 1; k >= 0; --k) {
      const index_t i = rem % p.extents[k];
      rem /= p.extents[k];
      off += i * p.src_strides[k];
    }
    dst[lin] = src[off];
  }
}

// Build a problem from destination extents, a permutation (destination axis k
// is source axis perm[k]), a flip mask over destination axes and optional
// source padding / element step (to reach the generic paths).
problem make_problem(const std::vector<index_t>& extents, const std::vector<int>& perm, const std::vector<bool>& flip,
                     index_t inner_pad = 0, index_t elem_step = 1) {
  const std::size_t r = extents.size();
  std::vector<index_t> src_shape(r);
  for (std::size_t k = 0; k < r; ++k) src_shape[static_cast<std::size_t>(perm[k])] = extents[k];
  std::vector<index_t> src_stride(r);
  index_t acc = elem_step;
  for (std::size_t q = r; q-- > 0;) {
    src_stride[q] = acc;
    acc *= src_shape[q] + (q + 1 == r ? inner_pad : 0);
  }
  problem p;
  p.extents = extents;
  p.src_strides.resize(r);
  const bool empty = product(extents) == 0;
  p.src_size = empty ? 0 : std::max<index_t>(acc, 1);
  for (std::size_t k = 0; k < r; ++k) {
    const index_t s = src_stride[static_cast<std::size_t>(perm[k])];
    if (flip[k]) {
      p.src_strides[k] = -s;
      if (!empty) p.src_offset += (extents[k] - 1) * s;
    } else {
      p.src_strides[k] = s;
    }
  }
  return p;
}

enum class variant { serial, parallel2, parallel3, forced_nt };

template <class T>
void check_problem(const problem& p, variant v = variant::serial) {
  const index_t total = product(p.extents);
  std::vector<T> src(static_cast<std::size_t>(p.src_size));
  for (std::size_t i = 0; i < src.size(); ++i) src[i] = make_value<T>(i);
  std::vector<T> expect(static_cast<std::size_t>(total)), got(static_cast<std::size_t>(total));
  const T sentinel = make_value<T>(~std::uint64_t{0});
  std::fill(got.begin(), got.end(), sentinel);
  const T* s = src.data() + p.src_offset;
  if (total > 0) reference_copy(expect.data(), s, p);
  const int rank = static_cast<int>(p.extents.size());
  switch (v) {
    case variant::serial:
      axle::detail::strided_copy(got.data(), s, rank, p.extents.data(), p.src_strides.data());
      break;
    case variant::parallel2:
      axle::detail::strided_copy_parallel(got.data(), s, rank, p.extents.data(), p.src_strides.data(), 2);
      break;
    case variant::parallel3:
      axle::detail::strided_copy_parallel(got.data(), s, rank, p.extents.data(), p.src_strides.data(), 3);
      break;
    case variant::forced_nt: {
      // internal entry point, told the copy is huge: takes the staged
      // non-temporal-store paths on a small tensor
      axle::detail::strided_copy_impl::box b;
      if (axle::detail::strided_copy_impl::make_box(b, rank, p.extents.data(), p.src_strides.data()))
        axle::detail::strided_copy_impl::exec(got.data(), s, b, axle::detail::index_t{1} << 40);
      break;
    }
  }
  index_t bad = 0, first_bad = -1;
  for (std::size_t i = 0; i < got.size(); ++i)
    if (!same_bits(got[i], expect[i])) {
      if (first_bad < 0) first_bad = static_cast<index_t>(i);
      ++bad;
    }
  BOOST_TEST(bad == 0, "sizeof(T)=" << sizeof(T) << " " << p.describe()
                                     << " mismatches=" << bad << " first at " << first_bad);
}

template <class T>
void check_all_variants(const problem& p) {
  check_problem<T>(p, variant::serial);
  check_problem<T>(p, variant::parallel2);
}

std::vector<int> iota_perm(std::size_t r) {
  std::vector<int> v(r);
  std::iota(v.begin(), v.end(), 0);
  return v;
}

// Random permutation + flip cases, ranks 1..6, odd sizes, empty and size-1
// axes, optionally padded or element-strided sources.
template <class T>
void random_cases(unsigned seed, int count, index_t max_elems) {
  std::mt19937 rng(seed);
  const std::array<index_t, 16> sizes = {0, 1, 1, 2, 3, 3, 4, 5, 7, 8, 9, 13, 16, 17, 31, 33};
  for (int c = 0; c < count; ++c) {
    const int rank = 1 + static_cast<int>(rng() % 6);
    std::vector<index_t> ext(static_cast<std::size_t>(rank));
    index_t total = 1;
    for (auto& e : ext) {
      do {
        e = sizes[rng() % sizes.size()];
        if (rng() % 8 == 0) e = 1 + static_cast<index_t>(rng() % 70);  // occasional long axis
      } while (total * std::max<index_t>(e, 1) > max_elems);
      total *= std::max<index_t>(e, 1);
    }
    if (rng() % 10 != 0)  // mostly non-empty
      for (auto& e : ext)
        if (e == 0) e = 1 + static_cast<index_t>(rng() % 3);
    std::vector<int> perm = iota_perm(ext.size());
    std::shuffle(perm.begin(), perm.end(), rng);
    std::vector<bool> flip(ext.size());
    for (std::size_t k = 0; k < flip.size(); ++k) flip[k] = rng() % 2 == 0;
    const index_t pad = rng() % 6 == 0 ? static_cast<index_t>(rng() % 3) : 0;
    const index_t step = rng() % 8 == 0 ? 2 : 1;
    check_problem<T>(make_problem(ext, perm, flip, pad, step));
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(strided_copy_suite)

BOOST_AUTO_TEST_CASE(rank0_copies_one_element) {
  float src = 3.5f, dst = 0.0f;
  axle::detail::strided_copy(&dst, &src, 0, nullptr, nullptr);
  BOOST_TEST(dst == 3.5f);
  double s2 = -1.25, d2 = 0.0;
  axle::detail::strided_copy_parallel(&d2, &s2, 0, nullptr, nullptr, 2);
  BOOST_TEST(d2 == -1.25);
}

BOOST_AUTO_TEST_CASE(empty_axes_write_nothing) {
  const std::array<index_t, 3> ext = {4, 0, 5};
  const std::array<index_t, 3> str = {1, 4, 0};
  float dst = 42.0f;  // nothing may be written (destination has 0 elements)
  axle::detail::strided_copy(&dst, static_cast<const float*>(nullptr), 3, ext.data(), str.data());
  axle::detail::strided_copy_parallel(&dst, static_cast<const float*>(nullptr), 3, ext.data(), str.data(), 2);
  BOOST_TEST(dst == 42.0f);
}

BOOST_AUTO_TEST_CASE(size_one_axes) {
  check_all_variants<float>(make_problem({1, 1, 1}, {2, 0, 1}, {true, false, true}));
  check_all_variants<float>(make_problem({1, 7, 1, 3}, {3, 1, 0, 2}, {true, true, false, true}));
  check_all_variants<double>(make_problem({5, 1, 1, 1, 1, 1, 2}, {6, 5, 4, 3, 2, 1, 0}, std::vector<bool>(7, true)));
}

BOOST_AUTO_TEST_CASE(max_rank_identity_and_reverse) {
  std::vector<index_t> ext = {2, 3, 2, 1, 3, 2, 2, 3};
  check_all_variants<std::uint16_t>(make_problem(ext, iota_perm(8), std::vector<bool>(8, false)));
  check_all_variants<std::uint16_t>(make_problem(ext, {7, 6, 5, 4, 3, 2, 1, 0}, std::vector<bool>(8, true)));
  check_all_variants<float>(make_problem(ext, {1, 0, 3, 2, 5, 4, 7, 6}, {true, false, true, false, true, false, true, false}));
}

BOOST_AUTO_TEST_CASE(invalid_arguments_throw) {
  std::array<index_t, 9> ext{}, str{};
  ext.fill(1);
  float a = 0, b = 0;
  BOOST_CHECK_THROW(axle::detail::strided_copy(&a, &b, 9, ext.data(), str.data()), std::invalid_argument);
  BOOST_CHECK_THROW(axle::detail::strided_copy(&a, &b, -1, ext.data(), str.data()), std::invalid_argument);
  ext[0] = -2;
  BOOST_CHECK_THROW(axle::detail::strided_copy(&a, &b, 1, ext.data(), str.data()), std::invalid_argument);
  ext[0] = 1;
  const index_t idx = 0;
  BOOST_CHECK_THROW(axle::detail::gather_axis_copy(&a, &b, 1, ext.data(), str.data(), 1, &idx), std::invalid_argument);
}

// The framework conversions the benchmarks measure, at small sizes that
// still take the tiled paths (runs of 9/16/27 elements, transposes).
BOOST_AUTO_TEST_CASE(framework_conversions) {
  for (index_t k : {index_t{1}, index_t{2}, index_t{3}, index_t{4}, index_t{5}}) {
    // PyTorch ConvTranspose (I,O,kh,kw) -> Equinox (O,I,kh,kw), flip kh,kw
    check_all_variants<float>(make_problem({37, 70, k, k}, {1, 0, 2, 3}, {false, false, true, true}));
    // PyTorch conv (O,I,kh,kw) -> TF (kh,kw,I,O)
    check_all_variants<float>(make_problem({k, k, 45, 67}, {2, 3, 1, 0}, {false, false, false, false}));
    // and back TF -> PyTorch
    check_all_variants<float>(make_problem({67, 45, k, k}, {3, 2, 0, 1}, {false, false, false, false}));
    // 3-D kernels
    check_all_variants<float>(make_problem({19, 23, k, k, 3}, {1, 0, 2, 3, 4}, {false, false, true, true, true}));
    check_all_variants<double>(make_problem({k, k, 3, 19, 23}, {2, 3, 4, 1, 0}, {false, false, false, false, false}));
    // grouped ConvTranspose, G=4: (G,I,O,kh,kw) -> (G,O,I,kh,kw) flipped
    check_all_variants<float>(make_problem({4, 21, 13, k, k}, {0, 2, 1, 3, 4}, {false, false, false, true, true}));
    check_all_variants<std::uint16_t>(make_problem({4, 21, 13, k, k}, {0, 2, 1, 3, 4}, {false, false, false, true, true}));
  }
}

BOOST_AUTO_TEST_CASE(transpose_edges_all_element_sizes) {
  // matrix transposes with every edge combination of the 8/4/2-wide blocks,
  // forward and reversed along the source-contiguous axis
  for (index_t m : {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 33, 40})
    for (index_t n : {1, 2, 3, 5, 8, 9, 31, 32, 33, 65})
      for (bool f0 : {false, true})
        for (bool f1 : {false, true}) {
          const problem p = make_problem({m, n}, {1, 0}, {f0, f1});
          check_problem<std::uint16_t>(p);
          check_problem<float>(p);
          check_problem<double>(p);
          check_problem<rgb>(p);
        }
}

// Transposes whose source-contiguous axis b (the taps) continues in memory
// along another axis c (input channels): PyTorch conv weights (O, I, kh, kw)
// made (kh, kw, I, O), which tile b and c as one joint axis. Joint lengths
// that are not a multiple of the tile, destination rows (O) shorter than and
// not a multiple of the SIMD width, tiny sizes, and blocks along O read at a
// source offset (as the convert-checkpoint tool writes them), serial and with
// non-temporal stores. Tap counts that blocks divide (4x4) and reversed or
// permuted variants take the other tilings: they are checked alongside.
template <class T>
void check_fused_taps(index_t o, index_t i, index_t kh, index_t kw) {
  // destination (kh, kw, I, O) from source (O, I, kh, kw)
  const problem whole = make_problem({kh, kw, i, o}, {2, 3, 1, 0}, {false, false, false, false});
  check_problem<T>(whole);
  check_problem<T>(whole, variant::forced_nt);
  check_problem<T>(whole, variant::parallel2);
  // blocks of O: destination (K, I, n) at source offset o0 * I * K
  const index_t k = kh * kw;
  for (index_t n : {index_t{1}, index_t{3}, index_t{7}}) {
    if (n > o) continue;
    const index_t o0 = o - n;  // last block: its source ends at the buffer's end
    problem p;
    p.extents = {k, i, n};
    p.src_strides = {1, k, i * k};
    p.src_offset = o0 * i * k;
    p.src_size = o * i * k;
    check_problem<T>(p);
    check_problem<T>(p, variant::forced_nt);
  }
  // same taps with a reversed tap axis (not fusable: the existing tiling)
  check_problem<T>(make_problem({kh, kw, i, o}, {2, 3, 1, 0}, {true, true, false, false}));
}

BOOST_AUTO_TEST_CASE(transpose_fused_taps_all_element_sizes) {
  const std::array<std::array<index_t, 2>, 5> kernels = {{{3, 3}, {1, 3}, {5, 5}, {3, 1}, {4, 4}}};
  for (const auto& kk : kernels)
    for (index_t o : {1, 2, 3, 5, 7, 9, 17, 33, 70})
      for (index_t i : {1, 2, 3, 7, 8, 13}) {
        check_fused_taps<std::uint8_t>(o, i, kk[0], kk[1]);
        check_fused_taps<std::uint16_t>(o, i, kk[0], kk[1]);
        check_fused_taps<float>(o, i, kk[0], kk[1]);
        check_fused_taps<double>(o, i, kk[0], kk[1]);
      }
  // longer joint axes (several tiles, partial last tile) and rows longer than one tile
  for (const auto& kk : kernels) {
    check_fused_taps<std::uint16_t>(131, 45, kk[0], kk[1]);
    check_fused_taps<float>(131, 45, kk[0], kk[1]);
    check_fused_taps<float>(64, 64, kk[0], kk[1]);
    check_fused_taps<double>(37, 29, kk[0], kk[1]);
  }
  // 3-D kernels (27 taps) and an extra leading axis iterated outside the tiles
  check_fused_taps<std::uint16_t>(19, 11, 9, 3);
  check_fused_taps<float>(19, 11, 9, 3);
  check_problem<float>(make_problem({4, 3, 3, 10, 21}, {0, 3, 4, 2, 1}, {false, false, false, false, false}));
  check_problem<std::uint16_t>(make_problem({4, 3, 3, 10, 21}, {0, 3, 4, 2, 1}, {false, false, false, false, false}));
}

BOOST_AUTO_TEST_CASE(long_runs_forward_and_reversed) {
  for (index_t n : {1, 3, 4, 15, 16, 17, 63, 64, 65, 100, 257, 1000})
    for (bool f : {false, true}) {
      const problem p = make_problem({3, n}, {0, 1}, {true, f});
      check_problem<std::uint16_t>(p);
      check_problem<float>(p);
      check_problem<double>(p);
      check_problem<rgb>(p);
      const problem q = make_problem({n, 5, 2}, {1, 0, 2}, {false, true, f});
      check_problem<std::uint16_t>(q);
      check_problem<float>(q);
      check_problem<double>(q);
    }
}

BOOST_AUTO_TEST_CASE(random_permutations_and_flips_fp32) { random_cases<float>(1u, 1500, 40000); }
BOOST_AUTO_TEST_CASE(random_permutations_and_flips_fp64) { random_cases<double>(2u, 800, 40000); }
BOOST_AUTO_TEST_CASE(random_permutations_and_flips_fp16) { random_cases<std::uint16_t>(3u, 800, 40000); }
BOOST_AUTO_TEST_CASE(random_permutations_and_flips_3byte) { random_cases<rgb>(4u, 300, 20000); }

BOOST_AUTO_TEST_CASE(non_temporal_store_paths) {
  std::mt19937 rng(11);
  for (index_t k : {index_t{2}, index_t{3}, index_t{4}}) {
    for (const problem& p : {make_problem({37, 70, k, k}, {1, 0, 2, 3}, {false, false, true, true}),
                             make_problem({k, k, 45, 67}, {2, 3, 1, 0}, {false, false, false, false}),
                             make_problem({4, 21, 13, k, k}, {0, 2, 1, 3, 4}, {false, false, false, true, true}),
                             make_problem({19, 23, k, k, 3}, {1, 0, 2, 3, 4}, {false, false, true, true, true})}) {
      check_problem<float>(p, variant::forced_nt);
      check_problem<double>(p, variant::forced_nt);
      check_problem<std::uint16_t>(p, variant::forced_nt);
    }
  }
  const std::array<index_t, 8> sizes = {1, 2, 3, 5, 9, 16, 17, 40};
  for (int c = 0; c < 400; ++c) {
    const int rank = 1 + static_cast<int>(rng() % 5);
    std::vector<index_t> ext(static_cast<std::size_t>(rank));
    for (auto& e : ext) e = sizes[rng() % sizes.size()];
    std::vector<int> perm = iota_perm(ext.size());
    std::shuffle(perm.begin(), perm.end(), rng);
    std::vector<bool> flip(ext.size());
    for (std::size_t q = 0; q < flip.size(); ++q) flip[q] = rng() % 2 == 0;
    const problem p = make_problem(ext, perm, flip);
    check_problem<float>(p, variant::forced_nt);
    check_problem<std::uint16_t>(p, variant::forced_nt);
  }
}

BOOST_AUTO_TEST_CASE(parallel_large_tensors) {
  // above parallel_min_bytes so that the threaded path really splits
  const problem p1 = make_problem({150, 130, 3, 3}, {1, 0, 2, 3}, {false, false, true, true});
  const problem p2 = make_problem({3, 3, 130, 150}, {2, 3, 1, 0}, {false, false, false, false});
  const problem p3 = make_problem({4, 70, 60, 3, 3}, {0, 2, 1, 3, 4}, {false, false, false, true, true});
  const problem p4 = make_problem({9, 300, 130}, {2, 1, 0}, {true, false, true});
  for (const problem* p : {&p1, &p2, &p3, &p4}) {
    check_problem<float>(*p, variant::parallel2);
    check_problem<float>(*p, variant::parallel3);
    check_problem<double>(*p, variant::parallel2);
  }
}

BOOST_AUTO_TEST_CASE(gather_axis_lstm_gate_reorder) {
  // (4*H, In) rows in blocks i,f,g,o -> i,o,f,g
  const index_t H = 37, In = 29;
  std::vector<float> src(static_cast<std::size_t>(4 * H * In));
  for (std::size_t i = 0; i < src.size(); ++i) src[i] = static_cast<float>(i);
  std::vector<float> dst(src.size(), -1.0f);
  const std::array<index_t, 3> ext = {4, H, In};
  const std::array<index_t, 3> str = {H * In, In, 1};
  const std::array<index_t, 4> order = {0, 3, 1, 2};
  axle::detail::gather_axis_copy(dst.data(), src.data(), 3, ext.data(), str.data(), 0, order.data());
  for (index_t g = 0; g < 4; ++g)
    for (index_t r = 0; r < H; ++r)
      for (index_t c = 0; c < In; ++c)
        BOOST_TEST(dst[static_cast<std::size_t>((g * H + r) * In + c)] ==
                   src[static_cast<std::size_t>((order[static_cast<std::size_t>(g)] * H + r) * In + c)]);
}

BOOST_AUTO_TEST_CASE(gather_axis_random) {
  std::mt19937 rng(7);
  for (int c = 0; c < 300; ++c) {
    const int rank = 1 + static_cast<int>(rng() % 4);
    std::vector<index_t> ext(static_cast<std::size_t>(rank));
    for (auto& e : ext) e = 1 + static_cast<index_t>(rng() % 9);
    std::vector<int> perm = iota_perm(ext.size());
    std::shuffle(perm.begin(), perm.end(), rng);
    std::vector<bool> flip(ext.size());
    for (std::size_t k = 0; k < flip.size(); ++k) flip[k] = rng() % 2 == 0;
    problem p = make_problem(ext, perm, flip);
    const int axis = static_cast<int>(rng() % static_cast<unsigned>(rank));
    const auto ax = static_cast<std::size_t>(axis);
    // gather indices (with repeats); relative to the axis' first element
    std::vector<index_t> index(static_cast<std::size_t>(ext[ax]));
    for (auto& i : index) i = static_cast<index_t>(rng() % static_cast<unsigned>(ext[ax]));
    const index_t total = product(ext);
    std::vector<double> src(static_cast<std::size_t>(p.src_size));
    for (std::size_t i = 0; i < src.size(); ++i) src[i] = static_cast<double>(i);
    std::vector<double> got(static_cast<std::size_t>(total), -1.0), expect(got.size());
    const double* s = src.data() + p.src_offset;
    for (index_t lin = 0; lin < total; ++lin) {
      index_t rem = lin, off = 0;
      for (int k = rank - 1; k >= 0; --k) {
        const auto uk = static_cast<std::size_t>(k);
        index_t i = rem % ext[uk];
        rem /= ext[uk];
        if (k == axis) i = index[static_cast<std::size_t>(i)];
        off += i * p.src_strides[uk];
      }
      expect[static_cast<std::size_t>(lin)] = s[off];
    }
    axle::detail::gather_axis_copy(got.data(), s, rank, ext.data(), p.src_strides.data(), axis, index.data());
    BOOST_TEST(got == expect, boost::test_tools::per_element());
  }
}

BOOST_AUTO_TEST_SUITE_END()
