// Loading a checkpoint into typed views: the layout is part of the type, so a weight cannot be
// handed to code that expects another layout, and a tensor stamped with its layout cannot be read
// as something else.
//
// The example writes a small "PyTorch" checkpoint first (in practice: model.safetensors from
// torch / safetensors), reads a ConvTranspose2d weight from it as a zero-copy typed view, converts
// it to Equinox's layout for a kernel that wants that, and saves the result with its layout
// stamped, as `axle convert-checkpoint` does.
#include <axle/axle.hpp>
#include <axle/convert.hpp>
#include <axle/format.hpp>
#include <axle/safetensors.hpp>

#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <vector>

using namespace axle::axes;

// PyTorch ConvTranspose2d stores (in, out, kh, kw) and uses it as the adjoint of a convolution;
// Equinox stores (out, in, kh, kw) and correlates with it as stored.
using torch_conv_transpose2d = axle::layout<I, O, axle::flipped<H>, axle::flipped<W>>;
using equinox_conv_transpose2d = axle::layout<O, I, H, W>;

// A kernel that only accepts Equinox's layout: passing a PyTorch view does not compile.
float first_tap(axle::tensor_view<const float, equinox_conv_transpose2d> w) { return w(O{0}, I{0}, H{0}, W{0}); }

int main() {
  namespace st = axle::safetensors;
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "axle_load_checkpoint_example";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);

  // A checkpoint as PyTorch would save it: up.weight of ConvTranspose2d(in=4, out=2, kernel 3x3).
  std::vector<float> w(4 * 2 * 3 * 3);
  for (std::size_t k = 0; k < w.size(); ++k) w[k] = static_cast<float>(k);
  st::write(dir / "model.safetensors", {{"up.weight", axle::dtype::F32, {4, 2, 3, 3}}}, {std::as_bytes(std::span<const float>(w))},
            std::map<std::string, std::string>{{"format", "pt"}});

  // Read it: the file is mapped and its header validated; the view is zero copy, and checked
  // (dtype, rank, shape).
  const st::file f(dir / "model.safetensors");
  for (const std::string& name : f.names()) fmt::print("{}: {} {} bytes\n", name, axle::dtype_name(f.info(name).dtype), f.info(name).bytes());
  const auto torch_w = f.view<const float, torch_conv_transpose2d>("up.weight");

  // first_tap(torch_w);  // does not compile: layout_mismatch<expected<O, I, H, W>, got<I, O, H~, W~>, fix<swap(O, I) · flip(H, W)>>
  const auto eqx_w = axle::convert<equinox_conv_transpose2d>(torch_w);  // the derived plan, materialised
  fmt::print("plan {}; Equinox's first tap is PyTorch's (I 0, O 0, H 2, W 2): {} == {}\n", axle::plan_t<torch_conv_transpose2d, equinox_conv_transpose2d>{},
             first_tap(eqx_w), torch_w(I{0}, O{0}, H{0}, W{0}));

  // Save it with its layout stamped: whoever reads it back must ask for that layout.
  const auto bytes = std::as_bytes(std::span<const float>(eqx_w.data(), eqx_w.size()));
  st::write(dir / "equinox.safetensors", {{"up.weight", axle::dtype::F32, {2, 4, 3, 3}}}, {bytes},
            std::map<std::string, std::string>{{st::stamp_key("up.weight"), "equinox.conv_transpose2d (O, I, H, W)"}});
  const st::file g(dir / "equinox.safetensors");
  fmt::print("stamped: {}\n", st::stamp_text(*g.layout_stamp("up.weight")));
  const float tap = first_tap(g.view<const float, equinox_conv_transpose2d>("up.weight"));
  try {
    static_cast<void>(g.view<const float, torch_conv_transpose2d>("up.weight"));  // the double-transpose bug, caught
    return 1;
  } catch (const st::error& e) {
    fmt::print("refused: {}\n", e.what());
  }
  std::filesystem::remove_all(dir);
  return tap == first_tap(eqx_w) ? 0 : 1;
}
