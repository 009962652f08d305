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
  std::optional<index_t> groups;
  bool force = false;
};

void run(const convert_options& o) {
  if (!o.force && std::filesystem::exists(o.out))
    throw tool_error(fmt::format("{} already exists; pass --force to overwrite it", o.out));
  npy::array a = npy::read(o.in);
  const entry_pair e = resolve_pair(o.from, o.to, std::nullopt, static_cast<int>(a.ndim()));
  const entry_info* f = &e.from;
  const entry_info* t = &e.to;
  const chosen_layouts c = choose(*f, *t, o.groups);
  const value::derivation p = derive_or_throw(c, *f, *t);
  std::vector<index_t> shape(a.shape.begin(), a.shape.end());
  strided_map m;
  try {
    m = map_plan(p, shape, c.sizes);
  } catch (const shape_error& e) {
    // Name the file and the op the shape was read as.
    std::string what = e.what();
    if (what.substr(0, 8) == "source: ") what = what.substr(8);
    throw tool_error(is_layout_entry(*f) ? fmt::format("{}: as {}: {}", o.in, f->name, what)
                                         : fmt::format("{}: as a {} weight: {}", o.in, f->name, what));
  }
  npy::array r;
  r.dtype = a.dtype;
  r.shape.assign(m.target_shape.begin(), m.target_shape.end());
  r.data.resize(a.data.size());
  // Elements are copied as raw bits of their size: every dtype converts exactly.
  switch (npy::item_size(a.dtype)) {
    case 2: materialize(m, reinterpret_cast<const std::uint16_t*>(a.data.data()), reinterpret_cast<std::uint16_t*>(r.data.data())); break;
    case 4: materialize(m, reinterpret_cast<const std::uint32_t*>(a.data.data()), reinterpret_cast<std::uint32_t*>(r.data.data())); break;
    default: materialize(m, reinterpret_cast<const std::uint64_t*>(a.data.data()), reinterpret_cast<std::uint64_t*>(r.data.data())); break;
  }
  npy::write(o.out, r, o.force);
  fmt::print("{} {} -> {} {}: {}\n", o.in, npy::shape_string(a.shape), o.out, npy::shape_string(r.shape),
             to_string(value::normal_form(p)));
}

}  // namespace

void add_convert(CLI::App& app) {
  auto o = std::make_shared<convert_options>();
  CLI::App* cmd = app.add_subcommand("convert", "Convert a .npy weight from one op's layout (or a layout) to another's");
  cmd->footer("Examples:\n  axle convert torch.conv_transpose2d equinox.conv_transpose2d w.npy w_eqx.npy --groups 4\n"
              "  axle convert torch.conv_transpose2d \"(O, H, W, I)\" w.npy w_mine.npy");
  cmd->add_option("from", o->from, "The op the weight comes from, or its layout in axle's notation: \"(O, I, H, W)\"")->required();
  cmd->add_option("to", o->to, "The op it goes to, or its layout")->required();
  cmd->add_option("in", o->in, "The .npy file to read")->required();
  cmd->add_option("out", o->out, "The .npy file to write (complete, or not at all)")->required();
  cmd->add_option("--groups", o->groups, "Number of groups (default 1)")->check(positive_integer(index_t{1} << 31));
  cmd->add_flag("-f,--force", o->force, "Overwrite an existing output");
  cmd->callback([o] { run(*o); });
}

}  // namespace axle::cli
