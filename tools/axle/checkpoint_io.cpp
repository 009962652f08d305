// axle convert-checkpoint — readers and writers of .safetensors, sharded safetensors and .npz.
#include "checkpoint_io.hpp"

#include <axle/npz.hpp>
#include <axle/text.hpp>

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <filesystem>
#include <unordered_set>

namespace axle::cli {

namespace fs = std::filesystem;

checkpoint_format format_of(const std::string& path) {
  const std::string ext = fs::path(path).extension().string();
  if (ext == ".safetensors") return checkpoint_format::safetensors;
  if (ext == ".json") return checkpoint_format::sharded;
  if (ext == ".npz") return checkpoint_format::npz;
  throw usage_error(fmt::format("{}: the format comes from the extension: .safetensors, .json (model.safetensors.index.json) or .npz", echo(path)));
}

std::string_view format_name(checkpoint_format f) {
  switch (f) {
    case checkpoint_format::safetensors: return "safetensors";
    case checkpoint_format::sharded: return "sharded safetensors";
    case checkpoint_format::npz: return "npz";
  }
  return "?";
}

const tensor_desc* checkpoint_reader::find(const std::string& name) const {
  const auto it = index_.find(name);
  return it == index_.end() ? nullptr : &tensors_[it->second];
}

void checkpoint_reader::build_index() {
  for (std::size_t k = 0; k < tensors_.size(); ++k) index_.emplace(tensors_[k].name, k);
}

namespace {

class safetensors_reader final : public checkpoint_reader {
 public:
  explicit safetensors_reader(const std::string& path, checkpoint_format f) : ck_(path) {
    format_ = f;
    ck_.open_all();
    for (const std::string& n : ck_.names()) {
      const safetensors::tensor_info& t = ck_.info(n);
      tensors_.push_back({t.name, t.dtype, t.shape, t.bytes()});
    }
    build_index();
  }
  std::map<std::string, std::string> metadata() const override { return ck_.metadata(); }
  bool has_metadata() const override {
    return !ck_.names().empty() ? ck_.file_of(ck_.names().front()).has_metadata() : !ck_.metadata().empty();
  }
  std::optional<safetensors::stamp> stamp(const std::string& name) const override { return ck_.layout_stamp(name); }
  std::optional<std::span<const std::byte>> mapped(const std::string& name) const override { return ck_.bytes(name); }
  void read_into(const std::string& name, std::span<std::byte> out) const override {
    const auto b = ck_.bytes(name);
    std::copy(b.begin(), b.end(), out.begin());
  }
  void release(const std::string& name) const override { ck_.file_of(name).release(name); }
  void release_range(const std::string& name, std::uint64_t begin, std::uint64_t end) const override { ck_.file_of(name).release(name, begin, end); }

 private:
  safetensors::checkpoint ck_;
};

class npz_reader final : public checkpoint_reader {
 public:
  explicit npz_reader(const std::string& path) : in_(path) {
    format_ = checkpoint_format::npz;
    for (const std::string& n : in_.names()) {
      const npz::member_info& m = in_.info(n);
      tensors_.push_back({m.name, m.dtype, m.shape, m.bytes});
    }
    build_index();
  }
  void read_into(const std::string& name, std::span<std::byte> out) const override { in_.read_into(name, out); }

 private:
  npz::reader in_;
};

std::vector<safetensors::entry> entries(const std::vector<tensor_desc>& tensors, const std::vector<std::size_t>& which) {
  std::vector<safetensors::entry> out;
  for (std::size_t k : which) out.push_back({tensors[k].name, tensors[k].dtype, tensors[k].shape});
  return out;
}

/// One safetensors file; a sharded checkpoint is several of them and an index.
class safetensors_writer final : public checkpoint_writer {
 public:
  safetensors_writer(const std::string& path, std::vector<tensor_desc> tensors, std::optional<std::map<std::string, std::string>> metadata,
                     const std::map<std::string, std::string>& stamps, const writer_options& o, bool sharded)
      : path_(path), file_(o.file) {
    tensors_ = std::move(tensors);
    std::map<std::string, std::size_t> at;
    for (std::size_t k = 0; k < tensors_.size(); ++k) at.emplace(tensors_[k].name, k);
    // Shards: every tensor in one file, or split in the output's order.
    std::vector<std::vector<std::size_t>> groups;
    if (!sharded) {
      groups.emplace_back();
      for (std::size_t k = 0; k < tensors_.size(); ++k) groups.back().push_back(k);
    } else {
      std::vector<std::uint64_t> sizes;
      for (const tensor_desc& t : tensors_) sizes.push_back(t.bytes);
      const std::vector<std::size_t> shard = safetensors::shard_plan(sizes, o.max_shard_bytes);
      std::size_t n = 0;
      for (std::size_t s : shard) n = std::max(n, s + 1);
      groups.resize(std::max<std::size_t>(n, 1));
      for (std::size_t k = 0; k < shard.size(); ++k) groups[shard[k]].push_back(k);
    }
    const fs::path dir = fs::path(path).has_parent_path() ? fs::path(path).parent_path() : fs::path();
    std::string prefix = fs::path(path).filename().string();
    for (std::string_view suffix : {std::string_view(".safetensors.index.json"), std::string_view(".index.json"), std::string_view(".json")})
      if (prefix.size() > suffix.size() && prefix.ends_with(suffix)) {
        prefix.resize(prefix.size() - suffix.size());
        break;
      }
    if (sharded) {
      // The shards' names first, all checked before any is created.
      for (std::size_t s = 0; s < groups.size(); ++s) shard_paths_.push_back((dir / safetensors::shard_name(s, groups.size(), prefix)).string());
      for (const std::string& p : shard_paths_) files_.push_back(p);
      files_.push_back(path);
      if (!o.file.force)
        for (const std::string& f : files_)
          if (std::error_code ec; fs::exists(fs::symlink_status(f, ec))) throw tool_error(fmt::format("{} already exists; pass --force to overwrite it", f));
    } else {
      shard_paths_.push_back(path);
      files_.push_back(path);
    }
    for (std::size_t s = 0; s < groups.size(); ++s) {
      std::optional<std::map<std::string, std::string>> meta = metadata;
      for (std::size_t k : groups[s])
        if (const auto it = stamps.find(tensors_[k].name); it != stamps.end()) {
          if (!meta) meta.emplace();
          (*meta)[safetensors::stamp_key(it->first)] = it->second;
        }
      writers_.push_back(std::make_unique<safetensors::writer>(shard_paths_[s], entries(tensors_, groups[s]), std::move(meta), o.file));
      for (const safetensors::entry& e : writers_.back()->order()) {
        order_.push_back(at.at(e.name));
        index_.weight_map.emplace_back(e.name, fs::path(shard_paths_[s]).filename().string());
      }
    }
    sharded_ = sharded;
    std::uint64_t total = 0;
    for (const tensor_desc& t : tensors_) total += t.bytes;
    index_.metadata["total_size"] = std::to_string(total);
  }

  void run(const std::function<tensor_data(std::size_t)>& produce, const std::function<void(std::uint64_t)>& written) override {
    std::size_t next = 0;
    for (auto& w : writers_) {
      for (std::size_t j = 0; j < w->order().size(); ++j) {
        const std::size_t k = order_[next++];
        const tensor_data d = produce(k);
        w->write(tensors_[k].name, d.bytes);
        written(d.bytes.size());
      }
    }
    finish();
  }

  bool reserve() override {
    for (auto& w : writers_) w->reserve();
    shard_of_.assign(tensors_.size(), 0);
    std::size_t next = 0;
    for (std::size_t s = 0; s < writers_.size(); ++s)
      for (std::size_t j = 0; j < writers_[s]->order().size(); ++j) shard_of_[order_[next++]] = s;
    return true;
  }
  void write_at(std::size_t k, std::uint64_t offset, std::span<const std::byte> bytes) override {
    writers_[shard_of_[k]]->write_at(tensors_[k].name, offset, bytes);
  }
  void filled(std::size_t k) override { writers_[shard_of_[k]]->filled(tensors_[k].name); }

  void finish() override {
    // Every shard is complete before any gets its name; the index comes last.
    std::size_t committed = 0;
    try {
      for (auto& w : writers_) {
        w->commit();
        ++committed;
      }
      if (sharded_) safetensors::write_index(path_, index_, file_);
    } catch (...) {
      for (std::size_t s = 0; s < committed && sharded_; ++s) {
        std::error_code ec;
        fs::remove(shard_paths_[s], ec);
      }
      throw;
    }
  }

 private:
  std::string path_;
  write_options file_;
  bool sharded_ = false;
  std::vector<std::string> shard_paths_;
  std::vector<std::unique_ptr<safetensors::writer>> writers_;
  std::vector<std::size_t> shard_of_;  // after reserve(): the shard of each tensor
  safetensors::index index_;
};

class npz_writer final : public checkpoint_writer {
 public:
  npz_writer(const std::string& path, std::vector<tensor_desc> tensors, const writer_options& o) : out_(path, o.compress, o.file) {
    tensors_ = std::move(tensors);
    files_.push_back(path);
    for (std::size_t k = 0; k < tensors_.size(); ++k) {
      order_.push_back(k);
      if (numpy_descr(tensors_[k].dtype).empty())
        throw tool_error(fmt::format("{}: tensor {} is {}, which NumPy has no type for: an .npz cannot hold it", path, echo(tensors_[k].name),
                                     dtype_name(tensors_[k].dtype)));
    }
  }
  bool keeps_metadata() const override { return false; }
  void run(const std::function<tensor_data(std::size_t)>& produce, const std::function<void(std::uint64_t)>& written) override {
    for (std::size_t k = 0; k < tensors_.size(); ++k)
      out_.add(tensors_[k].name, tensors_[k].dtype, tensors_[k].shape, [&produce, &written, k] {
        const tensor_data d = produce(k);
        written(d.bytes.size());
        return npz::data{d.bytes, d.keep};
      });
    out_.commit();
  }

 private:
  npz::writer out_;
};

}  // namespace

std::unique_ptr<checkpoint_reader> checkpoint_reader::open(const std::string& path) {
  const checkpoint_format f = format_of(path);
  if (f == checkpoint_format::npz) return std::make_unique<npz_reader>(path);
  return std::make_unique<safetensors_reader>(path, f);
}

std::unique_ptr<checkpoint_writer> checkpoint_writer::create(const std::string& path, std::vector<tensor_desc> tensors,
                                                             std::optional<std::map<std::string, std::string>> metadata,
                                                             std::map<std::string, std::string> stamps, const writer_options& options) {
  const checkpoint_format f = format_of(path);
  if (f == checkpoint_format::npz) return std::make_unique<npz_writer>(path, std::move(tensors), options);
  return std::make_unique<safetensors_writer>(path, std::move(tensors), std::move(metadata), stamps, options, f == checkpoint_format::sharded);
}

std::string bytes_text(std::uint64_t n) {
  static constexpr const char* units[] = {"B", "kB", "MB", "GB", "TB"};
  double v = static_cast<double>(n);
  int u = 0;
  while (v >= 1000 && u < 4) {
    v /= 1000;
    ++u;
  }
  return u == 0 ? fmt::format("{} B", n) : fmt::format("{:.{}f} {}", v, v < 10 ? 2 : v < 100 ? 1 : 0, units[u]);
}

std::uint64_t parse_size(const std::string& text) {
  std::size_t k = 0;
  while (k < text.size() && ((text[k] >= '0' && text[k] <= '9') || text[k] == '.')) ++k;
  double number = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + k, number);
  std::string unit = text.substr(k);
  while (!unit.empty() && unit.front() == ' ') unit.erase(unit.begin());
  for (char& c : unit) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  static const std::map<std::string, double> units{{"", 1}, {"B", 1}, {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12}};
  const auto u = units.find(unit);
  if (k == 0 || ec != std::errc{} || end != text.data() + k || u == units.end() || !(number > 0) || number * u->second > 1e18)
    throw usage_error(fmt::format("--max-shard-size needs a size such as 5GB or 500MB, not {}", echo(text)));
  return static_cast<std::uint64_t>(std::llround(number * u->second));
}

}  // namespace axle::cli
