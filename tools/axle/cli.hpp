// axle — the command-line tool: what the commands share.
//
// Each command lives in its own file and registers itself with add_<command>(app): its options,
// its one-line description, an example, and the function that runs it. Every error is one line
// on stderr: `axle: error: <what>` (exit 1), or for a mistake in the command line
// `axle: error: <what> (axle <command> --help)` (exit 2).
#pragma once

#include <axle/catalogue.hpp>
#include <axle/mapping.hpp>
#include <axle/value.hpp>

#include <CLI/CLI.hpp>

#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace axle::cli {

using catalogue::entry_info;

/// A mistake in the command line: exit status 2.
struct usage_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};
/// Anything else that stops the tool: exit status 1.
struct tool_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Checks that an option's value is a whole number from 1 to `max`, in range for its type:
/// "--groups needs a whole number from 1 to 2^31, not 'two'".
CLI::Validator positive_integer(long long max);

/// Text from the command line or a file, safe to echo in a one-line message.
std::string echo(std::string_view text);

/// "2-D " for a 2-D op, "" for an op without spatial axes.
std::string rank_text(const entry_info& e);

/// The entries of an op name, or an error that suggests the closest names.
std::span<const entry_info> lookup(std::string_view name);

/// One entry of each name, matched by rank: the weight's number of dimensions when a file is
/// given, else --rank, else the only rank one of the names has.
std::pair<const entry_info*, const entry_info*> resolve_pair(std::string_view from, std::string_view to,
                                                             std::optional<int> rank,
                                                             std::optional<int> weight_ndim = std::nullopt);

/// The layouts a conversion uses. With several groups both sides must have a G axis, whose size
/// is bound. With one group, G becomes a unit axis wherever it appears, which the plan drops or
/// inserts — whether the framework merges it into a channel dimension or stores it alone. A
/// depthwise op's G is its channel count: bound when given, else read from the shape.
struct chosen_layouts {
  value::layout from;
  value::layout to;
  std::vector<axis_size> sizes;
  bool grouped = false;
};
chosen_layouts choose(const entry_info& f, const entry_info& t, std::optional<index_t> groups);

/// The derivation between the chosen layouts (which it refers to), or a one-line error.
value::derivation derive_or_throw(const chosen_layouts& c, std::string_view from, std::string_view to);

void add_list(CLI::App& app);
void add_explain(CLI::App& app);
void add_plan(CLI::App& app);
void add_convert(CLI::App& app);
void add_convert_checkpoint(CLI::App& app);

}  // namespace axle::cli
