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

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

namespace {

struct tensor {
  const char* name;
  const char* dtype;
  std::vector<int> shape;
  int item;
};

const std::vector<tensor> tensors = {
    {"enc.conv.weight", "F32", {8, 2, 3, 3}, 4},      {"enc.conv.bias", "F32", {8}, 4},
    {"dec.up.weight", "F32", {8, 2, 4, 4}, 4},        {"seq.conv1.weight", "F16", {6, 4, 5}, 2},
    {"vol.conv3.weight", "F32", {4, 2, 3, 2, 1}, 4},  {"head.fc.weight", "BF16", {10, 16}, 2},
    {"rnn.weight_ih_l0", "F32", {20, 3}, 4},          {"rnn.weight_hh_l0", "F32", {20, 5}, 4},
    {"enc.bn.num_batches_tracked", "I64", {}, 8},
};

std::uintmax_t checkpoint_size = 0;

/// A safetensors file as the specification lays it out: the header's length, the header (JSON,
/// padded with spaces), the data.
void write_checkpoint() {
  std::string header = "{";
  std::size_t offset = 0;
  for (const tensor& t : tensors) {
    std::size_t bytes = static_cast<std::size_t>(t.item);
    std::string shape;
    for (int e : t.shape) {
      bytes *= static_cast<std::size_t>(e);
      shape += (shape.empty() ? "" : ",") + std::to_string(e);
    }
    if (header.size() > 1) header += ",";
    header += "\"" + std::string(t.name) + "\":{\"dtype\":\"" + t.dtype + "\",\"shape\":[" + shape + "],\"data_offsets\":[" +
              std::to_string(offset) + "," + std::to_string(offset + bytes) + "]}";
    offset += bytes;
  }
  header += "}";
  while (header.size() % 8 != 0) header += ' ';
  std::string file(8, '\0');
  for (int k = 0; k < 8; ++k) file[static_cast<std::size_t>(k)] = static_cast<char>((header.size() >> (8 * k)) & 0xff);
  file += header;
  for (std::size_t k = 0; k < offset; ++k) file += static_cast<char>(k * 7 % 61);  // finite values in every dtype
  std::ofstream("in.safetensors", std::ios::binary) << file;
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
