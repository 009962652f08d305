// Fuzz target: the .npy reader (<axle/npy.hpp>). Any bytes: read_header from memory, check_header,
// read from a stream. A refusal is an npy::error of one line naming the file; an accepted file is
// consistent, and what axle writes for it reads back the same.
#include "fuzz.hpp"

#include <axle/npy.hpp>

#include <span>
#include <sstream>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace axle;
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  auto refused = [](const npy::error& e) {
    const std::string_view m = e.what();
    fuzz::require_one_line(m);
    fuzz::require(m.rfind("fuzz.npy: ", 0) == 0, "a message that does not start with the file's name", m);
  };
  try {
    const npy::header h = npy::read_header(std::as_bytes(std::span(data, size)), "fuzz.npy");
    fuzz::require(h.data_offset <= size, "a data offset past the end of the header's bytes");
    const npy::dtype t = npy::check_header(h, "fuzz.npy");
    (void)npy::data_bytes(h, t);
  } catch (const npy::error& e) {
    refused(e);
  }
  std::istringstream in(bytes);
  npy::array a;
  try {
    a = npy::read(in, "fuzz.npy");
  } catch (const npy::error& e) {
    refused(e);
    return 0;
  }
  fuzz::require(a.consistency_problem().empty(), "an accepted array that is not consistent", a.consistency_problem());
  fuzz::require(a.data.size() <= size, "more data than the file holds");
  const std::size_t n = a.size();
  for (std::size_t i = 0; i < n && i < 16; ++i) (void)a.element(i);
  std::ostringstream out;
  npy::write(out, a);
  std::istringstream again(out.str());
  const npy::array b = npy::read(again, "fuzz.npy");
  fuzz::require(b.dtype == a.dtype && b.shape == a.shape && b.data == a.data, "written back, the array reads differently");
  fuzz::require(out.str().size() % 64 == a.data.size() % 64, "a header that is not padded to 64 bytes");
  return 0;
}
