// axle convert — one .npy weight from one op's layout to another's.
//
// The input is mapped, not read: its data are viewed in place (npy::map) in the source op's layout,
// known at run time (a dynamic_view), and converted with axle::convert_into into a streamed
// destination that writes each piece of the result to the output file as soon as it is made. So
// peak memory is the input pages the conversion has touched and not yet released, plus one piece
// (docs/performance.md measures it); input pages that no later piece reads are released as the
// conversion goes.
#include "cli.hpp"

#include <axle/convert.hpp>
#include <axle/dynamic_view.hpp>
#include <axle/file.hpp>
#include <axle/notation.hpp>
#include <axle/npy.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <memory>
#include <span>
#include <vector>

namespace axle::cli {

namespace {

struct convert_options {
  std::string from, to, in, out;
  std::optional<index_t> groups;
  bool force = false;
};

/// Converts the mapped input's elements, seen as raw bits of their size (every dtype converts
/// exactly), into `out`.
template <class Bits>
void stream(const npy::mapped_array& in, const chosen_layouts& c, std::span<const index_t> shape, output_file& out) {
  const npy::array_ref& a = in.array;
  // NumPy aligns the data of the files it writes; a file whose data are not aligned for their
  // element size (another writer's) is copied once instead of viewed in place.
  std::vector<Bits> copy;
  dynamic_view<const Bits> src;
  if (reinterpret_cast<std::uintptr_t>(a.data.data()) % alignof(Bits) == 0) {
    src = a.view<const Bits>(c.from, c.sizes);
  } else {
    copy.resize(a.size());
    std::memcpy(copy.data(), a.data.data(), a.data.size());
    src = dynamic_view<const Bits>(copy, c.from, shape, c.sizes);
  }
  std::size_t low = 0;                // input bytes [0, low) are released
  std::size_t high = in.file.size();  // and so are [high, size)
  convert_into(src, stream_to(c.to, [&](const stream_piece<Bits>& piece) {
                 out.write(std::as_bytes(piece.elements));
                 if (!copy.empty() || piece.source_begin >= piece.source_end) return;
                 const std::size_t begin = a.data_offset + static_cast<std::size_t>(piece.source_begin) * sizeof(Bits);
                 const std::size_t end = a.data_offset + static_cast<std::size_t>(piece.source_end) * sizeof(Bits);
                 if (begin > low) {
                   in.file.release(low, begin - low);
                   low = begin;
                 }
                 if (end < high) {
                   in.file.release(end, high - end);
                   high = end;
                 }
               }));
}

void run(const convert_options& o) {
  if (!o.force && std::filesystem::exists(o.out))
    throw tool_error(fmt::format("{} already exists; pass --force to overwrite it", o.out));
  const npy::mapped_array in = npy::map(o.in);
  const npy::array_ref& a = in.array;
  const auto [f, t] = resolve_pair(o.from, o.to, std::nullopt, static_cast<int>(a.ndim()));
  const chosen_layouts c = choose(*f, *t, o.groups);
  const value::derivation p = derive_or_throw(c, f->name, t->name);
  // Each extent fits in index_t: npy::map refused shapes whose size does not (NumPy's rule).
  std::vector<index_t> shape;
  for (const std::size_t d : a.shape) shape.push_back(static_cast<index_t>(d));
  strided_map m;
  try {
    m = map_plan(p, shape, c.sizes);
  } catch (const shape_error& e) {
    // Name the file and the op the shape was read as.
    std::string what = e.what();
    if (what.substr(0, 8) == "source: ") what = what.substr(8);
    throw tool_error(fmt::format("{}: as a {} weight: {}", o.in, f->name, what));
  }
  npy::array header;
  header.dtype = a.dtype;
  for (const index_t d : m.target_shape) header.shape.push_back(static_cast<std::size_t>(d));
  output_file out(o.out, o.force);
  out.write(npy::encode_header(header));
  switch (npy::item_size(a.dtype)) {
    case 2:
      stream<std::uint16_t>(in, c, shape, out);
      break;
    case 4:
      stream<std::uint32_t>(in, c, shape, out);
      break;
    default:
      stream<std::uint64_t>(in, c, shape, out);
      break;
  }
  out.commit();
  fmt::print("{} {} -> {} {}: {}\n", o.in, npy::shape_string(a.shape), o.out, npy::shape_string(header.shape),
             to_string(value::normal_form(p)));
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
  cmd->add_option("--groups", o->groups, "Number of groups (default 1)")->check(positive_integer(index_t{1} << 31));
  cmd->add_flag("-f,--force", o->force, "Overwrite an existing output");
  cmd->callback([o] { run(*o); });
}

}  // namespace axle::cli
