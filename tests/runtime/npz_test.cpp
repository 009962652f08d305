// Tests for <axle/npz.hpp>: archives written by NumPy itself (tests/runtime/data/npz/make.py) are
// read back value for value; every malformed archive gets its one message; archives axle writes
// are read back and are complete or absent. That NumPy loads what axle writes is checked by
// tests/cli/check_checkpoints.py, with np.load as the oracle.
#define BOOST_TEST_MODULE npz
#include <boost/test/unit_test.hpp>

#include <axle/npz.hpp>

#include "messages.hpp"

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <unistd.h>
#include <vector>

namespace fs = std::filesystem;
namespace npz = axle::npz;
using namespace axle::axes;
using axle::testing::check_message;
using axle::testing::check_message_contains;

namespace {

fs::path data(const std::string& name) {
#ifdef AXLE_NPZ_TEST_DATA_DIR
  return fs::path(AXLE_NPZ_TEST_DATA_DIR) / name;
#else
  return fs::path(__FILE__).parent_path() / "data" / "npz" / name;
#endif
}

struct temp_dir {
  fs::path path;
  temp_dir() {
    path = fs::temp_directory_path() / ("axle_npz_test_" + std::to_string(::getpid()));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~temp_dir() { fs::remove_all(path); }
  fs::path operator/(const std::string& name) const { return path / name; }
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

/// Element k of every array of make.py: (k % 7) - 3.
double ramp(std::size_t k) { return static_cast<double>(static_cast<int>(k % 7) - 3); }

void check_numpy_archive(const npz::reader& in) {
  BOOST_TEST((in.names() == std::vector<std::string>{"conv.weight", "bn.num_batches_tracked", "f64", "f16", "i8", "u8", "i32", "mask", "empty"}));
  const auto w = in.copy<float, axle::layout<O, I, H, W>>("conv.weight");
  BOOST_TEST(w.size() == 72u);
  for (std::size_t k = 0; k < w.size(); ++k) BOOST_TEST(w.data()[k] == static_cast<float>(ramp(k)));
  BOOST_TEST(w(O{1}, I{0}, H{2}, W{1}) == static_cast<float>(ramp(((1 * 2 + 0) * 3 + 2) * 3 + 1)));
  BOOST_TEST((in.copy<std::int64_t, axle::layout<>>("bn.num_batches_tracked")() == 7));
  BOOST_TEST(in.info("bn.num_batches_tracked").shape.empty());
  const auto f64 = in.copy<double, axle::layout<O>>("f64");
  for (std::size_t k = 0; k < 5; ++k) BOOST_TEST(f64.data()[k] == ramp(k));
  const auto f16 = in.copy<axle::float16, axle::layout<O, I>>("f16");
  BOOST_TEST(axle::npy::half_to_float(f16(O{1}, I{2}).bits) == static_cast<float>(ramp(5)));
  BOOST_TEST((in.copy<std::int8_t, axle::layout<O>>("i8")(O{0}) == -3));
  BOOST_TEST((in.copy<std::uint8_t, axle::layout<O>>("u8")(O{0}) == 253));  // -3 as uint8
  BOOST_TEST((in.copy<std::int32_t, axle::layout<O, I>>("i32")(O{1}, I{1}) == 0));
  const auto mask = in.copy<bool, axle::layout<O>>("mask");
  BOOST_TEST((!mask(O{0}) && mask(O{1}) && !mask(O{4})));
  BOOST_TEST(in.info("empty").bytes == 0u);
  BOOST_TEST((in.info("empty").shape == std::vector<std::int64_t>{0, 3}));
  BOOST_TEST((in.info("conv.weight.npy").name == "conv.weight"));  // np.load accepts either spelling
}

}  // namespace

BOOST_AUTO_TEST_CASE(reads_what_numpy_writes) {
  const npz::reader stored(data("stored.npz"));
  BOOST_TEST(!stored.info("f64").compressed);
  check_numpy_archive(stored);
  const npz::reader deflated(data("deflated.npz"));
  BOOST_TEST(deflated.info("f64").compressed);
  check_numpy_archive(deflated);
  const npz::reader empty(data("empty.npz"));
  BOOST_TEST(empty.names().empty());
}

BOOST_AUTO_TEST_CASE(refuses_every_malformed_archive) {
  const std::string dir = data("").string();
  auto msg = [&](const std::string& file, const std::string& rest) { return data(file).string() + ": " + rest; };
  check_message<npz::error>([&] { npz::reader r(data("big_endian.npz")); },
                            msg("big_endian.npz", "member 'w.npy': unsupported dtype '>f4' (big-endian: save it little-endian, "
                                                  "arr.astype(arr.dtype.newbyteorder('<'))); supported: bool, int8/16/32/64, uint8/16/32/64, "
                                                  "float16/32/64, complex64, bfloat16 as '<V2'"));
  check_message<npz::error>([&] { npz::reader r(data("fortran.npz")); },
                            msg("fortran.npz", "member 'w.npy': fortran_order=True is not supported; save np.ascontiguousarray(a)"));
  check_message_contains<npz::error>([&] { npz::reader r(data("object.npz")); }, msg("object.npz", "member 'w.npy': unsupported dtype '|O'"));
  check_message<npz::error>([&] { npz::reader r(data("not_npy.npz")); },
                            msg("not_npy.npz", "member 'readme.txt' is not a .npy array (an .npz holds only <name>.npy members)"));
  check_message<npz::error>([&] { npz::reader r(data("duplicate.npz")); }, msg("duplicate.npz", "two members have the same name"));
  check_message<npz::error>([&] { npz::reader r(data("trailing.npz")); },
                            msg("trailing.npz", "member 'w.npy': F32 (3,) needs 12 bytes of data, the member holds 16"));
  check_message<npz::error>([&] { npz::reader r(data("short.npz")); },
                            msg("short.npz", "member 'w.npy': F32 (3,) needs 12 bytes of data, the member holds 8"));
  const npz::reader crc(data("bad_crc.npz"));  // the headers are fine; the data is not
  check_message<npz::error>([&] { (void)crc.read("w"); }, msg("bad_crc.npz", "member 'w.npy': cannot read: CRC error"));
  const std::string text = "not an archive at all";
  check_message_contains<npz::error>([&] { (void)npz::reader::from_bytes(std::as_bytes(std::span<const char>(text.data(), text.size())), "x.npz"); },
                                     "x.npz: not a zip archive (");
  // Truncated archives: every prefix of a real one is refused with one error, never a crash.
  const std::string whole = slurp(data("deflated.npz"));
  for (std::size_t n = 0; n < whole.size(); n += 7)
    BOOST_CHECK_THROW((void)npz::reader::from_bytes(std::as_bytes(std::span<const char>(whole.data(), n)), "cut.npz"), npz::error);
  const npz::reader ok(data("stored.npz"));
  check_message<npz::error>([&] { (void)ok.copy<double, axle::layout<O, I, H, W>>("conv.weight"); },
                            msg("stored.npz", "array 'conv.weight' is F32, read as F64"));
  check_message_contains<npz::error>([&] { (void)ok.copy<float, axle::layout<O, I>>("conv.weight"); },
                                     "array 'conv.weight' F32 (4, 2, 3, 3) as (O, I): tensor_view: shape (4, 2, 3, 3) has 4 dimensions");
  check_message<npz::error>([&] { (void)ok.info("conv.wieght"); }, msg("stored.npz", "no array 'conv.wieght'; did you mean 'conv.weight'?"));
}

BOOST_AUTO_TEST_CASE(writes_archives_it_reads_back) {
  temp_dir dir;
  std::vector<float> w(4 * 3);
  for (std::size_t k = 0; k < w.size(); ++k) w[k] = static_cast<float>(k) * 0.25f;
  const std::int64_t count = 42;
  for (bool compress : {false, true}) {
    const fs::path p = dir / (compress ? "c.npz" : "s.npz");
    npz::writer out(p, compress);
    out.add("layer.weight", axle::dtype::F32, {4, 3}, std::as_bytes(std::span<const float>(w)));
    int asked = 0;
    out.add("steps", axle::dtype::I64, {}, [&] {
      ++asked;
      auto keep = std::make_shared<std::int64_t>(count);
      return npz::data{std::as_bytes(std::span<const std::int64_t>(keep.get(), 1)), keep};
    });
    out.commit();
    BOOST_TEST(asked == 1);
    const npz::reader in(p);
    BOOST_TEST((in.names() == std::vector<std::string>{"layer.weight", "steps"}));
    BOOST_TEST(in.info("layer.weight").compressed == compress);
    const auto t = in.copy<float, axle::layout<O, I>>("layer.weight");
    BOOST_TEST(std::memcmp(t.data(), w.data(), w.size() * sizeof(float)) == 0);
    BOOST_TEST((in.copy<std::int64_t, axle::layout<>>("steps")() == count));
  }
  // No arrays: exactly what np.savez writes.
  npz::writer none(dir / "none.npz");
  none.commit();
  BOOST_TEST(slurp(dir / "none.npz") == slurp(data("empty.npz")));
}

BOOST_AUTO_TEST_CASE(a_failed_archive_leaves_nothing) {
  temp_dir dir;
  std::vector<float> w(1000, 1.0f);
  {
    npz::writer out(dir / "x.npz");
    out.add("a", axle::dtype::F32, {1000}, std::as_bytes(std::span<const float>(w)));
    out.add("b", axle::dtype::F32, {1000}, [&]() -> npz::data { throw axle::file_error("in.safetensors: tensor 'b': truncated"); });
    check_message<npz::error>([&] { out.commit(); }, "in.safetensors: tensor 'b': truncated");
  }
  {
    npz::writer out(dir / "y.npz");
    out.add("a", axle::dtype::F32, {1000}, [&] { return npz::data{std::as_bytes(std::span<const float>(w)).first(8), nullptr}; });
    check_message_contains<npz::error>([&] { out.commit(); }, "y.npz: array 'a': the producer gave 8 bytes for 4000");
  }
  BOOST_TEST(fs::is_empty(dir.path));
  npz::writer out(dir / "z.npz");
  check_message<npz::error>([&] { out.add("q", axle::dtype::F8_E4M3, {2}, std::span<const std::byte>()); },
                            (dir / "z.npz").string() + ": array 'q': NumPy has no F8_E4M3 type, so an .npz cannot hold it");
  out.add("a", axle::dtype::F32, {1}, std::as_bytes(std::span<const float>(w)).first(4));
  check_message<npz::error>([&] { out.add("a", axle::dtype::F32, {1}, std::as_bytes(std::span<const float>(w)).first(4)); },
                            (dir / "z.npz").string() + ": two arrays named 'a'");
  std::ofstream(dir / "exists.npz") << "old";
  check_message<npz::error>([&] { npz::writer o(dir / "exists.npz"); }, (dir / "exists.npz").string() + ": already exists; pass --force to overwrite it");
}
