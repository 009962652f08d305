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
// 3. Run: a pool of workers converts tensors in the order the output wants them, within a memory
//    budget of the largest tensor's size, while the writer writes them one after the other;
//    copied tensors go from the mapped input to the output without a copy in memory. The output
//    is complete or absent.
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

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
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
  std::unique_ptr<chosen_layouts> layouts;
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
    for (std::size_t k = 0; k < items.size() && k < 20; ++k) all += (k ? "; " : "") + items[k];
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
        std::optional<index_t> groups;
        for (const auto& [axis, size] : r.sizes)
          if (axis == "G") groups = size;
        value::derivation d;
        try {
          p.layouts = std::make_unique<chosen_layouts>(choose(*p.from.entry, *p.to.entry, groups));
          for (const auto& [axis, size] : r.sizes)
            if (axis != "G") p.layouts->sizes.push_back({axis, size});
          d = derive_or_throw(*p.layouts, p.from.name, p.to.name);
        } catch (const tool_error& e) {
          // The shared op code speaks of the command line's --groups; here it is the rule's groups.
          std::string what = e.what();
          for (std::size_t at; (at = what.find("--groups")) != std::string::npos;) what.replace(at, 8, "groups =");
          throw tool_error(fmt::format("{}: tensor {}: {}", r.origin, echo(t.name), what));
        }
        if (dtype_bits(t.dtype) % 8 != 0)
          throw tool_error(fmt::format("{}: tensor {} is {}, which packs several elements in a byte: it cannot be rearranged", r.origin, echo(t.name),
                                       dtype_name(t.dtype)));
        std::vector<index_t> shape(t.shape.begin(), t.shape.end());
        try {
          p.map = map_plan(d, shape, p.layouts->sizes);
        } catch (const shape_error& e) {
          std::string what = e.what();
          if (what.rfind("source: ", 0) == 0) what = what.substr(8);
          throw tool_error(fmt::format("{}: tensor {} {} as a {} weight: {}", r.origin, echo(t.name), shape_text(t.shape), p.from.name, what));
        }
        p.plan_text = to_string(value::normal_form(d));
        p.identity = p.plan_text == "id";
        p.out.shape.assign(p.map.target_shape.begin(), p.map.target_shape.end());
        p.out_stamp = safetensors::stamp{p.to.name, to_string(p.layouts->to)};
        // The stamp the input carries, if any, must say the source layout.
        const auto s = in.stamp(t.name);
        const std::string from_text = to_string(p.layouts->from);
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
    for (std::size_t k = 0; k < asked.size() && k < 10; ++k) all += (k ? "; " : "") + asked[k];
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

void materialize_bytes(const strided_map& m, std::size_t item, const std::byte* src, std::byte* dst) {
  switch (item) {
    case 1: materialize(m, reinterpret_cast<const raw<1>*>(src), reinterpret_cast<raw<1>*>(dst)); break;
    case 2: materialize(m, reinterpret_cast<const raw<2>*>(src), reinterpret_cast<raw<2>*>(dst)); break;
    case 4: materialize(m, reinterpret_cast<const raw<4>*>(src), reinterpret_cast<raw<4>*>(dst)); break;
    case 8: materialize(m, reinterpret_cast<const raw<8>*>(src), reinterpret_cast<raw<8>*>(dst)); break;
    default: throw tool_error(fmt::format("elements of {} bytes cannot be rearranged", item));
  }
}

/// Converts tensors ahead of the writer, in its order, within a memory budget.
class pipeline {
 public:
  pipeline(const checkpoint_reader& in, std::vector<tensor_plan>& plans, std::vector<std::size_t> order, int threads, bool verify)
      : in_(in), plans_(plans), order_(std::move(order)), verify_(verify), slots_(order_.size()) {
    for (std::size_t pos = 0; pos < order_.size(); ++pos) budget_ = std::max(budget_, cost(plans_[order_[pos]]));
    for (int k = 0; k < threads; ++k) workers_.emplace_back([this] { work(); });
  }
  pipeline(const pipeline&) = delete;
  pipeline& operator=(const pipeline&) = delete;
  ~pipeline() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    cv_.notify_all();
    for (std::thread& t : workers_) t.join();
  }

  /// The data of the tensor at position `pos` of the order, once ready.
  tensor_data take(std::size_t pos) {
    std::unique_lock<std::mutex> lock(mutex_);
    cv_.wait(lock, [&] { return slots_[pos].done; });
    slot& s = slots_[pos];
    if (s.error) std::rethrow_exception(s.error);
    tensor_data d = std::move(s.data);
    s.data = {};
    return d;
  }

  [[nodiscard]] std::uint64_t budget() const noexcept { return budget_; }
  [[nodiscard]] std::uint64_t peak() const noexcept { return peak_; }

 private:
  struct slot {
    bool done = false;
    tensor_data data;
    std::exception_ptr error;
  };

  /// Bytes a tensor holds in memory while it waits for the writer.
  std::uint64_t cost(const tensor_plan& p) const {
    const bool mapped = in_.format() != checkpoint_format::npz;
    const bool moves = p.what == action::convert && !p.identity;
    return (moves ? p.out.bytes : 0) + (mapped ? 0 : in_.tensors()[p.input].bytes);
  }

  void work() {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      cv_.wait(lock, [&] {
        if (stopping_ || next_ == order_.size()) return true;
        const std::uint64_t c = cost(plans_[order_[next_]]);
        return in_flight_ == 0 || in_flight_ + c <= budget_;
      });
      if (stopping_ || next_ == order_.size()) return;
      const std::size_t pos = next_++;
      const std::uint64_t c = cost(plans_[order_[pos]]);
      in_flight_ += c;
      peak_ = std::max(peak_, in_flight_);
      lock.unlock();
      tensor_data d;
      std::exception_ptr error;
      try {
        d = produce(plans_[order_[pos]], c);
      } catch (...) {
        error = std::current_exception();
      }
      lock.lock();
      if (error) {
        in_flight_ -= c;
        slots_[pos].error = error;
      } else {
        slots_[pos].data = std::move(d);
      }
      slots_[pos].done = true;
      cv_.notify_all();
    }
  }

  /// What keeps a tensor's memory: released to the budget (and its mapped pages to the system)
  /// when the writer is done with it.
  std::shared_ptr<const void> keeper(std::shared_ptr<const void> owned, std::uint64_t c, const std::string* release) {
    struct hold {
      std::shared_ptr<const void> owned;
    };
    return std::shared_ptr<const void>(new hold{std::move(owned)}, [this, c, release](const void* h) {
      delete static_cast<const hold*>(h);
      if (release != nullptr) in_.release(*release);
      {
        std::lock_guard<std::mutex> lock(mutex_);
        in_flight_ -= c;
      }
      cv_.notify_all();
    });
  }

  tensor_data produce(tensor_plan& p, std::uint64_t c) {
    const tensor_desc& t = in_.tensors()[p.input];
    std::span<const std::byte> source;
    std::shared_ptr<std::vector<std::byte>> read;
    if (const auto m = in_.mapped(t.name)) {
      source = *m;
    } else {
      read = std::make_shared<std::vector<std::byte>>(static_cast<std::size_t>(t.bytes));
      in_.read_into(t.name, *read);
      source = *read;
    }
    const std::string* release = read ? nullptr : &p.name;
    if (p.what != action::convert || p.identity) return {source, keeper(read, c, release)};
    auto target = std::shared_ptr<std::byte[]>(new std::byte[std::max<std::size_t>(static_cast<std::size_t>(p.out.bytes), 1)]);
    materialize_bytes(p.map, dtype_bits(t.dtype) / 8, source.data(), target.get());
    const std::span<const std::byte> converted(target.get(), static_cast<std::size_t>(p.out.bytes));
    if (verify_ && verifiable(*p.from.entry)) {
      verify_request r{p.from.entry,
                       p.to.entry,
                       p.layouts->from,
                       p.layouts->to,
                       p.layouts->sizes,
                       std::vector<index_t>(t.shape.begin(), t.shape.end()),
                       std::vector<index_t>(p.out.shape.begin(), p.out.shape.end()),
                       t.dtype,
                       p.layouts->grouped};
      p.verified = verify_conversion(r, source, converted);
    }
    if (release != nullptr) in_.release(*release);
    return {converted, keeper(std::shared_ptr<const void>(target, target.get()), c, nullptr)};
  }

  const checkpoint_reader& in_;
  std::vector<tensor_plan>& plans_;
  std::vector<std::size_t> order_;
  bool verify_ = false;
  std::vector<slot> slots_;
  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::size_t next_ = 0;
  std::uint64_t in_flight_ = 0;
  std::uint64_t budget_ = 0;
  std::uint64_t peak_ = 0;
  bool stopping_ = false;
};

/// A progress line on a terminal: tensors, bytes, rate, time left.
class progress {
 public:
  progress(std::size_t tensors, std::uint64_t bytes) : tensors_(tensors), bytes_(bytes), on_(::isatty(2) != 0) {}
  void add(std::uint64_t n) {
    ++done_tensors_;
    done_bytes_ += n;
    if (!on_) return;
    const auto now = clock::now();
    if (now - last_ < std::chrono::milliseconds(100) && done_tensors_ < tensors_) return;
    last_ = now;
    const double s = std::chrono::duration<double>(now - start_).count();
    const double rate = s > 0 ? static_cast<double>(done_bytes_) / s : 0;
    const double left = rate > 0 ? static_cast<double>(bytes_ - done_bytes_) / rate : 0;
    const double frac = bytes_ ? static_cast<double>(done_bytes_) / static_cast<double>(bytes_) : 1.0;
    const int width = 24;
    const int filled = static_cast<int>(frac * width);
    fmt::print(stderr, "\r[{}{}] {}/{} tensors  {}/{}  {}/s  {:.0f} s left  ", std::string(static_cast<std::size_t>(filled), '#'),
               std::string(static_cast<std::size_t>(width - filled), ' '), done_tensors_, tensors_, bytes_text(done_bytes_), bytes_text(bytes_),
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
  std::size_t done_tensors_ = 0;
  std::uint64_t done_bytes_ = 0;
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
        fmt::print("    {} {} -> {} {}: {}  ({})\n", p.from.name, to_string(p.layouts->from), p.to.name, to_string(p.layouts->to), p.plan_text,
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
  wo.force = o.force;
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

  std::vector<std::size_t> order;  // plans in the writer's order
  for (std::size_t k : out->order()) order.push_back(plan_of[k]);
  std::vector<std::size_t> position(plans.size());
  for (std::size_t pos = 0; pos < order.size(); ++pos) position[order[pos]] = pos;
  const int threads = o.threads > 0 ? o.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::uint64_t total = 0;
  for (const tensor_desc& t : out_tensors) total += t.bytes;
  progress bar(out_tensors.size(), total);
  std::uint64_t budget = 0, peak = 0;
  {
    pipeline work(*in, plans, order, threads, o.verify);
    out->run([&](std::size_t k) { return work.take(position[plan_of[k]]); }, [&](std::uint64_t n) { bar.add(n); });
    budget = work.budget();
    peak = work.peak();
  }
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
  fmt::print("{} -> {}: {} converted, {} copied, {} dropped; {} in {:.2f} s ({}/s); at most {} of tensors in memory\n", o.in,
             fmt::join(out->files(), ", "), converted, copied, dropped, bytes_text(total), s, bytes_text(s > 0 ? static_cast<std::uint64_t>(static_cast<double>(total) / s) : 0),
             bytes_text(peak));
  static_cast<void>(budget);
  if (!unmatched.empty())
    fmt::print("matched by no rule, copied unchanged: {}\n",
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
  cmd->add_flag("--reconvert", o->reconvert, "Convert tensors even when their layout stamp says they are converted already");
  cmd->add_flag("--compress", o->compress, "Deflate the members of an .npz output (np.savez_compressed)");
  cmd->add_option("--max-shard-size", o->max_shard_size, "Largest shard of a sharded output (default 5GB; decimal units)");
  cmd->add_option("--threads", o->threads, "Tensors converted at once (default: one per hardware thread)")->check(CLI::Range(1, 256));
  cmd->callback([o] { run(*o); });
}

}  // namespace axle::cli
