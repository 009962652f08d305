// axle — files: inputs mapped read-only, and outputs that are complete or absent.
//
//     axle::mapped_file in("w.npy");                 // in.bytes(): the whole file, zero copy
//     axle::output_file out("w_eqx.npy", force);      // nothing appears at the path yet
//     out.write(header); out.write(data);             // ... in order, as much as needed
//     out.commit();                                   // flushed, linked into place, directory synced
//     out.reserve(n); out.write_at(offset, bytes);    // or: sized first, then filled anywhere, from any thread
//     auto place = out.map(n);                        // or: the whole file, mapped, filled in place
//
// An output_file that is destroyed before commit() leaves nothing behind — not even when the
// process is killed: on Linux the data goes to an unnamed file (O_TMPFILE) that only commit()
// gives a name. Where the file system has no unnamed files, a hidden temporary file
// `.<name>.axle-<pid>-<n>` in the destination directory takes its place; it is removed on any
// failure and, after `axle::remove_temporaries_on_signal()`, on SIGINT, SIGTERM and SIGHUP (only
// SIGKILL can leave it, and only there). Setting the environment variable
// AXLE_NAMED_TEMPORARIES=1 makes every output_file use a named temporary, as on such a file
// system (for tests, or a file system that accepts O_TMPFILE but mishandles it). An existing
// destination is replaced only when `force` is given, and stays intact until the new file is
// complete: the replacement is one rename (with `force`, the unnamed file is first linked under a
// temporary name, which the signal handlers remove too).
//
// By default commit() flushes the data to the disk (fsync) before it names the file, and syncs
// the directory after: a named output survives a power loss too. `write_options::sync = false`
// names the file as soon as its data is written, as `cp` and most frameworks' savers do: still
// complete or absent when the process is killed, but a power loss soon after may leave the name
// with less than its data on the disk. It saves the wait for the disk (a third of the time of a
// checkpoint conversion, docs/performance.md).
//
// Every failure is an axle::file_error "<file>: <what>".
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include "errors.hpp"

#if !defined(__unix__) && !defined(__APPLE__)
#error "axle/file.hpp needs a POSIX system"
#endif
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace axle {

namespace detail {

inline std::string errno_text(int e) { return e ? std::string(std::strerror(e)) : std::string("unknown error"); }

[[noreturn]] inline void file_fail(const std::filesystem::path& path, std::string_view what, int e = 0) {
  std::string m = path.string() + ": " + std::string(what);
  if (e) m += ": " + errno_text(e);
  throw file_error(m);
}

/// Named temporaries the signal handler removes: fixed storage, written before the file exists
/// and read by an async-signal-safe handler.
struct temporaries {
  static constexpr std::size_t capacity = 64;
  static constexpr std::size_t path_max = 4096;
  std::array<std::atomic<bool>, capacity> used{};
  std::array<std::array<char, path_max>, capacity> path{};

  static temporaries& instance() noexcept {
    static temporaries t;
    return t;
  }
  /// A slot for `p`, or -1 when none is free or the path is too long (then no cleanup on signals).
  int add(const std::string& p) noexcept {
    if (p.size() >= path_max) return -1;
    for (std::size_t k = 0; k < capacity; ++k) {
      if (used[k].load(std::memory_order_acquire)) continue;
      std::memcpy(path[k].data(), p.c_str(), p.size() + 1);
      bool expected = false;
      if (used[k].compare_exchange_strong(expected, true, std::memory_order_acq_rel)) return static_cast<int>(k);
    }
    return -1;
  }
  void remove(int slot) noexcept {
    if (slot >= 0) used[static_cast<std::size_t>(slot)].store(false, std::memory_order_release);
  }
  void unlink_all() noexcept {
    for (std::size_t k = 0; k < capacity; ++k)
      if (used[k].load(std::memory_order_acquire)) ::unlink(path[k].data());
  }
};

extern "C" inline void remove_temporaries_and_reraise(int sig) {
  temporaries::instance().unlink_all();
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

}  // namespace detail

/// Installs handlers for SIGINT, SIGTERM and SIGHUP that remove the named temporaries of unfinished
/// output_files, then let the signal do what it would have done. For programs (the axle tool calls
/// it first thing); a library that owns its signals may call temporaries' cleanup itself instead.
inline void remove_temporaries_on_signal() noexcept {
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) std::signal(sig, detail::remove_temporaries_and_reraise);
}

/// A whole file mapped read-only: bytes() is a span over it, valid while the object lives.
class mapped_file {
 public:
  mapped_file() = default;
  explicit mapped_file(const std::filesystem::path& path) : path_(path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) detail::file_fail(path, "cannot open for reading", errno);
    struct ::stat st {};
    if (::fstat(fd, &st) != 0) {
      const int e = errno;
      ::close(fd);
      detail::file_fail(path, "cannot read its size", e);
    }
    if (S_ISDIR(st.st_mode)) {
      ::close(fd);
      detail::file_fail(path, "is a directory");
    }
    size_ = static_cast<std::size_t>(st.st_size);
    if (size_ > 0) {
      void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
      if (p == MAP_FAILED) {
        const int e = errno;
        ::close(fd);
        detail::file_fail(path, "cannot map", e);
      }
      data_ = static_cast<const std::byte*>(p);
    }
    ::close(fd);
  }
  mapped_file(mapped_file&& o) noexcept
      : path_(std::move(o.path_)), data_(std::exchange(o.data_, nullptr)), size_(std::exchange(o.size_, 0)) {}
  mapped_file& operator=(mapped_file&& o) noexcept {
    if (this != &o) {
      unmap();
      path_ = std::move(o.path_);
      data_ = std::exchange(o.data_, nullptr);
      size_ = std::exchange(o.size_, 0);
    }
    return *this;
  }
  mapped_file(const mapped_file&) = delete;
  mapped_file& operator=(const mapped_file&) = delete;
  ~mapped_file() { unmap(); }

  [[nodiscard]] std::span<const std::byte> bytes() const noexcept { return {data_, size_}; }
  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }

  /// Tells the system that `bytes()[offset, offset + n)` will not be read again soon, so that its
  /// pages need not stay resident (peak memory of a streaming conversion).
  void release(std::size_t offset, std::size_t n) const noexcept {
    if (data_ == nullptr || offset >= size_) return;
    const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    const std::size_t begin = (offset + page - 1) / page * page;
    const std::size_t end = std::min(size_, offset + n) / page * page;
    if (end > begin) ::madvise(const_cast<std::byte*>(data_) + begin, end - begin, MADV_DONTNEED);
  }

 private:
  void unmap() noexcept {
    if (data_ != nullptr) ::munmap(const_cast<std::byte*>(data_), size_);
    data_ = nullptr;
    size_ = 0;
  }
  std::filesystem::path path_;
  const std::byte* data_ = nullptr;
  std::size_t size_ = 0;
};

/// How an output file is made (see the header). A plain `bool` is `force`, as every writer took
/// before: `write(path, a, true)` still replaces an existing file.
struct write_options {
  /// Replace a file that exists at the path (else that is an error and nothing is written).
  bool force = false;
  /// Flush the data to the disk before the file is named (else only to the system's cache).
  bool sync = true;

  constexpr write_options() noexcept = default;
  constexpr write_options(bool replace) noexcept : force(replace) {}  // NOLINT(google-explicit-constructor)
  constexpr write_options(bool replace, bool flush) noexcept : force(replace), sync(flush) {}
};

/// An output file that is complete or absent (see the header).
class output_file {
 public:
  output_file(const std::filesystem::path& path, write_options options) : path_(path), force_(options.force), sync_(options.sync) {
    const bool force = options.force;
    namespace fs = std::filesystem;
    if (path.filename().empty() || path.filename() == "." || path.filename() == "..")
      detail::file_fail(path, "cannot write: not a file name");
    std::error_code ec;
    if (fs::is_directory(fs::status(path, ec))) detail::file_fail(path, "cannot write: is a directory");
    if (!force && fs::exists(fs::symlink_status(path, ec))) detail::file_fail(path, "already exists; pass --force to overwrite it");
    dir_ = path.has_parent_path() ? path.parent_path() : fs::path(".");
#ifdef O_TMPFILE
    // Read and write: map() needs both for a shared writable mapping.
    if (!named_temporaries_forced()) fd_ = ::open(dir_.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0666 & ~current_umask());
#endif
    if (fd_ < 0) open_named();
  }
  output_file(const output_file&) = delete;
  output_file& operator=(const output_file&) = delete;
  ~output_file() { abandon(); }

  /// Appends `bytes` to the file.
  void write(std::span<const std::byte> bytes) {
    if (map_ != nullptr || reserved_) detail::file_fail(path_, "write after map or reserve: the file has its final size");
    const std::byte* p = bytes.data();
    std::size_t n = bytes.size();
    while (n > 0) {
      const ::ssize_t w = ::write(fd_, p, std::min(n, write_call_bytes));
      if (w < 0) {
        if (errno == EINTR) continue;
        fail_write(errno);
      }
      start_writeback(written_, static_cast<std::size_t>(w));
      p += w;
      n -= static_cast<std::size_t>(w);
      written_ += static_cast<std::size_t>(w);
    }
  }
  void write(std::string_view text) { write(std::as_bytes(std::span<const char>(text.data(), text.size()))); }

  /// Writes `bytes` at `offset`, inside what is written already or reserved (offset + size at most
  /// size()): for formats whose writers patch a header after its data (zip's local headers), and
  /// for writers that fill a reserve()d file out of order. Safe from several threads at once for
  /// disjoint ranges. Large writes go to the system in calls of at most write_call_bytes.
  void write_at(std::size_t offset, std::span<const std::byte> bytes) {
    if (offset > written_ || bytes.size() > written_ - offset) detail::file_fail(path_, "write_at past the end of the data written");
    if (map_ != nullptr) {
      std::copy(bytes.begin(), bytes.end(), map_ + offset);
      return;
    }
    const std::byte* p = bytes.data();
    std::size_t n = bytes.size();
    while (n > 0) {
      const ::ssize_t w = ::pwrite(fd_, p, std::min(n, write_call_bytes), static_cast<::off_t>(offset));
      if (w < 0) {
        if (errno == EINTR) continue;
        fail_write(errno);
      }
      start_writeback(offset, static_cast<std::size_t>(w));
      p += w;
      offset += static_cast<std::size_t>(w);
      n -= static_cast<std::size_t>(w);
    }
  }

  /// The most one write() or write_at() hands the system in one call. Measured on Linux 6.18
  /// (ext4, a virtual machine): writing a new 1 GiB file in calls of 4 MiB took 10 to 50 times as
  /// long as usual in 4 runs of 7, in calls of 1 MiB in 1 of 7, in calls of 256 KiB in none
  /// (bench/checkpoint/write_calls.cpp; docs/performance.md, "Converting a checkpoint").
  static constexpr std::size_t write_call_bytes = std::size_t{256} << 10;

  /// Makes the file `n` bytes long, its blocks allocated where the file system can (a full disk
  /// is then an error here, not later), for writers that fill it out of order or from several
  /// threads with write_at(). The bytes written before stay; size() becomes n; write() may no
  /// longer append. Nothing is mapped: the data goes through positional writes.
  void reserve(std::size_t n) {
    if (map_ != nullptr) detail::file_fail(path_, "reserve after map");
    if (n < written_) detail::file_fail(path_, "reserve: smaller than the data written");
    if (n == written_) {
      reserved_ = true;
      return;
    }
    if (!allocate(n) && ::ftruncate(fd_, static_cast<::off_t>(n)) != 0) fail_write(errno);
    written_ = n;
    reserved_ = true;
  }

  /// Makes the file `n` bytes long, its blocks allocated, and maps it for writing in place: for
  /// writers that fill a file of known size out of order or from several threads, without a
  /// write() per byte (on some systems write() costs several times a copy into a mapping). The
  /// bytes written before stay; size() becomes n; write() may no longer append, write_at() writes
  /// into the mapping. Returns an empty span, and changes nothing, where the file system cannot
  /// allocate blocks ahead (the caller keeps writing); a full disk is an error here, not a fault
  /// later. commit() unmaps.
  [[nodiscard]] std::span<std::byte> map(std::size_t n) {
    if (map_ != nullptr) return {map_, map_size_};
    if (n < written_) detail::file_fail(path_, "map: smaller than the data written");
    if (n == 0 || !allocate(n)) return {};
    void* p = ::mmap(nullptr, n, PROT_READ | PROT_WRITE, MAP_SHARED, fd_, 0);
    if (p == MAP_FAILED) detail::file_fail(path_, "cannot map for writing", errno);
    map_ = static_cast<std::byte*>(p);
    map_size_ = n;
    written_ = n;
    return {map_, n};
  }

  /// Brings the mapped pages of [offset, offset + n) in for writing at once, where the system
  /// can (Linux 5.14 and later): faster than a fault per page when a writer fills them.
  void populate(std::size_t offset, std::size_t n) const noexcept {
#ifdef MADV_POPULATE_WRITE
    if (map_ == nullptr || offset >= map_size_) return;
    const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    const std::size_t begin = offset / page * page;
    const std::size_t end = std::min(map_size_, offset + n);
    if (end > begin) ::madvise(map_ + begin, end - begin, MADV_POPULATE_WRITE);
#else
    static_cast<void>(offset);
    static_cast<void>(n);
#endif
  }

  /// Tells the system that mapped bytes [offset, offset + n) need not stay in memory: they stay in
  /// the file (and in its cache), only this process stops holding them.
  void release(std::size_t offset, std::size_t n) const noexcept {
    if (map_ == nullptr || offset >= map_size_) return;
    const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    const std::size_t begin = (offset + page - 1) / page * page;
    const std::size_t end = std::min(map_size_, offset + n) / page * page;
    if (end > begin) ::madvise(map_ + begin, end - begin, MADV_DONTNEED);
  }

  /// Bytes written so far.
  [[nodiscard]] std::size_t size() const noexcept { return written_; }
  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }

  /// Flushes the data to disk, gives the file its name and syncs the directory (with
  /// write_options::sync false: only gives the name). Without `force`, a file that appeared at the
  /// path in the meantime is never replaced.
  void commit() {
    if (committed_) return;
    unmap();
    if (sync_ && ::fsync(fd_) != 0) fail_write(errno);
    if (temp_.empty()) {
      link_unnamed();
    } else {
      place(temp_);
      detail::temporaries::instance().remove(slot_);
      slot_ = -1;
      temp_.clear();
    }
    ::close(fd_);
    fd_ = -1;
    committed_ = true;
    if (sync_) sync_directory();
  }

 private:
  /// Makes the file `n` (> 0) bytes long with its blocks allocated; false, changing nothing, where
  /// the file system cannot allocate ahead; any other failure (a full disk) is an error.
  bool allocate(std::size_t n) {
#ifdef __linux__
    if (::fallocate(fd_, 0, 0, static_cast<::off_t>(n)) == 0) return true;
    const int e = errno;
    if (e != EOPNOTSUPP && e != ENOSYS) fail_write(e);
#else
    const int e = ::posix_fallocate(fd_, 0, static_cast<::off_t>(n));
    if (e == 0) return true;
    if (e != EOPNOTSUPP && e != EINVAL) fail_write(e);
#endif
    return false;
  }

  /// An output that is flushed to disk before it is named (write_options::sync) starts its pages
  /// on their way there as they are written (where the system can), so that commit()'s fsync finds
  /// little left to wait for. Small writes (headers, patches) are left to it.
  void start_writeback(std::size_t offset, std::size_t n) noexcept {
#if defined(__linux__) && defined(SYNC_FILE_RANGE_WRITE)
    if (sync_ && n >= writeback_min_bytes) ::sync_file_range(fd_, static_cast<::off_t>(offset), static_cast<::off_t>(n), SYNC_FILE_RANGE_WRITE);
#else
    static_cast<void>(offset);
    static_cast<void>(n);
#endif
  }
  static constexpr std::size_t writeback_min_bytes = std::size_t{64} << 10;

  /// AXLE_NAMED_TEMPORARIES set and not "0": no unnamed files.
  static bool named_temporaries_forced() noexcept {
    const char* v = std::getenv("AXLE_NAMED_TEMPORARIES");
    return v != nullptr && *v != '\0' && std::string_view(v) != "0";
  }

  static ::mode_t current_umask() noexcept {
    const ::mode_t m = ::umask(0);
    ::umask(m);
    return m;
  }

  /// `.<name>.axle-<pid>-<n>`, built by appending: g++ 12 reports a false -Wrestrict inside
  /// `"." + std::string` once this is inlined at -O3.
  std::string temporary_name(unsigned n) const {
    std::string name(1, '.');
    name += path_.filename().string();
    name += ".axle-";
    name += std::to_string(::getpid());
    name += '-';
    name += std::to_string(n);
    return name;
  }

  void open_named() {
    static std::atomic<unsigned> counter{0};
    for (int attempt = 0; attempt < 100; ++attempt) {
      const std::filesystem::path t = dir_ / temporary_name(counter.fetch_add(1) + 1);
      slot_ = detail::temporaries::instance().add(t.string());
      fd_ = ::open(t.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
      if (fd_ >= 0) {
        temp_ = t;
        return;
      }
      const int e = errno;
      detail::temporaries::instance().remove(slot_);
      slot_ = -1;
      if (e != EEXIST) detail::file_fail(path_, "cannot create a file in " + dir_.string(), e);
    }
    detail::file_fail(path_, "cannot create a unique temporary file in " + dir_.string());
  }

  /// Gives the unnamed file a name: directly when nothing may be replaced (link fails if the path
  /// exists), else under a temporary name that one rename moves over the old file.
  void link_unnamed() {
    const std::string proc = "/proc/self/fd/" + std::to_string(fd_);
    if (!force_) {
      if (::linkat(AT_FDCWD, proc.c_str(), AT_FDCWD, path_.c_str(), AT_SYMLINK_FOLLOW) == 0) return;
      const int e = errno;
      if (e == EEXIST) detail::file_fail(path_, "already exists; pass --force to overwrite it");
      detail::file_fail(path_, "cannot create", e);
    }
    static std::atomic<unsigned> counter{0};
    for (int attempt = 0; attempt < 100; ++attempt) {
      const std::filesystem::path t = dir_ / temporary_name(counter.fetch_add(1) + 1);
      const int slot = detail::temporaries::instance().add(t.string());
      if (::linkat(AT_FDCWD, proc.c_str(), AT_FDCWD, t.c_str(), AT_SYMLINK_FOLLOW) == 0) {
        try {
          place(t);
        } catch (...) {
          ::unlink(t.c_str());
          detail::temporaries::instance().remove(slot);
          throw;
        }
        detail::temporaries::instance().remove(slot);
        return;
      }
      const int e = errno;
      detail::temporaries::instance().remove(slot);
      if (e != EEXIST) detail::file_fail(path_, "cannot create", e);
    }
    detail::file_fail(path_, "cannot create a unique temporary name in " + dir_.string());
  }

  /// Moves the complete file at `t` to the destination.
  void place(const std::filesystem::path& t) {
    if (force_) {
      if (::rename(t.c_str(), path_.c_str()) != 0) detail::file_fail(path_, "cannot move the new file into place", errno);
      return;
    }
    // link() fails if the destination exists: no race with a file that appeared meanwhile.
    if (::link(t.c_str(), path_.c_str()) == 0) {
      ::unlink(t.c_str());
      return;
    }
    const int e = errno;
    if (e == EEXIST) detail::file_fail(path_, "already exists; pass --force to overwrite it");
    // A file system without hard links: check, then rename.
    std::error_code ec;
    if (std::filesystem::exists(std::filesystem::symlink_status(path_, ec)))
      detail::file_fail(path_, "already exists; pass --force to overwrite it");
    if (::rename(t.c_str(), path_.c_str()) != 0) detail::file_fail(path_, "cannot move the new file into place", errno);
  }

  void sync_directory() noexcept {
    const int d = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (d < 0) return;
    ::fsync(d);
    ::close(d);
  }

  [[noreturn]] void fail_write(int e) { detail::file_fail(path_, "write failed", e); }

  void unmap() noexcept {
    if (map_ != nullptr) ::munmap(map_, map_size_);
    map_ = nullptr;
    map_size_ = 0;
  }

  void abandon() noexcept {
    unmap();
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    if (!temp_.empty()) ::unlink(temp_.c_str());
    detail::temporaries::instance().remove(slot_);
    slot_ = -1;
    temp_.clear();
  }

  std::filesystem::path path_;
  std::filesystem::path dir_;
  std::filesystem::path temp_;  // empty for an unnamed (O_TMPFILE) file
  int fd_ = -1;
  int slot_ = -1;
  std::size_t written_ = 0;
  std::byte* map_ = nullptr;  // the file, mapped for writing in place (map())
  std::size_t map_size_ = 0;
  bool force_ = false;
  bool sync_ = true;
  bool committed_ = false;
  bool reserved_ = false;  // reserve(): the file has its final size
};

}  // namespace axle
