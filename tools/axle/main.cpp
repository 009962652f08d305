// axle — the command-line tool.
//
//     axle list [--family F]                        the catalogue
//     axle explain <framework>.<op>                  an op's layout, orientation, semantics and source
//     axle plan <from> <to> [--groups G] [--rank N]  the conversion, in axle notation and as code
//     axle convert <from> <to> in.npy out.npy [--groups G] [--force]
//     axle convert-checkpoint IN OUT [--rules R.toml] [--preset P] [--dry-run] [--verify] [--strict]
//
// `axle <command> --help` describes each command. Conversions are derived at run time by the
// same engine that derives plan_t at compile time (<axle/value.hpp>), from the catalogue's
// layouts. Every error is one line on stderr and a non-zero exit; an output file is complete or
// absent.
#include "cli.hpp"

#include <axle/text.hpp>
#include <axle/version.hpp>

#include <fmt/format.h>

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace {

using axle::cli::echo;

/// One line: CLI11's messages may span several.
std::string one_line(std::string text) {
  for (char& c : text)
    if (c == '\n') c = ' ';
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

/// The closest command name to a mistyped one.
std::string command_hint(const CLI::App& app, std::string_view name) {
  std::vector<std::string_view> names;
  for (const CLI::App* sub : app.get_subcommands({})) names.push_back(sub->get_name());
  const auto close = axle::close_matches(name, names, 1);
  return close.empty() ? std::string() : fmt::format("; did you mean {}?", close[0]);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"axle: tensor layouts across frameworks — list, explain, plan and convert weights and checkpoints", "axle"};
  app.set_version_flag("--version", fmt::format("axle {}.{}.{}", axle::version_major, axle::version_minor, axle::version_patch));
  app.require_subcommand(1);
  app.footer("`axle <command> --help` describes a command. Names are <framework>.<op> as `axle list` shows them.");
  axle::cli::add_list(app);
  axle::cli::add_explain(app);
  axle::cli::add_plan(app);
  axle::cli::add_convert(app);
  axle::cli::add_convert_checkpoint(app);
  std::string command;
  if (argc > 1) command = argv[1];
  bool known = false;
  for (const CLI::App* sub : app.get_subcommands({})) known = known || sub->get_name() == command;
  try {
    if (argc > 1 && !command.empty() && command[0] != '-' && !known)
      throw axle::cli::usage_error(fmt::format("unknown command {}{}", echo(command), command_hint(app, command)));
    app.parse(argc, argv);
    return 0;
  } catch (const CLI::Success& e) {
    return app.exit(e);  // --help, --version
  } catch (const CLI::ParseError& e) {
    const std::string help = known ? fmt::format("axle {} --help", command) : std::string("axle --help");
    const std::string what = argc < 2 ? std::string("a command is needed") : one_line(e.what());
    fmt::print(stderr, "axle: error: {} ({})\n", what, help);
    return 2;
  } catch (const axle::cli::usage_error& e) {
    fmt::print(stderr, "axle: error: {} ({})\n", one_line(e.what()), known ? fmt::format("axle {} --help", command) : "axle --help");
    return 2;
  } catch (const std::exception& e) {
    fmt::print(stderr, "axle: error: {}\n", one_line(e.what()));
    return 1;
  }
}
