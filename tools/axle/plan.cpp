// axle plan — the conversion between two ops' weights, in axle's notation and as code.
#include "cli.hpp"

#include <axle/codegen.hpp>
#include <axle/notation.hpp>

#include <fmt/format.h>

#include <memory>

namespace axle::cli {

namespace {

struct plan_options {
  std::string from, to;
  std::optional<index_t> groups;
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

void run(const plan_options& o) {
  const entry_pair e = resolve_pair(o.from, o.to, o.rank);
  const entry_info* f = &e.from;
  const entry_info* t = &e.to;
  const chosen_layouts c = choose(*f, *t, o.groups);
  const value::derivation p = derive_or_throw(c, *f, *t);
  // Code that reshapes a merged (G, ...) dimension reads G from a variable: define it.
  std::string prelude;
  for (const axis_size& s : c.sizes) prelude += fmt::format("{} = {}\n", s.axis, s.extent);
  auto code_in = [&](dialect d) {
    const std::string text = code(p, d);
    return indent_code(text.find('\n') == std::string::npos || prelude.empty() ? text : prelude + text);
  };
  fmt::print("from     {}\n", describe_pair(*f, c.from));
  fmt::print("to       {}\n", describe_pair(*t, c.to));
  fmt::print("plan     {}\n", to_string(value::normal_form(p)));
  fmt::print("numpy    {}\n", code_in(dialect::numpy));
  fmt::print("pytorch  {}\n", code_in(dialect::torch));
  fmt::print("jax      {}\n", code_in(dialect::jax));
  if (!c.grouped && has_group_axis(*f->weight) && has_group_axis(*t->weight)) {
    const value::derivation q = value::derive(*f->weight, *t->weight);
    if (!q.error) fmt::print("with groups (--groups G): {}\n", to_string(value::normal_form(q)));
  }
}

}  // namespace

void add_plan(CLI::App& app) {
  auto o = std::make_shared<plan_options>();
  CLI::App* cmd = app.add_subcommand("plan", "Derive the conversion between two ops' weights (or layouts), as a plan and as NumPy, PyTorch and JAX code");
  cmd->footer("Examples:\n  axle plan torch.conv_transpose2d equinox.conv_transpose2d --groups 4\n"
              "  axle plan \"(I, O, H~, W~)\" \"(H, W, O, I)\"");
  cmd->add_option("from", o->from, "The op the weight comes from, or its layout in axle's notation: \"(O, I, H, W)\"")->required();
  cmd->add_option("to", o->to, "The op it goes to, or its layout")->required();
  cmd->add_option("--groups", o->groups, "Number of groups (default 1)")->check(positive_integer(index_t{1} << 31));
  cmd->add_option("--rank", o->rank, "Spatial rank, for ops that take any rank")->check(CLI::Range(0, 3));
  cmd->callback([o] { run(*o); });
}

}  // namespace axle::cli
