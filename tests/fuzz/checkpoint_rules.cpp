// Fuzz target: the rules of convert-checkpoint, whose `from` and `to` are catalogue ops or layouts
// in axle's notation. The bytes are a rules file (TOML); `axle convert-checkpoint in.safetensors
// out.safetensors --rules rules.toml --dry-run` runs on it in-process, in a sandbox directory that
// holds a small checkpoint: a PyTorch-like model's tensors of every rank from 0 to 5 (a conv, a
// grouped transposed conv, 1-D and 3-D convs, a linear layer, an LSTM's, a bias, a counter).
// Every outcome is status 0 or 1 (the command line itself is always well formed); an error is
// given exactly when the status is not 0, and it is one line without control characters; and a
// dry run writes nothing: the sandbox holds the checkpoint, unchanged, and the rules, and nothing else.
// (Run the target with -artifact_prefix=<dir>/, since its working directory is that sandbox.)
#include "fuzz.hpp"

#include "cli.hpp"

#include <axle/safetensors.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <span>
#include <string>
#include <vector>

#include <unistd.h>

namespace {

// A PyTorch-like model's tensors, of every rank from 0 to 5.
const std::vector<axle::safetensors::entry> tensors = {
    {"enc.conv.weight", axle::dtype::F32, {8, 2, 3, 3}},    {"enc.conv.bias", axle::dtype::F32, {8}},
    {"dec.up.weight", axle::dtype::F32, {8, 2, 4, 4}},      {"seq.conv1.weight", axle::dtype::F16, {6, 4, 5}},
    {"vol.conv3.weight", axle::dtype::F32, {4, 2, 3, 2, 1}}, {"head.fc.weight", axle::dtype::BF16, {10, 16}},
    {"rnn.weight_ih_l0", axle::dtype::F32, {20, 3}},        {"rnn.weight_hh_l0", axle::dtype::F32, {20, 5}},
    {"enc.bn.num_batches_tracked", axle::dtype::I64, {}},
};

std::uintmax_t checkpoint_size = 0;

void write_checkpoint() {
  std::vector<std::vector<std::byte>> buffers;
  std::vector<std::span<const std::byte>> data;
  for (const auto& t : tensors) {
    const std::size_t bytes = static_cast<std::size_t>(*axle::byte_size(t.dtype, t.shape));
    auto& b = buffers.emplace_back(bytes);
    for (std::size_t k = 0; k < bytes; ++k) b[k] = static_cast<std::byte>(k * 7 % 61);  // finite values in every dtype
  }
  for (const auto& b : buffers) data.emplace_back(b);
  axle::safetensors::write("in.safetensors", tensors, data);
  checkpoint_size = std::filesystem::file_size("in.safetensors");
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (std::freopen("/dev/null", "w", stdout) == nullptr) std::abort();
  char dir[] = "/tmp/axle-fuzz-rules-XXXXXX";
  if (::mkdtemp(dir) == nullptr || ::chdir(dir) != 0) std::abort();
  write_checkpoint();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  {
    std::ofstream rules("rules.toml", std::ios::binary | std::ios::trunc);
    rules.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  const char* argv[] = {"axle", "convert-checkpoint", "in.safetensors", "out.safetensors", "--rules", "rules.toml", "--dry-run", nullptr};
  const auto app = axle::cli::make_app();
  std::string error;
  const int status = axle::cli::run(*app, 7, argv, error);
  axle::fuzz::require(status == 0 || status == 1, "a status other than 0 or 1 for a well-formed command line", error);
  axle::fuzz::require((status == 0) == error.empty(), "an error without a failing status, or a failure without an error", error);
  axle::fuzz::require_one_line(error);
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(".")) files.push_back(e.path().filename().string());
  axle::fuzz::require(files.size() == 2, "a dry run left a file behind", files.size() > 2 ? files[2] : std::string());
  axle::fuzz::require(std::filesystem::file_size("in.safetensors") == checkpoint_size, "the checkpoint changed");
  return 0;
}
