// axle convert — one .npy weight from one op's layout to another's.
#include "cli.hpp"

#include <axle/convert.hpp>
#include <axle/notation.hpp>
#include <axle/npy.hpp>

#include <fmt/format.h>

#include <cstdint>
#include <filesystem>
#include <memory>

namespace axle::cli {

namespace {

struct convert_options {
  std::string from, to, in, out;
  size_options sizes;
  bool force = false;
};

void run(const convert_options& o) {
  if (!o.force && std::filesystem::exists(o.out))
    throw tool_error(fmt::format("{} already exists; pass --force to overwrite it", o.out));
  npy::array a = npy::read(o.in);
  const auto [f, t] = resolve_pair(o.from, o.to, std::nullopt, static_cast<int>(a.ndim()));
  const op_conversion c = conversion(*f, *t, o.sizes);
  std::vector<index_t> shape(a.shape.begin(), a.shape.end());
  strided_map m;
  try {
    if (c.folds())
      m.target_shape = c.target_shape(shape);  // the sums are done below
    else
      m = c.map(shape);
  } catch (const shape_error& e) {
    throw tool_error(fmt::format("{}: {}", o.in, e.what()));
  }
  npy::array r;
  r.dtype = a.dtype;
  r.shape.assign(m.target_shape.begin(), m.target_shape.end());
  std::size_t elements = 1;
  for (const std::size_t x : r.shape) elements *= x;  // no more than the source holds
  r.data.resize(elements * npy::item_size(a.dtype));
  if (c.folds()) {
    // Sums are arithmetic: float32 and float64 only, never a silent rounding of 16-bit floats.
    if (a.dtype == npy::dtype::float32)
      c.fold(shape, reinterpret_cast<const float*>(a.data.data()), reinterpret_cast<float*>(r.data.data()));
    else if (a.dtype == npy::dtype::float64)
      c.fold(shape, reinterpret_cast<const double*>(a.data.data()), reinterpret_cast<double*>(r.data.data()));
    else
      throw tool_error(fmt::format("{}: folding biases sums them, which axle does in float32 or float64 only, not {}", o.in,
                                   npy::name(a.dtype)));
  } else {
  // Elements are copied as raw bits of their size: every dtype converts exactly.
  switch (npy::item_size(a.dtype)) {
    case 2: materialize(m, reinterpret_cast<const std::uint16_t*>(a.data.data()), reinterpret_cast<std::uint16_t*>(r.data.data())); break;
    case 4: materialize(m, reinterpret_cast<const std::uint32_t*>(a.data.data()), reinterpret_cast<std::uint32_t*>(r.data.data())); break;
    default: materialize(m, reinterpret_cast<const std::uint64_t*>(a.data.data()), reinterpret_cast<std::uint64_t*>(r.data.data())); break;
  }
  }
  npy::write(o.out, r, o.force);
  fmt::print("{} {} -> {} {}: {}\n", o.in, npy::shape_string(a.shape), o.out, npy::shape_string(r.shape), c.notation());
  if (!c.remark().empty()) fmt::print("note: {}\n", c.remark());
}

}  // namespace

void add_convert(CLI::App& app) {
  auto o = std::make_shared<convert_options>();
  CLI::App* cmd = app.add_subcommand("convert", "Convert a .npy weight from one op's layout to another's");
  cmd->footer("Example:\n  axle convert torch.conv_transpose2d equinox.conv_transpose2d w.npy w_eqx.npy --groups 4");
  cmd->add_option("from", o->from, "The op the weight comes from")->required();
  cmd->add_option("to", o->to, "The op it goes to")->required();
  cmd->add_option("in", o->in, "The .npy file to read")->required();
  cmd->add_option("out", o->out, "The .npy file to write (complete, or not at all)")->required();
  add_size_options(*cmd, o->sizes);
  cmd->add_flag("-f,--force", o->force, "Overwrite an existing output");
  cmd->callback([o] { run(*o); });
}

}  // namespace axle::cli
