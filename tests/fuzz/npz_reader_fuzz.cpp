// libFuzzer target: <axle/npz.hpp>'s reader on arbitrary bytes. Every input either is refused
// with axle::npz::error or yields an archive whose members can be read (or are refused with
// axle::npz::error, e.g. for a CRC mismatch); nothing else may happen. Members over 1 MiB are not
// read, so that a small compressed input cannot make each run slow.
#include <axle/npz.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto bytes = std::as_bytes(std::span<const std::uint8_t>(data, size));
  try {
    const auto in = axle::npz::reader::from_bytes(bytes, "fuzz.npz");
    for (const std::string& name : in.names()) {
      const auto& m = in.info(name);
      if (m.bytes > (std::uint64_t{1} << 20)) continue;
      try {
        const std::vector<std::byte> b = in.read(name);
        if (b.size() != m.bytes) std::abort();
      } catch (const axle::npz::error&) {
      }
    }
  } catch (const axle::npz::error&) {
  }
  return 0;
}
