// axle convert-checkpoint — a whole checkpoint from one framework's layouts to another's.
//
//     axle convert-checkpoint model.safetensors flax.safetensors --preset torch-to-flax --rules convs.toml
//
// 1. Plan: every tensor of IN meets the rules (rules.hpp): the first that matches decides what
//    the tensor is and becomes. Everything that can be checked is checked here — every rule's
//    ops, ranks and sizes, the tensors a rank cannot tell apart, names two tensors would share,
//    layout stamps that say a tensor is already converted, the output's existence — and every
//    problem is reported at once, before anything is written.
// 2. --dry-run prints the plan and stops.
// 3. Run: a pool of workers converts the tensors within a memory budget. A safetensors output is
//    sized and allocated first; the largest tensors go first, side by side while their sources fit
//    1.75x the largest tensor, and each is converted in blocks of its result, each written at its
//    place as it is made, the source's pages let go as they stop being read (fill_in_place). An
//    .npz output is written by its writer one tensor after the other, in its order, while the
//    workers convert ahead within the largest tensor's budget (stream). Copied tensors go from the
//    mapped input to the output without a copy in memory. Either way the output is complete or
//    absent.
#include "checkpoint_io.hpp"
#include "checkpoint_verify.hpp"
#include "cli.hpp"
#include "rules.hpp"

#include <axle/catalogue.hpp>
#include <axle/convert.hpp>
#include <axle/file.hpp>
#include <axle/notation.hpp>
#include <axle/text.hpp>

#include <fmt/format.h>

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <deque>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <set>
#include <thread>

namespace axle::cli {

namespace {

struct options {
  std::string in, out;
  std::vector<std::string> rules;
  std::string preset;
  std::string max_shard_size;
  int threads = 0;
  bool strict = false;
  bool dry_run = false;
  bool verify = false;
  bool force = false;
  bool no_sync = false;
  bool reconvert = false;
  bool compress = false;
};

enum class action { copy, convert, reshape, drop };

struct tensor_plan {
  std::size_t input = 0;  // index among the reader's tensors
  std::string name;
  std::string new_name;
  action what = action::copy;
  const rule* by = nullptr;  // null: no rule matched
  tensor_desc out;           // the output tensor (name, dtype, shape, bytes)
  // A conversion.
  resolved_op from, to;
  std::unique_ptr<op_conversion> conversion;  // the meanings checked, the sizes bound, the plan
  strided_map map;
  std::string plan_text;
  bool identity = false;
  std::optional<safetensors::stamp> out_stamp;
  verify_result verified;
};

std::string shape_text(const std::vector<std::int64_t>& s) { return axle::escaped(fmt::format("{}", fmt::join(s, ", ")).insert(0, "(") + (s.size() == 1 ? ",)" : ")"), 200); }

/// `{ndim}`, `{spatial}` and a rule's captures in an `ask` text.
std::string fill_question(std::string text, const std::map<std::string, std::string>& captures, int ndim) {
  std::map<std::string, std::string> values = captures;
  values["ndim"] = std::to_string(ndim);
  values["spatial"] = std::to_string(std::max(ndim - 2, 0));
  std::string out;
  for (std::size_t k = 0; k < text.size(); ++k) {
    if (text[k] == '{') {
      const std::size_t close = text.find('}', k);
      if (close != std::string::npos) {
        const auto it = values.find(text.substr(k + 1, close - k - 1));
        if (it != values.end()) {
          out += it->second;
          k = close;
          continue;
        }
      }
    }
    out += text[k];
  }
  return out;
}

struct lookup final : tensor_lookup {
  const checkpoint_reader& in;
  explicit lookup(const checkpoint_reader& r) : in(r) {}
  std::optional<int> ndim_of(const std::string& name) const override {
    const tensor_desc* t = in.find(name);
    if (t == nullptr) return std::nullopt;
    return static_cast<int>(t->shape.size());
  }
};

/// Collects every problem of a plan; reported together, before anything is written.
struct problems {
  std::vector<std::string> items;
  void add(std::string s) { items.push_back(std::move(s)); }
  void raise() const {
    if (items.empty()) return;
    if (items.size() == 1) throw tool_error(items[0]);
    std::string all = fmt::format("{} problems, nothing written: ", items.size());
    for (std::size_t k = 0; k < items.size() && k < 20; ++k) { all += (k ? "; " : ""); all += items[k]; }
    if (items.size() > 20) all += fmt::format("; and {} more", items.size() - 20);
    throw tool_error(all);
  }
};

/// What the rules make of every tensor; throws one error listing every problem.
std::vector<tensor_plan> make_plan(const checkpoint_reader& in, const rule_set& rules, const options& o) {
  std::vector<tensor_plan> plans;
  problems bad;
  std::vector<std::string> asked;  // tensors a rule must decide
  const lookup names(in);
  for (std::size_t k = 0; k < in.tensors().size(); ++k) {
    const tensor_desc& t = in.tensors()[k];
    tensor_plan p;
    p.input = k;
    p.name = t.name;
    p.new_name = t.name;
    p.out = t;
    const int ndim = static_cast<int>(t.shape.size());
    const rule_match m = find_rule(rules, t.name, ndim, names);
    p.by = m.r;
    if (m.r == nullptr) {
      plans.push_back(std::move(p));
      continue;
    }
    const rule& r = *m.r;
    if (r.ask) {
      asked.push_back(fmt::format("{} {}: {} ({})", echo(t.name), shape_text(t.shape), fill_question(*r.ask, m.captures, ndim), r.origin));
      continue;
    }
    if (r.rename) p.new_name = r.rename->fill(m.captures);
    if (r.drop) {
      p.what = action::drop;
      plans.push_back(std::move(p));
      continue;
    }
    if (r.unit_axes > 0) {
      p.what = action::reshape;
      p.out.shape.insert(p.out.shape.end(), static_cast<std::size_t>(r.unit_axes), 1);
    }
    if (r.from) {
      try {
        p.what = action::convert;
        p.from = resolve_rule_op(*r.from, ndim, r, t.name);
        p.to = resolve_rule_target(*r.to, p.from, r, t.name);
        op_options options;
        for (const auto& [axis, size] : r.sizes) {
          if (axis == "G")
            options.groups = size;
          else
            options.sizes.push_back({axis, size});
        }
        try {
          p.conversion = std::make_unique<op_conversion>(*p.from.entry, *p.to.entry, options);
        } catch (const conversion_error& e) {
          // The shared op code speaks of the command line's --groups; here it is the rule's groups.
          std::string what = e.what();
          for (std::size_t at; (at = what.find("--groups")) != std::string::npos;) what.replace(at, 8, "groups =");
          throw tool_error(fmt::format("{}: tensor {}: {}", r.origin, echo(t.name), what));
        }
        if (p.conversion->folds())
          throw tool_error(fmt::format("{}: tensor {}: {} to {} sums two biases, which convert-checkpoint does not do", r.origin,
                                       echo(t.name), p.from.name, p.to.name));
        if (dtype_bits(t.dtype) % 8 != 0)
          throw tool_error(fmt::format("{}: tensor {} is {}, which packs several elements in a byte: it cannot be rearranged", r.origin, echo(t.name),
                                       dtype_name(t.dtype)));
        std::vector<index_t> shape(t.shape.begin(), t.shape.end());
        try {
          p.map = p.conversion->map(shape);
        } catch (const shape_error& e) {
          throw tool_error(fmt::format("{}: tensor {} {} {}", r.origin, echo(t.name), shape_text(t.shape), e.what()));  // "as a ... weight: ..."
        }
        p.plan_text = p.conversion->notation();
        p.identity = p.plan_text == "id";
        p.out.shape.assign(p.map.target_shape.begin(), p.map.target_shape.end());
        // A layout given as text is stamped as a layout alone: it is no op of the catalogue.
        p.out_stamp = safetensors::stamp{p.to.is_layout() ? std::string() : p.to.name, to_string(p.conversion->to_layout())};
        // The stamp the input carries, if any, must say the source layout.
        const auto s = in.stamp(t.name);
        const std::string from_text = to_string(p.conversion->from_layout());
        // A stamp names the op too: the same layout text in another family (an Equinox
        // ConvTranspose2d and a PyTorch Conv2d are both (O, I, H, W)) is another tensor.
        auto family_of = [](const std::string& op) -> std::optional<family> {
          const auto all = catalogue::find_all(op);
          if (all.empty()) return std::nullopt;
          return all.front().family;
        };
        const auto stamped_family = s ? family_of(s->op) : std::nullopt;
        const bool is_source = s && s->layout == from_text && (!stamped_family || *stamped_family == p.from.entry->family);
        if (s && !o.reconvert && !is_source) {
          if (s->layout == p.out_stamp->layout && (!stamped_family || *stamped_family == p.to.entry->family))
            throw tool_error(fmt::format("tensor {} is stamped {}: it already has the layout of {}; converting it again would transpose it twice "
                                         "(--reconvert converts it anyway)",
                                         echo(t.name), echo(safetensors::stamp_text(*s)), p.to.name));
          throw tool_error(fmt::format("tensor {} is stamped {}, but {} reads it as a {} weight {} (--reconvert converts it anyway)", echo(t.name),
                                       echo(safetensors::stamp_text(*s)), r.origin, p.from.name, from_text));
        }
      } catch (const tool_error& e) {
        bad.add(e.what());
        continue;
      }
    }
    plans.push_back(std::move(p));
  }
  if (!asked.empty()) {
    std::string all = fmt::format("{} {} a rule, since {} cannot tell what {} {}: ", asked.size(), asked.size() == 1 ? "tensor needs" : "tensors need",
                                  asked.size() == 1 ? "its name and rank" : "their names and ranks", asked.size() == 1 ? "it" : "they",
                                  asked.size() == 1 ? "is" : "are");
    for (std::size_t k = 0; k < asked.size() && k < 10; ++k) { all += (k ? "; " : ""); all += asked[k]; }
    if (asked.size() > 10) all += fmt::format("; and {} more", asked.size() - 10);
    bad.add(all);
  }
  if (o.strict) {
    std::vector<std::string> unmatched;
    for (const tensor_plan& p : plans)
      if (p.by == nullptr) unmatched.push_back(echo(p.name));
    if (!unmatched.empty())
      bad.add(fmt::format("--strict: {} {} no rule: {}", unmatched.size(), unmatched.size() == 1 ? "tensor matches" : "tensors match",
                          fmt::join(unmatched.begin(), unmatched.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(unmatched.size(), 20)), ", ")));
  }
  // Two tensors must not become one name.
  std::map<std::string, const tensor_plan*> by_name;
  for (const tensor_plan& p : plans) {
    if (p.what == action::drop) continue;
    const auto [it, fresh] = by_name.emplace(p.new_name, &p);
    if (!fresh) {
      auto how = [](const tensor_plan& x) { return x.by ? fmt::format("{} (rule {})", echo(x.name), x.by->origin) : fmt::format("{} (unchanged)", echo(x.name)); };
      bad.add(fmt::format("{} and {} would both be named {}", how(*it->second), how(p), echo(p.new_name)));
    }
  }
  bad.raise();
  for (tensor_plan& p : plans) {
    p.out.name = p.new_name;
    if (auto b = byte_size(p.out.dtype, p.out.shape)) p.out.bytes = *b;
  }
  return plans;
}

// --- running -------------------------------------------------------------------------------------

/// Elements moved as their bytes: any dtype of 1, 2, 4 or 8 bytes, at any address.
template <std::size_t N>
struct raw {
  std::byte b[N];
};

/// Calls `f(std::integral_constant<std::size_t, N>{})` for elements of `item` = N bytes.
template <class F>
void with_item_size(std::size_t item, F&& f) {
  switch (item) {
    case 1: f(std::integral_constant<std::size_t, 1>{}); break;
    case 2: f(std::integral_constant<std::size_t, 2>{}); break;
    case 4: f(std::integral_constant<std::size_t, 4>{}); break;
    case 8: f(std::integral_constant<std::size_t, 8>{}); break;
    default: throw tool_error(fmt::format("elements of {} bytes cannot be rearranged", item));
  }
}

void materialize_bytes(const strided_map& m, std::size_t item, const std::byte* src, std::byte* dst) {
  with_item_size(item, [&]<std::size_t N>(std::integral_constant<std::size_t, N>) {
    materialize(m, reinterpret_cast<const raw<N>*>(src), reinterpret_cast<raw<N>*>(dst));
  });
}

/// A buffer aligned to 64 bytes: the copy kernel's transposes run several times faster into
/// rows that start on a cache line. Large buffers are mapped with their pages populated at once
/// (cheaper than a fault per page), and returned to the system when freed.
struct aligned_buffer {
  std::byte* data = nullptr;
  std::size_t size = 0;
  bool mapped = false;
  explicit aligned_buffer(std::size_t n) : size(n) {
    if (n >= (std::size_t{1} << 20)) {
      void* p = ::mmap(nullptr, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
      if (p == MAP_FAILED) throw std::bad_alloc();
      data = static_cast<std::byte*>(p);
      mapped = true;
    } else {
      data = static_cast<std::byte*>(::operator new(std::max<std::size_t>(n, 1), std::align_val_t{64}));
    }
  }
  aligned_buffer(const aligned_buffer&) = delete;
  aligned_buffer& operator=(const aligned_buffer&) = delete;
  ~aligned_buffer() {
    if (mapped)
      ::munmap(data, size);
    else
      ::operator delete(data, std::align_val_t{64});
  }
};

/// Checks a conversion with the reference engine, as --verify asks.
void verify_plan(tensor_plan& p, const tensor_desc& t, std::span<const std::byte> source, std::span<const std::byte> converted) {
  verify_request r{p.from.entry,
                   p.to.entry,
                   p.conversion->from_layout(),
                   p.conversion->to_layout(),
                   std::vector<axis_size>(p.conversion->sizes().begin(), p.conversion->sizes().end()),
                   std::vector<index_t>(t.shape.begin(), t.shape.end()),
                   std::vector<index_t>(p.out.shape.begin(), p.out.shape.end()),
                   t.dtype,
                   p.conversion->grouped()};
  p.verified = verify_conversion(r, source, converted);
}

/// Counts what is done, for the progress line; shared by the workers.
struct tally {
  std::atomic<std::size_t> tensors{0};
  std::atomic<std::uint64_t> bytes{0};
};

/// Runs jobs on a pool of workers in a given order, each admitted while the memory it holds
/// fits a budget (at least the largest job's, so any single job runs), and rethrows the first
/// failure. With `any_order`, a job that does not fit yet lets later ones that fit go first (for
/// jobs whose results may come in any order). A job may keep its memory past its end (data lent
/// to a writer): it returns it through the shared accounting, which outlives the pool.
class workers {
 public:
  using job = std::function<void(std::size_t, workers&)>;
  struct accounting {
    std::mutex mutex;
    std::condition_variable cv;
    std::uint64_t in_flight = 0;
    std::uint64_t peak = 0;
    void give_back(std::uint64_t c) {
      {
        std::lock_guard<std::mutex> lock(mutex);
        in_flight -= c;
      }
      cv.notify_all();
    }
  };

  workers(std::vector<std::uint64_t> costs, int threads, std::uint64_t budget, bool any_order, job run)
      : costs_(std::move(costs)), run_(std::move(run)), budget_(budget), any_order_(any_order) {
    for (std::uint64_t c : costs_) budget_ = std::max(budget_, c);
    kept_.assign(costs_.size(), 0);
    taken_.assign(costs_.size(), 0);
    for (int k = 0; k < threads; ++k) threads_.emplace_back([this] { work(); });
  }
  workers(const workers&) = delete;
  workers& operator=(const workers&) = delete;
  ~workers() {
    stop();
    for (std::thread& t : threads_) t.join();
  }

  /// Waits for every job (or stop()), calling `tick` now and then; rethrows a job's failure.
  void wait(const std::function<void()>& tick) {
    std::unique_lock<std::mutex> lock(a_->mutex);
    while (finished_ < costs_.size() && !error_ && !stopping_) {
      a_->cv.wait_for(lock, std::chrono::milliseconds(100));
      lock.unlock();
      tick();
      lock.lock();
    }
    if (error_) std::rethrow_exception(error_);
  }
  void stop() {
    {
      std::lock_guard<std::mutex> lock(a_->mutex);
      stopping_ = true;
    }
    a_->cv.notify_all();
  }
  /// Job `k` keeps its memory when it returns; whoever holds it calls accounting()->give_back.
  void keep(std::size_t k) { kept_[k] = 1; }
  [[nodiscard]] const std::shared_ptr<accounting>& shared() const noexcept { return a_; }
  [[nodiscard]] std::uint64_t cost(std::size_t k) const noexcept { return costs_[k]; }
  [[nodiscard]] std::uint64_t peak() const {
    std::lock_guard<std::mutex> lock(a_->mutex);
    return a_->peak;
  }

 private:
  void work() {
    std::unique_lock<std::mutex> lock(a_->mutex);
    for (;;) {
      std::size_t k = costs_.size();
      a_->cv.wait(lock, [&] {
        if (stopping_ || error_ || next_ == costs_.size()) return true;
        k = admissible();
        return k < costs_.size();
      });
      if (stopping_ || error_ || next_ == costs_.size()) return;
      taken_[k] = 1;
      while (next_ < costs_.size() && taken_[next_]) ++next_;
      a_->in_flight += costs_[k];
      a_->peak = std::max(a_->peak, a_->in_flight);
      lock.unlock();
      std::exception_ptr failure;
      try {
        run_(k, *this);
      } catch (...) {
        failure = std::current_exception();
      }
      lock.lock();
      if (failure && !error_) error_ = failure;
      if (!kept_[k] || failure) a_->in_flight -= costs_[k];
      ++finished_;
      a_->cv.notify_all();
    }
  }

  /// The job to start now: the next one if it fits, else (any_order) the first later one that
  /// fits; costs_.size() for none.
  std::size_t admissible() const {
    if (a_->in_flight == 0 || a_->in_flight + costs_[next_] <= budget_) return next_;
    if (any_order_)
      for (std::size_t j = next_ + 1; j < costs_.size(); ++j)
        if (!taken_[j] && a_->in_flight + costs_[j] <= budget_) return j;
    return costs_.size();
  }

  std::vector<std::uint64_t> costs_;
  job run_;
  std::shared_ptr<accounting> a_ = std::make_shared<accounting>();
  std::vector<char> kept_;
  std::vector<std::thread> threads_;
  std::uint64_t budget_ = 0;
  bool any_order_ = false;
  std::vector<char> taken_;
  std::size_t next_ = 0;  // the first job not taken
  std::size_t finished_ = 0;
  std::exception_ptr error_;
  bool stopping_ = false;
};

/// The bytes of a tensor's input, mapped or read.
struct source_bytes {
  std::span<const std::byte> bytes;
  std::unique_ptr<aligned_buffer> read;  // when the input is not mapped (.npz)
};
source_bytes source_of(const checkpoint_reader& in, const tensor_desc& t) {
  source_bytes s;
  if (const auto m = in.mapped(t.name)) {
    s.bytes = *m;
  } else {
    s.read = std::make_unique<aligned_buffer>(static_cast<std::size_t>(t.bytes));
    in.read_into(t.name, std::span<std::byte>(s.read->data, s.read->size));
    s.bytes = std::span<const std::byte>(s.read->data, s.read->size);
  }
  return s;
}

/// The most of a converted tensor's result held in memory: it is made in blocks of this size, each
/// written at its place before the next is made (materialize_blocks).
constexpr std::size_t block_bytes = std::size_t{2} << 20;

/// Converts `src` by map `m` (elements of `item` bytes, moved as their bytes) in blocks of the
/// result (materialize_blocks, on the calling thread: the workers run tensors side by side):
/// `write(offset, bytes)` receives each run of the result with its byte offset, and
/// `read_past(begin)` is told that no later block reads the source bytes before `begin`.
template <class Write, class ReadPast>
void convert_in_blocks(const strided_map& m, std::size_t item, const std::byte* src, Write&& write, ReadPast&& read_past) {
  with_item_size(item, [&]<std::size_t N>(std::integral_constant<std::size_t, N>) {
    materialize_blocks(
        m, reinterpret_cast<const raw<N>*>(src),
        [&](const placed_piece<raw<N>>& piece) {
          write(static_cast<std::uint64_t>(piece.offset) * N, std::as_bytes(piece.elements));
          read_past(static_cast<std::uint64_t>(piece.source_begin < piece.source_end ? piece.source_begin : m.size()) * N);
        },
        block_bytes, copy_options{1});
  });
}

/// Fills an output whose files are sized first (safetensors), in parallel: each tensor copied or
/// converted block by block and each block written at its place, so a worker holds its source's
/// pages (released as they stop being read) and one block of its result; with --verify, the
/// whole result, which the reference engine checks before it is written.
void fill_in_place(const checkpoint_reader& in, std::vector<tensor_plan>& plans, checkpoint_writer& out, const std::vector<std::size_t>& plan_of,
                   int threads, bool verify, tally& done, const std::function<void()>& tick, std::uint64_t& peak) {
  // Largest first, so that the small ones fill in beside the large ones and at the end.
  std::vector<std::size_t> order = out.order();
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return plans[plan_of[a]].out.bytes > plans[plan_of[b]].out.bytes; });
  std::vector<std::uint64_t> costs;
  std::uint64_t largest = 0;
  for (std::size_t k : order) {
    const tensor_plan& p = plans[plan_of[k]];
    const std::uint64_t src = in.tensors()[p.input].bytes;
    const bool moves = p.what == action::convert && !p.identity;
    // The source's pages (or, from an .npz, its buffer) and a block of the result, or all of it.
    costs.push_back(src + (!moves ? 0 : verify ? p.out.bytes : std::min<std::uint64_t>(p.out.bytes, block_bytes)));
    largest = std::max({largest, src, p.out.bytes});
  }
  // Tensors run side by side while what they hold stays within 1.75 times the largest tensor:
  // the largest runs beside smaller ones, and the peak, with the program's own memory, stays
  // under twice the largest tensor.
  workers pool(costs, threads, largest / 4 * 7, true, [&](std::size_t pos, workers&) {
    const std::size_t k = order[pos];
    tensor_plan& p = plans[plan_of[k]];
    const tensor_desc& t = in.tensors()[p.input];
    source_bytes s = source_of(in, t);
    // The source's bytes before `released` are no longer read, and their pages are let go.
    std::uint64_t released = 0;
    const auto let_go = [&](std::uint64_t upto) {
      if (s.read || upto <= released) return;
      in.release_range(t.name, released, upto);
      released = upto;
    };
    if (p.what != action::convert || p.identity) {
      constexpr std::size_t chunk = std::size_t{16} << 20;
      for (std::uint64_t at = 0; at < s.bytes.size(); at += chunk) {
        const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(chunk, s.bytes.size() - at));
        out.write_at(k, at, s.bytes.subspan(static_cast<std::size_t>(at), n));
        let_go(at + n);
      }
    } else if (verify && verifiable(*p.from.entry)) {
      aligned_buffer target(static_cast<std::size_t>(p.out.bytes));
      if (target.size != 0) materialize_bytes(p.map, dtype_bits(t.dtype) / 8, s.bytes.data(), target.data);
      const std::span<const std::byte> result(target.data, target.size);
      verify_plan(p, t, s.bytes, result);
      let_go(s.bytes.size());
      out.write_at(k, 0, result);
    } else {
      convert_in_blocks(
          p.map, dtype_bits(t.dtype) / 8, s.bytes.data(), [&](std::uint64_t at, std::span<const std::byte> run) { out.write_at(k, at, run); },
          let_go);
    }
    if (!s.read) in.release(t.name);
    out.filled(k);
    done.bytes += p.out.bytes;
    ++done.tensors;
  });
  pool.wait(tick);
  peak = pool.peak();
}

/// Streams tensors to a writer that takes them in its own order (.npz): workers convert ahead
/// within the budget, the writer (on its own thread) takes each when it is ready.
void stream(const checkpoint_reader& in, std::vector<tensor_plan>& plans, checkpoint_writer& out, const std::vector<std::size_t>& plan_of, int threads,
            bool verify, tally& done, const std::function<void()>& tick, std::uint64_t& peak) {
  const std::vector<std::size_t>& order = out.order();
  std::vector<std::size_t> position(plan_of.size());
  for (std::size_t pos = 0; pos < order.size(); ++pos) position[order[pos]] = pos;
  struct shared {
    std::mutex mutex;
    std::condition_variable cv;
    std::vector<std::optional<tensor_data>> slots;
    bool abandoned = false;
  };
  auto sh = std::make_shared<shared>();
  sh->slots.resize(order.size());
  std::vector<std::uint64_t> costs;
  const bool mapped_input = in.format() != checkpoint_format::npz;
  for (std::size_t k : order) {
    const tensor_plan& p = plans[plan_of[k]];
    const bool moves = p.what == action::convert && !p.identity;
    costs.push_back((moves ? p.out.bytes : 0) + (mapped_input ? 0 : in.tensors()[p.input].bytes));
  }
  workers pool(costs, threads, 0, false, [&](std::size_t pos, workers& self) {
    const std::size_t k = order[pos];
    tensor_plan& p = plans[plan_of[k]];
    const tensor_desc& t = in.tensors()[p.input];
    auto s = std::make_shared<source_bytes>(source_of(in, t));
    const std::shared_ptr<workers::accounting> acc = self.shared();
    const std::uint64_t c = self.cost(pos);
    const std::string* release = s->read ? nullptr : &p.name;
    const checkpoint_reader* reader = &in;
    tensor_data d;
    if (p.what != action::convert || p.identity) {
      d.bytes = s->bytes;
      d.keep = std::shared_ptr<const void>(s.get(), [s, acc, c, release, reader](const void*) mutable {
        s.reset();
        if (release != nullptr) reader->release(*release);
        acc->give_back(c);
      });
    } else {
      auto target = std::make_shared<aligned_buffer>(static_cast<std::size_t>(p.out.bytes));
      materialize_bytes(p.map, dtype_bits(t.dtype) / 8, s->bytes.data(), target->data);
      d.bytes = std::span<const std::byte>(target->data, static_cast<std::size_t>(p.out.bytes));
      if (verify && verifiable(*p.from.entry)) verify_plan(p, t, s->bytes, d.bytes);
      if (release != nullptr) in.release(*release);
      s.reset();
      d.keep = std::shared_ptr<const void>(target.get(), [target, acc, c](const void*) mutable {
        target.reset();
        acc->give_back(c);
      });
    }
    self.keep(pos);
    {
      std::lock_guard<std::mutex> lock(sh->mutex);
      sh->slots[pos] = std::move(d);
    }
    sh->cv.notify_all();
  });
  std::exception_ptr writer_failure;
  std::thread writer([&] {
    try {
      out.run(
          [&](std::size_t k) {
            const std::size_t pos = position[k];
            std::unique_lock<std::mutex> lock(sh->mutex);
            while (!sh->slots[pos]) {
              if (sh->abandoned) throw tool_error("stopped");  // a worker failed: the pool reports it
              sh->cv.wait_for(lock, std::chrono::milliseconds(50));
            }
            tensor_data d = std::move(*sh->slots[pos]);
            sh->slots[pos].reset();
            return d;
          },
          [&](std::uint64_t n) {
            done.bytes += n;
            ++done.tensors;
          });
    } catch (...) {
      writer_failure = std::current_exception();
      pool.stop();
    }
  });
  std::exception_ptr failure;
  try {
    pool.wait(tick);
  } catch (...) {
    failure = std::current_exception();
    {
      std::lock_guard<std::mutex> lock(sh->mutex);
      sh->abandoned = true;
    }
    sh->cv.notify_all();
  }
  writer.join();
  // Tensors converted but not written (after a failure) are freed with `sh`, once the pool's
  // destructor has joined the workers that may still be filling slots.
  if (failure) std::rethrow_exception(failure);
  if (writer_failure) std::rethrow_exception(writer_failure);
  peak = pool.peak();
}

/// A progress line on a terminal: tensors, bytes, rate, time left.
class progress {
 public:
  progress(std::size_t tensors, std::uint64_t bytes) : tensors_(tensors), bytes_(bytes), on_(::isatty(2) != 0) {}
  void show(std::size_t done_tensors, std::uint64_t done_bytes) {
    if (!on_) return;
    const auto now = clock::now();
    if (now - last_ < std::chrono::milliseconds(100) && done_tensors < tensors_) return;
    last_ = now;
    const double s = std::chrono::duration<double>(now - start_).count();
    const double rate = s > 0 ? static_cast<double>(done_bytes) / s : 0;
    const double left = rate > 0 ? static_cast<double>(bytes_ - std::min(bytes_, done_bytes)) / rate : 0;
    const double frac = bytes_ ? static_cast<double>(done_bytes) / static_cast<double>(bytes_) : 1.0;
    const int width = 24;
    const int filled = std::clamp(static_cast<int>(frac * width), 0, width);
    fmt::print(stderr, "\r[{}{}] {}/{} tensors  {}/{}  {}/s  {:.0f} s left  ", std::string(static_cast<std::size_t>(filled), '#'),
               std::string(static_cast<std::size_t>(width - filled), ' '), done_tensors, tensors_, bytes_text(done_bytes), bytes_text(bytes_),
               bytes_text(static_cast<std::uint64_t>(rate)), left);
    std::fflush(stderr);
  }
  void finish() {
    if (on_) fmt::print(stderr, "\r{}\r", std::string(100, ' '));
  }
  [[nodiscard]] double seconds() const { return std::chrono::duration<double>(clock::now() - start_).count(); }

 private:
  using clock = std::chrono::steady_clock;
  std::size_t tensors_;
  std::uint64_t bytes_;
  bool on_;
  clock::time_point start_ = clock::now();
  clock::time_point last_{};
};

std::string rule_text(const tensor_plan& p) { return p.by ? fmt::format("rule {}", p.by->origin) : std::string("no rule"); }

void print_plan(const std::vector<tensor_plan>& plans, const checkpoint_reader& in) {
  std::uint64_t total = 0;
  std::size_t converted = 0, copied = 0, dropped = 0, unmatched = 0;
  for (const tensor_plan& p : plans) {
    const tensor_desc& t = in.tensors()[p.input];
    const std::string rename = p.new_name == p.name ? echo(p.name) : fmt::format("{} -> {}", echo(p.name), echo(p.new_name));
    switch (p.what) {
      case action::drop:
        ++dropped;
        fmt::print("{}  dropped ({})\n", echo(p.name), rule_text(p));
        continue;
      case action::convert:
        ++converted;
        fmt::print("{}  {} {} -> {}  {}\n", rename, dtype_name(t.dtype), shape_text(t.shape), shape_text(p.out.shape), bytes_text(p.out.bytes));
        fmt::print("    {} {} -> {} {}: {}  ({})\n", p.from.is_layout() ? "layout" : p.from.name, to_string(p.conversion->from_layout()),
                   p.to.is_layout() ? "layout" : p.to.name, to_string(p.conversion->to_layout()), p.plan_text,
                   rule_text(p));
        break;
      case action::reshape:
        ++copied;
        fmt::print("{}  {} {} -> {}  {}  reshaped, data unchanged ({})\n", rename, dtype_name(t.dtype), shape_text(t.shape), shape_text(p.out.shape),
                   bytes_text(p.out.bytes), rule_text(p));
        break;
      case action::copy:
        ++copied;
        if (!p.by) ++unmatched;
        fmt::print("{}  {} {}  {}  copied ({})\n", rename, dtype_name(t.dtype), shape_text(t.shape), bytes_text(p.out.bytes), rule_text(p));
        break;
    }
    total += p.out.bytes;
  }
  fmt::print("plan: {} converted, {} copied ({} matched by no rule), {} dropped; {} to write; nothing written (--dry-run)\n", converted, copied, unmatched,
             dropped, bytes_text(total));
}

void run(const options& o) {
  remove_temporaries_on_signal();
  rule_set rules;
  for (const std::string& f : o.rules) read_rules(f, rules);
  if (!o.preset.empty()) parse_rules(preset_text(o.preset), "preset " + o.preset, rules);
  if (o.in == o.out) throw usage_error("IN and OUT are the same file");
  const checkpoint_format out_format = format_of(o.out);
  writer_options wo;
  wo.file = write_options(o.force, !o.no_sync);
  wo.compress = o.compress;
  if (!o.max_shard_size.empty()) {
    if (out_format != checkpoint_format::sharded) throw usage_error("--max-shard-size is for a sharded output (OUT ending in .json)");
    wo.max_shard_bytes = parse_size(o.max_shard_size);
  }
  if (o.compress && out_format != checkpoint_format::npz) throw usage_error("--compress is for an .npz output");
  if (!o.force && !o.dry_run)
    if (std::error_code ec; std::filesystem::exists(std::filesystem::symlink_status(o.out, ec)))
      throw tool_error(fmt::format("{} already exists; pass --force to overwrite it", o.out));
  const auto in = checkpoint_reader::open(o.in);
  std::vector<tensor_plan> plans = make_plan(*in, rules, o);
  if (o.dry_run) {
    print_plan(plans, *in);
    return;
  }

  // The output: tensors in the input's order, metadata carried over and updated, stamps.
  std::vector<tensor_desc> out_tensors;
  std::vector<std::size_t> plan_of;  // output tensor → plan
  std::map<std::string, std::string> stamps;
  for (std::size_t k = 0; k < plans.size(); ++k) {
    const tensor_plan& p = plans[k];
    if (p.what == action::drop) continue;
    out_tensors.push_back(p.out);
    plan_of.push_back(k);
    if (p.out_stamp)
      stamps[p.new_name] = safetensors::stamp_text(*p.out_stamp);
    else if (p.what == action::copy)
      if (const auto s = in->stamp(p.name)) stamps[p.new_name] = safetensors::stamp_text(*s);
  }
  std::optional<std::map<std::string, std::string>> metadata;
  if (in->has_metadata() || !rules.set_metadata.empty()) {
    metadata.emplace();
    for (const auto& [k, v] : in->metadata())
      if (k.rfind(safetensors::stamp_prefix, 0) != 0 && !rules.remove_metadata.contains(k)) (*metadata)[k] = v;
    for (const auto& [k, v] : rules.set_metadata) (*metadata)[k] = v;
  }
  const auto out = checkpoint_writer::create(o.out, out_tensors, metadata, stamps, wo);
  const int threads = o.threads > 0 ? o.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::uint64_t total = 0;
  for (const tensor_desc& t : out_tensors) total += t.bytes;
  progress bar(out_tensors.size(), total);
  tally done;
  const auto tick = [&] { bar.show(done.tensors.load(), done.bytes.load()); };
  std::uint64_t peak = 0;
  if (out->reserve()) {
    fill_in_place(*in, plans, *out, plan_of, threads, o.verify, done, tick, peak);
    out->finish();
  } else {
    stream(*in, plans, *out, plan_of, threads, o.verify, done, tick, peak);
  }
  tick();
  bar.finish();

  // The summary.
  std::size_t converted = 0, copied = 0, dropped = 0;
  std::vector<std::string> unmatched;
  for (const tensor_plan& p : plans) {
    converted += p.what == action::convert ? 1 : 0;
    copied += p.what == action::copy || p.what == action::reshape ? 1 : 0;
    dropped += p.what == action::drop ? 1 : 0;
    if (!p.by) unmatched.push_back(echo(p.name));
  }
  const double s = bar.seconds();
  fmt::print("{} -> {}: {} converted, {} copied, {} dropped; {} in {:.2f} s ({}/s); at most {} of tensors held at once\n", o.in,
             fmt::join(out->files(), ", "), converted, copied, dropped, bytes_text(total), s, bytes_text(s > 0 ? static_cast<std::uint64_t>(static_cast<double>(total) / s) : 0),
             bytes_text(peak));
  if (!unmatched.empty())
    fmt::print("matched by no rule, copied unchanged: {}{}\n",
               fmt::join(unmatched.begin(), unmatched.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(unmatched.size(), 50)), ", "),
               unmatched.size() > 50 ? fmt::format(" and {} more", unmatched.size() - 50) : "");
  if (!out->keeps_metadata() && !stamps.empty())
    fmt::print("note: .npz keeps no metadata: the layouts of {} tensors are not recorded in {}\n", stamps.size(), o.out);
  if (o.verify) {
    std::size_t checked = 0, failed = 0;
    for (const tensor_plan& p : plans) {
      if (p.what != action::convert) continue;
      const verify_result& v = p.verified;
      if (v.checked) {
        ++checked;
        failed += v.ok ? 0 : 1;
        fmt::print("verify {}: {} -> {}: {} (max relative difference {:.1e})\n", echo(p.new_name), p.from.name, p.to.name, v.ok ? "same outputs" : "DIFFERENT",
                   v.max_error);
      } else {
        fmt::print("verify {}: not checked: {}\n", echo(p.new_name), v.note.empty() ? "not a convolution weight" : v.note);
      }
    }
    fmt::print("verify: {} convolution weights checked by the reference engine, {}\n", checked, failed == 0 ? "all the same" : fmt::format("{} DIFFERENT", failed));
    if (failed > 0) throw tool_error(fmt::format("--verify: {} converted weights compute something else than their source", failed));
  }
}

}  // namespace

void add_convert_checkpoint(CLI::App& app) {
  auto o = std::make_shared<options>();
  CLI::App* cmd = app.add_subcommand("convert-checkpoint", "Convert a whole checkpoint (.safetensors, sharded index .json, .npz), tensor by tensor, by rules");
  cmd->footer(
      "Rules (TOML) say what tensors are and what they become; the first that matches a tensor decides it:\n"
      "  [[rule]]\n  match = \"decoder.up.{n}.weight\"\n  from = \"torch.conv_transpose2d\"\n  to = \"flax.conv_transpose\"\n"
      "  rename = \"decoder.up.{n}.kernel\"\n"
      "Example:\n  axle convert-checkpoint model.safetensors flax.safetensors --preset torch-to-flax --rules convs.toml --verify");
  cmd->add_option("in", o->in, "The checkpoint to read: .safetensors, model.safetensors.index.json, or .npz")->required();
  cmd->add_option("out", o->out, "The checkpoint to write, its format from its extension (complete, or not at all)")->required();
  cmd->add_option("--rules", o->rules, "A rules file (TOML); several are read in order, before the preset's rules");
  std::vector<std::string> presets;
  for (std::string_view p : preset_names()) presets.emplace_back(p);
  cmd->add_option("--preset", o->preset, "Rules for a common pair of frameworks")->check(CLI::IsMember(presets));
  cmd->add_flag("--strict", o->strict, "A tensor that no rule matches is an error (otherwise it is copied unchanged and listed)");
  cmd->add_flag("--dry-run", o->dry_run, "Print what would be done to each tensor; write nothing");
  cmd->add_flag("--verify", o->verify, "Check every converted convolution weight numerically with the reference engine");
  cmd->add_flag("-f,--force", o->force, "Overwrite an existing output");
  add_no_sync_flag(*cmd, o->no_sync);
  cmd->add_flag("--reconvert", o->reconvert, "Convert tensors even when their layout stamp says they are converted already");
  cmd->add_flag("--compress", o->compress, "Deflate the members of an .npz output (np.savez_compressed)");
  cmd->add_option("--max-shard-size", o->max_shard_size, "Largest shard of a sharded output (default 5GB; decimal units)");
  cmd->add_option("--threads", o->threads, "Tensors converted at once (default: one per hardware thread)")->check(CLI::Range(1, 256));
  cmd->callback([o] { run(*o); });
}

}  // namespace axle::cli
