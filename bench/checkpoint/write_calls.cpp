// Writing a new 1 GiB file in calls of different sizes, interleaved, several rounds: why
// axle::output_file hands the system at most 256 KiB per write call (docs/performance.md,
// "Converting a checkpoint").
//
//     g++ -O2 -std=c++20 bench/checkpoint/write_calls.cpp -o /tmp/write_calls
//     /tmp/write_calls DIR [rounds]      # DIR: a directory on the file system to measure
//
// Each run creates a file, allocates its blocks (fallocate, as output_file::reserve does), writes
// 1 GiB from one 16 MiB buffer in calls of the given size, closes and removes it. The time is the
// writes' alone (no fsync): the cost of filling the page cache.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

double run(const std::string& path, std::size_t call) {
  constexpr std::size_t total = std::size_t{1} << 30;
  constexpr std::size_t buffer_bytes = std::size_t{16} << 20;
  static std::vector<char> buffer(buffer_bytes, 1);
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC, 0644);
  if (fd < 0 || ::fallocate(fd, 0, 0, static_cast<off_t>(total)) != 0) {
    std::perror(path.c_str());
    std::exit(1);
  }
  const auto start = std::chrono::steady_clock::now();
  for (std::size_t at = 0; at < total; at += buffer_bytes)
    for (std::size_t c = 0; c < buffer_bytes; c += call)
      if (::pwrite(fd, buffer.data() + c, call, static_cast<off_t>(at + c)) != static_cast<ssize_t>(call)) {
        std::perror("pwrite");
        std::exit(1);
      }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ::close(fd);
  ::unlink(path.c_str());
  return seconds;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s DIR [rounds]\n", argv[0]);
    return 2;
  }
  const std::string path = std::string(argv[1]) + "/write_calls.tmp";
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 7;
  const std::size_t calls[] = {std::size_t{4} << 20, std::size_t{1} << 20, std::size_t{256} << 10};
  std::vector<std::vector<double>> times(std::size(calls));
  for (int r = 0; r < rounds; ++r)
    for (std::size_t k = 0; k < std::size(calls); ++k) times[k].push_back(run(path, calls[k]));
  for (std::size_t k = 0; k < std::size(calls); ++k) {
    std::vector<double> t = times[k];
    std::sort(t.begin(), t.end());
    std::printf("calls of %5zu KiB: best %.2f s, median %.2f s, worst %.2f s; runs over twice the best: %d of %d\n", calls[k] >> 10, t.front(),
                t[t.size() / 2], t.back(), static_cast<int>(std::count_if(t.begin(), t.end(), [&](double x) { return x > 2 * t.front(); })),
                rounds);
  }
}
