// axle convert-checkpoint — checkpoints of every format behind one reader and one writer.
//
// Formats by extension: `.safetensors` (one file), `.json` (a sharded safetensors checkpoint's
// index, `model.safetensors.index.json`, its shards beside it) and `.npz`. A reader lists the
// tensors and hands out their bytes — a span of the mapped file for safetensors, a buffer read
// from the archive for .npz. A writer takes the tensor list first, then asks for each tensor's
// data in its own order and writes it at once, so nothing is held longer than one write; its
// files are complete or absent.
#pragma once

#include "cli.hpp"

#include <axle/dtype.hpp>
#include <axle/safetensors.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace axle::cli {

enum class checkpoint_format { safetensors, sharded, npz };

/// The format a path names by its extension, or a one-line error.
checkpoint_format format_of(const std::string& path);
std::string_view format_name(checkpoint_format f);

struct tensor_desc {
  std::string name;
  axle::dtype dtype = axle::dtype::F32;
  std::vector<std::int64_t> shape;
  std::uint64_t bytes = 0;
};

/// A tensor's bytes, and what keeps them alive (null when they live in a mapped input).
struct tensor_data {
  std::span<const std::byte> bytes;
  std::shared_ptr<const void> keep;
};

class checkpoint_reader {
 public:
  virtual ~checkpoint_reader() = default;
  /// Opens and validates a checkpoint (every shard's header, every archive member's header).
  static std::unique_ptr<checkpoint_reader> open(const std::string& path);

  [[nodiscard]] const std::vector<tensor_desc>& tensors() const noexcept { return tensors_; }
  [[nodiscard]] const tensor_desc* find(const std::string& name) const;
  [[nodiscard]] checkpoint_format format() const noexcept { return format_; }
  /// `__metadata__` (of the first shard, for a sharded checkpoint); whether there is one.
  [[nodiscard]] virtual std::map<std::string, std::string> metadata() const { return {}; }
  [[nodiscard]] virtual bool has_metadata() const { return false; }
  /// A tensor's layout stamp.
  [[nodiscard]] virtual std::optional<safetensors::stamp> stamp(const std::string&) const { return std::nullopt; }
  /// The tensor's bytes in a mapping, when the format allows (zero copy).
  [[nodiscard]] virtual std::optional<std::span<const std::byte>> mapped(const std::string&) const { return std::nullopt; }
  /// Reads a tensor's bytes into `out` (of exactly its size).
  virtual void read_into(const std::string& name, std::span<std::byte> out) const = 0;
  /// Lets the system drop a mapped tensor's pages: all of them, or (release_range) those of bytes [begin, end).
  virtual void release(const std::string&) const {}
  virtual void release_range(const std::string&, std::uint64_t, std::uint64_t) const {}

 protected:
  std::vector<tensor_desc> tensors_;
  std::map<std::string, std::size_t> index_;
  checkpoint_format format_ = checkpoint_format::safetensors;
  void build_index();
};

struct writer_options {
  write_options file;                             // replace an existing output; flush it to disk before naming it
  bool compress = false;                          // .npz: deflated members
  std::uint64_t max_shard_bytes = 5'000'000'000;  // sharded: huggingface_hub's default, "5GB"
};

class checkpoint_writer {
 public:
  virtual ~checkpoint_writer() = default;
  /// A writer for `tensors` (in the output's tensor order), with `__metadata__` entries `metadata`
  /// (nothing: no `__metadata__`) and each tensor's stamp. Refuses an existing output unless
  /// forced, before anything is written.
  static std::unique_ptr<checkpoint_writer> create(const std::string& path, std::vector<tensor_desc> tensors,
                                                   std::optional<std::map<std::string, std::string>> metadata,
                                                   std::map<std::string, std::string> stamps, const writer_options& options);
  /// The files the writer makes, for messages.
  [[nodiscard]] const std::vector<std::string>& files() const noexcept { return files_; }
  /// Tensor indices in the order run() asks for their data.
  [[nodiscard]] const std::vector<std::size_t>& order() const noexcept { return order_; }
  /// Whether the format keeps metadata and stamps (.npz does not).
  [[nodiscard]] virtual bool keeps_metadata() const { return true; }
  /// Asks `produce(k)` for the data of each tensor in order(), writes it, and makes the output
  /// complete — or leaves nothing when anything fails. `written(bytes)` is told of each write.
  virtual void run(const std::function<tensor_data(std::size_t)>& produce, const std::function<void(std::uint64_t)>& written) = 0;

  /// Or, for formats whose files can be sized first (safetensors): reserve() gives every output
  /// file its final size (false for a format that cannot: then run()); write_at(k, offset, bytes)
  /// writes part of tensor k's data at its place, from any thread; filled(k) reports tensor k
  /// complete; finish() makes the output complete.
  virtual bool reserve() { return false; }
  virtual void write_at(std::size_t, std::uint64_t, std::span<const std::byte>) {}
  virtual void filled(std::size_t) {}
  virtual void finish() {}

 protected:
  std::vector<tensor_desc> tensors_;
  std::vector<std::size_t> order_;
  std::vector<std::string> files_;
};

/// "1.2 GB", "340 kB", "12 B" (decimal units, as the shard sizes).
std::string bytes_text(std::uint64_t n);
/// Parses "5GB", "500MB", "1.5GB", "100000" (decimal units, as huggingface_hub's).
std::uint64_t parse_size(const std::string& text);

}  // namespace axle::cli
