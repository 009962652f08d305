// Plans on buffers: every plan kind materialised on random data and checked element by element
// against the core's index mapping (axle::map_plan + axle::copy_by_index) and against named
// element access; zero-copy plan views; views of views; convert_into and its checks; the
// parallel, gather and high-rank paths of materialisation.
#define BOOST_TEST_MODULE convert
#include <boost/test/unit_test.hpp>

#include "messages.hpp"

#include <axle/convert.hpp>
#include <axle/dynamic_view.hpp>
#include <axle/mapping.hpp>
#include <axle/view.hpp>

#include <array>
#include <cstdint>
#include <numeric>
#include <random>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

using namespace axle;
using namespace axle::axes;

namespace {

using axle::testing::check_message;
using axle::testing::check_message_contains;

struct gate : axis<"gate", axis_kind::block> {};
struct batch : axis<"B", axis_kind::batch> {};
struct heads : axis<"heads"> {};
struct seq : axis<"seq"> {};
struct feature : axis<"feature"> {};

// Layouts of real frameworks (see tests/static/laws.cpp and the catalogue).
using oihw = layout<O, I, H, W>;
using hwio = layout<H, W, I, O>;
using torch_conv_transpose = layout<I, O, flipped<H>, flipped<W>>;
using torch_grouped_transpose = layout<merged<G, I>, O, flipped<H>, flipped<W>>;
using equinox_grouped_transpose = layout<merged<G, O>, I, H, W>;
using onednn_OIhw16i16o = layout<outer<O, 16>, outer<I, 16>, H, W, inner<I, 16>, inner<O, 16>>;
using onednn_OIhw4i16o4i = layout<outer<O, 16>, outer<I, 16>, H, W, inner<I, 4, 4>, inner<O, 16>, inner<I, 4>>;
using torch_lstm = layout<merged<labels<gate, "i,f,g,o">, O>, I>;
using onnx_lstm = layout<merged<labels<gate, "i,o,f,g">, O>, I>;
using keras_lstm = layout<I, merged<labels<gate, "i,f,g,o">, O>>;
using torch_depthwise = layout<merged<G, M>, unit<I>, H, W>;
using tflite_depthwise = layout<unit<I>, H, W, merged<G, M>>;
using depthwise_kernel = layout<H, W, G, M>;
using sdpa = layout<batch, heads, seq, feature>;
using flash = layout<batch, seq, heads, feature>;
using conv3d_grouped = layout<merged<G, O>, I, D, H, W>;
using conv3d_channels_last = layout<D, H, W, I, merged<G, O>>;

std::vector<int> random_ints(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> d(-1000000, 1000000);
  std::vector<int> v(n);
  for (int& x : v) x = d(rng);
  return v;
}

index_t product(const std::vector<index_t>& shape) {
  index_t n = 1;
  for (index_t e : shape) n *= e;
  return n;
}

/// The elements of a view in its storage order (row-major over atoms), whatever its strides.
template <class V>
std::vector<typename V::value_type> elements(const V& v) {
  std::vector<typename V::value_type> out;
  if (v.empty()) return out;
  constexpr std::size_t n = V::atom_count();
  std::array<index_t, n> idx{};
  for (;;) {
    index_t off = 0;
    for (std::size_t k = 0; k < n; ++k) off += idx[k] * v.stride(k);
    out.push_back(v.data()[off]);
    std::size_t k = n;
    for (;;) {
      if (k == 0) return out;
      --k;
      if (++idx[k] < v.extent(k)) break;
      idx[k] = 0;
    }
  }
}

template <class... Axes>
struct axes_t {};
/// Layouts whose labelled blocks are in different orders: compared by label separately.
struct by_label {};
template <class A, class B>
void same_by_name(by_label, const A&, const B&) {}

/// a and b hold the same element at every named index of Axes (their whole extents).
template <class... Axes, class A, class B>
void same_by_name(axes_t<Axes...>, const A& a, const B& b) {
  constexpr std::size_t n = sizeof...(Axes);
  const std::array<index_t, n> ext{a.extent(Axes{})...};
  const std::array<index_t, n> ext_b{b.extent(Axes{})...};
  BOOST_TEST(ext == ext_b);
  index_t total = 1;
  for (index_t e : ext) total *= e;
  std::array<index_t, n> idx{};
  int mismatches = 0;
  for (index_t f = 0; f < total; ++f) {
    [&]<std::size_t... K>(std::index_sequence<K...>) {
      if (a(Axes{idx[K]}...) != b(Axes{idx[K]}...)) ++mismatches;
    }(std::make_index_sequence<n>{});
    for (std::size_t k = n; k-- > 0;) {
      if (++idx[k] < ext[k]) break;
      idx[k] = 0;
    }
  }
  BOOST_TEST(mismatches == 0);
}

/// The run-time paths of one plan: the source as a dynamic_view, the target layout as a value.
/// Everything must give what the compile-time paths give (`ref`, the core's reference mapping).
template <class From, class To>
void check_run_time_paths(const tensor_view<const int, From>& src, const std::vector<int>& ref, const axle::strided_map& ref_map) {
  const value::layout& to = value::of<To>();
  const dynamic_view<const int> dyn = src;
  // convert<To> from a run-time layout
  const tensor<int, To> t = convert<To>(dyn);
  BOOST_TEST((std::vector<int>(t.begin(), t.end()) == ref));
  // convert_into: run-time source and typed destination, typed source and run-time destination,
  // both at run time
  tensor<int, To> a(t.extents());
  convert_into(dyn, a);
  BOOST_TEST((std::vector<int>(a.begin(), a.end()) == ref));
  // (per atom: a shape cannot tell the sizes of a merged dimension)
  const std::span<const index_t> target_atoms(ref_map.target_atoms.extent, static_cast<std::size_t>(ref_map.target_atoms.n));
  std::vector<index_t> row_major(target_atoms.size(), 1);
  for (std::size_t k = row_major.size(); k-- > 1;) row_major[k - 1] = row_major[k] * std::max<index_t>(target_atoms[k], 1);
  std::vector<int> b(ref.size(), -1);
  convert_into(src, dynamic_view<int>(b.data(), to, target_atoms, row_major));
  BOOST_TEST(b == ref);
  std::vector<int> c(ref.size(), -1);
  convert_into(dyn, dynamic_view<int>(c.data(), to, target_atoms, row_major), copy_options{.threads = 2});
  BOOST_TEST(c == ref);
  // layout_cast from a run-time layout, when the plan is zero-copy; a layout_error otherwise
  if constexpr (detail::zero_copy<From, To>::value) {
    BOOST_TEST(elements(layout_cast<To>(dyn)) == ref);
    const dynamic_view<const int> v = layout_cast(src, to);
    BOOST_TEST(&v.layout() == &to);
    BOOST_TEST(elements(layout_cast<To>(v)) == ref);
  } else if constexpr (convertible_v<From, To>) {
    check_message_contains<layout_error>([&] { (void)layout_cast<To>(dyn); }, "needs a copy");
  }
  // Streamed, in pieces of every size from one element to the whole tensor: in order, and each
  // piece tells what later pieces still read.
  const index_t n = static_cast<index_t>(ref.size());
  for (const index_t piece_elements : {index_t{1}, index_t{2}, index_t{5}, index_t{7}, n / 3 + 1, n / 2, n, n + 4}) {
    BOOST_TEST_CONTEXT("pieces of " << piece_elements << " elements") {
      if (piece_elements < 1) continue;
      std::vector<int> streamed;
      std::vector<std::pair<index_t, index_t>> later;  // reported read ranges, after each piece
      std::vector<std::size_t> ends;                   // where each piece ends in the target
      convert_into(dyn, stream_to(to, [&](const stream_piece<int>& piece) {
                     BOOST_TEST(piece.elements.size() <= static_cast<std::size_t>(piece_elements));
                     BOOST_TEST(!piece.elements.empty());
                     streamed.insert(streamed.end(), piece.elements.begin(), piece.elements.end());
                     later.emplace_back(piece.source_begin, piece.source_end);
                     ends.push_back(streamed.size());
                   }, static_cast<std::size_t>(piece_elements) * sizeof(int)));
      BOOST_TEST(streamed == ref);
      // Where every target element is read from (the reference mapping, contiguous source).
      std::vector<index_t> read_from;
      std::array<index_t, value::max_atoms> idx{};
      for (index_t f = 0; f < ref_map.size(); ++f) {
        read_from.push_back(ref_map.source_index(idx.data()));
        for (int k = ref_map.rank - 1; k >= 0; --k) {
          if (++idx[static_cast<std::size_t>(k)] < ref_map.extent[k]) break;
          idx[static_cast<std::size_t>(k)] = 0;
        }
      }
      for (std::size_t p = 0; p < ends.size(); ++p)
        for (std::size_t e = ends[p]; e < read_from.size(); ++e)
          if (read_from[e] < later[p].first || read_from[e] >= later[p].second) {
            BOOST_ERROR("piece " << p << " says later pieces read [" << later[p].first << ", " << later[p].second
                                 << "), but target element " << e << " reads source element " << read_from[e]);
            break;
          }
      if (!later.empty()) BOOST_TEST(later.back().first == later.back().second);  // nothing after the last piece
    }
  }
  // In blocks, runs placed at their offsets: every target element exactly once, and what each
  // piece says later pieces read is all they read — the source outside it is overwritten after
  // each piece, and the result must not change. Small blocks and short runs, so that the blocks
  // (not only the pieces in order) are taken.
  for (const index_t block_elements : {index_t{1}, index_t{4}, index_t{7}, n / 3 + 1, n}) {
    for (const std::size_t min_run : {std::size_t{1}, std::size_t{3}}) {
      BOOST_TEST_CONTEXT("blocks of " << block_elements << " elements, runs of at least " << min_run) {
        if (block_elements < 1) continue;
        std::vector<int> source(src.data(), src.data() + ref.size());
        std::vector<int> placed(ref.size(), -1);
        std::vector<int> written(ref.size(), 0);
        bool in_bounds = true;
        materialize_blocks(
            ref_map, source.data(),
            [&](const placed_piece<int>& piece) {
              if (piece.offset < 0 || static_cast<std::size_t>(piece.offset) + piece.elements.size() > placed.size()) {
                in_bounds = false;
                return;
              }
              for (std::size_t k = 0; k < piece.elements.size(); ++k) {
                placed[static_cast<std::size_t>(piece.offset) + k] = piece.elements[k];
                ++written[static_cast<std::size_t>(piece.offset) + k];
              }
              if (piece.source_begin < piece.source_end)
                for (index_t k = 0; k < static_cast<index_t>(source.size()); ++k)
                  if (k < piece.source_begin || k >= piece.source_end) source[static_cast<std::size_t>(k)] = -7;
            },
            static_cast<std::size_t>(block_elements) * sizeof(int), copy_options{}, min_run * sizeof(int));
        BOOST_TEST(in_bounds);
        BOOST_TEST(placed == ref);
        BOOST_TEST(std::all_of(written.begin(), written.end(), [](int w) { return w == 1; }));
      }
    }
  }
}

/// One plan on random data: convert, convert_into and (when zero-copy) layout_cast against the core's
/// reference mapping; map_view against map_plan; a non-contiguous source; the parallel path.
template <class From, class To, class Axes>
void check_plan(std::vector<index_t> shape, std::vector<axis_size> known = {}, unsigned seed = 1) {
  BOOST_TEST_CONTEXT(to_string(From{}) << " -> " << to_string(To{}) << ": " << to_string(plan_t<From, To>{})) {
    const std::vector<int> data = random_ints(static_cast<std::size_t>(product(shape)), seed);
    const tensor_view<const int, From> src(data, std::span<const index_t>(shape), std::span<const axis_size>(known));

    // The reference: the core's index mapping of the derived plan.
    const axle::strided_map ref_map = axle::map_plan(detail::derivation<From, To>::value, shape, known);
    std::vector<int> ref(data.size());
    axle::copy_by_index(ref_map, data.data(), ref.data());

    // map_view of a contiguous source is map_plan.
    std::array<index_t, decltype(src)::atom_count()> ext{};
    for (std::size_t k = 0; k < ext.size(); ++k) ext[k] = src.extent(k);
    const axle::strided_map m = detail::map_view(detail::plan_on_views<From, To>::value, ext.data(), src.strides().data());
    BOOST_TEST(m.rank == ref_map.rank);
    // An empty tensor has no element to point at: map_view keeps its offset at 0.
    BOOST_TEST(m.offset == (ref_map.size() == 0 ? 0 : ref_map.offset));
    for (int k = 0; k < m.rank; ++k) {
      BOOST_TEST(m.extent[k] == ref_map.extent[k]);
      BOOST_TEST(m.stride[k] == ref_map.stride[k]);
      BOOST_TEST(m.gather_count[k] == ref_map.gather_count[k]);
      for (int j = 0; j < m.gather_count[k]; ++j) BOOST_TEST(m.gather[k][j] == ref_map.gather[k][j]);
    }
    BOOST_TEST(m.target_atoms.n == ref_map.target_atoms.n);
    for (int i = 0; i < m.target_atoms.n; ++i) BOOST_TEST(m.target_atoms.extent[i] == ref_map.target_atoms.extent[i]);

    // convert
    const tensor<int, To> t = convert<To>(src);
    const auto target_shape = t.shape();
    BOOST_TEST((std::vector<index_t>(target_shape.begin(), target_shape.end()) == ref_map.target_shape));
    BOOST_TEST((std::vector<int>(t.begin(), t.end()) == ref));
    same_by_name(Axes{}, src, t);

    check_run_time_paths<From, To>(src, ref, ref_map);

    // convert_into a preallocated tensor, with the parallel kernel forced
    tensor<int, To> into(t.extents());
    convert_into(src, into, copy_options{.threads = 3});
    BOOST_TEST((std::vector<int>(into.begin(), into.end()) == ref));

    // layout_cast, when the plan is zero-copy
    if constexpr (detail::zero_copy<From, To>::value) {
      const tensor_view<const int, To> v = layout_cast<To>(src);
      BOOST_TEST(elements(v) == ref);
      same_by_name(Axes{}, src, v);
      // a view of the plan view, back to where it came from
      if constexpr (detail::zero_copy<To, From>::value) {
        const tensor_view<const int, From> back = layout_cast<From>(v);
        BOOST_TEST(elements(back) == data);
      }
      // converting the (non-contiguous) plan view gives back a contiguous copy of it
      const tensor<int, To> again = convert<To>(v);
      BOOST_TEST((std::vector<int>(again.begin(), again.end()) == ref));
    }

    // a non-contiguous source: the converted data seen back as From (when that is a view)
    if constexpr (detail::zero_copy<To, From>::value) {
      const tensor_view<const int, From> strided = layout_cast<From>(t);
      BOOST_TEST(elements(strided) == data);
      const tensor<int, To> twice = convert<To>(strided);
      BOOST_TEST((std::vector<int>(twice.begin(), twice.end()) == ref));
      tensor<int, From> round_trip(src.extents());
      convert_into(t, round_trip);
      BOOST_TEST((std::vector<int>(round_trip.begin(), round_trip.end()) == data));
    }
  }
}


}  // namespace

// --- every plan kind ---------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(swap_and_flip) {
  static_assert(std::is_same_v<plan_t<torch_conv_transpose, oihw>, plan<swap<O, I>, flip<H, W>>>);
  check_plan<torch_conv_transpose, oihw, axes_t<O, I, H, W>>({5, 7, 3, 4});
  check_plan<oihw, layout<O, I, flipped<H>, flipped<W>>, axes_t<O, I, H, W>>({2, 3, 4, 5});
}

BOOST_AUTO_TEST_CASE(permutations) {
  check_plan<oihw, hwio, axes_t<O, I, H, W>>({6, 5, 3, 3});
  check_plan<hwio, oihw, axes_t<O, I, H, W>>({3, 3, 5, 6});
  check_plan<sdpa, flash, axes_t<batch, heads, seq, feature>>({2, 4, 7, 8});
  check_plan<oihw, oihw, axes_t<O, I, H, W>>({2, 3, 4, 5});  // the identity
}

BOOST_AUTO_TEST_CASE(groups_split_and_merge) {
  check_plan<torch_grouped_transpose, equinox_grouped_transpose, axes_t<G, O, I, H, W>>({6, 4, 3, 3}, {{"G", 3}});
  check_plan<equinox_grouped_transpose, torch_grouped_transpose, axes_t<G, O, I, H, W>>({8, 3, 2, 3}, {{"G", 2}});
  check_plan<conv3d_grouped, conv3d_channels_last, axes_t<G, O, I, D, H, W>>({6, 2, 2, 3, 2}, {{"G", 2}});
}

BOOST_AUTO_TEST_CASE(blocked_layouts) {
  check_plan<oihw, onednn_OIhw16i16o, axes_t<O, I, H, W>>({32, 16, 3, 3});
  check_plan<onednn_OIhw16i16o, oihw, axes_t<O, I, H, W>>({2, 1, 3, 3, 16, 16});
  check_plan<onednn_OIhw16i16o, onednn_OIhw4i16o4i, axes_t<O, I, H, W>>({1, 2, 2, 1, 16, 16});
  check_plan<onednn_OIhw4i16o4i, hwio, axes_t<O, I, H, W>>({2, 1, 1, 2, 4, 16, 4});
  // Adjacent blocked parts merge without a copy.
  check_plan<layout<outer<O, 4>, inner<O, 4>, I, H, W>, oihw, axes_t<O, I, H, W>>({3, 4, 2, 2, 3});
}

BOOST_AUTO_TEST_CASE(block_reorders) {
  check_plan<torch_lstm, onnx_lstm, by_label>({4 * 5, 6});
  check_plan<keras_lstm, onnx_lstm, by_label>({6, 4 * 5});
  check_plan<onnx_lstm, keras_lstm, by_label>({4 * 3, 7});
  // Same gate order, another storage order: by position is by label.
  check_plan<torch_lstm, keras_lstm, axes_t<gate, O, I>>({4 * 3, 5});
  // By label, the gates are the same gates in any order.
  const std::vector<int> data = random_ints(4 * 5 * 6, 7);
  const tensor_view<const int, torch_lstm> t(data, {20, 6});
  const tensor<int, onnx_lstm> o = convert<onnx_lstm>(t);
  for (index_t h = 0; h < 5; ++h)
    for (index_t i = 0; i < 6; ++i) {
      BOOST_TEST(o(label_v<gate, "i">, O{h}, I{i}) == t(label_v<gate, "i">, O{h}, I{i}));
      BOOST_TEST(o(label_v<gate, "f">, O{h}, I{i}) == t(label_v<gate, "f">, O{h}, I{i}));
      BOOST_TEST(o(label_v<gate, "g">, O{h}, I{i}) == t(label_v<gate, "g">, O{h}, I{i}));
      BOOST_TEST(o(label_v<gate, "o">, O{h}, I{i}) == t(label_v<gate, "o">, O{h}, I{i}));
    }
}

BOOST_AUTO_TEST_CASE(unit_axes_dropped_and_inserted) {
  check_plan<torch_depthwise, depthwise_kernel, axes_t<G, M, H, W>>({6, 1, 3, 2}, {{"G", 3}});
  check_plan<depthwise_kernel, torch_depthwise, axes_t<G, M, H, W>>({3, 2, 3, 2});
  check_plan<torch_depthwise, tflite_depthwise, axes_t<G, M, H, W>>({8, 1, 3, 3}, {{"G", 4}});
}

BOOST_AUTO_TEST_CASE(empty_and_size_one_axes) {
  check_plan<torch_conv_transpose, oihw, axes_t<O, I, H, W>>({0, 3, 2, 2});
  check_plan<torch_conv_transpose, oihw, axes_t<O, I, H, W>>({3, 0, 2, 2});
  check_plan<torch_grouped_transpose, equinox_grouped_transpose, axes_t<G, O, I, H, W>>({2, 3, 1, 1}, {{"G", 2}});
  check_plan<torch_conv_transpose, oihw, axes_t<O, I, H, W>>({1, 1, 1, 1});
  check_plan<oihw, onednn_OIhw16i16o, axes_t<O, I, H, W>>({16, 16, 1, 1});
}

// --- materialisation paths ---------------------------------------------------------------------

namespace {
struct a0 : axis<"a0"> {};
struct a1 : axis<"a1"> {};
struct a2 : axis<"a2"> {};
struct a3 : axis<"a3"> {};
struct a4 : axis<"a4"> {};
struct a5 : axis<"a5"> {};
struct a6 : axis<"a6"> {};
struct a7 : axis<"a7"> {};
struct a8 : axis<"a8"> {};
struct a9 : axis<"a9"> {};
struct s0 : axis<"s0", axis_kind::spatial> {};
}  // namespace

BOOST_AUTO_TEST_CASE(more_axes_than_the_kernel_takes) {
  // 11 atoms, none of which coalesce: above strided_copy's max_rank.
  using many = layout<a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, s0>;
  using reversed = layout<flipped<s0>, a9, a8, a7, a6, a5, a4, a3, a2, a1, a0>;
  check_plan<many, reversed, axes_t<a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, s0>>({2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 3});
}

BOOST_AUTO_TEST_CASE(large_tensors_take_the_parallel_path) {
  // 4 MiB of floats: automatically parallel; the same result on one thread.
  std::vector<float> data(64 * 64 * 16 * 16);
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> d(-1.0f, 1.0f);
  for (float& x : data) x = d(rng);
  const tensor_view<const float, torch_conv_transpose> src(data, {64, 64, 16, 16});
  const tensor<float, hwio> automatic = convert<hwio>(src);
  const tensor<float, hwio> serial = convert<hwio>(src, copy_options{.threads = 1});
  BOOST_TEST(std::equal(automatic.begin(), automatic.end(), serial.begin(), serial.end()));
  const axle::strided_map ref_map = axle::map_plan(detail::derivation<torch_conv_transpose, hwio>::value, src.shape());
  std::vector<float> ref(data.size());
  axle::copy_by_index(ref_map, data.data(), ref.data());
  BOOST_TEST(std::equal(ref.begin(), ref.end(), automatic.begin(), automatic.end()));
}

BOOST_AUTO_TEST_CASE(elements_that_are_not_trivially_copyable) {
  // The kernel copies bytes; strings are assigned one by one, along the same plan.
  tensor<std::string, torch_grouped_transpose> t({4, 3, 2, 2}, axis_size{"G", 2});
  int n = 0;
  for (std::string& x : t) x = "element " + std::to_string(n++);
  const tensor<std::string, equinox_grouped_transpose> e = convert<equinox_grouped_transpose>(t);
  same_by_name(axes_t<G, O, I, H, W>{}, t, e);
  tensor<std::string, torch_conv_transpose> u({3, 2, 2, 2});
  for (std::string& x : u) x = "u " + std::to_string(n++);
  tensor<std::string, hwio> into({2, 2, 3, 2});
  convert_into(u, into);
  same_by_name(axes_t<O, I, H, W>{}, u, into);
  convert_into(u, layout_cast<oihw>(into));  // a permuted destination
  same_by_name(axes_t<O, I, H, W>{}, u, into);
}

// --- convert_into ------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(convert_into_any_destination) {
  const std::vector<int> data = random_ints(3 * 4 * 2 * 5, 11);
  const tensor_view<const int, torch_conv_transpose> src(data, {3, 4, 2, 5});
  const tensor<int, oihw> ref = convert<oihw>(src);
  // A destination that is a plan view of storage in another layout: permuted and reversed.
  tensor<int, layout<flipped<W>, I, O, H>> storage({5, 3, 4, 2});
  convert_into(src, layout_cast<oihw>(storage));
  same_by_name(axes_t<O, I, H, W>{}, storage, ref);
  // A destination with gaps: every other element of a larger buffer.
  std::vector<int> padded(2 * ref.size(), -1);
  const tensor_view<int, oihw> gappy(padded.data(), tensor_view<int, oihw>::extents_type{4, 3, 2, 5}, {60, 20, 10, 2});
  convert_into(src, gappy);
  same_by_name(axes_t<O, I, H, W>{}, gappy, ref);
  BOOST_TEST(padded[1] == -1);
  // A tensor of the source's layout converts too.
  tensor<int, torch_conv_transpose> owned = convert<torch_conv_transpose>(src);
  tensor<int, oihw> into(ref.extents());
  convert_into(owned, into);
  BOOST_TEST(std::equal(into.begin(), into.end(), ref.begin(), ref.end()));
}

BOOST_AUTO_TEST_CASE(convert_into_checks_extents_and_overlap) {
  std::vector<int> data = random_ints(3 * 4 * 2 * 5, 5);
  const tensor_view<const int, torch_conv_transpose> src(data, {3, 4, 2, 5});
  tensor<int, oihw> wrong({4, 3, 5, 2});
  check_message<shape_error>([&] { convert_into(src, wrong); },
                             "convert_into: destination axis H has extent 5, but the conversion gives 2: the source "
                             "(I, O, H~, W~) with extents (3, 4, 2, 5) converts to (O, I, H, W) with extents "
                             "(4, 3, 2, 5), the destination has (4, 3, 5, 2)");
  // In place: the destination is the source's own storage.
  const tensor_view<int, oihw> same_memory(data, {4, 3, 2, 5});
  check_message_contains<overlap_error>([&] { convert_into(src, same_memory); },
                                        "overlaps the source (120 elements, bytes ");
  check_message_contains<overlap_error>([&] { convert_into(src, same_memory); },
                                        "a conversion cannot run in place; convert into separate storage");
  // A partial overlap: the destination starts inside the source.
  std::vector<int> big(240);
  const tensor_view<const int, torch_conv_transpose> first(big.data(), {3, 4, 2, 5});
  const tensor_view<int, oihw> shifted(big.data() + 119, {4, 3, 2, 5});
  BOOST_CHECK_THROW(convert_into(first, shifted), overlap_error);
  const tensor_view<int, oihw> after(big.data() + 120, {4, 3, 2, 5});
  BOOST_CHECK_NO_THROW(convert_into(first, after));
}

// --- zero-copy views: run-time checks ----------------------------------------------------------

BOOST_AUTO_TEST_CASE(layout_cast_run_time_checks) {
  const std::vector<int> data = random_ints(5 * 3, 2);
  const tensor_view<const int, layout<O, I>> src(data, {5, 3});
  check_message<shape_error>([&] { (void)layout_cast<layout<outer<O, 4>, I, inner<O, 4>>>(src); },
                             "source: axis O has 5 elements, which blocks of 4 do not divide");
  BOOST_CHECK_THROW(static_cast<void>(convert<layout<outer<O, 4>, I, inner<O, 4>>>(src)), shape_error);
  // Parts of O that are adjacent in the layout, but a view whose strides do not chain.
  const std::vector<int> buf = random_ints(2 * 4 * 3, 4);
  using odd_view = tensor_view<const int, layout<outer<O, 4>, inner<O, 4>, I>>;
  const odd_view odd(buf.data(), odd_view::extents_type{2, 4, 3}, {3, 6, 1});
  check_message_contains<shape_error>([&] { (void)layout_cast<layout<O, I>>(odd); },
                                      "the parts of axis O of the result have strides that do not chain");
  // convert does not need them to.
  const tensor<int, layout<O, I>> t = convert<layout<O, I>>(odd);
  for (index_t o = 0; o < 8; ++o)
    for (index_t i = 0; i < 3; ++i) BOOST_TEST(t(O{o}, I{i}) == odd(O{o}, I{i}));
}

BOOST_AUTO_TEST_CASE(chains_of_plan_views) {
  const std::vector<int> data = random_ints(6 * 4 * 3 * 3, 9);
  const tensor_view<const int, torch_grouped_transpose> a(data, {6, 4, 3, 3}, axis_size{"G", 2});
  const auto b = layout_cast<equinox_grouped_transpose>(a);
  const auto c = layout_cast<layout<H, W, I, G, O>>(b);
  const auto d = layout_cast<layout<flipped<W>, O, G, I, flipped<H>>>(c);
  const auto direct = layout_cast<layout<flipped<W>, O, G, I, flipped<H>>>(a);
  BOOST_TEST(d.data() == direct.data());
  BOOST_TEST(d.strides() == direct.strides());
  same_by_name(axes_t<G, O, I, H, W>{}, a, d);
  const tensor<int, layout<H, W, I, G, O>> converted = convert<layout<H, W, I, G, O>>(d);
  same_by_name(axes_t<G, O, I, H, W>{}, a, converted);
}

// --- layouts known at run time -----------------------------------------------------------------

BOOST_AUTO_TEST_CASE(run_time_layouts_that_do_not_convert) {
  const std::vector<int> data = random_ints(4 * 3 * 2 * 2, 5);
  const dynamic_view<const int> src(data, value::of<oihw>(), {4, 3, 2, 2});
  check_message<layout_error>([&] { (void)convert<sdpa>(src); },
                              "convert: no conversion from layout (O, I, H, W) to layout (B, heads, seq, feature)");
  std::vector<int> out(data.size());
  check_message<layout_error>(
      [&] { convert_into(src, tensor_view<int, sdpa>(out, {4, 3, 2, 2})); },
      "convert_into: no conversion from layout (O, I, H, W) to layout (B, heads, seq, feature)");
  check_message<layout_error>([&] { (void)layout_cast<sdpa>(src); },
                              "layout_cast: no conversion from layout (O, I, H, W) to layout (B, heads, seq, feature)");
  // A reorder is a copy: layout_cast says so, naming the plan.
  const std::vector<int> gates = random_ints(4 * 3 * 5, 6);
  const dynamic_view<const int> lstm(gates, value::of<torch_lstm>(), {12, 5});
  check_message<layout_error>([&] { (void)layout_cast<onnx_lstm>(lstm); },
                              "layout_cast: the plan split((gate[i,f,g,o], O) \u2192 gate[i,f,g,o], O) \u00b7 reorder(gate: i,f,g,o "
                              "\u2192 i,o,f,g) \u00b7 merge(gate[i,o,f,g], O \u2192 (gate[i,o,f,g], O)) from ((gate[i,f,g,o], O), I) "
                              "to ((gate[i,o,f,g], O), I) needs a copy (its blocks of gate are reordered): use axle::convert");
  // Extents are checked against the plan's, whatever side is known at run time.
  std::vector<int> small(2 * 2 * 2 * 4);
  check_message_contains<shape_error>(
      [&] { convert_into(src, dynamic_view<int>(small, value::of<hwio>(), {2, 2, 2, 4})); },
      "convert_into: destination axis I has extent 2, but the conversion gives 3");
}

// --- sizes that do not fit ---------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(huge_zero_element_shapes_are_refused_by_the_mapping) {
  // NumPy's rule: the non-zero extents (2^62 * 2^62) must multiply into int64, although the shape
  // holds no element; without the check the row-major strides overflow (UBSan).
  constexpr index_t big = index_t{1} << 62;
  const std::array<index_t, 4> shape{0, big, big, 1};
  for (const auto* d : {&detail::derivation<oihw, hwio>::value, &detail::derivation<oihw, oihw>::value}) {
    check_message<shape_error>([&] { (void)axle::map_plan(*d, shape); },
                               "source: shape (0, 4611686018427387904, 4611686018427387904, 1) holds more elements than a signed "
                               "64-bit integer counts (the product of its non-zero extents must fit)");
    check_message_contains<shape_error>([&] { (void)axle::map_plan(*d, std::array<index_t, 4>{big, big, 3, 0}); },
                                        "(4611686018427387904, 4611686018427387904, 3, 0) holds more elements");
  }
  // Huge extents that fit, around a zero: an empty map, its offsets 0.
  const axle::strided_map m = axle::map_plan(detail::derivation<torch_conv_transpose, oihw>::value, std::array<index_t, 4>{big, 0, 1, 1});
  BOOST_TEST(m.size() == 0);
  BOOST_TEST(m.offset == 0);
  BOOST_TEST((m.target_shape == std::vector<index_t>{0, big, 1, 1}));
}

// A source without elements maps onto a blocked target whose fixed blocks make the non-zero
// extents multiply past int64: the converted shape is refused, as NumPy would refuse the file
// (found by fuzz_plan_mapping with AXLE_FUZZ_ANY_SHAPE=1).
BOOST_AUTO_TEST_CASE(a_converted_shape_follows_numpys_rule_too) {
  using plain = axle::layout<axle::axes::O, axle::axes::I, axle::axes::H, axle::axes::W>;
  using blocked = axle::layout<axle::outer<axle::axes::O, 16>, axle::outer<axle::axes::I, 16>, axle::axes::H, axle::axes::W,
                               axle::inner<axle::axes::I, 16>, axle::inner<axle::axes::O, 16>>;
  const axle::value::derivation d = axle::value::derive(axle::value::of<plain>(), axle::value::of<blocked>());
  BOOST_REQUIRE(!d.error);
  const std::array<axle::index_t, 4> fits{axle::index_t{1} << 40, 0, 1, 1};   // target (2^36, 0, 1, 1, 16, 16)
  BOOST_TEST(axle::map_plan(d, fits).size() == 0);
  const std::array<axle::index_t, 4> huge{axle::index_t{1} << 60, 0, 1, 1};   // target (2^56, 0, 1, 1, 16, 16)
  check_message_contains<axle::shape_error>([&] { static_cast<void>(axle::map_plan(d, huge)); },
                                                        "the converted shape (72057594037927936, 0, 1, 1, 16, 16)");
}
