// axle — the command-line tool: what the commands share.
//
// Each command lives in its own file and registers itself with add_<command>(app): its options,
// its one-line description, an example, and the function that runs it. Every error is one line
// on stderr: `axle: error: <what>` (exit 1), or for a mistake in the command line
// `axle: error: <what> (axle <command> --help)` (exit 2).
#pragma once

#include <axle/catalogue.hpp>
#include <axle/mapping.hpp>
#include <axle/op_conversion.hpp>
#include <axle/value.hpp>

#include <CLI/CLI.hpp>

#include <memory>
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

/// The axle command line: every command registered, none run. Parsing it runs the command named.
std::unique_ptr<CLI::App> make_app();

/// Parses `argv` with `app` and runs the command it names. Returns the exit status: 0, 1 when the
/// command fails, 2 for a mistake in the command line; for 1 and 2, `error` is the message, one
/// line without the "axle: error: " prefix.
int run(CLI::App& app, int argc, const char* const* argv, std::string& error);

/// Checks that an option's value is a whole number from `min` to `max` (so in range for its
/// type): "--groups: needs a whole number from 1 to 2147483648, not 'two'".
CLI::Validator integer_in(long long min, long long max);
inline CLI::Validator positive_integer(long long max) { return integer_in(1, max); }

/// Checks that an option's value is one of `names`: "--family: needs one of conv, dense, not
/// 'cnv'; did you mean conv?".
CLI::Validator one_of(std::vector<std::string> names);

/// Text from the command line or a file, safe to echo in a one-line message.
std::string echo(std::string_view text);

/// "2-D " for a 2-D op, "" for an op without spatial axes.
std::string rank_text(const entry_info& e);

/// An op name or a layout written in axle's notation, resolved by lookup(): the catalogue's
/// entries of the name (one per rank), or one entry describing the layout. A layout's entry is
/// named by the layout as axle prints it, its family and semantics are those of the op it is
/// paired with (resolve_pair), and `source` says that it was given as text.
struct operand {
  std::span<const entry_info> entries;
  std::shared_ptr<const void> storage;  // what a layout's entry points at (null for a name)

  [[nodiscard]] bool is_layout() const noexcept { return storage != nullptr; }
  [[nodiscard]] auto begin() const noexcept { return entries.begin(); }
  [[nodiscard]] auto end() const noexcept { return entries.end(); }
};

/// The one place an op name or a layout on the command line is resolved. A text starting with '('
/// is a layout in axle's notation, with the built-in axes (N C O I G M D H W gate bias
/// direction seq heads kv_heads q_per_kv head_dim qkv slot pair freq); anything else is an op name. Errors: an unknown name, with the closest names;
/// a bad layout, with the column.
operand lookup(std::string_view name_or_layout);

/// Whether a name given for an op is a layout in axle's notation: '(' after any blanks.
[[nodiscard]] bool is_layout_text(std::string_view name_or_layout) noexcept;

/// The entry of a layout given as text.
[[nodiscard]] bool is_layout_entry(const entry_info& e) noexcept;

/// Whether a weight of `ndim` dimensions can be stored as entry `e` (grouped or with one group).
[[nodiscard]] bool holds_weight_ndim(const entry_info& e, int ndim) noexcept;

/// A layout given as text stores the tensor of the op it is paired with: when one of `from` and
/// `to` is a layout and the other an op, the layout takes the op's family, semantics and meaning
/// (gate order and biases are in the layout; a GRU's reset placement, a rotary embedding, a
/// section are the op's). Two layouts, or two ops, are left as they are.
void pair_layout_with_op(entry_info& from, entry_info& to) noexcept;

/// Two operands resolved to one entry each, matched by rank: the weight's number of dimensions
/// when a file is given, else --rank, else the only rank one of them has. A layout takes the family,
/// semantics and meaning of the op it is paired with: it stores that op's tensor.
struct entry_pair {
  operand from_operand, to_operand;  // own what the entries point at
  entry_info from, to;
};
entry_pair resolve_pair(std::string_view from, std::string_view to, std::optional<int> rank,
                        std::optional<int> weight_ndim = std::nullopt);

/// The sizes and requests a conversion takes from the command line (--groups, --heads, --kv-heads,
/// --fold-bias), as one struct for every command.
struct size_options {
  std::optional<index_t> groups, heads, kv_heads;
  bool fold_bias = false;
  [[nodiscard]] op_options options() const { return {groups, heads, kv_heads, fold_bias, {}}; }
};

/// Registers --groups, --heads, --kv-heads and --fold-bias on a command.
void add_size_options(CLI::App& cmd, size_options& o);

/// Registers --no-sync on a command that writes files: name each output as soon as its data is
/// written, without waiting for the disk (axle::write_options::sync).
void add_no_sync_flag(CLI::App& cmd, bool& no_sync);

/// The conversion between two entries, or a one-line error that says why there is none.
op_conversion conversion(const entry_info& from, const entry_info& to, const size_options& o);

void add_list(CLI::App& app);
void add_explain(CLI::App& app);
void add_plan(CLI::App& app);
void add_convert(CLI::App& app);
void add_convert_checkpoint(CLI::App& app);

}  // namespace axle::cli
