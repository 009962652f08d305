// Checks that the conformance fixtures load and are self-consistent: every
// case's arrays exist, are float32, and have the shapes the manifest geometry
// implies (output sizes by the PyTorch / ONNX formulas).  Numerical
// conformance against the reference engine is tested elsewhere.
//
// Fixture root: $AXLE_CONFORMANCE_FIXTURES if set (e.g. a build directory the
// generators just wrote into), else AXLE_CONFORMANCE_FIXTURES_DIR if defined,
// else tests/conformance/fixtures beside this file.
//
// Boost.Test, header-only variant (no library to link):
//   g++ -std=c++20 -Wall -Wextra -Wpedantic -Werror -fsanitize=address,undefined -Iinclude
//   tests/conformance/fixtures_test.cpp -o fixtures_test && ./fixtures_test
#define BOOST_TEST_MODULE conformance_fixtures
#include <boost/test/unit_test.hpp>

#include "fixtures.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
namespace conf = axle::conformance;
namespace npy = axle::npy;

namespace {

fs::path fixtures_root() {
  if (const char* env = std::getenv("AXLE_CONFORMANCE_FIXTURES"); env && *env) return fs::path(env);
#ifdef AXLE_CONFORMANCE_FIXTURES_DIR
  return fs::path(AXLE_CONFORMANCE_FIXTURES_DIR);
#else
  return fs::path(__FILE__).parent_path() / "fixtures";
#endif
}

std::string str(const std::vector<std::size_t>& v) {
  std::ostringstream os;
  os << npy::shape_string(v);
  return os.str();
}

// Reads a fixture array and checks it is float32 with the expected shape.
npy::array check_array(const fs::path& p, const std::vector<std::size_t>& shape) {
  BOOST_REQUIRE_MESSAGE(fs::is_regular_file(p), p << " does not exist");
  npy::array a = npy::read(p);
  BOOST_CHECK_MESSAGE(a.dtype == npy::dtype::float32, p << " is " << npy::name(a.dtype) << ", expected float32");
  BOOST_CHECK_MESSAGE(a.shape == shape, p << " has shape " << str(a.shape) << ", manifest implies " << str(shape));
  return a;
}

bool all_finite_and_nonzero(const npy::array& a) {
  const auto v = a.to_floats();
  bool nonzero = false;
  for (float f : v) {
    if (!std::isfinite(f)) return false;
    nonzero = nonzero || f != 0.0f;
  }
  return v.empty() || nonzero;
}

// PyTorch output size for one spatial dimension.
std::size_t torch_out(conf::op_kind op, std::size_t in, std::size_t k, std::size_t s, std::size_t d, std::size_t lo,
                      std::size_t hi, std::size_t op_pad) {
  const std::size_t span = d * (k - 1) + 1;
  if (op == conf::op_kind::conv) {
    BOOST_REQUIRE(in + lo + hi >= span);
    return (in + lo + hi - span) / s + 1;
  }
  const std::size_t full = (in - 1) * s + span + op_pad;
  BOOST_REQUIRE(full > lo + hi);
  return full - lo - hi;
}

struct scratch {
  fs::path dir = fs::temp_directory_path() / ("axle-fixtures-test-" + std::to_string(std::rand()));
  scratch() { fs::create_directories(dir); }
  ~scratch() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  fs::path write(const std::string& text) const {
    const auto p = dir / "manifest.txt";
    std::ofstream(p) << text;
    return p;
  }
};

template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const conf::manifest_error& e) {
    return e.what();
  }
  BOOST_ERROR("expected manifest_error");
  return {};
}

}  // namespace

BOOST_AUTO_TEST_CASE(torch_fixtures) {
  const auto m = conf::load_torch_manifest(fixtures_root() / "torch" / "manifest.txt");
  BOOST_TEST_MESSAGE("torch fixtures: " << m.cases.size() << " cases, " << m.generator);
  BOOST_CHECK_EQUAL(m.kind, "torch");
  BOOST_CHECK_GE(m.cases.size(), 40u);

  std::set<std::pair<int, std::size_t>> op_dims;
  bool grouped = false, depthwise_m2 = false, stride2 = false, dilation2 = false, asym = false, outpad = false,
       same = false, odd_k = false, even_k = false, batch2 = false, crop = false, fpad = false;
  for (const auto& c : m.cases) {
    BOOST_TEST_CONTEXT(c.name) {
      const bool conv = c.op == conf::op_kind::conv;
      op_dims.emplace(conv ? 0 : 1, c.spatial);
      grouped = grouped || (c.groups > 1 && c.groups < c.in_channels);
      depthwise_m2 = depthwise_m2 || (c.groups == c.in_channels && c.out_channels == 2 * c.in_channels);
      batch2 = batch2 || c.batch > 1;
      same = same || c.padding == "same";
      crop = crop || c.padding == "crop";
      fpad = fpad || c.padding == "fpad";
      for (std::size_t i = 0; i < c.spatial; ++i) {
        BOOST_CHECK_GE(c.kernel[i], 1u);
        BOOST_CHECK_GE(c.stride[i], 1u);
        BOOST_CHECK_GE(c.dilation[i], 1u);
        stride2 = stride2 || c.stride[i] == 2;
        dilation2 = dilation2 || c.dilation[i] == 2;
        asym = asym || c.pad_lo[i] != c.pad_hi[i];
        outpad = outpad || c.output_padding[i] > 0;
        (c.kernel[i] % 2 ? odd_k : even_k) = true;
        if (conv) {
          BOOST_CHECK_EQUAL(c.output_padding[i], 0u);
        } else {
          BOOST_CHECK_LT(c.output_padding[i], std::max(c.stride[i], c.dilation[i]));
        }
        if (c.padding == "same") {
          BOOST_CHECK(conv);
          BOOST_CHECK_EQUAL(c.stride[i], 1u);
          const std::size_t total = c.dilation[i] * (c.kernel[i] - 1);
          BOOST_CHECK_EQUAL(c.pad_lo[i], total / 2);
          BOOST_CHECK_EQUAL(c.pad_hi[i], total - total / 2);
          BOOST_CHECK_EQUAL(c.out[i], c.in[i]);
        }
        BOOST_CHECK_EQUAL(c.out[i], torch_out(c.op, c.in[i], c.kernel[i], c.stride[i], c.dilation[i], c.pad_lo[i],
                                              c.pad_hi[i], c.output_padding[i]));
      }
      BOOST_CHECK(!c.call.empty());
      const auto x = check_array(c.x, c.x_shape());
      const auto w = check_array(c.w, c.w_shape());
      const auto y = check_array(c.y, c.y_shape());
      BOOST_CHECK(all_finite_and_nonzero(x));
      BOOST_CHECK(all_finite_and_nonzero(w));
      BOOST_CHECK(all_finite_and_nonzero(y));
    }
  }
  // Coverage promised by generate_torch.py.
  for (int op : {0, 1})
    for (std::size_t d : {1u, 2u, 3u})
      BOOST_CHECK_MESSAGE(op_dims.count({op, d}), (op ? "conv_transpose" : "conv") << d << "d missing");
  BOOST_CHECK(grouped);
  BOOST_CHECK(depthwise_m2);
  BOOST_CHECK(stride2);
  BOOST_CHECK(dilation2);
  BOOST_CHECK(asym);
  BOOST_CHECK(outpad);
  BOOST_CHECK(same);
  BOOST_CHECK(odd_k && even_k);
  BOOST_CHECK(batch2);
  BOOST_CHECK(crop && fpad);
}

BOOST_AUTO_TEST_CASE(onnx_fixtures) {
  const auto m = conf::load_onnx_manifest(fixtures_root() / "onnx" / "manifest.txt");
  BOOST_TEST_MESSAGE("onnx fixtures: " << m.cases.size() << " cases, " << m.generator);
  BOOST_CHECK_EQUAL(m.kind, "onnx");

  std::set<std::string> names;
  for (const auto& c : m.cases) {
    names.insert(c.name);
    BOOST_TEST_CONTEXT(c.name) {
      const bool conv = c.op == conf::op_kind::conv;
      BOOST_CHECK_EQUAL(c.op_type, conv ? "Conv" : "ConvTranspose");
      BOOST_CHECK_GE(c.opset, 1);
      const std::size_t n = c.spatial();
      BOOST_REQUIRE(n >= 1 && n <= 3);
      const auto x = check_array(c.x, c.x_shape);
      const auto w = check_array(c.w, c.w_shape);
      const auto y = check_array(c.y, c.y_shape);
      if (c.b) {
        BOOST_REQUIRE(c.b_shape);
        (void)check_array(*c.b, *c.b_shape);
      }
      BOOST_REQUIRE_EQUAL(c.w_shape.size(), n + 2);
      BOOST_REQUIRE_EQUAL(c.y_shape.size(), n + 2);

      auto attr = [&](const std::optional<std::vector<std::int64_t>>& v, std::size_t count, std::int64_t fallback) {
        if (!v) return std::vector<std::int64_t>(count, fallback);
        BOOST_REQUIRE_EQUAL(v->size(), count);
        return *v;
      };
      const std::int64_t group = c.group.value_or(1);
      const auto ci = static_cast<std::int64_t>(c.x_shape[1]);
      std::vector<std::int64_t> k(c.w_shape.begin() + 2, c.w_shape.end());
      if (c.kernel_shape) BOOST_CHECK(*c.kernel_shape == k);
      const auto s = attr(c.strides, n, 1);
      const auto d = attr(c.dilations, n, 1);
      const auto pads = attr(c.pads, 2 * n, 0);
      const auto opad = attr(c.output_padding, n, 0);
      const std::string auto_pad = c.auto_pad.value_or("NOTSET");
      std::int64_t co = 0;
      if (conv) {
        BOOST_CHECK_EQUAL(static_cast<std::int64_t>(c.w_shape[1]) * group, ci);
        co = static_cast<std::int64_t>(c.w_shape[0]);
      } else {
        BOOST_CHECK_EQUAL(static_cast<std::int64_t>(c.w_shape[0]), ci);
        co = static_cast<std::int64_t>(c.w_shape[1]) * group;
      }
      BOOST_CHECK_EQUAL(c.y_shape[0], c.x_shape[0]);
      BOOST_CHECK_EQUAL(static_cast<std::int64_t>(c.y_shape[1]), co);
      if (c.b_shape) BOOST_CHECK(*c.b_shape == std::vector<std::size_t>{static_cast<std::size_t>(co)});
      for (std::size_t i = 0; i < n; ++i) {
        const auto in = static_cast<std::int64_t>(c.x_shape[2 + i]);
        const std::int64_t span = d[i] * (k[i] - 1) + 1;
        std::int64_t expect = 0;
        if (conv) {
          if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER")
            expect = (in + s[i] - 1) / s[i];
          else if (auto_pad == "VALID")
            expect = (in - span) / s[i] + 1;
          else
            expect = (in + pads[i] + pads[n + i] - span) / s[i] + 1;
        } else if (c.output_shape) {
          BOOST_REQUIRE_EQUAL(c.output_shape->size(), n);
          expect = (*c.output_shape)[i];
          // ONNX: total_padding = s*(in-1) + output_padding + span - output_shape.  It may
          // be negative: test_convtranspose_output_shape (strides 3,2; output_shape 10,8)
          // has -1 per axis, i.e. output_shape adds a row/column at the end exactly like
          // output_padding=1 (its y equals test_convtranspose_pad's).  Never by a stride or more.
          BOOST_CHECK_GT(s[i] * (in - 1) + opad[i] + span - expect, -s[i]);
        } else if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
          expect = in * s[i];
        } else {
          expect = s[i] * (in - 1) + opad[i] + span - pads[i] - pads[n + i];
        }
        BOOST_CHECK_EQUAL(static_cast<std::int64_t>(c.y_shape[2 + i]), expect);
      }
      BOOST_CHECK(all_finite_and_nonzero(x));
      BOOST_CHECK(all_finite_and_nonzero(y));
      (void)w;
    }
  }
  // A few cases ONNX 1.12 defines, across every export method.
  for (const char* name :
       {"test_basic_conv_with_padding", "test_conv_with_strides_and_asymmetric_padding", "test_conv_with_autopad_same",
        "test_convtranspose", "test_convtranspose_1d", "test_convtranspose_3d", "test_convtranspose_output_shape",
        "test_convtranspose_pads", "test_convtranspose_dilations", "test_convtranspose_autopad_same"})
    BOOST_CHECK_MESSAGE(names.count(name), name << " missing");
}

BOOST_AUTO_TEST_CASE(manifest_errors) {
  scratch tmp;
  const std::string head = "format axle-conformance-manifest 1\nkind torch\ncases 1\n";
  const std::string body =
      "case a\nop conv\nspatial 1\nbatch 1\nin_channels 2\nout_channels 2\ngroups 1\nin 5\nkernel 3\n"
      "stride 1\ndilation 1\npad_lo 0\npad_hi 0\noutput_padding 0\nout 3\npadding none\nx a/x.npy\nw a/w.npy\n"
      "y a/y.npy\ncall F.conv1d(x, w)\nend\n";
  const auto ok = conf::load_torch_manifest(tmp.write(head + body));
  BOOST_REQUIRE_EQUAL(ok.cases.size(), 1u);
  BOOST_CHECK(ok.cases[0].x == tmp.dir / "a" / "x.npy");
  BOOST_CHECK_EQUAL(ok.cases[0].call, "F.conv1d(x, w)");

  auto err = [&](const std::string& text) {
    const auto p = tmp.write(text);
    return error_of([&] { (void)conf::load_torch_manifest(p); });
  };
  const std::string file = (tmp.dir / "manifest.txt").string();
  BOOST_CHECK_EQUAL(err(head + body.substr(0, body.size() - 4)), file + ":4: case 'a' has no 'end'");
  BOOST_CHECK_EQUAL(err("format axle-conformance-manifest 1\nkind torch\ncases 2\n" + body),
                    file + ":3: 'cases 2' but the manifest has 1 cases");
  BOOST_CHECK_EQUAL(err("format axle-conformance-manifest 1\nkind onnx\ncases 1\n" + body),
                    file + ":2: expected a torch manifest, found kind 'onnx'");
  std::string bad_int = head + body;
  bad_int.replace(bad_int.find("kernel 3"), 8, "kernel x");
  BOOST_CHECK_EQUAL(err(bad_int), file + ":12: 'kernel': expected an integer, found 'x'");
  std::string wrong_len = head + body;
  wrong_len.replace(wrong_len.find("stride 1"), 8, "stride 1 1");
  BOOST_CHECK_EQUAL(err(wrong_len), file + ":13: 'stride': expected 1 values, found 2");
  std::string unknown = head + body;
  unknown.replace(unknown.find("end\n"), 4, "colour blue\nend\n");
  BOOST_CHECK_EQUAL(err(unknown), file + ":24: unknown key 'colour' in case 'a'");
  std::string missing = head + body;
  missing.erase(missing.find("out 3\n"), 6);
  BOOST_CHECK_EQUAL(err(missing), file + ":4: case 'a' has no 'out'");
  BOOST_CHECK_EQUAL(error_of([&] { (void)conf::load_torch_manifest(tmp.dir / "nope.txt"); }),
                    (tmp.dir / "nope.txt").string() + ": cannot open manifest");
}
