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
  return {pick(fs, from), pick(ts, to)};
}

void add_size_options(CLI::App& cmd, size_options& o) {
  cmd.add_option("--groups", o.groups, "Number of groups (default 1); a depthwise conv's channel count")
      ->check(positive_integer(index_t{1} << 31));
  cmd.add_option("--heads", o.heads, "Number of attention (query) heads")->check(positive_integer(index_t{1} << 31));
  cmd.add_option("--kv-heads", o.kv_heads, "Number of key/value heads (grouped-query attention)")
      ->check(positive_integer(index_t{1} << 31));
  cmd.add_flag("--fold-bias", o.fold_bias, "Sum a recurrent op's two biases (input and hidden) into the one the target holds");
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
