// axle — the command-line tool: finding ops in the catalogue and choosing the layouts to convert.
#include "cli.hpp"

#include <axle/errors.hpp>
#include <axle/notation.hpp>
#include <axle/parse.hpp>
#include <axle/text.hpp>

#include <fmt/format.h>

#include <charconv>
#include <memory>

namespace axle::cli {

CLI::Validator positive_integer(long long max) {
  return CLI::Validator(
      [max](std::string& text) -> std::string {
        long long value = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (ec == std::errc{} && end == text.data() + text.size() && value >= 1 && value <= max) return {};
        return fmt::format("needs a whole number from 1 to {}, not {}", max, echo(text));
      },
      "INT", "positive integer");
}

std::string echo(std::string_view text) { return "'" + escaped(text, 80) + "'"; }

std::string rank_text(const entry_info& e) { return e.spatial > 0 ? fmt::format("{}-D ", e.spatial) : std::string(); }

namespace {

bool has_axis(const value::layout& l, std::string_view name) {
  for (int i = 0; i < l.natoms; ++i)
    if (l.atoms[i].name() == name) return true;
  return false;
}

/// The block size of a blocked G, or 0.
index_t group_block(const value::layout& l) {
  for (int i = 0; i < l.natoms; ++i)
    if (l.atoms[i].name() == "G" && l.atoms[i].extent != dynamic_extent && !l.atoms[i].unit) return l.atoms[i].extent;
  return 0;
}

/// What a layout's entry points at.
struct layout_entry {
  value::layout weight;
  value::layout ungrouped;
  std::string name;
  entry_info info;
};

/// The axes a layout on the command line may name.
constexpr std::string_view axis_names = "N, C, O, I, G, M, D, H, W, gate, direction, seq, heads, head_dim";
constexpr std::string_view text_source = "given as text";

operand layout_operand(std::string_view text) {
  auto e = std::make_shared<layout_entry>();
  try {
    e->weight = parse_layout(text);
  } catch (const layout_syntax_error& x) {
    const bool unknown = x.error().problem == syntax_problem::unknown_axis;
    throw tool_error(unknown ? fmt::format("{} (the axes are {})", x.what(), axis_names) : std::string(x.what()));
  }
  // With one group, G is dropped, as the catalogue's ungrouped weights drop it.
  e->ungrouped = e->weight;
  for (int i = 0; i < e->weight.natoms; ++i)
    if (e->weight.atoms[i].name() == "G") e->ungrouped = value::drop_axis(e->weight, e->weight.atoms[i], false).layout;
  e->name = to_string(e->weight);
  int spatial = 0;
  for (int i = 0; i < e->weight.natoms; ++i) {
    bool seen = false;
    for (int j = 0; j < i; ++j) seen = seen || e->weight.atoms[j].axis == e->weight.atoms[i].axis;
    spatial += !seen && e->weight.atoms[i].spatial();
  }
  e->info = entry_info{e->name,         family::conv,        spatial, semantics::forward, has_axis(e->weight, "G"),
                       &e->weight,      &e->ungrouped,       &e->weight, text_source,     status::verified,
                       std::string_view{}};
  return operand{std::span<const entry_info>(&e->info, 1), e};
}

}  // namespace

operand lookup(std::string_view name) {
  std::size_t first = 0;
  while (first < name.size() && (name[first] == ' ' || name[first] == '\t')) ++first;
  if (first < name.size() && name[first] == '(') return layout_operand(name);
  const auto all = catalogue::find_all(name);
  if (!all.empty()) return operand{all, nullptr};
  const auto close = catalogue::suggest(name);
  std::string hint;
  for (std::size_t k = 0; k < close.size(); ++k) hint += (k ? ", " : "") + std::string(close[k]);
  throw tool_error(hint.empty() ? fmt::format("unknown op {} (axle list shows them all; a layout is written in parentheses, "
                                              "\"(O, I, H, W)\")",
                                              echo(name))
                                : fmt::format("unknown op {}; did you mean {}?", echo(name), hint));
}

bool is_layout_entry(const entry_info& e) noexcept { return e.source == text_source; }

std::string describe(const entry_info& e, const value::layout& l) {
  return is_layout_entry(e) ? to_string(l) : fmt::format("{} {}", e.name, to_string(l));
}

entry_pair resolve_pair(std::string_view from, std::string_view to, std::optional<int> rank, std::optional<int> weight_ndim) {
  entry_pair r{lookup(from), lookup(to), {}, {}};
  const std::span<const entry_info> fs = r.from_operand.entries;
  const std::span<const entry_info> ts = r.to_operand.entries;
  if (weight_ndim) {
    const entry_info* f = nullptr;
    for (const entry_info& e : fs)
      if (e.weight->nentries == *weight_ndim || e.weight_ungrouped->nentries == *weight_ndim) f = &e;
    if (f == nullptr) {
      std::string dims;
      for (const entry_info& e : fs) dims += (dims.empty() ? "" : " or ") + std::to_string(e.weight->nentries);
      throw tool_error(r.from_operand.is_layout()
                           ? fmt::format("the layout {} has {} dimensions, but the input has {}", fs[0].name, dims, *weight_ndim)
                           : fmt::format("a {} weight has {} dimensions, but the input has {}", from, dims, *weight_ndim));
    }
    rank = f->spatial;
  }
  if (!rank) {
    // An op of one rank decides; else a layout; else the command line must.
    if (fs.size() == 1 && !r.from_operand.is_layout())
      rank = fs[0].spatial;
    else if (ts.size() == 1 && !r.to_operand.is_layout())
      rank = ts[0].spatial;
    else if (r.from_operand.is_layout())
      rank = fs[0].spatial;
    else if (r.to_operand.is_layout())
      rank = ts[0].spatial;
    else
      throw usage_error(fmt::format("{} and {} exist for several ranks: pass --rank", from, to));
  }
  // A layout is what it is: if it disagrees with the other side, the derivation names the axes.
  auto pick = [&](std::span<const entry_info> es) {
    if (es.size() == 1 && is_layout_entry(es[0])) return es[0];
    for (const entry_info& e : es)
      if (e.spatial == *rank) return e;
    throw tool_error(fmt::format("{} has no {}-D form", es[0].name, *rank));
  };
  r.from = pick(fs);
  r.to = pick(ts);
  // A layout given as text stores the weight of the op it is paired with.
  if (is_layout_entry(r.from) && !is_layout_entry(r.to)) {
    r.from.family = r.to.family;
    r.from.semantics = r.to.semantics;
  } else if (is_layout_entry(r.to) && !is_layout_entry(r.from)) {
    r.to.family = r.from.family;
    r.to.semantics = r.from.semantics;
  }
  if (r.from.family != r.to.family)
    throw tool_error(fmt::format("cannot convert {} ({}) to {} ({}): their weights mean different things", from,
                                 to_string(r.from.family), to, to_string(r.to.family)));
  return r;
}


chosen_layouts choose(const entry_info& f, const entry_info& t, std::optional<index_t> groups) {
  chosen_layouts c{*f.weight, *t.weight, {}, false};
  const index_t g = groups.value_or(1);
  if (f.family == family::depthwise_conv) {
    if (groups) c.sizes.push_back({"G", g});
    c.grouped = true;
    return c;
  }
  if (g == 1) {
    c.from = value::one_group(c.from);
    c.to = value::one_group(c.to);
    return c;
  }
  for (const entry_info* e : {&f, &t})
    if (!has_axis(*e->weight, "G"))
      throw tool_error(is_layout_entry(*e) ? fmt::format("{} has no G axis: it holds one group (--groups {})", e->name, g)
                                           : fmt::format("{} does not support groups (--groups {})", e->name, g));
  c.sizes.push_back({"G", g});
  c.grouped = true;
  return c;
}

value::derivation derive_or_throw(const chosen_layouts& c, const entry_info& from, const entry_info& to) {
  const value::derivation p = value::derive(c.from, c.to);
  for (const auto& [layout, e] : {std::pair{&c.from, &from}, std::pair{&c.to, &to}})
    if (p.error && group_block(*layout) > 0 && c.sizes.empty())
      throw tool_error(fmt::format("{} blocks its groups by {}: give --groups (a multiple of {})", e->name, group_block(*layout),
                                   group_block(*layout)));
  if (p.error.code == value::error_code::axes_differ) {
    // Name the axes: those the target does not say where they go, those the source lacks.
    auto names = [](const value::layout& l, const int* atoms, int n) {
      std::string out;
      for (int k = 0; k < n; ++k) out += (k ? ", " : "") + std::string(l.atoms[atoms[k]].name());
      return out;
    };
    std::string why;
    if (p.nextra > 0)
      why = fmt::format("{} does not say where {} {}", describe(to, c.to), names(c.from, p.extra, p.nextra), p.nextra > 1 ? "go" : "goes");
    if (p.nmissing > 0)
      why += fmt::format("{}{} has no {}", why.empty() ? "" : "; ", describe(from, c.from), names(c.to, p.missing, p.nmissing));
    throw tool_error(fmt::format("cannot convert {} to {}: {}", describe(from, c.from), describe(to, c.to), why));
  }
  if (p.error)
    throw tool_error(fmt::format("no conversion from {} to {}", describe(from, c.from), describe(to, c.to)));
  return p;
}

}  // namespace axle::cli
