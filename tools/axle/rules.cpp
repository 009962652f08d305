// axle convert-checkpoint — rules: patterns, the TOML reader, presets, matching, ops.
#include "rules.hpp"

#include <axle/catalogue.hpp>
#include <axle/text.hpp>

#include <fmt/format.h>
#include <toml.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace axle::cli {

namespace {

bool is_capture_name(std::string_view s) {
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

}  // namespace

// --- patterns -----------------------------------------------------------------------------------

name_pattern::name_pattern(std::string_view text, std::string_view where) : text_(text) {
  if (text.empty()) throw tool_error(fmt::format("{}: an empty pattern", where));
  std::size_t k = 0;
  while (k < text.size()) {
    const char c = text[k];
    if (c == '{') {
      const std::size_t close = text.find('}', k);
      if (close == std::string_view::npos) throw tool_error(fmt::format("{}: pattern {}: '{{' without '}}'", where, echo(text)));
      std::string_view inside = text.substr(k + 1, close - k - 1);
      piece p;
      p.kind = piece::one_part;
      if (!inside.empty() && inside.back() == '*') {
        p.kind = piece::any;
        inside.remove_suffix(1);
      }
      if (!is_capture_name(inside))
        throw tool_error(fmt::format("{}: pattern {}: {} is not a capture name (letters, digits and _, as in {{n}} or {{prefix*}})", where,
                                     echo(text), echo(inside)));
      p.capture = std::string(inside);
      if (std::find(captures_.begin(), captures_.end(), p.capture) != captures_.end())
        throw tool_error(fmt::format("{}: pattern {} captures {{{}}} twice", where, echo(text), p.capture));
      if (!pieces_.empty() && pieces_.back().kind != piece::literal)
        throw tool_error(fmt::format("{}: pattern {}: two captures or wildcards side by side cannot be told apart", where, echo(text)));
      captures_.push_back(p.capture);
      pieces_.push_back(std::move(p));
      k = close + 1;
    } else if (c == '}') {
      throw tool_error(fmt::format("{}: pattern {}: '}}' without '{{'", where, echo(text)));
    } else if (c == '*') {
      piece p;
      p.kind = piece::one_part;
      ++k;
      if (k < text.size() && text[k] == '*') {
        p.kind = piece::any;
        ++k;
      }
      if (!pieces_.empty() && pieces_.back().kind != piece::literal)
        throw tool_error(fmt::format("{}: pattern {}: two captures or wildcards side by side cannot be told apart", where, echo(text)));
      pieces_.push_back(std::move(p));
    } else {
      if (pieces_.empty() || pieces_.back().kind != piece::literal) pieces_.push_back(piece{});
      pieces_.back().text += c;
      ++k;
    }
  }
}

bool name_pattern::match_from(std::size_t p, std::string_view name, std::size_t at, std::map<std::string, std::string>& out) const {
  if (p == pieces_.size()) return at == name.size();
  const piece& x = pieces_[p];
  if (x.kind == piece::literal) {
    if (name.substr(at, x.text.size()) != x.text) return false;
    return match_from(p + 1, name, at + x.text.size(), out);
  }
  // One or more characters; the shortest that lets the rest match (no dots for one part).
  for (std::size_t end = at + 1; end <= name.size(); ++end) {
    if (x.kind == piece::one_part && name[end - 1] == '.') break;
    if (match_from(p + 1, name, end, out)) {
      if (!x.capture.empty()) out[x.capture] = std::string(name.substr(at, end - at));
      return true;
    }
  }
  return false;
}

std::optional<std::map<std::string, std::string>> name_pattern::match(std::string_view name) const {
  std::map<std::string, std::string> out;
  if (!match_from(0, name, 0, out)) return std::nullopt;
  return out;
}

name_template::name_template(std::string_view text, const std::vector<std::string>& captures, std::string_view where) : text_(text) {
  if (text.empty()) throw tool_error(fmt::format("{}: an empty name", where));
  std::size_t k = 0;
  while (k < text.size()) {
    if (text[k] == '{') {
      const std::size_t close = text.find('}', k);
      if (close == std::string_view::npos) throw tool_error(fmt::format("{}: name {}: '{{' without '}}'", where, echo(text)));
      const std::string name(text.substr(k + 1, close - k - 1));
      if (std::find(captures.begin(), captures.end(), name) == captures.end())
        throw tool_error(fmt::format("{}: name {} uses {{{}}}, which the rule's match does not capture", where, echo(text), axle::escaped(name)));
      parts_.emplace_back(true, name);
      k = close + 1;
    } else if (text[k] == '}') {
      throw tool_error(fmt::format("{}: name {}: '}}' without '{{'", where, echo(text)));
    } else {
      if (parts_.empty() || parts_.back().first) parts_.emplace_back(false, std::string());
      parts_.back().second += text[k++];
    }
  }
}

std::string name_template::fill(const std::map<std::string, std::string>& captures) const {
  std::string out;
  for (const auto& [capture, text] : parts_) out += capture ? captures.at(text) : text;
  return out;
}

// --- reading rules ------------------------------------------------------------------------------

namespace {

/// "rules.toml:12" for a value of the file.
std::string where(const std::string& file, const toml::value& v) {
  const auto loc = v.location();
  return loc.line() > 0 ? fmt::format("{}:{}", file, loc.line()) : file;
}

/// toml11's messages span several lines with the source quoted: one line, "file:line: what".
std::string toml_error_line(const std::string& file, const std::string& what) {
  std::string first = what.substr(0, what.find('\n'));
  if (first.rfind("[error] ", 0) == 0) first = first.substr(8);
  if (const std::size_t colon = first.find(": "); first.rfind("toml::", 0) == 0 && colon != std::string::npos) first = first.substr(colon + 2);
  // The first quoted source line: " 6 | match='x'".
  std::istringstream in(what);
  std::string line;
  std::string number;
  std::getline(in, line);
  while (std::getline(in, line)) {
    const std::size_t bar = line.find(" | ");
    if (bar == std::string::npos) continue;
    std::string n = line.substr(0, bar);
    n.erase(0, n.find_first_not_of(' '));
    if (!n.empty() && std::all_of(n.begin(), n.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      number = n;
      break;
    }
  }
  return (number.empty() ? file : file + ":" + number) + ": " + axle::escaped(first, 200);
}

std::vector<int> read_ndims(const toml::value& v, const std::string& at) {
  std::vector<int> out;
  auto one = [&](const toml::value& x) {
    if (!x.is_integer() || x.as_integer() < 0 || x.as_integer() > 64)
      throw tool_error(fmt::format("{}: ndim is {}, not a rank from 0 to 64", at, axle::escaped(toml::format(x), 40)));
    out.push_back(static_cast<int>(x.as_integer()));
  };
  if (v.is_array())
    for (const toml::value& x : v.as_array()) one(x);
  else
    one(v);
  return out;
}

std::string read_string(const toml::value& v, const std::string& key, const std::string& at) {
  if (!v.is_string()) throw tool_error(fmt::format("{}: {} must be a string", at, key));
  return v.as_string().str;
}

std::vector<sibling> read_siblings(const toml::value& v, const std::string& key, const std::vector<std::string>& captures, const std::string& at) {
  if (!v.is_array()) throw tool_error(fmt::format("{}: {} must be a list of names", at, key));
  std::vector<sibling> out;
  for (const toml::value& x : v.as_array()) {
    sibling s;
    if (x.is_string()) {
      s.name = name_template(x.as_string().str, captures, at);
    } else if (x.is_table()) {
      for (const auto& [k, _] : x.as_table())
        if (k != "name" && k != "ndim") throw tool_error(fmt::format("{}: {}: unknown key {} (name, ndim)", at, key, echo(k)));
      if (!x.contains("name")) throw tool_error(fmt::format("{}: {}: an entry needs a name", at, key));
      s.name = name_template(read_string(x.at("name"), key + ".name", at), captures, at);
      if (x.contains("ndim")) s.ndim = read_ndims(x.at("ndim"), at);
    } else {
      throw tool_error(fmt::format("{}: {} must be a list of names or of {{ name, ndim }}", at, key));
    }
    out.push_back(std::move(s));
  }
  return out;
}

rule read_rule(const toml::value& t, const std::string& file) {
  const std::string at = where(file, t);
  if (!t.is_table()) throw tool_error(fmt::format("{}: a [[rule]] must be a table", at));
  static const std::vector<std::string_view> keys{"match", "ndim", "with", "without", "from", "to", "groups", "sizes", "rename", "drop", "unit_axes", "ask"};
  for (const auto& [k, _] : t.as_table())
    if (std::find(keys.begin(), keys.end(), k) == keys.end()) {
      const auto close = axle::close_matches(k, keys, 1);
      throw tool_error(fmt::format("{}: unknown key {} in a rule{}", at, echo(k), close.empty() ? "" : fmt::format("; did you mean {}?", close[0])));
    }
  rule r;
  r.origin = at;
  if (!t.contains("match")) throw tool_error(fmt::format("{}: a rule needs match = \"<name pattern>\"", at));
  r.match = name_pattern(read_string(t.at("match"), "match", at), at);
  if (t.contains("ndim")) r.ndim = read_ndims(t.at("ndim"), at);
  if (t.contains("with")) r.with = read_siblings(t.at("with"), "with", r.match.captures(), at);
  if (t.contains("without")) r.without = read_siblings(t.at("without"), "without", r.match.captures(), at);
  if (t.contains("from")) r.from = read_string(t.at("from"), "from", at);
  if (t.contains("to")) r.to = read_string(t.at("to"), "to", at);
  if (r.from.has_value() != r.to.has_value()) throw tool_error(fmt::format("{}: a rule with {} needs {} too", at, r.from ? "from" : "to", r.from ? "to" : "from"));
  auto size_value = [&](const toml::value& v, const std::string& what) {
    if (!v.is_integer() || v.as_integer() < 1 || v.as_integer() > (std::int64_t{1} << 31))
      throw tool_error(fmt::format("{}: {} is {}, not a whole number from 1 to 2^31", at, what, axle::escaped(toml::format(v), 40)));
    return static_cast<index_t>(v.as_integer());
  };
  if (t.contains("groups")) r.sizes.emplace_back("G", size_value(t.at("groups"), "groups"));
  if (t.contains("sizes")) {
    if (!t.at("sizes").is_table()) throw tool_error(fmt::format("{}: sizes must be a table of axis = size, as sizes = {{ M = 2 }}", at));
    for (const auto& [axis, v] : t.at("sizes").as_table()) {
      if (axis == "G" && t.contains("groups")) throw tool_error(fmt::format("{}: the size of G is given twice (groups and sizes.G)", at));
      r.sizes.emplace_back(axis, size_value(v, "sizes." + axis));
    }
  }
  if (!r.sizes.empty() && !r.from) throw tool_error(fmt::format("{}: sizes are for a conversion: give from and to", at));
  if (t.contains("rename")) r.rename = name_template(read_string(t.at("rename"), "rename", at), r.match.captures(), at);
  if (t.contains("drop")) {
    if (!t.at("drop").is_boolean()) throw tool_error(fmt::format("{}: drop must be true or false", at));
    r.drop = t.at("drop").as_boolean();
  }
  if (t.contains("unit_axes")) {
    const toml::value& v = t.at("unit_axes");
    if (!v.is_integer() || v.as_integer() < 1 || v.as_integer() > 8) throw tool_error(fmt::format("{}: unit_axes must be a whole number from 1 to 8", at));
    r.unit_axes = static_cast<int>(v.as_integer());
  }
  if (t.contains("ask")) r.ask = read_string(t.at("ask"), "ask", at);
  const int actions = (r.drop ? 1 : 0) + (r.from ? 1 : 0) + (r.unit_axes > 0 ? 1 : 0) + (r.ask ? 1 : 0);
  if (actions > 1) throw tool_error(fmt::format("{}: a rule converts (from, to), reshapes (unit_axes), drops or asks: only one of them", at));
  if ((r.drop || r.ask) && r.rename) throw tool_error(fmt::format("{}: a rule that {} a tensor cannot rename it", at, r.drop ? "drops" : "asks about"));
  return r;
}

}  // namespace

void parse_rules(std::string_view text, const std::string& name, rule_set& into) {
  toml::value doc;
  try {
    std::istringstream in{std::string(text)};
    doc = toml::parse(in, name);
  } catch (const toml::exception& e) {
    throw tool_error(toml_error_line(name, e.what()));
  } catch (const std::runtime_error& e) {
    throw tool_error(toml_error_line(name, e.what()));
  }
  try {
    for (const auto& [key, value] : doc.as_table()) {
      if (key == "rule") {
        if (!value.is_array()) throw tool_error(fmt::format("{}: rule must be an array of tables: write [[rule]]", where(name, value)));
        for (const toml::value& r : value.as_array()) into.rules.push_back(read_rule(r, name));
      } else if (key == "metadata") {
        const std::string at = where(name, value);
        if (!value.is_table()) throw tool_error(fmt::format("{}: metadata must be a table: [metadata] set = {{ ... }}, remove = [ ... ]", at));
        for (const auto& [k, v] : value.as_table()) {
          if (k == "set") {
            if (!v.is_table()) throw tool_error(fmt::format("{}: metadata.set must be a table of strings", at));
            for (const auto& [mk, mv] : v.as_table()) {
              if (mk.rfind(safetensors::stamp_prefix, 0) == 0)
                throw tool_error(fmt::format("{}: metadata key {} is a layout stamp, which the tool writes itself", at, echo(mk)));
              into.set_metadata[mk] = read_string(mv, "metadata.set." + mk, at);
            }
          } else if (k == "remove") {
            if (!v.is_array()) throw tool_error(fmt::format("{}: metadata.remove must be a list of keys", at));
            for (const toml::value& x : v.as_array()) into.remove_metadata.insert(read_string(x, "metadata.remove", at));
          } else {
            throw tool_error(fmt::format("{}: unknown key {} in [metadata] (set, remove)", at, echo(k)));
          }
        }
      } else {
        const auto close = axle::close_matches(key, {"rule", "metadata"}, 1);
        throw tool_error(fmt::format("{}: unknown table {}{}", where(name, value), echo(key), close.empty() ? "" : fmt::format("; did you mean {}?", close[0])));
      }
    }
  } catch (const toml::exception& e) {
    throw tool_error(toml_error_line(name, e.what()));
  }
}

void read_rules(const std::string& path, rule_set& into) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw tool_error(fmt::format("{}: cannot open the rules file", path));
  std::ostringstream text;
  text << in.rdbuf();
  parse_rules(text.str(), path, into);
}

// --- presets -------------------------------------------------------------------------------------
//
// Names and shapes: google/flax flax/linen/linear.py (Dense: kernel; Conv: kernel; Embed:
// embedding) and flax/linen/normalization.py (LayerNorm, BatchNorm: scale, bias; batch_stats
// mean, var); patrick-kidger/equinox equinox/nn/_conv.py (Conv bias (out,) + (1,) * spatial),
// equinox/nn/_linear.py, equinox/nn/_rnn.py (LSTMCell: weight_ih, weight_hh); keras-team/keras
// keras/src/layers (Dense, Conv*: kernel, bias; LayerNormalization, BatchNormalization: gamma,
// beta, moving_mean, moving_variance; Embedding: embeddings; LSTM: kernel, recurrent_kernel);
// ml-explore/mlx python/mlx/nn/layers (Linear, Conv*, LayerNorm, BatchNorm, Embedding: PyTorch's
// names). What a PyTorch tensor is follows from its name and its neighbours: a BatchNorm has
// running statistics, a Linear's 2-D weight has a bias beside it, a LayerNorm's 1-D weight too.
// A weight of 3 to 5 dimensions is a convolution or a transposed convolution, which the names
// cannot tell: those need a rule of the user's, and the presets say so rather than guess.

namespace {

constexpr std::string_view preset_common = R"toml(
[[rule]]
match = "{p*}.num_batches_tracked"
drop = true
)toml";

constexpr std::string_view torch_to_flax = R"toml(
[metadata]
set = { format = "flax" }

# BatchNorm, recognised by its running statistics: scale, bias; mean and var (batch_stats).
[[rule]]
match = "{p*}.weight"
ndim = 1
with = ["{p}.running_mean"]
rename = "{p}.scale"
[[rule]]
match = "{p*}.running_mean"
rename = "{p}.mean"
[[rule]]
match = "{p*}.running_var"
rename = "{p}.var"

# LayerNorm, GroupNorm: a 1-D weight beside a bias.
[[rule]]
match = "{p*}.weight"
ndim = 1
with = ["{p}.bias"]
rename = "{p}.scale"

# Linear: a 2-D weight beside a bias. Dense's kernel is (in, out).
[[rule]]
match = "{p*}.weight"
ndim = 2
with = ["{p}.bias"]
from = "torch.linear"
to = "flax.dense"
rename = "{p}.kernel"
[[rule]]
match = "{p*}.weight"
ndim = 2
ask = "a 2-D weight without a bias is a Linear(bias=False) (from = \"torch.linear\", to = \"flax.dense\", rename = \"{p}.kernel\") or an Embedding (rename = \"{p}.embedding\"): add a rule"

[[rule]]
match = "{p*}.weight"
ndim = [3, 4, 5]
ask = "a {ndim}-D weight is a convolution or a transposed convolution, which its name cannot tell: add a rule (from = \"torch.conv{spatial}d\", to = \"flax.conv\", rename = \"{p}.kernel\"; or from = \"torch.conv_transpose{spatial}d\", to = \"flax.conv_transpose\")"

[[rule]]
match = "{p*}.weight_{kind}_l{k*}"
ask = "Flax's LSTM cells keep one Dense layer per gate: a PyTorch LSTM weight does not map to one Flax tensor"

[[rule]]
match = "{p*}.bias"
)toml";

constexpr std::string_view torch_to_equinox = R"toml(
[metadata]
remove = ["format"]

# Linear: Equinox keeps (out, in).
[[rule]]
match = "{p*}.weight"
ndim = 2
with = ["{p}.bias"]
from = "torch.linear"
to = "equinox.linear"
[[rule]]
match = "{p*}.weight"
ndim = 1

# A convolution's bias is (out, 1, ..., 1) in Equinox: one size-1 axis per spatial axis.
[[rule]]
match = "{p*}.bias"
with = [{ name = "{p}.weight", ndim = 3 }]
unit_axes = 1
[[rule]]
match = "{p*}.bias"
with = [{ name = "{p}.weight", ndim = 4 }]
unit_axes = 2
[[rule]]
match = "{p*}.bias"
with = [{ name = "{p}.weight", ndim = 5 }]
unit_axes = 3
[[rule]]
match = "{p*}.bias"

[[rule]]
match = "{p*}.running_mean"
[[rule]]
match = "{p*}.running_var"

# LSTM: LSTMCell's weight_ih and weight_hh have PyTorch's layout.
[[rule]]
match = "{p*}.weight_{kind}_l{k*}"
from = "torch.lstm"
to = "equinox.lstm_cell"

[[rule]]
match = "{p*}.weight"
ndim = 2
ask = "a 2-D weight without a bias is a Linear(bias=False) (from = \"torch.linear\", to = \"equinox.linear\") or an Embedding (no conversion): add a rule"
[[rule]]
match = "{p*}.weight"
ndim = [3, 4, 5]
ask = "a {ndim}-D weight is a convolution or a transposed convolution, which its name cannot tell: add a rule (from = \"torch.conv{spatial}d\", to = \"equinox.conv{spatial}d\"; or from = \"torch.conv_transpose{spatial}d\", to = \"equinox.conv_transpose{spatial}d\")"
)toml";

constexpr std::string_view torch_to_keras = R"toml(
[metadata]
remove = ["format"]

# BatchNormalization: gamma, beta, moving_mean, moving_variance.
[[rule]]
match = "{p*}.weight"
ndim = 1
with = ["{p}.running_mean"]
rename = "{p}.gamma"
[[rule]]
match = "{p*}.bias"
with = ["{p}.running_mean"]
rename = "{p}.beta"
[[rule]]
match = "{p*}.running_mean"
rename = "{p}.moving_mean"
[[rule]]
match = "{p*}.running_var"
rename = "{p}.moving_variance"

# LayerNormalization: gamma, beta.
[[rule]]
match = "{p*}.weight"
ndim = 1
with = ["{p}.bias"]
rename = "{p}.gamma"
[[rule]]
match = "{p*}.bias"
with = [{ name = "{p}.weight", ndim = 1 }]
rename = "{p}.beta"

# Dense: kernel (in, out).
[[rule]]
match = "{p*}.weight"
ndim = 2
with = ["{p}.bias"]
from = "torch.linear"
to = "keras.dense"
rename = "{p}.kernel"
[[rule]]
match = "{p*}.weight"
ndim = 2
ask = "a 2-D weight without a bias is a Linear(bias=False) (from = \"torch.linear\", to = \"keras.dense\", rename = \"{p}.kernel\") or an Embedding (rename = \"{p}.embeddings\"): add a rule"

# LSTM: kernel (input, 4 * units) and recurrent_kernel (units, 4 * units), gates i, f, c, o.
[[rule]]
match = "{p*}.weight_ih_l{k*}"
from = "torch.lstm"
to = "keras.lstm"
rename = "{p}.l{k}.kernel"
[[rule]]
match = "{p*}.weight_hh_l{k*}"
from = "torch.lstm"
to = "keras.lstm"
rename = "{p}.l{k}.recurrent_kernel"

[[rule]]
match = "{p*}.weight"
ndim = [3, 4, 5]
ask = "a {ndim}-D weight is a convolution or a transposed convolution, which its name cannot tell: add a rule (from = \"torch.conv{spatial}d\", to = \"keras.conv{spatial}d\", rename = \"{p}.kernel\"; or from = \"torch.conv_transpose{spatial}d\", to = \"keras.conv{spatial}d_transpose\")"

[[rule]]
match = "{p*}.bias"
)toml";

constexpr std::string_view torch_to_mlx = R"toml(
[metadata]
set = { format = "mlx" }

# Linear, LayerNorm, BatchNorm, Embedding: PyTorch's names and layouts.
[[rule]]
match = "{p*}.weight"
ndim = 2
with = ["{p}.bias"]
from = "torch.linear"
to = "mlx.linear"
[[rule]]
match = "{p*}.weight"
ndim = 1
[[rule]]
match = "{p*}.bias"
[[rule]]
match = "{p*}.running_mean"
[[rule]]
match = "{p*}.running_var"

[[rule]]
match = "{p*}.weight"
ndim = 2
ask = "a 2-D weight without a bias is a Linear(bias=False) (from = \"torch.linear\", to = \"mlx.linear\") or an Embedding (no conversion): add a rule"
[[rule]]
match = "{p*}.weight"
ndim = [3, 4, 5]
ask = "a {ndim}-D weight is a convolution or a transposed convolution, which its name cannot tell: add a rule (from = \"torch.conv{spatial}d\", to = \"mlx.conv{spatial}d\"; or from = \"torch.conv_transpose{spatial}d\", to = \"mlx.conv_transpose{spatial}d\")"
)toml";

struct preset {
  std::string_view name;
  std::string_view text;
};
constexpr preset presets[] = {
    {"torch-to-flax", torch_to_flax},
    {"torch-to-equinox", torch_to_equinox},
    {"torch-to-keras", torch_to_keras},
    {"torch-to-mlx", torch_to_mlx},
};

}  // namespace

std::vector<std::string_view> preset_names() {
  std::vector<std::string_view> out;
  for (const preset& p : presets) out.push_back(p.name);
  return out;
}

std::string_view preset_text(std::string_view name) {
  static std::map<std::string_view, std::string> texts = [] {
    std::map<std::string_view, std::string> m;
    for (const preset& p : presets) m[p.name] = std::string(preset_common) + std::string(p.text);
    return m;
  }();
  const auto it = texts.find(name);
  return it == texts.end() ? std::string_view() : std::string_view(it->second);
}

// --- matching -----------------------------------------------------------------------------------

rule_match find_rule(const rule_set& rules, const std::string& name, int ndim, const tensor_lookup& tensors) {
  auto rank_ok = [](const std::vector<int>& ranks, int n) { return ranks.empty() || std::find(ranks.begin(), ranks.end(), n) != ranks.end(); };
  for (const rule& r : rules.rules) {
    auto captures = r.match.match(name);
    if (!captures || !rank_ok(r.ndim, ndim)) continue;
    bool ok = true;
    for (const sibling& s : r.with) {
      const auto n = tensors.ndim_of(s.name.fill(*captures));
      ok = ok && n && rank_ok(s.ndim, *n);
    }
    for (const sibling& s : r.without) {
      const auto n = tensors.ndim_of(s.name.fill(*captures));
      ok = ok && !(n && rank_ok(s.ndim, *n));
    }
    if (ok) return {&r, std::move(*captures)};
  }
  return {};
}

// --- ops ----------------------------------------------------------------------------------------

namespace {

/// The catalogue's entries of a rule's op name (one per rank), or the error naming the closest.
std::span<const entry_info> catalogue_entries(const std::string& text, const rule& r) {
  const auto all = catalogue::find_all(text);
  if (all.empty()) {
    const auto close = catalogue::suggest(text);
    std::string hint;
    for (std::size_t k = 0; k < close.size(); ++k) { hint += (k ? ", " : "; did you mean "); hint += std::string(close[k]); }
    throw tool_error(fmt::format("{}: unknown op {}{} (axle list shows them all)", r.origin, echo(text), hint.empty() ? "" : hint + "?"));
  }
  return all;
}

resolved_op resolve_rule_layout(const std::string& text, const rule& r) {
  resolved_op op;
  try {
    op.layout = lookup(text);
  } catch (const tool_error& e) {
    throw tool_error(fmt::format("{}: {}", r.origin, e.what()));
  }
  op.layout_entry = std::make_shared<entry_info>(op.layout.entries.front());
  op.entry = op.layout_entry.get();
  op.name = std::string(op.entry->name);
  return op;
}

}  // namespace

resolved_op resolve_rule_op(const std::string& text, int ndim, const rule& r, const std::string& tensor) {
  if (is_layout_text(text)) {
    resolved_op op = resolve_rule_layout(text, r);
    if (!holds_weight_ndim(*op.entry, ndim))
      throw tool_error(fmt::format("{}: tensor {} has {} dimensions, but the layout {} has {}", r.origin, echo(tensor), ndim, op.name,
                                   op.entry->weight->nentries));
    return op;
  }
  const auto all = catalogue_entries(text, r);
  const entry_info* e = catalogue::find_for_weight_ndim(text, ndim);
  if (e == nullptr) {
    std::string dims;
    for (const entry_info& x : all) {
      if (!dims.empty()) dims += " or ";
      dims += std::to_string(x.weight->nentries);
    }
    throw tool_error(fmt::format("{}: tensor {} has {} dimensions, but a {} weight has {}", r.origin, echo(tensor), ndim, text, dims));
  }
  resolved_op op;
  op.entry = e;
  op.name = std::string(e->name);
  return op;
}

namespace {

/// The catalogue op named by a rule's `to`, of the source's spatial rank.
resolved_op resolve_rule_target_op(const std::string& text, const resolved_op& from, const rule& r, const std::string& tensor) {
  static_cast<void>(catalogue_entries(text, r));  // an unknown name: the closest names
  const entry_info* t = catalogue::find(text, from.entry->spatial);
  if (t == nullptr) throw tool_error(fmt::format("{}: {} has no {}-D form (for tensor {}, a {})", r.origin, text, from.entry->spatial, echo(tensor), from.name));
  if (!from.is_layout() && t->family != from.entry->family)
    throw tool_error(fmt::format("{}: cannot convert {} ({}) to {} ({}): their weights mean different things", r.origin, from.name,
                                 to_string(from.entry->family), text, to_string(t->family)));
  resolved_op to;
  to.entry = t;
  to.name = std::string(t->name);
  return to;
}

}  // namespace

resolved_op resolve_rule_target(const std::string& text, resolved_op& from, const rule& r, const std::string& tensor) {
  resolved_op to;
  if (is_layout_text(text))
    to = resolve_rule_layout(text, r);
  else
    to = resolve_rule_target_op(text, from, r, tensor);
  // The layout on either side takes the meaning of the op on the other.
  entry_info f = *from.entry;
  entry_info t = *to.entry;
  pair_layout_with_op(f, t);
  if (from.is_layout()) *from.layout_entry = f;
  if (to.is_layout()) *to.layout_entry = t;
  return to;
}

}  // namespace axle::cli
