// Tests for `axle convert-checkpoint --verify` (tools/axle/checkpoint_verify.cpp): a correct
// conversion passes, and the wrong conversions tools are known to make — a transposed
// convolution swapped but not flipped, a convolution kernel permuted into the wrong order with
// shapes that still match — are caught, by numbers alone.
#define BOOST_TEST_MODULE checkpoint_verify
#include <boost/test/unit_test.hpp>

#include "checkpoint_verify.hpp"

#include <axle/catalogue.hpp>
#include <axle/convert.hpp>

#include <cstring>
#include <random>
#include <vector>

namespace cli = axle::cli;

namespace {

struct conversion {
  cli::verify_request request;
  std::vector<float> source;
  std::vector<float> target;
};

/// `from` → `to` for a weight of `shape`, converted by axle's engine.
conversion make(const char* from, const char* to, std::vector<axle::index_t> shape, std::optional<axle::index_t> groups = std::nullopt) {
  conversion c;
  const auto* f = axle::catalogue::find_for_weight_ndim(from, static_cast<int>(shape.size()));
  BOOST_REQUIRE(f != nullptr);
  const auto* t = axle::catalogue::find(to, f->spatial);
  BOOST_REQUIRE(t != nullptr);
  axle::op_options options;
  options.groups = groups;
  const axle::op_conversion conv(*f, *t, options);
  const axle::strided_map m = conv.map(shape);
  std::size_t n = 1;
  for (auto e : shape) n *= static_cast<std::size_t>(e);
  c.source.resize(n);
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> u(-1, 1);
  for (float& v : c.source) v = u(rng);
  c.target.resize(n);
  axle::materialize(m, c.source.data(), c.target.data());
  c.request = {f, t, conv.from_layout(), conv.to_layout(), std::vector<axle::axis_size>(conv.sizes().begin(), conv.sizes().end()),
               shape, m.target_shape, axle::dtype::F32, conv.grouped()};
  return c;
}

cli::verify_result verify(const conversion& c, const std::vector<float>& target) {
  return cli::verify_conversion(c.request, std::as_bytes(std::span<const float>(c.source)), std::as_bytes(std::span<const float>(target)));
}

}  // namespace

BOOST_AUTO_TEST_CASE(correct_conversions_pass) {
  for (const auto& c : {make("torch.conv_transpose2d", "equinox.conv_transpose2d", {4, 4, 3, 3}),
                        make("torch.conv_transpose2d", "equinox.conv_transpose2d", {4, 2, 3, 3}, 2),
                        make("torch.conv_transpose2d", "flax.conv_transpose", {3, 5, 2, 3}),
                        make("torch.conv_transpose2d", "keras.conv2d_transpose", {3, 5, 2, 3}),
                        make("torch.conv3d", "flax.conv", {4, 3, 2, 3, 2}), make("torch.conv1d", "keras.conv1d", {4, 3, 5})}) {
    const cli::verify_result r = verify(c, c.target);
    BOOST_TEST(r.checked);
    BOOST_TEST(r.ok, c.request.from->name << " -> " << c.request.to->name << ": " << r.max_error);
  }
}

BOOST_AUTO_TEST_CASE(a_swap_without_its_flip_is_caught) {
  // PyTorch ConvTranspose2d (I, O, kh, kw) -> Equinox (O, I, kh, kw) with I == O: swapping the
  // axes without reversing the kernel gives the right shape and the wrong numbers.
  const conversion c = make("torch.conv_transpose2d", "equinox.conv_transpose2d", {4, 4, 3, 3});
  std::vector<float> wrong(c.source.size());
  for (std::size_t i = 0; i < 4; ++i)
    for (std::size_t o = 0; o < 4; ++o)
      std::memcpy(&wrong[(o * 4 + i) * 9], &c.source[(i * 4 + o) * 9], 9 * sizeof(float));
  const cli::verify_result r = verify(c, wrong);
  BOOST_TEST(r.checked);
  BOOST_TEST(!r.ok);
  BOOST_TEST(r.max_error > 1e-3);
}

BOOST_AUTO_TEST_CASE(a_conv3d_reversed_whole_is_caught) {
  // transformers' rule for anything but 4-D: .T, which for a Conv3d (O, I, D, H, W) gives
  // (W, H, D, I, O) where Flax wants (D, H, W, I, O); with kD == kW the shapes agree.
  const conversion c = make("torch.conv3d", "flax.conv", {2, 2, 3, 2, 3});
  std::vector<float> wrong(c.source.size());
  const std::size_t O = 2, I = 2, D = 3, H = 2, W = 3;
  for (std::size_t o = 0; o < O; ++o)
    for (std::size_t i = 0; i < I; ++i)
      for (std::size_t d = 0; d < D; ++d)
        for (std::size_t h = 0; h < H; ++h)
          for (std::size_t w = 0; w < W; ++w) wrong[(((w * H + h) * D + d) * I + i) * O + o] = c.source[(((o * I + i) * D + d) * H + h) * W + w];
  const cli::verify_result r = verify(c, wrong);
  BOOST_TEST(r.checked);
  BOOST_TEST(!r.ok);
}

BOOST_AUTO_TEST_CASE(what_is_not_checked_says_why) {
  conversion c = make("torch.linear", "flax.dense", {3, 4});
  BOOST_TEST(!verify(c, c.target).checked);
  BOOST_TEST(verify(c, c.target).note == "not a convolution weight");
  c = make("torch.conv2d", "flax.conv", {2, 2, 3, 3});
  c.request.dtype = axle::dtype::I32;
  BOOST_TEST(verify(c, c.target).note == "I32 is not a float type");
}
