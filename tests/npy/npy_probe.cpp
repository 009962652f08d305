// What axle makes of .npy files, for tests/npy/check_numpy.py to compare with np.load.
//
//     npy_probe read FILE...      one line per file: FILE<TAB>ok<TAB>dtype<TAB>shape<TAB>hex of the data
//                                                 or FILE<TAB>error<TAB>message
//     npy_probe copy IN OUT...    reads each IN and writes it to the OUT after it (replacing OUT)
//
// Built with the run-time tests' sanitizers, so a crafted file that made the reader misbehave
// fails the check instead of passing unnoticed.
#include <axle/npy.hpp>

#include <cstdio>
#include <exception>
#include <string>

namespace {

std::string hex(const std::vector<std::byte>& data) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string s;
  s.reserve(2 * data.size());
  for (std::byte b : data) {
    const auto v = std::to_integer<unsigned>(b);
    s += digits[v >> 4];
    s += digits[v & 15];
  }
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "read" && argc > 2) {
    for (int k = 2; k < argc; ++k) {
      try {
        const axle::npy::array a = axle::npy::read(argv[k]);
        std::printf("%s\tok\t%s\t%s\t%s\n", argv[k], std::string(axle::npy::name(a.dtype)).c_str(),
                    axle::npy::shape_string(a.shape).c_str(), hex(a.data).c_str());
      } catch (const axle::npy::error& e) {
        std::printf("%s\terror\t%s\n", argv[k], e.what());
      }
    }
    return 0;
  }
  if (mode == "copy" && argc >= 4 && argc % 2 == 0) {
    int status = 0;
    for (int k = 2; k + 1 < argc; k += 2) {
      try {
        axle::npy::write(argv[k + 1], axle::npy::read(argv[k]), /*force=*/true);
      } catch (const std::exception& e) {
        std::fprintf(stderr, "%s\n", e.what());
        status = 1;
      }
    }
    return status;
  }
  std::fprintf(stderr, "usage: npy_probe read FILE... | npy_probe copy IN OUT [IN OUT]...\n");
  return 2;
}
