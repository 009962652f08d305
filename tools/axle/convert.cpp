// axle convert — one .npy weight from one op's layout to another's.
//
// The input is mapped, not read (npy::map), and the conversion's map (op_conversion::map: the plan,
// and a fused tensor's section when one is selected) is materialised in blocks
// (axle::materialize_blocks), each run written at its place in the output file as soon as it is
// made. So peak memory is the input pages the conversion has touched and not yet released, plus one
// block (docs/performance.md measures it); input pages that no later block reads are released as
// the conversion goes. A bias fold sums two biases: its output is as small as a bias and is made whole.
#include "cli.hpp"

#include <axle/convert.hpp>
#include <axle/file.hpp>
#include <axle/notation.hpp>
#include <axle/npy.hpp>

#include <fmt/format.h>

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
  size_options sizes;
  bool force = false;
  bool no_sync = false;
};

/// The mapped input's elements as T: in place when aligned for T; NumPy aligns the data of the
/// files it writes, another writer's unaligned data are copied once into `copy`.
template <class T>
const T* elements(const npy::array_ref& a, std::vector<T>& copy) {
  if (reinterpret_cast<std::uintptr_t>(a.data.data()) % alignof(T) == 0) return reinterpret_cast<const T*>(a.data.data());
  copy.resize(a.data.size() / sizeof(T));
  std::memcpy(copy.data(), a.data.data(), a.data.size());
  return copy.data();
}

/// Converts by map `m` the mapped input's elements, seen as raw bits of their size (every dtype
/// converts exactly), into `out` after its header, a block at a time, each run written at its
/// place; the input pages no later block reads are released as it goes.
template <class Bits>
void convert_blocks(const npy::mapped_array& in, const strided_map& m, output_file& out) {
  const npy::array_ref& a = in.array;
  std::vector<Bits> copy;
  const Bits* src = elements<Bits>(a, copy);
  const std::size_t data_start = out.size();
  out.reserve(data_start + static_cast<std::size_t>(m.size()) * sizeof(Bits));  // the target's size obeys NumPy's rule
  std::size_t low = 0;                // input bytes [0, low) are released
  std::size_t high = in.file.size();  // and so are [high, size)
  materialize_blocks(m, src, [&](const placed_piece<Bits>& piece) {
    out.write_at(data_start + static_cast<std::size_t>(piece.offset) * sizeof(Bits), std::as_bytes(piece.elements));
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
  }, stream_destination<int>::default_piece_bytes);  // 16 MiB, as a streamed conversion
}

/// The sum of two biases, made whole (float32 and float64 only: a sum is arithmetic, and axle
/// never rounds 16-bit floats silently).
template <class T>
void fold(const npy::array_ref& a, const op_conversion& c, std::span<const index_t> shape, std::span<const index_t> target,
          output_file& out) {
  std::vector<T> copy;
  const T* src = elements<T>(a, copy);
  std::size_t n = 1;
  for (const index_t x : target) n *= static_cast<std::size_t>(x);  // no more than the source holds
  std::vector<T> sum(n);
  c.fold(shape, src, sum.data());
  out.write(std::as_bytes(std::span<const T>(sum)));
}

void run(const convert_options& o) {
  if (!o.force && std::filesystem::exists(o.out))
    throw tool_error(fmt::format("{} already exists; pass --force to overwrite it", o.out));
  const npy::mapped_array in = npy::map(o.in);
  const npy::array_ref& a = in.array;
  const entry_pair e = resolve_pair(o.from, o.to, std::nullopt, static_cast<int>(a.ndim()));
  const op_conversion c = conversion(e.from, e.to, o.sizes);
  // Each extent fits in index_t: npy::map refused shapes whose size does not (NumPy's rule).
  std::vector<index_t> shape;
  for (const std::size_t d : a.shape) shape.push_back(static_cast<index_t>(d));
  if (c.folds() && a.dtype != npy::dtype::float32 && a.dtype != npy::dtype::float64)
    throw tool_error(fmt::format("{}: folding biases sums them, which axle does in float32 or float64 only, not {}", o.in,
                                 npy::name(a.dtype)));
  strided_map m;
  try {
    if (c.folds())
      m.target_shape = c.target_shape(shape);  // the sums are done below
    else
      m = c.map(shape);
  } catch (const shape_error& x) {
    throw tool_error(fmt::format("{}: {}", o.in, x.what()));  // op_conversion names the op the shape was read as
  }
  npy::array header;
  header.dtype = a.dtype;
  for (const index_t d : m.target_shape) header.shape.push_back(static_cast<std::size_t>(d));
  output_file out(o.out, write_options(o.force, !o.no_sync));
  out.write(npy::encode_header(header));
  if (c.folds()) {
    if (a.dtype == npy::dtype::float32)
      fold<float>(a, c, shape, m.target_shape, out);
    else
      fold<double>(a, c, shape, m.target_shape, out);
  } else {
    switch (npy::item_size(a.dtype)) {
      case 2:
        convert_blocks<std::uint16_t>(in, m, out);
        break;
      case 4:
        convert_blocks<std::uint32_t>(in, m, out);
        break;
      default:
        convert_blocks<std::uint64_t>(in, m, out);
        break;
    }
  }
  out.commit();
  fmt::print("{} {} -> {} {}: {}\n", o.in, npy::shape_string(a.shape), o.out, npy::shape_string(header.shape), c.notation());
  if (!c.remark().empty()) fmt::print("note: {}\n", c.remark());
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
  add_size_options(*cmd, o->sizes);
  cmd->add_flag("-f,--force", o->force, "Overwrite an existing output");
  add_no_sync_flag(*cmd, o->no_sync);
  cmd->callback([o] { run(*o); });
}

}  // namespace axle::cli
