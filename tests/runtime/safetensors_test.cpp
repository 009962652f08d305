// Tests for <axle/safetensors.hpp>: the writer's bytes against the format's reference examples,
// the reader's validation (every rule, one message each), typed views, stamps, sharded
// checkpoints, and files that are complete or absent.
//
// The expected bytes come from the reference implementation's own tests
// (huggingface/safetensors safetensors/src/tensor.rs: test_serialization, test_empty), its writer
// order (prepare: dtype descending in the enum's declaration order, then name) and the format's
// README; never from axle's writer.
#define BOOST_TEST_MODULE safetensors
#include <boost/test/unit_test.hpp>

#include <axle/safetensors.hpp>

#include "messages.hpp"

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

namespace fs = std::filesystem;
namespace st = axle::safetensors;
using namespace axle::axes;
using axle::testing::check_message;
using axle::testing::check_message_contains;

namespace {

struct temp_dir {
  fs::path path;
  temp_dir() {
    path = fs::temp_directory_path() / ("axle_safetensors_test_" + std::to_string(::getpid()));
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
void spit(const fs::path& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}
std::string u64le(std::uint64_t v) {
  std::string s(8, '\0');
  for (int i = 0; i < 8; ++i) s[static_cast<std::size_t>(i)] = static_cast<char>((v >> (8 * i)) & 0xff);
  return s;
}
/// A file with this exact header text (no padding added) and these data bytes.
std::string raw(const std::string& header, const std::string& data) { return u64le(header.size()) + header + data; }
std::span<const std::byte> as_bytes(const std::string& s) { return std::as_bytes(std::span<const char>(s.data(), s.size())); }
std::string floats(std::initializer_list<float> v) {
  std::string s(v.size() * 4, '\0');
  std::memcpy(s.data(), std::data(v), s.size());
  return s;
}
st::file parse(const std::string& bytes) { return st::file::from_bytes(as_bytes(bytes), "m.safetensors"); }

}  // namespace

// --- the writer: exactly the reference's bytes -------------------------------------------------

BOOST_AUTO_TEST_CASE(writer_matches_the_reference_examples) {
  // test_serialization: one F32 (1, 2, 3) tensor; the header is exactly 64 bytes, no padding.
  const std::string h1 = st::writer::header({{"attn.0", axle::dtype::F32, {1, 2, 3}}}, std::nullopt, "x");
  BOOST_TEST(h1 == u64le(64) + R"({"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}})");
  // test_empty: no tensors, no metadata: "{}" and six spaces, N = 8.
  BOOST_TEST(st::writer::header({}, std::nullopt, "x") == u64le(8) + "{}      ");
  // The same with metadata {"framework": "pt"}: N = 40.
  BOOST_TEST(st::writer::header({}, std::map<std::string, std::string>{{"framework", "pt"}}, "x") ==
             u64le(40) + R"({"__metadata__":{"framework":"pt"}})" + "     ");
}

BOOST_AUTO_TEST_CASE(writer_orders_by_dtype_then_name) {
  // The reference's enum order (BOOL < … < U8 < I8 < … < F16 < BF16 < I32 < U32 < F32 < C64 <
  // F64 < I64 < U64), descending, then names ascending byte-wise ('B' < 'a').
  std::vector<st::entry> tensors{{"u8", axle::dtype::U8, {3}},   {"b", axle::dtype::F32, {1}},    {"a", axle::dtype::F32, {1}},
                                 {"i64", axle::dtype::I64, {1}}, {"bf", axle::dtype::BF16, {2}},  {"B", axle::dtype::F32, {1}},
                                 {"ok", axle::dtype::BOOL, {1}}, {"f16", axle::dtype::F16, {1}}, {"f64", axle::dtype::F64, {1}}};
  std::stable_sort(tensors.begin(), tensors.end(), st::write_before);
  std::vector<std::string> names;
  for (const auto& t : tensors) names.push_back(t.name);
  BOOST_TEST((names == std::vector<std::string>{"i64", "f64", "B", "a", "b", "bf", "f16", "u8", "ok"}));
}

BOOST_AUTO_TEST_CASE(writer_escapes_like_serde_json) {
  // serde_json escapes '"', '\\', \b \t \n \f \r and other control bytes as \u00xx (lower-case
  // hex); '/' and non-ASCII stay as they are.
  const std::string name = "a\"b\\c\n\x01/\xc3\xa9";
  const std::string h = st::writer::header({{name, axle::dtype::U8, {0}}}, std::nullopt, "x");
  const std::string expected = "{\"a\\\"b\\\\c\\n\\u0001/\xc3\xa9\":";
  BOOST_TEST(h.substr(8, expected.size()) == expected);
  check_message<st::error>([] { (void)st::writer::header({{"bad\xff", axle::dtype::U8, {0}}}, std::nullopt, "x"); },
                           "x: tensor name 'bad\\xff' is not valid UTF-8");
  check_message<st::error>([] { (void)st::writer::header({{"__metadata__", axle::dtype::U8, {0}}}, std::nullopt, "x"); },
                           "x: a tensor cannot be named '__metadata__' (the header's metadata key)");
  check_message<st::error>([] { (void)st::writer::header({{"a", axle::dtype::U8, {0}}, {"a", axle::dtype::U8, {1}}}, std::nullopt, "x"); },
                           "x: two tensors named 'a'");
}

BOOST_AUTO_TEST_CASE(write_then_read_back) {
  temp_dir dir;
  const std::string w = floats({1, 2, 3, 4, 5, 6});
  const std::string b = floats({7, 8});
  st::write(dir / "m.safetensors", {{"w", axle::dtype::F32, {2, 3}}, {"b", axle::dtype::F32, {2}}}, {as_bytes(w), as_bytes(b)},
            std::map<std::string, std::string>{{"format", "pt"}});
  // The whole file, byte for byte: "b" sorts before "w".
  const std::string header = R"({"__metadata__":{"format":"pt"},"b":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                             R"("w":{"dtype":"F32","shape":[2,3],"data_offsets":[8,32]}})";
  const std::string padded = header + std::string((8 - header.size() % 8) % 8, ' ');
  BOOST_TEST(slurp(dir / "m.safetensors") == u64le(padded.size()) + padded + b + w);

  const st::file f(dir / "m.safetensors");
  BOOST_TEST((f.names() == std::vector<std::string>{"b", "w"}));
  BOOST_TEST(f.info("w").bytes() == 24u);
  BOOST_TEST((f.info("w").shape == std::vector<std::int64_t>{2, 3}));
  BOOST_TEST(f.metadata().at("format") == "pt");
  const auto v = f.view<const float, axle::layout<O, I>>("w");
  BOOST_TEST(v(O{1}, I{2}) == 6.0f);
  BOOST_TEST(static_cast<const void*>(v.data()) == static_cast<const void*>(f.bytes("w").data()));  // zero copy
  const auto t = f.copy<float, axle::layout<I, O>>("w");  // any layout of two axes reads the bytes as stored
  BOOST_TEST(t(I{1}, O{2}) == 6.0f);
  check_message<st::error>([&] { (void)f.view<const double, axle::layout<O, I>>("w"); }, dir.path.string() + "/m.safetensors: tensor 'w' is F32, read as F64");
  check_message_contains<st::error>([&] { (void)f.view<const float, axle::layout<O, I, H>>("w"); },
                                    "m.safetensors: tensor 'w' F32 (2, 3) as (O, I, H): tensor_view: shape (2, 3) has 2 dimensions, but layout (O, I, H) has 3");
  check_message<st::error>([&] { (void)f.info("missing"); }, dir.path.string() + "/m.safetensors: no tensor 'missing'");
  check_message<st::error>([&] { (void)f.info("ww"); }, dir.path.string() + "/m.safetensors: no tensor 'ww'; did you mean 'w', 'b'?");
}

BOOST_AUTO_TEST_CASE(views_with_sizes_the_shape_cannot_tell) {
  std::vector<float> w(4 * 2 * 3);
  for (std::size_t k = 0; k < w.size(); ++k) w[k] = static_cast<float>(k);
  temp_dir dir;
  st::write(dir / "g.safetensors", {{"g", axle::dtype::F32, {4, 2, 3}}}, {std::as_bytes(std::span<const float>(w))});
  const st::file f(dir / "g.safetensors");
  using grouped = axle::layout<axle::merged<G, O>, I, W>;
  const auto v = f.view<const float, grouped>("g", axle::axis_size{"G", 2});
  BOOST_TEST(v(G{1}, O{0}, I{1}, W{2}) == w[(2 * 2 + 1) * 3 + 2]);
  check_message_contains<st::error>([&] { (void)f.view<const float, grouped>("g", axle::axis_size{"G", 3}); }, "tensor 'g' F32 (4, 2, 3) as ((G, O), I, W): ");
  check_message_contains<st::error>([&] { (void)f.view<const float, grouped>("g"); }, "the size of G must be given");
}

BOOST_AUTO_TEST_CASE(misaligned_data_is_refused_and_copy_works) {
  // A header of 9 bytes puts the data at file offset 17: not aligned for float.
  const std::string header = R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";
  std::string file = raw(header + std::string(1, ' '), floats({1.5f, 2.5f}));
  // Make the header length odd on purpose.
  if ((8 + header.size() + 1) % 4 == 0) file = raw(header + std::string(2, ' '), floats({1.5f, 2.5f}));
  std::vector<std::byte> storage(file.size() + 64);
  std::byte* base = storage.data();
  while (reinterpret_cast<std::uintptr_t>(base) % 64 != 0) ++base;  // the file at an aligned address, as a mapping is
  std::memcpy(base, file.data(), file.size());
  const st::file f = st::file::from_bytes(std::span<const std::byte>(base, file.size()), "m.safetensors");
  check_message_contains<st::error>([&] { (void)f.view<const float, axle::layout<O>>("w"); },
                                    "m.safetensors: tensor 'w': its data (file offset ");
  check_message_contains<st::error>([&] { (void)f.view<const float, axle::layout<O>>("w"); }, "is not aligned to 4 bytes");
  const auto t = f.copy<float, axle::layout<O>>("w");
  BOOST_TEST(t(O{1}) == 2.5f);
  // std::byte needs no alignment, but reads only one-byte types.
  check_message<st::error>([&] { (void)f.view<const std::byte, axle::layout<O>>("w"); },
                           "m.safetensors: tensor 'w' is F32, read as std::byte (one-byte types)");
}

BOOST_AUTO_TEST_CASE(bool_and_byte_tensors) {
  const std::string header = R"({"ok":{"dtype":"BOOL","shape":[2],"data_offsets":[0,2]},"q":{"dtype":"F8_E4M3","shape":[2],"data_offsets":[2,4]}})";
  const std::string padded = header + std::string((8 - header.size() % 8) % 8, ' ');
  const std::string good = raw(padded, std::string("\x01\x00\x7f\x80", 4));
  const st::file f = parse(good);
  BOOST_TEST((f.view<const bool, axle::layout<O>>("ok")(O{0}) == true));
  BOOST_TEST((std::to_integer<int>(f.view<const std::byte, axle::layout<O>>("q")(O{1})) == 0x80));
  const std::string bad = raw(padded, std::string("\x01\x02\x7f\x80", 4));
  const st::file g = parse(bad);
  check_message<st::error>([&] { (void)g.view<const bool, axle::layout<O>>("ok"); },
                           "m.safetensors: tensor 'ok' is BOOL but holds the byte 2 (only 0 and 1 are booleans)");
}

// --- the reader: every rule, one message -----------------------------------------------------

BOOST_AUTO_TEST_CASE(reader_refuses_every_malformed_header) {
  const std::string ok_entry = R"("a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]})";
  const std::string data8(8, '\0');
  struct bad_case {
    std::string bytes;
    std::string message;
  };
  const std::vector<bad_case> cases{
      {"1234567", "m.safetensors: not a safetensors file: 7 bytes, fewer than the 8-byte header length"},
      {u64le(100'000'001), "m.safetensors: header length 100000001 is larger than the format's limit of 100000000 bytes"},
      {u64le(20) + "{}", "m.safetensors: truncated: the header length says 20 bytes, but only 2 follow"},
      {raw("{\"a\":1,}", ""), "m.safetensors: header: invalid JSON at byte 8: "},
      {raw("[1, 2, 3]", ""), "m.safetensors: header: the JSON is an array, not an object"},
      {raw("{" + ok_entry + "," + ok_entry + "}", data8), "m.safetensors: header: duplicate key 'a'"},
      {raw(R"({"a":{"dtype":"F32","dtype":"F32","shape":[2],"data_offsets":[0,8]}})", data8), "m.safetensors: header: duplicate key 'dtype'"},
      {raw(R"({"__metadata__":{"x":1}})", ""), "m.safetensors: header: __metadata__ 'x' is a number; metadata values are strings"},
      {raw(R"({"__metadata__":[]})", ""), "m.safetensors: header: __metadata__ is an array, not an object of strings"},
      {raw(R"({"a":{"dtype":"F33","shape":[2],"data_offsets":[0,8]}})", data8), "m.safetensors: tensor 'a': unknown dtype 'F33' (known: BOOL F4 "},
      {raw(R"({"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}})", data8), "m.safetensors: tensor 'a': shape holds -2, not a whole number"},
      {raw(R"({"a":{"dtype":"F32","shape":[2.0],"data_offsets":[0,8]}})", data8), "m.safetensors: tensor 'a': shape holds 2.0, not a whole number"},
      {raw(R"({"a":{"dtype":"F32","shape":[2]}})", data8), "m.safetensors: tensor 'a': no \"data_offsets\""},
      {raw(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0]}})", data8), "m.safetensors: tensor 'a': data_offsets is [0], not [begin, end]"},
      {raw(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}})", data8), "m.safetensors: tensor 'a': data_offsets [8, 0] end before they begin"},
      {raw(R"({"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", data8),
       "m.safetensors: tensor 'a': F32 (3,) takes 12 bytes, but data_offsets [0, 8] hold 8"},
      {raw(R"({"a":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,8]}})", data8),
       "m.safetensors: tensor 'a': shape (4611686018427387904, 4) of F32 is too large (its size overflows)"},
      {raw(R"({"a":{"dtype":"F4","shape":[3],"data_offsets":[0,1]}})", std::string(1, '\0')),
       "m.safetensors: tensor 'a': shape (3,) of F4 is not a whole number of bytes"},
      {raw("{" + ok_entry + R"(,"b":{"dtype":"F32","shape":[1],"data_offsets":[12,16]}})", std::string(16, '\0')),
       "m.safetensors: tensor 'b': data_offsets [12, 16] leaves bytes 8..12 of the data section unused"},
      {raw("{" + ok_entry + R"(,"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})", data8),
       "m.safetensors: tensor 'b': data_offsets [4, 8] overlaps the data before it, which ends at 8"},
      {raw(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})", std::string(12, '\0')),
       "m.safetensors: tensor 'a': data_offsets [4, 12] leaves bytes 0..4 of the data section unused"},
      {raw("{" + ok_entry + "}", std::string(4, '\0')), "m.safetensors: truncated: the tensors need 8 bytes of data, but the file has 4"},
      {raw("{" + ok_entry + "}", std::string(9, '\0')),
       "m.safetensors: 1 bytes after the last tensor's data (the data section must be exactly the tensors')"},
      {raw("{\"a\":[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]}", ""), "m.safetensors: header: nested deeper than 16 levels"},
      {raw("{\"\xff\":1}", ""), "m.safetensors: header: invalid JSON at byte "},
  };
  for (const bad_case& c : cases) {
    BOOST_TEST_CONTEXT(c.message) {
      if (c.message.back() == ' ' || c.message.find("known: ") != std::string::npos || c.message.find("not a whole number") != std::string::npos)
        check_message_contains<st::error>([&] { (void)parse(c.bytes); }, c.message);
      else
        check_message<st::error>([&] { (void)parse(c.bytes); }, c.message);
    }
  }
}

BOOST_AUTO_TEST_CASE(reader_accepts_what_the_reference_accepts) {
  // Leading and trailing JSON whitespace (test_whitespace_leading_padded_header); zero-size and
  // scalar tensors (test_zero_sized_tensor, test_empty_shapes_allowed); entries in any order;
  // extra fields inside an entry are ignored.
  const std::string header = "\n\t {\"z\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]},"
                             "\"e\":{\"dtype\":\"I64\",\"shape\":[0,3],\"data_offsets\":[0,0],\"note\":{\"x\":[1]}}}  ";
  const std::string bytes = raw(header, floats({9.0f}));
  const st::file f = parse(bytes);
  BOOST_TEST((f.names() == std::vector<std::string>{"e", "z"}));
  BOOST_TEST(f.info("e").bytes() == 0u);
  BOOST_TEST(f.info("z").elements() == 1);
  BOOST_TEST((f.copy<float, axle::layout<>>("z")() == 9.0f));
  BOOST_TEST(!f.has_metadata());
}

// --- stamps --------------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(stamps_say_what_a_tensor_is) {
  BOOST_TEST((st::parse_stamp("flax.conv (H, W, I, O)") == st::stamp{"flax.conv", "(H, W, I, O)"}));
  BOOST_TEST((st::parse_stamp("(O, I)") == st::stamp{"", "(O, I)"}));
  BOOST_TEST(!st::parse_stamp("flax.conv"));
  BOOST_TEST(!st::parse_stamp("a b (O)"));
  temp_dir dir;
  const std::string w = floats({1, 2, 3, 4});
  st::write(dir / "s.safetensors", {{"k", axle::dtype::F32, {2, 2}}}, {as_bytes(w)},
            std::map<std::string, std::string>{{st::stamp_key("k"), "flax.dense (I, O)"}});
  const st::file f(dir / "s.safetensors");
  BOOST_TEST((f.layout_stamp("k") == st::stamp{"flax.dense", "(I, O)"}));
  BOOST_TEST((f.view<const float, axle::layout<I, O>>("k")(I{0}, O{1}) == 2.0f));
  check_message<st::error>([&] { (void)f.view<const float, axle::layout<O, I>>("k"); },
                           (dir / "s.safetensors").string() + ": tensor 'k' is stamped 'flax.dense (I, O)', read as (O, I): read it with the stamped layout, or convert it");
  check_message_contains<st::error>([&] { (void)f.copy<float, axle::layout<O, I>>("k"); }, "is stamped 'flax.dense (I, O)', read as (O, I)");
}

// --- complete or absent ----------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(an_unfinished_writer_leaves_nothing) {
  temp_dir dir;
  const std::string w = floats({1, 2});
  {
    st::writer out(dir / "p.safetensors", {{"a", axle::dtype::F32, {2}}, {"b", axle::dtype::F32, {2}}});
    check_message_contains<st::error>([&] { out.write("a", as_bytes(floats({1, 2, 3}))); }, "tensor 'a': 12 bytes given, but F32 (2,) takes 8");
    out.write("a", as_bytes(w));
    check_message_contains<st::error>([&] { out.write("c", as_bytes(w)); }, "data for tensor 'c' given out of order; expected 'b'");
    check_message_contains<st::error>([&] { out.commit(); }, "tensor 'b': 0 of 8 bytes written; the file is not complete");
  }
  BOOST_TEST(fs::is_empty(dir.path));
  spit(dir / "exists.safetensors", "old");
  check_message_contains<st::error>([&] { st::writer out(dir / "exists.safetensors", {}); }, "already exists; pass --force to overwrite it");
  BOOST_TEST(slurp(dir / "exists.safetensors") == "old");
}

BOOST_AUTO_TEST_CASE(a_mapped_writer_fills_tensors_in_any_order) {
  temp_dir dir;
  const std::string w = floats({1, 2, 3, 4, 5, 6});
  const std::string b = floats({7, 8});
  const std::vector<st::entry> tensors{{"w", axle::dtype::F32, {2, 3}}, {"b", axle::dtype::F32, {2}}, {"e", axle::dtype::F32, {0}}};
  {
    st::writer out(dir / "m.safetensors", tensors);
    BOOST_REQUIRE(out.map());  // the file system of the temporary directory allocates ahead (ext4, xfs, tmpfs do)
    BOOST_TEST(out.mapped());
    // "w" (last in the file) first, then "b" through write(), "e" (no bytes) reported as filled.
    const auto rw = out.region("w");
    BOOST_TEST(rw.size() == 24u);
    out.populate("w");
    std::memcpy(rw.data(), w.data(), w.size());
    out.filled("w");
    out.release("w");
    check_message_contains<st::error>([&] { out.write("b", as_bytes(floats({7}))); }, "tensor 'b': 4 bytes given for 8");
    out.write("b", as_bytes(b));
    check_message_contains<st::error>([&] { out.commit(); }, "tensor 'e': its data was not written; the file is not complete");
    BOOST_TEST(fs::is_empty(dir.path));
    out.filled("e");
    out.commit();
  }
  // The bytes of the format's layout, as the streaming writer writes them: "b", "e", "w" by name.
  const std::string header = R"({"b":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"e":{"dtype":"F32","shape":[0],"data_offsets":[8,8]},)"
                             R"("w":{"dtype":"F32","shape":[2,3],"data_offsets":[8,32]}})";
  const std::string padded = header + std::string((8 - header.size() % 8) % 8, ' ');
  BOOST_TEST(slurp(dir / "m.safetensors") == u64le(padded.size()) + padded + b + w);
  {
    st::writer out(dir / "n.safetensors", tensors);
    BOOST_REQUIRE(out.map());
    out.write("w", as_bytes(w));
    check_message_contains<st::error>([&] { (void)out.region("x"); }, "no tensor 'x' in this file");
  }  // never committed
  BOOST_TEST(!fs::exists(dir / "n.safetensors"));
}

BOOST_AUTO_TEST_CASE(a_reserved_writer_takes_pieces_in_any_order_from_several_threads) {
  temp_dir dir;
  // 70,000 floats: more than one write call (256 KiB) per tensor, written in pieces of 4,099
  // elements (not a multiple of a page or of a call), from two threads, last piece first.
  std::vector<float> big(70000);
  for (std::size_t k = 0; k < big.size(); ++k) big[k] = static_cast<float>(k) * 0.5f;
  const std::string w(reinterpret_cast<const char*>(big.data()), big.size() * sizeof(float));
  const std::string b = floats({7, 8});
  const std::vector<st::entry> tensors{{"w", axle::dtype::F32, {700, 100}}, {"b", axle::dtype::F32, {2}}, {"e", axle::dtype::F32, {0}}};
  {
    st::writer out(dir / "r.safetensors", tensors);
    check_message_contains<st::error>([&] { out.write_at("w", 0, as_bytes(b)); }, "tensor 'w': written in place before map() or reserve()");
    out.reserve();
    BOOST_TEST(!out.mapped());
    check_message_contains<st::error>([&] { out.write_at("b", 4, as_bytes(b)); }, "tensor 'b': 8 bytes at offset 4 go past its 8 bytes");
    check_message_contains<st::error>([&] { out.write_at("x", 0, as_bytes(b)); }, "no tensor 'x' in this file");
    const std::size_t piece = 4099 * sizeof(float);
    std::vector<std::size_t> starts;
    for (std::size_t at = 0; at < w.size(); at += piece) starts.push_back(at);
    const auto write_some = [&](std::size_t parity) {
      for (std::size_t j = starts.size(); j-- > 0;)
        if (j % 2 == parity) {
          const std::size_t n = std::min(piece, w.size() - starts[j]);
          out.write_at("w", starts[j], as_bytes(w).subspan(starts[j], n));
        }
    };
    std::thread other(write_some, 1);
    write_some(0);
    other.join();
    out.filled("w");
    out.write("b", as_bytes(b));
    check_message_contains<st::error>([&] { out.commit(); }, "tensor 'e': its data was not written; the file is not complete");
    BOOST_TEST(fs::is_empty(dir.path));
    out.filled("e");
    out.commit();
  }
  // Byte for byte what the streaming writer makes.
  {
    st::writer out(dir / "s.safetensors", tensors);
    for (const st::entry& t : out.order()) out.write(t.name, as_bytes(t.name == "w" ? w : t.name == "b" ? b : std::string()));
    out.commit();
  }
  BOOST_TEST(slurp(dir / "r.safetensors") == slurp(dir / "s.safetensors"));
  {
    st::writer out(dir / "n.safetensors", tensors);
    out.reserve();
    out.write_at("w", 0, as_bytes(w));
  }  // never committed
  BOOST_TEST(!fs::exists(dir / "n.safetensors"));
}

// --- sharded checkpoints -----------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(shard_plan_follows_huggingface_hub) {
  // Greedy in order; a tensor over the maximum gets its own shard at once, before the open one.
  const std::vector<std::uint64_t> sizes{4, 4, 3, 12, 2, 6};
  BOOST_TEST((st::shard_plan(sizes, 10) == std::vector<std::size_t>{0, 0, 2, 1, 2, 3}));
  BOOST_TEST(st::shard_name(0, 3) == "model-00001-of-00003.safetensors");
  BOOST_TEST(st::shard_name(11, 12, "big") == "big-00012-of-00012.safetensors");
}

BOOST_AUTO_TEST_CASE(sharded_checkpoints_open_lazily_and_are_checked) {
  temp_dir dir;
  const std::string a = floats({1, 2}), b = floats({3});
  st::write(dir / "model-00001-of-00002.safetensors", {{"a", axle::dtype::F32, {2}}}, {as_bytes(a)});
  st::write(dir / "model-00002-of-00002.safetensors", {{"b", axle::dtype::F32, {1}}}, {as_bytes(b)});
  st::index ix;
  ix.weight_map = {{"b", "model-00002-of-00002.safetensors"}, {"a", "model-00001-of-00002.safetensors"}};
  ix.metadata["total_size"] = "12";
  st::write_index(dir / "model.safetensors.index.json", ix);
  // transformers' form: sorted keys, indent 2, a final newline.
  BOOST_TEST(slurp(dir / "model.safetensors.index.json") ==
             "{\n  \"metadata\": {\n    \"total_size\": 12\n  },\n  \"weight_map\": {\n    \"a\": \"model-00001-of-00002.safetensors\",\n"
             "    \"b\": \"model-00002-of-00002.safetensors\"\n  }\n}\n");
  const st::checkpoint ck(dir / "model.safetensors.index.json");
  BOOST_TEST(ck.sharded());
  BOOST_TEST(*ck.index_data()->total_size() == 12u);
  BOOST_TEST((ck.names() == std::vector<std::string>{"a", "b"}));
  BOOST_TEST((ck.view<const float, axle::layout<O>>("b")(O{0}) == 3.0f));
  // A shard that holds something the index does not list; an index naming a missing tensor.
  st::write(dir / "model-00002-of-00002.safetensors", {{"b", axle::dtype::F32, {1}}, {"c", axle::dtype::F32, {1}}}, {as_bytes(b), as_bytes(b)}, {}, true);
  const st::checkpoint ck2(dir / "model.safetensors.index.json");
  BOOST_TEST(ck2.info("a").bytes() == 8u);  // the first shard alone is fine
  check_message_contains<st::error>([&] { (void)ck2.info("b"); }, "shard 'model-00002-of-00002.safetensors' holds tensor 'c', which weight_map does not list");
  spit(dir / "bad.index.json", R"({"weight_map":{"a":"../x.safetensors"}})");
  check_message_contains<st::error>([&] { st::checkpoint c(dir / "bad.index.json"); },
                                    "weight_map: tensor 'a' maps to '../x.safetensors', not a .safetensors file name in the index's directory");
  spit(dir / "dup.index.json", R"({"weight_map":{"a":"m.safetensors","a":"m.safetensors"}})");
  check_message_contains<st::error>([&] { st::checkpoint c(dir / "dup.index.json"); }, "dup.index.json: index: duplicate key 'a'");
  spit(dir / "none.index.json", R"({"metadata":{}})");
  check_message_contains<st::error>([&] { st::checkpoint c(dir / "none.index.json"); }, "no \"weight_map\": not a safetensors index");
}
