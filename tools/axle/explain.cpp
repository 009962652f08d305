// axle explain — what an op stores and what it means; or what a layout written as text says.
#include "cli.hpp"

#include <axle/notation.hpp>

#include <fmt/format.h>

#include <memory>
#include <string>
#include <vector>

namespace axle::cli {

namespace {

/// The C++ type of an atom: `H`, `flipped<H>`, `outer<O, 16>`, `inner<I, 4, 4>`, `unit<I>`,
/// `labels<gate, "i,f,g,o">`.
std::string atom_type(const value::atom& a) {
  std::string t;
  if (a.unit)
    t = fmt::format("unit<{}>", a.name());
  else if (a.labelled())
    t = fmt::format("labels<{}, \"{}\">", a.name(), a.label_text());
  else if (a.extent == dynamic_extent)
    t = a.stride == 1 ? std::string(a.name()) : fmt::format("outer<{}, {}>", a.name(), a.stride);
  else
    t = a.stride == 1 ? fmt::format("inner<{}, {}>", a.name(), a.extent) : fmt::format("inner<{}, {}, {}>", a.name(), a.extent, a.stride);
  return a.flipped ? "flipped<" + t + ">" : t;
}

/// `layout<merged<G, I>, O, flipped<H>, flipped<W>>`
std::string layout_type(const value::layout& l) {
  std::string out = "layout<";
  for (int e = 0; e < l.nentries; ++e) {
    if (e > 0) out += ", ";
    if (l.entry_size(e) > 1) out += "merged<";
    for (int i = l.entry_begin[e]; i < l.entry_begin[e + 1]; ++i) out += (i > l.entry_begin[e] ? ", " : "") + atom_type(l.atoms[i]);
    if (l.entry_size(e) > 1) out += ">";
  }
  return out + ">";
}

/// What each storage dimension holds, in words.
std::string dimensions(const value::layout& l) {
  std::string out;
  for (int e = 0; e < l.nentries; ++e) {
    std::string parts;
    for (int i = l.entry_begin[e]; i < l.entry_begin[e + 1]; ++i) {
      const value::atom& a = l.atoms[i];
      std::string what;
      if (a.unit)
        what = fmt::format("{} of extent 1", a.name());
      else if (a.labelled())
        what = fmt::format("{} blocks {}", a.name(), a.label_text());
      else if (value::is_whole(a))
        what = std::string(a.name());
      else if (a.extent == dynamic_extent)
        what = fmt::format("the blocks of {} by {}", a.name(), a.stride);
      else
        what = fmt::format("{} within a block, extent {}{}", a.name(), a.extent, a.stride == 1 ? "" : fmt::format(" at stride {}", a.stride));
      what += fmt::format(" ({}{})", to_string(a.kind()), a.flipped ? ", stored reversed" : "");
      parts += (parts.empty() ? "" : ", then ") + what;
    }
    out += fmt::format("\n    {}: {}", e, parts);
  }
  return out;
}

void explain_layout(const entry_info& e) {
  const value::layout& l = *e.weight;
  fmt::print("{} — a layout given as text\n", e.name);
  fmt::print("  storage dimensions        {}{}\n", l.nentries, dimensions(l));
  fmt::print("  spatial axes              {}\n", e.spatial);
  if (e.supports_groups) fmt::print("  with one group            {}\n", to_string(*e.weight_ungrouped));
  fmt::print("  C++                       axle::layout_t<\"{}\">, that is axle::{}\n", e.name, layout_type(l));
  // The catalogue's layouts that are this one.
  std::vector<std::string> same;
  for (const entry_info& c : catalogue::entries()) {
    if (to_string(*c.weight) == e.name)
      same.push_back(fmt::format("{} {}weight", c.name, rank_text(c)));
    else if (to_string(*c.weight_ungrouped) == e.name)
      same.push_back(fmt::format("{} {}weight with one group", c.name, rank_text(c)));
    else if (to_string(*c.activation) == e.name)
      same.push_back(fmt::format("{} {}activation", c.name, rank_text(c)));
  }
  std::string list;
  for (std::size_t k = 0; k < same.size() && k < 8; ++k) list += (k ? ", " : "") + same[k];
  if (same.size() > 8) list += fmt::format(" and {} more", same.size() - 8);
  fmt::print("  in the catalogue          {}\n", same.empty() ? "none" : list);
}

void explain_op(const entry_info& e) {
  fmt::print("{} — {}{}, {}\n", e.name, rank_text(e), to_string(e.family), to_string(e.semantics));
  fmt::print("  weight (canonical roles)  {}\n", to_string(*e.weight));
  if (e.supports_groups && to_string(*e.weight_ungrouped) != to_string(*e.weight))
    fmt::print("  with one group            {}\n", to_string(*e.weight_ungrouped));
  fmt::print("  activation                {}\n", to_string(*e.activation));
  switch (e.semantics) {
    case semantics::forward:
      fmt::print("  semantics                 a cross-correlation with the stored kernel\n");
      break;
    case semantics::adjoint:
      fmt::print("  semantics                 adjoint: the gradient of the convolution that uses the same stored tensor;\n"
                 "                            as a direct correlation kernel it is reversed where the layout says ~\n");
      break;
    case semantics::direct:
      fmt::print("  semantics                 direct: the stride-dilated input is correlated with the stored kernel as is\n");
      break;
  }
  fmt::print("  groups                    {}\n", e.supports_groups ? "supported" : "not supported");
  fmt::print("  source                    {}\n", e.source);
  fmt::print("  status                    {}\n", to_string(e.status));
  if (!e.note.empty()) fmt::print("  note                      {}\n", e.note);
}

}  // namespace

void add_explain(CLI::App& app) {
  auto name = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("explain", "Explain an op (its weight layout, orientation, semantics and source) or a layout written as text");
  cmd->footer("Examples:\n  axle explain torch.conv_transpose2d\n  axle explain \"((G, I), O, H~, W~)\"");
  cmd->add_option("op", *name, "<framework>.<op>, as `axle list` shows it, or a layout in axle's notation")->required();
  cmd->callback([name] {
    for (const entry_info& e : lookup(*name)) is_layout_entry(e) ? explain_layout(e) : explain_op(e);
  });
}

}  // namespace axle::cli
