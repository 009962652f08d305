// tensor_view and tensor: construction and its checks, element access by axis and by position,
// extents, conversions between views, ownership, the customization point.
#define BOOST_TEST_MODULE view
#include <boost/test/unit_test.hpp>

#include "messages.hpp"

#include <axle/adapt.hpp>
#include <axle/convert.hpp>
#include <axle/dynamic_view.hpp>
#include <axle/tensor.hpp>
#include <axle/view.hpp>

#include <array>
#include <cstdint>
#include <numeric>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

using namespace axle;
using namespace axle::axes;

namespace {

using axle::testing::check_message;
using axle::testing::check_message_contains;

struct gate : axis<"gate", axis_kind::block> {};

using oihw = layout<O, I, H, W>;
using torch_conv_transpose = layout<I, O, flipped<H>, flipped<W>>;
using torch_grouped_transpose = layout<merged<G, I>, O, flipped<H>, flipped<W>>;
using blocked = layout<outer<O, 16>, outer<I, 4>, H, W, inner<I, 4>, inner<O, 16>>;
using middle = layout<outer<I, 16>, inner<I, 4, 4>, O, inner<I, 4>>;
using lstm = layout<merged<labels<gate, "i,f,g,o">, O>, I>;
using depthwise = layout<merged<G, M>, unit<I>, H, W>;

std::vector<int> iota_vector(std::size_t n) {
  std::vector<int> v(n);
  std::iota(v.begin(), v.end(), 0);
  return v;
}


}  // namespace

// --- static properties -------------------------------------------------------------------------

static_assert(std::is_same_v<default_extents_t<oihw>, extents<dynamic_extent, dynamic_extent, dynamic_extent, dynamic_extent>>);
static_assert(std::is_same_v<default_extents_t<blocked>,
                             extents<dynamic_extent, dynamic_extent, dynamic_extent, dynamic_extent, 4, 16>>);
static_assert(std::is_same_v<default_extents_t<lstm>, extents<4, dynamic_extent, dynamic_extent>>);
static_assert(std::is_same_v<default_extents_t<depthwise>, extents<dynamic_extent, dynamic_extent, 1, dynamic_extent, dynamic_extent>>);
static_assert(tensor_view<float, torch_grouped_transpose>::rank() == 4);
static_assert(tensor_view<float, torch_grouped_transpose>::atom_count() == 5);
// Adding const converts implicitly; dropping it does not; other element types do not.
static_assert(std::is_convertible_v<tensor_view<float, oihw>, tensor_view<const float, oihw>>);
static_assert(!std::is_convertible_v<tensor_view<const float, oihw>, tensor_view<float, oihw>>);
static_assert(!std::is_constructible_v<tensor_view<float, oihw>, tensor_view<double, oihw>>);
// Static extents: to dynamic implicitly, from dynamic explicitly (checked).
static_assert(std::is_convertible_v<tensor_view<float, oihw, extents<8, 4, 3, 3>>, tensor_view<float, oihw>>);
static_assert(!std::is_convertible_v<tensor_view<float, oihw>, tensor_view<float, oihw, extents<8, 4, 3, 3>>>);
static_assert(std::is_constructible_v<tensor_view<float, oihw, extents<8, 4, 3, 3>>, tensor_view<float, oihw>>);
static_assert(!std::is_constructible_v<tensor_view<float, oihw, extents<8, 4, 3, 3>>, tensor_view<float, oihw, extents<9, 4, 3, 3>>>);
// A fully static view stores a pointer and its strides only; a contiguous one, the pointer only.
static_assert(sizeof(tensor_view<float, oihw, extents<8, 4, 3, 3>>) == sizeof(float*) + 4 * sizeof(index_t));
static_assert(sizeof(contiguous_view<float, oihw, extents<8, 4, 3, 3>>) == sizeof(float*));
static_assert(sizeof(contiguous_view<float, oihw>) == sizeof(float*) + 4 * sizeof(index_t));
// Contiguous views convert to strided ones implicitly, back explicitly (checked).
static_assert(std::is_convertible_v<contiguous_view<float, oihw>, tensor_view<const float, oihw>>);
static_assert(!std::is_convertible_v<tensor_view<float, oihw>, contiguous_view<float, oihw>>);
static_assert(std::is_constructible_v<contiguous_view<float, oihw>, tensor_view<float, oihw>>);
static_assert(std::is_same_v<tensor<float, oihw>::view_type, contiguous_view<float, oihw>>);
// A view of a temporary vector would dangle unless its elements are const (as std::span).
static_assert(!std::is_constructible_v<tensor_view<float, oihw>, std::vector<float>&&, std::initializer_list<index_t>>);
static_assert(std::is_constructible_v<tensor_view<const float, oihw>, std::vector<float>&&, std::initializer_list<index_t>>);

// The whole of it runs at compile time, on the same engine.
namespace compile_time {
constexpr int data[48] = {0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23,
                          24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47};
constexpr int probe() {
  const tensor_view<const int, torch_grouped_transpose> w(data, {4, 3, 2, 2}, axis_size{"G", 2});
  const auto e = layout_cast<layout<merged<G, O>, I, H, W>>(w);
  // (G=1, I=1) is row 3 of the merged dimension; H~ and W~ are read reversed.
  return w(G{1}, O{2}, I{1}, H{0}, W{1}) * 1000 + e(G{1}, O{2}, I{1}, H{0}, W{1}) * 10 + static_cast<int>(w.offset_of(3, 2, 1, 0) == 46);
}
static_assert(probe() == 46461);
}  // namespace compile_time

// --- construction ------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(construction_forms_agree) {
  std::vector<int> buf = iota_vector(4 * 3 * 2 * 5);
  const tensor_view<int, oihw> from_vector(buf, {4, 3, 2, 5});
  const tensor_view<int, oihw> from_pointer(buf.data(), {4, 3, 2, 5});
  const tensor_view<int, oihw> from_span(std::span<int>(buf), {4, 3, 2, 5});
  const std::array<index_t, 4> shape{4, 3, 2, 5};
  const tensor_view<int, oihw> from_shape_span(buf, std::span<const index_t>(shape));
  const tensor_view<int, oihw> per_atom(buf.data(), tensor_view<int, oihw>::extents_type{4, 3, 2, 5});
  for (const auto* v : {&from_pointer, &from_span, &from_shape_span, &per_atom}) {
    BOOST_TEST(v->data() == buf.data());
    BOOST_TEST(v->shape() == from_vector.shape());
    BOOST_TEST(v->strides() == from_vector.strides());
  }
  BOOST_TEST((from_vector.strides() == std::array<index_t, 4>{30, 10, 5, 1}));
  BOOST_TEST(from_vector.size() == buf.size());
  BOOST_TEST(from_vector.is_contiguous());

  std::array<float, 24> arr{};
  const tensor_view<const float, oihw> from_array(arr, {2, 3, 2, 2});
  BOOST_TEST(from_array.data() == arr.data());
  float c_array[6] = {};
  const tensor_view<float, layout<O, I>> from_c_array(c_array, {2, 3});
  BOOST_TEST(from_c_array.data() == &c_array[0]);
}

BOOST_AUTO_TEST_CASE(shape_with_axis_sizes) {
  std::vector<int> buf = iota_vector(4 * 3 * 2 * 2);
  // ((G, I), O, H~, W~) with G = 2: a shape alone cannot split dimension 0.
  const tensor_view<int, torch_grouped_transpose> a(buf, {4, 3, 2, 2}, axis_size{"G", 2});
  BOOST_TEST(a.extent(0) == 2);  // G
  BOOST_TEST(a.extent(1) == 2);  // I
  BOOST_TEST(a.extent(2) == 3);  // O
  BOOST_TEST(a.extent(I{}) == 2);
  BOOST_TEST(a.extent(G{}) == 2);
  const std::array<axis_size, 1> known{{{"G", 2}}};
  const std::array<index_t, 4> shape{4, 3, 2, 2};
  const tensor_view<int, torch_grouped_transpose> b(buf, std::span<const index_t>(shape), std::span<const axis_size>(known));
  BOOST_TEST(b.strides() == a.strides());
  // A static extent counts as known.
  const tensor_view<int, torch_grouped_transpose, extents<2, dynamic_extent, dynamic_extent, dynamic_extent, dynamic_extent>> c(
      buf, {4, 3, 2, 2});
  BOOST_TEST(c.extent(1) == 2);
  // Per atom, with explicit strides: (G, I, O, H, W) of a buffer stored (O, G, I, H, W).
  const tensor_view<int, torch_grouped_transpose> d(buf.data(), tensor_view<int, torch_grouped_transpose>::extents_type{2, 2, 3, 2, 2},
                                                    {8, 4, 16, 2, 1});
  BOOST_TEST(d(0, 2, 0, 0) == 32);
  BOOST_TEST(!d.is_contiguous());
}

BOOST_AUTO_TEST_CASE(construction_errors_name_axis_and_sizes) {
  std::vector<float> buf(100);
  check_message<shape_error>([&] { tensor_view<const float, oihw> v(buf, {4, 3, 3, 3}); },
                             "buffer of 100 elements, layout (O, I, H, W) with extents (4, 3, 3, 3) needs 108");
  check_message<shape_error>(
      [&] { tensor_view<const float, oihw, extents<16, dynamic_extent, 3, 3>> v(buf.data(), {10, 3, 3, 3}); },
      "axis O: extent 10 does not match the static extent 16");
  check_message<shape_error>([&] { tensor_view<const float, oihw> v(buf.data(), {4, 3, 3}); },
                             "tensor_view: shape (4, 3, 3) has 3 dimensions, but layout (O, I, H, W) has 4");
  check_message_contains<shape_error>([&] { tensor_view<const float, torch_grouped_transpose> v(buf.data(), {4, 3, 3, 3}); },
                                      "the size of G must be given");
  check_message_contains<shape_error>(
      [&] { tensor_view<const float, torch_grouped_transpose> v(buf.data(), {5, 3, 3, 3}, axis_size{"G", 2}); },
      "not a multiple of 2");
  check_message_contains<shape_error>([&] { tensor_view<const float, blocked> v(buf.data(), {1, 1, 3, 3, 4, 8}); },
                                      "expected 16");
  check_message<shape_error>([] { extents<16, dynamic_extent> e(10, 3); },
                             "axle::extents: extent 10 at position 0 does not match the static extent 16");
  check_message<shape_error>([] { extents<dynamic_extent, dynamic_extent> e(-1, 3); },
                             "axle::extents: extent -1 at position 0 is negative");
}

// --- element access ----------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(named_access_in_any_order_is_positional_access) {
  std::vector<int> buf = iota_vector(4 * 3 * 2 * 5);
  const tensor_view<const int, oihw> w(buf, {4, 3, 2, 5});
  for (index_t o = 0; o < 4; ++o)
    for (index_t i = 0; i < 3; ++i)
      for (index_t h = 0; h < 2; ++h)
        for (index_t x = 0; x < 5; ++x) {
          const int expected = static_cast<int>(((o * 3 + i) * 2 + h) * 5 + x);
          BOOST_TEST(w(o, i, h, x) == expected);
          BOOST_TEST(w(O{o}, I{i}, H{h}, W{x}) == expected);
          BOOST_TEST(w(W{x}, H{h}, I{i}, O{o}) == expected);
          BOOST_TEST(w(H{h}, O{o}, W{x}, I{i}) == expected);
        }
  BOOST_TEST(w(O{3}, H{1}, I{0}, W{2}) == w(3, 0, 1, 2));
  // Unsigned and narrow index types are indices too.
  BOOST_TEST(w(std::size_t{3}, 0u, short{1}, std::int8_t{2}) == w(3, 0, 1, 2));
}

BOOST_AUTO_TEST_CASE(flipped_axes_are_read_reversed_by_name_not_by_position) {
  std::vector<int> buf = iota_vector(3 * 4 * 2 * 5);
  const tensor_view<const int, torch_conv_transpose> w(buf, {3, 4, 2, 5});
  // Named indices are canonical: H{0} of a stored-reversed H is the last stored row.
  BOOST_TEST(w(O{1}, I{2}, H{0}, W{0}) == w(2, 1, 1, 4));
  BOOST_TEST(w(O{1}, I{2}, H{1}, W{4}) == w(2, 1, 0, 0));
}

BOOST_AUTO_TEST_CASE(blocked_axes_take_the_whole_index) {
  // (O/16, I/4, H, W, 4i, 16o): O = 32, I = 8.
  std::vector<int> buf = iota_vector(2 * 2 * 3 * 3 * 4 * 16);
  const tensor_view<const int, blocked> w(buf, {2, 2, 3, 3, 4, 16});
  BOOST_TEST(w.extent(O{}) == 32);
  BOOST_TEST(w.extent(I{}) == 8);
  for (index_t o = 0; o < 32; ++o)
    for (index_t i = 0; i < 8; ++i) BOOST_TEST(w(O{o}, I{i}, H{2}, W{1}) == w(o / 16, i / 4, 2, 1, i % 4, o % 16));
  // A middle part: (I/16, 4i@4, O, 4i).
  std::vector<int> m = iota_vector(2 * 4 * 3 * 4);
  const tensor_view<const int, middle> v(m, {2, 4, 3, 4});
  BOOST_TEST(v.extent(I{}) == 32);
  for (index_t i = 0; i < 32; ++i) BOOST_TEST(v(I{i}, O{1}) == v(i / 16, (i / 4) % 4, 1, i % 4));
}

BOOST_AUTO_TEST_CASE(labelled_axes_by_position_and_by_label) {
  std::vector<int> buf = iota_vector(4 * 3 * 5);
  const tensor_view<const int, lstm> w(buf, {12, 5});  // gates i, f, g, o; O = 3
  BOOST_TEST(w.extent(gate{}) == 4);
  BOOST_TEST(w.extent(O{}) == 3);
  // The merged dimension takes its flat index (gate * 3 + O).
  BOOST_TEST(w(gate{2}, O{1}, I{4}) == w(2 * 3 + 1, 4));
  BOOST_TEST(w(label_v<gate, "g">, O{1}, I{4}) == w(gate{2}, O{1}, I{4}));
  BOOST_TEST(w(I{0}, label<gate, "o">{}, O{2}) == w(3 * 3 + 2, 0));
  // The same label in another gate order is another position.
  const tensor_view<const int, layout<merged<labels<gate, "i,o,f,g">, O>, I>> onnx(buf, {12, 5});
  BOOST_TEST(onnx(label_v<gate, "g">, O{1}, I{4}) == onnx(3 * 3 + 1, 4));
}

BOOST_AUTO_TEST_CASE(unit_axes_may_be_left_out) {
  std::vector<int> buf = iota_vector(6 * 1 * 2 * 3);
  const tensor_view<const int, depthwise> w(buf, {6, 1, 2, 3}, axis_size{"G", 3});
  BOOST_TEST(w(G{2}, M{1}, H{1}, W{0}) == w(5, 0, 1, 0));
  BOOST_TEST(w(G{2}, M{1}, I{0}, H{1}, W{0}) == w(5, 0, 1, 0));
}

BOOST_AUTO_TEST_CASE(at_checks_bounds_and_names_the_axis) {
  std::vector<int> buf = iota_vector(4 * 3 * 2 * 5);
  const tensor_view<const int, oihw> w(buf, {4, 3, 2, 5});
  BOOST_TEST(w.at(O{3}, I{2}, H{1}, W{4}) == w(3, 2, 1, 4));
  check_message<std::out_of_range>([&] { (void)w.at(O{4}, I{0}, H{0}, W{0}); },
                                   "axle: index 4 is out of range for axis O of extent 4 in layout (O, I, H, W)");
  check_message<std::out_of_range>([&] { (void)w.at(O{0}, I{0}, H{-1}, W{0}); },
                                   "axle: index -1 is out of range for axis H of extent 2 in layout (O, I, H, W)");
  check_message<std::out_of_range>([&] { (void)w.at(0, 0, 0, 5); },
                                   "axle: index 5 is out of range for dimension 3 (W) of extent 5 in layout (O, I, H, W)");
  std::vector<int> g = iota_vector(4 * 3 * 2 * 2);
  const tensor_view<const int, torch_grouped_transpose> t(g, {4, 3, 2, 2}, axis_size{"G", 2});
  BOOST_TEST(t.at(3, 2, 1, 1) == t(3, 2, 1, 1));
  check_message<std::out_of_range>(
      [&] { (void)t.at(4, 0, 0, 0); },
      "axle: index 4 is out of range for dimension 0 ((G, I)) of extent 4 in layout ((G, I), O, H~, W~)");
  std::vector<int> b(2 * 2 * 3 * 3 * 4 * 16);
  const tensor_view<const int, blocked> v(b, {2, 2, 3, 3, 4, 16});
  check_message<std::out_of_range>([&] { (void)v.at(O{32}, I{0}, H{0}, W{0}); },
                                   "axle: index 32 is out of range for axis O of extent 32 in layout (O/16, I/4, H, W, 4i, 16o)");
}

// --- extents -----------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(static_and_dynamic_extents) {
  std::vector<float> buf(8 * 4 * 3 * 3);
  std::iota(buf.begin(), buf.end(), 0.0f);
  const tensor_view<const float, oihw, extents<dynamic_extent, dynamic_extent, 3, 3>> k(buf, {8, 4, 3, 3});
  static_assert(decltype(k)::extents_type::rank_dynamic() == 2);
  const tensor_view<const float, oihw> dynamic = k;  // static to dynamic: implicit
  BOOST_TEST(dynamic(O{7}, I{3}, H{2}, W{1}) == k(O{7}, I{3}, H{2}, W{1}));
  const tensor_view<const float, oihw, extents<8, 4, 3, 3>> fixed(dynamic);  // dynamic to static: explicit, checked
  BOOST_TEST(fixed(7, 3, 2, 1) == k(7, 3, 2, 1));
  check_message<shape_error>([&] { tensor_view<const float, oihw, extents<9, 4, 3, 3>> bad(dynamic); },
                             "axle::extents: extent 8 at position 0 does not match the static extent 9");
  // Only the dynamic extents, or all of them.
  const extents<dynamic_extent, 4, dynamic_extent> e1(2, 5);
  const extents<dynamic_extent, 4, dynamic_extent> e2(2, 4, 5);
  BOOST_TEST((e1 == e2));
  BOOST_TEST(e1.extent(1) == 4);
}

BOOST_AUTO_TEST_CASE(empty_and_size_one_axes) {
  std::vector<int> none;
  const tensor_view<const int, oihw> empty(none, {0, 3, 3, 3});
  BOOST_TEST(empty.size() == 0u);
  BOOST_TEST(empty.empty());
  BOOST_TEST(empty.is_contiguous());
  const tensor_view<const int, oihw> null_view;
  BOOST_TEST(null_view.data() == nullptr);
  BOOST_TEST(null_view.size() == 0u);
  std::vector<int> one{42};
  const tensor_view<const int, oihw> single(one, {1, 1, 1, 1});
  BOOST_TEST(single(O{0}, I{0}, H{0}, W{0}) == 42);
  BOOST_TEST(single.is_contiguous());
  check_message_contains<std::out_of_range>([&] { (void)single.at(O{1}, I{0}, H{0}, W{0}); }, "axis O of extent 1");
  tensor<int, oihw> t({0, 2, 3, 3});
  BOOST_TEST(t.size() == 0u);
  BOOST_TEST(t.data() == nullptr);
}

// --- views of views, hand-offs -----------------------------------------------------------------

namespace {
int sum_oihw(tensor_view<const int, oihw> w) {
  int s = 0;
  for (index_t o = 0; o < w.extent(O{}); ++o)
    for (index_t i = 0; i < w.extent(I{}); ++i)
      for (index_t h = 0; h < w.extent(H{}); ++h)
        for (index_t x = 0; x < w.extent(W{}); ++x) s += w(O{o}, I{i}, H{h}, W{x});
  return s;
}
}  // namespace

BOOST_AUTO_TEST_CASE(views_of_views_and_hand_offs) {
  std::vector<int> buf = iota_vector(3 * 4 * 2 * 2);
  tensor_view<int, torch_conv_transpose> torch(buf, {3, 4, 2, 2});
  const int total = std::accumulate(buf.begin(), buf.end(), 0);
  // view -> const view, implicitly; another layout only through layout_cast (zero-copy).
  BOOST_TEST(sum_oihw(layout_cast<oihw>(torch)) == total);
  BOOST_TEST(sum_oihw(layout_cast<tensor_view<const int, oihw>>(torch)) == total);
  const tensor_view<int, oihw> as_oihw = layout_cast<oihw>(torch);
  const tensor_view<int, torch_conv_transpose> back = layout_cast<torch_conv_transpose>(as_oihw);
  BOOST_TEST(back.data() == torch.data());
  BOOST_TEST(back.strides() == torch.strides());
  // Writes through a plan view land where the named index says.
  as_oihw(O{2}, I{1}, H{0}, W{1}) = -7;
  BOOST_TEST(torch(O{2}, I{1}, H{0}, W{1}) == -7);
  BOOST_TEST(torch(1, 2, 1, 0) == -7);
  tensor<int, oihw> owned = convert<oihw>(torch);
  BOOST_TEST(sum_oihw(owned) == total - 7 - static_cast<int>(1 * 16 + 2 * 4 + 1 * 2 + 0));
  BOOST_TEST(owned.cview().as_const().data() == owned.data());
}

BOOST_AUTO_TEST_CASE(contiguous_views) {
  std::vector<int> buf = iota_vector(6 * 3 * 2 * 2);
  const contiguous_view<const int, torch_grouped_transpose> c(buf, {6, 3, 2, 2}, axis_size{"G", 3});
  const tensor_view<const int, torch_grouped_transpose> s(buf, {6, 3, 2, 2}, axis_size{"G", 3});
  BOOST_TEST(c.strides() == s.strides());
  BOOST_TEST(c.stride(0) == 24);
  BOOST_TEST(c.is_contiguous());
  for (index_t g = 0; g < 3; ++g)
    for (index_t i = 0; i < 2; ++i)
      for (index_t o = 0; o < 3; ++o) {
        BOOST_TEST(c(G{g}, I{i}, O{o}, H{1}, W{0}) == s(G{g}, I{i}, O{o}, H{1}, W{0}));
        BOOST_TEST(c(g * 2 + i, o, 1, 0) == s(g * 2 + i, o, 1, 0));  // the flat index of (G, I)
      }
  const tensor_view<const int, torch_grouped_transpose> widened = c;
  BOOST_TEST(widened.strides() == s.strides());
  const contiguous_view<const int, torch_grouped_transpose> narrowed(s);
  BOOST_TEST(narrowed.data() == s.data());
  // A plan view is not contiguous.
  const auto plan_view = layout_cast<layout<merged<G, O>, I, H, W>>(s);
  check_message<shape_error>(
      [&] { contiguous_view<const int, layout<merged<G, O>, I, H, W>> bad(plan_view); },
      "a contiguous view of layout ((G, O), I, H, W) made from a view that is not contiguous (strides (24, 4, 12, -2, -1) "
      "for extents (3, 3, 2, 2, 2))");
}

// --- tensor ------------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(tensor_owns_aligned_storage) {
  tensor<float, torch_grouped_transpose> t({8, 3, 3, 3}, axis_size{"G", 4});
  BOOST_TEST(reinterpret_cast<std::uintptr_t>(t.data()) % 64 == 0u);
  BOOST_TEST(t.size() == 8u * 27u);
  BOOST_TEST(std::all_of(t.begin(), t.end(), [](float x) { return x == 0.0f; }));
  BOOST_TEST(t.extent(G{}) == 4);
  t(G{3}, I{1}, O{2}, H{0}, W{0}) = 5.0f;
  tensor<float, torch_grouped_transpose> copy = t;
  BOOST_TEST(copy.data() != t.data());
  BOOST_TEST(copy(G{3}, I{1}, O{2}, H{0}, W{0}) == 5.0f);
  tensor<float, torch_grouped_transpose> moved = std::move(t);
  BOOST_TEST(moved(7, 2, 2, 2) == 5.0f);
  BOOST_TEST(t.size() == 0u);  // NOLINT(bugprone-use-after-move): a moved-from tensor is empty
  BOOST_TEST(t.data() == nullptr);
  copy = moved;
  BOOST_TEST(copy(7, 2, 2, 2) == 5.0f);
  const tensor<float, torch_grouped_transpose>& c = copy;
  static_assert(std::is_same_v<decltype(c(7, 2, 2, 2)), const float&>);
  static_assert(std::is_same_v<decltype(c.view()), contiguous_view<const float, torch_grouped_transpose>>);
  BOOST_TEST(c.at(G{3}, I{1}, O{2}, H{0}, W{0}) == 5.0f);
  // Fully static extents: a default-constructed tensor holds its elements.
  tensor<int, oihw, extents<2, 2, 3, 3>> s;
  BOOST_TEST(s.size() == 36u);
  BOOST_TEST(s.data() != nullptr);
  // Blocked layouts have static atoms; dynamic ones start at 0.
  tensor<int, blocked> empty_blocked;
  BOOST_TEST(empty_blocked.size() == 0u);
  tensor<int, blocked> b(tensor<int, blocked>::extents_type{2, 2, 3, 3});
  BOOST_TEST(b.size() == 2u * 2 * 3 * 3 * 4 * 16);
}

// --- the customization point -------------------------------------------------------------------

namespace user {
/// A minimal user tensor: data, a shape, optional strides (in elements).
struct ndarray {
  std::vector<float> values;
  std::vector<long> dims;
  std::vector<long> steps;  // empty: C order
};
/// A non-owning user type.
struct ndspan {
  const float* p;
  std::array<int, 2> dims;
};
}  // namespace user

template <>
struct axle::tensor_traits<user::ndarray> {
  static float* data(user::ndarray& a) { return a.values.data(); }
  static const float* data(const user::ndarray& a) { return a.values.data(); }
  static const std::vector<long>& shape(const user::ndarray& a) { return a.dims; }
};
template <>
struct axle::tensor_traits<user::ndspan> {
  static constexpr bool borrowed = true;
  static const float* data(const user::ndspan& a) { return a.p; }
  static std::array<int, 2> shape(const user::ndspan& a) { return a.dims; }
  static std::array<int, 2> strides(const user::ndspan& a) { return {1, a.dims[0]}; }  // column-major
};

BOOST_AUTO_TEST_CASE(customization_point) {
  user::ndarray a{std::vector<float>(4 * 3 * 2 * 2), {4, 3, 2, 2}, {}};
  std::iota(a.values.begin(), a.values.end(), 0.0f);
  auto v = axle::view<torch_grouped_transpose>(a, axis_size{"G", 2});
  static_assert(std::is_same_v<decltype(v), contiguous_view<float, torch_grouped_transpose>>);  // no strides: contiguous
  BOOST_TEST(v(3, 2, 1, 1) == 47.0f);
  const user::ndarray& ca = a;
  auto cv = axle::view<layout<merged<G, I>, O, flipped<H>, flipped<W>>>(ca, std::span<const axis_size>(std::array<axis_size, 1>{{{"G", 2}}}));
  static_assert(std::is_same_v<decltype(cv), contiguous_view<const float, torch_grouped_transpose>>);
  check_message<shape_error>([&] { (void)axle::view<layout<O, I, H>>(a); },
                             "tensor_view: shape (4, 3, 2, 2) has 4 dimensions, but layout (O, I, H) has 3");
  // Strides: a column-major user type, viewed from a temporary (it is borrowed).
  const std::vector<float> col{0, 1, 2, 3, 4, 5};  // 2 x 3, column-major
  auto m = axle::view<layout<O, I>>(user::ndspan{col.data(), {2, 3}});
  static_assert(std::is_same_v<decltype(m), tensor_view<const float, layout<O, I>>>);
  BOOST_TEST(m(O{1}, I{2}) == 5.0f);
  BOOST_TEST(m(O{1}, I{0}) == 1.0f);
  BOOST_TEST(!m.is_contiguous());
}

// --- mapping policies --------------------------------------------------------------------------

using dyn4 = extents<dynamic_extent, dynamic_extent, dynamic_extent, dynamic_extent>;
// A contiguous mapping stores its extents only; with static extents, nothing.
static_assert(sizeof(contiguous::mapping<extents<8, 4, 3, 3>>) == 1);
static_assert(std::is_empty_v<contiguous::mapping<extents<8, 4, 3, 3>>>);
static_assert(sizeof(strided::mapping<dyn4>) == 8 * sizeof(index_t));
static_assert(std::is_same_v<contiguous_view<float, oihw>::mapping_type, contiguous::mapping<dyn4>>);
static_assert(std::is_same_v<tensor_view<float, oihw>::mapping_type, strided::mapping<dyn4>>);
static_assert(contiguous::mapping<dyn4>::is_always_exhaustive() && !strided::mapping<dyn4>::is_always_exhaustive());
// Mappings compute offsets in constant expressions: the offsets of C order, spelled out.
static_assert(contiguous::mapping<extents<2, 3, 4>>()(1, 2, 3) == 1 * 12 + 2 * 4 + 3);
static_assert(contiguous::mapping<extents<2, 3, 4>>().required_span_size() == 24);
static_assert(contiguous::mapping<extents<2, 3, 4>>().run_offset<1, 2>(11) == 11);
static_assert(strided::mapping<extents<2, 3, 4>>(extents<2, 3, 4>{}, {1, -2, 6})(1, 2, 3) == 1 - 4 + 18);
static_assert(strided::mapping<extents<2, 3, 4>>(extents<2, 3, 4>{}, {1, -2, 6}).min_offset() == -4);
static_assert(strided::mapping<extents<2, 3, 4>>(extents<2, 3, 4>{}, {1, -2, 6}).max_offset() == 1 + 18);
static_assert(strided::mapping<extents<2, 3, 4>>(extents<2, 3, 4>{}, {1, -2, 6}).required_span_size() == 24);
// (3, 4) digits of a flat index over atoms 1 and 2, each scaled by its own stride.
static_assert(strided::mapping<extents<2, 3, 4>>(extents<2, 3, 4>{}, {100, 10, 1}).run_offset<1, 2>(7) == 1 * 10 + 3 * 1);

BOOST_AUTO_TEST_CASE(mapping_properties) {
  using M = strided::mapping<extents<dynamic_extent, dynamic_extent, dynamic_extent>>;
  const extents<dynamic_extent, dynamic_extent, dynamic_extent> e(2, 3, 4);
  const M row_major(e);
  BOOST_TEST((row_major.strides() == std::array<index_t, 3>{12, 4, 1}));
  BOOST_TEST(row_major.is_contiguous());
  BOOST_TEST(row_major.is_exhaustive());
  BOOST_TEST(row_major.is_unique());
  const M permuted(e, {1, 8, 2});  // column-major over (0, 2, 1): every element once, not in order
  BOOST_TEST(!permuted.is_contiguous());
  BOOST_TEST(permuted.is_exhaustive());
  BOOST_TEST(permuted.is_unique());
  BOOST_TEST(permuted.required_span_size() == 24);
  const M gappy(e, {24, 6, 1});  // row-major, rows padded to 6
  BOOST_TEST(!gappy.is_exhaustive());
  BOOST_TEST(gappy.is_unique());
  BOOST_TEST(gappy.required_span_size() == 24 + 12 + 4);
  const M broadcast(e, {12, 0, 1});  // one row read three times
  BOOST_TEST(!broadcast.is_unique());
  BOOST_TEST(!broadcast.is_exhaustive());
  const M reversed(e, {-12, -4, -1});
  BOOST_TEST(reversed.is_exhaustive());
  BOOST_TEST(reversed.min_offset() == -23);
  BOOST_TEST(reversed.max_offset() == 0);
  // Conversions: contiguous to strided keeps the offsets; strided to contiguous is checked.
  const contiguous::mapping<extents<dynamic_extent, dynamic_extent, dynamic_extent>> c(e);
  const M from_contiguous = c;
  BOOST_TEST((from_contiguous == row_major));
  BOOST_TEST(c(1, 2, 3) == row_major(1, 2, 3));
  using contiguous3 = contiguous::mapping<extents<dynamic_extent, dynamic_extent, dynamic_extent>>;
  BOOST_CHECK_NO_THROW(static_cast<void>(contiguous3(row_major)));
  check_message<shape_error>(
      [&] { contiguous::mapping<extents<dynamic_extent, dynamic_extent, dynamic_extent>> bad(permuted); },
      "a contiguous mapping made from strides (1, 8, 2) for extents (2, 3, 4), which are not row-major");
  // NumPy's strides: a zero extent does not zero the strides outside it.
  const contiguous::mapping<extents<dynamic_extent, dynamic_extent, dynamic_extent>> empty(
      extents<dynamic_extent, dynamic_extent, dynamic_extent>(2, 0, 5));
  BOOST_TEST((empty.strides() == std::array<index_t, 3>{5, 5, 1}));
  BOOST_TEST(empty.required_span_size() == 0);
}

// --- sizes that do not fit ---------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(extents_whose_product_wraps_are_refused) {
  // 3 * 6148914691236517206 is 2^64 + 2: it wraps to 2, the size of the buffer.
  const std::vector<float> two(2);
  constexpr index_t huge = 6148914691236517206;
  check_message<shape_error>(
      [&] { tensor_view<const float, oihw> v(two, {3, huge, 1, 1}); },
      "tensor_view: shape (3, 6148914691236517206, 1, 1) holds more elements than a signed 64-bit integer counts (the product of "
      "its non-zero extents must fit)");
  check_message<shape_error>(
      [&] { tensor_view<const float, oihw> v(two.data(), tensor_view<const float, oihw>::extents_type{3, huge, 1, 1}); },
      "extents (3, 6148914691236517206, 1, 1) hold more elements than a signed 64-bit integer counts (the product of the non-zero "
      "extents must fit)");
  BOOST_CHECK_THROW((contiguous_view<const float, oihw>(two.data(), {3, huge, 1, 1})), shape_error);
  BOOST_CHECK_THROW((contiguous_view<const float, oihw>(two, contiguous_view<const float, oihw>::extents_type{3, huge, 1, 1})),
                    shape_error);
  // Strides whose offsets wrap.
  check_message<shape_error>(
      [&] {
        tensor_view<const float, oihw> v(two.data(), tensor_view<const float, oihw>::extents_type{3, 2, 1, 1},
                                         {huge, 1, 1, 1});
      },
      "extents (3, 2, 1, 1) with strides (6148914691236517206, 1, 1, 1) reach offsets that do not fit in a signed 64-bit integer");
  // A merged dimension's sizes: ((G, I), O, H~, W~) of shape (0, ...) with G = 2^62 holds atoms
  // (2^62, 0, 2^62, 1, 1) whose non-zero product does not fit.
  check_message_contains<shape_error>(
      [&] { tensor_view<const float, torch_grouped_transpose> v(two.data(), {0, index_t{1} << 62, 1, 1}, axis_size{"G", index_t{1} << 62}); },
      "which hold more elements than a signed 64-bit integer counts");
  // Sizes given for a merged dimension that multiply past int64 (4 gates times G = 2^62).
  check_message<shape_error>(
      [&] { tensor_view<const float, layout<merged<labels<gate, "i,f,g,o">, G, O>, I>> v(two.data(), {4, 1}, axis_size{"G", index_t{1} << 62}); },
      "tensor_view: dimension 0 has extent 4, but the sizes of its axes multiply past a signed 64-bit integer ((4, 1) as "
      "((gate[i,f,g,o], G, O), I))");
}

BOOST_AUTO_TEST_CASE(zero_element_shapes_follow_numpy) {
  // NumPy refuses a shape whose non-zero extents multiply past int64, whatever the order of the
  // dimensions and although a zero extent leaves it without elements.
  constexpr index_t big = index_t{1} << 62;
  BOOST_CHECK_THROW((tensor_view<const float, oihw>(nullptr, {0, big, big, 1})), shape_error);
  BOOST_CHECK_THROW((tensor_view<const float, oihw>(nullptr, {big, big, 3, 0})), shape_error);
  BOOST_CHECK_THROW((tensor<float, oihw>({big, big, 3, 0})), shape_error);
  // Huge but fitting extents around a zero: an empty view, empty tensor.
  const tensor_view<const float, oihw> v(nullptr, {0, big, 1, 1});
  BOOST_TEST(v.size() == 0u);
  BOOST_TEST(v.extent(O{}) == 0);
  tensor<float, oihw> t({index_t{1} << 60, 1, 0, 1});
  BOOST_TEST(t.size() == 0u);
  BOOST_TEST(t.data() == nullptr);
  // ... but their bytes must fit too: 2^62 float32 is "array is too big" to NumPy.
  BOOST_CHECK_THROW((tensor<float, oihw>({big, 1, 0, 1})), shape_error);
}

BOOST_AUTO_TEST_CASE(tensors_check_their_size_before_allocating) {
  constexpr index_t huge = 6148914691236517206;
  check_message<shape_error>([] { tensor<float, oihw> t({3, huge, 1, 1}); },
                             "tensor_view: shape (3, 6148914691236517206, 1, 1) holds more elements than a signed 64-bit integer "
                             "counts (the product of its non-zero extents must fit)");
  // The elements fit, their bytes do not: 2^62 floats.
  check_message<shape_error>([] { tensor<float, oihw> t({index_t{1} << 61, 2, 1, 1}); },
                             "tensor of layout (O, I, H, W) with extents (2305843009213693952, 2, 1, 1) needs more bytes than a signed "
                             "64-bit integer counts");
  check_message<shape_error>(
      [] { tensor<double, oihw> t(tensor<double, oihw>::extents_type{index_t{1} << 61, 1, 1, 1}); },
      "tensor of layout (O, I, H, W) with extents (2305843009213693952, 1, 1, 1) needs more bytes than a signed 64-bit integer counts");
}

// --- views whose layout is known at run time ---------------------------------------------------

BOOST_AUTO_TEST_CASE(dynamic_view_is_a_typed_view_at_run_time) {
  std::vector<int> buf = iota_vector(4 * 3 * 2 * 2);
  const value::layout& l = value::of<torch_grouped_transpose>();
  const std::array<index_t, 4> shape{4, 3, 2, 2};
  const std::array<axis_size, 1> known{{{"G", 2}}};
  const dynamic_view<int> d(buf, l, shape, known);
  const tensor_view<int, torch_grouped_transpose> t(buf, {4, 3, 2, 2}, axis_size{"G", 2});
  BOOST_TEST(d.rank() == 4u);
  BOOST_TEST(d.atom_count() == 5u);
  BOOST_TEST(d.size() == buf.size());
  BOOST_TEST(d.is_contiguous());
  BOOST_TEST((d.shape() == std::vector<index_t>{4, 3, 2, 2}));
  for (std::size_t k = 0; k < 5; ++k) {
    BOOST_TEST(d.extent(k) == t.extent(k));
    BOOST_TEST(d.stride(k) == t.stride(k));
  }
  for (index_t a = 0; a < 4; ++a)
    for (index_t o = 0; o < 3; ++o)
      for (index_t h = 0; h < 2; ++h)
        for (index_t w = 0; w < 2; ++w) BOOST_TEST(d(a, o, h, w) == t(a, o, h, w));
  // From a typed view, of any strides (a plan view).
  const auto plan_view = layout_cast<layout<H, W, merged<G, O>, I>>(t);
  const dynamic_view<const int> widened = plan_view;
  using plan_layout = layout<H, W, merged<G, O>, I>;
  BOOST_TEST(&widened.layout() == &value::of<plan_layout>());
  BOOST_TEST(!widened.is_contiguous());
  for (index_t h = 0; h < 2; ++h)
    for (index_t go = 0; go < 6; ++go) BOOST_TEST(widened(h, 1, go, 1) == plan_view(h, 1, go, 1));
  // Per atom, with strides.
  const std::array<index_t, 5> ext{2, 2, 3, 2, 2};
  const std::array<index_t, 5> strides{8, 4, 16, 2, 1};
  const dynamic_view<int> per_atom(buf.data(), l, ext, strides);
  BOOST_TEST(per_atom(0, 2, 0, 0) == 32);
  BOOST_TEST(per_atom(3, 0, 0, 0) == 8 + 4);  // the flat index of (G, I): G = 1, I = 1
  BOOST_TEST(!per_atom.is_contiguous());
}

BOOST_AUTO_TEST_CASE(dynamic_view_checks_as_typed_views_do) {
  std::vector<float> buf(100);
  const value::layout& l = value::of<oihw>();
  check_message<shape_error>([&] { dynamic_view<const float> v(buf, l, {4, 3, 3, 3}); },
                             "buffer of 100 elements, layout (O, I, H, W) with extents (4, 3, 3, 3) needs 108");
  check_message<shape_error>([&] { dynamic_view<const float> v(buf.data(), l, {4, 3, 3}); },
                             "dynamic_view: shape (4, 3, 3) has 3 dimensions, but layout (O, I, H, W) has 4");
  check_message_contains<shape_error>(
      [&] { dynamic_view<const float> v(buf.data(), value::of<torch_grouped_transpose>(), {4, 3, 3, 3}); }, "the size of G must be given");
  check_message_contains<shape_error>([&] { dynamic_view<const float> v(buf.data(), l, {3, 6148914691236517206, 1, 1}); },
                                      "holds more elements than a signed 64-bit integer counts");
  const std::array<index_t, 6> blocked_ext{1, 1, 3, 3, 4, 8};
  const std::array<index_t, 6> blocked_strides{1, 1, 1, 1, 1, 1};
  check_message<shape_error>([&] { dynamic_view<const float> v(buf.data(), value::of<blocked>(), blocked_ext, blocked_strides); },
                             "dynamic_view: axis 16o cannot have extent 8");
  value::layout twice = value::of<oihw>();
  twice.atoms[1] = twice.atoms[0];  // (O, O, H, W)
  check_message<layout_error>([&] { dynamic_view<const float> v(buf.data(), twice, {1, 1, 1, 1}); },
                              "dynamic_view: (O, O, H, W) is not a valid layout");
  const dynamic_view<const float> v(buf.data(), l, {4, 5, 1, 5});
  check_message<std::out_of_range>([&] { (void)v.at(0, 5, 0, 0); },
                                   "axle: index 5 is out of range for dimension 1 (I) of extent 5 in layout (O, I, H, W)");
  check_message<std::out_of_range>([&] { (void)v.at(0, 0, 0); }, "axle: 3 indices for layout (O, I, H, W) of 4 dimensions");
  BOOST_TEST(&v.at(3, 4, 0, 4) == &buf[99]);
}

// --- foreign sizes are checked too -------------------------------------------------------------

namespace user {
/// A non-owning user type with unsigned extents and signed strides, as some libraries have.
struct wide {
  const float* p;
  std::array<unsigned long long, 2> dims;
  std::array<long long, 2> steps;
};
}  // namespace user

template <>
struct axle::tensor_traits<user::wide> {
  static constexpr bool borrowed = true;
  static const float* data(const user::wide& a) { return a.p; }
  static std::array<unsigned long long, 2> shape(const user::wide& a) { return a.dims; }
  static std::array<long long, 2> strides(const user::wide& a) { return a.steps; }
};

BOOST_AUTO_TEST_CASE(foreign_sizes_are_checked) {
  const float x = 1;
  check_message<shape_error>([&] { (void)axle::view<layout<O, I>>(user::wide{&x, {1ULL << 63, 1}, {1, 1}}); },
                             "axle::view: extent 9223372036854775808 does not fit in a signed 64-bit integer");
  check_message<shape_error>(
      [&] { (void)axle::view<layout<O, I>>(user::wide{&x, {3, 2}, {1LL << 62, 1}}); },
      "extents (3, 2) with strides (4611686018427387904, 1) reach offsets that do not fit in a signed 64-bit integer");
  // A merged dimension's outer atom: G's stride, 2^62 * 2, does not fit.
  check_message<shape_error>(
      [&] { (void)axle::view<layout<merged<G, O>, I>>(user::wide{&x, {4, 1}, {1LL << 62, 1}}, axis_size{"G", 2}); },
      "axle::view: dimension 0 of stride 4611686018427387904 of layout ((G, O), I) reaches offsets that do not fit in a signed "
      "64-bit integer");
  // Strides of an empty view do not matter.
  const auto empty = axle::view<layout<merged<G, O>, I>>(user::wide{&x, {0, 1}, {1LL << 62, 1}}, axis_size{"G", 2});
  BOOST_TEST(empty.empty());
}
