// axle — the command-line tool.
//
//     axle list [--family F]                       the catalogue
//     axle explain <framework>.<op>                 an op's layout, orientation, semantics and source
//     axle plan <from> <to> [--groups G] [--rank N] the conversion, in axle notation and as code
//     axle convert <from> <to> in.npy out.npy [--groups G] [--force]
//
// Conversions are derived at run time by the same engine that derives plan_t at compile time,
// from the catalogue's layouts. Every error is one line on stderr and a non-zero exit; an output
// file is written to a temporary file and renamed, so a failure never leaves a partial one.
#include <axle/catalogue.hpp>
#include <axle/codegen.hpp>
#include <axle/convert.hpp>
#include <axle/mapping.hpp>
#include <axle/notation.hpp>
#include <axle/npy.hpp>
#include <axle/version.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace {

using axle::catalogue::entry_info;
namespace detail = axle::detail;


constexpr std::string_view usage_text =
    "usage: axle list [--family conv|conv_transpose|depthwise_conv|dense|lstm|attention]\n"
    "       axle explain <framework>.<op>\n"
    "       axle plan <from> <to> [--groups G] [--rank N]\n"
    "       axle convert <from> <to> <in.npy> <out.npy> [--groups G] [--force]\n"
    "       axle --version\n"
    "Names are <framework>.<op> as `axle list` shows them, e.g. torch.conv_transpose2d.\n";

/// A mistake in the command line: exit status 2.
struct usage_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};
/// Anything else that stops the tool: exit status 1.
struct tool_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct options {
  std::vector<std::string_view> positional;
  std::optional<axle::index_t> groups;
  std::optional<int> rank;
  std::optional<std::string_view> family;
  bool force = false;
};

axle::index_t parse_int(std::string_view option, std::string_view text) {
  long long value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value < 1)
    throw usage_error(fmt::format("{} needs a positive integer, not '{}'", option, text));
  return static_cast<axle::index_t>(value);
}

options parse(int argc, char** argv) {
  options o;
  for (int i = 2; i < argc; ++i) {
    const std::string_view a = argv[i];
    auto value = [&](std::string_view name) -> std::string_view {
      if (a.size() > name.size() && a.substr(0, name.size()) == name && a[name.size()] == '=') return a.substr(name.size() + 1);
      if (i + 1 >= argc) throw usage_error(fmt::format("{} needs a value", name));
      return argv[++i];
    };
    if (a == "--force" || a == "-f") {
      o.force = true;
    } else if (a.substr(0, 8) == "--groups") {
      o.groups = parse_int("--groups", value("--groups"));
    } else if (a.substr(0, 6) == "--rank") {
      o.rank = static_cast<int>(parse_int("--rank", value("--rank")));
    } else if (a.substr(0, 8) == "--family") {
      o.family = value("--family");
    } else if (a.size() > 1 && a[0] == '-') {
      throw usage_error(fmt::format("unknown option '{}'", a));
    } else {
      o.positional.push_back(a);
    }
  }
  return o;
}

std::string_view family_name(axle::family f) {
  switch (f) {
    case axle::family::conv: return "conv";
    case axle::family::conv_transpose: return "conv_transpose";
    case axle::family::depthwise_conv: return "depthwise_conv";
    case axle::family::dense: return "dense";
    case axle::family::lstm: return "lstm";
    case axle::family::attention: return "attention";
  }
  return "?";
}

std::string_view semantics_name(axle::semantics s) {
  switch (s) {
    case axle::semantics::forward: return "forward";
    case axle::semantics::adjoint: return "adjoint";
    case axle::semantics::direct: return "direct";
  }
  return "?";
}

std::string rank_text(const entry_info& e) { return e.spatial > 0 ? fmt::format("{}-D ", e.spatial) : std::string(); }

/// The entries of a name, or an error that suggests the closest names.
std::span<const entry_info> lookup(std::string_view name) {
  const auto all = axle::catalogue::find_all(name);
  if (!all.empty()) return all;
  const auto close = axle::catalogue::suggest(name);
  std::string hint;
  for (std::size_t k = 0; k < close.size(); ++k) hint += (k ? ", " : "") + std::string(close[k]);
  throw tool_error(hint.empty() ? fmt::format("unknown op '{}' (axle list shows them all)", name)
                                : fmt::format("unknown op '{}'; did you mean {}?", name, hint));
}

/// One entry of each name, matched by rank: given, or the only one, or the other side's.
std::pair<const entry_info*, const entry_info*> resolve_pair(std::string_view from, std::string_view to, std::optional<int> rank,
                                                             std::optional<int> weight_ndim = std::nullopt) {
  const auto fs = lookup(from);
  const auto ts = lookup(to);
  const entry_info* f = nullptr;
  if (weight_ndim) {
    for (const entry_info& e : fs)
      if (e.weight->nentries == *weight_ndim || e.weight_ungrouped->nentries == *weight_ndim) f = &e;
    if (f == nullptr) {
      std::string dims;
      for (const entry_info& e : fs) dims += (dims.empty() ? "" : " or ") + std::to_string(e.weight->nentries);
      throw tool_error(fmt::format("a {} weight has {} dimensions, but the input has {}", from, dims, *weight_ndim));
    }
    rank = f->spatial;
  }
  if (!rank) {
    if (fs.size() == 1)
      rank = fs[0].spatial;
    else if (ts.size() == 1)
      rank = ts[0].spatial;
    else
      throw usage_error(fmt::format("{} and {} exist for several ranks: pass --rank", from, to));
  }
  auto pick = [&](std::span<const entry_info> es, std::string_view name) {
    for (const entry_info& e : es)
      if (e.spatial == *rank) return &e;
    throw tool_error(fmt::format("{} has no {}-D form", name, *rank));
  };
  f = pick(fs, from);
  const entry_info* t = pick(ts, to);
  if (f->family != t->family)
    throw tool_error(fmt::format("cannot convert {} ({}) to {} ({}): their weights mean different things", from,
                                 family_name(f->family), to, family_name(t->family)));
  return {f, t};
}

/// The layouts a conversion uses. With several groups both sides must have a G axis, whose size
/// is bound. With one group, G becomes a unit axis wherever it appears, which the plan drops or
/// inserts — whether the framework merges it into a channel dimension or stores it alone. A
/// depthwise op's G is its channel count: bound when given, else read from the shape.
struct chosen_layouts {
  axle::value::layout from;
  axle::value::layout to;
  std::vector<axle::axis_size> sizes;
  bool grouped = false;
};

bool has_axis(const axle::value::layout& l, std::string_view name) {
  for (int i = 0; i < l.natoms; ++i)
    if (l.atoms[i].name() == name) return true;
  return false;
}

chosen_layouts choose(const entry_info& f, const entry_info& t, std::optional<axle::index_t> groups) {
  chosen_layouts c{*f.weight, *t.weight, {}, false};
  const axle::index_t g = groups.value_or(1);
  if (f.family == axle::family::depthwise_conv) {
    if (groups) c.sizes.push_back({"G", g});
    c.grouped = true;
    return c;
  }
  if (g == 1) {
    c.from = axle::value::one_group(c.from);
    c.to = axle::value::one_group(c.to);
    return c;
  }
  for (const entry_info* e : {&f, &t})
    if (!has_axis(*e->weight, "G")) throw tool_error(fmt::format("{} does not support groups (--groups {})", e->name, g));
  c.sizes.push_back({"G", g});
  c.grouped = true;
  return c;
}

/// The block size of a blocked G, or 0.
axle::index_t group_block(const axle::value::layout& l) {
  for (int i = 0; i < l.natoms; ++i)
    if (l.atoms[i].name() == "G" && l.atoms[i].extent != axle::dynamic_extent && !l.atoms[i].unit) return l.atoms[i].extent;
  return 0;
}

axle::value::derivation derive_or_throw(const chosen_layouts& c, std::string_view from, std::string_view to) {
  const axle::value::derivation p = axle::value::derive(c.from, c.to);
  for (const auto& [layout, name] : {std::pair{&c.from, from}, std::pair{&c.to, to}})
    if (p.error && group_block(*layout) > 0 && c.sizes.empty())
      throw tool_error(fmt::format("{} blocks its groups by {}: give --groups (a multiple of {})", name, group_block(*layout),
                                   group_block(*layout)));
  if (p.error) throw tool_error(fmt::format("no conversion from {} {} to {} {}", from, axle::to_string(c.from), to, axle::to_string(c.to)));
  return p;
}

int list(const options& o) {
  std::size_t width = 0;
  for (const entry_info& e : axle::catalogue::entries()) width = std::max(width, e.name.size());
  fmt::print("{:<{}}  {:<22}  {:<8}  {:<34}  {}\n", "op", width, "family", "kind", "weight, in canonical roles", "status");
  for (const entry_info& e : axle::catalogue::entries()) {
    if (o.family && family_name(e.family) != *o.family) continue;
    fmt::print("{:<{}}  {:<22}  {:<8}  {:<34}  {}\n", e.name, width, rank_text(e) + std::string(family_name(e.family)),
               semantics_name(e.semantics), axle::to_string(*e.weight),
               e.status == axle::status::verified ? "verified" : "UNVERIFIED");
  }
  return 0;
}

int explain(const options& o) {
  if (o.positional.size() != 1) throw usage_error("explain takes one op name");
  for (const entry_info& e : lookup(o.positional[0])) {
    fmt::print("{} — {}{}, {}\n", e.name, rank_text(e), family_name(e.family), semantics_name(e.semantics));
    fmt::print("  weight (canonical roles)  {}\n", axle::to_string(*e.weight));
    if (e.supports_groups && axle::to_string(*e.weight_ungrouped) != axle::to_string(*e.weight))
      fmt::print("  with one group            {}\n", axle::to_string(*e.weight_ungrouped));
    fmt::print("  activation                {}\n", axle::to_string(*e.activation));
    switch (e.semantics) {
      case axle::semantics::forward:
        fmt::print("  semantics                 a cross-correlation with the stored kernel\n");
        break;
      case axle::semantics::adjoint:
        fmt::print("  semantics                 adjoint: the gradient of the convolution that uses the same stored tensor;\n"
                   "                            as a direct correlation kernel it is reversed where the layout says ~\n");
        break;
      case axle::semantics::direct:
        fmt::print("  semantics                 direct: the stride-dilated input is correlated with the stored kernel as is\n");
        break;
    }
    fmt::print("  groups                    {}\n", e.supports_groups ? "supported" : "not supported");
    fmt::print("  source                    {}\n", e.source);
    fmt::print("  status                    {}\n", e.status == axle::status::verified ? "verified" : "UNVERIFIED");
    if (!e.note.empty()) fmt::print("  note                      {}\n", e.note);
  }
  return 0;
}

std::string indent_code(const std::string& code) {
  if (code.find('\n') == std::string::npos) return code;
  std::string out = "\n";
  std::size_t begin = 0;
  while (begin < code.size()) {
    const std::size_t end = code.find('\n', begin);
    out += "    " + code.substr(begin, end - begin) + "\n";
    begin = end == std::string::npos ? code.size() : end + 1;
  }
  out.pop_back();
  return out;
}

int plan(const options& o) {
  if (o.positional.size() != 2) throw usage_error("plan takes two op names: <from> <to>");
  const auto [f, t] = resolve_pair(o.positional[0], o.positional[1], o.rank);
  const chosen_layouts c = choose(*f, *t, o.groups);
  const axle::value::derivation p = derive_or_throw(c, f->name, t->name);
  // Code that reshapes a merged (G, ...) dimension reads G from a variable: define it.
  std::string prelude;
  for (const axle::axis_size& s : c.sizes) prelude += fmt::format("{} = {}\n", s.axis, s.extent);
  auto code = [&](axle::dialect d) {
    const std::string text = detail::render(p, d);
    return indent_code(text.find('\n') == std::string::npos || prelude.empty() ? text : prelude + text);
  };
  fmt::print("from     {}  {}\n", f->name, axle::to_string(c.from));
  fmt::print("to       {}  {}\n", t->name, axle::to_string(c.to));
  fmt::print("plan     {}\n", axle::to_string(axle::value::normal_form(p)));
  fmt::print("numpy    {}\n", code(axle::dialect::numpy));
  fmt::print("pytorch  {}\n", code(axle::dialect::torch));
  fmt::print("jax      {}\n", code(axle::dialect::jax));
  if (!c.grouped && has_axis(*f->weight, "G") && has_axis(*t->weight, "G")) {
    const axle::value::derivation q = axle::value::derive(*f->weight, *t->weight);
    if (!q.error)
      fmt::print("with groups (--groups G): {}\n", axle::to_string(axle::value::normal_form(q)));
  }
  return 0;
}

int convert(const options& o) {
  if (o.positional.size() != 4) throw usage_error("convert takes <from> <to> <in.npy> <out.npy>");
  const std::string in(o.positional[2]);
  const std::string out(o.positional[3]);
  if (!o.force && std::filesystem::exists(out))
    throw tool_error(fmt::format("{} already exists; pass --force to overwrite it", out));
  axle::npy::array a = axle::npy::read(in);
  const auto [f, t] = resolve_pair(o.positional[0], o.positional[1], o.rank, static_cast<int>(a.ndim()));
  const chosen_layouts c = choose(*f, *t, o.groups);
  const axle::value::derivation p = derive_or_throw(c, f->name, t->name);
  std::vector<axle::index_t> shape(a.shape.begin(), a.shape.end());
  detail::strided_map m;
  try {
    m = detail::map_plan(p, shape, c.sizes);
  } catch (const axle::shape_error& e) {
    // Name the file and the op the shape was read as.
    std::string what = e.what();
    if (what.substr(0, 8) == "source: ") what = what.substr(8);
    throw tool_error(fmt::format("{}: as a {} weight: {}", in, f->name, what));
  }
  axle::npy::array r;
  r.dtype = a.dtype;
  r.shape.assign(m.target_shape.begin(), m.target_shape.end());
  r.data.resize(a.data.size());
  // Elements are copied as raw bits of their size: every dtype converts exactly.
  switch (axle::npy::item_size(a.dtype)) {
    case 2: detail::materialize(m, reinterpret_cast<const std::uint16_t*>(a.data.data()), reinterpret_cast<std::uint16_t*>(r.data.data())); break;
    case 4: detail::materialize(m, reinterpret_cast<const std::uint32_t*>(a.data.data()), reinterpret_cast<std::uint32_t*>(r.data.data())); break;
    default: detail::materialize(m, reinterpret_cast<const std::uint64_t*>(a.data.data()), reinterpret_cast<std::uint64_t*>(r.data.data())); break;
  }
  axle::npy::write(out, r, o.force);
  fmt::print("{} {} -> {} {}: {}\n", in, axle::npy::shape_string(a.shape), out, axle::npy::shape_string(r.shape),
             axle::to_string(axle::value::normal_form(p)));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    if (argc < 2) throw usage_error("a command is needed");
    const std::string_view command = argv[1];
    if (command == "--version") {
      fmt::print("axle {}.{}.{}\n", axle::version_major, axle::version_minor, axle::version_patch);
      return 0;
    }
    if (command == "--help" || command == "-h" || command == "help") {
      fmt::print("{}", usage_text);
      return 0;
    }
    const options o = parse(argc, argv);
    if (command == "list") return list(o);
    if (command == "explain") return explain(o);
    if (command == "plan") return plan(o);
    if (command == "convert") return convert(o);
    throw usage_error(fmt::format("unknown command '{}'", command));
  } catch (const usage_error& e) {
    fmt::print(stderr, "axle: {}\n{}", e.what(), usage_text);
    return 2;
  } catch (const std::exception& e) {
    fmt::print(stderr, "axle: error: {}\n", e.what());
    return 1;
  }
}
