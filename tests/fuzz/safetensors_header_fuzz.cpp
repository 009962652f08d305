// libFuzzer target: <axle/safetensors.hpp>'s reader on arbitrary bytes. Every input either is
// refused with axle::safetensors::error or yields a file whose every tensor can be looked up,
// sliced and viewed; nothing else may happen (no crash, no sanitizer report, no other exception).
// The same bytes are also read as a sharded checkpoint's index.
#include <axle/safetensors.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto bytes = std::as_bytes(std::span<const std::uint8_t>(data, size));
  try {
    const auto f = axle::safetensors::file::from_bytes(bytes, "fuzz.safetensors");
    std::uint64_t total = 0;
    for (const std::string& name : f.names()) {
      const auto& t = f.info(name);
      const auto b = f.bytes(name);
      if (b.size() != t.bytes()) std::abort();  // the reader's own promise
      total += b.size();
      try {
        static_cast<void>(f.layout_stamp(name));
      } catch (const axle::safetensors::error&) {
      }
      if (t.shape.size() == 1) {
        try {
          const auto v = f.view<const std::byte, axle::layout<axle::axes::O>>(name);
          if (v.size() > 0) static_cast<void>(v(static_cast<axle::index_t>(v.size() - 1)));
        } catch (const axle::safetensors::error&) {
        }
      }
    }
    if (f.data_offset() + total != size) std::abort();
  } catch (const axle::safetensors::error&) {
  }
  try {
    const auto ix = axle::safetensors::parse_index(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.index.json");
    static_cast<void>(ix.total_size());
    static_cast<void>(axle::safetensors::index_text(ix));
  } catch (const axle::safetensors::error&) {
  }
  return 0;
}
