// tests/conformance/fixtures.hpp — loader for the conformance fixture manifests.
//
// Two manifests, both in the line format described in
// tests/conformance/README.md:
//   fixtures/torch/manifest.txt  cases generated from PyTorch (generate_torch.py)
//   fixtures/onnx/manifest.txt   ONNX's own node test vectors (export_onnx.py)
//
// The loaders validate the manifest strictly (unknown or duplicate keys,
// missing keys, malformed integers and inconsistent vector lengths are errors
// naming the file and line) and resolve the .npy paths relative to the
// manifest.  They do not read the arrays; call load() on a path for that.
#pragma once

#include <axle/npy.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace axle::conformance {

class manifest_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class op_kind { conv, conv_transpose };

inline std::string_view to_string(op_kind k) noexcept {
  return k == op_kind::conv ? "conv" : "conv_transpose";
}

// One PyTorch case.  Weight layout is PyTorch's own:
//   conv            w: (out_channels, in_channels/groups, kernel...)
//   conv_transpose  w: (in_channels, out_channels/groups, kernel...)
// x: (batch, in_channels, in...), y: (batch, out_channels, out...).
// Padding is effective per-side padding; for conv_transpose it is the amount
// cropped from the full output, output_padding is added at the high end.
struct torch_case {
  std::string name;
  op_kind op = op_kind::conv;
  std::size_t spatial = 0;
  std::size_t batch = 0;
  std::size_t in_channels = 0;
  std::size_t out_channels = 0;
  std::size_t groups = 1;
  std::vector<std::size_t> in;  // input spatial sizes
  std::vector<std::size_t> kernel;
  std::vector<std::size_t> stride;
  std::vector<std::size_t> dilation;
  std::vector<std::size_t> pad_lo;
  std::vector<std::size_t> pad_hi;
  std::vector<std::size_t> output_padding;  // zeros for conv
  std::vector<std::size_t> out;             // output spatial sizes
  std::string padding;                      // how torch was called: none, symmetric, fpad, same, crop
  std::string call;                         // the torch call, for humans
  std::filesystem::path x, w, y;            // resolved .npy paths

  std::vector<std::size_t> x_shape() const { return with_prefix(batch, in_channels, in); }
  std::vector<std::size_t> y_shape() const { return with_prefix(batch, out_channels, out); }
  std::vector<std::size_t> w_shape() const {
    return op == op_kind::conv ? with_prefix(out_channels, in_channels / groups, kernel)
                               : with_prefix(in_channels, out_channels / groups, kernel);
  }

 private:
  static std::vector<std::size_t> with_prefix(std::size_t a, std::size_t b, const std::vector<std::size_t>& rest) {
    std::vector<std::size_t> s{a, b};
    s.insert(s.end(), rest.begin(), rest.end());
    return s;
  }
};

// One ONNX node test case.  Attributes absent from the node are nullopt.
struct onnx_case {
  std::string name;
  op_kind op = op_kind::conv;
  std::string op_type;  // "Conv" or "ConvTranspose"
  int opset = 0;
  std::string source;  // where ONNX defines it
  std::vector<std::string> node_inputs;

  std::optional<std::string> auto_pad;
  std::optional<std::vector<std::int64_t>> dilations;
  std::optional<std::int64_t> group;
  std::optional<std::vector<std::int64_t>> kernel_shape;
  std::optional<std::vector<std::int64_t>> output_padding;
  std::optional<std::vector<std::int64_t>> output_shape;
  std::optional<std::vector<std::int64_t>> pads;
  std::optional<std::vector<std::int64_t>> strides;

  std::filesystem::path x, w, y;
  std::optional<std::filesystem::path> b;
  std::vector<std::size_t> x_shape, w_shape, y_shape;
  std::optional<std::vector<std::size_t>> b_shape;

  std::size_t spatial() const noexcept { return x_shape.size() >= 2 ? x_shape.size() - 2 : 0; }
};

template <class Case>
struct manifest {
  std::filesystem::path path;
  std::string kind;       // "torch" or "onnx"
  std::string generator;  // versions of the tools that produced it
  std::vector<Case> cases;
};

inline npy::array load(const std::filesystem::path& p) {
  return npy::read(p);
}

namespace detail {

struct entry {
  std::string key;
  std::string value;
  std::size_t line = 0;
};

struct block {
  std::string name;
  std::size_t line = 0;
  std::vector<entry> entries;
};

struct raw_manifest {
  std::filesystem::path path;
  std::map<std::string, entry> top;
  std::vector<block> blocks;
};

inline std::string trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(" \t\r");
  return std::string(s.substr(b, e - b + 1));
}

[[noreturn]] inline void fail(const std::filesystem::path& p, std::size_t line, const std::string& what) {
  throw manifest_error(p.string() + (line ? ":" + std::to_string(line) : std::string()) + ": " + what);
}

inline raw_manifest read_raw(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw manifest_error(path.string() + ": cannot open manifest");
  raw_manifest m;
  m.path = path;
  std::optional<block> current;
  std::string text;
  std::size_t n = 0;
  while (std::getline(in, text)) {
    ++n;
    const std::string line = trim(text);
    if (line.empty() || line.front() == '#') continue;
    const auto sp = line.find_first_of(" \t");
    entry e{line.substr(0, sp), sp == std::string::npos ? std::string() : trim(line.substr(sp)), n};
    if (e.key == "case") {
      if (current) fail(path, n, "'case' inside case '" + current->name + "' (missing 'end')");
      if (e.value.empty() || e.value.find_first_of(" \t") != std::string::npos)
        fail(path, n, "'case' needs a single name");
      for (const auto& b : m.blocks)
        if (b.name == e.value) fail(path, n, "duplicate case '" + e.value + "'");
      current = block{e.value, n, {}};
    } else if (e.key == "end") {
      if (!current) fail(path, n, "'end' outside a case");
      m.blocks.push_back(std::move(*current));
      current.reset();
    } else if (current) {
      for (const auto& prev : current->entries)
        if (prev.key == e.key) fail(path, n, "duplicate key '" + e.key + "' in case '" + current->name + "'");
      current->entries.push_back(std::move(e));
    } else {
      if (m.top.count(e.key)) fail(path, n, "duplicate key '" + e.key + "'");
      m.top.emplace(e.key, std::move(e));
    }
  }
  if (current) fail(path, current->line, "case '" + current->name + "' has no 'end'");
  return m;
}

inline std::int64_t parse_int(const std::filesystem::path& p, const entry& e, std::string_view tok) {
  std::size_t i = 0;
  bool neg = false;
  if (i < tok.size() && (tok[i] == '-' || tok[i] == '+')) neg = tok[i++] == '-';
  if (i == tok.size()) fail(p, e.line, "'" + e.key + "': expected an integer, found '" + std::string(tok) + "'");
  std::int64_t v = 0;
  for (; i < tok.size(); ++i) {
    if (tok[i] < '0' || tok[i] > '9')
      fail(p, e.line, "'" + e.key + "': expected an integer, found '" + std::string(tok) + "'");
    if (v > (std::numeric_limits<std::int64_t>::max() - (tok[i] - '0')) / 10)
      fail(p, e.line, "'" + e.key + "': integer out of range");
    v = v * 10 + (tok[i] - '0');
  }
  return neg ? -v : v;
}

inline std::vector<std::int64_t> parse_ints(const std::filesystem::path& p, const entry& e) {
  std::vector<std::int64_t> out;
  std::string_view s = e.value;
  while (!s.empty()) {
    const auto b = s.find_first_not_of(" \t");
    if (b == std::string_view::npos) break;
    s.remove_prefix(b);
    const auto end = s.find_first_of(" \t");
    out.push_back(parse_int(p, e, s.substr(0, end)));
    s.remove_prefix(end == std::string_view::npos ? s.size() : end);
  }
  return out;
}

inline std::vector<std::size_t> parse_sizes(const std::filesystem::path& p, const entry& e) {
  std::vector<std::size_t> out;
  for (auto v : parse_ints(p, e)) {
    if (v < 0) fail(p, e.line, "'" + e.key + "': negative value " + std::to_string(v));
    out.push_back(static_cast<std::size_t>(v));
  }
  return out;
}

// Key lookup within a case with "missing"/"unknown" checks.
class case_reader {
 public:
  case_reader(const raw_manifest& m, const block& b, std::set<std::string> allowed,
              std::string_view prefix_allowed = {})
      : m_(m), b_(b) {
    for (const auto& e : b.entries)
      if (!allowed.count(e.key) && (prefix_allowed.empty() || e.key.rfind(prefix_allowed, 0) != 0))
        fail(m.path, e.line, "unknown key '" + e.key + "' in case '" + b.name + "'");
  }

  const entry* find(std::string_view key) const {
    for (const auto& e : b_.entries)
      if (e.key == key) return &e;
    return nullptr;
  }
  const entry& need(std::string_view key) const {
    if (const auto* e = find(key)) return *e;
    fail(m_.path, b_.line, "case '" + b_.name + "' has no '" + std::string(key) + "'");
  }
  std::string str(std::string_view key) const {
    const auto& e = need(key);
    if (e.value.empty()) fail(m_.path, e.line, "'" + e.key + "' is empty");
    return e.value;
  }
  std::size_t size(std::string_view key) const {
    const auto& e = need(key);
    const auto v = parse_sizes(m_.path, e);
    if (v.size() != 1) fail(m_.path, e.line, "'" + e.key + "': expected one integer");
    return v[0];
  }
  std::vector<std::size_t> sizes(std::string_view key, std::optional<std::size_t> count = {}) const {
    const auto& e = need(key);
    auto v = parse_sizes(m_.path, e);
    if (count && v.size() != *count)
      fail(m_.path, e.line,
           "'" + e.key + "': expected " + std::to_string(*count) + " values, found " + std::to_string(v.size()));
    return v;
  }
  std::filesystem::path file(std::string_view key) const {
    return m_.path.parent_path() / std::filesystem::path(str(key));
  }
  op_kind op(std::string_view key, std::string_view conv, std::string_view transpose) const {
    const auto& e = need(key);
    if (e.value == conv) return op_kind::conv;
    if (e.value == transpose) return op_kind::conv_transpose;
    fail(m_.path, e.line,
         "'" + e.key + "': expected " + std::string(conv) + " or " + std::string(transpose) + ", found '" + e.value +
             "'");
  }

 private:
  const raw_manifest& m_;
  const block& b_;
};

template <class Case>
manifest<Case> start(const raw_manifest& raw, std::string_view kind) {
  manifest<Case> m;
  m.path = raw.path;
  for (const auto& [key, e] : raw.top)
    if (key != "format" && key != "kind" && key != "generator" && key != "cases")
      fail(raw.path, e.line, "unknown key '" + key + "'");
  auto top = [&](const char* key) -> const entry& {
    const auto it = raw.top.find(key);
    if (it == raw.top.end()) fail(raw.path, 0, std::string("missing '") + key + "'");
    return it->second;
  };
  if (top("format").value != "axle-conformance-manifest 1")
    fail(raw.path, top("format").line, "unsupported format '" + top("format").value + "'");
  m.kind = top("kind").value;
  if (m.kind != kind)
    fail(raw.path, top("kind").line, "expected a " + std::string(kind) + " manifest, found kind '" + m.kind + "'");
  if (const auto it = raw.top.find("generator"); it != raw.top.end()) m.generator = it->second.value;
  const auto& count = top("cases");
  const auto n = parse_sizes(raw.path, count);
  if (n.size() != 1 || n[0] != raw.blocks.size())
    fail(raw.path, count.line,
         "'cases " + count.value + "' but the manifest has " + std::to_string(raw.blocks.size()) + " cases");
  return m;
}

}  // namespace detail

inline manifest<torch_case> load_torch_manifest(const std::filesystem::path& path) {
  const auto raw = detail::read_raw(path);
  auto m = detail::start<torch_case>(raw, "torch");
  for (const auto& b : raw.blocks) {
    const detail::case_reader r(
        raw, b,
        {"op", "spatial", "batch", "in_channels", "out_channels", "groups", "in", "kernel", "stride", "dilation",
         "pad_lo", "pad_hi", "output_padding", "out", "padding", "x", "w", "y", "call"});
    torch_case c;
    c.name = b.name;
    c.op = r.op("op", "conv", "conv_transpose");
    c.spatial = r.size("spatial");
    if (c.spatial < 1 || c.spatial > 3) detail::fail(path, r.need("spatial").line, "'spatial' must be 1, 2 or 3");
    c.batch = r.size("batch");
    c.in_channels = r.size("in_channels");
    c.out_channels = r.size("out_channels");
    c.groups = r.size("groups");
    if (c.groups == 0 || c.in_channels % c.groups || c.out_channels % c.groups)
      detail::fail(path, r.need("groups").line, "groups must divide in_channels and out_channels");
    c.in = r.sizes("in", c.spatial);
    c.kernel = r.sizes("kernel", c.spatial);
    c.stride = r.sizes("stride", c.spatial);
    c.dilation = r.sizes("dilation", c.spatial);
    c.pad_lo = r.sizes("pad_lo", c.spatial);
    c.pad_hi = r.sizes("pad_hi", c.spatial);
    c.output_padding = r.sizes("output_padding", c.spatial);
    c.out = r.sizes("out", c.spatial);
    c.padding = r.str("padding");
    c.call = r.str("call");
    c.x = r.file("x");
    c.w = r.file("w");
    c.y = r.file("y");
    m.cases.push_back(std::move(c));
  }
  return m;
}

inline manifest<onnx_case> load_onnx_manifest(const std::filesystem::path& path) {
  const auto raw = detail::read_raw(path);
  auto m = detail::start<onnx_case>(raw, "onnx");
  static const std::set<std::string> attributes = {"attr.auto_pad",     "attr.dilations",      "attr.group",
                                                   "attr.kernel_shape", "attr.output_padding", "attr.output_shape",
                                                   "attr.pads",         "attr.strides"};
  for (const auto& b : raw.blocks) {
    std::set<std::string> allowed = {"op", "opset",   "source", "node_inputs", "x", "x_shape",
                                     "w",  "w_shape", "b",      "b_shape",     "y", "y_shape"};
    allowed.insert(attributes.begin(), attributes.end());
    const detail::case_reader r(raw, b, allowed);
    onnx_case c;
    c.name = b.name;
    c.op_type = r.str("op");
    c.op = r.op("op", "Conv", "ConvTranspose");
    const auto opset = r.size("opset");
    if (opset > 1000) detail::fail(path, r.need("opset").line, "'opset' out of range");
    c.opset = static_cast<int>(opset);
    if (const auto* e = r.find("source")) c.source = e->value;
    if (const auto* e = r.find("node_inputs")) {
      std::string_view s = e->value;
      while (!s.empty()) {
        const auto sp = s.find(' ');
        if (sp != 0) c.node_inputs.emplace_back(s.substr(0, sp));
        s.remove_prefix(sp == std::string_view::npos ? s.size() : sp + 1);
      }
    }
    auto ints = [&](const char* key) -> std::optional<std::vector<std::int64_t>> {
      if (const auto* e = r.find(key)) return detail::parse_ints(path, *e);
      return std::nullopt;
    };
    if (const auto* e = r.find("attr.auto_pad")) c.auto_pad = e->value;
    c.dilations = ints("attr.dilations");
    if (const auto g = ints("attr.group")) {
      if (g->size() != 1) detail::fail(path, r.need("attr.group").line, "'attr.group': expected one integer");
      c.group = g->front();
    }
    c.kernel_shape = ints("attr.kernel_shape");
    c.output_padding = ints("attr.output_padding");
    c.output_shape = ints("attr.output_shape");
    c.pads = ints("attr.pads");
    c.strides = ints("attr.strides");
    c.x = r.file("x");
    c.w = r.file("w");
    c.y = r.file("y");
    c.x_shape = r.sizes("x_shape");
    c.w_shape = r.sizes("w_shape");
    c.y_shape = r.sizes("y_shape");
    if (r.find("b")) {
      c.b = r.file("b");
      c.b_shape = r.sizes("b_shape");
    } else if (const auto* e = r.find("b_shape")) {
      detail::fail(path, e->line, "'b_shape' without 'b'");
    }
    if (c.x_shape.size() < 3 || c.x_shape.size() > 5)
      detail::fail(path, r.need("x_shape").line, "'x_shape' must have 3 to 5 dimensions");
    m.cases.push_back(std::move(c));
  }
  return m;
}

}  // namespace axle::conformance
