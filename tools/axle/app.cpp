// axle — the command line as a whole: the commands, and every error as one line.
#include "cli.hpp"

#include <axle/text.hpp>
#include <axle/version.hpp>

#include <fmt/format.h>

#include <string>
#include <string_view>
#include <vector>

namespace axle::cli {

namespace {

/// The names an app's options answer to: "--groups", "-f", ...
std::vector<std::string> option_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::Option* o : app.get_options()) {
    for (const std::string& n : o->get_lnames()) names.push_back("--" + n);
    for (const std::string& n : o->get_snames()) names.push_back("-" + n);
  }
  return names;
}

std::string did_you_mean(std::string_view name, const std::vector<std::string>& candidates) {
  std::vector<std::string_view> views(candidates.begin(), candidates.end());
  const auto close = close_matches(name, views, 1);
  return close.empty() ? std::string() : fmt::format("; did you mean {}?", close[0]);
}

/// The command the line named (the app itself when none was parsed).
const CLI::App& chosen(const CLI::App& app) {
  const auto subs = app.get_subcommands();
  return subs.empty() ? app : *subs.front();
}

/// What was left over from parsing, as one message: an option the command does not take or, when
/// `arguments`, an argument too many. Empty when there is none.
std::string leftover(const CLI::App& app, bool arguments) {
  const CLI::App& cmd = chosen(app);
  const std::vector<std::string> rest = cmd.remaining();
  const std::string where = &cmd == &app ? std::string("axle") : "axle " + cmd.get_name();
  for (const std::string& r : rest) {
    if (r.size() < 2 || r[0] != '-') continue;
    const std::string name = r.substr(0, r.find('='));
    return fmt::format("{} takes no option {}{}", where, echo(name), did_you_mean(name, option_names(cmd)));
  }
  if (arguments && !rest.empty()) return fmt::format("{} takes no further argument {}", where, echo(rest.front()));
  return {};
}

}  // namespace

std::unique_ptr<CLI::App> make_app() {
  auto app = std::make_unique<CLI::App>("axle: tensor layouts across frameworks — list, explain, plan and convert weights and checkpoints", "axle");
  app->set_version_flag("--version", fmt::format("axle {}.{}.{}", version_major, version_minor, version_patch));
  app->require_subcommand(1);
  app->footer(
      "`axle <command> --help` describes a command. Names are <framework>.<op> as `axle list` shows them; "
      "a layout in axle's notation, quoted, may stand for an op: \"(O, H, W, I)\".\n"
      "Example:\n  axle plan torch.conv_transpose2d equinox.conv_transpose2d");
  add_list(*app);
  add_explain(*app);
  add_plan(*app);
  add_convert(*app);
  add_convert_checkpoint(*app);
  return app;
}

int run(CLI::App& app, int argc, const char* const* argv, std::string& error) {
  std::string command;
  if (argc > 1 && argv[1] != nullptr) command = argv[1];
  std::vector<std::string_view> commands;
  for (const CLI::App* sub : app.get_subcommands({})) commands.push_back(sub->get_name());
  bool known = false;
  for (std::string_view c : commands) known = known || c == command;
  const std::string help = known ? fmt::format("axle {} --help", command) : std::string("axle --help");
  try {
    if (!command.empty() && command[0] != '-' && !known) {
      const auto close = close_matches(command, commands, 1);
      throw usage_error(fmt::format("unknown command {}{}", echo(command),
                                    close.empty() ? std::string() : fmt::format("; did you mean {}?", close[0])));
    }
    app.parse(argc, argv);
    return 0;
  } catch (const CLI::Success& e) {
    return app.exit(e);  // --help, --version: on stdout, status 0
  } catch (const CLI::ParseError& e) {
    // An unknown option explains most parse errors ("out is required" for `convert a b -x.npy o.npy`).
    std::string what = leftover(app, dynamic_cast<const CLI::ExtrasError*>(&e) != nullptr);
    if (what.empty()) what = argc < 2 ? std::string("a command is needed") : std::string(e.what());
    error = one_line(fmt::format("{} ({})", what, help));
    return 2;
  } catch (const usage_error& e) {
    error = one_line(fmt::format("{} ({})", e.what(), help));
    return 2;
  } catch (const std::exception& e) {
    error = one_line(e.what());
    return 1;
  }
}

}  // namespace axle::cli
