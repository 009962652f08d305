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

namespace {

bool has_axis(const value::layout& l, std::string_view name) {
  for (int i = 0; i < l.natoms; ++i)
    if (l.atoms[i].name() == name) return true;
  return false;
}

/// What a layout's entry points at.
struct layout_entry {
  value::layout weight;
  value::layout ungrouped;
  std::string name;
  entry_info info;
};

/// The axes a layout on the command line may name.
constexpr std::string_view axis_names =
    "N, C, O, I, G, M, D, H, W, gate, bias, direction, seq, heads, kv_heads, q_per_kv, head_dim, qkv, slot, pair, freq";
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
                       std::string_view{}, op_meaning{}};
  return operand{std::span<const entry_info>(&e->info, 1), e};
}

}  // namespace

bool is_layout_text(std::string_view name) noexcept {
  const std::size_t first = name.find_first_not_of(" \t");
  return first != std::string_view::npos && name[first] == '(';
}

operand lookup(std::string_view name) {
  if (is_layout_text(name)) return layout_operand(name);
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

bool holds_weight_ndim(const entry_info& e, int ndim) noexcept {
  return e.weight->nentries == ndim || e.weight_ungrouped->nentries == ndim;
}

entry_pair resolve_pair(std::string_view from, std::string_view to, std::optional<int> rank, std::optional<int> weight_ndim) {
  entry_pair r{lookup(from), lookup(to), {}, {}};
  const std::span<const entry_info> fs = r.from_operand.entries;
  const std::span<const entry_info> ts = r.to_operand.entries;
  if (weight_ndim) {
    const entry_info* f = nullptr;
    for (const entry_info& e : fs)
      if (holds_weight_ndim(e, *weight_ndim)) f = &e;
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
  pair_layout_with_op(r.from, r.to);
  return r;
}

void pair_layout_with_op(entry_info& from, entry_info& to) noexcept {
  auto take_meaning = [](entry_info& layout, const entry_info& op) {
    layout.family = op.family;
    layout.semantics = op.semantics;
    layout.meaning = op.meaning;
  };
  if (is_layout_entry(from) && !is_layout_entry(to))
    take_meaning(from, to);
  else if (is_layout_entry(to) && !is_layout_entry(from))
    take_meaning(to, from);
}

void add_size_options(CLI::App& cmd, size_options& o) {
  cmd.add_option("--groups", o.groups, "Number of groups (default 1); a depthwise conv's channel count")
      ->check(positive_integer(index_t{1} << 31));
  cmd.add_option("--heads", o.heads, "Number of attention (query) heads")->check(positive_integer(index_t{1} << 31));
  cmd.add_option("--kv-heads", o.kv_heads, "Number of key/value heads (grouped-query attention)")
      ->check(positive_integer(index_t{1} << 31));
  cmd.add_flag("--fold-bias", o.fold_bias, "Sum a recurrent op's two biases (input and hidden) into the one the target holds");
}

void add_no_sync_flag(CLI::App& cmd, bool& no_sync) {
  cmd.add_flag("--no-sync", no_sync,
               "Name the output once its data is written, without waiting for the disk (as cp does): still complete or absent if "
               "the process is killed, but a power loss soon after may lose it");
}

op_conversion conversion(const entry_info& from, const entry_info& to, const size_options& o) {
  try {
    return op_conversion(from, to, o.options());
  } catch (const conversion_error& e) {
    // Another variant of the target's op whose meaning agrees: onnx.gru:linear_before_reset for onnx.gru.
    std::string agree;
    const conflict c = meaning_conflict(from.meaning, *from.weight, to.meaning, *to.weight);
    if (c == conflict::reset_placement || c == conflict::rotary || c == conflict::families)
      for (const entry_info& e : catalogue::entries()) {
        if (e.framework() != to.framework() || e.op() != to.op() || e.name == to.name || e.spatial != to.spatial) continue;
        const conflict d = meaning_conflict(from.meaning, *from.weight, e.meaning, *e.weight);
        if (d == conflict::none || d == conflict::section_select) agree += (agree.empty() ? "" : ", ") + std::string(e.name);
      }
    throw tool_error(agree.empty() ? std::string(e.what()) : fmt::format("{} ({} agrees)", e.what(), agree));
  }
}

}  // namespace axle::cli
