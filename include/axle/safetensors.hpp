// axle — safetensors checkpoints: read as typed views, written as a stream.
//
//     #include <axle/safetensors.hpp>                 // CMake: target axle::safetensors (nlohmann_json)
//     axle::safetensors::file f("model.safetensors");  // mapped read-only; the header is validated whole
//     for (const std::string& name : f.names()) f.info(name);      // dtype, shape, bytes, offset
//     auto w = f.view<const float, layout<O, I, H, W>>("conv.weight");   // zero copy, checked
//     auto g = f.view<const float, layout<merged<G, O>, I, H, W>>("gconv.weight", axle::axis_size{"G", 4});
//     auto t = f.copy<float, layout<O, I>>("fc.weight");         // an owning axle::tensor
//
//     axle::safetensors::checkpoint ck("model.safetensors.index.json");   // sharded: shards open lazily
//
//     axle::safetensors::writer out("out.safetensors", {{"a", axle::dtype::F32, {2, 3}}}, {{"format", "pt"}});
//     out.write("a", bytes);   // each tensor's data in turn, in out.order(); chunks append
//     out.commit();            // complete, or nothing at the path
//     // or, after out.reserve(): out.write_at(name, offset, bytes) in any order, from any thread,
//     // then out.filled(name) for each tensor; or, after out.map(): fill out.region(name) in place
//
// Reading. `file` maps the file with axle::mapped_file and validates everything before any of it
// is used, in the reference reader's order (huggingface/safetensors safetensors/src/tensor.rs,
// SafeTensors::read_metadata and Metadata::validate): at least 8 bytes; the header length N, a
// little-endian u64, at most 100,000,000 and inside the file; the header a JSON object (parsed by
// nlohmann::json, with duplicate keys refused at every level — the reference keeps the last one
// silently); `__metadata__`, if present, an object of string → string; every other key a tensor
// `{"dtype": …, "shape": [...], "data_offsets": [begin, end]}` with a known dtype (axle::dtype),
// whole non-negative numbers, a byte length equal to the product of the shape times the dtype's
// size (checked arithmetic, NumPy's size rule, whole bytes for sub-byte types), and offsets that,
// sorted, tile the data section from 0 to its end with no gap and no overlap; and the data section
// ending exactly at the end of the file. Extra fields inside a tensor entry are ignored, as the
// reference ignores them; leading and trailing JSON whitespace in the header is accepted, as the
// reference accepts it. Every failure is one axle::safetensors::error (an axle::file_error) whose
// message names the file, the tensor where there is one, and the problem.
//
// Typed views. view<const T, L>(name, sizes...) checks the dtype (axle::dtype_of<T>; std::byte
// reads any one-byte type, so the 8-bit float formats pass through as bytes), the rank and the
// layout's constraints (as tensor_view's own constructor does: static extents, merged dimensions
// that the given sizes divide), the tensor's layout stamp if it has one (below), and the address:
// a tensor whose data is not aligned for T in the mapping (a header length that is not a multiple
// of 8, as some writers produce) is refused with a message that points at copy(), which makes an
// owning, aligned axle::tensor by memcpy. A BOOL tensor is checked to hold only 0 and 1. The view
// reads the mapping: it is valid while the `file` lives. Data is little-endian; so is every
// platform axle builds on (checked at compile time).
//
// Writing. `writer` takes the tensor list first (names, dtypes, shapes) and the metadata, orders
// the tensors as the reference writer does (by dtype, widest first in the format's declaration
// order, then by name, byte-wise; huggingface/safetensors safetensors/src/tensor.rs, prepare),
// assigns contiguous offsets, writes the compact header padded with spaces to a multiple of 8,
// then takes each tensor's data in that order, in as many chunks as the caller likes — so at most
// one tensor is in memory, none when the data comes from a mapped file. The output goes through
// axle::output_file: complete, or absent even when the process is killed. With at most one
// metadata entry the bytes are exactly the reference writer's; the reference orders several
// entries by a randomised hash, so axle writes them sorted by key, byte-wise (`__metadata__`
// first, as the reference does).
//
// Layout stamps. A tensor's layout can be recorded in `__metadata__` under the key
// `axle.layout:<tensor name>`; the value is the layout in axle's notation, `(H, W, I, O)`,
// preceded by the catalogue name of the op it belongs to when there is one:
// `flax.conv (H, W, I, O)`. Reading a stamped tensor through view() or copy() with another layout
// is an error naming both; `axle convert-checkpoint` writes stamps and refuses to convert a tensor
// whose stamp already says the target layout.
//
// Sharded checkpoints. `checkpoint` opens a single file or a `model.safetensors.index.json`
// (`{"metadata": {"total_size": …}, "weight_map": {tensor: shard}}`; huggingface_hub
// src/huggingface_hub/serialization/_base.py), and opens each shard the first time one of its
// tensors is asked for; a shard must hold exactly the tensors the index assigns to it.
// `read_index` / `write_index` read and write the index itself (written as transformers writes
// it: keys sorted, two-space indent, ASCII, a final newline); `shard_plan` splits a tensor list
// into shards the way huggingface_hub does.
#pragma once

#include <algorithm>
#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "detail/checked.hpp"
#include "detail/text.hpp"
#include "dtype.hpp"
#include "errors.hpp"
#include "file.hpp"
#include "layout.hpp"
#include "notation.hpp"
#include "tensor.hpp"
#include "text.hpp"
#include "view.hpp"

namespace axle::safetensors {

using axle::dtype;

/// A safetensors file (or index) that cannot be read, understood or written: "<file>: <problem>".
class error : public file_error {
 public:
  using file_error::file_error;
};

/// The largest header the reference reader accepts (safetensors/src/tensor.rs, MAX_HEADER_SIZE).
inline constexpr std::uint64_t max_header_bytes = 100'000'000;
/// The metadata key of a tensor's layout stamp is this prefix followed by the tensor's name.
inline constexpr std::string_view stamp_prefix = "axle.layout:";

/// What the header says about one tensor.
struct tensor_info {
  std::string name;
  axle::dtype dtype = axle::dtype::F32;
  std::vector<std::int64_t> shape;  // empty for a scalar
  std::uint64_t begin = 0;          // data_offsets, relative to the data section
  std::uint64_t end = 0;
  [[nodiscard]] std::uint64_t bytes() const noexcept { return end - begin; }
  /// Elements (1 for a scalar, 0 when an extent is 0).
  [[nodiscard]] std::int64_t elements() const noexcept {
    std::int64_t n = 1;
    for (std::int64_t e : shape) n *= e;
    return n;
  }
};

/// A layout stamp: the op (may be empty) and the layout in axle's notation.
struct stamp {
  std::string op;
  std::string layout;
  friend bool operator==(const stamp&, const stamp&) = default;
};

/// The metadata key of the stamp of tensor `name`.
[[nodiscard]] inline std::string stamp_key(std::string_view name) { return std::string(stamp_prefix) + std::string(name); }

/// `flax.conv (H, W, I, O)`, or `(H, W, I, O)` without an op.
[[nodiscard]] inline std::string stamp_text(const stamp& s) { return s.op.empty() ? s.layout : s.op + " " + s.layout; }

/// Reads a stamp's value: an optional op name, then a layout that starts with '(' and ends with ')'.
[[nodiscard]] inline std::optional<stamp> parse_stamp(std::string_view text) {
  const std::size_t open = text.find('(');
  if (open == std::string_view::npos || text.empty() || text.back() != ')') return std::nullopt;
  std::string_view op = text.substr(0, open);
  while (!op.empty() && op.back() == ' ') op.remove_suffix(1);
  if (op.find(' ') != std::string_view::npos) return std::nullopt;
  return stamp{std::string(op), std::string(text.substr(open))};
}

using axle::byte_size;

namespace detail {

using json = nlohmann::ordered_json;

[[noreturn]] inline void fail(std::string_view file, const std::string& what) { throw error(std::string(file) + ": " + what); }

// Appended rather than `"'" + ...`: g++ 12 warns (-Wstringop-overflow, a false positive) when that
// operator+ is inlined at -O2.
inline std::string quote_name(std::string_view s) {
  std::string out(1, '\'');
  out += axle::escaped(s, 80);
  out += '\'';
  return out;
}

/// A JSON document as nlohmann::ordered_json, with every duplicate key refused and the nesting
/// bounded. nlohmann's own DOM parser keeps the last of two equal keys silently.
class strict_json {
 public:
  using number_integer_t = json::number_integer_t;
  using number_unsigned_t = json::number_unsigned_t;
  using number_float_t = json::number_float_t;
  using string_t = json::string_t;
  using binary_t = json::binary_t;

  explicit strict_json(std::size_t max_depth) : max_depth_(max_depth) {}

  /// The document, or throws `error("<file>: <what>: <problem>")`.
  static json parse(std::string_view text, std::size_t max_depth, std::string_view file, std::string_view what) {
    strict_json h(max_depth);
    const bool ok = json::sax_parse(text.begin(), text.end(), &h, json::input_format_t::json, true);
    if (!ok) fail(file, std::string(what) + ": " + (h.problem_.empty() ? std::string("not valid JSON") : h.problem_));
    return std::move(h.root_);
  }

  bool null() { return value(nullptr); }
  bool boolean(bool v) { return value(v); }
  bool number_integer(number_integer_t v) { return value(v); }
  bool number_unsigned(number_unsigned_t v) { return value(v); }
  bool number_float(number_float_t v, const string_t&) { return value(v); }
  bool string(string_t& v) { return value(std::move(v)); }
  bool binary(binary_t&) { return refuse("binary values are not JSON"); }
  bool start_object(std::size_t) {
    json* slot = place(json::object());
    if (slot == nullptr) return false;
    return open(slot);
  }
  bool key(string_t& k) {
    frame& f = stack_.back();
    if (!f.keys.insert(k).second) return refuse("duplicate key " + quote_name(k));
    pending_ = &(*f.node)[k];
    return true;
  }
  bool end_object() {
    stack_.pop_back();
    return true;
  }
  bool start_array(std::size_t) {
    json* slot = place(json::array());
    if (slot == nullptr) return false;
    return open(slot);
  }
  bool end_array() {
    stack_.pop_back();
    return true;
  }
  template <class Exception>
  bool parse_error(std::size_t position, const std::string&, const Exception& ex) {
    if (problem_.empty()) {
      std::string m = ex.what();
      // "[json.exception.parse_error.101] parse error at line 1, column 7: syntax error ..."
      if (const std::size_t close = m.find("] "); m.rfind("[json.exception.", 0) == 0 && close != std::string::npos) m = m.substr(close + 2);
      problem_ = "invalid JSON at byte " + std::to_string(position) + ": " + axle::escaped(m, 200);
    }
    return false;
  }

 private:
  struct frame {
    json* node;
    std::unordered_set<std::string> keys;
  };

  bool refuse(std::string why) {
    if (problem_.empty()) problem_ = std::move(why);
    return false;
  }
  /// Where a new value goes: the root, the end of the open array, or the key just read.
  json* place(json v) {
    if (stack_.empty()) {
      root_ = std::move(v);
      return &root_;
    }
    json& top = *stack_.back().node;
    if (top.is_array()) {
      top.push_back(std::move(v));
      return &top.back();
    }
    *pending_ = std::move(v);
    return pending_;
  }
  template <class V>
  bool value(V&& v) {
    return place(json(std::forward<V>(v))) != nullptr;
  }
  bool open(json* node) {
    if (stack_.size() >= max_depth_) return refuse("nested deeper than " + std::to_string(max_depth_) + " levels");
    stack_.push_back(frame{node, {}});
    return true;
  }

  std::size_t max_depth_;
  json root_;
  std::vector<frame> stack_;
  json* pending_ = nullptr;
  std::string problem_;
};

/// A whole number that fits in 64 bits, or nothing.
inline std::optional<std::uint64_t> whole(const json& v) {
  if (v.is_number_unsigned()) return v.get<std::uint64_t>();
  if (v.is_number_integer() && v.get<std::int64_t>() >= 0) return static_cast<std::uint64_t>(v.get<std::int64_t>());
  return std::nullopt;
}

inline std::string kind_of(const json& v) {
  if (v.is_object()) return "an object";
  if (v.is_array()) return "an array";
  if (v.is_string()) return "a string";
  if (v.is_boolean()) return "a boolean";
  if (v.is_null()) return "null";
  if (v.is_number_float()) return "a number with a fraction or exponent";
  if (v.is_number_unsigned()) return "a number";
  return "a negative number";
}

inline std::string dtype_list() {
  std::string s;
  for (std::size_t k = 0; k < dtype_count; ++k) { s += (k ? " " : ""); s += std::string(dtype_name(static_cast<axle::dtype>(k))); }
  return s;
}

inline std::uint64_t load_u64_le(const std::byte* p) noexcept {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= static_cast<std::uint64_t>(std::to_integer<unsigned>(p[i])) << (8 * i);
  return v;
}

inline std::string shape_text(std::span<const std::int64_t> shape) { return axle::detail::tuple_text(shape); }

/// The JSON text of a string, escaped as serde_json escapes it (nlohmann's dump escapes the same
/// set, the same way); refuses text that is not UTF-8.
inline std::string json_string(std::string_view s, std::string_view file, std::string_view what) {
  try {
    return json(std::string(s)).dump();
  } catch (const json::exception&) {
    fail(file, std::string(what) + " " + quote_name(s) + " is not valid UTF-8");
  }
}

}  // namespace detail

/// A validated safetensors file: the header's tensors and metadata, and the data, mapped.
class file {
 public:
  /// Maps `path` read-only and validates it (see the header of this file).
  explicit file(const std::filesystem::path& path) : name_(path.string()) {
    try {
      map_ = mapped_file(path);
    } catch (const file_error& e) {
      throw error(e.what());
    }
    bytes_ = map_.bytes();
    parse();
  }

  /// A file held in memory by the caller (not copied: it must outlive the object); `name` names
  /// it in messages.
  static file from_bytes(std::span<const std::byte> bytes, std::string name) { return file(bytes, std::move(name)); }

  file(file&&) noexcept = default;
  file& operator=(file&&) noexcept = default;
  file(const file&) = delete;
  file& operator=(const file&) = delete;
  ~file() = default;

  /// The file's name, as given.
  [[nodiscard]] const std::string& name() const noexcept { return name_; }
  /// Tensor names, in the order of their data in the file.
  [[nodiscard]] const std::vector<std::string>& names() const noexcept { return names_; }
  [[nodiscard]] bool contains(std::string_view name) const { return index_.find(std::string(name)) != index_.end(); }
  /// What the header says about a tensor; an unknown name is an error suggesting close names.
  [[nodiscard]] const tensor_info& info(std::string_view name) const { return tensors_[find(name)]; }
  /// `__metadata__` (empty when absent).
  [[nodiscard]] const std::map<std::string, std::string>& metadata() const noexcept { return metadata_; }
  /// Whether the header has a `__metadata__` entry (even an empty one).
  [[nodiscard]] bool has_metadata() const noexcept { return has_metadata_; }
  /// Bytes from the start of the file to the data section: 8 + the header length.
  [[nodiscard]] std::uint64_t data_offset() const noexcept { return data_offset_; }
  /// A tensor's bytes, in the mapping (little-endian, C order).
  [[nodiscard]] std::span<const std::byte> bytes(std::string_view name) const {
    const tensor_info& t = info(name);
    return bytes_.subspan(static_cast<std::size_t>(data_offset_ + t.begin), static_cast<std::size_t>(t.bytes()));
  }
  /// Tells the system a tensor's pages need not stay in memory (after streaming it).
  void release(std::string_view name) const {
    const tensor_info& t = info(name);
    map_.release(static_cast<std::size_t>(data_offset_ + t.begin), static_cast<std::size_t>(t.bytes()));
  }
  /// The same for bytes [begin, end) of a tensor's data only (a part that is read already).
  void release(std::string_view name, std::uint64_t begin, std::uint64_t end) const {
    const tensor_info& t = info(name);
    end = std::min(end, t.bytes());
    if (begin < end) map_.release(static_cast<std::size_t>(data_offset_ + t.begin + begin), static_cast<std::size_t>(end - begin));
  }
  /// A tensor's layout stamp, if its metadata has one (see the header); a value that is not a
  /// stamp is an error.
  [[nodiscard]] std::optional<stamp> layout_stamp(std::string_view name) const {
    const auto it = metadata_.find(stamp_key(name));
    if (it == metadata_.end()) return std::nullopt;
    auto s = parse_stamp(it->second);
    if (!s)
      detail::fail(name_, "tensor " + detail::quote_name(name) + ": metadata " + detail::quote_name(it->first) + " is " + detail::quote_name(it->second) +
                              ", not a layout stamp such as 'flax.conv (H, W, I, O)'");
    return s;
  }

  /// A typed, zero-copy view of a tensor (see the header): `view<const float, L>(name)`, plus
  /// the sizes a shape cannot tell, `axle::axis_size{"G", 4}`.
  template <class T, layout_type L, std::same_as<axis_size>... Known>
  [[nodiscard]] tensor_view<T, L> view(std::string_view name, Known... known) const {
    static_assert(std::is_const_v<T>, "axle::safetensors::file::view<T, L>: the mapping is read-only: T must be const (view<const float, L>)");
    static_assert(checkpoint_element<T>, "axle::safetensors::file::view<T, L>: T has no safetensors dtype (see axle::dtype_of)");
    static_assert(std::endian::native == std::endian::little, "safetensors data is little-endian");
    const tensor_info& t = checked_for<T, L>(name);
    const std::span<const std::byte> b = bytes(name);
    if (reinterpret_cast<std::uintptr_t>(b.data()) % alignof(T) != 0)
      detail::fail(name_, "tensor " + detail::quote_name(name) + ": its data (file offset " + std::to_string(data_offset_ + t.begin) +
                              ") is not aligned to " + std::to_string(alignof(T)) + " bytes, so it cannot be viewed in place as " +
                              std::string(dtype_name(t.dtype)) + "; use copy<T, L>(), which makes an aligned copy");
    const std::array<axis_size, sizeof...(Known)> sizes{known...};
    return make_view<T, L>(t, reinterpret_cast<T*>(b.data()), sizes);
  }

  /// An owning, aligned copy of a tensor in layout L, checked as view() checks it.
  template <class T, layout_type L, std::same_as<axis_size>... Known>
  [[nodiscard]] tensor<std::remove_const_t<T>, L> copy(std::string_view name, Known... known) const {
    using V = std::remove_const_t<T>;
    static_assert(checkpoint_element<V>, "axle::safetensors::file::copy<T, L>: T has no safetensors dtype (see axle::dtype_of)");
    static_assert(std::endian::native == std::endian::little, "safetensors data is little-endian");
    const tensor_info& t = checked_for<V, L>(name);
    const std::array<axis_size, sizeof...(Known)> sizes{known...};
    // The shape and the layout are checked on a view without data, then the bytes copied.
    const auto v = make_view<const V, L>(t, static_cast<const V*>(nullptr), sizes);
    tensor<V, L> out(v.extents(), uninitialized);
    const std::span<const std::byte> b = bytes(name);
    if (!b.empty()) std::memcpy(static_cast<void*>(out.data()), b.data(), b.size());
    return out;
  }

 private:
  file(std::span<const std::byte> bytes, std::string name) : name_(std::move(name)), bytes_(bytes) { parse(); }

  std::size_t find(std::string_view name) const {
    const auto it = index_.find(std::string(name));
    if (it != index_.end()) return it->second;
    std::string hint;
    const auto close = axle::close_matches(name, names_);
    for (std::size_t k = 0; k < close.size(); ++k) { hint += (k ? ", " : "; did you mean "); hint += detail::quote_name(close[k]); }
    detail::fail(name_, "no tensor " + detail::quote_name(name) + hint + (hint.empty() ? "" : "?"));
  }

  /// The checks view() and copy() share: dtype, BOOL values, the stamp.
  template <class T, layout_type L>
  const tensor_info& checked_for(std::string_view name) const {
    const tensor_info& t = info(name);
    if (!dtype_reads<T>(t.dtype)) {
      std::string wanted;
      if constexpr (std::is_same_v<std::remove_cv_t<T>, std::byte>)
        wanted = "std::byte (one-byte types)";
      else
        wanted = std::string(dtype_name(dtype_of_v<T>));
      detail::fail(name_, "tensor " + detail::quote_name(name) + " is " + std::string(dtype_name(t.dtype)) + ", read as " + wanted);
    }
    if constexpr (std::is_same_v<std::remove_cv_t<T>, bool>) {
      for (std::byte x : bytes(name))
        if (std::to_integer<unsigned>(x) > 1)
          detail::fail(name_, "tensor " + detail::quote_name(name) + " is BOOL but holds the byte " + std::to_string(std::to_integer<unsigned>(x)) +
                                  " (only 0 and 1 are booleans)");
    }
    if (const auto s = layout_stamp(name)) {
      const std::string wanted = to_string(value::of<L>());
      if (s->layout != wanted)
        detail::fail(name_, "tensor " + detail::quote_name(name) + " is stamped " + detail::quote_name(stamp_text(*s)) + ", read as " + wanted +
                                ": read it with the stamped layout, or convert it");
    }
    return t;
  }

  template <class T, layout_type L, std::size_t N>
  tensor_view<T, L> make_view(const tensor_info& t, T* data, const std::array<axis_size, N>& sizes) const {
    std::vector<index_t> shape(t.shape.begin(), t.shape.end());
    try {
      return tensor_view<T, L>(data, std::span<const index_t>(shape), std::span<const axis_size>(sizes));
    } catch (const shape_error& e) {
      detail::fail(name_, "tensor " + detail::quote_name(t.name) + " " + std::string(dtype_name(t.dtype)) + " " + detail::shape_text(t.shape) +
                              " as " + to_string(value::of<L>()) + ": " + e.what());
    }
  }

  void parse() {
    const std::string& f = name_;
    if (bytes_.size() < 8)
      detail::fail(f, "not a safetensors file: " + std::to_string(bytes_.size()) + " bytes, fewer than the 8-byte header length");
    const std::uint64_t n = detail::load_u64_le(bytes_.data());
    if (n > max_header_bytes)
      detail::fail(f, "header length " + std::to_string(n) + " is larger than the format's limit of " + std::to_string(max_header_bytes) + " bytes");
    const auto header_end = axle::detail::checked_add<std::uint64_t>(8, n);
    if (!header_end || *header_end > bytes_.size())
      detail::fail(f, "truncated: the header length says " + std::to_string(n) + " bytes, but only " + std::to_string(bytes_.size() - 8) +
                          " follow");
    data_offset_ = *header_end;
    const std::string_view text(reinterpret_cast<const char*>(bytes_.data() + 8), static_cast<std::size_t>(n));
    // Depth 3 is all a header needs (object, entry, shape); a little more is allowed for extra fields.
    const detail::json doc = detail::strict_json::parse(text, 16, f, "header");
    if (!doc.is_object()) detail::fail(f, "header: the JSON is " + detail::kind_of(doc) + ", not an object");
    for (const auto& [key, value] : doc.items()) {
      if (key == "__metadata__") {
        read_metadata(value);
        continue;
      }
      tensors_.push_back(read_entry(key, value));
    }
    // Tile the data section: sorted by (begin, end), each starts where the previous ended.
    std::vector<std::size_t> order(tensors_.size());
    for (std::size_t k = 0; k < order.size(); ++k) order[k] = k;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return std::pair(tensors_[a].begin, tensors_[a].end) < std::pair(tensors_[b].begin, tensors_[b].end);
    });
    std::uint64_t at = 0;
    for (std::size_t k : order) {
      const tensor_info& t = tensors_[k];
      if (t.begin != at) {
        const std::string where = at < t.begin ? "leaves bytes " + std::to_string(at) + ".." + std::to_string(t.begin) + " of the data section unused"
                                               : "overlaps the data before it, which ends at " + std::to_string(at);
        detail::fail(f, "tensor " + detail::quote_name(t.name) + ": data_offsets [" + std::to_string(t.begin) + ", " + std::to_string(t.end) + "] " + where);
      }
      at = t.end;
    }
    const auto expected = axle::detail::checked_add(data_offset_, at);
    if (!expected || *expected != bytes_.size()) {
      if (expected && *expected > bytes_.size())
        detail::fail(f, "truncated: the tensors need " + std::to_string(at) + " bytes of data, but the file has " +
                            std::to_string(bytes_.size() - data_offset_));
      detail::fail(f, std::to_string(bytes_.size() - data_offset_ - at) + " bytes after the last tensor's data (the data section must be exactly the tensors')");
    }
    names_.reserve(order.size());
    for (std::size_t k : order) names_.push_back(tensors_[k].name);
    std::vector<tensor_info> sorted;
    sorted.reserve(order.size());
    for (std::size_t k : order) sorted.push_back(std::move(tensors_[k]));
    tensors_ = std::move(sorted);
    for (std::size_t k = 0; k < tensors_.size(); ++k) index_.emplace(tensors_[k].name, k);
  }

  void read_metadata(const detail::json& v) {
    if (!v.is_object()) detail::fail(name_, "header: __metadata__ is " + detail::kind_of(v) + ", not an object of strings");
    has_metadata_ = true;
    for (const auto& [key, value] : v.items()) {
      if (!value.is_string())
        detail::fail(name_, "header: __metadata__ " + detail::quote_name(key) + " is " + detail::kind_of(value) + "; metadata values are strings");
      metadata_.emplace(key, value.get<std::string>());
    }
  }

  tensor_info read_entry(const std::string& key, const detail::json& v) const {
    const std::string& f = name_;
    const std::string what = "tensor " + detail::quote_name(key);
    if (!v.is_object()) detail::fail(f, what + ": its entry is " + detail::kind_of(v) + ", not {\"dtype\", \"shape\", \"data_offsets\"}");
    tensor_info t;
    t.name = key;
    for (const char* field : {"dtype", "shape", "data_offsets"})
      if (!v.contains(field)) detail::fail(f, what + ": no \"" + std::string(field) + "\"");
    const detail::json& d = v["dtype"];
    if (!d.is_string()) detail::fail(f, what + ": dtype is " + detail::kind_of(d) + ", not a string");
    const auto type = dtype_from_name(d.get<std::string>());
    if (!type) detail::fail(f, what + ": unknown dtype " + detail::quote_name(d.get<std::string>()) + " (known: " + detail::dtype_list() + ")");
    t.dtype = *type;
    const detail::json& s = v["shape"];
    if (!s.is_array()) detail::fail(f, what + ": shape is " + detail::kind_of(s) + ", not an array");
    for (const detail::json& e : s) {
      const auto x = detail::whole(e);
      if (!x || *x > static_cast<std::uint64_t>(INT64_MAX))
        detail::fail(f, what + ": shape holds " + axle::escaped(e.dump(), 40) + ", not a whole number of at most 2^63 - 1");
      t.shape.push_back(static_cast<std::int64_t>(*x));
    }
    const detail::json& o = v["data_offsets"];
    if (!o.is_array() || o.size() != 2) detail::fail(f, what + ": data_offsets is " + axle::escaped(o.dump(), 60) + ", not [begin, end]");
    const auto b = detail::whole(o[0]);
    const auto e = detail::whole(o[1]);
    if (!b || !e) detail::fail(f, what + ": data_offsets " + axle::escaped(o.dump(), 60) + " are not whole numbers");
    if (*e < *b) detail::fail(f, what + ": data_offsets [" + std::to_string(*b) + ", " + std::to_string(*e) + "] end before they begin");
    t.begin = *b;
    t.end = *e;
    const auto size = byte_size(t.dtype, t.shape);
    if (!size)
      detail::fail(f, what + ": shape " + detail::shape_text(t.shape) + " of " + std::string(dtype_name(t.dtype)) +
                          (axle::detail::checked_shape_size(t.shape, 1) ? " is not a whole number of bytes" : " is too large (its size overflows)"));
    if (*size != t.bytes())
      detail::fail(f, what + ": " + std::string(dtype_name(t.dtype)) + " " + detail::shape_text(t.shape) + " takes " + std::to_string(*size) +
                          " bytes, but data_offsets [" + std::to_string(t.begin) + ", " + std::to_string(t.end) + "] hold " + std::to_string(t.bytes()));
    return t;
  }

  std::string name_;
  mapped_file map_;
  std::span<const std::byte> bytes_;
  std::uint64_t data_offset_ = 0;
  std::vector<tensor_info> tensors_;  // in data order
  std::vector<std::string> names_;
  std::unordered_map<std::string, std::size_t> index_;
  std::map<std::string, std::string> metadata_;
  bool has_metadata_ = false;
};

// --- writing -------------------------------------------------------------------------------------

/// One tensor to write: its name, dtype and shape.
struct entry {
  std::string name;
  axle::dtype dtype = axle::dtype::F32;
  std::vector<std::int64_t> shape;
};

/// The order the reference writer gives tensors: dtype descending in the format's declaration
/// order, then name ascending, byte-wise.
[[nodiscard]] inline bool write_before(const entry& a, const entry& b) noexcept {
  if (a.dtype != b.dtype) return a.dtype > b.dtype;
  return a.name < b.name;
}

/// Streams a safetensors file: see the header of this file.
class writer {
 public:
  /// Orders the tensors, writes the header. `metadata`: the `__metadata__` entries, or nothing
  /// for a header without one. An existing file at `path` is an error unless `options.force`.
  writer(const std::filesystem::path& path, std::vector<entry> tensors, std::optional<std::map<std::string, std::string>> metadata = std::nullopt,
         write_options options = {})
      : name_(path.string()), tensors_(std::move(tensors)) {
    std::stable_sort(tensors_.begin(), tensors_.end(), write_before);
    const std::string head = header(tensors_, metadata, name_, &sizes_);
    try {
      out_.emplace(path, options);
      out_->write(head);
    } catch (const error&) {
      throw;
    } catch (const file_error& e) {
      throw error(e.what());
    }
    data_start_ = out_->size();
  }

  /// The tensors in the order their data must be written.
  [[nodiscard]] const std::vector<entry>& order() const noexcept { return tensors_; }
  /// The data bytes of each tensor of order().
  [[nodiscard]] const std::vector<std::uint64_t>& sizes() const noexcept { return sizes_; }
  /// The name of the tensor whose data comes next, or empty when all are complete.
  [[nodiscard]] std::string_view next() const noexcept {
    return current_ < tensors_.size() ? std::string_view(tensors_[current_].name) : std::string_view();
  }

  /// Maps the whole file for writing in place (axle::output_file::map): from then on each tensor's
  /// bytes are region(name), to be filled in any order, from any thread, and reported with
  /// filled(name). A conversion then writes straight into the file's cache, with no write() per
  /// tensor. Returns false, and changes nothing, where the file system cannot allocate the file
  /// ahead; only before any data was written.
  bool map() {
    if (mapped_) return true;
    if (placed_) detail::fail(name_, "map() after reserve()");
    if (current_ != 0 || written_ != 0) detail::fail(name_, "map() after data was written");
    std::span<std::byte> all;
    guarded([&] { all = out_->map(static_cast<std::size_t>(total_bytes())); });
    if (all.empty() && total_bytes() > data_start_) return false;
    base_ = all.data();
    mapped_ = true;
    place();
    return true;
  }
  [[nodiscard]] bool mapped() const noexcept { return mapped_; }

  /// Gives the file its final size (axle::output_file::reserve): from then on each tensor's data
  /// is written with write_at(name, offset, bytes), in any order and any number of pieces, from
  /// any thread (disjoint pieces), and reported complete with filled(name). Nothing is mapped: a
  /// converter writes each piece as it is made, so it holds no more than a piece of its result.
  /// Only before any data was written.
  void reserve() {
    if (placed_) return;
    if (current_ != 0 || written_ != 0) detail::fail(name_, "reserve() after data was written");
    guarded([&] { out_->reserve(static_cast<std::size_t>(total_bytes())); });
    place();
  }
  /// Writes `data` at byte `offset` of tensor `name`'s data (after reserve()); safe from any
  /// thread for disjoint ranges.
  void write_at(std::string_view name, std::uint64_t offset, std::span<const std::byte> data) {
    const std::size_t k = placed_index(name);
    if (offset > sizes_[k] || data.size() > sizes_[k] - offset)
      detail::fail(name_, "tensor " + detail::quote_name(name) + ": " + std::to_string(data.size()) + " bytes at offset " + std::to_string(offset) +
                              " go past its " + std::to_string(sizes_[k]) + " bytes");
    guarded([&] { out_->write_at(static_cast<std::size_t>(offsets_[k] + offset), data); });
  }

  /// Where tensor `name`'s data goes in the mapped file (after map()).
  [[nodiscard]] std::span<std::byte> region(std::string_view name) const {
    if (!mapped_) detail::fail(name_, "region() before map()");
    const std::size_t k = placed_index(name);
    return {base_ + offsets_[k], static_cast<std::size_t>(sizes_[k])};
  }
  /// Brings region(name)'s pages in for writing at once (axle::output_file::populate): call it
  /// just before filling the region, so the pages are held only while they are written.
  void populate(std::string_view name) const {
    if (!mapped_) return;
    const std::size_t k = placed_index(name);
    out_->populate(static_cast<std::size_t>(offsets_[k]), static_cast<std::size_t>(sizes_[k]));
  }
  /// Reports that region(name) holds the tensor's data; safe from any thread.
  void filled(std::string_view name) { filled_[placed_index(name)].store(true, std::memory_order_release); }
  /// Lets the system drop a filled tensor's pages from memory (they stay in the file).
  void release(std::string_view name) const {
    if (!mapped_) return;
    const std::size_t k = placed_index(name);
    out_->release(static_cast<std::size_t>(offsets_[k]), static_cast<std::size_t>(sizes_[k]));
  }

  /// Appends data of tensor `name`, which must be the tensor under way or, once that is complete,
  /// the next one; a tensor's data may come in several chunks. After map(): copies the whole
  /// tensor's data into its region, in any order; after reserve(), writes it at its place.
  void write(std::string_view name, std::span<const std::byte> data) {
    if (placed_) {
      const std::size_t k = placed_index(name);
      if (data.size() != sizes_[k])
        detail::fail(name_, "tensor " + detail::quote_name(name) + ": " + std::to_string(data.size()) + " bytes given for " + std::to_string(sizes_[k]));
      if (mapped_) {
        populate(name);
        if (!data.empty()) std::memcpy(base_ + offsets_[k], data.data(), data.size());
      } else {
        write_at(name, 0, data);
      }
      filled(name);
      return;
    }
    while (current_ < tensors_.size() && written_ == sizes_[current_] && tensors_[current_].name != name) advance();
    if (current_ >= tensors_.size() || tensors_[current_].name != name) {
      const std::string expected = current_ < tensors_.size() ? detail::quote_name(tensors_[current_].name) : std::string("no more data");
      detail::fail(name_, "data for tensor " + detail::quote_name(name) + " given out of order; expected " + expected);
    }
    if (data.size() > sizes_[current_] - written_)
      detail::fail(name_, "tensor " + detail::quote_name(name) + ": " + std::to_string(written_ + data.size()) + " bytes given, but " +
                              std::string(dtype_name(tensors_[current_].dtype)) + " " + detail::shape_text(tensors_[current_].shape) + " takes " +
                              std::to_string(sizes_[current_]));
    guarded([&] { out_->write(data); });
    written_ += data.size();
  }

  /// Checks that every tensor's data is complete, then gives the file its name.
  void commit() {
    if (placed_) {
      for (std::size_t k = 0; k < tensors_.size(); ++k)
        if (!filled_[k].load(std::memory_order_acquire))
          detail::fail(name_, "tensor " + detail::quote_name(tensors_[k].name) + ": its data was not written; the file is not complete");
      guarded([&] { out_->commit(); });
      return;
    }
    while (current_ < tensors_.size() && written_ == sizes_[current_]) advance();
    if (current_ < tensors_.size())
      detail::fail(name_, "tensor " + detail::quote_name(tensors_[current_].name) + ": " + std::to_string(written_) + " of " +
                              std::to_string(sizes_[current_]) + " bytes written; the file is not complete");
    guarded([&] { out_->commit(); });
  }

  /// The header bytes (length, JSON, padding) for tensors already in write order; fills `sizes`
  /// with their byte sizes when given. Throws error naming `file` for a shape that does not fit,
  /// a name that is not UTF-8 or is `__metadata__`, two tensors of one name, or a header over the
  /// format's limit.
  static std::string header(const std::vector<entry>& tensors, const std::optional<std::map<std::string, std::string>>& metadata,
                            std::string_view file, std::vector<std::uint64_t>* sizes = nullptr) {
    std::string json = "{";
    if (metadata) {
      json += "\"__metadata__\":{";
      bool first = true;
      for (const auto& [k, v] : *metadata) {
        { json += (first ? "" : ","); json += detail::json_string(k, file, "metadata key") + ":" + detail::json_string(v, file, "metadata value"); }
        first = false;
      }
      json += "}";
    }
    std::unordered_set<std::string_view> seen;
    std::uint64_t at = 0;
    for (const entry& t : tensors) {
      if (t.name == "__metadata__") detail::fail(file, "a tensor cannot be named '__metadata__' (the header's metadata key)");
      if (!seen.insert(t.name).second) detail::fail(file, "two tensors named " + detail::quote_name(t.name));
      const auto size = byte_size(t.dtype, t.shape);
      if (!size) detail::fail(file, "tensor " + detail::quote_name(t.name) + ": " + std::string(dtype_name(t.dtype)) + " " + detail::shape_text(t.shape) + " has no valid byte size");
      const auto end = axle::detail::checked_add(at, *size);
      if (!end) detail::fail(file, "the tensors' data does not fit in 64 bits");
      if (json.size() > 1) json += ",";
      json += detail::json_string(t.name, file, "tensor name") + ":{\"dtype\":\"" + std::string(dtype_name(t.dtype)) + "\",\"shape\":[";
      for (std::size_t k = 0; k < t.shape.size(); ++k) { json += (k ? "," : ""); json += std::to_string(t.shape[k]); }
      json += "],\"data_offsets\":[" + std::to_string(at) + "," + std::to_string(*end) + "]}";
      at = *end;
      if (sizes) sizes->push_back(*size);
    }
    json += "}";
    json.append((8 - json.size() % 8) % 8, ' ');
    if (json.size() > max_header_bytes)
      detail::fail(file, "the header would take " + std::to_string(json.size()) + " bytes, more than the format's limit of " + std::to_string(max_header_bytes));
    std::string out(8, '\0');
    for (int i = 0; i < 8; ++i) out[static_cast<std::size_t>(i)] = static_cast<char>((json.size() >> (8 * i)) & 0xffu);
    return out + json;
  }

 private:
  void advance() {
    ++current_;
    written_ = 0;
  }
  std::uint64_t total_bytes() const noexcept {
    std::uint64_t total = data_start_;
    for (std::uint64_t n : sizes_) total += n;  // the header checked that the sum fits
    return total;
  }
  /// Every tensor's place in the file, once its size is final (map() or reserve()).
  void place() {
    placed_ = true;
    filled_ = std::make_unique<std::atomic<bool>[]>(tensors_.size());
    std::uint64_t at = data_start_;
    for (std::size_t k = 0; k < tensors_.size(); ++k) {
      offsets_.push_back(at);
      index_.emplace(tensors_[k].name, k);
      at += sizes_[k];
    }
  }
  std::size_t placed_index(std::string_view name) const {
    if (!placed_) detail::fail(name_, "tensor " + detail::quote_name(name) + ": written in place before map() or reserve()");
    const auto it = index_.find(std::string(name));
    if (it == index_.end()) detail::fail(name_, "no tensor " + detail::quote_name(name) + " in this file");
    return it->second;
  }
  template <class F>
  void guarded(F f) {
    try {
      f();
    } catch (const error&) {
      throw;
    } catch (const file_error& e) {
      throw error(e.what());
    }
  }

  std::string name_;
  std::vector<entry> tensors_;
  std::vector<std::uint64_t> sizes_;
  std::optional<output_file> out_;
  std::size_t data_start_ = 0;
  std::size_t current_ = 0;
  std::uint64_t written_ = 0;
  // After map() or reserve():
  bool placed_ = false;
  bool mapped_ = false;
  std::byte* base_ = nullptr;
  std::vector<std::uint64_t> offsets_;
  std::unordered_map<std::string, std::size_t> index_;
  std::unique_ptr<std::atomic<bool>[]> filled_;
};

/// Writes a whole file from tensors whose data is in memory: `data[k]` holds the bytes of
/// `tensors[k]`.
inline void write(const std::filesystem::path& path, const std::vector<entry>& tensors, const std::vector<std::span<const std::byte>>& data,
                  std::optional<std::map<std::string, std::string>> metadata = std::nullopt, write_options options = {}) {
  if (data.size() != tensors.size())
    detail::fail(path.string(), std::to_string(tensors.size()) + " tensors but " + std::to_string(data.size()) + " data buffers");
  std::unordered_map<std::string_view, std::size_t> at;
  for (std::size_t k = 0; k < tensors.size(); ++k) at.emplace(tensors[k].name, k);
  writer w(path, tensors, std::move(metadata), options);
  for (const entry& t : w.order()) w.write(t.name, data[at.at(t.name)]);
  w.commit();
}

// --- sharded checkpoints -------------------------------------------------------------------------

/// The name of the index file of a sharded checkpoint (huggingface_hub constants.py, SAFETENSORS_INDEX_FILE).
inline constexpr std::string_view index_file_name = "model.safetensors.index.json";

/// A `model.safetensors.index.json`: which shard holds each tensor, in the index's order, and the
/// index's metadata (`total_size` and any other keys, each kept as its JSON text).
struct index {
  std::vector<std::pair<std::string, std::string>> weight_map;  // tensor → shard file name
  std::map<std::string, std::string> metadata;                  // key → JSON text of its value
  /// metadata "total_size", when it is a whole number. huggingface_hub sums storage sizes there,
  /// which may exceed the tensors' bytes, so it is informative only.
  [[nodiscard]] std::optional<std::uint64_t> total_size() const {
    const auto it = metadata.find("total_size");
    if (it == metadata.end()) return std::nullopt;
    try {
      return detail::whole(detail::json::parse(it->second));
    } catch (const detail::json::exception&) {
      return std::nullopt;
    }
  }
};

/// Reads and checks an index: an object with an object `weight_map` of tensor → shard file name
/// (a plain name in the index's directory, ending in .safetensors) and an optional object
/// `metadata`; other top-level keys are ignored; duplicate keys are refused.
[[nodiscard]] inline index parse_index(std::string_view text, std::string_view file) {
  const detail::json doc = detail::strict_json::parse(text, 64, file, "index");
  if (!doc.is_object()) detail::fail(file, "the index is " + detail::kind_of(doc) + ", not an object");
  index ix;
  if (doc.contains("metadata")) {
    const detail::json& m = doc["metadata"];
    if (!m.is_object()) detail::fail(file, "\"metadata\" is " + detail::kind_of(m) + ", not an object");
    for (const auto& [k, v] : m.items()) ix.metadata.emplace(k, v.dump());
  }
  if (!doc.contains("weight_map")) detail::fail(file, "no \"weight_map\": not a safetensors index");
  const detail::json& w = doc["weight_map"];
  if (!w.is_object()) detail::fail(file, "\"weight_map\" is " + detail::kind_of(w) + ", not an object of tensor → shard file");
  for (const auto& [tensor, shard] : w.items()) {
    if (!shard.is_string()) detail::fail(file, "weight_map: tensor " + detail::quote_name(tensor) + " maps to " + detail::kind_of(shard) + ", not a file name");
    const std::string s = shard.get<std::string>();
    const std::filesystem::path p(s);
    if (s.empty() || p.has_parent_path() || s == "." || s == ".." || s.find('/') != std::string::npos || s.find('\0') != std::string::npos ||
        p.extension() != ".safetensors")
      detail::fail(file, "weight_map: tensor " + detail::quote_name(tensor) + " maps to " + detail::quote_name(s) +
                             ", not a .safetensors file name in the index's directory");
    ix.weight_map.emplace_back(tensor, s);
  }
  return ix;
}

[[nodiscard]] inline index read_index(const std::filesystem::path& path) {
  mapped_file m;
  try {
    m = mapped_file(path);
  } catch (const file_error& e) {
    throw error(e.what());
  }
  const auto b = m.bytes();
  return parse_index(std::string_view(reinterpret_cast<const char*>(b.data()), b.size()), path.string());
}

/// The index's text as transformers writes it (`json.dumps(index, indent=2, sort_keys=True) + "\n"`,
/// src/transformers/modeling_utils.py, save_pretrained): keys sorted, ASCII with \u escapes.
[[nodiscard]] inline std::string index_text(const index& ix, std::string_view file = "index") {
  nlohmann::json doc = nlohmann::json::object();
  nlohmann::json meta = nlohmann::json::object();
  for (const auto& [k, v] : ix.metadata) {
    try {
      meta[k] = nlohmann::json::parse(v);
    } catch (const nlohmann::json::exception&) {
      detail::fail(file, "metadata " + detail::quote_name(k) + " is not JSON: " + detail::quote_name(v));
    }
  }
  nlohmann::json map = nlohmann::json::object();
  for (const auto& [t, s] : ix.weight_map) {
    if (map.contains(t)) detail::fail(file, "weight_map lists tensor " + detail::quote_name(t) + " twice");
    map[t] = s;
  }
  doc["metadata"] = std::move(meta);
  doc["weight_map"] = std::move(map);
  try {
    return doc.dump(2, ' ', true) + "\n";
  } catch (const nlohmann::json::exception&) {
    detail::fail(file, "a tensor or shard name is not valid UTF-8");
  }
}

inline void write_index(const std::filesystem::path& path, const index& ix, write_options options = {}) {
  const std::string text = index_text(ix, path.string());
  try {
    output_file out(path, options);
    out.write(text);
    out.commit();
  } catch (const error&) {
    throw;
  } catch (const file_error& e) {
    throw error(e.what());
  }
}

/// Splits tensors of the given byte sizes, in order, into shards of at most `max_shard_bytes`
/// each, as huggingface_hub does (serialization/_base.py, split_state_dict_into_shards_factory):
/// a tensor that does not fit in the shard being filled starts a new one, a tensor larger than
/// the maximum gets a shard of its own, placed at once. Returns each tensor's shard (from 0).
[[nodiscard]] inline std::vector<std::size_t> shard_plan(std::span<const std::uint64_t> sizes, std::uint64_t max_shard_bytes) {
  std::vector<std::size_t> shard(sizes.size());
  std::vector<std::size_t> open;
  std::uint64_t open_size = 0;
  std::vector<std::vector<std::size_t>> placed;
  for (std::size_t k = 0; k < sizes.size(); ++k) {
    if (sizes[k] > max_shard_bytes) {
      placed.push_back({k});
      continue;
    }
    if (!open.empty() && open_size + sizes[k] > max_shard_bytes) {
      placed.push_back(std::move(open));
      open.clear();
      open_size = 0;
    }
    open.push_back(k);
    open_size += sizes[k];
  }
  if (!open.empty()) placed.push_back(std::move(open));
  for (std::size_t s = 0; s < placed.size(); ++s)
    for (std::size_t k : placed[s]) shard[k] = s;
  return shard;
}

/// The file name of shard `k` (from 0) of `n`: `model-00001-of-00002.safetensors` for the prefix
/// `model` (huggingface_hub constants.py, SAFETENSORS_WEIGHTS_FILE_PATTERN, with the suffix of
/// serialization/_base.py).
[[nodiscard]] inline std::string shard_name(std::size_t k, std::size_t n, std::string_view prefix = "model") {
  auto five = [](std::size_t v) {
    std::string s = std::to_string(v);
    return std::string(s.size() < 5 ? 5 - s.size() : 0, '0') + s;
  };
  return std::string(prefix) + "-" + five(k + 1) + "-of-" + five(n) + ".safetensors";
}

/// A checkpoint of one file or of shards under an index; shards open the first time one of their
/// tensors is needed. Safe to use from several threads.
class checkpoint {
 public:
  /// A `.safetensors` file, or an index (`*.json`) whose shards are in its directory.
  explicit checkpoint(const std::filesystem::path& path) : path_(path) {
    if (path.extension() == ".json") {
      index_ = read_index(path);
      dir_ = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
      for (const auto& [tensor, shard] : index_->weight_map) {
        if (!shard_of_.emplace(tensor, shard).second) detail::fail(path.string(), "weight_map lists tensor " + detail::quote_name(tensor) + " twice");
        names_.push_back(tensor);
        if (std::find(shard_names_.begin(), shard_names_.end(), shard) == shard_names_.end()) shard_names_.push_back(shard);
      }
    } else {
      auto f = std::make_unique<file>(path);
      names_ = f->names();
      const std::string shard = path.filename().string();
      for (const std::string& n : names_) shard_of_.emplace(n, shard);
      shard_names_.push_back(shard);
      dir_ = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
      shards_.emplace(shard, std::move(f));
    }
  }

  [[nodiscard]] bool sharded() const noexcept { return index_.has_value(); }
  /// The index, for a sharded checkpoint.
  [[nodiscard]] const std::optional<safetensors::index>& index_data() const noexcept { return index_; }
  /// Tensor names: a single file's in data order, a sharded checkpoint's in the index's order.
  [[nodiscard]] const std::vector<std::string>& names() const noexcept { return names_; }
  [[nodiscard]] bool contains(std::string_view name) const { return shard_of_.find(std::string(name)) != shard_of_.end(); }
  /// Shard file names, in order of first appearance.
  [[nodiscard]] const std::vector<std::string>& shards() const noexcept { return shard_names_; }
  /// The shard file name that holds a tensor.
  [[nodiscard]] const std::string& shard_of(std::string_view name) const { return shard_of_.at(known(name)); }
  /// The file that holds a tensor, opened (and validated) on first use.
  [[nodiscard]] const file& file_of(std::string_view name) const { return open(shard_of(name)); }
  [[nodiscard]] const tensor_info& info(std::string_view name) const { return file_of(name).info(name); }
  [[nodiscard]] std::span<const std::byte> bytes(std::string_view name) const { return file_of(name).bytes(name); }
  [[nodiscard]] std::optional<stamp> layout_stamp(std::string_view name) const { return file_of(name).layout_stamp(name); }
  template <class T, layout_type L, std::same_as<axis_size>... Known>
  [[nodiscard]] tensor_view<T, L> view(std::string_view name, Known... known) const {
    return file_of(name).template view<T, L>(name, known...);
  }
  template <class T, layout_type L, std::same_as<axis_size>... Known>
  [[nodiscard]] tensor<std::remove_const_t<T>, L> copy(std::string_view name, Known... known) const {
    return file_of(name).template copy<T, L>(name, known...);
  }
  /// The metadata of the file holding the first tensor (a sharded checkpoint's shards usually
  /// share theirs), or of the single file; empty for a checkpoint without tensors.
  [[nodiscard]] std::map<std::string, std::string> metadata() const {
    if (!index_) return shards_.begin()->second->metadata();
    if (names_.empty()) return {};
    return file_of(names_.front()).metadata();
  }
  /// Opens every shard now (validating all of them).
  void open_all() const {
    for (const std::string& s : shard_names_) static_cast<void>(open(s));
  }

 private:
  const std::string& known(std::string_view name) const {
    const auto it = shard_of_.find(std::string(name));
    if (it != shard_of_.end()) return it->first;
    std::string hint;
    const auto close = axle::close_matches(name, names_);
    for (std::size_t k = 0; k < close.size(); ++k) { hint += (k ? ", " : "; did you mean "); hint += detail::quote_name(close[k]); }
    detail::fail(path_.string(), "no tensor " + detail::quote_name(name) + hint + (hint.empty() ? "" : "?"));
  }

  const file& open(const std::string& shard) const {
    std::lock_guard<std::mutex> lock(*mutex_);
    if (const auto it = shards_.find(shard); it != shards_.end()) return *it->second;
    auto f = std::make_unique<file>(dir_ / shard);
    // The shard must hold exactly what the index assigns to it.
    std::size_t assigned = 0;
    for (const auto& [tensor, s] : index_->weight_map) {
      if (s != shard) continue;
      ++assigned;
      if (!f->contains(tensor))
        detail::fail(path_.string(), "weight_map puts tensor " + detail::quote_name(tensor) + " in " + detail::quote_name(shard) + ", which does not hold it");
    }
    if (assigned != f->names().size())
      for (const std::string& n : f->names())
        if (const auto it = shard_of_.find(n); it == shard_of_.end() || it->second != shard)
          detail::fail(path_.string(), "shard " + detail::quote_name(shard) + " holds tensor " + detail::quote_name(n) + ", which weight_map " +
                                           (it == shard_of_.end() ? std::string("does not list") : "puts in " + detail::quote_name(it->second)));
    return *shards_.emplace(shard, std::move(f)).first->second;
  }

  std::filesystem::path path_;
  std::filesystem::path dir_;
  std::optional<safetensors::index> index_;
  std::vector<std::string> names_;
  std::vector<std::string> shard_names_;
  std::unordered_map<std::string, std::string> shard_of_;
  mutable std::map<std::string, std::unique_ptr<file>> shards_;
  std::unique_ptr<std::mutex> mutex_ = std::make_unique<std::mutex>();
};

}  // namespace axle::safetensors
