// tensor_view and tensor: construction and its checks, element access by axis and by position,
// extents, conversions between views, ownership, the customization point.
#define BOOST_TEST_MODULE view
#include <boost/test/unit_test.hpp>

#include "messages.hpp"

#include <axle/adapt.hpp>
#include <axle/convert.hpp>
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
  const auto e = view_as<layout<merged<G, O>, I, H, W>>(w);
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
  const tensor_view<int, oihw> as_oihw = view_as<oihw>(torch);
  const tensor_view<int, torch_conv_transpose> back = view_as<torch_conv_transpose>(as_oihw);
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
  const auto plan_view = view_as<layout<merged<G, O>, I, H, W>>(s);
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
