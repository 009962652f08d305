// axle explain — what an op stores and what it means; or what a layout written as text says.
#include "cli.hpp"

#include <axle/notation.hpp>
#include <axle/op_conversion.hpp>

#include <fmt/format.h>

#include <memory>
#include <string>
#include <vector>

namespace axle::cli {

namespace {

/// The gate order of a recurrent weight, "i, f, g, o", or its one gate.
std::string gates(const entry_info& e) {
  for (int i = 0; i < e.weight->natoms; ++i) {
    const value::atom& a = e.weight->atoms[i];
    if (a.name() == "gate" && a.labelled()) {
      std::string out;
      for (int k = 0, n = value::label_count(a.label_text()); k < n; ++k) out += (k ? ", " : "") + std::string(value::label_at(a.label_text(), k));
      return out;
    }
  }
  return {};
}

/// Whether the stored matrix has its output axis before its input axis.
bool out_first(const value::layout& l) {
  for (int i = 0; i < l.natoms; ++i) {
    const std::string_view n = l.atoms[i].name();
    if (n == "I") return false;
    if (n == "O" || n == "heads" || n == "kv_heads" || n == "qkv" || n == "slot" || n == "gate") return true;
  }
  return true;
}

std::string semantics_text(const entry_info& e) {
  const op_meaning& m = e.meaning;
  const std::string product = out_first(*e.weight) ? "y = W x, each stored row one output (out, in)"
                                                   : "y = x W, each stored column one output (in, out)";
  switch (e.family) {
    case family::conv: return "a cross-correlation with the stored kernel";
    case family::conv_transpose:
      return e.semantics == semantics::adjoint
                 ? "adjoint: the gradient of the convolution that uses the same stored tensor;\n"
                   "                            as a direct correlation kernel it is reversed where the layout says ~"
                 : "direct: the stride-dilated input is correlated with the stored kernel as is";
    case family::depthwise_conv:
      return "a cross-correlation per channel: output channel c*M + m correlates input channel c\n"
             "                            (a grouped conv with G = C and I/G = 1; M = O/G)";
    case family::dense: return "a matrix product " + product;
    case family::lstm: {
      std::string s = "an LSTM cell, c' = f*c + i*g and h' = o*tanh(c') (g: the cell candidate); ";
      if (m.tensor == tensor_kind::bias) return s + "its biases, gates " + gates(e);
      if (!m.section.empty()) return s + "the kernel of gate " + std::string(section_label(m.section)) + ", " + product;
      return s + "gates " + gates(e) + ", " + product;
    }
    case family::gru: {
      std::string s = "a GRU cell, h' = (1 - z)*n + z*h (n: the candidate); ";
      if (m.tensor == tensor_kind::bias) return s + "its biases, gates " + gates(e);
      if (!m.section.empty()) return s + "the kernel of gate " + std::string(section_label(m.section)) + ", " + product;
      return s + "gates " + gates(e) + ", " + product;
    }
    case family::attention: return "scaled dot-product attention: the layout of q, k and v (no weight)";
    case family::projection: {
      const std::string what = m.section.empty() ? "the fused q, k and v projections" : describe_section(m.section);
      const std::string heads = m.section == "out" ? "its input is the heads' outputs, (heads, head_dim)"
                                                   : "its outputs split into heads, head outer";
      return what + " of multi-head attention" + (m.tensor == tensor_kind::bias ? " (its bias)" : "") + ": " + heads;
    }
  }
  return "?";
}

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
  const op_meaning& m = e.meaning;
  fmt::print("{} — {}{}, {}\n", e.name, rank_text(e), to_string(e.family), to_string(e.semantics));
  fmt::print("  {:<24}  {}\n", m.tensor == tensor_kind::bias ? "bias (canonical roles)" : "weight (canonical roles)",
             to_string(*e.weight));
  if (e.supports_groups && to_string(*e.weight_ungrouped) != to_string(*e.weight))
    fmt::print("  with one group            {}\n", to_string(*e.weight_ungrouped));
  fmt::print("  activation                {}\n", to_string(*e.activation));
  fmt::print("  semantics                 {}\n", semantics_text(e));
  if (m.reset != reset_gate::none) fmt::print("  reset gate                {}\n", describe(m.reset).substr(4));
  if (m.biases != bias_form::none) fmt::print("  biases                    {}\n", describe(m.biases));
  if (e.family == family::projection) {
    fmt::print("  rotary                    {}\n", describe(m.rotary));
    if (!m.sections.empty()) fmt::print("  sections                  {}\n", m.sections);
  }
  if (e.family != family::projection && !m.section.empty())
    fmt::print("  section                   {}\n", describe_section(m.section));
  fmt::print("  groups                    {}\n", e.supports_groups ? "supported" : "not supported");
  fmt::print("  source                    {}\n", e.source);
  fmt::print("  status                    {}\n", to_string(e.status));
  if (!e.note.empty()) fmt::print("  note                      {}\n", e.note);
}

}  // namespace

void add_explain(CLI::App& app) {
  auto name = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("explain", "Explain an op (its weight layout, orientation, semantics and source) or a layout written as text");
  cmd->footer("Examples:\n  axle explain torch.conv_transpose2d\n  axle explain transformers.llama_attention:q_proj\n  axle explain \"((G, I), O, H~, W~)\"");
  cmd->add_option("op", *name, "<framework>.<op>, as `axle list` shows it, or a layout in axle's notation")->required();
  cmd->callback([name] {
    for (const entry_info& e : lookup(*name)) is_layout_entry(e) ? explain_layout(e) : explain_op(e);
  });
}

}  // namespace axle::cli
