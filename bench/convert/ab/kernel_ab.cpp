// kernel_ab: two builds of axle::detail::strided_copy (say main's and a working tree's) timed
// against each other in one run, on the conversions that reach its transpose path: PyTorch conv
// weights (O, I, kh, kw) made (kh, kw, I, O) (Flax, Keras, TensorFlow), whole and in the ~2 MiB
// destination blocks the convert-checkpoint tool writes (a block is a range of O), plus controls
// that take other paths. Build and run: bench/convert/ab/run.sh (it says how).
//
// Timing: thread CPU time (the machine may be shared), the best of REPS repetitions, the two
// builds interleaved within each repetition (alternating which goes first), so that their ratio
// is measured under the same conditions. Every result is checked against a scalar loop first.
#include "kernel.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

namespace {

using index_t = std::ptrdiff_t;

double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

struct bench_case {
  std::string name;
  std::size_t es = 4;
  std::vector<index_t> src_shape;
  std::vector<int> perm;     // destination axis k = source axis perm[k]
  std::vector<bool> flip;    // per destination axis
  bool blocks = false;       // destination in ~2 MiB blocks along the last destination axis
};

struct call {  // one strided_copy call
  std::vector<index_t> ext, str;
  index_t src_off = 0, dst_off = 0;
};

// The calls that make up a case: one, or one per block (each block written to the start of a
// reused 2 MiB buffer, as the tool does).
std::vector<call> make_calls(const bench_case& c, index_t& dst_elems, index_t& src_elems) {
  const std::size_t r = c.src_shape.size();
  std::vector<index_t> st(r);
  index_t acc = 1;
  for (std::size_t q = r; q-- > 0;) {
    st[q] = acc;
    acc *= c.src_shape[q];
  }
  src_elems = acc;
  call whole;
  whole.ext.resize(r);
  whole.str.resize(r);
  for (std::size_t k = 0; k < r; ++k) {
    const auto q = static_cast<std::size_t>(c.perm[k]);
    whole.ext[k] = c.src_shape[q];
    whole.str[k] = c.flip[k] ? -st[q] : st[q];
    if (c.flip[k]) whole.src_off += (c.src_shape[q] - 1) * st[q];
  }
  if (!c.blocks) {
    dst_elems = acc;
    return {whole};
  }
  const index_t last = whole.ext[r - 1];
  const index_t per = acc / last;  // elements per index of the last axis
  const index_t align = std::max<index_t>(1, 64 / static_cast<index_t>(c.es));
  index_t step = (index_t{2} << 20) / static_cast<index_t>(c.es) / per;
  step = std::max<index_t>(1, step >= align ? step / align * align : step);
  std::vector<call> out;
  for (index_t o0 = 0; o0 < last; o0 += step) {
    call b = whole;
    b.ext[r - 1] = std::min(step, last - o0);
    b.src_off += o0 * whole.str[r - 1];
    out.push_back(b);
  }
  dst_elems = per * step;
  return out;
}

// Scalar reference of one call.
void reference(unsigned char* dst, const unsigned char* src, std::size_t es, const call& k) {
  const int r = static_cast<int>(k.ext.size());
  index_t total = 1;
  for (index_t e : k.ext) total *= e;
  for (index_t lin = 0; lin < total; ++lin) {
    index_t rem = lin, off = 0;
    for (int q = r - 1; q >= 0; --q) {
      const auto uq = static_cast<std::size_t>(q);
      off += rem % k.ext[uq] * k.str[uq];
      rem /= k.ext[uq];
    }
    std::memcpy(dst + lin * static_cast<index_t>(es), src + off * static_cast<index_t>(es), es);
  }
}

void run_calls(axle_ab::copy_fn f, unsigned char* dst, const unsigned char* src, std::size_t es,
               const std::vector<call>& calls) {
  for (const call& k : calls)
    f(dst + k.dst_off * static_cast<index_t>(es), src + k.src_off * static_cast<index_t>(es), es,
      static_cast<int>(k.ext.size()), k.ext.data(), k.str.data());
}

std::string shape_name(const std::vector<index_t>& s) {
  std::string o;
  for (std::size_t i = 0; i < s.size(); ++i) o += (i ? "x" : "") + std::to_string(s[i]);
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  const int reps = argc > 1 ? std::atoi(argv[1]) : 7;
  const double min_rep_seconds = argc > 2 ? std::atof(argv[2]) : 0.02;
  const std::string filter = argc > 3 ? argv[3] : "";

  std::vector<bench_case> cases;
  auto conv = [&](std::size_t es, index_t o, index_t i, std::vector<index_t> k, bool blocks) {
    bench_case c;
    c.es = es;
    c.blocks = blocks;
    c.src_shape = {o, i};
    c.src_shape.insert(c.src_shape.end(), k.begin(), k.end());
    for (std::size_t s = 0; s < k.size(); ++s) c.perm.push_back(static_cast<int>(2 + s));
    c.perm.push_back(1);
    c.perm.push_back(0);
    c.flip.assign(c.src_shape.size(), false);
    c.name = "conv_to_tf";
    cases.push_back(c);
  };
  for (bool blocks : {false, true})
    for (std::size_t es : {std::size_t{4}, std::size_t{2}, std::size_t{8}}) {
      for (auto [o, i] : std::vector<std::pair<index_t, index_t>>{
               {256, 256}, {512, 512}, {1024, 1024}, {2048, 1024}, {2048, 2048}, {333, 517}, {64, 64}})
        conv(es, o, i, {3, 3}, blocks);
      conv(es, 512, 512, {5, 5}, blocks);
      conv(es, 1024, 1024, {5, 5}, blocks);
      conv(es, 512, 512, {1, 1}, blocks);
      conv(es, 1024, 1024, {1, 1}, blocks);
      conv(es, 1024, 1024, {4, 4}, blocks);  // bench/convert's shapes
      conv(es, 256, 256, {3, 3, 3}, blocks);
      conv(es, 512, 512, {7, 7}, blocks);
    }
  {  // controls on other paths: a ConvTranspose flip (runs), a plain transpose
    bench_case c;
    c.name = "convT_to_eqx";
    c.src_shape = {512, 512, 3, 3};
    c.perm = {1, 0, 2, 3};
    c.flip = {false, false, true, true};
    cases.push_back(c);
    c.name = "transpose2d";
    c.src_shape = {2048, 2048};
    c.perm = {1, 0};
    c.flip = {false, false};
    cases.push_back(c);
    c.name = "transpose2d_rev";
    c.src_shape = {1000, 1000, 9};
    c.perm = {2, 1, 0};
    c.flip = {true, false, false};
    cases.push_back(c);
  }

  std::printf("%-16s %2s %-6s %-16s %8s %9s %9s %7s\n", "case", "es", "mode", "shape", "MB", "A GB/s", "B GB/s",
              "B/A");
  for (const bench_case& c : cases) {
    const std::string label = c.name + " " + std::to_string(c.es) + " " + (c.blocks ? "blocks" : "whole") + " " +
                              shape_name(c.src_shape);
    if (!filter.empty() && label.find(filter) == std::string::npos) continue;
    index_t dst_elems = 0, src_elems = 0;
    const std::vector<call> calls = make_calls(c, dst_elems, src_elems);
    const auto sbytes = static_cast<std::size_t>(src_elems) * c.es;
    const auto dbytes = static_cast<std::size_t>(dst_elems) * c.es;
    auto* src = static_cast<unsigned char*>(std::aligned_alloc(64, (sbytes + 63) / 64 * 64));
    auto* dst = static_cast<unsigned char*>(std::aligned_alloc(64, (dbytes + 63) / 64 * 64));
    auto* ref = static_cast<unsigned char*>(std::aligned_alloc(64, (dbytes + 63) / 64 * 64));
    for (std::size_t q = 0; q < sbytes; ++q) src[q] = static_cast<unsigned char>(q * 2654435761u >> 13);
    // check each build on every call (blocks: each block checked on its own)
    for (axle_ab::copy_fn f : {axle_ab::copy_a, axle_ab::copy_b}) {
      for (const call& k : calls) {
        index_t n = 1;
        for (index_t e : k.ext) n *= e;
        const auto nb = static_cast<std::size_t>(n) * c.es;
        std::memset(dst, 0xA5, dbytes);
        reference(ref, src + k.src_off * static_cast<index_t>(c.es), c.es, k);
        f(dst, src + k.src_off * static_cast<index_t>(c.es), c.es, static_cast<int>(k.ext.size()), k.ext.data(),
          k.str.data());
        if (std::memcmp(dst, ref, nb) != 0) {
          std::fprintf(stderr, "MISMATCH %s (%s)\n", label.c_str(), f == axle_ab::copy_a ? "A" : "B");
          return 1;
        }
      }
    }
    double best[2] = {1e30, 1e30};
    for (int rep = 0; rep < reps; ++rep)
      for (int w = 0; w < 2; ++w) {
        const int which = (rep + w) % 2;
        const axle_ab::copy_fn f = which == 0 ? axle_ab::copy_a : axle_ab::copy_b;
        int iters = 0;
        const double t0 = cpu_seconds();
        double t1 = t0;
        do {
          run_calls(f, dst, src, c.es, calls);
          ++iters;
          t1 = cpu_seconds();
        } while (t1 - t0 < min_rep_seconds);
        best[which] = std::min(best[which], (t1 - t0) / iters);
      }
    const double mb = static_cast<double>(sbytes) / 1e6;  // bytes converted per run (the whole tensor)
    std::printf("%-16s %2zu %-6s %-16s %8.1f %9.2f %9.2f %7.3f\n", c.name.c_str(), c.es, c.blocks ? "blocks" : "whole",
                shape_name(c.src_shape).c_str(), mb, mb / 1e3 / best[0], mb / 1e3 / best[1], best[0] / best[1]);
    std::fflush(stdout);
    std::free(src);
    std::free(dst);
    std::free(ref);
  }
  return 0;
}
