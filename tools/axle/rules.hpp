// axle convert-checkpoint — the rules: which tensors are what, and what they become.
//
// A rules file is TOML. Each `[[rule]]` matches tensor names and says what the matched tensors
// are and what to do with them; the first rule that matches a tensor decides it (the rules of
// --rules files in order, then those of the --preset):
//
//     [[rule]]
//     match  = "decoder.up.{n}.weight"   # a name pattern, with named captures
//     ndim   = 4                          # optional conditions: the rank (a number or a list) and
//     with   = ["decoder.up.{n}.bias"]   # tensors that must exist (or not: `without`); an entry
//                                         # may also be { name = "...", ndim = 4 }
//     from   = "torch.conv_transpose2d"  # what the tensor is (a catalogue op) ...
//     to     = "flax.conv_transpose"      # ... and what it becomes
//     groups = 1                          # sizes the shape cannot tell (also: sizes = { M = 2 })
//     rename = "decoder.up.{n}.kernel"    # the new name, from the captures
//     # or: drop = true (leave the tensor out), unit_axes = 2 (append size-1 axes: (O,) → (O, 1, 1)),
//     #     ask = "why a rule is needed" (refuse the tensor until a rule that comes first says what it is)
//
//     [metadata]
//     set = { format = "flax" }           # __metadata__ entries to set, and to remove
//     remove = ["format"]
//
// Patterns: `{name}` captures one dot-separated part of a name (one or more characters, no
// dot), `{name*}` one or more characters including dots; `*` and `**` match the same without
// capturing; everything else matches itself. A capture is used in `rename` and `with` as `{name}`.
#pragma once

#include "cli.hpp"

#include <axle/safetensors.hpp>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace axle::cli {

/// A name pattern with named captures (see the header).
class name_pattern {
 public:
  name_pattern() = default;
  /// Parses `text`; `where` names it in errors ("rules.toml:4").
  name_pattern(std::string_view text, std::string_view where);
  /// The captures when `name` matches, else nothing.
  [[nodiscard]] std::optional<std::map<std::string, std::string>> match(std::string_view name) const;
  [[nodiscard]] const std::string& text() const noexcept { return text_; }
  [[nodiscard]] const std::vector<std::string>& captures() const noexcept { return captures_; }

 private:
  struct piece {
    enum kind_t { literal, one_part, any } kind = literal;
    std::string text;     // a literal's text
    std::string capture;  // empty: matched without capturing
  };
  bool match_from(std::size_t p, std::string_view name, std::size_t at, std::map<std::string, std::string>& out) const;
  std::string text_;
  std::vector<piece> pieces_;
  std::vector<std::string> captures_;
};

/// A name built from captures: `decoder.up.{n}.kernel`.
class name_template {
 public:
  name_template() = default;
  /// Parses `text`; every `{name}` must be one of `captures`.
  name_template(std::string_view text, const std::vector<std::string>& captures, std::string_view where);
  [[nodiscard]] std::string fill(const std::map<std::string, std::string>& captures) const;
  [[nodiscard]] const std::string& text() const noexcept { return text_; }

 private:
  std::string text_;
  std::vector<std::pair<bool, std::string>> parts_;  // (is a capture, text or capture name)
};

/// A tensor that must (or must not) exist beside the matched one.
struct sibling {
  name_template name;
  std::vector<int> ndim;  // any rank when empty
};

struct rule {
  std::string origin;  // "rules.toml:12", "preset torch-to-flax:3"
  name_pattern match;
  std::vector<int> ndim;  // any rank when empty
  std::vector<sibling> with, without;
  std::optional<std::string> from, to;  // ops or layouts in axle's notation, resolved per tensor (resolve_rule_op)
  std::vector<std::pair<std::string, index_t>> sizes;  // axis → size (groups = G)
  std::optional<name_template> rename;
  bool drop = false;
  int unit_axes = 0;
  std::optional<std::string> ask;
};

struct rule_set {
  std::vector<rule> rules;
  std::map<std::string, std::string> set_metadata;
  std::set<std::string> remove_metadata;
};

/// Reads the rules of one TOML text; `name` names it in errors.
void parse_rules(std::string_view text, const std::string& name, rule_set& into);
/// Reads a rules file.
void read_rules(const std::string& path, rule_set& into);
/// The names of the presets, and the TOML text of one (empty for an unknown name).
std::vector<std::string_view> preset_names();
std::string_view preset_text(std::string_view name);

/// What a tensor's checkpoint offers a rule's conditions: the rank of a tensor by name, if it exists.
struct tensor_lookup {
  virtual ~tensor_lookup() = default;
  [[nodiscard]] virtual std::optional<int> ndim_of(const std::string& name) const = 0;
};

/// The first rule of `rules` that matches tensor `name` of rank `ndim`, with its captures.
struct rule_match {
  const rule* r = nullptr;
  std::map<std::string, std::string> captures;
};
[[nodiscard]] rule_match find_rule(const rule_set& rules, const std::string& name, int ndim, const tensor_lookup& tensors);

/// An op of a rule, for a weight of `ndim` dimensions: the catalogue entry, or the entry of a layout
/// written in axle's notation (`((G, O), H, W, I)`, a hand-written engine's), whose layouts the
/// conversion uses. This is the one place a rule's `from` and `to` are read. A layout stores the
/// tensor of the op it is paired with, and takes that op's meaning (pair_layout_with_op).
struct resolved_op {
  const entry_info* entry = nullptr;
  std::string name;                          // the catalogue name, or the layout as axle prints it
  operand layout;                            // a layout's operand, which owns what its entry points at
  std::shared_ptr<entry_info> layout_entry;  // a layout's entry, given its op's meaning; null for an op

  [[nodiscard]] bool is_layout() const noexcept { return layout_entry != nullptr; }
};
[[nodiscard]] resolved_op resolve_rule_op(const std::string& text, int ndim, const rule& r, const std::string& tensor);
/// The target op of the same spatial rank as the source op, or a layout; a layout on either side
/// takes the meaning of the op on the other (`from` may change).
[[nodiscard]] resolved_op resolve_rule_target(const std::string& text, resolved_op& from, const rule& r, const std::string& tensor);

}  // namespace axle::cli
