// Fuzz target: the command line's argument parsing, in-process. The bytes are split at NUL into
// arguments after "axle"; the app that axle::cli::make_app() builds parses them and runs the
// command they name, printing to /dev/null. Every outcome is a status 0, 1 or 2, and an error
// (exactly when the status is not 0) is one line without control characters.
//
// `convert` runs too, in a directory of its own that holds no file, and only with arguments that
// name no other directory (no '/'): it can only fail to read its input, so nothing is written.
// (Run the target with -artifact_prefix=<dir>/, since its working directory is that sandbox.)
#include "fuzz.hpp"

#include "cli.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <unistd.h>

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (std::freopen("/dev/null", "w", stdout) == nullptr) std::abort();
  char dir[] = "/tmp/axle-fuzz-cli-XXXXXX";
  if (::mkdtemp(dir) == nullptr || ::chdir(dir) != 0) std::abort();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<std::string> args{"axle"};
  std::string current;
  for (std::size_t i = 0; i < size && args.size() < 16; ++i) {
    if (data[i] == 0) {
      args.push_back(current);
      current.clear();
    } else {
      current += static_cast<char>(data[i]);
    }
  }
  if (!current.empty() && args.size() < 16) args.push_back(current);
  const bool convert = std::find(args.begin(), args.end(), "convert") != args.end();
  if (convert && std::any_of(args.begin(), args.end(), [](const std::string& a) { return a.find('/') != std::string::npos; }))
    return 0;
  std::vector<const char*> argv;
  for (const std::string& a : args) argv.push_back(a.c_str());
  argv.push_back(nullptr);

  const auto app = axle::cli::make_app();
  std::string error;
  const int status = axle::cli::run(*app, static_cast<int>(args.size()), argv.data(), error);
  axle::fuzz::require(status == 0 || status == 1 || status == 2, "an exit status other than 0, 1, 2");
  axle::fuzz::require((status == 0) == error.empty(), "an error without a failing status, or a failure without an error", error);
  axle::fuzz::require_one_line(error);
  return 0;
}
