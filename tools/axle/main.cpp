// axle — the command-line tool.
//
//     axle list [--family F]                        the catalogue
//     axle explain <op or layout>                    an op's layout, orientation, semantics and source
//     axle plan <from> <to> [--groups G] [--rank N]  the conversion, in axle notation and as code
//     axle convert <from> <to> in.npy out.npy [--groups G] [--force]
//     axle convert-checkpoint IN OUT [--rules R.toml] [--preset P] [--dry-run] [--verify] [--strict]
//
// Wherever an op name is accepted, so is a layout in axle's notation, quoted: "(O, H, W, I)".
// `axle <command> --help` describes each command (docs/cli.md: the whole command line, its
// errors and exit statuses). Conversions are derived at run time by the same engine that derives
// plan_t at compile time (<axle/value.hpp>), from the catalogue's layouts. Every error is one
// line on stderr and a non-zero exit; an output file is complete or absent, also when the tool is
// interrupted (SIGINT, SIGTERM, SIGHUP) or killed.
#include "cli.hpp"

#include <axle/file.hpp>

#include <cstdio>
#include <string>

int main(int argc, char** argv) {
  axle::remove_temporaries_on_signal();
  const auto app = axle::cli::make_app();
  std::string error;
  const int status = axle::cli::run(*app, argc, argv, error);
  if (!error.empty()) std::fprintf(stderr, "axle: error: %s\n", error.c_str());
  return status;
}
