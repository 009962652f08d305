// A user's program that reads checkpoints: the targets axle::safetensors and axle::npz bring
// their dependencies (nlohmann_json, libzip) with them, installed or as a subdirectory.
#include <axle/npz.hpp>
#include <axle/safetensors.hpp>

int main() {
  const std::string header = axle::safetensors::writer::header({{"w", axle::dtype::F32, {2}}}, std::nullopt, "w.safetensors");
  return header.size() == 8 + 56 ? 0 : 1;  // 54 bytes of JSON, padded to 56
}
