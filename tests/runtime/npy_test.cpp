// Tests for axle/npy.hpp.
//
// Reads the numpy-written files under tests/runtime/data/npy (recreate them
// with data/npy/make.py) and checks every error message.  The data directory
// defaults to the one beside this source file; define AXLE_NPY_TEST_DATA_DIR
// to override.
//
// Boost.Test, header-only variant (no library to link):
//   g++ -std=c++20 -Wall -Wextra -Wpedantic -Werror -fsanitize=address,undefined -Iinclude tests/runtime/npy_test.cpp
//   -o npy_test && ./npy_test
#define BOOST_TEST_MODULE npy
#include <boost/test/unit_test.hpp>

#include <axle/npy.hpp>

#include "scratch.hpp"

#include <array>
#include <span>
#include <type_traits>
#include <utility>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#if defined(__linux__)
#include <sys/resource.h>
#include <unistd.h>
#include <csignal>
#endif

namespace fs = std::filesystem;
namespace npy = axle::npy;

namespace {

fs::path data_dir() {
#ifdef AXLE_NPY_TEST_DATA_DIR
  return fs::path(AXLE_NPY_TEST_DATA_DIR);
#else
  return fs::path(__FILE__).parent_path() / "data" / "npy";
#endif
}

std::string data(const char* name) {
  return (data_dir() / name).string();
}

using axle::testing::slurp;
using axle::testing::spit;

struct scratch_dir : axle::testing::scratch_dir {
  scratch_dir() : axle::testing::scratch_dir("axle-npy-test") {}
};

// The message of the npy::error thrown by f (fails the test if none).
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const npy::error& e) {
    return e.what();
  } catch (const std::exception& e) {
    BOOST_ERROR("expected npy::error, got another exception: " << e.what());
    return {};
  }
  BOOST_ERROR("expected npy::error, nothing was thrown");
  return {};
}

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

#define CHECK_CONTAINS(s, part) \
  BOOST_CHECK_MESSAGE(contains((s), (part)), "'" << (s) << "' does not contain '" << (part) << "'")

// A .npy byte string with the given version and header text (padding not added).
std::string make_npy(const std::string& dict, const std::string& payload = {}, unsigned major = 1) {
  std::string out = "\x93NUMPY";
  out += static_cast<char>(major);
  out += '\0';
  const std::size_t n = dict.size();
  const std::size_t len_bytes = major == 1 ? 2 : 4;
  for (std::size_t i = 0; i < len_bytes; ++i) out += static_cast<char>((n >> (8 * i)) & 0xff);
  return out + dict + payload;
}

npy::array read_bytes(const std::string& bytes, const std::string& name = "mem.npy") {
  std::istringstream in(bytes);
  return npy::read(in, name);
}

std::string read_error(const std::string& bytes, const std::string& name = "x.npy") {
  return error_of([&] { (void)read_bytes(bytes, name); });
}

std::string le_f32(std::initializer_list<float> values) {
  std::string s;
  for (float v : values) {
    const auto bits = std::bit_cast<std::uint32_t>(v);
    for (int i = 0; i < 4; ++i) s += static_cast<char>((bits >> (8 * i)) & 0xff);
  }
  return s;
}

std::vector<double> ramp(std::size_t n) {
  std::vector<double> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<double>(i) * 0.5 - 3.0;
  return v;
}

using shape_t = std::vector<std::size_t>;

}  // namespace

// ---------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(conversions)

BOOST_AUTO_TEST_CASE(half_round_trips_every_value) {
  for (std::uint32_t h = 0; h <= 0xffff; ++h) {
    const float f = npy::half_to_float(static_cast<std::uint16_t>(h));
    if (std::isnan(f)) {
      BOOST_CHECK(std::isnan(npy::half_to_float(npy::float_to_half(f))));
      continue;
    }
    BOOST_REQUIRE_EQUAL(npy::float_to_half(f), h);
  }
}

BOOST_AUTO_TEST_CASE(half_rounding) {
  BOOST_CHECK_EQUAL(npy::float_to_half(65504.0f), 0x7bff);
  BOOST_CHECK_EQUAL(npy::float_to_half(65519.0f), 0x7bff);
  BOOST_CHECK_EQUAL(npy::float_to_half(65520.0f), 0x7c00);  // ties to even -> inf
  BOOST_CHECK_EQUAL(npy::float_to_half(-1e9f), 0xfc00);
  BOOST_CHECK_EQUAL(npy::float_to_half(0x1p-24f), 0x0001);
  BOOST_CHECK_EQUAL(npy::float_to_half(0x1p-25f), 0x0000);           // tie -> even (0)
  BOOST_CHECK_EQUAL(npy::float_to_half(0x1.8p-24f), 0x0002);         // 1.5 ulp tie -> even (2)
  BOOST_CHECK_EQUAL(npy::float_to_half(1.0f + 0x1p-11f), 0x3c00);    // tie -> even
  BOOST_CHECK_EQUAL(npy::float_to_half(1.0f + 0x1.8p-10f), 0x3c02);  // tie -> even (up)
  BOOST_CHECK_EQUAL(npy::float_to_half(0x1.ffcp-15f), 0x0400);       // rounds up to smallest normal
  BOOST_CHECK_EQUAL(npy::float_to_half(-0.0f), 0x8000);
  BOOST_CHECK_EQUAL(npy::half_to_float(0x3555), 0x1.554p-2f);
}

BOOST_AUTO_TEST_CASE(bfloat16_rounding) {
  BOOST_CHECK_EQUAL(npy::float_to_bfloat16(1.0f), 0x3f80);
  BOOST_CHECK_EQUAL(npy::float_to_bfloat16(-2.5f), 0xc020);
  BOOST_CHECK_EQUAL(npy::float_to_bfloat16(1.0f + 0x1p-8f), 0x3f80);    // tie -> even
  BOOST_CHECK_EQUAL(npy::float_to_bfloat16(1.0f + 0x1.8p-7f), 0x3f82);  // tie -> even (up)
  BOOST_CHECK_EQUAL(npy::float_to_bfloat16(std::numeric_limits<float>::max()), 0x7f80);
  BOOST_CHECK(std::isnan(npy::bfloat16_to_float(npy::float_to_bfloat16(std::nanf("")))));
  for (std::uint32_t b = 0; b <= 0xffff; ++b) {
    const float f = npy::bfloat16_to_float(static_cast<std::uint16_t>(b));
    if (!std::isnan(f)) BOOST_REQUIRE_EQUAL(npy::float_to_bfloat16(f), b);
  }
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(read_numpy_files)

BOOST_AUTO_TEST_CASE(float32) {
  const auto a = npy::read(data("f32.npy"));
  BOOST_CHECK(a.dtype == npy::dtype::float32);
  BOOST_CHECK(a.shape == (shape_t{2, 3, 4}));
  BOOST_CHECK_EQUAL(a.data.size(), 96u);
  const auto v = a.to_floats();
  const auto expect = ramp(24);
  BOOST_REQUIRE_EQUAL(v.size(), 24u);
  for (std::size_t i = 0; i < v.size(); ++i) BOOST_CHECK_EQUAL(v[i], static_cast<float>(expect[i]));
}

BOOST_AUTO_TEST_CASE(float16_float64_bfloat16) {
  struct want {
    const char* file;
    npy::dtype type;
    shape_t shape;
  };
  for (const auto& w :
       {want{"f16.npy", npy::dtype::float16, {2, 3}}, want{"f64.npy", npy::dtype::float64, {4}},
        want{"bf16_void.npy", npy::dtype::bfloat16, {2, 3}}, want{"bf16_le.npy", npy::dtype::bfloat16, {2, 3}},
        want{"v2.npy", npy::dtype::float32, {3, 2}}, want{"v3.npy", npy::dtype::float64, {3, 2}}}) {
    BOOST_TEST_CONTEXT(w.file) {
      const auto a = npy::read(data(w.file));
      BOOST_CHECK(a.dtype == w.type);
      BOOST_CHECK(a.shape == w.shape);
      BOOST_CHECK_EQUAL(a.nbytes(), a.data.size());
      const auto v = a.to_doubles();
      const auto expect = ramp(a.size());
      BOOST_CHECK_EQUAL_COLLECTIONS(v.begin(), v.end(), expect.begin(), expect.end());
    }
  }
}

BOOST_AUTO_TEST_CASE(versions_are_reported) {
  for (auto [file, major] : {std::pair{"f32.npy", 1u}, std::pair{"v2.npy", 2u}, std::pair{"v3.npy", 3u}}) {
    std::ifstream in(data(file), std::ios::binary);
    const auto h = npy::read_header(in, file);
    BOOST_CHECK_EQUAL(h.major, major);
    BOOST_CHECK_EQUAL(h.minor, 0u);
    BOOST_CHECK_EQUAL(h.data_offset % 64, 0u);
  }
}

BOOST_AUTO_TEST_CASE(scalar_and_empty) {
  const auto s = npy::read(data("scalar.npy"));
  BOOST_CHECK(s.shape.empty());
  BOOST_CHECK_EQUAL(s.size(), 1u);
  BOOST_CHECK_EQUAL(s.to_floats().at(0), 2.5f);

  const auto e = npy::read(data("empty.npy"));
  BOOST_CHECK(e.shape == (shape_t{0, 3}));
  BOOST_CHECK_EQUAL(e.size(), 0u);
  BOOST_CHECK(e.data.empty());
}

BOOST_AUTO_TEST_CASE(fortran_order_is_rejected) {
  const std::string f = data("fortran.npy");
  BOOST_CHECK_EQUAL(error_of([&] { (void)npy::read(f); }),
                    f + ": fortran_order=True is not supported; save with np.ascontiguousarray");
}

BOOST_AUTO_TEST_CASE(fortran_order_of_a_vector_is_harmless) {
  const auto a = read_bytes(make_npy("{'descr': '<f4', 'fortran_order': True, 'shape': (2,), }", le_f32({1, 2})));
  BOOST_CHECK(a.shape == (shape_t{2}));
  BOOST_CHECK_EQUAL(a.to_floats().at(1), 2.0f);
}

BOOST_AUTO_TEST_CASE(big_endian_is_rejected) {
  const std::string f = data("big_endian.npy");
  BOOST_CHECK_EQUAL(error_of([&] { (void)npy::read(f); }),
                    f + ": big-endian dtype '>f4' is not supported; convert with arr.astype('<f4')");
}

BOOST_AUTO_TEST_CASE(int32_is_unsupported) {
  const std::string f = data("int32.npy");
  const auto msg = error_of([&] { (void)npy::read(f); });
  CHECK_CONTAINS(msg, f + ": unsupported dtype '<i4' (int32)");
  CHECK_CONTAINS(msg, "float32 '<f4'");
  // The header can still be inspected.
  std::ifstream in(f, std::ios::binary);
  const auto h = npy::read_header(in, f);
  BOOST_CHECK_EQUAL(h.descr, "<i4");
  BOOST_CHECK(h.shape == (shape_t{2, 3}));
}

BOOST_AUTO_TEST_CASE(truncated_data) {
  const std::string f = data("truncated.npy");
  BOOST_CHECK_EQUAL(error_of([&] { (void)npy::read(f); }),
                    f + ": data truncated: expected 1152 bytes for shape (8, 4, 3, 3) float32, found 1000");
  // Same through a non-seekable-looking path: an istream.
  std::ifstream in(f, std::ios::binary);
  BOOST_CHECK_EQUAL(error_of([&] { (void)npy::read(in, "x.npy"); }),
                    "x.npy: data truncated: expected 1152 bytes for shape (8, 4, 3, 3) float32, found 1000");
}

BOOST_AUTO_TEST_CASE(missing_file_and_directory) {
  const std::string f = (data_dir() / "does-not-exist.npy").string();
  const auto msg = error_of([&] { (void)npy::read(f); });
  CHECK_CONTAINS(msg, f + ": cannot open for reading: ");
  const auto dir = data_dir().string();
  BOOST_CHECK_EQUAL(error_of([&] { (void)npy::read(dir); }), dir + ": cannot read: is a directory");
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(header_errors)

BOOST_AUTO_TEST_CASE(bad_magic) {
  BOOST_CHECK_EQUAL(read_error("PK\x03\x04 this is a zip"),
                    "x.npy: not a .npy file: bad magic 'PK\\x03\\x04 t' (expected '\\x93NUMPY')");
  BOOST_CHECK_EQUAL(read_error(""), "x.npy: not a .npy file: the file is empty");
  BOOST_CHECK_EQUAL(read_error("\x93NU"), "x.npy: header truncated: the file ends inside the magic string");
}

BOOST_AUTO_TEST_CASE(unsupported_version) {
  std::string v4 = make_npy("{'descr': '<f4', 'fortran_order': False, 'shape': (), }", le_f32({1}));
  v4[6] = 4;
  BOOST_CHECK_EQUAL(read_error(v4), "x.npy: unsupported .npy format version 4.0 (supported: 1.0, 2.0, 3.0)");
  std::string v11 = v4;
  v11[6] = 1;
  v11[7] = 1;
  BOOST_CHECK_EQUAL(read_error(v11), "x.npy: unsupported .npy format version 1.1 (supported: 1.0, 2.0, 3.0)");
}

BOOST_AUTO_TEST_CASE(truncated_header) {
  const std::string full = slurp(data_dir() / "f32.npy");
  BOOST_CHECK_EQUAL(read_error(full.substr(0, 50)), "x.npy: header truncated: expected 118 header bytes, found 40");
  BOOST_CHECK_EQUAL(read_error(full.substr(0, 9)),
                    "x.npy: header truncated: the file ends inside the 10-byte preamble");
  BOOST_CHECK_EQUAL(read_error(full.substr(0, 7)),
                    "x.npy: header truncated: the file ends inside the 10-byte preamble");
  const std::string v2 = slurp(data_dir() / "v2.npy");
  BOOST_CHECK_EQUAL(read_error(v2.substr(0, 11)), "x.npy: header truncated: the file ends inside the 12-byte preamble");
}

BOOST_AUTO_TEST_CASE(malformed_dicts) {
  struct bad {
    std::string dict;
    std::string message_part;
  };
  const bad cases[] = {
      {"", "expected '{' at the start of the header dict"},
      {"{'descr' '<f4', 'fortran_order': False, 'shape': (), }", "expected ':' after key 'descr' at offset 9"},
      {"{'fortran_order': False, 'shape': (), }", "missing key 'descr'"},
      {"{'descr': '<f4', 'shape': (), }", "missing key 'fortran_order'"},
      {"{'descr': '<f4', 'fortran_order': False}", "missing key 'shape'"},
      {"{'descr': '<f4', 'fortran_order': false, 'shape': (), }", "expected True or False for 'fortran_order'"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': [2, 3], }", "expected a tuple for 'shape'"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (2, -3), }", "expected a non-negative integer in 'shape'"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (2 3), }", "expected ',' or ')' in 'shape'"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), 'extra': 1}", "unexpected key 'extra'"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (2), }", "'shape' is an integer in parentheses, not a tuple"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (02,), }", "an integer with a leading zero at offset 51"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (2l,), }", "expected a non-negative integer in 'shape'"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (2,,), }", "expected a non-negative integer in 'shape'"},
      {"{'descr': '<f4', 'fortran_order': Truex, 'shape': (2,), }", "expected True or False for 'fortran_order'"},
      {"{'descr': '<f\\4', 'fortran_order': False, 'shape': (2,), }", "a backslash escape in a string"},
      {"{'descr': '<f\\x34', 'fortran_order': False, 'shape': (2,), }", "a backslash escape in a string"},
      {"{'descr': '''<f4''', 'fortran_order': False, 'shape': (2,), }", "a triple-quoted string"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (2,)} # comment", "unexpected text after the closing '}'"},
      {std::string("{'descr': '<f4', 'fortran_order': False, 'shape': (2,)}\0", 57), "unexpected text after the closing '}'"},
      {"{'descr': '<f4' 'fortran_order': False, 'shape': ()}", "expected ',' or '}' after the value of 'descr'"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': ()} junk", "unexpected text after the closing '}'"},
      {"{'descr': '<f4, 'fortran_order': False, 'shape': ()}", "malformed header"},
      {"{descr: '<f4', 'fortran_order': False, 'shape': ()}", "expected a quoted key"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (", "expected a non-negative integer in 'shape'"},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.dict) {
      const auto msg = read_error(make_npy(c.dict));
      BOOST_CHECK_MESSAGE(msg.rfind("x.npy: malformed header: ", 0) == 0, msg);
      CHECK_CONTAINS(msg, c.message_part);
      BOOST_CHECK(msg.find('\n') == std::string::npos);
    }
  }
}

BOOST_AUTO_TEST_CASE(robust_dict_parsing) {
  struct ok {
    std::string dict;
    shape_t shape;
  };
  const ok cases[] = {
      {"{'shape': (2,), 'fortran_order': False, 'descr': '<f4'}", {2}},
      {"{ \"descr\" : \"<f4\" ,\t'fortran_order':False,'shape':( 2 , ) , }   \n", {2}},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2L), }", {1, 2}},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (1,1,2,),}", {1, 1, 2}},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'descr': '<f4'}", {2}},
      {"{'descr': '<f8', 'fortran_order': False, 'shape': (2,), 'descr': '<f4'}", {2}},  // the last value counts
      {"\n {'descr': '<f4',\f'fortran_order': False, 'shape': (2,\r\n)}\r", {2}},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.dict) {
      const auto a = read_bytes(make_npy(c.dict, le_f32({1.5f, -2.0f})));
      BOOST_CHECK(a.shape == c.shape);
      BOOST_CHECK_EQUAL(a.to_floats().at(1), -2.0f);
    }
  }
  // Integers as Python writes them: underscores between digits, zeros only with zeros.
  const auto e = read_bytes(make_npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1_2, 00, 0_0), }"));
  BOOST_CHECK(e.shape == (shape_t{12, 0, 0}));
  const auto s = read_bytes(make_npy("{'descr':'<f4','fortran_order':False,'shape':()}", le_f32({7.0f})));
  BOOST_CHECK(s.shape.empty());
  BOOST_CHECK_EQUAL(s.to_floats().at(0), 7.0f);
}

BOOST_AUTO_TEST_CASE(shape_overflow) {
  const auto m1 =
      read_error(make_npy("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999999, 2), }"));
  BOOST_CHECK_EQUAL(m1, "x.npy: shape overflow: extent 99999999999999999999999 exceeds 2^63 - 1, NumPy's limit");
  const auto m2 = read_error(make_npy("{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296), }"));
  BOOST_CHECK_EQUAL(m2, "x.npy: shape overflow: shape (4294967296, 4294967296) float32 does not fit: its non-zero extents "
                        "times the item size exceed 2^63 - 1 bytes, NumPy's limit");
}

// Zero-element shapes follow NumPy's rule too: the non-zero extents times the item size must fit
// in int64, whatever the order of the dimensions (np.load refuses each of these;
// tests/npy/check_numpy.py asks it).
BOOST_AUTO_TEST_CASE(zero_element_shapes_with_huge_extents) {
  const std::string big = "4611686018427387904";  // 2^62
  auto msg_for = [](const std::string& shape) {
    return read_error(make_npy("{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }"));
  };
  for (const std::string& shape :
       {"(0, " + big + ", " + big + ", 1)", "(" + big + ", " + big + ", 3, 0)", "(" + big + ", 0, " + big + ")"}) {
    BOOST_TEST_CONTEXT(shape) {
      BOOST_CHECK_EQUAL(msg_for(shape), "x.npy: shape overflow: shape " + shape +
                                            " float32 does not fit: its non-zero extents times the item size exceed "
                                            "2^63 - 1 bytes, NumPy's limit");
    }
  }
  // An extent above 2^63 - 1 is refused even beside a zero.
  CHECK_CONTAINS(msg_for("(0, 18446744073709551615)"),
                 "x.npy: shape overflow: shape (0, 18446744073709551615) float32 does not fit");
  CHECK_CONTAINS(msg_for("(0, 9223372036854775808)"), "x.npy: shape overflow");
  // At the limit: 4 * (2^61 - 1) bytes of non-zero extents, no element.
  const auto a = read_bytes(make_npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2305843009213693951, 0), }"));
  BOOST_CHECK(a.shape == (shape_t{2305843009213693951u, 0}));
  BOOST_CHECK_EQUAL(a.size(), 0u);
  CHECK_CONTAINS(msg_for("(2305843009213693952, 0)"), "x.npy: shape overflow");
}

BOOST_AUTO_TEST_CASE(at_most_64_dimensions) {
  std::string ones;
  for (int k = 0; k < 64; ++k) ones += "1, ";
  const auto a = read_bytes(make_npy("{'descr': '<f4', 'fortran_order': False, 'shape': (" + ones + "), }", le_f32({3})));
  BOOST_CHECK_EQUAL(a.ndim(), 64u);
  BOOST_CHECK_EQUAL(
      read_error(make_npy("{'descr': '<f4', 'fortran_order': False, 'shape': (" + ones + "1), }", le_f32({3}))),
      "x.npy: shape overflow: shape with 65 dimensions; NumPy arrays have at most 64");
}

// A stream of `size` bytes, `prefix` then `fill`, produced as they are read and counted.
class endless_buf : public std::streambuf {
 public:
  endless_buf(std::string prefix, char fill, std::size_t size) : prefix_(std::move(prefix)), fill_(fill), size_(size) {}
  std::size_t produced() const { return produced_; }

 protected:
  int_type underflow() override {
    if (produced_ >= size_) return traits_type::eof();
    if (produced_ < prefix_.size())
      current_ = prefix_.substr(produced_);
    else
      current_.assign(std::min<std::size_t>(4096, size_ - produced_), fill_);
    produced_ += current_.size();
    setg(current_.data(), current_.data(), current_.data() + current_.size());
    return traits_type::to_int_type(current_[0]);
  }

 private:
  std::string prefix_, current_;
  char fill_;
  std::size_t size_;
  std::size_t produced_ = 0;
};

// A header longer than np.load's 10000 bytes is refused from its length alone: a 2 GiB header of
// '[' is neither read nor parsed.
BOOST_AUTO_TEST_CASE(huge_header_is_refused_before_it_is_read) {
  const std::size_t len = std::size_t{1} << 31;
  std::string pre = "\x93NUMPY\x02";
  pre += '\0';
  for (int i = 0; i < 4; ++i) pre += static_cast<char>((len >> (8 * i)) & 0xff);
  endless_buf buf(pre, '[', pre.size() + len);
  std::istream in(&buf);
  BOOST_CHECK_EQUAL(error_of([&] { (void)npy::read(in, "x.npy"); }),
                    "x.npy: header of 2147483648 bytes exceeds 10000, the most np.load reads");
  BOOST_CHECK_LE(buf.produced(), 4096u);
  // Exactly at the limit is read; one byte more is not.
  const std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }";
  BOOST_CHECK_EQUAL(read_bytes(make_npy(dict + std::string(10000 - dict.size(), ' '), le_f32({1}), 2)).size(), 1u);
  BOOST_CHECK_EQUAL(read_error(make_npy(dict + std::string(10001 - dict.size(), ' '), le_f32({1}), 2)),
                    "x.npy: header of 10001 bytes exceeds 10000, the most np.load reads");
}

BOOST_AUTO_TEST_CASE(nesting_is_bounded) {
  // Within the size limit, brackets nest at most 32 deep (only a structured descr has any).
  const auto msg = read_error(make_npy("{'descr': " + std::string(9000, '[') + "}"));
  CHECK_CONTAINS(msg, "x.npy: malformed header: nested deeper than 32 levels at offset 42");
  const auto ok = read_error(make_npy("{'descr': [[('a', '<f4')]], 'fortran_order': False, 'shape': (), }"));
  BOOST_CHECK_EQUAL(ok, "x.npy: unsupported dtype: structured dtype [[('a', '<f4')]] is not supported");
}

// '<f\4' is '<f' and the byte 4 to Python, not float32: every escape is refused.
BOOST_AUTO_TEST_CASE(escapes_in_descr_are_refused) {
  for (const std::string d : {"<f\\4", "<f\\x34", "<f4\\\\", "\\<f4"}) {
    BOOST_TEST_CONTEXT(d) {
      const auto msg = read_error(make_npy("{'descr': '" + d + "', 'fortran_order': False, 'shape': (1,), }", le_f32({1})));
      CHECK_CONTAINS(msg, "x.npy: malformed header: a backslash escape in a string");
    }
  }
}

BOOST_AUTO_TEST_CASE(huge_declared_size_does_not_allocate) {
  // 2^40 bytes declared, 4 present: reported as truncated without trying to allocate.
  const auto msg =
      read_error(make_npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1099511627776,), }", le_f32({1})));
  BOOST_CHECK_EQUAL(msg,
                    "x.npy: data truncated: expected 4398046511104 bytes for shape (1099511627776,) float32, found 4");
}

BOOST_AUTO_TEST_CASE(other_dtypes) {
  auto msg_for = [](const std::string& descr) {
    return read_error(make_npy("{'descr': '" + descr + "', 'fortran_order': False, 'shape': (), }", "12345678"));
  };
  CHECK_CONTAINS(msg_for("<f16"), "unsupported dtype '<f16' (longdouble)");
  CHECK_CONTAINS(msg_for("|u1"), "unsupported dtype '|u1' (uint8)");
  CHECK_CONTAINS(msg_for("|b1"), "unsupported dtype '|b1' (bool)");
  CHECK_CONTAINS(msg_for("<c8"), "unsupported dtype '<c8' (complex64)");
  CHECK_CONTAINS(msg_for(">i8"), "unsupported dtype '>i8' (int64, big-endian)");
  CHECK_CONTAINS(msg_for("|V4"), "unsupported dtype '|V4' (void32)");
  BOOST_CHECK_EQUAL(msg_for(">f8"), "x.npy: big-endian dtype '>f8' is not supported; convert with arr.astype('<f8')");
  const auto structured = read_error(
      make_npy("{'descr': [('a', '<f4'), ('b', '<i4')], 'fortran_order': False, 'shape': (), }", "12345678"));
  BOOST_CHECK_EQUAL(structured,
                    "x.npy: unsupported dtype: structured dtype [('a', '<f4'), ('b', '<i4')] is not supported");
}

BOOST_AUTO_TEST_CASE(trailing_bytes_in_a_file) {
  scratch_dir dir;
  const auto p = dir.path / "extra.npy";
  spit(p, slurp(data_dir() / "f64.npy") + "xyz");
  BOOST_CHECK_EQUAL(error_of([&] { (void)npy::read(p); }),
                    p.string() + ": 3 unexpected bytes after the data for shape (4,) float64");
}

BOOST_AUTO_TEST_CASE(stream_with_two_arrays) {
  // read(istream) stops after the array, like np.load on an open file.
  const std::string both = slurp(data_dir() / "f64.npy") + slurp(data_dir() / "f16.npy");
  std::istringstream in(both);
  const auto a = npy::read(in, "both");
  const auto b = npy::read(in, "both");
  BOOST_CHECK(a.dtype == npy::dtype::float64);
  BOOST_CHECK(b.dtype == npy::dtype::float16);
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(writing)

BOOST_AUTO_TEST_CASE(byte_identical_to_numpy) {
  scratch_dir dir;
  for (const char* f : {"f16.npy", "f32.npy", "f64.npy", "scalar.npy", "empty.npy", "bf16_void.npy"}) {
    BOOST_TEST_CONTEXT(f) {
      const auto a = npy::read(data(f));
      const auto out = dir.path / f;
      npy::write(out, a);
      BOOST_CHECK(slurp(out) == slurp(data_dir() / f));
      std::ostringstream os;
      npy::write(os, a);
      BOOST_CHECK(os.str() == slurp(data_dir() / f));
    }
  }
}

BOOST_AUTO_TEST_CASE(round_trip_every_dtype) {
  scratch_dir dir;
  const std::vector<double> values = {0.0, -1.5, 3.25, 1024.0, -0.125, 6.0};
  for (auto t : {npy::dtype::float16, npy::dtype::bfloat16, npy::dtype::float32, npy::dtype::float64}) {
    BOOST_TEST_CONTEXT(npy::name(t)) {
      const auto a = npy::array::from_doubles(values, {3, 1, 2}, t);
      BOOST_CHECK_EQUAL(a.data.size(), 6 * npy::item_size(t));
      const auto p = dir.path / (std::string(npy::name(t)) + ".npy");
      npy::write(p, a);
      const auto b = npy::read(p);
      BOOST_CHECK(b.dtype == t);
      BOOST_CHECK(b.shape == a.shape);
      BOOST_CHECK(b.data == a.data);
      const auto d = b.to_doubles();
      BOOST_CHECK_EQUAL_COLLECTIONS(d.begin(), d.end(), values.begin(), values.end());
    }
  }
  BOOST_CHECK((dir.entries() == std::vector<std::string>{"bfloat16.npy", "float16.npy", "float32.npy", "float64.npy"}));
}

// (i + 1) * item_size wrapped for i = SIZE_MAX, and element() read far outside the data.
BOOST_AUTO_TEST_CASE(element_index_out_of_range) {
  const auto a = npy::array::from_doubles(ramp(3), {3}, npy::dtype::float32);
  BOOST_CHECK_EQUAL(a.element(2), -2.0);
  for (std::size_t i : {std::size_t{3}, std::numeric_limits<std::size_t>::max(), std::numeric_limits<std::size_t>::max() / 4 + 1}) {
    BOOST_TEST_CONTEXT(i) {
      BOOST_CHECK_EQUAL(error_of([&] { (void)a.element(i); }),
                        "npy::array::element: index " + std::to_string(i) + " out of range for 3 elements");
    }
  }
}

// size() and nbytes() of a shape that does not fit are errors, not wrapped products.
BOOST_AUTO_TEST_CASE(sizes_are_checked) {
  npy::array a;
  a.shape = {3, 6148914691236517206u, 1, 1};  // 3 times that wraps to 2 in 64 bits
  a.data.resize(8);
  CHECK_CONTAINS(error_of([&] { (void)a.size(); }), "npy::array: shape (3, 6148914691236517206, 1, 1) float32 does not fit");
  CHECK_CONTAINS(error_of([&] { (void)a.nbytes(); }), "does not fit");
  CHECK_CONTAINS(a.consistency_problem(), "does not fit");
  CHECK_CONTAINS(error_of([&] { (void)a.to_floats(); }), "does not fit");
}

BOOST_AUTO_TEST_CASE(from_floats_rounds) {
  const std::vector<float> v = {1.0f + 0x1p-11f, 0.1f};
  const auto h = npy::array::from_floats(v, {2}, npy::dtype::float16);
  BOOST_CHECK_EQUAL(h.to_floats().at(0), 1.0f);
  const auto f = npy::array::from_floats(v, {2});
  BOOST_CHECK(f.dtype == npy::dtype::float32);
  BOOST_CHECK_EQUAL(f.to_floats().at(1), 0.1f);
  BOOST_CHECK_THROW((void)npy::array::from_floats(v, {3}), npy::error);
}

// bfloat16 is written as NumPy writes a raw 2-byte void: '|V2' ('<V2', ml_dtypes' spelling, is read).
BOOST_AUTO_TEST_CASE(bfloat16_is_written_as_numpy_writes_it) {
  const auto a = npy::read(data("bf16_le.npy"));
  BOOST_CHECK(a.dtype == npy::dtype::bfloat16);
  std::ostringstream os;
  npy::write(os, a);
  BOOST_CHECK(os.str() == slurp(data_dir() / "bf16_void.npy"));
  CHECK_CONTAINS(os.str(), "{'descr': '|V2', 'fortran_order': False, 'shape': (2, 3), }");
}

BOOST_AUTO_TEST_CASE(no_file_numpy_cannot_read_is_written) {
  scratch_dir dir;
  npy::array a;
  a.dtype = npy::dtype::float32;
  a.shape.assign(65, 1);
  a.data.resize(4);
  const auto p = dir.path / "many_dims.npy";
  BOOST_CHECK_EQUAL(error_of([&] { npy::write(p, a); }),
                    p.string() + ": cannot write: shape with 65 dimensions; NumPy arrays have at most 64");
  a.shape = {0, std::size_t{1} << 62, std::size_t{1} << 62};
  a.data.clear();
  BOOST_CHECK_EQUAL(error_of([&] { npy::write(p, a); }),
                    p.string() + ": cannot write: shape (0, 4611686018427387904, 4611686018427387904) float32 does not "
                                 "fit: its non-zero extents times the item size exceed 2^63 - 1 bytes, NumPy's limit");
  BOOST_CHECK(dir.entries().empty());
  // 64 dimensions fit a format 1.0 header, which NumPy then writes.
  a.shape.assign(64, 1);
  a.data.resize(4);
  npy::write(p, a);
  std::ifstream in(p, std::ios::binary);
  const auto h = npy::read_header(in, p.string());
  BOOST_CHECK_EQUAL(h.major, 1u);
  BOOST_CHECK_EQUAL(h.data_offset % 64, 0u);
}

BOOST_AUTO_TEST_CASE(refuses_to_overwrite_without_force) {
  scratch_dir dir;
  const auto p = dir.path / "out.npy";
  spit(p, "precious");
  const auto a = npy::array::from_doubles(ramp(4), {4});
  BOOST_CHECK_EQUAL(error_of([&] { npy::write(p, a); }), p.string() + ": already exists; pass --force to overwrite it");
  BOOST_CHECK_EQUAL(slurp(p), "precious");
  BOOST_CHECK((dir.entries() == std::vector<std::string>{"out.npy"}));

  npy::write(p, a, /*force=*/true);
  BOOST_CHECK(npy::read(p).data == a.data);
  BOOST_CHECK((dir.entries() == std::vector<std::string>{"out.npy"}));
}

BOOST_AUTO_TEST_CASE(failed_writes_leave_nothing) {
  scratch_dir dir;
  const auto a = npy::array::from_doubles(ramp(4), {4});

  // Inconsistent array.
  npy::array bad = a;
  bad.data.resize(5);
  const auto p = dir.path / "bad.npy";
  BOOST_CHECK_EQUAL(error_of([&] { npy::write(p, bad); }),
                    p.string() + ": cannot write: data has 5 bytes but shape (4,) float64 needs 32");

  // Destination directory missing.
  const auto missing = dir.path / "no-such-dir" / "x.npy";
  CHECK_CONTAINS(error_of([&] { npy::write(missing, a); }), missing.string() + ": cannot create a file in");

  // Destination is a directory, even with force: fails, temp file removed.
  fs::create_directory(dir.path / "sub.npy");
  BOOST_CHECK_EQUAL(error_of([&] { npy::write(dir.path / "sub.npy", a, true); }),
                    (dir.path / "sub.npy").string() + ": cannot write: is a directory");

  BOOST_CHECK((dir.entries() == std::vector<std::string>{"sub.npy"}));
  BOOST_CHECK(fs::is_empty(dir.path / "sub.npy"));
}

#if defined(__linux__)
BOOST_AUTO_TEST_CASE(write_error_midway_removes_temp_file) {
  // A file size limit makes the data write itself fail (EFBIG), after the
  // temporary file was created.
  scratch_dir dir;
  const auto p = dir.path / "big.npy";
  spit(dir.path / "keep.npy", "old");
  const auto a = npy::array::from_doubles(std::vector<double>(4096, 1.0), {4096});

  auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
  rlimit old_limit{};
  BOOST_REQUIRE(::getrlimit(RLIMIT_FSIZE, &old_limit) == 0);
  rlimit small = old_limit;
  small.rlim_cur = 1000;
  BOOST_REQUIRE(::setrlimit(RLIMIT_FSIZE, &small) == 0);
  const auto msg = error_of([&] { npy::write(p, a); });
  const auto msg_force = error_of([&] { npy::write(dir.path / "keep.npy", a, true); });
  ::setrlimit(RLIMIT_FSIZE, &old_limit);
  std::signal(SIGXFSZ, old_handler);

  BOOST_CHECK_EQUAL(msg, p.string() + ": write failed: File too large");
  CHECK_CONTAINS(msg_force, "keep.npy: write failed: File too large");
  BOOST_CHECK((dir.entries() == std::vector<std::string>{"keep.npy"}));
  BOOST_CHECK_EQUAL(slurp(dir.path / "keep.npy"), "old");
}
#endif

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------
// Reading in place, typed views

namespace {
std::span<const std::byte> bytes_of(const std::string& s) {
  return std::as_bytes(std::span<const char>(s.data(), s.size()));
}
using namespace axle::axes;
using oihw = axle::layout<O, I, H, W>;
using oi = axle::layout<O, I>;
}  // namespace

BOOST_AUTO_TEST_CASE(element_index_past_the_end) {
  const auto a = npy::read(data("f32.npy"));
  BOOST_CHECK_EQUAL(error_of([&] { (void)a.element(24); }), "npy::array::element: index 24 out of range for 24 elements");
  // (i + 1) * 4 wraps to 0 for SIZE_MAX: still out of range.
  BOOST_CHECK_EQUAL(error_of([&] { (void)a.element(std::numeric_limits<std::size_t>::max()); }),
                    "npy::array::element: index 18446744073709551615 out of range for 24 elements");
  BOOST_CHECK_EQUAL(error_of([&] { (void)a.element(std::numeric_limits<std::size_t>::max() / 4 + 1); }),
                    "npy::array::element: index 4611686018427387904 out of range for 24 elements");
}

BOOST_AUTO_TEST_CASE(parse_reads_in_place) {
  // Every file numpy wrote, parsed in memory: the same array read() gives, without a copy.
  for (const char* name : {"f16.npy", "f32.npy", "f64.npy", "bf16_void.npy", "bf16_le.npy", "v2.npy", "v3.npy", "scalar.npy", "empty.npy"}) {
    BOOST_TEST_CONTEXT(name) {
      const std::string file = slurp(data_dir() / name);
      const npy::array_ref r = npy::parse(bytes_of(file), name);
      const npy::array a = npy::read(data(name));
      BOOST_CHECK(r.dtype == a.dtype);
      BOOST_CHECK(r.shape == a.shape);
      BOOST_CHECK_EQUAL(r.size(), a.size());
      BOOST_CHECK(std::equal(r.data.begin(), r.data.end(), a.data.begin(), a.data.end()));
      BOOST_CHECK(r.data.data() == bytes_of(file).data() + r.data_offset);
    }
  }
}

BOOST_AUTO_TEST_CASE(parse_checks_as_read_does) {
  const std::string f64 = slurp(data_dir() / "f64.npy");
  BOOST_CHECK_EQUAL(error_of([&] { (void)npy::parse(bytes_of(f64 + "xyz"), "x.npy"); }),
                    "x.npy: 3 unexpected bytes after the data for shape (4,) float64");
  BOOST_CHECK_EQUAL(error_of([&] { (void)npy::parse(bytes_of(f64.substr(0, f64.size() - 1)), "x.npy"); }),
                    "x.npy: data truncated: expected 32 bytes for shape (4,) float64, found 31");
  BOOST_CHECK_EQUAL(error_of([&] { (void)npy::parse({}, "x.npy"); }), "x.npy: not a .npy file: the file is empty");
  // A declared size far beyond the bytes: refused, nothing allocated.
  BOOST_CHECK_EQUAL(
      error_of([&] { (void)npy::parse(bytes_of(make_npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1099511627776,), }", le_f32({1}))), "x.npy"); }),
      "x.npy: data truncated: expected 4398046511104 bytes for shape (1099511627776,) float32, found 4");
  // Every header error of read() is parse()'s too: the same header reader.
  BOOST_CHECK_EQUAL(error_of([&] { (void)npy::parse(bytes_of(slurp(data_dir() / "fortran.npy")), "x.npy"); }),
                    read_error(slurp(data_dir() / "fortran.npy")));
  // NumPy's size rule, whatever the order of the dimensions: (2^62, 2^62, 3, 0) needs 0 bytes but is refused.
  CHECK_CONTAINS(error_of([&] {
                   (void)npy::parse(bytes_of(make_npy("{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904, "
                                                      "4611686018427387904, 3, 0), }")),
                                    "x.npy");
                 }),
                 "x.npy: shape overflow");
}

BOOST_AUTO_TEST_CASE(map_a_file) {
  const npy::mapped_array m = npy::map(data("f32.npy"));
  BOOST_CHECK(m.array.shape == (shape_t{2, 3, 4}));
  BOOST_CHECK(m.array.data.data() == m.file.bytes().data() + m.array.data_offset);
  const auto v = m.array.view<const float, axle::layout<axle::axes::C, H, W>>();
  BOOST_CHECK_EQUAL(v(C{1}, H{2}, W{3}), static_cast<float>(23 * 0.5 - 3.0));
  scratch_dir dir;
  BOOST_CHECK_EQUAL(error_of([&] { (void)npy::map(dir.path / "nope.npy"); }),
                    (dir.path / "nope.npy").string() + ": cannot open for reading: No such file or directory");
}

BOOST_AUTO_TEST_CASE(typed_views_of_arrays) {
  npy::array a = npy::array::from_doubles(ramp(4 * 3 * 2 * 2), {4, 3, 2, 2}, npy::dtype::float32);
  const auto v = a.view<const float, oihw>();
  static_assert(std::is_same_v<decltype(v), const axle::contiguous_view<const float, oihw>>);
  for (std::size_t k = 0; k < a.size(); ++k) BOOST_CHECK_EQUAL(v.data()[k], static_cast<float>(a.element(k)));
  BOOST_CHECK_EQUAL(v(O{3}, I{2}, H{1}, W{0}), static_cast<float>(a.element(4 * 3 * 2 * 2 - 2)));
  // Writable through a non-const array.
  auto w = a.view<float, oihw>();
  w(O{0}, I{0}, H{0}, W{1}) = 42.0f;
  BOOST_CHECK_EQUAL(a.element(1), 42.0);
  // A layout with a merged dimension takes the sizes its shape cannot tell.
  using grouped = axle::layout<axle::merged<G, I>, O, axle::flipped<H>, axle::flipped<W>>;
  const auto g = std::as_const(a).view<const float, grouped>(axle::axis_size{"G", 2});
  BOOST_CHECK_EQUAL(g.extent(G{}), 2);
  BOOST_CHECK_EQUAL(g(G{1}, I{1}, O{2}, H{0}, W{0}), g(3, 2, 1, 1));
  // Raw bits of the element's size, for any dtype.
  const auto bits = a.view<const std::uint32_t, oihw>();
  BOOST_CHECK_EQUAL(bits(0, 0, 0, 1), std::bit_cast<std::uint32_t>(42.0f));
  // The layout as a value.
  const auto d = a.view<const float>(axle::value::of<oihw>());
  BOOST_CHECK_EQUAL(d(3, 2, 1, 0), v(3, 2, 1, 0));
  const std::array<axle::axis_size, 1> known{{{"G", 2}}};
  const auto dg = a.view<const float>(axle::value::of<grouped>(), known);
  BOOST_CHECK_EQUAL(dg(3, 2, 1, 1), g(3, 2, 1, 1));
  // In place over a parsed file.
  const std::string file = slurp(data_dir() / "f64.npy");
  const npy::array_ref r = npy::parse(bytes_of(file), "f64.npy");
  using o_only = axle::layout<O>;
  const auto rv = r.view<const double, o_only>();
  BOOST_CHECK_EQUAL(rv(O{3}), 3 * 0.5 - 3.0);
}

BOOST_AUTO_TEST_CASE(typed_views_check_dtype_rank_and_layout) {
  const npy::array h = npy::read(data("f16.npy"));  // (2, 3) float16
  BOOST_CHECK_EQUAL(error_of([&] { (void)h.view<const float, axle::layout<O, I>>(); }),
                    "npy::array::view: the array holds float16 elements, which a view of float (float32) cannot read");
  BOOST_CHECK_EQUAL(error_of([&] { (void)h.view<const std::uint32_t, axle::layout<O, I>>(); }),
                    "npy::array::view: the array holds float16 elements, which a view of 4-byte raw bits cannot read");
  const auto raw16 = h.view<const std::uint16_t, oi>();
  BOOST_CHECK_EQUAL(raw16.size(), 6u);
  const npy::array f = npy::read(data("f32.npy"));  // (2, 3, 4)
  try {
    (void)f.view<const float, oihw>();
    BOOST_ERROR("no exception");
  } catch (const axle::shape_error& e) {
    BOOST_CHECK_EQUAL(std::string(e.what()), "tensor_view: shape (2, 3, 4) has 3 dimensions, but layout (O, I, H, W) has 4");
  }
  using blocked = axle::layout<axle::outer<O, 8>, I, axle::inner<O, 8>>;
  BOOST_CHECK_THROW(static_cast<void>(f.view<const float, blocked>()), axle::shape_error);  // the last extent, 4, is not 8o
  npy::array broken = f;
  broken.data.pop_back();
  BOOST_CHECK_EQUAL(error_of([&] { (void)broken.view<const float, axle::layout<C, H, W>>(); }),
                    "npy::array::view: 95 bytes do not hold shape (2, 3, 4) float32");
  // Data that are not aligned for the element type (a writer that does not pad as NumPy does).
  std::string unaligned = std::string(1, '\0') + slurp(data_dir() / "f32.npy");
  const npy::array_ref r = npy::parse(bytes_of(unaligned).subspan(1), "u.npy");
  BOOST_REQUIRE(reinterpret_cast<std::uintptr_t>(r.data.data()) % alignof(float) != 0);
  BOOST_CHECK_EQUAL(error_of([&] { (void)r.view<const float, axle::layout<C, H, W>>(); }),
                      "npy::array::view: the data are not aligned for float32 access");
}
