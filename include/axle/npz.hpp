// axle — NumPy .npz checkpoints: zip archives of .npy arrays, read and written through libzip.
//
//     #include <axle/npz.hpp>                      // CMake: target axle::npz (libzip)
//     axle::npz::reader in("weights.npz");         // every member's .npy header is read and checked
//     for (const std::string& name : in.names()) in.info(name);   // dtype, shape, bytes
//     std::vector<std::byte> b = in.read("conv.weight");           // the data, CRC checked
//     auto t = in.copy<float, layout<O, I, H, W>>("conv.weight");  // an owning axle::tensor
//
//     axle::npz::writer out("out.npz", /*compress=*/true);        // np.savez_compressed's format
//     out.add("conv.weight", axle::dtype::F32, {8, 4, 3, 3}, bytes);        // data kept by the caller
//     out.add("fc.weight", axle::dtype::F32, {10, 8}, [] { return axle::npz::data{...}; });  // made on demand
//     out.commit();                                // complete, or nothing at the path
//
// The format is NumPy's (numpy/lib/_npyio_impl.py, _savez and NpzFile): each array is a member
// `<name>.npy` holding a .npy file (<axle/npy.hpp> writes and parses its header), stored
// (np.savez) or deflated (np.savez_compressed); members larger than 4 GiB, and archives, use zip64,
// which libzip chooses from each member's size. Members keep the order they are added in, as
// np.savez keeps its keyword order, and carry the timestamp NumPy gives them, 1980-01-01 00:00.
//
// Element types are those of axle::dtype that NumPy has (booleans, signed and unsigned integers,
// float16/32/64, complex64; bfloat16 as raw 2-byte void `<V2`, as <axle/npy.hpp> stores it); the
// 8-, 6- and 4-bit float formats have no NumPy type and are refused when writing. Big-endian and
// Fortran-order arrays, object and structured types are refused when reading, naming the member.
//
// Reading checks, before anything is used: the archive (libzip with ZIP_CHECKCONS, which compares
// every local header with the central directory), every member's name (`.npy`, once), method
// (stored or deflated, not encrypted), .npy header (at most 10,000 bytes, NumPy's own
// _MAX_HEADER_SIZE), dtype, shape (checked arithmetic) and size: a member holds exactly its header
// and its data. read() checks the CRC of the data as it reads it. A reader may be used from several
// threads; libzip's archive is not, so reads take turns.
//
// Writing goes through axle::output_file: libzip writes the archive through a custom source
// (zip_source_function) whose writes go to an unnamed file that only commit() names, so the
// archive is complete or absent, even when the process is killed — libzip's own temporary file
// (`<name>.XXXXXX`, renamed by zip_close) would be left behind by a kill. The data of each member
// is asked for when libzip writes it, in order, so at most one member's data need be in memory.
// An archive without members is the 22-byte end record NumPy writes (libzip writes no file then).
//
// Every failure is one axle::npz::error (an axle::file_error): "<file>: <member>: <problem>".
#pragma once

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <exception>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <sstream>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include <zip.h>

#include "detail/checked.hpp"
#include "detail/text.hpp"
#include "dtype.hpp"
#include "errors.hpp"
#include "file.hpp"
#include "layout.hpp"
#include "notation.hpp"
#include "npy.hpp"
#include "tensor.hpp"
#include "text.hpp"
#include "view.hpp"

namespace axle::npz {

using axle::dtype;

/// An .npz archive that cannot be read, understood or written: "<file>: <problem>".
class error : public file_error {
 public:
  using file_error::file_error;
};

/// NumPy's limit on a .npy header (numpy/lib/_format_impl.py, _MAX_HEADER_SIZE).
inline constexpr std::size_t max_header_bytes = 10000;

/// One array of the archive.
struct member_info {
  std::string name;  // without ".npy"
  axle::dtype dtype = axle::dtype::F32;
  std::vector<std::int64_t> shape;  // empty for a scalar
  std::uint64_t bytes = 0;          // the data, without the .npy header
  std::uint64_t data_offset = 0;    // where the data starts inside the member
  bool compressed = false;          // deflated (np.savez_compressed) or stored (np.savez)
  std::uint64_t index = 0;          // libzip's entry index
};

namespace detail {

[[noreturn]] inline void fail(std::string_view file, const std::string& what) { throw error(std::string(file) + ": " + what); }
inline std::string quote_name(std::string_view s) { return "'" + axle::escaped(s, 80) + "'"; }
inline std::string shape_text(std::span<const std::int64_t> shape) { return axle::detail::tuple_text(shape); }

struct zip_closer {
  void operator()(zip_t* z) const noexcept {
    if (z != nullptr) zip_discard(z);
  }
};
struct file_closer {
  void operator()(zip_file_t* f) const noexcept {
    if (f != nullptr) zip_fclose(f);
  }
};
using zip_ptr = std::unique_ptr<zip_t, zip_closer>;
using member_ptr = std::unique_ptr<zip_file_t, file_closer>;

inline std::string zip_error_text(int code) {
  zip_error_t e;
  zip_error_init_with_code(&e, code);
  std::string s = zip_error_strerror(&e);
  zip_error_fini(&e);
  return s;
}

/// The leading descriptive text of libzip's messages, lower case first: "CRC error".
inline std::string zip_text(const char* s) { return axle::escaped(s == nullptr ? "unknown error" : s, 120); }

}  // namespace detail

/// A validated .npz archive (see the header).
class reader {
 public:
  /// Maps `path` read-only and reads every member's header.
  explicit reader(const std::filesystem::path& path) : name_(path.string()) {
    try {
      map_ = std::make_unique<mapped_file>(path);
    } catch (const file_error& e) {
      throw error(e.what());
    }
    bytes_ = map_->bytes();
    open();
  }
  /// An archive held in memory by the caller (not copied: it must outlive the object).
  static reader from_bytes(std::span<const std::byte> bytes, std::string name) { return reader(bytes, std::move(name)); }

  reader(reader&&) noexcept = default;
  reader& operator=(reader&&) noexcept = default;
  reader(const reader&) = delete;
  reader& operator=(const reader&) = delete;
  ~reader() = default;

  [[nodiscard]] const std::string& name() const noexcept { return name_; }
  /// Array names (member names without ".npy"), in the archive's order.
  [[nodiscard]] const std::vector<std::string>& names() const noexcept { return names_; }
  [[nodiscard]] bool contains(std::string_view name) const { return index_.find(std::string(name)) != index_.end(); }
  [[nodiscard]] const member_info& info(std::string_view name) const { return members_[find(name)]; }

  /// Reads an array's data into `out`, which must hold exactly info(name).bytes bytes; the CRC is
  /// checked.
  void read_into(std::string_view name, std::span<std::byte> out) const {
    const member_info& m = info(name);
    const std::string what = "member " + detail::quote_name(m.name + ".npy");
    if (out.size() != m.bytes)
      detail::fail(name_, what + ": a buffer of " + std::to_string(out.size()) + " bytes for " + std::to_string(m.bytes) + " bytes of data");
    std::lock_guard<std::mutex> lock(*mutex_);
    detail::member_ptr f(zip_fopen_index(zip_.get(), m.index, 0));
    if (!f) detail::fail(name_, what + ": cannot open: " + detail::zip_text(zip_strerror(zip_.get())));
    // Skip the header, read the data, then read to the end: libzip checks the CRC there.
    std::byte skip[4096];
    for (std::uint64_t left = m.data_offset; left > 0;) {
      const auto n = zip_fread(f.get(), skip, std::min<std::uint64_t>(left, sizeof skip));
      if (n <= 0) read_failed(f.get(), what);
      left -= static_cast<std::uint64_t>(n);
    }
    for (std::size_t at = 0; at < out.size();) {
      const auto n = zip_fread(f.get(), out.data() + at, std::min<std::size_t>(out.size() - at, std::size_t{1} << 30));
      if (n <= 0) read_failed(f.get(), what);
      at += static_cast<std::size_t>(n);
    }
    if (zip_fread(f.get(), skip, 1) != 0) read_failed(f.get(), what);
  }

  /// An array's data, in a new buffer.
  [[nodiscard]] std::vector<std::byte> read(std::string_view name) const {
    std::vector<std::byte> out(static_cast<std::size_t>(info(name).bytes));
    read_into(name, out);
    return out;
  }

  /// An owning tensor of layout L holding an array, after checking its dtype (axle::dtype_of<T>)
  /// and its shape against L (plus the sizes a shape cannot tell, `axle::axis_size{"G", 4}`).
  template <class T, layout_type L, std::same_as<axis_size>... Known>
  [[nodiscard]] tensor<std::remove_const_t<T>, L> copy(std::string_view name, Known... known) const {
    using V = std::remove_const_t<T>;
    static_assert(checkpoint_element<V>, "axle::npz::reader::copy<T, L>: T has no dtype (see axle::dtype_of)");
    const member_info& m = info(name);
    if (!dtype_reads<V>(m.dtype))
      detail::fail(name_, "array " + detail::quote_name(m.name) + " is " + std::string(dtype_name(m.dtype)) + ", read as " +
                              (std::is_same_v<V, std::byte> ? std::string("std::byte (one-byte types)") : std::string(dtype_name(dtype_of_v<V>))));
    const std::array<axis_size, sizeof...(Known)> sizes{known...};
    std::vector<index_t> shape(m.shape.begin(), m.shape.end());
    std::optional<tensor<V, L>> out;
    try {
      out.emplace(std::span<const index_t>(shape), std::span<const axis_size>(sizes));
    } catch (const shape_error& e) {
      detail::fail(name_, "array " + detail::quote_name(m.name) + " " + std::string(dtype_name(m.dtype)) + " " + detail::shape_text(m.shape) + " as " +
                              to_string(value::of<L>()) + ": " + e.what());
    }
    if constexpr (std::is_same_v<V, bool>) {
      const std::vector<std::byte> b = read(name);
      for (std::byte x : b)
        if (std::to_integer<unsigned>(x) > 1)
          detail::fail(name_, "array " + detail::quote_name(m.name) + " is bool but holds the byte " + std::to_string(std::to_integer<unsigned>(x)));
      if (!b.empty()) std::memcpy(static_cast<void*>(out->data()), b.data(), b.size());
    } else {
      read_into(name, std::as_writable_bytes(std::span<V>(out->data(), out->size())));
    }
    return std::move(*out);
  }

 private:
  reader(std::span<const std::byte> bytes, std::string name) : name_(std::move(name)), bytes_(bytes) { open(); }

  std::size_t find(std::string_view name) const {
    std::string key(name);
    if (key.size() > 4 && key.ends_with(".npy") && index_.find(key) == index_.end()) key.resize(key.size() - 4);  // as np.load allows
    const auto it = index_.find(key);
    if (it != index_.end()) return it->second;
    std::string hint;
    const auto close = axle::close_matches(name, names_);
    for (std::size_t k = 0; k < close.size(); ++k) { hint += (k ? ", " : "; did you mean "); hint += detail::quote_name(close[k]); }
    detail::fail(name_, "no array " + detail::quote_name(name) + hint + (hint.empty() ? "" : "?"));
  }

  [[noreturn]] void read_failed(zip_file_t* f, const std::string& what) const {
    detail::fail(name_, what + ": cannot read: " + detail::zip_text(zip_file_strerror(f)));
  }

  void open() {
    // An empty archive is the 22-byte end record alone; libzip reads it as no entries.
    if (bytes_.empty()) detail::fail(name_, "not an .npz archive: the file is empty");
    zip_error_t err;
    zip_error_init(&err);
    zip_source_t* src = zip_source_buffer_create(bytes_.data(), bytes_.size(), 0, &err);
    if (src == nullptr) detail::fail(name_, "cannot read: " + detail::zip_text(zip_error_strerror(&err)));
    zip_t* z = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &err);
    if (z == nullptr) {
      zip_source_free(src);
      std::string why = detail::zip_text(zip_error_strerror(&err));
      const int code = zip_error_code_zip(&err);
      zip_error_fini(&err);
      if (code == ZIP_ER_EXISTS) why = "two members have the same name";
      if (bytes_.size() < 4 || std::memcmp(bytes_.data(), "PK", 2) != 0) why = "not a zip archive (" + why + ")";
      detail::fail(name_, why);
    }
    zip_error_fini(&err);
    zip_.reset(z);
    const zip_int64_t n = zip_get_num_entries(z, 0);
    for (zip_int64_t i = 0; i < n; ++i) members_.push_back(read_member(static_cast<std::uint64_t>(i)));
    for (std::size_t k = 0; k < members_.size(); ++k) {
      if (!index_.emplace(members_[k].name, k).second) detail::fail(name_, "two members named " + detail::quote_name(members_[k].name + ".npy"));
      names_.push_back(members_[k].name);
    }
  }

  member_info read_member(std::uint64_t i) {
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(zip_.get(), i, ZIP_FL_ENC_RAW, &st) != 0 || (st.valid & ZIP_STAT_NAME) == 0 || (st.valid & ZIP_STAT_SIZE) == 0)
      detail::fail(name_, "entry " + std::to_string(i) + ": " + detail::zip_text(zip_strerror(zip_.get())));
    const std::string full = st.name;
    const std::string what = "member " + detail::quote_name(full);
    if (full.size() <= 4 || !full.ends_with(".npy"))
      detail::fail(name_, what + " is not a .npy array (an .npz holds only <name>.npy members)");
    if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) != 0 && st.encryption_method != ZIP_EM_NONE) detail::fail(name_, what + " is encrypted");
    if ((st.valid & ZIP_STAT_COMP_METHOD) != 0 && st.comp_method != ZIP_CM_STORE && st.comp_method != ZIP_CM_DEFLATE)
      detail::fail(name_, what + ": compression method " + std::to_string(st.comp_method) + " (NumPy writes stored or deflated members)");
    member_info m;
    m.name = full.substr(0, full.size() - 4);
    m.index = i;
    m.compressed = (st.valid & ZIP_STAT_COMP_METHOD) != 0 && st.comp_method == ZIP_CM_DEFLATE;
    // The preamble and header: at most NumPy's limit, read as far as the member goes.
    const std::uint64_t want = std::min<std::uint64_t>(st.size, 12 + max_header_bytes);
    std::string head(static_cast<std::size_t>(want), '\0');
    {
      detail::member_ptr f(zip_fopen_index(zip_.get(), i, 0));
      if (!f) detail::fail(name_, what + ": cannot open: " + detail::zip_text(zip_strerror(zip_.get())));
      for (std::size_t at = 0; at < head.size();) {
        const auto r = zip_fread(f.get(), head.data() + at, head.size() - at);
        if (r <= 0) detail::fail(name_, what + ": cannot read: " + detail::zip_text(r < 0 ? zip_file_strerror(f.get()) : "unexpected end of data"));
        at += static_cast<std::size_t>(r);
      }
    }
    if (head.size() >= 12 && std::memcmp(head.data(), "\x93NUMPY", 6) == 0 && head[7] == '\0' && (head[6] == 2 || head[6] == 3)) {
      std::uint64_t len = 0;
      for (int k = 0; k < 4; ++k) len |= static_cast<std::uint64_t>(static_cast<unsigned char>(head[static_cast<std::size_t>(8 + k)])) << (8 * k);
      if (len > max_header_bytes)
        detail::fail(name_, what + ": a .npy header of " + std::to_string(len) + " bytes, over NumPy's limit of " + std::to_string(max_header_bytes));
    }
    std::istringstream in(head);
    npy::header h;
    try {
      h = npy::read_header(in, name_ + ": " + what);
    } catch (const npy::error& e) {
      throw error(e.what());
    }
    if (!h.descr.empty() && h.descr.front() == '[')
      detail::fail(name_, what + ": structured dtype " + axle::escaped(h.descr, 60) + " is not supported");
    const auto type = dtype_from_numpy_descr(h.descr);
    if (!type) {
      std::string hint;
      if (h.descr.size() >= 2 && h.descr[0] == '>') hint = " (big-endian: save it little-endian, arr.astype(arr.dtype.newbyteorder('<')))";
      detail::fail(name_, what + ": unsupported dtype '" + axle::escaped(h.descr, 40) + "'" + hint +
                              "; supported: bool, int8/16/32/64, uint8/16/32/64, float16/32/64, complex64, bfloat16 as '<V2'");
    }
    m.dtype = *type;
    for (std::size_t e : h.shape) {
      const auto x = axle::detail::checked_cast<std::int64_t>(e);
      if (!x) detail::fail(name_, what + ": shape " + npy::shape_string(h.shape) + " does not fit in 64-bit sizes");
      m.shape.push_back(*x);
    }
    std::size_t long_axes = 0;
    for (std::int64_t e : m.shape) long_axes += e > 1 ? 1 : 0;
    if (h.fortran_order && long_axes > 1) detail::fail(name_, what + ": fortran_order=True is not supported; save np.ascontiguousarray(a)");
    const auto size = byte_size(m.dtype, m.shape);
    if (!size) detail::fail(name_, what + ": shape " + detail::shape_text(m.shape) + " of " + std::string(dtype_name(m.dtype)) + " is too large");
    m.bytes = *size;
    m.data_offset = h.data_offset;
    const auto total = axle::detail::checked_add<std::uint64_t>(m.data_offset, m.bytes);
    if (!total || *total != st.size) {
      const std::uint64_t have = st.size >= m.data_offset ? st.size - m.data_offset : 0;
      detail::fail(name_, what + ": " + std::string(dtype_name(m.dtype)) + " " + detail::shape_text(m.shape) + " needs " + std::to_string(m.bytes) +
                              " bytes of data, the member holds " + std::to_string(have));
    }
    return m;
  }

  std::string name_;
  std::unique_ptr<mapped_file> map_;
  std::span<const std::byte> bytes_;
  detail::zip_ptr zip_;
  std::vector<member_info> members_;
  std::vector<std::string> names_;
  std::unordered_map<std::string, std::size_t> index_;
  std::unique_ptr<std::mutex> mutex_ = std::make_unique<std::mutex>();
};

// --- writing -------------------------------------------------------------------------------------

/// A member's data as a producer hands it over: the bytes, and whatever keeps them alive until
/// libzip has read them (null when the caller keeps them alive anyway).
struct data {
  std::span<const std::byte> bytes;
  std::shared_ptr<const void> keep;
};
/// Makes a member's data when libzip asks for it.
using producer = std::function<data()>;

namespace detail {

/// The archive's destination: libzip writes, seeks back to patch local headers, and commits;
/// the bytes go to an axle::output_file.
struct destination {
  std::filesystem::path path;
  write_options options;
  std::optional<output_file> out;
  std::uint64_t pos = 0;
  zip_error_t error{};
  std::exception_ptr failure;

  static zip_int64_t callback(void* self, void* data, zip_uint64_t len, zip_source_cmd_t cmd) {
    auto& d = *static_cast<destination*>(self);
    try {
      return d.handle(data, len, cmd);
    } catch (...) {
      d.failure = std::current_exception();
      zip_error_set(&d.error, ZIP_ER_WRITE, EIO);
      return -1;
    }
  }

  zip_int64_t handle(void* data, zip_uint64_t len, zip_source_cmd_t cmd) {
    switch (cmd) {
      case ZIP_SOURCE_SUPPORTS:
        return ZIP_SOURCE_SUPPORTS_WRITABLE;
      case ZIP_SOURCE_STAT:  // a new archive: nothing to read
        zip_error_set(&error, ZIP_ER_READ, ENOENT);
        return -1;
      case ZIP_SOURCE_BEGIN_WRITE:
        out.emplace(path, options);
        pos = 0;
        return 0;
      case ZIP_SOURCE_WRITE: {
        const auto bytes = std::span<const std::byte>(static_cast<const std::byte*>(data), static_cast<std::size_t>(len));
        const std::size_t size = out->size();
        const std::size_t inside = pos < size ? std::min<std::size_t>(size - static_cast<std::size_t>(pos), bytes.size()) : 0;
        if (inside > 0) out->write_at(static_cast<std::size_t>(pos), bytes.first(inside));
        if (inside < bytes.size()) {
          if (pos + inside != out->size()) {  // a seek past the end: never done by libzip
            zip_error_set(&error, ZIP_ER_SEEK, EINVAL);
            return -1;
          }
          out->write(bytes.subspan(inside));
        }
        pos += len;
        return static_cast<zip_int64_t>(len);
      }
      case ZIP_SOURCE_SEEK_WRITE: {
        const zip_int64_t p = zip_source_seek_compute_offset(pos, out->size(), data, len, &error);
        if (p < 0) return -1;
        pos = static_cast<std::uint64_t>(p);
        return 0;
      }
      case ZIP_SOURCE_TELL_WRITE:
        return static_cast<zip_int64_t>(pos);
      case ZIP_SOURCE_COMMIT_WRITE:
        out->commit();
        out.reset();
        return 0;
      case ZIP_SOURCE_ROLLBACK_WRITE:
        out.reset();  // an uncommitted output_file leaves nothing
        return 0;
      case ZIP_SOURCE_REMOVE:
        return 0;
      case ZIP_SOURCE_ERROR:
        return zip_error_to_data(&error, data, len);
      case ZIP_SOURCE_FREE:
        return 0;
      case ZIP_SOURCE_OPEN:
      case ZIP_SOURCE_READ:
      case ZIP_SOURCE_CLOSE:
      case ZIP_SOURCE_SEEK:
      case ZIP_SOURCE_TELL:
      default:
        zip_error_set(&error, ZIP_ER_OPNOTSUPP, 0);
        return -1;
    }
  }
};

/// One member: the .npy header, then the data its producer gives when libzip opens it.
struct member_source {
  std::string header;
  std::uint64_t data_bytes = 0;
  producer make;
  data current;
  std::uint64_t pos = 0;
  zip_error_t error{};
  std::exception_ptr* failure = nullptr;
  std::string what;

  static zip_int64_t callback(void* self, void* buf, zip_uint64_t len, zip_source_cmd_t cmd) {
    auto& m = *static_cast<member_source*>(self);
    try {
      return m.handle(buf, len, cmd);
    } catch (...) {
      if (!*m.failure) *m.failure = std::current_exception();
      zip_error_set(&m.error, ZIP_ER_READ, EIO);
      return -1;
    }
  }

  zip_int64_t handle(void* buf, zip_uint64_t len, zip_source_cmd_t cmd) {
    switch (cmd) {
      case ZIP_SOURCE_SUPPORTS:
        return ZIP_SOURCE_SUPPORTS_READABLE;
      case ZIP_SOURCE_STAT: {
        auto* st = static_cast<zip_stat_t*>(buf);
        if (len < sizeof(zip_stat_t)) {
          zip_error_set(&error, ZIP_ER_INVAL, 0);
          return -1;
        }
        zip_stat_init(st);
        st->valid = ZIP_STAT_SIZE;
        st->size = header.size() + data_bytes;
        return sizeof(zip_stat_t);
      }
      case ZIP_SOURCE_OPEN:
        current = make();
        if (current.bytes.size() != data_bytes)
          throw npz::error(what + ": the producer gave " + std::to_string(current.bytes.size()) + " bytes for " + std::to_string(data_bytes));
        pos = 0;
        return 0;
      case ZIP_SOURCE_READ: {
        std::uint64_t n = 0;
        auto* out = static_cast<std::byte*>(buf);
        while (n < len && pos < header.size() + data_bytes) {
          if (pos < header.size()) {
            const std::size_t k = std::min<std::size_t>(header.size() - static_cast<std::size_t>(pos), static_cast<std::size_t>(len - n));
            std::memcpy(out + n, header.data() + pos, k);
            n += k;
            pos += k;
          } else {
            const std::uint64_t at = pos - header.size();
            const std::size_t k = static_cast<std::size_t>(std::min<std::uint64_t>(data_bytes - at, len - n));
            std::memcpy(out + n, current.bytes.data() + at, k);
            n += k;
            pos += k;
          }
        }
        return static_cast<zip_int64_t>(n);
      }
      case ZIP_SOURCE_CLOSE:
        current = {};
        return 0;
      case ZIP_SOURCE_ERROR:
        return zip_error_to_data(&error, buf, len);
      case ZIP_SOURCE_FREE:
        return 0;
      default:
        zip_error_set(&error, ZIP_ER_OPNOTSUPP, 0);
        return -1;
    }
  }
};

}  // namespace detail

/// Writes an .npz archive (see the header): add() every array, then commit().
class writer {
 public:
  /// `compress`: deflated members, as np.savez_compressed; stored otherwise, as np.savez. An
  /// existing file at `path` is an error unless `options.force`.
  explicit writer(const std::filesystem::path& path, bool compress = false, write_options options = {})
      : path_(path), name_(path.string()), compress_(compress), options_(options) {
    std::error_code ec;
    if (!options.force && std::filesystem::exists(std::filesystem::symlink_status(path, ec)))
      detail::fail(name_, "already exists; pass --force to overwrite it");
  }
  writer(const writer&) = delete;
  writer& operator=(const writer&) = delete;

  /// An array whose data `make` produces when libzip writes it.
  void add(std::string name, axle::dtype type, std::vector<std::int64_t> shape, producer make) {
    const std::string what = "array " + detail::quote_name(name);
    if (name.empty()) detail::fail(name_, "an array needs a name");
    if (name.find('\0') != std::string::npos) detail::fail(name_, what + ": a name cannot hold a NUL byte");
    if (!seen_.emplace(name).second) detail::fail(name_, "two arrays named " + detail::quote_name(name));
    const std::string_view descr = numpy_descr(type);
    if (descr.empty()) detail::fail(name_, what + ": NumPy has no " + std::string(dtype_name(type)) + " type, so an .npz cannot hold it");
    const auto size = byte_size(type, shape);
    if (!size) detail::fail(name_, what + ": " + std::string(dtype_name(type)) + " " + detail::shape_text(shape) + " is too large");
    std::vector<std::size_t> s(shape.begin(), shape.end());
    auto m = std::make_unique<detail::member_source>();
    m->header = npy::encode_header(descr, s);
    m->data_bytes = *size;
    m->make = std::move(make);
    m->failure = &failure_;
    m->what = name_ + ": " + what;
    entries_.push_back({std::move(name), std::move(m)});
  }

  /// An array whose data the caller keeps alive until commit() returns.
  void add(std::string name, axle::dtype type, std::vector<std::int64_t> shape, std::span<const std::byte> bytes) {
    add(std::move(name), type, std::move(shape), [bytes] { return data{bytes, nullptr}; });
  }

  /// Writes the archive: libzip asks for each member's data in order. Complete or absent.
  void commit() {
    if (entries_.empty()) {
      write_empty();
      return;
    }
    detail::destination dest;
    dest.path = path_;
    dest.options = options_;
    zip_error_init(&dest.error);
    zip_error_t err;
    zip_error_init(&err);
    zip_source_t* out = zip_source_function_create(&detail::destination::callback, &dest, &err);
    if (out == nullptr) detail::fail(name_, "cannot write: " + detail::zip_text(zip_error_strerror(&err)));
    zip_t* z = zip_open_from_source(out, ZIP_CREATE | ZIP_TRUNCATE, &err);
    if (z == nullptr) {
      zip_source_free(out);
      if (dest.failure) rethrow(dest.failure);
      detail::fail(name_, "cannot write: " + detail::zip_text(zip_error_strerror(&err)));
    }
    detail::zip_ptr archive(z);
    for (auto& e : entries_) {
      zip_error_init(&e.source->error);
      zip_source_t* s = zip_source_function(z, &detail::member_source::callback, e.source.get());
      if (s == nullptr) detail::fail(name_, "cannot add array " + detail::quote_name(e.name) + ": " + detail::zip_text(zip_strerror(z)));
      const std::string member = e.name + ".npy";
      const zip_int64_t i = zip_file_add(z, member.c_str(), s, ZIP_FL_ENC_UTF_8);
      if (i < 0) {
        zip_source_free(s);
        detail::fail(name_, "cannot add array " + detail::quote_name(e.name) + ": " + detail::zip_text(zip_strerror(z)));
      }
      const auto idx = static_cast<zip_uint64_t>(i);
      // 1980-01-01 00:00, as NumPy's members; a regular file, rw-r--r--.
      if (zip_set_file_compression(z, idx, compress_ ? ZIP_CM_DEFLATE : ZIP_CM_STORE, 0) != 0 ||
          zip_file_set_dostime(z, idx, 0, (1u << 5) | 1u, 0) != 0 ||
          zip_file_set_external_attributes(z, idx, 0, ZIP_OPSYS_UNIX, 0100644u << 16) != 0)
        detail::fail(name_, "cannot add array " + detail::quote_name(e.name) + ": " + detail::zip_text(zip_strerror(z)));
    }
    if (zip_close(z) != 0) {
      // zip_close leaves the archive open on failure; the destination was rolled back.
      if (failure_) rethrow(failure_);
      if (dest.failure) rethrow(dest.failure);
      detail::fail(name_, "cannot write: " + detail::zip_text(zip_strerror(z)));
    }
    static_cast<void>(archive.release());  // zip_close freed it
  }

 private:
  struct pending {
    std::string name;
    std::unique_ptr<detail::member_source> source;
  };

  [[noreturn]] void rethrow(std::exception_ptr p) const {
    try {
      std::rethrow_exception(p);
    } catch (const error&) {
      throw;
    } catch (const file_error& e) {
      throw error(e.what());
    }
  }

  /// The end-of-central-directory record alone, as np.savez writes for no arrays.
  void write_empty() {
    std::string eocd = "PK\x05\x06";
    eocd.append(18, '\0');
    try {
      output_file out(path_, options_);
      out.write(eocd);
      out.commit();
    } catch (const error&) {
      throw;
    } catch (const file_error& e) {
      throw error(e.what());
    }
  }

  std::filesystem::path path_;
  std::string name_;
  bool compress_ = false;
  write_options options_;
  std::vector<pending> entries_;
  std::unordered_set<std::string> seen_;
  std::exception_ptr failure_;
};

}  // namespace axle::npz
