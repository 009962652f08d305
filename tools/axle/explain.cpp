// axle explain — what an op stores and what it means.
#include "cli.hpp"

#include <axle/notation.hpp>

#include <fmt/format.h>

#include <memory>

namespace axle::cli {

void add_explain(CLI::App& app) {
  auto name = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("explain", "Explain an op: its weight layout, orientation, semantics and source");
  cmd->footer("Example:\n  axle explain torch.conv_transpose2d");
  cmd->add_option("op", *name, "<framework>.<op>, as `axle list` shows it")->required();
  cmd->callback([name] {
    for (const entry_info& e : lookup(*name)) {
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
  });
}

}  // namespace axle::cli
