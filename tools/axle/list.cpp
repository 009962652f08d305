// axle list — the catalogue, one op per line.
#include "cli.hpp"

#include <axle/notation.hpp>
#include <axle/op_conversion.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

namespace axle::cli {

void add_list(CLI::App& app) {
  auto family = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("list", "List the catalogue: every op, its weight layout and where the facts come from");
  cmd->footer("Example:\n  axle list --family conv_transpose");
  std::vector<std::string> families;  // as the catalogue has them, in its order
  for (const entry_info& e : catalogue::entries())
    if (std::find(families.begin(), families.end(), to_string(e.family)) == families.end()) families.emplace_back(to_string(e.family));
  cmd->add_option("--family", *family, "Only ops of this family")->check(one_of(families));
  cmd->callback([family] {
    std::size_t width = 0;
    for (const entry_info& e : catalogue::entries()) width = std::max(width, e.name.size());
    fmt::print("{:<{}}  {:<22}  {:<30}  {:<34}  {}\n", "op", width, "family", "meaning", "weight, in canonical roles", "status");
    for (const entry_info& e : catalogue::entries()) {
      if (!family->empty() && to_string(e.family) != *family) continue;
      fmt::print("{:<{}}  {:<22}  {:<30}  {:<34}  {}\n", e.name, width, rank_text(e) + std::string(to_string(e.family)),
                 describe_meaning(e), to_string(*e.weight), to_string(e.status));
    }
  });
}

}  // namespace axle::cli
