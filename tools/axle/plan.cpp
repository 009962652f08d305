// axle plan — the conversion between two ops' weights, in axle's notation and as code.
#include "cli.hpp"

#include <axle/codegen.hpp>
#include <axle/notation.hpp>

#include <fmt/format.h>

#include <cctype>
#include <memory>
#include <utility>

namespace axle::cli {

namespace {

struct plan_options {
  std::string from, to;
  size_options sizes;
  std::optional<int> rank;
};

/// Multi-line code indented under its label; one line stays on the label's line.
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

/// "torch.conv2d  (O, I, H, W)", or the layout alone when it was given as text.
std::string describe_pair(const entry_info& e, const value::layout& l) {
  return is_layout_entry(e) ? to_string(l) : fmt::format("{}  {}", e.name, to_string(l));
}

bool has_group_axis(const value::layout& l) {
  for (int i = 0; i < l.natoms; ++i)
    if (l.atoms[i].name() == "G") return true;
  return false;
}

/// The sizes the printed code reads from variables that no option gave.
std::string missing_sizes(const op_conversion& c, const std::string& code) {
  static constexpr std::pair<std::string_view, std::string_view> options[] = {
      {"G", "--groups"}, {"heads", "--heads"}, {"kv_heads", "--kv-heads"}};
  std::string out;
  for (const auto& [name, option] : options) {
    bool bound = false;
    for (const axis_size& s : c.sizes()) bound = bound || s.axis == name;
    const std::string word = std::string(name);
    bool used = false;
    for (std::size_t k = code.find(word); k != std::string::npos; k = code.find(word, k + 1)) {
      const bool left = k == 0 || !(std::isalnum(static_cast<unsigned char>(code[k - 1])) || code[k - 1] == '_');
      const std::size_t e = k + word.size();
      const bool right = e == code.size() || !(std::isalnum(static_cast<unsigned char>(code[e])) || code[e] == '_');
      used = used || (left && right);
    }
    if (used && !bound) out += fmt::format("{}{} ({})", out.empty() ? "" : ", ", name, option);
  }
  return out;
}

void run(const plan_options& o) {
  const entry_pair e = resolve_pair(o.from, o.to, o.rank);
  const entry_info* f = &e.from;
  const entry_info* t = &e.to;
  const op_conversion c = conversion(*f, *t, o.sizes);
  fmt::print("from     {}\n", describe_pair(*f, c.from_layout()));
  fmt::print("to       {}\n", describe_pair(*t, c.to_layout()));
  fmt::print("plan     {}\n", c.notation());
  const std::string numpy = c.code(dialect::numpy);
  fmt::print("numpy    {}\n", indent_code(numpy));
  fmt::print("pytorch  {}\n", indent_code(c.code(dialect::torch)));
  fmt::print("jax      {}\n", indent_code(c.code(dialect::jax)));
  if (!c.remark().empty()) fmt::print("note     {}\n", c.remark());
  if (const std::string missing = missing_sizes(c, numpy); !missing.empty())
    fmt::print("sizes    the code reads {}: give the option, or define the variable\n", missing);
  if (!c.grouped() && has_group_axis(*f->weight) && has_group_axis(*t->weight)) {
    const value::derivation q = value::derive(*f->weight, *t->weight);
    if (!q.error) fmt::print("with groups (--groups G): {}\n", to_string(value::normal_form(q)));
  }
}

}  // namespace

void add_plan(CLI::App& app) {
  auto o = std::make_shared<plan_options>();
  CLI::App* cmd = app.add_subcommand(
      "plan", "Derive the conversion between two ops' weights (or layouts), as a plan and as NumPy, PyTorch and JAX code");
  cmd->footer(
      "Examples:\n  axle plan torch.conv_transpose2d equinox.conv_transpose2d --groups 4\n"
      "  axle plan llama.attention:wk transformers.llama_attention:k_proj --kv-heads 8\n"
      "  axle plan \"(I, O, H~, W~)\" \"(H, W, O, I)\"");
  cmd->add_option("from", o->from, "The op the weight comes from, or its layout in axle's notation: \"(O, I, H, W)\"")->required();
  cmd->add_option("to", o->to, "The op it goes to, or its layout")->required();
  add_size_options(*cmd, o->sizes);
  cmd->add_option("--rank", o->rank, "Spatial rank, for ops that take any rank")->check(integer_in(0, 3));
  cmd->callback([o] { run(*o); });
}

}  // namespace axle::cli
