// axle — the command-line tool: finding ops in the catalogue and choosing the layouts to convert.
#include "cli.hpp"

#include <axle/notation.hpp>
#include <axle/text.hpp>

#include <fmt/format.h>

#include <charconv>

namespace axle::cli {

CLI::Validator integer_in(long long min, long long max) {
  return CLI::Validator(
      [min, max](std::string& text) -> std::string {
        long long value = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (ec == std::errc{} && end == text.data() + text.size() && value >= min && value <= max) return {};
        return fmt::format("needs a whole number from {} to {}, not {}", min, max, echo(text));
      },
      fmt::format("{} to {}", min, max), "integer in range");
}

CLI::Validator one_of(std::vector<std::string> names) {
  std::string all;
  for (const std::string& n : names) all += (all.empty() ? "" : ", ") + n;
  return CLI::Validator(
      [names, all](std::string& text) -> std::string {
        for (const std::string& n : names)
          if (n == text) return {};
        std::vector<std::string_view> views(names.begin(), names.end());
        const auto close = close_matches(text, views, 1);
        return fmt::format("needs one of {}, not {}{}", all, echo(text),
                           close.empty() ? std::string() : fmt::format("; did you mean {}?", close[0]));
      },
      "{" + all + "}", "one of");
}

std::string echo(std::string_view text) { return "'" + escaped(text, 80) + "'"; }

std::string rank_text(const entry_info& e) { return e.spatial > 0 ? fmt::format("{}-D ", e.spatial) : std::string(); }

std::span<const entry_info> lookup(std::string_view name) {
  const auto all = catalogue::find_all(name);
  if (!all.empty()) return all;
  const auto close = catalogue::suggest(name);
  std::string hint;
  for (std::size_t k = 0; k < close.size(); ++k) hint += (k ? ", " : "") + std::string(close[k]);
  throw tool_error(hint.empty() ? fmt::format("unknown op {} (axle list shows them all)", echo(name))
                                : fmt::format("unknown op {}; did you mean {}?", echo(name), hint));
}

std::pair<const entry_info*, const entry_info*> resolve_pair(std::string_view from, std::string_view to,
                                                             std::optional<int> rank, std::optional<int> weight_ndim) {
  const auto fs = lookup(from);
  const auto ts = lookup(to);
  if (weight_ndim) {
    const entry_info* f = nullptr;
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
  const entry_info* f = pick(fs, from);
  const entry_info* t = pick(ts, to);
  if (f->family != t->family)
    throw tool_error(fmt::format("cannot convert {} ({}) to {} ({}): their weights mean different things", from,
                                 to_string(f->family), to, to_string(t->family)));
  return {f, t};
}

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

}  // namespace

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
    if (!has_axis(*e->weight, "G")) throw tool_error(fmt::format("{} does not support groups (--groups {})", e->name, g));
  c.sizes.push_back({"G", g});
  c.grouped = true;
  return c;
}

value::derivation derive_or_throw(const chosen_layouts& c, std::string_view from, std::string_view to) {
  const value::derivation p = value::derive(c.from, c.to);
  for (const auto& [layout, name] : {std::pair{&c.from, from}, std::pair{&c.to, to}})
    if (p.error && group_block(*layout) > 0 && c.sizes.empty())
      throw tool_error(fmt::format("{} blocks its groups by {}: give --groups (a multiple of {})", name, group_block(*layout),
                                   group_block(*layout)));
  if (p.error)
    throw tool_error(fmt::format("no conversion from {} {} to {} {}", from, to_string(c.from), to, to_string(c.to)));
  return p;
}

}  // namespace axle::cli
